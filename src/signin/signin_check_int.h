/* signin_check_int.h -- shared by the files of the sign-in check. */
#ifndef OCSDNSD_SIGNIN_CHECK_INT_H
#define OCSDNSD_SIGNIN_CHECK_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ldns/ldns.h>

#include "signin/signin.h"

struct config;
struct snapshot;

struct check_msg {
	char		*file;
	int		 line;
	bool		 warning;
	size_t		 order;		/* the domain it is of; after them: ndomains */
	size_t		 seq;		/* the check's count when it came */
	char		*text;
};

struct check {
	const struct snapshot *snap;
	const struct config *cfg;
	struct check_msg *msgs;
	size_t		 nmsgs;
	size_t		 cap;
	size_t		 window;	/* messages before it are not compared */
	size_t		 order;		/* for the messages from here on */
	int		 nerrors;
	unsigned	 nwarn;
	bool		 oom;
	size_t		 view;		/* the view the sender answers from */
	uint8_t		*buf;		/* DNS_MAX_MESSAGE bytes: the answer */
	int		 here;		/* errors of this domain and view */
	/* The domain's name servers without an address, and in which views. */
	char		 miss[SIGNIN_MAX_NS][LOOKUP_NAME_MAX];
	char		 missv[SIGNIN_MAX_NS][LOOKUP_NAME_MAX];
	size_t		 nmiss;
};

/* signin_check.c */

/*
 * signin_check_until() in nparts parts (threads), each checking round
 * domains at a time: the messages and verdicts are the same, in the same
 * order, for any nparts and round.
 */
int	 signin_check_parts(const struct snapshot *snap, FILE *diag,
	    void (*verdict)(void *arg, const char *line), void *arg,
	    unsigned *nwarn, const atomic_bool *stop, size_t nparts,
	    size_t round);

/* signin_check_io.c: the messages, and the sender over the snapshot. */

/* A message, once: the same fault met again (in another view) is one. */
void	 check_msg_add(struct check *c, const char *file, int line,
	    bool warning, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Moves src's messages and counts to dst: a part of the check joined. */
void	 check_msg_merge(struct check *dst, struct check *src);
/* Prints the messages sorted by file and line (diag NULL: none), frees them. */
void	 check_msg_flush(struct check *c, FILE *diag);
/* The signin send callback: a query of view c->view, answered in process. */
ldns_pkt *check_send(void *arg, const char *name, ldns_rr_type type,
	    double *ms, const char **error);

#endif
