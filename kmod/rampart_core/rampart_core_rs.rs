// SPDX-License-Identifier: GPL-2.0

//! rampart_core: the base module every rampart protection builds on.
//!
//! The Rust object owns state and decisions; the C shim (`shim.c`) provides the
//! kernel ABI the 6.12 Rust `kernel` crate does not bind, starting with module
//! parameters.

use kernel::prelude::*;

module! {
    type: RampartCore,
    name: "rampart_core",
    author: "rampart developers",
    description: "rampart core: shared state for rampart's security modules",
    license: "GPL",
}

/// Interface version this Rust object was written against (see `shim.h`).
const EXPECTED_SHIM_ABI: u32 = 1;

extern "C" {
    fn rampart_shim_abi_version() -> u32;
    fn rampart_shim_log_level() -> i32;
}

struct RampartCore {
    log_level: i32,
}

impl kernel::Module for RampartCore {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: `rampart_shim_abi_version` takes no arguments and returns a constant.
        let abi = unsafe { rampart_shim_abi_version() };
        if abi != EXPECTED_SHIM_ABI {
            pr_err!("shim ABI {} does not match the Rust side's {}\n", abi, EXPECTED_SHIM_ABI);
            return Err(EINVAL);
        }
        // SAFETY: `rampart_shim_log_level` only reads a module-local `int` with
        // READ_ONCE; the parameter is read-only (0444) after load.
        let log_level = unsafe { rampart_shim_log_level() };
        pr_info!("loaded (shim abi {}, log_level={})\n", abi, log_level);
        Ok(RampartCore { log_level })
    }
}

impl Drop for RampartCore {
    fn drop(&mut self) {
        pr_info!("unloaded (log_level={})\n", self.log_level);
    }
}
