/* check_reverse.c -- unit tests of reverse zones: prefixes, PTRs per view. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "reverse.h"
#include "synth.h"
#include "testconf.h"
#include "zonefile.h"

/* What loading text printed, for the error tests; the config is dropped. */
static char *
load_errors(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *diag = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(diag);
	struct config *cfg = testconf_load_bytes(text, strlen(text), diag, NULL);
	fclose(diag);
	config_free(cfg);
	return buf;
}

static struct config *
load(const char *text)
{
	struct config *cfg = testconf_load(text);

	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

/* The reverse zones of view v, as text: "; NAME" then its records. */
static char *
reverse_text(const struct config *cfg, int v)
{
	struct synth_view sv = { 0 };
	struct zonefiles zf = { NULL, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(reverse_view(cfg, v, 7, &zf, &sv), 0);
	for (size_t z = 0; z < sv.nzones; z++) {
		ldns_rr_list *l = synth_zone_list(&sv.zones[z], ZONEWIRE_ALL);
		ck_assert_ptr_nonnull(l);
		fprintf(f, "; %s\n", sv.zones[z].name);
		ldns_rr_list_print(f, l);
		ldns_rr_list_deep_free(l);
	}
	fclose(f);
	synth_view_clear(&sv);
	return buf;
}

#define DOMAIN \
    "[domain contoso.com]\n" \
    "pool = pool01.contoso.com\n" \
    "access_edge = sip.contoso.com\n"

static const char *split =
    "[view internal]\n"
    "match = 127.0.0.1\n"
    "[view external]\n"
    "match = any\n"
    "scope = external\n"
    DOMAIN
    "[host pool01.contoso.com]\n"
    "address = 10.0.0.10, 2001:db8::10\n"
    "[host pool02.contoso.com]\n"
    "address = 10.0.0.10\n"
    "[host sip.contoso.com]\n"
    "address.internal = 10.0.1.10\n"
    "address.external = 203.0.113.10\n"
    "[host ns1.contoso.com]\n"
    "address = 192.0.2.53\n"
    "[host www.contoso.com]\n"
    "cname = sip.contoso.com\n"
    "[host other.example]\n"
    "address = 192.0.2.99\n";

static char *
with_server(const char *server, const char *rest)
{
	char *text;

	ck_assert_int_ge(asprintf(&text, "[server]\n%s\n%s", server, rest), 0);
	return text;
}

START_TEST(test_names)
{
	struct cfg_prefix p = { .family = AF_INET, .addr = { 10, 1, 2 },
	    .bits = 24 };
	char name[REVERSE_NAME_MAX];

	reverse_name(&p, name, sizeof(name));
	ck_assert_str_eq(name, "2.1.10.in-addr.arpa");
	p.bits = 8;
	reverse_name(&p, name, sizeof(name));
	ck_assert_str_eq(name, "10.in-addr.arpa");
	p.addr[3] = 4;
	p.bits = 32;
	reverse_name(&p, name, sizeof(name));
	ck_assert_str_eq(name, "4.2.1.10.in-addr.arpa");

	struct cfg_prefix q = { .family = AF_INET6,
	    .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x1f }, .bits = 32 };
	reverse_name(&q, name, sizeof(name));
	ck_assert_str_eq(name, "8.b.d.0.1.0.0.2.ip6.arpa");
	q.bits = 36;
	reverse_name(&q, name, sizeof(name));
	ck_assert_str_eq(name, "0.8.b.d.0.1.0.0.2.ip6.arpa");
	q.bits = 128;
	reverse_name(&q, name, sizeof(name));
	ck_assert_str_eq(name, "f.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "8.b.d.0.1.0.0.2.ip6.arpa");
	ck_assert_uint_lt(strlen(name) + 1, REVERSE_NAME_MAX);
}
END_TEST

START_TEST(test_none_by_default)
{
	struct config *cfg = load(split);

	ck_assert_uint_eq(cfg->nreverse_zones, 0);
	char *t = reverse_text(cfg, 0);
	ck_assert_str_eq(t, "");
	free(t);
	config_free(cfg);

	char *text = with_server("reverse_zones = none", split);
	cfg = load(text);
	ck_assert_uint_eq(cfg->nreverse_zones, 0);
	config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_auto_zones)
{
	char *text = with_server("reverse_zones = auto", split);
	struct config *cfg = load(text);
	struct cfg_prefix *z;
	size_t n;
	char name[REVERSE_NAME_MAX];
	static const char *const want[] = {
		"0.0.10.in-addr.arpa", "1.0.10.in-addr.arpa",
		"2.0.192.in-addr.arpa", "113.0.203.in-addr.arpa",
		"0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
	};

	/* In address order; other.example is served by no domain. */
	ck_assert_int_eq(reverse_zones(cfg, &z, &n), 0);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		reverse_name(&z[i], name, sizeof(name));
		ck_assert_str_eq(name, want[i]);
	}
	free(z);
	config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_explicit_prefixes)
{
	char *text = with_server("reverse_zones = 10.0.0.0/16, "
	    "2001:db8::/32, 198.51.100.0/24", split);
	struct config *cfg = load(text);
	char *t = reverse_text(cfg, 0);

	/* 10.0.1.10 is in 10.0.0.0/16 too; 192.0.2.53 in no prefix. */
	ck_assert_ptr_nonnull(strstr(t, "; 0.10.in-addr.arpa\n"
	    "0.10.in-addr.arpa.\t3600\tIN\tSOA\tns1.contoso.com. "
	    "hostmaster.contoso.com. 7 3600 600 604800 300\n"
	    "0.10.in-addr.arpa.\t3600\tIN\tNS\tns1.contoso.com.\n"
	    "10.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\tpool01.contoso.com.\n"
	    "10.1.0.10.in-addr.arpa.\t3600\tIN\tPTR\tsip.contoso.com.\n"));
	ck_assert_ptr_nonnull(strstr(t, "; 8.b.d.0.1.0.0.2.ip6.arpa\n"));
	/* No address outside the prefixes, no empty listed zone. */
	ck_assert_ptr_null(strstr(t, "192.in-addr.arpa"));
	ck_assert_ptr_null(strstr(t, "100.51.198"));
	ck_assert_ptr_null(strstr(t, "other.example"));
	ck_assert_ptr_null(strstr(t, "www.contoso.com"));
	free(t);
	config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_boundaries)
{
	static const struct {
		const char *value, *error;
	} bad[] = {
		{ "10.0.0.0/20", "reverse_zones: 10.0.0.0/20 is not on an octet "
		    "boundary: use /16 or /24" },
		{ "10.0.0.0/4", "reverse_zones: 10.0.0.0/4 has host bits set" },
		{ "0.0.0.0/4", "0.0.0.0/4 is not on an octet boundary: use /8" },
		{ "10.0.0.0/28", "is not on an octet boundary: use /24" },
		{ "10.0.0.1", "10.0.0.1 is one address, not a zone: use its /24" },
		{ "0.0.0.0/0", "is not a reverse zone: use /8, /16 or /24" },
		{ "2001:db8::/50", "2001:db8::/50 is not on a nibble boundary: "
		    "use /48 or /52" },
		{ "2001:db8::/128", "is one address, not a zone: use its /64" },
		{ "any", "any is no prefix" },
		{ "foo", "foo is not an address or prefix" },
		{ "auto, 10.0.0.0/8", "none and auto stand alone" },
		{ "10.0.0.0/8, none", "none and auto stand alone" },
		{ "10.0.0.0/33", "10.0.0.0/33 (prefix length must be 0..32)" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[128];
		snprintf(line, sizeof(line), "reverse_zones = %s", bad[i].value);
		char *text = with_server(line, split);
		char *diag = load_errors(text);
		ck_assert_msg(strstr(diag, ":2: ") != NULL &&
		    strstr(diag, bad[i].error) != NULL,
		    "%s: got '%s'", bad[i].value, diag);
		free(diag);
		free(text);
	}
	/* Every boundary that is one loads. */
	char *text = with_server("reverse_zones = 10.0.0.0/8, 172.16.0.0/16, "
	    "192.168.1.0/24, 2001:db8::/32, fd00::/8, 2001:db9:1::/52", split);
	struct config *cfg = load(text);
	ck_assert_uint_eq(cfg->nreverse_zones, 6);
	config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_overlap)
{
	static const struct {
		const char *value, *error;
	} bad[] = {
		{ "10.0.0.0/8, 10.1.0.0/16", "reverse_zones: 10.1.0.0/16 overlaps "
		    "10.0.0.0/8: one address, one reverse zone" },
		{ "10.1.2.0/24, 10.1.0.0/16", "10.1.0.0/16 overlaps 10.1.2.0/24" },
		{ "10.1.2.0/24, 10.1.2.0/24", "10.1.2.0/24 overlaps 10.1.2.0/24" },
		{ "2001:db8::/32, 2001:db8:1::/48", "2001:db8:1::/48 overlaps "
		    "2001:db8::/32" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[128];
		snprintf(line, sizeof(line), "reverse_zones = %s", bad[i].value);
		char *text = with_server(line, split);
		char *diag = load_errors(text);
		ck_assert_msg(strstr(diag, bad[i].error) != NULL,
		    "%s: got '%s'", bad[i].value, diag);
		free(diag);
		free(text);
	}
	/* Side by side is no overlap. */
	char *text = with_server("reverse_zones = 10.1.0.0/16, 10.2.0.0/16, "
	    "10.3.4.0/24", split);
	struct config *cfg = load(text);
	ck_assert_uint_eq(cfg->nreverse_zones, 3);
	config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_views)
{
	char *text = with_server("reverse_zones = auto", split);
	struct config *cfg = load(text);
	char *in = reverse_text(cfg, 0), *out = reverse_text(cfg, 1);

	/* Inside: the pool's address, the internal edge address. */
	ck_assert_ptr_nonnull(strstr(in, "10.0.0.10.in-addr.arpa.\t3600\tIN\t"
	    "PTR\tpool01.contoso.com.\n"));
	ck_assert_ptr_nonnull(strstr(in, "; 1.0.10.in-addr.arpa\n"));
	ck_assert_ptr_nonnull(strstr(in, "PTR\tsip.contoso.com.\n"));
	ck_assert_ptr_null(strstr(in, "113.0.203"));
	ck_assert_ptr_nonnull(strstr(in, "ip6.arpa.\t3600\tIN\tPTR\t"
	    "pool01.contoso.com.\n"));
	/*
	 * Outside: never the pool's plain addresses, and no zone at all
	 * that would only hold internal ones.
	 */
	ck_assert_ptr_null(strstr(out, "pool01"));
	ck_assert_ptr_null(strstr(out, "1.0.10.in-addr.arpa"));
	ck_assert_ptr_null(strstr(out, "ip6.arpa"));
	ck_assert_ptr_nonnull(strstr(out, "; 113.0.203.in-addr.arpa\n"));
	ck_assert_ptr_nonnull(strstr(out, "10.113.0.203.in-addr.arpa.\t3600\t"
	    "IN\tPTR\tsip.contoso.com.\n"));
	ck_assert_ptr_nonnull(strstr(out, "53.2.0.192.in-addr.arpa.\t3600\tIN\t"
	    "PTR\tns1.contoso.com.\n"));
	free(in);
	free(out);
	config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_shared_address)
{
	char *text = with_server("reverse_zones = auto", split);
	struct config *cfg = load(text);
	char *in = reverse_text(cfg, 0), *out = reverse_text(cfg, 1);

	/* The first host in file order, once. */
	ck_assert_ptr_nonnull(strstr(in, "PTR\tpool01.contoso.com.\n"));
	ck_assert_ptr_null(strstr(in, "pool02"));
	/* The first host that the view sees: outside, pool01 has none. */
	ck_assert_ptr_nonnull(strstr(out, "10.0.0.10.in-addr.arpa.\t3600\tIN\t"
	    "PTR\tpool02.contoso.com.\n"));
	ck_assert_ptr_null(strstr(out, "pool01"));
	free(in);
	free(out);
	config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_soa_and_ttls)
{
	char *text = with_server("reverse_zones = 192.0.2.0/24\nttl = 900\n"
	    "negative_ttl = 60",
	    "[domain fabrikam.com]\n"
	    "pool = pool.fabrikam.com\n"
	    "ns = a.ns.fabrikam.com, b.ns.fabrikam.com\n"
	    "hostmaster = dns@fabrikam.com\n"
	    "ttl = 120\n"
	    "[domain contoso.com]\n"
	    "pool = pool.contoso.com\n"
	    "[host pool.fabrikam.com]\n"
	    "address = 192.0.2.1\n"
	    "[host pool.contoso.com]\n"
	    "address = 192.0.2.2\n");
	struct config *cfg = load(text);
	char *t = reverse_text(cfg, -1);

	ck_assert_str_eq(t, "; 2.0.192.in-addr.arpa\n"
	    "2.0.192.in-addr.arpa.\t900\tIN\tSOA\ta.ns.fabrikam.com. "
	    "dns.fabrikam.com. 7 3600 600 604800 60\n"
	    "2.0.192.in-addr.arpa.\t900\tIN\tNS\ta.ns.fabrikam.com.\n"
	    "2.0.192.in-addr.arpa.\t900\tIN\tNS\tb.ns.fabrikam.com.\n"
	    "1.2.0.192.in-addr.arpa.\t900\tIN\tPTR\tpool.fabrikam.com.\n"
	    "2.2.0.192.in-addr.arpa.\t900\tIN\tPTR\tpool.contoso.com.\n");

	struct synth_view sv = { 0 };
	struct zonefiles zf = { NULL, 0 };
	ck_assert_int_eq(reverse_view(cfg, -1, 7, &zf, &sv), 0);
	ck_assert_uint_eq(sv.zones[0].neg_ttl, 60);
	synth_view_clear(&sv);
	free(t);
	config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_no_domain_no_zones)
{
	struct config *cfg = load("[server]\nreverse_zones = auto\n");
	struct cfg_prefix *z;
	size_t n;

	ck_assert_int_eq(reverse_zones(cfg, &z, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(z);
	config_free(cfg);
}
END_TEST

START_TEST(test_conflicts)
{
	char *text = with_server("reverse_zones = 10.0.0.0/8", split);
	struct config *cfg = load(text);
	struct zonefile files[3] = {
		{ .path = "z/0.10.in-addr.arpa.zone", .origin = "0.10.in-addr.arpa" },
		{ .path = "z/in-addr.arpa.zone", .origin = "in-addr.arpa" },
		{ .path = "z/10.in-addr.arpa.zone", .origin = "10.in-addr.arpa" },
	};
	struct zonefiles zf = { files, 3 };
	char *buf = NULL;
	size_t len = 0;
	FILE *diag = open_memstream(&buf, &len);

	ck_assert_int_eq(reverse_check(cfg, &zf, diag), -1);
	fclose(diag);
	ck_assert_ptr_nonnull(strstr(buf, "z/0.10.in-addr.arpa.zone: zone "
	    "0.10.in-addr.arpa lies inside reverse zone 10.in-addr.arpa"));
	ck_assert_ptr_nonnull(strstr(buf, "z/in-addr.arpa.zone: zone "
	    "in-addr.arpa holds reverse zone 10.in-addr.arpa"));
	/* The file for the zone itself joins it. */
	ck_assert_ptr_null(strstr(buf, "z/10.in-addr.arpa.zone"));
	free(buf);

	/* A file for the zone brings it into a view without PTRs. */
	struct synth_view sv = { 0 };
	struct zonefiles one = { &files[2], 1 };
	ck_assert_int_eq(reverse_view(cfg, 1, 7, &one, &sv), 0);
	ck_assert_uint_eq(sv.nzones, 1);
	ck_assert_str_eq(sv.zones[0].name, "10.in-addr.arpa");
	synth_view_clear(&sv);
	config_free(cfg);
	free(text);

	text = with_server("reverse_zones = 10.0.0.0/8",
	    "[domain 0.10.in-addr.arpa]\npool = p.0.10.in-addr.arpa\n"
	    "[host p.0.10.in-addr.arpa]\naddress = 10.0.0.1\n");
	cfg = load(text);
	buf = NULL;
	diag = open_memstream(&buf, &len);
	struct zonefiles none = { NULL, 0 };
	ck_assert_int_eq(reverse_check(cfg, &none, diag), -1);
	fclose(diag);
	ck_assert_ptr_nonnull(strstr(buf, ":2: reverse_zones: reverse zone "
	    "10.in-addr.arpa overlaps SIP domain 0.10.in-addr.arpa"));
	free(buf);
	config_free(cfg);
	free(text);
}
END_TEST

static Suite *
reverse_suite(void)
{
	Suite *s = suite_create("reverse");
	TCase *tc = tcase_create("zones");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_none_by_default);
	tcase_add_test(tc, test_auto_zones);
	tcase_add_test(tc, test_explicit_prefixes);
	tcase_add_test(tc, test_boundaries);
	tcase_add_test(tc, test_overlap);
	tcase_add_test(tc, test_views);
	tcase_add_test(tc, test_shared_address);
	tcase_add_test(tc, test_soa_and_ttls);
	tcase_add_test(tc, test_no_domain_no_zones);
	tcase_add_test(tc, test_conflicts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reverse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
