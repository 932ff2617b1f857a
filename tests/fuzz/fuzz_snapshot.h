/* fuzz_snapshot.h -- the set-up fuzz_query and fuzz_tcp share: the example's snapshot, two clients. */
#ifndef OCSDNSD_FUZZ_SNAPSHOT_H
#define OCSDNSD_FUZZ_SNAPSHOT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "snapshot.h"
#include "testconf.h"

#ifndef FUZZ_CONF
#define FUZZ_CONF	"conf/ocsdnsd.ini"
#endif

static void
fuzz_die(const char *who, const char *what)
{
	fprintf(stderr, "%s: %s\n", who, what);
	abort();
}

/*
 * The snapshot of OCSDNSD_FUZZ_CONF (default: the example configuration),
 * and the clients 127.0.0.1 (the internal view, which may transfer) and
 * 127.0.0.2 (the external view) in remotes[0] and remotes[1].
 */
static struct snapshot *
fuzz_snapshot(const char *who, struct sockaddr_in remotes[2])
{
	const char *path = getenv("OCSDNSD_FUZZ_CONF");

	if (path == NULL)
		path = FUZZ_CONF;
	struct snapshot *snap = testconf_snapshot_file(path, stderr);
	if (snap == NULL)
		fuzz_die(who, "cannot load the configuration or build its "
		    "snapshot (set OCSDNSD_FUZZ_CONF)");
	for (int i = 0; i < 2; i++) {
		remotes[i].sin_family = AF_INET;
		remotes[i].sin_port = htons(53000);
		remotes[i].sin_addr.s_addr = htonl(0x7f000001 + (uint32_t)i);
	}
	return snap;
}

#endif
