// SPDX-License-Identifier: GPL-2.0
/*
 * Fork delays. A throttled process waits before each fork, killably, and every
 * waiter is woken when the module unloads so unloading never waits out a delay.
 *
 * In lsm mode the hook layer itself waits, in the kernel's fork hook point
 * before the child exists, for the delay the handler returns: no module code
 * runs during the wait, and it ends when any module unregisters. In fallback mode the fork is seen
 * from a kprobe, where sleeping is not allowed: the wait is queued as task work
 * and runs when the parent next returns to user space, right after the fork.
 * Queued work runs module code, so unloading waits until none is pending.
 */
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/wait.h>

#include "shim.h"

static DECLARE_WAIT_QUEUE_HEAD(brute_waiters);
static bool brute_stopping;
static atomic_t brute_pending = ATOMIC_INIT(0);

void brute_delay_now(u32 ms)
{
	wait_event_killable_timeout(brute_waiters, READ_ONCE(brute_stopping),
				    msecs_to_jiffies(ms));
}

struct brute_delay_work {
	struct callback_head head;
	u32 ms;
};

static void brute_delay_work_fn(struct callback_head *head)
{
	struct brute_delay_work *work = container_of(head, struct brute_delay_work, head);

	brute_delay_now(work->ms);
	kfree(work);
	/*
	 * The unloader frees this code once the count drops to zero and, before
	 * freeing it, free_module() waits for RCU readers: doing the drop inside
	 * a read-side section leaves only the return outside it.
	 */
	rcu_read_lock();
	if (atomic_dec_and_test(&brute_pending))
		wake_up_all(&brute_waiters);
	rcu_read_unlock();
}

/* Queues a delay for current's return to user space; false when it could not (counted by the caller). */
bool brute_delay_on_return(u32 ms)
{
	struct brute_delay_work *work;

	if (READ_ONCE(brute_stopping))
		return false;
	work = kmalloc(sizeof(*work), GFP_ATOMIC);
	if (!work)
		return false;
	work->ms = ms;
	init_task_work(&work->head, brute_delay_work_fn);
	atomic_inc(&brute_pending);
	if (task_work_add(current, &work->head, TWA_RESUME)) {
		atomic_dec(&brute_pending);
		kfree(work);
		return false;
	}
	return true;
}

/* Ends every wait now and makes later ones return at once; called before the hooks are detached. */
void brute_delay_stop(void)
{
	WRITE_ONCE(brute_stopping, true);
	wake_up_all(&brute_waiters);
}

/* Waits until no queued delay is left; called after the hooks are detached. */
void brute_delay_drain(void)
{
	wait_event(brute_waiters, atomic_read(&brute_pending) == 0);
}
