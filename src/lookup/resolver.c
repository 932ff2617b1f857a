/* resolver.c -- ocsdns-lookup: the ldns resolver for -s, -b and -t. */
#include <arpa/inet.h>
#include <err.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "lookup.h"

/* An address literal as an A or AAAA rdf, or NULL. */
static ldns_rdf *
addr_rdf(const char *text)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, text, buf) == 1)
		return ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, text);
	if (inet_pton(AF_INET6, text, buf) == 1)
		return ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, text);
	return NULL;
}

static void
push_server(ldns_resolver *res, const char *host)
{
	ldns_rdf *rdf = addr_rdf(host);

	if (rdf != NULL) {
		if (ldns_resolver_push_nameserver(res, rdf) != LDNS_STATUS_OK)
			errx(EXIT_USAGE, "%s: cannot use this server", host);
		ldns_rdf_deep_free(rdf);
		return;
	}
	struct addrinfo hints, *ai0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	int e = getaddrinfo(host, NULL, &hints, &ai0);
	if (e != 0)
		errx(EXIT_USAGE, "%s: %s", host, gai_strerror(e));
	for (struct addrinfo *ai = ai0; ai != NULL; ai = ai->ai_next) {
		char text[SIGNIN_ADDR_LEN];

		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof(text),
		    NULL, 0, NI_NUMERICHOST) != 0 ||
		    (rdf = addr_rdf(text)) == NULL)
			continue;
		(void)ldns_resolver_push_nameserver(res, rdf);
		ldns_rdf_deep_free(rdf);
	}
	freeaddrinfo(ai0);
	if (ldns_resolver_nameserver_count(res) == 0)
		errx(EXIT_USAGE, "%s: no address", host);
}

/*
 * The resolver for server ("host[:port]", NULL: the system's), sending from
 * source (NULL: any) with timeout per reply. A source address goes to
 * *srcp: ldns does not free it with the resolver.
 */
ldns_resolver *
resolver_make(const char *server, const char *source,
    const struct timeval *timeout, ldns_rdf **srcp)
{
	ldns_resolver *res;
	uint16_t port = 53;

	if (server == NULL) {
		ldns_status st = ldns_resolver_new_frm_file(&res, NULL);
		if (st != LDNS_STATUS_OK)
			errx(EXIT_USAGE, "cannot read the system resolver "
			    "configuration: %s", ldns_get_errorstr_by_id(st));
	} else {
		char host[LOOKUP_NAME_MAX];

		if (lookup_split_server(server, host, sizeof(host), &port) == -1)
			errx(EXIT_USAGE, "%s: expected server or server:port",
			    server);
		if ((res = ldns_resolver_new()) == NULL)
			errx(EXIT_USAGE, "ldns_resolver_new failed");
		push_server(res, host);
	}
	ldns_resolver_set_port(res, port);
	if (source != NULL) {
		ldns_rdf *src = addr_rdf(source);

		if (src == NULL)
			errx(EXIT_USAGE, "%s: -b wants an IPv4 or IPv6 address",
			    source);
		ldns_resolver_set_source(res, src);	/* not freed with res */
		*srcp = src;
	}
	ldns_resolver_set_recursive(res, true);
	ldns_resolver_set_timeout(res, *timeout);
	ldns_resolver_set_retry(res, 2);
	ldns_resolver_set_retrans(res, 1);
	ldns_resolver_set_random(res, false);
	ldns_resolver_set_defnames(res, false);
	ldns_resolver_set_dnsrch(res, false);
	ldns_resolver_set_dnssec(res, false);
	ldns_resolver_set_fail(res, false);
	ldns_resolver_set_igntc(res, false);	/* truncated: retry over TCP */
	return res;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One query through the resolver, for the sign-in run (signin_send_fn). */
ldns_pkt *
resolver_send(void *arg, const char *name, ldns_rr_type type, double *ms,
    const char **error)
{
	ldns_resolver *res = arg;
	char fqdn[LOOKUP_NAME_MAX + 1];

	snprintf(fqdn, sizeof(fqdn), "%s.", name);
	ldns_rdf *dname = ldns_dname_new_frm_str(fqdn);
	if (dname == NULL)
		errx(EXIT_USAGE, "%s: not a domain name", name);
	/* A server that failed once is not written off for the next query. */
	for (size_t i = 0; i < ldns_resolver_nameserver_count(res); i++)
		ldns_resolver_set_nameserver_rtt(res, i, LDNS_RESOLV_RTT_MIN);
	ldns_pkt *pkt = NULL;
	double t0 = now_ms();
	ldns_status st = ldns_resolver_send(&pkt, res, dname, type,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	*ms = now_ms() - t0;
	ldns_rdf_deep_free(dname);
	if (st != LDNS_STATUS_OK || pkt == NULL) {
		*error = ldns_get_errorstr_by_id(st);
		if (pkt != NULL)
			ldns_pkt_free(pkt);
		return NULL;
	}
	return pkt;
}
