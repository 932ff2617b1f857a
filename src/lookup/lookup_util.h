/* lookup_util.h -- argument and name helpers of ocsdns-lookup. */
#ifndef OCSDNS_LOOKUP_UTIL_H
#define OCSDNS_LOOKUP_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#define LOOKUP_NAME_MAX	256	/* a presentation name, NUL included */

/*
 * The SIP domain of "alice@contoso.com", "sip:alice@contoso.com" or
 * "contoso.com": lower case, without the trailing dot. 0, or -1 when the
 * domain is not a valid host name.
 */
int	lookup_domain_from_arg(const char *arg, char *out, size_t outsz);

/*
 * Splits "127.0.0.1", "127.0.0.1:5300", "::1", "[::1]:5300" or
 * "ns1.example" into a host and a port (*port is left alone when the
 * specification has none). 0, or -1 when malformed.
 */
int	lookup_split_server(const char *spec, char *host, size_t hostsz,
	    uint16_t *port);

/* 1 when NAME is DOMAIN or below it (case and trailing dots ignored). */
int	lookup_name_in_domain(const char *name, const char *domain);

/* Seconds, decimals allowed, 0.1 to 60. 0, or -1 when out of range. */
int	lookup_parse_timeout(const char *text, struct timeval *tv);

/*
 * Whether typed looks like a typo of known (another name, any case): at
 * most LOOKUP_NEAR_MAX edits (a swap of two neighbours is one), and no
 * more than one per three characters of typed. The edits, or -1.
 */
#define LOOKUP_NEAR_MAX	2
int	lookup_near(const char *typed, const char *known);

/*
 * A certificate's name (subject CN or SAN dNSName) against the FQDN the
 * client connected to: 1 when it is that name (any case), 2 when only as
 * a wildcard ("*.contoso.com" covers one label), else 0.
 */
int	lookup_cert_name(const char *pattern, const char *fqdn);

/* Writes S as a JSON string, quotes included. */
void	lookup_json_string(FILE *fp, const char *s);

#endif /* OCSDNS_LOOKUP_UTIL_H */
