/* ocs.c -- what OCS 2007 clients look up: the sign-in services as data. */
#include <string.h>
#include <strings.h>

#include "ocs.h"

/*
 * shared/ocs-dns.md section 1: the four sign-in records in the client's
 * order, ports as the field note gives them, then federation (SIP/MTLS on
 * 5061 to the Access Edge).
 */
const struct ocs_service ocs_services[OCS_NSERVICES] = {
	[OCS_SIPINTERNALTLS] = { "_sipinternaltls._tcp", "sipinternaltls_port",
	    5061, OCS_TLS, OCS_ROLE_POOL, true, true, OCS_ALWAYS },
	[OCS_SIPINTERNAL] = { "_sipinternal._tcp", "sipinternal_port",
	    5060, OCS_TCP, OCS_ROLE_POOL, true, true, OCS_ALWAYS },
	[OCS_SIP_TLS] = { "_sip._tls", "sip_tls_port",
	    443, OCS_TLS, OCS_ROLE_ACCESS_EDGE, false, true, OCS_ALWAYS },
	[OCS_SIP_TCP] = { "_sip._tcp", "sip_tcp_port",
	    443, OCS_TCP, OCS_ROLE_ACCESS_EDGE, false, true, OCS_IF_SIP_TCP },
	[OCS_SIPFEDERATIONTLS] = { "_sipfederationtls._tcp",
	    "sipfederationtls_port", 5061, OCS_TLS, OCS_ROLE_ACCESS_EDGE,
	    false, false, OCS_IF_FEDERATION },
};

/*
 * The fallback A names (ocs-dns.md section 1): sipinternal is the pool and
 * exists inside only; sip is the pool inside and the Access Edge outside;
 * sipexternal is the Access Edge everywhere.
 */
const struct ocs_fallback ocs_fallbacks[OCS_NFALLBACKS] = {
	{ "sipinternal", 5061, OCS_ROLE_POOL, OCS_ROLE_POOL, true },
	{ "sip", 5061, OCS_ROLE_POOL, OCS_ROLE_ACCESS_EDGE, false },
	{ "sipexternal", 443, OCS_ROLE_ACCESS_EDGE, OCS_ROLE_ACCESS_EDGE, false },
};

const struct ocs_service *
ocs_service_by_port_key(const char *key)
{
	for (size_t i = 0; i < OCS_NSERVICES; i++)
		if (strcmp(ocs_services[i].port_key, key) == 0)
			return &ocs_services[i];
	return NULL;
}

const struct ocs_service *
ocs_service_by_owner(const char *owner)
{
	for (size_t i = 0; i < OCS_NSERVICES; i++)
		if (strcasecmp(ocs_services[i].owner, owner) == 0)
			return &ocs_services[i];
	return NULL;
}

/*
 * shared/ocs-deployment.md, "DNS records by role": the pool, its Web
 * Components farm, Directors, the CWA URL and the Mediation Server and
 * gateway are internal; the edges' external FQDNs, the reverse proxy and
 * CWA's external URL are external; the edge's internal interface is on
 * the perimeter, resolved by the internal servers (its trusted edge list).
 */
#define NAME(k, a, w, s, r)	{ k, a, w, OCS_SCOPE_##s, r }
#define OWN(w, s)		{ "fqdn", "address", w, OCS_SCOPE_##s, true }

const struct ocs_role_def ocs_roles[OCS_NKINDS] = {
	[OCS_KIND_POOL] = { "pool", "pool",
	    .names = {
		[OCS_NAME_FQDN] = OWN("the pool's FQDN", INTERNAL),
		[OCS_NAME_WEB_FARM] = NAME("web_farm", "web_farm_address",
		    "the Web Components internal farm", INTERNAL, false),
	    },
	    .members = {
		[OCS_MEMBER_FRONT_END] = "front_end",
		[OCS_MEMBER_WEBCONF] = "webconf_server",
		[OCS_MEMBER_AV] = "av_server",
	    },
	    .signin = true },
	[OCS_KIND_DIRECTOR] = { "director", "Director",
	    .names = {
		[OCS_NAME_FQDN] = OWN("the Director's FQDN", INTERNAL),
	    },
	    .members = { [OCS_MEMBER_SERVER] = "server" },
	    .signin = true },
	[OCS_KIND_EDGE] = { "edge", "edge server",
	    .names = {
		[OCS_NAME_INTERNAL] = NAME("internal_fqdn",
		    "internal_address", "the edge's internal interface", PERIMETER, true),
		[OCS_NAME_ACCESS_EDGE] = NAME("access_edge",
		    "access_edge_address", "the Access Edge's external FQDN", EXTERNAL, false),
		[OCS_NAME_WEBCONF_EDGE] = NAME("webconf_edge",
		    "webconf_edge_address",
		    "the Web Conferencing Edge's external FQDN", EXTERNAL,
		    false),
		[OCS_NAME_AV_EDGE] = NAME("av_edge",
		    "av_edge_address", "the A/V Edge's external FQDN", EXTERNAL, false),
	    } },
	[OCS_KIND_REVERSE_PROXY] = { "reverse_proxy", "reverse proxy",
	    .names = {
		[OCS_NAME_FQDN] = OWN("the external web farm FQDN", EXTERNAL),
	    } },
	[OCS_KIND_CWA] = { "cwa", "Communicator Web Access",
	    .names = {
		[OCS_NAME_FQDN] = OWN("the internal CWA URL's host", INTERNAL),
		[OCS_NAME_EXTERNAL] = NAME("external_fqdn",
		    "external_address", "the external CWA URL's host", EXTERNAL, false),
	    } },
	[OCS_KIND_MEDIATION] = { "mediation", "Mediation Server",
	    .names = {
		[OCS_NAME_FQDN] = OWN("the Mediation Server's FQDN", INTERNAL),
		[OCS_NAME_GATEWAY] = NAME("gateway",
		    "gateway_address", "the media gateway", INTERNAL, false),
	    } },
	[OCS_KIND_ARCHIVING] = { "archiving", "Archiving and CDR Server",
	    .names = {
		[OCS_NAME_FQDN] = OWN("the Archiving Server's FQDN", INTERNAL),
	    } },
};

const struct ocs_role_def *
ocs_role_by_section(const char *section)
{
	for (size_t i = 0; i < OCS_NKINDS; i++)
		if (strcasecmp(ocs_roles[i].section, section) == 0)
			return &ocs_roles[i];
	return NULL;
}

/* ocs-dns.md section 1: 2007 devices ask ucupdates, R2 ucupdates-r2. */
const char *
ocs_device_update_label(enum ocs_version v)
{
	return v == OCS_2007_R2 ? "ucupdates-r2" : "ucupdates";
}

/* dd441191: desktop sharing in R2 CWA. */
const char *const ocs_cwa_aliases[OCS_CWA_NALIASES] = { "as", "download" };
