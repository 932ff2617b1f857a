/* reverse.c -- the PTR records of the hosts' addresses, in reverse zones. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "reverse.h"
#include "rrwire.h"
#include "synth.h"
#include "view.h"
#include "wire.h"
#include "zonefile.h"

/* --- names -------------------------------------------------------------- */

/* The bytes of address a as a prefix of all its bits. */
static struct cfg_prefix
addr_prefix(const struct cfg_addr *a)
{
	struct cfg_prefix p = { .family = a->family };

	if (a->family == AF_INET) {
		memcpy(p.addr, &a->u.v4, 4);
		p.bits = 32;
	} else {
		memcpy(p.addr, &a->u.v6, 16);
		p.bits = 128;
	}
	return p;
}

/*
 * RFC 1035 3.5: the octets, last first, under in-addr.arpa; RFC 3596 2.5:
 * the nibbles, last first, under ip6.arpa. A prefix names as many labels
 * as it has whole octets (nibbles).
 */
void
reverse_name(const struct cfg_prefix *p, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	if (p->family == AF_INET) {
		for (unsigned i = p->bits / 8; i > 0 && o < len; i--)
			o += (size_t)snprintf(out + o, len - o, "%u.",
			    p->addr[i - 1]);
		if (o < len)
			snprintf(out + o, len - o, "in-addr.arpa");
		return;
	}
	for (unsigned i = p->bits / 4; i > 0 && o < len; i--) {
		unsigned byte = p->addr[(i - 1) / 2];
		unsigned nibble = (i - 1) % 2 ? byte & 0xf : byte >> 4;
		o += (size_t)snprintf(out + o, len - o, "%x.", nibble);
	}
	if (o < len)
		snprintf(out + o, len - o, "ip6.arpa");
}

/* --- which zones -------------------------------------------------------- */

/* Whether host h gets PTR records: served by a [domain], and no alias. */
static bool
host_served(const struct cfg_host *h)
{
	return h->zone >= 0 && h->cname == NULL;
}

/* Address order: IPv4 first, then the bytes; a shorter prefix first. */
static int
cmp_prefix(const void *a, const void *b)
{
	const struct cfg_prefix *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	int c = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (c != 0)
		return c;
	return x->bits < y->bits ? -1 : x->bits > y->bits;
}

/* The /24 or /64 holding address a. */
static struct cfg_prefix
auto_zone(const struct cfg_addr *a)
{
	struct cfg_prefix p = addr_prefix(a);

	p.bits = a->family == AF_INET ? 24 : 64;
	memset(p.addr + p.bits / 8, 0, sizeof(p.addr) - p.bits / 8);
	return p;
}

int
reverse_zones(const struct config *cfg, struct cfg_prefix **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (cfg->nreverse_zones == 0 || cfg->ndomains == 0)
		return 0;
	bool automatic = cfg->reverse_zones[0].family == AF_UNSPEC;
	size_t cap = 0;

	if (automatic) {
		for (size_t i = 0; i < cfg->nhosts; i++)
			if (host_served(&cfg->hosts[i]))
				cap += cfg->hosts[i].naddrs;
	} else
		cap = cfg->nreverse_zones;
	if (cap == 0)
		return 0;
	struct cfg_prefix *z = calloc(cap, sizeof(*z));
	if (z == NULL)
		return -1;
	if (!automatic) {
		memcpy(z, cfg->reverse_zones, cap * sizeof(*z));
		*n = cap;
	} else {
		for (size_t i = 0; i < cfg->nhosts; i++) {
			const struct cfg_host *h = &cfg->hosts[i];
			for (size_t j = 0; host_served(h) && j < h->naddrs; j++)
				z[(*n)++] = auto_zone(&h->addrs[j]);
		}
	}
	qsort(z, *n, sizeof(*z), cmp_prefix);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (k == 0 || cmp_prefix(&z[k - 1], &z[i]) != 0)
			z[k++] = z[i];
	*n = k;
	*out = z;
	return 0;
}

/* --- conflicts ---------------------------------------------------------- */

/* Whether name lies strictly below zone. */
static bool
below(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	return n > z && name[n - z - 1] == '.' && strcmp(name + n - z, zone) == 0;
}

int
reverse_check(const struct config *cfg, const struct zonefiles *zf, FILE *diag)
{
	struct cfg_prefix *z;
	size_t n;
	int rc = 0;

	if (reverse_zones(cfg, &z, &n) < 0) {
		fprintf(diag, "%s: out of memory\n", cfg->path);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char name[REVERSE_NAME_MAX];
		reverse_name(&z[i], name, sizeof(name));
		for (size_t d = 0; d < cfg->ndomains; d++) {
			const char *dn = cfg->domains[d].name;
			if (strcmp(name, dn) == 0 || below(name, dn) ||
			    below(dn, name)) {
				fprintf(diag, "%s:%d: reverse_zones: reverse zone "
				    "%s overlaps SIP domain %s\n", cfg->path,
				    cfg->reverse_zones_line, name, dn);
				rc = -1;
			}
		}
		/*
		 * A file for the zone itself joins it, as a file for a SIP
		 * domain does; one inside or above it would make two zones
		 * answer for the same names.
		 */
		for (size_t f = 0; f < zf->n; f++) {
			const char *o = zf->v[f].origin;
			if (below(o, name))
				fprintf(diag, "%s: zone %s lies inside reverse "
				    "zone %s (%s:%d: reverse_zones): put its "
				    "records in %s.zone instead\n",
				    zf->v[f].path, o, name, cfg->path,
				    cfg->reverse_zones_line, name);
			else if (below(name, o))
				fprintf(diag, "%s: zone %s holds reverse zone %s "
				    "(%s:%d: reverse_zones): name %s there "
				    "instead\n", zf->v[f].path, o, name,
				    cfg->path, cfg->reverse_zones_line, o);
			else
				continue;
			rc = -1;
		}
	}
	free(z);
	return rc;
}

/* --- the zones of a view ------------------------------------------------ */

struct ptr {
	struct cfg_prefix addr;		/* all bits */
	size_t		 host;		/* index in cfg->hosts */
	size_t		 seq;		/* order of the address in the file */
};

/* Address order, then file order: the first host of an address first. */
static int
cmp_ptr(const void *a, const void *b)
{
	const struct ptr *x = a, *y = b;
	int c = cmp_prefix(&x->addr, &y->addr);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Where address p lies from zone z: below it (-1), in it (0), above (1). */
static int
cmp_in_zone(const struct cfg_prefix *p, const struct cfg_prefix *z)
{
	if (p->family != z->family)
		return p->family < z->family ? -1 : 1;
	struct cfg_prefix masked = *p;
	masked.bits = z->bits;
	for (unsigned i = z->bits; i < sizeof(masked.addr) * 8; i++)
		masked.addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	int c = memcmp(masked.addr, z->addr, sizeof(z->addr));
	return c < 0 ? -1 : c > 0;
}

/*
 * The addresses view v publishes, one entry per address, in address
 * order: the host that has it first in cfg->hosts ([host] sections in file
 * order) names it.
 */
static int
view_ptrs(const struct config *cfg, int v, struct ptr **out, size_t *n)
{
	size_t cap = 0, seq = 0;

	*n = 0;
	for (size_t i = 0; i < cfg->nhosts; i++)
		if (host_served(&cfg->hosts[i]))
			cap += cfg->hosts[i].naddrs;
	if ((*out = calloc(cap ? cap : 1, sizeof(**out))) == NULL)
		return -1;
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct cfg_host *h = &cfg->hosts[i];
		/*
		 * A domain's own name for a shared role (pool01.fabrikam.com for
		 * pool01.contoso.com) is a copy: the original names the address.
		 */
		if (h->copy_of >= 0)
			continue;
		for (size_t j = 0; host_served(h) && j < h->naddrs; j++)
			if (view_addr_visible(cfg, v, h, &h->addrs[j]))
				(*out)[(*n)++] = (struct ptr){
				    addr_prefix(&h->addrs[j]), i, seq++ };
	}
	qsort(*out, *n, sizeof(**out), cmp_ptr);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (k == 0 || cmp_prefix(&(*out)[k - 1].addr, &(*out)[i].addr) != 0)
			(*out)[k++] = (*out)[i];
	*n = k;
	return 0;
}

static bool
file_in_view(const struct zonefiles *zf, const struct config *cfg, int v,
    const char *origin)
{
	for (size_t i = 0; i < zf->n; i++) {
		const struct zonefile *f = &zf->v[i];
		if (strcmp(f->origin, origin) == 0 && (f->view == NULL ||
		    (v >= 0 && strcmp(f->view, cfg->views[v].name) == 0)))
			return true;
	}
	return false;
}

/* A new zone at the end of sv, empty; NULL when out of memory. */
static struct synth_zone *
zone_add(struct synth_view *sv, const char *name)
{
	struct synth_zone *zs = realloc(sv->zones, (sv->nzones + 1) * sizeof(*zs));

	if (zs == NULL)
		return NULL;
	sv->zones = zs;
	struct synth_zone *z = &sv->zones[sv->nzones];
	memset(z, 0, sizeof(*z));
	if ((z->name = strdup(name)) == NULL)
		return NULL;
	sv->nzones++;
	return z;
}

/*
 * Zone zp with the PTRs p[0..n): the SOA and NS of the first [domain]
 * (its name servers serve these zones too), every TTL [server] ttl,
 * written as wire with b into sv's arena.
 */
static int
build_zone(const struct config *cfg, const struct cfg_prefix *zp,
    const struct ptr *p, size_t n, uint32_t serial, struct synth_view *sv,
    struct rrwire *b)
{
	const struct cfg_domain *d = &cfg->domains[0];
	char name[REVERSE_NAME_MAX];
	uint8_t apex[DNS_MAX_NAME];

	reverse_name(zp, name, sizeof(name));
	struct synth_zone *z = zone_add(sv, name);
	if (z == NULL)
		return -1;
	z->neg_ttl = cfg->ttl < cfg->negative_ttl ? cfg->ttl : cfg->negative_ttl;
	rrwire_reset(b);
	size_t apex_len = rrwire_name(name, apex);
	synth_apex(b, apex, apex_len, cfg->ttl, d->ns, d->nns, d->hostmaster,
	    serial, cfg->negative_ttl);
	for (size_t i = 0; i < n; i++) {
		char owner[REVERSE_NAME_MAX];
		uint8_t o[DNS_MAX_NAME];
		reverse_name(&p[i].addr, owner, sizeof(owner));
		size_t olen = rrwire_name(owner, o);
		rrwire_name_rr(b, o, olen, cfg->ttl, LDNS_RR_TYPE_PTR,
		    cfg->hosts[p[i].host].name);
	}
	if (b->failed)
		return -1;
	return zonewire_put(&z->wire, &sv->wire, b->p, b->len, b->n, NULL, 0,
	    0);
}

int
reverse_view(const struct config *cfg, int v, uint32_t serial,
    const struct zonefiles *zf, struct synth_view *sv)
{
	struct cfg_prefix *zones;
	struct ptr *p = NULL;
	struct rrwire b = { NULL, 0, 0, 0, false };
	size_t nzones, n = 0;
	int rc = -1;

	if (reverse_zones(cfg, &zones, &nzones) < 0)
		return -1;
	if (nzones == 0)
		return 0;
	if (view_ptrs(cfg, v, &p, &n) < 0)
		goto out;
	/* Both in address order, and zones never overlap: one walk. */
	size_t e = 0;
	for (size_t i = 0; i < nzones; i++) {
		while (e < n && cmp_in_zone(&p[e].addr, &zones[i]) < 0)
			e++;
		size_t first = e;
		while (e < n && cmp_in_zone(&p[e].addr, &zones[i]) == 0)
			e++;
		char name[REVERSE_NAME_MAX];
		reverse_name(&zones[i], name, sizeof(name));
		/* No PTR for this view: the zone is not even named here. */
		if (e == first && !file_in_view(zf, cfg, v, name))
			continue;
		if (build_zone(cfg, &zones[i], p + first, e - first, serial,
		    sv, &b) < 0)
			goto out;
	}
	rc = 0;
out:
	rrwire_free(&b);
	free(p);
	free(zones);
	return rc;
}
