/* zonefile.c -- load *.zone master files with ldns and merge them into the views. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "synth.h"
#include "zonefile.h"

static void __attribute__((format(printf, 2, 3)))
say(FILE *diag, const char *fmt, ...)
{
	va_list ap;

	if (diag == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(diag, fmt, ap);
	va_end(ap);
	fputc('\n', diag);
}

static ldns_rdf *
dname(const char *name)
{
	char buf[PATH_MAX + 2];

	snprintf(buf, sizeof(buf), "%s.", name);
	return ldns_dname_new_frm_str(buf);
}

/* Text of a dname without the trailing dot, lower case; caller frees. */
static char *
dname_text(const ldns_rdf *rdf)
{
	char *s = ldns_rdf2str(rdf);

	if (s == NULL)
		return NULL;
	size_t len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[len - 1] = '\0';
	for (char *p = s; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	return s;
}

static bool
at_or_below(const ldns_rdf *name, const ldns_rdf *origin)
{
	return ldns_dname_compare(name, origin) == 0 ||
	    ldns_dname_is_subdomain(name, origin);
}

/*
 * Why RR's wire form is no record a client can read, or NULL. The text
 * parser accepts data that the wire parser does not (a NAPTR whose regexp
 * field ran into the replacement: "SIP+D2T"NCLUDE280 \# 4 deadbeef), and
 * every answer carrying such a record would be rejected whole ("Got bad
 * packet"). So each record goes to wire and back and must come back the
 * same.
 */
static const char *
wire_problem(const ldns_rr *rr)
{
	uint8_t *wire = NULL, *again = NULL;
	size_t len = 0, alen = 0, pos = 0;
	ldns_rr *back = NULL;
	const char *why = NULL;

	if (ldns_rr2wire(&wire, rr, LDNS_SECTION_ANSWER, &len) != LDNS_STATUS_OK)
		why = "the record has no wire form";
	else if (ldns_wire2rr(&back, wire, len, &pos, LDNS_SECTION_ANSWER) !=
	    LDNS_STATUS_OK)
		why = "the record's wire form does not parse: clients "
		    "would reject every answer that carries it";
	else if (pos != len || ldns_rr2wire(&again, back, LDNS_SECTION_ANSWER,
	    &alen) != LDNS_STATUS_OK || alen != len ||
	    memcmp(again, wire, len) != 0)
		why = "the record's wire form parses as a different record";
	free(wire);
	free(again);
	if (back != NULL)
		ldns_rr_free(back);
	return why;
}

/* The checks that need nothing but the file: -1 after saying why. */
static int
check_rr(const ldns_rr *rr, const ldns_rdf *origin, const char *path, int line,
    FILE *diag)
{
	const ldns_rdf *owner = ldns_rr_owner(rr);
	ldns_rr_type type = ldns_rr_get_type(rr);
	char *o = ldns_rdf2str(owner), *z = ldns_rdf2str(origin);
	const char *why = NULL;
	char buf[600];

	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
		why = "only class IN is served";
	else if ((unsigned)type > UINT16_MAX || type == 0 ||
	    type == LDNS_RR_TYPE_OPT || ((unsigned)type >= 128 && type <= 255))
		/* ldns takes any number after "TYPE": 65536 and up too. */
		why = "not a type of data (RFC 6895)";
	else if (!at_or_below(owner, origin)) {
		snprintf(buf, sizeof(buf), "%s is outside the zone's origin %s",
		    o ? o : "?", z ? z : "?");
		why = buf;
	} else if (ldns_dname_is_wildcard(owner) && type == LDNS_RR_TYPE_NS)
		/* RFC 4592 section 4.2: a wildcard delegation helps nobody. */
		why = "NS at a wildcard name is not supported";
	else if (type == LDNS_RR_TYPE_DNAME)
		why = "DNAME is not supported: use a CNAME per name";
	else if (type == LDNS_RR_TYPE_SOA && ldns_dname_compare(owner, origin) != 0)
		why = "a SOA record belongs at the origin only";
	else if (ldns_rr_rd_count(rr) <
	    ldns_rr_descriptor_minimum(ldns_rr_descript(type)))
		/*
		 * The generic form (RFC 3597: "\# LEN HEX") lets the data
		 * stop after any field; the rest of the server relies on
		 * every field of a known type being there.
		 */
		why = "the record's data is incomplete for its type";
	else
		why = wire_problem(rr);
	if (why != NULL)
		say(diag, "%s:%d: %s", path, line, why);
	free(o);
	free(z);
	return why ? -1 : 0;
}

static int
load_file(const char *path, const char *name, const char *view,
    uint32_t default_ttl, struct zonefiles *out, FILE *diag)
{
	size_t cap = 0;
	char origin_text[PATH_MAX];
	ldns_rdf *prev = NULL;
	uint32_t ttl = default_ttl;
	int line = 0, errors = 0;

	/* "contoso.com.zone" holds contoso.com. */
	snprintf(origin_text, sizeof(origin_text), "%.*s",
	    (int)(strlen(name) - strlen(".zone")), name);
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		say(diag, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	ldns_rdf *origin = dname(origin_text);
	if (origin == NULL) {
		say(diag, "%s: the file name does not make a zone name", path);
		fclose(fp);
		return -1;
	}
	struct zonefile *v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (v == NULL) {
		ldns_rdf_deep_free(origin);
		fclose(fp);
		return -1;
	}
	out->v = v;
	struct zonefile *zf = &out->v[out->n++];
	memset(zf, 0, sizeof(*zf));
	zf->path = strdup(path);
	zf->origin = dname_text(origin);
	zf->view = view ? strdup(view) : NULL;

	/* The origin given to ldns changes with $ORIGIN; the zone's does not. */
	ldns_rdf *cur = ldns_rdf_clone(origin);
	while (!feof(fp)) {
		ldns_rr *rr = NULL;
		ldns_status st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &cur, &prev, &line);

		switch (st) {
		case LDNS_STATUS_OK:
			break;
		case LDNS_STATUS_SYNTAX_EMPTY:
		case LDNS_STATUS_SYNTAX_TTL:
		case LDNS_STATUS_SYNTAX_ORIGIN:
			continue;
		case LDNS_STATUS_SYNTAX_INCLUDE:
			say(diag, "%s:%d: $INCLUDE is not supported", path, line);
			errors++;
			continue;
		default:
			say(diag, "%s:%d: %s", path, line, ldns_get_errorstr_by_id(st));
			errors++;
			continue;
		}
		if (check_rr(rr, origin, path, line, diag) < 0) {
			ldns_rr_free(rr);
			errors++;
			continue;
		}
		if (zf->nrrs == cap) {
			cap = cap ? cap * 2 : 64;
			struct zonefile_rr *r = realloc(zf->rrs,
			    cap * sizeof(*r));
			if (r == NULL) {
				ldns_rr_free(rr);
				errors++;
				break;
			}
			zf->rrs = r;
		}
		zf->rrs[zf->nrrs].rr = rr;
		zf->rrs[zf->nrrs++].line = line;
	}
	ldns_rdf_deep_free(cur);
	ldns_rdf_deep_free(prev);
	ldns_rdf_deep_free(origin);
	fclose(fp);
	if (zf->path == NULL || zf->origin == NULL || (view && zf->view == NULL))
		errors++;
	return errors ? -1 : 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls > lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Loads DIR's *.zone files in name order; subdirectories named after a view too. */
static int
load_dir(const struct config *cfg, const char *dir, const char *view,
    struct zonefiles *out, FILE *diag)
{
	struct dirent **ents;
	int n, errors = 0;

	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0) {
		say(diag, "%s: cannot read the zones directory: %s", dir,
		    strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;
		const char *name = ents[i]->d_name;

		if (name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
		    stat(path, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode) && has_suffix(name, ".zone")) {
			if (load_file(path, name, view, cfg->ttl, out, diag) < 0)
				errors++;
		} else if (S_ISDIR(st.st_mode) && view == NULL) {
			size_t v;
			for (v = 0; v < cfg->nviews; v++)
				if (strcmp(cfg->views[v].name, name) == 0)
					break;
			if (v == cfg->nviews)
				say(diag, "%s: warning: no [view %s]: its zone "
				    "files are not loaded", path, name);
			else if (load_dir(cfg, path, name, out, diag) < 0)
				errors++;
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return errors ? -1 : 0;
}

int
zonefiles_load(const struct config *cfg, struct zonefiles *out, FILE *diag)
{
	char dir[PATH_MAX], base[PATH_MAX];

	memset(out, 0, sizeof(*out));
	if (cfg->zones_dir == NULL)
		return 0;
	if (cfg->zones_dir[0] == '/')
		snprintf(dir, sizeof(dir), "%s", cfg->zones_dir);
	else {
		/* Relative to the configuration file, wherever we run from. */
		snprintf(base, sizeof(base), "%s", cfg->path);
		snprintf(dir, sizeof(dir), "%s/%s", dirname(base), cfg->zones_dir);
	}
	int rc = load_dir(cfg, dir, NULL, out, diag);

	/* One file per origin in each scope. */
	for (size_t i = 0; i < out->n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(out->v[i].origin, out->v[j].origin) == 0 &&
			    (out->v[i].view == NULL) == (out->v[j].view == NULL) &&
			    (out->v[i].view == NULL ||
			    strcmp(out->v[i].view, out->v[j].view) == 0)) {
				say(diag, "%s: zone %s is already loaded from %s",
				    out->v[i].path, out->v[i].origin, out->v[j].path);
				rc = -1;
			}
	return rc;
}

void
zonefiles_clear(struct zonefiles *zf)
{
	for (size_t i = 0; i < zf->n; i++) {
		for (size_t j = 0; j < zf->v[i].nrrs; j++)
			ldns_rr_free(zf->v[i].rrs[j].rr);
		free(zf->v[i].rrs);
		free(zf->v[i].path);
		free(zf->v[i].origin);
		free(zf->v[i].view);
	}
	free(zf->v);
	memset(zf, 0, sizeof(*zf));
}

void
zonefile_msgs_clear(struct zonefile_msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* Prints a message unless an earlier view printed it already. */
static void __attribute__((format(printf, 3, 4)))
say_once(struct zonefile_msgs *m, FILE *diag, const char *fmt, ...)
{
	char buf[1200], **v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i], buf) == 0)
			return;
	if ((v = realloc(m->v, (m->n + 1) * sizeof(*v))) != NULL) {
		m->v = v;
		if ((m->v[m->n] = strdup(buf)) != NULL)
			m->n++;
	}
	say(diag, "%s", buf);
}

/* A record of the merged zone and where it came from (path NULL: the INI). */
struct src_rr {
	ldns_rr *rr;
	const char *path;
	int line;
	size_t seq;
};

static int
cmp_src(const void *a, const void *b)
{
	const struct src_rr *x = a, *y = b;
	int c = ldns_dname_compare(ldns_rr_owner(x->rr), ldns_rr_owner(y->rr));

	if (c != 0)
		return c;
	if (ldns_rr_get_type(x->rr) != ldns_rr_get_type(y->rr))
		return ldns_rr_get_type(x->rr) < ldns_rr_get_type(y->rr) ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *
where(const struct src_rr *s, char *buf, size_t len)
{
	if (s->path == NULL)
		return "the configuration";
	snprintf(buf, len, "%s:%d", s->path, s->line);
	return buf;
}

/*
 * The same owner and type from two sources, or a CNAME beside other data:
 * each is an error, named at the zone file line that adds it.
 */
static int
check_conflicts(struct src_rr *s, size_t n, struct zonefile_msgs *m, FILE *diag)
{
	int errors = 0;
	char b1[PATH_MAX + 16], b2[PATH_MAX + 16];

	qsort(s, n, sizeof(*s), cmp_src);
	for (size_t i = 0; i < n; ) {
		size_t j = i;
		const struct src_rr *cname = NULL, *other = NULL;

		while (j < n && ldns_dname_compare(ldns_rr_owner(s[i].rr),
		    ldns_rr_owner(s[j].rr)) == 0) {
			if (ldns_rr_get_type(s[j].rr) == LDNS_RR_TYPE_CNAME)
				cname = cname ? cname : &s[j];
			else
				other = other ? other : &s[j];
			if (j > i && ldns_rr_get_type(s[j].rr) ==
			    ldns_rr_get_type(s[j - 1].rr) &&
			    s[j].path != s[j - 1].path) {
				char *o = ldns_rdf2str(ldns_rr_owner(s[j].rr));
				char *t = ldns_rr_type2str(ldns_rr_get_type(s[j].rr));
				say_once(m, diag, "%s: %s %s is already served "
				    "from %s", where(&s[j], b1, sizeof(b1)),
				    o ? o : "?", t ? t : "?",
				    where(&s[j - 1], b2, sizeof(b2)));
				free(o);
				free(t);
				errors++;
			}
			j++;
		}
		if (cname != NULL && other != NULL) {
			const struct src_rr *at = cname->path ? cname : other;
			char *o = ldns_rdf2str(ldns_rr_owner(cname->rr));
			say_once(m, diag, "%s: %s has a CNAME beside other data "
			    "(from %s)", where(at, b1, sizeof(b1)), o ? o : "?",
			    where(at == cname ? other : cname, b2, sizeof(b2)));
			free(o);
			errors++;
		}
		i = j;
	}
	return errors ? -1 : 0;
}

/* Whether NS record rr names owner as a name server. */
static bool
ns_names(const ldns_rr *rr, const ldns_rdf *owner)
{
	return ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS &&
	    ldns_dname_compare(ldns_rr_rdf(rr, 0), owner) == 0;
}

/*
 * Zone cuts (NS below the apex: RFC 1034 section 4.2.1): at a cut only
 * its NS and DS records, below it only glue (A and AAAA of a name the
 * cut's NS records name). Anything else there the child answers for, so
 * it would never be served: an error at its line. s is sorted by owner in
 * canonical order, which puts every name below a cut right after it.
 */
static int
check_cuts(const struct src_rr *s, size_t n, const ldns_rdf *apex,
    struct zonefile_msgs *m, FILE *diag)
{
	int errors = 0;
	size_t cut = 0, cut_end = 0;	/* s[cut, cut_end): the cut's records */
	size_t cut_ns = 0;		/* its first NS record, to name */
	bool in_cut = false;
	char b1[PATH_MAX + 16], b2[PATH_MAX + 16];

	for (size_t i = 0; i < n; ) {
		const ldns_rdf *owner = ldns_rr_owner(s[i].rr);
		size_t j = i;
		bool ns = false;

		for (; j < n && ldns_dname_compare(owner,
		    ldns_rr_owner(s[j].rr)) == 0; j++)
			if (ldns_rr_get_type(s[j].rr) == LDNS_RR_TYPE_NS)
				ns = true;
		if (in_cut && !ldns_dname_is_subdomain(owner,
		    ldns_rr_owner(s[cut].rr)))
			in_cut = false;
		if (!in_cut && ns && ldns_dname_compare(owner, apex) != 0) {
			in_cut = true;
			cut = cut_ns = i;
			cut_end = j;
			while (ldns_rr_get_type(s[cut_ns].rr) != LDNS_RR_TYPE_NS)
				cut_ns++;
		}
		for (size_t k = i; in_cut && k < j; k++) {
			ldns_rr_type t = ldns_rr_get_type(s[k].rr);
			bool glue = false;

			if (k >= cut && k < cut_end &&
			    (t == LDNS_RR_TYPE_NS || t == LDNS_RR_TYPE_DS))
				continue;
			for (size_t c = cut; c < cut_end && !glue; c++)
				glue = (t == LDNS_RR_TYPE_A ||
				    t == LDNS_RR_TYPE_AAAA) &&
				    ns_names(s[c].rr, owner);
			if (glue)
				continue;
			char *o = ldns_rdf2str(owner), *ty = ldns_rr_type2str(t);
			char *c = ldns_rdf2str(ldns_rr_owner(s[cut].rr));
			say_once(m, diag, "%s: %s %s is at or below the "
			    "delegation of %s (%s) and is not glue for it: the "
			    "child zone answers for it", where(&s[k], b1,
			    sizeof(b1)), o ? o : "?", ty ? ty : "?", c ? c : "?",
			    where(&s[cut_ns], b2, sizeof(b2)));
			free(o);
			free(ty);
			free(c);
			errors++;
		}
		i = j;
	}
	return errors ? -1 : 0;
}

static bool
file_in_view(const struct zonefile *f, const struct config *cfg, int v)
{
	return f->view == NULL || (v >= 0 && strcmp(f->view, cfg->views[v].name) == 0);
}

/* Whether the file has a record of type (SOA and NS: only at the origin). */
static bool
file_has_type(const struct zonefile *f, ldns_rr_type type)
{
	for (size_t i = 0; i < f->nrrs; i++)
		if (ldns_rr_get_type(f->rrs[i].rr) == type)
			return true;
	return false;
}

/* Merges the files for zone z (one synthesized zone, or a new one). */
static int
merge_zone(struct synth_zone *z, const struct zonefiles *zf,
    const struct config *cfg, int v, bool synthesized,
    struct zonefile_msgs *m, FILE *diag)
{
	size_t n, cap = 0, seq = 0;
	bool file_soa = false, file_ns = false;
	int rc = 0;

	for (size_t i = 0; i < zf->n; i++) {
		const struct zonefile *f = &zf->v[i];
		if (!file_in_view(f, cfg, v) || strcmp(f->origin, z->name) != 0)
			continue;
		cap += f->nrrs;
		file_soa = file_soa || file_has_type(f, LDNS_RR_TYPE_SOA);
		file_ns = file_ns || file_has_type(f, LDNS_RR_TYPE_NS);
	}
	/* No file adds to this domain: the configuration was checked already. */
	if (synthesized && cap == 0)
		return 0;
	/*
	 * A file adds to it: its records as ldns records while merged (and
	 * packed again by zonefiles_merge()). Files are rare in large
	 * configurations: the zones no file touches never leave the wire.
	 */
	if (z->rrs == NULL) {
		z->rrs = z->wire.buf != NULL ?
		    zonewire_rr_list(&z->wire, ZONEWIRE_ZONE) : ldns_rr_list_new();
		if (z->rrs == NULL)
			return -1;
		memset(&z->wire, 0, sizeof(z->wire));
	}
	n = ldns_rr_list_rr_count(z->rrs);
	cap += n;
	struct src_rr *s = calloc(cap ? cap : 1, sizeof(*s));
	if (s == NULL)
		return -1;

	/*
	 * The synthesized records, less the SOA and NS that a file replaces.
	 * The list keeps the records it still holds; the others are freed.
	 */
	ldns_rr_list *keep = ldns_rr_list_new();
	size_t ns = 0;
	if (keep == NULL) {
		free(s);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if ((t == LDNS_RR_TYPE_SOA && file_soa) ||
		    (t == LDNS_RR_TYPE_NS && file_ns)) {
			ldns_rr_free(rr);
			continue;
		}
		ldns_rr_list_push_rr(keep, rr);
		s[ns++] = (struct src_rr){ rr, NULL, 0, seq++ };
	}
	ldns_rr_list_free(z->rrs);	/* shallow: the records moved to keep */
	z->rrs = keep;

	/* Then the files' records, cloned: the files stay for the next view. */
	ldns_rr *soa = NULL;
	for (size_t i = 0; i < zf->n; i++) {
		const struct zonefile *f = &zf->v[i];
		if (!file_in_view(f, cfg, v) || strcmp(f->origin, z->name) != 0)
			continue;
		for (size_t j = 0; j < f->nrrs; j++) {
			ldns_rr *c = ldns_rr_clone(f->rrs[j].rr);
			if (c == NULL) {
				rc = -1;
				continue;
			}
			if (ldns_rr_get_type(c) == LDNS_RR_TYPE_SOA) {
				if (soa != NULL) {
					say_once(m, diag, "%s:%d: a second SOA "
					    "record for %s", f->path,
					    f->rrs[j].line, z->name);
					ldns_rr_free(c);
					rc = -1;
					continue;
				}
				/*
				 * Its serial stays: a zone of files alone
				 * serves it; the serial step of
				 * snapshot_build() replaces it in a SIP
				 * domain's zone.
				 */
				soa = c;
			} else
				ldns_rr_list_push_rr(z->rrs, c);
			s[ns++] = (struct src_rr){ c, f->path, f->rrs[j].line, seq++ };
		}
	}
	if (!synthesized && (soa == NULL || !file_ns)) {
		say_once(m, diag, "zone %s: its zone file needs a SOA and an NS "
		    "record at the origin", z->name);
		rc = -1;
	}
	if (soa != NULL) {
		/* The answer table and AXFR want the SOA first. */
		ldns_rr_list *l = ldns_rr_list_new();
		if (l == NULL || !ldns_rr_list_push_rr(l, soa) ||
		    !ldns_rr_list_cat(l, z->rrs)) {
			ldns_rr_free(soa);
			ldns_rr_list_free(l);
			free(s);
			return -1;
		}
		ldns_rr_list_free(z->rrs);
		z->rrs = l;
		uint32_t min = ldns_rdf2native_int32(ldns_rr_rdf(soa, 6));
		z->neg_ttl = ldns_rr_ttl(soa) < min ? ldns_rr_ttl(soa) : min;
	}
	if (check_conflicts(s, ns, m, diag) < 0)
		rc = -1;
	ldns_rdf *apex = dname(z->name);
	if (apex == NULL || check_cuts(s, ns, apex, m, diag) < 0)
		rc = -1;
	if (apex != NULL)
		ldns_rdf_deep_free(apex);
	free(s);
	return rc;
}

/* Whether name is sub or below it (lower-case text, no trailing dot). */
static bool
text_at_or_below(const char *name, const char *sub)
{
	size_t ln = strlen(name), ls = strlen(sub);

	return strcmp(name, sub) == 0 || (ln > ls && name[ln - ls - 1] == '.' &&
	    strcmp(name + ln - ls, sub) == 0);
}

/*
 * A delegation in a file to a name that is, or holds, a zone this view
 * serves itself: that zone answers its names with AA, and its own NS
 * records make its delegation (synth_view_cut()), so the cut could only
 * contradict both.
 */
static int
check_cut_zones(const struct zonefiles *zf, const struct config *cfg, int v,
    const struct synth_view *sv, struct zonefile_msgs *m, FILE *diag)
{
	int rc = 0;

	for (size_t i = 0; i < zf->n; i++) {
		const struct zonefile *f = &zf->v[i];
		if (!file_in_view(f, cfg, v))
			continue;
		for (size_t j = 0; j < f->nrrs; j++) {
			const ldns_rr *rr = f->rrs[j].rr;
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS)
				continue;
			char *cut = dname_text(ldns_rr_owner(rr));
			if (cut == NULL || strcmp(cut, f->origin) == 0) {
				free(cut);
				continue;
			}
			for (size_t k = 0; k < sv->nzones; k++) {
				if (!text_at_or_below(sv->zones[k].name, cut))
					continue;
				say_once(m, diag, "%s:%d: the delegation of %s "
				    "covers zone %s, which is served here: its "
				    "own NS records delegate it", f->path,
				    f->rrs[j].line, cut, sv->zones[k].name);
				rc = -1;
			}
			free(cut);
		}
	}
	return rc;
}

/* A merged zone's records packed again, into sv's arena; 0 if none. */
static int
repack(struct synth_view *sv, struct synth_zone *z)
{
	if (z->rrs == NULL)
		return 0;
	if (zonewire_pack(&z->wire, &sv->wire, z->rrs, NULL) < 0)
		return -1;
	ldns_rr_list_deep_free(z->rrs);
	z->rrs = NULL;
	return 0;
}

int
zonefiles_merge(const struct zonefiles *zf, const struct config *cfg, int v,
    struct synth_view *sv, struct zonefile_msgs *m, FILE *diag)
{
	int rc = 0;

	for (size_t i = 0; i < sv->nzones; i++) {
		if (merge_zone(&sv->zones[i], zf, cfg, v, true, m, diag) < 0)
			rc = -1;
		if (repack(sv, &sv->zones[i]) < 0)
			return -1;
	}

	/* Files whose origin is no SIP domain: zones of their own. */
	for (size_t i = 0; i < zf->n; i++) {
		const struct zonefile *f = &zf->v[i];
		bool known = false;

		if (!file_in_view(f, cfg, v))
			continue;
		for (size_t j = 0; j < sv->nzones && !known; j++)
			known = strcmp(sv->zones[j].name, f->origin) == 0;
		if (known)
			continue;
		if (config_zone_of(cfg, f->origin) != NULL) {
			say_once(m, diag, "%s: zone %s lies inside SIP domain %s: "
			    "put its records in %s.zone instead", f->path,
			    f->origin, config_zone_of(cfg, f->origin)->name,
			    config_zone_of(cfg, f->origin)->name);
			rc = -1;
			continue;
		}
		struct synth_zone *zs = realloc(sv->zones,
		    (sv->nzones + 1) * sizeof(*zs));
		if (zs == NULL)
			return -1;
		sv->zones = zs;
		struct synth_zone *z = &sv->zones[sv->nzones];
		memset(z, 0, sizeof(*z));
		z->name = strdup(f->origin);
		z->neg_ttl = cfg->negative_ttl;
		if (z->name == NULL)
			return -1;
		z->file_serial = true;
		sv->nzones++;
		if (merge_zone(z, zf, cfg, v, false, m, diag) < 0)
			rc = -1;
		if (repack(sv, z) < 0)
			return -1;
	}
	if (check_cut_zones(zf, cfg, v, sv, m, diag) < 0)
		rc = -1;
	return rc;
}
