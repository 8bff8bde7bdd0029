/* SPDX-License-Identifier: GPL-2.0 */
/* The interface between rampart_brute's C files and its Rust object. */
#ifndef RAMPART_BRUTE_SHIM_H
#define RAMPART_BRUTE_SHIM_H

#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/signal_types.h>
#include <linux/build_bug.h>
#include <linux/types.h>

#include <rampart/core.h>

/* What the kernel knows about a dying task (CrashFacts in kmod/common/src/brute.rs). */
struct brute_crash_facts {
	int sig;
	int code;
	bool from_self;
	bool setid_exe;
	bool has_parent;	/* the parent runs the same executable and is not init */
	u32 uid;
	s32 parent_tgid;
	u64 parent_start_ns;
};
static_assert(sizeof(struct brute_crash_facts) == 32, "mirrored in Rust: keep both sizes equal");

/* Outcome bits of rampart_brute_on_crash(). */
#define BRUTE_CRASH		0x01
#define BRUTE_THROTTLE_NEW	0x02
#define BRUTE_THROTTLE_FULL	0x04
#define BRUTE_BAN_NEW		0x08
#define BRUTE_BAN_RENEWED	0x10
#define BRUTE_BAN_FULL		0x20
#define BRUTE_KILL_COPIES	0x40
#define BRUTE_THROTTLE_QUOTA	0x80

/* Verdicts of rampart_brute_on_setid_exec(), as Verdict::code() in mode.rs. */
#define BRUTE_IGNORE 0
#define BRUTE_AUDIT 2
#define BRUTE_DENY 3

/* Kinds of rampart_brute_pop_expired(). */
#define BRUTE_EXPIRED_BAN 1
#define BRUTE_EXPIRED_THROTTLE 2

/* Settings ids: the Rust side handles these ... */
#define BRUTE_SETTING_MODE 0
#define BRUTE_SETTING_LOCK 1
#define BRUTE_SETTING_STATS 2
#define BRUTE_SETTING_FORK_DELAY 3
#define BRUTE_SETTING_THROTTLE_SECS 4
#define BRUTE_SETTING_BAN_SECS 5
#define BRUTE_SETTING_MAX_BANS 6
#define BRUTE_SETTING_MAX_THROTTLES 7
#define BRUTE_SETTING_BANS 8
#define BRUTE_SETTING_THROTTLES 9
/* ... and C this one. */
#define BRUTE_SETTING_HOOK_MODE 100

/* Hook attachment modes. */
#define BRUTE_HOOKS_LSM 1
#define BRUTE_HOOKS_FALLBACK 2

/* C, called from Rust. */
const char *rampart_brute_initial_mode(void);
int rampart_brute_attach(void);
void rampart_brute_detach(void);
int rampart_brute_hook_mode(void);
int rampart_brute_settings_init(void);
void rampart_brute_settings_exit(void);
u64 rampart_brute_now_ms(void);
/* Reports a ban lifted by the writer of the bans file (current). */
void rampart_brute_report_lift(u32 uid);

/* Rust, called from C. None sleeps. */
u32 rampart_brute_on_crash(const struct brute_crash_facts *facts);
/* Delay in ms for a fork by the given process (0: none); *audit: report only. */
u32 rampart_brute_on_fork(s32 tgid, u64 start_ns, bool *audit);
u8 rampart_brute_on_setid_exec(u32 uid);
/* Pops one expired ban (*id = uid) or throttle (*id = tgid); false when none. */
bool rampart_brute_pop_expired(u8 *kind, s64 *id);
bool rampart_brute_tables_empty(void);
/* Counts one occurrence of a C-side statistic (BRUTE_STAT_*). */
void rampart_brute_count(u8 stat, u64 n);
int rampart_brute_store(int setting, const char *buf, size_t len);
size_t rampart_brute_show(int setting, char *buf, size_t cap);

/* C-side statistics, as Stat in rampart_brute_rs.rs. */
#define BRUTE_STAT_COPIES_KILLED 0
#define BRUTE_STAT_DELAY_LOST 1

/* C, between C files. */
/* facts.c: what the crash and exec rules need; none sleeps. */
void brute_crash_facts(struct brute_crash_facts *f, int sig, const kernel_siginfo_t *info);
/* Sends SIGKILL to uid's other processes running current's executable; returns how many. */
unsigned int brute_kill_copies(u32 uid);
/* delay.c: fork delays; the fallback queues them to run on return to user space. */
void brute_delay_now(u32 ms);
bool brute_delay_on_return(u32 ms);
void brute_delay_stop(void);
void brute_delay_drain(void);
/* expiry.c: the sweep that ends bans and throttles on time. */
void brute_expiry_kick(void);
void brute_expiry_stop(void);
/* hooks.c: fallback probe state (for settings), and reporting shared by the hooks and the sweep. */
unsigned long rampart_brute_probe_missed(void);
const char *rampart_brute_missing_probes(void);
/*
 * peers.c: writes the remote ends of current's connected sockets into @buf,
 * space-separated ("192.0.2.7:40112 [2001:db8::5]:51000"); returns the length.
 * Does not sleep.
 */
size_t brute_crash_peers(char *buf, size_t cap);
void brute_report(struct task_struct *task, enum rampart_decision d, const char *object,
		  const char *reason);

#endif /* RAMPART_BRUTE_SHIM_H */
