/* check_plan.c -- ocsdns-plan: the certificate rules and the port rules. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "testconf.h"

/* --- helpers ------------------------------------------------------------ */

static struct config *cfg;
static struct plan_certs certs;

static void
load(const char *ini)
{
	cfg = testconf_load(ini);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(plan_certs_build(cfg, &certs), 0);
}

static void
teardown(void)
{
	plan_certs_free(&certs);
	config_free(cfg);
	cfg = NULL;
}

/* The certificate of rule w with this subject; fails the test if none. */
static const struct plan_cert *
cert(enum plan_cert_when w, const char *subject)
{
	for (size_t i = 0; i < certs.n; i++)
		if (certs.v[i].rule == w && strcmp(certs.v[i].subject, subject) == 0)
			return &certs.v[i];
	ck_abort_msg("no %s certificate for %s", plan_cert_rules[w].name,
	    subject);
	return NULL;
}

static size_t
count(enum plan_cert_when w)
{
	size_t n = 0;
	for (size_t i = 0; i < certs.n; i++)
		n += certs.v[i].rule == w;
	return n;
}

/* c's SANs are exactly the space-separated names of want, in order. */
static void
sans_are(const struct plan_cert *c, const char *want)
{
	char buf[2048] = "";
	for (size_t i = 0; i < c->nsans; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, c->sans[i]);
	}
	ck_assert_str_eq(buf, want);
}

#define DOMAINS \
	"[domain contoso.com]\npool = pool01\nedge = edge01\nfederation = yes\n" \
	"[domain fabrikam.com]\npool = pool01\nedge = edge01\n"
#define EDGE \
	"[edge edge01]\ninternal_fqdn = edge01.contoso.com\n" \
	"internal_address = 172.16.0.10\naccess_edge = sip.contoso.com\n" \
	"access_edge_address = 203.0.113.10\n" \
	"webconf_edge = webconf.contoso.com\n" \
	"webconf_edge_address = 203.0.113.11\nav_edge = av.contoso.com\n" \
	"av_edge_address = 203.0.113.12\nnext_hop = pool01\n"

/* --- certificate rules -------------------------------------------------- */

START_TEST(standard_edition)
{
	load("[domain contoso.com]\npool = pool01\n"
	    "[domain fabrikam.com]\npool = pool01\n"
	    "[pool pool01]\nedition = standard\nfqdn = se01.contoso.com\n"
	    "address = 10.0.0.10\n");
	const struct plan_cert *c = cert(PLAN_CERT_STANDARD, "se01.contoso.com");
	/*
	 * Its names in each domain (Device Update is on its Web Components
	 * too); two SIP domains sign in to it: each one's sip.<domain>.
	 */
	sans_are(c, "se01.contoso.com ucupdates.contoso.com se01.fabrikam.com "
	    "ucupdates.fabrikam.com sip.contoso.com sip.fabrikam.com");
	ck_assert_str_eq(c->ca, "enterprise CA");
	ck_assert_str_eq(c->eku, "server authentication");
	ck_assert_ptr_nonnull(strstr(c->assigned, "IIS"));
}
END_TEST

START_TEST(standard_edition_one_domain)
{
	load("[domain contoso.com]\npool = pool01\n"
	    "[pool pool01]\nedition = standard\nfqdn = se01.contoso.com\n"
	    "address = 10.0.0.10\n");
	/* One domain without fallback: no sip.<domain> to add. */
	sans_are(cert(PLAN_CERT_STANDARD, "se01.contoso.com"),
	    "se01.contoso.com ucupdates.contoso.com");
}
END_TEST

START_TEST(consolidated_pool)
{
	load(DOMAINS "[pool pool01]\nedition = enterprise\n"
	    "fqdn = pool01.contoso.com\naddress = 10.0.0.10\n"
	    "front_end.fe01.contoso.com = 10.0.0.11\n"
	    "front_end.fe02.contoso.com = 10.0.0.12\n"
	    "web_farm = web.contoso.com\nweb_farm_address = 10.0.0.13\n" EDGE);
	const struct plan_cert *c = cert(PLAN_CERT_CONSOLIDATED,
	    "pool01.contoso.com");
	sans_are(c, "pool01.contoso.com pool01.fabrikam.com web.contoso.com "
	    "ucupdates.contoso.com ucupdates.fabrikam.com sip.contoso.com "
	    "sip.fabrikam.com");
	/* On every server of the pool. */
	ck_assert_ptr_nonnull(strstr(c->assigned, "fe01.contoso.com"));
	ck_assert_ptr_nonnull(strstr(c->assigned, "fe02.contoso.com"));
	ck_assert_uint_eq(count(PLAN_CERT_EXPANDED), 0);
}
END_TEST

START_TEST(expanded_pool)
{
	load("[domain contoso.com]\npool = pool01\n"
	    "[pool pool01]\nedition = enterprise\ntopology = expanded\n"
	    "fqdn = pool01.contoso.com\naddress = 10.0.0.10\n"
	    "front_end.fe01.contoso.com = 10.0.0.11\n"
	    "webconf_server.wc01.contoso.com = 10.0.0.14\n"
	    "av_server.av01.contoso.com = 10.0.0.15\n"
	    "web_farm = web.contoso.com\nweb_farm_address = 10.0.0.13\n");
	/* Front End, Web Conferencing, A/V Conferencing: the pool FQDN. */
	const struct plan_cert *c = cert(PLAN_CERT_EXPANDED, "pool01.contoso.com");
	sans_are(c, "pool01.contoso.com");
	ck_assert_ptr_nonnull(strstr(c->assigned, "wc01.contoso.com"));
	ck_assert_ptr_nonnull(strstr(c->assigned, "av01.contoso.com"));
	/* Web Components: the web farm's VIP FQDN. */
	c = cert(PLAN_CERT_EXPANDED_WEB, "web.contoso.com");
	sans_are(c, "web.contoso.com ucupdates.contoso.com");
	ck_assert_ptr_nonnull(strstr(c->assigned, "IIS"));
}
END_TEST

START_TEST(director)
{
	load("[domain contoso.com]\npool = pool01\ndirector = dir01\n"
	    "signin = director\nfallback = yes\n"
	    "[domain fabrikam.com]\npool = pool01\ndirector = dir01\n"
	    "signin = director\n"
	    "[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n"
	    "[director dir01]\nfqdn = dir01.contoso.com\naddress = 10.0.0.20\n");
	const struct plan_cert *c = cert(PLAN_CERT_DIRECTOR, "dir01.contoso.com");
	/* Clients sign in through it: the SIP domains in the SAN. */
	sans_are(c, "dir01.contoso.com dir01.fabrikam.com sip.contoso.com "
	    "sip.fabrikam.com");
	ck_assert_str_eq(c->ca, "enterprise CA");
	/* The pool signs no one in: no sip.<domain> there. */
	sans_are(cert(PLAN_CERT_STANDARD, "pool01.contoso.com"),
	    "pool01.contoso.com ucupdates.contoso.com pool01.fabrikam.com "
	    "ucupdates.fabrikam.com");
}
END_TEST

START_TEST(director_array)
{
	load("[domain contoso.com]\npool = pool01\ndirector = dirs\n"
	    "signin = director\n"
	    "[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n"
	    "[director dirs]\nfqdn = dirvip.contoso.com\naddress = 10.0.0.20\n"
	    "server.dir01.contoso.com = 10.0.0.21\n"
	    "server.dir02.contoso.com = 10.0.0.22\n");
	ck_assert_uint_eq(count(PLAN_CERT_DIRECTOR_ARRAY), 2);
	ck_assert_uint_eq(count(PLAN_CERT_DIRECTOR), 0);
	/* The server in the subject, server and VIP in the SAN. */
	sans_are(cert(PLAN_CERT_DIRECTOR_ARRAY, "dir01.contoso.com"),
	    "dir01.contoso.com dirvip.contoso.com");
	sans_are(cert(PLAN_CERT_DIRECTOR_ARRAY, "dir02.contoso.com"),
	    "dir02.contoso.com dirvip.contoso.com");
}
END_TEST

START_TEST(edge_roles)
{
	load(DOMAINS "[pool pool01]\nfqdn = pool01.contoso.com\n"
	    "address = 10.0.0.10\n" EDGE);
	const struct plan_cert *c = cert(PLAN_CERT_EDGE_INTERNAL,
	    "edge01.contoso.com");
	sans_are(c, "edge01.contoso.com");
	ck_assert_str_eq(c->ca, "enterprise CA");
	/* Federation on: a public CA; the other domain's sip. name too. */
	c = cert(PLAN_CERT_ACCESS_EDGE, "sip.contoso.com");
	sans_are(c, "sip.contoso.com sip.fabrikam.com");
	ck_assert_str_eq(c->ca, "public CA");
	c = cert(PLAN_CERT_WEBCONF_EDGE, "webconf.contoso.com");
	sans_are(c, "webconf.contoso.com");
	ck_assert_str_eq(c->ca, "public CA");
	/* The A/V Edge: its authentication certificate only. */
	c = cert(PLAN_CERT_AV_AUTH, "av.contoso.com");
	ck_assert_ptr_nonnull(strstr(c->notes, "same issuer and private key"));
	ck_assert_uint_eq(certs.n, 5);
}
END_TEST

START_TEST(edge_without_federation)
{
	load("[domain contoso.com]\npool = pool01\nedge = edge01\n"
	    "[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n"
	    EDGE);
	const struct plan_cert *c = cert(PLAN_CERT_ACCESS_EDGE,
	    "sip.contoso.com");
	ck_assert_ptr_nonnull(strstr(c->ca, "enterprise CA possible"));
}
END_TEST

START_TEST(reverse_proxy)
{
	load("[domain contoso.com]\npool = pool01\n"
	    "[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n"
	    "[reverse_proxy rp01]\nfqdn = ext-web.contoso.com\n"
	    "address = 203.0.113.20\n");
	const struct plan_cert *c = cert(PLAN_CERT_REVERSE_PROXY,
	    "ext-web.contoso.com");
	sans_are(c, "ext-web.contoso.com");
	ck_assert_str_eq(c->ca, "public CA");
}
END_TEST

START_TEST(every_rule_has_text)
{
	for (size_t i = 0; i < PLAN_NCERT_RULES; i++) {
		ck_assert_ptr_nonnull(plan_cert_rules[i].name);
		ck_assert_ptr_nonnull(plan_cert_rules[i].assigned);
		ck_assert_ptr_nonnull(plan_cert_rules[i].notes);
		ck_assert_ptr_nonnull(ocs_roles[plan_cert_rules[i].kind].names[
		    plan_cert_rules[i].subject].key);
	}
}
END_TEST

/* --- port rules --------------------------------------------------------- */

static struct plan plan;

static void
firewall(const char *ini)
{
	cfg = testconf_load(ini);
	ck_assert_ptr_nonnull(cfg);
	memset(&plan, 0, sizeof(plan));
	plan.cfg = cfg;
	ck_assert_int_eq(plan_firewall(&plan), 0);
}

static void
fw_teardown(void)
{
	plan_table_free(&plan.t[PLAN_FIREWALL]);
	config_free(cfg);
	cfg = NULL;
}

/* Rows whose firewall, direction, port and transport match (NULL: any). */
static size_t
rows(const char *fw, const char *dir, const char *port, const char *transport)
{
	const struct plan_table *t = &plan.t[PLAN_FIREWALL];
	size_t n = 0;
	for (size_t r = 0; r < t->nrows; r++)
		n += (fw == NULL || strcmp(plan_cell(t, r, 0), fw) == 0) &&
		    (dir == NULL || strcmp(plan_cell(t, r, 1), dir) == 0) &&
		    strcmp(plan_cell(t, r, 8), port) == 0 &&
		    (transport == NULL || strcmp(plan_cell(t, r, 9), transport) == 0);
	return n;
}

#define LAB(version) "[server]\nocs_version = " version "\n" DOMAINS \
	"[pool pool01]\nedition = enterprise\nfqdn = pool01.contoso.com\n" \
	"address = 10.0.0.10\nfront_end.fe01.contoso.com = 10.0.0.11\n" \
	"front_end.fe02.contoso.com = 10.0.0.12\n" EDGE \
	"[reverse_proxy rp01]\nfqdn = ext-web.contoso.com\n" \
	"address = 203.0.113.20\n"

START_TEST(ports_of_the_table)
{
	firewall(LAB("2007"));
	/* Every port of the field note's table, where its role exists. */
	static const char *const ports[] = { "5060", "5061", "443", "444",
	    "135", "8057", "5063", "49152-65535", "3478", "5062",
	    "50000-59999", "1024-65535", "6891-6901" };
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		ck_assert_msg(rows(NULL, NULL, ports[i], NULL) > 0, "no rule for "
		    "port %s", ports[i]);
	ck_assert_uint_gt(rows("external", "inbound", "3478", "UDP"), 0);
	ck_assert_uint_gt(rows("internal", "outbound", "5062", "TCP"), 0);
	/* The reverse proxy: from the Internet, and on to the web farm. */
	ck_assert_uint_gt(rows("external", "inbound", "443", "TCP"), 0);
}
END_TEST

START_TEST(port_8057_internal_only)
{
	firewall(LAB("r2"));
	ck_assert_uint_eq(rows("external", NULL, "8057", NULL), 0);
	/* From each server running Web Conferencing: the two front ends. */
	ck_assert_uint_eq(rows("internal", "outbound", "8057", "TCP"), 2);
}
END_TEST

START_TEST(media_range_2007_and_r2)
{
	firewall(LAB("2007"));
	ck_assert_uint_eq(rows("external", "inbound", "50000-59999", NULL), 1);
	ck_assert_uint_eq(rows("external", "outbound", "50000-59999", NULL), 1);
	ck_assert_uint_eq(rows("external", NULL, "50000-59999", "TCP/UDP"), 2);
	fw_teardown();
	firewall(LAB("r2"));
	/* R2: RTP/TCP outbound only (both ways only with 2007 partners). */
	ck_assert_uint_eq(rows("external", "inbound", "50000-59999", NULL), 0);
	ck_assert_uint_eq(rows("external", "outbound", "50000-59999", "TCP"),
	    1);
}
END_TEST

START_TEST(federation_5061)
{
	firewall(LAB("r2"));
	ck_assert_uint_eq(rows("external", "inbound", "5061", NULL), 1);
	ck_assert_uint_eq(rows("external", "outbound", "5061", NULL), 1);
	fw_teardown();
	firewall("[domain contoso.com]\npool = pool01\nedge = edge01\n"
	    "[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n"
	    EDGE);
	/* No domain federates: no 5061 on the external firewall. */
	ck_assert_uint_eq(rows("external", NULL, "5061", NULL), 0);
	ck_assert_uint_eq(rows("internal", NULL, "5061", NULL), 2);
}
END_TEST

START_TEST(no_edge_no_edge_ports)
{
	firewall("[domain contoso.com]\npool = pool01\n"
	    "[pool pool01]\nfqdn = pool01.contoso.com\naddress = 10.0.0.10\n");
	ck_assert_uint_eq(rows("external", NULL, "443", NULL), 0);
	ck_assert_uint_eq(rows(NULL, NULL, "3478", NULL), 0);
	/* A Standard Edition server: no load balancer, no 135. */
	ck_assert_uint_eq(rows(NULL, NULL, "135", NULL), 0);
}
END_TEST

START_TEST(every_port_rule_complete)
{
	for (size_t i = 0; i < ocs_nport_rules; i++) {
		const struct ocs_port_rule *r = &ocs_port_rules[i];
		ck_assert(strcmp(r->firewall, "internal") == 0 ||
		    strcmp(r->firewall, "external") == 0 ||
		    strcmp(r->firewall, "none") == 0);
		ck_assert(r->port[0] != '\0' && r->transport[0] != '\0');
		ck_assert(r->protocol[0] != '\0' && r->purpose[0] != '\0');
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("plan");
	TCase *c = tcase_create("certificates");
	tcase_add_checked_fixture(c, NULL, teardown);
	tcase_add_test(c, standard_edition);
	tcase_add_test(c, standard_edition_one_domain);
	tcase_add_test(c, consolidated_pool);
	tcase_add_test(c, expanded_pool);
	tcase_add_test(c, director);
	tcase_add_test(c, director_array);
	tcase_add_test(c, edge_roles);
	tcase_add_test(c, edge_without_federation);
	tcase_add_test(c, reverse_proxy);
	tcase_add_test(c, every_rule_has_text);
	suite_add_tcase(s, c);
	TCase *f = tcase_create("ports");
	tcase_add_checked_fixture(f, NULL, fw_teardown);
	tcase_add_test(f, ports_of_the_table);
	tcase_add_test(f, port_8057_internal_only);
	tcase_add_test(f, media_range_2007_and_r2);
	tcase_add_test(f, federation_5061);
	tcase_add_test(f, no_edge_no_edge_ports);
	tcase_add_test(f, every_port_rule_complete);
	suite_add_tcase(s, f);
	return s;
}

int
main(void)
{
	SRunner *r = srunner_create(suite());
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
