/* print.c -- ocsdns-lookup: the text report (queries, warnings, verdict). */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lookup.h"

/* The rdata of RR in presentation format; the caller frees it. */
char *
print_rr_data(const ldns_rr *rr)
{
	char *out = NULL;
	size_t len = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));

		if (s == NULL)
			err(EXIT_USAGE, "ldns_rdf2str");
		if ((out = realloc(out, len + strlen(s) + 2)) == NULL)
			err(EXIT_USAGE, "realloc");
		len += (size_t)sprintf(out + len, "%s%s", len ? " " : "", s);
		free(s);
	}
	return out != NULL ? out : strdup("");
}

static void
print_table(const struct signin *lk, FILE *fp)
{
	int w = 5;

	for (int i = 0; i < lk->nq; i++) {
		int len = (int)strlen(lk->q[i].name);
		if (len > w)
			w = len;
	}
	fprintf(fp, "%-*s  %-5s %-8s %7s %6s  %s\n", w, "QUERY", "TYPE",
	    "RCODE", "MS", "TTL", "ANSWER");
	for (int i = 0; i < lk->nq; i++) {
		const struct signin_query *q = &lk->q[i];
		size_t na = q->answer ? ldns_rr_list_rr_count(q->answer) : 0;
		char ms[16];

		if (q->state == SIGNIN_Q_SKIPPED)
			snprintf(ms, sizeof(ms), "-");
		else
			snprintf(ms, sizeof(ms), "%.1f", q->ms);
		fprintf(fp, "%-*s  %-5s %-8s %7s", w, q->name,
		    signin_type_name(q->type), signin_rcode_name(q), ms);
		if (na == 0)
			fprintf(fp, " %6s  -\n", "");
		for (size_t j = 0; j < na; j++) {
			const ldns_rr *rr = ldns_rr_list_rr(q->answer, j);
			char owner[LOOKUP_NAME_MAX], *data = print_rr_data(rr);

			signin_rdf_name(ldns_rr_owner(rr), owner, sizeof(owner));
			if (j > 0)
				fprintf(fp, "%-*s  %-5s %-8s %7s", w, "", "",
				    "", "");
			fprintf(fp, " %6u  ", (unsigned)ldns_rr_ttl(rr));
			if (ldns_rr_get_type(rr) != q->type ||
			    strcasecmp(owner, q->name) != 0)
				fprintf(fp, "%s %s ", owner,
				    signin_type_name(ldns_rr_get_type(rr)));
			fprintf(fp, "%s\n", data);
			free(data);
		}
	}
}

/* The servers asked, comma-separated (as JSON strings when json is set). */
void
print_servers(const ldns_resolver *res, FILE *fp, int json)
{
	ldns_rdf **ns = ldns_resolver_nameservers(res);

	for (size_t i = 0; i < ldns_resolver_nameserver_count(res); i++) {
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

void
print_human(const struct signin *lk, const struct lookup_client *cl,
    const ldns_resolver *res, const char *source, FILE *fp)
{
	fprintf(fp, "ocsdns-lookup: automatic sign-in for %s, server ",
	    lk->domain);
	print_servers(res, fp, 0);
	fprintf(fp, " port %u, source %s\n\n",
	    (unsigned)ldns_resolver_port(res),
	    source != NULL ? source : "default");
	print_table(lk, fp);
	fputc('\n', fp);
	for (int i = 0; i < lk->nwarn; i++)
		fprintf(fp, "warning: %s\n", lk->warn[i].text);
	for (int i = 0; i < lk->nnote; i++)
		fprintf(fp, "note: %s\n", lk->note[i].text);
	fprintf(fp, "%s\n", cl->verdict);
}

/* --- --connect ---------------------------------------------------------- */

static void
print_probe(const struct probe *p, FILE *fp)
{
	const struct lookup_cand *c = p->c;

	fprintf(fp, "connect %s:%u %s (%s, %s): TCP %s", c->t->name,
	    (unsigned)c->port, p->addr, c->record,
	    client_transport_name(c->transport), probe_tcp_name(p->tcp));
	if (p->tcp == PROBE_TCP_CONNECTED)
		fprintf(fp, " in %.1f ms", p->tcp_ms);
	fputc('\n', fp);
	if (p->tls)
		fprintf(fp, "  TLS: %s, %s\n", p->tls_version, p->cipher);
	if (p->cert)
		fprintf(fp, "  certificate: subject %s, SAN %s, issuer %s, "
		    "valid %s to %s\n", p->subject, p->san[0] ? p->san : "-",
		    p->issuer, p->not_before, p->not_after);
	for (int i = 0; i < p->ncheck; i++)
		fprintf(fp, "  %s %s: %s\n", p->check[i].ok ? "ok  " : "FAIL",
		    p->check[i].name, p->check[i].text);
	if (p->sip_status[0] != '\0')
		fprintf(fp, "  SIP: %s\n", p->sip_status);
	if (!p->ok && strcmp(p->step, "certificate") != 0)
		fprintf(fp, "  FAIL %s: %s\n", p->step, p->failure);
}

void
print_probes(const struct probe *p, int np, const char *final, FILE *fp)
{
	fputc('\n', fp);
	for (int i = 0; i < np; i++)
		print_probe(&p[i], fp);
	fprintf(fp, "%s\n", final);
}
