// SPDX-License-Identifier: GPL-2.0
/*
 * Describing a task for events and log lines: credentials, pid, comm and
 * executable path, gathered without sleeping.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include <rampart/core.h>

/*
 * Locks @task to read its comm and mm. current needs no lock (only current
 * changes its own mm pointer, and a torn comm read is harmless). Others are
 * try-locked a bounded number of times: some callers already hold another
 * task's lock (ptrace checks run under task_lock(child)), so waiting could
 * deadlock.
 */
static bool subject_lock(struct task_struct *task)
{
	int tries;

	if (task == current)
		return true;
	for (tries = 0; tries < 10000; tries++) {
		if (spin_trylock(&task->alloc_lock))
			return true;
		cpu_relax();
	}
	return false;
}

static void subject_unlock(struct task_struct *task)
{
	if (task != current)
		task_unlock(task);
}

/* @task's cgroup v2 id, read under RCU (its css_set may change meanwhile). */
static u64 subject_cgroup(struct task_struct *task)
{
#ifdef CONFIG_CGROUPS
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(task));
	rcu_read_unlock();
	return id;
#else
	return 0;
#endif
}

void rampart_subject_fill(struct rampart_subject *s, struct task_struct *task)
{
	const struct cred *cred;
	struct mm_struct *mm;
	struct file *exe;
	char *path;

	rcu_read_lock();
	cred = __task_cred(task);
	s->uid = from_kuid_munged(&init_user_ns, cred->uid);
	s->euid = from_kuid_munged(&init_user_ns, cred->euid);
	s->gid = from_kgid_munged(&init_user_ns, cred->gid);
	s->egid = from_kgid_munged(&init_user_ns, cred->egid);
	rcu_read_unlock();
	s->pid = task_tgid_nr(task);
	s->cgroup = subject_cgroup(task);
	s->exe = "";
	memset(&s->exe_id, 0, sizeof(s->exe_id));
	if (!subject_lock(task)) {
		strscpy(s->comm, "?", sizeof(s->comm));
		s->exe = "(busy)";
		return;
	}
	strscpy_pad(s->comm, task->comm, sizeof(s->comm));
	mm = (task->flags & PF_KTHREAD) ? NULL : task->mm;
	if (mm)
		mmget(mm);
	subject_unlock(task);
	if (!mm)
		return;
	/* mmput_async() never sleeps, even when it drops the last reference. */
	rcu_read_lock();
	exe = get_file_rcu(&mm->exe_file);
	rcu_read_unlock();
	mmput_async(mm);
	if (!exe)
		return;
	rampart_file_id_of(&s->exe_id, file_inode(exe));
	path = d_path(&exe->f_path, s->exe_buf, sizeof(s->exe_buf));
	s->exe = IS_ERR(path) ? "(path too long)" : path;
	fput(exe);
}
EXPORT_SYMBOL_GPL(rampart_subject_fill);
