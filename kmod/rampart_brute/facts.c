// SPDX-License-Identifier: GPL-2.0
/*
 * Facts about a crashing task and the programs it runs, gathered without
 * sleeping: in lsm mode they run from the kernel's crash and exec hook points,
 * in fallback mode from kprobe handlers (preemption disabled).
 */
#include <linux/auxvec.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mount.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/uidgid.h>

#include "shim.h"

/*
 * Whether the exec that started current's program raised privilege: the
 * AT_SECURE the kernel put in its auxiliary vector (setuid, setgid or file
 * capabilities, as the kernel itself judged them). Only current changes its
 * own mm, and saved_auxv is written once at exec.
 */
static bool current_secureexec(void)
{
	const unsigned long *auxv;
	size_t i;

	if (!current->mm)
		return false;
	auxv = current->mm->saved_auxv;
	for (i = 0; i + 1 < AT_VECTOR_SIZE && auxv[i] != AT_NULL; i += 2)
		if (auxv[i] == AT_SECURE)
			return auxv[i + 1] != 0;
	return false;
}

/*
 * The inode of @task's executable, compared only (no reference kept), or NULL.
 * The caller holds rcu_read_lock and holds no task_lock, so waiting for
 * @task's lock cannot deadlock.
 */
static struct inode *exe_inode_rcu(struct task_struct *task)
{
	struct inode *inode = NULL;
	struct file *exe;

	task_lock(task);
	if (task->mm && !(task->flags & PF_KTHREAD)) {
		exe = rcu_dereference(task->mm->exe_file);
		if (exe)
			inode = file_inode(exe);
	}
	task_unlock(task);
	return inode;
}

/* A reference to current's executable, or NULL (only current changes its own mm). */
static struct file *current_exe(void)
{
	struct mm_struct *mm = current->mm;
	struct file *exe;

	if (!mm)
		return NULL;
	rcu_read_lock();
	exe = get_file_rcu(&mm->exe_file);
	rcu_read_unlock();
	return exe;
}

void brute_crash_facts(struct brute_crash_facts *f, int sig, const kernel_siginfo_t *info)
{
	struct task_struct *parent;
	struct inode *exe, *parent_exe;
	struct file *exe_file;

	memset(f, 0, sizeof(*f));
	f->sig = sig;
	f->code = info ? info->si_code : 0;
	/* abort()/raise(): the dying process signalled itself. */
	f->from_self = info && info->si_code <= 0 && info->si_pid == task_tgid_vnr(current);
	f->uid = from_kuid_munged(&init_user_ns, current_uid());
	f->setid_exe = current_secureexec();

	exe_file = current_exe();
	if (!exe_file)
		return;

	rcu_read_lock();
	exe = file_inode(exe_file);
	parent = rcu_dereference(current->real_parent);
	if (!is_global_init(parent) && !(parent->flags & PF_KTHREAD)) {
		parent_exe = exe_inode_rcu(parent);
		if (parent_exe == exe) {
			f->has_parent = true;
			f->parent_tgid = task_tgid_nr(parent);
			f->parent_start_ns = parent->group_leader->start_boottime;
		}
	}
	rcu_read_unlock();
	fput(exe_file);
}

unsigned int brute_kill_copies(u32 uid)
{
	struct task_struct *p;
	struct file *exe_file;
	struct inode *exe;
	unsigned int killed = 0;

	exe_file = current_exe();
	if (!exe_file)
		return 0;
	exe = file_inode(exe_file);
	rcu_read_lock();
	for_each_process(p) {
		if (same_thread_group(p, current) || (p->flags & PF_KTHREAD))
			continue;
		if (from_kuid_munged(&init_user_ns, task_uid(p)) != uid)
			continue;
		if (exe_inode_rcu(p) != exe)
			continue;
		send_sig(SIGKILL, p, 1);
		killed++;
	}
	rcu_read_unlock();
	fput(exe_file);
	return killed;
}
