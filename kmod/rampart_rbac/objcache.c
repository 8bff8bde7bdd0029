// SPDX-License-Identifier: GPL-2.0
/*
 * What object walks found, cached per CPU so an open or stat of a file a subject
 * reached before costs a lookup instead of a walk. An entry holds the rule a walk
 * matched (matched, value), keyed by everything that answer depends on:
 *
 * - the policy's load generation and the subject;
 * - the file: mount, dentry, inode, inode number and generation (a recycled
 *   dentry or inode with another identity misses);
 * - its parent directory: dentry, inode number and generation (a directory has
 *   one path in its filesystem, so this fixes every level the walk went through
 *   up to the mount's root);
 * - rename_lock's sequence: any rename anywhere moves the sequence on and empties
 *   the cache in effect.
 *
 * Only walks that matched on the file's own mount are stored (the mount tree above
 * did not matter) and only when no level's name was read (a rule naming a file in
 * a directory tells hard links apart, which these keys do not). Names being created
 * (negative dentries) are never cached. Entries are touched only from task context
 * with preemption disabled.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/mount.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/errno.h>
#include <linux/seqlock.h>

#include "shim.h"

#define RBAC_OBJECT_SLOTS_BITS 6

struct rbac_object_key {
	u64 policy_gen;
	const struct vfsmount *mnt;
	const struct dentry *dentry;
	const struct inode *inode;
	const struct dentry *parent;
	unsigned long ino;
	unsigned long parent_ino;
	u32 generation;
	u32 parent_generation;
	u32 subject;
	unsigned int rename_seq;
};

struct rbac_object_slot {
	struct rbac_object_key key;
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

unsigned int rbac_object_seq(void)
{
	return raw_read_seqcount(&rename_lock.seqcount);
}

/* Fills @key for (@mnt, @dentry); false for what is never cached. */
static bool object_key(struct rbac_object_key *key, const struct rbac_query *q,
		       const struct vfsmount *mnt, const struct dentry *dentry, unsigned int seq)
{
	const struct inode *inode = READ_ONCE(dentry->d_inode);
	const struct dentry *parent = READ_ONCE(dentry->d_parent);
	const struct inode *dir = parent ? READ_ONCE(parent->d_inode) : NULL;

	/* An odd sequence: a rename is under way. */
	if (!inode || !dir || (seq & 1) || !in_task())
		return false;
	*key = (struct rbac_object_key) {
		.policy_gen = q->policy.gen,
		.mnt = mnt,
		.dentry = dentry,
		.inode = inode,
		.parent = parent,
		.ino = inode->i_ino,
		.parent_ino = dir->i_ino,
		.generation = inode->i_generation,
		.parent_generation = dir->i_generation,
		.subject = q->subject.index,
		.rename_seq = seq,
	};
	return true;
}

static bool keys_equal(const struct rbac_object_key *a, const struct rbac_object_key *b)
{
	return a->dentry == b->dentry && a->subject == b->subject && a->policy_gen == b->policy_gen &&
	       a->rename_seq == b->rename_seq && a->mnt == b->mnt && a->inode == b->inode &&
	       a->parent == b->parent && a->ino == b->ino && a->parent_ino == b->parent_ino &&
	       a->generation == b->generation && a->parent_generation == b->parent_generation;
}

static struct rbac_object_slot *object_slot(struct rbac_object_table *table,
					    const struct rbac_object_key *key)
{
	return &table->slots[hash_long((unsigned long)key->dentry ^ key->subject ^ (unsigned long)key->policy_gen,
				RBAC_OBJECT_SLOTS_BITS)];
}

bool rbac_object_cached(struct rbac_query *q, const struct vfsmount *mnt, const struct dentry *dentry,
			unsigned int *seq)
{
	struct rbac_object_key key;
	struct rbac_object_slot *s;
	bool hit;

	*seq = rbac_object_seq();
	if (!rbac_objects || !object_key(&key, q, mnt, dentry, *seq))
		return false;
	s = object_slot(get_cpu_ptr(rbac_objects), &key);
	hit = s->used && keys_equal(&s->key, &key);
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
	struct rbac_object_key key;
	struct rbac_object_slot *s;

	if (!rbac_objects || !q->cacheable || !q->matched || read_seqcount_retry(&rename_lock.seqcount, seq))
		return;
	if (!object_key(&key, q, mnt, dentry, seq))
		return;
	s = object_slot(get_cpu_ptr(rbac_objects), &key);
	s->key = key;
	s->value = q->value;
	s->used = true;
	put_cpu_ptr(rbac_objects);
}
