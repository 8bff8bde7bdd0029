//! `metadata.json`: what a build was made from, how long it took, and what it produced.

use crate::kconfig::report::Mismatch;
use crate::patches::Patch;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One out-of-tree module build.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModuleArtifact {
    /// Which module tree: `kmod` (rampart's modules) or `testmods` (test-only).
    pub name: String,
    /// Built `.ko` files.
    pub kos: Vec<PathBuf>,
    /// Hash of the module sources plus the kernel build hash.
    pub hash: String,
    /// Whether this run reused an earlier identical build.
    pub cached: bool,
    /// Build log.
    pub log: PathBuf,
}

/// Everything recorded about one build.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildMetadata {
    /// Version of the rampart builder.
    pub rampart_version: String,
    /// Target name.
    pub target: String,
    /// Variant name.
    pub variant: String,
    /// Kernel version.
    pub kernel_version: String,
    /// Kernel source origin (tarball or tree).
    pub source: PathBuf,
    /// The prepared source tree the kernel was built from.
    #[serde(default)]
    pub source_tree: PathBuf,
    /// sha256 of the kernel source tarball.
    pub source_sha256: String,
    /// Patch series applied, in order.
    pub patches: Vec<Patch>,
    /// Fragments applied, in order.
    pub fragments: Vec<String>,
    /// sha256 of the final `.config`.
    pub config_sha256: String,
    /// Optional symbols that did not stick.
    pub config_mismatches: Vec<Mismatch>,
    /// Tool versions.
    pub toolchain: BTreeMap<String, String>,
    /// The content hash naming this build.
    pub build_hash: String,
    /// The build directory.
    pub build_dir: PathBuf,
    /// The kernel image.
    pub bzimage: PathBuf,
    /// The kernel object directory (for `M=` module builds).
    pub objdir: PathBuf,
    /// Full kernel build log.
    pub kernel_log: PathBuf,
    /// Whether the kernel was reused from an earlier identical build.
    pub kernel_cached: bool,
    /// Seconds spent building the kernel in this run (0 when cached).
    pub kernel_seconds: f64,
    /// Seconds spent in this whole `rampart build` run.
    pub total_seconds: f64,
    /// Out-of-tree modules.
    pub modules: Vec<ModuleArtifact>,
    /// Command that reproduces this build with rampart.
    pub reproducer: String,
    /// The underlying kernel make command.
    pub make_command: String,
    /// Unix time the build finished.
    pub finished_unix: u64,
}
