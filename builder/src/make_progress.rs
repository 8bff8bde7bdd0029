//! Runs a kernel `make` with a progress bar driven by its output, logging every line.

use crate::process::tail;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Whether a line of Kbuild output is one build step (`  CC      kernel/fork.o`).
pub fn is_step(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("  ") else { return false };
    let word: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    !word.is_empty()
        && word.len() <= 12
        && word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && rest.len() > word.len()
}

/// Runs `cmd`, writing all output to `log`; `estimate` is the expected step count
/// (from the previous run of the same kind). Returns the number of steps seen.
pub fn run(cmd: &mut Command, log: &Path, label: &str, estimate: u64) -> Result<u64> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    let (tx, rx) = mpsc::channel::<String>();
    let mut readers = Vec::new();
    for stream in [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as _),
    ]
    .into_iter()
    .flatten()
    {
        let tx = tx.clone();
        readers.push(std::thread::spawn(move || {
            for line in BufReader::new(stream).split(b'\n').map_while(Result::ok) {
                if tx.send(String::from_utf8_lossy(&line).into_owned()).is_err() {
                    break;
                }
            }
        }));
    }
    drop(tx);

    let mut file = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    writeln!(file, "# {cmd:?}")?;
    let bar = ProgressBar::new(estimate.max(1));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(label.to_string());
    let interactive = std::io::stderr().is_terminal();
    if !interactive {
        eprintln!("{label}: started (log: {})", log.display());
    }
    let mut steps = 0u64;
    let mut last_report = Instant::now();
    for line in rx {
        writeln!(file, "{line}")?;
        if is_step(&line) {
            steps += 1;
            if steps > bar.length().unwrap_or(0) {
                bar.set_length(steps + steps / 10);
            }
            bar.set_position(steps);
            bar.set_message(line.trim().chars().take(60).collect::<String>());
            if !interactive && last_report.elapsed() > Duration::from_secs(60) {
                eprintln!("{label}: {steps}/{} steps, {}", bar.length().unwrap_or(0), line.trim());
                last_report = Instant::now();
            }
        }
    }
    for reader in readers {
        let _ = reader.join();
    }
    let status = child.wait()?;
    bar.finish_and_clear();
    if !status.success() {
        bail!("{label} failed ({status}); full log: {}\n{}", log.display(), tail(log, 30));
    }
    eprintln!("{label}: done, {steps} steps");
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::is_step;

    #[test]
    fn recognises_kbuild_steps() {
        assert!(is_step("  CC      kernel/fork.o"));
        assert!(is_step("  RUSTC L rust/core.o"));
        assert!(is_step("  LD [M]  drivers/foo.ko"));
        assert!(!is_step("make[1]: Entering directory '/x'"));
        assert!(!is_step("  "));
        assert!(!is_step("kernel/fork.c:12: warning: x"));
        assert!(!is_step("  Kernel: arch/x86/boot/bzImage is ready  (#1)"));
    }
}
