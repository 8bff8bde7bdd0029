//! Turning raw log bytes into events: bounded line length, lossy UTF-8, counted
//! malformed input. Used by every log source and by `test-rules`.
//!
//! A NUL byte ends a line too: an unclean shutdown leaves runs of NULs where the last
//! writes were, and the writer appends its next line right after them, with no newline
//! in between. NULs are counted and skipped; syslog daemons never write one.

use crate::event::{Event, EventView, SourceKind};
use crate::logline;
use crate::trust::FileProof;
use std::collections::BTreeMap;

/// Longest line accepted; longer ones are counted and skipped.
pub const MAX_LINE: usize = 64 * 1024;

/// What happened to the lines read.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineStats {
    /// Lines read.
    pub lines: u64,
    /// Lines decoded into events.
    pub decoded: u64,
    /// Lines without a syslog header (counted, skipped).
    pub undecoded: u64,
    /// Lines that were not valid UTF-8 (decoded lossily).
    pub invalid_utf8: u64,
    /// Lines over `MAX_LINE` bytes (counted, skipped).
    pub oversized: u64,
    /// NUL bytes (line ends, otherwise skipped).
    pub nul: u64,
}

impl LineStats {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &LineStats) {
        self.lines += other.lines;
        self.decoded += other.decoded;
        self.undecoded += other.undecoded;
        self.invalid_utf8 += other.invalid_utf8;
        self.oversized += other.oversized;
        self.nul += other.nul;
    }
}

/// Decodes one syslog line (without its newline) of a file that proves what `proof`
/// says into an event.
pub fn decode(raw: &[u8], origin: &str, year: i64, proof: &FileProof, stats: &mut LineStats) -> Option<Event> {
    let no_fields = BTreeMap::new();
    decode_view(raw, year, proof, stats, &no_fields, |view, time, text| Event {
        source: view.source,
        origin: origin.to_string(),
        time,
        program: view.program.to_string(),
        proven: view.proven,
        message: view.message.to_string(),
        fields: BTreeMap::new(),
        raw: text.to_string(),
        record: None,
    })
}

/// Decodes one syslog line (without its newline) and hands `f` a borrowed view of it,
/// its time and the whole line as text, without copying; the line is counted in `stats`.
pub fn decode_view<T>(
    raw: &[u8],
    year: i64,
    proof: &FileProof,
    stats: &mut LineStats,
    no_fields: &BTreeMap<String, String>,
    f: impl FnOnce(EventView<'_>, i64, &str) -> T,
) -> Option<T> {
    stats.lines += 1;
    if raw.len() > MAX_LINE {
        stats.oversized += 1;
        return None;
    }
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let text = match std::str::from_utf8(raw) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            stats.invalid_utf8 += 1;
            String::from_utf8_lossy(raw)
        }
    };
    let Some(line) = logline::parse(&text, year) else {
        stats.undecoded += 1;
        return None;
    };
    stats.decoded += 1;
    let proven = proof.proves(line.program);
    let view =
        EventView { source: SourceKind::Log, program: line.program, proven, message: line.message, fields: no_fields };
    Some(f(view, line.time.unwrap_or_else(logline::now), &text))
}

/// Calls `f` with a borrowed view of each decoded line of `data`, its time and its
/// text (no per-line copies: for bulk analysis of a file read into memory). Every
/// program name is believed: this shows what lines match, not who wrote them.
pub fn for_each_view(data: &[u8], year: i64, stats: &mut LineStats, mut f: impl FnMut(EventView<'_>, i64, &str)) {
    let no_fields = BTreeMap::new();
    let proof = FileProof::everything();
    let mut start = 0;
    for end in memchr::memchr2_iter(b'\n', 0, data) {
        let line = &data[start..end];
        start = end + 1;
        if data[end] == 0 {
            stats.nul += 1;
            if line.is_empty() {
                continue;
            }
        }
        decode_view(line, year, &proof, stats, &no_fields, &mut f);
    }
    if start < data.len() {
        decode_view(&data[start..], year, &proof, stats, &no_fields, &mut f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_counted_and_skipped() {
        let mut input: Vec<u8> = Vec::new();
        input.extend_from_slice(b"Nov 28 02:00:05 h sshd[1]: Invalid user a from 192.0.2.1 port 22\n");
        input.extend_from_slice(b"\x00\x01\x02 binary junk\n");
        input.extend_from_slice(b"Nov 28 02:00:06 h sshd[1]: caf\xe9 \xff\n");
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        input.extend_from_slice(b"\nNov 28 02:00:07 h sshd[1]: last line without newline");
        let mut stats = LineStats::default();
        let mut events = Vec::new();
        for_each_view(&input, 2026, &mut stats, |e, _, _| events.push(e.message.to_string()));
        assert_eq!(stats, LineStats { lines: 5, decoded: 3, undecoded: 1, invalid_utf8: 1, oversized: 1, nul: 1 });
        assert_eq!(events[1], "caf\u{fffd} \u{fffd}");
        assert_eq!(events[2], "last line without newline");
    }
}
