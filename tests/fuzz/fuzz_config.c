/* fuzz_config.c -- libFuzzer target: any bytes as an INI file through config_load() and snapshot_build(). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "snapshot.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static FILE *devnull;

static void
cleanup(void)
{
	if (path[0] != '\0')
		unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	(void)argc;
	(void)argv;
	if (tmp == NULL || strlen(tmp) > sizeof(path) - 32)
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/fuzz_config.XXXXXX", tmp);
	if ((fd = mkstemp(path)) < 0) {
		perror("fuzz_config: mkstemp");
		abort();
	}
	close(fd);
	atexit(cleanup);
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		perror("fuzz_config: /dev/null");
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg;
	struct snapshot *snap;
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();

	if ((cfg = config_load(path, devnull, NULL)) == NULL)
		return 0;
	/*
	 * A valid configuration must also build. Zone files are left out: a
	 * zones directory from the input would read whatever it names.
	 */
	if (cfg->zones_dir != NULL) {
		config_free(cfg);
		return 0;
	}
	if ((snap = snapshot_build(cfg, NULL, devnull)) != NULL)
		snapshot_free(snap);
	return 0;
}
