// SPDX-License-Identifier: GPL-2.0

//! rampart_brute: the UID crash throttle, after grsecurity's BRUTE. When a forked child
//! crashes and its parent runs the same program, the parent's forks are delayed; when a
//! setuid/setgid program crashes under a non-root uid, that uid may not exec
//! setuid/setgid programs for a while and its other copies of the program are killed.
//!
//! State and decisions live here (logic: `kmod/common/src/brute.rs`, host-tested); the
//! C side gathers facts (`facts.c`), attaches hooks (`hooks.c`), sleeps (`delay.c`),
//! ends bans on time (`expiry.c`) and lists the settings (`settings.c`).

use core::fmt::Write;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicU8, Ordering};
use kernel::prelude::*;
use kernel::sync::SpinLock;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/mode.rs"]
mod mode;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/brute.rs"]
mod brute;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/text.rs"]
mod text;

#[path = "../shared/lifecycle.rs"]
mod lifecycle;

use brute::{BanCommand, Brute, CrashFacts, Expired, ForkVerdict, Insert, ProcessId};
use mode::{Mode, Verdict};
use text::Text;

module! {
    type: RampartBrute,
    name: "rampart_brute",
    author: "rampart developers",
    description: "rampart: UID crash throttle (fork delays and setuid bans after crashes)",
    license: "GPL",
}

/// Mirrors `struct brute_crash_facts` in `shim.h`.
#[repr(C)]
pub struct RawCrashFacts {
    sig: i32,
    code: i32,
    from_self: bool,
    setid_exe: bool,
    has_parent: bool,
    uid: u32,
    parent_tgid: i32,
    parent_start_ns: u64,
}
const _: () = assert!(core::mem::size_of::<RawCrashFacts>() == 32);

extern "C" {
    fn rampart_brute_initial_mode() -> *const core::ffi::c_char;
    fn rampart_brute_attach() -> core::ffi::c_int;
    fn rampart_brute_detach();
    fn rampart_brute_hook_mode() -> core::ffi::c_int;
    fn rampart_brute_settings_init() -> core::ffi::c_int;
    fn rampart_brute_settings_exit();
    fn rampart_brute_now_ms() -> u64;
    fn rampart_brute_report_lift(uid: u32);
}

const GLUE: lifecycle::Glue = lifecycle::Glue {
    settings_init: rampart_brute_settings_init,
    settings_exit: rampart_brute_settings_exit,
    attach: rampart_brute_attach,
    detach: rampart_brute_detach,
    hook_mode: rampart_brute_hook_mode,
};

/// Counters shown in `stats`; the first two are counted by the C side (`shim.h`).
#[derive(Clone, Copy)]
enum Stat {
    CopiesKilled = 0,
    DelaysLost,
    Crashes,
    ThrottlesStarted,
    ThrottleTableFull,
    ForksDelayed,
    ForkDelaysAudited,
    BansStarted,
    BanTableFull,
    ExecDenied,
    ExecAudited,
    BansExpired,
    ThrottlesExpired,
    BansLifted,
    ThrottleQuotaReached,
}

const STAT_NAMES: [&str; 15] = [
    "copies_killed",
    "delays_lost",
    "crashes",
    "throttles_started",
    "throttle_table_full",
    "forks_delayed",
    "fork_delays_audited",
    "bans_started",
    "ban_table_full",
    "exec_denied",
    "exec_audited",
    "bans_expired",
    "throttles_expired",
    "bans_lifted",
    "throttle_quota_reached",
];

#[pin_data]
struct State {
    mode: AtomicU8,
    locked: AtomicBool,
    #[pin]
    brute: SpinLock<Brute>,
    stats: [AtomicU64; STAT_NAMES.len()],
}

impl State {
    fn count(&self, stat: Stat, n: u64) {
        if let Some(counter) = self.stats.get(stat as usize) {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }

    fn get(&self, stat: Stat) -> u64 {
        self.stats.get(stat as usize).map_or(0, |counter| counter.load(Ordering::Relaxed))
    }

    fn mode(&self) -> Mode {
        Mode::from_raw(self.mode.load(Ordering::Relaxed))
    }
}

/// The live state while the module is loaded; null before init and after exit.
static STATE: AtomicPtr<State> = AtomicPtr::new(ptr::null_mut());

fn state() -> Option<&'static State> {
    let state = STATE.load(Ordering::Acquire);
    // SAFETY: a non-null STATE points into the pinned box owned by the module object.
    // It is reset to null only after the hooks are detached (which waits for running
    // handlers and queued delays), the expiry sweep is cancelled and the settings files
    // are removed (open files pin the module), so no caller still holds the reference
    // when the box is dropped.
    (!state.is_null()).then(|| unsafe { &*state })
}

fn now_ms() -> u64 {
    // SAFETY: reads a lockless monotonic clock; callable from any context.
    unsafe { rampart_brute_now_ms() }
}

const OUT_CRASH: u32 = 0x01;
const OUT_THROTTLE_NEW: u32 = 0x02;
const OUT_THROTTLE_FULL: u32 = 0x04;
const OUT_BAN_NEW: u32 = 0x08;
const OUT_BAN_RENEWED: u32 = 0x10;
const OUT_BAN_FULL: u32 = 0x20;
const OUT_KILL_COPIES: u32 = 0x40;
const OUT_THROTTLE_QUOTA: u32 = 0x80;

/// Records a task dying of a core-dumping signal; returns the outcome bits of `shim.h`
/// (called from `hooks.c`; does not sleep).
#[no_mangle]
pub extern "C" fn rampart_brute_on_crash(raw: *const RawCrashFacts) -> u32 {
    let Some(state) = state() else { return 0 };
    // SAFETY: `hooks.c` passes a pointer to facts on its stack, filled by `facts.c`.
    let Some(raw) = (unsafe { raw.as_ref() }) else { return 0 };
    let facts = CrashFacts {
        sig: raw.sig,
        code: raw.code,
        from_self: raw.from_self,
        uid: raw.uid,
        setid_exe: raw.setid_exe,
        same_exe_parent: raw.has_parent.then_some(ProcessId { tgid: raw.parent_tgid, start_ns: raw.parent_start_ns }),
    };
    let outcome = state.brute.lock().on_crash(state.mode(), &facts, now_ms());
    let mut bits = 0;
    if outcome.crash {
        bits |= OUT_CRASH;
        state.count(Stat::Crashes, 1);
    }
    match outcome.throttle {
        Some(Insert::New) => {
            bits |= OUT_THROTTLE_NEW;
            state.count(Stat::ThrottlesStarted, 1);
        }
        Some(Insert::Full) => {
            bits |= OUT_THROTTLE_FULL;
            state.count(Stat::ThrottleTableFull, 1);
        }
        Some(Insert::OverQuota) => {
            bits |= OUT_THROTTLE_QUOTA;
            state.count(Stat::ThrottleQuotaReached, 1);
        }
        Some(Insert::Renewed) | None => {}
    }
    match outcome.ban {
        Some(Insert::New) => {
            bits |= OUT_BAN_NEW;
            state.count(Stat::BansStarted, 1);
        }
        Some(Insert::Renewed) => bits |= OUT_BAN_RENEWED,
        Some(Insert::Full) | Some(Insert::OverQuota) => {
            bits |= OUT_BAN_FULL;
            state.count(Stat::BanTableFull, 1);
        }
        None => {}
    }
    if outcome.kill_copies {
        bits |= OUT_KILL_COPIES;
    }
    bits
}

/// The delay in ms for a fork by the process `tgid` started at `start_ns` (0: none);
/// `*audit` is set in audit mode, where the delay is reported but not applied.
#[no_mangle]
pub extern "C" fn rampart_brute_on_fork(tgid: i32, start_ns: u64, audit: *mut bool) -> u32 {
    let Some(state) = state() else { return 0 };
    let process = ProcessId { tgid, start_ns };
    let verdict = state.brute.lock().on_fork(state.mode(), process, now_ms());
    let (ms, is_audit) = match verdict {
        ForkVerdict::Go => return 0,
        ForkVerdict::WouldDelay(ms) => {
            state.count(Stat::ForkDelaysAudited, 1);
            (ms, true)
        }
        ForkVerdict::Delay(ms) => {
            state.count(Stat::ForksDelayed, 1);
            (ms, false)
        }
    };
    // SAFETY: `hooks.c` passes a pointer to a bool on its stack (or null).
    if let Some(audit) = unsafe { audit.as_mut() } {
        *audit = is_audit;
    }
    ms
}

/// Decides an exec of a setuid/setgid program by real uid `uid` (0 ignore, 2 audit, 3 deny).
#[no_mangle]
pub extern "C" fn rampart_brute_on_setid_exec(uid: u32) -> u8 {
    let Some(state) = state() else { return 0 };
    let verdict = state.brute.lock().on_setid_exec(state.mode(), uid, now_ms());
    match verdict {
        Verdict::Deny => state.count(Stat::ExecDenied, 1),
        Verdict::Audit => state.count(Stat::ExecAudited, 1),
        Verdict::Ignore | Verdict::Allowlisted => {}
    }
    verdict.code()
}

/// Pops one expired ban (`*kind` 1, `*id` the uid) or throttle (`*kind` 2, `*id` the
/// tgid); false when nothing has expired (called from the expiry sweep).
#[no_mangle]
pub extern "C" fn rampart_brute_pop_expired(kind: *mut u8, id: *mut i64) -> bool {
    let Some(state) = state() else { return false };
    let Some(expired) = state.brute.lock().pop_expired(now_ms()) else { return false };
    let (k, value) = match expired {
        Expired::Ban(uid) => {
            state.count(Stat::BansExpired, 1);
            (1, i64::from(uid))
        }
        Expired::Throttle(p) => {
            state.count(Stat::ThrottlesExpired, 1);
            (2, i64::from(p.tgid))
        }
    };
    // SAFETY: `expiry.c` passes pointers to locals on its stack.
    if let (Some(kind), Some(id)) = unsafe { (kind.as_mut(), id.as_mut()) } {
        *kind = k;
        *id = value;
    }
    true
}

/// Whether both tables are empty (the expiry sweep then stops).
#[no_mangle]
pub extern "C" fn rampart_brute_tables_empty() -> bool {
    state().map_or(true, |state| {
        let brute = state.brute.lock();
        brute.bans.is_empty() && brute.throttles.is_empty()
    })
}

/// Counts `n` occurrences of a statistic the C side observes.
#[no_mangle]
pub extern "C" fn rampart_brute_count(stat: u8, n: u64) {
    let Some(state) = state() else { return };
    match stat {
        0 => state.count(Stat::CopiesKilled, n),
        1 => state.count(Stat::DelaysLost, n),
        _ => {}
    }
}

const SETTING_MODE: i32 = 0;
const SETTING_LOCK: i32 = 1;
const SETTING_STATS: i32 = 2;
const SETTING_FORK_DELAY: i32 = 3;
const SETTING_THROTTLE_SECS: i32 = 4;
const SETTING_BAN_SECS: i32 = 5;
const SETTING_MAX_BANS: i32 = 6;
const SETTING_MAX_THROTTLES: i32 = 7;
const SETTING_BANS: i32 = 8;
const SETTING_THROTTLES: i32 = 9;

fn lift(state: &State, command: BanCommand) -> core::ffi::c_int {
    // Lifted uids are reported after the lock is dropped; at most the table's capacity.
    let mut lifted = [0u32; brute::BAN_SLOTS];
    let mut count = 0usize;
    {
        let mut brute = state.brute.lock();
        match command {
            BanCommand::Lift(uid) => {
                if !brute.bans.remove(uid) {
                    return ENOENT.to_errno();
                }
                lifted[0] = uid;
                count = 1;
            }
            BanCommand::LiftAll => {
                while let Some((uid, _)) = brute.bans.pop_expired(u64::MAX) {
                    if let Some(slot) = lifted.get_mut(count) {
                        *slot = uid;
                        count += 1;
                    }
                }
            }
        }
    }
    for &uid in lifted.iter().take(count) {
        state.count(Stat::BansLifted, 1);
        // SAFETY: process context (a settings write); reports for current.
        unsafe { rampart_brute_report_lift(uid) };
    }
    0
}

fn store_bounded(state: &State, setting: i32, text: &[u8]) -> core::ffi::c_int {
    let max = match setting {
        SETTING_FORK_DELAY => brute::FORK_DELAY_MAX_MS,
        SETTING_THROTTLE_SECS | SETTING_BAN_SECS => brute::PERIOD_MAX_SECS,
        _ => brute::BAN_SLOTS.max(brute::THROTTLE_SLOTS) as u32,
    };
    let Some(value) = brute::parse_bounded(text, max) else { return EINVAL.to_errno() };
    let mut brute = state.brute.lock();
    let t = &mut brute.tunables;
    match setting {
        SETTING_FORK_DELAY => t.fork_delay_ms = value,
        SETTING_THROTTLE_SECS => t.throttle_secs = value,
        SETTING_BAN_SECS => t.ban_secs = value,
        SETTING_MAX_BANS => return limit_result(brute.bans.set_limit(value as usize)),
        SETTING_MAX_THROTTLES => return limit_result(brute.throttles.set_limit(value as usize)),
        _ => return EPERM.to_errno(),
    }
    0
}

fn limit_result(applied: Option<()>) -> core::ffi::c_int {
    applied.map_or(EINVAL.to_errno(), |()| 0)
}

/// Applies a settings write (process context). Returns 0, 1 when this write locked
/// the settings, or a negative errno; a rejected write changes nothing.
#[no_mangle]
pub extern "C" fn rampart_brute_store(setting: i32, buf: *const core::ffi::c_char, len: usize) -> core::ffi::c_int {
    let Some(state) = state() else { return ENODEV.to_errno() };
    // SAFETY: rampart_core passes its kernel copy of the written bytes and their length.
    let text = match unsafe { lifecycle::settings_write(&state.locked, buf, len) } {
        Ok(text) => text,
        Err(errno) => return errno,
    };
    match setting {
        SETTING_MODE => lifecycle::store_mode(&state.mode, text),
        SETTING_LOCK => lifecycle::store_lock(&state.locked, text),
        SETTING_BANS => match BanCommand::parse(text) {
            Some(command) => lift(state, command),
            None => EINVAL.to_errno(),
        },
        SETTING_FORK_DELAY | SETTING_THROTTLE_SECS | SETTING_BAN_SECS | SETTING_MAX_BANS | SETTING_MAX_THROTTLES => {
            store_bounded(state, setting, text)
        }
        _ => EPERM.to_errno(),
    }
}

fn remaining_secs(until_ms: u64, now: u64) -> u64 {
    until_ms.saturating_sub(now).div_ceil(1000)
}

/// Shows a setting; returns the bytes written.
#[no_mangle]
pub extern "C" fn rampart_brute_show(setting: i32, buf: *mut core::ffi::c_char, cap: usize) -> usize {
    let Some(state) = state() else { return 0 };
    if buf.is_null() {
        return 0;
    }
    // SAFETY: rampart_core passes a zeroed (kzalloc) kernel buffer of `cap` bytes it owns.
    let mut out = Text::new(unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap) });
    let now = now_ms();
    let _ =
        match setting {
            SETTING_MODE => writeln!(out, "{}", state.mode().name()),
            SETTING_LOCK => writeln!(out, "{}", u8::from(state.locked.load(Ordering::Acquire))),
            SETTING_STATS => STAT_NAMES
                .iter()
                .zip(state.stats.iter())
                .try_for_each(|(name, value)| writeln!(out, "{name} {}", value.load(Ordering::Relaxed))),
            SETTING_FORK_DELAY => writeln!(out, "{}", state.brute.lock().tunables.fork_delay_ms),
            SETTING_THROTTLE_SECS => writeln!(out, "{}", state.brute.lock().tunables.throttle_secs),
            SETTING_BAN_SECS => writeln!(out, "{}", state.brute.lock().tunables.ban_secs),
            SETTING_MAX_BANS => writeln!(out, "{}", state.brute.lock().bans.limit()),
            SETTING_MAX_THROTTLES => writeln!(out, "{}", state.brute.lock().throttles.limit()),
            SETTING_BANS => {
                let brute = state.brute.lock();
                let written =
                    brute.bans.entries().filter(|(_, until)| *until > now).try_for_each(|(uid, until)| {
                        writeln!(out, "uid {uid} expires_in {}", remaining_secs(until, now))
                    });
                written
            }
            SETTING_THROTTLES => {
                let brute = state.brute.lock();
                let written = brute.throttles.entries().filter(|(_, until)| *until > now).try_for_each(|(p, until)| {
                    writeln!(out, "pid {} expires_in {}", p.tgid, remaining_secs(until, now))
                });
                written
            }
            _ => Ok(()),
        };
    out.len()
}

struct RampartBrute {
    state: Pin<KBox<State>>,
}

impl kernel::Module for RampartBrute {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: takes no arguments; returns a pointer to the module's `mode` parameter.
        let mode = lifecycle::initial_mode(unsafe { rampart_brute_initial_mode() })?;
        let state = KBox::pin_init(
            pin_init!(State {
                mode: AtomicU8::new(mode as u8),
                locked: AtomicBool::new(false),
                brute <- kernel::new_spinlock!(Brute::default(), "rampart_brute_state"),
                stats: [const { AtomicU64::new(0) }; STAT_NAMES.len()],
            }),
            GFP_KERNEL,
        )?;
        let hooks = lifecycle::start(&STATE, &state, &GLUE)?;
        pr_info!("loaded: mode {}, hooks {}\n", mode.name(), hooks);
        Ok(RampartBrute { state })
    }
}

impl Drop for RampartBrute {
    fn drop(&mut self) {
        lifecycle::stop(&STATE, &GLUE);
        pr_info!(
            "unloaded ({} crashes, {} forks delayed, {} execs denied)\n",
            self.state.get(Stat::Crashes),
            self.state.get(Stat::ForksDelayed),
            self.state.get(Stat::ExecDenied)
        );
    }
}
