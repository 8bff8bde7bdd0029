// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_event_emit(): hands an event to the Rust queue, wakes readers, and
 * writes the rate-limited human-readable log line for denials and audits.
 * The rate limiter reports how many lines it suppressed when it lets the next
 * one through, so suppression is itself logged.
 */
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include <rampart/core.h>
#include "shim.h"

/* printk's escaping of a counted string: specials, whitespace controls, other controls in hex. */
#define ESCAPED "%*pEchps"
#define ESCAPED_ARG(str) (int)strlen(str), (str)

/* At most 10 log lines per 5 seconds; the rest are counted and reported. */
static DEFINE_RATELIMIT_STATE(rampart_log_limit, 5 * HZ, 10);

static void rampart_log_decision(const struct rampart_subject *s, const char *verb,
				 const char *object, const char *reason)
{
	struct rampart_subject parent = { .exe = "" };
	struct task_struct *p;

	if (!__ratelimit(&rampart_log_limit))
		return;
	rcu_read_lock();
	p = rcu_dereference(current->real_parent);
	get_task_struct(p);
	rcu_read_unlock();
	rampart_subject_fill(&parent, p);
	put_task_struct(p);
	/*
	 * Paths and names are chosen by whoever made the file or ran the
	 * program: printed escaped (\\ \" \n \t \e, other control bytes as
	 * \xNN), so none can end the line and forge another, or reach the
	 * console as a terminal control sequence. The JSON channel escapes them too.
	 */
	pr_warn("rampart: %s " ESCAPED " (%s) by " ESCAPED "[" ESCAPED ":%d] uid/euid:%u/%u gid/egid:%u/%u, parent " ESCAPED "[" ESCAPED ":%d] uid/euid:%u/%u gid/egid:%u/%u\n",
		verb, ESCAPED_ARG(object), reason, ESCAPED_ARG(s->exe),
		(int)strnlen(s->comm, sizeof(s->comm)), s->comm, s->pid, s->uid, s->euid,
		s->gid, s->egid, ESCAPED_ARG(parent.exe),
		(int)strnlen(parent.comm, sizeof(parent.comm)), parent.comm, parent.pid,
		parent.uid, parent.euid, parent.gid, parent.egid);
}

/*
 * Events from interrupt context (a hook the kernel reached from an IRQ, say)
 * are refused and counted: the queue's lock is taken with interrupts on, and
 * "current" there is whichever task was interrupted, not the subject.
 */
static atomic_long_t rampart_events_refused = ATOMIC_LONG_INIT(0);

unsigned long rampart_events_refused_out_of_task(void)
{
	return atomic_long_read(&rampart_events_refused);
}

void rampart_event_emit_peers(const struct rampart_subject *s, const char *module,
			      enum rampart_decision decision, const char *object,
			      const char *reason, const char *peers)
{
	struct rampart_raw_event ev = {
		.module = (const u8 *)module, .module_len = strlen(module),
		.object = (const u8 *)object, .object_len = strlen(object),
		.reason = (const u8 *)reason, .reason_len = strlen(reason),
		.comm = (const u8 *)s->comm, .comm_len = strnlen(s->comm, sizeof(s->comm)),
		.exe = (const u8 *)s->exe, .exe_len = strlen(s->exe),
		.peers = (const u8 *)peers, .peers_len = peers ? strlen(peers) : 0,
		.uid = s->uid, .euid = s->euid, .gid = s->gid, .egid = s->egid,
		.pid = s->pid,
		.decision = decision,
		.cgroup = s->cgroup,
	};

	if (!in_task()) {
		atomic_long_inc(&rampart_events_refused);
		return;
	}

	rampart_core_record(&ev);
	rampart_channel_wake();
	if (decision == RAMPART_DENY)
		rampart_log_decision(s, "denied", object, reason);
	else if (decision == RAMPART_AUDIT)
		rampart_log_decision(s, "audit: would deny", object, reason);
	else if (decision == RAMPART_NOTICE)
		rampart_log_decision(s, reason, object, module);
}
EXPORT_SYMBOL_GPL(rampart_event_emit_peers);

void rampart_event_emit(const struct rampart_subject *s, const char *module,
			enum rampart_decision decision, const char *object,
			const char *reason)
{
	rampart_event_emit_peers(s, module, decision, object, reason, NULL);
}
EXPORT_SYMBOL_GPL(rampart_event_emit);
