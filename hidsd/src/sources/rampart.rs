//! rampart's kernel event channel: JSON lines (schema in `kmod/common/src/event.rs`).
//! A jump in `seq` means the kernel dropped events: it becomes an `events lost` event
//! so the loss raises an alert instead of passing unnoticed.

use crate::event::{Event, SourceKind};
use std::collections::BTreeMap;

/// Decodes rampart event lines and watches the sequence numbers.
#[derive(Debug, Default)]
pub struct Decoder {
    next_seq: Option<u64>,
    /// The start of a line a read cut off (at most [`MAX_EVENT`] bytes).
    partial: Vec<u8>,
    /// Lines that were not rampart events.
    pub malformed: u64,
    /// Events the kernel produced that never arrived.
    pub lost: u64,
}

/// Longest event line accepted; a longer one is counted as malformed.
pub const MAX_EVENT: usize = 64 * 1024;

impl Decoder {
    /// Decodes the whole lines in `bytes` (what one read returned), keeping a line cut
    /// off at its end for the next call: a read boundary never splits an event.
    pub fn feed(&mut self, bytes: &[u8], boot_time: i64) -> Vec<Event> {
        let mut events = Vec::new();
        let mut rest = bytes;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            if self.partial.len() + i > MAX_EVENT {
                self.malformed += 1;
            } else {
                self.partial.extend_from_slice(&rest[..i]);
                let line = String::from_utf8_lossy(&self.partial).into_owned();
                if !line.trim().is_empty() {
                    events.extend(self.decode(line.trim_end_matches('\r'), boot_time));
                }
            }
            self.partial.clear();
            rest = &rest[i + 1..];
        }
        if self.partial.len() + rest.len() <= MAX_EVENT {
            self.partial.extend_from_slice(rest);
        } else {
            // Too long to be an event: dropped up to its newline (counted then).
            self.partial.resize(MAX_EVENT + 1, 0);
        }
        events
    }

    /// Decodes one line; a gap before it yields an `events lost` event first.
    pub fn decode(&mut self, line: &str, boot_time: i64) -> Vec<Event> {
        let Ok(serde_json::Value::Object(obj)) = serde_json::from_str::<serde_json::Value>(line) else {
            self.malformed += 1;
            return Vec::new();
        };
        let Some(seq) = obj.get("seq").and_then(|v| v.as_u64()) else {
            self.malformed += 1;
            return Vec::new();
        };
        let since_boot = obj.get("time_ns").and_then(|v| v.as_u64()).map_or(0, |ns| (ns / 1_000_000_000) as i64);
        let time = boot_time.saturating_add(since_boot);
        let mut events = Vec::new();
        if let Some(expected) = self.next_seq {
            if seq > expected {
                self.lost = self.lost.saturating_add(seq - expected);
                let message = format!("events lost: {} (seq {expected} to {})", seq - expected, seq - 1);
                events.push(Event {
                    source: SourceKind::Rampart,
                    origin: "rampart-events".into(),
                    time,
                    program: "rampart-hidsd".into(),
                    proven: true,
                    message: message.clone(),
                    fields: BTreeMap::new(),
                    raw: message,
                    record: Some(format!("lost:{seq}")),
                });
            }
        }
        // The last possible sequence number is followed by none: no gap can be seen after it.
        self.next_seq = seq.checked_add(1);
        let fields =
            obj.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), String::from))).collect();
        events.push(Event {
            source: SourceKind::Rampart,
            origin: "rampart-events".into(),
            time,
            program: "rampart".into(),
            proven: true,
            message: line.to_string(),
            fields,
            raw: line.to_string(),
            record: Some(format!("rampart:{seq}")),
        });
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EV: &str = r#"{"seq":SEQ,"time_ns":2000000000,"module":"devmem","decision":"deny","uid":0,"euid":0,"gid":0,"egid":0,"pid":9,"comm":"dd","exe":"/bin/dd","object":"/dev/mem","reason":"raw memory device access"}"#;

    #[test]
    fn reads_what_the_kernel_encoder_writes() {
        use rampart_kernel_logic::event::{encode, Decision, Event as KernelEvent, Subject, RECORD_MAX};
        let mut buf = [0u8; RECORD_MAX];
        let ev = KernelEvent {
            seq: 42,
            time_ns: 3_000_000_000,
            module: b"ns",
            decision: Decision::Deny,
            subject: Subject {
                uid: 65534,
                euid: 65534,
                gid: 65534,
                egid: 65534,
                pid: 7,
                comm: b"unshare",
                exe: b"/bin/\"x\xff",
                cgroup: 4242,
            },
            object: b"user namespace",
            reason: b"unprivileged user namespace",
            peers: b"",
        };
        let n = encode(&ev, &mut buf);
        let line = std::str::from_utf8(&buf[..n]).unwrap().trim_end();
        let events = Decoder::default().decode(line, 1000);
        assert_eq!(events.len(), 1);
        let f = &events[0].fields;
        assert_eq!((f["seq"].as_str(), f["decision"].as_str(), f["uid"].as_str()), ("42", "deny", "65534"));
        assert_eq!(f["exe"], "/bin/\"x\u{ff}");
        assert_eq!(f["cgroup"], "4242");
        assert_eq!(events[0].time, 1003);
    }

    #[test]
    fn lines_cut_by_reads_are_whole() {
        let mut d = Decoder::default();
        let two = format!("{}\n{}\n", EV.replace("SEQ", "1"), EV.replace("SEQ", "2"));
        let (a, b) = two.as_bytes().split_at(100);
        assert!(d.feed(a, 0).is_empty());
        assert_eq!(d.feed(b, 0).len(), 2);
        assert_eq!((d.lost, d.malformed), (0, 0));
        let long = vec![b'x'; MAX_EVENT * 2];
        assert!(d.feed(&long, 0).is_empty());
        assert!(d.feed(format!("\n{}\n", EV.replace("SEQ", "3")).as_bytes(), 0).len() == 1);
        assert_eq!(d.malformed, 1);
    }

    #[test]
    fn fields_and_gaps() {
        let mut d = Decoder::default();
        let first = d.decode(&EV.replace("SEQ", "7"), 100);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].fields["decision"], "deny");
        assert_eq!(first[0].fields["uid"], "0");
        assert_eq!(first[0].time, 102);
        let after_gap = d.decode(&EV.replace("SEQ", "11"), 100);
        assert_eq!(after_gap.len(), 2);
        assert_eq!(after_gap[0].message, "events lost: 3 (seq 8 to 10)");
        assert_eq!(d.lost, 3);
        assert!(d.decode("not json", 100).is_empty());
        assert!(d.decode("{\"no\":\"seq\"}", 100).is_empty());
        assert_eq!(d.malformed, 2);
    }
}
