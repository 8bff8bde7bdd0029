//! Shared set-up for the daemon's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hidsd-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `dir/hidsd.toml`: state, alerts, learning log and rules under `dir`, no
/// journal unless `top` sets `journal`; `top` adds top-level keys (it must set
/// `log_files`, `kmsg` and `rampart_events`), `tables` adds `[response]`/`[fim]`
/// sections. `{d}` stands for `dir`.
pub fn write_config(dir: &Path, top: &str, tables: &str) -> PathBuf {
    let d = dir.display().to_string();
    let journal = if top.contains("journal =") { "" } else { "journal = false\n" };
    let text = format!(
        "{journal}rules_dir = \"{d}/rules.d\"\nstate_dir = \"{d}/state\"\nalerts_file = \"{d}/alerts.json\"\n\
         learning_log = \"{d}/learn.jsonl\"\n{}\n{}\n",
        top.replace("{d}", &d),
        tables.replace("{d}", &d)
    );
    let path = dir.join("hidsd.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `rampart-hidsd --config CONFIG ARGS...` to completion; panics on failure.
pub fn hidsd(config: &Path, args: &[&str]) -> String {
    let out =
        Command::new(env!("CARGO_BIN_EXE_rampart-hidsd")).arg("--config").arg(config).args(args).output().unwrap();
    assert!(out.status.success(), "rampart-hidsd {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts the daemon in the background.
pub fn start(config: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rampart-hidsd"))
        .arg("--config")
        .arg(config)
        .args(["run", "--quiet"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A started daemon that is killed if the test fails before stopping it (it would
/// otherwise hold the test's output open).
pub struct Running(Option<Child>);

impl Running {
    /// Starts the daemon in the background.
    pub fn start(config: &Path) -> Self {
        Running(Some(start(config)))
    }

    /// The daemon's process.
    pub fn child(&self) -> &Child {
        self.0.as_ref().expect("running")
    }

    /// Stops it with SIGTERM (see [`stop`]).
    pub fn stop(mut self) -> String {
        stop(self.0.take().expect("running"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends `signal` to the daemon.
pub fn signal(child: &Child, signal: i32) {
    // SAFETY: kill(2) with a pid this test started; no memory is involved.
    unsafe { libc::kill(child.id() as i32, signal) };
}

/// Stops the daemon with SIGTERM; asserts it exited cleanly and returns its stderr.
pub fn stop(child: Child) -> String {
    signal(&child, libc::SIGTERM);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

/// Waits long enough for the daemon's poll loop (250 ms) to run a few times.
pub fn pause() {
    std::thread::sleep(std::time::Duration::from_millis(700));
}

/// The alerts file as JSON values.
pub fn alerts(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("alerts.json"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Whether the tests run as root (network namespaces and /dev/kmsg need it).
pub fn is_root() -> bool {
    // SAFETY: geteuid(2) has no arguments and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A network namespace for nftables tests, deleted when dropped.
pub struct Netns(pub String);

impl Netns {
    /// Creates a namespace named after the test and the process.
    pub fn create(test: &str) -> Self {
        let name = format!("rampart-hidsd-{test}-{}", std::process::id());
        let status = Command::new("ip").args(["netns", "add", &name]).status().expect("running ip (install iproute2)");
        assert!(status.success(), "ip netns add failed");
        Netns(name)
    }

    /// Runs `nft ARGS...` in the namespace; its stdout (empty on failure).
    pub fn nft(&self, args: &[&str]) -> String {
        let out = Command::new("ip").args(["netns", "exec", &self.0, "nft"]).args(args).output().expect("running nft");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}
