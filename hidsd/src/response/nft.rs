//! Blocking addresses with nftables: the block sets rampart-fw shares
//! (`rampart_fw::blockset`), per-element timeouts in the table rampart owns, so blocks
//! expire in the kernel even when the daemon is gone.

use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The nftables side of active response.
#[derive(Debug, Clone)]
pub struct Nft {
    program: PathBuf,
    netns: Option<String>,
    table: String,
}

/// One blocked address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// The address.
    pub address: IpAddr,
    /// Seconds until the kernel removes it.
    pub expires_in: Option<u64>,
}

fn set_name(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() {
        "block4"
    } else {
        "block6"
    }
}

impl Nft {
    /// nftables access for `table` (family `inet`), optionally inside `netns`.
    pub fn new(program: PathBuf, netns: Option<String>, table: String) -> Self {
        Self { program, netns, table }
    }

    fn command(&self) -> Command {
        match &self.netns {
            Some(ns) => {
                let mut cmd = Command::new("ip");
                cmd.args(["netns", "exec", ns]).arg(&self.program);
                cmd
            }
            None => Command::new(&self.program),
        }
    }

    fn run_script(&self, script: &str) -> Result<()> {
        let mut child = self
            .command()
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", self.program.display()))?;
        child.stdin.take().context("nft stdin")?.write_all(script.as_bytes())?;
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!("nft failed: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(())
    }

    /// Creates the table, the shared block sets and the chains that drop what is in
    /// them if missing (rampart-fw's definition: existing blocks, and rampart-fw's own
    /// chains and sets, are kept).
    pub fn setup(&self) -> Result<()> {
        self.run_script(&rampart_fw::blockset::setup_script(&self.table))
    }

    /// Whether `ip` is in rampart-fw's quick allows or trusted zones (`allow4/6`,
    /// `trusted4/6`): such addresses are never blocked.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        let v = if ip.is_ipv4() { "4" } else { "6" };
        ["allow", "trusted"].iter().any(|set| {
            self.command()
                .args(["get", "element", "inet", &self.table, &format!("{set}{v}"), "{", &ip.to_string(), "}"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
    }

    /// Blocks `ip` for `seconds` (the kernel expires it); `why` becomes the element's
    /// comment (what `rampart-fw why` shows).
    pub fn block(&self, ip: IpAddr, seconds: u64, why: &str) -> Result<()> {
        let net = rampart_fw::net::Network::host(ip);
        self.run_script(&rampart_fw::blockset::add_block(&self.table, &net, Some(seconds), why))
    }

    /// Blocks `ip` for `seconds`; when that fails, sets the table up again and retries
    /// once (after `nft flush ruleset` the table is gone). Returns whether it had to.
    pub fn block_or_recreate(&self, ip: IpAddr, seconds: u64, why: &str) -> Result<bool> {
        let Err(first) = self.block(ip, seconds, why) else { return Ok(false) };
        self.setup().with_context(|| format!("{first:#}; setting the table up again"))?;
        self.block(ip, seconds, why).with_context(|| format!("{first:#}; after setting the table up again"))?;
        Ok(true)
    }

    /// Removes `ip` from the blocklist.
    pub fn unblock(&self, ip: IpAddr) -> Result<()> {
        self.run_script(&format!("delete element inet {} {} {{ {ip} }}\n", self.table, set_name(ip)))
    }

    /// The blocked addresses.
    pub fn list(&self) -> Result<Vec<Block>> {
        let mut blocks = Vec::new();
        for set in ["block4", "block6"] {
            let out = self.command().args(["-j", "list", "set", "inet", &self.table, set]).output()?;
            if !out.status.success() {
                bail!("nft list set {set}: {}", String::from_utf8_lossy(&out.stderr).trim());
            }
            blocks.extend(parse_set_json(&out.stdout)?);
        }
        Ok(blocks)
    }
}

/// Elements of `nft -j list set` output.
fn parse_set_json(json: &[u8]) -> Result<Vec<Block>> {
    let doc: serde_json::Value = serde_json::from_slice(json).context("nft -j output is not JSON")?;
    let mut blocks = Vec::new();
    for item in doc["nftables"].as_array().into_iter().flatten() {
        for elem in item["set"]["elem"].as_array().into_iter().flatten() {
            let (value, expires) = match &elem["elem"] {
                serde_json::Value::Object(e) => (e.get("val").cloned(), e.get("expires").and_then(|v| v.as_u64())),
                _ => (Some(elem.clone()), None),
            };
            if let Some(address) = value.as_ref().and_then(|v| v.as_str()).and_then(|s| s.parse().ok()) {
                blocks.push(Block { address, expires_in: expires });
            }
        }
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nft_json() {
        let json = br#"{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"set": {"family": "inet", "name": "block4",
            "table": "rampart", "type": "ipv4_addr", "flags": ["timeout"],
            "elem": [{"elem": {"val": "203.0.113.7", "timeout": 600, "expires": 597}}, "198.51.100.1"]}}]}"#;
        let blocks = parse_set_json(json).unwrap();
        assert_eq!(
            blocks,
            [
                Block { address: "203.0.113.7".parse().unwrap(), expires_in: Some(597) },
                Block { address: "198.51.100.1".parse().unwrap(), expires_in: None },
            ]
        );
        assert!(parse_set_json(b"{}").unwrap().is_empty());
        assert!(parse_set_json(b"nope").is_err());
    }
}
