/* rrwire.c -- records written straight as uncompressed wire, no ldns. */
#include <ctype.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "rrwire.h"
#include "wire.h"

#define RR_FIXED	10	/* TYPE CLASS TTL RDLENGTH */

void
rrwire_reset(struct rrwire *b)
{
	b->len = b->n = 0;
	b->failed = false;
}

void
rrwire_free(struct rrwire *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* Room for n more bytes at b->p + b->len; NULL (and failed) if none. */
static uint8_t *
room(struct rrwire *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (p == NULL) {
			b->failed = true;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return b->p + b->len;
}

size_t
rrwire_name(const char *text, uint8_t out[255])
{
	return wire_name_from_text(text, out);
}

size_t
rrwire_name_under(const char *prefix, const uint8_t *suffix,
    size_t suffix_len, uint8_t out[255])
{
	size_t n = wire_name_from_text(prefix, out);

	return rrwire_name_join(out, n, suffix, suffix_len, out);
}

size_t
rrwire_name_join(const uint8_t *prefix, size_t prefix_len,
    const uint8_t *suffix, size_t suffix_len, uint8_t out[255])
{
	size_t n = prefix_len;

	/* Its root label goes: the suffix ends the name. */
	if (n < 2 || suffix_len == 0 || n - 1 + suffix_len > DNS_MAX_NAME)
		return 0;
	if (out != prefix)
		memcpy(out, prefix, n - 1);
	memcpy(out + n - 1, suffix, suffix_len);
	return n - 1 + suffix_len;
}

/*
 * Starts a record: owner, type, class, TTL, and room for rdlen bytes of
 * data; returns where the data goes (the record is counted), or NULL.
 */
static uint8_t *
rr_begin(struct rrwire *b, const uint8_t *owner, size_t owner_len,
    uint32_t ttl, uint16_t type, size_t rdlen)
{
	if (owner_len == 0 || rdlen > 0xffff) {
		b->failed = true;
		return NULL;
	}
	uint8_t *p = room(b, owner_len + RR_FIXED + rdlen);
	if (p == NULL)
		return NULL;
	memcpy(p, owner, owner_len);
	p += owner_len;
	wire_put16(p, type);
	wire_put16(p + 2, CLASS_IN);
	wire_put32(p + 4, ttl);
	wire_put16(p + 8, (uint16_t)rdlen);
	b->len += owner_len + RR_FIXED + rdlen;
	b->n++;
	return p + RR_FIXED;
}

void
rrwire_addr(struct rrwire *b, const uint8_t *owner, size_t owner_len,
    uint32_t ttl, int family, const void *addr)
{
	size_t len = family == AF_INET ? 4 : 16;
	uint8_t *p = rr_begin(b, owner, owner_len, ttl,
	    family == AF_INET ? TYPE_A : TYPE_AAAA, len);

	if (p != NULL)
		memcpy(p, addr, len);
}

void
rrwire_name_rr(struct rrwire *b, const uint8_t *owner, size_t owner_len,
    uint32_t ttl, uint16_t type, const char *target)
{
	uint8_t t[DNS_MAX_NAME];
	size_t tlen = wire_name_from_text(target, t);

	if (tlen == 0) {
		b->failed = true;
		return;
	}
	uint8_t *p = rr_begin(b, owner, owner_len, ttl, type, tlen);
	if (p != NULL)
		memcpy(p, t, tlen);
}

void
rrwire_srv(struct rrwire *b, const uint8_t *owner, size_t owner_len,
    uint32_t ttl, uint16_t priority, uint16_t weight, uint16_t port,
    const char *target)
{
	uint8_t t[DNS_MAX_NAME];
	size_t tlen = wire_name_from_text(target, t);

	rrwire_srv_wire(b, owner, owner_len, ttl, priority, weight, port, t,
	    tlen);
}

void
rrwire_srv_wire(struct rrwire *b, const uint8_t *owner, size_t owner_len,
    uint32_t ttl, uint16_t priority, uint16_t weight, uint16_t port,
    const uint8_t *t, size_t tlen)
{
	if (tlen == 0) {
		b->failed = true;
		return;
	}
	uint8_t *p = rr_begin(b, owner, owner_len, ttl, TYPE_SRV, 6 + tlen);
	if (p == NULL)
		return;
	wire_put16(p, priority);
	wire_put16(p + 2, weight);
	wire_put16(p + 4, port);
	memcpy(p + 6, t, tlen);
}

void
rrwire_soa(struct rrwire *b, const uint8_t *owner, size_t owner_len,
    uint32_t ttl, const char *mname, const char *rname, uint32_t serial,
    const uint32_t times[4])
{
	uint8_t m[DNS_MAX_NAME], r[DNS_MAX_NAME];
	size_t mlen = wire_name_from_text(mname, m);
	size_t rlen = wire_name_from_text(rname, r);

	if (mlen == 0 || rlen == 0) {
		b->failed = true;
		return;
	}
	uint8_t *p = rr_begin(b, owner, owner_len, ttl, TYPE_SOA,
	    mlen + rlen + 20);
	if (p == NULL)
		return;
	memcpy(p, m, mlen);
	memcpy(p + mlen, r, rlen);
	p += mlen + rlen;
	wire_put32(p, serial);
	for (int i = 0; i < 4; i++)
		wire_put32(p + 4 + 4 * i, times[i]);
}

void
rrwire_raw(struct rrwire *b, const uint8_t *rr, size_t len)
{
	uint8_t *p = room(b, len);

	if (p == NULL)
		return;
	memcpy(p, rr, len);
	b->len += len;
	b->n++;
}

bool
rrwire_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return false;
	/* Length bytes are below 64: tolower() leaves them as they are. */
	for (size_t i = 0; i < alen; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}
