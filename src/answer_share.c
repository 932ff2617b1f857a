/* answer_share.c -- the compiled zones a reload takes over unchanged. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answer_int.h"
#include "encode.h"
#include "synth.h"

/* --- sharing with the previous table ------------------------------------ */

/*
 * A zone whose compiled nodes read nothing but its own names can be taken
 * over as compiled by a reload that finds its records unchanged. What a
 * compile looks up beyond a node's own records (answer_compile.c): the
 * targets of CNAME (the chain), of NS, MX and SRV (the additional section,
 * a referral's glue), and the parent zone's SOA at a child's apex (DS). So
 * a zone is solo when no zone of the view (nor of the previous table) is
 * above or below its apex, and each such target is in the zone itself or
 * under no zone's apex. Keep this in step with answer_compile.c's look-ups.
 */
struct apexes {
	struct apex {
		const uint8_t *name;
		uint32_t hash;
		uint8_t len;
		long zi;		/* sv's zone, or -1: the previous table's */
	} *v;
	size_t mask;
};

static struct apex *
apex_find(const struct apexes *a, const uint8_t *name, size_t len)
{
	uint32_t h = wire_name_hash(name, len);

	for (size_t i = h & a->mask;; i = (i + 1) & a->mask) {
		struct apex *e = &a->v[i];
		if (e->name == NULL)
			return NULL;
		if (e->hash == h && e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
}

static void
apex_add(struct apexes *a, const uint8_t *name, size_t len, long zi)
{
	uint32_t h = wire_name_hash(name, len);

	if (len == 0 || apex_find(a, name, len) != NULL)
		return;
	size_t i = h & a->mask;
	while (a->v[i].name != NULL)
		i = (i + 1) & a->mask;
	a->v[i] = (struct apex){ name, h, (uint8_t)len, zi };
}

/* The zone's apex, lower case, from its SOA (the first record); 0: none. */
static size_t
zone_apex(const struct synth_zone *sz, uint8_t name[DNS_MAX_NAME])
{
	struct zonewire_iter it;
	struct zonewire_rr r;

	if (sz->wire.buf == NULL)
		return 0;
	zonewire_iter(&sz->wire, ZONEWIRE_ZONE, &it);
	if (!zonewire_next(&it, &r))
		return 0;
	return answer_lname(r.owner, r.owner_len, name);
}

/*
 * The name a compile looks up for rr (see above), lower case; 0: none: a
 * CNAME's target (the chain), or what answer_compile.c itself takes for the
 * additional section and a referral's glue.
 */
static size_t
lookup_target(const struct enc_rr *rr, uint8_t name[DNS_MAX_NAME])
{
	if (rr->type == LDNS_RR_TYPE_CNAME)
		return answer_lname(enc_rr_rdata(rr), enc_rr_rdlen(rr), name);
	return answer_additional_target(rr, name);
}

/* Whether a target of zone zi is in no other zone: solo so far. */
static bool
target_ok(const struct apexes *a, long zi, const uint8_t *name, size_t len)
{
	for (;;) {
		const struct apex *e = apex_find(a, name, len);
		if (e != NULL)
			return e->zi == zi;
		if (len <= 1)
			return true;
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
	}
}

/*
 * t->solo for each of sv's zones (at t->zof[]), against the apexes of sv
 * and of prev (NULL: none). -1 when out of memory.
 */
static int
mark_solo(struct answer_table *t, const struct synth_view *sv,
    const struct answer_table *prev)
{
	size_t n = sv->nzones + (prev != NULL ? prev->nzones : 0);
	struct apexes a = { NULL, 63 };
	/* The apexes, lower case, in an arena: names are short, most of 255 unused. */
	struct arena names = { NULL };
	const uint8_t **apex = calloc(sv->nzones ? sv->nzones : 1, sizeof(*apex));
	uint8_t *alen = calloc(sv->nzones ? sv->nzones : 1, 1);
	int rc = -1;

	/* Filled up to 0.7: a few more probes, a third fewer bytes. */
	while ((a.mask + 1) * 7 < n * 10)
		a.mask = a.mask * 2 + 1;
	if (apex == NULL || alen == NULL ||
	    (a.v = calloc(a.mask + 1, sizeof(*a.v))) == NULL)
		goto out;
	for (size_t zi = 0; zi < sv->nzones; zi++) {
		uint8_t name[DNS_MAX_NAME];
		uint8_t *copy;
		alen[zi] = (uint8_t)zone_apex(&sv->zones[zi], name);
		if (alen[zi] > 0) {
			if ((copy = arena_alloc(&names, alen[zi])) == NULL)
				goto out;
			memcpy(copy, name, alen[zi]);
			apex[zi] = copy;
			apex_add(&a, apex[zi], alen[zi], (long)zi);
		}
		t->solo[t->zof[zi]] = alen[zi] > 0;
	}
	for (size_t i = 0; prev != NULL && i < prev->nzones; i++)
		if (prev->zones[i].apex != NULL)
			apex_add(&a, prev->zones[i].apex, prev->zones[i].apex_len, -1);
	/* A zone above or below another: neither is solo. */
	for (size_t zi = 0; zi < sv->nzones; zi++) {
		const uint8_t *name = apex[zi];
		size_t len = alen[zi];
		while (len > 1) {
			len -= 1 + (size_t)name[0];
			name += 1 + name[0];
			const struct apex *e = apex_find(&a, name, len);
			if (e != NULL) {
				t->solo[t->zof[zi]] = 0;
				if (e->zi >= 0)
					t->solo[t->zof[e->zi]] = 0;
			}
		}
	}
	for (size_t zi = 0; zi < sv->nzones; zi++) {
		struct zonewire_iter it;
		struct zonewire_rr r;
		struct enc_rr rr;
		uint8_t name[DNS_MAX_NAME];
		size_t len;

		if (!t->solo[t->zof[zi]])
			continue;
		zonewire_iter(&sv->zones[zi].wire, ZONEWIRE_ZONE, &it);
		while (zonewire_next(&it, &r)) {
			if (!enc_rr_parse(&rr, r.wire, r.len) ||
			    ((len = lookup_target(&rr, name)) > 0 &&
			    !target_ok(&a, (long)zi, name, len))) {
				t->solo[t->zof[zi]] = 0;
				break;
			}
		}
	}
	rc = 0;
out:
	free(a.v);
	free(apex);
	free(alen);
	arena_free(&names);
	return rc;
}

/*
 * What a reload shares: prev's zones that same[] names and that are solo
 * here, keep their index in zones and their compiled nodes (t->kept, the
 * slots to seal with), and the blocks those live in are shared. Returns
 * the number of zones shared, 0 when nothing can be (the caller then
 * starts t anew), or -1 when out of memory. free_idx[*nfreep] gets the
 * blocks left to build in.
 */
long
answer_plan_share(struct answer_table *t, const struct synth_view *sv,
    const struct answer_table *prev, const long *same, unsigned *free_idx,
    size_t *nfreep)
{
	uint8_t *keep = calloc(prev->nzones ? prev->nzones : 1, 1);
	bool used[BLOCKS_MAX] = { false };
	size_t nshared = 0, nfree = 0;
	long rc = -1;

	if (keep == NULL)
		return -1;
	/*
	 * Solo is judged with the view's zones in their final places, against
	 * prev's apexes too: a zone solo here with prev's very records read
	 * nothing beyond itself in prev either, so prev need not have judged
	 * it (a build without prev does not: it costs a walk of every record).
	 */
	size_t nnew = 0;
	for (size_t zi = 0; zi < sv->nzones; zi++) {
		long oz = same[zi];
		bool sh = oz >= 0 && (size_t)oz < prev->nzof;
		t->zof[zi] = sh ? prev->zof[oz] : (uint32_t)(prev->nzones + nnew++);
	}
	t->nzones = prev->nzones + nnew;
	if ((t->solo = calloc(t->nzones ? t->nzones : 1, 1)) == NULL ||
	    (t->zones = calloc(t->nzones ? t->nzones : 1,
	    sizeof(*t->zones))) == NULL || mark_solo(t, sv, prev) < 0)
		goto out;
	for (size_t zi = 0; zi < sv->nzones; zi++) {
		bool sh = t->zof[zi] < prev->nzones && t->solo[t->zof[zi]];
		if (sh) {
			keep[t->zof[zi]] = 1;
			nshared++;
		} else if (!t->solo[t->zof[zi]] || t->zof[zi] < prev->nzones) {
			/*
			 * Compiled again, it might read another zone's names,
			 * which this build would not hold: no sharing at all.
			 */
			nshared = 0;
			break;
		}
	}
	/* Empty places up to the zones in use: time for a table of its own. */
	if (nshared == 0 || t->nzones > 2 * sv->nzones + 64) {
		rc = 0;
		goto out;
	}
	if ((t->kept = malloc((prev->nnodes ? prev->nnodes : 1) *
	    sizeof(*t->kept))) == NULL)
		goto out;
	for (size_t i = 0; i < prev->nslots; i++) {
		uint32_t ref = prev->slots[i].ref;
		if (ref != 0 && keep[answer_node_of(prev, ref)->zone]) {
			t->kept[t->nkept++] = prev->slots[i];
			used[ref >> REF_SHIFT] = true;
		}
	}
	for (unsigned k = 0; k < BLOCKS_MAX; k++)
		if (!used[k])
			free_idx[nfree++] = k;
	*nfreep = nfree;
	if (nfree == 0) {
		/* Too many blocks in use: one table of its own packs them. */
		free(t->kept);
		t->kept = NULL;
		t->nkept = 0;
		rc = 0;
		goto out;
	}
	for (unsigned k = 0; k < BLOCKS_MAX; k++)
		if (used[k]) {
			t->blk[k] = answer_shblock_get(prev->blk[k]);
			t->base[k] = prev->base[k];
		}
	/* The shared zones' names and SOA tails: copied, they are small. */
	for (size_t zi = 0; zi < sv->nzones; zi++) {
		uint32_t i = t->zof[zi];
		if (i >= prev->nzones || !keep[i])
			continue;
		const struct answer_zone *o = &prev->zones[i];
		struct answer_zone *z = &t->zones[i];
		*z = *o;
		if ((z->apex = arena_alloc(&t->arena, o->apex_len)) == NULL ||
		    (z->soa_tail = arena_alloc(&t->arena, o->soa_tail_len)) == NULL)
			goto out;
		memcpy(z->apex, o->apex, o->apex_len);
		memcpy(z->soa_tail, o->soa_tail, o->soa_tail_len);
	}
	t->nshared = nshared;
	rc = (long)nshared;
out:
	free(keep);
	return rc;
}

/* Back to a table of its own: what a failed or refused share left goes. */
void
answer_table_unshare(struct answer_table *t)
{
	for (size_t k = 0; k < BLOCKS_MAX; k++) {
		answer_shblock_put(t->blk[k]);
		t->blk[k] = NULL;
		t->base[k] = NULL;
	}
	free(t->kept);
	free(t->solo);
	free(t->zones);
	t->kept = NULL;
	t->solo = NULL;
	t->zones = NULL;
	t->nkept = t->nshared = t->nzones = 0;
	arena_free(&t->arena);
}
