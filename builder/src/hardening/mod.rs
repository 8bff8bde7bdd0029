//! `rampart check`: a `.config` against published hardening recommendations
//! (`kconfig/checks.toml`, each check citing its source), as a table, a JSON report
//! and a score.

mod checks;
mod report;

pub use checks::{evaluate, Outcome};
pub use report::Report;

use anyhow::{Context, Result};
use std::path::Path;

/// The checks shipped in the repository.
pub const CHECKS: &str = include_str!("../../../kconfig/checks.toml");

/// Checks the `.config` at `path` with the shipped checks.
pub fn check_file(path: &Path) -> Result<Report> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let checks = checks::parse(CHECKS).context("kconfig/checks.toml")?;
    Ok(Report::new(path, evaluate(&checks, &crate::kconfig::dotconfig::DotConfig::parse(&text))))
}
