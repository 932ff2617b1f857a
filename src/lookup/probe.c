/* probe.c -- ocsdns-lookup --connect: TCP to one address, then TLS and SIP. */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lookup.h"

double
probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
probe_left(double deadline)
{
	double left = deadline - probe_now_ms();

	return left > 0 ? (int)left + 1 : 0;
}

int
probe_wait(int fd, short events, double deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int left = probe_left(deadline);

		if (left == 0)
			return 0;
		int n = poll(&pfd, 1, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		return 1;
	}
}

const char *
probe_tcp_name(enum probe_tcp tcp)
{
	static const char *const names[] = { "connected", "refused",
	    "filtered", "error" };

	return names[tcp];
}

static double
timeout_ms(const struct lookup_opts *o)
{
	return (double)o->timeout.tv_sec * 1e3 +
	    (double)o->timeout.tv_usec / 1e3;
}

static void
fail(struct probe *p, const char *step, const char *fmt, const char *a,
    const char *b)
{
	p->ok = 0;
	p->step = step;
	snprintf(p->failure, sizeof(p->failure), fmt, a, b);
}

/* An address literal and port as a socket address; -1 when not one. */
static int
sockaddr_of(const char *addr, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct addrinfo hints, *ai;
	char serv[8];

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof(serv), "%u", (unsigned)port);
	if (getaddrinfo(addr, serv, &hints, &ai) != 0)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/*
 * A non-blocking connect bounded by the timeout, from the -b source when
 * it is of the address's family (the same view as the DNS queries).
 * The connected descriptor, or -1 with p->tcp saying why.
 */
static int
tcp_connect(struct probe *p, const struct lookup_opts *o, char *why,
    size_t whysz)
{
	struct sockaddr_storage ss, src;
	socklen_t len, srclen;

	p->tcp = PROBE_TCP_ERROR;
	if (sockaddr_of(p->addr, p->c->port, &ss, &len) == -1) {
		snprintf(why, whysz, "not an address");
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd == -1) {
		snprintf(why, whysz, "socket: %s", strerror(errno));
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1 ||
	    (o->source != NULL && sockaddr_of(o->source, 0, &src, &srclen) == 0
	    && src.ss_family == ss.ss_family &&
	    bind(fd, (struct sockaddr *)&src, srclen) == -1)) {
		snprintf(why, whysz, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	double t0 = probe_now_ms(), deadline = t0 + timeout_ms(o);
	int e = 0;
	if (connect(fd, (struct sockaddr *)&ss, len) == -1) {
		e = errno;
		if (e == EINPROGRESS) {
			int r = probe_wait(fd, POLLOUT, deadline);
			socklen_t elen = sizeof(e);

			if (r == 0)
				e = ETIMEDOUT;
			else if (r == -1)
				e = errno;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
			    &elen) == -1)
				e = errno;
		}
	}
	p->tcp_ms = probe_now_ms() - t0;
	if (e == 0) {
		p->tcp = PROBE_TCP_CONNECTED;
		return fd;
	}
	close(fd);
	if (e == ECONNREFUSED) {
		p->tcp = PROBE_TCP_REFUSED;
		snprintf(why, whysz, "connection refused: nothing listens "
		    "on the port");
	} else if (e == ETIMEDOUT) {
		p->tcp = PROBE_TCP_FILTERED;
		snprintf(why, whysz, "no answer within %.1f s: filtered by a "
		    "firewall, or the server is down", timeout_ms(o) / 1e3);
	} else
		snprintf(why, whysz, "%s", strerror(e));
	return -1;
}

void
probe_run(struct probe *p, const struct lookup_cand *c, const char *addr,
    const struct lookup_opts *o, const char *domain,
    const struct ocs_client *profile)
{
	char why[PROBE_TEXT], where[LOOKUP_NAME_MAX + 80];

	memset(p, 0, sizeof(*p));
	p->c = c;
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	snprintf(where, sizeof(where), "%s:%u (%s)", c->t->name,
	    (unsigned)c->port, addr);
	int fd = tcp_connect(p, o, why, sizeof(why));
	if (fd == -1) {
		fail(p, "tcp", "TCP to %s: %s", where, why);
		return;
	}
	p->ok = 1;
	struct probe_tls *t = NULL;
	if (c->transport == OCS_TLS) {
		t = tls_handshake(p, fd, o);
		if (t == NULL) {
			close(fd);
			return;
		}
		tls_check(p, t, o, domain, profile);
	}
	/* A client that rejects the certificate sends nothing more. */
	if (p->ok && o->sip_options)
		sip_options(p, fd, t, o, domain);
	if (t != NULL)
		tls_free(t);
	close(fd);
}

/*
 * The last line: the client tries the addresses of its chosen host in
 * order and stays at the first that works. 1 when one did.
 */
int
probe_verdict(const struct lookup_client *cl, const struct probe *p, int np,
    char *out, size_t outsz)
{
	const struct lookup_cand *c = &cl->cand[0];
	const struct probe *first = NULL;
	int nfail = 0;

	if (cl->ncand == 0) {
		snprintf(out, outsz, "%s", cl->verdict);
		return 0;
	}
	for (int i = 0; i < np; i++) {
		if (p[i].c != c)
			continue;
		if (!p[i].ok) {
			if (first == NULL)
				first = &p[i];
			nfail++;
			continue;
		}
		int len = snprintf(out, outsz, "%s would sign in at %s:%u (%s) "
		    "over %s", cl->profile->what, c->t->name, (unsigned)c->port,
		    p[i].addr, p[i].tls ? p[i].tls_version : "TCP");
		if (p[i].tls && len > 0 && (size_t)len < outsz)
			len += snprintf(out + len, outsz - (size_t)len, " (%s), "
			    "the certificate accepted", p[i].cipher);
		if (p[i].sip && len > 0 && (size_t)len < outsz)
			snprintf(out + len, outsz - (size_t)len, ", OPTIONS "
			    "answered \"%s\"", p[i].sip_status);
		return 1;
	}
	if (first == NULL) {
		snprintf(out, outsz, "%s: %s has no address to connect to",
		    cl->profile->what, c->t->name);
		return 0;
	}
	int len = snprintf(out, outsz, "%s would fail to sign in: %s",
	    cl->profile->what, first->failure);
	if (nfail > 1 && len > 0 && (size_t)len < outsz)
		len += snprintf(out + len, outsz - (size_t)len, " (and %d more "
		    "address%s of %s failed)", nfail - 1, nfail > 2 ? "es" : "",
		    c->t->name);
	/* --connect-all: a later candidate that works is worth a word. */
	for (int i = 0; i < np && len > 0 && (size_t)len < outsz; i++) {
		if (p[i].c == c || !p[i].ok)
			continue;
		snprintf(out + len, outsz - (size_t)len, "; %s:%u (%s) from %s "
		    "works, but no source says the client goes on to it",
		    p[i].c->t->name, (unsigned)p[i].c->port, p[i].addr,
		    p[i].c->record);
		break;
	}
	return 0;
}
