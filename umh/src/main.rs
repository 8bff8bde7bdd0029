//! `rampart-usermode-helper`: the kernel's static usermode helper (see the library).
//! `argv[0]` is the program the kernel was asked to run, the rest its arguments.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use rampart_umh::{allowlist, ownership};

/// Exit status of a refused helper (the shell's "cannot execute").
const REFUSED: u8 = 126;

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    let Some(requested) = args.next() else {
        log("refused program=\"\" reason=no-program");
        return ExitCode::from(REFUSED);
    };
    let rest: Vec<OsString> = args.collect();
    let allowed = load_allowlist();
    let program = match std::fs::canonicalize(&requested) {
        Ok(p) => p,
        Err(_) => return refuse(&requested, "missing"),
    };
    if !allowlist::allows(&allowed, &program) {
        return refuse(&requested, "not-allowed");
    }
    if let Err(why) = ownership::trusted(&program) {
        return refuse(&requested, why.as_str());
    }
    let err = Command::new(&program).arg0(&requested).args(&rest).exec();
    log(&format!(
        "failed program=\"{}\" reason=exec-failed errno={}",
        escape(&requested),
        err.raw_os_error().unwrap_or(0)
    ));
    ExitCode::from(REFUSED)
}

/// The admin's list when it is there, trusted and well formed; otherwise (said in the
/// kernel log) the built-in list.
fn load_allowlist() -> Vec<PathBuf> {
    let file = Path::new(allowlist::FILE);
    let text = match std::fs::read(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return allowlist::built_in(),
        Err(_) => return fall_back("unreadable"),
    };
    if let Err(why) =
        std::fs::canonicalize(file).map_err(|_| ownership::Untrusted::Unreadable).and_then(|p| ownership::trusted(&p))
    {
        return fall_back(why.as_str());
    }
    match allowlist::parse(&text) {
        Ok(list) => list,
        Err(bad) => fall_back(&format!("line-{}:{}", bad.line, bad.reason.replace(' ', "-"))),
    }
}

fn fall_back(reason: &str) -> Vec<PathBuf> {
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

/// The requested path as printable ASCII: a path is chosen by whoever set the kernel's
/// helper path, and must not start a log line of its own or end the quoted field.
fn escape(path: &std::ffi::OsStr) -> String {
    let mut out = String::new();
    for &b in path.as_bytes() {
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
