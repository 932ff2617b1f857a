/* synth.c -- build the OCS 2007 records (SRV, A, AAAA, CNAME, SOA, NS) per view. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "synth.h"
#include "view.h"
#include "wire.h"

#define SOA_REFRESH	3600
#define SOA_RETRY	600
#define SOA_EXPIRE	604800
#define SYNTH_THREADS_MAX 4	/* threads building a large view */
#define SYNTH_PARALLEL_MIN 512	/* domains: below it, one thread */

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

/*
 * The configuration keeps names checked and folded (letters, digits, '-',
 * '_', dots between labels): no escapes to parse, just the wire form.
 */
static ldns_rdf *
dname(const char *name)
{
	uint8_t wire[DNS_MAX_NAME];
	size_t len = wire_name_from_text(name, wire);

	return len == 0 ? NULL : ldns_dname_new_frm_data((uint16_t)len, wire);
}

/* A new record of owner name (text), or NULL. Takes ownership of the rdfs. */
static ldns_rr *
rr_make(const char *owner, uint32_t ttl, ldns_rr_type type, ldns_rdf **rdf, size_t n)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *o = dname(owner);
	bool ok = rr != NULL && o != NULL;

	for (size_t i = 0; i < n; i++)
		ok = ok && rdf[i] != NULL;
	if (!ok) {
		ldns_rr_free(rr);
		ldns_rdf_deep_free(o);
		for (size_t i = 0; i < n; i++)
			ldns_rdf_deep_free(rdf[i]);
		return NULL;
	}
	ldns_rr_set_owner(rr, o);
	ldns_rr_set_type(rr, type);
	ldns_rr_set_ttl(rr, ttl);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	for (size_t i = 0; i < n; i++) {
		if (!ldns_rr_push_rdf(rr, rdf[i])) {	/* the rr owns those pushed */
			for (size_t j = i; j < n; j++)
				ldns_rdf_deep_free(rdf[j]);
			ldns_rr_free(rr);
			return NULL;
		}
	}
	return rr;
}

static int
push(ldns_rr_list *list, ldns_rr *rr)
{
	if (rr == NULL || !ldns_rr_list_push_rr(list, rr)) {
		ldns_rr_free(rr);
		return -1;
	}
	return 0;
}

static int
add_srv(ldns_rr_list *rrs, const char *service, const char *domain,
    uint32_t ttl, uint16_t port, const struct cfg_targets *t)
{
	char owner[300];

	snprintf(owner, sizeof(owner), "%s.%s", service, domain);
	for (size_t i = 0; i < t->n; i++) {
		ldns_rdf *rd[4] = {
			ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, t->v[i].priority),
			ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, t->v[i].weight),
			ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, port),
			dname(t->v[i].name),
		};
		if (push(rrs, rr_make(owner, ttl, LDNS_RR_TYPE_SRV, rd, 4)) < 0)
			return -1;
	}
	return 0;
}

int
synth_apex(ldns_rr_list *rrs, const char *apex, uint32_t ttl,
    char *const *ns, size_t nns, const char *hostmaster, uint32_t serial,
    uint32_t minimum)
{
	ldns_rdf *soa[7] = {
		dname(ns[0]),
		dname(hostmaster),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, serial),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_REFRESH),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_RETRY),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_EXPIRE),
		ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, minimum),
	};

	if (push(rrs, rr_make(apex, ttl, LDNS_RR_TYPE_SOA, soa, 7)) < 0)
		return -1;
	for (size_t i = 0; i < nns; i++)
		if (synth_name_rr(rrs, apex, ttl, LDNS_RR_TYPE_NS, ns[i]) < 0)
			return -1;
	return 0;
}

int
synth_name_rr(ldns_rr_list *rrs, const char *owner, uint32_t ttl,
    ldns_rr_type type, const char *target)
{
	ldns_rdf *t = dname(target);

	return push(rrs, rr_make(owner, ttl, type, &t, 1));
}

static int
add_apex(ldns_rr_list *rrs, const struct config *cfg, const struct cfg_domain *d,
    uint32_t serial)
{
	return synth_apex(rrs, d->name, d->ttl, d->ns, d->nns, d->hostmaster,
	    serial, cfg->negative_ttl);
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
		const struct cfg_host *h = config_host(cfg, t->v[i].name);

		if (h == NULL || (h->role < 0 && h->copy_of < 0) ||
		    view_host_visible(cfg, v, h))
			return false;
	}
	return t->n > 0;
}

/* The services of ocs_services[] that domain d publishes in view v. */
static int
add_srvs(ldns_rr_list *rrs, const struct config *cfg, int v,
    const struct cfg_domain *d)
{
	bool external = view_external(cfg, v);

	for (size_t i = 0; i < OCS_NSERVICES; i++) {
		const struct ocs_service *svc = &ocs_services[i];
		const struct cfg_targets *t = svc->role == OCS_ROLE_POOL ?
		    &d->pool : &d->access_edge;

		if (t->n == 0 || (external && svc->internal) ||
		    (svc->when == OCS_IF_SIP_TCP && !d->sip_tcp) ||
		    (svc->when == OCS_IF_FEDERATION && !d->federation) ||
		    targets_unseen(cfg, v, t))
			continue;
		if (add_srv(rrs, svc->owner, d->name, d->ttl, d->port[i], t) < 0)
			return -1;
	}
	return 0;
}

/*
 * The records of host h. For a fallback name, h is a copy under the new
 * name and rules the host whose visibility counts.
 */
static int
add_host(ldns_rr_list *rrs, const struct config *cfg, int v,
    const struct cfg_host *h, uint32_t ttl, const struct cfg_host *rules)
{
	if (!view_host_visible(cfg, v, rules))
		return 0;
	if (h->cname != NULL)
		return synth_name_rr(rrs, h->name, ttl, LDNS_RR_TYPE_CNAME,
		    h->cname);
	for (size_t i = 0; i < h->naddrs; i++) {
		const struct cfg_addr *a = &h->addrs[i];
		ldns_rdf *rd;
		ldns_rr_type type;

		if (!view_addr_visible(cfg, v, rules, a))
			continue;
		if (a->family == AF_INET) {
			type = LDNS_RR_TYPE_A;
			rd = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, &a->u.v4);
		} else {
			type = LDNS_RR_TYPE_AAAA;
			rd = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, &a->u.v6);
		}
		if (push(rrs, rr_make(h->name, ttl, type, &rd, 1)) < 0)
			return -1;
	}
	return 0;
}

/*
 * The names Communicator falls back to when no SRV record answers, as A
 * (and AAAA) copies of the addresses of the host they stand for in this
 * view: sipinternal (the pool, internal views only), sip (the pool inside,
 * the Access Edge outside) and sipexternal (the Access Edge). A [host] of
 * the same name wins over a fallback name.
 */
static int
add_fallbacks(ldns_rr_list *rrs, const struct config *cfg, int v,
    const struct cfg_domain *d)
{
	bool external = view_external(cfg, v);
	const char *pool = d->pool.n ? d->pool.v[0].name : NULL;
	const char *edge = d->access_edge.n ? d->access_edge.v[0].name : NULL;

	for (size_t i = 0; i < OCS_NFALLBACKS; i++) {
		const struct ocs_fallback *fb = &ocs_fallbacks[i];
		enum ocs_role role = external ? fb->outside : fb->inside;
		const char *source = role == OCS_ROLE_POOL ? pool : edge;
		char name[300];
		const struct cfg_host *src;

		if (external && fb->internal_only)
			continue;
		snprintf(name, sizeof(name), "%s.%s", fb->label, d->name);
		if (source == NULL || config_host(cfg, name) != NULL ||
		    (src = config_host(cfg, source)) == NULL)
			continue;
		/* Follow a cname host to the addresses behind it. */
		for (int depth = 0; src != NULL && src->cname != NULL && depth < 8; depth++)
			src = config_host(cfg, src->cname);
		if (src == NULL || src->cname != NULL)
			continue;
		struct cfg_host copy = *src;
		copy.name = name;
		if (add_host(rrs, cfg, v, &copy, d->ttl, src) < 0)
			return -1;
	}
	return 0;
}

/* The apex records and the SRV records of domain d, first in its zone. */
static int
build_zone(const struct config *cfg, int v, const struct cfg_domain *d,
    uint32_t serial, struct synth_zone *z)
{
	z->rrs = ldns_rr_list_new();
	z->neg_ttl = d->ttl < cfg->negative_ttl ? d->ttl : cfg->negative_ttl;
	if (z->name == NULL || z->rrs == NULL)
		return -1;
	if (add_apex(z->rrs, cfg, d, serial) < 0 ||
	    add_srvs(z->rrs, cfg, v, d) < 0)
		return -1;
	return 0;
}

/*
 * The zones whose index is k modulo n, built in the order a single pass
 * would: the apex and SRV records, then the hosts in file order, then the
 * fallback names. Zones never share a list, so shares run in parallel.
 */
struct synth_job {
	const struct config *cfg;
	int v;
	uint32_t serial;
	struct synth_view *out;
	size_t k, n;
	int rc;
	pthread_t thread;
	bool started;
};

static void *
synth_run(void *arg)
{
	struct synth_job *j = arg;
	const struct config *cfg = j->cfg;

	j->rc = -1;
	for (size_t d = j->k; d < cfg->ndomains; d += j->n)
		if (build_zone(cfg, j->v, &cfg->domains[d], j->serial,
		    &j->out->zones[d]) < 0)
			return NULL;
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct cfg_host *h = &cfg->hosts[i];
		if (h->zone < 0 || (size_t)h->zone % j->n != j->k)
			continue;
		if (add_host(j->out->zones[h->zone].rrs, cfg, j->v, h,
		    cfg->domains[h->zone].ttl, h) < 0)
			return NULL;
	}
	for (size_t d = j->k; d < cfg->ndomains; d += j->n)
		if (cfg->domains[d].fallback && add_fallbacks(j->out->zones[d].rrs,
		    cfg, j->v, &cfg->domains[d]) < 0)
			return NULL;
	j->rc = 0;
	return NULL;
}

int
synth_view(const struct config *cfg, int v, uint32_t serial, struct synth_view *out)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = 1;

	if (cfg->ndomains >= SYNTH_PARALLEL_MIN && ncpu > 1)
		n = (size_t)ncpu;
	return synth_view_threads(cfg, v, serial, out, n);
}

int
synth_view_threads(const struct config *cfg, int v, uint32_t serial,
    struct synth_view *out, size_t n)
{
	struct synth_job jobs[SYNTH_THREADS_MAX];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->name = v >= 0 ? cfg->views[v].name : "default";
	out->external = view_external(cfg, v);
	out->zones = calloc(cfg->ndomains ? cfg->ndomains : 1, sizeof(*out->zones));
	if (out->zones == NULL)
		return -1;
	out->nzones = cfg->ndomains;
	/*
	 * The names first, together: strdup()ed amid the records, each would
	 * pin a page of the heap once the records are freed.
	 */
	for (size_t d = 0; d < cfg->ndomains; d++)
		if ((out->zones[d].name = strdup(cfg->domains[d].name)) == NULL) {
			synth_view_clear(out);
			return -1;
		}
	if (n < 1)
		n = 1;
	if (n > SYNTH_THREADS_MAX)
		n = SYNTH_THREADS_MAX;
	for (size_t k = 0; k < n; k++)
		jobs[k] = (struct synth_job){ cfg, v, serial, out, k, n, -1, 0,
		    false };
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
	for (size_t k = 0; k < n; k++)
		if (jobs[k].rc < 0)
			rc = -1;
	if (rc < 0)
		synth_view_clear(out);
	return rc;
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

/* The zones whose index is k modulo n, packed into an arena of the job's. */
struct pack_job {
	struct synth_view *sv;
	struct arena arena;
	size_t k, n;
	int rc;
	pthread_t thread;
	bool started;
};

static void *
pack_run(void *arg)
{
	struct pack_job *j = arg;

	j->rc = 0;
	for (size_t i = j->k; i < j->sv->nzones && j->rc == 0; i += j->n) {
		struct synth_zone *z = &j->sv->zones[i];

		if (z->wire.buf != NULL)
			continue;
		if (zonewire_pack(&z->wire, &j->arena, z->rrs, z->cut) < 0) {
			j->rc = -1;
			break;
		}
		if (z->rrs != NULL)
			ldns_rr_list_deep_free(z->rrs);
		if (z->cut != NULL)
			ldns_rr_list_deep_free(z->cut);
		z->rrs = z->cut = NULL;
	}
	return NULL;
}

/*
 * Threaded as the synthesis is: packing is a fifth of a large start-up,
 * most of it freeing the ldns records.
 */
int
synth_view_pack(struct synth_view *sv)
{
	struct pack_job jobs[SYNTH_THREADS_MAX];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = 1;
	int rc = 0;

	if (sv->nzones >= SYNTH_PARALLEL_MIN && ncpu > 1)
		n = ncpu < SYNTH_THREADS_MAX ? (size_t)ncpu : SYNTH_THREADS_MAX;
	for (size_t k = 0; k < n; k++)
		jobs[k] = (struct pack_job){ sv, { NULL }, k, n, -1, 0, false };
	for (size_t k = 1; k < n; k++)
		jobs[k].started = pthread_create(&jobs[k].thread, NULL,
		    pack_run, &jobs[k]) == 0;
	pack_run(&jobs[0]);
	for (size_t k = 1; k < n; k++) {
		if (jobs[k].started)
			pthread_join(jobs[k].thread, NULL);
		else
			pack_run(&jobs[k]);	/* no thread: here, then */
	}
	for (size_t k = 0; k < n; k++) {
		arena_join(&sv->wire, &jobs[k].arena);
		if (jobs[k].rc < 0)
			rc = -1;
	}
	return rc;
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

/*
 * The text of a dname rdf as the zone names are kept: lower case, no final
 * dot. Zone files may spell NS targets in capitals. NULL: out of memory.
 */
static char *
name_text(const ldns_rdf *rdf)
{
	char *s = ldns_rdf2str(rdf);

	if (s == NULL)
		return NULL;
	size_t len = strlen(s);
	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

/* Copies the records of type at owner from list to cut. */
static int
copy_rrs(ldns_rr_list *cut, const ldns_rr_list *list, const ldns_rdf *owner,
    ldns_rr_type type)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);
		if (ldns_rr_get_type(rr) == type &&
		    ldns_dname_compare(ldns_rr_owner(rr), owner) == 0 &&
		    push(cut, ldns_rr_clone(rr)) < 0)
			return -1;
	}
	return 0;
}

/*
 * The delegation of child in parent's cut list: the child's NS RRset as
 * the child serves it (a zone file may have replaced the synthesized one),
 * then the addresses of each NS name at or below the child's apex (RFC
 * 1034 section 4.2.1: glue), from the zone holding that name in this view.
 * An NS name outside the child needs none: it resolves on its own.
 */
static int
add_cut(const struct synth_view *sv, const struct zone_ref *refs,
    const struct synth_zone *child, struct synth_zone *parent)
{
	const ldns_rr *soa = ldns_rr_list_rr(child->rrs, 0);

	if (soa == NULL)
		return 0;
	const ldns_rdf *apex = ldns_rr_owner(soa);
	if (parent->cut == NULL && (parent->cut = ldns_rr_list_new()) == NULL)
		return -1;
	size_t first = ldns_rr_list_rr_count(parent->cut);
	if (copy_rrs(parent->cut, child->rrs, apex, LDNS_RR_TYPE_NS) < 0)
		return -1;
	size_t last = ldns_rr_list_rr_count(parent->cut);
	for (size_t i = first; i < last; i++) {
		const ldns_rdf *target = ldns_rr_rdf(ldns_rr_list_rr(parent->cut, i), 0);
		bool seen = false;

		for (size_t j = first; j < i && !seen; j++)
			seen = ldns_dname_compare(target, ldns_rr_rdf(
			    ldns_rr_list_rr(parent->cut, j), 0)) == 0;
		if (seen)	/* the same name twice: its glue once */
			continue;
		char *text = name_text(target);
		if (text == NULL)
			return -1;
		long h = at_or_below(text, child->name) ?
		    zone_holding(refs, sv->nzones, text) : -1;
		free(text);
		if (h < 0)
			continue;
		const ldns_rr_list *in = sv->zones[h].rrs;
		if (copy_rrs(parent->cut, in, target, LDNS_RR_TYPE_A) < 0 ||
		    copy_rrs(parent->cut, in, target, LDNS_RR_TYPE_AAAA) < 0)
			return -1;
	}
	return 0;
}

int
synth_view_cut(struct synth_view *sv)
{
	struct zone_ref *refs = calloc(sv->nzones ? sv->nzones : 1,
	    sizeof(*refs));
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

		if (p >= 0)
			rc = add_cut(sv, refs, child, &sv->zones[p]);
	}
	free(refs);
	return rc;
}
