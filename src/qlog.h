/* qlog.h -- the query log: one line per logged query, through the logger. */
#ifndef OCSDNSD_QLOG_H
#define OCSDNSD_QLOG_H

#include <stddef.h>
#include <sys/socket.h>

#include "dnsdef.h"

/*
 * Logs at info level: "query CLIENT#PORT VIEW TRANSPORT QNAME QCLASS QTYPE
 * RCODE SIZE FLAGS TIMEus", QNAME exactly as asked (case kept, unusual bytes
 * as \DDD), "-" for what the message did not have. len is the response size
 * (0: none sent, or a zone transfer), usec the time spent answering.
 */
void	qlog_write(const struct sockaddr *remote, const char *view,
	    enum dns_transport tr, const struct dns_result *res, size_t len,
	    long usec);

/* Presentation form of a wire name (uncompressed) into buf; "." for root. */
void	qlog_name(const uint8_t *wire, char *buf, size_t len);
/* "A", "SRV", ... or "TYPE65"; "IN", "CH", or "CLASS5". buf for the last. */
const char *qlog_type(unsigned type, char *buf, size_t len);
const char *qlog_class(unsigned cls, char *buf, size_t len);

#endif
