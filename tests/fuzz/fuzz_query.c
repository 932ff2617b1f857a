/* fuzz_query.c -- libFuzzer target: any bytes through dns_handle(), UDP and TCP, two views. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "snapshot.h"
#include "wire.h"
#include "fuzz_snapshot.h"

/* Our own UDP payload size in the example configuration (the default). */
#define FUZZ_EDNS_MAX	1232

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snapshot *snap;
static struct sockaddr_in remotes[2];
static uint8_t out[DNS_MAX_MESSAGE];

static void
die(const char *what)
{
	fuzz_die("fuzz_query", what);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snap = fuzz_snapshot("fuzz_query", remotes);
	return 0;
}

/*
 * The UDP limit the reply must respect: 512 without EDNS, else the client's
 * size capped at ours but never below 512. Found without the server's parser:
 * only a message whose last record is a well-formed OPT counts, and a looser
 * reading can only make the limit larger (never a false alarm).
 */
static size_t
udp_limit(const uint8_t *q, size_t len)
{
	size_t best = DNS_UDP_MIN;

	/* Any "00 00 29 SIZE" (root owner, TYPE OPT) in the message may be it. */
	for (size_t p = DNS_HEADER_SIZE; p + 5 <= len; p++) {
		if (q[p] == 0 && q[p + 1] == 0 && q[p + 2] == TYPE_OPT) {
			size_t sz = wire_get16(q + p + 3);
			if (sz > FUZZ_EDNS_MAX)
				sz = FUZZ_EDNS_MAX;
			if (sz > best)
				best = sz;
		}
	}
	return best;
}

static void
check_reply(const uint8_t *q, size_t qlen, size_t rlen, enum dns_transport t)
{
	ldns_pkt *pkt = NULL;

	if (rlen == 0)
		return;
	if (qlen < DNS_HEADER_SIZE)
		die("a reply to less than a header");
	if (rlen > DNS_MAX_MESSAGE)
		die("reply longer than 65535");
	if (t == DNS_UDP && rlen > udp_limit(q, qlen)) {
		fprintf(stderr, "UDP reply of %zu bytes, limit %zu\n", rlen,
		    udp_limit(q, qlen));
		die("UDP reply over the client's limit");
	}
	if (rlen < DNS_HEADER_SIZE)
		die("reply shorter than a header");
	if (wire_get16(out) != wire_get16(q))
		die("reply ID differs from the query's");
	if (!(out[2] & FLAG1_QR))
		die("reply without QR");
	if (out[3] & FLAG2_RA)
		die("RA set");
	if (t == DNS_TCP && (out[2] & FLAG1_TC))
		die("TC over TCP");
	if (ldns_wire2pkt(&pkt, out, rlen) != LDNS_STATUS_OK) {
		fprintf(stderr, "reply of %zu bytes does not parse\n", rlen);
		die("ldns_wire2pkt failed on the reply");
	}
	if (ldns_pkt_id(pkt) != wire_get16(q))
		die("parsed reply ID differs");
	ldns_pkt_free(pkt);
}

/* A zone transfer's messages over TCP: each must be a valid reply. */
static int
emit(void *arg, const uint8_t *msg, size_t len)
{
	const uint8_t *q = arg;
	ldns_pkt *pkt = NULL;

	if (len < DNS_HEADER_SIZE || len > DNS_MAX_MESSAGE)
		die("transfer message of a bad length");
	if (wire_get16(msg) != wire_get16(q))
		die("transfer message ID differs from the query's");
	if (ldns_wire2pkt(&pkt, msg, len) != LDNS_STATUS_OK)
		die("ldns_wire2pkt failed on a transfer message");
	ldns_pkt_free(pkt);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dns_transport ts[2] = { DNS_UDP, DNS_TCP };
	struct dns_peer peer;
	uint8_t *q;

	memset(&peer, 0, sizeof(peer));

	if (size > DNS_MAX_MESSAGE)
		return 0;
	/* An exact-size copy, so that ASan sees any read past the end. */
	if ((q = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(q, data, size);
	/* The UDP batch's way: parsed once, prefetched, answered from that. */
	struct query pq;
	struct dns_result res;
	query_parse(&pq, q, size);
	dns_prefetch(snap, &pq, 0);
	dns_prefetch(snap, &pq, 1);
	for (int r = 0; r < 2; r++) {
		for (int t = 0; t < 2; t++) {
			size_t rlen;

			peer.remote = (const struct sockaddr *)&remotes[r];
			peer.local = NULL;
			peer.transport = ts[t];
			peer.emit = ts[t] == DNS_TCP ? emit : NULL;
			peer.emit_arg = q;
			if (ts[t] == DNS_UDP)
				rlen = dns_answer_query(snap, &peer, NULL, &pq,
				    out, &res);
			else
				rlen = dns_handle(snap, &peer, q, size, out);
			check_reply(q, size, rlen, ts[t]);
		}
	}
	free(q);
	return 0;
}
