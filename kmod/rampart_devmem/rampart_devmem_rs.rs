// SPDX-License-Identifier: GPL-2.0

//! rampart_devmem: denies `/dev/mem`, `/dev/kmem`, `/dev/port`, raw I/O port access
//! and MSR writes to every user, root included, unless the executable is allowlisted.
//!
//! State (mode, lock, allowlist, counters) and decisions live here; the decision
//! logic itself is `kmod/common/src/devmem.rs`, unit-tested on the host. The C side
//! attaches the hooks (`hooks.c`) and exposes the settings (`config_fs.c`).

use core::fmt::Write;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicU8, Ordering};
use kernel::prelude::*;
use kernel::sync::SpinLock;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/mode.rs"]
mod mode;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/allowlist.rs"]
mod allowlist;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/devmem.rs"]
mod devmem;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/text.rs"]
mod text;

#[path = "../shared/lifecycle.rs"]
mod lifecycle;

#[path = "../shared/allowlist_store.rs"]
mod allowlist_store;

use allowlist::{Allowlist, FileId};
use devmem::{Target, Verdict};
use mode::Mode;
use text::Text;

module! {
    type: RampartDevmem,
    name: "rampart_devmem",
    author: "rampart developers",
    description: "rampart: restrict /dev/mem, /dev/kmem, /dev/port, raw I/O ports and MSR writes",
    license: "GPL",
}

extern "C" {
    fn rampart_devmem_initial_mode() -> *const core::ffi::c_char;
    fn rampart_devmem_attach() -> core::ffi::c_int;
    fn rampart_devmem_detach();
    fn rampart_devmem_hook_mode() -> core::ffi::c_int;
    fn rampart_devmem_fs_init() -> core::ffi::c_int;
    fn rampart_devmem_fs_exit();
}

const GLUE: lifecycle::Glue = lifecycle::Glue {
    settings_init: rampart_devmem_fs_init,
    settings_exit: rampart_devmem_fs_exit,
    attach: rampart_devmem_attach,
    detach: rampart_devmem_detach,
    hook_mode: rampart_devmem_hook_mode,
};

/// Everything the hooks and settings files share.
#[pin_data]
struct State {
    mode: AtomicU8,
    locked: AtomicBool,
    #[pin]
    allow: SpinLock<Allowlist>,
    denied: AtomicU64,
    audited: AtomicU64,
    allowlisted: AtomicU64,
}

/// The live state while the module is loaded; null before init and after exit.
static STATE: AtomicPtr<State> = AtomicPtr::new(ptr::null_mut());

fn state() -> Option<&'static State> {
    let state = STATE.load(Ordering::Acquire);
    // SAFETY: a non-null STATE points into the pinned box owned by the module
    // object. It is reset to null only after the hooks are detached (which waits
    // for running handlers) and the settings files are removed (which waits for
    // running reads and writes), so no caller can still hold the reference when
    // the box is dropped.
    (!state.is_null()).then(|| unsafe { &*state })
}

const TARGETS: [Target; 5] = [Target::Mem, Target::Kmem, Target::Port, Target::IoPort, Target::Msr];

/// Target codes shared with `shim.h`: 0 none, 1.. the entries of `TARGETS`.
fn target_from_code(code: u8) -> Option<Target> {
    TARGETS.get(usize::from(code).checked_sub(1)?).copied()
}

fn target_code(target: Target) -> u8 {
    TARGETS.iter().position(|t| *t == target).map_or(0, |i| i as u8 + 1)
}

/// The memory-device target of a character device (called from `hooks.c`).
#[no_mangle]
pub extern "C" fn rampart_devmem_target(major: u32, minor: u32) -> u8 {
    Target::from_chrdev(major, minor).map_or(0, target_code)
}

/// Decides one access by the program whose executable is `exe` (called from
/// `hooks.c` in hook context: does not sleep).
#[no_mangle]
pub extern "C" fn rampart_devmem_decide(target: u8, exe: *const FileId) -> u8 {
    let (Some(state), Some(_)) = (state(), target_from_code(target)) else { return 0 };
    let exe = if exe.is_null() {
        FileId::default()
    } else {
        // SAFETY: `hooks.c` passes the subject's `exe_id`, a struct rampart_file_id
        // that rampart_subject_fill() initialised (FileId mirrors its layout).
        unsafe { *exe }
    };
    let mode = Mode::from_raw(state.mode.load(Ordering::Relaxed));
    let verdict = devmem::decide(mode, &state.allow.lock(), &exe);
    let counter = match verdict {
        Verdict::Ignore => return verdict.code(),
        Verdict::Allowlisted => &state.allowlisted,
        Verdict::Audit => &state.audited,
        Verdict::Deny => &state.denied,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    verdict.code()
}

/// Decides a kernel-integrity lockdown question (called from `hooks.c` in hook
/// context: does not sleep).
#[no_mangle]
pub extern "C" fn rampart_devmem_decide_integrity() -> u8 {
    let Some(state) = state() else { return 0 };
    let mode = Mode::from_raw(state.mode.load(Ordering::Relaxed));
    let verdict = devmem::decide_integrity(mode, state.locked.load(Ordering::Acquire));
    match verdict {
        Verdict::Audit => state.audited.fetch_add(1, Ordering::Relaxed),
        Verdict::Deny => state.denied.fetch_add(1, Ordering::Relaxed),
        Verdict::Ignore | Verdict::Allowlisted => 0,
    };
    verdict.code()
}

const OBJECTS: [&core::ffi::CStr; 5] = [c"/dev/mem", c"/dev/kmem", c"/dev/port", c"ioport", c"msr"];
const REASONS: [&core::ffi::CStr; 3] = [c"raw memory device access", c"raw I/O port access", c"MSR write"];

/// Object name of a target, NUL-terminated (called from `hooks.c`).
#[no_mangle]
pub extern "C" fn rampart_devmem_object(target: u8) -> *const core::ffi::c_char {
    let name = target_from_code(target).map_or(c"unknown", |t| {
        OBJECTS.iter().find(|o| o.to_bytes() == t.object().as_bytes()).copied().unwrap_or(c"unknown")
    });
    name.as_ptr()
}

/// Reason text of a target, NUL-terminated (called from `hooks.c`).
#[no_mangle]
pub extern "C" fn rampart_devmem_reason(target: u8) -> *const core::ffi::c_char {
    let reason = target_from_code(target).map_or(c"unknown", |t| {
        REASONS.iter().find(|r| r.to_bytes() == t.reason().as_bytes()).copied().unwrap_or(c"unknown")
    });
    reason.as_ptr()
}

/// Settings files (numbered as in `shim.h`).
const SETTING_MODE: i32 = 0;
const SETTING_ALLOW: i32 = 1;
const SETTING_LOCK: i32 = 2;
const SETTING_STATS: i32 = 3;

/// Applies a settings write (called through rampart_core's settings files, process context).
/// Returns 0, 1 when this write locked the settings, or a negative errno.
#[no_mangle]
pub extern "C" fn rampart_devmem_store(setting: i32, buf: *const core::ffi::c_char, len: usize) -> core::ffi::c_int {
    let Some(state) = state() else { return ENODEV.to_errno() };
    // SAFETY: rampart_core passes its kernel copy of the written bytes and their length.
    let text = match unsafe { lifecycle::settings_write(&state.locked, buf, len) } {
        Ok(text) => text,
        Err(errno) => return errno,
    };
    match setting {
        SETTING_MODE => lifecycle::store_mode(&state.mode, text),
        SETTING_ALLOW => match allowlist_store::parse(text) {
            Ok(list) => {
                let count = list.len();
                *state.allow.lock() = list;
                pr_info!("allowlist set ({} entries)\n", count);
                0
            }
            Err(errno) => errno,
        },
        SETTING_LOCK => lifecycle::store_lock(&state.locked, text),
        _ => EPERM.to_errno(),
    }
}

/// Shows a setting (called through rampart_core's settings files); returns the bytes written.
#[no_mangle]
pub extern "C" fn rampart_devmem_show(setting: i32, buf: *mut core::ffi::c_char, cap: usize) -> usize {
    let Some(state) = state() else { return 0 };
    if buf.is_null() {
        return 0;
    }
    // SAFETY: rampart_core passes a zeroed (kzalloc) kernel buffer of `cap` bytes it owns.
    let mut out = Text::new(unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap) });
    let _ = match setting {
        SETTING_MODE => writeln!(out, "{}", Mode::from_raw(state.mode.load(Ordering::Relaxed)).name()),
        SETTING_ALLOW => {
            let list = state.allow.lock();
            let written = list.entries().try_for_each(|e| {
                out.write_str(core::str::from_utf8(e).unwrap_or("(not UTF-8)"))?;
                out.write_str("\n")
            });
            written
        }
        SETTING_LOCK => writeln!(out, "{}", u8::from(state.locked.load(Ordering::Acquire))),
        SETTING_STATS => writeln!(
            out,
            "denied {}\naudited {}\nallowlisted {}",
            state.denied.load(Ordering::Relaxed),
            state.audited.load(Ordering::Relaxed),
            state.allowlisted.load(Ordering::Relaxed)
        ),
        _ => Ok(()),
    };
    out.len()
}

struct RampartDevmem {
    state: Pin<KBox<State>>,
}

impl kernel::Module for RampartDevmem {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: takes no arguments; returns a pointer to the module's `mode` parameter.
        let mode = lifecycle::initial_mode(unsafe { rampart_devmem_initial_mode() })?;
        let state = KBox::pin_init(
            pin_init!(State {
                mode: AtomicU8::new(mode as u8),
                locked: AtomicBool::new(false),
                allow <- kernel::new_spinlock!(Allowlist::default(), "rampart_devmem_allow"),
                denied: AtomicU64::new(0),
                audited: AtomicU64::new(0),
                allowlisted: AtomicU64::new(0),
            }),
            GFP_KERNEL,
        )?;
        let hooks = lifecycle::start(&STATE, &state, &GLUE)?;
        pr_info!("loaded: mode {}, hooks {}\n", mode.name(), hooks);
        Ok(RampartDevmem { state })
    }
}

impl Drop for RampartDevmem {
    fn drop(&mut self) {
        lifecycle::stop(&STATE, &GLUE);
        pr_info!(
            "unloaded ({} denied, {} audited)\n",
            self.state.denied.load(Ordering::Relaxed),
            self.state.audited.load(Ordering::Relaxed)
        );
    }
}
