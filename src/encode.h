/* encode.h -- wire messages from packed records, RFC 1035 name compression. */
#ifndef OCSDNSD_ENCODE_H
#define OCSDNSD_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "wire.h"

#define ENC_MAX		65535
#define ENC_MAX_COMP	256	/* label offsets remembered for compression */

/*
 * A record to write, borrowed: its uncompressed wire form (owner name,
 * type, class, TTL, rdlength, rdata with any names in it uncompressed), as
 * a zone's packed records (zonewire.h) hold it, with the two fields looked
 * at most beside the pointer. 16 bytes: a compile holds one per record of
 * the view (twelve million at 1,000,000 domains), where a parsed copy of
 * every field and a pointer to it took 40.
 */
struct enc_rr {
	const uint8_t	*wire;		/* the owner's first byte */
	uint16_t	 type;
	uint8_t		 owner_len;
};

_Static_assert(sizeof(struct enc_rr) <= 16, "an enc_rr is 16 bytes");

/* The fields after the owner name, read from the wire. */
static inline uint16_t
enc_rr_class(const struct enc_rr *rr)
{
	return wire_get16(rr->wire + rr->owner_len + 2);
}

static inline uint32_t
enc_rr_ttl(const struct enc_rr *rr)
{
	return wire_get32(rr->wire + rr->owner_len + 4);
}

static inline uint16_t
enc_rr_rdlen(const struct enc_rr *rr)
{
	return wire_get16(rr->wire + rr->owner_len + 8);
}

static inline const uint8_t *
enc_rr_rdata(const struct enc_rr *rr)
{
	return rr->wire + rr->owner_len + 10;
}

/* The whole record's bytes. */
static inline size_t
enc_rr_len(const struct enc_rr *rr)
{
	return (size_t)rr->owner_len + 10 + enc_rr_rdlen(rr);
}

/* Records to write as one section of a message; the records are borrowed. */
struct enc_section {
	const struct enc_rr *rr;
	size_t		 n;
	const uint32_t	*ttl;		/* NULL, or the TTL every record gets */
};

/*
 * A message being written. Names are compressed (RFC 1035 section 4.1.4)
 * against the question, the owner names and the rdata names of the types
 * RFC 3597 section 4 lets us compress: never an SRV target (RFC 2782).
 * About 64 KiB: allocate it, do not put it on a stack.
 */
struct enc {
	uint8_t		 buf[ENC_MAX];
	size_t		 len;
	bool		 full;		/* the message outgrew 64 KiB */
	uint16_t	 comp[ENC_MAX_COMP];
	uint16_t	 comp_len[ENC_MAX_COMP];	/* bytes of the name at comp[i] */
	size_t		 ncomp;
};

/*
 * Reads the uncompressed RR at wire (len bytes, what ldns_rr2wire() and
 * the zones' packed form hold) into rr, which then points at wire.
 * Returns false when those bytes are not exactly one such RR.
 */
bool	enc_rr_parse(struct enc_rr *rr, const uint8_t *wire, size_t len);

/* Empties e: no bytes, no names to point at, not full. */
void	enc_reset(struct enc *e);

/*
 * Appends one resource record with its owner name; ttl, when not NULL,
 * replaces the record's. With compress false no name is compressed nor
 * remembered for later names to point at. Sets e->full when it does not
 * fit, and then writes nothing more.
 */
void	enc_rr(struct enc *e, const struct enc_rr *rr, const uint32_t *ttl,
	    bool compress);

/*
 * Writes one response into e: ID 0, QR and AA, rcode; the question
 * (qname, qtype, qclass); then the sections. Returns the length before the
 * additional section in *noadd, or -1 when it outgrows a message.
 */
int	enc_render(struct enc *e, const uint8_t *qname, uint16_t qtype,
	    uint16_t qclass, uint8_t rcode, const struct enc_section *an,
	    const struct enc_section *ns, const struct enc_section *ad,
	    size_t *noadd);

/*
 * Takes the question out of a message enc_render() wrote, QDCOUNT left 1:
 * what the answer table and the CHAOS answers keep. The reply puts the
 * client's question back in its place (dns.c); it has the same length, as
 * its name matched, so every compression pointer lands where it did.
 * *noadd moves with it.
 */
void	enc_drop_question(struct enc *e, size_t *noadd);
/* The bytes of the message's question (its name, type and class). */
size_t	enc_question_len(const struct enc *e);

/*
 * The same without the question, for answers that serve many query names
 * (a wildcard's, a referral's): the reply puts the client's question after
 * the 12-byte header and the rest after it. So nothing may point into the
 * message but at offset 12, the query name: no name is compressed, and
 * each record whose owner is owner (a lower-case wire name, or NULL) gets
 * a pointer to the query name instead (RFC 4592 section 3.3: the
 * synthesized records carry the query name as owner). aa sets AA.
 */
int	enc_render_splice(struct enc *e, bool aa, uint8_t rcode,
	    const uint8_t *owner, const struct enc_section *an,
	    const struct enc_section *ns, const struct enc_section *ad,
	    size_t *noadd);

#endif
