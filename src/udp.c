/* udp.c -- UDP transport: batches of datagrams in and out, libevent glue. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <event2/event.h>

#include "dns.h"
#include "log.h"
#include "respond.h"
#include "server_int.h"

#define UDP_BURST		128		/* datagrams per read event, at most */

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
		int r = sendmmsg(fd, udp->out + sent, k - sent, 0);
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
	peer.transport = DNS_UDP;
	peer.emit = NULL;
	peer.emit_arg = NULL;
	for (int round = 0; round < UDP_BURST / UDP_BATCH; round++) {
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
		int n = recvmmsg(fd, udp->in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* EAGAIN also when another worker took them (shared fd). */
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warnx_limited(&w->lim_recv, "udp %s: "
				    "recvmmsg: %s", l->text, strerror(errno));
			return;
		}

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
			memset(r, 0, sizeof(*r));
			udp->iov_out[k].iov_base = udp->answer[k];
			udp->iov_out[k].iov_len = len;
			r->msg_name = &udp->remote[i];
			r->msg_namelen = m->msg_namelen;
			r->msg_iov = &udp->iov_out[k];
			r->msg_iovlen = 1;
			if (coutlen > 0) {
				r->msg_control = udp->cout[k].buf;
				r->msg_controllen = coutlen;
			}
			k++;
		}
		udp_send(w, l, fd, k);
		if (n < UDP_BATCH)
			return;		/* the socket is drained */
	}
}

/* Serves UDP on the bound socket fd, which l owns unless shared. 0 or -1. */
int
udp_listen(struct listener *l, int fd)
{
	l->udp_fd = fd;
	l->udp_ev = event_new(l->w->base, l->udp_fd, EV_READ | EV_PERSIST,
	    udp_read_cb, l);
	if (l->udp_ev == NULL || event_add(l->udp_ev, NULL) == -1) {
		log_warnx("udp %s: cannot add event", l->text);
		return -1;
	}
	return 0;
}
