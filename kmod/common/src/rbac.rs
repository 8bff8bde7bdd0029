//! RBAC: the compiled policy the kernel loads, its validation, and the decisions made
//! from it. Userspace (`rampart-policy`) compiles the text policy into this format; the
//! kernel module validates every byte it receives with [`Policy::parse`] before it
//! replaces the policy in force, and the hooks look things up with the same code.
//!
//! Objects and subjects are identified the way the kernel sees files, not by how a
//! path is spelled: by device, inode and generation (a directory covers everything below it, a
//! file every name it has), and, for files, also by the directory inode and name they
//! were found under (so a file replaced by rename, as `passwd` does with `/etc/shadow`,
//! keeps its rule). The kernel walks from the accessed file up through its parent
//! directories (and mount points) and the first entry found decides; `..`, symlinks,
//! bind mounts, hard links and passed descriptors all resolve to the same inodes.
//!
//! Layout (little endian): a [`HEADER_LEN`]-byte header, then the role table, the
//! subject table, the entry table and the string table, each packed.

use crate::mode::Mode;

/// First bytes of a compiled policy.
pub const MAGIC: [u8; 4] = *b"RBAC";
/// Format version this code reads.
pub const VERSION: u32 = 2;
/// Largest compiled policy accepted.
pub const MAX_POLICY_BYTES: usize = 4 << 20;
/// Longest path (as the kernel's PATH_MAX, with its NUL).
pub const PATH_MAX: usize = 4096;
/// Longest file name.
pub const NAME_MAX: usize = 255;

/// Header size.
pub const HEADER_LEN: usize = 32;
/// Role record size.
pub const ROLE_LEN: usize = 16;
/// Subject record size.
pub const SUBJECT_LEN: usize = 40;
/// Entry record size.
pub const ENTRY_LEN: usize = 48;

/// Header flag: learn everything (full-system learning).
pub const POLICY_LEARN_ALL: u32 = 1;
/// Role or subject flag: learning (nothing denied, everything reported).
pub const LEARN: u32 = 1;

/// Access modes of an object (bits).
pub mod access {
    /// Read (open for reading, list a directory).
    pub const READ: u32 = 1;
    /// Write (open for writing, truncate).
    pub const WRITE: u32 = 2;
    /// Append (open for writing with O_APPEND); implied by write.
    pub const APPEND: u32 = 4;
    /// Create files, directories, links below (or as) this object.
    pub const CREATE: u32 = 8;
    /// Delete or rename away.
    pub const DELETE: u32 = 16;
    /// Execute.
    pub const EXEC: u32 = 32;
    /// Hidden: as if it did not exist (ENOENT), even to stat.
    pub const HIDDEN: u32 = 64;
    /// Report every access that is allowed (an `audit` event).
    pub const AUDIT: u32 = 128;
    /// Make the object setuid or setgid (chmod, or create it so); changing mode or
    /// owner otherwise needs [`WRITE`].
    pub const META: u32 = 256;
    /// Every defined bit.
    pub const ALL: u32 = 511;
    /// The letters of the text policy, in bit order.
    pub const LETTERS: [(u32, char); 9] = [
        (READ, 'r'),
        (WRITE, 'w'),
        (APPEND, 'a'),
        (CREATE, 'c'),
        (DELETE, 'd'),
        (EXEC, 'x'),
        (HIDDEN, 'h'),
        (AUDIT, 'A'),
        (META, 'm'),
    ];
}

/// Entry kinds.
pub mod kind {
    /// Matches the inode `(dev, key_ino)` itself.
    pub const INODE: u32 = 1;
    /// Matches the name `name` in the directory inode `(dev, key_ino)`.
    pub const NAME: u32 = 2;
}

/// Role kinds.
/// [`Entry::flags`]: the entry's `generation` is the inode's (or, for a name, its
/// directory's) generation, which must match too (a file system without
/// generations leaves it unset: the inode number alone decides).
pub const ENTRY_GENERATION: u32 = 1;

pub mod role_kind {
    /// The role of everyone without a user or group role.
    pub const DEFAULT: u8 = 0;
    /// A user's role (`id` is the uid).
    pub const USER: u8 = 1;
    /// A group's role (`id` is the gid).
    pub const GROUP: u8 = 2;
}

/// Highest capability number (CAP_CHECKPOINT_RESTORE in Linux 6.12).
pub const CAP_LAST: u32 = 40;

/// Subject capability bit past the kernel's capabilities: tracing (`ptrace` attach, or
/// exec while traced into another subject) tasks of other subjects, the subject's
/// `ptrace` option. Asked about like a capability, with this number.
pub const CAP_PTRACE_OTHER: u32 = 63;
/// Every capability bit a compiled subject may hold.
pub const SUBJECT_CAPS: u64 = ((1u64 << (CAP_LAST + 1)) - 1) | (1u64 << CAP_PTRACE_OTHER);

/// Why a compiled policy was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyError {
    /// Larger than [`MAX_POLICY_BYTES`].
    TooLarge,
    /// Not a compiled policy (magic) or shorter than its header.
    NotAPolicy,
    /// A format version this kernel does not read.
    Version,
    /// The tables do not add up to the length received.
    Length,
    /// A record refers outside its table, or a string outside the string table.
    Range,
    /// A string is not UTF-8, or a path/name is too long or malformed.
    Text,
    /// Unknown bits, kinds or flags.
    Unknown,
    /// Entries of a table range are not sorted (lookups rely on the order).
    Order,
    /// Not exactly one default role, a role without subjects, a subject whose
    /// parent does not come before it, or a role without a `/` subject.
    Structure,
    /// Entry ranges that overlap or are out of order (each role's subject keys,
    /// then each subject's objects, must follow one another), so validating a
    /// policy costs at most one look at each entry.
    Overlap,
}

impl PolicyError {
    /// A message for the admin.
    pub fn message(self) -> &'static str {
        match self {
            PolicyError::TooLarge => "policy larger than 4 MiB",
            PolicyError::NotAPolicy => "not a compiled rampart policy",
            PolicyError::Version => "compiled for another policy format version",
            PolicyError::Length => "table sizes do not match the length written",
            PolicyError::Range => "a record points outside its table",
            PolicyError::Text => "a path or name is not UTF-8, too long, or malformed",
            PolicyError::Unknown => "unknown mode bits, kinds or flags",
            PolicyError::Order => "entries are not sorted",
            PolicyError::Structure => "roles or subjects malformed (one default role; each role needs subject /)",
            PolicyError::Overlap => "entry ranges overlap or are out of order",
        }
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    if let Some(src) = bytes.get(at..at + 4) {
        b.copy_from_slice(src);
    }
    u32::from_le_bytes(b)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    if let Some(src) = bytes.get(at..at + 8) {
        b.copy_from_slice(src);
    }
    u64::from_le_bytes(b)
}

/// A role record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    /// [`role_kind`].
    pub kind: u8,
    /// [`LEARN`] or 0.
    pub flags: u32,
    /// uid or gid.
    pub id: u32,
    /// First subject-key entry.
    pub keys_start: u32,
    /// Number of subject-key entries.
    pub keys_len: u32,
}

/// A subject record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// Capabilities allowed (bit n: capability n).
    pub caps: u64,
    /// Parent subject index, or `u32::MAX`.
    pub parent: u32,
    /// [`LEARN`] or 0.
    pub flags: u32,
    /// First object entry.
    pub objects_start: u32,
    /// Number of object entries.
    pub objects_len: u32,
    /// Path string (offset into the string table).
    pub path_off: u32,
    /// Path length.
    pub path_len: u32,
    /// Role index.
    pub role: u32,
}

/// An entry: an object of a subject, or a subject key of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Inode number ([`kind::INODE`]) or directory inode number ([`kind::NAME`]).
    pub key_ino: u64,
    /// Object: access bits. Subject key: subject index.
    pub value: u64,
    /// Device (kernel encoding: major << 20 | minor).
    pub dev: u32,
    /// [`kind`].
    pub kind: u32,
    /// Name ([`kind::NAME`]): offset into the string table.
    pub name_off: u32,
    /// Name length (0 for [`kind::INODE`]).
    pub name_len: u32,
    /// Path as written in the policy (for reports).
    pub path_off: u32,
    /// Path length.
    pub path_len: u32,
    /// The inode's generation ([`kind::INODE`]) or its directory's ([`kind::NAME`]),
    /// when [`ENTRY_GENERATION`] is set: a reused inode number is another file.
    pub generation: u32,
    /// [`ENTRY_GENERATION`] or 0.
    pub flags: u32,
}

impl Entry {
    fn sort_key(&self) -> (u32, u32, u64) {
        (self.kind, self.dev, self.key_ino)
    }
}

/// An inode as a walk sees it: its number and, when the caller knows it, its
/// generation (None matches an entry of any generation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ident {
    /// Inode number.
    pub ino: u64,
    /// `i_generation`, if known.
    pub generation: Option<u32>,
}

impl Ident {
    /// An inode whose generation is known.
    pub fn new(ino: u64, generation: u32) -> Ident {
        Ident { ino, generation: Some(generation) }
    }
}

/// One level of the walk from an accessed file up to the root: the inode there (if
/// the file exists yet) and the name it has in its parent directory.
#[derive(Debug, Clone, Copy)]
pub struct Level<'a> {
    /// Device of the filesystem (kernel encoding).
    pub dev: u32,
    /// The inode, if there is one (a file being created has none).
    pub ino: Option<Ident>,
    /// The parent directory's inode, if there is a parent on this filesystem.
    pub parent: Option<Ident>,
    /// Name in the parent directory.
    pub name: &'a [u8],
}

/// A sorted range of entry records (a role's subject keys or a subject's objects) and
/// the string table their names point into: what a walk matches each level against.
/// Only sort keys are read during the search; the kernel keeps one of these per check
/// so a level costs a binary search and nothing else.
#[derive(Debug, Clone, Copy)]
pub struct EntryRange<'a> {
    records: &'a [u8],
    strings: &'a [u8],
}

impl<'a> EntryRange<'a> {
    /// `records`: whole entry records, sorted by kind, device and inode.
    pub fn new(records: &'a [u8], strings: &'a [u8]) -> EntryRange<'a> {
        EntryRange { records, strings }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len() / ENTRY_LEN
    }

    /// Whether the range is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where its records start (the kernel hands ranges to its walks as pointers).
    pub fn as_ptr(&self) -> *const u8 {
        self.records.as_ptr()
    }

    fn record(&self, i: usize) -> Option<&'a [u8]> {
        let at = i.checked_mul(ENTRY_LEN)?;
        self.records.get(at..at.checked_add(ENTRY_LEN)?)
    }

    fn key(&self, i: usize) -> Option<(u32, u32, u64)> {
        let rec = self.record(i)?;
        Some((u32_at(rec, 20), u32_at(rec, 16), u64_at(rec, 0)))
    }

    /// The value of record `i` (access bits, or a subject index).
    pub fn value(&self, i: usize) -> u64 {
        self.record(i).map_or(0, |rec| u64_at(rec, 8))
    }

    /// Whether record `i` is for an inode of `generation` (an entry or a caller
    /// without a generation matches any).
    fn generation_matches(&self, i: usize, generation: Option<u32>) -> bool {
        let Some(rec) = self.record(i) else { return false };
        match generation {
            Some(g) if u32_at(rec, 44) & ENTRY_GENERATION != 0 => u32_at(rec, 40) == g,
            _ => true,
        }
    }

    fn name(&self, i: usize) -> Option<&'a [u8]> {
        let rec = self.record(i)?;
        let off = u32_at(rec, 24) as usize;
        self.strings.get(off..off.checked_add(u32_at(rec, 28) as usize)?)
    }

    /// Index of the first record with `key` or above.
    fn lower_bound(&self, key: (u32, u32, u64)) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key(mid) {
                Some(k) if k < key => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }

    /// The first record with `key`.
    fn find(&self, key: (u32, u32, u64)) -> Option<usize> {
        let i = self.lower_bound(key);
        (self.key(i) == Some(key)).then_some(i)
    }

    /// The record matching a level given as its device, inode (None for a name being
    /// created), parent directory inode and, when known, its name. Without the name,
    /// [`LevelMatch::NeedName`] says whether it is needed, so a walk copies a name only
    /// when the policy names files in that directory.
    ///
    /// An entry is for an inode number and, where it records one, a generation: a
    /// file that got a deleted file's inode number does not get its rules.
    pub fn match_level(&self, dev: u32, ino: Option<Ident>, parent: Option<Ident>, name: Option<&[u8]>) -> LevelMatch {
        if let Some(ino) = ino {
            let key = (kind::INODE, dev, ino.ino);
            if let Some(mut i) = self.find(key) {
                while self.key(i) == Some(key) {
                    if self.generation_matches(i, ino.generation) {
                        return LevelMatch::Found(i);
                    }
                    i += 1;
                }
            }
        }
        let Some(parent) = parent else { return LevelMatch::Nothing };
        let key = (kind::NAME, dev, parent.ino);
        let Some(first) = self.find(key) else { return LevelMatch::Nothing };
        let mut i = first;
        let mut any = false;
        while self.key(i) == Some(key) {
            any |= self.generation_matches(i, parent.generation);
            i += 1;
        }
        if !any {
            return LevelMatch::Nothing;
        }
        let Some(name) = name else { return LevelMatch::NeedName };
        let mut i = first;
        while self.key(i) == Some(key) {
            if self.generation_matches(i, parent.generation) && self.name(i) == Some(name) {
                return LevelMatch::Found(i);
            }
            i += 1;
        }
        LevelMatch::Nothing
    }
}

/// Where a validated policy's tables are: the kernel computes this once at load and
/// hands the walks raw ranges ([`EntryRange`]) without parsing the header again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// Byte offset of the entry table.
    pub entries_at: usize,
    /// Byte offset of the string table.
    pub strings_at: usize,
    /// Its length.
    pub strings_len: usize,
}

/// A validated compiled policy, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    bytes: &'a [u8],
    flags: u32,
    roles: u32,
    subjects: u32,
    entries: u32,
    entries_at: usize,
    strings_at: usize,
    strings_len: usize,
}

/// What a level of a walk found in a table range ([`Policy::match_level_lazy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelMatch {
    /// The entry at this index of the range decides.
    Found(usize),
    /// Nothing here: go on to the parent.
    Nothing,
    /// Entries name files in this level's directory: ask again with the level's name.
    NeedName,
}

fn table_offsets(roles: u32, subjects: u32, entries: u32) -> Option<(usize, usize, usize, usize)> {
    let roles_at = HEADER_LEN;
    let subjects_at = roles_at.checked_add((roles as usize).checked_mul(ROLE_LEN)?)?;
    let entries_at = subjects_at.checked_add((subjects as usize).checked_mul(SUBJECT_LEN)?)?;
    let strings_at = entries_at.checked_add((entries as usize).checked_mul(ENTRY_LEN)?)?;
    Some((roles_at, subjects_at, entries_at, strings_at))
}

impl<'a> Policy<'a> {
    /// Validates `bytes` completely; only a policy that passes every check is returned.
    pub fn parse(bytes: &'a [u8]) -> Result<Policy<'a>, PolicyError> {
        if bytes.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::TooLarge);
        }
        if bytes.len() < HEADER_LEN || bytes.get(..4) != Some(&MAGIC[..]) {
            return Err(PolicyError::NotAPolicy);
        }
        if u32_at(bytes, 4) != VERSION {
            return Err(PolicyError::Version);
        }
        let flags = u32_at(bytes, 8);
        let (roles, subjects, entries) = (u32_at(bytes, 12), u32_at(bytes, 16), u32_at(bytes, 20));
        let strings_len = u32_at(bytes, 24) as usize;
        if flags & !POLICY_LEARN_ALL != 0 || u32_at(bytes, 28) != 0 {
            return Err(PolicyError::Unknown);
        }
        let (_, _, entries_at, strings_at) = table_offsets(roles, subjects, entries).ok_or(PolicyError::Length)?;
        if strings_at.checked_add(strings_len) != Some(bytes.len()) {
            return Err(PolicyError::Length);
        }
        let policy = Policy { bytes, flags, roles, subjects, entries, entries_at, strings_at, strings_len };
        policy.check()?;
        Ok(policy)
    }

    /// Re-borrows an already validated policy (the kernel keeps the bytes it validated
    /// and does not validate them again on every hook). Lookups on bytes that were not
    /// validated return nothing or garbage, never panic.
    pub fn trusted(bytes: &'a [u8]) -> Policy<'a> {
        let (mut roles, mut subjects, mut entries) = (u32_at(bytes, 12), u32_at(bytes, 16), u32_at(bytes, 20));
        let (mut entries_at, mut strings_at) =
            table_offsets(roles, subjects, entries).map_or((0, usize::MAX), |t| (t.2, t.3));
        if strings_at > bytes.len() {
            // Tables that do not fit: nothing to look up (and no long loops over them).
            (roles, subjects, entries, entries_at, strings_at) = (0, 0, 0, HEADER_LEN, bytes.len());
        }
        Policy {
            bytes,
            flags: u32_at(bytes, 8),
            roles,
            subjects,
            entries,
            entries_at,
            strings_at,
            strings_len: u32_at(bytes, 24) as usize,
        }
    }

    fn check(&self) -> Result<(), PolicyError> {
        let mut defaults = 0;
        // End of the last range seen: ranges are disjoint and in table order.
        let mut cursor = 0u32;
        for i in 0..self.roles {
            let role = self.role(i).ok_or(PolicyError::Range)?;
            if role.kind > role_kind::GROUP || role.flags & !LEARN != 0 {
                return Err(PolicyError::Unknown);
            }
            defaults += u32::from(role.kind == role_kind::DEFAULT);
            cursor = self.check_range(role.keys_start, role.keys_len, cursor)?;
            let mut has_root = false;
            for e in self.range(role.keys_start, role.keys_len) {
                let subject = self.subject(u32::try_from(e.value).map_err(|_| PolicyError::Range)?);
                let subject = subject.ok_or(PolicyError::Range)?;
                if subject.role != i {
                    return Err(PolicyError::Structure);
                }
                has_root |= self.string(subject.path_off, subject.path_len) == Some(&b"/"[..]);
            }
            if !has_root {
                return Err(PolicyError::Structure);
            }
        }
        if defaults != 1 {
            return Err(PolicyError::Structure);
        }
        for i in 0..self.subjects {
            let s = self.subject(i).ok_or(PolicyError::Range)?;
            if s.flags & !LEARN != 0 || s.caps & !SUBJECT_CAPS != 0 {
                return Err(PolicyError::Unknown);
            }
            if s.role >= self.roles || (s.parent != u32::MAX && s.parent >= i) {
                return Err(PolicyError::Structure);
            }
            self.check_path(s.path_off, s.path_len)?;
            cursor = self.check_range(s.objects_start, s.objects_len, cursor)?;
            for e in self.range(s.objects_start, s.objects_len) {
                if e.value > u64::from(access::ALL) {
                    return Err(PolicyError::Unknown);
                }
            }
        }
        for i in 0..self.entries {
            let e = self.entry(i).ok_or(PolicyError::Range)?;
            if e.flags & !ENTRY_GENERATION != 0 || (e.flags == 0 && e.generation != 0) {
                return Err(PolicyError::Unknown);
            }
            match e.kind {
                kind::INODE if e.name_len == 0 => {}
                kind::NAME => {
                    let name = self.string(e.name_off, e.name_len).ok_or(PolicyError::Range)?;
                    if name.is_empty() || name.len() > NAME_MAX || name.contains(&b'/') || name.contains(&0) {
                        return Err(PolicyError::Text);
                    }
                }
                _ => return Err(PolicyError::Unknown),
            }
            self.check_path(e.path_off, e.path_len)?;
        }
        core::str::from_utf8(self.bytes.get(self.strings_at..).ok_or(PolicyError::Range)?)
            .map_err(|_| PolicyError::Text)?;
        Ok(())
    }

    /// Checks the range `start..start+len`, which must begin at or after `cursor` (the
    /// end of the ranges before it) unless empty; returns the new cursor.
    fn check_range(&self, start: u32, len: u32, cursor: u32) -> Result<u32, PolicyError> {
        let Some(end) = start.checked_add(len).filter(|&end| end <= self.entries) else {
            return Err(PolicyError::Range);
        };
        if len == 0 {
            return Ok(cursor);
        }
        if start < cursor {
            return Err(PolicyError::Overlap);
        }
        let mut previous: Option<(u32, u32, u64)> = None;
        for e in self.range(start, len) {
            let key = e.sort_key();
            if previous.is_some_and(|p| p > key) {
                return Err(PolicyError::Order);
            }
            previous = Some(key);
        }
        Ok(end)
    }

    fn check_path(&self, off: u32, len: u32) -> Result<(), PolicyError> {
        let path = self.string(off, len).ok_or(PolicyError::Range)?;
        if path.first() != Some(&b'/') || path.len() >= PATH_MAX || path.contains(&0) {
            return Err(PolicyError::Text);
        }
        Ok(())
    }

    /// Whether the policy asks for full-system learning.
    pub fn learn_all(&self) -> bool {
        self.flags & POLICY_LEARN_ALL != 0
    }

    /// Number of roles, subjects and entries.
    pub fn counts(&self) -> (u32, u32, u32) {
        (self.roles, self.subjects, self.entries)
    }

    /// Role `i`.
    pub fn role(&self, i: u32) -> Option<Role> {
        if i >= self.roles {
            return None;
        }
        let at = HEADER_LEN + i as usize * ROLE_LEN;
        let rec = self.bytes.get(at..at + ROLE_LEN)?;
        Some(Role {
            kind: rec[0],
            flags: u32::from(rec[1]) | u32::from(rec[2]) << 8 | u32::from(rec[3]) << 16,
            id: u32_at(rec, 4),
            keys_start: u32_at(rec, 8),
            keys_len: u32_at(rec, 12),
        })
    }

    /// Subject `i`.
    pub fn subject(&self, i: u32) -> Option<Subject> {
        if i >= self.subjects {
            return None;
        }
        let at = HEADER_LEN + self.roles as usize * ROLE_LEN + i as usize * SUBJECT_LEN;
        let rec = self.bytes.get(at..at + SUBJECT_LEN)?;
        Some(Subject {
            caps: u64_at(rec, 0),
            parent: u32_at(rec, 8),
            flags: u32_at(rec, 12),
            objects_start: u32_at(rec, 16),
            objects_len: u32_at(rec, 20),
            path_off: u32_at(rec, 24),
            path_len: u32_at(rec, 28),
            role: u32_at(rec, 32),
        })
    }

    /// Entry `i`.
    pub fn entry(&self, i: u32) -> Option<Entry> {
        if i >= self.entries {
            return None;
        }
        let at = self.entries_at + i as usize * ENTRY_LEN;
        let rec = self.bytes.get(at..at + ENTRY_LEN)?;
        Some(Entry {
            key_ino: u64_at(rec, 0),
            value: u64_at(rec, 8),
            dev: u32_at(rec, 16),
            kind: u32_at(rec, 20),
            name_off: u32_at(rec, 24),
            name_len: u32_at(rec, 28),
            path_off: u32_at(rec, 32),
            path_len: u32_at(rec, 36),
            generation: u32_at(rec, 40),
            flags: u32_at(rec, 44),
        })
    }

    fn range(&self, start: u32, len: u32) -> impl Iterator<Item = Entry> + '_ {
        (start..start.saturating_add(len)).filter_map(move |i| self.entry(i))
    }

    /// Bytes `off..off+len` of the string table.
    pub fn string(&self, off: u32, len: u32) -> Option<&'a [u8]> {
        let start = self.strings_at.checked_add(off as usize)?;
        let end = start.checked_add(len as usize)?;
        if end > self.strings_at.checked_add(self.strings_len)? {
            return None;
        }
        self.bytes.get(start..end)
    }

    /// The path of subject `i` as written in the policy.
    pub fn subject_path(&self, i: u32) -> &'a [u8] {
        self.subject(i).and_then(|s| self.string(s.path_off, s.path_len)).unwrap_or(b"?")
    }

    /// The role of a task with real `uid` and `gid`: its user role, else its group
    /// role, else the default role.
    pub fn role_for(&self, uid: u32, gid: u32) -> Option<u32> {
        let find = |k: u8, id: u32| (0..self.roles).find(|&i| self.role(i).is_some_and(|r| r.kind == k && r.id == id));
        find(role_kind::USER, uid)
            .or_else(|| find(role_kind::GROUP, gid))
            .or_else(|| (0..self.roles).find(|&i| self.role(i).is_some_and(|r| r.kind == role_kind::DEFAULT)))
    }

    /// Where the tables are.
    pub fn layout(&self) -> Layout {
        Layout { entries_at: self.entries_at, strings_at: self.strings_at, strings_len: self.strings_len }
    }

    /// Entries `start..start+len` as an [`EntryRange`] (empty if out of bounds).
    pub fn entry_range(&self, start: u32, len: u32) -> EntryRange<'a> {
        let at = self.entries_at.saturating_add((start as usize).saturating_mul(ENTRY_LEN));
        let end = at.saturating_add((len as usize).saturating_mul(ENTRY_LEN));
        let records = if start.checked_add(len).is_some_and(|e| e <= self.entries) {
            self.bytes.get(at..end).unwrap_or(&[])
        } else {
            &[]
        };
        let strings_end = self.strings_at.saturating_add(self.strings_len);
        EntryRange::new(records, self.bytes.get(self.strings_at..strings_end).unwrap_or(&[]))
    }

    /// [`EntryRange::match_level`] on entries `start..start+len`; a found index is an
    /// index into the whole entry table.
    pub fn match_level_lazy(
        &self,
        start: u32,
        len: u32,
        dev: u32,
        ino: Option<Ident>,
        parent: Option<Ident>,
        name: Option<&[u8]>,
    ) -> LevelMatch {
        match self.entry_range(start, len).match_level(dev, ino, parent, name) {
            LevelMatch::Found(i) => LevelMatch::Found(start as usize + i),
            other => other,
        }
    }

    /// The first entry of the range that matches `level` (its inode, or its name in its
    /// parent directory).
    pub fn match_level(&self, start: u32, len: u32, level: &Level<'_>) -> Option<Entry> {
        match self.match_level_lazy(start, len, level.dev, level.ino, level.parent, Some(level.name)) {
            LevelMatch::Found(i) => self.entry(u32::try_from(i).ok()?),
            _ => None,
        }
    }

    /// The entry deciding for a walk (`levels`, from the file itself up to the root): the
    /// first level with a matching entry in the range.
    pub fn match_walk<'l>(&self, start: u32, len: u32, levels: impl IntoIterator<Item = Level<'l>>) -> Option<Entry> {
        levels.into_iter().find_map(|level| self.match_level(start, len, &level))
    }

    /// The subject of a task in `role` running the executable reached by `exe_levels`;
    /// the role's `/` subject when nothing more specific matches.
    pub fn subject_for<'l>(&self, role: u32, exe_levels: impl IntoIterator<Item = Level<'l>>) -> Option<u32> {
        let r = self.role(role)?;
        if let Some(e) = self.match_walk(r.keys_start, r.keys_len, exe_levels) {
            return u32::try_from(e.value).ok();
        }
        self.root_subject(r.keys_start, r.keys_len)
    }

    /// The `/` subject among a role's subject keys (`start`, `len`).
    pub fn root_subject(&self, start: u32, len: u32) -> Option<u32> {
        self.range(start, len).filter_map(|e| u32::try_from(e.value).ok()).find(|&s| self.subject_path(s) == b"/")
    }

    /// The object entry of subject `s` for `/`, if it has one.
    pub fn root_object(&self, s: u32) -> Option<Entry> {
        let subject = self.subject(s)?;
        self.range(subject.objects_start, subject.objects_len)
            .find(|e| self.string(e.path_off, e.path_len) == Some(&b"/"[..]))
    }

    /// Whether subject `s` (or its role, or the whole policy) is learning.
    pub fn learning(&self, s: u32) -> bool {
        let Some(subject) = self.subject(s) else { return false };
        self.learn_all() || subject.flags & LEARN != 0 || self.role(subject.role).is_some_and(|r| r.flags & LEARN != 0)
    }
}

/// What a hook asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// [`access`] bits needed (for append-only writes pass [`access::APPEND`]).
    pub access: u32,
}

/// What the module does about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Allowed, nothing to report.
    Allow,
    /// Allowed and reported (`A` object mode).
    AllowAudited,
    /// Learning: allowed, reported as `learn`.
    Learn,
    /// Would be denied, allowed (module in audit mode).
    WouldDeny,
    /// Denied with EACCES.
    Deny,
    /// Hidden object: denied as if it did not exist (ENOENT).
    Hide,
}

/// Decides `request` against the `granted` object mode (None: no object matched).
pub fn decide(mode: Mode, learning: bool, granted: Option<u32>, request: Request) -> Outcome {
    let granted = granted.unwrap_or(0);
    let mut needed = request.access & !access::AUDIT;
    // Write implies append.
    if needed & access::APPEND != 0 && granted & access::WRITE != 0 {
        needed &= !access::APPEND;
    }
    let allowed = granted & access::HIDDEN == 0 && granted & needed == needed;
    if mode == Mode::Off {
        return Outcome::Allow;
    }
    if learning {
        return Outcome::Learn;
    }
    match (allowed, mode) {
        (true, _) if granted & access::AUDIT != 0 => Outcome::AllowAudited,
        (true, _) => Outcome::Allow,
        (false, Mode::Audit) => Outcome::WouldDeny,
        (false, _) if granted & access::HIDDEN != 0 => Outcome::Hide,
        (false, _) => Outcome::Deny,
    }
}

/// Writes the letters of `bits` (e.g. `rwc`) into `out`; returns the count.
pub fn letters(bits: u32, out: &mut [u8; 8]) -> usize {
    let mut n = 0;
    for (bit, letter) in access::LETTERS {
        if bits & bit != 0 {
            if let Some(slot) = out.get_mut(n) {
                *slot = letter as u8;
                n += 1;
            }
        }
    }
    n
}

/// An identifier of a compiled policy's bytes (FNV-1a, 64 bits): `status` shows it for
/// the policy in force, `rampart-policy` prints it when compiling or loading.
pub fn policy_id(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
