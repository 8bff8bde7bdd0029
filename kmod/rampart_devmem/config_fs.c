// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_devmem settings in securityfs, /sys/kernel/security/rampart/devmem/:
 *   mode       (0600) off | audit | enforce
 *   allow      (0600) executables still allowed, comma or newline separated
 *   lock       (0600) write 1 to freeze the settings and pin the module until reboot
 *   hook_mode  (0444) lsm | fallback
 *   stats      (0444) counters
 * Parsing, validation and state are in Rust; a rejected write changes nothing.
 * The file plumbing is rampart_core's (rampart_settings_register).
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include <rampart/core.h>
#include "shim.h"

static const struct rampart_setting devmem_settings[] = {
	{ "mode", 0600, DEVMEM_SETTING_MODE },
	{ "allow", 0600, DEVMEM_SETTING_ALLOW },
	{ "lock", 0600, DEVMEM_SETTING_LOCK },
	{ "stats", 0444, DEVMEM_SETTING_STATS },
	{ "hook_mode", 0444, DEVMEM_SETTING_HOOK_MODE },
};

static size_t devmem_show(int id, char *buf, size_t cap)
{
	size_t len;

	if (id == DEVMEM_SETTING_HOOK_MODE)
		return scnprintf(buf, cap, "%s\n",
				 rampart_devmem_hook_mode() == DEVMEM_HOOKS_LSM ? "lsm" : "fallback");
	len = rampart_devmem_show(id, buf, cap);
	if (id == DEVMEM_SETTING_STATS && len < cap)
		len += scnprintf(buf + len, cap - len, "probe_missed %lu\n",
				 rampart_devmem_probe_missed());
	return len;
}

static int devmem_store(int id, const char *buf, size_t len)
{
	return rampart_devmem_store(id, buf, len);
}

static struct rampart_settings devmem_fs = {
	.dir = "devmem",
	.settings = devmem_settings,
	.count = ARRAY_SIZE(devmem_settings),
	.show = devmem_show,
	.store = devmem_store,
	.owner = THIS_MODULE,
};

int rampart_devmem_fs_init(void)
{
	return rampart_settings_register(&devmem_fs);
}

void rampart_devmem_fs_exit(void)
{
	rampart_settings_unregister(&devmem_fs);
}

static char *mode = "enforce";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "Mode at load time: off, audit or enforce (default enforce)");

const char *rampart_devmem_initial_mode(void)
{
	return mode;
}
