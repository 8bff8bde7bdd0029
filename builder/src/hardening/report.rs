//! The result of `rampart check`: a per-check table, a JSON report and a score.

use super::{cond::Kind, Outcome, Request};
use serde::Serialize;
use std::fmt::Write;
use std::path::PathBuf;

/// Every check's outcome for the inputs checked.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The `.config` checked.
    pub config: Option<PathBuf>,
    /// The kernel command line checked (a file or the line itself).
    pub cmdline: Option<String>,
    /// The `sysctl -a` listing checked.
    pub sysctl: Option<PathBuf>,
    /// Checks passed.
    pub passed: usize,
    /// Checks failed.
    pub failed: usize,
    /// Failed checks that rampart's configs explain (`rampart` in the checks files).
    pub failed_explained: usize,
    /// Checks left out because they do not apply (a `max` check without its maximum).
    pub not_applicable: usize,
    /// Passed checks as a percentage of all checks.
    pub score: f64,
    /// Per check.
    pub checks: Vec<Outcome>,
}

impl Report {
    /// Totals `checks`.
    pub fn new(request: &Request, not_applicable: usize, checks: Vec<Outcome>) -> Report {
        let passed = checks.iter().filter(|o| o.pass).count();
        let failed = checks.len() - passed;
        let failed_explained = checks.iter().filter(|o| !o.pass && o.check.rampart.is_some()).count();
        let score = if checks.is_empty() { 0.0 } else { 100.0 * passed as f64 / checks.len() as f64 };
        Report {
            config: request.config.clone(),
            cmdline: request.cmdline.clone(),
            sysctl: request.sysctl.clone(),
            passed,
            failed,
            failed_explained,
            not_applicable,
            score,
            checks,
        }
    }

    /// The table: one line per check (and rampart's note under a failure it explains), a
    /// line per input and list when there is more than one, then the score.
    pub fn table(&self) -> String {
        let mut out = format!("{:<4}  {:<40} {:<12} {:<10} {:<10} {}\n", "", "symbol", "want", "got", "source", "why");
        for o in &self.checks {
            let c = &o.check;
            let status = if o.pass { "ok" } else { "FAIL" };
            let _ = writeln!(
                out,
                "{status:<4}  {:<40} {:<12} {:<10} {:<10} {}",
                c.symbol,
                c.want,
                shorten(&o.got, 10),
                c.source,
                c.why
            );
            if let (false, Some(note)) = (o.pass, &c.rampart) {
                let _ = writeln!(out, "      rampart: {note}");
            }
        }
        let mut parts: Vec<(String, usize, usize)> = Vec::new();
        for o in &self.checks {
            let name = match (o.kind, o.check.list.as_str()) {
                (Kind::Kconfig, "khc") => "kconfig, kernel-hardening-checker's x86_64 list".to_string(),
                (Kind::Kconfig, _) => "kconfig, KSPP only".to_string(),
                (Kind::Cmdline, _) => "kernel command line".to_string(),
                (Kind::Sysctl, _) => "sysctl".to_string(),
            };
            match parts.iter_mut().find(|p| p.0 == name) {
                Some(p) => (p.1, p.2) = (p.1 + usize::from(o.pass), p.2 + 1),
                None => parts.push((name, usize::from(o.pass), 1)),
            }
        }
        if parts.len() > 1 {
            for (name, passed, total) in parts {
                let _ = writeln!(out, "{name}: {passed}/{total} passed");
            }
        }
        let _ = write!(
            out,
            "score: {}/{} passed ({:.1}%), {} failed ({} explained by rampart's notes)",
            self.passed,
            self.checks.len(),
            self.score,
            self.failed,
            self.failed_explained
        );
        if self.not_applicable > 0 {
            let _ = write!(out, ", {} not applicable", self.not_applicable);
        }
        out.push('\n');
        out
    }
}

/// `text` cut to `width` characters, the cut marked with `…` (the JSON report has it whole).
fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    text.chars().take(width - 1).chain(std::iter::once('…')).collect()
}
