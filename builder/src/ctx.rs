//! What every command needs: the repository, the work directory and the toolchain.

use crate::toolchain::Toolchain;
use crate::workdir::WorkDir;
use anyhow::{bail, Result};
use std::path::PathBuf;

/// Shared state of one `rampart` invocation.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The rampart repository (fragments, patches, kmod, guest scripts).
    pub repo: PathBuf,
    /// The work directory for sources, builds and runs.
    pub work: WorkDir,
    /// The kernel toolchain.
    pub toolchain: Toolchain,
}

impl Ctx {
    /// Resolves the repository (`$RAMPART_REPO`, else the tree this binary was built from).
    pub fn new(work_dir: Option<PathBuf>, jobs: Option<usize>) -> Result<Self> {
        let repo = std::env::var_os("RAMPART_REPO")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
        if !repo.join("kconfig").is_dir() || !repo.join("kmod").is_dir() {
            bail!("{} is not a rampart repository (set RAMPART_REPO)", repo.display());
        }
        let repo = repo.canonicalize()?;
        let work = WorkDir::resolve(work_dir)?;
        let toolchain = Toolchain::new(&work, jobs);
        Ok(Self { repo, work, toolchain })
    }
}
