/* check_stats.c -- counters from dns_answer() results, Prometheus and CHAOS texts, query log names. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "qlog.h"
#include "snapshot.h"
#include "stats.h"

static const char *conf_text =
    "[server]\n"
    "chaos_stats = yes\n"
    "[view internal]\n"
    "match = 127.0.0.0/8\n"
    "[view external]\n"
    "match = any\n"
    "scope = external\n"
    "[domain contoso.com]\n"
    "pool = pool01.contoso.com\n"
    "access_edge = sip.contoso.com\n"
    "[host pool01.contoso.com]\n"
    "address = 10.0.0.10\n"
    "[host sip.contoso.com]\n"
    "address = 203.0.113.10\n"
    "[host big.contoso.com]\n"
    "address = 198.51.100.1, 198.51.100.2, 198.51.100.3, 198.51.100.4, 198.51.100.5, 198.51.100.6\n"
    "address = 198.51.100.7, 198.51.100.8, 198.51.100.9, 198.51.100.10, 198.51.100.11, 198.51.100.12\n"
    "address = 198.51.100.13, 198.51.100.14, 198.51.100.15, 198.51.100.16, 198.51.100.17\n"
    "address = 198.51.100.18, 198.51.100.19, 198.51.100.20, 198.51.100.21, 198.51.100.22\n"
    "address = 198.51.100.23, 198.51.100.24, 198.51.100.25, 198.51.100.26, 198.51.100.27\n"
    "address = 198.51.100.28, 198.51.100.29, 198.51.100.30, 198.51.100.31, 198.51.100.32\n"
    "address = 198.51.100.33, 198.51.100.34, 198.51.100.35, 198.51.100.36, 198.51.100.37\n";

static struct snapshot *snap;
static struct stats st;
static char conf_path[64];
static uint8_t out[DNS_MAX_MESSAGE];

static void
setup(void)
{
	int fd;
	FILE *f;
	struct config *cfg;

	strcpy(conf_path, "/tmp/check_stats_XXXXXX");
	fd = mkstemp(conf_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(conf_text, f);
	fclose(f);
	cfg = config_load(conf_path, stderr, NULL);
	ck_assert_ptr_nonnull(cfg);
	snap = snapshot_build(cfg, NULL, stderr);
	ck_assert_ptr_nonnull(snap);
	stats_init(&st);
	stats_set_views(&st, snap);
}

static void
teardown(void)
{
	stats_free(&st);
	snapshot_free(snap);
	unlink(conf_path);
}

/* One query from addr through dns_answer(), counted; returns the result. */
static struct dns_result
ask(const char *addr, const char *name, ldns_rr_type type, ldns_rr_class cls,
    enum dns_transport tr, size_t *lenp)
{
	ldns_pkt *q = NULL;
	uint8_t *wire;
	size_t wlen, n;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(4242) };
	struct dns_peer peer = { .remote = (struct sockaddr *)&sin, .transport = tr };
	struct dns_result res;

	inet_pton(AF_INET, addr, &sin.sin_addr);
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type, cls, 0),
	    LDNS_STATUS_OK);
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
	n = dns_answer(snap, &peer, &st, wire, wlen, out, &res);
	stats_count(&st, tr, &res);
	if (lenp != NULL)
		*lenp = n;
	free(wire);
	ldns_pkt_free(q);
	return res;
}

/* The Prometheus text of st as a string (free it). */
static char *
render(void)
{
	struct stats_gauges g = { .zones = 2, .records = 17, .serial = 42,
	    .tcp_connections = 3 };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(stats_prometheus(&st, &g, fp), 0);
	fclose(fp);
	return text;
}

static void
expect_line(const char *text, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	ck_assert_msg(strstr(text, want) != NULL, "missing line '%s' in:\n%s",
	    line, text);
}

START_TEST(test_results)
{
	struct dns_result r;
	size_t len;

	r = ask("127.0.0.1", "CoNtOsO.com", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN,
	    DNS_UDP, &len);
	ck_assert(len > 0);
	ck_assert_uint_eq(r.rcode, 0);
	ck_assert(r.flags & DNS_RES_QUESTION);
	ck_assert(r.flags & DNS_RES_AA);
	ck_assert_int_eq(r.view, 0);
	ck_assert_uint_eq(r.qtype, 6);

	r = ask("127.0.0.1", "nope.contoso.com", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, DNS_UDP, NULL);
	ck_assert_uint_eq(r.rcode, 3);
	ck_assert(!(r.flags & DNS_RES_NODATA));

	r = ask("127.0.0.1", "pool01.contoso.com", LDNS_RR_TYPE_MX,
	    LDNS_RR_CLASS_IN, DNS_UDP, NULL);
	ck_assert_uint_eq(r.rcode, 0);
	ck_assert(r.flags & DNS_RES_NODATA);

	r = ask("192.0.2.1", "example.org", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    DNS_TCP, NULL);
	ck_assert_uint_eq(r.rcode, 5);
	ck_assert_int_eq(r.view, 1);
	ck_assert(!(r.flags & DNS_RES_AA));

	/* 37 addresses do not fit 512 bytes: TC over UDP, all over TCP. */
	r = ask("127.0.0.1", "big.contoso.com", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, DNS_UDP, NULL);
	ck_assert(r.flags & DNS_RES_TC);
	r = ask("127.0.0.1", "big.contoso.com", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, DNS_TCP, NULL);
	ck_assert(!(r.flags & DNS_RES_TC));

	ck_assert_uint_eq(st.queries[DNS_UDP], 4);
	ck_assert_uint_eq(st.queries[DNS_TCP], 2);
	ck_assert_uint_eq(st.rcode[STATS_RC_NOERROR], 4);
	ck_assert_uint_eq(st.rcode[STATS_RC_NXDOMAIN], 1);
	ck_assert_uint_eq(st.rcode[STATS_RC_REFUSED], 1);
	ck_assert_uint_eq(st.qtype[STATS_QT_A], 4);
	ck_assert_uint_eq(st.qtype[STATS_QT_SOA], 1);
	ck_assert_uint_eq(st.qtype[STATS_QT_MX], 1);
	ck_assert_uint_eq(st.nodata, 1);
	ck_assert_uint_eq(st.truncated, 1);
	ck_assert_uint_eq(st.view[0], 5);
	ck_assert_uint_eq(st.view[1], 1);
}
END_TEST

START_TEST(test_dropped_and_badvers)
{
	static const uint8_t response[12] = { 0x12, 0x34, 0x80, 0, 0, 1 };
	/* contoso.com SOA with an OPT of version 1. */
	static const uint8_t badvers[] = {
		0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1,
		7, 'c', 'o', 'n', 't', 'o', 's', 'o', 3, 'c', 'o', 'm', 0,
		0, 6, 0, 1,
		0, 0, 41, 4, 0xd0, 0, 1, 0, 0, 0, 0
	};
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct dns_peer peer = { .remote = (struct sockaddr *)&sin,
	    .transport = DNS_UDP };
	struct dns_result r;

	ck_assert_uint_eq(dns_answer(snap, &peer, &st, response,
	    sizeof(response), out, &r), 0);
	ck_assert(r.flags & DNS_RES_DROPPED);
	stats_count(&st, DNS_UDP, &r);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(st.rcode[STATS_RC_NOERROR], 0);

	ck_assert_uint_gt(dns_answer(snap, &peer, &st, badvers,
	    sizeof(badvers), out, &r), 0);
	ck_assert_uint_eq(r.rcode, 16);
	stats_count(&st, DNS_UDP, &r);
	ck_assert_uint_eq(st.rcode[STATS_RC_BADVERS], 1);
}
END_TEST

START_TEST(test_prometheus)
{
	char *text;

	ask("127.0.0.1", "_sip._tls.contoso.com", LDNS_RR_TYPE_SRV,
	    LDNS_RR_CLASS_IN, DNS_UDP, NULL);
	ask("127.0.0.1", "nope.contoso.com", LDNS_RR_TYPE_AAAA,
	    LDNS_RR_CLASS_IN, DNS_TCP, NULL);
	ask("192.0.2.7", "contoso.com", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN,
	    DNS_UDP, NULL);
	st.reloads_ok = 2;
	st.reloads_failed = 1;
	text = render();
	ck_assert_msg(strncmp(text, "# HELP ocsdnsd_queries_total ", 29) == 0,
	    "%s", text);
	expect_line(text, "# TYPE ocsdnsd_queries_total counter");
	expect_line(text, "ocsdnsd_queries_total{transport=\"udp\"} 2");
	expect_line(text, "ocsdnsd_queries_total{transport=\"tcp\"} 1");
	expect_line(text, "ocsdnsd_responses_total{rcode=\"NOERROR\"} 2");
	expect_line(text, "ocsdnsd_responses_total{rcode=\"NXDOMAIN\"} 1");
	expect_line(text, "ocsdnsd_responses_total{rcode=\"BADVERS\"} 0");
	expect_line(text, "ocsdnsd_queries_by_type_total{qtype=\"SRV\"} 1");
	expect_line(text, "ocsdnsd_queries_by_type_total{qtype=\"AAAA\"} 1");
	expect_line(text, "ocsdnsd_queries_by_type_total{qtype=\"other\"} 0");
	expect_line(text, "ocsdnsd_queries_by_view_total{view=\"internal\"} 2");
	expect_line(text, "ocsdnsd_queries_by_view_total{view=\"external\"} 1");
	expect_line(text, "ocsdnsd_reloads_total{result=\"ok\"} 2");
	expect_line(text, "ocsdnsd_reloads_total{result=\"failed\"} 1");
	expect_line(text, "# TYPE ocsdnsd_zones gauge");
	expect_line(text, "ocsdnsd_zones 2");
	expect_line(text, "ocsdnsd_records 17");
	expect_line(text, "ocsdnsd_serial 42");
	expect_line(text, "ocsdnsd_tcp_connections 3");
	ck_assert(text[strlen(text) - 1] == '\n');
	free(text);
}
END_TEST

/* A reload that renames a view keeps the old name's count. */
START_TEST(test_views_survive_reload)
{
	char *text;

	ask("127.0.0.1", "contoso.com", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN,
	    DNS_UDP, NULL);
	/* Same snapshot, mapped again: no new names, same counters. */
	stats_set_views(&st, snap);
	ck_assert_uint_eq(st.nview_names, 2);
	ask("127.0.0.1", "contoso.com", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN,
	    DNS_UDP, NULL);
	text = render();
	expect_line(text, "ocsdnsd_queries_by_view_total{view=\"internal\"} 2");
	free(text);
}
END_TEST

START_TEST(test_chaos)
{
	struct dns_result r;
	size_t len;
	ldns_pkt *p = NULL;
	ldns_rr *rr;
	char *s;

	ask("127.0.0.1", "contoso.com", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN,
	    DNS_UDP, NULL);
	r = ask("127.0.0.1", "stats.ocsdnsd", LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_CH, DNS_UDP, &len);
	ck_assert_uint_eq(r.rcode, 0);
	ck_assert_int_eq(ldns_wire2pkt(&p, out, len), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	ck_assert_int_eq(ldns_rr_get_type(rr), LDNS_RR_TYPE_TXT);
	ck_assert_int_eq(ldns_rr_get_class(rr), LDNS_RR_CLASS_CH);
	s = ldns_rr2str(rr);
	ck_assert_msg(strstr(s, "\"queries=1\" \"udp=1\" \"tcp=0\" \"noerror=1\"")
	    != NULL, "%s", s);
	free(s);
	ldns_pkt_free(p);

	/* Without chaos_stats or metrics: REFUSED, nothing leaks. */
	snap->cfg->chaos_stats = false;
	r = ask("127.0.0.1", "stats.ocsdnsd", LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_CH, DNS_UDP, NULL);
	ck_assert_uint_eq(r.rcode, 5);
}
END_TEST

/* Workers' counters add up, with the server's reloads and start time. */
START_TEST(test_group_sum)
{
	static struct stats	 base, a, b, tot;
	struct stats		*parts[2] = { &a, &b };
	struct stats_group	 g = { &base, parts, 2 };
	struct dns_result	 res;
	uint8_t			 txt[512];
	size_t			 len;

	stats_init(&base);
	stats_init(&a);
	stats_init(&b);
	memset(&res, 0, sizeof(res));
	res.view = -1;
	res.flags = DNS_RES_QUESTION;
	res.qtype = TYPE_A;
	stats_count(&a, DNS_UDP, &res);
	stats_count(&a, DNS_UDP, &res);
	stats_count(&b, DNS_TCP, &res);
	stats_inc(&b.rrl_dropped);
	stats_inc(&base.reloads_ok);
	stats_sum(&tot, &g);
	ck_assert_uint_eq(tot.queries[DNS_UDP], 2);
	ck_assert_uint_eq(tot.queries[DNS_TCP], 1);
	ck_assert_uint_eq(tot.qtype[STATS_QT_A], 3);
	ck_assert_uint_eq(tot.rcode[STATS_RC_NOERROR], 3);
	ck_assert_uint_eq(tot.rrl_dropped, 1);
	ck_assert_uint_eq(tot.reloads_ok, 1);
	ck_assert_int_eq(tot.start_time, base.start_time);
	ck_assert_uint_eq(tot.nview_names, 0);

	/* CHAOS stats.ocsdnsd from any worker reports the whole group. */
	a.group = &g;
	ck_assert_uint_gt(len = stats_chaos_txt(&a, txt, sizeof(txt)), 0);
	ck_assert_ptr_nonnull(memmem(txt, len, "\tqueries=3", 10));
	ck_assert_ptr_nonnull(memmem(txt, len, "\x09reloads=1", 10));
	stats_free(&base);
	stats_free(&a);
	stats_free(&b);
}
END_TEST

START_TEST(test_chaos_txt_small_buffer)
{
	uint8_t buf[400];

	ck_assert_uint_gt(stats_chaos_txt(&st, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(stats_chaos_txt(&st, buf, 20), 0);
	ck_assert_uint_eq(buf[0], strlen("queries=0"));
	ck_assert(memcmp(buf + 1, "queries=0", 9) == 0);
}
END_TEST

START_TEST(test_qlog_names)
{
	static const uint8_t w1[] = "\007CoNtOsO\003com";
	static const uint8_t w2[] = "\003a.b\004x y\\\003com";
	static const uint8_t root[] = "";
	char buf[256], tb[16];

	qlog_name(w1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "CoNtOsO.com.");
	qlog_name(w2, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a\\.b.x\\032y\\\\.com.");
	qlog_name(root, buf, sizeof(buf));
	ck_assert_str_eq(buf, ".");
	ck_assert_str_eq(qlog_type(33, tb, sizeof(tb)), "SRV");
	ck_assert_str_eq(qlog_type(65280, tb, sizeof(tb)), "TYPE65280");
	ck_assert_str_eq(qlog_class(3, tb, sizeof(tb)), "CH");
	ck_assert_str_eq(qlog_class(7, tb, sizeof(tb)), "CLASS7");
	ck_assert_str_eq(stats_rcode_name(stats_rcode_index(9)), "NOTAUTH");
	ck_assert_str_eq(stats_qtype_name(stats_qtype_index(252)), "AXFR");
	ck_assert_str_eq(stats_qtype_name(stats_qtype_index(12)), "other");
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_results);
	tcase_add_test(tc, test_dropped_and_badvers);
	tcase_add_test(tc, test_prometheus);
	tcase_add_test(tc, test_views_survive_reload);
	tcase_add_test(tc, test_chaos);
	tcase_add_test(tc, test_chaos_txt_small_buffer);
	tcase_add_test(tc, test_group_sum);
	tcase_add_test(tc, test_qlog_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(stats_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
