// SPDX-License-Identifier: GPL-2.0
/*
 * What the module cannot take back. The kernel asks about /dev/mem, /dev/kmem
 * and /dev/port when they are opened, and about I/O ports when iopl() or
 * ioperm() is called: a descriptor opened, or port access granted, before the
 * module loaded keeps working. At load each such process is reported (a notice
 * event and log line), so the admin knows what to restart.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include <rampart/core.h>
#include "shim.h"

/* At most this many processes are named; the rest are counted. */
#define PREEXISTING_NAMED 16

struct preexisting {
	struct task_struct *task;
	unsigned int descriptors;
	bool ioports;
};

static int count_memory_devices(const void *count, struct file *file, unsigned int fd)
{
	const struct inode *inode = file_inode(file);

	if (S_ISCHR(inode->i_mode) &&
	    rampart_devmem_target(imajor(inode), iminor(inode)) != DEVMEM_TARGET_NONE)
		(*(unsigned int *)count)++;
	return 0;
}

static bool has_ioports(struct task_struct *t)
{
#ifdef CONFIG_X86_IOPL_IOPERM
	return t->thread.iopl_emul || test_tsk_thread_flag(t, TIF_IO_BITMAP);
#else
	return false;
#endif
}

void rampart_devmem_report_preexisting(void)
{
	struct preexisting found[PREEXISTING_NAMED];
	struct rampart_subject s;
	struct task_struct *t;
	unsigned int n = 0, unnamed = 0, i;
	char object[64];

	rcu_read_lock();
	for_each_process(t) {
		unsigned int descriptors = 0;
		bool ioports;

		if (t->flags & PF_KTHREAD)
			continue;
		/* task_lock keeps t->files from going away; the callback does not sleep. */
		task_lock(t);
		if (t->files)
			iterate_fd(t->files, 0, count_memory_devices, &descriptors);
		task_unlock(t);
		ioports = has_ioports(t);
		if (!descriptors && !ioports)
			continue;
		if (n == PREEXISTING_NAMED) {
			unnamed++;
			continue;
		}
		get_task_struct(t);
		found[n++] = (struct preexisting){ t, descriptors, ioports };
	}
	rcu_read_unlock();

	for (i = 0; i < n; i++) {
		rampart_subject_fill(&s, found[i].task);
		scnprintf(object, sizeof(object), "%u memory device descriptor(s)%s",
			  found[i].descriptors, found[i].ioports ? ", I/O port access" : "");
		rampart_event_emit(&s, "devmem", RAMPART_NOTICE, object,
				   "held from before the module loaded (restart the process to revoke)");
		put_task_struct(found[i].task);
	}
	if (unnamed)
		pr_warn("%u more processes hold memory devices or I/O port access from before the module loaded\n",
			unnamed);
}
