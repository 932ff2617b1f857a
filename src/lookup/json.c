/* json.c -- ocsdns-lookup --json: the whole report as one JSON object. */
#include <stdlib.h>

#include "lookup.h"

static void
print_json_list(FILE *fp, const struct signin_msg *list, int n)
{
	fputc('[', fp);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", " : "", fp);
		lookup_json_string(fp, list[i].text);
	}
	fputc(']', fp);
}

static void
print_json_query(const struct signin_query *q, FILE *fp)
{
	size_t na = q->answer ? ldns_rr_list_rr_count(q->answer) : 0;

	lookup_json_string(fp, q->name);
	fprintf(fp, ", \"type\": \"%s\", \"rcode\": \"%s\", ",
	    signin_type_name(q->type), signin_rcode_name(q));
	if (q->state == SIGNIN_Q_SKIPPED)
		fputs("\"ms\": null, \"answers\": [", fp);
	else
		fprintf(fp, "\"ms\": %.1f, \"answers\": [", q->ms);
	for (size_t j = 0; j < na; j++) {
		const ldns_rr *rr = ldns_rr_list_rr(q->answer, j);
		char owner[LOOKUP_NAME_MAX], *data = print_rr_data(rr);

		signin_rdf_name(ldns_rr_owner(rr), owner, sizeof(owner));
		fputs(j ? ", {\"name\": " : "{\"name\": ", fp);
		lookup_json_string(fp, owner);
		fprintf(fp, ", \"ttl\": %u, \"type\": \"%s\", \"data\": ",
		    (unsigned)ldns_rr_ttl(rr),
		    signin_type_name(ldns_rr_get_type(rr)));
		lookup_json_string(fp, data);
		fputc('}', fp);
		free(data);
	}
	fputs("]}", fp);
}

void
json_print(const struct signin *lk, const ldns_resolver *res,
    const char *source, FILE *fp)
{
	fputs("{\n  \"domain\": ", fp);
	lookup_json_string(fp, lk->domain);
	fputs(",\n  \"servers\": [", fp);
	print_servers(res, fp, 1);
	fprintf(fp, "],\n  \"port\": %u,\n  \"source\": ",
	    (unsigned)ldns_resolver_port(res));
	if (source != NULL)
		lookup_json_string(fp, source);
	else
		fputs("null", fp);
	fputs(",\n  \"queries\": [", fp);
	for (int i = 0; i < lk->nq; i++) {
		fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", fp);
		print_json_query(&lk->q[i], fp);
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
