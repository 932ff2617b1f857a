/* config_int.h -- shared by the config_*.c files: parse context, key table. */
#ifndef OCSDNSD_CONFIG_INT_H
#define OCSDNSD_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ocs.h"

/* --- the key table ------------------------------------------------------ */

enum cfg_sect {
	CFG_SECT_NONE,		/* before the first header */
	CFG_SECT_IGNORE,	/* after a bad header: keys are skipped */
	CFG_SECT_SERVER,
	CFG_SECT_VIEW,
	CFG_SECT_DOMAIN,
	CFG_SECT_HOST,
	CFG_SECT_KEY,		/* [key NAME]: a TSIG key */
	CFG_SECT_ROLE		/* + enum ocs_role_kind: [pool NAME], ... */
};
/* The role sections by name, for the key table's KEY(POOL, ...). */
#define CFG_SECT_POOL		CFG_SECT_OF_ROLE(OCS_KIND_POOL)
#define CFG_SECT_DIRECTOR	CFG_SECT_OF_ROLE(OCS_KIND_DIRECTOR)
#define CFG_SECT_EDGE		CFG_SECT_OF_ROLE(OCS_KIND_EDGE)
#define CFG_SECT_PROXY		CFG_SECT_OF_ROLE(OCS_KIND_REVERSE_PROXY)
#define CFG_SECT_CWA		CFG_SECT_OF_ROLE(OCS_KIND_CWA)
#define CFG_SECT_MEDIATION	CFG_SECT_OF_ROLE(OCS_KIND_MEDIATION)
#define CFG_SECT_ARCHIVING	CFG_SECT_OF_ROLE(OCS_KIND_ARCHIVING)
#define CFG_SECT_OF_ROLE(kind)	((enum cfg_sect)(CFG_SECT_ROLE + (kind)))
#define CFG_SECT_IS_ROLE(sect)	((sect) >= CFG_SECT_ROLE)

/* Each row's place in cfg_keys[], and the index of its "seen" line. */
enum cfg_key {
	CFG_KEY_LISTEN,
	CFG_KEY_TTL,
	CFG_KEY_NEGATIVE_TTL,
	CFG_KEY_EDNS_SIZE,
	CFG_KEY_TCP_TIMEOUT,
	CFG_KEY_TCP_MAX_CLIENTS,
	CFG_KEY_VERSION,
	CFG_KEY_IDENTITY,
	CFG_KEY_NSID,
	CFG_KEY_ZONES,
	CFG_KEY_USER,
	CFG_KEY_CHROOT,
	CFG_KEY_STATE_DIRECTORY,
	CFG_KEY_IXFR_HISTORY,
	CFG_KEY_ALLOW_ROOT,
	CFG_KEY_ALLOW_TRANSFER,
	CFG_KEY_NOTIFY,
	CFG_KEY_QUERY_LOG,
	CFG_KEY_QUERY_LOG_SAMPLE,
	CFG_KEY_METRICS,
	CFG_KEY_CHAOS_STATS,
	CFG_KEY_RRL,
	CFG_KEY_RRL_SLIP,
	CFG_KEY_RRL_IPV4_PREFIX,
	CFG_KEY_RRL_IPV6_PREFIX,
	CFG_KEY_WORKERS,
	CFG_KEY_OCS_VERSION,
	CFG_KEY_REVERSE_ZONES,
	CFG_KEY_VIEW_ALLOW_TRANSFER,
	CFG_KEY_MATCH,
	CFG_KEY_MATCH_DESTINATION,
	CFG_KEY_SCOPE,
	CFG_KEY_MATCH_KEYS,
	CFG_KEY_KEY_ALGORITHM,
	CFG_KEY_KEY_SECRET,
	CFG_KEY_KEY_SECRET_FILE,
	CFG_KEY_POOL,
	CFG_KEY_ACCESS_EDGE,
	CFG_KEY_FEDERATION,
	CFG_KEY_SIP_TCP,
	CFG_KEY_FALLBACK,
	CFG_KEY_PORT,		/* one row, one slot per ocs_services[] entry */
	CFG_KEY_PORT_LAST = CFG_KEY_PORT + OCS_NSERVICES - 1,
	CFG_KEY_NS,
	CFG_KEY_HOSTMASTER,
	CFG_KEY_DOMAIN_TTL,
	CFG_KEY_DIRECTOR,
	CFG_KEY_SIGNIN,
	CFG_KEY_EDGE,
	CFG_KEY_POOL_NAME,
	CFG_KEY_DIRECTOR_NAME,
	CFG_KEY_EDGE_NAME,
	CFG_KEY_DEVICE_UPDATE,
	CFG_KEY_ADDRESS,
	CFG_KEY_ADDRESS_VIEW,
	CFG_KEY_CNAME,
	/* The role sections: a name key and an address key per name slot. */
	CFG_KEY_POOL_FQDN,
	CFG_KEY_POOL_ADDRESS,
	CFG_KEY_POOL_EDITION,
	CFG_KEY_POOL_TOPOLOGY,
	CFG_KEY_POOL_WEB_FARM,
	CFG_KEY_POOL_WEB_FARM_ADDRESS,
	CFG_KEY_POOL_FRONT_END,
	CFG_KEY_POOL_WEBCONF_SERVER,
	CFG_KEY_POOL_AV_SERVER,
	CFG_KEY_DIRECTOR_FQDN,
	CFG_KEY_DIRECTOR_ADDRESS,
	CFG_KEY_DIRECTOR_SERVER,
	CFG_KEY_EDGE_INTERNAL,
	CFG_KEY_EDGE_INTERNAL_ADDRESS,
	CFG_KEY_EDGE_ACCESS,
	CFG_KEY_EDGE_ACCESS_ADDRESS,
	CFG_KEY_EDGE_WEBCONF,
	CFG_KEY_EDGE_WEBCONF_ADDRESS,
	CFG_KEY_EDGE_AV,
	CFG_KEY_EDGE_AV_ADDRESS,
	CFG_KEY_EDGE_PUBLISH_INSIDE,
	CFG_KEY_EDGE_NEXT_HOP,
	CFG_KEY_PROXY_FQDN,
	CFG_KEY_PROXY_ADDRESS,
	CFG_KEY_PROXY_PUBLISH_INSIDE,
	CFG_KEY_CWA_FQDN,
	CFG_KEY_CWA_ADDRESS,
	CFG_KEY_CWA_EXTERNAL,
	CFG_KEY_CWA_EXTERNAL_ADDRESS,
	CFG_KEY_CWA_PUBLISH_INSIDE,
	CFG_KEY_MEDIATION_FQDN,
	CFG_KEY_MEDIATION_ADDRESS,
	CFG_KEY_MEDIATION_GATEWAY,
	CFG_KEY_MEDIATION_GATEWAY_ADDRESS,
	CFG_KEY_ARCHIVING_FQDN,
	CFG_KEY_ARCHIVING_ADDRESS,
	CFG_KEY_COUNT
};

enum cfg_type {
	CFG_T_NUMBER,		/* decimal in min..max */
	CFG_T_NUMBER_AUTO,	/* the same, or "auto": one per online CPU */
	CFG_T_BOOL,
	CFG_T_STRING,		/* as written; max: longest length, 0 none */
	CFG_T_PATH,		/* an absolute path */
	CFG_T_NAME,		/* a domain name, folded */
	CFG_T_MAILBOX,		/* a name, or the mail form user@domain */
	CFG_T_NAMES,		/* a list of names */
	CFG_T_LISTEN,		/* a list of ADDR[:PORT] to listen on */
	CFG_T_NOTIFY,		/* a list of ADDR[:PORT] to NOTIFY */
	CFG_T_METRICS,		/* one ADDR:PORT, or off */
	CFG_T_PREFIXES,		/* a list of prefixes or "any" */
	CFG_T_ACL,		/* prefixes, "PREFIX key NAME" or "key NAME" */
	CFG_T_REVERSE,		/* none, auto, or octet/nibble prefixes */
	CFG_T_TARGETS,		/* host[:priority[:weight]], ...; min..max of both */
	CFG_T_ADDRESSES,	/* a list of IPv4 and IPv6 addresses */
	CFG_T_SCOPE,		/* internal or external */
	CFG_T_PORT,		/* the ocs_services[] ports, min..max */
	CFG_T_CHOICE,		/* one of choices[], stored as its index */
	CFG_T_MEMBER		/* KEY.FQDN = ADDRESSES: a server of a role */
};

/* Where the default comes from when the key is not given. */
enum cfg_default {
	CFG_DEF_NONE,		/* zero, empty, NULL */
	CFG_DEF_VALUE,		/* number or bool dnum, set before parsing */
	CFG_DEF_OCS,		/* ocs_services[].port, set before parsing */
	CFG_DEF_TEXT,		/* dtext, parsed as if written, after parsing */
	CFG_DEF_HOSTNAME,	/* the machine's host name, after parsing */
	CFG_DEF_BELOW_DOMAIN,	/* dtext then the domain's name, after parsing */
	CFG_DEF_INHERIT		/* the [server] key inherit, after parsing */
};

enum cfg_policy {
	CFG_RELOAD,		/* a SIGHUP applies it */
	CFG_RESTART		/* read at start-up only */
};

struct cfg_keydef {
	enum cfg_sect	 sect;
	const char	*name;		/* CFG_T_PORT: NULL, ocs_services[].port_key */
	enum cfg_type	 type;
	unsigned long	 min, max;
	enum cfg_default def;
	unsigned long	 dnum;
	const char	*dtext;
	enum cfg_key	 inherit;
	bool		 repeat;	/* may appear more than once */
	bool		 prefix;	/* name is "NAME.": NAME.VIEW */
	bool		 empty_ok;	/* empty is a value (NULL), not an error */
	enum cfg_policy	 policy;
	const char *const *choices;	/* CFG_T_CHOICE: NULL-terminated */
	enum ocs_member_slot member;	/* CFG_T_MEMBER: which servers */
	size_t		 off;		/* of the value in its section's struct */
	size_t		 size;		/* of a number, bool or pointer */
	size_t		 noff;		/* of a list's count */
	size_t		 lineoff;	/* of an int set to the key's line, or 0 */
};

extern const struct cfg_keydef cfg_keys[CFG_KEY_COUNT];

/* A key of the file as found in the table: its row and its slot. */
struct cfg_keyref {
	const struct cfg_keydef	*def;
	enum cfg_key		 slot;		/* seen index; ports: + service */
	const char		*suffix;	/* prefix rows: after "NAME." */
};

/* The rows of sect (indexes into cfg_keys[], in table order) and *n. */
const uint16_t	*config_sect_rows(enum cfg_sect sect, size_t *n);
/* The row of key name (any case) in sect; -1 when there is none. */
int		 config_key_find(enum cfg_sect sect, const char *name,
		    struct cfg_keyref *out);
/* The known key of sect nearest to name (a typo): 0, or -1 when none. */
int		 config_key_suggest(enum cfg_sect sect, const char *name,
		    char *out, size_t outsz);
/* "server", "view", "domain", "host"; "" for the others. */
const char	*config_sect_name(enum cfg_sect sect);
/* The name of a slot: the row's name, or the service's port key. */
const char	*config_key_name(enum cfg_key slot);

/* --- the parse context -------------------------------------------------- */

struct cfg_msg {
	int		 line;
	size_t		 seq;
	bool		 warning;
	char		*text;
};

/*
 * The line where each key of a section was first set. A section's keys
 * follow its header and no section comes twice, so each section's keys are
 * one run of ctx->seen_ent, in file order: 8 bytes a key given, where an
 * array of every key was 4 * CFG_KEY_COUNT bytes a section (a third of the
 * memory config_load() touched at 100,000 domains).
 */
struct cfg_seen_ent {
	uint16_t	 slot;		/* enum cfg_key; ports: + service */
	int		 line;
};

struct cfg_seen {
	size_t		 first;		/* in ctx->seen_ent */
	size_t		 n;
};

struct cfg_ctx {
	struct config	*cfg;
	const char	*path;
	const char	*src;		/* the file's bytes still to read */
	const char	*src_end;
	bool		 has_nul;	/* a NUL somewhere in the file */
	bool		 part;		/* a part (config_read.c): names hashed, not indexed */
	bool		 joined;	/* config_read(): read in two threads */
	bool		 one_pass;	/* config_read(): in one thread, whatever the size */
	bool		 redo;		/* config_read(): a name twice; read again in one pass */
	struct cfg_strs	*strs;		/* cfg->strs, shared by the parts */
	bool		 strs_on;	/* config_ctx_strdup() allocates there */
	FILE		*diag;
	int		 line;
	int		 read_errno;
	enum cfg_sect	 sect;
	size_t		 cur;		/* index of the current view/domain/host */
	struct cfg_seen	*seen;		/* the current section's */
	struct cfg_seen	 server_seen;
	struct cfg_seen	 ignore_seen;	/* after a bad header */
	int		 server_line;	/* line of [server], 0 when absent */
	struct cfg_seen	*vseen;		/* parallel to cfg->views */
	struct cfg_seen	*dseen;		/* parallel to cfg->domains */
	struct cfg_seen	*hseen;		/* parallel to the [host] sections */
	uint32_t	*dhash;		/* a part's: its domains' name hashes */
	uint32_t	*hhash;		/* and its hosts' */
	size_t		 nhost_sections; /* cfg->hosts[0..n) are [host]s */
	struct cfg_seen	*rseen;		/* parallel to cfg->roles */
	struct cfg_seen	*kseen;		/* parallel to cfg->keys */
	struct cfg_seen_ent *seen_ent;	/* every section's keys, in file order */
	size_t		 nseen_ent;
	struct cfg_msg	*msgs;
	size_t		 nmsgs;
	unsigned	 nerrors;
	unsigned	 nwarnings;
	bool		 oom;
};

/* config_keys.c: the rows at work. */
void	config_key_init(enum cfg_sect sect, void *obj);
void	config_key_set(struct cfg_ctx *ctx, const struct cfg_keyref *ref,
	    const char *key, const char *value, void *obj);
/* The same, of a name already in stored form (no parse): see config_set.c. */
void	config_key_set_norm(struct cfg_ctx *ctx, const struct cfg_keyref *ref,
	    const char *norm, void *obj);
/* The value of slot in obj (the struct of its section). */
void	*config_key_value(const struct cfg_keydef *kd, enum cfg_key slot,
	    const void *obj);
/* A number stored at at (config_key_value()), as wide as kd says. */
void	config_key_put_number(const struct cfg_keydef *kd, void *at,
	    unsigned long v);
unsigned long config_key_get_number(const struct cfg_keydef *kd,
	    const void *at);

/* config_diag.c: messages, sorted by line when printed, and allocation. */
void	config_diag_error(struct cfg_ctx *ctx, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	config_diag_warning(struct cfg_ctx *ctx, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	config_diag_flush(struct cfg_ctx *ctx);
/*
 * A part of a check on its own CPU says its messages into part, a copy of
 * ctx with none; joined in part order, they come out as from one pass.
 */
void	config_diag_part(struct cfg_ctx *part, const struct cfg_ctx *ctx);
void	config_diag_join(struct cfg_ctx *ctx, struct cfg_ctx *part);
char	*config_ctx_strdup(struct cfg_ctx *ctx, const char *s);
/* config_ctx_append() when the array is full (*n a power of two). */
void	*config_ctx_append_grow(struct cfg_ctx *ctx, void *arrayp, size_t *n,
	    size_t size);

/*
 * The tail of both appends: element *n of the array at base (with room)
 * zeroed, and counted. Inline, as config_ctx_append(): with size known
 * where it is called the zeroing is a few stores, not a memset() call
 * (an append a key, two a section: 170,000 at 10,000 domains).
 */
static inline void *
config_array_push(void *base, size_t *n, size_t size)
{
	char *p = (char *)base + *n * size;

	memset(p, 0, size);
	(*n)++;
	return p;
}

/*
 * Appends one zeroed element to the array whose pointer is at arrayp (any
 * "struct x **", read and written with memcpy so that no pointer type is
 * accessed as another), holding *n elements of size. NULL on failure.
 */
static inline void *
config_ctx_append(struct cfg_ctx *ctx, void *arrayp, size_t *n, size_t size)
{
	void *base;

	if ((*n & (*n - 1)) == 0)
		return config_ctx_append_grow(ctx, arrayp, n, size);
	memcpy(&base, arrayp, sizeof(base));
	return config_array_push(base, n, size);
}
void	config_ctx_fit(void *arrayp, size_t n, size_t size);

/*
 * The same for the large arrays (the domains, the hosts, their seen
 * entries and hashes): arena_array_resize()d, freed with arena_array_free()
 * or given to the build's arenas with arena_array_donate().
 */
void	*config_ctx_append_big_grow(struct cfg_ctx *ctx, void *arrayp,
	    size_t *n, size_t size);

static inline void *
config_ctx_append_big(struct cfg_ctx *ctx, void *arrayp, size_t *n,
    size_t size)
{
	if ((*n & (*n - 1)) == 0)
		return config_ctx_append_big_grow(ctx, arrayp, n, size);
	return config_ctx_append(ctx, arrayp, n, size);	/* room: no grow */
}
void	config_ctx_fit_big(void *arrayp, size_t n, size_t size);
/* The load's bookkeeping of what each section set, freed. */
void	config_ctx_free_seen(struct cfg_ctx *ctx);
/* Where s (a section's) first set slot; 0 when it did not. */
int	config_seen_line(const struct cfg_ctx *ctx, const struct cfg_seen *s,
	    enum cfg_key slot);
/* Makes s the section whose keys come next: an empty run at the end. */
void	config_seen_start(struct cfg_ctx *ctx, struct cfg_seen *s);

/*
 * config.c: the whole file fd, read at once (*len bytes): config_read()
 * may parse its halves side by side. A large regular file is read in
 * parts side by side (*nparts_used, if not NULL: how many) into a mapping
 * of *mapped bytes (for munmap() or arena_donate()); else *mapped is 0
 * and the bytes malloc'd. NULL and *err set on a read error, NULL alone
 * when out of memory.
 */
char	*config_slurp(int fd, size_t *len, int *err, size_t *nparts_used,
	    size_t *mapped);

/* config.c: parses ctx->src..src_end; inih's code: 0 or its error line. */
int	config_parse_range(struct cfg_ctx *ctx);

/* config_read.c: the file's sections parsed, in two threads when large. */
void	config_read(struct cfg_ctx *ctx, const char *src, size_t len);

/* config_str.c: the region of the domains' and hosts' strings. */
struct cfg_strs *config_strs_new(size_t file_len);
void	config_strs_free(struct cfg_strs *st);
/*
 * The same, but the pages written to given to the next arenas
 * (arena_donate()), not back to the kernel: how many chunks.
 */
size_t	config_strs_donate(struct cfg_strs *st);
/* A copy of s in st (malloc'd when st is NULL or full); NULL: no memory. */
char	*config_strs_dup(struct cfg_strs *st, const char *s);
/* config_ctx_append() for a domain's or a host's lists (config_str.c). */
void	*config_ctx_append_small(struct cfg_ctx *ctx, void *arrayp, size_t *n,
	    size_t size);
/* Whether p is in st (may be NULL). */
bool	 config_str_in(const struct cfg_strs *st, const void *p);
/* Frees p unless it is in st (may be NULL). Every string of a domain or a
 * host, and any from config_ctx_strdup(), is freed this way. */
void	config_str_free(const struct cfg_strs *st, void *p);
/*
 * config.c: config_shed() but for st itself (a part shares its parent's);
 * donate: the domains' and hosts' pages to the build that follows.
 */
void	config_shed_items(struct config *cfg, bool donate);

/* config_index.c: the name indexes. */
/* Frees x's slots, x left empty; donate: their pages (arena_donate()). */
void	config_index_free(struct cfg_index *x, bool donate);
int	config_index_add(struct cfg_index *x, const void *base, size_t stride,
	    size_t pos);
/* config_host(), config_domain(), config_zone_of() of a stored-form name. */
const struct cfg_host	*config_host_norm(const struct config *cfg,
			    const char *name);
const struct cfg_domain	*config_domain_norm(const struct config *cfg,
			    const char *name);
const struct cfg_domain	*config_zone_of_norm(const struct config *cfg,
			    const char *name);
/* The same, unless the name is there: then 1 and nothing added. */
int	config_index_put(struct cfg_index *x, const void *base, size_t stride,
	    size_t pos);
/*
 * The same with the name's hash given, for a name hashed once: looked for,
 * then added (section_domain()), or hashed in a later part's thread and
 * added at the join (config_read.c).
 */
uint32_t config_index_hash(const char *name);
long	config_index_find_hash(const struct cfg_index *x, const void *base,
	    size_t stride, const char *name, uint32_t h);
int	config_index_put_hash(struct cfg_index *x, const void *base,
	    size_t stride, size_t pos, uint32_t h, bool check);
/*
 * Empty x made the index of the n items at base, whose name hashes are
 * h[0..n), sized for them at once: 0, 1 when a name is there twice, -1
 * when out of memory.
 */
int	config_index_build(struct cfg_index *x, const void *base,
	    size_t stride, size_t n, const uint32_t *h);

/* config_roles.c: role sections, and the names they and domains make. */
void	config_roles_section(struct cfg_ctx *ctx, const struct ocs_role_def *role,
	    const char *name);
void	config_roles_expand(struct cfg_ctx *ctx);
void	config_roles_free(struct config *cfg);

/* config_check.c: after parsing. Below this many items, one thread. */
#define CONFIG_PAR_MIN	4096
void	config_check_defaults(struct cfg_ctx *ctx);
void	config_check_link(struct config *cfg);
void	config_check_validate(struct cfg_ctx *ctx);

/* config_tsig.c: [key] sections, their secrets, the names that use them. */
void	config_tsig_section(struct cfg_ctx *ctx, const char *name);
void	config_tsig_check(struct cfg_ctx *ctx);
void	config_tsig_free(struct config *cfg);

#endif
