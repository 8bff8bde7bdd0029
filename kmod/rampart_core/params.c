// SPDX-License-Identifier: GPL-2.0
/*
 * rampart_core module parameters (the 6.12 Rust module! macro has none) and
 * the C/Rust interface version.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "shim.h"

static int log_level = 1;
module_param(log_level, int, 0444);
MODULE_PARM_DESC(log_level, "Audit verbosity: 0 denials only, 1 decisions, 2 debug (default 1)");

u32 rampart_shim_abi_version(void)
{
	return RAMPART_SHIM_ABI;
}

int rampart_shim_log_level(void)
{
	return READ_ONCE(log_level);
}
