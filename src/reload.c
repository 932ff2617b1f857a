/* reload.c -- SIGHUP: build in the background, publish, reclaim, NOTIFY. */

#include <sys/types.h>
#include <sys/queue.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "notify.h"
#include "server_int.h"
#include "signin/signin_check.h"
#include "snapshot.h"
#include "stats.h"

/* --- snapshots ---------------------------------------------------------- */

/* A publication of snap (owned from here, also on failure); NULL on error. */
struct serving *
serving_new(struct server *srv, struct snapshot *snap)
{
	struct serving *s = calloc(1, sizeof(*s));

	if (s == NULL) {
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

void
serving_free(struct serving *s)
{
	if (s == NULL)
		return;
	snapshot_free(s->snap);
	free(s);
}

/* The oldest generation some worker may still answer from. */
static uint64_t
reload_min_seen(const struct server *srv)
{
	uint64_t min = UINT64_MAX;

	for (unsigned i = 0; i < srv->nworkers; i++) {
		uint64_t g = atomic_load_explicit(&srv->workers[i]->seen,
		    memory_order_acquire);
		if (g < min)
			min = g;
	}
	return min;
}

static void
reload_announce(struct server *srv, struct serving *s)
{
	s->announce = false;
	size_t nz = 0, nsh = snapshot_nshared(s->snap, &nz);

	log_info("reloaded %s: serial %lu; %zu of %zu zones shared, "
	    "not compiled again", srv->config_path,
	    (unsigned long)snapshot_serial(s->snap), nsh, nz);
}

/*
 * Once every worker answers from a newer snapshot, an old one goes to the
 * background thread to be freed (a large one takes a while); a reload is
 * announced once every worker answers from it.
 */
static void
reload_reclaim(struct server *srv)
{
	struct reload_state *rs = &srv->reload;
	struct serving *next;
	uint64_t min = reload_min_seen(srv);
	bool freed = false;

	for (struct serving *s = TAILQ_FIRST(&srv->retired); s != NULL;
	    s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->announce && min >= s->gen)
			reload_announce(srv, s);
		if (min < s->retired_at)
			continue;
		TAILQ_REMOVE(&srv->retired, s, entry);
		if (rs->started) {
			pthread_mutex_lock(&rs->lock);
			TAILQ_INSERT_TAIL(&rs->garbage, s, entry);
			pthread_mutex_unlock(&rs->lock);
			freed = true;
		} else
			serving_free(s);
	}
	if (freed)
		pthread_cond_signal(&rs->cond);
	if (srv->cur->announce && min >= srv->cur->gen)
		reload_announce(srv, srv->cur);
}

/* --- after a reload ----------------------------------------------------- */

/*
 * A restart-only key of the reloaded file differs from what the daemon
 * started with: say so (each reload, as long as it differs). A listen
 * list that -l or socket activation overrides is not ours to compare.
 */
static void
reload_restart_key(void *arg, const char *section, const char *key)
{
	const struct server *srv = arg;

	if (srv->listen_overridden && strcmp(key, "listen") == 0)
		return;
	(void)section;		/* every restart-only key is a [server] key */
	log_warnx("%s change in %s requires a restart", key, srv->config_path);
}

/* After a reload, a zone whose serial moved on: NOTIFY the secondaries. */
static void
reload_notify_zone(void *arg, const char *zone)
{
	struct server *srv = arg;
	const struct config *cfg = snapshot_config(srv->cur->snap);

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

/* --- the background thread ---------------------------------------------- */

/*
 * A reload's sign-in verdicts: one log line per domain and view, at info
 * level for a lab-sized file, at debug level (-v) beyond that, so that a
 * file of 100,000 domains does not log 200,000 lines at every reload.
 */
#define RELOAD_VERDICTS_INFO	64

static void
reload_verdict(void *arg, const char *line)
{
	const bool *info = arg;

	if (*info)
		log_info("%s", line);
	else
		log_debug("%s", line);
}

/*
 * The file whose error failed the last build, when it is not the
 * configuration (a zone file): written by the background thread and read
 * by the main loop, both under the reload lock.
 */
static char	bad_file[1024];

/*
 * Logs the build's diagnostics (text, lines ending in '\n') as the
 * daemon's other lines are logged, its prefix and all. The file of the
 * first error goes to bad, or "" when it is the configuration or there is
 * none: "FILE:LINE: error: ..." of the sign-in check, "FILE:LINE: ..." of
 * the loaders; their warnings say "warning:".
 */
static void
relay_diag(char *text, const char *config_path, char *bad, size_t badsz)
{
	size_t clen = strlen(config_path);
	bool found = false;

	bad[0] = '\0';
	for (char *line = text, *eol; line != NULL && *line != '\0';
	    line = eol) {
		if ((eol = strchr(line, '\n')) != NULL)
			*eol++ = '\0';
		log_warnx("%s", line);
		const char *colon = strchr(line, ':');
		if (found || colon == NULL ||
		    strstr(line, ": warning: ") != NULL)
			continue;
		found = true;
		if (strncmp(line, config_path, clen) == 0 && line[clen] == ':')
			continue;
		snprintf(bad, badsz, "%.*s", (int)(colon - line), line);
	}
}

/*
 * The background thread: frees what it is given, builds what it is asked
 * to, and tells the main loop when a build has ended. On quit it finishes
 * the build under way (there is no stopping one halfway) but starts none.
 */
static void *
reload_main(void *arg)
{
	struct server *srv = arg;
	struct reload_state *rs = &srv->reload;

	pthread_mutex_lock(&rs->lock);
	for (;;) {
		struct serving *s = TAILQ_FIRST(&rs->garbage);

		if (s != NULL) {
			TAILQ_REMOVE(&rs->garbage, s, entry);
			pthread_mutex_unlock(&rs->lock);
			serving_free(s);
			pthread_mutex_lock(&rs->lock);
			continue;
		}
		if (rs->quit)
			break;
		if (!rs->build) {
			pthread_cond_wait(&rs->cond, &rs->lock);
			continue;
		}
		rs->build = false;
		const struct snapshot *prev = rs->prev;
		pthread_mutex_unlock(&rs->lock);

		/*
		 * Diagnostics are gathered, then logged as lines of the daemon
		 * (relay_diag()); without memory for that, straight to
		 * log_stream(), whose writes are locked.
		 */
		char *dbuf = NULL, bad[sizeof(bad_file)] = "";
		size_t dlen = 0;
		FILE *mem = open_memstream(&dbuf, &dlen);
		FILE *diag = mem != NULL ? mem : log_stream();
		unsigned nwarn = 0;
		struct snapshot *snap = NULL;
		struct config *cfg = config_load(srv->config_path, diag,
		    &nwarn);
		if (cfg != NULL)
			/* snapshot_build() takes cfg, also when it fails. */
			snap = snapshot_build(cfg, prev, diag);
		/* What -t refuses is not served: the old data stays. */
		if (snap != NULL) {
			bool info = snapshot_config(snap)->ndomains *
			    snap->nviews <= RELOAD_VERDICTS_INFO;
			if (signin_check_until(snap, diag, reload_verdict,
			    &info, &nwarn, &rs->stopping) != 0) {
				snapshot_free(snap);
				snap = NULL;
			}
		}
		/* Kept before served: no serial a secondary saw is lost. */
		if (snap != NULL) {
			(void)snapshot_state_save(snap, false);
			snapshot_shed(snap);
		}
		if (mem != NULL) {
			fclose(mem);
			relay_diag(dbuf, srv->config_path, bad, sizeof(bad));
			free(dbuf);
		}

		pthread_mutex_lock(&rs->lock);
		snprintf(bad_file, sizeof(bad_file), "%s",
		    snap == NULL ? bad : "");
		rs->result = snap;
		rs->done = true;
		wake_send(srv->wake_fd);
	}
	pthread_mutex_unlock(&rs->lock);
	return NULL;
}

/* The lock and condition of srv->reload. 0, or -1 after logging. */
int
reload_init(struct server *srv)
{
	struct reload_state *rs = &srv->reload;

	if (pthread_mutex_init(&rs->lock, NULL) != 0 ||
	    pthread_cond_init(&rs->cond, NULL) != 0) {
		log_warnx("cannot set up the reload thread's lock");
		return -1;
	}
	rs->lock_init = true;
	return 0;
}

/* Starts the background thread. 0, or -1 after logging. */
int
reload_thread_start(struct server *srv)
{
	struct reload_state *rs = &srv->reload;
	int rc = pthread_create(&rs->thread, NULL, reload_main, srv);

	if (rc != 0) {
		log_warnx("cannot start the reload thread: %s", strerror(rc));
		return -1;
	}
	rs->started = true;
	return 0;
}

/* --- reloading ---------------------------------------------------------- */

/* SIGHUP: the new snapshot is built in the background thread. */
void
reload_request(struct server *srv)
{
	struct reload_state *rs = &srv->reload;

	if (rs->under_way) {
		/* The file may have changed after the build read it. */
		if (!rs->again)
			log_info("reload of %s under way: reading it again "
			    "after it", srv->config_path);
		rs->again = true;
		return;
	}
	log_info("reloading %s", srv->config_path);
	rs->under_way = true;
	pthread_mutex_lock(&rs->lock);
	rs->build = true;
	/* Stays alive: only collecting this build replaces it. */
	rs->prev = srv->cur->snap;
	pthread_mutex_unlock(&rs->lock);
	pthread_cond_signal(&rs->cond);
}

/*
 * A build has ended (snap NULL: it failed). In the main loop: publish the
 * new data, wake the workers to adopt it, and do what follows a reload.
 */
static void
reload_done(struct server *srv, struct snapshot *snap, const char *bad)
{
	struct reload_state *rs = &srv->reload;
	struct serving *s, *old;

	rs->under_way = false;
	if (snap == NULL && bad[0] != '\0') {
		log_warnx("zone file %s has errors, not reloading %s", bad,
		    srv->config_path);
		stats_inc(&srv->stats.reloads_failed);
		goto again;
	}
	if (snap == NULL || (s = serving_new(srv, snap)) == NULL) {
		log_warnx("%s has errors, not reloading", srv->config_path);
		stats_inc(&srv->stats.reloads_failed);
		goto again;
	}
	config_restart_changes(srv->boot_cfg, snapshot_config(s->snap),
	    reload_restart_key, srv);
	old = srv->cur;
	old->retired_at = s->gen;
	TAILQ_INSERT_TAIL(&srv->retired, old, entry);
	srv->cur = s;
	s->announce = true;
	atomic_store_explicit(&srv->published, s, memory_order_release);
	stats_inc(&srv->stats.reloads_ok);
	for (unsigned i = 0; i < srv->nworkers; i++) {
		if (srv->workers[i]->inline_loop)
			worker_adopt(srv->workers[i]);
		else
			wake_send(srv->workers[i]->wake_fd);
	}
	snapshot_changed_zones(s->snap, reload_notify_zone, srv);
	/* "reloaded" once every worker answers from it. */
	reload_reclaim(srv);
again:
	if (rs->again) {
		rs->again = false;
		reload_request(srv);
	}
}

/* The main loop's wake-up: a build has ended, or a worker adopted. */
void
reload_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct reload_state *rs = &srv->reload;
	struct snapshot *snap = NULL;

	(void)what;
	wake_drain(fd);
	char bad[sizeof(bad_file)] = "";
	pthread_mutex_lock(&rs->lock);
	bool done = rs->done;
	if (done) {
		snprintf(bad, sizeof(bad), "%s", bad_file);
		snap = rs->result;
		rs->result = NULL;
		rs->done = false;
		rs->prev = NULL;
	}
	pthread_mutex_unlock(&rs->lock);
	if (done)
		reload_done(srv, snap, bad);
	reload_reclaim(srv);
}

/* --- stopping ----------------------------------------------------------- */

/* Stops the background thread: a build under way is let finish. */
static void
reload_thread_stop(struct server *srv)
{
	struct reload_state *rs = &srv->reload;

	if (!rs->started)
		return;
	pthread_mutex_lock(&rs->lock);
	rs->quit = true;
	/* The sign-in check of a build ends early: the build is discarded. */
	atomic_store(&rs->stopping, true);
	if (rs->under_way && !rs->done)
		log_info("waiting for the reload under way to end");
	pthread_mutex_unlock(&rs->lock);
	pthread_cond_signal(&rs->cond);
	pthread_join(rs->thread, NULL);
	rs->started = false;
}

/*
 * Stops the background thread, then frees what it left: a build nobody
 * collected, the garbage it did not get to, the lock.
 */
void
reload_free(struct server *srv)
{
	struct reload_state *rs = &srv->reload;
	struct serving *s;

	reload_thread_stop(srv);
	snapshot_free(rs->result);
	while ((s = TAILQ_FIRST(&rs->garbage)) != NULL) {
		TAILQ_REMOVE(&rs->garbage, s, entry);
		serving_free(s);
	}
	if (rs->lock_init) {
		pthread_mutex_destroy(&rs->lock);
		pthread_cond_destroy(&rs->cond);
		rs->lock_init = false;
	}
}
