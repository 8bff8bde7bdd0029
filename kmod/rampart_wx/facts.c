// SPDX-License-Identifier: GPL-2.0
/*
 * Facts the W^X and TPE rules need: what a mapping is and was, what a file
 * being mapped executable is, where a file lives, and whether the current
 * program is exempt. The rules themselves are in Rust (kmod/common/src/wx.rs);
 * C reads the kernel's structures and hands their answers over.
 *
 * The exemption is decided at exec on a kernel with the hook layer (the list,
 * or PaX's user.pax.flags extended attribute, read then) and kept in the
 * layer's task bytes with the list's generation; a later change of the list is
 * applied from the executable's identity. Without the hook layer it is looked
 * up from the executable's identity at every check (the attribute is not read:
 * the checks cannot sleep there).
 */
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <linux/xattr.h>

#include <rampart/core.h>
#include <rampart/hooks_api.h>
#include "shim.h"

/* What a program's exemption bytes hold (written and read only by the task). */
struct wx_task_exempt {
	u64 list_gen;	/* 0: nothing decided yet */
	u32 listed;
	u32 pax_flags;	/* user.pax.flags exempted it at exec */
};
static_assert(sizeof(struct wx_task_exempt) <= RAMPART_TASK_BLOB_SIZE - RAMPART_TASK_BLOB_WX,
	      "rampart_wx owns the last task bytes");

static int wx_blob_offset = -1;

void wx_use_task_blob(int offset)
{
	WRITE_ONCE(wx_blob_offset, offset);
}

static struct wx_task_exempt *task_exempt(void)
{
	int offset = READ_ONCE(wx_blob_offset);

	if (offset < 0 || !current->security)
		return NULL;
	return current->security + offset + RAMPART_TASK_BLOB_WX;
}

/* Whether current's executable is on the list; *@gen: the list's generation. */
static bool exe_listed(u64 *gen)
{
	struct rampart_file_id id = { 0 };
	struct file *exe;

	*gen = rampart_wx_exceptions_gen();
	if (!current->mm)
		return false;
	rcu_read_lock();
	exe = rcu_dereference(current->mm->exe_file);
	if (exe)
		rampart_file_id_of(&id, file_inode(exe));
	rcu_read_unlock();
	return id.present && rampart_wx_listed(&id, gen);
}

bool wx_current_exempt(void)
{
	struct wx_task_exempt *te = task_exempt();
	u64 gen;
	bool listed;

	if (te && te->list_gen && te->list_gen == rampart_wx_exceptions_gen())
		return te->listed || te->pax_flags;
	listed = exe_listed(&gen);
	if (te) {
		te->listed = listed;
		te->list_gen = gen;
		return listed || te->pax_flags;
	}
	return listed;
}

/*
 * Whether PaX's user.pax.flags on @file exempts it: the program's own marking,
 * read without the caller's permission checks (process context; may sleep).
 */
static bool pax_flags_exempt(const struct file *file)
{
	char value[17];
	ssize_t len = __vfs_getxattr(file->f_path.dentry, file_inode(file), "user.pax.flags", value,
				     sizeof(value) - 1);

	return len > 0 && rampart_wx_pax_flags_exempt((const u8 *)value, len);
}

void wx_exempt_at_exec(const struct linux_binprm *bprm)
{
	struct wx_task_exempt *te = task_exempt();

	if (!te || !bprm->file)
		return;
	te->list_gen = 0;
	te->pax_flags = pax_flags_exempt(bprm->file);
	wx_current_exempt();
}

/* Whether anyone can change @file under a mapping of it. */
static void file_facts(const struct file *file, bool *internal, bool *open_for_write,
		       bool *written_elsewhere)
{
	const struct inode *inode = file_inode(file);

	*internal = !!(file->f_path.mnt->mnt_flags & MNT_INTERNAL);
	*open_for_write = !!(file->f_mode & FMODE_WRITE);
	*written_elsewhere = atomic_read(&inode->i_writecount) > 0;
}

int wx_mmap_rule(const struct file *file, unsigned long prot, unsigned long flags)
{
	bool internal = false, open_for_write = false, written_elsewhere = false;

	/*
	 * Shared anonymous memory can be reached through other views (mremap of
	 * the mapping, a child's copy) that mprotect makes writable: it is never
	 * executable.
	 */
	if (!file && (prot & PROT_EXEC) && (flags & MAP_TYPE) != MAP_PRIVATE)
		return WX_WRITE_EXEC;
	if (file)
		file_facts(file, &internal, &open_for_write, &written_elsewhere);
	return rampart_wx_check_mmap(prot & PROT_WRITE, prot & PROT_EXEC, !file, internal,
				     open_for_write, written_elsewhere);
}

int wx_mprotect_rule(const struct vm_area_struct *vma, unsigned long prot)
{
	bool internal = false, open_for_write = false, written_elsewhere = false;
	vm_flags_t flags = vma->vm_flags;

	if (vma->vm_file)
		file_facts(vma->vm_file, &internal, &open_for_write, &written_elsewhere);
	/* A shared writable mapping is written through even without private copies. */
	return rampart_wx_check_mprotect(!vma->vm_file, flags & VM_WRITE, flags & VM_EXEC,
					 vma->anon_vma != NULL, vma->vm_file != NULL, internal,
					 open_for_write, written_elsewhere, prot & PROT_WRITE,
					 prot & PROT_EXEC);
}

/* Root, or a member of the trusted group (real or supplementary). */
static bool tpe_trusted(void)
{
	const struct cred *cred = current_cred();
	u32 gid = rampart_wx_tpe_trusted_gid();

	if (uid_eq(cred->uid, GLOBAL_ROOT_UID))
		return true;
	return gid != U32_MAX && in_group_p(make_kgid(&init_user_ns, gid));
}

bool wx_tpe_refuses(const struct file *file)
{
	bool trusted = tpe_trusted(), internal, root_owned = false, writable = true;
	const struct inode *dir;
	struct dentry *parent;

	if (trusted)
		return false;
	internal = !!(file->f_path.mnt->mnt_flags & MNT_INTERNAL);
	rcu_read_lock();
	parent = READ_ONCE(file->f_path.dentry->d_parent);
	dir = parent ? READ_ONCE(parent->d_inode) : NULL;
	if (dir) {
		root_owned = uid_eq(dir->i_uid, GLOBAL_ROOT_UID);
		writable = (dir->i_mode & (S_IWGRP | S_IWOTH)) != 0;
	}
	rcu_read_unlock();
	return rampart_wx_tpe_violation(trusted, root_owned, writable, internal);
}

bool wx_file_exempt(const struct file *file, bool read_xattr)
{
	struct rampart_file_id id = { 0 };
	u64 gen;

	rampart_file_id_of(&id, file_inode(file));
	if (id.present && rampart_wx_listed(&id, &gen))
		return true;
	return read_xattr && pax_flags_exempt(file);
}
