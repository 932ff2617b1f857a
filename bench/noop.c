/* noop.c -- no-op UDP responder: the ceiling of every benchmark figure. */

/*
 * noop [-p PORT] [-t SECONDS]
 *
 * One thread bound to 127.0.0.1:PORT: recvmmsg() up to 64 datagrams, set the
 * QR bit in each (messages that already have QR set, or are shorter than a
 * DNS header, are dropped) and send them back with one sendmmsg().  No DNS
 * work at all: what a server could reach if answering cost nothing.
 * Stops on SIGTERM/SIGINT or after SECONDS (default 1800, at most 86400).
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH	64
#define BUFSZ	4096

static volatile sig_atomic_t stop;

static void
noop_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
noop_usage(void)
{
	fprintf(stderr, "usage: noop [-p port] [-t seconds]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static uint8_t		 bufs[BATCH][BUFSZ];
	struct sockaddr_in	 sin, from[BATCH];
	struct mmsghdr		 in[BATCH], out[BATCH];
	struct iovec		 iin[BATCH], iout[BATCH];
	struct sigaction	 sa;
	unsigned long long	 answered = 0;
	long			 port = 5399, limit = 1800;
	int			 ch, fd, i, n, k, one = 1, sz = 4 << 20;

	while ((ch = getopt(argc, argv, "p:t:")) != -1) {
		switch (ch) {
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 't':
			limit = strtol(optarg, NULL, 10);
			break;
		default:
			noop_usage();
		}
	}
	if (port < 1 || port > 65535 || limit < 1 || limit > 86400)
		noop_usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_signal;	/* no SA_RESTART: interrupt recvmmsg */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)limit);

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		perror("noop: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("noop: bind");
		return 1;
	}

	while (!stop) {
		for (i = 0; i < BATCH; i++) {
			iin[i].iov_base = bufs[i];
			iin[i].iov_len = BUFSZ;
			memset(&in[i].msg_hdr, 0, sizeof(in[i].msg_hdr));
			in[i].msg_hdr.msg_name = &from[i];
			in[i].msg_hdr.msg_namelen = sizeof(from[i]);
			in[i].msg_hdr.msg_iov = &iin[i];
			in[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			perror("noop: recvmmsg");
			return 1;
		}
		for (i = 0, k = 0; i < n; i++) {
			if (in[i].msg_len < 12 || (bufs[i][2] & 0x80))
				continue;
			bufs[i][2] |= 0x80;
			iout[k].iov_base = bufs[i];
			iout[k].iov_len = in[i].msg_len;
			memset(&out[k].msg_hdr, 0, sizeof(out[k].msg_hdr));
			out[k].msg_hdr.msg_name = &from[i];
			out[k].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
			out[k].msg_hdr.msg_iov = &iout[k];
			out[k].msg_hdr.msg_iovlen = 1;
			k++;
		}
		for (i = 0; i < k; ) {
			n = sendmmsg(fd, out + i, (unsigned)(k - i), 0);
			if (n == -1) {
				if (errno == EINTR && !stop)
					continue;
				break;	/* drop the rest, like a full queue */
			}
			i += n;
		}
		answered += (unsigned long long)i;
	}
	fprintf(stderr, "noop: answered %llu\n", answered);
	return 0;
}
