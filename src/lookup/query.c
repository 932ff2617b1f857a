/* query.c -- ocsdns-lookup: the DNS queries Communicator makes at sign-in. */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookup.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Sends one query and records it; returns its index. */
static int
ask(struct lookup *lk, const char *name, ldns_rr_type type)
{
	if (lk->nq >= MAX_QUERIES)
		errx(EXIT_USAGE, "too many queries");
	struct lquery *q = &lk->q[lk->nq];
	memset(q, 0, sizeof(*q));
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->type = type;
	if (lk->noreply_run >= NOREPLY_LIMIT) {
		q->state = Q_SKIPPED;
		return lk->nq++;
	}
	char fqdn[LOOKUP_NAME_MAX + 1];
	snprintf(fqdn, sizeof(fqdn), "%s.", name);
	ldns_rdf *dname = ldns_dname_new_frm_str(fqdn);
	if (dname == NULL)
		errx(EXIT_USAGE, "%s: not a domain name", name);
	/* A server that failed once is not written off for the next query. */
	for (size_t i = 0; i < ldns_resolver_nameserver_count(lk->res); i++)
		ldns_resolver_set_nameserver_rtt(lk->res, i,
		    LDNS_RESOLV_RTT_MIN);
	ldns_pkt *pkt = NULL;
	double t0 = now_ms();
	ldns_status st = ldns_resolver_send(&pkt, lk->res, dname, type,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	q->ms = now_ms() - t0;
	ldns_rdf_deep_free(dname);
	if (st != LDNS_STATUS_OK || pkt == NULL) {
		q->state = Q_NOREPLY;
		q->error = ldns_get_errorstr_by_id(st);
		if (q->error == NULL)
			q->error = "no reply";
		lk->noreply_run++;
		if (pkt != NULL)
			ldns_pkt_free(pkt);
		return lk->nq++;
	}
	lk->noreply_run = 0;
	q->state = Q_REPLY;
	q->rcode = ldns_pkt_get_rcode(pkt);
	if (ldns_pkt_ancount(pkt) > 0)
		q->answer = ldns_rr_list_clone(ldns_pkt_answer(pkt));
	ldns_pkt_free(pkt);
	return lk->nq++;
}

static int
srv_cmp(const void *a, const void *b)
{
	const ldns_rr *ra = *(const ldns_rr * const *)a;
	const ldns_rr *rb = *(const ldns_rr * const *)b;
	uint16_t pa = ldns_rdf2native_int16(ldns_rr_rdf(ra, 0));
	uint16_t pb = ldns_rdf2native_int16(ldns_rr_rdf(rb, 0));
	uint16_t wa = ldns_rdf2native_int16(ldns_rr_rdf(ra, 1));
	uint16_t wb = ldns_rdf2native_int16(ldns_rr_rdf(rb, 1));

	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (wa != wb)
		return wa > wb ? -1 : 1;	/* the heavier first */
	return 0;
}

/*
 * The SRV records of query QI, best first (lowest priority, then highest
 * weight: the deterministic reading of RFC 2782's weighted choice).
 */
int
query_srv_records(const struct lookup *lk, int qi, const ldns_rr **out)
{
	const struct lquery *q = &lk->q[qi];
	int n = 0;

	if (q->state != Q_REPLY || q->answer == NULL)
		return 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(q->answer) && n < MAX_SRV;
	    i++) {
		const ldns_rr *rr = ldns_rr_list_rr(q->answer, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SRV &&
		    ldns_rr_rd_count(rr) == 4)
			out[n++] = rr;
	}
	qsort(out, (size_t)n, sizeof(*out), srv_cmp);
	return n;
}

void
query_srv_target(const ldns_rr *rr, char *out, size_t outsz)
{
	print_rdf_name(ldns_rr_rdf(rr, 3), out, outsz);
}

/* Adds the A/AAAA (and CNAME) answers of query QI to T. */
static void
collect_addrs(struct lookup *lk, struct target *t, int qi)
{
	const struct lquery *q = &lk->q[qi];

	if (q->state != Q_REPLY)
		t->replied = 0;
	if (q->state != Q_REPLY || q->answer == NULL)
		return;
	for (size_t i = 0; i < ldns_rr_list_rr_count(q->answer); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(q->answer, i);
		ldns_rr_type type = ldns_rr_get_type(rr);

		if (type == LDNS_RR_TYPE_CNAME)
			t->cname = 1;
		if ((type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA) ||
		    ldns_rr_rd_count(rr) != 1 || t->naddr >= MAX_ADDRS)
			continue;
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		if (s == NULL)
			err(EXIT_USAGE, "ldns_rdf2str");
		snprintf(t->addr[t->naddr++], ADDR_LEN, "%s", s);
		free(s);
	}
}

const struct target *
query_find_target(const struct lookup *lk, const char *name)
{
	for (int i = 0; i < lk->nt; i++)
		if (strcmp(lk->t[i].name, name) == 0)
			return &lk->t[i];
	return NULL;
}

/* The SRV queries, then A and AAAA of every distinct target. */
void
query_srv(struct lookup *lk)
{
	char name[LOOKUP_NAME_MAX];

	for (size_t s = 0; s < OCS_NSERVICES; s++) {
		snprintf(name, sizeof(name), "%s.%s", ocs_services[s].owner,
		    lk->domain);
		lk->srvq[s] = ask(lk, name, LDNS_RR_TYPE_SRV);
	}
	for (size_t s = 0; s < OCS_NSERVICES; s++) {
		const ldns_rr *srv[MAX_SRV];
		int n = query_srv_records(lk, lk->srvq[s], srv);

		for (int i = 0; i < n; i++) {
			query_srv_target(srv[i], name, sizeof(name));
			if (strcmp(name, ".") == 0 ||
			    query_find_target(lk, name))
				continue;
			if (lk->nt >= MAX_TARGETS) {
				faults_warn(lk, "more than %d SRV targets: %s "
				    "and the rest were not resolved",
				    MAX_TARGETS, name);
				break;
			}
			struct target *t = &lk->t[lk->nt++];
			memset(t, 0, sizeof(*t));
			snprintf(t->name, sizeof(t->name), "%s", name);
			t->replied = 1;
			t->qa = ask(lk, name, LDNS_RR_TYPE_A);
			t->qaaaa = ask(lk, name, LDNS_RR_TYPE_AAAA);
			collect_addrs(lk, t, t->qa);
			collect_addrs(lk, t, t->qaaaa);
		}
	}
}

/* No SRV record gives a usable target: the A of every fallback name. */
void
query_fallback(struct lookup *lk)
{
	for (size_t f = 0; f < OCS_NFALLBACKS; f++) {
		struct target *t = &lk->fb[f];

		memset(t, 0, sizeof(*t));
		snprintf(t->name, sizeof(t->name), "%s.%s",
		    ocs_fallbacks[f].label, lk->domain);
		t->replied = 1;
		t->qaaaa = -1;
		t->qa = ask(lk, t->name, LDNS_RR_TYPE_A);
		collect_addrs(lk, t, t->qa);
	}
}
