//! Which programs the helper may run, and with which arguments:
//! `/etc/rampart/usermode-helpers` or, without it, the built-in list.

/// The admin's list: one entry per line, `PATH [ARGUMENTS]`, `#` comments and blank
/// lines ignored. ARGUMENTS is one of the [`Arguments`] shapes (default `none`).
pub const FILE: &str = "/etc/rampart/usermode-helpers";

/// The largest list file read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

/// The arguments an entry may be run with. The kernel's own callers pass fixed shapes;
/// whoever rewrites `core_pattern` or `poweroff_cmd` chooses any arguments, so an
/// allowed program must not take options from there (`modprobe -C evil.conf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arguments {
    /// No arguments (`poweroff_cmd`, `reboot_cmd`).
    None,
    /// `-q -- NAME` exactly, as `request_module()` passes them; NAME starts with no `-`.
    Modprobe,
    /// `create` and six words, as the kernel calls request-key.
    RequestKey,
    /// Any number of words none of which starts with `-` (core dump pipes' `%` values).
    Words,
    /// Anything: the admin takes responsibility for every option the program has.
    Any,
}

impl Arguments {
    fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "none" => Arguments::None,
            "modprobe" => Arguments::Modprobe,
            "request-key" => Arguments::RequestKey,
            "words" => Arguments::Words,
            "any" => Arguments::Any,
            _ => return None,
        })
    }

    /// Whether `args` (after the program name) have this shape.
    pub fn allow(self, args: &[&[u8]]) -> bool {
        let word = |a: &&[u8]| !a.is_empty() && a[0] != b'-';
        match self {
            Arguments::None => args.is_empty(),
            Arguments::Modprobe => matches!(args, [q, dashes, name] if *q == b"-q" && *dashes == b"--" && word(name)),
            Arguments::RequestKey => args.len() == 7 && args[0] == b"create" && args.iter().all(word),
            Arguments::Words => args.iter().all(word),
            Arguments::Any => true,
        }
    }
}

/// One allowed program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path, as the kernel must ask for it (compared as a string).
    pub path: String,
    /// The arguments it may get.
    pub arguments: Arguments,
}

/// The helpers a server's kernel calls, under the paths distributions install them at
/// (merged and split `/usr` both), each with the arguments the kernel passes.
pub const BUILT_IN: &[(&str, Arguments)] = &[
    ("/sbin/modprobe", Arguments::Modprobe),
    ("/usr/sbin/modprobe", Arguments::Modprobe),
    ("/sbin/poweroff", Arguments::None),
    ("/usr/sbin/poweroff", Arguments::None),
    ("/sbin/reboot", Arguments::None),
    ("/usr/sbin/reboot", Arguments::None),
    ("/sbin/request-key", Arguments::RequestKey),
    ("/usr/sbin/request-key", Arguments::RequestKey),
    ("/lib/systemd/systemd-coredump", Arguments::Words),
    ("/usr/lib/systemd/systemd-coredump", Arguments::Words),
];

/// Why a list file was not used.
#[derive(Debug, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line of the first bad entry.
    pub line: usize,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Parses a list file. A bad line rejects the whole file, so that a typo cannot
/// silently shrink or widen the list.
pub fn parse(text: &[u8]) -> Result<Vec<Entry>, Rejected> {
    let mut entries = Vec::new();
    for (index, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        let content = strip_comment(raw);
        let content = std::str::from_utf8(content).map_err(|_| Rejected { line, reason: "not UTF-8" })?;
        let mut words = content.split_ascii_whitespace();
        let Some(path) = words.next() else { continue };
        if !path.starts_with('/') {
            return Err(Rejected { line, reason: "not an absolute path" });
        }
        if path.split('/').any(|part| part == ".." || part == ".") {
            return Err(Rejected { line, reason: "a `.` or `..` component" });
        }
        let arguments = match words.next() {
            None => Arguments::None,
            Some(word) => Arguments::parse(word).ok_or(Rejected { line, reason: "unknown arguments shape" })?,
        };
        if words.next().is_some() {
            return Err(Rejected { line, reason: "more than a path and an arguments shape" });
        }
        if path.contains(|c: char| c.is_control()) {
            return Err(Rejected { line, reason: "a control character" });
        }
        entries.push(Entry { path: path.to_string(), arguments });
    }
    Ok(entries)
}

/// The built-in list.
pub fn built_in() -> Vec<Entry> {
    BUILT_IN.iter().map(|&(path, arguments)| Entry { path: path.to_string(), arguments }).collect()
}

/// The entry for exactly this requested path, if any. The comparison is on the string
/// the kernel passed, not on what it resolves to: a multi-call program (kmod, busybox,
/// systemctl) acts by the name it is run as, so another name for an allowed file is
/// another program.
pub fn find<'a>(entries: &'a [Entry], requested: &[u8]) -> Option<&'a Entry> {
    entries.iter().find(|e| e.path.as_bytes() == requested)
}

fn strip_comment(line: &[u8]) -> &[u8] {
    line.iter().position(|&b| b == b'#').map_or(line, |at| &line[..at])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_shapes_comments_and_blank_lines() {
        let got =
            parse(b"# helpers\n/sbin/modprobe modprobe\n\n  /usr/sbin/poweroff   # shutdown\n/opt/x any\n").unwrap();
        assert_eq!(
            got,
            vec![
                Entry { path: "/sbin/modprobe".into(), arguments: Arguments::Modprobe },
                Entry { path: "/usr/sbin/poweroff".into(), arguments: Arguments::None },
                Entry { path: "/opt/x".into(), arguments: Arguments::Any },
            ]
        );
    }

    #[test]
    fn one_bad_line_rejects_the_whole_file() {
        assert_eq!(parse(b"/sbin/modprobe\nmodprobe\n"), Err(Rejected { line: 2, reason: "not an absolute path" }));
        assert_eq!(parse(b"/a b\n").unwrap_err().reason, "unknown arguments shape");
        assert_eq!(parse(b"/a any x\n").unwrap_err().reason, "more than a path and an arguments shape");
        assert_eq!(parse(b"/sbin/../tmp/x\n").unwrap_err().reason, "a `.` or `..` component");
        assert_eq!(parse(b"/a\n/\xff\n").unwrap_err(), Rejected { line: 2, reason: "not UTF-8" });
    }

    #[test]
    fn arguments_have_the_kernels_shapes() {
        let m = Arguments::Modprobe;
        assert!(m.allow(&[b"-q", b"--", b"binfmt-ffff"]));
        assert!(!m.allow(&[b"-C", b"/tmp/x.conf", b"m"]), "modprobe -C: the configuration is the attacker's");
        assert!(!m.allow(&[b"-q", b"--", b"-x"]));
        assert!(!m.allow(&[b"-q", b"--", b"a", b"b"]));
        assert!(Arguments::None.allow(&[]));
        assert!(!Arguments::None.allow(&[b"-f"]), "reboot -f");
        assert!(Arguments::Words.allow(&[b"1234", b"0", b"host"]));
        assert!(!Arguments::Words.allow(&[b"1234", b"--debug"]));
        assert!(Arguments::RequestKey.allow(&[b"create", b"1", b"0", b"0", b"2", b"3", b"4"]));
        assert!(!Arguments::RequestKey.allow(&[b"create", b"1"]));
    }

    #[test]
    fn another_name_for_an_allowed_file_is_not_allowed() {
        let list = built_in();
        assert!(find(&list, b"/sbin/modprobe").is_some());
        assert!(find(&list, b"/bin/kmod").is_none());
        assert!(find(&list, b"/sbin//modprobe").is_none());
        assert!(find(&list, b"/sbin/modprobe/").is_none());
    }

    proptest! {
        #[test]
        fn any_bytes_parse_or_are_rejected_without_panicking(text in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(entries) = parse(&text) {
                for e in entries {
                    prop_assert!(e.path.starts_with('/'));
                }
            }
        }

        #[test]
        fn any_arguments_are_judged_without_panicking(args in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..8), 0..8)) {
            let args: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
            for shape in [Arguments::None, Arguments::Modprobe, Arguments::RequestKey, Arguments::Words, Arguments::Any] {
                let _ = shape.allow(&args);
            }
        }
    }
}
