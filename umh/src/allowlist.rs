//! Which programs the helper may run: `/etc/rampart/usermode-helpers` or, without it,
//! the built-in list.

use std::path::{Path, PathBuf};

/// The admin's list: one absolute path per line, `#` comments and blank lines ignored.
pub const FILE: &str = "/etc/rampart/usermode-helpers";

/// The helpers a server's kernel calls, under the paths distributions install them at
/// (merged and split `/usr` both).
pub const BUILT_IN: &[&str] = &[
    "/sbin/modprobe",
    "/usr/sbin/modprobe",
    "/sbin/poweroff",
    "/usr/sbin/poweroff",
    "/sbin/reboot",
    "/usr/sbin/reboot",
    "/sbin/request-key",
    "/usr/sbin/request-key",
    "/lib/systemd/systemd-coredump",
    "/usr/lib/systemd/systemd-coredump",
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
pub fn parse(text: &[u8]) -> Result<Vec<PathBuf>, Rejected> {
    let mut paths = Vec::new();
    for (index, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        let entry = trim(strip_comment(raw));
        if entry.is_empty() {
            continue;
        }
        let entry = std::str::from_utf8(entry).map_err(|_| Rejected { line, reason: "not UTF-8" })?;
        if !entry.starts_with('/') {
            return Err(Rejected { line, reason: "not an absolute path" });
        }
        if entry.contains(char::is_whitespace) {
            return Err(Rejected { line, reason: "more than one path on the line" });
        }
        if entry.contains('\0') {
            return Err(Rejected { line, reason: "a NUL byte" });
        }
        if entry.split('/').any(|part| part == "..") {
            return Err(Rejected { line, reason: "a `..` component" });
        }
        paths.push(PathBuf::from(entry));
    }
    Ok(paths)
}

/// The built-in list as paths.
pub fn built_in() -> Vec<PathBuf> {
    BUILT_IN.iter().map(PathBuf::from).collect()
}

/// Whether `program` (already resolved) is one of `allowed` (each resolved too;
/// entries that do not exist are skipped).
pub fn allows(allowed: &[PathBuf], program: &Path) -> bool {
    allowed.iter().filter_map(|p| std::fs::canonicalize(p).ok()).any(|p| p == program)
}

fn strip_comment(line: &[u8]) -> &[u8] {
    line.iter().position(|&b| b == b'#').map_or(line, |at| &line[..at])
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !first.is_ascii_whitespace() {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !last.is_ascii_whitespace() {
            break;
        }
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_comments_and_blank_lines() {
        let got = parse(b"# helpers\n/sbin/modprobe\n\n  /usr/sbin/poweroff   # shutdown\n").unwrap();
        assert_eq!(got, vec![PathBuf::from("/sbin/modprobe"), PathBuf::from("/usr/sbin/poweroff")]);
    }

    #[test]
    fn one_bad_line_rejects_the_whole_file() {
        assert_eq!(parse(b"/sbin/modprobe\nmodprobe\n"), Err(Rejected { line: 2, reason: "not an absolute path" }));
        assert_eq!(parse(b"/a /b\n").unwrap_err().reason, "more than one path on the line");
        assert_eq!(parse(b"/sbin/../tmp/x\n").unwrap_err().reason, "a `..` component");
        assert_eq!(parse(b"/a\n/\xff\n").unwrap_err(), Rejected { line: 2, reason: "not UTF-8" });
    }

    #[test]
    fn a_resolved_program_is_matched_by_its_resolved_entry() {
        let dir = std::env::temp_dir().join(format!("rampart-umh-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let real = dir.join("real");
        std::fs::write(&real, b"").unwrap();
        let link = dir.join("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let program = std::fs::canonicalize(&real).unwrap();
        assert!(allows(std::slice::from_ref(&link), &program));
        assert!(!allows(&[dir.join("missing")], &program));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    proptest! {
        #[test]
        fn any_bytes_parse_or_are_rejected_without_panicking(text in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(paths) = parse(&text) {
                for p in paths {
                    prop_assert!(p.is_absolute());
                }
            }
        }
    }
}
