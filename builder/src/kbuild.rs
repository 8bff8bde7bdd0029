//! `rampart build`: the kernel (bzImage + in-tree modules) and every module under
//! `kmod/`, in a build directory named by the content hash of all inputs.

use crate::configure::{self, ConfigRequest, Configured};
use crate::ctx::Ctx;
use crate::digest::sha256_parts;
use crate::make_progress;
use crate::metadata::{BuildMetadata, ModuleArtifact};
use crate::process::run_logged;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The content hash that names a build: source, patches, final `.config`, toolchain.
pub fn build_hash(configured: &Configured, config_text: &[u8], toolchain_json: &[u8]) -> String {
    sha256_parts([
        ("source", configured.source.sha256.as_bytes()),
        ("patches", configured.patches.hash().as_bytes()),
        ("config", config_text),
        ("toolchain", toolchain_json),
    ])
}

/// Files of a module directory that are sources (build outputs are skipped).
pub fn module_sources(dir: &Path) -> Result<Vec<PathBuf>> {
    const OUTPUT_SUFFIXES: [&str; 9] = [".o", ".ko", ".cmd", ".mod", ".mod.c", ".mod.o", ".order", ".symvers", ".d"];
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && !OUTPUT_SUFFIXES.iter().any(|s| name.ends_with(s)) {
            files.push(entry.path().strip_prefix(dir)?.to_path_buf());
        }
    }
    Ok(files)
}

fn step_estimate(ctx: &Ctx, key: &str) -> u64 {
    std::fs::read_to_string(ctx.work.stats().join(key)).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(2500)
}

/// Builds (or reuses) the kernel and modules for `req`.
pub fn build(ctx: &Ctx, req: &ConfigRequest) -> Result<BuildMetadata> {
    let started = Instant::now();
    let configured = configure::configure(ctx, req)?;
    let config_text = std::fs::read(&configured.dot_config)?;
    let toolchain = ctx.toolchain.versions();
    let hash = build_hash(&configured, &config_text, &serde_json::to_vec(&toolchain)?);
    let dir = ctx.work.build_dir(&hash[..16]);
    let obj = dir.join("obj");
    let bzimage = obj.join("arch/x86/boot/bzImage");
    let done = dir.join("kernel.done");
    let kernel_log = dir.join("kernel-build.log");
    let mut make = ctx.toolchain.make(&configured.source.tree);
    make.arg(format!("O={}", obj.display())).arg(format!("-j{}", ctx.toolchain.jobs())).args(["bzImage", "modules"]);
    let make_command = format!(
        "PATH={}:$PATH make -C {} O={} {} -j{} bzImage modules",
        ctx.work.tools().join("bin").display(),
        configured.source.tree.display(),
        obj.display(),
        ctx.toolchain.make_vars().join(" "),
        ctx.toolchain.jobs()
    );

    let kernel_cached = done.is_file() && bzimage.is_file();
    let kernel_started = Instant::now();
    if kernel_cached {
        eprintln!("kernel: build {} is up to date, nothing to rebuild", &hash[..16]);
    } else {
        seed_objdir(ctx, &configured, &obj)?;
        std::fs::create_dir_all(&obj)?;
        std::fs::write(dir.join(SOURCE_TREE_STAMP), configured.source.tree.to_string_lossy().as_bytes())?;
        std::fs::write(dir.join(KIND_STAMP), build_kind(&configured.target, &configured.variant))?;
        std::fs::write(obj.join(".config"), &config_text)?;
        let stats_key = format!("kernel-steps-{}-{}", configured.target, configured.variant);
        let steps = make_progress::run(&mut make, &kernel_log, "kernel", step_estimate(ctx, &stats_key))?;
        std::fs::create_dir_all(ctx.work.stats())?;
        std::fs::write(ctx.work.stats().join(&stats_key), steps.to_string())?;
        std::fs::write(&done, &hash)?;
    }
    let kernel_seconds = if kernel_cached { 0.0 } else { kernel_started.elapsed().as_secs_f64() };

    let modules = vec![
        build_modules(ctx, PRODUCT_MODULES, &ctx.repo.join("kmod"), &obj, &dir, &hash)?,
        build_modules(ctx, TEST_MODULES, &ctx.repo.join("qemu/rampart/testmods"), &obj, &dir, &hash)?,
    ];

    let reproducer = format!(
        "rampart --work-dir {} build --target {} --variant {} --source {}{}",
        ctx.work.root().display(),
        configured.target,
        configured.variant,
        configured.source.origin.display(),
        if configured.source.origin.is_file() {
            format!(" --source-sha256 {}", configured.source.sha256)
        } else {
            String::new()
        }
    );
    let metadata = BuildMetadata {
        rampart_version: env!("CARGO_PKG_VERSION").to_string(),
        target: configured.target.clone(),
        variant: configured.variant.clone(),
        kernel_version: configured.source.version.clone(),
        source: configured.source.origin.clone(),
        source_tree: configured.source.tree.clone(),
        source_sha256: configured.source.sha256.clone(),
        patches: configured.patches.patches.clone(),
        fragments: configured.fragments.clone(),
        config_sha256: configured.config_sha256.clone(),
        config_mismatches: configured.report.mismatches.clone(),
        toolchain,
        build_hash: hash.clone(),
        build_dir: dir.clone(),
        bzimage,
        objdir: obj,
        kernel_log,
        kernel_cached,
        kernel_seconds,
        total_seconds: started.elapsed().as_secs_f64(),
        modules,
        reproducer,
        make_command,
        finished_unix: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
    };
    let json = serde_json::to_vec_pretty(&metadata)?;
    std::fs::write(dir.join("metadata.json"), &json)?;
    std::fs::write(ctx.work.config_dir(&configured.target, &configured.variant).join("last-build.json"), &json)?;
    println!("build {}: Linux {} ({} {})", &hash[..16], metadata.kernel_version, metadata.target, metadata.variant);
    println!("  kernel:   {}{}", metadata.bzimage.display(), if kernel_cached { " (cached)" } else { "" });
    for m in &metadata.modules {
        for ko in &m.kos {
            println!("  module:   {}{}", ko.display(), if m.cached { " (cached)" } else { "" });
        }
    }
    println!("  metadata: {}", dir.join("metadata.json").display());
    println!("  took {:.1}s", metadata.total_seconds);
    println!("reproduce: {}", metadata.reproducer);
    println!("  (make:    {})", metadata.make_command);
    Ok(metadata)
}

/// Name of the module artifact holding rampart's own modules (`kmod/`): what packages ship.
pub const PRODUCT_MODULES: &str = "kmod";
/// Name of the module artifact holding the test-only modules (`qemu/rampart/testmods/`),
/// which the boot tests load and packages never ship.
pub const TEST_MODULES: &str = "testmods";

/// Builds a module directory (`kmod/`, `qemu/rampart/testmods/`) as one external-module
/// tree (its `Kbuild` lists the module directories, so modules resolve each other's
/// exported symbols), in a copy under the build directory, and signs the modules when the
/// kernel checks signatures; reused while the kernel and the sources are unchanged.
fn build_modules(
    ctx: &Ctx,
    name: &str,
    src: &Path,
    obj: &Path,
    build_dir: &Path,
    kernel_hash: &str,
) -> Result<ModuleArtifact> {
    let name = name.to_string();
    let files = module_sources(src)?;
    let contents: Vec<(String, Vec<u8>)> =
        files.iter().map(|f| Ok((f.display().to_string(), std::fs::read(src.join(f))?))).collect::<Result<_>>()?;
    let hash = sha256_parts(
        [("kernel", kernel_hash.as_bytes()), ("signed with", b"the build key".as_slice())]
            .into_iter()
            .chain(contents.iter().map(|(f, c)| (f.as_str(), c.as_slice()))),
    );
    let out = build_dir.join(&name);
    let log = build_dir.join(format!("{name}.log"));
    let stamp = out.join(".rampart-hash");
    let cached = std::fs::read_to_string(&stamp).is_ok_and(|s| s == hash);
    if cached {
        eprintln!("modules: up to date");
    } else {
        if out.exists() {
            std::fs::remove_dir_all(&out)?;
        }
        for (file, content) in &contents {
            let dest = out.join(file);
            std::fs::create_dir_all(dest.parent().unwrap_or(&out))?;
            std::fs::write(dest, content)?;
        }
        let _ = std::fs::remove_file(&log);
        eprintln!("modules: building {}", src.display());
        run_logged(ctx.toolchain.make(obj).arg(format!("M={}", out.display())).arg("modules"), &log)?;
        crate::modsign::sign_built(obj, &built_modules(&out), &log)?;
        std::fs::write(&stamp, &hash)?;
    }
    let kos = built_modules(&out);
    if kos.is_empty() {
        anyhow::bail!("{} built no .ko (log: {})", src.display(), log.display());
    }
    Ok(ModuleArtifact { name, kos, hash, cached, log })
}

/// The `.ko` files under `dir`, sorted.
fn built_modules(dir: &Path) -> Vec<PathBuf> {
    let mut kos: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok().map(|e| e.into_path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ko"))
        .collect();
    kos.sort();
    kos
}

/// Starts a new object directory as a copy of a finished kernel build from the same
/// source tree (the newest of the same target and variant if any, else the newest),
/// so a changed `.config` or patch rebuilds only what it affects. Kbuild compares every
/// object's recorded command and dependencies, so a seeded directory builds exactly
/// what a fresh one would.
fn seed_objdir(ctx: &Ctx, configured: &Configured, obj: &Path) -> Result<()> {
    if obj.exists() {
        return Ok(());
    }
    let tree = configured.source.tree.to_string_lossy().into_owned();
    let newest = std::fs::read_dir(ctx.work.root().join("builds"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|dir| std::fs::read_to_string(dir.join(SOURCE_TREE_STAMP)).is_ok_and(|t| t == tree))
        .filter_map(|dir| {
            let finished = std::fs::metadata(dir.join("kernel.done")).ok()?.modified().ok()?;
            // A finished kernel whose modules failed has no metadata yet: its stamp says.
            let wanted = build_kind(&configured.target, &configured.variant);
            let same_kind = std::fs::read_to_string(dir.join(KIND_STAMP)).is_ok_and(|k| k == wanted)
                || std::fs::read(dir.join("metadata.json"))
                    .ok()
                    .and_then(|bytes| serde_json::from_slice::<BuildMetadata>(&bytes).ok())
                    .is_some_and(|m| m.target == configured.target && m.variant == configured.variant);
            Some(((same_kind, finished), dir))
        })
        .max();
    let Some((_, previous)) = newest else { return Ok(()) };
    eprintln!("kernel: seeding the object directory from {}", previous.display());
    std::fs::create_dir_all(obj.parent().unwrap_or(obj))?;
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg("--reflink=auto")
        .arg(previous.join("obj"))
        .arg(obj)
        .status()
        .context("running cp")?;
    if !status.success() {
        let _ = std::fs::remove_dir_all(obj);
        eprintln!("kernel: seeding failed ({status}); building from scratch");
    }
    Ok(())
}

/// File in a build directory naming the source tree its objects were built from.
const SOURCE_TREE_STAMP: &str = "source-tree";
/// File in a build directory naming its target and variant.
const KIND_STAMP: &str = "build-kind";

fn build_kind(target: &str, variant: &str) -> String {
    format!("{target} {variant}")
}

/// Loads the metadata of the last build of a target and variant.
pub fn last_build(ctx: &Ctx, target: &str, variant: &str) -> Result<BuildMetadata> {
    let path = ctx.work.config_dir(target, variant).join("last-build.json");
    let bytes =
        std::fs::read(&path).with_context(|| format!("no build at {}; run `rampart build` first", path.display()))?;
    Ok(serde_json::from_slice(&bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kconfig::report::StickReport;
    use crate::patches::{Patch, PatchSeries};
    use crate::source::KernelSource;

    fn configured(source_sha: &str, patch_sha: Option<&str>) -> Configured {
        Configured {
            target: "qemu-x86_64".into(),
            variant: "patched".into(),
            source: KernelSource {
                origin: "/usr/src/linux.tar.xz".into(),
                sha256: source_sha.into(),
                version: "6.12.117".into(),
                tree: "/tmp/tree".into(),
            },
            patches: PatchSeries {
                patches: patch_sha
                    .map(|sha| Patch { name: "0001.patch".into(), path: PathBuf::new(), sha256: sha.into() })
                    .into_iter()
                    .collect(),
            },
            fragments: vec![],
            inputs_hash: String::new(),
            dot_config: PathBuf::new(),
            config_sha256: String::new(),
            report: StickReport::default(),
        }
    }

    #[test]
    fn build_hash_covers_every_input_and_nothing_else() {
        let base = build_hash(&configured("aa", Some("p1")), b"CONFIG_A=y\n", b"rustc 1.96");
        assert_eq!(base, build_hash(&configured("aa", Some("p1")), b"CONFIG_A=y\n", b"rustc 1.96"));
        let mut moved = configured("aa", Some("p1"));
        moved.source.tree = "/elsewhere".into();
        moved.source.origin = "/other/copy.tar.xz".into();
        assert_eq!(base, build_hash(&moved, b"CONFIG_A=y\n", b"rustc 1.96"), "paths do not matter, content does");
        for other in [
            build_hash(&configured("bb", Some("p1")), b"CONFIG_A=y\n", b"rustc 1.96"),
            build_hash(&configured("aa", Some("p2")), b"CONFIG_A=y\n", b"rustc 1.96"),
            build_hash(&configured("aa", None), b"CONFIG_A=y\n", b"rustc 1.96"),
            build_hash(&configured("aa", Some("p1")), b"CONFIG_A=m\n", b"rustc 1.96"),
            build_hash(&configured("aa", Some("p1")), b"CONFIG_A=y\n", b"rustc 1.97"),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn module_sources_skip_build_outputs() {
        let dir = std::env::temp_dir().join(format!("rampart-modsrc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["Kbuild", "m_rs.rs", "shim.c", "shim.h", "shim.o", "m.ko", ".shim.o.cmd", "m.mod.c", "modules.order"]
        {
            std::fs::write(dir.join(f), f).unwrap();
        }
        let files: Vec<String> = module_sources(&dir).unwrap().iter().map(|p| p.display().to_string()).collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(files, ["Kbuild", "m_rs.rs", "shim.c", "shim.h"]);
    }
}
