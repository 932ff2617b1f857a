/* certs.c -- ocsdns-plan: the certificate rules, and the certificates. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan.h"

/* --- the rules ---------------------------------------------------------- */

/*
 * The field note's certificate table (ocs-dns.md section 4) with what
 * ocs-deployment.md "Certificates" adds. Every internal server certificate
 * is from the enterprise CA with the server authentication EKU; the Access
 * Edge's external interface needs a public CA where federation or public
 * IM is on. "sip.<domain>" goes into the SAN of the server clients sign in
 * to when several SIP domains sign in through it, or when the domain's
 * fallback "sip" A name stands for it inside (automatic configuration).
 */
#define RULE(w, n, k, s, f, pub, a, no) \
	[PLAN_CERT_##w] = { n, OCS_KIND_##k, OCS_NAME_##s, f, pub, a, no }

const struct plan_cert_rule plan_cert_rules[PLAN_NCERT_RULES] = {
	RULE(STANDARD, "Standard Edition server", POOL, FQDN,
	    PLAN_SAN_COPIES | PLAN_SAN_WEB_FARM | PLAN_SAN_SIP_DOMAINS, false,
	    "the server's services; Web Components in IIS",
	    "assign the Web Components certificate with the IIS snap-in"),
	RULE(CONSOLIDATED, "Enterprise pool, consolidated", POOL, FQDN,
	    PLAN_SAN_COPIES | PLAN_SAN_WEB_FARM | PLAN_SAN_SIP_DOMAINS, false,
	    "every server of the pool; Web Components in IIS",
	    "installed on each server of the pool; the internal web farm FQDN "
	    "in the SAN when it differs from the pool FQDN"),
	RULE(EXPANDED, "Enterprise pool, expanded", POOL, FQDN,
	    PLAN_SAN_COPIES | PLAN_SAN_SIP_DOMAINS, false,
	    "every Front End, Web Conferencing and A/V Conferencing server",
	    "installed on each server of the role"),
	RULE(EXPANDED_WEB, "Enterprise pool, expanded: Web Components", POOL,
	    WEB_FARM, PLAN_SAN_WEB_FARM, false,
	    "IIS on every Web Components server",
	    "subject: the FQDN of the Web Components load balancer's VIP"),
	RULE(DIRECTOR, "Director", DIRECTOR, FQDN,
	    PLAN_SAN_COPIES | PLAN_SAN_SIP_DOMAINS, false,
	    "the Director's services",
	    "SIP domains in the SAN when clients sign in through it"),
	RULE(DIRECTOR_ARRAY, "array of Directors", DIRECTOR, FQDN,
	    PLAN_SAN_VIP | PLAN_SAN_SIP_DOMAINS, false,
	    "this Director of the array",
	    "the server FQDN in the subject; server and VIP FQDNs in the SAN "
	    "as DNS names"),
	RULE(EDGE_INTERNAL, "edge internal interface", EDGE, INTERNAL, 0, false,
	    "the edge's internal interface (Access, Web Conferencing, A/V Edge)",
	    "shared by the edge's three services; edges are not auto-enrolled"),
	RULE(ACCESS_EDGE, "Access Edge external", EDGE, ACCESS_EDGE,
	    PLAN_SAN_COPIES, true, "the Access Edge's external interface",
	    "the external FQDN must be sip.<domain> of the SRV domain; other "
	    "SIP domains' names in the SAN"),
	RULE(WEBCONF_EDGE, "Web Conferencing Edge external", EDGE, WEBCONF_EDGE,
	    PLAN_SAN_COPIES, true,
	    "the Web Conferencing Edge's external interface",
	    "R2: its own certificate, not the Access Edge's"),
	RULE(AV_AUTH, "A/V authentication", EDGE, AV_EDGE, 0, false,
	    "the A/V Edge service (authentication)",
	    "the A/V Edge's external interface takes no certificate; this one "
	    "is its own, not reused from another service; the same issuer and "
	    "private key on every edge behind one load balancer"),
	RULE(REVERSE_PROXY, "reverse proxy", REVERSE_PROXY, FQDN, 0, true,
	    "the reverse proxy's web listener",
	    "the external web farm FQDN"),
	RULE(CWA, "Communicator Web Access", CWA, FQDN, 0, false,
	    "IIS on the CWA server", "unverified: whether the as. and "
	    "download. names must be in the SAN"),
	RULE(CWA_EXTERNAL, "Communicator Web Access external", CWA, EXTERNAL, 0,
	    true, "the reverse proxy (or CWA) listener for the external URL",
	    "R2: a second certificate for the external CWA FQDN"),
	RULE(MEDIATION, "Mediation Server", MEDIATION, FQDN, 0, false,
	    "the Mediation Server's internal interface", ""),
	RULE(HOST_POOL, "server or pool (a [host])", POOL, FQDN,
	    PLAN_SAN_SIP_DOMAINS, false, "the server or every server of the pool",
	    "a [domain]'s pool target given as a [host]"),
	RULE(HOST_EDGE, "Access Edge external (a [host])", EDGE, ACCESS_EDGE, 0,
	    true, "the Access Edge's external interface",
	    "a [domain]'s access_edge target given as a [host]"),
};

#define CA_ENTERPRISE	"enterprise CA"
#define CA_PUBLIC	"public CA"
#define CA_EITHER	"public CA for remote users (enterprise CA possible: no " \
	"federation or public IM)"
#define EKU_SERVER	"server authentication"

/* --- building ----------------------------------------------------------- */

static int
san_add(struct plan_cert *c, const char *name)
{
	for (size_t i = 0; i < c->nsans; i++)
		if (strcmp(c->sans[i], name) == 0)
			return 0;
	if (c->nsans == PLAN_MAX_SANS)
		return 0;
	if ((c->sans[c->nsans] = strdup(name)) == NULL)
		return -1;
	c->nsans++;
	return 0;
}

/* name and the in-domain names the topology made for it. */
static int
san_with_copies(const struct config *cfg, struct plan_cert *c,
    const char *name, bool copies)
{
	if (name == NULL)
		return 0;
	if (san_add(c, name) < 0)
		return -1;
	const struct cfg_host *h = config_host(cfg, name);
	if (!copies || h == NULL)
		return 0;
	int hi = (int)(h - cfg->hosts);
	for (size_t i = 0; i < cfg->nhosts; i++)
		if (cfg->hosts[i].copy_of == hi &&
		    san_add(c, cfg->hosts[i].name) < 0)
			return -1;
	return 0;
}

/* Whether domain d signs in (its internal SRV target) through role r. */
static bool
signs_in_through(const struct cfg_domain *d, const struct cfg_role *r)
{
	if (r->kind == OCS_KIND_POOL)
		return d->signin == CONFIG_SIGNIN_POOL && d->pool_role != NULL &&
		    strcmp(d->pool_role, r->name) == 0;
	if (r->kind == OCS_KIND_DIRECTOR)
		return d->signin == CONFIG_SIGNIN_DIRECTOR && d->director != NULL &&
		    strcmp(d->director, r->name) == 0;
	return false;
}

static bool
target_is(const struct cfg_domain *d, const char *host)
{
	for (size_t i = 0; i < d->pool.n; i++)
		if (strcmp(d->pool.v[i].name, host) == 0)
			return true;
	return false;
}

/* sip.<domain> of each domain signing in through r (or to host). */
static int
san_sip_domains(const struct config *cfg, struct plan_cert *c,
    const struct cfg_role *r, const char *host)
{
	size_t n = 0;
	for (size_t i = 0; i < cfg->ndomains; i++)
		n += r != NULL ? signs_in_through(&cfg->domains[i], r) :
		    target_is(&cfg->domains[i], host);
	for (size_t i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain *d = &cfg->domains[i];
		bool through = r != NULL ? signs_in_through(d, r) :
		    target_is(d, host);
		if (!through || (n < 2 && !d->fallback))
			continue;
		char name[300];
		snprintf(name, sizeof(name), "%s.%s",
		    CONFIG_DEFAULT_EDGE_NAME_LABEL, d->name);
		if (san_add(c, name) < 0)
			return -1;
	}
	return 0;
}

/* Whether a domain that uses edge r publishes federation. */
static bool
edge_federates(const struct config *cfg, const struct cfg_role *r,
    const char *host)
{
	for (size_t i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain *d = &cfg->domains[i];
		if (!d->federation)
			continue;
		if (r != NULL && d->edge != NULL && strcmp(d->edge, r->name) == 0)
			return true;
		for (size_t t = 0; r == NULL && t < d->access_edge.n; t++)
			if (strcmp(d->access_edge.v[t].name, host) == 0)
				return true;
	}
	return false;
}

static char *
members_text(const struct cfg_role *r, const char *what)
{
	size_t len = strlen(what) + 4;
	for (size_t i = 0; i < r->nmembers; i++)
		len += strlen(r->members[i].fqdn) + 2;
	char *s = malloc(len);
	if (s == NULL)
		return NULL;
	strcpy(s, what);
	for (size_t i = 0; i < r->nmembers; i++) {
		strcat(s, i == 0 ? ": " : ", ");
		strcat(s, r->members[i].fqdn);
	}
	return s;
}

/* A new certificate of rule w for role label server, subject first. */
static struct plan_cert *
cert_new(struct plan_certs *out, enum plan_cert_when w, const char *server,
    const char *subject)
{
	struct plan_cert *v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	out->v = v;
	struct plan_cert *c = &v[out->n];
	memset(c, 0, sizeof(*c));
	c->rule = w;
	c->ca = plan_cert_rules[w].public_ca ? CA_PUBLIC : CA_ENTERPRISE;
	c->eku = EKU_SERVER;
	c->notes = plan_cert_rules[w].notes;
	if ((c->server = strdup(server)) == NULL ||
	    (c->subject = strdup(subject)) == NULL ||
	    san_add(c, subject) < 0) {
		free(c->server);
		free(c->subject);
		return NULL;
	}
	out->n++;
	return c;
}

/* The certificate of rule w for role r (subject: the rule's name slot). */
static int
role_cert(const struct config *cfg, struct plan_certs *out, size_t ri,
    enum plan_cert_when w, const char *subject)
{
	const struct cfg_role *r = &cfg->roles[ri];
	const struct plan_cert_rule *rule = &plan_cert_rules[w];
	char label[160];

	if (subject == NULL)
		subject = r->names[rule->subject].fqdn;
	if (subject == NULL)
		return 0;
	struct plan_cert *c = cert_new(out, w, plan_role_label(cfg, ri, label,
	    sizeof(label)), subject);
	if (c == NULL)
		return -1;
	if (san_with_copies(cfg, c, subject, rule->sans & PLAN_SAN_COPIES) < 0)
		return -1;
	if ((rule->sans & PLAN_SAN_VIP) &&
	    san_with_copies(cfg, c, r->names[OCS_NAME_FQDN].fqdn, true) < 0)
		return -1;
	if ((rule->sans & PLAN_SAN_WEB_FARM) &&
	    san_with_copies(cfg, c, r->names[OCS_NAME_WEB_FARM].fqdn, true) < 0)
		return -1;
	if ((rule->sans & PLAN_SAN_SIP_DOMAINS) &&
	    san_sip_domains(cfg, c, r, NULL) < 0)
		return -1;
	if (rule->public_ca && r->kind == OCS_KIND_EDGE &&
	    !edge_federates(cfg, r, NULL))
		c->ca = CA_EITHER;
	if (r->kind == OCS_KIND_POOL && w != PLAN_CERT_EXPANDED_WEB &&
	    r->nmembers > 0)
		c->assigned = members_text(r, rule->assigned);
	else if (w == PLAN_CERT_DIRECTOR_ARRAY) {
		size_t len = strlen(rule->assigned) + strlen(subject) + 3;
		if ((c->assigned = malloc(len)) != NULL)
			snprintf(c->assigned, len, "%s: %s", rule->assigned,
			    subject);
	} else
		c->assigned = strdup(rule->assigned);
	return c->assigned == NULL ? -1 : 0;
}

static int
role_certs(const struct config *cfg, struct plan_certs *out, size_t ri)
{
	const struct cfg_role *r = &cfg->roles[ri];

	switch (r->kind) {
	case OCS_KIND_POOL:
		if (r->edition == CONFIG_EDITION_STANDARD)
			return role_cert(cfg, out, ri, PLAN_CERT_STANDARD, NULL);
		if (r->topology == CONFIG_TOPOLOGY_CONSOLIDATED)
			return role_cert(cfg, out, ri, PLAN_CERT_CONSOLIDATED,
			    NULL);
		if (role_cert(cfg, out, ri, PLAN_CERT_EXPANDED, NULL) < 0)
			return -1;
		/* Web Components: the web farm's VIP, else the pool's own. */
		return role_cert(cfg, out, ri, PLAN_CERT_EXPANDED_WEB,
		    r->names[OCS_NAME_WEB_FARM].fqdn != NULL ? NULL :
		    r->names[OCS_NAME_FQDN].fqdn);
	case OCS_KIND_DIRECTOR:
		if (r->nmembers == 0)
			return role_cert(cfg, out, ri, PLAN_CERT_DIRECTOR, NULL);
		for (size_t i = 0; i < r->nmembers; i++)
			if (role_cert(cfg, out, ri, PLAN_CERT_DIRECTOR_ARRAY,
			    r->members[i].fqdn) < 0)
				return -1;
		return 0;
	case OCS_KIND_EDGE:
		if (role_cert(cfg, out, ri, PLAN_CERT_EDGE_INTERNAL, NULL) < 0 ||
		    role_cert(cfg, out, ri, PLAN_CERT_ACCESS_EDGE, NULL) < 0 ||
		    role_cert(cfg, out, ri, PLAN_CERT_WEBCONF_EDGE, NULL) < 0)
			return -1;
		return role_cert(cfg, out, ri, PLAN_CERT_AV_AUTH, NULL);
	case OCS_KIND_REVERSE_PROXY:
		return role_cert(cfg, out, ri, PLAN_CERT_REVERSE_PROXY, NULL);
	case OCS_KIND_CWA:
		if (role_cert(cfg, out, ri, PLAN_CERT_CWA, NULL) < 0)
			return -1;
		return role_cert(cfg, out, ri, PLAN_CERT_CWA_EXTERNAL, NULL);
	case OCS_KIND_MEDIATION:
		return role_cert(cfg, out, ri, PLAN_CERT_MEDIATION, NULL);
	case OCS_KIND_ARCHIVING:	/* no certificate of its own */
	case OCS_NKINDS:
		break;
	}
	return 0;
}

static bool
have_subject(const struct plan_certs *out, const char *subject)
{
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->v[i].subject, subject) == 0)
			return true;
	return false;
}

/* A domain's SRV targets that are [host]s: the plain configuration. */
static int
host_certs(const struct config *cfg, struct plan_certs *out,
    const struct cfg_domain *d, const struct cfg_targets *t, bool edge)
{
	enum plan_cert_when w = edge ? PLAN_CERT_HOST_EDGE : PLAN_CERT_HOST_POOL;
	char label[300];

	snprintf(label, sizeof(label), "[domain %s] %s", d->name,
	    edge ? "access_edge" : "pool");
	for (size_t i = 0; i < t->n; i++) {
		const char *name = t->v[i].name;
		const struct cfg_host *h = config_host(cfg, name);
		if ((h != NULL && h->role >= 0) || have_subject(out, name))
			continue;
		struct plan_cert *c = cert_new(out, w, label, name);
		if (c == NULL)
			return -1;
		if (!edge && san_sip_domains(cfg, c, NULL, name) < 0)
			return -1;
		if (edge && !edge_federates(cfg, NULL, name))
			c->ca = CA_EITHER;
		if ((c->assigned = strdup(plan_cert_rules[w].assigned)) == NULL)
			return -1;
	}
	return 0;
}

int
plan_certs_build(const struct config *cfg, struct plan_certs *out)
{
	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < cfg->nroles; i++)
		if (role_certs(cfg, out, i) < 0)
			goto fail;
	for (size_t i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain *d = &cfg->domains[i];
		if (host_certs(cfg, out, d, &d->pool, false) < 0 ||
		    host_certs(cfg, out, d, &d->access_edge, true) < 0)
			goto fail;
	}
	return 0;
fail:
	plan_certs_free(out);
	return -1;
}

void
plan_certs_free(struct plan_certs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].server);
		free(c->v[i].subject);
		free(c->v[i].assigned);
		for (size_t j = 0; j < c->v[i].nsans; j++)
			free(c->v[i].sans[j]);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

bool
plan_cert_names(const struct plan_cert *c, const char *name)
{
	if (strcmp(c->subject, name) == 0)
		return true;
	for (size_t i = 0; i < c->nsans; i++)
		if (strcmp(c->sans[i], name) == 0)
			return true;
	return false;
}

/* --- the report and the requests ---------------------------------------- */

static const char *const cols[] = { "server", "rule", "subject", "san",
    "ca", "eku", "assigned", "notes", "csr" };

/* The request configuration's file name: the subject, made unique. */
static void
csr_name(const struct plan_certs *c, size_t i, char *buf, size_t len)
{
	unsigned same = 0;
	for (size_t j = 0; j < i; j++)
		same += strcmp(c->v[j].subject, c->v[i].subject) == 0;
	if (same == 0)
		snprintf(buf, len, "%s", c->v[i].subject);
	else
		snprintf(buf, len, "%s-%u", c->v[i].subject, same + 1);
}

int
plan_certs_table(struct plan *p)
{
	struct plan_table *t = &p->t[PLAN_CERTS];

	plan_table_init(t, "certificates", "Certificates", cols,
	    sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < p->certs.n; i++) {
		const struct plan_cert *c = &p->certs.v[i];
		size_t len = 1;
		for (size_t j = 0; j < c->nsans; j++)
			len += strlen(c->sans[j]) + 1;
		char *san = malloc(len), file[300];
		if (san == NULL)
			return -1;
		san[0] = '\0';
		for (size_t j = 0; j < c->nsans; j++) {
			if (j > 0)
				strcat(san, " ");
			strcat(san, c->sans[j]);
		}
		csr_name(&p->certs, i, file, sizeof(file));
		strcat(file, ".cnf");
		int rc = plan_table_add(t, c->server, plan_cert_rules[c->rule].name,
		    c->subject, san, c->ca, c->eku, c->assigned, c->notes, file);
		free(san);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
csr_config(const struct plan_cert *c, const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "# %s -- a certificate request for %s (%s).\n"
	    "# Made by ocsdns-plan; CA: %s.\n"
	    "[req]\nprompt = no\ndefault_bits = 2048\ndefault_md = sha256\n"
	    "distinguished_name = dn\nreq_extensions = ext\n\n"
	    "[dn]\nCN = %s\n\n[ext]\n"
	    "keyUsage = critical, digitalSignature, keyEncipherment\n"
	    "extendedKeyUsage = serverAuth\nsubjectAltName = ", strrchr(path,
	    '/') != NULL ? strrchr(path, '/') + 1 : path, c->server,
	    plan_cert_rules[c->rule].name, c->ca, c->subject);
	for (size_t i = 0; i < c->nsans; i++)
		fprintf(f, "%sDNS:%s", i > 0 ? ", " : "", c->sans[i]);
	fprintf(f, "\n");
	return fclose(f) == 0 ? 0 : -1;
}

int
plan_csr_write(const struct plan_certs *c, const char *dir, FILE *out)
{
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "ocsdns-plan: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/make-csr.sh", dir);
	FILE *sh = fopen(path, "w");
	if (sh == NULL) {
		fprintf(stderr, "ocsdns-plan: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(sh, "#!/bin/sh\n# make-csr.sh -- a key and a request per "
	    "certificate of the plan (ocsdns-plan --csr).\nset -e\n"
	    "cd \"$(dirname \"$0\")\"\n");
	int rc = 0;
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		char name[300], cmd[1200];
		csr_name(c, i, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s.cnf", dir, name);
		if (csr_config(&c->v[i], path) < 0) {
			fprintf(stderr, "ocsdns-plan: %s: %s\n", path,
			    strerror(errno));
			rc = -1;
			break;
		}
		snprintf(cmd, sizeof(cmd), "openssl req -new -newkey rsa:2048 "
		    "-nodes -config %s.cnf -keyout %s.key -out %s.csr", name,
		    name, name);
		fprintf(sh, "%s\n", cmd);
		fprintf(out, "%s/%s.cnf: (cd %s && %s)\n", dir, name, dir, cmd);
	}
	if (fclose(sh) != 0)
		rc = -1;
	return rc;
}
