// SPDX-License-Identifier: GPL-2.0

//! rampart_ns: denies unprivileged user namespaces (with allowlists of executables
//! and uids for container runtimes) and hardens chroot in the manner of grsecurity's
//! CHROOT_* options: no second chroot, mount, pivot_root, device nodes or
//! setuid/setgid modes or file capabilities inside a chroot, no new pid or mount
//! namespaces or setns, no raised priority, no fchdir or chdir back out, no signals
//! (SIGIO included) or ptrace to processes outside. Each protection can be switched
//! on its own.
//!
//! State and decisions live here (logic: `kmod/common/src/ns.rs`, host-tested); the
//! C side gathers facts (`facts.c`), attaches hooks (`hooks.c`) and lists settings.

use core::fmt::Write;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicU8, Ordering};
use kernel::prelude::*;
use kernel::sync::SpinLock;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/mode.rs"]
mod mode;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/allowlist.rs"]
mod allowlist;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/ns.rs"]
mod ns;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/text.rs"]
mod text;

#[path = "../shared/lifecycle.rs"]
mod lifecycle;

#[path = "../shared/allowlist_store.rs"]
mod allowlist_store;

use allowlist::{Allowlist, FileId};
use mode::Mode;
use ns::{Protection, Toggles, UidList, Verdict};
use text::Text;

module! {
    type: RampartNs,
    name: "rampart_ns",
    author: "rampart developers",
    description: "rampart: unprivileged user namespace and chroot restrictions",
    license: "GPL",
}

extern "C" {
    fn rampart_ns_initial_mode() -> *const core::ffi::c_char;
    fn rampart_ns_attach() -> core::ffi::c_int;
    fn rampart_ns_detach();
    fn rampart_ns_hook_mode() -> core::ffi::c_int;
    fn rampart_ns_settings_init() -> core::ffi::c_int;
    fn rampart_ns_settings_exit();
}

const GLUE: lifecycle::Glue = lifecycle::Glue {
    settings_init: rampart_ns_settings_init,
    settings_exit: rampart_ns_settings_exit,
    attach: rampart_ns_attach,
    detach: rampart_ns_detach,
    hook_mode: rampart_ns_hook_mode,
};

#[pin_data]
struct State {
    mode: AtomicU8,
    toggles: AtomicU32,
    locked: AtomicBool,
    #[pin]
    allow_exe: SpinLock<Allowlist>,
    #[pin]
    allow_uid: SpinLock<UidList>,
    denied: AtomicU64,
    audited: AtomicU64,
    allowlisted: AtomicU64,
}

/// The live state while the module is loaded; null before init and after exit.
static STATE: AtomicPtr<State> = AtomicPtr::new(ptr::null_mut());

fn state() -> Option<&'static State> {
    let state = STATE.load(Ordering::Acquire);
    // SAFETY: a non-null STATE points into the pinned box owned by the module object.
    // It is reset to null only after the hooks are detached (which waits for running
    // handlers) and the settings files are removed (open files pin the module), so no
    // caller still holds the reference when the box is dropped.
    (!state.is_null()).then(|| unsafe { &*state })
}

fn count(state: &State, verdict: Verdict) -> u8 {
    let counter = match verdict {
        Verdict::Ignore => return verdict.code(),
        Verdict::Allowlisted => &state.allowlisted,
        Verdict::Audit => &state.audited,
        Verdict::Deny => &state.denied,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    verdict.code()
}

fn current(state: &State) -> (Mode, Toggles) {
    (Mode::from_raw(state.mode.load(Ordering::Relaxed)), Toggles::from_bits(state.toggles.load(Ordering::Relaxed)))
}

/// Decides a user namespace created or joined by the program whose executable is
/// `exe` (called from `hooks.c`; does not sleep).
#[no_mangle]
pub extern "C" fn rampart_ns_decide_userns(exe: *const FileId, uid: u32, privileged: bool) -> u8 {
    let Some(state) = state() else { return 0 };
    let exe = if exe.is_null() {
        FileId::default()
    } else {
        // SAFETY: `hooks.c` passes the subject's `exe_id`, a struct rampart_file_id
        // that rampart_subject_fill() initialised (FileId mirrors its layout).
        unsafe { *exe }
    };
    let (mode, toggles) = current(state);
    let verdict =
        ns::decide_userns(mode, toggles, &state.allow_exe.lock(), &state.allow_uid.lock(), &exe, uid, privileged);
    count(state, verdict)
}

/// Whether protection `protection` can deny or audit anything now (the mode is not
/// off and its toggle is on): lets hot hooks skip gathering facts (called from
/// `hooks.c`; does not sleep, counts nothing).
#[no_mangle]
pub extern "C" fn rampart_ns_enabled(protection: u8) -> bool {
    let (Some(state), Some(p)) = (state(), Protection::from_code(protection)) else { return false };
    let (mode, toggles) = current(state);
    mode != Mode::Off && toggles.enabled(p)
}

/// Decides a chroot rule (called from `hooks.c`; does not sleep).
#[no_mangle]
pub extern "C" fn rampart_ns_decide_chroot(protection: u8, chrooted: bool, violates: bool) -> u8 {
    let (Some(state), Some(p)) = (state(), Protection::from_code(protection)) else { return 0 };
    let (mode, toggles) = current(state);
    count(state, ns::decide_chroot(mode, toggles, p, chrooted, violates))
}

/// Reason text of a protection, NUL-terminated (called from `hooks.c`).
#[no_mangle]
pub extern "C" fn rampart_ns_reason(protection: u8) -> *const core::ffi::c_char {
    Protection::from_code(protection).map_or(c"unknown", Protection::reason_c).as_ptr()
}

const SETTING_MODE: i32 = 0;
const SETTING_LOCK: i32 = 1;
const SETTING_STATS: i32 = 2;
const SETTING_ALLOW_EXE: i32 = 3;
const SETTING_ALLOW_UID: i32 = 4;
const SETTING_TOGGLE: i32 = 10;

fn toggle_of(setting: i32) -> Option<Protection> {
    Protection::from_code(u8::try_from(setting.checked_sub(SETTING_TOGGLE)?).ok()?)
}

/// Applies a settings write (process context). Returns 0, 1 when this write locked
/// the settings, or a negative errno; a rejected write changes nothing.
#[no_mangle]
pub extern "C" fn rampart_ns_store(setting: i32, buf: *const core::ffi::c_char, len: usize) -> core::ffi::c_int {
    let Some(state) = state() else { return ENODEV.to_errno() };
    // SAFETY: rampart_core passes its kernel copy of the written bytes and their length.
    let text = match unsafe { lifecycle::settings_write(&state.locked, buf, len) } {
        Ok(text) => text,
        Err(errno) => return errno,
    };
    match setting {
        SETTING_MODE => lifecycle::store_mode(&state.mode, text),
        SETTING_ALLOW_EXE => match allowlist_store::parse(text) {
            Ok(list) => {
                *state.allow_exe.lock() = list;
                0
            }
            Err(errno) => errno,
        },
        SETTING_ALLOW_UID => match UidList::parse(text) {
            Some(list) => {
                *state.allow_uid.lock() = list;
                0
            }
            None => EINVAL.to_errno(),
        },
        SETTING_LOCK => lifecycle::store_lock(&state.locked, text),
        other => match (toggle_of(other), mode::parse_bool(text)) {
            (Some(p), Some(on)) => {
                let mut bits = state.toggles.load(Ordering::Relaxed);
                loop {
                    let new = Toggles::from_bits(bits).with(p, on).bits();
                    match state.toggles.compare_exchange(bits, new, Ordering::AcqRel, Ordering::Relaxed) {
                        Ok(_) => break,
                        Err(seen) => bits = seen,
                    }
                }
                pr_info!("{} {}\n", p.name(), if on { "on" } else { "off" });
                0
            }
            (Some(_), None) => EINVAL.to_errno(),
            (None, _) => EPERM.to_errno(),
        },
    }
}

/// Shows a setting; returns the bytes written.
#[no_mangle]
pub extern "C" fn rampart_ns_show(setting: i32, buf: *mut core::ffi::c_char, cap: usize) -> usize {
    let Some(state) = state() else { return 0 };
    if buf.is_null() {
        return 0;
    }
    // SAFETY: rampart_core passes a zeroed (kzalloc) kernel buffer of `cap` bytes it owns.
    let mut out = Text::new(unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap) });
    let (mode, toggles) = current(state);
    let _ = match setting {
        SETTING_MODE => writeln!(out, "{}", mode.name()),
        SETTING_LOCK => writeln!(out, "{}", u8::from(state.locked.load(Ordering::Acquire))),
        SETTING_STATS => writeln!(
            out,
            "denied {}\naudited {}\nallowlisted {}",
            state.denied.load(Ordering::Relaxed),
            state.audited.load(Ordering::Relaxed),
            state.allowlisted.load(Ordering::Relaxed)
        ),
        SETTING_ALLOW_EXE => {
            let list = state.allow_exe.lock();
            let written = list.entries().try_for_each(|e| {
                out.write_str(core::str::from_utf8(e).unwrap_or("(not UTF-8)"))?;
                out.write_str("\n")
            });
            written
        }
        SETTING_ALLOW_UID => {
            let list = *state.allow_uid.lock();
            list.uids().iter().try_for_each(|uid| writeln!(out, "{uid}"))
        }
        other => match toggle_of(other) {
            Some(p) => writeln!(out, "{}", u8::from(toggles.enabled(p))),
            None => Ok(()),
        },
    };
    out.len()
}

struct RampartNs {
    state: Pin<KBox<State>>,
}

impl kernel::Module for RampartNs {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: takes no arguments; returns a pointer to the module's `mode` parameter.
        let mode = lifecycle::initial_mode(unsafe { rampart_ns_initial_mode() })?;
        let state = KBox::pin_init(
            pin_init!(State {
                mode: AtomicU8::new(mode as u8),
                toggles: AtomicU32::new(Toggles::default().bits()),
                locked: AtomicBool::new(false),
                allow_exe <- kernel::new_spinlock!(Allowlist::default(), "rampart_ns_allow_exe"),
                allow_uid <- kernel::new_spinlock!(UidList::default(), "rampart_ns_allow_uid"),
                denied: AtomicU64::new(0),
                audited: AtomicU64::new(0),
                allowlisted: AtomicU64::new(0),
            }),
            GFP_KERNEL,
        )?;
        let hooks = lifecycle::start(&STATE, &state, &GLUE)?;
        pr_info!("loaded: mode {}, hooks {}\n", mode.name(), hooks);
        Ok(RampartNs { state })
    }
}

impl Drop for RampartNs {
    fn drop(&mut self) {
        lifecycle::stop(&STATE, &GLUE);
        pr_info!(
            "unloaded ({} denied, {} audited)\n",
            self.state.denied.load(Ordering::Relaxed),
            self.state.audited.load(Ordering::Relaxed)
        );
    }
}
