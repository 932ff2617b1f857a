/* check_lookup.c -- unit tests of ocsdns-lookup's argument and name helpers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookup/lookup_util.h"
#include "ocs.h"

static char	 d[LOOKUP_NAME_MAX];	/* the last domain parsed */
static char	 h[64];			/* the last server split */
static uint16_t	 port;

static int
dom(const char *arg)
{
	return lookup_domain_from_arg(arg, d, sizeof(d));
}

#define in_dom(n, dn)	lookup_name_in_domain((n), (dn))

static int
srv(const char *spec)
{
	return lookup_split_server(spec, h, sizeof(h), &port);
}

START_TEST(test_domain_from_arg)
{
	ck_assert_int_eq(dom("alice@Contoso.COM"), 0);
	ck_assert_str_eq(d, "contoso.com");
	ck_assert_int_eq(dom("sip:bob@fabrikam.com."), 0);
	ck_assert_str_eq(d, "fabrikam.com");
	ck_assert_int_eq(dom("contoso.com"), 0);
	ck_assert_str_eq(d, "contoso.com");
	ck_assert_int_eq(dom("a@b@lab-1.example"), 0);
	ck_assert_str_eq(d, "lab-1.example");
	ck_assert_int_eq(dom("alice@"), -1);
	ck_assert_int_eq(dom(""), -1);
	ck_assert_int_eq(dom("."), -1);
	ck_assert_int_eq(dom("a..b"), -1);
	ck_assert_int_eq(dom("-a.com"), -1);
	ck_assert_int_eq(dom("a-.com"), -1);
	ck_assert_int_eq(dom("con toso.com"), -1);
	ck_assert_int_eq(lookup_domain_from_arg("contoso.com", d, 5), -1);
}
END_TEST

START_TEST(test_domain_label_length)
{
	char	 arg[80];

	memset(arg, 'a', 63);
	strcpy(arg + 63, ".com");
	ck_assert_int_eq(dom(arg), 0);
	memset(arg, 'a', 64);
	strcpy(arg + 64, ".com");
	ck_assert_int_eq(dom(arg), -1);
}
END_TEST

START_TEST(test_split_server)
{
	port = 53;
	ck_assert_int_eq(srv("127.0.0.1"), 0);
	ck_assert_str_eq(h, "127.0.0.1");
	ck_assert_uint_eq(port, 53);
	ck_assert_int_eq(srv("127.0.0.1:5300"), 0);
	ck_assert_str_eq(h, "127.0.0.1");
	ck_assert_uint_eq(port, 5300);
	port = 53;
	ck_assert_int_eq(srv("::1"), 0);
	ck_assert_str_eq(h, "::1");
	ck_assert_uint_eq(port, 53);
	ck_assert_int_eq(srv("[::1]:5301"), 0);
	ck_assert_str_eq(h, "::1");
	ck_assert_uint_eq(port, 5301);
	ck_assert_int_eq(srv("[2001:db8::1]"), 0);
	ck_assert_str_eq(h, "2001:db8::1");
	ck_assert_int_eq(srv("ns1.example:53"), 0);
	ck_assert_str_eq(h, "ns1.example");
	ck_assert_int_eq(srv("127.0.0.1:"), -1);
	ck_assert_int_eq(srv("127.0.0.1:0"), -1);
	ck_assert_int_eq(srv("127.0.0.1:65536"), -1);
	ck_assert_int_eq(srv("127.0.0.1:53x"), -1);
	ck_assert_int_eq(srv("[::1"), -1);
	ck_assert_int_eq(srv("[::1]5300"), -1);
	ck_assert_int_eq(srv(":53"), -1);
	ck_assert_int_eq(srv(""), -1);
}
END_TEST

START_TEST(test_name_in_domain)
{
	ck_assert_int_eq(in_dom("pool01.contoso.com", "contoso.com"), 1);
	ck_assert_int_eq(in_dom("POOL01.Contoso.com.", "contoso.com"), 1);
	ck_assert_int_eq(in_dom("contoso.com", "contoso.com."), 1);
	ck_assert_int_eq(in_dom("a.b.contoso.com", "contoso.com"), 1);
	ck_assert_int_eq(in_dom("pool01.corp.local", "contoso.com"), 0);
	ck_assert_int_eq(in_dom("pool01.notcontoso.com", "contoso.com"), 0);
	ck_assert_int_eq(in_dom("com", "contoso.com"), 0);
	ck_assert_int_eq(in_dom("x.com", ""), 0);
}
END_TEST

START_TEST(test_timeout)
{
	struct timeval	 tv;

	ck_assert_int_eq(lookup_parse_timeout("2", &tv), 0);
	ck_assert_int_eq(tv.tv_sec, 2);
	ck_assert_int_eq(tv.tv_usec, 0);
	ck_assert_int_eq(lookup_parse_timeout("0.5", &tv), 0);
	ck_assert_int_eq(tv.tv_sec, 0);
	ck_assert_int_eq(tv.tv_usec, 500000);
	ck_assert_int_eq(lookup_parse_timeout("0", &tv), -1);
	ck_assert_int_eq(lookup_parse_timeout("61", &tv), -1);
	ck_assert_int_eq(lookup_parse_timeout("-1", &tv), -1);
	ck_assert_int_eq(lookup_parse_timeout("2s", &tv), -1);
	ck_assert_int_eq(lookup_parse_timeout("", &tv), -1);
}
END_TEST

START_TEST(test_json_string)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	lookup_json_string(fp, "a\"b\\c\n\x01\xc3");
	fclose(fp);
	ck_assert_str_eq(buf, "\"a\\\"b\\\\c\\n\\u0001\\u00c3\"");
	free(buf);
}
END_TEST

START_TEST(test_cert_name)
{
	ck_assert_int_eq(lookup_cert_name("pool01.contoso.com",
	    "POOL01.Contoso.com"), 1);
	ck_assert_int_eq(lookup_cert_name("pool01.fabrikam.com",
	    "pool01.contoso.com"), 0);
	ck_assert_int_eq(lookup_cert_name("*.contoso.com",
	    "pool01.contoso.com"), 2);
	/* One label only, and never a whole domain of one label. */
	ck_assert_int_eq(lookup_cert_name("*.contoso.com",
	    "a.pool01.contoso.com"), 0);
	ck_assert_int_eq(lookup_cert_name("*.com", "contoso.com"), 0);
	ck_assert_int_eq(lookup_cert_name("*.contoso.com", "contoso.com"), 0);
	ck_assert_int_eq(lookup_cert_name("pool01.contoso.com",
	    "pool01.contoso.com.evil"), 0);
}
END_TEST

/* The profiles' orders, as shared/ocs-deployment.md gives them. */
START_TEST(test_client_profiles)
{
	const struct ocs_client *c = ocs_client_by_name("Communicator2007");

	ck_assert_ptr_eq(c, &ocs_clients[OCS_CLIENT_2007]);
	ck_assert_int_eq(c->nsrv, 4);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(c->srv[i], i);	/* ocs_services[] order */
	ck_assert_int_eq(c->ntry, 3);
	ck_assert_str_eq(ocs_fallbacks[c->tries[0].fallback].label,
	    "sipinternal");
	ck_assert_int_eq(c->tries[2].port, 443);

	c = ocs_client_by_name("communicator2007r2");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(ocs_fallbacks[c->tries[0].fallback].label, "sip");
	ck_assert_str_eq(ocs_fallbacks[c->tries[1].fallback].label,
	    "sipinternal");

	c = ocs_client_by_name("phone-edition");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->nsrv, 3);
	ck_assert_str_eq(ocs_services[c->srv[0]].owner, "_sipinternaltls._tcp");
	ck_assert_str_eq(ocs_services[c->srv[1]].owner, "_sip._tls");
	ck_assert_str_eq(ocs_services[c->srv[2]].owner, "_sipinternal._tcp");
	ck_assert_int_eq(c->ntry, 6);
	static const char *const want[6][2] = { { "sipinternal", "5061" },
	    { "sipinternal", "443" }, { "sip", "5061" }, { "sip", "443" },
	    { "sipexternal", "5061" }, { "sipexternal", "443" } };
	for (int i = 0; i < 6; i++) {
		char pt[8];

		snprintf(pt, sizeof(pt), "%u", (unsigned)c->tries[i].port);
		ck_assert_str_eq(ocs_fallbacks[c->tries[i].fallback].label,
		    want[i][0]);
		ck_assert_str_eq(pt, want[i][1]);
	}
	for (int i = 0; i < OCS_NCLIENTS; i++)
		ck_assert(!ocs_clients[i].wildcard);
	ck_assert_ptr_null(ocs_client_by_name("communicator2005"));
}
END_TEST

static Suite *
lookup_suite(void)
{
	Suite	*s = suite_create("lookup");
	TCase	*tc = tcase_create("util");

	tcase_add_test(tc, test_domain_from_arg);
	tcase_add_test(tc, test_domain_label_length);
	tcase_add_test(tc, test_split_server);
	tcase_add_test(tc, test_name_in_domain);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_json_string);
	tcase_add_test(tc, test_cert_name);
	tcase_add_test(tc, test_client_profiles);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(lookup_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
