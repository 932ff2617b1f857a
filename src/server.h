/* server.h -- the event loops: listeners, workers, signals, background reload. */
#ifndef OCSDNSD_SERVER_H
#define OCSDNSD_SERVER_H

struct snapshot;
struct server;

/*
 * Binds every listen address of the snapshot's configuration (UDP and TCP),
 * or of listen_override when not NULL, once for each of its workers.
 * Takes ownership of snap. config_path is read again on SIGHUP. Starts no
 * thread. Returns NULL after logging on error.
 */
struct server	*server_new(struct snapshot *snap, const char *config_path,
		    char **listen_override, int nlisten_override);
/*
 * Starts the reload thread and the workers' threads, then runs the main
 * loop until SIGTERM or SIGINT. 0 on a clean stop, -1 on error.
 */
int		 server_run(struct server *srv);
void		 server_free(struct server *srv);

#endif
