// SPDX-License-Identifier: GPL-2.0
/*
 * Settings files for rampart modules (see struct rampart_settings in
 * <rampart/core.h>): one securityfs directory per module under
 * /sys/kernel/security/rampart/. Each registration carries its own
 * file_operations whose owner is the registering module, so an open settings
 * file pins that module and callbacks never outlive it.
 *
 * Changing a setting takes CAP_MAC_ADMIN twice: in whoever opened the file for
 * writing and in whoever writes (uid 0 without capabilities, such as a service
 * with every capability dropped, changes nothing). Writes are serialised, so a
 * write that the lock check let through has finished before a lock takes hold.
 */
#define pr_fmt(fmt) "rampart: " fmt

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <rampart/core.h>

/* Longest accepted write, and largest shown text. */
#define SETTING_WRITE_MAX 4096
#define SETTING_SHOW_MAX 4096

/* One write at a time, across every module: the lock check and the store are one step. */
static DEFINE_MUTEX(settings_write_lock);

/* Each file's i_private points at its struct rampart_setting; the inode's
 * parent directory's i_private at the struct rampart_settings. */
static struct rampart_settings *settings_of(struct file *file)
{
	return d_inode(file->f_path.dentry->d_parent)->i_private;
}

static ssize_t setting_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	const struct rampart_setting *setting = file_inode(file)->i_private;
	struct rampart_settings *s = settings_of(file);
	ssize_t ret;
	size_t len;
	char *text;

	text = kzalloc(SETTING_SHOW_MAX, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	len = min_t(size_t, s->show(setting->id, text, SETTING_SHOW_MAX), SETTING_SHOW_MAX);
	ret = simple_read_from_buffer(buf, count, ppos, text, len);
	kfree(text);
	return ret;
}

static int setting_open(struct inode *inode, struct file *file)
{
	if ((file->f_mode & FMODE_WRITE) && !capable(CAP_MAC_ADMIN))
		return -EPERM;
	return 0;
}

static ssize_t setting_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	const struct rampart_setting *setting = file_inode(file)->i_private;
	struct rampart_settings *s = settings_of(file);
	char *text;
	int ret;

	if (!(setting->mode & 0222))
		return -EPERM;
	if (!file_ns_capable(file, &init_user_ns, CAP_MAC_ADMIN) || !capable(CAP_MAC_ADMIN))
		return -EPERM;
	if (*ppos != 0 || count > SETTING_WRITE_MAX)
		return -EINVAL;
	text = memdup_user(buf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	mutex_lock(&settings_write_lock);
	ret = s->store(setting->id, text, count);
	mutex_unlock(&settings_write_lock);
	kfree(text);
	if (ret < 0)
		return ret;
	if (ret == 1) {
		__module_get(s->owner);
		pr_notice("%s: settings locked until reboot; the module can no longer be unloaded\n", s->dir);
	}
	return count;
}

int rampart_settings_register(struct rampart_settings *s)
{
	struct dentry *parent = rampart_securityfs_dir();
	size_t i;
	int err;

	if (s->count > RAMPART_SETTINGS_MAX || !s->show || !s->store) {
		pr_err("%s: %zu settings files (at most %d) or no show/store callback\n", s->dir,
		       s->count, RAMPART_SETTINGS_MAX);
		return -EINVAL;
	}
	s->fops = (struct file_operations){
		.owner = s->owner,
		.open = setting_open,
		.read = setting_read,
		.write = setting_write,
		.llseek = default_llseek,
	};
	s->dentry = securityfs_create_dir(s->dir, parent);
	if (IS_ERR(s->dentry))
		return PTR_ERR(s->dentry);
	d_inode(s->dentry)->i_private = s;
	for (i = 0; i < s->count; i++) {
		const struct rampart_setting *setting = &s->settings[i];

		s->files[i] = securityfs_create_file(setting->name, setting->mode, s->dentry,
						     (void *)setting, &s->fops);
		if (IS_ERR(s->files[i])) {
			err = PTR_ERR(s->files[i]);
			s->files[i] = NULL;
			rampart_settings_unregister(s);
			return err;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(rampart_settings_register);

void rampart_settings_unregister(struct rampart_settings *s)
{
	size_t i;

	for (i = 0; i < s->count; i++) {
		securityfs_remove(s->files[i]);
		s->files[i] = NULL;
	}
	securityfs_remove(s->dentry);
	s->dentry = NULL;
}
EXPORT_SYMBOL_GPL(rampart_settings_unregister);
