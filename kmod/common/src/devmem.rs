//! Memory-device restriction decisions: `/dev/mem`, `/dev/kmem`, `/dev/port`, raw
//! I/O port access (iopl/ioperm) and MSR writes.

use super::mode::{trim, Mode};

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

/// What the hook should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not a protected operation, or protection off: allow silently.
    Ignore,
    /// Allowed because the executable is on the allowlist (reported).
    Allowlisted,
    /// Audit mode: allowed and reported.
    Audit,
    /// Enforce mode: denied with -EPERM and reported.
    Deny,
}

/// Most allowlist entries.
pub const ALLOW_MAX: usize = 8;
/// Longest allowlisted path.
pub const ALLOW_PATH_MAX: usize = 256;

/// Executables that may still reach the memory devices (exact path match).
#[derive(Clone)]
pub struct Allowlist {
    paths: [[u8; ALLOW_PATH_MAX]; ALLOW_MAX],
    lens: [usize; ALLOW_MAX],
    count: usize,
}

/// Why an allowlist was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowlistError {
    /// More than [`ALLOW_MAX`] entries.
    TooMany,
    /// An entry longer than [`ALLOW_PATH_MAX`].
    TooLong,
    /// An entry that is not an absolute path.
    NotAbsolute,
}

impl Default for Allowlist {
    fn default() -> Self {
        Self { paths: [[0; ALLOW_PATH_MAX]; ALLOW_MAX], lens: [0; ALLOW_MAX], count: 0 }
    }
}

impl Allowlist {
    /// Parses a comma- or newline-separated list of absolute paths; empty clears it.
    /// A bad entry rejects the whole list.
    pub fn parse(text: &[u8]) -> Result<Allowlist, AllowlistError> {
        let mut list = Allowlist::default();
        for entry in text.split(|&b| b == b',' || b == b'\n').map(trim).filter(|e| !e.is_empty()) {
            if list.count == ALLOW_MAX {
                return Err(AllowlistError::TooMany);
            }
            if entry.len() > ALLOW_PATH_MAX {
                return Err(AllowlistError::TooLong);
            }
            if entry.first() != Some(&b'/') {
                return Err(AllowlistError::NotAbsolute);
            }
            list.paths[list.count][..entry.len()].copy_from_slice(entry);
            list.lens[list.count] = entry.len();
            list.count += 1;
        }
        Ok(list)
    }

    /// Whether `exe` is on the list.
    pub fn contains(&self, exe: &[u8]) -> bool {
        self.entries().any(|p| p == exe)
    }

    /// The entries, in order.
    pub fn entries(&self) -> impl Iterator<Item = &[u8]> {
        self.paths.iter().zip(self.lens.iter()).take(self.count).map(|(p, &n)| &p[..n.min(ALLOW_PATH_MAX)])
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.count == 0
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

    #[test]
    fn allowlist_rejects_bad_lists_whole() {
        assert_eq!(Allowlist::parse(b"/a,relative").err(), Some(AllowlistError::NotAbsolute));
        let many = b"/1,/2,/3,/4,/5,/6,/7,/8,/9";
        assert_eq!(Allowlist::parse(many).err(), Some(AllowlistError::TooMany));
        let mut long = [b'a'; ALLOW_PATH_MAX + 2];
        long[0] = b'/';
        assert_eq!(Allowlist::parse(&long).err(), Some(AllowlistError::TooLong));
        assert!(Allowlist::parse(b"\n").unwrap().is_empty());
    }
}
