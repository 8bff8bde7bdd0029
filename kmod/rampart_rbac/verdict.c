// SPDX-License-Identifier: GPL-2.0
/*
 * The allows a task was given, remembered per CPU: when the same task asks the same
 * access on the same file again (a program rereading its configuration, a shell
 * stat-ing its PATH), the answer is one lookup. Only plain allows that the Rust
 * decision gave from the subject cache (subject.c) and the object cache
 * (objcache.c) are remembered, under the union of their keys:
 *
 * - the task (struct rbac_task_id, ident.h);
 * - the file and its directory (struct rbac_file_id, ident.h);
 * - rename_lock's sequence, the policy's load generation, the module's mode and
 *   the access asked.
 *
 * Whether checks may sleep (and so walks cross mounts) is fixed for as long as the
 * table lives: it is allocated at attach, when the hook mode is chosen.
 *
 * Nothing here reads the policy: a hit needs neither a reference nor
 * rcu_read_lock, nor a copy of anything. Entries are touched only from task
 * context with preemption disabled; a miss falls back to the caches below.
 */
#include <linux/errno.h>

#include "verdict.h"

/* Allocated at attach, freed after the hooks are detached; NULL: nothing is remembered. */
struct rbac_verdict_table __percpu *rbac_verdicts;

int rbac_verdict_cache_init(void)
{
	rbac_verdicts = alloc_percpu(struct rbac_verdict_table);
	return rbac_verdicts ? 0 : -ENOMEM;
}

void rbac_verdict_cache_exit(void)
{
	free_percpu(rbac_verdicts);
	rbac_verdicts = NULL;
}

void rbac_verdict_remember(const struct rbac_query *q, const struct vfsmount *mnt,
			   const struct dentry *dentry, unsigned int seq, u8 mode)
{
	struct rbac_verdict_slot slot = {
		.policy_gen = q->policy.gen,
		.rename_seq = seq,
		.request = verdict_request(q->access, mode),
	};

	if (!rbac_verdicts || !in_task() || (seq & 1) || !rbac_task_id_get(&slot.task) ||
	    !rbac_file_id_get(&slot.file, mnt, dentry))
		return;
	get_cpu_ptr(rbac_verdicts)->slots[verdict_hash(dentry, q->access)] = slot;
	put_cpu_ptr(rbac_verdicts);
}
