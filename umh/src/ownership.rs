//! Who could have changed a file: it and every directory above it must be owned by
//! root and writable by root alone, or a less privileged user could swap the program
//! (or the list) between the check and the exec.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

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
}

impl Untrusted {
    /// A short word for the log line.
    pub fn as_str(&self) -> &'static str {
        match self {
            Untrusted::Unreadable => "unreadable",
            Untrusted::NotAFile => "not-a-regular-file",
            Untrusted::NotOwnedByRoot => "not-owned-by-root",
            Untrusted::WritableByOthers => "writable-by-others",
        }
    }
}

/// Checks a resolved (symlink-free, absolute) path and its ancestors.
pub fn trusted(resolved: &Path) -> Result<(), Untrusted> {
    let meta = std::fs::metadata(resolved).map_err(|_| Untrusted::Unreadable)?;
    if !meta.is_file() {
        return Err(Untrusted::NotAFile);
    }
    check(&meta)?;
    for dir in resolved.ancestors().skip(1) {
        check(&std::fs::metadata(dir).map_err(|_| Untrusted::Unreadable)?)?;
    }
    Ok(())
}

fn check(meta: &std::fs::Metadata) -> Result<(), Untrusted> {
    if meta.uid() != 0 {
        return Err(Untrusted::NotOwnedByRoot);
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Untrusted::WritableByOthers);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_writable_directories_and_files_are_not_trusted() {
        // /tmp is sticky and world-writable: anything under it is refused.
        let file = std::env::temp_dir().join(format!("rampart-umh-own-{}", std::process::id()));
        std::fs::write(&file, b"").unwrap();
        let resolved = std::fs::canonicalize(&file).unwrap();
        let got = trusted(&resolved);
        std::fs::remove_file(&file).unwrap();
        assert!(matches!(got, Err(Untrusted::WritableByOthers) | Err(Untrusted::NotOwnedByRoot)), "{got:?}");
        assert_eq!(trusted(Path::new("/")), Err(Untrusted::NotAFile));
        assert_eq!(trusted(Path::new("/nonexistent/x")), Err(Untrusted::Unreadable));
    }
}
