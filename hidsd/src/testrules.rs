//! `rampart-hidsd test-rules <logfile>`: which lines match which rules, per source
//! address, like fail2ban-regex or ossec-logtest.
//!
//! The file is read in blocks of whole lines (memory stays bounded); in each block,
//! decoding and base-rule matching run on every core over slices, then correlation
//! (frequency rules) runs over the matches in file order, so the result is the same
//! as a single pass.

use crate::lines::{for_each_view, LineStats};
use crate::rules::engine::{Engine, FieldLookup, Fired};
use crate::rules::Rule;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::net::IpAddr;
use std::ops::Range;
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
    /// Matches per source address (in its canonical text form).
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

/// A base-rule match found by a worker, kept until correlation. Its fields and line
/// are ranges of its [`Part`]'s text and field list: no allocation per match.
struct BaseMatch {
    rule: usize,
    time: i64,
    srcip: Option<IpAddr>,
    fields: Range<usize>,
    raw: Option<Range<usize>>,
}

/// A decoded field of a [`BaseMatch`]: its name (an index into [`Part::names`]) and
/// where its value is in [`Part::text`].
struct FieldSpan {
    name: usize,
    value: Range<usize>,
}

/// What a worker found in one slice of the file.
#[derive(Default)]
struct Part {
    stats: LineStats,
    matches: Vec<BaseMatch>,
    /// Field names seen in this part (few: the rules' group names).
    names: Vec<String>,
    fields: Vec<FieldSpan>,
    /// Field values and matched lines, one after the other.
    text: String,
}

impl Part {
    fn clear(&mut self) {
        self.stats = LineStats::default();
        self.matches.clear();
        self.names.clear();
        self.fields.clear();
        self.text.clear();
    }

    fn push_text(&mut self, value: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(value);
        start..self.text.len()
    }

    fn name_index(&mut self, name: &str) -> usize {
        match self.names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                self.names.push(name.to_string());
                self.names.len() - 1
            }
        }
    }
}

/// The fields of one match, looked up in its part.
struct PartFields<'a> {
    part: &'a Part,
    fields: Range<usize>,
}

impl FieldLookup for PartFields<'_> {
    fn field(&self, name: &str) -> Option<&str> {
        let spans = self.part.fields.get(self.fields.clone())?;
        let span = spans.iter().find(|s| self.part.names.get(s.name).is_some_and(|n| n == name))?;
        self.part.text.get(span.value.clone())
    }
}

/// Whether `b` ends a line (see [`crate::lines`]: a NUL does too).
fn line_end(b: u8) -> bool {
    b == b'\n' || b == 0
}

/// Splits `data` into about `parts` slices that end at line ends.
fn split_lines(data: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut slices = Vec::new();
    let mut start = 0;
    for i in 1..=parts {
        let mut end = if i == parts { data.len() } else { (data.len() * i / parts).max(start) };
        while end < data.len() && end > 0 && !line_end(data[end - 1]) {
            end += 1;
        }
        slices.push(&data[start..end]);
        start = end;
    }
    slices
}

/// Bytes read and matched at a time: memory stays bounded whatever the file size
/// (1 MiB: about 12,000 lines; the peak resident size of a 1M-line run is about 25 MB,
/// and 4 MiB blocks were no faster).
const BLOCK: usize = 1 << 20;

/// Reads up to `buf.len()` bytes (less only at the end of the file).
fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Decodes and base-matches `slice` (whole lines).
/// `part` is a spent one, reused: its buffers keep their capacity.
fn match_slice(engine: &Engine, slice: &[u8], year: i64, with_lines: bool, mut part: Part) -> Part {
    part.clear();
    let mut stats = LineStats::default();
    for_each_view(slice, year, &mut stats, |event, time, text| {
        engine.match_base_with(event, |rule, decoded| {
            let first = part.fields.len();
            for (name, value) in decoded.iter() {
                let name = part.name_index(name);
                let value = part.push_text(value);
                part.fields.push(FieldSpan { name, value });
            }
            let raw = with_lines.then(|| part.push_text(text));
            let fields = first..part.fields.len();
            part.matches.push(BaseMatch { rule, time, srcip: decoded.srcip(), fields, raw });
        });
    });
    part.stats = stats;
    part
}

/// Analyses `path`; `on_match` sees each line a base rule matched, in file order, when
/// `with_lines` is set.
pub fn run(path: &Path, rules: Vec<Rule>, with_lines: bool, on_match: impl FnMut(u32, &str) + Send) -> Result<Report> {
    run_blocks(path, rules, with_lines, BLOCK, on_match)
}

/// Correlation and counting, in file order, over what the matching workers found.
struct Tally {
    engine: Engine,
    stats: LineStats,
    /// Matches per rule index.
    matches: Vec<u64>,
    /// Matches per rule index and source address (sorted for the report).
    sources: Vec<HashMap<IpAddr, u64>>,
    fired: Vec<Fired>,
}

impl Tally {
    fn new(engine: Engine) -> Self {
        let rules = engine.rules().len();
        Self {
            engine,
            stats: LineStats::default(),
            matches: vec![0; rules],
            sources: vec![HashMap::new(); rules],
            fired: Vec::new(),
        }
    }

    fn count(&mut self, rule: usize, srcip: Option<IpAddr>) {
        self.matches[rule] += 1;
        if let Some(ip) = srcip {
            *self.sources[rule].entry(ip).or_insert(0) += 1;
        }
    }

    fn add(&mut self, part: &Part, on_match: &mut impl FnMut(u32, &str)) {
        self.stats.add(&part.stats);
        for base in &part.matches {
            if let Some(raw) = base.raw.as_ref().and_then(|r| part.text.get(r.clone())) {
                on_match(self.engine.rules()[base.rule].id, raw);
            }
            self.count(base.rule, base.srcip);
            let fields = PartFields { part, fields: base.fields.clone() };
            let mut fired = std::mem::take(&mut self.fired);
            fired.clear();
            self.engine.correlate_into(base.rule, &fields, base.time, &mut fired);
            for f in &fired {
                self.count(f.rule, base.srcip);
            }
            self.fired = fired;
        }
    }

    fn report(self, file: String) -> Report {
        let rules = self.engine.rules().iter().zip(self.matches).zip(self.sources);
        let mut reports: Vec<RuleReport> = rules
            .filter(|((_, matches), _)| *matches > 0)
            .map(|((rule, matches), sources)| RuleReport {
                id: rule.id,
                level: rule.level,
                description: rule.description.clone(),
                matches,
                sources: sources.into_iter().map(|(ip, n)| (ip.to_string(), n)).collect(),
            })
            .collect();
        reports.sort_by_key(|r| r.id);
        Report { file, stats: self.stats, rules: reports }
    }
}

/// Reads `path` in blocks of whole lines and splits each block between one matching
/// worker per core; a correlation thread takes the workers' results in file order, so
/// correlating one block overlaps matching the next. Each worker keeps its own copy of
/// the rules for the whole run: regexes shared between threads pass their scratch space
/// around through a locked pool, and fresh copies would rebuild their lazy DFAs.
fn run_blocks(
    path: &Path,
    rules: Vec<Rule>,
    with_lines: bool,
    block_size: usize,
    mut on_match: impl FnMut(u32, &str) + Send,
) -> Result<Report> {
    let mut file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let year = crate::logline::year_of(
        file.metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or_else(crate::logline::now, |d| d.as_secs() as i64),
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut tally = Tally::new(Engine::new(rules.clone()));
    let mut skipped_lines = 0;
    let outcome = std::thread::scope(|scope| {
        let mut to_workers = Vec::new();
        let mut from_workers = Vec::new();
        for _ in 0..threads {
            let (slices, slice_receiver) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
            let (results, result_receiver) = std::sync::mpsc::sync_channel(2);
            // Slice buffers go back to the reader for reuse.
            let (spare, spare_receiver) = std::sync::mpsc::channel::<Vec<u8>>();
            // Counted parts go back to their worker for reuse.
            let (spent, spent_receiver) = std::sync::mpsc::channel::<Part>();
            let rules = rules.clone();
            scope.spawn(move || {
                let engine = Engine::new(rules);
                for slice in slice_receiver {
                    let part = spent_receiver.try_recv().unwrap_or_default();
                    if results.send(match_slice(&engine, &slice, year, with_lines, part)).is_err() {
                        return;
                    }
                    let _ = spare.send(slice);
                }
            });
            to_workers.push((slices, spare_receiver));
            from_workers.push((result_receiver, spent));
        }
        let correlator = scope.spawn(move || {
            // Every block goes to every worker (a slice, maybe empty), so taking one
            // result from each worker in turn keeps file order.
            'blocks: loop {
                for (results, spent) in &from_workers {
                    let Ok(part) = results.recv() else { break 'blocks };
                    tally.add(&part, &mut on_match);
                    let _ = spent.send(part);
                }
            }
            tally
        });
        let read = read_blocks(&mut file, block_size, |block, skipped| {
            skipped_lines += skipped;
            for ((worker, spares), slice) in to_workers.iter().zip(split_lines(block, threads)) {
                let mut buffer = spares.try_recv().unwrap_or_default();
                buffer.clear();
                buffer.extend_from_slice(slice);
                // A worker only stops early by panicking; the join below reports that.
                let _ = worker.send(buffer);
            }
        });
        drop(to_workers);
        correlator.join().map(|tally| (read, tally))
    });
    let (read, mut tally) = outcome.map_err(|_| anyhow::anyhow!("the correlation thread panicked"))?;
    read.with_context(|| format!("reading {}", path.display()))?;
    tally.stats.add(&LineStats { lines: skipped_lines, oversized: skipped_lines, ..LineStats::default() });
    Ok(tally.report(path.display().to_string()))
}

/// Calls `f` with each block of whole lines of `file` (about `block_size` bytes) and the
/// number of lines longer than a block that were skipped before it.
fn read_blocks(file: &mut impl Read, block_size: usize, mut f: impl FnMut(&[u8], u64)) -> std::io::Result<()> {
    // Both buffers are reused: fresh 4 MiB blocks would cost a page fault per page.
    let mut block: Vec<u8> = Vec::new();
    let mut carry: Vec<u8> = Vec::new();
    let mut skipping_long_line = false;
    loop {
        let mut skipped = 0;
        block.clear();
        block.append(&mut carry);
        let kept = block.len();
        block.resize(kept + block_size, 0);
        let n = read_full(file, &mut block[kept..])?;
        block.truncate(kept + n);
        let at_end = n < block_size;
        if skipping_long_line {
            // The rest of a line longer than a block: drop it up to its newline.
            match block.iter().position(|&b| line_end(b)) {
                Some(i) => {
                    block.drain(..=i);
                    skipping_long_line = false;
                }
                None => block.clear(),
            }
        }
        if !at_end {
            match block.iter().rposition(|&b| line_end(b)) {
                Some(i) => {
                    carry.extend_from_slice(&block[i + 1..]);
                    block.truncate(i + 1);
                }
                None if block.is_empty() => {}
                None => {
                    // One line fills the whole block: count it and skip the rest of it.
                    skipped = 1;
                    block.clear();
                    skipping_long_line = true;
                }
            }
        }
        f(&block, skipped);
        if at_end {
            return Ok(());
        }
    }
}

/// Human-readable summary.
pub fn render(report: &Report) -> String {
    let s = &report.stats;
    let mut out = format!(
        "{}: {} lines, {} decoded, {} without a syslog header, {} not UTF-8, {} oversized, {} NUL bytes\n",
        report.file, s.lines, s.decoded, s.undecoded, s.invalid_utf8, s.oversized, s.nul
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
    fn a_line_longer_than_a_block_is_counted_and_skipped() {
        let dir = std::env::temp_dir().join(format!("hidsd-longline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("auth.log");
        let ok = "Nov 28 02:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 22\n";
        std::fs::write(&path, format!("{ok}{}\n{ok}", "x".repeat(1000))).unwrap();
        let report = run_blocks(&path, crate::rules::load(None).unwrap(), false, 256, |_, _| {}).unwrap();
        assert_eq!((report.stats.lines, report.stats.oversized, report.stats.decoded), (3, 1, 2));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_run_of_nuls_does_not_swallow_the_next_line() {
        let dir = std::env::temp_dir().join(format!("hidsd-testrules-nul-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("auth.log");
        let ok = |n: u32| format!("Nov 28 02:00:00 h sshd[1]: Invalid user a from 192.0.2.{n} port 22\n");
        let mut text = ok(1).into_bytes();
        text.extend(std::iter::repeat_n(0u8, 100));
        text.extend(ok(2).into_bytes());
        text.extend(std::iter::repeat_n(0u8, 1000)); // longer than the 256-byte blocks below
        text.extend(ok(3).into_bytes());
        std::fs::write(&path, text).unwrap();
        for block in [256, BLOCK] {
            let report = run_blocks(&path, crate::rules::load(None).unwrap(), false, block, |_, _| {}).unwrap();
            let invalid = report.rules.iter().find(|r| r.id == 5710).map(|r| r.sources.len());
            assert_eq!(invalid, Some(3), "block {block}: {report:?}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
        // Tiny blocks (lines cut across block ends) give the same report.
        let small = run_blocks(&path, crate::rules::load(None).unwrap(), false, 100, |_, _| {}).unwrap();
        assert_eq!(serde_json::to_value(&small).unwrap(), serde_json::to_value(&report).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
