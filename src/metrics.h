/* metrics.h -- the optional HTTP listener that serves GET /metrics. */
#ifndef OCSDNSD_METRICS_H
#define OCSDNSD_METRICS_H

#include <stdio.h>

struct event_base;
struct cfg_listen;
struct metrics;

/*
 * Listens on addr on the server's event loop. render writes the Prometheus
 * text of the moment to fp (0, or -1 on error). NULL after logging on error.
 */
struct metrics	*metrics_new(struct event_base *base,
		    const struct cfg_listen *addr,
		    int (*render)(void *arg, FILE *fp), void *arg);
void		 metrics_free(struct metrics *m);

#endif
