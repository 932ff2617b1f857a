/* wire.h -- DNS wire format constants and small name helpers. */
#ifndef OCSDNSD_WIRE_H
#define OCSDNSD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DNS_HEADER_SIZE		12
#define DNS_MAX_NAME		255
#define DNS_MAX_LABEL		63
#define DNS_UDP_MIN		512
#define DNS_MAX_MESSAGE		65535	/* a TCP message, an answer buffer */

/* Header flag bits, as the two flag bytes 2 and 3 hold them. */
#define FLAG1_QR		0x80
#define FLAG1_OPCODE_MASK	0x78
#define FLAG1_AA		0x04
#define FLAG1_TC		0x02
#define FLAG1_RD		0x01
#define FLAG2_RA		0x80
#define FLAG2_Z			0x40
#define FLAG2_AD		0x20
#define FLAG2_CD		0x10
#define FLAG2_RCODE_MASK	0x0f

#define OPCODE_QUERY		0

#define RCODE_NOERROR		0
#define RCODE_FORMERR		1
#define RCODE_SERVFAIL		2
#define RCODE_NXDOMAIN		3
#define RCODE_NOTIMP		4
#define RCODE_REFUSED		5
#define RCODE_NOTAUTH		9
#define RCODE_BADVERS		16	/* extended: OPT ext-rcode 1, header 0 */

#define CLASS_IN		1
#define CLASS_CH		3
#define CLASS_ANY		255

#define TYPE_A			1
#define TYPE_NS			2
#define TYPE_CNAME		5
#define TYPE_SOA		6
#define TYPE_MX			15
#define TYPE_TXT		16
#define TYPE_AAAA		28
#define TYPE_SRV		33
#define TYPE_OPT		41
#define TYPE_TKEY		249
#define TYPE_TSIG		250
#define TYPE_IXFR		251
#define TYPE_AXFR		252
#define TYPE_MAILB		253
#define TYPE_MAILA		254
#define TYPE_ANY		255

#define EDNS_OPT_NSID		3

static inline uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t
wire_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

static inline void
wire_put32(uint8_t *p, uint32_t v)
{
	wire_put16(p, (uint16_t)(v >> 16));
	wire_put16(p + 2, (uint16_t)v);
}

/*
 * Folds the letters of the eight bytes x to lower case: a byte's low seven
 * bits plus 0x3f carry into its top bit from 'A' up, plus 0x25 from past
 * 'Z'; no carry crosses into the next byte, and a byte with its top bit
 * set is no letter. A label's length (at most 63) is no letter either.
 */
static inline uint64_t
wire_fold8(uint64_t x)
{
	uint64_t low = x & 0x7f7f7f7f7f7f7f7full;
	uint64_t up = (low + 0x3f3f3f3f3f3f3f3full) &
	    ~(low + 0x2525252525252525ull) & ~x & 0x8080808080808080ull;

	return x | up >> 2;
}

/*
 * Copies n bytes of a wire name, its letters folded to lower case, eight
 * at a time; the last eight read again where they overlap the word before
 * (folded from the source: the same bytes again), not one at a time.
 */
static inline void
wire_fold_copy(uint8_t *out, const uint8_t *name, size_t n)
{
	uint64_t x;
	size_t k = 0;

	if (n < 8) {
		for (; k < n; k++)
			out[k] = (name[k] >= 'A' && name[k] <= 'Z') ?
			    (uint8_t)(name[k] + 32) : name[k];
		return;
	}
	for (; k + 8 <= n; k += 8) {
		memcpy(&x, name + k, 8);
		x = wire_fold8(x);
		memcpy(out + k, &x, 8);
	}
	if (k < n) {
		memcpy(&x, name + n - 8, 8);
		x = wire_fold8(x);
		memcpy(out + n - 8, &x, 8);
	}
}

/* Whether n bytes of a wire name hold an upper-case letter: as folded. */
static inline bool
wire_has_upper(const uint8_t *name, size_t n)
{
	uint64_t x;
	size_t k = 0;

	if (n < 8) {
		for (; k < n; k++)
			if (name[k] >= 'A' && name[k] <= 'Z')
				return true;
		return false;
	}
	for (; k + 8 <= n; k += 8) {
		memcpy(&x, name + k, 8);
		if (wire_fold8(x) != x)
			return true;
	}
	if (k < n) {
		memcpy(&x, name + n - 8, 8);
		if (wire_fold8(x) != x)
			return true;
	}
	return false;
}

/*
 * The hash of an uncompressed, lower-cased wire name: the answer tables'
 * key. Eight bytes at a time, the last eight read again where they overlap
 * the word before (every byte counts, whatever the byte order), names
 * under eight bytes from two overlapping reads; then mixed, so that the
 * low bits, a table's index, depend on every byte. FNV-1a's multiply per
 * byte, a chain the CPU cannot overlap, was the largest single cost of
 * inserting a node (issue 17); the query path hashes every question too.
 */
static inline uint32_t
wire_name_hash(const uint8_t *name, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull * (len + 1), w;
	uint32_t a, b;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, name + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	if (i < len) {
		if (len >= 8)
			memcpy(&w, name + len - 8, 8);
		else if (len >= 4) {
			memcpy(&a, name, 4);
			memcpy(&b, name + len - 4, 4);
			w = (uint64_t)a << 32 | b;
		} else	/* 1 to 3 bytes: the first, the middle, the last */
			w = (uint64_t)name[0] << 16 | (uint64_t)name[len / 2] << 8 |
			    name[len - 1];
		h = (h ^ w) * 0xff51afd7ed558ccdull;
	}
	h ^= h >> 32;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

/*
 * Converts a presentation name ("pool01.contoso.com", trailing dot optional,
 * "" or "." for the root) to lower-case wire format. Returns the length, or
 * 0 when the name is not valid.
 */
size_t		wire_name_from_text(const char *text, uint8_t out[DNS_MAX_NAME]);

/* Writes a wire name as lower-case text with a trailing dot; out holds 1025 bytes. */
void		wire_name_to_text(const uint8_t *name, char *out, size_t outlen);

#endif
