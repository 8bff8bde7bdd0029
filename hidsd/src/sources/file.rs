//! Following a log file across rotation and truncation, with the read offset kept
//! across restarts.
//!
//! A file is known by its inode and a fingerprint of its first bytes
//! ([`super::fingerprint`]): a saved offset is used only in the same file, so a file
//! replaced while the daemon was stopped (even in a reused inode) is read from its
//! start. Rotation by rename: the renamed file stays open and is read until it has been
//! idle for [`DRAIN_IDLE`] (a writer that reopens late still writes there), while the
//! new file is followed. Truncation (copytruncate), even when the file has grown past
//! the old offset again before the next look: the start no longer matches; the lines
//! written between the last read and the truncation are read from the rotated copy
//! (a sibling `NAME.1`, `NAME-DATE`, ... with the same fingerprint), then the file from
//! its start.

use super::fingerprint::Fingerprint;
use crate::event::Event;
use crate::lines::{decode, LineStats, MAX_LINE};
use crate::trust::FileProof;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a rotated file is still read after its last new line.
pub const DRAIN_IDLE: Duration = Duration::from_secs(5);

/// Where reading stopped in a file: which file, and the offset after the last whole line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Inode of the file the offset belongs to.
    pub inode: u64,
    /// Byte offset after the last complete line processed.
    pub offset: u64,
    /// The file's first bytes (absent in offsets saved by older versions: any file).
    #[serde(default)]
    pub fingerprint: Fingerprint,
}

/// One open file being read.
struct Reader {
    file: File,
    position: Position,
    /// An unfinished last line (at most `MAX_LINE + 1` bytes of it).
    partial: Vec<u8>,
    /// When it last gave a line (for rotated files being drained).
    last_read: Instant,
}

impl Reader {
    fn new(mut file: File, position: Position) -> std::io::Result<Self> {
        file.seek(SeekFrom::Start(position.offset))?;
        Ok(Self { file, position, partial: Vec::new(), last_read: Instant::now() })
    }

    /// Reads everything new; returns whether anything was.
    fn drain(
        &mut self,
        origin: &str,
        year: i64,
        proof: &FileProof,
        stats: &mut LineStats,
        f: &mut dyn FnMut(Event),
    ) -> std::io::Result<bool> {
        let mut buf = vec![0u8; 1 << 16];
        let mut any = false;
        loop {
            let n = self.file.read(&mut buf)?;
            if n == 0 {
                if any {
                    self.last_read = Instant::now();
                }
                return Ok(any);
            }
            any = true;
            let mut rest = &buf[..n];
            // A NUL ends a line too (see `crate::lines`); a run of them ends none.
            while let Some(i) = memchr::memchr2(b'\n', 0, rest) {
                let consumed = self.partial.len() + i + 1;
                if self.partial.len() <= MAX_LINE {
                    self.partial.extend_from_slice(&rest[..i.min(MAX_LINE + 1)]);
                }
                let nul = rest[i] == 0;
                stats.nul += u64::from(nul);
                if !(nul && self.partial.is_empty()) {
                    if let Some(mut event) = decode(&self.partial, origin, year, proof, stats) {
                        event.record = Some(format!("{}:{}", self.position.inode, self.position.offset));
                        f(event);
                    }
                }
                self.partial.clear();
                self.position.offset += consumed as u64;
                rest = &rest[i + 1..];
            }
            // Keep at most MAX_LINE + 1 bytes of an unfinished line; the excess is
            // still consumed when its newline arrives (`consumed` counts it).
            let room = (MAX_LINE + 1).saturating_sub(self.partial.len());
            let keep = rest.len().min(room);
            self.partial.extend_from_slice(&rest[..keep]);
            self.position.offset += (rest.len() - keep) as u64;
        }
    }

    /// Takes the fingerprint again while it is shorter than the file's start.
    fn refresh_fingerprint(&mut self) -> std::io::Result<()> {
        if !self.position.fingerprint.is_full() {
            self.position.fingerprint = Fingerprint::of(&self.file)?;
        }
        Ok(())
    }
}

/// A followed file.
pub struct Follower {
    path: PathBuf,
    current: Option<Reader>,
    /// Rotated files still read until idle.
    draining: Vec<Reader>,
    /// Where to resume when the file is opened next.
    saved: Position,
    proof: FileProof,
    /// Start at the end of the file found at the first open (no saved position).
    skip_history: bool,
    /// The path names something that is not a regular file (reported once).
    not_regular: bool,
    /// Line counters for this file.
    pub stats: LineStats,
    /// Times the file was rotated or truncated under us.
    pub reopened: u64,
    /// Lines recovered from a rotated copy after a truncation.
    pub recovered_from_copy: u64,
}

/// The open file at `path`, if it is a regular file (reported once when it is not).
fn open_regular(path: &Path, not_regular: &mut bool) -> std::io::Result<Option<File>> {
    // Never a FIFO or device: opening one could block the daemon (crate::open).
    match crate::open::regular(path) {
        Ok(f) => {
            *not_regular = false;
            Ok(Some(f))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            if !*not_regular {
                eprintln!("rampart-hidsd: {}: not a regular file, not read", path.display());
            }
            *not_regular = true;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// A rotated copy of `path` (a sibling `NAME.1`, `NAME-20261201`, ... not compressed)
/// that starts like `position` and holds at least its offset; the newest if several.
fn rotated_copy(path: &Path, position: &Position) -> Option<File> {
    let dir = path.parent()?;
    let name = path.file_name()?.to_str()?;
    let mut best: Option<(std::time::SystemTime, File)> = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let file_name = entry.file_name();
        let Some(other) = file_name.to_str() else { continue };
        let Some(suffix) = other.strip_prefix(name) else { continue };
        if !(suffix.starts_with('.') || suffix.starts_with('-'))
            || [".gz", ".xz", ".bz2", ".zst", ".lz4"].iter().any(|z| suffix.ends_with(z))
        {
            continue;
        }
        let Ok(file) = crate::open::regular(&entry.path()) else { continue };
        let Ok(meta) = file.metadata() else { continue };
        if meta.len() < position.offset || !position.fingerprint.matches(&file).unwrap_or(false) {
            continue;
        }
        let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
        if best.as_ref().is_none_or(|(t, _)| modified > *t) {
            best = Some((modified, file));
        }
    }
    best.map(|(_, f)| f)
}

impl Follower {
    /// Follows `path`, resuming at `saved` if it still names the same file; its lines
    /// are believed for the programs `proof` says.
    pub fn new(path: PathBuf, saved: Option<Position>, proof: FileProof) -> Self {
        Self {
            path,
            current: None,
            draining: Vec::new(),
            saved: saved.unwrap_or_default(),
            proof,
            skip_history: false,
            not_regular: false,
            stats: LineStats::default(),
            reopened: 0,
            recovered_from_copy: 0,
        }
    }

    /// Skips what the file holds when it is first opened (when there is no saved
    /// position, or it names another file): only lines written later are read.
    pub fn skip_history(mut self) -> Self {
        self.skip_history = true;
        self
    }

    /// Whether a rotated file is still being read (it cannot be waited for: its
    /// directory may be another, and it is dropped after being idle).
    pub fn is_draining(&self) -> bool {
        !self.draining.is_empty()
    }

    /// The path followed.
    pub fn path(&self) -> &PathBuf {
        &self.path
    }

    /// Position to save (only whole lines count as read).
    pub fn position(&self) -> Position {
        self.current.as_ref().map_or(self.saved, |r| r.position)
    }

    /// Reads what a rotated copy of the file holds after `position` (lines written
    /// before a rotation the follower had not read yet).
    fn recover(&mut self, position: Position, year: i64, f: &mut dyn FnMut(Event)) -> std::io::Result<()> {
        if position.offset == 0 {
            return Ok(());
        }
        let Some(copy) = rotated_copy(&self.path, &position) else { return Ok(()) };
        let before = self.stats.lines;
        let origin = self.path.display().to_string();
        Reader::new(copy, position)?.drain(&origin, year, &self.proof, &mut self.stats, f)?;
        self.recovered_from_copy += self.stats.lines - before;
        Ok(())
    }

    /// Opens the file at the path, resuming at the saved position when it is the same file.
    fn open(&mut self, year: i64, f: &mut dyn FnMut(Event)) -> std::io::Result<bool> {
        let Some(file) = open_regular(&self.path, &mut self.not_regular)? else { return Ok(false) };
        let meta = file.metadata()?;
        let saved = self.saved;
        let same = meta.ino() == saved.inode && meta.len() >= saved.offset && saved.fingerprint.matches(&file)?;
        let position = if same {
            saved
        } else {
            // The saved file was rotated while the daemon was stopped: finish it first.
            if saved.inode != 0 {
                self.recover(saved, year, f)?;
            }
            let offset = if self.skip_history { meta.len() } else { 0 };
            Position { inode: meta.ino(), offset, fingerprint: Fingerprint::default() }
        };
        self.skip_history = false;
        let mut reader = Reader::new(file, position)?;
        reader.refresh_fingerprint()?;
        self.current = Some(reader);
        Ok(true)
    }

    /// Reads everything new, calling `f` per decoded event.
    pub fn poll(&mut self, year: i64, f: &mut dyn FnMut(Event)) -> std::io::Result<()> {
        let origin = self.path.display().to_string();
        // Rotated files first: their lines are older than the new file's.
        for reader in &mut self.draining {
            reader.drain(&origin, year, &self.proof, &mut self.stats, f)?;
        }
        self.draining.retain(|r| r.last_read.elapsed() < DRAIN_IDLE);
        if self.current.is_none() && !self.open(year, f)? {
            return Ok(());
        }
        // Before reading on: is it still the same file at the same place?
        let renamed = match std::fs::metadata(&self.path) {
            Ok(meta) => self.current.as_ref().is_some_and(|r| meta.ino() != r.position.inode),
            Err(_) => false,
        };
        if renamed {
            // Rename: the old file is drained until idle, the new one read from its start.
            self.reopened += 1;
            if let Some(mut old) = self.current.take() {
                old.drain(&origin, year, &self.proof, &mut self.stats, f)?;
                old.last_read = Instant::now();
                self.draining.push(old);
            }
            self.saved = Position::default();
            if !self.open(year, f)? {
                return Ok(());
            }
        } else if let Some(reader) = self.current.as_ref() {
            let len = reader.file.metadata()?.len();
            let truncated = len < reader.position.offset || !reader.position.fingerprint.matches(&reader.file)?;
            if truncated {
                // copytruncate: what was written before the truncation is in the copy.
                self.reopened += 1;
                let position = reader.position;
                self.current = None;
                self.recover(position, year, f)?;
                self.saved = Position::default();
                if !self.open(year, f)? {
                    return Ok(());
                }
            }
        }
        if let Some(reader) = self.current.as_mut() {
            reader.drain(&origin, year, &self.proof, &mut self.stats, f)?;
            reader.refresh_fingerprint()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(f: &mut Follower) -> Vec<String> {
        let mut out = Vec::new();
        f.poll(2026, &mut |e| out.push(e.message)).unwrap();
        out
    }

    fn line(n: u32) -> String {
        format!("Nov 28 02:00:{:02} h sshd[1]: message {n}\n", n % 60)
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hidsd-follow-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn append(path: &std::path::Path, from: u32, to: u32) {
        let text: String = (from..=to).map(line).collect();
        std::fs::OpenOptions::new().append(true).create(true).open(path).unwrap().write_all(text.as_bytes()).unwrap();
    }

    fn messages(from: u32, to: u32) -> Vec<String> {
        (from..=to).map(|n| format!("message {n}")).collect()
    }

    /// Runs the real logrotate on `path` with `directive` (`copytruncate`, `create`).
    fn logrotate(dir: &std::path::Path, path: &std::path::Path, directive: &str) -> bool {
        if !std::path::Path::new("/usr/sbin/logrotate").exists() {
            eprintln!("skipped: needs logrotate");
            return false;
        }
        let conf = dir.join("logrotate.conf");
        std::fs::write(&conf, format!("{} {{\n  rotate 2\n  {directive}\n  missingok\n}}\n", path.display())).unwrap();
        let status = std::process::Command::new("/usr/sbin/logrotate")
            .arg("-f")
            .arg("-s")
            .arg(dir.join("logrotate.state"))
            .arg(&conf)
            .status()
            .unwrap();
        assert!(status.success());
        true
    }

    #[test]
    fn copytruncate_regrown_past_the_offset_loses_nothing() {
        let dir = scratch("copytruncate");
        let path = dir.join("auth.log");
        append(&path, 1, 3);
        let mut f = Follower::new(path.clone(), None, FileProof::everything());
        assert_eq!(collect(&mut f), messages(1, 3));
        // Written just before the rotation, not read yet: only the copy keeps them.
        append(&path, 4, 5);
        if !logrotate(&dir, &path, "copytruncate") {
            return;
        }
        // The writer (O_APPEND) goes on at the start of the emptied file, past the old
        // offset before the next poll.
        append(&path, 6, 20);
        assert_eq!(collect(&mut f), messages(4, 20));
        assert_eq!(f.reopened, 1);
        append(&path, 21, 21);
        assert_eq!(collect(&mut f), messages(21, 21));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_renamed_file_is_drained_while_its_writer_still_writes() {
        let dir = scratch("rename");
        let path = dir.join("auth.log");
        append(&path, 1, 2);
        let mut f = Follower::new(path.clone(), None, FileProof::everything());
        assert_eq!(collect(&mut f), messages(1, 2));
        // The writer holds the old file open and reopens only later.
        let mut writer = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        if !logrotate(&dir, &path, "create") {
            return;
        }
        assert!(collect(&mut f).is_empty());
        writer.write_all(line(3).as_bytes()).unwrap();
        assert_eq!(collect(&mut f), messages(3, 3), "line written to the renamed file");
        append(&path, 4, 4);
        writer.write_all(line(5).as_bytes()).unwrap();
        assert_eq!(collect(&mut f), ["message 5", "message 4"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_rotation_while_stopped_is_finished_from_the_rotated_file() {
        let dir = scratch("stopped");
        let path = dir.join("auth.log");
        append(&path, 1, 2);
        let mut f = Follower::new(path.clone(), None, FileProof::everything());
        assert_eq!(collect(&mut f), messages(1, 2));
        let saved = f.position();
        drop(f);
        // While the daemon is stopped: more lines, then the rotation.
        append(&path, 3, 4);
        std::fs::rename(&path, dir.join("auth.log.1")).unwrap();
        append(&path, 5, 6);
        let mut g = Follower::new(path.clone(), Some(saved), FileProof::everything());
        assert_eq!(collect(&mut g), messages(3, 6));
        assert_eq!(g.recovered_from_copy, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_new_file_in_the_old_inode_is_read_from_its_start() {
        let dir = scratch("inode");
        let path = dir.join("auth.log");
        append(&path, 1, 2);
        let mut f = Follower::new(path.clone(), None, FileProof::everything());
        assert_eq!(collect(&mut f), messages(1, 2));
        let saved = f.position();
        // While the daemon is stopped the file is replaced by one that reuses the inode
        // (here: the same inode rewritten), longer than the saved offset.
        let text: String = (10..=14).map(line).collect();
        std::fs::write(&path, text).unwrap();
        let mut g = Follower::new(path.clone(), Some(saved), FileProof::everything());
        assert_eq!(collect(&mut g), messages(10, 14));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_run_of_nuls_does_not_swallow_the_next_line() {
        let dir = std::env::temp_dir().join(format!("hidsd-nul-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("auth.log");
        // An unclean shutdown leaves NULs where the last writes were; the writer then
        // appends after them, with no newline in between.
        let mut text = line(1).into_bytes();
        text.extend(std::iter::repeat_n(0u8, 4096));
        text.extend(line(2).into_bytes());
        text.extend_from_slice(b"Nov 28 02:00:03 h sshd[1]: cut off by the cra");
        text.extend(std::iter::repeat_n(0u8, MAX_LINE * 3));
        text.extend(line(4).into_bytes());
        std::fs::write(&path, &text).unwrap();
        let mut f = Follower::new(path.clone(), None, FileProof::everything());
        assert_eq!(collect(&mut f), ["message 1", "message 2", "cut off by the cra", "message 4"]);
        assert_eq!(f.position().offset, text.len() as u64);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn follows_appends_rotation_truncation_and_restarts() {
        let dir = std::env::temp_dir().join(format!("hidsd-follow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("auth.log");
        std::fs::write(&path, line(1) + &line(2)).unwrap();
        let mut f = Follower::new(path.clone(), None, FileProof::everything());
        assert_eq!(collect(&mut f), ["message 1", "message 2"]);

        // A line written in two pieces is read once, whole.
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"Nov 28 02:00:03 h sshd[1]: mess").unwrap();
        assert!(collect(&mut f).is_empty());
        file.write_all(b"age 3\n").unwrap();
        assert_eq!(collect(&mut f), ["message 3"]);

        // Restart: resume from the saved position, nothing read twice.
        let saved = f.position();
        file.write_all(line(4).as_bytes()).unwrap();
        let mut g = Follower::new(path.clone(), Some(saved), FileProof::everything());
        assert_eq!(collect(&mut g), ["message 4"]);

        // Rotation: the old file is drained, then the new one read from its start.
        file.write_all(line(5).as_bytes()).unwrap();
        std::fs::rename(&path, dir.join("auth.log.1")).unwrap();
        std::fs::write(&path, line(6)).unwrap();
        assert_eq!(collect(&mut g), ["message 5", "message 6"]);
        assert_eq!(g.reopened, 1);

        // Truncation (copytruncate): start over at 0. (Truncation is seen as the file
        // shrinking below the offset; one refilled past it between two polls is not.)
        std::fs::write(&path, "Nov 28 02:00:07 h sshd[1]: m7\n").unwrap();
        assert_eq!(collect(&mut g), ["m7"]);
        assert_eq!(g.reopened, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
