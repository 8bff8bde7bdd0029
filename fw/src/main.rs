//! `rampart-fw`: rampart's firewall manager (see `docs/firewall.md`).

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use rampart_fw::apply::Firewall;
use rampart_fw::net::Network;
use rampart_fw::nft::Nft;
use rampart_fw::policy::{parse, Policy, DEFAULT_PATH};
use rampart_fw::{blocks, blockset, confirm, lockout, plan, render, report};
use std::path::PathBuf;
use std::process::ExitCode;

/// rampart's firewall manager: one nftables table from a policy file.
#[derive(Parser)]
#[command(name = "rampart-fw", version)]
struct Cli {
    /// Policy file
    #[arg(long, short, global = true, default_value = DEFAULT_PATH)]
    policy: PathBuf,
    /// Work in this network namespace (`ip netns`), e.g. for tests
    #[arg(long, global = true)]
    netns: Option<String>,
    /// State directory (applied and previous rulesets, pending confirmation)
    #[arg(long, global = true)]
    state_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the policy file
    Check,
    /// Show what applying the policy would change in the loaded ruleset
    Plan,
    /// Load the policy in one nftables transaction
    Apply {
        /// Put the previous ruleset back after SECS unless `rampart-fw confirm` is run
        #[arg(long, value_name = "SECS")]
        confirm: Option<u64>,
        /// Apply even if it would cut the SSH session it is applied from
        #[arg(long)]
        force: bool,
    },
    /// Keep the ruleset of an `apply --confirm`
    Confirm,
    /// Put the previously applied ruleset back
    Rollback,
    /// What is loaded: chains, block sets, a pending confirmation
    Status,
    /// Which rule or set drops (or accepts) ADDRESS, since when and why
    Why {
        /// Address (IPv4, IPv6, IPv4-mapped IPv6)
        address: String,
    },
    /// Quick allow: ADDRESS (or network) accepted inbound and unblocked
    Allow {
        /// Address or network
        address: String,
        /// Why (kept in the set element's comment)
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Quick deny: ADDRESS (or network) dropped on input, output and forward
    Deny {
        /// Address or network
        address: String,
        /// Seconds until the kernel lifts the block (default: until `allow`)
        #[arg(long)]
        timeout: Option<u64>,
        /// Why (kept in the set element's comment)
        #[arg(long, default_value = "")]
        comment: String,
        /// Deny even an address an SSH session comes from
        #[arg(long)]
        force: bool,
    },
    /// Bulk deny: every address or network in FILE (one a line, `#` comments), the
    /// addresses in one netlink transaction
    DenyList {
        /// The list
        file: PathBuf,
        /// Seconds until the kernel lifts each block (default: until `allow`)
        #[arg(long)]
        timeout: Option<u64>,
        /// Why (kept in each set element's comment)
        #[arg(long, default_value = "")]
        comment: String,
        /// Deny even an address an SSH session comes from
        #[arg(long)]
        force: bool,
    },
    /// (internal) The timer of `apply --confirm`
    #[command(hide = true)]
    ConfirmTimer { token: String, secs: u64 },
}

fn firewall(cli: &Cli) -> Firewall {
    let state_dir = cli.state_dir.clone().unwrap_or_else(|| match &cli.netns {
        Some(ns) => PathBuf::from(format!("/var/lib/rampart/fw/netns-{ns}")),
        None => PathBuf::from("/var/lib/rampart/fw"),
    });
    Firewall { nft: Nft::new(cli.netns.clone()), table: blockset::TABLE.to_string(), state_dir }
}

fn load_policy(cli: &Cli) -> Result<(Policy, String)> {
    let text = std::fs::read_to_string(&cli.policy).with_context(|| format!("reading {}", cli.policy.display()))?;
    let policy = parse::parse(&text, &cli.policy.display().to_string())?;
    Ok((policy, text))
}

/// Refuses (unless `force`) when `policy` would cut an SSH session into this host.
fn check_lockout(cli: &Cli, fw: &Firewall, policy: &Policy, force: bool) -> Result<()> {
    let sessions = lockout::sessions(&fw.nft, policy, cli.netns.is_none());
    let mut problems = Vec::new();
    for s in &sessions {
        let entries = blocks::lookup(&fw.nft, &fw.table, s.client).unwrap_or_default();
        let blocked = entries.iter().find(|e| e.set.starts_with("block")).map(|e| format!("set {}", e.set));
        if let Some(why) = lockout::cut(policy, s, blocked) {
            problems.push(format!("the SSH session from {} (port {}, found in {}): {why}", s.client, s.port, s.via));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    if force {
        for p in &problems {
            eprintln!("rampart-fw: warning (--force): {p}");
        }
        return Ok(());
    }
    bail!(
        "refusing to apply {}: it would cut {}\nnothing was applied (--force applies anyway)",
        policy.file,
        problems.join("; ")
    );
}

fn timer_args(cli: &Cli, fw: &Firewall) -> Vec<String> {
    let mut args = vec!["--state-dir".to_string(), fw.state_dir.display().to_string()];
    if let Some(ns) = &cli.netns {
        args.extend(["--netns".to_string(), ns.clone()]);
    }
    args
}

fn parse_target(text: &str) -> Result<Network> {
    let net = Network::parse(text.trim_start_matches('[').trim_end_matches(']'))?;
    Ok(net)
}

fn run(cli: &Cli) -> Result<()> {
    let fw = firewall(cli);
    match &cli.command {
        Command::Check => {
            let (policy, _) = load_policy(cli)?;
            println!(
                "{}: ok ({} services, {} zones, {} egress entries)",
                policy.file,
                policy.services.len(),
                policy.zones.len(),
                policy.egress.len()
            );
        }
        Command::Plan => {
            let (policy, _) = load_policy(cli)?;
            let want = fw.wanted(&render::policy_script(&policy, &fw.table))?;
            let changes = plan::diff(fw.live()?.as_ref(), &want);
            if changes.is_empty() {
                println!("no changes: the loaded ruleset is {}", policy.file);
            }
            for c in changes {
                println!("{c}");
            }
        }
        Command::Apply { confirm: secs, force } => {
            let (policy, text) = load_policy(cli)?;
            check_lockout(cli, &fw, &policy, *force)?;
            if confirm::pending(&fw).is_some() {
                bail!("an earlier apply --confirm is waiting: `rampart-fw confirm` or `rampart-fw rollback` first");
            }
            fw.apply(&render::policy_script(&policy, &fw.table), &text)?;
            match secs {
                Some(secs) => {
                    let exe = std::env::current_exe().context("finding rampart-fw's own executable")?;
                    confirm::arm(&fw, *secs, &exe, &timer_args(cli, &fw))?;
                    println!(
                        "applied {}: run `rampart-fw confirm` within {secs}s, or the previous ruleset comes back",
                        policy.file
                    );
                }
                None => println!("applied {}", policy.file),
            }
        }
        Command::Confirm => {
            if confirm::confirm(&fw)? {
                println!("confirmed: the ruleset stays");
            } else {
                println!("nothing to confirm");
            }
        }
        Command::Rollback => {
            fw.rollback()?;
            fw.log("rolled back by rampart-fw rollback");
            println!("rolled back to the previous ruleset");
        }
        Command::Status => print!("{}", report::status(&fw)?),
        Command::Why { address } => {
            let Some(ip) = rampart_fw::net::parse_addr(address) else { bail!("`{address}` is not an address") };
            print!("{}", report::why(&fw, ip)?);
        }
        Command::Allow { address, comment } => {
            let net = parse_target(address)?;
            let why = format!("rampart-fw allow at {}: {comment}", rampart_fw::apply::now());
            blocks::allow(&fw.nft, &fw.table, &net, &why)?;
            println!("allowed {net}");
        }
        Command::Deny { address, timeout, comment, force } => {
            let net = parse_target(address)?;
            if !force {
                let policy = load_policy(cli).map(|(p, _)| p).unwrap_or_else(|_| empty_policy());
                for s in lockout::sessions(&fw.nft, &policy, cli.netns.is_none()) {
                    if net.contains(s.client) {
                        bail!("refusing to deny {net}: the SSH session from {} (found in {}) comes from it (--force denies anyway)", s.client, s.via);
                    }
                }
            }
            let why = format!("rampart-fw deny at {}: {comment}", rampart_fw::apply::now());
            blocks::deny(&fw.nft, &fw.table, &net, *timeout, &why)?;
            println!("denied {net}{}", timeout.map(|t| format!(" for {t}s")).unwrap_or_default());
        }
        Command::DenyList { file, timeout, comment, force } => {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(file).with_context(|| format!("reading {name}"))?;
            let nets = rampart_fw::bulk::parse(&text, &name)?;
            if !force {
                let policy = load_policy(cli).map(|(p, _)| p).unwrap_or_else(|_| empty_policy());
                for s in lockout::sessions(&fw.nft, &policy, cli.netns.is_none()) {
                    if let Some(net) = nets.iter().find(|n| n.contains(s.client)) {
                        bail!("refusing to load {name}: {net} holds the SSH session from {} (found in {}); nothing was loaded (--force loads anyway)", s.client, s.via);
                    }
                }
            }
            let why = format!("rampart-fw deny-list at {}: {comment}", rampart_fw::apply::now());
            let loaded = rampart_fw::bulk::deny_list(&fw.nft, &fw.table, &nets, *timeout, &why)?;
            println!("denied {} addresses and {} networks from {name}", loaded.addresses, loaded.networks);
        }
        Command::ConfirmTimer { token, secs } => confirm::timer(&fw, token, *secs)?,
    }
    Ok(())
}

fn empty_policy() -> Policy {
    // SAFETY of expect: the empty text is a valid policy (tested).
    parse::parse("", "(no policy)").unwrap_or_else(|_| unreachable!("the empty policy parses"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rampart-fw: {e:#}");
            ExitCode::FAILURE
        }
    }
}
