//! Opening the files the daemon reads: regular files only, and never blocking. A
//! plain `open()` of a FIFO waits for a writer (and of a device may do anything), which
//! would stop the whole daemon; so files are opened with `O_NONBLOCK` and checked with
//! `fstat` on the descriptor itself (no race with a rename between a check and the open).

use std::fs::File;
use std::io::{Error, ErrorKind};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Opens `path` for reading if it is a regular file; anything else is an error of
/// kind [`ErrorKind::InvalidInput`] ("not a regular file"), without waiting.
pub fn regular(path: &Path) -> std::io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)?;
    if !file.metadata()?.file_type().is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_open() {
        let dir = std::env::temp_dir().join(format!("hidsd-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("file"), "x").unwrap();
        assert!(regular(&dir.join("file")).is_ok());
        let fifo = std::ffi::CString::new(dir.join("fifo").into_os_string().into_encoded_bytes()).unwrap();
        // SAFETY: mkfifo with a NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        assert_eq!(regular(&dir.join("fifo")).unwrap_err().kind(), ErrorKind::InvalidInput);
        assert_eq!(regular(&dir).unwrap_err().kind(), ErrorKind::InvalidInput);
        assert_eq!(regular(Path::new("/dev/null")).unwrap_err().kind(), ErrorKind::InvalidInput);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
