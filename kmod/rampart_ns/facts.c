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
 */
static bool root_of(struct task_struct *task, struct path *root)
{
	bool found = false;

	task_lock(task);
	if (task->fs) {
		spin_lock(&task->fs->lock);
		*root = task->fs->root;
		spin_unlock(&task->fs->lock);
		found = true;
	}
	task_unlock(task);
	return found;
}

bool ns_task_chrooted(struct task_struct *task)
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
	if (root_of(task, &mine) && root_of(reaper, &init_root))
		chrooted = !path_equal(&mine, &init_root);
	put_task_struct(reaper);
	return chrooted;
}

bool ns_same_root(struct task_struct *a, struct task_struct *b)
{
	struct path ra, rb;

	if (!root_of(a, &ra) || !root_of(b, &rb))
		return true;
	return path_equal(&ra, &rb);
}

bool ns_path_outside_root(const struct path *path)
{
	struct path root;

	if (!root_of(current, &root))
		return false;
	/* path_is_under() only walks the mount and dentry trees under their locks. */
	return !path_is_under((struct path *)path, &root);
}
