// SPDX-License-Identifier: GPL-2.0
/*
 * The subject of the current task: found by walking its executable against its
 * role's subject keys, then cached, since it only changes when the task execs,
 * changes uid/gid or a new policy is loaded. The cache is per CPU (a task that
 * migrates just looks its subject up again), touched only from task context
 * with preemption disabled, and keyed by everything the answer depends on: the
 * task's identity (struct rbac_task_id, ident.h: the task, its exec count, its
 * executable, its uid and gid) and the policy's load generation.
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

#include "ident.h"
#include "shim.h"

#define RBAC_SUBJECT_SLOTS_BITS 5

struct rbac_subject_slot {
	struct rbac_task_id task;
	u64 policy_gen;
	bool exact;	/* found by a match or a walk to the real root */
	struct rbac_subject_info subject;
};

struct rbac_subject_table {
	struct rbac_subject_slot slots[1 << RBAC_SUBJECT_SLOTS_BITS];
};

/*
 * Allocated at attach (about 2.8 KB a CPU: too much for a module's small, shared
 * static per-CPU space), freed after the hooks are detached; NULL: nothing is
 * cached.
 */
static struct rbac_subject_table __percpu *rbac_subjects;

int rbac_subject_cache_init(void)
{
	rbac_subjects = alloc_percpu(struct rbac_subject_table);
	return rbac_subjects ? 0 : -ENOMEM;
}

void rbac_subject_cache_exit(void)
{
	free_percpu(rbac_subjects);
	rbac_subjects = NULL;
}

static bool cache_lookup(struct rbac_query *q, bool may_sleep)
{
	struct rbac_subject_table *table;
	struct rbac_subject_slot *s;
	bool hit;

	if (!rbac_subjects)
		return false;
	table = get_cpu_ptr(rbac_subjects);
	s = &table->slots[hash_ptr(current, RBAC_SUBJECT_SLOTS_BITS)];
	hit = rbac_task_id_is_current(&s->task) && s->policy_gen == q->policy.gen &&
	      (s->exact || !may_sleep);
	if (hit)
		q->subject = s->subject;
	put_cpu_ptr(rbac_subjects);
	return hit;
}

/* Caches q->subject, found by a walk from @exe (current's executable when it started). */
static void cache_store(const struct rbac_query *q, const struct file *exe, bool exact)
{
	struct rbac_subject_slot slot = { .policy_gen = q->policy.gen, .subject = q->subject, .exact = exact };
	struct rbac_subject_table *table;

	if (!rbac_subjects || !rbac_task_id_get(&slot.task) || slot.task.exe != exe)
		return;
	table = get_cpu_ptr(rbac_subjects);
	table->slots[hash_ptr(current, RBAC_SUBJECT_SLOTS_BITS)] = slot;
	put_cpu_ptr(rbac_subjects);
}

bool rbac_cached_subject(struct rbac_query *q, bool may_sleep)
{
	q->subject.index = RBAC_NO_SUBJECT;
	if (!current->mm || (current->flags & PF_KTHREAD) || !in_task())
		return false;
	return cache_lookup(q, may_sleep);
}

bool rbac_find_subject(struct rbac_query *q, bool may_sleep)
{
	const struct file *exe_seen;
	struct file *exe;
	bool cacheable = in_task();

	q->subject.index = RBAC_NO_SUBJECT;
	if (!current->mm || (current->flags & PF_KTHREAD))
		return false;
	exe_seen = rbac_current_exe();
	if (!exe_seen)
		return false;
	if (cacheable && cache_lookup(q, may_sleep))
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
