//! Active response against real nftables, in a network namespace this test creates:
//! a simulated sshd brute force gets its address into the blocklist set with a
//! timeout, the kernel expires it, allowlisted addresses are never blocked, and text
//! an attacker writes into a log line never chooses the blocked address.
//! Needs root, `ip` (iproute2) and `nft` (nftables); skipped only when not root.

mod common;
use common::*;
use std::process::Command;
use std::time::Duration;

struct Netns(String);

impl Netns {
    fn create() -> Self {
        let name = format!("rampart-hidsd-test-{}", std::process::id());
        let status = Command::new("ip").args(["netns", "add", &name]).status().expect("running ip (install iproute2)");
        assert!(status.success(), "ip netns add failed");
        Netns(name)
    }

    fn blocked(&self) -> String {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.0, "nft", "list", "set", "inet", "rampart", "block4"])
            .output()
            .expect("running nft (install nftables)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn failures(ip: &str, user: &str, n: u32, second: u32) -> String {
    (0..n)
        .map(|i| {
            format!(
                "Nov 28 02:00:{:02} web1 sshd[{}]: Failed password for {user} from {ip} port {} ssh2\n",
                second + i,
                100 + i,
                40000 + i
            )
        })
        .collect()
}

#[test]
fn brute_force_is_blocked_in_the_kernel_and_expires() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let ns = Netns::create();
    let dir = std::env::temp_dir().join(format!("hidsd-nft-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("auth.log");
    let config = dir.join("hidsd.toml");
    std::fs::write(
        &config,
        format!(
            "log_files = [\"{d}/auth.log\"]\nstart_at = \"beginning\"\njournal = false\nkmsg = false\nrampart_events = \"{d}/no-events\"\n\
             rules_dir = \"{d}/rules.d\"\nstate_dir = \"{d}/state\"\nalerts_file = \"{d}/alerts.json\"\n\
             learning_log = \"{d}/learning.jsonl\"\n[response]\nblock_seconds = 3\nallowlist = [\"10.9.0.0/16\"]\nnetns = \"{ns}\"\n\
             [trust.files]\n\"{d}/auth.log\" = [\"sshd\"]\n",
            d = dir.display(),
            ns = ns.0
        ),
    )
    .unwrap();
    let mut text = failures("203.0.113.50", "root", 5, 0);
    text += &failures("10.9.1.1", "root", 5, 10);
    text += &failures("127.0.0.1", "root", 5, 20);
    // IPv4-mapped IPv6 addresses are IPv4: the allowlist, loopback and the IPv4 set apply.
    text += &failures("::ffff:10.9.1.2", "root", 5, 20);
    text += &failures("::ffff:127.0.0.2", "root", 5, 20);
    text += &failures("::ffff:203.0.113.60", "root", 5, 20);
    // The attacker controls the user name; the address sshd appends is the real one.
    text += &failures("203.0.113.77", "invalid user x from 198.51.100.66 port 22 ssh2", 5, 30);
    text += &(0..5)
        .map(|i| format!("Nov 28 02:00:4{i} web1 sshd[9]: Invalid user y from 198.51.100.67 port 22\n"))
        .collect::<String>()
        .replace(" port 22\n", " port 22 x\n");
    std::fs::write(&log, text).unwrap();

    hidsd(&config, &["run", "--once", "--quiet"]);
    let set = ns.blocked();
    assert!(set.contains("203.0.113.50 timeout 3s"), "{set}");
    assert!(set.contains("203.0.113.77"), "{set}");
    assert!(set.contains("203.0.113.60 timeout 3s"), "a mapped address is not in the IPv4 set: {set}");
    for never in ["10.9.1.1", "10.9.1.2", "127.0.0.1", "127.0.0.2", "198.51.100.66", "198.51.100.67"] {
        assert!(!set.contains(never), "{never} was blocked: {set}");
    }
    let listed = hidsd(&config, &["bans", "list"]);
    assert!(listed.contains("203.0.113.50\texpires in"), "{listed}");
    let alerts = std::fs::read_to_string(dir.join("alerts.json")).unwrap();
    let blocked_alert = alerts
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|a| a["rule"]["id"] == "5720" && a["source"]["ip"] == "203.0.113.50")
        .expect("an ECS alert for the brute force");
    assert_eq!(blocked_alert["rampart"]["response"]["action"], "block");

    // The kernel expires the block on its own.
    std::thread::sleep(Duration::from_secs(4));
    assert!(!ns.blocked().contains("203.0.113.50"), "block did not expire");

    // Offsets survive restarts: old lines are not read (or blocked) again.
    hidsd(&config, &["run", "--once", "--quiet"]);
    assert!(!ns.blocked().contains("203.0.113.50"), "old lines were read again");

    // New lines are; unban removes the block.
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    std::io::Write::write_all(&mut f, failures("203.0.113.51", "root", 5, 50).as_bytes()).unwrap();
    hidsd(&config, &["run", "--once", "--quiet"]);
    assert!(ns.blocked().contains("203.0.113.51"));
    hidsd(&config, &["bans", "unban", "203.0.113.51"]);
    assert!(!ns.blocked().contains("203.0.113.51"));
    std::fs::remove_dir_all(&dir).unwrap();
}
