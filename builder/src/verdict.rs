//! Deciding a boot test from the serial console: pass, fail, kernel panic or hang,
//! always from explicit markers the guest prints, never from missing output.
//!
//! Guest protocol (see `qemu/rampart/harness.sh`):
//! `RAMPART-SUITE: BEGIN <suite> cases=<n>`, then per case `RAMPART-CASE: BEGIN <name>`
//! and `RAMPART-CASE: PASS|FAIL <name> :: <evidence>`, then `RAMPART-SUITE: END <suite>`.

use serde::{Deserialize, Serialize};

/// Outcome of a case or of a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Everything the guest announced passed.
    Pass,
    /// A case failed, or the guest stopped before finishing.
    Fail,
    /// The kernel panicked.
    Panic,
    /// Nothing finished before the timeout.
    Hang,
}

/// One guest test case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseResult {
    /// Case name.
    pub name: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// The line that shows it.
    pub evidence: String,
}

/// The decision for a whole run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunVerdict {
    /// Overall verdict.
    pub verdict: Verdict,
    /// Why.
    pub evidence: String,
    /// Per-case results, in the order the guest ran them, plus the host's console check.
    pub cases: Vec<CaseResult>,
}

/// Console text that means the kernel itself reported a problem.
const KERNEL_TROUBLE: [&str; 8] =
    ["BUG:", "kernel BUG at", "WARNING:", "Oops", "Call Trace", "general protection fault", "UBSAN:", "CFI failure"];
const PANIC: &str = "Kernel panic - not syncing";

/// A case that provokes kernel trouble on purpose (a CFI trap in a throwaway guest)
/// brackets it between these two lines; trouble reported in between is expected, counted
/// and not held against the console.
pub const EXPECT_TROUBLE_BEGIN: &str = "RAMPART-EXPECT: KERNEL-TROUBLE BEGIN";
/// End of the window opened by [`EXPECT_TROUBLE_BEGIN`].
pub const EXPECT_TROUBLE_END: &str = "RAMPART-EXPECT: KERNEL-TROUBLE END";

/// Name of the case the host adds: the whole console is free of kernel trouble reports.
pub const CONSOLE_CASE: &str = "console-clean";

fn marker<'a>(line: &'a str, tag: &str) -> Option<&'a str> {
    line.find(tag).map(|at| line[at + tag.len()..].trim())
}

/// Judges a run from its console lines; `timed_out` says the host stopped the guest.
pub fn judge(lines: &[String], timed_out: bool) -> RunVerdict {
    let mut announced: Option<usize> = None;
    let mut ended = false;
    let mut panic: Option<String> = None;
    let mut trouble: Option<String> = None;
    let mut cases: Vec<CaseResult> = Vec::new();
    let mut expecting_trouble = false;
    let mut expected_trouble = 0usize;
    for line in lines {
        if line.contains(EXPECT_TROUBLE_BEGIN) {
            expecting_trouble = true;
        } else if line.contains(EXPECT_TROUBLE_END) {
            expecting_trouble = false;
        } else if let Some(rest) = marker(line, "RAMPART-SUITE: BEGIN ") {
            announced = rest.split_whitespace().find_map(|w| w.strip_prefix("cases=")?.parse().ok());
        } else if marker(line, "RAMPART-SUITE: END").is_some() {
            ended = true;
        } else if let Some(name) = marker(line, "RAMPART-CASE: BEGIN ") {
            cases.push(CaseResult {
                name: name.to_string(),
                verdict: Verdict::Hang,
                evidence: "started, no result".into(),
            });
        } else if let Some((verdict, rest)) = marker(line, "RAMPART-CASE: PASS ")
            .map(|r| (Verdict::Pass, r))
            .or_else(|| marker(line, "RAMPART-CASE: FAIL ").map(|r| (Verdict::Fail, r)))
        {
            let (name, evidence) = rest.split_once(" :: ").unwrap_or((rest, ""));
            let result = CaseResult { name: name.trim().to_string(), verdict, evidence: evidence.trim().to_string() };
            match cases.iter_mut().rev().find(|c| c.name == result.name && c.verdict == Verdict::Hang) {
                Some(slot) => *slot = result,
                None => cases.push(result),
            }
        } else if line.contains(PANIC) {
            panic.get_or_insert_with(|| line.trim().to_string());
        } else if !line.starts_with("  | ") && KERNEL_TROUBLE.iter().any(|t| line.contains(t)) {
            if expecting_trouble {
                expected_trouble += 1;
            } else {
                trouble.get_or_insert_with(|| line.trim().to_string());
            }
        }
    }
    for case in cases.iter_mut().filter(|c| c.verdict == Verdict::Hang && !timed_out) {
        case.verdict = Verdict::Fail;
        case.evidence = "the guest stopped before the case reported".into();
    }
    let guest_cases = cases.len();
    cases.push(match &trouble {
        Some(line) => CaseResult { name: CONSOLE_CASE.into(), verdict: Verdict::Fail, evidence: line.clone() },
        None => CaseResult {
            name: CONSOLE_CASE.into(),
            verdict: Verdict::Pass,
            evidence: if expected_trouble == 0 {
                format!("{} console lines, no BUG/WARNING/Oops/Call Trace", lines.len())
            } else {
                format!(
                    "{} console lines, no BUG/WARNING/Oops/Call Trace outside the {expected_trouble} lines \
                     a case provoked on purpose",
                    lines.len()
                )
            },
        },
    });
    let (verdict, evidence) = if let Some(line) = panic {
        (Verdict::Panic, line)
    } else if !ended && timed_out {
        let last = cases.iter().rev().find(|c| c.verdict == Verdict::Hang).map(|c| c.name.clone());
        (
            Verdict::Hang,
            format!("no suite end before the timeout{}", last.map(|n| format!("; stuck in {n}")).unwrap_or_default()),
        )
    } else if !ended {
        (Verdict::Fail, "the guest stopped before the suite ended".into())
    } else if announced.is_none() {
        (Verdict::Fail, "the suite never announced its cases".into())
    } else if announced != Some(guest_cases) {
        (Verdict::Fail, format!("{} cases announced, {guest_cases} reported", announced.unwrap_or(0)))
    } else if guest_cases == 0 {
        (Verdict::Fail, "no test case ran".into())
    } else if let Some(bad) = cases.iter().find(|c| c.verdict != Verdict::Pass) {
        (Verdict::Fail, format!("{}: {}", bad.name, bad.evidence))
    } else {
        (Verdict::Pass, format!("{} cases passed", cases.len()))
    };
    RunVerdict { verdict, evidence, cases }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    const GOOD: &str = "Linux version 6.12\nRAMPART-SUITE: BEGIN smoke cases=2\nRAMPART-CASE: BEGIN a\n  | x\n\
RAMPART-CASE: PASS a :: loaded\nRAMPART-CASE: BEGIN b\nRAMPART-CASE: PASS b :: ok\nRAMPART-SUITE: END smoke\n";

    #[test]
    fn pass_needs_every_announced_case() {
        let v = judge(&lines(GOOD), false);
        assert_eq!(v.verdict, Verdict::Pass, "{v:?}");
        assert_eq!(v.cases.len(), 3);
        assert_eq!(v.cases[0].evidence, "loaded");
        let missing = GOOD.replace("cases=2", "cases=3");
        assert_eq!(judge(&lines(&missing), false).verdict, Verdict::Fail);
    }

    #[test]
    fn empty_or_unannounced_output_is_not_a_pass() {
        assert_eq!(judge(&[], false).verdict, Verdict::Fail);
        assert_eq!(judge(&[], true).verdict, Verdict::Hang);
        let v = judge(&lines("RAMPART-SUITE: END smoke\n"), false);
        assert_eq!(v.verdict, Verdict::Fail);
    }

    #[test]
    fn failing_case_fails_the_run() {
        let text = GOOD.replace("PASS b :: ok", "FAIL b :: rc=1 nope");
        let v = judge(&lines(&text), false);
        assert_eq!(v.verdict, Verdict::Fail);
        assert_eq!(v.evidence, "b: rc=1 nope");
    }

    #[test]
    fn kernel_warning_fails_console_case_but_echoed_output_does_not() {
        let text = GOOD.replace("  | x", "[    1.0] WARNING: CPU: 0 PID: 1 at foo");
        let v = judge(&lines(&text), false);
        assert_eq!(v.verdict, Verdict::Fail);
        assert!(v.evidence.starts_with("console-clean: [    1.0] WARNING"), "{}", v.evidence);
        let echoed = GOOD.replace("  | x", "  | grep found no WARNING: lines");
        assert_eq!(judge(&lines(&echoed), false).verdict, Verdict::Pass);
    }

    #[test]
    fn trouble_is_excused_only_inside_the_expected_window() {
        let provoked = format!(
            "{EXPECT_TROUBLE_BEGIN}\n[ 3.0] CFI failure at call_wrong+0x1/0x2\n[ 3.0] Oops: invalid opcode\n\
             {EXPECT_TROUBLE_END}"
        );
        let text = GOOD.replace("  | x", &provoked);
        let v = judge(&lines(&text), false);
        assert_eq!(v.verdict, Verdict::Pass, "{v:?}");
        assert!(v.cases.last().is_some_and(|c| c.evidence.contains("2 lines a case provoked")), "{v:?}");
        let after = GOOD.replace("  | x", &format!("{provoked}\n[ 4.0] Oops: again"));
        assert_eq!(judge(&lines(&after), false).verdict, Verdict::Fail);
    }

    #[test]
    fn panic_wins() {
        let text = format!("{GOOD}[ 2.0] Kernel panic - not syncing: Attempted to kill init!\n");
        let v = judge(&lines(&text), false);
        assert_eq!(v.verdict, Verdict::Panic);
        assert!(v.evidence.contains("Attempted to kill init"));
    }

    /// Serial logs recorded from real boots of a rampart kernel under QEMU.
    fn fixture(name: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        lines(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    }

    #[test]
    fn recorded_pass() {
        let v = judge(&fixture("serial-pass.log"), false);
        assert_eq!(v.verdict, Verdict::Pass, "{v:?}");
        let names: Vec<&str> = v.cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "01-core-load",
                "02-core-param",
                "03-core-param-set",
                "04-core-unload",
                "05-kernel-log-clean",
                CONSOLE_CASE
            ]
        );
        assert_eq!(v.cases[0].evidence, "rampart_core: loaded (shim abi 1, log_level=1)");
    }

    #[test]
    fn recorded_panic() {
        // A kernel booted without an initramfs: no init, so it panics.
        let v = judge(&fixture("serial-panic.log"), false);
        assert_eq!(v.verdict, Verdict::Panic);
        assert!(v.evidence.contains("No working init found"), "{}", v.evidence);
    }

    #[test]
    fn recorded_hang() {
        // init is `sleep 1000`: the kernel boots and then nothing ends before the timeout.
        let v = judge(&fixture("serial-hang.log"), true);
        assert_eq!(v.verdict, Verdict::Hang);
        assert!(v.evidence.contains("no suite end"), "{}", v.evidence);
        // The same log without the host's timeout is a failure, never a pass.
        assert_eq!(judge(&fixture("serial-hang.log"), false).verdict, Verdict::Fail);
    }

    #[test]
    fn timeout_mid_case_is_a_hang_naming_the_case() {
        let text = "RAMPART-SUITE: BEGIN smoke cases=2\nRAMPART-CASE: BEGIN a\n";
        let v = judge(&lines(text), true);
        assert_eq!(v.verdict, Verdict::Hang);
        assert!(v.evidence.contains("stuck in a"), "{}", v.evidence);
        let v = judge(&lines(text), false);
        assert_eq!(v.verdict, Verdict::Fail);
        assert_eq!(v.cases[0].verdict, Verdict::Fail);
    }
}
