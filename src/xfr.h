/* xfr.h -- zone transfer (AXFR, and IXFR answered as AXFR) over TCP. */
#ifndef OCSDNSD_XFR_H
#define OCSDNSD_XFR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct query;
struct snapshot;
struct snapshot_view;

/* Called once per message of a transfer; nonzero stops it. */
typedef int xfr_emit_fn(void *arg, const uint8_t *msg, size_t len);

/*
 * Whether client may transfer from view: the view's allow_transfer when it
 * has one, else [server] allow_transfer. Nobody by default. key: 1 + the
 * index of the TSIG key that signed the request, 0 when unsigned; an
 * entry that names a key takes only requests signed with it.
 */
bool	xfr_allowed(const struct snapshot *snap, const struct snapshot_view *view,
	    const struct sockaddr *client, unsigned key);

/*
 * Streams the zone q names as RFC 5936 messages: SOA, every other record,
 * SOA, the first message echoing the question. Returns 0 when done, 1 when
 * q names no zone of the view (the caller answers NOTAUTH), -1 when emit
 * failed or memory ran out.
 */
int	xfr_stream(const struct snapshot_view *view, const struct query *q,
	    xfr_emit_fn *emit, void *arg);

#endif
