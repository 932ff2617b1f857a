/* check_ixfr.c -- zone hashes, deltas, the history's limits, IXFR streams, serials per zone. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "arena.h"
#include "config.h"
#include "ixfr.h"
#include "query.h"
#include "serial.h"
#include "snapshot.h"
#include "synth.h"
#include "testconf.h"
#include "wire.h"

/* A zone of example.com: its SOA (serial) first, then the given records. */
static void
make_zone(struct synth_zone *z, uint32_t serial, const char *const *rrs)
{
	char soa[200];
	ldns_rr *rr = NULL;

	memset(z, 0, sizeof(*z));
	z->name = strdup("example.com");
	z->rrs = ldns_rr_list_new();
	snprintf(soa, sizeof(soa), "example.com. 3600 IN SOA ns1.example.com. "
	    "hostmaster.example.com. %u 3600 600 86400 60", serial);
	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, soa, 0, NULL, NULL),
	    LDNS_STATUS_OK);
	ldns_rr_list_push_rr(z->rrs, rr);
	for (; *rrs != NULL; rrs++) {
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, *rrs, 0, NULL, NULL),
		    LDNS_STATUS_OK);
		ldns_rr_list_push_rr(z->rrs, rr);
	}
}

static void
free_zone(struct synth_zone *z)
{
	ldns_rr_list_deep_free(z->rrs);
	free(z->name);
}

static const char *const v1[] = { "example.com. 3600 IN NS ns1.example.com.",
    "www.example.com. 3600 IN A 192.0.2.1", "ftp.example.com. 3600 IN A 192.0.2.2",
    NULL };
/* v1 in another order. */
static const char *const v1b[] = { "ftp.example.com. 3600 IN A 192.0.2.2",
    "www.example.com. 3600 IN A 192.0.2.1", "example.com. 3600 IN NS ns1.example.com.",
    NULL };
/* v1 with www changed. */
static const char *const v2[] = { "example.com. 3600 IN NS ns1.example.com.",
    "www.example.com. 3600 IN A 192.0.2.9", "ftp.example.com. 3600 IN A 192.0.2.2",
    NULL };

/*
 * The zone packed as a snapshot keeps it, then read by the adapter; the
 * records are copied out (out->bytes) since the zone goes.
 */
static void
wire(uint32_t serial, const char *const *rrs, struct ixfr_rrs *out)
{
	struct synth_zone z;
	struct arena a = { NULL };

	make_zone(&z, serial, rrs);
	ck_assert_int_eq(zonewire_pack(&z.wire, &a, z.rrs, z.cut), 0);
	ck_assert_int_eq(ixfr_zone_wire(&z, out), 0);
	size_t total = out->soa.len;
	for (size_t i = 0; i < out->n; i++)
		total += out->v[i].len;
	uint8_t *bytes = malloc(total), *p = bytes;
	ck_assert_ptr_nonnull(bytes);
	memcpy(p, out->soa.ptr, out->soa.len);
	out->soa.ptr = p;
	p += out->soa.len;
	for (size_t i = 0; i < out->n; i++) {
		memcpy(p, out->v[i].ptr, out->v[i].len);
		out->v[i].ptr = p;
		p += out->v[i].len;
	}
	out->bytes = bytes;
	free_zone(&z);
	arena_free(&a);
}

START_TEST(test_hash)
{
	struct ixfr_rrs a, b, c;

	wire(1, v1, &a);
	wire(99, v1b, &b);
	wire(1, v2, &c);
	ck_assert_uint_eq(a.n, 3);
	ck_assert_uint_eq(ixfr_soa_serial(&a.soa), 1);
	ck_assert_uint_eq(ixfr_soa_serial(&b.soa), 99);
	/* Neither the serial nor the order counts; a record does. */
	ck_assert(ixfr_rrs_hash(&a) == ixfr_rrs_hash(&b));
	ck_assert(ixfr_rrs_hash(&a) != ixfr_rrs_hash(&c));
	ixfr_rrs_clear(&a);
	ixfr_rrs_clear(&b);
	ixfr_rrs_clear(&c);
}
END_TEST

/* The reference order: wire bytes, then the shorter first. */
static int
cmp_ref(const void *a, const void *b)
{
	const struct ixfr_rr *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->ptr, y->ptr, n);

	return c != 0 ? c : (int)x->len - (int)y->len;
}

/*
 * The records in the order qsort() with the reference compare gives, for
 * zones of 1 to 70 records (below and above the insertion sort's limit)
 * in a random order: owners that are prefixes of each other, several
 * records at one owner, the same record twice.
 */
START_TEST(test_sorted)
{
	static const char *const owners[] = { "a", "ab", "b", "a.a", "_tcp",
	    "_sip._tcp", "x-1", "X-2" };
	char text[70][100];
	const char *rrs[71];
	uint32_t seed = 99;

	for (size_t n = 1; n <= 70; n++) {
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned o = (seed >> 16) % 8, last = (seed >> 8) % 5;
			snprintf(text[i], sizeof(text[i]),
			    "%s.example.com. 3600 IN A 192.0.2.%u", owners[o],
			    i % 7 == 3 ? 1 : last + (unsigned)i % 3);
			rrs[i] = text[i];
		}
		rrs[n] = NULL;
		struct ixfr_rrs got;
		wire(1, rrs, &got);
		ck_assert_uint_eq(got.n, n);
		struct ixfr_rr *want = malloc(n * sizeof(*want));
		ck_assert_ptr_nonnull(want);
		memcpy(want, got.v, n * sizeof(*want));
		qsort(want, n, sizeof(*want), cmp_ref);
		for (size_t i = 0; i < n; i++) {
			ck_assert_uint_eq(got.v[i].len, want[i].len);
			ck_assert_mem_eq(got.v[i].ptr, want[i].ptr, want[i].len);
		}
		free(want);
		ixfr_rrs_clear(&got);
	}
}
END_TEST

/*
 * ixfr_rrs_hash_ways() gives what ixfr_rrs_hash() gives, zone by zone, for
 * one to four zones of unequal lengths (so every lane runs out at its own
 * point), SOAs with and without a serial to leave out (under 20 bytes,
 * 20, 1024, over 1024) and zones without records, one scratch reused.
 */
START_TEST(test_hash_ways)
{
	static uint8_t bytes[1 << 16];
	static const uint16_t soa_lens[] = { 0, 19, 20, 57, 1024, 1025 };
	struct ixfr_rr recs[IXFR_HASH_WAYS][40];
	struct ixfr_rrs z[IXFR_HASH_WAYS];
	const struct ixfr_rrs *zp[IXFR_HASH_WAYS];
	struct ixfr_hash_scratch hs;
	uint32_t seed = 12345;

	for (size_t i = 0; i < sizeof(bytes); i++) {
		seed = seed * 1103515245 + 12345;
		bytes[i] = (uint8_t)(seed >> 16);
	}
	memset(&hs, 0, sizeof(hs));
	for (int round = 0; round < 300; round++) {
		size_t n = 1 + (size_t)round % IXFR_HASH_WAYS;
		uint64_t h[IXFR_HASH_WAYS];

		for (size_t w = 0; w < n; w++) {
			seed = seed * 1103515245 + 12345;
			size_t nrec = (seed >> 8) % 40;
			memset(&z[w], 0, sizeof(z[w]));
			z[w].soa = (struct ixfr_rr){ bytes + (seed >> 12) % 4096,
			    soa_lens[(round + w) % 6] };
			z[w].v = recs[w];
			for (size_t r = 0; r < nrec; r++) {
				seed = seed * 1103515245 + 12345;
				recs[w][r] = (struct ixfr_rr){
				    bytes + (seed >> 4) % 60000,
				    (uint16_t)(1 + (seed >> 20) % 300) };
			}
			z[w].n = nrec;
			zp[w] = &z[w];
		}
		ck_assert_int_eq(ixfr_rrs_hash_ways(zp, n, h, &hs), 0);
		for (size_t w = 0; w < n; w++)
			ck_assert_uint_eq(h[w], ixfr_rrs_hash(&z[w]));
	}
	/* More zones than lanes: refused, not overrun. */
	uint64_t h5[IXFR_HASH_WAYS + 1];
	const struct ixfr_rrs *z5[IXFR_HASH_WAYS + 1] = { zp[0], zp[0], zp[0],
	    zp[0], zp[0] };
	ck_assert_int_eq(ixfr_rrs_hash_ways(z5, IXFR_HASH_WAYS + 1, h5, &hs), -1);
	ixfr_hash_scratch_clear(&hs);
}
END_TEST

static struct ixfr_delta *
delta(uint32_t from, const char *const *a, uint32_t to, const char *const *b)
{
	struct ixfr_rrs x, y;

	wire(from, a, &x);
	wire(to, b, &y);
	struct ixfr_delta *d = ixfr_delta_new(&x, &y);
	ck_assert_ptr_nonnull(d);
	ixfr_rrs_clear(&x);
	ixfr_rrs_clear(&y);
	return d;
}

/* The text of a wire record, for comparing. */
static char *
rr_text(const struct ixfr_rr *rr)
{
	ldns_rr *r = NULL;
	size_t pos = 0;

	ck_assert_int_eq(ldns_wire2rr(&r, rr->ptr, rr->len, &pos,
	    LDNS_SECTION_ANSWER), LDNS_STATUS_OK);
	char *s = ldns_rr2str(r);
	ldns_rr_free(r);
	return s;
}

START_TEST(test_delta)
{
	struct ixfr_delta *d = delta(1, v1, 2, v2);

	ck_assert_uint_eq(d->from, 1);
	ck_assert_uint_eq(d->to, 2);
	ck_assert_uint_eq(d->ndel, 1);
	ck_assert_uint_eq(d->nadd, 1);
	char *del = rr_text(&d->del[0]), *add = rr_text(&d->add[0]);
	ck_assert_str_eq(del, "www.example.com.\t3600\tIN\tA\t192.0.2.1\n");
	ck_assert_str_eq(add, "www.example.com.\t3600\tIN\tA\t192.0.2.9\n");
	free(del);
	free(add);
	struct ixfr_chain c;
	ck_assert_int_eq(ixfr_chain_make(&c, NULL, d, 4, 1u << 20), 0);
	ixfr_chain_clear(&c);
}
END_TEST

/* Three deltas 1 -> 2 -> 3 -> 4, one reload each. */
static void
three(struct ixfr_chain *c, unsigned max, size_t zone_size)
{
	struct ixfr_chain a, b;

	ck_assert_int_eq(ixfr_chain_make(&a, NULL, delta(1, v1, 2, v2), max,
	    zone_size), 0);
	ck_assert_int_eq(ixfr_chain_make(&b, &a, delta(2, v2, 3, v1), max,
	    zone_size), 0);
	ck_assert_int_eq(ixfr_chain_make(c, &b, delta(3, v1, 4, v2), max,
	    zone_size), 0);
	/* The old snapshots go; the deltas they share stay with c. */
	ixfr_chain_clear(&a);
	ixfr_chain_clear(&b);
}

START_TEST(test_chain_limits)
{
	struct ixfr_chain c;

	three(&c, 16, 1u << 20);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.d[0]->from, 1);
	ck_assert_uint_eq(c.d[2]->to, 4);
	ixfr_chain_clear(&c);
	/* ixfr_history = 2: the oldest goes. */
	three(&c, 2, 1u << 20);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(c.d[0]->from, 2);
	ixfr_chain_clear(&c);
	/* Bytes: no more than the zone itself (one delta's worth here). */
	size_t one = 0;
	struct ixfr_delta *d = delta(1, v1, 2, v2);
	one = d->size;
	free(d);
	three(&c, 16, one + one / 2);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.d[0]->from, 3);
	ixfr_chain_clear(&c);
	/* ixfr_history = 0: none at all. */
	three(&c, 0, 1u << 20);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

struct sink {
	unsigned nmsg, ancount;
	uint16_t id;
};

static int
sink_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct sink *s = arg;

	ck_assert_uint_ge(len, DNS_HEADER_SIZE);
	s->id = wire_get16(msg);
	s->ancount += wire_get16(msg + 6);
	s->nmsg++;
	return 0;
}

START_TEST(test_stream)
{
	static const uint8_t pkt[] = {
		0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 251, 0, 1 };
	struct query q;
	struct ixfr_chain c;
	struct ixfr_rrs cur;
	struct sink s = { 0, 0, 0 };

	ck_assert_int_eq(query_parse(&q, pkt, sizeof(pkt)), QUERY_OK);
	three(&c, 16, 1u << 20);
	wire(4, v2, &cur);
	/* Current: the SOA alone. */
	ck_assert_int_eq(ixfr_stream(&c, &cur.soa, 4, &q, sink_emit, &s), 0);
	ck_assert_uint_eq(s.ancount, 1);
	ck_assert_uint_eq(s.id, 0x1234);
	/* Unknown: the caller sends an AXFR. */
	ck_assert_int_eq(ixfr_stream(&c, &cur.soa, 77, &q, sink_emit, &s), 1);
	/* From 2: www went back to .9 and again, condensed to nothing. */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(ixfr_stream(&c, &cur.soa, 2, &q, sink_emit, &s), 0);
	ck_assert_uint_eq(s.nmsg, 1);
	ck_assert_uint_eq(s.ancount, 4);
	/* From 1: three deltas, condensed to one: SOA, SOA del SOA add, SOA. */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(ixfr_stream(&c, &cur.soa, 1, &q, sink_emit, &s), 0);
	ck_assert_uint_eq(s.ancount, 6);
	ixfr_rrs_clear(&cur);
	ixfr_chain_clear(&c);
}
END_TEST

/* The query parser keeps the serial of the IXFR's authority SOA. */
START_TEST(test_query_soa)
{
	static const uint8_t pkt[] = {
		0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 251, 0, 1,
		0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 0, 0, 24,
		0xc0, 12, 0xc0, 12, 0x77, 0x35, 0x94, 0x00,
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4 };
	struct query q;

	ck_assert_int_eq(query_parse(&q, pkt, sizeof(pkt)), QUERY_OK);
	ck_assert(q.has_soa);
	ck_assert_uint_eq(q.soa_serial, 2000000000u);
}
END_TEST

static const char *
ini(const char *addr)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
	    "[server]\n"
	    "[view inside]\nmatch = 10.0.0.0/8\n"
	    "[view outside]\nmatch = any\n"
	    "[domain contoso.com]\npool = pool01.contoso.com\n"
	    "access_edge = sip.contoso.com\n"
	    "[domain fabrikam.com]\npool = pool01.fabrikam.com\n"
	    "[host pool01.contoso.com]\naddress = 10.0.0.10\n"
	    "[host sip.contoso.com]\naddress = %s\n"
	    "[host pool01.fabrikam.com]\naddress = 10.1.0.10\n", addr);
	return buf;
}

static const struct snapshot_zone *
zone_of(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (strcmp(s->zones[i].name, name) == 0)
			return &s->zones[i];
	ck_abort_msg("no zone %s", name);
	return NULL;
}

/* One serial per zone name; a change in one view raises it in both. */
START_TEST(test_snapshot_serials)
{
	struct snapshot *a = testconf_snapshot(ini("203.0.113.10"));
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nnames, 2);
	uint32_t c1 = zone_of(a, "contoso.com")->serial;
	uint32_t f1 = zone_of(a, "fabrikam.com")->serial;

	struct snapshot *b = snapshot_build(testconf_load(ini("203.0.113.10")),
	    a, stderr);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(zone_of(b, "contoso.com")->serial, c1);
	ck_assert(!zone_of(b, "contoso.com")->changed);

	/* sip.contoso.com is an edge: the outside view's records change. */
	struct snapshot *c = snapshot_build(testconf_load(ini("203.0.113.11")),
	    b, stderr);
	ck_assert_ptr_nonnull(c);
	const struct snapshot_zone *cz = zone_of(c, "contoso.com");
	ck_assert(cz->changed);
	ck_assert(serial_after(cz->serial, c1));
	ck_assert_uint_eq(zone_of(c, "fabrikam.com")->serial, f1);
	ck_assert(!zone_of(c, "fabrikam.com")->changed);
	/* Both views serve the new serial, and each has its delta. */
	for (size_t v = 0; v < c->nviews; v++)
		for (size_t z = 0; z < c->views[v].sv.nzones; z++) {
			if (strcmp(c->views[v].sv.zones[z].name, "contoso.com"))
				continue;
			const struct snapshot_xzone *x = &c->views[v].xz[z];
			struct ixfr_rr soa = { x->soa, x->soa_len };
			ck_assert_uint_eq(ixfr_soa_serial(&soa), cz->serial);
			ck_assert_uint_eq(x->chain.n, 1);
			ck_assert_uint_eq(x->chain.d[0]->from, c1);
		}
	snapshot_free(a);
	snapshot_free(b);
	snapshot_free(c);
}
END_TEST

/*
 * Many zones (enough to hash them on several threads): every zone's hash is
 * the one a direct ixfr_rrs_hash() of its records gives, the zone names are
 * in strcmp() order (names alike in their first 8 bytes and names shorter
 * than 8 among them), and a reload that changes two zones, one at each end,
 * changes those two serials only.
 */
#define MANY_ZONES 800

static const char *
many_name(size_t i, char *buf, size_t len)
{
	if (i % 3 == 0)
		snprintf(buf, len, "zone-with-a-long-prefix-%zu.lab", i);
	else if (i % 3 == 1)
		snprintf(buf, len, "z%zu.lab", i);
	else
		snprintf(buf, len, "%c.lab", (char)('a' + i % 26));
	return buf;
}

static char *
many_ini(size_t changed1, size_t changed2)
{
	size_t cap = MANY_ZONES * 160, n = 0;
	char *buf = malloc(cap), name[64];
	bool seen[26] = { false };

	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < MANY_ZONES; i++) {
		if (i % 3 == 2) {	/* one domain per letter */
			if (seen[i % 26])
				continue;
			seen[i % 26] = true;
		}
		many_name(i, name, sizeof(name));
		n += (size_t)snprintf(buf + n, cap - n,
		    "[domain %s]\npool = pool.%s\n[host pool.%s]\n"
		    "address = 10.%zu.%zu.%d\n", name, name, name, i / 256,
		    i % 256, i == changed1 || i == changed2 ? 99 : 10);
		ck_assert_uint_lt(n, cap);
	}
	return buf;
}

START_TEST(test_snapshot_serials_many)
{
	char *t1 = many_ini(MANY_ZONES, MANY_ZONES);
	struct snapshot *a = testconf_snapshot(t1);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_gt(a->nnames, 512);	/* HASH_ and SORT_PARALLEL_MIN */
	for (size_t i = 1; i < a->nnames; i++)
		ck_assert_int_lt(strcmp(a->zones[i - 1].name, a->zones[i].name), 0);
	const struct snapshot_view *sv = &a->views[0];
	ck_assert_uint_eq(sv->sv.nzones, a->nnames);
	for (size_t z = 0; z < sv->sv.nzones; z++) {
		struct ixfr_rrs w;
		ck_assert_int_eq(ixfr_zone_wire(&sv->sv.zones[z], &w), 0);
		ck_assert_uint_eq(sv->xz[z].hash, ixfr_rrs_hash(&w));
		ck_assert_uint_eq(sv->xz[z].size, w.size + w.soa.len);
		ixfr_rrs_clear(&w);
	}
	char n0[64], n1[64];
	many_name(0, n0, sizeof(n0));
	many_name(MANY_ZONES - 4, n1, sizeof(n1));	/* 796: z796.lab */
	char *t2 = many_ini(0, MANY_ZONES - 4);
	struct snapshot *b = snapshot_build(testconf_load(t2), a, stderr);
	ck_assert_ptr_nonnull(b);
	size_t nchanged = 0;
	for (size_t i = 0; i < b->nnames; i++) {
		const struct snapshot_zone *e = &b->zones[i];
		bool want = strcmp(e->name, n0) == 0 || strcmp(e->name, n1) == 0;
		ck_assert_msg(e->changed == want, "zone %s: changed %d", e->name,
		    e->changed);
		nchanged += e->changed;
	}
	ck_assert_uint_eq(nchanged, 2);
	snapshot_free(a);
	snapshot_free(b);
	free(t1);
	free(t2);
}
END_TEST

static Suite *
ixfr_suite(void)
{
	Suite *s = suite_create("ixfr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_hash);
	tcase_add_test(tc, test_hash_ways);
	tcase_add_test(tc, test_sorted);
	tcase_add_test(tc, test_delta);
	tcase_add_test(tc, test_chain_limits);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_query_soa);
	tcase_add_test(tc, test_snapshot_serials);
	tcase_add_test(tc, test_snapshot_serials_many);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ixfr_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
