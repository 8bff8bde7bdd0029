// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching a module's handlers to the kernel's rampart hook layer
 * (patches/0001-*) when the kernel has one. The layer's functions are looked
 * up at run time with symbol_get(), so modules built here load on kernels
 * without the patch too, and fall back to kretprobes there.
 */
#define pr_fmt(fmt) "rampart: " fmt

#include <linux/errno.h>
#include <linux/module.h>

#include <rampart/core.h>
#include <rampart/hooks_api.h>

int rampart_hooks_attach(struct rampart_hook_ops *ops)
{
	int (*attach)(struct rampart_hook_ops *ops) = symbol_get(rampart_register_hooks);
	int err;

	if (!attach)
		return -ENOENT;
	err = attach(ops);
	symbol_put(rampart_register_hooks);
	/*
	 * A kernel whose hook layer refuses the module (another ABI) must not
	 * get weaker enforcement through kretprobes: the module fails to load.
	 */
	if (err)
		pr_err("%s: the kernel's hook layer refused registration (%d): build the module against this kernel\n",
		       ops->name, err);
	return err == -ENOENT ? -EINVAL : err;
}
EXPORT_SYMBOL_GPL(rampart_hooks_attach);

void rampart_hooks_detach(struct rampart_hook_ops *ops)
{
	void (*detach)(struct rampart_hook_ops *ops) = symbol_get(rampart_unregister_hooks);

	/* Attached means the hook layer exists; it is built in and cannot go away. */
	if (WARN_ON_ONCE(!detach))
		return;
	detach(ops);
	symbol_put(rampart_unregister_hooks);
}
EXPORT_SYMBOL_GPL(rampart_hooks_detach);
