/* config_restart.c -- the keys a reload cannot apply: what changed, what runs. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

static bool
str_equal(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static bool
sockaddr_equal(const struct cfg_listen *a, const struct cfg_listen *b)
{
	return a->sslen == b->sslen && memcmp(&a->ss, &b->ss, a->sslen) == 0;
}

/* The same set of addresses (a list has no repeats), in any order. */
static bool
listen_equal(const struct cfg_listen *a, size_t na, const struct cfg_listen *b,
    size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		size_t j;
		for (j = 0; j < nb && !sockaddr_equal(&a[i], &b[j]); j++)
			;
		if (j == nb)
			return false;
	}
	return true;
}

static bool
prefixes_equal(const struct cfg_prefix *a, size_t na,
    const struct cfg_prefix *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].family != b[i].family || a[i].bits != b[i].bits ||
		    memcmp(a[i].addr, b[i].addr, sizeof(a[i].addr)) != 0)
			return false;
	return true;
}

/* Whether a [server] key has the same effective value in both. */
static bool
server_key_equal(const struct cfg_keydef *kd, const struct config *a,
    const struct config *b)
{
	enum cfg_key slot = (enum cfg_key)(kd - cfg_keys);
	const void *va = config_key_value(kd, slot, a);
	const void *vb = config_key_value(kd, slot, b);

	switch (kd->type) {
	case CFG_T_NUMBER:
	case CFG_T_NUMBER_AUTO:
		return config_key_get_number(kd, va) ==
		    config_key_get_number(kd, vb);
	case CFG_T_BOOL:
		return *(const bool *)va == *(const bool *)vb;
	case CFG_T_STRING:
	case CFG_T_PATH:
		return str_equal(*(char *const *)va, *(char *const *)vb);
	case CFG_T_LISTEN:
	case CFG_T_NOTIFY:
		return listen_equal(*(struct cfg_listen *const *)va,
		    *(const size_t *)(const void *)((const char *)a + kd->noff),
		    *(struct cfg_listen *const *)vb,
		    *(const size_t *)(const void *)((const char *)b + kd->noff));
	case CFG_T_METRICS:
		return sockaddr_equal(va, vb);
	case CFG_T_PREFIXES:
		return prefixes_equal(*(struct cfg_prefix *const *)va,
		    *(const size_t *)(const void *)((const char *)a + kd->noff),
		    *(struct cfg_prefix *const *)vb,
		    *(const size_t *)(const void *)((const char *)b + kd->noff));
	default:
		/* Not a [server] type: views, domains, hosts always reload. */
		return true;
	}
}

void
config_restart_changes(const struct config *old, const struct config *cur,
    void (*report)(void *arg, const char *section, const char *key),
    void *arg)
{
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];

		if (kd->policy == CFG_RESTART && kd->sect == CFG_SECT_SERVER &&
		    !server_key_equal(kd, old, cur))
			report(arg, config_sect_name(kd->sect), kd->name);
	}
}

/*
 * The daemon applies the RESTART keys once, at start-up: to tell whether a
 * reloaded file asks for something else, compare it with what the daemon
 * started with, not with the file of the last reload. So the server keeps
 * this copy of the first configuration's RESTART keys.
 */
static int
copy_listen(const struct cfg_listen *from, size_t n, struct cfg_listen **to)
{
	if (n == 0)
		return 0;
	if ((*to = calloc(n, sizeof(**to))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		(*to)[i] = from[i];
		(*to)[i].text = NULL;
		if (from[i].text != NULL &&
		    ((*to)[i].text = strdup(from[i].text)) == NULL)
			return -1;
	}
	return 0;
}

static int
copy_key(const struct cfg_keydef *kd, const struct config *from,
    struct config *to)
{
	enum cfg_key slot = (enum cfg_key)(kd - cfg_keys);
	const void *src = config_key_value(kd, slot, from);
	void *dst = config_key_value(kd, slot, to);

	switch (kd->type) {
	case CFG_T_STRING:
	case CFG_T_PATH: {
		const char *str = *(char *const *)src;
		char *dup = str == NULL ? NULL : strdup(str);
		memcpy(dst, &dup, sizeof(dup));
		return str != NULL && dup == NULL ? -1 : 0;
	}
	case CFG_T_LISTEN:
	case CFG_T_NOTIFY: {
		size_t n = *(const size_t *)(const void *)
		    ((const char *)from + kd->noff);
		memcpy((char *)to + kd->noff, &n, sizeof(n));
		return copy_listen(*(struct cfg_listen *const *)src, n, dst);
	}
	case CFG_T_METRICS: {
		const struct cfg_listen *m = src;
		struct cfg_listen *out = dst;
		*out = *m;
		out->text = NULL;
		return m->text != NULL && (out->text = strdup(m->text)) == NULL ?
		    -1 : 0;
	}
	case CFG_T_PREFIXES:
		/* No [server] key of this type needs a restart yet. */
		return -1;
	default:
		memcpy(dst, src, kd->size);
		return 0;
	}
}

struct config *
config_restart_copy(const struct config *cfg)
{
	struct config *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];

		if (kd->policy == CFG_RESTART && kd->sect == CFG_SECT_SERVER &&
		    copy_key(kd, cfg, c) < 0) {
			config_free(c);
			return NULL;
		}
	}
	return c;
}
