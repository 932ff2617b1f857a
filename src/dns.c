/* dns.c -- answer one DNS message from the snapshot: parse, look up, patch, send. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dns.h"
#include "query.h"
#include "snapshot.h"
#include "stats.h"
#include "tsig.h"
#include "view.h"
#include "xfr.h"

/* Bytes of our OPT record for this query (0 without EDNS). */
static size_t
opt_len(const struct snapshot *snap, const struct query *q)
{
	if (!q->edns)
		return 0;
	return 11 + (q->edns_nsid && snap->nsid ? 4 + (size_t)snap->nsid_len : 0);
}

/* Appends our OPT record at out + pos and counts it in ARCOUNT. */
static size_t
put_opt(const struct snapshot *snap, const struct query *q, uint8_t *out,
    size_t pos, unsigned ext_rcode)
{
	bool nsid = q->edns_nsid && snap->nsid != NULL;

	out[pos] = 0;					/* the root */
	wire_put16(out + pos + 1, TYPE_OPT);
	wire_put16(out + pos + 3, snap->edns_size);	/* CLASS: our UDP size */
	out[pos + 5] = (uint8_t)ext_rcode;		/* TTL: ext-rcode, version 0, DO */
	out[pos + 6] = 0;
	out[pos + 7] = q->edns_do ? 0x80 : 0;
	out[pos + 8] = 0;
	wire_put16(out + pos + 9, nsid ? (uint16_t)(4 + snap->nsid_len) : 0);
	pos += 11;
	if (nsid) {
		wire_put16(out + pos, EDNS_OPT_NSID);
		wire_put16(out + pos + 2, snap->nsid_len);
		memcpy(out + pos + 4, snap->nsid, snap->nsid_len);
		pos += 4 + (size_t)snap->nsid_len;
	}
	wire_put16(out + 10, (uint16_t)(wire_get16(out + 10) + 1));
	return pos;
}

/*
 * A reply with no records: the header, the question as sent when there is
 * one, RD and CD copied. The caller adds what else it needs. The rcode and
 * AA go to res as well: the caller learns them from here, not from out.
 */
static size_t
put_header(const struct query *q, uint8_t *out, uint8_t rcode, bool aa,
    struct dns_result *res)
{
	res->rcode = rcode & FLAG2_RCODE_MASK;
	if (aa)
		res->flags |= DNS_RES_AA;
	wire_put16(out, q->id);
	out[2] = FLAG1_QR | (aa ? FLAG1_AA : 0) | (q->flags1 & FLAG1_RD);
	out[3] = (uint8_t)((q->flags2 & FLAG2_CD) | (rcode & FLAG2_RCODE_MASK));
	wire_put16(out + 4, q->question_len ? 1 : 0);
	memset(out + 6, 0, 6);
	if (q->question_len > 0)	/* none when it could not be parsed */
		memcpy(out + DNS_HEADER_SIZE, q->question, q->question_len);
	return DNS_HEADER_SIZE + q->question_len;
}

static size_t
reply_error(const struct snapshot *snap, const struct query *q, uint8_t *out,
    uint8_t rcode, struct dns_result *res)
{
	size_t pos = put_header(q, out, rcode, false, res);

	return q->edns ? put_opt(snap, q, out, pos, 0) : pos;
}

/* The largest reply the client takes (RFC 1035 4.2.1, RFC 6891 6.2.5). */
static size_t
reply_limit(const struct snapshot *snap, const struct query *q,
    const struct dns_peer *peer)
{
	if (peer->transport == DNS_TCP)
		return DNS_MAX_MESSAGE;
	if (!q->edns)
		return DNS_UDP_MIN;
	size_t limit = q->edns_size < snap->edns_size ? q->edns_size :
	    snap->edns_size;
	return limit < DNS_UDP_MIN ? DNS_UDP_MIN : limit;
}

/* The question and no records, TC set: the client asks again over TCP. */
static size_t
reply_truncated(const struct snapshot *snap, const struct query *q, uint8_t *out,
    uint8_t rcode, struct dns_result *res)
{
	size_t pos = put_header(q, out, rcode, true, res);

	out[2] |= FLAG1_TC;
	res->flags |= DNS_RES_TC;
	return q->edns ? put_opt(snap, q, out, pos, 0) : pos;
}

/*
 * A prepared answer: its header, the client's question, then its sections.
 * A table answer's sections were compressed against a question of the
 * same length (the name matched); a LOOKUP_SPLICE answer's (a wildcard's,
 * a referral's) point at nothing but the query name. Too big: without the
 * additional section if that may go (not a referral's glue: RFC 9471),
 * else TC and no records. The question goes in exactly as asked:
 * resolvers check its 0x20 case.
 */
static size_t
reply_prepared(const struct snapshot *snap, const struct query *q,
    const struct answer_var *var, size_t limit, uint8_t *out,
    struct dns_result *res)
{
	size_t optlen = opt_len(snap, q), head = DNS_HEADER_SIZE + q->question_len;
	size_t tail = var->len - DNS_HEADER_SIZE;
	uint8_t rcode = var->wire[3] & FLAG2_RCODE_MASK;
	bool aa = (var->wire[2] & FLAG1_AA) != 0;

	if (head + tail + optlen > limit) {
		tail = var->len_noadd - DNS_HEADER_SIZE;
		if (head + tail + optlen > limit) {
			size_t pos = put_header(q, out, rcode, aa, res);
			out[2] |= FLAG1_TC;
			res->flags |= DNS_RES_TC;
			return q->edns ? put_opt(snap, q, out, pos, 0) : pos;
		}
		res->flags |= DNS_RES_NOADD;
	}
	res->rcode = rcode;
	if (aa)
		res->flags |= DNS_RES_AA;
	memcpy(out, var->wire, DNS_HEADER_SIZE);
	wire_put16(out, q->id);
	out[2] = (uint8_t)(var->wire[2] | (q->flags1 & FLAG1_RD));
	out[3] = (uint8_t)(rcode | (q->flags2 & FLAG2_CD));
	if (tail != (size_t)var->len - DNS_HEADER_SIZE)
		wire_put16(out + 10, 0);
	memcpy(out + DNS_HEADER_SIZE, q->question, q->question_len);
	memcpy(out + head, var->wire + DNS_HEADER_SIZE, tail);
	return q->edns ? put_opt(snap, q, out, head + tail, 0) : head + tail;
}

/*
 * NXDOMAIN or NODATA: the zone's SOA in the authority section. Its owner is
 * a pointer to where the apex starts inside the question name.
 */
static size_t
reply_negative(const struct snapshot *snap, const struct query *q,
    const struct answer_zone *z, uint8_t rcode, size_t limit, uint8_t *out,
    struct dns_result *res)
{
	size_t apex_at = DNS_HEADER_SIZE + q->lname_len - z->apex_len;
	size_t need = DNS_HEADER_SIZE + q->question_len + 2 + z->soa_tail_len +
	    opt_len(snap, q);

	if (need > limit)
		return reply_truncated(snap, q, out, rcode, res);
	size_t pos = put_header(q, out, rcode, true, res);
	wire_put16(out + 8, 1);
	wire_put16(out + pos, (uint16_t)(0xc000 | apex_at));
	memcpy(out + pos + 2, z->soa_tail, z->soa_tail_len);
	pos += 2 + (size_t)z->soa_tail_len;
	return q->edns ? put_opt(snap, q, out, pos, 0) : pos;
}

/* "stats.ocsdnsd" in lower-case wire form. */
static const uint8_t chaos_stats_name[] = "\005stats\007ocsdnsd";

/*
 * stats.ocsdnsd CH TXT: one record whose strings are the main counters,
 * built now (nothing prepared: the counters move), with TTL 0.
 */
static size_t
answer_chaos_stats(const struct snapshot *snap, const struct query *q,
    const struct stats *stats, size_t limit, uint8_t *out,
    struct dns_result *res)
{
	uint8_t rdata[1024];
	size_t rdlen = stats_chaos_txt(stats, rdata, sizeof(rdata));
	if (rdlen == 0)
		return reply_error(snap, q, out, RCODE_SERVFAIL, res);
	if (DNS_HEADER_SIZE + q->question_len + 12 + rdlen + opt_len(snap, q) >
	    limit)
		return reply_truncated(snap, q, out, RCODE_NOERROR, res);
	size_t pos = put_header(q, out, RCODE_NOERROR, true, res);
	wire_put16(out + 6, 1);
	wire_put16(out + pos, 0xc000 | DNS_HEADER_SIZE);	/* the qname */
	wire_put16(out + pos + 2, TYPE_TXT);
	wire_put16(out + pos + 4, CLASS_CH);
	wire_put32(out + pos + 6, 0);
	wire_put16(out + pos + 10, (uint16_t)rdlen);
	memcpy(out + pos + 12, rdata, rdlen);
	pos += 12 + rdlen;
	return q->edns ? put_opt(snap, q, out, pos, 0) : pos;
}

static size_t
answer_chaos(const struct snapshot *snap, const struct query *q,
    const struct stats *stats, size_t limit, uint8_t *out,
    struct dns_result *res)
{
	const struct config *cfg = snapshot_config(snap);

	if (q->qtype != TYPE_TXT && q->qtype != TYPE_ANY)
		return reply_error(snap, q, out, RCODE_REFUSED, res);
	for (size_t i = 0; i < snap->nchaos; i++) {
		const struct snapshot_chaos *c = &snap->chaos[i];
		if (c->name_len == q->lname_len &&
		    memcmp(c->name, q->lname, c->name_len) == 0)
			return reply_prepared(snap, q, &c->answer.var[0], limit,
			    out, res);
	}
	if (stats != NULL && (cfg->chaos_stats || cfg->metrics.sslen > 0) &&
	    q->lname_len == sizeof(chaos_stats_name) &&
	    memcmp(q->lname, chaos_stats_name, sizeof(chaos_stats_name)) == 0)
		return answer_chaos_stats(snap, q, stats, limit, out, res);
	return reply_error(snap, q, out, RCODE_REFUSED, res);
}

/*
 * AXFR and IXFR over TCP to allowed clients. Over UDP an IXFR gets its
 * answer when it fits one message, else the SOA alone, which tells the
 * client to come back over TCP (RFC 1995 section 2); an AXFR is refused.
 */
static size_t
answer_transfer(const struct snapshot *snap, struct snapshot_view *view,
    const struct query *q, const struct dns_peer *peer, size_t limit,
    uint8_t *out, struct dns_result *res)
{
	if (!xfr_allowed(snap, view, peer->remote, q->tsig_key))
		return reply_error(snap, q, out, RCODE_REFUSED, res);
	if (peer->transport == DNS_UDP || peer->emit == NULL) {
		if (q->qtype == TYPE_AXFR)
			return reply_error(snap, q, out, RCODE_REFUSED, res);
		size_t optlen = opt_len(snap, q);
		size_t len = limit > optlen ?
		    xfr_ixfr_udp(snap, view, q, out, limit - optlen) : 0;
		if (len > 0) {
			res->flags |= DNS_RES_AA;
			return q->edns ? put_opt(snap, q, out, len, 0) : len;
		}
		struct lookup lk;
		answer_lookup(view->table, q->lname, q->lname_len, q->lname_hash,
		    TYPE_SOA, &lk);
		if (lk.kind != LOOKUP_ANSWER || lk.zone == NULL ||
		    lk.zone->apex_len != q->lname_len)
			return reply_error(snap, q, out, RCODE_NOTAUTH, res);
		return reply_prepared(snap, q, lk.var, limit, out, res);
	}
	int rc = q->qtype == TYPE_IXFR ?
	    xfr_ixfr(snap, view, q, peer->emit, peer->emit_arg) :
	    xfr_stream(snap, view, q, peer->emit, peer->emit_arg);
	if (rc == 1)
		return reply_error(snap, q, out, RCODE_NOTAUTH, res);
	res->flags |= DNS_RES_XFR | DNS_RES_AA;
	return 0;	/* sent, or the connection is failing: nothing more */
}

static void
note_question(const struct query *q, struct dns_result *res)
{
	if (q->question_len > 0) {
		res->flags |= DNS_RES_QUESTION;
		res->qname = q->question;
		res->qtype = q->qtype;
		res->qclass = q->qclass;
	}
}

/* in_view: the view to answer from, or -1 to select it by the peer. */
static size_t
dns_reply(const struct snapshot *snap, const struct dns_peer *peer,
    const struct stats *stats, const struct query *q, int in_view,
    uint8_t *out, struct dns_result *res)
{
	note_question(q, res);
	switch (q->verdict) {
	case QUERY_DROP:
		return 0;
	case QUERY_NOTIMP:
		/* Only ID and opcode are known to mean anything: echo just them. */
		wire_put16(out, q->id);
		out[2] = FLAG1_QR | (q->flags1 & FLAG1_OPCODE_MASK);
		out[3] = RCODE_NOTIMP;
		memset(out + 4, 0, 8);
		res->rcode = RCODE_NOTIMP;
		return DNS_HEADER_SIZE;
	case QUERY_FORMERR:
		/* No OPT: a broken one gets none back. */
		return put_header(q, out, RCODE_FORMERR, false, res);
	case QUERY_BADVERS: {
		size_t pos = put_header(q, out, 0, false, res);
		res->rcode = RCODE_BADVERS;
		return put_opt(snap, q, out, pos, RCODE_BADVERS >> 4);
	}
	case QUERY_OK:
		break;
	}

	size_t limit = reply_limit(snap, q, peer);
	if (q->tsig_room != 0)		/* signed: room for the TSIG record */
		limit = limit > q->tsig_room + 2u * DNS_HEADER_SIZE ?
		    limit - q->tsig_room : 2u * DNS_HEADER_SIZE;
	if (q->qclass == CLASS_CH)
		return answer_chaos(snap, q, stats, limit, out, res);
	if (q->qclass != CLASS_IN)
		return reply_error(snap, q, out, RCODE_REFUSED, res);
	switch (q->qtype) {
	case TYPE_OPT:
	case TYPE_TSIG:
	case TYPE_TKEY:
		return reply_error(snap, q, out, RCODE_FORMERR, res);
	case TYPE_MAILA:
	case TYPE_MAILB:
		return reply_error(snap, q, out, RCODE_NOTIMP, res);
	}
	int vi = in_view >= 0 ? in_view :
	    view_select(snap->cfg, peer->remote, peer->local);
	if (vi < 0)
		return reply_error(snap, q, out, RCODE_REFUSED, res);
	struct snapshot_view *view = &snap->views[vi];
	res->view = vi;
	if (q->qtype == TYPE_AXFR || q->qtype == TYPE_IXFR)
		return answer_transfer(snap, view, q, peer, limit, out, res);

	struct lookup lk;
	answer_lookup(view->table, q->lname, q->lname_len, q->lname_hash,
	    q->qtype, &lk);
	switch (lk.kind) {
	case LOOKUP_ANSWER:
	case LOOKUP_SPLICE:	/* the same form: the reply puts the question in */
		return reply_prepared(snap, q, lk.var, limit, out, res);
	case LOOKUP_NODATA:
		res->flags |= DNS_RES_NODATA;
		res->zone = lk.zone->apex;
		return reply_negative(snap, q, lk.zone, RCODE_NOERROR, limit, out,
		    res);
	case LOOKUP_NXDOMAIN:
		res->zone = lk.zone->apex;
		return reply_negative(snap, q, lk.zone, RCODE_NXDOMAIN, limit,
		    out, res);
	case LOOKUP_REFUSED:
		break;
	}
	return reply_error(snap, q, out, RCODE_REFUSED, res);
}

/* --- signed requests (TSIG) --------------------------------------------- */

/* A zone transfer's messages, each signed on its way to the real emit. */
struct signed_emit {
	struct tsig_ctx	*tc;
	int		(*emit)(void *arg, const uint8_t *msg, size_t len);
	void		*arg;
	uint8_t		*buf;		/* DNS_MAX_MESSAGE, on first use */
};

static int
emit_signed(void *arg, const uint8_t *msg, size_t len)
{
	struct signed_emit *se = arg;

	if (se->buf == NULL && (se->buf = malloc(DNS_MAX_MESSAGE)) == NULL)
		return -1;
	memcpy(se->buf, msg, len);
	size_t n = tsig_sign(se->tc, se->buf, len, DNS_MAX_MESSAGE,
	    (uint64_t)time(NULL));
	return n == 0 ? -1 : se->emit(se->arg, se->buf, n);
}

/*
 * A request whose last record is a TSIG: verified first; an error goes
 * back as NOTAUTH with the TSIG error (RFC 8945 5.3.2), else the answer
 * comes from the view the key (or the address) selects, and is signed,
 * every message of a transfer too.
 */
static size_t
answer_signed(const struct snapshot *snap, const struct dns_peer *peer,
    const struct stats *stats, const struct query *q, uint8_t *out,
    struct dns_result *res)
{
	const uint8_t *msg = q->question - DNS_HEADER_SIZE;
	uint64_t now = (uint64_t)time(NULL);
	struct tsig_ctx tc;

	note_question(q, res);
	if (tsig_verify(&tc, snap->cfg, msg, (size_t)q->tsig_at + q->tsig_len,
	    q->tsig_at, now) < 0)
		return put_header(q, out, RCODE_FORMERR, false, res);
	if (tc.error != TSIG_NOERROR) {
		size_t pos = put_header(q, out, RCODE_NOTAUTH, false, res);
		if (q->edns)
			pos = put_opt(snap, q, out, pos, 0);
		size_t n = tsig_sign(&tc, out, pos, DNS_MAX_MESSAGE, now);
		return n != 0 ? n : pos;
	}
	struct query sq = *q;
	sq.tsig_key = tc.key_index;
	sq.tsig_room = (uint16_t)tsig_space(&tc);
	struct dns_peer sp = *peer;
	struct signed_emit se = { &tc, peer->emit, peer->emit_arg, NULL };
	if (peer->emit != NULL) {
		sp.emit = emit_signed;
		sp.emit_arg = &se;
	}
	int vi = view_select_key(snap->cfg, tc.key->name, peer->remote,
	    peer->local);
	size_t len = dns_reply(snap, &sp, stats, &sq, vi, out, res);
	free(se.buf);
	if (len == 0)
		return 0;	/* a transfer, gone out signed; or nothing */
	size_t n = tsig_sign(&tc, out, len, DNS_MAX_MESSAGE, now);
	return n != 0 ? n : len;
}

size_t
dns_answer_query(const struct snapshot *snap, const struct dns_peer *peer,
    const struct stats *stats, const struct query *q, uint8_t *out,
    struct dns_result *res)
{
	memset(res, 0, sizeof(*res));
	res->view = -1;
	/* Unsigned messages never reach the TSIG code: one test of a field. */
	size_t len = q->tsig_at != 0 && q->verdict != QUERY_FORMERR ?
	    answer_signed(snap, peer, stats, q, out, res) :
	    dns_reply(snap, peer, stats, q, -1, out, res);
	if (len == 0 && !(res->flags & DNS_RES_XFR))
		res->flags |= DNS_RES_DROPPED;
	return len;
}

size_t
dns_answer_in_view(const struct snapshot *snap, size_t view,
    const struct dns_peer *peer, const uint8_t *query, size_t qlen,
    uint8_t *out, struct dns_result *res)
{
	struct query q;

	memset(res, 0, sizeof(*res));
	res->view = -1;
	if (view >= snap->nviews)
		return 0;
	query_parse(&q, query, qlen);
	return dns_reply(snap, peer, NULL, &q, (int)view, out, res);
}

size_t
dns_answer(const struct snapshot *snap, const struct dns_peer *peer,
    const struct stats *stats, const uint8_t *query, size_t qlen,
    uint8_t *out, struct dns_result *res)
{
	struct query q;

	query_parse(&q, query, qlen);
	return dns_answer_query(snap, peer, stats, &q, out, res);
}

size_t
dns_handle(const struct snapshot *snap, const struct dns_peer *peer,
    const uint8_t *query, size_t qlen, uint8_t *out)
{
	struct dns_result res;

	return dns_answer(snap, peer, NULL, query, qlen, out, &res);
}

void
dns_prefetch(const struct snapshot *snap, const struct query *q, int stage)
{
	if (q->lname_len == 0)		/* no name read: nothing to fetch */
		return;
	for (size_t v = 0; v < snap->nviews; v++) {
		if (stage == 0)
			answer_prefetch_slot(snap->views[v].table, q->lname_hash);
		else
			answer_prefetch_node(snap->views[v].table, q->lname_hash);
	}
}
