//! `rampart-usermode-helper`: the kernel's static usermode helper (see the library).
//! `argv[0]` is the program the kernel was asked to run, the rest its arguments.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitCode};

use rampart_umh::{allowlist, ownership};

/// Exit status of a refused helper (the shell's "cannot execute").
const REFUSED: u8 = 126;

/// The longest requested name quoted in a log line (escaped), so that the line stays
/// under `/dev/kmsg`'s limit and is never silently dropped.
const MAX_LOGGED_NAME: usize = 160;

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    let Some(requested) = args.next() else {
        log("refused program=\"\" reason=no-program");
        return ExitCode::from(REFUSED);
    };
    let rest: Vec<OsString> = args.collect();
    let rest_bytes: Vec<&[u8]> = rest.iter().map(|a| a.as_bytes()).collect();
    let entries = load_allowlist();
    let Some(entry) = allowlist::find(&entries, requested.as_bytes()) else {
        return refuse(&requested, "not-allowed");
    };
    if !entry.arguments.allow(&rest_bytes) {
        return refuse(&requested, "arguments-not-allowed");
    }
    let program = match ownership::trusted_program(Path::new(&entry.path)) {
        Ok(p) => p,
        Err(why) => return refuse(&requested, why.as_str()),
    };
    // The kernel's environment for helpers, fixed here: `call_modprobe`'s environment
    // lives in writable kernel data (MODPROBE_OPTIONS would bring back `-C`).
    let err = Command::new(&program)
        .arg0(&entry.path)
        .args(&rest)
        .env_clear()
        .env("HOME", "/")
        .env("TERM", "linux")
        .env("PATH", "/sbin:/usr/sbin:/bin:/usr/bin")
        .exec();
    log(&format!(
        "failed program=\"{}\" reason=exec-failed errno={}",
        escape(&requested),
        err.raw_os_error().unwrap_or(0)
    ));
    ExitCode::from(REFUSED)
}

/// The admin's list when it is there, trusted and well formed; otherwise (said in the
/// kernel log) the built-in list.
fn load_allowlist() -> Vec<allowlist::Entry> {
    let text = match ownership::read_trusted_file(Path::new(allowlist::FILE), allowlist::MAX_FILE_BYTES) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return allowlist::built_in(),
        Err(e) if e.kind() == std::io::ErrorKind::Other => return fall_back(&e.to_string()),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return fall_back("a-symbolic-link"),
        Err(_) => return fall_back("unreadable"),
    };
    match allowlist::parse(&text) {
        Ok(list) => list,
        Err(bad) => fall_back(&format!("line-{}:{}", bad.line, bad.reason.replace(' ', "-").replace('`', ""))),
    }
}

fn fall_back(reason: &str) -> Vec<allowlist::Entry> {
    log(&format!("ignored list=\"{}\" reason={reason} using=built-in", allowlist::FILE));
    allowlist::built_in()
}

fn refuse(requested: &std::ffi::OsStr, reason: &str) -> ExitCode {
    log(&format!("refused program=\"{}\" reason={reason}", escape(requested)));
    ExitCode::from(REFUSED)
}

/// One line in the kernel log at warning level (user facility: the kernel marks lines
/// written from user space as such, so they cannot pass for the kernel's own).
fn log(message: &str) {
    if let Ok(mut kmsg) = std::fs::OpenOptions::new().write(true).open("/dev/kmsg") {
        let _ = kmsg.write_all(format!("<4>rampart-usermode-helper: {message}\n").as_bytes());
    }
}

/// The requested path as printable ASCII, cut at [`MAX_LOGGED_NAME`] (marked `...`):
/// a path is chosen by whoever set the kernel's helper path, and must neither start a
/// log line of its own, nor end the quoted field, nor make the line too long to log.
fn escape(path: &std::ffi::OsStr) -> String {
    let mut out = String::new();
    for &b in path.as_bytes() {
        if out.len() >= MAX_LOGGED_NAME {
            out.push_str("...");
            break;
        }
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x21..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}
