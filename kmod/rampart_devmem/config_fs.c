// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_devmem settings in securityfs, /sys/kernel/security/rampart/devmem/:
 *   mode       (0600) off | audit | enforce
 *   allow      (0600) executables still allowed, comma or newline separated
 *   lock       (0600) write 1 to freeze the settings and pin the module until reboot
 *   hook_mode  (0444) lsm | fallback
 *   stats      (0444) counters
 * Parsing, validation and state are in Rust; a rejected write changes nothing.
 */
#define pr_fmt(fmt) "rampart_devmem: " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <rampart/core.h>
#include "shim.h"

/* Longest accepted write. */
#define DEVMEM_WRITE_MAX 4096
/* Largest show text. */
#define DEVMEM_SHOW_MAX 4096

struct devmem_file {
	const char *name;
	umode_t mode;
	int setting;
	struct dentry *dentry;
};

static struct dentry *devmem_dir;
static struct devmem_file devmem_files[] = {
	{ "mode", 0600, DEVMEM_SETTING_MODE },
	{ "allow", 0600, DEVMEM_SETTING_ALLOW },
	{ "lock", 0600, DEVMEM_SETTING_LOCK },
	{ "stats", 0444, DEVMEM_SETTING_STATS },
	{ "hook_mode", 0444, -1 },
};

static ssize_t setting_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	const struct devmem_file *f = file_inode(file)->i_private;
	ssize_t ret;
	size_t len;
	char *text;

	text = kzalloc(DEVMEM_SHOW_MAX, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	if (f->setting < 0) {
		len = scnprintf(text, DEVMEM_SHOW_MAX, "%s\n",
				rampart_devmem_hook_mode() == DEVMEM_HOOKS_LSM ? "lsm" : "fallback");
	} else {
		len = rampart_devmem_show(f->setting, text, DEVMEM_SHOW_MAX);
		if (f->setting == DEVMEM_SETTING_STATS)
			len += scnprintf(text + len, DEVMEM_SHOW_MAX - len, "probe_missed %lu\n",
					 rampart_devmem_probe_missed());
	}
	ret = simple_read_from_buffer(buf, count, ppos, text, len);
	kfree(text);
	return ret;
}

static ssize_t setting_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	const struct devmem_file *f = file_inode(file)->i_private;
	char *text;
	int err;

	if (f->setting < 0 || f->setting == DEVMEM_SETTING_STATS)
		return -EPERM;
	if (*ppos != 0 || count > DEVMEM_WRITE_MAX)
		return -EINVAL;
	text = memdup_user(buf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	err = rampart_devmem_store(f->setting, text, count);
	kfree(text);
	if (err < 0)
		return err;
	/* The first successful lock pins the module until reboot. */
	if (f->setting == DEVMEM_SETTING_LOCK && err == 1) {
		__module_get(THIS_MODULE);
		pr_notice("settings locked until reboot; the module can no longer be unloaded\n");
	}
	return count;
}

static const struct file_operations setting_fops = {
	.owner = THIS_MODULE,
	.read = setting_read,
	.write = setting_write,
	.llseek = default_llseek,
};

int rampart_devmem_fs_init(void)
{
	struct dentry *parent = rampart_securityfs_dir();
	size_t i;
	int err;

	devmem_dir = securityfs_create_dir("devmem", parent);
	if (IS_ERR(devmem_dir))
		return PTR_ERR(devmem_dir);
	for (i = 0; i < ARRAY_SIZE(devmem_files); i++) {
		struct devmem_file *f = &devmem_files[i];

		f->dentry = securityfs_create_file(f->name, f->mode, devmem_dir, f, &setting_fops);
		if (IS_ERR(f->dentry)) {
			err = PTR_ERR(f->dentry);
			f->dentry = NULL;
			rampart_devmem_fs_exit();
			return err;
		}
	}
	return 0;
}

void rampart_devmem_fs_exit(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(devmem_files); i++) {
		securityfs_remove(devmem_files[i].dentry);
		devmem_files[i].dentry = NULL;
	}
	securityfs_remove(devmem_dir);
	devmem_dir = NULL;
}

static char *mode = "enforce";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "Mode at load time: off, audit or enforce (default enforce)");

const char *rampart_devmem_initial_mode(void)
{
	return mode;
}
