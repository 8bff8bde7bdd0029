//! A FIFO must not freeze the daemon: opening one blocks until a writer comes (the
//! whole loop with it: no logs read, no blocks, SIGTERM unanswered). One created in a
//! realtime-watched directory, and one named as a log file, are never opened; the
//! daemon goes on alerting and stops when asked.

mod common;
use common::*;
use std::io::Write;
use std::time::{Duration, Instant};

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn fifos_are_never_opened() {
    let dir = scratch("fifo");
    let watched = dir.join("etc");
    std::fs::create_dir_all(&watched).unwrap();
    std::fs::write(watched.join("passwd"), "root:x:0:0::/root:/bin/sh\n").unwrap();
    mkfifo(&dir.join("fifo.log"));
    std::fs::write(dir.join("auth.log"), "").unwrap();
    let config = write_config(
        &dir,
        "log_files = [\"{d}/fifo.log\", \"{d}/auth.log\"]\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]\n\
         [fim]\npaths = [\"{d}/etc\"]\nexclude = []\nrealtime = [\"{d}/etc\"]\n\
         database = \"{d}/fim.json\"\nmaintenance_flag = \"{d}/maintenance\"",
    );
    hidsd(&config, &["fim", "init"]);
    let mut child = start(&config);
    pause();
    mkfifo(&watched.join("trap"));
    pause();
    std::fs::write(watched.join("passwd"), "root::0:0::/root:/bin/sh\n").unwrap();
    let line = "Nov 28 02:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 22\n";
    std::fs::OpenOptions::new().append(true).open(dir.join("auth.log")).unwrap().write_all(line.as_bytes()).unwrap();
    pause();
    signal(&child, libc::SIGTERM);
    let asked = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if asked.elapsed() > Duration::from_secs(5) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the daemon froze: SIGTERM unanswered for 5 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let alerts = alerts(&dir);
    let paths: Vec<String> = alerts.iter().map(|a| a["labels"]["path"].to_string()).collect();
    assert!(paths.iter().any(|p| p.ends_with("etc/passwd\"")), "no alert after the FIFO: {alerts:#?}");
    assert!(paths.iter().any(|p| p.ends_with("etc/trap\"")), "the FIFO itself is an added file: {alerts:#?}");
    assert!(
        alerts.iter().any(|a| a["source"]["ip"] == "192.0.2.1"),
        "the log after the FIFO was not read: {alerts:#?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
