/* config_keys.c -- every INI key as one table row: find, name, init a key. */

#include <ctype.h>
#include <sys/types.h>
#include <sys/socket.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"
#include "config_value.h"
#include "lookup/lookup_util.h"

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

static const char *const versions[] = { "2007", "r2", NULL };
static const char *const editions[] = { "standard", "enterprise", NULL };
static const char *const topologies[] = { "consolidated", "expanded", NULL };
static const char *const signins[] = { "pool", "director", NULL };
/* In the order of CONFIG_TSIG_*; tsig.c names them on the wire. */
static const char *const tsig_algorithms[] = { "hmac-sha1", "hmac-sha224",
	"hmac-sha256", "hmac-sha384", "hmac-sha512", NULL };

/* A role section's name key, its address key, and its members. */
#define ROLE_NAME(s, k, slot) \
	{ KEY(s, k, NAME), RELOAD, AT(cfg_role, names[slot].fqdn), \
	    .lineoff = offsetof(struct cfg_role, names[slot].line) }
#define ROLE_ADDRESS(s, k, slot) \
	{ KEY(s, k, ADDRESSES), RELOAD, \
	    LIST(cfg_role, names[slot].addrs, names[slot].naddrs), \
	    .lineoff = offsetof(struct cfg_role, names[slot].addr_line) }
#define ROLE_MEMBER(s, k, slot) \
	{ KEY(s, k, MEMBER), .repeat = true, .prefix = true, RELOAD, \
	    .member = (slot) }
#define PUBLISH_INSIDE(s) \
	{ KEY(s, "publish_inside", BOOL), VALUE(CONFIG_DEFAULT_PUBLISH_INSIDE), \
	    RELOAD, AT(cfg_role, publish_inside) }

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
	[CFG_KEY_STATE_DIRECTORY] = { KEY(SERVER, "state_directory", PATH),
	    RESTART, AT(config, state_dir) },
	[CFG_KEY_IXFR_HISTORY] = { KEY(SERVER, "ixfr_history", NUMBER),
	    RANGE(0, 1000), VALUE(CONFIG_DEFAULT_IXFR_HISTORY), RELOAD,
	    AT(config, ixfr_history) },
	[CFG_KEY_ALLOW_ROOT] = { KEY(SERVER, "allow_root", BOOL),
	    VALUE(CONFIG_DEFAULT_ALLOW_ROOT), RESTART, AT(config, allow_root) },
	[CFG_KEY_ALLOW_TRANSFER] = { KEY(SERVER, "allow_transfer", ACL),
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
	[CFG_KEY_OCS_VERSION] = { KEY(SERVER, "ocs_version", CHOICE),
	    .choices = versions, VALUE(CONFIG_DEFAULT_OCS_VERSION), RELOAD,
	    AT(config, ocs_version) },
	[CFG_KEY_WORKERS] = { KEY(SERVER, "workers", NUMBER_AUTO),
	    RANGE(1, CONFIG_MAX_WORKERS), VALUE(CONFIG_DEFAULT_WORKERS),
	    RESTART, AT(config, workers) },
	[CFG_KEY_REVERSE_ZONES] = { KEY(SERVER, "reverse_zones", REVERSE),
	    RELOAD, LIST(config, reverse_zones, nreverse_zones),
	    .lineoff = offsetof(struct config, reverse_zones_line) },

	/* [view NAME]: every view is built anew at each reload. */
	[CFG_KEY_VIEW_ALLOW_TRANSFER] = { KEY(VIEW, "allow_transfer", ACL),
	    RELOAD, LIST(cfg_view, allow_transfer, nallow_transfer) },
	[CFG_KEY_MATCH] = { KEY(VIEW, "match", PREFIXES), RELOAD,
	    LIST(cfg_view, match, nmatch) },
	[CFG_KEY_MATCH_DESTINATION] = { KEY(VIEW, "match_destination", PREFIXES),
	    RELOAD, LIST(cfg_view, match_destination, nmatch_destination) },
	[CFG_KEY_SCOPE] = { KEY(VIEW, "scope", SCOPE),
	    VALUE(CONFIG_DEFAULT_SCOPE_EXTERNAL), RELOAD, AT(cfg_view, external) },
	/* Key names: config_tsig_check() finds each in the [key] sections. */
	[CFG_KEY_MATCH_KEYS] = { KEY(VIEW, "match_keys", NAMES), RELOAD,
	    LIST(cfg_view, match_keys, nmatch_keys),
	    .lineoff = offsetof(struct cfg_view, match_keys_line) },

	/* [key NAME]: read again, secret_file too, at every reload. */
	[CFG_KEY_KEY_ALGORITHM] = { KEY(KEY, "algorithm", CHOICE),
	    .choices = tsig_algorithms, RELOAD,
	    AT(cfg_tsig_key, algorithm) },
	[CFG_KEY_KEY_SECRET] = { KEY(KEY, "secret", STRING), RELOAD,
	    AT(cfg_tsig_key, secret_text),
	    .lineoff = offsetof(struct cfg_tsig_key, secret_line) },
	[CFG_KEY_KEY_SECRET_FILE] = { KEY(KEY, "secret_file", PATH), RELOAD,
	    AT(cfg_tsig_key, secret_file),
	    .lineoff = offsetof(struct cfg_tsig_key, secret_file_line) },

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

	[CFG_KEY_DIRECTOR] = { KEY(DOMAIN, "director", NAME), RELOAD,
	    AT(cfg_domain, director),
	    .lineoff = offsetof(struct cfg_domain, director_line) },
	[CFG_KEY_SIGNIN] = { KEY(DOMAIN, "signin", CHOICE), .choices = signins,
	    VALUE(CONFIG_SIGNIN_POOL), RELOAD, AT(cfg_domain, signin) },
	[CFG_KEY_EDGE] = { KEY(DOMAIN, "edge", NAME), RELOAD,
	    AT(cfg_domain, edge),
	    .lineoff = offsetof(struct cfg_domain, edge_line) },
	/* Set after parsing from the roles, when the file gives none. */
	[CFG_KEY_POOL_NAME] = { KEY(DOMAIN, "pool_name", NAME), RELOAD,
	    AT(cfg_domain, pool_name) },
	[CFG_KEY_DIRECTOR_NAME] = { KEY(DOMAIN, "director_name", NAME), RELOAD,
	    AT(cfg_domain, director_name) },
	[CFG_KEY_EDGE_NAME] = { KEY(DOMAIN, "edge_name", NAME), RELOAD,
	    AT(cfg_domain, edge_name) },
	[CFG_KEY_DEVICE_UPDATE] = { KEY(DOMAIN, "device_update", BOOL),
	    VALUE(CONFIG_DEFAULT_DEVICE_UPDATE), RELOAD,
	    AT(cfg_domain, device_update) },

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

	/* The role sections; where their names are published: ocs_roles[]. */
	[CFG_KEY_POOL_FQDN] = ROLE_NAME(POOL, "fqdn", OCS_NAME_FQDN),
	[CFG_KEY_POOL_ADDRESS] = ROLE_ADDRESS(POOL, "address", OCS_NAME_FQDN),
	[CFG_KEY_POOL_EDITION] = { KEY(POOL, "edition", CHOICE),
	    .choices = editions, VALUE(CONFIG_EDITION_STANDARD), RELOAD,
	    AT(cfg_role, edition) },
	[CFG_KEY_POOL_TOPOLOGY] = { KEY(POOL, "topology", CHOICE),
	    .choices = topologies, VALUE(CONFIG_TOPOLOGY_CONSOLIDATED), RELOAD,
	    AT(cfg_role, topology) },
	[CFG_KEY_POOL_WEB_FARM] = ROLE_NAME(POOL, "web_farm", OCS_NAME_WEB_FARM),
	[CFG_KEY_POOL_WEB_FARM_ADDRESS] = ROLE_ADDRESS(POOL,
	    "web_farm_address", OCS_NAME_WEB_FARM),
	[CFG_KEY_POOL_FRONT_END] = ROLE_MEMBER(POOL, "front_end.",
	    OCS_MEMBER_FRONT_END),
	[CFG_KEY_POOL_WEBCONF_SERVER] = ROLE_MEMBER(POOL, "webconf_server.",
	    OCS_MEMBER_WEBCONF),
	[CFG_KEY_POOL_AV_SERVER] = ROLE_MEMBER(POOL, "av_server.",
	    OCS_MEMBER_AV),
	[CFG_KEY_DIRECTOR_FQDN] = ROLE_NAME(DIRECTOR, "fqdn", OCS_NAME_FQDN),
	[CFG_KEY_DIRECTOR_ADDRESS] = ROLE_ADDRESS(DIRECTOR, "address",
	    OCS_NAME_FQDN),
	[CFG_KEY_DIRECTOR_SERVER] = ROLE_MEMBER(DIRECTOR, "server.",
	    OCS_MEMBER_SERVER),
	[CFG_KEY_EDGE_INTERNAL] = ROLE_NAME(EDGE, "internal_fqdn",
	    OCS_NAME_INTERNAL),
	[CFG_KEY_EDGE_INTERNAL_ADDRESS] = ROLE_ADDRESS(EDGE, "internal_address",
	    OCS_NAME_INTERNAL),
	[CFG_KEY_EDGE_ACCESS] = ROLE_NAME(EDGE, "access_edge",
	    OCS_NAME_ACCESS_EDGE),
	[CFG_KEY_EDGE_ACCESS_ADDRESS] = ROLE_ADDRESS(EDGE, "access_edge_address",
	    OCS_NAME_ACCESS_EDGE),
	[CFG_KEY_EDGE_WEBCONF] = ROLE_NAME(EDGE, "webconf_edge",
	    OCS_NAME_WEBCONF_EDGE),
	[CFG_KEY_EDGE_WEBCONF_ADDRESS] = ROLE_ADDRESS(EDGE,
	    "webconf_edge_address", OCS_NAME_WEBCONF_EDGE),
	[CFG_KEY_EDGE_AV] = ROLE_NAME(EDGE, "av_edge", OCS_NAME_AV_EDGE),
	[CFG_KEY_EDGE_AV_ADDRESS] = ROLE_ADDRESS(EDGE, "av_edge_address",
	    OCS_NAME_AV_EDGE),
	[CFG_KEY_EDGE_PUBLISH_INSIDE] = PUBLISH_INSIDE(EDGE),
	[CFG_KEY_EDGE_NEXT_HOP] = { KEY(EDGE, "next_hop", NAME), RELOAD,
	    AT(cfg_role, next_hop),
	    .lineoff = offsetof(struct cfg_role, next_hop_line) },
	[CFG_KEY_PROXY_FQDN] = ROLE_NAME(PROXY, "fqdn", OCS_NAME_FQDN),
	[CFG_KEY_PROXY_ADDRESS] = ROLE_ADDRESS(PROXY, "address", OCS_NAME_FQDN),
	[CFG_KEY_PROXY_PUBLISH_INSIDE] = PUBLISH_INSIDE(PROXY),
	[CFG_KEY_CWA_FQDN] = ROLE_NAME(CWA, "fqdn", OCS_NAME_FQDN),
	[CFG_KEY_CWA_ADDRESS] = ROLE_ADDRESS(CWA, "address", OCS_NAME_FQDN),
	[CFG_KEY_CWA_EXTERNAL] = ROLE_NAME(CWA, "external_fqdn",
	    OCS_NAME_EXTERNAL),
	[CFG_KEY_CWA_EXTERNAL_ADDRESS] = ROLE_ADDRESS(CWA, "external_address",
	    OCS_NAME_EXTERNAL),
	[CFG_KEY_CWA_PUBLISH_INSIDE] = PUBLISH_INSIDE(CWA),
	[CFG_KEY_MEDIATION_FQDN] = ROLE_NAME(MEDIATION, "fqdn", OCS_NAME_FQDN),
	[CFG_KEY_MEDIATION_ADDRESS] = ROLE_ADDRESS(MEDIATION, "address",
	    OCS_NAME_FQDN),
	[CFG_KEY_MEDIATION_GATEWAY] = ROLE_NAME(MEDIATION, "gateway",
	    OCS_NAME_GATEWAY),
	[CFG_KEY_MEDIATION_GATEWAY_ADDRESS] = ROLE_ADDRESS(MEDIATION,
	    "gateway_address", OCS_NAME_GATEWAY),
	[CFG_KEY_ARCHIVING_FQDN] = ROLE_NAME(ARCHIVING, "fqdn", OCS_NAME_FQDN),
	[CFG_KEY_ARCHIVING_ADDRESS] = ROLE_ADDRESS(ARCHIVING, "address",
	    OCS_NAME_FQDN),
};

static const char *const sect_names[] = {
	[CFG_SECT_NONE] = "", [CFG_SECT_IGNORE] = "",
	[CFG_SECT_SERVER] = "server", [CFG_SECT_VIEW] = "view",
	[CFG_SECT_DOMAIN] = "domain", [CFG_SECT_HOST] = "host",
	[CFG_SECT_KEY] = "key",
};

const char *
config_sect_name(enum cfg_sect sect)
{
	if (CFG_SECT_IS_ROLE(sect))
		return ocs_roles[sect - CFG_SECT_ROLE].section;
	return sect_names[sect];
}

/* --- the rows of each section ------------------------------------------ */

/*
 * Each section's rows, in table order, found once: a key of the file, a new
 * section's initial values and its defaults walked the whole table, which
 * at 100,000 domains (300,000 sections, a million keys) was a twentieth of
 * the start-up.
 */
#define SECT_COUNT	(CFG_SECT_ROLE + OCS_NKINDS)

static struct {
	uint16_t n;
	uint16_t row[CFG_KEY_COUNT];
} sect_rows[SECT_COUNT];
static pthread_once_t sect_rows_once = PTHREAD_ONCE_INIT;

_Static_assert(CFG_KEY_COUNT <= UINT16_MAX, "rows fit 16 bits");

/*
 * A section's initial values as the stores they come to, made once from
 * its rows: config_key_init() walked the rows (and a domain's ports) for
 * each of a large file's sections, 338 instructions a [domain].
 */
struct key_store {
	size_t		off;
	uint32_t	v;
	uint8_t		size;		/* 1 (a bool), 2 or 4 */
};

static struct {
	uint16_t		n;
	struct key_store	s[CFG_KEY_COUNT];
} sect_stores[SECT_COUNT];

/* The store config_key_put_number() (or a bool's memcpy) would make. */
static void
stores_add(enum cfg_sect sect, const struct cfg_keydef *kd, enum cfg_key slot,
    unsigned long v)
{
	struct key_store *st = &sect_stores[sect].s[sect_stores[sect].n++];
	size_t elem = (size_t)slot - (size_t)(kd - cfg_keys);

	st->off = kd->off + elem * kd->size;
	if (kd->type == CFG_T_BOOL || kd->type == CFG_T_SCOPE) {
		st->size = 1;
		st->v = v != 0;
	} else if (kd->size == sizeof(uint16_t)) {
		st->size = 2;
		st->v = (uint16_t)v;
	} else {
		st->size = 4;
		st->v = (uint32_t)v;
	}
}

static void
sect_rows_init(void)
{
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];
		enum cfg_sect sect = kd->sect;

		if (sect == CFG_SECT_NONE || (size_t)sect >= SECT_COUNT)
			continue;
		sect_rows[sect].row[sect_rows[sect].n++] = (uint16_t)i;
		/* In the order config_key_init() once stored them. */
		if (kd->def == CFG_DEF_OCS)
			for (size_t s = 0; s < OCS_NSERVICES; s++)
				stores_add(sect, kd, (enum cfg_key)(i + s),
				    ocs_services[s].port);
		if (kd->def == CFG_DEF_VALUE)
			stores_add(sect, kd, (enum cfg_key)i, kd->dnum);
	}
}

const uint16_t *
config_sect_rows(enum cfg_sect sect, size_t *n)
{
	(void)pthread_once(&sect_rows_once, sect_rows_init);
	if ((size_t)sect >= SECT_COUNT || sect == CFG_SECT_NONE) {
		*n = 0;
		return NULL;
	}
	*n = sect_rows[sect].n;
	return sect_rows[sect].row;
}

int
config_key_find(enum cfg_sect sect, const char *name, struct cfg_keyref *out)
{
	size_t nrows;
	const uint16_t *rows = config_sect_rows(sect, &nrows);
	/* The first letter rules out most rows without a strcasecmp(). */
	int c = tolower((unsigned char)name[0]);

	for (size_t r = 0; r < nrows; r++) {
		size_t i = rows[r];
		const struct cfg_keydef *kd = &cfg_keys[i];

		out->def = kd;
		out->slot = (enum cfg_key)i;
		out->suffix = NULL;
		if (kd->type == CFG_T_PORT) {
			for (size_t s = 0; s < OCS_NSERVICES; s++) {
				const char *k = ocs_services[s].port_key;
				if (tolower((unsigned char)k[0]) == c &&
				    strcasecmp(k, name) == 0) {
					out->slot = (enum cfg_key)(i + s);
					return 0;
				}
			}
		} else if (tolower((unsigned char)kd->name[0]) != c)
			continue;
		else if (kd->prefix) {
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

/* One candidate: a better one than *best (edits; 3 is a prefix) wins. */
static void
consider(const char *typed, const char *known, const char *suffix,
    int *best, char *out, size_t outsz)
{
	int d = lookup_near(typed, known);
	size_t lt = strlen(typed), lk = strlen(known);

	/* A prefix of 3 characters or more, either way (access: access_edge). */
	if (d < 0 && lt >= 3 && lk >= 3 && lt != lk &&
	    strncasecmp(typed, known, lt < lk ? lt : lk) == 0)
		d = LOOKUP_NEAR_MAX + 1;
	if (d < 0 || d >= *best)
		return;
	*best = d;
	snprintf(out, outsz, "%s%s", known, suffix != NULL ? suffix : "");
}

/*
 * The known key of sect nearest to name, for "did you mean": a typo of it
 * (lookup_near()) or a prefix either way. A NAME.VIEW key keeps the part
 * after its dot ("adress.dmz": address.dmz). 0 and the key in out, or -1
 * when nothing is close.
 */
int
config_key_suggest(enum cfg_sect sect, const char *name, char *out,
    size_t outsz)
{
	int best = LOOKUP_NEAR_MAX + 2;
	const char *dot = strchr(name, '.');

	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];

		if (kd->sect != sect || kd->sect == CFG_SECT_NONE)
			continue;
		if (kd->type == CFG_T_PORT) {
			for (size_t s = 0; s < OCS_NSERVICES; s++)
				consider(name, ocs_services[s].port_key, NULL,
				    &best, out, outsz);
		} else if (kd->prefix) {
			char head[LOOKUP_NAME_MAX];

			size_t hlen = dot != NULL ? (size_t)(dot - name) + 1 : 0;

			if (hlen == 0 || hlen >= sizeof(head))
				continue;
			snprintf(head, sizeof(head), "%.*s", (int)hlen, name);
			consider(head, kd->name, dot + 1, &best, out, outsz);
		} else
			consider(name, kd->name, NULL, &best, out, outsz);
	}
	return best <= LOOKUP_NEAR_MAX + 1 ? 0 : -1;
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
	(void)pthread_once(&sect_rows_once, sect_rows_init);
	if ((size_t)sect >= SECT_COUNT || sect == CFG_SECT_NONE)
		return;
	for (size_t i = 0; i < sect_stores[sect].n; i++) {
		const struct key_store *st = &sect_stores[sect].s[i];
		char *at = (char *)obj + st->off;

		if (st->size == 1) {
			bool b = st->v != 0;
			memcpy(at, &b, sizeof(b));
		} else if (st->size == 2) {
			uint16_t u = (uint16_t)st->v;
			memcpy(at, &u, sizeof(u));
		} else
			memcpy(at, &st->v, sizeof(st->v));
	}
}
