//! The kernel log from `/dev/kmsg`. Userspace can write to `/dev/kmsg` too, but the
//! kernel never lets it use facility 0 (LOG_KERN): only facility-0 records are
//! trusted; the rest are counted and dropped.

use crate::event::{Event, SourceKind};
use std::collections::BTreeMap;

/// A parsed `/dev/kmsg` record.
#[derive(Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Syslog facility (0: written by the kernel).
    pub facility: u32,
    /// Log level.
    pub level: u32,
    /// Sequence number.
    pub seq: u64,
    /// Microseconds since boot.
    pub usec: u64,
    /// Message text (first line).
    pub message: &'a str,
}

/// Parses `pri,seq,usec,flags[,...];message\n[ KEY=value\n...]`.
pub fn parse(record: &str) -> Option<Record<'_>> {
    let (prefix, rest) = record.split_once(';')?;
    let mut fields = prefix.split(',');
    let pri: u32 = fields.next()?.parse().ok()?;
    let seq = fields.next()?.parse().ok()?;
    let usec = fields.next()?.parse().ok()?;
    let message = rest.split('\n').next().unwrap_or("");
    Some(Record { facility: pri >> 3, level: pri & 7, seq, usec, message })
}

/// What the kernel-log source saw.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct KmsgStats {
    /// Records read.
    pub records: u64,
    /// Records from userspace (not trusted, dropped).
    pub untrusted: u64,
    /// Records that did not parse.
    pub malformed: u64,
    /// Records the kernel overwrote before we read them.
    pub lost: u64,
}

/// Turns one record into an event, if it is the kernel's own.
pub fn to_event(record: &str, boot_time: i64, stats: &mut KmsgStats) -> Option<Event> {
    stats.records += 1;
    let Some(r) = parse(record) else {
        stats.malformed += 1;
        return None;
    };
    if r.facility != 0 {
        stats.untrusted += 1;
        return None;
    }
    Some(Event {
        source: SourceKind::Kmsg,
        origin: "/dev/kmsg".into(),
        time: boot_time.saturating_add((r.usec / 1_000_000) as i64),
        program: "kernel".into(),
        proven: true,
        message: r.message.to_string(),
        fields: BTreeMap::new(),
        raw: r.message.to_string(),
        record: Some(format!("kmsg:{}", r.seq)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusts_only_the_kernel() {
        let mut stats = KmsgStats::default();
        let kernel = "4,812,5310042,-;rampart: denied /dev/mem (raw memory device access) by /bin/x[x:9] uid/euid:0/0 gid/egid:0/0, parent /bin/sh[sh:1] uid/euid:0/0 gid/egid:0/0\n SUBSYSTEM=x\n";
        let e = to_event(kernel, 1000, &mut stats).unwrap();
        assert_eq!(e.time, 1005);
        assert!(e.message.starts_with("rampart: denied /dev/mem"));
        // `echo '<4>rampart: denied ...' > /dev/kmsg` arrives with facility LOG_USER (pri 12).
        let forged = "12,813,5310050,-;rampart: denied /dev/mem (x) by /bin/evil[e:1] uid/euid:0/0 ";
        assert!(to_event(forged, 1000, &mut stats).is_none());
        assert!(to_event("garbage", 1000, &mut stats).is_none());
        assert_eq!((stats.records, stats.untrusted, stats.malformed), (3, 1, 1));
    }
}
