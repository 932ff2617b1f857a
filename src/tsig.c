/* tsig.c -- TSIG (RFC 8945): parse, verify, sign, and the running MAC. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "config.h"
#include "tsig.h"

/* --- algorithms --------------------------------------------------------- */

static const struct {
	const char	*digest;	/* OpenSSL's name */
	size_t		 size;		/* of the MAC */
	const uint8_t	*wire;		/* the algorithm name (RFC 8945 6) */
	size_t		 wire_len;
} algs[] = {
	[CONFIG_TSIG_HMAC_SHA1] = { "SHA1", 20,
	    (const uint8_t *)"\011hmac-sha1", 11 },
	[CONFIG_TSIG_HMAC_SHA224] = { "SHA224", 28,
	    (const uint8_t *)"\013hmac-sha224", 13 },
	[CONFIG_TSIG_HMAC_SHA256] = { "SHA256", 32,
	    (const uint8_t *)"\013hmac-sha256", 13 },
	[CONFIG_TSIG_HMAC_SHA384] = { "SHA384", 48,
	    (const uint8_t *)"\013hmac-sha384", 13 },
	[CONFIG_TSIG_HMAC_SHA512] = { "SHA512", 64,
	    (const uint8_t *)"\013hmac-sha512", 13 },
};

size_t
tsig_alg_wire(unsigned algorithm, const uint8_t **wire)
{
	*wire = algs[algorithm].wire;
	return algs[algorithm].wire_len;
}

size_t
tsig_mac_size(unsigned algorithm)
{
	return algs[algorithm].size;
}

/* --- the MAC ------------------------------------------------------------ */

struct piece {
	const uint8_t	*p;
	size_t		 n;
};

/* Fetched once: EVP_MAC_fetch() looks the provider up, not cheap per call. */
static EVP_MAC *hmac_impl;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void
hmac_init(void)
{
	hmac_impl = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

/* HMAC of the pieces in turn with key k into out (the algorithm's size). */
static int
hmac(const struct cfg_tsig_key *k, const struct piece *v, size_t n,
    uint8_t out[TSIG_MAX_MAC])
{
	pthread_once(&hmac_once, hmac_init);
	if (hmac_impl == NULL)
		return -1;
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(hmac_impl);
	if (c == NULL)
		return -1;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    (char *)algs[k->algorithm].digest, 0),
		OSSL_PARAM_construct_end()
	};
	size_t outlen = 0;
	int ok = EVP_MAC_init(c, k->secret, k->secret_len, params);
	for (size_t i = 0; ok && i < n; i++)
		if (v[i].n > 0)
			ok = EVP_MAC_update(c, v[i].p, v[i].n);
	if (ok)
		ok = EVP_MAC_final(c, out, &outlen, TSIG_MAX_MAC);
	EVP_MAC_CTX_free(c);
	return ok && outlen == algs[k->algorithm].size ? 0 : -1;
}

static void
put48(uint8_t *p, uint64_t v)
{
	wire_put16(p, (uint16_t)(v >> 32));
	wire_put32(p + 2, (uint32_t)v);
}

/*
 * The TSIG variables (RFC 8945 4.3.3) into buf, or with timers_only the
 * timers alone (4.3.1, the messages after the first of a stream); other
 * goes as a piece of its own. Returns the length.
 */
static size_t
variables(uint8_t *buf, const uint8_t *key, size_t key_len, const uint8_t *alg,
    size_t alg_len, uint64_t time_signed, uint16_t fudge, uint16_t error,
    uint16_t other_len, bool timers_only)
{
	size_t n = 0;

	if (!timers_only) {
		memcpy(buf, key, key_len);
		n = key_len;
		wire_put16(buf + n, CLASS_ANY);
		wire_put32(buf + n + 2, 0);
		memcpy(buf + n + 6, alg, alg_len);
		n += 6 + alg_len;
	}
	put48(buf + n, time_signed);
	wire_put16(buf + n + 6, fudge);
	n += 8;
	if (!timers_only) {
		wire_put16(buf + n, error);
		wire_put16(buf + n + 2, other_len);
		n += 4;
	}
	return n;
}

/*
 * The MAC over prior (its size, then itself; none when prior is NULL),
 * the message msg[0..len) before its TSIG with ARCOUNT arcount and ID id,
 * and the variables.
 */
static int
digest(const struct cfg_tsig_key *k, const uint8_t *prior, size_t prior_len,
    const uint8_t *msg, size_t len, uint16_t arcount, uint16_t id,
    const uint8_t *vars, size_t vars_len, const uint8_t *other,
    size_t other_len, uint8_t out[TSIG_MAX_MAC])
{
	uint8_t plen[2], head[DNS_HEADER_SIZE];

	wire_put16(plen, (uint16_t)prior_len);
	memcpy(head, msg, DNS_HEADER_SIZE);
	wire_put16(head, id);
	wire_put16(head + 10, arcount);
	struct piece v[] = {
		{ plen, prior != NULL ? 2 : 0 }, { prior, prior_len },
		{ head, DNS_HEADER_SIZE },
		{ msg + DNS_HEADER_SIZE, len - DNS_HEADER_SIZE },
		{ vars, vars_len }, { other, other_len },
	};
	return hmac(k, v, sizeof(v) / sizeof(v[0]), out);
}

/* Constant time: how long a MAC matched must not tell an attacker. */
static bool
mac_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* --- reading ------------------------------------------------------------ */

/*
 * Reads a name at msg + *pos, following compression pointers backwards
 * only (so no loop), folded into out. -1 when malformed.
 */
static int
read_name(const uint8_t *msg, size_t len, size_t *pos, uint8_t *out,
    size_t *out_len)
{
	size_t p = *pos, n = 0, end = 0, limit = *pos;

	for (;;) {
		if (p >= len)
			return -1;
		uint8_t lab = msg[p];
		if ((lab & 0xc0) == 0xc0) {
			if (p + 2 > len)
				return -1;
			size_t to = (size_t)(wire_get16(msg + p) & 0x3fff);
			if (end == 0)
				end = p + 2;
			if (to >= limit)
				return -1;
			limit = p = to;
			continue;
		}
		if (lab > DNS_MAX_LABEL || p + 1 + lab > len ||
		    n + 1 + lab + 1 > DNS_MAX_NAME)
			return -1;
		out[n++] = lab;
		if (lab == 0)
			break;
		for (size_t i = 1; i <= lab; i++) {
			uint8_t c = msg[p + i];
			out[n++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
		}
		p += 1 + (size_t)lab;
	}
	*out_len = n;
	*pos = end != 0 ? end : p + 1;
	return 0;
}

int
tsig_parse(const uint8_t *msg, size_t len, size_t at, struct tsig_rr *t)
{
	size_t pos = at;

	memset(t, 0, sizeof(*t));
	t->at = at;
	if (read_name(msg, len, &pos, t->key, &t->key_len) < 0 ||
	    pos + 10 > len)
		return -1;
	const uint8_t *rr = msg + pos;
	size_t rdlen = wire_get16(rr + 8);
	if (wire_get16(rr) != TYPE_TSIG || wire_get16(rr + 2) != CLASS_ANY ||
	    pos + 10 + rdlen != len)
		return -1;
	pos += 10;
	if (read_name(msg, len, &pos, t->alg, &t->alg_len) < 0 ||
	    pos + 10 > len)
		return -1;
	t->time_signed = (uint64_t)wire_get16(msg + pos) << 32 |
	    wire_get32(msg + pos + 2);
	t->fudge = wire_get16(msg + pos + 6);
	t->mac_len = wire_get16(msg + pos + 8);
	pos += 10;
	if (pos + t->mac_len + 6 > len)
		return -1;
	t->mac = msg + pos;
	pos += t->mac_len;
	t->orig_id = wire_get16(msg + pos);
	t->error = wire_get16(msg + pos + 2);
	t->other_len = wire_get16(msg + pos + 4);
	pos += 6;
	if (pos + t->other_len != len)
		return -1;
	t->other = msg + pos;
	return 0;
}

/* Skips a name (compressed or not) without reading it. */
static int
skip_name(const uint8_t *msg, size_t len, size_t *pos)
{
	size_t p = *pos;

	for (;;) {
		if (p >= len)
			return -1;
		uint8_t lab = msg[p];
		if ((lab & 0xc0) == 0xc0) {
			*pos = p + 2;
			return p + 2 <= len ? 0 : -1;
		}
		if (lab > DNS_MAX_LABEL)
			return -1;
		p += 1 + (size_t)lab;
		if (lab == 0) {
			*pos = p;
			return 0;
		}
	}
}

int
tsig_find(const uint8_t *msg, size_t len, size_t *at)
{
	size_t pos = DNS_HEADER_SIZE, last = 0;

	if (len < DNS_HEADER_SIZE)
		return -1;
	unsigned qd = wire_get16(msg + 4);
	unsigned rrs = (unsigned)wire_get16(msg + 6) + wire_get16(msg + 8) +
	    wire_get16(msg + 10);
	for (unsigned i = 0; i < qd; i++) {
		if (skip_name(msg, len, &pos) < 0 || pos + 4 > len)
			return -1;
		pos += 4;
	}
	uint16_t type = 0;
	for (unsigned i = 0; i < rrs; i++) {
		last = pos;
		if (skip_name(msg, len, &pos) < 0 || pos + 10 > len)
			return -1;
		type = wire_get16(msg + pos);
		pos += 10 + (size_t)wire_get16(msg + pos + 8);
		if (pos > len)
			return -1;
	}
	if (pos != len)
		return -1;
	if (rrs == 0 || wire_get16(msg + 10) == 0 || type != TYPE_TSIG)
		return 1;
	*at = last;
	return 0;
}

/* --- the server side ---------------------------------------------------- */

static uint64_t
distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

int
tsig_verify(struct tsig_ctx *ctx, const struct config *cfg,
    const uint8_t *msg, size_t len, size_t at, uint64_t now)
{
	struct tsig_rr t;

	memset(ctx, 0, sizeof(*ctx));
	if (tsig_parse(msg, len, at, &t) < 0)
		return -1;
	memcpy(ctx->key_name, t.key, t.key_len);
	ctx->key_name_len = t.key_len;
	memcpy(ctx->alg, t.alg, t.alg_len);
	ctx->alg_len = t.alg_len;
	ctx->time_signed = t.time_signed;

	/* RFC 8945 5.2.1: the key, with the algorithm it was made for. */
	const struct cfg_tsig_key *k = NULL;
	for (size_t i = 0; i < cfg->nkeys && k == NULL; i++) {
		const struct cfg_tsig_key *c = &cfg->keys[i];
		if (c->wire_len == t.key_len &&
		    memcmp(c->wire, t.key, t.key_len) == 0 &&
		    algs[c->algorithm].wire_len == t.alg_len &&
		    memcmp(algs[c->algorithm].wire, t.alg, t.alg_len) == 0) {
			k = c;
			ctx->key_index = (unsigned)i + 1;
		}
	}
	if (k == NULL) {
		ctx->error = TSIG_BADKEY;
		return 0;
	}
	ctx->key = k;

	/* 5.2.2.1: longer than the hash, or shorter than half of it. */
	size_t full = algs[k->algorithm].size;
	size_t least = full / 2 > 10 ? full / 2 : 10;
	if (t.mac_len > full || t.mac_len < least)
		return -1;

	/* 5.2.2: the MAC, over the request as it was before it was signed. */
	uint8_t vars[2 * DNS_MAX_NAME + 32], mac[TSIG_MAX_MAC];
	size_t vlen = variables(vars, t.key, t.key_len, t.alg, t.alg_len,
	    t.time_signed, t.fudge, t.error, t.other_len, false);
	if (digest(k, NULL, 0, msg, at, (uint16_t)(wire_get16(msg + 10) - 1),
	    t.orig_id, vars, vlen, t.other, t.other_len, mac) < 0 ||
	    !mac_equal(mac, t.mac, t.mac_len)) {
		ctx->error = TSIG_BADSIG;
		ctx->key = NULL;	/* BADSIG answers go unsigned */
		return 0;
	}
	/* Answers chain on the request's MAC as it was sent. */
	memcpy(ctx->mac, t.mac, t.mac_len);
	ctx->mac_len = t.mac_len;
	if (t.mac_len < full)
		ctx->error = TSIG_BADTRUNC;	/* our policy: the whole MAC */
	else if (distance(now, t.time_signed) > t.fudge)
		ctx->error = TSIG_BADTIME;	/* 5.2.3 */
	return 0;
}

size_t
tsig_space(const struct tsig_ctx *ctx)
{
	size_t mac = ctx->key != NULL ? algs[ctx->key->algorithm].size : 0;

	return ctx->key_name_len + 10 + ctx->alg_len + 16 + mac + 6;
}

/*
 * Writes the TSIG record at msg + len: time signed ts, error and other
 * from ctx, MAC computed when ctx has a key (with the previous MAC, for
 * every message but a request's). Updates ctx->mac.
 */
static size_t
append(struct tsig_ctx *ctx, uint8_t *msg, size_t len, size_t cap,
    uint64_t ts, const uint8_t *other, uint16_t other_len, bool has_prior)
{
	const struct cfg_tsig_key *k = ctx->key;
	size_t mac_len = k != NULL ? algs[k->algorithm].size : 0;
	size_t rdlen = ctx->alg_len + 16 + mac_len + other_len;
	uint8_t mac[TSIG_MAX_MAC];

	if (len + ctx->key_name_len + 10 + rdlen > cap || len < DNS_HEADER_SIZE)
		return 0;
	if (k != NULL) {
		uint8_t vars[2 * DNS_MAX_NAME + 32];
		bool timers = ctx->nsigned > 0;
		size_t vlen = variables(vars, ctx->key_name, ctx->key_name_len,
		    ctx->alg, ctx->alg_len, ts, TSIG_FUDGE, ctx->error, other_len,
		    timers);
		if (digest(k, has_prior ? ctx->mac : NULL, ctx->mac_len, msg, len,
		    wire_get16(msg + 10), wire_get16(msg), vars, vlen,
		    timers ? NULL : other, timers ? 0 : other_len, mac) < 0)
			return 0;
	}
	uint8_t *p = msg + len;
	memcpy(p, ctx->key_name, ctx->key_name_len);
	p += ctx->key_name_len;
	wire_put16(p, TYPE_TSIG);
	wire_put16(p + 2, CLASS_ANY);
	wire_put32(p + 4, 0);
	wire_put16(p + 8, (uint16_t)rdlen);
	p += 10;
	memcpy(p, ctx->alg, ctx->alg_len);
	p += ctx->alg_len;
	put48(p, ts);
	wire_put16(p + 6, TSIG_FUDGE);
	wire_put16(p + 8, (uint16_t)mac_len);
	memcpy(p + 10, mac, mac_len);
	p += 10 + mac_len;
	wire_put16(p, wire_get16(msg));		/* original ID: ours */
	wire_put16(p + 2, ctx->error);
	wire_put16(p + 4, other_len);
	if (other_len > 0)
		memcpy(p + 6, other, other_len);
	p += 6 + other_len;
	wire_put16(msg + 10, (uint16_t)(wire_get16(msg + 10) + 1));
	if (k != NULL) {
		memcpy(ctx->mac, mac, mac_len);
		ctx->mac_len = mac_len;
	}
	ctx->nsigned++;
	return (size_t)(p - msg);
}

size_t
tsig_sign(struct tsig_ctx *ctx, uint8_t *msg, size_t len, size_t cap,
    uint64_t now)
{
	uint8_t other[6];

	if (ctx->error == TSIG_BADTIME) {
		/* Our time, for the client to see how far off its clock is. */
		put48(other, now);
		return append(ctx, msg, len, cap, ctx->time_signed, other, 6,
		    true);
	}
	return append(ctx, msg, len, cap, now, NULL, 0, true);
}

/* --- the client side ---------------------------------------------------- */

size_t
tsig_sign_request(struct tsig_ctx *ctx, const struct cfg_tsig_key *key,
    uint8_t *msg, size_t len, size_t cap, uint64_t now)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->key = key;
	memcpy(ctx->key_name, key->wire, key->wire_len);
	ctx->key_name_len = key->wire_len;
	memcpy(ctx->alg, algs[key->algorithm].wire,
	    algs[key->algorithm].wire_len);
	ctx->alg_len = algs[key->algorithm].wire_len;
	size_t n = append(ctx, msg, len, cap, now, NULL, 0, false);
	ctx->nsigned = 0;	/* the answer is the first message signed */
	return n;
}

int
tsig_check_answer(struct tsig_ctx *ctx, const uint8_t *msg, size_t len,
    uint64_t now, char *why, size_t whylen)
{
	struct tsig_rr t;
	size_t at;

	int rc = tsig_find(msg, len, &at);
	if (rc != 0 || tsig_parse(msg, len, at, &t) < 0) {
		snprintf(why, whylen, rc == 1 ? "answer not signed" :
		    "malformed answer");
		return -1;
	}
	if (t.key_len != ctx->key_name_len ||
	    memcmp(t.key, ctx->key_name, t.key_len) != 0 ||
	    t.alg_len != ctx->alg_len || memcmp(t.alg, ctx->alg, t.alg_len) != 0) {
		snprintf(why, whylen, "answer signed with another key");
		return -1;
	}
	if (t.error != TSIG_NOERROR) {
		snprintf(why, whylen, "TSIG error %s in the answer",
		    t.error == TSIG_BADSIG ? "BADSIG" : t.error == TSIG_BADKEY ?
		    "BADKEY" : t.error == TSIG_BADTIME ? "BADTIME" :
		    t.error == TSIG_BADTRUNC ? "BADTRUNC" : "(other)");
		return -1;
	}
	const struct cfg_tsig_key *k = ctx->key;
	uint8_t vars[2 * DNS_MAX_NAME + 32], mac[TSIG_MAX_MAC];
	size_t vlen = variables(vars, t.key, t.key_len, t.alg, t.alg_len,
	    t.time_signed, t.fudge, t.error, t.other_len, false);
	if (t.mac_len != algs[k->algorithm].size ||
	    digest(k, ctx->mac, ctx->mac_len, msg, at,
	    (uint16_t)(wire_get16(msg + 10) - 1), t.orig_id, vars, vlen,
	    t.other, t.other_len, mac) < 0 || !mac_equal(mac, t.mac, t.mac_len)) {
		snprintf(why, whylen, "bad MAC in the answer");
		return -1;
	}
	if (distance(now, t.time_signed) > t.fudge) {
		snprintf(why, whylen, "answer signed at a time outside the "
		    "fudge");
		return -1;
	}
	return 0;
}
