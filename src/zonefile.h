/* zonefile.h -- RFC 1035 master files from the zones directory, merged per view. */
#ifndef OCSDNSD_ZONEFILE_H
#define OCSDNSD_ZONEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ldns/ldns.h>

struct config;
struct synth_view;

struct zonefile_rr {
	ldns_rr		*rr;
	int		 line;
};

struct zonefile {
	char		*path;		/* for messages */
	char		*origin;	/* lower case, no trailing dot */
	char		*view;		/* zones/VIEW/: only that view; NULL: all */
	struct zonefile_rr *rrs;
	size_t		 nrrs;
};

struct zonefiles {
	struct zonefile	*v;
	size_t		 n;
};

/*
 * Loads every *.zone file of cfg->zones_dir (relative to the directory of
 * the configuration file) and of its subdirectories named after a view.
 * The origin of a file is its name without ".zone" unless $ORIGIN says
 * otherwise. Writes "PATH:LINE: message" to diag for each problem and
 * returns -1 when there was any; 0 otherwise (also without zones_dir).
 */
int	zonefiles_load(const struct config *cfg, struct zonefiles *out, FILE *diag);
void	zonefiles_clear(struct zonefiles *zf);

/*
 * Adds the zone files that view v sees to sv: records of a SIP domain's
 * file join its synthesized zone (its SOA and NS replace the synthesized
 * ones), other origins become zones of their own (file_serial set: they
 * serve the file's own SOA serial; the others get theirs afterwards).
 * Conflicts are errors written to diag (each message once, however many
 * views meet it: dedupe is shared state the caller clears). -1 on error.
 */
struct zonefile_msgs {
	char		**v;
	size_t		 n;
};
int	zonefiles_merge(const struct zonefiles *zf, const struct config *cfg,
	    int v, struct synth_view *sv,
	    struct zonefile_msgs *msgs, FILE *diag);
void	zonefile_msgs_clear(struct zonefile_msgs *m);

#endif
