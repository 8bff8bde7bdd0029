// SPDX-License-Identifier: GPL-2.0
/*
 * Walks from a file up towards the root: the file (or a name being created),
 * then every directory above it on its own filesystem, up to that filesystem's
 * root even when the file was reached through a bind mount of a subdirectory
 * (so /srv/secret/sub bound at /tmp/y keeps /srv/secret's rules), then across
 * mount points up to the real root, so a file is found under the same
 * directories however it was reached (.., symlinks, bind mounts, a chroot, a
 * passed descriptor). Each level is matched
 * against the policy as the walk reaches it (rampart_rbac_visit) and the walk
 * stops at the first match: nothing is copied or allocated, and the file's name
 * is read only when the policy names files in its directory.
 *
 * Each filesystem is walked under rcu_read_lock and rename_lock (retried if a
 * rename raced); crossing a mount point uses follow_up(), which takes and drops
 * references and so may sleep: walks that must not sleep stop at the top of
 * the file's own mount (and say so: the policy's own root rule then stands for
 * what lies above).
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>

#include "shim.h"

/* Levels one filesystem may have before the walk gives up (a corrupted tree). */
#define RBAC_MAX_STEPS 4096
/* Lockless tries of one mount's walk before one that holds renames off. */
#define RBAC_WALK_TRIES 8

enum walk_result { WALK_FOUND, WALK_MOUNT_TOP, WALK_GAVE_UP, WALK_RACED };

/* Matches @lv again with @d's name, taken under d_lock. */
static noinline int visit_named(struct rbac_query *q, struct dentry *d, struct rbac_level *lv)
{
	struct name_snapshot snap;
	int r;

	take_dentry_name_snapshot(&snap, d);
	lv->name = snap.name.name;
	lv->name_len = snap.name.len;
	r = rampart_rbac_visit(q, lv);
	release_dentry_name_snapshot(&snap);
	return r;
}

/* Matches @d; @first: it is the accessed file, identified by its name too. */
static bool visit(struct rbac_query *q, struct dentry *d, bool first)
{
	struct inode *inode = READ_ONCE(d->d_inode);
	struct rbac_level lv = {
		.ino = inode ? inode->i_ino : 0,
		.generation = inode ? inode->i_generation : 0,
		.dev = d->d_sb->s_dev,
		.has_ino = inode != NULL,
		.has_generation = inode != NULL,
	};
	int r;

	if (first) {
		struct dentry *parent = READ_ONCE(d->d_parent);
		struct inode *dir = parent != d ? READ_ONCE(parent->d_inode) : NULL;

		if (dir) {
			lv.parent_ino = dir->i_ino;
			lv.parent_generation = dir->i_generation;
			lv.has_parent = 1;
		}
	}
	r = rampart_rbac_visit(q, &lv);
	if (r == RBAC_VISIT_NEED_NAME) {
		/* The policy names files in this directory: the name decides. */
		q->cacheable = 0;
		r = visit_named(q, d, &lv);
	}
	return r == RBAC_VISIT_FOUND;
}

/*
 * Matches @from (unless @skip_first: a mount point, hidden by what is mounted on
 * it) and its ancestors up to the root of its filesystem: past the mount's own
 * root when the mount is a bind of a subdirectory, since the file's real
 * parents decide, not where it was bound.
 */
static enum walk_result walk_one_mount(struct rbac_query *q, struct dentry *from, bool first,
				       bool skip_first, bool exclusive)
{
	enum walk_result result = WALK_MOUNT_TOP;
	struct dentry *d = from;
	unsigned int seq = 0;
	int steps = 0;

	rcu_read_lock();
	/* The last try holds renames off (as prepend_path() does): it cannot race. */
	if (exclusive)
		read_seqlock_excl(&rename_lock);
	else
		seq = read_seqbegin(&rename_lock);
	if (skip_first) {
		if (IS_ROOT(d))
			goto out;
		d = READ_ONCE(d->d_parent);
	}
	for (;;) {
		if (visit(q, d, first && d == from)) {
			result = WALK_FOUND;
			break;
		}
		if (IS_ROOT(d))
			break;
		if (++steps > RBAC_MAX_STEPS) {
			result = WALK_GAVE_UP;
			break;
		}
		d = READ_ONCE(d->d_parent);
	}
out:
	if (exclusive) {
		read_sequnlock_excl(&rename_lock);
	} else if (read_seqretry(&rename_lock, seq)) {
		q->matched = 0;
		result = WALK_RACED;
	}
	rcu_read_unlock();
	return result;
}

void rbac_walk(struct rbac_query *q, struct vfsmount *mnt, struct dentry *dentry, bool may_sleep)
{
	struct path p = { .mnt = mnt, .dentry = dentry };
	enum walk_result r = WALK_RACED;
	bool first = true, held = false;
	int tries;

	q->matched = 0;
	q->complete = 1;
	q->cacheable = 1;
	for (;;) {
		for (tries = 0; tries < RBAC_WALK_TRIES; tries++) {
			r = walk_one_mount(q, p.dentry, first, !first, tries == RBAC_WALK_TRIES - 1);
			if (r != WALK_RACED)
				break;
		}
		if (r == WALK_FOUND)
			break;
		/* Found above the file's own mount, or not at all: not cached. */
		q->cacheable = 0;
		if (r == WALK_GAVE_UP) {
			/* Deeper than any real tree: refused, never the `/` rule's. */
			q->complete = RBAC_WALK_UNKNOWN;
			break;
		}
		if (r != WALK_MOUNT_TOP || !may_sleep) {
			/* Not crossing mounts here: the rest is the subject's `/` rule's. */
			q->complete = 0;
			break;
		}
		/* follow_up() trades the references it is given for the parent mount's. */
		if (!held) {
			path_get(&p);
			held = true;
		}
		if (!follow_up(&p))
			break;
		first = false;
	}
	if (held)
		path_put(&p);
}
