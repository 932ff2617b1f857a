/* server.c -- the event loops: listeners, workers, signals, background reload. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
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

struct worker;

struct listener {
	struct worker		*w;
	struct sockaddr_storage	 ss;		/* the bound address */
	socklen_t		 sslen;
	char			 text[ADDRSTRLEN];
	bool			 wildcard;	/* 0.0.0.0 or ::: learn the local address */
	bool			 shared;	/* socket activation: worker 0 owns the fds */
	int			 udp_fd;
	struct event		*udp_ev;
	struct evconnlistener	*tcp;
};

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn)	 entry;
	struct worker		*w;
	struct bufferevent	*bev;
	struct sockaddr_storage	 remote;
	struct sockaddr_storage	 local;
	bool			 have_local;
	bool			 read_paused;	/* output above TCP_WRITE_HIGH */
	bool			 closing;	/* peer is done: flush, then close */
	struct event		*frame_ev;	/* a started query's deadline */
};

/*
 * One published snapshot. gen grows with every publication; a replaced one
 * waits on the retired list until every worker has adopted a later one.
 */
struct serving {
	TAILQ_ENTRY(serving)	 entry;
	struct snapshot		*snap;
	uint64_t		 gen;
	uint64_t		 retired_at;	/* gen of the one that replaced it */
	bool			 announce;	/* "reloaded" not logged yet */
	int			 view_slot[STATS_MAX_VIEWS];
	size_t			 nview_slots;
};
TAILQ_HEAD(serving_list, serving);

/*
 * One batch of datagrams for recvmmsg()/sendmmsg(): a system call each way
 * per UDP_BATCH queries instead of two per query.
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
	struct query		 q[UDP_BATCH];	/* parsed once: name folded, hashed */
	uint8_t			 query[UDP_BATCH][DNS_MAX_MESSAGE];
	uint8_t			 answer[UDP_BATCH][DNS_MAX_MESSAGE];
};

/*
 * A thread that answers queries: its own event loop, sockets, connections,
 * counters, rate limiter and buffers, so that the query path takes no lock.
 * With workers = 1 the one worker runs on the main loop, in the main thread.
 */
struct worker {
	struct server		*srv;
	unsigned		 id;
	struct event_base	*base;		/* the server's for a lone worker */
	bool			 inline_loop;	/* runs on the server's loop */
	pthread_t		 thread;
	bool			 started;
	int			 wake_fd[2];	/* pipe: adopt the published data, or stop */
	struct event		*ev_wake;
	atomic_bool		 stop;
	_Atomic uint64_t	 seen;		/* gen of the serving adopted */
	const struct serving	*serving;	/* what this worker answers from */
	struct listener		*ls;
	size_t			 nls;
	struct event		*ev_backoff;	/* re-enables accepting */
	bool			 accept_backoff;
	bool			 accepting;	/* TCP listeners enabled */
	TAILQ_HEAD(, tcp_conn)	 conns;
	unsigned		 nconns;
	unsigned		 max_conns;	/* its share of tcp_max_clients */
	atomic_uint		 nconns_shown;	/* nconns, for the gauges */
	struct stats		 stats;
	struct rrl		*rrl;		/* NULL: no rate limiting */
	unsigned		 qlog_sample;	/* 0: no query log */
	unsigned		 qlog_count;
	struct log_limit	 lim_recv, lim_send, lim_mem, lim_accept;
	/* tcp_out keeps two bytes in front of the message for the length. */
	uint8_t			 tcp_in[DNS_MAX_MESSAGE];
	uint8_t			 tcp_out[2 + DNS_MAX_MESSAGE];
	struct udp_batch	 udp;
};

struct server {
	struct event_base	*base;		/* signals, reload, metrics, NOTIFY */
	char			*config_path;
	bool			 listen_overridden;	/* -l given */
	struct worker		**workers;
	unsigned		 nworkers;
	struct stats_group	 group;		/* srv->stats and the workers' */
	struct serving		*cur;		/* the newest, for the main thread */
	_Atomic(struct serving *) published;	/* the same, for the workers */
	uint64_t		 gen;
	struct serving_list	 retired;
	int			 wake_fd[2];	/* pipe: a build is done, a worker adopted */
	struct event		*ev_wake;
	struct event		*ev_term;
	struct event		*ev_int;
	struct event		*ev_hup;
	struct event		*ev_usr1;	/* counters to the log */
	struct notifier		*notifier;
	struct stats		 stats;		/* reloads, view names; survives reloads */
	struct metrics		*metrics;	/* GET /metrics, or NULL */
	bool			 reloading;	/* a build is under way */
	bool			 reload_again;	/* SIGHUP during it */

	/*
	 * The background thread: builds the new snapshot on SIGHUP and frees
	 * the old ones, both of which take long enough to stall queries.
	 * Everything below bg_lock is shared with it, under the lock.
	 */
	pthread_t		 bg_thread;
	bool			 bg_started;
	bool			 bg_lock_init;
	pthread_mutex_t		 bg_lock;
	pthread_cond_t		 bg_cond;
	bool			 bg_quit;
	bool			 bg_build;	/* a build is asked for */
	const struct snapshot	*bg_prev;	/* cur: lives until collected */
	bool			 bg_done;	/* a build has ended */
	struct snapshot		*bg_result;	/* its snapshot, NULL on error */
	struct serving_list	 bg_garbage;	/* to free */
};

static void	 udp_read_cb(evutil_socket_t, short, void *);
static size_t	 server_limit(struct worker *, const struct dns_peer *,
		    const struct dns_result *, uint8_t *, size_t);
static void	 tcp_accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	 tcp_accept_error_cb(struct evconnlistener *, void *);
static void	 tcp_read_cb(struct bufferevent *, void *);
static void	 tcp_write_cb(struct bufferevent *, void *);
static void	 tcp_event_cb(struct bufferevent *, short, void *);
static void	 tcp_conn_free(struct tcp_conn *);
static void	 tcp_frame_timeout_cb(evutil_socket_t, short, void *);
static void	 tcp_update_accepting(struct worker *);
static void	 signal_cb(evutil_socket_t, short, void *);
static void	 backoff_cb(evutil_socket_t, short, void *);
static void	 worker_wake_cb(evutil_socket_t, short, void *);
static void	 server_wake_cb(evutil_socket_t, short, void *);

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

/*
 * A non-blocking, close-on-exec socket bound to ss; -1 with errno set.
 * reuseport: one of several workers' sockets on the same address, among
 * which the kernel spreads the clients (SO_REUSEPORT).
 */
static int
socket_bound(const struct sockaddr_storage *ss, socklen_t sslen, int type,
    bool reuseport)
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
	/* Only among sockets of the same user (Linux), but see above. */
	if (reuseport &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1)
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

/* Serves UDP on the bound socket fd, which l owns unless shared. 0 or -1. */
static int
listener_udp(struct listener *l, int fd)
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

/*
 * Accepts TCP on the bound socket fd, which l owns from here (also on
 * failure) unless shared: then it is listening already and stays open.
 * 0 or -1.
 */
static int
listener_tcp(struct listener *l, int fd)
{
	l->tcp = evconnlistener_new(l->w->base, tcp_accept_cb, l,
	    l->shared ? LEV_OPT_REUSEABLE :
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
	    l->shared ? 0 : TCP_BACKLOG, fd);
	if (l->tcp == NULL) {
		log_warn("tcp %s: listen", l->text);
		if (!l->shared)
			close(fd);
		return -1;
	}
	evconnlistener_set_error_cb(l->tcp, tcp_accept_error_cb);
	return 0;
}

/* The address fields of l: what it is bound to, as text too. */
static void
listener_init(struct listener *l, struct worker *w,
    const struct sockaddr_storage *ss, socklen_t sslen)
{
	l->w = w;
	l->ss = *ss;
	l->sslen = sslen;
	l->udp_fd = -1;
	l->wildcard = addr_is_wildcard(&l->ss);
	addr_format((struct sockaddr *)&l->ss, l->text, sizeof(l->text));
}

/*
 * Opens the UDP socket and the TCP listener of l. 0 on success; 1 when the
 * address was skipped (see addr_v6_optional); -1 after logging on error.
 */
static int
listener_open(struct listener *l, bool reuseport)
{
	int	 fd;

	if ((fd = socket_bound(&l->ss, l->sslen, SOCK_DGRAM, reuseport)) == -1) {
		if (addr_v6_optional(&l->ss, errno)) {
			log_warn("skipping %s", l->text);
			return 1;
		}
		log_warn("udp %s", l->text);
		return -1;
	}
	if (listener_udp(l, fd) == -1)
		return -1;
	if ((fd = socket_bound(&l->ss, l->sslen, SOCK_STREAM,
	    reuseport)) == -1) {
		log_warn("tcp %s", l->text);
		return -1;
	}
	return listener_tcp(l, fd);
}

static void
listener_close(struct listener *l)
{
	if (l->tcp != NULL)
		evconnlistener_free(l->tcp);
	if (l->udp_ev != NULL)
		event_free(l->udp_ev);
	if (l->udp_fd != -1 && !l->shared)
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
server_answer(struct worker *w, const struct dns_peer *peer,
    const struct query *q, uint8_t *out)
{
	const struct snapshot	*snap = w->serving->snap;
	struct dns_result	 res;
	struct timespec		 t0, t1;
	size_t			 len;
	long			 usec;

	if (w->qlog_sample == 0 || ++w->qlog_count < w->qlog_sample) {
		len = dns_answer_query(snap, peer, &w->stats, q, out, &res);
		stats_count(&w->stats, peer->transport, &res);
		return server_limit(w, peer, &res, out, len);
	}
	w->qlog_count = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	len = dns_answer_query(snap, peer, &w->stats, q, out, &res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats_count(&w->stats, peer->transport, &res);
	usec = (long)(t1.tv_sec - t0.tv_sec) * 1000000L +
	    (t1.tv_nsec - t0.tv_nsec) / 1000;
	qlog_write(peer->remote, res.view >= 0 ?
	    snap->views[res.view].sv.name : NULL, peer->transport, &res,
	    len, usec);
	return server_limit(w, peer, &res, out, len);
}

/* Sends the k answers of the batch; a datagram the kernel refuses is skipped. */
static void
udp_send(struct worker *w, const struct listener *l, int fd, unsigned k)
{
	struct udp_batch *udp = &w->udp;
	unsigned sent = 0;
	int r;
	char addr[ADDRSTRLEN];

	while (sent < k) {
		r = sendmmsg(fd, udp->out + sent, k - sent, 0);
		if (r > 0) {
			sent += (unsigned)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		addr_format(udp->out[sent].msg_hdr.msg_name, addr, sizeof(addr));
		log_warnx_limited(&w->lim_send, "udp %s: sendmmsg to %s: %s",
		    l->text, addr, strerror(errno));
		sent++;
	}
}

static void
udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listener		*l = arg;
	struct worker		*w = l->w;
	struct udp_batch	*udp = &w->udp;
	const struct snapshot	*snap = w->serving->snap;
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
		n = recvmmsg(fd, udp->in, UDP_BATCH, MSG_DONTWAIT, NULL);
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
		for (i = 0; i < (unsigned)n; i++) {
			query_parse(&udp->q[i], udp->query[i], udp->in[i].msg_len);
			dns_prefetch(snap, &udp->q[i], 0);
		}
		for (i = 0; i < (unsigned)n; i++)
			dns_prefetch(snap, &udp->q[i], 1);

		for (i = 0, k = 0; i < (unsigned)n; i++) {
			struct msghdr *m = &udp->in[i].msg_hdr, *r;

			coutlen = 0;
			peer.remote = (struct sockaddr *)&udp->remote[i];
			peer.local = (struct sockaddr *)&l->ss;
			if (l->wildcard) {
				coutlen = udp_pktinfo(l, m, &local,
				    udp->cout[k].buf, sizeof(udp->cout[k].buf));
				peer.local = coutlen > 0 ?
				    (struct sockaddr *)&local : NULL;
			}
			len = server_answer(w, &peer, &udp->q[i], udp->answer[k]);
			if (len == 0)
				continue;

			r = &udp->out[k].msg_hdr;
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

/*
 * TCP listeners accept while there is room under the worker's share of
 * tcp_max_clients and no back-off (after running out of descriptors) is in
 * progress.
 */
static void
tcp_update_accepting(struct worker *w)
{
	bool	 want;
	size_t	 i;

	want = !w->accept_backoff && w->nconns < w->max_conns;
	if (want == w->accepting)
		return;
	for (i = 0; i < w->nls; i++) {
		if (w->ls[i].tcp == NULL)
			continue;
		if (want)
			evconnlistener_enable(w->ls[i].tcp);
		else
			evconnlistener_disable(w->ls[i].tcp);
	}
	w->accepting = want;
	if (!want && !w->accept_backoff)
		log_debug("tcp: %u connections, not accepting more",
		    w->nconns);
}

static void
tcp_count(struct worker *w)
{
	atomic_store_explicit(&w->nconns_shown, w->nconns,
	    memory_order_relaxed);
}

static void
tcp_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listener		*l = arg;
	struct worker		*w = l->w;
	const struct config	*cfg = snapshot_config(w->serving->snap);
	struct tcp_conn		*c;
	struct timeval		 tv;
	socklen_t		 len;

	(void)lev;
	/* libevent may hand over several accepted sockets in one go. */
	if (w->nconns >= w->max_conns) {
		log_debug("tcp %s: connection limit, closing new one", l->text);
		close(fd);
		tcp_update_accepting(w);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->frame_ev = evtimer_new(w->base, tcp_frame_timeout_cb,
	    c)) == NULL) {
		log_warnx_limited(&w->lim_mem, "tcp %s: out of memory, closing "
		    "new connection", l->text);
		free(c);
		close(fd);
		return;
	}
	c->w = w;
	if (salen > 0 && (size_t)salen <= sizeof(c->remote))
		memcpy(&c->remote, sa, (size_t)salen);
	len = sizeof(c->local);
	c->have_local = getsockname(fd, (struct sockaddr *)&c->local,
	    &len) == 0;

	c->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		log_warnx_limited(&w->lim_mem, "tcp %s: cannot create "
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
		log_warnx_limited(&w->lim_mem, "tcp %s: cannot enable reading",
		    l->text);
		bufferevent_free(c->bev);
		event_free(c->frame_ev);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&w->conns, c, entry);
	w->nconns++;
	tcp_count(w);
	tcp_update_accepting(w);
}

static void
tcp_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct listener	*l = arg;
	struct worker	*w = l->w;
	struct timeval	 tv = { ACCEPT_BACKOFF_SEC, 0 };
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)lev;
	if (err == EINTR || err == ECONNABORTED)
		return;
	log_warnx_limited(&w->lim_accept, "tcp %s: accept: %s", l->text,
	    strerror(err));
	/* Out of descriptors or memory: stop accepting for a moment
	 * instead of spinning on a socket that stays readable. */
	w->accept_backoff = true;
	tcp_update_accepting(w);
	evtimer_add(w->ev_backoff, &tv);
}

static void
backoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;

	(void)fd;
	(void)what;
	w->accept_backoff = false;
	tcp_update_accepting(w);
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
	const struct config	*cfg = snapshot_config(c->w->serving->snap);
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
	struct worker		*w = c->w;
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	struct dns_peer		 peer;
	struct query		 q;
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
		evbuffer_remove(in, w->tcp_in, mlen);
		consumed = true;

		query_parse(&q, w->tcp_in, mlen);
		len = server_answer(w, &peer, &q, w->tcp_out + 2);
		if (len == 0)
			continue;
		w->tcp_out[0] = (uint8_t)(len >> 8);
		w->tcp_out[1] = (uint8_t)len;
		if (evbuffer_add(out, w->tcp_out, 2 + len) == -1) {
			log_warnx_limited(&w->lim_mem, "tcp: out of memory, "
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
	struct worker	*w = c->w;

	TAILQ_REMOVE(&w->conns, c, entry);
	w->nconns--;
	tcp_count(w);
	bufferevent_free(c->bev);
	event_free(c->frame_ev);
	free(c);
	tcp_update_accepting(w);
}

/* Response rate limiting of a UDP reply (RRL): send, drop or slip it. */
static size_t
server_limit(struct worker *w, const struct dns_peer *peer,
    const struct dns_result *res, uint8_t *out, size_t len)
{
	if (w->rrl == NULL || peer->transport != DNS_UDP || len == 0)
		return len;
	switch (rrl_check(w->rrl, peer->remote, res, time(NULL))) {
	case RRL_SEND:
		return len;
	case RRL_SLIP:
		stats_inc(&w->stats.rrl_slipped);
		return rrl_slip_reply(out, len);
	case RRL_DROP:
		break;
	}
	stats_inc(&w->stats.rrl_dropped);
	return 0;
}

/* ---------------------------------------------------------------- waking */

/* A non-blocking pipe whose read end wakes a loop. 0, or -1 after logging. */
static int
wake_open(int fd[2])
{
	if (pipe2(fd, O_NONBLOCK | O_CLOEXEC) == -1) {
		log_warn("pipe");
		fd[0] = fd[1] = -1;
		return -1;
	}
	return 0;
}

/* Wakes the loop that reads fd[0]. A full pipe has a wake-up pending. */
static void
wake_send(const int fd[2])
{
	static const char one = 1;
	ssize_t n;

	do
		n = write(fd[1], &one, 1);
	while (n == -1 && errno == EINTR);
}

static void
wake_drain(int fd)
{
	char	 buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void
wake_close(int fd[2])
{
	if (fd[0] != -1)
		close(fd[0]);
	if (fd[1] != -1)
		close(fd[1]);
	fd[0] = fd[1] = -1;
}

/* ---------------------------------------------------------------- workers */

/*
 * What a worker derives from the data it answers from: the view counters'
 * mapping, the query log, a fresh rate limiter, its share of the TCP clients.
 */
static void
worker_set_counting(struct worker *w)
{
	const struct serving	*s = w->serving;
	const struct config	*cfg = snapshot_config(s->snap);
	unsigned		 n = w->srv->nworkers;

	memcpy(w->stats.view_slot, s->view_slot, sizeof(s->view_slot));
	w->stats.nview_slots = s->nview_slots;
	w->qlog_sample = cfg->query_log ? cfg->query_log_sample : 0;
	w->qlog_count = 0;
	/* Fresh buckets for the (maybe new) limits; NULL turns it off. */
	rrl_free(w->rrl);
	w->rrl = NULL;
	if (cfg->rrl > 0 && (w->rrl = rrl_new(cfg->rrl, cfg->rrl_slip,
	    cfg->rrl_ipv4_prefix, cfg->rrl_ipv6_prefix)) == NULL)
		log_warnx("rrl: out of memory, responses are not rate limited");
	/* Split as evenly as it goes; every worker takes at least one. */
	w->max_conns = cfg->tcp_max_clients / n +
	    (w->id < cfg->tcp_max_clients % n ? 1 : 0);
	if (w->max_conns == 0)
		w->max_conns = 1;
}

/*
 * In the worker's thread, between two callbacks, so that nothing of the
 * old data is in use: answer from the newest published snapshot from now
 * on, and tell the main thread, which may then free the old one.
 */
static void
worker_adopt(struct worker *w)
{
	struct server	*srv = w->srv;
	struct serving	*s;

	s = atomic_load_explicit(&srv->published, memory_order_acquire);
	if (s != w->serving) {
		w->serving = s;
		worker_set_counting(w);
		/* tcp_max_clients may have changed. */
		tcp_update_accepting(w);
	}
	atomic_store_explicit(&w->seen, s->gen, memory_order_release);
	if (!w->inline_loop)
		wake_send(srv->wake_fd);
}

static void
worker_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;

	(void)what;
	wake_drain(fd);
	if (atomic_load_explicit(&w->stop, memory_order_acquire)) {
		event_base_loopbreak(w->base);
		return;
	}
	worker_adopt(w);
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	if (event_base_dispatch(w->base) == -1)
		log_warnx("worker %u: event loop failed", w->id);
	return NULL;
}

static struct worker *
worker_new(struct server *srv, unsigned id)
{
	struct worker	*w;

	/* The packet buffers make it large: calloc maps it lazily. */
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_warn("calloc");
		return NULL;
	}
	w->srv = srv;
	w->id = id;
	w->wake_fd[0] = w->wake_fd[1] = -1;
	TAILQ_INIT(&w->conns);
	stats_init(&w->stats);
	w->serving = srv->cur;
	atomic_init(&w->seen, srv->cur->gen);
	atomic_init(&w->stop, false);
	atomic_init(&w->nconns_shown, 0);
	w->inline_loop = srv->nworkers == 1;
	if (w->inline_loop)
		w->base = srv->base;
	else if ((w->base = event_base_new()) == NULL) {
		log_warnx("worker %u: cannot create the event base", id);
		free(w);
		return NULL;
	}
	worker_set_counting(w);
	w->ev_backoff = evtimer_new(w->base, backoff_cb, w);
	if (w->ev_backoff == NULL) {
		log_warnx("worker %u: cannot create a timer", id);
		return w;	/* worker_free() takes it apart */
	}
	if (!w->inline_loop && (wake_open(w->wake_fd) == -1 ||
	    (w->ev_wake = event_new(w->base, w->wake_fd[0],
	    EV_READ | EV_PERSIST, worker_wake_cb, w)) == NULL ||
	    event_add(w->ev_wake, NULL) == -1))
		log_warnx("worker %u: cannot set up its wake-up event", id);
	return w;
}

static bool
worker_ready(const struct worker *w)
{
	return w->ev_backoff != NULL && (w->inline_loop || w->ev_wake != NULL);
}

static void
worker_free(struct worker *w)
{
	struct tcp_conn	*c;
	size_t		 i;

	if (w == NULL)
		return;
	while ((c = TAILQ_FIRST(&w->conns)) != NULL) {
		TAILQ_REMOVE(&w->conns, c, entry);
		bufferevent_free(c->bev);
		event_free(c->frame_ev);
		free(c);
	}
	for (i = 0; i < w->nls; i++)
		listener_close(&w->ls[i]);
	free(w->ls);
	if (w->ev_backoff != NULL)
		event_free(w->ev_backoff);
	if (w->ev_wake != NULL)
		event_free(w->ev_wake);
	wake_close(w->wake_fd);
	rrl_free(w->rrl);
	stats_free(&w->stats);
	if (!w->inline_loop && w->base != NULL)
		event_base_free(w->base);
	free(w);
}

/* Stops and joins the worker threads; the main loop has stopped. */
static void
server_stop_workers(struct server *srv)
{
	unsigned	 i;

	for (i = 0; i < srv->nworkers; i++) {
		struct worker *w = srv->workers[i];

		if (w == NULL || !w->started)
			continue;
		atomic_store_explicit(&w->stop, true, memory_order_release);
		wake_send(w->wake_fd);
	}
	for (i = 0; i < srv->nworkers; i++) {
		struct worker *w = srv->workers[i];

		if (w == NULL || !w->started)
			continue;
		pthread_join(w->thread, NULL);
		w->started = false;
	}
}

/* ---------------------------------------------------------------- snapshots */

/* A publication of snap (owned from here, also on failure); NULL on error. */
static struct serving *
serving_new(struct server *srv, struct snapshot *snap)
{
	struct serving	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_warn("calloc");
		snapshot_free(snap);
		return NULL;
	}
	s->snap = snap;
	s->gen = ++srv->gen;
	/* View names are counted in srv->stats; workers copy the mapping. */
	stats_set_views(&srv->stats, snap);
	memcpy(s->view_slot, srv->stats.view_slot, sizeof(s->view_slot));
	s->nview_slots = srv->stats.nview_slots;
	return s;
}

static void
serving_free(struct serving *s)
{
	if (s == NULL)
		return;
	snapshot_free(s->snap);
	free(s);
}

/* The oldest generation some worker may still answer from. */
static uint64_t
server_min_seen(const struct server *srv)
{
	uint64_t	 min = UINT64_MAX, g;
	unsigned	 i;

	for (i = 0; i < srv->nworkers; i++) {
		g = atomic_load_explicit(&srv->workers[i]->seen,
		    memory_order_acquire);
		if (g < min)
			min = g;
	}
	return min;
}

static void
server_announce(struct server *srv, struct serving *s)
{
	s->announce = false;
	log_info("reloaded %s: serial %lu", srv->config_path,
	    (unsigned long)snapshot_serial(s->snap));
}

/*
 * Once every worker answers from a newer snapshot, an old one goes to the
 * background thread to be freed (a large one takes a while); a reload is
 * announced once every worker answers from it.
 */
static void
server_reclaim(struct server *srv)
{
	struct serving	*s, *next;
	uint64_t	 min = server_min_seen(srv);
	bool		 freed = false;

	for (s = TAILQ_FIRST(&srv->retired); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->announce && min >= s->gen)
			server_announce(srv, s);
		if (min < s->retired_at)
			continue;
		TAILQ_REMOVE(&srv->retired, s, entry);
		if (srv->bg_started) {
			pthread_mutex_lock(&srv->bg_lock);
			TAILQ_INSERT_TAIL(&srv->bg_garbage, s, entry);
			pthread_mutex_unlock(&srv->bg_lock);
			freed = true;
		} else
			serving_free(s);
	}
	if (freed)
		pthread_cond_signal(&srv->bg_cond);
	if (srv->cur->announce && min >= srv->cur->gen)
		server_announce(srv, srv->cur);
}

/* ---------------------------------------------------------------- reload */

/* Whether cfg's listen list is the set of addresses we were started with. */
static bool
listen_changed(const struct server *srv, const struct config *cfg)
{
	const struct worker *w = srv->workers[0];
	size_t	 i, j, nbound = 0;

	for (i = 0; i < w->nls; i++) {
		for (j = 0; j < cfg->nlisten; j++)
			if (addr_equal(&w->ls[i].ss, &cfg->listen[j].ss))
				break;
		if (j == cfg->nlisten)
			return true;
		nbound++;
	}
	for (j = 0; j < cfg->nlisten; j++) {
		for (i = 0; i < w->nls; i++)
			if (addr_equal(&w->ls[i].ss, &cfg->listen[j].ss))
				break;
		if (i == w->nls)
			return true;
	}
	return nbound != w->nls;
}

/* After a reload every zone has a new serial: NOTIFY the secondaries. */
static void
server_notify_zone(void *arg, const char *zone)
{
	struct server		*srv = arg;
	const struct config	*cfg = snapshot_config(srv->cur->snap);

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

/*
 * The background thread: frees what it is given, builds what it is asked
 * to, and tells the main loop when a build has ended. On quit it finishes
 * the build under way (there is no stopping one halfway) but starts none.
 */
static void *
bg_main(void *arg)
{
	struct server		*srv = arg;
	struct serving		*s;
	struct config		*cfg;
	struct snapshot		*snap;
	const struct snapshot	*prev;
	unsigned		 nwarn;

	pthread_mutex_lock(&srv->bg_lock);
	for (;;) {
		if ((s = TAILQ_FIRST(&srv->bg_garbage)) != NULL) {
			TAILQ_REMOVE(&srv->bg_garbage, s, entry);
			pthread_mutex_unlock(&srv->bg_lock);
			serving_free(s);
			pthread_mutex_lock(&srv->bg_lock);
			continue;
		}
		if (srv->bg_quit)
			break;
		if (!srv->bg_build) {
			pthread_cond_wait(&srv->bg_cond, &srv->bg_lock);
			continue;
		}
		srv->bg_build = false;
		prev = srv->bg_prev;
		pthread_mutex_unlock(&srv->bg_lock);

		/* Diagnostics go to log_stream(), whose writes are locked. */
		nwarn = 0;
		snap = NULL;
		if ((cfg = config_load(srv->config_path, log_stream(),
		    &nwarn)) != NULL)
			/* snapshot_build() takes cfg, also when it fails. */
			snap = snapshot_build(cfg, prev, log_stream());

		pthread_mutex_lock(&srv->bg_lock);
		srv->bg_result = snap;
		srv->bg_done = true;
		wake_send(srv->wake_fd);
	}
	pthread_mutex_unlock(&srv->bg_lock);
	return NULL;
}

/* SIGHUP: the new snapshot is built in the background thread. */
static void
server_reload(struct server *srv)
{
	if (srv->reloading) {
		/* The file may have changed after the build read it. */
		if (!srv->reload_again)
			log_info("reload of %s under way: reading it again "
			    "after it", srv->config_path);
		srv->reload_again = true;
		return;
	}
	log_info("reloading %s", srv->config_path);
	srv->reloading = true;
	pthread_mutex_lock(&srv->bg_lock);
	srv->bg_build = true;
	/* Stays alive: only collecting this build replaces it. */
	srv->bg_prev = srv->cur->snap;
	pthread_mutex_unlock(&srv->bg_lock);
	pthread_cond_signal(&srv->bg_cond);
}

/*
 * A build has ended (snap NULL: it failed). In the main loop: publish the
 * new data, wake the workers to adopt it, and do what follows a reload.
 */
static void
server_reload_done(struct server *srv, struct snapshot *snap)
{
	struct serving	*s, *old;
	unsigned	 i;

	srv->reloading = false;
	if (snap == NULL || (s = serving_new(srv, snap)) == NULL) {
		log_warnx("%s has errors, not reloading", srv->config_path);
		stats_inc(&srv->stats.reloads_failed);
		goto again;
	}
	if (!addr_listen_equal(&snapshot_config(srv->cur->snap)->metrics,
	    &snapshot_config(s->snap)->metrics))
		log_warnx("metrics change in %s requires a restart",
		    srv->config_path);
	if (snapshot_config(s->snap)->workers != srv->nworkers)
		log_warnx("workers change in %s requires a restart",
		    srv->config_path);
	old = srv->cur;
	old->retired_at = s->gen;
	TAILQ_INSERT_TAIL(&srv->retired, old, entry);
	srv->cur = s;
	s->announce = true;
	atomic_store_explicit(&srv->published, s, memory_order_release);
	stats_inc(&srv->stats.reloads_ok);
	for (i = 0; i < srv->nworkers; i++) {
		if (srv->workers[i]->inline_loop)
			worker_adopt(srv->workers[i]);
		else
			wake_send(srv->workers[i]->wake_fd);
	}
	snapshot_zone_names(s->snap, server_notify_zone, srv);
	if (!srv->listen_overridden &&
	    listen_changed(srv, snapshot_config(s->snap)))
		log_warnx("listen change in %s requires a restart",
		    srv->config_path);
	/* "reloaded" once every worker answers from it. */
	server_reclaim(srv);
again:
	if (srv->reload_again) {
		srv->reload_again = false;
		server_reload(srv);
	}
}

/* The main loop's wake-up: a build has ended, or a worker adopted. */
static void
server_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;
	struct snapshot	*snap = NULL;
	bool		 done;

	(void)what;
	wake_drain(fd);
	pthread_mutex_lock(&srv->bg_lock);
	done = srv->bg_done;
	if (done) {
		snap = srv->bg_result;
		srv->bg_result = NULL;
		srv->bg_done = false;
		srv->bg_prev = NULL;
	}
	pthread_mutex_unlock(&srv->bg_lock);
	if (done)
		server_reload_done(srv, snap);
	server_reclaim(srv);
}

/* ---------------------------------------------------------------- reports */

/* The counters of every thread, with the view names (main thread only). */
static void
server_totals(const struct server *srv, struct stats *tot)
{
	stats_sum(tot, &srv->group);
	memcpy(tot->view_name, srv->stats.view_name, sizeof(tot->view_name));
	tot->nview_names = srv->stats.nview_names;
}

static void
server_gauges(const struct server *srv, struct stats_gauges *g)
{
	unsigned	 i;

	g->zones = snapshot_nzones(srv->cur->snap);
	g->records = snapshot_nrecords(srv->cur->snap);
	g->serial = snapshot_serial(srv->cur->snap);
	g->tcp_connections = 0;
	for (i = 0; i < srv->nworkers; i++)
		g->tcp_connections += atomic_load_explicit(
		    &srv->workers[i]->nconns_shown, memory_order_relaxed);
}

/* GET /metrics. */
static int
server_metrics(void *arg, FILE *fp)
{
	struct server		*srv = arg;
	struct stats_gauges	 g;
	struct stats		 tot;
	unsigned		 i;

	server_gauges(srv, &g);
	server_totals(srv, &tot);
	if (stats_prometheus(&tot, &g, fp) == -1)
		return -1;
	fprintf(fp, "# HELP ocsdnsd_workers Threads answering queries.\n"
	    "# TYPE ocsdnsd_workers gauge\nocsdnsd_workers %u\n",
	    srv->nworkers);
	fprintf(fp, "# HELP ocsdnsd_worker_queries_total DNS messages "
	    "received, by worker.\n# TYPE ocsdnsd_worker_queries_total "
	    "counter\n");
	for (i = 0; i < srv->nworkers; i++) {
		const struct stats *st = &srv->workers[i]->stats;

		fprintf(fp, "ocsdnsd_worker_queries_total{worker=\"%u\"} %llu\n",
		    i, (unsigned long long)(
		    atomic_load_explicit(&st->queries[DNS_UDP],
		    memory_order_relaxed) +
		    atomic_load_explicit(&st->queries[DNS_TCP],
		    memory_order_relaxed)));
	}
	return ferror(fp) ? -1 : 0;
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
		struct stats_gauges	 g;
		struct stats		 tot;

		server_gauges(srv, &g);
		server_totals(srv, &tot);
		stats_log(&tot, &g);
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

/* ---------------------------------------------------------------- set-up */

/*
 * Gives every worker a listener for each address of the override texts or
 * the configuration. 0, or -1 after logging.
 */
static int
server_addresses(struct server *srv, char **override, int noverride)
{
	const struct config	*cfg = snapshot_config(srv->cur->snap);
	struct cfg_listen	 cl;
	struct worker		*w;
	size_t			 i, n;
	unsigned		 k;

	n = override != NULL ? (size_t)noverride : cfg->nlisten;
	if (n == 0) {
		log_warnx("no listen address");
		return -1;
	}
	for (k = 0; k < srv->nworkers; k++) {
		w = srv->workers[k];
		if ((w->ls = calloc(n, sizeof(*w->ls))) == NULL) {
			log_warn("calloc");
			return -1;
		}
		for (i = 0; i < n; i++)
			w->ls[i].udp_fd = -1;
		w->nls = n;
	}
	for (i = 0; i < n; i++) {
		if (override == NULL) {
			cl = cfg->listen[i];
		} else {
			memset(&cl, 0, sizeof(cl));
			if (config_parse_listen(override[i], &cl) == -1) {
				log_warnx("bad listen address: %s",
				    override[i]);
				return -1;
			}
			/* Free a copy of the text if the parser made one. */
			if (cl.text != NULL && cl.text != override[i])
				free(cl.text);
		}
		for (k = 0; k < srv->nworkers; k++)
			listener_init(&srv->workers[k]->ls[i], srv->workers[k],
			    &cl.ss, cl.sslen);
	}
	return 0;
}

/*
 * Socket activation: the nfds sockets systemd passed (ocsdnsd.socket), a
 * datagram one served as UDP, a listening stream one as TCP; the two of one
 * address share a listener. Worker 0 owns them. 0, or -1 after logging (all
 * of them closed).
 */
static int
server_activated(struct worker *w, int nfds)
{
	struct sockaddr_storage	 ss;
	struct listener		*l = NULL;
	socklen_t		 sslen, optlen;
	size_t			 k;
	int			 i, fd, type, flags, on = 1, owned = 0;

	if ((w->ls = calloc((size_t)nfds, sizeof(*w->ls))) == NULL) {
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
		for (k = 0; k < w->nls; k++) {
			l = &w->ls[k];
			if (addr_equal(&l->ss, &ss) && (type == SOCK_DGRAM ?
			    l->udp_fd == -1 : l->tcp == NULL))
				break;
		}
		if (k == w->nls) {
			l = &w->ls[w->nls++];
			listener_init(l, w, &ss, sslen);
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
		if ((type == SOCK_DGRAM ? listener_udp(l, fd) :
		    listener_tcp(l, fd)) == -1)
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

/*
 * Socket activation with several workers: no SO_REUSEPORT copies of
 * systemd's sockets can be made, so every worker waits on worker 0's
 * descriptors, and whichever is woken first takes the datagram or the
 * connection. 0, or -1 after logging.
 */
static int
server_share(struct server *srv)
{
	const struct worker	*w0 = srv->workers[0];
	struct worker		*w;
	struct listener		*l;
	unsigned		 k;
	size_t			 i;

	for (k = 1; k < srv->nworkers; k++) {
		w = srv->workers[k];
		if ((w->ls = calloc(w0->nls, sizeof(*w->ls))) == NULL) {
			log_warn("calloc");
			return -1;
		}
		w->nls = w0->nls;
		for (i = 0; i < w0->nls; i++) {
			l = &w->ls[i];
			listener_init(l, w, &w0->ls[i].ss, w0->ls[i].sslen);
			l->shared = true;
			if (w0->ls[i].udp_fd != -1 &&
			    listener_udp(l, w0->ls[i].udp_fd) == -1)
				return -1;
			if (w0->ls[i].tcp != NULL && listener_tcp(l,
			    evconnlistener_get_fd(w0->ls[i].tcp)) == -1)
				return -1;
		}
	}
	return 0;
}

/* Binds every address in every worker. 0, or -1 after logging. */
static int
server_bind(struct server *srv)
{
	struct worker	*w0 = srv->workers[0];
	size_t		 i, nbound = 0;
	unsigned	 k;
	int		 rc = 0;

	for (i = 0; i < w0->nls; i++) {
		for (k = 0; k < srv->nworkers; k++) {
			rc = listener_open(&srv->workers[k]->ls[i],
			    srv->nworkers > 1);
			if (rc == -1)
				return -1;
			if (rc == 1)
				break;	/* the first worker's says it all */
		}
		if (rc == 0)
			nbound++;
		else
			for (k = 0; k < srv->nworkers; k++)
				listener_close(&srv->workers[k]->ls[i]);
	}
	if (nbound == 0) {
		log_warnx("no address to listen on");
		return -1;
	}
	return 0;
}

struct server *
server_new(struct snapshot *snap, const char *config_path,
    char **listen_override, int nlisten_override)
{
	struct server	*srv;
	unsigned	 i;
	int		 nfds;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		log_warn("calloc");
		snapshot_free(snap);
		return NULL;
	}
	srv->wake_fd[0] = srv->wake_fd[1] = -1;
	TAILQ_INIT(&srv->retired);
	TAILQ_INIT(&srv->bg_garbage);
	stats_init(&srv->stats);
	if ((srv->cur = serving_new(srv, snap)) == NULL)
		goto fail;
	atomic_init(&srv->published, srv->cur);
	srv->nworkers = snapshot_config(snap)->workers;
	if (srv->nworkers == 0)
		srv->nworkers = 1;
	srv->listen_overridden = listen_override != NULL;
	if ((srv->config_path = strdup(config_path)) == NULL) {
		log_warn("strdup");
		goto fail;
	}
	if (pthread_mutex_init(&srv->bg_lock, NULL) != 0 ||
	    pthread_cond_init(&srv->bg_cond, NULL) != 0) {
		log_warnx("cannot set up the reload thread's lock");
		goto fail;
	}
	srv->bg_lock_init = true;

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
	if (srv->ev_term == NULL || srv->ev_int == NULL ||
	    srv->ev_hup == NULL || srv->ev_usr1 == NULL ||
	    evsignal_add(srv->ev_term, NULL) == -1 ||
	    evsignal_add(srv->ev_int, NULL) == -1 ||
	    evsignal_add(srv->ev_hup, NULL) == -1 ||
	    evsignal_add(srv->ev_usr1, NULL) == -1) {
		log_warnx("cannot set up signal events");
		goto fail;
	}
	if (wake_open(srv->wake_fd) == -1 ||
	    (srv->ev_wake = event_new(srv->base, srv->wake_fd[0],
	    EV_READ | EV_PERSIST, server_wake_cb, srv)) == NULL ||
	    event_add(srv->ev_wake, NULL) == -1) {
		log_warnx("cannot set up the wake-up event");
		goto fail;
	}

	if ((srv->workers = calloc(srv->nworkers,
	    sizeof(*srv->workers))) == NULL) {
		log_warn("calloc");
		goto fail;
	}
	for (i = 0; i < srv->nworkers; i++)
		if ((srv->workers[i] = worker_new(srv, i)) == NULL ||
		    !worker_ready(srv->workers[i]))
			goto fail;
	srv->group.base = &srv->stats;
	srv->group.nparts = srv->nworkers;
	if ((srv->group.parts = calloc(srv->nworkers,
	    sizeof(*srv->group.parts))) == NULL) {
		log_warn("calloc");
		goto fail;
	}
	for (i = 0; i < srv->nworkers; i++) {
		srv->group.parts[i] = &srv->workers[i]->stats;
		/* stats.ocsdnsd CH TXT: what every thread counted. */
		srv->workers[i]->stats.group = &srv->group;
	}

	if ((nfds = sdlisten_fds()) == -1)
		goto fail;
	if (nfds > 0) {
		/* systemd has bound them: listen and -l do not apply. */
		srv->listen_overridden = true;
		if (server_activated(srv->workers[0], nfds) == -1 ||
		    server_share(srv) == -1)
			goto fail;
	} else if (server_addresses(srv, listen_override,
	    nlisten_override) == -1 || server_bind(srv) == -1)
		goto fail;
	if (snapshot_config(snap)->metrics.sslen > 0 &&
	    (srv->metrics = metrics_new(srv->base,
	    &snapshot_config(snap)->metrics, server_metrics, srv)) == NULL)
		goto fail;
	for (i = 0; i < srv->nworkers; i++) {
		srv->workers[i]->accepting = true;
		tcp_update_accepting(srv->workers[i]);
	}
	return srv;
fail:
	server_free(srv);
	return NULL;
}

/*
 * Starts the background thread and the workers' threads (all of them with
 * every signal blocked: signals are the main loop's). 0, or -1 after logging.
 */
static int
server_start_threads(struct server *srv)
{
	sigset_t	 all, old;
	unsigned	 i;
	int		 rc, ret = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if ((rc = pthread_create(&srv->bg_thread, NULL, bg_main, srv)) != 0) {
		log_warnx("cannot start the reload thread: %s", strerror(rc));
		ret = -1;
	} else
		srv->bg_started = true;
	for (i = 0; ret == 0 && i < srv->nworkers; i++) {
		struct worker *w = srv->workers[i];

		if (w->inline_loop)
			continue;
		if ((rc = pthread_create(&w->thread, NULL, worker_main,
		    w)) != 0) {
			log_warnx("cannot start worker %u: %s", i,
			    strerror(rc));
			ret = -1;
		} else
			w->started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int
server_run(struct server *srv)
{
	const struct worker *w0 = srv->workers[0];
	char	 addrs[1024];
	size_t	 i, off = 0;
	int	 n, rc = 0;

	addrs[0] = '\0';
	for (i = 0; i < w0->nls; i++) {
		if (w0->ls[i].udp_fd == -1 && w0->ls[i].tcp == NULL)
			continue;
		n = snprintf(addrs + off, sizeof(addrs) - off, " %s",
		    w0->ls[i].text);
		if (n < 0 || (size_t)n >= sizeof(addrs) - off)
			break;
		off += (size_t)n;
	}
	if (server_start_threads(srv) == -1)
		return -1;	/* server_free() stops those started */
	log_info("ocsdnsd %s: serving %zu zones (%zu records), serial %lu, "
	    "on%s, %u worker%s", PACKAGE_VERSION,
	    snapshot_nzones(srv->cur->snap), snapshot_nrecords(srv->cur->snap),
	    (unsigned long)snapshot_serial(srv->cur->snap), addrs,
	    srv->nworkers, srv->nworkers == 1 ? "" : "s");

	if (event_base_dispatch(srv->base) == -1) {
		log_warnx("event loop failed");
		rc = -1;
	}
	server_stop_workers(srv);
	return rc;
}

/* Stops the background thread: a build under way is let finish. */
static void
server_stop_bg(struct server *srv)
{
	if (!srv->bg_started)
		return;
	pthread_mutex_lock(&srv->bg_lock);
	srv->bg_quit = true;
	if (srv->reloading && !srv->bg_done)
		log_info("waiting for the reload under way to end");
	pthread_mutex_unlock(&srv->bg_lock);
	pthread_cond_signal(&srv->bg_cond);
	pthread_join(srv->bg_thread, NULL);
	srv->bg_started = false;
}

void
server_free(struct server *srv)
{
	struct serving	*s;
	unsigned	 i;

	if (srv == NULL)
		return;
	server_stop_workers(srv);
	server_stop_bg(srv);
	snapshot_free(srv->bg_result);
	while ((s = TAILQ_FIRST(&srv->bg_garbage)) != NULL) {
		TAILQ_REMOVE(&srv->bg_garbage, s, entry);
		serving_free(s);
	}
	/* Worker 0 last: with socket activation it owns the descriptors. */
	for (i = srv->nworkers; srv->workers != NULL && i-- > 0;)
		worker_free(srv->workers[i]);
	free(srv->workers);
	free(srv->group.parts);
	if (srv->ev_term != NULL)
		event_free(srv->ev_term);
	if (srv->ev_int != NULL)
		event_free(srv->ev_int);
	if (srv->ev_hup != NULL)
		event_free(srv->ev_hup);
	if (srv->ev_usr1 != NULL)
		event_free(srv->ev_usr1);
	if (srv->ev_wake != NULL)
		event_free(srv->ev_wake);
	wake_close(srv->wake_fd);
	metrics_free(srv->metrics);
	stats_free(&srv->stats);
	notify_free(srv->notifier);
	if (srv->base != NULL)
		event_base_free(srv->base);
	if (srv->bg_lock_init) {
		pthread_mutex_destroy(&srv->bg_lock);
		pthread_cond_destroy(&srv->bg_cond);
	}
	while ((s = TAILQ_FIRST(&srv->retired)) != NULL) {
		TAILQ_REMOVE(&srv->retired, s, entry);
		serving_free(s);
	}
	serving_free(srv->cur);
	free(srv->config_path);
	free(srv);
}
