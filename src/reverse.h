/* reverse.h -- the PTR records of the hosts' addresses, in reverse zones. */
#ifndef OCSDNSD_REVERSE_H
#define OCSDNSD_REVERSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;
struct cfg_prefix;
struct synth_view;
struct zonefiles;

/* Room for any reverse name: 32 nibbles of two bytes, then "ip6.arpa". */
#define REVERSE_NAME_MAX	80

/*
 * The zones that [server] reverse_zones names in cfg, sorted by family
 * and address (no two overlap): the prefixes as written, or with auto the
 * /24 of every IPv4 and the /64 of every IPv6 address of a served host.
 * None without a [domain] (no NS, no hostmaster to put in a SOA). *out is
 * NULL when there are none; the caller frees it. -1 when out of memory.
 */
int	reverse_zones(const struct config *cfg, struct cfg_prefix **out,
	    size_t *n);

/*
 * The name of prefix p (its bits on a label boundary) under in-addr.arpa
 * or ip6.arpa, lower case without the trailing dot, in out (at least
 * REVERSE_NAME_MAX bytes): 10.1.2.0/24 is "2.1.10.in-addr.arpa". With
 * bits 32 (128), the owner name of the address's PTR.
 */
void	reverse_name(const struct cfg_prefix *p, char *out, size_t len);

/*
 * What no view can serve: a reverse zone at or inside a SIP domain (or a
 * SIP domain inside one), and a zone file whose origin lies inside or
 * above a reverse zone (a file for the zone itself joins it). Writes
 * "PATH:LINE: message" to diag for each; -1 when there was any.
 */
int	reverse_check(const struct config *cfg, const struct zonefiles *zf,
	    FILE *diag);

/*
 * Appends to sv the reverse zones that view v (-1: the implicit view)
 * serves: those with a PTR that v may see, and those for which v sees a
 * zone file. Each is SOA, NS, then one PTR per address in address order.
 * 0, or -1 when out of memory (sv keeps what was appended: the caller
 * clears it).
 */
int	reverse_view(const struct config *cfg, int v, uint32_t serial,
	    const struct zonefiles *zf, struct synth_view *sv);

#endif
