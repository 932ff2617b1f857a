/* check_regress.c -- inputs the fuzzers found, replayed through dns_handle() and config_load(). */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "snapshot.h"
#include "wire.h"

static struct snapshot *snap;
static uint8_t out[DNS_MAX_MESSAGE];

/* The example configuration, as the fuzz target uses it. */
static void
setup(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct config *cfg;

	snprintf(path, sizeof(path), "%s/conf/ocsdnsd.ini", top ? top : ".");
	cfg = config_load(path, stderr, NULL);
	ck_assert_msg(cfg != NULL, "cannot load %s (set top_srcdir)", path);
	snap = snapshot_build(cfg, NULL, stderr);
	ck_assert_ptr_nonnull(snap);
}

static void
teardown(void)
{
	snapshot_free(snap);
}

/*
 * Runs msg through dns_handle() over UDP and TCP from 127.0.0.1 (internal
 * view) and 127.0.0.2 (external), with an exact-size copy so that a read
 * past the end is seen by ASan. Checks what the fuzz target checks and
 * returns the rcode of the last reply, or -1 when there was none.
 */
static int
replay(const uint8_t *msg, size_t len)
{
	static const enum dns_transport ts[2] = { DNS_UDP, DNS_TCP };
	uint8_t *q = malloc(len ? len : 1);
	int rcode = -1;

	ck_assert_ptr_nonnull(q);
	memcpy(q, msg, len);
	for (int r = 0; r < 2; r++) {
		for (int t = 0; t < 2; t++) {
			struct sockaddr_in sin;
			struct dns_peer peer;
			ldns_pkt *p = NULL;
			size_t n;

			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_addr.s_addr = htonl(0x7f000001 + (uint32_t)r);
			memset(&peer, 0, sizeof(peer));
			peer.remote = (const struct sockaddr *)&sin;
			peer.transport = ts[t];
			n = dns_handle(snap, &peer, q, len, out);
			if (n == 0) {
				rcode = -1;
				continue;
			}
			ck_assert_uint_ge(n, DNS_HEADER_SIZE);
			ck_assert_uint_le(n, ts[t] == DNS_UDP ? 1232 : DNS_MAX_MESSAGE);
			ck_assert_uint_eq(wire_get16(out), wire_get16(q));
			ck_assert(out[2] & FLAG1_QR);
			ck_assert_int_eq(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK);
			ldns_pkt_free(p);
			rcode = out[3] & FLAG2_RCODE_MASK;
		}
	}
	free(q);
	return rcode;
}

/*
 * fuzz_query, first seconds: a question that does not parse (here a
 * compression pointer to itself) made the FORMERR reply memcpy() from a NULL
 * question with length 0 -- undefined behaviour (UBSan: "null pointer passed
 * as argument 2"), fatal in the --enable-sanitizers build.
 */
START_TEST(test_formerr_unparsed_question)
{
	static const uint8_t pkt[] = {
		0x00, 0x18, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0xc0, 0x0c, 0x00, 0x06,
		0x00, 0x01,
	};

	ck_assert_int_eq(replay(pkt, sizeof(pkt)), RCODE_FORMERR);
	ck_assert_uint_eq(wire_get16(out + 4), 0);	/* no question echoed */
}
END_TEST

/* The same path with a label cut short and with no question bytes at all. */
START_TEST(test_formerr_no_question)
{
	static const uint8_t cut[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x07, 'c', 'o', 'n',
	};
	static const uint8_t none[] = {
		0x12, 0x35, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};

	ck_assert_int_eq(replay(cut, sizeof(cut)), RCODE_FORMERR);
	ck_assert_int_eq(replay(none, sizeof(none)), RCODE_FORMERR);
}
END_TEST

static Suite *
regress_suite(void)
{
	Suite *s = suite_create("regress");
	TCase *tc = tcase_create("fuzz");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_formerr_unparsed_question);
	tcase_add_test(tc, test_formerr_no_question);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(regress_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
