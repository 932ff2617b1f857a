/* sdlisten.c -- sockets passed by systemd (LISTEN_PID, LISTEN_FDS). */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "sdlisten.h"

/* A decimal number in 0..max, or -1. */
static long
sdlisten_number(const char *s, long max)
{
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	return v;
}

int
sdlisten_fds(void)
{
	const char *spid = getenv("LISTEN_PID");
	const char *sfds = getenv("LISTEN_FDS");
	int rc = 0;

	if (spid == NULL && sfds == NULL)
		return 0;
	long pid = sdlisten_number(spid, LONG_MAX);
	long n = sdlisten_number(sfds, 4096);
	if (pid == -1 || n == -1) {
		log_warnx("socket activation: bad LISTEN_PID \"%s\" or "
		    "LISTEN_FDS \"%s\"", spid != NULL ? spid : "",
		    sfds != NULL ? sfds : "");
		rc = -1;
	} else if ((pid_t)pid != getpid()) {
		/* Inherited from a parent that was activated: not ours. */
		log_debug("socket activation: LISTEN_PID %ld is not us", pid);
	} else {
		for (long i = 0; i < n; i++) {
			int fd = SDLISTEN_FDS_START + (int)i;

			int flags = fcntl(fd, F_GETFD);
			if (flags == -1 ||
			    fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == -1) {
				log_warn("socket activation: descriptor %d", fd);
				rc = -1;
				break;
			}
		}
		if (rc == 0)
			rc = (int)n;
	}
	/* Children (there are none now) must not take them for theirs. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return rc;
}
