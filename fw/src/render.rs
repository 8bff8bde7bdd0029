//! A policy as the nft script of rampart-fw's own chains and sets (the block sets and
//! chains are [`crate::blockset`]'s). Every rule has a comment naming what in the policy
//! it comes from (`service ssh tcp/22 from admin (firewall.toml:31)`): `plan` shows
//! changes by it and `why` reports it.

use crate::blockset::comment;
use crate::net::Network;
use crate::policy::{Default, Peers, Policy, Service};
use std::fmt::Write;

/// Chains rampart-fw's policy defines.
pub const POLICY_CHAINS: [&str; 2] = ["input", "output"];

const ND: &str = "nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert, nd-redirect, \
                  mld-listener-query, mld-listener-report, mld2-listener-report";
const ICMP_ERRORS: &str = "destination-unreachable, time-exceeded, parameter-problem";
const ICMP6_ERRORS: &str = "destination-unreachable, packet-too-big, time-exceeded, parameter-problem";

struct Script<'a> {
    table: &'a str,
    text: String,
    file: String,
}

impl Script<'_> {
    fn rule(&mut self, chain: &str, rule: &str, why: &str) {
        let _ = writeln!(self.text, "add rule inet {} {chain} {rule} comment \"{}\"", self.table, comment(why));
    }

    fn set(&mut self, name: &str, v4: bool, nets: &[Network]) {
        let ty = if v4 { "ipv4_addr" } else { "ipv6_addr" };
        let elems: Vec<String> = nets.iter().filter(|n| n.is_v4() == v4).map(|n| n.to_string()).collect();
        let elements =
            if elems.is_empty() { String::new() } else { format!(" elements = {{ {} }};", elems.join(", ")) };
        let _ = writeln!(
            self.text,
            "add set inet {} {name} {{ type {ty}; flags interval; auto-merge;{elements} }}",
            self.table
        );
    }

    fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.file)
    }
}

fn verdict(d: Default) -> &'static str {
    match d {
        Default::Accept => "accept",
        Default::Drop => "drop",
    }
}

/// Source (or destination) matches of `peers`, one per address family and zone: the
/// rule is repeated for each. `All` is one empty match.
fn peer_matches(peers: &Peers, dir: &str) -> Vec<String> {
    match peers {
        Peers::All => vec![String::new()],
        Peers::Zones(zones) => {
            zones.iter().flat_map(|z| [format!("ip {dir} @zone_{z}4 "), format!("ip6 {dir} @zone_{z}6 ")]).collect()
        }
    }
}

fn describe(s: &Service) -> String {
    let from = match &s.from {
        Peers::All => "all".to_string(),
        Peers::Zones(z) => z.join(","),
    };
    format!("service {} {}/{} from {from}", s.name, s.proto.name(), s.ports.nft())
}

fn service_rules(out: &mut Script, s: &Service) {
    let proto = s.proto.name();
    let port = s.ports.nft();
    let what = describe(s);
    let at = out.at(s.line);
    for peer in peer_matches(&s.from, "saddr") {
        let base = format!("{peer}{proto} dport {port}");
        if let Some(rate) = s.limit {
            for (fam, v) in [("ip", "4"), ("ip6", "6")] {
                if !peer.is_empty() && !peer.starts_with(&format!("{fam} ")) {
                    continue;
                }
                let set = format!("svc_{}_rate{v}", s.name);
                out.rule(
                    "input",
                    &format!(
                        "meta nfproto ipv{v} {base} ct state new update @{set} {{ {fam} saddr limit rate over {}/{} burst {} packets }} drop",
                        rate.count, rate.per, rate.burst
                    ),
                    &format!("{what}: over {}/{} ({at})", rate.count, rate.per),
                );
            }
        }
        if let Some(max) = s.max_connections {
            for (fam, v) in [("ip", "4"), ("ip6", "6")] {
                if !peer.is_empty() && !peer.starts_with(&format!("{fam} ")) {
                    continue;
                }
                let set = format!("svc_{}_conn{v}", s.name);
                out.rule(
                    "input",
                    &format!("meta nfproto ipv{v} {base} ct state new add @{set} {{ {fam} saddr ct count over {max} }} reject with tcp reset"),
                    &format!("{what}: over {max} connections ({at})"),
                );
            }
        }
        out.rule("input", &format!("{base} accept"), &format!("{what} ({at})"));
    }
}

/// The script defining rampart-fw's chains and sets for `policy` in `table`. It
/// assumes they do not exist (see [`crate::apply`], which removes the old ones in the
/// same transaction).
pub fn policy_script(policy: &Policy, table: &str) -> String {
    let file = std::path::Path::new(&policy.file)
        .file_name()
        .map_or_else(|| policy.file.clone(), |n| n.to_string_lossy().into_owned());
    let mut s = Script { table, text: String::new(), file };
    for (name, nets) in &policy.zones {
        s.set(&format!("zone_{name}4"), true, nets);
        s.set(&format!("zone_{name}6"), false, nets);
    }
    let trusted: Vec<Network> = policy.networks(&Peers::Zones(policy.trusted_zones.clone()));
    s.set("trusted4", true, &trusted);
    s.set("trusted6", false, &trusted);
    for svc in &policy.services {
        for v in ["4", "6"] {
            if svc.limit.is_some() {
                let ty = if v == "4" { "ipv4_addr" } else { "ipv6_addr" };
                let _ = writeln!(s.text, "add set inet {table} svc_{}_rate{v} {{ type {ty}; flags dynamic,timeout; timeout 1h; size 65536; }}", svc.name);
            }
            if svc.max_connections.is_some() {
                let ty = if v == "4" { "ipv4_addr" } else { "ipv6_addr" };
                let _ = writeln!(
                    s.text,
                    "add set inet {table} svc_{}_conn{v} {{ type {ty}; flags dynamic; size 65536; }}",
                    svc.name
                );
            }
        }
    }
    let _ = writeln!(
        s.text,
        "add chain inet {table} input {{ type filter hook input priority 0; policy {}; }}",
        verdict(policy.inbound)
    );
    let _ = writeln!(
        s.text,
        "add chain inet {table} output {{ type filter hook output priority 0; policy {}; }}",
        verdict(policy.outbound)
    );

    // Inbound.
    s.rule("input", "iif \"lo\" accept", "loopback");
    s.rule("input", &format!("icmpv6 type {{ {ND} }} accept"), "IPv6 neighbour discovery and MLD");
    s.rule("input", "ct state invalid drop", "invalid packets");
    s.rule("input", "ct state established,related accept", "established and related");
    s.rule("input", "ip saddr @allow4 accept", "quick allow (rampart-fw allow)");
    s.rule("input", "ip6 saddr @allow6 accept", "quick allow (rampart-fw allow)");
    s.rule("input", &format!("icmp type {{ {ICMP_ERRORS} }} accept"), "ICMP errors");
    s.rule("input", &format!("icmpv6 type {{ {ICMP6_ERRORS} }} accept"), "ICMPv6 errors and packet-too-big");
    if policy.ping {
        s.rule("input", "icmp type echo-request limit rate 10/second burst 20 packets accept", "ping (rate limited)");
        s.rule("input", "icmpv6 type echo-request limit rate 10/second burst 20 packets accept", "ping (rate limited)");
    }
    for svc in &policy.services {
        service_rules(&mut s, svc);
    }
    if policy.inbound == Default::Drop && policy.log.drops {
        let r = policy.log.rate;
        s.rule(
            "input",
            &format!(
                "limit rate {}/{} burst {} packets log prefix \"{}\" level info",
                r.count, r.per, r.burst, policy.log.prefix
            ),
            "log inbound drops (rate limited)",
        );
    }

    // Outbound.
    s.rule("output", "oif \"lo\" accept", "loopback");
    for svc in policy.services.iter().filter(|svc| svc.ingress_only) {
        let at = s.at(svc.line);
        s.rule(
            "output",
            &format!("udp sport {} ct direction original drop", svc.ports.nft()),
            &format!("service {} is ingress-only: no flow starts from its port ({at})", svc.name),
        );
    }
    s.rule("output", "ct state established,related accept", "established and related");
    if policy.outbound == Default::Drop {
        s.rule("output", &format!("icmpv6 type {{ {ND} }} accept"), "IPv6 neighbour discovery and MLD");
        s.rule("output", &format!("icmp type {{ {ICMP_ERRORS} }} accept"), "ICMP errors");
        s.rule("output", &format!("icmpv6 type {{ {ICMP6_ERRORS} }} accept"), "ICMPv6 errors and packet-too-big");
        for e in &policy.egress {
            let at = s.at(e.line);
            let l4 = match (e.proto, e.ports) {
                (Some(p), Some(ports)) => format!("{} dport {} ", p.name(), ports.nft()),
                (Some(p), None) => format!("meta l4proto {} ", p.name()),
                (None, _) => String::new(),
            };
            let to = match &e.to {
                Peers::All => "all".to_string(),
                Peers::Zones(z) => z.join(","),
            };
            for peer in peer_matches(&e.to, "daddr") {
                let rule = format!("{peer}{l4}accept");
                let rule = if rule == "accept" { "meta nfproto { ipv4, ipv6 } accept".to_string() } else { rule };
                s.rule("output", &rule, &format!("egress {} to {to} ({at})", e.name));
            }
        }
        if policy.log.drops {
            let r = policy.log.rate;
            s.rule(
                "output",
                &format!(
                    "limit rate {}/{} burst {} packets log prefix \"rampart-fw egress drop: \" level info",
                    r.count, r.per, r.burst
                ),
                "log outbound drops (rate limited)",
            );
        }
    }
    s.text
}
