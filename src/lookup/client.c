/* client.c -- ocsdns-lookup: the hosts a client profile would try, in order. */
#include <string.h>

#include "lookup.h"

const char *
client_transport_name(enum ocs_transport transport)
{
	return transport == OCS_TLS ? "TLS" : "TCP";
}

static struct lookup_cand *
add_cand(struct lookup_client *cl, const struct signin_target *t,
    uint16_t port, enum ocs_transport transport, enum ocs_role role,
    int fallback)
{
	if (cl->ncand >= LOOKUP_MAX_CAND)
		return NULL;
	struct lookup_cand *c = &cl->cand[cl->ncand++];
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->port = port;
	c->transport = transport;
	c->role = role;
	c->fallback = fallback;
	return c;
}

/* The SRV records of the profile's names whose targets it would use. */
static void
plan_srv(struct lookup_client *cl, const struct signin *lk)
{
	for (int i = 0; i < cl->profile->nsrv; i++) {
		enum ocs_service_id s = cl->profile->srv[i];
		const ldns_rr *srv[SIGNIN_MAX_SRV];
		int n = signin_srv_records(lk, lk->srvq[s], srv);

		for (int k = 0; k < n; k++) {
			char name[LOOKUP_NAME_MAX];

			signin_srv_target(srv[k], name, sizeof(name));
			const struct signin_target *t = signin_find_target(lk,
			    name);
			/* The same rule as the sign-in verdict: strict
			 * domain matching, and an address. */
			if (t == NULL || t->naddr == 0 ||
			    !lookup_name_in_domain(name, lk->domain))
				continue;
			struct lookup_cand *c = add_cand(cl, t,
			    ldns_rdf2native_int16(ldns_rr_rdf(srv[k], 2)),
			    ocs_services[s].transport, ocs_services[s].role, 0);
			if (c != NULL)
				snprintf(c->record, sizeof(c->record), "%s",
				    lk->q[lk->srvq[s]].name);
		}
	}
}

/* The fallback tries of the profile, over TLS, for names that resolve. */
static void
plan_fallback(struct lookup_client *cl, const struct signin *lk)
{
	for (int i = 0; i < cl->profile->ntry; i++) {
		const struct ocs_client_try *try = &cl->profile->tries[i];
		const struct ocs_fallback *f = &ocs_fallbacks[try->fallback];
		const struct signin_target *t = &lk->fb[try->fallback];

		if (t->naddr == 0)
			continue;
		/* The Access Edge's rule holds where the name is the edge
		 * inside and out (sipexternal); sip names itself. */
		enum ocs_role role = f->inside == OCS_ROLE_ACCESS_EDGE &&
		    f->outside == OCS_ROLE_ACCESS_EDGE ?
		    OCS_ROLE_ACCESS_EDGE : OCS_ROLE_POOL;
		struct lookup_cand *c = add_cand(cl, t, try->port, OCS_TLS,
		    role, 1);
		if (c != NULL)
			snprintf(c->record, sizeof(c->record), "%s A", t->name);
	}
}

void
client_plan(struct lookup_client *cl, struct signin *lk,
    const struct ocs_client *profile)
{
	memset(cl, 0, sizeof(*cl));
	cl->profile = profile;
	plan_srv(cl, lk);
	int nsrv = cl->ncand;
	/*
	 * The run asks the fallback names only when Communicator 2007 finds
	 * no usable SRV record; another profile may need them when 2007
	 * would not (Phone Edition does not ask _sip._tcp).
	 */
	if (nsrv == 0) {
		if (lk->fb[0].name[0] == '\0')
			signin_query_fallback(lk);
		plan_fallback(cl, lk);
	}
	/* Communicator 2007 is the sign-in run's own verdict, word for word. */
	if (profile == &ocs_clients[OCS_CLIENT_2007]) {
		snprintf(cl->verdict, sizeof(cl->verdict), "%s", lk->verdict);
		return;
	}
	if (cl->ncand == 0) {
		snprintf(cl->verdict, sizeof(cl->verdict), "%s could not sign "
		    "in automatically to %s: no usable SRV record and no "
		    "fallback name resolves", profile->what, lk->domain);
		return;
	}
	const struct lookup_cand *c = &cl->cand[0];
	size_t len = (size_t)snprintf(cl->verdict, sizeof(cl->verdict),
	    "%s would connect to %s:%u over %s (", profile->what, c->t->name,
	    (unsigned)c->port, client_transport_name(c->transport));
	for (int i = 0; i < c->t->naddr && len < sizeof(cl->verdict); i++)
		len += (size_t)snprintf(cl->verdict + len,
		    sizeof(cl->verdict) - len, "%s%s", i ? ", " : "",
		    c->t->addr[i]);
	if (len < sizeof(cl->verdict))
		snprintf(cl->verdict + len, sizeof(cl->verdict) - len, ")%s",
		    c->fallback ? ", found by the fallback A name lookup (no "
		    "usable SRV record)" : "");
}
