/* check_tcpframe.c -- unit tests of the TCP framing, and framed streams replayed as the server reads them. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "snapshot.h"
#include "tcpframe.h"
#include "wire.h"

START_TEST(test_need_prefix)
{
	static const uint8_t b[2] = { 0x00, 0x1d };
	size_t len = 99;

	ck_assert_int_eq(tcpframe_next(NULL, 0, &len), TCPFRAME_NEED_MORE);
	ck_assert_uint_eq(len, 0);
	len = 99;
	ck_assert_int_eq(tcpframe_next(b, 1, &len), TCPFRAME_NEED_MORE);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(test_zero_length_closes)
{
	static const uint8_t b[4] = { 0x00, 0x00, 0x12, 0x34 };
	size_t len = 99;

	ck_assert_int_eq(tcpframe_next(b, 2, &len), TCPFRAME_CLOSE);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(tcpframe_next(b, 4, &len), TCPFRAME_CLOSE);
}
END_TEST

START_TEST(test_partial_frame)
{
	static const uint8_t b[2] = { 0x01, 0x02 };	/* 258 bytes */
	size_t len = 0;

	ck_assert_int_eq(tcpframe_next(b, 2, &len), TCPFRAME_NEED_MORE);
	ck_assert_uint_eq(len, 258);
	ck_assert_int_eq(tcpframe_next(b, 2 + 257, &len), TCPFRAME_NEED_MORE);
	ck_assert_uint_eq(len, 258);
	ck_assert_int_eq(tcpframe_next(b, 2 + 258, &len), TCPFRAME_FRAME);
	ck_assert_uint_eq(len, 258);
	/* More behind it: the next frame, pipelined. */
	ck_assert_int_eq(tcpframe_next(b, 2 + 258 + 5, &len), TCPFRAME_FRAME);
	ck_assert_uint_eq(len, 258);
}
END_TEST

START_TEST(test_limits)
{
	static const uint8_t one[2] = { 0x00, 0x01 }, max[2] = { 0xff, 0xff };
	size_t len = 0;

	ck_assert_int_eq(tcpframe_next(one, 3, &len), TCPFRAME_FRAME);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(tcpframe_next(max, 2 + 65534, &len), TCPFRAME_NEED_MORE);
	ck_assert_uint_eq(len, 65535);
	ck_assert_int_eq(tcpframe_next(max, 2 + 65535, &len), TCPFRAME_FRAME);
	ck_assert_uint_eq(len, 65535);
	ck_assert_int_eq(tcpframe_next(max, (size_t)-1, &len), TCPFRAME_FRAME);
	ck_assert_uint_eq(len, 65535);
}
END_TEST

/* Splits a stream as tcp_process() does: frames until the verdict is not FRAME. */
START_TEST(test_walk_stream)
{
	static const uint8_t s[] = {
		0x00, 0x01, 0xaa,
		0x00, 0x03, 0x01, 0x02, 0x03,
		0x00, 0x02, 0x05,			/* partial: one of two */
	};
	size_t off = 0, len, frames = 0;
	enum tcpframe_verdict v;

	while ((v = tcpframe_next(s + off, sizeof(s) - off, &len)) ==
	    TCPFRAME_FRAME) {
		off += TCPFRAME_HDR + len;
		frames++;
	}
	ck_assert_int_eq(v, TCPFRAME_NEED_MORE);
	ck_assert_uint_eq(frames, 2);
	ck_assert_uint_eq(off, 8);
	ck_assert_uint_eq(len, 2);
}
END_TEST

/* ---- Framed streams through dns_handle(), as tests/fuzz/fuzz_tcp.c does. */

static struct snapshot *snap;
static uint8_t out[DNS_MAX_MESSAGE];
static size_t nxfr;

static void
setup(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct config *cfg;

	snprintf(path, sizeof(path), "%s/conf/ocsdnsd.ini", top ? top : ".");
	cfg = config_load(path, stderr, NULL);
	ck_assert_msg(cfg != NULL, "cannot load %s (set top_srcdir)", path);
	snap = snapshot_build(cfg, NULL, stderr);
	ck_assert_ptr_nonnull(snap);
}

static void
teardown(void)
{
	snapshot_free(snap);
}

static int
emit(void *arg, const uint8_t *msg, size_t len)
{
	ldns_pkt *p = NULL;

	(void)arg;
	ck_assert_uint_ge(len, DNS_HEADER_SIZE);
	ck_assert_uint_le(len, DNS_MAX_MESSAGE);
	ck_assert_int_eq(ldns_wire2pkt(&p, msg, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	nxfr++;
	return 0;
}

/*
 * Feeds every whole frame of the stream to dns_handle() over TCP from
 * 127.0.0.1; returns the number of replies, and in *v how the stream ended.
 */
static size_t
replay(const uint8_t *s, size_t n, enum tcpframe_verdict *v)
{
	struct sockaddr_in sin;
	struct dns_peer peer;
	size_t off = 0, len, replies = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(&peer, 0, sizeof(peer));
	peer.remote = (const struct sockaddr *)&sin;
	peer.transport = DNS_TCP;
	peer.emit = emit;
	while ((*v = tcpframe_next(s + off, n - off, &len)) == TCPFRAME_FRAME) {
		uint8_t *q = malloc(len);
		ldns_pkt *p = NULL;
		size_t r;

		ck_assert_ptr_nonnull(q);
		memcpy(q, s + off + TCPFRAME_HDR, len);
		off += TCPFRAME_HDR + len;
		r = dns_handle(snap, &peer, q, len, out);
		free(q);
		if (r == 0)
			continue;
		ck_assert_uint_le(r, DNS_MAX_MESSAGE);
		ck_assert_int_eq(ldns_wire2pkt(&p, out, r), LDNS_STATUS_OK);
		ldns_pkt_free(p);
		replies++;
	}
	return replies;
}

/* A query for NAME TYPE, framed, appended at s + *n. */
static void
add_query(uint8_t *s, size_t *n, uint16_t id, const char *name, uint16_t type)
{
	size_t start = *n, len;
	uint8_t *p = s + start + TCPFRAME_HDR;
	static const uint8_t hdr[10] = { 0x01, 0x00, 0x00, 0x01 };

	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	memcpy(p + 2, hdr, sizeof(hdr));
	p += DNS_HEADER_SIZE;
	while (*name != '\0') {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		*p++ = (uint8_t)l;
		memcpy(p, name, l);
		p += l;
		name += l + (dot != NULL);
	}
	*p++ = 0;
	*p++ = (uint8_t)(type >> 8);
	*p++ = (uint8_t)type;
	*p++ = 0;
	*p++ = 1;
	len = (size_t)(p - (s + start + TCPFRAME_HDR));
	s[start] = (uint8_t)(len >> 8);
	s[start + 1] = (uint8_t)len;
	*n = start + TCPFRAME_HDR + len;
}

START_TEST(test_pipelined_and_axfr)
{
	uint8_t s[512];
	size_t n = 0;
	enum tcpframe_verdict v;

	add_query(s, &n, 1, "contoso.com", TYPE_SOA);
	add_query(s, &n, 2, "_sipinternaltls._tcp.contoso.com", TYPE_SRV);
	add_query(s, &n, 3, "contoso.com", 252);	/* AXFR */
	add_query(s, &n, 4, "nope.contoso.com", TYPE_A);
	nxfr = 0;
	ck_assert_uint_eq(replay(s, n, &v), 3);
	ck_assert_int_eq(v, TCPFRAME_NEED_MORE);
	ck_assert_uint_ge(nxfr, 1);

	/* A zero-length frame ends the stream; what follows is never read. */
	s[n++] = 0;
	s[n++] = 0;
	add_query(s, &n, 5, "contoso.com", TYPE_NS);
	nxfr = 0;
	ck_assert_uint_eq(replay(s, n, &v), 3);
	ck_assert_int_eq(v, TCPFRAME_CLOSE);
}
END_TEST

static Suite *
tcpframe_suite(void)
{
	Suite *s = suite_create("tcpframe");
	TCase *tc = tcase_create("framing");
	TCase *ts = tcase_create("streams");

	tcase_add_test(tc, test_need_prefix);
	tcase_add_test(tc, test_zero_length_closes);
	tcase_add_test(tc, test_partial_frame);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_walk_stream);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, test_pipelined_and_axfr);
	suite_add_tcase(s, ts);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tcpframe_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
