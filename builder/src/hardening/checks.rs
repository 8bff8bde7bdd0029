//! Hardening checks and their evaluation against a `.config`.

use crate::kconfig::dotconfig::DotConfig;
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

/// One recommendation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Kconfig symbol without `CONFIG_`.
    pub symbol: String,
    /// `y`, `n` (unset or absent), or a number the value must reach.
    pub want: String,
    /// Area (self-protection, security-policy, cpu-platform, attack-surface).
    pub group: String,
    /// Who recommends it (`kspp`, `khc`; URLs in the file's header).
    pub source: String,
    /// What it protects against.
    pub why: String,
    /// Why rampart's configs do not follow it, if they do not.
    #[serde(default)]
    pub rampart: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckFile {
    check: Vec<Check>,
}

/// Parses a checks file; every `want` must be understood.
pub fn parse(text: &str) -> Result<Vec<Check>> {
    let file: CheckFile = toml::from_str(text)?;
    for c in &file.check {
        if !matches!(c.want.as_str(), "y" | "n") && c.want.parse::<i64>().is_err() {
            bail!("{}: want must be y, n or a number, not {:?}", c.symbol, c.want);
        }
    }
    Ok(file.check)
}

/// A check applied to one config.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The check.
    #[serde(flatten)]
    pub check: Check,
    /// The config's value (`n` when unset or absent).
    pub got: String,
    /// Whether the config follows the recommendation.
    pub pass: bool,
}

/// Applies every check to `config`.
pub fn evaluate(checks: &[Check], config: &DotConfig) -> Vec<Outcome> {
    checks
        .iter()
        .map(|c| {
            let got = config.value(&c.symbol).to_string();
            let pass = match c.want.as_str() {
                "y" => got == "y",
                // Unset, absent or a module that is not built in: `m` still offers it.
                "n" => got == "n",
                at_least => match (got.parse::<i64>(), at_least.parse::<i64>()) {
                    (Ok(g), Ok(w)) => g >= w,
                    _ => false,
                },
            };
            Outcome { check: c.clone(), got, pass }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_checks_parse_and_cite_a_known_source() {
        let checks = parse(crate::hardening::CHECKS).unwrap();
        assert!(checks.len() > 80);
        for c in &checks {
            assert!(matches!(c.source.as_str(), "kspp" | "khc"), "{}: {}", c.symbol, c.source);
            assert!(!c.why.is_empty(), "{}", c.symbol);
        }
        let mut symbols: Vec<_> = checks.iter().map(|c| &c.symbol).collect();
        symbols.sort();
        symbols.dedup();
        assert_eq!(symbols.len(), checks.len(), "a symbol is checked twice");
    }

    #[test]
    fn values_are_judged_as_the_kernel_reads_them() {
        let checks = parse(
            "[[check]]\nsymbol='A'\nwant='y'\ngroup='g'\nsource='kspp'\nwhy='w'\n\
             [[check]]\nsymbol='B'\nwant='n'\ngroup='g'\nsource='kspp'\nwhy='w'\n\
             [[check]]\nsymbol='C'\nwant='65536'\ngroup='g'\nsource='kspp'\nwhy='w'\n\
             [[check]]\nsymbol='D'\nwant='n'\ngroup='g'\nsource='kspp'\nwhy='w'\n",
        )
        .unwrap();
        let config = DotConfig::parse("CONFIG_A=m\n# CONFIG_B is not set\nCONFIG_C=4096\nCONFIG_D=m\n");
        let pass: Vec<bool> = evaluate(&checks, &config).iter().map(|o| o.pass).collect();
        assert_eq!(pass, [false, true, false, false]);
        let config = DotConfig::parse("CONFIG_A=y\nCONFIG_B=y\nCONFIG_C=65536\n");
        let pass: Vec<bool> = evaluate(&checks, &config).iter().map(|o| o.pass).collect();
        assert_eq!(pass, [true, false, true, true]);
    }

    #[test]
    fn a_bad_want_is_refused() {
        let e = parse("[[check]]\nsymbol='A'\nwant='yes'\ngroup='g'\nsource='kspp'\nwhy='w'\n").unwrap_err();
        assert!(e.to_string().contains("want must be"), "{e}");
    }
}
