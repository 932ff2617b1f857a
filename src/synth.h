/* synth.h -- the records of each SIP domain, as one view sees them. */
#ifndef OCSDNSD_SYNTH_H
#define OCSDNSD_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

struct config;

struct synth_zone {
	char		*name;		/* the apex, lower case, no trailing dot */
	ldns_rr_list	*rrs;		/* owned; the SOA first, then NS, then the rest */
	uint32_t	 neg_ttl;	/* min(SOA TTL, SOA MINIMUM): RFC 2308 */
};

struct synth_view {
	const char	*name;		/* the [view] name, or "default" */
	bool		 external;
	struct synth_zone *zones;	/* one per [domain], in file order */
	size_t		 nzones;
};

/*
 * Synthesizes the zones that view number v of cfg serves (v = -1: the one
 * implicit view of a configuration without [view] sections). serial is every
 * SOA's serial. Returns 0, or -1 when out of memory (nothing to free then).
 */
int	synth_view(const struct config *cfg, int v, uint32_t serial,
	    struct synth_view *out);
/*
 * The same with n threads (1..4; synth_view() picks one per CPU for 512
 * domains or more): the result does not depend on n.
 */
int	synth_view_threads(const struct config *cfg, int v, uint32_t serial,
	    struct synth_view *out, size_t n);
void	synth_view_clear(struct synth_view *sv);

/* Whether host name is visible in view v (-1: the implicit view). */
bool	synth_host_visible(const struct config *cfg, int v, const char *name);

#endif
