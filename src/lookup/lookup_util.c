/* lookup_util.c -- argument and name helpers of ocsdns-lookup. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lookup_util.h"

/* 1 when TEXT (no trailing dot) is a host name: labels of 1..63 letters,
 * digits and hyphens, not starting or ending with a hyphen. */
static int
valid_hostname(const char *text)
{
	size_t len = strlen(text), lab = 0;
	char prev = '.';

	if (len == 0 || len > 253)
		return 0;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '.') {
			if (lab == 0 || prev == '-')
				return 0;
			lab = 0;
		} else if (isalnum((unsigned char)*p) || *p == '-') {
			if (lab == 0 && *p == '-')
				return 0;
			if (++lab > 63)
				return 0;
		} else
			return 0;
		prev = *p;
	}
	return lab > 0 && prev != '-';
}

int
lookup_domain_from_arg(const char *arg, char *out, size_t outsz)
{
	if (strncasecmp(arg, "sip:", 4) == 0)
		arg += 4;
	const char *d = strrchr(arg, '@');
	d = d != NULL ? d + 1 : arg;
	size_t len = strlen(d);
	if (len > 0 && d[len - 1] == '.')
		len--;
	if (len == 0 || len >= outsz)
		return -1;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)d[i]);
	out[len] = '\0';
	return valid_hostname(out) ? 0 : -1;
}

static int
parse_port(const char *text, uint16_t *port)
{
	if (*text < '0' || *text > '9')
		return -1;
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (*end != '\0' || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
lookup_split_server(const char *spec, char *host, size_t hostsz,
    uint16_t *port)
{
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (end == NULL)
			return -1;
		size_t len = (size_t)(end - spec - 1);
		if (len == 0 || len >= hostsz)
			return -1;
		memcpy(host, spec + 1, len);
		host[len] = '\0';
		if (end[1] == '\0')
			return 0;
		if (end[1] != ':')
			return -1;
		return parse_port(end + 2, port);
	}
	const char *colon = strchr(spec, ':');
	if (colon != NULL && strchr(colon + 1, ':') != NULL)
		colon = NULL;		/* a bare IPv6 address */
	size_t len = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	if (len == 0 || len >= hostsz)
		return -1;
	memcpy(host, spec, len);
	host[len] = '\0';
	if (colon == NULL)
		return 0;
	return parse_port(colon + 1, port);
}

int
lookup_name_in_domain(const char *name, const char *domain)
{
	size_t nlen = strlen(name), dlen = strlen(domain);

	if (nlen > 0 && name[nlen - 1] == '.')
		nlen--;
	if (dlen > 0 && domain[dlen - 1] == '.')
		dlen--;
	if (dlen == 0 || nlen < dlen)
		return 0;
	if (strncasecmp(name + nlen - dlen, domain, dlen) != 0)
		return 0;
	return nlen == dlen || name[nlen - dlen - 1] == '.';
}

int
lookup_parse_timeout(const char *text, struct timeval *tv)
{
	if (*text < '0' || *text > '9')
		return -1;
	char *end;
	double v = strtod(text, &end);
	if (*end != '\0' || v < 0.1 || v > 60)
		return -1;
	tv->tv_sec = (time_t)v;
	tv->tv_usec = (suseconds_t)((v - (double)tv->tv_sec) * 1e6);
	return 0;
}

int
lookup_cert_name(const char *pattern, const char *fqdn)
{
	if (strcasecmp(pattern, fqdn) == 0)
		return 1;
	const char *dot = strchr(fqdn, '.');
	if (pattern[0] == '*' && pattern[1] == '.' && dot != NULL &&
	    dot != fqdn && strchr(dot + 1, '.') != NULL &&
	    strcasecmp(pattern + 1, dot) == 0)
		return 2;
	return 0;
}

void
lookup_json_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/* --- near names --------------------------------------------------------- */

/*
 * Edits (insert, delete, change, swap two neighbours) from a to b, any
 * case; more than LOOKUP_NEAR_MAX is LOOKUP_NEAR_MAX + 1, and so is a name
 * too long to compare. Three rows: a swap looks two back.
 */
static int
edits(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int rows[3][LOOKUP_NAME_MAX + 1];

	if (la >= LOOKUP_NAME_MAX || lb >= LOOKUP_NAME_MAX)
		return LOOKUP_NEAR_MAX + 1;
	if ((la > lb ? la - lb : lb - la) > LOOKUP_NEAR_MAX)
		return LOOKUP_NEAR_MAX + 1;
	int *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int ca = tolower((unsigned char)a[i - 1]);

		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			int d = prev[j - 1] + (ca != cb);

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb &&
			    pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		int *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] > LOOKUP_NEAR_MAX ? LOOKUP_NEAR_MAX + 1 : prev[lb];
}

int
lookup_near(const char *typed, const char *known)
{
	size_t len = strlen(typed);

	if (strcasecmp(typed, known) == 0)
		return -1;
	int d = edits(typed, known);
	/* A third of a short name is no typo: [zone] is not [pool]. */
	if (d <= LOOKUP_NEAR_MAX && (size_t)d * 3 <= len)
		return d;
	return -1;
}
