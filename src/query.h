/* query.h -- parse a DNS query into struct query, with no allocation. */
#ifndef OCSDNSD_QUERY_H
#define OCSDNSD_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

enum query_verdict {
	QUERY_OK,		/* answer it */
	QUERY_DROP,		/* a response, or shorter than a header: no reply */
	QUERY_NOTIMP,		/* opcode other than QUERY */
	QUERY_FORMERR,		/* malformed; qname is set when the question parsed */
	QUERY_BADVERS,		/* EDNS version above 0 */
};

struct query {
	enum query_verdict verdict;	/* what query_parse() returned */
	uint16_t	 id;
	uint8_t		 flags1;	/* header byte 2, as sent */
	uint8_t		 flags2;	/* header byte 3, as sent */
	const uint8_t	*question;	/* the question as sent (name, type, class) */
	/*
	 * Where the TSIG record that ends the message starts, and its length;
	 * 0 for an unsigned message. dns.c verifies it: query_parse() only
	 * notes that the last record is one (and FORMERR for one not last).
	 */
	uint16_t	 tsig_at;
	uint16_t	 tsig_len;
	unsigned	 tsig_key;	/* verified: 1 + index in cfg->keys */
	uint16_t	 tsig_room;	/* bytes the signature will need */
	size_t		 question_len;	/* 0 when it could not be parsed */
	uint8_t		 lname[DNS_MAX_NAME]; /* qname folded to lower case */
	size_t		 lname_len;	/* 0 when the name could not be read */
	uint32_t	 lname_hash;	/* wire_name_hash(lname), taken while folding */
	uint16_t	 qtype;
	uint16_t	 qclass;
	bool		 edns;		/* an OPT record was present (and well formed) */
	uint16_t	 edns_size;	/* the client's UDP payload size */
	uint8_t		 edns_version;
	bool		 edns_do;
	bool		 edns_nsid;	/* the client asked for NSID */
	bool		 has_soa;	/* a SOA in the authority section (IXFR) */
	uint32_t	 soa_serial;	/* its serial: the version the client has */
};

/*
 * Parses pkt[0..len). Fills q as far as it got; see enum query_verdict,
 * which q->verdict keeps too. The name is folded and hashed here once: the
 * prefetch and the lookup take q->lname_hash. q->question points into pkt.
 */
enum query_verdict query_parse(struct query *q, const uint8_t *pkt, size_t len);

#endif
