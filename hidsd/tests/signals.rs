//! SIGHUP with a broken configuration keeps the running one; SIGTERM stops cleanly
//! after processing what was read and saves the offsets.

use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn reload_rejects_bad_config_and_term_saves_offsets() {
    let dir = std::env::temp_dir().join(format!("hidsd-signals-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("hidsd.toml");
    let good = format!(
        "log_files = [\"{d}/auth.log\"]\njournal = false\nkmsg = false\nrampart_events = \"{d}/none\"\nrules_dir = \"{d}/rules.d\"\n\
         state_dir = \"{d}/state\"\nalerts_file = \"{d}/alerts.json\"\nlearning_log = \"{d}/learn.jsonl\"\n[response]\nenabled = false\n",
        d = dir.display()
    );
    std::fs::write(&config, &good).unwrap();
    std::fs::write(dir.join("auth.log"), "Nov 28 02:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 22\n").unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_rampart-hidsd"))
        .arg("--config")
        .arg(&config)
        .args(["run", "--quiet"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    std::fs::write(&config, "min_level = 99\n").unwrap();
    unsafe { libc::kill(child.id() as i32, libc::SIGHUP) };
    std::thread::sleep(Duration::from_millis(800));
    std::fs::write(dir.join("auth.log"), "Nov 28 02:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 22\nNov 28 02:00:01 h sshd[1]: Invalid user b from 192.0.2.2 port 22\n").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("reload rejected, keeping the running configuration"), "{stderr}");
    let alerts = std::fs::read_to_string(dir.join("alerts.json")).unwrap();
    assert_eq!(alerts.lines().count(), 2, "both lines alerted under the old config: {alerts}");
    let offsets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("state/offsets.json")).unwrap()).unwrap();
    let offset = offsets.as_object().unwrap().values().next().unwrap()["offset"].as_u64().unwrap();
    assert_eq!(offset, std::fs::metadata(dir.join("auth.log")).unwrap().len());
    std::fs::remove_dir_all(&dir).unwrap();
}
