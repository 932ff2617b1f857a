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

static void
print_json_cand(const struct lookup_cand *c, FILE *fp)
{
	if (c == NULL) {
		fputs("null", fp);
		return;
	}
	fputs("{\"host\": ", fp);
	lookup_json_string(fp, c->t->name);
	fprintf(fp, ", \"port\": %u, \"transport\": \"%s\", \"record\": ",
	    (unsigned)c->port, client_transport_name(c->transport));
	lookup_json_string(fp, c->record);
	fputs(", \"addresses\": [", fp);
	for (int i = 0; i < c->t->naddr; i++) {
		fputs(i ? ", " : "", fp);
		lookup_json_string(fp, c->t->addr[i]);
	}
	fputs("]}", fp);
}

static void
json_string_or_null(FILE *fp, int have, const char *s)
{
	if (have)
		lookup_json_string(fp, s);
	else
		fputs("null", fp);
}

static void
print_json_probe(const struct probe *p, FILE *fp)
{
	fputs("{\"host\": ", fp);
	lookup_json_string(fp, p->c->t->name);
	fprintf(fp, ", \"port\": %u, \"transport\": \"%s\", \"record\": ",
	    (unsigned)p->c->port, client_transport_name(p->c->transport));
	lookup_json_string(fp, p->c->record);
	fputs(", \"address\": ", fp);
	lookup_json_string(fp, p->addr);
	fprintf(fp, ",\n      \"tcp\": \"%s\", \"tcp_ms\": %.1f, \"tls\": ",
	    probe_tcp_name(p->tcp), p->tcp_ms);
	if (p->tls) {
		fputs("{\"version\": ", fp);
		lookup_json_string(fp, p->tls_version);
		fputs(", \"cipher\": ", fp);
		lookup_json_string(fp, p->cipher);
		fputc('}', fp);
	} else
		fputs("null", fp);
	fputs(",\n      \"certificate\": ", fp);
	if (p->cert) {
		fputs("{\"subject\": ", fp);
		lookup_json_string(fp, p->subject);
		fputs(", \"san\": ", fp);
		lookup_json_string(fp, p->san);
		fputs(", \"issuer\": ", fp);
		lookup_json_string(fp, p->issuer);
		fputs(", \"not_before\": ", fp);
		lookup_json_string(fp, p->not_before);
		fputs(", \"not_after\": ", fp);
		lookup_json_string(fp, p->not_after);
		fputc('}', fp);
	} else
		fputs("null", fp);
	fputs(",\n      \"checks\": [", fp);
	for (int i = 0; i < p->ncheck; i++) {
		fprintf(fp, "%s{\"check\": \"%s\", \"ok\": %s, \"message\": ",
		    i ? ", " : "", p->check[i].name,
		    p->check[i].ok ? "true" : "false");
		lookup_json_string(fp, p->check[i].text);
		fputc('}', fp);
	}
	fputs("],\n      \"sip\": ", fp);
	json_string_or_null(fp, p->sip_status[0] != '\0', p->sip_status);
	fprintf(fp, ", \"ok\": %s, \"step\": ", p->ok ? "true" : "false");
	json_string_or_null(fp, p->step != NULL, p->step ? p->step : "");
	fputs(", \"failure\": ", fp);
	json_string_or_null(fp, !p->ok, p->failure);
	fputc('}', fp);
}

void
json_print(const struct signin *lk, const struct lookup_client *cl,
    const ldns_resolver *res, const char *source, const struct probe *p,
    int np, const char *final, int ok, FILE *fp)
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
	fputs("\n  ],\n  \"client\": ", fp);
	lookup_json_string(fp, cl->profile->name);
	fprintf(fp, ",\n  \"signin\": %s,\n  \"verdict\": ",
	    ok ? "true" : "false");
	lookup_json_string(fp, cl->verdict);
	fputs(",\n  \"connect\": ", fp);
	print_json_cand(cl->ncand > 0 ? &cl->cand[0] : NULL, fp);
	fputs(",\n  \"candidates\": [", fp);
	for (int i = 0; i < cl->ncand; i++) {
		fputs(i ? ",\n    " : "\n    ", fp);
		print_json_cand(&cl->cand[i], fp);
	}
	fputs("],\n  \"probes\": ", fp);
	if (final != NULL) {
		fputc('[', fp);
		for (int i = 0; i < np; i++) {
			fputs(i ? ",\n    " : "\n    ", fp);
			print_json_probe(&p[i], fp);
		}
		fputs("],\n  \"final\": ", fp);
		lookup_json_string(fp, final);
	} else
		fputs("null,\n  \"final\": null", fp);
	fputs(",\n  \"warnings\": ", fp);
	print_json_list(fp, lk->warn, lk->nwarn);
	fputs(",\n  \"notes\": ", fp);
	print_json_list(fp, lk->note, lk->nnote);
	fputs("\n}\n", fp);
}
