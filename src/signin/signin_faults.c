/* signin_faults.c -- the classic faults of a sign-in run, as messages. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signin/signin.h"

/* Adds a message to a list once: the same fault seen twice says it once. */
static void
addmsg(struct signin *lk, struct signin_msg *list, int *n,
    enum signin_fault kind, int service, const char *name, const char *fmt,
    va_list ap)
{
	if (*n >= SIGNIN_MAX_MSGS)
		return;
	char *s;
	if (vasprintf(&s, fmt, ap) == -1) {
		lk->oom = 1;
		return;
	}
	for (int i = 0; i < *n; i++) {
		if (strcmp(list[i].text, s) == 0) {
			free(s);
			return;
		}
	}
	struct signin_msg *m = &list[(*n)++];
	m->kind = kind;
	m->service = service;
	snprintf(m->name, sizeof(m->name), "%s", name != NULL ? name : "");
	m->text = s;
}

void
signin_warn(struct signin *lk, enum signin_fault kind, int service,
    const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	addmsg(lk, lk->warn, &lk->nwarn, kind, service, name, fmt, ap);
	va_end(ap);
}

void
signin_note(struct signin *lk, enum signin_fault kind, int service,
    const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	addmsg(lk, lk->note, &lk->nnote, kind, service, name, fmt, ap);
	va_end(ap);
}

/* Queries that failed, one warning per kind. */
static const struct failure {
	enum signin_qstate state;
	int rcode;	/* -1: any but NOERROR, NXDOMAIN and the above */
	const char *what;
	const char *why;
} fails[] = {
	{ SIGNIN_Q_NOREPLY, 0, "no reply", "timeout or network error" },
	{ SIGNIN_Q_SKIPPED, 0, "not asked", "the server did not answer "
	    "several queries in a row" },
	{ SIGNIN_Q_REPLY, LDNS_RCODE_SERVFAIL, "SERVFAIL", "the server failed to "
	    "answer: a zone that did not load?" },
	{ SIGNIN_Q_REPLY, LDNS_RCODE_REFUSED, "REFUSED", "the server does not serve "
	    "this name" },
	{ SIGNIN_Q_REPLY, -1, "error rcode", "the server rejected the query" },
};
#define NFAILS	(sizeof(fails) / sizeof(fails[0]))

static int
failure_is(const struct failure *f, const struct signin_query *q)
{
	if (q->state != f->state)
		return 0;
	if (q->state != SIGNIN_Q_REPLY)
		return 1;
	if (f->rcode >= 0)
		return (int)q->rcode == f->rcode;
	return q->rcode != LDNS_RCODE_NOERROR &&
	    q->rcode != LDNS_RCODE_NXDOMAIN &&
	    q->rcode != LDNS_RCODE_SERVFAIL && q->rcode != LDNS_RCODE_REFUSED;
}

static void
check_failures(struct signin *lk, const struct failure *f)
{
	const struct signin_query *first = NULL, *last = NULL;
	int n = 0;

	for (int i = 0; i < lk->nq; i++) {
		if (!failure_is(f, &lk->q[i]))
			continue;
		if (n++ == 0)
			first = &lk->q[i];
		last = &lk->q[i];
	}
	if (n == 1 && f->rcode == -1)
		signin_warn(lk, SIGNIN_F_QUERY, -1, first->name,
		    "%s %s: %s (%s)", first->name,
		    signin_type_name(first->type), signin_rcode_name(first),
		    f->why);
	else if (n == 1)
		signin_warn(lk, SIGNIN_F_QUERY, -1, first->name,
		    "%s %s: %s (%s%s%s)", first->name,
		    signin_type_name(first->type), f->what, f->why,
		    first->error ? ": " : "", first->error ? first->error : "");
	else if (n > 1)
		signin_warn(lk, SIGNIN_F_QUERY, -1, first->name,
		    "%s for %d queries, %s %s to %s %s (%s)",
		    f->what, n, first->name, signin_type_name(first->type),
		    last->name, signin_type_name(last->type), f->why);
}

/* Records of TTL 0 anywhere in the answers. */
static void
check_ttl0(struct signin *lk)
{
	for (int i = 0; i < lk->nq; i++) {
		const struct signin_query *q = &lk->q[i];

		if (q->answer == NULL)
			continue;
		for (size_t j = 0; j < ldns_rr_list_rr_count(q->answer); j++) {
			const ldns_rr *rr = ldns_rr_list_rr(q->answer, j);
			char name[LOOKUP_NAME_MAX];

			if (ldns_rr_ttl(rr) != 0)
				continue;
			signin_rdf_name(ldns_rr_owner(rr), name, sizeof(name));
			signin_warn(lk, SIGNIN_F_TTL0, -1, name,
			    "%s %s has TTL 0: nothing can cache it",
			    name, signin_type_name(ldns_rr_get_type(rr)));
		}
	}
}

/*
 * An SRV record on the default port of another service, not its own
 * (the external TLS service on the federation port, say): the records
 * were crossed.
 */
static void
check_port(struct signin *lk, size_t s, const char *owner, const ldns_rr *rr)
{
	uint16_t port = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
	char others[OCS_NSERVICES * 32];
	size_t len = 0;

	if (port == ocs_services[s].port)
		return;
	others[0] = '\0';
	for (size_t o = 0; o < OCS_NSERVICES; o++)
		if (o != s && ocs_services[o].port == port &&
		    len < sizeof(others))
			len += (size_t)snprintf(others + len,
			    sizeof(others) - len, "%s%s", len ? " and " : "",
			    ocs_services[o].owner);
	if (len == 0)
		return;
	signin_warn(lk, SIGNIN_F_PORT, (int)s, owner, "%s: SRV port %u is "
	    "the port of %s, not of %s (%u): records crossed?", owner,
	    (unsigned)port, others, ocs_services[s].owner,
	    (unsigned)ocs_services[s].port);
}

/* The name servers of the domain that have no address. */
static void
check_ns(struct signin *lk)
{
	for (int i = 0; i < lk->nns; i++) {
		const struct signin_target *t = &lk->ns[i];
		ldns_pkt_rcode a = lk->q[t->qa].rcode, aaaa = lk->q[t->qaaaa].rcode;

		if (t->naddr > 0 || !t->replied || a == LDNS_RCODE_SERVFAIL ||
		    a == LDNS_RCODE_REFUSED || aaaa == LDNS_RCODE_SERVFAIL ||
		    aaaa == LDNS_RCODE_REFUSED)
			continue;	/* an address, or not known here */
		signin_warn(lk, SIGNIN_F_NS_NOADDR, -1, t->name,
		    "%s NS %s has no A or AAAA record: a resolver that primes "
		    "the zone gets no address for it and may fail every query",
		    lk->domain, t->name);
	}
}

/* The classic faults, as warnings and notes. */
void
signin_faults(struct signin *lk)
{
	char pools[4][LOOKUP_NAME_MAX];
	int npool = 0, internal = 0;

	for (size_t k = 0; k < NFAILS; k++)
		check_failures(lk, &fails[k]);
	check_ttl0(lk);
	for (size_t s = 0; s < OCS_NSERVICES; s++) {
		const char *owner = lk->q[lk->srvq[s]].name;
		const ldns_rr *srv[SIGNIN_MAX_SRV];
		int n = signin_srv_records(lk, lk->srvq[s], srv);

		if (n > 0 && ocs_services[s].internal)
			internal = 1;
		for (int i = 0; i < n; i++) {
			char name[LOOKUP_NAME_MAX];
			int seen = 0;

			signin_srv_target(srv[i], name, sizeof(name));
			if (strcmp(name, ".") == 0)
				continue;
			check_port(lk, s, owner, srv[i]);
			if (!lookup_name_in_domain(name, lk->domain))
				signin_warn(lk, SIGNIN_F_OUTSIDE, (int)s,
				    name, "%s: target %s is outside the "
				    "SIP domain %s (strict domain matching: "
				    "the client will not use it)", owner, name,
				    lk->domain);
			if (!ocs_services[s].internal)
				continue;
			for (int k = 0; k < npool; k++)
				seen |= strcmp(pools[k], name) == 0;
			if (!seen && npool < 4)
				snprintf(pools[npool++], sizeof(pools[0]),
				    "%s", name);
		}
	}
	for (int i = 0; i < lk->nt; i++) {
		const struct signin_target *t = &lk->t[i];
		size_t meant = signin_repeats_domain(t->name, lk->domain);

		/* The repeated domain is the fault, the lack of address its. */
		if (meant > 0)
			signin_warn(lk, SIGNIN_F_REPEAT, -1, t->name,
			    "SRV target %s repeats the domain %s%s: a name "
			    "without its trailing dot in a zone file? "
			    "(%.*s. was meant)", t->name, lk->domain,
			    t->naddr == 0 ? " and has no address" : "",
			    (int)meant, t->name);
		else if (t->naddr == 0 && t->replied &&
		    lk->q[t->qa].rcode != LDNS_RCODE_SERVFAIL &&
		    lk->q[t->qa].rcode != LDNS_RCODE_REFUSED)
			signin_warn(lk, SIGNIN_F_NOADDR, -1, t->name,
			    "SRV target %s has no A or AAAA record",
			    t->name);
		if (t->cname)
			signin_warn(lk, SIGNIN_F_CNAME, -1, t->name,
			    "SRV target %s is an alias (CNAME); "
			    "RFC 2782 wants the host name itself", t->name);
	}
	if (npool > 1)
		signin_warn(lk, SIGNIN_F_POOLS, -1, lk->domain,
		    "%s: the internal SRV records name %d hosts "
		    "(%s, %s%s): only one pool per SIP domain should be the "
		    "sign-in target", lk->domain, npool, pools[0], pools[1],
		    npool > 2 ? ", ..." : "");
	for (size_t s = 0; s < OCS_NSERVICES; s++)
		if (lk->unusable & (1u << s))
			signin_warn(lk, SIGNIN_F_UNUSABLE, (int)s,
			    lk->q[lk->srvq[s]].name, "%s: no target is usable "
			    "(outside the domain or without an address); the "
			    "client tries "
			    "the next record", lk->q[lk->srvq[s]].name);
	check_ns(lk);
	if (internal)
		signin_note(lk, SIGNIN_F_INTERNAL, -1, lk->domain,
		    "internal SRV records are visible from this "
		    "source");
}
