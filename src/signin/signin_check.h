/* signin_check.h -- ocsdnsd -t and reload: can every SIP domain sign in? */
#ifndef OCSDNSD_SIGNIN_CHECK_H
#define OCSDNSD_SIGNIN_CHECK_H

#include <stdatomic.h>
#include <stdio.h>

struct snapshot;

/*
 * Runs Communicator's sign-in sequence (signin_run(), the code of
 * ocsdns-lookup) for every SIP domain in every view of snap, the queries
 * answered in process as a client of that view would be answered. verdict
 * (may be NULL) gets one line per domain and view: where the client would
 * connect, or why it cannot. Errors and warnings go to diag as
 * "FILE:LINE: error: ..." / "FILE:LINE: warning: ...", sorted by file and
 * line. Returns the number of errors (-1: out of memory); *nwarn (may be
 * NULL) grows by the number of warnings. A large snapshot is checked on
 * every CPU; the verdicts and messages are the same, in the same order,
 * and verdict is called from the calling thread only.
 */
int	signin_check(const struct snapshot *snap, FILE *diag,
	    void (*verdict)(void *arg, const char *line), void *arg,
	    unsigned *nwarn);

/*
 * The same, giving up (returning -1, saying nothing more) as soon as *stop
 * is true between two domains: a daemon told to stop while a reload is
 * being checked does not wait for the rest of the check.
 */
int	signin_check_until(const struct snapshot *snap, FILE *diag,
	    void (*verdict)(void *arg, const char *line), void *arg,
	    unsigned *nwarn, const atomic_bool *stop);

#endif
