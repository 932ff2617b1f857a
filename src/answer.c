/* answer.c -- the table of prepared answers: find, lookup, prefetch, rotate. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "answer_int.h"

#define PREFETCH_LINES	4	/* cache lines of a node to prefetch */
#define BLOCK_MIN	(1024 * 1024)	/* a builder's first block */

/* --- the load-time table ------------------------------------------------ */

struct node *
answer_table_find(const struct answer_table *t, const uint8_t *name,
    size_t len, uint32_t hash)
{
	size_t lo, hi;

	for (size_t i = answer_bslot_home(t, hash, &lo, &hi);;
	    i = i + 1 == hi ? lo : i + 1) {
		const struct bslot *sl = &t->bslots[i];
		if (sl->idx == 0)
			return NULL;
		if (sl->hash != hash)
			continue;
		struct node *n = answer_node_at(t, sl->idx - 1);
		if (n->name_len == len && memcmp(n->name, name, len) == 0)
			return n;
	}
}

/* The zone that holds name: the closest existing ancestor's zone. */
struct node *
answer_table_closest(const struct answer_table *t, const uint8_t *name,
    size_t len)
{
	while (len > 0) {
		struct node *n = answer_table_find(t, name, len,
		    wire_name_hash(name, len));
		if (n != NULL)
			return n;
		if (name[0] == 0)
			break;
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
	}
	return NULL;
}

/* --- the blocks --------------------------------------------------------- */

/*
 * Mapped, not malloc()ed: freeing a block hands its pages back at once (a
 * large malloc() block may sit in the heap, which then keeps its peak).
 * Its first mapping reserves BLOCK_RESERVE bytes of addresses, no memory
 * (what a ref can reach: a block never grows past it, so never moves);
 * where the kernel will not, it starts small and grows by mremap(). Its
 * bytes are made ready a megabyte ahead of the writes: a chunk the
 * configuration donated moved into place (arena_pool_take(), pages
 * written to already, so no fault and no clearing, zeroed here), else
 * fresh pages faulted in at once (MADV_POPULATE_WRITE: one call instead
 * of a fault a page, a tenth of a start-up's time else).
 */
#define BLOCK_RESERVE	((size_t)(REF_MASK + 1) * REF_UNIT)

/*
 * k's mapping, grown to cap bytes, possibly elsewhere; MAP_FAILED when out
 * of memory (k unchanged). A new mapping and a copy under ThreadSanitizer
 * (ARENA_NO_MREMAP), or when chunks moved in made the block several
 * mappings, which mremap() does not move as one.
 */
static void *
block_move(struct block *k, size_t cap)
{
	void *m = MAP_FAILED;

#ifndef ARENA_NO_MREMAP
	if ((m = mremap(k->base, k->cap, cap, MREMAP_MAYMOVE)) != MAP_FAILED)
		return m;
#endif
	m = mmap(NULL, cap, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) {
		memcpy(m, k->base, k->len);
		munmap(k->base, k->cap);
		/* Faulted in by the copy; never a chunk moved over them. */
		k->populated = (k->len + 4095) & ~(size_t)4095;
	}
	return m;
}

/* The first mapping of a block that is to hold n bytes. */
static void *
block_map(size_t n, size_t *cap)
{
	void *m = MAP_FAILED;

#ifndef ARENA_NO_MREMAP
	if (n <= BLOCK_RESERVE) {
		m = mmap(NULL, BLOCK_RESERVE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		*cap = BLOCK_RESERVE;
	}
#endif
	if (m == MAP_FAILED) {
		*cap = BLOCK_MIN;
		while (*cap < n)
			*cap *= 2;
		m = mmap(NULL, *cap, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	return m;
}

/* k's bytes from k->populated up to to (a BLOCK_MIN multiple, or k->cap). */
static void
block_populate(struct block *k, size_t to)
{
	uint8_t *at = k->base + k->populated, *end = k->base + to;

#ifndef ARENA_NO_MREMAP
	for (void *c; end - at >= ARENA_CHUNK &&
	    (c = arena_pool_take()) != NULL; at += ARENA_CHUNK) {
		if (mremap(c, ARENA_CHUNK, ARENA_CHUNK, MREMAP_MAYMOVE |
		    MREMAP_FIXED, at) == MAP_FAILED) {
			munmap(c, ARENA_CHUNK);
			break;
		}
		memset(at, 0, ARENA_CHUNK);
	}
#endif
	/* Only a hint: an older kernel faults the pages in as written. */
	if (at < end)
		(void)madvise(at, (size_t)(end - at), MADV_POPULATE_WRITE);
	k->populated = to;
}

size_t
answer_block_reserve(struct block *k, size_t n, size_t align)
{
	size_t at = (k->len + align - 1) & ~(align - 1);

	if (at + n > k->cap) {
		size_t cap = k->cap;
		void *m;
		if (k->base == NULL)
			m = block_map(at + n, &cap);
		else {
			while (cap < at + n)
				cap *= 2;
			m = block_move(k, cap);
		}
		if (m == MAP_FAILED)
			return SIZE_MAX;
		k->base = m;
		k->cap = cap;
	}
	if (at + n > k->populated) {
		size_t to = (at + n + BLOCK_MIN - 1) & ~(size_t)(BLOCK_MIN - 1);
		block_populate(k, to < k->cap ? to : k->cap);
	}
	k->len = at + n;
	return at;
}

/* Gives back the pages a block mapped beyond what it holds. */
static void
block_trim(struct block *k)
{
	size_t page = 4096, keep = (k->len + page - 1) & ~(page - 1);

	if (k->base == NULL || keep >= k->cap)
		return;
	if (keep == 0) {
		answer_block_free(k);
		return;
	}
	/* The tail unmapped, not mremap()ed: the same, and TSan sees it. */
	if (munmap(k->base + keep, k->cap - keep) == 0) {
		k->cap = keep;
		k->populated = k->populated < keep ? k->populated : keep;
	}
}

void
answer_block_free(struct block *k)
{
	if (k->base != NULL)
		munmap(k->base, k->cap);
	memset(k, 0, sizeof(*k));
}

void
answer_block_donate(struct block *k)
{
	size_t page = 4096, keep = k->populated & ~(page - 1);

	if (k->base == NULL)
		return;
	if (keep < k->cap)
		(void)munmap(k->base + keep, k->cap - keep);
	if (keep > 0)
		(void)arena_donate(k->base, keep);
	memset(k, 0, sizeof(*k));
}

struct shblock *
answer_shblock_new(struct block *k)
{
	struct shblock *s = malloc(sizeof(*s));

	if (s == NULL)
		return NULL;
	s->k = *k;
	memset(k, 0, sizeof(*k));
	atomic_init(&s->refs, 1);
	return s;
}

struct shblock *
answer_shblock_get(struct shblock *s)
{
	if (s != NULL)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

void
answer_shblock_put(struct shblock *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	answer_block_free(&s->k);
	free(s);
}

#define SEAL_AHEAD	16	/* nodes whose slots are fetched ahead */

/* Load time ends: the slots take the compiled nodes, the rest goes. */
int
answer_table_seal(struct answer_table *t)
{
	/*
	 * Filled to half: 8-byte slots, eight to a cache line, keep the probes
	 * of a hit or a miss within a line or two. Twice the nodes, not the
	 * power of two at or above 5/3 of them (answer_slot_home()): that
	 * filled 0.3 to 0.6, and made the memory grow by steps, not as the
	 * nodes do. At 0.6 a query took 7 instructions more (callgrind,
	 * 10,000 domains).
	 */
	size_t size = (t->nnodes + t->nkept) * 2;

	if (size < 64)
		size = 64;
	/*
	 * The load-time slots are as wide and, kept at most half full too, as
	 * many or more, their pages already faulted in: the served slots take
	 * their place.
	 */
	if (t->bslots != NULL && size <= t->nbparts * t->nbpart) {
		t->slots = (struct slot *)t->bslots;
		t->bslots = NULL;
		memset(t->slots, 0, size * sizeof(*t->slots));
	} else if ((t->slots = calloc(size, sizeof(*t->slots))) == NULL)
		return -1;
	t->nslots = size;
	/*
	 * The nodes in order, their slots at random: each slot asked for
	 * SEAL_AHEAD nodes before it is written, so the misses overlap.
	 */
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct node *n = answer_node_nth(t, i);
		if (i + SEAL_AHEAD < t->nnodes) {
			uint32_t ahead = answer_node_nth(t, i + SEAL_AHEAD)->hash;
			__builtin_prefetch(&t->slots[answer_slot_home(t, ahead)], 1);
		}
		size_t j = answer_slot_home(t, n->hash);
		while (t->slots[j].ref != 0)
			j = answer_slot_next(t, j);
		t->slots[j].hash = n->hash;
		t->slots[j].ref = n->ref;
	}
	/* The nodes of the zones shared with the previous table, as they were. */
	for (size_t i = 0; i < t->nkept; i++) {
		size_t j = answer_slot_home(t, t->kept[i].hash);
		while (t->slots[j].ref != 0)
			j = answer_slot_next(t, j);
		t->slots[j] = t->kept[i];
	}
	t->nnodes += t->nkept;
	free(t->kept);
	t->kept = NULL;
	t->nkept = 0;
	struct slot *fit = realloc(t->slots, size * sizeof(*t->slots));
	if (fit != NULL)
		t->slots = fit;
	for (size_t k = 0; k < BLOCKS_MAX; k++)
		if (t->blk[k] != NULL && atomic_load(&t->blk[k]->refs) == 1) {
			/* Only a block of its own: a shared one is sealed. */
			block_trim(&t->blk[k]->k);
			t->base[k] = t->blk[k]->k.base;
		}
	for (size_t k = 0; k < INSERT_PARTS_MAX; k++)
		answer_block_free(&t->nodes[k]);
	free(t->order);
	t->order = NULL;
	free(t->bslots);
	t->bslots = NULL;
	arena_free(&t->scratch);
	/* The records read went with the scratch arena. */
	free(t->zload);
	t->zload = NULL;
	return 0;
}

void
answer_table_free(struct answer_table *t)
{
	if (t == NULL)
		return;
	for (size_t k = 0; k < BLOCKS_MAX; k++)
		answer_shblock_put(t->blk[k]);
	arena_free(&t->arena);
	arena_free(&t->scratch);
	for (size_t k = 0; k < INSERT_PARTS_MAX; k++)
		answer_block_free(&t->nodes[k]);
	free(t->order);
	free(t->bslots);
	free(t->zones);
	free(t->zload);
	free(t->solo);
	free(t->zof);
	free(t->kept);
	free(t->slots);
	free(t);
}

void
answer_clear(struct answer *a)
{
	free(a->var);
	memset(a, 0, sizeof(*a));
}

const struct answer_var *
answer_next(const struct cnode *cn, struct cans *a)
{
	const uint8_t *base = (const uint8_t *)cn;

	if (a->nvar <= 1)
		return (const struct answer_var *)(base + a->off);
	/*
	 * Several workers may move it at once: relaxed loads and stores keep
	 * that free of data races, and a lost step only makes the rotation a
	 * little uneven.
	 */
	unsigned i = atomic_load_explicit(&a->next, memory_order_relaxed) %
	    a->nvar;
	atomic_store_explicit(&a->next, (unsigned char)((i + 1) % a->nvar),
	    memory_order_relaxed);
	uint32_t off;
	memcpy(&off, base + a->off + 4 * i, sizeof(off));
	return (const struct answer_var *)(base + off);
}

/* --- the query path ----------------------------------------------------- */

static const struct cnode *
find(const struct answer_table *t, const uint8_t *name, size_t len,
    uint32_t hash)
{
	for (size_t i = answer_slot_home(t, hash);; i = answer_slot_next(t, i)) {
		const struct slot *sl = &t->slots[i];
		if (sl->ref == 0)
			return NULL;
		if (sl->hash != hash)
			continue;
		const struct cnode *cn = answer_node_of(t, sl->ref);
		if (cn->name_len == len && memcmp(cn->name, name, len) == 0)
			return cn;
	}
}

static const struct cnode *
closest(const struct answer_table *t, const uint8_t *name, size_t len)
{
	while (len > 0) {
		const struct cnode *cn = find(t, name, len,
		    wire_name_hash(name, len));
		if (cn != NULL)
			return cn;
		if (name[0] == 0)
			break;
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
	}
	return NULL;
}

void
answer_prefetch_slot(const struct answer_table *t, uint32_t hash)
{
	__builtin_prefetch(&t->slots[answer_slot_home(t, hash)]);
}

void
answer_prefetch_node(const struct answer_table *t, uint32_t hash)
{
	for (size_t i = answer_slot_home(t, hash);; i = answer_slot_next(t, i)) {
		const struct slot *sl = &t->slots[i];
		if (sl->ref == 0)
			return;
		if (sl->hash == hash) {
			/* The node, its name, answers and their messages. */
			const char *p = (const char *)answer_node_of(t, sl->ref);
			for (int k = 0; k < PREFETCH_LINES; k++)
				__builtin_prefetch(p + 64 * k);
			return;
		}
	}
}

/*
 * The source of synthesis of closest encloser ce (RFC 4592 section 3.3.1):
 * its child "*", which exists when ce's CN_WILD says so. No allocation:
 * the name is put together on the stack.
 */
static const struct cnode *
wildcard_of(const struct answer_table *t, const struct cnode *ce)
{
	uint8_t name[DNS_MAX_NAME];
	size_t len = (size_t)ce->name_len + 2;

	if (len > DNS_MAX_NAME)
		return NULL;
	name[0] = 1;
	name[1] = '*';
	memcpy(name + 2, ce->name, ce->name_len);
	return find(t, name, len, wire_name_hash(name, len));
}

void
answer_lookup(struct answer_table *t, const uint8_t *lname, size_t len,
    uint32_t hash, uint16_t qtype, struct lookup *out)
{
	const struct cnode *n = find(t, lname, len, hash);
	bool below = n == NULL;		/* answered by an ancestor, if at all */

	out->var = NULL;
	out->zone = NULL;
	if (n == NULL) {
		/* lname itself is absent: its ancestors, from its parent up. */
		n = lname[0] == 0 ? NULL : closest(t,
		    lname + 1 + lname[0], len - 1 - lname[0]);
		const struct cnode *w = n != NULL &&
		    (n->flags & (CN_DELEG | CN_WILD)) == CN_WILD ?
		    wildcard_of(t, n) : NULL;
		if (n == NULL || (!(n->flags & CN_DELEG) && w == NULL)) {
			out->kind = n ? LOOKUP_NXDOMAIN : LOOKUP_REFUSED;
			out->zone = n ? &t->zones[n->zone] : NULL;
			return;
		}
		/* Below a cut, or the closest encloser's wildcard answers. */
		if (w != NULL)
			n = w;
	}
	out->zone = &t->zones[n->zone];
	/* The answers are written once, then only their round robin moves. */
	struct cans *a = cnode_answers(n);
	if (n->flags & CN_DELEG) {
		/*
		 * DS at the cut is the parent's (RFC 4035 section 3.1.4.1):
		 * its one answer when the zone has a DS RRset there. A name
		 * below the cut gets the referral, DS or not.
		 */
		if ((n->flags & CN_CUT) && !below && qtype == LDNS_RR_TYPE_DS) {
			out->kind = n->nanswers ? LOOKUP_ANSWER : LOOKUP_NODATA;
			out->var = n->nanswers ? answer_next(n, &a[0]) : NULL;
		} else {
			out->kind = LOOKUP_SPLICE;
			out->var = answer_next(n, &a[n->nanswers]);
		}
		return;
	}
	enum lookup_kind found = (n->flags & CN_SPLICE) ? LOOKUP_SPLICE :
	    LOOKUP_ANSWER;
	/* ANY (RFC 8482): the first RRset only, a small answer. */
	if (qtype == TYPE_ANY && n->nanswers > 0) {
		out->kind = found;
		out->var = answer_next(n, &a[0]);
		return;
	}
	for (size_t i = 0; i < n->nanswers; i++) {
		if (a[i].qtype == qtype) {
			out->kind = found;
			out->var = answer_next(n, &a[i]);
			return;
		}
	}
	if (n->flags & CN_OTHER) {
		out->kind = found;
		out->var = answer_next(n, &a[n->nanswers]);
		return;
	}
	out->kind = LOOKUP_NODATA;
}
