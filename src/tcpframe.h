/* tcpframe.h -- DNS over TCP framing (RFC 1035 4.2.2): where the next message is. */
#ifndef OCSDNSD_TCPFRAME_H
#define OCSDNSD_TCPFRAME_H

#include <stddef.h>
#include <stdint.h>

/* The length prefix of every message over TCP. */
#define TCPFRAME_HDR	2

enum tcpframe_verdict {
	TCPFRAME_NEED_MORE,	/* the next frame is not complete yet */
	TCPFRAME_FRAME,		/* a whole message of *msglen bytes follows the prefix */
	TCPFRAME_CLOSE,		/* a zero-length frame: the connection ends */
};

/*
 * What the avail bytes at buf (the start of the next frame) hold. Reads at
 * most the first TCPFRAME_HDR bytes, so buf may be only the prefix of a
 * longer input. *msglen: for TCPFRAME_FRAME, the message length (1..65535);
 * for TCPFRAME_NEED_MORE, the length of the incomplete message, or 0 when
 * not even the prefix is in (then TCPFRAME_HDR bytes are needed); for
 * TCPFRAME_CLOSE, 0.
 */
enum tcpframe_verdict	tcpframe_next(const uint8_t *buf, size_t avail,
			    size_t *msglen);

#endif
