/* encode.c -- wire messages from packed records, RFC 1035 name compression. */
#include <string.h>

#include "encode.h"
#include "wire.h"

static void
enc_bytes(struct enc *e, const void *p, size_t n)
{
	if (e->full || n > ENC_MAX - e->len) {
		e->full = true;
		return;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void
enc_u16(struct enc *e, uint16_t v)
{
	uint8_t b[2];

	wire_put16(b, v);
	enc_bytes(e, b, 2);
}

static void
enc_u32(struct enc *e, uint32_t v)
{
	uint8_t b[4];

	wire_put32(b, v);
	enc_bytes(e, b, 4);
}

static uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* The length of the uncompressed name at p, 0 when it overruns end. */
static size_t
name_len(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *q = p;

	while (q < end && *q != 0 && (*q & 0xc0) == 0)
		q += 1 + *q;
	return q < end && *q == 0 ? (size_t)(q - p) + 1 : 0;
}

/* Whether the (complete) name at offset off of the message equals name. */
static bool
enc_name_at(const struct enc *e, size_t off, const uint8_t *name)
{
	for (;;) {
		uint8_t l = e->buf[off];
		while ((l & 0xc0) == 0xc0) {	/* pointers only go backwards */
			off = (size_t)((l & 0x3f) << 8 | e->buf[off + 1]);
			l = e->buf[off];
		}
		if (l != *name)
			return false;
		if (l == 0)
			return true;
		/* Mostly the same case: fold only the bytes that differ. */
		for (size_t i = 1; i <= l; i++)
			if (e->buf[off + i] != name[i] &&
			    lower(e->buf[off + i]) != lower(name[i]))
				return false;
		off += 1 + (size_t)l;
		name += 1 + l;
	}
}

/*
 * Writes an uncompressed wire name, compressing it when compress is set.
 * Each name remembered keeps its length: a suffix is compared only with
 * the names as long as itself, where the rest could never equal it (most
 * of a message's names, each a walk of labels and pointers before).
 */
static void
enc_name(struct enc *e, const uint8_t *name, bool compress)
{
	uint16_t mine[DNS_MAX_NAME / 2];
	uint16_t mine_len[DNS_MAX_NAME / 2];
	size_t nmine = 0, left = 1;
	const uint8_t *p = name;

	while (name[left - 1] != 0)
		left += 1 + (size_t)name[left - 1];
	while (*p != 0) {
		for (size_t k = 0; compress && k < e->ncomp; k++) {
			if (e->comp_len[k] != left)
				continue;
			/* Mostly written out in full and in the same case. */
			if ((e->comp[k] + left > ENC_MAX ||
			    memcmp(e->buf + e->comp[k], p, left) != 0) &&
			    !enc_name_at(e, e->comp[k], p))
				continue;
			enc_u16(e, (uint16_t)(0xc000 | e->comp[k]));
			goto done;
		}
		if (compress && e->len < 0x4000 && !e->full) {
			mine_len[nmine] = (uint16_t)left;
			mine[nmine++] = (uint16_t)e->len;
		}
		enc_bytes(e, p, 1 + (size_t)*p);
		left -= 1 + (size_t)*p;
		p += 1 + *p;
	}
	enc_bytes(e, p, 1);
done:
	/* Only now that the name is whole may later names point into it. */
	for (size_t i = 0; i < nmine && e->ncomp < ENC_MAX_COMP; i++) {
		e->comp_len[e->ncomp] = mine_len[i];
		e->comp[e->ncomp++] = mine[i];
	}
}

static bool
rdata_compressible(uint16_t type)
{
	switch (type) {
	case LDNS_RR_TYPE_NS: case LDNS_RR_TYPE_MD: case LDNS_RR_TYPE_MF:
	case LDNS_RR_TYPE_CNAME: case LDNS_RR_TYPE_SOA: case LDNS_RR_TYPE_MB:
	case LDNS_RR_TYPE_MG: case LDNS_RR_TYPE_MR: case LDNS_RR_TYPE_PTR:
	case LDNS_RR_TYPE_MINFO: case LDNS_RR_TYPE_MX:
		return true;
	default:
		return false;
	}
}

bool
enc_rr_parse(struct enc_rr *rr, const uint8_t *wire, size_t len)
{
	size_t olen = name_len(wire, wire + len);

	if (olen == 0 || olen > DNS_MAX_NAME || len < olen + 10)
		return false;
	rr->wire = wire;
	rr->owner_len = (uint8_t)olen;
	rr->type = wire_get16(wire + olen);
	return len == enc_rr_len(rr);
}

void
enc_reset(struct enc *e)
{
	e->len = 0;
	e->ncomp = 0;
	e->full = false;
}

/* How many names lead the rdata of a type whose names compress. */
static int
rdata_names(uint16_t type)
{
	return type == LDNS_RR_TYPE_SOA || type == LDNS_RR_TYPE_MINFO ? 2 : 1;
}

/*
 * What follows the owner name of a record. Only the types whose rdata
 * names may be compressed are looked into (MX: after its preference); the
 * rest is copied as it is, and so is rdata not of its type's form.
 */
static void
enc_rr_body(struct enc *e, const struct enc_rr *rr, const uint32_t *ttl,
    bool rdcomp)
{
	uint16_t rdlen = enc_rr_rdlen(rr);
	const uint8_t *p = enc_rr_rdata(rr), *end = p + rdlen;
	size_t skip = rr->type == LDNS_RR_TYPE_MX ? 2 : 0;
	size_t lens[2] = { 0, 0 };
	int n = rdata_names(rr->type);

	if (rdcomp && skip <= rdlen) {
		const uint8_t *q = p + skip;
		for (int i = 0; i < n && rdcomp; i++) {
			lens[i] = name_len(q, end);
			rdcomp = lens[i] > 0;
			q += lens[i];
		}
	} else {
		rdcomp = false;
	}
	enc_u16(e, rr->type);
	enc_u16(e, enc_rr_class(rr));
	enc_u32(e, ttl != NULL ? *ttl : enc_rr_ttl(rr));
	size_t rdlen_at = e->len;
	enc_u16(e, rdlen);
	if (rdcomp) {
		enc_bytes(e, p, skip);
		p += skip;
		for (int i = 0; i < n; i++) {
			enc_name(e, p, true);
			p += lens[i];
		}
	}
	enc_bytes(e, p, (size_t)(end - p));
	if (!e->full)
		wire_put16(e->buf + rdlen_at, (uint16_t)(e->len - rdlen_at - 2));
}

/* One resource record. */
void
enc_rr(struct enc *e, const struct enc_rr *rr, const uint32_t *ttl,
    bool compress)
{
	enc_name(e, rr->wire, compress);
	enc_rr_body(e, rr, ttl, compress && rdata_compressible(rr->type));
}

static void
enc_section(struct enc *e, const struct enc_section *sec)
{
	for (size_t i = 0; i < sec->n; i++)
		enc_rr(e, &sec->rr[i], sec->ttl, true);
}

int
enc_render(struct enc *e, const uint8_t *qname, uint16_t qtype,
    uint16_t qclass, uint8_t rcode, const struct enc_section *an,
    const struct enc_section *ns, const struct enc_section *ad,
    size_t *noadd)
{
	enc_reset(e);
	enc_u16(e, 0);
	enc_u16(e, (uint16_t)((FLAG1_QR | FLAG1_AA) << 8 | rcode));
	enc_u16(e, 1);
	enc_u16(e, (uint16_t)an->n);
	enc_u16(e, (uint16_t)ns->n);
	enc_u16(e, (uint16_t)ad->n);
	enc_name(e, qname, true);
	enc_u16(e, qtype);
	enc_u16(e, qclass);
	enc_section(e, an);
	enc_section(e, ns);
	*noadd = e->len;
	enc_section(e, ad);
	return e->full ? -1 : 0;
}

size_t
enc_question_len(const struct enc *e)
{
	return name_len(e->buf + DNS_HEADER_SIZE, e->buf + e->len) + 4;
}

void
enc_drop_question(struct enc *e, size_t *noadd)
{
	size_t q = enc_question_len(e);

	memmove(e->buf + DNS_HEADER_SIZE, e->buf + DNS_HEADER_SIZE + q,
	    e->len - DNS_HEADER_SIZE - q);
	e->len -= q;
	*noadd -= q;
}

/* Whether the wire name d (len bytes) is the lower-case wire name name. */
static bool
enc_owner_is(const uint8_t *d, size_t len, const uint8_t *name)
{
	/* Label lengths (at most 63) are below 'A': lower() leaves them. */
	for (size_t i = 0; i < len; i++)
		if (lower(d[i]) != name[i])
			return false;
	return len > 0 && name[len - 1] == 0;
}

static void
enc_splice_section(struct enc *e, const struct enc_section *sec,
    const uint8_t *owner)
{
	for (size_t i = 0; i < sec->n; i++) {
		const struct enc_rr *rr = &sec->rr[i];
		if (owner != NULL && enc_owner_is(rr->wire, rr->owner_len, owner))
			enc_u16(e, 0xc000 | DNS_HEADER_SIZE);
		else
			enc_name(e, rr->wire, false);
		enc_rr_body(e, rr, sec->ttl, false);
	}
}

int
enc_render_splice(struct enc *e, bool aa, uint8_t rcode, const uint8_t *owner,
    const struct enc_section *an, const struct enc_section *ns,
    const struct enc_section *ad, size_t *noadd)
{
	enc_reset(e);
	enc_u16(e, 0);
	enc_u16(e, (uint16_t)((FLAG1_QR | (aa ? FLAG1_AA : 0)) << 8 | rcode));
	enc_u16(e, 1);
	enc_u16(e, (uint16_t)an->n);
	enc_u16(e, (uint16_t)ns->n);
	enc_u16(e, (uint16_t)ad->n);
	enc_splice_section(e, an, owner);
	enc_splice_section(e, ns, owner);
	*noadd = e->len;
	enc_splice_section(e, ad, owner);
	return e->full ? -1 : 0;
}
