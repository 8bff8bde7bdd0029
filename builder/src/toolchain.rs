//! The kernel toolchain: one `RUSTC`, clang/lld 19 (`LLVM=-19`) and bindgen on libclang 19
//! for every kernel and module build.

use crate::workdir::WorkDir;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

/// The rustc that has matching library sources (Debian `rustc-web` + `rust-web-src`).
pub const KERNEL_RUSTC: &str = "/usr/bin/rustc";
/// bindgen-cli version installed into rampart's tool directory (kernel minimum: 0.65.1).
pub const BINDGEN_VERSION: &str = "0.69.5";
/// Suffix of the LLVM tools (`clang-19`, `ld.lld-19`, ...): Debian 12's clang 19 builds
/// what its default clang 14 cannot (kCFI with Rust, SLS, return thunks, zeroed registers).
pub const LLVM_SUFFIX: &str = "-19";
/// Where libclang 19 lives, for bindgen (which would otherwise pick any libclang).
pub const LIBCLANG_PATH: &str = "/usr/lib/llvm-19/lib";

/// How rampart invokes kernel `make`.
#[derive(Debug, Clone)]
pub struct Toolchain {
    tools_bin: PathBuf,
    jobs: usize,
}

impl Toolchain {
    /// Toolchain using the tools installed under `work`, building with `jobs` parallel jobs.
    pub fn new(work: &WorkDir, jobs: Option<usize>) -> Self {
        let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
        Self { tools_bin: work.tools().join("bin"), jobs }
    }

    /// Path of rampart's bindgen.
    pub fn bindgen(&self) -> PathBuf {
        self.tools_bin.join("bindgen")
    }

    /// Number of parallel make jobs.
    pub fn jobs(&self) -> usize {
        self.jobs
    }

    /// Variables passed to every kernel and module `make`.
    pub fn make_vars(&self) -> Vec<String> {
        vec![format!("LLVM={LLVM_SUFFIX}"), format!("RUSTC={KERNEL_RUSTC}")]
    }

    /// `PATH` with rampart's tool directory first.
    pub fn path_env(&self) -> OsString {
        let mut paths = vec![self.tools_bin.clone()];
        if let Some(path) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&path));
        }
        std::env::join_paths(paths).unwrap_or_default()
    }

    /// A `make -C <tree>` command with the toolchain variables and environment set.
    pub fn make(&self, tree: &std::path::Path) -> Command {
        let mut cmd = Command::new("make");
        cmd.arg("-C").arg(tree).args(self.make_vars()).env("PATH", self.path_env()).env("LIBCLANG_PATH", LIBCLANG_PATH);
        cmd
    }

    /// First version line of each tool that shapes the build output.
    pub fn versions(&self) -> BTreeMap<String, String> {
        let probes: [(&str, PathBuf, &str); 5] = [
            ("rustc", PathBuf::from(KERNEL_RUSTC), "--version"),
            ("bindgen", self.bindgen(), "--version"),
            ("clang", PathBuf::from(format!("clang{LLVM_SUFFIX}")), "--version"),
            ("ld.lld", PathBuf::from(format!("ld.lld{LLVM_SUFFIX}")), "--version"),
            ("make", PathBuf::from("make"), "--version"),
        ];
        probes
            .into_iter()
            .map(|(name, program, flag)| (name.to_string(), first_line_of(Command::new(program).arg(flag))))
            .collect()
    }
}

/// First line of a command's output, or a description of why there is none.
pub fn first_line_of(cmd: &mut Command) -> String {
    match cmd.output() {
        Ok(out) if out.status.success() => {
            let text = if out.stdout.is_empty() { out.stderr } else { out.stdout };
            String::from_utf8_lossy(&text).lines().next().unwrap_or("").trim().to_string()
        }
        Ok(out) => format!("error: exit {}", out.status),
        Err(err) => format!("missing: {err}"),
    }
}
