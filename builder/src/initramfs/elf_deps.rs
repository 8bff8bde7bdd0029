//! What a program needs to run, found the way the dynamic loader finds it, from the
//! files alone (nothing is run): the `PT_INTERP` loader, every `DT_NEEDED` library,
//! recursively, searched in the requesting object's `DT_RPATH` (and its loaders', when
//! it has no `DT_RUNPATH`), its `DT_RUNPATH`, the directories of the host's
//! `/etc/ld.so.conf` and the loader's default directories, skipping libraries of
//! another class or machine; a script's `#!` interpreter; every symbolic link on the
//! way; and, for a directory, its whole tree. Directories a suite declares (for
//! programs run with `LD_LIBRARY_PATH`) are searched where that variable would be. `$ORIGIN` is expanded; an entry with
//! `$LIB` or `$PLATFORM` is skipped.

use super::closure::Closure;
use super::elf::{self, Kind};
use super::glob;
use super::hostfs::HostFs;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeSet, VecDeque};
use std::io::Read;

/// The host's loader cache: copied when a dynamic program is added, so libraries the
/// host finds only through it (directories of `ld.so.conf` the loader does not search
/// by default) are found in the guest too. Entries for files the guest lacks are
/// skipped by the loader, which then searches its default directories.
pub const LD_SO_CACHE: &str = "/etc/ld.so.cache";

/// How deep `include` lines of `ld.so.conf` may nest.
const MAX_CONF_DEPTH: usize = 8;

/// One object to add: the path the loader opens, where it is, `$ORIGIN`, and the
/// `DT_RPATH` directories of the objects that loaded it.
struct Object {
    spelled: String,
    canonical: String,
    origin: String,
    rpath_chain: Vec<String>,
}

/// Collects programs, data and everything they need into a [`Closure`].
pub struct Resolver<'a> {
    fs: &'a HostFs,
    /// Guest paths the initramfs already has (busybox's applets): an interpreter
    /// there is the guest's own; naming one as a program is an error.
    provided: &'a BTreeSet<String>,
    conf_dirs: Vec<String>,
    library_dirs: Vec<String>,
    closure: Closure,
    done: BTreeSet<String>,
    dynamic: bool,
}

fn dirname(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The first bytes of a file (enough for an ELF header or a `#!` line).
fn head(fs: &HostFs, path: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(256);
    std::fs::File::open(fs.host_path(path))
        .and_then(|f| f.take(256).read_to_end(&mut buf))
        .with_context(|| format!("reading {path}"))?;
    Ok(buf)
}

/// The absolute interpreter of a `#!` line, if any.
fn shebang(head: &[u8]) -> Option<String> {
    let line = head.strip_prefix(b"#!")?;
    let line = &line[..line.iter().position(|&b| b == b'\n').unwrap_or(line.len())];
    let text = std::str::from_utf8(line).ok()?;
    let interp = text.split_whitespace().next()?;
    interp.starts_with('/').then(|| interp.to_string())
}

/// `dir` with `$ORIGIN` expanded; `None` for entries the guest could not use as given
/// (relative, or with another substitution).
fn expand_origin(dir: &str, origin: &str) -> Option<String> {
    let dir = dir.replace("${ORIGIN}", origin).replace("$ORIGIN", origin);
    (dir.starts_with('/') && !dir.contains('$')).then_some(dir)
}

/// The loader's built-in directories for objects of `kind` (Debian's multiarch ones
/// first, then the traditional ones).
pub fn default_dirs(kind: Kind) -> Vec<String> {
    let triplet = match (kind.machine, kind.class64) {
        (62, true) => Some("x86_64-linux-gnu"),
        (62, false) => Some("x86_64-linux-gnux32"),
        (3, false) => Some("i386-linux-gnu"),
        (183, true) => Some("aarch64-linux-gnu"),
        (40, false) => Some("arm-linux-gnueabihf"),
        _ => None,
    };
    let mut dirs = Vec::new();
    if let Some(t) = triplet {
        dirs.extend([format!("/lib/{t}"), format!("/usr/lib/{t}")]);
    }
    if kind.class64 {
        dirs.extend(["/lib64".to_string(), "/usr/lib64".to_string()]);
    }
    dirs.extend(["/lib".to_string(), "/usr/lib".to_string()]);
    dirs
}

/// The directories `/etc/ld.so.conf` lists, `include`s followed, in order.
pub fn ld_so_conf(fs: &HostFs) -> Vec<String> {
    fn read(fs: &HostFs, path: &str, depth: usize, out: &mut Vec<String>) {
        let Ok(text) = std::fs::read_to_string(fs.host_path(path)) else { return };
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if let Some(rest) = line.strip_prefix("include").filter(|r| r.starts_with(char::is_whitespace)) {
                if depth >= MAX_CONF_DEPTH {
                    continue;
                }
                for pattern in rest.split_whitespace() {
                    let pattern = if pattern.starts_with('/') {
                        pattern.to_string()
                    } else {
                        format!("{}/{pattern}", dirname(path))
                    };
                    for file in glob::expand(fs, &pattern) {
                        read(fs, &file, depth + 1, out);
                    }
                }
            } else if !line.starts_with("hwcap") {
                for dir in line.split([':', ',', ' ', '\t']).filter(|d| d.starts_with('/')) {
                    let dir = dir.split('=').next().unwrap_or(dir).trim_end_matches('/');
                    let dir = if dir.is_empty() { "/" } else { dir };
                    if !out.iter().any(|d| d == dir) {
                        out.push(dir.to_string());
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    read(fs, "/etc/ld.so.conf", 0, &mut out);
    out
}

impl<'a> Resolver<'a> {
    /// A resolver over `fs`, reading its `ld.so.conf`; `library_dirs` are searched
    /// where the loader searches `LD_LIBRARY_PATH`.
    pub fn new(fs: &'a HostFs, provided: &'a BTreeSet<String>, library_dirs: &[String]) -> Self {
        Resolver {
            fs,
            provided,
            conf_dirs: ld_so_conf(fs),
            library_dirs: library_dirs.to_vec(),
            closure: Closure::default(),
            done: BTreeSet::new(),
            dynamic: false,
        }
    }

    /// Adds `path` (a program, a library, a data file or a directory tree) and
    /// everything it needs.
    pub fn add(&mut self, path: &str) -> Result<()> {
        if self.provided.contains(path) {
            bail!("{path} is busybox's in the guest; name the program by its own path (e.g. /usr/bin/dash)");
        }
        let walked = self.fs.walk(path).with_context(|| format!("resolving {path}"))?;
        self.closure.add_walk(self.fs, path, &walked)?;
        let canonical = walked.canonical;
        let meta = std::fs::metadata(self.fs.host_path(&canonical)).with_context(|| format!("reading {path}"))?;
        if meta.is_dir() {
            return self.add_tree(&canonical);
        }
        if !meta.is_file() {
            bail!("{path} is not a regular file or a directory");
        }
        let origin = dirname(&canonical).to_string();
        self.add_objects(Object { spelled: path.to_string(), canonical, origin, rpath_chain: vec![] })
    }

    /// Adds a directory's tree: subdirectories, links (and what they point to, when it
    /// exists), and files with what they need.
    fn add_tree(&mut self, dir: &str) -> Result<()> {
        self.closure.add_dir(self.fs, dir)?;
        let mut entries: Vec<_> = std::fs::read_dir(self.fs.host_path(dir))
            .with_context(|| format!("listing {dir}"))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<std::io::Result<_>>()?;
        entries.sort();
        for name in entries {
            let name = name.to_str().with_context(|| format!("{dir}: a file name is not UTF-8"))?;
            let path = if dir == "/" { format!("/{name}") } else { format!("{dir}/{name}") };
            let meta = std::fs::symlink_metadata(self.fs.host_path(&path))?;
            if meta.is_symlink() {
                if self.fs.walk(&path).is_ok() {
                    self.add(&path)?;
                } else {
                    // A dangling link is copied as it is.
                    let target = std::fs::read_link(self.fs.host_path(&path))?;
                    let target = target.to_str().with_context(|| format!("{path}: link target is not UTF-8"))?;
                    let walked =
                        super::hostfs::Walked { canonical: path.clone(), links: vec![(path.clone(), target.into())] };
                    self.closure.add_walk(self.fs, &path, &walked)?;
                }
            } else if meta.is_dir() {
                self.add_tree(&path)?;
            } else if meta.is_file() {
                let origin = dir.to_string();
                self.add_objects(Object { spelled: path.clone(), canonical: path, origin, rpath_chain: vec![] })?;
            }
        }
        Ok(())
    }

    /// An interpreter (`PT_INTERP`, `#!`) of `user`, unless the guest has its own.
    fn interpreter(&mut self, path: &str, user: &str) -> Result<Option<Object>> {
        if self.provided.contains(path) {
            return Ok(None);
        }
        let walked = self.fs.walk(path).with_context(|| format!("{path}, the interpreter of {user}, is missing"))?;
        self.closure.add_walk(self.fs, path, &walked)?;
        let origin = dirname(&walked.canonical).to_string();
        Ok(Some(Object { spelled: path.to_string(), canonical: walked.canonical, origin, rpath_chain: vec![] }))
    }

    /// The first library `name` in `dirs` that loads into an object of `kind`: the
    /// path the loader opens and where it leads.
    fn find_library(&self, name: &str, kind: Kind, dirs: &[String]) -> Option<(String, super::hostfs::Walked)> {
        dirs.iter().find_map(|dir| {
            let path = format!("{}/{name}", dir.trim_end_matches('/'));
            let walked = self.fs.walk(&path).ok()?;
            let is_file = std::fs::metadata(self.fs.host_path(&walked.canonical)).ok()?.is_file();
            let fits = elf::kind(&head(self.fs, &walked.canonical).ok()?).ok()? == kind;
            (is_file && fits).then_some((path, walked))
        })
    }

    /// Adds `first` and, transitively, its interpreter and libraries.
    fn add_objects(&mut self, first: Object) -> Result<()> {
        let mut queue = VecDeque::from([first]);
        while let Some(object) = queue.pop_front() {
            if !self.done.insert(object.canonical.clone()) {
                continue;
            }
            self.closure.add_file(self.fs, &object.canonical)?;
            let head = head(self.fs, &object.canonical)?;
            if !elf::is_elf(&head) {
                if let Some(interp) = shebang(&head) {
                    queue.extend(self.interpreter(&interp, &object.spelled)?);
                }
                continue;
            }
            let bytes = std::fs::read(self.fs.host_path(&object.canonical))
                .with_context(|| format!("reading {}", object.spelled))?;
            let elf = elf::parse(&bytes).with_context(|| format!("reading {}", object.spelled))?;
            if let Some(interp) = &elf.interp {
                self.dynamic = true;
                queue.extend(self.interpreter(interp, &object.spelled)?);
            }
            let mut rpath_chain: Vec<String> =
                elf.rpath.iter().filter_map(|d| expand_origin(d, &object.origin)).collect();
            rpath_chain.extend(object.rpath_chain.iter().cloned());
            let mut dirs: Vec<String> = if elf.runpath.is_empty() { rpath_chain.clone() } else { vec![] };
            dirs.extend(self.library_dirs.iter().cloned());
            dirs.extend(elf.runpath.iter().filter_map(|d| expand_origin(d, &object.origin)));
            dirs.extend(self.conf_dirs.iter().cloned());
            dirs.extend(default_dirs(elf.kind));
            let mut seen = BTreeSet::new();
            dirs.retain(|d| seen.insert(d.clone()));
            for name in &elf.needed {
                let found = if name.contains('/') {
                    let walked = self.fs.walk(name).ok().filter(|_| name.starts_with('/'));
                    walked.map(|w| (name.clone(), w))
                } else {
                    self.find_library(name, elf.kind, &dirs)
                };
                let Some((spelled, walked)) = found else {
                    bail!(
                        "{name}, needed by {}, is in none of {}: install the package that provides it",
                        object.spelled,
                        dirs.join(":")
                    );
                };
                self.closure.add_walk(self.fs, &spelled, &walked)?;
                let origin = dirname(&spelled).to_string();
                let chain = rpath_chain.clone();
                queue.push_back(Object { spelled, canonical: walked.canonical, origin, rpath_chain: chain });
            }
        }
        Ok(())
    }

    /// Everything added, with the host's loader cache when a dynamic program is in it.
    pub fn finish(mut self) -> Result<Closure> {
        if self.dynamic && !self.provided.contains(LD_SO_CACHE) {
            if let Ok(walked) = self.fs.walk(LD_SO_CACHE) {
                self.closure.add_walk(self.fs, LD_SO_CACHE, &walked)?;
                self.closure.add_file(self.fs, &walked.canonical)?;
            }
        }
        Ok(self.closure)
    }
}

#[cfg(test)]
mod tests;
