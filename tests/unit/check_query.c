/* check_query.c -- unit tests of the query parser, fed raw packets. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "query.h"
#include "wire.h"

/* Builds "ID flags qd an ns ar" + question for name (text, dots) / type / class. */
static size_t
make_query(uint8_t *buf, uint16_t flags, uint16_t qd, const char *name,
    uint16_t type, uint16_t class)
{
	size_t pos = DNS_HEADER_SIZE;

	memset(buf, 0, DNS_HEADER_SIZE);
	wire_put16(buf, 0x1234);
	wire_put16(buf + 2, flags);
	wire_put16(buf + 4, qd);
	pos += wire_name_from_text(name, buf + pos);
	wire_put16(buf + pos, type);
	wire_put16(buf + pos + 2, class);
	return pos + 4;
}

/* Appends an OPT record (size, version, DO) with the given option bytes. */
static size_t
add_opt(uint8_t *buf, size_t pos, uint16_t size, uint8_t version, int dobit,
    const uint8_t *opts, uint16_t optlen)
{
	buf[pos] = 0;
	wire_put16(buf + pos + 1, TYPE_OPT);
	wire_put16(buf + pos + 3, size);
	buf[pos + 5] = 0;
	buf[pos + 6] = version;
	buf[pos + 7] = dobit ? 0x80 : 0;
	buf[pos + 8] = 0;
	wire_put16(buf + pos + 9, optlen);
	if (optlen > 0)
		memcpy(buf + pos + 11, opts, optlen);
	wire_put16(buf + 10, (uint16_t)(wire_get16(buf + 10) + 1));
	return pos + 11 + optlen;
}

START_TEST(test_plain_query)
{
	uint8_t buf[512];
	struct query q;
	size_t len = make_query(buf, 0x0100, 1, "_sip._tls.contoso.com", TYPE_SRV, CLASS_IN);

	memcpy(buf + 13, "_SIP", 4);	/* the builder folds case; the client may not */
	memcpy(buf + 23, "Contoso", 7);

	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_OK);
	ck_assert_uint_eq(q.id, 0x1234);
	ck_assert_uint_eq(q.qtype, TYPE_SRV);
	ck_assert_uint_eq(q.qclass, CLASS_IN);
	ck_assert(!q.edns);
	/* The folded name is lower case; the question keeps the client's bytes. */
	ck_assert_mem_eq(q.lname, "\x04_sip\x04_tls\x07" "contoso\x03" "com\x00", 23);
	ck_assert_uint_eq(q.lname_len, 23);
	ck_assert_uint_eq(q.question_len, 27);
	ck_assert_mem_eq(q.question + 1, "_SIP", 4);
}
END_TEST

START_TEST(test_drop_short_and_responses)
{
	uint8_t buf[512];
	struct query q;
	size_t len = make_query(buf, 0x8000, 1, "contoso.com", TYPE_A, CLASS_IN);

	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_DROP);
	ck_assert_int_eq(query_parse(&q, buf, 11), QUERY_DROP);
	ck_assert_int_eq(query_parse(&q, buf, 0), QUERY_DROP);
}
END_TEST

START_TEST(test_opcodes)
{
	uint8_t buf[512];
	struct query q;

	for (unsigned op = 1; op < 16; op++) {
		size_t len = make_query(buf, (uint16_t)(op << 11), 1, "contoso.com",
		    TYPE_A, CLASS_IN);
		ck_assert_int_eq(query_parse(&q, buf, len), QUERY_NOTIMP);
	}
	/* The opcode is checked before the counts. */
	size_t len = make_query(buf, 4 << 11, 0, "contoso.com", TYPE_A, CLASS_IN);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_NOTIMP);
}
END_TEST

START_TEST(test_qdcount)
{
	uint8_t buf[512];
	struct query q;
	size_t len = make_query(buf, 0, 0, "contoso.com", TYPE_A, CLASS_IN);

	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);
	ck_assert_uint_eq(q.question_len, 0);
	len = make_query(buf, 0, 2, "contoso.com", TYPE_A, CLASS_IN);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);
	/* Header only, QDCOUNT 1: no question to read. */
	ck_assert_int_eq(query_parse(&q, buf, DNS_HEADER_SIZE), QUERY_FORMERR);
}
END_TEST

START_TEST(test_bad_names)
{
	uint8_t buf[1024];
	struct query q;
	size_t len;

	/* A 64-byte label. */
	memset(buf, 0, sizeof(buf));
	wire_put16(buf + 4, 1);
	buf[12] = 64;
	memset(buf + 13, 'a', 64);
	buf[77] = 0;
	len = 78 + 4;
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);

	/* A 256-byte name: 4 labels of 63 plus one of 3. */
	size_t pos = 12;
	for (int i = 0; i < 4; i++) {
		buf[pos++] = 63;
		memset(buf + pos, 'b', 63);
		pos += 63;
	}
	buf[pos++] = 3;
	memcpy(buf + pos, "com", 3);
	pos += 3;
	buf[pos++] = 0;
	ck_assert_int_eq(query_parse(&q, buf, pos + 4), QUERY_FORMERR);

	/* A compression pointer in the question. */
	len = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);
	buf[12] = 0xc0;
	buf[13] = 12;
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);

	/* The 01 and 10 label types. */
	len = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);
	buf[12] = 0x47;
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);
	buf[12] = 0x87;
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);

	/* A name running past the end, and a missing type/class. */
	len = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);
	ck_assert_int_eq(query_parse(&q, buf, 20), QUERY_FORMERR);
	ck_assert_int_eq(query_parse(&q, buf, len - 1), QUERY_FORMERR);
}
END_TEST

START_TEST(test_longest_name)
{
	uint8_t buf[1024];
	struct query q;
	size_t pos = 12;

	/* 255 bytes exactly: 3 x (1+63) + (1+61) + root. */
	memset(buf, 0, sizeof(buf));
	wire_put16(buf + 4, 1);
	for (int i = 0; i < 3; i++) {
		buf[pos++] = 63;
		memset(buf + pos, 'c', 63);
		pos += 63;
	}
	buf[pos++] = 61;
	memset(buf + pos, 'd', 61);
	pos += 61;
	buf[pos++] = 0;
	wire_put16(buf + pos, TYPE_A);
	wire_put16(buf + pos + 2, CLASS_IN);
	ck_assert_int_eq(query_parse(&q, buf, pos + 4), QUERY_OK);
	ck_assert_uint_eq(q.lname_len, 255);
}
END_TEST

START_TEST(test_trailing_garbage)
{
	uint8_t buf[512];
	struct query q;
	size_t len = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);

	buf[len] = 0xff;
	ck_assert_int_eq(query_parse(&q, buf, len + 1), QUERY_FORMERR);
	ck_assert_uint_gt(q.question_len, 0);	/* FORMERR can echo it */
}
END_TEST

START_TEST(test_edns)
{
	uint8_t buf[512];
	struct query q;
	const uint8_t opts[] = { 0, 3, 0, 0, 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t len = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);

	len = add_opt(buf, len, 4096, 0, 1, opts, sizeof(opts));
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_OK);
	ck_assert(q.edns);
	ck_assert_uint_eq(q.edns_size, 4096);
	ck_assert(q.edns_do);
	ck_assert(q.edns_nsid);		/* NSID asked; the cookie is ignored */

	len = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);
	len = add_opt(buf, len, 1232, 1, 0, NULL, 0);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_BADVERS);
}
END_TEST

START_TEST(test_edns_malformed)
{
	uint8_t buf[512];
	struct query q;
	const uint8_t badopt[] = { 0, 3, 0, 9, 1 };	/* option longer than its rdata */
	size_t len, base;

	/* Two OPT records. */
	base = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);
	len = add_opt(buf, base, 1232, 0, 0, NULL, 0);
	len = add_opt(buf, len, 1232, 0, 0, NULL, 0);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);

	/* OPT in the answer section. */
	len = add_opt(buf, base, 1232, 0, 0, NULL, 0);
	wire_put16(buf + 6, 1);
	wire_put16(buf + 10, 0);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);

	/* OPT not owned by the root. */
	memmove(buf + base + 2, buf + base + 1, 10);
	buf[base] = 0xc0;
	buf[base + 1] = 12;
	wire_put16(buf + 6, 0);
	wire_put16(buf + 10, 1);
	ck_assert_int_eq(query_parse(&q, buf, len + 1), QUERY_FORMERR);

	/* An option that runs past the RDATA. */
	base = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);
	len = add_opt(buf, base, 1232, 0, 0, badopt, sizeof(badopt));
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);

	/* RDLENGTH past the end of the packet. */
	len = add_opt(buf, base, 1232, 0, 0, NULL, 0);
	wire_put16(buf + len - 2, 50);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);
}
END_TEST

START_TEST(test_huge_counts)
{
	uint8_t buf[512];
	struct query q;
	size_t len = make_query(buf, 0, 1, "contoso.com", TYPE_A, CLASS_IN);

	wire_put16(buf + 6, 0xffff);
	wire_put16(buf + 8, 0xffff);
	wire_put16(buf + 10, 0xffff);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_FORMERR);
}
END_TEST

START_TEST(test_random_bytes_never_crash)
{
	uint8_t buf[600];
	struct query q;
	unsigned seed = 12345;

	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)(rand_r(&seed) % (int)sizeof(buf));
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rand_r(&seed);
		if (len > 4 && (i & 1))
			buf[2] &= 0x07;	/* often a QUERY, to get past the header */
		enum query_verdict v = query_parse(&q, buf, len);
		ck_assert_int_ge(v, QUERY_OK);
		ck_assert_int_le(v, QUERY_BADVERS);
		ck_assert_uint_le(q.lname_len, DNS_MAX_NAME);
	}
}
END_TEST

/*
 * The name is folded and hashed once, while parsing: the hash is the one
 * the table is keyed by (wire_name_hash() of the folded name), whatever the
 * case, and nothing outside the message is read.
 */
START_TEST(test_question_hash)
{
	uint8_t buf[600];
	struct query q, lower;
	unsigned seed = 4242;
	size_t len = make_query(buf, 0x0100, 1, "_sip._tls.contoso.com", TYPE_SRV, CLASS_IN);

	ck_assert_int_eq(query_parse(&lower, buf, len), QUERY_OK);
	memcpy(buf + 23, "CONTOSO", 7);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_OK);
	ck_assert_int_eq(q.verdict, QUERY_OK);
	ck_assert_uint_eq(q.lname_hash, wire_name_hash(q.lname, q.lname_len));
	ck_assert_uint_eq(q.lname_hash, lower.lname_hash);
	ck_assert_uint_ne(q.lname_hash, 0);
	/* The root alone. */
	len = make_query(buf, 0x0100, 1, ".", TYPE_NS, CLASS_IN);
	ck_assert_int_eq(query_parse(&q, buf, len), QUERY_OK);
	ck_assert_uint_eq(q.lname_len, 1);
	ck_assert_uint_eq(q.lname_hash, wire_name_hash(q.lname, 1));
	/* No name read: no length, no hash, and the verdict kept. */
	ck_assert_int_eq(query_parse(&q, buf, 12), QUERY_FORMERR);
	ck_assert_int_eq(q.verdict, QUERY_FORMERR);
	ck_assert_uint_eq(q.lname_len, 0);
	ck_assert_uint_eq(q.lname_hash, 0);
	len = make_query(buf, 0x0100, 1, "_sip._tls.contoso.com", TYPE_SRV, CLASS_IN);
	ck_assert_int_eq(query_parse(&q, buf, 20), QUERY_FORMERR);	/* cut */
	ck_assert_uint_eq(q.lname_len, 0);
	ck_assert_int_eq(query_parse(&q, buf, 5), QUERY_DROP);
	ck_assert_int_eq(q.verdict, QUERY_DROP);
	for (int i = 0; i < 20000; i++) {
		len = (size_t)(rand_r(&seed) % 64);
		uint8_t *p = malloc(len ? len : 1);	/* ASan sees overreads */
		for (size_t j = 0; j < len; j++)
			p[j] = (uint8_t)(j == 5 ? 1 : rand_r(&seed) % 8);
		ck_assert_int_eq(query_parse(&q, p, len), q.verdict);
		if (q.lname_len > 0)
			ck_assert_uint_eq(q.lname_hash,
			    wire_name_hash(q.lname, q.lname_len));
		free(p);
	}
}
END_TEST

/*
 * wire_name_hash() reads a word at a time, the last one overlapping: every
 * byte of every length counts (one byte changed, the hash changes), none
 * past the end is read (ASan: each name in an allocation of its own size),
 * and the same bytes give the same hash wherever they are.
 */
START_TEST(test_name_hash_bytes)
{
	uint8_t ref[DNS_MAX_NAME];
	unsigned seed = 7;

	for (size_t i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(rand_r(&seed) % 64);
	for (size_t len = 1; len <= DNS_MAX_NAME; len++) {
		uint8_t *p = malloc(len);
		memcpy(p, ref, len);
		uint32_t h = wire_name_hash(p, len);
		ck_assert_uint_eq(h, wire_name_hash(ref, len));
		for (size_t i = 0; i < len; i++) {
			p[i] ^= 0x20;
			ck_assert_msg(wire_name_hash(p, len) != h,
			    "length %zu: byte %zu does not count", len, i);
			p[i] ^= 0x20;
		}
		free(p);
	}
}
END_TEST

/* An upper-case letter anywhere in a name, of any length, is found; no other byte counts. */
START_TEST(test_has_upper)
{
	uint8_t p[DNS_MAX_NAME];

	for (size_t len = 1; len <= DNS_MAX_NAME; len++) {
		for (size_t i = 0; i < len; i++)
			p[i] = (uint8_t)('a' + i % 26);
		ck_assert(!wire_has_upper(p, len));
		for (size_t i = 0; i < len; i++) {
			uint8_t was = p[i];
			p[i] = (uint8_t)('A' + i % 26);
			ck_assert_msg(wire_has_upper(p, len), "length %zu: byte "
			    "%zu not seen", len, i);
			/* Neither '@' nor '[' (either side of A-Z), nor a length. */
			p[i] = (uint8_t)(i % 2 ? '@' : '[');
			ck_assert(!wire_has_upper(p, len));
			p[i] = (uint8_t)(i % 64);
			ck_assert(!wire_has_upper(p, len));
			p[i] = was;
		}
	}
}
END_TEST

/*
 * Text to wire: lower case, an optional final dot, the root; empty labels,
 * a label over 63 and a name over 255 octets refused (0).
 */
START_TEST(test_name_from_text)
{
	uint8_t out[DNS_MAX_NAME];
	static const uint8_t ab[] = { 1, 'a', 2, 'b', 'c', 0 };
	char text[300];

	ck_assert_uint_eq(wire_name_from_text("A.bC", out), sizeof(ab));
	ck_assert_mem_eq(out, ab, sizeof(ab));
	ck_assert_uint_eq(wire_name_from_text("a.BC.", out), sizeof(ab));
	ck_assert_mem_eq(out, ab, sizeof(ab));
	ck_assert_uint_eq(wire_name_from_text(".", out), 1);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(wire_name_from_text("", out), 1);
	ck_assert_uint_eq(wire_name_from_text("a..b", out), 0);
	ck_assert_uint_eq(wire_name_from_text(".a", out), 0);
	ck_assert_uint_eq(wire_name_from_text("a..", out), 0);
	memset(text, 'x', 63);
	strcpy(text + 63, ".y");
	ck_assert_uint_eq(wire_name_from_text(text, out), 1 + 63 + 2 + 1);
	memset(text, 'x', 64);
	strcpy(text + 64, ".y");
	ck_assert_uint_eq(wire_name_from_text(text, out), 0);
	/* 63 labels "abc." and "a": 253 characters, the longest name (255). */
	for (int i = 0; i < 63; i++)
		memcpy(text + 4 * i, "abc.", 4);
	strcpy(text + 252, "a");
	ck_assert_uint_eq(wire_name_from_text(text, out), DNS_MAX_NAME);
	ck_assert_uint_eq(out[DNS_MAX_NAME - 3], 1);
	ck_assert_uint_eq(out[DNS_MAX_NAME - 2], 'a');
	strcpy(text + 252, "ab");
	ck_assert_uint_eq(wire_name_from_text(text, out), 0);
}
END_TEST

static Suite *
query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_plain_query);
	tcase_add_test(tc, test_drop_short_and_responses);
	tcase_add_test(tc, test_opcodes);
	tcase_add_test(tc, test_qdcount);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_longest_name);
	tcase_add_test(tc, test_trailing_garbage);
	tcase_add_test(tc, test_edns);
	tcase_add_test(tc, test_edns_malformed);
	tcase_add_test(tc, test_huge_counts);
	tcase_add_test(tc, test_random_bytes_never_crash);
	tcase_add_test(tc, test_question_hash);
	tcase_add_test(tc, test_name_hash_bytes);
	tcase_add_test(tc, test_has_upper);
	tcase_add_test(tc, test_name_from_text);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(query_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
