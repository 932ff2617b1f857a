/* fuzz_config.c -- libFuzzer target: any bytes as an INI file through config_load() and snapshot_build(). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "snapshot.h"
#include "testconf.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

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
	struct snapshot *snap = snapshot_build(cfg, NULL, devnull);
	if (snap != NULL)
		snapshot_free(snap);
	return 0;
}
