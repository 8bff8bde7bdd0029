//! Who wrote a log line: what a source can prove about the program a line claims to
//! come from, so rules that name a program (`program = "sshd"`) only see lines that
//! program wrote.
//!
//! * `kernel` is proven only by the kernel itself: `/dev/kmsg` records of facility 0,
//!   and journal entries of `_TRANSPORT=kernel` with `SYSLOG_FACILITY=0`. A plain log
//!   file never proves it.
//! * A program listed in `[[trust.program]]` is proven, in the journal, by the fields
//!   journald records from the kernel's view of the writer: its systemd unit
//!   (`_SYSTEMD_UNIT`, from its cgroup), or its executable (`_EXE`) together with its
//!   uid (`_UID`). `SYSLOG_IDENTIFIER` and `_COMM` are the writer's choice and prove
//!   nothing. In a plain log file no proof exists: the program is believed only if the
//!   admin lists it for that file in `[trust.files]`.
//! * Any other program name is taken as written (nothing is configured to prove it).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The program name only the kernel can prove.
pub const KERNEL: &str = "kernel";

/// A program whose lines must be proven, and what proves them in the journal.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProvenProgram {
    /// The program name lines claim (`SYSLOG_IDENTIFIER`, the syslog tag).
    pub name: String,
    /// systemd units it runs in (`ssh.service`; one `*` matches any text: `ssh@*.service`).
    #[serde(default)]
    pub units: Vec<String>,
    /// Its executables (`/usr/sbin/sshd`): a writer running one of them, with one of `uids`.
    #[serde(default)]
    pub exes: Vec<String>,
    /// uids the executable must run as (empty: any uid).
    #[serde(default)]
    pub uids: Vec<u32>,
}

/// The `[trust]` configuration section.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Trust {
    /// Programs whose lines must be proven (a list here replaces the defaults).
    pub program: Vec<ProvenProgram>,
    /// Per log file: the listed programs whose lines the admin believes in that file.
    pub files: BTreeMap<PathBuf, Vec<String>>,
}

impl Default for Trust {
    fn default() -> Self {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Self {
            program: vec![
                ProvenProgram {
                    name: "sshd".into(),
                    units: strings(&["ssh.service", "sshd.service", "ssh@*.service", "sshd@*.service"]),
                    exes: strings(&["/usr/sbin/sshd", "/usr/lib/openssh/sshd-session", "/usr/lib/openssh/sshd-auth"]),
                    uids: vec![0],
                },
                ProvenProgram { name: "sudo".into(), units: vec![], exes: strings(&["/usr/bin/sudo"]), uids: vec![] },
            ],
            files: BTreeMap::new(),
        }
    }
}

/// What the journal recorded about the writer of an entry (its trusted fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Writer<'a> {
    /// `_TRANSPORT`.
    pub transport: Option<&'a str>,
    /// `SYSLOG_FACILITY` (for the kernel transport, set by the kernel's record).
    pub facility: Option<&'a str>,
    /// `_SYSTEMD_UNIT`.
    pub unit: Option<&'a str>,
    /// `_EXE`.
    pub exe: Option<&'a str>,
    /// `_UID`.
    pub uid: Option<&'a str>,
}

impl Writer<'_> {
    /// Whether the kernel wrote the entry (not userspace through /dev/kmsg).
    pub fn is_kernel(&self) -> bool {
        self.transport == Some("kernel") && self.facility == Some("0")
    }
}

/// `pattern` with at most one `*` standing for any text.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail),
    }
}

impl Trust {
    fn listed(&self, program: &str) -> Option<&ProvenProgram> {
        self.program.iter().find(|p| p.name == program)
    }

    /// Whether a journal entry claiming `program` was written by it.
    pub fn journal_proves(&self, program: &str, writer: &Writer<'_>) -> bool {
        if program == KERNEL {
            return writer.is_kernel();
        }
        let Some(p) = self.listed(program) else { return true };
        let unit = writer.unit.is_some_and(|u| p.units.iter().any(|g| glob(g, u)));
        let uid_ok = p.uids.is_empty() || writer.uid.and_then(|u| u.parse().ok()).is_some_and(|u| p.uids.contains(&u));
        let exe = writer.exe.is_some_and(|e| p.exes.iter().any(|x| x == e)) && uid_ok;
        unit || exe
    }

    /// What a plain log file at `path` proves.
    pub fn file(&self, path: &Path) -> FileProof {
        FileProof {
            listed: self.program.iter().map(|p| p.name.clone()).collect(),
            believed: self.files.get(path).cloned().unwrap_or_default(),
            everything: false,
        }
    }

    /// Checks the section: the kernel cannot be believed from a file.
    pub fn validate(&self) -> anyhow::Result<()> {
        for (path, programs) in &self.files {
            if programs.iter().any(|p| p == KERNEL) {
                anyhow::bail!("trust.files: {}: a log file cannot prove kernel messages", path.display());
            }
        }
        for p in &self.program {
            if p.name == KERNEL {
                anyhow::bail!("trust.program: `kernel` is proven only by the kernel log");
            }
        }
        Ok(())
    }
}

/// Which program names a plain log file's lines are believed for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileProof {
    listed: Vec<String>,
    believed: Vec<String>,
    everything: bool,
}

impl FileProof {
    /// Believes every line (`test-rules`: which lines match, not who wrote them).
    pub fn everything() -> Self {
        Self { everything: true, ..Self::default() }
    }

    /// Whether a line of this file claiming `program` is believed.
    pub fn proves(&self, program: &str) -> bool {
        if self.everything {
            return true;
        }
        if program == KERNEL {
            return false;
        }
        !self.listed.iter().any(|l| l == program) || self.believed.iter().any(|b| b == program)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_proof() {
        let t = Trust::default();
        let sshd_unit = Writer { transport: Some("syslog"), unit: Some("ssh.service"), ..Writer::default() };
        assert!(t.journal_proves("sshd", &sshd_unit));
        let socket = Writer { unit: Some("ssh@0-192.0.2.1:22-198.51.100.1:4000.service"), ..Writer::default() };
        assert!(t.journal_proves("sshd", &socket));
        let exe = Writer { exe: Some("/usr/sbin/sshd"), uid: Some("0"), ..Writer::default() };
        assert!(t.journal_proves("sshd", &exe));
        // `setpriv --reuid=65534 systemd-cat -t sshd`: cat, as nobody, in no unit.
        let forged =
            Writer { transport: Some("stdout"), exe: Some("/usr/bin/cat"), uid: Some("65534"), ..Writer::default() };
        assert!(!t.journal_proves("sshd", &forged));
        let nobody_sshd = Writer { exe: Some("/usr/sbin/sshd"), uid: Some("65534"), ..Writer::default() };
        assert!(!t.journal_proves("sshd", &nobody_sshd));
        assert!(!t.journal_proves("sshd", &Writer { unit: Some("user@1000.service"), ..Writer::default() }));
        // The kernel: its own records only, not a userspace write to /dev/kmsg.
        let kernel = Writer { transport: Some("kernel"), facility: Some("0"), ..Writer::default() };
        assert!(t.journal_proves("kernel", &kernel));
        assert!(!t.journal_proves("kernel", &Writer { facility: Some("1"), ..kernel.clone() }));
        assert!(!t.journal_proves("kernel", &Writer { transport: Some("syslog"), uid: Some("0"), ..Writer::default() }));
        // Programs nobody configured proof for are taken as written.
        assert!(t.journal_proves("nginx", &forged));
    }

    #[test]
    fn file_proof() {
        let mut t = Trust::default();
        t.files.insert(PathBuf::from("/var/log/sshd.log"), vec!["sshd".into()]);
        let auth = t.file(Path::new("/var/log/auth.log"));
        assert!(!auth.proves("sshd") && !auth.proves("kernel") && auth.proves("cron"));
        let sshd = t.file(Path::new("/var/log/sshd.log"));
        assert!(sshd.proves("sshd") && !sshd.proves("sudo") && !sshd.proves("kernel"));
        t.files.insert(PathBuf::from("/var/log/kern.log"), vec!["kernel".into()]);
        assert!(t.validate().is_err());
        assert!(FileProof::everything().proves("kernel"));
    }
}
