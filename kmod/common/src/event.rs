//! The audit event schema, defined once: the kernel modules encode events with
//! [`encode`], userspace (rampart-hidsd) reads the same fields as JSON.
//!
//! Each event is one JSON object on one line:
//!
//! ```text
//! {"seq":7,"time_ns":1234,"module":"devmem","decision":"deny","uid":0,"euid":0,"gid":0,"egid":0,
//!  "pid":42,"comm":"dd","exe":"/bin/busybox","object":"/dev/mem","reason":"memory device"}
//! ```
//!
//! Strings carry raw kernel bytes: `"`, `\` and bytes below 0x20 or above 0x7e are
//! written as JSON escapes, a byte `b` >= 0x80 as `\u00bb` (so no byte is lost and the
//! line is always valid JSON). Each string field has a bounded length; when one was
//! cut, the object ends with `"truncated":true`. `seq` increases by one per event the
//! kernel produced, including events it had to drop, so gaps show losses.

/// The largest encoded event, newline included.
pub const RECORD_MAX: usize = 2048;

/// What a module decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Decision {
    /// The operation was allowed (reported for audit trails).
    Allow = 0,
    /// The operation was denied.
    Deny = 1,
    /// Learning mode: allowed and recorded for policy generation.
    Learn = 2,
    /// Audit mode: would have been denied, allowed and reported.
    Audit = 3,
    /// Not a decision on an operation: something a module observed or a state change
    /// (a crash, a throttle or ban starting or ending); `reason` says which.
    Notice = 4,
}

impl Decision {
    /// Name used in the event (`allow`, `deny`, `learn`, `audit`, `notice`).
    pub fn name(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
            Decision::Learn => "learn",
            Decision::Audit => "audit",
            Decision::Notice => "notice",
        }
    }

    /// The decision stored as `raw`, if valid.
    pub fn from_raw(raw: u8) -> Option<Decision> {
        Some(match raw {
            0 => Decision::Allow,
            1 => Decision::Deny,
            2 => Decision::Learn,
            3 => Decision::Audit,
            4 => Decision::Notice,
            _ => return None,
        })
    }
}

/// The task an event is about.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Real uid.
    pub uid: u32,
    /// Effective uid.
    pub euid: u32,
    /// Real gid.
    pub gid: u32,
    /// Effective gid.
    pub egid: u32,
    /// Thread group id (the process id userspace sees).
    pub pid: i32,
    /// Task command name.
    pub comm: &'a [u8],
    /// Path of the executable (empty for kernel threads).
    pub exe: &'a [u8],
    /// cgroup v2 id (the inode number of the task's cgroup directory), 0 for none:
    /// userspace finds the container from it.
    pub cgroup: u64,
}

/// One audit event.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Sequence number (per boot, gapless across drops).
    pub seq: u64,
    /// Monotonic nanoseconds since boot.
    pub time_ns: u64,
    /// Module that decided (`devmem`, `ns`, `brute`, `rbac`).
    pub module: &'a [u8],
    /// The decision.
    pub decision: Decision,
    /// Who.
    pub subject: Subject<'a>,
    /// What was accessed (a path, a device, a namespace, ...).
    pub object: &'a [u8],
    /// Why the module decided so.
    pub reason: &'a [u8],
    /// Remote ends of the subject's connected sockets, separated by spaces
    /// (`192.0.2.7:40112 [2001:db8::5]:51000`), for a crash; empty: no `peers` field.
    pub peers: &'a [u8],
}

/// Escaped-length budget per string field.
const MODULE_MAX: usize = 32;
const COMM_MAX: usize = 96;
const PATH_MAX_ESCAPED: usize = 480;
const REASON_MAX: usize = 192;
const PEERS_MAX: usize = 400;

struct Writer<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn push(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
            self.len = end;
        }
    }

    fn number(&mut self, mut value: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 || at == 0 {
                break;
            }
        }
        self.push(&digits[at..]);
    }

    fn signed(&mut self, value: i64) {
        if value < 0 {
            self.push(b"-");
        }
        self.number(value.unsigned_abs());
    }

    /// Writes `"text"` escaped, within `budget` bytes of escaped text; true if cut.
    fn string(&mut self, text: &[u8], budget: usize) -> bool {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.push(b"\"");
        let mut used = 0usize;
        let mut cut = false;
        for &b in text {
            let esc;
            let piece: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x20..=0x7e => core::slice::from_ref(&b),
                _ => {
                    esc = [b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]];
                    &esc
                }
            };
            if used + piece.len() > budget {
                cut = true;
                break;
            }
            used += piece.len();
            self.push(piece);
        }
        self.push(b"\"");
        cut
    }
}

/// Encodes `event` as one JSON line into `out`; returns the number of bytes written.
pub fn encode(event: &Event<'_>, out: &mut [u8; RECORD_MAX]) -> usize {
    let mut w = Writer { buf: out, len: 0 };
    let s = &event.subject;
    let mut cut = false;
    w.push(b"{\"seq\":");
    w.number(event.seq);
    w.push(b",\"time_ns\":");
    w.number(event.time_ns);
    w.push(b",\"module\":");
    cut |= w.string(event.module, MODULE_MAX);
    w.push(b",\"decision\":\"");
    w.push(event.decision.name().as_bytes());
    w.push(b"\",\"uid\":");
    w.number(s.uid.into());
    w.push(b",\"euid\":");
    w.number(s.euid.into());
    w.push(b",\"gid\":");
    w.number(s.gid.into());
    w.push(b",\"egid\":");
    w.number(s.egid.into());
    w.push(b",\"pid\":");
    w.signed(s.pid.into());
    w.push(b",\"comm\":");
    cut |= w.string(s.comm, COMM_MAX);
    w.push(b",\"exe\":");
    cut |= w.string(s.exe, PATH_MAX_ESCAPED);
    if s.cgroup != 0 {
        w.push(b",\"cgroup\":");
        w.number(s.cgroup);
    }
    w.push(b",\"object\":");
    cut |= w.string(event.object, PATH_MAX_ESCAPED);
    w.push(b",\"reason\":");
    cut |= w.string(event.reason, REASON_MAX);
    if event.peers.iter().any(|b| *b != b' ') {
        w.push(b",\"peers\":[");
        let mut budget = PEERS_MAX;
        let mut first = true;
        for peer in event.peers.split(|b| *b == b' ').filter(|p| !p.is_empty()) {
            // Addresses only: the escaped length is then the length.
            let address = peer.iter().all(|b| b.is_ascii_hexdigit() || b":.[]%".contains(b));
            if !address || peer.len() + 3 > budget {
                cut = true;
                break;
            }
            budget -= peer.len() + 3;
            if !first {
                w.push(b",");
            }
            first = false;
            cut |= w.string(peer, peer.len());
        }
        w.push(b"]");
    }
    if cut {
        w.push(b",\"truncated\":true");
    }
    w.push(b"}\n");
    w.len
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn sample<'a>(exe: &'a [u8], object: &'a [u8]) -> Event<'a> {
        Event {
            seq: 7,
            time_ns: 1_234_567,
            module: b"devmem",
            decision: Decision::Deny,
            subject: Subject { uid: 1000, euid: 0, gid: 1000, egid: 0, pid: -1, comm: b"dd", exe, cgroup: 0 },
            object,
            reason: b"memory device",
            peers: b"",
        }
    }

    fn decode(event: &Event<'_>) -> (serde_json::Value, usize) {
        let mut buf = [0u8; RECORD_MAX];
        let n = encode(event, &mut buf);
        assert_eq!(buf[n - 1], b'\n');
        (serde_json::from_slice(&buf[..n]).expect("valid JSON"), n)
    }

    #[test]
    fn fields_round_trip() {
        let (v, _) = decode(&sample(b"/bin/busybox", b"/dev/mem"));
        assert_eq!(v["seq"], 7);
        assert_eq!(v["time_ns"], 1_234_567);
        assert_eq!(v["module"], "devmem");
        assert_eq!(v["decision"], "deny");
        assert_eq!((v["uid"].as_u64(), v["euid"].as_u64()), (Some(1000), Some(0)));
        assert_eq!(v["pid"], -1);
        assert_eq!(v["exe"], "/bin/busybox");
        assert_eq!(v["object"], "/dev/mem");
        assert!(v.get("truncated").is_none());
    }

    #[test]
    fn hostile_bytes_stay_inside_their_string() {
        let exe = b"/tmp/\"},\"decision\":\"allow\\\n\x01\xff";
        let (v, _) = decode(&sample(exe, b"x"));
        assert_eq!(v["decision"], "deny");
        let text = v["exe"].as_str().unwrap();
        let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
        assert_eq!(bytes, exe);
    }

    #[test]
    fn huge_fields_are_cut_and_still_valid() {
        let long = [0xffu8; 4096];
        let (v, n) = decode(&sample(&long, &long));
        assert!(n <= RECORD_MAX);
        assert_eq!(v["truncated"], true);
        assert!(v["exe"].as_str().unwrap().chars().count() <= PATH_MAX_ESCAPED / 6);
    }

    #[test]
    fn peers_are_an_array_of_addresses() {
        let mut ev = sample(b"/usr/sbin/nginx", b"signal 11");
        ev.peers = b"192.0.2.7:40112 [2001:db8::5]:51000";
        let (v, _) = decode(&ev);
        assert_eq!(v["peers"], serde_json::json!(["192.0.2.7:40112", "[2001:db8::5]:51000"]));
        ev.peers = b"";
        assert!(decode(&ev).0.get("peers").is_none());
        // Anything but an address is left out, and the event says it was cut.
        ev.peers = b"192.0.2.7:1 \"x\":2";
        let (v, _) = decode(&ev);
        assert_eq!(v["peers"], serde_json::json!(["192.0.2.7:1"]));
        assert_eq!(v["truncated"], true);
        // Many peers stay within the record.
        let many = "[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 ".repeat(40);
        ev.peers = many.as_bytes();
        let (v, n) = decode(&ev);
        assert!(n <= RECORD_MAX && v["peers"].as_array().is_some_and(|a| a.len() >= 8));
    }

    #[test]
    fn every_decision_has_a_name() {
        for raw in 0..5 {
            let d = Decision::from_raw(raw).unwrap();
            assert_eq!(d as u8, raw);
            assert!(!d.name().is_empty());
        }
        assert_eq!(Decision::from_raw(5), None);
    }
}
