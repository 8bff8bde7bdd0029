//! Which file is which: a hash of a file's first bytes, kept with the read offset. An
//! inode alone does not say it (a deleted file's inode is reused by the next one; a
//! file emptied by copytruncate and written again keeps its inode but not its content),
//! so a saved offset is only used in a file that starts with the same bytes, and a
//! rotated copy is recognised by them.

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::os::unix::fs::FileExt;

/// Bytes of the start of a file that are hashed.
pub const LEN: usize = 256;

/// The hash of a file's first `len` bytes (`len` < [`LEN`] while the file is shorter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Bytes hashed (0: an empty file, which any file continues).
    pub len: u32,
    /// FNV-1a of those bytes.
    pub hash: u64,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Reads up to `len` bytes from the start of `file`.
fn head(file: &File, len: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        match file.read_at(&mut buf[filled..], filled as u64)? {
            0 => break,
            n => filled += n,
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

impl Fingerprint {
    /// The fingerprint of `file` as it is now.
    pub fn of(file: &File) -> std::io::Result<Self> {
        let bytes = head(file, LEN)?;
        Ok(Self { len: bytes.len() as u32, hash: fnv1a(&bytes) })
    }

    /// Whether `file` starts with the bytes this fingerprint was taken of.
    pub fn matches(&self, file: &File) -> std::io::Result<bool> {
        if self.len == 0 {
            return Ok(true);
        }
        let bytes = head(file, self.len as usize)?;
        Ok(bytes.len() == self.len as usize && fnv1a(&bytes) == self.hash)
    }

    /// Whether it covers all [`LEN`] bytes (a shorter one is taken again as the file grows).
    pub fn is_full(&self) -> bool {
        self.len as usize >= LEN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_start_same_file() {
        let dir = std::env::temp_dir().join(format!("hidsd-fp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        std::fs::write(&path, "first line\n").unwrap();
        let short = Fingerprint::of(&File::open(&path).unwrap()).unwrap();
        assert_eq!(short.len, 11);
        std::fs::write(&path, "first line\nsecond\n".repeat(20)).unwrap();
        let file = File::open(&path).unwrap();
        assert!(short.matches(&file).unwrap(), "a file that grew is the same file");
        let full = Fingerprint::of(&file).unwrap();
        assert!(full.is_full() && full.matches(&file).unwrap());
        std::fs::write(&path, "other line\n").unwrap();
        assert!(!short.matches(&File::open(&path).unwrap()).unwrap());
        assert!(Fingerprint::default().matches(&File::open(&path).unwrap()).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
