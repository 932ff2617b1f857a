/* synth.h -- the records of each SIP domain, as one view sees them. */
#ifndef OCSDNSD_SYNTH_H
#define OCSDNSD_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "arena.h"
#include "zonewire.h"

struct config;
struct rrwire;

/*
 * A zone is built as wire: synth_view() and reverse_view() write their
 * records straight into wire (no ldns record is made for them), and
 * synth_view_cut() appends the cut list. Only a zone that a zone file
 * touches goes through rrs (zonefiles_merge(): the file's records are
 * ldns records already), and is packed again once merged; rrs and cut are
 * NULL otherwise. Either way no ldns record outlives the build.
 */
struct synth_zone {
	char		*name;		/* the apex, lower case, no trailing dot */
	ldns_rr_list	*rrs;		/* NULL, or owned while a file is merged */
	/*
	 * Owned, or NULL: the delegations of the child zones this view also
	 * serves (their NS RRsets and glue), for AXFR and --print-zone only.
	 * The answer table never sees them: the child answers those names.
	 */
	ldns_rr_list	*cut;
	uint32_t	 neg_ttl;	/* min(SOA TTL, SOA MINIMUM): RFC 2308 */
	bool		 file_serial;	/* from zone files alone: their serial */
	struct zonewire	 wire;		/* the records then the cut list */
};

struct synth_view {
	const char	*name;		/* the [view] name, or "default" */
	bool		 external;
	struct synth_zone *zones;	/* one per [domain], in file order */
	size_t		 nzones;
	struct arena	 wire;		/* the zones' packed records */
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

/*
 * Packs every zone of sv that still holds ldns records (synth_zone.rrs and
 * cut, and no wire yet) and frees them.
 * Returns 0, or -1 when out of memory (what is packed stays packed, the
 * rest keeps its records: synth_view_clear() frees both).
 */
int	synth_view_pack(struct synth_view *sv);

/* The zone's own records (not the cut list), packed or not. */
size_t	synth_zone_nrrs(const struct synth_zone *z);
/*
 * A part of a zone as a fresh ldns list the caller deep-frees, from
 * whichever form the zone is in (for printing and checks); NULL when out
 * of memory. ZONEWIRE_CUT of a zone without one is an empty list.
 */
ldns_rr_list *synth_zone_list(const struct synth_zone *z,
	    enum zonewire_part part);

/*
 * Once the zone files are merged (every zone packed): gives each zone
 * whose parent (the longest other zone of sv above its apex) is in sv too
 * the delegation in that parent's cut list: the child's NS RRset, and as
 * glue the A and AAAA records of each NS name at or below the child's
 * apex, copied from the zone of sv that holds the name (so only what this
 * view shows). Returns 0, or -1 when out of memory (sv stays clearable).
 */
int	synth_view_cut(struct synth_view *sv);

/*
 * The apex of a zone, appended to b: the SOA (MNAME ns[0], RNAME
 * hostmaster, MINIMUM minimum) then one NS per name of ns (nns >= 1), all
 * with ttl. Shared by every zone this server makes up (reverse.c too).
 */
void	synth_apex(struct rrwire *b, const uint8_t *apex, size_t apex_len,
	    uint32_t ttl, char *const *ns, size_t nns, const char *hostmaster,
	    uint32_t serial, uint32_t minimum);

/* Whether host name is visible in view v (-1: the implicit view). */
bool	synth_host_visible(const struct config *cfg, int v, const char *name);

#endif
