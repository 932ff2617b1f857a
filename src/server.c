/* server.c -- the event loop: UDP and TCP listeners, signals, reload. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "config.h"
#include "dns.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "rrl.h"
#include "qlog.h"
#include "sdlisten.h"
#include "server.h"
#include "snapshot.h"
#include "stats.h"
#include "tcpframe.h"

#define UDP_BURST		128		/* datagrams per read event, at most */
#define UDP_BATCH		32		/* per recvmmsg()/sendmmsg() */
#define TCP_BACKLOG		128
#define TCP_WRITE_HIGH		(64 * 1024)	/* stop reading above this */
#define ACCEPT_BACKOFF_SEC	1		/* after EMFILE and the like */
#define ADDRSTRLEN		(INET6_ADDRSTRLEN + 8)	/* "[v6]:65535" */

struct listener {
	struct server		*srv;
	struct sockaddr_storage	 ss;		/* the bound address */
	socklen_t		 sslen;
	char			 text[ADDRSTRLEN];
	bool			 wildcard;	/* 0.0.0.0 or ::: learn the local address */
	int			 udp_fd;
	struct event		*udp_ev;
	struct evconnlistener	*tcp;
};

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn)	 entry;
	struct server		*srv;
	struct bufferevent	*bev;
	struct sockaddr_storage	 remote;
	struct sockaddr_storage	 local;
	bool			 have_local;
	bool			 read_paused;	/* output above TCP_WRITE_HIGH */
	bool			 closing;	/* peer is done: flush, then close */
	struct event		*frame_ev;	/* a started query's deadline */
};

struct server {
	struct event_base	*base;
	struct rrl		*rrl;		/* NULL: no rate limiting */
	struct snapshot		*snap;
	char			*config_path;
	bool			 listen_overridden;	/* -l given */
	struct listener		*ls;
	size_t			 nls;
	struct event		*ev_term;
	struct event		*ev_int;
	struct event		*ev_hup;
	struct event		*ev_backoff;	/* re-enables accepting */
	struct notifier		*notifier;
	bool			 accept_backoff;
	bool			 accepting;	/* TCP listeners enabled */
	TAILQ_HEAD(, tcp_conn)	 conns;
	unsigned		 nconns;
	struct stats		 stats;		/* survives reloads */
	struct event		*ev_usr1;	/* counters to the log */
	struct metrics		*metrics;	/* GET /metrics, or NULL */
	unsigned		 qlog_sample;	/* 0: no query log */
	unsigned		 qlog_count;
};

/*
 * One thread answers everything, so the packet buffers can be static.
 * tcp_out keeps two bytes in front of the message for the length prefix.
 */
static uint8_t	 srv_in[DNS_MAX_MESSAGE];
static uint8_t	 tcp_out[2 + DNS_MAX_MESSAGE];

static void	 udp_read_cb(evutil_socket_t, short, void *);
static size_t	 server_limit(struct server *, const struct dns_peer *,
		    const struct dns_result *, uint8_t *, size_t);
static void	 tcp_accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	 tcp_accept_error_cb(struct evconnlistener *, void *);
static void	 tcp_read_cb(struct bufferevent *, void *);
static void	 tcp_write_cb(struct bufferevent *, void *);
static void	 tcp_event_cb(struct bufferevent *, short, void *);
static void	 tcp_conn_free(struct tcp_conn *);
static void	 tcp_frame_timeout_cb(evutil_socket_t, short, void *);
static void	 tcp_update_accepting(struct server *);
static void	 signal_cb(evutil_socket_t, short, void *);
static void	 backoff_cb(evutil_socket_t, short, void *);

static void
addr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	char	 host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(s6->sin6_port));
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(s4->sin_port));
	} else
		snprintf(buf, len, "(family %d)", sa->sa_family);
}

/* Same family, address and port. */
static bool
addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

static bool
addr_is_wildcard(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(
		    &((const struct sockaddr_in6 *)ss)->sin6_addr);
	return false;
}

/*
 * An IPv6 loopback or wildcard address on a host without IPv6 (a container
 * with it turned off): the default configuration lists [::1]:5300, and such
 * a host should still serve IPv4 rather than refuse to start.
 */
static bool
addr_v6_optional(const struct sockaddr_storage *ss, int err)
{
	const struct in6_addr *a;

	if (ss->ss_family != AF_INET6)
		return false;
	if (err != EAFNOSUPPORT && err != EADDRNOTAVAIL)
		return false;
	a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a);
}

/* A non-blocking, close-on-exec socket bound to ss; -1 with errno set. */
static int
socket_bound(const struct sockaddr_storage *ss, socklen_t sslen, int type)
{
	int	 fd, on = 1, saved;

	fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/*
	 * TCP only: restart while old connections linger in TIME_WAIT. On a
	 * Linux UDP socket SO_REUSEADDR would let a second daemon bind the
	 * same port and silently take half of the queries.
	 */
	if (type == SOCK_STREAM &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	/* Keep [::] to IPv6, so that 0.0.0.0 can be bound beside it. */
	if (ss->ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (type == SOCK_DGRAM && addr_is_wildcard(ss)) {
		if (ss->ss_family == AF_INET &&
		    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) == -1)
			goto fail;
		if (ss->ss_family == AF_INET6 &&
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on)) == -1)
			goto fail;
	}
	if (bind(fd, (const struct sockaddr *)ss, sslen) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Serves UDP on the bound socket fd, which l owns from here. 0 or -1. */
static int
listener_udp(struct server *srv, struct listener *l, int fd)
{
	l->udp_fd = fd;
	l->udp_ev = event_new(srv->base, l->udp_fd, EV_READ | EV_PERSIST,
	    udp_read_cb, l);
	if (l->udp_ev == NULL || event_add(l->udp_ev, NULL) == -1) {
		log_warnx("udp %s: cannot add event", l->text);
		return -1;
	}
	return 0;
}

/* Accepts TCP on the bound socket fd, which l owns from here. 0 or -1. */
static int
listener_tcp(struct server *srv, struct listener *l, int fd)
{
	/* evconnlistener_new() calls listen(); the listener owns fd from here. */
	l->tcp = evconnlistener_new(srv->base, tcp_accept_cb, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, TCP_BACKLOG, fd);
	if (l->tcp == NULL) {
		log_warn("tcp %s: listen", l->text);
		close(fd);
		return -1;
	}
	evconnlistener_set_error_cb(l->tcp, tcp_accept_error_cb);
	return 0;
}

/*
 * Opens the UDP socket and the TCP listener of l. 0 on success; 1 when the
 * address was skipped (see addr_v6_optional); -1 after logging on error.
 */
static int
listener_open(struct server *srv, struct listener *l)
{
	int	 fd;

	l->srv = srv;
	l->wildcard = addr_is_wildcard(&l->ss);
	addr_format((struct sockaddr *)&l->ss, l->text, sizeof(l->text));

	if ((fd = socket_bound(&l->ss, l->sslen, SOCK_DGRAM)) == -1) {
		if (addr_v6_optional(&l->ss, errno)) {
			log_warn("skipping %s", l->text);
			return 1;
		}
		log_warn("udp %s", l->text);
		return -1;
	}
	if (listener_udp(srv, l, fd) == -1)
		return -1;
	if ((fd = socket_bound(&l->ss, l->sslen, SOCK_STREAM)) == -1) {
		log_warn("tcp %s", l->text);
		return -1;
	}
	return listener_tcp(srv, l, fd);
}

static void
listener_close(struct listener *l)
{
	if (l->tcp != NULL)
		evconnlistener_free(l->tcp);
	if (l->udp_ev != NULL)
		event_free(l->udp_ev);
	if (l->udp_fd != -1)
		close(l->udp_fd);
	l->tcp = NULL;
	l->udp_ev = NULL;
	l->udp_fd = -1;
}

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
	struct cmsghdr	*c;
	struct msghdr	 out;
	struct cmsghdr	*oc;

	memset(&out, 0, sizeof(out));
	out.msg_control = cbuf;
	out.msg_controllen = cbuflen;
	memset(cbuf, 0, cbuflen);

	for (c = CMSG_FIRSTHDR(in); c != NULL; c = CMSG_NXTHDR(in, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    l->ss.ss_family == AF_INET) {
			struct in_pktinfo	 pi;
			struct sockaddr_in	*s4 = (struct sockaddr_in *)local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memset(local, 0, sizeof(*local));
			s4->sin_family = AF_INET;
			s4->sin_port = ((const struct sockaddr_in *)&l->ss)->sin_port;
			s4->sin_addr = pi.ipi_addr;

			/* Source address only; let routing pick the interface. */
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			oc = CMSG_FIRSTHDR(&out);
			oc->cmsg_level = IPPROTO_IP;
			oc->cmsg_type = IP_PKTINFO;
			oc->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(oc), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO &&
		    l->ss.ss_family == AF_INET6) {
			struct in6_pktinfo	 pi;
			struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memset(local, 0, sizeof(*local));
			s6->sin6_family = AF_INET6;
			s6->sin6_port =
			    ((const struct sockaddr_in6 *)&l->ss)->sin6_port;
			s6->sin6_addr = pi.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				s6->sin6_scope_id = pi.ipi6_ifindex;

			/* Keep the interface: needed for link-local sources. */
			oc = CMSG_FIRSTHDR(&out);
			oc->cmsg_level = IPPROTO_IPV6;
			oc->cmsg_type = IPV6_PKTINFO;
			oc->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(oc), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
	}
	return 0;
}

/*
 * Answers one message and counts it. With the query log off this costs one
 * branch more than dns_answer(); only a logged query reads the clock.
 */
static size_t
server_answer(struct server *srv, const struct dns_peer *peer,
    const uint8_t *query, size_t qlen, uint8_t *out)
{
	struct dns_result	 res;
	struct timespec		 t0, t1;
	size_t			 len;
	long			 usec;

	if (srv->qlog_sample == 0 || ++srv->qlog_count < srv->qlog_sample) {
		len = dns_answer(srv->snap, peer, &srv->stats, query, qlen,
		    out, &res);
		stats_count(&srv->stats, peer->transport, &res);
		return server_limit(srv, peer, &res, out, len);
	}
	srv->qlog_count = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	len = dns_answer(srv->snap, peer, &srv->stats, query, qlen, out, &res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats_count(&srv->stats, peer->transport, &res);
	usec = (long)(t1.tv_sec - t0.tv_sec) * 1000000L +
	    (t1.tv_nsec - t0.tv_nsec) / 1000;
	qlog_write(peer->remote, res.view >= 0 ?
	    srv->snap->views[res.view].sv.name : NULL, peer->transport, &res,
	    len, usec);
	return server_limit(srv, peer, &res, out, len);
}

/*
 * One batch of datagrams for recvmmsg()/sendmmsg(): a system call each way
 * per UDP_BATCH queries instead of two per query. Static: one thread.
 */
struct udp_batch {
	struct mmsghdr		 in[UDP_BATCH];
	struct mmsghdr		 out[UDP_BATCH];
	struct iovec		 iov_in[UDP_BATCH];
	struct iovec		 iov_out[UDP_BATCH];
	struct sockaddr_storage	 remote[UDP_BATCH];
	union {				/* aligned for struct cmsghdr */
		struct cmsghdr	 hdr;
		uint8_t		 buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(sizeof(struct in_pktinfo))];
	}			 cin[UDP_BATCH], cout[UDP_BATCH];
	uint8_t			 query[UDP_BATCH][DNS_MAX_MESSAGE];
	uint8_t			 answer[UDP_BATCH][DNS_MAX_MESSAGE];
};
static struct udp_batch	 udp;

/* Sends the k answers of the batch; a datagram the kernel refuses is skipped. */
static void
udp_send(const struct listener *l, int fd, unsigned k)
{
	static struct log_limit lim;
	unsigned sent = 0;
	int r;
	char addr[ADDRSTRLEN];

	while (sent < k) {
		r = sendmmsg(fd, udp.out + sent, k - sent, 0);
		if (r > 0) {
			sent += (unsigned)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		addr_format(udp.out[sent].msg_hdr.msg_name, addr, sizeof(addr));
		log_warnx_limited(&lim, "udp %s: sendmmsg to %s: %s", l->text,
		    addr, strerror(errno));
		sent++;
	}
}

static void
udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	static struct log_limit	 lim;
	struct listener		*l = arg;
	struct server		*srv = l->srv;
	struct sockaddr_storage	 local;
	struct dns_peer		 peer;
	size_t			 coutlen, len;
	unsigned		 i, k;
	int			 n, round;

	(void)what;
	peer.transport = DNS_UDP;
	peer.emit = NULL;
	peer.emit_arg = NULL;
	for (round = 0; round < UDP_BURST / UDP_BATCH; round++) {
		for (i = 0; i < UDP_BATCH; i++) {
			struct msghdr *m = &udp.in[i].msg_hdr;

			udp.iov_in[i].iov_base = udp.query[i];
			udp.iov_in[i].iov_len = sizeof(udp.query[i]);
			memset(m, 0, sizeof(*m));
			m->msg_name = &udp.remote[i];
			m->msg_namelen = sizeof(udp.remote[i]);
			m->msg_iov = &udp.iov_in[i];
			m->msg_iovlen = 1;
			if (l->wildcard) {
				m->msg_control = udp.cin[i].buf;
				m->msg_controllen = sizeof(udp.cin[i].buf);
			}
		}
		n = recvmmsg(fd, udp.in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warnx_limited(&lim, "udp %s: recvmmsg: %s",
				    l->text, strerror(errno));
			return;
		}

		for (i = 0, k = 0; i < (unsigned)n; i++) {
			struct msghdr *m = &udp.in[i].msg_hdr, *r;

			coutlen = 0;
			peer.remote = (struct sockaddr *)&udp.remote[i];
			peer.local = (struct sockaddr *)&l->ss;
			if (l->wildcard) {
				coutlen = udp_pktinfo(l, m, &local,
				    udp.cout[k].buf, sizeof(udp.cout[k].buf));
				peer.local = coutlen > 0 ?
				    (struct sockaddr *)&local : NULL;
			}
			len = server_answer(srv, &peer, udp.query[i],
			    udp.in[i].msg_len, udp.answer[k]);
			if (len == 0)
				continue;

			r = &udp.out[k].msg_hdr;
			memset(r, 0, sizeof(*r));
			udp.iov_out[k].iov_base = udp.answer[k];
			udp.iov_out[k].iov_len = len;
			r->msg_name = &udp.remote[i];
			r->msg_namelen = m->msg_namelen;
			r->msg_iov = &udp.iov_out[k];
			r->msg_iovlen = 1;
			if (coutlen > 0) {
				r->msg_control = udp.cout[k].buf;
				r->msg_controllen = coutlen;
			}
			k++;
		}
		udp_send(l, fd, k);
		if (n < UDP_BATCH)
			return;		/* the socket is drained */
	}
}

/*
 * TCP listeners accept while there is room under tcp_max_clients and no
 * back-off (after running out of descriptors) is in progress.
 */
static void
tcp_update_accepting(struct server *srv)
{
	const struct config *cfg = snapshot_config(srv->snap);
	bool	 want;
	size_t	 i;

	want = !srv->accept_backoff && srv->nconns < cfg->tcp_max_clients;
	if (want == srv->accepting)
		return;
	for (i = 0; i < srv->nls; i++) {
		if (srv->ls[i].tcp == NULL)
			continue;
		if (want)
			evconnlistener_enable(srv->ls[i].tcp);
		else
			evconnlistener_disable(srv->ls[i].tcp);
	}
	srv->accepting = want;
	if (!want && !srv->accept_backoff)
		log_debug("tcp: %u connections, not accepting more",
		    srv->nconns);
}

/* Out of memory for a connection: one warning a second at most. */
static struct log_limit	 lim_mem;

static void
tcp_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listener		*l = arg;
	struct server		*srv = l->srv;
	const struct config	*cfg = snapshot_config(srv->snap);
	struct tcp_conn		*c;
	struct timeval		 tv;
	socklen_t		 len;

	(void)lev;
	/* libevent may hand over several accepted sockets in one go. */
	if (srv->nconns >= cfg->tcp_max_clients) {
		log_debug("tcp %s: connection limit, closing new one", l->text);
		close(fd);
		tcp_update_accepting(srv);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->frame_ev = evtimer_new(srv->base, tcp_frame_timeout_cb,
	    c)) == NULL) {
		log_warnx_limited(&lim_mem, "tcp %s: out of memory, closing "
		    "new connection", l->text);
		free(c);
		close(fd);
		return;
	}
	c->srv = srv;
	if (salen > 0 && (size_t)salen <= sizeof(c->remote))
		memcpy(&c->remote, sa, (size_t)salen);
	len = sizeof(c->local);
	c->have_local = getsockname(fd, (struct sockaddr *)&c->local,
	    &len) == 0;

	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		log_warnx_limited(&lim_mem, "tcp %s: cannot create "
		    "bufferevent", l->text);
		close(fd);
		event_free(c->frame_ev);
		free(c);
		return;
	}
	bufferevent_setcb(c->bev, tcp_read_cb, tcp_write_cb, tcp_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 2, 0);
	/* Idle timeout; also bounds a peer that stops reading our answers. */
	tv.tv_sec = cfg->tcp_timeout;
	tv.tv_usec = 0;
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	if (bufferevent_enable(c->bev, EV_READ) == -1) {
		log_warnx_limited(&lim_mem, "tcp %s: cannot enable reading",
		    l->text);
		bufferevent_free(c->bev);
		event_free(c->frame_ev);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	srv->nconns++;
	tcp_update_accepting(srv);
}

static void
tcp_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	static struct log_limit lim;
	struct listener	*l = arg;
	struct server	*srv = l->srv;
	struct timeval	 tv = { ACCEPT_BACKOFF_SEC, 0 };
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)lev;
	if (err == EINTR || err == ECONNABORTED)
		return;
	log_warnx_limited(&lim, "tcp %s: accept: %s", l->text, strerror(err));
	/* Out of descriptors or memory: stop accepting for a moment
	 * instead of spinning on a socket that stays readable. */
	srv->accept_backoff = true;
	tcp_update_accepting(srv);
	evtimer_add(srv->ev_backoff, &tv);
}

static void
backoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;

	(void)fd;
	(void)what;
	srv->accept_backoff = false;
	tcp_update_accepting(srv);
}

/* A message of a zone transfer: framed into the connection's output. */
static int
tcp_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct evbuffer	*out = arg;
	uint8_t		 hdr[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	if (evbuffer_add(out, hdr, 2) == -1 || evbuffer_add(out, msg, len) == -1)
		return -1;
	return 0;
}

/*
 * A query must arrive whole within tcp_timeout of its start, however slowly
 * it trickles in: the idle timeout restarts with every byte read. restart:
 * a frame was just taken, so what waits now is the start of the next one.
 */
static void
tcp_frame_deadline(struct tcp_conn *c, bool restart)
{
	const struct config	*cfg = snapshot_config(c->srv->snap);
	struct timeval		 tv;

	if (evbuffer_get_length(bufferevent_get_input(c->bev)) == 0) {
		evtimer_del(c->frame_ev);
		return;
	}
	if (!restart && evtimer_pending(c->frame_ev, NULL))
		return;
	tv.tv_sec = cfg->tcp_timeout;
	tv.tv_usec = 0;
	evtimer_add(c->frame_ev, &tv);
}

static void
tcp_frame_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn	*c = arg;

	(void)fd;
	(void)what;
	log_debug("tcp: query not complete within tcp_timeout, closing");
	tcp_conn_free(c);
}

/*
 * Answers every complete frame in the input buffer (clients may pipeline),
 * unless the answers waiting to be written pass TCP_WRITE_HIGH: then reading
 * stops until tcp_write_cb() sees the output drained.
 */
static void
tcp_process(struct tcp_conn *c)
{
	struct server		*srv = c->srv;
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	struct dns_peer		 peer;
	uint8_t			 hdr[TCPFRAME_HDR] = { 0, 0 };
	size_t			 avail, mlen, len;
	bool			 consumed = false;

	peer.remote = (struct sockaddr *)&c->remote;
	peer.local = c->have_local ? (struct sockaddr *)&c->local : NULL;
	peer.transport = DNS_TCP;
	peer.emit = tcp_emit;
	peer.emit_arg = out;

	for (;;) {
		if (evbuffer_get_length(out) > TCP_WRITE_HIGH) {
			bufferevent_disable(c->bev, EV_READ);
			c->read_paused = true;
			/* Our delay, not the client's: no query deadline. */
			evtimer_del(c->frame_ev);
			return;
		}
		avail = evbuffer_get_length(in);
		if (avail >= TCPFRAME_HDR)
			evbuffer_copyout(in, hdr, TCPFRAME_HDR);
		switch (tcpframe_next(hdr, avail, &mlen)) {
		case TCPFRAME_CLOSE:
			/* The client is done: answers already queued go first. */
			log_debug("tcp: zero-length frame, closing");
			if (evbuffer_get_length(out) > 0) {
				c->closing = true;
				bufferevent_disable(c->bev, EV_READ);
				return;
			}
			tcp_conn_free(c);
			return;
		case TCPFRAME_NEED_MORE:
			if (mlen == 0)
				goto wait;	/* not even the length yet */
			/* Wake up only when the whole frame is in. */
			bufferevent_setwatermark(c->bev, EV_READ,
			    TCPFRAME_HDR + mlen, 0);
			tcp_frame_deadline(c, consumed);
			return;
		case TCPFRAME_FRAME:
			break;
		}
		evbuffer_drain(in, TCPFRAME_HDR);
		evbuffer_remove(in, srv_in, mlen);
		consumed = true;

		len = server_answer(srv, &peer, srv_in, mlen, tcp_out + 2);
		if (len == 0)
			continue;
		tcp_out[0] = (uint8_t)(len >> 8);
		tcp_out[1] = (uint8_t)len;
		if (evbuffer_add(out, tcp_out, 2 + len) == -1) {
			log_warnx_limited(&lim_mem, "tcp: out of memory, "
			    "closing");
			tcp_conn_free(c);
			return;
		}
	}
wait:
	bufferevent_setwatermark(c->bev, EV_READ, TCPFRAME_HDR, 0);
	tcp_frame_deadline(c, consumed);
}

static void
tcp_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	tcp_process(arg);
}

/* Called when the output buffer has drained (write low-water mark 0). */
static void
tcp_write_cb(struct bufferevent *bev, void *arg)
{
	struct tcp_conn	*c = arg;

	(void)bev;
	if (c->closing) {
		tcp_conn_free(c);
		return;
	}
	if (c->read_paused) {
		c->read_paused = false;
		bufferevent_enable(c->bev, EV_READ);
		/* Frames may already wait in the input buffer. */
		tcp_process(c);
	}
}

static void
tcp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct tcp_conn	*c = arg;

	if (what & BEV_EVENT_EOF) {
		/* The peer has sent everything: flush the answers, then close. */
		if (evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
			c->closing = true;
			bufferevent_disable(bev, EV_READ);
			return;
		}
	} else if (what & BEV_EVENT_TIMEOUT)
		log_debug("tcp: idle timeout, closing");
	else if (what & BEV_EVENT_ERROR)
		log_debug("tcp: %s, closing",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	tcp_conn_free(c);
}

static void
tcp_conn_free(struct tcp_conn *c)
{
	struct server	*srv = c->srv;

	TAILQ_REMOVE(&srv->conns, c, entry);
	srv->nconns--;
	bufferevent_free(c->bev);
	event_free(c->frame_ev);
	free(c);
	tcp_update_accepting(srv);
}

/* Whether cfg's listen list is the set of addresses we were started with. */
static bool
listen_changed(const struct server *srv, const struct config *cfg)
{
	size_t	 i, j, nbound = 0;

	for (i = 0; i < srv->nls; i++) {
		for (j = 0; j < cfg->nlisten; j++)
			if (addr_equal(&srv->ls[i].ss, &cfg->listen[j].ss))
				break;
		if (j == cfg->nlisten)
			return true;
		nbound++;
	}
	for (j = 0; j < cfg->nlisten; j++) {
		for (i = 0; i < srv->nls; i++)
			if (addr_equal(&srv->ls[i].ss, &cfg->listen[j].ss))
				break;
		if (i == srv->nls)
			return true;
	}
	return nbound != srv->nls;
}

/* After a reload every zone has a new serial: NOTIFY the secondaries. */
static void
server_notify_zone(void *arg, const char *zone)
{
	struct server		*srv = arg;
	const struct config	*cfg = snapshot_config(srv->snap);

	if (cfg->nnotify == 0)
		return;
	if (srv->notifier == NULL && (srv->notifier = notify_new(srv->base)) == NULL) {
		log_warnx("notify: out of memory");
		return;
	}
	log_debug("notify %s: to %zu secondaries", zone, cfg->nnotify);
	if (notify_send(srv->notifier, cfg->notify, cfg->nnotify, zone) == -1)
		log_warnx("notify %s: nothing could be sent", zone);
}

/* Both unset, or the same address. */
static bool
addr_listen_equal(const struct cfg_listen *a, const struct cfg_listen *b)
{
	if (a->sslen == 0 || b->sslen == 0)
		return a->sslen == b->sslen;
	return addr_equal(&a->ss, &b->ss);
}

/* What the counters need from the serving snapshot: views, query log. */
static void
server_set_counting(struct server *srv)
{
	const struct config *cfg = snapshot_config(srv->snap);

	stats_set_views(&srv->stats, srv->snap);
	srv->qlog_sample = cfg->query_log ? cfg->query_log_sample : 0;
	srv->qlog_count = 0;
	/* Fresh buckets for the (maybe new) limits; NULL turns it off. */
	rrl_free(srv->rrl);
	srv->rrl = NULL;
	if (cfg->rrl > 0 && (srv->rrl = rrl_new(cfg->rrl, cfg->rrl_slip,
	    cfg->rrl_ipv4_prefix, cfg->rrl_ipv6_prefix)) == NULL)
		log_warnx("rrl: out of memory, responses are not rate limited");
}

/* Response rate limiting of a UDP reply (RRL): send, drop or slip it. */
static size_t
server_limit(struct server *srv, const struct dns_peer *peer,
    const struct dns_result *res, uint8_t *out, size_t len)
{
	if (srv->rrl == NULL || peer->transport != DNS_UDP || len == 0)
		return len;
	switch (rrl_check(srv->rrl, peer->remote, res, time(NULL))) {
	case RRL_SEND:
		return len;
	case RRL_SLIP:
		srv->stats.rrl_slipped++;
		return rrl_slip_reply(out, len);
	case RRL_DROP:
		break;
	}
	srv->stats.rrl_dropped++;
	return 0;
}

static void
server_gauges(const struct server *srv, struct stats_gauges *g)
{
	g->zones = snapshot_nzones(srv->snap);
	g->records = snapshot_nrecords(srv->snap);
	g->serial = snapshot_serial(srv->snap);
	g->tcp_connections = srv->nconns;
}

/* GET /metrics. */
static int
server_metrics(void *arg, FILE *fp)
{
	struct server		*srv = arg;
	struct stats_gauges	 g;

	server_gauges(srv, &g);
	return stats_prometheus(&srv->stats, &g, fp);
}

/*
 * SIGHUP: a fresh configuration and snapshot built beside the serving one.
 * Queries are answered inside callbacks of this one thread, so nothing holds
 * the old snapshot once we are here, and the swap is a pointer assignment.
 */
static void
server_reload(struct server *srv)
{
	struct config	*cfg;
	struct snapshot	*snap, *old;
	unsigned	 nwarn = 0;

	log_info("reloading %s", srv->config_path);
	if ((cfg = config_load(srv->config_path, log_stream(), &nwarn)) == NULL) {
		log_warnx("%s has errors, not reloading", srv->config_path);
		srv->stats.reloads_failed++;
		return;
	}
	/* snapshot_build() takes cfg, also when it fails. */
	if ((snap = snapshot_build(cfg, srv->snap, log_stream())) == NULL) {
		log_warnx("%s has errors, not reloading", srv->config_path);
		srv->stats.reloads_failed++;
		return;
	}
	if (!addr_listen_equal(&snapshot_config(srv->snap)->metrics,
	    &snapshot_config(snap)->metrics))
		log_warnx("metrics change in %s requires a restart",
		    srv->config_path);
	old = srv->snap;
	srv->snap = snap;
	snapshot_free(old);
	srv->stats.reloads_ok++;
	server_set_counting(srv);
	snapshot_zone_names(snap, server_notify_zone, srv);

	if (!srv->listen_overridden &&
	    listen_changed(srv, snapshot_config(srv->snap)))
		log_warnx("listen change in %s requires a restart",
		    srv->config_path);
	log_info("reloaded %s: serial %lu", srv->config_path,
	    (unsigned long)snapshot_serial(srv->snap));
	/* tcp_max_clients may have changed. */
	tcp_update_accepting(srv);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server	*srv = arg;

	(void)what;
	switch (sig) {
	case SIGHUP:
		server_reload(srv);
		break;
	case SIGUSR1: {
		struct stats_gauges g;

		server_gauges(srv, &g);
		stats_log(&srv->stats, &g);
		break;
	}
	case SIGTERM:
	case SIGINT:
		log_info("%s, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		event_base_loopbreak(srv->base);
		break;
	}
}

/* libevent's own messages, through our log. */
static void
server_libevent_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

/*
 * Fills srv->ls from the override texts or the configuration.
 * 0, or -1 after logging.
 */
static int
server_addresses(struct server *srv, char **override, int noverride)
{
	const struct config	*cfg = snapshot_config(srv->snap);
	struct cfg_listen	 cl;
	size_t			 i, n;

	n = override != NULL ? (size_t)noverride : cfg->nlisten;
	if (n == 0) {
		log_warnx("no listen address");
		return -1;
	}
	if ((srv->ls = calloc(n, sizeof(*srv->ls))) == NULL) {
		log_warn("calloc");
		return -1;
	}
	for (i = 0; i < n; i++)
		srv->ls[i].udp_fd = -1;
	srv->nls = n;
	for (i = 0; i < n; i++) {
		if (override == NULL) {
			srv->ls[i].ss = cfg->listen[i].ss;
			srv->ls[i].sslen = cfg->listen[i].sslen;
			continue;
		}
		memset(&cl, 0, sizeof(cl));
		if (config_parse_listen(override[i], &cl) == -1) {
			log_warnx("bad listen address: %s", override[i]);
			return -1;
		}
		srv->ls[i].ss = cl.ss;
		srv->ls[i].sslen = cl.sslen;
		/* Free a copy of the text if the parser made one. */
		if (cl.text != NULL && cl.text != override[i])
			free(cl.text);
	}
	return 0;
}

/*
 * Socket activation: the nfds sockets systemd passed (ocsdnsd.socket), a
 * datagram one served as UDP, a listening stream one as TCP; the two of one
 * address share a listener. 0, or -1 after logging (all of them closed).
 */
static int
server_activated(struct server *srv, int nfds)
{
	struct sockaddr_storage	 ss;
	struct listener		*l = NULL;
	socklen_t		 sslen, optlen;
	size_t			 k;
	int			 i, fd, type, flags, on = 1, owned = 0;

	if ((srv->ls = calloc((size_t)nfds, sizeof(*srv->ls))) == NULL) {
		log_warn("calloc");
		goto fail;
	}
	for (i = 0; i < nfds; i++) {
		fd = SDLISTEN_FDS_START + i;
		memset(&ss, 0, sizeof(ss));
		sslen = sizeof(ss);
		optlen = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &optlen) == -1 ||
		    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
			log_warn("socket activation: descriptor %d", fd);
			goto fail;
		}
		if ((ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
		    (type != SOCK_DGRAM && type != SOCK_STREAM)) {
			log_warnx("socket activation: descriptor %d is not a "
			    "UDP or TCP socket", fd);
			goto fail;
		}
		for (k = 0; k < srv->nls; k++) {
			l = &srv->ls[k];
			if (addr_equal(&l->ss, &ss) && (type == SOCK_DGRAM ?
			    l->udp_fd == -1 : l->tcp == NULL))
				break;
		}
		if (k == srv->nls) {
			l = &srv->ls[srv->nls++];
			l->srv = srv;
			l->ss = ss;
			l->sslen = sslen;
			l->udp_fd = -1;
			l->wildcard = addr_is_wildcard(&ss);
			addr_format((struct sockaddr *)&ss, l->text,
			    sizeof(l->text));
		}
		if ((flags = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
			log_warn("socket activation: %s", l->text);
			goto fail;
		}
		/* As socket_bound() does: learn the local address. */
		if (type == SOCK_DGRAM && l->wildcard &&
		    (ss.ss_family == AF_INET ? setsockopt(fd, IPPROTO_IP,
		    IP_PKTINFO, &on, sizeof(on)) : setsockopt(fd, IPPROTO_IPV6,
		    IPV6_RECVPKTINFO, &on, sizeof(on))) == -1) {
			log_warn("socket activation: udp %s: pktinfo", l->text);
			goto fail;
		}
		owned = i + 1;		/* l owns fd now, also on failure */
		if ((type == SOCK_DGRAM ? listener_udp(srv, l, fd) :
		    listener_tcp(srv, l, fd)) == -1)
			goto fail;
		log_info("socket activation: %s %s",
		    type == SOCK_DGRAM ? "udp" : "tcp", l->text);
	}
	return 0;
fail:
	for (i = owned; i < nfds; i++)
		close(SDLISTEN_FDS_START + i);
	return -1;
}

struct server *
server_new(struct snapshot *snap, const char *config_path,
    char **listen_override, int nlisten_override)
{
	struct server	*srv;
	size_t		 i, nbound = 0;
	int		 rc, nfds;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		log_warn("calloc");
		snapshot_free(snap);
		return NULL;
	}
	srv->snap = snap;
	TAILQ_INIT(&srv->conns);
	stats_init(&srv->stats);
	server_set_counting(srv);
	srv->listen_overridden = listen_override != NULL;
	if ((srv->config_path = strdup(config_path)) == NULL) {
		log_warn("strdup");
		goto fail;
	}

	/* A client that closes early must not kill us on the next write. */
	signal(SIGPIPE, SIG_IGN);
	event_set_log_callback(server_libevent_log);

	if ((srv->base = event_base_new()) == NULL) {
		log_warnx("cannot create the event base");
		goto fail;
	}
	srv->ev_term = evsignal_new(srv->base, SIGTERM, signal_cb, srv);
	srv->ev_int = evsignal_new(srv->base, SIGINT, signal_cb, srv);
	srv->ev_hup = evsignal_new(srv->base, SIGHUP, signal_cb, srv);
	srv->ev_usr1 = evsignal_new(srv->base, SIGUSR1, signal_cb, srv);
	srv->ev_backoff = evtimer_new(srv->base, backoff_cb, srv);
	if (srv->ev_term == NULL || srv->ev_int == NULL ||
	    srv->ev_hup == NULL || srv->ev_backoff == NULL ||
	    srv->ev_usr1 == NULL ||
	    evsignal_add(srv->ev_term, NULL) == -1 ||
	    evsignal_add(srv->ev_int, NULL) == -1 ||
	    evsignal_add(srv->ev_hup, NULL) == -1 ||
	    evsignal_add(srv->ev_usr1, NULL) == -1) {
		log_warnx("cannot set up signal events");
		goto fail;
	}

	if ((nfds = sdlisten_fds()) == -1)
		goto fail;
	if (nfds > 0) {
		/* systemd has bound them: listen and -l do not apply. */
		srv->listen_overridden = true;
		if (server_activated(srv, nfds) == -1)
			goto fail;
		nbound = srv->nls;
	} else if (server_addresses(srv, listen_override,
	    nlisten_override) == -1)
		goto fail;
	for (i = 0; nfds == 0 && i < srv->nls; i++) {
		if ((rc = listener_open(srv, &srv->ls[i])) == -1)
			goto fail;
		if (rc == 0)
			nbound++;
		else
			listener_close(&srv->ls[i]);
	}
	if (nbound == 0) {
		log_warnx("no address to listen on");
		goto fail;
	}
	if (snapshot_config(srv->snap)->metrics.sslen > 0 &&
	    (srv->metrics = metrics_new(srv->base,
	    &snapshot_config(srv->snap)->metrics, server_metrics, srv)) == NULL)
		goto fail;
	srv->accepting = true;
	tcp_update_accepting(srv);
	return srv;
fail:
	server_free(srv);
	return NULL;
}

int
server_run(struct server *srv)
{
	char	 addrs[1024];
	size_t	 i, off = 0;
	int	 n;

	addrs[0] = '\0';
	for (i = 0; i < srv->nls; i++) {
		if (srv->ls[i].udp_fd == -1 && srv->ls[i].tcp == NULL)
			continue;
		n = snprintf(addrs + off, sizeof(addrs) - off, " %s",
		    srv->ls[i].text);
		if (n < 0 || (size_t)n >= sizeof(addrs) - off)
			break;
		off += (size_t)n;
	}
	log_info("ocsdnsd %s: serving %zu zones (%zu records), serial %lu, on%s",
	    PACKAGE_VERSION, snapshot_nzones(srv->snap),
	    snapshot_nrecords(srv->snap),
	    (unsigned long)snapshot_serial(srv->snap), addrs);

	if (event_base_dispatch(srv->base) == -1) {
		log_warnx("event loop failed");
		return -1;
	}
	return 0;
}

void
server_free(struct server *srv)
{
	struct tcp_conn	*c;
	size_t		 i;

	if (srv == NULL)
		return;
	while ((c = TAILQ_FIRST(&srv->conns)) != NULL) {
		TAILQ_REMOVE(&srv->conns, c, entry);
		bufferevent_free(c->bev);
		event_free(c->frame_ev);
		free(c);
	}
	srv->nconns = 0;
	for (i = 0; i < srv->nls; i++)
		listener_close(&srv->ls[i]);
	free(srv->ls);
	if (srv->ev_term != NULL)
		event_free(srv->ev_term);
	if (srv->ev_int != NULL)
		event_free(srv->ev_int);
	if (srv->ev_hup != NULL)
		event_free(srv->ev_hup);
	if (srv->ev_usr1 != NULL)
		event_free(srv->ev_usr1);
	metrics_free(srv->metrics);
	stats_free(&srv->stats);
	rrl_free(srv->rrl);
	if (srv->ev_backoff != NULL)
		event_free(srv->ev_backoff);
	notify_free(srv->notifier);
	if (srv->base != NULL)
		event_base_free(srv->base);
	snapshot_free(srv->snap);
	free(srv->config_path);
	free(srv);
}
