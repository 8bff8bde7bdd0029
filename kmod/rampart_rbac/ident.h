/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the caches (subject.c, objcache.c, verdict.c) key their answers by: the
 * identity of the current task as far as its subject goes, and the identity of a
 * file as far as a walk goes. Taking one copies a few fields; comparing one with
 * the live task or file reads the same fields again, inline.
 */
#ifndef RAMPART_RBAC_IDENT_H
#define RAMPART_RBAC_IDENT_H

#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mount.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/uidgid.h>

/*
 * rename_lock's sequence: it moves on with every rename anywhere, so an answer
 * kept with it is stale once it differs; odd while a rename is under way.
 */
static inline unsigned int rbac_rename_seq(void)
{
	return raw_read_seqcount(&rename_lock.seqcount);
}

/*
 * The task, as its subject depends on it: the task itself (pointer and start time:
 * a recycled task_struct has a new start time), its exec count (bumped by every
 * exec), its executable file (prctl(PR_SET_MM_EXE_FILE) changes it without an
 * exec), and its uid and gid (they choose the role). An empty one (no task)
 * matches no task.
 */
struct rbac_task_id {
	const struct task_struct *task;
	u64 start_time;
	u64 exec_id;
	const struct file *exe;
	u32 uid;
	u32 gid;
};

/* current's executable, compared as a pointer only (it is current's while it is current's). */
static inline const struct file *rbac_current_exe(void)
{
	const struct file *exe;

	rcu_read_lock();
	exe = rcu_dereference(current->mm->exe_file);
	rcu_read_unlock();
	return exe;
}

/* Takes current's identity; false when it has no executable or invalid ids. */
static inline bool rbac_task_id_get(struct rbac_task_id *id)
{
	const struct cred *cred = current_cred();

	*id = (struct rbac_task_id) {
		.task = current,
		.start_time = current->start_time,
		.exec_id = READ_ONCE(current->self_exec_id),
		.exe = rbac_current_exe(),
		.uid = __kuid_val(cred->uid),
		.gid = __kgid_val(cred->gid),
	};
	return id->exe && uid_valid(cred->uid) && gid_valid(cred->gid);
}

/* Whether @id is current's identity now (current must have an mm). */
static inline bool rbac_task_id_is_current(const struct rbac_task_id *id)
{
	const struct cred *cred = current_cred();

	return id->task == current && id->start_time == current->start_time &&
	       id->exec_id == READ_ONCE(current->self_exec_id) && id->exe == rbac_current_exe() &&
	       id->uid == __kuid_val(cred->uid) && id->gid == __kgid_val(cred->gid);
}

/*
 * A file, as a walk from it depends on it: the mount, the dentry, its inode (pointer,
 * number and generation: a recycled dentry or inode with another identity differs)
 * and its directory (dentry, inode number and generation: a directory has one path
 * in its filesystem, so this fixes every level a walk goes through up to the
 * mount's root). Renames are not in it: the caches compare rbac_rename_seq().
 */
struct rbac_file_id {
	const struct vfsmount *mnt;
	const struct dentry *dentry;
	const struct inode *inode;
	const struct dentry *parent;
	unsigned long ino;
	unsigned long parent_ino;
	u32 generation;
	u32 parent_generation;
};

/* Takes the identity of (@mnt, @dentry); false for a name being created (no inode). */
static inline bool rbac_file_id_get(struct rbac_file_id *id, const struct vfsmount *mnt,
				    const struct dentry *dentry)
{
	const struct inode *inode = READ_ONCE(dentry->d_inode);
	const struct dentry *parent = READ_ONCE(dentry->d_parent);
	const struct inode *dir = READ_ONCE(parent->d_inode);

	if (!inode || !dir)
		return false;
	*id = (struct rbac_file_id) {
		.mnt = mnt,
		.dentry = dentry,
		.inode = inode,
		.parent = parent,
		.ino = inode->i_ino,
		.parent_ino = dir->i_ino,
		.generation = inode->i_generation,
		.parent_generation = dir->i_generation,
	};
	return true;
}

/*
 * Whether (@mnt, @dentry) is the file @id was taken from. The comparisons
 * short-circuit: an id holds a positive dentry, whose parent is positive too, so
 * the live inodes are read only once their pointers matched the id's.
 */
static inline bool rbac_file_id_is(const struct rbac_file_id *id, const struct vfsmount *mnt,
				   const struct dentry *dentry)
{
	const struct inode *inode = READ_ONCE(dentry->d_inode);
	const struct dentry *parent = READ_ONCE(dentry->d_parent);

	return id->dentry == dentry && id->mnt == mnt && id->inode == inode && id->parent == parent &&
	       id->ino == inode->i_ino && id->generation == inode->i_generation &&
	       id->parent_ino == READ_ONCE(parent->d_inode)->i_ino &&
	       id->parent_generation == READ_ONCE(parent->d_inode)->i_generation;
}

#endif /* RAMPART_RBAC_IDENT_H */
