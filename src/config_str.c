/* config_str.c -- domains' and hosts' strings in one region, freed at once. */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "config_int.h"

/*
 * At 100,000 domains the configuration holds a million small strings, one
 * malloc() each; config_shed() freed them one by one (140 ms, a cache miss
 * each). Those of [domain] and [host] sections (and a domain's defaults)
 * are bump-allocated instead from one anonymous mapping, as large as the
 * file says they can be; untouched pages cost nothing, and it goes back to
 * the kernel in one munmap(). Both threads of config_read() allocate from
 * it, hence the atomic offset. A string that does not fit, or any string
 * when the mapping failed, is malloc'd as before: config_str_free() tells
 * the two apart by address.
 */

struct cfg_strs {
	char		*base;
	size_t		 cap;
	atomic_size_t	 used;
};

struct cfg_strs *
config_strs_new(size_t file_len)
{
	/*
	 * Measured at 100,000 domains: 1.7 bytes here for each of the file
	 * (a list's growth leaves copies; a domain's defaults are not in
	 * the file). Only the pages written to cost memory.
	 */
	size_t cap = 3 * file_len + (1u << 20);
	struct cfg_strs *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		free(st);
		return NULL;
	}
	st->base = p;
	st->cap = cap;
	atomic_init(&st->used, 0);
	return st;
}

void
config_strs_free(struct cfg_strs *st)
{
	if (st == NULL)
		return;
	(void)munmap(st->base, st->cap);
	free(st);
}

size_t
config_strs_donate(struct cfg_strs *st)
{
	if (st == NULL)
		return 0;
	size_t used = atomic_load(&st->used), page = 4096;
	used = (used + page - 1) & ~(page - 1);
	if (used > st->cap)	/* full: the region's last page is partly its */
		used = st->cap;
	/* Only what was written to is faulted in: the rest, untouched, goes. */
	if (used < st->cap)
		(void)munmap(st->base + used, st->cap - used);
	size_t n = used > 0 ? arena_donate(st->base, used) : 0;
	free(st);
	return n;
}

/*
 * n bytes in st, NULL when full. Every block is a multiple of 8 bytes, so
 * each starts aligned for the lists' elements (pointers, addresses).
 */
static void *
strs_alloc(struct cfg_strs *st, size_t n)
{
	size_t want = (n + 7) & ~(size_t)7;
	if (want < n)
		return NULL;
	size_t off = atomic_fetch_add_explicit(&st->used, want,
	    memory_order_relaxed);
	if (off > st->cap || want > st->cap - off)
		return NULL;
	return st->base + off;
}

char *
config_strs_dup(struct cfg_strs *st, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (st != NULL && (p = strs_alloc(st, n)) != NULL)
		return memcpy(p, s, n);
	p = malloc(n);
	return p != NULL ? memcpy(p, s, n) : NULL;
}

/*
 * config_ctx_append() for the small lists of a domain or a host (targets,
 * names, addresses): in the region while ctx->strs_on, where growing is a
 * copy to a new block (the old one is left, a few bytes). A list that
 * started outside the region grows with realloc() as before.
 */
void *
config_ctx_append_small(struct cfg_ctx *ctx, void *arrayp, size_t *n,
    size_t size)
{
	void *old, *new;

	memcpy(&old, arrayp, sizeof(old));
	if (!ctx->strs_on || ctx->strs == NULL ||
	    (old != NULL && !config_str_in(ctx->strs, old)))
		return config_ctx_append(ctx, arrayp, n, size);
	/* The capacity is the power of two at or above *n, as there. */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;
		if (cap > SIZE_MAX / size) {
			ctx->oom = true;
			return NULL;
		}
		/* The region full: on the heap from now on. */
		if ((new = strs_alloc(ctx->strs, cap * size)) == NULL &&
		    (new = malloc(cap * size)) == NULL) {
			ctx->oom = true;
			return NULL;
		}
		if (*n > 0)
			memcpy(new, old, *n * size);
		memcpy(arrayp, &new, sizeof(new));
	} else
		new = old;
	return config_array_push(new, n, size);
}

bool
config_str_in(const struct cfg_strs *st, const void *p)
{
	return st != NULL && (uintptr_t)p >= (uintptr_t)st->base &&
	    (uintptr_t)p < (uintptr_t)st->base + st->cap;
}

void
config_str_free(const struct cfg_strs *st, void *p)
{
	if (config_str_in(st, p))
		return;		/* in the region: freed with it */
	free(p);
}
