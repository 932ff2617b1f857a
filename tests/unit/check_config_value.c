/* check_config_value.c -- unit tests of the INI value parsers, alone. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_value.h"

static char why[CONFIG_WHY_LEN];

START_TEST(test_number)
{
	unsigned long v = 7;

	ck_assert_int_eq(config_parse_number("0", 0, 10, &v, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(config_parse_number("10", 0, 10, &v, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(config_parse_number("2147483647", 0, 2147483647UL,
	    &v, why, sizeof(why)), 0);
	ck_assert_uint_eq(v, 2147483647UL);
	/* Leading zeros are digits too. */
	ck_assert_int_eq(config_parse_number("007", 1, 10, &v, why,
	    sizeof(why)), 0);
	ck_assert_uint_eq(v, 7);

	static const char *const bad[] = {
		"", "11", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.0",
		"99999999999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		why[0] = '\0';
		ck_assert_msg(config_parse_number(bad[i], 1, 10, &v, why,
		    sizeof(why)) == -1, "'%s' accepted", bad[i]);
		ck_assert_uint_eq(v, 42);	/* untouched */
		ck_assert_str_eq(why, "not a number in 1..10");
	}
	/* Below the minimum. */
	ck_assert_int_eq(config_parse_number("511", 512, 4096, &v, why,
	    sizeof(why)), -1);
	ck_assert_str_eq(why, "not a number in 512..4096");
	/* why may be NULL. */
	ck_assert_int_eq(config_parse_number("x", 0, 1, &v, NULL, 0), -1);
}
END_TEST

START_TEST(test_bool)
{
	static const char *const yes[] = { "yes", "YES", "true", "On", "1" };
	static const char *const no[] = { "no", "False", "off", "0" };
	bool b;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		ck_assert_int_eq(config_parse_bool(yes[i], &b, why,
		    sizeof(why)), 0);
		ck_assert(b);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		b = true;
		ck_assert_int_eq(config_parse_bool(no[i], &b, why,
		    sizeof(why)), 0);
		ck_assert(!b);
	}
	static const char *const bad[] = { "", "2", "y", "n", "yess", "maybe" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = true;
		ck_assert_int_eq(config_parse_bool(bad[i], &b, why,
		    sizeof(why)), -1);
		ck_assert(b);
		ck_assert_str_eq(why, "not a boolean (yes/no, true/false, "
		    "on/off, 1/0)");
	}
}
END_TEST

/* in is a good name, out of config_parse_name() as want. */
static void
name_good(const char *in, const char *want)
{
	char out[CONFIG_NAME_MAX + 1];

	ck_assert_msg(config_parse_name(in, out, why, sizeof(why)) == 0,
	    "'%s' refused: %s", in, why);
	ck_assert_str_eq(out, want);
}

static void
name_bad(const char *in, const char *reason)
{
	char out[CONFIG_NAME_MAX + 1];

	why[0] = '\0';
	ck_assert_msg(config_parse_name(in, out, why, sizeof(why)) == -1,
	    "'%s' accepted", in);
	ck_assert_str_eq(why, reason);
}

START_TEST(test_name)
{
	char out[CONFIG_NAME_MAX + 1], in[CONFIG_NAME_MAX + 8];

	name_good("Pool01.Contoso.COM.", "pool01.contoso.com");
	name_good("_sip-x.a_b", "_sip-x.a_b");

	name_bad("", "empty name");
	name_bad(".", "empty name");
	name_bad("a..b", "empty label");
	name_bad(".a", "empty label");
	name_bad("a..", "empty label");
	name_bad("a b", "invalid character '\\x20'");
	name_bad("a$b", "invalid character '$'");
	name_bad("a\001", "invalid character '\\x01'");
	name_bad("a*.b", "invalid character '*'");

	/* A label of 63 is fine, 64 is not. */
	memset(in, 'a', 63);
	strcpy(in + 63, ".com");
	ck_assert_int_eq(config_parse_name(in, out, why, sizeof(why)), 0);
	memset(in, 'a', 64);
	strcpy(in + 64, ".com");
	name_bad(in, "label longer than 63 characters");

	/* 253 characters, or 254 with the trailing dot: the limit. */
	for (size_t i = 0; i < CONFIG_NAME_MAX; i++)
		in[i] = i % 2 == 0 ? 'a' : '.';
	in[CONFIG_NAME_MAX] = '\0';
	ck_assert_int_eq(config_parse_name(in, out, why, sizeof(why)), 0);
	ck_assert_uint_eq(strlen(out), CONFIG_NAME_MAX);
	strcpy(in + CONFIG_NAME_MAX, ".");
	ck_assert_int_eq(config_parse_name(in, out, why, sizeof(why)), 0);
	strcpy(in + CONFIG_NAME_MAX, "a");
	in[CONFIG_NAME_MAX - 1] = '.';
	name_bad(in, "name longer than 253 characters");
}
END_TEST

/*
 * A good name is taken in one pass, a bad one judged again from its start:
 * a name with several faults gets the message of the first check, as
 * before (the length before any character, then the characters in order).
 */
START_TEST(test_name_order)
{
	char out[CONFIG_NAME_MAX + 1], in[CONFIG_NAME_MAX + 64];

	name_good("a.", "a");
	name_good("A-1.b_C.", "a-1.b_c");
	name_bad("..", "empty label");
	name_bad("a.b..", "empty label");
	name_bad("a..b$", "empty label");
	name_bad("a$b..", "invalid character '$'");
	name_bad("a.\xc3\xa9", "invalid character '\\xc3'");

	/* Too long and a bad character: the length is told. */
	memset(in, 'a', CONFIG_NAME_MAX + 1);
	in[5] = '$';
	in[CONFIG_NAME_MAX + 1] = '\0';
	name_bad(in, "name longer than 253 characters");
	/* A label too long, then a bad character: the label is told. */
	memset(in, 'b', 64);
	strcpy(in + 64, "$.com");
	name_bad(in, "label longer than 63 characters");
	/* 63 at the end, with and without the dot; 64 at the end. */
	memset(in, 'c', 63);
	strcpy(in, "x.");
	in[2 + 63] = '\0';
	memset(in + 2, 'c', 63);
	ck_assert_int_eq(config_parse_name(in, out, why, sizeof(why)), 0);
	ck_assert_str_eq(out, in);
	strcat(in, ".");
	ck_assert_int_eq(config_parse_name(in, out, why, sizeof(why)), 0);
	ck_assert_uint_eq(strlen(out), 2 + 63);
	in[2 + 63] = 'c';
	in[2 + 64] = '\0';
	name_bad(in, "label longer than 63 characters");
	/* 252 and a dot, 252 and two, 253 and two: one dot is dropped. */
	for (size_t i = 0; i < CONFIG_NAME_MAX; i++)
		in[i] = i % 2 == 0 ? 'a' : '.';
	strcpy(in + CONFIG_NAME_MAX - 1, ".");
	in[CONFIG_NAME_MAX - 2] = 'a';
	ck_assert_int_eq(config_parse_name(in, out, why, sizeof(why)), 0);
	ck_assert_uint_eq(strlen(out), CONFIG_NAME_MAX - 1);
	strcpy(in + CONFIG_NAME_MAX - 1, "..");
	name_bad(in, "empty label");
	strcpy(in + CONFIG_NAME_MAX - 1, "a..");
	name_bad(in, "name longer than 253 characters");
}
END_TEST

START_TEST(test_view_name)
{
	char out[CONFIG_VIEW_NAME_MAX + 1], in[80];

	ck_assert_int_eq(config_parse_view_name("Inside_1-b", out, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(out, "inside_1-b");
	ck_assert_int_eq(config_parse_view_name("", out, why, sizeof(why)),
	    -1);
	ck_assert_str_eq(why, "empty name");
	ck_assert_int_eq(config_parse_view_name("a.b", out, why, sizeof(why)),
	    -1);
	ck_assert_str_eq(why, "invalid character '.'");
	memset(in, 'v', 63);
	in[63] = '\0';
	ck_assert_int_eq(config_parse_view_name(in, out, why, sizeof(why)), 0);
	in[63] = 'v';
	in[64] = '\0';
	ck_assert_int_eq(config_parse_view_name(in, out, why, sizeof(why)),
	    -1);
	ck_assert_str_eq(why, "longer than 63 characters");
}
END_TEST

static void
prefix_ok(const char *in, int family, const char *addr, unsigned bits)
{
	struct cfg_prefix p;
	uint8_t want[16] = { 0 };

	ck_assert_msg(config_parse_prefix(in, &p, why, sizeof(why)) == 0,
	    "'%s': %s", in, why);
	ck_assert_int_eq(p.family, family);
	ck_assert_uint_eq(p.bits, bits);
	if (addr != NULL) {
		ck_assert_int_eq(inet_pton(family, addr, want), 1);
		ck_assert_mem_eq(p.addr, want, sizeof(want));
	}
}

static void
prefix_bad(const char *in, const char *reason)
{
	struct cfg_prefix p;

	why[0] = '\0';
	ck_assert_msg(config_parse_prefix(in, &p, why, sizeof(why)) == -1,
	    "'%s' accepted", in);
	ck_assert_str_eq(why, reason);
}

START_TEST(test_prefix)
{
	prefix_ok("any", AF_UNSPEC, NULL, 0);
	prefix_ok("ANY", AF_UNSPEC, NULL, 0);
	prefix_ok("10.0.0.0/8", AF_INET, "10.0.0.0", 8);
	prefix_ok("192.0.2.1", AF_INET, "192.0.2.1", 32);
	prefix_ok("0.0.0.0/0", AF_INET, "0.0.0.0", 0);
	prefix_ok("fd00::/8", AF_INET6, "fd00::", 8);
	prefix_ok("::1", AF_INET6, "::1", 128);
	prefix_ok("2001:db8::/128", AF_INET6, "2001:db8::", 128);

	prefix_bad("", "not an address or prefix");
	prefix_bad("/8", "not an address or prefix");
	prefix_bad("10.0.0/8", "not an address or prefix");
	prefix_bad("host.example", "not an address or prefix");
	prefix_bad("10.0.0.0/33", "prefix length must be 0..32");
	prefix_bad("10.0.0.0/", "prefix length must be 0..32");
	prefix_bad("10.0.0.0/x", "prefix length must be 0..32");
	prefix_bad("::/129", "prefix length must be 0..128");
	prefix_bad("10.1.2.3/8", "host bits set (did you mean 10.0.0.0/8?)");
	prefix_bad("fd00::1/64", "host bits set (did you mean fd00::/64?)");
}
END_TEST

START_TEST(test_address)
{
	struct cfg_addr a;

	ck_assert_int_eq(config_parse_address("192.0.2.7", &a, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_ptr_null(a.view);
	ck_assert_int_eq(config_parse_address("2001:db8::7", &a, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(a.family, AF_INET6);

	static const char *const bad[] = {
		"", "192.0.2", "192.0.2.256", "10.0.0.0/8", "::1::2", "any",
		"host",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(config_parse_address(bad[i], &a, why,
		    sizeof(why)), -1);
		ck_assert_str_eq(why, "not an IPv4 or IPv6 address");
	}
}
END_TEST

/* config_parse_address() as inet_pton() alone judged it: same result. */
static void
address_as_pton(const char *s)
{
	struct cfg_addr a, want;
	int rc = config_parse_address(s, &a, why, sizeof(why));

	memset(&want, 0, sizeof(want));
	if (inet_pton(AF_INET, s, &want.u.v4) == 1)
		want.family = AF_INET;
	else if (inet_pton(AF_INET6, s, &want.u.v6) == 1)
		want.family = AF_INET6;
	ck_assert_msg(rc == (want.family != 0 ? 0 : -1), "'%s': %d", s, rc);
	if (rc == -1)
		return;
	ck_assert_msg(a.family == want.family && memcmp(&a.u, &want.u,
	    sizeof(a.u)) == 0, "'%s': another address", s);
}

/*
 * count strings of 1 to maxlen characters of alpha, a fixed sequence from
 * seed (the same strings every run), each through address_as_pton().
 */
static void
address_random(const char *alpha, uint32_t seed, size_t count, size_t maxlen)
{
	size_t na = strlen(alpha);
	char buf[64];

	ck_assert_uint_lt(maxlen, sizeof(buf));
	for (size_t i = 0; i < count; i++) {
		size_t len = 1 + i % maxlen;
		for (size_t j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			buf[j] = alpha[(seed >> 16) % na];
		}
		buf[len] = '\0';
		address_as_pton(buf);
	}
}

/*
 * The dotted quad is parsed without inet_pton(): it must take exactly what
 * inet_pton() takes. Every octet spelling near a limit in every place, then
 * strings made of the characters that matter.
 */
START_TEST(test_address_quick)
{
	static const char *const octet[] = {
		"0", "00", "01", "000", "007", "9", "10", "99", "100", "199",
		"200", "249", "250", "255", "256", "260", "299", "300", "999",
		"1000", "0255", "", " 1", "1 ", "+1", "-1", "1a", "0x1",
	};
	static const char *const whole[] = {
		"010.0.0.1", "1.2.3.256", "1.2.3", "1.2.3.4.", ".1.2.3.4",
		"1..2.3", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4 ", "::ffff:1.2.3.4",
		"::1.2.3.4", "1.2.3.4:53", "0.0.0.0", "255.255.255.255",
		"127.1", "1", "01.2.3.4", "1.2.3.04", "1.2.3.4\n",
	};
	const size_t no = sizeof(octet) / sizeof(octet[0]);
	char buf[64];

	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		address_as_pton(whole[i]);
	for (size_t i = 0; i < no * no * no * no; i++) {
		snprintf(buf, sizeof(buf), "%s.%s.%s.%s", octet[i % no],
		    octet[i / no % no], octet[i / no / no % no],
		    octet[i / no / no / no]);
		address_as_pton(buf);
	}
	address_random("0123456789012345....::af ", 1, 200000, 18);
}
END_TEST

/*
 * The same for IPv6 groups: every way of placing "::" among up to nine
 * groups of spellings near the limits, then strings of hex digits,
 * colons and a dot.
 */
START_TEST(test_address_quick6)
{
	static const char *const group[] = {
		"0", "1", "db8", "FFFF", "fFfF", "ffff", "00000", "10000",
		"g", "", "0001", "abcd", "1.2.3.4",
	};
	static const char *const whole[] = {
		"::", ":::", "::1", "1::", ":1", "1:", "1::2::3", "::ffff:1.2.3.4",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::",
		"::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
		"1:2:3:4::5:6:7:8", "1:2:3:4:5:6:7", "2001:db8:0:1::10",
		"2001:DB8::1 ", " ::1", "::1%eth0", "1::2:", ":1::2",
		"1:2:3:4:5:6:1.2.3.4", "1::1.2.3.4", "fe80::", "[::1]",
	};
	const size_t ng = sizeof(group) / sizeof(group[0]);
	char buf[128];

	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		address_as_pton(whole[i]);
	/* n groups, each of one spelling or a pair, "::" before group gap. */
	for (size_t n = 0; n <= 9; n++)
		for (size_t gap = 0; gap <= n + 1; gap++)
			for (size_t sp = 0; sp < ng * ng; sp++) {
				size_t len = 0;

				for (size_t i = 0; i < n; i++) {
					const char *t = group[i % 2 == 0 ?
					    sp % ng : sp / ng];
					if (gap == i + 1 || (i > 0 && gap != i))
						buf[len++] = ':';
					if (gap == i + 1)
						buf[len++] = ':';
					len += (size_t)snprintf(buf + len,
					    sizeof(buf) - len, "%s", t);
				}
				if (gap == n + 1 || (n == 0 && gap == 0)) {
					buf[len++] = ':';
					buf[len++] = ':';
				}
				buf[len] = '\0';
				address_as_pton(buf);
			}
	address_random("0123456789abcdefABCDEF0:::::.g", 7, 300000, 40);
}
END_TEST

START_TEST(test_split_target)
{
	char buf[64], *host, *prio, *weight;

	strcpy(buf, "pool01.contoso.com");
	ck_assert_int_eq(config_split_target(buf, &host, &prio, &weight, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(host, "pool01.contoso.com");
	ck_assert_ptr_null(prio);
	ck_assert_ptr_null(weight);

	strcpy(buf, "a.b : 10");
	ck_assert_int_eq(config_split_target(buf, &host, &prio, &weight, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(host, "a.b");
	ck_assert_str_eq(prio, "10");
	ck_assert_ptr_null(weight);

	strcpy(buf, "a.b:10: 20 ");
	ck_assert_int_eq(config_split_target(buf, &host, &prio, &weight, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(host, "a.b");
	ck_assert_str_eq(prio, "10");
	ck_assert_str_eq(weight, "20");

	/* Empty parts are the number parser's to refuse. */
	strcpy(buf, "a.b::");
	ck_assert_int_eq(config_split_target(buf, &host, &prio, &weight, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(prio, "");
	ck_assert_str_eq(weight, "");

	strcpy(buf, "a.b:1:2:3");
	ck_assert_int_eq(config_split_target(buf, &host, &prio, &weight, why,
	    sizeof(why)), -1);
	ck_assert_str_eq(why, "expected host[:priority[:weight]]");
	ck_assert_str_eq(buf, "a.b:1:2:3");	/* left whole for the message */
}
END_TEST

static unsigned
port_of(const struct cfg_listen *l)
{
	if (l->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&l->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&l->ss)->sin_port);
}

START_TEST(test_listen)
{
	struct cfg_listen l;

	ck_assert_int_eq(config_parse_listen("127.0.0.1", &l), 0);
	ck_assert_int_eq(l.ss.ss_family, AF_INET);
	ck_assert_uint_eq(port_of(&l), CONFIG_DEFAULT_LISTEN_PORT);
	ck_assert_str_eq(l.text, "127.0.0.1");
	free(l.text);
	ck_assert_int_eq(config_parse_listen("[::1]:53", &l), 0);
	ck_assert_int_eq(l.ss.ss_family, AF_INET6);
	ck_assert_uint_eq(l.sslen, sizeof(struct sockaddr_in6));
	ck_assert_uint_eq(port_of(&l), 53);
	free(l.text);
	ck_assert_int_eq(config_parse_listen("[::1]", &l), 0);
	ck_assert_uint_eq(port_of(&l), CONFIG_DEFAULT_LISTEN_PORT);
	free(l.text);
	ck_assert_int_eq(config_parse_listen("10.0.0.1:65535", &l), 0);
	ck_assert_uint_eq(port_of(&l), 65535);
	free(l.text);

	static const char *const bad[] = {
		"", "10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:", "::1",
		"[::1", "[::1]x", "[10.0.0.1]:53", "host:53", "10.0.0.1:5x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(config_parse_listen(bad[i], &l) == -1,
		    "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(test_notify_metrics)
{
	struct cfg_listen l;

	ck_assert_int_eq(config_parse_notify("192.0.2.1", &l), 0);
	ck_assert_str_eq(l.text, "192.0.2.1:53");
	ck_assert_uint_eq(port_of(&l), CONFIG_DEFAULT_NOTIFY_PORT);
	free(l.text);
	ck_assert_int_eq(config_parse_notify("[::1]", &l), 0);
	ck_assert_str_eq(l.text, "[::1]:53");
	free(l.text);
	ck_assert_int_eq(config_parse_notify("192.0.2.1:5353", &l), 0);
	ck_assert_str_eq(l.text, "192.0.2.1:5353");
	free(l.text);
	ck_assert_int_eq(config_parse_notify("", &l), -1);
	ck_assert_int_eq(config_parse_notify("[::1]:0", &l), -1);

	ck_assert_int_eq(config_parse_metrics("127.0.0.1:9153", &l), 0);
	ck_assert_uint_eq(port_of(&l), 9153);
	free(l.text);
	ck_assert_int_eq(config_parse_metrics("[::1]:9153", &l), 0);
	free(l.text);
	static const char *const off[] = { "", "no", "OFF" };
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(config_parse_metrics(off[i], &l), 0);
		ck_assert_uint_eq(l.sslen, 0);
		ck_assert_ptr_null(l.text);
	}
	/* The port is required. */
	ck_assert_int_eq(config_parse_metrics("127.0.0.1", &l), -1);
	ck_assert_int_eq(config_parse_metrics("[::1]", &l), -1);
	ck_assert_int_eq(config_parse_metrics("yes", &l), -1);
}
END_TEST

START_TEST(test_lists)
{
	char buf[64], *p = buf, *item;

	strcpy(buf, " a , b,, c ");
	ck_assert_str_eq(config_list_next(&p), "a");
	ck_assert_str_eq(config_list_next(&p), "b");
	ck_assert_str_eq(config_list_next(&p), "");
	ck_assert_str_eq(config_list_next(&p), "c");
	ck_assert_ptr_null(config_list_next(&p));
	strcpy(buf, "\t x y \r");
	ck_assert_str_eq(config_trim(buf), "x y");
	p = buf;
	strcpy(buf, "");
	item = config_list_next(&p);
	ck_assert_str_eq(item, "");
	ck_assert_ptr_null(config_list_next(&p));
}
END_TEST

/* config_isspace() is isspace() of the "C" locale, for every byte. */
START_TEST(test_isspace)
{
	for (int c = 0; c < 256; c++)
		ck_assert_msg(config_isspace(c) == (isspace(c) != 0),
		    "byte %d", c);
}
END_TEST

static Suite *
config_value_suite(void)
{
	Suite *s = suite_create("config_value");
	TCase *tc = tcase_create("parsers");

	tcase_add_test(tc, test_number);
	tcase_add_test(tc, test_bool);
	tcase_add_test(tc, test_name);
	tcase_add_test(tc, test_name_order);
	tcase_add_test(tc, test_view_name);
	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_address);
	tcase_add_test(tc, test_address_quick);
	tcase_add_test(tc, test_address_quick6);
	tcase_add_test(tc, test_split_target);
	tcase_add_test(tc, test_listen);
	tcase_add_test(tc, test_notify_metrics);
	tcase_add_test(tc, test_lists);
	tcase_add_test(tc, test_isspace);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_value_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
