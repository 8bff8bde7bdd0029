//! A real systemd-journald (Debian 12 logs sshd only to the journal): started in a
//! private mount namespace with its own /run and /var/log, fed sshd failure lines
//! through its stdout transport (`systemd-cat -t sshd`), read by the daemon through
//! `journalctl`. The brute-force rule fires for the attacking address, and after a
//! restart the daemon resumes at its saved cursor: old entries are not alerted again.
//!
//! Trust: the journal's identifier (`SYSLOG_IDENTIFIER`) is the writer's choice. The
//! test's configuration proves sshd by executable and uid (`cat`, which `systemd-cat`
//! runs, as root: a stand-in for /usr/sbin/sshd); the same lines written by uid 65534
//! (`setpriv --reuid=65534 systemd-cat -t sshd`), a `logger -t kernel` oops as uid
//! 65534 and a root write to /dev/kmsg (a userspace facility) raise nothing.

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
/lib/systemd/systemd-journald >"$DIR/journald.log" 2>&1 &
journald=$!
# journald must not outlive a failing script (it would hold the test's output pipes).
trap 'kill $journald 2>/dev/null || true' EXIT
i=0
while [ ! -S /run/systemd/journal/stdout ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
# systemd-cat runs cat; its stdin stays open a moment so journald still sees the
# process (its _EXE) when it stores the lines.
sshd() { { printf '%s\n' "$@"; sleep 0.5; } | systemd-cat -t sshd -p info; }
nobody_sshd() { { printf '%s\n' "$@"; sleep 0.5; } | setpriv --reuid=65534 --regid=65534 --clear-groups systemd-cat -t sshd -p info; }
settle() { sleep 2; }

"$HIDSD" --config "$CONFIG" run --quiet 2>"$DIR/run1.err" &
daemon=$!
settle
sshd "Failed password for invalid user admin from 203.0.113.7 port 40001 ssh2" \
	"Failed password for invalid user admin from 203.0.113.7 port 40002 ssh2" \
	"Failed password for invalid user admin from 203.0.113.7 port 40003 ssh2" \
	"Failed password for invalid user admin from 203.0.113.7 port 40004 ssh2" \
	"Failed password for invalid user admin from 203.0.113.7 port 40005 ssh2" \
	"Failed password for invalid user admin from 203.0.113.7 port 40006 ssh2" \
	"Failed password for invalid user x from 198.51.100.9 port 22 from 203.0.113.8 port 40100 ssh2"
# Forgeries: sshd's lines from another uid, a kernel oops from logger, a root write to /dev/kmsg.
nobody_sshd "Failed password for root from 203.0.113.98 port 1 ssh2" \
	"Failed password for root from 203.0.113.98 port 2 ssh2" \
	"Failed password for root from 203.0.113.98 port 3 ssh2" \
	"Failed password for root from 203.0.113.98 port 4 ssh2" \
	"Failed password for root from 203.0.113.98 port 5 ssh2" \
	"Failed password for root from 203.0.113.98 port 6 ssh2"
setpriv --reuid=65534 --regid=65534 --clear-groups logger -u /run/systemd/journal/dev-log -t kernel \
	'Oops: 0000 [#1] SMP forged-by-logger'
echo '<0>Oops: 0000 [#1] SMP forged-by-kmsg' > /dev/kmsg
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
        "journal = true\nlog_files = []\nkmsg = false\nrampart_events = \"{d}/none\"\nmin_level = 1",
        "[response]\nenabled = false\n[[trust.program]]\nname = \"sshd\"\nexes = [\"/usr/bin/cat\"]\nuids = [0]",
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
    assert!(
        alerts.iter().all(|a| a["source"]["ip"] != "203.0.113.98"),
        "lines uid 65534 wrote as `sshd` were believed: {alerts:#?}"
    );
    assert!(
        alerts.iter().all(|a| !a.to_string().contains("forged-by")),
        "a forged kernel oops raised an alert: {alerts:#?}"
    );
    let journal = alerts.iter().find(|a| a["source"]["ip"] == "203.0.113.9").unwrap();
    assert!(journal.to_string().contains("journal"), "alert does not say it came from the journal: {journal}");
    std::fs::remove_dir_all(&dir).unwrap();
}
