//! `why ADDRESS` and `status`: what the loaded ruleset does, in words.

use crate::apply::{files, now, Firewall};
use crate::blocks::{lookup, Entry};
use crate::eval;
use crate::policy::{parse, Policy, Proto};
use anyhow::Result;
use std::fmt::Write;
use std::net::IpAddr;

fn describe_entry(e: &Entry) -> String {
    let mut s = format!("in set {} as {}", e.set, e.elem);
    match (e.timeout, e.expires) {
        (Some(t), Some(x)) => {
            let since = now().saturating_sub(t.saturating_sub(x));
            let _ = write!(s, ", since {} (unix time {since}), expires in {x}s", ago(t.saturating_sub(x)));
        }
        _ => s.push_str(", no timeout"),
    }
    if !e.comment.is_empty() {
        let _ = write!(s, "; {}", e.comment);
    }
    s
}

fn ago(secs: u64) -> String {
    format!("{secs}s ago")
}

/// The policy loaded now (the applied copy), if there is one.
pub fn applied_policy(fw: &Firewall) -> Option<Policy> {
    let text = fw.read(files::APPLIED_POLICY);
    (!text.trim().is_empty()).then(|| parse::parse(&text, "firewall.toml (applied)").ok()).flatten()
}

/// The `why` report for `ip`.
pub fn why(fw: &Firewall, ip: IpAddr) -> Result<String> {
    let ip = ip.to_canonical();
    let mut out = String::new();
    let entries = lookup(&fw.nft, &fw.table, ip)?;
    let blocked: Vec<&Entry> = entries.iter().filter(|e| e.set.starts_with("block")).collect();
    for e in &blocked {
        let _ = writeln!(
            out,
            "{ip}: DROPPED on input, output and forward (chains block_pre and block_out, before connection tracking): {}",
            describe_entry(e)
        );
    }
    for e in entries.iter().filter(|e| e.set.starts_with("allow")) {
        let _ = writeln!(out, "{ip}: quick-allowed inbound (rampart-fw allow): {}", describe_entry(e));
    }
    match applied_policy(fw) {
        None => {
            let _ = writeln!(out, "{ip}: no rampart-fw policy is applied");
        }
        Some(policy) => {
            if blocked.is_empty() {
                let _ = writeln!(out, "{ip}: not blocked");
            }
            for (zone, nets) in &policy.zones {
                if nets.iter().any(|n| n.contains(ip)) {
                    let trusted = if policy.trusted_zones.contains(zone) {
                        " (trusted: never blocked by rampart-hidsd)"
                    } else {
                        ""
                    };
                    let _ = writeln!(out, "{ip}: in zone {zone}{trusted}");
                }
            }
            for s in &policy.services {
                let v = eval::inbound(&policy, ip, s.proto, s.ports.lo);
                let verdict = if v.accept && blocked.is_empty() { "accepted" } else { "dropped" };
                let by = if blocked.is_empty() { v.by } else { "the block".into() };
                let _ = writeln!(out, "{ip}: -> {} {}/{}: {verdict} by {by}", s.name, s.proto.name(), s.ports.nft());
            }
            let other = eval::inbound(&policy, ip, Proto::Tcp, 0);
            let _ = writeln!(
                out,
                "{ip}: -> any other port: {} by {}",
                if other.accept { "accepted" } else { "dropped" },
                other.by
            );
        }
    }
    Ok(out)
}

/// The `status` report.
pub fn status(fw: &Firewall) -> Result<String> {
    let mut out = String::new();
    let Some(objects) = fw.nft.table(&fw.table)? else {
        return Ok(format!("table inet {} is not loaded\n", fw.table));
    };
    let table = crate::state::Table::from_objects(&objects);
    let policy = applied_policy(fw);
    let _ = writeln!(out, "table inet {}: loaded", fw.table);
    match &policy {
        Some(p) => {
            let _ = writeln!(
                out,
                "policy: inbound {:?}, outbound {:?}, {} services, {} zones, {} egress entries",
                p.inbound,
                p.outbound,
                p.services.len(),
                p.zones.len(),
                p.egress.len()
            );
        }
        None => out.push_str("policy: none applied by rampart-fw (block sets only)\n"),
    }
    if let Some(p) = crate::confirm::pending(fw) {
        let _ = writeln!(
            out,
            "pending: `rampart-fw confirm` within {}s, or the previous ruleset comes back",
            p.deadline.saturating_sub(now())
        );
    }
    for (name, chain) in &table.chains {
        let _ = writeln!(
            out,
            "chain {name}: {} policy {}, {} rules",
            chain.base,
            chain.policy.as_deref().unwrap_or("-"),
            chain.rules.len()
        );
    }
    for set in crate::blockset::RUNTIME_SETS {
        let count = fw
            .nft
            .json(&["list", "set", "inet", &fw.table, set])
            .map(|objs| objs.iter().map(|o| o["set"]["elem"].as_array().map_or(0, Vec::len)).sum::<usize>())
            .unwrap_or(0);
        let _ = writeln!(out, "set {set}: {count} elements");
    }
    let log = fw.read(files::LOG);
    if let Some(last) = log.lines().last() {
        let _ = writeln!(out, "last event: {last}");
    }
    Ok(out)
}
