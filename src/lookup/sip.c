/* sip.c -- ocsdns-lookup --sip-options: one OPTIONS, the answer's status. */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lookup.h"

static long
plain_io(int fd, void *buf, size_t len, double deadline, int writing)
{
	for (;;) {
		if (probe_wait(fd, writing ? POLLOUT : POLLIN, deadline) != 1)
			return -1;
		ssize_t n = writing ? send(fd, buf, len, MSG_NOSIGNAL) :
		    recv(fd, buf, len, 0);
		if (n > 0)
			return (long)n;
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			return -1;
	}
}

static void
sip_fail(struct probe *p, const char *text)
{
	p->ok = 0;
	p->step = "sip";
	snprintf(p->failure, sizeof(p->failure), "SIP OPTIONS to %s:%u (%s): %s",
	    p->c->t->name, (unsigned)p->c->port, p->addr, text);
}

/*
 * An OPTIONS for the domain, as a client would probe a registrar
 * (RFC 3261 section 11); any status line is proof of a SIP server.
 */
void
sip_options(struct probe *p, int fd, struct probe_tls *t,
    const struct lookup_opts *o, const char *domain)
{
	char req[1024], buf[1024];
	unsigned tag = (unsigned)getpid();
	int len = snprintf(req, sizeof(req),
	    "OPTIONS sip:%s SIP/2.0\r\n"
	    "Via: SIP/2.0/%s ocsdns-lookup.invalid;branch=z9hG4bK%08x\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:ocsdns-lookup@%s>;tag=%08x\r\n"
	    "To: <sip:%s>\r\n"
	    "Call-ID: %08x@ocsdns-lookup.invalid\r\n"
	    "CSeq: 1 OPTIONS\r\n"
	    "User-Agent: ocsdns-lookup\r\n"
	    "Accept: application/sdp\r\n"
	    "Content-Length: 0\r\n\r\n",
	    domain, t != NULL ? "TLS" : "TCP", tag, domain, tag, domain, tag);
	double deadline = probe_now_ms() + (double)o->timeout.tv_sec * 1e3 +
	    (double)o->timeout.tv_usec / 1e3;

	for (int off = 0; off < len; ) {
		long n = t != NULL ? tls_write(t, req + off, (size_t)(len - off),
		    deadline) : plain_io(fd, req + off, (size_t)(len - off),
		    deadline, 1);
		if (n <= 0) {
			sip_fail(p, "cannot send the request");
			return;
		}
		off += (int)n;
	}
	size_t got = 0;
	char *eol = NULL;
	while (got < sizeof(buf) - 1 && eol == NULL) {
		long n = t != NULL ? tls_read(t, buf + got,
		    sizeof(buf) - 1 - got, deadline) : plain_io(fd, buf + got,
		    sizeof(buf) - 1 - got, deadline, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		eol = strpbrk(buf, "\r\n");
	}
	if (got == 0) {
		sip_fail(p, probe_left(deadline) == 0 ? "no answer within the "
		    "timeout" : "the server closed the connection");
		return;
	}
	if (eol != NULL)
		*eol = '\0';
	buf[got] = '\0';
	for (char *c = buf; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	snprintf(p->sip_status, sizeof(p->sip_status), "%.200s", buf);
	if (strncmp(buf, "SIP/2.0 ", 8) != 0) {
		char text[PROBE_TEXT];

		snprintf(text, sizeof(text), "the answer is not SIP: \"%.80s\"",
		    buf);
		sip_fail(p, text);
		return;
	}
	p->sip = 1;
}
