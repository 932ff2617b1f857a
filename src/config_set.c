/* config_set.c -- a key's value parsed as its table row says, and stored. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_int.h"
#include "config_value.h"

/* Replaces *out with a copy of norm, a name in stored form. 0, or -1. */
static int
name_store(struct cfg_ctx *ctx, const char *norm, char **out)
{
	config_str_free(ctx->strs, *out);
	return (*out = config_ctx_strdup(ctx, norm)) == NULL ? -1 : 0;
}

/* Checks a name value; on success *out is a new copy. */
static int
set_name(struct cfg_ctx *ctx, const char *key, const char *value, char **out)
{
	char norm[CONFIG_NAME_MAX + 1], why[CONFIG_WHY_LEN];

	if (config_parse_name(value, norm, why, sizeof(why)) == -1) {
		config_diag_error(ctx, ctx->line, "%s: invalid name '%s': %s",
		    key, value, why);
		return -1;
	}
	return name_store(ctx, norm, out);
}

/* Replaces *out with a copy of value; NULL for an empty one. */
static void
set_string(struct cfg_ctx *ctx, const char *value, char **out)
{
	config_str_free(ctx->strs, *out);
	*out = NULL;
	if (*value != '\0')
		*out = config_ctx_strdup(ctx, value);
}

static void
set_number(struct cfg_ctx *ctx, const struct cfg_keydef *kd, const char *key,
    const char *value, void *at)
{
	char why[CONFIG_WHY_LEN];
	unsigned long v;

	if (kd->type == CFG_T_NUMBER_AUTO && strcasecmp(value, "auto") == 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		if (ncpu < (long)kd->min)
			ncpu = (long)kd->min;
		if (ncpu > (long)kd->max)
			ncpu = (long)kd->max;
		config_key_put_number(kd, at, (unsigned long)ncpu);
		return;
	}
	if (config_parse_number(value, kd->min, kd->max, &v, why,
	    sizeof(why)) == -1) {
		if (kd->type == CFG_T_NUMBER_AUTO)
			config_diag_error(ctx, ctx->line, "%s: '%s' is %s or "
			    "auto", kd->name, value, why);
		else
			config_diag_error(ctx, ctx->line, "%s: '%s' is %s", key,
			    value, why);
		return;
	}
	config_key_put_number(kd, at, v);
}

static void
set_listen(struct cfg_ctx *ctx, const struct cfg_keydef *kd, char *list,
    struct cfg_listen **v, size_t *n)
{
	struct cfg_listen l;
	char *item;

	while ((item = config_list_next(&list)) != NULL) {
		if (*item == '\0') {
			config_diag_error(ctx, ctx->line, "%s: empty item in "
			    "list", kd->name);
			continue;
		}
		if (config_parse_listen(item, &l) == -1) {
			config_diag_error(ctx, ctx->line, "%s: invalid address "
			    "'%s' (expected ADDR, ADDR:PORT, [V6] or "
			    "[V6]:PORT, port 1..65535)", kd->name, item);
			continue;
		}
		size_t i;
		for (i = 0; i < *n; i++)
			if ((*v)[i].sslen == l.sslen &&
			    memcmp(&(*v)[i].ss, &l.ss, l.sslen) == 0)
				break;
		if (i < *n) {
			config_diag_error(ctx, ctx->line, "%s: '%s' repeated",
			    kd->name, item);
			config_str_free(ctx->strs, l.text);
			continue;
		}
		struct cfg_listen *nl = config_ctx_append(ctx, v, n,
		    sizeof(*nl));
		if (nl == NULL) {
			config_str_free(ctx->strs, l.text);
			break;
		}
		*nl = l;
	}
}

/* notify = ADDR[:PORT], [V6][:PORT]...: where NOTIFY goes (port 53 default). */
/*
 * Cuts "ITEM key NAME" at its key: *name gets the key's name, folded
 * (NULL when the item names none). -1 after an error, reported.
 */
static int
cut_key(struct cfg_ctx *ctx, const char *key, char *item, char **name)
{
	char *p = item;

	*name = NULL;
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	bool alone = strncasecmp(item, "key", 3) == 0 && p == item + 3;
	if (alone)
		p = item;		/* "key NAME" alone: any address */
	else if (*p == '\0')
		return 0;
	else
		*p++ = '\0';
	char *kw = config_trim(p), *kn = kw + 3;
	if (alone && *kn == '\0') {
		config_diag_error(ctx, ctx->line, "%s: 'key' without a key "
		    "name", key);
		return -1;
	}
	if (strncasecmp(kw, "key", 3) != 0 || (*kn != ' ' && *kn != '\t')) {
		config_diag_error(ctx, ctx->line, "%s: '%s': expected 'key "
		    "NAME' after the address", key, kw);
		return -1;
	}
	kn = config_trim(kn);
	if (strpbrk(kn, " \t") != NULL) {
		config_diag_error(ctx, ctx->line, "%s: 'key %s': one key name "
		    "per item", key, kn);
		return -1;
	}
	int rc = set_name(ctx, key, kn, name);
	if (alone)
		*item = '\0';		/* no address left */
	return rc;
}

static void
set_notify(struct cfg_ctx *ctx, const struct cfg_keydef *kd, char *list,
    struct cfg_listen **v, size_t *n)
{
	struct cfg_listen l;
	char *item, *key;

	while ((item = config_list_next(&list)) != NULL) {
		if (cut_key(ctx, kd->name, item, &key) == -1)
			continue;
		if (config_parse_notify(item, &l) == -1) {
			config_diag_error(ctx, ctx->line, "%s: invalid address "
			    "'%s' (expected ADDR, ADDR:PORT, [V6] or "
			    "[V6]:PORT, then optionally key NAME)", kd->name,
			    item);
			config_str_free(ctx->strs, key);
			continue;
		}
		l.key = key;
		l.key_index = 0;
		l.line = ctx->line;
		struct cfg_listen *nl = config_ctx_append(ctx, v, n,
		    sizeof(*nl));
		if (nl == NULL) {
			config_str_free(ctx->strs, l.text);
			config_str_free(ctx->strs, key);
			break;
		}
		*nl = l;
	}
}

/* allow_transfer: PREFIX, PREFIX key NAME, or key NAME (any address). */
static void
set_acl(struct cfg_ctx *ctx, const char *key, char *list, struct cfg_acl **v,
    size_t *n)
{
	struct cfg_acl a;
	char *item, why[CONFIG_WHY_LEN];

	while ((item = config_list_next(&list)) != NULL) {
		if (*item == '\0') {
			config_diag_error(ctx, ctx->line, "%s: empty item in "
			    "list", key);
			continue;
		}
		memset(&a, 0, sizeof(a));
		if (cut_key(ctx, key, item, &a.key) == -1)
			continue;
		if (*item == '\0')
			a.prefix.family = AF_UNSPEC;	/* "key NAME" */
		else if (config_parse_prefix(item, &a.prefix, why,
		    sizeof(why)) == -1) {
			config_diag_error(ctx, ctx->line, "%s: '%s': %s", key,
			    item, why);
			config_str_free(ctx->strs, a.key);
			continue;
		}
		a.line = ctx->line;
		struct cfg_acl *na = config_ctx_append(ctx, v, n, sizeof(*na));
		if (na == NULL) {
			config_str_free(ctx->strs, a.key);
			break;
		}
		*na = a;
	}
}

static void
set_metrics(struct cfg_ctx *ctx, const struct cfg_keydef *kd,
    const char *value, struct cfg_listen *m)
{
	struct cfg_listen l;

	config_str_free(ctx->strs, m->text);
	memset(m, 0, sizeof(*m));
	if (config_parse_metrics(value, &l) == -1) {
		config_diag_error(ctx, ctx->line, "%s: invalid address '%s' "
		    "(expected ADDR:PORT or [V6]:PORT, e.g. 127.0.0.1:9153)",
		    kd->name, value);
		return;
	}
	*m = l;
}

static void
set_prefixes(struct cfg_ctx *ctx, const char *key, char *list,
    struct cfg_prefix **v, size_t *n)
{
	struct cfg_prefix pfx;
	char *item, why[CONFIG_WHY_LEN];

	while ((item = config_list_next(&list)) != NULL) {
		if (*item == '\0') {
			config_diag_error(ctx, ctx->line, "%s: empty item in "
			    "list", key);
			continue;
		}
		if (config_parse_prefix(item, &pfx, why, sizeof(why)) == -1) {
			config_diag_error(ctx, ctx->line, "%s: '%s': %s", key,
			    item, why);
			continue;
		}
		struct cfg_prefix *np = config_ctx_append(ctx, v, n,
		    sizeof(*np));
		if (np == NULL)
			break;
		*np = pfx;
	}
}

/*
 * reverse_zones = none | auto | PREFIX, ...: the zones of PTR records.
 * Each prefix names one zone, so it ends on a label: an octet of IPv4
 * (RFC 1035 3.5), a nibble of IPv6 (RFC 3596 2.5). No two may overlap,
 * or one address would have its PTR in two zones.
 */
static void
set_reverse(struct cfg_ctx *ctx, const char *key, char *list,
    struct cfg_prefix **v, size_t *n)
{
	struct cfg_prefix pfx;
	char *item, why[CONFIG_WHY_LEN];

	free(*v);
	*v = NULL;
	*n = 0;
	for (size_t count = 0; (item = config_list_next(&list)) != NULL;
	    count++) {
		bool none = strcasecmp(item, "none") == 0;
		bool automatic = strcasecmp(item, "auto") == 0;

		if (none || automatic) {
			if (count > 0 || config_list_next(&list) != NULL) {
				config_diag_error(ctx, ctx->line, "%s: none and "
				    "auto stand alone, without prefixes", key);
				free(*v);
				*v = NULL;
				*n = 0;
				return;
			}
			if (automatic && (*v = config_ctx_append(ctx, v, n,
			    sizeof(**v))) != NULL)
				(*v)[0].family = AF_UNSPEC;
			return;
		}
		if (*item == '\0') {
			config_diag_error(ctx, ctx->line, "%s: empty item in "
			    "list", key);
			continue;
		}
		if (config_parse_reverse_prefix(item, &pfx, why,
		    sizeof(why)) == -1) {
			config_diag_error(ctx, ctx->line, "%s: %s %s", key,
			    item, why);
			continue;
		}
		size_t j;
		for (j = 0; j < *n; j++)
			if (config_prefix_overlap(&(*v)[j], &pfx))
				break;
		if (j < *n) {
			char other[64];
			config_prefix_text(&(*v)[j], other, sizeof(other));
			config_diag_error(ctx, ctx->line, "%s: %s overlaps %s: "
			    "one address, one reverse zone", key, item, other);
			continue;
		}
		struct cfg_prefix *np = config_ctx_append(ctx, v, n,
		    sizeof(*np));
		if (np == NULL)
			break;
		*np = pfx;
	}
}

static void
set_targets(struct cfg_ctx *ctx, const struct cfg_keydef *kd, const char *key,
    char *list, struct cfg_targets *t)
{
	char *item, why[CONFIG_WHY_LEN];

	t->line = ctx->line;
	while ((item = config_list_next(&list)) != NULL) {
		char *part[3];

		if (*item == '\0') {
			config_diag_error(ctx, ctx->line, "%s: empty item in "
			    "list", key);
			continue;
		}
		if (config_split_target(item, &part[0], &part[1], &part[2],
		    why, sizeof(why)) == -1) {
			config_diag_error(ctx, ctx->line, "%s: '%s': %s", key,
			    item, why);
			continue;
		}
		bool bad = false;
		unsigned long num[2] = { 0, 0 };
		for (size_t i = 1; i < 3 && part[i] != NULL; i++) {
			if (config_parse_number(part[i], kd->min, kd->max,
			    &num[i - 1], why, sizeof(why)) == -1) {
				config_diag_error(ctx, ctx->line, "%s: %s '%s' "
				    "of target %s is %s", key,
				    i == 1 ? "priority" : "weight", part[i],
				    part[0], why);
				bad = true;
			}
		}
		char *name = NULL;
		if (set_name(ctx, key, part[0], &name) == -1 || bad) {
			config_str_free(ctx->strs, name);
			continue;
		}
		size_t j;
		for (j = 0; j < t->n; j++)
			if (strcmp(t->v[j].name, name) == 0)
				break;
		if (j < t->n) {
			config_diag_error(ctx, ctx->line, "%s: target %s "
			    "repeated", key, name);
			config_str_free(ctx->strs, name);
			continue;
		}
		struct cfg_target *nt = config_ctx_append_small(ctx, &t->v, &t->n,
		    sizeof(*nt));
		if (nt == NULL) {
			config_str_free(ctx->strs, name);
			break;
		}
		nt->name = name;
		nt->priority = (uint16_t)num[0];
		nt->weight = (uint16_t)num[1];
	}
}

/*
 * Appends name (stored form, the list's own now) to kd's list, unless it
 * is there: then an error, and name freed. -1 when out of memory.
 */
static int
names_put(struct cfg_ctx *ctx, const struct cfg_keydef *kd, char *name,
    char ***v, size_t *n)
{
	for (size_t j = 0; j < *n; j++)
		if (strcmp((*v)[j], name) == 0) {
			config_diag_error(ctx, ctx->line, "%s: %s repeated",
			    kd->name, name);
			config_str_free(ctx->strs, name);
			return 0;
		}
	char **nn = config_ctx_append_small(ctx, v, n, sizeof(*nn));
	if (nn == NULL) {
		config_str_free(ctx->strs, name);
		return -1;
	}
	*nn = name;
	return 0;
}

static void
set_names(struct cfg_ctx *ctx, const struct cfg_keydef *kd, char *list,
    char ***v, size_t *n)
{
	char *item;

	while ((item = config_list_next(&list)) != NULL) {
		if (*item == '\0') {
			config_diag_error(ctx, ctx->line, "%s: empty item in "
			    "list", kd->name);
			continue;
		}
		char *name = NULL;
		if (set_name(ctx, kd->name, item, &name) == -1)
			continue;
		if (names_put(ctx, kd, name, v, n) < 0)
			break;
	}
}

static void
set_addresses(struct cfg_ctx *ctx, const char *key, const char *view,
    char *list, struct cfg_addr **v, size_t *n)
{
	struct cfg_addr a;
	char *item, why[CONFIG_WHY_LEN];

	while ((item = config_list_next(&list)) != NULL) {
		if (*item == '\0') {
			config_diag_error(ctx, ctx->line, "%s: empty item in "
			    "list", key);
			continue;
		}
		if (config_parse_address(item, &a, why, sizeof(why)) == -1) {
			config_diag_error(ctx, ctx->line, "%s: '%s' is %s", key,
			    item, why);
			continue;
		}
		int first = 0;
		for (size_t i = 0; i < *n && first == 0; i++) {
			const struct cfg_addr *o = &(*v)[i];

			if (o->family != a.family ||
			    (o->view == NULL) != (view == NULL) ||
			    (view != NULL && strcmp(o->view, view) != 0))
				continue;
			if ((a.family == AF_INET &&
			    memcmp(&o->u.v4, &a.u.v4, sizeof(a.u.v4)) == 0) ||
			    (a.family == AF_INET6 &&
			    memcmp(&o->u.v6, &a.u.v6, sizeof(a.u.v6)) == 0))
				first = o->line;
		}
		if (first != 0) {
			config_diag_error(ctx, ctx->line, "%s: %s repeated "
			    "(first on line %d)", key, item, first);
			continue;
		}
		a.line = ctx->line;
		if (view != NULL &&
		    (a.view = config_ctx_strdup(ctx, view)) == NULL)
			break;
		struct cfg_addr *na = config_ctx_append_small(ctx, v, n,
		    sizeof(*na));
		if (na == NULL) {
			config_str_free(ctx->strs, a.view);
			break;
		}
		*na = a;
	}
}

static void
set_choice(struct cfg_ctx *ctx, const struct cfg_keydef *kd, const char *key,
    const char *value, void *at)
{
	for (unsigned i = 0; kd->choices[i] != NULL; i++)
		if (strcasecmp(value, kd->choices[i]) == 0) {
			memcpy(at, &i, sizeof(i));
			return;
		}
	char list[128] = "";
	for (size_t i = 0; kd->choices[i] != NULL; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", i == 0 ? "" : kd->choices[i + 1] ? ", " : " or ",
		    kd->choices[i]);
	config_diag_error(ctx, ctx->line, "%s: '%s' is not one of %s", key,
	    value, list);
}

/* KEY.FQDN = ADDRESSES: one more server of the role in obj. */
static void
set_member(struct cfg_ctx *ctx, const struct cfg_keydef *kd, const char *key,
    const char *fqdn, char *list, struct cfg_role *r)
{
	char norm[CONFIG_NAME_MAX + 1], why[CONFIG_WHY_LEN];

	if (config_parse_name(fqdn, norm, why, sizeof(why)) == -1) {
		config_diag_error(ctx, ctx->line, "%s: invalid server name "
		    "'%s': %s", key, fqdn, why);
		return;
	}
	for (size_t i = 0; i < r->nmembers; i++)
		if (strcmp(r->members[i].fqdn, norm) == 0) {
			config_diag_error(ctx, ctx->line, "%s: server %s "
			    "repeated (first on line %d)", key, norm,
			    r->members[i].line);
			return;
		}
	char *name = config_ctx_strdup(ctx, norm);
	if (name == NULL)
		return;
	struct cfg_member *m = config_ctx_append(ctx, &r->members, &r->nmembers,
	    sizeof(*m));
	if (m == NULL) {
		config_str_free(ctx->strs, name);
		return;
	}
	m->fqdn = name;
	m->line = ctx->line;
	m->slot = kd->member;
	set_addresses(ctx, key, NULL, list, &m->addrs, &m->naddrs);
	if (m->naddrs == 0)
		config_diag_error(ctx, ctx->line, "%s: no address", key);
}

/* The array pointer at kd->off and its count at kd->noff, of obj. */
#define LIST_OF(kd, obj, type) \
	(type **)(void *)((char *)(obj) + (kd)->off), \
	(size_t *)(void *)((char *)(obj) + (kd)->noff)

/*
 * config_key_set() of a name already in stored form (a default made of a
 * label and a stored domain name: parsing it again gives it back as it
 * is), stored as config_key_set() stores it; other types that way.
 */
void
config_key_set_norm(struct cfg_ctx *ctx, const struct cfg_keyref *ref,
    const char *norm, void *obj)
{
	const struct cfg_keydef *kd = ref->def;

	if (kd->type != CFG_T_NAME && kd->type != CFG_T_MAILBOX &&
	    kd->type != CFG_T_NAMES) {
		config_key_set(ctx, ref, kd->name, norm, obj);
		return;
	}
	if (kd->lineoff != 0)
		memcpy((char *)obj + kd->lineoff, &ctx->line, sizeof(int));
	if (kd->type != CFG_T_NAMES) {
		(void)name_store(ctx, norm, config_key_value(kd, ref->slot, obj));
		return;
	}
	char *name = config_ctx_strdup(ctx, norm);
	if (name != NULL)
		(void)names_put(ctx, kd, name, LIST_OF(kd, obj, char *));
}

void
config_key_set(struct cfg_ctx *ctx, const struct cfg_keyref *ref,
    const char *key, const char *value, void *obj)
{
	const struct cfg_keydef *kd = ref->def;
	void *at = config_key_value(kd, ref->slot, obj);
	char why[CONFIG_WHY_LEN];
	char *copy = NULL, small[256];

	if (kd->lineoff != 0)
		memcpy((char *)obj + kd->lineoff, &ctx->line, sizeof(int));
	switch (kd->type) {
	case CFG_T_LISTEN:
	case CFG_T_NOTIFY:
	case CFG_T_PREFIXES:
	case CFG_T_ACL:
	case CFG_T_REVERSE:
	case CFG_T_TARGETS:
	case CFG_T_NAMES:
	case CFG_T_ADDRESSES:
	case CFG_T_MEMBER:
	case CFG_T_MAILBOX:
		/*
		 * The list parsers cut their copy in place; most values fit
		 * on the stack (a malloc and a free a key at 100,000 domains).
		 */
		if (strlen(value) < sizeof(small))
			copy = strcpy(small, value);
		else if ((copy = config_ctx_strdup(ctx, value)) == NULL)
			return;
		break;
	default:
		break;
	}
	switch (kd->type) {
	case CFG_T_NUMBER:
	case CFG_T_NUMBER_AUTO:
	case CFG_T_PORT:
		set_number(ctx, kd, key, value, at);
		break;
	case CFG_T_BOOL:
		if (config_parse_bool(value, at, why, sizeof(why)) == -1)
			config_diag_error(ctx, ctx->line, "%s: '%s' is %s", key,
			    value, why);
		break;
	case CFG_T_STRING:
		if (kd->max > 0 && strlen(value) > kd->max)
			config_diag_error(ctx, ctx->line, "%s: longer than %lu "
			    "characters", kd->name, kd->max);
		else
			set_string(ctx, value, at);
		break;
	case CFG_T_PATH:
		if (*value != '\0' && *value != '/') {
			set_string(ctx, "", at);
			config_diag_error(ctx, ctx->line, "%s: '%s' is not an "
			    "absolute path", kd->name, value);
		} else
			set_string(ctx, value, at);
		break;
	case CFG_T_NAME:
		set_name(ctx, key, value, at);
		break;
	case CFG_T_MAILBOX: {
		/* Accept the mail form too: hostmaster@contoso.com. */
		char *p = strchr(copy, '@');
		if (p != NULL)
			*p = '.';
		set_name(ctx, kd->name, copy, at);
		break;
	}
	case CFG_T_NAMES:
		set_names(ctx, kd, copy, LIST_OF(kd, obj, char *));
		break;
	case CFG_T_LISTEN:
		set_listen(ctx, kd, copy, LIST_OF(kd, obj, struct cfg_listen));
		break;
	case CFG_T_NOTIFY:
		set_notify(ctx, kd, copy, LIST_OF(kd, obj, struct cfg_listen));
		break;
	case CFG_T_METRICS:
		set_metrics(ctx, kd, value, at);
		break;
	case CFG_T_PREFIXES:
		set_prefixes(ctx, key, copy,
		    LIST_OF(kd, obj, struct cfg_prefix));
		break;
	case CFG_T_ACL:
		set_acl(ctx, key, copy, LIST_OF(kd, obj, struct cfg_acl));
		break;
	case CFG_T_REVERSE:
		set_reverse(ctx, key, copy, LIST_OF(kd, obj, struct cfg_prefix));
		break;
	case CFG_T_TARGETS:
		set_targets(ctx, kd, key, copy, at);
		break;
	case CFG_T_ADDRESSES:
		set_addresses(ctx, key, ref->suffix, copy,
		    LIST_OF(kd, obj, struct cfg_addr));
		break;
	case CFG_T_CHOICE:
		set_choice(ctx, kd, key, value, at);
		break;
	case CFG_T_MEMBER:
		set_member(ctx, kd, key, ref->suffix, copy, obj);
		break;
	case CFG_T_SCOPE: {
		bool external = strcasecmp(value, "external") == 0;
		if (external || strcasecmp(value, "internal") == 0)
			memcpy(at, &external, sizeof(external));
		else
			config_diag_error(ctx, ctx->line, "%s: '%s' is neither "
			    "internal nor external", kd->name, value);
		break;
	}
	}
	if (copy != small)
		config_str_free(ctx->strs, copy);
}
