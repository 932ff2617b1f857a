/* signin_check.c -- ocsdnsd -t and reload: the sign-in run over a snapshot. */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dns.h"
#include "par.h"
#include "signin/signin.h"
#include "signin/signin_check.h"
#include "signin/signin_check_int.h"
#include "snapshot.h"
#include "view.h"
#include "wire.h"

/*
 * Which faults are errors. A served record that cannot work is an error:
 * an SRV target with no address in a view that serves the SRV record, an
 * SRV target that is an alias, a target outside every zone where a name
 * inside was clearly meant (one label), a domain that cannot sign in from
 * a view where it should (every internal view; an external view when the
 * domain has an access edge). A likely mistake that can still work is a
 * warning: an SRV priority or weight equal to a service port, a private
 * address published in an external view, a name server without an
 * address, a record of TTL 0, internal SRV records in an external view,
 * an SRV record on another service's port, an alias to a name that does
 * not exist (a typo of a configured host, said with "did you mean"),
 * allow_root without a user when the check itself runs as root. A target
 * that repeats the domain is an error where it has no address.
 * What the configuration loader has already said (a target outside the
 * SIP domain) and what follows from another fault (a service with no
 * usable target) is not said again.
 */

/*
 * Domains times views below which the check runs in one thread, and the
 * domains a part checks in a round when it does not: a round's verdicts
 * wait for its slowest part, and are held until then.
 */
#define CHECK_PARALLEL_MIN	4096
#define CHECK_ROUND		1024

/* --- where a fault comes from ------------------------------------------- */

/* The [domain] key that made a target: line and name, or NULL (zone file). */
struct source {
	const char	*key;
	int		 line;
	const struct cfg_target *target;
};

static const char *
key_name(const struct cfg_domain *d, const struct cfg_targets *t)
{
	if (t == &d->access_edge)
		return d->edge != NULL && t->line == d->edge_line ? "edge" :
		    "access_edge";
	return d->director != NULL && t->line == d->director_line ?
	    "director" : "pool";
}

static bool
target_source(const struct cfg_domain *d, const char *name, bool external,
    struct source *src)
{
	const struct cfg_targets *order[2] = { &d->pool, &d->access_edge };

	if (external) {
		order[0] = &d->access_edge;
		order[1] = &d->pool;
	}
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < order[k]->n; i++)
			if (strcmp(order[k]->v[i].name, name) == 0) {
				src->key = key_name(d, order[k]);
				src->line = order[k]->line;
				src->target = &order[k]->v[i];
				return true;
			}
	src->key = NULL;
	src->line = 0;
	src->target = NULL;
	return false;
}

/*
 * The zone file that may hold origin's records in view (NULL: the
 * implicit view): zones/VIEW/ORIGIN.zone, zones/ORIGIN.zone, or the
 * zones directory, relative to the configuration file as zonefile.c reads
 * it. Without a zones directory, the configuration file.
 */
static void
zone_path(const struct config *cfg, const char *view, const char *origin,
    char *out, size_t outsz)
{
	char dir[PATH_MAX];

	if (cfg->zones_dir == NULL) {
		snprintf(out, outsz, "%s", cfg->path);
		return;
	}
	const char *slash = strrchr(cfg->path, '/');
	if (cfg->zones_dir[0] == '/' || slash == NULL)
		snprintf(dir, sizeof(dir), "%s", cfg->zones_dir);
	else
		snprintf(dir, sizeof(dir), "%.*s/%s",
		    (int)(slash - cfg->path), cfg->path, cfg->zones_dir);
	/* A path too long for out is not the file: the directory then. */
	if (view != NULL && snprintf(out, outsz, "%s/%s/%s.zone", dir, view,
	    origin) < (int)outsz && access(out, F_OK) == 0)
		return;
	if (snprintf(out, outsz, "%s/%s.zone", dir, origin) >= (int)outsz ||
	    access(out, F_OK) != 0)
		snprintf(out, outsz, "%s", dir);
}

/* The SRV owners of this run that name target, comma-separated. */
static void
owners_of(const struct signin *lk, const char *target, char *out,
    size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t s = 0; s < OCS_NSERVICES; s++) {
		const ldns_rr *srv[SIGNIN_MAX_SRV];
		int n = signin_srv_records(lk, lk->srvq[s], srv);

		for (int i = 0; i < n && len < outsz; i++) {
			char name[LOOKUP_NAME_MAX];

			signin_srv_target(srv[i], name, sizeof(name));
			if (strcmp(name, target) != 0)
				continue;
			len += (size_t)snprintf(out + len, outsz - len, "%s%s",
			    len ? ", " : "", lk->q[lk->srvq[s]].name);
			break;
		}
	}
}

/* Whether every internal SRV target of the run is in the domain's pool. */
static bool
pools_configured(const struct signin *lk, const struct cfg_domain *d)
{
	for (size_t s = 0; s < OCS_NSERVICES; s++) {
		const ldns_rr *srv[SIGNIN_MAX_SRV];
		int n = ocs_services[s].internal ?
		    signin_srv_records(lk, lk->srvq[s], srv) : 0;

		for (int i = 0; i < n; i++) {
			char name[LOOKUP_NAME_MAX];
			bool found = false;

			signin_srv_target(srv[i], name, sizeof(name));
			for (size_t k = 0; k < d->pool.n && !found; k++)
				found = strcmp(d->pool.v[k].name, name) == 0;
			if (!found)
				return false;
		}
	}
	return true;
}

/* --- one domain in one view --------------------------------------------- */

struct here {
	size_t		 v;
	const char	*view;		/* its name */
	const char	*zview;		/* its zones/ subdirectory, or NULL */
	bool		 external;
	const struct cfg_domain *d;
};

static void
fault_noaddr(struct check *c, const struct here *h, const struct signin *lk,
    const struct signin_msg *m)
{
	const struct signin_target *t = signin_find_target(lk, m->name);
	char owners[4 * LOOKUP_NAME_MAX], zpath[PATH_MAX];
	struct source src;

	if (t != NULL && t->cname)
		return;		/* the alias is the fault: said once */
	owners_of(lk, m->name, owners, sizeof(owners));
	if (!target_source(h->d, m->name, h->external, &src)) {
		const char *near = t != NULL && t->qa >= 0 &&
		    lk->q[t->qa].rcode == LDNS_RCODE_NXDOMAIN ?
		    config_near_host(c->cfg, m->name) : NULL;

		zone_path(c->cfg, h->zview, h->d->name, zpath, sizeof(zpath));
		if (near != NULL)
			check_msg_add(c, zpath, 0, false, "view %s: %s: SRV target %s "
			    "does not exist: did you mean %s? (the zone file "
			    "has errors)", h->view, owners, m->name, near);
		else
			check_msg_add(c, zpath, 0, false, "view %s: %s: SRV target %s "
			    "has no A or AAAA record in this view (the zone "
			    "file has errors)", h->view, owners, m->name);
		return;
	}
	const struct cfg_host *host = config_host(c->cfg, m->name);
	if (host != NULL)
		check_msg_add(c, c->cfg->path, src.line, false, "[domain %s] %s: "
		    "target %s has no address in view %s, which serves SRV "
		    "records for it (%s): [host %s] at line %d has no address "
		    "that view publishes", h->d->name, src.key, m->name,
		    h->view, owners, m->name, host->line);
	else
		check_msg_add(c, c->cfg->path, src.line, false, "[domain %s] %s: "
		    "target %s has no address in view %s, which serves SRV "
		    "records for it (%s)", h->d->name, src.key, m->name,
		    h->view, owners);
}

static void
fault_cname(struct check *c, const struct here *h, const struct signin *lk,
    const struct signin_msg *m)
{
	char owners[4 * LOOKUP_NAME_MAX], zpath[PATH_MAX];
	struct source src;

	owners_of(lk, m->name, owners, sizeof(owners));
	if (!target_source(h->d, m->name, h->external, &src)) {
		zone_path(c->cfg, h->zview, h->d->name, zpath, sizeof(zpath));
		check_msg_add(c, zpath, 0, false, "%s: SRV target %s is an alias "
		    "(CNAME): RFC 2782 forbids it, name the host itself (the "
		    "zone file has errors)", owners, m->name);
		return;
	}
	const struct cfg_host *host = config_host(c->cfg, m->name);
	if (host != NULL && host->cname != NULL)
		check_msg_add(c, c->cfg->path, src.line, false, "[domain %s] %s: "
		    "target %s is an alias (cname = %s, line %d): RFC 2782 "
		    "forbids an alias as SRV target, name %s itself",
		    h->d->name, src.key, m->name, host->cname,
		    host->cname_line, host->cname);
	else
		check_msg_add(c, c->cfg->path, src.line, false, "[domain %s] %s: "
		    "target %s is an alias (CNAME): RFC 2782 forbids an alias "
		    "as SRV target", h->d->name, src.key, m->name);
}

static void
fault_outside(struct check *c, const struct here *h,
    const struct signin_msg *m)
{
	char zpath[PATH_MAX];
	struct source src;
	bool configured = target_source(h->d, m->name, h->external, &src);

	if (strchr(m->name, '.') != NULL) {
		if (configured)
			return;	/* the loader warned at the key */
		zone_path(c->cfg, h->zview, h->d->name, zpath, sizeof(zpath));
		check_msg_add(c, zpath, 0, true, "view %s: %s", h->view, m->text);
		return;
	}
	/* One label: the top-level name NAME., meant as NAME.<domain>. */
	if (configured)
		check_msg_add(c, c->cfg->path, src.line, false, "[domain %s] %s: "
		    "target %s is outside every zone (in view %s): did you "
		    "mean %s.%s?", h->d->name, src.key, m->name, h->view,
		    m->name, h->d->name);
	else {
		zone_path(c->cfg, h->zview, h->d->name, zpath, sizeof(zpath));
		check_msg_add(c, zpath, 0, false, "view %s: %s.%s SRV: target %s. "
		    "is outside every zone: a missing domain (%s.%s.?) (the "
		    "zone file has errors)", h->view,
		    ocs_services[m->service].owner, h->d->name, m->name,
		    m->name, h->d->name);
	}
}

/* An SRV record on another service's port: the INI's port key, or a zone. */
static void
fault_port(struct check *c, const struct here *h, const struct signin_msg *m)
{
	size_t s = (size_t)m->service;
	char zpath[PATH_MAX];

	if (h->d->port[s] != ocs_services[s].port) {
		check_msg_add(c, c->cfg->path, h->d->line, true, "[domain %s] %s = "
		    "%u: %s", h->d->name, ocs_services[s].port_key,
		    (unsigned)h->d->port[s], m->text);
		return;
	}
	zone_path(c->cfg, h->zview, h->d->name, zpath, sizeof(zpath));
	check_msg_add(c, zpath, 0, true, "view %s: %s", h->view, m->text);
}

/*
 * A target that repeats the domain: an error where it has no address (the
 * SRV record cannot work), a warning where someone gave it one.
 */
static void
fault_repeat(struct check *c, const struct here *h, const struct signin *lk,
    const struct signin_msg *m)
{
	const struct signin_target *t = signin_find_target(lk, m->name);
	bool warning = t != NULL && t->naddr > 0;
	char zpath[PATH_MAX];
	struct source src;

	if (target_source(h->d, m->name, h->external, &src)) {
		check_msg_add(c, c->cfg->path, src.line, warning, "[domain %s] %s: "
		    "view %s: %s", h->d->name, src.key, h->view, m->text);
		return;
	}
	zone_path(c->cfg, h->zview, h->d->name, zpath, sizeof(zpath));
	check_msg_add(c, zpath, 0, warning, "view %s: %s%s", h->view, m->text,
	    warning ? "" : " (the zone file has errors)");
}

/* A name server of the domain without an address in this view. */
static void
ns_missing(struct check *c, const struct here *h, const char *name)
{
	size_t k;

	for (k = 0; k < c->nmiss; k++)
		if (strcmp(c->miss[k], name) == 0)
			break;
	if (k == c->nmiss) {
		if (c->nmiss == SIGNIN_MAX_NS)
			return;
		snprintf(c->miss[k], LOOKUP_NAME_MAX, "%s", name);
		c->missv[k][0] = '\0';
		c->nmiss++;
	}
	size_t len = strlen(c->missv[k]);
	snprintf(c->missv[k] + len, LOOKUP_NAME_MAX - len, "%s%s",
	    len ? ", " : "", h->view);
}

static void
check_fault(struct check *c, const struct here *h, const struct signin *lk,
    const struct signin_msg *m)
{
	switch (m->kind) {
	case SIGNIN_F_QUERY:
		/* REFUSED: a name in no zone of the view, said as outside. */
		if (strstr(m->text, "REFUSED") == NULL)
			check_msg_add(c, c->cfg->path, 0, false, "view %s: %s",
			    h->view, m->text);
		break;
	case SIGNIN_F_TTL0:
	case SIGNIN_F_TOO_MANY:
		check_msg_add(c, c->cfg->path, 0, true, "view %s: %s", h->view,
		    m->text);
		break;
	case SIGNIN_F_OUTSIDE:
		fault_outside(c, h, m);
		break;
	case SIGNIN_F_NOADDR:
		fault_noaddr(c, h, lk, m);
		break;
	case SIGNIN_F_CNAME:
		fault_cname(c, h, lk, m);
		break;
	case SIGNIN_F_POOLS:
		/* Several targets in one pool key are meant: a list. */
		if (!pools_configured(lk, h->d))
			check_msg_add(c, c->cfg->path, h->d->line, true, "view %s: %s",
			    h->view, m->text);
		break;
	case SIGNIN_F_PORT:
		fault_port(c, h, m);
		break;
	case SIGNIN_F_REPEAT:
		fault_repeat(c, h, lk, m);
		break;
	case SIGNIN_F_NS_NOADDR:	/* said once per domain: report_ns() */
		ns_missing(c, h, m->name);
		break;
	case SIGNIN_F_UNUSABLE:		/* follows from the faults above */
	case SIGNIN_F_INTERNAL:
		break;
	}
}

static void
check_one(struct check *c, const struct here *h, struct signin *lk,
    void (*verdict)(void *, const char *), void *arg)
{
	memset(lk, 0, sizeof(*lk));
	lk->send = check_send;
	lk->send_arg = c;
	lk->domain = h->d->name;
	c->view = h->v;
	c->here = 0;
	signin_run(lk);
	if (lk->oom)
		c->oom = true;
	for (int i = 0; i < lk->nwarn; i++)
		check_fault(c, h, lk, &lk->warn[i]);
	for (int i = 0; i < lk->nnote; i++)
		if (lk->note[i].kind == SIGNIN_F_INTERNAL && h->external)
			check_msg_add(c, c->cfg->path, h->d->line, true, "[domain %s]: "
			    "internal SRV records are published in external "
			    "view %s", h->d->name, h->view);
	/* Outside, sign-in is expected only through an access edge. */
	bool expected = !h->external || h->d->access_edge.n > 0;
	if (!lk->ok && expected && c->here == 0)
		check_msg_add(c, c->cfg->path, h->d->line, false, "[domain %s]: "
		    "Communicator cannot sign in from view %s: no usable SRV "
		    "record and no fallback name resolves", h->d->name,
		    h->view);
	if (verdict != NULL) {
		char line[sizeof(lk->verdict) + 2 * LOOKUP_NAME_MAX + 64];

		snprintf(line, sizeof(line), "view %s: %s: %s%s", h->view,
		    h->d->name, lk->verdict, !lk->ok && !expected ?
		    " (no access edge: none expected from this view)" : "");
		verdict(arg, line);
	}
	signin_clear(lk);
}

static void
report_ns(struct check *c, const struct cfg_domain *d)
{
	char (*miss)[LOOKUP_NAME_MAX] = c->miss, (*views)[LOOKUP_NAME_MAX] =
	    c->missv;
	size_t nmiss = c->nmiss;

	char def[LOOKUP_NAME_MAX], zpath[PATH_MAX];

	snprintf(def, sizeof(def), "%s%s", CONFIG_DEFAULT_NS_LABEL, d->name);
	for (size_t k = 0; k < nmiss; k++) {
		bool configured = false;

		for (size_t i = 0; i < d->nns; i++)
			configured |= strcmp(d->ns[i], miss[k]) == 0;
		if (!configured) {
			zone_path(c->cfg, NULL, d->name, zpath, sizeof(zpath));
			check_msg_add(c, zpath, 0, true, "%s NS %s has no address in "
			    "%s %s: a resolver that primes the zone gets no "
			    "address for it", d->name, miss[k],
			    strchr(views[k], ',') ? "views" : "view", views[k]);
			continue;
		}
		check_msg_add(c, c->cfg->path, d->line, true, "[domain %s] ns: name "
		    "server %s has no address in %s %s: a resolver that "
		    "primes the zone gets NXDOMAIN for it and may fail every "
		    "query (%s; add [host %s] with an address)", d->name,
		    miss[k], strchr(views[k], ',') ? "views" : "view",
		    views[k], strcmp(miss[k], def) == 0 ? "it is the default "
		    "ns" : "set in ns", miss[k]);
	}
}

/* An SRV priority or weight equal to a service port: a port was meant. */
static void
check_ports(struct check *c, const struct cfg_domain *d)
{
	const struct cfg_targets *lists[2] = { &d->pool, &d->access_edge };

	for (size_t k = 0; k < 2; k++) {
		const struct cfg_targets *t = lists[k];

		for (size_t i = 0; i < t->n; i++) {
			const struct cfg_target *tg = &t->v[i];

			for (size_t s = 0; s < OCS_NSERVICES; s++) {
				uint16_t port = d->port[s];

				if (port == 0 ||
				    (tg->priority != port && tg->weight != port))
					continue;
				check_msg_add(c, c->cfg->path, t->line, true,
				    "[domain %s] %s: in %s:%u%s the number is "
				    "the SRV %s (host:priority:weight), not a "
				    "port: %u is the %s port (set ports with "
				    "%s)", d->name, key_name(d, t), tg->name,
				    (unsigned)tg->priority, tg->weight ? ":..." :
				    "", tg->priority == port ? "priority" :
				    "weight", (unsigned)port,
				    ocs_services[s].owner,
				    ocs_services[s].port_key);
				break;
			}
		}
	}
}

/* The rcode of a query for name/type in the view c->view; -1: no reply. */
static int
rcode_of(struct check *c, const char *name, ldns_rr_type type)
{
	double ms;
	const char *error;
	ldns_pkt *pkt = check_send(c, name, type, &ms, &error);

	if (pkt == NULL)
		return -1;
	int rc = (int)ldns_pkt_get_rcode(pkt);
	ldns_pkt_free(pkt);
	return rc;
}

/*
 * [host] cname = TARGET where TARGET is in a served zone of the view and
 * does not exist there: an alias to nothing, most often a typo of a
 * configured host.
 */
static void
check_cnames(struct check *c, size_t v)
{
	const struct config *cfg = c->cfg;

	c->view = v;
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct cfg_host *h = &cfg->hosts[i];

		if (h->cname == NULL || h->zone < 0 ||
		    rcode_of(c, h->name, LDNS_RR_TYPE_CNAME) !=
		    LDNS_RCODE_NOERROR ||
		    rcode_of(c, h->cname, LDNS_RR_TYPE_A) !=
		    LDNS_RCODE_NXDOMAIN)
			continue;
		const char *near = config_near_host(cfg, h->cname);
		if (near != NULL)
			check_msg_add(c, cfg->path, h->cname_line, true, "[host %s] "
			    "cname: %s does not exist: did you mean %s?",
			    h->name, h->cname, near);
		else
			check_msg_add(c, cfg->path, h->cname_line, true, "[host %s] "
			    "cname: %s does not exist: the alias points nowhere",
			    h->name, h->cname);
	}
}

/* Whether owner is a fallback A name of a domain: made from a host. */
static bool
fallback_name(const struct config *cfg, const char *owner)
{
	for (size_t f = 0; f < OCS_NFALLBACKS; f++) {
		size_t len = strlen(ocs_fallbacks[f].label);

		if (strncmp(owner, ocs_fallbacks[f].label, len) == 0 &&
		    owner[len] == '.' && config_domain(cfg, owner + len + 1))
			return true;
	}
	return false;
}

/*
 * Private addresses that zone files publish in an external view (the INI
 * hosts' are the loader's warnings, the fallback names have theirs).
 */
static void
check_private(struct check *c, size_t v)
{
	const struct snapshot_view *sv = &c->snap->views[v];
	char zpath[PATH_MAX];

	for (size_t z = 0; z < sv->sv.nzones; z++) {
		const struct synth_zone *zone = &sv->sv.zones[z];
		struct zonewire_iter it;
		struct zonewire_rr rr;

		/* The packed records: an ldns name only for what is reported. */
		zonewire_iter(&zone->wire, ZONEWIRE_ZONE, &it);
		while (zonewire_next(&it, &rr)) {
			struct cfg_addr a = { 0 };
			char owner[LOOKUP_NAME_MAX], text[INET6_ADDRSTRLEN];

			if (rr.type != LDNS_RR_TYPE_A && rr.type != LDNS_RR_TYPE_AAAA)
				continue;
			a.family = rr.type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
			if (rr.rdlen != (a.family == AF_INET ? 4 : 16))
				continue;
			memcpy(&a.u, rr.rdata, rr.rdlen);
			if (!view_addr_private(&a))
				continue;
			ldns_rdf *o = ldns_dname_new_frm_data((uint16_t)rr.owner_len,
			    rr.owner);
			if (o == NULL)
				continue;
			signin_rdf_name(o, owner, sizeof(owner));
			ldns_rdf_deep_free(o);
			if (config_host(c->cfg, owner) != NULL ||
			    fallback_name(c->cfg, owner))
				continue;
			inet_ntop(a.family, &a.u, text, sizeof(text));
			zone_path(c->cfg, sv->cfg != NULL ? sv->cfg->name : NULL,
			    zone->name, zpath, sizeof(zpath));
			check_msg_add(c, zpath, 0, true, "%s: %s is a private address, "
			    "published in external view %s (a zone file for "
			    "that view alone keeps it inside)", owner, text,
			    sv->sv.name);
		}
	}
}

/* --- the check ---------------------------------------------------------- */

int
signin_check(const struct snapshot *snap, FILE *diag,
    void (*verdict)(void *arg, const char *line), void *arg,
    unsigned *nwarn)
{
	return signin_check_until(snap, diag, verdict, arg, nwarn, NULL);
}

/* One domain in every view: its messages are compared with each other. */
static void
check_domain(struct check *c, size_t i, struct signin *lk,
    void (*verdict)(void *, const char *), void *arg)
{
	const struct snapshot *snap = c->snap;
	const struct cfg_domain *d = &c->cfg->domains[i];

	c->order = i;
	c->window = c->nmsgs;
	c->nmiss = 0;
	check_ports(c, d);
	for (size_t v = 0; v < snap->nviews; v++) {
		const struct snapshot_view *sv = &snap->views[v];
		struct here h = {
			.v = v, .view = sv->sv.name, .d = d,
			.zview = sv->cfg != NULL ? sv->cfg->name : NULL,
			.external = sv->sv.external,
		};
		check_one(c, &h, lk, verdict, arg);
	}
	report_ns(c, d);
}

/*
 * A part of the check: a thread's own answer buffer, run and messages,
 * and the verdicts of its domains of the round, kept until the parts
 * before it have given theirs.
 */
struct check_part {
	struct check	 c;
	struct signin	*lk;
	size_t		 from, to;	/* this round's domains */
	char		*lines;		/* verdicts, each ending in '\0' */
	size_t		 len, cap;
	bool		 stopped;
};

struct check_run {
	struct check_part *parts;
	const atomic_bool *stop;
	void		(*verdict)(void *, const char *);
	void		*arg;
};

static void
part_verdict(void *arg, const char *line)
{
	struct check_part *p = arg;
	size_t n = strlen(line) + 1;

	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		while (cap < p->len + n)
			cap *= 2;
		char *v = realloc(p->lines, cap);
		if (v == NULL) {
			p->c.oom = true;
			return;
		}
		p->lines = v;
		p->cap = cap;
	}
	memcpy(p->lines + p->len, line, n);
	p->len += n;
}

static void
part_check(void *arg, size_t k, size_t nparts)
{
	struct check_run *run = arg;
	struct check_part *p = &run->parts[k];
	/* Alone, each verdict as it comes; else held for the round's end. */
	bool alone = nparts == 1 || run->verdict == NULL;
	void (*verdict)(void *, const char *) = alone ? run->verdict :
	    part_verdict;

	for (size_t i = p->from; i < p->to; i++) {
		if (run->stop != NULL && atomic_load(run->stop)) {
			p->stopped = true;
			return;
		}
		check_domain(&p->c, i, p->lk, verdict, alone ? run->arg : p);
	}
}

static void
parts_free(struct check_part *parts, size_t nparts)
{
	for (size_t k = 0; k < nparts; k++) {
		check_msg_flush(&parts[k].c, NULL);	/* frees, prints nothing */
		free(parts[k].lk);
		free(parts[k].c.buf);
		free(parts[k].lines);
	}
	free(parts);
}

int
signin_check_until(const struct snapshot *snap, FILE *diag,
    void (*verdict)(void *arg, const char *line), void *arg,
    unsigned *nwarn, const atomic_bool *stop)
{
	const struct config *cfg = snapshot_config(snap);

	return signin_check_parts(snap, diag, verdict, arg, nwarn, stop,
	    par_parts(cfg->ndomains * snap->nviews, CHECK_PARALLEL_MIN),
	    CHECK_ROUND);
}

int
signin_check_parts(const struct snapshot *snap, FILE *diag,
    void (*verdict)(void *arg, const char *line), void *arg,
    unsigned *nwarn, const atomic_bool *stop, size_t nparts, size_t round)
{
	const struct config *cfg = snapshot_config(snap);
	size_t n = cfg->ndomains;

	if (nparts < 1 || n < 2)
		nparts = 1;
	if (nparts > PAR_THREADS_MAX)
		nparts = PAR_THREADS_MAX;
	if (round < 1)
		round = 1;
	if (nparts == 1 && n > 0)
		round = n;	/* one part: all at once */
	struct check_part *parts = calloc(nparts, sizeof(*parts));
	bool oom = parts == NULL;
	for (size_t k = 0; !oom && k < nparts; k++) {
		parts[k].c.snap = snap;
		parts[k].c.cfg = cfg;
		parts[k].c.buf = malloc(DNS_MAX_MESSAGE);
		parts[k].lk = calloc(1, sizeof(*parts[k].lk));
		oom = parts[k].c.buf == NULL || parts[k].lk == NULL;
	}
	if (oom) {
		if (parts != NULL)
			parts_free(parts, nparts);
		if (diag != NULL)
			fprintf(diag, "%s: sign-in check: out of memory\n",
			    cfg->path);
		return -1;
	}

	/*
	 * The domains in rounds of nparts * round: part k checks the k-th
	 * run of round domains, in a thread of its own, and its verdicts are
	 * given once the round is done, in the domains' order. One part
	 * checks them all in one round and gives each verdict as it comes.
	 */
	struct check_run run = { parts, stop, verdict, arg };
	for (size_t base = 0; base < n; base += nparts * round) {
		for (size_t k = 0; k < nparts; k++) {
			size_t from = base + k * round;
			parts[k].from = from < n ? from : n;
			parts[k].to = n - parts[k].from < round ? n :
			    parts[k].from + round;
		}
		par_run(nparts, part_check, &run);
		bool stopped = false;
		for (size_t k = 0; k < nparts; k++) {
			struct check_part *p = &parts[k];

			for (size_t o = 0; verdict != NULL && o < p->len;
			    o += strlen(p->lines + o) + 1)
				verdict(arg, p->lines + o);
			p->len = 0;
			stopped |= p->stopped;
		}
		if (stopped) {
			parts_free(parts, nparts);
			return -1;
		}
	}

	/* The parts' messages joined in the first: the rest is one thread's. */
	struct check *c = &parts[0].c;
	for (size_t k = 1; k < nparts; k++)
		check_msg_merge(c, &parts[k].c);
	c->order = n;
	for (size_t v = 0; v < snap->nviews; v++) {
		c->window = c->nmsgs;
		if (snap->views[v].sv.external)
			check_private(c, v);
	}
	/* The same alias in every view is one message: no window. */
	c->window = c->nmsgs;
	for (size_t v = 0; v < snap->nviews; v++)
		check_cnames(c, v);
	/* Where the daemon started as now would really run as root. */
	if (geteuid() == 0 && c->cfg->user == NULL && c->cfg->allow_root)
		check_msg_add(c, c->cfg->path, 0, true, "[server] allow_root = yes "
		    "and no user: ocsdnsd would run as root (set [server] user "
		    "to drop to it after binding)");
	int nerrors = c->oom ? -1 : c->nerrors;
	if (nwarn != NULL)
		*nwarn += c->nwarn;
	check_msg_flush(c, diag);
	parts_free(parts, nparts);
	return nerrors;
}
