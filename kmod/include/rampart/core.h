/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rampart_core's exported interface: who did something (the subject) and the
 * audit event channel every rampart module reports its decisions through.
 * The event schema itself is defined once, in kmod/common/src/event.rs.
 */
#ifndef RAMPART_CORE_H
#define RAMPART_CORE_H

#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/types.h>

/* Decisions, as numbered in kmod/common/src/event.rs (enum Decision). */
enum rampart_decision {
	RAMPART_ALLOW = 0,
	RAMPART_DENY = 1,
	RAMPART_LEARN = 2,
	RAMPART_AUDIT = 3,
	RAMPART_NOTICE = 4,
};

/* Longest executable path an event carries; longer paths are reported as such. */
#define RAMPART_EXE_MAX 256

/**
 * struct rampart_file_id - what a file is, whatever its name: @dev (the
 * superblock's s_dev), @ino, @generation (tells a reused inode number apart),
 * @present (0: no file, matches nothing). Mirrored by FileId in
 * kmod/common/src/allowlist.rs, which asserts the layout.
 */
struct rampart_file_id {
	u64 dev;
	u64 ino;
	u32 generation;
	u32 present;
};
static_assert(sizeof(struct rampart_file_id) == 24, "mirrored in Rust: keep both sizes equal");

/* @id := the identity of @inode. */
void rampart_file_id_of(struct rampart_file_id *id, const struct inode *inode);

/*
 * @id := the file @path (@len bytes, absolute) names, resolved from the real
 * root (init's, not the caller's), following symlinks. Process context; may
 * sleep. Returns 0 or a negative errno.
 */
int rampart_path_file_id(const char *path, size_t len, struct rampart_file_id *id);

/**
 * struct rampart_subject - a task as events and log lines describe it.
 * @uid: real uid, @euid: effective uid, @gid: real gid, @egid: effective gid,
 *	 all in the initial user namespace.
 * @pid: thread-group id in the initial pid namespace.
 * @comm: command name.
 * @exe: executable path (points into @exe_buf, or to a fixed placeholder).
 * @exe_buf: storage for @exe.
 * @exe_id: what the executable is (present 0 when there is none).
 * @cgroup: the task's cgroup v2 id (the inode number of its directory in
 *	cgroupfs, which tells the container it runs in); 0 without cgroups.
 */
struct rampart_subject {
	u32 uid, euid, gid, egid;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	const char *exe;
	char exe_buf[RAMPART_EXE_MAX];
	struct rampart_file_id exe_id;
	u64 cgroup;
};

/*
 * Fills @s for @task. Does not sleep and never waits on a lock held elsewhere:
 * callable from LSM hooks (including those run under another task's
 * task_lock) and kprobe handlers. A task whose lock stays busy is reported
 * with comm "?" and exe "(busy)".
 */
void rampart_subject_fill(struct rampart_subject *s, struct task_struct *task);

/*
 * Queues one event for /sys/kernel/security/rampart/events and, for denials,
 * audits and notices, writes a rate-limited kernel log line naming @s and its
 * parent (a notice's line starts with @reason).
 * Does not sleep. A full queue drops the event and counts it.
 */
void rampart_event_emit(const struct rampart_subject *s, const char *module,
			enum rampart_decision decision, const char *object,
			const char *reason);
/*
 * The same with @peers: the remote ends of the subject's sockets, separated by
 * spaces ("192.0.2.7:40112 [2001:db8::5]:51000"), written as the event's
 * "peers" array.
 */
void rampart_event_emit_peers(const struct rampart_subject *s, const char *module,
			      enum rampart_decision decision, const char *object,
			      const char *reason, const char *peers);

/* rampart's securityfs directory (/sys/kernel/security/rampart), for module subdirectories. */
struct dentry *rampart_securityfs_dir(void);


/*
 * Settings files of a rampart module, in /sys/kernel/security/rampart/<dir>/.
 * rampart_core owns the file plumbing; the module supplies a table and two
 * callbacks (usually into its Rust object). Open files pin the module that
 * registered them, so callbacks never run after it is gone.
 */
struct rampart_setting {
	const char *name;
	umode_t mode;	/* 0444: read-only; writable ones are 0600 */
	int id;		/* passed back to the callbacks */
};

#define RAMPART_SETTINGS_MAX 32

struct rampart_settings {
	const char *dir;
	const struct rampart_setting *settings;
	size_t count;
	/* Writes at most @cap bytes of text into @buf; returns the length. */
	size_t (*show)(int id, char *buf, size_t cap);
	/*
	 * Applies a write; returns 0, 1 when the write locked the settings
	 * (rampart_core then pins the module until reboot), or a negative errno.
	 */
	int (*store)(int id, const char *buf, size_t len);
	struct module *owner;
	/* Private to rampart_core. */
	struct file_operations fops;
	struct dentry *dentry;
	struct dentry *files[RAMPART_SETTINGS_MAX];
};

int rampart_settings_register(struct rampart_settings *s);
void rampart_settings_unregister(struct rampart_settings *s);

struct rampart_hook_ops;

/*
 * Registers @ops with the kernel's rampart hook layer. Returns 0 when attached,
 * -ENOENT when the kernel has no hook layer (use the fallback), or the layer's
 * error (e.g. -EINVAL for another hook ABI).
 */
int rampart_hooks_attach(struct rampart_hook_ops *ops);
/* Unregisters @ops; returns once no handler of @ops is running. */
void rampart_hooks_detach(struct rampart_hook_ops *ops);

#endif /* RAMPART_CORE_H */
