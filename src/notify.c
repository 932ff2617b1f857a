/* notify.c -- NOTIFY messages to secondaries, retried until they answer. */
#include <sys/queue.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "notify.h"
#include "tsig.h"
#include "wire.h"

#define OPCODE_NOTIFY	4

struct pending {
	TAILQ_ENTRY(pending) entry;
	struct notifier *n;
	struct sockaddr_storage to;
	socklen_t tolen;
	char target[64];	/* as configured, for the log */
	char zone[256];
	uint8_t msg[1024];	/* header, question, a TSIG record */
	size_t len;
	/*
	 * A signed NOTIFY: a copy of the key (a reload may free the
	 * configuration before the answer comes) and the request's MAC.
	 */
	bool signed_;
	struct cfg_tsig_key key;
	struct tsig_ctx tc;
	unsigned tries;
	struct event *timer;
};

struct notifier {
	struct event_base *base;
	int fd[2];	/* AF_INET, AF_INET6; -1 until used */
	struct event *ev[2];
	TAILQ_HEAD(, pending) pending;
};

static void	notify_read_cb(evutil_socket_t, short, void *);
static void	notify_timer_cb(evutil_socket_t, short, void *);

struct notifier *
notify_new(struct event_base *base)
{
	struct notifier *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->base = base;
	n->fd[0] = n->fd[1] = -1;
	TAILQ_INIT(&n->pending);
	return n;
}

static void
pending_free(struct pending *p)
{
	TAILQ_REMOVE(&p->n->pending, p, entry);
	event_free(p->timer);
	explicit_bzero(&p->key, sizeof(p->key));
	free(p);
}

void
notify_free(struct notifier *n)
{
	struct pending *p;

	if (n == NULL)
		return;
	while ((p = TAILQ_FIRST(&n->pending)) != NULL)
		pending_free(p);
	for (int i = 0; i < 2; i++) {
		if (n->ev[i] != NULL)
			event_free(n->ev[i]);
		if (n->fd[i] != -1)
			close(n->fd[i]);
	}
	free(n);
}

/* The socket of a family, opened on first use, answers read by the loop. */
static int
notify_socket(struct notifier *n, int family)
{
	int i = family == AF_INET6;

	if (n->fd[i] != -1)
		return n->fd[i];
	if ((n->fd[i] = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("notify: socket");
		return -1;
	}
	n->ev[i] = event_new(n->base, n->fd[i], EV_READ | EV_PERSIST,
	    notify_read_cb, n);
	if (n->ev[i] == NULL || event_add(n->ev[i], NULL) == -1) {
		log_warnx("notify: cannot watch the socket");
		return -1;
	}
	return n->fd[i];
}

static void
notify_transmit(struct pending *p)
{
	struct timeval tv = { NOTIFY_RETRY_SECONDS, 0 };
	int fd = notify_socket(p->n, p->to.ss_family);

	p->tries++;
	if (fd == -1 || sendto(fd, p->msg, p->len, 0,
	    (struct sockaddr *)&p->to, p->tolen) == -1)
		log_debug("notify %s to %s: %s", p->zone, p->target,
		    fd == -1 ? "no socket" : strerror(errno));
	evtimer_add(p->timer, &tv);
}

static void
notify_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;

	(void)fd;
	(void)what;
	if (p->tries >= NOTIFY_TRIES) {
		log_warnx("notify %s to %s: no answer after %u tries", p->zone,
		    p->target, p->tries);
		pending_free(p);
		return;
	}
	notify_transmit(p);
}

static bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

/* An answer: the same ID, QR and opcode NOTIFY, from the target itself. */
static void
notify_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct notifier *n = arg;
	uint8_t buf[2048];
	struct sockaddr_storage from;

	(void)what;
	for (;;) {
		socklen_t fromlen = sizeof(from);
		ssize_t len = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (len < 0)
			return;
		if (len < DNS_HEADER_SIZE || !(buf[2] & FLAG1_QR) ||
		    ((buf[2] & FLAG1_OPCODE_MASK) >> 3) != OPCODE_NOTIFY)
			continue;
		for (struct pending *p = TAILQ_FIRST(&n->pending), *next;
		    p != NULL; p = next) {
			next = TAILQ_NEXT(p, entry);
			if (memcmp(p->msg, buf, 2) != 0 || !same_addr(&p->to, &from))
				continue;
			char why[64];
			if (p->signed_ && tsig_check_answer(&p->tc, buf,
			    (size_t)len, (uint64_t)time(NULL), why,
			    sizeof(why)) < 0) {
				/* Not from the secondary we share the key with: sent again. */
				log_warnx("notify %s to %s: %s (rcode %u)", p->zone,
				    p->target, why, buf[3] & FLAG2_RCODE_MASK);
				continue;
			}
			if ((buf[3] & FLAG2_RCODE_MASK) != RCODE_NOERROR)
				log_warnx("notify %s to %s: answered with rcode %u",
				    p->zone, p->target, buf[3] & FLAG2_RCODE_MASK);
			else
				log_info("notify %s to %s: acknowledged%s", p->zone,
				    p->target, p->signed_ ? " (TSIG verified)" : "");
			pending_free(p);
		}
	}
}

int
notify_send(struct notifier *n, const struct cfg_listen *targets,
    size_t ntargets, const char *zone)
{
	int queued = 0;

	for (size_t i = 0; i < ntargets; i++) {
		struct pending *p = calloc(1, sizeof(*p));
		size_t nl;

		if (p == NULL)
			break;
		p->n = n;
		memcpy(&p->to, &targets[i].ss, targets[i].sslen);
		p->tolen = targets[i].sslen;
		snprintf(p->target, sizeof(p->target), "%s", targets[i].text);
		snprintf(p->zone, sizeof(p->zone), "%s", zone);
		if ((nl = wire_name_from_text(zone, p->msg + DNS_HEADER_SIZE)) == 0 ||
		    (p->timer = evtimer_new(n->base, notify_timer_cb, p)) == NULL) {
			free(p);
			continue;
		}
		uint32_t id = arc4random();
		wire_put16(p->msg, (uint16_t)id);
		p->msg[2] = (uint8_t)(OPCODE_NOTIFY << 3) | FLAG1_AA;
		wire_put16(p->msg + 4, 1);
		wire_put16(p->msg + DNS_HEADER_SIZE + nl, TYPE_SOA);
		wire_put16(p->msg + DNS_HEADER_SIZE + nl + 2, CLASS_IN);
		p->len = DNS_HEADER_SIZE + nl + 4;
		if (targets[i].tsig != NULL) {
			/* Only what signing reads: no pointer into the config. */
			p->key = *targets[i].tsig;
			p->key.name = p->key.secret_text = p->key.secret_file = NULL;
			p->signed_ = true;
			p->len = tsig_sign_request(&p->tc, &p->key, p->msg, p->len,
			    sizeof(p->msg), (uint64_t)time(NULL));
			if (p->len == 0) {
				log_warnx("notify %s to %s: cannot sign", zone,
				    targets[i].text);
				event_free(p->timer);
				free(p);
				continue;
			}
		}
		TAILQ_INSERT_TAIL(&n->pending, p, entry);
		notify_transmit(p);
		queued++;
	}
	return ntargets == 0 || queued > 0 ? 0 : -1;
}
