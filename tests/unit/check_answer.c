/* check_answer.c -- the answer table: build from records, look up by hash. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "answer_int.h"
#include "arena.h"
#include "config.h"
#include "snapshot.h"
#include "synth.h"
#include "wire.h"

/* --- fixtures ----------------------------------------------------------- */

/*
 * A view of our own making: each zone a NULL-terminated list of records
 * in presentation form, its SOA first (as synth.c and zonefile.c make them).
 */
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
		/* min(SOA TTL, MINIMUM), as synth.c has it (RFC 2308). */
		ldns_rr *soa = ldns_rr_list_rr(sv.zones[z].rrs, 0);
		uint32_t min = ldns_rdf2native_int32(ldns_rr_rdf(soa, 6));
		sv.zones[z].neg_ttl = min < ldns_rr_ttl(soa) ? min : ldns_rr_ttl(soa);
		sv.zones[z].name = strdup("test");
	}
	/* As snapshot_build() hands them over: packed. */
	ck_assert_int_eq(synth_view_pack(&sv), 0);
	return sv;
}

static void
view_free(struct synth_view *sv)
{
	synth_view_clear(sv);
}

/*
 * The question last asked (look(), asked()): a prepared answer keeps none,
 * the reply puts the client's after the header, as var_msg() does here.
 */
static uint8_t	 q_wire[DNS_MAX_NAME + 4];
static size_t	 q_len;

static void
asked(const uint8_t *name, size_t len, uint16_t qtype, uint16_t qclass)
{
	memcpy(q_wire, name, len);
	wire_put16(q_wire + len, qtype);
	wire_put16(q_wire + len + 2, qclass);
	q_len = len + 4;
}

/* The first len bytes of v as a reply sends them; out holds len + q_len. */
static size_t
var_msg(const struct answer_var *v, size_t len, uint8_t *out)
{
	memcpy(out, v->wire, DNS_HEADER_SIZE);
	memcpy(out + DNS_HEADER_SIZE, q_wire, q_len);
	memcpy(out + DNS_HEADER_SIZE + q_len, v->wire + DNS_HEADER_SIZE,
	    len - DNS_HEADER_SIZE);
	return len + q_len;
}

/* Looks text up the way the query path does: folded name, its hash. */
static struct lookup
look(struct answer_table *t, const char *text, uint16_t qtype)
{
	uint8_t name[DNS_MAX_NAME];
	size_t len = wire_name_from_text(text, name);
	struct lookup lk;

	ck_assert_uint_gt(len, 0);
	memset(&lk, 0xa5, sizeof(lk));
	answer_lookup(t, name, len, wire_name_hash(name, len), qtype, &lk);
	asked(name, len, qtype, LDNS_RR_CLASS_IN);
	return lk;
}

/* The prepared message of an answer, parsed by ldns. */
static ldns_pkt *
var_pkt(const struct answer_var *v)
{
	ldns_pkt *p = NULL;

	ck_assert_ptr_nonnull(v);
	uint8_t *buf = malloc((size_t)v->len + q_len);
	ck_assert_ptr_nonnull(buf);
	size_t len = var_msg(v, v->len, buf);
	ck_assert_int_eq(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
	free(buf);
	ck_assert(ldns_pkt_qr(p));
	ck_assert(ldns_pkt_aa(p));
	ck_assert_uint_eq(ldns_pkt_id(p), 0);
	return p;
}

/* Record i of section sec (0 answer, 1 authority, 2 additional), as text. */
static char *
rr_text(ldns_pkt *p, int sec, size_t i)
{
	ldns_rr_list *l = sec == 0 ? ldns_pkt_answer(p) :
	    sec == 1 ? ldns_pkt_authority(p) : ldns_pkt_additional(p);

	ck_assert_uint_lt(i, ldns_rr_list_rr_count(l));
	return ldns_rr2str(ldns_rr_list_rr(l, i));
}

static void
assert_rr(ldns_pkt *p, int sec, size_t i, const char *want)
{
	char *s = rr_text(p, sec, i);

	ck_assert_str_eq(s, want);
	free(s);
}

static void
assert_apex(const struct lookup *lk, const char *apex)
{
	uint8_t name[DNS_MAX_NAME];
	size_t len = wire_name_from_text(apex, name);

	ck_assert_ptr_nonnull(lk->zone);
	ck_assert_uint_eq(lk->zone->apex_len, len);
	ck_assert_mem_eq(lk->zone->apex, name, len);
}

static const char *const zone_contoso[] = {
	"contoso.com. 3600 IN SOA ns1.contoso.com. hostmaster.contoso.com. "
	    "1 3600 600 604800 300",
	"contoso.com. 3600 IN NS ns1.contoso.com.",
	"ns1.contoso.com. 3600 IN A 10.0.0.2",
	"a.b.contoso.com. 3600 IN A 10.0.0.5",
	"a.b.contoso.com. 3600 IN TXT \"hello\"",
	"pool.contoso.com. 3600 IN A 10.0.0.10",
	"pool.contoso.com. 3600 IN A 10.0.0.11",
	"pool.contoso.com. 3600 IN A 10.0.0.12",
	"www.contoso.com. 3600 IN CNAME web.contoso.com.",
	"web.contoso.com. 3600 IN CNAME host.contoso.com.",
	"host.contoso.com. 3600 IN A 10.0.0.20",
	"host.contoso.com. 3600 IN MX 10 mail.contoso.com.",
	"dangling.contoso.com. 3600 IN CNAME missing.contoso.com.",
	"away.contoso.com. 3600 IN CNAME www.example.org.",
	"_sip._tls.contoso.com. 3600 IN SRV 0 0 443 ns1.contoso.com.",
	NULL
};

static const char *const zone_sub[] = {
	"sub.contoso.com. 3600 IN SOA ns1.contoso.com. hostmaster.contoso.com. "
	    "7 3600 600 604800 60",
	"x.sub.contoso.com. 3600 IN A 10.7.0.1",
	NULL
};

/* --- the empty table ---------------------------------------------------- */

/*
 * No zone, so no node: the build used to compute its threads' shares as
 * offsets from a NULL order array (UBSan: applying zero offset to null).
 */
START_TEST(test_empty_view)
{
	struct synth_view sv = view_make(NULL, 0);
	struct answer_table *t = answer_table_build(&sv);

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(look(t, "contoso.com", TYPE_A).kind, LOOKUP_REFUSED);
	ck_assert_ptr_null(look(t, ".", TYPE_SOA).zone);
	answer_prefetch_slot(t, 0);
	answer_prefetch_node(t, 0);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/*
 * A view of more zones than a node can name (NODE_ZONES_MAX) is refused
 * whole, before any zone is read: no table that serves some of them.
 */
START_TEST(test_too_many_zones)
{
	struct synth_view sv = { .name = "big", .nzones = NODE_ZONES_MAX + 1 };
	char why[128];

	ck_assert_int_eq(answer_view_fits(&sv, why, sizeof(why)), -1);
	ck_assert_str_eq(why,
	    "16777217 zones, more than the 16777216 one view can serve");
	ck_assert_ptr_null(answer_table_build(&sv));
	sv.nzones = NODE_ZONES_MAX;
	why[0] = '\0';
	ck_assert_int_eq(answer_view_fits(&sv, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	sv.nzones = 0;
	struct answer_table *t = answer_table_build(&sv);
	ck_assert_ptr_nonnull(t);
	answer_table_free(t);
}
END_TEST

/* The same from a configuration with no [domain]: what fuzz_config met. */
START_TEST(test_empty_config)
{
	char path[] = "/tmp/check_answer_XXXXXX";
	int fd = mkstemp(path);
	struct config *cfg;
	struct snapshot *snap;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "[server]\n", 9), 9);
	close(fd);
	cfg = config_load(path, stderr, NULL);
	unlink(path);
	ck_assert_ptr_nonnull(cfg);
	snap = snapshot_build(cfg, NULL, stderr);
	ck_assert_ptr_nonnull(snap);
	ck_assert_uint_ge(snap->nviews, 1);
	for (size_t v = 0; v < snap->nviews; v++) {
		ck_assert_uint_eq(snap->views[v].sv.nzones, 0);
		ck_assert_int_eq(look(snap->views[v].table, "contoso.com",
		    TYPE_A).kind, LOOKUP_REFUSED);
	}
	snapshot_free(snap);
}
END_TEST

/*
 * A start-up that serves sheds the configuration's domains and hosts before
 * compiling (a lower peak): the same answers as a build that keeps them.
 */
START_TEST(test_build_serving)
{
	const char *dir = getenv("srcdir");
	char path[4096];
	static const struct { const char *name; uint16_t type; } qs[] = {
		{ "_sip._tls.contoso.com", LDNS_RR_TYPE_SRV },
		{ "_sipinternaltls._tcp.contoso.com", LDNS_RR_TYPE_SRV },
		{ "sip.contoso.com", TYPE_A },
		{ "pool01.fabrikam.com", TYPE_A },
		{ "contoso.com", LDNS_RR_TYPE_NS },
		{ "nope.contoso.com", TYPE_A },
	};

	snprintf(path, sizeof(path), "%s/conf/ocsdnsd.ini",
	    dir != NULL && *dir != '\0' ? dir : ".");
	struct snapshot *a = snapshot_build(config_load(path, stderr, NULL),
	    NULL, stderr);
	struct snapshot *b = snapshot_build_serving(config_load(path, stderr,
	    NULL), stderr);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_gt(snapshot_config(a)->ndomains, 0);
	ck_assert_uint_eq(snapshot_config(b)->ndomains, 0);
	ck_assert_uint_eq(snapshot_config(b)->nhosts, 0);
	ck_assert_uint_eq(a->nviews, b->nviews);
	for (size_t v = 0; v < a->nviews; v++)
		for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
			struct lookup x = look(a->views[v].table, qs[i].name,
			    qs[i].type);
			struct lookup y = look(b->views[v].table, qs[i].name,
			    qs[i].type);
			ck_assert_int_eq(x.kind, y.kind);
			if (x.kind != LOOKUP_ANSWER)
				continue;
			ck_assert_uint_eq(x.var->len, y.var->len);
			ck_assert_mem_eq(x.var->wire, y.var->wire, x.var->len);
		}
	snapshot_free(a);
	snapshot_free(b);
}
END_TEST

/* --- lookups ------------------------------------------------------------ */

START_TEST(test_lookup_by_hash)
{
	const char *const *zones[] = { zone_contoso };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	uint8_t name[DNS_MAX_NAME];
	size_t len = wire_name_from_text("ns1.contoso.com", name);
	struct lookup lk;
	ldns_pkt *p;

	ck_assert_ptr_nonnull(t);
	answer_lookup(t, name, len, wire_name_hash(name, len), TYPE_A, &lk);
	asked(name, len, TYPE_A, LDNS_RR_CLASS_IN);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	assert_apex(&lk, "contoso.com");
	p = var_pkt(lk.var);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	assert_rr(p, 0, 0, "ns1.contoso.com.\t3600\tIN\tA\t10.0.0.2\n");
	ldns_pkt_free(p);

	/* The hash given is the one used: a wrong one finds no node. */
	answer_lookup(t, name, len, wire_name_hash(name, len) ^ 1, TYPE_A, &lk);
	ck_assert_int_eq(lk.kind, LOOKUP_NXDOMAIN);

	/* Another type at the name: NODATA, with the zone for the SOA. */
	lk = look(t, "ns1.contoso.com", TYPE_AAAA);
	ck_assert_int_eq(lk.kind, LOOKUP_NODATA);
	ck_assert_ptr_null(lk.var);
	assert_apex(&lk, "contoso.com");
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

START_TEST(test_negative)
{
	const char *const *zones[] = { zone_contoso, zone_sub };
	struct synth_view sv = view_make(zones, 2);
	struct answer_table *t = answer_table_build(&sv);
	struct lookup lk;

	ck_assert_ptr_nonnull(t);
	lk = look(t, "nope.contoso.com", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_NXDOMAIN);
	ck_assert_ptr_null(lk.var);
	assert_apex(&lk, "contoso.com");
	/* The negative SOA: TYPE CLASS TTL, the TTL the negative one. */
	ck_assert_uint_eq(wire_get16(lk.zone->soa_tail), TYPE_SOA);
	ck_assert_uint_eq(wire_get16(lk.zone->soa_tail + 2), CLASS_IN);
	ck_assert_uint_eq(wire_get32(lk.zone->soa_tail + 4), 300);

	/* An empty non-terminal exists: NODATA, not NXDOMAIN. */
	lk = look(t, "b.contoso.com", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_NODATA);
	assert_apex(&lk, "contoso.com");
	/* Below an existing name, the closest encloser's zone. */
	lk = look(t, "deep.er.a.b.contoso.com", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_NXDOMAIN);
	assert_apex(&lk, "contoso.com");
	/* The closest zone wins: sub.contoso.com is a zone of its own. */
	lk = look(t, "y.sub.contoso.com", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_NXDOMAIN);
	assert_apex(&lk, "sub.contoso.com");
	ck_assert_uint_eq(wire_get32(lk.zone->soa_tail + 4), 60);
	lk = look(t, "x.sub.contoso.com", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	assert_apex(&lk, "sub.contoso.com");
	/* In no zone of ours. */
	lk = look(t, "example.org", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_REFUSED);
	ck_assert_ptr_null(lk.zone);
	ck_assert_int_eq(look(t, "com", TYPE_A).kind, LOOKUP_REFUSED);
	ck_assert_int_eq(look(t, ".", TYPE_NS).kind, LOOKUP_REFUSED);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

START_TEST(test_any)
{
	const char *const *zones[] = { zone_contoso };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	struct lookup lk;
	ldns_pkt *p;

	ck_assert_ptr_nonnull(t);
	/* RFC 8482: the first RRset (by type: A before TXT) and no more. */
	lk = look(t, "a.b.contoso.com", TYPE_ANY);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	p = var_pkt(lk.var);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p),
	    0)), LDNS_RR_TYPE_A);
	ldns_pkt_free(p);
	lk = look(t, "a.b.contoso.com", TYPE_TXT);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	p = var_pkt(lk.var);
	assert_rr(p, 0, 0, "a.b.contoso.com.\t3600\tIN\tTXT\t\"hello\"\n");
	ldns_pkt_free(p);
	/* An empty non-terminal has nothing for ANY either. */
	ck_assert_int_eq(look(t, "b.contoso.com", TYPE_ANY).kind, LOOKUP_NODATA);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/*
 * Five wildcards, each under its own parent: the flags' list of them grows
 * past its first places, and every one answers for the names it covers,
 * its parent's other names untouched.
 */
START_TEST(test_many_wildcards)
{
	static const char *const zone[] = {
		"w.test. 3600 IN SOA ns.w.test. h.w.test. 1 3600 600 86400 300",
		"*.a.w.test. 60 IN TXT \"a\"",
		"*.b.w.test. 60 IN TXT \"b\"",
		"*.c.w.test. 60 IN TXT \"c\"",
		"*.d.w.test. 60 IN TXT \"d\"",
		"*.e.w.test. 60 IN TXT \"e\"",
		"x.c.w.test. 60 IN A 10.0.0.3",
		NULL
	};
	const char *const *zones[] = { zone };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);

	ck_assert_ptr_nonnull(t);
	for (char c = 'a'; c <= 'e'; c++) {
		char name[32], parent[16];
		snprintf(name, sizeof(name), "any.%c.w.test", c);
		snprintf(parent, sizeof(parent), "%c.w.test", c);
		ck_assert_int_eq(look(t, name, TYPE_TXT).kind, LOOKUP_SPLICE);
		ck_assert_int_eq(look(t, parent, TYPE_TXT).kind, LOOKUP_NODATA);
	}
	ck_assert_int_eq(look(t, "x.c.w.test", TYPE_A).kind, LOOKUP_ANSWER);
	ck_assert_int_eq(look(t, "x.c.w.test", TYPE_TXT).kind, LOOKUP_NODATA);
	ck_assert_int_eq(look(t, "any.f.w.test", TYPE_TXT).kind,
	    LOOKUP_NXDOMAIN);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/* A zone with a cut (glue below it) and a wildcard beside names. */
static const char *const zone_cuts[] = {
	"example. 3600 IN SOA ns.example.com. h.example.com. 1 3600 600 86400 300",
	"example. 3600 IN NS ns.example.com.",
	"*.example. 3600 IN TXT \"wild\"",
	"host1.example. 3600 IN A 192.0.2.1",
	"corp.example. 3600 IN NS dc1.corp.example.",
	"dc1.corp.example. 3600 IN A 192.0.2.53",
	"signed.example. 3600 IN NS ns.example.net.",
	"signed.example. 3600 IN DS 12345 8 1 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE",
	NULL
};

/* Referrals and wildcard answers come spliced, DS at the cut is NODATA. */
START_TEST(test_cuts_wildcards)
{
	const char *const *zones[] = { zone_cuts };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	struct lookup lk;

	ck_assert_ptr_nonnull(t);
	const char *below[] = { "corp.example", "dc1.corp.example",
	    "x.dc1.corp.example", "nope.corp.example" };
	for (size_t i = 0; i < 4; i++) {
		lk = look(t, below[i], TYPE_A);
		ck_assert_int_eq(lk.kind, LOOKUP_SPLICE);
		/* AA clear, no question; the NS in authority, the glue after. */
		ck_assert_int_eq(lk.var->wire[2] & FLAG1_AA, 0);
		ck_assert_uint_eq(wire_get16(lk.var->wire + 4), 1);
		ck_assert_uint_eq(wire_get16(lk.var->wire + 6), 0);
		ck_assert_uint_eq(wire_get16(lk.var->wire + 8), 1);
		ck_assert_uint_eq(wire_get16(lk.var->wire + 10), 1);
		/* The glue is required: nothing to drop without TC. */
		ck_assert_uint_eq(lk.var->len_noadd, lk.var->len);
		ck_assert_int_eq(lk.var->wire[DNS_HEADER_SIZE], 4);	/* "corp" */
	}
	lk = look(t, "corp.example", LDNS_RR_TYPE_DS);
	ck_assert_int_eq(lk.kind, LOOKUP_NODATA);
	ck_assert_uint_eq(lk.zone->apex_len, 9);
	lk = look(t, "dc1.corp.example", LDNS_RR_TYPE_DS);
	ck_assert_int_eq(lk.kind, LOOKUP_SPLICE);
	/* A DS RRset at the cut: the parent's data, answered. */
	lk = look(t, "signed.example", LDNS_RR_TYPE_DS);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	ck_assert_int_ne(lk.var->wire[2] & FLAG1_AA, 0);
	ck_assert_uint_eq(wire_get16(lk.var->wire + 6), 1);
	ck_assert_int_eq(look(t, "signed.example", TYPE_A).kind, LOOKUP_SPLICE);

	/* A name that does not exist: the wildcard, its owner the query name. */
	lk = look(t, "a.b.example", TYPE_TXT);
	ck_assert_int_eq(lk.kind, LOOKUP_SPLICE);
	ck_assert_int_ne(lk.var->wire[2] & FLAG1_AA, 0);
	ck_assert_uint_eq(wire_get16(lk.var->wire + 6), 1);
	ck_assert_uint_eq(wire_get16(lk.var->wire + DNS_HEADER_SIZE), 0xc00c);
	ck_assert_int_eq(look(t, "a.b.example", TYPE_A).kind, LOOKUP_NODATA);
	/* The wildcard's own name: the same answer. */
	ck_assert_int_eq(look(t, "*.example", TYPE_TXT).kind, LOOKUP_SPLICE);
	/* Names that exist are never the wildcard's. */
	ck_assert_int_eq(look(t, "host1.example", TYPE_TXT).kind,
	    LOOKUP_NODATA);
	ck_assert_int_eq(look(t, "x.host1.example", TYPE_TXT).kind,
	    LOOKUP_NXDOMAIN);
	ck_assert_int_eq(look(t, "host1.example", TYPE_A).kind, LOOKUP_ANSWER);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

START_TEST(test_additional)
{
	const char *const *zones[] = { zone_contoso };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	struct lookup lk;
	ldns_pkt *p;

	ck_assert_ptr_nonnull(t);
	lk = look(t, "_sip._tls.contoso.com", LDNS_RR_TYPE_SRV);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	ck_assert_uint_eq(lk.var->arcount, 1);
	ck_assert_uint_lt(lk.var->len_noadd, lk.var->len);
	p = var_pkt(lk.var);
	ck_assert_uint_eq(ldns_pkt_arcount(p), 1);
	assert_rr(p, 2, 0, "ns1.contoso.com.\t3600\tIN\tA\t10.0.0.2\n");
	ldns_pkt_free(p);
	/* The first len_noadd bytes, ARCOUNT 0: the answer without it. */
	uint8_t buf[512];
	size_t blen = var_msg(lk.var, lk.var->len_noadd, buf);
	wire_put16(buf + 10, 0);
	ck_assert_int_eq(ldns_wire2pkt(&p, buf, blen), LDNS_STATUS_OK);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	ck_assert_uint_eq(ldns_pkt_arcount(p), 0);
	ldns_pkt_free(p);
	/* No target in our data: no additional section. */
	lk = look(t, "ns1.contoso.com", TYPE_A);
	ck_assert_uint_eq(lk.var->arcount, 0);
	ck_assert_uint_eq(lk.var->len_noadd, lk.var->len);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/* --- CNAME chains ------------------------------------------------------- */

START_TEST(test_cname_chain)
{
	const char *const *zones[] = { zone_contoso };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	struct lookup lk;
	ldns_pkt *p;

	ck_assert_ptr_nonnull(t);
	/* Followed to the end, the RRset of the type asked there. */
	lk = look(t, "www.contoso.com", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	p = var_pkt(lk.var);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 3);
	assert_rr(p, 0, 0, "www.contoso.com.\t3600\tIN\tCNAME\tweb.contoso.com.\n");
	assert_rr(p, 0, 1, "web.contoso.com.\t3600\tIN\tCNAME\thost.contoso.com.\n");
	assert_rr(p, 0, 2, "host.contoso.com.\t3600\tIN\tA\t10.0.0.20\n");
	ck_assert_uint_eq(ldns_pkt_nscount(p), 0);
	ldns_pkt_free(p);
	lk = look(t, "www.contoso.com", TYPE_MX);
	p = var_pkt(lk.var);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 3);
	assert_rr(p, 0, 2, "host.contoso.com.\t3600\tIN\tMX\t10 mail.contoso.com.\n");
	ldns_pkt_free(p);

	/* The CNAME type itself: the CNAME alone. */
	lk = look(t, "www.contoso.com", TYPE_CNAME);
	p = var_pkt(lk.var);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	ldns_pkt_free(p);

	/* A type the end lacks: the chain, then the SOA (NODATA there). */
	lk = look(t, "www.contoso.com", TYPE_AAAA);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	p = var_pkt(lk.var);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 1);
	ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_authority(p),
	    0)), LDNS_RR_TYPE_SOA);
	ck_assert_uint_eq(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_authority(p), 0)),
	    300);
	ldns_pkt_free(p);

	/* The middle of the chain answers from where it is. */
	lk = look(t, "web.contoso.com", TYPE_A);
	p = var_pkt(lk.var);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 2);
	ldns_pkt_free(p);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

START_TEST(test_cname_ends)
{
	const char *const *zones[] = { zone_contoso };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	struct lookup lk;
	ldns_pkt *p;

	ck_assert_ptr_nonnull(t);
	/* To a name absent from our zone: NXDOMAIN with the CNAME (RFC 6604). */
	lk = look(t, "dangling.contoso.com", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	p = var_pkt(lk.var);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 1);
	ldns_pkt_free(p);
	/* Out of our data: the CNAME alone, NOERROR, no SOA. */
	lk = look(t, "away.contoso.com", TYPE_A);
	p = var_pkt(lk.var);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	ck_assert_uint_eq(ldns_pkt_nscount(p), 0);
	ldns_pkt_free(p);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/* A loop ends after MAX_CHAIN (8) steps instead of running forever. */
START_TEST(test_cname_loop)
{
	static const char *const zone[] = {
		"loop.test. 3600 IN SOA ns.loop.test. h.loop.test. 1 1 1 1 1",
		"a.loop.test. 3600 IN CNAME b.loop.test.",
		"b.loop.test. 3600 IN CNAME a.loop.test.",
		NULL
	};
	const char *const *zones[] = { zone };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	struct lookup lk;
	ldns_pkt *p;

	ck_assert_ptr_nonnull(t);
	lk = look(t, "a.loop.test", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	p = var_pkt(lk.var);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 8);
	ldns_pkt_free(p);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/* --- rotation ----------------------------------------------------------- */

/* The first address of each answer, as text. */
static char *
first_a(const struct lookup *lk)
{
	ldns_pkt *p = var_pkt(lk->var);
	char *s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(p),
	    0), 0));

	ldns_pkt_free(p);
	return s;
}

START_TEST(test_rotation)
{
	const char *const *zones[] = { zone_contoso };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	static const char *const want[] = {
		"10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.10", "10.0.0.11"
	};

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < 5; i++) {
		struct lookup lk = look(t, "pool.contoso.com", TYPE_A);
		ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
		char *s = first_a(&lk);
		ck_assert_str_eq(s, want[i]);
		free(s);
		/* Each variant holds every address, wrapped around. */
		ldns_pkt *p = var_pkt(lk.var);
		ck_assert_uint_eq(ldns_pkt_ancount(p), 3);
		ldns_pkt_free(p);
	}
	/* One record: no rotation, one variant. */
	struct lookup a = look(t, "ns1.contoso.com", TYPE_A);
	struct lookup b = look(t, "ns1.contoso.com", TYPE_A);
	ck_assert_ptr_eq(a.var, b.var);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/* At most 16 variants: the 17th answer starts over. */
START_TEST(test_rotation_cap)
{
	const char *zone[24];
	char text[20][64];
	size_t n = 0;

	zone[n++] = "big.test. 3600 IN SOA ns.big.test. h.big.test. 1 1 1 1 1";
	for (int i = 0; i < 20; i++) {
		snprintf(text[i], sizeof(text[i]), "h.big.test. 60 IN A 10.9.0.%d",
		    i + 1);
		zone[n++] = text[i];
	}
	zone[n] = NULL;
	const char *const *zones[] = { zone };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	const struct answer_var *first = NULL;

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 17; i++) {
		struct lookup lk = look(t, "h.big.test", TYPE_A);
		if (i == 0)
			first = lk.var;
		else if (i < 16)
			ck_assert_ptr_ne(lk.var, first);
		else
			ck_assert_ptr_eq(lk.var, first);
	}
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/*
 * Sections longer than the lists a compile keeps on its stack (16): every
 * variant of 20 addresses has them all, in its own order; ten SRV targets
 * of two addresses each give 20 additional records, in the targets' order.
 */
START_TEST(test_long_sections)
{
	const char *zone[64];
	char text[50][64];
	size_t n = 0, nt = 0;

	zone[n++] = "big.test. 3600 IN SOA ns.big.test. h.big.test. 1 1 1 1 1";
	for (int i = 0; i < 20; i++) {
		snprintf(text[nt], sizeof(text[nt]),
		    "h.big.test. 60 IN A 10.9.0.%d", i + 1);
		zone[n++] = text[nt++];
	}
	for (int i = 0; i < 10; i++) {
		snprintf(text[nt], sizeof(text[nt]),
		    "_s._tcp.big.test. 60 IN SRV 0 0 5060 t%d.big.test.", i);
		zone[n++] = text[nt++];
	}
	for (int i = 0; i < 10; i++)
		for (int k = 0; k < 2; k++) {
			snprintf(text[nt], sizeof(text[nt]),
			    "t%d.big.test. 60 IN A 10.8.%d.%d", i, i, k);
			zone[n++] = text[nt++];
		}
	zone[n] = NULL;
	const char *const *zones[] = { zone };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);

	ck_assert_ptr_nonnull(t);
	for (int v = 0; v < 16; v++) {
		struct lookup lk = look(t, "h.big.test", TYPE_A);
		ldns_pkt *p = var_pkt(lk.var);
		ck_assert_uint_eq(ldns_pkt_ancount(p), 20);
		for (int i = 0; i < 20; i++) {
			char want[64];
			snprintf(want, sizeof(want),
			    "h.big.test.\t60\tIN\tA\t10.9.0.%d\n",
			    (v + i) % 20 + 1);
			assert_rr(p, 0, (size_t)i, want);
		}
		ldns_pkt_free(p);
	}
	struct lookup lk = look(t, "_s._tcp.big.test", LDNS_RR_TYPE_SRV);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	ldns_pkt *p = var_pkt(lk.var);
	ck_assert_uint_eq(ldns_pkt_arcount(p), 20);
	for (int i = 0; i < 20; i++) {
		char want[64];
		snprintf(want, sizeof(want),
		    "t%d.big.test.\t60\tIN\tA\t10.8.%d.%d\n", i / 2, i / 2,
		    i % 2);
		assert_rr(p, 2, (size_t)i, want);
	}
	ldns_pkt_free(p);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/*
 * The targets a compile found last are kept by their hashes' low bits
 * (BUILDER_FOUND): two targets whose hashes share them, looked up in
 * turn by SRV owners, each owner's additional section has its own
 * target's address, not the other's that took the entry before.
 */
START_TEST(test_found_targets_collide)
{
	char tname[2][32];
	int found = 0;
	uint32_t low0 = 0;

	/* Two names whose hashes share their low bits. */
	for (int i = 0; found < 2 && i < 100000; i++) {
		uint8_t w[DNS_MAX_NAME];
		char name[32];
		snprintf(name, sizeof(name), "t%d.col.test", i);
		size_t len = wire_name_from_text(name, w);
		uint32_t low = wire_name_hash(w, len) & (BUILDER_FOUND - 1);
		if (found == 0 || low == low0) {
			low0 = low;
			memcpy(tname[found++], name, sizeof(name));
		}
	}
	ck_assert_int_eq(found, 2);
	char text[8][96];
	const char *zone[10];
	size_t n = 0;
	zone[n++] = "col.test. 3600 IN SOA ns.col.test. h.col.test. 1 1 1 1 1";
	/* Owners a, b, c, d: targets 0, 1, 0, 1 (compiled in this order). */
	for (int i = 0; i < 4; i++) {
		snprintf(text[i], sizeof(text[i]),
		    "_%c._tcp.col.test. 60 IN SRV 0 0 5060 %s.", 'a' + i,
		    tname[i % 2]);
		zone[n++] = text[i];
	}
	for (int i = 0; i < 2; i++) {
		snprintf(text[4 + i], sizeof(text[4 + i]),
		    "%s. 60 IN A 10.7.0.%d", tname[i], i + 1);
		zone[n++] = text[4 + i];
	}
	zone[n] = NULL;
	const char *const *zones[] = { zone };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 4; i++) {
		char owner[32], want[96];
		snprintf(owner, sizeof(owner), "_%c._tcp.col.test", 'a' + i);
		snprintf(want, sizeof(want), "%s.\t60\tIN\tA\t10.7.0.%d\n",
		    tname[i % 2], i % 2 + 1);
		struct lookup lk = look(t, owner, LDNS_RR_TYPE_SRV);
		ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
		ldns_pkt *p = var_pkt(lk.var);
		ck_assert_uint_eq(ldns_pkt_arcount(p), 1);
		assert_rr(p, 2, 0, want);
		ldns_pkt_free(p);
	}
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/*
 * The round robin over the variants inline in a node: three addresses give
 * three distinct messages in turn, then the first again; one address one.
 */
START_TEST(test_answer_next)
{
	const char *const *zones[] = { zone_contoso };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);
	const struct answer_var *v[4];

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 4; i++)
		v[i] = look(t, "pool.contoso.com", TYPE_A).var;
	ck_assert_ptr_ne(v[0], v[1]);
	ck_assert_ptr_ne(v[1], v[2]);
	ck_assert_ptr_ne(v[0], v[2]);
	ck_assert_ptr_eq(v[3], v[0]);
	/* The variants lie in the table, whole messages of equal length. */
	ck_assert_uint_eq(v[0]->len, v[1]->len);
	ck_assert_uint_eq(v[0]->len, v[2]->len);
	ck_assert_ptr_eq(look(t, "ns1.contoso.com", TYPE_A).var,
	    look(t, "ns1.contoso.com", TYPE_A).var);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/*
 * A zone of count names hI.SUFFIX (I from 0) under APEX, each with the
 * address a_zone_addr() gives I, and its table: for the large builds.
 */
struct a_zone {
	const char	**rrs;
	char		(*text)[64];
	char		 soa[96];
	const char	*suffix;
	struct synth_view sv;
	struct answer_table *t;
};

static void
a_zone_addr(size_t i, char *out, size_t len)
{
	snprintf(out, len, "10.%zu.%zu.%zu", i >> 16 & 255, i >> 8 & 255,
	    i & 255);
}

static void
a_zone_build(struct a_zone *az, const char *apex, const char *suffix,
    size_t count)
{
	char addr[16];

	az->rrs = calloc(count + 2, sizeof(*az->rrs));
	az->text = calloc(count, sizeof(*az->text));
	ck_assert_ptr_nonnull(az->rrs);
	ck_assert_ptr_nonnull(az->text);
	snprintf(az->soa, sizeof(az->soa),
	    "%s. 3600 IN SOA ns.%s. h.%s. 1 1 1 1 1", apex, apex, apex);
	az->rrs[0] = az->soa;
	az->suffix = suffix;
	for (size_t i = 0; i < count; i++) {
		a_zone_addr(i, addr, sizeof(addr));
		snprintf(az->text[i], sizeof(az->text[i]), "h%zu.%s. 60 IN A %s",
		    i, suffix, addr);
		az->rrs[i + 1] = az->text[i];
	}
	const char *const *zones[] = { az->rrs };
	az->sv = view_make(zones, 1);
	az->t = answer_table_build(&az->sv);
	ck_assert_ptr_nonnull(az->t);
}

/* hI.SUFFIX answers with its own address. */
static void
a_zone_assert(const struct a_zone *az, size_t i)
{
	char name[64], want[16];

	snprintf(name, sizeof(name), "h%zu.%s", i, az->suffix);
	a_zone_addr(i, want, sizeof(want));
	struct lookup lk = look(az->t, name, TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	char *a = first_a(&lk);
	ck_assert_str_eq(a, want);
	free(a);
}

static void
a_zone_free(struct a_zone *az)
{
	answer_table_free(az->t);
	view_free(&az->sv);
	free(az->text);
	free(az->rrs);
}

/* Many records, to take the threaded build (4096 or more). */
START_TEST(test_large_build)
{
	struct a_zone az;

	a_zone_build(&az, "l.test", "l.test", 5000);
	for (size_t i = 0; i < 5000; i += 97)
		a_zone_assert(&az, i);
	ck_assert_int_eq(look(az.t, "h5000.l.test", TYPE_A).kind,
	    LOOKUP_NXDOMAIN);
	a_zone_free(&az);
}
END_TEST

/*
 * More nodes than 16 bits count (the slots' refs are 32-bit offsets into
 * the builders' blocks): every one found, with its own address, and the
 * empty non-terminal above them NODATA.
 */
START_TEST(test_many_nodes)
{
	size_t count = 70000;
	struct a_zone az;

	a_zone_build(&az, "m.test", "e.m.test", count);
	for (size_t i = 0; i < count; i += (i < 65500 ? 4099 : 1)) {
		char name[32];
		snprintf(name, sizeof(name), "h%zu.e.m.test", i);
		a_zone_assert(&az, i);
		ck_assert_int_eq(look(az.t, name, LDNS_RR_TYPE_MX).kind,
		    LOOKUP_NODATA);
	}
	ck_assert_int_eq(look(az.t, "e.m.test", TYPE_A).kind, LOOKUP_NODATA);
	ck_assert_int_eq(look(az.t, "h70000.e.m.test", TYPE_A).kind,
	    LOOKUP_NXDOMAIN);
	ck_assert_int_eq(look(az.t, "h1.e.m.test.example", TYPE_A).kind,
	    LOOKUP_REFUSED);
	a_zone_free(&az);
}
END_TEST

/*
 * The served slots are twice the nodes, not the power of two above (at
 * 1,000,000 domains 256 MiB where 165 do), and a probe that
 * runs past the last slot goes on at the first: a zone whose last slots'
 * names wrap to the first, and every one is found.
 */
START_TEST(test_slots_sized)
{
	struct a_zone az;
	char apex[16], name[32];
	size_t count = 3000, k = 0;

	/* The first zone s0.test, s1.test... whose probes wrap: slot 0 taken. */
	for (;; k++) {
		ck_assert_uint_lt(k, 64);
		snprintf(apex, sizeof(apex), "s%zu.test", k);
		a_zone_build(&az, apex, apex, count);
		const struct slot *sl = &az.t->slots[0];
		if (sl->ref != 0 && answer_slot_home(az.t, sl->hash) > 0)
			break;
		a_zone_free(&az);
	}
	struct answer_table *t = az.t;
	ck_assert_uint_eq(t->nnodes, count + 1);
	ck_assert_uint_eq(t->nslots, t->nnodes * 2);
	ck_assert_uint_ne(t->nslots & (t->nslots - 1), 0);
	for (size_t i = 0; i < count; i++)
		a_zone_assert(&az, i);
	snprintf(name, sizeof(name), "h%zu.%s", count, apex);
	ck_assert_int_eq(look(t, name, TYPE_A).kind, LOOKUP_NXDOMAIN);
	a_zone_free(&az);
}
END_TEST

/*
 * Several zones, each with many names under a few shared empty
 * non-terminals: the nodes go to the compile threads in chunks and each
 * zone's listing finds the shared parents among the names it met last;
 * every name
 * answers with its own address, every parent is NODATA, none is lost.
 */
START_TEST(test_chunked_build)
{
	enum { NZ = 3, PER = 3000 };
	const char **zone[NZ];
	char (*text)[80] = calloc(NZ * PER, sizeof(*text));
	char soa[NZ][80];

	ck_assert_ptr_nonnull(text);
	for (size_t z = 0; z < NZ; z++) {
		ck_assert_ptr_nonnull(zone[z] = calloc(PER + 2, sizeof(**zone)));
		snprintf(soa[z], sizeof(soa[z]),
		    "z%zu.test. 3600 IN SOA ns.z%zu.test. h.z%zu.test. 1 1 1 1 1",
		    z, z, z);
		zone[z][0] = soa[z];
		for (size_t i = 0; i < PER; i++) {
			snprintf(text[z * PER + i], sizeof(text[0]),
			    "h%zu.p%zu.z%zu.test. 60 IN A 10.%zu.%zu.%zu", i, i % 7,
			    z, z, i / 256, i % 256);
			zone[z][i + 1] = text[z * PER + i];
		}
	}
	const char *const *zones[NZ] = { zone[0], zone[1], zone[2] };
	struct synth_view sv = view_make(zones, NZ);
	struct answer_table *t = answer_table_build(&sv);

	ck_assert_ptr_nonnull(t);
	for (size_t z = 0; z < NZ; z++) {
		for (size_t i = 0; i < PER; i++) {
			char name[48], want[32];
			snprintf(name, sizeof(name), "h%zu.p%zu.z%zu.test", i, i % 7, z);
			snprintf(want, sizeof(want), "10.%zu.%zu.%zu", z, i / 256,
			    i % 256);
			struct lookup lk = look(t, name, TYPE_A);
			ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
			char *a = first_a(&lk);
			ck_assert_str_eq(a, want);
			free(a);
		}
		for (size_t p = 0; p < 7; p++) {
			char name[32];
			snprintf(name, sizeof(name), "p%zu.z%zu.test", p, z);
			ck_assert_int_eq(look(t, name, TYPE_A).kind, LOOKUP_NODATA);
		}
		char name[32];
		snprintf(name, sizeof(name), "p7.z%zu.test", z);
		ck_assert_int_eq(look(t, name, TYPE_A).kind, LOOKUP_NXDOMAIN);
	}
	answer_table_free(t);
	view_free(&sv);
	for (size_t z = 0; z < NZ; z++)
		free(zone[z]);
	free(text);
}
END_TEST

/* Whether two lookups found the same: kind, zone apex, message bytes. */
static void
assert_same_lookup(const struct lookup *a, const struct lookup *b,
    const char *name, uint16_t qtype, size_t parts)
{
	ck_assert_msg(a->kind == b->kind, "%s %u, %zu parts: kind %d, not %d",
	    name, qtype, parts, b->kind, a->kind);
	ck_assert_msg((a->zone == NULL) == (b->zone == NULL), "%s %u: zone",
	    name, qtype);
	if (a->zone != NULL) {
		ck_assert_uint_eq(a->zone->apex_len, b->zone->apex_len);
		ck_assert_mem_eq(a->zone->apex, b->zone->apex, a->zone->apex_len);
	}
	ck_assert_msg((a->var == NULL) == (b->var == NULL), "%s %u: var",
	    name, qtype);
	if (a->var != NULL) {
		ck_assert_msg(a->var->len == b->var->len &&
		    memcmp(a->var->wire, b->var->wire, a->var->len) == 0,
		    "%s %u, %zu parts: another message", name, qtype, parts);
	}
}

/*
 * The insert in one part and in two, three and four gives the same answers
 * to every name: zones nested both ways round (a parent's delegation and
 * glue before and after its child's zone, so a name two zones hold falls
 * to either part), a wildcard, CNAMEs across zones, one owner's records
 * apart, empty non-terminals shared by many names, a name above the apex
 * and names that are not there.
 */
START_TEST(test_insert_parts)
{
	enum { PER = 600 };
	static const char *const fixed[][8] = {
		{ "p.test. 60 IN SOA ns.p.test. h.p.test. 1 1 1 1 1",
		  "c.p.test. 60 IN NS ns.c.p.test.",
		  "ns.c.p.test. 60 IN A 10.9.0.1",
		  "*.w.p.test. 60 IN A 10.9.0.2",
		  "alias.p.test. 60 IN CNAME www.d.c.p.test.",
		  "x.p.test. 60 IN A 10.9.0.3", NULL },
		{ "c.p.test. 60 IN SOA ns.c.p.test. h.c.p.test. 1 1 1 1 1",
		  "c.p.test. 60 IN NS ns.c.p.test.",
		  "ns.c.p.test. 60 IN A 10.9.1.1",
		  "www.d.c.p.test. 60 IN A 10.9.1.2",
		  "back.c.p.test. 60 IN CNAME x.p.test.", NULL },
		{ "q.c.p.test. 60 IN SOA ns.q.c.p.test. h.q.c.p.test. 1 1 1 1 1",
		  "e.f.q.c.p.test. 60 IN TXT \"deep\"", NULL },
	};
	const char **zone[5];
	char (*text)[80] = calloc(5 * (PER + 8), sizeof(*text));
	size_t nt = 0;

	ck_assert_ptr_nonnull(text);
	/* Zones 0 and 4: the fixed ones, then many names; 1-3 between. */
	static const size_t which[5] = { 0, 1, 2, 1, 0 };
	for (size_t z = 0; z < 5; z++) {
		size_t n = 0;
		ck_assert_ptr_nonnull(zone[z] = calloc(PER + 10, sizeof(**zone)));
		for (const char *const *f = fixed[which[z]]; *f != NULL; f++)
			zone[z][n++] = *f;
		if (z == 3 || z == 4)	/* the same apex again: another zone */
			snprintf(text[nt], sizeof(text[0]), "%s", z == 3 ?
			    "c2.p.test. 60 IN SOA ns.p.test. h.p.test. 1 1 1 1 1" :
			    "p2.test. 60 IN SOA ns.p.test. h.p.test. 1 1 1 1 1"),
			    zone[z][0] = text[nt++];
		const char *apex = z == 0 ? "p.test" : z == 1 ? "c.p.test" :
		    z == 2 ? "q.c.p.test" : z == 3 ? "c2.p.test" : "p2.test";
		for (size_t i = 0; i < PER; i++) {
			snprintf(text[nt], sizeof(text[0]),
			    "h%zu.s%zu.%s. 60 IN A 10.%zu.%zu.%zu", i, i % 5, apex,
			    z, i / 256, i % 256);
			zone[z][n++] = text[nt++];
		}
		/* One owner's records apart: the run split. */
		snprintf(text[nt], sizeof(text[0]), "h1.s1.%s. 60 IN TXT \"again\"",
		    apex);
		zone[z][n++] = text[nt++];
		zone[z][n] = NULL;
	}
	const char *const *zones[5] = { zone[0], zone[1], zone[2], zone[3],
	    zone[4] };
	struct synth_view sv = view_make(zones, 5);
	struct answer_table *t[INSERT_PARTS_MAX + 1] = { NULL };
	for (size_t parts = 1; parts <= INSERT_PARTS_MAX; parts++) {
		answer_insert_parts = parts;
		ck_assert_ptr_nonnull(t[parts] = answer_table_build(&sv));
	}
	answer_insert_parts = 0;
	static const uint16_t types[] = { TYPE_A, LDNS_RR_TYPE_NS, TYPE_SOA,
	    LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_MX };
	char names[64][48];
	size_t nn = 0;
	static const char *const some[] = { "p.test", "c.p.test", "ns.c.p.test",
	    "q.c.p.test", "f.q.c.p.test", "e.f.q.c.p.test", "z.w.p.test",
	    "w.p.test", "alias.p.test", "back.c.p.test", "d.c.p.test",
	    "www.d.c.p.test", "x.p.test", "test", "nowhere.p.test",
	    "s1.c2.p.test", "h1.s1.p2.test", "h1.s1.c.p.test", "s4.q.c.p.test",
	    "h599.s4.p.test", "h600.s0.p.test", "a.b.z.w.p.test" };
	for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++)
		snprintf(names[nn++], sizeof(names[0]), "%s", some[i]);
	for (size_t parts = 2; parts <= INSERT_PARTS_MAX; parts++) {
		ck_assert_uint_eq(t[parts]->nnodes, t[1]->nnodes);
		for (size_t i = 0; i < nn; i++)
			for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
				struct lookup a = look(t[1], names[i], types[k]);
				struct lookup b = look(t[parts], names[i], types[k]);
				assert_same_lookup(&a, &b, names[i], types[k], parts);
			}
		/* Every name of every zone. */
		for (size_t z = 0; z < 5; z++)
			for (size_t i = 0; i < PER; i += 7) {
				char name[48];
				const char *apex = z == 0 ? "p.test" : z == 1 ?
				    "c.p.test" : z == 2 ? "q.c.p.test" : z == 3 ?
				    "c2.p.test" : "p2.test";
				snprintf(name, sizeof(name), "h%zu.s%zu.%s", i, i % 5,
				    apex);
				for (size_t k = 0; k < 4; k++) {
					struct lookup a = look(t[1], name, types[k]);
					struct lookup b = look(t[parts], name, types[k]);
					assert_same_lookup(&a, &b, name, types[k], parts);
				}
			}
	}
	for (size_t parts = 1; parts <= INSERT_PARTS_MAX; parts++)
		answer_table_free(t[parts]);
	view_free(&sv);
	for (size_t z = 0; z < 5; z++)
		free(zone[z]);
	free(text);
}
END_TEST

/*
 * Owners in upper case (a zone file's) are folded for the table, in a copy;
 * lower-case ones are used where they are in the zone's wire: both found,
 * and the empty non-terminals above them.
 */
START_TEST(test_owner_case)
{
	static const char *const zone[] = {
		"Case.TEST. 60 IN SOA ns.case.test. h.case.test. 1 1 1 1 1",
		"WWW.Sub.Case.Test. 60 IN A 10.6.0.1",
		"low.sub.case.test. 60 IN A 10.6.0.2",
		"_sip._TLS.case.test. 60 IN SRV 0 0 443 www.sub.case.test.",
		NULL
	};
	const char *const *zones[1] = { zone };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(look(t, "www.sub.case.test", TYPE_A).kind, LOOKUP_ANSWER);
	ck_assert_int_eq(look(t, "LOW.SUB.case.test", TYPE_A).kind, LOOKUP_ANSWER);
	ck_assert_int_eq(look(t, "_sip._tls.case.test", LDNS_RR_TYPE_SRV).kind,
	    LOOKUP_ANSWER);
	/* The empty non-terminal above both, and a name below none. */
	ck_assert_int_eq(look(t, "sub.case.test", TYPE_A).kind, LOOKUP_NODATA);
	ck_assert_int_eq(look(t, "_tls.case.test", TYPE_A).kind, LOOKUP_NODATA);
	ck_assert_int_eq(look(t, "no.sub.case.test", TYPE_A).kind,
	    LOOKUP_NXDOMAIN);
	answer_table_free(t);
	view_free(&sv);
}
END_TEST

/*
 * The insert's lists of names are given to the arenas and blocks when the
 * insert is done with them (answer_block_donate()), for the compile to
 * write on: 120,000 names listed, 24 bytes each, in one part, are whole
 * chunks wherever the mapping lands.
 */
START_TEST(test_build_gives_its_lists)
{
	enum { NAMES = 120000 };
	char (*text)[64] = calloc(NAMES + 4, sizeof(*text));
	const char **zone = calloc(NAMES + 4, sizeof(*zone));
	size_t n = 0;

	ck_assert(text != NULL && zone != NULL);
	zone[n++] = "l.test. 60 IN SOA ns.l.test. h.l.test. 1 1 1 1 1";
	zone[n++] = "l.test. 60 IN NS ns.l.test.";
	for (size_t i = 0; i < NAMES; i++) {
		snprintf(text[i], sizeof(text[0]), "h%zu.l.test. 60 IN A "
		    "10.%zu.%zu.%zu", i, i / 65536, i / 256 % 256, i % 256);
		zone[n++] = text[i];
	}
	zone[n] = NULL;
	const char *const *zones[1] = { zone };
	struct synth_view sv = view_make(zones, 1);

	(void)arena_pool_drain(NULL);
	answer_insert_parts = 1;
	struct answer_table *t = answer_table_build(&sv);
	answer_insert_parts = 0;
	ck_assert_ptr_nonnull(t);
	size_t taken = 0, left = arena_pool_drain(&taken);
	ck_assert_uint_ge(taken + left, 2);
	ck_assert_int_eq(look(t, "h0.l.test", TYPE_A).kind, LOOKUP_ANSWER);
	ck_assert_int_eq(look(t, "h119999.l.test", TYPE_A).kind,
	    LOOKUP_ANSWER);
	ck_assert_int_eq(look(t, "h120000.l.test", TYPE_A).kind,
	    LOOKUP_NXDOMAIN);
	answer_table_free(t);
	view_free(&sv);
	free(zone);
	free(text);
}
END_TEST

/*
 * Pages given to the arenas (arena_donate()) come as they are, not zeroed:
 * a build on chunks full of 0xa5 answers as one on fresh pages, and takes
 * them (fewer left to drain than given). Also the ends of a donation that
 * are not whole chunks go, and a donation too small for one.
 */
START_TEST(test_build_on_donated_pages)
{
	enum { NAMES = 40000, GIVE = 48 };
	char (*text)[64] = calloc(NAMES + 8, sizeof(*text));
	const char **zone = calloc(NAMES + 8, sizeof(*zone));
	size_t n = 0;

	ck_assert(text != NULL && zone != NULL);
	zone[n++] = "d.test. 60 IN SOA ns.d.test. h.d.test. 1 1 1 1 1";
	zone[n++] = "d.test. 60 IN NS ns.d.test.";
	zone[n++] = "ns.d.test. 60 IN A 10.8.0.1";
	zone[n++] = "*.w.d.test. 60 IN A 10.8.0.2";
	zone[n++] = "alias.d.test. 60 IN CNAME h7.s2.d.test.";
	zone[n++] = "_sip._tls.d.test. 60 IN SRV 0 0 443 h9.s4.d.test.";
	for (size_t i = 0; i < NAMES; i++) {
		snprintf(text[i], sizeof(text[0]), "h%zu.s%zu.d.test. 60 IN A "
		    "10.%zu.%zu.%zu", i, i % 5, i / 65536, i / 256 % 256, i % 256);
		zone[n++] = text[i];
	}
	zone[n] = NULL;
	const char *const *zones[1] = { zone };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *fresh = answer_table_build(&sv);
	ck_assert_ptr_nonnull(fresh);

	/* GIVE chunks and a page either side, 0xa5 throughout. */
	size_t len = (size_t)GIVE * ARENA_CHUNK + 3 * ARENA_CHUNK;
	uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	memset(m, 0xa5, len);
	uintptr_t at = ((uintptr_t)m + 4096 + ARENA_CHUNK - 1) &
	    ~(uintptr_t)(ARENA_CHUNK - 1);
	uint8_t *from = (uint8_t *)at - 4096;
	ck_assert_uint_eq(arena_donate(from, (size_t)GIVE * ARENA_CHUNK + 8192),
	    GIVE);
	struct answer_table *reused = answer_table_build(&sv);
	ck_assert_ptr_nonnull(reused);
	size_t taken = 0, left = arena_pool_drain(&taken);
#ifndef ARENA_NO_MREMAP
	/*
	 * Under ThreadSanitizer no chunk is moved into a block, and this
	 * view's one large zone has its arenas allocate apart: none taken.
	 */
	ck_assert_uint_lt(left, GIVE);
#endif
	/* The insert's name lists were given to the compile too. */
	ck_assert_uint_ge(taken + left, GIVE);
	ck_assert_uint_eq(arena_pool_drain(&taken), 0);
	ck_assert_uint_eq(taken, 0);

	static const uint16_t types[] = { TYPE_A, LDNS_RR_TYPE_NS, TYPE_SOA,
	    LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_SRV };
	static const char *const some[] = { "d.test", "ns.d.test", "x.w.d.test",
	    "alias.d.test", "_sip._tls.d.test", "s3.d.test", "nowhere.d.test",
	    "h39999.s4.d.test", "test" };
	for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++)
		for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
			struct lookup a = look(fresh, some[i], types[k]);
			struct lookup b = look(reused, some[i], types[k]);
			assert_same_lookup(&a, &b, some[i], types[k], 0);
		}
	for (size_t i = 0; i < NAMES; i += 3) {
		char name[48];
		snprintf(name, sizeof(name), "h%zu.s%zu.d.test", i, i % 5);
		struct lookup a = look(fresh, name, TYPE_A);
		struct lookup b = look(reused, name, TYPE_A);
		assert_same_lookup(&a, &b, name, TYPE_A, 0);
	}
	/*
	 * Large enough for the flags and the insert's order on every CPU:
	 * the wildcard's parent knows of it, the CNAME is one.
	 */
	ck_assert_int_eq(look(reused, "x.w.d.test", TYPE_A).kind, LOOKUP_SPLICE);
	ck_assert_int_eq(look(reused, "w.d.test", TYPE_A).kind, LOOKUP_NODATA);
	ck_assert_int_eq(look(reused, "alias.d.test", TYPE_A).kind,
	    LOOKUP_ANSWER);
	ck_assert_int_eq(look(reused, "h39999.s4.d.test", TYPE_A).kind,
	    LOOKUP_ANSWER);
	answer_table_free(fresh);
	answer_table_free(reused);
	/* Less than a chunk: back to the kernel, none given. */
	uint8_t *small = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(small, MAP_FAILED);
	ck_assert_uint_eq(arena_donate(small, 8192), 0);
	ck_assert_uint_eq(arena_pool_drain(NULL), 0);
	/* What is left of the mapping: the two ends, outside what was given. */
	uint8_t *end = from + (size_t)GIVE * ARENA_CHUNK + 8192;
	(void)munmap(m, (size_t)(from - m));
	(void)munmap(end, (size_t)(m + len - end));
	view_free(&sv);
	free(zone);
	free(text);
}
END_TEST

/*
 * At least n chunks of 0xa5 given to the pool (n + 1 when the mapping
 * falls on a chunk's boundary): how many.
 */
static size_t
donate_dirty(size_t n)
{
	size_t len = (n + 1) * ARENA_CHUNK;
	uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	memset(m, 0xa5, len);
	size_t given = arena_donate(m, len);	/* the ends: unmapped */
	ck_assert(given == n || given == n + 1);
	return given;
}

/*
 * A block made ready from the pool takes its chunks (moved, not copied:
 * a megabyte ahead of the writes) and reads zero as a fresh one does; what
 * was written stays as it grows past them and onto fresh pages. Under
 * ThreadSanitizer (ARENA_NO_MREMAP) no chunk is moved: all are left.
 */
START_TEST(test_block_takes_donated)
{
	enum { GIVE = 3 };
	size_t taken = 0;
	struct block k = { NULL, 0, 0, 0 };
	size_t given = donate_dirty(GIVE);
	size_t at = answer_block_reserve(&k, 100, 4);
	ck_assert_uint_eq(at, 0);
	ck_assert_uint_ge(k.populated, ARENA_CHUNK);
	for (size_t i = 0; i < k.populated; i++)
		if (k.base[i] != 0)
			ck_abort_msg("byte %zu of the block is %#x, not 0", i,
			    k.base[i]);
	memset(k.base, 0x3c, 100);
	/* Past the first megabyte and the rest of the chunks, then fresh. */
	size_t big = (GIVE + 2) * (size_t)ARENA_CHUNK;
	at = answer_block_reserve(&k, big, 4096);
	ck_assert_uint_ne(at, SIZE_MAX);
	ck_assert_uint_ge(k.populated, at + big);
	for (size_t i = 100; i < at + big; i += 4093)
		if (k.base[i] != 0)
			ck_abort_msg("byte %zu of the block is %#x, not 0", i,
			    k.base[i]);
	for (size_t i = 0; i < 100; i++)
		ck_assert_uint_eq(k.base[i], 0x3c);
	memset(k.base + at, 0x5a, big);
	size_t left = arena_pool_drain(&taken);
#ifdef ARENA_NO_MREMAP
	ck_assert_uint_eq(left, given);
	ck_assert_uint_eq(taken, 0);
#else
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(taken, given);
#endif
	ck_assert_uint_eq(k.base[99], 0x3c);
	ck_assert_uint_eq(k.base[at + big - 1], 0x5a);
	answer_block_free(&k);
}
END_TEST

/*
 * A large array grows keeping its bytes, its new ones zeroed; shrinks;
 * and when donated its written pages become chunks for the arenas, the
 * unwritten ones do not.
 */
START_TEST(test_array_resize_donate)
{
	uint32_t *v = arena_array_resize(NULL, 4 * sizeof(*v));
	size_t n = 3 * ARENA_CHUNK / sizeof(*v), taken = 0;

	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq((uintptr_t)v % _Alignof(max_align_t), 0);
	for (uint32_t i = 0; i < 4; i++)
		v[i] = i + 1;
	ck_assert_ptr_nonnull(v = arena_array_resize(v, n * sizeof(*v)));
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_uint_eq(v[i], i + 1);
	for (size_t i = 4; i < n; i += 977)
		ck_assert_uint_eq(v[i], 0);
	for (size_t i = 0; i < n; i++)
		v[i] = (uint32_t)i;
	/* Twice as large, half of it never written. */
	ck_assert_ptr_nonnull(v = arena_array_resize(v, 2 * n * sizeof(*v)));
	ck_assert_uint_eq(v[n - 1], n - 1);
	ck_assert_uint_eq(v[2 * n - 1], 0);
	arena_array_donate(v, n * sizeof(*v));
	/* Three megabytes written, 16 bytes in: two whole chunks at least. */
	size_t left = arena_pool_drain(&taken);
	ck_assert_uint_ge(left, 2);
	ck_assert_uint_le(left, 3);
	ck_assert_uint_eq(taken, 0);
	/* A shrink keeps the head; free gives it all back. */
	uint8_t *b = arena_array_resize(NULL, 10 * 4096);
	ck_assert_ptr_nonnull(b);
	memset(b, 7, 10 * 4096);
	ck_assert_ptr_eq(arena_array_resize(b, 100), b);
	ck_assert_uint_eq(b[99], 7);
	ck_assert_ptr_nonnull(b = arena_array_resize(b, 10 * 4096));
	ck_assert_uint_eq(b[99], 7);
	ck_assert_uint_eq(b[10 * 4096 - 1], 0);
	arena_array_free(b);
	arena_array_free(NULL);
	arena_array_donate(NULL, 0);
	ck_assert_uint_eq(arena_pool_drain(NULL), 0);
}
END_TEST

/*
 * The largest message a node holds (TXT records up to nearly 64 KiB), then
 * a rotating answer of the same node and a node after it: every message
 * whole in the block, what follows it intact.
 */
START_TEST(test_largest_message)
{
	enum { NTXT = 250 };
	const char *zone[NTXT + 8];
	char (*text)[300] = calloc(NTXT, sizeof(*text));
	size_t n = 0;

	ck_assert_ptr_nonnull(text);
	zone[n++] = "big.test. 3600 IN SOA ns.big.test. h.big.test. 1 1 1 1 1";
	for (int i = 0; i < NTXT; i++) {
		/* About 255 bytes of rdata each: 250 of them near 64 KiB. */
		int o = snprintf(text[i], sizeof(text[i]),
		    "t.big.test. 60 IN TXT \"%03d", i);
		memset(text[i] + o, 'x', 240);
		snprintf(text[i] + o + 240, sizeof(text[i]) - (size_t)o - 240, "\"");
		zone[n++] = text[i];
	}
	zone[n++] = "t.big.test. 60 IN A 10.1.0.1";
	zone[n++] = "t.big.test. 60 IN A 10.1.0.2";
	zone[n++] = "u.big.test. 60 IN A 10.1.0.3";
	zone[n] = NULL;
	const char *const *zones[] = { zone };
	struct synth_view sv = view_make(zones, 1);
	struct answer_table *t = answer_table_build(&sv);

	ck_assert_ptr_nonnull(t);
	struct lookup lk = look(t, "t.big.test", LDNS_RR_TYPE_TXT);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	ck_assert_uint_gt(lk.var->len, 60000);
	ldns_pkt *p = var_pkt(lk.var);
	ck_assert_uint_eq(ldns_pkt_ancount(p), NTXT);
	assert_rr(p, 0, NTXT - 1, "t.big.test.\t60\tIN\tTXT\t\"249"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n");
	ldns_pkt_free(p);
	char *a = first_a(&(struct lookup){ .var = look(t, "t.big.test",
	    TYPE_A).var });
	char *b = first_a(&(struct lookup){ .var = look(t, "t.big.test",
	    TYPE_A).var });
	ck_assert_str_ne(a, b);
	free(a);
	free(b);
	lk = look(t, "u.big.test", TYPE_A);
	ck_assert_int_eq(lk.kind, LOOKUP_ANSWER);
	a = first_a(&lk);
	ck_assert_str_eq(a, "10.1.0.3");
	free(a);
	answer_table_free(t);
	view_free(&sv);
	free(text);
}
END_TEST

/* answer_prepare(): one RRset, question = its owner, type and class. */
START_TEST(test_prepare)
{
	ldns_rr *rr = NULL;
	struct answer a;
	ldns_pkt *p;

	ck_assert_int_eq(ldns_rr_new_frm_str(&rr,
	    "version.bind. 0 CH TXT \"ocsdnsd\"", 0, NULL, NULL), LDNS_STATUS_OK);
	ck_assert_int_eq(answer_prepare(&a, &rr, 1), 0);
	ck_assert_uint_eq(a.nvar, 1);
	ck_assert_uint_eq(a.qtype, LDNS_RR_TYPE_TXT);
	/* No question kept: the reply puts the client's after the header. */
	uint8_t name[DNS_MAX_NAME];
	size_t len = wire_name_from_text("version.bind", name);
	/* header, then the answer: pointer, TYPE CLASS TTL RDLENGTH, "ocsdnsd" */
	ck_assert_uint_eq(a.var[0].len, DNS_HEADER_SIZE + 2 + 10 + 8);
	asked(name, len, LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH);
	p = var_pkt(&a.var[0]);
	ck_assert_int_eq(ldns_rr_get_class(ldns_rr_list_rr(ldns_pkt_question(p),
	    0)), LDNS_RR_CLASS_CH);
	ck_assert_uint_eq(ldns_pkt_ancount(p), 1);
	ldns_pkt_free(p);
	answer_clear(&a);
	ck_assert_ptr_null(a.var);
	ck_assert_int_eq(answer_prepare(&a, &rr, 0), -1);
	ldns_rr_free(rr);
}
END_TEST

/* The byte-at-a-time folding answer_lname() replaced: the reference. */
static size_t
lname_ref(const uint8_t *name, size_t max, uint8_t *out)
{
	size_t i = 0;

	if (max > DNS_MAX_NAME)
		max = DNS_MAX_NAME;
	while (i < max && name[i] != 0 && (name[i] & 0xc0) == 0)
		i += 1 + name[i];
	if (i >= max || name[i] != 0)
		return 0;
	for (size_t k = 0; k <= i; k++)
		out[k] = (uint8_t)((name[k] >= 'A' && name[k] <= 'Z') ?
		    name[k] + 32 : name[k]);
	return i + 1;
}

/* Every byte value at every offset of names of every length folds as before. */
START_TEST(test_lname_fold)
{
	uint8_t name[DNS_MAX_NAME + 8], got[DNS_MAX_NAME], want[DNS_MAX_NAME];

	for (size_t len = 1; len <= DNS_MAX_NAME; len++)
		for (unsigned c = 0; c < 256; c += (len < 40 ? 1 : 17)) {
			/* Labels of up to 63 bytes; the byte c at each place in turn. */
			for (size_t at = 0; at + 1 < len; at += (len < 40 ? 1 : 7)) {
				bool is_len[DNS_MAX_NAME] = { false };
				size_t i = 0;
				/* Labels of up to 63 bytes, then the root: len in all. */
				while (i + 1 < len) {
					size_t lab = len - 2 - i;
					lab = lab > 63 ? 63 : lab;
					if (lab == 0)	/* no room for a label and the root */
						break;
					is_len[i] = true;
					name[i] = (uint8_t)lab;
					for (size_t k = 1; k <= lab; k++)
						name[i + k] = (uint8_t)('A' + (i + k) % 58);
					i += 1 + lab;
				}
				if (i + 1 != len)
					continue;	/* len not reachable this way */
				name[len - 1] = 0;
				if (!is_len[at] && c != 0)
					name[at] = (uint8_t)c;	/* the byte c here */
				memset(got, 0xee, sizeof(got));
				memset(want, 0xee, sizeof(want));
				size_t g = answer_lname(name, len, got);
				size_t w = lname_ref(name, len, want);
				ck_assert_uint_eq(g, w);
				ck_assert_uint_eq(g, len);
				ck_assert_mem_eq(got, want, w);
			}
		}
	/* A compression pointer, a name longer than max: not names. */
	uint8_t ptr[] = { 3, 'W', 'w', 'W', 0xc0, 12 };
	ck_assert_uint_eq(answer_lname(ptr, sizeof(ptr), got), 0);
	uint8_t www[] = { 3, 'W', 'w', 'W', 3, 'L', 'A', 'B', 0 };
	ck_assert_uint_eq(answer_lname(www, sizeof(www) - 1, got), 0);
	ck_assert_uint_eq(answer_lname(www, sizeof(www), got), sizeof(www));
	ck_assert_mem_eq(got, "\3www\3lab", sizeof(www));
}
END_TEST

static Suite *
answer_suite(void)
{
	Suite *s = suite_create("answer");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_empty_view);
	tcase_add_test(tc, test_too_many_zones);
	tcase_add_test(tc, test_build_serving);
	tcase_add_test(tc, test_empty_config);
	tcase_add_test(tc, test_lookup_by_hash);
	tcase_add_test(tc, test_negative);
	tcase_add_test(tc, test_any);
	tcase_add_test(tc, test_cuts_wildcards);
	tcase_add_test(tc, test_many_wildcards);
	tcase_add_test(tc, test_additional);
	tcase_add_test(tc, test_cname_chain);
	tcase_add_test(tc, test_cname_ends);
	tcase_add_test(tc, test_cname_loop);
	tcase_add_test(tc, test_rotation);
	tcase_add_test(tc, test_rotation_cap);
	tcase_add_test(tc, test_long_sections);
	tcase_add_test(tc, test_found_targets_collide);
	tcase_add_test(tc, test_answer_next);
	tcase_add_test(tc, test_large_build);
	tcase_add_test(tc, test_many_nodes);
	tcase_add_test(tc, test_slots_sized);
	tcase_add_test(tc, test_chunked_build);
	tcase_add_test(tc, test_insert_parts);
	tcase_add_test(tc, test_build_on_donated_pages);
	tcase_add_test(tc, test_build_gives_its_lists);
	tcase_add_test(tc, test_block_takes_donated);
	tcase_add_test(tc, test_array_resize_donate);
	tcase_add_test(tc, test_owner_case);
	tcase_add_test(tc, test_largest_message);
	tcase_add_test(tc, test_prepare);
	tcase_add_test(tc, test_lname_fold);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(answer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
