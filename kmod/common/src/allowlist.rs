//! Allowlists of executables (exact absolute paths), fixed size, no allocation.

use super::mode::trim;

/// Most allowlist entries.
pub const ALLOW_MAX: usize = 8;
/// Longest allowlisted path.
pub const ALLOW_PATH_MAX: usize = 256;

/// Executables that may still reach the memory devices (exact path match).
#[derive(Clone)]
pub struct Allowlist {
    paths: [[u8; ALLOW_PATH_MAX]; ALLOW_MAX],
    lens: [usize; ALLOW_MAX],
    count: usize,
}

/// Why an allowlist was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowlistError {
    /// More than [`ALLOW_MAX`] entries.
    TooMany,
    /// An entry longer than [`ALLOW_PATH_MAX`].
    TooLong,
    /// An entry that is not an absolute path.
    NotAbsolute,
}

impl Default for Allowlist {
    fn default() -> Self {
        Self { paths: [[0; ALLOW_PATH_MAX]; ALLOW_MAX], lens: [0; ALLOW_MAX], count: 0 }
    }
}

impl Allowlist {
    /// Parses a comma- or newline-separated list of absolute paths; empty clears it.
    /// A bad entry rejects the whole list.
    pub fn parse(text: &[u8]) -> Result<Allowlist, AllowlistError> {
        let mut list = Allowlist::default();
        for entry in text.split(|&b| b == b',' || b == b'\n').map(trim).filter(|e| !e.is_empty()) {
            if list.count == ALLOW_MAX {
                return Err(AllowlistError::TooMany);
            }
            if entry.len() > ALLOW_PATH_MAX {
                return Err(AllowlistError::TooLong);
            }
            if entry.first() != Some(&b'/') {
                return Err(AllowlistError::NotAbsolute);
            }
            list.paths[list.count][..entry.len()].copy_from_slice(entry);
            list.lens[list.count] = entry.len();
            list.count += 1;
        }
        Ok(list)
    }

    /// Whether `exe` is on the list.
    pub fn contains(&self, exe: &[u8]) -> bool {
        self.entries().any(|p| p == exe)
    }

    /// The entries, in order.
    pub fn entries(&self) -> impl Iterator<Item = &[u8]> {
        self.paths.iter().zip(self.lens.iter()).take(self.count).map(|(p, &n)| &p[..n.min(ALLOW_PATH_MAX)])
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_rejects_bad_lists_whole() {
        assert_eq!(Allowlist::parse(b"/a,relative").err(), Some(AllowlistError::NotAbsolute));
        let many = b"/1,/2,/3,/4,/5,/6,/7,/8,/9";
        assert_eq!(Allowlist::parse(many).err(), Some(AllowlistError::TooMany));
        let mut long = [b'a'; ALLOW_PATH_MAX + 2];
        long[0] = b'/';
        assert_eq!(Allowlist::parse(&long).err(), Some(AllowlistError::TooLong));
        assert!(Allowlist::parse(b"\n").unwrap().is_empty());
    }
}
