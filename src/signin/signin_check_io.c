/* signin_check_io.c -- the sign-in check's messages, and its in-process sender. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dns.h"
#include "signin/signin_check_int.h"
#include "snapshot.h"
#include "wire.h"

/* --- messages ----------------------------------------------------------- */

/* A message, once: the same fault met again (in another view) is one. */
void
check_msg_add(struct check *c, const char *file, int line, bool warning,
    const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	int rc = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (rc == -1) {
		c->oom = true;
		return;
	}
	if (!warning)
		c->here++;
	for (size_t i = c->window; i < c->nmsgs; i++) {
		const struct check_msg *m = &c->msgs[i];
		if (m->line == line && m->warning == warning &&
		    strcmp(m->text, text) == 0 && strcmp(m->file, file) == 0) {
			free(text);
			return;
		}
	}
	if (c->nmsgs == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct check_msg *v = reallocarray(c->msgs, cap, sizeof(*v));
		if (v == NULL) {
			free(text);
			c->oom = true;
			return;
		}
		c->msgs = v;
		c->cap = cap;
	}
	char *f = strdup(file);
	if (f == NULL) {
		free(text);
		c->oom = true;
		return;
	}
	struct check_msg *m = &c->msgs[c->nmsgs];
	m->file = f;
	m->line = line;
	m->warning = warning;
	m->order = c->order;
	m->seq = c->nmsgs++;
	m->text = text;
	if (warning)
		c->nwarn++;
	else
		c->nerrors++;
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct check_msg *ma = a, *mb = b;
	int d = strcmp(ma->file, mb->file);

	if (d != 0)
		return d;
	if (ma->line != mb->line)
		return ma->line < mb->line ? -1 : 1;
	/* As one thread checking the domains in order would have said them. */
	if (ma->order != mb->order)
		return ma->order < mb->order ? -1 : 1;
	return ma->seq < mb->seq ? -1 : ma->seq > mb->seq;
}

void
check_msg_merge(struct check *dst, struct check *src)
{
	dst->nerrors += src->nerrors;
	dst->nwarn += src->nwarn;
	dst->oom |= src->oom;
	if (src->nmsgs > 0 && dst->nmsgs + src->nmsgs > dst->cap) {
		size_t cap = dst->nmsgs + src->nmsgs;
		struct check_msg *v = reallocarray(dst->msgs, cap, sizeof(*v));
		if (v == NULL) {
			dst->oom = true;
			check_msg_flush(src, NULL);
			return;
		}
		dst->msgs = v;
		dst->cap = cap;
	}
	if (src->nmsgs > 0)
		memcpy(dst->msgs + dst->nmsgs, src->msgs,
		    src->nmsgs * sizeof(*src->msgs));
	dst->nmsgs += src->nmsgs;
	free(src->msgs);
	src->msgs = NULL;
	src->nmsgs = src->cap = 0;
}

/* Prints the messages sorted by file and line, then frees them. */
void
check_msg_flush(struct check *c, FILE *diag)
{
	if (c->nmsgs > 1)
		qsort(c->msgs, c->nmsgs, sizeof(*c->msgs), msg_cmp);
	for (size_t i = 0; i < c->nmsgs; i++) {
		struct check_msg *m = &c->msgs[i];
		const char *sev = m->warning ? "warning" : "error";

		if (diag != NULL && m->line > 0)
			fprintf(diag, "%s:%d: %s: %s\n", m->file, m->line, sev,
			    m->text);
		else if (diag != NULL)
			fprintf(diag, "%s: %s: %s\n", m->file, sev, m->text);
		free(m->file);
		free(m->text);
	}
	free(c->msgs);
	c->msgs = NULL;
	c->nmsgs = c->cap = 0;
	if (c->oom && diag != NULL)
		fprintf(diag, "%s: sign-in check: out of memory\n",
		    c->cfg->path);
}

/* --- the sender: answers from the snapshot ------------------------------- */

/* The query for name and type, RD set (as a stub asks), id 0; 0: escapes. */
static size_t
check_query(const char *name, ldns_rr_type type, uint8_t *out)
{
	if (strchr(name, '\\') != NULL)
		return 0;
	size_t n = wire_name_from_text(name, out + DNS_HEADER_SIZE);
	if (n == 0)
		return 0;
	memset(out, 0, DNS_HEADER_SIZE);
	wire_put16(out + 2, 0x0100);		/* RD */
	wire_put16(out + 4, 1);			/* QDCOUNT */
	wire_put16(out + DNS_HEADER_SIZE + n, (uint16_t)type);
	wire_put16(out + DNS_HEADER_SIZE + n + 2, LDNS_RR_CLASS_IN);
	return DNS_HEADER_SIZE + n + 4;
}

static size_t
check_query_ldns(const char *name, ldns_rr_type type, uint8_t *out,
    const char **error)
{
	char fqdn[LOOKUP_NAME_MAX + 1];

	snprintf(fqdn, sizeof(fqdn), "%s.", name);
	ldns_rdf *dname = ldns_dname_new_frm_str(fqdn);
	if (dname == NULL) {
		*error = "not a domain name";
		return 0;
	}
	/* The packet owns dname from here. */
	ldns_pkt *qp = ldns_pkt_query_new(dname, type, LDNS_RR_CLASS_IN,
	    LDNS_RD);
	if (qp == NULL) {
		*error = "out of memory";
		return 0;
	}
	uint8_t *wire = NULL;
	size_t wlen = 0;
	ldns_status st = ldns_pkt2wire(&wire, qp, &wlen);
	ldns_pkt_free(qp);
	if (st != LDNS_STATUS_OK || wlen > DNS_HEADER_SIZE + DNS_MAX_NAME + 4) {
		*error = st != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(st) :
		    "not a domain name";
		free(wire);
		return 0;
	}
	memcpy(out, wire, wlen);
	free(wire);
	return wlen;
}

/* A query as a client of view c->view would send it, answered in process. */
ldns_pkt *
check_send(void *arg, const char *name, ldns_rr_type type, double *ms,
    const char **error)
{
	struct check *c = arg;
	uint8_t query[DNS_HEADER_SIZE + DNS_MAX_NAME + 4];
	size_t wlen;

	*ms = 0;
	/*
	 * The question written directly: at tens of thousands of domains,
	 * ldns_pkt2wire() was a fifth of the check's time. A name with an
	 * escape (from a zone file) takes ldns's parser.
	 */
	if ((wlen = check_query(name, type, query)) == 0 &&
	    (wlen = check_query_ldns(name, type, query, error)) == 0)
		return NULL;
	uint8_t *wire = query;
	/* Over TCP: nothing is truncated, the whole answer is read. */
	struct dns_peer peer = { .transport = DNS_TCP };
	struct dns_result res;
	size_t len = dns_answer_in_view(c->snap, c->view, &peer, wire, wlen,
	    c->buf, &res);
	if (len == 0) {
		*error = "no answer";
		return NULL;
	}
	/*
	 * The run reads the rcode and the answer section only: the
	 * authority and additional sections (an SRV answer's glue) are not
	 * parsed.
	 */
	wire_put16(c->buf + 8, 0);		/* NSCOUNT */
	wire_put16(c->buf + 10, 0);		/* ARCOUNT */
	ldns_pkt *pkt = NULL;
	if (ldns_wire2pkt(&pkt, c->buf, len) != LDNS_STATUS_OK) {
		*error = "the answer does not parse";
		return NULL;
	}
	return pkt;
}
