/* log.h -- logging to stderr (foreground, systemd style) or syslog. */
#ifndef OCSDNSD_LOG_H
#define OCSDNSD_LOG_H

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

/* Where the daemon logs; see log_dest_auto() and ocsdnsd(8) LOGGING. */
enum log_dest { LOG_TO_AUTO, LOG_TO_STDERR, LOG_TO_SYSLOG };

/* verbose: 0 info and up, 1 debug too. Logs to stderr. */
void	log_init(int verbose);
/*
 * The same, choosing the destination. LOG_TO_AUTO: stderr when it is a
 * terminal, a file, a pipe or systemd's journal (JOURNAL_STREAM), else
 * syslog(3) with facility daemon (stderr closed, /dev/null, a socket).
 */
void	log_open(int verbose, enum log_dest dest);
enum log_dest log_dest_auto(void);
int	log_to_syslog(void);
/*
 * Where diagnostics of config_load() and snapshot_build() should go:
 * stderr, or in syslog mode a stream whose lines are logged as warnings.
 */
FILE	*log_stream(void);

void	log_warn(const char *fmt, ...)	 __attribute__((format(printf, 1, 2)));	/* appends strerror(errno) */
void	log_warnx(const char *fmt, ...)	 __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...)	 __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -v phase timing: ms since *t0 (CLOCK_MONOTONIC), and *t0 set to now. */
double	log_lap_ms(struct timespec *t0);
void	fatal(const char *fmt, ...)	 __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)	 __attribute__((format(printf, 1, 2), noreturn));

/*
 * A warning that may come in a storm (send or accept errors): at most one
 * per second per struct log_limit (one static per kind); the next one that
 * is let through says how many were suppressed in between.
 */
struct log_limit {
	time_t		 last;
	unsigned long	 suppressed;
};
void	log_warnx_limited(struct log_limit *lim, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
