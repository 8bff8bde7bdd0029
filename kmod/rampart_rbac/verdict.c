// SPDX-License-Identifier: GPL-2.0
/*
 * The allows a task was given, remembered per CPU: when the same task asks the same
 * access on the same file again (a program rereading its configuration, a shell
 * stat-ing its PATH), the answer is one lookup. Only plain allows that the Rust
 * decision gave from the subject cache (subject.c) and the object cache
 * (objcache.c) are remembered, under the union of their keys:
 *
 * - the task: pointer, start time, exec count, executable, uid and gid;
 * - the file: mount, dentry, inode, inode number and generation, and its
 *   directory's dentry, inode number and generation;
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
	const struct inode *inode = READ_ONCE(dentry->d_inode);
	const struct dentry *parent = READ_ONCE(dentry->d_parent);
	const struct inode *dir = READ_ONCE(parent->d_inode);
	const struct cred *cred = current_cred();
	struct rbac_verdict_slot *s;

	if (!rbac_verdicts || !inode || !dir || !in_task() || (seq & 1) ||
	    !uid_valid(cred->uid) || !gid_valid(cred->gid))
		return;
	s = &get_cpu_ptr(rbac_verdicts)->slots[verdict_hash(dentry, q->access)];
	*s = (struct rbac_verdict_slot) {
		.task = current,
		.start_time = current->start_time,
		.exec_id = READ_ONCE(current->self_exec_id),
		.exe = current_exe_file(),
		.policy_gen = q->policy.gen,
		.mnt = mnt,
		.dentry = dentry,
		.inode = inode,
		.parent = parent,
		.ino = inode->i_ino,
		.parent_ino = dir->i_ino,
		.generation = inode->i_generation,
		.parent_generation = dir->i_generation,
		.uid = __kuid_val(cred->uid),
		.gid = __kgid_val(cred->gid),
		.rename_seq = seq,
		.request = verdict_request(q->access, mode),
	};
	put_cpu_ptr(rbac_verdicts);
}
