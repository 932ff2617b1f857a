/* arena.c -- memory allocated in large chunks and freed all at once. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"

/*
 * Everything a table holds is allocated once and freed at once: an arena of
 * large chunks instead of a malloc() per node, name and answer. The chunks
 * are mapped, not malloc()ed: between the small blocks of the load (ldns
 * records, freed once the answers are compiled) they would pin the heap's
 * pages, so the process kept its start-up peak; mapped, the heap shrinks
 * back and freeing an arena hands its pages to the kernel at once. Mapped
 * populated: one fault per chunk instead of one per page (a tenth of the
 * start-up was page faults). The first chunk is small and each next one
 * twice the last, up to ARENA_CHUNK: a populated megabyte for every table
 * and every build thread made a ten-domain start-up take 8 ms, not 3.
 */
#define ARENA_FIRST	(64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

/*
 * Pages faulted in already, handed over by what no longer needs them
 * (arena_donate()), as whole chunks for the next arenas: where a fresh
 * page costs a fault and the kernel's clearing (and, in a VM, the host's),
 * at 1,000,000 domains two seconds of CPU a gigabyte, these cost nothing.
 * Each piece is ARENA_CHUNK bytes, the first word the next piece.
 */
static pthread_mutex_t	 pool_lock = PTHREAD_MUTEX_INITIALIZER;
static void		*pool_head;
static size_t		 pool_given;	/* since the last drain */

void *
arena_pool_take(void)
{
	void *p;

	pthread_mutex_lock(&pool_lock);
	if ((p = pool_head) != NULL)
		memcpy(&pool_head, p, sizeof(pool_head));
	pthread_mutex_unlock(&pool_lock);
	return p;
}

size_t
arena_donate(void *p, size_t len)
{
	const uintptr_t mask = ~(uintptr_t)(ARENA_CHUNK - 1);
	uintptr_t from = ((uintptr_t)p + ARENA_CHUNK - 1) & mask;
	uintptr_t to = ((uintptr_t)p + len) & mask;

	/* The ends, less than a piece, go back to the kernel. */
	if (from >= to) {
		(void)munmap(p, len);
		return 0;
	}
	if (from > (uintptr_t)p)
		(void)munmap(p, from - (uintptr_t)p);
	if ((uintptr_t)p + len > to)
		(void)munmap((void *)to, (uintptr_t)p + len - to);
	pthread_mutex_lock(&pool_lock);
	for (uintptr_t q = from; q < to; q += ARENA_CHUNK) {
		memcpy((void *)q, &pool_head, sizeof(pool_head));
		pool_head = (void *)q;
		pool_given++;
	}
	pthread_mutex_unlock(&pool_lock);
	return (size_t)(to - from) / ARENA_CHUNK;
}

size_t
arena_pool_drain(size_t *taken)
{
	size_t n = 0, given;
	void *p;

	while ((p = arena_pool_take()) != NULL) {
		(void)munmap(p, ARENA_CHUNK);
		n++;
	}
	pthread_mutex_lock(&pool_lock);
	given = pool_given;
	pool_given = 0;
	pthread_mutex_unlock(&pool_lock);
	if (taken != NULL)
		*taken = given > n ? given - n : 0;
	return n;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (c == NULL || c->size - c->used < n) {
		size_t next = c == NULL ? ARENA_FIRST : 2 * (sizeof(*c) + c->size);
		if (next > ARENA_CHUNK)
			next = ARENA_CHUNK;
		size_t size = n > next / 4 ? n : next - sizeof(*c);
		void *m = sizeof(*c) + size == ARENA_CHUNK ? arena_pool_take() :
		    NULL;
		if (m == NULL && (m = mmap(NULL, sizeof(*c) + size,
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_POPULATE, -1, 0)) == MAP_FAILED)
			return NULL;
		c = m;
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
		munmap(c, sizeof(*c) + c->size);
	}
}

void
arena_huge_hint(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t to = ((uintptr_t)p + len) & ~(huge - 1);

	if (to > from)
		(void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

/* --- large arrays --------------------------------------------------------- */

/*
 * An array's mapping starts with its length, the array ARRAY_HDR bytes in
 * (max_align_t's alignment). The config's domains, hosts and their
 * bookkeeping, 900 MB at 1,000,000 domains: malloc()ed, their pages went
 * back to the kernel when they went, and the build's blocks took fresh
 * ones, at two seconds of CPU a gigabyte on a VM.
 */
#define ARRAY_HDR	16
#define ARRAY_PAGE	((size_t)4096)

_Static_assert(ARRAY_HDR % _Alignof(max_align_t) == 0,
    "an array keeps any type's alignment");

static size_t
array_pages(size_t bytes)
{
	return (ARRAY_HDR + bytes + ARRAY_PAGE - 1) & ~(ARRAY_PAGE - 1);
}

void *
arena_array_resize(void *p, size_t bytes)
{
	size_t len, need;
	char *base, *m;

	if (bytes > SIZE_MAX / 2)
		return NULL;
	need = array_pages(bytes);
	if (p == NULL) {
		m = mmap(NULL, need, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		memcpy(m, &need, sizeof(need));
		return m + ARRAY_HDR;
	}
	base = (char *)p - ARRAY_HDR;
	memcpy(&len, base, sizeof(len));
	if (need == len)
		return p;
	if (need < len) {
		(void)munmap(base + need, len - need);
		memcpy(base, &need, sizeof(need));
		return p;
	}
#ifdef ARENA_NO_MREMAP
	m = mmap(NULL, need, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) {
		memcpy(m, base, len);
		(void)munmap(base, len);
	}
#else
	m = mremap(base, len, need, MREMAP_MAYMOVE);
#endif
	if (m == MAP_FAILED)
		return NULL;
	memcpy(m, &need, sizeof(need));
	return m + ARRAY_HDR;
}

size_t
arena_array_size(const void *p)
{
	size_t len;

	memcpy(&len, (const char *)p - ARRAY_HDR, sizeof(len));
	return len - ARRAY_HDR;
}

void
arena_array_free(void *p)
{
	size_t len;

	if (p == NULL)
		return;
	memcpy(&len, (char *)p - ARRAY_HDR, sizeof(len));
	(void)munmap((char *)p - ARRAY_HDR, len);
}

void
arena_array_donate(void *p, size_t used)
{
	size_t len, keep;
	char *base;

	if (p == NULL)
		return;
	base = (char *)p - ARRAY_HDR;
	memcpy(&len, base, sizeof(len));
	keep = array_pages(used);
	if (keep < len) {
		(void)munmap(base + keep, len - keep);
		len = keep;
	}
	(void)arena_donate(base, len);
}
