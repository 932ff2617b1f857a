/* snapshot.c -- build and free the immutable data set that queries read. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "arena.h"
#include "config.h"
#include "log.h"
#include "par.h"
#include "reverse.h"
#include "serial.h"
#include "snapshot.h"
#include "wire.h"
#include "zonefile.h"

static int
add_chaos(struct snapshot *s, const char *name, const char *text)
{
	struct snapshot_chaos *c = &s->chaos[s->nchaos];
	char buf[600];
	ldns_rr *rr = NULL;

	/* The TXT string is quoted with ldns's escapes for '"' and '\'. */
	size_t o = (size_t)snprintf(buf, sizeof(buf), "%s. 0 CH TXT \"", name);
	for (const char *p = text; *p != '\0' && o + 4 < sizeof(buf); p++) {
		if (*p == '"' || *p == '\\')
			buf[o++] = '\\';
		buf[o++] = *p;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	if (ldns_rr_new_frm_str(&rr, buf, 0, NULL, NULL) != LDNS_STATUS_OK)
		return -1;
	c->name_len = wire_name_from_text(name, c->name);
	int rc = answer_prepare(&c->answer, &rr, 1);
	ldns_rr_free(rr);
	if (rc == 0)
		s->nchaos++;
	return rc;
}

static int
build_chaos(struct snapshot *s)
{
	const struct config *cfg = s->cfg;

	if (cfg->version != NULL &&
	    (add_chaos(s, "version.bind", cfg->version) < 0 ||
	    add_chaos(s, "version.server", cfg->version) < 0))
		return -1;
	if (cfg->identity != NULL &&
	    (add_chaos(s, "id.server", cfg->identity) < 0 ||
	    add_chaos(s, "hostname.bind", cfg->identity) < 0))
		return -1;
	return 0;
}

/* --- serials: one per zone name, from its content ----------------------- */

/* A zone's SOA serial: the one place it is set, in the packed records. */
static int
zone_set_serial(struct synth_zone *z, uint32_t serial)
{
	return zonewire_set_serial(&z->wire, serial);
}

/*
 * The hash, size and SOA of sv's zones z[0..n-1], hashed side by side
 * (ixfr_rrs_hash_ways()).
 */
static int
hash_zones(struct snapshot_view *sv, const size_t z[], size_t n,
    struct ixfr_hash_scratch *hs)
{
	struct ixfr_rrs w[IXFR_HASH_WAYS];
	const struct ixfr_rrs *wp[IXFR_HASH_WAYS];
	uint64_t h[IXFR_HASH_WAYS];
	size_t got = 0;
	int rc = -1;

	for (; got < n; got++) {
		if (ixfr_zone_wire(&sv->sv.zones[z[got]], &w[got]) < 0)
			goto out;
		wp[got] = &w[got];
	}
	if (ixfr_rrs_hash_ways(wp, n, h, hs) < 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct snapshot_xzone *x = &sv->xz[z[i]];
		x->hash = h[i];
		x->size = w[i].size + w[i].soa.len;	/* the SOA closes an AXFR too */
		/* In the zone's packed records: patched with them. */
		x->soa = (uint8_t *)(uintptr_t)w[i].soa.ptr;
		x->soa_len = w[i].soa.len;
	}
out:
	for (size_t i = 0; i < got; i++)
		ixfr_rrs_clear(&w[i]);
	return rc;
}

/* Zones hashed apiece: below it, one thread does the view. */
#define HASH_PARALLEL_MIN	512

struct hash_job {
	struct snapshot_view	*sv;
	int			 rc[PAR_THREADS_MAX];
};

/*
 * Part k of n hashes the k-th run of the view's zones: a run apiece, not
 * every n-th zone, or the parts write the same cache lines of sv->xz.
 */
static void
hash_part(void *arg, size_t k, size_t n)
{
	struct hash_job *j = arg;
	struct ixfr_hash_scratch hs;
	size_t z[IXFR_HASH_WAYS], m = 0, nz = j->sv->sv.nzones;
	size_t end = nz * (k + 1) / n;

	memset(&hs, 0, sizeof(hs));
	j->rc[k] = 0;
	for (size_t i = nz * k / n; i < end && j->rc[k] == 0; i++) {
		z[m++] = i;
		if (m == IXFR_HASH_WAYS || i + 1 == end) {
			j->rc[k] = hash_zones(j->sv, z, m, &hs);
			m = 0;
		}
	}
	ixfr_hash_scratch_clear(&hs);
}

/* Every zone of the view hashed, on every CPU when there are many. */
static int
hash_view(struct snapshot_view *sv)
{
	struct hash_job j = { sv, { 0 } };
	size_t n = par_parts(sv->sv.nzones, HASH_PARALLEL_MIN);

	par_run(n, hash_part, &j);
	for (size_t k = 0; k < n; k++)
		if (j.rc[k] < 0)
			return -1;
	return 0;
}

static uint32_t
xzone_serial(const struct snapshot_xzone *x)
{
	struct ixfr_rr soa = { x->soa, x->soa_len };

	return ixfr_soa_serial(&soa);
}

/*
 * A zone to sort by name: the name's first 8 bytes big-endian (0-padded)
 * in the ref itself, so most comparisons do not read the name.
 */
struct name_ref {
	uint64_t	 head;
	const char	*name;
	size_t		 v, z;
};

static uint64_t
name_head(const char *name)
{
	uint64_t h = 0;
	size_t i = 0;

	for (; i < 8 && name[i] != '\0'; i++)
		h = h << 8 | (uint8_t)name[i];
	return h << (8 * (8 - i));
}

static int
cmp_ref(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;

	if (x->head != y->head)
		return x->head < y->head ? -1 : 1;
	/* Same 8 bytes: a name shorter than 8 ends there, and so does the other. */
	int c = strcmp(x->name, y->name);
	if (c != 0)
		return c;
	return x->v < y->v ? -1 : x->v > y->v;
}

/* Names sorted apiece: below it, one thread sorts them all. */
#define SORT_PARALLEL_MIN	512

struct sort_job {
	struct name_ref	*v;
	size_t		 n;
};

static void
sort_part(void *arg, size_t k, size_t n)
{
	struct sort_job *j = arg;
	size_t from = j->n * k / n, to = j->n * (k + 1) / n;

	qsort(j->v + from, to - from, sizeof(*j->v), cmp_ref);
}

/*
 * v[0..n) sorted by cmp_ref(): in runs on every CPU, then merged (no two
 * refs compare equal: a view has one zone of a name). Returns the sorted
 * array, v or a new one (v freed).
 */
static struct name_ref *
sort_refs(struct name_ref *v, size_t n)
{
	struct sort_job j = { v, n };
	size_t np = par_parts(n, SORT_PARALLEL_MIN);
	struct name_ref *out = np > 1 ? malloc(n * sizeof(*out)) : NULL;
	size_t at[PAR_THREADS_MAX], end[PAR_THREADS_MAX];

	if (out == NULL) {
		qsort(v, n, sizeof(*v), cmp_ref);
		return v;
	}
	par_run(np, sort_part, &j);
	for (size_t k = 0; k < np; k++) {
		at[k] = n * k / np;
		end[k] = n * (k + 1) / np;
	}
	for (size_t i = 0; i < n; i++) {
		size_t best = np;
		for (size_t k = 0; k < np; k++)
			if (at[k] < end[k] && (best == np ||
			    cmp_ref(&v[at[k]], &v[at[best]]) < 0))
				best = k;
		out[i] = v[at[best]++];
	}
	free(v);
	return out;
}

static int
cmp_zone(const void *key, const void *elem)
{
	return strcmp(key, ((const struct snapshot_zone *)elem)->name);
}

static const struct snapshot_zone *
find_name(const struct snapshot *s, const char *name)
{
	if (s == NULL || s->nnames == 0)
		return NULL;
	return bsearch(name, s->zones, s->nnames, sizeof(*s->zones), cmp_zone);
}

/* Zone name as view (by name) of s has it, with its IXFR data; or NULL. */
static const struct snapshot_xzone *
find_xzone(const struct snapshot *s, const char *name, const char *view,
    const struct synth_zone **zp)
{
	const struct snapshot_zone *n = find_name(s, name);

	for (size_t i = 0; n != NULL && i < n->n; i++) {
		const struct snapshot_zref *r = &s->refs[n->first + i];
		if (strcmp(s->views[r->v].sv.name, view) == 0) {
			*zp = &s->views[r->v].sv.zones[r->z];
			return &s->views[r->v].xz[r->z];
		}
	}
	return NULL;
}

/*
 * Our serial for a zone name: the old one while the content is the same,
 * else the clock, or one more than the old one when the clock is behind
 * (RFC 1982): a secondary never sees it go back.
 */
static uint32_t
decide(uint64_t hash, const struct snapshot_zone *old,
    const struct serial_entry *kept, uint32_t now)
{
	if (old != NULL)
		return old->hash == hash ? old->serial :
		    serial_next(old->serial, now);
	if (kept != NULL)
		return kept->hash == hash ? kept->serial :
		    serial_next(kept->serial, now);
	return now;
}

/*
 * The IXFR history of views[v]'s zone z: prev's for the same view and
 * zone, and when the serial moved on, the delta from prev's records.
 */
static int
zone_history(struct snapshot *s, size_t v, size_t z,
    const struct snapshot *prev)
{
	struct snapshot_view *sv = &s->views[v];
	struct snapshot_xzone *x = &sv->xz[z];
	const struct synth_zone *oz = NULL;
	const struct snapshot_xzone *ox = prev == NULL ? NULL :
	    find_xzone(prev, sv->sv.zones[z].name, sv->sv.name, &oz);
	unsigned max = s->cfg->ixfr_history;

	if (ox == NULL || max == 0)
		return 0;
	uint32_t from = xzone_serial(ox), to = xzone_serial(x);
	if (from == to)
		/* Other records under the same serial: the history is void. */
		return ox->hash != x->hash ? 0 :
		    ixfr_chain_make(&x->chain, &ox->chain, NULL, max, x->size);
	if (!serial_after(to, from))
		return 0;
	struct ixfr_rrs ow, nw;
	if (ixfr_zone_wire(oz, &ow) < 0)
		return -1;
	if (ixfr_zone_wire(&sv->sv.zones[z], &nw) < 0) {
		ixfr_rrs_clear(&ow);
		return -1;
	}
	struct ixfr_delta *d = ixfr_delta_new(&ow, &nw);
	ixfr_rrs_clear(&ow);
	ixfr_rrs_clear(&nw);
	if (d == NULL)
		return -1;
	return ixfr_chain_make(&x->chain, &ox->chain, d, max, x->size);
}

/* One zone name's serial, set in every view's zone of that name. */
static int
name_serial(struct snapshot *s, struct snapshot_zone *e,
    const struct snapshot *prev, const struct serial_state *st,
    uint32_t now, FILE *diag)
{
	const struct snapshot_zone *old = find_name(prev, e->name);
	uint64_t h = IXFR_HASH_INIT;

	for (size_t i = 0; i < e->n; i++) {
		const struct snapshot_zref *r = &s->refs[e->first + i];
		const struct snapshot_view *sv = &s->views[r->v];
		uint8_t be[8];
		for (int k = 0; k < 8; k++)
			be[k] = (uint8_t)(sv->xz[r->z].hash >> (56 - 8 * k));
		h = ixfr_hash_bytes(h, sv->sv.name, strlen(sv->sv.name) + 1);
		h = ixfr_hash_bytes(h, be, sizeof(be));
	}
	e->hash = h;
	const struct snapshot_zref *r0 = &s->refs[e->first];
	e->file_serial = s->views[r0->v].sv.zones[r0->z].file_serial;
	if (e->file_serial) {
		e->serial = xzone_serial(&s->views[r0->v].xz[r0->z]);
		if (old != NULL && old->hash != h && old->serial == e->serial)
			fprintf(diag, "zone %s: warning: its zone file changed "
			    "but its serial %lu did not: secondaries keep the "
			    "old records (raise the serial)\n", e->name,
			    (unsigned long)e->serial);
	} else {
		e->serial = decide(h, old, serial_state_find(st, e->name), now);
		for (size_t i = 0; i < e->n; i++) {
			const struct snapshot_zref *r = &s->refs[e->first + i];
			struct snapshot_view *sv = &s->views[r->v];
			struct snapshot_xzone *x = &sv->xz[r->z];
			if (zone_set_serial(&sv->sv.zones[r->z], e->serial) < 0)
				return -1;
			wire_put32(x->soa + x->soa_len - 20, e->serial);
		}
		if (s->serial == 0 || serial_after(e->serial, s->serial))
			s->serial = e->serial;
	}
	e->changed = old == NULL || old->serial != e->serial;
	return 0;
}

/*
 * The serial step of snapshot_build(), once every view's zones are final
 * and before any answer is compiled: hashes each zone, decides one serial
 * per zone name (from prev, else the state file, else the clock), sets it,
 * and carries the IXFR history on from prev. -1 when out of memory.
 */
static int
snapshot_serials(struct snapshot *s, const struct snapshot *prev, FILE *diag)
{
	const struct config *cfg = s->cfg;
	struct serial_state st;
	uint32_t now = (uint32_t)time(NULL);
	size_t n = 0, k = 0;
	int rc = -1;

	memset(&st, 0, sizeof(st));
	if (prev == NULL && cfg->state_dir != NULL && *cfg->state_dir != '\0')
		(void)serial_state_load(cfg->state_dir, &st, diag);
	for (size_t v = 0; v < s->nviews; v++) {
		struct snapshot_view *sv = &s->views[v];
		n += sv->sv.nzones;
		if ((sv->xz = calloc(sv->sv.nzones ? sv->sv.nzones : 1,
		    sizeof(*sv->xz))) == NULL)
			goto out;
		if (hash_view(sv) < 0)
			goto out;
	}
	struct name_ref *tmp = calloc(n ? n : 1, sizeof(*tmp));
	s->refs = calloc(n ? n : 1, sizeof(*s->refs));
	s->zones = calloc(n ? n : 1, sizeof(*s->zones));
	if (tmp == NULL || s->refs == NULL || s->zones == NULL) {
		free(tmp);
		goto out;
	}
	for (size_t v = 0; v < s->nviews; v++)
		for (size_t z = 0; z < s->views[v].sv.nzones; z++)
			tmp[k++] = (struct name_ref){
			    name_head(s->views[v].sv.zones[z].name),
			    s->views[v].sv.zones[z].name, v, z };
	tmp = sort_refs(tmp, n);
	for (size_t i = 0; i < n; i++) {
		s->refs[i] = (struct snapshot_zref){ tmp[i].v, tmp[i].z };
		if (i == 0 || tmp[i].head != tmp[i - 1].head ||
		    strcmp(tmp[i].name, tmp[i - 1].name) != 0)
			s->zones[s->nnames++] = (struct snapshot_zone){
			    .name = tmp[i].name, .first = i };
		s->zones[s->nnames - 1].n++;
	}
	free(tmp);
	for (size_t i = 0; i < s->nnames; i++)
		if (name_serial(s, &s->zones[i], prev, &st, now, diag) < 0)
			goto out;
	if (s->serial == 0)
		s->serial = prev != NULL ? prev->serial : now;
	for (size_t i = 0; i < n; i++)
		if (zone_history(s, s->refs[i].v, s->refs[i].z, prev) < 0)
			goto out;
	rc = 0;
out:
	serial_state_clear(&st);
	return rc;
}

/* --- sharing the previous snapshot's records and compiled zones --------- */

struct snapshot_wire {
	struct arena	 a;
	atomic_size_t	 refs;
};

static struct snapshot_wire *
wire_new(struct arena *from)
{
	struct snapshot_wire *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	if (from != NULL)
		arena_join(&w->a, from);
	atomic_init(&w->refs, 1);
	return w;
}

/* Freed with the last snapshot that points into it (either may go first). */
static void
wire_put(struct snapshot_wire *w)
{
	if (w != NULL && atomic_fetch_sub(&w->refs, 1) == 1) {
		arena_free(&w->a);
		free(w);
	}
}

/* The same packed bytes: the zone's records and its cut list. */
static bool
wire_same(const struct zonewire *a, const struct zonewire *b)
{
	return a->buf != NULL && b->buf != NULL && a->len == b->len &&
	    a->cut == b->cut && a->nrrs == b->nrrs && a->ncut == b->ncut &&
	    memcmp(a->buf, b->buf, a->len) == 0;
}

static const struct snapshot_view *
prev_view(const struct snapshot *prev, const char *name)
{
	for (size_t i = 0; prev != NULL && i < prev->nviews; i++)
		if (strcmp(prev->views[i].sv.name, name) == 0)
			return &prev->views[i];
	return NULL;
}

/*
 * Once the serials are set: each zone of view v whose packed records are
 * byte for byte prev's points at prev's copy, the others are copied into
 * an arena of their own, and the freshly synthesized one goes, before the
 * answers are compiled (a reload's peak holds both snapshots). Without
 * prev, or with too many arenas to share, the fresh arena is kept as it
 * is. -1 when out of memory.
 */
static int
share_wire(struct snapshot *s, size_t v, const struct snapshot *prev)
{
	struct snapshot_view *sv = &s->views[v];
	const struct snapshot_view *ov = prev_view(prev, sv->sv.name);
	long map[SNAPSHOT_WIRES_MAX];
	size_t nshared = 0, nused = 0;

	for (size_t k = 0; k < SNAPSHOT_WIRES_MAX; k++)
		map[k] = -1;
	/* Which old arenas would stay: one more is the new zones'. */
	for (size_t z = 0; ov != NULL && z < sv->sv.nzones; z++) {
		const struct synth_zone *oz = NULL;
		const struct snapshot_xzone *ox = find_xzone(prev,
		    sv->sv.zones[z].name, sv->sv.name, &oz);
		sv->xz[z].wire = UINT8_MAX;
		if (ox == NULL || !wire_same(&oz->wire, &sv->sv.zones[z].wire))
			continue;
		if (map[ox->wire] < 0)
			map[ox->wire] = (long)nused++;
		sv->xz[z].wire = (uint8_t)map[ox->wire];
		nshared++;
	}
	if (nshared == 0 || nused + 1 > SNAPSHOT_WIRES_MAX) {
		for (size_t z = 0; z < sv->sv.nzones; z++)
			sv->xz[z].wire = 0;
		if ((sv->wires[0] = wire_new(&sv->sv.wire)) == NULL)
			return -1;
		sv->nwires = 1;
		return 0;
	}
	for (size_t k = 0; k < SNAPSHOT_WIRES_MAX; k++)
		if (map[k] >= 0) {
			sv->wires[map[k]] = ov->wires[k];
			atomic_fetch_add(&ov->wires[k]->refs, 1);
		}
	sv->nwires = nused;
	struct snapshot_wire *own = wire_new(NULL);
	if (own == NULL)
		return -1;
	sv->wires[sv->nwires++] = own;
	for (size_t z = 0; z < sv->sv.nzones; z++) {
		struct zonewire *w = &sv->sv.zones[z].wire;
		struct snapshot_xzone *x = &sv->xz[z];
		size_t soa_at = (size_t)(x->soa - w->buf);	/* the same bytes */
		if (x->wire != UINT8_MAX) {
			const struct synth_zone *oz = NULL;
			(void)find_xzone(prev, sv->sv.zones[z].name, sv->sv.name,
			    &oz);
			w->buf = oz->wire.buf;
			x->soa = x->soa != NULL ?
			    (uint8_t *)(uintptr_t)w->buf + soa_at : NULL;
			continue;
		}
		uint8_t *copy = w->len > 0 ? arena_alloc(&own->a, w->len) : NULL;
		if (w->len > 0 && copy == NULL)
			return -1;
		if (copy != NULL)
			memcpy(copy, w->buf, w->len);
		w->buf = copy;
		x->soa = x->soa != NULL ? copy + soa_at : NULL;
		x->wire = (uint8_t)(sv->nwires - 1);
	}
	arena_free(&sv->sv.wire);	/* the fresh copy, of every zone */
	return 0;
}


/* The same bytes of a zone's own records (serial included) and negative TTL. */
static bool
zone_same(const struct synth_zone *a, const struct synth_zone *b)
{
	return a->wire.buf != NULL && b->wire.buf != NULL &&
	    a->neg_ttl == b->neg_ttl && a->wire.nrrs == b->wire.nrrs &&
	    a->wire.cut == b->wire.cut &&
	    memcmp(a->wire.buf, b->wire.buf, a->wire.cut) == 0;
}

/*
 * For answer_table_build_from(): prev's view of the same name (*pv, its
 * table) and, by zone of s's view v, the index there of the zone with the
 * same records, or -1. NULL when prev has no such view (or out of memory:
 * a build of its own then, which is only slower).
 */
static long *
same_zones(const struct snapshot *s, size_t v, const struct snapshot *prev,
    const struct answer_table **pt)
{
	const struct snapshot_view *sv = &s->views[v];
	const struct snapshot_view *ov = prev_view(prev, sv->sv.name);

	if (ov == NULL || ov->table == NULL)
		return NULL;
	long *same = malloc((sv->sv.nzones ? sv->sv.nzones : 1) * sizeof(*same));
	for (size_t z = 0; same != NULL && z < sv->sv.nzones; z++) {
		const struct synth_zone *oz = NULL;
		same[z] = -1;
		if (find_xzone(prev, sv->sv.zones[z].name, sv->sv.name, &oz) != NULL &&
		    oz >= ov->sv.zones && oz < ov->sv.zones + ov->sv.nzones &&
		    zone_same(oz, &sv->sv.zones[z]))
			same[z] = oz - ov->sv.zones;
	}
	*pt = ov->table;
	return same;
}

/*
 * At start-up the configuration's domains and hosts go while the answers
 * are compiled: nothing there reads them, and the table's insert leaves a
 * CPU free.
 */
struct shed_job {
	struct config	*cfg;
	pthread_t	 thread;
	bool		 started;
	double		 ms;
};

/*
 * The strings' pages and the domains' and hosts' arrays', written to
 * already, become the chunks of the table's arenas and blocks still to come
 * (its scratch: the records read, the names, their lists; its nodes, and
 * the answers compiled), not pages the kernel must clear again; the build
 * drains what is left of them.
 */
static void *
shed_run(void *arg)
{
	struct shed_job *j = arg;
	struct timespec t0;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	(void)config_shed_donate(j->cfg);
	j->ms = log_lap_ms(&t0);
	return NULL;
}

static void
shed_start(struct shed_job *j, struct config *cfg)
{
	j->cfg = cfg;
	j->started = pthread_create(&j->thread, NULL, shed_run, j) == 0;
	if (!j->started)
		(void)shed_run(j);	/* no thread: here, then */
}

static void
shed_join(struct shed_job *j)
{
	if (j->started)
		pthread_join(j->thread, NULL);
	if (j->cfg != NULL)
		log_debug("configuration shed in %.0f ms%s", j->ms,
		    j->started ? ", beside the answers" : "");
	j->cfg = NULL;
	j->started = false;
}

static struct snapshot *
build(struct config *cfg, const struct snapshot *prev, FILE *diag, bool shed)
{
	struct shed_job sj = { NULL, 0, false, 0 };
	struct snapshot *s = calloc(1, sizeof(*s));
	size_t nviews = cfg->nviews ? cfg->nviews : 1;
	struct zonefiles zf;
	struct zonefile_msgs msgs = { NULL, 0 };
	int rc = -1;

	if (s == NULL) {
		fprintf(diag, "%s: out of memory\n", cfg->path);
		config_free(cfg);
		return NULL;
	}
	s->cfg = cfg;
	s->edns_size = cfg->edns_size;
	if (cfg->nsid != NULL) {
		s->nsid = (const uint8_t *)cfg->nsid;
		s->nsid_len = (uint16_t)strlen(cfg->nsid);
	}
	if (zonefiles_load(cfg, &zf, diag) < 0 ||
	    reverse_check(cfg, &zf, diag) < 0) {
		zonefiles_clear(&zf);
		snapshot_free(s);
		return NULL;
	}
	if ((s->views = calloc(nviews, sizeof(*s->views))) == NULL)
		goto oom;
	for (size_t v = 0; v < nviews; v++) {
		struct snapshot_view *sv = &s->views[v];
		int vi = cfg->nviews ? (int)v : -1;

		sv->cfg = cfg->nviews ? &cfg->views[v] : NULL;
		s->nviews++;
		/* Serials come after (snapshot_serials()): 0 until then. */
		if (synth_view(cfg, vi, 0, &sv->sv) < 0 ||
		    reverse_view(cfg, vi, 0, &zf, &sv->sv) < 0)
			goto oom;
		if (zonefiles_merge(&zf, cfg, vi, &sv->sv, &msgs, diag) < 0)
			goto out;
		/* After the files: a delegation shows the NS the child serves. */
		if (synth_view_cut(&sv->sv) < 0)
			goto oom;
		/*
		 * Every zone is wire from here on (synthesized and reversed
		 * straight into it, merged zones packed again): the serial
		 * step patches it, the answers are compiled from it.
		 */
		/* A parent's delegations count: its AXFR carries them. */
		for (size_t z = 0; z < sv->sv.nzones; z++) {
			const struct synth_zone *zn = &sv->sv.zones[z];
			s->nrecords += zn->wire.nrrs + zn->wire.ncut;
		}
	}
	/*
	 * The zone files' records are in every view's wire now: free them
	 * before the serials and the answer tables, not after (during a
	 * reload the old snapshot is still held, so the peak counts).
	 */
	zonefiles_clear(&zf);
	zonefile_msgs_clear(&msgs);
	/* Every view's zones are known: one serial per zone name. */
	struct timespec t0;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	if (snapshot_serials(s, prev, diag) < 0)
		goto oom;
	for (size_t v = 0; v < nviews; v++)
		if (share_wire(s, v, prev) < 0)
			goto oom;
	log_debug("%zu zone names: serials in %.0f ms", s->nnames,
	    log_lap_ms(&t0));
	if (shed)
		shed_start(&sj, cfg);	/* before the tables' scratch comes */
	for (size_t v = 0; v < nviews; v++) {
		struct snapshot_view *sv = &s->views[v];
		const struct answer_table *pt = NULL;
		char why[128];
		if (answer_view_fits(&sv->sv, why, sizeof(why)) < 0) {
			fprintf(diag, "%s: view %s: %s\n", cfg->path,
			    sv->sv.name, why);
			goto out;
		}
		long *same = same_zones(s, v, prev, &pt);
		sv->table = answer_table_build_from(&sv->sv, pt, same);
		free(same);
		if (sv->table == NULL) {
			fprintf(diag, "%s: cannot prepare the answers of view "
			    "%s: out of memory, a record that cannot be "
			    "rendered, or a name with more than %u records\n",
			    cfg->path, sv->sv.name, ANSWER_NAME_RRS_MAX);
			goto out;
		}
		log_debug("view %s: answers compiled in %.0f ms",
		    sv->sv.name != NULL ? sv->sv.name : "default",
		    log_lap_ms(&t0));
	}
	shed_join(&sj);
	if (build_chaos(s) < 0)
		goto oom;
	rc = 0;
	goto out;
oom:
	fprintf(diag, "%s: out of memory\n", cfg->path);
out:
	shed_join(&sj);
	/*
	 * What the configuration (its file, its strings, its arrays and
	 * indexes) and the build's own lists gave the arenas and blocks.
	 */
	size_t taken = 0, left = arena_pool_drain(&taken);
	if (taken + left > 0)
		log_debug("pages reused: %zu MiB of the %zu MiB given back",
		    taken * ARENA_CHUNK >> 20,
		    (taken + left) * ARENA_CHUNK >> 20);
	zonefiles_clear(&zf);
	zonefile_msgs_clear(&msgs);
#ifdef __GLIBC__
	/*
	 * What the build freed (the zone files' records, the table's
	 * scratch): hand the pages back, or the process keeps the peak.
	 */
	malloc_trim(0);
#endif
	if (rc < 0) {
		snapshot_free(s);
		return NULL;
	}
	return s;
}

struct snapshot *
snapshot_build(struct config *cfg, const struct snapshot *prev, FILE *diag)
{
	return build(cfg, prev, diag, false);
}

struct snapshot *
snapshot_build_serving(struct config *cfg, FILE *diag)
{
	return build(cfg, NULL, diag, true);
}

void
snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	for (size_t v = 0; v < s->nviews; v++) {
		struct snapshot_view *sv = &s->views[v];
		answer_table_free(sv->table);
		for (size_t z = 0; sv->xz != NULL && z < sv->sv.nzones; z++) {
			ixfr_chain_clear(&sv->xz[z].chain);
		}
		free(sv->xz);
		synth_view_clear(&sv->sv);
		for (size_t k = 0; k < sv->nwires; k++)
			wire_put(sv->wires[k]);
	}
	free(s->views);
	free(s->zones);
	free(s->refs);
	for (size_t i = 0; i < s->nchaos; i++)
		answer_clear(&s->chaos[i].answer);
	config_free(s->cfg);
	free(s);
#ifdef __GLIBC__
	/* After a reload the old configuration's pages go back too. */
	malloc_trim(0);
#endif
}

void
snapshot_zone_names(const struct snapshot *s, void (*fn)(void *, const char *),
    void *arg)
{
	for (size_t i = 0; i < s->nnames; i++)
		fn(arg, s->zones[i].name);
}

void
snapshot_changed_zones(const struct snapshot *s,
    void (*fn)(void *, const char *), void *arg)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (s->zones[i].changed)
			fn(arg, s->zones[i].name);
}

int
snapshot_state_save(const struct snapshot *s, bool start)
{
	const char *dir = s->cfg->state_dir;

	if (dir == NULL || *dir == '\0') {
		if (start)
			log_info("no [server] state_directory: after a restart "
			    "a zone's serial follows the clock");
		return 0;
	}
	struct serial_entry *v = calloc(s->nnames ? s->nnames : 1, sizeof(*v));
	size_t n = 0;
	if (v == NULL) {
		log_warnx("state_directory %s: out of memory", dir);
		return -1;
	}
	for (size_t i = 0; i < s->nnames; i++)
		if (!s->zones[i].file_serial)
			v[n++] = (struct serial_entry){ s->zones[i].name,
			    s->zones[i].serial, s->zones[i].hash };
	int rc = serial_state_save(dir, v, n);
	free(v);
	if (rc == 0 && start)
		log_info("serials: kept in %s/%s", dir, SERIAL_STATE_FILE);
	return rc;
}

void
snapshot_shed(struct snapshot *s)
{
	config_shed(s->cfg);
	malloc_trim(0);		/* the domains' and hosts' many small blocks */
}

const struct config *
snapshot_config(const struct snapshot *s)
{
	return s->cfg;
}

uint32_t
snapshot_serial(const struct snapshot *s)
{
	return s->serial;
}

/* The zones of the view that serves the most: views may add their own. */
size_t
snapshot_nzones(const struct snapshot *s)
{
	size_t n = 0;

	for (size_t v = 0; v < s->nviews; v++)
		if (s->views[v].sv.nzones > n)
			n = s->views[v].sv.nzones;
	return n;
}

size_t
snapshot_nrecords(const struct snapshot *s)
{
	return s->nrecords;
}

size_t
snapshot_nshared(const struct snapshot *s, size_t *nzones)
{
	size_t n = 0, all = 0;

	for (size_t v = 0; v < s->nviews; v++) {
		n += answer_table_shared(s->views[v].table);
		all += s->views[v].sv.nzones;
	}
	*nzones = all;
	return n;
}
