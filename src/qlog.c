/* qlog.c -- the query log: one line per logged query, through the logger. */

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "qlog.h"
#include "stats.h"
#include "wire.h"

static const struct {
	unsigned type;
	const char *name;
} qlog_types[] = {
	{ TYPE_A, "A" }, { TYPE_NS, "NS" }, { TYPE_CNAME, "CNAME" },
	{ TYPE_SOA, "SOA" }, { 12, "PTR" }, { TYPE_MX, "MX" },
	{ TYPE_TXT, "TXT" }, { TYPE_AAAA, "AAAA" }, { TYPE_SRV, "SRV" },
	{ 35, "NAPTR" }, { TYPE_OPT, "OPT" }, { 43, "DS" }, { 46, "RRSIG" },
	{ 47, "NSEC" }, { 48, "DNSKEY" }, { 64, "SVCB" }, { 65, "HTTPS" },
	{ TYPE_TKEY, "TKEY" }, { TYPE_TSIG, "TSIG" }, { TYPE_IXFR, "IXFR" },
	{ TYPE_AXFR, "AXFR" }, { TYPE_MAILB, "MAILB" },
	{ TYPE_MAILA, "MAILA" }, { TYPE_ANY, "ANY" }, { 257, "CAA" },
};

const char *
qlog_type(unsigned type, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(qlog_types) / sizeof(qlog_types[0]); i++)
		if (qlog_types[i].type == type)
			return qlog_types[i].name;
	snprintf(buf, len, "TYPE%u", type);
	return buf;
}

const char *
qlog_class(unsigned cls, char *buf, size_t len)
{
	switch (cls) {
	case CLASS_IN:
		return "IN";
	case CLASS_CH:
		return "CH";
	case 4:
		return "HS";
	case 254:
		return "NONE";
	case CLASS_ANY:
		return "ANY";
	}
	snprintf(buf, len, "CLASS%u", cls);
	return buf;
}

/* The name was checked by the query parser: labels, no pointers, <= 255. */
void
qlog_name(const uint8_t *wire, char *buf, size_t len)
{
	size_t off = 0;
	uint8_t lab;

	if (len < 2)
		return;
	if (wire[0] == 0) {
		strcpy(buf, ".");
		return;
	}
	while ((lab = *wire++) != 0 && lab <= DNS_MAX_LABEL) {
		for (size_t i = 0; i < lab; i++) {
			uint8_t c = wire[i];

			if (off + 5 >= len)
				goto out;
			if (c == '.' || c == '\\' || c == '"' || c == ';' ||
			    c == '(' || c == ')' || c == '$' || c == '@') {
				buf[off++] = '\\';
				buf[off++] = (char)c;
			} else if (c <= ' ' || c >= 0x7f)
				off += (size_t)snprintf(buf + off, len - off,
				    "\\%03u", c);
			else
				buf[off++] = (char)c;
		}
		wire += lab;
		if (off + 2 >= len)
			break;
		buf[off++] = '.';
	}
out:
	buf[off] = '\0';
}

static void
qlog_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (sa != NULL && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "%s#%u", host, ntohs(s6->sin6_port));
	} else if (sa != NULL && sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s#%u", host, ntohs(s4->sin_port));
	} else
		snprintf(buf, len, "-");
}

void
qlog_write(const struct sockaddr *remote, const char *view,
    enum dns_transport tr, const struct dns_result *res, size_t len,
    long usec)
{
	char addr[INET6_ADDRSTRLEN + 8], name[1024];
	char tbuf[16], cbuf[16], rbuf[16];
	const char *type = "-", *cls = "-", *rcode, *flags;

	qlog_addr(remote, addr, sizeof(addr));
	strcpy(name, "-");
	if (res->flags & DNS_RES_QUESTION) {
		qlog_name(res->qname, name, sizeof(name));
		type = qlog_type(res->qtype, tbuf, sizeof(tbuf));
		cls = qlog_class(res->qclass, cbuf, sizeof(cbuf));
	}
	if (res->flags & DNS_RES_DROPPED)
		rcode = "DROPPED";
	else if (stats_rcode_index(res->rcode) != STATS_RC_OTHER)
		rcode = stats_rcode_name(stats_rcode_index(res->rcode));
	else {
		snprintf(rbuf, sizeof(rbuf), "RCODE%u", res->rcode);
		rcode = rbuf;
	}
	switch (res->flags & (DNS_RES_AA | DNS_RES_TC)) {
	case DNS_RES_AA | DNS_RES_TC:
		flags = "aa,tc";
		break;
	case DNS_RES_AA:
		flags = "aa";
		break;
	case DNS_RES_TC:
		flags = "tc";
		break;
	default:
		flags = "-";
		break;
	}
	log_info("query %s %s %s %s %s %s %s %zu %s %ldus", addr,
	    view != NULL ? view : "-", tr == DNS_TCP ? "tcp" : "udp", name, cls,
	    type, rcode, len, flags, usec);
}
