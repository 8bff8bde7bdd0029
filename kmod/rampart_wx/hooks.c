// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_wx hook attachment. With rampart's hook layer (mode "lsm"):
 * mmap_file, file_mprotect (W^X, and TPE for executable file mappings),
 * shm_shmat (SHM_EXEC), the exec_stack hook point in the ELF loader (an
 * executable stack is stripped before the point of no return), bprm_check
 * (TPE), bprm_committed_creds (the program's exemption is decided at exec) and
 * task_prctl (a program asks whether W^X applies to it); and, for the code
 * under executable file mappings, file_permission (every write path), shared
 * writable mappings (mmap_file) and shared mappings made writable
 * (file_mprotect), and truncation (file_truncate, path_truncate): a file
 * mapped executable by anyone cannot be changed
 * (rampart_mapped_executable() walks its mappings); and force_write: a
 * tracer's forced write into code (PTRACE_POKETEXT) needs an exempt tracer.
 *
 * Without it (mode "fallback"), kretprobes on security_mmap_file(),
 * security_file_mprotect(), security_shm_shmat(), security_bprm_check() and
 * security_task_prctl(), whose denial replaces the return value, and one on
 * setup_arg_pages(), whose entry handler turns an executable stack request
 * into a non-executable one. Exemptions are looked up from the executable's
 * identity at every check there (PaX's attribute is not read), and a file
 * mapped executable can still be written: without the hook layer a module
 * cannot walk a file's mappings (the interval tree is not exported), and a
 * tracer can write code with PTRACE_POKETEXT (forced writes have no LSM hook).
 *
 * Handlers do not sleep, except bprm_committed_creds and exec_stack (process
 * context, reading an extended attribute) and the text-change checks (process
 * context, i_mmap_rwsem for reading, after the mm's mmap_lock when held).
 */
#define pr_fmt(fmt) "rampart_wx: " fmt

#include <linux/binfmts.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/personality.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/shm.h>
#include <uapi/linux/shm.h>
#include <linux/string.h>

#include <rampart/core.h>
#include <rampart/hooks_api.h>
#include "shim.h"

/* EXSTACK_* of linux/binfmts.h. */
#define WX_EXSTACK_ENABLE_X 2

static int hook_mode;
/* The hook layer's walk of a file's mappings (lsm mode only). */
static bool (*mapped_executable)(struct address_space *mapping);

/* Reports a broken rule; returns -EACCES when refused. */
static int wx_report(enum wx_rule rule, u8 verdict, const char *object)
{
	struct rampart_subject s;

	if (verdict != WX_AUDIT && verdict != WX_DENY)
		return 0;
	rampart_subject_fill(&s, current);
	rampart_event_emit(&s, "wx", verdict == WX_DENY ? RAMPART_DENY : RAMPART_AUDIT, object,
			   rampart_wx_reason(rule));
	return verdict == WX_DENY ? -EACCES : 0;
}

/* "anonymous memory at 0x...", or "<path> at 0x..." (0: not placed yet). */
static void describe_path(char *out, size_t cap, const struct path *path, unsigned long addr)
{
	char buf[256];
	const char *name = "anonymous memory";

	if (path) {
		name = d_path(path, buf, sizeof(buf));
		if (IS_ERR(name))
			name = "(unnamed file)";
	}
	if (addr)
		scnprintf(out, cap, "%s at 0x%lx", name, addr);
	else
		scnprintf(out, cap, "%s", name);
}

static void describe(char *out, size_t cap, const struct file *file, unsigned long addr)
{
	describe_path(out, cap, file ? &file->f_path : NULL, addr);
}

static int wx_judge_path(enum wx_rule rule, bool exempt, const struct path *path, unsigned long addr)
{
	char object[320];
	u8 verdict = rampart_wx_decide(rule, exempt);

	if (verdict != WX_AUDIT && verdict != WX_DENY)
		return 0;
	describe_path(object, sizeof(object), path, addr);
	return wx_report(rule, verdict, object);
}

static int wx_judge(enum wx_rule rule, bool exempt, const struct file *file, unsigned long addr)
{
	return wx_judge_path(rule, exempt, file ? &file->f_path : NULL, addr);
}

static bool wx_user_task(void)
{
	return current->mm && !(current->flags & PF_KTHREAD);
}

/*
 * Changing the contents of @file, which someone (any process) maps executable:
 * the code under that mapping would change after its checks. Refused as
 * writable text, like writing to a running program (ETXTBSY). lsm mode only.
 */
static int wx_check_text_change_of(const struct path *path, struct address_space *mapping,
				   unsigned long addr)
{
	bool (*walk)(struct address_space *mapping) = READ_ONCE(mapped_executable);

	if (!walk || !mapping || !wx_user_task() || !rampart_wx_active())
		return 0;
	if (!mapping_mapped(mapping) || !walk(mapping))
		return 0;
	return wx_judge_path(WX_WRITE_TEXT, wx_current_exempt(), path, addr);
}

static int wx_check_text_change(struct file *file, unsigned long addr)
{
	return file ? wx_check_text_change_of(&file->f_path, file->f_mapping, addr) : 0;
}

/*
 * Truncating a file mapped executable (truncate(2), ftruncate(2), open with
 * O_TRUNC) zero-fills or cuts the code under the mapping: refused as a change.
 */
static int wx_file_truncate(struct file *file)
{
	return wx_check_text_change(file, 0);
}

static int wx_path_truncate(const struct path *path)
{
	struct inode *inode = d_inode(path->dentry);

	return inode ? wx_check_text_change_of(path, inode->i_mapping, 0) : 0;
}

/* The hook layer asks only about writes to files that something maps. */
static int wx_file_permission(struct file *file, int mask)
{
	return (mask & MAY_WRITE) ? wx_check_text_change(file, 0) : 0;
}

static int wx_check_mmap(struct file *file, unsigned long prot, unsigned long flags)
{
	int rule;

	/* A shared writable mapping changes the file for everyone who maps it. */
	if (!(prot & PROT_EXEC) && file && (prot & PROT_WRITE) && (flags & MAP_TYPE) != MAP_PRIVATE)
		return wx_check_text_change(file, 0);
	/* Every other rule of a new mapping is about an executable one. */
	if (!(prot & PROT_EXEC) || !wx_user_task())
		return 0;
	if (rampart_wx_active()) {
		rule = wx_mmap_rule(file, prot, flags);
		if (rule >= 0 && wx_judge(rule, wx_current_exempt(), file, 0))
			return -EACCES;
	}
	if (file && (prot & PROT_EXEC) && rampart_wx_tpe_active() && wx_tpe_refuses(file))
		return wx_judge(WX_UNTRUSTED_PATH, false, file, 0);
	return 0;
}

static int wx_mmap_file(struct file *file, unsigned long reqprot, unsigned long prot,
			unsigned long flags)
{
	return wx_check_mmap(file, prot, flags);
}

static int wx_check_mprotect(struct vm_area_struct *vma, unsigned long prot)
{
	int rule;

	/* A read-only shared file mapping made writable changes the file. */
	if (!(prot & PROT_EXEC) && (prot & PROT_WRITE) && vma->vm_file &&
	    (vma->vm_flags & (VM_SHARED | VM_WRITE | VM_EXEC)) == VM_SHARED)
		return wx_check_text_change(vma->vm_file, vma->vm_start);
	/* Otherwise only making memory executable, or executable memory writable, breaks a rule. */
	if (!(prot & PROT_EXEC) && !((prot & PROT_WRITE) && (vma->vm_flags & VM_EXEC)))
		return 0;
	if (!wx_user_task())
		return 0;
	if (rampart_wx_active()) {
		rule = wx_mprotect_rule(vma, prot);
		if (rule >= 0 && wx_judge(rule, wx_current_exempt(), vma->vm_file, vma->vm_start))
			return -EACCES;
	}
	if (vma->vm_file && (prot & PROT_EXEC) && !(vma->vm_flags & VM_EXEC) &&
	    rampart_wx_tpe_active() && wx_tpe_refuses(vma->vm_file))
		return wx_judge(WX_UNTRUSTED_PATH, false, vma->vm_file, vma->vm_start);
	return 0;
}

static int wx_file_mprotect(struct vm_area_struct *vma, unsigned long reqprot,
			    unsigned long prot)
{
	return wx_check_mprotect(vma, prot);
}

/*
 * A forced write (a tracer's PTRACE_POKETEXT, /proc/PID/mem) into code that is
 * not writable: new code without a writable mapping, which PaX lets debuggers
 * do. Refused unless the writer's program is exempt (list a debugger to let it
 * set breakpoints). lsm mode only.
 */
static int wx_force_write(struct vm_area_struct *vma)
{
	if (!wx_user_task() || !rampart_wx_active())
		return 0;
	return wx_judge(WX_WRITE_TEXT, wx_current_exempt(), vma->vm_file, vma->vm_start);
}

static int wx_shm_shmat(struct kern_ipc_perm *perm, char __user *shmaddr, int shmflg)
{
	if (!(shmflg & SHM_EXEC) || !rampart_wx_active() || !wx_user_task())
		return 0;
	return wx_judge(WX_SHM_EXEC, wx_current_exempt(), NULL, (unsigned long)shmaddr);
}

static int wx_bprm_check(struct linux_binprm *bprm)
{
	if (!bprm->file || !rampart_wx_tpe_active() || !wx_tpe_refuses(bprm->file))
		return 0;
	return wx_judge(WX_UNTRUSTED_PATH, false, bprm->file, 0);
}

/*
 * The program about to run asks for an executable stack: unless it is exempt,
 * it runs with a non-executable one (and without READ_IMPLIES_EXEC), as under
 * PaX. @exempt: the new program's exemption.
 */
static bool wx_strip_exec_stack(const struct file *file, int executable_stack, bool exempt)
{
	bool rie = current->personality & READ_IMPLIES_EXEC;
	u8 verdict;

	if (executable_stack != WX_EXSTACK_ENABLE_X && !rie)
		return false;
	if (!rampart_wx_active())
		return false;
	verdict = rampart_wx_decide(WX_EXEC_STACK, exempt);
	if (verdict != WX_DENY && verdict != WX_AUDIT)
		return false;
	{
		char object[320];

		describe(object, sizeof(object), file, 0);
		wx_report(WX_EXEC_STACK, verdict, object);
	}
	if (verdict != WX_DENY)
		return false;
	/* Only current changes its own personality. */
	current->personality &= ~READ_IMPLIES_EXEC;
	return true;
}

static int wx_exec_stack(const struct linux_binprm *bprm, int executable_stack,
			 unsigned int personality)
{
	if (!bprm->file)
		return 0;
	return wx_strip_exec_stack(bprm->file, executable_stack, wx_file_exempt(bprm->file, true)) ?
		       RAMPART_EXEC_STACK_STRIP : 0;
}

static int wx_bprm_committed_creds(const struct linux_binprm *bprm)
{
	wx_exempt_at_exec(bprm);
	return 0;
}

static int wx_status(void)
{
	if (!rampart_wx_enforcing())
		return WX_STATUS_OFF;
	return wx_current_exempt() ? WX_STATUS_EXEMPT : WX_STATUS_ENFORCED;
}

/*
 * personality(2) asking for READ_IMPLIES_EXEC after exec: every later readable
 * mapping, the heap (brk) included, would be executable too. Refused, unless
 * the program is exempt (lsm mode only: the fallback has no function to probe).
 */
static int wx_personality(unsigned int personality)
{
	char object[48];

	if (!(personality & READ_IMPLIES_EXEC) || !rampart_wx_active() || !wx_user_task())
		return 0;
	scnprintf(object, sizeof(object), "personality 0x%x", personality);
	return wx_report(WX_EXEC_STACK, rampart_wx_decide(WX_EXEC_STACK, wx_current_exempt()), object);
}

static int wx_task_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
			 unsigned long arg5)
{
	if (option != PR_RAMPART_WX_STATUS)
		return -ENOSYS;
	return wx_status();
}

/* lsm mode */

static struct rampart_hook_ops wx_hook_ops = {
	.abi = RAMPART_HOOKS_ABI,
	.name = "rampart_wx",
	.mmap_file = wx_mmap_file,
	.file_mprotect = wx_file_mprotect,
	.shm_shmat = wx_shm_shmat,
	.bprm_check = wx_bprm_check,
	.exec_stack = wx_exec_stack,
	.bprm_committed_creds = wx_bprm_committed_creds,
	.task_prctl = wx_task_prctl,
	.personality_change = wx_personality,
	.file_permission = wx_file_permission,
	.file_truncate = wx_file_truncate,
	.path_truncate = wx_path_truncate,
	.force_write = wx_force_write,
};

/* fallback mode */

#define ARG(regs, n) regs_get_kernel_argument(regs, n)

static int remember(struct kretprobe_instance *ri, int err)
{
	*(int *)ri->data = err;
	return err ? 0 : 1;
}

/*
 * security_mmap_file(file, prot, flags): the function gets the asked protection;
 * the kernel adds PROT_EXEC for READ_IMPLIES_EXEC inside it, as it is done here.
 */
static int mmap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	unsigned long prot = ARG(regs, 1);

	if ((current->personality & READ_IMPLIES_EXEC) && (prot & PROT_READ))
		prot |= PROT_EXEC;
	return remember(ri, wx_check_mmap((struct file *)ARG(regs, 0), prot, ARG(regs, 2)));
}

static int mprotect_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (struct vm_area_struct *)ARG(regs, 0);

	return vma ? remember(ri, wx_check_mprotect(vma, ARG(regs, 2))) : 1;
}

static int shmat_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return remember(ri, wx_shm_shmat((struct kern_ipc_perm *)ARG(regs, 0),
					 (char __user *)ARG(regs, 1), (int)ARG(regs, 2)));
}

static int bprm_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct linux_binprm *bprm = (struct linux_binprm *)ARG(regs, 0);

	return bprm ? remember(ri, wx_bprm_check(bprm)) : 1;
}

static int deny_on_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	regs_set_return_value(regs, *(int *)ri->data);
	return 0;
}

/* security_task_prctl(option, ...): rampart_wx answers its own option. */
static int prctl_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if ((int)ARG(regs, 0) != PR_RAMPART_WX_STATUS)
		return 1;
	*(int *)ri->data = wx_status();
	return 0;
}

/*
 * setup_arg_pages(bprm, stack_top, executable_stack), after the point of no
 * return: a refused executable stack becomes EXSTACK_DISABLE_X (1) before the
 * stack is set up.
 */
static int stack_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct linux_binprm *bprm = (struct linux_binprm *)ARG(regs, 0);

	if (bprm && bprm->file && wx_strip_exec_stack(bprm->file, (int)ARG(regs, 2),
						      wx_file_exempt(bprm->file, false)))
		regs->dx = 1;
	return 1;
}

#define WX_PROBE(sym, entry, ret) {			\
	.kp.symbol_name = sym,				\
	.entry_handler = entry,				\
	.handler = ret,					\
	.data_size = sizeof(int),			\
	.maxactive = 64,				\
}

static struct kretprobe wx_probes[] = {
	WX_PROBE("security_mmap_file", mmap_entry, deny_on_return),
	WX_PROBE("security_file_mprotect", mprotect_entry, deny_on_return),
	WX_PROBE("security_shm_shmat", shmat_entry, deny_on_return),
	WX_PROBE("security_bprm_check", bprm_entry, deny_on_return),
	WX_PROBE("security_task_prctl", prctl_entry, deny_on_return),
	WX_PROBE("setup_arg_pages", stack_entry, NULL),
};

static bool probe_attached[ARRAY_SIZE(wx_probes)];

int rampart_wx_attach(void)
{
	size_t i, attached = 0;
	int err = rampart_hooks_attach(&wx_hook_ops);

	if (!err) {
		hook_mode = WX_HOOKS_LSM;
		wx_use_task_blob(wx_hook_ops.task_blob_offset);
		WRITE_ONCE(mapped_executable, symbol_get(rampart_mapped_executable));
		if (!mapped_executable)
			pr_warn("the hook layer has no rampart_mapped_executable: files mapped executable stay writable\n");
		return 0;
	}
	if (err != -ENOENT)
		return err;
	for (i = 0; i < ARRAY_SIZE(wx_probes); i++) {
		probe_attached[i] = !register_kretprobe(&wx_probes[i]);
		if (!probe_attached[i])
			pr_warn("no kretprobe on %s\n", wx_probes[i].kp.symbol_name);
		attached += probe_attached[i];
	}
	if (!attached) {
		pr_err("no hook layer and no kretprobe attached\n");
		return -ENOENT;
	}
	hook_mode = WX_HOOKS_FALLBACK;
	return 0;
}

void rampart_wx_detach(void)
{
	size_t i;

	if (hook_mode == WX_HOOKS_LSM) {
		rampart_hooks_detach(&wx_hook_ops);
		wx_use_task_blob(-1);
		if (mapped_executable)
			symbol_put(rampart_mapped_executable);
		WRITE_ONCE(mapped_executable, NULL);
	}
	for (i = 0; i < ARRAY_SIZE(wx_probes); i++) {
		if (probe_attached[i])
			unregister_kretprobe(&wx_probes[i]);
		probe_attached[i] = false;
	}
	hook_mode = 0;
}

int rampart_wx_hook_mode(void)
{
	return hook_mode;
}

const char *rampart_wx_missing_probes(char *buf, size_t cap)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(wx_probes) && hook_mode == WX_HOOKS_FALLBACK; i++)
		if (!probe_attached[i])
			len += scnprintf(buf + len, cap - len, " %s", wx_probes[i].kp.symbol_name);
	return buf;
}
