/* fuzz_tcp.c -- libFuzzer target: any bytes as a TCP stream, split into frames as the server does, through dns_handle(). */
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
#include "tcpframe.h"
#include "wire.h"
#include "fuzz_snapshot.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snapshot *snap;
static struct sockaddr_in remotes[2];
static uint8_t out[DNS_MAX_MESSAGE];

static void
die(const char *what)
{
	fuzz_die("fuzz_tcp", what);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snap = fuzz_snapshot("fuzz_tcp", remotes);
	return 0;
}

/* A message of a zone transfer, as tcp_emit() would frame it. */
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

static void
check_reply(const uint8_t *q, size_t qlen, size_t rlen)
{
	ldns_pkt *pkt = NULL;

	if (rlen == 0)
		return;
	if (rlen > DNS_MAX_MESSAGE)
		die("reply longer than 65535");
	if (qlen < DNS_HEADER_SIZE || rlen < DNS_HEADER_SIZE)
		die("a reply shorter than a header, or to less than one");
	if (wire_get16(out) != wire_get16(q))
		die("reply ID differs from the query's");
	if (!(out[2] & FLAG1_QR))
		die("reply without QR");
	if (out[2] & FLAG1_TC)
		die("TC over TCP");
	if (ldns_wire2pkt(&pkt, out, rlen) != LDNS_STATUS_OK) {
		fprintf(stderr, "reply of %zu bytes does not parse\n", rlen);
		die("ldns_wire2pkt failed on the reply");
	}
	ldns_pkt_free(pkt);
}

/*
 * The stream as tcp_process() reads it: whole frames in turn, until a
 * zero-length frame (close) or an incomplete one (the server would wait;
 * here the input ends). Frames alternate between the two clients.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_peer peer;
	size_t off = 0, len, n = 0;

	memset(&peer, 0, sizeof(peer));
	peer.transport = DNS_TCP;
	peer.emit = emit;
	while (tcpframe_next(data + off, size - off, &len) == TCPFRAME_FRAME) {
		uint8_t *q;
		size_t rlen;

		if (len < 1 || len > DNS_MAX_MESSAGE || off + TCPFRAME_HDR + len > size)
			die("tcpframe_next: a frame outside the input");
		/* An exact-size copy, so that ASan sees any read past the end. */
		if ((q = malloc(len)) == NULL)
			return 0;
		memcpy(q, data + off + TCPFRAME_HDR, len);
		off += TCPFRAME_HDR + len;
		peer.remote = (const struct sockaddr *)&remotes[n++ & 1];
		peer.emit_arg = q;
		rlen = dns_handle(snap, &peer, q, len, out);
		check_reply(q, len, rlen);
		free(q);
	}
	return 0;
}
