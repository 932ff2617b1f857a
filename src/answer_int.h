/* answer_int.h -- the table's insides: answer.c and answer_build.c only. */
#ifndef OCSDNSD_ANSWER_INT_H
#define OCSDNSD_ANSWER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "arena.h"
#include "encode.h"

/* 64 bytes: one cache line. */
struct node {
	uint8_t		*name;		/* lower-case wire */
	struct answer_zone *zone;
	struct answer	*answers;	/* by qtype, sorted */
	struct answer	*other;		/* CNAME node: types the chain's end lacks */
	/* Load time only: the records at this name, borrowed from the view. */
	const struct enc_rr **rrs;
	uint16_t	*types;		/* rrs[i]'s type: no trip to the record */
	uint32_t	 nrrs;
	uint32_t	 caprrs;
	uint32_t	 hash;		/* wire_name_hash(name) */
	uint16_t	 nanswers;
	uint8_t		 name_len;
	bool		 cname : 1;
	bool		 cut : 1;	/* NS below the apex: a zone cut */
	bool		 deleg : 1;	/* at or below a cut: other is the referral */
	bool		 wild : 1;	/* "*." this name exists (RFC 4592) */
	bool		 splice : 1;	/* answers for LOOKUP_SPLICE: no question */
};

_Static_assert(sizeof(struct node) <= 64, "a node fits a cache line");

/* The hash sits beside the pointer: a probe touches no node but the match. */
struct slot {
	uint32_t	 hash;
	struct node	*node;
};

struct answer_table {
	struct slot	*slots;
	size_t		 mask;
	size_t		 nnodes;
	struct answer_zone *zones;
	size_t		 nzones;
	struct arena	 arena;		/* nodes, names, answers */
	struct arena	 scratch;	/* load time only: nodes before compiling */
	struct node	**order;	/* load time only: nodes as added */
};

/* The node of lower-case wire name (wire_name_hash() = hash), or NULL. */
struct node	*answer_table_find(const struct answer_table *t,
		    const uint8_t *name, size_t len, uint32_t hash);

/* The zone that holds name: the closest existing ancestor's node, or NULL. */
struct node	*answer_table_closest(const struct answer_table *t,
		    const uint8_t *name, size_t len);

/*
 * Load time: finds or adds the node of name in zone z, in the scratch arena
 * and at the end of t->order. NULL when out of memory.
 */
struct node	*answer_table_insert(struct answer_table *t, const uint8_t *name,
		    size_t len, uint32_t hash, struct answer_zone *z);

/*
 * What compiling writes to: an arena and a message buffer. Each thread of
 * the build has its own; the table itself is only read meanwhile.
 */
struct answer_builder {
	const struct answer_table *t;
	struct answer_zone *const *parent;	/* by zone: its parent here, or NULL */
	struct arena arena;
	struct enc *enc;
};

/*
 * Lower-case copy of the uncompressed wire name at name, which may be at
 * most max bytes; returns its length, 0 when it is not a name.
 */
size_t		answer_lname(const uint8_t *name, size_t max,
		    uint8_t out[DNS_MAX_NAME]);

/* The records of type at node n (sorted by type), as a slice of n->rrs. */
struct enc_section answer_node_rrset(const struct node *n, uint16_t type);

/*
 * Compiles *np into a fresh copy in b's arena, put in its place. Every
 * node's records are sorted and its flags set before any is compiled.
 * Returns 0 or -1.
 */
int		answer_compile_node(struct answer_builder *b, struct node **np);

#endif
