//! `rampart-hidsd test-rules <logfile>`: which lines match which rules, per source
//! address, like fail2ban-regex or ossec-logtest.

use crate::lines::{for_each_event, LineStats};
use crate::rules::engine::Engine;
use crate::rules::Rule;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;

/// Per-rule results.
#[derive(Debug, Serialize)]
pub struct RuleReport {
    /// Rule id.
    pub id: u32,
    /// Rule level.
    pub level: u8,
    /// Rule description.
    pub description: String,
    /// Events (base rules) or firings (composite rules).
    pub matches: u64,
    /// Matches per source address.
    pub sources: BTreeMap<String, u64>,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The file analysed.
    pub file: String,
    /// Line counters, malformed input included.
    pub stats: LineStats,
    /// Rules with at least one match, by id.
    pub rules: Vec<RuleReport>,
}

/// Analyses `path`; `on_match` sees each matching line (for `--lines`).
pub fn run(path: &Path, rules: Vec<Rule>, mut on_match: impl FnMut(u32, &str)) -> Result<Report> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let year = crate::logline::year_of(
        file.metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or_else(crate::logline::now, |d| d.as_secs() as i64),
    );
    let mut engine = Engine::new(rules);
    let mut reports: BTreeMap<u32, RuleReport> = BTreeMap::new();
    let mut stats = LineStats::default();
    let origin = path.display().to_string();
    let mut count = |id: u32, level: u8, description: &str, srcip: Option<&String>| {
        let r = reports.entry(id).or_insert_with(|| RuleReport {
            id,
            level,
            description: description.to_string(),
            matches: 0,
            sources: BTreeMap::new(),
        });
        r.matches += 1;
        if let Some(ip) = srcip {
            *r.sources.entry(ip.clone()).or_default() += 1;
        }
    };
    for_each_event(&mut BufReader::with_capacity(1 << 20, file), &origin, year, &mut stats, |event| {
        for m in engine.process(&event) {
            let rule = engine.rule(&m);
            count(rule.id, rule.level, &rule.description, m.fields.get("srcip"));
            if !m.composite {
                on_match(rule.id, &event.raw);
            }
        }
    })?;
    Ok(Report { file: origin, stats, rules: reports.into_values().collect() })
}

/// Human-readable summary.
pub fn render(report: &Report) -> String {
    let s = &report.stats;
    let mut out = format!(
        "{}: {} lines, {} decoded, {} without a syslog header, {} not UTF-8, {} oversized\n",
        report.file, s.lines, s.decoded, s.undecoded, s.invalid_utf8, s.oversized
    );
    for r in &report.rules {
        out.push_str(&format!("rule {:>5} level {:>2} {:>8} x  {}\n", r.id, r.level, r.matches, r.description));
        let mut top: Vec<(&String, &u64)> = r.sources.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (ip, n) in top.iter().take(10) {
            out.push_str(&format!("        {n:>8}  {ip}\n"));
        }
        if top.len() > 10 {
            out.push_str(&format!("        ... {} more addresses\n", top.len() - 10));
        }
    }
    out
}
