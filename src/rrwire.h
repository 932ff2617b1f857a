/* rrwire.h -- records written straight as uncompressed wire, no ldns. */
#ifndef OCSDNSD_RRWIRE_H
#define OCSDNSD_RRWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A growing buffer of records, each as ldns_rr2wire() writes it: owner,
 * TYPE, CLASS IN, TTL, RDLENGTH, RDATA, names uncompressed. The names
 * given are the configuration's, checked and folded, so the bytes are the
 * ones an ldns record of the same text would give. An error (out of
 * memory, a name that is no name) sticks: check failed once at the end.
 * Zero-initialised it is empty.
 */
struct rrwire {
	uint8_t		*p;
	size_t		 len, cap;
	size_t		 n;		/* records */
	bool		 failed;
};

/* Empties b, keeping its buffer for the next zone. */
void	rrwire_reset(struct rrwire *b);
void	rrwire_free(struct rrwire *b);

/*
 * Name in wire form: text (checked, lower case) or the labels of prefix
 * ("_sip._tls") then the wire name suffix. 0 when not a name.
 */
size_t	rrwire_name(const char *text, uint8_t out[255]);
size_t	rrwire_name_under(const char *prefix, const uint8_t *suffix,
	    size_t suffix_len, uint8_t out[255]);
/* The same with prefix already a wire name (its root label dropped). */
size_t	rrwire_name_join(const uint8_t *prefix, size_t prefix_len,
	    const uint8_t *suffix, size_t suffix_len, uint8_t out[255]);

/* An A (family AF_INET, 4 bytes) or AAAA (AF_INET6, 16) record. */
void	rrwire_addr(struct rrwire *b, const uint8_t *owner, size_t owner_len,
	    uint32_t ttl, int family, const void *addr);
/* A record whose data is one name: NS, CNAME, PTR. */
void	rrwire_name_rr(struct rrwire *b, const uint8_t *owner,
	    size_t owner_len, uint32_t ttl, uint16_t type, const char *target);
void	rrwire_srv(struct rrwire *b, const uint8_t *owner, size_t owner_len,
	    uint32_t ttl, uint16_t priority, uint16_t weight, uint16_t port,
	    const char *target);
/* The same with the target in wire form (tlen 0: not a name, failed). */
void	rrwire_srv_wire(struct rrwire *b, const uint8_t *owner,
	    size_t owner_len, uint32_t ttl, uint16_t priority, uint16_t weight,
	    uint16_t port, const uint8_t *target, size_t tlen);
/* times: REFRESH, RETRY, EXPIRE, MINIMUM. */
void	rrwire_soa(struct rrwire *b, const uint8_t *owner, size_t owner_len,
	    uint32_t ttl, const char *mname, const char *rname,
	    uint32_t serial, const uint32_t times[4]);
/* One record already in this form, copied (a cut list's, a glue's). */
void	rrwire_raw(struct rrwire *b, const uint8_t *rr, size_t len);

/* Whether two uncompressed wire names are equal, ignoring case. */
bool	rrwire_name_eq(const uint8_t *a, size_t alen, const uint8_t *b,
	    size_t blen);

#endif
