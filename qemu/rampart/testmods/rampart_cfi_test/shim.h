/* SPDX-License-Identifier: GPL-2.0 */
/* What the C and Rust halves of rampart_cfi_test call of each other. */
#ifndef RAMPART_CFI_TEST_SHIM_H
#define RAMPART_CFI_TEST_SHIM_H

#include <linux/types.h>

/* Rust: a + b, called from C through a function pointer. */
u64 rampart_cfi_rust_add(u64 a, u64 b);
/* Rust: calls the C adder through a pointer of its true type (mismatched = false)
 * or of a deliberately different one (mismatched = true); returns the sum. */
u64 rampart_cfi_rust_calls_c(u64 a, u64 b, bool mismatched);

/* C: the address of the C adder, u64 (*)(u64, u64), as an untyped pointer. */
void *rampart_cfi_c_add_ptr(void);
/* C: creates and removes /proc/rampart_cfi_test. */
int rampart_cfi_test_start(void);
void rampart_cfi_test_stop(void);

#endif
