//! The trees the RPMs are made from: the kernel (image, System.map, config, in-tree
//! modules), kernel-devel (what an out-of-tree module build, Rust included, reads from
//! the source and object trees, merged into one directory) and kmod-rampart.

use anyhow::{bail, Context, Result};
use std::path::Path;
use walkdir::WalkDir;

/// Copies `from` to `to` (directories recursively), skipping files `skip` names.
pub fn copy_tree(from: &Path, to: &Path, skip: &dyn Fn(&str) -> bool) -> Result<()> {
    if from.is_file() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
        return Ok(());
    }
    for entry in WalkDir::new(from).follow_links(false) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(from)?;
        let name = entry.file_name().to_string_lossy();
        if skip(&name) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest)?;
        } else if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path())?;
            let _ = std::fs::remove_file(&dest);
            std::os::unix::fs::symlink(target, &dest)?;
        } else if entry.file_type().is_file() {
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(entry.path(), &dest).with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Build intermediates that a module build does not read.
fn object_only(name: &str) -> bool {
    name.ends_with(".o")
        || name.ends_with(".cmd")
        || name.ends_with(".d")
        || name.ends_with(".a")
        || name.ends_with(".tmp")
        || name == "vmlinux"
        || name.starts_with("vmlinux.")
        || name == ".tmp_versions"
}

/// The source paths kernel-devel carries (the object tree's generated files of the
/// same places are laid over them).
const DEVEL_SOURCE: &[&str] = &[
    "Makefile",
    "Kconfig",
    "scripts",
    "include",
    "arch/x86/Makefile",
    "arch/x86/Makefile_32.cpu",
    "arch/x86/include",
    "rust",
    // rampart_ns reads the mount tree (current_chrooted()'s view) through it.
    "fs/mount.h",
];
/// Generated files and host tools from the object tree.
const DEVEL_OBJECT: &[&str] = &[
    ".config",
    "Module.symvers",
    "System.map",
    "include",
    "scripts",
    "arch/x86/include/generated",
    "rust",
    "tools/objtool/objtool",
];

/// File in the devel tree naming the make variables the kernel was built with.
pub const MAKE_VARS_FILE: &str = "rampart-make-vars";

/// Stages `usr/src/kernels/<kver>` for kernel-devel under `root`, with the make
/// variables `make_vars` the kernel was built with.
pub fn devel(root: &Path, source: &Path, obj: &Path, kver: &str, make_vars: &str) -> Result<()> {
    let dest = root.join("usr/src/kernels").join(kver);
    std::fs::create_dir_all(&dest)?;
    // The make variables the kernel was built with: out-of-tree modules need the same
    // compiler (`make -C <this dir> M=<module> $(cat rampart-make-vars) modules`).
    std::fs::write(dest.join(MAKE_VARS_FILE), format!("{make_vars}\n"))?;
    for rel in DEVEL_SOURCE {
        let from = source.join(rel);
        if from.exists() {
            copy_tree(&from, &dest.join(rel), &|_| false)?;
        }
    }
    for rel in DEVEL_OBJECT {
        let from = obj.join(rel);
        if !from.exists() {
            if *rel == "tools/objtool/objtool" || *rel == "System.map" {
                continue;
            }
            bail!("{} is missing from the kernel build", from.display());
        }
        copy_tree(&from, &dest.join(rel), &object_only)?;
    }
    let modules = root.join("lib/modules").join(kver);
    std::fs::create_dir_all(&modules)?;
    std::os::unix::fs::symlink(format!("/usr/src/kernels/{kver}"), modules.join("build"))?;
    Ok(())
}
