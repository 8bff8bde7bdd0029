//! File integrity monitoring: a baseline of configured paths (sha256, mode, owner,
//! size, mtime, inode; symlink targets), hashed on every core, and a check that
//! reports added, removed, content-changed and metadata-changed files.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What is recorded of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// sha256 of the content (regular files), or of the link target (symlinks).
    pub sha256: String,
    /// Mode bits, file type included.
    pub mode: u32,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Size in bytes.
    pub size: u64,
    /// Modification time (seconds).
    pub mtime: i64,
    /// Inode number.
    pub inode: u64,
    /// Link count: a new hard link (from outside the tree, say) changes it (0 in
    /// baselines of older versions: not compared).
    #[serde(default)]
    pub nlink: u64,
}

/// A baseline: path to entry, plus files that could not be read.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Baseline {
    /// Recorded files.
    pub files: BTreeMap<PathBuf, Entry>,
    /// Files that could not be read, with the reason.
    pub unreadable: BTreeMap<PathBuf, String>,
}

/// One difference between a baseline and now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A file that was not in the baseline.
    Added {
        /// Path.
        path: PathBuf,
    },
    /// A baseline file that is gone.
    Removed {
        /// Path.
        path: PathBuf,
    },
    /// Content differs.
    Content {
        /// Path.
        path: PathBuf,
        /// Baseline hash.
        before: String,
        /// Current hash.
        after: String,
    },
    /// Same content, different mode, owner, inode, mtime or link count.
    Metadata {
        /// Path.
        path: PathBuf,
        /// Which attributes changed.
        fields: Vec<&'static str>,
    },
}

/// What is recorded as the hash of a file that is neither regular nor a symlink (a
/// FIFO, socket or device: never opened, its type is in `mode`).
pub const SPECIAL: &str = "-";

fn hash_file(path: &Path, buf: &mut [u8]) -> std::io::Result<String> {
    let mut file = crate::open::regular(path)?;
    let mut hasher = Sha256::new();
    loop {
        let n = file.read(buf)?;
        if n == 0 {
            return Ok(format!("{:x}", hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

fn entry_of(path: &Path, buf: &mut [u8]) -> std::io::Result<Entry> {
    let meta = std::fs::symlink_metadata(path)?;
    let kind = meta.file_type();
    let sha256 = if kind.is_symlink() {
        format!("{:x}", Sha256::digest(std::fs::read_link(path)?.as_os_str().as_encoded_bytes()))
    } else if kind.is_file() {
        hash_file(path, buf)?
    } else {
        SPECIAL.to_string()
    };
    Ok(Entry {
        sha256,
        mode: meta.mode(),
        uid: meta.uid(),
        gid: meta.gid(),
        size: meta.size(),
        mtime: meta.mtime(),
        inode: meta.ino(),
        nlink: meta.nlink(),
    })
}

/// Lists regular files and symlinks under `roots` (not following links, not crossing
/// into `exclude`d prefixes).
pub fn list_files(roots: &[PathBuf], exclude: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for root in roots {
        let walker = walkdir::WalkDir::new(root).follow_links(false).into_iter();
        for entry in walker.filter_entry(|e| !exclude.iter().any(|x| e.path().starts_with(x))).flatten() {
            let t = entry.file_type();
            if t.is_file() || t.is_symlink() {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files
}

/// Hashes `files` on `threads` threads (0: one per CPU).
pub fn build(files: &[PathBuf], threads: usize) -> Baseline {
    let threads = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Baseline::default());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut buf = vec![0u8; 1 << 20];
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    local.push((path.clone(), entry_of(path, &mut buf)));
                }
                let mut all = results.lock().unwrap_or_else(|e| e.into_inner());
                for (path, result) in local {
                    match result {
                        Ok(entry) => {
                            all.files.insert(path, entry);
                        }
                        Err(e) => {
                            all.unreadable.insert(path, e.to_string());
                        }
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The change from `old` to `new` for one path, if any.
pub fn diff(path: &Path, old: Option<&Entry>, new: Option<&Entry>) -> Option<Change> {
    let path = path.to_path_buf();
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(Change::Added { path }),
        (Some(_), None) => Some(Change::Removed { path }),
        (Some(old), Some(new)) if new.sha256 != old.sha256 => {
            Some(Change::Content { path, before: old.sha256.clone(), after: new.sha256.clone() })
        }
        (Some(old), Some(new)) => {
            let fields: Vec<&'static str> = [
                ("mode", old.mode != new.mode),
                ("uid", old.uid != new.uid),
                ("gid", old.gid != new.gid),
                ("inode", old.inode != new.inode),
                ("mtime", old.mtime != new.mtime),
                ("nlink", old.nlink != 0 && old.nlink != new.nlink),
            ]
            .into_iter()
            .filter_map(|(name, changed)| changed.then_some(name))
            .collect();
            (!fields.is_empty()).then_some(Change::Metadata { path, fields })
        }
    }
}

/// Differences from `before` to `after`, in path order.
pub fn compare(before: &Baseline, after: &Baseline) -> Vec<Change> {
    let mut paths: Vec<&PathBuf> = before.files.keys().chain(after.files.keys()).collect();
    paths.sort();
    paths.dedup();
    paths.into_iter().filter_map(|p| diff(p, before.files.get(p), after.files.get(p))).collect()
}

/// How long a changed file must stay unchanged before it is checked.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(50);

/// Realtime monitoring: inotify events re-check single files against the baseline.
/// A change raises one event and becomes the new baseline entry (so it is reported
/// once). While the maintenance flag file exists, changes are taken into the baseline
/// without events (and counted): a planned update does not bury real alerts.
pub struct Monitor {
    baseline: Baseline,
    database: PathBuf,
    roots: Vec<PathBuf>,
    realtime: Vec<PathBuf>,
    exclude: Vec<PathBuf>,
    watcher: crate::sources::inotify::Watcher,
    maintenance_flag: PathBuf,
    dirty: bool,
    /// Changed paths waiting to settle, with when they last changed.
    pending: BTreeMap<PathBuf, std::time::Instant>,
    buf: Vec<u8>,
    /// Changes accepted silently during maintenance.
    pub accepted_in_maintenance: u64,
}

impl Monitor {
    /// Starts watching `realtime` directories against the baseline in `database`.
    pub fn open(config: &crate::config::Fim) -> Result<Self> {
        let baseline = load(&config.database)?;
        let mut watcher = crate::sources::inotify::Watcher::new(&config.realtime, &config.exclude)
            .context("starting inotify watches")?;
        for (path, entry) in &baseline.files {
            if entry.nlink > 1 && config.realtime.iter().any(|r| path.starts_with(r)) {
                watcher.watch_file(path);
            }
        }
        Ok(Self {
            realtime: config.realtime.clone(),
            baseline,
            database: config.database.clone(),
            roots: config.paths.clone(),
            exclude: config.exclude.clone(),
            watcher,
            maintenance_flag: config.maintenance_flag.clone(),
            dirty: false,
            pending: BTreeMap::new(),
            buf: vec![0u8; 1 << 20],
            accepted_in_maintenance: 0,
        })
    }

    /// When changed files wait to settle: the next poll is due by then.
    pub fn settle_due(&self) -> Option<std::time::Duration> {
        self.pending.values().map(|t| SETTLE.saturating_sub(t.elapsed())).min()
    }

    /// The inotify descriptor (readable when there are changes to poll).
    pub fn fd(&self) -> std::os::fd::RawFd {
        self.watcher.fd()
    }

    /// Directories watched.
    pub fn watched(&self) -> usize {
        self.watcher.watched()
    }

    /// The files to check for changed `paths`: a directory (or a path that is gone)
    /// stands for everything under it, in the tree now and in the baseline.
    fn expand(&self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for path in paths {
            let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            if is_dir {
                out.extend(list_files(std::slice::from_ref(&path), &self.exclude));
            } else {
                out.push(path.clone());
            }
            out.extend(
                self.baseline.files.range(path.clone()..).map(|(p, _)| p).take_while(|p| p.starts_with(&path)).cloned(),
            );
        }
        out.sort();
        out.dedup();
        out
    }

    /// Changes since the last poll, as events for the rules. When the kernel dropped
    /// events, that raises an event itself and every watched file is checked.
    pub fn poll(&mut self) -> Vec<crate::event::Event> {
        let maintenance = self.maintenance_flag.exists();
        let mut events = Vec::new();
        let changes = self.watcher.poll();
        let paths = if changes.overflowed {
            events.push(overflow_event());
            self.pending.clear();
            self.realtime.clone()
        } else {
            // A file is checked once it has not changed for SETTLE: an edit (truncate,
            // then write) is one change, not an empty file and then the new content.
            let now = std::time::Instant::now();
            for path in changes.paths {
                self.pending.insert(path, now);
            }
            let settled: Vec<PathBuf> =
                self.pending.iter().filter(|(_, t)| t.elapsed() >= SETTLE).map(|(p, _)| p.clone()).collect();
            for path in &settled {
                self.pending.remove(path);
            }
            settled
        };
        for path in self.expand(paths) {
            let covered =
                self.roots.iter().any(|r| path.starts_with(r)) && !self.exclude.iter().any(|x| path.starts_with(x));
            if !covered {
                continue;
            }
            let new = entry_of(&path, &mut self.buf).ok();
            if new.as_ref().is_some_and(|e| e.nlink > 1) {
                self.watcher.watch_file(&path);
            }
            let Some(change) = diff(&path, self.baseline.files.get(&path), new.as_ref()) else { continue };
            match new {
                Some(entry) => self.baseline.files.insert(path.clone(), entry),
                None => self.baseline.files.remove(&path),
            };
            self.dirty = true;
            if maintenance {
                self.accepted_in_maintenance += 1;
                continue;
            }
            events.push(change_event(&change));
        }
        events
    }

    /// Writes the baseline when changes were taken into it.
    pub fn save_if_dirty(&mut self) -> Result<()> {
        if self.dirty {
            save(&self.baseline, &self.database)?;
            self.dirty = false;
        }
        Ok(())
    }
}

/// An event of the integrity monitor, as the rules see it.
fn fim_event(message: String, fields: BTreeMap<String, String>) -> crate::event::Event {
    crate::event::Event {
        source: crate::event::SourceKind::Fim,
        origin: "fim".into(),
        time: crate::logline::now(),
        program: "fim".into(),
        proven: true,
        raw: message.clone(),
        message,
        fields,
        record: None,
    }
}

/// The event for lost realtime events (inotify queue overflow): everything was checked again.
fn overflow_event() -> crate::event::Event {
    let message = "realtime events lost (inotify queue overflow): all watched files checked again".to_string();
    let fields = BTreeMap::from([("change".to_string(), "overflow".to_string())]);
    fim_event(message, fields)
}

/// The event the rules see for a change.
pub fn change_event(change: &Change) -> crate::event::Event {
    let (kind, path, detail) = match change {
        Change::Added { path } => ("added", path, String::new()),
        Change::Removed { path } => ("removed", path, String::new()),
        Change::Content { path, before, after } => ("content", path, format!(" sha256 {before} -> {after}")),
        Change::Metadata { path, fields } => ("metadata", path, format!(" {}", fields.join(","))),
    };
    let message = format!("{kind} {}{detail}", path.display());
    let fields =
        BTreeMap::from([("change".to_string(), kind.to_string()), ("path".to_string(), path.display().to_string())]);
    fim_event(message, fields)
}

/// Writes a baseline atomically.
pub fn save(baseline: &Baseline, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec(baseline)?)?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
}

/// Reads a baseline.
pub fn load(path: &Path) -> Result<Baseline> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {} (run `fim init` first)", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not a baseline", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn reports_every_kind_of_change() {
        let dir = std::env::temp_dir().join(format!("hidsd-fim-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("skip")).unwrap();
        for name in ["same", "content", "meta", "gone"] {
            std::fs::write(dir.join(name), name).unwrap();
        }
        std::fs::write(dir.join("skip/x"), "x").unwrap();
        std::os::unix::fs::symlink("same", dir.join("link")).unwrap();
        let roots = [dir.clone()];
        let exclude = [dir.join("skip")];
        let before = build(&list_files(&roots, &exclude), 2);
        assert_eq!(before.files.len(), 5);

        std::fs::write(dir.join("content"), "changed").unwrap();
        std::fs::set_permissions(dir.join("meta"), std::fs::Permissions::from_mode(0o4755)).unwrap();
        std::fs::remove_file(dir.join("gone")).unwrap();
        std::fs::write(dir.join("new"), "new").unwrap();
        std::fs::remove_file(dir.join("link")).unwrap();
        std::os::unix::fs::symlink("content", dir.join("link")).unwrap();
        let after = build(&list_files(&roots, &exclude), 3);
        let changes = compare(&before, &after);
        let summary: Vec<String> = changes
            .iter()
            .map(|c| match c {
                Change::Added { path } => format!("added {}", path.file_name().unwrap().to_string_lossy()),
                Change::Removed { path } => format!("removed {}", path.file_name().unwrap().to_string_lossy()),
                Change::Content { path, .. } => format!("content {}", path.file_name().unwrap().to_string_lossy()),
                Change::Metadata { path, fields } => {
                    format!("metadata {} {:?}", path.file_name().unwrap().to_string_lossy(), fields)
                }
            })
            .collect();
        assert_eq!(
            summary,
            ["content content", "removed gone", "content link", "metadata meta [\"mode\"]", "added new"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
