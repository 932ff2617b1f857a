/* answer_build.c -- compile a view's zones into the answer table, threaded. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer_int.h"
#include "encode.h"
#include "log.h"
#include "par.h"
#include "synth.h"

#define BUILD_THREADS_MAX 4	/* threads compiling a large table */
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

size_t answer_insert_parts;

/* --- nodes -------------------------------------------------------------- */

/* The records n's own list has room for: a power of two, at least 2. */
static size_t
node_cap(const struct node *n)
{
	size_t cap = 2;

	while (cap < n->nrrs)
		cap *= 2;
	return cap;
}

/*
 * Gives n the count records at rr, a run of its zone's list. The first run
 * is borrowed as it is; a later one (the same name again further on, or in
 * another zone) makes n a list of its own in a scratch arena (its insert
 * part's): growing it leaves the old behind.
 */
static int
node_add_rrs(struct arena *scratch, struct node *n, struct enc_rr *rr,
    size_t count)
{
	if (count > NODE_RRS_MAX)
		return -1;
	if (n->nrrs == 0) {
		n->rrs = rr;
		n->nrrs = (uint32_t)count;
		return 0;
	}
	size_t need = (size_t)n->nrrs + count;
	if (need > NODE_RRS_MAX)
		return -1;
	if (!n->own || need > node_cap(n)) {
		size_t cap = 2;
		while (cap < need)
			cap *= 2;
		struct enc_rr *v = arena_alloc(scratch, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		memcpy(v, n->rrs, n->nrrs * sizeof(*v));
		n->rrs = v;
		n->own = true;
	}
	memcpy(n->rrs + n->nrrs, rr, count * sizeof(*rr));
	n->nrrs = (uint32_t)need;
	return 0;
}

/* Sorts a node's records by type, keeping their order within a type. */
static void
node_sort(struct node *n)
{
	for (size_t i = 1; i < n->nrrs; i++) {
		struct enc_rr rr = n->rrs[i];
		size_t j = i;

		for (; j > 0 && n->rrs[j - 1].type > rr.type; j--)
			n->rrs[j] = n->rrs[j - 1];
		n->rrs[j] = rr;
	}
}

/* --- building the table ------------------------------------------------- */

/*
 * The records of packed zone sz, in order, in a scratch arena (the nodes
 * borrow their runs until compiled): each one its wire, checked, and its
 * type. NULL when out of memory or malformed.
 */
static struct enc_rr *
zone_records(struct arena *scratch, const struct synth_zone *sz, size_t *n)
{
	size_t count = sz->wire.nrrs, i = 0;
	struct enc_rr *v = arena_alloc(scratch,
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
    struct answer_zload *zl, const struct synth_zone *sz, size_t count)
{
	const struct enc_rr *soa = count > 0 ? &zl->rrs[0] : NULL;
	uint8_t name[DNS_MAX_NAME];
	size_t len;
	struct enc *e = b->enc;

	if (soa == NULL || soa->type != LDNS_RR_TYPE_SOA ||
	    (len = answer_lname(soa->wire, soa->owner_len, name)) == 0 ||
	    (z->apex = arena_alloc(&b->arena, len)) == NULL)
		return -1;
	memcpy(z->apex, name, len);
	z->apex_len = (uint8_t)len;
	zl->soa = *soa;
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

/* A share of the nodes to compile, in a thread of its own or not. */
struct compile_job {
	struct answer_builder b;
	int rc;
};

/*
 * The insert, in two steps on every CPU. First each part reads the zones of
 * a range of its own (their records, the owners folded and hashed, the
 * empty non-terminals above them) into a list of names, in the order a
 * single pass would meet them. Then each part takes the names whose hash
 * falls in its range of the slots, from every part's list in that order,
 * and finds or adds their nodes in nodes[k]: a name has one part, and its
 * part sees it in the order of the zones, so the first zone to name it
 * owns its node and its records are appended in the order they came, as
 * with one thread; no slot and no node is written by two threads. The
 * nodes are listed at the end in the order their names were first met
 * (t->order): zone by zone, what a compile reads is near.
 */

/*
 * One name for the insert to find or add: 24 bytes, a million and more of
 * them at 100,000 domains, all at once beside the slots and the nodes.
 */
struct ins_name {
	const uint8_t	*name;		/* lower case: the zone's wire, or a copy */
	uint32_t	 hash;		/* wire_name_hash(name) */
	uint32_t	 zone;		/* t->zones[zone] */
	uint32_t	 first;		/* its records: t->zload[zone].rrs + first */
	uint32_t	 nrrs : 24;	/* how many (none: a name above others) */
	uint32_t	 len : 8;
};

#define INS_RUN_MAX	((1u << 24) - 1)	/* records of one ins_name */

/* A part's list is mapped: a block, handed back at once when freed. */
struct ins_part {
	struct block	 list;		/* struct ins_name[] */
	size_t		 zlo, zhi;	/* its zones, of the view */
	size_t		 nnodes;	/* the nodes it added */
	struct arena	 scratch;
	int		 rc;
};

static inline const struct ins_name *
ins_list(const struct ins_part *p, size_t *n)
{
	*n = p->list.len / sizeof(struct ins_name);
	return (const struct ins_name *)(void *)p->list.base;
}

struct ins_all {
	struct answer_table	*t;
	const struct synth_view	*sv;
	struct compile_job	*jobs;	/* each part's zones' bytes: jobs[k].b */
	struct ins_part		 part[INSERT_PARTS_MAX];
	size_t			 nparts;
};

/*
 * The names a zone's read met last, by their hashes' low bits: a zone's
 * names share a few parents (the apex, "_tcp", "_tls"), whose own parents
 * are then listed already.
 */
#define SEEN_SIZE	64

struct seen {
	const uint8_t	*name[SEEN_SIZE];
	uint32_t	 hash[SEEN_SIZE];
	uint8_t		 len[SEEN_SIZE];
};

static bool
seen_has(const struct seen *sn, const uint8_t *name, size_t len, uint32_t hash)
{
	size_t i = hash & (SEEN_SIZE - 1);

	return sn->name[i] != NULL && sn->hash[i] == hash &&
	    sn->len[i] == len && memcmp(sn->name[i], name, len) == 0;
}

static void
seen_put(struct seen *sn, const uint8_t *name, size_t len, uint32_t hash)
{
	size_t i = hash & (SEEN_SIZE - 1);

	sn->name[i] = name;
	sn->hash[i] = hash;
	sn->len[i] = (uint8_t)len;
}

static int
ins_push(struct ins_part *p, const uint8_t *name, size_t len, uint32_t hash,
    size_t zone, size_t first, size_t nrrs)
{
	do {
		size_t at = answer_block_take(&p->list, sizeof(struct ins_name),
		    _Alignof(struct ins_name));
		if (at == SIZE_MAX)
			return -1;
		struct ins_name *e = (struct ins_name *)(void *)(p->list.base + at);
		size_t n = nrrs < INS_RUN_MAX ? nrrs : INS_RUN_MAX;
		e->name = name;
		e->len = (uint32_t)len;
		e->hash = hash;
		e->zone = (uint32_t)zone;
		e->first = (uint32_t)first;
		e->nrrs = (uint32_t)n;
		first += n;
		nrrs -= n;
	} while (nrrs > 0);	/* a longer run in several: the same node */
	return 0;
}

/*
 * Lists the names of zone zi: each run of one owner's records (synthesis
 * writes a name's records together) as one name, then the names between
 * it and the apex up to one this zone listed already. -1 when out of
 * memory or the zone is malformed.
 */
static int
list_zone(struct ins_all *a, struct ins_part *p, struct answer_builder *b,
    size_t zi)
{
	const struct synth_zone *sz = &a->sv->zones[zi];
	size_t zone = a->t->zof[zi];
	struct answer_zone *z = &a->t->zones[zone];
	struct answer_zload *zl = &a->t->zload[zone];
	struct enc_rr *recs;
	struct seen sn;
	size_t count = 0;

	if ((recs = zl->rrs = zone_records(&p->scratch, sz, &count)) == NULL ||
	    count > UINT32_MAX || zone_init(b, z, zl, sz, count) < 0)
		return -1;
	memset(sn.name, 0, sizeof(sn.name));
	for (size_t i = 0; i < count;) {
		const struct enc_rr *rr = &recs[i];
		size_t j = i + 1;
		/* The same bytes: the same name, whatever their case. */
		while (j < count && recs[j].owner_len == rr->owner_len &&
		    memcmp(recs[j].wire, rr->wire, rr->owner_len) == 0)
			j++;
		/*
		 * The owner as it is in the zone's wire when in lower case
		 * already (every synthesized one), else a folded copy.
		 */
		const uint8_t *name = rr->wire;
		size_t len = answer_name_len(rr->wire, rr->owner_len);
		if (len == 0)
			return -1;
		if (wire_has_upper(name, len)) {
			uint8_t *low = arena_alloc(&p->scratch, len);
			if (low == NULL)
				return -1;
			wire_fold_copy(low, name, len);
			name = low;
		}
		uint32_t hash = wire_name_hash(name, len);
		if (ins_push(p, name, len, hash, zone, i, j - i) < 0)
			return -1;
		seen_put(&sn, name, len, hash);
		i = j;
		/* Its parents below the apex, the zone's first name. */
		const uint8_t *up = name;
		while (len > z->apex_len) {
			len -= 1 + (size_t)up[0];
			up += 1 + up[0];
			if (len == z->apex_len && memcmp(up, z->apex, len) == 0)
				break;
			hash = wire_name_hash(up, len);
			if (seen_has(&sn, up, len, hash))
				break;
			if (ins_push(p, up, len, hash, zone, 0, 0) < 0)
				return -1;
			seen_put(&sn, up, len, hash);
		}
	}
	return 0;
}

static void
list_part(void *arg, size_t k, size_t nparts)
{
	struct ins_all *a = arg;
	struct ins_part *p = &a->part[k];

	(void)nparts;
	for (size_t zi = p->zlo; zi < p->zhi && p->rc == 0; zi++)
		if (a->t->zones[a->t->zof[zi]].apex == NULL &&	/* not shared */
		    list_zone(a, p, &a->jobs[k].b, zi) < 0)
			p->rc = -1;
}

/* The node of e in part k's slots, added when not there; NULL: no memory. */
static struct node *
ins_find_add(struct answer_table *t, size_t k, struct ins_part *p,
    const struct ins_name *e, uint32_t seq)
{
	size_t lo, hi, i = answer_bslot_home(t, e->hash, &lo, &hi);
	struct node *n;

	for (;; i = i + 1 == hi ? lo : i + 1) {
		struct bslot *sl = &t->bslots[i];
		if (sl->idx == 0)
			break;
		if (sl->hash != e->hash)
			continue;
		n = answer_node_at(t, sl->idx - 1);
		if (n->name_len == e->len && memcmp(n->name, e->name, e->len) == 0)
			return n;
	}
	if (p->nnodes >= NODE_PART_MASK)
		return NULL;
	size_t at = answer_block_take(&t->nodes[k], sizeof(*n),
	    _Alignof(struct node));
	if (at == SIZE_MAX)
		return NULL;
	n = (struct node *)(void *)(t->nodes[k].base + at);
	memset(n, 0, sizeof(*n));
	n->name = (uint8_t *)(uintptr_t)e->name;
	n->name_len = e->len;
	n->hash = e->hash;
	n->zone = e->zone;
	n->seq = seq;
	t->bslots[i].hash = e->hash;
	t->bslots[i].idx = (uint32_t)((k << NODE_PART_SHIFT) | p->nnodes++) + 1;
	return n;
}

#define INSERT_AHEAD	16	/* names whose slots are fetched ahead */

static void
insert_part(void *arg, size_t k, size_t nparts)
{
	struct ins_all *a = arg;
	struct answer_table *t = a->t;
	struct ins_part *me = &a->part[k];
	uint32_t seq = 0;

	(void)nparts;
	for (size_t q = 0; q < a->nparts; q++) {
		size_t n;
		const struct ins_name *v = ins_list(&a->part[q], &n);
		for (size_t i = 0; i < n; i++, seq++) {
			/* Only this part's: the others' slots are not read here. */
			if (i + INSERT_AHEAD < n) {
				uint32_t ah = v[i + INSERT_AHEAD].hash;
				size_t lo, hi;
				if (answer_bslot_part(t, ah) == k)
					__builtin_prefetch(&t->bslots[
					    answer_bslot_home(t, ah, &lo, &hi)]);
			}
			if (answer_bslot_part(t, v[i].hash) != k)
				continue;
			struct node *nd = ins_find_add(t, k, me, &v[i], seq);
			if (nd == NULL || (v[i].nrrs > 0 && node_add_rrs(&me->scratch,
			    nd, t->zload[v[i].zone].rrs + v[i].first,
			    v[i].nrrs) < 0)) {
				me->rc = -1;
				return;
			}
		}
	}
}

/*
 * t->order: every part's nodes merged by when they were met (seq, the
 * names' place in the lists, the same count in every part, so no two
 * nodes share one). On every CPU: thread j merges the nodes whose seq
 * falls in its j-th of the range, written from where the nodes before it
 * end; each part's nodes are in seq order, so that is a binary search.
 */
struct order_job {
	struct answer_table	*t;
	size_t			 nparts;
	size_t			 nseq;		/* the names listed: seq < nseq */
};

/* How many of part k's nodes have a seq below s. */
static size_t
seq_below(const struct answer_table *t, size_t k, size_t s)
{
	const struct node *v = (const struct node *)(void *)t->nodes[k].base;
	size_t lo = 0, hi = t->nnodes_part[k];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].seq < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
order_part(void *arg, size_t j, size_t nthreads)
{
	struct order_job *o = arg;
	struct answer_table *t = o->t;
	size_t from, to, at[INSERT_PARTS_MAX], end[INSERT_PARTS_MAX], out = 0;

	par_range(o->nseq, j, nthreads, &from, &to);

	for (size_t k = 0; k < o->nparts; k++) {
		at[k] = seq_below(t, k, from);
		end[k] = j + 1 == nthreads ? t->nnodes_part[k] :
		    seq_below(t, k, to);
		out += at[k];
	}
	for (;;) {
		size_t best = INSERT_PARTS_MAX;
		uint32_t bseq = UINT32_MAX;
		for (size_t k = 0; k < o->nparts; k++) {
			if (at[k] == end[k])
				continue;
			uint32_t sq = ((const struct node *)(void *)
			    t->nodes[k].base)[at[k]].seq;
			if (best == INSERT_PARTS_MAX || sq < bseq) {
				best = k;
				bseq = sq;
			}
		}
		if (best == INSERT_PARTS_MAX)
			return;
		t->order[out++] = (uint32_t)((best << NODE_PART_SHIFT) |
		    at[best]++);
	}
}

static int
insert_order(struct answer_table *t, struct ins_all *a, size_t nseq)
{
	struct order_job o = { .t = t, .nparts = a->nparts, .nseq = nseq };

	if (a->nparts == 1)
		return 0;	/* part 0's, as added */
	if ((t->order = malloc((t->nnodes ? t->nnodes : 1) *
	    sizeof(*t->order))) == NULL)
		return -1;
	par_run(par_parts(t->nnodes, BUILD_PARALLEL_MIN), order_part, &o);
	return 0;
}

/*
 * Inserts every zone of sv not shared (apex NULL) in nparts parts, the
 * load-time slots allocated here. 0, or -1 when out of memory or a zone
 * is malformed.
 */
static int
insert_all(struct answer_table *t, const struct synth_view *sv,
    struct compile_job *jobs, size_t nparts)
{
	struct ins_all *a = calloc(1, sizeof(*a));
	size_t nrrs = 0, total = 0;
	int rc = -1;

	if (a == NULL)
		return -1;
	a->t = t;
	a->sv = sv;
	a->jobs = jobs;
	a->nparts = nparts;
	for (size_t zi = 0; zi < sv->nzones; zi++)
		if (t->zones[t->zof[zi]].apex == NULL)
			nrrs += sv->zones[zi].wire.nrrs;
	/* The zones cut in ranges of about as many records. */
	for (size_t k = 0, zi = 0, sum = 0; k < nparts; k++) {
		struct ins_part *p = &a->part[k];
		p->zlo = zi;
		for (; zi < sv->nzones && (k + 1 == nparts ||
		    sum < nrrs / nparts * (k + 1)); zi++)
			if (t->zones[t->zof[zi]].apex == NULL)
				sum += sv->zones[zi].wire.nrrs;
		p->zhi = zi;
	}
	par_run(nparts, list_part, a);
	for (size_t k = 0; k < nparts; k++) {
		if (a->part[k].rc < 0)
			goto out;
		total += a->part[k].list.len / sizeof(struct ins_name);
	}
	/*
	 * At most half full, in every part's range: sized for the names
	 * listed, which a name in several zones counts more than once. Each
	 * part's range as large as the fullest needs: at 1,000,000 domains
	 * 166 MiB, where the power of two above was 256.
	 */
	size_t count[INSERT_PARTS_MAX] = { 0 }, most = 0;
	t->nbparts = nparts;
	for (size_t k = 0; k < nparts; k++) {
		size_t n;
		const struct ins_name *v = ins_list(&a->part[k], &n);
		for (size_t i = 0; i < n; i++)
			count[answer_bslot_part(t, v[i].hash)]++;
	}
	for (size_t k = 0; k < nparts; k++)
		most = count[k] > most ? count[k] : most;
	t->nbpart = most * 2 > 32 ? most * 2 : 32;
	if ((t->bslots = calloc(t->nbparts * t->nbpart,
	    sizeof(*t->bslots))) == NULL)
		goto out;
	/*
	 * Every insert and every compile's look-up probes them at a random
	 * place: on 4 KiB pages most probes of a large view miss the TLB.
	 * A calloc() that large is a fresh mapping, its pages not yet touched.
	 */
	arena_huge_hint(t->bslots, t->nbparts * t->nbpart * sizeof(*t->bslots));
	par_run(nparts, insert_part, a);
	t->nnodes = 0;
	for (size_t k = 0; k < nparts; k++) {
		if (a->part[k].rc < 0)
			goto out;
		t->nnodes_part[k] = a->part[k].nnodes;
		t->nnodes += a->part[k].nnodes;
	}
	rc = insert_order(t, a, total);
out:
	for (size_t k = 0; k < nparts; k++) {
		arena_join(&t->scratch, &a->part[k].scratch);
		/* Its pages, faulted in, go to the compile's blocks next. */
		answer_block_donate(&a->part[k].list);
	}
	free(a);
	return rc;
}

/*
 * A wildcard node (RFC 4592: its first label is "*", with data of its own
 * or an empty non-terminal) answers with the query name as owner, and its
 * parent, the closest encloser of the names it answers, says it is there.
 */
static bool
is_wildcard(const struct answer_table *t, const struct node *n)
{
	return n->name_len > 2 && n->name[0] == 1 && n->name[1] == '*' &&
	    n->name_len > t->zones[n->zone].apex_len;
}

static void
mark_wildcard(struct answer_table *t, struct node *n)
{
	n->splice = true;
	struct node *up = answer_table_find(t, n->name + 2,
	    (size_t)n->name_len - 2, wire_name_hash(n->name + 2,
	    (size_t)n->name_len - 2));
	if (up != NULL)
		up->wild = true;
}

/*
 * Each node's records sorted by type, its CNAME and cut flags set, on
 * every CPU, a range of the nodes each (a node's own fields only); the
 * wildcards' parents marked after, here: wild is another node's.
 */
struct flag_job {
	struct answer_table	*t;
	bool			 cuts[PAR_THREADS_MAX];
	struct node		**wild[PAR_THREADS_MAX];	/* "*." nodes */
	size_t			 nwild[PAR_THREADS_MAX];
	bool			 oom;
};

static void
flag_part(void *arg, size_t k, size_t nthreads)
{
	struct flag_job *f = arg;
	struct answer_table *t = f->t;
	size_t from, to;

	par_range(t->nnodes, k, nthreads, &from, &to);
	for (size_t i = from; i < to; i++) {
		struct node *n = answer_node_nth(t, i);
		node_sort(n);	/* an empty non-terminal has no records */
		n->cname = answer_node_rrset(n, LDNS_RR_TYPE_CNAME).n > 0;
		n->cut = n->name_len != t->zones[n->zone].apex_len &&
		    answer_node_rrset(n, LDNS_RR_TYPE_NS).n > 0;
		f->cuts[k] = f->cuts[k] || n->cut;
		if (!is_wildcard(t, n))
			continue;
		size_t m = f->nwild[k];
		if ((m & (m - 1)) == 0) {	/* full: room for m, a power of two */
			struct node **w = realloc(f->wild[k],
			    (m ? m * 2 : 1) * sizeof(*w));
			if (w == NULL) {
				f->oom = true;	/* a flag the others only set */
				return;
			}
			f->wild[k] = w;
		}
		f->wild[k][f->nwild[k]++] = n;
	}
}

/* Flags every node: 1 when there is a cut, 0 when not, -1 out of memory. */
static int
flag_all(struct answer_table *t)
{
	struct flag_job f;
	size_t nthreads = par_parts(t->nnodes, BUILD_PARALLEL_MIN);
	int rc = 0;

	memset(&f, 0, sizeof(f));
	f.t = t;
	par_run(nthreads, flag_part, &f);
	for (size_t k = 0; k < nthreads; k++) {
		for (size_t i = 0; !f.oom && i < f.nwild[k]; i++)
			mark_wildcard(t, f.wild[k][i]);
		rc = rc || f.cuts[k];
		free(f.wild[k]);
	}
	return f.oom ? -1 : rc;
}

/* Every node at or below a cut of its zone answers with the referral. */
static void
mark_delegated(struct answer_table *t)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *n = answer_node_nth(t, i);
		const uint8_t *name = n->name;
		size_t len = n->name_len;

		while (len > t->zones[n->zone].apex_len && !n->deleg) {
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
		if (n != NULL && n->zone != i)
			up[i] = &t->zones[n->zone];
	}
	return up;
}


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
				if (answer_compile_node(&j->b,
				    answer_node_nth(ca->t, i)) < 0)
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

int
answer_view_fits(const struct synth_view *sv, char *why, size_t len)
{
	if (sv->nzones <= NODE_ZONES_MAX)
		return 0;
	snprintf(why, len, "%zu zones, more than the %u one view can serve",
	    sv->nzones, NODE_ZONES_MAX);
	return -1;
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
	if (answer_view_fits(sv, NULL, 0) < 0)
		goto fail;
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
	if ((t->zload = calloc(t->nzones ? t->nzones : 1,
	    sizeof(*t->zload))) == NULL)
		goto fail;
	size_t nrrs = 0;
	for (size_t zi = 0; zi < sv->nzones; zi++)
		if (t->zones[t->zof[zi]].apex == NULL)	/* not shared */
			nrrs += sv->zones[zi].wire.nrrs;
	njobs = compile_jobs(nrrs);
	if (njobs < answer_insert_parts)
		njobs = answer_insert_parts;
	if (njobs > nfree)
		njobs = nfree;
	if (njobs == 0 && nrrs > 0)
		goto fail;
	for (size_t k = 0; k < njobs; k++) {
		jobs[k].b.t = t;
		jobs[k].b.idx = free_idx[k];
		if ((jobs[k].b.enc = malloc(sizeof(*jobs[k].b.enc))) == NULL)
			goto fail;
	}
	/* Each part reads its zones into builder k's arena: nparts <= njobs. */
	size_t nparts = answer_insert_parts ? answer_insert_parts :
	    par_parts(nrrs, BUILD_PARALLEL_MIN);
	if (nparts > njobs)
		nparts = njobs ? njobs : 1;	/* none: nothing to read */
	if (nparts > INSERT_PARTS_MAX)
		nparts = INSERT_PARTS_MAX;

	struct timespec t0;
	double ms_insert, ms_flags, ms_compile;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	if (insert_all(t, sv, jobs, nparts) < 0)
		goto fail;
	ms_insert = log_lap_ms(&t0);
	/*
	 * Every node's records sorted by type and its CNAME flag set before any
	 * is compiled: following a chain looks at the nodes further on.
	 */
	int cuts = flag_all(t);
	if (cuts < 0)
		goto fail;
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
	struct enc_section an = { v, n, NULL }, none = { NULL, 0, NULL };
	size_t noadd;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	if (e == NULL || wire == NULL || v == NULL || n == 0)
		goto out;
	/* The encoder reads wire records: these few go through ldns's writer. */
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		if (ldns_rr2wire(&wire[i], rrs[i], LDNS_SECTION_ANSWER, &len) !=
		    LDNS_STATUS_OK || !enc_rr_parse(&v[i], wire[i], len))
			goto out;
	}
	a->qtype = v[0].type;
	if (enc_render(e, v[0].wire, a->qtype, enc_rr_class(&v[0]),
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
	free(e);
	if (rc < 0)
		answer_clear(a);
	return rc;
}
