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
#include <linux/pid_types.h>
#include <linux/security.h>
#include <linux/uidgid_types.h>

/* BEGIN copy of include/linux/rampart_hooks.h */
#define RAMPART_HOOKS_ABI 9

/*
 * Per-task and per-IPC-object state the hook layer keeps for modules, as LSM
 * security blobs: zeroed when the object is created; a new task starts with a
 * copy of its parent's task bytes. Each module owns a fixed range. A task's
 * bytes are written only by the task itself, so they need no lock (modules
 * use READ_ONCE()/WRITE_ONCE() on whole words).
 */
#define RAMPART_TASK_BLOB_SIZE 96
#define RAMPART_TASK_BLOB_RBAC 0	/* 64 bytes: rampart_rbac's subject */
#define RAMPART_TASK_BLOB_WX 64		/* 32 bytes: rampart_wx's exceptions */
#define RAMPART_IPC_BLOB_SIZE 16
#define RAMPART_IPC_BLOB_NS 0		/* 16 bytes: rampart_ns's creator root */

/* What an @exec_stack handler may return besides 0 and a negative errno. */
#define RAMPART_EXEC_STACK_STRIP 1

struct cred;
struct dentry;
struct file;
struct kern_ipc_perm;
struct kernel_siginfo;
struct linux_binprm;
struct mnt_idmap;
struct path;
struct pid;
struct sock;
struct socket;
struct super_block;
struct task_struct;
struct user_namespace;
struct vm_area_struct;

/**
 * struct rampart_hook_ops - one module's handlers; NULL handlers are skipped.
 * Each returns 0 or a negative errno; the first error wins.
 * @abi: must be RAMPART_HOOKS_ABI.
 * @name: shown in registration messages.
 * @file_open: security_file_open().
 * @locked_down: security_locked_down().
 * @userns_create: security_create_user_ns(), for every new user namespace.
 * @path_chroot: security_path_chroot().
 * @sb_mount: security_sb_mount().
 * @sb_pivotroot: security_sb_pivotroot().
 * @path_mknod: security_path_mknod().
 * @path_chmod: security_path_chmod().
 * @task_kill: security_task_kill().
 * @ptrace_access_check: security_ptrace_access_check(), under the child's task
 *	lock: must not sleep.
 * @bprm_check: security_bprm_check().
 * @fchdir: fchdir(2) to an open directory (a rampart hook point, not an LSM hook).
 * @path_mkdir: security_path_mkdir().
 * @path_symlink: security_path_symlink().
 * @path_unlink: security_path_unlink().
 * @path_rmdir: security_path_rmdir().
 * @path_rename: security_path_rename().
 * @path_link: security_path_link().
 * @path_truncate: security_path_truncate().
 * @inode_getattr: security_inode_getattr() (stat and friends).
 * @capable: security_capable(); called in atomic context too.
 * @file_receive: security_file_receive() (a descriptor passed over a socket).
 * @sb_kern_mount: security_sb_kern_mount() (a new superblock is mounted: mount(2),
 *	fsconfig(FSCONFIG_CMD_CREATE)).
 * @sb_remount: security_sb_remount().
 * @move_mount: security_move_mount() (attaching a detached or moved mount).
 * @inode_setxattr: security_inode_setxattr().
 * @task_setnice: security_task_setnice().
 * @bprm_creds_from_file: security_bprm_creds_from_file(), after the capability
 *	module computed the new credentials (bprm->secureexec says whether the exec
 *	raises privilege: setuid, setgid or file capabilities).
 * @file_truncate: security_file_truncate() (ftruncate, and open with O_TRUNC).
 * @file_fcntl: security_file_fcntl().
 * @mmap_file: security_mmap_file(), for executable mappings and shared writable
 *	file mappings only (the others are not asked about).
 * @file_mprotect: security_file_mprotect(), for changes that make memory
 *	executable, executable memory writable, or a shared file mapping writable
 *	only.
 * @shm_shmat: security_shm_shmat().
 * @file_fallocate: vfs_fallocate() with its mode, after the kernel's own checks
 *	(a hook point: anything but plain preallocation changes existing data).
 * @chdir: chdir(2) to a looked-up directory (a hook point, like @fchdir).
 * @unshare: unshare(2) with its flags, before anything is unshared (a hook point).
 * @setns: setns(2), with the CLONE_NEW* types about to be joined (resolved from
 *	the namespace file, or the pidfd's flags), before any is joined (a hook point).
 * @file_setown: F_SETOWN, F_SETOWN_EX, FIOSETOWN and SIOCSPGRP naming @pid of
 *	@type as the receiver of a file's signals, under rcu_read_lock() (a hook point).
 * @task_fork: kernel_clone(), in the parent before the child is created, in
 *	process context. Returns 0, a negative errno (the fork fails), or a
 *	positive number of milliseconds the parent waits (killably) before the
 *	child is created; the hook layer waits, outside the read-side section,
 *	for the longest one asked, and every wait ends when a module
 *	unregisters. A hook point, not an LSM hook.
 * @bprm_committing_creds: security_bprm_committing_creds(): the new program is
 *	chosen and its descriptors are about to be inherited (the return value is
 *	ignored).
 * @task_crash: a task is about to die of a core-dumping signal (get_signal(),
 *	before the core dump); the return value is ignored. A hook point.
 * @path_chown: security_path_chown().
 * @unix_stream_connect: security_unix_stream_connect() (connect(2) to a
 *	listening stream or seqpacket unix socket @other).
 * @unix_may_send: security_unix_may_send() (a datagram to unix socket @other).
 * @shm_alloc: security_shm_alloc() (a new System V shared memory segment, in
 *	its creator's context; its IPC blob is zeroed).
 * @task_prctl: security_task_prctl(): returns -ENOSYS for an option that is not
 *	the handler's, else the prctl(2) result.
 * @bprm_committed_creds: security_bprm_committed_creds(): the new program's
 *	credentials are current's (the return value is ignored).
 * @path_open: open(2) with O_PATH, after the lookup (a hook point: such opens
 *	reach no @file_open).
 * @path_access: access(2) and faccessat(2), after the lookup (a hook point).
 * @filldir: one directory entry about to be returned by getdents(2),
 *	getdents64(2) or readdir(2) from @dir: non-zero hides it (a hook point;
 *	called with @dir's inode lock held shared).
 * @exec_stack: an ELF program about to be run, before the point of no return,
 *	with its stack's EXSTACK_* request (PT_GNU_STACK) and the personality it
 *	will run with (READ_IMPLIES_EXEC): 0 as asked, RAMPART_EXEC_STACK_STRIP to
 *	run it with a non-executable stack, or a negative errno (the exec fails). A
 *	hook point.
 * @task_setscheduler: security_task_setscheduler() (sched_setscheduler(2),
 *	sched_setattr(2), and the kernel's own changes of @p's policy or priority).
 * @ptrace_traceme: security_ptrace_traceme() (current asks @parent to trace it),
 *	with tasklist_lock held: must not sleep.
 * @mount_setattr: mount_setattr(2) on @path, with the attributes to set and
 *	clear, before anything changes (a hook point: the kernel has no LSM hook).
 * @personality_change: personality(2) to @persona, before it is set (a hook point).
 * @file_permission: security_file_permission(), for writes (@mask has
 *	MAY_WRITE) to files something maps (mapping_mapped()) only: write(2) and its
 *	vectored, positioned, spliced, copied, fallocate, aio and io_uring forms.
 * @path_visible: a system call resolved @path to an existing object and is about
 *	to tell something of it, if only that it exists: name_to_handle_at(2),
 *	the path forms of getxattr/listxattr/setxattr/removexattr, utimensat(2), and
 *	creating a name that exists (EEXIST from mkdir, mknod, symlink, link,
 *	open with O_CREAT|O_EXCL, rename with RENAME_NOREPLACE); its
 *	error is returned instead (a hook point).
 * @write_noappend: a write with RWF_NOAPPEND to a file opened with O_APPEND
 *	(pwritev2(2), aio, io_uring), which would write at its own offset instead
 *	of the end: 0 lets it, a negative errno refuses it (a hook point).
 * @force_write: a forced write (FOLL_FORCE: ptrace's PTRACE_POKETEXT and
 *	PTRACE_POKEDATA, writes to /proc/PID/mem where they may force) into
 *	@vma, an executable mapping that is not writable, of another or the same
 *	process, with its mm's mmap_lock held: non-zero refuses it (EFAULT to the
 *	kernel, EIO from ptrace). A hook point.
 * @task_blob_offset: set by rampart_register_hooks(): where the rampart bytes
 *	start in task->security.
 * @ipc_blob_offset: likewise in kern_ipc_perm->security.
 * @node: owned by the hook layer.
 */
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
	int (*path_mkdir)(const struct path *dir, struct dentry *dentry, umode_t mode);
	int (*path_symlink)(const struct path *dir, struct dentry *dentry, const char *old_name);
	int (*path_unlink)(const struct path *dir, struct dentry *dentry);
	int (*path_rmdir)(const struct path *dir, struct dentry *dentry);
	int (*path_rename)(const struct path *old_dir, struct dentry *old_dentry,
			   const struct path *new_dir, struct dentry *new_dentry,
			   unsigned int flags);
	int (*path_link)(struct dentry *old_dentry, const struct path *new_dir,
			 struct dentry *new_dentry);
	int (*path_truncate)(const struct path *path);
	int (*inode_getattr)(const struct path *path);
	int (*capable)(const struct cred *cred, struct user_namespace *ns, int cap,
		       unsigned int opts);
	int (*file_receive)(struct file *file);
	int (*sb_kern_mount)(const struct super_block *sb);
	int (*sb_remount)(struct super_block *sb, void *mnt_opts);
	int (*move_mount)(const struct path *from_path, const struct path *to_path);
	int (*inode_setxattr)(struct mnt_idmap *idmap, struct dentry *dentry,
			      const char *name, const void *value, size_t size, int flags);
	int (*task_setnice)(struct task_struct *p, int nice);
	int (*bprm_creds_from_file)(struct linux_binprm *bprm, const struct file *file);
	int (*file_truncate)(struct file *file);
	int (*file_fcntl)(struct file *file, unsigned int cmd, unsigned long arg);
	int (*mmap_file)(struct file *file, unsigned long reqprot, unsigned long prot,
			 unsigned long flags);
	int (*file_mprotect)(struct vm_area_struct *vma, unsigned long reqprot,
			     unsigned long prot);
	int (*shm_shmat)(struct kern_ipc_perm *perm, char __user *shmaddr, int shmflg);
	int (*bprm_committing_creds)(const struct linux_binprm *bprm);
	int (*file_fallocate)(struct file *file, int mode);
	int (*chdir)(const struct path *path);
	int (*unshare)(unsigned long flags);
	int (*setns)(int nstypes);
	int (*file_setown)(struct pid *pid, enum pid_type type);
	int (*path_chown)(const struct path *path, kuid_t uid, kgid_t gid);
	int (*unix_stream_connect)(struct sock *sock, struct sock *other, struct sock *newsk);
	int (*unix_may_send)(struct socket *sock, struct socket *other);
	int (*shm_alloc)(struct kern_ipc_perm *perm);
	int (*task_prctl)(int option, unsigned long arg2, unsigned long arg3,
			  unsigned long arg4, unsigned long arg5);
	int (*bprm_committed_creds)(const struct linux_binprm *bprm);
	int (*path_open)(const struct path *path);
	int (*path_access)(const struct path *path, int mode);
	int (*filldir)(struct file *dir, const char *name, int namlen, u64 ino,
		       unsigned int d_type);
	int (*exec_stack)(const struct linux_binprm *bprm, int executable_stack,
			  unsigned int personality);
	int (*task_setscheduler)(struct task_struct *p);
	int (*ptrace_traceme)(struct task_struct *parent);
	int (*mount_setattr)(const struct path *path, unsigned int attr_set, unsigned int attr_clr);
	int (*personality_change)(unsigned int persona);
	int (*file_permission)(struct file *file, int mask);
	int (*write_noappend)(struct file *file);
	int (*path_visible)(const struct path *path);
	int (*force_write)(struct vm_area_struct *vma);
	unsigned int task_blob_offset;
	unsigned int ipc_blob_offset;
	struct list_head node;
};

int rampart_register_hooks(struct rampart_hook_ops *ops);
/*
 * For @bprm_committing_creds handlers: puts @file at current's descriptor @fd,
 * closing what was there (a refused inherited descriptor becomes /dev/null, so
 * the number is not reused by the program's next open).
 */
int rampart_replace_fd(unsigned int fd, struct file *file);
struct address_space;
/*
 * Whether any process maps pages of @mapping executable right now (a VM_EXEC
 * mapping in its i_mmap tree). Takes i_mmap_rwsem for reading, so it may sleep;
 * callers may hold an mm's mmap_lock (the kernel's lock order).
 */
bool rampart_mapped_executable(struct address_space *mapping);
void rampart_unregister_hooks(struct rampart_hook_ops *ops);
/* END copy */
#endif

#endif /* RAMPART_HOOKS_API_H */
