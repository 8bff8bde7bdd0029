//! A plain syslog file proves nothing about who wrote a line: a real rsyslogd writes
//! what any local user sends with `logger -t sshd` or `logger -t kernel` into the same
//! file as sshd's own lines. With the default trust, such a file's `sshd` lines raise
//! nothing and block nothing; kernel rules never apply to it; and when the admin lists
//! `sshd` for the file in `[trust.files]`, its sshd lines are believed (the kernel's
//! still are not). Needs rsyslogd (Debian's rsyslog) and root for setpriv; skipped
//! otherwise.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const RSYSLOGD: &str = "/usr/sbin/rsyslogd";

/// Starts rsyslogd listening on `dir/log`, writing every message to `dir/auth.log`
/// in Debian's format, sends the lines as uid 65534, and stops it.
fn forge_through_rsyslog(dir: &Path) {
    let d = dir.display();
    std::fs::write(
        dir.join("rsyslog.conf"),
        format!(
            "global(workDirectory=\"{d}\")\nmodule(load=\"imuxsock\" SysSock.Use=\"off\")\n\
             input(type=\"imuxsock\" Socket=\"{d}/log\" CreatePath=\"on\")\n\
             *.* action(type=\"omfile\" file=\"{d}/auth.log\" template=\"RSYSLOG_FileFormat\")\n"
        ),
    )
    .unwrap();
    let mut rsyslogd = Command::new(RSYSLOGD)
        .args(["-n", "-i"])
        .arg(dir.join("rsyslogd.pid"))
        .arg("-f")
        .arg(dir.join("rsyslog.conf"))
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if dir.join("log").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let logger = |tag: &str, message: &str| {
        let status = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "logger", "-u"])
            .arg(dir.join("log"))
            .args(["-t", tag, message])
            .status()
            .unwrap();
        assert!(status.success());
    };
    for port in 1..=6 {
        logger("sshd", &format!("Failed password for root from 203.0.113.98 port {port} ssh2"));
    }
    logger("kernel", "Oops: 0000 [#1] SMP forged-by-logger");
    for _ in 0..100 {
        let text = std::fs::read_to_string(dir.join("auth.log")).unwrap_or_default();
        if text.contains("forged-by-logger") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    signal(&rsyslogd, libc::SIGTERM);
    rsyslogd.wait().unwrap();
}

#[test]
fn syslog_files_prove_only_what_the_admin_says() {
    if !is_root() || !Path::new(RSYSLOGD).exists() {
        eprintln!("skipped: needs root and {RSYSLOGD}");
        return;
    }
    let dir = scratch("syslogtrust");
    forge_through_rsyslog(&dir);
    let text = std::fs::read_to_string(dir.join("auth.log")).unwrap();
    assert_eq!(text.matches("sshd: Failed password for root from 203.0.113.98").count(), 6, "{text}");

    let top = "log_files = [\"{d}/auth.log\"]\nkmsg = false\nrampart_events = \"{d}/none\"\nmin_level = 1";
    let config = write_config(&dir, top, "[response]\nenabled = false");
    hidsd(&config, &["run", "--once", "--quiet"]);
    let believed = alerts(&dir);
    assert!(believed.is_empty(), "lines anyone can write were believed: {believed:#?}");

    // The admin vouches for sshd in this file: its lines count (the risk is documented),
    // the kernel's never do.
    std::fs::remove_dir_all(dir.join("state")).unwrap();
    let config = write_config(&dir, top, "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]");
    hidsd(&config, &["run", "--once", "--quiet"]);
    let vouched = alerts(&dir);
    let ids: Vec<&str> = vouched.iter().filter_map(|a| a["rule"]["id"].as_str()).collect();
    assert_eq!(ids.iter().filter(|id| **id == "5716").count(), 6, "{vouched:#?}");
    assert!(ids.contains(&"5720"), "{vouched:#?}");
    assert!(!ids.contains(&"5102"), "a kernel rule applied to a syslog file: {vouched:#?}");
    let kernel = "[trust.files]\n\"{d}/auth.log\" = [\"kernel\"]";
    let config = write_config(&dir, top, kernel);
    let out =
        Command::new(env!("CARGO_BIN_EXE_rampart-hidsd")).arg("--config").arg(&config).arg("check-config").output();
    assert!(!out.unwrap().status.success(), "a file was allowed to prove kernel messages");
    std::fs::remove_dir_all(&dir).unwrap();
}
