/* check_synth.c -- unit tests of record synthesis per domain and view. */
#include <check.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "reverse.h"
#include "rrwire.h"
#include "synth.h"
#include "zonefile.h"
#include "testconf.h"

static struct config *
load(const char *text)
{
	struct config *cfg = testconf_load(text);

	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

/* All records of a view as text, one per line, in the order built. */
static char *
view_text(const struct synth_view *sv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t z = 0; z < sv->nzones; z++) {
		ldns_rr_list *l = synth_zone_list(&sv->zones[z], ZONEWIRE_ALL);
		ck_assert_ptr_nonnull(l);
		ldns_rr_list_print(f, l);
		ldns_rr_list_deep_free(l);
	}
	fclose(f);
	return buf;
}

static const char *split =
    "[view internal]\n"
    "match = 127.0.0.1, 10.0.0.0/8\n"
    "[view external]\n"
    "match = any\n"
    "scope = external\n"
    "[domain contoso.com]\n"
    "pool = pool01.contoso.com\n"
    "access_edge = sip.contoso.com\n"
    "federation = yes\n"
    "[host pool01.contoso.com]\n"
    "address = 10.0.0.10\n"
    "[host sip.contoso.com]\n"
    "address.internal = 10.0.1.10\n"
    "address.external = 203.0.113.10\n"
    "[host ns1.contoso.com]\n"
    "address = 192.0.2.53\n";

START_TEST(test_records_of_a_domain)
{
	struct config *cfg = load(
	    "[domain contoso.com]\n"
	    "pool = pool01.contoso.com:5:7\n"
	    "access_edge = sip.contoso.com\n"
	    "sipinternal_port = 5070\n"
	    "ttl = 600\n"
	    "[host pool01.contoso.com]\n"
	    "address = 10.0.0.10, 2001:db8::1\n"
	    "[host sip.contoso.com]\n"
	    "address = 203.0.113.10\n");
	struct synth_view sv;

	ck_assert_int_eq(synth_view(cfg, -1, 2026112401, &sv), 0);
	ck_assert_uint_eq(sv.nzones, 1);
	ck_assert_str_eq(sv.zones[0].name, "contoso.com");
	ck_assert_uint_eq(sv.zones[0].neg_ttl, 300);
	char *t = view_text(&sv);
	ck_assert_ptr_nonnull(strstr(t, "contoso.com.\t600\tIN\tSOA\tns1.contoso.com. "
	    "hostmaster.contoso.com. 2026112401 3600 600 604800 300\n"));
	ck_assert_ptr_nonnull(strstr(t, "contoso.com.\t600\tIN\tNS\tns1.contoso.com.\n"));
	ck_assert_ptr_nonnull(strstr(t, "_sipinternaltls._tcp.contoso.com.\t600\tIN\tSRV\t5 7 5061 pool01.contoso.com.\n"));
	ck_assert_ptr_nonnull(strstr(t, "_sipinternal._tcp.contoso.com.\t600\tIN\tSRV\t5 7 5070 pool01.contoso.com.\n"));
	ck_assert_ptr_nonnull(strstr(t, "_sip._tls.contoso.com.\t600\tIN\tSRV\t0 0 443 sip.contoso.com.\n"));
	ck_assert_ptr_nonnull(strstr(t, "_sip._tcp.contoso.com.\t600\tIN\tSRV\t0 0 443 sip.contoso.com.\n"));
	ck_assert_ptr_null(strstr(t, "_sipfederationtls"));
	ck_assert_ptr_nonnull(strstr(t, "pool01.contoso.com.\t600\tIN\tAAAA\t2001:db8::1\n"));
	/* The SOA comes first: the answer table relies on it. */
	struct zonewire_iter it;
	struct zonewire_rr rr;
	zonewire_iter(&sv.zones[0].wire, ZONEWIRE_ZONE, &it);
	ck_assert(zonewire_next(&it, &rr));
	ck_assert_uint_eq(rr.type, LDNS_RR_TYPE_SOA);
	ck_assert_uint_eq(zonewire_serial(&sv.zones[0].wire), 2026112401);
	free(t);
	synth_view_clear(&sv);
	config_free(cfg);
}
END_TEST

/*
 * More targets than synth keeps in wire form for a set's next service:
 * every service lists them all, in the order given.
 */
START_TEST(test_many_targets)
{
	char text[2048], *p = text;
	p += sprintf(p, "[domain c.lab]\npool = ");
	for (int k = 1; k <= 10; k++)
		p += sprintf(p, "%sp%02d.c.lab:%d:%d", k > 1 ? ", " : "",
		    k, k, 20 - k);
	p += sprintf(p, "\naccess_edge = sip.c.lab\n");
	for (int k = 1; k <= 10; k++)
		p += sprintf(p, "[host p%02d.c.lab]\naddress = "
		    "10.0.0.%d\n", k, k);
	sprintf(p, "[host sip.c.lab]\naddress = 203.0.113.10\n");
	struct config *cfg = load(text);
	struct synth_view sv;
	ck_assert_int_eq(synth_view(cfg, -1, 1, &sv), 0);
	char *t = view_text(&sv), want[2048];
	const char *owners[] = { "_sipinternaltls._tcp", "_sipinternal._tcp" };
	for (size_t o = 0; o < 2; o++) {
		const char *at = strstr(t, owners[o]);
		ck_assert_ptr_nonnull(at);
		unsigned port;
		ck_assert_int_eq(sscanf(strstr(at, "SRV\t") + 4, "%*u %*u %u",
		    &port), 1);
		char *w = want;
		for (int k = 1; k <= 10; k++)
			w += sprintf(w, "%s.c.lab.\t3600\tIN\tSRV\t%d %d %u "
			    "p%02d.c.lab.\n", owners[o], k, 20 - k, port,
			    k);
		ck_assert_msg(strstr(t, want) != NULL, "not in order:\n%s\n"
		    "in:\n%s", want, t);
	}
	free(t);
	synth_view_clear(&sv);
	config_free(cfg);
}
END_TEST

START_TEST(test_internal_view_sees_all)
{
	struct config *cfg = load(split);
	struct synth_view sv;

	ck_assert_int_eq(synth_view(cfg, 0, 1, &sv), 0);
	char *t = view_text(&sv);
	ck_assert_ptr_nonnull(strstr(t, "_sipinternaltls._tcp.contoso.com."));
	ck_assert_ptr_nonnull(strstr(t, "_sip._tls.contoso.com."));
	ck_assert_ptr_nonnull(strstr(t, "pool01.contoso.com.\t3600\tIN\tA\t10.0.0.10"));
	ck_assert_ptr_nonnull(strstr(t, "sip.contoso.com.\t3600\tIN\tA\t10.0.1.10"));
	ck_assert_ptr_null(strstr(t, "203.0.113.10"));
	free(t);
	synth_view_clear(&sv);
	config_free(cfg);
}
END_TEST

START_TEST(test_external_view_leaks_nothing)
{
	struct config *cfg = load(split);
	struct synth_view sv;

	ck_assert_int_eq(synth_view(cfg, 1, 1, &sv), 0);
	ck_assert(sv.external);
	char *t = view_text(&sv);
	ck_assert_ptr_null(strstr(t, "_sipinternal"));
	ck_assert_ptr_null(strstr(t, "pool01"));
	ck_assert_ptr_null(strstr(t, "10.0."));
	ck_assert_ptr_nonnull(strstr(t, "_sip._tls.contoso.com.\t3600\tIN\tSRV\t0 0 443 sip.contoso.com."));
	ck_assert_ptr_nonnull(strstr(t, "_sipfederationtls._tcp.contoso.com."));
	ck_assert_ptr_nonnull(strstr(t, "sip.contoso.com.\t3600\tIN\tA\t203.0.113.10"));
	ck_assert_ptr_nonnull(strstr(t, "ns1.contoso.com.\t3600\tIN\tA\t192.0.2.53"));
	free(t);
	ck_assert(!synth_host_visible(cfg, 1, "pool01.contoso.com"));
	ck_assert(synth_host_visible(cfg, 0, "pool01.contoso.com"));
	synth_view_clear(&sv);
	config_free(cfg);
}
END_TEST

START_TEST(test_nested_domains)
{
	struct config *cfg = load(
	    "[domain contoso.com]\n"
	    "access_edge = sip.contoso.com\n"
	    "[domain eu.contoso.com]\n"
	    "access_edge = sip.eu.contoso.com\n"
	    "[host sip.contoso.com]\n"
	    "address = 203.0.113.10\n"
	    "[host sip.eu.contoso.com]\n"
	    "address = 203.0.113.11\n");
	struct synth_view sv;

	ck_assert_int_eq(synth_view(cfg, -1, 1, &sv), 0);
	ck_assert_uint_eq(sv.nzones, 2);
	/* The host goes to the longest domain that holds it, only there. */
	ldns_rr_list *l0 = synth_zone_list(&sv.zones[0], ZONEWIRE_ZONE);
	ck_assert_ptr_nonnull(l0);
	for (size_t i = 0; i < ldns_rr_list_rr_count(l0); i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l0, i));
		ck_assert_ptr_null(strstr(s, "203.0.113.11"));
		free(s);
	}
	ldns_rr_list_deep_free(l0);
	char *t = view_text(&sv);
	ck_assert_ptr_nonnull(strstr(t, "sip.eu.contoso.com.\t3600\tIN\tA\t203.0.113.11"));
	free(t);
	synth_view_clear(&sv);
	config_free(cfg);
}
END_TEST

/*
 * Large views are built by several threads, zone k by thread k mod n: the
 * records and their order must not depend on n (hosts listed far from
 * their domain, views, fallback names, cname hosts included).
 */
START_TEST(test_threads_same_records)
{
	char *text = NULL, *one[2], *many[2];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fputs("[view internal]\nmatch = 127.0.0.1\n"
	    "[view external]\nmatch = any\nscope = external\n", f);
	for (int i = 0; i < 40; i++)
		fprintf(f, "[domain d%02d.lab]\npool = pool01.d%02d.lab\n"
		    "access_edge = sip.d%02d.lab\nfederation = %s\n"
		    "fallback = %s\n", i, i, i, i % 2 ? "yes" : "no",
		    i % 3 ? "no" : "yes");
	for (int i = 39; i >= 0; i--)
		fprintf(f, "[host pool01.d%02d.lab]\naddress = 10.0.%d.10, "
		    "10.0.%d.11\n[host sip.d%02d.lab]\naddress.internal = "
		    "10.1.%d.10\naddress.external = 203.0.113.%d\n"
		    "[host ns1.d%02d.lab]\naddress = 198.51.100.%d\n"
		    "[host www.d%02d.lab]\ncname = pool01.d%02d.lab\n",
		    i, i, i, i, i, i, i, i, i, (i + 1) % 40);
	fclose(f);
	struct config *cfg = load(text);
	for (int v = 0; v < 2; v++) {
		struct synth_view a, b;
		ck_assert_int_eq(synth_view_threads(cfg, v, 7, &a, 1), 0);
		ck_assert_int_eq(synth_view_threads(cfg, v, 7, &b, 3), 0);
		one[v] = view_text(&a);
		many[v] = view_text(&b);
		ck_assert_uint_eq(a.nzones, 40);
		ck_assert_str_eq(one[v], many[v]);
		for (size_t z = 0; z < a.nzones; z++) {
			ck_assert_uint_eq(a.zones[z].wire.len, b.zones[z].wire.len);
			ck_assert_int_eq(memcmp(a.zones[z].wire.buf,
			    b.zones[z].wire.buf, a.zones[z].wire.len), 0);
		}
		synth_view_clear(&a);
		synth_view_clear(&b);
	}
	/* The views differ: the test sees what it compares. */
	ck_assert_str_ne(one[0], one[1]);
	for (int v = 0; v < 2; v++) {
		free(one[v]);
		free(many[v]);
	}
	config_free(cfg);
	free(text);
}
END_TEST

/* --- the packed form ---------------------------------------------------- */

/* The records of l as one text, "" for none. The caller frees it. */
static char *
list_str(const ldns_rr_list *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ldns_rr_list_print(f, l);
	fclose(f);
	return buf;
}

/*
 * Packing keeps each record's uncompressed wire, fields and text; the ldns
 * records go, and a cut list follows the zone's own records.
 */
START_TEST(test_pack_round_trip)
{
	struct config *cfg = load(split);
	struct synth_view syn, sv = { .name = "test", .nzones = 1 };

	ck_assert_int_eq(synth_view(cfg, 0, 7, &syn), 0);
	sv.zones = calloc(1, sizeof(*sv.zones));
	ck_assert_ptr_nonnull(sv.zones);
	sv.zones[0].name = strdup(syn.zones[0].name);
	struct synth_zone *z = &sv.zones[0];
	ldns_rr_list *orig = synth_zone_list(&syn.zones[0], ZONEWIRE_ZONE);
	ck_assert_ptr_nonnull(orig);
	z->rrs = ldns_rr_list_clone(orig);
	synth_view_clear(&syn);
	ldns_rr *glue = NULL;
	ck_assert_int_eq(ldns_rr_new_frm_str(&glue,
	    "ns1.child.contoso.com. 60 IN A 10.9.9.9", 0, NULL, NULL),
	    LDNS_STATUS_OK);
	z->cut = ldns_rr_list_new();
	ldns_rr_list_push_rr(z->cut, glue);
	char *want = list_str(orig);
	char *want_cut = list_str(z->cut);

	ck_assert_int_eq(synth_view_pack(&sv), 0);
	ck_assert_ptr_null(z->rrs);
	ck_assert_ptr_null(z->cut);
	ck_assert_uint_eq(z->wire.nrrs, ldns_rr_list_rr_count(orig));
	ck_assert_uint_eq(synth_zone_nrrs(z), ldns_rr_list_rr_count(orig));
	ck_assert_uint_eq(z->wire.ncut, 1);

	/* Each RR: what ldns writes, and the fields read back from it. */
	struct zonewire_iter it;
	struct zonewire_rr rr;
	size_t i = 0;
	zonewire_iter(&z->wire, ZONEWIRE_ZONE, &it);
	while (zonewire_next(&it, &rr)) {
		const ldns_rr *o = ldns_rr_list_rr(orig, i++);
		uint8_t *w = NULL;
		size_t wlen = 0;
		ck_assert_int_eq(ldns_rr2wire(&w, o, LDNS_SECTION_ANSWER, &wlen),
		    LDNS_STATUS_OK);
		ck_assert_uint_eq(rr.len, wlen);
		ck_assert_int_eq(memcmp(rr.wire, w, wlen), 0);
		free(w);
		ck_assert_uint_eq(rr.type, ldns_rr_get_type(o));
		ck_assert_uint_eq(rr.rrclass, LDNS_RR_CLASS_IN);
		ck_assert_uint_eq(rr.ttl, ldns_rr_ttl(o));
		ck_assert_uint_eq(rr.owner_len, ldns_rdf_size(ldns_rr_owner(o)));
		ck_assert_int_eq(memcmp(rr.owner, ldns_rdf_data(ldns_rr_owner(o)),
		    rr.owner_len), 0);
		ck_assert_ptr_eq(rr.rdata + rr.rdlen, rr.wire + rr.len);
	}
	ck_assert_uint_eq(i, ldns_rr_list_rr_count(orig));
	zonewire_iter(&z->wire, ZONEWIRE_CUT, &it);
	ck_assert(zonewire_next(&it, &rr));
	ck_assert_uint_eq(rr.type, LDNS_RR_TYPE_A);
	ck_assert_uint_eq(rr.ttl, 60);
	ck_assert(!zonewire_next(&it, &rr));

	/* Rendered back for printing: the same text. */
	ldns_rr_list *back = synth_zone_list(z, ZONEWIRE_ZONE);
	ldns_rr_list *cut = synth_zone_list(z, ZONEWIRE_CUT);
	ldns_rr_list *all = synth_zone_list(z, ZONEWIRE_ALL);
	char *got = list_str(back), *got_cut = list_str(cut);
	ck_assert_str_eq(got, want);
	ck_assert_str_eq(got_cut, want_cut);
	ck_assert_uint_eq(ldns_rr_list_rr_count(all),
	    ldns_rr_list_rr_count(orig) + 1);
	free(got);
	free(got_cut);
	free(want);
	free(want_cut);
	ldns_rr_list_deep_free(back);
	ldns_rr_list_deep_free(cut);
	ldns_rr_list_deep_free(all);
	ldns_rr_list_deep_free(orig);
	synth_view_clear(&sv);
	config_free(cfg);
}
END_TEST

/* A zone of thousands of records (100 KiB and more) packs whole. */
START_TEST(test_pack_large)
{
	struct synth_view sv = { .name = "test", .nzones = 1 };
	size_t count = 5000;

	sv.zones = calloc(1, sizeof(*sv.zones));
	ck_assert_ptr_nonnull(sv.zones);
	sv.zones[0].name = strdup("l.test");
	sv.zones[0].rrs = ldns_rr_list_new();
	for (size_t i = 0; i < count; i++) {
		char text[80];
		ldns_rr *rr = NULL;
		snprintf(text, sizeof(text), "h%zu.l.test. 60 IN A 10.%zu.%zu.1",
		    i, i / 256, i % 256);
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL),
		    LDNS_STATUS_OK);
		ldns_rr_list_push_rr(sv.zones[0].rrs, rr);
	}
	ldns_rr_list *orig = ldns_rr_list_clone(sv.zones[0].rrs);
	ck_assert_int_eq(synth_view_pack(&sv), 0);

	struct zonewire_iter it;
	struct zonewire_rr rr;
	size_t i = 0;
	zonewire_iter(&sv.zones[0].wire, ZONEWIRE_ALL, &it);
	while (zonewire_next(&it, &rr)) {
		uint8_t *w = NULL;
		size_t wlen = 0;
		ck_assert_uint_lt(i, count);
		ck_assert_int_eq(ldns_rr2wire(&w, ldns_rr_list_rr(orig, i++),
		    LDNS_SECTION_ANSWER, &wlen), LDNS_STATUS_OK);
		ck_assert_uint_eq(rr.len, wlen);
		ck_assert_int_eq(memcmp(rr.wire, w, wlen), 0);
		free(w);
	}
	ck_assert_uint_eq(i, count);
	ldns_rr_list_deep_free(orig);
	synth_view_clear(&sv);
}
END_TEST

/*
 * Many zones' ldns records packed (as tests pack views): each zone's bytes
 * its own, and the very bytes the builder wrote for the same records.
 */
START_TEST(test_pack_many)
{
	size_t nd = 600, cap = nd * 120, o = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	for (size_t d = 0; d < nd; d++)
		o += (size_t)snprintf(text + o, cap - o, "[domain d%zu.test]\n"
		    "pool = pool01.d%zu.test\n[host pool01.d%zu.test]\n"
		    "address = 10.0.%zu.%zu\n", d, d, d, d / 256, d % 256);
	struct config *cfg = load(text);
	struct synth_view syn, sv = { .name = "test", .nzones = nd };
	ck_assert_int_eq(synth_view(cfg, -1, 7, &syn), 0);
	ck_assert_uint_eq(syn.nzones, nd);
	sv.zones = calloc(nd, sizeof(*sv.zones));
	ck_assert_ptr_nonnull(sv.zones);
	for (size_t z = 0; z < nd; z++) {
		sv.zones[z].name = strdup(syn.zones[z].name);
		sv.zones[z].rrs = synth_zone_list(&syn.zones[z], ZONEWIRE_ZONE);
		ck_assert_ptr_nonnull(sv.zones[z].rrs);
	}
	ck_assert_int_eq(synth_view_pack(&sv), 0);
	for (size_t z = 0; z < nd; z++) {
		const struct zonewire *a = &syn.zones[z].wire;
		const struct zonewire *b = &sv.zones[z].wire;
		ck_assert_ptr_null(sv.zones[z].rrs);
		ck_assert_uint_eq(a->len, b->len);
		ck_assert_uint_eq(a->nrrs, b->nrrs);
		ck_assert_uint_ge(a->nrrs, 4);	/* SOA, NS, SRVs, A */
		ck_assert_int_eq(memcmp(a->buf, b->buf, a->len), 0);
	}
	synth_view_clear(&sv);
	synth_view_clear(&syn);
	config_free(cfg);
	free(text);
}
END_TEST

/* --- the wire builder against ldns -------------------------------------- */

/* What ldns writes for the record of text: the caller frees it. */
static uint8_t *
ldns_wire(const char *text, size_t *len)
{
	ldns_rr *rr = NULL;
	uint8_t *w = NULL;

	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL),
	    LDNS_STATUS_OK);
	ck_assert_int_eq(ldns_rr2wire(&w, rr, LDNS_SECTION_ANSWER, len),
	    LDNS_STATUS_OK);
	ldns_rr_free(rr);
	return w;
}

/* The last record b holds is the one ldns makes of text, byte for byte. */
static void
assert_last_is(const struct rrwire *b, size_t from, const char *text)
{
	size_t len = 0;
	uint8_t *w = ldns_wire(text, &len);

	ck_assert_msg(!b->failed, "%s", text);
	ck_assert_uint_eq(b->len - from, len);
	ck_assert_msg(memcmp(b->p + from, w, len) == 0, "%s", text);
	free(w);
}

/* Every type synthesis writes: A, AAAA, SRV, CNAME, NS, PTR, SOA. */
START_TEST(test_builder_same_wire_as_ldns)
{
	struct rrwire b = { NULL, 0, 0, 0, false };
	uint8_t o[255], a4[4] = { 10, 0, 0, 10 };
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	size_t olen = rrwire_name("pool01.contoso.com", o), at;
	const uint32_t times[4] = { 3600, 600, 604800, 300 };

	ck_assert_uint_eq(olen, 20);
	at = b.len;
	rrwire_addr(&b, o, olen, 600, AF_INET, a4);
	assert_last_is(&b, at, "pool01.contoso.com. 600 IN A 10.0.0.10");
	at = b.len;
	rrwire_addr(&b, o, olen, 600, AF_INET6, a6);
	assert_last_is(&b, at, "pool01.contoso.com. 600 IN AAAA 2001:db8::1");
	at = b.len;
	uint8_t apex[255], srv[255];
	size_t alen = rrwire_name("contoso.com", apex);
	size_t slen = rrwire_name_under("_sipinternaltls._tcp", apex, alen, srv);
	ck_assert_uint_eq(slen, alen + 21);
	rrwire_srv(&b, srv, slen, 3600, 5, 7, 5061, "pool01.contoso.com");
	assert_last_is(&b, at, "_sipinternaltls._tcp.contoso.com. 3600 IN SRV "
	    "5 7 5061 pool01.contoso.com.");
	at = b.len;
	rrwire_name_rr(&b, o, olen, 60, LDNS_RR_TYPE_CNAME, "sip.contoso.com");
	assert_last_is(&b, at, "pool01.contoso.com. 60 IN CNAME sip.contoso.com.");
	at = b.len;
	rrwire_name_rr(&b, apex, alen, 3600, LDNS_RR_TYPE_NS, "ns1.contoso.com");
	assert_last_is(&b, at, "contoso.com. 3600 IN NS ns1.contoso.com.");
	at = b.len;
	uint8_t rev[255];
	size_t rlen = rrwire_name("10.0.0.10.in-addr.arpa", rev);
	rrwire_name_rr(&b, rev, rlen, 3600, LDNS_RR_TYPE_PTR,
	    "pool01.contoso.com");
	assert_last_is(&b, at, "10.0.0.10.in-addr.arpa. 3600 IN PTR "
	    "pool01.contoso.com.");
	at = b.len;
	rrwire_soa(&b, apex, alen, 3600, "ns1.contoso.com",
	    "hostmaster.contoso.com", 2026120101, times);
	assert_last_is(&b, at, "contoso.com. 3600 IN SOA ns1.contoso.com. "
	    "hostmaster.contoso.com. 2026120101 3600 600 604800 300");
	ck_assert_uint_eq(b.n, 7);

	/* Read back: the fields where zonewire_next() finds them. */
	struct zonewire w;
	struct arena ar = { NULL };
	ck_assert_int_eq(zonewire_put(&w, &ar, b.p, b.len, b.n, NULL, 0, 0), 0);
	struct zonewire_iter it;
	struct zonewire_rr rr;
	const uint16_t types[7] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA,
	    LDNS_RR_TYPE_SRV, LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_NS,
	    LDNS_RR_TYPE_PTR, LDNS_RR_TYPE_SOA };
	const uint32_t ttls[7] = { 600, 600, 3600, 60, 3600, 3600, 3600 };
	size_t i = 0;
	zonewire_iter(&w, ZONEWIRE_ALL, &it);
	while (zonewire_next(&it, &rr)) {
		ck_assert_uint_lt(i, 7);
		ck_assert_uint_eq(rr.type, types[i]);
		ck_assert_uint_eq(rr.ttl, ttls[i]);
		ck_assert_uint_eq(rr.rrclass, LDNS_RR_CLASS_IN);
		ck_assert_ptr_eq(rr.rdata + rr.rdlen, rr.wire + rr.len);
		i++;
	}
	ck_assert_uint_eq(i, 7);
	ck_assert_ptr_eq(it.p, w.buf + w.len);
	arena_free(&ar);

	/* A name that is no name fails the buffer, and it stays failed. */
	rrwire_reset(&b);
	rrwire_name_rr(&b, apex, alen, 60, LDNS_RR_TYPE_NS, "a..b");
	ck_assert(b.failed);
	rrwire_addr(&b, o, olen, 600, AF_INET, a4);
	ck_assert(b.failed);
	ck_assert_uint_eq(b.len, 0);
	rrwire_free(&b);
}
END_TEST

/*
 * Every record a view is built with, against what ldns makes of its text:
 * the builder writes the bytes ldns_rr2wire() did before it (SOA, NS, the
 * SRVs, A, AAAA, CNAME, fallback names, PTRs of the reverse zones).
 */
START_TEST(test_view_wire_is_ldns_wire)
{
	struct config *cfg = load(
	    "[server]\nreverse_zones = auto\n"
	    "[view internal]\nmatch = 127.0.0.1\n"
	    "[view external]\nmatch = any\nscope = external\n"
	    "[domain contoso.com]\npool = pool01.contoso.com:5:7\n"
	    "access_edge = sip.contoso.com\nfederation = yes\n"
	    "fallback = yes\nns = ns1.contoso.com, ns2.contoso.com\n"
	    "[host pool01.contoso.com]\naddress = 10.0.0.10, 2001:db8::10\n"
	    "[host sip.contoso.com]\naddress.internal = 10.0.1.10\n"
	    "address.external = 203.0.113.10\n"
	    "[host ns1.contoso.com]\naddress = 192.0.2.53\n"
	    "[host ns2.contoso.com]\naddress = 192.0.2.54\n"
	    "[host www.contoso.com]\ncname = pool01.contoso.com\n");
	size_t checked = 0;
	bool seen[256] = { false };

	for (int v = 0; v < 2; v++) {
		struct synth_view sv;
		struct zonefiles zf = { NULL, 0 };
		ck_assert_int_eq(synth_view(cfg, v, 2026120101, &sv), 0);
		ck_assert_int_eq(reverse_view(cfg, v, 2026120101, &zf, &sv), 0);
		for (size_t z = 0; z < sv.nzones; z++) {
			struct zonewire_iter it;
			struct zonewire_rr rr;
			zonewire_iter(&sv.zones[z].wire, ZONEWIRE_ALL, &it);
			while (zonewire_next(&it, &rr)) {
				ldns_rr *l = NULL;
				size_t pos = 0, len = 0;
				ck_assert_int_eq(ldns_wire2rr(&l, rr.wire, rr.len,
				    &pos, LDNS_SECTION_ANSWER), LDNS_STATUS_OK);
				char *text = ldns_rr2str(l);
				uint8_t *w = ldns_wire(text, &len);
				ck_assert_uint_eq(len, rr.len);
				ck_assert_msg(memcmp(w, rr.wire, len) == 0, "%s",
				    text);
				seen[rr.type & 0xff] = true;
				free(w);
				free(text);
				ldns_rr_free(l);
				checked++;
			}
		}
		synth_view_clear(&sv);
	}
	ck_assert_uint_ge(checked, 30);
	ck_assert(seen[LDNS_RR_TYPE_SOA] && seen[LDNS_RR_TYPE_NS] &&
	    seen[LDNS_RR_TYPE_SRV] && seen[LDNS_RR_TYPE_A] &&
	    seen[LDNS_RR_TYPE_AAAA] && seen[LDNS_RR_TYPE_CNAME] &&
	    seen[LDNS_RR_TYPE_PTR]);
	config_free(cfg);
}
END_TEST

static Suite *
synth_suite(void)
{
	Suite *s = suite_create("synth");
	TCase *tc = tcase_create("records");

	tcase_add_test(tc, test_records_of_a_domain);
	tcase_add_test(tc, test_many_targets);
	tcase_add_test(tc, test_internal_view_sees_all);
	tcase_add_test(tc, test_external_view_leaks_nothing);
	tcase_add_test(tc, test_nested_domains);
	tcase_add_test(tc, test_threads_same_records);
	tcase_add_test(tc, test_pack_round_trip);
	tcase_add_test(tc, test_pack_large);
	tcase_add_test(tc, test_pack_many);
	tcase_add_test(tc, test_builder_same_wire_as_ldns);
	tcase_add_test(tc, test_view_wire_is_ldns_wire);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(synth_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
