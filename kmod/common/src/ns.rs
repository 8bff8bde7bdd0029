//! Namespace and chroot restriction decisions.
//!
//! Each sub-protection can be toggled on its own; the module's `mode` (off, audit,
//! enforce) applies to all of them. The facts (is the task chrooted, is the target
//! outside, does the mode set setuid bits) are gathered by the C glue; the rules here
//! decide.

use super::allowlist::{Allowlist, FileId};
pub use super::mode::Verdict;
use super::mode::{trim, Mode};

/// A sub-protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Protection {
    /// Unprivileged user-namespace creation (clone or unshare with CLONE_NEWUSER).
    UserNs = 0,
    /// chroot() from inside a chroot.
    ChrootDouble = 1,
    /// mount() inside a chroot.
    ChrootMount = 2,
    /// pivot_root() inside a chroot.
    ChrootPivot = 3,
    /// Creating device nodes inside a chroot.
    ChrootMknod = 4,
    /// chmod to setuid/setgid inside a chroot.
    ChrootChmod = 5,
    /// fchdir() to a directory outside the chroot (an fd opened before chroot).
    ChrootFchdir = 6,
    /// Signalling a process outside the chroot.
    ChrootKill = 7,
    /// ptrace of a process outside the chroot.
    ChrootPtrace = 8,
    /// New pid or mount namespaces (unshare, clone) inside a chroot.
    ChrootUnshare = 9,
    /// setns() inside a chroot (joining a mount namespace resets the root).
    ChrootSetns = 10,
    /// File capabilities (`security.capability`) set inside a chroot.
    ChrootSetcap = 11,
    /// Raising a process's priority inside a chroot.
    ChrootNice = 12,
    /// Writing sysctls (`/proc/sys`) inside a chroot.
    ChrootSysctl = 13,
    /// Using the capabilities grsecurity's CHROOT_CAPS takes away inside a chroot
    /// (off by default: a mount or setns then fails on its capability first).
    ChrootCaps = 14,
    /// Connecting to a unix socket whose listener is outside the chroot (abstract
    /// names included).
    ChrootUnix = 15,
    /// Attaching System V shared memory created outside the chroot.
    ChrootShmat = 16,
}

/// Every protection, in setting-file order.
pub const ALL: [Protection; 17] = [
    Protection::UserNs,
    Protection::ChrootDouble,
    Protection::ChrootMount,
    Protection::ChrootPivot,
    Protection::ChrootMknod,
    Protection::ChrootChmod,
    Protection::ChrootFchdir,
    Protection::ChrootKill,
    Protection::ChrootPtrace,
    Protection::ChrootUnshare,
    Protection::ChrootSetns,
    Protection::ChrootSetcap,
    Protection::ChrootNice,
    Protection::ChrootSysctl,
    Protection::ChrootCaps,
    Protection::ChrootUnix,
    Protection::ChrootShmat,
];

impl Protection {
    /// The protection numbered `code`.
    pub fn from_code(code: u8) -> Option<Protection> {
        ALL.get(usize::from(code)).copied()
    }

    /// Name of its settings file (`chroot_mknod`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Protection::UserNs => "userns",
            Protection::ChrootDouble => "chroot_double",
            Protection::ChrootMount => "chroot_mount",
            Protection::ChrootPivot => "chroot_pivot",
            Protection::ChrootMknod => "chroot_mknod",
            Protection::ChrootChmod => "chroot_chmod",
            Protection::ChrootFchdir => "chroot_fchdir",
            Protection::ChrootKill => "chroot_kill",
            Protection::ChrootPtrace => "chroot_ptrace",
            Protection::ChrootUnshare => "chroot_unshare",
            Protection::ChrootSetns => "chroot_setns",
            Protection::ChrootSetcap => "chroot_setcap",
            Protection::ChrootNice => "chroot_nice",
            Protection::ChrootSysctl => "chroot_sysctl",
            Protection::ChrootCaps => "chroot_caps",
            Protection::ChrootUnix => "chroot_unix",
            Protection::ChrootShmat => "chroot_shmat",
        }
    }

    /// Reason text for events and log lines.
    pub fn reason(self) -> &'static str {
        // The C strings are the one definition; they are ASCII, so this never fails.
        self.reason_c().to_str().unwrap_or("unknown")
    }

    /// Reason text, NUL-terminated for the C side.
    pub fn reason_c(self) -> &'static core::ffi::CStr {
        match self {
            Protection::UserNs => c"unprivileged user namespace",
            Protection::ChrootDouble => c"chroot inside a chroot",
            Protection::ChrootMount => c"mount inside a chroot",
            Protection::ChrootPivot => c"pivot_root inside a chroot",
            Protection::ChrootMknod => c"device node inside a chroot",
            Protection::ChrootChmod => c"setuid/setgid mode inside a chroot",
            Protection::ChrootFchdir => c"fchdir or chdir outside the chroot",
            Protection::ChrootKill => c"signal to a process outside the chroot",
            Protection::ChrootPtrace => c"ptrace of a process outside the chroot",
            Protection::ChrootUnshare => c"new pid or mount namespace from inside a chroot",
            Protection::ChrootSetns => c"setns from inside a chroot",
            Protection::ChrootSetcap => c"file capability set inside a chroot",
            Protection::ChrootNice => c"raising priority inside a chroot",
            Protection::ChrootSysctl => c"sysctl write inside a chroot",
            Protection::ChrootCaps => c"capability taken away inside a chroot",
            Protection::ChrootUnix => c"unix socket outside the chroot",
            Protection::ChrootShmat => c"shared memory created outside the chroot",
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u8)
    }
}

/// Which protections are on (all but `chroot_caps` by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Toggles(u32);

impl Default for Toggles {
    /// Every protection but [`Protection::ChrootCaps`], which is opt-in.
    fn default() -> Self {
        Toggles(ALL.iter().filter(|p| **p != Protection::ChrootCaps).fold(0, |bits, p| bits | p.bit()))
    }
}

impl Toggles {
    /// Whether `p` is on.
    pub fn enabled(self, p: Protection) -> bool {
        self.0 & p.bit() != 0
    }

    /// `self` with `p` switched `on` or off.
    pub fn with(self, p: Protection, on: bool) -> Toggles {
        if on {
            Toggles(self.0 | p.bit())
        } else {
            Toggles(self.0 & !p.bit())
        }
    }

    /// Raw bits (for atomics).
    pub fn bits(self) -> u32 {
        self.0
    }

    /// From raw bits.
    pub fn from_bits(bits: u32) -> Toggles {
        Toggles(bits)
    }
}

/// Most uids in the user-namespace uid allowlist.
pub const UIDS_MAX: usize = 16;

/// Uids that may still create user namespaces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UidList {
    uids: [u32; UIDS_MAX],
    count: usize,
}

impl UidList {
    /// Parses comma, space or newline separated decimal uids; a bad entry rejects all.
    pub fn parse(text: &[u8]) -> Option<UidList> {
        let mut list = UidList::default();
        for entry in text.split(|&b| b == b',' || b == b'\n' || b == b' ').map(trim).filter(|e| !e.is_empty()) {
            if list.count == UIDS_MAX || entry.len() > 10 || !entry.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let uid = entry.iter().try_fold(0u64, |acc, d| Some(acc * 10 + u64::from(d - b'0')))?;
            list.uids[list.count] = u32::try_from(uid).ok()?;
            list.count += 1;
        }
        Some(list)
    }

    /// Whether `uid` is on the list.
    pub fn contains(&self, uid: u32) -> bool {
        self.uids().contains(&uid)
    }

    /// The uids.
    pub fn uids(&self) -> &[u32] {
        &self.uids[..self.count.min(UIDS_MAX)]
    }
}

fn restrict(mode: Mode, toggles: Toggles, p: Protection) -> Verdict {
    match mode {
        Mode::Off => Verdict::Ignore,
        _ if !toggles.enabled(p) => Verdict::Ignore,
        Mode::Audit => Verdict::Audit,
        Mode::Enforce => Verdict::Deny,
    }
}

/// A user namespace created, or joined with setns(), by `uid` running the file
/// `exe`; `privileged` when the task holds CAP_SYS_ADMIN in the initial user
/// namespace (never restricted). With both allowlists set, a task must be on both
/// (that runtime, run by that user); with one, on that one.
pub fn decide_userns(
    mode: Mode,
    toggles: Toggles,
    allow_exe: &Allowlist,
    allow_uid: &UidList,
    exe: &FileId,
    uid: u32,
    privileged: bool,
) -> Verdict {
    if privileged || mode == Mode::Off || !toggles.enabled(Protection::UserNs) {
        return Verdict::Ignore;
    }
    let allowed = match (allow_exe.is_empty(), allow_uid.uids().is_empty()) {
        (true, true) => false,
        (false, true) => allow_exe.contains(exe),
        (true, false) => allow_uid.contains(uid),
        (false, false) => allow_exe.contains(exe) && allow_uid.contains(uid),
    };
    if allowed {
        return Verdict::Allowlisted;
    }
    restrict(mode, toggles, Protection::UserNs)
}

/// An operation `p` by a task; `chrooted` says the task's root is not its mount
/// namespace's root (as the kernel's `current_chrooted()` judges it), `violates` that the operation crosses the rule (a device node, a
/// setuid mode, a target outside the chroot, ...; always true for double chroot,
/// mount and pivot_root).
pub fn decide_chroot(mode: Mode, toggles: Toggles, p: Protection, chrooted: bool, violates: bool) -> Verdict {
    if !chrooted || !violates {
        return Verdict::Ignore;
    }
    restrict(mode, toggles, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protections_have_distinct_bits_and_names() {
        for (i, p) in ALL.iter().enumerate() {
            assert_eq!(Protection::from_code(i as u8), Some(*p));
            assert!(ALL.iter().filter(|q| q.name() == p.name()).count() == 1);
        }
        assert_eq!(Protection::from_code(ALL.len() as u8), None);
        assert!(!Toggles::default().enabled(Protection::ChrootCaps), "opt-in");
        assert!(Toggles::default().enabled(Protection::ChrootSysctl));
        assert!(ALL.iter().all(|p| p.reason() != "unknown"));
        let t = Toggles::default().with(Protection::ChrootKill, false);
        assert!(!t.enabled(Protection::ChrootKill));
        assert!(t.enabled(Protection::ChrootPtrace));
        assert_eq!(Toggles::from_bits(t.bits()), t);
    }

    #[test]
    fn userns_rules() {
        let file = |ino| FileId { dev: 8, ino, generation: 1, present: 1 };
        let (sh, podman, other) = (file(1), file(2), file(3));
        let none = Allowlist::default();
        let no_uids = UidList::default();
        let uids = UidList::parse(b"1000, 1001").unwrap();
        let mut resolve = crate::allowlist::tests::table(&[(b"/usr/bin/podman", 2)]);
        let exes = Allowlist::parse(b"/usr/bin/podman", &mut resolve).unwrap();
        let t = Toggles::default();
        assert_eq!(decide_userns(Mode::Enforce, t, &none, &no_uids, &sh, 1000, false), Verdict::Deny);
        assert_eq!(decide_userns(Mode::Enforce, t, &none, &no_uids, &sh, 0, true), Verdict::Ignore);
        assert_eq!(decide_userns(Mode::Enforce, t, &none, &uids, &sh, 1000, false), Verdict::Allowlisted);
        assert_eq!(decide_userns(Mode::Enforce, t, &exes, &no_uids, &podman, 5, false), Verdict::Allowlisted);
        assert_eq!(decide_userns(Mode::Enforce, t, &exes, &no_uids, &other, 5, false), Verdict::Deny);
        // Both lists set: that runtime, run by that user; either alone is not enough.
        assert_eq!(decide_userns(Mode::Enforce, t, &exes, &uids, &podman, 1000, false), Verdict::Allowlisted);
        assert_eq!(decide_userns(Mode::Enforce, t, &exes, &uids, &podman, 5, false), Verdict::Deny);
        assert_eq!(decide_userns(Mode::Enforce, t, &exes, &uids, &sh, 1000, false), Verdict::Deny);
        assert_eq!(decide_userns(Mode::Audit, t, &none, &uids, &sh, 5, false), Verdict::Audit);
        let off = t.with(Protection::UserNs, false);
        assert_eq!(decide_userns(Mode::Enforce, off, &none, &uids, &sh, 5, false), Verdict::Ignore);
        assert_eq!(decide_userns(Mode::Off, t, &none, &uids, &sh, 5, false), Verdict::Ignore);
    }

    #[test]
    fn chroot_rules() {
        let t = Toggles::default();
        let p = Protection::ChrootMknod;
        assert_eq!(decide_chroot(Mode::Enforce, t, p, true, true), Verdict::Deny);
        assert_eq!(decide_chroot(Mode::Enforce, t, p, false, true), Verdict::Ignore, "not chrooted");
        assert_eq!(decide_chroot(Mode::Enforce, t, p, true, false), Verdict::Ignore, "a regular file");
        assert_eq!(decide_chroot(Mode::Enforce, t.with(p, false), p, true, true), Verdict::Ignore);
        assert_eq!(decide_chroot(Mode::Audit, t, p, true, true), Verdict::Audit);
    }

    #[test]
    fn uid_lists() {
        assert_eq!(UidList::parse(b"1,2\n3").unwrap().uids(), [1, 2, 3]);
        assert!(UidList::parse(b"").unwrap().uids().is_empty());
        assert!(UidList::parse(b"-1").is_none());
        assert!(UidList::parse(b"4294967296").is_none());
        assert!(UidList::parse(b"abc").is_none());
        assert!(UidList::parse(b"1,2,3,4,5,6,7,8,9,1,2,3,4,5,6,7,8").is_none(), "17 uids");
    }
}
