//! `rampart-hidsd`: rampart's host intrusion detection daemon.
//!
//! sources (log files, /dev/kmsg, rampart's event channel) -> decoders and rules
//! (TOML, with frequency correlation) -> sinks (ECS JSON alerts, the learning log)
//! and responses (nftables blocks that expire in the kernel).

mod address;
mod config;
mod container;
mod daemon;
mod event;
mod fim;
#[cfg(test)]
mod fuzz;
mod lines;
mod logline;
mod open;
mod response;
mod rules;
mod sinks;
mod sources;
mod testrules;
mod trust;
mod wake;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// rampart's host intrusion detection daemon.
#[derive(Parser)]
#[command(name = "rampart-hidsd", version)]
struct Cli {
    /// Configuration file
    #[arg(long, short, global = true, default_value = config::DEFAULT_PATH)]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the daemon (foreground; see the systemd unit for a service)
    Run {
        /// Read what the sources hold now, then exit instead of following
        #[arg(long)]
        once: bool,
        /// Do not print alerts on stdout
        #[arg(long)]
        quiet: bool,
    },
    /// Validate the configuration and the rules
    CheckConfig,
    /// Show which lines of a log file match which rules
    TestRules {
        /// Log file (syslog format)
        logfile: PathBuf,
        /// One JSON object: per rule its id, level, match count and matches per address
        #[arg(long)]
        json: bool,
        /// Also print every matching line
        #[arg(long)]
        lines: bool,
    },
    /// File integrity: build the baseline, or check against it
    Fim {
        #[command(subcommand)]
        action: FimAction,
    },
    /// Blocked addresses
    Bans {
        #[command(subcommand)]
        action: BanAction,
    },
}

#[derive(Subcommand)]
enum FimAction {
    /// Hash every configured path into a new baseline
    Init,
    /// Compare the files with the baseline; exits 1 when something changed
    Check {
        /// Accept the current state as the new baseline (after a planned update)
        #[arg(long)]
        update: bool,
        /// One JSON object per change
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum BanAction {
    /// List blocked addresses and their remaining time
    List,
    /// Remove an address from the blocklist
    Unban {
        /// The address
        address: std::net::IpAddr,
    },
}

/// Writes to stdout; a closed pipe (`| head`) ends the program quietly.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

fn nft_of(config: &config::Config) -> response::nft::Nft {
    let r = &config.response;
    response::nft::Nft::new(r.nft.clone(), r.netns.clone(), r.nft_table.clone())
}

fn fim_command(config: &config::Config, action: FimAction) -> Result<bool> {
    let started = std::time::Instant::now();
    let files = fim::list_files(&config.fim.paths, &config.fim.exclude);
    let now = fim::build(&files, config.fim.threads);
    let bytes: u64 = now.files.values().map(|e| e.size).sum();
    eprintln!(
        "rampart-hidsd fim: {} files, {} MiB hashed in {:.2}s ({} unreadable)",
        now.files.len(),
        bytes >> 20,
        started.elapsed().as_secs_f64(),
        now.unreadable.len()
    );
    match action {
        FimAction::Init => {
            fim::save(&now, &config.fim.database)?;
            out(&format!("baseline written: {}\n", config.fim.database.display()));
            Ok(true)
        }
        FimAction::Check { update, json } => {
            let before = fim::load(&config.fim.database)?;
            let changes = fim::compare(&before, &now);
            for change in &changes {
                let line = if json { serde_json::to_string(change)? } else { format!("{change:?}") };
                out(&format!("{line}\n"));
            }
            // With --json stdout is one JSON object per line: the summary goes to stderr.
            let summary = |text: String| if json { eprintln!("{text}") } else { out(&format!("{text}\n")) };
            if update {
                fim::save(&now, &config.fim.database)?;
                summary(format!("{} changes accepted into the baseline", changes.len()));
                return Ok(true);
            }
            summary(format!("{} changes", changes.len()));
            Ok(changes.is_empty())
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run { once, quiet } => {
            daemon::run(&daemon::RunOptions { config: cli.config, foreground: !quiet, once })?;
        }
        Command::CheckConfig => {
            let config = config::Config::load(&cli.config)?;
            let rules = rules::load(Some(&config.rules_dir))?;
            println!("{}: ok ({} rules, {} log files)", cli.config.display(), rules.len(), config.log_files.len());
        }
        Command::TestRules { logfile, json, lines } => {
            let config = config::Config::load(&cli.config)?;
            let rules = rules::load(Some(&config.rules_dir))?;
            let report = testrules::run(&logfile, rules, lines, |id, line| {
                out(&format!("rule {id}: {line}\n"));
            })?;
            if json {
                out(&format!("{}\n", serde_json::to_string(&report)?));
            } else {
                out(&testrules::render(&report));
            }
        }
        Command::Fim { action } => {
            let config = config::Config::load(&cli.config)?;
            if !fim_command(&config, action)? {
                std::process::exit(1);
            }
        }
        Command::Bans { action } => {
            let config = config::Config::load(&cli.config)?;
            let nft = nft_of(&config);
            match action {
                BanAction::List => {
                    for b in nft.list()? {
                        match b.expires_in {
                            Some(s) => println!("{}\texpires in {s}s", b.address),
                            None => println!("{}\tno timeout", b.address),
                        }
                    }
                }
                BanAction::Unban { address } => {
                    if !nft.list()?.iter().any(|b| b.address == address) {
                        bail!("{address} is not blocked");
                    }
                    nft.unblock(address)?;
                    println!("unblocked {address}");
                }
            }
        }
    }
    Ok(())
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's option setter (in the library the `mimalloc` crate links).
    fn mi_option_set(option: libc::c_int, value: libc::c_long);
}

/// `mi_option_arena_eager_commit` (mimalloc 2 and 3): commit arena memory as it is
/// used, not all at once. Eager commit made the resident size of `test-rules` on a
/// 1M-line log 160 MB instead of about 25 MB.
const MI_OPTION_ARENA_EAGER_COMMIT: libc::c_int = 4;

/// Sets mimalloc's options before anything allocates (the first allocation creates the
/// first arena): run from `.init_array`, before `main` and the Rust runtime.
extern "C" fn allocator_options() {
    // SAFETY: sets a mimalloc option by its index; no memory is involved.
    unsafe { mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

#[used]
#[link_section = ".init_array"]
static ALLOCATOR_OPTIONS: extern "C" fn() = allocator_options;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rampart-hidsd: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
