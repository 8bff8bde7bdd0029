//! The result of `rampart check`: a per-check table, a JSON report and a score.

use super::Outcome;
use serde::Serialize;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Every check's outcome for one config.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The `.config` checked.
    pub config: PathBuf,
    /// Checks passed.
    pub passed: usize,
    /// Checks failed.
    pub failed: usize,
    /// Failed checks that rampart's configs explain (`rampart` in checks.toml).
    pub failed_explained: usize,
    /// Passed checks as a percentage of all checks.
    pub score: f64,
    /// Per check.
    pub checks: Vec<Outcome>,
}

impl Report {
    /// Totals `checks`.
    pub fn new(config: &Path, checks: Vec<Outcome>) -> Report {
        let passed = checks.iter().filter(|o| o.pass).count();
        let failed = checks.len() - passed;
        let failed_explained = checks.iter().filter(|o| !o.pass && o.check.rampart.is_some()).count();
        let score = if checks.is_empty() { 0.0 } else { 100.0 * passed as f64 / checks.len() as f64 };
        Report { config: config.to_path_buf(), passed, failed, failed_explained, score, checks }
    }

    /// The table: one line per check, then the score.
    pub fn table(&self) -> String {
        let mut out = format!("{:<4}  {:<40} {:<6} {:<8} {:<6} {}\n", "", "symbol", "want", "got", "source", "why");
        for o in &self.checks {
            let c = &o.check;
            let status = if o.pass { "ok" } else { "FAIL" };
            let _ = writeln!(out, "{status:<4}  {:<40} {:<6} {:<8} {:<6} {}", c.symbol, c.want, o.got, c.source, c.why);
            if let (false, Some(note)) = (o.pass, &c.rampart) {
                let _ = writeln!(out, "      rampart: {note}");
            }
        }
        let _ = writeln!(
            out,
            "score: {}/{} passed ({:.1}%), {} failed ({} explained by rampart's notes)",
            self.passed,
            self.checks.len(),
            self.score,
            self.failed,
            self.failed_explained
        );
        out
    }
}
