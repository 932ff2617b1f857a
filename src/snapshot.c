/* snapshot.c -- build and free the immutable data set that queries read. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "config.h"
#include "reverse.h"
#include "snapshot.h"
#include "zonefile.h"

/* RFC 1982 serial number arithmetic: whether a comes after b. */
static bool
serial_after(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(a - b) < 0x80000000u;
}

/* The clock if it moved on, else one more than before: it always grows. */
static uint32_t
next_serial(const struct snapshot *prev)
{
	uint32_t now = (uint32_t)time(NULL);

	if (prev == NULL || serial_after(now, prev->serial))
		return now;
	return prev->serial + 1;
}

static int
add_chaos(struct snapshot *s, const char *name, const char *text)
{
	struct snapshot_chaos *c = &s->chaos[s->nchaos];
	char buf[600];
	ldns_rr *rr = NULL;

	/* The TXT string is quoted with ldns's escapes for '"' and '\'. */
	size_t o = (size_t)snprintf(buf, sizeof(buf), "%s. 0 CH TXT \"", name);
	for (const char *p = text; *p != '\0' && o + 4 < sizeof(buf); p++) {
		if (*p == '"' || *p == '\\')
			buf[o++] = '\\';
		buf[o++] = *p;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	if (ldns_rr_new_frm_str(&rr, buf, 0, NULL, NULL) != LDNS_STATUS_OK)
		return -1;
	c->name_len = wire_name_from_text(name, c->name);
	int rc = answer_prepare(&c->answer, &rr, 1);
	ldns_rr_free(rr);
	if (rc == 0)
		s->nchaos++;
	return rc;
}

static int
build_chaos(struct snapshot *s)
{
	const struct config *cfg = s->cfg;

	if (cfg->version != NULL &&
	    (add_chaos(s, "version.bind", cfg->version) < 0 ||
	    add_chaos(s, "version.server", cfg->version) < 0))
		return -1;
	if (cfg->identity != NULL &&
	    (add_chaos(s, "id.server", cfg->identity) < 0 ||
	    add_chaos(s, "hostname.bind", cfg->identity) < 0))
		return -1;
	return 0;
}

struct snapshot *
snapshot_build(struct config *cfg, const struct snapshot *prev, FILE *diag)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	size_t nviews = cfg->nviews ? cfg->nviews : 1;
	struct zonefiles zf;
	struct zonefile_msgs msgs = { NULL, 0 };
	int rc = -1;

	if (s == NULL) {
		fprintf(diag, "%s: out of memory\n", cfg->path);
		config_free(cfg);
		return NULL;
	}
	s->cfg = cfg;
	s->serial = next_serial(prev);
	s->edns_size = cfg->edns_size;
	if (cfg->nsid != NULL) {
		s->nsid = (const uint8_t *)cfg->nsid;
		s->nsid_len = (uint16_t)strlen(cfg->nsid);
	}
	if (zonefiles_load(cfg, &zf, diag) < 0 ||
	    reverse_check(cfg, &zf, diag) < 0) {
		zonefiles_clear(&zf);
		snapshot_free(s);
		return NULL;
	}
	if ((s->views = calloc(nviews, sizeof(*s->views))) == NULL)
		goto oom;
	for (size_t v = 0; v < nviews; v++) {
		struct snapshot_view *sv = &s->views[v];
		int vi = cfg->nviews ? (int)v : -1;

		sv->cfg = cfg->nviews ? &cfg->views[v] : NULL;
		s->nviews++;
		if (synth_view(cfg, vi, s->serial, &sv->sv) < 0 ||
		    reverse_view(cfg, vi, s->serial, &zf, &sv->sv) < 0)
			goto oom;
		if (zonefiles_merge(&zf, cfg, vi, s->serial, &sv->sv, &msgs,
		    diag) < 0)
			goto out;
		/* After the files: a delegation shows the NS the child serves. */
		if (synth_view_cut(&sv->sv) < 0)
			goto oom;
		/*
		 * Here every zone's records are known (synthesized, reversed,
		 * merged, cut lists made) and still ldns lists: the point where
		 * a zone's SOA serial may be decided and patched, before they
		 * are packed and the answers compiled from what is packed.
		 */
		/* Packed, the ldns records go: the answers come from the wire. */
		if (synth_view_pack(&sv->sv) < 0)
			goto oom;
#ifdef __GLIBC__
		malloc_trim(0);		/* their pages, for the table to come */
#endif
		/* A parent's delegations count: its AXFR carries them. */
		for (size_t z = 0; z < sv->sv.nzones; z++) {
			const struct synth_zone *zn = &sv->sv.zones[z];
			s->nrecords += zn->wire.nrrs + zn->wire.ncut;
		}
		if ((sv->table = answer_table_build(&sv->sv)) == NULL) {
			fprintf(diag, "%s: cannot prepare the answers of view %s\n",
			    cfg->path, sv->sv.name);
			goto out;
		}
	}
	if (build_chaos(s) < 0)
		goto oom;
	rc = 0;
	goto out;
oom:
	fprintf(diag, "%s: out of memory\n", cfg->path);
out:
	zonefiles_clear(&zf);
	zonefile_msgs_clear(&msgs);
#ifdef __GLIBC__
	/*
	 * The records freed were a million small blocks between the arenas'
	 * chunks: hand the pages back, or the process keeps the peak.
	 */
	malloc_trim(0);
#endif
	if (rc < 0) {
		snapshot_free(s);
		return NULL;
	}
	return s;
}

void
snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	for (size_t v = 0; v < s->nviews; v++) {
		answer_table_free(s->views[v].table);
		synth_view_clear(&s->views[v].sv);
	}
	free(s->views);
	for (size_t i = 0; i < s->nchaos; i++)
		answer_clear(&s->chaos[i].answer);
	config_free(s->cfg);
	free(s);
#ifdef __GLIBC__
	/* After a reload the old configuration's pages go back too. */
	malloc_trim(0);
#endif
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

void
snapshot_zone_names(const struct snapshot *s, void (*fn)(void *, const char *),
    void *arg)
{
	size_t n = 0, k = 0;
	char **names;

	for (size_t v = 0; v < s->nviews; v++)
		n += s->views[v].sv.nzones;
	if (n == 0 || (names = calloc(n, sizeof(*names))) == NULL)
		return;
	for (size_t v = 0; v < s->nviews; v++)
		for (size_t z = 0; z < s->views[v].sv.nzones; z++)
			names[k++] = s->views[v].sv.zones[z].name;
	/* Once per name, though several views serve it. */
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			fn(arg, names[i]);
	free(names);
}

const struct config *
snapshot_config(const struct snapshot *s)
{
	return s->cfg;
}

uint32_t
snapshot_serial(const struct snapshot *s)
{
	return s->serial;
}

/* The zones of the view that serves the most: views may add their own. */
size_t
snapshot_nzones(const struct snapshot *s)
{
	size_t n = 0;

	for (size_t v = 0; v < s->nviews; v++)
		if (s->views[v].sv.nzones > n)
			n = s->views[v].sv.nzones;
	return n;
}

size_t
snapshot_nrecords(const struct snapshot *s)
{
	return s->nrecords;
}
