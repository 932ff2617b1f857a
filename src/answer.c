/* answer.c -- compile zones into a hash table of prepared wire answers. */
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "synth.h"

#define MAX_ROTATIONS	16	/* variants of one rotating address RRset */
#define MAX_CHAIN	8	/* CNAMEs followed inside our data */

struct node {
	uint8_t		*name;		/* lower-case wire */
	uint8_t		 name_len;
	uint32_t	 hash;
	struct answer_zone *zone;
	bool		 cname;
	struct answer	*answers;	/* by qtype, sorted */
	size_t		 nanswers;
	struct answer	*other;		/* CNAME node: types the chain's end lacks */
	/* Load time only: the records at this name, borrowed from the view. */
	ldns_rr		**rrs;
	size_t		 nrrs;
	size_t		 caprrs;
};

struct answer_table {
	struct node	**slots;
	size_t		 mask;
	size_t		 nnodes;
	struct answer_zone *zones;
	size_t		 nzones;
};

/* --- names ------------------------------------------------------------ */

/* Lower-case wire form of an ldns dname; returns the length, 0 on error. */
static size_t
rdf_to_lname(const ldns_rdf *rdf, uint8_t out[DNS_MAX_NAME])
{
	size_t len = ldns_rdf_size(rdf);
	const uint8_t *d = ldns_rdf_data(rdf);

	if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || len == 0 ||
	    len > DNS_MAX_NAME)
		return 0;
	for (size_t i = 0; i < len; i++)
		out[i] = (d[i] >= 'A' && d[i] <= 'Z') ? (uint8_t)(d[i] + 32) : d[i];
	return len;
}

static struct node *
table_find(const struct answer_table *t, const uint8_t *name, size_t len,
    uint32_t hash)
{
	for (size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
		struct node *n = t->slots[i];
		if (n == NULL)
			return NULL;
		if (n->hash == hash && n->name_len == len &&
		    memcmp(n->name, name, len) == 0)
			return n;
	}
}

static int
table_grow(struct answer_table *t)
{
	size_t size = (t->mask + 1) * 2;
	struct node **slots = calloc(size, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i <= t->mask; i++) {
		struct node *n = t->slots[i];
		if (n == NULL)
			continue;
		size_t j = n->hash & (size - 1);
		while (slots[j] != NULL)
			j = (j + 1) & (size - 1);
		slots[j] = n;
	}
	free(t->slots);
	t->slots = slots;
	t->mask = size - 1;
	return 0;
}

/* Finds or adds the node of name in zone z. NULL when out of memory. */
static struct node *
table_node(struct answer_table *t, const uint8_t *name, size_t len,
    struct answer_zone *z)
{
	uint32_t hash = wire_name_hash(name, len);
	struct node *n = table_find(t, name, len, hash);

	if (n != NULL)
		return n;
	if ((t->nnodes + 1) * 2 > t->mask + 1 && table_grow(t) < 0)
		return NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->name = malloc(len)) == NULL) {
		free(n);
		return NULL;
	}
	memcpy(n->name, name, len);
	n->name_len = (uint8_t)len;
	n->hash = hash;
	n->zone = z;
	size_t i = hash & t->mask;
	while (t->slots[i] != NULL)
		i = (i + 1) & t->mask;
	t->slots[i] = n;
	t->nnodes++;
	return n;
}

static int
node_add_rr(struct node *n, ldns_rr *rr)
{
	if (n->nrrs == n->caprrs) {
		size_t cap = n->caprrs ? n->caprrs * 2 : 4;
		ldns_rr **v = realloc(n->rrs, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		n->rrs = v;
		n->caprrs = cap;
	}
	n->rrs[n->nrrs++] = rr;
	return 0;
}

/* The zone that holds name: the closest existing ancestor's zone. */
static struct node *
closest_node(const struct answer_table *t, const uint8_t *name, size_t len)
{
	while (len > 0) {
		struct node *n = table_find(t, name, len, wire_name_hash(name, len));
		if (n != NULL)
			return n;
		if (name[0] == 0)
			break;
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
	}
	return NULL;
}

/* --- rendering ---------------------------------------------------------- */

struct section {
	ldns_rr		**rr;
	size_t		 n;
};

static int
push_clones(ldns_pkt *pkt, ldns_pkt_section s, const struct section *sec)
{
	for (size_t i = 0; i < sec->n; i++) {
		ldns_rr *c = ldns_rr_clone(sec->rr[i]);
		/* ldns_pkt_push_rr() takes ownership of the clone. */
		if (c == NULL || !ldns_pkt_push_rr(pkt, s, c)) {
			ldns_rr_free(c);
			return -1;
		}
	}
	return 0;
}

/*
 * Renders one response: question (qname, qtype, qclass), the sections, rcode.
 * ldns compresses names as it writes the message.
 */
static int
render(struct answer_var *v, const ldns_rdf *qname, uint16_t qtype,
    uint16_t qclass, uint8_t rcode, const struct section *an,
    const struct section *ns, const struct section *ad)
{
	ldns_pkt *pkt = ldns_pkt_new();
	ldns_rr *q = ldns_rr_new();
	ldns_rdf *owner = ldns_rdf_clone(qname);
	uint8_t *wire = NULL;
	size_t size = 0, size_noadd = 0;
	int rc = -1;

	if (pkt == NULL || q == NULL || owner == NULL) {
		ldns_rr_free(q);
		ldns_rdf_deep_free(owner);
		goto out;
	}
	ldns_rr_set_owner(q, owner);
	ldns_rr_set_type(q, qtype);
	ldns_rr_set_class(q, qclass);
	ldns_rr_set_question(q, true);
	if (!ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q)) {
		ldns_rr_free(q);
		goto out;
	}
	ldns_pkt_set_qr(pkt, true);
	ldns_pkt_set_aa(pkt, true);
	ldns_pkt_set_rcode(pkt, rcode);
	if (push_clones(pkt, LDNS_SECTION_ANSWER, an) < 0 ||
	    push_clones(pkt, LDNS_SECTION_AUTHORITY, ns) < 0)
		goto out;
	if (ad->n > 0) {
		/* The prefix before the additional section is the same in both. */
		if (ldns_pkt2wire(&wire, pkt, &size_noadd) != LDNS_STATUS_OK)
			goto out;
		free(wire);
		wire = NULL;
		if (push_clones(pkt, LDNS_SECTION_ADDITIONAL, ad) < 0)
			goto out;
	}
	if (ldns_pkt2wire(&wire, pkt, &size) != LDNS_STATUS_OK ||
	    size > 65535) {
		free(wire);
		goto out;
	}
	/*
	 * ldns hands over its whole 64 KiB rendering buffer: keep an exact
	 * copy instead, or every answer would hold a page or more.
	 */
	if ((v->wire = malloc(size)) == NULL) {
		free(wire);
		goto out;
	}
	memcpy(v->wire, wire, size);
	free(wire);
	v->len = (uint16_t)size;
	v->len_noadd = (uint16_t)(ad->n > 0 ? size_noadd : size);
	v->arcount = (uint16_t)ad->n;
	rc = 0;
out:
	ldns_pkt_free(pkt);
	return rc;
}

void
answer_clear(struct answer *a)
{
	for (size_t i = 0; i < a->nvar; i++)
		free(a->var[i].wire);
	free(a->var);
	memset(a, 0, sizeof(*a));
}

const struct answer_var *
answer_next(struct answer *a)
{
	unsigned i = 0;

	if (a->nvar > 1) {
		i = a->next;
		a->next = (i + 1) % a->nvar;
	}
	return &a->var[i];
}

/* --- compiling a node --------------------------------------------------- */

static int
cmp_rr_type(const void *a, const void *b)
{
	const ldns_rr *x = *(ldns_rr * const *)a, *y = *(ldns_rr * const *)b;
	uint16_t tx = ldns_rr_get_type(x), ty = ldns_rr_get_type(y);

	return tx < ty ? -1 : tx > ty;
}

/* The records of type at node n, as a section (a slice of n->rrs). */
static struct section
node_rrset(const struct node *n, uint16_t type)
{
	struct section s = { NULL, 0 };

	for (size_t i = 0; i < n->nrrs; i++) {
		if (ldns_rr_get_type(n->rrs[i]) != type)
			continue;
		if (s.rr == NULL)
			s.rr = &n->rrs[i];
		s.n++;
	}
	return s;
}

/* A growable list of borrowed RR pointers, for building sections. */
struct rrvec {
	ldns_rr		**rr;
	size_t		 n, cap;
};

static int
rrvec_add(struct rrvec *v, ldns_rr *const *rr, size_t n)
{
	if (n == 0)
		return 0;
	if (v->n + n > v->cap) {
		size_t cap = (v->n + n) * 2;
		ldns_rr **p = realloc(v->rr, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		v->rr = p;
		v->cap = cap;
	}
	memcpy(v->rr + v->n, rr, n * sizeof(*rr));
	v->n += n;
	return 0;
}

/* The name in the rdata that wants addresses in the additional section. */
static const ldns_rdf *
additional_target(const ldns_rr *rr)
{
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_SRV:
		return ldns_rr_rdf(rr, 3);
	case LDNS_RR_TYPE_MX:
		return ldns_rr_rdf(rr, 1);
	case LDNS_RR_TYPE_NS:
		return ldns_rr_rdf(rr, 0);
	default:
		return NULL;
	}
}

/* Adds the A and AAAA RRsets of every target named by set (deduplicated). */
static int
collect_additional(const struct answer_table *t, const struct section *set,
    struct rrvec *ad)
{
	const struct node *seen[64];
	size_t nseen = 0;

	for (size_t i = 0; i < set->n; i++) {
		const ldns_rdf *target = additional_target(set->rr[i]);
		uint8_t name[DNS_MAX_NAME];
		size_t len;
		const struct node *tn;
		bool dup = false;

		if (target == NULL || (len = rdf_to_lname(target, name)) == 0)
			continue;
		tn = table_find(t, name, len, wire_name_hash(name, len));
		if (tn == NULL || tn->cname)
			continue;
		for (size_t j = 0; j < nseen; j++)
			dup = dup || seen[j] == tn;
		if (dup)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = tn;
		struct section a = node_rrset(tn, LDNS_RR_TYPE_A);
		struct section aaaa = node_rrset(tn, LDNS_RR_TYPE_AAAA);
		if (rrvec_add(ad, a.rr, a.n) < 0 ||
		    rrvec_add(ad, aaaa.rr, aaaa.n) < 0)
			return -1;
	}
	return 0;
}

static int
answer_alloc(struct answer *a, uint16_t qtype, size_t nvar)
{
	a->qtype = qtype;
	a->next = 0;
	a->var = calloc(nvar, sizeof(*a->var));
	return a->var == NULL ? -1 : 0;
}

/* The answer for one RRset of a plain (non-CNAME) node. */
static int
compile_rrset(const struct answer_table *t, const struct node *n,
    const ldns_rdf *owner, struct section set, struct answer *a)
{
	uint16_t type = ldns_rr_get_type(set.rr[0]);
	bool rotates = (type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA) &&
	    set.n > 1;
	size_t nvar = rotates ? (set.n < MAX_ROTATIONS ? set.n : MAX_ROTATIONS) : 1;
	struct rrvec ad = { NULL, 0, 0 }, rot = { NULL, 0, 0 };
	struct section none = { NULL, 0 };
	int rc = -1;

	(void)n;
	if (answer_alloc(a, type, nvar) < 0)
		return -1;
	if (collect_additional(t, &set, &ad) < 0)
		goto out;
	for (size_t i = 0; i < nvar; i++) {
		struct section an = set, adsec = { ad.rr, ad.n };
		if (rotates) {
			/* Variant i starts at record i and wraps around. */
			rot.n = 0;
			if (rrvec_add(&rot, set.rr + i, set.n - i) < 0 ||
			    rrvec_add(&rot, set.rr, i) < 0)
				goto out;
			an.rr = rot.rr;
		}
		if (render(&a->var[i], owner, type, LDNS_RR_CLASS_IN,
		    LDNS_RCODE_NOERROR, &an, &none, &adsec) < 0)
			goto out;
		a->nvar++;
	}
	rc = 0;
out:
	free(ad.rr);
	free(rot.rr);
	return rc;
}

/* The SOA of a zone, for the authority section of a negative answer. */
static struct section
zone_soa(struct answer_zone *z)
{
	return (struct section){ &z->neg_soa, 1 };
}

/*
 * A CNAME node answers every type with the CNAME and, following the chain
 * inside our data, the RRset of that type at its end; "other" covers the
 * types the end lacks (NODATA there, or NXDOMAIN when the end does not
 * exist in a zone of ours: RFC 6604).
 */
static int
compile_cname(const struct answer_table *t, struct node *n, const ldns_rdf *owner)
{
	struct rrvec chain = { NULL, 0, 0 };
	const struct node *end = NULL, *cur = n;
	struct section cn = node_rrset(n, LDNS_RR_TYPE_CNAME), none = { NULL, 0 };
	struct section soa = { NULL, 0 };
	uint8_t rcode = LDNS_RCODE_NOERROR;
	int rc = -1;

	for (int depth = 0; depth < MAX_CHAIN; depth++) {
		struct section c = node_rrset(cur, LDNS_RR_TYPE_CNAME);
		uint8_t name[DNS_MAX_NAME];
		size_t len;

		if (rrvec_add(&chain, c.rr, 1) < 0)
			goto out;
		if ((len = rdf_to_lname(ldns_rr_rdf(c.rr[0], 0), name)) == 0)
			break;
		const struct node *next = table_find(t, name, len,
		    wire_name_hash(name, len));
		if (next == NULL) {
			const struct node *anc = closest_node(t, name, len);
			if (anc != NULL) {	/* in our zone, but absent */
				rcode = LDNS_RCODE_NXDOMAIN;
				soa = zone_soa(anc->zone);
			}
			break;
		}
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
			nends += (i == 0 || ldns_rr_get_type(end->rrs[i]) !=
			    ldns_rr_get_type(end->rrs[i - 1]));
	n->answers = calloc(nends + 1, sizeof(*n->answers));
	n->other = calloc(1, sizeof(*n->other));
	if (n->answers == NULL || n->other == NULL)
		goto out;
	if (answer_alloc(&n->answers[0], LDNS_RR_TYPE_CNAME, 1) < 0 ||
	    render(&n->answers[0].var[0], owner, LDNS_RR_TYPE_CNAME,
	    LDNS_RR_CLASS_IN, LDNS_RCODE_NOERROR, &cn, &none, &none) < 0)
		goto out;
	n->answers[0].nvar = 1;
	n->nanswers = 1;
	for (size_t i = 0; end != NULL && i < end->nrrs; ) {
		uint16_t type = ldns_rr_get_type(end->rrs[i]);
		struct section set = node_rrset(end, type);
		struct rrvec an = { NULL, 0, 0 };
		struct answer *a = &n->answers[n->nanswers];
		int r = rrvec_add(&an, chain.rr, chain.n);

		r = r < 0 ? r : rrvec_add(&an, set.rr, set.n);
		r = r < 0 ? r : answer_alloc(a, type, 1);
		if (r == 0) {
			struct section s = { an.rr, an.n };
			r = render(&a->var[0], owner, type, LDNS_RR_CLASS_IN,
			    LDNS_RCODE_NOERROR, &s, &none, &none);
		}
		free(an.rr);
		if (r < 0)
			goto out;
		a->nvar = 1;
		n->nanswers++;
		i += set.n;
	}
	if (end != NULL)
		soa = zone_soa(end->zone);
	struct section ch = { chain.rr, chain.n };
	if (answer_alloc(n->other, 0, 1) < 0 ||
	    render(&n->other->var[0], owner, 0, LDNS_RR_CLASS_IN, rcode,
	    &ch, &soa, &none) < 0)
		goto out;
	n->other->nvar = 1;
	rc = 0;
out:
	free(chain.rr);
	return rc;
}

static int
compile_node(const struct answer_table *t, struct node *n)
{
	ldns_rdf *owner = ldns_dname_new_frm_data(n->name_len, n->name);
	int rc = -1;

	if (owner == NULL)
		return -1;
	if (n->nrrs > 0)	/* an empty non-terminal has none */
		qsort(n->rrs, n->nrrs, sizeof(*n->rrs), cmp_rr_type);
	n->cname = node_rrset(n, LDNS_RR_TYPE_CNAME).n > 0;
	if (n->cname) {
		rc = compile_cname(t, n, owner);
		goto out;
	}
	size_t ntypes = 0;
	for (size_t i = 0; i < n->nrrs; i++)
		ntypes += (i == 0 || ldns_rr_get_type(n->rrs[i]) !=
		    ldns_rr_get_type(n->rrs[i - 1]));
	if (ntypes > 0 && (n->answers = calloc(ntypes, sizeof(*n->answers))) == NULL)
		goto out;
	for (size_t i = 0; i < n->nrrs; ) {
		struct section set = node_rrset(n, ldns_rr_get_type(n->rrs[i]));
		if (compile_rrset(t, n, owner, set, &n->answers[n->nanswers]) < 0) {
			answer_clear(&n->answers[n->nanswers]);
			goto out;
		}
		n->nanswers++;
		i += set.n;
	}
	rc = 0;
out:
	ldns_rdf_deep_free(owner);
	return rc;
}

/* --- building the table ------------------------------------------------- */

static int
zone_init(struct answer_zone *z, const struct synth_zone *sz)
{
	const ldns_rr *soa = ldns_rr_list_rr(sz->rrs, 0);
	uint8_t name[DNS_MAX_NAME], *wire = NULL;
	size_t len, size;
	ldns_rr *c;

	if (soa == NULL || ldns_rr_get_type(soa) != LDNS_RR_TYPE_SOA ||
	    (len = rdf_to_lname(ldns_rr_owner(soa), name)) == 0)
		return -1;
	if ((z->apex = malloc(len)) == NULL || (c = ldns_rr_clone(soa)) == NULL)
		return -1;
	memcpy(z->apex, name, len);
	z->apex_len = (uint8_t)len;
	/* The negative-answer SOA carries the negative TTL (RFC 2308 section 3). */
	ldns_rr_set_ttl(c, sz->neg_ttl);
	z->neg_soa = c;
	ldns_status st = ldns_rr2wire(&wire, c, LDNS_SECTION_AUTHORITY, &size);
	if (st != LDNS_STATUS_OK || size <= len) {
		free(wire);
		return -1;
	}
	/* Keep what follows the (uncompressed) owner name. */
	z->soa_tail_len = (uint16_t)(size - len);
	z->soa_tail = malloc(z->soa_tail_len);
	if (z->soa_tail != NULL)
		memcpy(z->soa_tail, wire + len, z->soa_tail_len);
	free(wire);
	return z->soa_tail == NULL ? -1 : 0;
}

/* Adds a node for each empty non-terminal between name and the apex. */
static int
add_ancestors(struct answer_table *t, const uint8_t *name, size_t len,
    struct answer_zone *z)
{
	while (len > z->apex_len) {
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
		if (table_node(t, name, len, z) == NULL)
			return -1;
	}
	return 0;
}

struct answer_table *
answer_table_build(const struct synth_view *sv)
{
	struct answer_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->mask = 63;
	t->slots = calloc(t->mask + 1, sizeof(*t->slots));
	t->zones = calloc(sv->nzones ? sv->nzones : 1, sizeof(*t->zones));
	if (t->slots == NULL || t->zones == NULL)
		goto fail;

	for (size_t zi = 0; zi < sv->nzones; zi++) {
		const struct synth_zone *sz = &sv->zones[zi];
		struct answer_zone *z = &t->zones[zi];

		t->nzones++;
		if (zone_init(z, sz) < 0)
			goto fail;
		for (size_t i = 0; i < ldns_rr_list_rr_count(sz->rrs); i++) {
			ldns_rr *rr = ldns_rr_list_rr(sz->rrs, i);
			uint8_t name[DNS_MAX_NAME];
			size_t len = rdf_to_lname(ldns_rr_owner(rr), name);
			struct node *n;

			if (len == 0 || (n = table_node(t, name, len, z)) == NULL ||
			    node_add_rr(n, rr) < 0 ||
			    add_ancestors(t, name, len, z) < 0)
				goto fail;
		}
	}
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slots[i] != NULL && compile_node(t, t->slots[i]) < 0)
			goto fail;
	/* The borrowed record lists are not needed to answer. */
	for (size_t i = 0; i <= t->mask; i++) {
		if (t->slots[i] == NULL)
			continue;
		free(t->slots[i]->rrs);
		t->slots[i]->rrs = NULL;
		t->slots[i]->nrrs = t->slots[i]->caprrs = 0;
	}
	return t;
fail:
	answer_table_free(t);
	return NULL;
}

void
answer_table_free(struct answer_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; t->slots != NULL && i <= t->mask; i++) {
		struct node *n = t->slots[i];
		if (n == NULL)
			continue;
		for (size_t j = 0; j < n->nanswers; j++)
			answer_clear(&n->answers[j]);
		free(n->answers);
		if (n->other != NULL)
			answer_clear(n->other);
		free(n->other);
		free(n->rrs);
		free(n->name);
		free(n);
	}
	for (size_t i = 0; t->zones != NULL && i < t->nzones; i++) {
		free(t->zones[i].apex);
		free(t->zones[i].soa_tail);
		ldns_rr_free(t->zones[i].neg_soa);
	}
	free(t->zones);
	free(t->slots);
	free(t);
}

size_t
answer_table_nnodes(const struct answer_table *t)
{
	return t->nnodes;
}

int
answer_prepare(struct answer *a, ldns_rr **rrs, size_t n)
{
	struct section an = { rrs, n }, none = { NULL, 0 };

	memset(a, 0, sizeof(*a));
	if (n == 0 || answer_alloc(a, ldns_rr_get_type(rrs[0]), 1) < 0)
		return -1;
	if (render(&a->var[0], ldns_rr_owner(rrs[0]), ldns_rr_get_type(rrs[0]),
	    ldns_rr_get_class(rrs[0]), LDNS_RCODE_NOERROR, &an, &none, &none) < 0) {
		answer_clear(a);
		return -1;
	}
	a->nvar = 1;
	return 0;
}

/* --- the query path ----------------------------------------------------- */

void
answer_lookup(struct answer_table *t, const uint8_t *lname, size_t len,
    uint16_t qtype, struct lookup *out)
{
	struct node *n = table_find(t, lname, len, wire_name_hash(lname, len));

	out->var = NULL;
	out->zone = NULL;
	if (n == NULL) {
		n = closest_node(t, lname, len);
		out->kind = n ? LOOKUP_NXDOMAIN : LOOKUP_REFUSED;
		out->zone = n ? n->zone : NULL;
		return;
	}
	out->zone = n->zone;
	/* ANY (RFC 8482): the first RRset only, a small answer. */
	if (qtype == TYPE_ANY && n->nanswers > 0) {
		out->kind = LOOKUP_ANSWER;
		out->var = answer_next(&n->answers[0]);
		return;
	}
	for (size_t i = 0; i < n->nanswers; i++) {
		if (n->answers[i].qtype == qtype) {
			out->kind = LOOKUP_ANSWER;
			out->var = answer_next(&n->answers[i]);
			return;
		}
	}
	if (n->other != NULL) {
		out->kind = LOOKUP_ANSWER;
		out->var = answer_next(n->other);
		return;
	}
	out->kind = LOOKUP_NODATA;
}
