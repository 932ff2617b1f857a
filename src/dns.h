/* dns.h -- the one transport-neutral entry point: query bytes in, answer out. */
#ifndef OCSDNSD_DNS_H
#define OCSDNSD_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dnsdef.h"
#include "query.h"
#include "wire.h"

struct snapshot;

struct dns_peer {
	const struct sockaddr	*remote;	/* the client */
	const struct sockaddr	*local;		/* the address it reached, or NULL */
	enum dns_transport	 transport;
	/*
	 * TCP: where the messages of a zone transfer go, one call each
	 * (nonzero from it stops the transfer). NULL: no transfers.
	 */
	int			(*emit)(void *arg, const uint8_t *msg, size_t len);
	void			*emit_arg;
};

struct stats;

/*
 * Answers one DNS message. out must hold DNS_MAX_MESSAGE bytes. Returns the
 * length of the response to send, or 0 to send nothing (the message was a
 * response, or shorter than a header, or a zone transfer that went out
 * through peer->emit). Allocates nothing but for zone transfers and
 * signed (TSIG) messages, whose HMAC context OpenSSL allocates.
 */
size_t	dns_handle(const struct snapshot *snap, const struct dns_peer *peer,
	    const uint8_t *query, size_t qlen, uint8_t *out);

/*
 * The same, telling in *res what was done (as decided, not read back from
 * out). stats, when not NULL, answers the CHAOS TXT query for stats.ocsdnsd
 * if the configuration allows it ([server] chaos_stats or metrics); else
 * that name is REFUSED.
 */
size_t	dns_answer(const struct snapshot *snap, const struct dns_peer *peer,
	    const struct stats *stats, const uint8_t *query, size_t qlen,
	    uint8_t *out, struct dns_result *res);

/*
 * The same for a message already parsed by query_parse(), whose bytes must
 * still be there (q and res point into them). dns_answer() is
 * query_parse() and this.
 */
size_t	dns_answer_query(const struct snapshot *snap,
	    const struct dns_peer *peer, const struct stats *stats,
	    const struct query *q, uint8_t *out, struct dns_result *res);

/*
 * The answer a client of view number view (an index into snap->views)
 * would get, whoever peer is: for the sign-in check of ocsdnsd -t, which
 * asks every view in process. No CHAOS stats; a zone transfer goes by
 * peer as in dns_answer(). 0 when view is out of range.
 */
size_t	dns_answer_in_view(const struct snapshot *snap, size_t view,
	    const struct dns_peer *peer, const uint8_t *query, size_t qlen,
	    uint8_t *out, struct dns_result *res);

/*
 * For a batch of received messages, before answering them: query_parse()
 * every message (which folds and hashes the name, once), then
 * dns_prefetch() with stage 0 for every message, then with stage 1 for
 * every message, asks the CPU to fetch what answering them will read; then
 * dns_answer_query() each. A message without a readable name is skipped.
 */
void	dns_prefetch(const struct snapshot *snap, const struct query *q,
	    int stage);

#endif
