//! The work directory: everything rampart builds lives here, outside the repository.
//!
//! Layout (all keyed by content so that unchanged inputs are reused):
//! - `tools/`: rampart-owned host tools (bindgen), never the user's global cargo bin
//! - `src/<key>/`: unpacked (and patched) kernel source trees
//! - `configs/<target>-<variant>/`: the composed `.config`, its report, the last build pointer
//! - `builds/<hash>/`: kernel object directories, module builds, `metadata.json`
//! - `runs/<stamp>-<suite>/`: boot-test serial logs and `results.json`

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Resolved location of rampart's work directory.
#[derive(Debug, Clone)]
pub struct WorkDir {
    root: PathBuf,
}

impl WorkDir {
    /// Picks the work directory: an explicit path, else `$RAMPART_WORK_DIR`,
    /// else `$XDG_CACHE_HOME/rampart`, else `~/.cache/rampart`.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Self> {
        let root = match explicit.or_else(|| std::env::var_os("RAMPART_WORK_DIR").map(PathBuf::from)) {
            Some(dir) => dir,
            None => match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
                Some(cache) => PathBuf::from(cache).join("rampart"),
                None => {
                    let home = std::env::var_os("HOME").context("neither XDG_CACHE_HOME nor HOME is set")?;
                    PathBuf::from(home).join(".cache/rampart")
                }
            },
        };
        std::fs::create_dir_all(&root).with_context(|| format!("creating work directory {}", root.display()))?;
        let root = root.canonicalize()?;
        Ok(Self { root })
    }

    /// The work directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Prefix for rampart-owned host tools (`tools/bin` goes on `PATH` for kernel builds).
    pub fn tools(&self) -> PathBuf {
        self.root.join("tools")
    }

    /// Unpacked kernel source trees.
    pub fn sources(&self) -> PathBuf {
        self.root.join("src")
    }

    /// Per target/variant configuration state.
    pub fn config_dir(&self, target: &str, variant: &str) -> PathBuf {
        self.root.join("configs").join(format!("{target}-{variant}"))
    }

    /// One build, named by its content hash.
    pub fn build_dir(&self, hash: &str) -> PathBuf {
        self.root.join("builds").join(hash)
    }

    /// Boot-test runs.
    pub fn runs(&self) -> PathBuf {
        self.root.join("runs")
    }

    /// Small facts remembered between runs (step counts for progress bars, probe results).
    pub fn stats(&self) -> PathBuf {
        self.root.join("stats")
    }
}
