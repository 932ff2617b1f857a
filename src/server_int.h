/* server_int.h -- the server's structures, and which thread owns each field. */
#ifndef OCSDNSD_SERVER_INT_H
#define OCSDNSD_SERVER_INT_H

/*
 * Shared by listen.c, udp.c, tcp.c, respond.h, worker.c, reload.c and
 * server.c; nothing outside them includes it (main.c has server.h).
 *
 * Threads, as the field comments name them:
 *   main    the main thread and its loop (srv->base): set-up, signals,
 *           publication and reclaim, reports, NOTIFY, metrics.
 *   worker  the thread of that worker, in its own loop (w->base); with
 *           workers = 1 the one worker runs in main, on the main loop.
 *   bg      the background thread of reload.c: builds and frees snapshots.
 *   set-up  written by main in server_new(), before any thread starts,
 *           and only read from then on (torn down after the joins).
 *   lock    under srv->reload.lock.
 * A field written by one thread and read by another is an atomic (named
 * with its orders) or under the lock.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/util.h>

#include "dns.h"
#include "query.h"
#include "log.h"
#include "stats.h"

#define UDP_BATCH		64		/* per recvmmsg()/sendmmsg() */
#define ADDRSTRLEN		(INET6_ADDRSTRLEN + 8)	/* "[v6]:65535" */

struct bufferevent;
struct cfg_listen;
struct config;
struct event;
struct event_base;
struct evconnlistener;
struct metrics;
struct notifier;
struct rrl;
struct server;
struct snapshot;
struct worker;

/*
 * One address a worker serves. All of it set-up; its events are of w's
 * loop and fire in worker. Main reads ss and text again (listen_changed(),
 * the start-up line) and closes it after the joins (listener_close()).
 */
struct listener {
	struct worker		*w;
	struct sockaddr_storage	 ss;		/* the bound address */
	socklen_t		 sslen;
	char			 text[ADDRSTRLEN];
	bool			 wildcard;	/* 0.0.0.0 or ::: learn the local address */
	bool			 shared;	/* socket activation: worker 0 owns the fds */
	int			 udp_fd;
	struct event		*udp_ev;	/* epoll: readable */
	struct event		*udp_more;	/* a burst goes on, out of epoll */
	bool			 udp_polled;	/* worker: udp_ev is added */
	struct evconnlistener	*tcp;		/* worker enables and disables it */
};

/* One TCP client: worker only, from tcp_accept_cb() to tcp_conn_free(). */
struct tcp_conn {
	TAILQ_ENTRY(tcp_conn)	 entry;		/* in w->conns */
	struct worker		*w;
	struct bufferevent	*bev;
	struct sockaddr_storage	 remote;
	struct sockaddr_storage	 local;
	bool			 have_local;
	bool			 read_paused;	/* output above TCP_WRITE_HIGH */
	bool			 closing;	/* peer is done: flush, then close */
	struct event		*frame_ev;	/* a started query's deadline */
};

/*
 * One published snapshot. gen grows with every publication; a replaced one
 * waits on the retired list until every worker has adopted a later one.
 * Main writes it all before publishing it (srv->published, release); from
 * then on workers read snap and the view slots, and main alone writes
 * retired_at and announce. bg frees it once it is on the garbage list.
 */
struct serving {
	TAILQ_ENTRY(serving)	 entry;		/* main: retired; lock: garbage */
	struct snapshot		*snap;
	uint64_t		 gen;
	uint64_t		 retired_at;	/* main: gen of the one that replaced it */
	bool			 announce;	/* main: "reloaded" not logged yet */
	int			 view_slot[STATS_MAX_VIEWS];
	size_t			 nview_slots;
};
TAILQ_HEAD(serving_list, serving);

/*
 * One batch of datagrams for recvmmsg()/sendmmsg(): a system call each way
 * per UDP_BATCH queries instead of two per query. Worker only.
 */
struct udp_batch {
	struct mmsghdr		 in[UDP_BATCH];
	struct mmsghdr		 out[UDP_BATCH];
	struct iovec		 iov_in[UDP_BATCH];
	struct iovec		 iov_out[UDP_BATCH];
	struct sockaddr_storage	 remote[UDP_BATCH];
	union {				/* aligned for struct cmsghdr */
		struct cmsghdr	 hdr;
		uint8_t		 buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(sizeof(struct in_pktinfo))];
	}			 cin[UDP_BATCH], cout[UDP_BATCH];
	struct query		 q[UDP_BATCH];	/* parsed once: name folded, hashed */
	uint8_t			 query[UDP_BATCH][DNS_MAX_MESSAGE];
	uint8_t			 answer[UDP_BATCH][DNS_MAX_MESSAGE];
};

/*
 * A thread that answers queries: its own event loop, sockets, connections,
 * counters, rate limiter and buffers, so that the query path takes no lock.
 * With workers = 1 the one worker runs on the main loop, in the main thread.
 * "worker" fields are first written in worker_new() (set-up), then only
 * in the worker's loop; so are the unmarked ones from lim_recv on.
 */
struct worker {
	struct server		*srv;		/* set-up */
	unsigned		 id;		/* set-up */
	/* set-up: base is the server's for a lone worker, inline_loop then. */
	struct event_base	*base;
	bool			 inline_loop;	/* runs on the server's loop */
	pthread_t		 thread;	/* main: create, join */
	bool			 started;	/* main */
	/* set-up: pipe: adopt the published data, or stop; main writes it. */
	int			 wake_fd[2];
	struct event		*ev_wake;	/* set-up; fires in worker */
	atomic_bool		 stop;		/* main stores, worker loads */
	/* gen of the serving adopted: worker stores, main loads (rel/acq). */
	_Atomic uint64_t	 seen;
	const struct serving	*serving;	/* worker: what it answers from */
	struct listener		*ls;		/* set-up */
	size_t			 nls;		/* set-up */
	struct event		*ev_backoff;	/* set-up: re-enables accepting */
	bool			 accept_backoff;	/* worker */
	bool			 accepting;	/* worker: TCP listeners enabled */
	TAILQ_HEAD(, tcp_conn)	 conns;		/* worker */
	unsigned		 nconns;	/* worker */
	unsigned		 max_conns;	/* worker: share of tcp_max_clients */
	/* nconns, for the gauges: worker stores, main loads (relaxed). */
	atomic_uint		 nconns_shown;
	struct stats		 stats;		/* worker counts, main sums */
	struct rrl		*rrl;		/* worker: NULL: no rate limiting */
	unsigned		 qlog_sample;	/* worker: 0: no query log */
	unsigned		 qlog_count;	/* worker */
	struct log_limit	 lim_recv, lim_send, lim_mem, lim_accept;
	/* tcp_out keeps two bytes in front of the message for the length. */
	uint8_t			 tcp_in[DNS_MAX_MESSAGE];
	uint8_t			 tcp_out[2 + DNS_MAX_MESSAGE];
	struct udp_batch	 udp;
};

/*
 * The background thread: builds the new snapshot on SIGHUP and frees
 * the old ones, both of which take long enough to stall queries.
 * Everything below lock is shared with it, under the lock.
 */
struct reload_state {
	bool			 under_way;	/* main: a build is under way */
	bool			 again;		/* main: SIGHUP during it */
	pthread_t		 thread;	/* main: create, join */
	bool			 started;	/* main */
	bool			 lock_init;	/* main: lock and cond exist */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* main signals, bg waits */
	bool			 quit;		/* main sets it to stop bg */
	atomic_bool		 stopping;	/* main: quit, read by the check */
	bool			 build;		/* a build is asked for */
	const struct snapshot	*prev;		/* cur: lives until collected */
	bool			 done;		/* a build has ended: bg sets it */
	struct snapshot		*result;	/* its snapshot, NULL on error */
	struct serving_list	 garbage;	/* to free: main adds, bg takes */
};

struct server {
	struct event_base	*base;		/* main: signals, reload, metrics, NOTIFY */
	char			*config_path;	/* set-up; bg reads it */
	bool			 listen_overridden;	/* main: -l given */
	struct config		*boot_cfg;	/* main: restart-only keys at start */
	struct worker		**workers;	/* set-up */
	unsigned		 nworkers;	/* set-up */
	/* set-up: srv->stats and the workers'; main and workers sum it. */
	struct stats_group	 group;
	struct serving		*cur;		/* main: the newest, for main */
	/* The same, for the workers: main stores, workers load (rel/acq). */
	_Atomic(struct serving *) published;
	uint64_t		 gen;		/* main */
	struct serving_list	 retired;	/* main */
	/* set-up: pipe: a build is done, a worker adopted; bg, workers write. */
	int			 wake_fd[2];
	struct event		*ev_wake;	/* main, as all the events below */
	struct event		*ev_term;
	struct event		*ev_int;
	struct event		*ev_hup;
	struct event		*ev_usr1;	/* counters to the log */
	struct notifier		*notifier;	/* main */
	/* main: reloads, view names; survives reloads. */
	struct stats		 stats;
	struct metrics		*metrics;	/* main: GET /metrics, or NULL */
	struct reload_state	 reload;	/* see above */
};

/* --- listen.c ----------------------------------------------------------- */

void	 addr_format(const struct sockaddr *sa, char *buf, size_t len);
bool	 addr_equal(const struct sockaddr_storage *a,
	    const struct sockaddr_storage *b);
int	 listen_addresses(struct server *srv, char **override, int noverride);
int	 listen_bind(struct server *srv);
int	 listen_activated(struct worker *w, int nfds);
int	 listen_share(struct server *srv);
void	 listener_close(struct listener *l);

/* --- udp.c -------------------------------------------------------------- */

int	 udp_listen(struct listener *l, int fd);

/* --- tcp.c -------------------------------------------------------------- */

int	 tcp_listen(struct listener *l, int fd);
void	 tcp_update_accepting(struct worker *w);
void	 tcp_backoff_cb(evutil_socket_t fd, short what, void *arg);
void	 tcp_conns_free(struct worker *w);

/* --- worker.c ----------------------------------------------------------- */

int	 wake_open(int fd[2]);
void	 wake_send(const int fd[2]);
void	 wake_drain(int fd);
void	 wake_close(int fd[2]);
struct worker	*worker_new(struct server *srv, unsigned id);
bool	 worker_ready(const struct worker *w);
void	 worker_free(struct worker *w);
void	*worker_main(void *arg);
void	 worker_adopt(struct worker *w);
void	 worker_stop_all(struct server *srv);

/* --- reload.c ----------------------------------------------------------- */

struct serving	*serving_new(struct server *srv, struct snapshot *snap);
void	 serving_free(struct serving *s);
int	 reload_init(struct server *srv);
int	 reload_thread_start(struct server *srv);
void	 reload_request(struct server *srv);
void	 reload_wake_cb(evutil_socket_t fd, short what, void *arg);
void	 reload_free(struct server *srv);

#endif
