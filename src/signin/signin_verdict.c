/* signin_verdict.c -- where Communicator would sign in, if anywhere. */
#include <string.h>

#include "signin/signin.h"

static const char *
transport_name(enum ocs_transport transport)
{
	return transport == OCS_TLS ? "TLS" : "TCP";
}

static void
set_verdict(struct signin *lk, const struct signin_target *t, uint16_t port,
    const char *transport, const char *record, int fallback)
{
	lk->ok = 1;
	lk->fallback = fallback;
	lk->via = t;
	lk->port = port;
	lk->transport = transport;
	snprintf(lk->record, sizeof(lk->record), "%s", record);
	size_t len = (size_t)snprintf(lk->verdict, sizeof(lk->verdict),
	    "Communicator would connect to %s:%u over %s (", t->name,
	    (unsigned)port, transport);
	for (int i = 0; i < t->naddr && len < sizeof(lk->verdict); i++)
		len += (size_t)snprintf(lk->verdict + len,
		    sizeof(lk->verdict) - len, "%s%s", i ? ", " : "",
		    t->addr[i]);
	if (len < sizeof(lk->verdict))
		snprintf(lk->verdict + len, sizeof(lk->verdict) - len, ")%s",
		    fallback ? ", found by the fallback A name lookup (no "
		    "usable SRV record)" : "");
}

/* The first SRV record, in the client's order, whose target it would use. */
void
signin_verdict_srv(struct signin *lk)
{
	for (size_t s = 0; s < OCS_NSERVICES && !lk->ok; s++) {
		const char *owner = lk->q[lk->srvq[s]].name;
		const ldns_rr *srv[SIGNIN_MAX_SRV];

		if (!ocs_services[s].signin)
			continue;
		int n = signin_srv_records(lk, lk->srvq[s], srv);
		if (n == 0)
			continue;
		for (int i = 0; i < n; i++) {
			char name[LOOKUP_NAME_MAX];

			signin_srv_target(srv[i], name, sizeof(name));
			const struct signin_target *t = signin_find_target(lk, name);
			if (t == NULL || t->naddr == 0 ||
			    !lookup_name_in_domain(name, lk->domain))
				continue;
			set_verdict(lk, t,
			    ldns_rdf2native_int16(ldns_rr_rdf(srv[i], 2)),
			    transport_name(ocs_services[s].transport), owner,
			    0);
			return;
		}
		lk->unusable |= 1u << s;
	}
}

/*
 * The first fallback name, in the client's order, that has an address.
 * The client speaks TLS to every fallback name.
 */
void
signin_verdict_fallback(struct signin *lk)
{
	for (size_t f = 0; f < OCS_NFALLBACKS; f++) {
		if (lk->fb[f].naddr > 0) {
			char name[LOOKUP_NAME_MAX];

			snprintf(name, sizeof(name), "%s A", lk->fb[f].name);
			set_verdict(lk, &lk->fb[f], ocs_fallbacks[f].port,
			    transport_name(OCS_TLS), name, 1);
			return;
		}
	}
}

void
signin_verdict_none(struct signin *lk)
{
	snprintf(lk->verdict, sizeof(lk->verdict),
	    "Communicator could not sign in automatically to %s: no "
	    "usable SRV record and no fallback name resolves", lk->domain);
}
