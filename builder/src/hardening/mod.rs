//! `rampart check`: a `.config`, a kernel command line and sysctls against published
//! hardening recommendations (`kconfig/checks.toml`, `kconfig/cmdline-checks.toml`,
//! `kconfig/sysctl-checks.toml`, each check citing its source), as a table, a JSON report
//! and a score.

mod checks;
mod cond;
mod input;
mod report;

pub use checks::{evaluate, Outcome};
pub use report::Report;

use anyhow::{bail, Context, Result};
use cond::{Kind, State};
use input::Inputs;
use std::path::{Path, PathBuf};

/// The `.config` checks shipped in the repository (x86_64).
pub const CHECKS: &str = include_str!("../../../kconfig/checks.toml");
/// The kernel command-line checks.
pub const CMDLINE_CHECKS: &str = include_str!("../../../kconfig/cmdline-checks.toml");
/// The sysctl checks.
pub const SYSCTL_CHECKS: &str = include_str!("../../../kconfig/sysctl-checks.toml");

/// What to check: at least one of the three.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// A `.config`.
    pub config: Option<PathBuf>,
    /// A file holding a kernel command line (`/proc/cmdline`), or the command line itself.
    pub cmdline: Option<String>,
    /// A file of `sysctl -a` output.
    pub sysctl: Option<PathBuf>,
}

/// Checks what `request` names with the shipped checks.
pub fn check(request: &Request) -> Result<Report> {
    let read = |p: &Path| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()));
    let mut inputs = Inputs::default();
    let mut rules = Vec::new();
    if let Some(path) = &request.config {
        let (kconfig, version) = input::parse_kconfig(&read(path)?);
        if kconfig.state("X86_64") != State::Value("y") {
            bail!("{}: not an x86_64 config (no CONFIG_X86_64=y); the checks are for x86_64", path.display());
        }
        inputs.kconfig = Some(kconfig);
        inputs.version = version;
        rules.extend(checks::parse(CHECKS, Kind::Kconfig).context("kconfig/checks.toml")?.rules);
    }
    if let Some(cmdline) = &request.cmdline {
        if request.config.is_none() {
            bail!("--cmdline needs the kernel's .config too: most command-line checks accept a Kconfig default");
        }
        let parsed = checks::parse(CMDLINE_CHECKS, Kind::Cmdline).context("kconfig/cmdline-checks.toml")?;
        let path = Path::new(cmdline);
        let text = if path.is_file() { read(path)? } else { cmdline.clone() };
        inputs.cmdline = Some(input::parse_cmdline(&text, &parsed.verbatim).context("--cmdline")?);
        rules.extend(parsed.rules);
    }
    if let Some(path) = &request.sysctl {
        inputs.sysctl = Some(input::parse_sysctl(&read(path)?).with_context(|| format!("reading {}", path.display()))?);
        rules.extend(checks::parse(SYSCTL_CHECKS, Kind::Sysctl).context("kconfig/sysctl-checks.toml")?.rules);
    }
    if rules.is_empty() {
        bail!("nothing to check: give a .config, --cmdline or --sysctl");
    }
    let outcomes = evaluate(&rules, &inputs);
    Ok(Report::new(request, rules.len() - outcomes.len(), outcomes))
}

/// `rampart check`: prints the table (or the JSON report with `json` = `-`, or writes it to
/// `json` as well), and says whether the score reaches `fail_under`.
pub fn run(request: &Request, json: Option<&Path>, fail_under: Option<f64>) -> Result<bool> {
    let report = check(request)?;
    let text = serde_json::to_string_pretty(&report)?;
    match json {
        Some(p) if p == Path::new("-") => println!("{text}"),
        Some(p) => {
            std::fs::write(p, text + "\n").with_context(|| format!("writing {}", p.display()))?;
            print!("{}", report.table());
        }
        None => print!("{}", report.table()),
    }
    Ok(fail_under.is_none_or(|min| report.score >= min))
}
