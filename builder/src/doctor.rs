//! `rampart doctor`: checks (and with `--install`, installs) every host dependency.

use crate::toolchain::{first_line_of, Toolchain, BINDGEN_VERSION, KERNEL_RUSTC};
use crate::workdir::WorkDir;
use anyhow::{bail, Result};
use std::path::Path;
use std::process::Command;

/// Debian packages a kernel build, module build, boot test and packaging need.
pub const PACKAGES: &[&str] = &[
    "linux-source-6.12",
    // Debian's own kernel configs: what `rampart check` compares ours with.
    "linux-config-6.12",
    "rustc-web",
    "rust-web-src",
    // The kernel toolchain (LLVM=-19): clang, lld and llvm 19, libclang 19 for bindgen.
    "clang-19",
    "lld-19",
    "llvm-19",
    "libclang-19-dev",
    "flex",
    "bison",
    "bc",
    "libelf-dev",
    "libssl-dev",
    "cpio",
    "busybox-static",
    "qemu-system-x86",
    "rpm",
    "kmod",
    "dwarves",
    "make",
    "gcc",
    "libc6-dev",
    "patch",
    "xz-utils",
    "nftables",
    "iproute2",
    // rampart-hidsd's tests run the real log writers and rotation they trust and follow.
    "systemd",
    "rsyslog",
    "logrotate",
    // rampart-fw's tests: conntrack (the SSH lockout check), a real sshd and ssh client,
    // util-linux's unshare (plan's scratch namespace); rampart-hidsd's crash test runs
    // a Python service that segfaults.
    "conntrack",
    "openssh-server",
    "openssh-client",
    "util-linux",
    "python3",
];

/// Result of one dependency check.
#[derive(Debug)]
enum Status {
    Found(String),
    Missing { fix: String },
}

struct Item {
    name: String,
    status: Status,
}

fn installed_version(package: &str) -> Option<String> {
    let out = Command::new("dpkg-query").args(["-W", "-f", "${db:Status-Abbrev}|${Version}", package]).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (status, version) = text.split_once('|')?;
    (out.status.success() && status.starts_with("ii")).then(|| version.to_string())
}

fn bindgen_install_command(work: &WorkDir) -> String {
    format!("cargo install --locked --root {} bindgen-cli@{BINDGEN_VERSION}", work.tools().display())
}

/// [`PACKAGES`] and the packages the boot-test suites' `programs` files name (the host
/// programs those suites put into the guest: paxtest, luajit, ...).
fn packages(repo: &Path) -> Result<Vec<String>> {
    let mut all: Vec<String> = PACKAGES.iter().map(|p| p.to_string()).collect();
    for pkg in crate::initramfs::programs::suite_packages(&repo.join("qemu/rampart/suites"))? {
        if !all.contains(&pkg) {
            all.push(pkg);
        }
    }
    Ok(all)
}

fn check_all(work: &WorkDir, toolchain: &Toolchain, packages: &[String]) -> Vec<Item> {
    let mut items: Vec<Item> = packages
        .iter()
        .map(|pkg| Item {
            name: pkg.to_string(),
            status: match installed_version(pkg) {
                Some(version) => Status::Found(version),
                None => Status::Missing { fix: format!("apt-get install -y {pkg}") },
            },
        })
        .collect();
    let bindgen = first_line_of(Command::new(toolchain.bindgen()).arg("--version"));
    items.push(Item {
        name: format!("bindgen-cli {BINDGEN_VERSION}"),
        status: if bindgen.ends_with(BINDGEN_VERSION) {
            Status::Found(format!("{bindgen} ({})", toolchain.bindgen().display()))
        } else {
            Status::Missing { fix: bindgen_install_command(work) }
        },
    });
    let rustc = first_line_of(Command::new(KERNEL_RUSTC).arg("--version"));
    items.push(Item {
        name: format!("kernel rustc ({KERNEL_RUSTC})"),
        status: if rustc.starts_with("rustc ") {
            Status::Found(rustc)
        } else {
            Status::Missing { fix: "apt-get install -y rustc-web rust-web-src".to_string() }
        },
    });
    items
}

fn print(items: &[Item]) {
    for item in items {
        match &item.status {
            Status::Found(version) => println!("  ok       {:<28} {version}", item.name),
            Status::Missing { fix } => println!("  MISSING  {:<28} fix: {fix}", item.name),
        }
    }
}

fn run_checked(cmd: &mut Command) -> Result<()> {
    let status = cmd.status()?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

/// Checks every dependency (those of the suites in `repo` too), printing one line per
/// item; installs what is missing when asked.
pub fn run(work: &WorkDir, toolchain: &Toolchain, repo: &Path, install: bool) -> Result<()> {
    println!("rampart doctor: host dependencies");
    let packages = packages(repo)?;
    let items = check_all(work, toolchain, &packages);
    print(&items);
    let missing_packages: Vec<&str> = items
        .iter()
        .filter(|i| matches!(i.status, Status::Missing { .. }) && packages.contains(&i.name))
        .map(|i| i.name.as_str())
        .collect();
    let bindgen_missing =
        items.iter().any(|i| i.name.starts_with("bindgen") && matches!(i.status, Status::Missing { .. }));
    let any_missing = items.iter().any(|i| matches!(i.status, Status::Missing { .. }));
    if !any_missing {
        println!("all dependencies present");
        return Ok(());
    }
    if !install {
        bail!("missing dependencies; run `rampart doctor --install` or the fix commands above");
    }
    if !missing_packages.is_empty() {
        println!("installing: {}", missing_packages.join(" "));
        run_checked(Command::new("apt-get").arg("update").arg("-q"))?;
        run_checked(
            Command::new("apt-get")
                .args(["install", "-y", "-q"])
                .args(&missing_packages)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
    }
    if bindgen_missing {
        println!("installing bindgen-cli {BINDGEN_VERSION} into {}", work.tools().display());
        run_checked(
            Command::new("cargo")
                .args(["install", "--locked", "--root"])
                .arg(work.tools())
                .arg(format!("bindgen-cli@{BINDGEN_VERSION}")),
        )?;
    }
    println!("rechecking");
    let items = check_all(work, toolchain, &packages);
    print(&items);
    if items.iter().any(|i| matches!(i.status, Status::Missing { .. })) {
        bail!("dependencies still missing after install");
    }
    Ok(())
}
