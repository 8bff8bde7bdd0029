//! Malformed input is counted and skipped, and memory stays bounded: a log with a
//! 48 MiB line without a newline, binary junk and a truncated last line is read by
//! the daemon in well under the size of that line.

mod common;
use common::*;
use std::io::Write;

#[test]
// The child is reaped with wait4(2), which also reports its peak memory.
#[allow(clippy::zombie_processes)]
fn huge_and_binary_lines_do_not_grow_memory() {
    let dir = scratch("memory");
    let log = dir.join("auth.log");
    let mut f = std::fs::File::create(&log).unwrap();
    f.write_all(b"Nov 28 02:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 22\n").unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..48 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\n").unwrap();
    for i in 0..2000u32 {
        f.write_all(&[0u8, 1, 2, 0xff, 0xfe, (i % 256) as u8, b'\n']).unwrap();
    }
    f.write_all(b"Nov 28 02:00:01 h sshd[1]: Invalid user b from 192.0.2.2 port 22\nNov 28 02:00:02 h sshd[1]: trunc")
        .unwrap();
    drop(f);
    let config = write_config(
        &dir,
        "log_files = [\"{d}/auth.log\"]\nstart_at = \"beginning\"\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]",
    );

    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rampart-hidsd"))
        .arg("--config")
        .arg(&config)
        .args(["run", "--once", "--quiet"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for the child this test spawned; both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "status {status}");
    let max_rss_mib = usage.ru_maxrss / 1024;
    assert!(max_rss_mib < 32, "peak RSS {max_rss_mib} MiB for a 48 MiB line");
    let ips: Vec<String> = alerts(&dir).iter().map(|a| a["source"]["ip"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(ips, ["192.0.2.1", "192.0.2.2"], "the lines around the junk are still analysed");
    std::fs::remove_dir_all(&dir).unwrap();
}
