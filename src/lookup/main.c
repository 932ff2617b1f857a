/* main.c -- ocsdns-lookup: Communicator's sign-in DNS lookups, verdict. */
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lookup.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"unknown"
#endif

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ocsdns-lookup [-hV] [--json] [-s server[:port]] [-b source]\n"
	    "                     [-t timeout] [--client profile]\n"
	    "                     [--connect | --connect-all] [--ca-file file]\n"
	    "                     [--sip-options] user@domain | domain\n"
	    "  -s server[:port]  ask this server (default: the system resolver);\n"
	    "                    127.0.0.1:5300, [::1]:5300, ns1.example\n"
	    "  -b source         send the queries (and connections) from this\n"
	    "                    local address\n"
	    "  -t, --timeout s   seconds to wait for each reply, connection,\n"
	    "                    handshake (default 2)\n"
	    "  --client profile  communicator2007 (default), communicator2007r2,\n"
	    "                    phone-edition\n"
	    "  --connect         connect to the chosen host: TCP, TLS, certificate\n"
	    "  --connect-all     the same for every candidate in the client's order\n"
	    "  --ca-file file    trust the CAs in this PEM file (default: the\n"
	    "                    system store)\n"
	    "  --sip-options     send a SIP OPTIONS over each connection\n"
	    "  -j, --json        print one JSON object instead of the table\n"
	    "  -V                print the version and exit\n"
	    "  -h                print this help and exit\n");
}

/*
 * Every address of the chosen candidate, or of every candidate with
 * --connect-all: only addresses the DNS answers gave.
 */
static struct probe *
run_probes(const struct lookup_client *cl, const struct lookup_opts *o,
    const char *domain, const struct ocs_client *profile, int *np)
{
	int n = 0, last = o->all ? cl->ncand : (cl->ncand > 0);

	for (int i = 0; i < last; i++)
		n += cl->cand[i].t->naddr;
	struct probe *p = calloc((size_t)n + 1, sizeof(*p));
	if (p == NULL)
		err(EXIT_USAGE, "calloc");
	*np = 0;
	for (int i = 0; i < last; i++)
		for (int k = 0; k < cl->cand[i].t->naddr; k++)
			probe_run(&p[(*np)++], &cl->cand[i],
			    cl->cand[i].t->addr[k], o, domain, profile);
	return p;
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
		{ "timeout", required_argument, NULL, 't' },
		{ "client", required_argument, NULL, 'C' },
		{ "connect", no_argument, NULL, 'c' },
		{ "connect-all", no_argument, NULL, 'A' },
		{ "ca-file", required_argument, NULL, 'F' },
		{ "sip-options", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct timeval timeout = { 2, 0 };
	const char *server = NULL, *source = NULL;
	const struct ocs_client *profile = &ocs_clients[OCS_CLIENT_2007];
	struct lookup_opts o;
	int ch, json = 0, connect = 0;

	memset(&o, 0, sizeof(o));

	while ((ch = getopt_long(argc, argv, "b:hjs:t:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			source = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'C':
			if ((profile = ocs_client_by_name(optarg)) == NULL) {
				warnx("--client %s: expected communicator2007, "
				    "communicator2007r2 or phone-edition", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'A':
			o.all = 1;
			/* FALLTHROUGH */
		case 'c':
			connect = 1;
			break;
		case 'F':
			o.ca_file = optarg;
			break;
		case 'O':
			o.sip_options = 1;
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
	if (!connect && (o.ca_file != NULL || o.sip_options)) {
		warnx("--ca-file and --sip-options need --connect");
		return EXIT_USAGE;
	}
	if (o.ca_file != NULL && access(o.ca_file, R_OK) == -1)
		err(EXIT_USAGE, "--ca-file %s", o.ca_file);
	o.timeout = timeout;
	o.source = source;
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
	struct lookup_client *cl = malloc(sizeof(*cl));
	if (cl == NULL)
		err(EXIT_USAGE, "malloc");
	client_plan(cl, lk, profile);
	if (lk->oom)
		errx(EXIT_USAGE, "out of memory");
	int ok = cl->ncand > 0, np = 0;
	struct probe *p = NULL;
	char final[3 * PROBE_TEXT];
	if (connect) {
		/* A server that closes mid-write must not kill the report:
		 * OpenSSL writes with write(2), which raises SIGPIPE. */
		signal(SIGPIPE, SIG_IGN);
		p = run_probes(cl, &o, domain, profile, &np);
		ok = probe_verdict(cl, p, np, final, sizeof(final));
	}
	if (json)
		json_print(lk, cl, res, source, p, np, connect ? final : NULL,
		    ok, stdout);
	else {
		print_human(lk, cl, res, source, stdout);
		if (connect)
			print_probes(p, np, final, stdout);
	}
	int rc = ok ? EXIT_SIGNIN : EXIT_NOSIGNIN;

	free(p);
	free(cl);
	signin_clear(lk);
	free(lk);
	ldns_resolver_deep_free(res);
	if (src != NULL)
		ldns_rdf_deep_free(src);
	if (fflush(stdout) == EOF)
		err(EXIT_NOSIGNIN, "stdout");
	return rc;
}
