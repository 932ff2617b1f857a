/* check_serial.c -- RFC 1982 comparisons and the serials' state file. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serial.h"

START_TEST(test_arith)
{
	ck_assert(serial_after(2, 1));
	ck_assert(!serial_after(1, 2));
	ck_assert(!serial_after(5, 5));
	/* Across the wrap: 1 comes after 0xffffffff. */
	ck_assert(serial_after(1, 0xffffffffu));
	ck_assert(!serial_after(0x80000000u, 0));
	ck_assert_uint_eq(serial_next(100, 200), 200);
	ck_assert_uint_eq(serial_next(200, 100), 201);	/* the clock went back */
	ck_assert_uint_eq(serial_next(0xffffffffu, 5), 5);
	ck_assert_uint_eq(serial_next(200, 200), 201);
}
END_TEST

static char dir[64];

static void
make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_serial.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
remove_dir(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, SERIAL_STATE_FILE);
	unlink(path);
	rmdir(dir);
}

START_TEST(test_roundtrip)
{
	struct serial_state st;
	const struct serial_entry v[] = {
		{ "fabrikam.com", 7, 0x0123456789abcdefULL },
		{ "contoso.com", 4000000000u, 0xffffffffffffffffULL },
	};

	make_dir();
	ck_assert_int_eq(serial_state_load(dir, &st, stderr), 1);	/* none yet */
	ck_assert_int_eq(serial_state_save(dir, v, 2), 0);
	ck_assert_int_eq(serial_state_load(dir, &st, stderr), 0);
	ck_assert_uint_eq(st.n, 2);
	const struct serial_entry *e = serial_state_find(&st, "contoso.com");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->serial, 4000000000u);
	ck_assert(e->hash == 0xffffffffffffffffULL);
	e = serial_state_find(&st, "fabrikam.com");
	ck_assert_ptr_nonnull(e);
	ck_assert(e->hash == 0x0123456789abcdefULL);
	ck_assert_ptr_null(serial_state_find(&st, "nope.com"));
	serial_state_clear(&st);
	/* Saved again: replaced whole, no temporary file left. */
	ck_assert_int_eq(serial_state_save(dir, v, 1), 0);
	ck_assert_int_eq(serial_state_load(dir, &st, stderr), 0);
	ck_assert_uint_eq(st.n, 1);
	serial_state_clear(&st);
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, SERIAL_STATE_FILE);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	remove_dir();
}
END_TEST

/* Each bad file: -1, empty, and a warning naming file and line. */
static void
expect_bad(const char *text, const char *where)
{
	char path[128], *msg = NULL;
	size_t len = 0;
	struct serial_state st;

	snprintf(path, sizeof(path), "%s/%s", dir, SERIAL_STATE_FILE);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	FILE *diag = open_memstream(&msg, &len);
	ck_assert_int_eq(serial_state_load(dir, &st, diag), -1);
	fclose(diag);
	ck_assert_uint_eq(st.n, 0);
	char want[160];
	snprintf(want, sizeof(want), "%s%s: warning: ", path, where);
	ck_assert_msg(strstr(msg, want) != NULL, "got '%s', want '%s'", msg,
	    want);
	free(msg);
}

START_TEST(test_bad)
{
	make_dir();
	expect_bad("# h\ncontoso.com 1 0123456789abcdef\nnonsense\n", ":3");
	expect_bad("contoso.com 1 0123456789abcdef", ":1");	/* cut short */
	expect_bad("contoso.com x 0123456789abcdef\n", ":1");
	expect_bad("contoso.com 4294967296 0123456789abcdef\n", ":1");
	expect_bad("contoso.com 1 0123\n", ":1");
	expect_bad("contoso.com 1 0123456789abcdef extra\n", ":1");
	remove_dir();
}
END_TEST

static Suite *
serial_suite(void)
{
	Suite *s = suite_create("serial");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_arith);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(serial_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
