//! Runtime changes to the shared sets: `deny` (a block, optionally timed), `allow` (a
//! quick allow, and the end of any block), and looking an address up in them (JSON).

use crate::blockset::{self, allow_set, block_set};
use crate::net::Network;
use crate::nft::Nft;
use crate::state::elem_text;
use anyhow::{bail, Result};
use serde_json::Value;
use std::net::IpAddr;

/// An element of a shared set holding an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The set.
    pub set: String,
    /// The element (the address, or the network containing it).
    pub elem: String,
    /// Its timeout in seconds (none: until removed).
    pub timeout: Option<u64>,
    /// Seconds until the kernel removes it.
    pub expires: Option<u64>,
    /// Who put it there, when and why.
    pub comment: String,
}

/// Whether `ip` is in `set` (nft's answer to `get element`).
fn member(nft: &Nft, table: &str, set: &str, ip: IpAddr) -> bool {
    let mut cmd = nft.other("nft");
    cmd.args(["get", "element", "inet", table, set, "{", &ip.to_string(), "}"]);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    cmd.status().is_ok_and(|s| s.success())
}

/// The entries of the shared sets that hold `ip`: block sets first, then allows.
pub fn lookup(nft: &Nft, table: &str, ip: IpAddr) -> Result<Vec<Entry>> {
    let ip = ip.to_canonical();
    let sets: [&str; 3] =
        if ip.is_ipv4() { ["block4", "blocknet4", "allow4"] } else { ["block6", "blocknet6", "allow6"] };
    let mut found = Vec::new();
    for set in sets {
        if !member(nft, table, set, ip) {
            continue;
        }
        for obj in nft.json(&["list", "set", "inet", table, set])? {
            for e in obj["set"]["elem"].as_array().into_iter().flatten() {
                let text = elem_text(e);
                let hit = Network::parse(&text).is_ok_and(|n| n.contains(ip))
                    || text.split_once('-').is_some_and(|(a, b)| in_range(ip, a, b));
                if hit {
                    let o = &e["elem"];
                    found.push(Entry {
                        set: set.to_string(),
                        elem: text,
                        timeout: o.get("timeout").and_then(Value::as_u64),
                        expires: o.get("expires").and_then(Value::as_u64),
                        comment: o.get("comment").and_then(Value::as_str).unwrap_or_default().to_string(),
                    });
                }
            }
        }
    }
    Ok(found)
}

fn in_range(ip: IpAddr, a: &str, b: &str) -> bool {
    match (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
        (Ok(a), Ok(b)) => a <= ip && ip <= b && a.is_ipv4() == ip.is_ipv4(),
        _ => false,
    }
}

/// The script deleting `net` from `set` when it is there (a missing element would
/// fail the transaction, so it is added first).
fn delete_script(table: &str, set: &str, net: &Network, interval: bool) -> String {
    if interval {
        // Interval sets refuse overlapping additions: only the exact element is removed.
        format!("delete element inet {table} {set} {{ {net} }}\n")
    } else {
        format!("add element inet {table} {set} {{ {net} }}\ndelete element inet {table} {set} {{ {net} }}\n")
    }
}

/// Blocks `net` (in one transaction: out of the quick allows, into the block set).
pub fn deny(nft: &Nft, table: &str, net: &Network, timeout: Option<u64>, why: &str) -> Result<()> {
    nft.run_script(&blockset::setup_script(table))?;
    let allow = allow_set(net);
    let mut script = String::new();
    if lookup(nft, table, net.addr)?.iter().any(|e| e.set == allow && e.elem == net.to_string()) {
        script += &delete_script(table, allow, net, true);
    }
    script += &blockset::add_block(table, net, timeout, why);
    nft.run_script(&script)
}

/// Allows `net`: its block (an exact element) removed, and a quick allow added.
pub fn allow(nft: &Nft, table: &str, net: &Network, why: &str) -> Result<()> {
    nft.run_script(&blockset::setup_script(table))?;
    let set = block_set(net);
    let mut script = String::new();
    let covering: Vec<Entry> =
        lookup(nft, table, net.addr)?.into_iter().filter(|e| e.set.starts_with("block")).collect();
    for e in &covering {
        if e.elem != net.to_string() {
            bail!("{} is inside the blocked network {} ({}): allow that network, or deny less", net, e.elem, e.comment);
        }
    }
    if !covering.is_empty() {
        script += &delete_script(table, set, net, !net.is_host());
    }
    script +=
        &format!("add element inet {table} {} {{ {net} comment \"{}\" }}\n", allow_set(net), blockset::comment(why));
    nft.run_script(&script)
}
