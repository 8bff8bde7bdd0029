//! The boot-test initramfs: busybox-static, the guest harness and suites from
//! `qemu/`, and the `.ko` files of a build, packed by the kernel's own `gen_init_cpio`
//! (so no root privileges or device nodes on the host are needed); and the host
//! programs a suite lists in its `programs` file, with everything they need
//! ([`programs`]).

mod closure;
mod elf;
mod elf_deps;
#[cfg(test)]
mod fuzz;
mod glob;
mod hostfs;
pub mod programs;

use crate::metadata::BuildMetadata;
use anyhow::{bail, Context, Result};
use closure::Closure;
use hostfs::HostFs;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where busybox-static installs its binary on Debian.
pub const BUSYBOX: &str = "/bin/busybox";

/// A `gen_init_cpio` file list.
#[derive(Debug, Default)]
pub struct CpioList {
    lines: Vec<String>,
}

impl CpioList {
    /// Adds a directory.
    pub fn dir(&mut self, path: &str, mode: u32) {
        self.lines.push(format!("dir {path} {mode:o} 0 0"));
    }

    /// Adds a character device node.
    pub fn char_dev(&mut self, path: &str, mode: u32, major: u32, minor: u32) {
        self.lines.push(format!("nod {path} {mode:o} 0 0 c {major} {minor}"));
    }

    /// Adds a regular file copied from the host.
    pub fn file(&mut self, path: &str, host: &Path, mode: u32) {
        self.lines.push(format!("file {path} {} {mode:o} 0 0", host.display()));
    }

    /// Adds a symbolic link.
    pub fn symlink(&mut self, path: &str, target: &str) {
        self.lines.push(format!("slink {path} {target} 777 0 0"));
    }

    /// The list text.
    pub fn render(&self) -> String {
        self.lines.iter().map(|l| format!("{l}\n")).collect()
    }
}

/// Directories every initramfs has. A host link at one of them (merged /usr's
/// `/bin -> usr/bin`) is not copied: the paths listed under it get links of their own.
const BASE_DIRS: &[&str] = &["/bin", "/dev", "/proc", "/sys", "/tmp", "/etc", "/root"];

/// Guest paths the initramfs has before any host program: busybox's applets (installed
/// into `/bin` by `/init`) and rampart's guest tools.
fn provided() -> Result<BTreeSet<String>> {
    let out = Command::new(BUSYBOX).arg("--list").output().with_context(|| format!("running {BUSYBOX} --list"))?;
    if !out.status.success() {
        bail!("{BUSYBOX} --list failed");
    }
    let applets = String::from_utf8_lossy(&out.stdout);
    let tools = ["busybox", "rampart-probe", "rampart-attack", "rampart-policy", "rampart", "rampart-hidsd"];
    Ok(applets.split_whitespace().chain(tools).map(|a| format!("/bin/{a}")).chain(["/init".into()]).collect())
}

/// Adds host programs and what they need (see [`programs`]).
fn add_closure(list: &mut CpioList, closure: &Closure) {
    for (dir, mode) in &closure.dirs {
        if !BASE_DIRS.contains(&dir.as_str()) {
            list.dir(dir, *mode);
        }
    }
    for (path, target) in &closure.links {
        if !BASE_DIRS.contains(&path.as_str()) {
            list.symlink(path, target);
            continue;
        }
        let prefix = format!("{path}/");
        for (spelled, canonical) in closure.spelled.range(prefix.clone()..).take_while(|(s, _)| s.starts_with(&prefix))
        {
            if !spelled[prefix.len()..].contains('/') {
                list.symlink(spelled, canonical);
            }
        }
    }
    for (path, (host, mode)) in &closure.files {
        list.file(path, host, *mode);
    }
}

/// Mirrors a host directory tree into the archive under `dest`.
fn add_tree(list: &mut CpioList, host: &Path, dest: &str) -> Result<()> {
    for entry in walkdir::WalkDir::new(host).sort_by_file_name() {
        let entry = entry?;
        let rel = entry.path().strip_prefix(host)?;
        let path = if rel.as_os_str().is_empty() { dest.to_string() } else { format!("{dest}/{}", rel.display()) };
        if entry.file_type().is_dir() {
            list.dir(&path, 0o755);
        } else if entry.file_type().is_file() {
            let mode = if path.ends_with(".sh") { 0o755 } else { 0o644 };
            list.file(&path, entry.path(), mode);
        }
    }
    Ok(())
}

/// The `gen_init_cpio` of the build, or one compiled from the source tree.
fn gen_init_cpio(build: &BuildMetadata, tools: &Path) -> Result<PathBuf> {
    let built = build.objdir.join("usr/gen_init_cpio");
    if built.is_file() {
        return Ok(built);
    }
    let tool = tools.join("gen_init_cpio");
    if !tool.is_file() {
        let src = build.objdir.join("source/usr/gen_init_cpio.c");
        std::fs::create_dir_all(tools)?;
        let status = Command::new("cc").arg("-O2").arg("-o").arg(&tool).arg(&src).status()?;
        if !status.success() {
            bail!("compiling {} failed", src.display());
        }
    }
    Ok(tool)
}

/// A guest C tool (`qemu/tools/<name>.c`: the probe, the attack playbook), compiled
/// static once per source version into `tools`.
fn guest_c_tool(repo: &Path, tools: &Path, name: &str) -> Result<PathBuf> {
    let src = repo.join("qemu/tools").join(format!("{name}.c"));
    let text = std::fs::read(&src).with_context(|| format!("reading {}", src.display()))?;
    let tool = tools.join(format!("{name}-{}", &crate::digest::sha256_bytes(&text)[..12]));
    if !tool.is_file() {
        std::fs::create_dir_all(tools)?;
        let out = Command::new("cc").args(["-static", "-O2", "-Wall", "-o"]).arg(&tool).arg(&src).output()?;
        if !out.status.success() {
            bail!("compiling {} failed:\n{}", src.display(), String::from_utf8_lossy(&out.stderr));
        }
    }
    Ok(tool)
}

/// A workspace binary (`package`'s `bin`) built static for the guest with cargo into
/// `<tools>/guest-target` (cargo rebuilds only when its sources change).
pub fn guest_tool(repo: &Path, tools: &Path, package: &str, bin: &str) -> Result<PathBuf> {
    let target_dir = tools.join("guest-target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(repo)
        .args(["build", "--quiet", "--release", "-p", package, "--bin", bin, "--target", "x86_64-unknown-linux-gnu"])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .output()
        .with_context(|| format!("running cargo for {bin}"))?;
    if !out.status.success() {
        bail!("building {bin} for the guest failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(target_dir.join("x86_64-unknown-linux-gnu/release").join(bin))
}

/// Where rampart's kernels run every usermode helper through
/// (`CONFIG_STATIC_USERMODEHELPER_PATH` in `kconfig/hardening.config`).
pub const USERMODE_HELPER: &str = "/usr/sbin/rampart-usermode-helper";

/// rampart programs only some suites run in the guest: (suite, package, binary). The
/// hardware probe records the QEMU machine's profile; the loop suite runs the HIDS.
const SUITE_TOOLS: &[(&str, &str, &str)] =
    &[("probe", "rampart-builder", "rampart"), ("loop", "rampart-hidsd", "rampart-hidsd")];

/// Writes `<dir>/initramfs.cpio` for `suite` (only the cases starting with `cases`,
/// if given), with the host programs the suite's `programs` file and `extra` list,
/// returning its path.
pub fn build(
    repo: &Path,
    build: &BuildMetadata,
    suite: &str,
    cases: Option<&str>,
    extra: &programs::Programs,
    dir: &Path,
    tools: &Path,
) -> Result<PathBuf> {
    let guest = repo.join("qemu");
    if !guest.join("rampart/suites").join(suite).is_dir() {
        bail!("no suite `{suite}` under {}", guest.join("rampart/suites").display());
    }
    if !Path::new(BUSYBOX).is_file() {
        bail!("{BUSYBOX} is missing: install busybox-static (`rampart doctor --install`)");
    }
    let suite_file = dir.join("suite");
    if cases.is_some_and(|c| c.contains(|ch: char| ch.is_whitespace() || ch == '/' || ch == '*')) {
        bail!("--cases takes a case name prefix (no spaces, slashes or globs)");
    }
    std::fs::write(&suite_file, format!("{suite} {}\n", cases.unwrap_or_default()))?;
    let variant_file = dir.join("variant");
    std::fs::write(&variant_file, format!("{}\n", build.variant))?;
    let mut list = CpioList::default();
    for d in ["/bin", "/dev", "/proc", "/sys", "/tmp", "/etc", "/root"] {
        list.dir(d, 0o755);
    }
    list.char_dev("/dev/console", 0o600, 5, 1);
    list.char_dev("/dev/null", 0o666, 1, 3);
    list.file("/bin/busybox", Path::new(BUSYBOX), 0o755);
    for tool in ["rampart-probe", "rampart-attack"] {
        list.file(&format!("/bin/{tool}"), &guest_c_tool(repo, tools, tool)?, 0o755);
    }
    list.file("/bin/rampart-policy", &guest_tool(repo, tools, "rampart-policy", "rampart-policy")?, 0o755);
    // The kernel's static usermode helper (CONFIG_STATIC_USERMODEHELPER_PATH).
    for d in ["/usr", "/usr/sbin"] {
        list.dir(d, 0o755);
    }
    list.file(USERMODE_HELPER, &guest_tool(repo, tools, "rampart-umh", "rampart-usermode-helper")?, 0o755);
    for &(for_suite, package, bin) in SUITE_TOOLS {
        if suite == for_suite {
            list.file(&format!("/bin/{bin}"), &guest_tool(repo, tools, package, bin)?, 0o755);
        }
    }
    list.file("/init", &guest.join("init"), 0o755);
    add_tree(&mut list, &guest.join("rampart"), "/rampart")?;
    list.file("/rampart/suite", &suite_file, 0o644);
    list.file("/rampart/variant", &variant_file, 0o644);
    list.dir("/rampart/modules", 0o755);
    for ko in build.modules.iter().flat_map(|m| &m.kos) {
        let name = ko.file_name().context("module path without a name")?.to_string_lossy().into_owned();
        list.file(&format!("/rampart/modules/{name}"), ko, 0o644);
    }
    let mut wanted = programs::load(&guest.join("rampart/suites").join(suite).join(programs::FILE))?;
    wanted.extend(extra.clone());
    if !wanted.is_empty() {
        let closure = programs::resolve(&HostFs::new("/"), &wanted, &provided()?)
            .with_context(|| format!("adding suite {suite}'s host programs"))?;
        eprintln!(
            "boot-test: {} host files ({:.1} MiB) for the programs of suite {suite}",
            closure.files.len(),
            closure.bytes() as f64 / (1 << 20) as f64
        );
        add_closure(&mut list, &closure);
    }
    let list_path = dir.join("initramfs.list");
    std::fs::write(&list_path, list.render())?;
    let out = dir.join("initramfs.cpio");
    let tool = gen_init_cpio(build, tools)?;
    let cpio = std::fs::File::create(&out)?;
    let result = Command::new(&tool)
        .arg(&list_path)
        .stdout(cpio)
        .output()
        .with_context(|| format!("running {}", tool.display()))?;
    if !result.status.success() {
        bail!("{} failed on {}: {}", tool.display(), list_path.display(), String::from_utf8_lossy(&result.stderr));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_programs_join_the_guests_own_directories() {
        let mut c = Closure::default();
        c.dirs.insert("/etc".into(), 0o755);
        c.dirs.insert("/usr".into(), 0o755);
        c.dirs.insert("/usr/bin".into(), 0o755);
        c.links.insert("/bin".into(), "usr/bin".into());
        c.links.insert("/lib".into(), "usr/lib".into());
        c.spelled.insert("/bin/dash".into(), "/usr/bin/dash".into());
        c.spelled.insert("/lib/x86_64-linux-gnu/libc.so.6".into(), "/usr/lib/x86_64-linux-gnu/libc.so.6".into());
        c.files.insert("/usr/bin/dash".into(), ("/usr/bin/dash".into(), 0o755));
        c.files.insert("/etc/ld.so.cache".into(), ("/etc/ld.so.cache".into(), 0o644));
        let mut list = CpioList::default();
        add_closure(&mut list, &c);
        let text = list.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "dir /usr 755 0 0",
                "dir /usr/bin 755 0 0",
                // The guest's /bin stays busybox's directory; the listed program is linked in.
                "slink /bin/dash /usr/bin/dash 777 0 0",
                "slink /lib usr/lib 777 0 0",
                "file /etc/ld.so.cache /etc/ld.so.cache 644 0 0",
                "file /usr/bin/dash /usr/bin/dash 755 0 0",
            ]
        );
    }

    #[test]
    fn busybox_applets_are_provided() {
        let provided = provided().unwrap();
        for path in ["/bin/sh", "/bin/ls", "/bin/busybox", "/bin/rampart-probe", "/init"] {
            assert!(provided.contains(path), "{path}");
        }
        assert!(!provided.contains("/bin/bash") && !provided.contains("/bin/dash"));
    }
}
