//! The UID crash throttle (exploit brute-force deterrence, after grsecurity's BRUTE):
//! which deaths count as crashes, the fork-throttle and setuid-ban tables with their
//! expiry, and the tunables. Time is passed in (milliseconds on a monotonic clock), so
//! everything here is deterministic and host-tested; the kernel module supplies the
//! clock, the facts about the crashing task, and the sleeping.

use crate::mode::{trim, Mode, Verdict};

/// Signals whose delivery by the kernel means the program faulted.
pub mod signal {
    /// Illegal instruction.
    pub const SIGILL: i32 = 4;
    /// Trace/breakpoint trap.
    pub const SIGTRAP: i32 = 5;
    /// Abort (stack-protector and fortify failures raise it from the program itself).
    pub const SIGABRT: i32 = 6;
    /// Bus error.
    pub const SIGBUS: i32 = 7;
    /// Arithmetic fault.
    pub const SIGFPE: i32 = 8;
    /// Segmentation fault.
    pub const SIGSEGV: i32 = 11;
    /// Bad system call (seccomp kills).
    pub const SIGSYS: i32 = 31;
}

/// Whether a death by `sig` counts as a crash. `code` is the siginfo `si_code`: positive
/// codes (and `SI_KERNEL`) mean the kernel raised the signal for a fault; `from_self`
/// says the sender was the dying process itself, which counts only for `SIGABRT`
/// (`abort()` from a stack-protector or fortify failure): a program that sends itself
/// `SIGSEGV` (`kill -SEGV $$`) proves nothing. A fatal signal another process sent with
/// kill(2) is not a crash either: it says nothing about exploitation and must not let
/// one user get another throttled.
pub fn is_crash(sig: i32, code: i32, from_self: bool) -> bool {
    use signal::*;
    let fault_signal = matches!(sig, SIGILL | SIGTRAP | SIGABRT | SIGBUS | SIGFPE | SIGSEGV | SIGSYS);
    fault_signal && (code > 0 || (from_self && sig == SIGABRT))
}

/// A process, named so that a recycled pid is a different process: its thread-group id
/// and its start time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessId {
    /// Thread-group id in the initial pid namespace.
    pub tgid: i32,
    /// Start time (boot-based, nanoseconds).
    pub start_ns: u64,
}

/// What inserting into an [`ExpiringSet`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    /// A new entry.
    New,
    /// The key was present: its expiry was moved to the new time.
    Renewed,
    /// No room (after dropping expired entries): nothing was recorded.
    Full,
    /// The owner already holds its quota of live entries: nothing was recorded.
    OverQuota,
}

/// A bounded set of keys, each with an expiry time and the owner (a uid) on whose
/// account it was recorded. Capacity `N` is fixed; `limit` (at most `N`) is the
/// tunable bound and `per_owner` the most live entries one owner may hold, so that
/// one user cannot fill the table and leave no room for anyone else's.
#[derive(Debug, Clone)]
pub struct ExpiringSet<K: Copy + PartialEq, const N: usize> {
    slots: [Option<(K, u64)>; N],
    owners: [u32; N],
    limit: usize,
    per_owner: usize,
}

impl<K: Copy + PartialEq, const N: usize> ExpiringSet<K, N> {
    /// An empty set holding at most `limit` entries (clamped to `1..=N`), any number
    /// of them for one owner.
    pub fn new(limit: usize) -> Self {
        ExpiringSet { slots: [None; N], owners: [0; N], limit: limit.clamp(1, N), per_owner: N }
    }

    /// The same, with at most `per_owner` live entries for one owner (at least 1).
    pub fn with_quota(limit: usize, per_owner: usize) -> Self {
        ExpiringSet { per_owner: per_owner.clamp(1, N), ..Self::new(limit) }
    }

    /// The current bound.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Sets the bound; `None` unless `1 <= limit <= N`. Entries over a lowered bound
    /// stay until they expire or are removed; new ones wait for room.
    pub fn set_limit(&mut self, limit: usize) -> Option<()> {
        (1..=N).contains(&limit).then(|| self.limit = limit)
    }

    /// Number of entries (expired ones included until they are popped).
    pub fn len(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    /// Whether the set has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records `key` until `until_ms`, or moves its expiry there (owner 0).
    pub fn insert(&mut self, key: K, until_ms: u64, now_ms: u64) -> Insert {
        self.insert_for(0, key, until_ms, now_ms)
    }

    /// Records `key` on `owner`'s account until `until_ms`, or moves its expiry there.
    pub fn insert_for(&mut self, owner: u32, key: K, until_ms: u64, now_ms: u64) -> Insert {
        if let Some(slot) = self.slots.iter_mut().flatten().find(|(k, _)| *k == key) {
            slot.1 = until_ms;
            return Insert::Renewed;
        }
        let live = |s: &Option<(K, u64)>| matches!(s, Some((_, until)) if *until > now_ms);
        if self.slots.iter().filter(|s| live(s)).count() >= self.limit {
            return Insert::Full;
        }
        let owned = self.slots.iter().zip(self.owners.iter()).filter(|(s, o)| live(s) && **o == owner).count();
        if owned >= self.per_owner {
            return Insert::OverQuota;
        }
        // Reuse an expired slot first (it was never popped), then a free one.
        let index = self
            .slots
            .iter()
            .position(|s| matches!(s, Some((_, until)) if *until <= now_ms))
            .or_else(|| self.slots.iter().position(Option::is_none));
        match index.and_then(|i| Some((self.slots.get_mut(i)?, i))) {
            Some((slot, i)) => {
                *slot = Some((key, until_ms));
                if let Some(o) = self.owners.get_mut(i) {
                    *o = owner;
                }
                Insert::New
            }
            None => Insert::Full,
        }
    }

    /// The expiry of `key` if it is present and not yet expired.
    pub fn active(&self, key: K, now_ms: u64) -> Option<u64> {
        self.slots.iter().flatten().find(|(k, until)| *k == key && *until > now_ms).map(|(_, until)| *until)
    }

    /// Removes `key`; whether it was present.
    pub fn remove(&mut self, key: K) -> bool {
        match self.slots.iter_mut().find(|s| matches!(s, Some((k, _)) if *k == key)) {
            Some(slot) => {
                *slot = None;
                true
            }
            None => false,
        }
    }

    /// Removes and returns one entry that has expired by `now_ms`.
    pub fn pop_expired(&mut self, now_ms: u64) -> Option<(K, u64)> {
        let slot = self.slots.iter_mut().find(|s| matches!(s, Some((_, until)) if *until <= now_ms))?;
        slot.take()
    }

    /// Entries, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (K, u64)> + '_ {
        self.slots.iter().flatten().copied()
    }
}

/// Tunables, with grsecurity's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tunables {
    /// Delay of each fork of a throttled process (0: no fork throttling).
    pub fork_delay_ms: u32,
    /// How long a process stays throttled after its child's last crash.
    pub throttle_secs: u32,
    /// How long a uid may not exec setuid/setgid programs (0: no bans).
    pub ban_secs: u32,
}

impl Default for Tunables {
    fn default() -> Self {
        Tunables { fork_delay_ms: 30_000, throttle_secs: 30 * 60, ban_secs: 15 * 60 }
    }
}

/// Largest accepted fork delay (10 minutes).
pub const FORK_DELAY_MAX_MS: u32 = 600_000;
/// Largest accepted throttle or ban period (7 days).
pub const PERIOD_MAX_SECS: u32 = 7 * 24 * 3600;

/// Parses a decimal number in `0..=max` (surrounding whitespace allowed).
pub fn parse_bounded(text: &[u8], max: u32) -> Option<u32> {
    let digits = trim(text);
    if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits.iter().fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    u32::try_from(value).ok().filter(|v| *v <= max)
}

/// A write to the `bans` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BanCommand {
    /// `lift <uid>`: end one uid's ban now.
    Lift(u32),
    /// `lift all`: end every ban now.
    LiftAll,
}

impl BanCommand {
    /// Parses `lift <uid>` or `lift all`.
    pub fn parse(text: &[u8]) -> Option<BanCommand> {
        let rest = trim(text).strip_prefix(b"lift")?;
        if rest.first().is_some_and(|b| !b.is_ascii_whitespace()) {
            return None;
        }
        match trim(rest) {
            b"all" => Some(BanCommand::LiftAll),
            uid => parse_bounded(uid, u32::MAX).map(BanCommand::Lift),
        }
    }
}

/// What the kernel knows about a task dying of a core-dumping signal.
#[derive(Debug, Clone, Copy)]
pub struct CrashFacts {
    /// The signal.
    pub sig: i32,
    /// Its `si_code`.
    pub code: i32,
    /// Whether the dying process sent it to itself.
    pub from_self: bool,
    /// Real uid of the dying task (initial user namespace).
    pub uid: u32,
    /// Whether the exec that started the program raised privilege (`AT_SECURE`: setuid,
    /// setgid or file capabilities), judged by the kernel, not by mode bits.
    pub setid_exe: bool,
    /// Its parent, when the parent runs the same executable (and is not init).
    pub same_exe_parent: Option<ProcessId>,
}

/// What the throttle does about one crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CrashOutcome {
    /// The death counted as a crash (report it).
    pub crash: bool,
    /// The parent's throttle: started, renewed, or no room.
    pub throttle: Option<Insert>,
    /// The uid's setuid ban: started, renewed, or no room.
    pub ban: Option<Insert>,
    /// Kill the uid's other running copies of the program (enforce mode only).
    pub kill_copies: bool,
}

/// What a fork of the calling process gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForkVerdict {
    /// Not throttled.
    Go,
    /// Throttled, audit mode: report the delay that would apply, do not wait.
    WouldDelay(u32),
    /// Throttled: wait this long first.
    Delay(u32),
}

/// Ban slots (the `max_bans` setting may lower the bound). The tables live inline in
/// the module's state, which is built on the loading task's stack first: keep them small.
pub const BAN_SLOTS: usize = 64;
/// Throttle slots (the `max_throttles` setting may lower the bound).
pub const THROTTLE_SLOTS: usize = 64;
/// Live throttles one uid's crashes may hold: a user crashing their own programs on
/// purpose fills at most this many slots, never the table.
pub const THROTTLES_PER_UID: usize = 4;

/// Something that ended on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// A uid's setuid ban.
    Ban(u32),
    /// A process's fork throttle.
    Throttle(ProcessId),
}

/// The throttle's whole state: tunables and both tables.
#[derive(Debug, Clone)]
pub struct Brute {
    /// Current tunables.
    pub tunables: Tunables,
    /// Uids banned from setuid/setgid exec, until when.
    pub bans: ExpiringSet<u32, BAN_SLOTS>,
    /// Processes whose forks are delayed, until when.
    pub throttles: ExpiringSet<ProcessId, THROTTLE_SLOTS>,
}

impl Default for Brute {
    fn default() -> Self {
        Brute {
            tunables: Tunables::default(),
            bans: ExpiringSet::new(BAN_SLOTS),
            throttles: ExpiringSet::with_quota(THROTTLE_SLOTS, THROTTLES_PER_UID),
        }
    }
}

fn after(now_ms: u64, secs: u32) -> u64 {
    now_ms.saturating_add(u64::from(secs) * 1000)
}

impl Brute {
    /// Records a crash. Off mode records nothing; audit records (so later forks and
    /// execs are reported) but never kills.
    pub fn on_crash(&mut self, mode: Mode, facts: &CrashFacts, now_ms: u64) -> CrashOutcome {
        let mut out = CrashOutcome::default();
        if mode == Mode::Off || !is_crash(facts.sig, facts.code, facts.from_self) {
            return out;
        }
        out.crash = true;
        let t = self.tunables;
        if let Some(parent) = facts.same_exe_parent {
            if t.fork_delay_ms > 0 && t.throttle_secs > 0 {
                let until = after(now_ms, t.throttle_secs);
                out.throttle = Some(self.throttles.insert_for(facts.uid, parent, until, now_ms));
            }
        }
        if facts.setid_exe && facts.uid != 0 && t.ban_secs > 0 {
            let ban = self.bans.insert(facts.uid, after(now_ms, t.ban_secs), now_ms);
            out.ban = Some(ban);
            out.kill_copies = mode == Mode::Enforce && ban != Insert::Full;
        }
        out
    }

    /// Decides a fork by `process`.
    pub fn on_fork(&self, mode: Mode, process: ProcessId, now_ms: u64) -> ForkVerdict {
        let delay = self.tunables.fork_delay_ms;
        if mode == Mode::Off || delay == 0 || self.throttles.active(process, now_ms).is_none() {
            return ForkVerdict::Go;
        }
        if mode == Mode::Audit {
            ForkVerdict::WouldDelay(delay)
        } else {
            ForkVerdict::Delay(delay)
        }
    }

    /// Decides an exec of a setuid/setgid program by real uid `uid`.
    pub fn on_setid_exec(&self, mode: Mode, uid: u32, now_ms: u64) -> Verdict {
        if mode == Mode::Off || uid == 0 || self.bans.active(uid, now_ms).is_none() {
            return Verdict::Ignore;
        }
        if mode == Mode::Audit {
            Verdict::Audit
        } else {
            Verdict::Deny
        }
    }

    /// Removes and returns one ban or throttle that has run out by `now_ms`.
    pub fn pop_expired(&mut self, now_ms: u64) -> Option<Expired> {
        if let Some((uid, _)) = self.bans.pop_expired(now_ms) {
            return Some(Expired::Ban(uid));
        }
        self.throttles.pop_expired(now_ms).map(|(p, _)| Expired::Throttle(p))
    }
}

#[cfg(test)]
mod tests {
    use super::signal::*;
    use super::*;

    const SEGV_MAPERR: i32 = 1;
    const SI_USER: i32 = 0;
    const SI_TKILL: i32 = -6;
    const SI_KERNEL: i32 = 0x80;
    const SIGQUIT: i32 = 3;
    const SIGXCPU: i32 = 24;

    fn facts(uid: u32, setid_exe: bool, parent: Option<ProcessId>) -> CrashFacts {
        CrashFacts { sig: SIGSEGV, code: SEGV_MAPERR, from_self: false, uid, setid_exe, same_exe_parent: parent }
    }

    const PARENT: ProcessId = ProcessId { tgid: 100, start_ns: 5 };

    #[test]
    fn classifies_crashes() {
        assert!(is_crash(SIGSEGV, SEGV_MAPERR, false));
        assert!(is_crash(SIGBUS, 2, false));
        assert!(is_crash(SIGILL, SI_KERNEL, false));
        assert!(is_crash(SIGSYS, 1, false));
        assert!(is_crash(SIGABRT, SI_TKILL, true), "abort() from a stack-protector failure");
        assert!(!is_crash(SIGSEGV, SI_USER, true), "kill -SEGV $$: a self-sent SEGV proves nothing");
        assert!(!is_crash(SIGBUS, SI_TKILL, true), "raise(SIGBUS)");
        assert!(!is_crash(SIGSEGV, SI_USER, false), "kill -SEGV from someone else");
        assert!(!is_crash(SIGABRT, SI_TKILL, false));
        assert!(!is_crash(SIGQUIT, SI_KERNEL, true), "quit is not a fault");
        assert!(!is_crash(SIGXCPU, SI_KERNEL, false), "resource limits are not faults");
    }

    #[test]
    fn same_exe_parent_is_throttled_until_expiry() {
        let mut b = Brute::default();
        let out = b.on_crash(Mode::Enforce, &facts(1000, false, Some(PARENT)), 1_000);
        assert_eq!(out, CrashOutcome { crash: true, throttle: Some(Insert::New), ban: None, kill_copies: false });
        assert_eq!(b.on_fork(Mode::Enforce, PARENT, 2_000), ForkVerdict::Delay(30_000));
        assert_eq!(b.on_fork(Mode::Audit, PARENT, 2_000), ForkVerdict::WouldDelay(30_000));
        let other = ProcessId { tgid: 100, start_ns: 6 };
        assert_eq!(b.on_fork(Mode::Enforce, other, 2_000), ForkVerdict::Go, "a restarted service is new");
        let end = 1_000 + 30 * 60 * 1000;
        assert_eq!(b.on_fork(Mode::Enforce, PARENT, end - 1), ForkVerdict::Delay(30_000));
        assert_eq!(b.on_fork(Mode::Enforce, PARENT, end), ForkVerdict::Go);
        assert_eq!(b.pop_expired(end - 1), None);
        assert_eq!(b.pop_expired(end), Some(Expired::Throttle(PARENT)));
        assert!(b.throttles.is_empty());
    }

    #[test]
    fn another_crash_renews_the_throttle() {
        let mut b = Brute::default();
        b.on_crash(Mode::Enforce, &facts(0, false, Some(PARENT)), 0);
        let out = b.on_crash(Mode::Enforce, &facts(0, false, Some(PARENT)), 1_000_000);
        assert_eq!(out.throttle, Some(Insert::Renewed));
        assert_eq!(b.on_fork(Mode::Enforce, PARENT, 1_800_001), ForkVerdict::Delay(30_000));
    }

    #[test]
    fn setuid_crash_bans_the_uid_but_never_root() {
        let mut b = Brute::default();
        let out = b.on_crash(Mode::Enforce, &facts(1000, true, None), 0);
        assert_eq!(out, CrashOutcome { crash: true, throttle: None, ban: Some(Insert::New), kill_copies: true });
        assert_eq!(b.on_setid_exec(Mode::Enforce, 1000, 1), Verdict::Deny);
        assert_eq!(b.on_setid_exec(Mode::Audit, 1000, 1), Verdict::Audit);
        assert_eq!(b.on_setid_exec(Mode::Enforce, 1001, 1), Verdict::Ignore);
        assert_eq!(b.on_setid_exec(Mode::Enforce, 1000, 15 * 60 * 1000), Verdict::Ignore, "expired");

        let root = b.on_crash(Mode::Enforce, &facts(0, true, None), 0);
        assert_eq!(root.ban, None);
        assert_eq!(b.on_setid_exec(Mode::Enforce, 0, 1), Verdict::Ignore);
    }

    #[test]
    fn non_setuid_crash_does_not_ban_and_audit_does_not_kill() {
        let mut b = Brute::default();
        assert_eq!(b.on_crash(Mode::Enforce, &facts(1000, false, None), 0).ban, None);
        assert_eq!(b.on_setid_exec(Mode::Enforce, 1000, 1), Verdict::Ignore);
        let audit = b.on_crash(Mode::Audit, &facts(1000, true, None), 0);
        assert_eq!((audit.ban, audit.kill_copies), (Some(Insert::New), false));
    }

    #[test]
    fn off_mode_and_non_crashes_record_nothing() {
        let mut b = Brute::default();
        assert_eq!(b.on_crash(Mode::Off, &facts(1000, true, Some(PARENT)), 0), CrashOutcome::default());
        let killed = CrashFacts { code: SI_USER, ..facts(1000, true, Some(PARENT)) };
        assert_eq!(b.on_crash(Mode::Enforce, &killed, 0), CrashOutcome::default());
        assert!(b.bans.is_empty() && b.throttles.is_empty());
    }

    #[test]
    fn zero_tunables_disable_each_part() {
        let mut b = Brute::default();
        b.tunables.fork_delay_ms = 0;
        b.tunables.ban_secs = 0;
        let out = b.on_crash(Mode::Enforce, &facts(1000, true, Some(PARENT)), 0);
        assert_eq!(out, CrashOutcome { crash: true, throttle: None, ban: None, kill_copies: false });
    }

    #[test]
    fn a_full_table_says_so_and_expired_entries_make_room() {
        let mut b = Brute::default();
        b.bans.set_limit(2).unwrap();
        b.tunables.ban_secs = 10;
        assert_eq!(b.on_crash(Mode::Enforce, &facts(1, true, None), 0).ban, Some(Insert::New));
        assert_eq!(b.on_crash(Mode::Enforce, &facts(2, true, None), 5_000).ban, Some(Insert::New));
        let full = b.on_crash(Mode::Enforce, &facts(3, true, None), 6_000);
        assert_eq!((full.ban, full.kill_copies), (Some(Insert::Full), false));
        assert_eq!(b.on_setid_exec(Mode::Enforce, 3, 6_000), Verdict::Ignore);
        // uid 1's ban ran out at 10 s: its slot is reused even before the sweep pops it.
        assert_eq!(b.on_crash(Mode::Enforce, &facts(3, true, None), 10_000).ban, Some(Insert::New));
        assert_eq!(b.bans.len(), 2);
        assert_eq!(b.on_setid_exec(Mode::Enforce, 3, 10_001), Verdict::Deny);
        assert_eq!(b.on_setid_exec(Mode::Enforce, 1, 10_001), Verdict::Ignore);
    }

    #[test]
    fn one_uid_cannot_fill_the_throttle_table() {
        let mut b = Brute::default();
        let parent = |tgid| ProcessId { tgid, start_ns: 1 };
        for tgid in 0..THROTTLES_PER_UID as i32 {
            assert_eq!(
                b.on_crash(Mode::Enforce, &facts(1000, false, Some(parent(tgid))), 0).throttle,
                Some(Insert::New)
            );
        }
        let over = b.on_crash(Mode::Enforce, &facts(1000, false, Some(parent(99))), 0);
        assert_eq!(over.throttle, Some(Insert::OverQuota));
        assert_eq!(b.on_fork(Mode::Enforce, parent(99), 1), ForkVerdict::Go);
        // Another user's real crash still gets a slot, and renewing an entry is not a new one.
        assert_eq!(b.on_crash(Mode::Enforce, &facts(33, false, Some(parent(200))), 0).throttle, Some(Insert::New));
        assert_eq!(b.on_crash(Mode::Enforce, &facts(1000, false, Some(parent(0))), 5).throttle, Some(Insert::Renewed));
        // Once one of the uid's throttles runs out, it may hold a new one.
        let later = 30 * 60 * 1000;
        assert_eq!(b.on_crash(Mode::Enforce, &facts(1000, false, Some(parent(99))), later).throttle, Some(Insert::New));
    }

    #[test]
    fn lift_and_pop_expired() {
        let mut set: ExpiringSet<u32, 4> = ExpiringSet::new(4);
        assert_eq!(set.insert(7, 100, 0), Insert::New);
        assert_eq!(set.insert(8, 50, 0), Insert::New);
        assert!(set.remove(7));
        assert!(!set.remove(7));
        assert_eq!(set.pop_expired(49), None);
        assert_eq!(set.pop_expired(50), Some((8, 50)));
        assert!(set.is_empty());
        assert_eq!(set.set_limit(0), None);
        assert_eq!(set.set_limit(5), None);
        assert_eq!(set.set_limit(4), Some(()));
        assert_eq!(ExpiringSet::<u32, 4>::new(99).limit(), 4);
    }

    #[test]
    fn parses_settings() {
        assert_eq!(parse_bounded(b"30000\n", FORK_DELAY_MAX_MS), Some(30_000));
        assert_eq!(parse_bounded(b"0", 5), Some(0));
        assert_eq!(parse_bounded(b"600001", FORK_DELAY_MAX_MS), None);
        assert_eq!(parse_bounded(b"-1", 5), None);
        assert_eq!(parse_bounded(b"1 2", 100), None);
        assert_eq!(parse_bounded(b"99999999999", u32::MAX), None);
        assert_eq!(parse_bounded(b"", 5), None);
        assert_eq!(BanCommand::parse(b"lift 1000\n"), Some(BanCommand::Lift(1000)));
        assert_eq!(BanCommand::parse(b" lift   all "), Some(BanCommand::LiftAll));
        assert_eq!(BanCommand::parse(b"lift"), None);
        assert_eq!(BanCommand::parse(b"liftall"), None);
        assert_eq!(BanCommand::parse(b"lift -3"), None);
        assert_eq!(BanCommand::parse(b"ban 1000"), None);
    }
}
