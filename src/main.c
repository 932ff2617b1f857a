/* main.c -- command line, start-up order and exit codes. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "privs.h"
#include "server.h"
#include "signin/signin_check.h"
#include "snapshot.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define DEFAULT_CONFIG	SYSCONFDIR "/ocsdnsd.ini"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ocsdnsd [-RtvVh] [-c file] [-L dest] [-l addr:port]...\n"
	    "       ocsdnsd [-c file] --print-zone [--view name] [domain]\n"
	    "  -c file       configuration (default %s)\n"
	    "  -l addr:port  listen here instead of the configured addresses;\n"
	    "                repeatable: 127.0.0.1:5300, [::1]:5300\n"
	    "  -R, --allow-root  keep running as root when [server] user\n"
	    "                is not set\n"
	    "  -t            check the configuration and exit\n"
	    "  -v            log debug messages\n"
	    "  -L dest       log to stderr, syslog or auto (default: stderr if\n"
	    "                it is a terminal, file, pipe or the journal)\n"
	    "  -V            print the version and exit\n"
	    "  -h            print this help and exit\n"
	    "  --print-zone  print the served zones (or one) as master files\n"
	    "  --view name   the view to print (default: the first)\n",
	    DEFAULT_CONFIG);
}

/*
 * The zones of one view as RFC 1035 master files, SOA first: what a person
 * imports into another server. 0, or 1 when the domain or view is unknown.
 */
static int
print_zones(const struct snapshot *snap, const char *domain, const char *view)
{
	const struct snapshot_view *sv = &snap->views[0];
	size_t printed = 0;

	if (view != NULL) {
		size_t i;
		for (i = 0; i < snap->nviews; i++)
			if (snap->views[i].cfg != NULL &&
			    strcasecmp(snap->views[i].cfg->name, view) == 0)
				break;
		if (i == snap->nviews) {
			fprintf(stderr, "ocsdnsd: no [view %s] in %s\n", view,
			    snap->cfg->path);
			return 1;
		}
		sv = &snap->views[i];
	}
	for (size_t z = 0; z < sv->sv.nzones; z++) {
		const struct synth_zone *zone = &sv->sv.zones[z];
		if (domain != NULL && strcasecmp(zone->name, domain) != 0)
			continue;
		printf("; zone %s, view %s, serial %lu\n", zone->name,
		    sv->sv.name, (unsigned long)zonewire_serial(&zone->wire));
		printf("$ORIGIN %s.\n", zone->name);
		/* Rendered from the packed records: transient ldns lists. */
		ldns_rr_list *rrs = synth_zone_list(zone, ZONEWIRE_ZONE);
		ldns_rr_list *cut = synth_zone_list(zone, ZONEWIRE_CUT);
		if (rrs == NULL || cut == NULL) {
			if (rrs != NULL)
				ldns_rr_list_deep_free(rrs);
			if (cut != NULL)
				ldns_rr_list_deep_free(cut);
			fprintf(stderr, "ocsdnsd: out of memory\n");
			return 1;
		}
		ldns_rr_list_print(stdout, rrs);
		if (ldns_rr_list_rr_count(cut) > 0) {
			printf("; child zones: delegation and glue\n");
			ldns_rr_list_print(stdout, cut);
		}
		ldns_rr_list_deep_free(rrs);
		ldns_rr_list_deep_free(cut);
		printed++;
	}
	if (domain != NULL && printed == 0) {
		fprintf(stderr, "ocsdnsd: %s is not a zone of view %s\n",
		    domain, sv->sv.name);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/* -t: one line per domain and view, where the client would connect. */
static void
print_verdict(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

/* --- start-up diagnostics ----------------------------------------------- */

struct diag {
	FILE	*fp;		/* where the loaders write */
	char	*buf;
	size_t	 len;
	bool	 daemon;	/* log them as the daemon's lines */
};

static void
diag_open(struct diag *d, bool daemon)
{
	d->buf = NULL;
	d->len = 0;
	d->daemon = daemon;
	/* Without memory for the buffer, straight to the log as before. */
	if ((d->fp = open_memstream(&d->buf, &d->len)) == NULL)
		d->fp = log_stream();
}

struct diag_line {
	const char	*text;
	size_t		 file_len;	/* "FILE" of "FILE:LINE: ..." */
	long		 line;		/* 0: no line number */
	size_t		 seq;
};

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag_line *x = a, *y = b;
	size_t n = x->file_len < y->file_len ? x->file_len : y->file_len;
	int c = memcmp(x->text, y->text, n);

	if (c == 0 && x->file_len != y->file_len)
		c = x->file_len < y->file_len ? -1 : 1;
	if (c == 0 && x->line != y->line)
		c = x->line < y->line ? -1 : 1;
	if (c == 0)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

/* Prints what was gathered, sorted by file and line, and closes it. */
static void
diag_flush(struct diag *d)
{
	if (d->fp == log_stream())
		return;
	fclose(d->fp);
	d->fp = log_stream();
	size_t n = 0;
	for (size_t i = 0; i < d->len; i++)
		n += d->buf[i] == '\n';
	struct diag_line *v = calloc(n + 1, sizeof(*v));
	size_t k = 0;
	for (char *p = d->buf, *eol; v != NULL && p < d->buf + d->len; p = eol) {
		if ((eol = strchr(p, '\n')) == NULL)
			eol = p + strlen(p);
		else
			*eol++ = '\0';
		struct diag_line *l = &v[k];
		l->text = p;
		l->seq = k++;
		l->file_len = strcspn(p, ":");
		char *end;
		l->line = p[l->file_len] == ':' ?
		    strtol(p + l->file_len + 1, &end, 10) : 0;
		if (l->line > 0 && *end != ':')
			l->line = 0;
	}
	if (v != NULL)
		qsort(v, k, sizeof(*v), diag_cmp);
	for (size_t i = 0; v != NULL && i < k; i++) {
		if (d->daemon)
			log_warnx("%s", v[i].text);
		else
			fprintf(stderr, "%s\n", v[i].text);
	}
	if (v == NULL)		/* out of memory: as written, at least */
		fputs(d->buf, stderr);
	free(v);
	free(d->buf);
	d->buf = NULL;
}

int
main(int argc, char *argv[])
{
	const char *path = DEFAULT_CONFIG;
	char **addrs = NULL, **nl;
	int nlisten = 0, check = 0, verbose = 0, ch;
	int print_zone = 0;
	bool allow_root = false;
	char *run_path;
	enum log_dest logdest = LOG_TO_AUTO;
	const char *domain = NULL, *view = NULL;
	static const struct option longopts[] = {
		{ "print-zone", no_argument, NULL, 'P' },
		{ "view", required_argument, NULL, 'W' },
		{ "allow-root", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned nwarn = 0;
	struct cfg_listen cl;

	while ((ch = getopt_long(argc, argv, "c:l:L:RtvVh", longopts, NULL)) != -1) {
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
		case 'R':
			allow_root = true;
			break;
		case 't':
			check = 1;
			break;
		case 'P':
			print_zone = 1;
			break;
		case 'W':
			view = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'L':
			if (strcmp(optarg, "stderr") == 0)
				logdest = LOG_TO_STDERR;
			else if (strcmp(optarg, "syslog") == 0)
				logdest = LOG_TO_SYSLOG;
			else if (strcmp(optarg, "auto") == 0)
				logdest = LOG_TO_AUTO;
			else {
				fprintf(stderr, "ocsdnsd: -L %s: use stderr, "
				    "syslog or auto\n", optarg);
				free(addrs);
				return 2;
			}
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
	if (print_zone && optind + 1 == argc)
		domain = argv[optind++];
	if ((view != NULL && !print_zone) || optind != argc) {
		fprintf(stderr, "ocsdnsd: unexpected argument \"%s\"\n",
		    optind < argc ? argv[optind] : "--view");
		usage(stderr);
		free(addrs);
		return 2;
	}

	/* -t and --print-zone talk to the person at the terminal. */
	log_open(verbose, check || print_zone ? LOG_TO_STDERR : logdest);

	/*
	 * The loaders and the sign-in check print "PATH:LINE: message" lines;
	 * gathered here, they reach the terminal as one list sorted by file
	 * and line, or the log as the daemon's own lines.
	 */
	struct diag d;
	diag_open(&d, !(check || print_zone));
	struct config *cfg = config_load(path, d.fp, &nwarn);
	if (cfg == NULL) {
		diag_flush(&d);
		free(addrs);
		return 1;
	}
	/* Served at once, not checked: the build may shed cfg's domains. */
	struct snapshot *snap = check || print_zone ?
	    snapshot_build(cfg, NULL, d.fp) : snapshot_build_serving(cfg, d.fp);
	if (snap == NULL) {
		diag_flush(&d);
		free(addrs);
		return 1;
	}
	if (!check)
		diag_flush(&d);

	if (print_zone) {
		int rc = print_zones(snap, domain, view);
		snapshot_free(snap);
		free(addrs);
		return rc;
	}
	if (check) {
		/* Config errors stopped above; these are sign-in errors. */
		int nerr = signin_check(snap, d.fp, print_verdict, NULL,
		    &nwarn);
		fflush(stdout);		/* the verdicts, then the messages */
		diag_flush(&d);
		if (nerr != 0) {
			fflush(stdout);
			snapshot_free(snap);
			free(addrs);
			return 1;
		}
		size_t nz = snapshot_nzones(snap);
		printf("%s: OK: %zu zone%s, %zu records\n", path, nz,
		    nz == 1 ? "" : "s", snapshot_nrecords(snap));
		snapshot_free(snap);
		free(addrs);
		return fflush(stdout) == 0 ? 0 : 1;
	}

	/* Checked before binding; run_path is what SIGHUP reads. */
	if (privs_prepare(snapshot_config(snap), path, allow_root,
	    &run_path) == -1) {
		snapshot_free(snap);
		free(addrs);
		return 1;
	}
	/* Before the first query, and before chroot: it keeps the directory. */
	(void)snapshot_state_save(snap, true);
	snapshot_shed(snap);
	/* server_new() owns snap from here, also when it fails. */
	struct server *srv = server_new(snap, run_path, addrs, nlisten);
	free(addrs);
	free(run_path);
	if (srv == NULL)
		return 1;
	/* Every socket is bound: chroot and drop to [server] user. */
	if (privs_drop() == -1) {
		server_free(srv);
		return 1;
	}
	int rc = server_run(srv);
	server_free(srv);
	libevent_global_shutdown();
	log_info("stopped");
	return rc == 0 ? 0 : 1;
}
