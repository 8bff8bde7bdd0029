//! The journal as the daemon reads it: decoded with the trust configuration, the
//! copies of kernel records /dev/kmsg delivered skipped, kernel records dated by the
//! kernel, first-start history skipped.

use super::pipeline::Pipeline;
use super::progress::HistoryFilter;
use crate::config::Config;
use crate::sources::{journal, kernel_copies};

/// The journal as the daemon reads it.
pub struct JournalReader {
    /// The last entry's cursor.
    pub cursor: Option<String>,
    /// The journal's copies of what /dev/kmsg delivers (when it is read).
    pub copies: Option<kernel_copies::KernelCopies>,
    /// Without a cursor at start: the entries before `start_at` allows are history.
    pub history: Option<HistoryFilter>,
    /// This boot's id (journal form) and start time, for kernel records' own times.
    pub boot_id: String,
    /// Unix time of the boot.
    pub boot_time: i64,
}

impl JournalReader {
    /// Handles one journal line; kernel records read from /dev/kmsg already are skipped.
    pub fn entry(&mut self, line: &str, config: &Config, pipeline: &mut Pipeline) {
        let Some(mut entry) = journal::decode(line, &config.trust) else { return };
        if let Some((usec, boot)) = &entry.kernel_record {
            // journald stamps kernel records when it reads them (at its start, the whole
            // kernel log): the kernel's own timestamp says when they happened.
            if *boot == self.boot_id {
                entry.event.time = self.boot_time.saturating_add((usec / 1_000_000) as i64);
            }
        }
        let copy = match (&entry.kernel_record, self.copies.as_mut()) {
            (Some((usec, boot)), Some(copies)) => copies.is_copy(*usec, boot),
            _ => false,
        };
        let old = self.history.as_mut().is_some_and(|h| h.skips(&entry.event));
        if !copy && !old {
            pipeline.handle(&entry.event);
        }
        self.cursor = Some(entry.cursor);
    }
}
