/* stats.h -- query counters kept by the server across reloads, and their texts. */
#ifndef OCSDNSD_STATS_H
#define OCSDNSD_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "dnsdef.h"
#include "wire.h"

struct snapshot;

enum stats_rcode {
	STATS_RC_NOERROR, STATS_RC_FORMERR, STATS_RC_SERVFAIL,
	STATS_RC_NXDOMAIN, STATS_RC_NOTIMP, STATS_RC_REFUSED,
	STATS_RC_NOTAUTH, STATS_RC_BADVERS, STATS_RC_OTHER, STATS_RC_COUNT
};

enum stats_qtype {
	STATS_QT_A, STATS_QT_AAAA, STATS_QT_SRV, STATS_QT_SOA, STATS_QT_NS,
	STATS_QT_CNAME, STATS_QT_MX, STATS_QT_TXT, STATS_QT_ANY,
	STATS_QT_AXFR, STATS_QT_IXFR, STATS_QT_OTHER, STATS_QT_COUNT
};

#define STATS_MAX_VIEWS		64	/* distinct view names counted */

struct stats_group;

/*
 * Counters of one thread: only that thread moves them (stats_inc(), a
 * plain load and store, no locked instruction), other threads may read
 * them at any time (relaxed atomic loads) and add them up (stats_sum()).
 * Nothing is allocated on the query path. Views are counted by name, so a
 * count survives a reload that keeps the name; view_slot maps the serving
 * snapshot's view index to a name.
 */
struct stats {
	_Atomic uint64_t queries[2];		/* by enum dns_transport */
	_Atomic uint64_t rcode[STATS_RC_COUNT];	/* responses sent */
	_Atomic uint64_t qtype[STATS_QT_COUNT];	/* queries with a question */
	_Atomic uint64_t view[STATS_MAX_VIEWS + 1]; /* the last: "other" */
	char		*view_name[STATS_MAX_VIEWS];
	size_t		 nview_names;
	int		 view_slot[STATS_MAX_VIEWS];
	size_t		 nview_slots;
	_Atomic uint64_t nodata;		/* NOERROR, empty answer */
	_Atomic uint64_t dropped;		/* no reply */
	_Atomic uint64_t truncated;		/* TC set */
	_Atomic uint64_t noadditional;		/* additional section left out */
	_Atomic uint64_t transfers;		/* AXFR/IXFR streamed */
	_Atomic uint64_t rrl_dropped;		/* rate limited: not sent */
	_Atomic uint64_t rrl_slipped;		/* rate limited: sent truncated */
	_Atomic uint64_t reloads_ok;
	_Atomic uint64_t reloads_failed;
	time_t		 start_time;
	/* When not NULL, stats_chaos_txt() reports this group's sum. */
	const struct stats_group *group;
};

/*
 * The server's counters (reloads, start time) and those of its workers:
 * a report adds them up.
 */
struct stats_group {
	const struct stats	 *base;
	struct stats		**parts;
	size_t			  nparts;
};

/* Values read at the moment of a report rather than counted. */
struct stats_gauges {
	size_t		 zones;
	size_t		 records;
	uint32_t	 serial;
	unsigned	 tcp_connections;
};

void	stats_init(struct stats *st);
void	stats_free(struct stats *st);
/* Maps the snapshot's views to counters (at start and after each reload). */
void	stats_set_views(struct stats *st, const struct snapshot *snap);

/* The counter index of an rcode (with the extended bits) or a qtype. */
static inline enum stats_rcode
stats_rcode_index(unsigned rcode)
{
	if (rcode <= RCODE_REFUSED)
		return (enum stats_rcode)rcode;
	if (rcode == RCODE_NOTAUTH)
		return STATS_RC_NOTAUTH;
	if (rcode == RCODE_BADVERS)
		return STATS_RC_BADVERS;
	return STATS_RC_OTHER;
}

static inline enum stats_qtype
stats_qtype_index(unsigned qtype)
{
	switch (qtype) {
	case TYPE_A:	return STATS_QT_A;
	case TYPE_AAAA:	return STATS_QT_AAAA;
	case TYPE_SRV:	return STATS_QT_SRV;
	case TYPE_SOA:	return STATS_QT_SOA;
	case TYPE_NS:	return STATS_QT_NS;
	case TYPE_CNAME:	return STATS_QT_CNAME;
	case TYPE_MX:	return STATS_QT_MX;
	case TYPE_TXT:	return STATS_QT_TXT;
	case TYPE_ANY:	return STATS_QT_ANY;
	case TYPE_AXFR:	return STATS_QT_AXFR;
	case TYPE_IXFR:	return STATS_QT_IXFR;
	default:	return STATS_QT_OTHER;
	}
}
const char	*stats_rcode_name(enum stats_rcode i);
const char	*stats_qtype_name(enum stats_qtype i);

/* Prometheus text exposition (version 0.0.4). 0, or -1 on a write error. */
int	stats_prometheus(const struct stats *st, const struct stats_gauges *g,
	    FILE *fp);
/* Every counter to the log at info level, a few lines (SIGUSR1). */
void	stats_log(const struct stats *st, const struct stats_gauges *g);
/*
 * The main counters as TXT RDATA, one "name=value" character-string each,
 * into buf. Returns its length, 0 when buf is too small.
 */
size_t	stats_chaos_txt(const struct stats *st, uint8_t *buf, size_t len);

/* One more, by the one thread that moves this counter. */
static inline void
stats_inc(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) +
	    1, memory_order_relaxed);
}

/*
 * The sum of g's counters into *out, with base's start time, as a thread
 * other than the counting ones reads it; no view names (the base's belong
 * to the main thread). Never stats_free() out.
 */
void	stats_sum(struct stats *out, const struct stats_group *g);

/* Counts one message handled by dns_answer(): a few additions, no call out. */
static inline void
stats_count(struct stats *st, enum dns_transport tr,
    const struct dns_result *res)
{
	stats_inc(&st->queries[tr == DNS_TCP]);
	if (res->flags & DNS_RES_QUESTION)
		stats_inc(&st->qtype[stats_qtype_index(res->qtype)]);
	if (res->view >= 0) {
		if ((size_t)res->view < st->nview_slots)
			stats_inc(&st->view[st->view_slot[res->view]]);
		else
			stats_inc(&st->view[STATS_MAX_VIEWS]);
	}
	if (res->flags & DNS_RES_DROPPED) {
		stats_inc(&st->dropped);
		return;
	}
	stats_inc(&st->rcode[stats_rcode_index(res->rcode)]);
	if (res->flags & (DNS_RES_NODATA | DNS_RES_TC | DNS_RES_NOADD |
	    DNS_RES_XFR)) {
		if ((res->flags & (DNS_RES_NODATA | DNS_RES_TC)) ==
		    DNS_RES_NODATA)
			stats_inc(&st->nodata);
		if (res->flags & DNS_RES_TC)
			stats_inc(&st->truncated);
		if (res->flags & DNS_RES_NOADD)
			stats_inc(&st->noadditional);
		if (res->flags & DNS_RES_XFR)
			stats_inc(&st->transfers);
	}
}

#endif
