//! `rampart-policy wx suggest`: turns rampart_wx's refusals (audit mode, or
//! enforce) into the exception list this machine needs, for the admin to review,
//! as `generate` does for RBAC.
//!
//! Only W^X refusals make a program a candidate (TPE knows no exceptions). The
//! list is what the kernel's `wx/exceptions` file takes: one absolute path per
//! line. A program whose path could not be written there as one entry (a comma,
//! a control byte, not absolute, too long) is reported and left out, so a
//! hostile executable name cannot add other programs to the list.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Longest path the kernel's list takes (`ALLOW_PATH_MAX`).
const PATH_MAX: usize = rampart_kernel_logic::allowlist::ALLOW_PATH_MAX;
/// Most programs the kernel's list takes.
pub const LIST_MAX: usize = rampart_kernel_logic::allowlist::ALLOW_MAX;

/// One program to exempt and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its executable.
    pub exe: String,
    /// The rules it broke, with how often.
    pub rules: BTreeMap<String, u64>,
}

/// What the events said.
#[derive(Debug, Default)]
pub struct Suggestion {
    /// Programs to exempt, most refusals first.
    pub candidates: Vec<Candidate>,
    /// Programs that cannot be listed (their path is not a single safe entry).
    pub unlistable: Vec<String>,
    /// Lines that were not events.
    pub malformed: u64,
    /// W^X events read.
    pub events: u64,
}

#[derive(Deserialize)]
struct WxEvent {
    module: String,
    decision: String,
    exe: String,
    reason: String,
}

fn listable(exe: &str) -> bool {
    exe.starts_with('/')
        && exe.len() <= PATH_MAX
        && !exe.bytes().any(|b| b == b',' || b < 0x20 || b == 0x7f)
        && exe.trim() == exe
}

/// Reads event lines (the kernel channel's, or rampart-hidsd's copies of them).
pub fn suggest(log: &str) -> Suggestion {
    let mut by_exe: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut out = Suggestion::default();
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(ev) = serde_json::from_str::<WxEvent>(line) else {
            out.malformed += 1;
            continue;
        };
        if ev.module != "wx" || !(ev.decision == "audit" || ev.decision == "deny") {
            continue;
        }
        out.events += 1;
        if ev.reason == "untrusted path execution" {
            continue;
        }
        *by_exe.entry(ev.exe).or_default().entry(ev.reason).or_default() += 1;
    }
    for (exe, rules) in by_exe {
        if listable(&exe) {
            out.candidates.push(Candidate { exe, rules });
        } else {
            out.unlistable.push(exe);
        }
    }
    out.candidates.sort_by_key(|c| std::cmp::Reverse(c.rules.values().sum::<u64>()));
    out
}

/// The exception list: one path per line.
pub fn render(s: &Suggestion) -> String {
    s.candidates.iter().map(|c| format!("{}\n", c.exe)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(exe: &str, decision: &str, reason: &str) -> String {
        serde_json::json!({"seq":1,"module":"wx","decision":decision,"exe":exe,"reason":reason,"object":"x"})
            .to_string()
    }

    #[test]
    fn suggests_programs_that_broke_wx() {
        let log = [
            event("/usr/bin/luajit", "audit", "executable memory that is or was writable"),
            event("/usr/bin/luajit", "audit", "writable and executable mapping"),
            event("/usr/bin/node", "deny", "executable memory that is or was writable"),
            event("/home/u/prog", "deny", "untrusted path execution"),
            event("/usr/bin/ok", "allow", "x"),
            "garbage".into(),
            r#"{"module":"rbac","decision":"deny","exe":"/bin/x","reason":"r"}"#.into(),
        ]
        .join("\n");
        let s = suggest(&log);
        assert_eq!(s.malformed, 1);
        assert_eq!(s.events, 4);
        assert_eq!(render(&s), "/usr/bin/luajit\n/usr/bin/node\n");
        assert_eq!(s.candidates[0].rules.len(), 2);
    }

    #[test]
    fn hostile_names_are_not_listed() {
        for exe in ["/tmp/a\n/usr/bin/sudo", "/tmp/a,/usr/bin/sudo", "relative", " /x", "/x\u{7f}"] {
            let s = suggest(&event(exe, "audit", "writable and executable mapping"));
            assert_eq!(render(&s), "", "{exe:?}");
            assert_eq!(s.unlistable, vec![exe.to_string()]);
        }
    }
}
