/* lookup.h -- ocsdns-lookup: the state of one run, shared by its files. */
#ifndef OCSDNS_LOOKUP_H
#define OCSDNS_LOOKUP_H

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include <ldns/ldns.h>

#include "ocs.h"
#include "lookup_util.h"

#define MAX_QUERIES	64
#define MAX_TARGETS	16	/* distinct SRV targets resolved */
#define MAX_ADDRS	16	/* addresses kept per name */
#define MAX_MSGS	64	/* warnings, notes */
#define MAX_SRV		32	/* SRV records looked at per query */
#define NOREPLY_LIMIT	3	/* unanswered queries in a row before giving up */
#define ADDR_LEN	64

#define EXIT_SIGNIN	0
#define EXIT_NOSIGNIN	1
#define EXIT_USAGE	2

enum qstate { Q_REPLY, Q_NOREPLY, Q_SKIPPED };

struct lquery {
	char		 name[LOOKUP_NAME_MAX];	/* no trailing dot */
	ldns_rr_type	 type;
	enum qstate	 state;
	ldns_pkt_rcode	 rcode;
	double		 ms;
	ldns_rr_list	*answer;	/* the answer section (owned), or NULL */
	const char	*error;		/* why there was no reply */
};

/* A host name and what its A/AAAA queries gave. */
struct target {
	char		 name[LOOKUP_NAME_MAX];	/* lower case, no trailing dot */
	int		 qa, qaaaa;	/* query indexes, -1 when not asked */
	int		 replied;	/* every query of it got a reply */
	int		 cname;		/* the name is an alias */
	int		 naddr;
	char		 addr[MAX_ADDRS][ADDR_LEN];
};

/*
 * One run: the queries in the order they were sent, the SRV targets and
 * fallback names with their addresses, the messages and the verdict. The
 * services are ocs_services[] in its order (the client's); srvq[s] is the
 * query of ocs_services[s], fb[f] the lookup of ocs_fallbacks[f].
 */
struct lookup {
	ldns_resolver	*res;
	const char	*domain;
	struct lquery	 q[MAX_QUERIES];
	int		 nq;
	int		 noreply_run;
	int		 srvq[OCS_NSERVICES];
	struct target	 t[MAX_TARGETS];
	int		 nt;
	struct target	 fb[OCS_NFALLBACKS];
	unsigned	 unusable;	/* services whose SRV records were no use */
	char		*warn[MAX_MSGS];
	int		 nwarn;
	char		*note[MAX_MSGS];
	int		 nnote;

	/* The verdict. */
	int		 ok;
	const struct target *via;	/* the host the client connects to */
	char		 record[LOOKUP_NAME_MAX + 8];	/* what pointed at it */
	uint16_t	 port;
	const char	*transport;
	char		 verdict[LOOKUP_NAME_MAX * 2 + 16 * ADDR_LEN];
};

/* resolver.c */
ldns_resolver	*resolver_make(const char *server, const char *source,
		    const struct timeval *timeout, ldns_rdf **srcp);

/* query.c */
void		 query_srv(struct lookup *lk);
void		 query_fallback(struct lookup *lk);
int		 query_srv_records(const struct lookup *lk, int qi,
		    const ldns_rr **out);
void		 query_srv_target(const ldns_rr *rr, char *out, size_t outsz);
const struct target *query_find_target(const struct lookup *lk,
		    const char *name);

/* verdict.c */
void		 verdict_srv(struct lookup *lk);
void		 verdict_fallback(struct lookup *lk);
void		 verdict_none(struct lookup *lk);

/* faults.c */
void		 faults_warn(struct lookup *lk, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 faults_note(struct lookup *lk, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 faults_check(struct lookup *lk);

/* print.c */
void		 print_rdf_name(const ldns_rdf *rdf, char *out, size_t outsz);
char		*print_rr_data(const ldns_rr *rr);
const char	*print_type_name(ldns_rr_type type);
const char	*print_rcode_name(const struct lquery *q);
void		 print_servers(const struct lookup *lk, FILE *fp, int json);
void		 print_human(const struct lookup *lk, const char *source,
		    FILE *fp);

/* json.c */
void		 json_print(const struct lookup *lk, const char *source,
		    FILE *fp);

#endif /* OCSDNS_LOOKUP_H */
