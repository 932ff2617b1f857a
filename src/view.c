/* view.c -- view selection by address prefix, and view visibility rules. */
#include <string.h>
#include <netinet/in.h>

#include "config.h"
#include "view.h"

static const uint8_t *
sockaddr_bytes(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (const uint8_t *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	if (sa->sa_family == AF_INET6)
		return ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
	return NULL;
}

/* Whether the first bits of a and b are equal. */
static bool
bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	if (memcmp(a, b, bits / 8) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
	return (a[bits / 8] & mask) == (b[bits / 8] & mask);
}

bool
view_prefix_covers(const struct cfg_prefix *p, const struct sockaddr *sa)
{
	const uint8_t *addr;
	uint8_t mapped[4];

	if (p->family == AF_UNSPEC)
		return true;
	if (sa == NULL || (addr = sockaddr_bytes(sa)) == NULL)
		return false;
	/* A v4 client on a dual-stack socket arrives as ::ffff:a.b.c.d. */
	if (sa->sa_family == AF_INET6 && p->family == AF_INET &&
	    IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)addr)) {
		memcpy(mapped, addr + 12, 4);
		return bits_equal(mapped, p->addr, p->bits);
	}
	if (sa->sa_family != p->family)
		return false;
	return bits_equal(addr, p->addr, p->bits);
}

bool
view_prefix_contains(const struct cfg_prefix *outer, const struct cfg_prefix *inner)
{
	if (outer->family == AF_UNSPEC)
		return true;
	if (inner->family != outer->family || inner->bits < outer->bits)
		return false;
	return bits_equal(inner->addr, outer->addr, outer->bits);
}

static bool
any_covers(const struct cfg_prefix *v, size_t n, const struct sockaddr *sa)
{
	for (size_t i = 0; i < n; i++)
		if (view_prefix_covers(&v[i], sa))
			return true;
	return false;
}

bool
view_matches(const struct cfg_view *v, const struct sockaddr *remote,
    const struct sockaddr *local)
{
	return any_covers(v->match, v->nmatch, remote) ||
	    any_covers(v->match_destination, v->nmatch_destination, local);
}

int
view_select(const struct config *cfg, const struct sockaddr *remote,
    const struct sockaddr *local)
{
	if (cfg->nviews == 0)
		return 0;
	for (size_t i = 0; i < cfg->nviews; i++)
		if (view_matches(&cfg->views[i], remote, local))
			return (int)i;
	return -1;
}

int
view_select_key(const struct config *cfg, const char *key,
    const struct sockaddr *remote, const struct sockaddr *local)
{
	for (size_t i = 0; i < cfg->nviews; i++)
		for (size_t j = 0; j < cfg->views[i].nmatch_keys; j++)
			if (strcmp(cfg->views[i].match_keys[j], key) == 0)
				return (int)i;
	return view_select(cfg, remote, local);
}

bool
view_addr_visible(const struct config *cfg, int v, const struct cfg_host *h,
    const struct cfg_addr *a)
{
	if (a->view != NULL)
		return v >= 0 && strcmp(a->view, cfg->views[v].name) == 0;
	if (v < 0)
		return true;		/* no views: one that sees everything */
	if (cfg->views[v].external)
		return !h->pool && h->scope != CFG_SCOPE_INTERNAL;
	return h->scope != CFG_SCOPE_EXTERNAL;
}

bool
view_addr_private(const struct cfg_addr *a)
{
	static const struct {
		int family;
		uint8_t addr[16];
		unsigned bits;
	} ranges[] = {
		{ AF_INET, { 10 }, 8 },
		{ AF_INET, { 172, 16 }, 12 },
		{ AF_INET, { 192, 168 }, 16 },
		{ AF_INET, { 127 }, 8 },
		{ AF_INET, { 169, 254 }, 16 },
		{ AF_INET, { 100, 64 }, 10 },		/* RFC 6598 shared */
		{ AF_INET6, { 0xfc }, 7 },		/* unique local */
		{ AF_INET6, { 0xfe, 0x80 }, 10 },	/* link local */
		{ AF_INET6, { [15] = 1 }, 128 },	/* ::1 */
	};
	const uint8_t *bytes = a->family == AF_INET ?
	    (const uint8_t *)&a->u.v4 : a->u.v6.s6_addr;

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (ranges[i].family == a->family &&
		    bits_equal(bytes, ranges[i].addr, ranges[i].bits))
			return true;
	return false;
}

const struct cfg_view *
view_find(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nviews; i++)
		if (strcmp(cfg->views[i].name, name) == 0)
			return &cfg->views[i];
	return NULL;
}

bool
view_shadowed(const struct config *cfg, size_t j)
{
	const struct cfg_view *v = &cfg->views[j];

	for (size_t k = 0; k < v->nmatch + v->nmatch_destination; k++) {
		bool dst = k >= v->nmatch;
		const struct cfg_prefix *p = dst ? &v->match_destination[k -
		    v->nmatch] : &v->match[k];
		bool covered = false;

		for (size_t i = 0; i < j && !covered; i++) {
			const struct cfg_view *e = &cfg->views[i];
			/* An earlier "any" takes every client, either way. */
			for (size_t m = 0; m < e->nmatch && !covered; m++)
				covered = e->match[m].family == AF_UNSPEC ||
				    (!dst && view_prefix_contains(&e->match[m], p));
			for (size_t m = 0; m < e->nmatch_destination && !covered;
			    m++)
				covered = e->match_destination[m].family ==
				    AF_UNSPEC || (dst && view_prefix_contains(
				    &e->match_destination[m], p));
		}
		if (!covered)
			return false;
	}
	return v->nmatch + v->nmatch_destination > 0;
}

/* A cname is visible where its target is, up to 8 steps down the chain. */
static bool
host_visible(const struct config *cfg, int v, const struct cfg_host *h,
    int depth)
{
	if (h->cname != NULL) {
		const struct cfg_host *t = config_host(cfg, h->cname);
		if (t == NULL)
			return true;	/* outside our data: nothing to leak */
		return depth < 8 && host_visible(cfg, v, t, depth + 1);
	}
	for (size_t i = 0; i < h->naddrs; i++)
		if (view_addr_visible(cfg, v, h, &h->addrs[i]))
			return true;
	return false;
}

bool
view_host_visible(const struct config *cfg, int v, const struct cfg_host *h)
{
	return host_visible(cfg, v, h, 0);
}
