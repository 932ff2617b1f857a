/* rrl.h -- response rate limiting for UDP, as NSD and Knot do it: slip to TC. */
#ifndef OCSDNSD_RRL_H
#define OCSDNSD_RRL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

struct dns_result;
struct rrl;

enum rrl_verdict {
	RRL_SEND,	/* under the limit */
	RRL_DROP,	/* over it: no reply */
	RRL_SLIP,	/* over it: a truncated reply, so real clients retry on TCP */
};

/*
 * rate: responses per second for one bucket; slip: every slip-th limited
 * response goes out truncated (0: none, 1: all); prefixes: how much of the
 * client address makes a bucket. NULL when out of memory.
 */
struct rrl	*rrl_new(unsigned rate, unsigned slip, unsigned v4prefix,
		    unsigned v6prefix);
void		 rrl_free(struct rrl *r);

/*
 * The verdict for a response to client: buckets are the client's network
 * and what the response is about (the name and type for an answer, the
 * zone for NXDOMAIN and NODATA, the rcode for errors), counted per second.
 */
enum rrl_verdict rrl_check(struct rrl *r, const struct sockaddr *client,
		    const struct dns_result *res, time_t now);

/* Cuts a response to its header and question, with TC set. The new length. */
size_t		 rrl_slip_reply(uint8_t *msg, size_t len);

#endif
