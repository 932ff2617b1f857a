/* tcp.c -- TCP transport: accept, connection cap, framing, libevent glue. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "config.h"
#include "dns.h"
#include "log.h"
#include "respond.h"
#include "server_int.h"
#include "snapshot.h"
#include "tcpframe.h"

#define TCP_BACKLOG		128
#define TCP_WRITE_HIGH		(64 * 1024)	/* stop reading above this */
#define ACCEPT_BACKOFF_SEC	1		/* after EMFILE and the like */

static void	 tcp_read_cb(struct bufferevent *, void *);
static void	 tcp_write_cb(struct bufferevent *, void *);
static void	 tcp_event_cb(struct bufferevent *, short, void *);
static void	 tcp_frame_timeout_cb(evutil_socket_t, short, void *);
static void	 tcp_conn_free(struct tcp_conn *);

/* --- accepting ---------------------------------------------------------- */

/*
 * TCP listeners accept while there is room under the worker's share of
 * tcp_max_clients and no back-off (after running out of descriptors) is in
 * progress.
 */
void
tcp_update_accepting(struct worker *w)
{
	bool want = !w->accept_backoff && w->nconns < w->max_conns;

	if (want == w->accepting)
		return;
	for (size_t i = 0; i < w->nls; i++) {
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
	struct listener *l = arg;
	struct worker *w = l->w;
	const struct config *cfg = snapshot_config(w->serving->snap);

	(void)lev;
	/* libevent may hand over several accepted sockets in one go. */
	if (w->nconns >= w->max_conns) {
		log_debug("tcp %s: connection limit, closing new one", l->text);
		close(fd);
		tcp_update_accepting(w);
		return;
	}
	struct tcp_conn *c = calloc(1, sizeof(*c));
	if (c == NULL ||
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
	socklen_t len = sizeof(c->local);
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
	struct timeval tv = { cfg->tcp_timeout, 0 };
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
	struct listener *l = arg;
	struct worker *w = l->w;
	int err = EVUTIL_SOCKET_ERROR();

	(void)lev;
	if (err == EINTR || err == ECONNABORTED)
		return;
	log_warnx_limited(&w->lim_accept, "tcp %s: accept: %s", l->text,
	    strerror(err));
	/* Out of descriptors or memory: stop accepting for a moment
	 * instead of spinning on a socket that stays readable. */
	w->accept_backoff = true;
	tcp_update_accepting(w);
	struct timeval tv = { ACCEPT_BACKOFF_SEC, 0 };
	evtimer_add(w->ev_backoff, &tv);
}

/* w->ev_backoff: the back-off after an accept error is over. */
void
tcp_backoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	w->accept_backoff = false;
	tcp_update_accepting(w);
}

/*
 * Accepts TCP on the bound socket fd, which l owns from here (also on
 * failure) unless shared: then it is listening already and stays open.
 * 0 or -1.
 */
int
tcp_listen(struct listener *l, int fd)
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

/* --- framing ------------------------------------------------------------ */

/* A message of a zone transfer: framed into the connection's output. */
static int
tcp_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct evbuffer *out = arg;
	uint8_t hdr[2] = { (uint8_t)(len >> 8), (uint8_t)len };

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
	const struct config *cfg = snapshot_config(c->w->serving->snap);

	if (evbuffer_get_length(bufferevent_get_input(c->bev)) == 0) {
		evtimer_del(c->frame_ev);
		return;
	}
	if (!restart && evtimer_pending(c->frame_ev, NULL))
		return;
	struct timeval tv = { cfg->tcp_timeout, 0 };
	evtimer_add(c->frame_ev, &tv);
}

static void
tcp_frame_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn *c = arg;

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
	struct worker *w = c->w;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct dns_peer peer;
	uint8_t hdr[TCPFRAME_HDR] = { 0, 0 };
	size_t mlen;
	bool consumed = false;

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
		size_t avail = evbuffer_get_length(in);
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

		struct query q;
		query_parse(&q, w->tcp_in, mlen);
		size_t len = respond_answer(w, &peer, &q, w->tcp_out + 2);
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

/* --- connection events -------------------------------------------------- */

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
	struct tcp_conn *c = arg;

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
	struct tcp_conn *c = arg;

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
	struct worker *w = c->w;

	TAILQ_REMOVE(&w->conns, c, entry);
	w->nconns--;
	tcp_count(w);
	bufferevent_free(c->bev);
	event_free(c->frame_ev);
	free(c);
	tcp_update_accepting(w);
}

/*
 * Every connection of w, at the end (worker_free()): no count kept, no
 * listener touched, the listeners are closed next.
 */
void
tcp_conns_free(struct worker *w)
{
	struct tcp_conn *c;

	while ((c = TAILQ_FIRST(&w->conns)) != NULL) {
		TAILQ_REMOVE(&w->conns, c, entry);
		bufferevent_free(c->bev);
		event_free(c->frame_ev);
		free(c);
	}
}
