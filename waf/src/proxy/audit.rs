//! The audit log: one JSON object per line (Elastic Common Schema names) for every transaction a
//! rule logged or that was refused: the client address, the request line, the matched rule ids,
//! the anomaly score and what was done.

use crate::engine::transaction::MatchedRule;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// One audit record.
#[derive(Debug, Clone)]
pub struct Record {
    /// Client address.
    pub client_ip: String,
    /// Client port.
    pub client_port: u16,
    /// `GET /x HTTP/1.1`.
    pub request_line: String,
    /// Method.
    pub method: String,
    /// Request target.
    pub target: String,
    /// Status sent to the client.
    pub status: u16,
    /// `blocked` (a rule denied), `refused` (bad HTTP), `detected` (rules matched, passed on).
    pub action: &'static str,
    /// The rules that matched and log.
    pub rules: Vec<MatchedRule>,
    /// Inbound anomaly score.
    pub inbound_score: i64,
    /// Outbound anomaly score.
    pub outbound_score: i64,
    /// Why the request was refused (bad HTTP).
    pub reason: Option<String>,
    /// The `X-CRS-Test` marker header, if any.
    pub test_marker: Option<String>,
}

impl Record {
    /// The ECS JSON line.
    pub fn to_json(&self) -> String {
        let ids: Vec<u64> = self.rules.iter().map(|r| r.id).collect();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let v = json!({
            "@timestamp": rfc3339(now.as_secs(), now.subsec_millis()),
            "event": {
                "kind": if self.action == "detected" { "event" } else { "alert" },
                "category": ["web", "intrusion_detection"],
                "action": self.action,
                "outcome": if self.status >= 400 { "failure" } else { "success" },
                "module": "rampart-waf",
                "reason": self.reason,
            },
            "source": { "ip": self.client_ip, "port": self.client_port },
            "client": { "ip": self.client_ip },
            "http": { "request": { "method": self.method }, "response": { "status_code": self.status } },
            "url": { "original": self.target },
            "rule": { "id": ids.iter().map(u64::to_string).collect::<Vec<_>>() },
            "rampart": { "waf": {
                "request_line": self.request_line,
                "rule_ids": ids,
                "anomaly_score": { "inbound": self.inbound_score, "outbound": self.outbound_score },
                "rules": self.rules,
                "test_marker": self.test_marker,
            }},
        });
        v.to_string()
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn rfc3339(secs: u64, millis: u32) -> String {
    let (y, m, d) = civil((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", s / 3600, s / 60 % 60, s % 60)
}

/// Where records go.
#[derive(Clone)]
pub enum Sink {
    /// Nowhere.
    None,
    /// Appended to a file (or stdout for `-`).
    File(Arc<Mutex<Box<dyn Write + Send>>>),
    /// Kept in memory (the conformance runner reads them).
    Memory(Arc<Mutex<Vec<Record>>>),
    /// Blocked and refused requests only, one syslog-format line each (RFC 3339 time, host,
    /// `rampart-waf[pid]:`), for rampart-hidsd; no text from the request is in it.
    BlockLog(Arc<Mutex<Box<dyn Write + Send>>>),
    /// Several sinks.
    Tee(Vec<Sink>),
}

impl Record {
    /// The block-log line for a blocked or refused request.
    pub fn block_line(&self) -> Option<String> {
        if self.action != "blocked" && self.action != "refused" {
            return None;
        }
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let ids: Vec<String> = self.rules.iter().map(|r| r.id.to_string()).collect();
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
        let host = host.trim();
        Some(format!(
            "{} {} rampart-waf[{}]: {} client {} status {} rules {} score {}",
            rfc3339(now.as_secs(), now.subsec_millis()),
            if host.is_empty() { "localhost" } else { host },
            std::process::id(),
            self.action,
            self.client_ip,
            self.status,
            if ids.is_empty() { "-".to_string() } else { ids.join(",") },
            self.inbound_score
        ))
    }
}

impl Sink {
    /// A sink appending to `path` (`-`: stdout).
    pub fn file(path: &str) -> std::io::Result<Sink> {
        let w: Box<dyn Write + Send> = if path == "-" {
            Box::new(std::io::stdout())
        } else {
            if let Some(dir) = std::path::Path::new(path).parent() {
                std::fs::create_dir_all(dir)?;
            }
            Box::new(std::fs::OpenOptions::new().create(true).append(true).open(path)?)
        };
        Ok(Sink::File(Arc::new(Mutex::new(w))))
    }

    /// Whether the sink wants records of transactions nothing matched in (the conformance
    /// runner waits for one per request).
    pub fn keeps_all(&self) -> bool {
        match self {
            Sink::Memory(_) => true,
            Sink::Tee(v) => v.iter().any(Sink::keeps_all),
            _ => false,
        }
    }

    /// A block log appending to `path`.
    pub fn block_log(path: &str) -> std::io::Result<Sink> {
        match Sink::file(path)? {
            Sink::File(w) => Ok(Sink::BlockLog(w)),
            other => Ok(other),
        }
    }

    /// Writes a record.
    pub fn write(&self, r: Record) {
        match self {
            Sink::Tee(v) => {
                for s in v {
                    s.write(r.clone());
                }
            }
            Sink::BlockLog(w) => {
                if let (Some(line), Ok(mut w)) = (r.block_line(), w.lock()) {
                    let _ = writeln!(w, "{line}");
                    let _ = w.flush();
                }
            }
            Sink::None => {}
            Sink::File(w) => {
                if let Ok(mut w) = w.lock() {
                    let _ = writeln!(w, "{}", r.to_json());
                    let _ = w.flush();
                }
            }
            Sink::Memory(v) => {
                if let Ok(mut v) = v.lock() {
                    v.push(r);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::rfc3339(1_764_590_400, 5), "2025-12-01T12:00:00.005Z");
    }
}
