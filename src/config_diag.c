/* config_diag.c -- the configuration's messages in line order; allocation. */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config_int.h"

static void
diag_vadd(struct cfg_ctx *ctx, int line, bool warning, const char *fmt,
    va_list ap)
{
	char *text;

	if (warning)
		ctx->nwarnings++;
	else
		ctx->nerrors++;
	if (vasprintf(&text, fmt, ap) == -1) {
		ctx->oom = true;
		return;
	}
	struct cfg_msg *m = reallocarray(ctx->msgs, ctx->nmsgs + 1, sizeof(*m));
	if (m == NULL) {
		free(text);
		ctx->oom = true;
		return;
	}
	ctx->msgs = m;
	m += ctx->nmsgs;
	m->line = line;
	m->seq = ctx->nmsgs++;
	m->warning = warning;
	m->text = text;
}

void
config_diag_error(struct cfg_ctx *ctx, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(ctx, line, false, fmt, ap);
	va_end(ap);
}

void
config_diag_warning(struct cfg_ctx *ctx, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(ctx, line, true, fmt, ap);
	va_end(ap);
}

void
config_diag_part(struct cfg_ctx *part, const struct cfg_ctx *ctx)
{
	*part = *ctx;
	part->msgs = NULL;
	part->nmsgs = 0;
	part->nerrors = part->nwarnings = 0;
	part->oom = false;
}

void
config_diag_join(struct cfg_ctx *ctx, struct cfg_ctx *part)
{
	ctx->nerrors += part->nerrors;
	ctx->nwarnings += part->nwarnings;
	ctx->oom |= part->oom;
	if (part->nmsgs == 0)
		return;
	struct cfg_msg *m = reallocarray(ctx->msgs, ctx->nmsgs + part->nmsgs,
	    sizeof(*m));
	if (m == NULL) {
		for (size_t i = 0; i < part->nmsgs; i++)
			free(part->msgs[i].text);
		ctx->oom = true;
	} else {
		ctx->msgs = m;
		for (size_t i = 0; i < part->nmsgs; i++) {
			m[ctx->nmsgs] = part->msgs[i];
			m[ctx->nmsgs].seq = ctx->nmsgs;	/* after ctx's own */
			ctx->nmsgs++;
		}
	}
	free(part->msgs);
	part->msgs = NULL;
	part->nmsgs = 0;
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct cfg_msg *ma = a, *mb = b;

	if (ma->line != mb->line)
		return ma->line < mb->line ? -1 : 1;
	if (ma->seq != mb->seq)
		return ma->seq < mb->seq ? -1 : 1;
	return 0;
}

/*
 * Whether the sorted messages hold an error at the line of msgs[i]. A
 * skipped warning's line is negated: abs() keeps it beside its error.
 */
static bool
line_has_error(const struct cfg_ctx *ctx, size_t i)
{
	int line = ctx->msgs[i].line;

	if (line <= 0)
		return false;
	for (size_t k = i; k > 0 && abs(ctx->msgs[k - 1].line) == line; k--)
		if (!ctx->msgs[k - 1].warning)
			return true;
	for (size_t k = i + 1; k < ctx->nmsgs &&
	    abs(ctx->msgs[k].line) == line; k++)
		if (!ctx->msgs[k].warning)
			return true;
	return false;
}

/*
 * Prints the messages in line order, then frees them. A warning at a line
 * that has an error is a knock-on of that one mistake ("pool = pool1":
 * no such pool, and then outside the domain): it is not said.
 */
void
config_diag_flush(struct cfg_ctx *ctx)
{
	if (ctx->nmsgs > 1)
		qsort(ctx->msgs, ctx->nmsgs, sizeof(*ctx->msgs), msg_cmp);
	for (size_t i = 0; i < ctx->nmsgs; i++) {
		struct cfg_msg *m = &ctx->msgs[i];

		if (m->warning && line_has_error(ctx, i)) {
			ctx->nwarnings--;
			m->line = -m->line;	/* skipped */
		}
	}
	for (size_t i = 0; i < ctx->nmsgs; i++) {
		struct cfg_msg *m = &ctx->msgs[i];

		if (m->line < 0)
			;
		else if (ctx->diag != NULL) {
			if (m->line > 0)
				fprintf(ctx->diag, "%s:%d: %s%s\n", ctx->path,
				    m->line, m->warning ? "warning: " : "",
				    m->text);
			else
				fprintf(ctx->diag, "%s: %s%s\n", ctx->path,
				    m->warning ? "warning: " : "", m->text);
		}
		free(m->text);
	}
	free(ctx->msgs);
	ctx->msgs = NULL;
	ctx->nmsgs = 0;
	if (ctx->oom && ctx->diag != NULL)
		fprintf(ctx->diag, "%s: out of memory\n", ctx->path);
}

char *
config_ctx_strdup(struct cfg_ctx *ctx, const char *s)
{
	char *p = ctx->strs_on ? config_strs_dup(ctx->strs, s) : strdup(s);

	if (p == NULL)
		ctx->oom = true;
	return p;
}

/*
 * An append to an array that is full: it doubles first, malloc()ed or, big,
 * arena_array_resize()d. The capacity is the power of two at or above *n,
 * so the array grows by doubling (large files have hundreds of thousands
 * of hosts) without a capacity field.
 */
static void *
append_grow(struct cfg_ctx *ctx, void *arrayp, size_t *n, size_t size,
    bool big)
{
	void *old, *new;
	size_t cap = *n ? *n * 2 : 1;

	memcpy(&old, arrayp, sizeof(old));
	if (cap > SIZE_MAX / size)
		new = NULL;
	else
		new = big ? arena_array_resize(old, cap * size) :
		    realloc(old, cap * size);
	if (new == NULL) {
		ctx->oom = true;
		return NULL;
	}
	memcpy(arrayp, &new, sizeof(new));
	return config_array_push(new, n, size);
}

void *
config_ctx_append_grow(struct cfg_ctx *ctx, void *arrayp, size_t *n,
    size_t size)
{
	return append_grow(ctx, arrayp, n, size, false);
}

void *
config_ctx_append_big_grow(struct cfg_ctx *ctx, void *arrayp, size_t *n,
    size_t size)
{
	return append_grow(ctx, arrayp, n, size, true);
}

/*
 * Gives back the room config_ctx_append() doubled into: the array at arrayp
 * (as there) shrinks to its n elements. Kept as it is when realloc fails.
 */
void
config_ctx_fit(void *arrayp, size_t n, size_t size)
{
	void *old, *new;

	memcpy(&old, arrayp, sizeof(old));
	if (old == NULL || n == 0 || (n & (n - 1)) == 0)
		return;		/* empty, or a power of two: full already */
	if ((new = reallocarray(old, n, size)) != NULL)
		memcpy(arrayp, &new, sizeof(new));
}

void
config_ctx_fit_big(void *arrayp, size_t n, size_t size)
{
	void *old, *new;

	memcpy(&old, arrayp, sizeof(old));
	if (old != NULL && n > 0 && (new = arena_array_resize(old,
	    n * size)) != NULL)
		memcpy(arrayp, &new, sizeof(new));
}

/*
 * The bookkeeping's pages go to the build that follows (or, when the file
 * is refused, back with the rest: config_load() drains them).
 */
void
config_ctx_free_seen(struct cfg_ctx *ctx)
{
	size_t nd = ctx->cfg != NULL ? ctx->cfg->ndomains : 0;
	size_t nh = ctx->cfg != NULL ? ctx->cfg->nhosts : 0;

	free(ctx->vseen);
	arena_array_donate(ctx->dseen, nd * sizeof(*ctx->dseen));
	arena_array_donate(ctx->hseen, nh * sizeof(*ctx->hseen));
	arena_array_donate(ctx->dhash, nd * sizeof(*ctx->dhash));
	arena_array_donate(ctx->hhash, nh * sizeof(*ctx->hhash));
	free(ctx->rseen);
	free(ctx->kseen);
	arena_array_donate(ctx->seen_ent, ctx->nseen_ent *
	    sizeof(*ctx->seen_ent));
}

int
config_seen_line(const struct cfg_ctx *ctx, const struct cfg_seen *s,
    enum cfg_key slot)
{
	if (s->n == 0)
		return 0;	/* seen_ent may still be NULL: no offset to it */
	const struct cfg_seen_ent *e = ctx->seen_ent + s->first;

	for (size_t i = 0; i < s->n; i++)
		if (e[i].slot == slot)
			return e[i].line;
	return 0;
}

void
config_seen_start(struct cfg_ctx *ctx, struct cfg_seen *s)
{
	s->first = ctx->nseen_ent;
	s->n = 0;
	ctx->seen = s;
}
