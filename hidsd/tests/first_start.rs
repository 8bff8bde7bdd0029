//! The first start (no saved offset) must not act on history: a brute force from nine
//! days ago is not blocked now and its lines raise no alerts, while one from seconds
//! ago is. `start_at = "end"` skips what the file holds; `"beginning"` acts on all.

mod common;
use common::*;
use std::io::Write;
use std::process::Command;

/// RFC 3339 UTC time `ago` seconds before now (as rsyslog writes it on Debian 12).
fn stamp(ago: i64) -> String {
    let ago = format!("{ago} seconds ago");
    let out = Command::new("date").args(["-u", "-d", &ago, "+%Y-%m-%dT%H:%M:%S.000000+00:00"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn failures(ip: &str, ago: i64) -> String {
    (0..6)
        .map(|i| format!("{} h sshd[1]: Failed password for root from {ip} port {i} ssh2\n", stamp(ago - i)))
        .collect()
}

fn run(dir: &std::path::Path, start_at: &str) -> Vec<String> {
    let _ = std::fs::remove_dir_all(dir.join("state"));
    let _ = std::fs::remove_file(dir.join("alerts.json"));
    let top = format!("log_files = [\"{{d}}/auth.log\"]\nkmsg = false\nrampart_events = \"{{d}}/none\"\n{start_at}");
    let config = write_config(dir, &top, "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]");
    hidsd(&config, &["run", "--once", "--quiet"]);
    alerts(dir).iter().map(|a| format!("{} {}", a["rule"]["id"].as_str().unwrap(), a["source"]["ip"])).collect()
}

#[test]
fn history_is_not_acted_on_at_first_start() {
    let dir = scratch("firststart");
    let log = dir.join("auth.log");
    std::fs::write(&log, failures("203.0.113.70", 9 * 86_400) + &failures("203.0.113.71", 20)).unwrap();

    let recent = run(&dir, "");
    assert!(recent.iter().all(|a| !a.contains("203.0.113.70")), "nine-day-old lines acted on: {recent:?}");
    assert_eq!(recent.iter().filter(|a| a.starts_with("5716") && a.contains("203.0.113.71")).count(), 6, "{recent:?}");
    assert!(recent.iter().any(|a| a.starts_with("5720") && a.contains("203.0.113.71")), "{recent:?}");

    let all = run(&dir, "start_at = \"beginning\"");
    assert!(all.iter().any(|a| a.starts_with("5720") && a.contains("203.0.113.70")), "{all:?}");

    let end = run(&dir, "start_at = \"end\"");
    assert!(end.is_empty(), "history read with start_at = end: {end:?}");
    // What is written after the first start counts (the offset was saved at the end).
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .unwrap()
        .write_all(failures("203.0.113.72", 5).as_bytes())
        .unwrap();
    let config = dir.join("hidsd.toml");
    hidsd(&config, &["run", "--once", "--quiet"]);
    let after: Vec<String> = alerts(&dir).iter().map(|a| a["source"]["ip"].to_string()).collect();
    assert_eq!(after.iter().filter(|ip| ip.contains("203.0.113.72")).count(), 7, "{after:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
