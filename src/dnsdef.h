/* dnsdef.h -- what became of one message: read by counters, query log, RRL. */
#ifndef OCSDNSD_DNSDEF_H
#define OCSDNSD_DNSDEF_H

#include <stdint.h>

/*
 * Below dns.h so that stats.h, qlog.h and rrl.h can read a result without
 * the answering code: they sit under dns.c, which counts with them.
 */
enum dns_transport { DNS_UDP, DNS_TCP };

/* What dns_answer() did with a message: for the counters and the query log. */
#define DNS_RES_QUESTION	0x01	/* qname, qtype and qclass are set */
#define DNS_RES_DROPPED		0x02	/* no reply at all */
#define DNS_RES_TC		0x04	/* TC set: too big for UDP */
#define DNS_RES_NOADD		0x08	/* additional section left out for size */
#define DNS_RES_AA		0x10
#define DNS_RES_NODATA		0x20	/* NOERROR with no answer from a zone */
#define DNS_RES_XFR		0x40	/* a zone transfer went out through emit */

struct dns_result {
	unsigned	 flags;		/* DNS_RES_* */
	uint16_t	 rcode;		/* with the extended bits: 16 is BADVERS */
	uint16_t	 qtype;
	uint16_t	 qclass;
	int		 view;		/* index into snap->views, or -1 */
	const uint8_t	*qname;		/* the name as sent, inside the query */
	const uint8_t	*zone;		/* NXDOMAIN, NODATA: the zone's apex (wire) */
};

#endif
