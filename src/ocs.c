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

/* --- ports -------------------------------------------------------------- */

/*
 * The internal firewall sits between the internal network and the
 * perimeter, the external one between the perimeter and the Internet;
 * "inbound" is towards the inside, "outbound" away from it. "none" rows
 * are inside the internal network (host firewalls, ACLs between subnets).
 * 8057 on the Web Conferencing Edge is its internal side only; what
 * 50000-59999 needs differs between 2007 and R2 (ocs-deployment.md).
 */
#define E(k, s)		{ OCS_END_##k, s }
#define NET		E(INTERNET, 0)
#define CLIENTS		E(CLIENTS, 0)
#define SLOT(s)		E(SLOT, OCS_NAME_##s)
#define MEMBERS(s)	E(MEMBERS, OCS_MEMBER_##s)
#define HOP		E(NEXT_HOP, 0)
#define POOLS(s)	E(POOLS_SLOT, OCS_NAME_##s)
#define POOL_SERVERS(s)	E(POOLS_MEMBERS, OCS_MEMBER_##s)
#define NEEDS(s)	OCS_NAME_##s
#define ANY		(-1)

const struct ocs_port_rule ocs_port_rules[] = {
	/* Front end servers, Web Components, conferencing servers. */
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, SLOT(FQDN),
	    "5060", "TCP", "SIP", "internal SIP between servers and with "
	    "Communicator" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, SLOT(FQDN),
	    "5061", "TCP", "SIP/MTLS", "internal SIP over TLS between servers "
	    "and with Communicator and Live Meeting" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", MEMBERS(FRONT_END),
	    SLOT(WEB_FARM), "443", "TCP", "HTTPS", "front end servers to the "
	    "Web farm FQDN (Web Components)" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, SLOT(WEB_FARM),
	    "443", "TCP", "HTTPS", "clients to the pool URLs (Web Components)" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", MEMBERS(FRONT_END),
	    MEMBERS(WEBCONF), "444", "TCP", "HTTPS", "the focus to the "
	    "conferencing servers" },
	{ OCS_KIND_POOL, ANY, OCS_PORT_ENTERPRISE, "none", "internal",
	    MEMBERS(FRONT_END), MEMBERS(FRONT_END), "135", "TCP", "DCOM/RPC",
	    "behind a load balancer: WMI and moving users" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, MEMBERS(WEBCONF),
	    "8057", "TCP", "PSOM/TLS", "Live Meeting to the Web Conferencing "
	    "Server" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", MEMBERS(FRONT_END),
	    MEMBERS(AV), "5063", "TCP", "SIP", "SIP to the A/V Conferencing "
	    "Server" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, MEMBERS(AV),
	    "49152-65535", "UDP", "RTP/RTCP", "media to the A/V Conferencing "
	    "Server" },
	{ OCS_KIND_POOL, ANY, 0, "none", "internal", CLIENTS, CLIENTS,
	    "6891-6901", "TCP", "file transfer", "Communicator and Live "
	    "Meeting file transfer" },
	/* Directors. */
	{ OCS_KIND_DIRECTOR, ANY, 0, "none", "internal", CLIENTS, SLOT(FQDN),
	    "5061", "TCP", "SIP/MTLS", "sign-in through the Director" },
	{ OCS_KIND_DIRECTOR, ANY, 0, "none", "internal", SLOT(FQDN),
	    POOLS(FQDN), "5061", "TCP", "SIP/MTLS", "the Director to the pool" },
	/* The edge: Access Edge. */
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), 0, "external", "inbound", NET,
	    SLOT(ACCESS_EDGE), "443", "TCP", "SIP/TLS", "remote user access" },
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), OCS_PORT_FEDERATION, "external",
	    "inbound", NET, SLOT(ACCESS_EDGE), "5061", "TCP", "SIP/MTLS",
	    "federation and public IM from partners" },
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), OCS_PORT_FEDERATION, "external",
	    "outbound", SLOT(ACCESS_EDGE), NET, "5061", "TCP", "SIP/MTLS",
	    "federation and public IM to partners" },
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), 0, "internal", "inbound",
	    SLOT(INTERNAL), HOP, "5061", "TCP", "SIP/MTLS", "the Access Edge "
	    "to its next hop" },
	{ OCS_KIND_EDGE, NEEDS(ACCESS_EDGE), 0, "internal", "outbound", HOP,
	    SLOT(INTERNAL), "5061", "TCP", "SIP/MTLS", "the next hop to the "
	    "Access Edge" },
	/* Web Conferencing Edge. */
	{ OCS_KIND_EDGE, NEEDS(WEBCONF_EDGE), 0, "external", "inbound", NET,
	    SLOT(WEBCONF_EDGE), "443", "TCP", "PSOM/TLS", "remote, anonymous "
	    "and federated users to internal web conferences" },
	{ OCS_KIND_EDGE, NEEDS(WEBCONF_EDGE), 0, "internal", "outbound",
	    POOL_SERVERS(WEBCONF), SLOT(INTERNAL), "8057", "TCP", "PSOM/MTLS",
	    "Web Conferencing Server to the Web Conferencing Edge's internal "
	    "interface (internal side only)" },
	/* A/V Edge. */
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "external", "inbound", NET,
	    SLOT(AV_EDGE), "443", "TCP", "STUN/TCP", "media relay for external "
	    "users" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "external", "inbound", NET,
	    SLOT(AV_EDGE), "3478", "UDP", "STUN/UDP", "media relay for external "
	    "users" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "external", "outbound",
	    SLOT(AV_EDGE), NET, "3478", "UDP", "STUN/UDP", "media relay for "
	    "external users" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), OCS_PORT_2007, "external", "inbound",
	    NET, SLOT(AV_EDGE), "50000-59999", "TCP/UDP", "RTP",
	    "2007: A/V with federated partners, both directions" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), OCS_PORT_2007, "external", "outbound",
	    SLOT(AV_EDGE), NET, "50000-59999", "TCP/UDP", "RTP",
	    "2007: A/V with federated partners, both directions" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), OCS_PORT_R2, "external", "outbound",
	    SLOT(AV_EDGE), NET, "50000-59999", "TCP", "RTP/TCP",
	    "R2: outbound only with R2 partners only; both directions with "
	    "2007 or older partners; closable with no federated A/V" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "external", "outbound",
	    SLOT(AV_EDGE), NET, "1024-65535", "TCP/UDP", "RTP",
	    "media to the remote clients' ports (Communicator, Live Meeting)" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "internal", "outbound",
	    POOL_SERVERS(AV), SLOT(INTERNAL), "5062", "TCP", "SIP/MTLS",
	    "A/V authentication, outbound through the internal firewall" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "internal", "outbound", CLIENTS,
	    SLOT(INTERNAL), "443", "TCP", "STUN/TCP", "internal media to the "
	    "A/V Edge" },
	{ OCS_KIND_EDGE, NEEDS(AV_EDGE), 0, "internal", "outbound", CLIENTS,
	    SLOT(INTERNAL), "3478", "UDP", "STUN/UDP", "internal media to the "
	    "A/V Edge" },
	/* Reverse proxy, Communicator Web Access, Mediation Server. */
	{ OCS_KIND_REVERSE_PROXY, ANY, 0, "external", "inbound", NET,
	    SLOT(FQDN), "443", "TCP", "HTTPS", "external users: address book, "
	    "group expansion, meeting content" },
	{ OCS_KIND_REVERSE_PROXY, ANY, 0, "internal", "inbound", SLOT(FQDN),
	    POOLS(WEB_FARM), "443", "TCP", "HTTPS", "the reverse proxy to the "
	    "internal web farm" },
	{ OCS_KIND_CWA, ANY, 0, "none", "internal", CLIENTS, SLOT(FQDN), "443",
	    "TCP", "HTTPS", "browsers to Communicator Web Access" },
	{ OCS_KIND_CWA, NEEDS(EXTERNAL), 0, "external", "inbound", NET,
	    SLOT(EXTERNAL), "443", "TCP", "HTTPS", "external browsers to "
	    "Communicator Web Access" },
	{ OCS_KIND_CWA, ANY, 0, "none", "internal", SLOT(FQDN), POOLS(FQDN),
	    "5061", "TCP", "SIP/MTLS", "CWA to the pool" },
	{ OCS_KIND_MEDIATION, ANY, 0, "none", "internal", POOLS(FQDN),
	    SLOT(FQDN), "5061", "TCP", "SIP/MTLS", "the pool to the Mediation "
	    "Server" },
	{ OCS_KIND_MEDIATION, NEEDS(GATEWAY), 0, "none", "internal", SLOT(FQDN),
	    SLOT(GATEWAY), "5060", "TCP", "SIP", "the Mediation Server to its "
	    "gateway (unverified: the gateway's port may differ)" },
};
const size_t ocs_nport_rules = sizeof(ocs_port_rules) /
    sizeof(ocs_port_rules[0]);

/* --- client profiles ---------------------------------------------------- */

/*
 * ocs-deployment.md, "Client lookup orders": Communicator 2007 takes the
 * first of the four sign-in SRV names that answers, then the A names
 * sipinternal, sip, sipexternal (ports as ocs_fallbacks[]); some R2 builds
 * try sip first; Phone Edition asks three SRV names (no _sip._tcp) and
 * tries each fallback name on 5061, then 443. None of them matches a
 * wildcard certificate name (OCS 2007: strict names).
 */
const struct ocs_client ocs_clients[OCS_NCLIENTS] = {
	[OCS_CLIENT_2007] = { "communicator2007", "Communicator 2007", 4,
	    { OCS_SIPINTERNALTLS, OCS_SIPINTERNAL, OCS_SIP_TLS, OCS_SIP_TCP },
	    3, { { 0, 5061 }, { 1, 5061 }, { 2, 443 } }, false },
	[OCS_CLIENT_2007_R2] = { "communicator2007r2", "Communicator 2007 R2",
	    4, { OCS_SIPINTERNALTLS, OCS_SIPINTERNAL, OCS_SIP_TLS,
	    OCS_SIP_TCP },
	    3, { { 1, 5061 }, { 0, 5061 }, { 2, 443 } }, false },
	[OCS_CLIENT_PHONE] = { "phone-edition", "Communicator Phone Edition",
	    3, { OCS_SIPINTERNALTLS, OCS_SIP_TLS, OCS_SIPINTERNAL },
	    6, { { 0, 5061 }, { 0, 443 }, { 1, 5061 }, { 1, 443 },
	    { 2, 5061 }, { 2, 443 } }, false },
};

const struct ocs_client *
ocs_client_by_name(const char *name)
{
	for (size_t i = 0; i < OCS_NCLIENTS; i++)
		if (strcasecmp(ocs_clients[i].name, name) == 0)
			return &ocs_clients[i];
	return NULL;
}
