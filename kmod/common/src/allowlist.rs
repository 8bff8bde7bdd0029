//! Allowlists of executables, fixed size, no allocation.
//!
//! An entry is written as an absolute path but stands for the file the path named
//! when the list was written, resolved against the real root (not the writer's):
//! its device, inode number and generation. A program matches only if it *is* that
//! file, so a chroot holding another binary at the same path, a binary renamed or
//! bind-mounted over the path later, or a new file reusing the inode number gets
//! nothing. An upgraded program (a new file) needs the list written again.

use super::mode::trim;

/// Most allowlist entries.
pub const ALLOW_MAX: usize = 8;
/// Longest allowlisted path.
pub const ALLOW_PATH_MAX: usize = 256;

/// What a file is, whatever its name: the kernel's `struct rampart_file_id`
/// (`<rampart/core.h>`), field for field.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileId {
    /// The superblock's device (`s_dev`).
    pub dev: u64,
    /// The inode number.
    pub ino: u64,
    /// The inode generation (tells a reused inode number apart).
    pub generation: u32,
    /// 1 when the other fields describe a file; 0 for "no file" (matches nothing).
    pub present: u32,
}

const _: () = assert!(core::mem::size_of::<FileId>() == 24);
const _: () = assert!(core::mem::offset_of!(FileId, generation) == 16);
const _: () = assert!(core::mem::offset_of!(FileId, present) == 20);

/// Executables that may still do what a module refuses, by file identity.
#[derive(Clone)]
pub struct Allowlist {
    paths: [[u8; ALLOW_PATH_MAX]; ALLOW_MAX],
    lens: [usize; ALLOW_MAX],
    ids: [FileId; ALLOW_MAX],
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
    /// An entry that names no file (the resolver's negative errno).
    Unresolved(i32),
}

impl Default for Allowlist {
    fn default() -> Self {
        Self {
            paths: [[0; ALLOW_PATH_MAX]; ALLOW_MAX],
            lens: [0; ALLOW_MAX],
            ids: [FileId::default(); ALLOW_MAX],
            count: 0,
        }
    }
}

impl Allowlist {
    /// Parses a comma- or newline-separated list of absolute paths, each turned into
    /// the file it names by `resolve` (a negative errno when it names none); empty
    /// clears the list. A bad or unresolvable entry rejects the whole list.
    pub fn parse(
        text: &[u8],
        resolve: &mut dyn FnMut(&[u8]) -> Result<FileId, i32>,
    ) -> Result<Allowlist, AllowlistError> {
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
            let id = resolve(entry).map_err(AllowlistError::Unresolved)?;
            list.paths[list.count][..entry.len()].copy_from_slice(entry);
            list.lens[list.count] = entry.len();
            list.ids[list.count] = FileId { present: 1, ..id };
            list.count += 1;
        }
        Ok(list)
    }

    /// Whether the executable `exe` is one of the listed files.
    pub fn contains(&self, exe: &FileId) -> bool {
        exe.present != 0 && self.ids[..self.count.min(ALLOW_MAX)].iter().any(|id| id == exe)
    }

    /// The entries as written, in order.
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
pub(crate) mod tests {
    use super::*;

    /// A resolver over a fixed table: path -> inode number on device 8, generation 1.
    pub(crate) fn table<'a>(files: &'a [(&'a [u8], u64)]) -> impl FnMut(&[u8]) -> Result<FileId, i32> + 'a {
        move |path| {
            files
                .iter()
                .find(|(p, _)| *p == path)
                .map(|&(_, ino)| FileId { dev: 8, ino, generation: 1, present: 1 })
                .ok_or(-2)
        }
    }

    #[test]
    fn allowlist_rejects_bad_lists_whole() {
        let mut any = |_: &[u8]| Ok(FileId { dev: 1, ino: 1, generation: 0, present: 1 });
        assert_eq!(Allowlist::parse(b"/a,relative", &mut any).err(), Some(AllowlistError::NotAbsolute));
        let many = b"/1,/2,/3,/4,/5,/6,/7,/8,/9";
        assert_eq!(Allowlist::parse(many, &mut any).err(), Some(AllowlistError::TooMany));
        let mut long = [b'a'; ALLOW_PATH_MAX + 2];
        long[0] = b'/';
        assert_eq!(Allowlist::parse(&long, &mut any).err(), Some(AllowlistError::TooLong));
        assert!(Allowlist::parse(b"\n", &mut any).unwrap().is_empty());
        let mut files = table(&[(b"/usr/sbin/dmidecode", 42)]);
        assert_eq!(
            Allowlist::parse(b"/usr/sbin/dmidecode,/gone", &mut files).err(),
            Some(AllowlistError::Unresolved(-2))
        );
    }

    #[test]
    fn entries_are_files_not_names() {
        let mut files = table(&[(b"/usr/sbin/dmidecode", 42)]);
        let list = Allowlist::parse(b"/usr/sbin/dmidecode", &mut files).unwrap();
        let same = FileId { dev: 8, ino: 42, generation: 1, present: 1 };
        assert!(list.contains(&same));
        assert!(!list.contains(&FileId { ino: 43, ..same }), "another file at that path");
        assert!(!list.contains(&FileId { generation: 2, ..same }), "a reused inode number");
        assert!(!list.contains(&FileId { dev: 9, ..same }), "another filesystem");
        assert!(!list.contains(&FileId { present: 0, ..same }), "no executable");
        assert_eq!(list.entries().next(), Some(&b"/usr/sbin/dmidecode"[..]));
    }
}
