// SPDX-License-Identifier: GPL-2.0

//! How a rampart protection module starts and stops (kernel-only Rust, included by
//! each module with `#[path]`): publish the state the C glue reads, register the
//! settings files, attach the hooks, undoing each step when a later one fails, and
//! the reverse on unload.

use core::ffi::{c_char, c_int, CStr};
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU8, Ordering};
use kernel::prelude::*;

use super::mode::Mode;

/// The C glue of a module.
pub(crate) struct Glue {
    /// Registers the settings files; on failure removes what it created.
    pub(crate) settings_init: unsafe extern "C" fn() -> c_int,
    /// Removes the settings files.
    pub(crate) settings_exit: unsafe extern "C" fn(),
    /// Attaches the hooks (hook layer or kretprobes).
    pub(crate) attach: unsafe extern "C" fn() -> c_int,
    /// Detaches the hooks and waits for running handlers.
    pub(crate) detach: unsafe extern "C" fn(),
    /// 1 when attached to the hook layer, else the fallback.
    pub(crate) hook_mode: unsafe extern "C" fn() -> c_int,
}

/// Parses the read-only `mode` module parameter.
pub(crate) fn initial_mode(param: *const c_char) -> Result<Mode> {
    if param.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: `param` is the module's `mode` parameter: a NUL-terminated string that is
    // read-only (0444) and lives as long as the module.
    let text = unsafe { CStr::from_ptr(param) };
    Mode::parse(text.to_bytes()).ok_or_else(|| {
        pr_err!("mode={:?} is not off, audit or enforce\n", text);
        EINVAL
    })
}

/// Publishes `state` in `slot`, registers the settings and attaches the hooks;
/// returns the hook mode's name. On failure nothing stays published or registered.
pub(crate) fn start<T>(slot: &AtomicPtr<T>, state: &T, glue: &Glue) -> Result<&'static str> {
    slot.store(ptr::from_ref(state).cast_mut(), Ordering::Release);
    // SAFETY: called once per load; on failure it has removed what it created.
    let err = unsafe { (glue.settings_init)() };
    if err != 0 {
        slot.store(ptr::null_mut(), Ordering::Release);
        return Err(Error::from_errno(err));
    }
    // SAFETY: called once, after the state the handlers use is published.
    let err = unsafe { (glue.attach)() };
    if err != 0 {
        // SAFETY: the settings were registered above and nothing else removes them.
        unsafe { (glue.settings_exit)() };
        slot.store(ptr::null_mut(), Ordering::Release);
        return Err(Error::from_errno(err));
    }
    // SAFETY: reads a plain int the attach above set.
    Ok(if unsafe { (glue.hook_mode)() } == 1 { "lsm" } else { "fallback" })
}

/// Detaches the hooks (waiting for running handlers), removes the settings (an open
/// settings file pins the module, so none is in use) and unpublishes the state.
pub(crate) fn stop<T>(slot: &AtomicPtr<T>, glue: &Glue) {
    // SAFETY: `start` succeeded for this load, so the hooks are attached and the
    // settings registered; each is undone exactly once, here.
    unsafe {
        (glue.detach)();
        (glue.settings_exit)();
    }
    slot.store(ptr::null_mut(), Ordering::Release);
}

/// The bytes of a settings write, or the errno to return: `EINVAL` for no buffer,
/// `EPERM` once the settings are locked (a rejected write changes nothing).
///
/// # Safety
///
/// `buf` must be null or valid for reads of `len` bytes for the returned lifetime
/// (rampart_core passes its kernel copy of the written bytes).
pub(crate) unsafe fn settings_write<'a>(
    locked: &AtomicBool,
    buf: *const c_char,
    len: usize,
) -> core::result::Result<&'a [u8], c_int> {
    if buf.is_null() {
        return Err(EINVAL.to_errno());
    }
    if locked.load(Ordering::Acquire) {
        return Err(EPERM.to_errno());
    }
    // SAFETY: the caller guarantees `buf` is valid for `len` bytes.
    Ok(unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) })
}

/// Applies a write to the `mode` setting: 0 or `EINVAL`.
pub(crate) fn store_mode(mode: &AtomicU8, text: &[u8]) -> c_int {
    match Mode::parse(text) {
        Some(m) => {
            mode.store(m as u8, Ordering::Relaxed);
            pr_info!("mode set to {}\n", m.name());
            0
        }
        None => EINVAL.to_errno(),
    }
}

/// Applies a write to the `lock` setting: 1 when this write locked (rampart_core then
/// pins the module), 0 when it already was, or `EINVAL`.
pub(crate) fn store_lock(locked: &AtomicBool, text: &[u8]) -> c_int {
    match super::mode::parse_bool(text) {
        Some(true) => c_int::from(!locked.swap(true, Ordering::AcqRel)),
        _ => EINVAL.to_errno(),
    }
}
