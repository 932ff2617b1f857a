/* sdlisten.h -- sockets passed by systemd (LISTEN_PID, LISTEN_FDS). */
#ifndef OCSDNSD_SDLISTEN_H
#define OCSDNSD_SDLISTEN_H

#define SDLISTEN_FDS_START	3	/* the first passed descriptor */

/*
 * The number of sockets passed to this process by the sd_listen_fds()
 * protocol (descriptors SDLISTEN_FDS_START and up), 0 when none were passed
 * or they were meant for another process, -1 when the variables are
 * malformed. The passed descriptors are made close-on-exec, and the
 * variables are removed from the environment either way.
 */
int	sdlisten_fds(void);

#endif
