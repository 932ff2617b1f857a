/* xfr.c -- AXFR (RFC 5936) and IXFR (RFC 1995) as streams of DNS messages. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ixfr.h"
#include "query.h"
#include "snapshot.h"
#include "view.h"
#include "xfr.h"

/* A message ends once it passes this; a single record is at most 65535 - 12 - 255 - 4. */
#define XFR_MESSAGE_TARGET	16384

bool
xfr_allowed(const struct snapshot *snap, const struct snapshot_view *view,
    const struct sockaddr *client, unsigned key)
{
	const struct cfg_acl *p = snap->cfg->allow_transfer;
	size_t n = snap->cfg->nallow_transfer;

	if (view->cfg != NULL && view->cfg->allow_transfer_set) {
		p = view->cfg->allow_transfer;
		n = view->cfg->nallow_transfer;
	}
	for (size_t i = 0; i < n; i++)
		if ((p[i].key_index == 0 || p[i].key_index == key) &&
		    view_prefix_covers(&p[i].prefix, client))
			return true;
	return false;
}

/* --- the zone a transfer names ---------------------------------------- */

static int
cmp_zone(const void *key, const void *elem)
{
	return strcmp(key, ((const struct snapshot_zone *)elem)->name);
}

/*
 * The apex text a zone name has in the snapshot: the labels' bytes joined by
 * dots, as wire_name_from_text() reads them back. A label holding a dot or
 * a NUL renders to another name; the caller checks the wire form anyway.
 */
static bool
lname_text(const struct query *q, char *out, size_t outlen)
{
	const uint8_t *p = q->lname, *end = q->lname + q->lname_len;
	size_t o = 0;

	while (p < end && *p != 0) {
		size_t lab = *p++;
		if (o > 0)
			out[o++] = '.';
		if ((size_t)(end - p) < lab || o + lab + 1 > outlen)
			return false;
		memcpy(out + o, p, lab);
		o += lab;
		p += lab;
	}
	out[o] = '\0';
	return o > 0;
}

/*
 * By the snapshot's list of zone names (sorted by name, each with its zones
 * in view order): one binary search, where a scan of every zone of the view
 * converted each apex to wire (slow at 100,000 zones).
 */
const struct synth_zone *
xfr_find_zone(const struct snapshot *snap, const struct snapshot_view *view,
    const struct query *q)
{
	char text[DNS_MAX_NAME + 1];
	uint8_t apex[DNS_MAX_NAME];
	size_t v = (size_t)(view - snap->views);

	if (q->lname_len == 1) {
		/* The root has no text in the list's form: "." or "". */
		for (size_t i = 0; i < view->sv.nzones; i++)
			if (wire_name_from_text(view->sv.zones[i].name,
			    apex) == 1)
				return &view->sv.zones[i];
		return NULL;
	}
	if (!lname_text(q, text, sizeof(text)) || snap->nnames == 0)
		return NULL;
	const struct snapshot_zone *n = bsearch(text, snap->zones,
	    snap->nnames, sizeof(*snap->zones), cmp_zone);
	for (size_t i = 0; n != NULL && i < n->n; i++) {
		const struct snapshot_zref *r = &snap->refs[n->first + i];
		if (r->v != v)
			continue;
		const struct synth_zone *z = &view->sv.zones[r->z];
		size_t len = wire_name_from_text(z->name, apex);
		if (len == q->lname_len && memcmp(apex, q->lname, len) == 0)
			return z;
	}
	return NULL;
}

struct xfr_msg {
	uint8_t buf[DNS_MAX_MESSAGE];
	size_t len;
	unsigned count;
	const struct query *q;
	bool first;
	xfr_emit_fn *emit;
	void *arg;
};

static void
msg_start(struct xfr_msg *m)
{
	const struct query *q = m->q;

	wire_put16(m->buf, q->id);
	m->buf[2] = FLAG1_QR | FLAG1_AA;
	m->buf[3] = 0;
	wire_put16(m->buf + 4, m->first ? 1 : 0);
	memset(m->buf + 6, 0, 6);
	m->len = DNS_HEADER_SIZE;
	if (m->first) {
		memcpy(m->buf + m->len, q->question, q->question_len);
		m->len += q->question_len;
	}
	m->count = 0;
}

static int
msg_flush(struct xfr_msg *m)
{
	wire_put16(m->buf + 6, (uint16_t)m->count);
	int rc = m->emit(m->arg, m->buf, m->len);
	m->first = false;
	msg_start(m);
	return rc ? -1 : 0;
}

struct xfr_msg *
xfr_msg_new(const struct query *q, xfr_emit_fn *emit, void *arg)
{
	/* 64 KiB: on the heap, one per transfer */
	struct xfr_msg *m = malloc(sizeof(*m));

	if (m == NULL)
		return NULL;
	m->q = q;
	m->first = true;
	m->emit = emit;
	m->arg = arg;
	msg_start(m);
	return m;
}

int
xfr_msg_add(struct xfr_msg *m, const uint8_t *rr, size_t len)
{
	if (m->count > 0 && m->len + len > XFR_MESSAGE_TARGET &&
	    msg_flush(m) < 0)
		return -1;
	if (m->len + len > sizeof(m->buf))
		return -1;
	memcpy(m->buf + m->len, rr, len);
	m->len += len;
	m->count++;
	return 0;
}

int
xfr_msg_end(struct xfr_msg *m, int rc)
{
	if (rc == 0)
		rc = msg_flush(m);
	free(m);
	return rc;
}

int
xfr_stream(const struct snapshot *snap, const struct snapshot_view *view,
    const struct query *q, xfr_emit_fn *emit, void *arg)
{
	const struct synth_zone *z = xfr_find_zone(snap, view, q);
	struct zonewire_iter it;
	struct zonewire_rr rr, soa;
	int rc = 0;

	if (z == NULL)
		return 1;
	/* The SOA opens and closes the transfer; it is first in the list. */
	zonewire_iter(&z->wire, ZONEWIRE_ZONE, &it);
	if (!zonewire_next(&it, &soa))
		return -1;
	struct xfr_msg *m = xfr_msg_new(q, emit, arg);
	if (m == NULL)
		return -1;
	/*
	 * The delegations of child zones come before the closing SOA: a
	 * secondary of the parent alone can then refer to the child (RFC 1034
	 * 4.2.1). The packed form holds the zone's records then the cut list.
	 */
	zonewire_iter(&z->wire, ZONEWIRE_ALL, &it);
	while (rc == 0 && zonewire_next(&it, &rr))
		rc = xfr_msg_add(m, rr.wire, rr.len);
	if (rc == 0)
		rc = xfr_msg_add(m, soa.wire, soa.len);
	return xfr_msg_end(m, rc);
}

/* --- IXFR --------------------------------------------------------------- */

int
xfr_ixfr(const struct snapshot *snap, const struct snapshot_view *view,
    const struct query *q, xfr_emit_fn *emit, void *arg)
{
	const struct synth_zone *z = xfr_find_zone(snap, view, q);

	if (z == NULL)
		return 1;
	/* No SOA in the authority section: nothing to start from. */
	if (q->has_soa && view->xz != NULL) {
		const struct snapshot_xzone *x = &view->xz[z - view->sv.zones];
		struct ixfr_rr soa = { x->soa, x->soa_len };
		int rc = ixfr_stream(&x->chain, &soa, q->soa_serial, q, emit,
		    arg);
		if (rc != 1)
			return rc;
	}
	return xfr_stream(snap, view, q, emit, arg);
}

/* Over UDP: the answer is kept when it is one message within the limit. */
struct udp_sink {
	uint8_t	*out;
	size_t	 limit, len;
	unsigned nmsg;
};

static int
udp_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct udp_sink *u = arg;

	if (u->nmsg++ > 0 || len > u->limit)
		return 1;
	memcpy(u->out, msg, len);
	u->len = len;
	return 0;
}

size_t
xfr_ixfr_udp(const struct snapshot *snap, const struct snapshot_view *view,
    const struct query *q, uint8_t *out, size_t limit)
{
	const struct synth_zone *z = xfr_find_zone(snap, view, q);
	struct udp_sink u = { out, limit, 0, 0 };

	if (z == NULL || !q->has_soa || view->xz == NULL)
		return 0;
	const struct snapshot_xzone *x = &view->xz[z - view->sv.zones];
	struct ixfr_rr soa = { x->soa, x->soa_len };
	if (ixfr_stream(&x->chain, &soa, q->soa_serial, q, udp_emit, &u) != 0)
		return 0;
	return u.len;
}
