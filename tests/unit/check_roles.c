/* check_roles.c -- unit tests of the server role sections and what they make. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "config.h"
#include "snapshot.h"
#include "synth.h"
#include "testconf.h"
#include "view.h"

static char *diag;
static unsigned nwarn;

/* text loaded; diag holds what it said (without the temporary path). */
static struct config *
load(const char *text)
{
	size_t len;

	free(diag);		/* refused() loads many times in one test */
	FILE *fp = open_memstream(&diag, &len);

	ck_assert_ptr_nonnull(fp);
	struct config *cfg = testconf_load_bytes(text, strlen(text), fp, &nwarn);
	fclose(fp);
	return cfg;
}

static void
teardown(void)
{
	free(diag);
	diag = NULL;
}

/* The file fails to load with a message that has ":LINE: " and want. */
static void
refused(const char *text, int line, const char *want)
{
	char at[32];

	ck_assert_ptr_null(load(text));
	snprintf(at, sizeof(at), ":%d: ", line);
	ck_assert_msg(strstr(diag, at) != NULL && strstr(diag, want) != NULL,
	    "wanted line %d and '%s', got:\n%s", line, want, diag);
}

static const struct cfg_host *
host(const struct config *cfg, const char *name)
{
	const struct cfg_host *h = config_host(cfg, name);

	ck_assert_msg(h != NULL, "no host %s", name);
	return h;
}

#define VIEWS \
	"[view internal]\nmatch = 127.0.0.1\n" \
	"[view external]\nmatch = any\nscope = external\n"

static const char lab[] =
    "[server]\nocs_version = r2\n" VIEWS
    "[domain contoso.com]\npool = pool01\nedge = edge01\n"
    "[domain fabrikam.com]\npool = pool01\nedge = edge01\n"
    "director = dir01\nsignin = director\n"
    "[pool pool01]\nedition = enterprise\nfqdn = pool01.contoso.com\n"
    "address = 10.0.0.10\nfront_end.fe01.contoso.com = 10.0.0.11\n"
    "web_farm = web.contoso.com\nweb_farm_address = 10.0.0.13\n"
    "[director dir01]\nfqdn = dir01.contoso.com\naddress = 10.0.0.20\n"
    "[edge edge01]\ninternal_fqdn = edge.contoso.com\n"
    "internal_address = 172.16.0.1\naccess_edge = sip.contoso.com\n"
    "access_edge_address = 203.0.113.10\n"
    "[cwa cwa01]\nfqdn = cwa.contoso.com\naddress = 10.0.0.30\n";

START_TEST(test_scopes)
{
	struct config *cfg = load(lab);

	ck_assert_msg(cfg != NULL, "%s", diag);
	ck_assert_int_eq(host(cfg, "pool01.contoso.com")->scope,
	    CFG_SCOPE_INTERNAL);
	ck_assert_int_eq(host(cfg, "fe01.contoso.com")->scope,
	    CFG_SCOPE_INTERNAL);
	ck_assert_int_eq(host(cfg, "edge.contoso.com")->scope,
	    CFG_SCOPE_INTERNAL);
	ck_assert_int_eq(host(cfg, "sip.contoso.com")->scope,
	    CFG_SCOPE_EXTERNAL);
	/* internal view 0 sees the pool, not the edge's external name */
	const struct cfg_host *p = host(cfg, "pool01.contoso.com");
	const struct cfg_host *e = host(cfg, "sip.contoso.com");
	ck_assert(view_host_visible(cfg, 0, p));
	ck_assert(!view_host_visible(cfg, 1, p));
	ck_assert(!view_host_visible(cfg, 0, e));
	ck_assert(view_host_visible(cfg, 1, e));
	config_free(cfg);
}
END_TEST

START_TEST(test_shared_pool_names)
{
	struct config *cfg = load(lab);

	ck_assert_msg(cfg != NULL, "%s", diag);
	const struct cfg_domain *c = config_domain(cfg, "contoso.com");
	const struct cfg_domain *f = config_domain(cfg, "fabrikam.com");
	ck_assert_str_eq(c->pool.v[0].name, "pool01.contoso.com");
	ck_assert_str_eq(c->access_edge.v[0].name, "sip.contoso.com");
	/* fabrikam signs in through the Director, under names of its own */
	ck_assert_str_eq(f->pool.v[0].name, "dir01.fabrikam.com");
	ck_assert_str_eq(f->access_edge.v[0].name, "sip.fabrikam.com");
	const struct cfg_host *copy = host(cfg, "sip.fabrikam.com");
	const struct cfg_host *orig = host(cfg, "sip.contoso.com");
	ck_assert_int_eq(copy->copy_of, (int)(orig - cfg->hosts));
	ck_assert_int_eq(copy->scope, CFG_SCOPE_EXTERNAL);
	ck_assert_uint_eq(copy->naddrs, 1);
	ck_assert_ptr_null(copy->cname);	/* A records, never a CNAME */
	/* Device Update (R2) on the web farm, in each domain */
	ck_assert_uint_eq(host(cfg, "ucupdates-r2.contoso.com")->addrs[0].u.v4.s_addr,
	    host(cfg, "web.contoso.com")->addrs[0].u.v4.s_addr);
	ck_assert_ptr_nonnull(config_host(cfg, "ucupdates-r2.fabrikam.com"));
	ck_assert_ptr_null(config_host(cfg, "ucupdates.contoso.com"));
	/* R2 CWA desktop sharing aliases */
	ck_assert_str_eq(host(cfg, "as.cwa.contoso.com")->cname,
	    "cwa.contoso.com");
	ck_assert_str_eq(host(cfg, "download.cwa.contoso.com")->cname,
	    "cwa.contoso.com");
	config_free(cfg);
}
END_TEST

START_TEST(test_names_given)
{
	struct config *cfg = load(
	    "[domain contoso.com]\npool = pool01\n"
	    "[domain fabrikam.com]\npool = pool01\npool_name = fe.fabrikam.com\n"
	    "device_update = no\n"
	    "[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n");

	ck_assert_msg(cfg != NULL, "%s", diag);
	ck_assert_str_eq(config_domain(cfg, "fabrikam.com")->pool.v[0].name,
	    "fe.fabrikam.com");
	ck_assert_ptr_nonnull(config_host(cfg, "ucupdates.contoso.com"));
	ck_assert_ptr_null(config_host(cfg, "ucupdates.fabrikam.com"));
	config_free(cfg);
}
END_TEST

/* The internal view has no SRV to the edge's external-only name. */
START_TEST(test_no_srv_to_unseen_target)
{
	struct config *cfg = load(lab);
	struct synth_view in, out;

	ck_assert_msg(cfg != NULL, "%s", diag);
	ck_assert_int_eq(synth_view(cfg, 0, 1, &in), 0);
	ck_assert_int_eq(synth_view(cfg, 1, 1, &out), 0);
	ldns_rr_list *lin = synth_zone_list(&in.zones[0], ZONEWIRE_ZONE);
	ldns_rr_list *lout = synth_zone_list(&out.zones[0], ZONEWIRE_ZONE);
	char *tin = ldns_rr_list2str(lin);
	char *tout = ldns_rr_list2str(lout);
	ldns_rr_list_deep_free(lin);
	ldns_rr_list_deep_free(lout);
	ck_assert_ptr_null(strstr(tin, "_sip._tls"));
	ck_assert_ptr_nonnull(strstr(tin, "_sipinternaltls._tcp.contoso.com."));
	ck_assert_ptr_nonnull(strstr(tout, "_sip._tls.contoso.com."));
	ck_assert_ptr_null(strstr(tout, "pool01"));
	ck_assert_ptr_null(strstr(tout, "10.0.0."));
	free(tin);
	free(tout);
	synth_view_clear(&in);
	synth_view_clear(&out);
	config_free(cfg);
}
END_TEST

START_TEST(test_errors)
{
	refused("[domain contoso.com]\npool = pool1\n", 2,
	    "pool = pool1: no [pool pool1] is defined, and pool1 is not a "
	    "fully qualified name (did you mean pool1.contoso.com?)");
	refused("[domain contoso.com]\naccess_edge = sip\n", 2,
	    "access_edge = sip is not a fully qualified name");
	refused("[domain contoso.com]\npool = p\n[pool p]\naddress = 10.0.0.1\n",
	    3, "[pool p] needs fqdn (the pool's FQDN)");
	refused("[domain contoso.com]\npool = p\n[pool p]\n"
	    "fqdn = p.contoso.com\n", 4,
	    "fqdn p.contoso.com has no address: add address in [pool p]");
	refused("[domain contoso.com]\npool = p\n[pool p]\n"
	    "fqdn = p.contoso.com\naddress = 10.0.0.1\nedition = big\n", 6,
	    "edition: 'big' is not one of standard or enterprise");
	refused("[domain contoso.com]\npool = p\n[pool p]\n"
	    "fqdn = p.contoso.com\naddress = 10.0.0.1\n"
	    "[host p.contoso.com]\naddress = 10.0.0.2\n", 4,
	    "p.contoso.com is named twice: by [pool p] and by "
	    "[host p.contoso.com] (line 6)");
	refused("[domain contoso.com]\npool = p.contoso.com\ndirector = d\n", 3,
	    "director = d: no [director d] is defined");
	refused("[domain contoso.com]\npool = p.contoso.com\nsignin = director\n"
	    "[host p.contoso.com]\naddress = 10.0.0.1\n", 3,
	    "signin = director needs director = NAME in [domain contoso.com]");
	refused("[domain contoso.com]\nedge = e\n[edge e]\n"
	    "internal_fqdn = e.contoso.com\ninternal_address = 172.16.0.1\n"
	    "webconf_edge = w.contoso.com\nwebconf_edge_address = 192.0.2.1\n",
	    2, "edge = e: [edge e] has no access_edge");
	refused("[domain contoso.com]\nedge = e\n[edge e]\n"
	    "internal_fqdn = e.contoso.com\ninternal_address = 172.16.0.1\n", 3,
	    "[edge e] has no external FQDN");
	refused("[domain contoso.com]\nedge = e\n[edge e]\n"
	    "internal_fqdn = e.contoso.com\ninternal_address = 172.16.0.1\n"
	    "access_edge = sip.contoso.com\naccess_edge_address = 192.0.2.1\n"
	    "next_hop = nowhere\n", 8,
	    "next_hop = nowhere: no [pool nowhere] or [director nowhere]");
	refused("[domain contoso.com]\npool = p\n[pool p]\n"
	    "fqdn = p.contoso.com\naddress = 10.0.0.1\nedition = enterprise\n"
	    "front_end.f.contoso.com = 10.0.0.2\n"
	    "front_end.f.contoso.com = 10.0.0.3\n", 8,
	    "front_end.f.contoso.com: server f.contoso.com repeated (first on "
	    "line 7)");
	refused("[domain contoso.com]\npool = p\n[pool p]\n[pool p]\n", 4,
	    "duplicate [pool p] (first on line 3)");
	refused("[domain contoso.com]\npool = p\npool_name = p.fabrikam.com\n"
	    "[pool p]\nfqdn = p.fabrikam.com\naddress = 10.0.0.1\n", 2,
	    "pool_name = p.fabrikam.com is outside the SIP domain contoso.com");
	refused("[domain contoso.com]\npool = p\n[pool p]\n"
	    "fqdn = p.contoso.com\naddress = 10.0.0.1\nbogus = 1\n", 6,
	    "unknown key 'bogus' in [pool]");
}
END_TEST

START_TEST(test_warnings)
{
	struct config *cfg = load("[domain contoso.com]\npool = p\n[pool p]\n"
	    "fqdn = p.contoso.com\naddress = 10.0.0.1\n"
	    "front_end.f.contoso.com = 10.0.0.2\n");

	ck_assert_msg(cfg != NULL, "%s", diag);
	ck_assert_msg(strstr(diag, ":6: warning: front_end.f.contoso.com: a "
	    "Standard Edition server has no other servers (set edition = "
	    "enterprise)") != NULL, "%s", diag);
	ck_assert_uint_eq(nwarn, 1);
	config_free(cfg);
}
END_TEST

START_TEST(test_publish_inside_arrays)
{
	struct config *cfg = load(VIEWS
	    "[domain contoso.com]\npool = p\ndirector = d\nsignin = director\n"
	    "edge = e\n"
	    "[pool p]\nedition = enterprise\ntopology = expanded\n"
	    "fqdn = p.contoso.com\naddress = 10.0.0.1\n"
	    "webconf_server.wc.contoso.com = 10.0.0.5\n"
	    "av_server.av1.contoso.com = 10.0.0.6\n"
	    "[director d]\nfqdn = d.contoso.com\naddress = 10.0.0.20\n"
	    "server.d1.contoso.com = 10.0.0.21\n"
	    "server.d2.contoso.com = 10.0.0.22\n"
	    "[edge e]\ninternal_fqdn = e.contoso.com\n"
	    "internal_address = 172.16.0.1\naccess_edge = sip.contoso.com\n"
	    "access_edge_address = 203.0.113.10\npublish_inside = yes\n"
	    "[reverse_proxy r]\nfqdn = rp.contoso.com\naddress = 203.0.113.20\n");

	ck_assert_msg(cfg != NULL, "%s", diag);
	ck_assert_uint_eq(nwarn, 0);
	/* the array's Directors and the conferencing servers: inside only */
	const char *inside[] = { "d1.contoso.com", "d2.contoso.com",
	    "wc.contoso.com", "av1.contoso.com" };
	for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++) {
		const struct cfg_host *h = host(cfg, inside[i]);
		ck_assert(view_host_visible(cfg, 0, h));
		ck_assert(!view_host_visible(cfg, 1, h));
	}
	/* publish_inside: the edge's external name in both views ... */
	const struct cfg_host *e = host(cfg, "sip.contoso.com");
	ck_assert_int_eq(e->scope, CFG_SCOPE_ANY);
	ck_assert(view_host_visible(cfg, 0, e));
	ck_assert(view_host_visible(cfg, 1, e));
	/* ... but not the reverse proxy's, which does not say so */
	const struct cfg_host *r = host(cfg, "rp.contoso.com");
	ck_assert(!view_host_visible(cfg, 0, r));
	ck_assert(view_host_visible(cfg, 1, r));
	/* signin = director: the SRV target is the Director's VIP name */
	ck_assert_str_eq(config_domain(cfg, "contoso.com")->pool.v[0].name,
	    "d.contoso.com");
	config_free(cfg);
}
END_TEST

START_TEST(test_consolidated_has_no_conferencing_servers)
{
	struct config *cfg = load("[domain contoso.com]\npool = p\n[pool p]\n"
	    "edition = enterprise\nfqdn = p.contoso.com\naddress = 10.0.0.1\n"
	    "av_server.av1.contoso.com = 10.0.0.6\n");

	ck_assert_msg(cfg != NULL, "%s", diag);
	ck_assert_msg(strstr(diag, ":7: warning: av_server: a consolidated pool "
	    "has no separate conferencing servers (set topology = expanded)")
	    != NULL, "%s", diag);
	config_free(cfg);
}
END_TEST

/* Every file that loaded before loads the same: no role, no new host. */
START_TEST(test_plain_config_unchanged)
{
	struct config *cfg = load("[domain contoso.com]\n"
	    "pool = pool01.contoso.com\n[host pool01.contoso.com]\n"
	    "address = 10.0.0.1\n");

	ck_assert_msg(cfg != NULL, "%s", diag);
	ck_assert_uint_eq(cfg->nhosts, 1);
	ck_assert_uint_eq(cfg->nroles, 0);
	ck_assert_int_eq(cfg->hosts[0].scope, CFG_SCOPE_ANY);
	ck_assert_int_eq(cfg->hosts[0].role, -1);
	config_free(cfg);
}
END_TEST

static Suite *
roles_suite(void)
{
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("roles");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_scopes);
	tcase_add_test(tc, test_shared_pool_names);
	tcase_add_test(tc, test_names_given);
	tcase_add_test(tc, test_no_srv_to_unseen_target);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_warnings);
	tcase_add_test(tc, test_publish_inside_arrays);
	tcase_add_test(tc, test_consolidated_has_no_conferencing_servers);
	tcase_add_test(tc, test_plain_config_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(roles_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
