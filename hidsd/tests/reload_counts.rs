//! A good SIGHUP keeps the correlation counts of the rules it did not change: a brute
//! force split across a reload (three failures before, two after) is still detected.

mod common;
use common::*;
use std::io::Write;

fn failure(port: u32) -> String {
    format!("Nov 28 02:00:{port:02} h sshd[1]: Failed password for root from 203.0.113.40 port {port} ssh2\n")
}

#[test]
fn a_brute_force_split_across_a_reload_is_detected() {
    let dir = scratch("reloadcounts");
    let top = "log_files = [\"{d}/auth.log\"]\nstart_at = \"beginning\"\nkmsg = false\nrampart_events = \"{d}/none\"";
    let tables = "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]";
    let config = write_config(&dir, top, tables);
    std::fs::write(dir.join("auth.log"), (1..=3).map(failure).collect::<String>()).unwrap();
    let child = start(&config);
    pause();
    // Reload with a changed, valid configuration (a new minimum level).
    write_config(&dir, &format!("{top}\nmin_level = 2"), tables);
    signal(&child, libc::SIGHUP);
    pause();
    let mut log = std::fs::OpenOptions::new().append(true).open(dir.join("auth.log")).unwrap();
    log.write_all((4..=5).map(failure).collect::<String>().as_bytes()).unwrap();
    pause();
    let stderr = stop(child);
    assert!(stderr.contains("configuration reloaded"), "{stderr}");
    let alerts = alerts(&dir);
    let ids: Vec<&str> = alerts.iter().filter_map(|a| a["rule"]["id"].as_str()).collect();
    assert_eq!(ids.iter().filter(|id| **id == "5716").count(), 5, "{ids:?}");
    assert!(ids.contains(&"5720"), "the reload reset the brute-force count: {ids:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
