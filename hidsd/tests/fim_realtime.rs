//! Realtime integrity monitoring in the running daemon: content, added and metadata
//! changes under a watched directory raise alerts once; changes made while the
//! maintenance flag exists go into the baseline silently.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

fn pause() {
    std::thread::sleep(Duration::from_millis(700));
}

#[test]
fn realtime_changes_alert_and_maintenance_is_silent() {
    let dir = std::env::temp_dir().join(format!("hidsd-fimrt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let watched = dir.join("etc");
    std::fs::create_dir_all(&watched).unwrap();
    for f in ["passwd", "shadow", "hosts"] {
        std::fs::write(watched.join(f), f).unwrap();
    }
    let config = dir.join("hidsd.toml");
    std::fs::write(
        &config,
        format!(
            "log_files = []\njournal = false\nkmsg = false\nrampart_events = \"{d}/none\"\nrules_dir = \"{d}/rules.d\"\n\
             state_dir = \"{d}/state\"\nalerts_file = \"{d}/alerts.json\"\nlearning_log = \"{d}/learn.jsonl\"\n\
             [response]\nenabled = false\n[fim]\npaths = [\"{d}/etc\"]\nexclude = []\nrealtime = [\"{d}/etc\"]\n\
             database = \"{d}/fim.json\"\nmaintenance_flag = \"{d}/maintenance\"\n",
            d = dir.display()
        ),
    )
    .unwrap();
    let hidsd = env!("CARGO_BIN_EXE_rampart-hidsd");
    assert!(Command::new(hidsd).arg("--config").arg(&config).args(["fim", "init"]).status().unwrap().success());
    let child = Command::new(hidsd)
        .arg("--config")
        .arg(&config)
        .args(["run", "--quiet"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    pause();
    std::fs::write(watched.join("passwd"), "root::0:0::/:/bin/sh\n").unwrap();
    std::fs::write(watched.join("backdoor"), "x").unwrap();
    std::fs::set_permissions(watched.join("shadow"), std::fs::Permissions::from_mode(0o600)).unwrap();
    pause();
    std::fs::write(dir.join("maintenance"), "").unwrap();
    std::fs::write(watched.join("hosts"), "upgraded").unwrap();
    pause();
    std::fs::remove_file(dir.join("maintenance")).unwrap();
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("1 changes accepted during maintenance"), "{stderr}");

    let alerts: Vec<(String, String)> = std::fs::read_to_string(dir.join("alerts.json"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|a| (a["rule"]["id"].as_str().unwrap().to_string(), a["labels"]["path"].as_str().unwrap().to_string()))
        .collect();
    let path = |f: &str| watched.join(f).display().to_string();
    for want in [("5501", path("passwd")), ("5502", path("backdoor")), ("5504", path("shadow"))] {
        assert!(alerts.contains(&(want.0.to_string(), want.1.clone())), "missing {want:?} in {alerts:?}");
    }
    assert!(!alerts.iter().any(|(_, p)| *p == path("hosts")), "maintenance change alerted: {alerts:?}");
    // Each change was reported once and the baseline now holds the current state.
    let check = Command::new(hidsd).arg("--config").arg(&config).args(["fim", "check"]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    std::fs::remove_dir_all(&dir).unwrap();
}
