//! Fuzzing every parser that reads input on arbitrary bytes: syslog lines (and the
//! rules run on what they decode), journal JSON, kernel log records, rampart events,
//! the configuration and rule files. Each parser gets random bytes and random edits
//! of valid inputs (so the fuzzer reaches past the first check); a panic fails the
//! test. `HIDSD_FUZZ_CASES` sets the number of inputs per strategy (default 4096).

use crate::config::Config;
use crate::lines::{for_each_view, LineStats};
use crate::rules::engine::Engine;
use crate::sources::{journal, kmsg, rampart};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunConfig, TestRunner};
use std::sync::atomic::{AtomicU64, Ordering};

fn cases() -> u32 {
    std::env::var("HIDSD_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(4096)
}

/// Arbitrary bytes, short and long.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..64), prop::collection::vec(any::<u8>(), 0..2048)]
}

/// An edit of a valid input: insert, overwrite or cut at a position.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, Vec<u8>),
    Overwrite(usize, Vec<u8>),
    Cut(usize, usize),
}

/// Bytes that may be multibyte UTF-8 pieces, digits and separators the parsers split on.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    let special: Vec<&'static [u8]> = vec![
        "é".as_bytes(),
        "€".as_bytes(),
        "😀".as_bytes(),
        b"\xff",
        b"\xe2\x82",
        b"\0",
        b"\n",
        b"\r",
        b" ",
        b":",
        b"-",
        b"+",
        b".",
        b"T",
        b"Z",
        b"[",
        b"]",
        b";",
        b",",
        b"\"",
        b"{",
        b"}",
        b"9999999999999999999999",
        b"-9223372036854775808",
        b"18446744073709551615",
    ];
    prop_oneof![
        prop::sample::select(special).prop_map(<[u8]>::to_vec),
        prop::collection::vec(any::<u8>(), 1..8),
        "[0-9]{1,20}".prop_map(String::into_bytes),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), piece()).prop_map(|(at, b)| Edit::Insert(at, b)),
        (any::<usize>(), piece()).prop_map(|(at, b)| Edit::Overwrite(at, b)),
        (any::<usize>(), 0usize..16).prop_map(|(at, n)| Edit::Cut(at, n)),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for e in edits {
        let len = out.len() + 1;
        match e {
            Edit::Insert(at, b) => {
                let at = at % len;
                out.splice(at..at, b.iter().copied());
            }
            Edit::Overwrite(at, b) => {
                let at = at % len;
                let end = (at + b.len()).min(out.len());
                out.splice(at..end, b.iter().copied());
            }
            Edit::Cut(at, n) => {
                let at = at % len;
                let end = (at + n).min(out.len());
                out.drain(at.min(out.len())..end);
            }
        }
    }
    out
}

/// Random edits of one of `seeds`.
fn mutated(seeds: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (prop::sample::select(seeds), prop::collection::vec(edit(), 1..6)).prop_map(|(s, e)| apply(s.as_bytes(), &e))
}

/// Runs `check` on random bytes and on edits of `seeds`; returns the inputs run.
fn fuzz(name: &str, seeds: &'static [&'static str], check: impl Fn(&[u8])) -> u64 {
    let ran = AtomicU64::new(0);
    for strategy in [bytes().boxed(), mutated(seeds).boxed()] {
        let mut runner =
            TestRunner::new(RunConfig { cases: cases(), failure_persistence: None, ..RunConfig::default() });
        let result = runner.run(&strategy, |input| {
            ran.fetch_add(1, Ordering::Relaxed);
            check(&input);
            Ok(())
        });
        if let Err(e) = result {
            panic!("{name}: {e}");
        }
    }
    let ran = ran.into_inner();
    eprintln!("fuzz {name}: {ran} inputs, 0 panics");
    ran
}

const LOG_LINES: &[&str] = &[
    "Nov 28 02:00:05 web1 sshd[4242]: Failed password for root from 203.0.113.9 port 2222 ssh2",
    "Nov  2 02:00:05 h kernel: [ 12.345678] a.out[99]: segfault at 0 ip 00007f sp 0 error 4",
    "2026-11-28T03:00:05.123456+01:00 web1 sudo: alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh",
    "2026-11-28T03:00:05Z web1 sshd[1]: Invalid user a from ::ffff:192.0.2.1 port 22",
    "2026-11-28T03:00:05-05:30 web1 sshd[1]: Connection closed by invalid user x fe80::1%eth0 port 22 [preauth]",
    "Nov 28 02:00:05 h sshd[1]: error: maximum authentication attempts exceeded for root from 192.0.2.7 port 1 ssh2 [preauth]",
];

#[test]
fn log_lines() {
    let mut engine = Engine::new(crate::rules::load(None).unwrap_or_default());
    let engine = std::cell::RefCell::new(&mut engine);
    fuzz("log lines", LOG_LINES, |input| {
        let text = String::from_utf8_lossy(input);
        let _ = crate::logline::parse(&text, 2026);
        let _ = crate::logline::parse(&text, i64::MAX);
        let mut stats = LineStats::default();
        let mut e = engine.borrow_mut();
        let mut matched = Vec::new();
        for_each_view(input, 2026, &mut stats, |view, time, _| {
            if let Some(m) = e.match_base(view) {
                matched.push((m, time));
            }
        });
        for ((rule, fields), time) in matched {
            let _ = e.correlate(rule, fields, time);
        }
        if let Some(event) =
            crate::lines::decode(input, "fuzz", 2026, &crate::trust::Trust::default().file("f".as_ref()), &mut stats)
        {
            let _ = e.process(&event);
        }
    });
}

/// The file follower on arbitrary file contents, read in two polls.
#[test]
fn followed_files() {
    let dir = std::env::temp_dir().join(format!("hidsd-fuzz-follow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let path = dir.join("auth.log");
    let cases = std::env::var("HIDSD_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(4096u32) / 8;
    let mut runner = TestRunner::new(RunConfig { cases, failure_persistence: None, ..RunConfig::default() });
    let strategy = prop_oneof![bytes(), mutated(LOG_LINES)];
    let result = runner.run(&strategy, |input| {
        let (a, b) = input.split_at(input.len() / 2);
        std::fs::write(&path, a).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let proof = crate::trust::Trust::default().file(&path);
        let mut f = crate::sources::file::Follower::new(path.clone(), None, proof);
        let mut n = 0;
        f.poll(2026, &mut |_| n += 1).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut file =
            std::fs::OpenOptions::new().append(true).open(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        std::io::Write::write_all(&mut file, b).map_err(|e| TestCaseError::fail(e.to_string()))?;
        f.poll(2026, &mut |_| n += 1).map_err(|e| TestCaseError::fail(e.to_string()))?;
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = result {
        panic!("followed files: {e}");
    }
    eprintln!("fuzz followed files: {cases} inputs, 0 panics");
}

#[test]
fn alert_times() {
    for t in [i64::MIN, -1, 0, 1_795_831_205, i64::MAX] {
        let _ = crate::sinks::alerts::rfc3339(t);
    }
}

const JOURNAL: &[&str] = &[
    r#"{"__CURSOR":"s=abc;i=1","__REALTIME_TIMESTAMP":"1795831205000000","_PID":"42","_UID":"0","_TRANSPORT":"syslog","_SYSTEMD_UNIT":"ssh.service","_EXE":"/usr/sbin/sshd","_COMM":"sshd","SYSLOG_IDENTIFIER":"sshd","MESSAGE":"Invalid user a from 192.0.2.1 port 22"}"#,
    r#"{"_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel","_SOURCE_MONOTONIC_TIMESTAMP":"434848708","_BOOT_ID":"374f","MESSAGE":[104,105,255]}"#,
    r#"{"MESSAGE":"x","__REALTIME_TIMESTAMP":"-9223372036854775808"}"#,
    r#"{"SYSLOG_IDENTIFIER":"sshd","_TRANSPORT":"stdout","_PID":"21917","_COMM":"cat","MESSAGE":"Failed password for root from 203.0.113.98 port 1 ssh2","_EXE":"/usr/bin/cat","_UID":"65534"}"#,
];

#[test]
fn journal_json() {
    fuzz("journal JSON", JOURNAL, |input| {
        let _ = journal::decode(&String::from_utf8_lossy(input), &crate::trust::Trust::default());
    });
}

const KMSG: &[&str] = &[
    "4,812,5310042,-;rampart: denied /dev/mem (raw memory device access) by /bin/x[x:9] uid/euid:0/0 gid/egid:0/0\n SUBSYSTEM=x\n",
    "12,813,5310050,-;Oops: forged\n",
    "6,1,18446744073709551615,c;x",
];

#[test]
fn kmsg_records() {
    fuzz("kmsg records", KMSG, |input| {
        let mut stats = kmsg::KmsgStats::default();
        let text = String::from_utf8_lossy(input);
        let _ = kmsg::to_event(&text, 1_700_000_000, &mut stats);
        let _ = kmsg::to_event(&text, i64::MAX, &mut stats);
    });
}

const EVENTS: &[&str] = &[
    r#"{"seq":7,"time_ns":2000000000,"module":"devmem","decision":"deny","uid":0,"euid":0,"gid":0,"egid":0,"pid":9,"comm":"dd","exe":"/bin/dd","object":"/dev/mem","reason":"raw"}"#,
    r#"{"seq":18446744073709551615,"time_ns":18446744073709551615,"decision":"learn"}"#,
    r#"{"seq":0}"#,
];

#[test]
fn rampart_events() {
    let decoder = std::cell::RefCell::new(rampart::Decoder::default());
    fuzz("rampart events", EVENTS, |input| {
        let text = String::from_utf8_lossy(input);
        let mut d = decoder.borrow_mut();
        for line in text.lines() {
            let _ = d.decode(line, 1_700_000_000);
            let _ = d.decode(line, i64::MAX);
        }
        // As the daemon reads: bytes, cut anywhere.
        let (a, b) = input.split_at(input.len() / 3);
        for event in d.feed(a, 0).into_iter().chain(d.feed(b, i64::MAX)) {
            let _ = crate::sinks::alerts::rfc3339(event.time);
        }
    });
}

const CONFIGS: &[&str] = &[
    "log_files = [\"/var/log/auth.log\"]\njournal = true\nmin_level = 3\n[response]\nblock_seconds = 600\nallowlist = [\"10.0.0.0/8\", \"::ffff:192.0.2.0/120\", \"fe80::/10\"]\n",
    "[fim]\npaths = [\"/etc\"]\nthreads = 0\nrealtime = [\"/etc\"]\n",
];

#[test]
fn configuration() {
    fuzz("configuration", CONFIGS, |input| {
        if let Ok(config) = toml::from_str::<Config>(&String::from_utf8_lossy(input)) {
            let _ = config.validate();
            let _ = config.allowlist();
        }
    });
}

const RULES: &[&str] = &[
    "[[rule]]\nid = 1\nlevel = 3\ndescription = \"x\"\nprogram = \"sshd\"\npattern = '^Failed (?P<srcip>\\S+)$'\ngroups = [\"g\"]\n\n[[rule]]\nid = 2\nlevel = 10\ndescription = \"y\"\nif_matched_group = \"g\"\nfrequency = 5\ntimeframe = 60\nsame_field = \"srcip\"\nresponse = \"block\"\n",
    "[[rule]]\nid = 4294967295\nlevel = 15\ndescription = \"\"\nsource = \"kmsg\"\nfields = { a = \"b\" }\n",
];

#[test]
fn rule_files() {
    fuzz("rule files", RULES, |input| {
        if let Ok(rules) = crate::rules::parse_file(&String::from_utf8_lossy(input), "fuzz.toml") {
            let mut engine = Engine::new(rules);
            let event = crate::event::Event {
                source: crate::event::SourceKind::Log,
                origin: "fuzz".into(),
                time: i64::MIN,
                program: "sshd".into(),
                proven: true,
                message: "Failed 192.0.2.1".into(),
                fields: Default::default(),
                raw: String::new(),
                record: None,
            };
            for time in [i64::MIN, 0, i64::MAX] {
                let _ = engine.process(&crate::event::Event { time, ..event.clone() });
            }
        }
    });
}

const CGROUPS: &[&str] = &[
    "/system.slice/docker-4c01db0b339c7b2c8e4e0b21ba1f4e4e95f8c51e1f3e9a7f6d2c1b0a99887766.scope",
    "/kubepods/besteffort/pod1234/4c01db0b339c7b2c8e4e0b21ba1f4e4e95f8c51e1f3e9a7f6d2c1b0a99887766",
    "/machine.slice/systemd-nspawn@build\\x2dbox.service",
    "/lxc/web2/init.scope",
    "12:pids:/\n0::/system.slice/sshd.service\n",
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
];

/// Container attribution reads names anyone with a delegated cgroup picks, and the
/// kernel's /proc tables: none of them may panic it.
#[test]
fn cgroup_paths_and_tables() {
    fuzz("cgroup paths", CGROUPS, |input| {
        let text = String::from_utf8_lossy(input);
        let _ = crate::container::container_of(&text);
        let _ = crate::container::unified_path(&text);
        let _ = crate::container::cgroup2_mount(&text);
    });
}
