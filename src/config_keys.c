/* config_keys.c -- every INI key as one table row, and the rows at work. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_int.h"
#include "config_value.h"

#define TTL_MAX		2147483647UL

/* --- the table ---------------------------------------------------------- */

/*
 * One row per key: section, name, type, range, default, whether it may
 * repeat, whether a reload applies it, and where its value goes. Parsing,
 * range errors, defaults, the restart report and the man page check
 * (tests/unit/check_config_keys.c) all read these rows.
 */
#define KEY(s, n, t)	.sect = CFG_SECT_##s, .name = (n), .type = CFG_T_##t
#define RANGE(a, b)	.min = (a), .max = (b)
#define VALUE(v)	.def = CFG_DEF_VALUE, .dnum = (v)
#define TEXT(s)		.def = CFG_DEF_TEXT, .dtext = (s)
#define AT(st, m)	.off = offsetof(struct st, m), \
			.size = sizeof(((struct st *)0)->m)
#define LIST(st, m, n)	AT(st, m), .noff = offsetof(struct st, n)
#define RELOAD		.policy = CFG_RELOAD
#define RESTART		.policy = CFG_RESTART

const struct cfg_keydef cfg_keys[CFG_KEY_COUNT] = {
	/* [server] */
	[CFG_KEY_LISTEN] = { KEY(SERVER, "listen", LISTEN),
	    TEXT(CONFIG_DEFAULT_LISTEN), RESTART,
	    LIST(config, listen, nlisten) },
	[CFG_KEY_TTL] = { KEY(SERVER, "ttl", NUMBER), RANGE(0, TTL_MAX),
	    VALUE(CONFIG_DEFAULT_TTL), RELOAD, AT(config, ttl) },
	[CFG_KEY_NEGATIVE_TTL] = { KEY(SERVER, "negative_ttl", NUMBER),
	    RANGE(0, TTL_MAX), VALUE(CONFIG_DEFAULT_NEGATIVE_TTL), RELOAD,
	    AT(config, negative_ttl) },
	[CFG_KEY_EDNS_SIZE] = { KEY(SERVER, "edns_size", NUMBER),
	    RANGE(512, 4096), VALUE(CONFIG_DEFAULT_EDNS_SIZE), RELOAD,
	    AT(config, edns_size) },
	[CFG_KEY_TCP_TIMEOUT] = { KEY(SERVER, "tcp_timeout", NUMBER),
	    RANGE(1, 3600), VALUE(CONFIG_DEFAULT_TCP_TIMEOUT), RELOAD,
	    AT(config, tcp_timeout) },
	/* Each worker takes its share again when it adopts new data. */
	[CFG_KEY_TCP_MAX_CLIENTS] = { KEY(SERVER, "tcp_max_clients", NUMBER),
	    RANGE(1, 65535), VALUE(CONFIG_DEFAULT_TCP_MAX_CLIENTS), RELOAD,
	    AT(config, tcp_max_clients) },
	[CFG_KEY_VERSION] = { KEY(SERVER, "version", STRING),
	    TEXT(CONFIG_DEFAULT_VERSION), .empty_ok = true, RELOAD,
	    AT(config, version) },
	[CFG_KEY_IDENTITY] = { KEY(SERVER, "identity", STRING),
	    .def = CFG_DEF_HOSTNAME, .empty_ok = true, RELOAD,
	    AT(config, identity) },
	[CFG_KEY_NSID] = { KEY(SERVER, "nsid", STRING), RANGE(0, 64), RELOAD,
	    AT(config, nsid) },
	/* Read again at every reload. */
	[CFG_KEY_ZONES] = { KEY(SERVER, "zones", STRING), RELOAD,
	    AT(config, zones_dir) },
	/* privs_prepare() reads these three once, before the first query. */
	[CFG_KEY_USER] = { KEY(SERVER, "user", STRING), RESTART,
	    AT(config, user) },
	[CFG_KEY_CHROOT] = { KEY(SERVER, "chroot", PATH), RESTART,
	    AT(config, chroot_dir) },
	[CFG_KEY_ALLOW_ROOT] = { KEY(SERVER, "allow_root", BOOL),
	    VALUE(CONFIG_DEFAULT_ALLOW_ROOT), RESTART, AT(config, allow_root) },
	[CFG_KEY_ALLOW_TRANSFER] = { KEY(SERVER, "allow_transfer", PREFIXES),
	    RELOAD, LIST(config, allow_transfer, nallow_transfer) },
	[CFG_KEY_NOTIFY] = { KEY(SERVER, "notify", NOTIFY), RELOAD,
	    LIST(config, notify, nnotify) },
	[CFG_KEY_QUERY_LOG] = { KEY(SERVER, "query_log", BOOL),
	    VALUE(CONFIG_DEFAULT_QUERY_LOG), RELOAD, AT(config, query_log) },
	[CFG_KEY_QUERY_LOG_SAMPLE] = { KEY(SERVER, "query_log_sample", NUMBER),
	    RANGE(1, 1000000), VALUE(CONFIG_DEFAULT_QUERY_LOG_SAMPLE), RELOAD,
	    AT(config, query_log_sample) },
	/* The listener is opened at start-up only. */
	[CFG_KEY_METRICS] = { KEY(SERVER, "metrics", METRICS), RESTART,
	    AT(config, metrics) },
	[CFG_KEY_CHAOS_STATS] = { KEY(SERVER, "chaos_stats", BOOL),
	    VALUE(CONFIG_DEFAULT_CHAOS_STATS), RELOAD, AT(config, chaos_stats) },
	[CFG_KEY_RRL] = { KEY(SERVER, "rrl", NUMBER), RANGE(0, 1000000),
	    VALUE(CONFIG_DEFAULT_RRL), RELOAD, AT(config, rrl) },
	[CFG_KEY_RRL_SLIP] = { KEY(SERVER, "rrl_slip", NUMBER), RANGE(0, 100),
	    VALUE(CONFIG_DEFAULT_RRL_SLIP), RELOAD, AT(config, rrl_slip) },
	[CFG_KEY_RRL_IPV4_PREFIX] = { KEY(SERVER, "rrl_ipv4_prefix", NUMBER),
	    RANGE(8, 32), VALUE(CONFIG_DEFAULT_RRL_IPV4_PREFIX), RELOAD,
	    AT(config, rrl_ipv4_prefix) },
	[CFG_KEY_RRL_IPV6_PREFIX] = { KEY(SERVER, "rrl_ipv6_prefix", NUMBER),
	    RANGE(16, 128), VALUE(CONFIG_DEFAULT_RRL_IPV6_PREFIX), RELOAD,
	    AT(config, rrl_ipv6_prefix) },
	[CFG_KEY_WORKERS] = { KEY(SERVER, "workers", NUMBER_AUTO),
	    RANGE(1, CONFIG_MAX_WORKERS), VALUE(CONFIG_DEFAULT_WORKERS),
	    RESTART, AT(config, workers) },
	[CFG_KEY_REVERSE_ZONES] = { KEY(SERVER, "reverse_zones", REVERSE),
	    RELOAD, LIST(config, reverse_zones, nreverse_zones),
	    .lineoff = offsetof(struct config, reverse_zones_line) },

	/* [view NAME]: every view is built anew at each reload. */
	[CFG_KEY_VIEW_ALLOW_TRANSFER] = { KEY(VIEW, "allow_transfer", PREFIXES),
	    RELOAD, LIST(cfg_view, allow_transfer, nallow_transfer) },
	[CFG_KEY_MATCH] = { KEY(VIEW, "match", PREFIXES), RELOAD,
	    LIST(cfg_view, match, nmatch) },
	[CFG_KEY_MATCH_DESTINATION] = { KEY(VIEW, "match_destination", PREFIXES),
	    RELOAD, LIST(cfg_view, match_destination, nmatch_destination) },
	[CFG_KEY_SCOPE] = { KEY(VIEW, "scope", SCOPE),
	    VALUE(CONFIG_DEFAULT_SCOPE_EXTERNAL), RELOAD, AT(cfg_view, external) },

	/* [domain NAME] */
	[CFG_KEY_POOL] = { KEY(DOMAIN, "pool", TARGETS), RANGE(0, 65535),
	    RELOAD, AT(cfg_domain, pool) },
	[CFG_KEY_ACCESS_EDGE] = { KEY(DOMAIN, "access_edge", TARGETS),
	    RANGE(0, 65535), RELOAD, AT(cfg_domain, access_edge) },
	[CFG_KEY_FEDERATION] = { KEY(DOMAIN, "federation", BOOL),
	    VALUE(CONFIG_DEFAULT_FEDERATION), RELOAD, AT(cfg_domain, federation) },
	[CFG_KEY_SIP_TCP] = { KEY(DOMAIN, "sip_tcp", BOOL),
	    VALUE(CONFIG_DEFAULT_SIP_TCP), RELOAD, AT(cfg_domain, sip_tcp) },
	[CFG_KEY_FALLBACK] = { KEY(DOMAIN, "fallback", BOOL),
	    VALUE(CONFIG_DEFAULT_FALLBACK), RELOAD, AT(cfg_domain, fallback) },
	/* One row for every service: names and defaults from ocs_services[]. */
	[CFG_KEY_PORT] = { KEY(DOMAIN, NULL, PORT), RANGE(1, 65535),
	    .def = CFG_DEF_OCS, RELOAD, .off = offsetof(struct cfg_domain, port),
	    .size = sizeof(((struct cfg_domain *)0)->port[0]) },
	[CFG_KEY_NS] = { KEY(DOMAIN, "ns", NAMES), .def = CFG_DEF_BELOW_DOMAIN,
	    .dtext = CONFIG_DEFAULT_NS_LABEL, RELOAD, LIST(cfg_domain, ns, nns) },
	[CFG_KEY_HOSTMASTER] = { KEY(DOMAIN, "hostmaster", MAILBOX),
	    .def = CFG_DEF_BELOW_DOMAIN, .dtext = CONFIG_DEFAULT_HOSTMASTER_LABEL,
	    RELOAD, AT(cfg_domain, hostmaster) },
	[CFG_KEY_DOMAIN_TTL] = { KEY(DOMAIN, "ttl", NUMBER), RANGE(0, TTL_MAX),
	    .def = CFG_DEF_INHERIT, .inherit = CFG_KEY_TTL, RELOAD,
	    AT(cfg_domain, ttl) },

	/* [host FQDN] */
	[CFG_KEY_ADDRESS] = { KEY(HOST, "address", ADDRESSES), .repeat = true,
	    RELOAD, LIST(cfg_host, addrs, naddrs) },
	/* address.VIEW: the name is a prefix, the rest a view name. */
	[CFG_KEY_ADDRESS_VIEW] = { KEY(HOST, "address.", ADDRESSES),
	    .repeat = true, .prefix = true, RELOAD,
	    LIST(cfg_host, addrs, naddrs) },
	[CFG_KEY_CNAME] = { KEY(HOST, "cname", NAME), RELOAD,
	    AT(cfg_host, cname),
	    .lineoff = offsetof(struct cfg_host, cname_line) },
};

static const char *const sect_names[] = {
	[CFG_SECT_NONE] = "", [CFG_SECT_IGNORE] = "",
	[CFG_SECT_SERVER] = "server", [CFG_SECT_VIEW] = "view",
	[CFG_SECT_DOMAIN] = "domain", [CFG_SECT_HOST] = "host",
};

const char *
config_sect_name(enum cfg_sect sect)
{
	return sect_names[sect];
}

int
config_key_find(enum cfg_sect sect, const char *name, struct cfg_keyref *out)
{
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];

		if (kd->sect != sect || kd->sect == CFG_SECT_NONE)
			continue;
		out->def = kd;
		out->slot = (enum cfg_key)i;
		out->suffix = NULL;
		if (kd->type == CFG_T_PORT) {
			for (size_t s = 0; s < OCS_NSERVICES; s++) {
				const char *k = ocs_services[s].port_key;
				if (strcasecmp(k, name) == 0) {
					out->slot = (enum cfg_key)(i + s);
					return 0;
				}
			}
		} else if (kd->prefix) {
			size_t len = strlen(kd->name);
			if (strncasecmp(name, kd->name, len) == 0) {
				out->suffix = name + len;
				return 0;
			}
		} else if (strcasecmp(kd->name, name) == 0)
			return 0;
	}
	return -1;
}

const char *
config_key_name(enum cfg_key slot)
{
	if (slot >= CFG_KEY_PORT && slot <= CFG_KEY_PORT_LAST)
		return ocs_services[slot - CFG_KEY_PORT].port_key;
	return cfg_keys[slot].name;
}

/* --- values in their structs -------------------------------------------- */

/* Where the value of slot is: a port slot is its element of the array. */
void *
config_key_value(const struct cfg_keydef *kd, enum cfg_key slot,
    const void *obj)
{
	size_t elem = (size_t)slot - (size_t)(kd - cfg_keys);

	return (char *)(uintptr_t)obj + kd->off + elem * kd->size;
}

_Static_assert(sizeof(unsigned) == sizeof(uint32_t), "unsigned is 32 bits");

void
config_key_put_number(const struct cfg_keydef *kd, void *at, unsigned long v)
{
	if (kd->size == sizeof(uint16_t)) {
		uint16_t u = (uint16_t)v;
		memcpy(at, &u, sizeof(u));
	} else {
		uint32_t u = (uint32_t)v;
		memcpy(at, &u, sizeof(u));
	}
}

unsigned long
config_key_get_number(const struct cfg_keydef *kd, const void *at)
{
	if (kd->size == sizeof(uint16_t)) {
		uint16_t u;
		memcpy(&u, at, sizeof(u));
		return u;
	}
	uint32_t u;
	memcpy(&u, at, sizeof(u));
	return u;
}

void
config_key_init(enum cfg_sect sect, void *obj)
{
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];

		if (kd->sect != sect)
			continue;
		if (kd->def == CFG_DEF_OCS)
			for (size_t s = 0; s < OCS_NSERVICES; s++)
				config_key_put_number(kd, config_key_value(kd,
				    (enum cfg_key)(i + s), obj),
				    ocs_services[s].port);
		if (kd->def != CFG_DEF_VALUE)
			continue;
		void *at = config_key_value(kd, (enum cfg_key)i, obj);
		if (kd->type == CFG_T_BOOL || kd->type == CFG_T_SCOPE) {
			bool b = kd->dnum != 0;
			memcpy(at, &b, sizeof(b));
		} else
			config_key_put_number(kd, at, kd->dnum);
	}
}

/* --- setting a value ---------------------------------------------------- */

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
	free(*out);
	if ((*out = config_ctx_strdup(ctx, norm)) == NULL)
		return -1;
	return 0;
}

/* Replaces *out with a copy of value; NULL for an empty one. */
static void
set_string(struct cfg_ctx *ctx, const char *value, char **out)
{
	free(*out);
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
			free(l.text);
			continue;
		}
		struct cfg_listen *nl = config_ctx_append(ctx, v, n,
		    sizeof(*nl));
		if (nl == NULL) {
			free(l.text);
			break;
		}
		*nl = l;
	}
}

/* notify = ADDR[:PORT], [V6][:PORT]...: where NOTIFY goes (port 53 default). */
static void
set_notify(struct cfg_ctx *ctx, const struct cfg_keydef *kd, char *list,
    struct cfg_listen **v, size_t *n)
{
	struct cfg_listen l;
	char *item;

	while ((item = config_list_next(&list)) != NULL) {
		if (config_parse_notify(item, &l) == -1) {
			config_diag_error(ctx, ctx->line, "%s: invalid address "
			    "'%s' (expected ADDR, ADDR:PORT, [V6] or "
			    "[V6]:PORT)", kd->name, item);
			continue;
		}
		struct cfg_listen *nl = config_ctx_append(ctx, v, n,
		    sizeof(*nl));
		if (nl == NULL) {
			free(l.text);
			break;
		}
		*nl = l;
	}
}

/* metrics = ADDR:PORT, [V6]:PORT: the HTTP listener for /metrics; off: none. */
static void
set_metrics(struct cfg_ctx *ctx, const struct cfg_keydef *kd,
    const char *value, struct cfg_listen *m)
{
	struct cfg_listen l;

	free(m->text);
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
			free(name);
			continue;
		}
		size_t j;
		for (j = 0; j < t->n; j++)
			if (strcmp(t->v[j].name, name) == 0)
				break;
		if (j < t->n) {
			config_diag_error(ctx, ctx->line, "%s: target %s "
			    "repeated", key, name);
			free(name);
			continue;
		}
		struct cfg_target *nt = config_ctx_append(ctx, &t->v, &t->n,
		    sizeof(*nt));
		if (nt == NULL) {
			free(name);
			break;
		}
		nt->name = name;
		nt->priority = (uint16_t)num[0];
		nt->weight = (uint16_t)num[1];
	}
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
		size_t j;
		for (j = 0; j < *n; j++)
			if (strcmp((*v)[j], name) == 0)
				break;
		if (j < *n) {
			config_diag_error(ctx, ctx->line, "%s: %s repeated",
			    kd->name, name);
			free(name);
			continue;
		}
		char **nn = config_ctx_append(ctx, v, n, sizeof(*nn));
		if (nn == NULL) {
			free(name);
			break;
		}
		*nn = name;
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
		struct cfg_addr *na = config_ctx_append(ctx, v, n, sizeof(*na));
		if (na == NULL) {
			free(a.view);
			break;
		}
		*na = a;
	}
}

/* The array pointer at kd->off and its count at kd->noff, of obj. */
#define LIST_OF(kd, obj, type) \
	(type **)(void *)((char *)(obj) + (kd)->off), \
	(size_t *)(void *)((char *)(obj) + (kd)->noff)

void
config_key_set(struct cfg_ctx *ctx, const struct cfg_keyref *ref,
    const char *key, const char *value, void *obj)
{
	const struct cfg_keydef *kd = ref->def;
	void *at = config_key_value(kd, ref->slot, obj);
	char why[CONFIG_WHY_LEN];
	char *copy = NULL;

	if (kd->lineoff != 0)
		memcpy((char *)obj + kd->lineoff, &ctx->line, sizeof(int));
	switch (kd->type) {
	case CFG_T_LISTEN:
	case CFG_T_NOTIFY:
	case CFG_T_PREFIXES:
	case CFG_T_REVERSE:
	case CFG_T_TARGETS:
	case CFG_T_NAMES:
	case CFG_T_ADDRESSES:
	case CFG_T_MAILBOX:
		/* The list parsers cut their copy in place. */
		if ((copy = config_ctx_strdup(ctx, value)) == NULL)
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
	free(copy);
}
