// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_brute settings, /sys/kernel/security/rampart/brute/:
 *   mode           (0600) off | audit | enforce
 *   fork_delay_ms  (0600) delay of each fork of a throttled process (default 30000; 0: no throttling)
 *   throttle_secs  (0600) how long a throttle lasts after the last crash (default 1800)
 *   ban_secs       (0600) how long a setuid ban lasts (default 900; 0: no bans)
 *   max_bans       (0600) bound of the ban table (1-64, default 64)
 *   max_throttles  (0600) bound of the throttle table (1-64, default 64)
 *   bans           (0600) read: "uid <uid> expires_in <s>"; write: "lift <uid>" or "lift all"
 *   throttles      (0444) "pid <tgid> expires_in <s>"
 *   lock           (0600) write 1 to freeze the settings and pin the module
 *   hook_mode      (0444) lsm | fallback [without: missing probes]
 *   stats          (0444) counters
 * Parsing, validation and state are in Rust; a rejected write changes nothing.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/timekeeping.h>

#include <rampart/core.h>
#include "shim.h"

static const struct rampart_setting brute_settings[] = {
	{ "mode", 0600, BRUTE_SETTING_MODE },
	{ "fork_delay_ms", 0600, BRUTE_SETTING_FORK_DELAY },
	{ "throttle_secs", 0600, BRUTE_SETTING_THROTTLE_SECS },
	{ "ban_secs", 0600, BRUTE_SETTING_BAN_SECS },
	{ "max_bans", 0600, BRUTE_SETTING_MAX_BANS },
	{ "max_throttles", 0600, BRUTE_SETTING_MAX_THROTTLES },
	{ "bans", 0600, BRUTE_SETTING_BANS },
	{ "throttles", 0444, BRUTE_SETTING_THROTTLES },
	{ "lock", 0600, BRUTE_SETTING_LOCK },
	{ "stats", 0444, BRUTE_SETTING_STATS },
	{ "hook_mode", 0444, BRUTE_SETTING_HOOK_MODE },
};

static size_t brute_show(int id, char *buf, size_t cap)
{
	size_t len;

	if (id == BRUTE_SETTING_HOOK_MODE) {
		if (rampart_brute_hook_mode() == BRUTE_HOOKS_LSM)
			return scnprintf(buf, cap, "lsm\n");
		if (rampart_brute_missing_probes()[0])
			return scnprintf(buf, cap, "fallback without:%s\n",
					 rampart_brute_missing_probes());
		return scnprintf(buf, cap, "fallback\n");
	}
	len = rampart_brute_show(id, buf, cap);
	if (id == BRUTE_SETTING_STATS && len < cap)
		len += scnprintf(buf + len, cap - len, "probe_missed %lu\n",
				 rampart_brute_probe_missed());
	return len;
}

static int brute_store(int id, const char *buf, size_t len)
{
	return rampart_brute_store(id, buf, len);
}

static struct rampart_settings brute_fs = {
	.dir = "brute",
	.settings = brute_settings,
	.count = ARRAY_SIZE(brute_settings),
	.show = brute_show,
	.store = brute_store,
	.owner = THIS_MODULE,
};

int rampart_brute_settings_init(void)
{
	return rampart_settings_register(&brute_fs);
}

void rampart_brute_settings_exit(void)
{
	rampart_settings_unregister(&brute_fs);
}

void rampart_brute_report_lift(u32 uid)
{
	char object[24];

	scnprintf(object, sizeof(object), "uid %u", uid);
	brute_report(current, RAMPART_NOTICE, object, "ban lifted");
}

u64 rampart_brute_now_ms(void)
{
	return div_u64(ktime_get_mono_fast_ns(), NSEC_PER_MSEC);
}

static char *mode = "enforce";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "Mode at load time: off, audit or enforce (default enforce)");

const char *rampart_brute_initial_mode(void)
{
	return mode;
}
