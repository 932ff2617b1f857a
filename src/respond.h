/* respond.h -- the step both transports call: answer, count, log, rate-limit. */
#ifndef OCSDNSD_RESPOND_H
#define OCSDNSD_RESPOND_H

/*
 * On the query path of every message: static inline, so that udp.c and
 * tcp.c each get their own copy to inline, as when all of it was one file.
 */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dns.h"
#include "query.h"
#include "qlog.h"
#include "rrl.h"
#include "server_int.h"
#include "snapshot.h"
#include "stats.h"

/* Response rate limiting of a UDP reply (RRL): send, drop or slip it. */
static inline size_t
respond_limit(struct worker *w, const struct dns_peer *peer,
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

/*
 * Answers one message and counts it. With the query log off this costs one
 * branch more than dns_answer(); only a logged query reads the clock.
 */
static inline size_t
respond_answer(struct worker *w, const struct dns_peer *peer,
    const struct query *q, uint8_t *out)
{
	const struct snapshot *snap = w->serving->snap;
	struct dns_result res;

	if (w->qlog_sample == 0 || ++w->qlog_count < w->qlog_sample) {
		size_t len = dns_answer_query(snap, peer, &w->stats, q, out,
		    &res);
		stats_count(&w->stats, peer->transport, &res);
		return respond_limit(w, peer, &res, out, len);
	}
	w->qlog_count = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t len = dns_answer_query(snap, peer, &w->stats, q, out, &res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats_count(&w->stats, peer->transport, &res);
	long usec = (long)(t1.tv_sec - t0.tv_sec) * 1000000L +
	    (t1.tv_nsec - t0.tv_nsec) / 1000;
	qlog_write(peer->remote, res.view >= 0 ?
	    snap->views[res.view].sv.name : NULL, peer->transport, &res,
	    len, usec);
	return respond_limit(w, peer, &res, out, len);
}

#endif
