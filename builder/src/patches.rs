//! The kernel patch series: `patches/series` lists patch files in order.

use crate::digest::{sha256_bytes, sha256_parts};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One patch of the series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Patch {
    /// File name as listed in `series`.
    pub name: String,
    /// Absolute path of the patch file.
    #[serde(skip)]
    pub path: PathBuf,
    /// sha256 of the patch content.
    pub sha256: String,
}

/// An ordered patch series (empty for the vanilla variant).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct PatchSeries {
    /// Patches in application order.
    pub patches: Vec<Patch>,
}

impl PatchSeries {
    /// Reads `<dir>/series`: one patch file name per line, `#` comments and blank lines ignored.
    pub fn load(dir: &Path) -> Result<Self> {
        let series = dir.join("series");
        let text = std::fs::read_to_string(&series).with_context(|| format!("reading {}", series.display()))?;
        let mut patches = Vec::new();
        for (idx, line) in text.lines().enumerate() {
            let name = line.split('#').next().unwrap_or("").trim();
            if name.is_empty() {
                continue;
            }
            let path = dir.join(name);
            let content = std::fs::read(&path)
                .with_context(|| format!("{}:{}: patch {name} cannot be read", series.display(), idx + 1))?;
            patches.push(Patch { name: name.to_string(), path, sha256: sha256_bytes(&content) });
        }
        Ok(Self { patches })
    }

    /// Content hash of the whole series (names and contents, in order).
    pub fn hash(&self) -> String {
        sha256_parts(self.patches.iter().map(|p| (p.name.as_str(), p.sha256.as_bytes())))
    }

    /// Applies every patch to `tree`, each checked with a dry run first. A patch that
    /// does not apply fails with patch's own report of the offending hunk. Returns the
    /// tree-relative paths of the files the series touched.
    pub fn apply(&self, tree: &Path) -> Result<Vec<String>> {
        let mut touched = Vec::new();
        for patch in &self.patches {
            let dry = patch_command(tree, &patch.path, &["--forward", "--dry-run"]).output()?;
            if !dry.status.success() {
                bail!(
                    "patch {} does not apply to {}:\n{}{}",
                    patch.name,
                    tree.display(),
                    String::from_utf8_lossy(&dry.stdout),
                    String::from_utf8_lossy(&dry.stderr)
                );
            }
            let real = patch_command(tree, &patch.path, &["--forward"]).output()?;
            if !real.status.success() {
                bail!(
                    "applying {} failed after a clean dry run:\n{}",
                    patch.name,
                    String::from_utf8_lossy(&real.stdout)
                );
            }
            let report = String::from_utf8_lossy(&real.stdout);
            touched
                .extend(report.lines().filter_map(|l| l.strip_prefix("patching file ")).map(|f| f.trim().to_string()));
        }
        touched.sort();
        touched.dedup();
        Ok(touched)
    }

    /// Checks that every patch is already applied to `tree` (a tree the user manages).
    pub fn verify_applied(&self, tree: &Path) -> Result<()> {
        for patch in &self.patches {
            let out = patch_command(tree, &patch.path, &["--dry-run", "-R"]).output()?;
            if !out.status.success() {
                bail!(
                    "{} is not applied in {}: apply the series there, or pass a tarball so rampart applies it",
                    patch.name,
                    tree.display()
                );
            }
        }
        Ok(())
    }
}

fn patch_command(tree: &Path, patch: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new("patch");
    // No fuzz: a hunk whose context changed is an error naming it, never applied silently.
    cmd.args(["-p1", "--batch", "--fuzz=0", "-d"]).arg(tree).arg("-i").arg(patch).args(extra);
    cmd
}
