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

/* --- server roles ------------------------------------------------------- */

/*
 * The server roles of an OCS 2007 / R2 deployment that have names in DNS
 * (shared/ocs-deployment.md, "DNS records by role"). Each is a section of
 * the INI file, [SECTION NAME], whose keys name FQDNs and give their
 * addresses. Where each name is published is the role table's business:
 * the configuration and synthesis read it, and so will the plan.
 */
enum ocs_role_kind {
	OCS_KIND_POOL,		/* Standard Edition server or Enterprise pool */
	OCS_KIND_DIRECTOR,	/* one Director, or an array behind a VIP */
	OCS_KIND_EDGE,		/* Access, Web Conferencing and A/V Edge */
	OCS_KIND_REVERSE_PROXY,	/* the external web farm */
	OCS_KIND_CWA,		/* Communicator Web Access */
	OCS_KIND_MEDIATION,	/* Mediation Server and its gateway */
	OCS_KIND_ARCHIVING,	/* Archiving and CDR Server */
	OCS_NKINDS
};

/* Which views see a name's address records. */
enum ocs_scope {
	OCS_SCOPE_INTERNAL,	/* internal-scope views only */
	OCS_SCOPE_EXTERNAL,	/* external-scope views (inside too on request) */
	OCS_SCOPE_PERIMETER	/* the edge's internal side: internal views */
};

/* The names a role section may give, each a key with an address key. */
enum ocs_name_slot {
	OCS_NAME_FQDN,		/* the role's own FQDN (pool, Director, ...) */
	OCS_NAME_WEB_FARM,	/* pool: the Web Components internal farm */
	OCS_NAME_INTERNAL,	/* edge: the internal interface's FQDN */
	OCS_NAME_ACCESS_EDGE,	/* edge: the external FQDNs of each role */
	OCS_NAME_WEBCONF_EDGE,
	OCS_NAME_AV_EDGE,
	OCS_NAME_EXTERNAL,	/* CWA: the external URL's host */
	OCS_NAME_GATEWAY,	/* mediation: the media gateway */
	OCS_NNAMES
};

/* Servers behind a role's name, as KEY.FQDN = ADDRESSES lines. */
enum ocs_member_slot {
	OCS_MEMBER_FRONT_END,	/* pool: the front end servers */
	OCS_MEMBER_WEBCONF,	/* pool, expanded: Web Conferencing servers */
	OCS_MEMBER_AV,		/* pool, expanded: A/V Conferencing servers */
	OCS_MEMBER_SERVER,	/* Director array: the Directors behind the VIP */
	OCS_NMEMBERS
};

struct ocs_role_name {
	const char	*key;		/* "access_edge"; NULL: not in this role */
	const char	*address_key;	/* "access_edge_address" */
	const char	*what;		/* for messages and reports */
	enum ocs_scope	 scope;
	bool		 required;
};

struct ocs_role_def {
	const char	*section;	/* "edge": [edge NAME] */
	const char	*what;		/* "edge server" */
	struct ocs_role_name names[OCS_NNAMES];
	const char	*members[OCS_NMEMBERS];	/* member key prefix, or NULL */
	bool		 signin;	/* a [domain] may sign in through it */
};

extern const struct ocs_role_def ocs_roles[OCS_NKINDS];

/* The role whose section is named section (any case), or NULL. */
const struct ocs_role_def *ocs_role_by_section(const char *section);

enum ocs_version {
	OCS_2007,
	OCS_2007_R2
};

/* The Device Update name below each SIP domain, by version. */
const char	*ocs_device_update_label(enum ocs_version v);

/*
 * R2 Communicator Web Access: the names below its URL's host that desktop
 * sharing asks for (dd441191), published as aliases of the URL.
 */
#define OCS_CWA_NALIASES	2
extern const char *const ocs_cwa_aliases[OCS_CWA_NALIASES];

/* --- ports -------------------------------------------------------------- */

/*
 * The port rules as data (ocs-dns.md section 5 and ocs-deployment.md
 * "Ports"): what ocsdns-plan turns into firewall rules, one per port of the field note's
 * table (ocs-dns.md section 5) and direction, with the firewall it
 * crosses (ocs-deployment.md "Ports").
 */
enum ocs_end_kind {
	OCS_END_INTERNET,	/* remote users, federated partners */
	OCS_END_CLIENTS,	/* internal clients */
	OCS_END_SLOT,		/* the rule's role: a name slot */
	OCS_END_MEMBERS,	/* the rule's role: servers of a member slot */
	OCS_END_NEXT_HOP,	/* the edge's next hop: pool or Director */
	OCS_END_POOLS_SLOT,	/* every [pool]: a name slot */
	OCS_END_POOLS_MEMBERS	/* every [pool]: servers of a member slot */
};

struct ocs_end {
	enum ocs_end_kind kind;
	int		 slot;		/* ocs_name_slot or ocs_member_slot */
};

#define OCS_PORT_2007		0x01	/* OCS 2007 only */
#define OCS_PORT_R2		0x02	/* R2 only */
#define OCS_PORT_FEDERATION	0x04	/* a domain federates through it */
#define OCS_PORT_ENTERPRISE	0x08	/* an Enterprise pool */

struct ocs_port_rule {
	enum ocs_role_kind kind;	/* the role it exists for */
	int		 needs;		/* the name slot it needs, or -1 */
	unsigned	 when;		/* OCS_PORT_* */
	const char	*firewall;	/* "internal", "external", "none" */
	const char	*direction;	/* relative to that firewall */
	struct ocs_end	 src, dst;
	const char	*port, *transport, *protocol, *purpose;
};
extern const struct ocs_port_rule ocs_port_rules[];
extern const size_t ocs_nport_rules;

/* --- client profiles ---------------------------------------------------- */

/*
 * What each client asks at automatic sign-in, in its order, and the
 * certificate rule of the Access Edge (ocs-deployment.md "Client lookup
 * orders" and "Certificates", ocs-dns.md sections 1 and 4). ocsdns-lookup
 * --client picks one; ocs_services[] order is Communicator 2007's.
 */
enum ocs_client_id {
	OCS_CLIENT_2007,	/* Communicator 2007, the documented order */
	OCS_CLIENT_2007_R2,	/* some R2 builds: sip before sipinternal */
	OCS_CLIENT_PHONE,	/* Communicator Phone Edition (R2) */
	OCS_NCLIENTS
};

#define OCS_CLIENT_MAX_SRV	4
#define OCS_CLIENT_MAX_FALLBACK	6

/* One fallback try: a name of ocs_fallbacks[] and the port it is tried on. */
struct ocs_client_try {
	int		 fallback;	/* index into ocs_fallbacks[] */
	uint16_t	 port;
};

struct ocs_client {
	const char	*name;		/* "communicator2007", for --client */
	const char	*what;		/* "Communicator 2007", for messages */
	int		 nsrv;
	enum ocs_service_id srv[OCS_CLIENT_MAX_SRV];	/* in its order */
	int		 ntry;
	struct ocs_client_try tries[OCS_CLIENT_MAX_FALLBACK];	/* over TLS */
	bool		 wildcard;	/* accepts a wildcard certificate name */
};

extern const struct ocs_client ocs_clients[OCS_NCLIENTS];

/* The client profile called name (any case), or NULL. */
const struct ocs_client *ocs_client_by_name(const char *name);

/*
 * The name the Access Edge's external certificate must carry, below the
 * SIP domain: "sip" (sip.<domain>, ocs-deployment.md "Certificates").
 */
#define OCS_EDGE_CERT_LABEL	"sip"

#endif
