/* html.c -- ocsdns-plan: one self-contained HTML page, tables and diagram. */
#include <string.h>

#include "plan.h"

/* Text for HTML and SVG alike: the five characters that matter. */
void
plan_html_text(const char *s, FILE *out)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
}

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin-bottom:2em;font-size:13px}"
    "th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;"
    "vertical-align:top}"
    "th{background:#e8eef4}"
    "td.green{background:#c8f0c8}td.red{background:#f6c0c0}"
    "td.not-yet{background:#eee}"
    "svg text{font-family:sans-serif}";

static void
table(const struct plan_table *t, FILE *out)
{
	fprintf(out, "<h2 id=\"%s\">", t->name);
	plan_html_text(t->title, out);
	fprintf(out, "</h2>\n<table class=\"%s\">\n<tr>", t->name);
	for (size_t c = 0; c < t->ncols; c++) {
		fputs("<th>", out);
		plan_html_text(t->cols[c], out);
		fputs("</th>", out);
	}
	fputs("</tr>\n", out);
	for (size_t r = 0; r < t->nrows; r++) {
		fputs("<tr>", out);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = plan_cell(t, r, c);
			/* The stoplight: a class per status of the checks. */
			if (c == 0 && strcmp(t->name, "checks") == 0)
				fprintf(out, "<td class=\"%s\">", s[0] == 'g' ?
				    "green" : s[0] == 'r' ? "red" : "not-yet");
			else
				fputs("<td>", out);
			plan_html_text(s, out);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

int
plan_out_html(const struct plan *p, FILE *out)
{
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>ocsdns-plan: ");
	plan_html_text(p->cfg->path, out);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<h1>Deployment plan: ", style);
	plan_html_text(p->cfg->path, out);
	fprintf(out, " (OCS %s)</h1>\n<h2 id=\"diagram\">Diagram</h2>\n",
	    plan_version(p->cfg));
	if (plan_out_svg(p, out) < 0)
		return -1;
	for (size_t i = 0; i < PLAN_NREPORTS; i++)
		table(&p->t[i], out);
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}
