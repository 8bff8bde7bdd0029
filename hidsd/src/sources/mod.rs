//! Sources: log files, the journal, the kernel log, and rampart's event channel.
//! Each turns raw input into [`crate::event::Event`]s and counts what it skipped.

pub mod file;
pub mod fingerprint;
pub mod inotify;
pub mod journal;
pub mod kernel_copies;
pub mod kmsg;
pub mod rampart;
