/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C side of rampart_core: kernel ABI the Rust `kernel` crate of 6.12 lacks.
 * Every function here is called from Rust (rampart_core_rs.rs).
 */
#ifndef RAMPART_CORE_SHIM_H
#define RAMPART_CORE_SHIM_H

#include <linux/types.h>

/* Version of the C/Rust interface; bumped whenever a signature here changes. */
#define RAMPART_SHIM_ABI 1

u32 rampart_shim_abi_version(void);
int rampart_shim_log_level(void);

#endif /* RAMPART_CORE_SHIM_H */
