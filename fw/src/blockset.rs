//! The block sets rampart-fw and rampart-hidsd share, and the chains that drop what is
//! in them. Both programs set them up with this one definition, so either can start
//! first, and neither ever flushes what the other owns: rampart-fw replaces its policy
//! chains and sets, rampart-hidsd only adds elements.
//!
//! `block4`/`block6` hold addresses, `blocknet4`/`blocknet6` networks; elements carry
//! a timeout (the kernel expires them) and a comment (who blocked it, when, why).
//! `allow4`/`allow6` are `rampart-fw allow`'s quick allows (rampart-hidsd never blocks
//! them). A blocked address is dropped before connection tracking, in prerouting
//! (which every packet to the host or through it passes: input and forward, so a
//! container's published port too, and an established connection) and in output
//! (every packet the host sends to it, UDP included).

use crate::net::Network;
use std::fmt::Write;
use std::net::IpAddr;

/// The table rampart owns (family `inet`).
pub const TABLE: &str = "rampart";

/// Sets that hold runtime state: kept across `apply` and `rollback`.
pub const RUNTIME_SETS: [&str; 6] = ["block4", "block6", "blocknet4", "blocknet6", "allow4", "allow6"];

/// Chains this module defines (rampart-fw's policy chains are everything else).
pub const CHAINS: [&str; 2] = ["block_pre", "block_out"];

/// The set an address or network of a block goes into.
pub fn block_set(net: &Network) -> &'static str {
    match (net.is_v4(), net.is_host()) {
        (true, true) => "block4",
        (false, true) => "block6",
        (true, false) => "blocknet4",
        (false, false) => "blocknet6",
    }
}

/// The set an address or network of an allow goes into.
pub fn allow_set(net: &Network) -> &'static str {
    if net.is_v4() {
        "allow4"
    } else {
        "allow6"
    }
}

/// The set holding `ip` when blocked as an address.
pub fn addr_set(ip: IpAddr) -> &'static str {
    block_set(&Network::host(ip))
}

/// Makes an nftables comment safe to quote: printable ASCII but `"` and `\`, at most
/// 120 bytes.
pub fn comment(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii() && !c.is_ascii_control() && *c != '"' && *c != '\\').take(120).collect()
}

/// The nft script that creates the table, the sets and the block chains when missing
/// (elements already there are kept) and puts the block rules in place.
pub fn setup_script(table: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "add table inet {table}");
    // A size hint: without one, loading a million addresses resizes the hash again and
    // again (50 s instead of 7). The kernel's garbage collector walks every element of
    // a set with timeouts, by default each second: a million elements each second,
    // on the CPUs the packets need. Lookups and additions already skip expired
    // elements, so collecting once a minute only keeps their memory a little longer.
    for (name, ty) in [("block4", "ipv4_addr"), ("block6", "ipv6_addr")] {
        let _ =
            writeln!(s, "add set inet {table} {name} {{ type {ty}; flags timeout; size 4194304; gc-interval 1m; }}");
    }
    for (name, ty) in [("blocknet4", "ipv4_addr"), ("blocknet6", "ipv6_addr")] {
        let _ = writeln!(s, "add set inet {table} {name} {{ type {ty}; flags interval,timeout; }}");
    }
    for (name, ty) in [("allow4", "ipv4_addr"), ("allow6", "ipv6_addr")] {
        let _ = writeln!(s, "add set inet {table} {name} {{ type {ty}; flags interval; auto-merge; }}");
    }
    let chain = |s: &mut String, name: &str, hook: &str, rules: &[(&str, &str)]| {
        let _ =
            writeln!(s, "add chain inet {table} {name} {{ type filter hook {hook} priority -300; policy accept; }}");
        let _ = writeln!(s, "flush chain inet {table} {name}");
        for (rule, why) in rules {
            let _ = writeln!(s, "add rule inet {table} {name} {rule} drop comment \"{why}\"");
        }
    };
    chain(
        &mut s,
        "block_pre",
        "prerouting",
        &[
            ("ip saddr @block4", "blocked source (block4)"),
            ("ip saddr @blocknet4", "blocked source (blocknet4)"),
            ("ip6 saddr @block6", "blocked source (block6)"),
            ("ip6 saddr @blocknet6", "blocked source (blocknet6)"),
            ("ip daddr @block4", "forwarded to a blocked address (block4)"),
            ("ip daddr @blocknet4", "forwarded to a blocked address (blocknet4)"),
            ("ip6 daddr @block6", "forwarded to a blocked address (block6)"),
            ("ip6 daddr @blocknet6", "forwarded to a blocked address (blocknet6)"),
            ("ip6 saddr ::ffff:0.0.0.0/96", "IPv4-mapped IPv6 source on the wire"),
        ],
    );
    chain(
        &mut s,
        "block_out",
        "output",
        &[
            ("ip daddr @block4", "to a blocked address (block4)"),
            ("ip daddr @blocknet4", "to a blocked address (blocknet4)"),
            ("ip6 daddr @block6", "to a blocked address (block6)"),
            ("ip6 daddr @blocknet6", "to a blocked address (blocknet6)"),
            ("ip6 daddr ::ffff:0.0.0.0/96", "IPv4-mapped IPv6 destination on the wire"),
        ],
    );
    s
}

/// The nft command adding one block: `net` for `timeout` seconds (none: until
/// removed), with a comment.
pub fn add_block(table: &str, net: &Network, timeout: Option<u64>, why: &str) -> String {
    let timeout = timeout.map(|t| format!(" timeout {t}s")).unwrap_or_default();
    format!("add element inet {table} {} {{ {net}{timeout} comment \"{}\" }}\n", block_set(net), comment(why))
}
