//! From learning to policy: reads `learn` events (a learning log: rampart-hidsd's, or
//! `rampart-policy learn collect`'s), groups them by subject, reduces many files under
//! one directory to a directory rule where that is safe, and writes a text policy.
//!
//! Reduction never widens a protected path (by default `/etc/shadow`, `/etc/gshadow`,
//! `/boot`, `/lib/modules`, the policy under `/etc/rampart`, ...): a directory holding
//! one is never collapsed, and accesses to protected paths seen during learning are not
//! allowed by the output but written as `# REVIEW` comments for the admin to decide.

use crate::text::{quote, quote_str, CapName, ObjectDef, PolicyText, RoleDef, RoleFor, SubjectDef, CAPS};
use anyhow::{bail, Context, Result};
use rampart_kernel_logic::rbac::access;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// What generation may and may not do (TOML, see docs/rbac.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenerateConfig {
    /// Paths never allowed by learning and never inside a collapsed directory.
    pub protected: Vec<String>,
    /// Directories whose files are always listed one by one.
    pub never_reduce: Vec<String>,
    /// Path prefixes whose accesses are dropped (not learned at all).
    pub never_learn: Vec<String>,
    /// Files accessed under one directory from which they are collapsed into it.
    pub collapse_threshold: usize,
}

impl Default for GenerateConfig {
    fn default() -> Self {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        GenerateConfig {
            protected: list(&[
                "/etc/shadow",
                "/etc/gshadow",
                "/etc/shadow-",
                "/etc/gshadow-",
                "/etc/sudoers",
                "/etc/sudoers.d",
                "/etc/ssh",
                "/etc/rampart",
                "/boot",
                "/lib/modules",
                "/usr/lib/modules",
                "/root",
                "/sys/kernel/security",
                "/dev/mem",
                "/dev/kmem",
                "/dev/port",
            ]),
            never_reduce: list(&["/", "/etc", "/dev", "/proc", "/sys"]),
            never_learn: Vec::new(),
            collapse_threshold: 4,
        }
    }
}

fn under(path: &str, prefix: &str) -> bool {
    prefix == "/" || path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// What was learned about one subject.
#[derive(Debug, Default, Clone)]
struct Learned {
    objects: BTreeMap<String, u32>,
    caps: BTreeSet<u32>,
    /// Traced a task of another subject (learned as the `ptrace` pseudo-capability).
    ptrace: bool,
    /// Files whose names are not UTF-8: the kernel's policy cannot name them.
    not_utf8: BTreeMap<Vec<u8>, u32>,
    /// Objects that are not paths (`anon_inode:[pidfd]`, `pipe:[N]`, ...).
    pseudo: BTreeMap<Vec<u8>, u32>,
}

/// Learning log contents.
#[derive(Debug, Default)]
pub struct LearningLog {
    subjects: BTreeMap<String, Learned>,
    /// Programs (full-system learning) whose names are not UTF-8: left out.
    programs_not_utf8: BTreeSet<Vec<u8>>,
    /// Learn events read.
    pub events: u64,
    /// Events the log says were lost (kernel queue overflow, reader behind).
    pub lost: u64,
    /// Lines that were not learn events or were malformed (skipped).
    pub skipped: u64,
    /// Learn events with a field cut to the event's length budget (skipped: a cut path
    /// is another path).
    pub truncated: u64,
}

#[derive(Deserialize)]
struct Event {
    module: Option<String>,
    decision: Option<String>,
    exe: Option<String>,
    object: Option<String>,
    reason: Option<String>,
    lost: Option<u64>,
    truncated: Option<bool>,
}

/// The raw bytes of a string field of a kernel event: the kernel writes each byte at or
/// above 0x80 as `\u00XX` (docs: kmod/common/src/event.rs), so every character is one
/// byte. `None` for a character above U+00FF (not written by the kernel).
fn kernel_bytes(field: &str) -> Option<Vec<u8>> {
    field.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// Notes per kind per subject at most (pipes and sockets have a name per inode).
const MAX_NOTES: usize = 16;

impl LearningLog {
    /// Reads a learning log (JSON lines); malformed lines are counted, not fatal.
    pub fn read(text: &str, config: &GenerateConfig) -> LearningLog {
        let mut log = LearningLog::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<Event>(line) {
                Ok(Event { lost: Some(n), .. }) => log.lost = log.lost.saturating_add(n),
                Ok(e) if e.module.as_deref() == Some("rbac") && e.decision.as_deref() == Some("learn") => {
                    if e.truncated == Some(true) {
                        log.truncated += 1;
                    } else if log.add(&e, config).is_some() {
                        log.events += 1;
                    } else {
                        log.skipped += 1;
                    }
                }
                _ => log.skipped += 1,
            }
        }
        log
    }

    /// Adds one learn event; `None` if it is malformed.
    fn add(&mut self, e: &Event, config: &GenerateConfig) -> Option<()> {
        let exe = kernel_bytes(e.exe.as_deref()?)?;
        let object = kernel_bytes(e.object.as_deref()?)?;
        let reason = String::from_utf8(kernel_bytes(e.reason.as_deref()?)?).ok()?;
        // `subject=<path> capability` or `subject=<path> access=<letters>[ hidden]`: the
        // subject path is the policy's, and may hold spaces.
        let reason = reason.strip_prefix("subject=")?;
        let (subject, letters) = match reason.strip_suffix(" capability") {
            Some(subject) => (subject, None),
            None => {
                let (subject, letters) = reason.rsplit_once(" access=")?;
                (subject, Some(letters.strip_suffix(" hidden").unwrap_or(letters)))
            }
        };
        // Full-system learning reports the catch-all subject: learn per executable.
        let subject = if subject == "/" {
            match String::from_utf8(exe) {
                Ok(exe) => exe,
                Err(e) => {
                    if e.as_bytes().first() != Some(&b'/') {
                        return None;
                    }
                    self.programs_not_utf8.insert(e.into_bytes());
                    return Some(());
                }
            }
        } else {
            subject.to_string()
        };
        crate::text::check_path(&subject).ok()?;
        let learned = self.subjects.entry(subject).or_default();
        let Some(letters) = letters else {
            if object == b"ptrace" {
                learned.ptrace = true;
                return Some(());
            }
            let n = CAPS.iter().position(|c| c.as_bytes() == object)?;
            learned.caps.insert(n as u32);
            return Some(());
        };
        let bits = crate::text::parse_modes(letters).ok()?;
        if object.first() != Some(&b'/') {
            // Not a path: a pseudo-file (`anon_inode:[pidfd]`, `pipe:[N]`, `socket:[N]`)
            // or `?` when the kernel could not build the path.
            *learned.pseudo.entry(object).or_default() |= bits;
            return Some(());
        }
        let object = match String::from_utf8(object) {
            Ok(object) => object,
            Err(e) => {
                *learned.not_utf8.entry(e.into_bytes()).or_default() |= bits;
                return Some(());
            }
        };
        if object.ends_with(" (deleted)") {
            return None;
        }
        crate::text::check_path(&object).ok()?;
        if config.never_learn.iter().any(|p| under(&object, p)) {
            return Some(());
        }
        *learned.objects.entry(object).or_default() |= bits;
        Some(())
    }
}

/// Reduces `objects`: files under a directory with at least `threshold` accessed entries
/// become one rule for the directory (union of modes), unless the directory is
/// `never_reduce` or holds a protected path.
fn reduce(objects: &BTreeMap<String, u32>, config: &GenerateConfig) -> BTreeMap<String, u32> {
    let mut by_dir: BTreeMap<String, Vec<(&String, u32)>> = BTreeMap::new();
    for (path, bits) in objects {
        let dir = match path.rfind('/') {
            Some(0) => "/".to_string(),
            Some(i) => path[..i].to_string(),
            None => continue,
        };
        by_dir.entry(dir).or_default().push((path, *bits));
    }
    let mut out = BTreeMap::new();
    for (dir, entries) in by_dir {
        let holds_protected = config.protected.iter().any(|p| under(p, &dir) || under(&dir, p));
        let collapsible = entries.len() >= config.collapse_threshold.max(2)
            && !holds_protected
            && !config.never_reduce.contains(&dir);
        if collapsible {
            let bits = entries.iter().fold(0, |acc, (_, b)| acc | b);
            *out.entry(dir).or_insert(0) |= bits;
        } else {
            for (path, bits) in entries {
                *out.entry(path.clone()).or_insert(0) |= bits;
            }
        }
    }
    // A collapsed directory covers its own listed files.
    let dirs: Vec<String> = out.keys().cloned().collect();
    out.retain(|path, _| !dirs.iter().any(|d| d != path && under(path, d) && !objects.contains_key(d)));
    out
}

/// Review notes for `items` (name, modes), at most [`MAX_NOTES`].
fn notes_for(items: &BTreeMap<Vec<u8>, u32>, what: &str, notes: &mut Vec<String>) {
    for (name, bits) in items.iter().take(MAX_NOTES) {
        notes.push(format!("REVIEW: {what}: {} {}", quote(name), crate::text::modes_text(*bits)));
    }
    if items.len() > MAX_NOTES {
        notes.push(format!("REVIEW: {what}: {} more", items.len() - MAX_NOTES));
    }
}

/// The objects, capabilities and review notes of a learned subject.
fn subject_rules(learned: &Learned, config: &GenerateConfig) -> (Vec<ObjectDef>, Vec<(bool, CapName)>, Vec<String>) {
    let mut notes = Vec::new();
    let mut allowed = BTreeMap::new();
    for (path, bits) in &learned.objects {
        if config.protected.iter().any(|p| under(path, p)) {
            notes.push(format!(
                "REVIEW: protected path used while learning, not allowed: {} {}",
                quote_str(path),
                crate::text::modes_text(*bits)
            ));
        } else {
            allowed.insert(path.clone(), *bits & !access::AUDIT);
        }
    }
    notes_for(&learned.not_utf8, "name not UTF-8 (a policy cannot hold it), not allowed", &mut notes);
    notes_for(&learned.pseudo, "not a path (a policy cannot name it), not allowed", &mut notes);
    let objects =
        reduce(&allowed, config).into_iter().map(|(path, modes)| ObjectDef { path, modes, line: 0 }).collect();
    let mut caps = vec![(false, CapName::All)];
    caps.extend(learned.caps.iter().map(|&n| (true, CapName::One(n))));
    (objects, caps, notes)
}

/// Generates a policy from `log`. With `base`, its learning subjects (marked, in learning
/// roles, or all with `learn-all`) get what they learned and stop learning, and subjects
/// learned but absent are added to the default role; without, a new policy is written
/// with a read/exec-only `/` subject and one subject per learned program.
pub fn generate(log: &LearningLog, base: Option<&PolicyText>, config: &GenerateConfig) -> Result<PolicyText> {
    let mut policy = match base {
        Some(base) => base.clone(),
        None => PolicyText {
            learn_all: false,
            roles: vec![RoleDef {
                name: "default".into(),
                applies_to: RoleFor::Default,
                learn: false,
                subjects: vec![SubjectDef {
                    path: "/".into(),
                    inherits: None,
                    learn: false,
                    ptrace: false,
                    objects: vec![ObjectDef { path: "/".into(), modes: access::READ | access::EXEC, line: 0 }],
                    caps: Vec::new(),
                    line: 0,
                    notes: vec!["programs not seen while learning: read and execute only".into()],
                }],
                line: 0,
            }],
        },
    };
    let learn_all = policy.learn_all;
    policy.learn_all = false;
    let mut placed = BTreeSet::new();
    for role in &mut policy.roles {
        let role_learning = role.learn || learn_all;
        role.learn = false;
        for subject in &mut role.subjects {
            if !(subject.learn || role_learning) {
                continue;
            }
            subject.learn = false;
            let Some(learned) = log.subjects.get(&subject.path) else {
                subject.notes.push("learning saw nothing for this subject: its rules are unchanged".into());
                continue;
            };
            placed.insert(subject.path.clone());
            let (objects, caps, notes) = subject_rules(learned, config);
            // Hidden objects written by the admin stay.
            let hidden: Vec<ObjectDef> =
                subject.objects.iter().filter(|o| o.modes & access::HIDDEN != 0).cloned().collect();
            subject.objects = objects;
            for h in hidden {
                subject.objects.retain(|o| o.path != h.path);
                subject.objects.push(h);
            }
            subject.caps = caps;
            subject.ptrace |= learned.ptrace;
            subject.notes.extend(notes);
            subject.notes.push(format!("generated from {} learned accesses", learned.objects.len()));
        }
    }
    let default =
        policy.roles.iter_mut().find(|r| r.applies_to == RoleFor::Default).context("the policy has no default role")?;
    for (path, learned) in &log.subjects {
        if placed.contains(path) || default.subjects.iter().any(|s| &s.path == path) {
            continue;
        }
        let (objects, caps, mut notes) = subject_rules(learned, config);
        notes.push(format!("generated from {} learned accesses", learned.objects.len()));
        default.subjects.push(SubjectDef {
            path: path.clone(),
            inherits: None,
            learn: false,
            ptrace: learned.ptrace,
            objects,
            caps,
            line: 0,
            notes,
        });
    }
    if !log.programs_not_utf8.is_empty() {
        let catch_all =
            default.subjects.iter_mut().find(|s| s.path == "/").context("no subject / in the default role")?;
        let what = "REVIEW: program whose name is not UTF-8 (a policy cannot hold it) seen while learning, left out";
        for program in log.programs_not_utf8.iter().take(MAX_NOTES) {
            catch_all.notes.push(format!("{what}: {}", quote(program)));
        }
        if log.programs_not_utf8.len() > MAX_NOTES {
            catch_all.notes.push(format!("{what}: {} more", log.programs_not_utf8.len() - MAX_NOTES));
        }
    }
    Ok(policy)
}

/// What a policy grants, without line numbers and comments.
fn rules(policy: &PolicyText) -> PolicyText {
    let mut rules = policy.clone();
    for role in &mut rules.roles {
        role.line = 0;
        for s in &mut role.subjects {
            s.line = 0;
            s.notes.clear();
            for o in &mut s.objects {
                o.line = 0;
            }
        }
    }
    rules
}

/// The text of a generated policy, parsed back before it is returned: a policy whose text
/// does not read back as exactly its rules (a name the text cannot carry, a comment that
/// would not stay one) is refused, so nothing is written.
pub fn render(policy: &PolicyText) -> Result<String> {
    let text = policy.to_string();
    let back = match PolicyText::parse(&text) {
        Ok(back) => back,
        Err(e) => bail!("the generated policy does not read back ({e}): refused, nothing written"),
    };
    if rules(&back) != rules(policy) {
        bail!("the generated policy does not read back as the same rules: refused, nothing written");
    }
    let comments = policy.roles.iter().flat_map(|r| &r.subjects).map(|s| s.notes.len()).sum::<usize>();
    let lines = text.lines().filter(|l| l.trim_start().starts_with('#')).count();
    if lines != comments {
        bail!("the generated policy's comments do not read back ({lines} comment lines for {comments} notes): refused, nothing written");
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(exe: &str, object: &str, subject: &str, access: &str) -> String {
        format!(
            r#"{{"seq":1,"module":"rbac","decision":"learn","uid":1000,"exe":"{exe}","object":"{object}","reason":"subject={subject} access={access}"}}"#
        )
    }

    #[test]
    fn a_traced_subject_is_learned_as_ptrace() {
        let dbg = "/usr/bin/dbg";
        let lines = [
            ev(dbg, "/etc/dbg.conf", dbg, "r"),
            format!(
                r#"{{"seq":2,"module":"rbac","decision":"learn","exe":"{dbg}","object":"ptrace","reason":"subject={dbg} capability"}}"#
            ),
        ];
        let config = GenerateConfig::default();
        let log = LearningLog::read(&lines.join("\n"), &config);
        let text = generate(&log, None, &config).unwrap().to_string();
        assert!(text.contains("subject /usr/bin/dbg ptrace\n"), "{text}");
        assert!(!text.contains("subject / ptrace"), "{text}");
    }

    #[test]
    fn learns_a_service_and_flags_protected_paths() {
        let svc = "/usr/sbin/svc";
        let mut lines = vec![
            ev(svc, "/etc/svc.conf", svc, "r"),
            ev(svc, "/var/log/svc/svc.log", svc, "ac"),
            ev(svc, "/etc/shadow", svc, "r"),
            r#"{"seq":9,"module":"rbac","decision":"learn","exe":"/usr/sbin/svc","object":"CAP_NET_BIND_SERVICE","reason":"subject=/usr/sbin/svc capability"}"#.to_string(),
            "not json".to_string(),
            r#"{"lost":3}"#.to_string(),
        ];
        for i in 0..6 {
            lines.push(ev(svc, &format!("/srv/www/page{i}.html"), svc, "r"));
        }
        let config = GenerateConfig::default();
        let log = LearningLog::read(&lines.join("\n"), &config);
        assert_eq!((log.events, log.lost, log.skipped), (10, 3, 1));
        let base = PolicyText::parse(
            "role default\n  subject /\n    / rwacdx\n  subject /usr/sbin/svc learn\n    /etc/shadow h\n",
        )
        .unwrap();
        let out = generate(&log, Some(&base), &config).unwrap();
        let text = out.to_string();
        let reparsed = PolicyText::parse(&text).unwrap();
        let s = &reparsed.roles[0].subjects[1];
        assert!(!s.learn);
        let objects: Vec<(&str, u32)> = s.objects.iter().map(|o| (o.path.as_str(), o.modes)).collect();
        assert!(objects.contains(&("/etc/svc.conf", access::READ)), "{text}");
        assert!(objects.contains(&("/var/log/svc/svc.log", access::APPEND | access::CREATE)), "{text}");
        assert!(objects.contains(&("/srv/www", access::READ)), "collapsed: {text}");
        assert!(objects.contains(&("/etc/shadow", access::HIDDEN)), "hidden rule kept: {text}");
        assert!(text.contains("# REVIEW: protected path used while learning, not allowed: /etc/shadow r"), "{text}");
        assert_eq!(s.caps, vec![(false, CapName::All), (true, CapName::One(10))]);
    }

    #[test]
    fn pseudo_files_are_flagged_and_subject_paths_may_hold_spaces() {
        let app = "/opt/my app/bin/app access=x";
        let config = GenerateConfig::default();
        let log = LearningLog::read(
            &[
                ev(app, "anon_inode:[pidfd]", app, "r"),
                ev(app, "/srv/data", app, "rw"),
                ev(app, "/srv/other", app, "r hidden"),
            ]
            .join("\n"),
            &config,
        );
        assert_eq!((log.events, log.skipped), (3, 0));
        let base = PolicyText::parse(&format!(
            "role default\n  subject /\n    / rx\n  subject {} learn\n",
            crate::text::quote_str(app)
        ))
        .unwrap();
        let text = render(&generate(&log, Some(&base), &config).unwrap()).unwrap();
        let back = PolicyText::parse(&text).unwrap();
        let s = &back.roles[0].subjects[1];
        assert_eq!(s.path, app);
        let objects: Vec<(&str, u32)> = s.objects.iter().map(|o| (o.path.as_str(), o.modes)).collect();
        assert_eq!(objects, [("/srv/data", access::READ | access::WRITE), ("/srv/other", access::READ)], "{text}");
        assert!(
            text.contains("# REVIEW: not a path (a policy cannot name it), not allowed: anon_inode:[pidfd] r"),
            "{text}"
        );
    }

    #[test]
    fn never_collapses_over_protected_paths() {
        let config = GenerateConfig::default();
        let objects: BTreeMap<String, u32> = [
            "/etc/a", "/etc/b", "/etc/c", "/etc/d", "/lib/x/1", "/lib/x/2", "/lib/x/3", "/lib/x/4", "/boot/a",
            "/boot/b", "/boot/c", "/boot/d",
        ]
        .iter()
        .map(|p| (p.to_string(), access::READ))
        .collect();
        let reduced = reduce(&objects, &config);
        assert!(reduced.contains_key("/etc/a"), "/etc is never reduced");
        assert!(reduced.contains_key("/lib/x"));
        assert!(!reduced.contains_key("/boot"), "a protected directory is not collapsed");
        assert!(reduced.contains_key("/boot/a"));
    }

    #[test]
    fn full_system_learning_makes_a_subject_per_program() {
        let config = GenerateConfig::default();
        let log = LearningLog::read(
            &[ev("/bin/cat", "/etc/motd", "/", "r"), ev("/bin/touch", "/tmp/x", "/", "c")].join("\n"),
            &config,
        );
        let out = generate(&log, None, &config).unwrap();
        let paths: Vec<&str> = out.roles[0].subjects.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["/", "/bin/cat", "/bin/touch"]);
        PolicyText::parse(&out.to_string()).unwrap();
    }
}
