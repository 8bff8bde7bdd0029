//! Who could have changed a file: it, every directory above it (as named and as
//! resolved) and a script's interpreter must be owned by root and writable by root
//! alone, on a filesystem where that ownership means something; otherwise a less
//! privileged user could swap the program (or the list) between the check and the exec.

use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Why a path is not trusted.
#[derive(Debug, PartialEq, Eq)]
pub enum Untrusted {
    /// It could not be examined.
    Unreadable,
    /// Not a regular file.
    NotAFile,
    /// Owned by another user than root.
    NotOwnedByRoot,
    /// Writable by its group or by everyone.
    WritableByOthers,
    /// On a filesystem whose owners a user can decide (FUSE, network filesystems).
    UserFilesystem,
    /// A script whose interpreter is missing, relative, nested too deep or untrusted.
    Interpreter,
    /// Bigger than a list may be.
    TooBig,
}

impl Untrusted {
    /// A short word for the log line.
    pub fn as_str(&self) -> &'static str {
        match self {
            Untrusted::Unreadable => "unreadable",
            Untrusted::NotAFile => "not-a-regular-file",
            Untrusted::NotOwnedByRoot => "not-owned-by-root",
            Untrusted::WritableByOthers => "writable-by-others",
            Untrusted::UserFilesystem => "user-controlled-filesystem",
            Untrusted::Interpreter => "untrusted-interpreter",
            Untrusted::TooBig => "too-big",
        }
    }
}

/// Filesystems where uid 0 and mode bits are what a user (or another machine) says:
/// FUSE (virtiofs included), NFS, CIFS/SMB, 9p, AFS, Ceph.
const USER_FILESYSTEMS: &[i64] =
    &[0x6573_5546, 0x6969, 0xFF53_4D42_u32 as i64, 0xFE53_4D42_u32 as i64, 0x0102_1997, 0x5346_414F, 0x00C3_6400];

/// How many `#!` interpreters deep a program may be (the kernel allows 4 levels).
const MAX_INTERPRETERS: usize = 4;

/// Checks the program at `requested` (an absolute path) and returns its resolved path,
/// which is what must be executed.
pub fn trusted_program(requested: &Path) -> Result<PathBuf, Untrusted> {
    trusted_program_at(requested, 0)
}

fn trusted_program_at(requested: &Path, depth: usize) -> Result<PathBuf, Untrusted> {
    directories(requested)?;
    let resolved = std::fs::canonicalize(requested).map_err(|_| Untrusted::Unreadable)?;
    let meta = std::fs::metadata(&resolved).map_err(|_| Untrusted::Unreadable)?;
    if !meta.is_file() {
        return Err(Untrusted::NotAFile);
    }
    owner(&meta)?;
    directories(&resolved)?;
    filesystem(&resolved)?;
    if let Some(interpreter) = interpreter(&resolved)? {
        if depth + 1 >= MAX_INTERPRETERS || !interpreter.is_absolute() {
            return Err(Untrusted::Interpreter);
        }
        trusted_program_at(&interpreter, depth + 1).map_err(|_| Untrusted::Interpreter)?;
    }
    Ok(resolved)
}

/// Reads the list at `path` from one descriptor that was checked: not followed through
/// a symlink, not a FIFO or device (no hang), at most `max` bytes, root's alone.
pub fn read_trusted_file(path: &Path, max: u64) -> Result<Vec<u8>, std::io::Error> {
    let untrusted = |why: Untrusted| std::io::Error::other(why.as_str());
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(untrusted(Untrusted::NotAFile));
    }
    if meta.len() > max {
        return Err(untrusted(Untrusted::TooBig));
    }
    owner(&meta).map_err(untrusted)?;
    directories(path).map_err(untrusted)?;
    let mut text = Vec::new();
    file.by_ref().take(max + 1).read_to_end(&mut text)?;
    if text.len() as u64 > max {
        return Err(untrusted(Untrusted::TooBig));
    }
    Ok(text)
}

/// Every directory above `path`, as spelled (symlinks followed to where they lead).
fn directories(path: &Path) -> Result<(), Untrusted> {
    for dir in path.ancestors().skip(1) {
        owner(&std::fs::metadata(dir).map_err(|_| Untrusted::Unreadable)?)?;
    }
    Ok(())
}

fn owner(meta: &std::fs::Metadata) -> Result<(), Untrusted> {
    if meta.uid() != 0 {
        return Err(Untrusted::NotOwnedByRoot);
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Untrusted::WritableByOthers);
    }
    Ok(())
}

fn filesystem(path: &Path) -> Result<(), Untrusted> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| Untrusted::Unreadable)?;
    // SAFETY: `c_path` is a NUL-terminated string that outlives the call, and `stat`
    // is a plain struct statfs the call fills in (zeroed first, so no field is read
    // uninitialised whatever the call does).
    let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: see above; both pointers are valid for the duration of the call.
    if unsafe { libc::statfs(c_path.as_ptr(), &mut stat) } != 0 {
        return Err(Untrusted::Unreadable);
    }
    #[allow(clippy::unnecessary_cast)] // f_type's width differs between C libraries.
    let kind = stat.f_type as i64;
    if USER_FILESYSTEMS.contains(&kind) {
        return Err(Untrusted::UserFilesystem);
    }
    Ok(())
}

/// The interpreter a `#!` script names (its first word), if the file is one.
fn interpreter(resolved: &Path) -> Result<Option<PathBuf>, Untrusted> {
    let mut head = [0u8; 256];
    let mut file = std::fs::File::open(resolved).map_err(|_| Untrusted::Unreadable)?;
    let n = file.read(&mut head).map_err(|_| Untrusted::Unreadable)?;
    let head = &head[..n];
    let Some(rest) = head.strip_prefix(b"#!") else { return Ok(None) };
    let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    let word = line.split(|b| b.is_ascii_whitespace()).find(|w| !w.is_empty()).ok_or(Untrusted::Interpreter)?;
    let word = std::str::from_utf8(word).map_err(|_| Untrusted::Interpreter)?;
    Ok(Some(PathBuf::from(word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rampart-umh-own-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn files_under_a_directory_anyone_can_write_are_not_trusted() {
        // /tmp is sticky and world-writable: anything under it is refused.
        let dir = scratch("tmp");
        let file = dir.join("program");
        std::fs::write(&file, b"").unwrap();
        let got = trusted_program(&file);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(got, Err(Untrusted::WritableByOthers) | Err(Untrusted::NotOwnedByRoot)), "{got:?}");
        assert_eq!(trusted_program(Path::new("/")), Err(Untrusted::NotAFile));
        assert_eq!(trusted_program(Path::new("/nonexistent/x")), Err(Untrusted::Unreadable));
    }

    #[test]
    fn a_system_program_and_its_interpreter_are_trusted_when_root_owns_them() {
        if !running_as_root() {
            return;
        }
        // /bin/sh is root's on any system these tests run on as root.
        assert!(trusted_program(Path::new("/bin/sh")).is_ok());
    }

    #[test]
    fn lists_that_are_fifos_links_or_too_big_are_not_read() {
        let dir = scratch("list");
        let fifo = dir.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let link = dir.join("link");
        std::os::unix::fs::symlink("/etc/hostname", &link).unwrap();
        let big = dir.join("big");
        std::fs::write(&big, vec![b'#'; 100]).unwrap();
        let fifo_err = read_trusted_file(&fifo, 64).unwrap_err().to_string();
        let link_err = read_trusted_file(&link, 64).unwrap_err().raw_os_error();
        let big_err = read_trusted_file(&big, 64).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(fifo_err, "not-a-regular-file");
        assert_eq!(link_err, Some(libc::ELOOP));
        assert_eq!(big_err, "too-big");
    }

    fn running_as_root() -> bool {
        // SAFETY: geteuid has no preconditions.
        unsafe { libc::geteuid() == 0 }
    }
}
