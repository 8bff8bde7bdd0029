//! Running a kernel headless in QEMU with the serial console captured line by line.

use anyhow::{Context, Result};
use clap::ValueEnum;
use serde::Serialize;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The QEMU accelerator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Accel {
    /// Hardware virtualisation (only where a probe boot showed it works).
    Kvm,
    /// Software emulation.
    Tcg,
}

impl Accel {
    fn name(self) -> &'static str {
        match self {
            Accel::Kvm => "kvm",
            Accel::Tcg => "tcg",
        }
    }

    /// The `-accel` argument. TCG runs single-threaded: with one host thread per vCPU
    /// (MTTCG) a vCPU can execute stale instructions after another vCPU patched kernel
    /// text (kprobes, ftrace, static keys), which real CPUs rule out; the guest still
    /// has several CPUs, only their emulation is interleaved.
    fn argument(self) -> &'static str {
        match self {
            Accel::Kvm => "kvm",
            Accel::Tcg => "tcg,thread=single",
        }
    }
}

/// One guest boot.
#[derive(Debug, Clone)]
pub struct Boot {
    /// Kernel image.
    pub kernel: PathBuf,
    /// Initramfs.
    pub initrd: PathBuf,
    /// Kernel command line.
    pub append: String,
    /// Guest memory in MiB.
    pub memory_mb: u32,
    /// Guest CPUs.
    pub cpus: u32,
    /// Accelerator.
    pub accel: Accel,
    /// Stop the guest after this long.
    pub timeout: Duration,
    /// Where the serial console is written.
    pub serial_log: PathBuf,
    /// Stop as soon as a console line contains this text (used by probes).
    pub stop_at: Option<String>,
    /// Count instructions instead of time (TCG only): the guest clock advances one
    /// nanosecond per instruction executed (`-icount shift=0`), so a benchmark's ns/op
    /// is its instructions per operation, whatever else the host is doing.
    pub icount: bool,
}

/// What happened during a boot.
#[derive(Debug)]
pub struct Outcome {
    /// Serial console lines (without line terminators).
    pub lines: Vec<String>,
    /// The host stopped the guest at the timeout.
    pub timed_out: bool,
    /// The `stop_at` text was seen.
    pub stopped_at_marker: bool,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl Boot {
    /// The QEMU command line.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new("qemu-system-x86_64");
        cmd.arg("-accel")
            .arg(self.accel.argument())
            .arg("-kernel")
            .arg(&self.kernel)
            .arg("-initrd")
            .arg(&self.initrd)
            .arg("-append")
            .arg(&self.append)
            .args(["-m", &self.memory_mb.to_string(), "-smp", &self.cpus.to_string()])
            .args(["-nographic", "-no-reboot", "-nodefaults", "-serial", "stdio"])
            // A q35 machine with an emulated Intel IOMMU (VT-d): the config's IOMMU
            // options (on by default, strict invalidation) are exercised at every boot.
            .args(["-machine", "q35", "-device", "intel-iommu"]);
        if self.accel == Accel::Kvm {
            cmd.args(["-cpu", "host"]);
        } else if self.icount {
            cmd.args(["-icount", "shift=0,sleep=off"]);
        }
        cmd
    }

    /// Boots, captures the console to `serial_log`, and stops at the timeout or marker.
    pub fn run(&self) -> Result<Outcome> {
        let started = Instant::now();
        if let Some(dir) = self.serial_log.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        // Created before QEMU starts: nothing can fail between the spawn and the guard.
        let mut log = std::fs::File::create(&self.serial_log)
            .with_context(|| format!("creating {}", self.serial_log.display()))?;
        let mut child = KillOnDrop(
            self.command()
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .context("starting qemu-system-x86_64 (is qemu-system-x86 installed? `rampart doctor`)")?,
        );
        let child = &mut child.0;
        let (tx, rx) = mpsc::channel::<String>();
        for stream in [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child.stderr.take().map(|s| Box::new(s) as _),
        ]
        .into_iter()
        .flatten()
        {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).split(b'\n').map_while(Result::ok) {
                    let text = String::from_utf8_lossy(&line).trim_end_matches('\r').to_string();
                    if tx.send(text).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let deadline = started + self.timeout;
        let mut lines = Vec::new();
        let (mut timed_out, mut stopped_at_marker) = (false, false);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    writeln!(log, "{line}")?;
                    let hit = self.stop_at.as_deref().is_some_and(|m| line.contains(m));
                    lines.push(line);
                    if hit {
                        stopped_at_marker = true;
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    timed_out = true;
                    break;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        if timed_out {
            writeln!(log, "### rampart: guest stopped by the host after {} s", self.timeout.as_secs())?;
        }
        Ok(Outcome { lines, timed_out, stopped_at_marker, seconds: started.elapsed().as_secs_f64() })
    }
}

/// A QEMU process that is killed and reaped however `run` returns: on an error as
/// much as at the end, so no guest is ever left running.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Picks the accelerator: KVM only when `/dev/kvm` opens and a probe boot of this
/// kernel reaches the guest's init under it; TCG otherwise. The answer is remembered
/// in `cache` for this host kernel and QEMU version.
pub fn probe_accel(boot: &Boot, cache: &Path) -> Accel {
    let kvm_opens = std::fs::OpenOptions::new().read(true).write(true).open("/dev/kvm").is_ok();
    if !kvm_opens {
        return Accel::Tcg;
    }
    let host = crate::toolchain::first_line_of(Command::new("uname").arg("-r"))
        + " "
        + &crate::toolchain::first_line_of(Command::new("qemu-system-x86_64").arg("--version"));
    if let Ok(text) = std::fs::read_to_string(cache) {
        if let Some((key, answer)) = text.rsplit_once('\n') {
            if key == host {
                return if answer == "kvm" { Accel::Kvm } else { Accel::Tcg };
            }
        }
    }
    let mut probe = boot.clone();
    probe.accel = Accel::Kvm;
    probe.timeout = Duration::from_secs(30);
    probe.stop_at = Some("RAMPART-GUEST: UP".into());
    probe.serial_log = cache.with_extension("log");
    let works = probe.run().is_ok_and(|o| o.stopped_at_marker);
    let answer = if works { Accel::Kvm } else { Accel::Tcg };
    if let Some(dir) = cache.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(cache, format!("{host}\n{}", answer.name()));
    answer
}
