/* answer.h -- prepared answers per (name, type), compiled at load time. */
#ifndef OCSDNSD_ANSWER_H
#define OCSDNSD_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "wire.h"

struct synth_view;
struct enc_rr;

/*
 * A response message as rendered at load time, with ID 0, QR and AA set,
 * QDCOUNT 1 but no question: the header, then the sections. The reply
 * copies the header, patches in the ID and the flags to copy, puts the
 * client's question after it, then the sections. The sections were
 * compressed against the lower-case name with the type asked for, which
 * is as long as the client's (names match case-insensitively), so their
 * pointers land where they did. The additional section is last, so the
 * first len_noadd bytes with ARCOUNT 0 are the same answer without it.
 *
 * A LOOKUP_SPLICE answer (a wildcard's, a referral's: it serves names of
 * any length) has the same form, but its names point at nothing but the
 * query name. Its flags say AA or not; a referral's len_noadd is len, as
 * its glue is required (RFC 9471).
 *
 * The message follows these 6 bytes inline (2-aligned): in the table, a
 * variant and its message are one run of bytes, no pointer between.
 */
struct answer_var {
	uint16_t	 len;
	uint16_t	 len_noadd;
	uint16_t	 arcount;
	uint8_t		 wire[];
};

/* A prepared answer outside the table (the CHAOS names): one variant. */
struct answer {
	uint16_t	 qtype;
	uint16_t	 nvar;		/* 1 once prepared, 0 when cleared */
	struct answer_var *var;
};

/* What a negative answer needs: the zone's SOA, to follow the question. */
struct answer_zone {
	uint8_t		*apex;		/* lower-case wire name */
	uint8_t		*soa_tail;	/* TYPE CLASS TTL RDLENGTH RDATA, TTL = negative TTL */
	uint32_t	 neg_ttl;	/* the TTL the SOA has in negative answers */
	uint16_t	 soa_tail_len;
	uint8_t		 apex_len;
};

enum lookup_kind {
	LOOKUP_ANSWER,		/* send var */
	LOOKUP_NODATA,		/* NOERROR, SOA of zone */
	LOOKUP_NXDOMAIN,	/* NXDOMAIN, SOA of zone */
	LOOKUP_REFUSED,		/* in no zone we serve */
	LOOKUP_SPLICE,		/* send var with the client's question spliced in */
};

struct lookup {
	enum lookup_kind	 kind;
	const struct answer_var	*var;
	const struct answer_zone *zone;
};

struct answer_table;

/*
 * Compiles the zones of one view, packed (synth_view_pack()), into prepared
 * answers; sv keeps its records. Returns NULL when out of memory or when ldns cannot render a record.
 */
struct answer_table *answer_table_build(const struct synth_view *sv);
/*
 * The most zones one view's table can serve, and the most records one of
 * its names can hold: past either the build fails whole, nothing cut short.
 */
#define ANSWER_ZONES_MAX	(1u << 24)
#define ANSWER_NAME_RRS_MAX	((1u << 24) - 1)
/*
 * Whether sv's zones fit a table: 0, or -1 with the reason, one line
 * naming the count and the limit, in why (len bytes).
 */
int		 answer_view_fits(const struct synth_view *sv, char *why,
		    size_t len);
/*
 * The same at a reload: prev is the table of the same view now serving,
 * and same[i] the index in prev's view of a zone whose records, serial
 * and negative TTL are those of sv->zones[i], or -1. Such a zone that
 * reads no other zone's names (answer_build.c: solo) is not compiled
 * again: the new table shares prev's compiled nodes of it, their blocks
 * refcounted, so either table may be freed first. Zones compiled again
 * must be solo too, else (and with prev or same NULL) it is a build of its
 * own. The round robin of a shared answer moves on in both tables.
 */
struct answer_table *answer_table_build_from(const struct synth_view *sv,
		    const struct answer_table *prev, const long *same);
/* How many zones t took compiled from the table it was built from. */
size_t		 answer_table_shared(const struct answer_table *t);
void		 answer_table_free(struct answer_table *t);

/*
 * Looks up a lower-case wire name whose wire_name_hash() is hash (query_parse()
 * computes it while folding the name). Allocates nothing.
 */
void		 answer_lookup(struct answer_table *t, const uint8_t *lname,
		    size_t len, uint32_t hash, uint16_t qtype, struct lookup *out);

/*
 * Hints for a batch of queries, with hash = wire_name_hash() of the
 * lower-case name: the first asks the CPU to fetch the name's slot, the
 * second (once the slot is in) its node, so that the cache misses of many
 * queries overlap instead of following one another. Neither changes a thing.
 */
void		 answer_prefetch_slot(const struct answer_table *t, uint32_t hash);
void		 answer_prefetch_node(const struct answer_table *t, uint32_t hash);

/*
 * Prepares a one-RRset answer (used for the CHAOS names): question = owner,
 * type and class of rrs[0]. Returns 0 or -1.
 */
int		 answer_prepare(struct answer *a, ldns_rr **rrs, size_t n);
void		 answer_clear(struct answer *a);

#endif
