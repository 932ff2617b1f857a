/* server.c -- the main loop: set-up, signals, reports, tear-down. */

#include <sys/types.h>
#include <sys/queue.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "dns.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "sdlisten.h"
#include "server.h"
#include "server_int.h"
#include "snapshot.h"
#include "stats.h"

/* --- reports ------------------------------------------------------------ */

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
	g->zones = snapshot_nzones(srv->cur->snap);
	g->records = snapshot_nrecords(srv->cur->snap);
	g->serial = snapshot_serial(srv->cur->snap);
	g->tcp_connections = 0;
	for (unsigned i = 0; i < srv->nworkers; i++)
		g->tcp_connections += atomic_load_explicit(
		    &srv->workers[i]->nconns_shown, memory_order_relaxed);
}

/* GET /metrics. */
static int
server_metrics(void *arg, FILE *fp)
{
	struct server *srv = arg;
	struct stats_gauges g;
	struct stats tot;

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
	for (unsigned i = 0; i < srv->nworkers; i++) {
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

/* --- signals ------------------------------------------------------------ */

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	switch (sig) {
	case SIGHUP:
		reload_request(srv);
		break;
	case SIGUSR1: {
		struct stats_gauges g;
		struct stats tot;

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

/* --- set-up ------------------------------------------------------------- */

struct server *
server_new(struct snapshot *snap, const char *config_path,
    char **listen_override, int nlisten_override)
{
	struct server *srv = calloc(1, sizeof(*srv));

	if (srv == NULL) {
		log_warn("calloc");
		snapshot_free(snap);
		return NULL;
	}
	srv->wake_fd[0] = srv->wake_fd[1] = -1;
	TAILQ_INIT(&srv->retired);
	TAILQ_INIT(&srv->reload.garbage);
	stats_init(&srv->stats);
	if ((srv->cur = serving_new(srv, snap)) == NULL)
		goto fail;
	atomic_init(&srv->published, srv->cur);
	srv->nworkers = snapshot_config(snap)->workers;
	if (srv->nworkers == 0)
		srv->nworkers = 1;
	srv->listen_overridden = listen_override != NULL;
	if ((srv->boot_cfg = config_restart_copy(snapshot_config(snap))) == NULL) {
		log_warn("calloc");
		goto fail;
	}
	if ((srv->config_path = strdup(config_path)) == NULL) {
		log_warn("strdup");
		goto fail;
	}
	if (reload_init(srv) == -1)
		goto fail;

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
	    EV_READ | EV_PERSIST, reload_wake_cb, srv)) == NULL ||
	    event_add(srv->ev_wake, NULL) == -1) {
		log_warnx("cannot set up the wake-up event");
		goto fail;
	}

	if ((srv->workers = calloc(srv->nworkers,
	    sizeof(*srv->workers))) == NULL) {
		log_warn("calloc");
		goto fail;
	}
	for (unsigned i = 0; i < srv->nworkers; i++)
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
	for (unsigned i = 0; i < srv->nworkers; i++) {
		srv->group.parts[i] = &srv->workers[i]->stats;
		/* stats.ocsdnsd CH TXT: what every thread counted. */
		srv->workers[i]->stats.group = &srv->group;
	}

	int nfds;
	if ((nfds = sdlisten_fds()) == -1)
		goto fail;
	if (nfds > 0) {
		/* systemd has bound them: listen and -l do not apply. */
		srv->listen_overridden = true;
		if (listen_activated(srv->workers[0], nfds) == -1 ||
		    listen_share(srv) == -1)
			goto fail;
	} else if (listen_addresses(srv, listen_override,
	    nlisten_override) == -1 || listen_bind(srv) == -1)
		goto fail;
	if (snapshot_config(snap)->metrics.sslen > 0 &&
	    (srv->metrics = metrics_new(srv->base,
	    &snapshot_config(snap)->metrics, server_metrics, srv)) == NULL)
		goto fail;
	for (unsigned i = 0; i < srv->nworkers; i++) {
		srv->workers[i]->accepting = true;
		tcp_update_accepting(srv->workers[i]);
	}
	return srv;
fail:
	server_free(srv);
	return NULL;
}

/* --- running ------------------------------------------------------------ */

/*
 * Starts the background thread and the workers' threads (all of them with
 * every signal blocked: signals are the main loop's). 0, or -1 after logging.
 */
static int
server_start_threads(struct server *srv)
{
	sigset_t all, old;
	int ret = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (reload_thread_start(srv) == -1)
		ret = -1;
	for (unsigned i = 0; ret == 0 && i < srv->nworkers; i++) {
		struct worker *w = srv->workers[i];

		if (w->inline_loop)
			continue;
		int rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc != 0) {
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
	char addrs[1024];
	size_t off = 0;
	int rc = 0;

	addrs[0] = '\0';
	for (size_t i = 0; i < w0->nls; i++) {
		if (w0->ls[i].udp_fd == -1 && w0->ls[i].tcp == NULL)
			continue;
		int n = snprintf(addrs + off, sizeof(addrs) - off, " %s",
		    w0->ls[i].text);
		if (n < 0 || (size_t)n >= sizeof(addrs) - off)
			break;
		off += (size_t)n;
	}
	/*
	 * Said before the worker threads start, so that it comes before any
	 * answer and any query line: a script that waits for the first answer
	 * finds it in the log. A thread that cannot start is said next, and
	 * the daemon stops.
	 */
	log_info("ocsdnsd %s: serving %zu zones (%zu records), serial %lu, "
	    "on%s, %u worker%s", PACKAGE_VERSION,
	    snapshot_nzones(srv->cur->snap), snapshot_nrecords(srv->cur->snap),
	    (unsigned long)snapshot_serial(srv->cur->snap), addrs,
	    srv->nworkers, srv->nworkers == 1 ? "" : "s");
	if (server_start_threads(srv) == -1)
		return -1;	/* server_free() stops those started */

	if (event_base_dispatch(srv->base) == -1) {
		log_warnx("event loop failed");
		rc = -1;
	}
	worker_stop_all(srv);
	return rc;
}

/* --- tear-down ---------------------------------------------------------- */

void
server_free(struct server *srv)
{
	struct serving *s;

	if (srv == NULL)
		return;
	worker_stop_all(srv);
	reload_free(srv);
	/* Worker 0 last: with socket activation it owns the descriptors. */
	for (unsigned i = srv->nworkers; srv->workers != NULL && i-- > 0;)
		worker_free(srv->workers[i]);
	free(srv->workers);
	free(srv->group.parts);
	config_free(srv->boot_cfg);
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
	while ((s = TAILQ_FIRST(&srv->retired)) != NULL) {
		TAILQ_REMOVE(&srv->retired, s, entry);
		serving_free(s);
	}
	serving_free(srv->cur);
	free(srv->config_path);
	free(srv);
}
