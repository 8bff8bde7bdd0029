//! The systemd journal (Debian 12 logs sshd only there by default), read through
//! `journalctl -o json`, resuming after the last cursor seen.

use crate::event::{Event, SourceKind};
use crate::trust::{Trust, Writer, KERNEL};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Sender;

/// One journal entry, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The event for the rules.
    pub event: Event,
    /// Its cursor (to resume after it).
    pub cursor: String,
    /// For a record the kernel wrote: its kernel timestamp (`_SOURCE_MONOTONIC_TIMESTAMP`,
    /// microseconds since boot, as in /dev/kmsg) and boot (`_BOOT_ID`).
    pub kernel_record: Option<(u64, String)>,
}

/// One journal entry (a `journalctl -o json` line) as an event, with the program it
/// claims proven or not by its trusted fields (see [`crate::trust`]).
pub fn decode(line: &str, trust: &Trust) -> Option<Entry> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let message = match &v["MESSAGE"] {
        serde_json::Value::String(s) => s.clone(),
        // Non-UTF-8 messages come as arrays of bytes.
        serde_json::Value::Array(bytes) => {
            String::from_utf8_lossy(&bytes.iter().filter_map(|b| b.as_u64().map(|b| b as u8)).collect::<Vec<u8>>())
                .into_owned()
        }
        _ => return None,
    };
    let writer = Writer {
        transport: v["_TRANSPORT"].as_str(),
        facility: v["SYSLOG_FACILITY"].as_str(),
        unit: v["_SYSTEMD_UNIT"].as_str(),
        exe: v["_EXE"].as_str(),
        uid: v["_UID"].as_str(),
    };
    let kernel = writer.is_kernel();
    let claimed = v["SYSLOG_IDENTIFIER"].as_str().or_else(|| v["_COMM"].as_str()).unwrap_or("unknown");
    let (source, program, proven) = if kernel {
        (SourceKind::Kmsg, KERNEL, true)
    } else {
        (SourceKind::Log, claimed, trust.journal_proves(claimed, &writer))
    };
    let time = v["__REALTIME_TIMESTAMP"]
        .as_str()
        .and_then(|t| t.parse::<i64>().ok())
        .map_or_else(crate::logline::now, |us| us / 1_000_000);
    let cursor = v["__CURSOR"].as_str().unwrap_or_default().to_string();
    let kernel_record = kernel
        .then(|| {
            let usec = v["_SOURCE_MONOTONIC_TIMESTAMP"].as_str()?.parse().ok()?;
            Some((usec, v["_BOOT_ID"].as_str().unwrap_or_default().to_string()))
        })
        .flatten();
    let raw = format!("{program}[{}]: {message}", v["_PID"].as_str().unwrap_or("?"));
    Some(Entry {
        event: Event {
            source,
            origin: "journal".into(),
            time,
            program: program.to_string(),
            proven,
            message,
            fields: BTreeMap::new(),
            raw,
            record: Some(cursor.clone()),
        },
        cursor,
        kernel_record,
    })
}

/// Where journalctl starts without a cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At the end.
    End,
    /// At this Unix time.
    Since(i64),
    /// At the oldest entry.
    Beginning,
}

/// Starts `journalctl` (following unless `once`) after `cursor`, or at `start`; a
/// thread sends its lines (entries for [`decode`]) to `tx` until journalctl ends.
/// Each line sent also wakes the daemon's loop through `wake`.
pub fn spawn(
    cursor: Option<String>,
    start: Start,
    once: bool,
    tx: Sender<String>,
    wake: crate::wake::Notifier,
) -> std::io::Result<Child> {
    let mut cmd = Command::new(PathBuf::from("journalctl"));
    cmd.args(["-o", "json", "--no-pager"]);
    match (cursor, start) {
        (Some(c), _) if !c.is_empty() => {
            cmd.arg(format!("--after-cursor={c}"));
        }
        (_, Start::End) => {
            cmd.args(["-n", "0"]);
        }
        (_, Start::Since(t)) => {
            cmd.arg(format!("--since=@{t}"));
        }
        (_, Start::Beginning) => {}
    }
    if !once {
        cmd.arg("-f");
    }
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
    let stdout = child.stdout.take().ok_or_else(|| std::io::Error::other("no journalctl stdout"))?;
    std::thread::spawn(move || {
        // Lines are read as bytes: one that is not UTF-8 is decoded lossily instead of
        // ending the journal source.
        let mut reader = BufReader::new(stdout);
        let mut line = Vec::new();
        while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            if tx.send(String::from_utf8_lossy(&line).into_owned()).is_err() {
                break;
            }
            wake.notify();
            line.clear();
        }
    });
    Ok(child)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_entries() {
        let t = Trust::default();
        let line = r#"{"__CURSOR":"s=abc;i=1","__REALTIME_TIMESTAMP":"1795831205000000","_PID":"42","SYSLOG_IDENTIFIER":"sshd","_SYSTEMD_UNIT":"ssh.service","MESSAGE":"Invalid user a from 192.0.2.1 port 22"}"#;
        let e = decode(line, &t).unwrap();
        assert_eq!((e.event.program.as_str(), e.event.time, e.cursor.as_str()), ("sshd", 1_795_831_205, "s=abc;i=1"));
        assert_eq!(e.event.message, "Invalid user a from 192.0.2.1 port 22");
        assert!(e.event.proven);
        let bytes = r#"{"_COMM":"x","MESSAGE":[104,105,255]}"#;
        assert_eq!(decode(bytes, &t).unwrap().event.message, "hi\u{fffd}");
        assert!(decode("{}", &t).is_none());
        assert!(decode("junk", &t).is_none());
    }

    /// Entries as journald 252 stored them (trimmed): the kernel's own record, a root
    /// write to /dev/kmsg, `logger -t kernel` and `systemd-cat -t sshd` as uid 65534.
    #[test]
    fn trusted_fields_decide() {
        let t = Trust::default();
        let kernel = r#"{"PRIORITY":"5","SYSLOG_IDENTIFIER":"kernel","_TRANSPORT":"kernel","_SOURCE_MONOTONIC_TIMESTAMP":"7","_BOOT_ID":"b1","SYSLOG_FACILITY":"0","MESSAGE":"Oops: 0000 [#1] SMP"}"#;
        let e = decode(kernel, &t).unwrap();
        assert_eq!((e.event.source, e.event.program.as_str(), e.event.proven), (SourceKind::Kmsg, "kernel", true));
        assert_eq!(e.kernel_record, Some((7, "b1".to_string())));
        let kmsg_write = r#"{"SYSLOG_IDENTIFIER":"kernel","SYSLOG_FACILITY":"1","_TRANSPORT":"kernel","PRIORITY":"0","MESSAGE":"Oops: forged"}"#;
        let e = decode(kmsg_write, &t).unwrap();
        assert_eq!((e.event.source, e.event.proven, e.kernel_record), (SourceKind::Log, false, None));
        let logger = r#"{"_TRANSPORT":"syslog","_UID":"65534","SYSLOG_FACILITY":"1","MESSAGE":"Oops: forged","_PID":"22052","SYSLOG_IDENTIFIER":"kernel","_GID":"0"}"#;
        assert!(!decode(logger, &t).unwrap().event.proven);
        let cat = r#"{"SYSLOG_IDENTIFIER":"sshd","_TRANSPORT":"stdout","_PID":"21917","_COMM":"cat","MESSAGE":"Failed password for root from 203.0.113.98 port 1 ssh2","_EXE":"/usr/bin/cat","_UID":"65534"}"#;
        let e = decode(cat, &t).unwrap();
        assert_eq!((e.event.program.as_str(), e.event.proven), ("sshd", false));
    }
}
