//! The SSH sessions a policy is applied from, and whether a policy would cut them:
//! `SSH_CONNECTION` (the session the command runs in), established connections to the
//! SSH ports in conntrack, and the kernel's TCP socket table (`/proc/net/tcp{,6}`,
//! which knows sessions even before anything made conntrack track them).

use crate::eval;
use crate::nft::Nft;
use crate::policy::{Policy, Proto};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An SSH session into this host.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Session {
    /// The client's address (canonical).
    pub client: IpAddr,
    /// The local port it is connected to.
    pub port: u16,
    /// How it was found (`SSH_CONNECTION`, `conntrack`, `socket table`).
    pub via: &'static str,
}

/// `SSH_CONNECTION`'s session: "CLIENT CPORT SERVER SPORT".
pub fn from_env(value: &str) -> Option<Session> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [client, _, _, port] = parts.as_slice() else { return None };
    Some(Session { client: crate::net::parse_addr(client)?, port: port.parse().ok()?, via: "SSH_CONNECTION" })
}

/// Sessions in `conntrack -L` output: established TCP to one of `ports`.
pub fn from_conntrack(text: &str, ports: &[u16]) -> Vec<Session> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.contains("ESTABLISHED")) {
        let field = |key: &str| line.split_whitespace().find_map(|w| w.strip_prefix(key));
        let (Some(src), Some(dport)) = (field("src="), field("dport=")) else { continue };
        let (Some(client), Ok(port)) = (crate::net::parse_addr(src), dport.parse::<u16>()) else { continue };
        if ports.contains(&port) {
            out.push(Session { client, port, via: "conntrack" });
        }
    }
    out
}

fn hex_addr(hex: &str) -> Option<IpAddr> {
    match hex.len() {
        8 => Some(IpAddr::V4(Ipv4Addr::from(u32::from_str_radix(hex, 16).ok()?.swap_bytes()))),
        32 => {
            let mut bytes = [0u8; 16];
            for (i, chunk) in bytes.chunks_mut(4).enumerate() {
                let word = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?.swap_bytes();
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            Some(IpAddr::V6(Ipv6Addr::from(bytes)).to_canonical())
        }
        _ => None,
    }
}

/// Sessions in `/proc/net/tcp` or `tcp6` text: established (state 01) with a local
/// port in `ports`.
pub fn from_proc(text: &str, ports: &[u16]) -> Vec<Session> {
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let (Some(local), Some(remote), Some(&"01")) = (cols.get(1), cols.get(2), cols.get(3)) else { continue };
        let (Some((_, lport)), Some((raddr, _))) = (local.split_once(':'), remote.split_once(':')) else { continue };
        let (Ok(port), Some(client)) = (u16::from_str_radix(lport, 16), hex_addr(raddr)) else { continue };
        if ports.contains(&port) && !client.is_loopback() {
            out.push(Session { client, port, via: "socket table" });
        }
    }
    out
}

/// Every SSH session found for the namespace `nft` runs in (`SSH_CONNECTION` only when
/// `use_env`: it describes the caller's own namespace).
pub fn sessions(nft: &Nft, policy: &Policy, use_env: bool) -> Vec<Session> {
    let mut ports: BTreeSet<u16> = policy.ssh_ports.iter().copied().collect();
    let mut found = Vec::new();
    if use_env {
        if let Some(s) = std::env::var("SSH_CONNECTION").ok().as_deref().and_then(from_env) {
            ports.insert(s.port);
            found.push(s);
        }
    }
    let ports: Vec<u16> = ports.into_iter().collect();
    if let Ok(out) = nft.other("conntrack").args(["-L", "-p", "tcp"]).stderr(std::process::Stdio::null()).output() {
        found.extend(from_conntrack(&String::from_utf8_lossy(&out.stdout), &ports));
    }
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(out) = nft.other("cat").arg(file).output() {
            found.extend(from_proc(&String::from_utf8_lossy(&out.stdout), &ports));
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.client == b.client && a.port == b.port);
    found
}

/// Why `policy` would cut `session` (it could not connect again), or `None`.
/// `blocked` says whether (and why) the client's address is in a block set.
pub fn cut(policy: &Policy, session: &Session, blocked: Option<String>) -> Option<String> {
    if let Some(why) = blocked {
        return Some(format!("{} is blocked ({why})", session.client));
    }
    let v = eval::inbound(policy, session.client, Proto::Tcp, session.port);
    (!v.accept).then(|| {
        format!("a new connection from {} to port {} would be dropped by {}", session.client, session.port, v.by)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sessions() {
        assert_eq!(
            from_env("10.0.1.2 51000 10.0.0.1 22"),
            Some(Session { client: "10.0.1.2".parse().unwrap(), port: 22, via: "SSH_CONNECTION" })
        );
        assert_eq!(
            from_env("::ffff:10.0.1.2 1 ::ffff:10.0.0.1 2222").map(|s| s.client.to_string()),
            Some("10.0.1.2".into())
        );
        assert_eq!(from_env("garbage"), None);
        let ct = "tcp      6 431999 ESTABLISHED src=10.0.1.2 dst=10.0.0.1 sport=40000 dport=22 src=10.0.0.1 dst=10.0.1.2 sport=22 dport=40000 [ASSURED] mark=0 use=1\n\
                  tcp      6 431999 ESTABLISHED src=10.0.1.3 dst=10.0.0.1 sport=40000 dport=443 src=10.0.0.1 dst=10.0.1.3 sport=443 dport=40000 [ASSURED] mark=0 use=1\n";
        assert_eq!(from_conntrack(ct, &[22]).len(), 1);
        let tcp = "  sl  local_address rem_address   st\n   0: 0100000A:0016 0201000A:9C40 01 00000000:00000000\n   1: 0100000A:0016 0301000A:9C40 0A 0\n";
        let s = from_proc(tcp, &[22]);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].client.to_string(), "10.0.1.2");
        let tcp6 = "x\n 0: 00000000000000000000000001000000:0016 0000000000000000FFFF00000201000A:9C40 01 0\n";
        assert_eq!(from_proc(tcp6, &[22])[0].client.to_string(), "10.0.1.2");
    }
}
