/* signin.h -- Communicator's sign-in lookups and verdict, over any sender. */
#ifndef OCSDNS_SIGNIN_H
#define OCSDNS_SIGNIN_H

#include <stdint.h>

#include <ldns/ldns.h>

#include "ocs.h"
#include "lookup/lookup_util.h"

/*
 * One implementation of the client's sign-in sequence, shared by
 * ocsdns-lookup (which sends the queries to a DNS server) and ocsdnsd -t
 * (which answers them from the snapshot it just built, in process). Only
 * the send callback differs.
 */

#define SIGNIN_MAX_QUERIES	64
#define SIGNIN_MAX_TARGETS	16	/* distinct SRV targets resolved */
#define SIGNIN_MAX_ADDRS	16	/* addresses kept per name */
#define SIGNIN_MAX_MSGS		64	/* warnings, notes */
#define SIGNIN_MAX_SRV		32	/* SRV records looked at per query */
#define SIGNIN_MAX_NS		8	/* name servers of a domain resolved */
#define SIGNIN_NOREPLY_LIMIT	3	/* unanswered in a row: give up */
#define SIGNIN_ADDR_LEN		64

enum signin_qstate { SIGNIN_Q_REPLY, SIGNIN_Q_NOREPLY, SIGNIN_Q_SKIPPED };

struct signin_query {
	char		 name[LOOKUP_NAME_MAX];	/* no trailing dot */
	ldns_rr_type	 type;
	enum signin_qstate state;
	ldns_pkt_rcode	 rcode;
	double		 ms;
	ldns_rr_list	*answer;	/* the answer section (owned), or NULL */
	const char	*error;		/* why there was no reply */
};

/* A host name and what its A/AAAA queries gave. */
struct signin_target {
	char		 name[LOOKUP_NAME_MAX];	/* lower case, no trailing dot */
	int		 qa, qaaaa;	/* query indexes, -1 when not asked */
	int		 replied;	/* every query of it got a reply */
	int		 cname;		/* the name is an alias */
	int		 naddr;
	char		 addr[SIGNIN_MAX_ADDRS][SIGNIN_ADDR_LEN];
};

/*
 * What a message is about, so that ocsdnsd -t can tell an error from a
 * warning and find the configuration key behind it; ocsdns-lookup prints
 * the text alone.
 */
enum signin_fault {
	SIGNIN_F_QUERY,		/* a query failed (no reply, an error rcode) */
	SIGNIN_F_TTL0,		/* a record of TTL 0 */
	SIGNIN_F_TOO_MANY,	/* more SRV targets than are resolved */
	SIGNIN_F_OUTSIDE,	/* an SRV target outside the SIP domain */
	SIGNIN_F_NOADDR,	/* an SRV target without A or AAAA */
	SIGNIN_F_CNAME,		/* an SRV target that is an alias */
	SIGNIN_F_POOLS,		/* the internal SRV records name several hosts */
	SIGNIN_F_UNUSABLE,	/* no target of a service is usable */
	SIGNIN_F_INTERNAL,	/* a note: internal SRV records are visible */
	SIGNIN_F_PORT,		/* an SRV on another service's port */
	SIGNIN_F_REPEAT,	/* a target that repeats the domain */
	SIGNIN_F_NS_NOADDR	/* a name server without an address */
};

struct signin_msg {
	enum signin_fault kind;
	int		 service;	/* index into ocs_services[], or -1 */
	char		 name[LOOKUP_NAME_MAX];	/* the target or owner */
	char		*text;
};

/*
 * Sends one query for name (no trailing dot) and type; returns the reply
 * (freed by the caller) and the time it took in *ms, or NULL and why in
 * *error (a static string).
 */
typedef ldns_pkt *(*signin_send_fn)(void *arg, const char *name,
    ldns_rr_type type, double *ms, const char **error);

/*
 * One run: the queries in the order they were sent, the SRV targets and
 * fallback names with their addresses, the messages and the verdict. The
 * services are ocs_services[] in its order (the client's); srvq[s] is the
 * query of ocs_services[s], fb[f] the lookup of ocs_fallbacks[f].
 */
struct signin {
	signin_send_fn	 send;
	void		*send_arg;
	const char	*domain;
	struct signin_query q[SIGNIN_MAX_QUERIES];
	int		 nq;
	int		 noreply_run;
	int		 srvq[OCS_NSERVICES];
	struct signin_target t[SIGNIN_MAX_TARGETS];
	int		 nt;
	struct signin_target fb[OCS_NFALLBACKS];
	int		 nsq;		/* the NS query of the domain */
	struct signin_target ns[SIGNIN_MAX_NS];	/* its names, resolved */
	int		 nns;
	unsigned	 unusable;	/* services whose SRV records were no use */
	struct signin_msg warn[SIGNIN_MAX_MSGS];
	int		 nwarn;
	struct signin_msg note[SIGNIN_MAX_MSGS];
	int		 nnote;
	int		 oom;		/* a message or address was lost */

	/* The verdict. */
	int		 ok;
	int		 fallback;	/* found by a fallback name */
	const struct signin_target *via; /* the host the client connects to */
	char		 record[LOOKUP_NAME_MAX + 8];	/* what pointed at it */
	uint16_t	 port;
	const char	*transport;
	char		 verdict[LOOKUP_NAME_MAX * 2 + 16 * SIGNIN_ADDR_LEN];
};

/*
 * The whole sequence for domain: the SRV queries and their targets, the
 * fallback names when no SRV record gives a target, the domain's name
 * servers and their addresses (what a resolver priming the zone asks),
 * the faults, the
 * verdict. lk is zeroed but for send, send_arg and domain.
 */
void	signin_run(struct signin *lk);
/* Frees what a run holds (answers, messages), not lk itself. */
void	signin_clear(struct signin *lk);

/* signin_query.c: the queries, and what the answers say. */
void	signin_query_srv(struct signin *lk);
void	signin_query_fallback(struct signin *lk);
void	signin_query_ns(struct signin *lk);
size_t	signin_repeats_domain(const char *name, const char *domain);
int	signin_srv_records(const struct signin *lk, int qi,
	    const ldns_rr **out);
void	signin_srv_target(const ldns_rr *rr, char *out, size_t outsz);
const struct signin_target *signin_find_target(const struct signin *lk,
	    const char *name);
/* Presentation helpers, shared with the reports. */
void	signin_rdf_name(const ldns_rdf *rdf, char *out, size_t outsz);
const char *signin_type_name(ldns_rr_type type);
const char *signin_rcode_name(const struct signin_query *q);

/* signin_verdict.c */
void	signin_verdict_srv(struct signin *lk);
void	signin_verdict_fallback(struct signin *lk);
void	signin_verdict_none(struct signin *lk);

/* signin_faults.c */
void	signin_warn(struct signin *lk, enum signin_fault kind, int service,
	    const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	signin_note(struct signin *lk, enum signin_fault kind, int service,
	    const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	signin_faults(struct signin *lk);

#endif /* OCSDNS_SIGNIN_H */
