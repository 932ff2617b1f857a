/* check_encode.c -- the wire encoder: compression, its exceptions, limits. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "encode.h"
#include "wire.h"

/* --- helpers ------------------------------------------------------------ */

/* Each record kept as the zones' packed form has it: wire from ldns. */
static struct enc_rr recs[400];
static uint8_t	*wires[400];
static size_t	 nrrs;
static struct enc *e;

static void
setup(void)
{
	e = malloc(sizeof(*e));
	ck_assert_ptr_nonnull(e);
	nrrs = 0;
}

static void
teardown(void)
{
	for (size_t i = 0; i < nrrs; i++)
		free(wires[i]);
	free(e);
}

/* A record from its presentation form, freed by teardown(). */
static const struct enc_rr *
rr(const char *text)
{
	ldns_rr *r = NULL;
	size_t len = 0;

	ck_assert_int_eq(ldns_rr_new_frm_str(&r, text, 3600, NULL, NULL),
	    LDNS_STATUS_OK);
	ck_assert_uint_lt(nrrs, sizeof(recs) / sizeof(recs[0]));
	ck_assert_int_eq(ldns_rr2wire(&wires[nrrs], r, LDNS_SECTION_ANSWER,
	    &len), LDNS_STATUS_OK);
	ldns_rr_free(r);
	ck_assert(enc_rr_parse(&recs[nrrs], wires[nrrs], len));
	return &recs[nrrs++];
}

static size_t
name(const char *text, uint8_t out[DNS_MAX_NAME])
{
	size_t len = wire_name_from_text(text, out);

	ck_assert_uint_gt(len, 0);
	return len;
}

/* Renders a response to qname/qtype with the answer records an[0..n). */
static size_t
render_an(const char *qname, uint16_t qtype, const struct enc_rr *an, size_t n,
    const struct enc_rr *ad, size_t nad)
{
	uint8_t q[DNS_MAX_NAME];
	struct enc_section s_an = { an, n, NULL }, none = { NULL, 0, NULL };
	struct enc_section s_ad = { ad, nad, NULL };
	size_t noadd;

	name(qname, q);
	ck_assert_int_eq(enc_render(e, q, qtype, CLASS_IN, RCODE_NOERROR,
	    &s_an, &none, &s_ad, &noadd), 0);
	return noadd;
}

/* Whether the bytes [from, to) of the message hold a compression pointer. */
static bool
has_pointer(size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if ((e->buf[i] & 0xc0) == 0xc0)
			return true;
	return false;
}

/* --- compression -------------------------------------------------------- */

/*
 * Offsets: header 12; the question name at 12 (17 bytes), type and class to
 * 33; the CNAME's owner points at 12, its rdata is "web" then a pointer to
 * "contoso.com" at 16; the A's owner points at that "web" (45).
 */
START_TEST(test_compression_offsets)
{
	struct enc_rr an[2] = {
		*rr("www.contoso.com. 60 IN CNAME web.contoso.com."),
		*rr("web.contoso.com. 60 IN A 10.0.0.1"),
	};
	size_t noadd = render_an("www.contoso.com", TYPE_A, an, 2, NULL, 0);

	ck_assert_uint_eq(wire_get16(e->buf), 0);
	ck_assert_uint_eq(e->buf[2], FLAG1_QR | FLAG1_AA);
	ck_assert_uint_eq(e->buf[3], RCODE_NOERROR);
	ck_assert_uint_eq(wire_get16(e->buf + 4), 1);
	ck_assert_uint_eq(wire_get16(e->buf + 6), 2);
	ck_assert_uint_eq(wire_get16(e->buf + 8), 0);
	ck_assert_uint_eq(wire_get16(e->buf + 10), 0);
	ck_assert_mem_eq(e->buf + 12, "\003www\007contoso\003com", 17);
	ck_assert_uint_eq(wire_get16(e->buf + 29), TYPE_A);
	ck_assert_uint_eq(wire_get16(e->buf + 31), CLASS_IN);
	/* The CNAME: owner -> 12, TYPE CLASS TTL, RDLENGTH 6. */
	ck_assert_uint_eq(wire_get16(e->buf + 33), 0xc000 | 12);
	ck_assert_uint_eq(wire_get16(e->buf + 35), TYPE_CNAME);
	ck_assert_uint_eq(wire_get32(e->buf + 39), 60);
	ck_assert_uint_eq(wire_get16(e->buf + 43), 6);
	ck_assert_mem_eq(e->buf + 45, "\003web", 4);
	ck_assert_uint_eq(wire_get16(e->buf + 49), 0xc000 | 16);
	/* The A: owner -> "web" at 45, then its four bytes. */
	ck_assert_uint_eq(wire_get16(e->buf + 51), 0xc000 | 45);
	ck_assert_uint_eq(wire_get16(e->buf + 53), TYPE_A);
	ck_assert_uint_eq(wire_get16(e->buf + 61), 4);
	ck_assert_mem_eq(e->buf + 63, "\012\000\000\001", 4);
	ck_assert_uint_eq(e->len, 67);
	ck_assert_uint_eq(noadd, 67);
	ck_assert(!e->full);
}
END_TEST

/* Names match case-insensitively: the owner points at the question as asked. */
START_TEST(test_compression_case)
{
	struct enc_rr an[1] = { *rr("www.contoso.com. 60 IN A 10.0.0.1") };
	uint8_t q[] = "\003WwW\007CONTOSO\003cOm";
	struct enc_section s_an = { an, 1, NULL }, none = { NULL, 0, NULL };
	size_t noadd;

	ck_assert_int_eq(enc_render(e, q, TYPE_A, CLASS_IN, 0, &s_an, &none,
	    &none, &noadd), 0);
	ck_assert_mem_eq(e->buf + 12, q, sizeof(q));	/* kept as given */
	ck_assert_uint_eq(wire_get16(e->buf + 33), 0xc000 | 12);
}
END_TEST

/*
 * A name is compared only with the names remembered that are as long as
 * itself: "web" (3) and "www" (3) are, but differ, so the A's owner points
 * at the "contoso.com" after the question's first label (16); and "ns1"
 * (the NS rdata, 45: a label then a pointer) is found again for the
 * second A in another case, the first A's owner already its own name.
 */
START_TEST(test_compression_same_length)
{
	struct enc_rr an[3] = {
		*rr("www.contoso.com. 60 IN NS ns1.contoso.com."),
		*rr("web.contoso.com. 60 IN A 10.0.0.1"),
		*rr("NS1.Contoso.COM. 60 IN A 10.0.0.2"),
	};

	render_an("www.contoso.com", TYPE_NS, an, 3, NULL, 0);
	/* The NS: owner -> 12; rdata "ns1" then -> 16. */
	ck_assert_uint_eq(wire_get16(e->buf + 33), 0xc000 | 12);
	ck_assert_uint_eq(wire_get16(e->buf + 43), 6);
	ck_assert_mem_eq(e->buf + 45, "\003ns1", 4);
	ck_assert_uint_eq(wire_get16(e->buf + 49), 0xc000 | 16);
	/* The first A: "web" written, then -> 16. */
	ck_assert_mem_eq(e->buf + 51, "\003web", 4);
	ck_assert_uint_eq(wire_get16(e->buf + 55), 0xc000 | 16);
	/* The second A: its whole owner -> "ns1" at 45. */
	ck_assert_uint_eq(wire_get16(e->buf + 71), 0xc000 | 45);
	ck_assert_uint_eq(wire_get16(e->buf + 73), TYPE_A);
	ck_assert_uint_eq(e->len, 87);
}
END_TEST

/* The root is never a pointer: one zero byte is shorter. */
START_TEST(test_root_name)
{
	struct enc_rr an[1] = { *rr(". 60 IN NS a.root-servers.net.") };

	render_an(".", TYPE_NS, an, 1, NULL, 0);
	ck_assert_uint_eq(e->buf[12], 0);
	ck_assert_uint_eq(e->buf[17], 0);		/* the owner */
	ck_assert_uint_eq(wire_get16(e->buf + 18), TYPE_NS);
}
END_TEST

/* --- what is never compressed ------------------------------------------- */

/*
 * RFC 2782: an SRV target is written whole; and since it is not
 * remembered, the additional A record's owner points into the question,
 * not into the target.
 */
START_TEST(test_srv_target_whole)
{
	struct enc_rr an[2] = {
		*rr("_sip._tls.contoso.com. 60 IN SRV 0 0 443 sip.contoso.com."),
		*rr("_sip._tls.contoso.com. 60 IN SRV 10 0 443 sip.contoso.com."),
	};
	struct enc_rr ad[1] = { *rr("sip.contoso.com. 60 IN A 10.0.0.2") };
	static const uint8_t target[] = "\003sip\007contoso\003com";
	size_t noadd = render_an("_sip._tls.contoso.com", TYPE_SRV, an, 2, ad, 1);
	size_t pos = 12 + 23 + 4;	/* the question: 23-byte name */

	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(wire_get16(e->buf + pos), 0xc000 | 12);
		ck_assert_uint_eq(wire_get16(e->buf + pos + 10), 6 + sizeof(target));
		ck_assert_mem_eq(e->buf + pos + 18, target, sizeof(target));
		ck_assert(!has_pointer(pos + 18, pos + 18 + sizeof(target)));
		pos += 12 + 6 + sizeof(target);
	}
	ck_assert_uint_eq(noadd, pos);
	ck_assert_uint_eq(wire_get16(e->buf + 10), 1);
	/* "sip", then a pointer to "contoso.com" in the question (22). */
	ck_assert_mem_eq(e->buf + pos, "\003sip\300\026", 6);
	ck_assert_uint_eq(e->len, pos + 6 + 10 + 4);
}
END_TEST

/*
 * RFC 3597 section 4: only the RFC 1035 types may have their rdata names
 * compressed. RP and AFSDB (later types) go whole; MX, NS and SOA point.
 */
START_TEST(test_rfc3597_types)
{
	struct enc_rr an[1];
	size_t at = 12 + 13 + 4;	/* after "contoso.com" and type, class */

	an[0] = *rr("contoso.com. 60 IN RP admin.contoso.com. info.contoso.com.");
	render_an("contoso.com", LDNS_RR_TYPE_RP, an, 1, NULL, 0);
	ck_assert_uint_eq(wire_get16(e->buf + at), 0xc000 | 12);
	ck_assert_uint_eq(wire_get16(e->buf + at + 10), 19 + 18);
	ck_assert(!has_pointer(at + 12, e->len));

	an[0] = *rr("contoso.com. 60 IN AFSDB 1 afs.contoso.com.");
	render_an("contoso.com", LDNS_RR_TYPE_AFSDB, an, 1, NULL, 0);
	ck_assert_uint_eq(wire_get16(e->buf + at + 10), 2 + 17);
	ck_assert(!has_pointer(at + 12, e->len));

	an[0] = *rr("contoso.com. 60 IN MX 10 mail.contoso.com.");
	render_an("contoso.com", TYPE_MX, an, 1, NULL, 0);
	ck_assert_uint_eq(wire_get16(e->buf + at + 10), 2 + 5 + 2);
	ck_assert_mem_eq(e->buf + at + 14, "\004mail\300\014", 7);

	an[0] = *rr("contoso.com. 60 IN NS contoso.com.");
	render_an("contoso.com", TYPE_NS, an, 1, NULL, 0);
	ck_assert_uint_eq(wire_get16(e->buf + at + 10), 2);
	ck_assert_uint_eq(wire_get16(e->buf + at + 12), 0xc000 | 12);

	an[0] = *rr("contoso.com. 60 IN SOA ns1.contoso.com. h.contoso.com. "
	    "1 2 3 4 5");
	render_an("contoso.com", TYPE_SOA, an, 1, NULL, 0);
	ck_assert_uint_eq(wire_get16(e->buf + at + 10), 6 + 4 + 20);
	ck_assert_mem_eq(e->buf + at + 12, "\003ns1\300\014\001h\300\014", 10);
}
END_TEST

/*
 * compress = false (the SOA tail of negative answers): no pointer even for
 * a name already written, and nothing remembered for later names.
 */
START_TEST(test_uncompressed_rr)
{
	const struct enc_rr *soa = rr("contoso.com. 3600 IN SOA ns1.contoso.com. "
	    "h.contoso.com. 1 2 3 4 5");
	const struct enc_rr *a = rr("contoso.com. 60 IN A 10.0.0.1");
	uint32_t ttl = 300;
	uint8_t apex[DNS_MAX_NAME];
	size_t len = name("contoso.com", apex);

	enc_reset(e);
	enc_rr(e, soa, &ttl, false);
	ck_assert(!e->full);
	ck_assert_mem_eq(e->buf, apex, len);
	ck_assert_uint_eq(wire_get32(e->buf + len + 4), 300);	/* the TTL given */
	ck_assert(!has_pointer(0, e->len));
	ck_assert_uint_eq(e->len, len + 10 + 17 + 15 + 20);
	ck_assert_uint_eq(e->ncomp, 0);

	/* The next name cannot point into it: whole again, then remembered. */
	size_t second = e->len;
	enc_rr(e, a, NULL, true);
	ck_assert_mem_eq(e->buf + second, apex, len);
	ck_assert_uint_eq(wire_get32(e->buf + second + len + 4), 60);
	size_t third = e->len;
	enc_rr(e, a, NULL, true);
	ck_assert_uint_eq(wire_get16(e->buf + third), 0xc000 | second);

	enc_reset(e);
	ck_assert_uint_eq(e->len, 0);
	ck_assert_uint_eq(e->ncomp, 0);
	ck_assert(!e->full);
}
END_TEST

/*
 * An RR's uncompressed wire at w (class IN, TTL 60) from its owner and
 * rdata as they are, whatever their form: its length.
 */
static size_t
raw_rr(uint8_t *w, const uint8_t *owner, size_t olen, uint16_t type,
    const uint8_t *rdata, size_t rdlen)
{
	memcpy(w, owner, olen);
	wire_put16(w + olen, type);
	wire_put16(w + olen + 2, CLASS_IN);
	wire_put32(w + olen + 4, 60);
	wire_put16(w + olen + 8, (uint16_t)rdlen);
	memcpy(w + olen + 10, rdata, rdlen);
	return olen + 10 + rdlen;
}

/*
 * Rdata not of its type's form (a zone file's generic rdata, say) is
 * copied as it is: nothing read past it, nothing compressed in it.
 */
START_TEST(test_rdata_not_of_its_form)
{
	static const uint8_t owner[] = "\001a\007contoso\003com";
	static const uint8_t short_mx[] = { 0 };
	static const uint8_t cut_ns[] = { 7, 'c', 'o', 'n', 't', 'o', 's', 'o' };
	uint8_t mxw[64], nsw[64];
	struct enc_rr mx, ns;

	ck_assert(enc_rr_parse(&mx, mxw, raw_rr(mxw, owner, sizeof(owner),
	    TYPE_MX, short_mx, sizeof(short_mx))));
	ck_assert(enc_rr_parse(&ns, nsw, raw_rr(nsw, owner, sizeof(owner),
	    TYPE_NS, cut_ns, sizeof(cut_ns))));

	enc_reset(e);
	enc_rr(e, &mx, NULL, true);
	enc_rr(e, &ns, NULL, true);
	ck_assert(!e->full);
	size_t at = sizeof(owner) + 8;	/* the first RDLENGTH */
	ck_assert_uint_eq(wire_get16(e->buf + at), 1);
	ck_assert_uint_eq(e->buf[at + 2], 0);
	at += 2 + 1 + 2 + 8;		/* the owner points back, then TYPE... */
	ck_assert_uint_eq(wire_get16(e->buf + at), sizeof(cut_ns));
	ck_assert_mem_eq(e->buf + at + 2, cut_ns, sizeof(cut_ns));
	ck_assert_uint_eq(e->len, at + 2 + sizeof(cut_ns));
}
END_TEST

/* --- limits ------------------------------------------------------------- */

/* A TXT record of one 255-byte string at owner: 268 bytes when compressed. */
static const struct enc_rr *
big_txt(const char *owner)
{
	char text[400];

	snprintf(text, sizeof(text), "%s 60 IN TXT \"%0255d\"", owner, 0);
	return rr(text);
}

/* Past 64 KiB the message is refused, and nothing is written beyond. */
START_TEST(test_message_limit)
{
	struct enc_rr an[250];
	uint8_t q[DNS_MAX_NAME];
	struct enc_section none = { NULL, 0, NULL };
	size_t noadd;

	for (size_t i = 0; i < 250; i++)
		an[i] = *big_txt("t.contoso.com.");
	name("t.contoso.com", q);
	/* 244 records: 12 + 19 + 244 * 268 = 65423, just fits. */
	struct enc_section fits = { an, 244, NULL };
	ck_assert_int_eq(enc_render(e, q, TYPE_TXT, CLASS_IN, 0, &fits, &none,
	    &none, &noadd), 0);
	ck_assert_uint_eq(e->len, 65423);
	ck_assert(!e->full);
	/* One more: 65691 bytes do not. */
	struct enc_section over = { an, 245, NULL };
	ck_assert_int_eq(enc_render(e, q, TYPE_TXT, CLASS_IN, 0, &over, &none,
	    &none, &noadd), -1);
	ck_assert(e->full);
	ck_assert_uint_le(e->len, ENC_MAX);
	/* In the additional section too; render starts afresh each time. */
	struct enc_section one = { an, 1, NULL }, ad = { an, 244, NULL };
	ck_assert_int_eq(enc_render(e, q, TYPE_TXT, CLASS_IN, 0, &one, &none,
	    &ad, &noadd), -1);
	ck_assert_int_eq(enc_render(e, q, TYPE_TXT, CLASS_IN, 0, &one, &none,
	    &none, &noadd), 0);
	ck_assert_uint_eq(e->len, 12 + 19 + 268);
}
END_TEST

/*
 * A pointer has 14 bits of offset: a name first written at or past 0x4000
 * is not offered to later names, which point further back or go whole.
 */
START_TEST(test_pointer_range)
{
	struct enc_rr an[70];
	size_t n = 0;

	for (; n < 66; n++)
		an[n] = *big_txt("t.contoso.com.");	/* to 12 + 19 + 66 * 268 */
	an[n++] = *rr("late.contoso.com. 60 IN A 10.0.0.1");
	an[n++] = *rr("late.contoso.com. 60 IN A 10.0.0.2");
	render_an("t.contoso.com", TYPE_TXT, an, n, NULL, 0);

	size_t first = 12 + 19 + 66 * 268, second = first + 7 + 14;
	ck_assert_uint_ge(first, 0x4000);
	/* Both: "late", then a pointer to "contoso.com" in the question. */
	ck_assert_mem_eq(e->buf + first, "\004late\300\016", 7);
	ck_assert_mem_eq(e->buf + second, "\004late\300\016", 7);
	ck_assert_uint_eq(e->len, second + 7 + 14);
}
END_TEST

/* The rcode goes in the header; the additional section comes last. */
START_TEST(test_header_and_noadd)
{
	uint8_t q[DNS_MAX_NAME];
	struct enc_rr ns[1] = { *rr("contoso.com. 300 IN SOA ns1.contoso.com. "
	    "h.contoso.com. 1 2 3 4 5") };
	struct enc_rr ad[1] = { *rr("ns1.contoso.com. 60 IN A 10.0.0.2") };
	struct enc_section none = { NULL, 0, NULL }, s_ns = { ns, 1, NULL };
	struct enc_section s_ad = { ad, 1, NULL };
	uint32_t ttl = 30;
	struct enc_section s_ns_ttl = { ns, 1, &ttl };
	size_t noadd;

	name("nope.contoso.com", q);
	ck_assert_int_eq(enc_render(e, q, TYPE_A, CLASS_IN, RCODE_NXDOMAIN,
	    &none, &s_ns, &s_ad, &noadd), 0);
	ck_assert_uint_eq(e->buf[3], RCODE_NXDOMAIN);
	ck_assert_uint_eq(wire_get16(e->buf + 6), 0);
	ck_assert_uint_eq(wire_get16(e->buf + 8), 1);
	ck_assert_uint_eq(wire_get16(e->buf + 10), 1);
	ck_assert_uint_lt(noadd, e->len);
	/*
	 * The SOA's owner points at "contoso.com" in the question (17); the
	 * additional record starts at noadd, its owner a pointer to the SOA's
	 * MNAME (at + 12), which is compressible (RFC 1035) and remembered.
	 */
	size_t at = 12 + 18 + 4;
	ck_assert_uint_eq(wire_get16(e->buf + noadd), 0xc000 | (at + 12));
	ck_assert_uint_eq(wire_get16(e->buf + noadd + 2), TYPE_A);
	ck_assert_uint_eq(e->len, noadd + 2 + 10 + 4);
	ck_assert_uint_eq(wire_get16(e->buf + at), 0xc000 | 17);
	ck_assert_uint_eq(wire_get32(e->buf + at + 6), 300);
	/* A section's TTL, when given, replaces every record's. */
	ck_assert_int_eq(enc_render(e, q, TYPE_A, CLASS_IN, RCODE_NXDOMAIN,
	    &none, &s_ns_ttl, &none, &noadd), 0);
	ck_assert_uint_eq(wire_get32(e->buf + at + 6), 30);
	ck_assert_uint_eq(noadd, e->len);
}
END_TEST

static Suite *
encode_suite(void)
{
	Suite *s = suite_create("encode");
	TCase *tc = tcase_create("render");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_compression_offsets);
	tcase_add_test(tc, test_compression_case);
	tcase_add_test(tc, test_compression_same_length);
	tcase_add_test(tc, test_root_name);
	tcase_add_test(tc, test_srv_target_whole);
	tcase_add_test(tc, test_rfc3597_types);
	tcase_add_test(tc, test_uncompressed_rr);
	tcase_add_test(tc, test_rdata_not_of_its_form);
	tcase_add_test(tc, test_message_limit);
	tcase_add_test(tc, test_pointer_range);
	tcase_add_test(tc, test_header_and_noadd);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(encode_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
