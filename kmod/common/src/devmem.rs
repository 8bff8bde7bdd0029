//! Memory-device restriction decisions: `/dev/mem`, `/dev/kmem`, `/dev/port`, raw
//! I/O port access (iopl/ioperm) and MSR writes.

use super::allowlist::{Allowlist, FileId};
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

/// The decision on a change to the running kernel's integrity that the kernel's
/// lockdown asks about (unsigned modules, kexec, hibernation, PCI BAR and config
/// access, ACPI tables, unsafe module parameters, ...): refused to everyone, root
/// included and allowlists ignored, once the settings are `locked`; before that the
/// module does not judge them (the memory devices, I/O ports and MSRs have their own
/// rules).
pub fn decide_integrity(mode: Mode, locked: bool) -> Verdict {
    match mode {
        _ if !locked => Verdict::Ignore,
        Mode::Off => Verdict::Ignore,
        Mode::Audit => Verdict::Audit,
        Mode::Enforce => Verdict::Deny,
    }
}

/// The decision for `target` reached by the executable file `exe` under `mode`.
pub fn decide(mode: Mode, allow: &Allowlist, exe: &FileId) -> Verdict {
    match mode {
        Mode::Off => Verdict::Ignore,
        _ if allow.contains(exe) => Verdict::Allowlisted,
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

    fn file(ino: u64) -> FileId {
        FileId { dev: 8, ino, generation: 1, present: 1 }
    }

    #[test]
    fn integrity_only_once_locked() {
        assert_eq!(decide_integrity(Mode::Enforce, false), Verdict::Ignore);
        assert_eq!(decide_integrity(Mode::Enforce, true), Verdict::Deny);
        assert_eq!(decide_integrity(Mode::Audit, true), Verdict::Audit);
        assert_eq!(decide_integrity(Mode::Off, true), Verdict::Ignore);
    }

    #[test]
    fn modes_decide() {
        let none = Allowlist::default();
        assert_eq!(decide(Mode::Off, &none, &file(1)), Verdict::Ignore);
        assert_eq!(decide(Mode::Audit, &none, &file(1)), Verdict::Audit);
        assert_eq!(decide(Mode::Enforce, &none, &file(1)), Verdict::Deny);
    }

    #[test]
    fn allowlist_is_by_file() {
        let files: &[(&[u8], u64)] = &[(b"/usr/sbin/dmidecode", 42), (b"/usr/bin/flashrom", 43)];
        let mut resolve = crate::allowlist::tests::table(files);
        let list = Allowlist::parse(b"/usr/sbin/dmidecode, /usr/bin/flashrom\n", &mut resolve).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(decide(Mode::Enforce, &list, &file(42)), Verdict::Allowlisted);
        assert_eq!(decide(Mode::Enforce, &list, &file(44)), Verdict::Deny, "another file");
        assert_eq!(decide(Mode::Enforce, &list, &FileId::default()), Verdict::Deny, "no exe never matches");
        assert_eq!(decide(Mode::Off, &list, &file(42)), Verdict::Ignore);
    }
}
