/* encode.c -- wire messages from ldns records, RFC 1035 name compression. */
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
		for (size_t i = 1; i <= l; i++)
			if (lower(e->buf[off + i]) != lower(name[i]))
				return false;
		off += 1 + (size_t)l;
		name += 1 + l;
	}
}

/* Writes an uncompressed wire name, compressing it when compress is set. */
static void
enc_name(struct enc *e, const uint8_t *name, bool compress)
{
	uint16_t mine[DNS_MAX_NAME / 2];
	size_t nmine = 0;
	const uint8_t *p = name;

	while (*p != 0) {
		for (size_t k = 0; compress && k < e->ncomp; k++) {
			if (!enc_name_at(e, e->comp[k], p))
				continue;
			enc_u16(e, (uint16_t)(0xc000 | e->comp[k]));
			goto done;
		}
		if (compress && e->len < 0x4000 && !e->full)
			mine[nmine++] = (uint16_t)e->len;
		enc_bytes(e, p, 1 + (size_t)*p);
		p += 1 + *p;
	}
	enc_bytes(e, p, 1);
done:
	/* Only now that the name is whole may later names point into it. */
	for (size_t i = 0; i < nmine && e->ncomp < ENC_MAX_COMP; i++)
		e->comp[e->ncomp++] = mine[i];
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

void
enc_reset(struct enc *e)
{
	e->len = 0;
	e->ncomp = 0;
	e->full = false;
}

/* What follows the owner name of a record. */
static void
enc_rr_body(struct enc *e, const ldns_rr *rr, const uint32_t *ttl, bool rdcomp)
{
	uint16_t type = ldns_rr_get_type(rr);

	enc_u16(e, type);
	enc_u16(e, (uint16_t)ldns_rr_get_class(rr));
	enc_u32(e, ttl != NULL ? *ttl : ldns_rr_ttl(rr));
	size_t rdlen_at = e->len;
	enc_u16(e, 0);
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);
		if (ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME)
			enc_name(e, ldns_rdf_data(f), rdcomp);
		else
			enc_bytes(e, ldns_rdf_data(f), ldns_rdf_size(f));
	}
	if (!e->full)
		wire_put16(e->buf + rdlen_at, (uint16_t)(e->len - rdlen_at - 2));
}

/* One resource record; ldns keeps every rdata field in wire form. */
void
enc_rr(struct enc *e, const ldns_rr *rr, const uint32_t *ttl, bool compress)
{
	enc_name(e, ldns_rdf_data(ldns_rr_owner(rr)), compress);
	enc_rr_body(e, rr, ttl, compress &&
	    rdata_compressible(ldns_rr_get_type(rr)));
}

static void
enc_section(struct enc *e, const struct enc_section *sec)
{
	for (size_t i = 0; i < sec->n; i++)
		enc_rr(e, sec->rr[i], sec->ttl, true);
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

/* Whether rdf, a dname, is the lower-case wire name name. */
static bool
enc_owner_is(const ldns_rdf *rdf, const uint8_t *name)
{
	const uint8_t *d = ldns_rdf_data(rdf);
	size_t len = ldns_rdf_size(rdf);

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
		const ldns_rr *rr = sec->rr[i];
		if (owner != NULL && enc_owner_is(ldns_rr_owner(rr), owner))
			enc_u16(e, 0xc000 | DNS_HEADER_SIZE);
		else
			enc_name(e, ldns_rdf_data(ldns_rr_owner(rr)), false);
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
