/* tcpframe.c -- DNS over TCP framing: the 2-byte length prefix, pure and testable. */
#include "tcpframe.h"

enum tcpframe_verdict
tcpframe_next(const uint8_t *buf, size_t avail, size_t *msglen)
{
	*msglen = 0;
	if (avail < TCPFRAME_HDR)
		return TCPFRAME_NEED_MORE;
	size_t len = (size_t)buf[0] << 8 | buf[1];
	if (len == 0)
		return TCPFRAME_CLOSE;
	*msglen = len;
	if (avail - TCPFRAME_HDR < len)
		return TCPFRAME_NEED_MORE;
	return TCPFRAME_FRAME;
}
