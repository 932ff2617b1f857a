/* lookup.c -- ocsdns-lookup: Communicator's sign-in DNS lookups, verdict. */
#include <arpa/inet.h>
#include <err.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <ldns/ldns.h>

#include "lookup_util.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"unknown"
#endif

#define MAX_QUERIES	64
#define MAX_TARGETS	16	/* distinct SRV targets resolved */
#define MAX_ADDRS	16	/* addresses kept per name */
#define MAX_MSGS	64	/* warnings, notes */
#define MAX_SRV		32	/* SRV records looked at per query */
#define NOREPLY_LIMIT	3	/* unanswered queries in a row before giving up */
#define ADDR_LEN	64

#define EXIT_SIGNIN	0
#define EXIT_NOSIGNIN	1
#define EXIT_USAGE	2

/* The SRV records, in the order the client asks for them. */
static const struct service {
	const char	*prefix;
	const char	*transport;
	int		 internal;	/* names the internal pool */
	int		 signin;	/* used for sign-in (not federation) */
} services[] = {
	{ "_sipinternaltls._tcp", "TLS", 1, 1 },
	{ "_sipinternal._tcp", "TCP", 1, 1 },
	{ "_sip._tls", "TLS", 0, 1 },
	{ "_sip._tcp", "TCP", 0, 1 },
	{ "_sipfederationtls._tcp", "TLS", 0, 0 },
};
#define NSERVICES	(sizeof(services) / sizeof(services[0]))

/* The A names tried when no SRV record gives a usable target. */
static const struct fallback {
	const char	*label;
	uint16_t	 port;
} fallbacks[] = {
	{ "sipinternal", 5061 },
	{ "sip", 5061 },
	{ "sipexternal", 443 },
};
#define NFALLBACKS	(sizeof(fallbacks) / sizeof(fallbacks[0]))

enum qstate { Q_REPLY, Q_NOREPLY, Q_SKIPPED };

struct lquery {
	char		 name[LOOKUP_NAME_MAX];	/* no trailing dot */
	ldns_rr_type	 type;
	enum qstate	 state;
	ldns_pkt_rcode	 rcode;
	double		 ms;
	ldns_rr_list	*answer;	/* the answer section (owned), or NULL */
	const char	*error;		/* why there was no reply */
};

/* A host name and what its A/AAAA queries gave. */
struct target {
	char		 name[LOOKUP_NAME_MAX];	/* lower case, no trailing dot */
	int		 qa, qaaaa;	/* query indexes, -1 when not asked */
	int		 replied;	/* every query of it got a reply */
	int		 cname;		/* the name is an alias */
	int		 naddr;
	char		 addr[MAX_ADDRS][ADDR_LEN];
};

struct lookup {
	ldns_resolver	*res;
	const char	*domain;
	struct lquery	 q[MAX_QUERIES];
	int		 nq;
	int		 noreply_run;
	int		 srvq[NSERVICES];
	struct target	 t[MAX_TARGETS];
	int		 nt;
	struct target	 fb[NFALLBACKS];
	unsigned	 unusable;	/* services whose SRV records were no use */
	char		*warn[MAX_MSGS];
	int		 nwarn;
	char		*note[MAX_MSGS];
	int		 nnote;

	/* The verdict. */
	int		 ok;
	const struct target *via;	/* the host the client connects to */
	char		 record[LOOKUP_NAME_MAX + 8];	/* what pointed at it */
	uint16_t	 port;
	const char	*transport;
	char		 verdict[LOOKUP_NAME_MAX * 2 + 16 * ADDR_LEN];
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ocsdns-lookup [-hV] [--json] [-s server[:port]] [-b source]\n"
	    "                     [-t timeout] user@domain | domain\n"
	    "  -s server[:port]  ask this server (default: the system resolver);\n"
	    "                    127.0.0.1:5300, [::1]:5300, ns1.example\n"
	    "  -b source         send the queries from this local address\n"
	    "  -t timeout        seconds to wait for each reply (default 2)\n"
	    "  -j, --json        print one JSON object instead of the table\n"
	    "  -V                print the version and exit\n"
	    "  -h                print this help and exit\n");
}

static void
addmsg(char **list, int *n, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (*n >= MAX_MSGS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		err(EXIT_USAGE, "vasprintf");
	va_end(ap);
	for (int i = 0; i < *n; i++) {
		if (strcmp(list[i], s) == 0) {
			free(s);
			return;
		}
	}
	list[(*n)++] = s;
}

#define warnmsg(lk, ...)	addmsg((lk)->warn, &(lk)->nwarn, __VA_ARGS__)
#define notemsg(lk, ...)	addmsg((lk)->note, &(lk)->nnote, __VA_ARGS__)

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A presentation string of an rdf without its trailing dot, lower case. */
static void
rdf_name(const ldns_rdf *rdf, char *out, size_t outsz)
{
	char	*s = ldns_rdf2str(rdf);
	size_t	 len;

	if (s == NULL)
		err(EXIT_USAGE, "ldns_rdf2str");
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[--len] = '\0';
	for (char *p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	snprintf(out, outsz, "%s", s);
	free(s);
}

/* The rdata of RR in presentation format; the caller frees it. */
static char *
rr_data(const ldns_rr *rr)
{
	char	*out = NULL, *s;
	size_t	 len = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		if ((s = ldns_rdf2str(ldns_rr_rdf(rr, i))) == NULL)
			err(EXIT_USAGE, "ldns_rdf2str");
		if ((out = realloc(out, len + strlen(s) + 2)) == NULL)
			err(EXIT_USAGE, "realloc");
		len += (size_t)sprintf(out + len, "%s%s", len ? " " : "", s);
		free(s);
	}
	return out != NULL ? out : strdup("");
}

static const char *
type_name(ldns_rr_type type)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	return d != NULL && d->_name != NULL ? d->_name : "TYPE?";
}

static const char *
rcode_name(const struct lquery *q)
{
	const ldns_lookup_table *lt;

	if (q->state == Q_NOREPLY)
		return "TIMEOUT";
	if (q->state == Q_SKIPPED)
		return "SKIPPED";
	lt = ldns_lookup_by_id(ldns_rcodes, (int)q->rcode);
	return lt != NULL ? lt->name : "RCODE?";
}

/* Sends one query and records it; returns its index. */
static int
ask(struct lookup *lk, const char *name, ldns_rr_type type)
{
	struct lquery	*q;
	ldns_rdf	*dname;
	ldns_pkt	*pkt = NULL;
	ldns_status	 st;
	char		 fqdn[LOOKUP_NAME_MAX + 1];
	double		 t0;

	if (lk->nq >= MAX_QUERIES)
		errx(EXIT_USAGE, "too many queries");
	q = &lk->q[lk->nq];
	memset(q, 0, sizeof(*q));
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->type = type;
	if (lk->noreply_run >= NOREPLY_LIMIT) {
		q->state = Q_SKIPPED;
		return lk->nq++;
	}
	snprintf(fqdn, sizeof(fqdn), "%s.", name);
	if ((dname = ldns_dname_new_frm_str(fqdn)) == NULL)
		errx(EXIT_USAGE, "%s: not a domain name", name);
	/* A server that failed once is not written off for the next query. */
	for (size_t i = 0; i < ldns_resolver_nameserver_count(lk->res); i++)
		ldns_resolver_set_nameserver_rtt(lk->res, i,
		    LDNS_RESOLV_RTT_MIN);
	t0 = now_ms();
	st = ldns_resolver_send(&pkt, lk->res, dname, type, LDNS_RR_CLASS_IN,
	    LDNS_RD);
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
	const ldns_rr	*ra = *(const ldns_rr * const *)a;
	const ldns_rr	*rb = *(const ldns_rr * const *)b;
	uint16_t	 pa = ldns_rdf2native_int16(ldns_rr_rdf(ra, 0));
	uint16_t	 pb = ldns_rdf2native_int16(ldns_rr_rdf(rb, 0));
	uint16_t	 wa = ldns_rdf2native_int16(ldns_rr_rdf(ra, 1));
	uint16_t	 wb = ldns_rdf2native_int16(ldns_rr_rdf(rb, 1));

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
static int
srv_records(const struct lookup *lk, int qi, const ldns_rr **out)
{
	const struct lquery *q = &lk->q[qi];
	int	 n = 0;

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

static void
srv_target(const ldns_rr *rr, char *out, size_t outsz)
{
	rdf_name(ldns_rr_rdf(rr, 3), out, outsz);
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
		char *s;

		if (type == LDNS_RR_TYPE_CNAME)
			t->cname = 1;
		if ((type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA) ||
		    ldns_rr_rd_count(rr) != 1 || t->naddr >= MAX_ADDRS)
			continue;
		if ((s = ldns_rdf2str(ldns_rr_rdf(rr, 0))) == NULL)
			err(EXIT_USAGE, "ldns_rdf2str");
		snprintf(t->addr[t->naddr++], ADDR_LEN, "%s", s);
		free(s);
	}
}

static struct target *
find_target(struct lookup *lk, const char *name)
{
	for (int i = 0; i < lk->nt; i++)
		if (strcmp(lk->t[i].name, name) == 0)
			return &lk->t[i];
	return NULL;
}

/* The SRV queries, then A and AAAA of every distinct target. */
static void
lookup_srv(struct lookup *lk)
{
	const ldns_rr	*srv[MAX_SRV];
	char		 name[LOOKUP_NAME_MAX];
	int		 n;

	for (size_t s = 0; s < NSERVICES; s++) {
		snprintf(name, sizeof(name), "%s.%s", services[s].prefix,
		    lk->domain);
		lk->srvq[s] = ask(lk, name, LDNS_RR_TYPE_SRV);
	}
	for (size_t s = 0; s < NSERVICES; s++) {
		n = srv_records(lk, lk->srvq[s], srv);
		for (int i = 0; i < n; i++) {
			struct target *t;

			srv_target(srv[i], name, sizeof(name));
			if (strcmp(name, ".") == 0 || find_target(lk, name))
				continue;
			if (lk->nt >= MAX_TARGETS) {
				warnmsg(lk, "more than %d SRV targets: %s and "
				    "the rest were not resolved", MAX_TARGETS,
				    name);
				break;
			}
			t = &lk->t[lk->nt++];
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

static void
set_verdict(struct lookup *lk, const struct target *t, uint16_t port,
    const char *transport, const char *record, int fallback)
{
	size_t	 len;

	lk->ok = 1;
	lk->via = t;
	lk->port = port;
	lk->transport = transport;
	snprintf(lk->record, sizeof(lk->record), "%s", record);
	len = (size_t)snprintf(lk->verdict, sizeof(lk->verdict),
	    "Communicator would connect to %s:%u over %s (", t->name,
	    (unsigned)port, transport);
	for (int i = 0; i < t->naddr && len < sizeof(lk->verdict); i++)
		len += (size_t)snprintf(lk->verdict + len,
		    sizeof(lk->verdict) - len, "%s%s", i ? ", " : "",
		    t->addr[i]);
	if (len < sizeof(lk->verdict))
		snprintf(lk->verdict + len, sizeof(lk->verdict) - len, ")%s",
		    fallback ? ", found by the fallback A name lookup (no "
		    "usable SRV record)" : "");
}

/* The first SRV record, in the client's order, whose target it would use. */
static void
choose_srv(struct lookup *lk)
{
	const ldns_rr	*srv[MAX_SRV];
	char		 name[LOOKUP_NAME_MAX];
	int		 n;

	for (size_t s = 0; s < NSERVICES && !lk->ok; s++) {
		const char *owner = lk->q[lk->srvq[s]].name;

		if (!services[s].signin)
			continue;
		if ((n = srv_records(lk, lk->srvq[s], srv)) == 0)
			continue;
		for (int i = 0; i < n; i++) {
			const struct target *t;

			srv_target(srv[i], name, sizeof(name));
			t = find_target(lk, name);
			if (t == NULL || t->naddr == 0 ||
			    !lookup_name_in_domain(name, lk->domain))
				continue;
			set_verdict(lk, t,
			    ldns_rdf2native_int16(ldns_rr_rdf(srv[i], 2)),
			    services[s].transport, owner, 0);
			return;
		}
		lk->unusable |= 1u << s;
	}
}

/* No SRV record gives a usable target: the fallback A names. */
static void
lookup_fallback(struct lookup *lk)
{
	char	 name[LOOKUP_NAME_MAX];

	for (size_t f = 0; f < NFALLBACKS; f++) {
		struct target *t = &lk->fb[f];

		memset(t, 0, sizeof(*t));
		snprintf(name, sizeof(name), "%s.%s", fallbacks[f].label,
		    lk->domain);
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->replied = 1;
		t->qaaaa = -1;
		t->qa = ask(lk, name, LDNS_RR_TYPE_A);
		collect_addrs(lk, t, t->qa);
	}
	for (size_t f = 0; f < NFALLBACKS; f++) {
		if (lk->fb[f].naddr > 0) {
			snprintf(name, sizeof(name), "%s A", lk->fb[f].name);
			set_verdict(lk, &lk->fb[f], fallbacks[f].port, "TLS",
			    name, 1);
			return;
		}
	}
}

/* Queries that failed, one warning per kind. */
static const struct failure {
	enum qstate	 state;
	int		 rcode;		/* -1: any but NOERROR, NXDOMAIN and the above */
	const char	*what;
	const char	*why;
} fails[] = {
	{ Q_NOREPLY, 0, "no reply", "timeout or network error" },
	{ Q_SKIPPED, 0, "not asked", "the server did not answer "
	    "several queries in a row" },
	{ Q_REPLY, LDNS_RCODE_SERVFAIL, "SERVFAIL", "the server failed to "
	    "answer: a zone that did not load?" },
	{ Q_REPLY, LDNS_RCODE_REFUSED, "REFUSED", "the server does not serve "
	    "this name" },
	{ Q_REPLY, -1, "error rcode", "the server rejected the query" },
};
#define NFAILS	(sizeof(fails) / sizeof(fails[0]))

static int
failure_is(const struct failure *f, const struct lquery *q)
{
	if (q->state != f->state)
		return 0;
	if (q->state != Q_REPLY)
		return 1;
	if (f->rcode >= 0)
		return (int)q->rcode == f->rcode;
	return q->rcode != LDNS_RCODE_NOERROR &&
	    q->rcode != LDNS_RCODE_NXDOMAIN &&
	    q->rcode != LDNS_RCODE_SERVFAIL && q->rcode != LDNS_RCODE_REFUSED;
}

static void
check_failures(struct lookup *lk, const struct failure *f)
{
	const struct lquery *first = NULL, *last = NULL;
	int	 n = 0;

	for (int i = 0; i < lk->nq; i++) {
		if (!failure_is(f, &lk->q[i]))
			continue;
		if (n++ == 0)
			first = &lk->q[i];
		last = &lk->q[i];
	}
	if (n == 1 && f->rcode == -1)
		warnmsg(lk, "%s %s: %s (%s)", first->name, type_name(first->type),
		    rcode_name(first), f->why);
	else if (n == 1)
		warnmsg(lk, "%s %s: %s (%s%s%s)", first->name,
		    type_name(first->type), f->what, f->why,
		    first->error ? ": " : "", first->error ? first->error : "");
	else if (n > 1)
		warnmsg(lk, "%s for %d queries, %s %s to %s %s (%s)", f->what, n,
		    first->name, type_name(first->type), last->name,
		    type_name(last->type), f->why);
}

/* The classic faults, as warnings and notes. */
static void
check_faults(struct lookup *lk)
{
	const ldns_rr	*srv[MAX_SRV];
	char		 name[LOOKUP_NAME_MAX], pools[4][LOOKUP_NAME_MAX];
	int		 n, npool = 0, internal = 0;

	for (size_t k = 0; k < NFAILS; k++)
		check_failures(lk, &fails[k]);
	for (int i = 0; i < lk->nq; i++) {
		const struct lquery *q = &lk->q[i];

		if (q->answer == NULL)
			continue;
		for (size_t j = 0; j < ldns_rr_list_rr_count(q->answer); j++) {
			const ldns_rr *rr = ldns_rr_list_rr(q->answer, j);

			if (ldns_rr_ttl(rr) != 0)
				continue;
			rdf_name(ldns_rr_owner(rr), name, sizeof(name));
			warnmsg(lk, "%s %s has TTL 0: nothing can cache it",
			    name, type_name(ldns_rr_get_type(rr)));
		}
	}
	for (size_t s = 0; s < NSERVICES; s++) {
		const char *owner = lk->q[lk->srvq[s]].name;

		n = srv_records(lk, lk->srvq[s], srv);
		if (n > 0 && services[s].internal)
			internal = 1;
		for (int i = 0; i < n; i++) {
			int seen = 0;

			srv_target(srv[i], name, sizeof(name));
			if (strcmp(name, ".") == 0)
				continue;
			if (!lookup_name_in_domain(name, lk->domain))
				warnmsg(lk, "%s: target %s is outside the SIP "
				    "domain %s (strict domain matching: the "
				    "client will not use it)", owner, name,
				    lk->domain);
			if (!services[s].internal)
				continue;
			for (int k = 0; k < npool; k++)
				seen |= strcmp(pools[k], name) == 0;
			if (!seen && npool < 4)
				snprintf(pools[npool++], sizeof(pools[0]),
				    "%s", name);
		}
	}
	for (int i = 0; i < lk->nt; i++) {
		const struct target *t = &lk->t[i];

		if (t->naddr == 0 && t->replied &&
		    lk->q[t->qa].rcode != LDNS_RCODE_SERVFAIL &&
		    lk->q[t->qa].rcode != LDNS_RCODE_REFUSED)
			warnmsg(lk, "SRV target %s has no A or AAAA record",
			    t->name);
		if (t->cname)
			warnmsg(lk, "SRV target %s is an alias (CNAME); "
			    "RFC 2782 wants the host name itself", t->name);
	}
	if (npool > 1)
		warnmsg(lk, "%s: the internal SRV records name %d hosts "
		    "(%s, %s%s): only one pool per SIP domain should be the "
		    "sign-in target", lk->domain, npool, pools[0], pools[1],
		    npool > 2 ? ", ..." : "");
	for (size_t s = 0; s < NSERVICES; s++)
		if (lk->unusable & (1u << s))
			warnmsg(lk, "%s: no target is usable (outside the "
			    "domain or without an address); the client tries "
			    "the next record", lk->q[lk->srvq[s]].name);
	if (internal)
		notemsg(lk, "internal SRV records are visible from this "
		    "source");
}

static void
print_table(const struct lookup *lk, FILE *fp)
{
	int	 w = 5;

	for (int i = 0; i < lk->nq; i++) {
		int len = (int)strlen(lk->q[i].name);
		if (len > w)
			w = len;
	}
	fprintf(fp, "%-*s  %-5s %-8s %7s %6s  %s\n", w, "QUERY", "TYPE",
	    "RCODE", "MS", "TTL", "ANSWER");
	for (int i = 0; i < lk->nq; i++) {
		const struct lquery *q = &lk->q[i];
		size_t na = q->answer ? ldns_rr_list_rr_count(q->answer) : 0;
		char ms[16];

		if (q->state == Q_SKIPPED)
			snprintf(ms, sizeof(ms), "-");
		else
			snprintf(ms, sizeof(ms), "%.1f", q->ms);
		fprintf(fp, "%-*s  %-5s %-8s %7s", w, q->name,
		    type_name(q->type), rcode_name(q), ms);
		if (na == 0)
			fprintf(fp, " %6s  -\n", "");
		for (size_t j = 0; j < na; j++) {
			const ldns_rr *rr = ldns_rr_list_rr(q->answer, j);
			char owner[LOOKUP_NAME_MAX], *data = rr_data(rr);

			rdf_name(ldns_rr_owner(rr), owner, sizeof(owner));
			if (j > 0)
				fprintf(fp, "%-*s  %-5s %-8s %7s", w, "", "",
				    "", "");
			fprintf(fp, " %6u  ", (unsigned)ldns_rr_ttl(rr));
			if (ldns_rr_get_type(rr) != q->type ||
			    strcasecmp(owner, q->name) != 0)
				fprintf(fp, "%s %s ", owner,
				    type_name(ldns_rr_get_type(rr)));
			fprintf(fp, "%s\n", data);
			free(data);
		}
	}
}

static void
print_servers(const struct lookup *lk, FILE *fp, int json)
{
	ldns_rdf	**ns = ldns_resolver_nameservers(lk->res);

	for (size_t i = 0; i < ldns_resolver_nameserver_count(lk->res); i++) {
		char *s = ldns_rdf2str(ns[i]);

		if (s == NULL)
			err(EXIT_USAGE, "ldns_rdf2str");
		if (json) {
			fputs(i ? ", " : "", fp);
			lookup_json_string(fp, s);
		} else
			fprintf(fp, "%s%s", i ? ", " : "", s);
		free(s);
	}
}

static void
print_human(const struct lookup *lk, const char *source, FILE *fp)
{
	fprintf(fp, "ocsdns-lookup: automatic sign-in for %s, server ",
	    lk->domain);
	print_servers(lk, fp, 0);
	fprintf(fp, " port %u, source %s\n\n",
	    (unsigned)ldns_resolver_port(lk->res),
	    source != NULL ? source : "default");
	print_table(lk, fp);
	fputc('\n', fp);
	for (int i = 0; i < lk->nwarn; i++)
		fprintf(fp, "warning: %s\n", lk->warn[i]);
	for (int i = 0; i < lk->nnote; i++)
		fprintf(fp, "note: %s\n", lk->note[i]);
	fprintf(fp, "%s\n", lk->verdict);
}

static void
print_json_list(FILE *fp, char * const *list, int n)
{
	fputc('[', fp);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", " : "", fp);
		lookup_json_string(fp, list[i]);
	}
	fputc(']', fp);
}

static void
print_json(const struct lookup *lk, const char *source, FILE *fp)
{
	fputs("{\n  \"domain\": ", fp);
	lookup_json_string(fp, lk->domain);
	fputs(",\n  \"servers\": [", fp);
	print_servers(lk, fp, 1);
	fprintf(fp, "],\n  \"port\": %u,\n  \"source\": ",
	    (unsigned)ldns_resolver_port(lk->res));
	if (source != NULL)
		lookup_json_string(fp, source);
	else
		fputs("null", fp);
	fputs(",\n  \"queries\": [", fp);
	for (int i = 0; i < lk->nq; i++) {
		const struct lquery *q = &lk->q[i];
		size_t na = q->answer ? ldns_rr_list_rr_count(q->answer) : 0;

		fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", fp);
		lookup_json_string(fp, q->name);
		fprintf(fp, ", \"type\": \"%s\", \"rcode\": \"%s\", ",
		    type_name(q->type), rcode_name(q));
		if (q->state == Q_SKIPPED)
			fputs("\"ms\": null, \"answers\": [", fp);
		else
			fprintf(fp, "\"ms\": %.1f, \"answers\": [", q->ms);
		for (size_t j = 0; j < na; j++) {
			const ldns_rr *rr = ldns_rr_list_rr(q->answer, j);
			char owner[LOOKUP_NAME_MAX], *data = rr_data(rr);

			rdf_name(ldns_rr_owner(rr), owner, sizeof(owner));
			fputs(j ? ", {\"name\": " : "{\"name\": ", fp);
			lookup_json_string(fp, owner);
			fprintf(fp, ", \"ttl\": %u, \"type\": \"%s\", "
			    "\"data\": ", (unsigned)ldns_rr_ttl(rr),
			    type_name(ldns_rr_get_type(rr)));
			lookup_json_string(fp, data);
			fputc('}', fp);
			free(data);
		}
		fputs("]}", fp);
	}
	fprintf(fp, "\n  ],\n  \"signin\": %s,\n  \"verdict\": ",
	    lk->ok ? "true" : "false");
	lookup_json_string(fp, lk->verdict);
	fputs(",\n  \"connect\": ", fp);
	if (lk->ok) {
		fputs("{\"host\": ", fp);
		lookup_json_string(fp, lk->via->name);
		fprintf(fp, ", \"port\": %u, \"transport\": \"%s\", "
		    "\"record\": ", (unsigned)lk->port, lk->transport);
		lookup_json_string(fp, lk->record);
		fputs(", \"addresses\": [", fp);
		for (int i = 0; i < lk->via->naddr; i++) {
			fputs(i ? ", " : "", fp);
			lookup_json_string(fp, lk->via->addr[i]);
		}
		fputs("]}", fp);
	} else
		fputs("null", fp);
	fputs(",\n  \"warnings\": ", fp);
	print_json_list(fp, lk->warn, lk->nwarn);
	fputs(",\n  \"notes\": ", fp);
	print_json_list(fp, lk->note, lk->nnote);
	fputs("\n}\n", fp);
}

/* An address literal as an A or AAAA rdf, or NULL. */
static ldns_rdf *
addr_rdf(const char *text)
{
	unsigned char	 buf[16];

	if (inet_pton(AF_INET, text, buf) == 1)
		return ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, text);
	if (inet_pton(AF_INET6, text, buf) == 1)
		return ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, text);
	return NULL;
}

static void
push_server(ldns_resolver *res, const char *host)
{
	struct addrinfo	 hints, *ai0, *ai;
	ldns_rdf	*rdf;
	char		 text[ADDR_LEN];
	int		 e;

	if ((rdf = addr_rdf(host)) != NULL) {
		if (ldns_resolver_push_nameserver(res, rdf) != LDNS_STATUS_OK)
			errx(EXIT_USAGE, "%s: cannot use this server", host);
		ldns_rdf_deep_free(rdf);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	if ((e = getaddrinfo(host, NULL, &hints, &ai0)) != 0)
		errx(EXIT_USAGE, "%s: %s", host, gai_strerror(e));
	for (ai = ai0; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof(text),
		    NULL, 0, NI_NUMERICHOST) != 0 ||
		    (rdf = addr_rdf(text)) == NULL)
			continue;
		(void)ldns_resolver_push_nameserver(res, rdf);
		ldns_rdf_deep_free(rdf);
	}
	freeaddrinfo(ai0);
	if (ldns_resolver_nameserver_count(res) == 0)
		errx(EXIT_USAGE, "%s: no address", host);
}

static ldns_resolver *
make_resolver(const char *server, const char *source,
    const struct timeval *timeout, ldns_rdf **srcp)
{
	ldns_resolver	*res;
	ldns_status	 st;
	ldns_rdf	*src;
	char		 host[LOOKUP_NAME_MAX];
	uint16_t	 port = 53;

	if (server == NULL) {
		st = ldns_resolver_new_frm_file(&res, NULL);
		if (st != LDNS_STATUS_OK)
			errx(EXIT_USAGE, "cannot read the system resolver "
			    "configuration: %s", ldns_get_errorstr_by_id(st));
	} else {
		if (lookup_split_server(server, host, sizeof(host), &port) == -1)
			errx(EXIT_USAGE, "%s: expected server or server:port",
			    server);
		if ((res = ldns_resolver_new()) == NULL)
			errx(EXIT_USAGE, "ldns_resolver_new failed");
		push_server(res, host);
	}
	ldns_resolver_set_port(res, port);
	if (source != NULL) {
		if ((src = addr_rdf(source)) == NULL)
			errx(EXIT_USAGE, "%s: -b wants an IPv4 or IPv6 address",
			    source);
		ldns_resolver_set_source(res, src);	/* not freed with res */
		*srcp = src;
	}
	ldns_resolver_set_recursive(res, true);
	ldns_resolver_set_timeout(res, *timeout);
	ldns_resolver_set_retry(res, 2);
	ldns_resolver_set_retrans(res, 1);
	ldns_resolver_set_random(res, false);
	ldns_resolver_set_defnames(res, false);
	ldns_resolver_set_dnsrch(res, false);
	ldns_resolver_set_dnssec(res, false);
	ldns_resolver_set_fail(res, false);
	ldns_resolver_set_igntc(res, false);	/* truncated: retry over TCP */
	return res;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct lookup	*lk;
	ldns_rdf	*src = NULL;
	struct timeval	 timeout = { 2, 0 };
	const char	*server = NULL, *source = NULL;
	char		 domain[LOOKUP_NAME_MAX];
	int		 ch, json = 0, rc;

	while ((ch = getopt_long(argc, argv, "b:hjs:t:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			source = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 's':
			server = optarg;
			break;
		case 't':
			if (lookup_parse_timeout(optarg, &timeout) == -1) {
				warnx("-t %s: expected seconds, 0.1 to 60",
				    optarg);
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'V':
			printf("ocsdns-lookup %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (lookup_domain_from_arg(argv[0], domain, sizeof(domain)) == -1) {
		warnx("%s: expected user@domain or domain", argv[0]);
		return EXIT_USAGE;
	}

	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		err(EXIT_USAGE, "calloc");
	lk->domain = domain;
	lk->res = make_resolver(server, source, &timeout, &src);
	lookup_srv(lk);
	choose_srv(lk);
	if (!lk->ok)
		lookup_fallback(lk);
	check_faults(lk);
	if (!lk->ok)
		snprintf(lk->verdict, sizeof(lk->verdict),
		    "Communicator could not sign in automatically to %s: no "
		    "usable SRV record and no fallback name resolves",
		    lk->domain);
	if (json)
		print_json(lk, source, stdout);
	else
		print_human(lk, source, stdout);
	rc = lk->ok ? EXIT_SIGNIN : EXIT_NOSIGNIN;

	for (int i = 0; i < lk->nq; i++)
		if (lk->q[i].answer != NULL)
			ldns_rr_list_deep_free(lk->q[i].answer);
	for (int i = 0; i < lk->nwarn; i++)
		free(lk->warn[i]);
	for (int i = 0; i < lk->nnote; i++)
		free(lk->note[i]);
	ldns_resolver_deep_free(lk->res);
	if (src != NULL)
		ldns_rdf_deep_free(src);
	free(lk);
	if (fflush(stdout) == EOF)
		err(EXIT_NOSIGNIN, "stdout");
	return rc;
}
