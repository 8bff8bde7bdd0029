// SPDX-License-Identifier: GPL-2.0
/*
 * The policy in force and /sys/kernel/security/rampart/rbac/policy, where root
 * loads a compiled policy (rampart-policy load) with a single write(2). Every
 * byte is validated (in Rust) before anything changes: a rejected policy leaves
 * the old one in force, and the reason is kept for `status`. The swap is one
 * pointer published with RCU; hooks that may sleep take a reference, the others
 * read under rcu_read_lock, and the old policy is freed after both are done.
 */
#define pr_fmt(fmt) "rampart_rbac: " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "shim.h"

/* As MAX_POLICY_BYTES in kmod/common/src/rbac.rs. */
#define RBAC_POLICY_MAX (4 << 20)

struct rbac_policy {
	refcount_t refs;
	size_t len;
	u64 id;
	u64 generation;	/* distinct for every load (subject.c's cache key) */
	struct rbac_layout layout;
	u8 *bytes;
};

/* Generations handed out; guarded by rbac_load_lock. */
static u64 rbac_generations;

static struct rbac_policy __rcu *rbac_current;
/* rbac_current's generation (0: none), for verdict.c, which reads no policy. */
u64 rbac_policy_live_gen;
static DEFINE_MUTEX(rbac_load_lock);
static char rbac_last_load[160] = "none";
static struct dentry *rbac_policy_file;

struct rbac_policy *rbac_policy_get(void)
{
	struct rbac_policy *p;

	rcu_read_lock();
	p = rcu_dereference(rbac_current);
	if (p && !refcount_inc_not_zero(&p->refs))
		p = NULL;
	rcu_read_unlock();
	return p;
}

void rbac_policy_view(const struct rbac_policy *p, struct rbac_policy_view *view)
{
	view->bytes = p->bytes;
	view->len = p->len;
	view->gen = p->generation;
	view->layout = p->layout;
}

void rbac_policy_peek(struct rbac_policy_view *view)
{
	struct rbac_policy *p = rcu_dereference(rbac_current);

	if (p)
		rbac_policy_view(p, view);
	else
		view->bytes = NULL;
}

/* Drops a reference; the last one frees the policy (process context only). */
void rbac_policy_put(struct rbac_policy *p)
{
	if (p && refcount_dec_and_test(&p->refs)) {
		kvfree(p->bytes);
		kfree(p);
	}
}

/* Loads serialise on rbac_load_lock, which also guards rbac_last_load. */
static ssize_t rbac_policy_load(const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct rbac_policy *p, *old;
	const char *message = "";
	u8 *bytes;
	int err;

	if (*ppos != 0) {
		/* Split writes would load a prefix: the policy must come in one write(2). */
		scnprintf(rbac_last_load, sizeof(rbac_last_load),
			  "rejected: not written in one write(2) (use rampart-policy load)");
		return -EINVAL;
	}
	if (len == 0 || len > RBAC_POLICY_MAX) {
		scnprintf(rbac_last_load, sizeof(rbac_last_load), "rejected: %zu bytes (1 to %d)",
			  len, RBAC_POLICY_MAX);
		rampart_rbac_count_load(false);
		return -EFBIG;
	}
	bytes = kvmalloc(len, GFP_KERNEL);
	if (!bytes)
		return -ENOMEM;
	if (copy_from_user(bytes, ubuf, len)) {
		kvfree(bytes);
		return -EFAULT;
	}
	err = rampart_rbac_validate(bytes, len, &message);
	if (err) {
		kvfree(bytes);
		scnprintf(rbac_last_load, sizeof(rbac_last_load), "rejected: %s", message);
		pr_warn("policy rejected (%s); the policy in force stays\n", message);
		rampart_rbac_count_load(false);
		return -EINVAL;
	}
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		kvfree(bytes);
		return -ENOMEM;
	}
	refcount_set(&p->refs, 1);
	p->bytes = bytes;
	p->len = len;
	p->id = rampart_rbac_policy_id(bytes, len);
	p->generation = ++rbac_generations;
	rampart_rbac_layout(bytes, len, &p->layout);

	old = rcu_replace_pointer(rbac_current, p, lockdep_is_held(&rbac_load_lock));
	WRITE_ONCE(rbac_policy_live_gen, p->generation);
	synchronize_rcu();
	rbac_policy_put(old);

	scnprintf(rbac_last_load, sizeof(rbac_last_load), "ok");
	rampart_rbac_count_load(true);
	pr_info("policy %016llx loaded (%zu bytes)\n", p->id, len);
	*ppos = len;
	return len;
}

static ssize_t rbac_policy_write(struct file *file, const char __user *ubuf, size_t len,
				 loff_t *ppos)
{
	ssize_t ret;

	if (!capable(CAP_SYS_ADMIN) || rampart_rbac_locked())
		return -EPERM;
	mutex_lock(&rbac_load_lock);
	ret = rbac_policy_load(ubuf, len, ppos);
	mutex_unlock(&rbac_load_lock);
	return ret;
}

static const struct file_operations rbac_policy_fops = {
	.owner = THIS_MODULE,
	.write = rbac_policy_write,
	.llseek = noop_llseek,
};

int rbac_policy_fs_init(struct dentry *dir)
{
	rbac_policy_file = securityfs_create_file("policy", 0200, dir, NULL, &rbac_policy_fops);
	if (IS_ERR(rbac_policy_file)) {
		int err = PTR_ERR(rbac_policy_file);

		rbac_policy_file = NULL;
		return err;
	}
	return 0;
}

void rbac_policy_fs_exit(void)
{
	securityfs_remove(rbac_policy_file);
	rbac_policy_file = NULL;
}

/* Frees the policy at unload (no hook runs any more). */
void rbac_policy_exit(void)
{
	struct rbac_policy *old;

	mutex_lock(&rbac_load_lock);
	old = rcu_replace_pointer(rbac_current, NULL, lockdep_is_held(&rbac_load_lock));
	WRITE_ONCE(rbac_policy_live_gen, 0);
	mutex_unlock(&rbac_load_lock);
	synchronize_rcu();
	rbac_policy_put(old);
}

size_t rbac_policy_status(char *buf, size_t cap)
{
	struct rbac_policy *p = rbac_policy_get();
	size_t len;

	len = scnprintf(buf, cap, "mode %s\n", rampart_rbac_mode_name());
	if (p) {
		len += scnprintf(buf + len, cap - len, "policy %016llx %zu bytes ", p->id, p->len);
		len += rampart_rbac_describe(p->bytes, p->len, buf + len, cap - len);
		rbac_policy_put(p);
	} else {
		len += scnprintf(buf + len, cap - len, "policy none\n");
	}
	mutex_lock(&rbac_load_lock);
	len += scnprintf(buf + len, cap - len, "last_load %s\n", rbac_last_load);
	mutex_unlock(&rbac_load_lock);
	return len;
}
