// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_ns hook attachment. With rampart's hook layer (mode "lsm") the
 * handlers below register for userns_create, path_chroot, sb_mount,
 * sb_kern_mount, sb_remount, move_mount, sb_pivotroot, path_mknod, path_chmod,
 * file_open (sysctl writes), capable (chroot_caps),
 * inode_setxattr, task_kill, task_setnice, ptrace_access_check,
 * unix_stream_connect, unix_may_send, shm_alloc, shm_shmat and the fchdir,
 * chdir, unshare, setns, file_setown and task_fork hook points.
 *
 * Without it (mode "fallback") the same handlers run from kretprobes. On the
 * kernel's security_*() functions, which only decide, a denial replaces the
 * return value. Functions that act are never left to act and then overruled:
 * for ksys_unshare(), copy_namespaces() and f_setown() the entry handler turns
 * a denied call's arguments into ones the function rejects before doing
 * anything (an invalid flag, INT_MIN), and the return handler reports EPERM;
 * mntns_install(), pidns_install() and userns_install() only change the copy
 * that setns() throws away on error. chdir, fchdir and F_SETOWN_EX have no such function, so those
 * are stopped in lsm mode only, and so is shmat of segments created outside (it
 * needs the creator's root, kept in the hook layer's IPC bytes) (docs/hook-modes.md).
 *
 * Handlers do not sleep: task_kill and file_setown run under rcu_read_lock,
 * and kretprobe handlers with preemption disabled.
 */
#define pr_fmt(fmt) "rampart_ns: " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/xattr.h>
#include <linux/sched.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include <linux/ipc.h>
#include <linux/net.h>
#include <net/sock.h>

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
	return ns_report(p, rampart_ns_decide_chroot(p, ns_current_chrooted(), true), object);
}

/* A rule about @target, for a caller that already knows current is chrooted. */
static int ns_outside_target(enum ns_protection p, struct task_struct *target, bool target_locked)
{
	char object[32];

	if (ns_same_root(target, target_locked))
		return 0;
	scnprintf(object, sizeof(object), "pid %d", task_tgid_nr(target));
	return ns_report(p, rampart_ns_decide_chroot(p, true, true), object);
}

static int ns_target_rule(enum ns_protection p, struct task_struct *target, bool target_locked)
{
	return ns_current_chrooted() ? ns_outside_target(p, target, target_locked) : 0;
}

/* A user namespace created (@object "user namespace") or joined with setns(). */
static int ns_userns_rule(const struct cred *cred, const char *object)
{
	struct rampart_subject s;
	bool privileged = cred->user_ns == &init_user_ns &&
			  cap_raised(cred->cap_effective, CAP_SYS_ADMIN);
	u8 verdict;

	/* Never restricted: skip the executable's path lookup, the costly part. */
	if (privileged)
		return 0;
	rampart_subject_fill(&s, current);
	/*
	 * A traced program runs what its tracer makes it run (code injected with
	 * ptrace): it is not the allowlisted program any more.
	 */
	if (READ_ONCE(current->ptrace))
		s.exe_id.present = 0;
	verdict = rampart_ns_decide_userns(&s.exe_id, from_kuid_munged(&init_user_ns, cred->uid),
					   privileged);
	return ns_report(NS_USERNS, verdict, object);
}

static int ns_userns_create(const struct cred *cred)
{
	return ns_userns_rule(cred, "user namespace");
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

static int ns_sb_kern_mount(const struct super_block *sb)
{
	return ns_chroot_rule(NS_CHROOT_MOUNT, true, "new mount");
}

static int ns_sb_remount(struct super_block *sb, void *mnt_opts)
{
	return ns_chroot_rule(NS_CHROOT_MOUNT, true, "remount");
}

static int ns_move_mount(const struct path *from_path, const struct path *to_path)
{
	return ns_chroot_rule(NS_CHROOT_MOUNT, true, "move_mount");
}

static int ns_sb_pivotroot(const struct path *old_path, const struct path *new_path)
{
	return ns_chroot_rule(NS_CHROOT_PIVOT, true, "pivot_root");
}

/*
 * The capabilities grsecurity's CHROOT_CAPS takes from root inside a chroot
 * (opt-in: chroot_caps). Only current's own checks are judged (not checks of
 * another task's credentials, nor any from interrupt context).
 */
static const u64 ns_chroot_caps =
	BIT_ULL(CAP_LINUX_IMMUTABLE) | BIT_ULL(CAP_NET_ADMIN) | BIT_ULL(CAP_SYS_MODULE) |
	BIT_ULL(CAP_SYS_RAWIO) | BIT_ULL(CAP_SYS_PACCT) | BIT_ULL(CAP_SYS_ADMIN) |
	BIT_ULL(CAP_SYS_BOOT) | BIT_ULL(CAP_SYS_TIME) | BIT_ULL(CAP_NET_RAW) |
	BIT_ULL(CAP_SYS_TTY_CONFIG) | BIT_ULL(CAP_IPC_OWNER) | BIT_ULL(CAP_SETFCAP) |
	BIT_ULL(CAP_SYSLOG) | BIT_ULL(CAP_MAC_ADMIN);

static int ns_chroot_capable(const struct cred *cred, struct user_namespace *ns, int cap,
			     unsigned int opts)
{
	char object[24];

	if (cap < 0 || cap > 63 || !in_task() || cred != current_cred())
		return 0;
	/*
	 * CHROOT_NICE: raising a priority, real-time policies and changing another
	 * task's scheduling (sched_setscheduler, sched_setattr, nice, setpriority)
	 * all need CAP_SYS_NICE.
	 */
	if (cap == CAP_SYS_NICE && rampart_ns_enabled(NS_CHROOT_NICE))
		return ns_chroot_rule(NS_CHROOT_NICE, true, "CAP_SYS_NICE");
	if (!(ns_chroot_caps & BIT_ULL(cap)) || !rampart_ns_enabled(NS_CHROOT_CAPS))
		return 0;
	scnprintf(object, sizeof(object), "capability %d", cap);
	return ns_chroot_rule(NS_CHROOT_CAPS, true, object);
}

/*
 * A file outside the chroot reached from inside: through a directory
 * descriptor held from before the chroot (openat, faccessat, O_PATH), as
 * grsecurity's CHROOT_FCHDIR refuses too.
 */
static int ns_outside_rule(const struct path *path)
{
	if (!rampart_ns_enabled(NS_CHROOT_FCHDIR) || !ns_current_chrooted())
		return 0;
	return ns_chroot_rule(NS_CHROOT_FCHDIR, ns_path_outside_root(path), "file outside the chroot");
}

/* Writing sysctls from inside a chroot (grsecurity's CHROOT_SYSCTL); files outside it. */
static int ns_file_open(struct file *file)
{
	int err = ns_outside_rule(&file->f_path);

	if (err || !(file->f_mode & FMODE_WRITE) || !ns_file_is_sysctl(file))
		return err;
	return ns_chroot_rule(NS_CHROOT_SYSCTL, true, "sysctl");
}

static int ns_path_open(const struct path *path)
{
	return ns_outside_rule(path);
}

static int ns_path_access(const struct path *path, int mode)
{
	return ns_outside_rule(path);
}

/* Changing another task's scheduling from inside a chroot (CHROOT_NICE). */
static int ns_task_setscheduler(struct task_struct *p)
{
	if (p == current || !rampart_ns_enabled(NS_CHROOT_NICE))
		return 0;
	return ns_target_rule(NS_CHROOT_NICE, p, false);
}

/* mount_setattr(2) changes mounts too (CHROOT_MOUNT): a read-only jail made writable. */
static int ns_mount_setattr(const struct path *path, unsigned int attr_set, unsigned int attr_clr)
{
	return ns_chroot_rule(NS_CHROOT_MOUNT, true, "mount_setattr");
}

/* A mode that runs with its owner's or group's ids (setgid without group x is locking). */
static bool ns_setid_mode(umode_t mode)
{
	return (mode & S_ISUID) || (mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP);
}

/*
 * mknod(2), and open(O_CREAT) too: may_o_create() asks path_mknod with the
 * mode after umask, so a file created setuid is judged here as chmod would be.
 */
static int ns_path_mknod(const struct path *dir, struct dentry *dentry, umode_t mode,
			 unsigned int dev)
{
	int err = ns_chroot_rule(NS_CHROOT_MKNOD, S_ISCHR(mode) || S_ISBLK(mode), "device node");

	if (err || S_ISDIR(mode))
		return err;
	return ns_chroot_rule(NS_CHROOT_CHMOD, ns_setid_mode(mode), "setuid/setgid mode");
}

static int ns_path_chmod(const struct path *path, umode_t mode)
{
	return ns_chroot_rule(NS_CHROOT_CHMOD, ns_setid_mode(mode), "setuid/setgid mode");
}

static int ns_inode_setxattr(struct mnt_idmap *idmap, struct dentry *dentry, const char *name,
			     const void *value, size_t size, int flags)
{
	return ns_chroot_rule(NS_CHROOT_SETCAP, name && !strcmp(name, XATTR_NAME_CAPS),
			      XATTR_NAME_CAPS);
}

/*
 * Signals sent with @cred (USB URB completion, in interrupt context) are not
 * the current task's doing: only a task's own signals are judged.
 */
static int ns_task_kill(struct task_struct *p, struct kernel_siginfo *info, int sig,
			const struct cred *cred)
{
	if (cred || !in_task())
		return 0;
	return ns_target_rule(NS_CHROOT_KILL, p, false);
}

/*
 * The receiver of a file's SIGIO/SIGURG (any signal, with F_SETSIG): every task
 * that @pid of @type names must share current's root. Called under
 * rcu_read_lock().
 */
static int ns_file_setown(struct pid *pid, enum pid_type type)
{
	struct task_struct *t;
	int err = 0;

	if (!pid || !ns_current_chrooted())
		return 0;
	do_each_pid_task(pid, type, t) {
		err = ns_outside_target(NS_CHROOT_KILL, t, false);
		if (err)
			return err;
	} while_each_pid_task(pid, type, t);
	return 0;
}

/* Raising priority, or changing it for a process outside (CHROOT_NICE). */
static int ns_task_setnice(struct task_struct *p, int nice)
{
	if (!ns_current_chrooted())
		return 0;
	if (nice < task_nice(p))
		return ns_report(NS_CHROOT_NICE, rampart_ns_decide_chroot(NS_CHROOT_NICE, true, true),
				 "priority");
	return ns_outside_target(NS_CHROOT_NICE, p, false);
}

/* New pid and mount namespaces reset what "the root" means: none inside a chroot. */
#define NS_CHROOT_UNSHARE_FLAGS (CLONE_NEWNS | CLONE_NEWPID)

static int ns_unshare(unsigned long flags)
{
	return ns_chroot_rule(NS_CHROOT_UNSHARE, flags & NS_CHROOT_UNSHARE_FLAGS, "namespace");
}

static int ns_task_fork(u64 clone_flags)
{
	return ns_unshare(clone_flags);
}

/*
 * setns(): refused inside a chroot; joining a user namespace (which one an
 * allowlisted runtime made, say) is judged as creating one.
 */
static int ns_setns(int nstypes)
{
	int err = ns_chroot_rule(NS_CHROOT_SETNS, true, "setns");

	if (err || !(nstypes & CLONE_NEWUSER))
		return err;
	return ns_userns_rule(current_cred(), "joined user namespace");
}

/*
 * Unix sockets with an abstract name whose listener is outside the chroot
 * (CHROOT_UNIX). Called with @other's state lock held.
 */
static int ns_unix_rule(struct sock *other)
{
	if (!other || !rampart_ns_enabled(NS_CHROOT_UNIX) || !ns_current_chrooted())
		return 0;
	return ns_chroot_rule(NS_CHROOT_UNIX, ns_unix_peer_outside(other), "unix socket");
}

static int ns_unix_stream_connect(struct sock *sock, struct sock *other, struct sock *newsk)
{
	return ns_unix_rule(other);
}

static int ns_unix_may_send(struct socket *sock, struct socket *other)
{
	return ns_unix_rule(other ? other->sk : NULL);
}

static struct rampart_hook_ops ns_hook_ops;

/* Shared memory created outside the chroot (CHROOT_SHMAT); lsm mode only. */
static int ns_shm_alloc(struct kern_ipc_perm *perm)
{
	ns_ipc_record_creator(perm, ns_hook_ops.ipc_blob_offset);
	return 0;
}

static int ns_shm_shmat(struct kern_ipc_perm *perm, char __user *shmaddr, int shmflg)
{
	if (!rampart_ns_enabled(NS_CHROOT_SHMAT) || !ns_current_chrooted())
		return 0;
	return ns_chroot_rule(NS_CHROOT_SHMAT,
			      ns_ipc_created_outside(perm, ns_hook_ops.ipc_blob_offset),
			      "shared memory");
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

/* chdir("/proc/self/fd/N") reaches the same directories as fchdir(N). */
static int ns_chdir(const struct path *path)
{
	return ns_chroot_rule(NS_CHROOT_FCHDIR, ns_path_outside_root(path),
			      "directory outside the chroot");
}

/* lsm mode */

static struct rampart_hook_ops ns_hook_ops = {
	.abi = RAMPART_HOOKS_ABI,
	.name = "rampart_ns",
	.userns_create = ns_userns_create,
	.file_open = ns_file_open,
	.capable = ns_chroot_capable,
	.path_chroot = ns_path_chroot,
	.sb_mount = ns_sb_mount,
	.sb_kern_mount = ns_sb_kern_mount,
	.sb_remount = ns_sb_remount,
	.move_mount = ns_move_mount,
	.sb_pivotroot = ns_sb_pivotroot,
	.path_mknod = ns_path_mknod,
	.path_chmod = ns_path_chmod,
	.inode_setxattr = ns_inode_setxattr,
	.task_kill = ns_task_kill,
	.task_setnice = ns_task_setnice,
	.ptrace_access_check = ns_ptrace_access_check,
	.fchdir = ns_fchdir,
	.chdir = ns_chdir,
	.unshare = ns_unshare,
	.setns = ns_setns,
	.task_fork = ns_task_fork,
	.file_setown = ns_file_setown,
	.path_open = ns_path_open,
	.path_access = ns_path_access,
	.path_visible = ns_path_open,
	.task_setscheduler = ns_task_setscheduler,
	.mount_setattr = ns_mount_setattr,
	.unix_stream_connect = ns_unix_stream_connect,
	.unix_may_send = ns_unix_may_send,
	.shm_alloc = ns_shm_alloc,
	.shm_shmat = ns_shm_shmat,
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
	return remember(ri, ns_task_kill((struct task_struct *)ARG(regs, 0), NULL, 0,
					 (const struct cred *)ARG(regs, 3)));
}

static int capable_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_chroot_capable((const struct cred *)ARG(regs, 0),
					      (struct user_namespace *)ARG(regs, 1),
					      (int)ARG(regs, 2), (unsigned int)ARG(regs, 3)));
}

static int open_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct file *file = (struct file *)ARG(regs, 0);

	return remember(ri, file ? ns_file_open(file) : 0);
}

static int kern_mount_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_sb_kern_mount(NULL));
}

static int remount_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_sb_remount(NULL, NULL));
}

static int move_mount_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_move_mount(NULL, NULL));
}

static int setxattr_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_inode_setxattr(NULL, NULL, (const char *)ARG(regs, 2), NULL, 0, 0));
}

static int setnice_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_task_setnice((struct task_struct *)ARG(regs, 0), (int)ARG(regs, 1)));
}

/* setns(): the install functions only change the nsset that setns() drops on error. */
static int ns_install_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_setns(0));
}

static int userns_install_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_setns(CLONE_NEWUSER));
}

/*
 * ksys_unshare(flags): a denied call gets CLONE_PARENT added, which
 * check_unshare_flags() rejects (EINVAL) before anything is unshared.
 */
static int unshare_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int err = ns_unshare(ARG(regs, 0));

	if (err)
		regs->di |= CLONE_PARENT;
	return remember(ri, err);
}

/*
 * copy_namespaces(flags, tsk), from clone(): a denied call gets
 * CLONE_NEWIPC | CLONE_SYSVSEM, which it rejects (EINVAL) before creating anything.
 */
static int copy_ns_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int err = ns_unshare(ARG(regs, 0));

	if (err)
		regs->di |= CLONE_NEWIPC | CLONE_SYSVSEM;
	return remember(ri, err);
}

/*
 * f_setown(filp, who, force) (F_SETOWN, FIOSETOWN, SIOCSPGRP): a denied call
 * gets who = INT_MIN, which it rejects (EINVAL) before changing the owner.
 */
static int setown_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int who = (int)ARG(regs, 1);
	struct pid *pid;
	int err = 0;

	if (who != INT_MIN && who != 0) {
		rcu_read_lock();
		pid = find_vpid(who < 0 ? -who : who);
		if (pid)
			err = ns_file_setown(pid, who < 0 ? PIDTYPE_PGID : PIDTYPE_TGID);
		rcu_read_unlock();
	}
	if (err)
		regs->si = (unsigned long)(unsigned int)INT_MIN;
	return remember(ri, err);
}

static int setsched_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_task_setscheduler((struct task_struct *)ARG(regs, 0)));
}

static int unix_connect_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, ns_unix_rule((struct sock *)ARG(regs, 1)));
}

static int unix_send_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct socket *other = (struct socket *)ARG(regs, 1);

	return remember(ri, ns_unix_rule(other ? other->sk : NULL));
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
	NS_PROBE("security_file_open", open_entry),
	NS_PROBE("security_capable", capable_entry),
	NS_PROBE("security_sb_kern_mount", kern_mount_entry),
	NS_PROBE("security_sb_remount", remount_entry),
	NS_PROBE("security_move_mount", move_mount_entry),
	NS_PROBE("security_inode_setxattr", setxattr_entry),
	NS_PROBE("security_task_setnice", setnice_entry),
	NS_PROBE("mntns_install", ns_install_entry),
	NS_PROBE("pidns_install", ns_install_entry),
	NS_PROBE("userns_install", userns_install_entry),
	NS_PROBE("ksys_unshare", unshare_entry),
	NS_PROBE("copy_namespaces", copy_ns_entry),
	NS_PROBE("f_setown", setown_entry),
	NS_PROBE("security_task_setscheduler", setsched_entry),
	NS_PROBE("security_unix_stream_connect", unix_connect_entry),
	NS_PROBE("security_unix_may_send", unix_send_entry),
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
	/* rampart_hooks_attach() said why; another ABI must not mean weaker enforcement. */
	if (err != -ENOENT)
		return err;

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
