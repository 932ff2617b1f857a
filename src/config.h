/* config.h -- the INI configuration: parse, validate, free. */
#ifndef OCSDNSD_CONFIG_H
#define OCSDNSD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ocs.h"

/*
 * Every default, also documented in man/ocsdnsd.ini.5. The key table
 * (config_keys.c) names these; no other file writes a default value.
 */
#define CONFIG_DEFAULT_LISTEN		"127.0.0.1:5300"
#define CONFIG_DEFAULT_LISTEN_PORT	5300	/* "ADDR" alone in listen */
#define CONFIG_DEFAULT_NOTIFY_PORT	53	/* "ADDR" alone in notify */
#define CONFIG_DEFAULT_TTL		3600
#define CONFIG_DEFAULT_NEGATIVE_TTL	300
#define CONFIG_DEFAULT_EDNS_SIZE	1232
#define CONFIG_DEFAULT_IXFR_HISTORY	16
#define CONFIG_DEFAULT_TCP_TIMEOUT	10	/* seconds */
#define CONFIG_DEFAULT_TCP_MAX_CLIENTS	128
#ifdef PACKAGE_VERSION
#define CONFIG_DEFAULT_VERSION		"ocsdnsd " PACKAGE_VERSION
#else
#define CONFIG_DEFAULT_VERSION		"ocsdnsd"
#endif
/* identity: the machine's host name (gethostname), at load time. */
#define CONFIG_DEFAULT_ALLOW_ROOT	false
#define CONFIG_DEFAULT_QUERY_LOG	false
#define CONFIG_DEFAULT_QUERY_LOG_SAMPLE	1
#define CONFIG_DEFAULT_CHAOS_STATS	false
#define CONFIG_DEFAULT_RRL		0	/* off */
#define CONFIG_DEFAULT_RRL_SLIP		2	/* as NSD and Knot: every other one */
#define CONFIG_DEFAULT_RRL_IPV4_PREFIX	24
#define CONFIG_DEFAULT_RRL_IPV6_PREFIX	56
#define CONFIG_DEFAULT_WORKERS		1
#define CONFIG_MAX_WORKERS		64
#define CONFIG_DEFAULT_SCOPE_EXTERNAL	false	/* scope = internal */
#define CONFIG_DEFAULT_FEDERATION	false
#define CONFIG_DEFAULT_SIP_TCP		true
#define CONFIG_DEFAULT_FALLBACK		false
#define CONFIG_DEFAULT_OCS_VERSION	0	/* OCS_2007 */
#define CONFIG_DEFAULT_DEVICE_UPDATE	true
#define CONFIG_DEFAULT_PUBLISH_INSIDE	false
#define CONFIG_DEFAULT_EDGE_NAME_LABEL	"sip"	/* an edge's name in a domain */
/* The service ports: ocs_services[].port. A domain's ttl: [server] ttl. */
#define CONFIG_DEFAULT_NS_LABEL		"ns1."		/* ns1.<domain> */
#define CONFIG_DEFAULT_HOSTMASTER_LABEL	"hostmaster."	/* hostmaster.<domain> */

/*
 * Every name below is stored in lower case presentation form without the
 * trailing dot ("pool01.contoso.com"), already checked: labels of 1..63
 * characters [a-z0-9_-], at most 253 characters in all.
 */

struct cfg_target {			/* one SRV target: host[:priority[:weight]] */
	char		*name;
	uint16_t	 priority;
	uint16_t	 weight;
	int		 host;		/* its index in cfg->hosts, or -1 (link) */
};

struct cfg_targets {
	struct cfg_target *v;
	size_t		 n;
	int		 line;		/* line of the key, 0 when unset */
};

struct cfg_addr {
	int		 family;	/* AF_INET or AF_INET6 */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	}		 u;
	char		*view;		/* NULL: every view; else address.VIEW */
	int		 line;
};

struct cfg_domain {
	char		*name;		/* the SIP domain, also the zone apex */
	int		 line;		/* line of the [domain] header */
	struct cfg_targets pool;	/* the internal services' target */
	struct cfg_targets access_edge;	/* the external services' target */
	bool		 federation;	/* publish the federation service */
	bool		 sip_tcp;	/* publish external SIP over TCP (default yes) */
	bool		 fallback;	/* publish the fallback A names */
	uint16_t	 port[OCS_NSERVICES]; /* by service; default ocs_services[] */
	char		**ns;		/* NS names; default ns1.<domain> */
	size_t		 nns;
	char		*hostmaster;	/* SOA RNAME as a name; default hostmaster.<domain> */
	uint32_t	 ttl;		/* default: [server] ttl */
	char		*pool_role;	/* pool = NAME of a [pool]: its name */
	char		*director;	/* director = NAME of a [director] */
	int		 director_line;
	unsigned	 signin;	/* CONFIG_SIGNIN_*: what the SRV names */
	char		*edge;		/* edge = NAME of an [edge] */
	int		 edge_line;
	char		*pool_name;	/* in-domain names for shared roles */
	char		*director_name;
	char		*edge_name;
	bool		 device_update;	/* publish ucupdates(-r2).<domain> */
};

/* Which views see a host's addresses (beyond address.VIEW). */
enum cfg_scope {
	CFG_SCOPE_ANY,			/* a [host]: every view */
	CFG_SCOPE_INTERNAL,		/* internal-scope views only */
	CFG_SCOPE_EXTERNAL		/* external-scope views only */
};

/*
 * A name with its records: a [host] section, or a name that a role
 * section gives (its FQDNs and servers), or one made for a SIP domain
 * (an in-domain name for a shared role, Device Update, CWA's aliases).
 */
struct cfg_host {
	char		*name;
	int		 line;
	struct cfg_addr	*addrs;		/* in file order; several rotate */
	size_t		 naddrs;
	char		*cname;		/* alias instead of addresses, or NULL */
	int		 cname_line;
	int		 zone;		/* index of the domain holding it, or -1 */
	bool		 pool;		/* the target of some domain's pool */
	enum cfg_scope	 scope;
	int		 role;		/* index into cfg->roles, or -1: [host] */
	int		 copy_of;	/* same addresses as hosts[copy_of], or -1 */
};

/* A name a role section gives: NAME = FQDN, NAME_address = ADDRESSES. */
struct cfg_role_name {
	char		*fqdn;		/* NULL when not given */
	int		 line;
	struct cfg_addr	*addrs;
	size_t		 naddrs;
	int		 addr_line;
};

/* A server behind a role's name: KEY.FQDN = ADDRESSES. */
struct cfg_member {
	char		*fqdn;
	int		 line;
	enum ocs_member_slot slot;
	struct cfg_addr	*addrs;
	size_t		 naddrs;
};

/* A server role section, [pool NAME], [edge NAME], ...: see ocs_roles[]. */
struct cfg_role {
	char		*name;		/* the section's name */
	int		 line;
	enum ocs_role_kind kind;
	struct cfg_role_name names[OCS_NNAMES];
	struct cfg_member *members;
	size_t		 nmembers;
	unsigned	 edition;	/* pool: CONFIG_EDITION_* */
	unsigned	 topology;	/* pool: CONFIG_TOPOLOGY_* */
	bool		 publish_inside; /* external names in internal views too */
	char		*next_hop;	/* edge: a [pool] or [director] name */
	int		 next_hop_line;
};

#define CONFIG_EDITION_STANDARD		0
#define CONFIG_EDITION_ENTERPRISE	1
#define CONFIG_TOPOLOGY_CONSOLIDATED	0
#define CONFIG_TOPOLOGY_EXPANDED	1
#define CONFIG_SIGNIN_POOL		0
#define CONFIG_SIGNIN_DIRECTOR		1

struct cfg_listen {
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	char		*text;		/* as written: "127.0.0.1:5300", "[::1]:5300" */
	char		*key;		/* notify: "ADDR key NAME" signs; else NULL */
	unsigned	 key_index;	/* 1 + index of key in cfg->keys; 0: none */
	const struct cfg_tsig_key *tsig; /* that key, once checked */
	int		 line;
};

struct cfg_prefix {			/* an address prefix in a view's match */
	int		 family;	/* AF_INET, AF_INET6, or AF_UNSPEC for "any" */
	uint8_t		 addr[16];
	unsigned	 bits;
};

/*
 * An allow_transfer entry: an address prefix, a key, or both; the key
 * (when named) must have signed the request.
 */
struct cfg_acl {
	struct cfg_prefix prefix;	/* AF_UNSPEC when only a key is named */
	char		*key;		/* NULL: unsigned transfers from prefix */
	unsigned	 key_index;	/* 1 + index in cfg->keys, once checked */
	int		 line;
};

/* [key NAME]: a TSIG key (RFC 8945). The algorithm: CONFIG_TSIG_*. */
#define CONFIG_TSIG_HMAC_SHA1		0
#define CONFIG_TSIG_HMAC_SHA224		1
#define CONFIG_TSIG_HMAC_SHA256		2
#define CONFIG_TSIG_HMAC_SHA384		3
#define CONFIG_TSIG_HMAC_SHA512		4
#define CONFIG_TSIG_SECRET_MAX		512	/* bytes, once decoded */

struct cfg_tsig_key {
	char		*name;		/* lower case, no trailing dot */
	int		 line;
	unsigned	 algorithm;	/* CONFIG_TSIG_* */
	char		*secret_text;	/* secret = BASE64, as written */
	int		 secret_line;
	char		*secret_file;	/* secret_file = PATH */
	int		 secret_file_line;
	uint8_t		 secret[CONFIG_TSIG_SECRET_MAX];
	size_t		 secret_len;
	uint8_t		 wire[256];	/* the name in lower-case wire form */
	size_t		 wire_len;
};

struct cfg_view {
	char		*name;
	int		 line;
	struct cfg_prefix *match;	/* client source addresses */
	size_t		 nmatch;
	struct cfg_prefix *match_destination; /* local addresses reached */
	size_t		 nmatch_destination;
	struct cfg_acl	*allow_transfer; /* AXFR clients of this view */
	size_t		 nallow_transfer;
	bool		 allow_transfer_set; /* else [server] allow_transfer */
	char		**match_keys;	/* TSIG keys whose requests it takes */
	size_t		 nmatch_keys;
	int		 match_keys_line;
	bool		 external;	/* scope = external */
};

/* A hash index of names: slot = position + 1 in the array, 0 when free. */
struct cfg_index_slot {
	uint32_t	 pos;		/* position + 1; 0: empty */
	uint32_t	 hash;		/* of the name: most probes end here */
};

struct cfg_index {
	struct cfg_index_slot *slot;
	size_t		 mask;
	size_t		 n;
};

struct cfg_strs;			/* config_str.c */

struct config {
	char		*path;		/* the file as given */
	struct cfg_listen *listen;
	size_t		 nlisten;
	uint32_t	 ttl;
	uint32_t	 negative_ttl;	/* SOA MINIMUM */
	uint16_t	 edns_size;	/* our UDP payload size */
	unsigned	 tcp_timeout;	/* seconds of idle before a TCP close */
	unsigned	 tcp_max_clients;
	char		*version;	/* version.bind / version.server; NULL hides */
	char		*identity;	/* id.server / hostname.bind; NULL hides */
	char		*nsid;		/* NSID payload (RFC 5001) or NULL */
	char		*zones_dir;	/* NULL when unset */
	char		*user;		/* drop to this user after binding, or NULL */
	char		*chroot_dir;	/* absolute; chroot there before, or NULL */
	char		*state_dir;	/* the serials' state file's, or NULL */
	unsigned	 ixfr_history;	/* IXFR deltas kept per zone; 0: AXFR only */
	bool		 allow_root;	/* may keep running as root without user */
	struct cfg_acl	*allow_transfer; /* AXFR clients; none by default */
	size_t		 nallow_transfer;
	struct cfg_listen *notify;	/* NOTIFY targets (port 53 by default) */
	size_t		 nnotify;
	bool		 query_log;	/* one log line per (sampled) query */
	unsigned	 query_log_sample; /* log 1 query in this many */
	struct cfg_listen metrics;	/* HTTP /metrics; sslen 0 when off */
	bool		 chaos_stats;	/* answer stats.ocsdnsd CH TXT */
	unsigned	 rrl;		/* UDP responses/s per bucket; 0: off */
	unsigned	 rrl_slip;	/* every Nth limited one truncated */
	unsigned	 rrl_ipv4_prefix;
	unsigned	 rrl_ipv6_prefix;
	unsigned	 workers;	/* query threads, 1..64 ("auto" resolved) */
	struct cfg_prefix *reverse_zones; /* none: empty; auto: one AF_UNSPEC */
	size_t		 nreverse_zones;
	int		 reverse_zones_line; /* of the key, 0 when unset */
	struct cfg_tsig_key *keys;	/* [key NAME] sections */
	size_t		 nkeys;
	struct cfg_view	*views;		/* empty: one view that sees all */
	size_t		 nviews;
	struct cfg_domain *domains;
	size_t		 ndomains;
	struct cfg_host	*hosts;		/* [host]s first, then the names made */
	size_t		 nhosts;
	struct cfg_role	*roles;
	size_t		 nroles;
	unsigned	 ocs_version;	/* enum ocs_version */
	struct cfg_index domain_index;	/* by name, for the lookups below */
	struct cfg_index host_index;
	struct cfg_strs	*strs;		/* the domains' and hosts' strings */
};

/*
 * Reads and validates the INI file at path. Errors and warnings go to diag,
 * one per line, as "PATH:LINE: what is wrong" ("PATH:LINE: warning: ...").
 * Returns NULL when there was any error; the caller frees the result with
 * config_free(). *nwarnings (may be NULL) counts the warnings printed.
 */
struct config	*config_load(const char *path, FILE *diag, unsigned *nwarnings);
void		 config_free(struct config *cfg);
/*
 * Frees the domains, hosts and roles (and their indexes: ndomains, nhosts
 * and nroles become 0), which only the snapshot's build and the sign-in
 * check read; the server-wide keys, views and [key]s stay.
 */
void		 config_shed(struct config *cfg);
/*
 * config_shed(), but the pages its strings were written to become the
 * next arenas' chunks (arena_donate(): for a build that drains them with
 * arena_pool_drain()): how many chunks.
 */
size_t		 config_shed_donate(struct config *cfg);

/*
 * What config_restart_changes() compares a reloaded file with: a copy of
 * cfg's restart-only [server] keys alone (the rest zero), freed with
 * config_free(). NULL when out of memory.
 */
struct config	*config_restart_copy(const struct config *cfg);

/*
 * Calls report() once for each key that only a restart applies (the key
 * table's RESTART rows: listen, user, ...) whose value differs between old
 * and cur, in table order, with its section ("server") and key.
 */
void		 config_restart_changes(const struct config *old,
		    const struct config *cur,
		    void (*report)(void *arg, const char *section, const char *key),
		    void *arg);

/* Parses "ADDR:PORT", "[V6]:PORT", "ADDR" (port 5300), "[V6]". 0 or -1. */
int		 config_parse_listen(const char *text, struct cfg_listen *out);

/* Finds a host or domain by lower case name; NULL when absent. */
const struct cfg_host	*config_host(const struct config *cfg, const char *name);
/* The configured host name looks like a typo of (1-2 edits), or NULL. */
const char	*config_near_host(const struct config *cfg, const char *name);
const struct cfg_domain	*config_domain(const struct config *cfg, const char *name);

/* The [key] named name (lower case, no trailing dot), or NULL. */
const struct cfg_tsig_key *config_tsig_key(const struct config *cfg,
		    const char *name);

/* The domain (zone) that holds name: the longest domain that is a suffix. */
const struct cfg_domain	*config_zone_of(const struct config *cfg, const char *name);

#endif
