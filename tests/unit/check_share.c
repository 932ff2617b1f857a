/* check_share.c -- a reload's answer table shares the unchanged zones. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "config.h"
#include "snapshot.h"
#include "synth.h"
#include "wire.h"

/* --- fixtures ----------------------------------------------------------- */

/* A packed view of our own making, as check_answer.c's view_make(). */
static struct synth_view
view_make(const char *const *const *zones, size_t nzones)
{
	struct synth_view sv = { .name = "test", .nzones = nzones };

	sv.zones = calloc(nzones ? nzones : 1, sizeof(*sv.zones));
	ck_assert_ptr_nonnull(sv.zones);
	for (size_t z = 0; z < nzones; z++) {
		sv.zones[z].rrs = ldns_rr_list_new();
		for (const char *const *t = zones[z]; *t != NULL; t++) {
			ldns_rr *rr = NULL;
			ck_assert_int_eq(ldns_rr_new_frm_str(&rr, *t, 3600, NULL,
			    NULL), LDNS_STATUS_OK);
			ldns_rr_list_push_rr(sv.zones[z].rrs, rr);
		}
		ldns_rr *soa = ldns_rr_list_rr(sv.zones[z].rrs, 0);
		uint32_t min = ldns_rdf2native_int32(ldns_rr_rdf(soa, 6));
		sv.zones[z].neg_ttl = min < ldns_rr_ttl(soa) ? min : ldns_rr_ttl(soa);
		sv.zones[z].name = strdup("test");
	}
	ck_assert_int_eq(synth_view_pack(&sv), 0);
	return sv;
}

static const char *const zone_contoso[] = {
	"contoso.com. 3600 IN SOA ns1.contoso.com. hostmaster.contoso.com. "
	    "1 3600 600 604800 300",
	"contoso.com. 3600 IN NS ns1.contoso.com.",
	"ns1.contoso.com. 3600 IN A 10.0.0.2",
	"pool.contoso.com. 3600 IN A 10.0.0.10",
	"pool.contoso.com. 3600 IN A 10.0.0.11",
	"www.contoso.com. 3600 IN CNAME pool.contoso.com.",
	"away.contoso.com. 3600 IN CNAME www.example.org.",
	"_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.",
	"sip.contoso.com. 3600 IN A 198.18.0.1",
	"*.wild.contoso.com. 3600 IN TXT \"any\"",
	"child.contoso.com. 3600 IN NS ns.child.contoso.com.",
	"ns.child.contoso.com. 3600 IN A 10.0.9.9",
	NULL
};

/* contoso.com with a new serial and pool's addresses changed. */
static const char *const zone_contoso2[] = {
	"contoso.com. 3600 IN SOA ns1.contoso.com. hostmaster.contoso.com. "
	    "2 3600 600 604800 300",
	"contoso.com. 3600 IN NS ns1.contoso.com.",
	"ns1.contoso.com. 3600 IN A 10.0.0.2",
	"pool.contoso.com. 3600 IN A 192.0.2.99",
	"www.contoso.com. 3600 IN CNAME pool.contoso.com.",
	"away.contoso.com. 3600 IN CNAME www.example.org.",
	"_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.",
	"sip.contoso.com. 3600 IN A 198.18.0.1",
	"*.wild.contoso.com. 3600 IN TXT \"any\"",
	"child.contoso.com. 3600 IN NS ns.child.contoso.com.",
	"ns.child.contoso.com. 3600 IN A 10.0.9.9",
	NULL
};

static const char *const zone_fabrikam[] = {
	"fabrikam.com. 3600 IN SOA ns1.fabrikam.com. hostmaster.fabrikam.com. "
	    "5 3600 600 604800 120",
	"fabrikam.com. 3600 IN NS ns1.fabrikam.com.",
	"fabrikam.com. 3600 IN MX 10 mail.fabrikam.com.",
	"ns1.fabrikam.com. 3600 IN A 10.1.0.2",
	"mail.fabrikam.com. 3600 IN A 10.1.0.3",
	"mail.fabrikam.com. 3600 IN AAAA 2001:db8::3",
	"pool.fabrikam.com. 3600 IN A 10.1.0.10",
	"pool.fabrikam.com. 3600 IN A 10.1.0.11",
	"pool.fabrikam.com. 3600 IN A 10.1.0.12",
	NULL
};

/* Reads another zone's name: a CNAME into fabrikam.com. */
static const char *const zone_litware[] = {
	"litware.com. 3600 IN SOA ns1.fabrikam.com. hostmaster.litware.com. "
	    "3 3600 600 604800 300",
	"www.litware.com. 3600 IN CNAME pool.fabrikam.com.",
	NULL
};

/* Below contoso.com: neither is solo. */
static const char *const zone_sub[] = {
	"sub.contoso.com. 3600 IN SOA ns1.contoso.com. hostmaster.contoso.com. "
	    "7 3600 600 604800 60",
	"x.sub.contoso.com. 3600 IN A 10.7.0.1",
	NULL
};

static struct lookup
look(struct answer_table *t, const char *text, uint16_t qtype)
{
	uint8_t name[DNS_MAX_NAME];
	size_t len = wire_name_from_text(text, name);
	struct lookup lk;

	ck_assert_uint_gt(len, 0);
	memset(&lk, 0, sizeof(lk));
	answer_lookup(t, name, len, wire_name_hash(name, len), qtype, &lk);
	return lk;
}

/* Every name of these zones (and a few absent ones), and the types asked. */
static const char *const names[] = {
	"contoso.com", "ns1.contoso.com", "pool.contoso.com", "www.contoso.com",
	"away.contoso.com", "_sip._tls.contoso.com", "sip.contoso.com",
	"x.wild.contoso.com", "child.contoso.com", "a.child.contoso.com",
	"ns.child.contoso.com", "nope.contoso.com", "fabrikam.com",
	"ns1.fabrikam.com", "mail.fabrikam.com", "pool.fabrikam.com",
	"nope.fabrikam.com", "litware.com", "www.litware.com",
	"sub.contoso.com", "x.sub.contoso.com", "example.org",
};
static const uint16_t types[] = {
	LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_NS, LDNS_RR_TYPE_SOA,
	LDNS_RR_TYPE_MX, LDNS_RR_TYPE_SRV, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_DS,
	LDNS_RR_TYPE_CNAME, TYPE_ANY,
};

#define ASKS 24	/* at least any answer's variants: they all come round */

/* The distinct messages of ASKS lookups (a rotating answer has several). */
static size_t
variants(struct answer_table *t, const char *name, uint16_t qtype,
    struct lookup *first, const struct answer_var *v[ASKS])
{
	size_t n = 0;

	for (int i = 0; i < ASKS; i++) {
		struct lookup lk = look(t, name, qtype);
		bool dup = false;
		if (i == 0)
			*first = lk;
		ck_assert_int_eq(lk.kind, first->kind);
		if (lk.var == NULL)
			continue;
		for (size_t k = 0; k < n; k++)
			dup = dup || (v[k]->len == lk.var->len &&
			    memcmp(v[k]->wire, lk.var->wire, lk.var->len) == 0);
		if (!dup)
			v[n++] = lk.var;
	}
	return n;
}

/*
 * Every (name, type) answers the same from a and b: kind, the zone's SOA,
 * and the messages. The round robin of a shared answer moves in both
 * tables, so the variants are compared as sets.
 */
static void
assert_same(struct answer_table *a, struct answer_table *b)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
			const struct answer_var *va[ASKS], *vb[ASKS];
			struct lookup x, y;
			size_t na = variants(a, names[i], types[k], &x, va);
			size_t nb = variants(b, names[i], types[k], &y, vb);
			ck_assert_int_eq(x.kind, y.kind);
			ck_assert_uint_eq(na, nb);
			for (size_t m = 0; m < na; m++) {
				bool found = false;
				for (size_t j = 0; j < nb && !found; j++)
					found = va[m]->len == vb[j]->len &&
					    memcmp(va[m]->wire, vb[j]->wire,
					    va[m]->len) == 0;
				ck_assert_msg(found, "%s type %u: a message of "
				    "one table is not the other's", names[i],
				    types[k]);
			}
			ck_assert_int_eq(x.zone == NULL, y.zone == NULL);
			if (x.zone != NULL) {
				ck_assert_uint_eq(x.zone->apex_len, y.zone->apex_len);
				ck_assert_mem_eq(x.zone->apex, y.zone->apex,
				    x.zone->apex_len);
				ck_assert_uint_eq(x.zone->soa_tail_len,
				    y.zone->soa_tail_len);
				ck_assert_mem_eq(x.zone->soa_tail, y.zone->soa_tail,
				    x.zone->soa_tail_len);
			}
		}
}

/* The serial of a negative answer's SOA: the tail's RDATA, 20 bytes from its end. */
static uint32_t
neg_serial(struct answer_table *t, const char *name)
{
	struct lookup lk = look(t, name, LDNS_RR_TYPE_TXT);

	ck_assert_ptr_nonnull(lk.zone);
	return wire_get32(lk.zone->soa_tail + lk.zone->soa_tail_len - 20);
}

/* --- sharing ------------------------------------------------------------ */

/* Nothing changed: every zone shared, the answers the very same bytes. */
static void
unchanged(bool old_first)
{
	const char *const *zones[] = { zone_contoso, zone_fabrikam };
	struct synth_view s0 = view_make(zones, 2), s1 = view_make(zones, 2);
	struct answer_table *t0 = answer_table_build(&s0);
	const long same[] = { 0, 1 };
	struct answer_table *t1 = answer_table_build_from(&s1, t0, same);
	struct answer_table *fresh = answer_table_build(&s1);

	ck_assert_ptr_nonnull(t0);
	ck_assert_ptr_nonnull(t1);
	ck_assert_ptr_nonnull(fresh);
	ck_assert_uint_eq(answer_table_shared(t0), 0);
	ck_assert_uint_eq(answer_table_shared(t1), 2);
	ck_assert_uint_eq(answer_table_shared(fresh), 0);
	/* Shared, not copied: the same prepared message in both tables. */
	struct lookup a = look(t0, "mail.fabrikam.com", LDNS_RR_TYPE_AAAA);
	struct lookup b = look(t1, "mail.fabrikam.com", LDNS_RR_TYPE_AAAA);
	ck_assert_int_eq(a.kind, LOOKUP_ANSWER);
	ck_assert_ptr_eq(a.var, b.var);
	a = look(t0, "sip.contoso.com", LDNS_RR_TYPE_A);
	b = look(t1, "sip.contoso.com", LDNS_RR_TYPE_A);
	ck_assert_ptr_eq(a.var, b.var);
	assert_same(t1, fresh);
	if (old_first) {
		answer_table_free(t0);
		synth_view_clear(&s0);
		assert_same(t1, fresh);	/* t1 outlives the table it shares */
		answer_table_free(t1);
	} else {
		answer_table_free(t1);
		assert_same(t0, fresh);
		answer_table_free(t0);
		synth_view_clear(&s0);
	}
	answer_table_free(fresh);
	synth_view_clear(&s1);
}

START_TEST(test_unchanged_old_freed_first)
{
	unchanged(true);
}
END_TEST

START_TEST(test_unchanged_new_freed_first)
{
	unchanged(false);
}
END_TEST

/*
 * One zone changed: it is compiled again (new address, new serial in its
 * negative answers), the other shared; the same as a fresh build. Then a
 * third table from the second: sharing goes on over reloads.
 */
START_TEST(test_one_changed)
{
	const char *const *z0[] = { zone_contoso, zone_fabrikam };
	const char *const *z1[] = { zone_contoso2, zone_fabrikam };
	struct synth_view s0 = view_make(z0, 2), s1 = view_make(z1, 2),
	    s2 = view_make(z0, 2);
	struct answer_table *t0 = answer_table_build(&s0);
	const long same1[] = { -1, 1 };
	struct answer_table *t1 = answer_table_build_from(&s1, t0, same1);
	struct answer_table *fresh1 = answer_table_build(&s1);

	ck_assert_ptr_nonnull(t1);
	ck_assert_uint_eq(answer_table_shared(t1), 1);
	assert_same(t1, fresh1);
	ck_assert_uint_eq(neg_serial(t0, "contoso.com"), 1);
	ck_assert_uint_eq(neg_serial(t1, "contoso.com"), 2);
	ck_assert_uint_eq(neg_serial(t1, "fabrikam.com"), 5);
	struct lookup lk = look(t1, "pool.contoso.com", LDNS_RR_TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	ck_assert_ptr_nonnull(memmem(lk.var->wire, lk.var->len,
	    "\xc0\x00\x02\x63", 4));
	ck_assert_ptr_ne(lk.var, look(t0, "pool.contoso.com",
	    LDNS_RR_TYPE_A).var);
	ck_assert_ptr_eq(look(t0, "mail.fabrikam.com", LDNS_RR_TYPE_AAAA).var,
	    look(t1, "mail.fabrikam.com", LDNS_RR_TYPE_AAAA).var);
	/*
	 * A rotating answer of a shared zone: one round robin for both
	 * tables, the variants t1 sends are t0's own, and it moves on from
	 * where t0 left it.
	 */
	struct lookup r0 = look(t0, "pool.fabrikam.com", LDNS_RR_TYPE_A);
	struct lookup r1 = look(t1, "pool.fabrikam.com", LDNS_RR_TYPE_A);
	struct lookup r2 = look(t0, "pool.fabrikam.com", LDNS_RR_TYPE_A);
	struct lookup r3 = look(t0, "pool.fabrikam.com", LDNS_RR_TYPE_A);
	ck_assert_ptr_ne(r0.var, r1.var);
	ck_assert_ptr_ne(r1.var, r2.var);
	ck_assert_ptr_ne(r0.var, r2.var);
	ck_assert_ptr_eq(r3.var, r0.var);	/* three addresses: round */
	/* The old one goes (a reload's retire), then back to the first data. */
	answer_table_free(t0);
	synth_view_clear(&s0);
	struct answer_table *t2 = answer_table_build_from(&s2, t1, same1);
	struct answer_table *fresh2 = answer_table_build(&s2);
	ck_assert_ptr_nonnull(t2);
	ck_assert_uint_eq(answer_table_shared(t2), 1);
	assert_same(t2, fresh2);
	ck_assert_uint_eq(neg_serial(t2, "contoso.com"), 1);
	answer_table_free(t1);
	assert_same(t2, fresh2);
	answer_table_free(t2);
	answer_table_free(fresh1);
	answer_table_free(fresh2);
	synth_view_clear(&s1);
	synth_view_clear(&s2);
}
END_TEST

/*
 * A zone that reads another's names (a CNAME into it), or one above or
 * below another zone, is not shared; when such a zone would be compiled
 * again, nothing is (it might read what the build does not hold).
 */
START_TEST(test_not_solo)
{
	const char *const *z0[] = { zone_contoso, zone_fabrikam, zone_litware };
	const char *const *z1[] = { zone_contoso2, zone_fabrikam, zone_litware };
	struct synth_view s0 = view_make(z0, 3), s1 = view_make(z1, 3);
	struct answer_table *t0 = answer_table_build(&s0);
	const long same[] = { -1, 1, 2 };
	struct answer_table *t1 = answer_table_build_from(&s1, t0, same);
	struct answer_table *fresh = answer_table_build(&s1);

	/*
	 * contoso is compiled again, and litware too (not solo): it would
	 * read fabrikam's nodes from this build, which holds none if shared.
	 */
	ck_assert_ptr_nonnull(t1);
	ck_assert_uint_eq(answer_table_shared(t1), 0);
	assert_same(t1, fresh);
	answer_table_free(t1);
	answer_table_free(fresh);

	/*
	 * fabrikam goes: litware's target is under no zone now, but was under
	 * one in the old table, so litware is not solo, and nothing shared.
	 */
	const char *const *z3[] = { zone_contoso, zone_litware };
	struct synth_view s3 = view_make(z3, 2);
	const long same3[] = { 0, 2 };
	t1 = answer_table_build_from(&s3, t0, same3);
	fresh = answer_table_build(&s3);
	ck_assert_uint_eq(answer_table_shared(t1), 0);
	assert_same(t1, fresh);
	answer_table_free(t1);
	answer_table_free(fresh);
	synth_view_clear(&s3);

	/* Nested zones: a child zone comes, its parent is compiled again. */
	const char *const *z4[] = { zone_contoso, zone_fabrikam, zone_sub };
	struct synth_view s4 = view_make(z4, 3);
	const long same4[] = { 0, 1, -1 };
	t1 = answer_table_build_from(&s4, t0, same4);
	fresh = answer_table_build(&s4);
	ck_assert_uint_eq(answer_table_shared(t1), 0);
	assert_same(t1, fresh);
	answer_table_free(t1);
	answer_table_free(fresh);
	synth_view_clear(&s4);

	answer_table_free(t0);
	synth_view_clear(&s0);
	synth_view_clear(&s1);
}
END_TEST

/* --- a snapshot after another ------------------------------------------- */

/* The AXFR bytes of every zone of s, one after another (for comparing). */
static size_t
all_wire(const struct snapshot *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (size_t v = 0; v < s->nviews; v++)
		for (size_t z = 0; z < s->views[v].sv.nzones; z++) {
			const struct zonewire *w = &s->views[v].sv.zones[z].wire;
			ck_assert_uint_le(n + w->len, max);
			memcpy(out + n, w->buf, w->len);
			n += w->len;
		}
	return n;
}

/*
 * A reload of the same file: every zone's records are the old snapshot's
 * own bytes (pointer-equal) and its answers shared; with the old one freed
 * first or last, the new one's records and answers stay the same.
 */
static void
snapshot_after(bool old_first)
{
	const char *dir = getenv("srcdir");
	char path[4096];
	static uint8_t w0[1 << 20], w1[1 << 20];

	snprintf(path, sizeof(path), "%s/conf/ocsdnsd.ini",
	    dir != NULL && *dir != '\0' ? dir : ".");
	struct snapshot *a = snapshot_build(config_load(path, stderr, NULL),
	    NULL, stderr);
	ck_assert_ptr_nonnull(a);
	struct snapshot *b = snapshot_build(config_load(path, stderr, NULL),
	    a, stderr);
	ck_assert_ptr_nonnull(b);
	size_t nz = 0, nsh = snapshot_nshared(b, &nz);
	ck_assert_uint_gt(nz, 0);
	ck_assert_uint_eq(nsh, nz);
	ck_assert_uint_eq(snapshot_nshared(a, &nz), 0);
	ck_assert_uint_eq(a->nviews, b->nviews);
	for (size_t v = 0; v < b->nviews; v++)
		for (size_t z = 0; z < b->views[v].sv.nzones; z++)
			ck_assert_ptr_eq(b->views[v].sv.zones[z].wire.buf,
			    a->views[v].sv.zones[z].wire.buf);
	size_t n0 = all_wire(a, w0, sizeof(w0));
	struct lookup x = look(a->views[0].table, "sip.contoso.com", TYPE_A);
	ck_assert_int_eq(x.kind, LOOKUP_ANSWER);
	uint8_t msg[4096];
	size_t mlen = x.var->len;
	memcpy(msg, x.var->wire, mlen);
	if (old_first)
		snapshot_free(a);
	ck_assert_uint_eq(all_wire(b, w1, sizeof(w1)), n0);
	ck_assert_mem_eq(w0, w1, n0);
	struct lookup y = look(b->views[0].table, "sip.contoso.com", TYPE_A);
	ck_assert_int_eq(y.kind, LOOKUP_ANSWER);
	ck_assert_uint_eq(y.var->len, mlen);
	ck_assert_mem_eq(y.var->wire, msg, mlen);
	/* And a third after the second: sharing goes on. */
	struct snapshot *c = snapshot_build(config_load(path, stderr, NULL),
	    b, stderr);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(snapshot_nshared(c, &nz), nz);
	snapshot_free(b);
	ck_assert_uint_eq(all_wire(c, w1, sizeof(w1)), n0);
	ck_assert_mem_eq(w0, w1, n0);
	if (!old_first)
		snapshot_free(a);
	snapshot_free(c);
}

START_TEST(test_snapshot_old_freed_first)
{
	snapshot_after(true);
}
END_TEST

START_TEST(test_snapshot_new_freed_first)
{
	snapshot_after(false);
}
END_TEST

static Suite *
share_suite(void)
{
	Suite *s = suite_create("share");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_unchanged_old_freed_first);
	tcase_add_test(tc, test_unchanged_new_freed_first);
	tcase_add_test(tc, test_one_changed);
	tcase_add_test(tc, test_not_solo);
	tcase_add_test(tc, test_snapshot_old_freed_first);
	tcase_add_test(tc, test_snapshot_new_freed_first);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(share_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
