//! rampart's static usermode helper.
//!
//! A kernel built with `CONFIG_STATIC_USERMODEHELPER` runs every usermode helper
//! (modprobe for `request_module()`, the core dump pipe, `poweroff_cmd`, request-key,
//! cgroup v1 release agents...) through one program whose path is fixed at build time,
//! with the program it was asked for in `argv[0]`. That path lives in read-only kernel
//! data, while `modprobe_path` and `core_pattern` are writable: the classic way to turn
//! a kernel write primitive into root code execution is to point `modprobe_path` at a
//! file of one's own and make the kernel call it. This program is that fixed path: it
//! runs the requested program only under a listed name, with the arguments its entry
//! allows, when it (and its interpreter, and every directory above them) is root's
//! alone, in a fixed environment; and refuses (and says so in the kernel log) anything
//! else. docs/hardening.md, "Usermode helpers", has the rules and their reasons.

pub mod allowlist;
pub mod ownership;
