//! The kernel side: rampart_rbac's files in securityfs.

use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// rampart_rbac's securityfs directory.
pub const RBAC_DIR: &str = "/sys/kernel/security/rampart/rbac";
/// rampart's event channel.
pub const EVENTS: &str = "/sys/kernel/security/rampart/events";

fn rbac(file: &str) -> PathBuf {
    Path::new(RBAC_DIR).join(file)
}

/// Loads a compiled policy (one write: the kernel takes it whole or not at all).
pub fn load(bytes: &[u8]) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(rbac("policy"))
        .with_context(|| format!("opening {} (is rampart_rbac loaded?)", rbac("policy").display()))?;
    match file.write(bytes) {
        Ok(n) if n == bytes.len() => Ok(()),
        Ok(n) => bail!("the kernel took {n} of {} bytes", bytes.len()),
        Err(e) => {
            let status = std::fs::read_to_string(rbac("status")).unwrap_or_default();
            let reason = status.lines().find_map(|l| l.strip_prefix("last_load ")).unwrap_or("?").to_string();
            Err(e).with_context(|| format!("the kernel refused the policy ({reason}); the policy in force stays"))
        }
    }
}

/// Sets the module's mode (off, audit, enforce, learn).
pub fn set_mode(mode: &str) -> Result<()> {
    std::fs::write(rbac("mode"), mode).with_context(|| format!("setting mode {mode}"))
}

/// The module's status and counters.
pub fn status() -> Result<String> {
    let status =
        std::fs::read_to_string(rbac("status")).with_context(|| format!("reading {}", rbac("status").display()))?;
    let stats = std::fs::read_to_string(rbac("stats")).unwrap_or_default();
    let core = std::fs::read_to_string("/sys/kernel/security/rampart/stats").unwrap_or_default();
    Ok(format!("{status}{stats}{core}"))
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Copies `learn` events from the event channel to `output` until SIGINT or SIGTERM;
/// gaps in the event sequence are written as `{"lost":N}` lines. Returns (learn events
/// written, events lost).
pub fn collect(output: &Path) -> Result<(u64, u64)> {
    // SAFETY: installs a handler that only stores to an atomic; without SA_RESTART, so
    // the blocking read returns EINTR and the loop sees the flag.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as *const () as usize;
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
    }
    let mut events = std::fs::File::open(EVENTS).with_context(|| format!("opening {EVENTS}"))?;
    let mut out = std::fs::OpenOptions::new().create(true).append(true).open(output)?;
    let (mut written, mut lost, mut next_seq) = (0u64, 0u64, None::<u64>);
    let mut buf = vec![0u8; 64 * 1024];
    let mut pending = Vec::new();
    while !STOP.load(Ordering::SeqCst) {
        let n = match events.read(&mut buf) {
            // The channel blocks until an event is queued; an empty read is not expected,
            // but must not turn into a busy loop.
            Ok(0) => {
                std::thread::sleep(std::time::Duration::from_millis(100));
                continue;
            }
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context("reading events"),
        };
        pending.extend_from_slice(&buf[..n]);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) else { continue };
            if let Some(seq) = v["seq"].as_u64() {
                if let Some(expected) = next_seq.filter(|&e| seq > e) {
                    lost += seq - expected;
                    writeln!(out, "{{\"lost\":{}}}", seq - expected)?;
                }
                next_seq = Some(seq + 1);
            }
            if v["module"] == "rbac" && v["decision"] == "learn" {
                out.write_all(&line)?;
                written += 1;
            }
        }
        out.flush()?;
    }
    Ok((written, lost))
}
