//! `rampart-fw deny-list FILE`: many blocks at once (a threat feed, a migration from
//! another firewall). Addresses go into `block4`/`block6` as one netlink batch
//! ([`crate::netlink`]), networks into `blocknet4`/`blocknet6` through `nft`; a bad
//! line rejects the whole file (`file:line`) before anything is loaded.

use crate::blockset;
use crate::net::Network;
use crate::netlink::{self, Element};
use crate::nft::Nft;
use anyhow::{bail, Context, Result};
use std::os::fd::AsRawFd;
use std::time::Duration;

/// The entries of a deny list: one address or network a line; blank lines and `#`
/// comments are skipped. Errors name `file:line`.
pub fn parse(text: &str, file: &str) -> Result<Vec<Network>> {
    let mut nets = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let entry = line.split('#').next().unwrap_or("").trim();
        if entry.is_empty() {
            continue;
        }
        let net = Network::parse(entry).with_context(|| format!("{file}:{}: `{entry}`", i + 1))?;
        nets.push(net);
    }
    Ok(nets)
}

/// How many entries went where.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    /// Addresses (block4, block6).
    pub addresses: usize,
    /// Networks (blocknet4, blocknet6).
    pub networks: usize,
}

/// Runs `f` in a thread inside network namespace `netns` (none: here).
fn in_netns<R: Send>(netns: Option<&str>, f: impl FnOnce() -> Result<R> + Send) -> Result<R> {
    let Some(ns) = netns else { return f() };
    let path = format!("/run/netns/{ns}");
    let file = std::fs::File::open(&path).with_context(|| format!("opening {path}"))?;
    std::thread::scope(|s| {
        s.spawn(move || {
            // SAFETY: setns(2) on a namespace file we opened; only this thread moves.
            if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                bail!("entering network namespace {ns}: {}", std::io::Error::last_os_error());
            }
            f()
        })
        .join()
        .unwrap_or_else(|_| bail!("the netlink thread failed"))
    })
}

/// Blocks every entry of `nets` in `table` (set up first when missing), each for
/// `timeout` (none: until removed) with comment `why`.
pub fn deny_list(nft: &Nft, table: &str, nets: &[Network], timeout: Option<u64>, why: &str) -> Result<Loaded> {
    nft.run_script(&blockset::setup_script(table))?;
    let element =
        |n: &Network| Element { addr: n.addr, timeout: timeout.map(Duration::from_secs), comment: why.to_string() };
    let v4: Vec<Element> = nets.iter().filter(|n| n.is_host() && n.is_v4()).map(element).collect();
    let v6: Vec<Element> = nets.iter().filter(|n| n.is_host() && !n.is_v4()).map(element).collect();
    in_netns(nft.netns.as_deref(), || {
        netlink::add_elements(table, "block4", &v4)?;
        netlink::add_elements(table, "block6", &v6)
    })?;
    let mut script = String::new();
    let mut networks = 0;
    for n in nets.iter().filter(|n| !n.is_host()) {
        script += &blockset::add_block(table, n, timeout, why);
        networks += 1;
    }
    if !script.is_empty() {
        nft.run_script(&script).context("adding the networks")?;
    }
    Ok(Loaded { addresses: v4.len() + v6.len(), networks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_line_is_named() {
        let err = parse("10.0.0.1\n# feed\n\n192.0.2.0/24 # abuse\nnot-an-address\n", "feed.txt").unwrap_err();
        assert!(format!("{err:#}").starts_with("feed.txt:5: `not-an-address`"), "{err:#}");
        let nets = parse("10.0.0.1\n::ffff:10.0.0.2\n2001:db8::/32\n", "f").unwrap();
        assert_eq!(nets.len(), 3);
        assert!(nets[1].is_v4() && nets[1].is_host());
    }
}
