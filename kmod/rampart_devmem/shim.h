/* SPDX-License-Identifier: GPL-2.0 */
/* The interface between rampart_devmem's C files and its Rust object. */
#ifndef RAMPART_DEVMEM_SHIM_H
#define RAMPART_DEVMEM_SHIM_H

#include <linux/types.h>

struct rampart_file_id;

/* Targets, as numbered by devmem_target_code() in rampart_devmem_rs.rs. */
#define DEVMEM_TARGET_NONE 0
#define DEVMEM_TARGET_IOPORT 4
#define DEVMEM_TARGET_MSR 5

/* Verdicts, as numbered by verdict_code() in rampart_devmem_rs.rs. */
#define DEVMEM_IGNORE 0
#define DEVMEM_ALLOWLISTED 1
#define DEVMEM_AUDIT 2
#define DEVMEM_DENY 3

/* Hook attachment modes. */
#define DEVMEM_HOOKS_LSM 1
#define DEVMEM_HOOKS_FALLBACK 2

/* C, called from Rust. */
const char *rampart_devmem_initial_mode(void);
int rampart_devmem_attach(void);
void rampart_devmem_detach(void);
int rampart_devmem_hook_mode(void);
int rampart_devmem_fs_init(void);
void rampart_devmem_fs_exit(void);

/* Rust, called from C. */
u8 rampart_devmem_target(u32 major, u32 minor);
u8 rampart_devmem_decide(u8 target, const struct rampart_file_id *exe);
u8 rampart_devmem_decide_integrity(void);
const char *rampart_devmem_object(u8 target);
const char *rampart_devmem_reason(u8 target);
/* Settings: a store returns 0, 1 when it locked, or a negative errno; a show the bytes written. */
int rampart_devmem_store(int setting, const char *buf, size_t len);
size_t rampart_devmem_show(int setting, char *buf, size_t cap);

/* Settings files, as numbered by Setting in rampart_devmem_rs.rs. */
#define DEVMEM_SETTING_MODE 0
#define DEVMEM_SETTING_ALLOW 1
#define DEVMEM_SETTING_LOCK 2
#define DEVMEM_SETTING_STATS 3
#define DEVMEM_SETTING_HOOK_MODE 4

/* C, between C files. */
unsigned long rampart_devmem_probe_missed(void);
/* preexisting.c: reports what was opened or raised before the module loaded. */
void rampart_devmem_report_preexisting(void);

#endif /* RAMPART_DEVMEM_SHIM_H */
