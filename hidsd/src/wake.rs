//! Waiting for input instead of sleeping between passes: the daemon's loop blocks in
//! `poll(2)` on everything that can say "there is something to read": an inotify
//! instance on the directories of the followed log files (a write, a rotation, a new
//! file), the kernel log, the rampart event channel, the integrity watches, and a
//! self-pipe that signals and the journal reader write to. An attack is read within
//! milliseconds, and an idle daemon wakes only for its periodic work.

use std::collections::BTreeSet;
use std::ffi::CString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What wakes the loop.
pub struct Wake {
    pipe_read: File,
    pipe_write: Arc<File>,
    inotify: OwnedFd,
    watched: BTreeSet<PathBuf>,
}

/// A handle that wakes the loop (for the journal reader thread).
#[derive(Clone)]
pub struct Notifier(Arc<File>);

impl Notifier {
    /// Wakes the loop (a full pipe already will).
    pub fn notify(&self) {
        let _ = (&*self.0).write(&[1]);
    }
}

fn check(ret: i32) -> std::io::Result<i32> {
    if ret < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Drains a non-blocking descriptor.
fn drain(mut file: impl Read) {
    let mut buf = [0u8; 4096];
    while matches!(file.read(&mut buf), Ok(n) if n > 0) {}
}

impl Wake {
    /// A self-pipe and an inotify instance, both non-blocking.
    pub fn new() -> std::io::Result<Self> {
        let mut fds = [0; 2];
        // SAFETY: pipe2 writes two descriptors into the array it is given.
        check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) })?;
        // SAFETY: both descriptors are new and owned from here on.
        let (pipe_read, pipe_write) = unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) };
        // SAFETY: inotify_init1 has no memory arguments.
        let fd = check(unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) })?;
        // SAFETY: a new descriptor, owned from here on.
        let inotify = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Self { pipe_read, pipe_write: Arc::new(pipe_write), inotify, watched: BTreeSet::new() })
    }

    /// A handle that wakes the loop.
    pub fn notifier(&self) -> Notifier {
        Notifier(Arc::clone(&self.pipe_write))
    }

    /// Makes `signal` wake the loop.
    pub fn on_signal(&self, signal: i32) -> std::io::Result<()> {
        signal_hook::low_level::pipe::register_raw(signal, self.pipe_write.as_raw_fd()).map(drop)
    }

    /// Wakes on changes in the directories of `files` (those that exist; a missing one
    /// is looked for at every periodic wake-up).
    pub fn watch_files(&mut self, files: &[PathBuf]) {
        const MASK: u32 = libc::IN_MODIFY
            | libc::IN_CLOSE_WRITE
            | libc::IN_CREATE
            | libc::IN_MOVED_TO
            | libc::IN_MOVED_FROM
            | libc::IN_DELETE
            | libc::IN_ATTRIB;
        for dir in files.iter().filter_map(|f| f.parent()).map(Path::to_path_buf) {
            if self.watched.contains(&dir) {
                continue;
            }
            let Ok(c_dir) = CString::new(dir.as_os_str().as_bytes()) else { continue };
            // SAFETY: `c_dir` is a NUL-terminated string that outlives the call.
            let wd = unsafe { libc::inotify_add_watch(self.inotify.as_raw_fd(), c_dir.as_ptr(), MASK) };
            if wd >= 0 {
                self.watched.insert(dir);
            }
        }
    }

    /// Whether every directory of `files` is watched.
    pub fn watches_all(&self, files: &[PathBuf]) -> bool {
        files.iter().filter_map(|f| f.parent()).all(|d| self.watched.contains(d))
    }

    /// Blocks until one of our descriptors or `extra` is readable, or `timeout`;
    /// returns whether something woke it (false: the timeout).
    pub fn wait(&mut self, extra: &[RawFd], timeout: Duration) -> bool {
        let mut fds: Vec<libc::pollfd> = [self.pipe_read.as_raw_fd(), self.inotify.as_raw_fd()]
            .iter()
            .chain(extra)
            .map(|&fd| libc::pollfd { fd, events: libc::POLLIN, revents: 0 })
            .collect();
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: `fds` is a live array of `fds.len()` pollfd structures.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        drain(&self.pipe_read);
        // SAFETY: the inotify descriptor is owned by `self` and stays open while the
        // borrowed File exists; ManuallyDrop keeps it from being closed.
        let inotify = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(self.inotify.as_raw_fd()) });
        drain(&*inotify);
        n > 0
    }
}

/// Whether reads of `file` can be waited for with poll: the rampart channel (securityfs)
/// can; a regular file on disk always polls readable and cannot.
pub fn pollable(file: &File) -> bool {
    const SECURITYFS_MAGIC: i64 = 0x7363_6673;
    // SAFETY: an all-zero statfs is a valid value for fstatfs to fill in.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: fstatfs on an open descriptor, writing to a live local.
    let ok = unsafe { libc::fstatfs(file.as_raw_fd(), &mut fs) } == 0;
    let is_file = file.metadata().is_ok_and(|m| m.is_file());
    ok && (!is_file || fs.f_type as i64 == SECURITYFS_MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn wakes_on_writes_notifications_and_times_out() {
        let dir = std::env::temp_dir().join(format!("hidsd-wake-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("auth.log");
        let mut wake = Wake::new().unwrap();
        wake.watch_files(std::slice::from_ref(&log));
        assert!(wake.watches_all(std::slice::from_ref(&log)));
        let started = Instant::now();
        assert!(!wake.wait(&[], Duration::from_millis(50)));
        assert!(started.elapsed() >= Duration::from_millis(50));
        std::fs::write(&log, "x\n").unwrap();
        assert!(wake.wait(&[], Duration::from_secs(5)));
        let notifier = wake.notifier();
        std::thread::spawn(move || notifier.notify());
        let started = Instant::now();
        assert!(wake.wait(&[], Duration::from_secs(5)));
        assert!(started.elapsed() < Duration::from_secs(1));
        // Drained: nothing left to wake on.
        assert!(!wake.wait(&[], Duration::from_millis(10)));
        assert!(!pollable(&File::open(&log).unwrap()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
