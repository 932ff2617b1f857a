/* view.h -- split horizon: which view a client gets, and what each view may see. */
#ifndef OCSDNSD_VIEW_H
#define OCSDNSD_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct config;
struct cfg_addr;
struct cfg_host;
struct cfg_prefix;
struct cfg_view;

/* Whether prefix p covers the address of sa (NULL: only "any" does). */
bool	view_prefix_covers(const struct cfg_prefix *p, const struct sockaddr *sa);

/* Whether every address in inner is also in outer. */
bool	view_prefix_contains(const struct cfg_prefix *outer,
	    const struct cfg_prefix *inner);

/*
 * Whether view v matches a client at remote that reached local (either may
 * be NULL): its match covers remote or its match_destination covers local.
 */
bool	view_matches(const struct cfg_view *v, const struct sockaddr *remote,
	    const struct sockaddr *local);

/*
 * The index of the first view of cfg that matches the client, or -1 (then
 * the query is REFUSED). Without [view] sections: 0, the implicit view.
 */
int	view_select(const struct config *cfg, const struct sockaddr *remote,
	    const struct sockaddr *local);

/*
 * The view of a request signed with key (its name, lower case): the
 * first view whose match_keys names it, else view_select().
 */
int	view_select_key(const struct config *cfg, const char *key,
	    const struct sockaddr *remote, const struct sockaddr *local);

/*
 * Whether address a of host h is published in view v of cfg (v = -1: the
 * one implicit view). An address.VIEW belongs to its view alone. A plain
 * address is in every view, except that an external view never gets the
 * plain (internal) addresses of a pool: only an address.VIEW written for it.
 */
bool	view_addr_visible(const struct config *cfg, int v,
	    const struct cfg_host *h, const struct cfg_addr *a);

/*
 * Whether host h has anything to publish in view v: an address that
 * view_addr_visible() lets through, or a cname whose target has (or lies
 * outside the configuration).
 */
bool	view_host_visible(const struct config *cfg, int v,
	    const struct cfg_host *h);

/* The [view] of cfg named name (lower case), or NULL. */
const struct cfg_view *view_find(const struct config *cfg, const char *name);

/* Whether every client that view j matches is matched by an earlier view. */
bool	view_shadowed(const struct config *cfg, size_t j);

/* Whether a is in a private, loopback, link-local or shared range. */
bool	view_addr_private(const struct cfg_addr *a);

#endif
