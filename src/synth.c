/* synth.c -- build the OCS 2007 records (SRV, A, AAAA, CNAME, SOA, NS) per view. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "rrwire.h"
#include "synth.h"
#include "view.h"
#include "wire.h"

#define SOA_REFRESH	3600
#define SOA_RETRY	600
#define SOA_EXPIRE	604800
#define SYNTH_THREADS_MAX 4	/* threads building a large view */
#define SYNTH_PARALLEL_MIN 512	/* domains: below it, one thread */

/*
 * The owner labels of the services and of the fallback names in wire form,
 * made once per view rather than once per domain.
 */
struct synth_labels {
	uint8_t		 svc[OCS_NSERVICES][DNS_MAX_NAME];
	size_t		 svc_len[OCS_NSERVICES];
	uint8_t		 fb[OCS_NFALLBACKS][DNS_MAX_NAME];
	size_t		 fb_len[OCS_NFALLBACKS];
};

static void
labels_make(struct synth_labels *l)
{
	for (size_t i = 0; i < OCS_NSERVICES; i++)
		l->svc_len[i] = rrwire_name(ocs_services[i].owner, l->svc[i]);
	for (size_t i = 0; i < OCS_NFALLBACKS; i++)
		l->fb_len[i] = rrwire_name(ocs_fallbacks[i].label, l->fb[i]);
}

/* Targets of a set whose wire form is kept for its next service. */
#define SYNTH_TARGETS_KEPT 8

static bool
view_external(const struct config *cfg, int v)
{
	return v >= 0 && cfg->views[v].external;
}

bool
synth_host_visible(const struct config *cfg, int v, const char *name)
{
	const struct cfg_host *h = config_host(cfg, name);

	return h != NULL && view_host_visible(cfg, v, h);
}

/* The wire form of a configuration name (checked, folded): *len 0 if none. */
static uint8_t *
owner_of(const char *text, uint8_t out[DNS_MAX_NAME], size_t *len)
{
	*len = rrwire_name(text, out);
	return out;
}

void
synth_apex(struct rrwire *b, const uint8_t *apex, size_t apex_len,
    uint32_t ttl, char *const *ns, size_t nns, const char *hostmaster,
    uint32_t serial, uint32_t minimum)
{
	const uint32_t times[4] = { SOA_REFRESH, SOA_RETRY, SOA_EXPIRE,
	    minimum };

	rrwire_soa(b, apex, apex_len, ttl, ns[0], hostmaster, serial, times);
	for (size_t i = 0; i < nns; i++)
		rrwire_name_rr(b, apex, apex_len, ttl, TYPE_NS, ns[i]);
}

/*
 * Whether no target of t can be reached in view v because each is a name a
 * server role gave that v does not see (an edge's external FQDN inside, say):
 * an SRV record to it could not work, so v does not get one. [host] targets
 * are published as they always were.
 */
static bool
targets_unseen(const struct config *cfg, int v, const struct cfg_targets *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct cfg_host *h = t->v[i].host >= 0 ?
		    &cfg->hosts[t->v[i].host] : NULL;

		if (h == NULL || (h->role < 0 && h->copy_of < 0) ||
		    view_host_visible(cfg, v, h))
			return false;
	}
	return t->n > 0;
}

/*
 * The services of ocs_services[] that domain d publishes in view v. Whether
 * a target set is unseen is asked once per set, not once per service: the
 * host look-ups were a tenth of a large start-up.
 */
static void
add_srvs(struct rrwire *b, const struct config *cfg, int v,
    const struct synth_labels *lb, const struct cfg_domain *d,
    const uint8_t *apex, size_t apex_len)
{
	bool external = view_external(cfg, v);
	int unseen[2] = { -1, -1 };	/* pool, access edge; -1: not asked */
	/* A set's first targets in wire form: most sets name one or two. */
	uint8_t tw[2][SYNTH_TARGETS_KEPT][DNS_MAX_NAME];
	size_t ntw[2] = { 0, 0 }, tlen[2][SYNTH_TARGETS_KEPT];

	for (size_t i = 0; i < OCS_NSERVICES; i++) {
		const struct ocs_service *svc = &ocs_services[i];
		bool pool = svc->role == OCS_ROLE_POOL;
		const struct cfg_targets *t = pool ? &d->pool : &d->access_edge;

		if (t->n == 0 || (external && svc->internal) ||
		    (svc->when == OCS_IF_SIP_TCP && !d->sip_tcp) ||
		    (svc->when == OCS_IF_FEDERATION && !d->federation))
			continue;
		if (unseen[!pool] < 0)
			unseen[!pool] = targets_unseen(cfg, v, t);
		if (unseen[!pool])
			continue;
		uint8_t owner[DNS_MAX_NAME];
		size_t olen = rrwire_name_join(lb->svc[i], lb->svc_len[i], apex,
		    apex_len, owner);
		for (size_t k = 0; k < t->n; k++) {
			const struct cfg_target *tg = &t->v[k];
			if (k >= SYNTH_TARGETS_KEPT) {
				rrwire_srv(b, owner, olen, d->ttl, tg->priority,
				    tg->weight, d->port[i], tg->name);
				continue;
			}
			if (k >= ntw[!pool]) {
				tlen[!pool][k] = rrwire_name(tg->name,
				    tw[!pool][k]);
				ntw[!pool] = k + 1;
			}
			rrwire_srv_wire(b, owner, olen, d->ttl, tg->priority,
			    tg->weight, d->port[i], tw[!pool][k],
			    tlen[!pool][k]);
		}
	}
}

/*
 * The records of host h under owner. For a fallback name, h is the host
 * whose addresses are copied under the new name.
 */
static void
add_host(struct rrwire *b, const struct config *cfg, int v,
    const struct cfg_host *h, const uint8_t *owner, size_t owner_len,
    uint32_t ttl)
{
	if (!view_host_visible(cfg, v, h))
		return;
	if (h->cname != NULL) {
		rrwire_name_rr(b, owner, owner_len, ttl, TYPE_CNAME, h->cname);
		return;
	}
	for (size_t i = 0; i < h->naddrs; i++) {
		const struct cfg_addr *a = &h->addrs[i];

		if (view_addr_visible(cfg, v, h, a))
			rrwire_addr(b, owner, owner_len, ttl, a->family,
			    a->family == AF_INET ? (const void *)&a->u.v4 :
			    (const void *)&a->u.v6);
	}
}

/* The host whose addresses t stands for: a cname host followed. */
static const struct cfg_host *
address_host(const struct config *cfg, const struct cfg_target *t)
{
	const struct cfg_host *src = t != NULL && t->host >= 0 ?
	    &cfg->hosts[t->host] : NULL;

	for (int depth = 0; src != NULL && src->cname != NULL && depth < 8; depth++)
		src = config_host(cfg, src->cname);
	return src == NULL || src->cname != NULL ? NULL : src;
}

/*
 * The names Communicator falls back to when no SRV record answers, as A
 * (and AAAA) copies of the addresses of the host they stand for in this
 * view: sipinternal (the pool, internal views only), sip (the pool inside,
 * the Access Edge outside) and sipexternal (the Access Edge). A [host] of
 * the same name wins over a fallback name.
 */
static void
add_fallbacks(struct rrwire *b, const struct config *cfg, int v,
    const struct synth_labels *lb, const struct cfg_domain *d,
    const uint8_t *apex, size_t apex_len)
{
	bool external = view_external(cfg, v);
	const struct cfg_target *pool = d->pool.n ? &d->pool.v[0] : NULL;
	const struct cfg_target *edge = d->access_edge.n ?
	    &d->access_edge.v[0] : NULL;
	const struct cfg_host *src[2];	/* pool, edge: looked up once */
	bool asked[2] = { false, false };

	for (size_t i = 0; i < OCS_NFALLBACKS; i++) {
		const struct ocs_fallback *fb = &ocs_fallbacks[i];
		enum ocs_role role = external ? fb->outside : fb->inside;
		int k = role == OCS_ROLE_POOL ? 0 : 1;
		char name[300];

		if (external && fb->internal_only)
			continue;
		snprintf(name, sizeof(name), "%s.%s", fb->label, d->name);
		if ((k == 0 ? pool : edge) == NULL ||
		    config_host(cfg, name) != NULL)
			continue;
		if (!asked[k]) {
			src[k] = address_host(cfg, k == 0 ? pool : edge);
			asked[k] = true;
		}
		if (src[k] == NULL)
			continue;
		uint8_t owner[DNS_MAX_NAME];
		size_t olen = rrwire_name_join(lb->fb[i], lb->fb_len[i], apex,
		    apex_len, owner);
		add_host(b, cfg, v, src[k], owner, olen, d->ttl);
	}
}

/*
 * The zones whose index is k modulo n, each built whole in the order a
 * single pass over the file would give it: the apex and SRV records, then
 * its hosts in file order, then the fallback names. Each is written as
 * wire into the job's buffer and then copied into the job's arena: zones
 * never share bytes, so shares run in parallel.
 */
struct synth_job {
	const struct config *cfg;
	const struct synth_labels *labels;
	int v;
	uint32_t serial;
	struct synth_view *out;
	const size_t *first, *hosts;	/* zone d's hosts: first[d]..first[d+1] */
	size_t k, n;
	struct arena arena;
	int rc;
	pthread_t thread;
	bool started;
};

static int
build_zone(struct synth_job *j, struct rrwire *b, size_t d)
{
	const struct config *cfg = j->cfg;
	const struct cfg_domain *dom = &cfg->domains[d];
	struct synth_zone *z = &j->out->zones[d];
	uint8_t apex[DNS_MAX_NAME];
	size_t apex_len;

	z->neg_ttl = dom->ttl < cfg->negative_ttl ? dom->ttl : cfg->negative_ttl;
	rrwire_reset(b);
	owner_of(dom->name, apex, &apex_len);
	synth_apex(b, apex, apex_len, dom->ttl, dom->ns, dom->nns,
	    dom->hostmaster, j->serial, cfg->negative_ttl);
	add_srvs(b, cfg, j->v, j->labels, dom, apex, apex_len);
	for (size_t i = j->first[d]; i < j->first[d + 1]; i++) {
		const struct cfg_host *h = &cfg->hosts[j->hosts[i]];
		uint8_t owner[DNS_MAX_NAME];
		size_t olen;

		owner_of(h->name, owner, &olen);
		add_host(b, cfg, j->v, h, owner, olen, dom->ttl);
	}
	if (dom->fallback)
		add_fallbacks(b, cfg, j->v, j->labels, dom, apex, apex_len);
	if (b->failed)
		return -1;
	return zonewire_put(&z->wire, &j->arena, b->p, b->len, b->n, NULL, 0,
	    0);
}

static void *
synth_run(void *arg)
{
	struct synth_job *j = arg;
	struct rrwire b = { NULL, 0, 0, 0, false };

	j->rc = 0;
	for (size_t d = j->k; d < j->cfg->ndomains && j->rc == 0; d += j->n)
		j->rc = build_zone(j, &b, d);
	rrwire_free(&b);
	return NULL;
}

int
synth_view(const struct config *cfg, int v, uint32_t serial, struct synth_view *out)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = 1;

	if (cfg->ndomains >= SYNTH_PARALLEL_MIN && ncpu > 1)
		n = (size_t)ncpu;
	struct timespec t0;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = synth_view_threads(cfg, v, serial, out, n);
	/* -v: a phase of a start-up or a reload. */
	log_debug("view %s: %zu zones synthesized in %.0f ms (%zu thread%s)",
	    out->name != NULL ? out->name : "default", out->nzones,
	    log_lap_ms(&t0), n, n == 1 ? "" : "s");
	return rc;
}

/*
 * The hosts of each zone in file order (a counting sort of cfg->hosts by
 * zone): zone d's are hosts[first[d]] to hosts[first[d + 1] - 1]. Both
 * mapped by themselves (arena_array_resize(), zeroed), so that their pages
 * go to the arenas and blocks still to come (hosts_by_zone_free()).
 */
static int
hosts_by_zone(const struct config *cfg, size_t **first, size_t **hosts)
{
	size_t nd = cfg->ndomains;

	*first = arena_array_resize(NULL, (nd + 2) * sizeof(**first));
	*hosts = arena_array_resize(NULL,
	    (cfg->nhosts ? cfg->nhosts : 1) * sizeof(**hosts));
	if (*first == NULL || *hosts == NULL)
		return -1;
	for (size_t i = 0; i < cfg->nhosts; i++)
		if (cfg->hosts[i].zone >= 0)
			(*first)[cfg->hosts[i].zone + 2]++;
	for (size_t d = 0; d < nd; d++)
		(*first)[d + 2] += (*first)[d + 1];
	/* first[d + 1] is now where zone d's hosts go: filled, it ends them. */
	for (size_t i = 0; i < cfg->nhosts; i++)
		if (cfg->hosts[i].zone >= 0)
			(*hosts)[(*first)[cfg->hosts[i].zone + 1]++] = i;
	return 0;
}

static void
hosts_by_zone_free(const struct config *cfg, size_t *first, size_t *hosts,
    bool donate)
{
	if (!donate) {
		arena_array_free(first);
		arena_array_free(hosts);
		return;
	}
	arena_array_donate(first, (cfg->ndomains + 2) * sizeof(*first));
	arena_array_donate(hosts, cfg->nhosts * sizeof(*hosts));
}

int
synth_view_threads(const struct config *cfg, int v, uint32_t serial,
    struct synth_view *out, size_t n)
{
	struct synth_job jobs[SYNTH_THREADS_MAX];
	struct synth_labels labels;
	size_t *first = NULL, *hosts = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->name = v >= 0 ? cfg->views[v].name : "default";
	out->external = view_external(cfg, v);
	out->zones = calloc(cfg->ndomains ? cfg->ndomains : 1, sizeof(*out->zones));
	if (out->zones == NULL)
		return -1;
	out->nzones = cfg->ndomains;
	for (size_t d = 0; d < cfg->ndomains; d++)
		if ((out->zones[d].name = strdup(cfg->domains[d].name)) == NULL)
			goto fail;
	if (hosts_by_zone(cfg, &first, &hosts) < 0)
		goto fail;
	if (n < 1)
		n = 1;
	if (n > SYNTH_THREADS_MAX)
		n = SYNTH_THREADS_MAX;
	labels_make(&labels);
	for (size_t k = 0; k < n; k++)
		jobs[k] = (struct synth_job){ cfg, &labels, v, serial, out,
		    first, hosts, k, n, { NULL }, -1, 0, false };
	for (size_t k = 1; k < n; k++)
		jobs[k].started = pthread_create(&jobs[k].thread, NULL,
		    synth_run, &jobs[k]) == 0;
	synth_run(&jobs[0]);
	for (size_t k = 1; k < n; k++) {
		if (jobs[k].started)
			pthread_join(jobs[k].thread, NULL);
		else
			synth_run(&jobs[k]);	/* no thread: here, then */
	}
	for (size_t k = 0; k < n; k++) {
		arena_join(&out->wire, &jobs[k].arena);
		if (jobs[k].rc < 0)
			rc = -1;
	}
	hosts_by_zone_free(cfg, first, hosts, true);
	if (rc < 0)
		synth_view_clear(out);
	return rc;
fail:
	hosts_by_zone_free(cfg, first, hosts, false);
	synth_view_clear(out);
	return -1;
}

void
synth_view_clear(struct synth_view *sv)
{
	for (size_t i = 0; i < sv->nzones; i++) {
		free(sv->zones[i].name);
		if (sv->zones[i].rrs != NULL)	/* NULL: a failed build stopped before */
			ldns_rr_list_deep_free(sv->zones[i].rrs);
		if (sv->zones[i].cut != NULL)
			ldns_rr_list_deep_free(sv->zones[i].cut);
	}
	free(sv->zones);
	arena_free(&sv->wire);
	memset(sv, 0, sizeof(*sv));
}

/* --- the packed form ---------------------------------------------------- */

/*
 * Zones that still hold ldns records: the daemon builds every zone as wire
 * (zonefiles_merge() packs the few it unpacks itself); tests make views of
 * ldns lists and pack them here.
 */
int
synth_view_pack(struct synth_view *sv)
{
	for (size_t i = 0; i < sv->nzones; i++) {
		struct synth_zone *z = &sv->zones[i];

		if (z->wire.buf != NULL)
			continue;
		if (zonewire_pack(&z->wire, &sv->wire, z->rrs, z->cut) < 0)
			return -1;
		if (z->rrs != NULL)
			ldns_rr_list_deep_free(z->rrs);
		if (z->cut != NULL)
			ldns_rr_list_deep_free(z->cut);
		z->rrs = z->cut = NULL;
	}
	return 0;
}

size_t
synth_zone_nrrs(const struct synth_zone *z)
{
	if (z->wire.buf != NULL)
		return z->wire.nrrs;
	return z->rrs != NULL ? ldns_rr_list_rr_count(z->rrs) : 0;
}

/* A deep copy of l (NULL: an empty list). */
static ldns_rr_list *
list_copy(const ldns_rr_list *l)
{
	return l != NULL ? ldns_rr_list_clone(l) : ldns_rr_list_new();
}

ldns_rr_list *
synth_zone_list(const struct synth_zone *z, enum zonewire_part part)
{
	if (z->wire.buf != NULL)
		return zonewire_rr_list(&z->wire, part);
	if (part == ZONEWIRE_ZONE)
		return list_copy(z->rrs);
	if (part == ZONEWIRE_CUT)
		return list_copy(z->cut);
	ldns_rr_list *l = list_copy(z->rrs), *c = list_copy(z->cut);
	bool ok = l != NULL && c != NULL && ldns_rr_list_cat(l, c);
	if (!ok) {
		if (l != NULL)
			ldns_rr_list_deep_free(l);
		if (c != NULL)
			ldns_rr_list_deep_free(c);
		return NULL;
	}
	ldns_rr_list_free(c);	/* shallow: its records moved to l */
	return l;
}

/* --- child zones: their delegation in the parent ------------------------ */

/* A zone of the view by its apex, for bsearch(). */
struct zone_ref {
	const char	*name;
	size_t		 i;
};

static int
cmp_ref(const void *a, const void *b)
{
	return strcmp(((const struct zone_ref *)a)->name,
	    ((const struct zone_ref *)b)->name);
}

/* The zone at or above name (lower-case text): the longest apex, or -1. */
static long
zone_holding(const struct zone_ref *refs, size_t n, const char *name)
{
	for (const char *p = name; p != NULL && *p != '\0'; ) {
		struct zone_ref key = { p, 0 };
		const struct zone_ref *r = bsearch(&key, refs, n, sizeof(*refs),
		    cmp_ref);
		if (r != NULL)
			return (long)r->i;
		p = strchr(p, '.');
		p = p != NULL ? p + 1 : NULL;
	}
	return -1;
}

/* Whether name is apex or below it (both lower-case text, no final dot). */
static bool
at_or_below(const char *name, const char *apex)
{
	size_t n = strlen(name), a = strlen(apex);

	return n == a ? strcmp(name, apex) == 0 :
	    n > a && name[n - a - 1] == '.' && strcmp(name + n - a, apex) == 0;
}

/* Whether rr's owner is name, ignoring case. */
static bool
rr_owner_is(const struct zonewire_rr *rr, const uint8_t *name, size_t len)
{
	return rrwire_name_eq(rr->owner, rr->owner_len, name, len);
}

/* Copies the records of type at owner from zone z's own records to cut. */
static void
copy_rrs(struct rrwire *cut, const struct synth_zone *z, const uint8_t *owner,
    size_t owner_len, uint16_t type)
{
	struct zonewire_iter it;
	struct zonewire_rr rr;

	zonewire_iter(&z->wire, ZONEWIRE_ZONE, &it);
	while (zonewire_next(&it, &rr))
		if (rr.type == type && rr_owner_is(&rr, owner, owner_len))
			rrwire_raw(cut, rr.wire, rr.len);
}

/*
 * The delegation of child in parent's cut list: the child's NS RRset as
 * the child serves it (a zone file may have replaced the synthesized one),
 * then the addresses of each NS name at or below the child's apex (RFC
 * 1034 section 4.2.1: glue), from the zone holding that name in this view.
 * An NS name outside the child needs none: it resolves on its own. Names
 * compare as ldns_dname_compare() did, ignoring case: zone files may
 * spell them in capitals.
 */
static void
add_cut(const struct synth_view *sv, const struct zone_ref *refs,
    const struct synth_zone *child, struct rrwire *cut)
{
	struct zonewire_iter it;
	struct zonewire_rr soa, rr;

	zonewire_iter(&child->wire, ZONEWIRE_ZONE, &it);
	if (!zonewire_next(&it, &soa))
		return;
	size_t first = cut->len;
	copy_rrs(cut, child, soa.owner, soa.owner_len, TYPE_NS);
	size_t last = cut->len;
	if (cut->failed)
		return;
	/* cut->p moves as glue is added: walk the NS records by offset. */
	for (size_t off = first; off < last; ) {
		struct zonewire_iter ns = { cut->p + off, cut->p + last };
		if (!zonewire_next(&ns, &rr))
			break;
		size_t next = (size_t)(ns.p - cut->p);
		const uint8_t *target = rr.rdata;
		size_t tlen = rr.rdlen;
		bool seen = false;
		struct zonewire_iter prev = { cut->p + first, cut->p + off };
		struct zonewire_rr p;
		while (!seen && zonewire_next(&prev, &p))
			seen = rrwire_name_eq(p.rdata, p.rdlen, target, tlen);
		if (seen) {	/* the same name twice: its glue once */
			off = next;
			continue;
		}
		char text[1025];
		uint8_t t[DNS_MAX_NAME];
		memcpy(t, target, tlen < sizeof(t) ? tlen : sizeof(t));
		wire_name_to_text(t, text, sizeof(text));
		size_t len = strlen(text);
		if (len > 0 && text[len - 1] == '.')
			text[--len] = '\0';
		long h = at_or_below(text, child->name) ?
		    zone_holding(refs, sv->nzones, text) : -1;
		if (h >= 0) {
			copy_rrs(cut, &sv->zones[h], t, tlen, TYPE_A);
			copy_rrs(cut, &sv->zones[h], t, tlen, TYPE_AAAA);
		}
		if (cut->failed)
			return;
		off = next;
	}
}

int
synth_view_cut(struct synth_view *sv)
{
	struct zone_ref *refs = calloc(sv->nzones ? sv->nzones : 1,
	    sizeof(*refs));
	struct rrwire *cuts = NULL;	/* per parent, made at its first child */
	int rc = 0;

	if (refs == NULL)
		return -1;
	for (size_t i = 0; i < sv->nzones; i++)
		refs[i] = (struct zone_ref){ sv->zones[i].name, i };
	qsort(refs, sv->nzones, sizeof(*refs), cmp_ref);
	/* In zone order: a parent lists its children as the file does. */
	for (size_t c = 0; c < sv->nzones && rc == 0; c++) {
		const struct synth_zone *child = &sv->zones[c];
		const char *up = strchr(child->name, '.');
		long p = up != NULL ? zone_holding(refs, sv->nzones, up + 1) : -1;

		if (p < 0)
			continue;
		if (cuts == NULL && (cuts = calloc(sv->nzones,
		    sizeof(*cuts))) == NULL) {
			rc = -1;
			break;
		}
		add_cut(sv, refs, child, &cuts[p]);
		if (cuts[p].failed)
			rc = -1;
	}
	/*
	 * A parent's bytes again, now with its cut list after its records:
	 * the first copy stays in the arena unused (parents are few).
	 */
	for (size_t z = 0; cuts != NULL && z < sv->nzones; z++) {
		struct synth_zone *pz = &sv->zones[z];
		struct zonewire old = pz->wire;
		if (rc == 0 && cuts[z].n > 0 &&
		    zonewire_put(&pz->wire, &sv->wire, old.buf, old.cut,
		    old.nrrs, cuts[z].p, cuts[z].len, cuts[z].n) < 0) {
			pz->wire = old;
			rc = -1;
		}
		rrwire_free(&cuts[z]);
	}
	free(cuts);
	free(refs);
	return rc;
}
