/* stats.c -- query counters: view mapping, Prometheus text, log and CHAOS reports. */

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "snapshot.h"
#include "stats.h"
#include "wire.h"

static const char *const rcode_names[STATS_RC_COUNT] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"NOTAUTH", "BADVERS", "other"
};

static const char *const qtype_names[STATS_QT_COUNT] = {
	"A", "AAAA", "SRV", "SOA", "NS", "CNAME", "MX", "TXT", "ANY", "AXFR",
	"IXFR", "other"
};

const char *
stats_rcode_name(enum stats_rcode i)
{
	return i < STATS_RC_COUNT ? rcode_names[i] : "other";
}

const char *
stats_qtype_name(enum stats_qtype i)
{
	return i < STATS_QT_COUNT ? qtype_names[i] : "other";
}

void
stats_init(struct stats *st)
{
	memset(st, 0, sizeof(*st));
	st->start_time = time(NULL);
}

void
stats_free(struct stats *st)
{
	for (size_t i = 0; i < st->nview_names; i++)
		free(st->view_name[i]);
	st->nview_names = 0;
	st->nview_slots = 0;
}

/*
 * Names are added, never removed: a view dropped by a reload keeps its
 * count in the report. Past STATS_MAX_VIEWS names, views count as "other".
 */
void
stats_set_views(struct stats *st, const struct snapshot *snap)
{
	size_t n = snap->nviews < STATS_MAX_VIEWS ? snap->nviews :
	    STATS_MAX_VIEWS;
	for (size_t i = 0; i < n; i++) {
		const char *name = snap->views[i].sv.name;
		size_t j;

		for (j = 0; j < st->nview_names; j++)
			if (strcmp(st->view_name[j], name) == 0)
				break;
		if (j == st->nview_names) {
			if (j == STATS_MAX_VIEWS ||
			    (st->view_name[j] = strdup(name)) == NULL) {
				st->view_slot[i] = STATS_MAX_VIEWS;
				continue;
			}
			st->nview_names++;
		}
		st->view_slot[i] = (int)j;
	}
	st->nview_slots = n;
}

static uint64_t
stats_total(const _Atomic uint64_t *v, size_t n)
{
	uint64_t t = 0;

	while (n-- > 0)
		t += atomic_load_explicit(&v[n], memory_order_relaxed);
	return t;
}

/* dst[i] += src[i] for n counters; only this thread writes dst. */
static void
stats_add(_Atomic uint64_t *dst, const _Atomic uint64_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		atomic_store_explicit(&dst[i], atomic_load_explicit(&dst[i],
		    memory_order_relaxed) + atomic_load_explicit(&src[i],
		    memory_order_relaxed), memory_order_relaxed);
}

static void
stats_add_all(struct stats *dst, const struct stats *src)
{
#define ADD1(f)	stats_add(&dst->f, &src->f, 1)
	stats_add(dst->queries, src->queries, 2);
	stats_add(dst->rcode, src->rcode, STATS_RC_COUNT);
	stats_add(dst->qtype, src->qtype, STATS_QT_COUNT);
	stats_add(dst->view, src->view, STATS_MAX_VIEWS + 1);
	ADD1(nodata);
	ADD1(dropped);
	ADD1(truncated);
	ADD1(noadditional);
	ADD1(transfers);
	ADD1(rrl_dropped);
	ADD1(rrl_slipped);
	ADD1(reloads_ok);
	ADD1(reloads_failed);
#undef ADD1
}

void
stats_sum(struct stats *out, const struct stats_group *g)
{
	memset(out, 0, sizeof(*out));
	out->start_time = g->base->start_time;
	stats_add_all(out, g->base);
	for (size_t i = 0; i < g->nparts; i++)
		stats_add_all(out, g->parts[i]);
}

/* Label values are view names and fixed words: escape \ " and newline anyway. */
static void
prom_label(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

static void
prom_head(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
prom_counter(FILE *fp, const char *name, const char *help, uint64_t v)
{
	prom_head(fp, name, "counter", help);
	fprintf(fp, "%s %" PRIu64 "\n", name, v);
}

static void
prom_gauge(FILE *fp, const char *name, const char *help, uint64_t v)
{
	prom_head(fp, name, "gauge", help);
	fprintf(fp, "%s %" PRIu64 "\n", name, v);
}

int
stats_prometheus(const struct stats *st, const struct stats_gauges *g,
    FILE *fp)
{
	prom_head(fp, "ocsdnsd_queries_total", "counter",
	    "DNS messages received, by transport.");
	fprintf(fp, "ocsdnsd_queries_total{transport=\"udp\"} %" PRIu64 "\n",
	    st->queries[DNS_UDP]);
	fprintf(fp, "ocsdnsd_queries_total{transport=\"tcp\"} %" PRIu64 "\n",
	    st->queries[DNS_TCP]);

	prom_head(fp, "ocsdnsd_responses_total", "counter",
	    "Responses sent, by response code.");
	for (size_t i = 0; i < STATS_RC_COUNT; i++)
		fprintf(fp, "ocsdnsd_responses_total{rcode=\"%s\"} %" PRIu64
		    "\n", rcode_names[i], st->rcode[i]);

	prom_head(fp, "ocsdnsd_queries_by_type_total", "counter",
	    "Queries with a readable question, by query type.");
	for (size_t i = 0; i < STATS_QT_COUNT; i++)
		fprintf(fp, "ocsdnsd_queries_by_type_total{qtype=\"%s\"} %"
		    PRIu64 "\n", qtype_names[i], st->qtype[i]);

	prom_head(fp, "ocsdnsd_queries_by_view_total", "counter",
	    "Queries that selected a view, by view name.");
	for (size_t i = 0; i < st->nview_names; i++) {
		fputs("ocsdnsd_queries_by_view_total{view=\"", fp);
		prom_label(fp, st->view_name[i]);
		fprintf(fp, "\"} %" PRIu64 "\n", st->view[i]);
	}
	if (st->view[STATS_MAX_VIEWS] > 0)
		fprintf(fp, "ocsdnsd_queries_by_view_total{view=\"other\"} %"
		    PRIu64 "\n", st->view[STATS_MAX_VIEWS]);

	prom_counter(fp, "ocsdnsd_nodata_total",
	    "NOERROR responses without an answer (name exists, type does not).",
	    st->nodata);
	prom_counter(fp, "ocsdnsd_dropped_total",
	    "Messages not answered (responses, runts).", st->dropped);
	prom_counter(fp, "ocsdnsd_truncated_total",
	    "UDP responses with TC set.", st->truncated);
	prom_counter(fp, "ocsdnsd_no_additional_total",
	    "Responses sent without their additional section, for size.",
	    st->noadditional);
	prom_counter(fp, "ocsdnsd_transfers_total",
	    "Zone transfers (AXFR, IXFR) sent.", st->transfers);
	prom_counter(fp, "ocsdnsd_rrl_dropped_total",
	    "UDP responses not sent: over the response rate limit.",
	    st->rrl_dropped);
	prom_counter(fp, "ocsdnsd_rrl_slipped_total",
	    "UDP responses over the rate limit sent truncated (slip).",
	    st->rrl_slipped);

	prom_head(fp, "ocsdnsd_reloads_total", "counter",
	    "Configuration reloads (SIGHUP), by result.");
	fprintf(fp, "ocsdnsd_reloads_total{result=\"ok\"} %" PRIu64 "\n",
	    st->reloads_ok);
	fprintf(fp, "ocsdnsd_reloads_total{result=\"failed\"} %" PRIu64 "\n",
	    st->reloads_failed);

	prom_gauge(fp, "ocsdnsd_zones", "Zones served, over all views.",
	    g->zones);
	prom_gauge(fp, "ocsdnsd_records", "Records served, over all views.",
	    g->records);
	prom_gauge(fp, "ocsdnsd_serial", "SOA serial of the served data.",
	    g->serial);
	prom_gauge(fp, "ocsdnsd_tcp_connections", "Open TCP connections.",
	    g->tcp_connections);
	prom_gauge(fp, "ocsdnsd_start_time_seconds",
	    "Start time of the daemon, seconds since the Epoch.",
	    (uint64_t)st->start_time);
	return ferror(fp) ? -1 : 0;
}

/* Appends " name=value" to buf at *off, as far as it fits. */
static void
line_add(char *buf, size_t len, size_t *off, const char *name, uint64_t v)
{
	if (*off >= len)
		return;
	int n = snprintf(buf + *off, len - *off, " %s=%" PRIu64, name, v);
	if (n > 0)
		*off += (size_t)n;
}

void
stats_log(const struct stats *st, const struct stats_gauges *g)
{
	log_info("stats: queries udp=%" PRIu64 " tcp=%" PRIu64
	    "; zones=%zu records=%zu serial=%lu tcp_connections=%u"
	    " up=%llds", st->queries[DNS_UDP], st->queries[DNS_TCP],
	    g->zones, g->records, (unsigned long)g->serial, g->tcp_connections,
	    (long long)(time(NULL) - st->start_time));
	char buf[1024];
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < STATS_RC_COUNT; i++)
		line_add(buf, sizeof(buf), &off, rcode_names[i], st->rcode[i]);
	log_info("stats: responses%s", buf);
	off = 0;
	for (size_t i = 0; i < STATS_QT_COUNT; i++)
		line_add(buf, sizeof(buf), &off, qtype_names[i], st->qtype[i]);
	log_info("stats: qtypes%s", buf);
	off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < st->nview_names; i++)
		line_add(buf, sizeof(buf), &off, st->view_name[i], st->view[i]);
	if (st->view[STATS_MAX_VIEWS] > 0)
		line_add(buf, sizeof(buf), &off, "other",
		    st->view[STATS_MAX_VIEWS]);
	log_info("stats: views%s", off > 0 ? buf : " none");
	log_info("stats: nodata=%" PRIu64 " dropped=%" PRIu64 " truncated=%"
	    PRIu64 " no_additional=%" PRIu64 " transfers=%" PRIu64
	    " reloads_ok=%" PRIu64 " reloads_failed=%" PRIu64
	    " rrl_dropped=%" PRIu64 " rrl_slipped=%" PRIu64, st->nodata,
	    st->dropped, st->truncated, st->noadditional, st->transfers,
	    st->reloads_ok, st->reloads_failed, st->rrl_dropped,
	    st->rrl_slipped);
}

/* Appends one character-string "name=value"; false when it does not fit. */
static bool
txt_add(uint8_t *buf, size_t len, size_t *off, const char *name, uint64_t v)
{
	char s[64];
	int n = snprintf(s, sizeof(s), "%s=%" PRIu64, name, v);
	if (n <= 0 || (size_t)n >= sizeof(s) || *off + 1 + (size_t)n > len)
		return false;
	buf[*off] = (uint8_t)n;
	memcpy(buf + *off + 1, s, (size_t)n);
	*off += 1 + (size_t)n;
	return true;
}

size_t
stats_chaos_txt(const struct stats *st, uint8_t *buf, size_t len)
{
	static const char *const lower[STATS_RC_COUNT] = {
		"noerror", "formerr", "servfail", "nxdomain", "notimp",
		"refused", "notauth", "badvers", "other"
	};
	struct stats sum;
	size_t off = 0;

	if (st->group != NULL) {
		stats_sum(&sum, st->group);
		st = &sum;
	}
	bool ok = txt_add(buf, len, &off, "queries",
	    stats_total(st->queries, 2)) &&
	    txt_add(buf, len, &off, "udp", st->queries[DNS_UDP]) &&
	    txt_add(buf, len, &off, "tcp", st->queries[DNS_TCP]);
	for (size_t i = 0; ok && i < STATS_RC_COUNT; i++)
		ok = txt_add(buf, len, &off, lower[i], st->rcode[i]);
	ok = ok && txt_add(buf, len, &off, "nodata", st->nodata) &&
	    txt_add(buf, len, &off, "dropped", st->dropped) &&
	    txt_add(buf, len, &off, "truncated", st->truncated) &&
	    txt_add(buf, len, &off, "transfers", st->transfers) &&
	    txt_add(buf, len, &off, "reloads", st->reloads_ok) &&
	    txt_add(buf, len, &off, "uptime",
	    (uint64_t)(time(NULL) - st->start_time));
	return ok ? off : 0;
}
