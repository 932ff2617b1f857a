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
/*
 * One donated chunk (ARENA_CHUNK bytes, page-aligned, faulted in, not
 * zeroed), now the caller's to munmap() or mremap(); NULL when none is left.
 */
void	*arena_pool_take(void);

/*
 * A large array that grows by doubling, mapped by itself: growing moves
 * page tables, not bytes, and when it goes its pages can become the next
 * arenas' chunks (arena_array_donate()). p is NULL or from here, bytes the
 * size it is to have (a shrink gives the tail back); the array is at the
 * address returned, aligned for any type, its new bytes zeroed. NULL when
 * out of memory, p as it was.
 */
void	*arena_array_resize(void *p, size_t bytes);
/* The bytes p has room for (whole pages, less what they start with). */
size_t	 arena_array_size(const void *p);
/* Frees p (NULL: nothing). */
void	 arena_array_free(void *p);
/*
 * Frees p, the pages of its first used bytes (those written to) donated
 * as arena_donate() does; the rest go back to the kernel.
 */
void	 arena_array_donate(void *p, size_t used);

/*
 * Asks for huge pages under the whole 2 MiB pages of the len bytes at p,
 * where the kernel has them for the asking: for a large table probed at
 * random, whose look-ups would miss the TLB on 4 KiB pages. Only a hint;
 * best before the pages are touched.
 */
void	 arena_huge_hint(void *p, size_t len);

/*
 * ThreadSanitizer does not intercept mremap(): the range it leaves would
 * keep its old accesses, and the next mapping there would be reported as
 * racing with them (google/sanitizers#1099). Under it, a new mapping and
 * a copy instead, and no chunk moved into a block.
 */
#if defined(__SANITIZE_THREAD__)
#define ARENA_NO_MREMAP 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ARENA_NO_MREMAP 1
#endif
#endif

#endif
