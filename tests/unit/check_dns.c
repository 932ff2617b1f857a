/* check_dns.c -- dns_handle() end to end without sockets: packets in, packets out. */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "snapshot.h"
#include "testconf.h"

static const char *conf_text =
    "[server]\n"
    "ttl = 3600\n"
    "negative_ttl = 300\n"
    "nsid = lab-ns\n"
    "version = ocsdnsd-test\n"
    "identity = labhost\n"
    "[domain contoso.com]\n"
    "pool = pool01.contoso.com\n"
    "access_edge = sip.contoso.com\n"
    "federation = yes\n"
    "[domain fabrikam.com]\n"
    "pool = pool01.fabrikam.com, pool02.fabrikam.com:10:50\n"
    "access_edge = sip.fabrikam.com\n"
    "sip_tcp = no\n"
    "sipinternaltls_port = 5062\n"
    "[host pool01.contoso.com]\n"
    "address = 10.0.0.10, 10.0.0.11, 10.0.0.12\n"
    "[host sip.contoso.com]\n"
    "address = 203.0.113.10, 2001:db8::10\n"
    "[host lyncdiscover.contoso.com]\n"
    "cname = sip.contoso.com\n"
    "[host pool01.fabrikam.com]\n"
    "address = 10.1.0.10\n"
    "[host pool02.fabrikam.com]\n"
    "address = 10.1.0.20\n"
    "[host sip.fabrikam.com]\n"
    "address = 203.0.113.20\n"
    "[host big.fabrikam.com]\n"
    "address = 10.9.0.1, 10.9.0.2, 10.9.0.3, 10.9.0.4, 10.9.0.5, 10.9.0.6\n"
    "address = 10.9.0.7, 10.9.0.8, 10.9.0.9, 10.9.0.10, 10.9.0.11, 10.9.0.12\n"
    "address = 10.9.0.13, 10.9.0.14, 10.9.0.15, 10.9.0.16, 10.9.0.17\n"
    "address = 10.9.0.18, 10.9.0.19, 10.9.0.20, 10.9.0.21, 10.9.0.22\n"
    "address = 10.9.0.23, 10.9.0.24, 10.9.0.25, 10.9.0.26, 10.9.0.27\n"
    "address = 10.9.0.28, 10.9.0.29, 10.9.0.30, 10.9.0.31, 10.9.0.32\n"
    "address = 10.9.0.33, 10.9.0.34, 10.9.0.35, 10.9.0.36, 10.9.0.37\n";

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

/* Sends one query built by ldns through dns_handle(); returns the parsed reply. */
static ldns_pkt *
ask_full(const char *name, ldns_rr_type type, ldns_rr_class class, int edns,
    enum dns_transport tr, size_t *lenp)
{
	ldns_pkt *q = NULL, *r = NULL;
	uint8_t *wire;
	size_t wlen, n;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct dns_peer peer = { .remote = (struct sockaddr *)&sin, .transport = tr };

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, name, type, class, LDNS_RD),
	    LDNS_STATUS_OK);
	ldns_pkt_set_id(q, 0xbeef);
	if (edns > 0) {
		ldns_pkt_set_edns_udp_size(q, (uint16_t)edns);
		ldns_pkt_set_edns_do(q, true);
	}
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
	n = dns_handle(snap, &peer, wire, wlen, out);
	if (lenp != NULL)
		*lenp = n;
	free(wire);
	ldns_pkt_free(q);
	if (n == 0)
		return NULL;
	ck_assert_int_eq(ldns_wire2pkt(&r, out, n), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_id(r), 0xbeef);
	ck_assert(ldns_pkt_qr(r));
	ck_assert(!ldns_pkt_ra(r));
	ck_assert(ldns_pkt_rd(r));	/* copied */
	return r;
}

static ldns_pkt *
ask(const char *name, ldns_rr_type type)
{
	return ask_full(name, type, LDNS_RR_CLASS_IN, 0, DNS_UDP, NULL);
}

/* The presentation form of record i of a section, without the TTL column. */
static char *
rr_text(ldns_rr_list *l, size_t i)
{
	return ldns_rr2str(ldns_rr_list_rr(l, i));
}

static void
assert_rr(ldns_rr_list *l, size_t i, const char *want)
{
	char *got = rr_text(l, i);
	ck_assert_msg(got != NULL && strncmp(got, want, strlen(want)) == 0,
	    "record %zu: got '%s', want '%s'", i, got ? got : "(none)", want);
	free(got);
}

START_TEST(test_srv_answers)
{
	ldns_pkt *r = ask("_sipinternaltls._tcp.contoso.com", LDNS_RR_TYPE_SRV);

	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	assert_rr(ldns_pkt_answer(r), 0,
	    "_sipinternaltls._tcp.contoso.com.\t3600\tIN\tSRV\t0 0 5061 pool01.contoso.com.");
	/* The pool's three addresses come along in the additional section. */
	ck_assert_uint_eq(ldns_pkt_arcount(r), 3);
	assert_rr(ldns_pkt_additional(r), 0, "pool01.contoso.com.\t3600\tIN\tA\t10.0.0.");
	ldns_pkt_free(r);

	const char *want[][2] = {
		{ "_sipinternal._tcp.contoso.com", "SRV\t0 0 5060 pool01.contoso.com." },
		{ "_sip._tls.contoso.com", "SRV\t0 0 443 sip.contoso.com." },
		{ "_sip._tcp.contoso.com", "SRV\t0 0 443 sip.contoso.com." },
		{ "_sipfederationtls._tcp.contoso.com", "SRV\t0 0 5061 sip.contoso.com." },
		{ "_sipinternaltls._tcp.fabrikam.com", "SRV\t0 0 5062 pool01.fabrikam.com." },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char buf[200];
		r = ask(want[i][0], LDNS_RR_TYPE_SRV);
		ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
		snprintf(buf, sizeof(buf), "%s.\t3600\tIN\t%s", want[i][0], want[i][1]);
		assert_rr(ldns_pkt_answer(r), 0, buf);
		ldns_pkt_free(r);
	}

	/* Two pools, with priority and weight; edge with A and AAAA. */
	r = ask("_sipinternal._tcp.fabrikam.com", LDNS_RR_TYPE_SRV);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 2);
	assert_rr(ldns_pkt_answer(r), 1,
	    "_sipinternal._tcp.fabrikam.com.\t3600\tIN\tSRV\t10 50 5060 pool02.fabrikam.com.");
	ck_assert_uint_eq(ldns_pkt_arcount(r), 2);
	ldns_pkt_free(r);
	r = ask("_sip._tls.contoso.com", LDNS_RR_TYPE_SRV);
	ck_assert_uint_eq(ldns_pkt_arcount(r), 2);
	assert_rr(ldns_pkt_additional(r), 1, "sip.contoso.com.\t3600\tIN\tAAAA\t2001:db8::10");
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_turned_off_records)
{
	/* fabrikam: sip_tcp = no, federation unset. */
	ldns_pkt *r = ask("_sip._tcp.fabrikam.com", LDNS_RR_TYPE_SRV);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(r);
	r = ask("_sipfederationtls._tcp.fabrikam.com", LDNS_RR_TYPE_SRV);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_negative_answers)
{
	ldns_pkt *r = ask("nope.contoso.com", LDNS_RR_TYPE_A);

	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	ck_assert(ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_uint_eq(ldns_pkt_nscount(r), 1);
	assert_rr(ldns_pkt_authority(r), 0,
	    "contoso.com.\t300\tIN\tSOA\tns1.contoso.com. hostmaster.contoso.com. ");
	ldns_pkt_free(r);

	/* A deeper missing name still finds its zone. */
	r = ask("a.b.c._tcp.fabrikam.com", LDNS_RR_TYPE_A);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	assert_rr(ldns_pkt_authority(r), 0, "fabrikam.com.\t300\tIN\tSOA\t");
	ldns_pkt_free(r);

	/* NODATA: an existing name, another type; and empty non-terminals. */
	const char *nodata[] = { "pool01.contoso.com", "_tcp.contoso.com",
	    "_tls.contoso.com", "contoso.com" };
	for (size_t i = 0; i < 4; i++) {
		r = ask(nodata[i], LDNS_RR_TYPE_MX);
		ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
		ck_assert(ldns_pkt_aa(r));
		ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
		ck_assert_uint_eq(ldns_pkt_nscount(r), 1);
		assert_rr(ldns_pkt_authority(r), 0, "contoso.com.\t300\tIN\tSOA\t");
		ldns_pkt_free(r);
	}
}
END_TEST

START_TEST(test_refused)
{
	ldns_pkt *r = ask("example.org", LDNS_RR_TYPE_A);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ck_assert(!ldns_pkt_aa(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r) + ldns_pkt_nscount(r), 0);
	ldns_pkt_free(r);

	/* A name that ends like ours but is not below it. */
	r = ask("xcontoso.com", LDNS_RR_TYPE_A);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);

	r = ask_full("contoso.com", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_HS, 0, DNS_UDP, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);

	r = ask("contoso.com", LDNS_RR_TYPE_AXFR);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_apex_and_hosts)
{
	ldns_pkt *r = ask("contoso.com", LDNS_RR_TYPE_SOA);
	char want[200];

	snprintf(want, sizeof(want),
	    "contoso.com.\t3600\tIN\tSOA\tns1.contoso.com. hostmaster.contoso.com. %u 3600 600 604800 300",
	    snapshot_serial(snap));
	assert_rr(ldns_pkt_answer(r), 0, want);
	ldns_pkt_free(r);
	r = ask("contoso.com", LDNS_RR_TYPE_NS);
	assert_rr(ldns_pkt_answer(r), 0, "contoso.com.\t3600\tIN\tNS\tns1.contoso.com.");
	ldns_pkt_free(r);
	r = ask("sip.contoso.com", LDNS_RR_TYPE_AAAA);
	assert_rr(ldns_pkt_answer(r), 0, "sip.contoso.com.\t3600\tIN\tAAAA\t2001:db8::10");
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_round_robin)
{
	char *first[3];

	for (int i = 0; i < 3; i++) {
		ldns_pkt *r = ask("pool01.contoso.com", LDNS_RR_TYPE_A);
		ck_assert_uint_eq(ldns_pkt_ancount(r), 3);
		first[i] = rr_text(ldns_pkt_answer(r), 0);
		ldns_pkt_free(r);
	}
	ck_assert_str_ne(first[0], first[1]);
	ck_assert_str_ne(first[1], first[2]);
	ck_assert_str_ne(first[0], first[2]);
	for (int i = 0; i < 3; i++)
		free(first[i]);
}
END_TEST

START_TEST(test_cname)
{
	ldns_pkt *r = ask("lyncdiscover.contoso.com", LDNS_RR_TYPE_A);

	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 2);
	assert_rr(ldns_pkt_answer(r), 0,
	    "lyncdiscover.contoso.com.\t3600\tIN\tCNAME\tsip.contoso.com.");
	assert_rr(ldns_pkt_answer(r), 1, "sip.contoso.com.\t3600\tIN\tA\t203.0.113.10");
	ldns_pkt_free(r);

	/* A type the target lacks: the CNAME and the SOA (negative TTL). */
	r = ask("lyncdiscover.contoso.com", LDNS_RR_TYPE_MX);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	assert_rr(ldns_pkt_authority(r), 0, "contoso.com.\t300\tIN\tSOA");
	ldns_pkt_free(r);

	/* The CNAME type itself. */
	r = ask("lyncdiscover.contoso.com", LDNS_RR_TYPE_CNAME);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_question_echoed_exactly)
{
	ldns_pkt *r = ask("CoNtOsO.cOm", LDNS_RR_TYPE_SOA);
	char *q = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(r), 0)));

	ck_assert_str_eq(q, "CoNtOsO.cOm.");
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	free(q);
	ldns_pkt_free(r);

	/* Also on a negative answer, whose SOA owner points into the question. */
	r = ask("NoPe.Contoso.COM", LDNS_RR_TYPE_A);
	q = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(r), 0)));
	ck_assert_str_eq(q, "NoPe.Contoso.COM.");
	free(q);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_edns)
{
	size_t len;
	ldns_pkt *r = ask_full("contoso.com", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 4096,
	    DNS_UDP, &len);

	ck_assert(ldns_pkt_edns(r));
	ck_assert_uint_eq(ldns_pkt_edns_udp_size(r), 1232);
	ck_assert(ldns_pkt_edns_do(r));
	ck_assert_uint_eq(ldns_pkt_edns_version(r), 0);
	ldns_pkt_free(r);

	/* No OPT to a client that sent none. */
	r = ask("contoso.com", LDNS_RR_TYPE_SOA);
	ck_assert(!ldns_pkt_edns(r));
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_truncation)
{
	size_t len;
	/* 37 A records: 12 + 34 + 37 * 16 = 638 bytes, over 512. */
	ldns_pkt *r = ask_full("big.fabrikam.com", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP, &len);

	ck_assert(ldns_pkt_tc(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 0);
	ck_assert_uint_le(len, 512);
	ldns_pkt_free(r);

	/* Fits in the client's EDNS size; TCP takes it all. */
	r = ask_full("big.fabrikam.com", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 1232,
	    DNS_UDP, &len);
	ck_assert(!ldns_pkt_tc(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 37);
	ldns_pkt_free(r);
	r = ask_full("big.fabrikam.com", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, DNS_TCP, &len);
	ck_assert(!ldns_pkt_tc(r));
	ck_assert_uint_eq(ldns_pkt_ancount(r), 37);
	ldns_pkt_free(r);

	/* An EDNS size under 512 counts as 512. */
	r = ask_full("big.fabrikam.com", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 100,
	    DNS_UDP, &len);
	ck_assert(ldns_pkt_tc(r));
	ck_assert_uint_le(len, 512);
	ck_assert_uint_gt(len, 0);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_chaos)
{
	ldns_pkt *r = ask_full("version.bind", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 0,
	    DNS_UDP, NULL);

	assert_rr(ldns_pkt_answer(r), 0, "version.bind.\t0\tCH\tTXT\t\"ocsdnsd-test\"");
	ldns_pkt_free(r);
	r = ask_full("ID.Server", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 0, DNS_UDP, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
	r = ask_full("authors.bind", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 0, DNS_UDP, NULL);
	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);
}
END_TEST

START_TEST(test_any_is_minimal)
{
	ldns_pkt *r = ask("contoso.com", LDNS_RR_TYPE_ANY);

	ck_assert_int_eq(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(r), 1);	/* one RRset: NS */
	ldns_pkt_free(r);
}
END_TEST

/* Raw packets for what ldns will not build. */
START_TEST(test_header_rules)
{
	uint8_t q[64] = { 0x12, 0x34, 0x01, 0x30, 0, 1, 0, 0, 0, 0, 0, 0,
	    7, 'c', 'o', 'n', 't', 'o', 's', 'o', 3, 'c', 'o', 'm', 0, 0, 6, 0, 1 };
	struct dns_peer peer = { .transport = DNS_UDP };
	size_t n;

	/* RD, AD and CD, Z set in the query: RD and CD copied, AD and Z clear. */
	q[3] = 0x70;
	n = dns_handle(snap, &peer, q, 29, out);
	ck_assert_uint_gt(n, 29);
	ck_assert_uint_eq(out[2], 0x85);		/* QR AA RD */
	ck_assert_uint_eq(out[3], 0x10);		/* CD, NOERROR */

	/* NOTIFY (opcode 4) with TC and RD: NOTIMP, opcode echoed, no flags. */
	q[2] = 0x23;
	q[3] = 0x30;
	n = dns_handle(snap, &peer, q, 29, out);
	ck_assert_uint_eq(n, 12);
	ck_assert_uint_eq(out[0], 0x12);
	ck_assert_uint_eq(out[2], 0xa0);
	ck_assert_uint_eq(out[3], 0x04);

	/* A response is dropped. */
	q[2] = 0x81;
	ck_assert_uint_eq(dns_handle(snap, &peer, q, 29, out), 0);

	/* QDCOUNT 2: FORMERR. */
	q[2] = 0x01;
	q[5] = 2;
	n = dns_handle(snap, &peer, q, 29, out);
	ck_assert_uint_eq(out[3] & 0x0f, 1);
	ck_assert_uint_eq(out[2] & 0x80, 0x80);

	/* EDNS version 1: BADVERS (extended rcode 1 in the OPT, header 0). */
	q[5] = 1;
	q[11] = 1;
	const uint8_t opt[] = { 0, 0, 41, 4, 0xd0, 0, 1, 0, 0, 0, 0 };
	memcpy(q + 29, opt, sizeof(opt));
	n = dns_handle(snap, &peer, q, 40, out);
	ck_assert_uint_eq(out[3] & 0x0f, 0);
	ck_assert_uint_eq(n, 29 + 11);
	ck_assert_uint_eq(out[29 + 5], 1);
}
END_TEST

/*
 * The wire of an SRV answer: owner names point back into the question (RFC
 * 1035 compression), the SRV targets are written whole (RFC 2782), and the
 * additional records' owners are compressed against the question only.
 */
START_TEST(test_name_compression)
{
	size_t n, i;
	ldns_pkt *r = ask_full("_sipinternal._tcp.fabrikam.com", LDNS_RR_TYPE_SRV,
	    LDNS_RR_CLASS_IN, 0, DNS_UDP, &n);
	static const uint8_t target1[] = "\006pool01\010fabrikam\003com";
	static const uint8_t target2[] = "\006pool02\010fabrikam\003com";

	ck_assert_ptr_nonnull(r);
	ldns_pkt_free(r);
	/* Question: 12 + 13 ("_sipinternal") + 5 ("_tcp") + 9 + 4 + 1. */
	i = 12 + 13 + 5 + 9 + 4 + 1 + 4;
	for (int rr = 0; rr < 2; rr++) {
		ck_assert_uint_eq(out[i], 0xc0);	/* owner: the question */
		ck_assert_uint_eq(out[i + 1], 12);
		i += 2 + 8;
		ck_assert_uint_eq(out[i] << 8 | out[i + 1], 6 + sizeof(target1));
		i += 2 + 6;
		ck_assert_mem_eq(out + i, rr == 0 ? target1 : target2,
		    sizeof(target1));
		i += sizeof(target1);
	}
	/* pool01.fabrikam.com A: "pool01", then a pointer to "fabrikam". */
	ck_assert_mem_eq(out + i, "\006pool01\300\036", 9);
	ck_assert_uint_eq(out[12 + 13 + 5], 8);	/* offset 30 = 0x1e */
	ck_assert_uint_eq(n, i + 9 + 10 + 4 + 9 + 10 + 4);
}
END_TEST

/*
 * What dns_answer() tells is what it decided, and the reply says the same:
 * rcode, AA and TC; the parsed path (the UDP batch's) answers alike.
 */
START_TEST(test_result_matches_reply)
{
	static const struct {
		const char	*name;
		ldns_rr_type	 type;
		ldns_rr_class	 class;
		int		 edns;
		enum dns_transport tr;
	} qs[] = {
		{ "_sipinternaltls._tcp.contoso.com", LDNS_RR_TYPE_SRV, LDNS_RR_CLASS_IN, 0, DNS_UDP },
		{ "nope.contoso.com", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, DNS_UDP },
		{ "contoso.com", LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN, 1232, DNS_UDP },
		{ "example.org", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, DNS_UDP },
		{ "big.fabrikam.com", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, DNS_UDP },
		{ "big.fabrikam.com", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, DNS_TCP },
		{ "contoso.com", LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0, DNS_UDP },
		{ "version.bind", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 0, DNS_UDP },
		{ "version.bind", LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH, 0, DNS_UDP },
		{ "contoso.com", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_HS, 0, DNS_UDP },
		{ "lyncdiscover.contoso.com", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 512, DNS_UDP },
	};
	struct sockaddr_in sin = { .sin_family = AF_INET };
	static uint8_t out2[DNS_MAX_MESSAGE];

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		struct dns_peer peer = { .remote = (struct sockaddr *)&sin,
		    .transport = qs[i].tr };
		ldns_pkt *q = NULL;
		uint8_t *wire;
		size_t wlen;
		struct dns_result res, res2;
		struct query pq;

		ck_assert_int_eq(ldns_pkt_query_new_frm_str(&q, qs[i].name,
		    qs[i].type, qs[i].class, LDNS_RD), LDNS_STATUS_OK);
		if (qs[i].edns > 0)
			ldns_pkt_set_edns_udp_size(q, (uint16_t)qs[i].edns);
		ck_assert_int_eq(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
		size_t n = dns_answer(snap, &peer, NULL, wire, wlen, out, &res);
		ck_assert_uint_ge(n, DNS_HEADER_SIZE);
		ck_assert_uint_eq(res.rcode, out[3] & FLAG2_RCODE_MASK);
		ck_assert_uint_eq(!!(res.flags & DNS_RES_TC), !!(out[2] & FLAG1_TC));
		ck_assert_uint_eq(!!(res.flags & DNS_RES_AA), !!(out[2] & FLAG1_AA));
		ck_assert(!(res.flags & DNS_RES_DROPPED));
		ck_assert_ptr_eq(res.qname, wire + DNS_HEADER_SIZE);

		/* Parsed first, as the UDP batch does: the same answer. */
		query_parse(&pq, wire, wlen);
		ck_assert_uint_eq(dns_answer_query(snap, &peer, NULL, &pq, out2,
		    &res2), n);
		ck_assert_uint_eq(res2.rcode, res.rcode);
		ck_assert_uint_eq(res2.flags, res.flags);
		ck_assert_int_eq(res2.view, res.view);
		if (qs[i].name[0] != 'b')	/* big.fabrikam.com rotates */
			ck_assert_mem_eq(out2, out, n);
		free(wire);
		ldns_pkt_free(q);
	}
}
END_TEST

/* BADVERS and dropped messages: what the header cannot say. */
START_TEST(test_result_special)
{
	uint8_t q[64] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1,
	    7, 'c', 'o', 'n', 't', 'o', 's', 'o', 3, 'c', 'o', 'm', 0, 0, 6, 0, 1,
	    0, 0, 41, 4, 0xd0, 0, 1, 0, 0, 0, 0 };
	struct dns_peer peer = { .transport = DNS_UDP };
	struct dns_result res;

	ck_assert_uint_eq(dns_answer(snap, &peer, NULL, q, 40, out, &res), 40);
	ck_assert_uint_eq(res.rcode, RCODE_BADVERS);
	ck_assert_uint_eq(out[3] & FLAG2_RCODE_MASK, 0);
	ck_assert(!(res.flags & DNS_RES_AA));
	q[2] = 0x81;		/* a response */
	ck_assert_uint_eq(dns_answer(snap, &peer, NULL, q, 40, out, &res), 0);
	ck_assert_uint_eq(res.flags & DNS_RES_DROPPED, DNS_RES_DROPPED);
	q[2] = 0x21;		/* NOTIFY: NOTIMP, no question */
	ck_assert_uint_eq(dns_answer(snap, &peer, NULL, q, 40, out, &res), 12);
	ck_assert_uint_eq(res.rcode, RCODE_NOTIMP);
	ck_assert_uint_eq(res.flags, 0);
}
END_TEST

static Suite *
dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("answers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_srv_answers);
	tcase_add_test(tc, test_name_compression);
	tcase_add_test(tc, test_turned_off_records);
	tcase_add_test(tc, test_negative_answers);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_apex_and_hosts);
	tcase_add_test(tc, test_round_robin);
	tcase_add_test(tc, test_cname);
	tcase_add_test(tc, test_question_echoed_exactly);
	tcase_add_test(tc, test_edns);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_chaos);
	tcase_add_test(tc, test_any_is_minimal);
	tcase_add_test(tc, test_header_rules);
	tcase_add_test(tc, test_result_matches_reply);
	tcase_add_test(tc, test_result_special);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dns_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
