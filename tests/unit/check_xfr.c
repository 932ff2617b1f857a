/* check_xfr.c -- the zone an AXFR or IXFR names, among thousands of zones. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "snapshot.h"
#include "testconf.h"
#include "xfr.h"

/* Enough zones that a wrong midpoint or bound would show. */
#define NZONES	3001

static struct snapshot *snap;

/* Zone k of the file: not in sorted order (a stride through 0..NZONES-1). */
static unsigned
zone_number(unsigned k)
{
	return (k * 1237u) % NZONES;
}

static void
setup(void)
{
	size_t cap = 256 + (size_t)NZONES * 128, len = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, cap - len,
	    "[view inside]\nmatch = 10.0.0.0/8\n"
	    "[view outside]\nmatch = any\n");
	for (unsigned k = 0; k < NZONES; k++)
		len += (size_t)snprintf(text + len, cap - len,
		    "[domain z%u.example]\npool = pool01.z%u.example\n"
		    "[host pool01.z%u.example]\naddress = 10.0.0.1\n",
		    zone_number(k), zone_number(k), zone_number(k));
	ck_assert_uint_lt(len, cap);
	snap = testconf_snapshot(text);
	free(text);
	ck_assert_ptr_nonnull(snap);
	ck_assert_uint_eq(snap->nviews, 2);
}

static void
teardown(void)
{
	snapshot_free(snap);
}

/* A query for name (text, case kept) and qtype, through query_parse(). */
static void
make_query(struct query *q, const char *name, uint16_t qtype)
{
	uint8_t pkt[512] = { 0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	size_t len = 12;

	for (const char *p = name; *p != '\0';) {
		const char *dot = strchr(p, '.');
		size_t lab = dot ? (size_t)(dot - p) : strlen(p);
		pkt[len++] = (uint8_t)lab;
		memcpy(pkt + len, p, lab);
		len += lab;
		p += lab + (dot != NULL);
	}
	pkt[len++] = 0;
	pkt[len++] = (uint8_t)(qtype >> 8);
	pkt[len++] = (uint8_t)qtype;
	pkt[len++] = 0;
	pkt[len++] = 1;
	ck_assert_int_eq(query_parse(q, pkt, len), QUERY_OK);
}

/* The zone the old linear scan would give: by name, in view v. */
static const struct synth_zone *
linear(size_t v, const char *name)
{
	const struct synth_view *sv = &snap->views[v].sv;

	for (size_t i = 0; i < sv->nzones; i++)
		if (strcmp(sv->zones[i].name, name) == 0)
			return &sv->zones[i];
	return NULL;
}

static const struct synth_zone *
find(size_t v, const char *name)
{
	struct query q;

	make_query(&q, name, 252);
	return xfr_find_zone(snap, &snap->views[v], &q);
}

START_TEST(test_every_zone_in_every_view)
{
	char name[64];

	for (size_t v = 0; v < snap->nviews; v++)
		for (unsigned k = 0; k < NZONES; k++) {
			snprintf(name, sizeof(name), "z%u.example", k);
			const struct synth_zone *z = find(v, name);
			ck_assert_msg(z != NULL, "%s not found in view %zu",
			    name, v);
			ck_assert_ptr_eq(z, linear(v, name));
			ck_assert_str_eq(z->name, name);
		}
}
END_TEST

START_TEST(test_first_last_and_case)
{
	char first[64], last[64];

	/* First and last in file order and in name order. */
	snprintf(first, sizeof(first), "z%u.example", zone_number(0));
	snprintf(last, sizeof(last), "z%u.example", zone_number(NZONES - 1));
	for (size_t v = 0; v < 2; v++) {
		ck_assert_ptr_eq(find(v, first), &snap->views[v].sv.zones[0]);
		ck_assert_ptr_eq(find(v, last),
		    &snap->views[v].sv.zones[NZONES - 1]);
		ck_assert_ptr_eq(find(v, "z0.example"),
		    linear(v, "z0.example"));		/* first by name */
		ck_assert_ptr_eq(find(v, "z999.example"),
		    linear(v, "z999.example"));		/* last by name */
		ck_assert_ptr_nonnull(find(v, "z999.example"));
		/* The question's case does not matter. */
		ck_assert_ptr_eq(find(v, "Z1234.EXAMPLE"),
		    linear(v, "z1234.example"));
		ck_assert_ptr_eq(find(v, "z1234.eXaMpLe"),
		    linear(v, "z1234.example"));
	}
}
END_TEST

START_TEST(test_absent)
{
	for (size_t v = 0; v < 2; v++) {
		/* Beyond both ends of the sorted list, and between two names. */
		ck_assert_ptr_null(find(v, "a.example"));
		ck_assert_ptr_null(find(v, "zz.example"));
		ck_assert_ptr_null(find(v, "z30000.example"));
		ck_assert_ptr_null(find(v, "z12.example.com"));
		/* A name in a zone, not its apex; and the zones' parent. */
		ck_assert_ptr_null(find(v, "pool01.z17.example"));
		ck_assert_ptr_null(find(v, "example"));
		ck_assert_ptr_null(find(v, ""));	/* the root */
	}
	/* One label holding the dot: the same text, another name. */
	struct query q;
	make_query(&q, "z17.example", 252);
	q.lname[0] = 11;	/* "z17.example" as one label */
	q.lname[4] = '.';
	q.lname[12] = 0;
	q.lname_len = 13;
	ck_assert_ptr_null(xfr_find_zone(snap, &snap->views[0], &q));
}
END_TEST

struct sink {
	unsigned nmsg;
	uint8_t first[512];
	size_t first_len;
};

static int
sink_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct sink *s = arg;

	if (s->nmsg++ == 0) {
		s->first_len = len < sizeof(s->first) ? len : sizeof(s->first);
		memcpy(s->first, msg, s->first_len);
	}
	return 0;
}

/* The AXFR of the last zone of the file: its own SOA opens it. */
START_TEST(test_stream_last_zone)
{
	char name[64];
	struct query q;
	struct sink s = { 0 };

	snprintf(name, sizeof(name), "z%u.example", zone_number(NZONES - 1));
	make_query(&q, name, 252);
	ck_assert_int_eq(xfr_stream(snap, &snap->views[1], &q, sink_emit, &s),
	    0);
	ck_assert_uint_eq(s.nmsg, 1);
	/* Header, question, then the SOA whose owner is the zone's apex. */
	size_t at = 12 + q.question_len;
	ck_assert_uint_gt(s.first_len, at + q.lname_len + 2);
	ck_assert_mem_eq(s.first + at, q.lname, q.lname_len);
	ck_assert_uint_eq(s.first[at + q.lname_len], 0);
	ck_assert_uint_eq(s.first[at + q.lname_len + 1], 6);	/* SOA */
	make_query(&q, "pool01.z17.example", 252);
	ck_assert_int_eq(xfr_stream(snap, &snap->views[1], &q, sink_emit, &s),
	    1);
}
END_TEST

static Suite *
xfr_suite(void)
{
	Suite *s = suite_create("xfr");
	TCase *tc = tcase_create("find");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_zone_in_every_view);
	tcase_add_test(tc, test_first_last_and_case);
	tcase_add_test(tc, test_absent);
	tcase_add_test(tc, test_stream_last_zone);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xfr_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
