/* config_read.c -- the file parsed; a large one's halves in two threads. */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "config_int.h"
#include "par.h"

/*
 * Reading a large file was a third of the start-up at 100,000 domains, on
 * one CPU. So the file is cut at a [domain] header near its middle, and a
 * second thread parses the second half into a configuration of its own
 * while this one parses the first. The halves are joined only when the
 * second came out as if it had been parsed after the first: it holds only
 * [domain] and [host] sections (nothing there reads what the first half
 * set), it reported nothing, and none of its names is in the first half.
 * Otherwise its work is dropped and the second half parsed again after the
 * first, here, exactly as one thread would: the messages are then the same
 * in every case, line numbers included.
 */

/* Below this the thread costs more than it saves. */
#define SPLIT_MIN	(256u << 10)

struct part {
	struct cfg_ctx	 ctx;
	struct config	 cfg;
	const char	*src;		/* the whole file: lines before ctx.src */
	int		 first_line;	/* the lines before it */
	int		 rc;
	bool		 bad;		/* a section other than [domain], [host] */
};

/* --- the second half ---------------------------------------------------- */

static bool
only_domains_and_hosts(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '[') {
			size_t left = (size_t)(end - p);
			if (!(left > 8 && memcmp(p, "[domain ", 8) == 0) &&
			    !(left > 6 && memcmp(p, "[host ", 6) == 0))
				return false;
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return true;
}

static void *
part_run(void *arg)
{
	struct part *p = arg;
	const char *from = p->ctx.src;

	if (!only_domains_and_hosts(from, p->ctx.src_end)) {
		p->bad = true;
		return NULL;
	}
	/* Its lines are numbered as the file's: the first half's counted. */
	for (const char *q = p->src; q < from; q++) {
		if ((q = memchr(q, '\n', (size_t)(from - q))) == NULL)
			break;
		p->ctx.line++;
	}
	p->first_line = p->ctx.line;
	p->rc = config_parse_range(&p->ctx);
	return NULL;
}

/* --- the join ----------------------------------------------------------- */

static size_t
pow2_at_least(size_t n)
{
	size_t c = 1;

	while (c < n)
		c *= 2;
	return c;
}

/*
 * Appends the m elements of size at from to the array at arrayp holding *n,
 * with the capacity config_ctx_append() assumes (the power of two at or
 * above the count). -1 when out of memory.
 */
static int
array_join(void *arrayp, size_t *n, const void *from, size_t m, size_t size)
{
	void *old, *new;

	if (m == 0)
		return 0;
	memcpy(&old, arrayp, sizeof(old));
	if (pow2_at_least(*n + m) > SIZE_MAX / size ||
	    (new = arena_array_resize(old, pow2_at_least(*n + m) * size)) ==
	    NULL)
		return -1;
	memcpy((char *)new + *n * size, from, m * size);
	memcpy(arrayp, &new, sizeof(new));
	*n += m;
	return 0;
}

/*
 * The join in two jobs side by side: the domains (k 0) and the hosts,
 * each moved after the first half's and indexed at once from the names'
 * hashes, both halves' (every part hashes its names, none indexes them).
 */
struct join_job {
	struct cfg_ctx	*ctx;
	struct part	*p;
	size_t		 ne;		/* the first half's seen_ent */
	int		 rc[2];		/* 0, 1 a name twice, -1 out of memory */
};

/*
 * One kind of item, the domains or the hosts: the second half's n2 (their
 * seen entries, hashes and items) after the first's, then all indexed.
 * 0, 1 a name twice, -1 out of memory.
 */
static int
join_items(size_t ne, struct cfg_seen **seen, uint32_t **hash, void *items,
    size_t *n, size_t stride, struct cfg_index *x, struct cfg_seen *seen2,
    const uint32_t *hash2, const void *items2, size_t n2)
{
	size_t n1 = *n, m = n1;
	void *base;

	for (size_t i = 0; i < n2; i++)
		seen2[i].first += ne;
	if (array_join(seen, &m, seen2, n2, sizeof(**seen)) == -1 ||
	    (m = n1, array_join(hash, &m, hash2, n2, sizeof(**hash))) == -1 ||
	    array_join(items, n, items2, n2, stride) == -1)
		return -1;
	memcpy(&base, items, sizeof(base));
	return config_index_build(x, base, stride, *n, *hash);
}

static void
join_part(void *arg, size_t k, size_t nparts)
{
	struct join_job *j = arg;
	struct cfg_ctx *ctx = j->ctx, *x2 = &j->p->ctx;
	struct config *cfg = ctx->cfg, *c2 = &j->p->cfg;

	(void)nparts;
	if (k == 0) {
		j->rc[k] = join_items(j->ne, &ctx->dseen, &ctx->dhash,
		    &cfg->domains, &cfg->ndomains, sizeof(*cfg->domains),
		    &cfg->domain_index, x2->dseen, x2->dhash, c2->domains,
		    c2->ndomains);
		return;
	}
	/* The seen entries themselves go with the hosts. */
	if (array_join(&ctx->seen_ent, &ctx->nseen_ent, x2->seen_ent,
	    x2->nseen_ent, sizeof(*ctx->seen_ent)) == -1) {
		j->rc[k] = -1;
		return;
	}
	j->rc[k] = join_items(j->ne, &ctx->hseen, &ctx->hhash, &cfg->hosts,
	    &cfg->nhosts, sizeof(*cfg->hosts), &cfg->host_index, x2->hseen,
	    x2->hhash, c2->hosts, c2->nhosts);
}

/*
 * Moves the second half's domains and hosts after the first's and indexes
 * them all: 0, or -1 when a name is there twice (ctx->redo) or out of
 * memory (ctx->oom); then the second half still owns what it read.
 */
static int
join(struct cfg_ctx *ctx, struct part *p)
{
	struct config *cfg = ctx->cfg;
	struct join_job j = { .ctx = ctx, .p = p, .ne = ctx->nseen_ent };
	size_t nd = cfg->ndomains, nh = cfg->nhosts;

	par_run(2, join_part, &j);
	if (j.rc[0] == 0 && j.rc[1] == 0) {
		ctx->nhost_sections = cfg->nhosts;
		return 0;
	}
	if (j.rc[0] == -1 || j.rc[1] == -1)
		ctx->oom = true;
	else
		ctx->redo = true;
	cfg->ndomains = nd;
	cfg->nhosts = nh;
	ctx->nseen_ent = j.ne;
	return -1;
}

/*
 * The first half's names indexed, as one pass would have while reading
 * them: 0, or -1 when one is there twice (ctx->redo) or out of memory.
 */
static int
index_first(struct cfg_ctx *ctx)
{
	struct config *cfg = ctx->cfg;
	int rc = config_index_build(&cfg->domain_index, cfg->domains,
	    sizeof(*cfg->domains), cfg->ndomains, ctx->dhash);

	if (rc == 0)
		rc = config_index_build(&cfg->host_index, cfg->hosts,
		    sizeof(*cfg->hosts), cfg->nhosts, ctx->hhash);
	if (rc == -1)
		ctx->oom = true;
	else if (rc == 1)
		ctx->redo = true;
	return rc == 0 ? 0 : -1;
}

static void
part_free(struct part *p, bool moved)
{
	p->ctx.diag = NULL;
	config_diag_flush(&p->ctx);
	/* Before the shed below: its arrays are donated as p->cfg counts. */
	config_ctx_free_seen(&p->ctx);
	/* Copied after the first half's, or dropped: the pages to the build. */
	if (moved) {
		arena_array_donate(p->cfg.domains,
		    p->cfg.ndomains * sizeof(*p->cfg.domains));
		arena_array_donate(p->cfg.hosts,
		    p->cfg.nhosts * sizeof(*p->cfg.hosts));
	} else
		config_shed_items(&p->cfg, true);
}

/* --- the whole ---------------------------------------------------------- */

/* ctx's remaining bytes parsed here; "syntax error" as inih reported it. */
static void
parse_rest(struct cfg_ctx *ctx)
{
	int base = ctx->line;
	int rc = config_parse_range(ctx);

	if (rc > 0 && ctx->nerrors == 0)
		config_diag_error(ctx, base + rc, "syntax error");
}

/* Where the second half starts: a "[domain " line past the middle, or NULL. */
static const char *
split_point(const char *src, size_t len)
{
	static const char hdr[] = "\n[domain ";

	if (len < SPLIT_MIN || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return NULL;
	const char *mid = src + len / 2, *end = src + len;
	const char *at = memmem(mid, (size_t)(end - mid), hdr, sizeof(hdr) - 1);
	return at != NULL ? at + 1 : NULL;
}

void
config_read(struct cfg_ctx *ctx, const char *src, size_t len)
{
	const char *end = src + len;
	const char *split = ctx->one_pass ? NULL : split_point(src, len);
	struct part *p = NULL;
	pthread_t tid;

	ctx->src = src;
	ctx->src_end = end;
	/* Looked for once here, not in every line: there is none, mostly. */
	ctx->has_nul = memchr(src, '\0', len) != NULL;
	if (split != NULL && (p = calloc(1, sizeof(*p))) != NULL) {
		p->src = src;
		p->ctx.cfg = &p->cfg;
		p->ctx.path = ctx->path;
		p->ctx.part = true;
		p->ctx.has_nul = ctx->has_nul;
		p->ctx.strs = p->cfg.strs = ctx->strs;
		p->ctx.src = split;
		p->ctx.src_end = end;
		if (pthread_create(&tid, NULL, part_run, p) != 0) {
			free(p);
			p = NULL;
		} else
			ctx->src_end = split;
	}
	if (p == NULL) {
		parse_rest(ctx);
		return;
	}
	/*
	 * The first half's names are hashed as they come and indexed once
	 * read, with the second's: no index grows slot by slot meanwhile.
	 */
	ctx->part = true;
	int base = ctx->line;
	int rc = config_parse_range(ctx);
	(void)pthread_join(tid, NULL);
	ctx->part = false;
	bool joined = false;
	if (rc == 0 && !ctx->oom && !p->bad && p->rc == 0 && !p->ctx.oom &&
	    p->ctx.nmsgs == 0 && p->first_line == ctx->line)
		joined = join(ctx, p) == 0;
	else if (!ctx->oom)
		(void)index_first(ctx);
	ctx->joined = joined;
	part_free(p, joined);
	free(p);
	/* A name twice: read again in one pass, for its messages (config_load()). */
	if (ctx->redo)
		return;
	if (rc > 0 && ctx->nerrors == 0)
		config_diag_error(ctx, base + rc, "syntax error");
	if (joined || rc != 0 || ctx->oom)
		return;
	ctx->src = split;
	ctx->src_end = end;
	parse_rest(ctx);
}
