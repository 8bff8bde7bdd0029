// SPDX-License-Identifier: GPL-2.0
/*
 * The subject of the current task: found by walking its executable against its
 * role's subject keys, then cached, since it only changes when the task execs,
 * changes uid/gid or a new policy is loaded. The cache is per CPU (a task that
 * migrates just looks its subject up again), touched only from task context
 * with preemption disabled, and keyed by everything the answer depends on:
 *
 * - the task (pointer and start time: a recycled task_struct has a new start time),
 * - its exec count (self_exec_id, bumped by every exec),
 * - its executable file (prctl(PR_SET_MM_EXE_FILE) changes it without an exec),
 * - its real uid and gid (they choose the role),
 * - the policy's load generation.
 *
 * Walks that may not sleep stop at their own mount; their answer is cached
 * marked as such and not reused by walks that cross mount points (unless it came
 * from a match, which a longer walk would have found first too).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/mm_types.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "shim.h"

#define RBAC_SUBJECT_SLOTS_BITS 5

struct rbac_subject_slot {
	const struct task_struct *task;
	u64 start_time;
	u64 exec_id;
	const struct file *exe;
	u64 policy_gen;
	u32 uid;
	u32 gid;
	bool exact;	/* found by a match or a walk to the real root */
	struct rbac_subject_info subject;
};

static DEFINE_PER_CPU(struct rbac_subject_slot[1 << RBAC_SUBJECT_SLOTS_BITS], rbac_subjects);

static const struct file *current_exe(void)
{
	const struct file *exe;

	rcu_read_lock();
	exe = rcu_dereference(current->mm->exe_file);
	rcu_read_unlock();
	/* Compared as a pointer only: it is current's executable while it is current's. */
	return exe;
}

static bool slot_matches(const struct rbac_subject_slot *s, const struct rbac_query *q,
			 const struct file *exe, bool may_sleep)
{
	return s->task == current && s->start_time == current->start_time &&
	       s->exec_id == READ_ONCE(current->self_exec_id) && s->exe == exe &&
	       s->policy_gen == q->policy.gen && s->uid == q->uid && s->gid == q->gid &&
	       (s->exact || !may_sleep);
}

static bool cache_lookup(struct rbac_query *q, const struct file *exe, bool may_sleep)
{
	struct rbac_subject_slot *slots = get_cpu_ptr(rbac_subjects);
	struct rbac_subject_slot *s = &slots[hash_ptr(current, RBAC_SUBJECT_SLOTS_BITS)];
	bool hit = slot_matches(s, q, exe, may_sleep);

	if (hit)
		q->subject = s->subject;
	put_cpu_ptr(rbac_subjects);
	return hit;
}

static void cache_store(const struct rbac_query *q, const struct file *exe, bool exact)
{
	struct rbac_subject_slot *slots = get_cpu_ptr(rbac_subjects);
	struct rbac_subject_slot *s = &slots[hash_ptr(current, RBAC_SUBJECT_SLOTS_BITS)];

	*s = (struct rbac_subject_slot) {
		.task = current,
		.start_time = current->start_time,
		.exec_id = READ_ONCE(current->self_exec_id),
		.exe = exe,
		.policy_gen = q->policy.gen,
		.uid = q->uid,
		.gid = q->gid,
		.subject = q->subject,
		.exact = exact,
	};
	put_cpu_ptr(rbac_subjects);
}

bool rbac_cached_subject(struct rbac_query *q, bool may_sleep)
{
	const struct file *exe;

	q->subject.index = RBAC_NO_SUBJECT;
	if (!current->mm || (current->flags & PF_KTHREAD) || !in_task())
		return false;
	exe = current_exe();
	return exe && cache_lookup(q, exe, may_sleep);
}

bool rbac_find_subject(struct rbac_query *q, bool may_sleep)
{
	const struct file *exe_seen;
	struct file *exe;
	bool cacheable = in_task();

	q->subject.index = RBAC_NO_SUBJECT;
	if (!current->mm || (current->flags & PF_KTHREAD))
		return false;
	exe_seen = current_exe();
	if (!exe_seen)
		return false;
	if (cacheable && cache_lookup(q, exe_seen, may_sleep))
		return q->subject.index != RBAC_NO_SUBJECT;
	if (!rampart_rbac_begin_subject(q))
		return false;
	rcu_read_lock();
	exe = get_file_rcu(&current->mm->exe_file);
	rcu_read_unlock();
	if (!exe)
		return false;
	rbac_walk(q, exe->f_path.mnt, exe->f_path.dentry, may_sleep);
	rampart_rbac_end_subject(q);
	/* Cached under the file the walk was made from. */
	if (cacheable && exe == exe_seen)
		cache_store(q, exe, q->matched || q->complete);
	fput(exe);
	return q->subject.index != RBAC_NO_SUBJECT;
}
