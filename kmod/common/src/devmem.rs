//! Memory-device restriction decisions: `/dev/mem`, `/dev/kmem`, `/dev/port`, raw
//! I/O port access (iopl/ioperm) and MSR writes.

use super::allowlist::Allowlist;
use super::mode::Mode;
pub use super::mode::Verdict;

/// Character-device major of the memory devices (`MEM_MAJOR`).
pub const MEM_MAJOR: u32 = 1;

/// What is being reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `/dev/mem` (1:1), by any path.
    Mem,
    /// `/dev/kmem` (1:2), by any path (gone from mainline since 5.13).
    Kmem,
    /// `/dev/port` (1:4), by any path.
    Port,
    /// iopl()/ioperm().
    IoPort,
    /// Writing a model-specific register.
    Msr,
}

impl Target {
    /// The memory-device target of a character device, if it is one.
    pub fn from_chrdev(major: u32, minor: u32) -> Option<Target> {
        match (major, minor) {
            (MEM_MAJOR, 1) => Some(Target::Mem),
            (MEM_MAJOR, 2) => Some(Target::Kmem),
            (MEM_MAJOR, 4) => Some(Target::Port),
            _ => None,
        }
    }

    /// Object name used in events and log lines.
    pub fn object(self) -> &'static str {
        match self {
            Target::Mem => "/dev/mem",
            Target::Kmem => "/dev/kmem",
            Target::Port => "/dev/port",
            Target::IoPort => "ioport",
            Target::Msr => "msr",
        }
    }

    /// Reason used in events and log lines.
    pub fn reason(self) -> &'static str {
        match self {
            Target::Mem | Target::Kmem | Target::Port => "raw memory device access",
            Target::IoPort => "raw I/O port access",
            Target::Msr => "MSR write",
        }
    }
}

/// The decision for `target` reached by executable `exe` under `mode`.
pub fn decide(mode: Mode, allow: &Allowlist, exe: &[u8]) -> Verdict {
    match mode {
        Mode::Off => Verdict::Ignore,
        _ if !exe.is_empty() && allow.contains(exe) => Verdict::Allowlisted,
        Mode::Audit => Verdict::Audit,
        Mode::Enforce => Verdict::Deny,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_identity_not_path() {
        assert_eq!(Target::from_chrdev(1, 1), Some(Target::Mem));
        assert_eq!(Target::from_chrdev(1, 2), Some(Target::Kmem));
        assert_eq!(Target::from_chrdev(1, 4), Some(Target::Port));
        assert_eq!(Target::from_chrdev(1, 3), None, "/dev/null stays open");
        assert_eq!(Target::from_chrdev(1, 5), None, "/dev/zero stays open");
        assert_eq!(Target::from_chrdev(4, 1), None);
    }

    #[test]
    fn modes_decide() {
        let none = Allowlist::default();
        assert_eq!(decide(Mode::Off, &none, b"/bin/dd"), Verdict::Ignore);
        assert_eq!(decide(Mode::Audit, &none, b"/bin/dd"), Verdict::Audit);
        assert_eq!(decide(Mode::Enforce, &none, b"/bin/dd"), Verdict::Deny);
    }

    #[test]
    fn allowlist_is_exact() {
        let list = Allowlist::parse(b"/usr/sbin/dmidecode, /usr/bin/flashrom\n").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(decide(Mode::Enforce, &list, b"/usr/sbin/dmidecode"), Verdict::Allowlisted);
        assert_eq!(decide(Mode::Enforce, &list, b"/usr/sbin/dmidecode2"), Verdict::Deny);
        assert_eq!(decide(Mode::Enforce, &list, b"/usr/sbin/dmidecod"), Verdict::Deny);
        assert_eq!(decide(Mode::Enforce, &list, b""), Verdict::Deny, "no exe never matches");
        assert_eq!(decide(Mode::Off, &list, b"/usr/sbin/dmidecode"), Verdict::Ignore);
    }
}
