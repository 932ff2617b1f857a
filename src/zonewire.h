/* zonewire.h -- a zone's records packed as uncompressed wire, once compiled. */
#ifndef OCSDNSD_ZONEWIRE_H
#define OCSDNSD_ZONEWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

struct arena;

/*
 * What AXFR, --print-zone, the plan and the sign-in check read of a zone
 * once its answers are compiled: every RR as uncompressed wire (owner,
 * type, class, TTL, RDLENGTH, RDATA: what ldns_rr2wire() writes), back to
 * back, the zone's own records first (the SOA first) and then its cut list
 * (the delegations of child zones). A tenth of the ldns records' size, and
 * one block instead of a dozen mallocs per record.
 */
struct zonewire {
	const uint8_t	*buf;		/* in the view's arena; NULL: not packed */
	size_t		 len;
	size_t		 cut;		/* offset of the cut list's first RR */
	size_t		 nrrs;		/* the zone's own RRs */
	size_t		 ncut;		/* the cut list's */
};

/* One RR of a zonewire: all pointers into its buffer. */
struct zonewire_rr {
	const uint8_t	*wire;		/* the whole RR ... */
	size_t		 len;		/* ... and its length */
	const uint8_t	*owner;		/* uncompressed wire name, as stored */
	size_t		 owner_len;
	uint16_t	 type;
	uint16_t	 rrclass;
	uint32_t	 ttl;
	const uint8_t	*rdata;
	uint16_t	 rdlen;
};

struct zonewire_iter {
	const uint8_t	*p, *end;
};

enum zonewire_part {
	ZONEWIRE_ZONE,			/* the zone's own records */
	ZONEWIRE_CUT,			/* its cut list */
	ZONEWIRE_ALL,			/* both, in that order */
};

/*
 * Packs rrs then cut (either may be NULL) into w, the bytes from arena a.
 * Returns 0, or -1 when out of memory or ldns cannot write a record.
 */
int	zonewire_pack(struct zonewire *w, struct arena *a,
	    const ldns_rr_list *rrs, const ldns_rr_list *cut);

/*
 * Sets w to a copy, in arena a, of zone (nrrs records, zlen bytes) then
 * cut (ncut records, clen bytes), both already in this form (rrwire.h
 * writes it). Returns 0, or -1 when out of memory.
 */
int	zonewire_put(struct zonewire *w, struct arena *a, const uint8_t *zone,
	    size_t zlen, size_t nrrs, const uint8_t *cut, size_t clen,
	    size_t ncut);

/* Starts an iteration over one part of w. */
void	zonewire_iter(const struct zonewire *w, enum zonewire_part part,
	    struct zonewire_iter *it);
/* The next RR into rr; false at the end. */
bool	zonewire_next(struct zonewire_iter *it, struct zonewire_rr *rr);

/*
 * Sets the serial of the SOA that opens w's records: the packed form is
 * final but for this, done before any answer is compiled from it (the
 * serials step of snapshot_build()). -1 when w does not open with a SOA.
 */
int	zonewire_set_serial(struct zonewire *w, uint32_t serial);
/* The serial of that SOA; 0 when w does not open with one. */
uint32_t zonewire_serial(const struct zonewire *w);

/*
 * One part as a fresh ldns list (for printing: transient), NULL when out
 * of memory or for bytes ldns cannot read. The caller deep-frees it.
 */
ldns_rr_list *zonewire_rr_list(const struct zonewire *w,
	    enum zonewire_part part);

#endif
