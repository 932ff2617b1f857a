/* arena.h -- memory allocated in large chunks and freed all at once. */
#ifndef OCSDNSD_ARENA_H
#define OCSDNSD_ARENA_H

#define ARENA_CHUNK	(1024 * 1024)	/* a chunk's bytes, at most (but one large) */

#include <stddef.h>

struct arena_chunk;

/* Zero-initialised it is empty; it owns every chunk on its list. */
struct arena {
	struct arena_chunk *head;
};

/* n bytes aligned for any type, NULL when out of memory. */
void	*arena_alloc(struct arena *a, size_t n);
/* The same, zeroed. */
void	*arena_zalloc(struct arena *a, size_t n);
/* Moves every chunk of src to dst: it is freed with dst, src is empty. */
void	 arena_join(struct arena *dst, struct arena *src);
/* Frees every chunk; a stays usable, empty. */
void	 arena_free(struct arena *a);
/*
 * The mapped pages at p (page-aligned, len bytes, faulted in), which the
 * caller never touches again: whole chunks of them become the next arenas'
 * chunks, as they are (not zeroed), the rest goes back to the kernel. For
 * a build that drains them when done: until then they are the process's.
 * Returns how many chunks it gave.
 */
size_t	 arena_donate(void *p, size_t len);
/*
 * The chunks donated and not taken, back to the kernel: how many; *taken
 * (if not NULL) how many were taken since the last drain.
 */
size_t	 arena_pool_drain(size_t *taken);

#endif
