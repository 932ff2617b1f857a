/* udp.c -- UDP transport: batches of datagrams in and out, libevent glue. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <event2/event.h>

#include "dns.h"
#include "log.h"
#include "respond.h"
#include "server_int.h"

#define UDP_BURST		1024		/* datagrams per callback, at most */
#define UDP_IDLE_US		1000		/* quiet this long: back to epoll */

/*
 * Why a busy socket leaves epoll. While epoll watches the socket, its entry
 * sits on the socket's wait queue, and every datagram sent wakes that queue
 * when the kernel frees it (sock_wfree(), the write-space wake-up): a lock
 * and a walk of the queue per answer, which the no-op responder, blocking
 * in recvmmsg() with nobody else waiting, never pays. So the first batch
 * of an event takes the socket out of epoll, and the worker then waits in
 * recvmmsg() itself (SO_RCVTIMEO UDP_IDLE_US) as the no-op does. Every
 * UDP_BURST datagrams it goes back to its loop (udp_more, a timer due at
 * once) for TCP, the wake-up pipe (a new snapshot, stop) and timers; once
 * the socket stays quiet for UDP_IDLE_US, epoll watches it again. With
 * workers = 1 the loop is the main one: signals wait one burst at most.
 */

/*
 * Reads the destination address of a datagram from its IP_PKTINFO or
 * IPV6_PKTINFO control message into local (with the listener's port), and
 * prepares the control message that makes the reply leave from it.
 * Returns the length of that control message, 0 when there was none.
 */
static size_t
udp_pktinfo(const struct listener *l, struct msghdr *in,
    struct sockaddr_storage *local, void *cbuf, size_t cbuflen)
{
	struct msghdr out;

	memset(&out, 0, sizeof(out));
	out.msg_control = cbuf;
	out.msg_controllen = cbuflen;
	memset(cbuf, 0, cbuflen);

	for (struct cmsghdr *c = CMSG_FIRSTHDR(in); c != NULL;
	    c = CMSG_NXTHDR(in, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    l->ss.ss_family == AF_INET) {
			struct in_pktinfo pi;
			struct sockaddr_in *s4 = (struct sockaddr_in *)local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memset(local, 0, sizeof(*local));
			s4->sin_family = AF_INET;
			s4->sin_port = ((const struct sockaddr_in *)&l->ss)->sin_port;
			s4->sin_addr = pi.ipi_addr;

			/* Source address only; let routing pick the interface. */
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			struct cmsghdr *oc = CMSG_FIRSTHDR(&out);
			oc->cmsg_level = IPPROTO_IP;
			oc->cmsg_type = IP_PKTINFO;
			oc->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(oc), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO &&
		    l->ss.ss_family == AF_INET6) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memset(local, 0, sizeof(*local));
			s6->sin6_family = AF_INET6;
			s6->sin6_port =
			    ((const struct sockaddr_in6 *)&l->ss)->sin6_port;
			s6->sin6_addr = pi.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				s6->sin6_scope_id = pi.ipi6_ifindex;

			/* Keep the interface: needed for link-local sources. */
			struct cmsghdr *oc = CMSG_FIRSTHDR(&out);
			oc->cmsg_level = IPPROTO_IPV6;
			oc->cmsg_type = IPV6_PKTINFO;
			oc->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(oc), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
	}
	return 0;
}

/* Sends the k answers of the batch; a datagram the kernel refuses is skipped. */
static void
udp_send(struct worker *w, const struct listener *l, int fd, unsigned k)
{
	struct udp_batch *udp = &w->udp;
	unsigned sent = 0;

	while (sent < k) {
		int r = sendmmsg(fd, udp->out + sent, k - sent, MSG_DONTWAIT);
		if (r > 0) {
			sent += (unsigned)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		char addr[ADDRSTRLEN];
		addr_format(udp->out[sent].msg_hdr.msg_name, addr, sizeof(addr));
		log_warnx_limited(&w->lim_send, "udp %s: sendmmsg to %s: %s",
		    l->text, addr, strerror(errno));
		sent++;
	}
}

/* Watched by epoll again (or not): 0, or -1 after logging. */
static int
udp_poll(struct listener *l, bool on)
{
	if (l->udp_polled == on)
		return 0;
	if ((on ? event_add(l->udp_ev, NULL) : event_del(l->udp_ev)) == -1) {
		log_warnx("udp %s: cannot %s its event", l->text,
		    on ? "add" : "delete");
		return -1;
	}
	l->udp_polled = on;
	return 0;
}

/*
 * Answers up to UDP_BURST datagrams. From udp_ev (epoll saw the socket
 * readable) or from udp_more (a burst goes on, the socket out of epoll).
 */
static void
udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;
	struct worker *w = l->w;
	struct udp_batch *udp = &w->udp;
	const struct snapshot *snap = w->serving->snap;
	struct sockaddr_storage local;
	struct dns_peer peer;

	(void)what;
	fd = l->udp_fd;
	peer.transport = DNS_UDP;
	peer.emit = NULL;
	peer.emit_arg = NULL;
	/*
	 * The receive headers once per callback; between rounds the kernel has
	 * changed only the lengths of those it filled (n), put back below.
	 */
	for (unsigned i = 0; i < UDP_BATCH; i++) {
		struct msghdr *m = &udp->in[i].msg_hdr;

		udp->iov_in[i].iov_base = udp->query[i];
		udp->iov_in[i].iov_len = sizeof(udp->query[i]);
		memset(m, 0, sizeof(*m));
		m->msg_name = &udp->remote[i];
		m->msg_namelen = sizeof(udp->remote[i]);
		m->msg_iov = &udp->iov_in[i];
		m->msg_iovlen = 1;
		if (l->wildcard) {
			m->msg_control = udp->cin[i].buf;
			m->msg_controllen = sizeof(udp->cin[i].buf);
		}
	}
	for (int round = 0; round < UDP_BURST / UDP_BATCH; round++) {
		/*
		 * Out of epoll, wait for the first datagram (at most
		 * UDP_IDLE_US), then take what is there without waiting.
		 */
		int n = recvmmsg(fd, udp->in, UDP_BATCH, l->udp_polled ?
		    MSG_DONTWAIT : MSG_WAITFORONE, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* EAGAIN also when another worker took them (shared fd). */
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warnx_limited(&w->lim_recv, "udp %s: "
				    "recvmmsg: %s", l->text, strerror(errno));
			(void)udp_poll(l, true);	/* quiet: epoll again */
			return;
		}
		/* Busy: no epoll entry on the wait queue while answering. */
		if (udp_poll(l, false) == -1)
			return;

		/*
		 * The cache misses of looking the names up, overlapped: a
		 * table larger than the caches costs two misses a query.
		 */
		for (unsigned i = 0; i < (unsigned)n; i++) {
			query_parse(&udp->q[i], udp->query[i], udp->in[i].msg_len);
			dns_prefetch(snap, &udp->q[i], 0);
		}
		for (unsigned i = 0; i < (unsigned)n; i++)
			dns_prefetch(snap, &udp->q[i], 1);

		unsigned k = 0;
		for (unsigned i = 0; i < (unsigned)n; i++) {
			struct msghdr *m = &udp->in[i].msg_hdr;

			size_t coutlen = 0;
			peer.remote = (struct sockaddr *)&udp->remote[i];
			peer.local = (struct sockaddr *)&l->ss;
			if (l->wildcard) {
				coutlen = udp_pktinfo(l, m, &local,
				    udp->cout[k].buf, sizeof(udp->cout[k].buf));
				peer.local = coutlen > 0 ?
				    (struct sockaddr *)&local : NULL;
			}
			size_t len = respond_answer(w, &peer, &udp->q[i],
			    udp->answer[k]);
			if (len == 0)
				continue;

			struct msghdr *r = &udp->out[k].msg_hdr;
			udp->iov_out[k].iov_base = udp->answer[k];
			udp->iov_out[k].iov_len = len;
			r->msg_name = &udp->remote[i];
			r->msg_namelen = m->msg_namelen;
			r->msg_iov = &udp->iov_out[k];
			r->msg_iovlen = 1;
			r->msg_control = coutlen > 0 ? udp->cout[k].buf : NULL;
			r->msg_controllen = coutlen;
			r->msg_flags = 0;
			k++;
		}
		udp_send(w, l, fd, k);
		for (unsigned i = 0; i < (unsigned)n; i++) {
			udp->in[i].msg_hdr.msg_namelen = sizeof(udp->remote[i]);
			if (l->wildcard)
				udp->in[i].msg_hdr.msg_controllen =
				    sizeof(udp->cin[i].buf);
		}
	}
	/*
	 * Still busy: the loop's other events, then on (the socket is out).
	 * A timer due now, not event_active(): libevent would run an event
	 * activated from its own callback in the same pass, starving the rest.
	 */
	static const struct timeval now = { 0, 0 };
	evtimer_add(l->udp_more, &now);
}

/* Serves UDP on the bound socket fd, which l owns unless shared. 0 or -1. */
int
udp_listen(struct listener *l, int fd)
{
	/*
	 * Blocking, with a receive timeout, for the waits of a burst; every
	 * other call says MSG_DONTWAIT. (Shared by the workers under socket
	 * activation, the flags are the same for all of them.)
	 */
	l->udp_fd = fd;
	struct timeval idle = { 0, UDP_IDLE_US };
	int flags = fcntl(fd, F_GETFL);
	if (flags == -1 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle,
	    sizeof(idle)) == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
		log_warn("udp %s: cannot set the receive timeout", l->text);
		return -1;
	}
	l->udp_ev = event_new(l->w->base, l->udp_fd, EV_READ | EV_PERSIST,
	    udp_read_cb, l);
	l->udp_more = evtimer_new(l->w->base, udp_read_cb, l);
	if (l->udp_ev == NULL || l->udp_more == NULL ||
	    event_add(l->udp_ev, NULL) == -1) {
		log_warnx("udp %s: cannot add event", l->text);
		return -1;
	}
	l->udp_polled = true;
	return 0;
}
