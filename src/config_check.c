/* config_check.c -- after parsing: file-dependent defaults and cross-checks. */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_int.h"
#include "config_value.h"
#include "lookup/lookup_util.h"
#include "par.h"
#include "view.h"

/* --- parts ------------------------------------------------------------- */

/*
 * A check of every domain or host split over the CPUs: each part reads
 * the configuration, writes only its own items, and says its messages into
 * a context of its own; joined in part order, they are one pass's.
 */
struct check_job {
	struct cfg_ctx	*ctx;
	struct cfg_ctx	 part[PAR_THREADS_MAX];
};

static void
check_run(struct check_job *j, size_t nitems,
    void (*fn)(void *, size_t, size_t))
{
	size_t n = par_parts(nitems, CONFIG_PAR_MIN);

	par_run(n, fn, j);
	for (size_t k = 0; k < n; k++)
		config_diag_join(j->ctx, &j->part[k]);
}

/* --- defaults ----------------------------------------------------------- */

/*
 * The defaults the key table says are set after parsing, for each key of
 * obj's section that the file did not give: a text parsed as if written,
 * the host name, a name below the domain, or the [server] value.
 */
static void
row_defaults(struct cfg_ctx *ctx, enum cfg_sect sect,
    const struct cfg_seen *seen, void *obj, const char *domain)
{
	char text[256 > CONFIG_NAME_MAX + 16 ? 256 : CONFIG_NAME_MAX + 16];
	bool given[CFG_KEY_COUNT] = { false };
	/* No key given: seen_ent may still be NULL, so no offset to it. */
	for (size_t i = 0; i < seen->n; i++)
		given[ctx->seen_ent[seen->first + i].slot] = true;
	size_t nrows;
	const uint16_t *rows = config_sect_rows(sect, &nrows);
	for (size_t r = 0; r < nrows; r++) {
		size_t i = rows[r];
		const struct cfg_keydef *kd = &cfg_keys[i];
		struct cfg_keyref ref = { kd, (enum cfg_key)i, NULL };

		if (given[i])
			continue;
		switch (kd->def) {
		case CFG_DEF_TEXT:
			config_key_set(ctx, &ref, kd->name, kd->dtext, obj);
			break;
		case CFG_DEF_HOSTNAME:
			if (gethostname(text, sizeof(text)) != 0)
				break;
			text[sizeof(text) - 1] = '\0';
			if (text[0] != '\0')
				config_key_set(ctx, &ref, kd->name, text, obj);
			break;
		case CFG_DEF_BELOW_DOMAIN: {
			/*
			 * ns1.<253 chars> may exceed the limit: then skip. Two
			 * memcpy()s, not snprintf(): it was 40% of this
			 * function at 10,000 domains.
			 */
			size_t l1 = strlen(kd->dtext), l2 = strlen(domain);
			if (l1 + l2 > CONFIG_NAME_MAX)
				break;
			memcpy(text, kd->dtext, l1);
			memcpy(text + l1, domain, l2 + 1);
			/* A label and a stored name: stored form, not parsed again. */
			config_key_set_norm(ctx, &ref, text, obj);
			break;
		}
		case CFG_DEF_INHERIT: {
			const struct cfg_keydef *from = &cfg_keys[kd->inherit];
			config_key_put_number(kd, config_key_value(kd, ref.slot,
			    obj), config_key_get_number(from, config_key_value(
			    from, kd->inherit, ctx->cfg)));
			break;
		}
		default:
			break;		/* set before parsing, or none */
		}
	}
}

static void
defaults_part(void *arg, size_t k, size_t n)
{
	struct check_job *j = arg;
	struct cfg_ctx *pc = &j->part[k];
	struct config *cfg = j->ctx->cfg;

	config_diag_part(pc, j->ctx);
	for (size_t i = cfg->ndomains * k / n; i < cfg->ndomains * (k + 1) / n;
	    i++)
		row_defaults(pc, CFG_SECT_DOMAIN, &pc->dseen[i],
		    &cfg->domains[i], cfg->domains[i].name);
}

void
config_check_defaults(struct cfg_ctx *ctx)
{
	struct config *cfg = ctx->cfg;

	/* No key of the file is the cause of what these might report. */
	ctx->line = 0;
	row_defaults(ctx, CFG_SECT_SERVER, &ctx->server_seen, cfg, NULL);
	for (size_t i = 0; i < cfg->nviews; i++)
		cfg->views[i].allow_transfer_set =
		    config_seen_line(ctx, &ctx->vseen[i],
		    CFG_KEY_VIEW_ALLOW_TRANSFER) != 0;
	ctx->strs_on = true;		/* a domain's ns and hostmaster */
	struct check_job j = { .ctx = ctx };
	check_run(&j, cfg->ndomains, defaults_part);
	ctx->strs_on = false;
}

/* --- cross-checks ------------------------------------------------------- */

/* name equals zone or ends in ".zone". */
static bool
name_in_zone(const char *name, const char *zone)
{
	size_t nlen = strlen(name), zlen = strlen(zone);

	if (nlen == zlen)
		return strcasecmp(name, zone) == 0;
	if (nlen < zlen)
		return false;
	return name[nlen - zlen - 1] == '.' &&
	    strcasecmp(name + nlen - zlen, zone) == 0;
}

/* The nearest configured host, as lookup_near() judges a typo. */
const char *
config_near_host(const struct config *cfg, const char *name)
{
	const char *best = NULL;
	int bestd = LOOKUP_NEAR_MAX + 1;

	for (size_t i = 0; i < cfg->nhosts; i++) {
		int d = lookup_near(name, cfg->hosts[i].name);

		if (d >= 0 && d < bestd) {
			bestd = d;
			best = cfg->hosts[i].name;
		}
	}
	return best;
}

static void
check_targets(struct cfg_ctx *ctx, const struct cfg_domain *d,
    const struct cfg_targets *t)
{
	const struct config *cfg = ctx->cfg;

	for (size_t i = 0; i < t->n; i++) {
		const char *name = t->v[i].name;

		if (!name_in_zone(name, d->name))
			config_diag_warning(ctx, t->line, "target %s is outside "
			    "the SIP domain %s: Communicator's strict domain "
			    "matching will refuse it", name, d->name);
		/* Most targets have a host: config_check_link() found it. */
		if (t->v[i].host >= 0 ||
		    config_zone_of_norm(cfg, name) == NULL)
			continue;
		const char *near = config_near_host(cfg, name);
		if (near != NULL)
			config_diag_error(ctx, t->line, "target %s does not "
			    "exist: did you mean %s? (or add [host %s])", name,
			    near, name);
		else
			config_diag_error(ctx, t->line, "target %s has no "
			    "address: add [host %s]", name, name);
	}
}

static void
check_cname(struct cfg_ctx *ctx, const struct cfg_host *h)
{
	const struct config *cfg = ctx->cfg;
	const struct cfg_domain *d = config_domain_norm(cfg, h->name);

	if (d != NULL)
		config_diag_error(ctx, h->cname_line, "host %s is the apex of "
		    "domain %s: it cannot be a cname (the apex has SOA and NS)",
		    h->name, d->name);
	if (strcmp(h->cname, h->name) == 0) {
		config_diag_error(ctx, h->cname_line, "cname of %s points to "
		    "itself", h->name);
		return;
	}
	const char *cur = h->cname;
	for (size_t steps = 0; steps < cfg->nhosts; steps++) {
		const struct cfg_host *next = config_host_norm(cfg, cur);

		if (next == NULL || next->cname == NULL)
			return;
		if (strcmp(next->cname, h->name) == 0) {
			config_diag_error(ctx, h->cname_line, "cname chain "
			    "from %s loops back to it (via %s)", h->name,
			    next->name);
			return;
		}
		cur = next->cname;
	}
}

/* Warnings about what an external view would publish. */
static void
check_external(struct cfg_ctx *ctx, size_t vi)
{
	const struct config *cfg = ctx->cfg;
	const struct cfg_view *v = &cfg->views[vi];

	/* An edge = NAME that made no target has had its error. */
	for (size_t i = 0; i < cfg->ndomains; i++)
		if (cfg->domains[i].access_edge.n == 0 &&
		    cfg->domains[i].edge == NULL)
			config_diag_warning(ctx, cfg->domains[i].line, "domain "
			    "%s has no access_edge: external view %s will have "
			    "no SRV record for it", cfg->domains[i].name,
			    v->name);
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct cfg_host *h = &cfg->hosts[i];

		for (size_t j = 0; j < h->naddrs; j++) {
			const struct cfg_addr *a = &h->addrs[j];
			char text[INET6_ADDRSTRLEN];

			if (!view_addr_visible(cfg, (int)vi, h, a) ||
			    !view_addr_private(a))
				continue;
			inet_ntop(a->family, &a->u, text, sizeof(text));
			config_diag_warning(ctx, a->line, "host %s: %s is a "
			    "private address, published in external view %s "
			    "(use address.internal to keep it inside)", h->name,
			    text, v->name);
		}
	}
}

/*
 * config_zone_of_norm(), asking last first at each label: the hosts of a
 * domain mostly follow it, and a look-up that finds its name costs two
 * cache misses more than one that does not (the domain, then its name).
 */
static const struct cfg_domain *
zone_of_near(const struct config *cfg, const char *p,
    const struct cfg_domain *last)
{
	for (;;) {
		if (last != NULL && strcmp(p, last->name) == 0)
			return last;
		const struct cfg_domain *d = config_domain_norm(cfg, p);
		if (d != NULL)
			return d;
		if ((p = strchr(p, '.')) == NULL)
			return NULL;
		p++;
	}
}

/*
 * Whether name is last or below it, and no domain lies between: then last
 * is its zone with no look-up (a look-up of its full name, which is seldom
 * a domain, was the host's one cache miss).
 */
static bool
in_leaf(const char *name, const struct cfg_domain *last, size_t last_len,
    const uint8_t *parent, const struct config *cfg)
{
	if (last == NULL || parent == NULL || parent[last - cfg->domains])
		return false;
	size_t n = strlen(name);
	if (n < last_len || memcmp(name + n - last_len, last->name,
	    last_len) != 0)
		return false;
	return n == last_len || name[n - last_len - 1] == '.';
}

/*
 * config_host_norm(), asking the few hosts from next on first: a domain's
 * targets are mostly its own hosts, which follow it in the file in the
 * order its keys name them, and a look-up that finds a name costs three
 * cache misses (the slot, the host, its name). Names are unique, so the
 * one with this name is the host.
 */
#define HOST_NEAR	4

static const struct cfg_host *
host_near(const struct config *cfg, const char *name, size_t next)
{
	for (size_t i = next; i < next + HOST_NEAR && i < cfg->nhosts; i++)
		if (strcmp(cfg->hosts[i].name, name) == 0)
			return &cfg->hosts[i];
	return config_host_norm(cfg, name);
}

/*
 * A part of the link, on its own CPU: its share of the hosts' zones and
 * of the targets' hosts. Each part reads the indexes and writes only its
 * own items.
 */
struct link_job {
	struct config	*cfg;
	uint8_t		*parent;	/* by domain: 1 when one lies below;
					   NULL (out of memory): not known */
};

static void
link_part(void *arg, size_t k, size_t n)
{
	const struct link_job *j = arg;
	struct config *cfg = j->cfg;
	const struct cfg_domain *last = NULL;
	size_t last_len = 0;

	for (size_t i = cfg->nhosts * k / n; i < cfg->nhosts * (k + 1) / n;
	    i++) {
		const char *name = cfg->hosts[i].name;
		const struct cfg_domain *d = in_leaf(name, last, last_len,
		    j->parent, cfg) ? last : zone_of_near(cfg, name, last);
		cfg->hosts[i].zone = d ? (int)(d - cfg->domains) : -1;
		if (d != NULL && d != last) {
			last = d;
			last_len = strlen(d->name);
		}
	}
	size_t next = 0;	/* the host after the last target found */
	for (size_t d = cfg->ndomains * k / n; d < cfg->ndomains * (k + 1) / n;
	    d++) {
		struct cfg_targets *ts[2] = { &cfg->domains[d].pool,
		    &cfg->domains[d].access_edge };
		for (size_t s = 0; s < 2; s++)
			for (size_t t = 0; t < ts[s]->n; t++) {
				const struct cfg_host *h = host_near(cfg,
				    ts[s]->v[t].name, next);
				ts[s]->v[t].host = h ? (int)(h - cfg->hosts) : -1;
				if (h != NULL)
					next = (size_t)(h - cfg->hosts) + 1;
			}
	}
}

/*
 * Which domains have another below them: the nearest domain above each
 * one is its parent. Most share the one above (or none, "lab"): it is
 * looked up once for each run of the same suffix.
 */
static int
parents_mark(const struct config *cfg, uint8_t **parent)
{
	const char *prev = NULL;
	const struct cfg_domain *up = NULL;

	if ((*parent = calloc(cfg->ndomains ? cfg->ndomains : 1, 1)) == NULL)
		return -1;
	for (size_t d = 0; d < cfg->ndomains; d++) {
		const char *p = strchr(cfg->domains[d].name, '.');
		if (p == NULL)
			continue;
		p++;
		if (prev == NULL || strcmp(p, prev) != 0) {
			up = config_zone_of_norm(cfg, p);
			prev = p;
		}
		if (up != NULL)
			(*parent)[up - cfg->domains] = 1;
	}
	return 0;
}

/*
 * Each host's domain, each target's host, and whether a pool names a
 * host: looked up once here, kept as indexes for the checks and synthesis.
 */
void
config_check_link(struct config *cfg)
{
	struct link_job j = { cfg, NULL };

	(void)parents_mark(cfg, &j.parent);	/* NULL: the slow way */
	par_run(par_parts(cfg->nhosts, CONFIG_PAR_MIN), link_part, &j);
	free(j.parent);
	/* After the parts: two domains' pools may name one host. */
	for (size_t d = 0; d < cfg->ndomains; d++)
		for (size_t t = 0; t < cfg->domains[d].pool.n; t++) {
			int h = cfg->domains[d].pool.v[t].host;
			if (h >= 0)
				cfg->hosts[h].pool = true;
		}
}

/* The checks of domain i. */
static void
check_domain(struct cfg_ctx *ctx, size_t i)
{
	const struct cfg_domain *d = &ctx->cfg->domains[i];
	const struct cfg_seen *ds = &ctx->dseen[i];

	if (config_seen_line(ctx, ds, CFG_KEY_POOL) == 0 &&
	    config_seen_line(ctx, ds, CFG_KEY_ACCESS_EDGE) == 0 &&
	    config_seen_line(ctx, ds, CFG_KEY_EDGE) == 0 &&
	    config_seen_line(ctx, ds, CFG_KEY_DIRECTOR) == 0)
		config_diag_error(ctx, d->line, "domain %s has neither "
		    "pool nor access_edge", d->name);
	if (d->federation && d->access_edge.n == 0 &&
	    config_seen_line(ctx, ds, CFG_KEY_EDGE) == 0)
		config_diag_error(ctx, config_seen_line(ctx, ds, CFG_KEY_FEDERATION),
		    "federation = yes needs an access_edge in "
		    "[domain %s]", d->name);
	check_targets(ctx, d, &d->pool);
	check_targets(ctx, d, &d->access_edge);
}

/* The checks of host i. */
static void
check_host(struct cfg_ctx *ctx, size_t i)
{
	const struct config *cfg = ctx->cfg;
	const struct cfg_host *h = &cfg->hosts[i];

	if (h->role >= 0 || h->copy_of >= 0) {
		/* Made from a role: config_roles.c checked its keys. */
		if (h->copy_of < 0 && h->cname == NULL && h->zone < 0)
			config_diag_warning(ctx, h->line, "%s (in [%s "
			    "%s]) is in no configured domain and is not "
			    "served", h->name,
			    ocs_roles[cfg->roles[h->role].kind].section,
			    cfg->roles[h->role].name);
		return;
	}
	const struct cfg_seen *hs = &ctx->hseen[i];
	bool has_address = config_seen_line(ctx, hs, CFG_KEY_ADDRESS) != 0 ||
	    config_seen_line(ctx, hs, CFG_KEY_ADDRESS_VIEW) != 0;

	if (!has_address && h->cname_line == 0)
		config_diag_error(ctx, h->line, "host %s has neither "
		    "address nor cname", h->name);
	if (has_address && h->cname_line != 0)
		config_diag_error(ctx, h->cname_line, "host %s has both "
		    "address and cname: a cname excludes other data",
		    h->name);
	for (size_t j = 0; j < h->naddrs; j++) {
		const struct cfg_addr *a = &h->addrs[j];

		if (a->view != NULL && view_find(cfg, a->view) == NULL)
			config_diag_error(ctx, a->line, "address.%s: no "
			    "[view %s] is defined", a->view, a->view);
	}
	if (h->cname != NULL)
		check_cname(ctx, h);
	if (h->zone < 0)	/* config_check_link() */
		config_diag_warning(ctx, h->line, "host %s is in no "
		    "configured domain and is not served", h->name);
}

static void
validate_domains_part(void *arg, size_t k, size_t n)
{
	struct check_job *j = arg;
	struct cfg_ctx *pc = &j->part[k];
	const struct config *cfg = j->ctx->cfg;

	config_diag_part(pc, j->ctx);
	for (size_t i = cfg->ndomains * k / n; i < cfg->ndomains * (k + 1) / n;
	    i++)
		check_domain(pc, i);
}

static void
validate_hosts_part(void *arg, size_t k, size_t n)
{
	struct check_job *j = arg;
	struct cfg_ctx *pc = &j->part[k];
	const struct config *cfg = j->ctx->cfg;

	config_diag_part(pc, j->ctx);
	for (size_t i = cfg->nhosts * k / n; i < cfg->nhosts * (k + 1) / n; i++)
		check_host(pc, i);
}

void
config_check_validate(struct cfg_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;

	for (size_t i = 0; i < cfg->nviews; i++) {
		const struct cfg_view *v = &cfg->views[i];
		const struct cfg_seen *vs = &ctx->vseen[i];

		if (config_seen_line(ctx, vs, CFG_KEY_MATCH) == 0 &&
		    config_seen_line(ctx, vs, CFG_KEY_MATCH_DESTINATION) == 0 &&
		    config_seen_line(ctx, vs, CFG_KEY_MATCH_KEYS) == 0)
			config_diag_warning(ctx, v->line, "view %s has neither "
			    "match nor match_destination: no client will use it",
			    v->name);
		else if (v->nmatch_keys == 0 && view_shadowed(cfg, i))
			config_diag_warning(ctx, v->line, "view %s can never "
			    "match: earlier views take every client it matches",
			    v->name);
		if (v->external)
			check_external(ctx, i);
	}
	/* Domains, then hosts: the order of their messages of one line. */
	struct check_job j = { .ctx = ctx };
	check_run(&j, cfg->ndomains, validate_domains_part);
	check_run(&j, cfg->nhosts, validate_hosts_part);
}
