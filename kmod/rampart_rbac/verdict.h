/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdict.c's lookup, inline in the hooks: the common case of a check is this and
 * nothing else. See verdict.c for what the key holds and why.
 */
#ifndef RAMPART_RBAC_VERDICT_H
#define RAMPART_RBAC_VERDICT_H

#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/mm_types.h>
#include <linux/mount.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seqlock.h>

#include "shim.h"

#define RBAC_VERDICT_SLOTS_BITS 6

/* An empty slot has no task, which matches no current. */
struct rbac_verdict_slot {
	const struct task_struct *task;
	u64 start_time;
	u64 exec_id;
	const struct file *exe;
	u64 policy_gen;
	const struct vfsmount *mnt;
	const struct dentry *dentry;
	const struct inode *inode;
	const struct dentry *parent;
	unsigned long ino;
	unsigned long parent_ino;
	u32 generation;
	u32 parent_generation;
	u32 uid;
	u32 gid;
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

/* Compared as a pointer only: it is current's executable while it is current's. */
static inline const struct file *current_exe_file(void)
{
	const struct file *exe;

	rcu_read_lock();
	exe = rcu_dereference(current->mm->exe_file);
	rcu_read_unlock();
	return exe;
}

/*
 * Whether current was allowed @access on the file before, with nothing changed since.
 * Only file hooks call this, in process context, while the table exists (it is
 * allocated before the hooks are attached and freed after they are detached). The
 * comparisons short-circuit: a slot that matches the task holds a positive dentry
 * whose parent is positive too, so @dentry's inode and its parent's are read only
 * once they are known not to be NULL.
 */
static inline bool rbac_verdict_allows(const struct vfsmount *mnt, const struct dentry *dentry,
				       u32 access, u8 mode)
{
	const struct inode *inode = READ_ONCE(dentry->d_inode);
	const struct dentry *parent = READ_ONCE(dentry->d_parent);
	const struct inode *dir = READ_ONCE(parent->d_inode);
	const struct cred *cred = current_cred();
	const struct rbac_verdict_slot *s;
	bool hit;

	s = &get_cpu_ptr(rbac_verdicts)->slots[verdict_hash(dentry, access)];
	hit = s->dentry == dentry && s->task == current && s->request == verdict_request(access, mode) &&
	      s->rename_seq == raw_read_seqcount(&rename_lock.seqcount) &&
	      s->policy_gen == READ_ONCE(rbac_policy_live_gen) &&
	      s->start_time == current->start_time &&
	      s->exec_id == READ_ONCE(current->self_exec_id) && s->exe == current_exe_file() &&
	      s->uid == __kuid_val(cred->uid) && s->gid == __kgid_val(cred->gid) &&
	      s->mnt == mnt && s->inode == inode && s->parent == parent && s->ino == inode->i_ino &&
	      s->generation == inode->i_generation && s->parent_ino == dir->i_ino &&
	      s->parent_generation == dir->i_generation;
	put_cpu_ptr(rbac_verdicts);
	return hit;
}

#endif /* RAMPART_RBAC_VERDICT_H */
