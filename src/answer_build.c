/* answer_build.c -- compile a view's zones into the answer table, threaded. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer_int.h"
#include "encode.h"
#include "synth.h"

#define BUILD_THREADS_MAX 4	/* threads compiling a large table */
#define INSERT_BATCH	16	/* records hashed ahead of their lookups */
#define BUILD_PARALLEL_MIN 4096	/* records: below it, one thread */

/* --- nodes -------------------------------------------------------------- */

/* The lists live in the scratch arena: growing one leaves the old behind. */
static int
node_add_rr(struct answer_table *t, struct node *n, const struct enc_rr *rr)
{
	if (n->nrrs == n->caprrs) {
		size_t cap = n->caprrs ? (size_t)n->caprrs * 2 : 2;
		const struct enc_rr **v = arena_alloc(&t->scratch, cap * sizeof(*v));
		uint16_t *ty = arena_alloc(&t->scratch, cap * sizeof(*ty));
		if (v == NULL || ty == NULL)
			return -1;
		if (n->nrrs > 0) {
			memcpy(v, n->rrs, n->nrrs * sizeof(*v));
			memcpy(ty, n->types, n->nrrs * sizeof(*ty));
		}
		n->rrs = v;
		n->types = ty;
		if (cap > UINT32_MAX)
			return -1;
		n->caprrs = (uint32_t)cap;
	}
	n->types[n->nrrs] = rr->type;
	n->rrs[n->nrrs++] = rr;
	return 0;
}

/* Sorts a node's records by type, keeping their order within a type. */
static void
node_sort(struct node *n)
{
	for (size_t i = 1; i < n->nrrs; i++) {
		uint16_t t = n->types[i];
		const struct enc_rr *rr = n->rrs[i];
		size_t j = i;

		for (; j > 0 && n->types[j - 1] > t; j--) {
			n->types[j] = n->types[j - 1];
			n->rrs[j] = n->rrs[j - 1];
		}
		n->types[j] = t;
		n->rrs[j] = rr;
	}
}

/* --- building the table ------------------------------------------------- */

/*
 * The records of packed zone sz, read into the scratch arena (the nodes
 * point at them until compiled); NULL when out of memory or malformed.
 */
static const struct enc_rr *
zone_records(struct answer_table *t, const struct synth_zone *sz, size_t *n)
{
	size_t count = sz->wire.nrrs, i = 0;
	struct enc_rr *v = arena_alloc(&t->scratch,
	    (count ? count : 1) * sizeof(*v));
	struct zonewire_iter it;
	struct zonewire_rr r;

	if (v == NULL || sz->wire.buf == NULL)
		return NULL;
	zonewire_iter(&sz->wire, ZONEWIRE_ZONE, &it);
	while (i < count && zonewire_next(&it, &r))
		if (!enc_rr_parse(&v[i++], r.wire, r.len))
			return NULL;
	*n = i;
	return i == count ? v : NULL;
}

static int
zone_init(struct answer_builder *b, struct answer_zone *z,
    const struct synth_zone *sz, const struct enc_rr *recs, size_t count)
{
	const struct enc_rr *soa = count > 0 ? &recs[0] : NULL;
	uint8_t name[DNS_MAX_NAME];
	size_t len;
	struct enc *e = b->enc;

	if (soa == NULL || soa->type != LDNS_RR_TYPE_SOA ||
	    (len = answer_lname(soa->owner, soa->owner_len, name)) == 0 ||
	    (z->apex = arena_alloc(&b->arena, len)) == NULL)
		return -1;
	memcpy(z->apex, name, len);
	z->apex_len = (uint8_t)len;
	z->soa = soa;
	/* The negative-answer SOA carries the negative TTL (RFC 2308 section 3). */
	z->neg_ttl = sz->neg_ttl;
	enc_reset(e);
	enc_rr(e, soa, &z->neg_ttl, false);
	/* Keep what follows the (uncompressed) owner name. */
	if (e->full || e->len <= len ||
	    (z->soa_tail = arena_alloc(&b->arena, e->len - len)) == NULL)
		return -1;
	z->soa_tail_len = (uint16_t)(e->len - len);
	memcpy(z->soa_tail, e->buf + len, z->soa_tail_len);
	return 0;
}

/*
 * Adds a node for each empty non-terminal between name and the apex. An
 * ancestor already there has its own ancestors already: stop at it.
 */
static int
add_ancestors(struct answer_table *t, const uint8_t *name, size_t len,
    struct answer_zone *z)
{
	while (len > z->apex_len) {
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
		uint32_t hash = wire_name_hash(name, len);
		if (answer_table_find(t, name, len, hash) != NULL)
			break;
		if (answer_table_insert(t, name, len, hash, z) == NULL)
			return -1;
	}
	return 0;
}

/*
 * Adds the records of zone sz, a few at a time: their names' hashes first,
 * with hints to fetch their slots and their parents', then the lookups,
 * whose cache misses then overlap.
 */
static int
insert_zone(struct answer_table *t, struct answer_zone *z,
    const struct enc_rr *recs, size_t count)
{
	struct {
		uint8_t name[DNS_MAX_NAME];
		size_t len;
		uint32_t hash;
	} p[INSERT_BATCH];

	for (size_t i = 0; i < count; i += INSERT_BATCH) {
		size_t m = count - i < INSERT_BATCH ? count - i : INSERT_BATCH;

		for (size_t k = 0; k < m; k++) {
			const struct enc_rr *rr = &recs[i + k];
			if ((p[k].len = answer_lname(rr->owner, rr->owner_len,
			    p[k].name)) == 0)
				return -1;
			p[k].hash = wire_name_hash(p[k].name, p[k].len);
			__builtin_prefetch(&t->bslots[p[k].hash & t->bmask]);
			if (p[k].len > z->apex_len) {
				const uint8_t *up = p[k].name + 1 + p[k].name[0];
				size_t uplen = p[k].len - 1 - p[k].name[0];
				__builtin_prefetch(&t->bslots[
				    wire_name_hash(up, uplen) & t->bmask]);
			}
		}
		for (size_t k = 0; k < m; k++) {
			struct node *n = answer_table_insert(t, p[k].name, p[k].len,
			    p[k].hash, z);
			if (n == NULL ||
			    node_add_rr(t, n, &recs[i + k]) < 0 ||
			    add_ancestors(t, p[k].name, p[k].len, z) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * A wildcard node (RFC 4592: its first label is "*", with data of its own
 * or an empty non-terminal) answers with the query name as owner, and its
 * parent, the closest encloser of the names it answers, says it is there.
 */
static void
mark_wildcard(struct answer_table *t, struct node *n)
{
	if (n->name_len <= 2 || n->name[0] != 1 || n->name[1] != '*' ||
	    n->name_len <= n->zone->apex_len)
		return;
	n->splice = true;
	struct node *up = answer_table_find(t, n->name + 2,
	    (size_t)n->name_len - 2, wire_name_hash(n->name + 2,
	    (size_t)n->name_len - 2));
	if (up != NULL)
		up->wild = true;
}

/* Every node at or below a cut of its zone answers with the referral. */
static void
mark_delegated(struct answer_table *t)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *n = (struct node *)t->nodes.base + i;
		const uint8_t *name = n->name;
		size_t len = n->name_len;

		while (len > n->zone->apex_len && !n->deleg) {
			const struct node *m = answer_table_find(t, name, len,
			    wire_name_hash(name, len));
			n->deleg = m != NULL && m->cut;
			len -= 1 + (size_t)name[0];
			name += 1 + name[0];
		}
	}
}

/*
 * Each zone's parent in this table: the zone of the closest node above its
 * apex (a node belongs to the longest zone that holds it), or NULL.
 */
static struct answer_zone **
zone_parents(const struct answer_table *t)
{
	struct answer_zone **up = calloc(t->nzones ? t->nzones : 1, sizeof(*up));

	if (up == NULL)
		return NULL;
	for (size_t i = 0; i < t->nzones; i++) {
		const struct answer_zone *z = &t->zones[i];
		if (z->apex_len <= 1)	/* the root has no parent */
			continue;
		const struct node *n = answer_table_closest(t,
		    z->apex + 1 + z->apex[0], z->apex_len - 1 - z->apex[0]);
		if (n != NULL && n->zone != z)
			up[i] = n->zone;
	}
	return up;
}

/* A share of the nodes to compile, in a thread of its own or not. */
struct compile_job {
	struct answer_builder b;
	struct node *v;
	size_t n;
	int rc;
	pthread_t thread;
	bool started;
};

static void *
compile_run(void *arg)
{
	struct compile_job *j = arg;

	j->rc = 0;
	for (size_t i = 0; i < j->n && j->rc == 0; i++)
		if (answer_compile_node(&j->b, &j->v[i]) < 0)
			j->rc = -1;
	return NULL;
}

/* How many threads compile: one for small data, else one per CPU (a few). */
static size_t
compile_threads(size_t nrrs)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (nrrs < BUILD_PARALLEL_MIN || ncpu <= 1)
		return 1;
	return ncpu < BUILD_THREADS_MAX ? (size_t)ncpu : BUILD_THREADS_MAX;
}

/* Compiles every node, the shares in parallel. Returns 0 or -1. */
static int
compile_all(struct answer_table *t, struct compile_job *jobs, size_t njobs)
{
	size_t per = t->nnodes / njobs;
	int rc = 0;

	/* No zone, no node: and no node array to take shares of (NULL). */
	if (t->nnodes == 0)
		return 0;
	for (size_t k = 0; k < njobs; k++) {
		jobs[k].v = (struct node *)t->nodes.base + k * per;
		jobs[k].n = k + 1 < njobs ? per : t->nnodes - k * per;
	}
	for (size_t k = 1; k < njobs; k++)
		jobs[k].started = pthread_create(&jobs[k].thread, NULL,
		    compile_run, &jobs[k]) == 0;
	compile_run(&jobs[0]);
	for (size_t k = 1; k < njobs; k++) {
		if (jobs[k].started)
			pthread_join(jobs[k].thread, NULL);
		else
			compile_run(&jobs[k]);	/* no thread: here, then */
	}
	for (size_t k = 0; k < njobs; k++)
		if (jobs[k].rc < 0)
			rc = -1;
	return rc;
}

/* The builders' arenas and blocks join the table's; their buffers go. */
static void
builders_finish(struct answer_table *t, struct compile_job *jobs, size_t njobs)
{
	for (size_t k = 0; k < njobs; k++) {
		arena_join(&t->arena, &jobs[k].b.arena);
		t->blocks[k] = jobs[k].b.out;
		memset(&jobs[k].b.out, 0, sizeof(jobs[k].b.out));
		free(jobs[k].b.enc);
		jobs[k].b.enc = NULL;
	}
}

struct answer_table *
answer_table_build(const struct synth_view *sv)
{
	struct answer_table *t = calloc(1, sizeof(*t));
	struct compile_job jobs[BUILD_THREADS_MAX];
	size_t njobs = 0;
	struct answer_zone **parent = NULL;

	if (t == NULL)
		return NULL;
	memset(jobs, 0, sizeof(jobs));
	/* Sized for about one node per record: growing rehashes them all. */
	size_t nrrs = 0;
	for (size_t zi = 0; zi < sv->nzones; zi++)
		nrrs += sv->zones[zi].wire.nrrs;
	for (t->bmask = 63; t->bmask + 1 < nrrs * 2; t->bmask = t->bmask * 2 + 1)
		;
	t->bslots = calloc(t->bmask + 1, sizeof(*t->bslots));
	t->zones = calloc(sv->nzones ? sv->nzones : 1, sizeof(*t->zones));
	njobs = compile_threads(nrrs);
	for (size_t k = 0; k < njobs; k++) {
		jobs[k].b.t = t;
		jobs[k].b.idx = (unsigned)k;
		if ((jobs[k].b.enc = malloc(sizeof(*jobs[k].b.enc))) == NULL)
			goto fail;
	}
	if (t->bslots == NULL || t->zones == NULL)
		goto fail;

	for (size_t zi = 0; zi < sv->nzones; zi++) {
		const struct synth_zone *sz = &sv->zones[zi];
		struct answer_zone *z = &t->zones[zi];

		const struct enc_rr *recs;
		size_t count = 0;

		t->nzones++;
		if ((recs = zone_records(t, sz, &count)) == NULL ||
		    zone_init(&jobs[0].b, z, sz, recs, count) < 0 ||
		    insert_zone(t, z, recs, count) < 0)
			goto fail;
	}
	/*
	 * Every node's records sorted by type and its CNAME flag set before any
	 * is compiled: following a chain looks at the nodes further on.
	 */
	bool cuts = false;
	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *n = (struct node *)t->nodes.base + i;
		node_sort(n);	/* an empty non-terminal has no records */
		n->cname = answer_node_rrset(n, LDNS_RR_TYPE_CNAME).n > 0;
		n->cut = n->name_len != n->zone->apex_len &&
		    answer_node_rrset(n, LDNS_RR_TYPE_NS).n > 0;
		cuts = cuts || n->cut;
		mark_wildcard(t, n);
	}
	if (cuts)
		mark_delegated(t);
	if ((parent = zone_parents(t)) == NULL)
		goto fail;
	for (size_t k = 0; k < njobs; k++)
		jobs[k].b.parent = parent;
	/*
	 * In the order added: zone by zone, what a compile reads is near.
	 * Meanwhile the load-time nodes are only read, but for each one's
	 * ref, which its own compile writes.
	 */
	if (compile_all(t, jobs, njobs) < 0)
		goto fail;
	builders_finish(t, jobs, njobs);
	free(parent);
	if (answer_table_seal(t) < 0) {
		answer_table_free(t);
		return NULL;
	}
	return t;
fail:
	builders_finish(t, jobs, njobs);
	free(parent);
	answer_table_free(t);
	return NULL;
}

int
answer_prepare(struct answer *a, ldns_rr **rrs, size_t n)
{
	struct enc *e = malloc(sizeof(*e));
	uint8_t **wire = calloc(n ? n : 1, sizeof(*wire));
	struct enc_rr *v = calloc(n ? n : 1, sizeof(*v));
	const struct enc_rr **pv = calloc(n ? n : 1, sizeof(*pv));
	struct enc_section an = { pv, n, NULL }, none = { NULL, 0, NULL };
	size_t noadd;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	if (e == NULL || wire == NULL || v == NULL || pv == NULL || n == 0)
		goto out;
	/* The encoder reads wire records: these few go through ldns's writer. */
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		if (ldns_rr2wire(&wire[i], rrs[i], LDNS_SECTION_ANSWER, &len) !=
		    LDNS_STATUS_OK || !enc_rr_parse(&v[i], wire[i], len))
			goto out;
		pv[i] = &v[i];
	}
	a->qtype = v[0].type;
	if (enc_render(e, v[0].owner, a->qtype, v[0].rrclass,
	    LDNS_RCODE_NOERROR, &an, &none, &none, &noadd) < 0)
		goto out;
	enc_drop_question(e, &noadd);	/* as the table's: dns.c puts it in */
	if ((a->var = malloc(sizeof(*a->var) + e->len)) == NULL)
		goto out;
	memcpy(a->var->wire, e->buf, e->len);
	a->var->len = a->var->len_noadd = (uint16_t)e->len;
	a->var->arcount = 0;
	a->nvar = 1;
	rc = 0;
out:
	for (size_t i = 0; wire != NULL && i < n; i++)
		free(wire[i]);
	free(wire);
	free(v);
	free(pv);
	free(e);
	if (rc < 0)
		answer_clear(a);
	return rc;
}
