// SPDX-License-Identifier: GPL-2.0
/*
 * What object walks found, cached per CPU so an open or stat of a file a subject
 * reached before costs a lookup instead of a walk. An entry holds the rule a walk
 * matched (matched, value), keyed by everything that answer depends on:
 *
 * - the policy's load generation and the subject;
 * - the file and its directory (struct rbac_file_id, ident.h);
 * - rename_lock's sequence: any rename anywhere moves the sequence on and empties
 *   the cache in effect.
 *
 * Only walks that matched on the file's own mount are stored (the mount tree above
 * did not matter) and only when no level's name was read (a rule naming a file in
 * a directory tells hard links apart, which these keys do not). Names being created
 * (negative dentries) are never cached. Entries are touched only from task context
 * with preemption disabled.
 */
#include <linux/errno.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/seqlock.h>

#include "ident.h"
#include "shim.h"

#define RBAC_OBJECT_SLOTS_BITS 6

struct rbac_object_slot {
	struct rbac_file_id file;
	u64 policy_gen;
	u32 subject;
	unsigned int rename_seq;
	u64 value;
	bool used;
};

struct rbac_object_table {
	struct rbac_object_slot slots[1 << RBAC_OBJECT_SLOTS_BITS];
};

/*
 * Allocated at attach (a module's static per-CPU space is small and shared), freed
 * after the hooks are detached; NULL: nothing is cached.
 */
static struct rbac_object_table __percpu *rbac_objects;

int rbac_object_cache_init(void)
{
	rbac_objects = alloc_percpu(struct rbac_object_table);
	return rbac_objects ? 0 : -ENOMEM;
}

void rbac_object_cache_exit(void)
{
	free_percpu(rbac_objects);
	rbac_objects = NULL;
}

static struct rbac_object_slot *object_slot(struct rbac_object_table *table, const struct dentry *dentry,
					    const struct rbac_query *q)
{
	unsigned long key = (unsigned long)dentry ^ q->subject.index ^ (unsigned long)q->policy.gen;

	return &table->slots[hash_long(key, RBAC_OBJECT_SLOTS_BITS)];
}

bool rbac_object_cached(struct rbac_query *q, const struct vfsmount *mnt, const struct dentry *dentry,
			unsigned int *seq)
{
	struct rbac_object_slot *s;
	bool hit;

	*seq = rbac_rename_seq();
	/* An odd sequence: a rename is under way. */
	if (!rbac_objects || (*seq & 1) || !in_task())
		return false;
	s = object_slot(get_cpu_ptr(rbac_objects), dentry, q);
	hit = s->used && s->subject == q->subject.index && s->policy_gen == q->policy.gen &&
	      s->rename_seq == *seq && rbac_file_id_is(&s->file, mnt, dentry);
	if (hit) {
		q->matched = 1;
		q->complete = 1;
		q->value = s->value;
	}
	put_cpu_ptr(rbac_objects);
	return hit;
}

void rbac_object_remember(const struct rbac_query *q, const struct vfsmount *mnt,
			  const struct dentry *dentry, unsigned int seq)
{
	struct rbac_object_slot *s;
	struct rbac_file_id file;

	if (!rbac_objects || !q->cacheable || !q->matched || (seq & 1) || !in_task() ||
	    read_seqcount_retry(&rename_lock.seqcount, seq) || !rbac_file_id_get(&file, mnt, dentry))
		return;
	s = object_slot(get_cpu_ptr(rbac_objects), dentry, q);
	*s = (struct rbac_object_slot) {
		.file = file,
		.policy_gen = q->policy.gen,
		.subject = q->subject.index,
		.rename_seq = seq,
		.value = q->value,
		.used = true,
	};
	put_cpu_ptr(rbac_objects);
}
