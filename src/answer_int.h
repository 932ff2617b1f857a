/* answer_int.h -- the table's insides: answer*.c only. */
#ifndef OCSDNSD_ANSWER_INT_H
#define OCSDNSD_ANSWER_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "arena.h"
#include "encode.h"

/*
 * Load time only: a name, its records and flags, in the scratch arena.
 * Compiling writes each as a struct cnode; this copy goes with the build.
 * 32 bytes: ten million of them at 1,000,000 domains. Hence the limits: a
 * table of at most NODE_ZONES_MAX zones, a name of at most NODE_RRS_MAX
 * records (a view beyond either is refused, not cut short).
 */
#define NODE_ZONES_MAX	ANSWER_ZONES_MAX
#define NODE_RRS_MAX	ANSWER_NAME_RRS_MAX

struct node {
	uint8_t		*name;		/* lower-case wire */
	/*
	 * The records at this name: a run of its zone's (answer_zload.rrs;
	 * synthesis writes a name's records together), or, once a second
	 * run came (own), a list of its own with room for node_cap() of them.
	 */
	struct enc_rr	*rrs;
	uint32_t	 zone : 24;	/* index in t->zones */
	uint32_t	 name_len : 8;
	uint32_t	 nrrs : 24;
	uint32_t	 cname : 1;
	uint32_t	 cut : 1;	/* NS below the apex: a zone cut */
	uint32_t	 deleg : 1;	/* at or below a cut: other is the referral */
	uint32_t	 wild : 1;	/* "*." this name exists (RFC 4592) */
	uint32_t	 splice : 1;	/* answers for LOOKUP_SPLICE: no question */
	uint32_t	 own : 1;	/* rrs is its own, not its zone's */
	uint32_t	 hash;		/* wire_name_hash(name) */
	union {
		uint32_t seq;		/* the insert's: when it met it first */
		uint32_t ref;		/* the compile's: a struct slot's ref */
	};
};

_Static_assert(sizeof(struct node) <= 32, "a node is 32 bytes");

/*
 * What the compile reads of a zone, beside its struct answer_zone: load
 * time only, so the zones served are 24 bytes each, not 40.
 */
struct answer_zload {
	struct enc_rr	 soa;		/* a copy: the records get sorted */
	struct enc_rr	*rrs;		/* the zone's records, in order */
};

_Static_assert(sizeof(struct answer_zone) <= 24, "a zone served is 24 bytes");

/* The type of n's record i. */
static inline uint16_t
node_type(const struct node *n, size_t i)
{
	return n->rrs[i].type;
}

/*
 * Load time: the hash beside the node's index + 1 (0: empty). The insert
 * runs in parts, one per thread, each owning a range of the slots and the
 * nodes of the names whose hash falls there: a node's index holds its part
 * above NODE_PART_SHIFT, its place among that part's nodes below.
 */
struct bslot {
	uint32_t	 hash;
	uint32_t	 idx;
};

#define INSERT_PARTS_MAX 4

/* Tests: the parts of every insert (at most INSERT_PARTS_MAX), 0 as usual. */
extern size_t	answer_insert_parts;
#define NODE_PART_SHIFT	28
#define NODE_PART_MASK	((1u << NODE_PART_SHIFT) - 1)

/*
 * A compiled node, 4-aligned in its builder's block: this header, the
 * name, then (4-aligned) one struct cans per answer, the "other" answer
 * last when CN_OTHER says there is one, then the variants (struct
 * answer_var, each its message inline) and the offset tables of rotating
 * answers. No pointer inside: offsets from the node's start. A query
 * reads the header and the name in one cache line, the answers next.
 */
struct cnode {
	uint32_t	 zone;		/* index in t->zones */
	uint16_t	 nanswers;	/* sorted by qtype; "other" not counted */
	uint8_t		 name_len;
	uint8_t		 flags;		/* CN_* */
	uint8_t		 name[];	/* lower-case wire */
};

#define CN_CUT		0x01	/* NS below the apex: a zone cut */
#define CN_DELEG	0x02	/* at or below a cut: other is the referral */
#define CN_WILD		0x04	/* "*." this name exists (RFC 4592) */
#define CN_SPLICE	0x08	/* answers for LOOKUP_SPLICE: no question */
#define CN_OTHER	0x10	/* an answer for the types not listed */

/* One answer of a compiled node: 8 bytes. */
struct cans {
	uint16_t	 qtype;
	uint8_t		 nvar;		/* several when an address RRset rotates */
	atomic_uchar	 next;		/* round robin: the variant to send next */
	uint32_t	 off;		/* from the node: the variant (nvar 1), or
					   a uint32_t[nvar] of the variants' offsets */
};

_Static_assert(_Alignof(struct cnode) <= 4 && _Alignof(struct cans) <= 4,
    "a node and its answers need no more than REF_UNIT's alignment");

static inline struct cans *
cnode_answers(const struct cnode *cn)
{
	return (struct cans *)((uintptr_t)cn +
	    ((sizeof(*cn) + cn->name_len + 3) & ~(size_t)3));
}

/*
 * A slot of the served table: 8 bytes. ref 0 is empty; else its top four
 * bits are the block that holds the node, the rest the node's offset
 * there in units of REF_UNIT bytes (so up to 1 GiB a block). A block is
 * one builder's, and may be shared with the tables of later reloads.
 */
struct slot {
	uint32_t	 hash;
	uint32_t	 ref;
};

#define REF_SHIFT	28
#define REF_MASK	((1u << REF_SHIFT) - 1)
#define REF_UNIT	4	/* a node's alignment: its header's */
#define BLOCKS_MAX	16	/* blocks of a table: REF_SHIFT leaves 4 bits */

/* A growable mapped block a builder writes its nodes into. */
struct block {
	uint8_t		*base;
	size_t		 len, cap;
	size_t		 populated;	/* bytes faulted in ahead of len */
};

/*
 * A sealed block, shared by every table whose slots point into it: a
 * reload's table takes the old one's blocks for the zones it did not
 * compile again. Freed with its last table (refs, atomic: an old table
 * may be freed while a reload builds from the one after it).
 */
struct shblock {
	struct block	 k;
	atomic_size_t	 refs;
};

struct answer_table {
	struct slot	*slots;
	size_t		 nslots;	/* any count: see answer_slot_home() */
	size_t		 nnodes;
	uint8_t		*base[BLOCKS_MAX];	/* blk[i]->k.base: the query path */
	struct shblock	*blk[BLOCKS_MAX];	/* the compiled nodes, or NULL */
	struct answer_zone *zones;	/* some empty (apex NULL) after a share */
	struct answer_zload *zload;	/* by zone, load time only (else NULL) */
	size_t		 nzones;
	uint8_t		*solo;		/* by zone: reads nothing but itself (a reload's) */
	uint32_t	*zof;		/* by the view's zone: its index in zones */
	size_t		 nzof;
	size_t		 nshared;	/* zones taken from the previous table */
	struct arena	 arena;		/* the zones' names and SOA tails */
	/* Load time only, then freed: */
	struct bslot	*bslots;
	size_t		 nbparts;	/* the insert's parts, each a range of */
	size_t		 nbpart;	/* nbpart slots: any count, not a power of two */
	struct arena	 scratch;	/* the nodes' names and record lists */
	struct block	 nodes[INSERT_PARTS_MAX];	/* each part's struct node[] */
	size_t		 nnodes_part[INSERT_PARTS_MAX];	/* how many in each */
	uint32_t	*order;		/* the nodes' indexes as met, or NULL: part 0's */
	struct slot	*kept;		/* slots taken from the previous table */
	size_t		 nkept;
};

/*
 * Where hash's probe starts: its place in [0, nslots) by its top bits, a
 * multiply and a shift (Lemire's "fast range"), not a mask. The table is
 * sized for its nodes, not to a power of two, so its memory grows as they
 * do: at 1,000,000 domains a power of two was 256 MiB where 165 do.
 */
static inline size_t
answer_slot_home(const struct answer_table *t, uint32_t hash)
{
	return (size_t)(((uint64_t)hash * t->nslots) >> 32);
}

/* The slot after i, the first after the last. */
static inline size_t
answer_slot_next(const struct answer_table *t, size_t i)
{
	return i + 1 == t->nslots ? 0 : i + 1;
}

static inline const struct cnode *
answer_node_of(const struct answer_table *t, uint32_t ref)
{
	return (const struct cnode *)(t->base[ref >> REF_SHIFT] +
	    (size_t)(ref & REF_MASK) * REF_UNIT);
}

/* Load time: the node at index i (a struct bslot's idx - 1). */
static inline struct node *
answer_node_at(const struct answer_table *t, uint32_t i)
{
	return (struct node *)(void *)t->nodes[i >> NODE_PART_SHIFT].base +
	    (i & NODE_PART_MASK);
}

/* Load time: the i-th node in the order the insert met them. */
static inline struct node *
answer_node_nth(const struct answer_table *t, size_t i)
{
	return answer_node_at(t, t->order != NULL ? t->order[i] : (uint32_t)i);
}

/*
 * Load time: where hash's probe starts, in the range [*lo, *hi) of its
 * part's slots, which it stays in. Its part is its top bits, its place in
 * the part the next ones (Lemire's "fast range", as answer_slot_home()):
 * the slots are sized for the names, not to a power of two.
 */
static inline size_t
answer_bslot_home(const struct answer_table *t, uint32_t hash, size_t *lo,
    size_t *hi)
{
	uint64_t h = (uint64_t)hash * t->nbparts;

	*lo = (size_t)(h >> 32) * t->nbpart;
	*hi = *lo + t->nbpart;
	return *lo + (size_t)(((h & 0xffffffffu) * t->nbpart) >> 32);
}

/* The insert part of hash: the part whose range its probe stays in. */
static inline size_t
answer_bslot_part(const struct answer_table *t, uint32_t hash)
{
	return (size_t)(((uint64_t)hash * t->nbparts) >> 32);
}

/* Load time: the node of lower-case wire name (hash its hash), or NULL. */
struct node	*answer_table_find(const struct answer_table *t,
		    const uint8_t *name, size_t len, uint32_t hash);

/* Load time: the closest existing ancestor's node, or NULL. */
struct node	*answer_table_closest(const struct answer_table *t,
		    const uint8_t *name, size_t len);


#define BUILDER_FOUND	64	/* a builder's nodes found last: a power of two */

/*
 * What compiling writes to: an arena and a message buffer. Each thread of
 * the build has its own; the table itself is only read meanwhile.
 */
struct answer_builder {
	const struct answer_table *t;
	struct answer_zone *const *parent;	/* by zone: its parent here, or NULL */
	struct arena arena;			/* zones' bytes (builder 0) */
	struct block out;			/* the compiled nodes */
	unsigned idx;				/* which block: a ref's top bits */
	size_t node_at, ans_at;			/* in out: the node compiling */
	struct enc *enc;
	/* The nodes its look-ups found last, by hash (answer_compile.c). */
	const struct node *found[BUILDER_FOUND];
};

/*
 * Lower-case copy of the uncompressed wire name at name, which may be at
 * most max bytes; returns its length, 0 when it is not a name.
 */
/* The length of the uncompressed wire name at name (at most max bytes), 0: not one. */
size_t		answer_name_len(const uint8_t *name, size_t max);
size_t		answer_lname(const uint8_t *name, size_t max,
		    uint8_t out[DNS_MAX_NAME]);
/*
 * The name in rr's rdata that wants addresses in the additional section
 * (NS, MX, SRV: lower case into name), its length, or 0.
 */
size_t		answer_additional_target(const struct enc_rr *rr,
		    uint8_t name[DNS_MAX_NAME]);

/* The records of type at node n (sorted by type), as a slice of n->rrs. */
struct enc_section answer_node_rrset(const struct node *n, uint16_t type);

/*
 * Compiles n into a struct cnode at the end of b->out and sets n->ref.
 * Every node's records are sorted and its flags set before any is
 * compiled. Returns 0 or -1.
 */
int		answer_compile_node(struct answer_builder *b, struct node *n);

/* Appends n bytes aligned to align (a power of two) to k: their offset, or SIZE_MAX. */
size_t		answer_block_reserve(struct block *k, size_t n, size_t align);

/*
 * The same, without a call while the bytes are in what is faulted in
 * already: the insert takes a node at a time, a million at 100,000 domains.
 */
static inline size_t
answer_block_take(struct block *k, size_t n, size_t align)
{
	size_t at = (k->len + align - 1) & ~(align - 1);

	if (at + n > k->populated)
		return answer_block_reserve(k, n, align);
	k->len = at + n;
	return at;
}
void		answer_block_free(struct block *k);
/*
 * Frees k, the pages it faulted in becoming the next arenas' and blocks'
 * chunks (arena_donate()): for a block the build is done with while more
 * are still to be written.
 */
void		answer_block_donate(struct block *k);

/* A shared block taking k's mapping (k is left empty); NULL when out of memory. */
struct shblock	*answer_shblock_new(struct block *k);
/* One more owner of s (NULL: nothing); the last put frees it. */
struct shblock	*answer_shblock_get(struct shblock *s);
void		answer_shblock_put(struct shblock *s);

/*
 * Load time ends: the slots take the compiled nodes (n->ref), the blocks
 * give back what they mapped beyond their ends, and what only the build
 * used goes. Returns 0 or -1.
 */
int		answer_table_seal(struct answer_table *t);

/*
 * answer_share.c: what of prev a reload's table t takes over (the zones
 * same[] names that are solo; see there), and back to a table of its own.
 */
struct synth_view;
long		answer_plan_share(struct answer_table *t,
		    const struct synth_view *sv, const struct answer_table *prev,
		    const long *same, unsigned *free_idx, size_t *nfreep);
void		answer_table_unshare(struct answer_table *t);

/* Picks the variant of a (of node cn) to send and advances its round robin. */
const struct answer_var *answer_next(const struct cnode *cn, struct cans *a);

#endif
