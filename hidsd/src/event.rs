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
    /// Program that wrote it (`sshd`, `kernel`, `rampart`, ...), as the record says.
    pub program: String,
    /// Whether the source proved that `program` wrote it (see [`crate::trust`]): rules
    /// that name a program match only proven events.
    pub proven: bool,
    /// The message rules match against.
    pub message: String,
    /// Decoded fields (rampart events: every JSON field; logs: filled by rules).
    pub fields: BTreeMap<String, String>,
    /// The original record.
    pub raw: String,
    /// Where the record is in its source, the same when it is read again (a file's
    /// `inode:offset`, a journal cursor, a kernel sequence number): alerts get ids
    /// from it, so a replay after a crash repeats ids instead of inventing new alerts.
    pub record: Option<String>,
}

/// What rules look at in an event, borrowed: decoding can hand lines to the rules
/// without copying them into an [`Event`] first.
#[derive(Debug, Clone, Copy)]
pub struct EventView<'a> {
    /// Kind of source.
    pub source: SourceKind,
    /// Program that wrote it.
    pub program: &'a str,
    /// Whether the source proved `program`.
    pub proven: bool,
    /// The message rules match against.
    pub message: &'a str,
    /// Decoded fields.
    pub fields: &'a BTreeMap<String, String>,
}

impl Event {
    /// The parts of this event rules look at.
    pub fn view(&self) -> EventView<'_> {
        EventView {
            source: self.source,
            program: &self.program,
            proven: self.proven,
            message: &self.message,
            fields: &self.fields,
        }
    }
}
