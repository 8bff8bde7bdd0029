// SPDX-License-Identifier: GPL-2.0
/*
 * The subject of the current task.
 *
 * On a kernel with the hook layer it is decided at exec, from the program that
 * was executed, and kept with the task (the layer's task bytes, an LSM security
 * blob): renaming or moving the running program does not change it. It is
 * decided again from where the executable is then only when the task's uid or
 * gid changes (they choose the role) or a new policy is loaded, and for tasks
 * that started before the module (their bytes are empty).
 *
 * Without the hook layer there is no per-task storage: the subject is found by
 * walking the task's executable as it is now, and cached per CPU (a task that
 * migrates just looks its subject up again), touched only from task context
 * with preemption disabled, and keyed by everything the answer depends on: the
 * task's identity (struct rbac_task_id, ident.h: the task, its exec count, its
 * executable, its uid and gid) and the policy's load generation.
 *
 * Walks that may not sleep stop at their own mount; their answer is kept
 * marked as such and not reused by walks that cross mount points (unless it came
 * from a match, which a longer walk would have found first too).
 */
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/mm_types.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include <rampart/hooks_api.h>
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

/*
 * current's subject as kept in its task bytes: written only by current, read
 * by current without a lock and by other tasks under @seq.
 */
struct rbac_task_subject {
	u64 policy_gen;	/* 0: nothing kept */
	u32 uid;
	u32 gid;
	u32 exact;
	u32 seq;	/* odd while current rewrites the rest (a sequence count) */
	struct rbac_subject_info subject;
};
static_assert(sizeof(struct rbac_task_subject) <= 64, "rampart_rbac owns 64 task bytes");

/* Where the layer's task bytes are in task->security; -1: no hook layer. */
static int rbac_task_blob_offset = -1;

void rbac_subject_use_task_blob(int offset)
{
	WRITE_ONCE(rbac_task_blob_offset, offset);
}

static struct rbac_task_subject *task_subject(void)
{
	int offset = READ_ONCE(rbac_task_blob_offset);

	if (offset < 0 || !current->security)
		return NULL;
	return current->security + offset + RAMPART_TASK_BLOB_RBAC;
}

static bool task_subject_lookup(struct rbac_task_subject *ts, struct rbac_query *q, bool may_sleep)
{
	if (!ts->policy_gen || ts->policy_gen != q->policy.gen || ts->uid != q->uid || ts->gid != q->gid ||
	    (may_sleep && !ts->exact))
		return false;
	q->subject = ts->subject;
	return true;
}

/*
 * Other tasks read the kept subject too (rbac_task_subject_of()): the sequence
 * count is odd while the rest changes, so a reader that saw it change (or odd)
 * throws its copy away. Only current writes, so the count needs no lock.
 */
static void task_subject_store(struct rbac_task_subject *ts, const struct rbac_query *q, bool exact)
{
	u32 seq = ts->seq;

	if (!q->policy.gen)
		return;
	WRITE_ONCE(ts->seq, seq + 1);
	smp_wmb();
	WRITE_ONCE(ts->policy_gen, 0);
	ts->uid = q->uid;
	ts->gid = q->gid;
	ts->exact = exact;
	ts->subject = q->subject;
	WRITE_ONCE(ts->policy_gen, q->policy.gen);
	smp_wmb();
	WRITE_ONCE(ts->seq, seq + 2);
}

bool rbac_task_subject_of(struct task_struct *t, u64 gen, struct rbac_subject_info *out)
{
	int offset = READ_ONCE(rbac_task_blob_offset);
	struct rbac_task_subject *ts;
	u32 seq;

	if (offset < 0 || !t->security || !gen)
		return false;
	ts = t->security + offset + RAMPART_TASK_BLOB_RBAC;
	seq = smp_load_acquire(&ts->seq);
	if ((seq & 1) || READ_ONCE(ts->policy_gen) != gen)
		return false;
	memcpy(out, &ts->subject, sizeof(*out));
	smp_rmb();
	/* Decided again meanwhile (even to the same subject): the copy may be torn. */
	return READ_ONCE(ts->seq) == seq;
}


bool rbac_cached_subject(struct rbac_query *q, bool may_sleep)
{
	struct rbac_task_subject *ts;

	q->subject.index = RBAC_NO_SUBJECT;
	if (!current->mm || (current->flags & PF_KTHREAD) || !in_task())
		return false;
	ts = task_subject();
	if (ts)
		return task_subject_lookup(ts, q, may_sleep);
	return cache_lookup(q, may_sleep);
}

/* Walks @exe (current's executable) against the role's subject keys; sets q->subject. */
static void walk_subject(struct rbac_query *q, struct file *exe, bool may_sleep)
{
	if (!rampart_rbac_begin_subject(q))
		return;
	rbac_walk(q, exe->f_path.mnt, exe->f_path.dentry, may_sleep);
	rampart_rbac_end_subject(q);
}

void rbac_subject_for_exec(struct rbac_query *q, struct file *file)
{
	q->subject.index = RBAC_NO_SUBJECT;
	walk_subject(q, file, true);
}

void rbac_subject_forget(void)
{
	struct rbac_task_subject *ts = task_subject();

	if (ts)
		WRITE_ONCE(ts->policy_gen, 0);
}

void rbac_subject_at_exec(const struct linux_binprm *bprm)
{
	struct rbac_task_subject *ts = task_subject();
	struct rbac_policy *policy;
	struct rbac_query q = { .subject.index = RBAC_NO_SUBJECT };

	if (!ts || !bprm->file)
		return;
	/* Whatever was kept belongs to the previous program. */
	WRITE_ONCE(ts->policy_gen, 0);
	rbac_fill_ids(&q);
	policy = rbac_policy_get();
	if (!policy)
		return;
	rbac_policy_view(policy, &q.policy);
	walk_subject(&q, bprm->file, true);
	task_subject_store(ts, &q, true);
	rbac_policy_put(policy);
}

bool rbac_find_subject(struct rbac_query *q, bool may_sleep)
{
	struct rbac_task_subject *ts;
	const struct file *exe_seen;
	struct file *exe;
	bool cacheable = in_task();

	q->subject.index = RBAC_NO_SUBJECT;
	if (!current->mm || (current->flags & PF_KTHREAD))
		return false;
	exe_seen = rbac_current_exe();
	if (!exe_seen)
		return false;
	ts = cacheable ? task_subject() : NULL;
	if (ts) {
		if (task_subject_lookup(ts, q, may_sleep))
			return q->subject.index != RBAC_NO_SUBJECT;
	} else if (cacheable && cache_lookup(q, may_sleep)) {
		return q->subject.index != RBAC_NO_SUBJECT;
	}
	rcu_read_lock();
	exe = get_file_rcu(&current->mm->exe_file);
	rcu_read_unlock();
	if (!exe)
		return false;
	walk_subject(q, exe, may_sleep);
	/* Kept under the file the walk was made from. */
	if (ts)
		task_subject_store(ts, q, q->matched || q->complete);
	else if (cacheable && exe == exe_seen)
		cache_store(q, exe, q->matched || q->complete);
	fput(exe);
	return q->subject.index != RBAC_NO_SUBJECT;
}
