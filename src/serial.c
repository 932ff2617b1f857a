/* serial.c -- RFC 1982 serials and the state file that keeps them. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "serial.h"

#define STATE_HEADER	"# ocsdnsd serials: zone serial content-hash"
#define STATE_TMP	SERIAL_STATE_FILE ".tmp"
#define STATE_MAX	(64u << 20)	/* a file past this is not ours */

bool
serial_after(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(a - b) < 0x80000000u;
}

uint32_t
serial_next(uint32_t prev, uint32_t now)
{
	return serial_after(now, prev) ? now : prev + 1;
}

/* --- reading ------------------------------------------------------------ */

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct serial_entry *)a)->name,
	    ((const struct serial_entry *)b)->name);
}

static char *
read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	while (buf != NULL) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (ferror(f) || n > STATE_MAX)
			break;
		if (n + 1 < cap) {
			buf[n] = '\0';
			*len = n;
			return buf;
		}
		char *nb = realloc(buf, cap * 2);
		if (nb == NULL)
			break;
		buf = nb;
		cap *= 2;
	}
	free(buf);
	return NULL;
}

/* One "zone serial hash" line into e (the name cut in place). */
static int
parse_line(char *line, struct serial_entry *e)
{
	char *name = strtok(line, " \t"), *ser = strtok(NULL, " \t"),
	    *hash = strtok(NULL, " \t"), *end;

	if (name == NULL || ser == NULL || hash == NULL ||
	    strtok(NULL, " \t") != NULL)
		return -1;
	errno = 0;
	unsigned long long s = strtoull(ser, &end, 10);
	if (errno != 0 || *end != '\0' || s > UINT32_MAX || *ser == '-')
		return -1;
	unsigned long long h = strtoull(hash, &end, 16);
	if (errno != 0 || *end != '\0' || strlen(hash) != 16)
		return -1;
	e->name = name;
	e->serial = (uint32_t)s;
	e->hash = (uint64_t)h;
	return 0;
}

int
serial_state_load(const char *dir, struct serial_state *st, FILE *diag)
{
	char path[4096];
	size_t len = 0, lineno = 0, cap = 0;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "%s/%s", dir, SERIAL_STATE_FILE);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 1;
		fprintf(diag, "%s: warning: cannot read it (%s): serials "
		    "follow the clock\n", path, strerror(errno));
		return -1;
	}
	st->text = read_all(f, &len);
	fclose(f);
	if (st->text == NULL) {
		fprintf(diag, "%s: warning: cannot read it: serials follow the "
		    "clock\n", path);
		return -1;
	}
	for (char *line = st->text, *eol; line != NULL && *line != '\0';
	    line = eol) {
		lineno++;
		if ((eol = strchr(line, '\n')) != NULL)
			*eol++ = '\0';
		else {
			/* A file cut short (it is renamed whole: not by us). */
			fprintf(diag, "%s:%zu: warning: the last line is cut "
			    "short: serials follow the clock\n", path, lineno);
			goto bad;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (st->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct serial_entry *nv = realloc(st->v,
			    nc * sizeof(*nv));
			if (nv == NULL) {
				fprintf(diag, "%s: out of memory\n", path);
				goto bad;
			}
			st->v = nv;
			cap = nc;
		}
		if (parse_line(line, &st->v[st->n]) < 0) {
			fprintf(diag, "%s:%zu: warning: not \"zone serial "
			    "hash\": serials follow the clock\n", path, lineno);
			goto bad;
		}
		st->n++;
	}
	qsort(st->v, st->n, sizeof(*st->v), cmp_entry);
	return 0;
bad:
	serial_state_clear(st);
	return -1;
}

const struct serial_entry *
serial_state_find(const struct serial_state *st, const char *name)
{
	struct serial_entry key = { name, 0, 0 };

	if (st == NULL || st->n == 0)
		return NULL;
	return bsearch(&key, st->v, st->n, sizeof(*st->v), cmp_entry);
}

void
serial_state_clear(struct serial_state *st)
{
	free(st->v);
	free(st->text);
	memset(st, 0, sizeof(*st));
}

/* --- writing ------------------------------------------------------------ */

/* The directory, opened at the first save (before chroot) and kept. */
static int	 state_fd = -1;
static char	*state_dir;

static int
state_dirfd(const char *dir)
{
	if (state_fd >= 0 && strcmp(state_dir, dir) == 0)
		return state_fd;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("state_directory %s", dir);
		return -1;
	}
	char *copy = strdup(dir);
	if (copy == NULL) {
		close(fd);
		log_warnx("state_directory %s: out of memory", dir);
		return -1;
	}
	if (state_fd >= 0)
		close(state_fd);
	free(state_dir);
	state_fd = fd;
	state_dir = copy;
	return fd;
}

int
serial_state_save(const char *dir, const struct serial_entry *v, size_t n)
{
	int dfd = state_dirfd(dir);

	if (dfd < 0)
		return -1;
	/* A temporary file left by a crash, maybe another user's: replaced. */
	(void)unlinkat(dfd, STATE_TMP, 0);
	int fd = openat(dfd, STATE_TMP, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		log_warn("%s/%s", dir, STATE_TMP);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "%s\n", STATE_HEADER);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %" PRIu32 " %016" PRIx64 "\n", v[i].name,
		    v[i].serial, v[i].hash);
	bool ok = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = false;
	if (!ok || renameat(dfd, STATE_TMP, dfd, SERIAL_STATE_FILE) == -1) {
		log_warn("%s/%s", dir, SERIAL_STATE_FILE);
		(void)unlinkat(dfd, STATE_TMP, 0);
		return -1;
	}
	/* The rename itself reaches the disk. */
	(void)fsync(dfd);
	return 0;
}
