// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_rbac settings, /sys/kernel/security/rampart/rbac/:
 *   mode       (0600) off | audit | enforce | learn (learn: everything, full-system)
 *   policy     (0200) a compiled policy, in one write(2) (rampart-policy load)
 *   status     (0444) mode, the policy in force (id, size, tables), last load result
 *   stats      (0444) counters
 *   lock       (0600) write 1 to freeze mode and policy and pin the module
 *   hook_mode  (0444) lsm | fallback
 * Per-role and per-subject learning is marked in the policy itself.
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include <rampart/core.h>
#include "shim.h"

static const struct rampart_setting rbac_settings[] = {
	{ "mode", 0600, RBAC_SETTING_MODE },
	{ "status", 0444, RBAC_SETTING_STATUS },
	{ "stats", 0444, RBAC_SETTING_STATS },
	{ "lock", 0600, RBAC_SETTING_LOCK },
	{ "hook_mode", 0444, RBAC_SETTING_HOOK_MODE },
};

static size_t rbac_show(int id, char *buf, size_t cap)
{
	if (id == RBAC_SETTING_HOOK_MODE)
		return scnprintf(buf, cap, "%s\n",
				 rampart_rbac_hook_mode() == RBAC_HOOKS_LSM ? "lsm" :
				 "fallback (open and exec only)");
	if (id == RBAC_SETTING_STATUS)
		return rbac_policy_status(buf, cap);
	return rampart_rbac_show(id, buf, cap);
}

static int rbac_store(int id, const char *buf, size_t len)
{
	return rampart_rbac_store(id, buf, len);
}

static struct rampart_settings rbac_fs = {
	.dir = "rbac",
	.settings = rbac_settings,
	.count = ARRAY_SIZE(rbac_settings),
	.show = rbac_show,
	.store = rbac_store,
	.owner = THIS_MODULE,
};

int rampart_rbac_settings_init(void)
{
	int err = rampart_settings_register(&rbac_fs);

	if (err)
		return err;
	err = rbac_policy_fs_init(rbac_fs.dentry);
	if (err)
		rampart_settings_unregister(&rbac_fs);
	return err;
}

void rampart_rbac_settings_exit(void)
{
	rbac_policy_fs_exit();
	rampart_settings_unregister(&rbac_fs);
}

static char *mode = "enforce";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "Mode at load time: off, audit, enforce or learn (default enforce; nothing is enforced until a policy is loaded)");

const char *rampart_rbac_initial_mode(void)
{
	return mode;
}
