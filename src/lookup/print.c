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
print_human(const struct signin *lk, const ldns_resolver *res,
    const char *source, FILE *fp)
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
	fprintf(fp, "%s\n", lk->verdict);
}
