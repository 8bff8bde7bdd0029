/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdict.c's lookup, inline in the hooks: the common case of a check is this and
 * nothing else. See verdict.c for what the key holds and why.
 */
#ifndef RAMPART_RBAC_VERDICT_H
#define RAMPART_RBAC_VERDICT_H

#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/seqlock.h>

#include "ident.h"
#include "shim.h"

#define RBAC_VERDICT_SLOTS_BITS 6

/* An empty slot has no task, which matches no current. */
struct rbac_verdict_slot {
	struct rbac_task_id task;
	struct rbac_file_id file;
	u64 policy_gen;
	unsigned int rename_seq;
	u32 request;	/* verdict_request(): the access asked and the mode */
};

struct rbac_verdict_table {
	struct rbac_verdict_slot slots[1 << RBAC_VERDICT_SLOTS_BITS];
};

/* Allocated at attach, freed after the hooks are detached; NULL: nothing is remembered. */
extern struct rbac_verdict_table __percpu *rbac_verdicts;

/* The access asked and the module's mode, as one key (access bits fit in 16). */
static inline u32 verdict_request(u32 access, u8 mode)
{
	return access | (u32)mode << 16;
}

static inline unsigned long verdict_hash(const struct dentry *dentry, u32 access)
{
	return hash_long((unsigned long)dentry ^ (unsigned long)current ^ access, RBAC_VERDICT_SLOTS_BITS);
}

/*
 * Whether current was allowed @access on the file before, with nothing changed since.
 * Only file hooks call this, for tasks with an mm, in process context, while the
 * table exists (it is allocated before the hooks are attached and freed after they
 * are detached).
 */
static inline bool rbac_verdict_allows(const struct vfsmount *mnt, const struct dentry *dentry,
				       u32 access, u8 mode)
{
	const struct rbac_verdict_slot *s;
	bool hit;

	s = &get_cpu_ptr(rbac_verdicts)->slots[verdict_hash(dentry, access)];
	hit = rbac_file_id_is(&s->file, mnt, dentry) && s->request == verdict_request(access, mode) &&
	      s->rename_seq == rbac_rename_seq() &&
	      s->policy_gen == READ_ONCE(rbac_policy_live_gen) && rbac_task_id_is_current(&s->task);
	put_cpu_ptr(rbac_verdicts);
	return hit;
}

#endif /* RAMPART_RBAC_VERDICT_H */
