//! `apply --confirm SECS`: the new ruleset stays only if `rampart-fw confirm` is run
//! within SECS; otherwise a detached timer process puts the previous one back (CSF's
//! testing mode, `iptables-apply`). The pending confirmation is a file in the state
//! directory holding a token; the timer rolls back only if its token is still there.

use crate::apply::{files, now, Firewall};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// A confirmation being waited for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pending {
    /// Identifies the apply it belongs to.
    pub token: String,
    /// Unix time after which the previous ruleset comes back.
    pub deadline: u64,
}

/// The pending confirmation, if any.
pub fn pending(fw: &Firewall) -> Option<Pending> {
    serde_json::from_str(&fw.read(files::PENDING)).ok()
}

/// Records a pending confirmation of `secs` and starts the timer (`exe` with
/// `timer_args`, detached in its own session so the shell that ran apply can go).
pub fn arm(fw: &Firewall, secs: u64, exe: &std::path::Path, timer_args: &[String]) -> Result<Pending> {
    let token = format!("{}-{}", std::process::id(), now());
    let p = Pending { token: token.clone(), deadline: now() + secs };
    fw.write(files::PENDING, &serde_json::to_string(&p)?)?;
    let mut cmd = Command::new(exe);
    cmd.args(timer_args).args(["confirm-timer", &token, &secs.to_string()]);
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    // SAFETY: setsid(2) is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    cmd.spawn().context("starting the confirmation timer")?;
    Ok(p)
}

/// `confirm`: keeps the new ruleset. Returns whether a confirmation was pending.
pub fn confirm(fw: &Firewall) -> Result<bool> {
    let was = pending(fw).is_some();
    match std::fs::remove_file(fw.file(files::PENDING)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e).context("removing the pending confirmation"),
        _ => Ok(was),
    }
}

/// The timer: waits `secs`, then rolls back if confirmation `token` is still pending.
pub fn timer(fw: &Firewall, token: &str, secs: u64) -> Result<()> {
    std::thread::sleep(std::time::Duration::from_secs(secs));
    match pending(fw) {
        Some(p) if p.token == token => {
            fw.rollback()?;
            fw.log(&format!("apply {token} was not confirmed within {secs}s: the previous ruleset is back"));
        }
        _ => {}
    }
    Ok(())
}
