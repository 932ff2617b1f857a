/* checks.c -- ocsdns-plan: best practices in stoplight form, and bad input. */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "signin/signin_check.h"

static const char *const cols[] = { "status", "check", "subject", "why" };

#define GREEN	"green"
#define RED	"red"

static int
add(struct plan *p, bool ok, const char *check, const char *subject,
    const char *why)
{
	return plan_table_add(&p->t[PLAN_CHECKS], ok ? GREEN : RED, check,
	    subject, why);
}

/* bb663700: the internal SRV records name ONE server or pool per domain. */
static int
one_signin_target(struct plan *p)
{
	for (size_t i = 0; i < p->cfg->ndomains; i++) {
		const struct cfg_domain *d = &p->cfg->domains[i];
		char why[600];
		if (d->pool.n == 1)
			snprintf(why, sizeof(why), "%s names %s alone",
			    ocs_services[OCS_SIPINTERNALTLS].owner,
			    d->pool.v[0].name);
		else
			snprintf(why, sizeof(why), "%s names %zu "
			    "targets (%s%s): give one server, pool or Director "
			    "per SIP domain (bb663700)",
			    ocs_services[OCS_SIPINTERNALTLS].owner, d->pool.n,
			    d->pool.n > 0 ? d->pool.v[0].name : "none",
			    d->pool.n > 1 ? ", ..." : "");
		if (add(p, d->pool.n == 1, "one sign-in target", d->name,
		    why) < 0)
			return -1;
	}
	return 0;
}

static bool
in_domain(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	return n == d ? strcmp(name, domain) == 0 :
	    n > d && name[n - d - 1] == '.' && strcmp(name + n - d, domain) == 0;
}

/*
 * Strict domain matching: Communicator accepts an SRV target only inside
 * the SIP domain, and only with a certificate that names it exactly.
 */
static bool
edge_cert(const struct plan_cert *c)
{
	return c->rule == PLAN_CERT_ACCESS_EDGE || c->rule == PLAN_CERT_HOST_EDGE;
}

/* The Access Edge's external certificate answers outside, others inside. */
static int
target_covered(struct plan *p, const struct cfg_domain *d,
    const struct cfg_targets *t, const char *service, bool outside)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *name = t->v[i].name;
		const struct plan_cert *c = NULL;
		for (size_t k = 0; k < p->certs.n && c == NULL; k++)
			if (edge_cert(&p->certs.v[k]) == outside &&
			    plan_cert_names(&p->certs.v[k], name))
				c = &p->certs.v[k];
		char subject[600], why[900];
		snprintf(subject, sizeof(subject), "%s -> %s", service, name);
		bool inside = in_domain(name, d->name);
		if (!inside)
			snprintf(why, sizeof(why), "%s is outside %s: strict "
			    "domain matching refuses it", name, d->name);
		else if (c == NULL)
			snprintf(why, sizeof(why), "no certificate of the plan "
			    "names %s", name);
		else
			snprintf(why, sizeof(why), "the certificate of %s (subject "
			    "%s) names it", c->server, c->subject);
		if (add(p, inside && c != NULL, "certificate names the SRV "
		    "target", subject, why) < 0)
			return -1;
	}
	return 0;
}

static int
certs_cover(struct plan *p)
{
	for (size_t i = 0; i < p->cfg->ndomains; i++) {
		const struct cfg_domain *d = &p->cfg->domains[i];
		char internal[300], external[300];
		snprintf(internal, sizeof(internal), "%s.%s",
		    ocs_services[OCS_SIPINTERNALTLS].owner, d->name);
		snprintf(external, sizeof(external), "%s.%s",
		    ocs_services[OCS_SIP_TLS].owner, d->name);
		if (target_covered(p, d, &d->pool, internal, false) < 0 ||
		    target_covered(p, d, &d->access_edge, external, true) < 0)
			return -1;
	}
	return 0;
}

static bool
addr_eq(const struct cfg_addr *a, const struct cfg_addr *b)
{
	return a->family == b->family && memcmp(&a->u, &b->u, a->family ==
	    AF_INET ? sizeof(a->u.v4) : sizeof(a->u.v6)) == 0;
}

static const enum ocs_name_slot external_slots[] = { OCS_NAME_ACCESS_EDGE,
    OCS_NAME_WEBCONF_EDGE, OCS_NAME_AV_EDGE };
#define NEXTERNAL	(sizeof(external_slots) / sizeof(external_slots[0]))

/* bb870404: each edge role its own public IP, as all listen on HTTPS. */
static int
edge_ips(struct plan *p, size_t ri, const char *label)
{
	const struct cfg_role *r = &p->cfg->roles[ri];
	char why[600] = "";

	for (size_t a = 0; a < NEXTERNAL; a++)
		for (size_t b = a + 1; b < NEXTERNAL; b++) {
			const struct cfg_role_name *x = &r->names[external_slots[a]];
			const struct cfg_role_name *y = &r->names[external_slots[b]];
			for (size_t i = 0; i < x->naddrs; i++)
				for (size_t j = 0; j < y->naddrs; j++)
					if (addr_eq(&x->addrs[i], &y->addrs[j]) &&
					    why[0] == '\0') {
						char *s = plan_addrs(&x->addrs[i], 1);
						snprintf(why, sizeof(why), "%s and %s "
						    "share %s on port %u: give each "
						    "its own IP", x->fqdn, y->fqdn,
						    s != NULL ? s : "an address",
						    ocs_services[OCS_SIP_TLS].port);
						free(s);
					}
		}
	char check[64];
	snprintf(check, sizeof(check), "edge roles on separate IPs for %u",
	    ocs_services[OCS_SIP_TLS].port);
	return add(p, why[0] == '\0', check,
	    label, why[0] != '\0' ? why : "the external FQDNs have addresses of "
	    "their own");
}

static bool
addr_private(const struct cfg_addr *a)
{
	if (a->family == AF_INET) {
		uint32_t x = ntohl(a->u.v4.s_addr);
		return (x >> 24) == 10 || (x >> 20) == (172u << 4 | 1) ||
		    (x >> 16) == (192u << 8 | 168) || (x >> 24) == 127 ||
		    (x >> 16) == (169u << 8 | 254) || (x >> 22) == (100u << 2 | 1);
	}
	const uint8_t *b = a->u.v6.s6_addr;
	return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
	    IN6_IS_ADDR_LOOPBACK(&a->u.v6);
}

static int
edge_public(struct plan *p, size_t ri, const char *label)
{
	const struct cfg_role *r = &p->cfg->roles[ri];

	for (size_t k = 0; k < NEXTERNAL; k++) {
		const struct cfg_role_name *n = &r->names[external_slots[k]];
		if (n->fqdn == NULL)
			continue;
		char *s = plan_addrs(n->addrs, n->naddrs), why[600];
		bool ok = n->naddrs > 0;
		for (size_t i = 0; i < n->naddrs; i++)
			ok &= !addr_private(&n->addrs[i]);
		snprintf(why, sizeof(why), ok ? "%s is %s: not a private address" :
		    "%s is %s: a private address; the Internet cannot reach it "
		    "(2007: no NAT on the A/V Edge)", n->fqdn, s != NULL ? s : "");
		free(s);
		if (add(p, ok, "public address on the external edge FQDN", label,
		    why) < 0)
			return -1;
	}
	return 0;
}

static int
edge_next_hop(struct plan *p, size_t ri, const char *label)
{
	const struct cfg_role *r = &p->cfg->roles[ri];
	char why[600];

	snprintf(why, sizeof(why), "next_hop = %s: the hosts file snippet (or "
	    "a perimeter DNS) gives its FQDN and address", r->next_hop);
	return add(p, true, "edge resolves its next hop without internal DNS",
	    label, why);
}

/*
 * The sign-in verdict of every SIP domain in every view, from the checker
 * that ocsdnsd -t and ocsdns-lookup share (signin_check): one row each.
 */
struct signin_rows {
	struct plan	*p;
	int		 rc;
};

static void
signin_row(void *arg, const char *line)
{
	struct signin_rows *r = arg;
	/* "view V: DOMAIN: verdict": the subject, then the verdict. */
	const char *verdict = strstr(line, ": ");
	if (verdict != NULL)
		verdict = strstr(verdict + 2, ": ");
	char subject[300];
	size_t n = verdict != NULL ? (size_t)(verdict - line) : strlen(line);
	snprintf(subject, sizeof(subject), "%.*s", (int)n, line);
	verdict = verdict != NULL ? verdict + 2 : "";
	bool ok = strncmp(verdict, "Communicator would connect", 26) == 0;
	if (add(r->p, ok, "Communicator signs in automatically", subject,
	    verdict) < 0)
		r->rc = -1;
}

static int
signin_rows(struct plan *p, const struct snapshot *snap)
{
	struct signin_rows r = { p, 0 };
	/* The errors themselves were -t's to print: here, only the verdicts. */
	FILE *sink = fopen("/dev/null", "w");

	if (signin_check(snap, sink, signin_row, &r, NULL) < 0)
		r.rc = -1;
	if (sink != NULL)
		fclose(sink);
	return r.rc;
}

int
plan_checks(struct plan *p, const struct snapshot *snap)
{
	plan_table_init(&p->t[PLAN_CHECKS], "checks", "Checks", cols,
	    sizeof(cols) / sizeof(cols[0]));
	if (one_signin_target(p) < 0 || certs_cover(p) < 0)
		return -1;
	for (size_t i = 0; i < p->cfg->nroles; i++) {
		char label[160];
		if (p->cfg->roles[i].kind != OCS_KIND_EDGE)
			continue;
		plan_role_label(p->cfg, i, label, sizeof(label));
		if (edge_ips(p, i, label) < 0 || edge_next_hop(p, i, label) < 0 ||
		    edge_public(p, i, label) < 0)
			return -1;
	}
	return signin_rows(p, snap);
}

/*
 * What the plan cannot do without, though the daemon can: an edge's
 * firewall rules and hosts file need the pool or Director it forwards to.
 */
unsigned
plan_validate(const struct config *cfg, FILE *diag)
{
	unsigned n = 0;

	for (size_t i = 0; i < cfg->nroles; i++) {
		const struct cfg_role *r = &cfg->roles[i];
		if (r->kind == OCS_KIND_EDGE && r->next_hop == NULL) {
			fprintf(diag, "%s:%d: error: [edge %s] has no next_hop: "
			    "its internal firewall rules and hosts file need the "
			    "[pool] or [director] it forwards to\n", cfg->path,
			    r->line, r->name);
			n++;
		}
	}
	return n;
}
