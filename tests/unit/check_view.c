/* check_view.c -- unit tests of view selection and the address rules of views. */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "view.h"

static struct sockaddr_storage ss_remote, ss_local;

static const struct sockaddr *
addr(struct sockaddr_storage *ss, const char *text)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(text, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, text, &s4->sin_addr), 1);
	}
	return (const struct sockaddr *)ss;
}

static struct cfg_prefix
prefix(const char *text, unsigned bits)
{
	struct cfg_prefix p = { .bits = bits };

	if (strcmp(text, "any") == 0) {
		p.family = AF_UNSPEC;
		return p;
	}
	p.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(p.family, text, p.addr), 1);
	return p;
}

static bool
covers(const char *pfx, unsigned bits, const char *a)
{
	struct cfg_prefix p = prefix(pfx, bits);
	return view_prefix_covers(&p, addr(&ss_remote, a));
}

START_TEST(test_v4_prefixes)
{
	ck_assert(covers("10.0.0.0", 8, "10.255.255.255"));
	ck_assert(covers("10.0.0.0", 8, "10.0.0.0"));
	ck_assert(!covers("10.0.0.0", 8, "11.0.0.0"));
	ck_assert(!covers("10.0.0.0", 8, "9.255.255.255"));
	/* A prefix that ends inside a byte. */
	ck_assert(covers("172.16.0.0", 12, "172.31.255.255"));
	ck_assert(!covers("172.16.0.0", 12, "172.32.0.0"));
	ck_assert(!covers("172.16.0.0", 12, "172.15.255.255"));
	ck_assert(covers("192.0.2.128", 25, "192.0.2.200"));
	ck_assert(!covers("192.0.2.128", 25, "192.0.2.127"));
	/* Edges: /32 is one address, /0 is all of IPv4 but no IPv6. */
	ck_assert(covers("127.0.0.1", 32, "127.0.0.1"));
	ck_assert(!covers("127.0.0.1", 32, "127.0.0.2"));
	ck_assert(covers("0.0.0.0", 0, "203.0.113.9"));
	ck_assert(!covers("0.0.0.0", 0, "::1"));
	/* A v4 client seen on a dual-stack socket. */
	ck_assert(covers("127.0.0.0", 8, "::ffff:127.0.0.2"));
	ck_assert(!covers("10.0.0.0", 8, "::ffff:127.0.0.2"));
}
END_TEST

START_TEST(test_v6_prefixes)
{
	ck_assert(covers("2001:db8::", 32, "2001:db8:ffff::1"));
	ck_assert(!covers("2001:db8::", 32, "2001:db9::1"));
	ck_assert(covers("fe80::", 10, "febf::1"));
	ck_assert(!covers("fe80::", 10, "fec0::1"));
	ck_assert(covers("::1", 128, "::1"));
	ck_assert(!covers("::1", 128, "::2"));
	ck_assert(covers("::", 0, "2001:db8::1"));
	ck_assert(!covers("::", 0, "127.0.0.1"));
	ck_assert(covers("any", 0, "2001:db8::1"));
	ck_assert(covers("any", 0, "10.1.2.3"));
}
END_TEST

START_TEST(test_contains)
{
	struct cfg_prefix p8 = prefix("10.0.0.0", 8), p16 = prefix("10.1.0.0", 16);
	struct cfg_prefix any = prefix("any", 0), v6 = prefix("::1", 128);

	ck_assert(view_prefix_contains(&p8, &p16));
	ck_assert(!view_prefix_contains(&p16, &p8));
	ck_assert(view_prefix_contains(&p8, &p8));
	ck_assert(view_prefix_contains(&any, &v6));
	ck_assert(!view_prefix_contains(&p8, &v6));
	ck_assert(!view_prefix_contains(&v6, &any));
}
END_TEST

static struct config *
load(const char *text)
{
	char path[] = "/tmp/check_view_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct config *cfg;

	fputs(text, f);
	fclose(f);
	cfg = config_load(path, stderr, NULL);
	unlink(path);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

START_TEST(test_first_match_wins)
{
	struct config *cfg = load(
	    "[view lab]\n"
	    "match = 127.0.0.1, ::1\n"
	    "[view dmz]\n"
	    "match_destination = 127.0.0.3\n"
	    "scope = external\n"
	    "[view inside]\n"
	    "match = 127.0.0.0/8\n"
	    "[domain contoso.com]\n"
	    "pool = pool01.contoso.com\n"
	    "access_edge = sip.contoso.com\n"
	    "[host pool01.contoso.com]\n"
	    "address = 10.0.0.10\n"
	    "[host sip.contoso.com]\n"
	    "address = 203.0.113.10\n");
	const struct sockaddr *l3 = addr(&ss_local, "127.0.0.3");

	ck_assert_int_eq(view_select(cfg, addr(&ss_remote, "127.0.0.1"), l3), 0);
	ck_assert_int_eq(view_select(cfg, addr(&ss_remote, "::1"), NULL), 0);
	/* Reaching 127.0.0.3 picks dmz, ahead of the wider inside. */
	ck_assert_int_eq(view_select(cfg, addr(&ss_remote, "127.0.0.2"), l3), 1);
	ck_assert_int_eq(view_select(cfg, addr(&ss_remote, "127.0.0.2"),
	    addr(&ss_local, "127.0.0.2")), 2);
	ck_assert_int_eq(view_select(cfg, addr(&ss_remote, "127.0.0.2"), NULL), 2);
	/* Nobody matches: -1, the query is refused. */
	ck_assert_int_eq(view_select(cfg, addr(&ss_remote, "192.0.2.1"), NULL), -1);
	ck_assert_int_eq(view_select(cfg, addr(&ss_remote, "2001:db8::1"), NULL), -1);
	config_free(cfg);

	cfg = load("[domain contoso.com]\npool = pool01.contoso.com\n"
	    "[host pool01.contoso.com]\naddress = 10.0.0.10\n");
	ck_assert_int_eq(view_select(cfg, addr(&ss_remote, "192.0.2.1"), NULL), 0);
	config_free(cfg);
}
END_TEST

START_TEST(test_private_ranges)
{
	const char *priv[] = { "10.1.2.3", "172.16.0.1", "172.31.9.9", "192.168.1.1",
	    "127.0.0.1", "169.254.1.1", "100.64.0.1", "fd00::1", "fe80::1", "::1" };
	const char *pub[] = { "203.0.113.10", "172.32.0.1", "8.8.8.8", "100.128.0.1",
	    "2001:db8::10", "11.0.0.1" };
	struct cfg_addr a;

	for (size_t i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.family = strchr(priv[i], ':') ? AF_INET6 : AF_INET;
		inet_pton(a.family, priv[i], &a.u);
		ck_assert_msg(view_addr_private(&a), "%s is private", priv[i]);
	}
	for (size_t i = 0; i < sizeof(pub) / sizeof(pub[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.family = strchr(pub[i], ':') ? AF_INET6 : AF_INET;
		inet_pton(a.family, pub[i], &a.u);
		ck_assert_msg(!view_addr_private(&a), "%s is public", pub[i]);
	}
}
END_TEST

START_TEST(test_find_shadowed)
{
	struct config *cfg = load(
	    "[view a]\nmatch = 10.0.0.0/8\n"
	    "[view b]\nmatch = 10.1.0.0/16\n"
	    "[view c]\nmatch_destination = 127.0.0.3\n"
	    "[view d]\nmatch = any\n"
	    "[view e]\nmatch_destination = 127.0.0.0/8\n"
	    "[view f]\n"
	    "[domain contoso.com]\npool = pool01.contoso.com\n"
	    "[host pool01.contoso.com]\naddress = 10.0.0.10\n");

	ck_assert_ptr_eq(view_find(cfg, "a"), &cfg->views[0]);
	ck_assert_ptr_eq(view_find(cfg, "e"), &cfg->views[4]);
	ck_assert_ptr_null(view_find(cfg, "g"));
	ck_assert(!view_shadowed(cfg, 0));
	ck_assert(view_shadowed(cfg, 1));	/* inside a's 10/8 */
	ck_assert(!view_shadowed(cfg, 2));	/* no earlier destination */
	ck_assert(!view_shadowed(cfg, 3));
	ck_assert(view_shadowed(cfg, 4));	/* d's "any" takes all */
	ck_assert(!view_shadowed(cfg, 5));	/* matches nobody at all */
	config_free(cfg);
}
END_TEST

START_TEST(test_host_visible)
{
	struct config *cfg = load(
	    "[view inside]\nmatch = 10.0.0.0/8\n"
	    "[view outside]\nmatch = any\nscope = external\n"
	    "[domain contoso.com]\n"
	    "pool = pool01.contoso.com\naccess_edge = sip.contoso.com\n"
	    "[host pool01.contoso.com]\naddress = 10.0.0.10\n"
	    "[host sip.contoso.com]\naddress = 203.0.113.10\n"
	    "[host alias.contoso.com]\ncname = pool01.contoso.com\n"
	    "[host away.contoso.com]\ncname = www.example.org\n"
	    "[host only.contoso.com]\naddress.inside = 10.0.0.5\n"
	    "[host c1.contoso.com]\ncname = c2.contoso.com\n"
	    "[host c2.contoso.com]\ncname = sip.contoso.com\n");
	static const struct {
		const char	*name;
		bool		 inside, outside;
	} want[] = {
		{ "pool01.contoso.com", true, false },	/* a pool: not outside */
		{ "sip.contoso.com", true, true },
		{ "alias.contoso.com", true, false },	/* as its target */
		{ "away.contoso.com", true, true },	/* target not ours */
		{ "only.contoso.com", true, false },
		{ "c1.contoso.com", true, true },	/* down the chain */
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct cfg_host *h = config_host(cfg, want[i].name);
		ck_assert_ptr_nonnull(h);
		ck_assert_msg(view_host_visible(cfg, 0, h) == want[i].inside,
		    "%s inside", want[i].name);
		ck_assert_msg(view_host_visible(cfg, 1, h) == want[i].outside,
		    "%s outside", want[i].name);
	}
	config_free(cfg);
}
END_TEST

static Suite *
view_suite(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("match");

	tcase_add_test(tc, test_v4_prefixes);
	tcase_add_test(tc, test_v6_prefixes);
	tcase_add_test(tc, test_contains);
	tcase_add_test(tc, test_first_match_wins);
	tcase_add_test(tc, test_private_ranges);
	tcase_add_test(tc, test_find_shadowed);
	tcase_add_test(tc, test_host_visible);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(view_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
