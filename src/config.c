/* config.c -- the INI configuration: parse, validate, free. */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "view.h"

#define LISTEN_DEFAULT_PORT	5300
#define NAME_MAX_LEN		253	/* presentation form, no trailing dot */
#define LABEL_MAX_LEN		63
#define VIEW_NAME_MAX_LEN	63
#define NSID_MAX_LEN		64
#define TTL_MAX			2147483647UL
#define WHY_LEN			128

/*
 * inih gives the handler neither the line number nor (in full) the section
 * name: its section buffer is 50 bytes, too short for a host name. So our
 * reader sees every line first: it counts lines, rejects the lines inih
 * would split or misread, handles section headers itself, and passes inih
 * only "key = value" lines, left-trimmed so that inih never takes one for a
 * continuation line. Everything else reaches inih as an empty line, which
 * keeps inih's line count equal to ours.
 */

enum sect {
	SECT_NONE,		/* before the first header */
	SECT_IGNORE,		/* after a bad header: keys are skipped */
	SECT_SERVER,
	SECT_VIEW,
	SECT_DOMAIN,
	SECT_HOST
};

enum key {
	KEY_LISTEN,
	KEY_TTL,
	KEY_NEGATIVE_TTL,
	KEY_EDNS_SIZE,
	KEY_TCP_TIMEOUT,
	KEY_TCP_MAX_CLIENTS,
	KEY_VERSION,
	KEY_IDENTITY,
	KEY_NSID,
	KEY_ZONES,
	KEY_USER,
	KEY_CHROOT,
	KEY_ALLOW_ROOT,
	KEY_ALLOW_TRANSFER,
	KEY_NOTIFY,
	KEY_QUERY_LOG,
	KEY_QUERY_LOG_SAMPLE,
	KEY_METRICS,
	KEY_CHAOS_STATS,
	KEY_RRL,
	KEY_RRL_SLIP,
	KEY_RRL_IPV4_PREFIX,
	KEY_RRL_IPV6_PREFIX,
	KEY_WORKERS,
	KEY_MATCH,
	KEY_MATCH_DESTINATION,
	KEY_SCOPE,
	KEY_POOL,
	KEY_ACCESS_EDGE,
	KEY_FEDERATION,
	KEY_SIP_TCP,
	KEY_FALLBACK,
	KEY_PORT_SIPINTERNALTLS,	/* the service ports: ocs_services[] */
	KEY_PORT_SIPINTERNAL,
	KEY_PORT_SIP_TLS,
	KEY_PORT_SIP_TCP,
	KEY_PORT_SIPFEDERATIONTLS,
	KEY_NS,
	KEY_HOSTMASTER,
	KEY_DOMAIN_TTL,
	KEY_ADDRESS,
	KEY_ADDRESS_VIEW,
	KEY_CNAME,
	KEY_COUNT
};

struct keydef {
	enum sect	 sect;
	const char	*name;
	enum key	 key;
	bool		 repeat;	/* may appear more than once */
};

static const struct keydef keydefs[] = {
	{ SECT_SERVER, "listen", KEY_LISTEN, false },
	{ SECT_SERVER, "ttl", KEY_TTL, false },
	{ SECT_SERVER, "negative_ttl", KEY_NEGATIVE_TTL, false },
	{ SECT_SERVER, "edns_size", KEY_EDNS_SIZE, false },
	{ SECT_SERVER, "tcp_timeout", KEY_TCP_TIMEOUT, false },
	{ SECT_SERVER, "tcp_max_clients", KEY_TCP_MAX_CLIENTS, false },
	{ SECT_SERVER, "version", KEY_VERSION, false },
	{ SECT_SERVER, "identity", KEY_IDENTITY, false },
	{ SECT_SERVER, "nsid", KEY_NSID, false },
	{ SECT_SERVER, "zones", KEY_ZONES, false },
	{ SECT_SERVER, "user", KEY_USER, false },
	{ SECT_SERVER, "chroot", KEY_CHROOT, false },
	{ SECT_SERVER, "allow_root", KEY_ALLOW_ROOT, false },
	{ SECT_SERVER, "allow_transfer", KEY_ALLOW_TRANSFER, false },
	{ SECT_SERVER, "notify", KEY_NOTIFY, false },
	{ SECT_SERVER, "query_log", KEY_QUERY_LOG, false },
	{ SECT_SERVER, "query_log_sample", KEY_QUERY_LOG_SAMPLE, false },
	{ SECT_SERVER, "metrics", KEY_METRICS, false },
	{ SECT_SERVER, "chaos_stats", KEY_CHAOS_STATS, false },
	{ SECT_SERVER, "rrl", KEY_RRL, false },
	{ SECT_SERVER, "rrl_slip", KEY_RRL_SLIP, false },
	{ SECT_SERVER, "rrl_ipv4_prefix", KEY_RRL_IPV4_PREFIX, false },
	{ SECT_SERVER, "rrl_ipv6_prefix", KEY_RRL_IPV6_PREFIX, false },
	{ SECT_SERVER, "workers", KEY_WORKERS, false },
	{ SECT_VIEW, "allow_transfer", KEY_ALLOW_TRANSFER, false },
	{ SECT_VIEW, "match", KEY_MATCH, false },
	{ SECT_VIEW, "match_destination", KEY_MATCH_DESTINATION, false },
	{ SECT_VIEW, "scope", KEY_SCOPE, false },
	{ SECT_DOMAIN, "pool", KEY_POOL, false },
	{ SECT_DOMAIN, "access_edge", KEY_ACCESS_EDGE, false },
	{ SECT_DOMAIN, "federation", KEY_FEDERATION, false },
	{ SECT_DOMAIN, "sip_tcp", KEY_SIP_TCP, false },
	{ SECT_DOMAIN, "fallback", KEY_FALLBACK, false },
	{ SECT_DOMAIN, "sipinternaltls_port", KEY_PORT_SIPINTERNALTLS, false },
	{ SECT_DOMAIN, "sipinternal_port", KEY_PORT_SIPINTERNAL, false },
	{ SECT_DOMAIN, "sip_tls_port", KEY_PORT_SIP_TLS, false },
	{ SECT_DOMAIN, "sip_tcp_port", KEY_PORT_SIP_TCP, false },
	{ SECT_DOMAIN, "sipfederationtls_port", KEY_PORT_SIPFEDERATIONTLS, false },
	{ SECT_DOMAIN, "ns", KEY_NS, false },
	{ SECT_DOMAIN, "hostmaster", KEY_HOSTMASTER, false },
	{ SECT_DOMAIN, "ttl", KEY_DOMAIN_TTL, false },
	{ SECT_HOST, "address", KEY_ADDRESS, true },
	{ SECT_HOST, "cname", KEY_CNAME, false },
};

struct msg {
	int		 line;
	size_t		 seq;
	bool		 warning;
	char		*text;
};

struct seen {				/* line where each key was first set */
	int		 line[KEY_COUNT];
};

struct ctx {
	struct config	*cfg;
	const char	*path;
	FILE		*fp;
	FILE		*diag;
	int		 line;
	int		 read_errno;
	char		*buf;		/* getline() buffer */
	size_t		 bufcap;
	enum sect	 sect;
	size_t		 cur;		/* index of the current view/domain/host */
	struct seen	*seen;		/* the current section's */
	struct seen	 server_seen;
	struct seen	 ignore_seen;	/* after a bad header */
	int		 server_line;	/* line of [server], 0 when absent */
	bool		 version_set;
	bool		 identity_set;
	struct seen	*vseen;		/* parallel to cfg->views */
	struct seen	*dseen;		/* parallel to cfg->domains */
	struct seen	*hseen;		/* parallel to cfg->hosts */
	struct msg	*msgs;
	size_t		 nmsgs;
	unsigned	 nerrors;
	unsigned	 nwarnings;
	bool		 oom;
};

static const char *const sect_names[] = {
	"", "", "server", "view", "domain", "host"
};

/* Messages. */

static void
diag_vadd(struct ctx *ctx, int line, bool warning, const char *fmt, va_list ap)
{
	struct msg	*m;
	char		*text;

	if (warning)
		ctx->nwarnings++;
	else
		ctx->nerrors++;
	if (vasprintf(&text, fmt, ap) == -1) {
		ctx->oom = true;
		return;
	}
	m = reallocarray(ctx->msgs, ctx->nmsgs + 1, sizeof(*m));
	if (m == NULL) {
		free(text);
		ctx->oom = true;
		return;
	}
	ctx->msgs = m;
	m += ctx->nmsgs;
	m->line = line;
	m->seq = ctx->nmsgs++;
	m->warning = warning;
	m->text = text;
}

static void __attribute__((format(printf, 3, 4)))
diag_error(struct ctx *ctx, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diag_vadd(ctx, line, false, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 4)))
diag_warning(struct ctx *ctx, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diag_vadd(ctx, line, true, fmt, ap);
	va_end(ap);
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct msg *ma = a, *mb = b;

	if (ma->line != mb->line)
		return ma->line < mb->line ? -1 : 1;
	if (ma->seq != mb->seq)
		return ma->seq < mb->seq ? -1 : 1;
	return 0;
}

/* Prints the messages in line order, then frees them. */
static void
diag_flush(struct ctx *ctx)
{
	size_t	 i;

	if (ctx->nmsgs > 1)
		qsort(ctx->msgs, ctx->nmsgs, sizeof(*ctx->msgs), msg_cmp);
	for (i = 0; i < ctx->nmsgs; i++) {
		struct msg *m = &ctx->msgs[i];

		if (ctx->diag != NULL) {
			if (m->line > 0)
				fprintf(ctx->diag, "%s:%d: %s%s\n", ctx->path,
				    m->line, m->warning ? "warning: " : "",
				    m->text);
			else
				fprintf(ctx->diag, "%s: %s%s\n", ctx->path,
				    m->warning ? "warning: " : "", m->text);
		}
		free(m->text);
	}
	free(ctx->msgs);
	ctx->msgs = NULL;
	ctx->nmsgs = 0;
	if (ctx->oom && ctx->diag != NULL)
		fprintf(ctx->diag, "%s: out of memory\n", ctx->path);
}

/* Small helpers. */

static char *
ctx_strdup(struct ctx *ctx, const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		ctx->oom = true;
	return p;
}

/*
 * Appends one zeroed element to the array whose pointer is at arrayp (any
 * "struct x **", read and written with memcpy so that no pointer type is
 * accessed as another), holding *n elements of size. NULL on failure.
 */
static void *
ctx_append(struct ctx *ctx, void *arrayp, size_t *n, size_t size)
{
	void	*old, *new;
	char	*p;

	memcpy(&old, arrayp, sizeof(old));
	/*
	 * The capacity is the power of two at or above *n, so the array
	 * grows by doubling (large files have hundreds of thousands of hosts)
	 * without a capacity field.
	 */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;
		if ((new = reallocarray(old, cap, size)) == NULL) {
			ctx->oom = true;
			return NULL;
		}
		memcpy(arrayp, &new, sizeof(new));
	} else
		new = old;
	p = (char *)new + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Next item of a comma separated list, trimmed; NULL after the last. */
static char *
list_next(char **pp)
{
	char	*item, *comma;

	if (*pp == NULL)
		return NULL;
	item = *pp;
	if ((comma = strchr(item, ',')) != NULL) {
		*comma = '\0';
		*pp = comma + 1;
	} else
		*pp = NULL;
	return trim(item);
}

/* Decimal number in min..max, digits only. */
static int
parse_number(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	uint64_t	 v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (unsigned long)v;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static void
describe_char(char *why, size_t len, const char *what, int c)
{
	if (isprint(c) && c != ' ')
		snprintf(why, len, "%s '%c'", what, c);
	else
		snprintf(why, len, "%s '\\x%02x'", what, (unsigned)c & 0xff);
}

/*
 * Checks a domain name and writes it to out (NAME_MAX_LEN + 1 bytes) in
 * lower case without the trailing dot. 0, or -1 with the reason in why.
 */
static int
name_normalize(const char *in, char *out, char *why, size_t whylen)
{
	size_t	 len, i, label = 0;

	len = strlen(in);
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0) {
		snprintf(why, whylen, "empty name");
		return -1;
	}
	if (len > NAME_MAX_LEN) {
		snprintf(why, whylen, "name longer than %d characters",
		    NAME_MAX_LEN);
		return -1;
	}
	for (i = 0; i < len; i++) {
		int c = tolower((unsigned char)in[i]);

		if (c == '.') {
			if (label == 0) {
				snprintf(why, whylen, "empty label");
				return -1;
			}
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_') {
			if (++label > LABEL_MAX_LEN) {
				snprintf(why, whylen,
				    "label longer than %d characters",
				    LABEL_MAX_LEN);
				return -1;
			}
		} else {
			describe_char(why, whylen, "invalid character",
			    (unsigned char)in[i]);
			return -1;
		}
		out[i] = (char)c;
	}
	if (label == 0) {		/* "a..": the dot we dropped was a label */
		snprintf(why, whylen, "empty label");
		return -1;
	}
	out[len] = '\0';
	return 0;
}

/* name equals zone or ends in ".zone". */
static bool
name_in_zone(const char *name, const char *zone)
{
	size_t	 nlen = strlen(name), zlen = strlen(zone);

	if (nlen == zlen)
		return strcasecmp(name, zone) == 0;
	if (nlen < zlen)
		return false;
	return name[nlen - zlen - 1] == '.' &&
	    strcasecmp(name + nlen - zlen, zone) == 0;
}

static int
view_name_check(const char *in, char *out, char *why, size_t whylen)
{
	size_t	 i, len = strlen(in);

	if (len == 0) {
		snprintf(why, whylen, "empty name");
		return -1;
	}
	if (len > VIEW_NAME_MAX_LEN) {
		snprintf(why, whylen, "longer than %d characters",
		    VIEW_NAME_MAX_LEN);
		return -1;
	}
	for (i = 0; i < len; i++) {
		int c = tolower((unsigned char)in[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')) {
			describe_char(why, whylen, "invalid character",
			    (unsigned char)in[i]);
			return -1;
		}
		out[i] = (char)c;
	}
	out[len] = '\0';
	return 0;
}

static int
prefix_parse(const char *s, struct cfg_prefix *out, char *why, size_t whylen)
{
	char		 buf[INET6_ADDRSTRLEN + 8], text[INET6_ADDRSTRLEN];
	const char	*slash;
	unsigned long	 bits, maxbits;
	size_t		 alen, i;

	memset(out, 0, sizeof(*out));
	if (strcasecmp(s, "any") == 0) {
		out->family = AF_UNSPEC;
		return 0;
	}
	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf)) {
		snprintf(why, whylen, "not an address or prefix");
		return -1;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		maxbits = 128;
	} else {
		snprintf(why, whylen, "not an address or prefix");
		return -1;
	}
	bits = maxbits;
	if (slash != NULL && parse_number(slash + 1, 0, maxbits, &bits) == -1) {
		snprintf(why, whylen, "prefix length must be 0..%lu", maxbits);
		return -1;
	}
	out->bits = (unsigned)bits;
	for (i = bits; i < maxbits; i++) {
		if (out->addr[i / 8] & (0x80 >> (i % 8)))
			break;
	}
	if (i < maxbits) {
		uint8_t	masked[16];

		memcpy(masked, out->addr, sizeof(masked));
		for (i = bits; i < maxbits; i++)
			masked[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		if (inet_ntop(out->family, masked, text, sizeof(text)) == NULL)
			text[0] = '\0';
		snprintf(why, whylen, "host bits set (did you mean %s/%lu?)",
		    text, bits);
		return -1;
	}
	return 0;
}

int
config_parse_listen(const char *text, struct cfg_listen *out)
{
	char			 buf[INET6_ADDRSTRLEN + 16];
	char			*addr, *port = NULL, *end;
	unsigned long		 portnum = LISTEN_DEFAULT_PORT;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	size_t			 len = strlen(text);

	memset(out, 0, sizeof(*out));
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len + 1);
	if (buf[0] == '[') {
		addr = buf + 1;
		if ((end = strchr(addr, ']')) == NULL)
			return -1;
		*end++ = '\0';
		if (*end == ':')
			port = end + 1;
		else if (*end != '\0')
			return -1;
		if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
			return -1;
	} else {
		addr = buf;
		if ((end = strchr(addr, ':')) != NULL) {
			*end = '\0';
			port = end + 1;
		}
		if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
			return -1;
	}
	if (port != NULL && parse_number(port, 1, 65535, &portnum) == -1)
		return -1;
	if (buf[0] == '[') {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)portnum);
		memcpy(&out->ss, &sin6, sizeof(sin6));
		out->sslen = sizeof(sin6);
	} else {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)portnum);
		memcpy(&out->ss, &sin, sizeof(sin));
		out->sslen = sizeof(sin);
	}
	if ((out->text = strdup(text)) == NULL)
		return -1;
	return 0;
}

/* Lookups. */

/*
 * Name indexes: open addressing over positions in cfg->domains or
 * cfg->hosts, whose first member is the (lower case) name.
 */
_Static_assert(offsetof(struct cfg_domain, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_host, name) == 0, "name first");

static uint32_t
name_hash(const char *s)
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

/* The position of name, or -1. */
static long
index_find(const struct cfg_index *x, const void *base, size_t stride,
    const char *name)
{
	uint32_t h = name_hash(name);

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

/* Adds position pos (whose name is not there yet). -1 when out of memory. */
static int
index_add(struct cfg_index *x, const void *base, size_t stride, size_t pos)
{
	if ((x->n + 1) * 2 > (x->slot ? x->mask + 1 : 0)) {
		size_t size = x->slot ? (x->mask + 1) * 2 : 64;
		struct cfg_index_slot *slot = calloc(size, sizeof(*slot));
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
		free(x->slot);
		x->slot = slot;
		x->mask = size - 1;
	}
	uint32_t h = name_hash(item_name(base, stride, pos));
	size_t j = h & x->mask;
	while (x->slot[j].pos != 0)
		j = (j + 1) & x->mask;
	x->slot[j].pos = (uint32_t)pos + 1;
	x->slot[j].hash = h;
	x->n++;
	return 0;
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

const struct cfg_host *
config_host(const struct config *cfg, const char *name)
{
	char buf[NAME_MAX_LEN + 2];
	long i = index_find(&cfg->host_index, cfg->hosts, sizeof(*cfg->hosts),
	    lookup_form(name, buf, sizeof(buf)));

	return i < 0 ? NULL : &cfg->hosts[i];
}

const struct cfg_domain *
config_domain(const struct config *cfg, const char *name)
{
	char buf[NAME_MAX_LEN + 2];
	long i = index_find(&cfg->domain_index, cfg->domains,
	    sizeof(*cfg->domains), lookup_form(name, buf, sizeof(buf)));

	return i < 0 ? NULL : &cfg->domains[i];
}

/* The longest domain that is name or a suffix of it: one lookup per label. */
const struct cfg_domain *
config_zone_of(const struct config *cfg, const char *name)
{
	char buf[NAME_MAX_LEN + 2];
	const char *p = lookup_form(name, buf, sizeof(buf));

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

static void
section_view(struct ctx *ctx, const char *name)
{
	struct config	*cfg = ctx->cfg;
	struct cfg_view	*v;
	char		 norm[VIEW_NAME_MAX_LEN + 1], why[WHY_LEN];
	size_t		 i, nseen;

	if (view_name_check(name, norm, why, sizeof(why)) == -1) {
		diag_error(ctx, ctx->line, "invalid view name '%s': %s",
		    name, why);
		return;
	}
	for (i = 0; i < cfg->nviews; i++) {
		if (strcmp(cfg->views[i].name, norm) == 0) {
			diag_error(ctx, ctx->line, "duplicate [view %s] "
			    "(first on line %d)", norm, cfg->views[i].line);
			return;
		}
	}
	nseen = cfg->nviews;
	if (ctx_append(ctx, &ctx->vseen, &nseen, sizeof(*ctx->vseen)) == NULL)
		return;
	if ((v = ctx_append(ctx, &cfg->views, &cfg->nviews,
	    sizeof(*v))) == NULL)
		return;
	v->line = ctx->line;
	if ((v->name = ctx_strdup(ctx, norm)) == NULL) {
		cfg->nviews--;
		return;
	}
	ctx->cur = cfg->nviews - 1;
	ctx->seen = &ctx->vseen[ctx->cur];
	ctx->sect = SECT_VIEW;
}

static void
section_domain(struct ctx *ctx, const char *name)
{
	struct config		*cfg = ctx->cfg;
	struct cfg_domain	*d;
	const struct cfg_domain	*old;
	char			 norm[NAME_MAX_LEN + 1], why[WHY_LEN];
	size_t			 nseen = cfg->ndomains;

	if (name_normalize(name, norm, why, sizeof(why)) == -1) {
		diag_error(ctx, ctx->line, "invalid domain name '%s': %s",
		    name, why);
		return;
	}
	if ((old = config_domain(cfg, norm)) != NULL) {
		diag_error(ctx, ctx->line, "duplicate [domain %s] "
		    "(first on line %d)", norm, old->line);
		return;
	}
	if (ctx_append(ctx, &ctx->dseen, &nseen, sizeof(*ctx->dseen)) == NULL)
		return;
	if ((d = ctx_append(ctx, &cfg->domains, &cfg->ndomains,
	    sizeof(*d))) == NULL)
		return;
	d->line = ctx->line;
	d->sip_tcp = true;
	for (size_t i = 0; i < OCS_NSERVICES; i++)
		d->port[i] = ocs_services[i].port;
	if ((d->name = ctx_strdup(ctx, norm)) == NULL) {
		cfg->ndomains--;
		return;
	}
	if (index_add(&cfg->domain_index, cfg->domains, sizeof(*d),
	    cfg->ndomains - 1) == -1)
		ctx->oom = true;
	ctx->cur = cfg->ndomains - 1;
	ctx->seen = &ctx->dseen[ctx->cur];
	ctx->sect = SECT_DOMAIN;
}

static void
section_host(struct ctx *ctx, const char *name)
{
	struct config		*cfg = ctx->cfg;
	struct cfg_host		*h;
	const struct cfg_host	*old;
	char			 norm[NAME_MAX_LEN + 1], why[WHY_LEN];
	size_t			 nseen = cfg->nhosts;

	if (name_normalize(name, norm, why, sizeof(why)) == -1) {
		diag_error(ctx, ctx->line, "invalid host name '%s': %s",
		    name, why);
		return;
	}
	if ((old = config_host(cfg, norm)) != NULL) {
		diag_error(ctx, ctx->line, "duplicate [host %s] "
		    "(first on line %d)", norm, old->line);
		return;
	}
	if (ctx_append(ctx, &ctx->hseen, &nseen, sizeof(*ctx->hseen)) == NULL)
		return;
	if ((h = ctx_append(ctx, &cfg->hosts, &cfg->nhosts,
	    sizeof(*h))) == NULL)
		return;
	h->line = ctx->line;
	if ((h->name = ctx_strdup(ctx, norm)) == NULL) {
		cfg->nhosts--;
		return;
	}
	if (index_add(&cfg->host_index, cfg->hosts, sizeof(*h),
	    cfg->nhosts - 1) == -1)
		ctx->oom = true;
	ctx->cur = cfg->nhosts - 1;
	ctx->seen = &ctx->hseen[ctx->cur];
	ctx->sect = SECT_HOST;
}

/* p points at '['; the header may end in an inline comment. */
static void
section_header(struct ctx *ctx, char *p)
{
	char	*end, *rest, *kind, *name;

	ctx->sect = SECT_IGNORE;
	ctx->seen = &ctx->ignore_seen;
	if ((end = strchr(p, ']')) == NULL) {
		diag_error(ctx, ctx->line, "missing ']' in section header");
		return;
	}
	*end = '\0';
	rest = trim(end + 1);
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		diag_error(ctx, ctx->line, "unexpected text after ']': '%s'",
		    rest);
		return;
	}
	kind = trim(p + 1);
	for (name = kind; *name != '\0' && !isspace((unsigned char)*name);
	    name++)
		;
	if (*name != '\0')
		*name++ = '\0';
	name = trim(name);
	if (strcasecmp(kind, "server") == 0) {
		if (*name != '\0') {
			diag_error(ctx, ctx->line, "[server] takes no name");
			return;
		}
		if (ctx->server_line != 0) {
			diag_error(ctx, ctx->line, "duplicate [server] "
			    "(first on line %d)", ctx->server_line);
			return;
		}
		ctx->server_line = ctx->line;
		ctx->seen = &ctx->server_seen;
		ctx->sect = SECT_SERVER;
		return;
	}
	if (strcasecmp(kind, "view") != 0 && strcasecmp(kind, "domain") != 0 &&
	    strcasecmp(kind, "host") != 0) {
		diag_error(ctx, ctx->line, "unknown section [%s%s%s]: expected "
		    "[server], [view NAME], [domain NAME] or [host FQDN]",
		    kind, *name != '\0' ? " " : "", name);
		return;
	}
	if (*name == '\0') {
		diag_error(ctx, ctx->line, "[%s] needs a name", kind);
		return;
	}
	if (strpbrk(name, " \t") != NULL) {
		diag_error(ctx, ctx->line, "unexpected space in section "
		    "name '%s'", name);
		return;
	}
	if (strcasecmp(kind, "view") == 0)
		section_view(ctx, name);
	else if (strcasecmp(kind, "domain") == 0)
		section_domain(ctx, name);
	else
		section_host(ctx, name);
}

/* Key handlers. */

static void
set_number(struct ctx *ctx, const char *key, const char *value,
    unsigned long min, unsigned long max, unsigned long *out)
{
	if (parse_number(value, min, max, out) == -1)
		diag_error(ctx, ctx->line, "%s: '%s' is not a number in "
		    "%lu..%lu", key, value, min, max);
}

static void
set_u32(struct ctx *ctx, const char *key, const char *value,
    unsigned long min, unsigned long max, uint32_t *out)
{
	unsigned long	 v = *out;

	set_number(ctx, key, value, min, max, &v);
	*out = (uint32_t)v;
}

static void
set_u16(struct ctx *ctx, const char *key, const char *value,
    unsigned long min, unsigned long max, uint16_t *out)
{
	unsigned long	 v = *out;

	set_number(ctx, key, value, min, max, &v);
	*out = (uint16_t)v;
}

static void
set_bool(struct ctx *ctx, const char *key, const char *value, bool *out)
{
	if (parse_bool(value, out) == -1)
		diag_error(ctx, ctx->line, "%s: '%s' is not a boolean "
		    "(yes/no, true/false, on/off, 1/0)", key, value);
}

/* Replaces *out with a copy of value. */
static void
set_string(struct ctx *ctx, const char *value, char **out)
{
	free(*out);
	*out = ctx_strdup(ctx, value);
}

/* Checks a name value; on success *out is a new copy. */
static int
set_name(struct ctx *ctx, const char *key, const char *value, char **out)
{
	char	 norm[NAME_MAX_LEN + 1], why[WHY_LEN];

	if (name_normalize(value, norm, why, sizeof(why)) == -1) {
		diag_error(ctx, ctx->line, "%s: invalid name '%s': %s", key,
		    value, why);
		return -1;
	}
	free(*out);
	if ((*out = ctx_strdup(ctx, norm)) == NULL)
		return -1;
	return 0;
}

static void
key_listen(struct ctx *ctx, const char *value)
{
	struct config		*cfg = ctx->cfg;
	struct cfg_listen	 l, *nl;
	char			*copy, *p, *item;
	size_t			 i;

	if ((copy = p = ctx_strdup(ctx, value)) == NULL)
		return;
	while ((item = list_next(&p)) != NULL) {
		if (*item == '\0') {
			diag_error(ctx, ctx->line, "listen: empty item in list");
			continue;
		}
		if (config_parse_listen(item, &l) == -1) {
			diag_error(ctx, ctx->line, "listen: invalid address "
			    "'%s' (expected ADDR, ADDR:PORT, [V6] or "
			    "[V6]:PORT, port 1..65535)", item);
			continue;
		}
		for (i = 0; i < cfg->nlisten; i++)
			if (cfg->listen[i].sslen == l.sslen &&
			    memcmp(&cfg->listen[i].ss, &l.ss, l.sslen) == 0)
				break;
		if (i < cfg->nlisten) {
			diag_error(ctx, ctx->line, "listen: '%s' repeated",
			    item);
			free(l.text);
			continue;
		}
		if ((nl = ctx_append(ctx, &cfg->listen, &cfg->nlisten,
		    sizeof(*nl))) == NULL) {
			free(l.text);
			break;
		}
		*nl = l;
	}
	free(copy);
}

/* notify = ADDR[:PORT], [V6][:PORT]...: where NOTIFY goes (port 53 by default). */
static void
key_notify(struct ctx *ctx, const char *value)
{
	struct config		*cfg = ctx->cfg;
	struct cfg_listen	 l, *nl;
	char			*copy, *p, *item, buf[128];

	if ((copy = p = ctx_strdup(ctx, value)) == NULL)
		return;
	while ((item = list_next(&p)) != NULL) {
		bool v6 = item[0] == '[';
		bool port = v6 ? strstr(item, "]:") != NULL :
		    strchr(item, ':') != NULL;

		snprintf(buf, sizeof(buf), "%s%s", item, port ? "" : ":53");
		if (*item == '\0' || config_parse_listen(buf, &l) == -1) {
			diag_error(ctx, ctx->line, "notify: invalid address "
			    "'%s' (expected ADDR, ADDR:PORT, [V6] or "
			    "[V6]:PORT)", item);
			continue;
		}
		if ((nl = ctx_append(ctx, &cfg->notify, &cfg->nnotify,
		    sizeof(*nl))) == NULL) {
			free(l.text);
			break;
		}
		*nl = l;
	}
	free(copy);
}

/* metrics = ADDR:PORT, [V6]:PORT: the HTTP listener for /metrics; empty: off. */
static void
key_metrics(struct ctx *ctx, const char *value)
{
	struct config	*cfg = ctx->cfg;
	struct cfg_listen l;

	free(cfg->metrics.text);
	memset(&cfg->metrics, 0, sizeof(cfg->metrics));
	if (*value == '\0' || strcasecmp(value, "no") == 0 ||
	    strcasecmp(value, "off") == 0)
		return;
	/* The port is required: 5300, the parser's default, is DNS's. */
	if ((value[0] == '[' ? strstr(value, "]:") == NULL :
	    strchr(value, ':') == NULL) ||
	    config_parse_listen(value, &l) == -1) {
		diag_error(ctx, ctx->line, "metrics: invalid address '%s' "
		    "(expected ADDR:PORT or [V6]:PORT, e.g. 127.0.0.1:9153)",
		    value);
		return;
	}
	cfg->metrics = l;
}

static void
key_prefixes(struct ctx *ctx, const char *key, const char *value,
    struct cfg_prefix **v, size_t *n)
{
	struct cfg_prefix	 pfx, *np;
	char			*copy, *p, *item, why[WHY_LEN];

	if ((copy = p = ctx_strdup(ctx, value)) == NULL)
		return;
	while ((item = list_next(&p)) != NULL) {
		if (*item == '\0') {
			diag_error(ctx, ctx->line, "%s: empty item in list",
			    key);
			continue;
		}
		if (prefix_parse(item, &pfx, why, sizeof(why)) == -1) {
			diag_error(ctx, ctx->line, "%s: '%s': %s", key, item,
			    why);
			continue;
		}
		if ((np = ctx_append(ctx, v, n, sizeof(*np))) == NULL)
			break;
		*np = pfx;
	}
	free(copy);
}

static void
key_targets(struct ctx *ctx, const char *key, const char *value,
    struct cfg_targets *t)
{
	struct cfg_target	*nt;
	char			*copy, *p, *p2, *item, *part[3], *name;
	unsigned long		 num[2];
	size_t			 i, j, nparts;
	bool			 bad;

	t->line = ctx->line;
	if ((copy = p = ctx_strdup(ctx, value)) == NULL)
		return;
	while ((item = list_next(&p)) != NULL) {
		if (*item == '\0') {
			diag_error(ctx, ctx->line, "%s: empty item in list",
			    key);
			continue;
		}
		if ((p2 = strchr(item, ':')) != NULL &&
		    (p2 = strchr(p2 + 1, ':')) != NULL &&
		    strchr(p2 + 1, ':') != NULL) {
			diag_error(ctx, ctx->line, "%s: '%s': expected "
			    "host[:priority[:weight]]", key, item);
			continue;
		}
		nparts = 0;
		part[nparts++] = item;
		while (nparts < 3 &&
		    (p2 = strchr(part[nparts - 1], ':')) != NULL) {
			*p2 = '\0';
			part[nparts++] = p2 + 1;
		}
		bad = false;
		num[0] = num[1] = 0;
		for (i = 1; i < nparts; i++) {
			part[i] = trim(part[i]);
			if (parse_number(part[i], 0, 65535, &num[i - 1]) == -1) {
				diag_error(ctx, ctx->line, "%s: %s '%s' of "
				    "target %s is not a number in 0..65535",
				    key, i == 1 ? "priority" : "weight",
				    part[i], trim(part[0]));
				bad = true;
			}
		}
		name = NULL;
		if (set_name(ctx, key, trim(part[0]), &name) == -1 || bad) {
			free(name);
			continue;
		}
		for (j = 0; j < t->n; j++)
			if (strcmp(t->v[j].name, name) == 0)
				break;
		if (j < t->n) {
			diag_error(ctx, ctx->line, "%s: target %s repeated",
			    key, name);
			free(name);
			continue;
		}
		if ((nt = ctx_append(ctx, &t->v, &t->n, sizeof(*nt))) == NULL) {
			free(name);
			break;
		}
		nt->name = name;
		nt->priority = (uint16_t)num[0];
		nt->weight = (uint16_t)num[1];
	}
	free(copy);
}

static void
key_ns(struct ctx *ctx, struct cfg_domain *d, const char *value)
{
	char	*copy, *p, *item, *name, **nn;
	size_t	 j;

	if ((copy = p = ctx_strdup(ctx, value)) == NULL)
		return;
	while ((item = list_next(&p)) != NULL) {
		if (*item == '\0') {
			diag_error(ctx, ctx->line, "ns: empty item in list");
			continue;
		}
		name = NULL;
		if (set_name(ctx, "ns", item, &name) == -1)
			continue;
		for (j = 0; j < d->nns; j++)
			if (strcmp(d->ns[j], name) == 0)
				break;
		if (j < d->nns) {
			diag_error(ctx, ctx->line, "ns: %s repeated", name);
			free(name);
			continue;
		}
		if ((nn = ctx_append(ctx, &d->ns, &d->nns,
		    sizeof(*nn))) == NULL) {
			free(name);
			break;
		}
		*nn = name;
	}
	free(copy);
}

static void
key_hostmaster(struct ctx *ctx, struct cfg_domain *d, const char *value)
{
	char	*copy, *at;

	/* Accept the mail form too: hostmaster@contoso.com. */
	if ((copy = ctx_strdup(ctx, value)) == NULL)
		return;
	if ((at = strchr(copy, '@')) != NULL)
		*at = '.';
	set_name(ctx, "hostmaster", copy, &d->hostmaster);
	free(copy);
}

static void
key_address(struct ctx *ctx, struct cfg_host *h, const char *key,
    const char *view, const char *value)
{
	struct cfg_addr	 a, *na;
	char		*copy, *p, *item;
	size_t		 i;
	int		 first;

	if ((copy = p = ctx_strdup(ctx, value)) == NULL)
		return;
	while ((item = list_next(&p)) != NULL) {
		if (*item == '\0') {
			diag_error(ctx, ctx->line, "%s: empty item in list",
			    key);
			continue;
		}
		memset(&a, 0, sizeof(a));
		if (inet_pton(AF_INET, item, &a.u.v4) == 1)
			a.family = AF_INET;
		else if (inet_pton(AF_INET6, item, &a.u.v6) == 1)
			a.family = AF_INET6;
		else {
			diag_error(ctx, ctx->line, "%s: '%s' is not an IPv4 or "
			    "IPv6 address", key, item);
			continue;
		}
		first = 0;
		for (i = 0; i < h->naddrs && first == 0; i++) {
			const struct cfg_addr *o = &h->addrs[i];

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
			diag_error(ctx, ctx->line, "%s: %s repeated (first on "
			    "line %d)", key, item, first);
			continue;
		}
		a.line = ctx->line;
		if (view != NULL && (a.view = ctx_strdup(ctx, view)) == NULL)
			break;
		if ((na = ctx_append(ctx, &h->addrs, &h->naddrs,
		    sizeof(*na))) == NULL) {
			free(a.view);
			break;
		}
		*na = a;
	}
	free(copy);
}

static const struct keydef *
key_find(enum sect sect, const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(keydefs) / sizeof(keydefs[0]); i++)
		if (keydefs[i].sect == sect &&
		    strcasecmp(keydefs[i].name, name) == 0)
			return &keydefs[i];
	return NULL;
}

/* workers = N (1..CONFIG_MAX_WORKERS) or auto: one per online CPU. */
static void
key_workers(struct ctx *ctx, const char *value)
{
	unsigned long	 v;
	long		 ncpu;

	if (strcasecmp(value, "auto") == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		if (ncpu < 1)
			ncpu = 1;
		if (ncpu > CONFIG_MAX_WORKERS)
			ncpu = CONFIG_MAX_WORKERS;
		ctx->cfg->workers = (unsigned)ncpu;
		return;
	}
	if (parse_number(value, 1, CONFIG_MAX_WORKERS, &v) == -1) {
		diag_error(ctx, ctx->line, "workers: '%s' is not a number in "
		    "1..%d or auto", value, CONFIG_MAX_WORKERS);
		return;
	}
	ctx->cfg->workers = (unsigned)v;
}

static void
handle_server(struct ctx *ctx, const struct keydef *kd, const char *key,
    const char *value)
{
	struct config	*cfg = ctx->cfg;
	unsigned long	 v;

	switch (kd->key) {
	case KEY_LISTEN:
		key_listen(ctx, value);
		break;
	case KEY_TTL:
		set_u32(ctx, key, value, 0, TTL_MAX, &cfg->ttl);
		break;
	case KEY_NEGATIVE_TTL:
		set_u32(ctx, key, value, 0, TTL_MAX, &cfg->negative_ttl);
		break;
	case KEY_EDNS_SIZE:
		set_u16(ctx, key, value, 512, 4096, &cfg->edns_size);
		break;
	case KEY_TCP_TIMEOUT:
		v = cfg->tcp_timeout;
		set_number(ctx, key, value, 1, 3600, &v);
		cfg->tcp_timeout = (unsigned)v;
		break;
	case KEY_TCP_MAX_CLIENTS:
		v = cfg->tcp_max_clients;
		set_number(ctx, key, value, 1, 65535, &v);
		cfg->tcp_max_clients = (unsigned)v;
		break;
	case KEY_VERSION:
		ctx->version_set = true;
		free(cfg->version);
		cfg->version = NULL;
		if (*value != '\0')
			set_string(ctx, value, &cfg->version);
		break;
	case KEY_IDENTITY:
		ctx->identity_set = true;
		free(cfg->identity);
		cfg->identity = NULL;
		if (*value != '\0')
			set_string(ctx, value, &cfg->identity);
		break;
	case KEY_NSID:
		if (strlen(value) > NSID_MAX_LEN)
			diag_error(ctx, ctx->line, "nsid: longer than %d "
			    "characters", NSID_MAX_LEN);
		else
			set_string(ctx, value, &cfg->nsid);
		break;
	case KEY_ZONES:
		set_string(ctx, value, &cfg->zones_dir);
		break;
	case KEY_USER:
		free(cfg->user);
		cfg->user = NULL;
		if (*value != '\0')
			set_string(ctx, value, &cfg->user);
		break;
	case KEY_CHROOT:
		free(cfg->chroot_dir);
		cfg->chroot_dir = NULL;
		if (*value != '\0' && *value != '/')
			diag_error(ctx, ctx->line, "chroot: '%s' is not an "
			    "absolute path", value);
		else if (*value != '\0')
			set_string(ctx, value, &cfg->chroot_dir);
		break;
	case KEY_ALLOW_ROOT:
		set_bool(ctx, key, value, &cfg->allow_root);
		break;
	case KEY_ALLOW_TRANSFER:
		key_prefixes(ctx, key, value, &cfg->allow_transfer,
		    &cfg->nallow_transfer);
		break;
	case KEY_NOTIFY:
		key_notify(ctx, value);
		break;
	case KEY_QUERY_LOG:
		set_bool(ctx, key, value, &cfg->query_log);
		break;
	case KEY_QUERY_LOG_SAMPLE:
		v = cfg->query_log_sample;
		set_number(ctx, key, value, 1, 1000000, &v);
		cfg->query_log_sample = (unsigned)v;
		break;
	case KEY_METRICS:
		key_metrics(ctx, value);
		break;
	case KEY_CHAOS_STATS:
		set_bool(ctx, key, value, &cfg->chaos_stats);
		break;
	case KEY_RRL:
		v = cfg->rrl;
		set_number(ctx, key, value, 0, 1000000, &v);
		cfg->rrl = (unsigned)v;
		break;
	case KEY_RRL_SLIP:
		v = cfg->rrl_slip;
		set_number(ctx, key, value, 0, 100, &v);
		cfg->rrl_slip = (unsigned)v;
		break;
	case KEY_RRL_IPV4_PREFIX:
		v = cfg->rrl_ipv4_prefix;
		set_number(ctx, key, value, 8, 32, &v);
		cfg->rrl_ipv4_prefix = (unsigned)v;
		break;
	case KEY_RRL_IPV6_PREFIX:
		v = cfg->rrl_ipv6_prefix;
		set_number(ctx, key, value, 16, 128, &v);
		cfg->rrl_ipv6_prefix = (unsigned)v;
		break;
	case KEY_WORKERS:
		key_workers(ctx, value);
		break;
	default:
		break;
	}
}

static void
handle_view(struct ctx *ctx, const struct keydef *kd, const char *key,
    const char *value)
{
	struct cfg_view	*v = &ctx->cfg->views[ctx->cur];

	switch (kd->key) {
	case KEY_MATCH:
		key_prefixes(ctx, key, value, &v->match, &v->nmatch);
		break;
	case KEY_MATCH_DESTINATION:
		key_prefixes(ctx, key, value, &v->match_destination,
		    &v->nmatch_destination);
		break;
	case KEY_ALLOW_TRANSFER:
		v->allow_transfer_set = true;
		key_prefixes(ctx, key, value, &v->allow_transfer,
		    &v->nallow_transfer);
		break;
	case KEY_SCOPE:
		if (strcasecmp(value, "internal") == 0)
			v->external = false;
		else if (strcasecmp(value, "external") == 0)
			v->external = true;
		else
			diag_error(ctx, ctx->line, "scope: '%s' is neither "
			    "internal nor external", value);
		break;
	default:
		break;
	}
}

static void
handle_domain(struct ctx *ctx, const struct keydef *kd, const char *key,
    const char *value)
{
	struct cfg_domain	*d = &ctx->cfg->domains[ctx->cur];

	switch (kd->key) {
	case KEY_POOL:
		key_targets(ctx, key, value, &d->pool);
		break;
	case KEY_ACCESS_EDGE:
		key_targets(ctx, key, value, &d->access_edge);
		break;
	case KEY_FEDERATION:
		set_bool(ctx, key, value, &d->federation);
		break;
	case KEY_SIP_TCP:
		set_bool(ctx, key, value, &d->sip_tcp);
		break;
	case KEY_FALLBACK:
		set_bool(ctx, key, value, &d->fallback);
		break;
	case KEY_PORT_SIPINTERNALTLS:
	case KEY_PORT_SIPINTERNAL:
	case KEY_PORT_SIP_TLS:
	case KEY_PORT_SIP_TCP:
	case KEY_PORT_SIPFEDERATIONTLS: {
		const struct ocs_service *svc = ocs_service_by_port_key(kd->name);

		set_u16(ctx, key, value, 1, 65535,
		    &d->port[svc - ocs_services]);
		break;
	}
	case KEY_NS:
		key_ns(ctx, d, value);
		break;
	case KEY_HOSTMASTER:
		key_hostmaster(ctx, d, value);
		break;
	case KEY_DOMAIN_TTL:
		set_u32(ctx, key, value, 0, TTL_MAX, &d->ttl);
		break;
	default:
		break;
	}
}

static void
handle_host(struct ctx *ctx, const struct keydef *kd, const char *key,
    const char *value, const char *view)
{
	struct cfg_host	*h = &ctx->cfg->hosts[ctx->cur];

	switch (kd->key) {
	case KEY_ADDRESS:
	case KEY_ADDRESS_VIEW:
		key_address(ctx, h, key, view, value);
		break;
	case KEY_CNAME:
		h->cname_line = ctx->line;
		set_name(ctx, key, value, &h->cname);
		break;
	default:
		break;
	}
}

static int
key_handler(void *user, const char *section, const char *name,
    const char *value)
{
	static const struct keydef address_view = {
		SECT_HOST, "address.VIEW", KEY_ADDRESS_VIEW, true
	};
	struct ctx		*ctx = user;
	const struct keydef	*kd;
	char			 view[VIEW_NAME_MAX_LEN + 1], why[WHY_LEN];
	bool			 hasview = false;

	(void)section;			/* ours is in ctx: see above */
	switch (ctx->sect) {
	case SECT_NONE:
		diag_error(ctx, ctx->line, "'%s' is outside any section: put "
		    "it under [server], [view NAME], [domain NAME] or "
		    "[host FQDN]", name);
		return 1;
	case SECT_IGNORE:
		return 1;
	default:
		break;
	}
	if (*name == '\0') {
		diag_error(ctx, ctx->line, "missing key name before '='");
		return 1;
	}
	kd = key_find(ctx->sect, name);
	if (kd == NULL && ctx->sect == SECT_HOST &&
	    strncasecmp(name, "address.", 8) == 0) {
		if (view_name_check(name + 8, view, why, sizeof(why)) == -1) {
			diag_error(ctx, ctx->line, "%s: invalid view name "
			    "'%s': %s", name, name + 8, why);
			return 1;
		}
		kd = &address_view;
		hasview = true;
	}
	if (kd == NULL) {
		diag_error(ctx, ctx->line, "unknown key '%s' in [%s]", name,
		    sect_names[ctx->sect]);
		return 1;
	}
	if (ctx->seen->line[kd->key] != 0 && !kd->repeat) {
		diag_error(ctx, ctx->line, "%s repeated (first set on line %d)",
		    name, ctx->seen->line[kd->key]);
		return 1;
	}
	if (ctx->seen->line[kd->key] == 0)
		ctx->seen->line[kd->key] = ctx->line;
	if (*value == '\0' && kd->key != KEY_VERSION &&
	    kd->key != KEY_IDENTITY) {
		diag_error(ctx, ctx->line, "%s: empty value", name);
		return 1;
	}
	switch (ctx->sect) {
	case SECT_SERVER:
		handle_server(ctx, kd, name, value);
		break;
	case SECT_VIEW:
		handle_view(ctx, kd, name, value);
		break;
	case SECT_DOMAIN:
		handle_domain(ctx, kd, name, value);
		break;
	case SECT_HOST:
		handle_host(ctx, kd, name, value, hasview ? view : NULL);
		break;
	default:
		break;
	}
	return 1;
}

/* Where "key = value" ends its key: '=' or ':' before any inline comment. */
static bool
has_separator(const char *p)
{
	bool	 space = false;

	for (; *p != '\0'; p++) {
		if (*p == '=' || *p == ':')
			return true;
		if (*p == ';' && space)
			return false;
		space = isspace((unsigned char)*p) != 0;
	}
	return false;
}

static char *
line_reader(char *str, int num, void *stream)
{
	struct ctx	*ctx = stream;
	ssize_t		 n;
	size_t		 len, max;
	char		*p;

	if (ctx->oom)
		return NULL;
	errno = 0;
	if ((n = getline(&ctx->buf, &ctx->bufcap, ctx->fp)) == -1) {
		if (ferror(ctx->fp))
			ctx->read_errno = errno != 0 ? errno : EIO;
		return NULL;
	}
	ctx->line++;
	len = (size_t)n;
	while (len > 0 && (ctx->buf[len - 1] == '\n' ||
	    ctx->buf[len - 1] == '\r'))
		len--;
	ctx->buf[len] = '\0';
	str[0] = '\n';
	str[1] = '\0';
	p = ctx->buf;
	if (ctx->line == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	if (memchr(p, '\0', len) != NULL) {
		diag_error(ctx, ctx->line, "NUL character in line");
		return str;
	}
	/* inih needs room for "\r\n\0" after the longest line. */
	max = num > 3 ? (size_t)num - 3 : 0;
	if (len > max) {
		diag_error(ctx, ctx->line, "line too long (more than %zu "
		    "characters)", max);
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '[') {
			ctx->sect = SECT_IGNORE;
			ctx->seen = &ctx->ignore_seen;
		}
		return str;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == ';' || *p == '#')
		return str;
	if (*p == '[') {
		section_header(ctx, p);
		return str;
	}
	if (!has_separator(p)) {
		diag_error(ctx, ctx->line, "expected 'key = value' or a "
		    "[section] header");
		return str;
	}
	len = strlen(p);
	memcpy(str, p, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

/* After parsing. */

static void
apply_defaults(struct ctx *ctx)
{
	struct config		*cfg = ctx->cfg;
	struct cfg_listen	*l;
	char			 host[256], buf[NAME_MAX_LEN + 16];
	size_t			 i;

	if (cfg->nlisten == 0) {
		if ((l = ctx_append(ctx, &cfg->listen, &cfg->nlisten,
		    sizeof(*l))) != NULL &&
		    config_parse_listen(CONFIG_DEFAULT_LISTEN, l) == -1) {
			cfg->nlisten--;
			ctx->oom = true;
		}
	}
	if (!ctx->version_set) {
#ifdef PACKAGE_VERSION
		cfg->version = ctx_strdup(ctx, "ocsdnsd " PACKAGE_VERSION);
#else
		cfg->version = ctx_strdup(ctx, "ocsdnsd");
#endif
	}
	if (!ctx->identity_set && gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (host[0] != '\0')
			cfg->identity = ctx_strdup(ctx, host);
	}
	for (i = 0; i < cfg->ndomains; i++) {
		struct cfg_domain *d = &cfg->domains[i];

		if (ctx->dseen[i].line[KEY_DOMAIN_TTL] == 0)
			d->ttl = cfg->ttl;
		if (d->nns == 0) {
			char **nn;

			/* ns1.<253 chars> may exceed the limit: then skip. */
			snprintf(buf, sizeof(buf), "ns1.%s", d->name);
			if (strlen(buf) <= NAME_MAX_LEN &&
			    (nn = ctx_append(ctx, &d->ns, &d->nns,
			    sizeof(*nn))) != NULL &&
			    (*nn = ctx_strdup(ctx, buf)) == NULL)
				d->nns--;
		}
		if (d->hostmaster == NULL) {
			snprintf(buf, sizeof(buf), "hostmaster.%s", d->name);
			if (strlen(buf) <= NAME_MAX_LEN)
				d->hostmaster = ctx_strdup(ctx, buf);
		}
	}
}

static const struct cfg_view *
view_find(const struct config *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->nviews; i++)
		if (strcmp(cfg->views[i].name, name) == 0)
			return &cfg->views[i];
	return NULL;
}

static void
check_targets(struct ctx *ctx, const struct cfg_domain *d,
    const struct cfg_targets *t)
{
	const struct config	*cfg = ctx->cfg;
	size_t			 i;

	for (i = 0; i < t->n; i++) {
		const char *name = t->v[i].name;

		if (!name_in_zone(name, d->name))
			diag_warning(ctx, t->line, "target %s is outside the "
			    "SIP domain %s: Communicator's strict domain "
			    "matching will refuse it", name, d->name);
		if (config_zone_of(cfg, name) != NULL &&
		    config_host(cfg, name) == NULL)
			diag_error(ctx, t->line, "target %s has no address: "
			    "add [host %s]", name, name);
	}
}

static void
check_cname(struct ctx *ctx, const struct cfg_host *h)
{
	const struct config	*cfg = ctx->cfg;
	const struct cfg_host	*next;
	const struct cfg_domain	*d;
	const char		*cur;
	size_t			 steps;

	if ((d = config_domain(cfg, h->name)) != NULL)
		diag_error(ctx, h->cname_line, "host %s is the apex of domain "
		    "%s: it cannot be a cname (the apex has SOA and NS)",
		    h->name, d->name);
	if (strcmp(h->cname, h->name) == 0) {
		diag_error(ctx, h->cname_line, "cname of %s points to itself",
		    h->name);
		return;
	}
	cur = h->cname;
	for (steps = 0; steps < cfg->nhosts; steps++) {
		if ((next = config_host(cfg, cur)) == NULL ||
		    next->cname == NULL)
			return;
		if (strcmp(next->cname, h->name) == 0) {
			diag_error(ctx, h->cname_line, "cname chain from %s "
			    "loops back to it (via %s)", h->name, next->name);
			return;
		}
		cur = next->cname;
	}
}

/* Whether every client that view j matches is matched by an earlier view. */
static bool
view_shadowed(const struct config *cfg, size_t j)
{
	const struct cfg_view *v = &cfg->views[j];
	size_t i, k, m;

	for (k = 0; k < v->nmatch + v->nmatch_destination; k++) {
		bool dst = k >= v->nmatch;
		const struct cfg_prefix *p = dst ? &v->match_destination[k -
		    v->nmatch] : &v->match[k];
		bool covered = false;

		for (i = 0; i < j && !covered; i++) {
			const struct cfg_view *e = &cfg->views[i];
			/* An earlier "any" takes every client, either way. */
			for (m = 0; m < e->nmatch && !covered; m++)
				covered = e->match[m].family == AF_UNSPEC ||
				    (!dst && view_prefix_contains(&e->match[m], p));
			for (m = 0; m < e->nmatch_destination && !covered; m++)
				covered = e->match_destination[m].family ==
				    AF_UNSPEC || (dst && view_prefix_contains(
				    &e->match_destination[m], p));
		}
		if (!covered)
			return false;
	}
	return v->nmatch + v->nmatch_destination > 0;
}

/* Warnings about what an external view would publish. */
static void
check_external(struct ctx *ctx, size_t vi)
{
	const struct config	*cfg = ctx->cfg;
	const struct cfg_view	*v = &cfg->views[vi];
	size_t			 i, j;
	char			 text[INET6_ADDRSTRLEN];

	for (i = 0; i < cfg->ndomains; i++)
		if (cfg->domains[i].access_edge.n == 0)
			diag_warning(ctx, cfg->domains[i].line, "domain %s has "
			    "no access_edge: external view %s will have no "
			    "SRV record for it", cfg->domains[i].name, v->name);
	for (i = 0; i < cfg->nhosts; i++) {
		const struct cfg_host *h = &cfg->hosts[i];

		for (j = 0; j < h->naddrs; j++) {
			const struct cfg_addr *a = &h->addrs[j];

			if (!view_addr_visible(cfg, (int)vi, h, a) ||
			    !view_addr_private(a))
				continue;
			inet_ntop(a->family, &a->u, text, sizeof(text));
			diag_warning(ctx, a->line, "host %s: %s is a private "
			    "address, published in external view %s (use "
			    "address.internal to keep it inside)", h->name,
			    text, v->name);
		}
	}
}

/* Each host's domain and whether a pool names it, once, for synthesis. */
static void
link_hosts(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct cfg_domain *d = config_zone_of(cfg, cfg->hosts[i].name);
		cfg->hosts[i].zone = d ? (int)(d - cfg->domains) : -1;
	}
	for (size_t d = 0; d < cfg->ndomains; d++)
		for (size_t t = 0; t < cfg->domains[d].pool.n; t++) {
			const struct cfg_host *h = config_host(cfg,
			    cfg->domains[d].pool.v[t].name);
			if (h != NULL)
				cfg->hosts[h - cfg->hosts].pool = true;
		}
}

static void
validate(struct ctx *ctx)
{
	const struct config	*cfg = ctx->cfg;
	size_t			 i, j;

	for (i = 0; i < cfg->nviews; i++) {
		const struct cfg_view *v = &cfg->views[i];

		const struct seen *vs = &ctx->vseen[i];

		if (vs->line[KEY_MATCH] == 0 &&
		    vs->line[KEY_MATCH_DESTINATION] == 0)
			diag_warning(ctx, v->line, "view %s has neither match "
			    "nor match_destination: no client will use it",
			    v->name);
		else if (view_shadowed(cfg, i))
			diag_warning(ctx, v->line, "view %s can never match: "
			    "earlier views take every client it matches",
			    v->name);
		if (v->external)
			check_external(ctx, i);
	}
	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain *d = &cfg->domains[i];
		const struct seen *ds = &ctx->dseen[i];

		if (ds->line[KEY_POOL] == 0 && ds->line[KEY_ACCESS_EDGE] == 0)
			diag_error(ctx, d->line, "domain %s has neither pool "
			    "nor access_edge", d->name);
		if (d->federation && ds->line[KEY_ACCESS_EDGE] == 0)
			diag_error(ctx, ds->line[KEY_FEDERATION],
			    "federation = yes needs an access_edge in "
			    "[domain %s]", d->name);
		check_targets(ctx, d, &d->pool);
		check_targets(ctx, d, &d->access_edge);
	}
	for (i = 0; i < cfg->nhosts; i++) {
		const struct cfg_host *h = &cfg->hosts[i];
		const struct seen *hs = &ctx->hseen[i];
		bool has_address = hs->line[KEY_ADDRESS] != 0 ||
		    hs->line[KEY_ADDRESS_VIEW] != 0;

		if (!has_address && h->cname_line == 0)
			diag_error(ctx, h->line, "host %s has neither address "
			    "nor cname", h->name);
		if (has_address && h->cname_line != 0)
			diag_error(ctx, h->cname_line, "host %s has both "
			    "address and cname: a cname excludes other data",
			    h->name);
		for (j = 0; j < h->naddrs; j++) {
			const struct cfg_addr *a = &h->addrs[j];

			if (a->view != NULL && view_find(cfg, a->view) == NULL)
				diag_error(ctx, a->line, "address.%s: no "
				    "[view %s] is defined", a->view, a->view);
		}
		if (h->cname != NULL)
			check_cname(ctx, h);
		if (config_zone_of(cfg, h->name) == NULL)
			diag_warning(ctx, h->line, "host %s is in no "
			    "configured domain and is not served", h->name);
	}
}

struct config *
config_load(const char *path, FILE *diag, unsigned *nwarnings)
{
	struct ctx	 ctx;
	struct config	*cfg;
	int		 rc, saved;

	if (nwarnings != NULL)
		*nwarnings = 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.path = path;
	ctx.diag = diag;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL ||
	    (cfg->path = strdup(path)) == NULL) {
		free(cfg);
		if (diag != NULL)
			fprintf(diag, "%s: out of memory\n", path);
		return NULL;
	}
	ctx.cfg = cfg;
	cfg->ttl = CONFIG_DEFAULT_TTL;
	cfg->negative_ttl = CONFIG_DEFAULT_NEGATIVE_TTL;
	cfg->edns_size = CONFIG_DEFAULT_EDNS_SIZE;
	cfg->tcp_timeout = CONFIG_DEFAULT_TCP_TIMEOUT;
	cfg->tcp_max_clients = CONFIG_DEFAULT_TCP_MAX_CLIENTS;
	cfg->query_log_sample = CONFIG_DEFAULT_QUERY_LOG_SAMPLE;
	cfg->rrl_slip = 2;		/* as NSD and Knot: every other one */
	cfg->rrl_ipv4_prefix = 24;
	cfg->rrl_ipv6_prefix = 56;
	cfg->workers = CONFIG_DEFAULT_WORKERS;

	if ((ctx.fp = fopen(path, "r")) == NULL) {
		saved = errno;
		if (diag != NULL)
			fprintf(diag, "%s: cannot open: %s\n", path,
			    strerror(saved));
		config_free(cfg);
		return NULL;
	}
	rc = ini_parse_stream(line_reader, &ctx, key_handler, &ctx);
	fclose(ctx.fp);
	free(ctx.buf);
	if (ctx.read_errno != 0)
		diag_error(&ctx, 0, "cannot read: %s",
		    strerror(ctx.read_errno));
	else if (rc == -2)
		ctx.oom = true;
	else if (rc != 0 && ctx.nerrors == 0)
		diag_error(&ctx, rc, "syntax error");

	if (!ctx.oom && ctx.read_errno == 0) {
		apply_defaults(&ctx);
		link_hosts(cfg);
		validate(&ctx);
	}
	diag_flush(&ctx);
	free(ctx.vseen);
	free(ctx.dseen);
	free(ctx.hseen);
	if (nwarnings != NULL)
		*nwarnings = ctx.nwarnings;
	if (ctx.nerrors > 0 || ctx.oom) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

static void
targets_free(struct cfg_targets *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
}

void
config_free(struct config *cfg)
{
	size_t	 i, j;

	if (cfg == NULL)
		return;
	free(cfg->path);
	for (i = 0; i < cfg->nlisten; i++)
		free(cfg->listen[i].text);
	free(cfg->listen);
	free(cfg->version);
	free(cfg->identity);
	free(cfg->nsid);
	free(cfg->zones_dir);
	free(cfg->user);
	free(cfg->chroot_dir);
	free(cfg->allow_transfer);
	for (i = 0; i < cfg->nnotify; i++)
		free(cfg->notify[i].text);
	free(cfg->notify);
	free(cfg->metrics.text);
	for (i = 0; i < cfg->nviews; i++) {
		free(cfg->views[i].name);
		free(cfg->views[i].match);
		free(cfg->views[i].match_destination);
		free(cfg->views[i].allow_transfer);
	}
	free(cfg->views);
	for (i = 0; i < cfg->ndomains; i++) {
		struct cfg_domain *d = &cfg->domains[i];

		free(d->name);
		targets_free(&d->pool);
		targets_free(&d->access_edge);
		for (j = 0; j < d->nns; j++)
			free(d->ns[j]);
		free(d->ns);
		free(d->hostmaster);
	}
	free(cfg->domains);
	for (i = 0; i < cfg->nhosts; i++) {
		struct cfg_host *h = &cfg->hosts[i];

		free(h->name);
		for (j = 0; j < h->naddrs; j++)
			free(h->addrs[j].view);
		free(h->addrs);
		free(h->cname);
	}
	free(cfg->hosts);
	free(cfg->domain_index.slot);
	free(cfg->host_index.slot);
	free(cfg);
}
