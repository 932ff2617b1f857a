/* testconf.c -- tests and fuzz targets: a config or snapshot from INI text. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testconf.h"

static void
die(const char *what)
{
	perror(what);
	abort();
}

struct config *
testconf_load_bytes(const void *data, size_t size, FILE *diag,
    unsigned *nwarnings)
{
	const char *tmp = getenv("TMPDIR");
	char path[256];

	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > sizeof(path) - 32)
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/testconf.XXXXXX", tmp);
	int fd = mkstemp(path);
	if (fd < 0)
		die("testconf: mkstemp");
	FILE *f = fdopen(fd, "w");
	if (f == NULL)
		die("testconf: fdopen");
	if (size > 0 && fwrite(data, 1, size, f) != size)
		die("testconf: write");
	if (fclose(f) != 0)
		die("testconf: close");
	struct config *cfg = config_load(path, diag, nwarnings);
	unlink(path);
	return cfg;
}

struct config *
testconf_load(const char *ini_text)
{
	return testconf_load_bytes(ini_text, strlen(ini_text), stderr, NULL);
}

struct snapshot *
testconf_snapshot_file(const char *path, FILE *diag)
{
	struct config *cfg = config_load(path, diag, NULL);

	if (cfg == NULL)
		return NULL;
	/* snapshot_build() owns cfg from here, also when it fails. */
	return snapshot_build(cfg, NULL, diag);
}

struct snapshot *
testconf_snapshot(const char *ini_text)
{
	struct config *cfg = testconf_load(ini_text);

	if (cfg == NULL)
		return NULL;
	return snapshot_build(cfg, NULL, stderr);
}
