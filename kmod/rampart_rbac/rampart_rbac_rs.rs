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

use rbac::{access, EntryRange, Ident, LevelMatch, Outcome, Policy, PolicyError, Request};
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

/// Mirrors `struct rbac_level`.
#[repr(C)]
pub struct RawLevel {
    ino: u64,
    parent_ino: u64,
    name: *const u8,
    name_len: u32,
    dev: u32,
    has_ino: u32,
    has_parent: u32,
    generation: u32,
    parent_generation: u32,
    has_generation: u32,
    reserved: u32,
}
const _: () = assert!(core::mem::size_of::<RawLevel>() == 56);
const _: () = assert!(core::mem::offset_of!(RawLevel, generation) == 40);
const _: () = assert!(core::mem::offset_of!(RawLevel, has_generation) == 48);

/// Mirrors `struct rbac_layout`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct RawLayout {
    entries_at: usize,
    strings_at: usize,
    strings_len: usize,
}

/// Mirrors `struct rbac_policy_view`.
#[repr(C)]
pub struct RawPolicyView {
    bytes: *const u8,
    len: usize,
    gen: u64,
    layout: RawLayout,
}
const _: () = assert!(core::mem::size_of::<RawPolicyView>() == 48);

/// Mirrors `struct rbac_subject_info`.
#[repr(C)]
pub struct RawSubjectInfo {
    index: u32,
    objects_start: u32,
    objects_len: u32,
    learning: u32,
    caps: u64,
    has_root_object: u32,
    root_object: u32,
}
const _: () = assert!(core::mem::size_of::<RawSubjectInfo>() == 32);

/// Mirrors `struct rbac_query`.
#[repr(C)]
pub struct RawQuery {
    policy: RawPolicyView,
    uid: u32,
    gid: u32,
    access: u32,
    is_cap: u32,
    subject: RawSubjectInfo,
    range: *const u8,
    range_count: usize,
    matched: u32,
    value: u64,
    complete: u32,
    cacheable: u32,
    outcome: u32,
    granted: u32,
    subject_path: *mut u8,
}
const _: () = assert!(core::mem::size_of::<RawQuery>() == 152);

/// `RBAC_SUBJECT_PATH_MAX`: the size of the buffer `RawQuery::subject_path` points to.
const SUBJECT_PATH_MAX: usize = 128;

/// `RBAC_NO_SUBJECT`.
const NO_SUBJECT: u32 = u32::MAX;
/// `RBAC_VISIT_*`.
const VISIT_NOTHING: i32 = 0;
const VISIT_FOUND: i32 = 1;
const VISIT_NEED_NAME: i32 = 2;

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

/// The mode (`RbacMode` as a number; 0 is off), read by the hooks directly
/// (`rampart_rbac_mode` in `shim.h`): the first thing every check looks at. Set before
/// the hooks are attached; off again once they are detached.
#[export_name = "rampart_rbac_mode"]
static MODE: AtomicU8 = AtomicU8::new(RbacMode::Off as u8);

struct State {
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
        RbacMode::from_raw(MODE.load(Ordering::Relaxed))
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

/// The policy a query carries. The bytes are not the query's: the lifetime is the
/// caller's to keep within the hook that made the query.
fn query_policy<'a>(q: &RawQuery) -> Option<Policy<'a>> {
    if q.policy.bytes.is_null() {
        return None;
    }
    // SAFETY: `hooks.c` passes the bytes of the policy in force, validated when it was
    // loaded, and keeps them alive (a reference or rcu_read_lock) while the query lives.
    Some(Policy::trusted(unsafe { core::slice::from_raw_parts(q.policy.bytes, q.policy.len) }))
}

/// The entry range a walk matches against, and the policy's string table.
fn query_range<'a>(q: &RawQuery) -> Option<EntryRange<'a>> {
    let layout = q.policy.layout;
    if q.policy.bytes.is_null() || q.range.is_null() {
        return None;
    }
    // SAFETY: `range` and `range_count` were set by `rampart_rbac_begin_subject()` or
    // `rampart_rbac_begin_objects()` from a range of the validated policy `q.policy`
    // (inside its entry table), and the layout by `rampart_rbac_layout()` from the same
    // bytes when they were loaded; the policy outlives the query (see `query_policy`).
    unsafe {
        let records = core::slice::from_raw_parts(q.range, q.range_count * rbac::ENTRY_LEN);
        let strings = core::slice::from_raw_parts(q.policy.bytes.add(layout.strings_at), layout.strings_len);
        Some(EntryRange::new(records, strings))
    }
}

/// Points the query's range at entries `start..start+len` of its policy.
fn set_range(q: &mut RawQuery, policy: &Policy<'_>, start: u32, len: u32) {
    let range = policy.entry_range(start, len);
    q.range = if range.is_empty() { ptr::null() } else { range.as_ptr() };
    q.range_count = range.len();
}

fn set_subject_path(q: &mut RawQuery, path: &[u8]) {
    if q.subject_path.is_null() {
        return;
    }
    let n = path.len().min(SUBJECT_PATH_MAX - 1);
    // SAFETY: `hooks.c` points `subject_path` at a buffer of `SUBJECT_PATH_MAX` bytes
    // on its stack that outlives the query's use; it is not initialised (only byte 0
    // is), so it is written through the raw pointer, never read or made a slice: `n`
    // bytes from `path` (which holds at least `n`), then the NUL at `n` (< the size).
    unsafe {
        ptr::copy_nonoverlapping(path.as_ptr(), q.subject_path, n);
        q.subject_path.add(n).write(0);
    }
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

/// Where a validated policy's tables are (called once per load).
#[no_mangle]
pub extern "C" fn rampart_rbac_layout(bytes: *const u8, len: usize, out: *mut RawLayout) {
    if bytes.is_null() {
        return;
    }
    // SAFETY: `policy.c` passes the bytes it just validated and a pointer into the
    // policy it is building.
    let (policy, out) = unsafe { (Policy::trusted(core::slice::from_raw_parts(bytes, len)), out.as_mut()) };
    if let Some(out) = out {
        let l = policy.layout();
        *out = RawLayout { entries_at: l.entries_at, strings_at: l.strings_at, strings_len: l.strings_len };
    }
}

/// Points the query's range at the subject keys of the task's role; false without one.
#[no_mangle]
pub extern "C" fn rampart_rbac_begin_subject(q: *mut RawQuery) -> bool {
    // SAFETY: `subject.c` passes a pointer to its caller's query.
    let Some(q) = (unsafe { q.as_mut() }) else { return false };
    let Some(policy) = query_policy(q) else { return false };
    let Some(role) = policy.role_for(q.uid, q.gid).and_then(|r| policy.role(r)) else { return false };
    set_range(q, &policy, role.keys_start, role.keys_len);
    true
}

/// Sets the subject from the walk of the executable (the subject whose key matched,
/// else the role's `/` subject) with what checks need of it.
#[no_mangle]
pub extern "C" fn rampart_rbac_end_subject(q: *mut RawQuery) {
    // SAFETY: `subject.c` passes a pointer to its caller's query.
    let Some(q) = (unsafe { q.as_mut() }) else { return };
    q.subject.index = NO_SUBJECT;
    let Some(policy) = query_policy(q) else { return };
    let Some(role) = policy.role_for(q.uid, q.gid).and_then(|r| policy.role(r)) else { return };
    let found = (q.matched != 0).then(|| u32::try_from(q.value).ok()).flatten();
    let Some(index) = found.or_else(|| policy.root_subject(role.keys_start, role.keys_len)) else { return };
    if let Some(info) = subject_info(&policy, index) {
        q.subject = info;
    }
}

/// What checks need of subject `index`.
fn subject_info(policy: &Policy<'_>, index: u32) -> Option<RawSubjectInfo> {
    let s = policy.subject(index)?;
    let root = policy.root_object(index);
    Some(RawSubjectInfo {
        index,
        objects_start: s.objects_start,
        objects_len: s.objects_len,
        learning: u32::from(policy.learning(index)),
        caps: s.caps,
        has_root_object: u32::from(root.is_some()),
        root_object: root.map_or(0, |e| e.value as u32),
    })
}

/// Sets the query's subject to subject `index` of its policy, whoever runs (for
/// checks made on behalf of every subject); false past the last one.
#[no_mangle]
pub extern "C" fn rampart_rbac_select_subject(q: *mut RawQuery, index: u32) -> bool {
    // SAFETY: `hooks.c` passes a pointer to a query on its stack.
    let Some(q) = (unsafe { q.as_mut() }) else { return false };
    let Some(info) = query_policy(q).and_then(|policy| subject_info(&policy, index)) else { return false };
    q.subject = info;
    true
}

/// Points the query's range at its subject's objects; false without a subject.
#[no_mangle]
pub extern "C" fn rampart_rbac_begin_objects(q: *mut RawQuery) -> bool {
    // SAFETY: `hooks.c` passes a pointer to a query on its stack.
    let Some(q) = (unsafe { q.as_mut() }) else { return false };
    if q.subject.index == NO_SUBJECT {
        return false;
    }
    let Some(policy) = query_policy(q) else { return false };
    set_range(q, &policy, q.subject.objects_start, q.subject.objects_len);
    true
}

/// Matches one level of a walk against the query's range.
#[no_mangle]
pub extern "C" fn rampart_rbac_visit(q: *mut RawQuery, level: *const RawLevel) -> i32 {
    // SAFETY: `walk.c` passes its caller's query and a level on its own stack.
    let (Some(q), Some(lv)) = (unsafe { q.as_mut() }, unsafe { level.as_ref() }) else { return VISIT_NOTHING };
    let Some(range) = query_range(q) else { return VISIT_NOTHING };
    let name = (!lv.name.is_null()).then(|| {
        // SAFETY: `walk.c` points `name` at a name snapshot of `name_len` bytes that it
        // releases only after this call.
        unsafe { core::slice::from_raw_parts(lv.name, lv.name_len as usize) }
    });
    let generation = (lv.has_generation != 0).then_some(lv.generation);
    let ino = (lv.has_ino != 0).then_some(Ident { ino: lv.ino, generation });
    let parent = (lv.has_parent != 0).then_some(Ident { ino: lv.parent_ino, generation: Some(lv.parent_generation) });
    match range.match_level(lv.dev, ino, parent, name) {
        LevelMatch::Found(i) => {
            q.matched = 1;
            q.value = range.value(i);
            VISIT_FOUND
        }
        LevelMatch::NeedName => VISIT_NEED_NAME,
        LevelMatch::Nothing => VISIT_NOTHING,
    }
}

fn decide(mode: RbacMode, q: &mut RawQuery) -> Outcome {
    if mode == RbacMode::Off {
        return Outcome::Allow;
    }
    if q.policy.bytes.is_null() {
        return if mode == RbacMode::Learn && q.access != 0 { Outcome::Learn } else { Outcome::Allow };
    }
    let s = &q.subject;
    if s.index == NO_SUBJECT {
        return Outcome::Allow;
    }
    let learning = mode == RbacMode::Learn || s.learning != 0;
    let enforcing = if mode == RbacMode::Audit { mode::Mode::Audit } else { mode::Mode::Enforce };
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
    // A walk that could not cross mount points (fallback mode) ends below them: the
    // subject's `/` rule then stands for what lies above. One that gave up (a tree
    // deeper than any real one) has no rule: refused.
    let granted = if q.matched != 0 {
        Some(q.value as u32)
    } else if q.complete == 0 && s.has_root_object != 0 {
        Some(s.root_object)
    } else {
        None
    };
    q.granted = granted.unwrap_or(0);
    if q.access == 0 {
        // stat and friends: only hidden objects are refused; nothing to learn.
        let hidden = granted.is_some_and(|g| g & access::HIDDEN != 0);
        return if hidden && !learning && enforcing == mode::Mode::Enforce { Outcome::Hide } else { Outcome::Allow };
    }
    rbac::decide(enforcing, learning, granted, Request { access: q.access })
}

/// Whether a query from `hooks.c` is a plain allow in `mode` (as read from
/// `rampart_rbac_mode`); nothing is counted or copied (the hook decides again
/// with [`rampart_rbac_decide`] when it is not).
#[no_mangle]
pub extern "C" fn rampart_rbac_allows(q: *mut RawQuery, mode: u8) -> bool {
    // SAFETY: `hooks.c` passes a pointer to a query on its stack.
    let Some(q) = (unsafe { q.as_mut() }) else { return false };
    decide(RbacMode::from_raw(mode), q) == Outcome::Allow
}

/// Decides a query from `hooks.c` (does not sleep); sets and returns its outcome.
#[no_mangle]
pub extern "C" fn rampart_rbac_decide(q: *mut RawQuery) -> u32 {
    // SAFETY: `hooks.c` passes a pointer to a query on its stack.
    let Some(q) = (unsafe { q.as_mut() }) else { return 0 };
    q.outcome = 0;
    let Some(state) = state() else { return 0 };
    let outcome = decide(state.mode(), q);
    if outcome != Outcome::Allow {
        // Reported: name the subject (allowed accesses skip the copy).
        let path = query_policy(q).map_or(&b"/"[..], |p| p.subject_path(q.subject.index));
        set_subject_path(q, path);
    }
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
        PolicyError::Overlap => c"entry ranges overlap or are out of order",
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
pub extern "C" fn rampart_rbac_describe(
    bytes: *const u8,
    len: usize,
    buf: *mut core::ffi::c_char,
    cap: usize,
) -> usize {
    if bytes.is_null() || buf.is_null() {
        return 0;
    }
    // SAFETY: `policy.c` passes the bytes of the policy it holds a reference to, and a
    // buffer of `cap` bytes.
    let (policy, out) = unsafe {
        (
            Policy::trusted(core::slice::from_raw_parts(bytes, len)),
            core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap),
        )
    };
    let mut out = Text::new(out);
    let (roles, subjects, entries) = policy.counts();
    let _ = writeln!(
        out,
        "roles {roles} subjects {subjects} entries {entries}{}",
        if policy.learn_all() { " learn-all" } else { "" }
    );
    out.len()
}

/// Counts a policy load (`ok`) or a rejected one.
#[no_mangle]
pub extern "C" fn rampart_rbac_count_load(ok: bool) {
    if let Some(state) = state() {
        state.count(if ok { 5 } else { 6 });
    }
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
                MODE.store(m as u8, Ordering::Relaxed);
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
    // SAFETY: rampart_core passes a zeroed (kzalloc) kernel buffer of `cap` bytes it owns.
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
        let state =
            KBox::pin(State { locked: AtomicBool::new(false), stats: [const { AtomicU64::new(0) }; 7] }, GFP_KERNEL)?;
        MODE.store(mode as u8, Ordering::Relaxed);
        let hooks = lifecycle::start(&STATE, &*state, &GLUE)
            .inspect_err(|_| MODE.store(RbacMode::Off as u8, Ordering::Relaxed))?;
        pr_info!("loaded: mode {}, hooks {}\n", mode.name().to_str().unwrap_or("?"), hooks);
        Ok(RampartRbac { _state: state })
    }
}

impl Drop for RampartRbac {
    fn drop(&mut self) {
        lifecycle::stop(&STATE, &GLUE);
        MODE.store(RbacMode::Off as u8, Ordering::Relaxed);
        pr_info!("unloaded\n");
    }
}
