//! A bounded UDP generator for `bench/fw-rate.sh`: for SECS seconds, sends small
//! datagrams to DST as fast as `sendmmsg` goes, from SOURCES sockets bound to
//! consecutive addresses from SRC (local to the sending namespace, e.g. by an AnyIP
//! route: `ip route add local 10.9.0.0/16 dev lo`), so the firewall looks up many
//! different source addresses. Prints the number of datagrams sent.
//!
//! `udp_flood DST:PORT SRC SOURCES SECS`

use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: udp_flood DST:PORT SRC SOURCES SECS";
    let (Some(dst), Some(src), Some(sources), Some(secs)) = (
        args.get(1).and_then(|a| a.parse::<SocketAddrV4>().ok()),
        args.get(2).and_then(|a| a.parse::<Ipv4Addr>().ok()),
        args.get(3).and_then(|a| a.parse::<u32>().ok()),
        args.get(4).and_then(|a| a.parse::<f64>().ok()),
    ) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let mut socks = Vec::new();
    for i in 0..sources.max(1) {
        let addr = Ipv4Addr::from(u32::from(src).wrapping_add(i));
        match UdpSocket::bind((addr, 0)).and_then(|s| s.connect(dst).map(|_| s)) {
            Ok(s) => socks.push(s),
            Err(e) => {
                eprintln!("udp_flood: binding {addr}: {e}");
                std::process::exit(1);
            }
        }
    }
    const BATCH: usize = 64;
    let payload = [0u8; 18];
    let mut iov = libc::iovec { iov_base: payload.as_ptr() as *mut libc::c_void, iov_len: payload.len() };
    // SAFETY: mmsghdr is plain data; zero is valid (no address: the sockets are connected).
    let mut msgs: Vec<libc::mmsghdr> = (0..BATCH).map(|_| unsafe { std::mem::zeroed() }).collect();
    for m in &mut msgs {
        m.msg_hdr.msg_iov = &mut iov;
        m.msg_hdr.msg_iovlen = 1;
    }
    let end = Instant::now() + Duration::from_secs_f64(secs);
    let mut sent: u64 = 0;
    let mut i = 0;
    while Instant::now() < end {
        for _ in 0..16 {
            let fd = socks[i % socks.len()].as_raw_fd();
            i += 1;
            // SAFETY: sendmmsg(2) of BATCH headers that point at `payload`, alive here.
            let n = unsafe { libc::sendmmsg(fd, msgs.as_mut_ptr(), BATCH as u32, 0) };
            if n > 0 {
                sent += n as u64;
            }
        }
    }
    println!("{sent}");
}
