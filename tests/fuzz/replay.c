/* replay.c -- a fuzz target over its corpus, without libFuzzer (make check). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Linked with one tests/fuzz/fuzz_X.c and built by the ordinary compiler,
 * so that every corpus input goes through its target on each make check
 * (and under ASan/UBSan in the sanitizer build): a target that no longer
 * builds, or an input that crashes it again, fails the suite instead of
 * waiting for the next make fuzz. Arguments are corpus directories or
 * files; without any, the corpus the build names (REPLAY_CORPUS).
 */

int	LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* One input, in a buffer of exactly its size as libFuzzer gives it. */
static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	uint8_t *data = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((data = realloc(data, cap)) == NULL) {
				perror("replay: realloc");
				exit(1);
			}
		}
		size_t n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	uint8_t *copy = malloc(len ? len : 1);
	if (copy == NULL) {
		perror("replay: malloc");
		exit(1);
	}
	memcpy(copy, data, len);
	free(data);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

/* Every regular file of dir, in name order; -1 when it cannot be read. */
static int
run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);

	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((names = realloc(names, (n + 1) * sizeof(*names))) == NULL ||
		    (names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)) ==
		    NULL) {
			perror("replay: malloc");
			exit(1);
		}
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(names[i]) < 0)
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char *argv[])
{
#ifdef REPLAY_CORPUS
	static char corpus[] = REPLAY_CORPUS;
	char *dflt[] = { argv[0], corpus, NULL };

	if (argc < 2) {
		argc = 2;
		argv = dflt;
	}
#endif
	if (argc < 2) {
		fprintf(stderr, "usage: %s corpus-dir-or-file...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);

	size_t count = 0;
	int failed = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		size_t before = count;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			failed = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count) < 0)
				failed = 1;
		} else if (run_file(argv[i]) < 0)
			failed = 1;
		else
			count++;
		if (count == before) {
			fprintf(stderr, "replay: %s: no inputs (an empty corpus "
			    "tests nothing)\n", argv[i]);
			failed = 1;
		}
	}
	printf("%s: %zu inputs ran\n", argv[0], count);
	return failed ? 1 : 0;
}
