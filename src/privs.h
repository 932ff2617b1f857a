/* privs.h -- least privilege: refuse root, chroot, drop to [server] user. */
#ifndef OCSDNSD_PRIVS_H
#define OCSDNSD_PRIVS_H

#include <stdbool.h>

struct config;

/*
 * Before the sockets are bound: looks up [server] user (while /etc/passwd
 * is still reachable), checks [server] chroot, and refuses to go on as root
 * without a user unless allow_root (-R) or [server] allow_root is set.
 * *reload_path becomes the path SIGHUP reads config_path from afterwards:
 * inside the chroot when there is one (malloc'd; free it). 0, or -1 after
 * logging why.
 */
int	privs_prepare(const struct config *cfg, const char *config_path,
	    bool allow_root, char **reload_path);

/*
 * After binding: chroot (when set), chdir("/"), then initgroups, setresgid
 * and setresuid to the user, and checks that root cannot be regained.
 * 0, or -1 after logging.
 */
int	privs_drop(void);

#endif
