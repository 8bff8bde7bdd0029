// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_devmem hook attachment. On a kernel with rampart's hook layer
 * (patches/0001-*) the handlers register with it (mode "lsm"): file_open sees
 * every open of a memory device whatever its path, locked_down sees iopl(),
 * ioperm() and MSR writes. Elsewhere (mode "fallback") two kretprobes do the
 * same job: open_port() (the open of /dev/mem and /dev/port) and
 * security_locked_down() (raw I/O ports, MSR writes); a denial replaces the
 * probed function's return value with -EPERM. open_port() has no side effect
 * to undo before it returns, and security_locked_down() is meant to fail.
 *
 * Handlers run in process context with preemption disabled (kretprobes) or in
 * an SRCU read section (lsm): everything they call does not sleep.
 */
#define pr_fmt(fmt) "rampart_devmem: " fmt

#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/security.h>
#include <linux/string.h>

#include <rampart/core.h>
#include <rampart/hooks_api.h>
#include "shim.h"

static int hook_mode;

static bool force_fallback;
module_param(force_fallback, bool, 0444);
MODULE_PARM_DESC(force_fallback, "Attach with kretprobes even where the hook layer exists (tests, benchmarks)");

/* The one decision path of both modes: 0 to allow, -EPERM to deny. */
static int devmem_check(u8 target)
{
	struct rampart_subject s;
	u8 verdict;

	rampart_subject_fill(&s, current);
	verdict = rampart_devmem_decide(target, &s.exe_id);
	switch (verdict) {
	case DEVMEM_IGNORE:
		return 0;
	case DEVMEM_ALLOWLISTED:
		rampart_event_emit(&s, "devmem", RAMPART_ALLOW, rampart_devmem_object(target),
				   "allowlisted executable");
		return 0;
	case DEVMEM_AUDIT:
		rampart_event_emit(&s, "devmem", RAMPART_AUDIT, rampart_devmem_object(target),
				   rampart_devmem_reason(target));
		return 0;
	default:
		rampart_event_emit(&s, "devmem", RAMPART_DENY, rampart_devmem_object(target),
				   rampart_devmem_reason(target));
		return -EPERM;
	}
}

static int devmem_check_inode(const struct inode *inode)
{
	u8 target;

	if (!S_ISCHR(inode->i_mode))
		return 0;
	target = rampart_devmem_target(imajor(inode), iminor(inode));
	return target == DEVMEM_TARGET_NONE ? 0 : devmem_check(target);
}

/* Names of the kernel's integrity lockdown reasons, for events and log lines. */
static const char *const integrity_names[LOCKDOWN_INTEGRITY_MAX] = {
	[LOCKDOWN_MODULE_SIGNATURE] = "unsigned module loading",
	[LOCKDOWN_DEV_MEM] = "/dev/mem,kmem,port",
	[LOCKDOWN_EFI_TEST] = "/dev/efi_test access",
	[LOCKDOWN_KEXEC] = "kexec of unsigned images",
	[LOCKDOWN_HIBERNATION] = "hibernation",
	[LOCKDOWN_PCI_ACCESS] = "direct PCI access",
	[LOCKDOWN_IOPORT] = "raw io port access",
	[LOCKDOWN_MSR] = "raw MSR access",
	[LOCKDOWN_ACPI_TABLES] = "modifying ACPI tables",
	[LOCKDOWN_DEVICE_TREE] = "modifying device tree contents",
	[LOCKDOWN_PCMCIA_CIS] = "direct PCMCIA CIS storage",
	[LOCKDOWN_TIOCSSERIAL] = "reconfiguration of serial port IO",
	[LOCKDOWN_MODULE_PARAMETERS] = "unsafe module parameters",
	[LOCKDOWN_MMIOTRACE] = "unsafe mmio",
	[LOCKDOWN_DEBUGFS] = "debugfs access",
	[LOCKDOWN_XMON_WR] = "xmon write access",
	[LOCKDOWN_BPF_WRITE_USER] = "use of bpf to write user RAM",
	[LOCKDOWN_DBG_WRITE_KERNEL] = "use of kgdb/kdb to write kernel RAM",
	[LOCKDOWN_RTAS_ERROR_INJECTION] = "RTAS error injection",
	[LOCKDOWN_XEN_USER_ACTIONS] = "Xen guest user action",
};

/*
 * Once locked, every change to the kernel's integrity that lockdown asks about
 * is refused to everyone. /dev/mem (LOCKDOWN_DEV_MEM, asked by open_port()),
 * I/O ports and MSRs keep their own rules, so allowlisted programs still work.
 */
static int devmem_check_integrity(enum lockdown_reason what)
{
	struct rampart_subject s;
	const char *name = integrity_names[what] ?: "kernel integrity";
	u8 verdict = rampart_devmem_decide_integrity();

	if (verdict != DEVMEM_AUDIT && verdict != DEVMEM_DENY)
		return 0;
	rampart_subject_fill(&s, current);
	rampart_event_emit(&s, "devmem", verdict == DEVMEM_DENY ? RAMPART_DENY : RAMPART_AUDIT,
			   name, "kernel integrity change after lock");
	return verdict == DEVMEM_DENY ? -EPERM : 0;
}

static int devmem_check_lockdown(enum lockdown_reason what)
{
	if (what == LOCKDOWN_IOPORT)
		return devmem_check(DEVMEM_TARGET_IOPORT);
	if (what == LOCKDOWN_MSR)
		return devmem_check(DEVMEM_TARGET_MSR);
	if (what == LOCKDOWN_DEV_MEM || what <= LOCKDOWN_NONE || what >= LOCKDOWN_INTEGRITY_MAX)
		return 0;
	return devmem_check_integrity(what);
}

/* lsm mode */

static int devmem_file_open(struct file *file)
{
	return devmem_check_inode(file_inode(file));
}

static struct rampart_hook_ops devmem_hook_ops = {
	.abi = RAMPART_HOOKS_ABI,
	.name = "rampart_devmem",
	.file_open = devmem_file_open,
	.locked_down = devmem_check_lockdown,
};

/* fallback mode */

struct devmem_probe_data {
	int deny;
};

/* Decides at entry; a non-zero return skips the return handler (allowed). */
static int open_port_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct devmem_probe_data *data = (struct devmem_probe_data *)ri->data;
	const struct inode *inode = (const struct inode *)regs_get_kernel_argument(regs, 0);

	data->deny = inode && devmem_check_inode(inode) != 0;
	return data->deny ? 0 : 1;
}

static int locked_down_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct devmem_probe_data *data = (struct devmem_probe_data *)ri->data;
	enum lockdown_reason what = (enum lockdown_reason)regs_get_kernel_argument(regs, 0);

	data->deny = devmem_check_lockdown(what) != 0;
	return data->deny ? 0 : 1;
}

static int deny_on_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	regs_set_return_value(regs, -EPERM);
	return 0;
}

static struct kretprobe open_port_probe = {
	.kp.symbol_name = "open_port",
	.entry_handler = open_port_entry,
	.handler = deny_on_return,
	.data_size = sizeof(struct devmem_probe_data),
	.maxactive = 32,
};

static struct kretprobe locked_down_probe = {
	.kp.symbol_name = "security_locked_down",
	.entry_handler = locked_down_entry,
	.handler = deny_on_return,
	.data_size = sizeof(struct devmem_probe_data),
	.maxactive = 32,
};

static struct kretprobe *devmem_probes[] = { &open_port_probe, &locked_down_probe };

int rampart_devmem_attach(void)
{
	int err;

	if (!force_fallback) {
		err = rampart_hooks_attach(&devmem_hook_ops);
		if (!err) {
			hook_mode = DEVMEM_HOOKS_LSM;
			rampart_devmem_report_preexisting();
			return 0;
		}
		if (err != -ENOENT)
			return err;
	}

	err = register_kretprobes(devmem_probes, ARRAY_SIZE(devmem_probes));
	if (err) {
		pr_err("no hook layer and kretprobes failed (%d)\n", err);
		return err;
	}
	hook_mode = DEVMEM_HOOKS_FALLBACK;
	rampart_devmem_report_preexisting();
	return 0;
}

void rampart_devmem_detach(void)
{
	if (hook_mode == DEVMEM_HOOKS_LSM) {
		rampart_hooks_detach(&devmem_hook_ops);
	} else if (hook_mode == DEVMEM_HOOKS_FALLBACK) {
		unregister_kretprobes(devmem_probes, ARRAY_SIZE(devmem_probes));
	}
	hook_mode = 0;
}

int rampart_devmem_hook_mode(void)
{
	return hook_mode;
}

/* Probe hits kretprobes could not handle (all instances busy): allowed unchecked. */
unsigned long rampart_devmem_probe_missed(void)
{
	if (hook_mode != DEVMEM_HOOKS_FALLBACK)
		return 0;
	return open_port_probe.nmissed + locked_down_probe.nmissed;
}
