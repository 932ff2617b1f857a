/* query.c -- bounded parser for incoming DNS queries. */
#include <string.h>

#include "query.h"

/*
 * Reads an uncompressed question name: its labels walked, then copied with
 * their case folded and hashed, both a word at a time.
 * -1 when malformed.
 */
static int
parse_qname(struct query *q, const uint8_t *pkt, size_t len, size_t *pos)
{
	size_t p = *pos, end = p;

	for (;;) {
		if (end >= len)
			return -1;
		uint8_t lab = pkt[end];
		if (lab == 0)
			break;
		if (lab > DNS_MAX_LABEL)	/* a pointer, or the reserved 01/10 forms */
			return -1;
		if (end + 1 + lab > len || end - p + 1 + lab + 1 > DNS_MAX_NAME)
			return -1;
		end += 1 + (size_t)lab;
	}
	size_t n = end + 1 - p;
	wire_fold_copy(q->lname, pkt + p, n);
	q->lname_len = n;
	q->lname_hash = wire_name_hash(q->lname, n);
	*pos = end + 1;
	return 0;
}

/*
 * Skips a possibly compressed owner name of a record after the question.
 * Only the name's own bytes are walked (a pointer ends it), so no loop can
 * form; the target of a pointer need not be valid for us to skip it.
 */
static int
skip_name(const uint8_t *pkt, size_t len, size_t *pos, bool *is_root)
{
	size_t p = *pos, total = 0;

	*is_root = (p < len && pkt[p] == 0);
	for (;;) {
		if (p >= len)
			return -1;
		uint8_t lab = pkt[p];
		if (lab == 0) {
			p++;
			break;
		}
		if ((lab & 0xc0) == 0xc0) {
			if (p + 2 > len)
				return -1;
			p += 2;
			break;
		}
		if (lab > DNS_MAX_LABEL)
			return -1;
		total += 1 + (size_t)lab;
		if (total + 1 > DNS_MAX_NAME || p + 1 + lab > len)
			return -1;
		p += 1 + (size_t)lab;
	}
	*pos = p;
	return 0;
}

/* Reads the OPT record's fields and options. -1 when malformed. */
static int
parse_opt(struct query *q, const uint8_t *rr, const uint8_t *rdata, size_t rdlen)
{
	uint32_t ttl = wire_get32(rr + 4);

	q->edns = true;
	q->edns_size = wire_get16(rr + 2);
	q->edns_version = (uint8_t)(ttl >> 16);
	q->edns_do = (ttl & 0x8000) != 0;
	for (size_t p = 0; p < rdlen; ) {
		if (p + 4 > rdlen)
			return -1;
		uint16_t code = wire_get16(rdata + p);
		uint16_t olen = wire_get16(rdata + p + 2);
		if (p + 4 + olen > rdlen)
			return -1;
		if (code == EDNS_OPT_NSID)
			q->edns_nsid = true;	/* others: ignored, never echoed */
		p += 4 + (size_t)olen;
	}
	return 0;
}

static enum query_verdict
parse(struct query *q, const uint8_t *pkt, size_t len)
{
	size_t pos = DNS_HEADER_SIZE;

	memset(q, 0, offsetof(struct query, lname));
	q->lname_len = 0;
	q->lname_hash = 0;
	q->qtype = q->qclass = 0;
	q->edns = q->edns_do = q->edns_nsid = false;
	q->edns_size = 0;
	q->edns_version = 0;
	q->has_soa = false;
	q->soa_serial = 0;

	if (len < DNS_HEADER_SIZE)
		return QUERY_DROP;
	q->id = wire_get16(pkt);
	q->flags1 = pkt[2];
	q->flags2 = pkt[3];
	if (q->flags1 & FLAG1_QR)
		return QUERY_DROP;
	if ((q->flags1 & FLAG1_OPCODE_MASK) != (OPCODE_QUERY << 3))
		return QUERY_NOTIMP;
	if (wire_get16(pkt + 4) != 1)
		return QUERY_FORMERR;

	if (parse_qname(q, pkt, len, &pos) < 0 || pos + 4 > len)
		return QUERY_FORMERR;
	q->qtype = wire_get16(pkt + pos);
	q->qclass = wire_get16(pkt + pos + 2);
	pos += 4;
	q->question = pkt + DNS_HEADER_SIZE;
	q->question_len = pos - DNS_HEADER_SIZE;

	/*
	 * Walk the other sections only to find the OPT record and to check
	 * the message is well formed. Each record takes at least 11 bytes,
	 * so the counts cannot make this loop longer than the packet allows.
	 */
	unsigned an = wire_get16(pkt + 6);
	unsigned ns = wire_get16(pkt + 8);
	unsigned ar = wire_get16(pkt + 10);
	bool seen_opt = false;
	for (unsigned i = 0; i < an + ns + ar; i++) {
		bool root;
		size_t start = pos;
		if (skip_name(pkt, len, &pos, &root) < 0 || pos + 10 > len)
			return QUERY_FORMERR;
		const uint8_t *rr = pkt + pos;
		size_t rdlen = wire_get16(rr + 8);
		if (pos + 10 + rdlen > len)
			return QUERY_FORMERR;
		/* IXFR: SERIAL is the first of the five numbers that end the rdata. */
		if (i >= an && i < an + ns && wire_get16(rr) == TYPE_SOA &&
		    rdlen >= 22 && !q->has_soa) {
			q->has_soa = true;
			q->soa_serial = wire_get32(rr + 10 + rdlen - 20);
		}
		if (wire_get16(rr) == TYPE_OPT) {
			/* One OPT, in the additional section, owned by the root. */
			if (i < an + ns || seen_opt || !root)
				return QUERY_FORMERR;
			seen_opt = true;
			if (parse_opt(q, rr, rr + 10, rdlen) < 0)
				return QUERY_FORMERR;
		} else if (wire_get16(rr) == TYPE_TSIG) {
			/* Only ever the last record (RFC 8945 5.1). */
			if (i + 1 != an + ns + ar || i < an + ns)
				return QUERY_FORMERR;
			q->tsig_at = (uint16_t)start;
			q->tsig_len = (uint16_t)(pos + 10 + rdlen - start);
		}
		pos += 10 + rdlen;
	}
	if (pos != len)			/* bytes after the last record */
		return QUERY_FORMERR;
	if (q->edns && q->edns_version > 0)
		return QUERY_BADVERS;
	return QUERY_OK;
}

enum query_verdict
query_parse(struct query *q, const uint8_t *pkt, size_t len)
{
	return q->verdict = parse(q, pkt, len);
}
