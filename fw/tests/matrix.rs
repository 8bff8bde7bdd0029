//! The connectivity matrix, with real nftables and real traffic between network
//! namespaces (see `common`): TCP and UDP, IPv4 and IPv6, both directions, checked
//! against the policy: SSH from the admin zone only, HTTPS from all, an ingress-only
//! UDP service, the egress allowlist, the per-source rate and connection limits, a
//! container's published port behind forward (DNAT in a Docker-style table of its own,
//! which rampart-fw leaves alone), and a blocked address cut on every channel: an
//! established connection, new ones, the published port, the host's outbound UDP and
//! the container's traffic to it. Each rule of the block chains is the only thing
//! that stops one of its one-way UDP checks (addresses and networks, IPv4 and IPv6,
//! input, output and forward): `tests/mutants.sh` removes the rules one at a time
//! and this test must fail each time. Needs root, ip and nft; skipped only when not
//! root.

mod common;
use common::*;
use std::io::Read;
use std::net::UdpSocket;
use std::time::Duration;

const POLICY: &str = r#"
inbound = "drop"
outbound = "drop"
[zones]
admin = ["10.0.1.0/24", "fd00:1::/64"]
mirror = ["10.0.2.9", "fd00:2::9"]

[[service]]
name = "ssh"
port = 22
from = ["admin"]
limit = "3/minute"
burst = 3

[[service]]
name = "https"
port = 443
from = ["all"]
max_connections = 3

[[service]]
name = "syslog"
protocol = "udp"
port = 514
from = ["all"]
ingress_only = true

[[service]]
name = "dns"
protocol = "udp"
port = 53
from = ["admin"]

[[service]]
name = "logs"
protocol = "udp"
port = 5514
from = ["all"]

[[egress]]
name = "dns"
protocol = "udp"
port = 53
to = ["all"]

[[egress]]
name = "rsync"
protocol = "tcp"
port = 873
to = ["mirror"]
"#;

/// A Docker-style table of its own: the published port 8080 is DNATed to the
/// container's port 80, forward is default-drop but for it and the container's own.
const DOCKERLIKE: &str = "table ip dockerlike {
  chain prerouting { type nat hook prerouting priority dstnat; policy accept; tcp dport 8080 dnat to 10.0.3.2:80; }
  chain forward { type filter hook forward priority filter; policy drop;
    ct state established,related accept; ip daddr 10.0.3.2 tcp dport 80 accept; iifname \"h-c\" accept; }
}";

#[test]
fn connectivity_matrix() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let t = Topology::new("matrix");
    let host = t.name(Ns::Host);
    let dockerlike = t.policy("dockerlike.nft", DOCKERLIKE);
    must(&format!("ip netns exec {host} nft -f {dockerlike}"));
    let docker_before = sh(&format!("ip netns exec {host} nft -j list table ip dockerlike")).stdout;
    for port in [22, 443, 8000] {
        t.tcp_echo(Ns::Host, &format!("[::]:{port}"));
    }
    let syslog = t.udp_echo(Ns::Host, "[::]:514");
    t.udp_echo(Ns::Host, "[::]:53");
    for port in [873, 80] {
        t.tcp_echo(Ns::Inet, &format!("[::]:{port}"));
    }
    for addr in ["10.0.2.2:53", "[fd00:2::2]:53"] {
        t.udp_echo(Ns::Inet, addr);
    }
    // Receivers at the address to be blocked: one-way traffic to it (nothing comes
    // back, so only a drop on the way there stops it).
    let dns3 = t.run_in(Ns::Inet, || UdpSocket::bind("10.0.2.3:53").unwrap());
    let dns3v6 = t.run_in(Ns::Inet, || UdpSocket::bind("[fd00:2::3]:53").unwrap());
    let net7 = t.run_in(Ns::Inet, || UdpSocket::bind("10.0.2.7:53").unwrap());
    let net7v6 = t.run_in(Ns::Inet, || UdpSocket::bind("[fd00:2::7]:53").unwrap());
    t.tcp_echo(Ns::Ctr, "[::]:80");
    // Before any policy: everything passes (the checks below can see a difference).
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.2", "10.0.1.1:22") && t.tcp_ok(Ns::Inet, "10.0.2.2", "10.0.1.1:8000"));

    t.apply(POLICY);
    let docker_after = sh(&format!("ip netns exec {host} nft -j list table ip dockerlike")).stdout;
    assert_eq!(docker_before, docker_after, "rampart-fw changed another table");

    // Rate limit (3 new connections a minute, burst 3) from one admin address.
    let ssh: Vec<bool> = (0..6).map(|_| t.tcp_ok(Ns::Admin, "10.0.1.2", "10.0.1.1:22")).collect();
    assert_eq!(ssh, [true, true, true, false, false, false], "ssh rate limit");
    // SSH from the admin zone only.
    assert!(t.tcp_ok(Ns::Admin, "fd00:1::2", "[fd00:1::1]:22"), "ssh from admin over IPv6");
    assert!(!t.tcp_ok(Ns::Inet, "10.0.2.2", "10.0.1.1:22"), "ssh from the internet");
    assert!(!t.tcp_ok(Ns::Inet, "fd00:2::2", "[fd00:1::1]:22"), "ssh from the internet over IPv6");
    // HTTPS from all.
    for (ns, src, dst) in [
        (Ns::Admin, "10.0.1.2", "10.0.1.1:443"),
        (Ns::Inet, "10.0.2.2", "10.0.2.1:443"),
        (Ns::Inet, "fd00:2::2", "[fd00:2::1]:443"),
        (Ns::Ctr, "10.0.3.2", "10.0.3.1:443"),
    ] {
        assert!(t.tcp_ok(ns, src, dst), "https from {src}");
    }
    // Unlisted port: dropped from everywhere.
    assert!(!t.tcp_ok(Ns::Admin, "10.0.1.2", "10.0.1.1:8000") && !t.tcp_ok(Ns::Inet, "fd00:2::2", "[fd00:2::1]:8000"));
    // Connection limit: 3 at once from one address; a fourth is refused, another
    // address still gets in.
    let held: Vec<_> =
        (0..3).map(|_| t.connect(Ns::Inet, "10.0.2.5", "10.0.2.1:443").expect("within the limit")).collect();
    assert!(!t.tcp_ok(Ns::Inet, "10.0.2.5", "10.0.2.1:443"), "a fourth connection at once");
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.6", "10.0.2.1:443"));
    drop(held);

    // UDP: syslog from all (ingress, replies pass), dns from admin only.
    assert!(t.udp_ok(Ns::Inet, "10.0.2.2", "10.0.2.1:514") && t.udp_ok(Ns::Inet, "fd00:2::2", "[fd00:2::1]:514"));
    assert!(t.udp_ok(Ns::Admin, "10.0.1.2", "10.0.1.1:53") && t.udp_ok(Ns::Admin, "fd00:1::2", "[fd00:1::1]:53"));
    assert!(!t.udp_ok(Ns::Inet, "10.0.2.2", "10.0.2.1:53") && !t.udp_ok(Ns::Inet, "fd00:2::2", "[fd00:2::1]:53"));
    // Ingress-only: no flow starts from the syslog port, even to a destination the
    // egress allowlist accepts from any other port.
    let listener = t.run_in(Ns::Inet, || UdpSocket::bind("10.0.2.8:53").unwrap());
    let other = t.run_in(Ns::Host, || UdpSocket::bind("0.0.0.0:0").unwrap());
    other.send_to(b"from an ephemeral port", "10.0.2.8:53").unwrap();
    assert!(receives(&listener), "egress dns from an ephemeral port");
    // (nftables drops it in output: the sender gets EPERM.)
    let _ = syslog.send_to(b"from the syslog port", "[::ffff:10.0.2.8]:53");
    assert!(!receives(&listener), "a flow started from the ingress-only port");

    // Egress allowlist: dns to all, rsync to the mirror zone only, nothing else.
    assert!(t.udp_ok(Ns::Host, "10.0.2.1", "10.0.2.2:53") && t.udp_ok(Ns::Host, "fd00:2::1", "[fd00:2::2]:53"));
    assert!(t.tcp_ok(Ns::Host, "10.0.2.1", "10.0.2.9:873") && t.tcp_ok(Ns::Host, "fd00:2::1", "[fd00:2::9]:873"));
    assert!(!t.tcp_ok(Ns::Host, "10.0.2.1", "10.0.2.2:873"), "rsync outside the mirror zone");
    assert!(!t.tcp_ok(Ns::Host, "10.0.2.1", "10.0.2.2:80") && !t.tcp_ok(Ns::Host, "fd00:2::1", "[fd00:2::2]:80"));

    // The container behind forward: its published port from the internet, and its own
    // traffic out.
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.3", "10.0.2.1:8080"), "published port");
    assert!(t.tcp_ok(Ns::Ctr, "10.0.3.2", "10.0.2.3:873"), "container to the internet");

    // A blocked address loses every channel.
    let mut established = t.connect(Ns::Inet, "10.0.2.3", "10.0.2.1:443").unwrap();
    let mut published = t.connect(Ns::Inet, "10.0.2.3", "10.0.2.1:8080").unwrap();
    let mut established6 = t.connect(Ns::Inet, "fd00:2::3", "[fd00:2::1]:443").unwrap();
    assert!(echoes(&mut established) && echoes(&mut published) && echoes(&mut established6));
    // One-way UDP (nothing comes back, so only a drop on the way stops it): each
    // block rule is the only thing that can stop one of these.
    let logs = t.run_in(Ns::Host, || UdpSocket::bind("[::]:5514").unwrap());
    let one_way: [OneWay; 6] = [
        ("block_out ip daddr @block4", Ns::Host, "10.0.2.1:0", "10.0.2.3:53", &dns3),
        ("block_out ip6 daddr @block6", Ns::Host, "[fd00:2::1]:0", "[fd00:2::3]:53", &dns3v6),
        ("block_pre forwarded ip daddr @block4", Ns::Ctr, "10.0.3.2:0", "10.0.2.3:53", &dns3),
        ("block_pre forwarded ip6 daddr @block6", Ns::Ctr, "[fd00:3::2]:0", "[fd00:2::3]:53", &dns3v6),
        ("block_pre ip saddr @block4", Ns::Inet, "10.0.2.3:0", "10.0.2.1:5514", &logs),
        ("block_pre ip6 saddr @block6", Ns::Inet, "[fd00:2::3]:0", "[fd00:2::1]:5514", &logs),
    ];
    for (what, ns, src, dst, rx) in one_way {
        assert!(t.one_way(ns, src, dst, rx), "{what}: one-way UDP {src} -> {dst} before the block");
    }
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.4", "10.0.2.1:443"));
    t.fw_ok(&["deny", "10.0.2.3", "--comment", "test"]);
    t.fw_ok(&["deny", "fd00:2::3"]);
    // An IPv4-mapped IPv6 address is blocked as the IPv4 address.
    t.fw_ok(&["deny", "::ffff:10.0.2.4"]);
    assert!(!echoes(&mut established), "the established connection survived the block");
    assert!(!echoes(&mut established6), "the established IPv6 connection survived the block");
    assert!(!echoes(&mut published), "the established connection to the published port survived");
    assert!(!t.tcp_ok(Ns::Inet, "10.0.2.3", "10.0.2.1:443") && !t.tcp_ok(Ns::Inet, "fd00:2::3", "[fd00:2::1]:443"));
    assert!(!t.tcp_ok(Ns::Inet, "10.0.2.3", "10.0.2.1:8080"), "published port from a blocked address");
    for (what, ns, src, dst, rx) in one_way {
        assert!(!t.one_way(ns, src, dst, rx), "{what}: one-way UDP {src} -> {dst} passed the block");
    }
    assert!(!t.tcp_ok(Ns::Ctr, "10.0.3.2", "10.0.2.3:873"), "the container reaching a blocked address");
    assert!(!t.tcp_ok(Ns::Inet, "10.0.2.4", "10.0.2.1:443"), "mapped block did not block the IPv4 address");
    // Others are not affected.
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.2", "10.0.2.1:443") && t.tcp_ok(Ns::Inet, "10.0.2.2", "10.0.2.1:8080"));
    assert!(t.tcp_ok(Ns::Ctr, "10.0.3.2", "10.0.2.9:873"));
    let why = t.fw_ok(&["why", "10.0.2.3"]);
    assert!(why.contains("DROPPED") && why.contains("set block4") && why.contains("test"), "{why}");

    // A network with a timeout: dropped, then the kernel lifts it.
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.6", "10.0.2.1:443"));
    t.fw_ok(&["deny", "10.0.2.6/31", "--timeout", "2"]);
    assert!(!t.tcp_ok(Ns::Inet, "10.0.2.6", "10.0.2.1:443") && !t.tcp_ok(Ns::Inet, "10.0.2.7", "10.0.2.1:443"));
    std::thread::sleep(Duration::from_millis(2500));
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.6", "10.0.2.1:443"), "the timed block did not expire");
    // allow lifts a block.
    t.fw_ok(&["allow", "10.0.2.3"]);
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.3", "10.0.2.1:443"));
    // Blocked networks (blocknet4, blocknet6): the same one-way checks.
    let nets: [OneWay; 8] = [
        ("block_out ip daddr @blocknet4", Ns::Host, "10.0.2.1:0", "10.0.2.7:53", &net7),
        ("block_out ip6 daddr @blocknet6", Ns::Host, "[fd00:2::1]:0", "[fd00:2::7]:53", &net7v6),
        ("block_pre forwarded ip daddr @blocknet4", Ns::Ctr, "10.0.3.2:0", "10.0.2.7:53", &net7),
        ("block_pre forwarded ip6 daddr @blocknet6", Ns::Ctr, "[fd00:3::2]:0", "[fd00:2::7]:53", &net7v6),
        ("block_pre ip saddr @blocknet4", Ns::Inet, "10.0.2.7:0", "10.0.2.1:5514", &logs),
        ("block_pre ip6 saddr @blocknet6", Ns::Inet, "[fd00:2::7]:0", "[fd00:2::1]:5514", &logs),
        ("block_pre ip saddr @blocknet4", Ns::Inet, "10.0.2.6:0", "10.0.2.1:5514", &logs),
        ("block_pre ip6 saddr @blocknet6", Ns::Inet, "[fd00:2::6]:0", "[fd00:2::1]:5514", &logs),
    ];
    for (what, ns, src, dst, rx) in nets {
        assert!(t.one_way(ns, src, dst, rx), "{what}: one-way UDP {src} -> {dst} before the block");
    }
    t.fw_ok(&["deny", "10.0.2.6/31"]);
    t.fw_ok(&["deny", "fd00:2::6/127"]);
    for (what, ns, src, dst, rx) in nets {
        assert!(!t.one_way(ns, src, dst, rx), "{what}: one-way UDP {src} -> {dst} passed the block");
    }
    let mut buf = [0u8; 1];
    let _ = established.read(&mut buf);
}
