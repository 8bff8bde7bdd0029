//! With the shipped defaults the daemon reads the kernel log twice: from /dev/kmsg and
//! as the journal's copy (journald reads /dev/kmsg too). Each kernel message must count
//! once: six real segfaults (the kernel logs `segfault at`) raise six alerts of rule
//! 5101 and no crash storm (rule 5104 needs ten). A real journald runs in a private
//! mount namespace, as in journald.rs (its copy of the kernel log starts with the
//! whole kernel buffer: `start_at = "end"` keeps earlier tests' segfaults out). Needs
//! root and systemd-journald.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const JOURNALD: &str = "/lib/systemd/systemd-journald";

const SCRIPT: &str = r#"
set -eu
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/log
mkdir -p /run/systemd/journal /run/log/journal
/lib/systemd/systemd-journald >"$DIR/journald.log" 2>&1 &
journald=$!
trap 'kill $journald 2>/dev/null || true' EXIT
i=0
while [ ! -S /run/systemd/journal/stdout ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$HIDSD" --config "$CONFIG" run --quiet 2>"$DIR/run.err" &
daemon=$!
sleep 2
for n in 1 2 3 4 5 6; do
	python3 -c 'import ctypes; ctypes.string_at(0)' 2>/dev/null || true
done
sleep 2
kill -TERM $daemon
wait $daemon
"#;

#[test]
fn kernel_messages_count_once_with_kmsg_and_journal() {
    if !is_root() || !Path::new(JOURNALD).exists() {
        eprintln!("skipped: needs root (mount namespace) and {JOURNALD}");
        return;
    }
    let trace = std::fs::read_to_string("/proc/sys/debug/exception-trace").unwrap_or_default();
    if trace.trim() != "1" {
        eprintln!("skipped: the kernel does not log segfaults (debug.exception-trace)");
        return;
    }
    let dir = scratch("kdedup");
    let config = write_config(
        &dir,
        "journal = true\nlog_files = []\nkmsg = true\nrampart_events = \"{d}/none\"\nmin_level = 1\nstart_at = \"end\"",
        "[response]\nenabled = false",
    );
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", SCRIPT])
        .env("HIDSD", env!("CARGO_BIN_EXE_rampart-hidsd"))
        .env("CONFIG", &config)
        .env("DIR", &dir)
        .output()
        .unwrap();
    let run_err = std::fs::read_to_string(dir.join("run.err")).unwrap_or_default();
    assert!(out.status.success(), "namespace script failed: {}\n{run_err}", String::from_utf8_lossy(&out.stderr));
    let alerts = alerts(&dir);
    let python = |a: &&serde_json::Value| a["labels"]["comm"].as_str().is_some_and(|c| c.starts_with("python3"));
    let segfaults: Vec<&serde_json::Value> =
        alerts.iter().filter(|a| a["rule"]["id"] == "5101").filter(python).collect();
    assert_eq!(segfaults.len(), 6, "each segfault alerted once: {segfaults:#?}\n{run_err}");
    assert!(!alerts.iter().any(|a| a["rule"]["id"] == "5104"), "six crashes made a crash storm: {alerts:#?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
