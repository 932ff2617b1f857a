/* check_signin.c -- the shared sign-in run, dns_answer_in_view(), signin_check(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns.h"
#include "signin/signin.h"
#include "signin/signin_check.h"
#include "signin/signin_check_int.h"
#include "snapshot.h"
#include "testconf.h"

static const char *good_text =
    "[view internal]\n"
    "match = 127.0.0.1\n"
    "[view external]\n"
    "match = any\n"
    "scope = external\n"
    "[domain contoso.com]\n"
    "pool = pool01.contoso.com\n"
    "access_edge = sip.contoso.com\n"
    "[domain fabrikam.com]\n"
    "pool = pool01.fabrikam.com\n"
    "[host pool01.contoso.com]\n"
    "address = 10.0.0.10\n"
    "[host sip.contoso.com]\n"
    "address = 203.0.113.10\n"
    "[host pool01.fabrikam.com]\n"
    "address = 10.1.0.10\n"
    "[host ns1.contoso.com]\n"
    "address.internal = 10.0.0.2\n"
    "address.external = 203.0.113.2\n"
    "[host ns1.fabrikam.com]\n"
    "address.internal = 10.1.0.2\n"
    "address.external = 203.0.113.3\n";

/* A query in wire form, RD set. */
static size_t
make_query(const char *name, ldns_rr_type type, uint8_t *buf, size_t bufsz)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(name), type,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *wire;
	size_t len;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	ck_assert_uint_le(len, bufsz);
	memcpy(buf, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

START_TEST(test_answer_in_view)
{
	struct snapshot *snap = testconf_snapshot(good_text);
	static uint8_t out[DNS_MAX_MESSAGE];
	uint8_t q[512];
	struct dns_result res;
	struct dns_peer peer = { .transport = DNS_TCP };
	size_t qlen = make_query("_sipinternaltls._tcp.contoso.com.",
	    LDNS_RR_TYPE_SRV, q, sizeof(q));

	ck_assert_ptr_nonnull(snap);
	/* The internal view has the record, the external one not. */
	ck_assert_uint_gt(dns_answer_in_view(snap, 0, &peer, q, qlen, out,
	    &res), 0);
	ck_assert_int_eq(res.view, 0);
	ck_assert_uint_eq(res.rcode, LDNS_RCODE_NOERROR);
	ck_assert_uint_gt(out[7], 0);		/* ANCOUNT */
	ck_assert_uint_gt(dns_answer_in_view(snap, 1, &peer, q, qlen, out,
	    &res), 0);
	ck_assert_int_eq(res.view, 1);
	ck_assert_uint_eq(res.rcode, LDNS_RCODE_NXDOMAIN);
	ck_assert_uint_eq(dns_answer_in_view(snap, 2, &peer, q, qlen, out,
	    &res), 0);
	snapshot_free(snap);
}
END_TEST

/* A sender that never gets a reply. */
static int nsent;

static ldns_pkt *
send_none(void *arg, const char *name, ldns_rr_type type, double *ms,
    const char **error)
{
	(void)arg;
	(void)name;
	(void)type;
	*ms = 0;
	*error = "test: no reply";
	nsent++;
	return NULL;
}

START_TEST(test_run_no_server)
{
	struct signin *lk = calloc(1, sizeof(*lk));

	ck_assert_ptr_nonnull(lk);
	lk->send = send_none;
	lk->domain = "contoso.com";
	nsent = 0;
	signin_run(lk);
	ck_assert_int_eq(lk->ok, 0);
	/* Three unanswered in a row, then the rest are not asked. */
	ck_assert_int_eq(nsent, SIGNIN_NOREPLY_LIMIT);
	/* The SRV queries, the fallback names, the domain's NS. */
	ck_assert_int_eq(lk->nq, OCS_NSERVICES + OCS_NFALLBACKS + 1);
	ck_assert_int_eq(lk->q[OCS_NSERVICES].state, SIGNIN_Q_SKIPPED);
	ck_assert_int_gt(lk->nwarn, 0);
	ck_assert_int_eq(lk->warn[0].kind, SIGNIN_F_QUERY);
	ck_assert_ptr_nonnull(strstr(lk->verdict, "could not sign in"));
	signin_clear(lk);
	free(lk);
}
END_TEST

static int nverdicts;
static char verdicts[8][512];

static void
collect(void *arg, const char *line)
{
	(void)arg;
	if (nverdicts < 8)
		snprintf(verdicts[nverdicts], sizeof(verdicts[0]), "%s", line);
	nverdicts++;
}

START_TEST(test_check_good)
{
	struct snapshot *snap = testconf_snapshot(good_text);
	unsigned nwarn = 0;

	ck_assert_ptr_nonnull(snap);
	nverdicts = 0;
	ck_assert_int_eq(signin_check(snap, stderr, collect, NULL, &nwarn), 0);
	ck_assert_uint_eq(nwarn, 0);
	ck_assert_int_eq(nverdicts, 4);		/* 2 domains x 2 views */
	ck_assert_str_eq(verdicts[0], "view internal: contoso.com: "
	    "Communicator would connect to pool01.contoso.com:5061 over TLS "
	    "(10.0.0.10)");
	/* No access edge: not signing in from outside is no error. */
	ck_assert_ptr_nonnull(strstr(verdicts[3], "view external: "
	    "fabrikam.com: Communicator could not sign in"));
	ck_assert_ptr_nonnull(strstr(verdicts[3], "no access edge"));
	snapshot_free(snap);
}
END_TEST

START_TEST(test_check_errors)
{
	/* The edge's only address is internal; the pool's only external. */
	char text[2048];
	snprintf(text, sizeof(text), "%s",
	    "[view internal]\n"
	    "match = 127.0.0.1\n"
	    "[view external]\n"
	    "match = any\n"
	    "scope = external\n"
	    "[domain contoso.com]\n"
	    "pool = pool01.contoso.com\n"
	    "access_edge = sip.contoso.com\n"
	    "[host pool01.contoso.com]\n"
	    "address.external = 203.0.113.9\n"
	    "[host sip.contoso.com]\n"
	    "address.internal = 10.0.0.5\n"
	    "[host ns1.contoso.com]\n"
	    "address = 203.0.113.2\n");
	struct snapshot *snap = testconf_snapshot(text);
	char *buf = NULL;
	size_t len = 0;
	FILE *diag = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(snap);
	ck_assert_ptr_nonnull(diag);
	ck_assert_int_eq(signin_check(snap, diag, NULL, NULL, NULL), 2);
	fclose(diag);
	ck_assert_ptr_nonnull(strstr(buf, ":7: error: [domain contoso.com] "
	    "pool: target pool01.contoso.com has no address in view "
	    "internal"));
	ck_assert_ptr_nonnull(strstr(buf, ":8: error: [domain contoso.com] "
	    "access_edge: target sip.contoso.com has no address in view "
	    "external"));
	free(buf);
	snapshot_free(snap);
}
END_TEST

/* text's signin_check() diagnostics (the caller frees them); *nerr, *nwarn. */
static char *
check_text(const char *text, int *nerr, unsigned *nwarn)
{
	struct snapshot *snap = testconf_snapshot(text);
	char *buf = NULL;
	size_t len = 0;
	FILE *diag = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(snap);
	ck_assert_ptr_nonnull(diag);
	*nwarn = 0;
	*nerr = signin_check(snap, diag, NULL, NULL, nwarn);
	fclose(diag);
	snapshot_free(snap);
	return buf;
}

START_TEST(test_check_port_crossed)
{
	/* _sip._tls on 5061: the federation port, a warning at the key. */
	int nerr;
	unsigned nwarn;
	char *buf = check_text(
	    "[domain contoso.com]\n"
	    "pool = pool01.contoso.com\n"
	    "access_edge = sip.contoso.com\n"
	    "sip_tls_port = 5061\n"
	    "[host pool01.contoso.com]\n"
	    "address = 10.0.0.10\n"
	    "[host sip.contoso.com]\n"
	    "address = 10.0.0.11\n"
	    "[host ns1.contoso.com]\n"
	    "address = 10.0.0.2\n", &nerr, &nwarn);

	ck_assert_int_eq(nerr, 0);
	ck_assert_uint_eq(nwarn, 1);
	ck_assert_ptr_nonnull(strstr(buf, ":1: warning: [domain contoso.com] "
	    "sip_tls_port = 5061: _sip._tls.contoso.com: SRV port 5061 is the "
	    "port of _sipinternaltls._tcp and _sipfederationtls._tcp, not of "
	    "_sip._tls (443)"));
	free(buf);
}
END_TEST

START_TEST(test_check_repeats_domain)
{
	/* The pool's name with the domain twice, given an address: a warning. */
	int nerr;
	unsigned nwarn;
	char *buf = check_text(
	    "[domain contoso.com]\n"
	    "pool = pool01.contoso.com.contoso.com\n"
	    "[host pool01.contoso.com.contoso.com]\n"
	    "address = 10.0.0.10\n"
	    "[host ns1.contoso.com]\n"
	    "address = 10.0.0.2\n", &nerr, &nwarn);

	ck_assert_int_eq(nerr, 0);
	ck_assert_uint_eq(nwarn, 1);
	ck_assert_ptr_nonnull(strstr(buf, ":2: warning: [domain contoso.com] "
	    "pool: view default: SRV target pool01.contoso.com.contoso.com "
	    "repeats the domain contoso.com: a name without its trailing dot "
	    "in a zone file? (pool01.contoso.com. was meant)"));
	free(buf);
}
END_TEST

START_TEST(test_check_ns_noaddr)
{
	/* The default ns1.<domain> without a [host]: one warning. */
	int nerr;
	unsigned nwarn;
	char *buf = check_text(
	    "[domain contoso.com]\n"
	    "pool = pool01.contoso.com\n"
	    "[host pool01.contoso.com]\n"
	    "address = 10.0.0.10\n", &nerr, &nwarn);

	ck_assert_int_eq(nerr, 0);
	ck_assert_uint_eq(nwarn, 1);
	ck_assert_ptr_nonnull(strstr(buf, ":1: warning: [domain contoso.com] "
	    "ns: name server ns1.contoso.com has no address in view"));
	free(buf);
}
END_TEST

/* Verdicts, one per line, into a memory stream. */
static void
verdict_line(void *arg, const char *line)
{
	fprintf(arg, "%s\n", line);
}

struct parts_out {
	char		*diag, *verdicts;
	int		 nerr;
	unsigned	 nwarn;
};

static void
check_in_parts(const struct snapshot *snap, size_t nparts, size_t round,
    struct parts_out *o)
{
	size_t dlen = 0, vlen = 0;
	FILE *diag = open_memstream(&o->diag, &dlen);
	FILE *v = open_memstream(&o->verdicts, &vlen);

	ck_assert_ptr_nonnull(diag);
	ck_assert_ptr_nonnull(v);
	o->nwarn = 0;
	o->nerr = signin_check_parts(snap, diag, verdict_line, v, &o->nwarn,
	    NULL, nparts, round);
	fclose(diag);
	fclose(v);
}

START_TEST(test_check_parts)
{
	/*
	 * 61 domains in two views, a fault in three of every four: TTL 0
	 * (warnings of no line, several per domain and view: their order is
	 * the domains'), a pool without an internal address (an
	 * error), no name server host (a warning). Checked in one part, then
	 * in two and three with rounds of 1, 4 and 7 domains: the same
	 * verdicts and messages in the same order.
	 */
	size_t cap = 64 * 1024, len = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, cap - len, "%s",
	    "[view internal]\nmatch = 127.0.0.1\n"
	    "[view external]\nmatch = any\nscope = external\n");
	for (int i = 0; i < 61; i++) {
		len += (size_t)snprintf(text + len, cap - len,
		    "[domain d%02d.test]\npool = pool01.d%02d.test\n%s"
		    "[host pool01.d%02d.test]\naddress%s = 10.0.%d.10\n", i, i,
		    i % 4 == 0 ? "ttl = 0\n" : "", i, i % 4 == 1 ? ".external" :
		    "", i);
		if (i % 4 != 2)
			len += (size_t)snprintf(text + len, cap - len,
			    "[host ns1.d%02d.test]\naddress = 10.0.%d.2\n", i, i);
		ck_assert_uint_lt(len, cap);
	}
	struct snapshot *snap = testconf_snapshot(text);
	ck_assert_ptr_nonnull(snap);

	struct parts_out one;
	check_in_parts(snap, 1, 1000, &one);
	ck_assert_int_eq(one.nerr, 15);		/* d01, d05, .. d57 */
	ck_assert_uint_gt(one.nwarn, 30);
	char *d00 = strstr(one.diag, ": warning: view internal: "
	    "_sipinternaltls._tcp.d00.test SRV has TTL 0");
	char *d04 = strstr(one.diag, ": warning: view internal: "
	    "_sipinternaltls._tcp.d04.test SRV has TTL 0");
	ck_assert_ptr_nonnull(d00);
	ck_assert_ptr_nonnull(d04);
	ck_assert(d00 < d04);
	ck_assert_ptr_nonnull(strstr(one.verdicts, "view external: d60.test: "));

	static const size_t runs[][2] = { { 2, 1 }, { 2, 4 }, { 3, 7 },
	    { 2, 100 } };
	for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		struct parts_out o;

		check_in_parts(snap, runs[r][0], runs[r][1], &o);
		ck_assert_int_eq(o.nerr, one.nerr);
		ck_assert_uint_eq(o.nwarn, one.nwarn);
		/* Not ck_assert_str_eq(): the texts are longer than its message. */
		ck_assert_msg(strcmp(o.diag, one.diag) == 0, "%zu parts, rounds of "
		    "%zu: the messages differ", runs[r][0], runs[r][1]);
		ck_assert_msg(strcmp(o.verdicts, one.verdicts) == 0, "%zu parts, "
		    "rounds of %zu: the verdicts differ", runs[r][0], runs[r][1]);
		free(o.diag);
		free(o.verdicts);
	}
	free(one.diag);
	free(one.verdicts);
	snapshot_free(snap);
	free(text);
}
END_TEST

static Suite *
signin_suite(void)
{
	Suite *s = suite_create("signin");
	TCase *tc = tcase_create("signin");

	tcase_add_test(tc, test_answer_in_view);
	tcase_add_test(tc, test_run_no_server);
	tcase_add_test(tc, test_check_good);
	tcase_add_test(tc, test_check_errors);
	tcase_add_test(tc, test_check_port_crossed);
	tcase_add_test(tc, test_check_repeats_domain);
	tcase_add_test(tc, test_check_ns_noaddr);
	tcase_add_test(tc, test_check_parts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(signin_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
