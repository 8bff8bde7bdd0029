// SPDX-License-Identifier: GPL-2.0

//! rampart_wx: W^X for userspace, after PaX's MPROTECT, and trusted path execution,
//! after grsecurity's TPE. No mapping is writable and executable at once, memory that
//! is or was writable never becomes executable, executable text never becomes
//! writable, no executable stacks or executable shared memory, no executable
//! mappings of files that can change under them; programs on the exception list (or
//! marked `m` in PaX's `user.pax.flags`) are exempt. Untrusted users run and map
//! executable only files in root-owned directories nobody else may write.
//!
//! State and decisions live here (logic: `kmod/common/src/wx.rs`, host-tested); the
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
#[path = "../common/src/wx.rs"]
mod wx;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/text.rs"]
mod text;

#[path = "../shared/lifecycle.rs"]
mod lifecycle;

#[path = "../shared/allowlist_store.rs"]
mod allowlist_store;

use allowlist::{Allowlist, FileId};
use mode::{Mode, Verdict};
use text::Text;
use wx::{FileFacts, MappingFacts, Rule, TpeFacts};

module! {
    type: RampartWx,
    name: "rampart_wx",
    author: "rampart developers",
    description: "rampart: W^X for userspace and trusted path execution",
    license: "GPL",
}

extern "C" {
    fn rampart_wx_initial_mode() -> *const core::ffi::c_char;
    fn rampart_wx_attach() -> core::ffi::c_int;
    fn rampart_wx_detach();
    fn rampart_wx_hook_mode() -> core::ffi::c_int;
    fn rampart_wx_settings_init() -> core::ffi::c_int;
    fn rampart_wx_settings_exit();
}

const GLUE: lifecycle::Glue = lifecycle::Glue {
    settings_init: rampart_wx_settings_init,
    settings_exit: rampart_wx_settings_exit,
    attach: rampart_wx_attach,
    detach: rampart_wx_detach,
    hook_mode: rampart_wx_hook_mode,
};

/// No trusted group.
const NO_GID: u32 = u32::MAX;

#[pin_data]
struct State {
    mode: AtomicU8,
    tpe_mode: AtomicU8,
    tpe_trusted_gid: AtomicU32,
    locked: AtomicBool,
    #[pin]
    exceptions: SpinLock<Allowlist>,
    /// Bumped by every write of the list (never 0 once loaded).
    exceptions_gen: AtomicU64,
    denied: AtomicU64,
    audited: AtomicU64,
    exempted: AtomicU64,
    tpe_denied: AtomicU64,
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

fn mode_of(cell: &AtomicU8) -> Mode {
    Mode::from_raw(cell.load(Ordering::Relaxed))
}

/// The verdict on breaking `rule` (`wx.rs` numbering) by a program that is `exempt`;
/// counted (called from `hooks.c`; does not sleep).
#[no_mangle]
pub extern "C" fn rampart_wx_decide(rule: u8, exempt: bool) -> u8 {
    let (Some(state), Some(rule)) = (state(), Rule::from_code(rule)) else { return 0 };
    let mode = if rule.is_tpe() { mode_of(&state.tpe_mode) } else { mode_of(&state.mode) };
    let verdict = wx::verdict(mode, rule, exempt);
    let counter = match verdict {
        Verdict::Ignore => return verdict.code(),
        Verdict::Allowlisted => &state.exempted,
        Verdict::Audit => &state.audited,
        Verdict::Deny if rule.is_tpe() => &state.tpe_denied,
        Verdict::Deny => &state.denied,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    verdict.code()
}

/// Whether W^X can refuse or audit anything now (lets hooks skip their facts).
#[no_mangle]
pub extern "C" fn rampart_wx_active() -> bool {
    state().is_some_and(|s| mode_of(&s.mode) != Mode::Off)
}

/// Whether TPE can refuse or audit anything now.
#[no_mangle]
pub extern "C" fn rampart_wx_tpe_active() -> bool {
    state().is_some_and(|s| mode_of(&s.tpe_mode) != Mode::Off)
}

/// Whether W^X refusals apply now (enforce, not audit).
#[no_mangle]
pub extern "C" fn rampart_wx_enforcing() -> bool {
    state().is_some_and(|s| mode_of(&s.mode) == Mode::Enforce)
}

/// The trusted group, or `u32::MAX` for none.
#[no_mangle]
pub extern "C" fn rampart_wx_tpe_trusted_gid() -> u32 {
    state().map_or(NO_GID, |s| s.tpe_trusted_gid.load(Ordering::Relaxed))
}

/// The exception list's generation (0: no state).
#[no_mangle]
pub extern "C" fn rampart_wx_exceptions_gen() -> u64 {
    state().map_or(0, |s| s.exceptions_gen.load(Ordering::Acquire))
}

/// Whether `exe` is on the exception list; `*gen` is set to the generation of the
/// list that answered (called from `facts.c`; does not sleep).
#[no_mangle]
pub extern "C" fn rampart_wx_listed(exe: *const FileId, gen: *mut u64) -> bool {
    let Some(state) = state() else { return false };
    if exe.is_null() {
        return false;
    }
    // SAFETY: `facts.c` passes a struct rampart_file_id on its stack, filled by
    // rampart_file_id_of() (FileId mirrors its layout).
    let exe = unsafe { *exe };
    let list = state.exceptions.lock();
    let listed = list.contains(&exe);
    if !gen.is_null() {
        // SAFETY: `facts.c` passes a pointer to a u64 on its stack.
        unsafe { *gen = state.exceptions_gen.load(Ordering::Acquire) };
    }
    listed
}

/// [`wx::check_mmap`] for `facts.c`: the rule broken (`wx.rs` code) or -1.
#[no_mangle]
pub extern "C" fn rampart_wx_check_mmap(
    write: bool,
    exec: bool,
    anonymous: bool,
    internal: bool,
    open_for_write: bool,
    written_elsewhere: bool,
) -> i32 {
    let file = (!anonymous).then_some(FileFacts { internal, open_for_write, written_elsewhere });
    wx::check_mmap(write, exec, file).map_or(-1, |r| i32::from(r as u8))
}

/// [`wx::check_mprotect`] for `facts.c`: the rule broken (`wx.rs` code) or -1.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn rampart_wx_check_mprotect(
    anonymous: bool,
    writable: bool,
    executable: bool,
    written: bool,
    has_file: bool,
    internal: bool,
    open_for_write: bool,
    written_elsewhere: bool,
    write: bool,
    exec: bool,
) -> i32 {
    let file = has_file.then_some(FileFacts { internal, open_for_write, written_elsewhere });
    let m = MappingFacts { anonymous, writable, executable, written, file };
    wx::check_mprotect(m, write, exec).map_or(-1, |r| i32::from(r as u8))
}

/// [`wx::tpe_violation`] for `facts.c`.
#[no_mangle]
pub extern "C" fn rampart_wx_tpe_violation(
    trusted: bool,
    dir_root_owned: bool,
    dir_writable_by_others: bool,
    internal: bool,
) -> bool {
    wx::tpe_violation(TpeFacts { trusted, dir_root_owned, dir_writable_by_others, internal })
}

/// [`wx::pax_flags_exempt`] for `facts.c`.
#[no_mangle]
pub extern "C" fn rampart_wx_pax_flags_exempt(value: *const u8, len: usize) -> bool {
    if value.is_null() {
        return false;
    }
    // SAFETY: `facts.c` passes the attribute value it read, `len` bytes on its stack.
    wx::pax_flags_exempt(unsafe { core::slice::from_raw_parts(value, len) })
}

/// Reason text of a rule, NUL-terminated (called from `hooks.c`).
#[no_mangle]
pub extern "C" fn rampart_wx_reason(rule: u8) -> *const core::ffi::c_char {
    Rule::from_code(rule).map_or(c"unknown", Rule::reason_c).as_ptr()
}

const SETTING_MODE: i32 = 0;
const SETTING_LOCK: i32 = 1;
const SETTING_STATS: i32 = 2;
const SETTING_EXCEPTIONS: i32 = 3;
const SETTING_TPE_MODE: i32 = 4;
const SETTING_TPE_TRUSTED_GID: i32 = 5;

/// `none`, or a decimal gid below `u32::MAX`.
fn parse_gid(text: &[u8]) -> Option<u32> {
    let text = mode::trim(text);
    if text == b"none" {
        return Some(NO_GID);
    }
    if text.is_empty() || text.len() > 10 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let gid = text.iter().try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))?;
    u32::try_from(gid).ok().filter(|g| *g != NO_GID)
}

/// Applies a settings write (process context). Returns 0, 1 when this write locked
/// the settings, or a negative errno; a rejected write changes nothing.
#[no_mangle]
pub extern "C" fn rampart_wx_store(setting: i32, buf: *const core::ffi::c_char, len: usize) -> core::ffi::c_int {
    let Some(state) = state() else { return ENODEV.to_errno() };
    // SAFETY: rampart_core passes its kernel copy of the written bytes and their length.
    let text = match unsafe { lifecycle::settings_write(&state.locked, buf, len) } {
        Ok(text) => text,
        Err(errno) => return errno,
    };
    match setting {
        SETTING_MODE => lifecycle::store_mode(&state.mode, text),
        SETTING_TPE_MODE => lifecycle::store_mode(&state.tpe_mode, text),
        SETTING_TPE_TRUSTED_GID => match parse_gid(text) {
            Some(gid) => {
                state.tpe_trusted_gid.store(gid, Ordering::Relaxed);
                0
            }
            None => EINVAL.to_errno(),
        },
        SETTING_EXCEPTIONS => match allowlist_store::parse(text) {
            Ok(list) => {
                *state.exceptions.lock() = list;
                state.exceptions_gen.fetch_add(1, Ordering::AcqRel);
                0
            }
            Err(errno) => errno,
        },
        SETTING_LOCK => lifecycle::store_lock(&state.locked, text),
        _ => EPERM.to_errno(),
    }
}

/// Shows a setting; returns the bytes written.
#[no_mangle]
pub extern "C" fn rampart_wx_show(setting: i32, buf: *mut core::ffi::c_char, cap: usize) -> usize {
    let Some(state) = state() else { return 0 };
    if buf.is_null() {
        return 0;
    }
    // SAFETY: rampart_core passes a zeroed (kzalloc) kernel buffer of `cap` bytes it owns.
    let mut out = Text::new(unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap) });
    let _ = match setting {
        SETTING_MODE => writeln!(out, "{}", mode_of(&state.mode).name()),
        SETTING_TPE_MODE => writeln!(out, "{}", mode_of(&state.tpe_mode).name()),
        SETTING_TPE_TRUSTED_GID => match state.tpe_trusted_gid.load(Ordering::Relaxed) {
            NO_GID => writeln!(out, "none"),
            gid => writeln!(out, "{gid}"),
        },
        SETTING_LOCK => writeln!(out, "{}", u8::from(state.locked.load(Ordering::Acquire))),
        SETTING_STATS => writeln!(
            out,
            "denied {}\naudited {}\nexempted {}\ntpe_denied {}",
            state.denied.load(Ordering::Relaxed),
            state.audited.load(Ordering::Relaxed),
            state.exempted.load(Ordering::Relaxed),
            state.tpe_denied.load(Ordering::Relaxed)
        ),
        SETTING_EXCEPTIONS => {
            let list = state.exceptions.lock();
            let written = list.entries().try_for_each(|e| {
                out.write_str(core::str::from_utf8(e).unwrap_or("(not UTF-8)"))?;
                out.write_str("\n")
            });
            written
        }
        _ => Ok(()),
    };
    out.len()
}

struct RampartWx {
    state: Pin<KBox<State>>,
}

impl kernel::Module for RampartWx {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: takes no arguments; returns a pointer to the module's `mode` parameter.
        let mode = lifecycle::initial_mode(unsafe { rampart_wx_initial_mode() })?;
        let state = KBox::pin_init(
            pin_init!(State {
                mode: AtomicU8::new(mode as u8),
                tpe_mode: AtomicU8::new(Mode::Off as u8),
                tpe_trusted_gid: AtomicU32::new(NO_GID),
                locked: AtomicBool::new(false),
                exceptions <- kernel::new_spinlock!(Allowlist::default(), "rampart_wx_exceptions"),
                exceptions_gen: AtomicU64::new(1),
                denied: AtomicU64::new(0),
                audited: AtomicU64::new(0),
                exempted: AtomicU64::new(0),
                tpe_denied: AtomicU64::new(0),
            }),
            GFP_KERNEL,
        )?;
        let hooks = lifecycle::start(&STATE, &state, &GLUE)?;
        pr_info!("loaded: mode {}, hooks {}\n", mode.name(), hooks);
        Ok(RampartWx { state })
    }
}

impl Drop for RampartWx {
    fn drop(&mut self) {
        lifecycle::stop(&STATE, &GLUE);
        pr_info!(
            "unloaded ({} denied, {} audited, {} exempted)\n",
            self.state.denied.load(Ordering::Relaxed),
            self.state.audited.load(Ordering::Relaxed),
            self.state.exempted.load(Ordering::Relaxed)
        );
    }
}
