//! `kill -9` (or a crash) replays only a bounded, small amount: progress is saved
//! after every pass that read something, so a restart does not alert the lines it
//! already alerted (it used to replay up to 5 s of lines); and an alert read again has
//! the same `event.id`.

mod common;
use common::*;
use std::io::Write;

#[test]
fn kill_9_replays_nothing_already_alerted() {
    let dir = scratch("crashreplay");
    let log = dir.join("auth.log");
    std::fs::write(&log, "").unwrap();
    let config = write_config(
        &dir,
        "log_files = [\"{d}/auth.log\"]\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]",
    );
    let mut child = start(&config);
    pause();
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    for i in 0..300u32 {
        let line = format!("{} h sshd[1]: Invalid user u{i} from 192.0.2.{} port 22\n", stamp(), i % 250 + 1);
        f.write_all(line.as_bytes()).unwrap();
    }
    pause();
    child.kill().unwrap();
    child.wait().unwrap();
    hidsd(&config, &["run", "--once", "--quiet"]);
    let users: Vec<String> = alerts(&dir).iter().filter_map(|a| a["user"]["name"].as_str().map(String::from)).collect();
    let mut unique = users.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 300, "lines lost");
    assert_eq!(users.len(), 300, "{} lines alerted twice after kill -9", users.len() - 300);

    // Alerts are idempotent: reading the same lines again (progress lost) gives the
    // same alert ids, which a consumer can deduplicate on.
    std::fs::remove_dir_all(dir.join("state")).unwrap();
    hidsd(&config, &["run", "--once", "--quiet"]);
    let ids: Vec<String> = alerts(&dir).iter().map(|a| a["event"]["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 600);
    let (first, replay) = ids.split_at(300);
    assert_eq!(first, replay, "a replay made new alert ids");
    let mut unique = first.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 300, "two lines got the same alert id");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Now in RFC 3339 (UTC), as rsyslog writes it.
fn stamp() -> String {
    let out = std::process::Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%S+00:00"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
