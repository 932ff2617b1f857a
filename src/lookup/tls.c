/* tls.c -- ocsdns-lookup --connect: the TLS handshake and the certificate. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lookup.h"

struct probe_tls {
	SSL_CTX		*ctx;
	SSL		*ssl;
	int		 fd;
};

static void
set_fail(struct probe *p, const char *step, const char *text)
{
	p->ok = 0;
	p->step = step;
	snprintf(p->failure, sizeof(p->failure), "%s", text);
}

/* Waits for what SSL wants after r; 1 to go on, 0 timeout, -1 an error. */
static int
ssl_wait(struct probe_tls *t, int r, double deadline)
{
	int e = SSL_get_error(t->ssl, r);

	if (e == SSL_ERROR_WANT_READ)
		return probe_wait(t->fd, POLLIN, deadline) == 1 ? 1 : 0;
	if (e == SSL_ERROR_WANT_WRITE)
		return probe_wait(t->fd, POLLOUT, deadline) == 1 ? 1 : 0;
	return -1;
}

static double
deadline_of(const struct lookup_opts *o)
{
	return probe_now_ms() + (double)o->timeout.tv_sec * 1e3 +
	    (double)o->timeout.tv_usec / 1e3;
}

static const char *
reason(unsigned long code)
{
	const char *r = ERR_reason_error_string(code);

	return r != NULL ? r : "unknown error";
}

/* Why a handshake failed, in the admin's words. */
static void
handshake_error(struct probe *p, struct probe_tls *t, int r, int w,
    const struct lookup_opts *o)
{
	char text[PROBE_TEXT], where[LOOKUP_NAME_MAX + 80];
	int e = SSL_get_error(t->ssl, r);
	unsigned long code = ERR_peek_error();

	snprintf(where, sizeof(where), "%s:%u (%s)", p->c->t->name,
	    (unsigned)p->c->port, p->addr);
	if (w == 0)
		snprintf(text, sizeof(text), "TLS handshake with %s: no answer "
		    "within %.1f s (the server accepted the connection but did "
		    "not speak TLS)", where, (double)o->timeout.tv_sec +
		    (double)o->timeout.tv_usec / 1e6);
	else if (e == SSL_ERROR_SSL && code != 0 &&
	    (ERR_GET_REASON(code) == SSL_R_WRONG_VERSION_NUMBER ||
	    ERR_GET_REASON(code) == SSL_R_PACKET_LENGTH_TOO_LONG))
		snprintf(text, sizeof(text), "TLS handshake with %s: the "
		    "server does not speak TLS (%s): a plain TCP service on "
		    "a TLS port?", where, reason(code));
	else if (e == SSL_ERROR_SSL && code != 0)
		snprintf(text, sizeof(text), "TLS handshake with %s failed: %s",
		    where, reason(code));
	else
		snprintf(text, sizeof(text), "TLS handshake with %s: the server "
		    "closed the connection%s%s", where, errno ? ": " : "",
		    errno ? strerror(errno) : "");
	set_fail(p, "tls", text);
	ERR_clear_error();
}

struct probe_tls *
tls_handshake(struct probe *p, int fd, const struct lookup_opts *o)
{
	struct probe_tls *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		free(t);
		set_fail(p, "tls", "out of memory");
		return NULL;
	}
	t->fd = fd;
	/*
	 * OCS 2007 servers (Windows Server 2003) speak TLS 1.0: allow what
	 * they offer. The verification is ours, after the handshake, so that
	 * every check is named instead of the first ending the handshake.
	 */
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_VERSION);
	SSL_CTX_set_security_level(t->ctx, 0);
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	if ((o->ca_file != NULL ?
	    SSL_CTX_load_verify_locations(t->ctx, o->ca_file, NULL) :
	    SSL_CTX_set_default_verify_paths(t->ctx)) != 1 ||
	    (t->ssl = SSL_new(t->ctx)) == NULL ||
	    SSL_set_fd(t->ssl, fd) != 1) {
		char text[PROBE_TEXT];

		snprintf(text, sizeof(text), "cannot set up TLS%s%s: %s",
		    o->ca_file ? " with --ca-file " : "",
		    o->ca_file ? o->ca_file : "",
		    reason(ERR_peek_error()));
		set_fail(p, "tls", text);
		ERR_clear_error();
		tls_free(t);
		return NULL;
	}
	(void)SSL_set_tlsext_host_name(t->ssl, p->c->t->name);
	double deadline = deadline_of(o);
	for (;;) {
		ERR_clear_error();
		errno = 0;
		int r = SSL_connect(t->ssl);
		if (r == 1)
			break;
		int w = ssl_wait(t, r, deadline);
		if (w == 1)
			continue;
		handshake_error(p, t, r, w, o);
		tls_free(t);
		return NULL;
	}
	p->tls = 1;
	snprintf(p->tls_version, sizeof(p->tls_version), "%s",
	    SSL_get_version(t->ssl));
	snprintf(p->cipher, sizeof(p->cipher), "%s",
	    SSL_get_cipher_name(t->ssl));
	return t;
}

void
tls_free(struct probe_tls *t)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL)
		SSL_free(t->ssl);
	SSL_CTX_free(t->ctx);
	free(t);
}

long
tls_write(struct probe_tls *t, const void *buf, size_t len, double deadline)
{
	for (;;) {
		int r = SSL_write(t->ssl, buf, (int)len);
		if (r > 0)
			return r;
		if (ssl_wait(t, r, deadline) != 1)
			return -1;
	}
}

long
tls_read(struct probe_tls *t, void *buf, size_t len, double deadline)
{
	for (;;) {
		int r = SSL_read(t->ssl, buf, (int)len);
		if (r > 0)
			return r;
		if (ssl_wait(t, r, deadline) != 1)
			return -1;
	}
}

/* --- the certificate ---------------------------------------------------- */

static void
asn1_time_text(const ASN1_TIME *at, char *out, size_t outsz)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(at, &tm) != 1 ||
	    strftime(out, outsz, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, outsz, "?");
}

static void
name_text(const X509_NAME *n, char *out, size_t outsz)
{
	char *s = X509_NAME_oneline(n, NULL, 0);

	snprintf(out, outsz, "%s", s != NULL ? s : "?");
	OPENSSL_free(s);
}

/* The subject CN and the SAN dNSNames, the CN first; their count. */
#define TLS_MAX_NAMES	32
static int
cert_names(X509 *cert, char names[][LOOKUP_NAME_MAX], int *has_cn)
{
	int n = 0;
	const X509_NAME *subj = X509_get_subject_name(cert);
	int i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);

	*has_cn = 0;
	if (i >= 0) {
		const ASN1_STRING *s = X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(subj, i));
		snprintf(names[n++], LOOKUP_NAME_MAX, "%.*s",
		    ASN1_STRING_length(s),
		    (const char *)ASN1_STRING_get0_data(s));
		*has_cn = 1;
	}
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name,
	    NULL, NULL);
	for (int k = 0; gens != NULL && k < sk_GENERAL_NAME_num(gens) &&
	    n < TLS_MAX_NAMES; k++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, k);

		if (g->type != GEN_DNS)
			continue;
		snprintf(names[n++], LOOKUP_NAME_MAX, "%.*s",
		    ASN1_STRING_length(g->d.dNSName),
		    (const char *)ASN1_STRING_get0_data(g->d.dNSName));
	}
	GENERAL_NAMES_free(gens);
	return n;
}

static void
add_check(struct probe *p, const char *name, int ok, const char *text)
{
	if (p->ncheck >= PROBE_MAX_CHECKS)
		return;
	struct probe_check *c = &p->check[p->ncheck++];
	c->name = name;
	c->ok = ok;
	snprintf(c->text, sizeof(c->text), "%s", text);
	if (!ok && p->ok)
		set_fail(p, "certificate", text);
}

/* The chain to the CA file or the system store, dates aside. */
static void
check_chain(struct probe *p, struct probe_tls *t, X509 *cert,
    const char *cn, const struct lookup_opts *o)
{
	X509_STORE_CTX *sctx = X509_STORE_CTX_new();
	char text[PROBE_TEXT], issuer[LOOKUP_NAME_MAX];
	const char *store = o->ca_file != NULL ? o->ca_file : "the system store";

	name_text(X509_get_issuer_name(cert), issuer, sizeof(issuer));
	if (sctx == NULL || X509_STORE_CTX_init(sctx,
	    SSL_CTX_get_cert_store(t->ctx), cert,
	    SSL_get_peer_cert_chain(t->ssl)) != 1) {
		X509_STORE_CTX_free(sctx);
		add_check(p, "chain", 0, "cannot verify the chain: out of memory");
		return;
	}
	/* Expiry is a check of its own, named as such. */
	X509_STORE_CTX_set_flags(sctx, X509_V_FLAG_NO_CHECK_TIME);
	if (X509_verify_cert(sctx) == 1)
		snprintf(text, sizeof(text), "certificate for %s chains to a "
		    "CA in %s", cn, store);
	else
		snprintf(text, sizeof(text), "certificate for %s is not "
		    "trusted: issuer %s does not chain to a CA in %s (%s)", cn,
		    issuer, store, X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(sctx)));
	add_check(p, "chain", X509_STORE_CTX_get_error(sctx) == X509_V_OK,
	    text);
	X509_STORE_CTX_free(sctx);
}

static void
check_dates(struct probe *p, X509 *cert, const char *cn)
{
	char text[PROBE_TEXT];
	int ok = 1;

	if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
		snprintf(text, sizeof(text), "certificate for %s is not valid "
		    "before %s", cn, p->not_before);
		ok = 0;
	} else if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
		snprintf(text, sizeof(text), "certificate for %s expired on %s",
		    cn, p->not_after);
		ok = 0;
	} else
		snprintf(text, sizeof(text), "certificate for %s is valid "
		    "until %s", cn, p->not_after);
	add_check(p, "dates", ok, text);
}

/* No EKU extension is any purpose (CryptoAPI's reading as well). */
static void
check_eku(struct probe *p, X509 *cert, const char *cn)
{
	char text[PROBE_TEXT];
	int ok = !(X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) ||
	    (X509_get_extended_key_usage(cert) & XKU_SSL_SERVER);

	snprintf(text, sizeof(text), ok ? "certificate for %s allows server "
	    "authentication" : "certificate for %s lacks the server "
	    "authentication EKU", cn);
	add_check(p, "eku", ok, text);
}

/* Whether names carry want; the message names a wildcard that would. */
static void
check_name(struct probe *p, const char *check, char names[][LOOKUP_NAME_MAX],
    int n, const char *cn, const char *want, const char *why,
    const struct ocs_client *profile)
{
	char text[PROBE_TEXT];
	const char *wild = NULL;
	int ok = 0;

	for (int i = 0; i < n && !ok; i++) {
		int m = lookup_cert_name(names[i], want);
		if (m == 1 || (m == 2 && profile->wildcard))
			ok = 1;
		else if (m == 2 && wild == NULL)
			wild = names[i];
	}
	if (ok)
		snprintf(text, sizeof(text), "certificate for %s names %s", cn,
		    want);
	else if (wild != NULL)
		snprintf(text, sizeof(text), "certificate for %s names %s only "
		    "by the wildcard %s: %s does not accept wildcard names%s",
		    cn, want, wild, profile->what, why);
	else
		snprintf(text, sizeof(text), "certificate for %s does not name "
		    "%s%s", cn, want, why);
	add_check(p, check, ok, text);
}

void
tls_check(struct probe *p, struct probe_tls *t, const struct lookup_opts *o,
    const char *domain, const struct ocs_client *profile)
{
	X509 *cert = SSL_get1_peer_certificate(t->ssl);

	if (cert == NULL) {
		set_fail(p, "certificate", "the server sent no certificate");
		return;
	}
	p->cert = 1;
	name_text(X509_get_subject_name(cert), p->subject, sizeof(p->subject));
	name_text(X509_get_issuer_name(cert), p->issuer, sizeof(p->issuer));
	asn1_time_text(X509_get0_notBefore(cert), p->not_before,
	    sizeof(p->not_before));
	asn1_time_text(X509_get0_notAfter(cert), p->not_after,
	    sizeof(p->not_after));
	char (*names)[LOOKUP_NAME_MAX] = calloc(TLS_MAX_NAMES, sizeof(*names));
	if (names == NULL) {
		X509_free(cert);
		set_fail(p, "certificate", "out of memory");
		return;
	}
	int has_cn, n = cert_names(cert, names, &has_cn);
	size_t len = 0;
	for (int i = has_cn; i < n && len < sizeof(p->san); i++)
		len += (size_t)snprintf(p->san + len, sizeof(p->san) - len,
		    "%s%s", len ? ", " : "", names[i]);
	/* "certificate for X": as the client's error names it. */
	const char *cn = n > 0 ? names[0] : "(no name)";

	check_chain(p, t, cert, cn, o);
	check_dates(p, cert, cn);
	check_eku(p, cert, cn);
	check_name(p, "name", names, n, cn, p->c->t->name, "", profile);
	if (p->c->role == OCS_ROLE_ACCESS_EDGE) {
		char edge[LOOKUP_NAME_MAX];

		snprintf(edge, sizeof(edge), "%s.%s", OCS_EDGE_CERT_LABEL,
		    domain);
		check_name(p, "edge", names, n, cn, edge, ": the Access "
		    "Edge's external certificate must carry sip.<domain>",
		    profile);
	}
	free(names);
	X509_free(cert);
}
