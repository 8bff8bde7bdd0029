//! `rampart package --rpm`: installable RPMs of a build: `kernel-rampart` (image and
//! in-tree modules), `kernel-rampart-devel` (what out-of-tree C and Rust modules build
//! against) and `kmod-rampart` (rampart's modules under `/lib/modules/<kver>/extra`,
//! depmod on install and removal, requiring the matching kernel). Modules are signed
//! when the kernel is configured to check signatures.
//!
//! Reproducible: file times are clamped to SOURCE_DATE_EPOCH (the source tarball's
//! modification time unless set), the build host and build time are fixed, so packaging
//! the same build twice gives byte-identical RPMs.

mod spec;
mod stage;

use crate::configure::ConfigRequest;
use crate::ctx::Ctx;
use crate::kbuild;
use crate::modsign;
use crate::process::run_logged;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub use crate::modsign::SignKey;

/// Builds (or reuses) the kernel for `req` and packages it into `out` (default
/// `<work>/packages/<build>/rpms`); returns the RPM paths.
pub fn package(ctx: &Ctx, req: &ConfigRequest, out: Option<&Path>, sign: Option<&SignKey>) -> Result<Vec<PathBuf>> {
    let build = kbuild::build(ctx, req)?;
    let obj = &build.objdir;
    let kver = std::fs::read_to_string(obj.join("include/config/kernel.release"))
        .context("kernel.release missing from the build")?
        .trim()
        .to_string();
    let dir = ctx.work.root().join("packages").join(&build.build_hash[..16]);
    let stage = dir.join("stage");
    let _ = std::fs::remove_dir_all(&stage);
    let log = dir.join("package.log");
    std::fs::create_dir_all(&stage)?;
    let _ = std::fs::remove_file(&log);

    // kernel-rampart
    let kroot = stage.join("kernel");
    std::fs::create_dir_all(kroot.join("boot"))?;
    std::fs::copy(&build.bzimage, kroot.join(format!("boot/vmlinuz-{kver}")))?;
    std::fs::copy(obj.join("System.map"), kroot.join(format!("boot/System.map-{kver}")))?;
    std::fs::copy(obj.join(".config"), kroot.join(format!("boot/config-{kver}")))?;
    run_logged(
        ctx.toolchain
            .make(&build.source_tree)
            .arg(format!("O={}", obj.display()))
            .arg(format!("INSTALL_MOD_PATH={}", kroot.display()))
            .arg("DEPMOD=/bin/true")
            .arg("modules_install"),
        &log,
    )?;
    let modules = kroot.join("lib/modules").join(&kver);
    std::fs::create_dir_all(modules.join("kernel"))?;
    for link in ["build", "source"] {
        let _ = std::fs::remove_file(modules.join(link));
    }
    run_logged(Command::new("depmod").arg("-b").arg(&kroot).arg(&kver), &log)?;
    // The static usermode helper the kernel runs every helper through.
    let helper = crate::initramfs::guest_tool(&ctx.repo, &ctx.work.tools(), "rampart-umh", "rampart-usermode-helper")?;
    let helper_dest = kroot.join(crate::initramfs::USERMODE_HELPER.trim_start_matches('/'));
    std::fs::create_dir_all(helper_dest.parent().context("helper path without a directory")?)?;
    std::fs::copy(&helper, &helper_dest)?;

    // kernel-rampart-devel
    stage::devel(&stage.join("devel"), &build.source_tree, obj, &kver, &ctx.toolchain.make_vars().join(" "))?;

    // kmod-rampart
    let config = modsign::kernel_config(obj)?;
    let signs = modsign::kernel_checks_signatures(&config);
    let extra = stage.join("kmod/lib/modules").join(&kver).join("extra/rampart");
    std::fs::create_dir_all(&extra)?;
    for m in build.modules.iter().filter(|m| m.name == kbuild::PRODUCT_MODULES) {
        for ko in &m.kos {
            let dest = extra.join(ko.file_name().context("module without a file name")?);
            // The build signed each module with its own key; another key signs the
            // unsigned original.
            match sign {
                Some(key) if signs => {
                    std::fs::copy(modsign::unsigned_copy(ko), &dest)?;
                    modsign::sign(obj, &config, Some(key), &dest, &log)?;
                }
                _ => {
                    std::fs::copy(ko, &dest)?;
                }
            }
        }
    }

    // The spec and rpmbuild.
    let toolchain = &build.toolchain;
    let version = kver.replace('-', "_");
    let flavor = format!("{} {}", build.target, build.variant);
    let tool = |k: &str| toolchain.get(k).cloned().unwrap_or_else(|| "?".into());
    let (rustc, bindgen, clang) = (tool("rustc"), tool("bindgen"), tool("clang"));
    let spec_text = spec::render(&spec::SpecInput {
        kver: &kver,
        version: &version,
        release: &build.build_hash[..12],
        flavor: &flavor,
        rustc: &rustc,
        bindgen: &bindgen,
        clang: &clang,
        signed: signs,
    });
    let spec_path = dir.join("kernel-rampart.spec");
    std::fs::write(&spec_path, spec_text)?;
    let top = dir.join("rpmbuild");
    let _ = std::fs::remove_dir_all(&top);
    let epoch = source_date_epoch(&build.source)?;
    let mut rpmbuild = Command::new("rpmbuild");
    rpmbuild
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .arg("-bb")
        .arg("--define")
        .arg(format!("_topdir {}", top.display()))
        .arg("--define")
        .arg(format!("stage {}", stage.display()))
        .args(["--define", "_buildhost rampart"])
        .args(["--define", "use_source_date_epoch_as_buildtime 1"])
        .args(["--define", "clamp_mtime_to_source_date_epoch 1"])
        .args(["--define", "_binary_payload w9.zstdio"])
        .args(["--define", "_source_payload w9.zstdio"])
        .arg(&spec_path);
    run_logged(&mut rpmbuild, &log).context("rpmbuild failed")?;

    let out = out.map(Path::to_path_buf).unwrap_or_else(|| dir.join("rpms"));
    std::fs::create_dir_all(&out)?;
    let mut rpms = Vec::new();
    for entry in walkdir::WalkDir::new(top.join("RPMS")).sort_by_file_name() {
        let entry = entry?;
        if entry.file_name().to_string_lossy().ends_with(".rpm") {
            let dest = out.join(entry.file_name());
            std::fs::copy(entry.path(), &dest)?;
            rpms.push(dest);
        }
    }
    if rpms.len() != 3 {
        bail!("rpmbuild made {} packages, expected 3 (see {})", rpms.len(), log.display());
    }
    Ok(rpms)
}

/// SOURCE_DATE_EPOCH from the environment, else the source tarball's mtime.
fn source_date_epoch(source: &Path) -> Result<u64> {
    if let Some(v) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.parse().ok()) {
        return Ok(v);
    }
    let modified = std::fs::metadata(source)?.modified()?;
    Ok(modified.duration_since(std::time::UNIX_EPOCH)?.as_secs())
}
