//! `apply --confirm`: an unconfirmed ruleset goes away by itself and the previous one
//! is back (real traffic shows which is loaded); a confirmed one stays; `rollback`
//! restores the previous one; a bad policy is rejected whole, with file:line, and
//! nothing is applied. Needs root, ip and nft; skipped only when not root.

mod common;
use common::*;
use std::time::Duration;

const OPEN: &str = "[[service]]\nname = \"https\"\nport = 443\nfrom = [\"all\"]\n";
const CLOSED: &str = "[[service]]\nname = \"web\"\nport = 8443\nfrom = [\"all\"]\n";

#[test]
fn unconfirmed_rulesets_roll_back() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let t = Topology::new("confirm");
    t.tcp_echo(Ns::Host, "[::]:443");
    let https = || t.tcp_ok(Ns::Inet, "10.0.2.2", "10.0.2.1:443");
    let open = t.policy("open.toml", OPEN);
    let closed = t.policy("closed.toml", CLOSED);
    t.fw_ok(&["--policy", &open, "apply"]);
    assert!(https());

    // Not confirmed: back to the previous ruleset after 2 s.
    let out = t.fw_ok(&["--policy", &closed, "apply", "--confirm", "2"]);
    assert!(out.contains("rampart-fw confirm"), "{out}");
    assert!(!https(), "the new ruleset is loaded");
    assert!(t.fw_ok(&["status"]).contains("pending"));
    std::thread::sleep(Duration::from_millis(3500));
    assert!(https(), "the previous ruleset did not come back");
    assert!(t.fw_ok(&["--policy", &open, "plan"]).starts_with("no changes"), "not exactly the previous ruleset");
    assert!(t.fw_ok(&["status"]).contains("was not confirmed"));

    // Confirmed in time: it stays.
    t.fw_ok(&["--policy", &closed, "apply", "--confirm", "2"]);
    assert!(t.fw_ok(&["confirm"]).contains("confirmed"));
    std::thread::sleep(Duration::from_millis(3500));
    assert!(!https(), "a confirmed ruleset was rolled back");

    // rollback puts the previous one back.
    t.fw_ok(&["rollback"]);
    assert!(https());
    assert!(t.fw_ok(&["--policy", &open, "plan"]).starts_with("no changes"));
    // plan shows what would change.
    let plan = t.fw_ok(&["--policy", &closed, "plan"]);
    assert!(plan.contains("- \"service https tcp/443 from all (open.toml:2)\""), "{plan}");
    assert!(plan.contains("+ \"service web tcp/8443 from all (closed.toml:2)\""), "{plan}");
}

#[test]
fn bad_policy_is_rejected_whole() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let t = Topology::new("badpolicy");
    t.tcp_echo(Ns::Host, "[::]:8000");
    let open = t.policy("open.toml", OPEN);
    t.fw_ok(&["--policy", &open, "apply"]);
    // The first service is fine, the second names an unknown zone: nothing is applied.
    let bad = t.policy("bad.toml", "inbound = \"accept\"\n[[service]]\nname = \"a\"\nport = 1\nfrom = [\"all\"]\n[[service]]\nname = \"b\"\nport = 2\nfrom = [\"nowhere\"]\n");
    let out = t.fw(&["--policy", &bad, "apply"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:9: unknown zone `nowhere`"), "{err}");
    assert!(t.fw_ok(&["--policy", &open, "plan"]).starts_with("no changes"), "something was applied");
    // Applied, its `inbound = "accept"` would open port 8000.
    assert!(!t.tcp_ok(Ns::Inet, "10.0.2.2", "10.0.2.1:8000"), "part of a bad policy was applied");
    // A TOML syntax error, too.
    let broken = t.policy("broken.toml", "[[service]]\nname = \"a\"\nport = = 1\n");
    let err = String::from_utf8_lossy(&t.fw(&["--policy", &broken, "apply"]).stderr).into_owned();
    assert!(err.contains("broken.toml:3:"), "{err}");
}
