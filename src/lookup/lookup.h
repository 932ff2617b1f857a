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

/* resolver.c */
ldns_resolver	*resolver_make(const char *server, const char *source,
		    const struct timeval *timeout, ldns_rdf **srcp);
/* The sign-in run's sender (arg: the ldns_resolver). */
ldns_pkt	*resolver_send(void *arg, const char *name, ldns_rr_type type,
		    double *ms, const char **error);

/* print.c */
char		*print_rr_data(const ldns_rr *rr);
void		 print_servers(const ldns_resolver *res, FILE *fp, int json);
void		 print_human(const struct signin *lk, const ldns_resolver *res,
		    const char *source, FILE *fp);

/* json.c */
void		 json_print(const struct signin *lk, const ldns_resolver *res,
		    const char *source, FILE *fp);

#endif /* OCSDNS_LOOKUP_H */
