//! A small, bounds-checked ELF reader: what the dynamic loader reads to load an object
//! (the `PT_INTERP` loader, and `DT_NEEDED`, `DT_RPATH` and `DT_RUNPATH` from
//! `PT_DYNAMIC`), and the class, byte order and machine a library must match to be
//! loaded with it. Any byte string is either parsed or refused with an error.

use std::fmt;

/// The four bytes every ELF file starts with.
pub const MAGIC: &[u8; 4] = b"\x7fELF";

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_STRSZ: u64 = 10;
const DT_RPATH: u64 = 15;
const DT_RUNPATH: u64 = 29;

/// What kind of object a file is: libraries load only into objects of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// ELFCLASS64 (else ELFCLASS32).
    pub class64: bool,
    /// ELFDATA2MSB (else little-endian).
    pub big_endian: bool,
    /// `e_machine` (62: x86-64).
    pub machine: u16,
}

/// The loading-relevant contents of an ELF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elf {
    /// Class, byte order and machine.
    pub kind: Kind,
    /// The program interpreter (`PT_INTERP`), for dynamically linked programs.
    pub interp: Option<String>,
    /// `DT_NEEDED` entries, in order.
    pub needed: Vec<String>,
    /// `DT_RPATH` directories (`:`-separated in the file), in order.
    pub rpath: Vec<String>,
    /// `DT_RUNPATH` directories, in order.
    pub runpath: Vec<String>,
}

/// Why a file could not be read as ELF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElfError {
    /// It does not start with the ELF magic.
    NotElf,
    /// It does, but its headers are inconsistent (the reason).
    Malformed(&'static str),
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElfError::NotElf => write!(f, "not an ELF file"),
            ElfError::Malformed(why) => write!(f, "malformed ELF file: {why}"),
        }
    }
}

impl std::error::Error for ElfError {}

type Result<T> = std::result::Result<T, ElfError>;

/// Reads fixed-size fields at file offsets, in the file's byte order and class.
struct Reader<'a> {
    bytes: &'a [u8],
    kind: Kind,
}

impl<'a> Reader<'a> {
    fn slice(&self, offset: u64, len: u64, what: &'static str) -> Result<&'a [u8]> {
        let start = usize::try_from(offset).map_err(|_| ElfError::Malformed(what))?;
        let len = usize::try_from(len).map_err(|_| ElfError::Malformed(what))?;
        let end = start.checked_add(len).ok_or(ElfError::Malformed(what))?;
        self.bytes.get(start..end).ok_or(ElfError::Malformed(what))
    }

    fn uint(&self, offset: u64, size: u64, what: &'static str) -> Result<u64> {
        let b = self.slice(offset, size, what)?;
        Ok(if self.kind.big_endian {
            b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
        } else {
            b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
        })
    }

    /// An address-sized field (`Elf64_Addr`/`Elf64_Off` or their 32-bit versions).
    fn word(&self, offset: u64, what: &'static str) -> Result<u64> {
        self.uint(offset, if self.kind.class64 { 8 } else { 4 }, what)
    }
}

/// One program header, the fields this reader uses.
struct Segment {
    kind: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
}

/// True when `bytes` starts with the ELF magic.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The class, byte order and machine from an ELF header (the first 20 bytes suffice).
pub fn kind(bytes: &[u8]) -> Result<Kind> {
    if !is_elf(bytes) {
        return Err(ElfError::NotElf);
    }
    let class64 = match bytes.get(4) {
        Some(1) => false,
        Some(2) => true,
        _ => return Err(ElfError::Malformed("unknown class")),
    };
    let big_endian = match bytes.get(5) {
        Some(1) => false,
        Some(2) => true,
        _ => return Err(ElfError::Malformed("unknown byte order")),
    };
    let mut kind = Kind { class64, big_endian, machine: 0 };
    kind.machine = Reader { bytes, kind }.uint(18, 2, "truncated header")? as u16;
    Ok(kind)
}

fn segments(r: &Reader<'_>) -> Result<Vec<Segment>> {
    let c64 = r.kind.class64;
    let (phoff, phentsize, phnum) = if c64 {
        (r.uint(32, 8, "truncated header")?, r.uint(54, 2, "truncated header")?, r.uint(56, 2, "truncated header")?)
    } else {
        (r.uint(28, 4, "truncated header")?, r.uint(42, 2, "truncated header")?, r.uint(44, 2, "truncated header")?)
    };
    if phnum == 0xffff {
        return Err(ElfError::Malformed("extended program header count"));
    }
    if phnum > 0 && phentsize < if c64 { 56 } else { 32 } {
        return Err(ElfError::Malformed("program header entries too small"));
    }
    let mut out = Vec::new();
    for i in 0..phnum {
        let at = phoff.checked_add(i * phentsize).ok_or(ElfError::Malformed("program headers out of range"))?;
        let what = "program headers out of range";
        let field = |off: u64, size: u64| r.uint(at.saturating_add(off), size, what);
        out.push(if c64 {
            Segment { kind: field(0, 4)? as u32, offset: field(8, 8)?, vaddr: field(16, 8)?, filesz: field(32, 8)? }
        } else {
            Segment { kind: field(0, 4)? as u32, offset: field(4, 4)?, vaddr: field(8, 4)?, filesz: field(16, 4)? }
        });
    }
    Ok(out)
}

/// The file offset of virtual address `addr`, through the `PT_LOAD` segments.
fn file_offset(segments: &[Segment], addr: u64) -> Option<u64> {
    segments
        .iter()
        .filter(|s| s.kind == PT_LOAD)
        .find(|s| addr >= s.vaddr && addr - s.vaddr < s.filesz)
        .and_then(|s| s.offset.checked_add(addr - s.vaddr))
}

/// The NUL-terminated UTF-8 string at `at` in `table`.
fn string(table: &[u8], at: u64, what: &'static str) -> Result<String> {
    let rest = usize::try_from(at).ok().and_then(|at| table.get(at..)).ok_or(ElfError::Malformed(what))?;
    let len = rest.iter().position(|&b| b == 0).ok_or(ElfError::Malformed(what))?;
    String::from_utf8(rest[..len].to_vec()).map_err(|_| ElfError::Malformed("a name is not UTF-8"))
}

fn split_path(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(':').filter(|d| !d.is_empty()).map(str::to_string)
}

/// Parses what the dynamic loader needs from an ELF file's bytes.
pub fn parse(bytes: &[u8]) -> Result<Elf> {
    let kind = kind(bytes)?;
    let r = Reader { bytes, kind };
    let segments = segments(&r)?;
    let mut elf = Elf { kind, interp: None, needed: vec![], rpath: vec![], runpath: vec![] };
    if let Some(s) = segments.iter().find(|s| s.kind == PT_INTERP) {
        let text = r.slice(s.offset, s.filesz, "PT_INTERP out of range")?;
        let interp = string(text, 0, "PT_INTERP not terminated")?;
        if interp.is_empty() {
            return Err(ElfError::Malformed("empty PT_INTERP"));
        }
        elf.interp = Some(interp);
    }
    let Some(dynamic) = segments.iter().find(|s| s.kind == PT_DYNAMIC) else {
        return Ok(elf);
    };
    let entsize: u64 = if kind.class64 { 16 } else { 8 };
    let table = r.slice(dynamic.offset, dynamic.filesz, "PT_DYNAMIC out of range")?;
    let dyn_reader = Reader { bytes: table, kind };
    let (mut strtab, mut strsz) = (None, None);
    let mut names: Vec<(u64, u64)> = Vec::new();
    for i in 0..table.len() as u64 / entsize {
        let tag = dyn_reader.word(i * entsize, "PT_DYNAMIC out of range")?;
        let val = dyn_reader.word(i * entsize + entsize / 2, "PT_DYNAMIC out of range")?;
        match tag {
            DT_NULL => break,
            DT_STRTAB => strtab = Some(val),
            DT_STRSZ => strsz = Some(val),
            DT_NEEDED | DT_RPATH | DT_RUNPATH => names.push((tag, val)),
            _ => {}
        }
    }
    if names.is_empty() {
        return Ok(elf);
    }
    let addr = strtab.ok_or(ElfError::Malformed("DT_NEEDED without DT_STRTAB"))?;
    let start = file_offset(&segments, addr).ok_or(ElfError::Malformed("DT_STRTAB outside the file"))?;
    let available = (bytes.len() as u64).checked_sub(start).ok_or(ElfError::Malformed("DT_STRTAB outside the file"))?;
    let strings = r.slice(start, strsz.unwrap_or(available).min(available), "DT_STRTAB outside the file")?;
    for (tag, at) in names {
        let text = string(strings, at, "dynamic string out of DT_STRTAB")?;
        match tag {
            DT_NEEDED => elf.needed.push(text),
            DT_RPATH => elf.rpath.extend(split_path(&text)),
            _ => elf.runpath.extend(split_path(&text)),
        }
    }
    Ok(elf)
}

/// Synthetic ELF files for tests: a header, `PT_LOAD` of the whole file, `PT_INTERP`
/// and a `PT_DYNAMIC` with the given entries.
#[cfg(test)]
pub mod synth {
    /// Options of a synthetic ELF64 little-endian x86-64 object.
    #[derive(Default)]
    pub struct Spec<'a> {
        /// `PT_INTERP`.
        pub interp: Option<&'a str>,
        /// `DT_NEEDED`.
        pub needed: &'a [&'a str],
        /// `DT_RPATH` (one string, `:`-separated).
        pub rpath: Option<&'a str>,
        /// `DT_RUNPATH`.
        pub runpath: Option<&'a str>,
        /// `e_machine` (0: x86-64).
        pub machine: u16,
    }

    /// The bytes of the object `spec` describes.
    pub fn build(spec: &Spec<'_>) -> Vec<u8> {
        let mut strtab = vec![0u8];
        let mut add = |s: &str| {
            let at = strtab.len() as u64;
            strtab.extend_from_slice(s.as_bytes());
            strtab.push(0);
            at
        };
        let mut dynamic: Vec<(u64, u64)> = spec.needed.iter().map(|n| (1, add(n))).collect();
        if let Some(p) = spec.rpath {
            dynamic.push((15, add(p)));
        }
        if let Some(p) = spec.runpath {
            dynamic.push((29, add(p)));
        }
        let interp = spec.interp.map(|i| {
            let mut b = i.as_bytes().to_vec();
            b.push(0);
            b
        });
        let phnum = 3u64;
        let phoff = 64u64;
        let interp_off = phoff + 56 * phnum;
        let interp_len = interp.as_ref().map_or(0, |i| i.len() as u64);
        let strtab_off = interp_off + interp_len;
        let dyn_off = strtab_off + strtab.len() as u64;
        dynamic.push((5, strtab_off));
        dynamic.push((10, strtab.len() as u64));
        dynamic.push((0, 0));
        let dyn_len = 16 * dynamic.len() as u64;
        let total = dyn_off + dyn_len;
        let mut out = Vec::new();
        out.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
        out.extend_from_slice(&3u16.to_le_bytes()); // ET_DYN
        out.extend_from_slice(&(if spec.machine == 0 { 62 } else { spec.machine }).to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes()); // e_entry
        out.extend_from_slice(&phoff.to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
        out.extend_from_slice(&0u32.to_le_bytes()); // e_flags
        out.extend_from_slice(&64u16.to_le_bytes());
        out.extend_from_slice(&56u16.to_le_bytes());
        out.extend_from_slice(&(phnum as u16).to_le_bytes());
        out.extend_from_slice(&[0; 6]); // e_shentsize, e_shnum, e_shstrndx
        let mut phdr = |kind: u32, off: u64, len: u64| {
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&4u32.to_le_bytes());
            for v in [off, off, off, len, len, 8] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        };
        phdr(1, 0, total);
        // Without an interpreter the slot is an ignored PT_NOTE of no bytes.
        if interp.is_some() {
            phdr(3, interp_off, interp_len);
        } else {
            phdr(4, interp_off, 0);
        }
        phdr(2, dyn_off, dyn_len);
        out.extend_from_slice(interp.as_deref().unwrap_or_default());
        out.extend_from_slice(&strtab);
        for (tag, val) in dynamic {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&val.to_le_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::synth::{build, Spec};
    use super::*;

    #[test]
    fn synthetic_object_round_trips() {
        let bytes = build(&Spec {
            interp: Some("/lib64/ld-linux-x86-64.so.2"),
            needed: &["libfoo.so.1", "libc.so.6"],
            rpath: Some("/opt/a::/opt/b"),
            runpath: Some("$ORIGIN/../lib"),
            machine: 0,
        });
        let elf = parse(&bytes).unwrap();
        assert_eq!(elf.kind, Kind { class64: true, big_endian: false, machine: 62 });
        assert_eq!(elf.interp.as_deref(), Some("/lib64/ld-linux-x86-64.so.2"));
        assert_eq!(elf.needed, ["libfoo.so.1", "libc.so.6"]);
        assert_eq!(elf.rpath, ["/opt/a", "/opt/b"]);
        assert_eq!(elf.runpath, ["$ORIGIN/../lib"]);
    }

    #[test]
    fn host_programs_parse_as_the_loader_sees_them() {
        let ls = parse(&std::fs::read("/usr/bin/ls").unwrap()).unwrap();
        assert_eq!(ls.interp.as_deref(), Some("/lib64/ld-linux-x86-64.so.2"));
        assert!(ls.needed.contains(&"libc.so.6".to_string()), "{ls:?}");
        assert!(ls.rpath.is_empty() && ls.runpath.is_empty());
        let libc = parse(&std::fs::read("/lib/x86_64-linux-gnu/libc.so.6").unwrap()).unwrap();
        assert_eq!(libc.interp.as_deref(), Some("/lib64/ld-linux-x86-64.so.2"));
        assert_eq!(libc.needed, ["ld-linux-x86-64.so.2"]);
        let loader = parse(&std::fs::read("/lib64/ld-linux-x86-64.so.2").unwrap()).unwrap();
        assert_eq!((loader.interp, loader.needed.len()), (None, 0));
        // A RUNPATH from the host: systemd's tools find their private library through it.
        let journalctl = parse(&std::fs::read("/usr/bin/journalctl").unwrap()).unwrap();
        assert_eq!(journalctl.runpath, ["/usr/lib/x86_64-linux-gnu/systemd"]);
        assert!(journalctl.needed.iter().any(|n| n.starts_with("libsystemd-shared-")), "{journalctl:?}");
    }

    #[test]
    fn static_programs_and_other_files() {
        // busybox-static: no interpreter, nothing needed.
        let busybox = parse(&std::fs::read("/bin/busybox").unwrap()).unwrap();
        assert_eq!((busybox.interp, busybox.needed.len()), (None, 0));
        assert_eq!(parse(b"#!/bin/sh\necho hi\n"), Err(ElfError::NotElf));
        assert_eq!(parse(b""), Err(ElfError::NotElf));
        assert!(matches!(parse(b"\x7fELF\x02\x01"), Err(ElfError::Malformed(_))));
    }

    #[test]
    fn truncated_objects_are_refused_not_misread() {
        let bytes = build(&Spec { needed: &["libfoo.so.1"], ..Spec::default() });
        for len in 0..bytes.len() {
            match parse(&bytes[..len]) {
                Err(_) => {}
                // Cut inside the trailing DT_NULL/DT_STRSZ entries: the names still read.
                Ok(elf) => assert_eq!(elf.needed, ["libfoo.so.1"], "cut at {len}"),
            }
        }
    }
}
