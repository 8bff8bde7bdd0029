/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between rampart_core's C files and its Rust object
 * (rampart_core_rs.rs). Layouts here are mirrored with #[repr(C)] in Rust.
 */
#ifndef RAMPART_CORE_SHIM_H
#define RAMPART_CORE_SHIM_H

#include <linux/build_bug.h>
#include <linux/types.h>

/* Version of this interface; the Rust side refuses to load with another. */
#define RAMPART_SHIM_ABI 3

/* Largest encoded event (kmod/common/src/event.rs RECORD_MAX; checked in Rust). */
#define RAMPART_RECORD_MAX 2048

/* One event as C hands it to Rust: byte strings with lengths, valid during the call. */
struct rampart_raw_event {
	const u8 *module;
	size_t module_len;
	const u8 *object;
	size_t object_len;
	const u8 *reason;
	size_t reason_len;
	const u8 *comm;
	size_t comm_len;
	const u8 *exe;
	size_t exe_len;
	const u8 *peers;	/* may be NULL (peers_len 0) */
	size_t peers_len;
	u32 uid, euid, gid, egid;
	s32 pid;
	u8 decision;
	u64 cgroup;	/* cgroup v2 id, 0: none */
};
static_assert(sizeof(struct rampart_raw_event) == 128, "mirrored in Rust: keep both sizes equal");
static_assert(offsetof(struct rampart_raw_event, cgroup) == 120, "mirrored in Rust");

/* Counters of the event queue. */
struct rampart_channel_stats {
	u64 emitted;
	u64 dropped;
	u64 queued;
	u64 capacity;
	u64 next_seq;
};
static_assert(sizeof(struct rampart_channel_stats) == 40, "mirrored in Rust: keep both sizes equal");

/* C, called from Rust. */
u32 rampart_shim_abi_version(void);
int rampart_shim_log_level(void);
int rampart_channel_fs_init(void);
void rampart_channel_fs_exit(void);

/* Rust, called from C. */
void rampart_core_record(const struct rampart_raw_event *ev);
size_t rampart_core_take(u8 *buf, size_t cap);
bool rampart_core_pending(void);
void rampart_core_stats(struct rampart_channel_stats *out);

/* C, between C files. */
void rampart_channel_wake(void);
/* Events refused because they came from interrupt context (emit.c). */
unsigned long rampart_events_refused_out_of_task(void);

#endif /* RAMPART_CORE_SHIM_H */
