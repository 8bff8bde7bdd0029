//! The text policy: what an admin writes, reviews and diffs (see docs/rbac.md).
//!
//! ```text
//! # comments start with '#'
//! role default
//!   subject /
//!     /            rx
//!     /tmp         rwcd
//!     /etc/shadow  h
//!   subject /usr/sbin/httpd inherits / learn
//!     /var/log/httpd  ac
//!     -CAP_ALL
//!     +CAP_NET_BIND_SERVICE
//! role admin user 0
//!   subject /
//!     /  rwacdx
//! ```
//!
//! Lines are `learn-all` (first, optional), `role NAME [user UID | group GID] [learn]`,
//! `subject PATH [inherits PATH] [learn]`, object lines `PATH MODES` (letters of
//! `rwacdxhA`, or `-` for no access), and capability lines `-CAP_X` / `+CAP_X`
//! (`CAP_ALL` for all). Paths are absolute. A name that is not only printable ASCII
//! without `"`, `\` and `#` is written in double quotes, with the escapes `\"`, `\\` and
//! `\xNN` (any byte): `"/srv/my files"`, `"/tmp/a\x0ab"`. Generated policies escape every
//! byte outside printable ASCII, so they are ASCII and each line is one rule or comment.
//! Indentation is free.

use rampart_kernel_logic::rbac::{self, access};
use std::fmt;

/// A parsed text policy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyText {
    /// Full-system learning.
    pub learn_all: bool,
    /// Roles, in file order.
    pub roles: Vec<RoleDef>,
}

/// Who a role is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleFor {
    /// Everyone without a user or group role.
    Default,
    /// One uid.
    User(u32),
    /// One gid.
    Group(u32),
}

/// A role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDef {
    /// Name (for people and reports).
    pub name: String,
    /// Who it applies to.
    pub applies_to: RoleFor,
    /// Learning for the whole role.
    pub learn: bool,
    /// Subjects, in file order.
    pub subjects: Vec<SubjectDef>,
    /// Line of the `role` line.
    pub line: usize,
}

/// A subject: an executable or a directory of executables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectDef {
    /// Path of the executable or directory.
    pub path: String,
    /// Subject it inherits objects and capabilities from.
    pub inherits: Option<String>,
    /// Learning for this subject.
    pub learn: bool,
    /// May trace tasks of other subjects (`ptrace`).
    pub ptrace: bool,
    /// Objects, in file order.
    pub objects: Vec<ObjectDef>,
    /// Capability changes, in file order (`true`: add).
    pub caps: Vec<(bool, CapName)>,
    /// Line of the `subject` line.
    pub line: usize,
    /// Comments written under the subject line (e.g. accesses to review); not parsed back.
    pub notes: Vec<String>,
}

/// An object rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectDef {
    /// Path (a file or a directory: everything below it).
    pub path: String,
    /// Access bits.
    pub modes: u32,
    /// Line.
    pub line: usize,
}

/// A capability name: one capability or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapName {
    /// `CAP_ALL`.
    All,
    /// One capability by number.
    One(u32),
}

/// Linux capability names, by number (Linux 6.12).
pub const CAPS: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// A policy text error: line number (1-based) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// One word of a line: its text (escapes decoded) and whether it was in double quotes.
/// Keywords, options and modes are bare words; a quoted word is only ever a name.
#[derive(Debug)]
struct Word {
    text: String,
    quoted: bool,
}

impl Word {
    /// The word if it is bare (a keyword can only be written bare).
    fn bare(&self) -> Option<&str> {
        (!self.quoted).then_some(self.text.as_str())
    }
}

/// Whether `b` may stand for itself in a bare word: printable ASCII except `"`, `\`, `#`.
fn bare_byte(b: u8) -> bool {
    matches!(b, 0x21..=0x7e) && !matches!(b, b'"' | b'\\' | b'#')
}

/// Whether a character other than printable ASCII may be written as itself (outside
/// comments): letters and digits of any script. Everything else (controls, line and
/// paragraph separators, Unicode spaces, direction overrides, ...) must be escaped.
fn plain_non_ascii(c: char) -> bool {
    !c.is_ascii() && c.is_alphanumeric()
}

/// Writes `word` so that [`words`] reads back exactly these bytes: bare when every byte
/// is printable ASCII other than `"`, `\` and `#`; otherwise in double quotes, with `\"`
/// and `\\` for quote and backslash and `\xNN` for every byte outside printable ASCII
/// (controls, newlines, DEL, every byte of a non-ASCII character, bytes that are not
/// UTF-8). The result is printable ASCII, one line.
pub fn quote(word: &[u8]) -> String {
    if !word.is_empty() && word.iter().all(|&b| bare_byte(b)) {
        // All ASCII: the bytes are the text.
        return word.iter().map(|&b| char::from(b)).collect();
    }
    let mut out = String::with_capacity(word.len() + 2);
    out.push('"');
    for &b in word {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

fn hex_digit(c: Option<char>) -> Result<u8, String> {
    c.and_then(|c| c.to_digit(16)).map(|d| d as u8).ok_or_else(|| "\\x needs two hex digits".to_string())
}

fn not_plain(c: char) -> String {
    format!("character U+{:04X} must be written escaped, in double quotes (\\xNN per byte)", u32::from(c))
}

/// Splits a line into words, up to a `#` outside quotes (the rest is a comment). Words
/// are separated by spaces and tabs. A quoted word holds printable ASCII (spaces too),
/// plain non-ASCII letters and digits, and the escapes `\"`, `\\` and `\xNN` (any byte);
/// its bytes must be UTF-8. A bare word holds neither quotes nor backslashes. Any other
/// control or special character outside a comment is an error.
fn words(line: &str) -> Result<Vec<Word>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '#' => break,
            '"' => {
                chars.next();
                let mut bytes = Vec::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated quote".into()),
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('"') => bytes.push(b'"'),
                            Some('\\') => bytes.push(b'\\'),
                            Some('x') => {
                                let high = hex_digit(chars.next())?;
                                let low = hex_digit(chars.next())?;
                                bytes.push(high << 4 | low);
                            }
                            Some(other) => {
                                return Err(format!(
                                    "unknown escape '\\{}' (escapes are \\\", \\\\ and \\xNN)",
                                    other.escape_default()
                                ))
                            }
                            None => return Err("unterminated quote".into()),
                        },
                        Some(c) if (' '..='~').contains(&c) || plain_non_ascii(c) => {
                            let mut buf = [0u8; 4];
                            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        Some(c) => return Err(not_plain(c)),
                    }
                }
                if chars.peek().is_some_and(|&c| c != ' ' && c != '\t' && c != '#') {
                    return Err("a closing quote must end the word".into());
                }
                let text = String::from_utf8(bytes).map_err(|e| {
                    format!("{} is not UTF-8 (the kernel's policy holds UTF-8 names only)", quote(e.as_bytes()))
                })?;
                out.push(Word { text, quoted: true });
            }
            _ => {
                let mut text = String::new();
                while let Some(&c) = chars.peek() {
                    match c {
                        ' ' | '\t' | '#' => break,
                        '"' => return Err("a quote inside a word (quote the whole word)".into()),
                        '\\' => return Err("a backslash outside quotes (write the name in double quotes)".into()),
                        c if c.is_ascii_graphic() || plain_non_ascii(c) => text.push(c),
                        c => return Err(not_plain(c)),
                    }
                    chars.next();
                }
                out.push(Word { text, quoted: false });
            }
        }
    }
    Ok(out)
}

/// Parses mode letters (`-` for none).
pub fn parse_modes(text: &str) -> Result<u32, String> {
    if text == "-" {
        return Ok(0);
    }
    let mut bits = 0;
    for c in text.chars() {
        let bit = access::LETTERS
            .iter()
            .find(|(_, l)| *l == c)
            .map(|(b, _)| *b)
            .ok_or_else(|| format!("unknown mode '{c}' in '{text}' (modes are r w a c d x h A, or -)"))?;
        if bits & bit != 0 {
            return Err(format!("mode '{c}' repeated in '{text}'"));
        }
        bits |= bit;
    }
    if bits == 0 {
        return Err("empty modes".into());
    }
    Ok(bits)
}

/// Mode letters of `bits` (`-` for none).
pub fn modes_text(bits: u32) -> String {
    let text: String = access::LETTERS.iter().filter(|(b, _)| bits & b != 0).map(|(_, l)| *l).collect();
    if text.is_empty() {
        "-".into()
    } else {
        text
    }
}

/// [`quote`] for a UTF-8 name.
pub fn quote_str(word: &str) -> String {
    quote(word.as_bytes())
}

/// Checks a policy path: absolute, shorter than PATH_MAX, no `.` or `..` component, no
/// component longer than NAME_MAX, no NUL.
pub fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("{} is not an absolute path", quote_str(path)));
    }
    if path.len() >= rbac::PATH_MAX {
        return Err(format!("path longer than {} bytes", rbac::PATH_MAX - 1));
    }
    if path.split('/').any(|c| c == "." || c == "..") {
        return Err(format!("{} contains . or .. (write the real path)", quote_str(path)));
    }
    if path.split('/').any(|c| c.len() > rbac::NAME_MAX) {
        return Err(format!("a component of {} is longer than {} bytes", quote_str(path), rbac::NAME_MAX));
    }
    if path.contains('\0') {
        return Err("path contains NUL".into());
    }
    Ok(())
}

fn parse_cap(word: &str) -> Result<(bool, CapName), String> {
    let add = word.starts_with('+');
    let name = word.get(1..).unwrap_or_default();
    if name == "CAP_ALL" {
        return Ok((add, CapName::All));
    }
    let n = CAPS.iter().position(|c| *c == name).ok_or_else(|| format!("unknown capability '{name}'"))?;
    Ok((add, CapName::One(n as u32)))
}

fn parse_id(word: Option<&Word>, what: &str) -> Result<u32, String> {
    word.and_then(Word::bare).and_then(|w| w.parse().ok()).ok_or_else(|| format!("{what} needs a number"))
}

/// Largest accepted text policy.
pub const MAX_TEXT_BYTES: usize = 16 << 20;

impl PolicyText {
    /// Parses a text policy; the first error is returned with its line.
    pub fn parse(text: &str) -> Result<PolicyText, ParseError> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(ParseError { line: 0, message: "policy text larger than 16 MiB".into() });
        }
        let mut policy = PolicyText::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let err = |message: String| ParseError { line, message };
            let w = words(raw).map_err(err)?;
            let Some(first) = w.first() else { continue };
            match first.bare() {
                Some("learn-all") if w.len() == 1 => {
                    if !policy.roles.is_empty() {
                        return Err(err("learn-all must come before the first role".into()));
                    }
                    policy.learn_all = true;
                }
                Some("role") => policy.roles.push(Self::parse_role(&w, line).map_err(err)?),
                Some("subject") => {
                    let role = policy.roles.last_mut().ok_or_else(|| err("subject before any role".into()))?;
                    let subject = Self::parse_subject(&w, line).map_err(err)?;
                    if role.subjects.iter().any(|s| s.path == subject.path) {
                        return Err(err(format!("subject {} twice in role {}", quote_str(&subject.path), role.name)));
                    }
                    role.subjects.push(subject);
                }
                Some(cap) if cap.starts_with("-CAP_") || cap.starts_with("+CAP_") => {
                    if w.len() != 1 {
                        return Err(err("a capability line has one word".into()));
                    }
                    let subject = policy
                        .roles
                        .last_mut()
                        .and_then(|r| r.subjects.last_mut())
                        .ok_or_else(|| err("capability outside a subject".into()))?;
                    subject.caps.push(parse_cap(cap).map_err(err)?);
                }
                _ if first.text.starts_with('/') => {
                    let [path, modes] = &w[..] else {
                        return Err(err(format!("an object line is PATH MODES, got {} words", w.len())));
                    };
                    let path = &path.text;
                    check_path(path).map_err(err)?;
                    let modes = modes.bare().ok_or_else(|| err("modes are written without quotes".into()))?;
                    let modes = parse_modes(modes).map_err(err)?;
                    let subject = policy
                        .roles
                        .last_mut()
                        .and_then(|r| r.subjects.last_mut())
                        .ok_or_else(|| err("object outside a subject".into()))?;
                    if subject.objects.iter().any(|o| o.path == *path) {
                        return Err(err(format!(
                            "object {} twice in subject {}",
                            quote_str(path),
                            quote_str(&subject.path)
                        )));
                    }
                    subject.objects.push(ObjectDef { path: path.clone(), modes, line });
                }
                _ => return Err(err(format!("unknown line starting with {}", quote_str(&first.text)))),
            }
        }
        policy.check().map_err(|(line, message)| ParseError { line, message })?;
        Ok(policy)
    }

    fn parse_role(w: &[Word], line: usize) -> Result<RoleDef, String> {
        let name = w.get(1).ok_or("role needs a name")?.text.clone();
        let mut applies_to = if name == "default" { RoleFor::Default } else { RoleFor::User(u32::MAX) };
        let mut learn = false;
        let mut i = 2;
        while i < w.len() {
            match w[i].bare() {
                Some("user") => {
                    applies_to = RoleFor::User(parse_id(w.get(i + 1), "user")?);
                    i += 1;
                }
                Some("group") => {
                    applies_to = RoleFor::Group(parse_id(w.get(i + 1), "group")?);
                    i += 1;
                }
                Some("learn") => learn = true,
                _ => return Err(format!("unknown role option {}", quote_str(&w[i].text))),
            }
            i += 1;
        }
        if applies_to == RoleFor::User(u32::MAX) {
            return Err(format!(
                "role {} needs 'user UID' or 'group GID' (only 'default' needs neither)",
                quote_str(&name)
            ));
        }
        Ok(RoleDef { name, applies_to, learn, subjects: Vec::new(), line })
    }

    fn parse_subject(w: &[Word], line: usize) -> Result<SubjectDef, String> {
        let path = w.get(1).ok_or("subject needs a path")?.text.clone();
        check_path(&path)?;
        let mut subject = SubjectDef {
            path,
            inherits: None,
            learn: false,
            ptrace: false,
            objects: Vec::new(),
            caps: Vec::new(),
            line,
            notes: Vec::new(),
        };
        let mut i = 2;
        while i < w.len() {
            match w[i].bare() {
                Some("inherits") => {
                    let parent = &w.get(i + 1).ok_or("inherits needs a subject path")?.text;
                    check_path(parent)?;
                    subject.inherits = Some(parent.clone());
                    i += 1;
                }
                Some("learn") => subject.learn = true,
                Some("ptrace") => subject.ptrace = true,
                _ => return Err(format!("unknown subject option {}", quote_str(&w[i].text))),
            }
            i += 1;
        }
        Ok(subject)
    }

    /// Checks what single lines cannot: one default role, unique roles, a `/` subject
    /// in every role, parents that exist and come first.
    fn check(&self) -> Result<(), (usize, String)> {
        let defaults = self.roles.iter().filter(|r| r.applies_to == RoleFor::Default).count();
        if defaults != 1 {
            return Err((
                self.roles.first().map_or(1, |r| r.line),
                format!("{defaults} default roles; exactly one needed"),
            ));
        }
        for (i, role) in self.roles.iter().enumerate() {
            if self.roles[..i].iter().any(|r| r.name == role.name || r.applies_to == role.applies_to) {
                return Err((role.line, format!("role {} repeats a name or a user/group", quote_str(&role.name))));
            }
            if !role.subjects.iter().any(|s| s.path == "/") {
                return Err((
                    role.line,
                    format!("role {} has no 'subject /' (the subject of everything else)", quote_str(&role.name)),
                ));
            }
            for (j, s) in role.subjects.iter().enumerate() {
                if let Some(parent) = &s.inherits {
                    if !role.subjects[..j].iter().any(|p| &p.path == parent) {
                        return Err((
                            s.line,
                            format!(
                                "{} inherits {}, which is not an earlier subject of the role",
                                quote_str(&s.path),
                                quote_str(parent)
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A note as a comment's text: printable ASCII only, so a note can never end its
/// comment line or hide text from a reader; every other byte is written as `\xNN`.
/// (Names in notes are [`quote`]d already, exactly as a rule would write them.)
pub fn comment_text(note: &str) -> String {
    let mut out = String::with_capacity(note.len());
    for &b in note.as_bytes() {
        match b {
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

impl fmt::Display for PolicyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.learn_all {
            writeln!(f, "learn-all")?;
        }
        for role in &self.roles {
            write!(f, "role {}", quote_str(&role.name))?;
            match role.applies_to {
                RoleFor::Default => {}
                RoleFor::User(uid) => write!(f, " user {uid}")?,
                RoleFor::Group(gid) => write!(f, " group {gid}")?,
            }
            writeln!(f, "{}", if role.learn { " learn" } else { "" })?;
            for s in &role.subjects {
                write!(f, "  subject {}", quote_str(&s.path))?;
                if let Some(parent) = &s.inherits {
                    write!(f, " inherits {}", quote_str(parent))?;
                }
                writeln!(f, "{}{}", if s.ptrace { " ptrace" } else { "" }, if s.learn { " learn" } else { "" })?;
                for note in &s.notes {
                    writeln!(f, "    # {}", comment_text(note))?;
                }
                let paths: Vec<String> = s.objects.iter().map(|o| quote_str(&o.path)).collect();
                let width = paths.iter().map(String::len).max().unwrap_or(0);
                for (o, path) in s.objects.iter().zip(&paths) {
                    writeln!(f, "    {path:width$}  {}", modes_text(o.modes))?;
                }
                for (add, cap) in &s.caps {
                    let name = match cap {
                        CapName::All => "CAP_ALL",
                        CapName::One(n) => CAPS.get(*n as usize).copied().unwrap_or("CAP_ALL"),
                    };
                    writeln!(f, "    {}{name}", if *add { '+' } else { '-' })?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "# web server\nrole default\n  subject /\n    / rx\n    \"/srv/my files\" r\n  subject /usr/sbin/httpd inherits / learn\n    /var/log/httpd ac\n    /etc/shadow h\n    -CAP_ALL\n    +CAP_NET_BIND_SERVICE\nrole admin user 0\n  subject /\n    / rwacdx\n";

    #[test]
    fn parses_and_round_trips() {
        let p = PolicyText::parse(EXAMPLE).unwrap();
        assert_eq!(p.roles.len(), 2);
        let httpd = &p.roles[0].subjects[1];
        assert_eq!(httpd.inherits.as_deref(), Some("/"));
        assert!(httpd.learn);
        assert_eq!(httpd.objects[0].modes, access::APPEND | access::CREATE);
        assert_eq!(httpd.caps, vec![(false, CapName::All), (true, CapName::One(10))]);
        assert_eq!(p.roles[0].subjects[0].objects[1].path, "/srv/my files");
        assert_eq!(p.roles[1].applies_to, RoleFor::User(0));
        let again = PolicyText::parse(&p.to_string()).unwrap();
        assert_eq!(again.to_string(), p.to_string());
    }

    #[test]
    fn the_ptrace_option_parses_and_round_trips() {
        let p =
            PolicyText::parse("role default\n  subject /\n    / rx\n  subject /usr/bin/gdb ptrace learn\n    / rx\n")
                .unwrap();
        let gdb = &p.roles[0].subjects[1];
        assert!(gdb.ptrace && gdb.learn);
        assert!(!p.roles[0].subjects[0].ptrace);
        assert!(p.to_string().contains("subject /usr/bin/gdb ptrace learn\n"), "{p}");
        assert_eq!(PolicyText::parse(&p.to_string()).unwrap().to_string(), p.to_string());
        assert!(PolicyText::parse("role default\n  subject / trace\n    / rx\n").is_err());
    }

    #[test]
    fn the_documented_quoting_examples_parse() {
        let text = concat!(
            "role default\n  subject /\n",
            "    \"/srv/my files\"          r      # a space\n",
            "    \"/srv/notes #1\"          r      # '#' inside quotes is not a comment\n",
            "    \"/tmp/a\\\" r\\x0a/etc/x\"   r      # the name /tmp/a\" r<newline>/etc/x, one rule\n",
            "    \"/srv/caf\\xc3\\xa9\"       r      # /srv/caf\u{e9} (or \"/srv/caf\u{e9}\")\n",
        );
        let p = PolicyText::parse(text).unwrap();
        let paths: Vec<&str> = p.roles[0].subjects[0].objects.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["/srv/my files", "/srv/notes #1", "/tmp/a\" r\n/etc/x", "/srv/caf\u{e9}"]);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("role default\n  subject /\n    / rz\n", 3, "unknown mode 'z'"),
            ("role default\n  subject /\n    relative r\n", 3, "unknown line"),
            ("role default\n  subject /\n    /a/../b r\n", 3, "contains . or .."),
            ("role default\n  subject /\n    -CAP_FLY\n", 3, "unknown capability"),
            ("role x\n", 1, "needs 'user UID'"),
            ("role default\n  subject /bin/sh\n", 1, "no 'subject /'"),
            ("role default\n  subject /\n  subject /a inherits /b\n", 3, "not an earlier subject"),
            ("  / r\n", 1, "object outside a subject"),
            ("role default\n  subject /\n    / r\n    / w\n", 4, "twice"),
            ("role a user 1\n  subject /\n", 1, "0 default roles"),
            ("role default\n  subject /\n    \"/a\\n\" r\n", 3, "unknown escape '\\n'"),
            ("role default\n  subject /\n    \"/a\\x4\" r\n", 3, "two hex digits"),
            ("role default\n  subject /\n    \"/a\\xff\" r\n", 3, "\"/a\\xff\" is not UTF-8"),
            ("role default\n  subject /\n    \"/a\\x00\" r\n", 3, "NUL"),
            ("role default\n  subject /\n    /a\\b r\n", 3, "backslash outside quotes"),
            ("role default\n  subject /\n    /a\"b r\n", 3, "quote inside a word"),
            ("role default\n  subject /\n    \"/a\"b r\n", 3, "closing quote must end"),
            ("role default\n  subject /\n    \"/a\nb\" r\n", 3, "unterminated quote"),
            ("role default\n  subject /\n    /a\rb r\n", 3, "U+000D"),
            ("role default\n  subject /\n    /a\u{2028}b r\n", 3, "U+2028"),
            ("role default\n  subject /\n    \"/a\u{202e}b\" r\n", 3, "U+202E"),
            ("role default\n  subject /\n    /a\u{a0}b r\n", 3, "U+00A0"),
            ("role default\n  subject /\n    /a \"r\"\n", 3, "modes are written without quotes"),
            ("role default\n  \"subject\" /\n", 2, "unknown line starting with subject"),
            ("role default learn\n  subject / \"learn\"\n", 2, "unknown subject option learn"),
            ("role default \"learn\"\n  subject /\n", 1, "unknown role option learn"),
            ("role default\n  subject /\n    / r\n\"learn-all\"\n", 4, "unknown line"),
        ];
        for (text, line, want) in cases {
            let e = PolicyText::parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(want), "{text:?}: {e}");
        }
        // Every quoted form of a name reads back as the same bytes.
        let p = PolicyText::parse(
            "role default\n  subject /\n    \"/a #b\\\"\\\\\\x0a\\xc3\\xa9\" r # comment\n    \"/caf\u{e9}\" r\n    /caf\u{e9}2 r\n",
        )
        .unwrap();
        let paths: Vec<&str> = p.roles[0].subjects[0].objects.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["/a #b\"\\\n\u{e9}", "/caf\u{e9}", "/caf\u{e9}2"]);
        let text = p.to_string();
        assert!(text.contains("\"/a #b\\\"\\\\\\x0a\\xc3\\xa9\"  r"), "{text}");
        assert!(text.contains("\"/caf\\xc3\\xa9\"   "), "{text}");
        assert_eq!(PolicyText::parse(&text).unwrap(), p);
        let long = format!("role default\n  subject /\n    /{} r\n", "a/".repeat(2100));
        assert!(PolicyText::parse(&long).unwrap_err().message.contains("longer than"));
    }
}
