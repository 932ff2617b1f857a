/* print.c -- ocsdns-lookup: the text report (queries, warnings, verdict). */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lookup.h"

/* A presentation string of an rdf without its trailing dot, lower case. */
void
print_rdf_name(const ldns_rdf *rdf, char *out, size_t outsz)
{
	char *s = ldns_rdf2str(rdf);

	if (s == NULL)
		err(EXIT_USAGE, "ldns_rdf2str");
	size_t len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[--len] = '\0';
	for (char *p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	snprintf(out, outsz, "%s", s);
	free(s);
}

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

const char *
print_type_name(ldns_rr_type type)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	return d != NULL && d->_name != NULL ? d->_name : "TYPE?";
}

const char *
print_rcode_name(const struct lquery *q)
{
	if (q->state == Q_NOREPLY)
		return "TIMEOUT";
	if (q->state == Q_SKIPPED)
		return "SKIPPED";
	const ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes,
	    (int)q->rcode);
	return lt != NULL ? lt->name : "RCODE?";
}

static void
print_table(const struct lookup *lk, FILE *fp)
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
		const struct lquery *q = &lk->q[i];
		size_t na = q->answer ? ldns_rr_list_rr_count(q->answer) : 0;
		char ms[16];

		if (q->state == Q_SKIPPED)
			snprintf(ms, sizeof(ms), "-");
		else
			snprintf(ms, sizeof(ms), "%.1f", q->ms);
		fprintf(fp, "%-*s  %-5s %-8s %7s", w, q->name,
		    print_type_name(q->type), print_rcode_name(q), ms);
		if (na == 0)
			fprintf(fp, " %6s  -\n", "");
		for (size_t j = 0; j < na; j++) {
			const ldns_rr *rr = ldns_rr_list_rr(q->answer, j);
			char owner[LOOKUP_NAME_MAX], *data = print_rr_data(rr);

			print_rdf_name(ldns_rr_owner(rr), owner, sizeof(owner));
			if (j > 0)
				fprintf(fp, "%-*s  %-5s %-8s %7s", w, "", "",
				    "", "");
			fprintf(fp, " %6u  ", (unsigned)ldns_rr_ttl(rr));
			if (ldns_rr_get_type(rr) != q->type ||
			    strcasecmp(owner, q->name) != 0)
				fprintf(fp, "%s %s ", owner,
				    print_type_name(ldns_rr_get_type(rr)));
			fprintf(fp, "%s\n", data);
			free(data);
		}
	}
}

/* The servers asked, comma-separated (as JSON strings when json is set). */
void
print_servers(const struct lookup *lk, FILE *fp, int json)
{
	ldns_rdf **ns = ldns_resolver_nameservers(lk->res);

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

void
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
