//! Hardening checks and their evaluation against a config, a command line and sysctls.

use super::cond::{Kind, State, Term, Test};
use super::input::Inputs;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// One recommendation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Kconfig symbol without `CONFIG_`, kernel parameter or sysctl key (by the file).
    pub symbol: String,
    /// The test on its value (see `cond`): `y`, `is not set`, `is present`, `is not off`,
    /// `contains WORD`, `>= N`, `max`, or the exact value.
    pub want: String,
    /// What it is for, in kernel-hardening-checker's terms: `self_protection`,
    /// `security_policy`, `cut_attack_surface`, `harden_userspace`.
    pub group: String,
    /// Who decided it (`defconfig`, `kspp`, `grsec`, `clipos`, `lockdown`, ...; the file's
    /// header lists them).
    pub source: String,
    /// The list it comes from: `khc` (kernel-hardening-checker's x86_64 list) or `kspp`
    /// (KSPP's recommended settings, not on that list).
    pub list: String,
    /// What it protects against.
    pub why: String,
    /// Alternatives that also pass the check (each terms joined by ` and `).
    #[serde(default, rename = "or", skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// Conditions the check needs besides `want` (all must hold).
    #[serde(default, rename = "and", skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// For `want = "max"`: the Kconfig symbol holding the maximum (default `<symbol>_MAX`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    /// Why rampart's configs do not follow it, if they do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rampart: Option<String>,
}

/// A check with its conditions parsed.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The check as written.
    pub check: Check,
    /// The input `symbol` is read from.
    pub kind: Kind,
    want: Test,
    requires: Vec<Term>,
    alternatives: Vec<Vec<Term>>,
}

/// The known decision sources.
pub const SOURCES: &[&str] =
    &["defconfig", "kspp", "grsec", "clipos", "lockdown", "a13xp0p0v", "maintainer", "grapheneos", "cis", "debian"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckFile {
    check: Vec<Check>,
    /// Command-line parameters the kernel does not read as booleans (cmdline file only).
    #[serde(default)]
    verbatim: Vec<String>,
}

/// A parsed checks file.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The checks.
    pub rules: Vec<Rule>,
    /// The file's `verbatim` list.
    pub verbatim: Vec<String>,
}

/// Parses a checks file whose `symbol`s are settings of `kind`; every condition must parse.
pub fn parse(text: &str, kind: Kind) -> Result<Rules> {
    let file: CheckFile = toml::from_str(text)?;
    let mut rules = Vec::new();
    for c in file.check {
        let rule = compile(c.clone(), kind).with_context(|| format!("check {} ({})", c.symbol, c.want))?;
        rules.push(rule);
    }
    Ok(Rules { rules, verbatim: file.verbatim })
}

fn compile(check: Check, kind: Kind) -> Result<Rule> {
    if !SOURCES.contains(&check.source.as_str()) {
        bail!("unknown source {:?}", check.source);
    }
    if !matches!(check.list.as_str(), "khc" | "kspp") {
        bail!("list must be khc or kspp, not {:?}", check.list);
    }
    let max = check.max.clone().unwrap_or_else(|| format!("{}_MAX", check.symbol));
    let want = Test::parse_want(&check.want, &max)?;
    let requires = check.requires.iter().map(|t| Term::parse(t)).collect::<Result<_>>()?;
    let alternatives = check.alternatives.iter().map(|t| Term::parse_all(t)).collect::<Result<_>>()?;
    Ok(Rule { check, kind, want, requires, alternatives })
}

/// A check applied to the inputs.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The check.
    #[serde(flatten)]
    pub check: Check,
    /// The input the check's setting is read from.
    pub kind: Kind,
    /// The setting's value (`n`: `is not set`, `absent`: not in the input).
    pub got: String,
    /// Whether the inputs follow the recommendation.
    pub pass: bool,
    /// The alternative it passed by, when not by `want` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// Applies `rules` to the inputs they read. A rule whose input was not given, or that does
/// not apply (a `max` without its maximum), is left out.
pub fn evaluate(rules: &[Rule], inputs: &Inputs) -> Vec<Outcome> {
    rules.iter().filter_map(|r| evaluate_one(r, inputs)).collect()
}

fn evaluate_one(rule: &Rule, inputs: &Inputs) -> Option<Outcome> {
    let settings = inputs.settings(rule.kind)?;
    let state = settings.state(&rule.check.symbol);
    let max = match &rule.want {
        Test::Max(symbol) => inputs.kconfig.as_ref().map_or(State::Absent, |k| k.state(symbol)),
        _ => State::Absent,
    };
    let main = rule.want.judge(state, max)? && rule.requires.iter().all(|t| holds(t, inputs));
    let via = if main {
        None
    } else {
        rule.alternatives
            .iter()
            .position(|alt| alt.iter().all(|t| holds(t, inputs)))
            .map(|i| rule.check.alternatives[i].clone())
    };
    Some(Outcome {
        check: rule.check.clone(),
        kind: rule.kind,
        got: state.to_string(),
        pass: main || via.is_some(),
        via,
    })
}

/// Whether a term holds; a term on an input not given does not.
fn holds(term: &Term, inputs: &Inputs) -> bool {
    match term {
        Term::Version(v) => inputs.version.is_some_and(|have| have >= *v),
        Term::Setting { kind, name, test } => {
            inputs.settings(*kind).is_some_and(|s| test.judge(s.state(name), State::Absent).unwrap_or(false))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardening::input::{parse_cmdline, parse_kconfig, parse_sysctl};

    fn kconfig(text: &str) -> Inputs {
        let (k, version) = parse_kconfig(text);
        Inputs { kconfig: Some(k), version, ..Inputs::default() }
    }

    fn passes(rules: &Rules, inputs: &Inputs) -> Vec<bool> {
        evaluate(&rules.rules, inputs).iter().map(|o| o.pass).collect()
    }

    const HEAD: &str = "group='g'\nsource='kspp'\nlist='khc'\nwhy='w'\n";

    #[test]
    fn the_shipped_checks_parse_and_are_distinct() {
        for (text, kind, at_least) in [
            (crate::hardening::CHECKS, Kind::Kconfig, 220),
            (crate::hardening::CMDLINE_CHECKS, Kind::Cmdline, 50),
            (crate::hardening::SYSCTL_CHECKS, Kind::Sysctl, 35),
        ] {
            let rules = parse(text, kind).unwrap();
            assert!(rules.rules.len() >= at_least, "{kind:?}: {}", rules.rules.len());
            let mut keys: Vec<_> = rules.rules.iter().map(|r| (&r.check.symbol, &r.check.want)).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), rules.rules.len(), "{kind:?}: a check is listed twice");
            for r in &rules.rules {
                assert!(!r.check.why.is_empty(), "{}", r.check.symbol);
                let group = r.check.group.as_str();
                assert!(
                    matches!(group, "self_protection" | "security_policy" | "cut_attack_surface" | "harden_userspace"),
                    "{}: group {group}",
                    r.check.symbol
                );
            }
        }
    }

    #[test]
    fn values_are_judged_as_the_kernel_reads_them() {
        let rules = parse(
            &format!(
                "[[check]]\nsymbol='A'\nwant='y'\n{HEAD}[[check]]\nsymbol='B'\nwant='is not set'\n{HEAD}\
                 [[check]]\nsymbol='C'\nwant='65536'\n{HEAD}[[check]]\nsymbol='D'\nwant='is not set'\n{HEAD}"
            ),
            Kind::Kconfig,
        )
        .unwrap();
        let config = kconfig("CONFIG_A=m\n# CONFIG_B is not set\nCONFIG_C=4096\nCONFIG_D=m\n");
        assert_eq!(passes(&rules, &config), [false, true, false, false]);
        let config = kconfig("CONFIG_A=y\nCONFIG_B=y\nCONFIG_C=65536\n");
        assert_eq!(passes(&rules, &config), [true, false, true, true]);
    }

    #[test]
    fn alternatives_requirements_and_versions() {
        let rules = parse(
            &format!(
                "[[check]]\nsymbol='STRICT_DEVMEM'\nwant='y'\nor=['CONFIG_DEVMEM is not set']\n{HEAD}\
                 [[check]]\nsymbol='INTEL_IOMMU'\nwant='y'\nand=['CONFIG_IOMMU_SUPPORT=y']\n{HEAD}\
                 [[check]]\nsymbol='X86_SMAP'\nwant='y'\nor=['version >= 5.19']\n{HEAD}\
                 [[check]]\nsymbol='LDISC_AUTOLOAD'\nwant='is not set'\nand=['CONFIG_LDISC_AUTOLOAD is present']\n{HEAD}\
                 [[check]]\nsymbol='MICROCODE_AMD'\nwant='y'\nor=['CONFIG_CPU_SUP_AMD is not set', \
                 'CONFIG_MICROCODE=y and version >= 6.6']\n{HEAD}"
            ),
            Kind::Kconfig,
        )
        .unwrap();
        let old = kconfig(
            "# Linux/x86 5.10.1 Kernel Configuration\nCONFIG_INTEL_IOMMU=y\nCONFIG_MICROCODE=y\nCONFIG_CPU_SUP_AMD=y\n",
        );
        assert_eq!(passes(&rules, &old), [true, false, false, false, false]);
        let new = kconfig(
            "# Linux/x86 6.12.1 Kernel Configuration\nCONFIG_DEVMEM=y\nCONFIG_IOMMU_SUPPORT=y\nCONFIG_INTEL_IOMMU=y\n\
             # CONFIG_LDISC_AUTOLOAD is not set\nCONFIG_MICROCODE=y\nCONFIG_CPU_SUP_AMD=y\n",
        );
        assert_eq!(passes(&rules, &new), [false, true, true, true, true]);
        let outcome = &evaluate(&rules.rules, &new)[4];
        assert_eq!(outcome.via.as_deref(), Some("CONFIG_MICROCODE=y and version >= 6.6"));
    }

    #[test]
    fn a_max_check_needs_its_maximum() {
        let rules =
            parse(&format!("[[check]]\nsymbol='ARCH_MMAP_RND_BITS'\nwant='max'\n{HEAD}"), Kind::Kconfig).unwrap();
        assert_eq!(
            passes(&rules, &kconfig("CONFIG_ARCH_MMAP_RND_BITS=32\nCONFIG_ARCH_MMAP_RND_BITS_MAX=32\n")),
            [true]
        );
        assert_eq!(
            passes(&rules, &kconfig("CONFIG_ARCH_MMAP_RND_BITS=28\nCONFIG_ARCH_MMAP_RND_BITS_MAX=32\n")),
            [false]
        );
        assert!(passes(&rules, &kconfig("CONFIG_ARCH_MMAP_RND_BITS=28\n")).is_empty());
    }

    #[test]
    fn command_line_and_sysctl_checks_read_the_config_too() {
        let cmdline = parse(
            &format!(
                "verbatim=['mitigations']\n[[check]]\nsymbol='init_on_alloc'\nwant='1'\n\
                 or=['CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y and cmdline init_on_alloc is not set']\n{HEAD}\
                 [[check]]\nsymbol='mitigations'\nwant='auto,nosmt'\n{HEAD}"
            ),
            Kind::Cmdline,
        )
        .unwrap();
        let mut inputs = kconfig("CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y\n");
        inputs.cmdline = Some(parse_cmdline("console=ttyS0 mitigations=auto,nosmt", &cmdline.verbatim).unwrap());
        assert_eq!(passes(&cmdline, &inputs), [true, true]);
        inputs.cmdline = Some(parse_cmdline("init_on_alloc=off", &cmdline.verbatim).unwrap());
        assert_eq!(passes(&cmdline, &inputs), [false, false]);

        let sysctl = parse(
            &format!("[[check]]\nsymbol='kernel.sysrq'\nwant='0'\nor=['CONFIG_MAGIC_SYSRQ is not set']\n{HEAD}"),
            Kind::Sysctl,
        )
        .unwrap();
        let alone = Inputs { sysctl: Some(parse_sysctl("kernel.sysrq = 16\n").unwrap()), ..Inputs::default() };
        assert_eq!(passes(&sysctl, &alone), [false], "without a config its alternative does not hold");
        let with_config = Inputs { kconfig: Some(parse_kconfig("").0), ..alone };
        assert_eq!(passes(&sysctl, &with_config), [true]);
        assert!(passes(&sysctl, &kconfig("")).is_empty(), "no sysctl input, no sysctl checks");
    }

    #[test]
    fn bad_checks_are_refused() {
        for (body, message) in [
            ("symbol='A'\nwant='yes please'\n", "unknown want"),
            ("symbol='A'\nwant='y'\nor=['A is not set']\n", "names no input"),
        ] {
            let e = parse(&format!("[[check]]\n{body}{HEAD}"), Kind::Kconfig).unwrap_err();
            assert!(format!("{e:#}").contains(message), "{e:#}");
        }
        let e = parse("[[check]]\nsymbol='A'\nwant='y'\ngroup='g'\nsource='me'\nlist='khc'\nwhy='w'\n", Kind::Kconfig)
            .unwrap_err();
        assert!(format!("{e:#}").contains("unknown source"), "{e:#}");
    }
}
