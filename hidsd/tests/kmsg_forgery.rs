//! A `rampart: denied` line that userspace writes to /dev/kmsg is not trusted: the
//! kernel tags it with a userspace facility, and hidsd drops such records. The same
//! text from the kernel (facility 0) would raise rule 5103.
//! Needs root (writing /dev/kmsg); skipped only when not root.

mod common;
use common::*;
use std::io::Write;

#[test]
fn forged_kernel_lines_are_not_trusted() {
    if !is_root() {
        eprintln!("skipped: needs root to write /dev/kmsg");
        return;
    }
    let dir = scratch("kmsg");
    let config = write_config(
        &dir,
        "log_files = []\nkmsg = true\nrampart_events = \"{d}/none\"\nmin_level = 1",
        "[response]\nenabled = false",
    );
    let child = start(&config);
    pause();
    let forged = "<0>rampart: denied /dev/mem (raw memory device access) by /bin/forged[forged:1] uid/euid:0/0 gid/egid:0/0, parent /bin/sh[sh:1] uid/euid:0/0 gid/egid:0/0\n";
    std::fs::OpenOptions::new().write(true).open("/dev/kmsg").unwrap().write_all(forged.as_bytes()).unwrap();
    pause();
    let stderr = stop(child);
    let untrusted: u64 = stderr
        .split("untrusted: ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .unwrap_or(0);
    assert!(untrusted >= 1, "the forged record was not seen and dropped: {stderr}");
    let alerts = alerts(&dir);
    assert!(
        !alerts.iter().any(|a| a.to_string().contains("forged")),
        "a forged kernel line raised an alert: {alerts:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
