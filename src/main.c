/* main.c -- command line, start-up order and exit codes. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "server.h"
#include "snapshot.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define DEFAULT_CONFIG	SYSCONFDIR "/ocsdnsd.ini"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ocsdnsd [-tvVh] [-c file] [-l addr:port]...\n"
	    "  -c file       configuration (default %s)\n"
	    "  -l addr:port  listen here instead of the configured addresses;\n"
	    "                repeatable: 127.0.0.1:5300, [::1]:5300\n"
	    "  -t            check the configuration and exit\n"
	    "  -v            log debug messages\n"
	    "  -V            print the version and exit\n"
	    "  -h            print this help and exit\n", DEFAULT_CONFIG);
}

int
main(int argc, char *argv[])
{
	const char	 *path = DEFAULT_CONFIG;
	char		**addrs = NULL, **nl;
	int		  nlisten = 0, check = 0, verbose = 0, ch, rc;
	unsigned	  nwarn = 0;
	struct cfg_listen cl;
	struct config	 *cfg;
	struct snapshot	 *snap;
	struct server	 *srv;

	while ((ch = getopt(argc, argv, "c:l:tvVh")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'l':
			/* Checked now, so that a typo is a usage error. */
			memset(&cl, 0, sizeof(cl));
			if (config_parse_listen(optarg, &cl) == -1) {
				fprintf(stderr, "ocsdnsd: bad listen address "
				    "\"%s\": use ADDR:PORT or [V6ADDR]:PORT\n",
				    optarg);
				free(addrs);
				return 2;
			}
			if (cl.text != NULL && cl.text != optarg)
				free(cl.text);
			nl = reallocarray(addrs, (size_t)nlisten + 1,
			    sizeof(*addrs));
			if (nl == NULL) {
				perror("ocsdnsd: reallocarray");
				free(addrs);
				return 1;
			}
			addrs = nl;
			addrs[nlisten++] = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'V':
			printf("ocsdnsd %s\n", PACKAGE_VERSION);
			free(addrs);
			return 0;
		case 'h':
			usage(stdout);
			free(addrs);
			return 0;
		default:
			usage(stderr);
			free(addrs);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ocsdnsd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		free(addrs);
		return 2;
	}

	log_init(verbose);

	/* Both print "PATH:LINE: message" lines to stderr on error. */
	if ((cfg = config_load(path, stderr, &nwarn)) == NULL) {
		free(addrs);
		return 1;
	}
	if ((snap = snapshot_build(cfg, NULL, stderr)) == NULL) {
		free(addrs);
		return 1;
	}

	if (check) {
		printf("%s: OK: %zu zones, %zu records\n", path,
		    snapshot_nzones(snap), snapshot_nrecords(snap));
		snapshot_free(snap);
		free(addrs);
		return fflush(stdout) == 0 ? 0 : 1;
	}

	/* server_new() owns snap from here, also when it fails. */
	srv = server_new(snap, path, addrs, nlisten);
	free(addrs);
	if (srv == NULL)
		return 1;
	rc = server_run(srv);
	server_free(srv);
	libevent_global_shutdown();
	log_info("stopped");
	return rc == 0 ? 0 : 1;
}
