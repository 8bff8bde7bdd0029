//! W^X for userspace (after PaX's MPROTECT) and trusted path execution (after
//! grsecurity's TPE): which memory operations and executions are refused.
//!
//! W^X: no mapping is writable and executable at once, memory that is or was
//! writable never becomes executable (anonymous memory, heap, stack, data, private
//! file pages that were written), executable text never becomes writable, no
//! executable stacks or executable shared memory, and no executable mappings of
//! files the process could change under them (memfd, files open for writing).
//! Programs the admin exempts (JITs, emulators) are left alone.
//!
//! TPE: users who are not trusted may only run, or map executable, files whose
//! directory is owned by root and writable by nobody else.

use super::mode::{Mode, Verdict};

/// The W^X and TPE rules (numbered as `enum wx_rule` in `kmod/rampart_wx/shim.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Rule {
    /// A mapping asked to be writable and executable at once.
    WriteExec = 0,
    /// Making executable memory that is or was writable.
    ExecWritten = 1,
    /// Making executable memory (a program's text) writable.
    WriteText = 2,
    /// An executable stack (`PT_GNU_STACK` with X, or `READ_IMPLIES_EXEC`).
    ExecStack = 3,
    /// `shmat(SHM_EXEC)`.
    ShmExec = 4,
    /// An executable mapping of a file the process could change under it.
    ExecWritableFile = 5,
    /// Trusted path execution: a file outside root-owned, root-only-writable
    /// directories run or mapped executable by an untrusted user.
    UntrustedPath = 6,
}

/// Every rule, by code.
pub const RULES: [Rule; 7] = [
    Rule::WriteExec,
    Rule::ExecWritten,
    Rule::WriteText,
    Rule::ExecStack,
    Rule::ShmExec,
    Rule::ExecWritableFile,
    Rule::UntrustedPath,
];

impl Rule {
    /// The rule numbered `code`.
    pub fn from_code(code: u8) -> Option<Rule> {
        RULES.get(usize::from(code)).copied()
    }

    /// Reason text for events and log lines, NUL-terminated for the C side.
    pub fn reason_c(self) -> &'static core::ffi::CStr {
        match self {
            Rule::WriteExec => c"writable and executable mapping",
            Rule::ExecWritten => c"executable memory that is or was writable",
            Rule::WriteText => c"writable executable text",
            Rule::ExecStack => c"executable stack",
            Rule::ShmExec => c"executable shared memory",
            Rule::ExecWritableFile => c"executable mapping of a writable file",
            Rule::UntrustedPath => c"untrusted path execution",
        }
    }

    /// Whether the rule is a TPE rule (decided by `tpe_mode`) rather than W^X.
    pub fn is_tpe(self) -> bool {
        self == Rule::UntrustedPath
    }
}

/// What a file about to be mapped executable is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileFacts {
    /// On a kernel-internal mount (memfd, anonymous shared memory): no path an
    /// admin controls.
    pub internal: bool,
    /// Opened for writing through the descriptor being mapped.
    pub open_for_write: bool,
    /// Held open for writing by anyone (the inode's write count).
    pub written_elsewhere: bool,
}

impl FileFacts {
    /// Whether the process (or anyone) can change the file under the mapping.
    pub fn writable(self) -> bool {
        self.internal || self.open_for_write || self.written_elsewhere
    }
}

/// A new mapping: `mmap()` with `write` and `exec` asked (after the kernel added
/// `PROT_EXEC` for `READ_IMPLIES_EXEC`); `file`: `None` for anonymous memory.
pub fn check_mmap(write: bool, exec: bool, file: Option<FileFacts>) -> Option<Rule> {
    if write && exec {
        return Some(Rule::WriteExec);
    }
    match file {
        Some(f) if exec && f.writable() => Some(Rule::ExecWritableFile),
        _ => None,
    }
}

/// An existing mapping, as `mprotect()` finds it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MappingFacts {
    /// Anonymous memory (heap, stack, bss, `MAP_ANONYMOUS`): no file behind it.
    pub anonymous: bool,
    /// Writable now.
    pub writable: bool,
    /// Executable now.
    pub executable: bool,
    /// Has private copies of pages (it was written, as text relocations do).
    pub written: bool,
    /// The file behind it, if any.
    pub file: Option<FileFacts>,
}

/// `mprotect()` of `m` to `write`/`exec`.
pub fn check_mprotect(m: MappingFacts, write: bool, exec: bool) -> Option<Rule> {
    if write && exec {
        return Some(Rule::WriteExec);
    }
    if exec && !m.executable {
        if m.anonymous || m.writable || m.written {
            return Some(Rule::ExecWritten);
        }
        if m.file.is_some_and(FileFacts::writable) {
            return Some(Rule::ExecWritableFile);
        }
    }
    if write && m.executable {
        return Some(Rule::WriteText);
    }
    None
}

/// Whether a program asks for an executable stack: `PT_GNU_STACK` with X
/// (`EXSTACK_ENABLE_X`, 2), or a `READ_IMPLIES_EXEC` personality.
pub fn wants_exec_stack(executable_stack: i32, read_implies_exec: bool) -> bool {
    executable_stack == 2 || read_implies_exec
}

/// What TPE needs to know about a file being run or mapped executable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TpeFacts {
    /// The user is trusted: root, or in the trusted group.
    pub trusted: bool,
    /// The file's directory is owned by root.
    pub dir_root_owned: bool,
    /// The file's directory is writable by its group or by others.
    pub dir_writable_by_others: bool,
    /// The file is on a kernel-internal mount (memfd): it has no directory.
    pub internal: bool,
}

/// Whether TPE refuses running (or mapping executable) the file.
pub fn tpe_violation(f: TpeFacts) -> bool {
    !f.trusted && (f.internal || !f.dir_root_owned || f.dir_writable_by_others)
}

/// The verdict on a rule that was broken, in `mode`, for a program that is
/// `exempt` (W^X rules only: TPE knows no program exceptions).
pub fn verdict(mode: Mode, rule: Rule, exempt: bool) -> Verdict {
    match mode {
        Mode::Off => Verdict::Ignore,
        _ if exempt && !rule.is_tpe() => Verdict::Allowlisted,
        Mode::Audit => Verdict::Audit,
        Mode::Enforce => Verdict::Deny,
    }
}

/// Whether a PaX flags extended attribute (`user.pax.flags`) exempts the program
/// from W^X: its lowercase `m` turns MPROTECT off (as `paxctl -m` does); only
/// PaX's letters are allowed, so a damaged value exempts nothing.
pub fn pax_flags_exempt(value: &[u8]) -> bool {
    let known = |b: &u8| b"PpEeMmRrXxSs".contains(b);
    !value.is_empty() && value.len() <= 16 && value.iter().all(known) && value.contains(&b'm')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMFD: FileFacts = FileFacts { internal: true, open_for_write: false, written_elsewhere: false };
    const LIBRARY: FileFacts = FileFacts { internal: false, open_for_write: false, written_elsewhere: false };

    #[test]
    fn mmap_rules() {
        assert_eq!(check_mmap(true, true, None), Some(Rule::WriteExec));
        assert_eq!(check_mmap(true, true, Some(LIBRARY)), Some(Rule::WriteExec));
        assert_eq!(check_mmap(false, true, None), None, "new read+exec anonymous memory is never writable");
        assert_eq!(check_mmap(false, true, Some(LIBRARY)), None);
        assert_eq!(check_mmap(false, true, Some(MEMFD)), Some(Rule::ExecWritableFile));
        let open_rw = FileFacts { open_for_write: true, ..LIBRARY };
        assert_eq!(check_mmap(false, true, Some(open_rw)), Some(Rule::ExecWritableFile));
        let busy = FileFacts { written_elsewhere: true, ..LIBRARY };
        assert_eq!(check_mmap(false, true, Some(busy)), Some(Rule::ExecWritableFile));
        assert_eq!(check_mmap(true, false, Some(MEMFD)), None);
    }

    #[test]
    fn mprotect_rules_are_paxtests() {
        let anon_rw = MappingFacts { anonymous: true, writable: true, ..Default::default() };
        // Executable anonymous mapping / bss / heap / stack (mprotect).
        assert_eq!(check_mprotect(anon_rw, false, true), Some(Rule::ExecWritten));
        // Even after dropping write first.
        let anon_r = MappingFacts { anonymous: true, ..Default::default() };
        assert_eq!(check_mprotect(anon_r, false, true), Some(Rule::ExecWritten));
        // Shared library data (mprotect): a written private file mapping.
        let data = MappingFacts { written: true, file: Some(LIBRARY), ..Default::default() };
        assert_eq!(check_mprotect(data, false, true), Some(Rule::ExecWritten));
        // Writable text segments.
        let text = MappingFacts { executable: true, file: Some(LIBRARY), ..Default::default() };
        assert_eq!(check_mprotect(text, true, false), Some(Rule::WriteText));
        assert_eq!(check_mprotect(text, true, true), Some(Rule::WriteExec));
        // What ld.so does: RELRO read-only, text stays text.
        let relro = MappingFacts { writable: true, written: true, file: Some(LIBRARY), ..Default::default() };
        assert_eq!(check_mprotect(relro, false, false), None);
        assert_eq!(check_mprotect(text, false, true), None);
        // A clean private file mapping may become executable, unless the file can change.
        let clean = MappingFacts { file: Some(LIBRARY), ..Default::default() };
        assert_eq!(check_mprotect(clean, false, true), None);
        let memfd = MappingFacts { file: Some(MEMFD), ..Default::default() };
        assert_eq!(check_mprotect(memfd, false, true), Some(Rule::ExecWritableFile));
    }

    #[test]
    fn exec_stack_and_tpe() {
        assert!(wants_exec_stack(2, false));
        assert!(wants_exec_stack(1, true));
        assert!(!wants_exec_stack(1, false));
        assert!(!wants_exec_stack(0, false), "no PT_GNU_STACK: the x86_64 default is not executable");
        let tmp = TpeFacts { dir_root_owned: true, dir_writable_by_others: true, ..Default::default() };
        assert!(tpe_violation(tmp));
        assert!(!tpe_violation(TpeFacts { trusted: true, ..tmp }));
        let usr_bin = TpeFacts { dir_root_owned: true, ..Default::default() };
        assert!(!tpe_violation(usr_bin));
        assert!(tpe_violation(TpeFacts { dir_root_owned: false, ..usr_bin }), "a user's own directory");
        assert!(tpe_violation(TpeFacts { internal: true, ..usr_bin }), "memfd");
    }

    #[test]
    fn verdicts_and_pax_flags() {
        assert_eq!(verdict(Mode::Off, Rule::WriteExec, false), Verdict::Ignore);
        assert_eq!(verdict(Mode::Enforce, Rule::WriteExec, false), Verdict::Deny);
        assert_eq!(verdict(Mode::Enforce, Rule::WriteExec, true), Verdict::Allowlisted);
        assert_eq!(verdict(Mode::Enforce, Rule::UntrustedPath, true), Verdict::Deny, "no exceptions from TPE");
        assert_eq!(verdict(Mode::Audit, Rule::ExecStack, false), Verdict::Audit);
        assert!(pax_flags_exempt(b"m"));
        assert!(pax_flags_exempt(b"PemRs"));
        assert!(!pax_flags_exempt(b"M"));
        assert!(!pax_flags_exempt(b""));
        assert!(!pax_flags_exempt(b"m\n"));
        assert!(!pax_flags_exempt(b"mmmmmmmmmmmmmmmmm"));
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(Rule::from_code(i as u8), Some(*r));
            assert!(!r.reason_c().to_bytes().is_empty());
        }
        assert_eq!(Rule::from_code(RULES.len() as u8), None);
    }
}
