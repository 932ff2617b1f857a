/* arena.c -- memory allocated in large chunks and freed all at once. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/*
 * Everything a table holds is allocated once and freed at once: an arena of
 * large chunks instead of a malloc() per node, name and answer.
 */
#define ARENA_CHUNK	(256 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		if ((c = malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		c->used = 0;
		c->size = size;
		if (size == n && a->head != NULL) {
			/* A large one: keep filling the current chunk. */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void
arena_join(struct arena *dst, struct arena *src)
{
	struct arena_chunk *c = src->head;

	while (c != NULL) {
		struct arena_chunk *next = c->next;
		c->next = dst->head;
		dst->head = c;
		c = next;
	}
	src->head = NULL;
}

void
arena_free(struct arena *a)
{
	while (a->head != NULL) {
		struct arena_chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
}
