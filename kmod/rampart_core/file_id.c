// SPDX-License-Identifier: GPL-2.0
/*
 * File identities (device, inode, generation) for allowlists that name
 * programs: a path is resolved once, when the list is written, against the real
 * root; a running program is matched by what its executable file is, never by a
 * path string (which a chroot, a rename or a bind mount can make name anything).
 */
#include <linux/dcache.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <rampart/core.h>

void rampart_file_id_of(struct rampart_file_id *id, const struct inode *inode)
{
	id->dev = inode->i_sb->s_dev;
	id->ino = inode->i_ino;
	id->generation = inode->i_generation;
	id->present = 1;
}
EXPORT_SYMBOL_GPL(rampart_file_id_of);

int rampart_path_file_id(const char *path, size_t len, struct rampart_file_id *id)
{
	struct path root, found;
	char *name;
	int err;

	if (!len || path[0] != '/')
		return -EINVAL;
	name = kmemdup_nul(path, len, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	/* The real root: a writer in a chroot must not name the chroot's files. */
	get_fs_root(init_task.fs, &root);
	err = vfs_path_lookup(root.dentry, root.mnt, name, LOOKUP_FOLLOW, &found);
	path_put(&root);
	kfree(name);
	if (err)
		return err;
	if (!d_is_reg(found.dentry))
		err = -EINVAL;
	else
		rampart_file_id_of(id, d_inode(found.dentry));
	path_put(&found);
	return err;
}
EXPORT_SYMBOL_GPL(rampart_path_file_id);
