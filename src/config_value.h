/* config_value.h -- the INI values: numbers, booleans, names, addresses. */
#ifndef OCSDNSD_CONFIG_VALUE_H
#define OCSDNSD_CONFIG_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/*
 * Pure parsers, with neither the parse context nor the diagnostics: each
 * returns 0, or -1 with the reason in why (whylen bytes; why may be NULL).
 * The reasons are written to follow "KEY: 'VALUE' is " or "...: ", as the
 * messages of config_keys.c use them.
 */

#define CONFIG_NAME_MAX		253	/* presentation form, no trailing dot */
#define CONFIG_LABEL_MAX	63
#define CONFIG_VIEW_NAME_MAX	63
#define CONFIG_WHY_LEN		128

/*
 * isspace() as the "C" locale has it, which the daemon never leaves: the
 * reader asked libc's table through a call for each character (3% of the
 * read at 100,000 domains).
 */
static inline bool
config_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* s without its leading and trailing white space (s is cut in place). */
char	*config_trim(char *s);

/* Next item of a comma separated list, trimmed; NULL after the last. */
char	*config_list_next(char **pp);

/* Decimal number in min..max, digits only ("not a number in MIN..MAX"). */
int	 config_parse_number(const char *s, unsigned long min,
	    unsigned long max, unsigned long *out, char *why, size_t whylen);

/* yes/no, true/false, on/off, 1/0, in any case. */
int	 config_parse_bool(const char *s, bool *out, char *why, size_t whylen);

/*
 * A domain name, written to out (CONFIG_NAME_MAX + 1 bytes) in lower case
 * without the trailing dot: labels of 1..63 of [a-z0-9_-].
 */
int	 config_parse_name(const char *in, char *out, char *why, size_t whylen);

/* A view name: 1..63 of [a-z0-9_-], folded to out (64 bytes). */
int	 config_parse_view_name(const char *in, char *out, char *why,
	    size_t whylen);

/* "any", an address, or ADDR/BITS with the host bits clear. */
int	 config_parse_prefix(const char *s, struct cfg_prefix *out, char *why,
	    size_t whylen);

/*
 * A prefix of reverse_zones: IPv4 /8, /16 or /24, IPv6 a multiple of 4 in
 * 4..124, so that it names one in-addr.arpa or ip6.arpa zone. Its reasons
 * begin with "is" ("is not on an octet boundary: use /16 or /24").
 */
int	 config_parse_reverse_prefix(const char *s, struct cfg_prefix *out,
	    char *why, size_t whylen);

/* Whether a and b share an address (one contains the other). */
bool	 config_prefix_overlap(const struct cfg_prefix *a,
	    const struct cfg_prefix *b);

/* "10.0.0.0/8", "2001:db8::/32", or "any": at most INET6_ADDRSTRLEN + 4. */
void	 config_prefix_text(const struct cfg_prefix *p, char *out, size_t len);

/* An IPv4 or IPv6 address (family and u of out; the rest is zeroed). */
int	 config_parse_address(const char *s, struct cfg_addr *out, char *why,
	    size_t whylen);

/*
 * Splits "host[:priority[:weight]]" in place into its trimmed parts (NULL
 * for those absent); -1, leaving item whole, when it has more colons.
 */
int	 config_split_target(char *item, char **host, char **priority,
	    char **weight, char *why, size_t whylen);

/* A NOTIFY target: ADDR, ADDR:PORT, [V6], [V6]:PORT (port 53 by default). */
int	 config_parse_notify(const char *s, struct cfg_listen *out);

/*
 * The metrics listener: ADDR:PORT or [V6]:PORT, the port required; empty,
 * "no" or "off" give 0 with out->sslen 0 (no listener).
 */
int	 config_parse_metrics(const char *s, struct cfg_listen *out);

#endif
