/* rrl.c -- a fixed table of per-second counters keyed by network and response kind. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "dnsdef.h"
#include "rrl.h"
#include "wire.h"

#define RRL_BUCKETS	65536	/* a power of two; collisions share a bucket */

struct bucket {
	uint64_t key;
	time_t second;
	uint32_t count;		/* responses this second */
	uint32_t limited;	/* limited responses, for the slip */
};

struct rrl {
	unsigned rate;
	unsigned slip;
	unsigned v4prefix;
	unsigned v6prefix;
	struct bucket b[RRL_BUCKETS];
};

struct rrl *
rrl_new(unsigned rate, unsigned slip, unsigned v4prefix, unsigned v6prefix)
{
	struct rrl *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->rate = rate;
	r->slip = slip;
	r->v4prefix = v4prefix;
	r->v6prefix = v6prefix;
	return r;
}

void
rrl_free(struct rrl *r)
{
	free(r);
}

static uint64_t
mix(uint64_t h, const void *p, size_t len, bool fold)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = b[i];
		if (fold && c >= 'A' && c <= 'Z')
			c += 32;
		h ^= c;
		h *= 1099511628211ull;	/* FNV-1a, 64 bits */
	}
	return h;
}

/* Bytes of an uncompressed wire name (the question's; a zone apex). */
static size_t
name_len(const uint8_t *n)
{
	size_t len = 0;

	while (n[len] != 0)
		len += 1 + (size_t)n[len];
	return len + 1;
}

static uint64_t
bucket_key(const struct rrl *r, const struct sockaddr *client,
    const struct dns_result *res)
{
	uint64_t h = 14695981039346656037ull;
	uint8_t net[16] = { 0 };
	unsigned bits;
	const uint8_t *addr;
	size_t alen;

	if (client->sa_family == AF_INET6) {
		addr = ((const struct sockaddr_in6 *)(const void *)client)->sin6_addr.s6_addr;
		alen = 16;
		bits = r->v6prefix;
	} else {
		addr = (const uint8_t *)
		    &((const struct sockaddr_in *)(const void *)client)->sin_addr;
		alen = 4;
		bits = r->v4prefix;
	}
	memcpy(net, addr, bits / 8);
	if (bits % 8)
		net[bits / 8] = addr[bits / 8] & (uint8_t)(0xff << (8 - bits % 8));
	h = mix(h, &client->sa_family, sizeof(client->sa_family), false);
	h = mix(h, net, alen, false);
	h = mix(h, &res->rcode, sizeof(res->rcode), false);

	/*
	 * A random-subdomain flood varies the name: negative answers count
	 * against their zone. Answers count per name and type; errors
	 * (REFUSED, FORMERR...) per network alone.
	 */
	if (res->zone != NULL && (res->rcode == RCODE_NXDOMAIN ||
	    (res->flags & DNS_RES_NODATA)))
		h = mix(h, res->zone, name_len(res->zone), true);
	else if (res->rcode == RCODE_NOERROR && (res->flags & DNS_RES_QUESTION)) {
		h = mix(h, res->qname, name_len(res->qname), true);
		h = mix(h, &res->qtype, sizeof(res->qtype), false);
	}
	return h;
}

enum rrl_verdict
rrl_check(struct rrl *r, const struct sockaddr *client,
    const struct dns_result *res, time_t now)
{
	uint64_t key = bucket_key(r, client, res);
	struct bucket *b = &r->b[key & (RRL_BUCKETS - 1)];

	if (b->key != key || b->second != now) {
		b->key = key;
		b->second = now;
		b->count = 0;
	}
	if (++b->count <= r->rate)
		return RRL_SEND;
	if (r->slip == 0)
		return RRL_DROP;
	return ++b->limited % r->slip == 0 ? RRL_SLIP : RRL_DROP;
}

size_t
rrl_slip_reply(uint8_t *msg, size_t len)
{
	size_t end = DNS_HEADER_SIZE;

	if (len < DNS_HEADER_SIZE)
		return len;
	if (wire_get16(msg + 4) == 1) {
		/* Our own reply: the question is an uncompressed name. */
		while (end < len && msg[end] != 0)
			end += 1 + (size_t)msg[end];
		end += 1 + 4;
		if (end > len)
			end = DNS_HEADER_SIZE;
	}
	msg[2] |= FLAG1_TC;
	wire_put16(msg + 4, end > DNS_HEADER_SIZE ? 1 : 0);
	memset(msg + 6, 0, 6);
	return end;
}
