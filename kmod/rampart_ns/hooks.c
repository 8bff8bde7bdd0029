// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_ns hook attachment. With rampart's hook layer (mode "lsm") the
 * handlers below register for userns_create, path_chroot, sb_mount,
 * sb_pivotroot, path_mknod, path_chmod, task_kill, ptrace_access_check and the
 * fchdir hook point. Without it (mode "fallback") the same handlers run from
 * kretprobes on the kernel's security_*() functions, and a denial replaces the
 * function's return value; fchdir has no such function, so escapes through
 * directory descriptors are only stopped in lsm mode (docs/hook-modes.md).
 *
 * Handlers do not sleep: task_kill runs under rcu_read_lock, and kretprobe
 * handlers with preemption disabled.
 */
#define pr_fmt(fmt) "rampart_ns: " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include <rampart/core.h>
#include <rampart/hooks_api.h>
#include "shim.h"

static int hook_mode;

static int ns_report(enum ns_protection p, u8 verdict, const char *object)
{
	struct rampart_subject s;
	enum rampart_decision decision;

	switch (verdict) {
	case NS_ALLOWLISTED:
		decision = RAMPART_ALLOW;
		break;
	case NS_AUDIT:
		decision = RAMPART_AUDIT;
		break;
	case NS_DENY:
		decision = RAMPART_DENY;
		break;
	default:
		return 0;
	}
	rampart_subject_fill(&s, current);
	rampart_event_emit(&s, "ns", decision, object,
			   verdict == NS_ALLOWLISTED ? "allowlisted" : rampart_ns_reason(p));
	return verdict == NS_DENY ? -EPERM : 0;
}

/* A chroot rule: only chrooted tasks doing what @violates says are checked. */
static int ns_chroot_rule(enum ns_protection p, bool violates, const char *object)
{
	if (!violates)
		return 0;
	return ns_report(p, rampart_ns_decide_chroot(p, ns_task_chrooted(current, NULL), true), object);
}

static int ns_target_rule(enum ns_protection p, struct task_struct *target, bool target_locked)
{
	char object[32];

	if (!ns_task_chrooted(current, target_locked ? target : NULL) ||
	    ns_same_root(target, target_locked))
		return 0;
	scnprintf(object, sizeof(object), "pid %d", task_tgid_nr(target));
	return ns_report(p, rampart_ns_decide_chroot(p, true, true), object);
}

static int ns_userns_create(const struct cred *cred)
{
	struct rampart_subject s;
	bool privileged = cred->user_ns == &init_user_ns &&
			  cap_raised(cred->cap_effective, CAP_SYS_ADMIN);
	u8 verdict;

	/* Never restricted: skip the executable's path lookup, the costly part. */
	if (privileged)
		return 0;
	rampart_subject_fill(&s, current);
	verdict = rampart_ns_decide_userns(s.exe, strlen(s.exe),
					   from_kuid_munged(&init_user_ns, cred->uid), privileged);
	return ns_report(NS_USERNS, verdict, "user namespace");
}

static int ns_path_chroot(const struct path *path)
{
	return ns_chroot_rule(NS_CHROOT_DOUBLE, true, "chroot");
}

static int ns_sb_mount(const char *dev_name, const struct path *path, const char *type,
		       unsigned long flags, void *data)
{
	return ns_chroot_rule(NS_CHROOT_MOUNT, true, "mount");
}

static int ns_sb_pivotroot(const struct path *old_path, const struct path *new_path)
{
	return ns_chroot_rule(NS_CHROOT_PIVOT, true, "pivot_root");
}

static int ns_path_mknod(const struct path *dir, struct dentry *dentry, umode_t mode,
			 unsigned int dev)
{
	return ns_chroot_rule(NS_CHROOT_MKNOD, S_ISCHR(mode) || S_ISBLK(mode), "device node");
}

static int ns_path_chmod(const struct path *path, umode_t mode)
{
	bool setid = (mode & S_ISUID) || (mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP);

	return ns_chroot_rule(NS_CHROOT_CHMOD, setid, "setuid/setgid mode");
}

static int ns_task_kill(struct task_struct *p, struct kernel_siginfo *info, int sig,
			const struct cred *cred)
{
	return ns_target_rule(NS_CHROOT_KILL, p, false);
}

/* The kernel calls this with task_lock(@child) held (__ptrace_may_access). */
static int ns_ptrace_access_check(struct task_struct *child, unsigned int mode)
{
	return ns_target_rule(NS_CHROOT_PTRACE, child, true);
}

static int ns_fchdir(struct file *dir)
{
	return ns_chroot_rule(NS_CHROOT_FCHDIR, ns_path_outside_root(&dir->f_path),
			      "directory outside the chroot");
}

/* lsm mode */

static struct rampart_hook_ops ns_hook_ops = {
	.abi = RAMPART_HOOKS_ABI,
	.name = "rampart_ns",
	.userns_create = ns_userns_create,
	.path_chroot = ns_path_chroot,
	.sb_mount = ns_sb_mount,
	.sb_pivotroot = ns_sb_pivotroot,
	.path_mknod = ns_path_mknod,
	.path_chmod = ns_path_chmod,
	.task_kill = ns_task_kill,
	.ptrace_access_check = ns_ptrace_access_check,
	.fchdir = ns_fchdir,
};

/* fallback mode: the handlers above, from kretprobes on security_*() */

#define ARG(regs, n) regs_get_kernel_argument(regs, n)

/* Keeps the handler's errno for the return handler; non-zero skips it (allowed). */
static int remember(struct kretprobe_instance *ri, int err)
{
	*(int *)ri->data = err;
	return err ? 0 : 1;
}

static int userns_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_userns_create((const struct cred *)ARG(regs, 0)));
}

static int chroot_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_path_chroot((const struct path *)ARG(regs, 0)));
}

static int mount_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_sb_mount(NULL, NULL, NULL, 0, NULL));
}

static int pivot_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_sb_pivotroot(NULL, NULL));
}

static int mknod_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_path_mknod(NULL, NULL, (umode_t)ARG(regs, 2), 0));
}

static int chmod_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_path_chmod(NULL, (umode_t)ARG(regs, 1)));
}

static int kill_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_task_kill((struct task_struct *)ARG(regs, 0), NULL, 0, NULL));
}

static int ptrace_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_ptrace_access_check((struct task_struct *)ARG(regs, 0), 0));
}

static int deny_on_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	regs_set_return_value(regs, *(int *)ri->data);
	return 0;
}

#define NS_PROBE(sym, entry) {				\
	.kp.symbol_name = sym,				\
	.entry_handler = entry,				\
	.handler = deny_on_return,			\
	.data_size = sizeof(int),			\
	.maxactive = 64,				\
}

static struct kretprobe ns_probes[] = {
	NS_PROBE("security_create_user_ns", userns_entry),
	NS_PROBE("security_path_chroot", chroot_entry),
	NS_PROBE("security_sb_mount", mount_entry),
	NS_PROBE("security_sb_pivotroot", pivot_entry),
	NS_PROBE("security_path_mknod", mknod_entry),
	NS_PROBE("security_path_chmod", chmod_entry),
	NS_PROBE("security_task_kill", kill_entry),
	NS_PROBE("security_ptrace_access_check", ptrace_entry),
};

static bool probe_attached[ARRAY_SIZE(ns_probes)];
static char missing[256];

static void unregister_probes(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ns_probes); i++) {
		if (probe_attached[i])
			unregister_kretprobe(&ns_probes[i]);
		probe_attached[i] = false;
	}
}

int rampart_ns_attach(void)
{
	size_t i, attached = 0;
	int err;

	err = rampart_hooks_attach(&ns_hook_ops);
	if (!err) {
		hook_mode = NS_HOOKS_LSM;
		return 0;
	}
	if (err != -ENOENT)
		pr_warn("hook layer refused registration (%d), using kretprobes\n", err);

	missing[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(ns_probes); i++) {
		err = register_kretprobe(&ns_probes[i]);
		if (err) {
			strlcat(missing, " ", sizeof(missing));
			strlcat(missing, ns_probes[i].kp.symbol_name, sizeof(missing));
			continue;
		}
		probe_attached[i] = true;
		attached++;
	}
	if (!attached) {
		pr_err("no hook layer and no kretprobe attached (missing:%s)\n", missing);
		return -ENOENT;
	}
	if (missing[0])
		pr_warn("fallback without:%s\n", missing);
	hook_mode = NS_HOOKS_FALLBACK;
	return 0;
}

void rampart_ns_detach(void)
{
	if (hook_mode == NS_HOOKS_LSM) {
		rampart_hooks_detach(&ns_hook_ops);
	} else if (hook_mode == NS_HOOKS_FALLBACK) {
		unregister_probes();
	}
	hook_mode = 0;
}

int rampart_ns_hook_mode(void)
{
	return hook_mode;
}

unsigned long rampart_ns_probe_missed(void)
{
	unsigned long total = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ns_probes); i++)
		if (probe_attached[i])
			total += ns_probes[i].nmissed;
	return total;
}

const char *rampart_ns_missing_probes(void)
{
	return missing;
}
