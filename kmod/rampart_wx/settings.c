// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_wx settings, /sys/kernel/security/rampart/wx/:
 *   mode             (0600) off | audit | enforce: the W^X rules
 *   exceptions       (0600) programs exempt from W^X (JITs, emulators), one
 *                           absolute path per line, resolved to the files they
 *                           name when written; PaX's user.pax.flags "m" also
 *                           exempts a program (hook layer only)
 *   tpe_mode         (0600) off | audit | enforce: trusted path execution
 *   tpe_trusted_gid  (0600) a group whose members TPE trusts, or "none"
 *   lock             (0600) write 1 to freeze the settings and pin the module
 *   hook_mode        (0444) lsm | fallback [without: missing probes]
 *   stats            (0444) counters
 * Parsing, validation and state are in Rust; a rejected write changes nothing.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sprintf.h>

#include <rampart/core.h>
#include "shim.h"

static const struct rampart_setting wx_settings[] = {
	{ "mode", 0600, WX_SETTING_MODE },
	{ "exceptions", 0600, WX_SETTING_EXCEPTIONS },
	{ "tpe_mode", 0600, WX_SETTING_TPE_MODE },
	{ "tpe_trusted_gid", 0600, WX_SETTING_TPE_TRUSTED_GID },
	{ "lock", 0600, WX_SETTING_LOCK },
	{ "stats", 0444, WX_SETTING_STATS },
	{ "hook_mode", 0444, WX_SETTING_HOOK_MODE },
};

static size_t wx_show(int id, char *buf, size_t cap)
{
	char missing[160];

	if (id != WX_SETTING_HOOK_MODE)
		return rampart_wx_show(id, buf, cap);
	if (rampart_wx_hook_mode() == WX_HOOKS_LSM)
		return scnprintf(buf, cap, "lsm\n");
	rampart_wx_missing_probes(missing, sizeof(missing));
	if (missing[0])
		return scnprintf(buf, cap, "fallback without:%s\n", missing);
	return scnprintf(buf, cap, "fallback\n");
}

static int wx_store(int id, const char *buf, size_t len)
{
	return rampart_wx_store(id, buf, len);
}

static struct rampart_settings wx_fs = {
	.dir = "wx",
	.settings = wx_settings,
	.count = ARRAY_SIZE(wx_settings),
	.show = wx_show,
	.store = wx_store,
	.owner = THIS_MODULE,
};

int rampart_wx_settings_init(void)
{
	return rampart_settings_register(&wx_fs);
}

void rampart_wx_settings_exit(void)
{
	rampart_settings_unregister(&wx_fs);
}

static char *mode = "enforce";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "W^X mode at load time: off, audit or enforce (default enforce)");

const char *rampart_wx_initial_mode(void)
{
	return mode;
}
