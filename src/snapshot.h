/* snapshot.h -- the immutable served data set: built, published, freed. */
#ifndef OCSDNSD_SNAPSHOT_H
#define OCSDNSD_SNAPSHOT_H

#include <stdint.h>
#include <stdio.h>

#include <stdbool.h>
#include <stddef.h>

#include "answer.h"
#include "synth.h"

struct config;
struct cfg_view;

/* One view's data: its records (kept for printing) and prepared answers. */
struct snapshot_view {
	const struct cfg_view	*cfg;		/* NULL: the implicit view */
	struct synth_view	 sv;
	struct answer_table	*table;
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
	uint32_t	 serial;
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
 * prev is the snapshot now serving, or NULL: every SOA serial of the new one
 * is greater than prev's. Returns NULL, having written why to diag, on error.
 */
struct snapshot	*snapshot_build(struct config *cfg, const struct snapshot *prev,
		    FILE *diag);
void		 snapshot_free(struct snapshot *snap);

const struct config *snapshot_config(const struct snapshot *snap);

/*
 * Calls fn once for each zone name the snapshot serves, in any view: after
 * a reload every serial has grown, so every zone is news to a secondary.
 */
void		 snapshot_zone_names(const struct snapshot *snap,
		    void (*fn)(void *, const char *), void *arg);
uint32_t	 snapshot_serial(const struct snapshot *snap);
/* Counts for the start-up and -t lines: zones and RRs over all views. */
size_t		 snapshot_nzones(const struct snapshot *snap);
size_t		 snapshot_nrecords(const struct snapshot *snap);

#endif
