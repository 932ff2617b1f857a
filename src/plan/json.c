/* json.c -- ocsdns-plan: the reports as one JSON document (schema 1). */
#include "plan.h"

/* A JSON string: quotes, backslashes and control characters escaped. */
static void
jstr(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/*
 * { "schema": "ocsdns-plan/1", "config": PATH, "ocs_version": "2007 R2",
 *   "reports": { NAME: { "title": ..., "columns": [...], "rows": [ { COL:
 *   STRING, ... }, ... ] }, ... } }: man/ocsdns-plan.1 documents it. New
 * columns and reports may be added; none is renamed or removed.
 */
int
plan_out_json(const struct plan *p, FILE *out)
{
	fprintf(out, "{\n  \"schema\": \"ocsdns-plan/1\",\n  \"config\": ");
	jstr(p->cfg->path, out);
	fprintf(out, ",\n  \"ocs_version\": ");
	jstr(plan_version(p->cfg), out);
	fprintf(out, ",\n  \"reports\": {");
	for (size_t i = 0; i < PLAN_NREPORTS; i++) {
		const struct plan_table *t = &p->t[i];
		fprintf(out, "%s\n    ", i > 0 ? "," : "");
		jstr(t->name, out);
		fprintf(out, ": {\n      \"title\": ");
		jstr(t->title, out);
		fprintf(out, ",\n      \"columns\": [");
		for (size_t c = 0; c < t->ncols; c++) {
			fprintf(out, "%s", c > 0 ? ", " : "");
			jstr(t->cols[c], out);
		}
		fprintf(out, "],\n      \"rows\": [");
		for (size_t r = 0; r < t->nrows; r++) {
			fprintf(out, "%s\n        {", r > 0 ? "," : "");
			for (size_t c = 0; c < t->ncols; c++) {
				fprintf(out, "%s", c > 0 ? ", " : "");
				jstr(t->cols[c], out);
				fprintf(out, ": ");
				jstr(plan_cell(t, r, c), out);
			}
			fprintf(out, "}");
		}
		fprintf(out, "%s]\n    }", t->nrows > 0 ? "\n      " : "");
	}
	fprintf(out, "\n  }\n}\n");
	return ferror(out) ? -1 : 0;
}
