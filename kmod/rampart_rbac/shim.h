/* SPDX-License-Identifier: GPL-2.0 */
/* The interface between rampart_rbac's C files and its Rust object. */
#ifndef RAMPART_RBAC_SHIM_H
#define RAMPART_RBAC_SHIM_H

#include <linux/dcache.h>
#include <linux/path.h>
#include <linux/build_bug.h>
#include <linux/types.h>

#include <rampart/core.h>

/*
 * One level of a walk from a file up to the root: the file (or the name being
 * created) first, then each directory above it. Only the first level carries
 * its parent directory and, when the policy asks for it, its name.
 */
struct rbac_level {
	u64 ino;
	u64 parent_ino;
	const u8 *name;	/* NULL until the policy needs it */
	u32 name_len;
	u32 dev;
	u32 has_ino;	/* 0 for a name being created */
	u32 has_parent;
	u32 generation;	/* the inode's i_generation (with has_generation) */
	u32 parent_generation;	/* the directory's (with has_parent) */
	u32 has_generation;	/* 0: not known (a directory listing's entry) */
	u32 reserved;
};
static_assert(sizeof(struct rbac_level) == 56, "mirrored in Rust: keep both sizes equal");
static_assert(offsetof(struct rbac_level, generation) == 40, "mirrored in Rust");
static_assert(offsetof(struct rbac_level, has_generation) == 48, "mirrored in Rust");

/* What rampart_rbac_visit() says about a level. */
#define RBAC_VISIT_NOTHING 0
#define RBAC_VISIT_FOUND 1
#define RBAC_VISIT_NEED_NAME 2

/* Where a validated policy's tables are (rampart_rbac_layout, at load). */
struct rbac_layout {
	size_t entries_at;
	size_t strings_at;
	size_t strings_len;
};

/* The policy a check reads: bytes NULL when none is loaded. */
struct rbac_policy_view {
	const u8 *bytes;
	size_t len;
	u64 gen;	/* its load generation (distinct for every load) */
	struct rbac_layout layout;
};
static_assert(sizeof(struct rbac_policy_view) == 48, "mirrored in Rust: keep both sizes equal");

/* No subject (rbac_subject_info.index). */
#define RBAC_NO_SUBJECT 0xffffffffu

/* What checks need of a subject; subject.c caches it per task. */
struct rbac_subject_info {
	u32 index;	/* RBAC_NO_SUBJECT: none (never restricted) */
	u32 objects_start;
	u32 objects_len;
	u32 learning;	/* the subject, its role or the policy learns */
	u64 caps;	/* capabilities allowed */
	u32 has_root_object;
	u32 root_object;	/* the access of its `/` object (for walks that stop early) */
};
static_assert(sizeof(struct rbac_subject_info) == 32, "mirrored in Rust: keep both sizes equal");

/* A decision request (mirrors RawQuery in rampart_rbac_rs.rs). */
struct rbac_query {
	struct rbac_policy_view policy;
	u32 uid;
	u32 gid;
	u32 access;	/* access bits of rbac.rs, or the capability number for capable */
	u32 is_cap;
	struct rbac_subject_info subject;
	/* The entry range walks match against (a role's subject keys, a subject's objects). */
	const u8 *range;
	size_t range_count;
	/* Set by walks. */
	u32 matched;	/* a level matched an entry ... */
	u64 value;	/* ... whose value this is */
	u32 complete;	/* the walk reached the root (or matched); RBAC_WALK_UNKNOWN: gave up */
	u32 cacheable;	/* the walk's answer may be cached (objcache.c) */
	/* Out. */
	u32 outcome;
	u32 granted;
	/* When set, decisions that are reported copy the subject's path here. */
	char *subject_path;
};
static_assert(sizeof(struct rbac_query) == 152, "mirrored in Rust: keep both sizes equal");

/* The size of rbac_query.subject_path's buffer. */
#define RBAC_SUBJECT_PATH_MAX 128

/* rbac_query.complete of a walk that gave up (too deep): decided as no rule at all. */
#define RBAC_WALK_UNKNOWN 2

/* The module's modes, as RbacMode in rampart_rbac_rs.rs. */
#define RBAC_MODE_ENFORCE 2

/* Outcomes, as Outcome in rbac.rs. */
#define RBAC_ALLOW 0
#define RBAC_ALLOW_AUDITED 1
#define RBAC_LEARN 2
#define RBAC_WOULD_DENY 3
#define RBAC_DENY 4
#define RBAC_HIDE 5

/* Access bits, as rbac.rs's access module. */
#define RBAC_READ 1
#define RBAC_WRITE 2
#define RBAC_APPEND 4
#define RBAC_CREATE 8
#define RBAC_DELETE 16
#define RBAC_EXEC 32
#define RBAC_HIDDEN 64
#define RBAC_AUDIT 128
#define RBAC_META 256

/* Settings ids: Rust handles these ... */
#define RBAC_SETTING_MODE 0
#define RBAC_SETTING_LOCK 1
#define RBAC_SETTING_STATS 2
/* ... and C these. */
#define RBAC_SETTING_STATUS 100
#define RBAC_SETTING_HOOK_MODE 101

#define RBAC_HOOKS_LSM 1
#define RBAC_HOOKS_FALLBACK 2

/* Rust, called from C; none sleeps. */
/* Where a validated policy's tables are. */
void rampart_rbac_layout(const u8 *bytes, size_t len, struct rbac_layout *layout);
/* Points the range at the role's subject keys; false without a role. */
bool rampart_rbac_begin_subject(struct rbac_query *q);
/* Sets q->subject from the subject walk (or the role's `/` subject). */
void rampart_rbac_end_subject(struct rbac_query *q);
/* Points the range at q->subject's objects; false without a subject. */
bool rampart_rbac_begin_objects(struct rbac_query *q);
/* Sets q->subject to the policy's subject @index; false past the last one. */
bool rampart_rbac_select_subject(struct rbac_query *q, u32 index);
/* Matches one level against the range: RBAC_VISIT_*; sets matched and value. */
int rampart_rbac_visit(struct rbac_query *q, const struct rbac_level *lv);
/*
 * Decides from the subject and the object walk; sets and returns q->outcome,
 * counts it and, unless it is a plain allow, copies the subject's path.
 */
u32 rampart_rbac_decide(struct rbac_query *q);
/*
 * Whether the decision in @mode (as read from rampart_rbac_mode) is a plain allow
 * (nothing counted, copied or reported).
 */
bool rampart_rbac_allows(struct rbac_query *q, u8 mode);
/* 0, or a PolicyError code (1..); *message: what is wrong. */
int rampart_rbac_validate(const u8 *bytes, size_t len, const char **message);
u64 rampart_rbac_policy_id(const u8 *bytes, size_t len);
/* Writes "roles R subjects S entries E" for a validated policy. */
size_t rampart_rbac_describe(const u8 *bytes, size_t len, char *buf, size_t cap);
int rampart_rbac_store(int setting, const char *buf, size_t len);
size_t rampart_rbac_show(int setting, char *buf, size_t cap);
void rampart_rbac_count_load(bool ok);
/*
 * The mode as a number, owned by the Rust object: 0 off (hooks return at once),
 * else audit, enforce or learn. Read with READ_ONCE.
 */
extern u8 rampart_rbac_mode;
/* Mode name (off, audit, enforce, learn), NUL-terminated. */
const char *rampart_rbac_mode_name(void);

/* C, called from Rust. */
const char *rampart_rbac_initial_mode(void);
int rampart_rbac_attach(void);
void rampart_rbac_detach(void);
int rampart_rbac_hook_mode(void);
int rampart_rbac_settings_init(void);
void rampart_rbac_settings_exit(void);
bool rampart_rbac_locked(void);

/* walk.c */
/*
 * Walks from @dentry (on @mnt) towards the root, matching each level against
 * q's range until one matches; @may_sleep: cross mount points too.
 */
void rbac_walk(struct rbac_query *q, struct vfsmount *mnt, struct dentry *dentry, bool may_sleep);

/* hooks.c: the ids that choose the role, as seen from the initial user namespace. */
void rbac_fill_ids(struct rbac_query *q);

/* subject.c */
/*
 * Sets q->subject for current (cached per task until its next exec, a change of
 * uid/gid or a new policy); false for tasks without a subject.
 */
bool rbac_find_subject(struct rbac_query *q, bool may_sleep);
/* Sets q->subject from the cache only; false on a miss. */
bool rbac_cached_subject(struct rbac_query *q, bool may_sleep);
/*
 * Decides current's subject from the program it is starting (after its
 * credentials are committed) and keeps it with the task: hook layer only.
 */
struct linux_binprm;
void rbac_subject_at_exec(const struct linux_binprm *bprm);
/*
 * Forgets current's kept subject: an exec is replacing its program (the next
 * lookup walks the new executable until rbac_subject_at_exec() decides).
 */
void rbac_subject_forget(void);
/* Keep subjects in the hook layer's task bytes at @offset in task->security. */
void rbac_subject_use_task_blob(int offset);
/*
 * Copies the subject kept for @t (another task, alive under the caller's RCU
 * read lock or task lock) for policy load @gen into @out; false when none is
 * kept for that load (a task from before the policy or the module, one being
 * decided again, or no hook layer). Does not sleep.
 */
bool rbac_task_subject_of(struct task_struct *t, u64 gen, struct rbac_subject_info *out);
/* Sets q->subject to the subject current would get by executing @file now (may sleep). */
void rbac_subject_for_exec(struct rbac_query *q, struct file *file);

/* objcache.c: what object walks found, per CPU. */
int rbac_object_cache_init(void);
void rbac_object_cache_exit(void);
/* subject.c: the per-CPU subject cache, allocated at attach. */
int rbac_subject_cache_init(void);
void rbac_subject_cache_exit(void);
/*
 * Sets q->matched, q->value and q->complete from the cache; false on a miss.
 * *@seq is the rename sequence read for the lookup: a walk made after a miss is
 * remembered with it (rbac_object_remember), a hit's allow with it too (verdict.c).
 */
bool rbac_object_cached(struct rbac_query *q, const struct vfsmount *mnt, const struct dentry *dentry,
			unsigned int *seq);
/* Remembers a walk's answer (if q->cacheable and no rename since @seq). */
void rbac_object_remember(const struct rbac_query *q, const struct vfsmount *mnt,
			  const struct dentry *dentry, unsigned int seq);

/* policy.c: the policy in force, RCU-published, reference-counted. */
struct rbac_policy;
struct rbac_policy *rbac_policy_get(void);
void rbac_policy_put(struct rbac_policy *p);
/* Fills @view from a policy the caller holds a reference to. */
void rbac_policy_view(const struct rbac_policy *p, struct rbac_policy_view *view);
/* Fills @view (bytes NULL: none) under the caller's rcu_read_lock, no reference. */
void rbac_policy_peek(struct rbac_policy_view *view);
/* The generation of the policy in force (0: none). */
extern u64 rbac_policy_live_gen;
int rbac_policy_fs_init(struct dentry *dir);
void rbac_policy_fs_exit(void);
void rbac_policy_exit(void);
size_t rbac_policy_status(char *buf, size_t cap);

/* verdict.c: plain allows per task and file, per CPU. */
int rbac_verdict_cache_init(void);
void rbac_verdict_cache_exit(void);
/* rbac_verdict_allows(): verdict.h. */
/* Remembers a plain allow decided from cached subject and object (rename sequence @seq). */
void rbac_verdict_remember(const struct rbac_query *q, const struct vfsmount *mnt,
			   const struct dentry *dentry, unsigned int seq, u8 mode);

#endif /* RAMPART_RBAC_SHIM_H */
