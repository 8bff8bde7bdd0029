//! Compiling a text policy into the format the kernel loads
//! (`kmod/common/src/rbac.rs`): paths are resolved to the inodes they name on this
//! machine, inheritance is flattened, tables are sorted for the kernel's lookups.

use crate::ident::identify;
use crate::links::{self, LinkedFile};
use crate::text::{quote, quote_str, CapName, PolicyText, RoleFor, SubjectDef};
use anyhow::{bail, Context, Result};
use rampart_kernel_logic::rbac::{self, kind, role_kind, Policy, CAP_LAST};
use std::collections::{BTreeMap, HashMap};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// How the kernel identifies a file: see `rbac.rs`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// [`kind::INODE`] or [`kind::NAME`].
    pub kind: u32,
    /// Device, kernel encoding.
    pub dev: u32,
    /// Inode, or the directory's inode for a name.
    pub ino: u64,
    /// The name in the directory ([`kind::NAME`] only).
    pub name: String,
    /// The inode's generation, or the directory's for a name (None: the file system
    /// keeps none, and the inode number alone decides).
    pub generation: Option<u32>,
}

/// Turns policy paths into keys.
pub trait Resolve {
    /// The keys of `path`, plus a warning if it is only matched by name.
    fn resolve(&self, path: &str) -> Result<(Vec<Key>, Option<String>)>;

    /// Files with more than one name below the directory `dir` (see [`links`]), looking
    /// at no more than `*budget` entries; false when the budget ran out first.
    fn linked_files(&self, _dir: &str, _budget: &mut usize) -> (Vec<LinkedFile>, bool) {
        (Vec::new(), true)
    }
}

/// Resolves paths on this machine's filesystems.
pub struct Filesystem;

impl Resolve for Filesystem {
    fn resolve(&self, path: &str) -> Result<(Vec<Key>, Option<String>)> {
        let p = Path::new(path);
        let path = quote_str(path);
        match identify(p) {
            Ok(id) => {
                let mut keys = vec![Key {
                    kind: kind::INODE,
                    dev: id.dev,
                    ino: id.ino,
                    name: String::new(),
                    generation: id.generation,
                }];
                if !id.is_dir {
                    let real = std::fs::canonicalize(p).with_context(|| format!("resolving {path}"))?;
                    if let Some(key) = name_key(&real)? {
                        keys.push(key);
                    }
                }
                Ok((keys, None))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let parent = p.parent().with_context(|| format!("{path} has no parent"))?;
                let real_parent = std::fs::canonicalize(parent)
                    .with_context(|| format!("{path}: neither it nor its directory exists"))?;
                let name = p.file_name().with_context(|| format!("{path} has no file name"))?;
                let key = name_key(&real_parent.join(name))?.with_context(|| format!("{path}: no directory"))?;
                Ok((vec![key], Some(format!("{path} does not exist yet: matched by its name in {}", shown(parent)))))
            }
            Err(e) => Err(e).with_context(|| format!("resolving {path}")),
        }
    }

    fn linked_files(&self, dir: &str, budget: &mut usize) -> (Vec<LinkedFile>, bool) {
        links::scan(Path::new(dir), budget)
    }
}

/// A path in a message, as the policy writes names (one line, ASCII).
fn shown(path: &Path) -> String {
    quote(path.as_os_str().as_bytes())
}

fn name_key(real: &Path) -> Result<Option<Key>> {
    let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else { return Ok(None) };
    let dir = identify(parent).with_context(|| format!("resolving {}", shown(parent)))?;
    let name = name.to_str().with_context(|| format!("{} is not UTF-8", shown(real)))?.to_string();
    Ok(Some(Key { kind: kind::NAME, dev: dir.dev, ino: dir.ino, name, generation: dir.generation }))
}

/// A compiled policy.
#[derive(Debug)]
pub struct Compiled {
    /// What the kernel loads.
    pub bytes: Vec<u8>,
    /// Notes for the admin (objects only matched by name, ...).
    pub warnings: Vec<String>,
}

struct EntryOut {
    key: Key,
    value: u64,
    path: String,
}

#[derive(Default)]
struct Strings {
    bytes: Vec<u8>,
    seen: HashMap<String, (u32, u32)>,
}

impl Strings {
    fn add(&mut self, s: &str) -> Result<(u32, u32)> {
        if let Some(&at) = self.seen.get(s) {
            return Ok(at);
        }
        let at = (u32::try_from(self.bytes.len())?, u32::try_from(s.len())?);
        self.bytes.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_string(), at);
        Ok(at)
    }
}

const ALL_CAPS: u64 = (1u64 << (CAP_LAST + 1)) - 1;

fn apply_caps(mut caps: u64, changes: &[(bool, CapName)]) -> u64 {
    for (add, cap) in changes {
        let bits = match cap {
            CapName::All => ALL_CAPS,
            CapName::One(n) => 1u64 << n,
        };
        caps = if *add { caps | bits } else { caps & !bits };
    }
    caps
}

/// Sorts entries for the kernel's binary search and drops later duplicates of a key
/// (earlier entries take precedence: a subject's own objects come before inherited ones).
fn sorted_unique(entries: Vec<EntryOut>) -> Vec<EntryOut> {
    let mut by_key: BTreeMap<(u32, u32, u64, String), EntryOut> = BTreeMap::new();
    for e in entries {
        by_key.entry((e.key.kind, e.key.dev, e.key.ino, e.key.name.clone())).or_insert(e);
    }
    by_key.into_values().collect()
}

/// Compiles `policy`, resolving paths with `resolver`. The result is validated with the
/// kernel's own checks before it is returned.
pub fn compile(policy: &PolicyText, resolver: &dyn Resolve) -> Result<Compiled> {
    let mut warnings = Vec::new();
    let mut resolved: HashMap<String, Vec<Key>> = HashMap::new();
    let mut resolve = |path: &str| -> Result<Vec<Key>> {
        if let Some(keys) = resolved.get(path) {
            return Ok(keys.clone());
        }
        let (keys, warning) = resolver.resolve(path)?;
        warnings.extend(warning);
        resolved.insert(path.to_string(), keys.clone());
        Ok(keys)
    };

    let mut roles = Vec::new();
    let mut subjects = Vec::new();
    let mut entries: Vec<EntryOut> = Vec::new();
    let mut strings = Strings::default();
    // Flattened objects and capabilities per subject index.
    let mut flat: Vec<(Vec<(String, u32)>, u64)> = Vec::new();

    for (role_index, role) in policy.roles.iter().enumerate() {
        let first_subject = subjects.len();
        let mut keys = Vec::new();
        for s in &role.subjects {
            let index = subjects.len();
            let parent = s
                .inherits
                .as_ref()
                .and_then(|p| role.subjects.iter().position(|x| &x.path == p).map(|i| first_subject + i));
            let (mut objects, caps) = match parent {
                Some(p) => flat[p].clone(),
                None => (Vec::new(), ALL_CAPS),
            };
            // Own objects first: they take precedence over inherited ones with the same key.
            let own: Vec<(String, u32)> = s.objects.iter().map(|o| (o.path.clone(), o.modes)).collect();
            objects.retain(|(p, _)| !own.iter().any(|(q, _)| q == p));
            let objects = [own, objects].concat();
            let caps = apply_caps(caps, &s.caps) & !(1u64 << rbac::CAP_PTRACE_OTHER);
            let caps = if s.ptrace { caps | 1u64 << rbac::CAP_PTRACE_OTHER } else { caps };
            flat.push((objects, caps));
            for key in resolve(&s.path).with_context(|| format!("subject {} (line {})", quote_str(&s.path), s.line))? {
                keys.push(EntryOut { key, value: index as u64, path: s.path.clone() });
            }
            subjects.push((s, parent, role_index));
        }
        check_distinct(&keys, "subjects", &role.name)?;
        roles.push((role, sorted_unique(keys)));
    }

    // Lay out entries: per role its subject keys, per subject its objects.
    let mut role_ranges = Vec::new();
    for (_, keys) in &mut roles {
        let start = entries.len();
        entries.append(keys);
        role_ranges.push((start, entries.len() - start));
    }
    let mut subject_ranges = Vec::new();
    let mut scans = LinkScans::default();
    let mut link_warnings = Vec::new();
    for (index, (objects, _)) in flat.iter().enumerate() {
        let mut own = Vec::new();
        for (path, modes) in objects {
            let subject: &SubjectDef = subjects[index].0;
            for key in resolve(path)
                .with_context(|| format!("object {} of subject {}", quote_str(path), quote_str(&subject.path)))?
            {
                own.push(EntryOut { key, value: u64::from(*modes), path: path.clone() });
            }
        }
        // After the subject's own objects: a file's own rule takes precedence.
        own.extend(scans.linked_entries(resolver, objects, &mut link_warnings));
        let own = sorted_unique(own);
        let start = entries.len();
        entries.extend(own);
        subject_ranges.push((start, entries.len() - start));
    }

    let mut out = Vec::new();
    let header_at = out.len();
    out.resize(rbac::HEADER_LEN, 0);
    for ((role, _), (start, len)) in roles.iter().zip(&role_ranges) {
        let (kind, id) = match role.applies_to {
            RoleFor::Default => (role_kind::DEFAULT, 0),
            RoleFor::User(uid) => (role_kind::USER, uid),
            RoleFor::Group(gid) => (role_kind::GROUP, gid),
        };
        out.push(kind);
        out.extend_from_slice(&[u8::from(role.learn), 0, 0]);
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&u32::try_from(*start)?.to_le_bytes());
        out.extend_from_slice(&u32::try_from(*len)?.to_le_bytes());
    }
    for (index, (s, parent, role)) in subjects.iter().enumerate() {
        let (path_off, path_len) = strings.add(&s.path)?;
        let (start, len) = subject_ranges[index];
        out.extend_from_slice(&flat[index].1.to_le_bytes());
        out.extend_from_slice(&parent.map_or(u32::MAX, |p| p as u32).to_le_bytes());
        out.extend_from_slice(&u32::from(s.learn).to_le_bytes());
        for v in [u32::try_from(start)?, u32::try_from(len)?, path_off, path_len, u32::try_from(*role)?, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    for e in &entries {
        let (name_off, name_len) = if e.key.kind == kind::NAME { strings.add(&e.key.name)? } else { (0, 0) };
        let (path_off, path_len) = strings.add(&e.path)?;
        out.extend_from_slice(&e.key.ino.to_le_bytes());
        out.extend_from_slice(&e.value.to_le_bytes());
        let (generation, flags) = e.key.generation.map_or((0, 0), |g| (g, rbac::ENTRY_GENERATION));
        for v in [e.key.dev, e.key.kind, name_off, name_len, path_off, path_len, generation, flags] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(&strings.bytes);
    warnings.extend(link_warnings);
    let header: Vec<u32> = vec![
        rbac::VERSION,
        if policy.learn_all { rbac::POLICY_LEARN_ALL } else { 0 },
        u32::try_from(roles.len())?,
        u32::try_from(subjects.len())?,
        u32::try_from(entries.len())?,
        u32::try_from(strings.bytes.len())?,
        0,
    ];
    out[header_at..header_at + 4].copy_from_slice(&rbac::MAGIC);
    for (i, v) in header.iter().enumerate() {
        out[4 + i * 4..8 + i * 4].copy_from_slice(&v.to_le_bytes());
    }
    if let Err(e) = Policy::parse(&out) {
        bail!("the compiled policy fails the kernel's checks: {}", e.message());
    }
    Ok(Compiled { bytes: out, warnings })
}

/// The hard-link scans of one compile, shared by the subjects that name the same
/// directories, within one budget.
struct LinkScans {
    found: HashMap<String, Vec<LinkedFile>>,
    budget: usize,
}

impl Default for LinkScans {
    fn default() -> Self {
        LinkScans { found: HashMap::new(), budget: links::SCAN_BUDGET }
    }
}

impl LinkScans {
    /// Entries of their own for the files with several names under a subject's
    /// restricted directories: what all their names there have in common.
    fn linked_entries(
        &mut self,
        resolver: &dyn Resolve,
        objects: &[(String, u32)],
        warnings: &mut Vec<String>,
    ) -> Vec<EntryOut> {
        let mut found = Vec::new();
        for dir in links::restricted_dirs(objects) {
            if !self.found.contains_key(dir) {
                let (files, complete) = resolver.linked_files(dir, &mut self.budget);
                if !complete {
                    warnings.push(format!(
                        "{} was not searched to the end for hard links (more than {} entries): a file linked from there before the policy was loaded may take the rules of its other name",
                        quote_str(dir),
                        links::SCAN_BUDGET
                    ));
                }
                self.found.insert(dir.to_string(), files);
            }
            found.extend(self.found[dir].iter().cloned());
        }
        links::meet(objects, &found)
            .into_iter()
            .map(|(key, (modes, path))| EntryOut { key, value: u64::from(modes), path })
            .collect()
    }
}

/// Two different paths of one role naming the same file would make the result depend
/// on table order: refuse.
fn check_distinct(entries: &[EntryOut], what: &str, role: &str) -> Result<()> {
    let mut seen: HashMap<&Key, &str> = HashMap::new();
    for e in entries {
        if let Some(other) = seen.insert(&e.key, &e.path) {
            if other != e.path {
                bail!(
                    "{what} {} and {} of role {} are the same file",
                    quote_str(other),
                    quote_str(&e.path),
                    quote_str(role)
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rampart_kernel_logic::mode::Mode;
    use rampart_kernel_logic::rbac::{access, decide, Ident, Level, LevelMatch, Outcome, Request};

    /// A made-up filesystem: each path is a directory (ino from a table) on device 8.
    pub(crate) struct Fake(pub Vec<(&'static str, u64, bool)>);

    impl Resolve for Fake {
        fn resolve(&self, path: &str) -> Result<(Vec<Key>, Option<String>)> {
            let find = |p: &str| self.0.iter().find(|(q, _, _)| *q == p).copied();
            let (_, ino, dir) = find(path).with_context(|| format!("{path} does not exist"))?;
            let mut keys = vec![Key { kind: kind::INODE, dev: 8, ino, name: String::new(), generation: Some(1) }];
            if !dir {
                let (parent, name) = path.rsplit_once('/').unwrap();
                let parent = if parent.is_empty() { "/" } else { parent };
                let (_, pino, _) = find(parent).unwrap();
                keys.push(Key { kind: kind::NAME, dev: 8, ino: pino, name: name.into(), generation: Some(1) });
            }
            Ok((keys, None))
        }
    }

    pub(crate) fn fake() -> Fake {
        Fake(vec![
            ("/", 2, true),
            ("/etc", 10, true),
            ("/etc/shadow", 11, false),
            ("/etc/app.conf", 12, false),
            ("/var", 20, true),
            ("/var/log", 21, true),
            ("/var/log/app", 22, true),
            ("/usr", 30, true),
            ("/usr/bin", 31, true),
            ("/usr/bin/app", 32, false),
            ("/usr/bin/sh", 33, false),
        ])
    }

    const POLICY: &str = "role default\n  subject /\n    / rx\n    /etc/shadow h\n  subject /usr/bin/app inherits /\n    /etc/app.conf r\n    /var/log/app ac\n    -CAP_ALL\n    +CAP_NET_BIND_SERVICE\nrole admin user 0\n  subject /\n    / rwacdx\n";

    fn level(ino: u64, parent: Option<u64>, name: &'static str) -> Level<'static> {
        Level { dev: 8, ino: Some(Ident::new(ino, 1)), parent: parent.map(|p| Ident::new(p, 1)), name: name.as_bytes() }
    }

    /// Points subject `index`'s object range of a compiled policy at `start`, `len`.
    fn set_objects(bytes: &mut [u8], roles: usize, index: usize, start: u32, len: u32) {
        let at = rbac::HEADER_LEN + roles * rbac::ROLE_LEN + index * rbac::SUBJECT_LEN + 16;
        bytes[at..at + 4].copy_from_slice(&start.to_le_bytes());
        bytes[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
    }

    #[test]
    fn ptrace_is_a_subject_bit_not_inherited_and_validated() {
        let text = "role default\n  subject /\n    / rx\n  subject /usr/bin ptrace inherits /\n    / rx\n  subject /usr/bin/app inherits /usr/bin\n    / rx\n";
        let bytes = compile(&PolicyText::parse(text).unwrap(), &fake()).unwrap().bytes;
        let p = Policy::parse(&bytes).unwrap();
        let bit = 1u64 << rbac::CAP_PTRACE_OTHER;
        assert_eq!(p.subject(0).unwrap().caps & bit, 0);
        assert_eq!(p.subject(1).unwrap().caps & bit, bit);
        assert_eq!(p.subject(2).unwrap().caps & bit, 0, "an heir does not get ptrace");
        assert_eq!(p.subject(1).unwrap().caps & !bit, p.subject(0).unwrap().caps);
    }

    #[test]
    fn overlapping_ranges_are_refused() {
        let text = "role default\n  subject /\n    / r\n    /etc rw\n  subject /usr/bin\n    /var r\n";
        let policy = PolicyText::parse(text).unwrap();
        let mut bytes = compile(&policy, &fake()).unwrap().bytes;
        assert!(rbac::Policy::parse(&bytes).is_ok());
        let first = rbac::Policy::parse(&bytes).unwrap().subject(0).unwrap();
        // Many subjects sharing one large range made validation quadratic.
        set_objects(&mut bytes, 1, 1, first.objects_start, first.objects_len);
        assert_eq!(rbac::Policy::parse(&bytes).err(), Some(rbac::PolicyError::Overlap));
    }

    #[test]
    fn compiles_and_the_kernel_logic_decides_from_it() {
        let compiled = compile(&PolicyText::parse(POLICY).unwrap(), &fake()).unwrap();
        let p = Policy::parse(&compiled.bytes).unwrap();
        assert_eq!(p.counts().0, 2);
        let role = p.role_for(1000, 1000).unwrap();
        assert_eq!(p.role(role).unwrap().kind, role_kind::DEFAULT);
        assert_eq!(p.role(p.role_for(0, 0).unwrap()).unwrap().kind, role_kind::USER);
        // /usr/bin/app is its own subject; /usr/bin/sh falls to "/".
        let app_walk =
            [level(32, Some(31), "app"), level(31, Some(30), "bin"), level(30, Some(2), "usr"), level(2, None, "")];
        let app = p.subject_for(role, app_walk).unwrap();
        assert_eq!(p.subject_path(app), b"/usr/bin/app");
        let sh = p.subject_for(role, [level(33, Some(31), "sh"), level(31, Some(30), "bin")]).unwrap();
        assert_eq!(p.subject_path(sh), b"/");
        let s = p.subject(app).unwrap();
        assert_eq!(s.caps, 1 << 10);
        let grant = |walk: &[Level<'static>]| {
            p.match_walk(s.objects_start, s.objects_len, walk.iter().copied()).map(|e| e.value as u32)
        };
        // Own object, inherited object, inherited hidden file, log dir (new file by name).
        assert_eq!(grant(&[level(12, Some(10), "app.conf"), level(10, Some(2), "etc")]), Some(access::READ));
        assert_eq!(grant(&[level(10, Some(2), "etc"), level(2, None, "")]), Some(access::READ | access::EXEC));
        let shadow = grant(&[level(11, Some(10), "shadow"), level(10, Some(2), "etc")]);
        assert_eq!(shadow, Some(access::HIDDEN));
        // /etc/shadow replaced by rename: new inode, same name in /etc.
        let replaced =
            [Level { dev: 8, ino: Some(Ident::new(99, 7)), parent: Some(Ident::new(10, 1)), name: b"shadow" }];
        assert_eq!(grant(&replaced), Some(access::HIDDEN));
        let new_log = [
            Level { dev: 8, ino: None, parent: Some(Ident::new(22, 1)), name: b"today.log" },
            level(22, Some(21), "app"),
        ];
        assert_eq!(grant(&new_log), Some(access::APPEND | access::CREATE));
        let req = |a| Request { access: a };
        assert_eq!(decide(Mode::Enforce, false, shadow, req(access::READ)), Outcome::Hide);
        assert_eq!(decide(Mode::Enforce, false, Some(access::APPEND), req(access::WRITE)), Outcome::Deny);
        assert_eq!(decide(Mode::Enforce, false, Some(access::WRITE), req(access::APPEND)), Outcome::Allow);
        assert_eq!(decide(Mode::Audit, false, Some(0), req(access::READ)), Outcome::WouldDeny);
        assert_eq!(decide(Mode::Enforce, true, Some(0), req(access::READ)), Outcome::Learn);
        assert_eq!(
            decide(Mode::Enforce, false, Some(access::READ | access::AUDIT), req(access::READ)),
            Outcome::AllowAudited
        );
    }

    #[test]
    fn lookups_ask_for_a_name_only_where_the_policy_names_files() {
        let compiled = compile(&PolicyText::parse(POLICY).unwrap(), &fake()).unwrap();
        let p = Policy::parse(&compiled.bytes).unwrap();
        let role = p.role_for(1000, 1000).unwrap();
        let app = p.subject_for(role, [level(32, Some(31), "app")]).unwrap();
        let s = p.subject(app).unwrap();
        let id = |ino: Option<u64>| ino.map(|i| Ident::new(i, 1));
        let lookup =
            |ino, parent, name| p.match_level_lazy(s.objects_start, s.objects_len, 8, id(ino), id(parent), name);
        // A file matched by its inode needs no name.
        let value = |m| match m {
            LevelMatch::Found(i) => p.entry(i as u32).map(|e| e.value as u32),
            _ => None,
        };
        assert_eq!(value(lookup(Some(12), Some(10), None)), Some(access::READ));
        // /etc holds a rule by name (shadow): an unknown inode there needs its name ...
        assert_eq!(lookup(Some(98), Some(10), None), LevelMatch::NeedName);
        assert_eq!(value(lookup(Some(98), Some(10), Some(b"shadow"))), Some(access::HIDDEN));
        assert_eq!(lookup(Some(98), Some(10), Some(b"passwd")), LevelMatch::Nothing);
        // ... a directory without named rules does not.
        assert_eq!(lookup(Some(97), Some(20), None), LevelMatch::Nothing);
        assert_eq!(lookup(None, None, None), LevelMatch::Nothing);
    }

    #[test]
    fn a_reused_inode_number_is_another_file() {
        let compiled = compile(&PolicyText::parse(POLICY).unwrap(), &fake()).unwrap();
        let p = Policy::parse(&compiled.bytes).unwrap();
        let role = p.role_for(1000, 1000).unwrap();
        let app = p.subject_for(role, [level(32, Some(31), "app")]).unwrap();
        let s = p.subject(app).unwrap();
        let grant = |walk: &[Level<'static>]| {
            p.match_walk(s.objects_start, s.objects_len, walk.iter().copied()).map(|e| e.value as u32)
        };
        // /etc/app.conf deleted, its inode number given to a new file under /var/log: the
        // new file takes /var/log's rules, not app.conf's.
        let reused = Level { dev: 8, ino: Some(Ident::new(12, 2)), parent: Some(Ident::new(21, 1)), name: b"new" };
        assert_eq!(
            grant(&[reused, level(21, Some(20), "log"), level(20, Some(2), "var"), level(2, None, "")]),
            Some(access::READ | access::EXEC)
        );
        // A caller that cannot tell the generation (a directory listing) still matches.
        let unknown = Level { dev: 8, ino: Some(Ident { ino: 12, generation: None }), parent: None, name: b"" };
        assert_eq!(grant(&[unknown]), Some(access::READ));
        // A directory recreated under a name rule's directory number is another directory.
        let named = Level { dev: 8, ino: Some(Ident::new(98, 1)), parent: Some(Ident::new(10, 5)), name: b"shadow" };
        assert_eq!(grant(&[named]), None);
        // An entry without a generation (a file system without one) matches any.
        let plain = Fake(vec![("/", 2, true)]);
        let text = "role default\n  subject /\n    / r\n";
        let mut bytes = compile(&PolicyText::parse(text).unwrap(), &plain).unwrap().bytes;
        let entries_at = rbac::HEADER_LEN + rbac::ROLE_LEN + rbac::SUBJECT_LEN;
        for e in 0..2 {
            let at = entries_at + e * rbac::ENTRY_LEN + 40;
            bytes[at..at + 8].fill(0);
        }
        let p = Policy::parse(&bytes).unwrap();
        let root = Level { dev: 8, ino: Some(Ident::new(2, 77)), parent: None, name: b"" };
        assert_eq!(p.match_walk(p.subject(0).unwrap().objects_start, 1, [root]).map(|e| e.value), Some(1));
        // Unknown flags, or a generation without its flag, are refused.
        let at = entries_at + rbac::ENTRY_LEN + 40;
        bytes[at] = 1;
        assert_eq!(Policy::parse(&bytes).err(), Some(rbac::PolicyError::Unknown));
        bytes[at] = 0;
        bytes[at + 4] = 2;
        assert_eq!(Policy::parse(&bytes).err(), Some(rbac::PolicyError::Unknown));
    }

    /// [`fake`], where /var/log holds inode 40, which has another name elsewhere.
    struct Linked;

    impl Resolve for Linked {
        fn resolve(&self, path: &str) -> Result<(Vec<Key>, Option<String>)> {
            fake().resolve(path)
        }

        fn linked_files(&self, dir: &str, budget: &mut usize) -> (Vec<LinkedFile>, bool) {
            *budget -= 1;
            let key = Key { kind: kind::INODE, dev: 8, ino: 40, name: String::new(), generation: Some(1) };
            let found = vec![LinkedFile { path: format!("{dir}/x"), key, nlink: 2 }];
            (if dir == "/var/log" { found } else { Vec::new() }, true)
        }
    }

    #[test]
    fn a_file_linked_out_of_a_restricted_directory_keeps_its_rights() {
        let text = "role default\n  subject /\n    / rx\n    /var/log -\n    /var/log/app r\n";
        let p = compile(&PolicyText::parse(text).unwrap(), &Linked).unwrap();
        let p = Policy::parse(&p.bytes).unwrap();
        let s = p.subject(0).unwrap();
        let grant = |walk: &[Level<'static>]| {
            p.match_walk(s.objects_start, s.objects_len, walk.iter().copied()).map(|e| e.value as u32)
        };
        // Reached by its other name, in /usr/bin (rx there): still what /var/log has.
        assert_eq!(grant(&[level(40, Some(31), "x"), level(31, Some(30), "bin"), level(2, None, "")]), Some(0));
        assert_eq!(
            grant(&[level(41, Some(31), "y"), level(31, Some(30), "bin"), level(2, None, "")]),
            Some(access::READ | access::EXEC)
        );
    }

    #[test]
    fn same_file_twice_is_refused() {
        let resolver = Fake(vec![
            ("/", 2, true),
            ("/bin", 3, true),
            ("/bin/sh", 5, false),
            ("/usr", 6, true),
            ("/usr/sh", 5, false),
        ]);
        let text = "role default\n  subject /\n  subject /bin/sh\n  subject /usr/sh\n";
        let e = compile(&PolicyText::parse(text).unwrap(), &resolver).unwrap_err();
        assert!(format!("{e:#}").contains("are the same file"), "{e:#}");
    }

    #[test]
    fn every_truncation_and_corruption_is_rejected_or_harmless() {
        let bytes = compile(&PolicyText::parse(POLICY).unwrap(), &fake()).unwrap().bytes;
        for len in 0..bytes.len() {
            assert!(Policy::parse(&bytes[..len]).is_err(), "truncated to {len} accepted");
        }
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0xff;
            if let Ok(p) = Policy::parse(&bad) {
                // Accepted changes (an inode number, a mode within range) still work.
                let _ = p.subject_for(0, [level(32, Some(31), "app")]);
            }
        }
    }
}
