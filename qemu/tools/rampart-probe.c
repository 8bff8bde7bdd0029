// SPDX-License-Identifier: GPL-2.0
/*
 * rampart-probe: the guest's attack and inspection tool for boot tests.
 * Built static on the host by `rampart boot-test` and installed as
 * /bin/rampart-probe in the initramfs. Each command prints one line saying
 * what happened ("ok" or the errno name) and exits 0 on success, 1 on failure.
 *
 *   open PATH [COUNT]        open(PATH, O_RDONLY) COUNT times (default 1)
 *   iopl LEVEL               iopl(LEVEL)
 *   ioperm FROM NUM          ioperm(FROM, NUM, 1)
 *   msr-write CPU REG VALUE  pwrite VALUE to REG of /dev/cpu/CPU/msr
 *   events                   print queued rampart events (non-blocking)
 *   as-user UID CMD ARGS...  drop to UID/GID and exec CMD
 *   unshare-user             unshare(CLONE_NEWUSER)
 *   clone-user               clone(CLONE_NEWUSER) a child that exits at once
 *   chroot DIR               chroot(DIR)
 *   escape JAIL              open "/", chroot(JAIL), then fchdir back to the old root
 *   kill PID SIG             kill(PID, SIG)
 *   ptrace PID               PTRACE_ATTACH to PID (and detach)
 *   mknod PATH               make a character device node (1:3)
 *   chmod-suid PATH          chmod(PATH, 04755)
 *   mount-tmpfs DIR          mount a tmpfs on DIR
 *   pivot NEW OLD            pivot_root(NEW, OLD)
 *   bench open|stat|fork|exec|unshare|mmap|mmapx|mprotect N
 *                            time N operations; prints "bench KIND: N ops, X ns/op"
 *                            (open: open+close of a regular file; stat: stat of it;
 *                            fork: fork+wait;
 *                            exec: fork+execve(/bin/true)+wait; unshare: fork, the
 *                            child unshares a user namespace, wait)
 *   ok                       print "ok"
 *   pause SECS               sleep SECS seconds
 *   crash segv|abort         die of a NULL write (SIGSEGV) or abort() (SIGABRT)
 *   crash-forks N [PROG]     fork N children that crash (or exec PROG crash segv);
 *                            prints "fork I: MS ms, signal S" per child, the
 *                            time fork() took and how the child died
 *   kill-forks N             fork N children that pause, kill each with SIGSEGV
 *   service CONF LOG         a small service: read CONF, append a line to LOG
 *   write PATH               open(PATH, O_WRONLY|O_CREAT|O_TRUNC)
 *   stat PATH                stat(PATH)
 *   exec PATH                execve(PATH) (prints only when it fails)
 *   pass-fd FILE UID CMD...  open FILE, run CMD as UID with a socket on fd 3, and
 *                            send it the descriptor (SCM_RIGHTS); exits as CMD
 *   recv-fd                  receive a descriptor on fd 3 and read from it
 *   recheck open|stat PATH GATE [AFTER]
 *                            in one process: open (or stat) PATH three times and
 *                            print "before: <result>", wait (up to 60 s) until GATE
 *                            exists, then AFTER (default PATH): "after: <result>"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EVENTS "/sys/kernel/security/rampart/events"

static int report(const char *what, int rc)
{
	if (rc == 0) {
		printf("%s: ok\n", what);
		return 0;
	}
	printf("%s: %s\n", what, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 1;
}

/* One open+close (or stat) of @path: 0, or -1 with errno set. */
static int access_once(const char *kind, const char *path)
{
	struct stat st;
	int fd;

	if (!strcmp(kind, "stat"))
		return stat(path, &st);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int cmd_recheck(const char *kind, const char *path, const char *gate, const char *after)
{
	int rc = 0;

	for (int i = 0; i < 3; i++)
		rc = access_once(kind, path);
	report("before", rc);
	fflush(stdout);
	for (int waited = 0; access(gate, F_OK) != 0; waited++) {
		if (waited == 6000) {
			printf("no %s after 60 s\n", gate);
			return 1;
		}
		usleep(10000);
	}
	return report("after", access_once(kind, after));
}

static int cmd_open(const char *path, long count)
{
	long denied = 0, opened = 0, other = 0;
	int last_errno = 0;

	for (long i = 0; i < count; i++) {
		int fd = open(path, O_RDONLY);

		if (fd >= 0) {
			opened++;
			close(fd);
		} else if (errno == EPERM) {
			denied++;
			last_errno = errno;
		} else {
			other++;
			last_errno = errno;
		}
	}
	if (count == 1) {
		errno = last_errno;
		return report(path, opened ? 0 : -1);
	}
	printf("open %s x%ld: opened %ld, EPERM %ld, other %ld\n", path, count, opened, denied, other);
	return opened ? 1 : 0;
}

static int cmd_msr_write(int cpu, unsigned long reg, unsigned long long value)
{
	char path[64];
	int fd, rc;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return report(path, -1);
	rc = pwrite(fd, &value, sizeof(value), reg) == sizeof(value) ? 0 : -1;
	close(fd);
	return report("msr-write", rc);
}

static int cmd_events(void)
{
	static char buf[65536];
	int fd = open(EVENTS, O_RDONLY | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return report(EVENTS, -1);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	if (n < 0 && errno != EAGAIN)
		return report("read events", -1);
	return 0;
}

static int cmd_as_user(uid_t uid, char **argv)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		return report("drop privileges", -1);
	execvp(argv[0], argv);
	return report(argv[0], -1);
}

static int cmd_clone_user(void)
{
	int status;
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return report("clone-user", -1);
	waitpid(pid, &status, 0);
	return report("clone-user", 0);
}

static int cmd_escape(const char *jail)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return report("open /", -1);
	if (chroot(jail) || chdir("/"))
		return report("chroot", -1);
	return report("fchdir", fchdir(fd));
}

static int cmd_ptrace(pid_t pid)
{
	int status;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL))
		return report("ptrace", -1);
	waitpid(pid, &status, 0);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return report("ptrace", 0);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bench_once(const char *kind)
{
	pid_t pid;
	int fd, status;

	if (!strcmp(kind, "stat")) {
		struct stat st;

		return stat("/rampart/suite", &st);
	}
	if (!strcmp(kind, "open")) {
		fd = open("/rampart/suite", O_RDONLY);
		if (fd < 0)
			return -1;
		return close(fd);
	}
	if (!strcmp(kind, "mmap") || !strcmp(kind, "mmapx")) {
		int exec = !strcmp(kind, "mmapx");
		void *p;

		fd = exec ? open("/bin/busybox", O_RDONLY) : -1;
		if (exec && fd < 0)
			return -1;
		p = mmap(NULL, 4096, exec ? PROT_READ | PROT_EXEC : PROT_READ | PROT_WRITE,
			 exec ? MAP_PRIVATE : MAP_PRIVATE | MAP_ANONYMOUS, fd, 0);
		if (fd >= 0)
			close(fd);
		return p == MAP_FAILED ? -1 : munmap(p, 4096);
	}
	if (!strcmp(kind, "write") || !strcmp(kind, "writem")) {
		/* pwrite of one byte to a file; writem: a file that is mapped (shared, read-only). */
		static int wfd = -1;
		static char block[4096];

		if (wfd < 0) {
			wfd = open("/tmp/rampart-bench-write", O_RDWR | O_CREAT | O_TRUNC, 0600);
			if (wfd < 0 || pwrite(wfd, block, sizeof(block), 0) != sizeof(block))
				return -1;
			if (!strcmp(kind, "writem") &&
			    mmap(NULL, sizeof(block), PROT_READ, MAP_SHARED, wfd, 0) == MAP_FAILED)
				return -1;
		}
		return pwrite(wfd, "x", 1, 0) == 1 ? 0 : -1;
	}
	if (!strcmp(kind, "mprotect")) {
		static void *page;

		if (!page)
			page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED)
			return -1;
		return mprotect(page, 4096, PROT_READ) || mprotect(page, 4096, PROT_READ | PROT_WRITE);
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!strcmp(kind, "exec"))
			execl("/bin/true", "true", (char *)NULL);
		if (!strcmp(kind, "unshare") && unshare(CLONE_NEWUSER))
			_exit(1);
		_exit(0);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int cmd_bench(const char *kind, long n)
{
	long long start;

	if (strcmp(kind, "open") && strcmp(kind, "fork") && strcmp(kind, "exec") &&
	    strcmp(kind, "unshare") && strcmp(kind, "stat") && strcmp(kind, "mmap") &&
	    strcmp(kind, "mmapx") && strcmp(kind, "mprotect") && strcmp(kind, "write") &&
	    strcmp(kind, "writem"))
		return 2;
	start = now_ns();
	for (long i = 0; i < n; i++)
		if (bench_once(kind))
			return report(kind, -1);
	printf("bench %s: %ld ops, %lld ns/op\n", kind, n, (now_ns() - start) / (n ? n : 1));
	return 0;
}

static void crash(const char *how)
{
	if (!strcmp(how, "abort"))
		abort();
	*(volatile int *)0 = 1;
}

static int cmd_crash_forks(long n, const char *prog)
{
	for (long i = 0; i < n; i++) {
		long long start = now_ns();
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return report("fork", -1);
		if (pid == 0) {
			if (prog)
				execl(prog, prog, "crash", "segv", (char *)NULL);
			crash("segv");
			_exit(0);
		}
		printf("fork %ld: %lld ms, ", i, (now_ns() - start) / 1000000);
		if (waitpid(pid, &status, 0) != pid)
			return report("waitpid", -1);
		printf("signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	return 0;
}

static int cmd_kill_forks(long n)
{
	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return report("fork", -1);
		if (pid == 0) {
			pause();
			_exit(0);
		}
		usleep(10000);
		kill(pid, SIGSEGV);
		if (waitpid(pid, &status, 0) != pid)
			return report("waitpid", -1);
		printf("killed child: signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	return 0;
}

static int cmd_service(const char *conf, const char *log)
{
	char buf[256];
	int fd = open(conf, O_RDONLY);

	if (fd < 0)
		return report("service: read config", -1);
	if (read(fd, buf, sizeof(buf)) < 0)
		return report("service: read config", -1);
	close(fd);
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		return report("service: open log", -1);
	if (write(fd, "request served\n", 15) != 15)
		return report("service: write log", -1);
	close(fd);
	return report("service", 0);
}

static int cmd_pass_fd(const char *file, uid_t uid, char **argv)
{
	int sv[2], fd, status;
	char byte = 'x';
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *cmsg;
	pid_t pid;

	fd = open(file, O_RDONLY);
	if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return report("pass-fd: open", -1);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(fd);
		if (dup2(sv[1], 3) < 0 || setgroups(0, NULL) || setgid(uid) || setuid(uid))
			_exit(report("pass-fd: child setup", -1));
		execvp(argv[0], argv);
		_exit(report(argv[0], -1));
	}
	close(sv[1]);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	if (sendmsg(sv[0], &msg, 0) != 1)
		return report("pass-fd: sendmsg", -1);
	if (waitpid(pid, &status, 0) != pid)
		return report("pass-fd: waitpid", -1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int cmd_recv_fd(void)
{
	char byte, data;
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(3, &msg, 0) != 1)
		return report("recv-fd: recvmsg", -1);
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) {
		printf("recv-fd: no descriptor received%s\n", msg.msg_flags & MSG_CTRUNC ? " (MSG_CTRUNC)" : "");
		return 1;
	}
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return report("recv-fd", read(fd, &data, 1) < 0 ? -1 : 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "open"))
		return cmd_open(argv[2], argc > 3 ? atol(argv[3]) : 1);
	if (argc == 3 && !strcmp(argv[1], "iopl"))
		return report("iopl", iopl(atoi(argv[2])));
	if (argc == 4 && !strcmp(argv[1], "ioperm"))
		return report("ioperm", ioperm(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0), 1));
	if (argc == 5 && !strcmp(argv[1], "msr-write"))
		return cmd_msr_write(atoi(argv[2]), strtoul(argv[3], NULL, 0), strtoull(argv[4], NULL, 0));
	if (argc == 2 && !strcmp(argv[1], "events"))
		return cmd_events();
	if (argc == 2 && !strcmp(argv[1], "unshare-user"))
		return report("unshare-user", unshare(CLONE_NEWUSER));
	if (argc == 2 && !strcmp(argv[1], "clone-user"))
		return cmd_clone_user();
	if (argc == 3 && !strcmp(argv[1], "chroot"))
		return report("chroot", chroot(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "escape"))
		return cmd_escape(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "kill"))
		return report("kill", kill(atoi(argv[2]), atoi(argv[3])));
	if (argc == 3 && !strcmp(argv[1], "ptrace"))
		return cmd_ptrace(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "mknod"))
		return report("mknod", mknod(argv[2], S_IFCHR | 0600, makedev(1, 3)));
	if (argc == 3 && !strcmp(argv[1], "chmod-suid"))
		return report("chmod-suid", chmod(argv[2], 04755));
	if (argc == 3 && !strcmp(argv[1], "mount-tmpfs"))
		return report("mount", mount("none", argv[2], "tmpfs", 0, NULL));
	if (argc == 4 && !strcmp(argv[1], "pivot"))
		return report("pivot_root", (int)syscall(SYS_pivot_root, argv[2], argv[3]));
	if (argc == 4 && !strcmp(argv[1], "bench"))
		return cmd_bench(argv[2], atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "service"))
		return cmd_service(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "write"))
		return report("write", open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644) < 0 ? -1 : 0);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "recheck"))
		return cmd_recheck(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : argv[3]);
	if (argc == 3 && !strcmp(argv[1], "stat")) {
		struct stat st;

		return report("stat", stat(argv[2], &st));
	}
	if (argc == 3 && !strcmp(argv[1], "exec")) {
		execl(argv[2], argv[2], (char *)NULL);
		return report("exec", -1);
	}
	if (argc >= 5 && !strcmp(argv[1], "pass-fd"))
		return cmd_pass_fd(argv[2], atoi(argv[3]), argv + 4);
	if (argc == 2 && !strcmp(argv[1], "recv-fd"))
		return cmd_recv_fd();
	if (argc == 2 && !strcmp(argv[1], "ok"))
		return report("ok", 0);
	if (argc == 3 && !strcmp(argv[1], "pause"))
		return report("pause", sleep(atoi(argv[2])) ? -1 : 0);
	if (argc == 3 && !strcmp(argv[1], "crash")) {
		crash(argv[2]);
		return 1;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "crash-forks"))
		return cmd_crash_forks(atol(argv[2]), argc == 4 ? argv[3] : NULL);
	if (argc == 3 && !strcmp(argv[1], "kill-forks"))
		return cmd_kill_forks(atol(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "as-user"))
		return cmd_as_user(atoi(argv[2]), argv + 3);
	fprintf(stderr, "usage: rampart-probe COMMAND ... (see the comment at the top of rampart-probe.c)\n");
	return 2;
}
