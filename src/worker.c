/* worker.c -- the threads that answer queries, and the pipes that wake loops. */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "rrl.h"
#include "server_int.h"
#include "snapshot.h"
#include "stats.h"

/* --- waking ------------------------------------------------------------- */

/* A non-blocking pipe whose read end wakes a loop. 0, or -1 after logging. */
int
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
void
wake_send(const int fd[2])
{
	static const char one = 1;
	ssize_t n;

	do
		n = write(fd[1], &one, 1);
	while (n == -1 && errno == EINTR);
}

void
wake_drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

void
wake_close(int fd[2])
{
	if (fd[0] != -1)
		close(fd[0]);
	if (fd[1] != -1)
		close(fd[1]);
	fd[0] = fd[1] = -1;
}

/* --- adopting the published data ---------------------------------------- */

/*
 * What a worker derives from the data it answers from: the view counters'
 * mapping, the query log, a fresh rate limiter, its share of the TCP clients.
 */
static void
worker_set_counting(struct worker *w)
{
	const struct serving *s = w->serving;
	const struct config *cfg = snapshot_config(s->snap);
	unsigned n = w->srv->nworkers;

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
void
worker_adopt(struct worker *w)
{
	struct server *srv = w->srv;

	struct serving *s = atomic_load_explicit(&srv->published,
	    memory_order_acquire);
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
	struct worker *w = arg;

	(void)what;
	wake_drain(fd);
	if (atomic_load_explicit(&w->stop, memory_order_acquire)) {
		event_base_loopbreak(w->base);
		return;
	}
	worker_adopt(w);
}

/* --- life and death ----------------------------------------------------- */

/* The thread of a worker that has a loop of its own. */
void *
worker_main(void *arg)
{
	struct worker *w = arg;

	if (event_base_dispatch(w->base) == -1)
		log_warnx("worker %u: event loop failed", w->id);
	return NULL;
}

struct worker *
worker_new(struct server *srv, unsigned id)
{
	/*
	 * The packet buffers make it large (8 MiB), and most of them are
	 * never touched: mapped on its own, so that only the pages a datagram
	 * reaches are resident. calloc() would take it from the heap once
	 * the build's large frees have raised malloc's mmap threshold, and
	 * zero all of it (4 MiB of VmRSS at 10,000 domains).
	 */
	void *p = mmap(NULL, sizeof(struct worker), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		log_warn("mmap");
		return NULL;
	}
	struct worker *w = p;
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
		munmap(w, sizeof(*w));
		return NULL;
	}
	worker_set_counting(w);
	w->ev_backoff = evtimer_new(w->base, tcp_backoff_cb, w);
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

/* Whether worker_new() set up all of w. */
bool
worker_ready(const struct worker *w)
{
	return w->ev_backoff != NULL && (w->inline_loop || w->ev_wake != NULL);
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	tcp_conns_free(w);
	for (size_t i = 0; i < w->nls; i++)
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
	munmap(w, sizeof(*w));
}

/* Stops and joins the worker threads; the main loop has stopped. */
void
worker_stop_all(struct server *srv)
{
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct worker *w = srv->workers[i];

		if (w == NULL || !w->started)
			continue;
		atomic_store_explicit(&w->stop, true, memory_order_release);
		wake_send(w->wake_fd);
	}
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct worker *w = srv->workers[i];

		if (w == NULL || !w->started)
			continue;
		pthread_join(w->thread, NULL);
		w->started = false;
	}
}
