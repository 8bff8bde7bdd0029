/* SPDX-License-Identifier: GPL-2.0 */
/* The interface between rampart_ns's C files and its Rust object. */
#ifndef RAMPART_NS_SHIM_H
#define RAMPART_NS_SHIM_H

#include <linux/path.h>
#include <linux/sched.h>
#include <linux/types.h>

/* Protections, numbered as Protection in kmod/common/src/ns.rs. */
enum ns_protection {
	NS_USERNS = 0,
	NS_CHROOT_DOUBLE = 1,
	NS_CHROOT_MOUNT = 2,
	NS_CHROOT_PIVOT = 3,
	NS_CHROOT_MKNOD = 4,
	NS_CHROOT_CHMOD = 5,
	NS_CHROOT_FCHDIR = 6,
	NS_CHROOT_KILL = 7,
	NS_CHROOT_PTRACE = 8,
	NS_CHROOT_UNSHARE = 9,
	NS_CHROOT_SETNS = 10,
	NS_CHROOT_SETCAP = 11,
	NS_CHROOT_NICE = 12,
	NS_CHROOT_SYSCTL = 13,
	NS_CHROOT_CAPS = 14,
	NS_CHROOT_UNIX = 15,
	NS_CHROOT_SHMAT = 16,
	NS_PROTECTIONS = 17,
};

/* Verdicts, as returned by the Rust decide functions. */
#define NS_IGNORE 0
#define NS_ALLOWLISTED 1
#define NS_AUDIT 2
#define NS_DENY 3

/* Settings ids: the Rust side handles these ... */
#define NS_SETTING_MODE 0
#define NS_SETTING_LOCK 1
#define NS_SETTING_STATS 2
#define NS_SETTING_ALLOW_EXE 3
#define NS_SETTING_ALLOW_UID 4
#define NS_SETTING_TOGGLE 10 /* + protection */
/* ... and C this one. */
#define NS_SETTING_HOOK_MODE 100

/* Hook attachment modes. */
#define NS_HOOKS_LSM 1
#define NS_HOOKS_FALLBACK 2

/* C, called from Rust. */
const char *rampart_ns_initial_mode(void);
int rampart_ns_attach(void);
void rampart_ns_detach(void);
int rampart_ns_hook_mode(void);
int rampart_ns_settings_init(void);
void rampart_ns_settings_exit(void);

/* Rust, called from C. */
struct rampart_file_id;
u8 rampart_ns_decide_userns(const struct rampart_file_id *exe, u32 uid, bool privileged);
u8 rampart_ns_decide_chroot(u8 protection, bool chrooted, bool violates);
bool rampart_ns_enabled(u8 protection);
const char *rampart_ns_reason(u8 protection);
int rampart_ns_store(int setting, const char *buf, size_t len);
size_t rampart_ns_show(int setting, char *buf, size_t cap);

/* C, between C files: facts about tasks and paths (facts.c). None sleeps. */
/* Whether current's root is not its mount namespace's root (fails closed: true). */
bool ns_current_chrooted(void);
/* Whether @target has current's root; @target_locked: the caller holds task_lock(@target). */
bool ns_same_root(struct task_struct *target, bool target_locked);
bool ns_path_outside_root(const struct path *path);
/* Whether @file is a sysctl (under /proc/sys). */
bool ns_file_is_sysctl(const struct file *file);
/* ipc.c: unix sockets and System V shared memory. None sleeps. */
struct sock;
struct kern_ipc_perm;
/* Whether @sk has an abstract name and a listener with another root than current's. */
bool ns_unix_peer_outside(struct sock *sk);
/* Records current's root as the creator's, in @perm's IPC bytes (hook layer only). */
void ns_ipc_record_creator(struct kern_ipc_perm *perm, unsigned int blob_offset);
/* Whether @perm was created with another root than current's (or before the module). */
bool ns_ipc_created_outside(struct kern_ipc_perm *perm, unsigned int blob_offset);
unsigned long rampart_ns_probe_missed(void);
const char *rampart_ns_missing_probes(void);

#endif /* RAMPART_NS_SHIM_H */
