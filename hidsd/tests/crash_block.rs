//! Closing the loop: a crashed network service gets the addresses it was talking to
//! blocked (real nft in a network namespace).
//! - rampart_brute's crash event, in the kernel's format with its `peers` field, read
//!   from the modules' event source: the peers are blocked (IPv4, IPv6, IPv4-mapped as
//!   IPv4), not loopback, not the allowlist, not rampart-fw's trusted zones; the alert
//!   names the service and the addresses; with `block_crash_peers = false`, nothing.
//! - The kernel's own `segfault at` line (no module): a real TCP service crashing on a
//!   crafted request in a namespace, the daemon reading /dev/kmsg in that namespace and
//!   finding the sender through sock_diag.
//!
//! Needs root, ip, nft; the segfault case also python3 and a kernel that writes
//! segfault lines (debug.exception-trace = 1), else it says why it is skipped.

mod common;
use common::*;
use std::io::{Read, Write};
use std::process::Command;
use std::time::Duration;

fn crash_event(seq: u64, peers: &str) -> String {
    format!(
        "{{\"seq\":{seq},\"time_ns\":5000000000,\"module\":\"brute\",\"decision\":\"notice\",\"uid\":33,\"euid\":33,\"gid\":33,\"egid\":33,\
         \"pid\":4242,\"comm\":\"nginx\",\"exe\":\"/usr/sbin/nginx\",\"object\":\"SIGSEGV\",\"reason\":\"crash\",\"peers\":{peers}}}\n"
    )
}

const PEERS: &str = r#"["203.0.113.7:40112","[2001:db8::5]:51000","127.0.0.1:5000","[::ffff:198.51.100.9]:443","10.9.1.1:2222","10.0.1.7:1","[::1]:80"]"#;

fn setup(ns: &Netns) {
    // rampart-fw's trusted zone (what `trusted_zones = ["admin"]` loads).
    let out = Command::new("ip")
        .args(["netns", "exec", &ns.0, "nft", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(
                b"add table inet rampart\nadd set inet rampart trusted4 { type ipv4_addr; flags interval; }\n\
                  add element inet rampart trusted4 { 10.0.1.0/24 }\n",
            )?;
            c.wait()
        })
        .unwrap();
    assert!(out.success());
}

#[test]
fn crash_event_peers_are_blocked() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    for enabled in [true, false] {
        let ns = Netns::create(&format!("crashpeers{enabled}"));
        setup(&ns);
        let dir = scratch(&format!("crashpeers{enabled}"));
        std::fs::write(dir.join("events"), crash_event(1, PEERS) + &crash_event(2, "[]")).unwrap();
        let config = write_config(
            &dir,
            "log_files = []\nkmsg = false\nrampart_events = \"{d}/events\"",
            &format!("[response]\nallowlist = [\"10.9.0.0/16\"]\nnetns = \"{}\"\nblock_crash_peers = {enabled}", ns.0),
        );
        hidsd(&config, &["run", "--once", "--quiet"]);
        let set4 = ns.nft(&["list", "set", "inet", "rampart", "block4"]);
        let set6 = ns.nft(&["list", "set", "inet", "rampart", "block6"]);
        if !enabled {
            assert!(!set4.contains("203.0.113.7") && !set6.contains("2001:db8::5"), "blocked while off: {set4}{set6}");
            continue;
        }
        assert!(set4.contains("203.0.113.7") && set4.contains("198.51.100.9"), "{set4}");
        assert!(set6.contains("2001:db8::5"), "{set6}");
        for never in ["127.0.0.1", "10.9.1.1", "10.0.1.7"] {
            assert!(!set4.contains(never), "{never} blocked: {set4}");
        }
        assert!(!set6.contains("::1 "), "{set6}");
        assert!(set4.contains("rampart-hidsd rule 5608"), "the element does not say who blocked it: {set4}");
        let alert = alerts(&dir).into_iter().find(|a| a["rule"]["id"] == "5608").expect("a crash alert");
        assert_eq!(alert["service"]["name"], "nginx", "{alert}");
        let outcomes: Vec<(String, String)> = alert["rampart"]["responses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["address"].as_str().unwrap().to_string(), r["outcome"].as_str().unwrap().to_string()))
            .collect();
        for (addr, outcome) in [
            ("203.0.113.7", "blocked"),
            ("2001:db8::5", "blocked"),
            ("198.51.100.9", "blocked"),
            ("10.0.1.7", "allowlisted"),
            ("10.9.1.1", "allowlisted"),
        ] {
            assert!(outcomes.contains(&(addr.to_string(), outcome.to_string())), "{addr}: {outcomes:?}");
        }
        // The event without peers raises the notice alert only.
        assert!(alerts(&dir).iter().any(|a| a["rule"]["id"] == "5607"));
    }
}

const SERVICE: &str = r#"
import ctypes, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080)); s.listen(8)
print("ready", flush=True)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    if c.recv(64).startswith(b"CRASH"):
        ctypes.string_at(0)
    c.sendall(b"ok\n")
"#;

#[test]
fn segfaulting_service_gets_its_sender_blocked() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    if std::fs::read_to_string("/proc/sys/debug/exception-trace").map(|v| v.trim() != "1").unwrap_or(true) {
        eprintln!("skipped: this kernel does not log segfaults (debug.exception-trace is not 1)");
        return;
    }
    let svc = Netns::create("segv-svc");
    let cli = Netns::create("segv-cli");
    let run = |cmd: &str| assert!(Command::new("sh").args(["-c", cmd]).status().unwrap().success(), "{cmd}");
    run(&format!(
        "ip -n {s} link set lo up && ip link add v0 netns {s} type veth peer name v1 netns {c} && \
                  ip -n {s} addr add 10.7.0.1/24 dev v0 && ip -n {c} addr add 10.7.0.2/24 dev v1 && \
                  ip -n {s} link set v0 up && ip -n {c} link set v1 up",
        s = svc.0,
        c = cli.0
    ));
    let dir = scratch("segv");
    std::fs::write(dir.join("service.py"), SERVICE).unwrap();
    let config = write_config(
        &dir,
        "log_files = []\nkmsg = true\nstart_at = \"end\"\nrampart_events = \"{d}/none\"",
        "[response]\nblock_seconds = 60",
    );
    let mut service = Command::new("ip")
        .args(["netns", "exec", &svc.0, "python3"])
        .arg(dir.join("service.py"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let mut ready = [0u8; 6];
    service.stdout.as_mut().unwrap().read_exact(&mut ready).unwrap();
    // The daemon in the service's namespace: its sock_diag and nft see that namespace.
    let mut daemon = Command::new("ip")
        .args(["netns", "exec", &svc.0, env!("CARGO_BIN_EXE_rampart-hidsd"), "--config"])
        .arg(&config)
        .args(["run", "--quiet"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    // A local client (loopback: never blocked), then the attacker's crafted request.
    let local = Command::new("ip")
        .args(["netns", "exec", &svc.0, "python3", "-c", "import socket,time; s=socket.create_connection(('127.0.0.1',8080)); s.sendall(b'hi'); s.recv(3); time.sleep(5)"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let attack = Command::new("ip")
        .args([
            "netns",
            "exec",
            &cli.0,
            "python3",
            "-c",
            "import socket,time; s=socket.create_connection(('10.7.0.1',8080)); s.sendall(b'CRASH'); time.sleep(5)",
        ])
        .spawn()
        .unwrap();
    let status = service.wait().unwrap();
    assert!(!status.success(), "the service did not crash");
    let mut blocked = String::new();
    // Up to 10 s: the kernel's line, the daemon's read and sock_diag, on a busy machine.
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        blocked = svc.nft(&["list", "set", "inet", "rampart", "block4"]);
        if blocked.contains("10.7.0.2") {
            break;
        }
    }
    for mut c in [local, attack] {
        let _ = c.kill();
        let _ = c.wait();
    }
    let _ = daemon.kill();
    let out = daemon.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(blocked.contains("10.7.0.2"), "the sender was not blocked: {blocked}\n{stderr}");
    assert!(!blocked.contains("127.0.0.1"), "{blocked}");
    eprintln!("{}", stderr.lines().filter(|l| l.contains("crash of")).collect::<Vec<_>>().join("\n"));
    let alert = alerts(&dir).into_iter().find(|a| a["rule"]["id"] == "5101" && a["service"]["name"] == "python3");
    let alert = alert.expect("a segfault alert naming the service");
    assert_eq!(alert["rampart"]["response"]["address"], "10.7.0.2", "{alert}");
    assert_eq!(alert["rampart"]["response"]["outcome"], "blocked", "{alert}");
}
