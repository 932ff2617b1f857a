/* check_rrl.c -- unit tests of response rate limiting: buckets, slip, TC replies. */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "rrl.h"
#include "wire.h"

static struct sockaddr_in
v4(const char *a)
{
	struct sockaddr_in s = { .sin_family = AF_INET };

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static const uint8_t contoso[] = "\7contoso\3com";
static const uint8_t q_sip[] = "\4_sip\4_tls\7contoso\3com";
static const uint8_t q_Sip[] = "\4_SIP\4_tls\7Contoso\3com";
static const uint8_t q_nope1[] = "\5nope1\7contoso\3com";
static const uint8_t q_nope2[] = "\5nope2\7contoso\3com";

static struct dns_result
answer(const uint8_t *qname, uint16_t qtype)
{
	struct dns_result r = { .flags = DNS_RES_QUESTION, .rcode = RCODE_NOERROR,
	    .qtype = qtype, .qname = qname };
	return r;
}

static struct dns_result
nxdomain(const uint8_t *qname)
{
	struct dns_result r = answer(qname, TYPE_A);

	r.rcode = RCODE_NXDOMAIN;
	r.zone = contoso;
	return r;
}

START_TEST(test_rate_and_slip)
{
	struct rrl *r = rrl_new(5, 2, 24, 56);
	struct sockaddr_in c = v4("192.0.2.10");
	struct dns_result res = answer(q_sip, TYPE_SRV);
	unsigned send = 0, drop = 0, slip = 0;

	for (int i = 0; i < 25; i++) {
		switch (rrl_check(r, (struct sockaddr *)&c, &res, 1000)) {
		case RRL_SEND: send++; break;
		case RRL_DROP: drop++; break;
		case RRL_SLIP: slip++; break;
		}
	}
	ck_assert_uint_eq(send, 5);
	ck_assert_uint_eq(slip, 10);	/* every second limited one */
	ck_assert_uint_eq(drop, 10);
	/* The next second starts afresh. */
	ck_assert_int_eq(rrl_check(r, (struct sockaddr *)&c, &res, 1001), RRL_SEND);
	rrl_free(r);
}
END_TEST

START_TEST(test_buckets)
{
	struct rrl *r = rrl_new(1, 0, 24, 56);
	struct sockaddr_in a = v4("192.0.2.10"), b = v4("192.0.2.99"),
	    other = v4("198.51.100.1");
	struct dns_result sip = answer(q_sip, TYPE_SRV), Sip = answer(q_Sip, TYPE_SRV);
	struct dns_result sip_a = answer(q_sip, TYPE_A);
	struct dns_result n1 = nxdomain(q_nope1), n2 = nxdomain(q_nope2);

	ck_assert_int_eq(rrl_check(r, (struct sockaddr *)&a, &sip, 7), RRL_SEND);
	/* The same /24, the same name in other case: the same bucket. */
	ck_assert_int_eq(rrl_check(r, (struct sockaddr *)&b, &Sip, 7), RRL_DROP);
	/* Another type, another network: buckets of their own. */
	ck_assert_int_eq(rrl_check(r, (struct sockaddr *)&a, &sip_a, 7), RRL_SEND);
	ck_assert_int_eq(rrl_check(r, (struct sockaddr *)&other, &sip, 7), RRL_SEND);
	/* Random names under one zone share the zone's NXDOMAIN bucket. */
	ck_assert_int_eq(rrl_check(r, (struct sockaddr *)&a, &n1, 7), RRL_SEND);
	ck_assert_int_eq(rrl_check(r, (struct sockaddr *)&a, &n2, 7), RRL_DROP);
	rrl_free(r);
}
END_TEST

START_TEST(test_slip_reply)
{
	/* Header, question contoso.com/A/IN, one answer record. */
	uint8_t msg[64] = { 0xbe, 0xef, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 1,
	    7, 'c', 'o', 'n', 't', 'o', 's', 'o', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	    0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1 };
	size_t len = rrl_slip_reply(msg, 45);

	ck_assert_uint_eq(len, 29);		/* header and question */
	ck_assert_uint_eq(msg[2] & FLAG1_TC, FLAG1_TC);
	ck_assert_uint_eq(wire_get16(msg + 4), 1);
	ck_assert_uint_eq(wire_get16(msg + 6), 0);
	ck_assert_uint_eq(wire_get16(msg + 10), 0);
	ck_assert_uint_eq(msg[0], 0xbe);
}
END_TEST

static Suite *
rrl_suite(void)
{
	Suite *s = suite_create("rrl");
	TCase *tc = tcase_create("limits");

	tcase_add_test(tc, test_rate_and_slip);
	tcase_add_test(tc, test_buckets);
	tcase_add_test(tc, test_slip_reply);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rrl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
