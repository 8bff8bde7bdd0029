//! Realtime file watches with inotify: which paths under the watched directories
//! changed since the last poll. New subdirectories are watched as they appear.

use std::collections::HashMap;
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

const MASK: u32 = libc::IN_CLOSE_WRITE
    | libc::IN_MODIFY
    | libc::IN_ATTRIB
    | libc::IN_CREATE
    | libc::IN_DELETE
    | libc::IN_MOVED_FROM
    | libc::IN_MOVED_TO
    | libc::IN_DELETE_SELF;

/// An inotify instance watching directory trees.
pub struct Watcher {
    fd: OwnedFd,
    dirs: HashMap<i32, PathBuf>,
    exclude: Vec<PathBuf>,
    /// Events the kernel dropped because its queue overflowed (a full check is due).
    pub overflows: u64,
}

impl Watcher {
    /// Watches every directory under `roots` (not under `exclude`).
    pub fn new(roots: &[PathBuf], exclude: &[PathBuf]) -> std::io::Result<Self> {
        // SAFETY: inotify_init1 has no memory arguments; a negative result is an error.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor this function owns from here on.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let mut watcher = Self { fd, dirs: HashMap::new(), exclude: exclude.to_vec(), overflows: 0 };
        for root in roots {
            watcher.watch_tree(root);
        }
        Ok(watcher)
    }

    /// Number of directories watched.
    pub fn watched(&self) -> usize {
        self.dirs.len()
    }

    fn watch_tree(&mut self, root: &Path) {
        let exclude = self.exclude.clone();
        let dirs = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| !exclude.iter().any(|x| e.path().starts_with(x)))
            .flatten()
            .filter(|e| e.file_type().is_dir());
        for dir in dirs {
            let Ok(path) = CString::new(dir.path().as_os_str().as_bytes()) else { continue };
            // SAFETY: `path` is a NUL-terminated string that outlives the call.
            let wd = unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), path.as_ptr(), MASK) };
            if wd >= 0 {
                self.dirs.insert(wd, dir.into_path());
            }
        }
    }

    /// Paths that changed since the last poll (deduplicated, sorted).
    pub fn poll(&mut self) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            // SAFETY: `buf` is writable for its whole length.
            let n = unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            let mut at = 0usize;
            let header = std::mem::size_of::<libc::inotify_event>();
            while at + header <= n as usize {
                // SAFETY: the kernel wrote a whole inotify_event header at `at`; it may be
                // unaligned in the byte buffer, hence read_unaligned.
                let ev: libc::inotify_event = unsafe { std::ptr::read_unaligned(buf.as_ptr().add(at).cast()) };
                let name_bytes = &buf[at + header..(at + header + ev.len as usize).min(n as usize)];
                let name = &name_bytes[..name_bytes.iter().position(|&b| b == 0).unwrap_or(name_bytes.len())];
                at += header + ev.len as usize;
                if ev.mask & libc::IN_Q_OVERFLOW != 0 {
                    self.overflows += 1;
                    continue;
                }
                let Some(dir) = self.dirs.get(&ev.wd) else { continue };
                let path = if name.is_empty() { dir.clone() } else { dir.join(std::ffi::OsStr::from_bytes(name)) };
                if ev.mask & libc::IN_ISDIR != 0 {
                    if ev.mask & (libc::IN_CREATE | libc::IN_MOVED_TO) != 0 {
                        self.watch_tree(&path);
                    }
                    continue;
                }
                if ev.mask & libc::IN_DELETE_SELF != 0 {
                    self.dirs.remove(&ev.wd);
                    continue;
                }
                changed.push(path);
            }
        }
        changed.sort();
        changed.dedup();
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_changes_in_new_subdirectories() {
        let dir = std::env::temp_dir().join(format!("hidsd-inotify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("skip")).unwrap();
        std::fs::write(dir.join("a"), "1").unwrap();
        let mut w = Watcher::new(std::slice::from_ref(&dir), &[dir.join("skip")]).unwrap();
        assert_eq!(w.watched(), 1);
        std::fs::write(dir.join("a"), "2").unwrap();
        std::fs::write(dir.join("skip/x"), "ignored").unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        assert_eq!(w.poll(), [dir.join("a")]);
        std::fs::write(dir.join("sub/b"), "3").unwrap();
        std::fs::remove_file(dir.join("a")).unwrap();
        assert_eq!(w.poll(), [dir.join("a"), dir.join("sub/b")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
