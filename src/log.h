/* log.h -- logging to stderr (foreground, systemd style) or syslog. */
#ifndef OCSDNSD_LOG_H
#define OCSDNSD_LOG_H

#include <stdarg.h>

/* verbose: 0 info and up, 1 debug too. */
void	log_init(int verbose);
void	log_warn(const char *fmt, ...)	 __attribute__((format(printf, 1, 2)));	/* appends strerror(errno) */
void	log_warnx(const char *fmt, ...)	 __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...)	 __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)	 __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)	 __attribute__((format(printf, 1, 2), noreturn));

#endif
