//! Host paths as the guest will see them: a path is walked one component at a time
//! under a root (`/` for the host itself, a scratch tree in tests), and every symbolic
//! link met on the way (a merged-/usr `/lib -> usr/lib` as much as a library's
//! `libz.so.1 -> libz.so.1.2.13`) is reported, so the guest gets the same links.

use std::io;
use std::path::{Path, PathBuf};

/// More links than this in one walk is a loop (the kernel's limit is 40).
const MAX_LINKS: usize = 40;

/// A tree of host files whose paths are given as absolute guest paths.
#[derive(Debug, Clone)]
pub struct HostFs {
    root: PathBuf,
}

/// Where a walk ended and the symbolic links it went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walked {
    /// The path with no symbolic link in it (`/usr/lib/x86_64-linux-gnu/libc.so.6`).
    pub canonical: String,
    /// Each link met, as (its path, its target as stored), in the order met.
    pub links: Vec<(String, String)>,
}

impl HostFs {
    /// The tree under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        HostFs { root: root.into() }
    }

    /// Where the guest path `path` is on the host.
    pub fn host_path(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    /// The root this tree is read from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Follows `path` (absolute) to the file it names; a missing component is
    /// `NotFound`, a link loop or a non-directory in the middle another error.
    pub fn walk(&self, path: &str) -> io::Result<Walked> {
        if !path.starts_with('/') {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{path}: not an absolute path")));
        }
        let mut pending: Vec<String> = components(path).rev().collect();
        let mut current = String::new();
        let mut links = Vec::new();
        while let Some(component) = pending.pop() {
            match component.as_str() {
                "." => continue,
                ".." => {
                    current.truncate(current.rfind('/').unwrap_or(0));
                    continue;
                }
                _ => {}
            }
            let next = format!("{current}/{component}");
            let host = self.host_path(&next);
            let meta = std::fs::symlink_metadata(&host)?;
            if meta.file_type().is_symlink() {
                if links.len() >= MAX_LINKS {
                    return Err(io::Error::other(format!("{path}: too many levels of symbolic links")));
                }
                let target = std::fs::read_link(&host)?;
                let target = target.to_str().ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidData, format!("{next}: link target is not UTF-8"))
                })?;
                if target.starts_with('/') {
                    current.clear();
                }
                pending.extend(components(target).rev());
                links.push((next, target.to_string()));
            } else {
                if !pending.is_empty() && !meta.is_dir() {
                    return Err(io::Error::new(io::ErrorKind::NotADirectory, format!("{next}: not a directory")));
                }
                current = next;
            }
        }
        let canonical = if current.is_empty() { "/".to_string() } else { current };
        Ok(Walked { canonical, links })
    }
}

fn components(path: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    path.split('/').filter(|c| !c.is_empty()).map(str::to_string)
}

/// A scratch directory for tests, removed when dropped.
#[cfg(test)]
pub struct Scratch(pub PathBuf);

#[cfg(test)]
impl Scratch {
    /// A new empty directory under the system's temporary directory.
    pub fn new(name: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("rampart-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Writes `bytes` at `path` (relative to the scratch root), making its directories.
    pub fn write(&self, path: &str, bytes: &[u8]) {
        let p = self.0.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Makes `path` a symbolic link to `target`.
    pub fn link(&self, path: &str, target: &str) {
        let p = self.0.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
    }
}

#[cfg(test)]
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_of_every_component_are_reported() {
        let t = Scratch::new("walk");
        t.write("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", b"x");
        t.link("/lib", "usr/lib");
        t.link("/lib64", "usr/lib64");
        t.link("/usr/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        let fs = HostFs::new(&t.0);
        let w = fs.walk("/lib64/ld-linux-x86-64.so.2").unwrap();
        assert_eq!(w.canonical, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        assert_eq!(
            w.links,
            [
                ("/lib64".to_string(), "usr/lib64".to_string()),
                ("/usr/lib64/ld-linux-x86-64.so.2".into(), "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2".into()),
                ("/lib".into(), "usr/lib".into()),
            ]
        );
        assert_eq!(fs.walk("/usr/./lib/../lib64/").unwrap().canonical, "/usr/lib64");
    }

    #[test]
    fn missing_loops_and_files_in_the_middle() {
        let t = Scratch::new("walk-err");
        t.write("/f", b"x");
        t.link("/a", "b");
        t.link("/b", "a");
        let fs = HostFs::new(&t.0);
        assert_eq!(fs.walk("/nope").unwrap_err().kind(), io::ErrorKind::NotFound);
        assert!(fs.walk("/a").unwrap_err().to_string().contains("too many levels"));
        assert_eq!(fs.walk("/f/g").unwrap_err().kind(), io::ErrorKind::NotADirectory);
        assert_eq!(fs.walk("relative").unwrap_err().kind(), io::ErrorKind::InvalidInput);
        // `..` never leaves the root.
        assert_eq!(fs.walk("/../../f").unwrap().canonical, "/f");
    }

    #[test]
    fn the_hosts_merged_usr_loader() {
        let w = HostFs::new("/").walk("/lib64/ld-linux-x86-64.so.2").unwrap();
        assert!(w.canonical.starts_with("/usr/lib"), "{w:?}");
        assert!(!w.links.is_empty());
    }
}
