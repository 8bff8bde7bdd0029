//! Shell-style globs over a [`HostFs`]: `*`, `?` and `[...]` (ranges, `!` or `^` to
//! negate) in any path component; a leading `.` is matched only by a literal `.`.

use super::hostfs::HostFs;

/// True when `pattern` has a glob character.
pub fn is_pattern(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// The existing paths `pattern` (absolute) matches, sorted; a pattern without glob
/// characters matches itself when it exists.
pub fn expand(fs: &HostFs, pattern: &str) -> Vec<String> {
    let mut found = vec![String::new()];
    for component in pattern.split('/').filter(|c| !c.is_empty()) {
        let mut next = Vec::new();
        for prefix in &found {
            if !is_pattern(component) {
                next.push(format!("{prefix}/{component}"));
                continue;
            }
            let dir = if prefix.is_empty() { "/" } else { prefix };
            let Ok(walked) = fs.walk(dir) else { continue };
            let Ok(entries) = std::fs::read_dir(fs.host_path(&walked.canonical)) else { continue };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|name| matches(component.as_bytes(), name.as_bytes()))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|name| format!("{prefix}/{name}")));
        }
        found = next;
    }
    found.retain(|p| !p.is_empty() && fs.walk(p).is_ok());
    found.sort();
    found.dedup();
    found
}

/// The `[...]` class at the start of `p` against `c`: (matched, bytes of the class),
/// or `None` when it has no closing `]` (then `[` is literal).
fn class(p: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(p.get(1), Some(b'!' | b'^'));
    if negate {
        i = 2;
    }
    let first = i;
    let mut matched = false;
    loop {
        let &x = p.get(i)?;
        if x == b']' && i > first {
            break;
        }
        match (p.get(i + 1), p.get(i + 2)) {
            (Some(b'-'), Some(&y)) if y != b']' => {
                matched |= x <= c && c <= y;
                i += 3;
            }
            _ => {
                matched |= x == c;
                i += 1;
            }
        }
    }
    Some((matched != negate, i + 1))
}

/// True when the file name `name` matches the one-component pattern `p`.
pub fn matches(p: &[u8], name: &[u8]) -> bool {
    if name.first() == Some(&b'.') && p.first() != Some(&b'.') {
        return false;
    }
    let (mut pi, mut ni) = (0, 0);
    // Where the last `*` was, and the name position it is tried up to.
    let mut star: Option<(usize, usize)> = None;
    while ni < name.len() {
        if let Some(&pc) = p.get(pi) {
            let step = match pc {
                b'*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                b'?' => Some(1),
                b'[' => match class(&p[pi..], name[ni]) {
                    Some((true, len)) => Some(len),
                    Some((false, _)) => None,
                    None => (name[ni] == b'[').then_some(1),
                },
                _ => (pc == name[ni]).then_some(1),
            };
            if let Some(len) = step {
                pi += len;
                ni += 1;
                continue;
            }
        }
        match star {
            Some((sp, sn)) => {
                star = Some((sp, sn + 1));
                pi = sp + 1;
                ni = sn + 1;
            }
            None => return false,
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::super::hostfs::Scratch;
    use super::*;

    #[test]
    fn patterns() {
        for (p, n, want) in [
            ("*", "libz.so.1", true),
            ("libz.so.*", "libz.so.1.2.13", true),
            ("libz.so.*", "libz.so", false),
            ("lib?.so", "libz.so", true),
            ("lib[a-z].so", "libz.so", true),
            ("lib[!a-y].so", "libz.so", true),
            ("lib[!z].so", "libz.so", false),
            ("lib[]].so", "lib].so", true),
            ("lib[.so", "lib[.so", true),
            ("*", ".hidden", false),
            (".*", ".hidden", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("", "", true),
            ("**", "x", true),
        ] {
            assert_eq!(matches(p.as_bytes(), n.as_bytes()), want, "{p} vs {n}");
        }
    }

    #[test]
    fn expands_through_links_sorted() {
        let t = Scratch::new("glob");
        t.write("/usr/lib/paxtest/b", b"");
        t.write("/usr/lib/paxtest/a.so", b"");
        t.link("/lib", "usr/lib");
        let fs = HostFs::new(&t.0);
        assert_eq!(expand(&fs, "/lib/paxtest/*"), ["/lib/paxtest/a.so", "/lib/paxtest/b"]);
        assert_eq!(expand(&fs, "/lib/*/*.so"), ["/lib/paxtest/a.so"]);
        assert_eq!(expand(&fs, "/usr/lib/paxtest"), ["/usr/lib/paxtest"]);
        assert!(expand(&fs, "/usr/lib/nope").is_empty());
        assert!(expand(&fs, "/usr/lib/*.none").is_empty());
    }
}
