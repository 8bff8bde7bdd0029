//! SIGHUP with a broken configuration keeps the running one; SIGTERM stops cleanly
//! after processing what was read and saves the offsets.

mod common;
use common::*;

#[test]
fn reload_rejects_bad_config_and_term_saves_offsets() {
    let dir = scratch("signals");
    let config = write_config(
        &dir,
        "log_files = [\"{d}/auth.log\"]\nstart_at = \"beginning\"\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]",
    );
    std::fs::write(dir.join("auth.log"), "Nov 28 02:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 22\n").unwrap();
    let child = start(&config);
    pause();
    std::fs::write(&config, "min_level = 99\n").unwrap();
    signal(&child, libc::SIGHUP);
    pause();
    std::fs::write(
        dir.join("auth.log"),
        "Nov 28 02:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 22\nNov 28 02:00:01 h sshd[1]: Invalid user b from 192.0.2.2 port 22\n",
    )
    .unwrap();
    pause();
    let stderr = stop(child);
    assert!(stderr.contains("reload rejected, keeping the running configuration"), "{stderr}");
    assert_eq!(alerts(&dir).len(), 2, "both lines alerted under the old config");
    let offsets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("state/offsets.json")).unwrap()).unwrap();
    let offset = offsets.as_object().unwrap().values().next().unwrap()["offset"].as_u64().unwrap();
    assert_eq!(offset, std::fs::metadata(dir.join("auth.log")).unwrap().len());
    std::fs::remove_dir_all(&dir).unwrap();
}
