// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_rbac hooks. Each one names an object (a file, a name being created or
 * removed, or a capability) and the access asked for, finds current's subject
 * (subject.c), walks the object up towards the root until a rule of the subject
 * matches (walk.c), and lets the policy decide (Rust). Denials return -EACCES
 * (-ENOENT for hidden objects, -EPERM for capabilities); learning and audit
 * allow and report.
 *
 * lsm mode: file_open, file_receive, bprm_check, path_mknod/mkdir/symlink
 * (create), path_unlink/rmdir (delete), path_rename (delete + create; renaming
 * over a file deletes it too; RENAME_EXCHANGE deletes and creates both),
 * path_link (create, and no more rights than the source has), path_truncate and
 * file_truncate (write: truncate, ftruncate, open with O_TRUNC), file_fcntl
 * (write: clearing O_APPEND), write_noappend (write: RWF_NOAPPEND writes
 * through an O_APPEND descriptor), file_fallocate (write: punching holes and the
 * other range operations), mmap_file and file_mprotect (PROT_EXEC file
 * mappings need x), bprm_committing_creds (inherited descriptors revalidated at
 * exec), bprm_committed_creds (the subject is decided at exec and kept with the
 * task), inode_getattr, path_open (O_PATH), path_access, chdir and path_visible
 * (name_to_handle_at, xattrs by path, utimensat, EEXIST: hidden), filldir
 * (hidden entries are left out of listings), path_chmod and path_chown (w; m
 * too to make a file setuid or setgid, as creating one does in path_mknod) and
 * capable. Those called in process context may sleep, so their walks cross mount
 * points.
 * Checks take fast paths: an allow this task was given before (verdict.c), then
 * an allow from the cached subject and the cached walk (subject.c, objcache.c).
 *
 * fallback mode (no hook layer): kretprobes on security_file_open(),
 * security_bprm_check(), security_file_truncate(), security_file_fcntl(),
 * vfs_fallocate(), security_mmap_file(), security_file_mprotect(),
 * security_path_chmod() and security_path_chown(), whose handlers cannot
 * sleep: walks stay on the file's own filesystem. docs/hook-modes.md lists what
 * each mode covers.
 */
#define pr_fmt(fmt) "rampart_rbac: " fmt

#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/falloc.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uidgid.h>

#include <rampart/core.h>
#include <rampart/hooks_api.h>
#include "shim.h"
#include "verdict.h"

static int hook_mode;

static const char *const rbac_cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

static void access_letters(u32 access, char *out)
{
	static const char letters[] = "rwacdxhAm";
	int i, n = 0;

	for (i = 0; i < sizeof(letters) - 1; i++)
		if (access & (1u << i))
			out[n++] = letters[i];
	out[n] = '\0';
}

/*
 * Emits the event for a decision that needs one; @object: a path (mnt/dentry) or
 * @name. Out of line: its buffers are set up only when there is something to say.
 */
static noinline __cold void rbac_emit(const struct rbac_query *q, struct vfsmount *mnt,
				      struct dentry *dentry, const char *name, bool may_sleep)
{
	enum rampart_decision decision;
	struct rampart_subject s;
	char reason[256], letters[10];
	char *buf = NULL;
	const char *object = name;
	const char *subject = q->subject_path ? q->subject_path : "?";

	switch (q->outcome) {
	case RBAC_LEARN:
		decision = RAMPART_LEARN;
		break;
	case RBAC_WOULD_DENY:
		decision = RAMPART_AUDIT;
		break;
	case RBAC_DENY:
	case RBAC_HIDE:
		decision = RAMPART_DENY;
		break;
	case RBAC_ALLOW_AUDITED:
		decision = RAMPART_ALLOW;
		break;
	default:
		return;
	}
	if (!object) {
		struct path p = { .mnt = mnt, .dentry = dentry };

		object = "?";
		buf = kmalloc(PATH_MAX, may_sleep ? GFP_KERNEL : GFP_ATOMIC);
		if (buf) {
			char *path = d_path(&p, buf, PATH_MAX);

			if (!IS_ERR(path)) {
				size_t len = strlen(path);

				/* A name being created is not yet hashed: d_path calls it deleted. */
				if (d_really_is_negative(dentry) && len > 10 &&
				    !strcmp(path + len - 10, " (deleted)"))
					path[len - 10] = '\0';
				object = path;
			}
		}
	}
	if (q->is_cap)
		scnprintf(reason, sizeof(reason), "subject=%s capability", subject);
	else {
		access_letters(q->access, letters);
		scnprintf(reason, sizeof(reason), "subject=%s access=%s%s", subject, letters,
			  q->outcome == RBAC_HIDE ? " hidden" : "");
	}
	rampart_subject_fill(&s, current);
	rampart_event_emit(&s, "rbac", decision, object, reason);
	kfree(buf);
}

/* Reports a decision if it needs an event (plain allows do not). */
static inline void rbac_report(const struct rbac_query *q, struct vfsmount *mnt,
			       struct dentry *dentry, const char *name, bool may_sleep)
{
	if (q->outcome != RBAC_ALLOW)
		rbac_emit(q, mnt, dentry, name, may_sleep);
}

/* Kernel threads have no executable and no subject: never restricted. */
static bool rbac_user_task(void)
{
	return current->mm && !(current->flags & PF_KTHREAD);
}

void rbac_fill_ids(struct rbac_query *q)
{
	const struct cred *cred = current_cred();

	q->uid = uid_valid(cred->uid) ? __kuid_val(cred->uid) : overflowuid;
	q->gid = gid_valid(cred->gid) ? __kgid_val(cred->gid) : overflowgid;
}

/*
 * The common case, without references, copies or walks: current's subject and
 * the object's walk are both cached and the answer in @mode is a plain allow,
 * which is then remembered for this task (verdict.c). Anything else (a miss, a
 * denial, something to report) is left to rbac_check_slow().
 */
static noinline bool rbac_fast_allow(struct vfsmount *mnt, struct dentry *dentry, u32 access, u8 mode,
			    bool may_sleep)
{
	struct rbac_query q = { .access = access, .subject.index = RBAC_NO_SUBJECT };
	unsigned int seq;
	bool allow = false;

	rbac_fill_ids(&q);
	rcu_read_lock();
	rbac_policy_peek(&q.policy);
	if (!q.policy.bytes) {
		allow = rampart_rbac_allows(&q, mode);
	} else if (rbac_cached_subject(&q, may_sleep)) {
		if (q.subject.index == RBAC_NO_SUBJECT) {
			allow = rampart_rbac_allows(&q, mode);
		} else if (rbac_object_cached(&q, mnt, dentry, &seq)) {
			allow = rampart_rbac_allows(&q, mode);
			if (allow)
				rbac_verdict_remember(&q, mnt, dentry, seq, mode);
		}
	}
	rcu_read_unlock();
	return allow;
}

/*
 * Decides @access on the object at (@mnt, @dentry) for current's subject, walking
 * what the caches do not know. Hooks that may sleep hold a reference to the policy
 * (their walks cross mount points); the others read it under rcu_read_lock.
 */
static noinline int rbac_check_slow(struct vfsmount *mnt, struct dentry *dentry, u32 access,
				    bool may_sleep)
{
	char subject_path[RBAC_SUBJECT_PATH_MAX];
	struct rbac_query q = {
		.access = access,
		.subject.index = RBAC_NO_SUBJECT,
		.subject_path = subject_path,
	};
	struct rbac_policy *policy = NULL;
	unsigned int seq;

	subject_path[0] = '\0';
	rbac_fill_ids(&q);
	if (may_sleep) {
		policy = rbac_policy_get();
		if (policy)
			rbac_policy_view(policy, &q.policy);
	} else {
		rcu_read_lock();
		rbac_policy_peek(&q.policy);
	}
	if (q.policy.bytes && rbac_find_subject(&q, may_sleep) && rampart_rbac_begin_objects(&q) &&
	    !rbac_object_cached(&q, mnt, dentry, &seq)) {
		rbac_walk(&q, mnt, dentry, may_sleep);
		rbac_object_remember(&q, mnt, dentry, seq);
	}
	rampart_rbac_decide(&q);
	if (may_sleep)
		rbac_policy_put(policy);
	else
		rcu_read_unlock();
	rbac_report(&q, mnt, dentry, NULL, may_sleep);
	if (q.outcome == RBAC_DENY)
		return -EACCES;
	if (q.outcome == RBAC_HIDE)
		return -ENOENT;
	return 0;
}

/*
 * Running or mapping executable a file no policy path can name (a memfd, or
 * another file on a kernel-internal mount): decided as if it were at the root,
 * by the subject's `/` rule, so a subject without x there cannot escape its
 * rules by running a copy of a program from memory.
 */
static noinline int rbac_check_internal_exec(void)
{
	char subject_path[RBAC_SUBJECT_PATH_MAX];
	struct rbac_query q = {
		.access = RBAC_EXEC,
		.subject.index = RBAC_NO_SUBJECT,
		.subject_path = subject_path,
	};
	struct rbac_policy *policy = rbac_policy_get();

	subject_path[0] = '\0';
	rbac_fill_ids(&q);
	if (policy)
		rbac_policy_view(policy, &q.policy);
	if (q.policy.bytes && rbac_find_subject(&q, true))
		rampart_rbac_begin_objects(&q);
	/* No walk: matched 0 and complete 0 make the subject's `/` rule decide. */
	rampart_rbac_decide(&q);
	rbac_policy_put(policy);
	rbac_report(&q, NULL, NULL, "(memory file)", true);
	return q.outcome == RBAC_DENY ? -EACCES : 0;
}

/* Inline in every hook: the common case is the mode check and one verdict lookup. */
static __always_inline int rbac_check(struct vfsmount *mnt, struct dentry *dentry, u32 access,
				      bool may_sleep)
{
	u8 mode = READ_ONCE(rampart_rbac_mode);

	/* Verdicts are only ever stored for user tasks: a task with an mm is enough here. */
	if (!mode || !current->mm)
		return 0;
	/*
	 * Kernel-internal mounts (pidfds, pipes, sockets, anonymous inodes, memfds)
	 * hold no file a policy path can name: not RBAC objects, except that running
	 * one is judged by the subject's `/` rule.
	 */
	if (mnt->mnt_flags & MNT_INTERNAL)
		return (access & RBAC_EXEC) && may_sleep && rbac_user_task() ? rbac_check_internal_exec() : 0;
	if (rbac_verdict_allows(mnt, dentry, access, mode))
		return 0;
	if (!rbac_user_task())
		return 0;
	if (rbac_fast_allow(mnt, dentry, access, mode, may_sleep))
		return 0;
	return rbac_check_slow(mnt, dentry, access, may_sleep);
}

static u32 file_access(const struct file *file)
{
	u32 access = 0;

	if (file->f_mode & FMODE_READ)
		access |= RBAC_READ;
	if (file->f_mode & FMODE_WRITE)
		access |= (file->f_flags & O_APPEND) ? RBAC_APPEND : RBAC_WRITE;
	return access;
}

static int rbac_file_open(struct file *file)
{
	u32 access = file_access(file);

	/* Opens for exec are decided by bprm_check. */
	if (!access || (file->f_flags & __FMODE_EXEC))
		return 0;
	return rbac_check(file->f_path.mnt, file->f_path.dentry, access, true);
}

static int rbac_file_receive(struct file *file)
{
	u32 access = file_access(file);

	return access ? rbac_check(file->f_path.mnt, file->f_path.dentry, access, true) : 0;
}

/* Subject bit past the capabilities: tracing another subject's tasks (rbac.rs). */
#define RBAC_CAP_PTRACE_OTHER 63
#define RBAC_PTRACE_OBJECT "ptrace"

/*
 * Decides tracing a task of another subject, asked of the tracer's subject in @q
 * (its `ptrace` option) like a capability; the caller keeps q's policy alive and
 * reports after dropping its locks.
 */
static void rbac_ptrace_decide(struct rbac_query *q, char *subject_path)
{
	q->subject_path = subject_path;
	rampart_rbac_decide(q);
}

static int rbac_ptrace_report(struct rbac_query *q)
{
	rbac_report(q, NULL, NULL, RBAC_PTRACE_OBJECT, false);
	q->subject_path = NULL;
	return q->outcome == RBAC_DENY ? -EPERM : 0;
}

/*
 * As in grsecurity's RBAC: a subject traces only its own subject's tasks unless it
 * has the `ptrace` option (a debugger's). Attaching (PTRACE_MODE_ATTACH: ptrace
 * attach, /proc/<pid>/mem, process_vm_writev, pidfd_getfd) is asked; reading
 * (/proc/<pid>/maps and the like) is not. A task whose subject is not known for the
 * current policy (it started before it) counts as another subject's. Called under
 * the child's task lock: nothing here sleeps.
 */
static int rbac_ptrace_access_check(struct task_struct *child, unsigned int mode)
{
	char subject_path[RBAC_SUBJECT_PATH_MAX] = "";
	struct rbac_query q = { .is_cap = 1, .access = RBAC_CAP_PTRACE_OTHER,
				.subject.index = RBAC_NO_SUBJECT };
	struct rbac_subject_info other;
	u8 rbac_mode = READ_ONCE(rampart_rbac_mode);

	if (!(mode & PTRACE_MODE_ATTACH) || !rbac_mode || !rbac_user_task() || child == current)
		return 0;
	rbac_fill_ids(&q);
	rcu_read_lock();
	rbac_policy_peek(&q.policy);
	if (q.policy.bytes && !rbac_cached_subject(&q, false))
		rbac_find_subject(&q, false);
	if ((rbac_task_subject_of(child, q.policy.gen, &other) && other.index == q.subject.index) ||
	    rampart_rbac_allows(&q, rbac_mode)) {
		rcu_read_unlock();
		return 0;
	}
	rbac_ptrace_decide(&q, subject_path);
	rcu_read_unlock();
	return rbac_ptrace_report(&q);
}

/*
 * A traced task executing a program of another subject than its tracer's would
 * run that program with its rights under the tracer's control (PTRACE_TRACEME, or
 * an attach before exec): unless the tracer's subject has `ptrace`, the exec is
 * refused, as SELinux refuses such a transition. Asked of the tracer's subject; a
 * tracer whose subject is not known for the policy (it started before it) counts
 * as one without `ptrace`, and the subject being entered is reported.
 *
 * The same holds for an exec while a task outside the thread group shares
 * current's root, working directory and umask (CLONE_FS: LSM_UNSAFE_SHARE): those
 * tasks stay in the old subject and keep steering where the new program's
 * names resolve, so the old subject needs `ptrace` too.
 */
static int rbac_controlled_exec(struct linux_binprm *bprm, bool by_tracer)
{
	char subject_path[RBAC_SUBJECT_PATH_MAX] = "";
	struct rbac_query q = { .is_cap = 1, .access = RBAC_CAP_PTRACE_OTHER,
				.subject.index = RBAC_NO_SUBJECT };
	struct rbac_subject_info tracer_subject;
	struct rbac_policy *policy;
	struct task_struct *tracer;
	u8 rbac_mode = READ_ONCE(rampart_rbac_mode);
	bool known = false, allowed = true;

	if (!(bprm->unsafe & (by_tracer ? LSM_UNSAFE_PTRACE : LSM_UNSAFE_SHARE)) || !rbac_mode ||
	    !rbac_user_task())
		return 0;
	policy = rbac_policy_get();
	if (!policy)
		return 0;
	rbac_fill_ids(&q);
	rbac_policy_view(policy, &q.policy);
	rbac_subject_for_exec(&q, bprm->file);
	rcu_read_lock();
	/* Sharers of the fs_struct have current's subject from before the exec. */
	tracer = by_tracer ? ptrace_parent(current) : current;
	if (tracer)
		known = rbac_task_subject_of(tracer, q.policy.gen, &tracer_subject);
	rcu_read_unlock();
	if (tracer && q.subject.index != RBAC_NO_SUBJECT &&
	    !(known && tracer_subject.index == q.subject.index)) {
		if (known)
			q.subject = tracer_subject;
		else
			q.subject.caps = 0;
		allowed = rampart_rbac_allows(&q, rbac_mode);
		if (!allowed)
			rbac_ptrace_decide(&q, subject_path);
	}
	rbac_policy_put(policy);
	return allowed ? 0 : rbac_ptrace_report(&q);
}

static int rbac_bprm_check(struct linux_binprm *bprm)
{
	int err = rbac_check(bprm->file->f_path.mnt, bprm->file->f_path.dentry, RBAC_EXEC, true);

	/* A traced exec that also shares its fs_struct is asked both ways. */
	return err ?: rbac_controlled_exec(bprm, true) ?: rbac_controlled_exec(bprm, false);
}

/*
 * As in grsecurity's RBAC: changing a file's mode or owner needs w, and making it
 * setuid or setgid (a setgid bit without group execute is mandatory locking, not
 * privilege) needs m as well.
 */
static u32 mode_access(umode_t mode)
{
	return (mode & S_ISUID) || (mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) ? RBAC_META : 0;
}

static int rbac_create(const struct path *dir, struct dentry *dentry)
{
	return rbac_check(dir->mnt, dentry, RBAC_CREATE, true);
}

/* Also open(O_CREAT): a file created setuid or setgid needs m. */
static int rbac_path_mknod(const struct path *dir, struct dentry *dentry, umode_t mode,
			   unsigned int dev)
{
	return rbac_check(dir->mnt, dentry, RBAC_CREATE | mode_access(mode), true);
}

static int rbac_path_mkdir(const struct path *dir, struct dentry *dentry, umode_t mode)
{
	return rbac_create(dir, dentry);
}

static int rbac_path_symlink(const struct path *dir, struct dentry *dentry, const char *old)
{
	return rbac_create(dir, dentry);
}

static int rbac_delete(const struct path *dir, struct dentry *dentry)
{
	return rbac_check(dir->mnt, dentry, RBAC_DELETE, true);
}

static int rbac_path_unlink(const struct path *dir, struct dentry *dentry)
{
	return rbac_delete(dir, dentry);
}

static int rbac_path_rmdir(const struct path *dir, struct dentry *dentry)
{
	return rbac_delete(dir, dentry);
}

/*
 * A rename deletes the old name and creates the new one; renaming over an
 * existing file also deletes that file, and RENAME_EXCHANGE moves each file to
 * the other's name, so both names are deleted and both created.
 */
/* The rights a link or a move could widen (hidden and audit are the source's business). */
#define RBAC_LINKED_RIGHTS (RBAC_READ | RBAC_WRITE | RBAC_APPEND | RBAC_CREATE | RBAC_DELETE | RBAC_EXEC)

static bool rbac_granted(struct vfsmount *mnt, struct dentry *dentry, u32 *granted);

/*
 * A new name (a hard link, or a move by current's own subject) must not give the
 * file rights it lacks where it is: an append-only log renamed into a writable
 * directory, rewritten and renamed back. The rights the new name has and the old
 * one lacks are asked of the file where it is. Links and renames never cross
 * mounts (EXDEV), so both names are on @mnt.
 */
static int rbac_name_widens(struct vfsmount *mnt, struct dentry *from, struct dentry *to)
{
	u32 before, after;

	if (!rbac_granted(mnt, from, &before) || !rbac_granted(mnt, to, &after))
		return 0;
	if (!((after & ~before) & RBAC_LINKED_RIGHTS))
		return 0;
	return rbac_check(mnt, from, after & RBAC_LINKED_RIGHTS, true);
}

static int rbac_path_rename(const struct path *old_dir, struct dentry *old_dentry,
			    const struct path *new_dir, struct dentry *new_dentry,
			    unsigned int flags)
{
	int err = rbac_delete(old_dir, old_dentry) ?: rbac_create(new_dir, new_dentry);

	if (!err && READ_ONCE(rampart_rbac_mode) && current->mm)
		err = rbac_name_widens(old_dir->mnt, old_dentry, new_dentry);
	if (err || d_really_is_negative(new_dentry))
		return err;
	err = rbac_delete(new_dir, new_dentry);
	if (err || !(flags & RENAME_EXCHANGE))
		return err;
	err = rbac_create(old_dir, old_dentry);
	return err ?: rbac_name_widens(new_dir->mnt, new_dentry, old_dentry);
}

/*
 * What current's subject may do to the object at (@mnt, @dentry), asked without
 * counting or reporting anything; false when no policy or subject applies.
 * Process context (the walk crosses mount points).
 */
static bool rbac_granted(struct vfsmount *mnt, struct dentry *dentry, u32 *granted)
{
	struct rbac_query q = {
		.access = 0,
		.subject.index = RBAC_NO_SUBJECT,
	};
	struct rbac_policy *policy;
	bool found = false;
	unsigned int seq;

	rbac_fill_ids(&q);
	policy = rbac_policy_get();
	if (!policy)
		return false;
	rbac_policy_view(policy, &q.policy);
	if (q.policy.bytes && rbac_find_subject(&q, true) && rampart_rbac_begin_objects(&q)) {
		if (!rbac_object_cached(&q, mnt, dentry, &seq))
			rbac_walk(&q, mnt, dentry, true);
		rampart_rbac_allows(&q, READ_ONCE(rampart_rbac_mode));
		*granted = q.granted;
		found = true;
	}
	rbac_policy_put(policy);
	return found;
}


/* What q's subject (already selected) may do to (@mnt, @dentry), by a fresh walk. */
static u32 rbac_walk_granted(struct rbac_query *q, struct vfsmount *mnt, struct dentry *dentry)
{
	q->access = 0;
	q->granted = 0;
	if (!rampart_rbac_begin_objects(q))
		return 0;
	rbac_walk(q, mnt, dentry, true);
	rampart_rbac_allows(q, RBAC_MODE_ENFORCE);
	return q->granted;
}

/*
 * A link made by anyone (an admin, a backup, an unconfined program) must not
 * give any subject of the policy more than the file has where it is: asked for
 * every subject, and refused (reported with the subject it would have opened
 * the file to) as the subject's own link would be. Process context, with the new
 * directory locked; one pair of walks per subject.
 */
static int rbac_link_widens(struct vfsmount *mnt, struct dentry *old_dentry,
			    struct dentry *new_dentry)
{
	char subject_path[RBAC_SUBJECT_PATH_MAX] = "";
	struct rbac_query q = { .subject.index = RBAC_NO_SUBJECT, .subject_path = subject_path };
	struct rbac_policy *policy = rbac_policy_get();
	bool refused = false;
	u32 i;

	if (!policy)
		return 0;
	rbac_fill_ids(&q);
	rbac_policy_view(policy, &q.policy);
	/* Every subject: one that is learning (or audit mode) is reported, not the last word. */
	for (i = 0; !refused && q.policy.bytes && rampart_rbac_select_subject(&q, i); i++) {
		u32 before = rbac_walk_granted(&q, mnt, old_dentry);
		u32 after = rbac_walk_granted(&q, mnt, new_dentry);
		u32 widened = (after & ~before) & RBAC_LINKED_RIGHTS;

		if (widened) {
			rbac_walk_granted(&q, mnt, old_dentry);
			q.access = widened;
			rampart_rbac_decide(&q);
			rbac_report(&q, mnt, old_dentry, NULL, true);
			refused = q.outcome == RBAC_DENY;
		}
		cond_resched();
	}
	rbac_policy_put(policy);
	return refused ? -EACCES : 0;
}

/*
 * A hard link creates a name, and must not grant more than the file has where
 * it is (grsecurity's rule): a file without a rule of its own, linked out of a
 * denied directory into a permissive one, would otherwise take the permissive
 * directory's rules. Current's own subject is asked first (its report names
 * the rights it lacks), then every other subject, whoever makes the link.
 */
static int rbac_path_link(struct dentry *old_dentry, const struct path *new_dir,
			  struct dentry *new_dentry)
{
	int err = rbac_create(new_dir, new_dentry);

	if (err || !READ_ONCE(rampart_rbac_mode) || !current->mm)
		return err;
	return rbac_name_widens(new_dir->mnt, old_dentry, new_dentry) ?:
	       rbac_link_widens(new_dir->mnt, old_dentry, new_dentry);
}

static int rbac_path_truncate(const struct path *path)
{
	return rbac_check(path->mnt, path->dentry, RBAC_WRITE, true);
}

/* ftruncate(2), and open(O_TRUNC) (an append-only O_TRUNC|O_APPEND open too). */
static int rbac_file_truncate(struct file *file)
{
	return rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_WRITE, true);
}

/*
 * fallocate(): anything but plain preallocation (punching, zeroing, collapsing
 * or inserting ranges) changes what is in the file, so it needs w, as the
 * kernel itself refuses it on append-only inodes.
 */
static int rbac_file_fallocate(struct file *file, int mode)
{
	if (!(mode & ~FALLOC_FL_KEEP_SIZE))
		return 0;
	return rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_WRITE, true);
}

/*
 * Clearing O_APPEND with F_SETFL turns an append-only descriptor into one that
 * writes anywhere (pwrite): that needs the write right.
 */
static int rbac_file_fcntl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (cmd != F_SETFL || !(file->f_mode & FMODE_WRITE) || !(file->f_flags & O_APPEND) ||
	    (arg & O_APPEND))
		return 0;
	return rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_WRITE, true);
}

/*
 * A write with RWF_NOAPPEND (pwritev2, aio, io_uring) through an O_APPEND
 * descriptor writes at its own offset instead of the end: like clearing
 * O_APPEND, that needs the write right.
 */
static int rbac_write_noappend(struct file *file)
{
	return rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_WRITE, true);
}

/*
 * Executable file mappings need x: running a program through the dynamic loader
 * (`ld.so /path/prog`) maps it PROT_EXEC without an exec. The kernel's own
 * mappings during execve (the program and its interpreter) are not asked again:
 * bprm_check decided those.
 */
static int rbac_exec_mapping(struct file *file)
{
	if (!file || current->in_execve)
		return 0;
	return rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_EXEC, true);
}

/*
 * A shared writable mapping writes anywhere in the file: through a descriptor
 * opened for appending only (a granted `a`), it needs w.
 */
static int rbac_append_mapping(struct file *file, unsigned long prot, unsigned long flags,
			       bool may_sleep)
{
	if (!file || !(prot & PROT_WRITE) || (flags & MAP_TYPE) != MAP_SHARED ||
	    !(file->f_flags & O_APPEND))
		return 0;
	return rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_WRITE, may_sleep);
}

static int rbac_mmap_file(struct file *file, unsigned long reqprot, unsigned long prot,
			  unsigned long flags)
{
	int err = rbac_append_mapping(file, prot, flags, true);

	if (err)
		return err;
	return (prot & PROT_EXEC) ? rbac_exec_mapping(file) : 0;
}

static int rbac_file_mprotect(struct vm_area_struct *vma, unsigned long reqprot,
			      unsigned long prot)
{
	if (!(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return 0;
	return rbac_exec_mapping(vma->vm_file);
}

/* /dev/null from the real root, and the hook layer's descriptor replacement (lsm mode). */
static struct file *rbac_null;
static int (*rbac_replace_fd)(unsigned int fd, struct file *file);

/* iterate_fd() callback: fd + 1 for a descriptor the new subject may not use, else 0. */
static int rbac_refused_descriptor(const void *unused, struct file *file, unsigned int fd)
{
	u32 access = file_access(file);

	if (!access || (file->f_mode & FMODE_PATH) || file == rbac_null)
		return 0;
	/* Under the descriptor table's lock: a walk that does not sleep. */
	return rbac_check(file->f_path.mnt, file->f_path.dentry, access, false) ? fd + 1 : 0;
}

static void rbac_exec_descriptors_init(void)
{
	struct path root;

	rbac_replace_fd = symbol_get(rampart_replace_fd);
	get_fs_root(init_task.fs, &root);
	rbac_null = file_open_root(&root, "/dev/null", O_RDWR, 0);
	path_put(&root);
	if (IS_ERR(rbac_null)) {
		pr_warn("no /dev/null (%ld): refused inherited descriptors are closed\n",
			PTR_ERR(rbac_null));
		rbac_null = NULL;
	}
}

static void rbac_exec_descriptors_exit(void)
{
	if (rbac_null)
		fput(rbac_null);
	rbac_null = NULL;
	if (rbac_replace_fd)
		symbol_put(rampart_replace_fd);
	rbac_replace_fd = NULL;
}

/*
 * At exec, after the new program (and so the new subject) is chosen: inherited
 * descriptors the new subject could not have opened become /dev/null, as
 * SELinux does (closed if there is none: the number then could be reused), so
 * `exec 5</etc/shadow` or `prog </etc/shadow` in an unconfined shell gives a
 * confined program nothing. Each refusal is reported as the open would be.
 */
static int rbac_bprm_committing_creds(const struct linux_binprm *bprm)
{
	struct files_struct *files = current->files;
	int n;

	if (!READ_ONCE(rampart_rbac_mode) || !files)
		return 0;
	/* The descriptors are judged for the new program's subject, not the old one's. */
	rbac_subject_forget();
	for (n = iterate_fd(files, 0, rbac_refused_descriptor, NULL); n;
	     n = iterate_fd(files, n, rbac_refused_descriptor, NULL)) {
		if (!rbac_null || !rbac_replace_fd || rbac_replace_fd(n - 1, rbac_null))
			close_fd(n - 1);
	}
	return 0;
}

/*
 * stat and friends, O_PATH opens, access(2) and chdir(2) tell that a file exists:
 * only hidden objects are refused (access 0 asks for nothing else).
 */
static int rbac_hidden_check(const struct path *path)
{
	return rbac_check(path->mnt, path->dentry, 0, true);
}

static int rbac_path_access(const struct path *path, int mode)
{
	return rbac_hidden_check(path);
}

static int rbac_path_chmod(const struct path *path, umode_t mode)
{
	return rbac_check(path->mnt, path->dentry, RBAC_WRITE | mode_access(mode), true);
}

static int rbac_path_chown(const struct path *path, kuid_t uid, kgid_t gid)
{
	return rbac_check(path->mnt, path->dentry, RBAC_WRITE, true);
}

/*
 * A directory entry about to be listed: hidden when the subject has a rule of its
 * own for it (its inode, or its name in this directory) that hides it. An entry
 * without one takes the listed directory's rules, which do not hide it (the
 * directory was opened). Only the inode number is known here, not the
 * generation. Listings are counted, not reported: the stat or open that would
 * follow is.
 */
static int rbac_filldir(struct file *dir, const char *name, int namlen, u64 ino,
			unsigned int d_type)
{
	const struct inode *dir_inode = file_inode(dir);
	struct rbac_query q = { .access = 0, .subject.index = RBAC_NO_SUBJECT };
	struct rbac_level lv = {
		.ino = ino,
		.parent_ino = dir_inode->i_ino,
		.parent_generation = dir_inode->i_generation,
		.name = (const u8 *)name,
		.name_len = namlen,
		.dev = dir_inode->i_sb->s_dev,
		.has_ino = 1,
		.has_parent = 1,
	};
	int hide = 0;

	if (!READ_ONCE(rampart_rbac_mode) || !rbac_user_task() || namlen <= 0 ||
	    (dir->f_path.mnt->mnt_flags & MNT_INTERNAL))
		return 0;
	if (name[0] == '.' && (namlen == 1 || (namlen == 2 && name[1] == '.')))
		return 0;
	rbac_fill_ids(&q);
	rcu_read_lock();
	rbac_policy_peek(&q.policy);
	if (q.policy.bytes && rbac_find_subject(&q, false) && rampart_rbac_begin_objects(&q) &&
	    rampart_rbac_visit(&q, &lv) == RBAC_VISIT_FOUND) {
		q.complete = 1;
		hide = rampart_rbac_decide(&q) == RBAC_HIDE;
	}
	rcu_read_unlock();
	return hide;
}

/* The new program's subject is decided now and kept with the task. */
static int rbac_bprm_committed_creds(const struct linux_binprm *bprm)
{
	if (READ_ONCE(rampart_rbac_mode))
		rbac_subject_at_exec(bprm);
	return 0;
}

/*
 * A capability check that is not a plain allow: decided, counted and reported.
 * Called under rcu_read_lock (the subject's path is copied from the policy), which
 * it drops.
 */
static noinline int rbac_capable_slow(struct rbac_query *q, int cap, unsigned int opts)
	__releases(RCU)
{
	char subject_path[RBAC_SUBJECT_PATH_MAX] = "";

	q->subject_path = subject_path;
	rampart_rbac_decide(q);
	rcu_read_unlock();
	/* Probing callers (CAP_OPT_NOAUDIT) are answered without events. */
	if (!(opts & CAP_OPT_NOAUDIT))
		rbac_report(q, NULL, NULL, rbac_cap_names[cap], false);
	q->subject_path = NULL;
	return q->outcome == RBAC_DENY ? -EPERM : 0;
}

/* Called in atomic context too: nothing here sleeps. */
static int rbac_capable(const struct cred *cred, struct user_namespace *ns, int cap,
			unsigned int opts)
{
	struct rbac_query q = { .is_cap = 1, .subject.index = RBAC_NO_SUBJECT };
	u8 mode = READ_ONCE(rampart_rbac_mode);

	if (cred != current_cred() || cap < 0 || cap >= ARRAY_SIZE(rbac_cap_names) || !mode ||
	    !rbac_user_task())
		return 0;
	q.access = cap;
	rbac_fill_ids(&q);
	rcu_read_lock();
	rbac_policy_peek(&q.policy);
	if (q.policy.bytes && !rbac_cached_subject(&q, false))
		rbac_find_subject(&q, false);
	if (!rampart_rbac_allows(&q, mode))
		return rbac_capable_slow(&q, cap, opts);
	rcu_read_unlock();
	return 0;
}

static struct rampart_hook_ops rbac_hook_ops = {
	.abi = RAMPART_HOOKS_ABI,
	.name = "rampart_rbac",
	.file_open = rbac_file_open,
	.file_receive = rbac_file_receive,
	.bprm_check = rbac_bprm_check,
	.ptrace_access_check = rbac_ptrace_access_check,
	.path_mknod = rbac_path_mknod,
	.path_mkdir = rbac_path_mkdir,
	.path_symlink = rbac_path_symlink,
	.path_unlink = rbac_path_unlink,
	.path_rmdir = rbac_path_rmdir,
	.path_rename = rbac_path_rename,
	.path_link = rbac_path_link,
	.path_truncate = rbac_path_truncate,
	.file_truncate = rbac_file_truncate,
	.file_fcntl = rbac_file_fcntl,
	.write_noappend = rbac_write_noappend,
	.file_fallocate = rbac_file_fallocate,
	.inode_getattr = rbac_hidden_check,
	.capable = rbac_capable,
	.bprm_committing_creds = rbac_bprm_committing_creds,
	.mmap_file = rbac_mmap_file,
	.file_mprotect = rbac_file_mprotect,
	.path_chmod = rbac_path_chmod,
	.path_chown = rbac_path_chown,
	.path_open = rbac_hidden_check,
	.path_access = rbac_path_access,
	.path_visible = rbac_hidden_check,
	.chdir = rbac_hidden_check,
	.filldir = rbac_filldir,
	.bprm_committed_creds = rbac_bprm_committed_creds,
};

/* fallback mode */

#define ARG(regs, n) regs_get_kernel_argument(regs, n)

static int remember(struct kretprobe_instance *ri, int err)
{
	*(int *)ri->data = err;
	return err ? 0 : 1;
}

static int open_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct file *file = (struct file *)ARG(regs, 0);
	u32 access = file ? file_access(file) : 0;

	if (!access || (file->f_flags & __FMODE_EXEC))
		return 1;
	return remember(ri, rbac_check(file->f_path.mnt, file->f_path.dentry, access, false));
}

static int exec_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct linux_binprm *bprm = (struct linux_binprm *)ARG(regs, 0);

	if (!bprm || !bprm->file)
		return 1;
	return remember(ri, rbac_check(bprm->file->f_path.mnt, bprm->file->f_path.dentry,
				       RBAC_EXEC, false));
}

static int truncate_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct file *file = (struct file *)ARG(regs, 0);

	if (!file)
		return 1;
	return remember(ri, rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_WRITE, false));
}

static int fcntl_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct file *file = (struct file *)ARG(regs, 0);
	unsigned int cmd = ARG(regs, 1);
	unsigned long arg = ARG(regs, 2);

	if (!file || cmd != F_SETFL || !(file->f_mode & FMODE_WRITE) ||
	    !(file->f_flags & O_APPEND) || (arg & O_APPEND))
		return 1;
	return remember(ri, rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_WRITE, false));
}

static int exec_mapping_entry(struct kretprobe_instance *ri, struct file *file)
{
	if (!file || current->in_execve)
		return 1;
	return remember(ri, rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_EXEC, false));
}

/* security_mmap_file(file, prot, flags): the function, unlike the hook, has no reqprot. */
static int mmap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int err = rbac_append_mapping((struct file *)ARG(regs, 0), ARG(regs, 1), ARG(regs, 2), false);

	if (err)
		return remember(ri, err);
	if (!(ARG(regs, 1) & PROT_EXEC))
		return 1;
	return exec_mapping_entry(ri, (struct file *)ARG(regs, 0));
}

static int mprotect_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (struct vm_area_struct *)ARG(regs, 0);

	if (!vma || !(ARG(regs, 2) & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return 1;
	return exec_mapping_entry(ri, vma->vm_file);
}

/*
 * vfs_fallocate(file, mode, offset, len) acts, so it is not overruled: a denied
 * call gets len = 0, which it rejects (EINVAL) before doing anything, and the
 * return handler reports the denial.
 */
static int fallocate_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct file *file = (struct file *)ARG(regs, 0);
	int mode = (int)ARG(regs, 1);
	int err;

	if (!file || !(mode & ~FALLOC_FL_KEEP_SIZE))
		return 1;
	err = rbac_check(file->f_path.mnt, file->f_path.dentry, RBAC_WRITE, false);
	if (err)
		regs->cx = 0;
	return remember(ri, err);
}

/* security_path_chmod(path, mode) and security_path_chown(path, uid, gid). */
static int chmod_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct path *path = (const struct path *)ARG(regs, 0);

	if (!path)
		return 1;
	return remember(ri, rbac_check(path->mnt, path->dentry,
				       RBAC_WRITE | mode_access((umode_t)ARG(regs, 1)), false));
}

static int chown_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct path *path = (const struct path *)ARG(regs, 0);

	if (!path)
		return 1;
	return remember(ri, rbac_check(path->mnt, path->dentry, RBAC_WRITE, false));
}

static int deny_on_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	regs_set_return_value(regs, *(int *)ri->data);
	return 0;
}

static struct kretprobe rbac_probes[] = {
	{ .kp.symbol_name = "security_file_open", .entry_handler = open_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
	{ .kp.symbol_name = "security_bprm_check", .entry_handler = exec_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
	{ .kp.symbol_name = "security_file_truncate", .entry_handler = truncate_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
	{ .kp.symbol_name = "security_file_fcntl", .entry_handler = fcntl_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
	{ .kp.symbol_name = "vfs_fallocate", .entry_handler = fallocate_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
	{ .kp.symbol_name = "security_mmap_file", .entry_handler = mmap_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
	{ .kp.symbol_name = "security_file_mprotect", .entry_handler = mprotect_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
	{ .kp.symbol_name = "security_path_chmod", .entry_handler = chmod_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
	{ .kp.symbol_name = "security_path_chown", .entry_handler = chown_entry,
	  .handler = deny_on_return, .data_size = sizeof(int), .maxactive = 64 },
};
static bool probe_attached[ARRAY_SIZE(rbac_probes)];

/* The subject, object and verdict caches: all allocated, or none. */
static int rbac_caches_init(void)
{
	int err = rbac_subject_cache_init();

	if (err)
		return err;
	err = rbac_object_cache_init();
	if (err)
		goto subjects;
	err = rbac_verdict_cache_init();
	if (err)
		goto objects;
	return 0;
objects:
	rbac_object_cache_exit();
subjects:
	rbac_subject_cache_exit();
	return err;
}

static void rbac_caches_exit(void)
{
	rbac_verdict_cache_exit();
	rbac_object_cache_exit();
	rbac_subject_cache_exit();
}

int rampart_rbac_attach(void)
{
	size_t i, attached = 0;
	int err;

	err = rbac_caches_init();
	if (err)
		return err;
	rbac_exec_descriptors_init();
	err = rampart_hooks_attach(&rbac_hook_ops);
	if (!err) {
		hook_mode = RBAC_HOOKS_LSM;
		rbac_subject_use_task_blob(rbac_hook_ops.task_blob_offset);
		return 0;
	}
	rbac_exec_descriptors_exit();
	if (err != -ENOENT) {
		rbac_caches_exit();
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(rbac_probes); i++) {
		probe_attached[i] = !register_kretprobe(&rbac_probes[i]);
		attached += probe_attached[i];
	}
	if (!attached) {
		pr_err("no hook layer and no kretprobe attached\n");
		rbac_caches_exit();
		return -ENOENT;
	}
	hook_mode = RBAC_HOOKS_FALLBACK;
	return 0;
}

void rampart_rbac_detach(void)
{
	size_t i;

	if (hook_mode == RBAC_HOOKS_LSM) {
		rampart_hooks_detach(&rbac_hook_ops);
		rbac_subject_use_task_blob(-1);
		rbac_exec_descriptors_exit();
	}
	for (i = 0; i < ARRAY_SIZE(rbac_probes); i++) {
		if (probe_attached[i])
			unregister_kretprobe(&rbac_probes[i]);
		probe_attached[i] = false;
	}
	hook_mode = 0;
	rbac_caches_exit();
	rbac_policy_exit();
}

int rampart_rbac_hook_mode(void)
{
	return hook_mode;
}
