/* lookup.h -- ocsdns-lookup: what its files share beyond the sign-in code. */
#ifndef OCSDNS_LOOKUP_H
#define OCSDNS_LOOKUP_H

#include <stdio.h>
#include <sys/time.h>

#include <ldns/ldns.h>

#include "signin/signin.h"
#include "lookup_util.h"

#define EXIT_SIGNIN	0
#define EXIT_NOSIGNIN	1
#define EXIT_USAGE	2

/* --- the client's candidates (client.c) --------------------------------- */

/* Every SRV record a profile could use, then every fallback try. */
#define LOOKUP_MAX_CAND	(OCS_CLIENT_MAX_SRV * SIGNIN_MAX_SRV + \
			    OCS_CLIENT_MAX_FALLBACK)

/* A host and port the client would connect to, in its order. */
struct lookup_cand {
	const struct signin_target *t;
	char		 record[LOOKUP_NAME_MAX + 8];	/* what pointed at it */
	uint16_t	 port;
	enum ocs_transport transport;
	enum ocs_role	 role;		/* the Access Edge: sip.<domain> rule */
	int		 fallback;	/* found by a fallback A name */
};

struct lookup_client {
	const struct ocs_client *profile;
	struct lookup_cand cand[LOOKUP_MAX_CAND];
	int		 ncand;		/* [0] is the client's choice */
	char		 verdict[sizeof(((struct signin *)0)->verdict)];
};

/*
 * The candidates of lk's answers in profile's order, and the DNS verdict
 * in the words of that client. Asks the fallback names when the profile
 * needs them and the run did not.
 */
void		 client_plan(struct lookup_client *cl, struct signin *lk,
		    const struct ocs_client *profile);
const char	*client_transport_name(enum ocs_transport transport);

/* --- connecting (probe.c, tls.c, sip.c) --------------------------------- */

struct lookup_opts {
	struct timeval	 timeout;	/* each connect, handshake, answer */
	const char	*source;	/* -b, or NULL */
	const char	*ca_file;	/* NULL: the system store */
	int		 sip_options;
	int		 all;		/* every candidate, not the first only */
};

enum probe_tcp { PROBE_TCP_CONNECTED, PROBE_TCP_REFUSED, PROBE_TCP_FILTERED,
	PROBE_TCP_ERROR };

#define PROBE_MAX_CHECKS	5
#define PROBE_TEXT		512

/* One certificate check: what it is, whether it passed, the message. */
struct probe_check {
	const char	*name;		/* "chain", "dates", "eku", "name", ... */
	int		 ok;
	char		 text[PROBE_TEXT];
};

/* One address of one candidate, taken as far as it goes. */
struct probe {
	const struct lookup_cand *c;
	char		 addr[SIGNIN_ADDR_LEN];
	enum probe_tcp	 tcp;
	double		 tcp_ms;
	int		 tls;		/* a handshake was made */
	char		 tls_version[32], cipher[80];
	int		 cert;		/* a certificate was read */
	char		 subject[LOOKUP_NAME_MAX], issuer[LOOKUP_NAME_MAX];
	char		 san[PROBE_TEXT];	/* dNSNames, ", "-separated */
	char		 not_before[32], not_after[32];
	struct probe_check check[PROBE_MAX_CHECKS];
	int		 ncheck;
	int		 sip;		/* an OPTIONS was answered */
	char		 sip_status[208];
	int		 ok;
	const char	*step;		/* the step that failed, or NULL */
	char		 failure[2 * PROBE_TEXT];
};

/* Takes one address of c through every step the options ask for. */
void		 probe_run(struct probe *p, const struct lookup_cand *c,
		    const char *addr, const struct lookup_opts *o,
		    const char *domain, const struct ocs_client *profile);
const char	*probe_tcp_name(enum probe_tcp tcp);
/* The final line after --connect into out; 1 when the client gets in. */
int		 probe_verdict(const struct lookup_client *cl,
		    const struct probe *p, int np, char *out, size_t outsz);
/* Milliseconds left until deadline (CLOCK_MONOTONIC ms), at least 0. */
int		 probe_left(double deadline);
double		 probe_now_ms(void);
/* Waits for fd to be ready for events until deadline: 1, 0 timeout, -1. */
int		 probe_wait(int fd, short events, double deadline);

/* tls.c: the handshake and the certificate checks over a connected fd. */
struct probe_tls;
struct probe_tls *tls_handshake(struct probe *p, int fd,
		    const struct lookup_opts *o);
void		 tls_check(struct probe *p, struct probe_tls *t,
		    const struct lookup_opts *o, const char *domain,
		    const struct ocs_client *profile);
/* Writes or reads over the TLS session until deadline: bytes, or -1. */
long		 tls_write(struct probe_tls *t, const void *buf, size_t len,
		    double deadline);
long		 tls_read(struct probe_tls *t, void *buf, size_t len,
		    double deadline);
void		 tls_free(struct probe_tls *t);

/* sip.c: an OPTIONS over the connection (t: TLS, or NULL for TCP). */
void		 sip_options(struct probe *p, int fd, struct probe_tls *t,
		    const struct lookup_opts *o, const char *domain);

/* resolver.c */
ldns_resolver	*resolver_make(const char *server, const char *source,
		    const struct timeval *timeout, ldns_rdf **srcp);
/* The sign-in run's sender (arg: the ldns_resolver). */
ldns_pkt	*resolver_send(void *arg, const char *name, ldns_rr_type type,
		    double *ms, const char **error);

/* print.c */
char		*print_rr_data(const ldns_rr *rr);
void		 print_servers(const ldns_resolver *res, FILE *fp, int json);
void		 print_human(const struct signin *lk,
		    const struct lookup_client *cl, const ldns_resolver *res,
		    const char *source, FILE *fp);
void		 print_probes(const struct probe *p, int np, const char *final,
		    FILE *fp);

/* json.c */
void		 json_print(const struct signin *lk,
		    const struct lookup_client *cl, const ldns_resolver *res,
		    const char *source, const struct probe *p, int np,
		    const char *final, int ok, FILE *fp);

#endif /* OCSDNS_LOOKUP_H */
