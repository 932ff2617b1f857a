/* config_index.c -- the configuration's hosts and domains by name. */

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config_int.h"
#include "config_value.h"

/*
 * Name indexes: open addressing over positions in cfg->domains or
 * cfg->hosts, whose first member is the (lower case) name.
 */
_Static_assert(offsetof(struct cfg_domain, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_host, name) == 0, "name first");

uint32_t
config_index_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

static const char *
item_name(const void *base, size_t stride, size_t i)
{
	const char *name;

	memcpy(&name, (const char *)base + i * stride, sizeof(name));
	return name;
}

/* The position of name, whose config_index_hash() is h, or -1. */
long
config_index_find_hash(const struct cfg_index *x, const void *base,
    size_t stride, const char *name, uint32_t h)
{
	if (x->slot == NULL)
		return -1;
	for (size_t i = h & x->mask;; i = (i + 1) & x->mask) {
		const struct cfg_index_slot *sl = &x->slot[i];
		if (sl->pos == 0)
			return -1;
		if (sl->hash == h &&
		    strcmp(item_name(base, stride, sl->pos - 1), name) == 0)
			return (long)sl->pos - 1;
	}
}

/*
 * A zeroed slot array. From 2 MiB on (100,000 hosts make 8 MiB), mapped by
 * itself (arena_array_resize()), so that the shed can hand its pages to the
 * build (config_index_free()), and on huge pages where the kernel has them
 * for the asking: every look-up lands on a random slot, and with 4 KiB
 * pages most of them missed the TLB too (a quarter of config_load() at
 * 100,000 domains).
 */
#define SLOTS_MAPPED	((size_t)2 << 20)

static struct cfg_index_slot *
slots_new(size_t n)
{
	size_t bytes = n * sizeof(struct cfg_index_slot);

	if (bytes < SLOTS_MAPPED)
		return calloc(n, sizeof(struct cfg_index_slot));
	void *p = arena_array_resize(NULL, bytes);	/* fresh: zeroed */
	if (p == NULL)
		return NULL;
	arena_huge_hint(p, bytes);
	return p;
}

/* Frees n slots from slots_new(); donate: their pages to the build next. */
static void
slots_free(struct cfg_index_slot *slot, size_t n, bool donate)
{
	size_t bytes = n * sizeof(struct cfg_index_slot);

	if (slot == NULL)
		return;
	if (bytes < SLOTS_MAPPED)
		free(slot);
	else if (donate)
		arena_array_donate(slot, bytes);
	else
		arena_array_free(slot);
}

void
config_index_free(struct cfg_index *x, bool donate)
{
	slots_free(x->slot, x->slot != NULL ? x->mask + 1 : 0, donate);
	memset(x, 0, sizeof(*x));
}

static long
index_find(const struct cfg_index *x, const void *base, size_t stride,
    const char *name)
{
	if (x->slot == NULL)
		return -1;
	return config_index_find_hash(x, base, stride, name,
	    config_index_hash(name));
}

int
config_index_put_hash(struct cfg_index *x, const void *base, size_t stride,
    size_t pos, uint32_t h, bool check)
{
	if ((x->n + 1) * 2 > (x->slot ? x->mask + 1 : 0)) {
		size_t size = x->slot ? (x->mask + 1) * 2 : 64;
		struct cfg_index_slot *slot = slots_new(size);
		if (slot == NULL)
			return -1;
		for (size_t i = 0; x->slot != NULL && i <= x->mask; i++) {
			if (x->slot[i].pos == 0)
				continue;
			size_t j = x->slot[i].hash & (size - 1);
			while (slot[j].pos != 0)
				j = (j + 1) & (size - 1);
			slot[j] = x->slot[i];
		}
		slots_free(x->slot, x->slot ? x->mask + 1 : 0, false);
		x->slot = slot;
		x->mask = size - 1;
	}
	const char *name = item_name(base, stride, pos);
	size_t j = h & x->mask;
	for (; x->slot[j].pos != 0; j = (j + 1) & x->mask)
		if (check && x->slot[j].hash == h && strcmp(item_name(base,
		    stride, x->slot[j].pos - 1), name) == 0)
			return 1;
	x->slot[j].pos = (uint32_t)pos + 1;
	x->slot[j].hash = h;
	x->n++;
	return 0;
}

/*
 * The index of n items at once, their hashes known (h[i]): sized for all
 * of them first, so no slot moves while it fills, and each slot fetched
 * a few items ahead. x is empty. 0, 1 when a name is there twice (x holds
 * what came before it), -1 when out of memory.
 */
#define INDEX_AHEAD	8

int
config_index_build(struct cfg_index *x, const void *base, size_t stride,
    size_t n, const uint32_t *h)
{
	size_t size = 64;

	while (size < n * 2)
		size *= 2;
	if (n == 0)
		return 0;
	if ((x->slot = slots_new(size)) == NULL)
		return -1;
	x->mask = size - 1;
	x->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + INDEX_AHEAD < n)
			__builtin_prefetch(&x->slot[h[i + INDEX_AHEAD] & x->mask], 1);
		int rc = config_index_put_hash(x, base, stride, i, h[i], true);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
config_index_add(struct cfg_index *x, const void *base, size_t stride,
    size_t pos)
{
	return config_index_put_hash(x, base, stride, pos,
	    config_index_hash(item_name(base, stride, pos)), false);
}

int
config_index_put(struct cfg_index *x, const void *base, size_t stride,
    size_t pos)
{
	return config_index_put_hash(x, base, stride, pos,
	    config_index_hash(item_name(base, stride, pos)), true);
}

/* Lower case, no trailing dot: the form names are stored in. */
static const char *
lookup_form(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)name[i]);
	if (i > 1 && buf[i - 1] == '.')
		i--;
	buf[i] = '\0';
	return buf;
}

/*
 * The look-ups of names already in stored form (parsed, or stored): no
 * copy to fold first (lookup_form() was 5% of config_load()).
 */
const struct cfg_host *
config_host_norm(const struct config *cfg, const char *name)
{
	long i = index_find(&cfg->host_index, cfg->hosts, sizeof(*cfg->hosts),
	    name);

	return i < 0 ? NULL : &cfg->hosts[i];
}

const struct cfg_domain *
config_domain_norm(const struct config *cfg, const char *name)
{
	long i = index_find(&cfg->domain_index, cfg->domains,
	    sizeof(*cfg->domains), name);

	return i < 0 ? NULL : &cfg->domains[i];
}

/* The longest domain that is name or a suffix of it: one lookup per label. */
const struct cfg_domain *
config_zone_of_norm(const struct config *cfg, const char *p)
{
	for (;;) {
		long i = index_find(&cfg->domain_index, cfg->domains,
		    sizeof(*cfg->domains), p);
		if (i >= 0)
			return &cfg->domains[i];
		if ((p = strchr(p, '.')) == NULL)
			return NULL;
		p++;
	}
}

const struct cfg_host *
config_host(const struct config *cfg, const char *name)
{
	char buf[CONFIG_NAME_MAX + 2];

	return config_host_norm(cfg, lookup_form(name, buf, sizeof(buf)));
}

const struct cfg_domain *
config_domain(const struct config *cfg, const char *name)
{
	char buf[CONFIG_NAME_MAX + 2];

	return config_domain_norm(cfg, lookup_form(name, buf, sizeof(buf)));
}

const struct cfg_domain *
config_zone_of(const struct config *cfg, const char *name)
{
	char buf[CONFIG_NAME_MAX + 2];

	return config_zone_of_norm(cfg, lookup_form(name, buf, sizeof(buf)));
}
