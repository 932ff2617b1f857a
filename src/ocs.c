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
