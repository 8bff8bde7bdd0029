//! Realtime integrity monitoring in the running daemon: content, added and metadata
//! changes under a watched directory raise alerts once; changes made while the
//! maintenance flag exists go into the baseline silently.

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn realtime_changes_alert_and_maintenance_is_silent() {
    let dir = scratch("fimrt");
    let watched = dir.join("etc");
    std::fs::create_dir_all(&watched).unwrap();
    for f in ["passwd", "shadow", "hosts"] {
        std::fs::write(watched.join(f), f).unwrap();
    }
    let config = write_config(
        &dir,
        "log_files = []\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false\n[fim]\npaths = [\"{d}/etc\"]\nexclude = []\nrealtime = [\"{d}/etc\"]\n\
         database = \"{d}/fim.json\"\nmaintenance_flag = \"{d}/maintenance\"",
    );
    hidsd(&config, &["fim", "init"]);
    let child = start(&config);
    pause();
    std::fs::write(watched.join("passwd"), "root::0:0::/:/bin/sh\n").unwrap();
    std::fs::write(watched.join("backdoor"), "x").unwrap();
    std::fs::set_permissions(watched.join("shadow"), std::fs::Permissions::from_mode(0o600)).unwrap();
    pause();
    std::fs::write(dir.join("maintenance"), "").unwrap();
    std::fs::write(watched.join("hosts"), "upgraded").unwrap();
    pause();
    std::fs::remove_file(dir.join("maintenance")).unwrap();
    let stderr = stop(child);
    assert!(stderr.contains("1 changes accepted during maintenance"), "{stderr}");

    let alerts: Vec<(String, String)> = alerts(&dir)
        .iter()
        .map(|a| (a["rule"]["id"].as_str().unwrap().to_string(), a["labels"]["path"].as_str().unwrap().to_string()))
        .collect();
    let path = |f: &str| watched.join(f).display().to_string();
    for want in [("5501", path("passwd")), ("5502", path("backdoor")), ("5504", path("shadow"))] {
        assert!(alerts.contains(&(want.0.to_string(), want.1.clone())), "missing {want:?} in {alerts:?}");
    }
    assert!(!alerts.iter().any(|(_, p)| *p == path("hosts")), "maintenance change alerted: {alerts:?}");
    // Each change was reported once and the baseline now holds the current state.
    hidsd(&config, &["fim", "check"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
