//! `rampart up`: the whole main job for a new machine: dependencies, config, build, boot test.

use crate::boot_test::{self, AccelChoice, BootTestRequest};
use crate::configure::ConfigRequest;
use crate::ctx::Ctx;
use crate::verdict::Verdict;
use crate::{doctor, kbuild};
use anyhow::{bail, Result};
use std::time::{Duration, Instant};

/// Runs doctor --install, config, build and the smoke boot test, then prints a summary.
pub fn run(ctx: &Ctx, req: &ConfigRequest) -> Result<()> {
    let started = Instant::now();
    doctor::run(&ctx.work, &ctx.toolchain, &ctx.repo, true)?;
    let build = kbuild::build(ctx, req)?;
    let results = boot_test::run(
        ctx,
        &BootTestRequest {
            target: req.target.clone(),
            variant: req.variant,
            suite: "smoke".into(),
            cases: None,
            installed_root: None,
            timeout: Duration::from_secs(300),
            accel: AccelChoice::Auto,
            icount: false,
            programs: vec![],
        },
    )?;
    println!();
    println!("rampart up: Linux {} ({} {})", build.kernel_version, build.target, build.variant);
    println!("  build    {} ({})", &build.build_hash[..16], if build.kernel_cached { "cached" } else { "built" });
    println!("  kernel   {}", build.bzimage.display());
    println!("  smoke    {:?}: {}", results.verdict, results.evidence);
    println!("  total    {:.0}s", started.elapsed().as_secs_f64());
    if results.verdict != Verdict::Pass {
        bail!("smoke boot test did not pass");
    }
    Ok(())
}
