/* listen.c -- the server's sockets: bind, SO_REUSEPORT copies, socket activation. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "config.h"
#include "log.h"
#include "sdlisten.h"
#include "server_int.h"
#include "snapshot.h"

/* --- addresses ---------------------------------------------------------- */

void
addr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

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
bool
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
	if (ss->ss_family != AF_INET6)
		return false;
	if (err != EAFNOSUPPORT && err != EADDRNOTAVAIL)
		return false;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a);
}

/* --- sockets ------------------------------------------------------------ */

/*
 * A non-blocking, close-on-exec socket bound to ss; -1 with errno set.
 * reuseport: one of several workers' sockets on the same address, among
 * which the kernel spreads the clients (SO_REUSEPORT).
 */
static int
socket_bound(const struct sockaddr_storage *ss, socklen_t sslen, int type,
    bool reuseport)
{
	int on = 1;

	int fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
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
fail: {
	int saved = errno;

	close(fd);
	errno = saved;
	return -1;
}
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
	int fd = socket_bound(&l->ss, l->sslen, SOCK_DGRAM, reuseport);

	if (fd == -1) {
		if (addr_v6_optional(&l->ss, errno)) {
			log_warn("skipping %s", l->text);
			return 1;
		}
		log_warn("udp %s", l->text);
		return -1;
	}
	if (udp_listen(l, fd) == -1)
		return -1;
	if ((fd = socket_bound(&l->ss, l->sslen, SOCK_STREAM,
	    reuseport)) == -1) {
		log_warn("tcp %s", l->text);
		return -1;
	}
	return tcp_listen(l, fd);
}

void
listener_close(struct listener *l)
{
	if (l->tcp != NULL)
		evconnlistener_free(l->tcp);
	if (l->udp_ev != NULL)
		event_free(l->udp_ev);
	if (l->udp_more != NULL)
		event_free(l->udp_more);
	if (l->udp_fd != -1 && !l->shared)
		close(l->udp_fd);
	l->tcp = NULL;
	l->udp_ev = NULL;
	l->udp_more = NULL;
	l->udp_fd = -1;
}

/* --- binding ------------------------------------------------------------ */

/*
 * Gives every worker a listener for each address of the override texts or
 * the configuration. 0, or -1 after logging.
 */
int
listen_addresses(struct server *srv, char **override, int noverride)
{
	const struct config *cfg = snapshot_config(srv->cur->snap);

	size_t n = override != NULL ? (size_t)noverride : cfg->nlisten;
	if (n == 0) {
		log_warnx("no listen address");
		return -1;
	}
	for (unsigned k = 0; k < srv->nworkers; k++) {
		struct worker *w = srv->workers[k];

		if ((w->ls = calloc(n, sizeof(*w->ls))) == NULL) {
			log_warn("calloc");
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			w->ls[i].udp_fd = -1;
		w->nls = n;
	}
	for (size_t i = 0; i < n; i++) {
		struct cfg_listen cl;

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
		for (unsigned k = 0; k < srv->nworkers; k++)
			listener_init(&srv->workers[k]->ls[i], srv->workers[k],
			    &cl.ss, cl.sslen);
	}
	return 0;
}

/* Binds every address in every worker. 0, or -1 after logging. */
int
listen_bind(struct server *srv)
{
	struct worker *w0 = srv->workers[0];
	size_t nbound = 0;
	int rc = 0;

	for (size_t i = 0; i < w0->nls; i++) {
		for (unsigned k = 0; k < srv->nworkers; k++) {
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
			for (unsigned k = 0; k < srv->nworkers; k++)
				listener_close(&srv->workers[k]->ls[i]);
	}
	if (nbound == 0) {
		log_warnx("no address to listen on");
		return -1;
	}
	return 0;
}

/* --- socket activation -------------------------------------------------- */

/*
 * Socket activation: the nfds sockets systemd passed (ocsdnsd.socket), a
 * datagram one served as UDP, a listening stream one as TCP; the two of one
 * address share a listener. Worker 0 owns them. 0, or -1 after logging (all
 * of them closed).
 */
int
listen_activated(struct worker *w, int nfds)
{
	struct listener *l = NULL;
	int on = 1, owned = 0;

	if ((w->ls = calloc((size_t)nfds, sizeof(*w->ls))) == NULL) {
		log_warn("calloc");
		goto fail;
	}
	for (int i = 0; i < nfds; i++) {
		int fd = SDLISTEN_FDS_START + i;
		struct sockaddr_storage ss;
		int type, flags;

		memset(&ss, 0, sizeof(ss));
		socklen_t sslen = sizeof(ss);
		socklen_t optlen = sizeof(type);
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
		size_t k;
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
		if ((type == SOCK_DGRAM ? udp_listen(l, fd) :
		    tcp_listen(l, fd)) == -1)
			goto fail;
		log_info("socket activation: %s %s",
		    type == SOCK_DGRAM ? "udp" : "tcp", l->text);
	}
	return 0;
fail:
	for (int i = owned; i < nfds; i++)
		close(SDLISTEN_FDS_START + i);
	return -1;
}

/*
 * Socket activation with several workers: no SO_REUSEPORT copies of
 * systemd's sockets can be made, so every worker waits on worker 0's
 * descriptors, and whichever is woken first takes the datagram or the
 * connection. 0, or -1 after logging.
 */
int
listen_share(struct server *srv)
{
	const struct worker *w0 = srv->workers[0];

	for (unsigned k = 1; k < srv->nworkers; k++) {
		struct worker *w = srv->workers[k];

		if ((w->ls = calloc(w0->nls, sizeof(*w->ls))) == NULL) {
			log_warn("calloc");
			return -1;
		}
		w->nls = w0->nls;
		for (size_t i = 0; i < w0->nls; i++) {
			struct listener *l = &w->ls[i];

			listener_init(l, w, &w0->ls[i].ss, w0->ls[i].sslen);
			l->shared = true;
			if (w0->ls[i].udp_fd != -1 &&
			    udp_listen(l, w0->ls[i].udp_fd) == -1)
				return -1;
			if (w0->ls[i].tcp != NULL && tcp_listen(l,
			    evconnlistener_get_fd(w0->ls[i].tcp)) == -1)
				return -1;
		}
	}
	return 0;
}
