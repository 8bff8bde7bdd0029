//! The event that flows from sources through the rules to sinks.

use std::collections::BTreeMap;

/// Where an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A syslog-format log file or the journal.
    Log,
    /// The kernel log (`/dev/kmsg`), kernel-written records only.
    Kmsg,
    /// rampart's kernel event channel.
    Rampart,
    /// File integrity monitoring.
    Fim,
}

/// One input record after decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Kind of source.
    pub source: SourceKind,
    /// Which source (a path, `journal`, `/dev/kmsg`, ...).
    pub origin: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
    /// Program that wrote it (`sshd`, `kernel`, `rampart`, ...).
    pub program: String,
    /// The message rules match against.
    pub message: String,
    /// Decoded fields (rampart events: every JSON field; logs: filled by rules).
    pub fields: BTreeMap<String, String>,
    /// The original record.
    pub raw: String,
}
