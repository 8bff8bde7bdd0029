//! A real systemd-journald (Debian 12 logs sshd only to the journal): started in a
//! private mount namespace with its own /run and /var/log, fed sshd failure lines
//! through its stdout transport (`systemd-cat -t sshd`), read by the daemon through
//! `journalctl`. The brute-force rule fires for the attacking address, and after a
//! restart the daemon resumes at its saved cursor: old entries are not alerted again.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const JOURNALD: &str = "/lib/systemd/systemd-journald";

/// The namespace's script: journald, two daemon runs, log lines in between.
const SCRIPT: &str = r#"
set -eu
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/log
mkdir -p /run/systemd/journal /run/log/journal
/lib/systemd/systemd-journald &
journald=$!
i=0
while [ ! -S /run/systemd/journal/stdout ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sshd() { echo "$1" | systemd-cat -t sshd -p info; }
settle() { sleep 2; }

"$HIDSD" --config "$CONFIG" run --quiet 2>"$DIR/run1.err" &
daemon=$!
settle
for port in 40001 40002 40003 40004 40005 40006; do
	sshd "Failed password for invalid user admin from 203.0.113.7 port $port ssh2"
done
# An attacker's user name naming another address must not make that address the source.
sshd "Failed password for invalid user x from 198.51.100.9 port 22 from 203.0.113.8 port 40100 ssh2"
settle
kill -TERM $daemon
wait $daemon

"$HIDSD" --config "$CONFIG" run --quiet 2>"$DIR/run2.err" &
daemon=$!
settle
sshd "Invalid user backup from 203.0.113.9 port 40200"
settle
kill -TERM $daemon
wait $daemon
kill $journald
"#;

#[test]
fn a_real_journald_feeds_the_rules_and_the_cursor_survives_a_restart() {
    if !is_root() || !Path::new(JOURNALD).exists() {
        eprintln!("skipped: needs root (mount namespace) and {JOURNALD}");
        return;
    }
    let dir = scratch("journald");
    let config = write_config(
        &dir,
        "journal = true\nlog_files = []\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false",
    );
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", SCRIPT])
        .env("HIDSD", env!("CARGO_BIN_EXE_rampart-hidsd"))
        .env("CONFIG", &config)
        .env("DIR", &dir)
        .output()
        .unwrap();
    let run_err = |n: u32| std::fs::read_to_string(dir.join(format!("run{n}.err"))).unwrap_or_default();
    assert!(
        out.status.success(),
        "namespace script failed: {}\nrun1: {}\nrun2: {}",
        String::from_utf8_lossy(&out.stderr),
        run_err(1),
        run_err(2)
    );

    let alerts = alerts(&dir);
    let of = |id: &str, ip: &str| alerts.iter().filter(|a| a["rule"]["id"] == id && a["source"]["ip"] == ip).count();
    assert_eq!(of("5716", "203.0.113.7"), 6, "every failure read from the journal: {alerts:#?}");
    assert!(of("5720", "203.0.113.7") >= 1, "brute force from 203.0.113.7 not detected: {alerts:#?}");
    assert_eq!(of("5716", "203.0.113.8"), 1, "the address sshd wrote at the end is the source");
    assert!(alerts.iter().all(|a| a["source"]["ip"] != "198.51.100.9"), "address from the user name used");
    // The second run started after the saved cursor: only the new entry.
    assert_eq!(of("5710", "203.0.113.9"), 1, "entry written during the second run");
    assert_eq!(alerts.iter().filter(|a| a["rule"]["id"] == "5716").count(), 7, "old entries alerted again");
    let journal = alerts.iter().find(|a| a["source"]["ip"] == "203.0.113.9").unwrap();
    assert!(journal.to_string().contains("journal"), "alert does not say it came from the journal: {journal}");
    std::fs::remove_dir_all(&dir).unwrap();
}
