/* main.c -- ocsdns-lookup: Communicator's sign-in DNS lookups, verdict. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "lookup.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"unknown"
#endif

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ocsdns-lookup [-hV] [--json] [-s server[:port]] [-b source]\n"
	    "                     [-t timeout] user@domain | domain\n"
	    "  -s server[:port]  ask this server (default: the system resolver);\n"
	    "                    127.0.0.1:5300, [::1]:5300, ns1.example\n"
	    "  -b source         send the queries from this local address\n"
	    "  -t timeout        seconds to wait for each reply (default 2)\n"
	    "  -j, --json        print one JSON object instead of the table\n"
	    "  -V                print the version and exit\n"
	    "  -h                print this help and exit\n");
}

/*
 * Exit status: EXIT_SIGNIN when Communicator would find a server to sign
 * in to, EXIT_NOSIGNIN when not (or stdout failed), EXIT_USAGE for a bad
 * command line or a failure before any query.
 */
int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct timeval timeout = { 2, 0 };
	const char *server = NULL, *source = NULL;
	int ch, json = 0;

	while ((ch = getopt_long(argc, argv, "b:hjs:t:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			source = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 's':
			server = optarg;
			break;
		case 't':
			if (lookup_parse_timeout(optarg, &timeout) == -1) {
				warnx("-t %s: expected seconds, 0.1 to 60",
				    optarg);
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'V':
			printf("ocsdns-lookup %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	char domain[LOOKUP_NAME_MAX];
	if (lookup_domain_from_arg(argv[0], domain, sizeof(domain)) == -1) {
		warnx("%s: expected user@domain or domain", argv[0]);
		return EXIT_USAGE;
	}

	struct signin *lk = calloc(1, sizeof(*lk));
	if (lk == NULL)
		err(EXIT_USAGE, "calloc");
	ldns_rdf *src = NULL;
	ldns_resolver *res = resolver_make(server, source, &timeout, &src);
	lk->domain = domain;
	lk->send = resolver_send;
	lk->send_arg = res;
	signin_run(lk);
	if (lk->oom)
		errx(EXIT_USAGE, "out of memory");
	if (json)
		json_print(lk, res, source, stdout);
	else
		print_human(lk, res, source, stdout);
	int rc = lk->ok ? EXIT_SIGNIN : EXIT_NOSIGNIN;

	signin_clear(lk);
	free(lk);
	ldns_resolver_deep_free(res);
	if (src != NULL)
		ldns_rdf_deep_free(src);
	if (fflush(stdout) == EOF)
		err(EXIT_NOSIGNIN, "stdout");
	return rc;
}
