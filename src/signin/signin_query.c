/* signin_query.c -- the DNS queries Communicator makes at sign-in. */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signin/signin.h"

/* Sends one query and records it; returns its index. */
static int
ask(struct signin *lk, const char *name, ldns_rr_type type)
{
	if (lk->nq >= SIGNIN_MAX_QUERIES)
		return SIGNIN_MAX_QUERIES - 1;	/* cannot happen: 5 + 32 + 3 */
	struct signin_query *q = &lk->q[lk->nq];
	memset(q, 0, sizeof(*q));
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->type = type;
	if (lk->noreply_run >= SIGNIN_NOREPLY_LIMIT) {
		q->state = SIGNIN_Q_SKIPPED;
		return lk->nq++;
	}
	const char *error = NULL;
	ldns_pkt *pkt = lk->send(lk->send_arg, name, type, &q->ms, &error);
	if (pkt == NULL) {
		q->state = SIGNIN_Q_NOREPLY;
		q->error = error != NULL ? error : "no reply";
		lk->noreply_run++;
		return lk->nq++;
	}
	lk->noreply_run = 0;
	q->state = SIGNIN_Q_REPLY;
	q->rcode = ldns_pkt_get_rcode(pkt);
	/* The answer section taken from the packet, not copied. */
	if (ldns_pkt_ancount(pkt) > 0) {
		q->answer = ldns_pkt_answer(pkt);
		ldns_pkt_set_answer(pkt, NULL);
	}
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
signin_srv_records(const struct signin *lk, int qi, const ldns_rr **out)
{
	const struct signin_query *q = &lk->q[qi];
	int n = 0;

	if (q->state != SIGNIN_Q_REPLY || q->answer == NULL)
		return 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(q->answer) && n < SIGNIN_MAX_SRV;
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
signin_srv_target(const ldns_rr *rr, char *out, size_t outsz)
{
	signin_rdf_name(ldns_rr_rdf(rr, 3), out, outsz);
}

/* Adds the A/AAAA (and CNAME) answers of query QI to T. */
static void
collect_addrs(struct signin *lk, struct signin_target *t, int qi)
{
	const struct signin_query *q = &lk->q[qi];

	if (q->state != SIGNIN_Q_REPLY)
		t->replied = 0;
	if (q->state != SIGNIN_Q_REPLY || q->answer == NULL)
		return;
	for (size_t i = 0; i < ldns_rr_list_rr_count(q->answer); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(q->answer, i);
		ldns_rr_type type = ldns_rr_get_type(rr);

		if (type == LDNS_RR_TYPE_CNAME)
			t->cname = 1;
		if ((type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA) ||
		    ldns_rr_rd_count(rr) != 1 || t->naddr >= SIGNIN_MAX_ADDRS)
			continue;
		/* inet_ntop() is the text ldns_rdf2str() gives, without malloc. */
		const ldns_rdf *rd = ldns_rr_rdf(rr, 0);
		int af = type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
		if (ldns_rdf_size(rd) != (af == AF_INET ? 4u : 16u) ||
		    inet_ntop(af, ldns_rdf_data(rd), t->addr[t->naddr],
		    SIGNIN_ADDR_LEN) == NULL)
			continue;
		t->naddr++;
	}
}

const struct signin_target *
signin_find_target(const struct signin *lk, const char *name)
{
	for (int i = 0; i < lk->nt; i++)
		if (strcmp(lk->t[i].name, name) == 0)
			return &lk->t[i];
	return NULL;
}

/* The SRV queries, then A and AAAA of every distinct target. */
void
signin_query_srv(struct signin *lk)
{
	char name[LOOKUP_NAME_MAX];

	for (size_t s = 0; s < OCS_NSERVICES; s++) {
		snprintf(name, sizeof(name), "%s.%s", ocs_services[s].owner,
		    lk->domain);
		lk->srvq[s] = ask(lk, name, LDNS_RR_TYPE_SRV);
	}
	for (size_t s = 0; s < OCS_NSERVICES; s++) {
		const ldns_rr *srv[SIGNIN_MAX_SRV];
		int n = signin_srv_records(lk, lk->srvq[s], srv);

		for (int i = 0; i < n; i++) {
			signin_srv_target(srv[i], name, sizeof(name));
			if (strcmp(name, ".") == 0 ||
			    signin_find_target(lk, name))
				continue;
			if (lk->nt >= SIGNIN_MAX_TARGETS) {
				signin_warn(lk, SIGNIN_F_TOO_MANY, (int)s, name,
				    "more than %d SRV targets: %s "
				    "and the rest were not resolved",
				    SIGNIN_MAX_TARGETS, name);
				break;
			}
			struct signin_target *t = &lk->t[lk->nt++];
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
signin_query_fallback(struct signin *lk)
{
	for (size_t f = 0; f < OCS_NFALLBACKS; f++) {
		struct signin_target *t = &lk->fb[f];

		memset(t, 0, sizeof(*t));
		snprintf(t->name, sizeof(t->name), "%s.%s",
		    ocs_fallbacks[f].label, lk->domain);
		t->replied = 1;
		t->qaaaa = -1;
		t->qa = ask(lk, t->name, LDNS_RR_TYPE_A);
		collect_addrs(lk, t, t->qa);
	}
}

/*
 * The NS records of the domain, then A and AAAA of each name: a resolver
 * in front of the server primes the zone with them, and fails every query
 * when none of them has an address.
 */
void
signin_query_ns(struct signin *lk)
{
	lk->nsq = ask(lk, lk->domain, LDNS_RR_TYPE_NS);
	const struct signin_query *q = &lk->q[lk->nsq];
	if (q->state != SIGNIN_Q_REPLY || q->answer == NULL)
		return;
	for (size_t i = 0; i < ldns_rr_list_rr_count(q->answer) &&
	    lk->nns < SIGNIN_MAX_NS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(q->answer, i);
		char name[LOOKUP_NAME_MAX];

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    ldns_rr_rd_count(rr) != 1)
			continue;
		signin_rdf_name(ldns_rr_rdf(rr, 0), name, sizeof(name));
		bool seen = false;
		for (int k = 0; k < lk->nns && !seen; k++)
			seen = strcmp(lk->ns[k].name, name) == 0;
		if (seen)
			continue;
		struct signin_target *t = &lk->ns[lk->nns++];
		memset(t, 0, sizeof(*t));
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->replied = 1;
		t->qa = ask(lk, name, LDNS_RR_TYPE_A);
		t->qaaaa = ask(lk, name, LDNS_RR_TYPE_AAAA);
		collect_addrs(lk, t, t->qa);
		collect_addrs(lk, t, t->qaaaa);
	}
}

/*
 * Where name repeats domain at its end ("pool01.contoso.com.contoso.com":
 * a zone file's name without its trailing dot, completed with the origin),
 * the length of the name that was meant (its start); 0 when it does not.
 */
size_t
signin_repeats_domain(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	if (d == 0 || n < 2 * d + 1)
		return 0;
	const char *tail = name + n - d, *mid = tail - 1 - d;
	if (tail[-1] != '.' || strcasecmp(tail, domain) != 0 ||
	    strncasecmp(mid, domain, d) != 0 || (mid != name && mid[-1] != '.'))
		return 0;
	return n - d - 1;
}

/* --- presentation ------------------------------------------------------- */

static bool
plain_name(const ldns_rdf *rdf, char *out, size_t outsz)
{
	const uint8_t *p = ldns_rdf_data(rdf);
	size_t len = ldns_rdf_size(rdf), o = 0;

	if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || len == 0 ||
	    outsz == 0)
		return false;
	if (len == 1 && p[0] == 0) {		/* the root: "." */
		snprintf(out, outsz, "%s", ".");
		return true;
	}
	for (size_t i = 0; i < len && p[i] != 0; ) {
		size_t lab = p[i++];
		if (lab > 63 || i + lab > len)
			return false;
		if (o != 0 && o + 1 < outsz)
			out[o++] = '.';
		for (size_t k = 0; k < lab; k++, i++) {
			int ch = p[i];
			if (ch >= 'A' && ch <= 'Z')
				ch += 32;
			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			    ch == '-' || ch == '_' || ch == '*'))
				return false;
			if (o + 1 >= outsz)
				return false;
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
	return true;
}

/* A presentation string of an rdf without its trailing dot, lower case. */
void
signin_rdf_name(const ldns_rdf *rdf, char *out, size_t outsz)
{
	/*
	 * Plain names (letters, digits, '-', '_', '*') straight from the
	 * wire: ldns_rdf2str() was a sixth of -t's time on a large file.
	 * Anything that needs an escape takes ldns's printer.
	 */
	if (plain_name(rdf, out, outsz))
		return;
	char *s = ldns_rdf2str(rdf);

	if (s == NULL) {		/* out of memory: an empty name */
		snprintf(out, outsz, "%s", "");
		return;
	}
	size_t len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[--len] = '\0';
	for (char *p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	snprintf(out, outsz, "%s", s);
	free(s);
}

const char *
signin_type_name(ldns_rr_type type)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	return d != NULL && d->_name != NULL ? d->_name : "TYPE?";
}

const char *
signin_rcode_name(const struct signin_query *q)
{
	if (q->state == SIGNIN_Q_NOREPLY)
		return "TIMEOUT";
	if (q->state == SIGNIN_Q_SKIPPED)
		return "SKIPPED";
	const ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes,
	    (int)q->rcode);
	return lt != NULL ? lt->name : "RCODE?";
}

/* --- the sequence ------------------------------------------------------- */

void
signin_run(struct signin *lk)
{
	signin_query_srv(lk);
	signin_verdict_srv(lk);
	if (!lk->ok) {
		signin_query_fallback(lk);
		signin_verdict_fallback(lk);
	}
	signin_query_ns(lk);
	signin_faults(lk);
	if (!lk->ok)
		signin_verdict_none(lk);
}

void
signin_clear(struct signin *lk)
{
	for (int i = 0; i < lk->nq; i++) {
		if (lk->q[i].answer != NULL)
			ldns_rr_list_deep_free(lk->q[i].answer);
		lk->q[i].answer = NULL;
	}
	for (int i = 0; i < lk->nwarn; i++)
		free(lk->warn[i].text);
	for (int i = 0; i < lk->nnote; i++)
		free(lk->note[i].text);
	lk->nq = lk->nwarn = lk->nnote = 0;
}
