/* dns.c -- ocsdns-plan: the records served, and what must live elsewhere. */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "plan.h"
#include "snapshot.h"

static const char *const cols[] = { "network", "view", "zone", "name",
    "ttl", "type", "data", "where" };
static const char *const host_cols[] = { "address", "fqdn", "edge",
    "comment" };

/*
 * An rr's rdata as text, with the SOA serial as "SERIAL": it is the
 * clock at load time, and a plan that changes every second is no plan.
 */
static char *
rdata_text(const ldns_rr *rr)
{
	ldns_buffer *b = ldns_buffer_new(256);
	if (b == NULL)
		return NULL;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		if (i > 0)
			ldns_buffer_printf(b, " ");
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && i == 2)
			ldns_buffer_printf(b, "SERIAL");
		else
			ldns_rdf2buffer_str(b, ldns_rr_rdf(rr, i));
	}
	char *s = ldns_buffer_export2str(b);
	ldns_buffer_free(b);
	return s;
}

static int
served(struct plan *p, const struct snapshot *snap)
{
	for (size_t v = 0; v < snap->nviews; v++) {
		const struct synth_view *sv = &snap->views[v].sv;
		char where[200];
		snprintf(where, sizeof(where), "ocsdnsd, view %s", sv->name);
		for (size_t z = 0; z < sv->nzones; z++) {
			const struct synth_zone *zone = &sv->zones[z];
			/* From the packed records: a transient list. */
			ldns_rr_list *rrs = synth_zone_list(zone, ZONEWIRE_ZONE);
			if (rrs == NULL)
				return -1;
			for (size_t i = 0; i < ldns_rr_list_rr_count(rrs);
			    i++) {
				const ldns_rr *rr = ldns_rr_list_rr(rrs, i);
				char *owner = ldns_rdf2str(ldns_rr_owner(rr));
				char *type = ldns_rr_type2str(ldns_rr_get_type(rr));
				char *data = rdata_text(rr);
				char ttl[16];
				snprintf(ttl, sizeof(ttl), "%u",
				    (unsigned)ldns_rr_ttl(rr));
				int rc = owner == NULL || type == NULL ||
				    data == NULL ? -1 :
				    plan_table_add(&p->t[PLAN_DNS], sv->external ?
				    "external" : "internal", sv->name, zone->name,
				    owner, ttl, type, data, where);
				free(owner);
				free(type);
				free(data);
				if (rc < 0) {
					ldns_rr_list_deep_free(rrs);
					return -1;
				}
			}
			ldns_rr_list_deep_free(rrs);
		}
	}
	return 0;
}

/*
 * The edges' next hop: the pool or Director they forward to, which they
 * resolve from a perimeter DNS or their hosts file, never from the
 * internal DNS (ocs-deployment.md, "edges' next hop").
 */
static int
elsewhere(struct plan *p)
{
	const struct config *cfg = p->cfg;

	for (size_t i = 0; i < cfg->nroles; i++) {
		const struct cfg_role *e = &cfg->roles[i];
		if (e->kind != OCS_KIND_EDGE || e->next_hop == NULL)
			continue;
		const struct cfg_role *hop = plan_role_find(cfg, OCS_KIND_POOL,
		    e->next_hop);
		if (hop == NULL)
			hop = plan_role_find(cfg, OCS_KIND_DIRECTOR, e->next_hop);
		if (hop == NULL || hop->names[OCS_NAME_FQDN].fqdn == NULL)
			continue;
		const struct cfg_role_name *n = &hop->names[OCS_NAME_FQDN];
		char label[160], where[300], owner[300], comment[400];
		plan_role_label(cfg, i, label, sizeof(label));
		snprintf(where, sizeof(where), "perimeter DNS or the hosts file "
		    "of %s", label);
		snprintf(owner, sizeof(owner), "%s.", n->fqdn);
		snprintf(comment, sizeof(comment), "next hop of %s: [%s %s]",
		    label, ocs_roles[hop->kind].section, hop->name);
		for (size_t a = 0; a < n->naddrs; a++) {
			char *addr = plan_addrs(&n->addrs[a], 1), ttl[16];
			if (addr == NULL)
				return -1;
			snprintf(ttl, sizeof(ttl), "%u", (unsigned)cfg->ttl);
			int rc = plan_table_add(&p->t[PLAN_DNS], "perimeter", "",
			    "", owner, ttl, n->addrs[a].family == AF_INET6 ?
			    "AAAA" : "A", addr, where);
			if (rc == 0)
				rc = plan_table_add(&p->t[PLAN_HOSTS], addr, n->fqdn,
				    label, comment);
			free(addr);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

int
plan_dns(struct plan *p, const struct snapshot *snap)
{
	plan_table_init(&p->t[PLAN_DNS], "dns", "DNS", cols,
	    sizeof(cols) / sizeof(cols[0]));
	plan_table_init(&p->t[PLAN_HOSTS], "hosts",
	    "Hosts file of the edge servers", host_cols,
	    sizeof(host_cols) / sizeof(host_cols[0]));
	if (served(p, snap) < 0)
		return -1;
	return elsewhere(p);
}
