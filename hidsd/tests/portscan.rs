//! The port-scan rules on rampart-fw's drop log (5105: a dropped inbound packet, 5106:
//! 10 from one address in 60 s, which blocks it), end to end: rampart-fw's policy in
//! a network namespace, a real TCP scan from another one, the kernel's log lines read
//! from /dev/kmsg by the daemon running in the firewall's namespace, the scanner
//! blocked and then unable to reach the open port.
//!
//! The kernel logs from a network namespace other than the first only with the
//! host-wide `net.netfilter.nf_log_all_netns = 1`: the test sets it and puts the old
//! value back when it ends, passed or not. Needs root, ip and nft; skipped only when
//! not root.

mod common;
use common::*;
use rampart_fw::apply::Firewall;
use rampart_fw::nft::Nft;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::time::Duration;

const LOG_ALL_NETNS: &str = "/proc/sys/net/netfilter/nf_log_all_netns";

/// A sysctl set for the test's length: the old value comes back on drop.
struct Sysctl {
    path: &'static str,
    old: String,
}

impl Sysctl {
    fn set(path: &'static str, value: &str) -> Self {
        let old = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        std::fs::write(path, value).unwrap_or_else(|e| panic!("{path}: {e}"));
        Sysctl { path, old: old.trim().to_string() }
    }
}

impl Drop for Sysctl {
    fn drop(&mut self) {
        let _ = std::fs::write(self.path, &self.old);
    }
}

/// Runs `f` in a thread inside network namespace `ns`.
fn run_in<R: Send + 'static>(ns: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let path = format!("/run/netns/{ns}");
    std::thread::spawn(move || {
        let file = std::fs::File::open(&path).unwrap();
        // SAFETY: setns(2) on a namespace file this thread opened; only this thread moves.
        assert_eq!(unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) }, 0, "setns {path}");
        f()
    })
    .join()
    .unwrap()
}

/// Whether a TCP connection from the scanner's namespace to `dst` is made in 700 ms.
fn reaches(ns: &str, dst: &'static str) -> bool {
    run_in(ns, move || {
        TcpStream::connect_timeout(&dst.parse::<SocketAddr>().unwrap(), Duration::from_millis(700)).is_ok()
    })
}

const POLICY: &str = "inbound = \"drop\"\n[[service]]\nname = \"https\"\nport = 443\nfrom = [\"all\"]\n";

#[test]
fn port_scan_is_alerted_and_blocked() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let fw = Netns::create("scan-fw");
    let scanner = Netns::create("scan-src");
    let run = |cmd: &str| assert!(Command::new("sh").args(["-c", cmd]).status().unwrap().success(), "{cmd}");
    run(&format!(
        "ip -n {f} link set lo up && ip link add v0 netns {f} type veth peer name v1 netns {s} && \
         ip -n {f} addr add 10.6.0.1/24 dev v0 && ip -n {s} addr add 10.6.0.2/24 dev v1 && \
         ip -n {f} link set v0 up && ip -n {s} link set v1 up",
        f = fw.0,
        s = scanner.0
    ));
    let log_all = Sysctl::set(LOG_ALL_NETNS, "1");
    let old = log_all.old.clone();
    let dir = scratch("portscan");
    let firewall = Firewall { nft: Nft::new(Some(fw.0.clone())), table: "rampart".into(), state_dir: dir.join("fw") };
    let policy = rampart_fw::policy::parse::parse(POLICY, "firewall.toml").unwrap();
    firewall.apply(&rampart_fw::render::policy_script(&policy, "rampart"), POLICY).unwrap();
    let listener = run_in(&fw.0, || TcpListener::bind("0.0.0.0:443").unwrap());
    std::thread::spawn(move || for _ in listener.incoming() {});
    assert!(reaches(&scanner.0, "10.6.0.1:443"), "the open port before the scan");

    let config = write_config(
        &dir,
        "log_files = []\nkmsg = true\nstart_at = \"end\"\nrampart_events = \"{d}/none\"",
        "[response]\nblock_seconds = 60",
    );
    let mut daemon = Command::new("ip")
        .args(["netns", "exec", &fw.0, env!("CARGO_BIN_EXE_rampart-hidsd"), "--config"])
        .arg(&config)
        .args(["run", "--quiet"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));

    // The scan: a SYN to each of 30 closed ports (non-blocking connects), all dropped
    // and logged (the policy logs 30 a minute, after a burst of 20).
    run_in(&scanner.0, || {
        let socks: Vec<_> = (8000..8030u16)
            .map(|port| {
                // SAFETY: socket(2) and a non-blocking connect(2) on it; closed below.
                unsafe {
                    let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0);
                    let sin = libc::sockaddr_in {
                        sin_family: libc::AF_INET as u16,
                        sin_port: port.to_be(),
                        sin_addr: libc::in_addr { s_addr: u32::from(std::net::Ipv4Addr::new(10, 6, 0, 1)).to_be() },
                        sin_zero: [0; 8],
                    };
                    libc::connect(fd, &sin as *const _ as *const libc::sockaddr, std::mem::size_of_val(&sin) as u32);
                    fd
                }
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        for fd in socks {
            // SAFETY: closing the sockets made above.
            unsafe { libc::close(fd) };
        }
    });
    let mut blocked = String::new();
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(200));
        blocked = fw.nft(&["list", "set", "inet", "rampart", "block4"]);
        if blocked.contains("10.6.0.2") {
            break;
        }
    }
    let open_after = reaches(&scanner.0, "10.6.0.1:443");
    drop(log_all);
    assert_eq!(std::fs::read_to_string(LOG_ALL_NETNS).unwrap().trim(), old, "the sysctl was not put back");
    let _ = daemon.kill();
    let out = daemon.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let alerts = alerts(&dir);
    let drops = alerts.iter().filter(|a| a["rule"]["id"] == "5105").count();
    assert!(drops >= 10, "{drops} drop alerts (5105) for 30 dropped SYNs\n{stderr}");
    let scan = alerts.iter().find(|a| a["rule"]["id"] == "5106").expect("a port-scan alert (5106)");
    assert_eq!(scan["rampart"]["response"]["address"], "10.6.0.2", "{scan}");
    assert_eq!(scan["rampart"]["response"]["outcome"], "blocked", "{scan}");
    assert!(blocked.contains("10.6.0.2") && blocked.contains("rampart-hidsd rule 5106"), "{blocked}\n{stderr}");
    assert!(!open_after, "the blocked scanner still reaches the open port");
}
