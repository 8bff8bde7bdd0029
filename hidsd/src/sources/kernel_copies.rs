//! journald copies the kernel log into the journal; when the daemon reads /dev/kmsg
//! itself, those copies would count every kernel message twice. A journal entry the
//! kernel wrote is a copy when it is from this boot and no older than the moment
//! /dev/kmsg was opened: everything from then on is read there. Older entries (written
//! while the daemon was stopped, before /dev/kmsg was opened at its end) are not, and
//! count from the journal.

/// Recognises the journal's copies of kernel records read from /dev/kmsg.
#[derive(Debug, Clone)]
pub struct KernelCopies {
    boot_id: String,
    since_usec: u64,
    /// Journal entries skipped as copies.
    pub skipped: u64,
}

/// Microseconds of `CLOCK_MONOTONIC`, the clock of kernel log timestamps.
fn monotonic_usec() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec to a pointer to a live local.
    if unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) } != 0 {
        return 0;
    }
    u64::try_from(ts.tv_sec).unwrap_or(0).saturating_mul(1_000_000) + u64::try_from(ts.tv_nsec / 1000).unwrap_or(0)
}

impl KernelCopies {
    /// /dev/kmsg is read from now on, in the boot `boot_id` (journal form: no dashes).
    pub fn new(boot_id: &str, since_usec: u64) -> Self {
        Self { boot_id: boot_id.replace('-', ""), since_usec, skipped: 0 }
    }

    /// /dev/kmsg is read from now on, in the running boot.
    pub fn from_now() -> Self {
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default();
        Self::new(boot.trim(), monotonic_usec())
    }

    /// Whether the journal's kernel record (`usec` since boot `boot_id`) was read from
    /// /dev/kmsg already; copies are counted.
    pub fn is_copy(&mut self, usec: u64, boot_id: &str) -> bool {
        let copy = boot_id == self.boot_id && usec >= self.since_usec;
        self.skipped += u64::from(copy);
        copy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_recent_records_of_this_boot() {
        let mut c = KernelCopies::new("374f089a-1501-4599-af41-934a2bc388c5", 1_000);
        assert!(c.is_copy(1_000, "374f089a15014599af41934a2bc388c5"));
        assert!(c.is_copy(5_000, "374f089a15014599af41934a2bc388c5"));
        assert!(!c.is_copy(999, "374f089a15014599af41934a2bc388c5"), "before /dev/kmsg was opened");
        assert!(!c.is_copy(5_000, "00000000000000000000000000000000"), "another boot");
        assert_eq!(c.skipped, 2);
        assert!(KernelCopies::from_now().since_usec > 0);
    }
}
