/* config_value.c -- the INI values: numbers, booleans, names, addresses. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_value.h"

/* Fills why when the caller gave one. */
static void __attribute__((format(printf, 3, 4)))
why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

char *
config_trim(char *s)
{
	while (config_isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && config_isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

char *
config_list_next(char **pp)
{
	if (*pp == NULL)
		return NULL;
	char *item = *pp;
	char *comma = strchr(item, ',');
	if (comma != NULL) {
		*comma = '\0';
		*pp = comma + 1;
	} else
		*pp = NULL;
	return config_trim(item);
}

int
config_parse_number(const char *s, unsigned long min, unsigned long max,
    unsigned long *out, char *why, size_t whylen)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p == '\0')
		goto bad;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			goto bad;
	}
	if (v < min)
		goto bad;
	*out = (unsigned long)v;
	return 0;
bad:
	why_set(why, whylen, "not a number in %lu..%lu", min, max);
	return -1;
}

int
config_parse_bool(const char *s, bool *out, char *why, size_t whylen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	why_set(why, whylen, "not a boolean (yes/no, true/false, on/off, 1/0)");
	return -1;
}

static void
describe_char(char *why, size_t len, const char *what, int c)
{
	if (isprint(c) && c != ' ')
		why_set(why, len, "%s '%c'", what, c);
	else
		why_set(why, len, "%s '\\x%02x'", what, (unsigned)c & 0xff);
}

/*
 * Each byte of a host name as stored: folded to lower case, or 0 when a
 * name cannot hold it ('.' is itself). One load per character instead of
 * tolower() and the class tests: a million names pass here at start-up.
 */
static const unsigned char name_char[256] = {
	['-'] = '-', ['.'] = '.', ['_'] = '_',
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
#define NC(l, u)	[l] = l, [u] = l
	NC('a', 'A'), NC('b', 'B'), NC('c', 'C'), NC('d', 'D'), NC('e', 'E'),
	NC('f', 'F'), NC('g', 'G'), NC('h', 'H'), NC('i', 'I'), NC('j', 'J'),
	NC('k', 'K'), NC('l', 'L'), NC('m', 'M'), NC('n', 'N'), NC('o', 'O'),
	NC('p', 'P'), NC('q', 'Q'), NC('r', 'R'), NC('s', 'S'), NC('t', 'T'),
	NC('u', 'U'), NC('v', 'V'), NC('w', 'W'), NC('x', 'X'), NC('y', 'Y'),
	NC('z', 'Z'),
#undef NC
};

/* config_parse_name() the long way: each check in turn, for its message. */
static int
name_judge(const char *in, char *out, char *why, size_t whylen)
{
	size_t len = strlen(in), label = 0;

	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0) {
		why_set(why, whylen, "empty name");
		return -1;
	}
	if (len > CONFIG_NAME_MAX) {
		why_set(why, whylen, "name longer than %d characters",
		    CONFIG_NAME_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		int c = name_char[(unsigned char)in[i]];

		if (c == '.') {
			if (label == 0) {
				why_set(why, whylen, "empty label");
				return -1;
			}
			label = 0;
		} else if (c != 0) {
			if (++label > CONFIG_LABEL_MAX) {
				why_set(why, whylen,
				    "label longer than %d characters",
				    CONFIG_LABEL_MAX);
				return -1;
			}
		} else {
			describe_char(why, whylen, "invalid character",
			    (unsigned char)in[i]);
			return -1;
		}
		out[i] = (char)c;
	}
	if (label == 0) {		/* "a..": the dot we dropped was a label */
		why_set(why, whylen, "empty label");
		return -1;
	}
	out[len] = '\0';
	return 0;
}

/*
 * A good name in one pass, without its strlen() first, a label at a time:
 * within one only the bound and the character are tested. At the first
 * thing wrong (or too long) name_judge() starts again from the beginning,
 * so a bad name gets the message it always got, the first check it fails.
 */
int
config_parse_name(const char *in, char *out, char *why, size_t whylen)
{
	size_t i = 0;

	for (;;) {
		size_t start = i, lim = i + CONFIG_LABEL_MAX;
		int c;

		if (lim > CONFIG_NAME_MAX)
			lim = CONFIG_NAME_MAX;
		/* '-' is below '.' in the table's values, the rest above. */
		while (i < lim && ((c = name_char[(unsigned char)in[i]]) > '.' ||
		    c == '-'))
			out[i++] = (char)c;
		if (i == start)
			break;			/* empty, or no room left */
		c = name_char[(unsigned char)in[i]];
		if (c == '.') {
			out[i++] = '.';
			if (in[i] != '\0')
				continue;
			out[i - 1] = '\0';	/* the trailing dot dropped */
			return 0;
		}
		if (in[i] != '\0')
			break;			/* a bad character, or too long */
		out[i] = '\0';
		return 0;
	}
	return name_judge(in, out, why, whylen);
}

int
config_parse_view_name(const char *in, char *out, char *why, size_t whylen)
{
	size_t len = strlen(in);

	if (len == 0) {
		why_set(why, whylen, "empty name");
		return -1;
	}
	if (len > CONFIG_VIEW_NAME_MAX) {
		why_set(why, whylen, "longer than %d characters",
		    CONFIG_VIEW_NAME_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)in[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')) {
			describe_char(why, whylen, "invalid character",
			    (unsigned char)in[i]);
			return -1;
		}
		out[i] = (char)c;
	}
	out[len] = '\0';
	return 0;
}

int
config_parse_prefix(const char *s, struct cfg_prefix *out, char *why,
    size_t whylen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned long maxbits;

	memset(out, 0, sizeof(*out));
	if (strcasecmp(s, "any") == 0) {
		out->family = AF_UNSPEC;
		return 0;
	}
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf)) {
		why_set(why, whylen, "not an address or prefix");
		return -1;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		maxbits = 128;
	} else {
		why_set(why, whylen, "not an address or prefix");
		return -1;
	}
	unsigned long bits = maxbits;
	if (slash != NULL && config_parse_number(slash + 1, 0, maxbits, &bits,
	    NULL, 0) == -1) {
		why_set(why, whylen, "prefix length must be 0..%lu", maxbits);
		return -1;
	}
	out->bits = (unsigned)bits;
	size_t i;
	for (i = bits; i < maxbits; i++) {
		if (out->addr[i / 8] & (0x80 >> (i % 8)))
			break;
	}
	if (i < maxbits) {
		uint8_t masked[16];
		char text[INET6_ADDRSTRLEN];

		memcpy(masked, out->addr, sizeof(masked));
		for (i = bits; i < maxbits; i++)
			masked[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		if (inet_ntop(out->family, masked, text, sizeof(text)) == NULL)
			text[0] = '\0';
		why_set(why, whylen, "host bits set (did you mean %s/%lu?)",
		    text, bits);
		return -1;
	}
	return 0;
}

/* The other label boundaries on either side of bits, for a message. */
static void
why_boundary(char *why, size_t whylen, const char *what, unsigned bits,
    unsigned step, unsigned maxbits)
{
	unsigned lo = bits / step * step, hi = lo + step;

	if (lo == 0)
		why_set(why, whylen, "is not on %s boundary: use /%u", what, hi);
	else if (hi >= maxbits)
		why_set(why, whylen, "is not on %s boundary: use /%u", what, lo);
	else
		why_set(why, whylen, "is not on %s boundary: use /%u or /%u",
		    what, lo, hi);
}

int
config_parse_reverse_prefix(const char *s, struct cfg_prefix *out, char *why,
    size_t whylen)
{
	char reason[CONFIG_WHY_LEN];

	if (config_parse_prefix(s, out, reason, sizeof(reason)) == -1) {
		/* Its reasons follow "'VALUE': ": make them follow "VALUE ". */
		why_set(why, whylen, "%s%s", strncmp(reason, "not", 3) == 0 ?
		    "is " : strncmp(reason, "host", 4) == 0 ? "has " : "(", reason);
		if (*why == '(' && strlen(why) + 1 < whylen)
			strcat(why, ")");
		return -1;
	}
	bool v4 = out->family == AF_INET;
	unsigned step = v4 ? 8 : 4, maxbits = v4 ? 32 : 128;

	if (out->family == AF_UNSPEC) {
		why_set(why, whylen, "is no prefix (auto, alone, takes the "
		    "zones of the hosts' addresses)");
		return -1;
	}
	if (out->bits == 0) {
		why_set(why, whylen, "is not a reverse zone: use %s",
		    v4 ? "/8, /16 or /24" : "/4 to /124, in steps of 4");
		return -1;
	}
	if (out->bits == maxbits) {
		why_set(why, whylen, "is one address, not a zone: use %s",
		    v4 ? "its /24" : "its /64");
		return -1;
	}
	if (out->bits % step != 0) {
		why_boundary(why, whylen, v4 ? "an octet" : "a nibble",
		    out->bits, step, maxbits);
		return -1;
	}
	return 0;
}

bool
config_prefix_overlap(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	if (a->family != b->family)
		return false;
	unsigned bits = a->bits < b->bits ? a->bits : b->bits;
	for (unsigned i = 0; i < bits; i++) {
		uint8_t m = (uint8_t)(0x80 >> (i % 8));
		if ((a->addr[i / 8] & m) != (b->addr[i / 8] & m))
			return false;
	}
	return true;
}

void
config_prefix_text(const struct cfg_prefix *p, char *out, size_t len)
{
	char text[INET6_ADDRSTRLEN];

	if (p->family == AF_UNSPEC || inet_ntop(p->family, p->addr, text,
	    sizeof(text)) == NULL)
		snprintf(out, len, "any");
	else
		snprintf(out, len, "%s/%u", text, p->bits);
}

/*
 * The common dotted quad without inet_pton(), which cost more than the
 * rest of an address line: four decimal octets of at most 255, without
 * leading zeros ("0" alone is one), with nothing around them. Every string
 * taken here inet_pton(AF_INET) takes, with the same bytes; for any other
 * (0) the caller asks inet_pton() as before, so what is refused and what
 * is an IPv6 address stays inet_pton()'s to judge.
 */
static int
ipv4_quick(const char *s, struct in_addr *dst)
{
	uint8_t b[4];

	for (size_t i = 0; i < 4; i++) {
		if (*s < '0' || *s > '9')
			return 0;
		unsigned v = (unsigned)(*s++ - '0');
		/* After a leading 0 the next digit fails the '.' test. */
		for (size_t k = 0; v != 0 && k < 2 && *s >= '0' && *s <= '9';
		    k++)
			v = v * 10 + (unsigned)(*s++ - '0');
		if (v > 255)
			return 0;
		b[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return 0;
	}
	if (*s != '\0')
		return 0;
	memcpy(dst, b, sizeof(b));
	return 1;
}

/* Each byte's value as a hex digit, plus one; 0 for any other byte. */
static const uint8_t hex_digit[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/*
 * An IPv6 address of hex groups alone in the same way: 1 to 4 digits a
 * group, eight of them, or fewer around one "::" standing for at least
 * one group of zeros. Anything else (0: a dotted quad inside, a fifth
 * digit, a lone ':' at an end, ":::") is inet_pton(AF_INET6)'s to judge.
 */
static int
ipv6_quick(const char *s, struct in6_addr *dst)
{
	uint16_t g[8];
	size_t n = 0, gap = SIZE_MAX;	/* groups; where "::" stands */
	uint8_t b[16];

	if (s[0] == ':') {
		if (s[1] != ':')
			return 0;
		gap = 0;
		s += 2;
	}
	while (*s != '\0') {
		unsigned v = 0;
		size_t k;
		int d;

		for (k = 0; k < 4 && (d = hex_digit[(unsigned char)*s]) != 0;
		    k++, s++)
			v = v << 4 | (unsigned)(d - 1);
		if (k == 0 || n == 8)
			return 0;
		g[n++] = (uint16_t)v;
		if (*s == '\0')
			break;
		if (*s++ != ':')
			return 0;
		if (*s == ':') {
			if (gap != SIZE_MAX)
				return 0;
			gap = n;
			s++;
		} else if (*s == '\0')
			return 0;
	}
	if (gap == SIZE_MAX ? n != 8 : n > 7)
		return 0;
	memset(b, 0, sizeof(b));
	size_t head = gap == SIZE_MAX ? n : gap;
	for (size_t i = 0; i < n; i++) {
		size_t at = i < head ? i : 8 - (n - i);
		b[2 * at] = (uint8_t)(g[i] >> 8);
		b[2 * at + 1] = (uint8_t)g[i];
	}
	memcpy(dst, b, sizeof(b));
	return 1;
}

int
config_parse_address(const char *s, struct cfg_addr *out, char *why,
    size_t whylen)
{
	memset(out, 0, sizeof(*out));
	/* inet_pton(AF_INET) refuses any ':', so an IPv6 address skips it. */
	if (ipv4_quick(s, &out->u.v4) || (strchr(s, ':') == NULL &&
	    inet_pton(AF_INET, s, &out->u.v4) == 1))
		out->family = AF_INET;
	else if (ipv6_quick(s, &out->u.v6) ||
	    inet_pton(AF_INET6, s, &out->u.v6) == 1)
		out->family = AF_INET6;
	else {
		why_set(why, whylen, "not an IPv4 or IPv6 address");
		return -1;
	}
	return 0;
}

int
config_split_target(char *item, char **host, char **priority, char **weight,
    char *why, size_t whylen)
{
	char *part[3] = { item, NULL, NULL }, *p;

	if ((p = strchr(item, ':')) != NULL &&
	    (p = strchr(p + 1, ':')) != NULL && strchr(p + 1, ':') != NULL) {
		why_set(why, whylen, "expected host[:priority[:weight]]");
		return -1;
	}
	for (size_t n = 1; n < 3 && (p = strchr(part[n - 1], ':')) != NULL;
	    n++) {
		*p = '\0';
		part[n] = p + 1;
	}
	*host = config_trim(part[0]);
	*priority = part[1] != NULL ? config_trim(part[1]) : NULL;
	*weight = part[2] != NULL ? config_trim(part[2]) : NULL;
	return 0;
}

/* ADDR[:PORT] or [V6][:PORT]; port 0 means the port must be given. */
static int
sockaddr_parse(const char *text, unsigned long portnum, struct cfg_listen *out)
{
	char buf[INET6_ADDRSTRLEN + 16];
	char *addr, *port = NULL, *end;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	size_t len = strlen(text);

	memset(out, 0, sizeof(*out));
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len + 1);
	if (buf[0] == '[') {
		addr = buf + 1;
		if ((end = strchr(addr, ']')) == NULL)
			return -1;
		*end++ = '\0';
		if (*end == ':')
			port = end + 1;
		else if (*end != '\0')
			return -1;
		if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
			return -1;
	} else {
		addr = buf;
		if ((end = strchr(addr, ':')) != NULL) {
			*end = '\0';
			port = end + 1;
		}
		if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
			return -1;
	}
	if (port != NULL &&
	    config_parse_number(port, 1, 65535, &portnum, NULL, 0) == -1)
		return -1;
	if (buf[0] == '[') {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)portnum);
		memcpy(&out->ss, &sin6, sizeof(sin6));
		out->sslen = sizeof(sin6);
	} else {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)portnum);
		memcpy(&out->ss, &sin, sizeof(sin));
		out->sslen = sizeof(sin);
	}
	if ((out->text = strdup(text)) == NULL)
		return -1;
	return 0;
}

int
config_parse_listen(const char *text, struct cfg_listen *out)
{
	return sockaddr_parse(text, CONFIG_DEFAULT_LISTEN_PORT, out);
}

static bool
has_port(const char *s)
{
	return s[0] == '[' ? strstr(s, "]:") != NULL : strchr(s, ':') != NULL;
}

int
config_parse_notify(const char *s, struct cfg_listen *out)
{
	char buf[128];

	/* Kept with its port, as "ADDR:53": the text is what the log shows. */
	if (has_port(s))
		snprintf(buf, sizeof(buf), "%s", s);
	else
		snprintf(buf, sizeof(buf), "%s:%d", s,
		    CONFIG_DEFAULT_NOTIFY_PORT);
	memset(out, 0, sizeof(*out));
	if (*s == '\0')
		return -1;
	return config_parse_listen(buf, out);
}

int
config_parse_metrics(const char *s, struct cfg_listen *out)
{
	memset(out, 0, sizeof(*out));
	if (*s == '\0' || strcasecmp(s, "no") == 0 || strcasecmp(s, "off") == 0)
		return 0;
	/* The port is required: 5300, the parser's default, is DNS's. */
	if (!has_port(s))
		return -1;
	return config_parse_listen(s, out);
}
