//! Daemon-mode measurements (not run by default: `cargo test -p rampart-hidsd --release
//! --test daemon_bench -- --ignored --nocapture`; needs root, ip and nft):
//! - the time from an attack's last line being appended to the address being in the
//!   nftables set (the alert is written once nft has returned), p50 and p99 over 1,000
//!   attacks of five failures each from a new address;
//! - sustained lines per second while a file is appended at full speed, and that no line
//!   is lost (the daemon's own line count).

mod common;
use common::*;
use std::io::{Read, Seek, Write};
use std::time::{Duration, Instant};

/// Alerts appended to `path` since `offset` (advanced).
fn new_alerts(path: &std::path::Path, offset: &mut u64) -> Vec<serde_json::Value> {
    let Ok(mut f) = std::fs::File::open(path) else { return Vec::new() };
    let _ = f.seek(std::io::SeekFrom::Start(*offset));
    let mut text = String::new();
    let _ = f.read_to_string(&mut text);
    let whole = text.rfind('\n').map_or(0, |i| i + 1);
    *offset += whole as u64;
    text[..whole].lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[test]
#[ignore]
fn attack_to_block_latency_and_throughput() {
    if !is_root() {
        eprintln!("skipped: needs root");
        return;
    }
    let ns = Netns::create("bench");
    let dir = scratch("daemonbench");
    let log = dir.join("auth.log");
    std::fs::write(&log, "").unwrap();
    let config = write_config(
        &dir,
        "log_files = [\"{d}/auth.log\"]\nkmsg = false\nrampart_events = \"{d}/none\"",
        &format!(
            "[response]\nblock_seconds = 600\nnetns = \"{}\"\n[trust.files]\n\"{{d}}/auth.log\" = [\"sshd\"]\n\
             [fim]\nrealtime = []",
            ns.0
        ),
    );
    let child = Running::start(&config);
    pause();
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let mut offset = 0;
    let mut latencies = Vec::new();
    for n in 0..1000u32 {
        let ip = format!("10.{}.{}.{}", 100 + n / 65536, (n / 256) % 256, n % 256);
        let text: String = (0..5)
            .map(|p| format!("Nov 28 02:00:00 h sshd[1]: Failed password for root from {ip} port {p} ssh2\n"))
            .collect();
        let written = Instant::now();
        f.write_all(text.as_bytes()).unwrap();
        'wait: loop {
            for a in new_alerts(&dir.join("alerts.json"), &mut offset) {
                if a["rampart"]["response"]["address"] == ip.as_str() {
                    assert_eq!(a["rampart"]["response"]["outcome"], "blocked", "{a}");
                    break 'wait;
                }
            }
            assert!(written.elapsed() < Duration::from_secs(10), "{ip} never blocked");
            std::thread::sleep(Duration::from_micros(200));
        }
        latencies.push(written.elapsed());
    }
    latencies.sort();
    let set = ns.nft(&["list", "set", "inet", "rampart", "block4"]);
    assert!(set.contains("10.100.3.231"), "the last address is not in the set");
    eprintln!(
        "attack to block (nft set): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} attacks",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3,
        latencies.len()
    );

    // Throughput: lines that decode and match no rule, as fast as they can be written,
    // then a marker line that alerts.
    let lines = 2_000_000u64;
    let line =
        "Nov 28 02:00:00 web1 CRON[4242]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n";
    let chunk = line.repeat(10_000);
    let started = Instant::now();
    for _ in 0..lines / 10_000 {
        f.write_all(chunk.as_bytes()).unwrap();
    }
    f.write_all(b"Nov 28 02:00:00 h sshd[1]: Invalid user marker from 192.0.2.250 port 22\n").unwrap();
    let written = started.elapsed();
    'marker: loop {
        for a in new_alerts(&dir.join("alerts.json"), &mut offset) {
            if a["user"]["name"] == "marker" {
                break 'marker;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(120), "marker never alerted");
        std::thread::sleep(Duration::from_millis(1));
    }
    let elapsed = started.elapsed();
    let stderr = child.stop();
    let read: u64 = stderr
        .lines()
        .find(|l| l.contains("auth.log:") && l.contains(" lines,"))
        .and_then(|l| l.split("auth.log: ").nth(1)?.split(' ').next()?.parse().ok())
        .unwrap_or(0);
    let total = 1000 * 5 + lines + 1;
    eprintln!(
        "sustained: {lines} lines written in {:.2} s, all read in {:.2} s: {:.0} lines/s; {} of {total} lines read ({} lost)",
        written.as_secs_f64(),
        elapsed.as_secs_f64(),
        lines as f64 / elapsed.as_secs_f64(),
        read,
        total.saturating_sub(read)
    );
    assert_eq!(read, total, "lines lost: {stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
