//! `rampart boot-test`: boot the last build of a target in QEMU with a guest suite
//! and decide pass / fail / panic / hang; results go to `results.json`.

use crate::ctx::Ctx;
use crate::initramfs;
use crate::kbuild::last_build;
use crate::process::tail;
use crate::qemu::{self, Accel, Boot};
use crate::target::Variant;
use crate::verdict::{judge, CaseResult, Verdict};
use anyhow::{bail, Result};
use clap::ValueEnum;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How to choose the accelerator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccelChoice {
    /// KVM if a probe boot shows it works, else TCG.
    Auto,
    /// Force KVM.
    Kvm,
    /// Force TCG.
    Tcg,
}

/// What to boot-test.
#[derive(Debug, Clone)]
pub struct BootTestRequest {
    /// Target name.
    pub target: String,
    /// Kernel variant.
    pub variant: Variant,
    /// Guest suite (`qemu/rampart/suites/<suite>`).
    pub suite: String,
    /// Only the cases whose names start with this.
    pub cases: Option<String>,
    /// Boot the kernel and rampart modules installed under this root (from the RPMs:
    /// `/boot/vmlinuz-<kver>`, `/lib/modules/<kver>/extra/rampart`) instead of the
    /// build's own files.
    pub installed_root: Option<PathBuf>,
    /// Host-side timeout for the whole boot.
    pub timeout: Duration,
    /// Accelerator choice.
    pub accel: AccelChoice,
    /// Guest time counts instructions (see [`Boot::icount`]).
    pub icount: bool,
    /// Host programs (paths or globs) added to the guest besides the suite's
    /// `programs` file, with everything they need.
    pub programs: Vec<PathBuf>,
}

/// `results.json`.
#[derive(Debug, Serialize)]
pub struct Results {
    /// Suite name.
    pub suite: String,
    /// Target name.
    pub target: String,
    /// Variant name.
    pub variant: String,
    /// Kernel version.
    pub kernel_version: String,
    /// Build hash of the kernel booted.
    pub build_hash: String,
    /// Accelerator used.
    pub accel: Accel,
    /// Overall verdict.
    pub verdict: Verdict,
    /// Why.
    pub evidence: String,
    /// Seconds the boot took.
    pub seconds: f64,
    /// The captured serial console.
    pub serial_log: PathBuf,
    /// One entry per case.
    pub cases: Vec<CaseResult>,
}

/// Points `build` at the kernel and modules installed under `root` (release from the
/// build's `kernel.release`); every rampart module the build made must be installed
/// there (the test-only modules, never packaged, come from the build itself).
fn use_installed(build: &mut crate::metadata::BuildMetadata, root: &Path) -> Result<()> {
    let kver = std::fs::read_to_string(build.objdir.join("include/config/kernel.release"))?.trim().to_string();
    build.bzimage = root.join("boot").join(format!("vmlinuz-{kver}"));
    let extra = root.join("lib/modules").join(&kver).join("extra/rampart");
    for module in build.modules.iter_mut().filter(|m| m.name == crate::kbuild::PRODUCT_MODULES) {
        for ko in &mut module.kos {
            let installed = extra.join(ko.file_name().unwrap_or_default());
            if !installed.is_file() {
                bail!("{} is not installed under {}", installed.display(), root.display());
            }
            *ko = installed;
        }
    }
    eprintln!("boot-test: kernel and modules installed under {}", root.display());
    Ok(())
}

/// Runs one boot test; `Ok` carries the results whatever the verdict.
pub fn run(ctx: &Ctx, req: &BootTestRequest) -> Result<Results> {
    let mut build = last_build(ctx, &req.target, req.variant.name())?;
    if let Some(root) = &req.installed_root {
        use_installed(&mut build, root)?;
    }
    if !build.bzimage.is_file() {
        bail!("{} is missing; run `rampart build`", build.bzimage.display());
    }
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let dir = ctx.work.runs().join(format!("{stamp}-{}-{}-{}", req.target, req.variant.name(), req.suite));
    std::fs::create_dir_all(&dir)?;
    let extra = initramfs::programs::from_args(&req.programs)?;
    let initrd =
        initramfs::build(&ctx.repo, &build, &req.suite, req.cases.as_deref(), &extra, &dir, &ctx.work.tools())?;
    let mut boot = Boot {
        kernel: build.bzimage.clone(),
        initrd,
        append: "console=ttyS0 panic=-1 loglevel=7 mitigations=auto,nosmt page_alloc.shuffle=1".into(),
        memory_mb: 512,
        cpus: 2,
        accel: Accel::Tcg,
        timeout: req.timeout,
        serial_log: dir.join("serial.log"),
        stop_at: None,
        icount: req.icount,
    };
    boot.accel = match req.accel {
        AccelChoice::Kvm => Accel::Kvm,
        AccelChoice::Tcg => Accel::Tcg,
        AccelChoice::Auto if req.icount => Accel::Tcg,
        AccelChoice::Auto => qemu::probe_accel(&boot, &ctx.work.stats().join("kvm-probe")),
    };
    if boot.icount && boot.accel != Accel::Tcg {
        bail!("--icount needs TCG (QEMU counts instructions only when it emulates them)");
    }
    eprintln!(
        "boot-test: {} {} suite {} ({:?}, timeout {}s)",
        req.target,
        req.variant.name(),
        req.suite,
        boot.accel,
        req.timeout.as_secs()
    );
    let outcome = boot.run()?;
    let decided = judge(&outcome.lines, outcome.timed_out);
    let results = Results {
        suite: req.suite.clone(),
        target: req.target.clone(),
        variant: req.variant.name().into(),
        kernel_version: build.kernel_version.clone(),
        build_hash: build.build_hash.clone(),
        accel: boot.accel,
        verdict: decided.verdict,
        evidence: decided.evidence,
        seconds: outcome.seconds,
        serial_log: boot.serial_log.clone(),
        cases: decided.cases,
    };
    std::fs::write(dir.join("results.json"), serde_json::to_vec_pretty(&results)?)?;
    report(&results, &dir.join("results.json"));
    Ok(results)
}

fn report(results: &Results, path: &std::path::Path) {
    for case in &results.cases {
        println!("  {:<5} {:<28} {}", format!("{:?}", case.verdict).to_lowercase(), case.name, case.evidence);
    }
    let passed = results.cases.iter().filter(|c| c.verdict == Verdict::Pass).count();
    println!(
        "boot-test {}: {:?} ({}) in {:.1}s; results: {}",
        results.suite,
        results.verdict,
        results.evidence,
        results.seconds,
        path.display()
    );
    if results.verdict != Verdict::Pass {
        println!("last lines of {}:\n{}", results.serial_log.display(), tail(&results.serial_log, 40));
    }
    println!("{}: {passed} passed, {} failed", results.suite, results.cases.len() - passed);
}
