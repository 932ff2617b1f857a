/* dns.h -- the one transport-neutral entry point: query bytes in, answer out. */
#ifndef OCSDNSD_DNS_H
#define OCSDNSD_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct snapshot;

enum dns_transport { DNS_UDP, DNS_TCP };

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

#define DNS_MAX_MESSAGE	65535

/*
 * Answers one DNS message. out must hold DNS_MAX_MESSAGE bytes. Returns the
 * length of the response to send, or 0 to send nothing (the message was a
 * response, or shorter than a header, or a zone transfer that went out
 * through peer->emit). Allocates nothing but for zone transfers.
 */
size_t	dns_handle(const struct snapshot *snap, const struct dns_peer *peer,
	    const uint8_t *query, size_t qlen, uint8_t *out);

#endif
