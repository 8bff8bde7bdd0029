//! rampart kernel events through the daemon: `learn` events go to the learning log
//! verbatim, denials raise alerts, and a gap in sequence numbers raises the
//! events-lost alert. The events come from a file in the channel's format (the
//! QEMU suites exercise the real channel).

mod common;
use common::*;
use std::process::Command;

fn event(seq: u64, decision: &str, object: &str) -> String {
    format!(
        "{{\"seq\":{seq},\"time_ns\":5000000000,\"module\":\"rbac\",\"decision\":\"{decision}\",\"uid\":33,\"euid\":33,\"gid\":33,\"egid\":33,\"pid\":812,\"comm\":\"httpd\",\"exe\":\"/usr/sbin/httpd\",\"object\":\"{object}\",\"reason\":\"r\"}}\n"
    )
}

#[test]
fn learn_deny_and_loss() {
    let dir = scratch("events");
    let events = event(1, "learn", "/etc/httpd.conf")
        + &event(2, "learn", "/var/log/httpd")
        + &event(3, "deny", "/etc/shadow")
        + &event(9, "deny", "/etc/shadow");
    std::fs::write(dir.join("events"), events).unwrap();
    let config = write_config(
        &dir,
        "log_files = []\nkmsg = false\nrampart_events = \"{d}/events\"",
        "[response]\nenabled = false",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_rampart-hidsd"))
        .arg("--config")
        .arg(&config)
        .args(["run", "--once", "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("rampart events: 5 lost"), "{stderr}");
    let learned = std::fs::read_to_string(dir.join("learn.jsonl")).unwrap();
    assert_eq!(learned, event(1, "learn", "/etc/httpd.conf") + &event(2, "learn", "/var/log/httpd"));
    let alerts = alerts(&dir);
    let ids: Vec<&str> = alerts.iter().map(|a| a["rule"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["5601", "5605", "5601"], "{alerts:?}");
    assert!(alerts[1]["event"]["original"].as_str().unwrap().contains("events lost: 5 (seq 4 to 8)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Events are lines: one that a read cuts in two (the file holds more than one read's
/// worth) is still one event, not two malformed ones and a false `events lost`.
#[test]
fn events_split_across_reads_are_whole() {
    let dir = scratch("eventsplit");
    let events: String = (1..=2000).map(|seq| event(seq, "deny", "/etc/shadow")).collect();
    assert!(events.len() > 4 * 65536);
    std::fs::write(dir.join("events"), events).unwrap();
    let config = write_config(
        &dir,
        "log_files = []\nkmsg = false\nrampart_events = \"{d}/events\"",
        "[response]\nenabled = false\n[fim]\nrealtime = []",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_rampart-hidsd"))
        .arg("--config")
        .arg(&config)
        .args(["run", "--once", "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("rampart events:"), "events lost or malformed: {stderr}");
    let denials = alerts(&dir).iter().filter(|a| a["rule"]["id"] == "5601").count();
    assert_eq!(denials, 2000);
    std::fs::remove_dir_all(&dir).unwrap();
}
