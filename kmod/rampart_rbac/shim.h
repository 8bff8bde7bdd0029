/* SPDX-License-Identifier: GPL-2.0 */
/* The interface between rampart_rbac's C files and its Rust object. */
#ifndef RAMPART_RBAC_SHIM_H
#define RAMPART_RBAC_SHIM_H

#include <linux/dcache.h>
#include <linux/path.h>
#include <linux/types.h>

#include <rampart/core.h>

/* Levels a walk keeps: the 16 nearest the file and the 8 nearest the root. */
#define RBAC_NEAR_LEVELS 16
#define RBAC_TOP_LEVELS 8
#define RBAC_LEVELS (RBAC_NEAR_LEVELS + RBAC_TOP_LEVELS)

/* One directory (or the file itself) on the way from a file up to the root. */
struct rbac_level {
	u64 ino;
	u32 dev;
	u32 has_ino;	/* 0 for a name being created */
};

/*
 * A walk from a file up to the root, as kmod/common/src/rbac.rs's Level list:
 * lv[0] is the file (or the name being created), then its ancestors. The file's
 * name and parent directory identify it too (its name key).
 */
struct rbac_walk {
	u32 count;
	u32 has_parent;
	u64 parent_ino;
	const u8 *name;
	u32 name_len;
	u32 complete;	/* 0: the walk could not reach the root (too deep, raced) */
	struct rbac_level lv[RBAC_LEVELS];
	/* Private to walk.c. */
	struct name_snapshot snap;
	u32 has_snap;
	u32 top_count;
	struct rbac_level top[RBAC_TOP_LEVELS];
};

/* A decision request (mirrors Query in rampart_rbac_rs.rs). */
struct rbac_query {
	const u8 *policy;
	size_t policy_len;
	u32 uid;
	u32 gid;
	u32 access;	/* access bits of rbac.rs, or the capability number for capable */
	u32 is_cap;
	const struct rbac_walk *exe;
	const struct rbac_walk *object;	/* NULL for capable */
	/* Out. */
	u32 outcome;
	u32 granted;
	char subject[128];
};

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
u32 rampart_rbac_decide(struct rbac_query *q);
/* 0, or a PolicyError code (1..); *message: what is wrong. */
int rampart_rbac_validate(const u8 *bytes, size_t len, const char **message);
u64 rampart_rbac_policy_id(const u8 *bytes, size_t len);
/* Writes "roles R subjects S entries E" for a validated policy. */
size_t rampart_rbac_describe(const u8 *bytes, size_t len, char *buf, size_t cap);
int rampart_rbac_store(int setting, const char *buf, size_t len);
size_t rampart_rbac_show(int setting, char *buf, size_t cap);
void rampart_rbac_count_load(bool ok);
/* Whether the mode is not off (hooks return at once when off). */
bool rampart_rbac_active(void);
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
/* Walks from @dentry (on @mnt) to the root; @may_sleep: cross mount points too. */
void rbac_walk(struct rbac_walk *w, struct vfsmount *mnt, struct dentry *dentry, bool may_sleep);
void rbac_walk_done(struct rbac_walk *w);
/* Walks current's executable; false without one (kernel threads). */
bool rbac_walk_exe(struct rbac_walk *w, bool may_sleep);

/* policy.c: the policy in force, RCU-published, reference-counted. */
struct rbac_policy;
struct rbac_policy *rbac_policy_get(void);
void rbac_policy_put(struct rbac_policy *p);
const u8 *rbac_policy_bytes(const struct rbac_policy *p, size_t *len);
/* The policy's bytes under the caller's rcu_read_lock (no reference), or NULL. */
const u8 *rbac_policy_peek(size_t *len);
int rbac_policy_fs_init(struct dentry *dir);
void rbac_policy_fs_exit(void);
void rbac_policy_exit(void);
size_t rbac_policy_status(char *buf, size_t cap);

#endif /* RAMPART_RBAC_SHIM_H */
