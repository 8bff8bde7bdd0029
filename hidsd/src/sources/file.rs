//! Following a log file across rotation (a new file at the path) and truncation,
//! with the read offset kept across restarts.

use crate::event::Event;
use crate::lines::{decode, LineStats, MAX_LINE};
use crate::trust::FileProof;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// Where reading stopped in a file: its inode and the offset after the last whole line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Inode of the file the offset belongs to.
    pub inode: u64,
    /// Byte offset after the last complete line processed.
    pub offset: u64,
}

/// A followed file.
pub struct Follower {
    path: PathBuf,
    file: Option<File>,
    position: Position,
    partial: Vec<u8>,
    proof: FileProof,
    /// Start at the end of the file found at the first open (no saved position).
    skip_history: bool,
    /// The path names something that is not a regular file (reported once).
    not_regular: bool,
    /// Line counters for this file.
    pub stats: LineStats,
    /// Times the file was rotated or truncated under us.
    pub reopened: u64,
}

impl Follower {
    /// Follows `path`, resuming at `saved` if it still names the same file; its lines
    /// are believed for the programs `proof` says.
    pub fn new(path: PathBuf, saved: Option<Position>, proof: FileProof) -> Self {
        Self {
            path,
            file: None,
            position: saved.unwrap_or_default(),
            partial: Vec::new(),
            proof,
            skip_history: false,
            not_regular: false,
            stats: LineStats::default(),
            reopened: 0,
        }
    }

    /// Skips what the file holds when it is first opened (when there is no saved
    /// position, or it names another file): only lines written later are read.
    pub fn skip_history(mut self) -> Self {
        self.skip_history = true;
        self
    }

    /// The path followed.
    pub fn path(&self) -> &PathBuf {
        &self.path
    }

    /// Position to save (only whole lines count as read).
    pub fn position(&self) -> Position {
        self.position
    }

    fn open(&mut self) -> std::io::Result<bool> {
        // Never a FIFO or device: opening one could block the daemon (crate::open).
        let mut file = match crate::open::regular(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                if !self.not_regular {
                    eprintln!("rampart-hidsd: {}: not a regular file, not read", self.path.display());
                }
                self.not_regular = true;
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        self.not_regular = false;
        let meta = file.metadata()?;
        if meta.ino() != self.position.inode || meta.len() < self.position.offset {
            let offset = if self.skip_history { meta.len() } else { 0 };
            self.position = Position { inode: meta.ino(), offset };
        }
        self.skip_history = false;
        file.seek(SeekFrom::Start(self.position.offset))?;
        self.partial.clear();
        self.file = Some(file);
        Ok(true)
    }

    /// Reads everything new, calling `f` per decoded event.
    pub fn poll(&mut self, year: i64, f: &mut dyn FnMut(Event)) -> std::io::Result<()> {
        if self.file.is_none() && !self.open()? {
            return Ok(());
        }
        self.drain(year, f)?;
        // Rotation: the path names another file now. Truncation: it shrank below us.
        let rotated = match std::fs::metadata(&self.path) {
            Ok(meta) => meta.ino() != self.position.inode || meta.len() < self.position.offset,
            Err(_) => false,
        };
        if rotated {
            self.reopened += 1;
            self.file = None;
            self.position = Position::default();
            if self.open()? {
                self.drain(year, f)?;
            }
        }
        Ok(())
    }

    fn drain(&mut self, year: i64, f: &mut dyn FnMut(Event)) -> std::io::Result<()> {
        let Some(file) = self.file.as_mut() else { return Ok(()) };
        let origin = self.path.display().to_string();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            let mut rest = &buf[..n];
            // A NUL ends a line too (see `crate::lines`); a run of them ends none.
            while let Some(i) = memchr::memchr2(b'\n', 0, rest) {
                let consumed = self.partial.len() + i + 1;
                if self.partial.len() <= MAX_LINE {
                    self.partial.extend_from_slice(&rest[..i.min(MAX_LINE + 1)]);
                }
                let nul = rest[i] == 0;
                self.stats.nul += u64::from(nul);
                if !(nul && self.partial.is_empty()) {
                    if let Some(event) = decode(&self.partial, &origin, year, &self.proof, &mut self.stats) {
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
