//! Realtime integrity monitoring sees what a directory watch alone misses: an edit
//! through a hard link from outside the tree, directories moved in and out, files
//! created in a new directory before it is watched, and an inotify queue overflow
//! (alerted, then everything rescanned). `fim check` records link counts, and its
//! `--json` output is JSON on every line.

mod common;
use common::*;
use std::path::Path;

fn sigstop(child: &std::process::Child, stop: bool) {
    signal(child, if stop { libc::SIGSTOP } else { libc::SIGCONT });
}

fn has(alerts: &[(String, String)], rule: &str, path: &Path) -> bool {
    alerts.iter().any(|(r, p)| r == rule && *p == path.display().to_string())
}

#[test]
fn realtime_watches_miss_nothing() {
    let dir = scratch("fimgaps");
    let etc = dir.join("etc");
    let outside = dir.join("outside");
    for d in [etc.join("sub"), etc.join("flood"), outside.join("incoming")] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(etc.join("hosts"), "127.0.0.1 localhost\n").unwrap();
    std::fs::hard_link(etc.join("hosts"), outside.join("hosts-link")).unwrap();
    std::fs::write(etc.join("sub/y"), "y").unwrap();
    std::fs::write(outside.join("incoming/x"), "x").unwrap();
    let config = write_config(
        &dir,
        "log_files = []\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false\n[fim]\npaths = [\"{d}/etc\"]\nexclude = []\nrealtime = [\"{d}/etc\"]\n\
         database = \"{d}/fim.json\"\nmaintenance_flag = \"{d}/maintenance\"",
    );
    hidsd(&config, &["fim", "init"]);
    let child = Running::start(&config);
    pause();
    std::fs::write(outside.join("hosts-link"), "203.0.113.1 bank.example\n").unwrap();
    std::fs::rename(outside.join("incoming"), etc.join("moved-in")).unwrap();
    std::fs::rename(etc.join("sub"), outside.join("moved-out")).unwrap();
    pause();
    // A new directory and a file in it, both there before the daemon looks.
    let daemon = child.child();
    sigstop(daemon, true);
    std::fs::create_dir(etc.join("brand-new")).unwrap();
    std::fs::write(etc.join("brand-new/z"), "z").unwrap();
    sigstop(daemon, false);
    pause();
    // More events than the kernel queues (16384 by default) while the daemon waits.
    sigstop(daemon, true);
    for i in 0..6000 {
        std::fs::write(etc.join("flood").join(i.to_string()), "f").unwrap();
    }
    std::fs::write(etc.join("after-flood"), "a").unwrap();
    sigstop(daemon, false);
    pause();
    pause();
    child.stop();

    let alerts: Vec<(String, String)> = alerts(&dir)
        .iter()
        .map(|a| {
            (a["rule"]["id"].as_str().unwrap_or("").to_string(), a["labels"]["path"].as_str().unwrap_or("").to_string())
        })
        .collect();
    let few: Vec<&(String, String)> = alerts.iter().filter(|(_, p)| !p.contains("/flood/")).collect();
    assert!(has(&alerts, "5501", &etc.join("hosts")), "edit through an outside hard link missed: {few:?}");
    assert!(has(&alerts, "5502", &etc.join("moved-in/x")), "directory moved in missed: {few:?}");
    assert!(has(&alerts, "5503", &etc.join("sub/y")), "directory moved out missed: {few:?}");
    assert!(has(&alerts, "5502", &etc.join("brand-new/z")), "file in a new directory missed: {few:?}");
    assert!(alerts.iter().any(|(r, _)| r == "5505"), "queue overflow not alerted: {few:?}");
    assert!(has(&alerts, "5502", &etc.join("after-flood")), "no rescan after the overflow: {few:?}");

    // `fim check` sees a new hard link from outside (the link count) and prints JSON only.
    std::fs::hard_link(etc.join("after-flood"), outside.join("second-link")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rampart-hidsd"))
        .arg("--config")
        .arg(&config)
        .args(["fim", "check", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines() {
        assert!(serde_json::from_str::<serde_json::Value>(line).is_ok(), "not JSON: {line}");
    }
    assert!(stdout.contains("nlink") && stdout.contains("after-flood"), "new link not seen: {stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}
