//! Which rule of a policy decides a packet: what the lockout check and `why` report.
//! It follows the order [`crate::render`] writes the rules in.

use crate::policy::{Default, Peers, Policy, Proto};
use std::net::IpAddr;

/// A decision and the rule (or default) that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Accepted.
    pub accept: bool,
    /// What decided it.
    pub by: String,
}

fn in_peers(policy: &Policy, peers: &Peers, ip: IpAddr) -> bool {
    match peers {
        Peers::All => true,
        Peers::Zones(_) => policy.networks(peers).iter().any(|n| n.contains(ip)),
    }
}

/// A new inbound connection from `src` to local `proto` port `port`.
pub fn inbound(policy: &Policy, src: IpAddr, proto: Proto, port: u16) -> Verdict {
    let src = src.to_canonical();
    if src.is_loopback() {
        return Verdict { accept: true, by: "loopback".into() };
    }
    for s in &policy.services {
        if s.proto == proto && s.ports.contains(port) && in_peers(policy, &s.from, src) {
            let limit = s.limit.map(|r| format!(", at most {}/{} per address", r.count, r.per)).unwrap_or_default();
            return Verdict { accept: true, by: format!("service {} ({}:{}){limit}", s.name, policy.file, s.line) };
        }
    }
    let others: Vec<&str> = policy
        .services
        .iter()
        .filter(|s| s.proto == proto && s.ports.contains(port))
        .map(|s| s.name.as_str())
        .collect();
    let note = if others.is_empty() {
        String::new()
    } else {
        format!(" (service {} is not open to {src})", others.join(", "))
    };
    match policy.inbound {
        Default::Accept => Verdict { accept: true, by: format!("the inbound default (accept){note}") },
        Default::Drop => Verdict { accept: false, by: format!("the inbound default (drop){note}") },
    }
}

/// A new outbound connection to `dst` `proto` port `port`.
pub fn outbound(policy: &Policy, dst: IpAddr, proto: Proto, port: u16) -> Verdict {
    if policy.outbound == Default::Accept {
        return Verdict { accept: true, by: "the outbound default (accept)".into() };
    }
    for e in &policy.egress {
        let proto_ok = e.proto.is_none_or(|p| p == proto);
        let port_ok = e.ports.is_none_or(|p| p.contains(port));
        if proto_ok && port_ok && in_peers(policy, &e.to, dst.to_canonical()) {
            return Verdict { accept: true, by: format!("egress {} ({}:{})", e.name, policy.file, e.line) };
        }
    }
    Verdict { accept: false, by: "the outbound default (drop)".into() }
}
