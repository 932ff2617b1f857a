/* testconf.h -- tests and fuzz targets: a config or snapshot from INI text. */
#ifndef OCSDNSD_TESTCONF_H
#define OCSDNSD_TESTCONF_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "snapshot.h"

/*
 * config_load() reads a file: these write the text to a temporary file
 * (in $TMPDIR, else /tmp), load it and remove the file again. Relative
 * paths in the text are therefore relative to that temporary directory.
 */

/*
 * size bytes of data (NUL bytes included) as an INI file through
 * config_load(path, diag, nwarnings). NULL when it does not load; a
 * temporary file that cannot be written aborts.
 */
struct config	*testconf_load_bytes(const void *data, size_t size, FILE *diag,
		    unsigned *nwarnings);

/* ini_text through config_load(), diagnostics to stderr; NULL on errors. */
struct config	*testconf_load(const char *ini_text);

/* The file at path through config_load() and snapshot_build(); NULL: errors. */
struct snapshot	*testconf_snapshot_file(const char *path, FILE *diag);

/* ini_text through config_load() and snapshot_build(), diag to stderr. */
struct snapshot	*testconf_snapshot(const char *ini_text);

#endif
