//! Hard links made before a policy is loaded. A file without a rule of its own takes
//! the rules of the directory the kernel walks up from, which is the directory of the
//! name it is opened by: a file of a denied directory that someone linked into a
//! permissive one would take the permissive rules there. The kernel refuses such links
//! once a policy is loaded (for every subject, whoever links); for the ones already
//! made, the compiler gives every file with more than one name, found under a
//! directory that is more restricted than another of the subject's objects, a rule of
//! its own: the rights all of its names found there have in common (grsecurity's rule:
//! a link never grants more than the file has).

use crate::compile::Key;
use crate::ident::identify;
use rampart_kernel_logic::rbac::{access, kind};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The rights a link could widen (hidden and audit stay with the names that have them).
pub const LINKED_RIGHTS: u32 =
    access::READ | access::WRITE | access::APPEND | access::CREATE | access::DELETE | access::EXEC;

/// Directory entries looked at per compile, at most.
pub const SCAN_BUDGET: usize = 200_000;

/// A file with more than one name, found at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedFile {
    /// Where it was found.
    pub path: String,
    /// Its identity (a [`kind::INODE`] key).
    pub key: Key,
    /// How many names it has.
    pub nlink: u64,
}

/// Lists files with more than one name below `dir` on its own file system, looking at
/// no more than `*budget` entries (counted down); false when the budget ran out first.
pub fn scan(dir: &Path, budget: &mut usize) -> (Vec<LinkedFile>, bool) {
    let mut found = Vec::new();
    let Ok(top) = std::fs::symlink_metadata(dir) else { return (found, true) };
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            if *budget == 0 {
                return (found, false);
            }
            *budget -= 1;
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.dev() != top.dev() || meta.file_type().is_symlink() {
                continue;
            }
            if meta.is_dir() {
                pending.push(path);
            } else if meta.nlink() > 1 {
                let (Some(text), Ok(id)) = (path.to_str(), identify(&path)) else { continue };
                if id.ino == meta.ino() {
                    let key = Key {
                        kind: kind::INODE,
                        dev: id.dev,
                        ino: id.ino,
                        name: String::new(),
                        generation: id.generation,
                    };
                    found.push(LinkedFile { path: text.to_string(), key, nlink: meta.nlink() });
                }
            }
        }
    }
    (found, true)
}

/// Whether `ancestor` is `path` or one of its parent directories (by components).
pub fn covers(ancestor: &str, path: &str) -> bool {
    ancestor == "/" || path == ancestor || path.strip_prefix(ancestor).is_some_and(|rest| rest.starts_with('/'))
}

/// The modes of the object deciding for `path` among `objects` (the deepest one that
/// covers it), as the kernel's walk from `path` decides.
pub fn deciding(objects: &[(String, u32)], path: &str) -> Option<u32> {
    objects
        .iter()
        .filter(|(o, _)| covers(o, path))
        .max_by_key(|(o, _)| if o == "/" { 0 } else { o.len() })
        .map(|&(_, m)| m)
}

/// The directories of a subject to scan: objects other than `/` that lack a right
/// another of its objects grants (a file linked from there to there would gain it).
pub fn restricted_dirs(objects: &[(String, u32)]) -> Vec<&str> {
    let granted = objects.iter().fold(0, |all, (_, m)| all | (m & LINKED_RIGHTS));
    objects
        .iter()
        .filter(|(o, m)| o != "/" && (granted & !(m & LINKED_RIGHTS)) != 0 && Path::new(o).is_dir())
        .map(|(o, _)| o.as_str())
        .collect()
}

/// Per file found (by key), the rights its names have in common and the first name. A
/// file with names that were not found (outside the restricted directories: under the
/// subject's `/` rule alone, which is never searched) also gets no more than `/` gives.
pub fn meet(objects: &[(String, u32)], found: &[LinkedFile]) -> BTreeMap<Key, (u32, String)> {
    let mut out: BTreeMap<Key, (u32, String, u64, u64)> = BTreeMap::new();
    for f in found {
        let Some(modes) = deciding(objects, &f.path) else { continue };
        out.entry(f.key.clone())
            .and_modify(|(m, _, seen, _)| {
                *m &= modes | !LINKED_RIGHTS;
                *seen += 1;
            })
            .or_insert((modes, f.path.clone(), 1, f.nlink));
    }
    let root = deciding(objects, "/").unwrap_or(0);
    out.into_iter()
        .map(|(key, (mut modes, path, seen, nlink))| {
            if seen < nlink {
                modes &= root | !LINKED_RIGHTS;
            }
            (key, (modes, path))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects() -> Vec<(String, u32)> {
        vec![("/".into(), access::READ), ("/srv/secret".into(), 0), ("/srv/secret/pub".into(), access::READ)]
    }

    #[test]
    fn the_deepest_covering_object_decides() {
        let o = objects();
        assert_eq!(deciding(&o, "/srv/secret/x"), Some(0));
        assert_eq!(deciding(&o, "/srv/secret/pub/x"), Some(access::READ));
        assert_eq!(deciding(&o, "/srv/secretive"), Some(access::READ));
        assert_eq!(deciding(&o, "/etc/x"), Some(access::READ));
        assert!(covers("/srv", "/srv") && covers("/", "/x") && !covers("/srv", "/srvx"));
    }

    #[test]
    fn a_file_gets_what_its_names_have_in_common() {
        let key = |ino| Key { kind: kind::INODE, dev: 8, ino, name: String::new(), generation: Some(1) };
        let found = vec![
            LinkedFile { path: "/srv/secret/pub/a".into(), key: key(5), nlink: 2 },
            LinkedFile { path: "/srv/secret/a".into(), key: key(5), nlink: 2 },
            LinkedFile { path: "/srv/secret/pub/b".into(), key: key(6), nlink: 2 },
        ];
        let m = meet(&objects(), &found);
        assert_eq!(m[&key(5)], (0, "/srv/secret/pub/a".to_string()));
        assert_eq!(m[&key(6)].0, access::READ);
        // A system file (its other name under `/`: r x) linked into a directory that
        // gives w but not x: its rule must not give w to its other name.
        let objects =
            vec![("/".to_string(), access::READ | access::EXEC), ("/tmp".to_string(), access::READ | access::WRITE)];
        let found = vec![LinkedFile { path: "/tmp/x".into(), key: key(7), nlink: 2 }];
        assert_eq!(meet(&objects, &found)[&key(7)].0, access::READ);
    }

    #[test]
    fn scans_one_file_system_within_its_budget() {
        let dir = std::env::temp_dir().join(format!("rampart-links-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/one"), b"1").unwrap();
        std::fs::write(dir.join("two"), b"2").unwrap();
        std::fs::hard_link(dir.join("two"), dir.join("two-again")).unwrap();
        let mut budget = 100;
        let (found, complete) = scan(&dir, &mut budget);
        assert!(complete);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|f| f.key.ino == found[0].key.ino));
        let mut budget = 1;
        assert!(!scan(&dir, &mut budget).1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
