//! Shared set-up for rampart-fw's tests: network namespaces joined by veth pairs, and
//! real TCP/UDP traffic between them.
//!
//! ```text
//!  admin 10.0.1.2 fd00:1::2 ── h-a 10.0.1.1 fd00:1::1 ┐
//!  inet  10.0.2.2-.9 fd00:2::2-9 ── h-i 10.0.2.1 fd00:2::1 ├ host (forwarding)
//!  ctr   10.0.3.2 fd00:3::2  ── h-c 10.0.3.1 fd00:3::1 ┘
//! ```
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// Whether the tests run as root (network namespaces need it).
pub fn is_root() -> bool {
    // SAFETY: geteuid(2) has no arguments and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Runs a command; its output.
pub fn sh(cmd: &str) -> Output {
    Command::new("sh").args(["-c", cmd]).output().expect("sh")
}

/// Runs a command that must succeed.
pub fn must(cmd: &str) {
    let out = sh(cmd);
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The test network: four namespaces named after the test.
pub struct Topology {
    /// Prefix of the namespace names.
    pub prefix: String,
    /// A scratch directory (state dir, policies).
    pub dir: PathBuf,
}

/// Which namespace.
#[derive(Clone, Copy, Debug)]
pub enum Ns {
    /// The firewalled host.
    Host,
    /// The admin network.
    Admin,
    /// The internet.
    Inet,
    /// A container behind the host (forwarded).
    Ctr,
}

impl Topology {
    /// Creates the namespaces, links and addresses.
    pub fn new(test: &str) -> Self {
        let prefix = format!("rfw-{test}-{}", std::process::id());
        let dir = std::env::temp_dir().join(&prefix);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let t = Topology { prefix, dir };
        for n in ["host", "admin", "inet", "ctr"] {
            must(&format!("ip netns add {}-{n}", t.prefix));
            must(&format!("ip -n {}-{n} link set lo up", t.prefix));
        }
        let h = t.name(Ns::Host);
        for (peer, ifh, net) in [(Ns::Admin, "h-a", 1), (Ns::Inet, "h-i", 2), (Ns::Ctr, "h-c", 3)] {
            let p = t.name(peer);
            must(&format!("ip link add {ifh} netns {h} type veth peer name eth0 netns {p}"));
            must(&format!("ip -n {h} addr add 10.0.{net}.1/24 dev {ifh}"));
            must(&format!("ip -n {h} addr add fd00:{net}::1/64 dev {ifh} nodad"));
            must(&format!("ip -n {h} link set {ifh} up"));
            must(&format!("ip -n {p} addr add 10.0.{net}.2/24 dev eth0"));
            must(&format!("ip -n {p} addr add fd00:{net}::2/64 dev eth0 nodad"));
            if net == 2 {
                for extra in 3..10 {
                    must(&format!("ip -n {p} addr add 10.0.{net}.{extra}/24 dev eth0"));
                    must(&format!("ip -n {p} addr add fd00:{net}::{extra}/64 dev eth0 nodad"));
                }
            }
            must(&format!("ip -n {p} link set eth0 up"));
            must(&format!("ip -n {p} route add default via 10.0.{net}.1"));
            must(&format!("ip -n {p} -6 route add default via fd00:{net}::1"));
        }
        must(&format!("ip netns exec {h} sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"));
        t
    }

    /// The namespace's name.
    pub fn name(&self, ns: Ns) -> String {
        let n = match ns {
            Ns::Host => "host",
            Ns::Admin => "admin",
            Ns::Inet => "inet",
            Ns::Ctr => "ctr",
        };
        format!("{}-{n}", self.prefix)
    }

    /// Runs `rampart-fw ARGS` for the host namespace, with its own state directory.
    pub fn fw(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_rampart-fw"))
            .args(["--netns", &self.name(Ns::Host), "--state-dir"])
            .arg(self.dir.join("state"))
            .args(args)
            .output()
            .unwrap()
    }

    /// `rampart-fw ARGS` that must succeed; its stdout.
    pub fn fw_ok(&self, args: &[&str]) -> String {
        let out = self.fw(args);
        assert!(out.status.success(), "rampart-fw {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Writes a policy file; its path.
    pub fn policy(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    /// Applies policy `text`.
    pub fn apply(&self, text: &str) {
        let p = self.policy("firewall.toml", text);
        self.fw_ok(&["--policy", &p, "apply"]);
    }

    /// Runs `f` in a thread inside namespace `ns`: sockets it makes live there.
    pub fn run_in<R: Send + 'static>(&self, ns: Ns, f: impl FnOnce() -> R + Send + 'static) -> R {
        let path = format!("/run/netns/{}", self.name(ns));
        std::thread::spawn(move || {
            let file = std::fs::File::open(&path).unwrap();
            // SAFETY: setns(2) on a namespace file this thread opened; it changes only
            // this thread's network namespace.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns {path}");
            f()
        })
        .join()
        .unwrap()
    }

    /// A TCP echo server on `addr` in `ns` (serves forever, one thread per connection).
    pub fn tcp_echo(&self, ns: Ns, addr: &str) {
        let addr: SocketAddr = addr.parse().unwrap();
        let listener = self.run_in(ns, move || TcpListener::bind(addr).unwrap());
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 1024];
                    while let Ok(n) = conn.read(&mut buf) {
                        if n == 0 || conn.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
            }
        });
    }

    /// A UDP echo server on `addr` in `ns`.
    pub fn udp_echo(&self, ns: Ns, addr: &str) -> UdpSocket {
        let addr: SocketAddr = addr.parse().unwrap();
        let sock = self.run_in(ns, move || UdpSocket::bind(addr).unwrap());
        let server = sock.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while let Ok((n, from)) = server.recv_from(&mut buf) {
                let _ = server.send_to(&buf[..n], from);
            }
        });
        sock
    }

    /// A TCP connection from `src` (in `ns`) to `dst`; `None` when it cannot be made
    /// within 700 ms.
    pub fn connect(&self, ns: Ns, src: &str, dst: &str) -> Option<TcpStream> {
        let (src, dst): (IpAddr, SocketAddr) = (src.parse().unwrap(), dst.parse().unwrap());
        self.run_in(ns, move || {
            let sock = if src.is_ipv4() { socket2_tcp(libc::AF_INET) } else { socket2_tcp(libc::AF_INET6) };
            bind_fd(sock, SocketAddr::new(src, 0));
            // SAFETY: a socket this thread just made, owned by the stream from here on.
            let stream: TcpStream = unsafe { std::os::fd::FromRawFd::from_raw_fd(sock) };
            connect_timeout(&stream, dst, Duration::from_millis(700)).then_some(stream)
        })
    }

    /// Whether a TCP connection from `src` in `ns` to `dst` works: connects and echoes.
    pub fn tcp_ok(&self, ns: Ns, src: &str, dst: &str) -> bool {
        self.connect(ns, src, dst).is_some_and(|mut s| echoes(&mut s))
    }

    /// Whether a UDP datagram from `src` in `ns` to `dst` gets its echo back.
    pub fn udp_ok(&self, ns: Ns, src: &str, dst: &str) -> bool {
        let (src, dst): (SocketAddr, SocketAddr) = (sa(src), dst.parse().unwrap());
        self.run_in(ns, move || {
            let s = UdpSocket::bind(src).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
            let _ = s.send_to(b"ping", dst);
            let mut buf = [0u8; 16];
            matches!(s.recv_from(&mut buf), Ok((4, _)))
        })
    }
}

/// A one-way UDP check: what it shows, the sender's namespace, source, destination,
/// and the receiving socket.
pub type OneWay<'a> = (&'static str, Ns, &'static str, &'static str, &'a UdpSocket);

impl Topology {
    /// Whether one datagram from `src` in `ns` to `dst` reaches `rx` (nothing comes
    /// back, so only a drop on the way stops it); what `rx` held before is discarded.
    pub fn one_way(&self, ns: Ns, src: &'static str, dst: &'static str, rx: &UdpSocket) -> bool {
        drain(rx);
        self.run_in(ns, move || {
            let s = UdpSocket::bind(src).unwrap();
            let _ = s.send_to(b"one-way", dst);
        });
        receives(rx)
    }
}

/// Whether `sock` receives a datagram within 500 ms.
pub fn receives(sock: &UdpSocket) -> bool {
    sock.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let mut buf = [0u8; 64];
    sock.recv_from(&mut buf).is_ok()
}

/// Discards the datagrams waiting on `sock`.
pub fn drain(sock: &UdpSocket) {
    sock.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 64];
    while sock.recv_from(&mut buf).is_ok() {}
    sock.set_nonblocking(false).unwrap();
}

fn sa(src: &str) -> SocketAddr {
    if src.contains(':') && !src.starts_with('[') {
        format!("[{src}]:0").parse().unwrap()
    } else if src.contains(':') {
        src.parse().unwrap()
    } else if let Ok(ip) = src.parse::<IpAddr>() {
        SocketAddr::new(ip, 0)
    } else {
        src.parse().unwrap()
    }
}

/// Whether `s` echoes a message back within 700 ms.
pub fn echoes(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(700))).unwrap();
    let mut buf = [0u8; 5];
    s.write_all(b"hello").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"hello"
}

fn socket2_tcp(family: i32) -> i32 {
    // SAFETY: socket(2) with constant arguments.
    let fd = unsafe { libc::socket(family, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    assert!(fd >= 0);
    fd
}

fn bind_fd(fd: i32, addr: SocketAddr) {
    let (storage, len) = sockaddr(addr);
    // SAFETY: bind(2) on our socket with a sockaddr of the given length.
    let rc = unsafe { libc::bind(fd, &storage as *const _ as *const libc::sockaddr, len) };
    assert_eq!(rc, 0, "bind {addr}: {}", std::io::Error::last_os_error());
}

fn sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain data; zero is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as u16,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr { s_addr: u32::from(*a.ip()).to_be() },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_in fits in sockaddr_storage.
            unsafe { std::ptr::write(&mut storage as *mut _ as *mut libc::sockaddr_in, sin) };
            (storage, std::mem::size_of::<libc::sockaddr_in>() as u32)
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as u16,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr { s6_addr: a.ip().octets() },
                sin6_scope_id: 0,
            };
            // SAFETY: sockaddr_in6 fits in sockaddr_storage.
            unsafe { std::ptr::write(&mut storage as *mut _ as *mut libc::sockaddr_in6, sin6) };
            (storage, std::mem::size_of::<libc::sockaddr_in6>() as u32)
        }
    }
}

/// connect(2) with a timeout (non-blocking connect, then poll).
fn connect_timeout(s: &TcpStream, dst: SocketAddr, timeout: Duration) -> bool {
    let fd = s.as_raw_fd();
    s.set_nonblocking(true).unwrap();
    let (storage, len) = sockaddr(dst);
    // SAFETY: connect(2) on our socket with a sockaddr of the given length.
    let rc = unsafe { libc::connect(fd, &storage as *const _ as *const libc::sockaddr, len) };
    if rc != 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINPROGRESS) {
        return false;
    }
    let mut pfd = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
    // SAFETY: poll(2) on one pollfd we own.
    let n = unsafe { libc::poll(&mut pfd, 1, timeout.as_millis() as i32) };
    s.set_nonblocking(false).unwrap();
    n == 1 && s.take_error().ok().flatten().is_none() && s.peer_addr().is_ok()
}

impl Drop for Topology {
    fn drop(&mut self) {
        for n in ["host", "admin", "inet", "ctr"] {
            let _ = sh(&format!("ip netns pids {p}-{n} | xargs -r kill; ip netns del {p}-{n}", p = self.prefix));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether `path` exists.
pub fn exists(path: &str) -> bool {
    Path::new(path).exists()
}
