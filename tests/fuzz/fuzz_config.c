/* fuzz_config.c -- libFuzzer target: any bytes as an INI file through config_load(), snapshot_build() and signin_check(). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "signin/signin_check.h"
#include "snapshot.h"
#include "testconf.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The sign-in check asks a few dozen queries per domain and view and two
 * per alias: beyond these an input costs more than it finds.
 */
#define FUZZ_CHECK_MAX_RUNS	16	/* domains x views */
#define FUZZ_CHECK_MAX_HOSTS	256

static FILE *devnull;

static void
no_verdict(void *arg, const char *line)
{
	(void)arg;
	(void)line;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		perror("fuzz_config: /dev/null");
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = testconf_load_bytes(data, size, devnull, NULL);

	if (cfg == NULL)
		return 0;
	/*
	 * A valid configuration must also build. Zone files are left out: a
	 * zones directory from the input would read whatever it names.
	 */
	if (cfg->zones_dir != NULL) {
		config_free(cfg);
		return 0;
	}
	size_t nviews = cfg->nviews > 0 ? cfg->nviews : 1;
	bool check = cfg->ndomains * nviews <= FUZZ_CHECK_MAX_RUNS &&
	    cfg->nhosts <= FUZZ_CHECK_MAX_HOSTS;
	struct snapshot *snap = snapshot_build(cfg, NULL, devnull);
	if (snap == NULL)
		return 0;
	/* What -t and every reload run over the snapshot just built. */
	if (check) {
		unsigned nwarn = 0;
		(void)signin_check(snap, devnull, no_verdict, NULL, &nwarn);
	}
	snapshot_free(snap);
	return 0;
}
