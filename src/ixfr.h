/* ixfr.h -- a zone's records as wire RRs, their hash, deltas, IXFR. */
#ifndef OCSDNSD_IXFR_H
#define OCSDNSD_IXFR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xfr.h"

struct query;
struct synth_zone;

/* One record in uncompressed wire form: owner, type, class, TTL, rdata. */
struct ixfr_rr {
	const uint8_t	*ptr;
	uint16_t	 len;
};

/*
 * A zone's records: the SOA apart, the others (delegations of child zones
 * too: AXFR carries them) sorted by their bytes, for hashing and diffing.
 */
struct ixfr_rrs {
	struct ixfr_rr	 soa;
	struct ixfr_rr	*v;
	size_t		 n;
	uint8_t		*bytes;		/* owned, or NULL: ptrs into the zone */
	size_t		 size;
};

/*
 * The adapter: the records of zone z (the SOA first in its list) as wire
 * RRs. The one place the diff and the hash read a zone's storage. 0, or -1
 * when out of memory or a record has no wire form.
 */
int	ixfr_zone_wire(const struct synth_zone *z, struct ixfr_rrs *out);
void	ixfr_rrs_clear(struct ixfr_rrs *rrs);

/* FNV-1a, from IXFR_HASH_INIT: stable across builds (the state file keeps it). */
#define IXFR_HASH_INIT	0xcbf29ce484222325ULL
uint64_t ixfr_hash_bytes(uint64_t h, const void *bytes, size_t n);
/* FNV-1a over the sorted records and the SOA, its serial left out. */
uint64_t ixfr_rrs_hash(const struct ixfr_rrs *rrs);

/*
 * ixfr_rrs_hash() of several zones at once: the same values, their bytes
 * hashed side by side (each FNV step waits on the last multiply, so one
 * zone at a time leaves the CPU idle). The scratch holds each zone's
 * bytes in a row between calls; clear it when done.
 */
#define IXFR_HASH_WAYS	4
struct ixfr_hash_scratch {
	uint8_t		*row[IXFR_HASH_WAYS];
	size_t		 cap[IXFR_HASH_WAYS];
};
/* out[i] = ixfr_rrs_hash(rrs[i]) for i < n <= IXFR_HASH_WAYS; -1: out of memory. */
int	ixfr_rrs_hash_ways(const struct ixfr_rrs *const rrs[], size_t n,
	    uint64_t out[], struct ixfr_hash_scratch *s);
void	ixfr_hash_scratch_clear(struct ixfr_hash_scratch *s);
/* The serial of a SOA in wire form (uncompressed). */
uint32_t ixfr_soa_serial(const struct ixfr_rr *soa);

/*
 * One version to the next, as RFC 1995 sends it: the old SOA, the records
 * deleted, the new SOA, the records added. Immutable once made and shared
 * by the snapshots whose history holds it (refs).
 */
struct ixfr_delta {
	atomic_uint	 refs;
	uint32_t	 from, to;
	struct ixfr_rr	 old_soa, new_soa;
	struct ixfr_rr	*del, *add;
	size_t		 ndel, nadd;
	size_t		 size;		/* wire bytes of all its records */
	uint8_t		 mem[];		/* where every ptr points */
};

/* What old and new differ by; NULL when out of memory. */
struct ixfr_delta *ixfr_delta_new(const struct ixfr_rrs *old,
	    const struct ixfr_rrs *new);

/* A zone's deltas, oldest first; the last one ends at its current serial. */
struct ixfr_chain {
	struct ixfr_delta **d;
	size_t		 n;
};

/*
 * out = prev's deltas then d (which out takes; d NULL: prev's alone), less
 * the oldest beyond max deltas or beyond zone_size bytes in all: a client
 * that far behind gets the zone whole for fewer bytes. 0, or -1 (out empty).
 */
int	ixfr_chain_make(struct ixfr_chain *out, const struct ixfr_chain *prev,
	    struct ixfr_delta *d, unsigned max, size_t zone_size);
void	ixfr_chain_clear(struct ixfr_chain *c);

/*
 * Answers an IXFR for a client at serial from: the deltas from there on,
 * condensed into one (RFC 1995 sections 4 and 5), or, when it is current,
 * the SOA alone. Returns 0
 * when sent, 1 when the history does not reach from (the caller sends an
 * AXFR), -1 when emit failed or memory ran out.
 */
int	ixfr_stream(const struct ixfr_chain *c, const struct ixfr_rr *soa,
	    uint32_t from, const struct query *q, xfr_emit_fn *emit,
	    void *arg);

#endif
