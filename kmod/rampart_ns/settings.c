// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_ns settings, /sys/kernel/security/rampart/ns/:
 *   mode              (0600) off | audit | enforce, for every protection below
 *   userns, chroot_double, chroot_mount, chroot_pivot, chroot_mknod,
 *   chroot_chmod, chroot_fchdir, chroot_kill, chroot_ptrace, chroot_unshare,
 *   chroot_setns, chroot_setcap, chroot_nice, chroot_sysctl, chroot_unix,
 *   chroot_shmat, chroot_caps (off)
 *                     (0600) 1 | 0: each protection on its own
 *   userns_allow_exe  (0600) executables that may still create user namespaces
 *   userns_allow_uid  (0600) uids that may still create user namespaces
 *   lock              (0600) write 1 to freeze the settings and pin the module
 *   hook_mode         (0444) lsm | fallback [without: missing probes]
 *   stats             (0444) counters
 * Parsing, validation and state are in Rust; a rejected write changes nothing.
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include <rampart/core.h>
#include "shim.h"

static const struct rampart_setting ns_settings[] = {
	{ "mode", 0600, NS_SETTING_MODE },
	{ "userns", 0600, NS_SETTING_TOGGLE + NS_USERNS },
	{ "chroot_double", 0600, NS_SETTING_TOGGLE + NS_CHROOT_DOUBLE },
	{ "chroot_mount", 0600, NS_SETTING_TOGGLE + NS_CHROOT_MOUNT },
	{ "chroot_pivot", 0600, NS_SETTING_TOGGLE + NS_CHROOT_PIVOT },
	{ "chroot_mknod", 0600, NS_SETTING_TOGGLE + NS_CHROOT_MKNOD },
	{ "chroot_chmod", 0600, NS_SETTING_TOGGLE + NS_CHROOT_CHMOD },
	{ "chroot_fchdir", 0600, NS_SETTING_TOGGLE + NS_CHROOT_FCHDIR },
	{ "chroot_kill", 0600, NS_SETTING_TOGGLE + NS_CHROOT_KILL },
	{ "chroot_ptrace", 0600, NS_SETTING_TOGGLE + NS_CHROOT_PTRACE },
	{ "chroot_unshare", 0600, NS_SETTING_TOGGLE + NS_CHROOT_UNSHARE },
	{ "chroot_setns", 0600, NS_SETTING_TOGGLE + NS_CHROOT_SETNS },
	{ "chroot_setcap", 0600, NS_SETTING_TOGGLE + NS_CHROOT_SETCAP },
	{ "chroot_nice", 0600, NS_SETTING_TOGGLE + NS_CHROOT_NICE },
	{ "chroot_sysctl", 0600, NS_SETTING_TOGGLE + NS_CHROOT_SYSCTL },
	{ "chroot_caps", 0600, NS_SETTING_TOGGLE + NS_CHROOT_CAPS },
	{ "chroot_unix", 0600, NS_SETTING_TOGGLE + NS_CHROOT_UNIX },
	{ "chroot_shmat", 0600, NS_SETTING_TOGGLE + NS_CHROOT_SHMAT },
	{ "userns_allow_exe", 0600, NS_SETTING_ALLOW_EXE },
	{ "userns_allow_uid", 0600, NS_SETTING_ALLOW_UID },
	{ "lock", 0600, NS_SETTING_LOCK },
	{ "stats", 0444, NS_SETTING_STATS },
	{ "hook_mode", 0444, NS_SETTING_HOOK_MODE },
};

static size_t ns_show(int id, char *buf, size_t cap)
{
	size_t len;

	if (id == NS_SETTING_HOOK_MODE) {
		if (rampart_ns_hook_mode() == NS_HOOKS_LSM)
			return scnprintf(buf, cap, "lsm\n");
		if (rampart_ns_missing_probes()[0])
			return scnprintf(buf, cap, "fallback without:%s\n", rampart_ns_missing_probes());
		return scnprintf(buf, cap, "fallback\n");
	}
	len = rampart_ns_show(id, buf, cap);
	if (id == NS_SETTING_STATS && len < cap)
		len += scnprintf(buf + len, cap - len, "probe_missed %lu\n", rampart_ns_probe_missed());
	return len;
}

static int ns_store(int id, const char *buf, size_t len)
{
	return rampart_ns_store(id, buf, len);
}

static struct rampart_settings ns_fs = {
	.dir = "ns",
	.settings = ns_settings,
	.count = ARRAY_SIZE(ns_settings),
	.show = ns_show,
	.store = ns_store,
	.owner = THIS_MODULE,
};

int rampart_ns_settings_init(void)
{
	return rampart_settings_register(&ns_fs);
}

void rampart_ns_settings_exit(void)
{
	rampart_settings_unregister(&ns_fs);
}

static char *mode = "enforce";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "Mode at load time: off, audit or enforce (default enforce)");

const char *rampart_ns_initial_mode(void)
{
	return mode;
}
