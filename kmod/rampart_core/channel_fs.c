// SPDX-License-Identifier: GPL-2.0
/*
 * The event channel's userspace side, in securityfs:
 *   /sys/kernel/security/rampart/events  (0400, CAP_SYS_ADMIN) one JSON event
 *       per line; read() blocks until an event is queued (or returns -EAGAIN
 *       with O_NONBLOCK); poll() reports readability. Reads return whole
 *       events only, so a read buffer must hold at least RAMPART_RECORD_MAX.
 *   /sys/kernel/security/rampart/stats   (0444) queue counters.
 * The queue itself lives in Rust (rampart_core_rs.rs).
 */
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <rampart/core.h>
#include "shim.h"

/* Most bytes one read() returns. */
#define RAMPART_READ_MAX (64 * 1024)

static DECLARE_WAIT_QUEUE_HEAD(rampart_events_wait);
static struct dentry *rampart_dir;
static struct dentry *events_file;
static struct dentry *stats_file;

void rampart_channel_wake(void)
{
	wake_up_interruptible(&rampart_events_wait);
}

static int events_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return nonseekable_open(inode, file);
}

static ssize_t events_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	size_t cap = min_t(size_t, count, RAMPART_READ_MAX);
	size_t n;
	ssize_t ret;
	u8 *kbuf;

	if (count < RAMPART_RECORD_MAX)
		return -EINVAL;
	/* Zeroed: the Rust side makes a slice of it, which must be initialised memory. */
	kbuf = kvzalloc(cap, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	for (;;) {
		n = rampart_core_take(kbuf, cap);
		if (n)
			break;
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(rampart_events_wait,
					       rampart_core_pending());
		if (ret)
			goto out;
	}
	ret = copy_to_user(buf, kbuf, n) ? -EFAULT : (ssize_t)n;
out:
	kvfree(kbuf);
	return ret;
}

static __poll_t events_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, &rampart_events_wait, wait);
	return rampart_core_pending() ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations events_fops = {
	.owner = THIS_MODULE,
	.open = events_open,
	.read = events_read,
	.poll = events_poll,
};

static ssize_t stats_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct rampart_channel_stats st;
	char text[200];
	int len;

	rampart_core_stats(&st);
	len = scnprintf(text, sizeof(text),
			"emitted %llu\ndropped %llu\nqueued %llu\ncapacity %llu\nnext_seq %llu\nrefused_out_of_task %lu\n",
			st.emitted, st.dropped, st.queued, st.capacity, st.next_seq,
			rampart_events_refused_out_of_task());
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static const struct file_operations stats_fops = {
	.owner = THIS_MODULE,
	.read = stats_read,
	.llseek = default_llseek,
};

struct dentry *rampart_securityfs_dir(void)
{
	return rampart_dir;
}
EXPORT_SYMBOL_GPL(rampart_securityfs_dir);

int rampart_channel_fs_init(void)
{
	int err;

	rampart_dir = securityfs_create_dir("rampart", NULL);
	if (IS_ERR(rampart_dir))
		return PTR_ERR(rampart_dir);
	events_file = securityfs_create_file("events", 0400, rampart_dir, NULL,
					     &events_fops);
	if (IS_ERR(events_file)) {
		err = PTR_ERR(events_file);
		goto remove_dir;
	}
	stats_file = securityfs_create_file("stats", 0444, rampart_dir, NULL,
					    &stats_fops);
	if (IS_ERR(stats_file)) {
		err = PTR_ERR(stats_file);
		goto remove_events;
	}
	return 0;

remove_events:
	securityfs_remove(events_file);
remove_dir:
	securityfs_remove(rampart_dir);
	return err;
}

void rampart_channel_fs_exit(void)
{
	securityfs_remove(stats_file);
	securityfs_remove(events_file);
	securityfs_remove(rampart_dir);
}
