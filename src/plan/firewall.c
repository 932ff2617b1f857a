/* firewall.c -- ocsdns-plan: the port rules, and one row per firewall rule. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"


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
resolve(const struct config *cfg, size_t ri, struct ocs_end pe,
    struct ends *e)
{
	const struct cfg_role *r = &cfg->roles[ri];

	switch (pe.kind) {
	case OCS_END_INTERNET:
		return end_add(e, "Internet", "any", NULL, 0, "any");
	case OCS_END_CLIENTS:
		return end_add(e, "internal clients", "any", NULL, 0,
		    "internal network");
	case OCS_END_SLOT:
		return slot_end(cfg, ri, pe.slot, e);
	case OCS_END_MEMBERS:
		return members_end(cfg, ri, pe.slot, e);
	case OCS_END_NEXT_HOP:
		for (size_t i = 0; r->next_hop != NULL && i < cfg->nroles; i++)
			if ((cfg->roles[i].kind == OCS_KIND_POOL ||
			    cfg->roles[i].kind == OCS_KIND_DIRECTOR) &&
			    strcmp(cfg->roles[i].name, r->next_hop) == 0)
				return slot_end(cfg, i, OCS_NAME_FQDN, e);
		return 0;
	case OCS_END_POOLS_SLOT:
	case OCS_END_POOLS_MEMBERS:
		for (size_t i = 0; i < cfg->nroles; i++) {
			if (cfg->roles[i].kind != OCS_KIND_POOL)
				continue;
			if ((pe.kind == OCS_END_POOLS_SLOT ?
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
applies(const struct config *cfg, const struct ocs_port_rule *rule,
    const struct cfg_role *r)
{
	if (r->kind != rule->kind)
		return false;
	if (rule->needs >= 0 && r->names[rule->needs].fqdn == NULL)
		return false;
	if ((rule->when & OCS_PORT_2007) && cfg->ocs_version != OCS_2007)
		return false;
	if ((rule->when & OCS_PORT_R2) && cfg->ocs_version != OCS_2007_R2)
		return false;
	if ((rule->when & OCS_PORT_FEDERATION) && !federates(cfg, r))
		return false;
	if ((rule->when & OCS_PORT_ENTERPRISE) &&
	    r->edition != CONFIG_EDITION_ENTERPRISE)
		return false;
	return true;
}

static const char *const cols[] = { "firewall", "direction", "source_role",
    "source_fqdn", "source_address", "destination_role", "destination_fqdn",
    "destination_address", "port", "transport", "protocol", "purpose" };

static int
rule_rows(struct plan *p, const struct ocs_port_rule *rule, size_t ri)
{
	struct ends src = { .n = 0 }, dst = { .n = 0 };
	int rc = -1;

	if (resolve(p->cfg, ri, rule->src, &src) < 0 ||
	    resolve(p->cfg, ri, rule->dst, &dst) < 0)
		goto out;
	for (size_t s = 0; s < src.n; s++)
		for (size_t d = 0; d < dst.n; d++) {
			/* A rule from a server to itself is no rule. */
			if (rule->src.kind != OCS_END_CLIENTS &&
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
			for (size_t k = 0; k < ocs_nport_rules; k++) {
				const struct ocs_port_rule *rule = &ocs_port_rules[k];
				if (strcmp(rule->firewall, order[o]) != 0 ||
				    !applies(p->cfg, rule, &p->cfg->roles[i]))
					continue;
				if (rule_rows(p, rule, i) < 0)
					return -1;
			}
	return 0;
}
