/* notify.h -- tell secondaries that a zone changed (RFC 1996 NOTIFY). */
#ifndef OCSDNSD_NOTIFY_H
#define OCSDNSD_NOTIFY_H

#include <stddef.h>

struct event_base;
struct cfg_listen;
struct notifier;

struct notifier	*notify_new(struct event_base *base);
void		 notify_free(struct notifier *n);

/*
 * Sends a NOTIFY for zone (lower-case text, no trailing dot) to each
 * target, again every NOTIFY_RETRY_SECONDS until the target answers, at
 * most NOTIFY_TRIES times. Returns 0, or -1 when nothing could be queued.
 */
int		 notify_send(struct notifier *n, const struct cfg_listen *targets,
		    size_t ntargets, const char *zone);

#define NOTIFY_TRIES		5
#define NOTIFY_RETRY_SECONDS	2

#endif
