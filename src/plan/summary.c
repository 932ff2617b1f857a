/* summary.c -- ocsdns-plan: each role, its servers and their addresses. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static const char *const cols[] = { "role", "kind", "name", "fqdn",
    "internal", "perimeter", "external", "version" };

/* What kind of role r is, in the words of the Planning Tool's summary. */
static const char *
kind_of(const struct cfg_role *r)
{
	if (r->kind == OCS_KIND_POOL) {
		if (r->edition == CONFIG_EDITION_STANDARD)
			return "Standard Edition server";
		return r->topology == CONFIG_TOPOLOGY_EXPANDED ?
		    "Enterprise pool, expanded" : "Enterprise pool, consolidated";
	}
	if (r->kind == OCS_KIND_DIRECTOR && r->nmembers > 0)
		return "array of Directors";
	return ocs_roles[r->kind].what;
}

/* One row, the addresses in the column of the scope. */
static int
row(struct plan *p, const char *role, const char *kind, const char *name,
    const char *fqdn, enum ocs_scope scope, const struct cfg_addr *a,
    size_t n)
{
	char *addrs = plan_addrs(a, n);
	if (addrs == NULL)
		return -1;
	int rc = plan_table_add(&p->t[PLAN_SUMMARY], role, kind, name, fqdn,
	    scope == OCS_SCOPE_INTERNAL ? addrs : "",
	    scope == OCS_SCOPE_PERIMETER ? addrs : "",
	    scope == OCS_SCOPE_EXTERNAL ? addrs : "", plan_version(p->cfg));
	free(addrs);
	return rc;
}

static int
role_rows(struct plan *p, size_t ri)
{
	const struct config *cfg = p->cfg;
	const struct cfg_role *r = &cfg->roles[ri];
	const struct ocs_role_def *def = &ocs_roles[r->kind];
	char label[160];

	plan_role_label(cfg, ri, label, sizeof(label));
	for (size_t k = 0; k < OCS_NNAMES; k++) {
		const struct cfg_role_name *n = &r->names[k];
		if (def->names[k].key == NULL || n->fqdn == NULL)
			continue;
		if (row(p, label, kind_of(r), def->names[k].what, n->fqdn,
		    def->names[k].scope, n->addrs, n->naddrs) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->nmembers; i++) {
		const struct cfg_member *m = &r->members[i];
		if (row(p, label, kind_of(r), def->members[m->slot], m->fqdn,
		    OCS_SCOPE_INTERNAL, m->addrs, m->naddrs) < 0)
			return -1;
	}
	/* The names the topology made in other SIP domains for this role. */
	for (size_t h = 0; h < cfg->nhosts; h++) {
		const struct cfg_host *c = &cfg->hosts[h];
		if (c->copy_of < 0 || c->role != (int)ri)
			continue;
		const struct cfg_host *src = &cfg->hosts[c->copy_of];
		enum ocs_scope scope = src->scope == CFG_SCOPE_EXTERNAL ?
		    OCS_SCOPE_EXTERNAL : OCS_SCOPE_INTERNAL;
		char what[300];
		snprintf(what, sizeof(what), "in-domain name for %s", src->name);
		if (row(p, label, kind_of(r), what, c->name, scope, c->addrs,
		    c->naddrs) < 0)
			return -1;
	}
	return 0;
}

/*
 * A domain's targets that are [host]s rather than a role's names: the
 * plain configuration's pool and Access Edge, planned as the roles they are.
 */
static int
target_rows(struct plan *p, const struct cfg_domain *d,
    const struct cfg_targets *t, bool edge)
{
	char label[300];

	snprintf(label, sizeof(label), "[domain %s] %s", d->name,
	    edge ? "access_edge" : "pool");
	for (size_t i = 0; i < t->n; i++) {
		const struct cfg_host *h = config_host(p->cfg, t->v[i].name);
		if (h != NULL && h->role >= 0)
			continue;
		if (row(p, label, edge ? "Access Edge (a [host])" :
		    "server or pool (a [host])", edge ? "the Access Edge's "
		    "external FQDN" : "the pool's FQDN", t->v[i].name,
		    edge ? OCS_SCOPE_EXTERNAL : OCS_SCOPE_INTERNAL,
		    h != NULL ? h->addrs : NULL, h != NULL ? h->naddrs : 0) < 0)
			return -1;
	}
	return 0;
}

int
plan_summary(struct plan *p)
{
	plan_table_init(&p->t[PLAN_SUMMARY], "summary", "Summary", cols,
	    sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < p->cfg->nroles; i++)
		if (role_rows(p, i) < 0)
			return -1;
	for (size_t i = 0; i < p->cfg->ndomains; i++) {
		const struct cfg_domain *d = &p->cfg->domains[i];
		if (target_rows(p, d, &d->pool, false) < 0 ||
		    target_rows(p, d, &d->access_edge, true) < 0)
			return -1;
	}
	return 0;
}
