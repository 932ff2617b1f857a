/* check_tsig.c -- TSIG: keys in the INI, verify, sign, errors, running MAC. */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "snapshot.h"
#include "testconf.h"
#include "tsig.h"

#define SECRET		"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"
#define SECRET2		"b3RoZXJzZWNyZXRvdGhlcnNlY3JldA=="

static const char *conf_head =
    "[server]\n"
    "allow_transfer = 10.0.0.0/8 key xfr1, key xfr512, 127.0.0.9\n"
    "[key xfr1]\n"
    "algorithm = hmac-sha256\n"
    "secret = " SECRET "\n"
    "[key xfr512]\n"
    "algorithm = hmac-sha512\n"
    "secret = " SECRET2 "\n"
    "[key old]\n"
    "algorithm = hmac-sha1\n"
    "secret = " SECRET "\n"
    "[view inside]\n"
    "match = 10.0.0.0/8\n"
    "match_keys = xfr512\n"
    "[view outside]\n"
    "match = any\n"
    "scope = external\n"
    "[domain contoso.com]\n"
    "pool = pool.contoso.com\n"
    "access_edge = sip.contoso.com\n"
    "[host pool.contoso.com]\n"
    "address = 10.0.0.10\n"
    "[host sip.contoso.com]\n"
    "address = 203.0.113.10\n";

static struct snapshot *snap;
static uint8_t out[DNS_MAX_MESSAGE];

/* Enough hosts that an AXFR of contoso.com needs several messages. */
static char *
big_conf(void)
{
	size_t cap = 1 << 20, n = strlen(conf_head);
	char *s = malloc(cap);

	ck_assert_ptr_nonnull(s);
	memcpy(s, conf_head, n + 1);
	for (int i = 0; i < 1500; i++)
		n += (size_t)snprintf(s + n, cap - n, "[host host%04d.contoso.com]\n"
		    "address.inside = 10.1.%d.%d\n", i, i / 250, i % 250 + 1);
	return s;
}

static void
setup(void)
{
	char *text = big_conf();
	snap = testconf_snapshot(text);
	free(text);
	ck_assert_ptr_nonnull(snap);
}

static void
teardown(void)
{
	snapshot_free(snap);
}

/* --- helpers ------------------------------------------------------------ */

struct stream {
	uint8_t		*msg[64];
	size_t		 len[64];
	size_t		 n;
};

static int
collect(void *arg, const uint8_t *msg, size_t len)
{
	struct stream *s = arg;

	ck_assert_uint_lt(s->n, 64);
	s->msg[s->n] = malloc(len);
	memcpy(s->msg[s->n], msg, len);
	s->len[s->n++] = len;
	return 0;
}

static void
stream_free(struct stream *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->msg[i]);
}

/* A query signed by ldns (its own TSIG code: a second implementation). */
static ldns_pkt *
signed_query(const char *name, ldns_rr_type type, const char *key,
    const char *secret, const char *alg, uint8_t **wire, size_t *wlen)
{
	ldns_pkt *q = NULL;

	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type,
	    LDNS_RR_CLASS_IN, 0), LDNS_STATUS_OK);
	ldns_pkt_set_id(q, 4242);
	ck_assert_int_eq(ldns_pkt_tsig_sign(q, key, secret, 300, alg, NULL),
	    LDNS_STATUS_OK);
	ck_assert_int_eq(ldns_pkt2wire(wire, q, wlen), LDNS_STATUS_OK);
	return q;
}

static size_t
answer(const uint8_t *wire, size_t wlen, const char *from,
    enum dns_transport tr, struct stream *s)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct dns_peer peer = { .remote = (struct sockaddr *)&sin,
	    .transport = tr, .emit = s != NULL ? collect : NULL, .emit_arg = s };
	struct dns_result res;

	inet_pton(AF_INET, from, &sin.sin_addr);
	return dns_answer(snap, &peer, NULL, wire, wlen, out, &res);
}

/* The TSIG record of a reply, parsed by us. */
static void
reply_tsig(const uint8_t *msg, size_t len, struct tsig_rr *t)
{
	size_t at;

	ck_assert_int_eq(tsig_find(msg, len, &at), 0);
	ck_assert_int_eq(tsig_parse(msg, len, at, t), 0);
}

/* --- tests -------------------------------------------------------------- */

START_TEST(test_signed_answer_verifies_in_ldns)
{
	uint8_t *wire;
	size_t wlen;
	ldns_pkt *q = signed_query("contoso.com.", LDNS_RR_TYPE_SOA, "xfr1.",
	    SECRET, "hmac-sha256.", &wire, &wlen);
	size_t n = answer(wire, wlen, "192.0.2.1", DNS_UDP, NULL);
	ck_assert_uint_gt(n, 0);
	ldns_pkt *r = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	ck_assert_ptr_nonnull(ldns_pkt_tsig(r));
	ck_assert(ldns_pkt_tsig_verify(r, out, n, "xfr1.", SECRET,
	    ldns_rr_rdf(ldns_pkt_tsig(q), 3)));
	/* A flipped bit of the answer: ldns refuses it, so it checks. */
	out[2] ^= FLAG1_AA;
	ldns_pkt *r2 = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&r2, out, n), LDNS_STATUS_OK);
	ck_assert(!ldns_pkt_tsig_verify(r2, out, n, "xfr1.", SECRET,
	    ldns_rr_rdf(ldns_pkt_tsig(q), 3)));
	ldns_pkt_free(r2);
	ldns_pkt_free(r);
	ldns_pkt_free(q);
	free(wire);
}
END_TEST

START_TEST(test_sha1_and_sha512)
{
	static const struct { const char *key, *secret, *alg; } k[] = {
		{ "old.", SECRET, "hmac-sha1." },
		{ "xfr512.", SECRET2, "hmac-sha512." },
	};
	for (size_t i = 0; i < 2; i++) {
		uint8_t *wire;
		size_t wlen;
		ldns_pkt *q = signed_query("contoso.com.", LDNS_RR_TYPE_SOA,
		    k[i].key, k[i].secret, k[i].alg, &wire, &wlen);
		size_t n = answer(wire, wlen, "192.0.2.1", DNS_UDP, NULL);
		ldns_pkt *r = NULL;
		ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
		ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
		ck_assert(ldns_pkt_tsig_verify(r, out, n, k[i].key, k[i].secret,
		    ldns_rr_rdf(ldns_pkt_tsig(q), 3)));
		ldns_pkt_free(r);
		ldns_pkt_free(q);
		free(wire);
	}
}
END_TEST

START_TEST(test_badkey_badsig)
{
	static const struct { const char *key, *secret, *alg; uint16_t err; } c[] = {
		{ "nokey.", SECRET, "hmac-sha256.", TSIG_BADKEY },
		/* the right name, another algorithm: not that key either */
		{ "xfr1.", SECRET, "hmac-sha512.", TSIG_BADKEY },
		{ "xfr1.", SECRET2, "hmac-sha256.", TSIG_BADSIG },
	};
	for (size_t i = 0; i < 3; i++) {
		uint8_t *wire;
		size_t wlen;
		struct tsig_rr t;
		ldns_pkt *q = signed_query("contoso.com.", LDNS_RR_TYPE_SOA,
		    c[i].key, c[i].secret, c[i].alg, &wire, &wlen);
		size_t n = answer(wire, wlen, "192.0.2.1", DNS_UDP, NULL);
		ck_assert_uint_gt(n, DNS_HEADER_SIZE);
		ck_assert_uint_eq(out[3] & 0x0f, RCODE_NOTAUTH);
		ck_assert_uint_eq(wire_get16(out + 6), 0);	/* no answer */
		reply_tsig(out, n, &t);
		ck_assert_uint_eq(t.error, c[i].err);
		ck_assert_uint_eq(t.mac_len, 0);		/* unsigned */
		ldns_pkt_free(q);
		free(wire);
	}
}
END_TEST

/* A request signed by us, with our clock set back by skew seconds. */
static size_t
our_query(uint8_t *buf, size_t cap, const char *key, uint16_t type,
    long skew, struct tsig_ctx *tc)
{
	const struct config *cfg = snapshot_config(snap);
	const struct cfg_tsig_key *k = config_tsig_key(cfg, key);
	size_t n = DNS_HEADER_SIZE;

	ck_assert_ptr_nonnull(k);
	memset(buf, 0, DNS_HEADER_SIZE);
	wire_put16(buf, 777);
	wire_put16(buf + 4, 1);
	n += wire_name_from_text("contoso.com", buf + n);
	wire_put16(buf + n, type);
	wire_put16(buf + n + 2, CLASS_IN);
	n += 4;
	n = tsig_sign_request(tc, k, buf, n, cap, (uint64_t)(time(NULL) - skew));
	ck_assert_uint_gt(n, 0);
	return n;
}

/*
 * A fixed vector: the MAC of a request signed at 1700000000 with xfr1, as
 * Python's hmac.new(secret, message + the RFC 8945 4.3.3 variables,
 * hashlib.sha256) computes it.
 */
START_TEST(test_known_vector)
{
	static const uint8_t want[32] = {
		0xe5, 0x99, 0x38, 0xfc, 0xa9, 0x7a, 0x06, 0x4d, 0x6a, 0x1b, 0xf5,
		0x17, 0xc5, 0x18, 0x02, 0x83, 0xd8, 0xca, 0xac, 0xe3, 0xab, 0x8c,
		0xc4, 0x91, 0x2c, 0x58, 0x3d, 0x7c, 0x6d, 0xea, 0x66, 0xcb,
	};
	const struct cfg_tsig_key *k = config_tsig_key(snapshot_config(snap),
	    "xfr1");
	uint8_t q[512];
	size_t n = DNS_HEADER_SIZE;
	struct tsig_ctx tc;
	struct tsig_rr t;
	size_t at;

	memset(q, 0, DNS_HEADER_SIZE);
	wire_put16(q, 777);
	wire_put16(q + 4, 1);
	n += wire_name_from_text("contoso.com", q + n);
	wire_put16(q + n, TYPE_SOA);
	wire_put16(q + n + 2, CLASS_IN);
	n = tsig_sign_request(&tc, k, q, n + 4, sizeof(q), 1700000000);
	ck_assert_int_eq(tsig_find(q, n, &at), 0);
	ck_assert_int_eq(tsig_parse(q, n, at, &t), 0);
	ck_assert_uint_eq(t.time_signed, 1700000000);
	ck_assert_uint_eq(t.fudge, 300);
	ck_assert_uint_eq(t.mac_len, 32);
	ck_assert_mem_eq(t.mac, want, 32);
}
END_TEST

START_TEST(test_badtime)
{
	uint8_t q[1024];
	struct tsig_ctx tc;
	struct tsig_rr t;
	size_t qn = our_query(q, sizeof(q), "xfr1", TYPE_SOA, 1000, &tc);

	/* Our request verifies in ldns: the signing side is right too. */
	ldns_pkt *lq = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&lq, q, qn), LDNS_STATUS_OK);
	ck_assert(ldns_pkt_tsig_verify(lq, q, qn, "xfr1.", SECRET, NULL));

	uint64_t before = (uint64_t)time(NULL);
	size_t n = answer(q, qn, "192.0.2.1", DNS_UDP, NULL);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_NOTAUTH);
	reply_tsig(out, n, &t);
	ck_assert_uint_eq(t.error, TSIG_BADTIME);
	ck_assert_uint_eq(t.mac_len, 32);		/* signed */
	ck_assert_uint_eq(t.other_len, 6);		/* our time */
	uint64_t ours = (uint64_t)wire_get16(t.other) << 32 |
	    wire_get32(t.other + 2);
	ck_assert(ours >= before && ours <= (uint64_t)time(NULL));
	/* The time signed is the request's, as BIND and NSD answer. */
	ck_assert(t.time_signed <= before - 1000 &&
	    t.time_signed >= before - 1001);
	ldns_pkt *r = NULL;
	ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
	ck_assert(ldns_pkt_tsig_verify(r, out, n, "xfr1.", SECRET,
	    ldns_rr_rdf(ldns_pkt_tsig(lq), 3)));
	ldns_pkt_free(r);
	ldns_pkt_free(lq);

	/* Within the fudge: answered. */
	qn = our_query(q, sizeof(q), "xfr1", TYPE_SOA, 200, &tc);
	n = answer(q, qn, "192.0.2.1", DNS_UDP, NULL);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_NOERROR);
}
END_TEST

START_TEST(test_client_side_checks_answer)
{
	uint8_t q[1024];
	struct tsig_ctx tc;
	char why[64];
	size_t qn = our_query(q, sizeof(q), "xfr1", TYPE_SOA, 0, &tc);
	size_t n = answer(q, qn, "192.0.2.1", DNS_UDP, NULL);

	ck_assert_int_eq(tsig_check_answer(&tc, out, n, (uint64_t)time(NULL),
	    why, sizeof(why)), 0);
	out[DNS_HEADER_SIZE + 2] ^= 0x20;	/* the question's case */
	ck_assert_int_eq(tsig_check_answer(&tc, out, n, (uint64_t)time(NULL),
	    why, sizeof(why)), -1);
	ck_assert_str_eq(why, "bad MAC in the answer");
	/* The same answer without its TSIG record. */
	size_t at;
	ck_assert_int_eq(tsig_find(out, n, &at), 0);
	wire_put16(out + 10, (uint16_t)(wire_get16(out + 10) - 1));
	ck_assert_int_eq(tsig_check_answer(&tc, out, at, (uint64_t)time(NULL),
	    why, sizeof(why)), -1);
	ck_assert_str_eq(why, "answer not signed");
}
END_TEST

START_TEST(test_truncated_and_malformed)
{
	uint8_t q[1024];
	struct tsig_ctx tc;
	struct tsig_rr t;
	size_t qn = our_query(q, sizeof(q), "xfr1", TYPE_SOA, 0, &tc);
	size_t at;

	ck_assert_int_eq(tsig_find(q, qn, &at), 0);
	ck_assert_int_eq(tsig_parse(q, qn, at, &t), 0);
	size_t macsize = (size_t)(t.mac - q) - 2;	/* the MAC size field */

	/* 16 of 32 bytes: the least allowed; we take whole MACs: BADTRUNC. */
	uint8_t tq[1024];
	size_t mac_off = (size_t)(t.mac - q);
	memcpy(tq, q, mac_off + 16);
	memcpy(tq + mac_off + 16, q + mac_off + 32, qn - mac_off - 32);
	size_t tn = qn - 16;
	wire_put16(tq + macsize, 16);
	wire_put16(tq + at + (t.key_len) + 8,
	    (uint16_t)(wire_get16(q + at + t.key_len + 8) - 16));
	size_t n = answer(tq, tn, "192.0.2.1", DNS_UDP, NULL);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_NOTAUTH);
	reply_tsig(out, n, &t);
	ck_assert_uint_eq(t.error, TSIG_BADTRUNC);
	ck_assert_uint_eq(t.mac_len, 32);

	/* 8 bytes: below 10 and half the hash: FORMERR. */
	wire_put16(tq + macsize, 8);
	n = answer(tq, tn, "192.0.2.1", DNS_UDP, NULL);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_FORMERR);

	/* A record after the TSIG: FORMERR, unsigned. */
	memcpy(tq, q, qn);
	memcpy(tq + qn, "\0\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 15);
	wire_put16(tq + 10, 2);
	n = answer(tq, qn + 15, "192.0.2.1", DNS_UDP, NULL);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_FORMERR);
	ck_assert_uint_eq(wire_get16(out + 10), 0);

	/* A TSIG whose rdata is cut short. */
	memcpy(tq, q, qn);
	wire_put16(tq + at + t.key_len + 8, 5);
	n = answer(tq, at + t.key_len + 10 + 5, "192.0.2.1", DNS_UDP, NULL);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_FORMERR);
}
END_TEST

START_TEST(test_axfr_every_message_signed)
{
	uint8_t *wire;
	size_t wlen;
	struct stream s = { .n = 0 };
	ldns_pkt *q = signed_query("contoso.com.", LDNS_RR_TYPE_AXFR, "xfr1.",
	    SECRET, "hmac-sha256.", &wire, &wlen);

	ck_assert_uint_eq(answer(wire, wlen, "10.0.0.53", DNS_TCP, &s), 0);
	ck_assert_uint_ge(s.n, 3);		/* several messages */
	ldns_pkt *prev = NULL;
	for (size_t i = 0; i < s.n; i++) {
		ldns_pkt *r = NULL;
		ck_assert_int_eq(ldns_wire2pkt(&r, s.msg[i], s.len[i]),
		    LDNS_STATUS_OK);
		ck_assert_ptr_nonnull(ldns_pkt_tsig(r));
		const ldns_rdf *mac = ldns_rr_rdf(ldns_pkt_tsig(i == 0 ? q :
		    prev), 3);
		ck_assert_msg(ldns_pkt_tsig_verify_next(r, s.msg[i], s.len[i],
		    "xfr1.", SECRET, mac, i > 0), "message %zu", i);
		if (prev != NULL)
			ldns_pkt_free(prev);
		prev = r;
	}
	ldns_pkt_free(prev);
	stream_free(&s);
	ldns_pkt_free(q);
	free(wire);
}
END_TEST

START_TEST(test_allow_transfer_by_key)
{
	uint8_t *wire;
	size_t wlen, n;
	struct stream s = { .n = 0 };
	ldns_pkt *q;

	/* 10.0.0.0/8 key xfr1: unsigned from there is refused. */
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, "contoso.com.",
	    LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0), LDNS_STATUS_OK);
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
	n = answer(wire, wlen, "10.0.0.53", DNS_TCP, &s);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_REFUSED);
	ck_assert_uint_eq(s.n, 0);
	/* 127.0.0.9 alone: unsigned works. */
	n = answer(wire, wlen, "127.0.0.9", DNS_TCP, &s);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_gt(s.n, 0);
	stream_free(&s);
	s.n = 0;
	ldns_pkt_free(q);
	free(wire);

	/* xfr1 from outside 10/8: refused, signed. */
	q = signed_query("contoso.com.", LDNS_RR_TYPE_AXFR, "xfr1.", SECRET,
	    "hmac-sha256.", &wire, &wlen);
	n = answer(wire, wlen, "192.0.2.1", DNS_TCP, &s);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_REFUSED);
	struct tsig_rr t;
	reply_tsig(out, n, &t);
	ck_assert_uint_eq(t.mac_len, 32);
	ldns_pkt_free(q);
	free(wire);

	/* old is a key, but no entry names it and 192.0.2.1 is not listed. */
	q = signed_query("contoso.com.", LDNS_RR_TYPE_AXFR, "old.", SECRET,
	    "hmac-sha1.", &wire, &wlen);
	n = answer(wire, wlen, "192.0.2.1", DNS_TCP, &s);
	ck_assert_uint_eq(out[3] & 0x0f, RCODE_REFUSED);
	ldns_pkt_free(q);
	free(wire);

	/* key xfr512 alone: any address. */
	q = signed_query("contoso.com.", LDNS_RR_TYPE_AXFR, "xfr512.", SECRET2,
	    "hmac-sha512.", &wire, &wlen);
	n = answer(wire, wlen, "192.0.2.1", DNS_TCP, &s);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_gt(s.n, 0);
	stream_free(&s);
	ldns_pkt_free(q);
	free(wire);
}
END_TEST

/* pool.contoso.com (10.0.0.10) is internal: in view inside only. */
START_TEST(test_view_by_key)
{
	static const struct { const char *key, *secret, *alg; int an; } c[] = {
		{ "xfr512.", SECRET2, "hmac-sha512.", 1 },	/* match_keys */
		{ "xfr1.", SECRET, "hmac-sha256.", 0 },		/* by address */
	};
	for (size_t i = 0; i < 2; i++) {
		uint8_t *wire;
		size_t wlen;
		ldns_pkt *q = signed_query("pool.contoso.com.", LDNS_RR_TYPE_A,
		    c[i].key, c[i].secret, c[i].alg, &wire, &wlen);
		size_t n = answer(wire, wlen, "192.0.2.1", DNS_UDP, NULL);
		ldns_pkt *r = NULL;
		ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
		ck_assert_uint_eq(ldns_pkt_ancount(r), c[i].an);
		ldns_pkt_free(r);
		ldns_pkt_free(q);
		free(wire);
	}
}
END_TEST

/* --- the configuration -------------------------------------------------- */

static char *
load_errors(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *diag = open_memstream(&buf, &len);
	struct config *cfg = testconf_load_bytes(text, strlen(text), diag, NULL);

	fclose(diag);
	ck_assert_ptr_null(cfg);
	return buf;
}

START_TEST(test_config_errors)
{
	static const struct { const char *text, *want; } c[] = {
		{ "[key a]\nalgorithm = hmac-md5\nsecret = " SECRET "\n",
		  ":2: algorithm: 'hmac-md5' is not one of hmac-sha1, "
		  "hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512" },
		{ "[key a]\nalgorithm = hmac-sha256\nsecret = abc*\n",
		  ":3: secret: not valid base64" },
		{ "[key a]\nalgorithm = hmac-sha256\nsecret = ====\n",
		  ":3: secret: not valid base64" },
		{ "[key a]\nalgorithm = hmac-sha256\n",
		  ":1: key a has neither secret nor secret_file" },
		{ "[key a]\nsecret = " SECRET "\n",
		  ":1: key a has no algorithm" },
		{ "[server]\nallow_transfer = ::1 key nokey\n",
		  ":2: allow_transfer: unknown key 'nokey' (no [key nokey] "
		  "section)" },
		{ "[server]\nnotify = 127.0.0.1:53 key nokey\n",
		  ":2: notify: unknown key 'nokey'" },
		{ "[server]\nallow_transfer = ::1 kee x\n",
		  ":2: allow_transfer: 'kee x': expected 'key NAME'" },
		{ "[server]\nallow_transfer = key\n",
		  ":2: allow_transfer: 'key' without a key name" },
		{ "[view v]\nmatch_keys = nokey\n",
		  ":2: match_keys: unknown key 'nokey'" },
		{ "[key a]\n[key A]\n", ":2: duplicate [key a] (first on line 1)" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *err = load_errors(c[i].text);
		ck_assert_msg(strstr(err, c[i].want) != NULL, "%zu: %s", i, err);
		free(err);
	}
}
END_TEST

START_TEST(test_secret_file)
{
	char dir[] = "/tmp/check_tsig.XXXXXX", path[64], text[256];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/xfr1.key", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("c2VjcmV0c2Vj\ncmV0c2VjcmV0c2VjcmV0\n", f);
	fclose(f);
	snprintf(text, sizeof(text), "[key xfr1]\nalgorithm = hmac-sha256\n"
	    "secret_file = %s\n", path);

	chmod(path, 0644);
	char *err = load_errors(text);
	char want[128];
	snprintf(want, sizeof(want), ":3: secret_file %s: group or others may "
	    "read it (mode 0644)", path);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	free(err);

	chmod(path, 0600);
	struct config *cfg = testconf_load(text);
	ck_assert_ptr_nonnull(cfg);
	const struct cfg_tsig_key *k = config_tsig_key(cfg, "xfr1");
	ck_assert_uint_eq(k->secret_len, 24);
	ck_assert_mem_eq(k->secret, "secretsecretsecretsecret", 24);
	config_free(cfg);
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *
tsig_suite(void)
{
	Suite *s = suite_create("tsig");
	TCase *tc = tcase_create("server");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_signed_answer_verifies_in_ldns);
	tcase_add_test(tc, test_sha1_and_sha512);
	tcase_add_test(tc, test_badkey_badsig);
	tcase_add_test(tc, test_known_vector);
	tcase_add_test(tc, test_badtime);
	tcase_add_test(tc, test_client_side_checks_answer);
	tcase_add_test(tc, test_truncated_and_malformed);
	tcase_add_test(tc, test_axfr_every_message_signed);
	tcase_add_test(tc, test_allow_transfer_by_key);
	tcase_add_test(tc, test_view_by_key);
	suite_add_tcase(s, tc);
	TCase *cf = tcase_create("config");
	tcase_add_test(cf, test_config_errors);
	tcase_add_test(cf, test_secret_file);
	suite_add_tcase(s, cf);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tsig_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
