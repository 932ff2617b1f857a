/* xfr.h -- zone transfer (AXFR) over TCP, and the messages IXFR shares. */
#ifndef OCSDNSD_XFR_H
#define OCSDNSD_XFR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct query;
struct snapshot;
struct snapshot_view;
struct synth_zone;
struct xfr_msg;

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
int	xfr_stream(const struct snapshot *snap,
	    const struct snapshot_view *view, const struct query *q,
	    xfr_emit_fn *emit, void *arg);

/*
 * IXFR (RFC 1995): the deltas from the serial of the SOA the client sent
 * (its authority section) to ours, the SOA alone when it is current, an
 * AXFR when our history does not reach back to it or it sent no SOA.
 * Returns as xfr_stream() does.
 */
int	xfr_ixfr(const struct snapshot *snap, const struct snapshot_view *view,
	    const struct query *q, xfr_emit_fn *emit, void *arg);
/*
 * IXFR over UDP: the answer's length when it fits one message of limit
 * bytes, 0 when it does not or needs an AXFR (the caller sends the SOA).
 */
size_t	xfr_ixfr_udp(const struct snapshot *snap,
	    const struct snapshot_view *view, const struct query *q,
	    uint8_t *out, size_t limit);

/*
 * The zone of view (one of snap's views) whose apex q names, or NULL:
 * a binary search of snap's sorted zone names.
 */
const struct synth_zone *xfr_find_zone(const struct snapshot *snap,
	    const struct snapshot_view *view, const struct query *q);

/*
 * A transfer's message stream (AXFR and IXFR alike): records are appended
 * in uncompressed wire form, a message is sent once it passes 16 KiB, the
 * first echoes the question. xfr_msg_end(m, rc) sends the last one when rc
 * is 0, frees m and returns rc, or -1 when emit failed.
 */
struct xfr_msg *xfr_msg_new(const struct query *q, xfr_emit_fn *emit,
	    void *arg);
int	xfr_msg_add(struct xfr_msg *m, const uint8_t *rr, size_t len);
int	xfr_msg_end(struct xfr_msg *m, int rc);

#endif
