//! The systemd journal (Debian 12 logs sshd only there by default), read through
//! `journalctl -o json`, resuming after the last cursor seen.

use crate::event::{Event, SourceKind};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Sender;

/// One journal entry as an event, plus its cursor.
pub fn decode(line: &str) -> Option<(Event, String)> {
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
    let program = v["SYSLOG_IDENTIFIER"].as_str().or_else(|| v["_COMM"].as_str()).unwrap_or("unknown").to_string();
    let time = v["__REALTIME_TIMESTAMP"]
        .as_str()
        .and_then(|t| t.parse::<i64>().ok())
        .map_or_else(crate::logline::now, |us| us / 1_000_000);
    let cursor = v["__CURSOR"].as_str().unwrap_or_default().to_string();
    let raw = format!("{program}[{}]: {message}", v["_PID"].as_str().unwrap_or("?"));
    Some((
        Event {
            source: SourceKind::Log,
            origin: "journal".into(),
            time,
            program,
            message,
            fields: BTreeMap::new(),
            raw,
        },
        cursor,
    ))
}

/// Starts `journalctl` (following unless `once`) after `cursor`; a thread sends the
/// decoded entries and their cursors to `tx` until journalctl ends.
pub fn spawn(cursor: Option<String>, once: bool, tx: Sender<(Event, String)>) -> std::io::Result<Child> {
    let mut cmd = Command::new(PathBuf::from("journalctl"));
    cmd.args(["-o", "json", "--no-pager"]);
    match cursor {
        Some(c) if !c.is_empty() => {
            cmd.arg(format!("--after-cursor={c}"));
        }
        _ => {
            cmd.args(["-n", "0"]);
        }
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
            if let Some(entry) = decode(&String::from_utf8_lossy(&line)) {
                if tx.send(entry).is_err() {
                    break;
                }
            }
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
        let line = r#"{"__CURSOR":"s=abc;i=1","__REALTIME_TIMESTAMP":"1795831205000000","_PID":"42","SYSLOG_IDENTIFIER":"sshd","MESSAGE":"Invalid user a from 192.0.2.1 port 22"}"#;
        let (e, cursor) = decode(line).unwrap();
        assert_eq!((e.program.as_str(), e.time, cursor.as_str()), ("sshd", 1_795_831_205, "s=abc;i=1"));
        assert_eq!(e.message, "Invalid user a from 192.0.2.1 port 22");
        let bytes = r#"{"_COMM":"x","MESSAGE":[104,105,255]}"#;
        assert_eq!(decode(bytes).unwrap().0.message, "hi\u{fffd}");
        assert!(decode("{}").is_none());
        assert!(decode("junk").is_none());
    }
}
