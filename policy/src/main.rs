//! `rampart-policy`: write, check, load and learn rampart RBAC policies.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use rampart_kernel_logic::rbac::policy_id;
use rampart_policy::compile::{compile, Filesystem};
use rampart_policy::generate::{generate, render, GenerateConfig, LearningLog};
use rampart_policy::kernel;
use rampart_policy::text::PolicyText;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "rampart-policy", about = "rampart RBAC policies: check, compile, load, learn, generate")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and compile a policy against this machine's files; print what it holds.
    Check { policy: PathBuf },
    /// Compile a policy into what the kernel loads.
    Compile {
        policy: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Compile and load a policy (the old one stays if the kernel refuses it).
    Load { policy: PathBuf },
    /// Deny what the policy does not allow.
    Enforce,
    /// Report what the policy would deny, deny nothing.
    Audit,
    /// Switch the module off.
    Off,
    /// Learning: `start` (everything), `stop` (back to enforce), `collect` (copy learn
    /// events to a learning log until interrupted).
    Learn {
        #[command(subcommand)]
        action: LearnAction,
    },
    /// Generate a policy from a learning log.
    Generate {
        /// Learning log (JSON lines: rampart-hidsd's, or `learn collect`'s).
        #[arg(long)]
        log: PathBuf,
        /// The policy learning ran under: its learning subjects are filled in.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Generation settings (protected paths, reduction), TOML.
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Mode, policy in force, counters.
    Status,
    /// rampart_wx (W^X): `suggest` the exceptions a machine needs from its events.
    Wx {
        #[command(subcommand)]
        action: WxAction,
    },
}

#[derive(Subcommand)]
enum WxAction {
    /// Read W^X events (audit mode) and print the programs to exempt, one per line,
    /// as `/sys/kernel/security/rampart/wx/exceptions` takes them; why goes to stderr.
    Suggest {
        /// Event log (JSON lines: the kernel channel's, or rampart-hidsd's).
        #[arg(long)]
        log: PathBuf,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum LearnAction {
    Start,
    Stop,
    Collect {
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn read_policy(path: &Path) -> Result<PolicyText> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    PolicyText::parse(&text).with_context(|| format!("{}", path.display()))
}

fn compiled(path: &Path) -> Result<Vec<u8>> {
    let policy = read_policy(path)?;
    let out = compile(&policy, &Filesystem).with_context(|| format!("compiling {}", path.display()))?;
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    Ok(out.bytes)
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Check { policy } => {
            let bytes = compiled(&policy)?;
            let p = rampart_kernel_logic::rbac::Policy::parse(&bytes).map_err(|e| anyhow::anyhow!(e.message()))?;
            let (roles, subjects, entries) = p.counts();
            println!(
                "{}: ok, policy {:016x}: {roles} roles, {subjects} subjects, {entries} entries, {} bytes",
                policy.display(),
                policy_id(&bytes),
                bytes.len()
            );
        }
        Command::Compile { policy, output } => {
            let bytes = compiled(&policy)?;
            std::fs::write(&output, &bytes)?;
            println!("policy {:016x} -> {}", policy_id(&bytes), output.display());
        }
        Command::Load { policy } => {
            let bytes = compiled(&policy)?;
            kernel::load(&bytes)?;
            println!("policy {:016x} loaded", policy_id(&bytes));
        }
        Command::Enforce => kernel::set_mode("enforce")?,
        Command::Audit => kernel::set_mode("audit")?,
        Command::Off => kernel::set_mode("off")?,
        Command::Learn { action: LearnAction::Start } => kernel::set_mode("learn")?,
        Command::Learn { action: LearnAction::Stop } => kernel::set_mode("enforce")?,
        Command::Learn { action: LearnAction::Collect { output } } => {
            let (written, lost) = kernel::collect(&output)?;
            println!("{written} learn events written to {}, {lost} events lost", output.display());
            if lost > 0 {
                eprintln!("warning: events were lost while learning: the generated policy may miss accesses");
            }
        }
        Command::Generate { log, policy, config, output } => {
            let config = match config {
                Some(path) => {
                    toml::from_str(&std::fs::read_to_string(&path)?).with_context(|| format!("{}", path.display()))?
                }
                None => GenerateConfig::default(),
            };
            let text = std::fs::read_to_string(&log).with_context(|| format!("reading {}", log.display()))?;
            let log = LearningLog::read(&text, &config);
            let base = policy.as_deref().map(read_policy).transpose()?;
            let generated = render(&generate(&log, base.as_ref(), &config)?)?;
            std::fs::write(&output, generated).with_context(|| format!("writing {}", output.display()))?;
            println!(
                "{} learn events ({} skipped, {} truncated, {} lost) -> {}",
                log.events,
                log.skipped,
                log.truncated,
                log.lost,
                output.display()
            );
            if log.truncated > 0 {
                eprintln!(
                    "warning: {} learn events had a path cut to the event size and were not learned",
                    log.truncated
                );
            }
            if log.lost > 0 {
                eprintln!(
                    "warning: {} events were lost while learning: review the policy for missing accesses",
                    log.lost
                );
            }
        }
        Command::Status => print!("{}", kernel::status()?),
        Command::Wx { action: WxAction::Suggest { log, output } } => wx_suggest(&log, output.as_deref())?,
    }
    Ok(())
}

fn wx_suggest(log: &Path, output: Option<&Path>) -> Result<()> {
    use rampart_policy::wx_suggest::{render, suggest, LIST_MAX};
    let text = std::fs::read(log).with_context(|| format!("reading {}", log.display()))?;
    let s = suggest(&String::from_utf8_lossy(&text));
    eprintln!("{} W^X events, {} malformed lines", s.events, s.malformed);
    for c in &s.candidates {
        let why: Vec<String> = c.rules.iter().map(|(r, n)| format!("{r} ({n})")).collect();
        eprintln!("exempt {}: {}", c.exe, why.join(", "));
    }
    for exe in &s.unlistable {
        eprintln!("warning: {exe:?} cannot be listed as one entry; rename the program to exempt it");
    }
    if s.candidates.len() > LIST_MAX {
        eprintln!("warning: {} programs, the kernel's list takes {LIST_MAX}", s.candidates.len());
    }
    match output {
        Some(path) => std::fs::write(path, render(&s)).with_context(|| format!("writing {}", path.display()))?,
        None => print!("{}", render(&s)),
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rampart-policy: {e:#}");
            ExitCode::FAILURE
        }
    }
}
