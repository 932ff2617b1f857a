/* log.c -- logging to stderr (terminal, file, pipe, journald) or syslog(3). */

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	log_verbose;
static bool	log_syslog;	/* else stderr */
static bool	log_journal;	/* stderr is journald's: "<N>" level prefixes */
static FILE	*log_diag;	/* log_stream() in syslog mode */

static void	log_vline(int, const char *, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

void
log_init(int verbose)
{
	log_verbose = verbose;
}

/* Whether fd 2 is the stream JOURNAL_STREAM ("DEV:INODE") names. */
static bool
log_stderr_is_journal(const struct stat *st)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;

	if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return false;
	return (unsigned long long)st->st_dev == dev &&
	    (unsigned long long)st->st_ino == ino;
}

enum log_dest
log_dest_auto(void)
{
	struct stat st;

	if (fstat(STDERR_FILENO, &st) == -1)
		return LOG_TO_SYSLOG;		/* closed */
	if (isatty(STDERR_FILENO) || log_stderr_is_journal(&st) ||
	    S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))
		return LOG_TO_STDERR;
	return LOG_TO_SYSLOG;			/* /dev/null, a socket... */
}

void
log_open(int verbose, enum log_dest dest)
{
	struct stat st;

	log_verbose = verbose;
	if (dest == LOG_TO_AUTO)
		dest = log_dest_auto();
	log_syslog = dest == LOG_TO_SYSLOG;
	log_journal = !log_syslog && fstat(STDERR_FILENO, &st) == 0 &&
	    log_stderr_is_journal(&st);
	if (log_syslog) {
		/* Connect now: /dev/log may be out of reach after a chroot. */
		openlog("ocsdnsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		setlogmask(LOG_UPTO(verbose ? LOG_DEBUG : LOG_INFO));
		/* Now, while there is one thread: see log_stream(). */
		(void)log_stream();
	}
}

int
log_to_syslog(void)
{
	return log_syslog;
}

/*
 * Formats the whole line first and writes it under the stream's lock, so
 * that a line is never split by another writer of the same stderr
 * (systemd's journal reads it line by line) nor by another of our threads
 * (workers, the reload thread). syslog(3) is thread-safe. err, when not
 * NULL, is appended after ": ".
 */
static void
log_vline(int pri, const char *err, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_syslog) {
		if (err != NULL)
			syslog(pri, "%s: %s", msg, err);
		else
			syslog(pri, "%s", msg);
		return;
	}
	flockfile(stderr);
	if (log_journal)
		fprintf(stderr, "<%d>", pri);
	if (err != NULL)
		fprintf(stderr, "ocsdnsd: %s: %s\n", msg, err);
	else
		fprintf(stderr, "ocsdnsd: %s\n", msg);
	fflush(stderr);
	funlockfile(stderr);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vline(LOG_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

double
log_lap_ms(struct timespec *t0)
{
	struct timespec t;

	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	double ms = (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
	*t0 = t;
	return ms;
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vline(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx_limited(struct log_limit *lim, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	time_t now = time(NULL);

	if (lim->last == now) {
		lim->suppressed++;
		return;
	}
	lim->last = now;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lim->suppressed > 0)
		log_warnx("%s (%lu more suppressed)", msg, lim->suppressed);
	else
		log_warnx("%s", msg);
	lim->suppressed = 0;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vline(LOG_ERR, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * log_stream() in syslog mode: each complete line becomes a warning. The
 * buffer is only touched by diag_write(), which stdio calls with the
 * stream's lock held: writers in several threads take turns.
 */
static char	diag_line[1024];
static size_t	diag_len;

static ssize_t
diag_write(void *cookie, const char *buf, size_t len)
{
	(void)cookie;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n' || diag_len == sizeof(diag_line) - 1) {
			diag_line[diag_len] = '\0';
			syslog(LOG_WARNING, "%s", diag_line);
			diag_len = 0;
			if (buf[i] == '\n')
				continue;
		}
		diag_line[diag_len++] = buf[i];
	}
	return (ssize_t)len;
}

/*
 * The stream is made by log_open(), before any thread starts; afterwards
 * this only reads log_diag.
 */
FILE *
log_stream(void)
{
	static const cookie_io_functions_t fns = { .write = diag_write };

	if (!log_syslog)
		return stderr;
	if (log_diag == NULL &&
	    (log_diag = fopencookie(NULL, "w", fns)) != NULL)
		setvbuf(log_diag, NULL, _IOLBF, 0);
	return log_diag != NULL ? log_diag : stderr;
}
