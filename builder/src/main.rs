//! `rampart`: build, configure and boot-test rampart-hardened Linux kernels.

mod boot_test;
mod configure;
mod ctx;
mod digest;
mod doctor;
mod hardening;
mod initramfs;
mod kbuild;
mod kconfig;
mod make_progress;
mod metadata;
mod modsign;
mod package;
mod patches;
mod probe;
mod process;
mod qemu;
mod source;
mod target;
mod toolchain;
mod tune;
mod up;
mod verdict;
mod workdir;

use anyhow::Result;
use boot_test::{AccelChoice, BootTestRequest};
use clap::{Args, Parser, Subcommand};
use configure::ConfigRequest;
use ctx::Ctx;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use target::Variant;

/// Build, configure and boot-test rampart-hardened Linux kernels.
#[derive(Parser)]
#[command(name = "rampart", version)]
struct Cli {
    /// Work directory for sources, builds and runs [default: $XDG_CACHE_HOME/rampart]
    #[arg(long, global = true)]
    work_dir: Option<PathBuf>,
    /// Parallel make jobs [default: number of CPUs]
    #[arg(long, short = 'j', global = true)]
    jobs: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct KernelArgs {
    /// Target (a file kconfig/targets/<target>.config)
    #[arg(long, default_value = "qemu-x86_64")]
    target: String,
    /// Kernel variant: patched (rampart's hook layer), vanilla (distro-style, fallback), debug (patched + KASAN, lockdep)
    #[arg(long, value_enum, default_value = "patched")]
    variant: Variant,
    /// Kernel source tarball or tree [default: /usr/src/linux-source-6.12.tar.xz]
    #[arg(long)]
    source: Option<PathBuf>,
    /// Refuse a source tarball whose sha256 is not this
    #[arg(long, value_name = "SHA256")]
    source_sha256: Option<String>,
    /// Tune to a hardware profile from `rampart probe` (target `profile-<file stem>`)
    #[arg(long, value_name = "PROFILE.toml")]
    profile: Option<PathBuf>,
    /// Start from tinyconfig, or from Debian's own config (`distro`: the distro-kernel
    /// stand-in; build it with `--variant vanilla`; target gets a `-distro` suffix)
    #[arg(long, value_enum, default_value = "tiny")]
    base: configure::Base,
}

impl KernelArgs {
    fn request(&self) -> ConfigRequest {
        ConfigRequest {
            target: self.target.clone(),
            variant: self.variant,
            source: self.source.clone(),
            pin: self.source_sha256.clone(),
            profile: self.profile.clone(),
            base: self.base,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check every host dependency; --install installs what is missing
    Doctor {
        /// Install missing packages (apt-get) and bindgen (cargo install)
        #[arg(long)]
        install: bool,
    },
    /// Unpack the source and compose .config from kconfig/ fragments
    Config(KernelArgs),
    /// Build the kernel and every module under kmod/
    Build(KernelArgs),
    /// Boot the last build in QEMU with a guest test suite
    BootTest {
        /// Target
        #[arg(long, default_value = "qemu-x86_64")]
        target: String,
        /// Kernel variant
        #[arg(long, value_enum, default_value = "patched")]
        variant: Variant,
        /// Guest suite (qemu/rampart/suites/<suite>)
        #[arg(long, default_value = "smoke")]
        suite: String,
        /// Run only the suite's cases whose names start with this (e.g. `03`)
        #[arg(long)]
        cases: Option<String>,
        /// Boot the kernel and rampart modules installed under this root (e.g. by
        /// `rpm --root DIR -i` of `rampart package --rpm`'s packages)
        #[arg(long, value_name = "DIR")]
        installed_root: Option<PathBuf>,
        /// Seconds before the guest is declared hung
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        /// Accelerator
        #[arg(long, value_enum, default_value = "auto")]
        accel: AccelChoice,
        /// Guest time counts instructions, one ns each (QEMU -icount, TCG only):
        /// benchmarks then report instructions per operation, free of host noise
        #[arg(long)]
        icount: bool,
        /// Also put these host programs (paths or globs) into the guest, with their
        /// libraries, loader and links, as a suite's `programs` file does
        #[arg(long, value_name = "PATH", num_args = 1..)]
        programs: Vec<PathBuf>,
    },
    /// The main job: doctor --install, config, build, boot-test --suite smoke
    Up(KernelArgs),
    /// Package a build as RPMs: kernel-rampart, kernel-rampart-devel, kmod-rampart
    Package {
        #[command(flatten)]
        kernel: KernelArgs,
        /// Make RPMs (the only format)
        #[arg(long, required = true)]
        rpm: bool,
        /// Put the RPMs here [default: <work>/packages/<build>/rpms]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Sign modules with this private key instead of the kernel build's generated one
        #[arg(long, requires = "sign_cert")]
        sign_key: Option<PathBuf>,
        /// The certificate of --sign-key
        #[arg(long, requires = "sign_key")]
        sign_cert: Option<PathBuf>,
    },
    /// Record this machine's hardware in a portable profile (TOML) for `rampart config --profile`
    Probe {
        /// Write the profile here instead of printing it
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// Check a kernel .config, command line and sysctls against published hardening
    /// recommendations (KSPP, kernel-hardening-checker and the sources they cite)
    Check {
        /// The .config to check (needed with --cmdline; optional with --sysctl alone)
        config: Option<PathBuf>,
        /// Also check a kernel command line: a file holding it (/proc/cmdline) or the line itself
        #[arg(long)]
        cmdline: Option<String>,
        /// Also check sysctls: a file of `sysctl -a` output (`key = value` lines)
        #[arg(long)]
        sysctl: Option<PathBuf>,
        /// Also write the JSON report here (`-`: print it instead of the table)
        #[arg(long)]
        json: Option<PathBuf>,
        /// Exit with failure when the score (percent of checks passed) is below this
        #[arg(long)]
        fail_under: Option<f64>,
    },
}

fn run(cli: Cli) -> Result<bool> {
    // Checking a config needs no work directory or toolchain.
    if let Command::Check { config, cmdline, sysctl, json, fail_under } = &cli.command {
        let request = hardening::Request { config: config.clone(), cmdline: cmdline.clone(), sysctl: sysctl.clone() };
        return hardening::run(&request, json.as_deref(), *fail_under);
    }
    if let Command::Probe { output } = &cli.command {
        let text = probe::to_toml(&probe::probe(std::path::Path::new("/"))?)?;
        match output {
            Some(path) => std::fs::write(path, text)?,
            None => print!("{text}"),
        }
        return Ok(true);
    }
    let ctx = Ctx::new(cli.work_dir, cli.jobs)?;
    match cli.command {
        Command::Doctor { install } => doctor::run(&ctx.work, &ctx.toolchain, &ctx.repo, install)?,
        Command::Config(args) => {
            let configured = configure::configure(&ctx, &args.request())?;
            println!("{}", configured.dot_config.display());
        }
        Command::Build(args) => {
            kbuild::build(&ctx, &args.request())?;
        }
        Command::BootTest { target, variant, suite, cases, installed_root, timeout, accel, icount, programs } => {
            let timeout = Duration::from_secs(timeout);
            let req =
                BootTestRequest { target, variant, suite, cases, installed_root, timeout, accel, icount, programs };
            let results = boot_test::run(&ctx, &req)?;
            return Ok(results.verdict == verdict::Verdict::Pass);
        }
        Command::Up(args) => up::run(&ctx, &args.request())?,
        Command::Package { kernel, rpm: _, out, sign_key, sign_cert } => {
            let sign = sign_key.zip(sign_cert).map(|(key, cert)| package::SignKey { key, cert });
            for rpm in package::package(&ctx, &kernel.request(), out.as_deref(), sign.as_ref())? {
                println!("{}", rpm.display());
            }
        }
        Command::Check { .. } | Command::Probe { .. } => unreachable!("handled above"),
    }
    Ok(true)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("rampart: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
