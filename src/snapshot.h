/* snapshot.h -- the immutable served data set: built, published, freed. */
#ifndef OCSDNSD_SNAPSHOT_H
#define OCSDNSD_SNAPSHOT_H

#include <stdint.h>
#include <stdio.h>

#include <stdbool.h>
#include <stddef.h>

#include "answer.h"
#include "ixfr.h"
#include "synth.h"

struct config;
struct cfg_view;

/* What IXFR needs of one zone of a view, beside sv.zones[i]. */
struct snapshot_xzone {
	uint64_t	 hash;		/* of this view's records, serial left out */
	size_t		 size;		/* wire bytes of its AXFR's records */
	uint8_t		*soa;		/* the SOA as served, wire: in the zone's records */
	struct ixfr_chain chain;	/* deltas up to the current serial */
	uint16_t	 soa_len;
	uint8_t		 wire;		/* the view's wires[] its records are in */
};

/* Packed records, shared by every snapshot whose zones point into them. */
struct snapshot_wire;
#define SNAPSHOT_WIRES_MAX	8	/* a view's: more, and a reload packs anew */

/* One view's data: its records (kept for printing) and prepared answers. */
struct snapshot_view {
	const struct cfg_view	*cfg;		/* NULL: the implicit view */
	struct synth_view	 sv;
	struct answer_table	*table;
	struct snapshot_xzone	*xz;		/* one per sv.zones[] */
	/*
	 * Where sv.zones[]'s records are (sv.wire is empty once built): a
	 * reload's zone with the same bytes as before points at the old ones.
	 */
	struct snapshot_wire	*wires[SNAPSHOT_WIRES_MAX];
	size_t			 nwires;
};

/*
 * One zone name, in any view: one serial for all of them, raised when the
 * content of any view's zone changed. Sorted by name; refs[first..first+n)
 * are its zones, in view order.
 */
struct snapshot_zone {
	const char	*name;		/* a view's synth_zone name */
	uint64_t	 hash;		/* over every view's zone hash */
	uint32_t	 serial;
	bool		 file_serial;	/* the zone file's own */
	bool		 changed;	/* new, or its serial moved on this build */
	size_t		 first, n;
};

struct snapshot_zref {
	size_t		 v, z;		/* views[v].sv.zones[z] */
};

/* A CHAOS-class name (version.bind, id.server...) and its TXT answer. */
struct snapshot_chaos {
	uint8_t		 name[DNS_MAX_NAME]; /* lower-case wire */
	size_t		 name_len;
	struct answer	 answer;
};

#define SNAPSHOT_MAX_CHAOS	4

/*
 * Everything a query reads. Immutable once built, but for the round-robin
 * positions inside the answers, which every worker moves (relaxed atomics).
 */
struct snapshot {
	struct config	*cfg;
	uint32_t	 serial;	/* the highest of our zones' serials */
	struct snapshot_zone *zones;
	size_t		 nnames;
	struct snapshot_zref *refs;
	struct snapshot_view *views;
	size_t		 nviews;
	struct snapshot_chaos chaos[SNAPSHOT_MAX_CHAOS];
	size_t		 nchaos;
	size_t		 nrecords;
	uint16_t	 edns_size;
	const uint8_t	*nsid;		/* points into cfg, or NULL */
	uint16_t	 nsid_len;
};

/*
 * Builds everything a query needs from a validated configuration: the
 * synthesized records of every domain in every view and the prepared answers.
 * Takes ownership of cfg (freed by snapshot_free(), also on failure).
 * prev is the snapshot now serving, or NULL (at start: the state file then,
 * if [server] state_directory names one). A zone whose content is the same
 * as in prev keeps its serial; another gets the clock, or one more than its
 * old serial when the clock is behind; a zone of files alone the file's.
 * Returns NULL, having written why to diag, on error.
 */
struct snapshot	*snapshot_build(struct config *cfg, const struct snapshot *prev,
		    FILE *diag);
/*
 * The same at a start-up that serves (no sign-in check will read cfg's
 * domains, hosts and roles): they are freed once every zone is built,
 * before the answers are compiled, so the build's peak is lower by their
 * size (snapshot_shed() then has nothing left to free).
 */
struct snapshot	*snapshot_build_serving(struct config *cfg, FILE *diag);
void		 snapshot_free(struct snapshot *snap);

/*
 * Once s is checked and about to be served: frees what only its build and
 * the sign-in check read, the configuration's domains, hosts and roles
 * (config_shed()), and hands their pages back to the system.
 */
void		 snapshot_shed(struct snapshot *s);
const struct config *snapshot_config(const struct snapshot *snap);

/* Calls fn once for each zone name the snapshot serves, in any view. */
void		 snapshot_zone_names(const struct snapshot *snap,
		    void (*fn)(void *, const char *), void *arg);
/* The same for the zones whose serial this build raised (or new ones). */
void		 snapshot_changed_zones(const struct snapshot *snap,
		    void (*fn)(void *, const char *), void *arg);
/*
 * Records the serials in the state file ([server] state_directory), if
 * any: before the snapshot is published. At start (start true) says once
 * when there is none. 0, or -1 after logging why.
 */
int		 snapshot_state_save(const struct snapshot *snap, bool start);
uint32_t	 snapshot_serial(const struct snapshot *snap);
/* Counts for the start-up and -t lines: zones and RRs over all views. */
size_t		 snapshot_nzones(const struct snapshot *snap);
size_t		 snapshot_nrecords(const struct snapshot *snap);
/*
 * The zones (over all views) whose answers snap took compiled from the
 * snapshot it was built after (answer_table_build_from()); *nzones gets
 * how many zones there are in all.
 */
size_t		 snapshot_nshared(const struct snapshot *snap, size_t *nzones);

#endif
