//! Build targets (`kconfig/targets/<name>.config`) and kernel variants.

use anyhow::{bail, Result};
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// Which kernel to build from the same source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Variant {
    /// rampart's patch series applied: full enforcement through the built-in LSM.
    Patched,
    /// The same source without our patches: the stand-in for a distro kernel (fallback mode).
    Vanilla,
    /// The patched kernel with KASAN, lockdep (PROVE_LOCKING) and DEBUG_ATOMIC_SLEEP, to
    /// catch module memory and locking bugs.
    Debug,
}

impl Variant {
    /// Lower-case name used in paths and metadata.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Patched => "patched",
            Variant::Vanilla => "vanilla",
            Variant::Debug => "debug",
        }
    }

    /// Whether rampart's patch series is applied.
    pub fn patched(self) -> bool {
        self != Variant::Vanilla
    }

    /// Name of the prepared source tree: variants with the same patches share one.
    pub fn source_flavor(self) -> &'static str {
        if self.patched() {
            "patched"
        } else {
            "vanilla"
        }
    }

    /// Variant fragments (`kconfig/variants/<name>.config`), in order.
    pub fn fragments(self) -> &'static [&'static str] {
        match self {
            Variant::Patched => &["patched"],
            Variant::Vanilla => &[],
            Variant::Debug => &["patched", "debug"],
        }
    }
}

/// A named target: its Kconfig fragment and architecture.
#[derive(Debug, Clone)]
pub struct Target {
    /// Target name, e.g. `qemu-x86_64`.
    pub name: String,
    /// Kernel `ARCH` directory name (`x86`).
    pub arch: &'static str,
    /// The target's fragment.
    pub fragment: PathBuf,
}

impl Target {
    /// Looks up `kconfig/targets/<name>.config` in the repository.
    pub fn find(repo: &Path, name: &str) -> Result<Self> {
        let fragment = repo.join("kconfig/targets").join(format!("{name}.config"));
        if !fragment.is_file() {
            let known: Vec<String> = std::fs::read_dir(repo.join("kconfig/targets"))
                .map(|dir| {
                    dir.filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".config").map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            bail!("unknown target `{name}` (known: {})", known.join(", "));
        }
        let arch =
            if name.ends_with("x86_64") { "x86" } else { bail!("target `{name}`: only x86_64 targets are supported") };
        Ok(Self { name: name.to_string(), arch, fragment })
    }
}
