//! A suite's `programs` file (`qemu/rampart/suites/<suite>/programs`): the host
//! programs, libraries and data the guest needs, one a line:
//!
//! ```text
//! # comment
//! /usr/bin/luajit          luajit    # a path, and the Debian package that provides it
//! /usr/lib/paxtest/        paxtest   # a directory: its whole tree
//! /usr/lib/x86_64-linux-gnu/libz.so.1*   # globs: * ? [...]
//! library-dir /usr/lib/paxtest       # searched for DT_NEEDED as LD_LIBRARY_PATH would be
//! ```
//!
//! The package is optional; `rampart doctor --install` installs every package the
//! suites name, and a path missing on this machine is an error naming its package.

use super::closure::Closure;
use super::elf_deps::Resolver;
use super::glob;
use super::hostfs::HostFs;
use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The file a suite lists its programs in.
pub const FILE: &str = "programs";

/// One line of a programs file (or one `--programs` argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// An absolute path or glob.
    pub pattern: String,
    /// The Debian package that provides it.
    pub package: Option<String>,
    /// Where it was given (`<file>:<line>` or `--programs`).
    pub origin: String,
}

fn is_package_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
}

/// A programs file, or several merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Programs {
    /// The paths and globs, in order.
    pub entries: Vec<Entry>,
    /// `library-dir` lines: directories searched for libraries after the requesting
    /// object's `DT_RPATH` and before its `DT_RUNPATH`, where the loader searches
    /// `LD_LIBRARY_PATH` (for programs run with it set, as paxtest's are).
    pub library_dirs: Vec<String>,
}

impl Programs {
    /// Appends `other`'s entries and directories.
    pub fn extend(&mut self, other: Programs) {
        self.entries.extend(other.entries);
        self.library_dirs.extend(other.library_dirs);
    }

    /// True when there is nothing to add.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Parses a programs file's text; `name` is used in error messages and origins.
pub fn parse(text: &str, name: &str) -> Result<Programs> {
    let mut programs = Programs::default();
    for (i, line) in text.lines().enumerate() {
        let origin = format!("{name}:{}", i + 1);
        let line = line.split('#').next().unwrap_or_default();
        let fields: Vec<&str> = line.split_whitespace().collect();
        if let ["library-dir", dirs @ ..] = &fields[..] {
            if dirs.is_empty() || dirs.iter().any(|d| !d.starts_with('/')) {
                bail!("{origin}: expected `library-dir /ABSOLUTE/DIR...`, got {line:?}");
            }
            programs.library_dirs.extend(dirs.iter().map(|d| d.to_string()));
            continue;
        }
        let (pattern, package) = match fields[..] {
            [] => continue,
            [path] => (path, None),
            [path, package] => (path, Some(package)),
            _ => bail!("{origin}: expected `PATH [PACKAGE]`, got {line:?}"),
        };
        if !pattern.starts_with('/') {
            bail!("{origin}: {pattern:?} is not an absolute path");
        }
        if let Some(p) = package.filter(|p| !is_package_name(p)) {
            bail!("{origin}: {p:?} is not a Debian package name");
        }
        programs.entries.push(Entry { pattern: pattern.to_string(), package: package.map(str::to_string), origin });
    }
    Ok(programs)
}

/// The programs file at `path`, or nothing when it does not exist.
pub fn load(path: &Path) -> Result<Programs> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Programs::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// `--programs` arguments.
pub fn from_args(paths: &[PathBuf]) -> Result<Programs> {
    let entries = paths
        .iter()
        .map(|p| {
            let pattern = p.to_str().with_context(|| format!("{}: not UTF-8", p.display()))?;
            if !pattern.starts_with('/') {
                bail!("--programs {pattern}: not an absolute path");
            }
            Ok(Entry { pattern: pattern.to_string(), package: None, origin: "--programs".into() })
        })
        .collect::<Result<_>>()?;
    Ok(Programs { entries, library_dirs: vec![] })
}

/// Every package the suites under `suites` name, sorted (for `rampart doctor`).
pub fn suite_packages(suites: &Path) -> Result<Vec<String>> {
    let mut packages = BTreeSet::new();
    let Ok(dirs) = std::fs::read_dir(suites) else { return Ok(vec![]) };
    for dir in dirs {
        let file = dir?.path().join(FILE);
        packages.extend(load(&file)?.entries.into_iter().filter_map(|e| e.package));
    }
    Ok(packages.into_iter().collect())
}

/// The same path spelled the other way round a merged /usr (`/usr/bin/ls` and `/bin/ls`):
/// dpkg knows a file only by the name its package ships it under.
fn other_spelling(path: &str) -> Option<String> {
    ["bin", "sbin", "lib", "lib64"].iter().find_map(|d| {
        let (short, long) = (format!("/{d}/"), format!("/usr/{d}/"));
        match (path.strip_prefix(&long), path.strip_prefix(&short)) {
            (Some(rest), _) => Some(format!("{short}{rest}")),
            (_, Some(rest)) => Some(format!("{long}{rest}")),
            _ => None,
        }
    })
}

/// The installed package `dpkg -S` says owns `path` (or its other spelling), if any.
fn dpkg_owner(path: &str) -> Option<String> {
    std::iter::once(path.to_string()).chain(other_spelling(path)).find_map(|p| dpkg_query(&p))
}

fn dpkg_query(path: &str) -> Option<String> {
    let out = Command::new("dpkg").args(["-S", path]).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next()?;
    let (package, _) = first.split_once(": ")?;
    (out.status.success() && !package.contains(' ')).then(|| package.split(':').next().unwrap_or(package).to_string())
}

/// The error for an entry that matches nothing on this machine.
fn missing(entry: &Entry, fs: &HostFs) -> anyhow::Error {
    let Entry { pattern, origin, .. } = entry;
    if let Some(p) = &entry.package {
        return anyhow::anyhow!(
            "{origin}: {pattern} is not on this machine; it comes from the Debian package `{p}`: \
             run `rampart doctor --install` (or `apt-get install {p}`)"
        );
    }
    match (fs.root() == Path::new("/")).then(|| dpkg_owner(pattern)).flatten() {
        Some(p) => anyhow::anyhow!(
            "{origin}: {pattern} is not on this machine, though dpkg says the package `{p}` provides it: \
             `apt-get install --reinstall {p}`"
        ),
        None if origin == "--programs" => anyhow::anyhow!(
            "{origin}: {pattern} is not on this machine and no installed package provides it: install the Debian \
             package that does, or list it in the suite's programs file with its package for `rampart doctor --install`"
        ),
        None => anyhow::anyhow!(
            "{origin}: {pattern} is not on this machine and no installed package provides it: name the Debian \
             package after the path (`{pattern} PACKAGE`) so `rampart doctor --install` installs it"
        ),
    }
}

/// Everything `programs` need from `fs`, skipping what the guest already has (`provided`).
pub fn resolve(fs: &HostFs, programs: &Programs, provided: &BTreeSet<String>) -> Result<Closure> {
    let mut resolver = Resolver::new(fs, provided, &programs.library_dirs);
    for entry in &programs.entries {
        let paths = glob::expand(fs, &entry.pattern);
        if paths.is_empty() {
            return Err(missing(entry, fs));
        }
        for path in paths {
            resolver.add(&path).with_context(|| format!("{}: {}", entry.origin, entry.pattern))?;
        }
    }
    resolver.finish()
}

#[cfg(test)]
mod tests {
    use super::super::hostfs::Scratch;
    use super::*;

    #[test]
    fn lines_comments_and_packages() {
        let text = "# header\n\n/usr/bin/luajit luajit # the JIT\n  /usr/lib/paxtest/  \n/a/b*  x11-common\nlibrary-dir /x /y\n";
        let p = parse(text, "programs").unwrap();
        assert_eq!(p.library_dirs, ["/x", "/y"]);
        let e = p.entries;
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].pattern.as_str(), e[0].package.as_deref()), ("/usr/bin/luajit", Some("luajit")));
        assert_eq!(e[0].origin, "programs:3");
        assert_eq!((e[1].pattern.as_str(), e[1].package.as_deref()), ("/usr/lib/paxtest/", None));
        assert_eq!(e[2].package.as_deref(), Some("x11-common"));
        for bad in [
            "usr/bin/ls",
            "/usr/bin/ls coreutils extra",
            "/usr/bin/ls Coreutils",
            "/x -",
            "library-dir",
            "library-dir x",
        ] {
            assert!(parse(bad, "p").is_err(), "{bad}");
        }
        assert!(from_args(&["rel".into()]).is_err());
        assert_eq!(from_args(&["/usr/bin/env".into()]).unwrap().entries[0].origin, "--programs");
    }

    #[test]
    fn a_missing_program_names_its_package_and_the_fix() {
        let t = Scratch::new("programs-missing");
        let fs = HostFs::new(&t.0);
        let e = parse("/usr/bin/paxtest paxtest\n", "suites/userspace/programs").unwrap();
        let err = resolve(&fs, &e, &BTreeSet::new()).unwrap_err().to_string();
        assert!(err.contains("suites/userspace/programs:1"), "{err}");
        assert!(err.contains("`paxtest`") && err.contains("rampart doctor --install"), "{err}");
        let e = parse("/usr/bin/nothing-provides-this\n", "p").unwrap();
        let err = resolve(&fs, &e, &BTreeSet::new()).unwrap_err().to_string();
        assert!(err.contains("name the Debian package"), "{err}");
    }

    #[test]
    fn dpkg_names_the_owner_of_a_host_file() {
        assert_eq!(dpkg_owner("/usr/bin/ls").as_deref(), Some("coreutils"));
        assert_eq!(dpkg_owner("/bin/ls").as_deref(), Some("coreutils"));
        assert_eq!(
            other_spelling("/lib/x86_64-linux-gnu/libz.so.1").as_deref(),
            Some("/usr/lib/x86_64-linux-gnu/libz.so.1")
        );
        assert_eq!(other_spelling("/etc/passwd"), None);
        assert_eq!(dpkg_owner("/usr/bin/nothing-provides-this"), None);
    }

    #[test]
    fn the_suites_packages_are_collected() {
        let t = Scratch::new("programs-suites");
        t.write("/a/programs", b"/usr/bin/luajit luajit\n/usr/bin/ls\n");
        t.write("/b/programs", b"/usr/lib/paxtest/ paxtest\n/usr/bin/luajit luajit\n");
        t.write("/c/01.sh", b"");
        assert_eq!(suite_packages(&t.0).unwrap(), ["luajit", "paxtest"]);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../qemu/rampart/suites");
        let shipped = suite_packages(&repo).unwrap();
        assert!(shipped.contains(&"paxtest".into()) && shipped.contains(&"luajit".into()), "{shipped:?}");
    }
}
