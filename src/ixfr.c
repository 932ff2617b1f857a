/* ixfr.c -- a zone's records as wire RRs, their hash, deltas, IXFR. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ixfr.h"
#include "query.h"
#include "synth.h"
#include "wire.h"

/* --- a zone as wire records --------------------------------------------- */

static int
cmp_rr(const void *a, const void *b)
{
	const struct ixfr_rr *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->ptr, y->ptr, n);

	if (c != 0)
		return c;
	return (int)x->len - (int)y->len;
}

/*
 * Sorts as qsort() with cmp_rr() does: records cmp_rr() calls equal are the
 * same bytes, so any sort gives the same order. A zone of a few records
 * (most: a synthesized domain has a dozen) by insertion, the compare
 * inline; qsort()'s call per compare was a fifth of the serials' time.
 */
#define SORT_SMALL	32

static void
sort_rrs(struct ixfr_rr *v, size_t n)
{
	if (n > SORT_SMALL) {
		qsort(v, n, sizeof(*v), cmp_rr);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct ixfr_rr x = v[i];
		size_t j = i;
		for (; j > 0 && cmp_rr(&v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * The records point into the zone's packed form (zonewire.h): only the
 * sorted index is allocated here.
 */
int
ixfr_zone_wire(const struct synth_zone *z, struct ixfr_rrs *out)
{
	struct zonewire_iter it;
	struct zonewire_rr rr;

	memset(out, 0, sizeof(*out));
	size_t n = z->wire.nrrs + z->wire.ncut;
	if (z->wire.buf == NULL || z->wire.nrrs == 0 ||
	    (out->v = calloc(n, sizeof(*out->v))) == NULL)
		return -1;
	zonewire_iter(&z->wire, ZONEWIRE_ALL, &it);
	for (bool first = true; zonewire_next(&it, &rr); first = false) {
		if (rr.len > UINT16_MAX) {
			free(out->v);
			memset(out, 0, sizeof(*out));
			return -1;
		}
		struct ixfr_rr r = { rr.wire, (uint16_t)rr.len };
		out->size += rr.len;	/* the SOA too, as the AXFR sends it */
		if (first) {
			out->soa = r;
			continue;
		}
		out->v[out->n++] = r;
	}
	sort_rrs(out->v, out->n);
	return 0;
}

void
ixfr_rrs_clear(struct ixfr_rrs *rrs)
{
	free(rrs->v);
	free(rrs->bytes);
	memset(rrs, 0, sizeof(*rrs));
}

/* The serial is the first of the five numbers that end a SOA's rdata. */
uint32_t
ixfr_soa_serial(const struct ixfr_rr *soa)
{
	return soa->len >= 20 ? wire_get32(soa->ptr + soa->len - 20) : 0;
}

#define FNV_OFFSET	IXFR_HASH_INIT
#define FNV_PRIME	0x100000001b3ULL

uint64_t
ixfr_hash_bytes(uint64_t h, const void *bytes, size_t n)
{
	const uint8_t *p = bytes;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

static uint64_t
fnv_rr(uint64_t h, const struct ixfr_rr *rr)
{
	uint8_t len[2] = { (uint8_t)(rr->len >> 8), (uint8_t)rr->len };

	return ixfr_hash_bytes(ixfr_hash_bytes(h, len, 2), rr->ptr, rr->len);
}

/* Sorted first, so that the order the records were made in does not count. */
#define HASH_SOA_MAX	1024	/* two names and 20 bytes: at most 10 + 530 */

/* Whether the SOA is hashed (its serial zeroed): one with a serial. */
static bool
hash_soa(const struct ixfr_rrs *rrs)
{
	return rrs->soa.len >= 20 && rrs->soa.len <= HASH_SOA_MAX;
}

uint64_t
ixfr_rrs_hash(const struct ixfr_rrs *rrs)
{
	uint64_t h = FNV_OFFSET;
	uint8_t soa[HASH_SOA_MAX];

	if (hash_soa(rrs)) {
		memcpy(soa, rrs->soa.ptr, rrs->soa.len);
		memset(soa + rrs->soa.len - 20, 0, 4);
		struct ixfr_rr s = { soa, rrs->soa.len };
		h = fnv_rr(h, &s);
	}
	for (size_t i = 0; i < rrs->n; i++)
		h = fnv_rr(h, &rrs->v[i]);
	return h;
}

/*
 * The bytes ixfr_rrs_hash() reads, in a row: each record's length (16
 * bits, big-endian) and its bytes, the SOA first with its serial zeroed
 * (when it has one). out NULL: only the length.
 */
static size_t
hash_row(const struct ixfr_rrs *rrs, uint8_t *out)
{
	size_t at = 0;
	bool soa = hash_soa(rrs);

	for (size_t i = soa ? 0 : 1; i <= rrs->n; i++) {
		const struct ixfr_rr *rr = i == 0 ? &rrs->soa : &rrs->v[i - 1];
		if (out != NULL) {
			out[at] = (uint8_t)(rr->len >> 8);
			out[at + 1] = (uint8_t)rr->len;
			memcpy(out + at + 2, rr->ptr, rr->len);
			if (i == 0)
				memset(out + at + 2 + rr->len - 20, 0, 4);
		}
		at += 2 + (size_t)rr->len;
	}
	return at;
}

/*
 * FNV-1a of n rows at once into h[]: up to four chains a step, over the
 * bytes every row still has; then again with the rows left.
 */
static void
fnv_ways(uint64_t h[], const uint8_t *p[], size_t len[], size_t n)
{
	for (;;) {
		size_t act[IXFR_HASH_WAYS], na = 0, m = SIZE_MAX;

		for (size_t w = 0; w < n; w++)
			if (len[w] > 0) {
				act[na++] = w;
				m = len[w] < m ? len[w] : m;
			}
		if (na == 0)
			return;
		if (na == 1) {
			h[act[0]] = ixfr_hash_bytes(h[act[0]], p[act[0]],
			    len[act[0]]);
			return;
		}
		/* Lanes past na repeat the first row; their sums are dropped. */
		uint64_t x0 = h[act[0]], x1 = h[act[1]];
		uint64_t x2 = na > 2 ? h[act[2]] : 0, x3 = na > 3 ? h[act[3]] : 0;
		const uint8_t *q0 = p[act[0]], *q1 = p[act[1]];
		const uint8_t *q2 = na > 2 ? p[act[2]] : q0;
		const uint8_t *q3 = na > 3 ? p[act[3]] : q0;
		for (size_t i = 0; i < m; i++) {
			x0 = (x0 ^ q0[i]) * FNV_PRIME;
			x1 = (x1 ^ q1[i]) * FNV_PRIME;
			x2 = (x2 ^ q2[i]) * FNV_PRIME;
			x3 = (x3 ^ q3[i]) * FNV_PRIME;
		}
		uint64_t x[IXFR_HASH_WAYS] = { x0, x1, x2, x3 };
		for (size_t k = 0; k < na; k++) {
			h[act[k]] = x[k];
			p[act[k]] += m;
			len[act[k]] -= m;
		}
	}
}

int
ixfr_rrs_hash_ways(const struct ixfr_rrs *const rrs[], size_t n,
    uint64_t out[], struct ixfr_hash_scratch *s)
{
	const uint8_t *p[IXFR_HASH_WAYS];
	size_t len[IXFR_HASH_WAYS];

	if (n > IXFR_HASH_WAYS)
		return -1;
	for (size_t w = 0; w < n; w++) {
		len[w] = hash_row(rrs[w], NULL);
		if (len[w] > s->cap[w]) {
			uint8_t *r = realloc(s->row[w], len[w]);
			if (r == NULL)
				return -1;
			s->row[w] = r;
			s->cap[w] = len[w];
		}
		(void)hash_row(rrs[w], s->row[w]);
		p[w] = s->row[w];
		out[w] = FNV_OFFSET;
	}
	fnv_ways(out, p, len, n);
	return 0;
}

void
ixfr_hash_scratch_clear(struct ixfr_hash_scratch *s)
{
	for (size_t w = 0; w < IXFR_HASH_WAYS; w++)
		free(s->row[w]);
	memset(s, 0, sizeof(*s));
}

/* --- deltas ------------------------------------------------------------- */

/* Walks both sorted lists: calls put for what only one of them has. */
static void
diff(const struct ixfr_rrs *old, const struct ixfr_rrs *new,
    void (*put)(void *, const struct ixfr_rr *, bool added), void *arg)
{
	size_t i = 0, j = 0;

	while (i < old->n || j < new->n) {
		int c = i == old->n ? 1 : j == new->n ? -1 :
		    cmp_rr(&old->v[i], &new->v[j]);
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0)
			put(arg, &old->v[i++], false);
		else
			put(arg, &new->v[j++], true);
	}
}

struct count {
	size_t ndel, nadd, bytes;
};

static void
count_put(void *arg, const struct ixfr_rr *rr, bool added)
{
	struct count *c = arg;

	if (added)
		c->nadd++;
	else
		c->ndel++;
	c->bytes += rr->len;
}

struct fill {
	struct ixfr_delta *d;
	uint8_t *p;
};

static void
copy_rr(struct fill *f, struct ixfr_rr *to, const struct ixfr_rr *rr)
{
	memcpy(f->p, rr->ptr, rr->len);
	to->ptr = f->p;
	to->len = rr->len;
	f->p += rr->len;
}

static void
fill_put(void *arg, const struct ixfr_rr *rr, bool added)
{
	struct fill *f = arg;
	struct ixfr_delta *d = f->d;

	if (added)
		copy_rr(f, &d->add[d->nadd++], rr);
	else
		copy_rr(f, &d->del[d->ndel++], rr);
}

struct ixfr_delta *
ixfr_delta_new(const struct ixfr_rrs *old, const struct ixfr_rrs *new)
{
	struct count c = { 0, 0, 0 };

	diff(old, new, count_put, &c);
	size_t bytes = c.bytes + old->soa.len + new->soa.len;
	size_t arrays = (c.ndel + c.nadd) * sizeof(struct ixfr_rr);
	struct ixfr_delta *d = malloc(sizeof(*d) + arrays + bytes);
	if (d == NULL)
		return NULL;
	atomic_init(&d->refs, 1);
	d->from = ixfr_soa_serial(&old->soa);
	d->to = ixfr_soa_serial(&new->soa);
	d->del = (struct ixfr_rr *)(void *)d->mem;
	d->add = d->del + c.ndel;
	d->ndel = d->nadd = 0;
	d->size = bytes;
	struct fill f = { d, d->mem + arrays };
	copy_rr(&f, &d->old_soa, &old->soa);
	copy_rr(&f, &d->new_soa, &new->soa);
	diff(old, new, fill_put, &f);
	return d;
}

static void
delta_unref(struct ixfr_delta *d)
{
	if (atomic_fetch_sub(&d->refs, 1) == 1)
		free(d);
}

/* --- the history of a zone ---------------------------------------------- */

int
ixfr_chain_make(struct ixfr_chain *out, const struct ixfr_chain *prev,
    struct ixfr_delta *d, unsigned max, size_t zone_size)
{
	size_t n = (prev != NULL ? prev->n : 0) + (d != NULL);

	out->d = NULL;
	out->n = 0;
	if (n == 0 || max == 0) {
		if (d != NULL)
			delta_unref(d);
		return 0;
	}
	if ((out->d = calloc(n, sizeof(*out->d))) == NULL) {
		if (d != NULL)
			delta_unref(d);
		return -1;
	}
	/* Newest first, as long as they are worth it; then put in order. */
	size_t k = 0, bytes = 0;
	if (d != NULL) {
		out->d[k++] = d;
		bytes += d->size;
	}
	for (size_t i = prev != NULL ? prev->n : 0; i-- > 0 && k < max;) {
		struct ixfr_delta *p = prev->d[i];
		if (bytes + p->size > zone_size)
			break;
		bytes += p->size;
		atomic_fetch_add(&p->refs, 1);
		out->d[k++] = p;
	}
	for (size_t i = 0; i < k / 2; i++) {
		struct ixfr_delta *t = out->d[i];
		out->d[i] = out->d[k - 1 - i];
		out->d[k - 1 - i] = t;
	}
	out->n = k;
	return 0;
}

void
ixfr_chain_clear(struct ixfr_chain *c)
{
	for (size_t i = 0; i < c->n; i++)
		delta_unref(c->d[i]);
	free(c->d);
	c->d = NULL;
	c->n = 0;
}

/* --- answering ---------------------------------------------------------- */

static int
add_all(struct xfr_msg *m, const struct ixfr_rr *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (xfr_msg_add(m, v[i].ptr, v[i].len) < 0)
			return -1;
	return 0;
}

/* A sorted list of records borrowed from the deltas. */
struct rrvec {
	struct ixfr_rr	*v;
	size_t		 n;
};

/*
 * Applies one side of a delta: each record of v cancels its match in a
 * (added, then deleted: or the other way), the others join b, sorted.
 */
static int
cancel(struct rrvec *a, struct rrvec *b, const struct ixfr_rr *v, size_t n)
{
	struct ixfr_rr *na = malloc((a->n + 1) * sizeof(*na));
	struct ixfr_rr *left = malloc((n + 1) * sizeof(*left));
	struct ixfr_rr *nb = malloc((b->n + n + 1) * sizeof(*nb));
	size_t i = 0, j = 0, ka = 0, kl = 0, kb = 0;

	if (na == NULL || left == NULL || nb == NULL) {
		free(na);
		free(left);
		free(nb);
		return -1;
	}
	while (i < a->n || j < n) {
		int c = i == a->n ? 1 : j == n ? -1 : cmp_rr(&a->v[i], &v[j]);
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0)
			na[ka++] = a->v[i++];
		else
			left[kl++] = v[j++];
	}
	for (i = 0, j = 0; i < b->n || j < kl;)
		nb[kb++] = i == b->n ? left[j++] : j == kl ? b->v[i++] :
		    cmp_rr(&b->v[i], &left[j]) <= 0 ? b->v[i++] : left[j++];
	free(left);
	free(a->v);
	free(b->v);
	*a = (struct rrvec){ na, ka };
	*b = (struct rrvec){ nb, kb };
	return 0;
}

/*
 * The deltas from c->d[first] on as one (RFC 1995 section 5 allows it): a
 * record changed back and forth is not sent at all.
 */
static int
condense(const struct ixfr_chain *c, size_t first, struct rrvec *del,
    struct rrvec *add)
{
	*del = (struct rrvec){ NULL, 0 };
	*add = (struct rrvec){ NULL, 0 };
	for (size_t i = first; i < c->n; i++) {
		const struct ixfr_delta *d = c->d[i];
		if (cancel(add, del, d->del, d->ndel) < 0 ||
		    cancel(del, add, d->add, d->nadd) < 0) {
			free(del->v);
			free(add->v);
			return -1;
		}
	}
	return 0;
}

int
ixfr_stream(const struct ixfr_chain *c, const struct ixfr_rr *soa,
    uint32_t from, const struct query *q, xfr_emit_fn *emit, void *arg)
{
	size_t first = 0;
	bool current = ixfr_soa_serial(soa) == from;
	struct rrvec del = { NULL, 0 }, add = { NULL, 0 };

	if (!current) {
		while (first < c->n && c->d[first]->from != from)
			first++;
		if (first == c->n)
			return 1;
		if (condense(c, first, &del, &add) < 0)
			return -1;
	}
	struct xfr_msg *m = xfr_msg_new(q, emit, arg);
	if (m == NULL) {
		free(del.v);
		free(add.v);
		return -1;
	}
	int rc = xfr_msg_add(m, soa->ptr, soa->len);
	/* RFC 1995 section 4: SOA, old SOA, deletions, SOA, additions, SOA. */
	if (!current && rc == 0) {
		const struct ixfr_rr *old = &c->d[first]->old_soa;
		if (xfr_msg_add(m, old->ptr, old->len) < 0 ||
		    add_all(m, del.v, del.n) < 0 ||
		    xfr_msg_add(m, soa->ptr, soa->len) < 0 ||
		    add_all(m, add.v, add.n) < 0 ||
		    xfr_msg_add(m, soa->ptr, soa->len) < 0)
			rc = -1;
	}
	free(del.v);
	free(add.v);
	return xfr_msg_end(m, rc);
}
