/* privs.c -- least privilege: refuse root, chroot, drop to [server] user. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "privs.h"

/* What privs_prepare() found, for privs_drop() after the sockets are bound. */
static struct {
	bool drop;	/* switch to uid/gid */
	uid_t uid;
	gid_t gid;
	char *user;
	char *chroot_dir;	/* resolved, or NULL */
} privs;

/*
 * The path of file (resolved) as seen from inside dir (resolved), e.g.
 * /srv/dns/etc/ocsdnsd.ini in /srv/dns is /etc/ocsdnsd.ini; NULL when
 * the file is outside dir or cannot be resolved.
 */
static char *
privs_inside(const char *dir, const char *file)
{
	char *real = realpath(file, NULL);
	if (real == NULL)
		return NULL;
	size_t n = strlen(dir);
	char *in = NULL;
	if (strcmp(dir, "/") == 0)
		in = strdup(real);
	else if (strncmp(real, dir, n) == 0 && real[n] == '/')
		in = strdup(real + n);
	free(real);
	return in;
}

int
privs_prepare(const struct config *cfg, const char *config_path,
    bool allow_root, char **reload_path)
{
	bool root = geteuid() == 0;

	*reload_path = NULL;
	if (cfg->user != NULL) {
		errno = 0;
		struct passwd *pw = getpwnam(cfg->user);
		if (pw == NULL) {
			if (errno != 0)
				log_warn("user %s", cfg->user);
			else
				log_warnx("user %s: no such user", cfg->user);
			return -1;
		}
		if (pw->pw_uid == 0) {
			log_warnx("user %s: has uid 0; name an unprivileged "
			    "user", cfg->user);
			return -1;
		}
		if (root) {
			privs.drop = true;
			privs.uid = pw->pw_uid;
			privs.gid = pw->pw_gid;
			if ((privs.user = strdup(cfg->user)) == NULL) {
				log_warn("strdup");
				return -1;
			}
		} else if (pw->pw_uid != geteuid())
			log_warnx("not started as root: staying uid %lu, "
			    "not switching to user %s", (unsigned long)geteuid(),
			    cfg->user);
	} else if (root && !allow_root && !cfg->allow_root) {
		log_warnx("refusing to run as root: set [server] user (see "
		    "ocsdnsd.ini(5)), or pass -R (--allow-root) or set "
		    "[server] allow_root = yes to run as root anyway");
		return -1;
	}

	if (cfg->chroot_dir != NULL) {
		if (!root) {
			log_warnx("chroot %s: needs root (start as root with "
			    "[server] user, or remove chroot)", cfg->chroot_dir);
			return -1;
		}
		struct stat st;
		if ((privs.chroot_dir = realpath(cfg->chroot_dir, NULL)) == NULL ||
		    stat(privs.chroot_dir, &st) == -1) {
			log_warn("chroot %s", cfg->chroot_dir);
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			log_warnx("chroot %s: not a directory", cfg->chroot_dir);
			return -1;
		}
		/* SIGHUP reads the configuration and zones from inside. */
		if ((*reload_path = privs_inside(privs.chroot_dir,
		    config_path)) == NULL) {
			log_warnx("%s is not inside chroot %s: it could not be "
			    "read again on reload", config_path, cfg->chroot_dir);
			return -1;
		}
		if (cfg->zones_dir != NULL && cfg->zones_dir[0] == '/' &&
		    strncmp(cfg->zones_dir, privs.chroot_dir,
		    strlen(privs.chroot_dir)) != 0) {
			log_warnx("zones %s is not inside chroot %s: make it "
			    "relative to %s", cfg->zones_dir, cfg->chroot_dir,
			    config_path);
			return -1;
		}
	} else if ((*reload_path = strdup(config_path)) == NULL) {
		log_warn("strdup");
		return -1;
	}
	return 0;
}

int
privs_drop(void)
{

	/* Both read files that are gone after chroot. */
	if (privs.drop && initgroups(privs.user, privs.gid) == -1) {
		log_warn("initgroups %s", privs.user);
		return -1;
	}
	if (privs.chroot_dir != NULL) {
		tzset();
		if (chroot(privs.chroot_dir) == -1 || chdir("/") == -1) {
			log_warn("chroot %s", privs.chroot_dir);
			return -1;
		}
	}
	if (privs.drop) {
		if (setresgid(privs.gid, privs.gid, privs.gid) == -1 ||
		    setresuid(privs.uid, privs.uid, privs.uid) == -1) {
			log_warn("cannot switch to user %s", privs.user);
			return -1;
		}
		/* Paranoia: all three ids changed, and root is out of reach. */
		uid_t ruid, euid, suid;
		gid_t rgid, egid, sgid;
		if (getresuid(&ruid, &euid, &suid) == -1 ||
		    getresgid(&rgid, &egid, &sgid) == -1 ||
		    ruid != privs.uid || euid != privs.uid ||
		    suid != privs.uid || rgid != privs.gid ||
		    egid != privs.gid || sgid != privs.gid ||
		    setuid(0) != -1 || seteuid(0) != -1) {
			log_warnx("user %s: privileges not dropped", privs.user);
			return -1;
		}
		log_info("running as user %s (uid %lu, gid %lu)%s%s",
		    privs.user, (unsigned long)privs.uid,
		    (unsigned long)privs.gid,
		    privs.chroot_dir != NULL ? ", chroot " : "",
		    privs.chroot_dir != NULL ? privs.chroot_dir : "");
	} else if (geteuid() == 0)
		log_warnx("running as root%s%s", privs.chroot_dir != NULL ?
		    ", chroot " : "", privs.chroot_dir != NULL ?
		    privs.chroot_dir : "");
	free(privs.user);
	free(privs.chroot_dir);
	privs.user = privs.chroot_dir = NULL;
	privs.drop = false;
	return 0;
}
