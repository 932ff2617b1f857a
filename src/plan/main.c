/* main.c -- ocsdns-plan: the deployment plan of an ocsdnsd configuration. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan.h"
#include "snapshot.h"

enum format { F_TEXT, F_CSV, F_JSON, F_HTML };

static void
usage(FILE *out)
{
	fprintf(out, "usage: ocsdns-plan -c FILE [--format text|csv|json|html] "
	    "[-o DIR] [--csr DIR]\n");
}

/*
 * config_load's and snapshot_build's messages, as "FILE:LINE: error: ..."
 * unless they are warnings already: the loader says where, the plan says
 * how bad.
 */
static void
relay(const char *path, char *buf, size_t len)
{
	size_t plen = strlen(path);
	char *line = buf, *end = buf + len;

	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl != NULL ? (size_t)(nl - line) : (size_t)(end - line);
		size_t at = 0;
		if (n > plen && strncmp(line, path, plen) == 0 && line[plen] == ':') {
			at = plen + 1;
			size_t d = at;
			while (d < n && line[d] >= '0' && line[d] <= '9')
				d++;
			if (d > at && d < n && line[d] == ':')
				at = d + 1;
			if (at < n && line[at] == ' ')
				at++;
		}
		bool tagged = strncmp(line + at, "warning:", 8) == 0 ||
		    strncmp(line + at, "error:", 6) == 0;
		if (at > 0 && !tagged)
			fprintf(stderr, "%.*serror: %.*s\n", (int)at, line,
			    (int)(n - at), line + at);
		else
			fprintf(stderr, "%.*s\n", (int)n, line);
		line += n + 1;
	}
}

static struct snapshot *
load(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *diag = open_memstream(&buf, &len);
	if (diag == NULL) {
		perror("ocsdns-plan");
		return NULL;
	}
	struct config *cfg = config_load(path, diag, NULL);
	struct snapshot *snap = NULL;
	if (cfg != NULL && plan_validate(cfg, diag) > 0) {
		config_free(cfg);
		cfg = NULL;
	}
	if (cfg != NULL)
		snap = snapshot_build(cfg, NULL, diag);
	fclose(diag);
	relay(path, buf, len);
	free(buf);
	return snap;
}

static int
build(struct plan *p, const struct snapshot *snap)
{
	memset(p, 0, sizeof(*p));
	p->cfg = snapshot_config(snap);
	if (plan_certs_build(p->cfg, &p->certs) < 0)
		return -1;
	if (plan_summary(p) < 0 || plan_dns(p, snap) < 0 ||
	    plan_certs_table(p) < 0 || plan_firewall(p) < 0 ||
	    plan_checks(p, snap) < 0)
		return -1;
	return 0;
}

static void
plan_free(struct plan *p)
{
	for (size_t i = 0; i < PLAN_NREPORTS; i++)
		plan_table_free(&p->t[i]);
	plan_certs_free(&p->certs);
}

static int
mkdir_p(const char *dir)
{
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "ocsdns-plan: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static FILE *
open_out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "ocsdns-plan: %s: %s\n", path, strerror(errno));
	return f;
}

static int
emit(const struct plan *p, enum format fmt, const char *dir)
{
	static const char *const names[] = { "plan.txt", NULL, "plan.json",
	    "plan.html" };
	int rc = 0;

	if (fmt == F_CSV) {
		for (size_t i = 0; i < PLAN_NREPORTS && rc == 0; i++) {
			char name[64];
			snprintf(name, sizeof(name), "%s.csv", p->t[i].name);
			FILE *f = open_out(dir, name);
			if (f == NULL)
				return -1;
			rc = plan_out_csv_table(&p->t[i], f);
			if (fclose(f) != 0)
				rc = -1;
		}
		return rc;
	}
	FILE *f = dir != NULL ? open_out(dir, names[fmt]) : stdout;
	if (f == NULL)
		return -1;
	rc = fmt == F_TEXT ? plan_out_text(p, f) : fmt == F_JSON ?
	    plan_out_json(p, f) : plan_out_html(p, f);
	if (dir != NULL && fclose(f) != 0)
		rc = -1;
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "csr", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = NULL, *dir = NULL, *csr = NULL;
	enum format fmt = F_TEXT;
	int c;

	while ((c = getopt_long(argc, argv, "c:f:o:h", opts, NULL)) != -1)
		switch (c) {
		case 'c': path = optarg; break;
		case 'o': dir = optarg; break;
		case 'r': csr = optarg; break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				fmt = F_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				fmt = F_CSV;
			else if (strcmp(optarg, "json") == 0)
				fmt = F_JSON;
			else if (strcmp(optarg, "html") == 0)
				fmt = F_HTML;
			else {
				fprintf(stderr, "ocsdns-plan: unknown format '%s': "
				    "text, csv, json or html\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (fmt == F_CSV && dir == NULL) {
		fprintf(stderr, "ocsdns-plan: --format csv writes one file per "
		    "report: give -o DIR\n");
		return 2;
	}
	if (dir != NULL && mkdir_p(dir) < 0)
		return 1;
	struct snapshot *snap = load(path);
	if (snap == NULL)
		return 1;
	struct plan p;
	int rc = build(&p, snap) < 0 ? -1 : emit(&p, fmt, dir);
	if (rc == 0 && csr != NULL)
		rc = plan_csr_write(&p.certs, csr, dir != NULL || fmt == F_TEXT ?
		    stdout : stderr);
	if (rc < 0 && errno == ENOMEM)
		fprintf(stderr, "ocsdns-plan: out of memory\n");
	plan_free(&p);
	snapshot_free(snap);
	return rc < 0 ? 1 : 0;
}
