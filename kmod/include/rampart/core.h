/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rampart_core's exported interface: who did something (the subject) and the
 * audit event channel every rampart module reports its decisions through.
 * The event schema itself is defined once, in kmod/common/src/event.rs.
 */
#ifndef RAMPART_CORE_H
#define RAMPART_CORE_H

#include <linux/sched.h>
#include <linux/types.h>

/* Decisions, as numbered in kmod/common/src/event.rs (enum Decision). */
enum rampart_decision {
	RAMPART_ALLOW = 0,
	RAMPART_DENY = 1,
	RAMPART_LEARN = 2,
	RAMPART_AUDIT = 3,
};

/* Longest executable path an event carries; longer paths are reported as such. */
#define RAMPART_EXE_MAX 256

/**
 * struct rampart_subject - a task as events and log lines describe it.
 * @uid: real uid, @euid: effective uid, @gid: real gid, @egid: effective gid,
 *	 all in the initial user namespace.
 * @pid: thread-group id in the initial pid namespace.
 * @comm: command name.
 * @exe: executable path (points into @exe_buf, or to a fixed placeholder).
 * @exe_buf: storage for @exe.
 */
struct rampart_subject {
	u32 uid, euid, gid, egid;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	const char *exe;
	char exe_buf[RAMPART_EXE_MAX];
};

/*
 * Fills @s for @task. Does not sleep: callable from LSM hooks and kprobe
 * handlers in process context.
 */
void rampart_subject_fill(struct rampart_subject *s, struct task_struct *task);

/*
 * Queues one event for /sys/kernel/security/rampart/events and, for denials
 * and audits, writes a rate-limited kernel log line naming @s and its parent.
 * Does not sleep. A full queue drops the event and counts it.
 */
void rampart_event_emit(const struct rampart_subject *s, const char *module,
			enum rampart_decision decision, const char *object,
			const char *reason);

/* rampart's securityfs directory (/sys/kernel/security/rampart), for module subdirectories. */
struct dentry *rampart_securityfs_dir(void);

#endif /* RAMPART_CORE_H */
