/* check_zonefile.c -- zone files: the fuzzer's finds (tests/fuzz/fuzz_zone.c), cuts and wildcards. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "snapshot.h"
#include "wire.h"

/* The fuzz target's configuration: one SIP domain, zones in z/. */
static const char ini[] =
    "[server]\n"
    "zones = z\n"
    "allow_transfer = 127.0.0.1\n"
    "\n"
    "[domain contoso.com]\n"
    "pool = pool01.contoso.com\n"
    "\n"
    "[host pool01.contoso.com]\n"
    "address = 10.0.0.10\n";

static char dir[64], conf[96], zdir[96], zone[128];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_zonefile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/ocsdnsd.ini", dir);
	snprintf(zdir, sizeof(zdir), "%s/z", dir);
	snprintf(zone, sizeof(zone), "%s/contoso.com.zone", zdir);
	ck_assert_int_eq(mkdir(zdir, 0700), 0);
	write_file(conf, ini);
}

static void
teardown(void)
{
	unlink(zone);
	rmdir(zdir);
	unlink(conf);
	rmdir(dir);
}

/*
 * Loads text as z/contoso.com.zone. Returns the snapshot (NULL on errors)
 * and in diag what the loader said.
 */
static struct snapshot *
load(const char *text, char *diag, size_t dlen)
{
	struct config *cfg;
	struct snapshot *snap;
	FILE *d;

	write_file(zone, text);
	memset(diag, 0, dlen);
	d = fmemopen(diag, dlen - 1, "w");
	ck_assert_ptr_nonnull(d);
	cfg = config_load(conf, d, NULL);
	ck_assert_ptr_nonnull(cfg);
	snap = snapshot_build(cfg, NULL, d);
	fclose(d);
	return snap;
}

/* A record in RFC 3597 form whose data stops after some fields. */
static void
expect_incomplete(const char *text, int line)
{
	char diag[2048], want[64];
	struct snapshot *snap = load(text, diag, sizeof(diag));

	if (snap != NULL)
		snapshot_free(snap);
	ck_assert_msg(snap == NULL, "loaded: %s", text);
	snprintf(want, sizeof(want), ".zone:%d: the record's data is incomplete",
	    line);
	ck_assert_msg(strstr(diag, want) != NULL, "diag: %s", diag);
}

/* Was an abort in ldns (ldns_rdf_size(NULL)) reading the SOA's MINIMUM. */
START_TEST(test_soa_generic_short)
{
	expect_incomplete("$TTL 3600\n"
	    "@ IN SOA \\# 25 036e733100 0a686f73746d617374657200 00000001 "
	    "00000e10\n"
	    "@ IN NS ns1\n", 2);
}
END_TEST

/* Was an abort building the answer table (the CNAME's target). */
START_TEST(test_cname_generic_empty)
{
	expect_incomplete("www IN CNAME \\# 0\n", 1);
}
END_TEST

START_TEST(test_srv_mx_generic_short)
{
	expect_incomplete("mx 60 IN MX \\# 2 000a\n", 1);
	expect_incomplete("_x._tcp 60 IN SRV \\# 2 0001\n", 1);
}
END_TEST

/* A message that says why line of the zone file was refused. */
static void
expect_refused(const char *text, int line, const char *why)
{
	char diag[2048], want[160];
	struct snapshot *snap = load(text, diag, sizeof(diag));

	if (snap != NULL)
		snapshot_free(snap);
	ck_assert_msg(snap == NULL, "loaded: %s", text);
	snprintf(want, sizeof(want), ".zone:%d: %s", line, why);
	ck_assert_msg(strstr(diag, want) != NULL, "diag: %s", diag);
}

/*
 * ldns reads "TYPE65679" as type 65679; the answer table, keyed by 16-bit
 * types, found no RRset for it and read through a NULL pointer (a crash
 * of ocsdnsd -t and of a reload).
 */
START_TEST(test_type_out_of_range)
{
	expect_refused("e 60 IN TYPE65679 \\# 4 deadbeef\n", 1,
	    "not a type of data");
	expect_refused("e 60 IN TYPE65536 \\# 0\n", 1, "not a type of data");
	expect_refused("e 60 IN TYPE0 \\# 0\n", 1, "not a type of data");
	expect_refused("e 60 IN TYPE41 \\# 0\n", 1, "not a type of data");
	expect_refused("e 60 IN TYPE255 \\# 0\n", 1, "not a type of data");
}
END_TEST

/*
 * A typo in a NAPTR's regexp field: ldns reads the text, but the record's
 * wire form does not parse, so every answer that carried it (the NAPTR
 * query, AXFR) was one that dig rejected as a bad packet.
 */
START_TEST(test_wire_roundtrip)
{
	expect_refused("$TTL 60\n"
	    "naptr IN NAPTR 100 10 \"S\" \"SIP+D2T\"NCLUDE280 \\# 4 deadbeef\n",
	    2, "the record's wire form does not parse");
}
END_TEST

/* Whole data in the generic form, and unknown types, still load. */
START_TEST(test_generic_complete)
{
	char diag[2048];
	struct snapshot *snap = load("$TTL 60\n"
	    "@ IN SOA \\# 37 036e733100 0a686f73746d617374657200 00000001 "
	    "00000e10 00000258 00015180 0000003c\n"
	    "@ IN NS ns1\n"
	    "www IN A \\# 4 c0000250\n"
	    "x IN TYPE65534 \\# 0\n"
	    "y IN TYPE127 \\# 1 00\n"
	    "z IN TYPE4000 \\# 0\n", diag, sizeof(diag));

	ck_assert_msg(snap != NULL, "diag: %s", diag);
	snapshot_free(snap);
}
END_TEST

/*
 * CNAME chains inside the zone are followed to their end whatever order the
 * hash table compiles the names in (it once stopped after the first CNAME
 * when the next name had not been compiled yet).
 */
START_TEST(test_cname_chains)
{
	char diag[2048], text[4096];
	size_t len = (size_t)snprintf(text, sizeof(text),
	    "$TTL 60\nend IN A 192.0.2.1\n");
	struct snapshot *snap;

	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "a%d IN CNAME b%d\nb%d IN CNAME end\n", i, i, i);
	snap = load(text, diag, sizeof(diag));
	ck_assert_msg(snap != NULL, "diag: %s", diag);
	for (int i = 0; i < 40; i++) {
		char name[64];
		ldns_pkt *q = NULL, *r = NULL;
		uint8_t *wire, out[DNS_MAX_MESSAGE];
		size_t wlen, n;
		struct sockaddr_in sin = { .sin_family = AF_INET };
		struct dns_peer peer = { .remote = (struct sockaddr *)&sin,
		    .transport = DNS_UDP };

		inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
		snprintf(name, sizeof(name), "a%d.contoso.com", i);
		ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name,
		    LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0), LDNS_STATUS_OK);
		ck_assert_int_eq(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
		n = dns_handle(snap, &peer, wire, wlen, out);
		ck_assert_uint_gt(n, 0);
		ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
		/* a CNAME b, b CNAME end, end A */
		ck_assert_msg(ldns_pkt_ancount(r) == 3, "%s: %u answers", name,
		    (unsigned)ldns_pkt_ancount(r));
		free(wire);
		ldns_pkt_free(q);
		ldns_pkt_free(r);
	}
	snapshot_free(snap);
}
END_TEST

/* --- cuts and wildcards ------------------------------------------------- */

/* The reply of snap to name/type over UDP (edns: with a 1232-byte EDNS). */
static ldns_pkt *
ask(struct snapshot *snap, const char *name, ldns_rr_type type, bool edns)
{
	ldns_pkt *q = NULL, *r = NULL;
	uint8_t *wire, out[DNS_MAX_MESSAGE];
	size_t wlen, n;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct dns_peer peer = { .remote = (struct sockaddr *)&sin,
	    .transport = DNS_UDP };

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type,
	    LDNS_RR_CLASS_IN, 0), LDNS_STATUS_OK);
	if (edns)
		ldns_pkt_set_edns_udp_size(q, 1232);
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
	n = dns_handle(snap, &peer, wire, wlen, out);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
	free(wire);
	ldns_pkt_free(q);
	return r;
}

/* rcode, AA, and the counts of the three sections. */
static void
expect_reply(struct snapshot *snap, const char *name, ldns_rr_type type,
    ldns_pkt_rcode rcode, bool aa, int an, int ns, int ar)
{
	ldns_pkt *r = ask(snap, name, type, false);

	ck_assert_msg(ldns_pkt_get_rcode(r) == rcode && ldns_pkt_aa(r) == aa &&
	    ldns_pkt_ancount(r) == an && ldns_pkt_nscount(r) == ns &&
	    ldns_pkt_arcount(r) == ar, "%s/%d: rcode %d aa %d %u/%u/%u", name,
	    (int)type, (int)ldns_pkt_get_rcode(r), (int)ldns_pkt_aa(r),
	    (unsigned)ldns_pkt_ancount(r), (unsigned)ldns_pkt_nscount(r),
	    (unsigned)ldns_pkt_arcount(r));
	ldns_pkt_free(r);
}

/* The owner of the first answer record is the query name as asked. */
static void
expect_owner(struct snapshot *snap, const char *name, ldns_rr_type type)
{
	ldns_pkt *r = ask(snap, name, type, false);
	char want[300];

	ck_assert_uint_gt(ldns_pkt_ancount(r), 0);
	char *o = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(r),
	    0)));
	snprintf(want, sizeof(want), "%s.", name);
	ck_assert_str_eq(o, want);
	free(o);
	ldns_pkt_free(r);
}

/* RFC 4592 section 2.2.1: its example zone (here under contoso.com). */
static const char rfc4592_zone[] =
    "$TTL 3600\n"
    "*               TXT   \"this is a wildcard\"\n"
    "*               MX    10 host1\n"
    "sub.*           TXT   \"this is not a wildcard\"\n"
    "host1           A     192.0.2.1\n"
    "_ssh._tcp.host1 SRV   0 0 22 host1\n"
    "_ssh._tcp.host2 SRV   0 0 22 host2\n"
    "subdel          NS    ns.example.com.\n"
    "subdel          NS    ns.example.net.\n";

/* The queries of RFC 4592 section 2.2.1's tables, and the 0x20 owner. */
START_TEST(test_rfc4592_examples)
{
	char diag[2048];
	struct snapshot *snap = load(rfc4592_zone, diag, sizeof(diag));

	ck_assert_msg(snap != NULL, "diag: %s", diag);
	/* Synthesized: MX, its target's address in additional. */
	expect_reply(snap, "host3.contoso.com", LDNS_RR_TYPE_MX,
	    LDNS_RCODE_NOERROR, true, 1, 0, 1);
	expect_owner(snap, "host3.contoso.com", LDNS_RR_TYPE_MX);
	expect_owner(snap, "HoSt3.CoNtOsO.com", LDNS_RR_TYPE_MX);
	/* The wildcard has no A: NODATA. */
	expect_reply(snap, "host3.contoso.com", LDNS_RR_TYPE_A,
	    LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_reply(snap, "foo.bar.contoso.com", LDNS_RR_TYPE_TXT,
	    LDNS_RCODE_NOERROR, true, 1, 0, 0);
	expect_owner(snap, "foo.bar.contoso.com", LDNS_RR_TYPE_TXT);
	/* host1 exists: no wildcard, NODATA. */
	expect_reply(snap, "host1.contoso.com", LDNS_RR_TYPE_MX,
	    LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_reply(snap, "sub.*.contoso.com", LDNS_RR_TYPE_MX,
	    LDNS_RCODE_NOERROR, true, 0, 1, 0);
	/* _tcp.host1 is an empty non-terminal: it blocks the wildcard. */
	expect_reply(snap, "_telnet._tcp.host1.contoso.com", LDNS_RR_TYPE_SRV,
	    LDNS_RCODE_NXDOMAIN, true, 0, 1, 0);
	/* Below the cut: the referral, not the wildcard. */
	expect_reply(snap, "host.subdel.contoso.com", LDNS_RR_TYPE_A,
	    LDNS_RCODE_NOERROR, false, 0, 2, 0);
	expect_reply(snap, "ghost.*.contoso.com", LDNS_RR_TYPE_MX,
	    LDNS_RCODE_NXDOMAIN, true, 0, 1, 0);
	/* Synthesized names exist: the wildcard answers none of them. */
	expect_reply(snap, "pool01.contoso.com", LDNS_RR_TYPE_TXT,
	    LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_reply(snap, "pool01.contoso.com", LDNS_RR_TYPE_MX,
	    LDNS_RCODE_NOERROR, true, 0, 1, 0);
	snapshot_free(snap);
}
END_TEST

/* A delegation: the referral with its glue, DS from the parent, TC. */
START_TEST(test_referral)
{
	char diag[2048], text[4096];
	size_t len = (size_t)snprintf(text, sizeof(text), "$TTL 3600\n"
	    "corp       NS   dc1.corp\n"
	    "corp       NS   ns.example.net.\n"
	    "dc1.corp   A    192.0.2.53\n"
	    "dc1.corp   AAAA 2001:db8::53\n");

	for (int i = 0; i < 8; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "big NS ns%d.big\nns%d.big A 192.0.2.%d\n"
		    "ns%d.big AAAA 2001:db8::%d\n", i, i, i, i, i);
	struct snapshot *snap = load(text, diag, sizeof(diag));
	ck_assert_msg(snap != NULL, "diag: %s", diag);
	const char *names[] = { "corp.contoso.com", "dc1.corp.contoso.com",
	    "a.b.corp.contoso.com" };
	for (size_t i = 0; i < 3; i++) {
		expect_reply(snap, names[i], LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
		    false, 0, 2, 2);
		expect_reply(snap, names[i], LDNS_RR_TYPE_NS,
		    LDNS_RCODE_NOERROR, false, 0, 2, 2);
	}
	/* DS at the cut is the parent's: NODATA, authoritative. */
	expect_reply(snap, "corp.contoso.com", LDNS_RR_TYPE_DS,
	    LDNS_RCODE_NOERROR, true, 0, 1, 0);
	/* Below the cut DS is the child's too: the referral. */
	expect_reply(snap, "dc1.corp.contoso.com", LDNS_RR_TYPE_DS,
	    LDNS_RCODE_NOERROR, false, 0, 2, 2);
	/* All the glue is required (RFC 9471): 512 bytes cannot hold it. */
	ldns_pkt *r = ask(snap, "www.big.contoso.com", LDNS_RR_TYPE_A, false);
	ck_assert(ldns_pkt_tc(r));
	ck_assert(!ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_nscount(r), 0);
	ldns_pkt_free(r);
	r = ask(snap, "www.big.contoso.com", LDNS_RR_TYPE_A, true);
	ck_assert(!ldns_pkt_tc(r));
	ck_assert_uint_eq(ldns_pkt_nscount(r), 8);
	ck_assert_uint_eq(ldns_pkt_arcount(r), 16);	/* ldns keeps OPT apart */
	ldns_pkt_free(r);
	snapshot_free(snap);
}
END_TEST

/* Data at or below a cut that is not glue is an error at its line. */
START_TEST(test_occluded)
{
	expect_refused("$TTL 60\ncorp NS dc1.corp\ndc1.corp A 192.0.2.1\n"
	    "www.corp A 192.0.2.2\n", 4, "www.corp.contoso.com. A is at or "
	    "below the delegation of corp.contoso.com.");
	expect_refused("$TTL 60\ncorp NS dc1.corp\ncorp TXT \"x\"\n", 3,
	    "corp.contoso.com. TXT is at or below the delegation");
	expect_refused("$TTL 60\ncorp NS dc1.corp\nsub.corp NS dc1.corp\n", 3,
	    "sub.corp.contoso.com. NS is at or below the delegation");
	expect_refused("$TTL 60\ncorp NS dc1.corp\n*.corp TXT \"x\"\n", 3,
	    "*.corp.contoso.com. TXT is at or below the delegation");
}
END_TEST

START_TEST(test_refused_types)
{
	expect_refused("$TTL 60\nold DNAME contoso.net.\n", 2,
	    "DNAME is not supported: use a CNAME per name");
	expect_refused("$TTL 60\n* NS ns.example.net.\n", 2,
	    "NS at a wildcard name is not supported");
}
END_TEST

static Suite *
zonefile_suite(void)
{
	Suite *s = suite_create("zonefile");
	TCase *tc = tcase_create("fuzz regressions");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_soa_generic_short);
	tcase_add_test(tc, test_cname_generic_empty);
	tcase_add_test(tc, test_srv_mx_generic_short);
	tcase_add_test(tc, test_type_out_of_range);
	tcase_add_test(tc, test_wire_roundtrip);
	tcase_add_test(tc, test_generic_complete);
	tcase_add_test(tc, test_cname_chains);
	suite_add_tcase(s, tc);
	tc = tcase_create("cuts and wildcards");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rfc4592_examples);
	tcase_add_test(tc, test_referral);
	tcase_add_test(tc, test_occluded);
	tcase_add_test(tc, test_refused_types);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(zonefile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
