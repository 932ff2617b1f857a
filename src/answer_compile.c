/* answer_compile.c -- compile one node of the answer table into its prepared answers. */
#include <stdlib.h>
#include <string.h>

#include "answer_int.h"
#include "encode.h"

#define MAX_ROTATIONS	16	/* variants of one rotating address RRset */
#define MAX_CHAIN	8	/* CNAMEs followed inside our data */

/* --- names -------------------------------------------------------------- */

size_t
answer_name_len(const uint8_t *name, size_t max)
{
	size_t i = 0;

	if (max > DNS_MAX_NAME)
		max = DNS_MAX_NAME;
	while (i < max && name[i] != 0 && (name[i] & 0xc0) == 0)
		i += 1 + name[i];
	if (i >= max || name[i] != 0)
		return 0;
	return i + 1;
}

size_t
answer_lname(const uint8_t *name, size_t max, uint8_t out[DNS_MAX_NAME])
{
	size_t len = answer_name_len(name, max);

	if (len > 0)
		wire_fold_copy(out, name, len);	/* a build folds every name */
	return len;
}

/* --- compiling a node --------------------------------------------------- */

/*
 * Appends the message in b->enc but for the skip bytes after its header
 * (its question, or none), arcount records in its additional section and
 * len_noadd bytes without them (the skipped not counted), as a variant of
 * the node compiling: its offset from the node, 0 when out of memory.
 */
static uint32_t
var_put(struct answer_builder *b, size_t len_noadd, size_t arcount,
    size_t skip)
{
	struct enc *e = b->enc;
	size_t len = e->len - skip;
	size_t at = answer_block_take(&b->out, sizeof(struct answer_var) +
	    len, _Alignof(struct answer_var));

	if (at == SIZE_MAX || at - b->node_at > UINT32_MAX)
		return 0;
	struct answer_var *v = (struct answer_var *)(b->out.base + at);
	v->len = (uint16_t)len;
	v->len_noadd = (uint16_t)len_noadd;
	v->arcount = (uint16_t)arcount;
	memcpy(v->wire, e->buf, DNS_HEADER_SIZE);
	memcpy(v->wire + DNS_HEADER_SIZE, e->buf + DNS_HEADER_SIZE + skip,
	    len - DNS_HEADER_SIZE);
	return (uint32_t)(at - b->node_at);
}

/*
 * Renders a message compressed against its question, then keeps it
 * without: the reply puts the client's in (a tenth to a third of the
 * bytes, and it copied the client's question over ours anyway). What
 * enc_drop_question() does, but in the copy to the block, not a move in
 * place first. The variant's offset, or 0.
 */
static uint32_t
render_var(struct answer_builder *b, const uint8_t *qname, uint16_t qtype,
    uint8_t rcode, const struct enc_section *an,
    const struct enc_section *ns, const struct enc_section *ad)
{
	size_t noadd;

	if (enc_render(b->enc, qname, qtype, LDNS_RR_CLASS_IN, rcode, an, ns,
	    ad, &noadd) < 0)
		return 0;
	size_t q = enc_question_len(b->enc);
	return var_put(b, noadd - q, ad->n, q);
}

/*
 * The same without the question (LOOKUP_SPLICE): records owned by owner
 * get the query name instead. A referral keeps its glue (required:
 * RFC 9471), so its len_noadd is its len and a reply that cannot hold it
 * all is truncated.
 */
static uint32_t
render_splice(struct answer_builder *b, bool aa, const uint8_t *owner,
    uint8_t rcode, const struct enc_section *an,
    const struct enc_section *ns, const struct enc_section *ad,
    bool ad_required)
{
	size_t noadd;

	if (enc_render_splice(b->enc, aa, rcode, owner, an, ns, ad,
	    &noadd) < 0)
		return 0;
	return var_put(b, ad_required ? b->enc->len : noadd, ad->n, 0);
}

/* An answer of node n: with its question, or spliced (a wildcard's). */
static uint32_t
render_node(struct answer_builder *b, const struct node *n, uint16_t qtype,
    uint8_t rcode, const struct enc_section *an,
    const struct enc_section *ns, const struct enc_section *ad)
{
	if (n->splice)
		return render_splice(b, true, n->name, rcode, an, ns, ad,
		    false);
	return render_var(b, n->name, qtype, rcode, an, ns, ad);
}

/* --- a node's answers --------------------------------------------------- */

/* Answer i of the node compiling (its array may move as the block grows). */
static struct cans *
ans_at(struct answer_builder *b, size_t i)
{
	return (struct cans *)(b->out.base + b->ans_at) + i;
}

/*
 * Reserves the node's answers: nanswers by type, and "other" after them
 * when other is set. Returns 0 or -1.
 */
static int
ans_array(struct answer_builder *b, size_t nanswers, bool other)
{
	struct cnode *cn = (struct cnode *)(b->out.base + b->node_at);
	size_t n = nanswers + other;

	if (nanswers > UINT16_MAX)	/* every type there is, at one name */
		return -1;
	cn->nanswers = (uint16_t)nanswers;
	cn->flags |= other ? CN_OTHER : 0;
	if (n == 0)
		return 0;
	size_t at = answer_block_take(&b->out, n * sizeof(struct cans),
	    _Alignof(struct cans));
	if (at == SIZE_MAX)
		return -1;
	cn = (struct cnode *)(b->out.base + b->node_at);
	/* Right after the name: where cnode_answers() looks. */
	if (b->out.base + at != (uint8_t *)cnode_answers(cn))
		return -1;
	b->ans_at = at;
	return 0;
}

/*
 * Starts answer i: qtype, nvar variants (a table of their offsets when
 * more than one). Returns 0 or -1.
 */
static int
ans_begin(struct answer_builder *b, size_t i, uint16_t qtype, size_t nvar)
{
	uint32_t off = 0;

	if (nvar > 1) {
		size_t at = answer_block_take(&b->out, nvar * sizeof(off),
		    sizeof(off));
		if (at == SIZE_MAX || at - b->node_at > UINT32_MAX)
			return -1;
		off = (uint32_t)(at - b->node_at);
	}
	struct cans *a = ans_at(b, i);
	a->qtype = qtype;
	a->nvar = (uint8_t)nvar;
	atomic_init(&a->next, 0);
	a->off = off;
	return 0;
}

/* Variant k of answer i is at off (from the node): 0 is out of memory. */
static int
ans_var(struct answer_builder *b, size_t i, size_t k, uint32_t off)
{
	struct cans *a = ans_at(b, i);

	if (off == 0)
		return -1;
	if (a->nvar <= 1)
		a->off = off;
	else
		memcpy(b->out.base + b->node_at + a->off + 4 * k, &off,
		    sizeof(off));
	return 0;
}

/*
 * The node of lower-case wire name name, or NULL: first among those this
 * builder found last, by the hash's low bits. A zone's few targets are
 * looked up by several of its names (the SRV owners name a pool and an
 * edge, the NS its server), each a probe at random of a large view's
 * slots and nodes. The nodes do not move while they compile (the table
 * is only read), and the name is compared: a slot holds another's node.
 */
static const struct node *
builder_find(struct answer_builder *b, const uint8_t *name, size_t len)
{
	uint32_t hash = wire_name_hash(name, len);
	const struct node **f = &b->found[hash & (BUILDER_FOUND - 1)];
	const struct node *n = *f;

	if (n != NULL && n->hash == hash && n->name_len == len &&
	    memcmp(n->name, name, len) == 0)
		return n;
	if ((n = answer_table_find(b->t, name, len, hash)) != NULL)
		*f = n;
	return n;
}

/* The records of type at node n, as a section (a slice of n->rrs). */
struct enc_section
answer_node_rrset(const struct node *n, uint16_t type)
{
	struct enc_section s = { NULL, 0, NULL };

	for (size_t i = 0; i < n->nrrs; i++) {
		if (node_type(n, i) != type)
			continue;
		if (s.rr == NULL)
			s.rr = &n->rrs[i];
		s.n++;
	}
	return s;
}

/*
 * A growable list of records (each a borrowed wire RR), for building
 * sections: on the stack while it is short (most are: an RRset and its
 * targets' addresses), not a malloc() and a free() for each answer compiled.
 */
#define RRVEC_INLINE	16

struct rrvec {
	struct enc_rr	*rr;
	size_t n, cap;
	struct enc_rr	 inl[RRVEC_INLINE];
};

static void
rrvec_init(struct rrvec *v)
{
	v->rr = v->inl;
	v->n = 0;
	v->cap = RRVEC_INLINE;
}

static void
rrvec_free(struct rrvec *v)
{
	if (v->rr != v->inl)
		free(v->rr);
	rrvec_init(v);
}

static int
rrvec_add(struct rrvec *v, const struct enc_rr *rr, size_t n)
{
	if (n == 0)
		return 0;
	if (v->n + n > v->cap) {
		size_t cap = (v->n + n) * 2;
		struct enc_rr *p = v->rr == v->inl ?
		    malloc(cap * sizeof(*p)) : realloc(v->rr, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		if (v->rr == v->inl)
			memcpy(p, v->inl, v->n * sizeof(*p));
		v->rr = p;
		v->cap = cap;
	}
	memcpy(v->rr + v->n, rr, n * sizeof(*rr));
	v->n += n;
	return 0;
}

size_t
answer_additional_target(const struct enc_rr *rr, uint8_t name[DNS_MAX_NAME])
{
	size_t skip;

	switch (rr->type) {
	case LDNS_RR_TYPE_SRV:		/* priority, weight, port */
		skip = 6;
		break;
	case LDNS_RR_TYPE_MX:		/* preference */
		skip = 2;
		break;
	case LDNS_RR_TYPE_NS:
		skip = 0;
		break;
	default:
		return 0;
	}
	if (enc_rr_rdlen(rr) <= skip)
		return 0;
	return answer_lname(enc_rr_rdata(rr) + skip, enc_rr_rdlen(rr) - skip,
	    name);
}

/* The name that is the whole rdata (CNAME, NS), lower case; 0: none. */
static size_t
rdata_name(const struct enc_rr *rr, uint8_t name[DNS_MAX_NAME])
{
	return answer_lname(enc_rr_rdata(rr), enc_rr_rdlen(rr), name);
}

/* Adds the A and AAAA RRsets of every target named by set (deduplicated). */
static int
collect_additional(struct answer_builder *b, const struct enc_section *set,
    struct rrvec *ad)
{
	const struct node *seen[64];
	size_t nseen = 0;

	for (size_t i = 0; i < set->n; i++) {
		uint8_t name[DNS_MAX_NAME];
		size_t len = answer_additional_target(&set->rr[i], name);
		const struct node *tn;
		bool dup = false;

		if (len == 0)
			continue;
		tn = builder_find(b, name, len);
		/* Below a cut the child answers: only referrals carry glue. */
		if (tn == NULL || tn->cname || tn->deleg)
			continue;
		for (size_t j = 0; j < nseen; j++)
			dup = dup || seen[j] == tn;
		if (dup)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = tn;
		struct enc_section a = answer_node_rrset(tn, LDNS_RR_TYPE_A);
		struct enc_section aaaa = answer_node_rrset(tn, LDNS_RR_TYPE_AAAA);
		if (rrvec_add(ad, a.rr, a.n) < 0 ||
		    rrvec_add(ad, aaaa.rr, aaaa.n) < 0)
			return -1;
	}
	return 0;
}

/* The answer for one RRset of a plain (non-CNAME) node. */
static int
compile_rrset(struct answer_builder *b, const struct node *n,
    struct enc_section set, size_t ai)
{
	uint16_t type = set.rr[0].type;
	bool rotates = (type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA) &&
	    set.n > 1;
	size_t nvar = rotates ? (set.n < MAX_ROTATIONS ? set.n : MAX_ROTATIONS) : 1;
	struct rrvec ad, rot;
	struct enc_section none = { NULL, 0, NULL };
	int rc = -1;

	rrvec_init(&ad);
	rrvec_init(&rot);

	if (ans_begin(b, ai, type, nvar) < 0)
		return -1;
	if (collect_additional(b, &set, &ad) < 0)
		goto out;
	for (size_t i = 0; i < nvar; i++) {
		struct enc_section an = set, adsec = { ad.rr, ad.n, NULL };
		if (rotates) {
			/* Variant i starts at record i and wraps around. */
			rot.n = 0;
			if (rrvec_add(&rot, set.rr + i, set.n - i) < 0 ||
			    rrvec_add(&rot, set.rr, i) < 0)
				goto out;
			an.rr = rot.rr;
		}
		if (ans_var(b, ai, i, render_node(b, n, type,
		    LDNS_RCODE_NOERROR, &an, &none, &adsec)) < 0)
			goto out;
	}
	rc = 0;
out:
	rrvec_free(&ad);
	rrvec_free(&rot);
	return rc;
}

/* The SOA of zone z, for the authority section of a negative answer. */
static struct enc_section
zone_soa(const struct answer_table *t, const struct answer_zone *z)
{
	return (struct enc_section){ &t->zload[z - t->zones].soa, 1,
	    &z->neg_ttl };
}

/* The wildcard child "*" of node ce (which has ce->wild), or NULL. */
static const struct node *
wildcard_at(const struct answer_table *t, const struct node *ce)
{
	uint8_t name[DNS_MAX_NAME];
	size_t len = (size_t)ce->name_len + 2;

	if (len > DNS_MAX_NAME)
		return NULL;
	name[0] = 1;
	name[1] = '*';
	memcpy(name + 2, ce->name, ce->name_len);
	return answer_table_find(t, name, len, wire_name_hash(name, len));
}

/*
 * Copies of set's records with owner (owner_len bytes) as theirs (RFC 4592
 * section 3.3: a wildcard's records synthesized for a name), for rendering
 * only: the records, then their wire, in one block the caller frees. NULL
 * when out of memory.
 */
static struct enc_rr *
owned_as(struct enc_section set, const uint8_t *owner, size_t owner_len)
{
	size_t bytes = set.n * sizeof(struct enc_rr);

	for (size_t i = 0; i < set.n; i++)
		bytes += enc_rr_len(&set.rr[i]) - set.rr[i].owner_len + owner_len;
	struct enc_rr *v = malloc(bytes ? bytes : 1);
	uint8_t *w = v != NULL ? (uint8_t *)(v + set.n) : NULL;
	for (size_t i = 0; v != NULL && i < set.n; i++) {
		const struct enc_rr *rr = &set.rr[i];
		size_t body = enc_rr_len(rr) - rr->owner_len;
		memcpy(w, owner, owner_len);
		memcpy(w + owner_len, rr->wire + rr->owner_len, body);
		v[i] = (struct enc_rr){ w, rr->type, (uint8_t)owner_len };
		w += owner_len + body;
	}
	return v;
}

/*
 * A CNAME node answers every type with the CNAME and, following the chain
 * inside our data, the RRset of that type at its end; "other" covers the
 * types the end lacks (NODATA there, or NXDOMAIN when the end does not
 * exist in a zone of ours: RFC 6604).
 */
static int
compile_cname(struct answer_builder *b, const struct node *n)
{
	struct rrvec chain;
	const struct node *end = NULL, *cur = n;
	const uint8_t *end_owner = NULL;	/* a wildcard's: the owner to give */
	size_t end_owner_len = 0;
	struct enc_section cn = answer_node_rrset(n, LDNS_RR_TYPE_CNAME);
	struct enc_section none = { NULL, 0, NULL }, soa = { NULL, 0, NULL };
	uint8_t rcode = LDNS_RCODE_NOERROR;
	int rc = -1;

	rrvec_init(&chain);
	for (int depth = 0; depth < MAX_CHAIN; depth++) {
		struct enc_section c = answer_node_rrset(cur, LDNS_RR_TYPE_CNAME);
		uint8_t name[DNS_MAX_NAME];

		if (rrvec_add(&chain, c.rr, 1) < 0)
			goto out;
		size_t len = rdata_name(&c.rr[0], name);
		if (len == 0)
			break;
		const struct node *next = builder_find(b, name, len);
		if (next == NULL) {
			const struct node *anc = answer_table_closest(b->t, name, len);
			const struct node *w = anc != NULL && !anc->deleg &&
			    anc->wild ? wildcard_at(b->t, anc) : NULL;
			/*
			 * In our zone, but absent: unless a cut or a wildcard
			 * answers it. A wildcard's records follow with the
			 * target as owner; a wildcard CNAME and a referral the
			 * client asks for itself.
			 */
			if (w != NULL && !w->cname) {
				end = w;
				end_owner = enc_rr_rdata(&c.rr[0]); /* as spelled */
				end_owner_len = len;
			} else if (anc != NULL && !anc->deleg && !anc->wild) {
				rcode = LDNS_RCODE_NXDOMAIN;
				soa = zone_soa(b->t, &b->t->zones[anc->zone]);
			}
			break;
		}
		/* The child's data, or a wildcard's: the client asks on. */
		if (next->deleg || next->splice)
			break;
		if (!next->cname) {
			end = next;
			break;
		}
		cur = next;
	}

	/* The CNAME type itself and ANY get the CNAME alone. */
	size_t nends = 0;
	if (end != NULL)
		for (size_t i = 0; i < end->nrrs; i++)
			nends += (i == 0 ||
			    node_type(end, i) != node_type(end, i - 1));
	if (nends + 1 > UINT16_MAX)	/* every type there is, at one name */
		goto out;
	if (ans_array(b, nends + 1, true) < 0 ||
	    ans_begin(b, 0, LDNS_RR_TYPE_CNAME, 1) < 0 ||
	    ans_var(b, 0, 0, render_node(b, n, LDNS_RR_TYPE_CNAME,
	    LDNS_RCODE_NOERROR, &cn, &none, &none)) < 0)
		goto out;
	size_t ai = 1;
	for (size_t i = 0; end != NULL && i < end->nrrs; ) {
		uint16_t type = node_type(end, i);
		struct enc_section set = answer_node_rrset(end, type);
		struct rrvec an;
		struct enc_rr *as = NULL;
		int r;

		rrvec_init(&an);
		r = rrvec_add(&an, chain.rr, chain.n);

		if (end_owner == NULL)
			r = r < 0 ? r : rrvec_add(&an, set.rr, set.n);
		else if ((as = owned_as(set, end_owner, end_owner_len)) == NULL)
			r = -1;
		if (as != NULL && r == 0)
			r = rrvec_add(&an, as, set.n);
		r = r < 0 ? r : ans_begin(b, ai, type, 1);
		if (r == 0) {
			struct enc_section s = { an.rr, an.n, NULL };
			r = ans_var(b, ai, 0, render_node(b, n, type,
			    LDNS_RCODE_NOERROR, &s, &none, &none));
		}
		free(as);
		rrvec_free(&an);
		if (r < 0)
			goto out;
		ai++;
		i += set.n;
	}
	if (end != NULL)
		soa = zone_soa(b->t, &b->t->zones[end->zone]);
	struct enc_section ch = { chain.rr, chain.n, NULL };
	if (ans_begin(b, ai, 0, 1) < 0 ||
	    ans_var(b, ai, 0, render_node(b, n, 0, rcode, &ch, &soa,
	    &none)) < 0)
		goto out;
	rc = 0;
out:
	rrvec_free(&chain);
	return rc;
}

/*
 * The zone that answers DS at node n, when that is not n's own: n is the
 * apex of a zone whose parent zone is in this table too, and no DS record
 * is there (one from the parent's zone file would answer for itself).
 */
static struct answer_zone *
ds_parent(const struct answer_builder *b, const struct node *n)
{
	struct answer_zone *up = b->parent[n->zone];

	if (up == NULL || n->name_len != b->t->zones[n->zone].apex_len ||
	    answer_node_rrset(n, LDNS_RR_TYPE_DS).n > 0)
		return NULL;
	return up;
}

/*
 * DS at a child's apex: the DS RRset lives on the parent's side of the cut
 * (RFC 4035 section 3.1.4.1, RFC 4034 section 5), and we sign nothing, so
 * the parent says NODATA, its own SOA with its negative TTL (RFC 2308).
 */
static int
compile_ds(struct answer_builder *b, const struct node *n,
    struct answer_zone *up, size_t ai)
{
	struct enc_section none = { NULL, 0, NULL }, soa = zone_soa(b->t, up);

	if (ans_begin(b, ai, LDNS_RR_TYPE_DS, 1) < 0 ||
	    ans_var(b, ai, 0, render_var(b, n->name, LDNS_RR_TYPE_DS,
	    LDNS_RCODE_NOERROR, &none, &soa, &none)) < 0)
		return -1;
	return 0;
}

/* Whether wire name name is at or below wire name top. */
static bool
name_at_or_below(const uint8_t *name, size_t len, const uint8_t *top,
    size_t toplen)
{
	while (len > toplen) {
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
	}
	return len == toplen && memcmp(name, top, len) == 0;
}

/*
 * The referral that answers every name at or below the cut above node n
 * (RFC 1034 section 4.3.2 step 3b): NOERROR, AA clear, the cut's NS RRset
 * in authority, and in additional the A and AAAA records of the name
 * servers at or below the cut (the glue, RFC 9471: all of it required).
 * Nothing else from below the cut is ever served. DS at the cut is the
 * parent's: a DS RRset there is n's one answer, else DS gets NODATA.
 */
static int
compile_referral(struct answer_builder *b, const struct node *n)
{
	const uint8_t *name = n->name;
	size_t len = n->name_len;
	const struct node *cut = NULL;

	/* The closest cut at or above n: the zone checks let no cut nest. */
	while (len >= b->t->zones[n->zone].apex_len && cut == NULL) {
		const struct node *m = builder_find(b, name, len);
		if (m != NULL && m->cut)
			cut = m;
		else if (len <= 1)
			break;
		else {
			len -= 1 + (size_t)name[0];
			name += 1 + name[0];
		}
	}
	if (cut == NULL)
		return -1;
	struct enc_section ns = answer_node_rrset(cut, LDNS_RR_TYPE_NS);
	struct enc_section none = { NULL, 0, NULL };
	struct rrvec ad;
	const struct node *seen[64];
	size_t nseen = 0;
	int rc = -1;

	rrvec_init(&ad);
	for (size_t i = 0; i < ns.n; i++) {
		uint8_t target[DNS_MAX_NAME];
		size_t tlen = rdata_name(&ns.rr[i], target);
		bool dup = false;

		if (tlen == 0 || !name_at_or_below(target, tlen, cut->name,
		    cut->name_len))
			continue;	/* out of bailiwick: no glue of ours */
		const struct node *g = builder_find(b, target, tlen);
		if (g == NULL)
			continue;
		for (size_t j = 0; j < nseen; j++)
			dup = dup || seen[j] == g;
		if (dup)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = g;
		struct enc_section a = answer_node_rrset(g, LDNS_RR_TYPE_A);
		struct enc_section aaaa = answer_node_rrset(g, LDNS_RR_TYPE_AAAA);
		if (rrvec_add(&ad, a.rr, a.n) < 0 ||
		    rrvec_add(&ad, aaaa.rr, aaaa.n) < 0)
			goto out;
	}
	struct enc_section adsec = { ad.rr, ad.n, NULL };
	/* A DS RRset at the cut is the parent's data: it answers for it. */
	struct enc_section ds = answer_node_rrset(n, LDNS_RR_TYPE_DS);
	size_t nds = n->cut && ds.n > 0;
	if (ans_array(b, nds, true) < 0 ||
	    ans_begin(b, nds, 0, 1) < 0 ||
	    ans_var(b, nds, 0, render_splice(b, false, NULL,
	    LDNS_RCODE_NOERROR, &none, &ns, &adsec, true)) < 0)
		goto out;
	if (nds && compile_rrset(b, n, ds, 0) < 0)
		goto out;
	rc = 0;
out:
	rrvec_free(&ad);
	return rc;
}

/* A node without CNAME or cut: one answer per type, DS in its place. */
static int
compile_plain(struct answer_builder *b, const struct node *n)
{
	struct answer_zone *up = ds_parent(b, n);
	size_t ntypes = up != NULL, ai = 0;

	for (size_t i = 0; i < n->nrrs; i++)
		ntypes += (i == 0 || node_type(n, i) != node_type(n, i - 1));
	if (ans_array(b, ntypes, false) < 0)
		return -1;
	for (size_t i = 0; i < n->nrrs; ) {
		uint16_t type = node_type(n, i);
		struct enc_section set = answer_node_rrset(n, type);
		/* The DS answer in its place: the answers stay sorted by type. */
		if (up != NULL && type > LDNS_RR_TYPE_DS) {
			if (compile_ds(b, n, up, ai++) < 0)
				return -1;
			up = NULL;
		}
		if (compile_rrset(b, n, set, ai++) < 0)
			return -1;
		i += set.n;
	}
	if (up != NULL && compile_ds(b, n, up, ai) < 0)
		return -1;
	return 0;
}

/*
 * Compiles n into a struct cnode at the end of the builder's block: the
 * node, its name, its answers and their messages together, so that a
 * query touches one region, not four.
 */
int
answer_compile_node(struct answer_builder *b, struct node *n)
{
	/* Offset 0 is no node: a slot's ref 0 is empty. */
	if (b->out.len == 0 && answer_block_take(&b->out, 4, 4) == SIZE_MAX)
		return -1;
	size_t at = answer_block_take(&b->out, sizeof(struct cnode) +
	    n->name_len, REF_UNIT);
	if (at == SIZE_MAX || at / REF_UNIT > REF_MASK)
		return -1;
	struct cnode *cn = (struct cnode *)(b->out.base + at);
	cn->zone = n->zone;
	cn->name_len = n->name_len;
	cn->flags = (uint8_t)((n->cut ? CN_CUT : 0) | (n->deleg ? CN_DELEG : 0) |
	    (n->wild ? CN_WILD : 0) | (n->splice ? CN_SPLICE : 0));
	memcpy(cn->name, n->name, n->name_len);
	b->node_at = at;
	b->ans_at = 0;
	n->ref = (uint32_t)((b->idx << REF_SHIFT) | (at / REF_UNIT));
	int rc;
	if (n->deleg)
		rc = compile_referral(b, n);
	else if (n->cname)
		rc = compile_cname(b, n);
	else
		rc = compile_plain(b, n);
	/* The next node starts aligned for its header. */
	if (rc == 0 && answer_block_take(&b->out, 0, REF_UNIT) == SIZE_MAX)
		rc = -1;
	return rc;
}
