//! `rampart config`: prepare the source, compose `.config` from fragments, run
//! `olddefconfig`, and report every requested symbol that did not stick.

use crate::ctx::Ctx;
use crate::digest::{sha256_bytes, sha256_parts};
use crate::kconfig::deps::KconfigIndex;
use crate::kconfig::dotconfig::{apply_requests, DotConfig};
use crate::kconfig::fragment;
use crate::kconfig::report::StickReport;
use crate::patches::PatchSeries;
use crate::process::run_logged;
use crate::source::{self, KernelSource};
use crate::target::{Target, Variant};
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What to configure.
#[derive(Debug, Clone)]
pub struct ConfigRequest {
    /// Target name (`kconfig/targets/<name>.config`).
    pub target: String,
    /// Kernel variant.
    pub variant: Variant,
    /// Kernel source tarball or tree; Debian's tarball when absent.
    pub source: Option<PathBuf>,
    /// Required sha256 of the source tarball.
    pub pin: Option<String>,
    /// A hardware profile (`rampart probe`) to tune to instead of the target's fragment.
    pub profile: Option<PathBuf>,
    /// What the config starts from.
    pub base: Base,
}

/// What a config starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Base {
    /// `make tinyconfig`, then the target's (or profile's) and rampart's fragments.
    Tiny,
    /// Debian's own 6.12 amd64 config with its modules trimmed to the target or
    /// profile, Rust enabled, nothing of rampart's but what the boot tests need
    /// (target name gets a `-distro` suffix).
    Distro,
}

/// Debian's config, from the `linux-config-6.12` package.
pub const DEBIAN_CONFIG: &str = "/usr/src/linux-config-6.12/config.amd64_none_amd64.xz";

/// A configured kernel: the inputs of a build, recorded in `configs/<target>-<variant>/state.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Configured {
    /// Target name.
    pub target: String,
    /// Variant name.
    pub variant: String,
    /// Prepared kernel source.
    pub source: KernelSource,
    /// Applied patch series.
    pub patches: PatchSeries,
    /// Fragments in the order they were applied (repository-relative).
    pub fragments: Vec<String>,
    /// Hash of everything that determines the `.config`.
    pub inputs_hash: String,
    /// The final `.config`.
    pub dot_config: PathBuf,
    /// sha256 of the final `.config`.
    pub config_sha256: String,
    /// Symbols that did not stick.
    pub report: StickReport,
}

/// The fragments in application order: the target's (none for a profile on a distro
/// base, where Debian's config stands in for the profile base), the profile's, Rust,
/// then rampart's and the hardening (tiny base) or the distro adjustments, what the
/// boot tests need, and the variant's.
pub fn fragments(
    repo: &Path,
    target: Option<&Path>,
    profile: Option<&Path>,
    base: Base,
    variant: Variant,
) -> Vec<PathBuf> {
    let kconfig = repo.join("kconfig");
    let middle: &[&str] = match base {
        Base::Tiny => &["rust.config", "rampart.config", "hardening.config", "test.config"],
        Base::Distro => &["rust.config", "distro.config", "test.config"],
    };
    target
        .into_iter()
        .chain(profile)
        .map(Path::to_path_buf)
        .chain(middle.iter().map(|name| kconfig.join(name)))
        .chain(variant.fragments().iter().map(|name| kconfig.join("variants").join(format!("{name}.config"))))
        .collect()
}

fn read_debian_config() -> Result<String> {
    let out = std::process::Command::new("xz").args(["-dc", DEBIAN_CONFIG]).output()?;
    if !out.status.success() {
        bail!("cannot read {DEBIAN_CONFIG} (install linux-config-6.12: `rampart doctor --install`)");
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// Every module of a config left out (`=m` -> not set): the fragments then put back,
/// built in, what the target or profile needs, as localmodconfig does for the loaded
/// modules.
pub fn trim_modules(config: &str) -> String {
    config
        .lines()
        .map(|l| match l.strip_prefix("CONFIG_").and_then(|r| r.strip_suffix("=m")) {
            Some(symbol) => format!("# CONFIG_{symbol} is not set\n"),
            None => format!("{l}\n"),
        })
        .collect()
}

/// `symbols` built in (`=y`) left out too.
pub fn trim_builtin(config: &str, symbols: &std::collections::BTreeSet<String>) -> String {
    config
        .lines()
        .map(|l| match l.strip_prefix("CONFIG_").and_then(|r| r.strip_suffix("=y")) {
            Some(symbol) if symbols.contains(symbol) => format!("# CONFIG_{symbol} is not set\n"),
            _ => format!("{l}\n"),
        })
        .collect()
}

/// The patch series a variant applies.
pub fn patch_series(repo: &Path, variant: Variant) -> Result<PatchSeries> {
    if variant.patched() {
        PatchSeries::load(&repo.join("patches"))
    } else {
        Ok(PatchSeries::default())
    }
}

/// Configures (or reuses an identical earlier configuration of) the requested kernel.
pub fn configure(ctx: &Ctx, req: &ConfigRequest) -> Result<Configured> {
    let profile = req.profile.as_deref().map(|p| profile_target(&ctx.repo, p)).transpose()?;
    let mut target = match &profile {
        Some((target, _)) => target.clone(),
        None => Target::find(&ctx.repo, &req.target)?,
    };
    let distro_base = match req.base {
        Base::Tiny => None,
        Base::Distro => {
            target.name.push_str("-distro");
            Some(read_debian_config()?)
        }
    };

    let patches = patch_series(&ctx.repo, req.variant)?;
    let source =
        source::prepare(&ctx.work, req.source.as_deref(), req.pin.as_deref(), &patches, req.variant.source_flavor())?;
    // Scanned at most once: distro trimming, profile dependencies and the report use it.
    let mut kconfig: Option<KconfigIndex> = None;
    // On a distro base, the drivers Debian builds in are trimmed like its modules (the
    // target's or profile's fragment puts back what the machine needs).
    let distro_base = match distro_base {
        Some(text) => {
            let index = kconfig.insert(KconfigIndex::scan(&source.tree, target.arch)?);
            Some(trim_builtin(&trim_modules(&text), &index.tristates_under(&["drivers/", "sound/"])))
        }
        None => None,
    };
    let dir = ctx.work.config_dir(&target.name, req.variant.name());
    std::fs::create_dir_all(&dir)?;
    let tuned = match &profile {
        Some((_, profile)) => {
            let tuning = crate::tune::tune(profile, &crate::tune::KbuildIndex::scan(&source.tree));
            let path = dir.join("profile.config");
            std::fs::write(&path, crate::tune::fragment(profile, &tuning, &[]))?;
            Some((profile, tuning, path))
        }
        None => None,
    };
    // Debian's config already has what the profile base adds.
    let target_fragment = (req.base == Base::Tiny || profile.is_none()).then_some(target.fragment.as_path());
    let profile_fragment = tuned.as_ref().map(|(_, _, path)| path.as_path());
    let fragment_paths = fragments(&ctx.repo, target_fragment, profile_fragment, req.base, req.variant);
    let mut layers = Vec::new();
    let mut hash_parts: Vec<(String, Vec<u8>)> = vec![
        ("source".into(), source.sha256.clone().into_bytes()),
        ("patches".into(), patches.hash().into_bytes()),
        ("toolchain".into(), serde_json::to_vec(&ctx.toolchain.versions())?),
    ];
    if let Some(base) = &distro_base {
        hash_parts.push(("distro base".into(), base.clone().into_bytes()));
    }
    for path in &fragment_paths {
        layers.push(fragment::load(path, &ctx.repo)?);
        hash_parts.push((path.display().to_string(), std::fs::read(path)?));
    }
    let requests = fragment::merge(layers);
    let inputs_hash = sha256_parts(hash_parts.iter().map(|(k, v)| (k.as_str(), v.as_slice())));

    let state_path = dir.join("state.json");
    if let Some(previous) = load_state(&state_path) {
        if previous.inputs_hash == inputs_hash && previous.dot_config.is_file() {
            eprintln!("config: inputs unchanged, reusing {}", previous.dot_config.display());
            return finish(previous);
        }
    }

    std::fs::create_dir_all(&dir)?;
    let obj = dir.join("obj");
    let log = dir.join("config.log");
    let _ = std::fs::remove_file(&log);
    std::fs::create_dir_all(&obj)?;
    eprintln!("config: composing {} ({}) from {} fragments", target.name, req.variant.name(), fragment_paths.len());
    let mut requests = requests;
    let mut final_text = compose(ctx, &source.tree, &obj, &log, distro_base.as_deref(), &requests)?;
    if let Some((profile, tuning, path)) = &tuned {
        // Drivers whose menus are off: turn on what they depend on, until nothing changes.
        let index = match kconfig.take() {
            Some(index) => index,
            None => KconfigIndex::scan(&source.tree, target.arch)?,
        };
        let mut extra: Vec<crate::tune::Tuned> = Vec::new();
        for _round in 0..8 {
            let added = enablers_needed(&index, &DotConfig::parse(&final_text), &tuning.requests, &extra);
            if added.is_empty() {
                break;
            }
            extra.extend(added);
            std::fs::write(path, crate::tune::fragment(profile, tuning, &extra))?;
            requests = fragment::merge(
                fragment_paths.iter().map(|p| fragment::load(p, &ctx.repo)).collect::<Result<Vec<_>>>()?,
            );
            final_text = compose(ctx, &source.tree, &obj, &log, distro_base.as_deref(), &requests)?;
        }
        kconfig = Some(index);
    }
    let config = DotConfig::parse(&final_text);
    let mut report = StickReport::build(&requests, &config, || {
        kconfig.or_else(|| KconfigIndex::scan(&source.tree, target.arch).ok())
    });
    add_rust_diagnosis(ctx, &source.tree, &obj, &mut report);

    let dot_config = dir.join("config");
    std::fs::write(&dot_config, &final_text)?;
    let configured = Configured {
        target: target.name.clone(),
        variant: req.variant.name().to_string(),
        source,
        patches,
        fragments: fragment_paths
            .iter()
            .map(|p| p.strip_prefix(&ctx.repo).unwrap_or(p).display().to_string())
            .collect(),
        inputs_hash,
        dot_config,
        config_sha256: sha256_bytes(final_text.as_bytes()),
        report,
    };
    std::fs::write(&state_path, serde_json::to_vec_pretty(&configured)?)?;
    std::fs::write(dir.join("report.txt"), configured.report.render())?;
    finish(configured)
}

/// Requests for the symbols the profile's `y` requests (and earlier additions) still
/// lack in `config` because a menu they depend on is off; none already requested.
fn enablers_needed(
    index: &KconfigIndex,
    config: &DotConfig,
    requested: &[crate::tune::Tuned],
    extra: &[crate::tune::Tuned],
) -> Vec<crate::tune::Tuned> {
    let mut added: Vec<crate::tune::Tuned> = Vec::new();
    for t in requested.iter().chain(extra) {
        if t.value != "y" || config.value(&t.symbol) == "y" {
            continue;
        }
        for enabler in index.enablers(&t.symbol, config) {
            if !requested.iter().chain(extra).chain(&added).any(|e| e.symbol == enabler) {
                added.push(crate::tune::Tuned::new(&enabler, "y", format!("needed by {}", t.symbol)));
            }
        }
    }
    added
}

/// The base (tinyconfig, or `distro` with its modules trimmed), then `requests`, then
/// olddefconfig; returns the resulting `.config`.
fn compose(
    ctx: &Ctx,
    tree: &Path,
    obj: &Path,
    log: &Path,
    distro: Option<&str>,
    requests: &[fragment::Request],
) -> Result<String> {
    let base = match distro {
        Some(text) => text.to_string(),
        None => {
            run_logged(ctx.toolchain.make(tree).arg(format!("O={}", obj.display())).arg("tinyconfig"), log)?;
            std::fs::read_to_string(obj.join(".config"))?
        }
    };
    std::fs::write(obj.join(".config"), apply_requests(&base, requests))?;
    run_logged(ctx.toolchain.make(tree).arg(format!("O={}", obj.display())).arg("olddefconfig"), log)?;
    Ok(std::fs::read_to_string(obj.join(".config"))?)
}

/// The target of a profile: named after the profile file, based on
/// `kconfig/profile-base.config`.
fn profile_target(repo: &Path, path: &Path) -> Result<(Target, crate::probe::Profile)> {
    let profile = crate::probe::load(path)?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("host");
    let name: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    Ok((
        Target { name: format!("profile-{name}"), arch: "x86", fragment: repo.join("kconfig/profile-base.config") },
        profile,
    ))
}

/// When Rust support did not stick, the kernel's own `rustavailable` check says why.
fn add_rust_diagnosis(ctx: &Ctx, tree: &Path, obj: &Path, report: &mut StickReport) {
    let Some(rust) = report.mismatches.iter_mut().find(|m| m.symbol == "RUST") else { return };
    let out = ctx.toolchain.make(tree).arg(format!("O={}", obj.display())).arg("rustavailable").output();
    if let Ok(out) = out {
        let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
        rust.reasons.push(rustavailable_reason(&text));
    }
}

/// The reason in `make rustavailable`'s output: its `***` lines that say something,
/// joined, and the command that fixes a missing tool.
fn rustavailable_reason(output: &str) -> String {
    let said: Vec<&str> = output
        .lines()
        .filter(|l| l.contains("***"))
        .map(|l| l.trim().trim_matches('*').trim())
        .filter(|l| !l.is_empty())
        .collect();
    let mut reason = if said.is_empty() {
        format!("`make rustavailable` failed without a reason: {}", output.trim())
    } else {
        format!("`make rustavailable`: {}", said.join(" "))
    };
    if said.iter().any(|l| l.contains("bindgen") || l.contains("Rust compiler") || l.contains("source code")) {
        reason.push_str(" (run `rampart doctor --install`)");
    }
    reason
}

#[cfg(test)]
mod rustavailable_tests {
    use super::rustavailable_reason;

    #[test]
    fn names_what_is_missing_and_the_fix() {
        let out = "***\n*** Rust bindings generator 'bindgen' could not be found.\n***\n";
        let r = rustavailable_reason(out);
        assert!(r.contains("'bindgen' could not be found"), "{r}");
        assert!(r.contains("rampart doctor --install"), "{r}");
        assert!(!rustavailable_reason("make: *** [Makefile:1] Error 2\n").ends_with(": "));
        assert!(rustavailable_reason("").contains("without a reason"));
    }
}

fn load_state(path: &Path) -> Option<Configured> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn finish(configured: Configured) -> Result<Configured> {
    eprint!("{}", configured.report.render());
    let failed: Vec<String> = configured.report.required_failures().map(|m| format!("CONFIG_{}", m.symbol)).collect();
    if !failed.is_empty() {
        bail!(
            "required symbols did not stick: {} (the kernel would silently differ from what was asked; see the reasons above)",
            failed.join(", ")
        );
    }
    eprintln!(
        "config: {} {} on Linux {}, .config sha256 {}",
        configured.target,
        configured.variant,
        configured.source.version,
        &configured.config_sha256[..16]
    );
    Ok(configured)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_leaves_out_modules_only() {
        let text = "CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_D=\"m\"\n";
        assert_eq!(trim_modules(text), "CONFIG_A=y\n# CONFIG_B is not set\n# CONFIG_C is not set\nCONFIG_D=\"m\"\n");
    }
}
