/* config_roles.c -- server role sections, and the names they give the zones. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"
#include "config_value.h"

/*
 * A role section ([pool NAME], [edge NAME], ...) names FQDNs and gives
 * their addresses; ocs_roles[] says which views see each. After parsing,
 * every such name becomes a host with that scope, so that synthesis, the
 * views and every check treat it as they treat a [host]. A [domain] that
 * names a role (pool = NAME, director = NAME, edge = NAME) gets its SRV
 * targets from it; where the role's FQDN lies outside the SIP domain
 * (several domains on one pool), the domain gets a name of its own for it,
 * with the same addresses: strict domain matching wants the target inside
 * the domain, and RFC 2782 forbids an alias as a target.
 */

/* --- sections ----------------------------------------------------------- */

void
config_roles_section(struct cfg_ctx *ctx, const struct ocs_role_def *role,
    const char *name)
{
	struct config *cfg = ctx->cfg;
	enum ocs_role_kind kind = (enum ocs_role_kind)(role - ocs_roles);
	char norm[CONFIG_VIEW_NAME_MAX + 1], why[CONFIG_WHY_LEN];

	if (config_parse_view_name(name, norm, why, sizeof(why)) == -1) {
		config_diag_error(ctx, ctx->line, "invalid %s name '%s': %s",
		    role->section, name, why);
		return;
	}
	for (size_t i = 0; i < cfg->nroles; i++)
		if (cfg->roles[i].kind == kind &&
		    strcmp(cfg->roles[i].name, norm) == 0) {
			config_diag_error(ctx, ctx->line, "duplicate [%s %s] "
			    "(first on line %d)", role->section, norm,
			    cfg->roles[i].line);
			return;
		}
	size_t nseen = cfg->nroles;
	if (config_ctx_append(ctx, &ctx->rseen, &nseen,
	    sizeof(*ctx->rseen)) == NULL)
		return;
	struct cfg_role *r = config_ctx_append(ctx, &cfg->roles, &cfg->nroles,
	    sizeof(*r));
	if (r == NULL)
		return;
	r->line = ctx->line;
	r->kind = kind;
	config_key_init(CFG_SECT_OF_ROLE(kind), r);
	if ((r->name = config_ctx_strdup(ctx, norm)) == NULL) {
		cfg->nroles--;
		return;
	}
	ctx->cur = cfg->nroles - 1;
	config_seen_start(ctx, &ctx->rseen[ctx->cur]);
	ctx->sect = CFG_SECT_OF_ROLE(kind);
}

static const struct cfg_role *
role_find(const struct config *cfg, enum ocs_role_kind kind, const char *name)
{
	for (size_t i = 0; i < cfg->nroles; i++)
		if (cfg->roles[i].kind == kind &&
		    strcmp(cfg->roles[i].name, name) == 0)
			return &cfg->roles[i];
	return NULL;
}

/* --- the names roles give ----------------------------------------------- */

static bool
in_domain(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	return n == d ? strcmp(name, domain) == 0 :
	    n > d && name[n - d - 1] == '.' && strcmp(name + n - d, domain) == 0;
}

static enum cfg_scope
scope_of(const struct cfg_role *r, enum ocs_name_slot slot)
{
	switch (ocs_roles[r->kind].names[slot].scope) {
	case OCS_SCOPE_EXTERNAL:
		return r->publish_inside ? CFG_SCOPE_ANY : CFG_SCOPE_EXTERNAL;
	case OCS_SCOPE_INTERNAL:
	case OCS_SCOPE_PERIMETER:
		break;
	}
	return CFG_SCOPE_INTERNAL;
}

static const char *
host_origin(const struct config *cfg, const struct cfg_host *h, char *buf,
    size_t len)
{
	if (h->role < 0)
		snprintf(buf, len, "[host %s]", h->name);
	else
		snprintf(buf, len, "[%s %s]",
		    ocs_roles[cfg->roles[h->role].kind].section,
		    cfg->roles[h->role].name);
	return buf;
}

/*
 * A new host named name (folded), or NULL after saying why. addrs are
 * copied; with cname set it is an alias instead.
 */
static struct cfg_host *
host_add(struct cfg_ctx *ctx, const char *name, int line, int role,
    enum cfg_scope scope, const struct cfg_addr *addrs, size_t naddrs,
    const char *cname)
{
	struct config *cfg = ctx->cfg;
	const struct cfg_host *old = config_host(cfg, name);
	char a[CONFIG_NAME_MAX + 32], b[CONFIG_NAME_MAX + 32];

	if (old != NULL) {
		struct cfg_host tmp = { .name = (char *)(uintptr_t)name,
		    .role = role };
		config_diag_error(ctx, line, "%s is named twice: by %s and by "
		    "%s (line %d)", name, host_origin(cfg, &tmp, a, sizeof(a)),
		    host_origin(cfg, old, b, sizeof(b)), old->line);
		return NULL;
	}
	struct cfg_host *h = config_ctx_append_big(ctx, &cfg->hosts,
	    &cfg->nhosts, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->line = line;
	h->role = role;
	h->copy_of = -1;
	h->scope = scope;
	h->zone = -1;
	if ((h->name = config_ctx_strdup(ctx, name)) == NULL)
		goto fail;
	if (cname != NULL) {
		if ((h->cname = config_ctx_strdup(ctx, cname)) == NULL)
			goto fail;
		h->cname_line = line;
	}
	if (naddrs > 0) {
		if ((h->addrs = calloc(naddrs, sizeof(*h->addrs))) == NULL) {
			ctx->oom = true;
			goto fail;
		}
		for (size_t i = 0; i < naddrs; i++) {
			h->addrs[i] = addrs[i];
			h->addrs[i].view = NULL;
		}
		h->naddrs = naddrs;
	}
	if (config_index_add(&cfg->host_index, cfg->hosts, sizeof(*h),
	    cfg->nhosts - 1) == -1)
		ctx->oom = true;
	return h;
fail:
	config_str_free(ctx->strs, h->name);
	config_str_free(ctx->strs, h->cname);
	cfg->nhosts--;
	return NULL;
}

/* The names and servers of role ri, as hosts; what is missing, said. */
static void
role_expand(struct cfg_ctx *ctx, size_t ri)
{
	struct config *cfg = ctx->cfg;
	const struct cfg_role *r = &cfg->roles[ri];
	const struct ocs_role_def *def = &ocs_roles[r->kind];
	bool external = false;

	for (size_t k = 0; k < OCS_NNAMES; k++) {
		const struct ocs_role_name *rn = &def->names[k];
		const struct cfg_role_name *n = &r->names[k];

		if (rn->key == NULL)
			continue;
		if (n->fqdn == NULL) {
			if (rn->required)
				config_diag_error(ctx, r->line, "[%s %s] needs "
				    "%s (%s)", def->section, r->name, rn->key,
				    rn->what);
			if (n->naddrs > 0)
				config_diag_error(ctx, n->addr_line, "%s without "
				    "%s in [%s %s]", rn->address_key, rn->key,
				    def->section, r->name);
			continue;
		}
		external |= rn->scope == OCS_SCOPE_EXTERNAL;
		/* The web farm may be the pool's own name: nothing more. */
		if (k != OCS_NAME_FQDN && r->names[OCS_NAME_FQDN].fqdn != NULL &&
		    strcmp(n->fqdn, r->names[OCS_NAME_FQDN].fqdn) == 0) {
			if (n->naddrs > 0)
				config_diag_error(ctx, n->addr_line, "%s is %s: "
				    "its addresses are the address key's",
				    rn->key, n->fqdn);
			continue;
		}
		if (n->naddrs == 0) {
			config_diag_error(ctx, n->line, "%s %s has no address: "
			    "add %s in [%s %s]", rn->key, n->fqdn,
			    rn->address_key, def->section, r->name);
			continue;
		}
		host_add(ctx, n->fqdn, n->line, (int)ri, scope_of(r,
		    (enum ocs_name_slot)k), n->addrs, n->naddrs, NULL);
	}
	if (r->kind == OCS_KIND_EDGE && !external &&
	    r->names[OCS_NAME_INTERNAL].fqdn != NULL)
		config_diag_error(ctx, r->line, "[edge %s] has no external FQDN: "
		    "give access_edge, webconf_edge or av_edge", r->name);
	for (size_t i = 0; i < r->nmembers; i++) {
		const struct cfg_member *m = &r->members[i];

		if (r->kind == OCS_KIND_POOL && m->slot != OCS_MEMBER_FRONT_END &&
		    r->topology != CONFIG_TOPOLOGY_EXPANDED)
			config_diag_warning(ctx, m->line, "%s: a consolidated "
			    "pool has no separate conferencing servers (set "
			    "topology = expanded)", def->members[m->slot]);
		if (r->kind == OCS_KIND_POOL &&
		    r->edition == CONFIG_EDITION_STANDARD)
			config_diag_warning(ctx, m->line, "%s.%s: a Standard "
			    "Edition server has no other servers (set edition = "
			    "enterprise)", def->members[m->slot], m->fqdn);
		if (m->naddrs > 0)
			host_add(ctx, m->fqdn, m->line, (int)ri,
			    CFG_SCOPE_INTERNAL, m->addrs, m->naddrs, NULL);
	}
	if (r->kind == OCS_KIND_EDGE && r->next_hop != NULL &&
	    role_find(cfg, OCS_KIND_POOL, r->next_hop) == NULL &&
	    role_find(cfg, OCS_KIND_DIRECTOR, r->next_hop) == NULL)
		config_diag_error(ctx, r->next_hop_line, "next_hop = %s: no "
		    "[pool %s] or [director %s] is defined", r->next_hop,
		    r->next_hop, r->next_hop);
}

/* R2 desktop sharing: as.<cwa> and download.<cwa>, aliases of the URL. */
static void
cwa_aliases(struct cfg_ctx *ctx, size_t ri)
{
	const struct cfg_role *r = &ctx->cfg->roles[ri];
	static const enum ocs_name_slot urls[] = { OCS_NAME_FQDN,
	    OCS_NAME_EXTERNAL };

	for (size_t u = 0; u < sizeof(urls) / sizeof(urls[0]); u++) {
		const struct cfg_role_name *n = &r->names[urls[u]];
		char name[CONFIG_NAME_MAX + 16];

		if (n->fqdn == NULL || n->naddrs == 0)
			continue;
		for (size_t i = 0; i < OCS_CWA_NALIASES; i++) {
			snprintf(name, sizeof(name), "%s.%s", ocs_cwa_aliases[i],
			    n->fqdn);
			if (strlen(name) > CONFIG_NAME_MAX)
				continue;
			/* The alias takes the scope of what it points at. */
			host_add(ctx, name, n->line, (int)ri, CFG_SCOPE_ANY, NULL,
			    0, n->fqdn);
		}
	}
}

/* --- what domains take from roles --------------------------------------- */

/*
 * The name domain d publishes for source (a host a role gave): source's
 * own when it is inside d, else given (the domain's *_name key) or
 * label.<domain>, made with source's addresses and scope. NULL: said why.
 */
static const char *
domain_name_for(struct cfg_ctx *ctx, size_t di, const struct cfg_host *source,
    const char *given, const char *label, const char *key, int line)
{
	struct config *cfg = ctx->cfg;
	const char *domain = cfg->domains[di].name;
	char name[CONFIG_NAME_MAX + 2];
	size_t si = (size_t)(source - cfg->hosts);

	if (given == NULL && in_domain(source->name, domain))
		return source->name;
	if (given != NULL) {
		snprintf(name, sizeof(name), "%s", given);
		if (!in_domain(name, domain)) {
			config_diag_error(ctx, line, "%s = %s is outside the SIP "
			    "domain %s", key, name, domain);
			return NULL;
		}
	} else {
		if (label == NULL) {
			size_t n = strcspn(source->name, ".");
			snprintf(name, sizeof(name), "%.*s.%s", (int)n,
			    source->name, domain);
		} else
			snprintf(name, sizeof(name), "%s.%s", label, domain);
		if (strlen(name) > CONFIG_NAME_MAX) {
			config_diag_error(ctx, line, "%s is too long a name: "
			    "set %s", name, key);
			return NULL;
		}
	}
	const struct cfg_host *old = config_host(cfg, name);
	if (old != NULL && (old == source || old->copy_of == (int)si))
		return old->name;
	/* host_add may move cfg->hosts: keep indexes, not pointers. */
	struct cfg_host copy = *source;
	struct cfg_host *h = host_add(ctx, name, line, source->role,
	    copy.scope, copy.addrs, copy.naddrs, NULL);
	if (h == NULL)
		return NULL;
	h->copy_of = (int)si;
	return h->name;
}

/* t becomes the one target name (priority 0, weight 0) at line. */
static void
targets_set(struct cfg_ctx *ctx, struct cfg_targets *t, const char *name,
    int line)
{
	char *dup = config_ctx_strdup(ctx, name);

	if (dup == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		config_str_free(ctx->strs, t->v[i].name);
	config_str_free(ctx->strs, t->v);
	if ((t->v = calloc(1, sizeof(*t->v))) == NULL) {
		ctx->oom = true;
		config_str_free(ctx->strs, dup);
		t->n = 0;
		return;
	}
	t->v[0].name = dup;
	t->n = 1;
	t->line = line;
}

/* The host a role's name slot became, or NULL. */
static const struct cfg_host *
role_host(const struct config *cfg, const struct cfg_role *r,
    enum ocs_name_slot slot)
{
	return r->names[slot].fqdn == NULL ? NULL :
	    config_host(cfg, r->names[slot].fqdn);
}

static void
domain_link(struct cfg_ctx *ctx, size_t di)
{
	struct config *cfg = ctx->cfg;
	struct cfg_domain *d = &cfg->domains[di];
	const struct cfg_seen *ds = &ctx->dseen[di];
	int pool_line = config_seen_line(ctx, ds, CFG_KEY_POOL);
	const struct cfg_role *pool = NULL, *director = NULL, *edge = NULL;

	/* pool = NAME: a [pool] section's name, never a top-level host. */
	if (d->pool.n == 1 && strchr(d->pool.v[0].name, '.') == NULL) {
		pool = role_find(cfg, OCS_KIND_POOL, d->pool.v[0].name);
		if (pool == NULL) {
			config_diag_error(ctx, pool_line, "pool = %s: no [pool "
			    "%s] is defined, and %s is not a fully qualified "
			    "name (did you mean %s.%s?)", d->pool.v[0].name,
			    d->pool.v[0].name, d->pool.v[0].name,
			    d->pool.v[0].name, d->name);
			return;
		}
	}
	if (d->access_edge.n == 1 &&
	    strchr(d->access_edge.v[0].name, '.') == NULL)
		config_diag_error(ctx, config_seen_line(ctx, ds, CFG_KEY_ACCESS_EDGE),
		    "access_edge = %s is not a fully qualified name (did you "
		    "mean %s.%s, or edge = %s for an [edge] section?)",
		    d->access_edge.v[0].name, d->access_edge.v[0].name, d->name,
		    d->access_edge.v[0].name);
	if (d->director != NULL &&
	    (director = role_find(cfg, OCS_KIND_DIRECTOR, d->director)) == NULL)
		config_diag_error(ctx, d->director_line, "director = %s: no "
		    "[director %s] is defined", d->director, d->director);
	if (d->edge != NULL &&
	    (edge = role_find(cfg, OCS_KIND_EDGE, d->edge)) == NULL)
		config_diag_error(ctx, d->edge_line, "edge = %s: no [edge %s] "
		    "is defined", d->edge, d->edge);
	if (d->signin == CONFIG_SIGNIN_DIRECTOR && d->director == NULL)
		config_diag_error(ctx, config_seen_line(ctx, ds, CFG_KEY_SIGNIN), "signin = "
		    "director needs director = NAME in [domain %s]", d->name);
	if (edge != NULL && config_seen_line(ctx, ds, CFG_KEY_ACCESS_EDGE) != 0)
		config_diag_error(ctx, d->edge_line, "[domain %s] has both edge "
		    "and access_edge: the edge's access_edge is the target",
		    d->name);

	const struct cfg_host *h;
	const char *name;
	if (pool != NULL) {
		config_str_free(ctx->strs, d->pool_role);
		if ((d->pool_role = config_ctx_strdup(ctx, pool->name)) == NULL)
			return;
		if ((h = role_host(cfg, pool, OCS_NAME_FQDN)) != NULL &&
		    (name = domain_name_for(ctx, di, h, d->pool_name, NULL,
		    "pool_name", pool_line)) != NULL)
			targets_set(ctx, &d->pool, name, pool_line);
	}
	if (director != NULL && d->signin == CONFIG_SIGNIN_DIRECTOR &&
	    (h = role_host(cfg, director, OCS_NAME_FQDN)) != NULL &&
	    (name = domain_name_for(ctx, di, h, d->director_name, NULL,
	    "director_name", d->director_line)) != NULL)
		targets_set(ctx, &d->pool, name, d->director_line);
	if (edge != NULL) {
		if ((h = role_host(cfg, edge, OCS_NAME_ACCESS_EDGE)) == NULL) {
			if (edge->names[OCS_NAME_ACCESS_EDGE].fqdn == NULL)
				config_diag_error(ctx, d->edge_line, "edge = %s: "
				    "[edge %s] has no access_edge", edge->name,
				    edge->name);
		} else if ((name = domain_name_for(ctx, di, h, d->edge_name,
		    CONFIG_DEFAULT_EDGE_NAME_LABEL, "edge_name",
		    d->edge_line)) != NULL)
			targets_set(ctx, &d->access_edge, name, d->edge_line);
	}
	/* Device Update: the Web Components, on the pool's farm. */
	if (pool != NULL && d->device_update) {
		const struct cfg_host *web = role_host(cfg, pool,
		    OCS_NAME_WEB_FARM);
		if (web == NULL)
			web = role_host(cfg, pool, OCS_NAME_FQDN);
		char du[CONFIG_NAME_MAX + 2];
		snprintf(du, sizeof(du), "%s.%s",
		    ocs_device_update_label(cfg->ocs_version), d->name);
		if (web != NULL && strlen(du) <= CONFIG_NAME_MAX &&
		    config_host(cfg, du) == NULL)
			domain_name_for(ctx, di, web, du, NULL, "device_update",
			    pool_line);
	}
}

/* --- after parsing ------------------------------------------------------ */

void
config_roles_expand(struct cfg_ctx *ctx)
{
	struct config *cfg = ctx->cfg;

	/* No key of the file is the cause of what the names repeat. */
	for (size_t i = 0; i < cfg->nroles; i++)
		role_expand(ctx, i);
	if (cfg->ocs_version == OCS_2007_R2)
		for (size_t i = 0; i < cfg->nroles; i++)
			if (cfg->roles[i].kind == OCS_KIND_CWA)
				cwa_aliases(ctx, i);
	for (size_t i = 0; i < cfg->ndomains; i++)
		domain_link(ctx, i);
}

void
config_roles_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nroles; i++) {
		struct cfg_role *r = &cfg->roles[i];

		config_str_free(cfg->strs, r->name);
		for (size_t k = 0; k < OCS_NNAMES; k++) {
			config_str_free(cfg->strs, r->names[k].fqdn);
			for (size_t j = 0; j < r->names[k].naddrs; j++)
				config_str_free(cfg->strs, r->names[k].addrs[j].view);
			config_str_free(cfg->strs, r->names[k].addrs);
		}
		for (size_t j = 0; j < r->nmembers; j++) {
			config_str_free(cfg->strs, r->members[j].fqdn);
			config_str_free(cfg->strs, r->members[j].addrs);
		}
		free(r->members);
		config_str_free(cfg->strs, r->next_hop);
	}
	free(cfg->roles);
}
