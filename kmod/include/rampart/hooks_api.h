/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hook-layer API of rampart's kernel patch (patches/0001-*), for modules
 * that must also build and load on kernels without it. On a patched kernel the
 * kernel's own header is used; otherwise this copy supplies the declarations
 * that symbol_get() needs, and the functions are simply not found at load
 * time. builder's tests check that the copy matches the patch.
 */
#ifndef RAMPART_HOOKS_API_H
#define RAMPART_HOOKS_API_H

#if __has_include(<linux/rampart_hooks.h>)
#include <linux/rampart_hooks.h>
#else
#include <linux/list.h>
#include <linux/security.h>

/* BEGIN copy of include/linux/rampart_hooks.h */
#define RAMPART_HOOKS_ABI 3

struct cred;
struct dentry;
struct file;
struct kernel_siginfo;
struct linux_binprm;
struct path;
struct task_struct;

struct rampart_hook_ops {
	unsigned int abi;
	const char *name;
	int (*file_open)(struct file *file);
	int (*locked_down)(enum lockdown_reason what);
	int (*userns_create)(const struct cred *cred);
	int (*path_chroot)(const struct path *path);
	int (*sb_mount)(const char *dev_name, const struct path *path,
			const char *type, unsigned long flags, void *data);
	int (*sb_pivotroot)(const struct path *old_path, const struct path *new_path);
	int (*path_mknod)(const struct path *dir, struct dentry *dentry,
			  umode_t mode, unsigned int dev);
	int (*path_chmod)(const struct path *path, umode_t mode);
	int (*task_kill)(struct task_struct *p, struct kernel_siginfo *info,
			 int sig, const struct cred *cred);
	int (*ptrace_access_check)(struct task_struct *child, unsigned int mode);
	int (*bprm_check)(struct linux_binprm *bprm);
	int (*fchdir)(struct file *dir);
	int (*task_fork)(u64 clone_flags);
	int (*task_crash)(int sig, const struct kernel_siginfo *info);
	struct list_head node;
};

int rampart_register_hooks(struct rampart_hook_ops *ops);
void rampart_unregister_hooks(struct rampart_hook_ops *ops);
/* END copy */
#endif

#endif /* RAMPART_HOOKS_API_H */
