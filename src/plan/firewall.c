/* firewall.c -- ocsdns-plan: the port rules, and one row per firewall rule. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* --- the rules ---------------------------------------------------------- */

/*
 * The internal firewall sits between the internal network and the
 * perimeter, the external one between the perimeter and the Internet;
 * "inbound" is towards the inside, "outbound" away from it. "none" rows
 * are inside the internal network (host firewalls, ACLs between subnets).
 * 8057 on the Web Conferencing Edge is its internal side only; what
 * 50000-59999 needs differs between 2007 and R2 (ocs-deployment.md).
 */
#define E(k, s)		{ PLAN_END_##k, s }
#define NET		E(INTERNET, 0)
#define CLIENTS		E(CLIENTS, 0)
#define SLOT(s)		E(SLOT, OCS_NAME_##s)
#define MEMBERS(s)	E(MEMBERS, OCS_MEMBER_##s)
#define HOP		E(NEXT_HOP, 0)
#define POOLS(s)	E(POOLS_SLOT, OCS_NAME_##s)
#define POOL_SERVERS(s)	E(POOLS_MEMBERS, OCS_MEMBER_##s)
#define NEEDS(s)	OCS_NAME_##s
#define ANY		(-1)

const struct plan_port_rule plan_port_rules[] = {
	/* Front end servers, Web Components, conferencing servers. */
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, SLOT(FQDN),
	    "5060", "TCP", "SIP", "internal SIP between servers and with "
	    "Communicator" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, SLOT(FQDN),
	    "5061", "TCP", "SIP/MTLS", "internal SIP over TLS between servers "
	    "and with Communicator and Live Meeting" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", MEMBERS(FRONT_END),
	    SLOT(WEB_FARM), "443", "TCP", "HTTPS", "front end servers to the "
	    "Web farm FQDN (Web Components)" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, SLOT(WEB_FARM),
	    "443", "TCP", "HTTPS", "clients to the pool URLs (Web Components)" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", MEMBERS(FRONT_END),
	    MEMBERS(WEBCONF), "444", "TCP", "HTTPS", "the focus to the "
	    "conferencing servers" },
	{ OCS_KIND_POOL, ANY, PLAN_PORT_ENTERPRISE, "none", "internal",
	    MEMBERS(FRONT_END), MEMBERS(FRONT_END), "135", "TCP", "DCOM/RPC",
	    "behind a load balancer: WMI and moving users" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, MEMBERS(WEBCONF),
	    "8057", "TCP", "PSOM/TLS", "Live Meeting to the Web Conferencing "
	    "Server" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", MEMBERS(FRONT_END),
	    MEMBERS(AV), "5063", "TCP", "SIP", "SIP to the A/V Conferencing "
	    "Server" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, MEMBERS(AV),
	    "49152-65535", "UDP", "RTP/RTCP", "media to the A/V Conferencing "
	    "Server" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, CLIENTS,
	    "6891-6901", "TCP", "file transfer", "Communicator and Live "
	    "Meeting file transfer" },
	/* Directors. */
	{ OCS_KIND_DIRECTOR, ANY, 0, "none", "internal", CLIENTS, SLOT(FQDN),
	    "5061", "TCP", "SIP/MTLS", "sign-in through the Director" },
	{ OCS_KIND_DIRECTOR, ANY, 0, "none", "internal", SLOT(FQDN),
	    POOLS(FQDN), "5061", "TCP", "SIP/MTLS", "the Director to the pool" },
	/* The edge: Access Edge. */
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), 0, "external", "inbound", NET,
	    SLOT(ACCESS_EDGE), "443", "TCP", "SIP/TLS", "remote user access" },
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), PLAN_PORT_FEDERATION, "external",
	    "inbound", NET, SLOT(ACCESS_EDGE), "5061", "TCP", "SIP/MTLS",
	    "federation and public IM from partners" },
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), PLAN_PORT_FEDERATION, "external",
	    "outbound", SLOT(ACCESS_EDGE), NET, "5061", "TCP", "SIP/MTLS",
	    "federation and public IM to partners" },
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), 0, "internal", "inbound",
	    SLOT(INTERNAL), HOP, "5061", "TCP", "SIP/MTLS", "the Access Edge "
	    "to its next hop" },
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), 0, "internal", "outbound", HOP,
	    SLOT(INTERNAL), "5061", "TCP", "SIP/MTLS", "the next hop to the "
	    "Access Edge" },
	/* Web Conferencing Edge. */
	{ OCS_KIND_EDGE, NEEDS(WEBCONF_EDGE), 0, "external", "inbound", NET,
	    SLOT(WEBCONF_EDGE), "443", "TCP", "PSOM/TLS", "remote, anonymous "
	    "and federated users to internal web conferences" },
	{ OCS_KIND_EDGE, NEEDS(WEBCONF_EDGE), 0, "internal", "outbound",
	    POOL_SERVERS(WEBCONF), SLOT(INTERNAL), "8057", "TCP", "PSOM/MTLS",
	    "Web Conferencing Server to the Web Conferencing Edge's internal "
	    "interface (internal side only)" },
	/* A/V Edge. */
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "external", "inbound", NET,
	    SLOT(AV_EDGE), "443", "TCP", "STUN/TCP", "media relay for external "
	    "users" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "external", "inbound", NET,
	    SLOT(AV_EDGE), "3478", "UDP", "STUN/UDP", "media relay for external "
	    "users" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "external", "outbound",
	    SLOT(AV_EDGE), NET, "3478", "UDP", "STUN/UDP", "media relay for "
	    "external users" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), PLAN_PORT_2007, "external", "inbound",
	    NET, SLOT(AV_EDGE), "50000-59999", "TCP/UDP", "RTP",
	    "2007: A/V with federated partners, both directions" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), PLAN_PORT_2007, "external", "outbound",
	    SLOT(AV_EDGE), NET, "50000-59999", "TCP/UDP", "RTP",
	    "2007: A/V with federated partners, both directions" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), PLAN_PORT_R2, "external", "outbound",
	    SLOT(AV_EDGE), NET, "50000-59999", "TCP", "RTP/TCP",
	    "R2: outbound only with R2 partners only; both directions with "
	    "2007 or older partners; closable with no federated A/V" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "external", "outbound",
	    SLOT(AV_EDGE), NET, "1024-65535", "TCP/UDP", "RTP",
	    "media to the remote clients' ports (Communicator, Live Meeting)" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "internal", "outbound",
	    POOL_SERVERS(AV), SLOT(INTERNAL), "5062", "TCP", "SIP/MTLS",
	    "A/V authentication, outbound through the internal firewall" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "internal", "outbound", CLIENTS,
	    SLOT(INTERNAL), "443", "TCP", "STUN/TCP", "internal media to the "
	    "A/V Edge" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "internal", "outbound", CLIENTS,
	    SLOT(INTERNAL), "3478", "UDP", "STUN/UDP", "internal media to the "
	    "A/V Edge" },
	/* Reverse proxy, Communicator Web Access, Mediation Server. */
	{ OCS_KIND_REVERSE_PROXY, ANY, 0, "external", "inbound", NET,
	    SLOT(FQDN), "443", "TCP", "HTTPS", "external users: address book, "
	    "group expansion, meeting content" },
	{ OCS_KIND_REVERSE_PROXY, ANY, 0, "internal", "inbound", SLOT(FQDN),
	    POOLS(WEB_FARM), "443", "TCP", "HTTPS", "the reverse proxy to the "
	    "internal web farm" },
	{ OCS_KIND_CWA, ANY, 0, "none", "internal", CLIENTS, SLOT(FQDN), "443",
	    "TCP", "HTTPS", "browsers to Communicator Web Access" },
	{ OCS_KIND_CWA, NEEDS(EXTERNAL), 0, "external", "inbound", NET,
	    SLOT(EXTERNAL), "443", "TCP", "HTTPS", "external browsers to "
	    "Communicator Web Access" },
	{ OCS_KIND_CWA, ANY, 0, "none", "internal", SLOT(FQDN), POOLS(FQDN),
	    "5061", "TCP", "SIP/MTLS", "CWA to the pool" },
	{ OCS_KIND_MEDIATION, ANY, 0, "none", "internal", POOLS(FQDN),
	    SLOT(FQDN), "5061", "TCP", "SIP/MTLS", "the pool to the Mediation "
	    "Server" },
	{ OCS_KIND_MEDIATION, NEEDS(GATEWAY), 0, "none", "internal", SLOT(FQDN),
	    SLOT(GATEWAY), "5060", "TCP", "SIP", "the Mediation Server to its "
	    "gateway (unverified: the gateway's port may differ)" },
};
const size_t plan_nport_rules = sizeof(plan_port_rules) /
    sizeof(plan_port_rules[0]);

/* --- endpoints ---------------------------------------------------------- */

#define MAX_ENDS	32

struct end {
	char		 role[160];
	char		 fqdn[256];
	char		*addr;
};

struct ends {
	struct end	 v[MAX_ENDS];
	size_t		 n;
};

static int
end_add(struct ends *e, const char *role, const char *fqdn,
    const struct cfg_addr *a, size_t na, const char *addr_text)
{
	if (e->n == MAX_ENDS)
		return 0;
	struct end *x = &e->v[e->n];
	snprintf(x->role, sizeof(x->role), "%s", role);
	snprintf(x->fqdn, sizeof(x->fqdn), "%s", fqdn);
	x->addr = addr_text != NULL ? strdup(addr_text) : plan_addrs(a, na);
	if (x->addr == NULL)
		return -1;
	e->n++;
	return 0;
}

static void
ends_free(struct ends *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].addr);
	e->n = 0;
}

static int
slot_end(const struct config *cfg, size_t ri, int slot, struct ends *e)
{
	const struct cfg_role *r = &cfg->roles[ri];
	const struct cfg_role_name *n = &r->names[slot];
	char label[160];

	plan_role_label(cfg, ri, label, sizeof(label));
	/* The web farm may be the pool's own name, with its addresses. */
	if (n->fqdn != NULL && n->naddrs == 0 && slot != OCS_NAME_FQDN)
		n = &r->names[OCS_NAME_FQDN];
	if (n->fqdn == NULL && slot == OCS_NAME_WEB_FARM)
		n = &r->names[OCS_NAME_FQDN];
	if (n->fqdn == NULL)
		return 0;
	return end_add(e, label, n->fqdn, n->addrs, n->naddrs, NULL);
}

/*
 * The servers of a member slot: expanded pools have conferencing servers
 * of their own, consolidated ones run everything on the front ends, and a
 * Standard Edition server is all of them.
 */
static int
members_end(const struct config *cfg, size_t ri, int slot, struct ends *e)
{
	const struct cfg_role *r = &cfg->roles[ri];
	char label[160];
	size_t n0 = e->n;

	plan_role_label(cfg, ri, label, sizeof(label));
	for (int pass = 0; pass < 2 && e->n == n0; pass++)
		for (size_t i = 0; i < r->nmembers; i++) {
			const struct cfg_member *m = &r->members[i];
			if ((int)m->slot != (pass == 0 ? slot : OCS_MEMBER_FRONT_END))
				continue;
			if (end_add(e, label, m->fqdn, m->addrs, m->naddrs,
			    NULL) < 0)
				return -1;
		}
	if (e->n == n0)
		return slot_end(cfg, ri, OCS_NAME_FQDN, e);
	return 0;
}

static int
resolve(const struct config *cfg, size_t ri, struct plan_end pe,
    struct ends *e)
{
	const struct cfg_role *r = &cfg->roles[ri];

	switch (pe.kind) {
	case PLAN_END_INTERNET:
		return end_add(e, "Internet", "any", NULL, 0, "any");
	case PLAN_END_CLIENTS:
		return end_add(e, "internal clients", "any", NULL, 0,
		    "internal network");
	case PLAN_END_SLOT:
		return slot_end(cfg, ri, pe.slot, e);
	case PLAN_END_MEMBERS:
		return members_end(cfg, ri, pe.slot, e);
	case PLAN_END_NEXT_HOP:
		for (size_t i = 0; r->next_hop != NULL && i < cfg->nroles; i++)
			if ((cfg->roles[i].kind == OCS_KIND_POOL ||
			    cfg->roles[i].kind == OCS_KIND_DIRECTOR) &&
			    strcmp(cfg->roles[i].name, r->next_hop) == 0)
				return slot_end(cfg, i, OCS_NAME_FQDN, e);
		return 0;
	case PLAN_END_POOLS_SLOT:
	case PLAN_END_POOLS_MEMBERS:
		for (size_t i = 0; i < cfg->nroles; i++) {
			if (cfg->roles[i].kind != OCS_KIND_POOL)
				continue;
			if ((pe.kind == PLAN_END_POOLS_SLOT ?
			    slot_end(cfg, i, pe.slot, e) :
			    members_end(cfg, i, pe.slot, e)) < 0)
				return -1;
		}
		return 0;
	}
	return 0;
}

/* --- the report --------------------------------------------------------- */

static bool
federates(const struct config *cfg, const struct cfg_role *r)
{
	for (size_t i = 0; i < cfg->ndomains; i++)
		if (cfg->domains[i].federation && cfg->domains[i].edge != NULL &&
		    strcmp(cfg->domains[i].edge, r->name) == 0)
			return true;
	return false;
}

static bool
applies(const struct config *cfg, const struct plan_port_rule *rule,
    const struct cfg_role *r)
{
	if (r->kind != rule->kind)
		return false;
	if (rule->needs >= 0 && r->names[rule->needs].fqdn == NULL)
		return false;
	if ((rule->when & PLAN_PORT_2007) && cfg->ocs_version != OCS_2007)
		return false;
	if ((rule->when & PLAN_PORT_R2) && cfg->ocs_version != OCS_2007_R2)
		return false;
	if ((rule->when & PLAN_PORT_FEDERATION) && !federates(cfg, r))
		return false;
	if ((rule->when & PLAN_PORT_ENTERPRISE) &&
	    r->edition != CONFIG_EDITION_ENTERPRISE)
		return false;
	return true;
}

static const char *const cols[] = { "firewall", "direction", "source_role",
    "source_fqdn", "source_address", "destination_role", "destination_fqdn",
    "destination_address", "port", "transport", "protocol", "purpose" };

static int
rule_rows(struct plan *p, const struct plan_port_rule *rule, size_t ri)
{
	struct ends src = { .n = 0 }, dst = { .n = 0 };
	int rc = -1;

	if (resolve(p->cfg, ri, rule->src, &src) < 0 ||
	    resolve(p->cfg, ri, rule->dst, &dst) < 0)
		goto out;
	for (size_t s = 0; s < src.n; s++)
		for (size_t d = 0; d < dst.n; d++) {
			/* A rule from a server to itself is no rule. */
			if (rule->src.kind != PLAN_END_CLIENTS &&
			    strcmp(src.v[s].fqdn, dst.v[d].fqdn) == 0)
				continue;
			if (plan_table_add(&p->t[PLAN_FIREWALL], rule->firewall,
			    rule->direction, src.v[s].role, src.v[s].fqdn,
			    src.v[s].addr, dst.v[d].role, dst.v[d].fqdn,
			    dst.v[d].addr, rule->port, rule->transport,
			    rule->protocol, rule->purpose) < 0)
				goto out;
		}
	rc = 0;
out:
	ends_free(&src);
	ends_free(&dst);
	return rc;
}

int
plan_firewall(struct plan *p)
{
	plan_table_init(&p->t[PLAN_FIREWALL], "firewall", "Firewall", cols,
	    sizeof(cols) / sizeof(cols[0]));
	/* External rules first, then internal, then the internal network. */
	static const char *const order[] = { "external", "internal", "none" };
	for (size_t o = 0; o < 3; o++)
		for (size_t i = 0; i < p->cfg->nroles; i++)
			for (size_t k = 0; k < plan_nport_rules; k++) {
				const struct plan_port_rule *rule = &plan_port_rules[k];
				if (strcmp(rule->firewall, order[o]) != 0 ||
				    !applies(p->cfg, rule, &p->cfg->roles[i]))
					continue;
				if (rule_rows(p, rule, i) < 0)
					return -1;
			}
	return 0;
}
