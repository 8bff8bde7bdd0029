//! The daemon waits for input instead of sleeping between passes: a line appended to
//! a followed log is alerted within milliseconds (it used to wait for the next pass,
//! up to 250 ms), and an idle daemon hardly wakes (it used to four times a second).

mod common;
use common::*;
use std::io::Write;
use std::time::{Duration, Instant};

/// The main thread's voluntary context switches (each wait that returned counts one).
fn wakeups(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("voluntary_ctxt_switches:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn lines_are_read_at_once_and_idle_is_quiet() {
    let dir = scratch("eventdriven");
    let log = dir.join("auth.log");
    std::fs::write(&log, "").unwrap();
    let config = write_config(
        &dir,
        "log_files = [\"{d}/auth.log\"]\nkmsg = false\nrampart_events = \"{d}/none\"",
        "[response]\nenabled = false\n[trust.files]\n\"{d}/auth.log\" = [\"sshd\"]\n[fim]\nrealtime = []",
    );
    let child = Running::start(&config);
    pause();
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let mut latencies = Vec::new();
    for i in 0..20 {
        let line = format!("Nov 28 02:00:00 h sshd[1]: Invalid user u{i} from 192.0.2.{} port 22\n", i + 1);
        let written = Instant::now();
        f.write_all(line.as_bytes()).unwrap();
        while alerts(&dir).len() <= i {
            assert!(written.elapsed() < Duration::from_secs(5), "line {i} never alerted");
            std::thread::sleep(Duration::from_millis(1));
        }
        latencies.push(written.elapsed());
        std::thread::sleep(Duration::from_millis(37));
    }
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    assert!(median < Duration::from_millis(50), "median latency {median:?}: {latencies:?}");

    let pid = child.child().id();
    let before = wakeups(pid);
    std::thread::sleep(Duration::from_secs(3));
    let idle = wakeups(pid) - before;
    assert!(idle <= 3, "an idle daemon woke {idle} times in 3 s");
    child.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}
