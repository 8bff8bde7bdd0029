// SPDX-License-Identifier: GPL-2.0
/*
 * Walks from a file up to the root: the file (or a name being created), then
 * every directory above it, across mount points up to the real root, so a file
 * is found under the same directories however it was reached (.., symlinks,
 * bind mounts, a chroot, a passed descriptor). Only inode numbers and device
 * numbers are recorded; the file's own name is kept as a snapshot.
 *
 * Each filesystem is walked under rcu_read_lock and rename_lock (retried if a
 * rename raced); crossing a mount point uses follow_up(), which takes and drops
 * references and so may sleep: walks that must not sleep stop at the top of
 * the file's own mount (and report it: the policy's own root rule does not reach
 * into other mounts then).
 */
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seqlock.h>

#include "shim.h"

static void record(struct rbac_walk *w, struct dentry *d)
{
	struct inode *inode = READ_ONCE(d->d_inode);
	struct rbac_level level = {
		.ino = inode ? inode->i_ino : 0,
		.dev = d->d_sb->s_dev,
		.has_ino = inode != NULL,
	};

	if (w->count < RBAC_NEAR_LEVELS) {
		w->lv[w->count++] = level;
		return;
	}
	/* Deeper than the near levels: keep the last ones seen (nearest the root). */
	w->complete = 0;
	if (w->top_count == RBAC_TOP_LEVELS) {
		memmove(&w->top[0], &w->top[1], sizeof(w->top[0]) * (RBAC_TOP_LEVELS - 1));
		w->top_count--;
	}
	w->top[w->top_count++] = level;
}

/*
 * Records @from (unless @skip_first) and its ancestors up to @root (the mount's
 * root, recorded too). Returns false if a rename raced and the walk must restart.
 */
static bool walk_one_mount(struct rbac_walk *w, struct dentry *from, struct dentry *root,
			   bool skip_first)
{
	u32 count = w->count, top = w->top_count;
	struct dentry *d = from;
	unsigned int seq;
	int steps = 0;

	rcu_read_lock();
	seq = read_seqbegin(&rename_lock);
	if (skip_first) {
		if (d == root || IS_ROOT(d))
			goto out;
		d = READ_ONCE(d->d_parent);
	}
	for (;;) {
		record(w, d);
		if (d == root || IS_ROOT(d) || ++steps > 4096)
			break;
		d = READ_ONCE(d->d_parent);
	}
out:
	if (read_seqretry(&rename_lock, seq)) {
		rcu_read_unlock();
		w->count = count;
		w->top_count = top;
		return false;
	}
	rcu_read_unlock();
	return true;
}

void rbac_walk(struct rbac_walk *w, struct vfsmount *mnt, struct dentry *dentry, bool may_sleep)
{
	struct path p = { .mnt = mnt, .dentry = dentry };
	struct dentry *parent;
	bool skip_first = false;
	int tries;

	w->count = 0;
	w->top_count = 0;
	w->complete = 1;
	w->has_snap = 0;
	w->has_parent = 0;
	w->name = NULL;
	w->name_len = 0;

	/* The file's name and directory: taken once, under the dentry's lock. */
	take_dentry_name_snapshot(&w->snap, dentry);
	w->has_snap = 1;
	w->name = w->snap.name.name;
	w->name_len = w->snap.name.len;
	rcu_read_lock();
	parent = READ_ONCE(dentry->d_parent);
	if (parent != dentry && READ_ONCE(parent->d_inode)) {
		w->parent_ino = READ_ONCE(parent->d_inode)->i_ino;
		w->has_parent = 1;
	}
	rcu_read_unlock();

	if (may_sleep)
		path_get(&p);
	for (;;) {
		for (tries = 0; tries < 8; tries++)
			if (walk_one_mount(w, p.dentry, p.mnt->mnt_root, skip_first))
				break;
		if (tries == 8)
			w->complete = 0;
		/* The mount point itself is hidden by the mount: continue above it. */
		if (!may_sleep) {
			/* Not crossing: what lies above this mount is unknown to the policy lookup. */
			w->complete = 0;
			break;
		}
		if (!follow_up(&p))
			break;
		skip_first = true;
	}
	if (may_sleep)
		path_put(&p);
	/* Append the levels nearest the root after the near ones. */
	if (w->top_count) {
		memcpy(&w->lv[w->count], w->top, sizeof(w->top[0]) * w->top_count);
		w->count += w->top_count;
	}
}

void rbac_walk_done(struct rbac_walk *w)
{
	if (w->has_snap)
		release_dentry_name_snapshot(&w->snap);
	w->has_snap = 0;
}

bool rbac_walk_exe(struct rbac_walk *w, bool may_sleep)
{
	struct mm_struct *mm = current->mm;
	struct file *exe;

	if (!mm || (current->flags & PF_KTHREAD))
		return false;
	rcu_read_lock();
	exe = get_file_rcu(&mm->exe_file);
	rcu_read_unlock();
	if (!exe)
		return false;
	rbac_walk(w, exe->f_path.mnt, exe->f_path.dentry, may_sleep);
	fput(exe);
	return true;
}
