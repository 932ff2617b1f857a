/* arena.h -- memory allocated in large chunks and freed all at once. */
#ifndef OCSDNSD_ARENA_H
#define OCSDNSD_ARENA_H

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

#endif
