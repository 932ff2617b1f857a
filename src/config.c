/* config.c -- the INI file: load and free, the inih shim, section headers. */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <ini.h>

#include "arena.h"
#include "config_int.h"
#include "config_value.h"
#include "log.h"
#include "par.h"
#include "lookup/lookup_util.h"

/*
 * inih gives the handler neither the line number nor (in full) the section
 * name: its section buffer is 50 bytes, too short for a host name. So our
 * reader sees every line first: it counts lines, rejects the lines inih
 * would split or misread, handles section headers itself, and passes inih
 * only "key = value" lines, left-trimmed so that inih never takes one for a
 * continuation line. Everything else reaches inih as an empty line, which
 * keeps inih's line count equal to ours.
 */

/* --- section headers ---------------------------------------------------- */

static void
section_view(struct cfg_ctx *ctx, const char *name)
{
	struct config *cfg = ctx->cfg;
	char norm[CONFIG_VIEW_NAME_MAX + 1], why[CONFIG_WHY_LEN];

	if (config_parse_view_name(name, norm, why, sizeof(why)) == -1) {
		config_diag_error(ctx, ctx->line, "invalid view name '%s': %s",
		    name, why);
		return;
	}
	for (size_t i = 0; i < cfg->nviews; i++) {
		if (strcmp(cfg->views[i].name, norm) == 0) {
			config_diag_error(ctx, ctx->line, "duplicate [view %s] "
			    "(first on line %d)", norm, cfg->views[i].line);
			return;
		}
	}
	size_t nseen = cfg->nviews;
	if (config_ctx_append(ctx, &ctx->vseen, &nseen,
	    sizeof(*ctx->vseen)) == NULL)
		return;
	struct cfg_view *v = config_ctx_append(ctx, &cfg->views, &cfg->nviews,
	    sizeof(*v));
	if (v == NULL)
		return;
	v->line = ctx->line;
	config_key_init(CFG_SECT_VIEW, v);
	if ((v->name = config_ctx_strdup(ctx, norm)) == NULL) {
		cfg->nviews--;
		return;
	}
	ctx->cur = cfg->nviews - 1;
	config_seen_start(ctx, &ctx->vseen[ctx->cur]);
	ctx->sect = CFG_SECT_VIEW;
}

/*
 * A later part keeps each name's hash beside it (*v has n, one per item
 * so far), for the join to index it without hashing again. 0, or -1.
 */
static int
keep_hash(struct cfg_ctx *ctx, uint32_t **v, size_t n, uint32_t hash)
{
	uint32_t *hp = config_ctx_append_big(ctx, v, &n, sizeof(*hp));

	if (hp == NULL)
		return -1;
	*hp = hash;
	return 0;
}

/* A [domain] of the name norm, parsed already. */
static void
domain_open(struct cfg_ctx *ctx, const char *norm)
{
	struct config *cfg = ctx->cfg;
	size_t nseen = cfg->ndomains;

	/* Hashed once: looked for, then added (or kept for the join). */
	uint32_t hash = config_index_hash(norm);
	long old = config_index_find_hash(&cfg->domain_index, cfg->domains,
	    sizeof(*cfg->domains), norm, hash);
	if (old >= 0) {
		config_diag_error(ctx, ctx->line, "duplicate [domain %s] "
		    "(first on line %d)", norm, cfg->domains[old].line);
		return;
	}
	if (config_ctx_append_big(ctx, &ctx->dseen, &nseen,
	    sizeof(*ctx->dseen)) == NULL)
		return;
	if (ctx->part && keep_hash(ctx, &ctx->dhash, cfg->ndomains, hash) < 0)
		return;
	struct cfg_domain *d = config_ctx_append_big(ctx, &cfg->domains,
	    &cfg->ndomains, sizeof(*d));
	if (d == NULL)
		return;
	d->line = ctx->line;
	config_key_init(CFG_SECT_DOMAIN, d);
	ctx->strs_on = true;
	if ((d->name = config_ctx_strdup(ctx, norm)) == NULL) {
		cfg->ndomains--;
		return;
	}
	/* A later part's names join the index, checked, in config_read(). */
	if (!ctx->part && config_index_put_hash(&cfg->domain_index,
	    cfg->domains, sizeof(*d), cfg->ndomains - 1, hash, false) == -1)
		ctx->oom = true;
	ctx->cur = cfg->ndomains - 1;
	config_seen_start(ctx, &ctx->dseen[ctx->cur]);
	ctx->sect = CFG_SECT_DOMAIN;
}

/* A [host] of the name norm, parsed already. */
static void
host_open(struct cfg_ctx *ctx, const char *norm)
{
	struct config *cfg = ctx->cfg;
	size_t nseen = cfg->nhosts;

	uint32_t hash = config_index_hash(norm);
	long old = config_index_find_hash(&cfg->host_index, cfg->hosts,
	    sizeof(*cfg->hosts), norm, hash);
	if (old >= 0) {
		config_diag_error(ctx, ctx->line, "duplicate [host %s] "
		    "(first on line %d)", norm, cfg->hosts[old].line);
		return;
	}
	if (config_ctx_append_big(ctx, &ctx->hseen, &nseen,
	    sizeof(*ctx->hseen)) == NULL)
		return;
	if (ctx->part && keep_hash(ctx, &ctx->hhash, cfg->nhosts, hash) < 0)
		return;
	struct cfg_host *h = config_ctx_append_big(ctx, &cfg->hosts,
	    &cfg->nhosts, sizeof(*h));
	if (h == NULL)
		return;
	h->line = ctx->line;
	h->role = h->copy_of = -1;
	ctx->nhost_sections = cfg->nhosts;
	config_key_init(CFG_SECT_HOST, h);
	ctx->strs_on = true;
	if ((h->name = config_ctx_strdup(ctx, norm)) == NULL) {
		cfg->nhosts--;
		return;
	}
	/* A later part's names join the index, checked, in config_read(). */
	if (!ctx->part && config_index_put_hash(&cfg->host_index, cfg->hosts,
	    sizeof(*h), cfg->nhosts - 1, hash, false) == -1)
		ctx->oom = true;
	ctx->cur = cfg->nhosts - 1;
	config_seen_start(ctx, &ctx->hseen[ctx->cur]);
	ctx->sect = CFG_SECT_HOST;
}

/* A [host] (host) or [domain] of the name norm, parsed already. */
static void
named_open(struct cfg_ctx *ctx, const char *norm, bool host)
{
	if (host)
		host_open(ctx, norm);
	else
		domain_open(ctx, norm);
}

/* A [host] (host) or [domain] NAME: the name parsed, then opened. */
static void
section_named(struct cfg_ctx *ctx, const char *name, bool host)
{
	char norm[CONFIG_NAME_MAX + 1], why[CONFIG_WHY_LEN];

	if (config_parse_name(name, norm, why, sizeof(why)) == -1) {
		config_diag_error(ctx, ctx->line, "invalid %s name '%s': %s",
		    host ? "host" : "domain", name, why);
		return;
	}
	named_open(ctx, norm, host);
}

/*
 * The section header nearest to kind ("pol": [pool NAME]), as lookup_near()
 * judges a typo; 0, or -1 when none is close.
 */
static int
section_suggest(const char *kind, char *out, size_t outsz)
{
	static const char *const fixed[][2] = {
		{ "server", "" }, { "view", " NAME" }, { "domain", " NAME" },
		{ "host", " FQDN" }, { "key", " NAME" },
	};
	int best = LOOKUP_NEAR_MAX + 1;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		int d = lookup_near(kind, fixed[i][0]);
		if (d >= 0 && d < best) {
			best = d;
			snprintf(out, outsz, "[%s%s]", fixed[i][0],
			    fixed[i][1]);
		}
	}
	for (size_t i = 0; i < OCS_NKINDS; i++) {
		int d = lookup_near(kind, ocs_roles[i].section);
		if (d >= 0 && d < best) {
			best = d;
			snprintf(out, outsz, "[%s NAME]", ocs_roles[i].section);
		}
	}
	return best <= LOOKUP_NEAR_MAX ? 0 : -1;
}

/* p points at '['; the header may end in an inline comment. */
static void
section_header(struct cfg_ctx *ctx, char *p)
{
	ctx->sect = CFG_SECT_IGNORE;
	ctx->seen = &ctx->ignore_seen;
	ctx->strs_on = false;
	char *end = strchr(p, ']');
	if (end == NULL) {
		config_diag_error(ctx, ctx->line, "missing ']' in section "
		    "header");
		return;
	}
	*end = '\0';
	char *rest = config_trim(end + 1);
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		config_diag_error(ctx, ctx->line, "unexpected text after ']': "
		    "'%s'", rest);
		return;
	}
	char *kind = config_trim(p + 1), *name;
	for (name = kind; *name != '\0' &&
	    !config_isspace((unsigned char)*name); name++)
		;
	if (*name != '\0')
		*name++ = '\0';
	name = config_trim(name);
	if (strcasecmp(kind, "server") == 0) {
		if (*name != '\0') {
			config_diag_error(ctx, ctx->line, "[server] takes no "
			    "name");
			return;
		}
		if (ctx->server_line != 0) {
			config_diag_error(ctx, ctx->line, "duplicate [server] "
			    "(first on line %d)", ctx->server_line);
			return;
		}
		ctx->server_line = ctx->line;
		config_seen_start(ctx, &ctx->server_seen);
		ctx->sect = CFG_SECT_SERVER;
		return;
	}
	/*
	 * The kind compared once, the common ones first: a role's name was
	 * looked for among the roles before every [host] and [domain].
	 */
	enum { K_HOST, K_DOMAIN, K_VIEW, K_KEY, K_ROLE, K_NONE } k;
	const struct ocs_role_def *role = NULL;
	if (strcasecmp(kind, "host") == 0)
		k = K_HOST;
	else if (strcasecmp(kind, "domain") == 0)
		k = K_DOMAIN;
	else if (strcasecmp(kind, "view") == 0)
		k = K_VIEW;
	else if (strcasecmp(kind, "key") == 0)
		k = K_KEY;
	else
		k = (role = ocs_role_by_section(kind)) != NULL ? K_ROLE : K_NONE;
	if (k == K_NONE) {
		char near[64];

		if (section_suggest(kind, near, sizeof(near)) == 0) {
			config_diag_error(ctx, ctx->line, "unknown section "
			    "[%s%s%s]: did you mean %s?", kind,
			    *name != '\0' ? " " : "", name, near);
			return;
		}
		config_diag_error(ctx, ctx->line, "unknown section [%s%s%s]: "
		    "expected [server], [view NAME], [domain NAME], "
		    "[host FQDN], [key NAME] or a server role ([pool NAME], [director "
		    "NAME], [edge NAME], [reverse_proxy NAME], [cwa NAME], "
		    "[mediation NAME], [archiving NAME])", kind,
		    *name != '\0' ? " " : "", name);
		return;
	}
	if (*name == '\0') {
		config_diag_error(ctx, ctx->line, "[%s] needs a name", kind);
		return;
	}
	if (strpbrk(name, " \t") != NULL) {
		config_diag_error(ctx, ctx->line, "unexpected space in section "
		    "name '%s'", name);
		return;
	}
	switch (k) {
	case K_ROLE:
		config_roles_section(ctx, role, name);
		break;
	case K_VIEW:
		section_view(ctx, name);
		break;
	case K_DOMAIN:
		section_named(ctx, name, false);
		break;
	case K_KEY:
		config_tsig_section(ctx, name);
		break;
	default:
		section_named(ctx, name, true);
		break;
	}
}

/*
 * "[host NAME]" and "[domain NAME]", a space between, nothing around, and
 * NAME a good name: most of a large file's lines after its blank ones. A
 * good name has no space and no ']', so section_header() would cut such a
 * header to the same NAME: it is opened straight, without the trims,
 * strcasecmp()s and strpbrk() of the long way, which every other header
 * (false) takes, a bad name too, for its message. eol is where the line
 * ends.
 */
static bool
section_quick(struct cfg_ctx *ctx, char *p, char *eol)
{
	char norm[CONFIG_NAME_MAX + 1];
	size_t len = (size_t)(eol - p);
	char *name;
	bool host;

	if (len > 6 && memcmp(p, "[host ", 6) == 0) {
		name = p + 6;
		host = true;
	} else if (len > 8 && memcmp(p, "[domain ", 8) == 0) {
		name = p + 8;
		host = false;
	} else
		return false;
	if (eol[-1] != ']')
		return false;
	eol[-1] = '\0';
	if (config_parse_name(name, norm, NULL, 0) == -1) {
		eol[-1] = ']';
		return false;
	}
	ctx->sect = CFG_SECT_IGNORE;
	ctx->seen = &ctx->ignore_seen;
	ctx->strs_on = false;
	named_open(ctx, norm, host);
	return true;
}

/* --- the inih shim ------------------------------------------------------ */

/* The struct that the current section's keys go to. */
static void *
section_object(struct cfg_ctx *ctx)
{
	switch (ctx->sect) {
	case CFG_SECT_VIEW:
		return &ctx->cfg->views[ctx->cur];
	case CFG_SECT_DOMAIN:
		return &ctx->cfg->domains[ctx->cur];
	case CFG_SECT_HOST:
		return &ctx->cfg->hosts[ctx->cur];
	case CFG_SECT_KEY:
		return &ctx->cfg->keys[ctx->cur];
	case CFG_SECT_SERVER:
	case CFG_SECT_NONE:
	case CFG_SECT_IGNORE:
		return ctx->cfg;
	default:
		return &ctx->cfg->roles[ctx->cur];
	}
}

static int
key_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct cfg_ctx *ctx = user;
	struct cfg_keyref ref;
	char view[CONFIG_VIEW_NAME_MAX + 1], why[CONFIG_WHY_LEN];

	(void)section;			/* ours is in ctx: see above */
	switch (ctx->sect) {
	case CFG_SECT_NONE:
		config_diag_error(ctx, ctx->line, "'%s' is outside any "
		    "section: put it under [server], [view NAME], "
		    "[domain NAME] or [host FQDN]", name);
		return 1;
	case CFG_SECT_IGNORE:
		return 1;
	default:
		break;
	}
	if (*name == '\0') {
		config_diag_error(ctx, ctx->line, "missing key name before '='");
		return 1;
	}
	if (config_key_find(ctx->sect, name, &ref) == -1) {
		char near[CONFIG_NAME_MAX + 2];

		if (config_key_suggest(ctx->sect, name, near,
		    sizeof(near)) == 0)
			config_diag_error(ctx, ctx->line, "unknown key '%s' in "
			    "[%s]: did you mean %s?", name,
			    config_sect_name(ctx->sect), near);
		else
			config_diag_error(ctx, ctx->line, "unknown key '%s' in "
			    "[%s]", name, config_sect_name(ctx->sect));
		return 1;
	}
	/* NAME.VIEW: the view is checked first, and the key stored folded. */
	if (ref.def->prefix && ref.def->type != CFG_T_MEMBER) {
		if (config_parse_view_name(ref.suffix, view, why,
		    sizeof(why)) == -1) {
			config_diag_error(ctx, ctx->line, "%s: invalid view "
			    "name '%s': %s", name, ref.suffix, why);
			return 1;
		}
		ref.suffix = view;
	}
	int seen = config_seen_line(ctx, ctx->seen, ref.slot);
	if (seen != 0 && !ref.def->repeat) {
		config_diag_error(ctx, ctx->line, "%s repeated (first set on "
		    "line %d)", name, seen);
		return 1;
	}
	if (seen == 0) {
		/* The current section's run is the last: it grows in place. */
		struct cfg_seen_ent *e = config_ctx_append_big(ctx,
		    &ctx->seen_ent, &ctx->nseen_ent, sizeof(*e));
		if (e == NULL)
			return 0;
		e->slot = (uint16_t)ref.slot;
		e->line = ctx->line;
		ctx->seen->n++;
	}
	if (*value == '\0' && !ref.def->empty_ok) {
		config_diag_error(ctx, ctx->line, "%s: empty value", name);
		return 1;
	}
	config_key_set(ctx, &ref, name, value, section_object(ctx));
	return 1;
}

/* Where "key = value" ends its key: '=' or ':' before any inline comment. */
static bool
has_separator(const char *p)
{
	bool space = false;

	for (; *p != '\0'; p++) {
		if (*p == '=' || *p == ':')
			return true;
		if (*p == ';' && space)
			return false;
		space = config_isspace((unsigned char)*p);
	}
	return false;
}

/* What inih gets for a line it is to skip: an empty one. */
static char *
blank_line(char *str)
{
	str[0] = '\n';
	str[1] = '\0';
	return str;
}

/*
 * The line is looked at where it lies in the file and copied once, into
 * inih's own buffer: it was copied to ours first, then trimmed and copied
 * again (with a strlen()) for inih.
 */
static char *
line_reader(char *str, int num, void *stream)
{
	struct cfg_ctx *ctx = stream;

	if (ctx->oom || ctx->src >= ctx->src_end)
		return NULL;
	/* As getline() did: up to a '\n', which may be missing at the end. */
	const char *s = ctx->src;
	const char *nl = memchr(s, '\n', (size_t)(ctx->src_end - s));
	size_t len = (nl != NULL ? (size_t)(nl - s) + 1 :
	    (size_t)(ctx->src_end - s));
	ctx->src += len;
	ctx->line++;
	/* The '\n' is the line's only one: before it only '\r's are cut. */
	if (nl != NULL)
		len--;
	while (len > 0 && s[len - 1] == '\r')
		len--;
	if (len == 0)
		return blank_line(str);
	if (ctx->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		len -= 3;
	}
	if (ctx->has_nul && memchr(s, '\0', len) != NULL) {
		config_diag_error(ctx, ctx->line, "NUL character in line");
		return blank_line(str);
	}
	/* inih needs room for "\r\n\0" after the longest line. */
	size_t max = num > 3 ? (size_t)num - 3 : 0;
	if (len > max) {
		config_diag_error(ctx, ctx->line, "line too long (more than %zu "
		    "characters)", max);
		while (len > 0 && config_isspace((unsigned char)*s)) {
			s++;
			len--;
		}
		if (len > 0 && *s == '[') {
			ctx->sect = CFG_SECT_IGNORE;
			ctx->seen = &ctx->ignore_seen;
		}
		return blank_line(str);
	}
	/* The header's handling may cut it: inih gets an empty line after. */
	memcpy(str, s, len);
	str[len] = '\0';
	char *p = str;
	while (config_isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == ';' || *p == '#')
		return blank_line(str);
	if (*p == '[') {
		if (!section_quick(ctx, p, str + len))
			section_header(ctx, p);
		return blank_line(str);
	}
	if (!has_separator(p)) {
		config_diag_error(ctx, ctx->line, "expected 'key = value' or a "
		    "[section] header");
		return blank_line(str);
	}
	len -= (size_t)(p - str);
	if (p != str)
		memmove(str, p, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

int
config_parse_range(struct cfg_ctx *ctx)
{
	int rc = ini_parse_stream(line_reader, ctx, key_handler, ctx);

	if (rc == -2)
		ctx->oom = true;
	return rc;
}

/* --- load and free ------------------------------------------------------ */

/*
 * A large file is read in parts side by side, each its range with
 * pread(): the copy is what costs, into pages faulted in as it goes (at
 * 1,000,000 domains, 290 MB, most of a second on one CPU). Each part asks
 * for its pages first (MADV_POPULATE_WRITE: one call, not a fault a page).
 */
#define SLURP_PAR_MIN	(4u << 20)

struct slurp_job {
	int		 fd;
	char		*buf;
	size_t		 len;		/* what fstat() said */
	int		 err[PAR_THREADS_MAX];
	bool		 short_read[PAR_THREADS_MAX];
};

static void
slurp_part(void *arg, size_t k, size_t nparts)
{
	struct slurp_job *j = arg;
	size_t from, to;

	par_range(j->len, k, nparts, &from, &to);
#ifdef MADV_POPULATE_WRITE
	const uintptr_t page = 4096;
	uintptr_t a = ((uintptr_t)j->buf + from + page - 1) & ~(page - 1);
	uintptr_t b = ((uintptr_t)j->buf + to) & ~(page - 1);
	if (a < b)	/* a hint: an older kernel faults them in as written */
		(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#endif
	while (from < to) {
		ssize_t r = pread(j->fd, j->buf + from, to - from, (off_t)from);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			j->err[k] = errno != 0 ? errno : EIO;
			return;
		}
		if (r == 0) {		/* shorter than it was */
			j->short_read[k] = true;
			return;
		}
		from += (size_t)r;
	}
}

/*
 * The regular file of len bytes in parts: true when every part read its
 * range and nothing follows (else the caller reads it again, in one go).
 */
static bool
slurp_parts(int fd, char *buf, size_t len, size_t nparts)
{
	struct slurp_job j = { .fd = fd, .buf = buf, .len = len };
	char more;

	par_run(nparts, slurp_part, &j);
	for (size_t k = 0; k < nparts; k++)
		if (j.err[k] != 0 || j.short_read[k])
			return false;
	/* Grown meanwhile: read again, as one read() would have. */
	return pread(fd, &more, 1, (off_t)len) == 0 &&
	    lseek(fd, (off_t)len, SEEK_SET) != (off_t)-1;
}

char *
config_slurp(int fd, size_t *len, int *err, size_t *nparts_used,
    size_t *mapped)
{
	struct stat st;
	size_t cap = 1 << 16, n = 0;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	size_t nparts = cap > SLURP_PAR_MIN ? par_parts(cap, 1) : 1;
	if (nparts_used != NULL)
		*nparts_used = 1;
	*mapped = 0;
	/*
	 * Read in parts, mapped: once parsed, its pages go to the arenas of
	 * the build that follows (arena_donate()), not back to the kernel.
	 */
	if (nparts > 1) {
		size_t mlen = (cap + 4095) & ~(size_t)4095;
		void *m = mmap(NULL, mlen, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED && slurp_parts(fd, m, cap - 1, nparts)) {
			*len = cap - 1;
			*mapped = mlen;
			if (nparts_used != NULL)
				*nparts_used = nparts;
			return m;
		}
		if (m != MAP_FAILED)
			(void)munmap(m, mlen);
		if (lseek(fd, 0, SEEK_SET) == (off_t)-1) {
			*err = errno != 0 ? errno : EIO;
			return NULL;
		}
	}
	char *buf = malloc(cap);
	if (buf == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *b = realloc(buf, cap * 2);
			if (b == NULL) {
				free(buf);
				return NULL;
			}
			buf = b;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r == 0)
			break;
		if (r == -1) {
			if (errno == EINTR)
				continue;
			*err = errno != 0 ? errno : EIO;
			free(buf);
			return NULL;
		}
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

/*
 * The arrays grew by doubling while the file was read: at 10,000 domains
 * about a third of their bytes were never used. Once checked, nothing
 * holds a pointer into them yet, so each shrinks to what it holds.
 */
static void
config_fit(struct config *cfg)
{
	config_ctx_fit(&cfg->views, cfg->nviews, sizeof(*cfg->views));
	config_ctx_fit_big(&cfg->domains, cfg->ndomains, sizeof(*cfg->domains));
	config_ctx_fit_big(&cfg->hosts, cfg->nhosts, sizeof(*cfg->hosts));
	config_ctx_fit(&cfg->roles, cfg->nroles, sizeof(*cfg->roles));
	config_ctx_fit(&cfg->keys, cfg->nkeys, sizeof(*cfg->keys));
	/* The small lists in cfg->strs stay as they are: no realloc() there. */
	const struct cfg_strs *st = cfg->strs;
	for (size_t i = 0; i < cfg->nhosts; i++)
		if (!config_str_in(st, cfg->hosts[i].addrs))
			config_ctx_fit(&cfg->hosts[i].addrs,
			    cfg->hosts[i].naddrs, sizeof(*cfg->hosts[i].addrs));
	for (size_t i = 0; i < cfg->ndomains; i++) {
		struct cfg_domain *d = &cfg->domains[i];
		if (!config_str_in(st, d->pool.v))
			config_ctx_fit(&d->pool.v, d->pool.n,
			    sizeof(*d->pool.v));
		if (!config_str_in(st, d->access_edge.v))
			config_ctx_fit(&d->access_edge.v, d->access_edge.n,
			    sizeof(*d->access_edge.v));
		if (!config_str_in(st, d->ns))
			config_ctx_fit(&d->ns, d->nns, sizeof(*d->ns));
	}
}

/* A configuration of the server's defaults, ctx set to fill it; NULL: out of memory. */
static struct config *
config_begin(struct cfg_ctx *ctx, const char *path, FILE *diag)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->path = path;
	ctx->diag = diag;
	struct config *cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL || (cfg->path = strdup(path)) == NULL) {
		free(cfg);
		if (diag != NULL)
			fprintf(diag, "%s: out of memory\n", path);
		return NULL;
	}
	ctx->cfg = cfg;
	config_key_init(CFG_SECT_SERVER, cfg);
	return cfg;
}

struct config *
config_load(const char *path, FILE *diag, unsigned *nwarnings)
{
	struct cfg_ctx ctx;
	struct timespec t0;
	double parse_ms = 0;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);

	if (nwarnings != NULL)
		*nwarnings = 0;
	struct config *cfg = config_begin(&ctx, path, diag);
	if (cfg == NULL)
		return NULL;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		int saved = errno;
		if (diag != NULL)
			fprintf(diag, "%s: cannot open: %s\n", path,
			    strerror(saved));
		config_free(cfg);
		return NULL;
	}
	size_t len = 0;
	size_t mapped = 0;
	char *src = config_slurp(fd, &len, &ctx.read_errno, NULL, &mapped);
	close(fd);
	ctx.strs = cfg->strs = config_strs_new(len);
	if (src == NULL && ctx.read_errno == 0)
		ctx.oom = true;
	else if (ctx.read_errno != 0)
		config_diag_error(&ctx, 0, "cannot read: %s",
		    strerror(ctx.read_errno));
	else
		config_read(&ctx, src, len);
	if (ctx.redo) {
		/*
		 * A name twice in a file read in halves: read again in one
		 * pass, whose messages (and what follows the second one) are
		 * those of every other file; what the halves said is dropped.
		 */
		ctx.diag = NULL;
		config_diag_flush(&ctx);
		config_ctx_free_seen(&ctx);
		config_free(cfg);
		if ((cfg = config_begin(&ctx, path, diag)) == NULL) {
			if (mapped > 0)
				(void)munmap(src, mapped);
			else
				free(src);
			return NULL;
		}
		ctx.strs = cfg->strs = config_strs_new(len);
		ctx.one_pass = true;
		config_read(&ctx, src, len);
	}
	/* The build's arenas take a large file's pages; a refused one's go. */
	if (mapped > 0)
		(void)arena_donate(src, mapped);
	else
		free(src);

	parse_ms = log_lap_ms(&t0);
	ctx.strs_on = false;
	if (!ctx.oom && ctx.read_errno == 0) {
		config_roles_expand(&ctx);
		config_check_defaults(&ctx);
		config_check_link(cfg);
		config_check_validate(&ctx);
		config_tsig_check(&ctx);
	}
	config_diag_flush(&ctx);
	config_ctx_free_seen(&ctx);
	if (nwarnings != NULL)
		*nwarnings = ctx.nwarnings;
	if (ctx.nerrors > 0 || ctx.oom) {
		config_free(cfg);
		(void)arena_pool_drain(NULL);	/* no build follows to take them */
		return NULL;
	}
	config_fit(cfg);
	/* -v: where a large start-up's time goes, phase by phase. */
	log_debug("%s: read in %.0f ms%s, checked in %.0f ms: %zu domains, "
	    "%zu hosts", path, parse_ms, ctx.joined ? " (2 threads)" : "",
	    log_lap_ms(&t0), cfg->ndomains, cfg->nhosts);
	return cfg;
}

static void
targets_free(const struct cfg_strs *st, struct cfg_targets *t)
{
	for (size_t i = 0; i < t->n; i++)
		config_str_free(st, t->v[i].name);
	config_str_free(st, t->v);
}

/*
 * Once a snapshot is built and checked, nothing reads the domains, hosts and
 * roles again (a reload loads the file anew): the running daemon keeps
 * only the server-wide keys, the views and the [key]s it serves with.
 */
void
config_shed_items(struct config *cfg, bool donate)
{
	const struct cfg_strs *st = cfg->strs;

	for (size_t i = 0; i < cfg->ndomains; i++) {
		struct cfg_domain *d = &cfg->domains[i];

		config_str_free(st, d->name);
		targets_free(st, &d->pool);
		targets_free(st, &d->access_edge);
		for (size_t j = 0; j < d->nns; j++)
			config_str_free(st, d->ns[j]);
		config_str_free(st, d->ns);
		config_str_free(st, d->hostmaster);
		config_str_free(st, d->pool_role);
		config_str_free(st, d->director);
		config_str_free(st, d->edge);
		config_str_free(st, d->pool_name);
		config_str_free(st, d->director_name);
		config_str_free(st, d->edge_name);
	}
	if (donate)
		arena_array_donate(cfg->domains,
		    cfg->ndomains * sizeof(*cfg->domains));
	else
		arena_array_free(cfg->domains);
	config_roles_free(cfg);
	for (size_t i = 0; i < cfg->nhosts; i++) {
		struct cfg_host *h = &cfg->hosts[i];

		config_str_free(st, h->name);
		for (size_t j = 0; j < h->naddrs; j++)
			config_str_free(st, h->addrs[j].view);
		config_str_free(st, h->addrs);
		config_str_free(st, h->cname);
	}
	if (donate)
		arena_array_donate(cfg->hosts,
		    cfg->nhosts * sizeof(*cfg->hosts));
	else
		arena_array_free(cfg->hosts);
	config_index_free(&cfg->domain_index, donate);
	config_index_free(&cfg->host_index, donate);
	cfg->domains = NULL;
	cfg->ndomains = 0;
	cfg->hosts = NULL;
	cfg->nhosts = 0;
	cfg->roles = NULL;
	cfg->nroles = 0;
}

/* The region last: config_str_free() above looked at it. */
void
config_shed(struct config *cfg)
{
	config_shed_items(cfg, false);
	config_strs_free(cfg->strs);
	cfg->strs = NULL;
}

size_t
config_shed_donate(struct config *cfg)
{
	config_shed_items(cfg, true);
	size_t n = config_strs_donate(cfg->strs);
	cfg->strs = NULL;
	return n;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->path);
	config_tsig_free(cfg);
	for (size_t i = 0; i < cfg->nlisten; i++)
		free(cfg->listen[i].text);
	free(cfg->listen);
	free(cfg->version);
	free(cfg->identity);
	free(cfg->nsid);
	free(cfg->zones_dir);
	free(cfg->user);
	free(cfg->chroot_dir);
	free(cfg->state_dir);
	free(cfg->allow_transfer);
	free(cfg->reverse_zones);
	for (size_t i = 0; i < cfg->nnotify; i++)
		free(cfg->notify[i].text);
	free(cfg->notify);
	free(cfg->metrics.text);
	for (size_t i = 0; i < cfg->nviews; i++) {
		free(cfg->views[i].name);
		free(cfg->views[i].match);
		free(cfg->views[i].match_destination);
		free(cfg->views[i].allow_transfer);
	}
	free(cfg->views);
	config_shed(cfg);
	free(cfg);
}
