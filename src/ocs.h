/* ocs.h -- what OCS 2007 clients look up: the sign-in services as data. */
#ifndef OCSDNSD_OCS_H
#define OCSDNSD_OCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Everything ocsdnsd knows of Office Communications Server lives here, as
 * tables that synthesis, the configuration, ocsdns-lookup and anything that
 * reports on a deployment read. No other source file spells an SRV owner
 * name or a service port. The facts and their sources: shared/ocs-dns.md.
 */

/* The server role an SRV record points at: a [domain] key names it. */
enum ocs_role {
	OCS_ROLE_POOL,		/* Standard Edition server, pool, Director */
	OCS_ROLE_ACCESS_EDGE	/* the Access Edge's external FQDN */
};

enum ocs_transport {
	OCS_TLS,
	OCS_TCP
};

/* When a domain publishes the service, beyond having a target for it. */
enum ocs_when {
	OCS_ALWAYS,
	OCS_IF_SIP_TCP,		/* [domain] sip_tcp = yes (the default) */
	OCS_IF_FEDERATION	/* [domain] federation = yes */
};

enum ocs_service_id {
	OCS_SIPINTERNALTLS,
	OCS_SIPINTERNAL,
	OCS_SIP_TLS,
	OCS_SIP_TCP,
	OCS_SIPFEDERATIONTLS,
	OCS_NSERVICES
};

struct ocs_service {
	const char	*owner;		/* "_sipinternaltls._tcp", below the domain */
	const char	*port_key;	/* the [domain] key that overrides the port */
	uint16_t	 port;		/* the default port */
	enum ocs_transport transport;
	enum ocs_role	 role;		/* what the record points at */
	bool		 internal;	/* only in internal-scope views */
	bool		 signin;	/* asked for at sign-in (not federation) */
	enum ocs_when	 when;
};

/* In the order Communicator 2007 asks for them at automatic sign-in. */
extern const struct ocs_service ocs_services[OCS_NSERVICES];

/*
 * The A names Communicator tries when no SRV record gives a target, in its
 * order: the label below the domain, the port it connects to, and which
 * role's addresses ocsdnsd publishes under it in internal and in external
 * views (internal_only: not published in external views at all).
 */
struct ocs_fallback {
	const char	*label;		/* "sipinternal" */
	uint16_t	 port;
	enum ocs_role	 inside;	/* the role it stands for inside */
	enum ocs_role	 outside;	/* ... and outside */
	bool		 internal_only;
};

#define OCS_NFALLBACKS	3
extern const struct ocs_fallback ocs_fallbacks[OCS_NFALLBACKS];

/* The service whose [domain] port key is key, or NULL. */
const struct ocs_service *ocs_service_by_port_key(const char *key);

/* The service whose owner is owner ("_sip._tls"), or NULL. Case-insensitive. */
const struct ocs_service *ocs_service_by_owner(const char *owner);

#endif
