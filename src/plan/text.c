/* text.c -- ocsdns-plan: the reports as aligned text, and as CSV. */
#include <string.h>

#include "plan.h"

static void
heading(const char *title, FILE *out)
{
	fprintf(out, "%s\n", title);
	for (size_t i = 0; title[i] != '\0'; i++)
		fputc('=', out);
	fputc('\n', out);
}

/* Columns as wide as their widest cell; the last one is not padded. */
static void
aligned(const struct plan_table *t, FILE *out)
{
	size_t w[32] = { 0 };

	for (size_t c = 0; c < t->ncols && c < 32; c++) {
		w[c] = strlen(t->cols[c]);
		for (size_t r = 0; r < t->nrows; r++)
			if (strlen(plan_cell(t, r, c)) > w[c])
				w[c] = strlen(plan_cell(t, r, c));
	}
	for (size_t r = 0; r <= t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->cols[c] : plan_cell(t, r - 1, c);
			if (c + 1 == t->ncols)
				fprintf(out, "%s\n", s);
			else
				fprintf(out, "%-*s  ", (int)w[c], s);
		}
}

int
plan_out_text(const struct plan *p, FILE *out)
{
	fprintf(out, "ocsdns-plan: %s (OCS %s)\n\n", p->cfg->path,
	    plan_version(p->cfg));
	for (size_t i = 0; i < PLAN_NREPORTS; i++) {
		const struct plan_table *t = &p->t[i];
		heading(t->title, out);
		if (i == PLAN_HOSTS) {
			/* Ready to paste into the edges' hosts file. */
			if (t->nrows == 0)
				fprintf(out, "# no [edge] with a next_hop\n");
			for (size_t r = 0; r < t->nrows; r++)
				fprintf(out, "%-15s %s\t# %s\n", plan_cell(t, r, 0),
				    plan_cell(t, r, 1), plan_cell(t, r, 3));
		} else if (i == PLAN_CHECKS) {
			for (size_t r = 0; r < t->nrows; r++)
				fprintf(out, "[%-7s] %s: %s%s%s\n", plan_cell(t, r, 0),
				    plan_cell(t, r, 1), plan_cell(t, r, 2),
				    plan_cell(t, r, 2)[0] != '\0' ? ": " : "",
				    plan_cell(t, r, 3));
		} else if (t->nrows == 0)
			fprintf(out, "(none)\n");
		else
			aligned(t, out);
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

/* RFC 4180: every field quoted, quotes doubled, CRLF line ends. */
static void
csv_field(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int
plan_out_csv_table(const struct plan_table *t, FILE *out)
{
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c > 0)
				fputc(',', out);
			csv_field(r == 0 ? t->cols[c] : plan_cell(t, r - 1, c), out);
		}
		fputs("\r\n", out);
	}
	return ferror(out) ? -1 : 0;
}
