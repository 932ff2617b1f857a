/* xfr.c -- AXFR: a zone's records as a stream of DNS messages (RFC 5936). */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "query.h"
#include "snapshot.h"
#include "view.h"
#include "xfr.h"

/* A message ends once it passes this; a single record is at most 65535 - 12 - 255 - 4. */
#define XFR_MESSAGE_TARGET	16384

bool
xfr_allowed(const struct snapshot *snap, const struct snapshot_view *view,
    const struct sockaddr *client)
{
	const struct cfg_prefix *p = snap->cfg->allow_transfer;
	size_t n = snap->cfg->nallow_transfer;

	if (view->cfg != NULL && view->cfg->allow_transfer_set) {
		p = view->cfg->allow_transfer;
		n = view->cfg->nallow_transfer;
	}
	for (size_t i = 0; i < n; i++)
		if (view_prefix_covers(&p[i], client))
			return true;
	return false;
}

static const struct synth_zone *
find_zone(const struct snapshot_view *view, const struct query *q)
{
	uint8_t apex[DNS_MAX_NAME];

	for (size_t i = 0; i < view->sv.nzones; i++) {
		size_t len = wire_name_from_text(view->sv.zones[i].name, apex);
		if (len == q->lname_len && memcmp(apex, q->lname, len) == 0)
			return &view->sv.zones[i];
	}
	return NULL;
}

struct xfr_msg {
	uint8_t buf[DNS_MAX_MESSAGE];
	size_t len;
	unsigned count;
	const struct query *q;
	bool first;
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
msg_flush(struct xfr_msg *m, xfr_emit_fn *emit, void *arg)
{
	wire_put16(m->buf + 6, (uint16_t)m->count);
	int rc = emit(arg, m->buf, m->len);
	m->first = false;
	msg_start(m);
	return rc ? -1 : 0;
}

/* Appends one record (uncompressed), starting a new message when needed. */
static int
msg_add(struct xfr_msg *m, const struct zonewire_rr *rr, xfr_emit_fn *emit,
    void *arg)
{
	if (m->count > 0 && m->len + rr->len > XFR_MESSAGE_TARGET &&
	    msg_flush(m, emit, arg) < 0)
		return -1;
	if (m->len + rr->len > sizeof(m->buf))
		return -1;
	memcpy(m->buf + m->len, rr->wire, rr->len);
	m->len += rr->len;
	m->count++;
	return 0;
}

int
xfr_stream(const struct snapshot_view *view, const struct query *q,
    xfr_emit_fn *emit, void *arg)
{
	const struct synth_zone *z = find_zone(view, q);
	struct zonewire_iter it;
	struct zonewire_rr rr, soa;
	int rc = 0;

	if (z == NULL)
		return 1;
	/* The SOA opens and closes the transfer; it is first in the list. */
	zonewire_iter(&z->wire, ZONEWIRE_ZONE, &it);
	if (!zonewire_next(&it, &soa))
		return -1;
	/* 64 KiB: on the heap, one per transfer */
	struct xfr_msg *m = malloc(sizeof(*m));
	if (m == NULL)
		return -1;
	m->q = q;
	m->first = true;
	msg_start(m);
	/*
	 * The delegations of child zones come before the closing SOA: a
	 * secondary of the parent alone can then refer to the child (RFC 1034
	 * 4.2.1). The packed form holds the zone's records then the cut list.
	 */
	zonewire_iter(&z->wire, ZONEWIRE_ALL, &it);
	while (rc == 0 && zonewire_next(&it, &rr))
		rc = msg_add(m, &rr, emit, arg);
	if (rc == 0)
		rc = msg_add(m, &soa, emit, arg);
	if (rc == 0)
		rc = msg_flush(m, emit, arg);
	free(m);
	return rc;
}
