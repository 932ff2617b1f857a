/* check_zonefile.c -- zone files that the fuzzer (tests/fuzz/fuzz_zone.c) found to break the loader. */
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
