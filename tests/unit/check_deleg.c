/* check_deleg.c -- child SIP domains: the parent's cut list, DS from the parent. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "snapshot.h"
#include "synth.h"
#include "testconf.h"

/*
 * contoso.com with the child retail.contoso.com, whose NS are one name
 * inside the child with an internal and external address, one inside with
 * an internal address only, and one in the parent (no glue: not below the
 * cut). fabrikam.com is no one's parent nor child.
 */
static const char *conf_text =
    "[view internal]\n"
    "match = 127.0.0.1\n"
    "[view external]\n"
    "match = 127.0.0.2\n"
    "scope = external\n"
    "[domain contoso.com]\n"
    "pool = pool01.contoso.com\n"
    "access_edge = sip.contoso.com\n"
    "[domain retail.contoso.com]\n"
    "pool = pool01.retail.contoso.com\n"
    "access_edge = sip.retail.contoso.com\n"
    "ns = ns1.retail.contoso.com, ns2.retail.contoso.com, ns1.contoso.com\n"
    "ttl = 1200\n"
    "[domain fabrikam.com]\n"
    "pool = pool01.fabrikam.com\n"
    "access_edge = sip.fabrikam.com\n"
    "[host pool01.contoso.com]\n"
    "address = 10.0.0.10\n"
    "[host sip.contoso.com]\n"
    "address = 203.0.113.10\n"
    "[host ns1.contoso.com]\n"
    "address = 192.0.2.53\n"
    "[host pool01.retail.contoso.com]\n"
    "address = 10.1.0.10\n"
    "[host ns1.retail.contoso.com]\n"
    "address.internal = 10.1.0.2\n"
    "address.external = 203.0.113.2, 2001:db8::2\n"
    "[host ns2.retail.contoso.com]\n"
    "address.internal = 10.1.0.3\n"
    "[host sip.retail.contoso.com]\n"
    "address = 203.0.113.11\n"
    "[host pool01.fabrikam.com]\n"
    "address = 10.2.0.10\n"
    "[host sip.fabrikam.com]\n"
    "address = 203.0.113.20\n";

static struct snapshot *snap;
static uint8_t out[DNS_MAX_MESSAGE];

static void
setup(void)
{
	snap = testconf_snapshot(conf_text);
	ck_assert_ptr_nonnull(snap);
}

static void
teardown(void)
{
	snapshot_free(snap);
}

/* --- the cut list ------------------------------------------------------- */

static const struct synth_zone *
zone(size_t v, const char *name)
{
	ck_assert_uint_lt(v, snap->nviews);
	for (size_t z = 0; z < snap->views[v].sv.nzones; z++)
		if (strcmp(snap->views[v].sv.zones[z].name, name) == 0)
			return &snap->views[v].sv.zones[z];
	ck_abort_msg("no zone %s", name);
	return NULL;
}

/* A part of a zone as text, one record a line. The caller frees it. */
static char *
list_text(const struct synth_zone *z, enum zonewire_part part)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ldns_rr_list *l = synth_zone_list(z, part);

	ck_assert_ptr_nonnull(l);
	ldns_rr_list_print(f, l);
	ldns_rr_list_deep_free(l);
	fclose(f);
	return buf;
}

static const char *cut_ns =
    "retail.contoso.com.\t1200\tIN\tNS\tns1.retail.contoso.com.\n"
    "retail.contoso.com.\t1200\tIN\tNS\tns2.retail.contoso.com.\n"
    "retail.contoso.com.\t1200\tIN\tNS\tns1.contoso.com.\n";

START_TEST(test_cut_internal)
{
	char *t = list_text(zone(0, "contoso.com"), ZONEWIRE_CUT);
	char want[1024];

	snprintf(want, sizeof(want), "%s%s", cut_ns,
	    "ns1.retail.contoso.com.\t1200\tIN\tA\t10.1.0.2\n"
	    "ns2.retail.contoso.com.\t1200\tIN\tA\t10.1.0.3\n");
	ck_assert_str_eq(t, want);
	free(t);
}
END_TEST

START_TEST(test_cut_external_only_visible_glue)
{
	char *t = list_text(zone(1, "contoso.com"), ZONEWIRE_CUT);
	char want[1024];

	/* ns2 has only an internal address: no glue for it outside. */
	snprintf(want, sizeof(want), "%s%s", cut_ns,
	    "ns1.retail.contoso.com.\t1200\tIN\tA\t203.0.113.2\n"
	    "ns1.retail.contoso.com.\t1200\tIN\tAAAA\t2001:db8::2\n");
	ck_assert_str_eq(t, want);
	ck_assert_ptr_null(strstr(t, "10.1.0."));
	free(t);
}
END_TEST

START_TEST(test_cut_only_in_parent)
{
	for (size_t v = 0; v < 2; v++) {
		const struct synth_zone *c = zone(v, "retail.contoso.com");
		const struct synth_zone *f = zone(v, "fabrikam.com");
		/* Packed: no ldns record is left in a built snapshot. */
		ck_assert_ptr_null(c->rrs);
		ck_assert_ptr_null(c->cut);
		ck_assert_uint_eq(c->wire.ncut, 0);
		ck_assert_uint_eq(f->wire.ncut, 0);
		/* The zone's own records do not take the delegation. */
		char *t = list_text(zone(v, "contoso.com"), ZONEWIRE_ZONE);
		ck_assert_ptr_null(strstr(t, "retail"));
		free(t);
	}
}
END_TEST

START_TEST(test_cut_counted)
{
	size_t n = 0;

	for (size_t v = 0; v < snap->nviews; v++)
		for (size_t z = 0; z < snap->views[v].sv.nzones; z++) {
			const struct synth_zone *zn = &snap->views[v].sv.zones[z];
			n += zn->wire.nrrs + zn->wire.ncut;
		}
	ck_assert_uint_eq(snapshot_nrecords(snap), n);
}
END_TEST

/* A grandchild: each parent carries its own child only. */
START_TEST(test_cut_grandchild)
{
	struct snapshot *s = testconf_snapshot(
	    "[domain contoso.com]\n"
	    "pool = pool01.contoso.com\n"
	    "[domain retail.contoso.com]\n"
	    "pool = pool01.retail.contoso.com\n"
	    "[domain east.retail.contoso.com]\n"
	    "pool = pool01.east.retail.contoso.com\n"
	    "[host pool01.contoso.com]\n"
	    "address = 10.0.0.10\n"
	    "[host pool01.retail.contoso.com]\n"
	    "address = 10.1.0.10\n"
	    "[host pool01.east.retail.contoso.com]\n"
	    "address = 10.3.0.10\n"
	    "[host ns1.retail.contoso.com]\n"
	    "address = 10.1.0.2\n"
	    "[host ns1.east.retail.contoso.com]\n"
	    "address = 10.3.0.2\n"
	    "[host ns1.contoso.com]\n"
	    "address = 10.0.0.2\n");

	ck_assert_ptr_nonnull(s);
	const struct synth_view *sv = &s->views[0].sv;
	ck_assert_uint_eq(sv->nzones, 3);
	char *top = list_text(&sv->zones[0], ZONEWIRE_CUT);
	char *mid = list_text(&sv->zones[1], ZONEWIRE_CUT);
	ck_assert_str_eq(top,
	    "retail.contoso.com.\t3600\tIN\tNS\tns1.retail.contoso.com.\n"
	    "ns1.retail.contoso.com.\t3600\tIN\tA\t10.1.0.2\n");
	ck_assert_str_eq(mid,
	    "east.retail.contoso.com.\t3600\tIN\tNS\tns1.east.retail.contoso.com.\n"
	    "ns1.east.retail.contoso.com.\t3600\tIN\tA\t10.3.0.2\n");
	ck_assert_uint_eq(sv->zones[2].wire.ncut, 0);
	free(top);
	free(mid);
	snapshot_free(s);
}
END_TEST

/* --- DS from the parent ------------------------------------------------- */

/* Asks name/type from address from (which picks the view) via dns_answer(). */
static ldns_pkt *
ask(const char *from, const char *name, ldns_rr_type type)
{
	ldns_pkt *q = NULL, *r = NULL;
	uint8_t *wire;
	size_t wlen;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct dns_peer peer = { .remote = (struct sockaddr *)&sin,
	    .transport = DNS_UDP };
	struct dns_result res;

	inet_pton(AF_INET, from, &sin.sin_addr);
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type,
	    LDNS_RR_CLASS_IN, 0), LDNS_STATUS_OK);
	ldns_pkt_set_id(q, 0x1234);
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
	size_t n = dns_answer(snap, &peer, NULL, wire, wlen, out, &res);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
	free(wire);
	ldns_pkt_free(q);
	return r;
}

/* NOERROR, AA, no answer, one SOA of apex in authority with ttl. */
static void
expect_nodata(ldns_pkt *r, const char *apex, uint32_t ttl)
{
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_id(r), 0x1234);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(r), 1);
	ldns_rr *soa = ldns_rr_list_rr(ldns_pkt_authority(r), 0);
	ck_assert_int_eq(ldns_rr_get_type(soa), LDNS_RR_TYPE_SOA);
	char *owner = ldns_rdf2str(ldns_rr_owner(soa));
	ck_assert_str_eq(owner, apex);
	ck_assert_uint_eq(ldns_rr_ttl(soa), ttl);
	free(owner);
}

START_TEST(test_ds_at_child_apex_from_parent)
{
	const char *from[] = { "127.0.0.1", "127.0.0.2" };

	for (size_t i = 0; i < 2; i++) {
		ldns_pkt *r = ask(from[i], "retail.contoso.com", LDNS_RR_TYPE_DS);
		/* The parent's negative TTL: min(3600, 300). */
		expect_nodata(r, "contoso.com.", 300);
		ldns_pkt_free(r);
	}
}
END_TEST

START_TEST(test_ds_elsewhere_unchanged)
{
	/* Below the child's apex: the child's NODATA, as before. */
	ldns_pkt *r = ask("127.0.0.1", "pool01.retail.contoso.com",
	    LDNS_RR_TYPE_DS);
	expect_nodata(r, "retail.contoso.com.", 300);
	ldns_pkt_free(r);
	/* At an apex with no parent here: its own NODATA. */
	r = ask("127.0.0.1", "contoso.com", LDNS_RR_TYPE_DS);
	expect_nodata(r, "contoso.com.", 300);
	ldns_pkt_free(r);
	r = ask("127.0.0.1", "fabrikam.com", LDNS_RR_TYPE_DS);
	expect_nodata(r, "fabrikam.com.", 300);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_child_answers_unchanged)
{
	/* The child still answers its apex, with AA, from its own data. */
	ldns_pkt *r = ask("127.0.0.1", "retail.contoso.com", LDNS_RR_TYPE_NS);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 3);
	ck_assert_uint_eq(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(r), 0)),
	    1200);
	ldns_pkt_free(r);
	r = ask("127.0.0.1", "retail.contoso.com", LDNS_RR_TYPE_DNSKEY);
	expect_nodata(r, "retail.contoso.com.", 300);
	ldns_pkt_free(r);
	r = ask("127.0.0.2", "ns1.retail.contoso.com", LDNS_RR_TYPE_A);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
	/* ANY: the first RRset (NS), not the DS answer. */
	r = ask("127.0.0.1", "retail.contoso.com", LDNS_RR_TYPE_ANY);
	ck_assert_uint_gt(ldns_pkt_ancount(r), 0);
	ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(r), 0)),
	    LDNS_RR_TYPE_NS);
	ldns_pkt_free(r);
}
END_TEST

static Suite *
deleg_suite(void)
{
	Suite *s = suite_create("deleg");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cut_internal);
	tcase_add_test(tc, test_cut_external_only_visible_glue);
	tcase_add_test(tc, test_cut_only_in_parent);
	tcase_add_test(tc, test_cut_counted);
	tcase_add_test(tc, test_cut_grandchild);
	tcase_add_test(tc, test_ds_at_child_apex_from_parent);
	tcase_add_test(tc, test_ds_elsewhere_unchanged);
	tcase_add_test(tc, test_child_answers_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(deleg_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
