// SPDX-License-Identifier: GPL-2.0
/*
 * Describing a task for events and log lines: credentials, pid, comm and
 * executable path, gathered without sleeping.
 */
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/uidgid.h>

#include <rampart/core.h>

/*
 * The executable of @task with a reference held, or NULL (kernel threads).
 * get_task_exe_file() is not exported to modules; this is its equivalent with
 * mmput_async(), which never sleeps even when it drops the last reference.
 */
static struct file *rampart_exe_file(struct task_struct *task)
{
	struct mm_struct *mm;
	struct file *exe;

	mm = get_task_mm(task);
	if (!mm)
		return NULL;
	rcu_read_lock();
	exe = get_file_rcu(&mm->exe_file);
	rcu_read_unlock();
	mmput_async(mm);
	return exe;
}

void rampart_subject_fill(struct rampart_subject *s, struct task_struct *task)
{
	const struct cred *cred;
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
	get_task_comm(s->comm, task);

	s->exe = "";
	exe = rampart_exe_file(task);
	if (!exe)
		return;
	path = d_path(&exe->f_path, s->exe_buf, sizeof(s->exe_buf));
	s->exe = IS_ERR(path) ? "(path too long)" : path;
	fput(exe);
}
EXPORT_SYMBOL_GPL(rampart_subject_fill);
