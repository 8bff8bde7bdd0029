//! `rampart-hidsd test-rules <logfile>`: which lines match which rules, per source
//! address, like fail2ban-regex or ossec-logtest.
//!
//! Decoding and base-rule matching run on every core over slices of the file;
//! correlation (frequency rules) then runs over the matches in file order, so the
//! result is the same as a single pass.

use crate::lines::{for_each_event, LineStats};
use crate::rules::engine::Engine;
use crate::rules::Rule;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
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

/// A base-rule match found by a worker, kept until correlation.
struct BaseMatch {
    rule: usize,
    fields: BTreeMap<String, String>,
    time: i64,
    raw: Option<String>,
}

/// Splits `data` into about `parts` slices that end at line ends.
fn split_lines(data: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut slices = Vec::new();
    let mut start = 0;
    for i in 1..=parts {
        let mut end = if i == parts { data.len() } else { (data.len() * i / parts).max(start) };
        while end < data.len() && end > 0 && data[end - 1] != b'\n' {
            end += 1;
        }
        slices.push(&data[start..end]);
        start = end;
    }
    slices
}

/// Analyses `path`; `on_match` sees each line a base rule matched, in file order, when
/// `with_lines` is set.
pub fn run(path: &Path, rules: Vec<Rule>, with_lines: bool, mut on_match: impl FnMut(u32, &str)) -> Result<Report> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let year = crate::logline::year_of(
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or_else(crate::logline::now, |d| d.as_secs() as i64),
    );
    let mut engine = Engine::new(rules);
    let origin = path.display().to_string();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let shared = &engine;
    let parts: Vec<(LineStats, Vec<BaseMatch>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = split_lines(&data, threads)
            .into_iter()
            .map(|mut slice| {
                let origin = origin.clone();
                scope.spawn(move || {
                    let mut stats = LineStats::default();
                    let mut found = Vec::new();
                    let _ = for_each_event(&mut slice, &origin, year, &mut stats, |event| {
                        if let Some((rule, fields)) = shared.match_base(&event) {
                            let raw = with_lines.then(|| event.raw.clone());
                            found.push(BaseMatch { rule, fields, time: event.time, raw });
                        }
                    });
                    (stats, found)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_default()).collect()
    });

    let mut stats = LineStats::default();
    let mut reports: BTreeMap<u32, RuleReport> = BTreeMap::new();
    for (part_stats, found) in parts {
        stats.lines += part_stats.lines;
        stats.decoded += part_stats.decoded;
        stats.undecoded += part_stats.undecoded;
        stats.invalid_utf8 += part_stats.invalid_utf8;
        stats.oversized += part_stats.oversized;
        for base in found {
            if let Some(raw) = &base.raw {
                on_match(engine.rules()[base.rule].id, raw);
            }
            for m in engine.correlate(base.rule, base.fields, base.time) {
                let rule = engine.rule(&m);
                let r = reports.entry(rule.id).or_insert_with(|| RuleReport {
                    id: rule.id,
                    level: rule.level,
                    description: rule.description.clone(),
                    matches: 0,
                    sources: BTreeMap::new(),
                });
                r.matches += 1;
                if let Some(ip) = m.fields.get("srcip") {
                    match r.sources.get_mut(ip) {
                        Some(n) => *n += 1,
                        None => {
                            r.sources.insert(ip.clone(), 1);
                        }
                    }
                }
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_only_at_line_ends() {
        let data = b"aaa\nbb\nc\ndddd\n";
        for parts in 1..6 {
            let slices = split_lines(data, parts);
            assert_eq!(slices.concat(), data);
            assert!(slices.iter().all(|s| s.is_empty() || s.ends_with(b"\n")), "{parts}: {slices:?}");
        }
    }

    #[test]
    fn same_result_as_one_pass() {
        let dir = std::env::temp_dir().join(format!("hidsd-testrules-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("auth.log");
        let text: String = (0..300)
            .map(|i| {
                format!(
                    "Nov 28 02:{:02}:{:02} h sshd[1]: Failed password for root from 192.0.2.{} port 22 ssh2\n",
                    i / 60,
                    i % 60,
                    i % 7
                )
            })
            .collect();
        std::fs::write(&path, text).unwrap();
        let report = run(&path, crate::rules::load(None).unwrap(), false, |_, _| {}).unwrap();
        let brute = report.rules.iter().find(|r| r.id == 5720).unwrap();
        // 300 failures over 7 addresses, one a second: each address fails every 7 s (42
        // or 43 times), so every 5 in a row fall within 60 s: 8 firings per address.
        assert_eq!(brute.matches, 7 * 8);
        assert_eq!(report.rules.iter().find(|r| r.id == 5716).unwrap().matches, 300);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
