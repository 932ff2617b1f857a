/* zonewire.c -- a zone's records packed as uncompressed wire, once compiled. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "wire.h"
#include "zonewire.h"

#define RR_FIXED	10	/* TYPE CLASS TTL RDLENGTH */

/* A growing byte buffer: what the records are written to before the arena. */
struct wbuf {
	uint8_t	*p;
	size_t	 len, cap;
};

/*
 * Appends the records of l to b, uncompressed; counts them. Each is
 * written by ldns_rr2wire() into its own buffer: appending several to one
 * ldns_buffer with ldns_rr2buffer_wire() came out garbled once it grew.
 */
static int
pack_list(struct wbuf *b, const ldns_rr_list *l, size_t *n)
{
	size_t count = l != NULL ? ldns_rr_list_rr_count(l) : 0;

	for (size_t i = 0; i < count; i++) {
		uint8_t *w = NULL;
		size_t len = 0;
		if (ldns_rr2wire(&w, ldns_rr_list_rr(l, i), LDNS_SECTION_ANSWER,
		    &len) != LDNS_STATUS_OK)
			return -1;
		if (b->len + len > b->cap) {
			size_t cap = (b->len + len) * 2;
			uint8_t *p = realloc(b->p, cap);
			if (p == NULL) {
				free(w);
				return -1;
			}
			b->p = p;
			b->cap = cap;
		}
		memcpy(b->p + b->len, w, len);
		b->len += len;
		free(w);
	}
	*n = count;
	return 0;
}

int
zonewire_put(struct zonewire *w, struct arena *a, const uint8_t *zone,
    size_t zlen, size_t nrrs, const uint8_t *cut, size_t clen, size_t ncut)
{
	size_t len = zlen + clen;
	uint8_t *p = arena_alloc(a, len ? len : 1);

	memset(w, 0, sizeof(*w));
	if (p == NULL)
		return -1;
	if (zlen > 0)
		memcpy(p, zone, zlen);
	if (clen > 0)
		memcpy(p + zlen, cut, clen);
	*w = (struct zonewire){ p, len, zlen, nrrs, ncut };
	return 0;
}

int
zonewire_pack(struct zonewire *w, struct arena *a, const ldns_rr_list *rrs,
    const ldns_rr_list *cut)
{
	struct wbuf b = { NULL, 0, 0 };
	size_t nrrs = 0, ncut = 0, zlen;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	if (pack_list(&b, rrs, &nrrs) < 0)
		goto out;
	zlen = b.len;
	if (pack_list(&b, cut, &ncut) < 0)
		goto out;
	rc = zonewire_put(w, a, b.p, zlen, nrrs, b.p != NULL ? b.p + zlen :
	    NULL, b.len - zlen, ncut);
out:
	free(b.p);
	return rc;
}

void
zonewire_iter(const struct zonewire *w, enum zonewire_part part,
    struct zonewire_iter *it)
{
	const uint8_t *b = w->buf;

	if (b == NULL) {
		it->p = it->end = NULL;
		return;
	}
	it->p = part == ZONEWIRE_CUT ? b + w->cut : b;
	it->end = part == ZONEWIRE_ZONE ? b + w->cut : b + w->len;
}

bool
zonewire_next(struct zonewire_iter *it, struct zonewire_rr *rr)
{
	const uint8_t *p = it->p, *end = it->end;

	if (p == NULL || p >= end)
		return false;
	/* The packer wrote it: plain labels, no pointers, checked lengths. */
	rr->wire = rr->owner = p;
	while (p < end && *p != 0)
		p += 1 + *p;
	p++;
	if (p + RR_FIXED > end)
		return false;
	rr->owner_len = (size_t)(p - rr->owner);
	rr->type = wire_get16(p);
	rr->rrclass = wire_get16(p + 2);
	rr->ttl = wire_get32(p + 4);
	rr->rdlen = wire_get16(p + 8);
	rr->rdata = p + RR_FIXED;
	p += RR_FIXED + rr->rdlen;
	if (p > end)
		return false;
	rr->len = (size_t)(p - rr->wire);
	it->p = p;
	return true;
}

ldns_rr_list *
zonewire_rr_list(const struct zonewire *w, enum zonewire_part part)
{
	ldns_rr_list *l = ldns_rr_list_new();
	struct zonewire_iter it;
	struct zonewire_rr r;

	if (l == NULL)
		return NULL;
	zonewire_iter(w, part, &it);
	while (zonewire_next(&it, &r)) {
		ldns_rr *rr = NULL;
		size_t pos = 0;
		if (ldns_wire2rr(&rr, r.wire, r.len, &pos,
		    LDNS_SECTION_ANSWER) != LDNS_STATUS_OK ||
		    !ldns_rr_list_push_rr(l, rr)) {
			ldns_rr_free(rr);
			ldns_rr_list_deep_free(l);
			return NULL;
		}
	}
	return l;
}

/* SERIAL is the first of the five numbers that end a SOA's rdata. */
static bool
soa_of(const struct zonewire *w, struct zonewire_rr *soa)
{
	struct zonewire_iter it;

	zonewire_iter(w, ZONEWIRE_ZONE, &it);
	return zonewire_next(&it, soa) && soa->type == TYPE_SOA &&
	    soa->rdlen >= 20;
}

int
zonewire_set_serial(struct zonewire *w, uint32_t serial)
{
	struct zonewire_rr soa;

	if (!soa_of(w, &soa))
		return -1;
	/* The view's arena's bytes, writable: const only for the readers. */
	wire_put32((uint8_t *)(uintptr_t)(soa.rdata + soa.rdlen - 20), serial);
	return 0;
}

uint32_t
zonewire_serial(const struct zonewire *w)
{
	struct zonewire_rr soa;

	return soa_of(w, &soa) ? wire_get32(soa.rdata + soa.rdlen - 20) : 0;
}
