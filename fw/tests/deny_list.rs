//! `rampart-fw deny-list FILE` and the netlink batch under it, with real nftables:
//! addresses (IPv4, IPv6, IPv4-mapped as IPv4) and networks land in their sets with
//! the timeout and comment, real traffic from a listed address is dropped and from
//! another passes, a bad line rejects the whole file (nothing loaded), and a batch
//! the kernel refuses in part is applied not at all. Needs root, ip and nft; skipped
//! only when not root.

mod common;
use common::*;
use rampart_fw::netlink::{add_elements, Element};
use std::net::IpAddr;
use std::os::fd::AsRawFd;
use std::time::Duration;

fn set(t: &Topology, name: &str) -> String {
    let out = sh(&format!("ip netns exec {} nft list set inet rampart {name}", t.name(Ns::Host)));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn deny_list_loads_and_blocks() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let t = Topology::new("denylist");
    t.tcp_echo(Ns::Host, "[::]:443");
    t.apply("[[service]]\nname = \"https\"\nport = 443\nfrom = [\"all\"]\n");
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.3", "10.0.2.1:443") && t.tcp_ok(Ns::Inet, "10.0.2.4", "10.0.2.1:443"));

    let bad = t.policy("bad.txt", "10.0.2.3\n10.0.2.300\n");
    let out = t.fw(&["deny-list", &bad]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("bad.txt:2"), "{out:?}");
    assert!(!set(&t, "block4").contains("10.0.2.3"), "a rejected list loaded something");

    let list = t.policy("feed.txt", "# feed\n10.0.2.3\nfd00:2::3 # v6\n::ffff:10.0.2.5\n192.0.2.0/24\n\n");
    let out = t.fw_ok(&["deny-list", &list, "--timeout", "600", "--comment", "feed"]);
    assert!(out.contains("3 addresses and 1 networks"), "{out}");
    let (b4, b6, n4) = (set(&t, "block4"), set(&t, "block6"), set(&t, "blocknet4"));
    assert!(b4.contains("10.0.2.3 timeout 10m") && b4.contains("10.0.2.5 timeout 10m"), "{b4}");
    assert!(b4.contains("rampart-fw deny-list at") && b4.contains("feed"), "{b4}");
    assert!(b6.contains("fd00:2::3 timeout 10m"), "{b6}");
    assert!(n4.contains("192.0.2.0/24"), "{n4}");
    assert!(!t.tcp_ok(Ns::Inet, "10.0.2.3", "10.0.2.1:443") && !t.tcp_ok(Ns::Inet, "fd00:2::3", "[fd00:2::1]:443"));
    assert!(t.tcp_ok(Ns::Inet, "10.0.2.4", "10.0.2.1:443"), "an unlisted address was blocked");
    let why = t.fw_ok(&["why", "10.0.2.3"]);
    assert!(why.contains("DROPPED") && why.contains("feed"), "{why}");
}

#[test]
fn a_refused_batch_loads_nothing() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let t = Topology::new("batch");
    t.fw_ok(&["deny", "192.0.2.1"]);
    // 5,000 good IPv4 elements in several messages, then one IPv6 key the IPv4 set
    // refuses: the transaction is all or nothing.
    let mut elems: Vec<Element> = (1..=5000u32)
        .map(|i| Element {
            addr: IpAddr::V4((0x0a63_0000 + i).into()),
            timeout: Some(Duration::from_secs(60)),
            comment: "batch".into(),
        })
        .collect();
    elems.push(Element { addr: "2001:db8::1".parse().unwrap(), timeout: None, comment: String::new() });
    let path = format!("/run/netns/{}", t.name(Ns::Host));
    let (bad, good) = std::thread::spawn(move || {
        let ns = std::fs::File::open(&path).unwrap();
        // SAFETY: setns(2) on a namespace file this thread opened; only this thread moves.
        assert_eq!(unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) }, 0);
        let bad = add_elements("rampart", "block4", &elems);
        elems.pop();
        (bad, add_elements("rampart", "block4", &elems[..3]))
    })
    .join()
    .unwrap();
    assert!(bad.is_err(), "the kernel took an IPv6 key in an IPv4 set");
    good.unwrap();
    let b4 = set(&t, "block4");
    assert!(b4.contains("10.99.0.1 ") && b4.contains("10.99.0.3 "), "{b4}");
    assert!(!b4.contains("10.99.0.4 ") && !b4.contains("10.99.19.136"), "part of a refused batch was applied: {b4}");
    assert!(b4.contains("192.0.2.1"), "{b4}");
}
