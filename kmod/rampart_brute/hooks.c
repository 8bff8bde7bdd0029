// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_brute hook attachment. With rampart's hook layer (mode "lsm"):
 * task_crash (get_signal(), before a core dump), task_fork (kernel_clone(),
 * before the child exists; the delay sleeps there) and bprm_check. Without it
 * (mode "fallback"): a kprobe on do_coredump() (kernels with CONFIG_COREDUMP,
 * as distributions have), a kprobe on kernel_clone() whose delay runs on the
 * parent's return to user space (right after the fork, since kprobe handlers
 * cannot sleep), and a kretprobe on security_bprm_check() whose denial
 * replaces the return value. docs/hook-modes.md has the comparison.
 *
 * Only the fork hook sleeps, and only in lsm mode, where the hook layer allows it.
 */
#define pr_fmt(fmt) "rampart_brute: " fmt

#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include <rampart/core.h>
#include <rampart/hooks_api.h>
#include "shim.h"

static int hook_mode;

/* Reports for @task, or for the kernel itself (expiry) when @task is NULL. */
void brute_report(struct task_struct *task, enum rampart_decision d, const char *object,
		  const char *reason)
{
	struct rampart_subject s;

	if (task) {
		rampart_subject_fill(&s, task);
	} else {
		memset(&s, 0, sizeof(s));
		strscpy(s.comm, "rampart_brute", sizeof(s.comm));
		s.exe = "(kernel)";
	}
	rampart_event_emit(&s, "brute", d, object, reason);
}

/* The crash itself, naming the remote ends of the task's connected sockets. */
static void brute_report_crash(const char *object)
{
	struct rampart_subject s;
	char peers[384];

	rampart_subject_fill(&s, current);
	brute_crash_peers(peers, sizeof(peers));
	rampart_event_emit_peers(&s, "brute", RAMPART_NOTICE, object, "crash observed", peers);
}

static void brute_crash(int sig, const kernel_siginfo_t *info)
{
	struct brute_crash_facts f;
	char object[48];
	unsigned int killed;
	u32 out;

	brute_crash_facts(&f, sig, info);
	out = rampart_brute_on_crash(&f);
	if (!(out & BRUTE_CRASH))
		return;
	scnprintf(object, sizeof(object), "signal %d code %d", sig, f.code);
	brute_report_crash(object);
	if (out & (BRUTE_THROTTLE_NEW | BRUTE_THROTTLE_FULL | BRUTE_THROTTLE_QUOTA)) {
		scnprintf(object, sizeof(object), "pid %d", f.parent_tgid);
		brute_report(current, RAMPART_NOTICE, object,
			     out & BRUTE_THROTTLE_NEW ? "throttle started" :
			     out & BRUTE_THROTTLE_FULL ? "throttle table full" :
			     "throttle quota of the uid reached");
	}
	if (out & (BRUTE_BAN_NEW | BRUTE_BAN_FULL)) {
		scnprintf(object, sizeof(object), "uid %u", f.uid);
		brute_report(current, RAMPART_NOTICE, object,
			     out & BRUTE_BAN_NEW ? "ban started" : "ban table full");
	}
	if (out & BRUTE_KILL_COPIES) {
		killed = brute_kill_copies(f.uid);
		if (killed) {
			rampart_brute_count(BRUTE_STAT_COPIES_KILLED, killed);
			scnprintf(object, sizeof(object), "%u processes of uid %u", killed, f.uid);
			brute_report(current, RAMPART_NOTICE, object, "copies killed");
		}
	}
	if (out & (BRUTE_THROTTLE_NEW | BRUTE_BAN_NEW))
		brute_expiry_kick();
}

/* The delay for a fork by current, reported; 0 when none applies or in audit mode. */
static u32 brute_fork_delay(u64 clone_flags)
{
	char object[32];
	bool audit = false;
	u32 ms;

	if (clone_flags & CLONE_THREAD)
		return 0;
	ms = rampart_brute_on_fork(task_tgid_nr(current), current->group_leader->start_boottime,
				   &audit);
	if (!ms)
		return 0;
	scnprintf(object, sizeof(object), "fork delayed %u ms", ms);
	brute_report(current, audit ? RAMPART_AUDIT : RAMPART_NOTICE, object,
		     "fork delayed: a child running the same program crashed");
	return audit ? 0 : ms;
}

/*
 * An exec that raises privilege (setuid, setgid or file capabilities: the
 * kernel's bprm->secureexec, which the capability module has just computed)
 * by a uid banned after a crash.
 */
static int brute_exec(struct linux_binprm *bprm)
{
	u8 verdict;

	if (!bprm->secureexec)
		return 0;
	verdict = rampart_brute_on_setid_exec(from_kuid_munged(&init_user_ns, current_uid()));
	if (verdict == BRUTE_IGNORE)
		return 0;
	brute_report(current, verdict == BRUTE_DENY ? RAMPART_DENY : RAMPART_AUDIT,
		     bprm->filename, "setuid/setgid exec by a uid banned after a crash");
	return verdict == BRUTE_DENY ? -EPERM : 0;
}

/* lsm mode */

static int brute_task_crash(int sig, const struct kernel_siginfo *info)
{
	brute_crash(sig, info);
	return 0;
}

/* The delay, for the hook layer to wait out after every handler has returned. */
static int brute_task_fork(u64 clone_flags)
{
	return min_t(u32, brute_fork_delay(clone_flags), INT_MAX);
}

static int brute_bprm_creds_from_file(struct linux_binprm *bprm, const struct file *file)
{
	return brute_exec(bprm);
}

static struct rampart_hook_ops brute_hook_ops = {
	.abi = RAMPART_HOOKS_ABI,
	.name = "rampart_brute",
	.task_crash = brute_task_crash,
	.task_fork = brute_task_fork,
	.bprm_creds_from_file = brute_bprm_creds_from_file,
};

/* fallback mode */

#define ARG(regs, n) regs_get_kernel_argument(regs, n)

static int coredump_pre(struct kprobe *p, struct pt_regs *regs)
{
	const kernel_siginfo_t *info = (const kernel_siginfo_t *)ARG(regs, 0);

	if (info)
		brute_crash(info->si_signo, info);
	return 0;
}

static int clone_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct kernel_clone_args *args = (struct kernel_clone_args *)ARG(regs, 0);
	char object[32];
	u32 ms;

	if (!args || args->kthread || (current->flags & PF_KTHREAD))
		return 0;
	ms = brute_fork_delay(args->flags);
	if (ms && !brute_delay_on_return(ms)) {
		rampart_brute_count(BRUTE_STAT_DELAY_LOST, 1);
		scnprintf(object, sizeof(object), "fork delay of %u ms", ms);
		brute_report(current, RAMPART_NOTICE, object, "delay lost (no memory or unloading)");
	}
	return 0;
}

/*
 * security_bprm_creds_from_file(): secureexec is known only once it returns (the
 * capability module computes it inside), so the entry keeps the bprm and the
 * return handler decides. The function only computes the new credentials into
 * the bprm, which exec discards when it fails.
 */
static int exec_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(struct linux_binprm **)ri->data = (struct linux_binprm *)ARG(regs, 0);
	return 0;
}

static int exec_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct linux_binprm *bprm = *(struct linux_binprm **)ri->data;
	int err;

	if (!bprm || regs_return_value(regs))
		return 0;
	err = brute_exec(bprm);
	if (err)
		regs_set_return_value(regs, err);
	return 0;
}

static struct kprobe coredump_probe = {
	.symbol_name = "do_coredump",
	.pre_handler = coredump_pre,
};

static struct kprobe clone_probe = {
	.symbol_name = "kernel_clone",
	.pre_handler = clone_pre,
};

static struct kretprobe exec_probe = {
	.kp.symbol_name = "security_bprm_creds_from_file",
	.entry_handler = exec_entry,
	.handler = exec_return,
	.data_size = sizeof(struct linux_binprm *),
	.maxactive = 64,
};

static bool coredump_attached, clone_attached, exec_attached;
static char missing[128];

static void note_missing(const char *symbol)
{
	strlcat(missing, " ", sizeof(missing));
	strlcat(missing, symbol, sizeof(missing));
}

static void unregister_probes(void)
{
	if (coredump_attached)
		unregister_kprobe(&coredump_probe);
	if (clone_attached)
		unregister_kprobe(&clone_probe);
	if (exec_attached)
		unregister_kretprobe(&exec_probe);
	coredump_attached = clone_attached = exec_attached = false;
}

int rampart_brute_attach(void)
{
	int err;

	err = rampart_hooks_attach(&brute_hook_ops);
	if (!err) {
		hook_mode = BRUTE_HOOKS_LSM;
		return 0;
	}
	if (err != -ENOENT)
		return err;

	missing[0] = '\0';
	coredump_attached = !register_kprobe(&coredump_probe);
	if (!coredump_attached) {
		/* Without crash detection nothing else can ever fire. */
		pr_err("no hook layer and no kprobe on do_coredump (kernel without CONFIG_COREDUMP?)\n");
		return -ENOENT;
	}
	clone_attached = !register_kprobe(&clone_probe);
	if (!clone_attached)
		note_missing("kernel_clone");
	exec_attached = !register_kretprobe(&exec_probe);
	if (!exec_attached)
		note_missing("security_bprm_creds_from_file");
	if (missing[0])
		pr_warn("fallback without:%s\n", missing);
	hook_mode = BRUTE_HOOKS_FALLBACK;
	return 0;
}

void rampart_brute_detach(void)
{
	/* Sleeping fork hooks return at once from here on, so detaching does not wait them out. */
	brute_delay_stop();
	if (hook_mode == BRUTE_HOOKS_LSM)
		rampart_hooks_detach(&brute_hook_ops);
	else if (hook_mode == BRUTE_HOOKS_FALLBACK)
		unregister_probes();
	hook_mode = 0;
	brute_delay_drain();
	brute_expiry_stop();
}

int rampart_brute_hook_mode(void)
{
	return hook_mode;
}

unsigned long rampart_brute_probe_missed(void)
{
	unsigned long total = 0;

	if (coredump_attached)
		total += coredump_probe.nmissed;
	if (clone_attached)
		total += clone_probe.nmissed;
	if (exec_attached)
		total += exec_probe.nmissed;
	return total;
}

const char *rampart_brute_missing_probes(void)
{
	return missing;
}
