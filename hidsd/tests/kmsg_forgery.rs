//! A `rampart: denied` line that userspace writes to /dev/kmsg is not trusted: the
//! kernel tags it with a userspace facility, and hidsd drops such records. The same
//! text from the kernel (facility 0) would raise rule 5103.
//! Needs root (writing /dev/kmsg); skipped only when not root.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn forged_kernel_lines_are_not_trusted() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to write /dev/kmsg");
        return;
    }
    let dir = std::env::temp_dir().join(format!("hidsd-kmsg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("hidsd.toml");
    std::fs::write(
        &config,
        format!(
            "log_files = []\njournal = false\nkmsg = true\nrampart_events = \"{d}/none\"\nrules_dir = \"{d}/rules.d\"\n\
             state_dir = \"{d}/state\"\nalerts_file = \"{d}/alerts.json\"\nlearning_log = \"{d}/learn.jsonl\"\nmin_level = 1\n\
             [response]\nenabled = false\n",
            d = dir.display()
        ),
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_rampart-hidsd"))
        .arg("--config")
        .arg(&config)
        .args(["run", "--quiet"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let forged = "<0>rampart: denied /dev/mem (raw memory device access) by /bin/forged[forged:1] uid/euid:0/0 gid/egid:0/0, parent /bin/sh[sh:1] uid/euid:0/0 gid/egid:0/0\n";
    std::fs::OpenOptions::new().write(true).open("/dev/kmsg").unwrap().write_all(forged.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(700));
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let untrusted: u64 = stderr
        .split("untrusted: ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .unwrap_or(0);
    assert!(untrusted >= 1, "the forged record was not seen and dropped: {stderr}");
    let alerts = std::fs::read_to_string(dir.join("alerts.json")).unwrap_or_default();
    assert!(!alerts.contains("forged"), "a forged kernel line raised an alert: {alerts}");
    std::fs::remove_dir_all(&dir).unwrap();
}
