/* fuzz_zone.c -- libFuzzer target: any bytes as a zone file through config_load() and snapshot_build(). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "config.h"
#include "dns.h"
#include "snapshot.h"
#include "wire.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * One SIP domain (its zone file joins the synthesized records) with a pool
 * host; example.net is no SIP domain, so its file makes a zone of its own.
 * Transfers from 127.0.0.1, so that every loaded zone is also sent.
 */
static const char ini[] =
    "[server]\n"
    "zones = z\n"
    "allow_transfer = 127.0.0.1\n"
    "\n"
    "[domain contoso.com]\n"
    "pool = pool01.contoso.com\n"
    "\n"
    "[host pool01.contoso.com]\n"
    "address = 10.0.0.10\n";

static char dir[64], conf[96], zdir[96], zsip[128], znet[128];
static FILE *devnull;
static struct sockaddr_in local_client;
static uint8_t out[DNS_MAX_MESSAGE];

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_zone: %s\n", what);
	abort();
}

static void
cleanup(void)
{
	unlink(zsip);
	unlink(znet);
	rmdir(zdir);
	unlink(conf);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;

	(void)argc;
	(void)argv;
	if (tmp == NULL || strlen(tmp) > sizeof(dir) - 32)
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/fuzz_zone.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		die("mkdtemp failed");
	snprintf(conf, sizeof(conf), "%s/ocsdnsd.ini", dir);
	snprintf(zdir, sizeof(zdir), "%s/z", dir);
	snprintf(zsip, sizeof(zsip), "%s/contoso.com.zone", zdir);
	snprintf(znet, sizeof(znet), "%s/example.net.zone", zdir);
	atexit(cleanup);
	if (mkdir(zdir, 0700) < 0)
		die("cannot make the zones directory");
	if ((f = fopen(conf, "w")) == NULL ||
	    fwrite(ini, 1, sizeof(ini) - 1, f) != sizeof(ini) - 1 ||
	    fclose(f) != 0)
		die("cannot write the configuration");
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		die("cannot open /dev/null");
	local_client.sin_family = AF_INET;
	local_client.sin_port = htons(53000);
	local_client.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return 0;
}

static void
write_zone(const char *path, const uint8_t *data, size_t size)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		die("cannot write a zone file");
	if (size > 0 && fwrite(data, 1, size, f) != size)
		die("short write");
	if (fclose(f) != 0)
		die("cannot close a zone file");
}

/* Each message of a transfer: a whole, parseable message. */
static int
emit(void *arg, const uint8_t *msg, size_t len)
{
	ldns_pkt *pkt = NULL;

	(void)arg;
	if (len < DNS_HEADER_SIZE || len > DNS_MAX_MESSAGE)
		die("transfer message of a bad length");
	if (ldns_wire2pkt(&pkt, msg, len) != LDNS_STATUS_OK)
		die("ldns_wire2pkt failed on a transfer message");
	ldns_pkt_free(pkt);
	return 0;
}

/* Asks for zone (wire form) over TCP from 127.0.0.1 and checks the reply. */
static void
ask(const struct snapshot *snap, const uint8_t *zone, size_t zlen,
    uint16_t qtype)
{
	uint8_t q[DNS_HEADER_SIZE + 64];
	struct dns_peer peer;
	ldns_pkt *pkt = NULL;
	size_t qlen, rlen;

	memset(q, 0, DNS_HEADER_SIZE);
	q[0] = 0x4f;
	q[1] = 0x5a;
	q[5] = 1;				/* QDCOUNT */
	memcpy(q + DNS_HEADER_SIZE, zone, zlen);
	qlen = DNS_HEADER_SIZE + zlen;
	wire_put16(q + qlen, qtype);
	wire_put16(q + qlen + 2, CLASS_IN);
	qlen += 4;

	memset(&peer, 0, sizeof(peer));
	peer.remote = (const struct sockaddr *)&local_client;
	peer.transport = DNS_TCP;
	peer.emit = emit;
	rlen = dns_handle(snap, &peer, q, qlen, out);
	if (rlen == 0)
		return;
	if (rlen < DNS_HEADER_SIZE || rlen > DNS_MAX_MESSAGE)
		die("reply of a bad length");
	if (ldns_wire2pkt(&pkt, out, rlen) != LDNS_STATUS_OK)
		die("ldns_wire2pkt failed on the reply");
	ldns_pkt_free(pkt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t contoso[] = "\7contoso\3com";
	static const uint8_t example[] = "\7example\3net";
	struct config *cfg;
	struct snapshot *snap;
	unsigned which = size > 0 ? data[0] % 4 : 0;

	/* 0, 3: contoso.com only; 1: example.net only; 2: both. */
	unlink(zsip);
	unlink(znet);
	if (which != 1)
		write_zone(zsip, data, size);
	if (which == 1 || which == 2)
		write_zone(znet, data, size);

	if ((cfg = config_load(conf, devnull, NULL)) == NULL)
		die("the fixed configuration does not load");
	if ((snap = snapshot_build(cfg, NULL, devnull)) == NULL)
		return 0;
	/* A zone that loaded must also be served whole. */
	ask(snap, contoso, sizeof(contoso), TYPE_AXFR);
	ask(snap, contoso, sizeof(contoso), TYPE_ANY);
	ask(snap, example, sizeof(example), TYPE_AXFR);
	/*
	 * And below the apex: names the dictionary makes into cuts
	 * (corp, dc1.corp) and wildcards, and names that only a wildcard or a
	 * referral can answer, for the types those answers differ by.
	 */
	static const uint8_t below[][40] = {
		"\004corp\007contoso\003com",
		"\003dc1\004corp\007contoso\003com",
		"\001x\004corp\007contoso\003com",
		"\006pool01\007contoso\003com",
		"\005nosuch\007contoso\003com",
		"\001a\001b\007contoso\003com",
		"\003sub\001x\007contoso\003com",
		"\003www\007example\003net",
	};
	static const uint16_t types[] = { 1, 28, 5, 2, 43, 15, 33, 16 };
	for (size_t i = 0; i < sizeof(below) / sizeof(below[0]); i++)
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
			ask(snap, below[i], strlen((const char *)below[i]) + 1,
			    types[t]);
	snapshot_free(snap);
	return 0;
}
