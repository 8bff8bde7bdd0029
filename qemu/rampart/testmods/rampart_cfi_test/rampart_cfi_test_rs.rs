// SPDX-License-Identifier: GPL-2.0

//! rampart_cfi_test: indirect calls between C and Rust under kernel CFI. The Rust
//! half provides an adder C calls through a function pointer, and calls C's adder
//! through a pointer of its true type or, on request, of a mismatched one (which a
//! kCFI kernel traps). Test-only: the boot tests load it, packages never ship it.

use core::ffi::{c_char, c_int, c_void};
use kernel::prelude::*;

module! {
    type: RampartCfiTest,
    name: "rampart_cfi_test",
    author: "rampart developers",
    description: "rampart: test-only kCFI trip between C and Rust",
    license: "GPL",
}

extern "C" {
    fn rampart_cfi_c_add_ptr() -> *mut c_void;
    fn rampart_cfi_test_start() -> c_int;
    fn rampart_cfi_test_stop();
}

/// The C adder's true type.
type Adder = unsafe extern "C" fn(u64, u64) -> u64;
/// A type the C adder does not have.
type Wrong = unsafe extern "C" fn(*const c_char) -> u64;

/// `a + b` (wrapping), for C to call through a function pointer.
#[no_mangle]
pub extern "C" fn rampart_cfi_rust_add(a: u64, b: u64) -> u64 {
    a.wrapping_add(b)
}

/// Calls C's adder with `a` and `b` through a pointer of its true type, or through
/// one of a mismatched type when `mismatched` (a kCFI kernel traps that call).
#[no_mangle]
pub extern "C" fn rampart_cfi_rust_calls_c(a: u64, b: u64, mismatched: bool) -> u64 {
    // SAFETY: takes no arguments; returns the address of a C function of type `Adder`.
    let target = core::hint::black_box(unsafe { rampart_cfi_c_add_ptr() });
    if target.is_null() {
        return 0;
    }
    if mismatched {
        // SAFETY: deliberately wrong: the function is an `Adder`, not a `Wrong`. This
        // is the call kCFI exists to stop: it traps before the callee runs. Without
        // CFI the callee reads the pointer as `a` and garbage as `b` and returns a sum
        // of them, touching no memory through either.
        let wrong: Wrong = unsafe { core::mem::transmute::<*mut c_void, Wrong>(target) };
        // SAFETY: see above; the argument is a valid NUL-terminated string.
        unsafe { wrong(c"42".as_ptr()) }
    } else {
        // SAFETY: `target` is a non-null pointer to a C function of exactly this type.
        let adder: Adder = unsafe { core::mem::transmute::<*mut c_void, Adder>(target) };
        // SAFETY: calls a C function of this type that only adds its arguments.
        unsafe { adder(a, b) }
    }
}

struct RampartCfiTest;

impl kernel::Module for RampartCfiTest {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: takes no arguments; creates the module's proc file.
        let err = unsafe { rampart_cfi_test_start() };
        if err != 0 {
            return Err(Error::from_errno(err));
        }
        pr_info!("loaded: write c-to-rust, rust-to-c, c-to-rust-wrong or rust-to-c-wrong to /proc/rampart_cfi_test\n");
        Ok(RampartCfiTest)
    }
}

impl Drop for RampartCfiTest {
    fn drop(&mut self) {
        // SAFETY: the proc file was created in init; nothing else removes it.
        unsafe { rampart_cfi_test_stop() };
    }
}
