/* check_ocs.c -- unit tests of the OCS table: services, ports, fallbacks. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ocs.h"

/* shared/ocs-dns.md section 1: the client's order and the default ports. */
START_TEST(test_service_order_and_ports)
{
	static const struct {
		const char	*owner;
		uint16_t	 port;
		enum ocs_transport transport;
	} want[] = {
		{ "_sipinternaltls._tcp", 5061, OCS_TLS },
		{ "_sipinternal._tcp", 5060, OCS_TCP },
		{ "_sip._tls", 443, OCS_TLS },
		{ "_sip._tcp", 443, OCS_TCP },
		{ "_sipfederationtls._tcp", 5061, OCS_TLS },
	};

	ck_assert_uint_eq(OCS_NSERVICES, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < OCS_NSERVICES; i++) {
		ck_assert_str_eq(ocs_services[i].owner, want[i].owner);
		ck_assert_uint_eq(ocs_services[i].port, want[i].port);
		ck_assert_int_eq(ocs_services[i].transport, want[i].transport);
	}
	/* The enum names the rows. */
	ck_assert_str_eq(ocs_services[OCS_SIPINTERNALTLS].owner,
	    "_sipinternaltls._tcp");
	ck_assert_str_eq(ocs_services[OCS_SIPINTERNAL].owner,
	    "_sipinternal._tcp");
	ck_assert_str_eq(ocs_services[OCS_SIP_TLS].owner, "_sip._tls");
	ck_assert_str_eq(ocs_services[OCS_SIP_TCP].owner, "_sip._tcp");
	ck_assert_str_eq(ocs_services[OCS_SIPFEDERATIONTLS].owner,
	    "_sipfederationtls._tcp");
}
END_TEST

/* Records 1 and 2 point at the pool, inside only; the rest at the edge. */
START_TEST(test_service_roles)
{
	ck_assert(ocs_services[OCS_SIPINTERNALTLS].internal);
	ck_assert(ocs_services[OCS_SIPINTERNAL].internal);
	ck_assert(!ocs_services[OCS_SIP_TLS].internal);
	ck_assert(!ocs_services[OCS_SIP_TCP].internal);
	ck_assert(!ocs_services[OCS_SIPFEDERATIONTLS].internal);

	ck_assert_int_eq(ocs_services[OCS_SIPINTERNALTLS].role, OCS_ROLE_POOL);
	ck_assert_int_eq(ocs_services[OCS_SIPINTERNAL].role, OCS_ROLE_POOL);
	ck_assert_int_eq(ocs_services[OCS_SIP_TLS].role, OCS_ROLE_ACCESS_EDGE);
	ck_assert_int_eq(ocs_services[OCS_SIP_TCP].role, OCS_ROLE_ACCESS_EDGE);
	ck_assert_int_eq(ocs_services[OCS_SIPFEDERATIONTLS].role,
	    OCS_ROLE_ACCESS_EDGE);

	/* The four sign-in records; federation is not asked for at sign-in. */
	for (size_t i = 0; i < OCS_NSERVICES; i++)
		ck_assert_int_eq(ocs_services[i].signin,
		    i != OCS_SIPFEDERATIONTLS);

	ck_assert_int_eq(ocs_services[OCS_SIPINTERNALTLS].when, OCS_ALWAYS);
	ck_assert_int_eq(ocs_services[OCS_SIPINTERNAL].when, OCS_ALWAYS);
	ck_assert_int_eq(ocs_services[OCS_SIP_TLS].when, OCS_ALWAYS);
	ck_assert_int_eq(ocs_services[OCS_SIP_TCP].when, OCS_IF_SIP_TCP);
	ck_assert_int_eq(ocs_services[OCS_SIPFEDERATIONTLS].when,
	    OCS_IF_FEDERATION);
}
END_TEST

/* sipinternal, sip, sipexternal, in that order. */
START_TEST(test_fallbacks)
{
	ck_assert_uint_eq(OCS_NFALLBACKS, 3);
	ck_assert_str_eq(ocs_fallbacks[0].label, "sipinternal");
	ck_assert_str_eq(ocs_fallbacks[1].label, "sip");
	ck_assert_str_eq(ocs_fallbacks[2].label, "sipexternal");
	ck_assert_uint_eq(ocs_fallbacks[0].port, 5061);
	ck_assert_uint_eq(ocs_fallbacks[1].port, 5061);
	ck_assert_uint_eq(ocs_fallbacks[2].port, 443);

	ck_assert(ocs_fallbacks[0].internal_only);
	ck_assert(!ocs_fallbacks[1].internal_only);
	ck_assert(!ocs_fallbacks[2].internal_only);
	ck_assert_int_eq(ocs_fallbacks[0].inside, OCS_ROLE_POOL);
	ck_assert_int_eq(ocs_fallbacks[0].outside, OCS_ROLE_POOL);
	ck_assert_int_eq(ocs_fallbacks[1].inside, OCS_ROLE_POOL);
	ck_assert_int_eq(ocs_fallbacks[1].outside, OCS_ROLE_ACCESS_EDGE);
	ck_assert_int_eq(ocs_fallbacks[2].inside, OCS_ROLE_ACCESS_EDGE);
	ck_assert_int_eq(ocs_fallbacks[2].outside, OCS_ROLE_ACCESS_EDGE);
}
END_TEST

START_TEST(test_by_port_key)
{
	static const char *const keys[OCS_NSERVICES] = {
		[OCS_SIPINTERNALTLS] = "sipinternaltls_port",
		[OCS_SIPINTERNAL] = "sipinternal_port",
		[OCS_SIP_TLS] = "sip_tls_port",
		[OCS_SIP_TCP] = "sip_tcp_port",
		[OCS_SIPFEDERATIONTLS] = "sipfederationtls_port",
	};

	for (size_t i = 0; i < OCS_NSERVICES; i++) {
		ck_assert_str_eq(ocs_services[i].port_key, keys[i]);
		ck_assert_ptr_eq(ocs_service_by_port_key(keys[i]),
		    &ocs_services[i]);
	}
	ck_assert_ptr_null(ocs_service_by_port_key("sip_port"));
	ck_assert_ptr_null(ocs_service_by_port_key(""));
	ck_assert_ptr_null(ocs_service_by_port_key("sip_tcp"));
}
END_TEST

START_TEST(test_by_owner)
{
	for (size_t i = 0; i < OCS_NSERVICES; i++)
		ck_assert_ptr_eq(ocs_service_by_owner(ocs_services[i].owner),
		    &ocs_services[i]);
	/* DNS names compare without case. */
	ck_assert_ptr_eq(ocs_service_by_owner("_SIPInternalTLS._TCP"),
	    &ocs_services[OCS_SIPINTERNALTLS]);
	ck_assert_ptr_eq(ocs_service_by_owner("_SIP._TLS"),
	    &ocs_services[OCS_SIP_TLS]);
	ck_assert_ptr_null(ocs_service_by_owner("_sip._udp"));
	ck_assert_ptr_null(ocs_service_by_owner("_sip"));
	ck_assert_ptr_null(ocs_service_by_owner(""));
	/* The owner below the domain, not a full name. */
	ck_assert_ptr_null(ocs_service_by_owner("_sip._tls.contoso.com"));
}
END_TEST

static Suite *
ocs_suite(void)
{
	Suite *s = suite_create("ocs");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_service_order_and_ports);
	tcase_add_test(tc, test_service_roles);
	tcase_add_test(tc, test_fallbacks);
	tcase_add_test(tc, test_by_port_key);
	tcase_add_test(tc, test_by_owner);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ocs_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
