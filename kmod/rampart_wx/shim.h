/* SPDX-License-Identifier: GPL-2.0 */
/* The interface between rampart_wx's C files and its Rust object. */
#ifndef RAMPART_WX_SHIM_H
#define RAMPART_WX_SHIM_H

#include <linux/types.h>

struct file;
struct linux_binprm;
struct rampart_file_id;
struct vm_area_struct;

/* Rules, numbered as Rule in kmod/common/src/wx.rs. */
enum wx_rule {
	WX_WRITE_EXEC = 0,
	WX_EXEC_WRITTEN = 1,
	WX_WRITE_TEXT = 2,
	WX_EXEC_STACK = 3,
	WX_SHM_EXEC = 4,
	WX_EXEC_WRITABLE_FILE = 5,
	WX_UNTRUSTED_PATH = 6,
};

/* Verdicts, as Verdict::code() in kmod/common/src/mode.rs. */
#define WX_IGNORE 0
#define WX_EXEMPT 1
#define WX_AUDIT 2
#define WX_DENY 3

/* Settings ids: the Rust side handles these ... */
#define WX_SETTING_MODE 0
#define WX_SETTING_LOCK 1
#define WX_SETTING_STATS 2
#define WX_SETTING_EXCEPTIONS 3
#define WX_SETTING_TPE_MODE 4
#define WX_SETTING_TPE_TRUSTED_GID 5
/* ... and C these. */
#define WX_SETTING_HOOK_MODE 100

#define WX_HOOKS_LSM 1
#define WX_HOOKS_FALLBACK 2

/* prctl(2) option that asks whether W^X is enforced for the caller ("RWX\0"). */
#define PR_RAMPART_WX_STATUS 0x52575800
/* Its answers. */
#define WX_STATUS_OFF 0		/* nothing refused (mode off, or audit) */
#define WX_STATUS_ENFORCED 1	/* refusals apply to the caller */
#define WX_STATUS_EXEMPT 2	/* enforced, but the caller's program is exempt */

/* C, called from Rust. */
const char *rampart_wx_initial_mode(void);
int rampart_wx_attach(void);
void rampart_wx_detach(void);
int rampart_wx_hook_mode(void);
int rampart_wx_settings_init(void);
void rampart_wx_settings_exit(void);

/* Rust, called from C; none sleeps. */
/* The verdict on breaking @rule by a program that is @exempt (counted). */
u8 rampart_wx_decide(u8 rule, bool exempt);
/* Whether W^X (not TPE) can refuse or audit anything now. */
bool rampart_wx_active(void);
bool rampart_wx_tpe_active(void);
/* Whether W^X is enforcing (not audit). */
bool rampart_wx_enforcing(void);
/* The trusted group's gid, or U32_MAX for none. */
u32 rampart_wx_tpe_trusted_gid(void);
/* Whether @exe is on the exception list; *@gen: the list's generation. */
bool rampart_wx_listed(const struct rampart_file_id *exe, u64 *gen);
/* The list's generation (bumped by every write). */
u64 rampart_wx_exceptions_gen(void);
const char *rampart_wx_reason(u8 rule);
int rampart_wx_store(int setting, const char *buf, size_t len);
size_t rampart_wx_show(int setting, char *buf, size_t cap);
bool rampart_wx_pax_flags_exempt(const u8 *value, size_t len);
int rampart_wx_check_mmap(bool write, bool exec, bool anonymous, bool internal, bool open_for_write,
			  bool written_elsewhere);
int rampart_wx_check_mprotect(bool anonymous, bool writable, bool executable, bool written,
			      bool has_file, bool internal, bool open_for_write,
			      bool written_elsewhere, bool write, bool exec);
bool rampart_wx_tpe_violation(bool trusted, bool dir_root_owned, bool dir_writable_by_others,
			      bool internal);

/* hooks.c: the probes that did not attach in fallback mode, into @buf. */
const char *rampart_wx_missing_probes(char *buf, size_t cap);

/* facts.c: none sleeps unless it says so. */
/*
 * Whether current's program is exempt from W^X: on the exception list, or
 * marked by PaX's user.pax.flags (read at exec, lsm mode only).
 */
bool wx_current_exempt(void);
/* Decides and keeps current's exemption at exec (lsm mode; may sleep). */
void wx_exempt_at_exec(const struct linux_binprm *bprm);
/* Keep exemptions in the hook layer's task bytes at @offset (-1: none). */
void wx_use_task_blob(int offset);
/* The rule an mmap() of @file (NULL: anonymous) with @prot and @flags breaks, or -1. */
int wx_mmap_rule(const struct file *file, unsigned long prot, unsigned long flags);
/* The rule an mprotect() of @vma to @prot breaks, or -1. */
int wx_mprotect_rule(const struct vm_area_struct *vma, unsigned long prot);
/*
 * Whether the program @file is exempt: on the list, or (@read_xattr: process
 * context, may sleep) marked by user.pax.flags.
 */
bool wx_file_exempt(const struct file *file, bool read_xattr);
/* Whether TPE refuses current running or mapping @file executable. */
bool wx_tpe_refuses(const struct file *file);

#endif /* RAMPART_WX_SHIM_H */
