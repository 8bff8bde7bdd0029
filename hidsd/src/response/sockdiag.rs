//! The kernel's socket tables through sock_diag (netlink `inet_diag`): which remote
//! addresses a process was talking to. Used when the kernel reports a crash (its
//! `segfault at` line) without naming the peers: the crashed process's connected
//! sockets while it still exists, else the connections its death left behind
//! (orphaned, closing) on service ports.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const NETLINK_SOCK_DIAG: i32 = 4;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const HDR: usize = 16;
const MSG: usize = 72;

/// TCP states as sock_diag reports them.
pub mod state {
    /// FIN sent, not acknowledged.
    pub const FIN_WAIT1: u8 = 4;
    /// FIN acknowledged, waiting for the peer's.
    pub const FIN_WAIT2: u8 = 5;
    /// Both closed.
    pub const TIME_WAIT: u8 = 6;
    /// Peer closed first, our FIN not acknowledged.
    pub const LAST_ACK: u8 = 9;
    /// Listening.
    pub const LISTEN: u8 = 10;
    /// Simultaneous close.
    pub const CLOSING: u8 = 11;
}

/// One socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sock {
    /// TCP state (UDP: 1 connected, 7 not).
    pub state: u8,
    /// Local address and port.
    pub local: (IpAddr, u16),
    /// Remote address and port.
    pub remote: (IpAddr, u16),
    /// Socket inode (0: orphaned, no process holds it).
    pub inode: u32,
    /// Milliseconds until its timer fires.
    pub expires: u32,
}

fn addr(family: u8, bytes: &[u8]) -> IpAddr {
    if family == libc::AF_INET as u8 {
        IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
    } else {
        let mut b = [0u8; 16];
        b.copy_from_slice(&bytes[..16]);
        IpAddr::V6(Ipv6Addr::from(b)).to_canonical()
    }
}

/// Parses the `inet_diag_msg`s in one netlink reply buffer; `Err(true)` at the end of
/// the dump.
fn parse(buf: &[u8], out: &mut Vec<Sock>) -> Result<(), bool> {
    let mut off = 0;
    while off + HDR <= buf.len() {
        let len = u32::from_ne_bytes([buf[off], buf[off + 1], buf[off + 2], buf[off + 3]]) as usize;
        let kind = u16::from_ne_bytes([buf[off + 4], buf[off + 5]]);
        if len < HDR || off + len > buf.len() {
            return Err(true);
        }
        match kind {
            NLMSG_DONE | NLMSG_ERROR => return Err(true),
            SOCK_DIAG_BY_FAMILY if len >= HDR + MSG => {
                let m = &buf[off + HDR..off + len];
                let family = m[0];
                let port = |i: usize| u16::from_be_bytes([m[i], m[i + 1]]);
                let u32_at = |i: usize| u32::from_ne_bytes([m[i], m[i + 1], m[i + 2], m[i + 3]]);
                out.push(Sock {
                    state: m[1],
                    local: (addr(family, &m[8..24]), port(4)),
                    remote: (addr(family, &m[24..40]), port(6)),
                    expires: u32_at(52),
                    inode: u32_at(68),
                });
            }
            _ => {}
        }
        off += (len + 3) & !3;
    }
    Ok(())
}

/// Every TCP and UDP socket of this network namespace (IPv4 and IPv6); empty when
/// sock_diag is not available.
pub fn dump() -> Vec<Sock> {
    let mut out = Vec::new();
    for family in [libc::AF_INET as u8, libc::AF_INET6 as u8] {
        for proto in [libc::IPPROTO_TCP as u8, libc::IPPROTO_UDP as u8] {
            dump_one(family, proto, &mut out);
        }
    }
    out
}

fn dump_one(family: u8, proto: u8, out: &mut Vec<Sock>) {
    // SAFETY: socket(2) with constant arguments; the descriptor is closed below.
    let fd = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, NETLINK_SOCK_DIAG) };
    if fd < 0 {
        return;
    }
    let mut req = [0u8; HDR + 56];
    let len = req.len() as u32;
    req[0..4].copy_from_slice(&len.to_ne_bytes());
    req[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    req[6..8].copy_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16).to_ne_bytes());
    req[HDR] = family;
    req[HDR + 1] = proto;
    req[HDR + 4..HDR + 8].copy_from_slice(&u32::MAX.to_ne_bytes());
    // SAFETY: send(2) of a buffer we own, with its length.
    let sent = unsafe { libc::send(fd, req.as_ptr().cast(), req.len(), 0) };
    if sent == req.len() as isize {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            // SAFETY: recv(2) into a buffer we own, with its length.
            let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n <= 0 || parse(&buf[..n as usize], out).is_err() {
                break;
            }
        }
    }
    // SAFETY: closing the descriptor opened above.
    unsafe { libc::close(fd) };
}

/// Socket inodes process `pid` holds (`/proc/PID/fd` links `socket:[N]`).
fn socket_inodes(pid: u32) -> BTreeSet<u32> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return BTreeSet::new() };
    dir.flatten()
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .filter_map(|l| l.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok())
        .collect()
}

/// Processes named `comm` (siblings and restarted copies of a crashed service).
fn pids_named(comm: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim_end() == comm))
        .collect()
}

fn sysctl(path: &str) -> Option<Vec<u32>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.split_whitespace().filter_map(|w| w.parse().ok()).collect())
}

/// How recently a closing connection must have closed to count (seconds).
pub const RECENT_SECS: u32 = 10;

/// The remote ends the crashed process `pid` (`comm`) was talking to, from `socks`:
/// its connected sockets while it exists; after its death, the orphaned connections
/// (no inode) on its service ports, closed within [`RECENT_SECS`]. Its service ports
/// are the ones it or a process of the same name listens on, else the local ports
/// below the ephemeral range.
pub fn crash_peers(pid: u32, comm: &str, socks: &[Sock]) -> Vec<(IpAddr, u16)> {
    let own = socket_inodes(pid);
    let connected = |s: &&Sock| s.state != state::LISTEN && s.remote.1 != 0 && !s.remote.0.is_unspecified();
    let mut peers: Vec<(IpAddr, u16)> =
        socks.iter().filter(|s| own.contains(&s.inode)).filter(connected).map(|s| s.remote).collect();
    if !peers.is_empty() {
        eprintln!("rampart-hidsd: crash of {comm}[{pid}]: peers from its own sockets");
    } else {
        let mut listeners = own.clone();
        for other in pids_named(comm) {
            listeners.extend(socket_inodes(other));
        }
        let ports: BTreeSet<u16> = socks
            .iter()
            .filter(|s| s.state == state::LISTEN && listeners.contains(&s.inode))
            .map(|s| s.local.1)
            .collect();
        let ephemeral_lo =
            sysctl("/proc/sys/net/ipv4/ip_local_port_range").and_then(|v| v.first().copied()).unwrap_or(32768);
        let fin_timeout = sysctl("/proc/sys/net/ipv4/tcp_fin_timeout").and_then(|v| v.first().copied()).unwrap_or(60);
        let recent = |s: &Sock| match s.state {
            state::TIME_WAIT => s.expires > 60_000u32.saturating_sub(RECENT_SECS * 1000),
            state::FIN_WAIT2 => s.expires > (fin_timeout * 1000).saturating_sub(RECENT_SECS * 1000),
            state::FIN_WAIT1 | state::LAST_ACK | state::CLOSING => true,
            _ => false,
        };
        let service_port = |p: u16| if ports.is_empty() { u32::from(p) < ephemeral_lo } else { ports.contains(&p) };
        peers = socks
            .iter()
            .filter(|s| s.inode == 0 && service_port(s.local.1) && recent(s))
            .filter(connected)
            .map(|s| s.remote)
            .collect();
        eprintln!(
            "rampart-hidsd: crash of {comm}[{pid}]: {} peers from connections left closing on ports {ports:?}",
            peers.len()
        );
    }
    peers.sort();
    peers.dedup();
    peers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_its_own_connection() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let _client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let socks = dump();
        assert!(socks.iter().any(|s| s.state == state::LISTEN && s.local.1 == port), "{socks:?}");
        let peers = crash_peers(std::process::id(), "none", &socks);
        assert!(peers.iter().any(|p| p.0.is_loopback()), "{peers:?}");
    }

    #[test]
    fn malformed_replies_end_the_dump() {
        let mut out = Vec::new();
        assert!(parse(&[0xff; 40], &mut out).is_err());
        assert!(parse(&[], &mut out).is_ok());
    }
}
