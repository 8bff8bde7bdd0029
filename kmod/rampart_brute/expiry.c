// SPDX-License-Identifier: GPL-2.0
/*
 * Ends bans and throttles on time. Lookups already ignore expired entries;
 * this sweep removes them and reports each one ("ban expired", "throttle
 * expired"). It runs once a second while a table has entries and not at all
 * otherwise.
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/workqueue.h>

#include "shim.h"

static void brute_expiry_sweep(struct work_struct *work);
static DECLARE_DELAYED_WORK(brute_expiry_work, brute_expiry_sweep);
static bool brute_expiry_stopped;

static void brute_expiry_sweep(struct work_struct *work)
{
	char object[32];
	s64 id;
	u8 kind;

	while (rampart_brute_pop_expired(&kind, &id)) {
		if (kind == BRUTE_EXPIRED_BAN) {
			scnprintf(object, sizeof(object), "uid %lld", id);
			brute_report(NULL, RAMPART_NOTICE, object, "ban expired");
		} else {
			scnprintf(object, sizeof(object), "pid %lld", id);
			brute_report(NULL, RAMPART_NOTICE, object, "throttle expired");
		}
	}
	if (!rampart_brute_tables_empty() && !READ_ONCE(brute_expiry_stopped))
		schedule_delayed_work(&brute_expiry_work, HZ);
}

/* Makes sure the sweep runs while there is something to expire; callable from any context. */
void brute_expiry_kick(void)
{
	if (!READ_ONCE(brute_expiry_stopped))
		schedule_delayed_work(&brute_expiry_work, HZ);
}

void brute_expiry_stop(void)
{
	WRITE_ONCE(brute_expiry_stopped, true);
	cancel_delayed_work_sync(&brute_expiry_work);
}
