/* blast.c -- one-thread busy-polling DNS load generator for loopback servers. */

/*
 * blast -p PORT -f QUERIES [-d SECONDS] [-n COUNT] [-w WINDOW] [-t MS] [-e]
 * blast -p PORT -W SECONDS [-q "NAME TYPE"] [-- COMMAND ARG...]
 *
 * Load mode: reads a dnsperf query file ("name TYPE" per line), builds the
 * wire queries once, then keeps WINDOW (default 64) queries in flight to
 * 127.0.0.1:PORT over one connected non-blocking UDP socket: sendmmsg() for
 * every free slot, recvmmsg(MSG_DONTWAIT) for the replies (busy polling, no
 * poll()/epoll), replies matched by ID and question bytes.  A query without a
 * reply after MS milliseconds (default 200) is lost.  Stops after SECONDS
 * (default 5, at most 60) or COUNT queries, whichever comes first, and prints
 * one line of key=value figures: qps, answered, lost, avg_us, p99_us and the
 * rcode counts.
 *
 * Wait mode (-W): asks "NAME TYPE" (default "lab SOA") every 200 us until
 * any reply arrives or SECONDS pass, and prints "ready_ms=X".  With a
 * COMMAND (a server's start-up measurement), forks and execs it first,
 * measures from the fork until the first reply, then stops the command again
 * (SIGTERM, SIGKILL after 5 s); on timeout too, and blast exits 1.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAXWIN		1024
#define MAXQ		2000000
#define QMAX		300		/* largest wire query we build */
#define RBUF		4096
#define HISTMAX		1000000		/* latency histogram, 1 us buckets */

struct wq {
	uint16_t	 len;
	uint8_t		*wire;
};

struct slot {
	int		 busy;
	uint16_t	 id;
	uint32_t	 q;
	uint64_t	 sent;
	uint8_t		 buf[QMAX];
};

static struct wq	*queries;
static size_t		 nqueries;
static struct slot	 slots[MAXWIN];
static int		 idmap[65536];		/* slot + 1, or 0 */
static uint32_t		 hist[HISTMAX];
static uint8_t		 rbufs[MAXWIN][RBUF];

static uint64_t
blast_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
blast_usage(void)
{
	fprintf(stderr,
	    "usage: blast -p port -f queries [-d sec] [-n count] [-w window] "
	    "[-t ms] [-e]\n"
	    "       blast -p port -W sec [-q 'name type'] [-- command ...]\n");
	exit(2);
}

static int
blast_type(const char *s)
{
	static const struct { const char *n; int t; } types[] = {
		{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 },
		{ "PTR", 12 }, { "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 },
		{ "SRV", 33 }, { "NAPTR", 35 }, { "ANY", 255 },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(s, types[i].n) == 0)
			return types[i].t;
	if (strncasecmp(s, "TYPE", 4) == 0 && isdigit((unsigned char)s[4]))
		return atoi(s + 4);
	return -1;
}

/* Build a query for "name type" into out; returns its length or 0. */
static size_t
blast_build(const char *line, int edns, uint8_t *out)
{
	char		 name[300], type[32];
	const char	*p, *dot;
	size_t		 len, l;
	int		 t;

	if (sscanf(line, "%299s %31s", name, type) != 2)
		return 0;
	if ((t = blast_type(type)) < 0)
		return 0;
	memset(out, 0, 12);
	out[5] = 1;		/* QDCOUNT 1, RD clear: we ask authorities */
	len = 12;
	for (p = name; *p != '\0'; p = dot + 1) {
		if ((dot = strchr(p, '.')) == NULL)
			dot = p + strlen(p);
		l = (size_t)(dot - p);
		if (l == 0 && *dot == '\0')
			break;
		if (l == 0 || l > 63 || len + l + 1 > 255 + 12)
			return 0;
		out[len++] = (uint8_t)l;
		memcpy(out + len, p, l);
		len += l;
		if (*dot == '\0')
			break;
	}
	out[len++] = 0;
	out[len++] = (uint8_t)(t >> 8);
	out[len++] = (uint8_t)t;
	out[len++] = 0;
	out[len++] = 1;		/* class IN */
	if (edns) {
		out[11] = 1;	/* ARCOUNT 1: OPT, udp 1232, no options */
		memcpy(out + len, "\0\0\x29\x04\xd0\0\0\0\0\0\0", 11);
		len += 11;
	}
	return len;
}

static void
blast_load(const char *path, int edns)
{
	FILE	*f;
	char	 line[512];
	uint8_t	 w[QMAX];
	size_t	 len, cap = 0, lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL && nqueries < MAXQ) {
		lineno++;
		if (line[0] == '#' || line[0] == ';' || line[0] == '\n')
			continue;
		if ((len = blast_build(line, edns, w)) == 0) {
			fprintf(stderr, "%s:%zu: bad query line\n", path,
			    lineno);
			continue;
		}
		if (nqueries == cap) {
			cap = cap ? cap * 2 : 4096;
			queries = realloc(queries, cap * sizeof(*queries));
			if (queries == NULL) {
				perror("realloc");
				exit(1);
			}
		}
		queries[nqueries].len = (uint16_t)len;
		if ((queries[nqueries].wire = malloc(len)) == NULL) {
			perror("malloc");
			exit(1);
		}
		memcpy(queries[nqueries].wire, w, len);
		nqueries++;
	}
	fclose(f);
	if (nqueries == 0) {
		fprintf(stderr, "%s: no queries\n", path);
		exit(1);
	}
}

static int
blast_socket(long port)
{
	struct sockaddr_in	 sin;
	int			 fd, sz = 4 << 20;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		perror("socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static int
blast_wait(long port, long secs, const char *q, char **cmd)
{
	uint8_t		 w[QMAX], r[RBUF];
	size_t		 len;
	uint64_t	 t0, deadline;
	pid_t		 pid = -1;
	ssize_t		 n;
	int		 fd;

	if ((len = blast_build(q, 0, w)) == 0) {
		fprintf(stderr, "blast: bad query '%s'\n", q);
		return 2;
	}
	fd = blast_socket(port);
	t0 = blast_now();
	if (cmd != NULL && cmd[0] != NULL) {
		if ((pid = fork()) == -1) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			close(fd);
			execvp(cmd[0], cmd);
			perror(cmd[0]);
			_exit(127);
		}
	}
	deadline = t0 + (uint64_t)secs * 1000000000ULL;
	for (;;) {
		w[0] = (uint8_t)(blast_now() >> 10);
		send(fd, w, len, MSG_DONTWAIT);	/* ECONNREFUSED until up */
		usleep(200);
		while ((n = recv(fd, r, sizeof(r), MSG_DONTWAIT)) > 0)
			if (n >= 12 && (r[2] & 0x80))
				goto ready;
		if (pid > 0 && waitpid(pid, NULL, WNOHANG) == pid) {
			fprintf(stderr, "blast: %s exited before answering\n",
			    cmd[0]);
			return 1;
		}
		if (blast_now() > deadline) {
			fprintf(stderr, "blast: no answer on port %ld after "
			    "%ld s\n", port, secs);
			if (pid > 0)
				kill(pid, SIGTERM);
			return 1;
		}
	}
ready:
	printf("ready_ms=%.1f", (double)(blast_now() - t0) / 1e6);
	if (pid > 0) {
		/* A start-up measurement: stop the command again. */
		kill(pid, SIGTERM);
		for (n = 0; n < 500; n++) {
			if (waitpid(pid, NULL, WNOHANG) == pid)
				break;
			usleep(10000);
		}
		if (n == 500) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		printf(" pid=%ld stopped", (long)pid);
	}
	printf("\n");
	return 0;
}

int
main(int argc, char *argv[])
{
	static const char *rcodes[16] = { "NOERROR", "FORMERR", "SERVFAIL",
	    "NXDOMAIN", "NOTIMP", "REFUSED" };
	static struct mmsghdr	 smsg[MAXWIN], rmsg[MAXWIN];
	static struct iovec	 siov[MAXWIN], riov[MAXWIN];
	const char		*file = NULL, *wq = "lab SOA";
	unsigned long long	 sent = 0, answered = 0, lost = 0, stray = 0;
	unsigned long long	 rc[16], tc = 0, sum_us = 0, maxq = 0, acc;
	uint64_t		 start, end, now, lastscan, lat;
	size_t			 qi = 0;
	uint16_t		 nextid = 1;
	long			 port = 0, secs = 5, win = 64, tmo = 200;
	long			 waitsecs = 0;
	int			 ch, edns = 0, fd, i, k, n, s, inflight = 0;
	int			 freelist[MAXWIN], sendslot[MAXWIN];
	int			 nfree, p99 = 0;
	double			 el;

	while ((ch = getopt(argc, argv, "p:f:d:n:w:t:eW:q:")) != -1) {
		switch (ch) {
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 'f':
			file = optarg;
			break;
		case 'd':
			secs = strtol(optarg, NULL, 10);
			break;
		case 'n':
			maxq = strtoull(optarg, NULL, 10);
			break;
		case 'w':
			win = strtol(optarg, NULL, 10);
			break;
		case 't':
			tmo = strtol(optarg, NULL, 10);
			break;
		case 'e':
			edns = 1;
			break;
		case 'W':
			waitsecs = strtol(optarg, NULL, 10);
			break;
		case 'q':
			wq = optarg;
			break;
		default:
			blast_usage();
		}
	}
	if (port < 1 || port > 65535)
		blast_usage();
	if (waitsecs > 0)
		return blast_wait(port, waitsecs > 600 ? 600 : waitsecs, wq,
		    argv + optind);
	if (file == NULL || secs < 1 || secs > 60 || win < 1 ||
	    win > MAXWIN || tmo < 1 || tmo > 5000)
		blast_usage();

	blast_load(file, edns);
	fd = blast_socket(port);
	memset(rc, 0, sizeof(rc));
	for (i = 0; i < win; i++) {
		freelist[i] = (int)(win - 1 - i);
		riov[i].iov_base = rbufs[i];
		riov[i].iov_len = RBUF;
	}
	nfree = (int)win;

	start = lastscan = blast_now();
	end = start + (uint64_t)secs * 1000000000ULL;
	for (;;) {
		now = blast_now();
		if (now >= end || (maxq && sent >= maxq && inflight == 0))
			break;

		/* Fill every free slot and send them in one call. */
		for (k = 0; nfree > 0 && (!maxq || sent + (unsigned)k < maxq);
		    k++) {
			s = freelist[--nfree];
			while (idmap[nextid] != 0)
				nextid++;
			slots[s].id = nextid++;
			slots[s].q = (uint32_t)qi;
			memcpy(slots[s].buf, queries[qi].wire, queries[qi].len);
			slots[s].buf[0] = (uint8_t)(slots[s].id >> 8);
			slots[s].buf[1] = (uint8_t)slots[s].id;
			siov[k].iov_base = slots[s].buf;
			siov[k].iov_len = queries[qi].len;
			memset(&smsg[k].msg_hdr, 0, sizeof(smsg[k].msg_hdr));
			smsg[k].msg_hdr.msg_iov = &siov[k];
			smsg[k].msg_hdr.msg_iovlen = 1;
			if (++qi == nqueries)
				qi = 0;
			sendslot[k] = s;
		}
		if (k > 0) {
			n = sendmmsg(fd, smsg, (unsigned)k, MSG_DONTWAIT);
			if (n < 0)
				n = 0;
			for (i = 0; i < k; i++) {
				s = sendslot[i];
				if (i < n) {
					slots[s].busy = 1;
					slots[s].sent = now;
					idmap[slots[s].id] = s + 1;
					inflight++;
				} else
					freelist[nfree++] = s;
			}
			sent += (unsigned)n;
		}

		/* Collect whatever has arrived. */
		for (i = 0; i < win; i++) {
			memset(&rmsg[i].msg_hdr, 0, sizeof(rmsg[i].msg_hdr));
			rmsg[i].msg_hdr.msg_iov = &riov[i];
			rmsg[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, rmsg, (unsigned)win, MSG_DONTWAIT, NULL);
		if (n > 0) {
			now = blast_now();
			for (i = 0; i < n; i++) {
				uint8_t		*r = rbufs[i];
				unsigned	 len = rmsg[i].msg_len;
				struct slot	*sl;
				unsigned	 ql;

				if (len < 12 || !(r[2] & 0x80) ||
				    (s = idmap[(r[0] << 8) | r[1]]) == 0) {
					stray++;
					continue;
				}
				sl = &slots[s - 1];
				/* the question must come back as sent */
				ql = queries[sl->q].len - (edns ? 11 : 0);
				if (len < ql || memcmp(r + 12, sl->buf + 12,
				    ql - 12) != 0) {
					stray++;
					continue;
				}
				lat = (now - sl->sent) / 1000;
				hist[lat < HISTMAX ? lat : HISTMAX - 1]++;
				sum_us += lat;
				rc[r[3] & 0x0f]++;
				if (r[2] & 0x02)
					tc++;
				answered++;
				sl->busy = 0;
				idmap[sl->id] = 0;
				freelist[nfree++] = s - 1;
				inflight--;
			}
		}

		/* Time out the lost ones, once a millisecond. */
		if (now - lastscan > 1000000) {
			lastscan = now;
			for (i = 0; i < win; i++) {
				if (!slots[i].busy || now - slots[i].sent <
				    (uint64_t)tmo * 1000000ULL)
					continue;
				slots[i].busy = 0;
				idmap[slots[i].id] = 0;
				freelist[nfree++] = i;
				inflight--;
				lost++;
			}
		}
	}
	el = (double)(blast_now() - start) / 1e9;
	if (answered > 0) {
		for (acc = 0, i = 0; i < HISTMAX; i++) {
			acc += hist[i];
			if (acc * 100 >= answered * 99) {
				p99 = i;
				break;
			}
		}
	}
	printf("blast: port=%ld seconds=%.2f window=%ld sent=%llu "
	    "answered=%llu lost=%llu unfinished=%d stray=%llu qps=%.0f "
	    "avg_us=%.1f p99_us=%d tc=%llu", port, el, win, sent, answered,
	    lost, inflight, stray, (double)answered / el,
	    answered ? (double)sum_us / (double)answered : 0.0, p99, tc);
	for (i = 0; i < 16; i++) {
		if (rc[i] == 0)
			continue;
		if (rcodes[i] != NULL)
			printf(" %s=%llu", rcodes[i], rc[i]);
		else
			printf(" RCODE%d=%llu", i, rc[i]);
	}
	printf("\n");
	return 0;
}
