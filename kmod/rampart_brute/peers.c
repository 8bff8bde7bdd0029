// SPDX-License-Identifier: GPL-2.0
/*
 * The remote ends of a crashing task's connected sockets, for the crash event:
 * a service that dies of what a client sent it names that client, so
 * rampart-hidsd can block the address (docs/events.md, "peers"). Read from the
 * descriptor table under its lock, without sleeping (the fallback calls this
 * from a kprobe handler); the socket fields are read without the socket lock,
 * which at worst gives an address that was just changing.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/sprintf.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "shim.h"

struct peers_buf {
	char *buf;
	size_t cap;
	size_t len;
	unsigned int count;
};

/* Appends @sk's remote end; non-zero (stop) when the buffer is full. */
static int add_peer(struct peers_buf *p, const struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	__be16 port = READ_ONCE(inet->inet_dport);
	int n;

	if (READ_ONCE(sk->sk_state) == TCP_LISTEN || !port)
		return 0;
	if (sk->sk_family == AF_INET) {
		__be32 addr = READ_ONCE(inet->inet_daddr);

		if (!addr)
			return 0;
		n = scnprintf(p->buf + p->len, p->cap - p->len, "%s%pI4:%u", p->count ? " " : "",
			      &addr, ntohs(port));
#if IS_ENABLED(CONFIG_IPV6)
	} else if (sk->sk_family == AF_INET6) {
		struct in6_addr addr = sk->sk_v6_daddr;

		if (ipv6_addr_any(&addr))
			return 0;
		if (ipv6_addr_v4mapped(&addr))
			n = scnprintf(p->buf + p->len, p->cap - p->len, "%s%pI4:%u",
				      p->count ? " " : "", &addr.s6_addr32[3], ntohs(port));
		else
			n = scnprintf(p->buf + p->len, p->cap - p->len, "%s[%pI6c]:%u",
				      p->count ? " " : "", &addr, ntohs(port));
#endif
	} else {
		return 0;
	}
	/* scnprintf() stops short of the end: a cut entry is taken back whole. */
	if (p->len + n + 1 >= p->cap) {
		p->buf[p->len] = '\0';
		return 1;
	}
	p->len += n;
	p->count++;
	return 0;
}

static int peer_of_fd(const void *arg, struct file *file, unsigned int fd)
{
	struct socket *sock = sock_from_file(file);

	if (!sock || !sock->sk)
		return 0;
	return add_peer((struct peers_buf *)arg, sock->sk);
}

size_t brute_crash_peers(char *buf, size_t cap)
{
	struct peers_buf p = { .buf = buf, .cap = cap };

	if (!cap)
		return 0;
	buf[0] = '\0';
	if (current->files)
		iterate_fd(current->files, 0, peer_of_fd, &p);
	return p.len;
}
