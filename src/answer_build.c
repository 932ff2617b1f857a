/* answer_build.c -- compile a view's zones into the answer table, threaded. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "answer_int.h"
#include "encode.h"
#include "log.h"
#include "par.h"
#include "synth.h"

#define BUILD_THREADS_MAX 4	/* threads compiling a large table */
#define INSERT_BATCH	16	/* records hashed ahead of their lookups */
#define BUILD_PARALLEL_MIN 4096	/* records: below it, one thread */
/*
 * Records one job compiles at most. Each job writes one block and a block
 * holds at most 1 GiB (REF_SHIFT): a record takes about 100 bytes compiled
 * (a million domains of bench/gen.py, 12 million records, 1.2 GB), so a
 * large view gets more jobs than CPUs rather than a block that overflows.
 */
#define BUILD_JOB_RRS	(4u << 20)
/*
 * Bytes a builder's block takes before its thread moves on to its next
 * builder: well under the 1 GiB a block can hold, and over the 400 MB of
 * a job's share, so the jobs together always have room for the view.
 */
#define BUILD_BLOCK_SOFT ((size_t)3 << 28)
#define BUILD_CHUNK	1024	/* nodes a thread takes at a time */

/* --- nodes -------------------------------------------------------------- */

/*
 * Appends count records to n's list. The lists live in the scratch arena:
 * growing one leaves the old behind.
 */
static int
node_add_rrs(struct answer_table *t, struct node *n, const struct enc_rr *rr,
    size_t count)
{
	if (n->nrrs + count > n->caprrs) {
		size_t cap = n->caprrs ? (size_t)n->caprrs * 2 : 2;
		if (cap < n->nrrs + count)
			cap = n->nrrs + count;
		if (cap > UINT32_MAX)
			return -1;
		/* One allocation: the types follow the records' pointers. */
		const struct enc_rr **v = arena_alloc(&t->scratch,
		    cap * (sizeof(*v) + sizeof(uint16_t)));
		if (v == NULL)
			return -1;
		uint16_t *ty = (uint16_t *)(void *)(v + cap);
		if (n->nrrs > 0) {
			memcpy(v, n->rrs, n->nrrs * sizeof(*v));
			memcpy(ty, n->types, n->nrrs * sizeof(*ty));
		}
		n->rrs = v;
		n->types = ty;
		n->caprrs = (uint32_t)cap;
	}
	for (size_t i = 0; i < count; i++) {
		n->types[n->nrrs] = rr[i].type;
		n->rrs[n->nrrs++] = &rr[i];
	}
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
 * The nodes an insert found or added last, by their hashes' low bits: a
 * zone's names share a few parents (the apex, "_tcp", "_tls"), which this
 * finds without a probe of the slots, each a cache miss at random in a
 * large view. A node stays where it is, so an entry never goes stale.
 */
#define RECENT_SIZE	64

struct recent {
	uint32_t	 idx[RECENT_SIZE];	/* node index + 1, or 0 */
};

static struct node *
recent_find(const struct answer_table *t, const struct recent *rc,
    const uint8_t *name, size_t len, uint32_t hash)
{
	uint32_t i = rc->idx[hash & (RECENT_SIZE - 1)];

	if (i == 0)	/* nothing there: and no index to add to the base */
		return NULL;
	struct node *n = (struct node *)t->nodes.base + (i - 1);
	if (n->hash == hash && n->name_len == len &&
	    memcmp(n->name, name, len) == 0)
		return n;
	return NULL;
}

static void
recent_put(const struct answer_table *t, struct recent *rc, struct node *n)
{
	rc->idx[n->hash & (RECENT_SIZE - 1)] =
	    (uint32_t)(n - (struct node *)t->nodes.base) + 1;
}

/*
 * Adds a node for each empty non-terminal between name and the apex. An
 * ancestor already there has its own ancestors already: stop at it.
 */
static int
add_ancestors(struct answer_table *t, struct recent *rc, const uint8_t *name,
    size_t len, uint32_t uphash, struct answer_zone *z)
{
	for (bool first = true; len > z->apex_len; first = false) {
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
		uint32_t hash = first ? uphash : wire_name_hash(name, len);
		if (recent_find(t, rc, name, len, hash) != NULL)
			break;
		struct node *n = answer_table_find(t, name, len, hash);
		if (n != NULL) {
			recent_put(t, rc, n);
			break;
		}
		if ((n = answer_table_insert(t, name, len, hash, z)) == NULL)
			return -1;
		recent_put(t, rc, n);
	}
	return 0;
}

/*
 * Adds the records of zone sz, a few owners at a time. Synthesis writes a
 * name's records together: a run of one owner's records is one look-up,
 * one node and one walk of its ancestors, where each record of the run
 * would find the same node and stop at the same parent. The
 * runs' names are hashed first, with hints to fetch their slots and their
 * parents', then looked up, whose cache misses then overlap.
 */
static int
insert_zone(struct answer_table *t, struct answer_zone *z,
    const struct enc_rr *recs, size_t count)
{
	struct {
		uint8_t name[DNS_MAX_NAME];
		size_t len, first, n;
		uint32_t hash, uphash;
	} p[INSERT_BATCH];
	struct recent rc;

	memset(&rc, 0, sizeof(rc));
	for (size_t i = 0; i < count;) {
		size_t m = 0;

		for (; m < INSERT_BATCH && i < count; m++) {
			const struct enc_rr *rr = &recs[i];
			size_t j = i + 1;
			/* The same bytes: the same name, whatever their case. */
			while (j < count && recs[j].owner_len == rr->owner_len &&
			    memcmp(recs[j].owner, rr->owner, rr->owner_len) == 0)
				j++;
			p[m].first = i;
			p[m].n = j - i;
			i = j;
			if ((p[m].len = answer_lname(rr->owner, rr->owner_len,
			    p[m].name)) == 0)
				return -1;
			p[m].hash = wire_name_hash(p[m].name, p[m].len);
			p[m].uphash = 0;
			__builtin_prefetch(&t->bslots[p[m].hash & t->bmask]);
			if (p[m].len > z->apex_len) {
				const uint8_t *up = p[m].name + 1 + p[m].name[0];
				size_t uplen = p[m].len - 1 - p[m].name[0];
				p[m].uphash = wire_name_hash(up, uplen);
				if (recent_find(t, &rc, up, uplen, p[m].uphash) == NULL)
					__builtin_prefetch(&t->bslots[p[m].uphash &
					    t->bmask]);
			}
		}
		for (size_t k = 0; k < m; k++) {
			struct node *n = answer_table_insert(t, p[k].name, p[k].len,
			    p[k].hash, z);
			if (n == NULL)
				return -1;
			recent_put(t, &rc, n);
			if (node_add_rrs(t, n, &recs[p[k].first], p[k].n) < 0 ||
			    add_ancestors(t, &rc, p[k].name, p[k].len, p[k].uphash,
			    z) < 0)
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
	int rc;
};

/*
 * The nodes go to the threads in chunks, each taken by whichever thread
 * is free: a node's cost varies (a zone's apex, a CNAME chain), and a
 * thread may be held up by the rest of the machine, where equal shares
 * fixed in advance would leave the other waiting for it.
 */
struct compile_all {
	struct answer_table *t;
	struct compile_job *jobs;
	size_t njobs;
	atomic_size_t next;		/* the first node no thread has taken */
	atomic_bool failed;
};

/*
 * Thread k fills builders k, k + nthreads, ... in turn, each up to
 * BUILD_BLOCK_SOFT bytes: a block holds at most 1 GiB (REF_SHIFT), and
 * the jobs are enough for the view at BUILD_JOB_RRS records each.
 */
static void
compile_part(void *arg, size_t k, size_t nthreads)
{
	struct compile_all *ca = arg;
	struct node *v = (struct node *)ca->t->nodes.base;

	for (size_t jk = k; jk < ca->njobs; jk += nthreads) {
		struct compile_job *j = &ca->jobs[jk];

		while (j->rc == 0 && j->b.out.len < BUILD_BLOCK_SOFT &&
		    !atomic_load_explicit(&ca->failed, memory_order_relaxed)) {
			size_t i = atomic_fetch_add_explicit(&ca->next,
			    BUILD_CHUNK, memory_order_relaxed);
			if (i >= ca->t->nnodes)
				return;
			size_t end = i + BUILD_CHUNK < ca->t->nnodes ?
			    i + BUILD_CHUNK : ca->t->nnodes;
			for (; i < end && j->rc == 0; i++)
				if (answer_compile_node(&j->b, &v[i]) < 0)
					j->rc = -1;
		}
		if (j->rc < 0) {
			atomic_store(&ca->failed, true);
			return;
		}
	}
}

/*
 * How many jobs compile, each into a block of its own: one for small
 * data, else one per CPU (a few), and more where that many blocks could
 * not hold the view.
 */
static size_t
compile_jobs(size_t nrrs)
{
	size_t n = par_parts(nrrs, BUILD_PARALLEL_MIN);
	size_t fit = (nrrs + BUILD_JOB_RRS - 1) / BUILD_JOB_RRS;

	if (n > BUILD_THREADS_MAX)
		n = BUILD_THREADS_MAX;
	return fit > n ? fit : n;
}

/* Compiles every node, in parallel. Returns 0 or -1. */
static int
compile_all(struct answer_table *t, struct compile_job *jobs, size_t njobs)
{
	struct compile_all ca = { .t = t, .jobs = jobs, .njobs = njobs };
	size_t nthreads = par_parts(t->nnodes, 1);

	/* No zone, no node: and no node array to compile (NULL). */
	if (t->nnodes == 0)
		return 0;
	atomic_init(&ca.next, 0);
	atomic_init(&ca.failed, false);
	if (nthreads > njobs)
		nthreads = njobs;
	par_run(nthreads, compile_part, &ca);
	/* Every block full, nodes left: the view does not fit. */
	if (atomic_load(&ca.failed) || atomic_load(&ca.next) < t->nnodes)
		return -1;
	return 0;
}

/*
 * The builders' arenas and blocks join the table's (each block at its
 * builder's index); their buffers go. -1 when out of memory.
 */
static int
builders_finish(struct answer_table *t, struct compile_job *jobs, size_t njobs)
{
	int rc = 0;

	for (size_t k = 0; k < njobs; k++) {
		struct answer_builder *b = &jobs[k].b;
		arena_join(&t->arena, &b->arena);
		if (b->out.base != NULL) {
			if ((t->blk[b->idx] = answer_shblock_new(&b->out)) == NULL) {
				answer_block_free(&b->out);
				rc = -1;
			} else
				t->base[b->idx] = t->blk[b->idx]->k.base;
		}
		free(b->enc);
		b->enc = NULL;
	}
	return rc;
}

/*
 * Asks for huge pages under the load-time slots, a fresh mapping of a
 * calloc() that large, its pages not yet touched: every insert and every
 * compile's look-up probes them at a random place, and on 4 KiB pages
 * most probes of a large view miss the TLB. Only a hint.
 */
static void
huge_hint(void *p, size_t len)
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

struct answer_table *
answer_table_build(const struct synth_view *sv)
{
	return answer_table_build_from(sv, NULL, NULL);
}

struct answer_table *
answer_table_build_from(const struct synth_view *sv,
    const struct answer_table *prev, const long *same)
{
	struct answer_table *t = calloc(1, sizeof(*t));
	struct compile_job jobs[BLOCKS_MAX];
	size_t njobs = 0, nfree = 0;
	unsigned free_idx[BLOCKS_MAX];
	long shared = 0;
	struct answer_zone **parent = NULL;

	if (t == NULL)
		return NULL;
	memset(jobs, 0, sizeof(jobs));
	t->nzof = sv->nzones;
	if ((t->zof = calloc(sv->nzones ? sv->nzones : 1, sizeof(*t->zof))) == NULL)
		goto fail;
	if (prev != NULL && same != NULL &&
	    (shared = answer_plan_share(t, sv, prev, same, free_idx, &nfree)) < 0)
		goto fail;
	if (shared == 0) {
		answer_table_unshare(t);
		t->nzones = sv->nzones;
		for (size_t zi = 0; zi < sv->nzones; zi++)
			t->zof[zi] = (uint32_t)zi;
		nfree = BLOCKS_MAX;
		for (unsigned k = 0; k < BLOCKS_MAX; k++)
			free_idx[k] = k;
		/* Which zones are solo, the next reload judges. */
		if ((t->solo = calloc(t->nzones ? t->nzones : 1, 1)) == NULL ||
		    (t->zones = calloc(t->nzones ? t->nzones : 1,
		    sizeof(*t->zones))) == NULL)
			goto fail;
	}
	/* Sized for about one node per record: growing rehashes them all. */
	size_t nrrs = 0;
	for (size_t zi = 0; zi < sv->nzones; zi++)
		if (t->zones[t->zof[zi]].apex == NULL)	/* not shared */
			nrrs += sv->zones[zi].wire.nrrs;
	for (t->bmask = 63; t->bmask + 1 < nrrs * 2; t->bmask = t->bmask * 2 + 1)
		;
	t->bslots = calloc(t->bmask + 1, sizeof(*t->bslots));
	if (t->bslots != NULL)
		huge_hint(t->bslots, (t->bmask + 1) * sizeof(*t->bslots));
	njobs = compile_jobs(nrrs);
	if (njobs > nfree)
		njobs = nfree;
	for (size_t k = 0; k < njobs; k++) {
		jobs[k].b.t = t;
		jobs[k].b.idx = free_idx[k];
		if ((jobs[k].b.enc = malloc(sizeof(*jobs[k].b.enc))) == NULL)
			goto fail;
	}
	if (t->bslots == NULL)
		goto fail;

	struct timespec t0;
	double ms_insert, ms_flags, ms_compile;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t zi = 0; zi < sv->nzones; zi++) {
		const struct synth_zone *sz = &sv->zones[zi];
		struct answer_zone *z = &t->zones[t->zof[zi]];
		const struct enc_rr *recs;
		size_t count = 0;

		if (z->apex != NULL)	/* shared: compiled already */
			continue;
		if ((recs = zone_records(t, sz, &count)) == NULL ||
		    zone_init(&jobs[0].b, z, sz, recs, count) < 0 ||
		    insert_zone(t, z, recs, count) < 0)
			goto fail;
	}
	ms_insert = log_lap_ms(&t0);
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
	ms_flags = log_lap_ms(&t0);
	for (size_t k = 0; k < njobs; k++)
		jobs[k].b.parent = parent;
	/*
	 * In the order added: zone by zone, what a compile reads is near.
	 * Meanwhile the load-time nodes are only read, but for each one's
	 * ref, which its own compile writes.
	 */
	if (compile_all(t, jobs, njobs) < 0)
		goto fail;
	if (builders_finish(t, jobs, njobs) < 0) {
		free(parent);
		answer_table_free(t);
		return NULL;
	}
	free(parent);
	ms_compile = log_lap_ms(&t0);
	if (answer_table_seal(t) < 0) {
		answer_table_free(t);
		return NULL;
	}
	log_debug("%zu nodes: inserted in %.0f ms, flagged in %.0f, compiled "
	    "in %.0f (%zu thread%s), sealed in %.0f", t->nnodes, ms_insert,
	    ms_flags, ms_compile, njobs, njobs == 1 ? "" : "s",
	    log_lap_ms(&t0));
	return t;
fail:
	(void)builders_finish(t, jobs, njobs);
	free(parent);
	answer_table_free(t);
	return NULL;
}

size_t
answer_table_shared(const struct answer_table *t)
{
	return t->nshared;
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
