//! Realtime file watches with inotify: which paths under the watched directories
//! changed since the last poll. New subdirectories are watched as they appear, and
//! what they already hold when the watch is added (moved in, or written before it)
//! is reported too; a directory moved out or deleted is reported as its path (its
//! files are gone from the tree). Files with more than one link are watched
//! themselves: an edit through a link outside the tree reaches no directory watch.

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

/// What changed since the last poll.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Paths that changed (deduplicated, sorted); a directory stands for everything under it.
    pub paths: Vec<PathBuf>,
    /// The kernel's queue overflowed: events were lost, a full check is due.
    pub overflowed: bool,
}

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

    /// The inotify descriptor (readable when events are queued).
    pub fn fd(&self) -> std::os::fd::RawFd {
        self.fd.as_raw_fd()
    }

    /// Number of directories watched.
    pub fn watched(&self) -> usize {
        self.dirs.len()
    }

    fn add_watch(&mut self, path: &Path, mask: u32) {
        let Ok(c_path) = CString::new(path.as_os_str().as_bytes()) else { return };
        // SAFETY: `c_path` is a NUL-terminated string that outlives the call.
        let wd = unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), c_path.as_ptr(), mask) };
        if wd >= 0 {
            self.dirs.insert(wd, path.to_path_buf());
        }
    }

    /// Watches every directory under `root`; returns the other entries found (what the
    /// new directories already hold).
    fn watch_tree(&mut self, root: &Path) -> Vec<PathBuf> {
        let exclude = self.exclude.clone();
        let entries = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| !exclude.iter().any(|x| e.path().starts_with(x)))
            .flatten();
        let mut found = Vec::new();
        for entry in entries {
            if entry.file_type().is_dir() {
                self.add_watch(entry.path(), MASK);
            } else {
                found.push(entry.into_path());
            }
        }
        found
    }

    /// Also watches the file `path` itself (for a file with links outside the tree).
    pub fn watch_file(&mut self, path: &Path) {
        if self.dirs.values().any(|p| p == path) {
            return;
        }
        self.add_watch(path, libc::IN_MODIFY | libc::IN_ATTRIB | libc::IN_CLOSE_WRITE | libc::IN_DELETE_SELF);
    }

    /// Stops watching directories at or under `gone` (moved out of the tree).
    fn unwatch_tree(&mut self, gone: &Path) {
        let wds: Vec<i32> = self.dirs.iter().filter(|(_, p)| p.starts_with(gone)).map(|(wd, _)| *wd).collect();
        for wd in wds {
            // SAFETY: inotify_rm_watch on our descriptor; an already gone watch is an error, ignored.
            unsafe { libc::inotify_rm_watch(self.fd.as_raw_fd(), wd) };
            self.dirs.remove(&wd);
        }
    }

    /// What changed since the last poll.
    pub fn poll(&mut self) -> Changes {
        let mut changed = Vec::new();
        let mut overflowed = false;
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
                    overflowed = true;
                    continue;
                }
                let Some(dir) = self.dirs.get(&ev.wd) else { continue };
                let path = if name.is_empty() { dir.clone() } else { dir.join(std::ffi::OsStr::from_bytes(name)) };
                if ev.mask & libc::IN_ISDIR != 0 {
                    if ev.mask & (libc::IN_CREATE | libc::IN_MOVED_TO) != 0 {
                        // Moved in, or new: whatever it holds already was never seen.
                        let found = self.watch_tree(&path);
                        changed.extend(found);
                    } else if ev.mask & (libc::IN_MOVED_FROM | libc::IN_DELETE) != 0 {
                        self.unwatch_tree(&path);
                        changed.push(path);
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
        Changes { paths: changed, overflowed }
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
        assert_eq!(w.poll().paths, [dir.join("a")]);
        std::fs::write(dir.join("sub/b"), "3").unwrap();
        std::fs::remove_file(dir.join("a")).unwrap();
        assert_eq!(w.poll().paths, [dir.join("a"), dir.join("sub/b")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
