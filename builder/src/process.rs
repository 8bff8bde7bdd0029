//! Running external commands with their output kept in a log file.

use anyhow::{bail, Context, Result};
use std::fs::OpenOptions;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `cmd` with stdout and stderr appended to `log`; on failure the error carries
/// the log's last lines.
pub fn run_logged(cmd: &mut Command, log: &Path) -> Result<()> {
    let file =
        OpenOptions::new().create(true).append(true).open(log).with_context(|| format!("opening {}", log.display()))?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .status()
        .with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed ({status}); last lines of {}:\n{}", log.display(), tail(log, 25));
    }
    Ok(())
}

/// The last `n` lines of a text file (lossy), or a note when it cannot be read.
pub fn tail(path: &Path, n: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(n)..].join("\n")
        }
        Err(err) => format!("({} unreadable: {err})", path.display()),
    }
}
