/* answer.c -- the table of prepared answers: find, lookup, prefetch, rotate. */
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "answer_int.h"

#define PREFETCH_LINES	6	/* cache lines of a node's region to prefetch */

/* --- the table ---------------------------------------------------------- */

struct node *
answer_table_find(const struct answer_table *t, const uint8_t *name,
    size_t len, uint32_t hash)
{
	for (size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
		const struct slot *sl = &t->slots[i];
		if (sl->node == NULL)
			return NULL;
		if (sl->hash == hash && sl->node->name_len == len &&
		    memcmp(sl->node->name, name, len) == 0)
			return sl->node;
	}
}

static int
table_grow(struct answer_table *t)
{
	size_t size = (t->mask + 1) * 2;
	struct slot *slots = calloc(size, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i <= t->mask; i++) {
		if (t->slots[i].node == NULL)
			continue;
		size_t j = t->slots[i].hash & (size - 1);
		while (slots[j].node != NULL)
			j = (j + 1) & (size - 1);
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->mask = size - 1;
	return 0;
}

/* Finds or adds the node of name in zone z. NULL when out of memory. */
struct node *
answer_table_insert(struct answer_table *t, const uint8_t *name, size_t len,
    uint32_t hash, struct answer_zone *z)
{
	struct node *n = answer_table_find(t, name, len, hash);

	if (n != NULL)
		return n;
	if ((t->nnodes + 1) * 2 > t->mask + 1 && table_grow(t) < 0)
		return NULL;
	if ((n = arena_zalloc(&t->scratch, sizeof(*n))) == NULL ||
	    (n->name = arena_alloc(&t->scratch, len)) == NULL)
		return NULL;
	memcpy(n->name, name, len);
	n->name_len = (uint8_t)len;
	n->hash = hash;
	n->zone = z;
	if ((t->nnodes & (t->nnodes - 1)) == 0) {	/* 0, 1, 2, 4...: grow */
		struct node **o = realloc(t->order,
		    (t->nnodes ? t->nnodes * 2 : 1) * sizeof(*o));
		if (o == NULL)
			return NULL;
		t->order = o;
	}
	t->order[t->nnodes] = n;
	size_t i = hash & t->mask;
	while (t->slots[i].node != NULL)
		i = (i + 1) & t->mask;
	t->slots[i].hash = hash;
	t->slots[i].node = n;
	t->nnodes++;
	return n;
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

void
answer_table_free(struct answer_table *t)
{
	if (t == NULL)
		return;
	arena_free(&t->arena);
	arena_free(&t->scratch);
	free(t->order);
	free(t->zones);
	free(t->slots);
	free(t);
}

void
answer_clear(struct answer *a)
{
	for (size_t i = 0; i < a->nvar; i++)
		free(a->var[i].wire);
	free(a->var);
	memset(a, 0, sizeof(*a));
}

const struct answer_var *
answer_next(struct answer *a)
{
	unsigned i = 0;

	if (a->nvar > 1) {
		/*
		 * Several workers may move it at once: relaxed loads and stores
		 * keep that free of data races, and a lost step only makes the
		 * rotation a little uneven.
		 */
		i = atomic_load_explicit(&a->next, memory_order_relaxed) % a->nvar;
		atomic_store_explicit(&a->next, (i + 1) % a->nvar,
		    memory_order_relaxed);
	}
	return &a->var[i];
}

/* --- the query path ----------------------------------------------------- */

void
answer_prefetch_slot(const struct answer_table *t, uint32_t hash)
{
	__builtin_prefetch(&t->slots[hash & t->mask]);
}

void
answer_prefetch_node(const struct answer_table *t, uint32_t hash)
{
	for (size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
		const struct slot *sl = &t->slots[i];
		if (sl->node == NULL)
			return;
		if (sl->hash == hash) {
			/*
			 * The node, then its name, answers and their messages
			 * follow in the arena: the first few lines of that.
			 */
			const char *p = (const char *)sl->node;
			for (int k = 0; k < PREFETCH_LINES; k++)
				__builtin_prefetch(p + 64 * k);
			return;
		}
	}
}

/*
 * The source of synthesis of closest encloser ce (RFC 4592 section 3.3.1):
 * its child "*", which exists when ce->wild says so. No allocation: the
 * name is put together on the stack.
 */
static struct node *
wildcard_of(const struct answer_table *t, const struct node *ce)
{
	uint8_t name[DNS_MAX_NAME];
	size_t len = (size_t)ce->name_len + 2;

	if (len > DNS_MAX_NAME)
		return NULL;
	name[0] = 1;
	name[1] = '*';
	memcpy(name + 2, ce->name, ce->name_len);
	return answer_table_find(t, name, len, wire_name_hash(name, len));
}

void
answer_lookup(struct answer_table *t, const uint8_t *lname, size_t len,
    uint32_t hash, uint16_t qtype, struct lookup *out)
{
	struct node *n = answer_table_find(t, lname, len, hash);
	bool below = n == NULL;		/* answered by an ancestor, if at all */

	out->var = NULL;
	out->zone = NULL;
	if (n == NULL) {
		/* lname itself is absent: its ancestors, from its parent up. */
		n = lname[0] == 0 ? NULL : answer_table_closest(t,
		    lname + 1 + lname[0], len - 1 - lname[0]);
		struct node *w = n != NULL && !n->deleg && n->wild ?
		    wildcard_of(t, n) : NULL;
		if (n == NULL || (!n->deleg && w == NULL)) {
			out->kind = n ? LOOKUP_NXDOMAIN : LOOKUP_REFUSED;
			out->zone = n ? n->zone : NULL;
			return;
		}
		/* Below a cut, or the closest encloser's wildcard answers. */
		if (w != NULL)
			n = w;
	}
	out->zone = n->zone;
	if (n->deleg) {
		/*
		 * DS at the cut is the parent's (RFC 4035 section 3.1.4.1):
		 * its one answer when the zone has a DS RRset there. A name
		 * below the cut gets the referral, DS or not.
		 */
		if (n->cut && !below && qtype == LDNS_RR_TYPE_DS) {
			out->kind = n->nanswers ? LOOKUP_ANSWER : LOOKUP_NODATA;
			out->var = n->nanswers ? answer_next(&n->answers[0]) : NULL;
		} else {
			out->kind = LOOKUP_SPLICE;
			out->var = answer_next(n->other);
		}
		return;
	}
	enum lookup_kind found = n->splice ? LOOKUP_SPLICE : LOOKUP_ANSWER;
	/* ANY (RFC 8482): the first RRset only, a small answer. */
	if (qtype == TYPE_ANY && n->nanswers > 0) {
		out->kind = found;
		out->var = answer_next(&n->answers[0]);
		return;
	}
	for (size_t i = 0; i < n->nanswers; i++) {
		if (n->answers[i].qtype == qtype) {
			out->kind = found;
			out->var = answer_next(&n->answers[i]);
			return;
		}
	}
	if (n->other != NULL) {
		out->kind = found;
		out->var = answer_next(n->other);
		return;
	}
	out->kind = LOOKUP_NODATA;
}
