// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/rampart_cfi_test: writing one of the words below makes one indirect call and
 * logs its result ("rampart_cfi_test: <word> = <sum>"):
 *   c-to-rust        C calls the Rust adder through a pointer of its true type
 *   rust-to-c        Rust calls the C adder through a pointer of its true type
 *   c-to-rust-wrong  C calls the Rust adder through a pointer of another type
 *   rust-to-c-wrong  Rust calls the C adder through a pointer of another type
 * On a kCFI kernel the two "-wrong" calls trap before reaching the callee ("CFI
 * failure at ..."), killing the writer; without CFI they reach it and log a sum.
 * A proc file and not a module parameter: a task killed by the trap must not die
 * holding the module's parameter lock. At load it logs the adders' addresses, which a
 * kernel without KALLSYMS prints in its report instead of their names.
 */
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "shim.h"

typedef u64 (*adder_fn)(u64 a, u64 b);
/* Another type: what the "-wrong" calls pretend the adder is. */
typedef u64 (*wrong_fn)(const char *text);

static u64 c_add(u64 a, u64 b)
{
	return a + b;
}

void *rampart_cfi_c_add_ptr(void)
{
	adder_fn fn = c_add;

	OPTIMIZER_HIDE_VAR(fn);
	return (void *)fn;
}

static noinline u64 call_adder(adder_fn fn)
{
	OPTIMIZER_HIDE_VAR(fn);
	return fn(40, 2);
}

static noinline u64 call_wrong(wrong_fn fn)
{
	OPTIMIZER_HIDE_VAR(fn);
	return fn("42");
}

static ssize_t cfi_test_write(struct file *file, const char __user *ubuf, size_t len, loff_t *pos)
{
	char word[32] = {};
	void *rust_add = (void *)rampart_cfi_rust_add;
	u64 sum;

	if (len == 0 || len >= sizeof(word))
		return -EINVAL;
	if (copy_from_user(word, ubuf, len))
		return -EFAULT;
	strim(word);
	OPTIMIZER_HIDE_VAR(rust_add);
	if (!strcmp(word, "c-to-rust"))
		sum = call_adder((adder_fn)rust_add);
	else if (!strcmp(word, "c-to-rust-wrong"))
		sum = call_wrong((wrong_fn)rust_add);
	else if (!strcmp(word, "rust-to-c"))
		sum = rampart_cfi_rust_calls_c(40, 2, false);
	else if (!strcmp(word, "rust-to-c-wrong"))
		sum = rampart_cfi_rust_calls_c(40, 2, true);
	else
		return -EINVAL;
	pr_info("rampart_cfi_test: %s = %llu\n", word, sum);
	return len;
}

static const struct proc_ops cfi_test_ops = {
	.proc_write = cfi_test_write,
};

static struct proc_dir_entry *cfi_test_entry;

int rampart_cfi_test_start(void)
{
	/* Test-only module: the addresses are the evidence the case matches. */
	pr_info("rampart_cfi_test: rampart_cfi_rust_add at 0x%px, c_add at 0x%px\n",
		(void *)rampart_cfi_rust_add, rampart_cfi_c_add_ptr());
	cfi_test_entry = proc_create("rampart_cfi_test", 0200, NULL, &cfi_test_ops);
	return cfi_test_entry ? 0 : -ENOMEM;
}

void rampart_cfi_test_stop(void)
{
	proc_remove(cfi_test_entry);
}
