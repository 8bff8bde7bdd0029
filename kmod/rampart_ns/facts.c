// SPDX-License-Identifier: GPL-2.0
/*
 * Facts the namespace and chroot rules need, gathered without sleeping (they
 * run in LSM hooks, some under rcu_read_lock, and in kprobe handlers).
 *
 * A task is "chrooted" as the kernel's current_chrooted() judges it: when its
 * root is not the root of its mount namespace (the namespace's root mount, or a
 * mount stacked straight on it, as after switch_root or pivot_root). A task
 * that made itself pid 1 of a new pid namespace is still chrooted; a task that
 * only took a new mount namespace is not. When the root cannot be read the
 * task counts as chrooted: the rules fail closed.
 *
 * The walk reads the mount tree without the mount lock (which modules cannot
 * take) and without references: it runs under rcu_read_lock(), and mounts and
 * dentries are freed only after an RCU grace period, so every pointer it
 * follows stays valid memory. A concurrent move of a mount can make one answer
 * stale, never unsafe; a chrooted task cannot move mounts (chroot_mount).
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/path.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>

#include "fs/mount.h"	/* struct mount, struct mnt_namespace: the kernel's private view */
#include "shim.h"

/* Deeper mount stacks than this under a task's root count as chrooted. */
#define NS_MOUNT_STACK_MAX 16

/*
 * Copies @task's root (no references taken: the result is only compared, never
 * dereferenced). Returns false for tasks without an fs (exiting, kernel threads).
 * The caller holds task_lock(@task), or @task is current (only current changes
 * its own fs pointer).
 */
static bool root_of_locked(struct task_struct *task, struct path *root)
{
	if (!task->fs)
		return false;
	spin_lock(&task->fs->lock);
	*root = task->fs->root;
	spin_unlock(&task->fs->lock);
	return true;
}

/*
 * The root of @task: current's and @held's (whose task_lock the caller holds)
 * directly, anyone else's under a bounded try-lock (the caller may hold
 * @held's lock, so waiting could deadlock). False when it cannot be read.
 */
static bool root_of(struct task_struct *task, struct task_struct *held, struct path *root)
{
	bool found;
	int tries;

	if (task == current || task == held)
		return root_of_locked(task, root);
	for (tries = 0; tries < 10000; tries++) {
		if (spin_trylock(&task->alloc_lock)) {
			found = root_of_locked(task, root);
			task_unlock(task);
			return found;
		}
		cpu_relax();
	}
	return false;
}

/*
 * Whether @root is its mount namespace's root: the root of @ns's root mount or
 * of a mount stacked on it, each at the root of the one below. (Whether another
 * mount covers @root is not asked: d_mountpoint() answers for every namespace
 * at once, and kdevtmpfs mounts over rootfs's root in a namespace of its own.)
 * Caller holds rcu_read_lock().
 */
static bool is_namespace_root(const struct path *root, const struct mnt_namespace *ns)
{
	const struct mount *m = real_mount(root->mnt);
	int depth;

	if (root->dentry != root->mnt->mnt_root)
		return false;
	for (depth = 0; depth < NS_MOUNT_STACK_MAX; depth++) {
		const struct mount *parent;

		if (m == ns->root)
			return true;
		parent = READ_ONCE(m->mnt_parent);
		if (parent == m || READ_ONCE(m->mnt_mountpoint) != parent->mnt.mnt_root)
			return false;
		m = parent;
	}
	return false;
}

bool ns_current_chrooted(void)
{
	struct mnt_namespace *ns;
	struct path root;
	bool chrooted = true;

	/* Only current changes its own nsproxy, and it holds it while running. */
	if (!current->nsproxy)
		return true;
	ns = current->nsproxy->mnt_ns;
	/*
	 * Read the root inside the RCU section: a thread sharing current's fs
	 * may chroot and drop the last reference to the old root at any time.
	 */
	rcu_read_lock();
	if (ns && ns->root && root_of(current, NULL, &root))
		chrooted = !is_namespace_root(&root, ns);
	rcu_read_unlock();
	return chrooted;
}

bool ns_same_root(struct task_struct *target, bool target_locked)
{
	struct path mine, theirs;
	bool found;

	if (!root_of(current, NULL, &mine))
		return true;
	found = root_of(target, target_locked ? target : NULL, &theirs);
	/* A root that cannot be read counts as different: the check fails closed. */
	return found && path_equal(&mine, &theirs);
}

bool ns_path_outside_root(const struct path *path)
{
	struct path root;

	if (!root_of(current, NULL, &root))
		return false;
	/* path_is_under() only walks the mount and dentry trees under their locks. */
	return !path_is_under((struct path *)path, &root);
}

bool ns_file_is_sysctl(const struct file *file)
{
	const struct dentry *d = file->f_path.dentry;
	bool sysctl = false;

	if (d->d_sb->s_magic != PROC_SUPER_MAGIC)
		return false;
	/* /proc/sys/...: the ancestor just below proc's root is named "sys". */
	rcu_read_lock();
	while (!IS_ROOT(d) && !IS_ROOT(READ_ONCE(d->d_parent)))
		d = READ_ONCE(d->d_parent);
	if (!IS_ROOT(d))
		sysctl = d->d_name.len == 3 && !memcmp(d->d_name.name, "sys", 3);
	rcu_read_unlock();
	return sysctl;
}
