// SPDX-License-Identifier: GPL-2.0
/*
 * Facts the namespace and chroot rules need, gathered without sleeping (they
 * run in LSM hooks, some under rcu_read_lock, and in kprobe handlers).
 *
 * A task is "chrooted" when its root differs from the root of the init process
 * of its pid namespace (the namespace's child reaper): inside a container that
 * is the container's init, on the host it is pid 1.
 */
#include <linux/fs_struct.h>
#include <linux/path.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>

#include "shim.h"

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

bool ns_task_chrooted(struct task_struct *task, struct task_struct *held)
{
	struct task_struct *reaper;
	struct path mine, init_root;
	bool chrooted = false;

	rcu_read_lock();
	reaper = task_active_pid_ns(task)->child_reaper;
	if (!reaper || same_thread_group(reaper, task)) {
		rcu_read_unlock();
		return false;
	}
	get_task_struct(reaper);
	rcu_read_unlock();
	if (root_of(task, held, &mine) && root_of(reaper, held, &init_root))
		chrooted = !path_equal(&mine, &init_root);
	put_task_struct(reaper);
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
