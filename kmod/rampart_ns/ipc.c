// SPDX-License-Identifier: GPL-2.0
/*
 * Facts about inter-process channels for the chroot rules (grsecurity's
 * CHROOT_UNIX and CHROOT_SHMAT): who is behind a unix socket, and which root
 * created a System V shared memory segment. None sleeps: the unix hooks run
 * with the peer socket's state lock held.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include <rampart/hooks_api.h>
#include "shim.h"

/*
 * Whether @sk is bound to an abstract name and the process that listens on it
 * (or connected it) has another root than current. Sockets bound in the
 * filesystem are reached through the chroot's own files, which the admin put
 * there; unnamed ones cannot be connected to. A listener that has exited
 * counts as outside (fails closed); a datagram socket that never connected has
 * no recorded owner and is not judged.
 */
bool ns_unix_peer_outside(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);
	struct unix_address *addr = smp_load_acquire(&u->addr);
	struct task_struct *t;
	struct pid *owner;
	bool outside;

	if (!addr || u->path.dentry || addr->len <= offsetof(struct sockaddr_un, sun_path) ||
	    addr->name->sun_path[0])
		return false;
	spin_lock(&sk->sk_peer_lock);
	owner = get_pid(sk->sk_peer_pid);
	spin_unlock(&sk->sk_peer_lock);
	if (!owner)
		return false;
	rcu_read_lock();
	t = pid_task(owner, PIDTYPE_TGID);
	outside = !t || !ns_same_root(t, false);
	rcu_read_unlock();
	put_pid(owner);
	return outside;
}

/* What a segment's IPC bytes hold: its creator's root directory. */
struct ns_ipc_root {
	u64 ino;	/* 0: not recorded (created before the module loaded) */
	u32 dev;
	u32 generation;
};
static_assert(sizeof(struct ns_ipc_root) <= RAMPART_IPC_BLOB_SIZE - RAMPART_IPC_BLOB_NS,
	      "rampart_ns owns 16 IPC bytes");

static void current_root(struct ns_ipc_root *mark)
{
	const struct inode *inode;
	struct path root;

	*mark = (struct ns_ipc_root) { 0 };
	if (!current->fs)
		return;
	rcu_read_lock();
	spin_lock(&current->fs->lock);
	root = current->fs->root;
	spin_unlock(&current->fs->lock);
	inode = READ_ONCE(root.dentry->d_inode);
	if (inode) {
		mark->ino = inode->i_ino;
		mark->dev = inode->i_sb->s_dev;
		mark->generation = inode->i_generation;
	}
	rcu_read_unlock();
}

static struct ns_ipc_root *ipc_root(struct kern_ipc_perm *perm, unsigned int blob_offset)
{
	return perm->security ? perm->security + blob_offset + RAMPART_IPC_BLOB_NS : NULL;
}

void ns_ipc_record_creator(struct kern_ipc_perm *perm, unsigned int blob_offset)
{
	struct ns_ipc_root *mark = ipc_root(perm, blob_offset);

	if (mark)
		current_root(mark);
}

bool ns_ipc_created_outside(struct kern_ipc_perm *perm, unsigned int blob_offset)
{
	struct ns_ipc_root *mark = ipc_root(perm, blob_offset), mine;

	if (!mark || !mark->ino)
		return true;
	current_root(&mine);
	return mine.ino != mark->ino || mine.dev != mark->dev || mine.generation != mark->generation;
}
