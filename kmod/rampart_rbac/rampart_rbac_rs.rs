// SPDX-License-Identifier: GPL-2.0

//! rampart_rbac: role-based access control with learning, after grsecurity's RBAC.
//! Roles (default, per user, per group) hold subjects (executables, or directories of
//! them), subjects hold objects (files and directories with access modes) and
//! capability masks. A compiled policy is loaded whole and validated here before it
//! replaces the one in force; learning (everything, or marked roles and subjects)
//! allows and reports every access so `rampart-policy generate` can write the policy.
//!
//! Policy format, validation and lookups: `kmod/common/src/rbac.rs` (host-tested).
//! The C side walks paths (`walk.c`), stores and loads the policy (`policy.c`) and
//! attaches the hooks (`hooks.c`).

use core::fmt::Write;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicU8, Ordering};
use kernel::prelude::*;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/mode.rs"]
mod mode;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/rbac.rs"]
mod rbac;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/text.rs"]
mod text;

#[allow(dead_code)]
#[path = "../shared/lifecycle.rs"]
mod lifecycle;

use rbac::{access, Level, Outcome, Policy, PolicyError, Request};
use text::Text;

module! {
    type: RampartRbac,
    name: "rampart_rbac",
    author: "rampart developers",
    description: "rampart: role-based access control with learning mode",
    license: "GPL",
}

extern "C" {
    fn rampart_rbac_initial_mode() -> *const core::ffi::c_char;
    fn rampart_rbac_attach() -> core::ffi::c_int;
    fn rampart_rbac_detach();
    fn rampart_rbac_hook_mode() -> core::ffi::c_int;
    fn rampart_rbac_settings_init() -> core::ffi::c_int;
    fn rampart_rbac_settings_exit();
}

const GLUE: lifecycle::Glue = lifecycle::Glue {
    settings_init: rampart_rbac_settings_init,
    settings_exit: rampart_rbac_settings_exit,
    attach: rampart_rbac_attach,
    detach: rampart_rbac_detach,
    hook_mode: rampart_rbac_hook_mode,
};

/// Levels a walk holds (`RBAC_LEVELS` in `shim.h`).
const LEVELS: usize = 24;

/// Mirrors `struct rbac_level`.
#[repr(C)]
pub struct RawLevel {
    ino: u64,
    dev: u32,
    has_ino: u32,
}

/// Mirrors the leading fields of `struct rbac_walk` (the rest is private to C).
#[repr(C)]
pub struct RawWalk {
    count: u32,
    has_parent: u32,
    parent_ino: u64,
    name: *const u8,
    name_len: u32,
    complete: u32,
    lv: [RawLevel; LEVELS],
}

/// Mirrors `struct rbac_query`.
#[repr(C)]
pub struct RawQuery {
    policy: *const u8,
    policy_len: usize,
    uid: u32,
    gid: u32,
    access: u32,
    is_cap: u32,
    exe: *const RawWalk,
    object: *const RawWalk,
    outcome: u32,
    granted: u32,
    subject: [u8; 128],
}

/// The module's modes: the three of every rampart module plus full-system learning.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RbacMode {
    Off = 0,
    Audit = 1,
    Enforce = 2,
    Learn = 3,
}

impl RbacMode {
    fn from_raw(raw: u8) -> RbacMode {
        match raw {
            0 => RbacMode::Off,
            1 => RbacMode::Audit,
            3 => RbacMode::Learn,
            _ => RbacMode::Enforce,
        }
    }

    fn parse(text: &[u8]) -> Option<RbacMode> {
        match mode::trim(text) {
            b"off" => Some(RbacMode::Off),
            b"audit" => Some(RbacMode::Audit),
            b"enforce" => Some(RbacMode::Enforce),
            b"learn" => Some(RbacMode::Learn),
            _ => None,
        }
    }

    fn name(self) -> &'static core::ffi::CStr {
        match self {
            RbacMode::Off => c"off",
            RbacMode::Audit => c"audit",
            RbacMode::Enforce => c"enforce",
            RbacMode::Learn => c"learn",
        }
    }
}

const STAT_NAMES: [&str; 7] = ["denied", "hidden", "would_deny", "learned", "audited", "loads", "loads_rejected"];

struct State {
    mode: AtomicU8,
    locked: AtomicBool,
    stats: [AtomicU64; 7],
}

impl State {
    fn count(&self, index: usize) {
        if let Some(c) = self.stats.get(index) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn mode(&self) -> RbacMode {
        RbacMode::from_raw(self.mode.load(Ordering::Relaxed))
    }
}

/// The live state while the module is loaded; null before init and after exit.
static STATE: AtomicPtr<State> = AtomicPtr::new(ptr::null_mut());

fn state() -> Option<&'static State> {
    let state = STATE.load(Ordering::Acquire);
    // SAFETY: a non-null STATE points into the box owned by the module object. It is
    // reset to null only after the hooks are detached (which waits for running
    // handlers) and the settings and policy files are removed (open files pin the
    // module), so no caller still holds the reference when the box is dropped.
    (!state.is_null()).then(|| unsafe { &*state })
}

/// The levels of a walk, as the policy lookups take them.
fn levels(walk: &RawWalk) -> impl Iterator<Item = Level<'_>> + '_ {
    let name: &[u8] = if walk.name.is_null() {
        &[]
    } else {
        // SAFETY: `walk.c` points `name` at the walk's own name snapshot, `name_len`
        // bytes long, which stays alive until `rbac_walk_done()`, after the decision.
        unsafe { core::slice::from_raw_parts(walk.name, walk.name_len as usize) }
    };
    let count = (walk.count as usize).min(LEVELS);
    walk.lv.iter().take(count).enumerate().map(move |(i, lv)| Level {
        dev: lv.dev,
        ino: (lv.has_ino != 0).then_some(lv.ino),
        parent_ino: (i == 0 && walk.has_parent != 0).then_some(walk.parent_ino),
        name: if i == 0 { name } else { &[] },
    })
}

fn set_subject(q: &mut RawQuery, path: &[u8]) {
    let n = path.len().min(q.subject.len() - 1);
    q.subject[..n].copy_from_slice(&path[..n]);
    q.subject[n] = 0;
}

fn outcome_code(outcome: Outcome) -> u32 {
    match outcome {
        Outcome::Allow => 0,
        Outcome::AllowAudited => 1,
        Outcome::Learn => 2,
        Outcome::WouldDeny => 3,
        Outcome::Deny => 4,
        Outcome::Hide => 5,
    }
}

fn decide(state: &State, q: &mut RawQuery) -> Outcome {
    let mode = state.mode();
    if mode == RbacMode::Off {
        return Outcome::Allow;
    }
    // SAFETY: `hooks.c` passes pointers to walks on its stack (the object walk is null
    // for capabilities), alive for this call.
    let (exe, object) = unsafe { (q.exe.as_ref(), q.object.as_ref()) };
    let Some(exe) = exe else { return Outcome::Allow };
    if q.policy.is_null() {
        set_subject(q, b"/");
        return if mode == RbacMode::Learn && q.access != 0 { Outcome::Learn } else { Outcome::Allow };
    }
    // SAFETY: `hooks.c` passes the bytes of the policy in force, validated when it was
    // loaded, and keeps them alive (a reference or rcu_read_lock) during this call.
    let bytes = unsafe { core::slice::from_raw_parts(q.policy, q.policy_len) };
    let policy = Policy::trusted(bytes);
    let Some(subject) = policy.role_for(q.uid, q.gid).and_then(|role| policy.subject_for(role, levels(exe))) else {
        return Outcome::Allow;
    };
    set_subject(q, policy.subject_path(subject));
    let learning = mode == RbacMode::Learn || policy.learning(subject);
    let enforcing = if mode == RbacMode::Audit { mode::Mode::Audit } else { mode::Mode::Enforce };
    let Some(s) = policy.subject(subject) else { return Outcome::Allow };
    if q.is_cap != 0 {
        let allowed = q.access < 64 && s.caps & (1u64 << q.access) != 0;
        q.granted = u32::from(allowed);
        return match (learning, allowed, enforcing) {
            (true, _, _) => Outcome::Learn,
            (false, true, _) => Outcome::Allow,
            (false, false, mode::Mode::Audit) => Outcome::WouldDeny,
            (false, false, _) => Outcome::Deny,
        };
    }
    let Some(object) = object else { return Outcome::Allow };
    // A walk that could not cross mount points (fallback mode) ends below them: the
    // subject's `/` rule then stands for what lies above.
    let granted = policy
        .match_walk(s.objects_start, s.objects_len, levels(object))
        .or_else(|| (object.complete == 0).then(|| policy.root_object(subject)).flatten())
        .map(|e| e.value as u32);
    q.granted = granted.unwrap_or(0);
    if q.access == 0 {
        // stat and friends: only hidden objects are refused; nothing to learn.
        let hidden = granted.is_some_and(|g| g & access::HIDDEN != 0);
        return if hidden && !learning && enforcing == mode::Mode::Enforce { Outcome::Hide } else { Outcome::Allow };
    }
    rbac::decide(enforcing, learning, granted, Request { access: q.access })
}

/// Decides a query from `hooks.c` (does not sleep); sets and returns its outcome.
#[no_mangle]
pub extern "C" fn rampart_rbac_decide(q: *mut RawQuery) -> u32 {
    // SAFETY: `hooks.c` passes a pointer to a query on its stack.
    let Some(q) = (unsafe { q.as_mut() }) else { return 0 };
    q.outcome = 0;
    let Some(state) = state() else { return 0 };
    let outcome = decide(state, q);
    match outcome {
        Outcome::Deny => state.count(0),
        Outcome::Hide => state.count(1),
        Outcome::WouldDeny => state.count(2),
        Outcome::Learn => state.count(3),
        Outcome::AllowAudited => state.count(4),
        Outcome::Allow => {}
    }
    q.outcome = outcome_code(outcome);
    q.outcome
}

fn error_message(e: PolicyError) -> &'static core::ffi::CStr {
    match e {
        PolicyError::TooLarge => c"policy larger than 4 MiB",
        PolicyError::NotAPolicy => c"not a compiled rampart policy",
        PolicyError::Version => c"compiled for another policy format version",
        PolicyError::Length => c"table sizes do not match the length written",
        PolicyError::Range => c"a record points outside its table",
        PolicyError::Text => c"a path or name is not UTF-8, too long, or malformed",
        PolicyError::Unknown => c"unknown mode bits, kinds or flags",
        PolicyError::Order => c"entries are not sorted",
        PolicyError::Structure => c"roles or subjects malformed (one default role; each role needs subject /)",
    }
}

/// Validates a compiled policy: 0, or a non-zero code with `*message` set.
#[no_mangle]
pub extern "C" fn rampart_rbac_validate(bytes: *const u8, len: usize, message: *mut *const core::ffi::c_char) -> i32 {
    if bytes.is_null() {
        return 1;
    }
    // SAFETY: `policy.c` passes its kernel copy of the written bytes and their length.
    let slice = unsafe { core::slice::from_raw_parts(bytes, len) };
    match Policy::parse(slice) {
        Ok(_) => 0,
        Err(e) => {
            // SAFETY: `policy.c` passes a pointer to a local for the message.
            if let Some(out) = unsafe { message.as_mut() } {
                *out = error_message(e).as_ptr();
            }
            e as i32 + 1
        }
    }
}

/// An identifier of a policy's bytes (FNV-1a, 64 bits; `rampart-policy` prints the same).
#[no_mangle]
pub extern "C" fn rampart_rbac_policy_id(bytes: *const u8, len: usize) -> u64 {
    if bytes.is_null() {
        return 0;
    }
    // SAFETY: `policy.c` passes the bytes of a policy it owns.
    rbac::policy_id(unsafe { core::slice::from_raw_parts(bytes, len) })
}

/// Describes a validated policy's tables into `buf`.
#[no_mangle]
pub extern "C" fn rampart_rbac_describe(bytes: *const u8, len: usize, buf: *mut core::ffi::c_char, cap: usize) -> usize {
    if bytes.is_null() || buf.is_null() {
        return 0;
    }
    // SAFETY: `policy.c` passes the bytes of the policy it holds a reference to, and a
    // buffer of `cap` bytes.
    let (policy, out) = unsafe {
        (Policy::trusted(core::slice::from_raw_parts(bytes, len)), core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap))
    };
    let mut out = Text::new(out);
    let (roles, subjects, entries) = policy.counts();
    let _ = writeln!(out, "roles {roles} subjects {subjects} entries {entries}{}", if policy.learn_all() { " learn-all" } else { "" });
    out.len()
}

/// Counts a policy load (`ok`) or a rejected one.
#[no_mangle]
pub extern "C" fn rampart_rbac_count_load(ok: bool) {
    if let Some(state) = state() {
        state.count(if ok { 5 } else { 6 });
    }
}

/// Whether hooks have anything to do.
#[no_mangle]
pub extern "C" fn rampart_rbac_active() -> bool {
    state().is_some_and(|s| s.mode() != RbacMode::Off)
}

/// Whether settings and policy are frozen.
#[no_mangle]
pub extern "C" fn rampart_rbac_locked() -> bool {
    state().is_none_or(|s| s.locked.load(Ordering::Acquire))
}

/// The mode's name.
#[no_mangle]
pub extern "C" fn rampart_rbac_mode_name() -> *const core::ffi::c_char {
    state().map_or(c"off", |s| s.mode().name()).as_ptr()
}

const SETTING_MODE: i32 = 0;
const SETTING_LOCK: i32 = 1;
const SETTING_STATS: i32 = 2;

/// Applies a settings write (process context): 0, 1 when it locked, or a negative errno.
#[no_mangle]
pub extern "C" fn rampart_rbac_store(setting: i32, buf: *const core::ffi::c_char, len: usize) -> core::ffi::c_int {
    let Some(state) = state() else { return ENODEV.to_errno() };
    // SAFETY: rampart_core passes its kernel copy of the written bytes and their length.
    let text = match unsafe { lifecycle::settings_write(&state.locked, buf, len) } {
        Ok(text) => text,
        Err(errno) => return errno,
    };
    match setting {
        SETTING_MODE => match RbacMode::parse(text) {
            Some(m) => {
                state.mode.store(m as u8, Ordering::Relaxed);
                pr_info!("mode set to {}\n", m.name().to_str().unwrap_or("?"));
                0
            }
            None => EINVAL.to_errno(),
        },
        SETTING_LOCK => lifecycle::store_lock(&state.locked, text),
        _ => EPERM.to_errno(),
    }
}

/// Shows a setting; returns the bytes written.
#[no_mangle]
pub extern "C" fn rampart_rbac_show(setting: i32, buf: *mut core::ffi::c_char, cap: usize) -> usize {
    let Some(state) = state() else { return 0 };
    if buf.is_null() {
        return 0;
    }
    // SAFETY: rampart_core passes a kernel buffer of `cap` bytes it owns.
    let mut out = Text::new(unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap) });
    let _ = match setting {
        SETTING_MODE => writeln!(out, "{}", state.mode().name().to_str().unwrap_or("?")),
        SETTING_LOCK => writeln!(out, "{}", u8::from(state.locked.load(Ordering::Acquire))),
        SETTING_STATS => STAT_NAMES
            .iter()
            .zip(state.stats.iter())
            .try_for_each(|(name, v)| writeln!(out, "{name} {}", v.load(Ordering::Relaxed))),
        _ => Ok(()),
    };
    out.len()
}

struct RampartRbac {
    _state: Pin<KBox<State>>,
}

impl kernel::Module for RampartRbac {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: takes no arguments; returns a pointer to the module's `mode` parameter.
        let param = unsafe { rampart_rbac_initial_mode() };
        if param.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: the `mode` parameter is a NUL-terminated string owned by the module.
        let text = unsafe { core::ffi::CStr::from_ptr(param) };
        let Some(mode) = RbacMode::parse(text.to_bytes()) else {
            pr_err!("mode={:?} is not off, audit, enforce or learn\n", text);
            return Err(EINVAL);
        };
        let state = KBox::pin(
            State { mode: AtomicU8::new(mode as u8), locked: AtomicBool::new(false), stats: [const { AtomicU64::new(0) }; 7] },
            GFP_KERNEL,
        )?;
        let hooks = lifecycle::start(&STATE, &*state, &GLUE)?;
        pr_info!("loaded: mode {}, hooks {}\n", mode.name().to_str().unwrap_or("?"), hooks);
        Ok(RampartRbac { _state: state })
    }
}

impl Drop for RampartRbac {
    fn drop(&mut self) {
        lifecycle::stop(&STATE, &GLUE);
        pr_info!("unloaded\n");
    }
}
