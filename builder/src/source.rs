//! The kernel source: a tarball (Debian's `linux-source-6.12` by default) or a tree.

use crate::digest::{sha256_file, sha256_parts};
use crate::patches::PatchSeries;
use crate::workdir::WorkDir;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's kernel source tarball, installed by `linux-source-6.12`.
pub const DEFAULT_TARBALL: &str = "/usr/src/linux-source-6.12.tar.xz";

/// A prepared (unpacked, patched) kernel source tree.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KernelSource {
    /// Where the source came from (tarball or tree).
    pub origin: PathBuf,
    /// sha256 of the tarball, or of the tree's identity for a tree.
    pub sha256: String,
    /// Kernel version from the top-level Makefile, e.g. `6.12.117`.
    pub version: String,
    /// The tree kernel builds run in.
    pub tree: PathBuf,
}

/// Unpacks `source` (default: Debian's tarball), checks it against `pin`, applies `patches`.
///
/// The tree lives at a stable path per tarball and `flavor` (the variant), so kernel
/// object directories stay valid across patch changes: when the series changes, the
/// tree is unpacked again (tar restores the original mtimes, so only patched files look
/// new to make) and the new series applied. An identical prepared tree is reused.
pub fn prepare(
    work: &WorkDir,
    source: Option<&Path>,
    pin: Option<&str>,
    patches: &PatchSeries,
    flavor: &str,
) -> Result<KernelSource> {
    let origin = source.map_or_else(|| PathBuf::from(DEFAULT_TARBALL), Path::to_path_buf);
    if !origin.exists() {
        bail!("kernel source {} does not exist (install linux-source-6.12 or pass --source)", origin.display());
    }
    if origin.is_dir() {
        return prepare_tree(&origin, pin, patches);
    }
    let sha256 = sha256_file(&origin)?;
    if let Some(pin) = pin {
        if !pin.eq_ignore_ascii_case(&sha256) {
            bail!("kernel source {} has sha256 {sha256}, but the pin requires {pin}; refusing it", origin.display());
        }
    }
    let tree = work.sources().join(format!("{}-{flavor}", &sha256[..16]));
    let stamp = tree.join(PREPARED_STAMP);
    let series_hash = patches.hash();
    let previous = std::fs::read_to_string(&stamp).unwrap_or_default();
    let mut previous_lines = previous.lines();
    if previous_lines.next() != Some(series_hash.as_str()) {
        let previously_touched: Vec<String> = previous_lines.map(String::from).collect();
        let touched = unpack(&origin, &tree, patches, &previously_touched)?;
        std::fs::write(&stamp, format!("{series_hash}\n{}", touched.join("\n")))?;
    }
    let version = kernel_version(&tree)?;
    Ok(KernelSource { origin, sha256, version, tree })
}

fn prepare_tree(tree: &Path, pin: Option<&str>, patches: &PatchSeries) -> Result<KernelSource> {
    if pin.is_some() {
        bail!("--source-sha256 pins a tarball; {} is a directory", tree.display());
    }
    patches.verify_applied(tree)?;
    let version = kernel_version(tree)?;
    let tree = tree.canonicalize()?;
    let sha256 = sha256_parts([("tree", tree.to_string_lossy().as_bytes()), ("version", version.as_bytes())]);
    Ok(KernelSource { origin: tree.clone(), sha256, version, tree })
}

/// Marks a prepared tree: the series hash, then the files the series touched.
const PREPARED_STAMP: &str = ".rampart-prepared";

/// Unpacks `tarball` and applies `patches` into a staging directory, then replaces
/// `tree` with it. Files the old or the new series touch keep the old tree's mtime
/// when their content did not change, and get a new one when it did (a file the old
/// series patched comes back from the tarball with an old mtime, older than the
/// objects built from the patched text): make then rebuilds exactly what changed.
fn unpack(tarball: &Path, tree: &Path, patches: &PatchSeries, previously_touched: &[String]) -> Result<Vec<String>> {
    let staging = tree.with_extension("partial");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(&staging)?;
    eprintln!("unpacking {} ...", tarball.display());
    let status = Command::new("tar")
        .arg("-xf")
        .arg(tarball)
        .arg("-C")
        .arg(&staging)
        .arg("--strip-components=1")
        .status()
        .context("running tar")?;
    if !status.success() {
        bail!("unpacking {} failed ({status})", tarball.display());
    }
    let touched = patches.apply(&staging)?;
    if tree.exists() {
        let now = std::time::SystemTime::now();
        for rel in previously_touched.iter().chain(&touched) {
            let (old, new) = (tree.join(rel), staging.join(rel));
            let Ok(file) = std::fs::File::options().write(true).open(&new) else { continue };
            let unchanged_mtime = match (std::fs::read(&old), std::fs::read(&new)) {
                (Ok(a), Ok(b)) if a == b => std::fs::metadata(&old)?.modified().ok(),
                _ => None,
            };
            file.set_modified(unchanged_mtime.unwrap_or(now))?;
        }
        std::fs::remove_dir_all(tree)?;
    }
    std::fs::rename(&staging, tree)?;
    Ok(touched)
}

/// Reads `VERSION.PATCHLEVEL.SUBLEVEL[EXTRAVERSION]` from a tree's top-level Makefile.
pub fn kernel_version(tree: &Path) -> Result<String> {
    let makefile = tree.join("Makefile");
    let text =
        std::fs::read_to_string(&makefile).with_context(|| format!("{} is not a kernel tree", tree.display()))?;
    parse_makefile_version(&text).with_context(|| format!("no kernel version in {}", makefile.display()))
}

fn parse_makefile_version(text: &str) -> Option<String> {
    let field = |name: &str| {
        text.lines().find_map(|l| l.strip_prefix(name)?.trim_start().strip_prefix('=').map(|v| v.trim().to_string()))
    };
    Some(format!(
        "{}.{}.{}{}",
        field("VERSION")?,
        field("PATCHLEVEL")?,
        field("SUBLEVEL")?,
        field("EXTRAVERSION").unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_from_makefile() {
        let text = "# SPDX\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\nEXTRAVERSION =\nNAME = Baby Opossum Posse\n";
        assert_eq!(parse_makefile_version(text).as_deref(), Some("6.12.117"));
    }

    #[test]
    fn version_missing_field() {
        assert_eq!(parse_makefile_version("VERSION = 6\n"), None);
    }
}
