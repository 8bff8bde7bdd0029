//! The host files, directories and symbolic links a guest gets for its programs, each
//! at the path it has on the host, with the host's permission bits.

use super::hostfs::{HostFs, Walked};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// Everything to add, by guest path.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Closure {
    /// Directories (every parent of a file or link), with their modes.
    pub dirs: BTreeMap<String, u32>,
    /// Regular files: the host file and its mode.
    pub files: BTreeMap<String, (PathBuf, u32)>,
    /// Symbolic links and their targets, as stored on the host.
    pub links: BTreeMap<String, String>,
    /// Each path asked for (a listed program, an interpreter) and where it leads.
    pub spelled: BTreeMap<String, String>,
}

/// The cpio list is whitespace-separated text: such names cannot be in it.
fn check_name(path: &str) -> Result<()> {
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!("{path:?}: names with spaces or control characters cannot go into the initramfs list");
    }
    Ok(())
}

fn mode(fs: &HostFs, path: &str) -> Result<u32> {
    let meta = std::fs::metadata(fs.host_path(path)).with_context(|| format!("reading {path}"))?;
    Ok(meta.permissions().mode() & 0o7777)
}

impl Closure {
    /// Adds the directories above `path` (not `/`).
    fn add_parents(&mut self, fs: &HostFs, path: &str) -> Result<()> {
        if !path.starts_with('/') {
            bail!("{path:?}: not an absolute path");
        }
        let mut at = 0;
        while let Some(i) = path[at + 1..].find('/') {
            at += 1 + i;
            let dir = &path[..at];
            if !self.dirs.contains_key(dir) {
                check_name(dir)?;
                self.dirs.insert(dir.to_string(), mode(fs, dir)?);
            }
        }
        Ok(())
    }

    /// Adds the links a walk went through, and records that `spelled` led to its end.
    pub fn add_walk(&mut self, fs: &HostFs, spelled: &str, walked: &Walked) -> Result<()> {
        for (path, target) in &walked.links {
            check_name(path)?;
            check_name(target)?;
            self.add_parents(fs, path)?;
            self.links.insert(path.clone(), target.clone());
        }
        self.spelled.insert(spelled.to_string(), walked.canonical.clone());
        Ok(())
    }

    /// Adds a regular file by its canonical path.
    pub fn add_file(&mut self, fs: &HostFs, path: &str) -> Result<()> {
        check_name(path)?;
        self.add_parents(fs, path)?;
        self.files.insert(path.to_string(), (fs.host_path(path), mode(fs, path)?));
        Ok(())
    }

    /// Adds a directory by its canonical path.
    pub fn add_dir(&mut self, fs: &HostFs, path: &str) -> Result<()> {
        check_name(path)?;
        self.add_parents(fs, path)?;
        if path != "/" {
            self.dirs.insert(path.to_string(), mode(fs, path)?);
        }
        Ok(())
    }

    /// The total size of the files, in bytes.
    pub fn bytes(&self) -> u64 {
        self.files.values().filter_map(|(host, _)| std::fs::metadata(host).ok()).map(|m| m.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::hostfs::Scratch;
    use super::*;

    #[test]
    fn parents_links_and_modes() {
        let t = Scratch::new("closure");
        t.write("/usr/lib/x/libz.so.1.2", b"z");
        t.link("/usr/lib/x/libz.so.1", "libz.so.1.2");
        t.link("/lib", "usr/lib");
        let fs = HostFs::new(&t.0);
        let mut c = Closure::default();
        let w = fs.walk("/lib/x/libz.so.1").unwrap();
        c.add_walk(&fs, "/lib/x/libz.so.1", &w).unwrap();
        c.add_file(&fs, &w.canonical).unwrap();
        assert_eq!(c.dirs.keys().collect::<Vec<_>>(), ["/usr", "/usr/lib", "/usr/lib/x"]);
        assert_eq!(c.links["/lib"], "usr/lib");
        assert_eq!(c.links["/usr/lib/x/libz.so.1"], "libz.so.1.2");
        assert_eq!(c.files["/usr/lib/x/libz.so.1.2"].0, t.0.join("usr/lib/x/libz.so.1.2"));
        assert_eq!(c.spelled["/lib/x/libz.so.1"], "/usr/lib/x/libz.so.1.2");
        assert_eq!(c.bytes(), 1);
        t.write("/a b", b"");
        assert!(c.add_file(&fs, "/a b").is_err());
    }
}
