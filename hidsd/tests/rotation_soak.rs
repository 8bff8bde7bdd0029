//! No line lost or read twice while a writer logs without pause and the real logrotate
//! rotates the file three times (`create`: rename, new file) under the running daemon;
//! the writer, like a syslog daemon waiting for its reopen signal, goes on writing to the
//! renamed file for a while before it reopens the path. Needs logrotate; skipped
//! otherwise.

mod common;
use common::*;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

const LINES: u32 = 6000;

#[test]
fn rotations_under_a_busy_writer_lose_nothing() {
    let logrotate = std::path::Path::new("/usr/sbin/logrotate");
    if !logrotate.exists() {
        eprintln!("skipped: needs logrotate");
        return;
    }
    let dir = scratch("rotationsoak");
    let log = dir.join("auth.log");
    std::fs::write(&log, "").unwrap();
    let config = write_config(
        &dir,
        "log_files = [\"{d}/auth.log\"]\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]\n[fim]\nrealtime = []",
    );
    std::fs::write(dir.join("logrotate.conf"), format!("{} {{\n  rotate 5\n  create\n}}\n", log.display())).unwrap();
    let child = Running::start(&config);
    pause();

    let writer_log = log.clone();
    let writer = std::thread::spawn(move || {
        let mut file = std::fs::OpenOptions::new().append(true).open(&writer_log).unwrap();
        let mut inode = file.metadata().unwrap().ino();
        let mut rotated_at: Option<Instant> = None;
        for i in 0..LINES {
            let line = format!("Nov 28 02:00:00 h sshd[1]: Invalid user u{i} from 192.0.2.{} port 22\n", i % 250 + 1);
            file.write_all(line.as_bytes()).unwrap();
            if i % 50 == 0 {
                std::thread::sleep(Duration::from_millis(5));
            }
            // The path names a new file: keep writing to the old one for 150 ms, then reopen.
            let now_inode = std::fs::metadata(&writer_log).map(|m| m.ino()).unwrap_or(inode);
            if now_inode != inode {
                let since = *rotated_at.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(150) {
                    file = std::fs::OpenOptions::new().append(true).open(&writer_log).unwrap();
                    inode = now_inode;
                    rotated_at = None;
                }
            }
        }
    });
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(300));
        let status = std::process::Command::new(logrotate)
            .arg("-f")
            .arg("-s")
            .arg(dir.join("logrotate.state"))
            .arg(dir.join("logrotate.conf"))
            .status()
            .unwrap();
        assert!(status.success());
    }
    writer.join().unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let invalid_user = |dir: &std::path::Path| -> Vec<String> {
        alerts(dir)
            .iter()
            .filter(|a| a["rule"]["id"] == "5710")
            .filter_map(|a| a["user"]["name"].as_str().map(String::from))
            .collect()
    };
    while invalid_user(&dir).len() < LINES as usize && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let stderr = child.stop();
    let mut users = invalid_user(&dir);
    let read = users.len();
    users.sort();
    users.dedup();
    assert_eq!(users.len(), LINES as usize, "lines lost: {stderr}");
    assert_eq!(read, LINES as usize, "lines read twice: {stderr}");
    assert!(stderr.contains("3 rotations"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
