/* plan.h -- ocsdns-plan: the deployment plan as tables, and its formats. */
#ifndef OCSDNSD_PLAN_H
#define OCSDNSD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

struct snapshot;

/*
 * Every report is a table of strings with fixed columns: the formats
 * (text, CSV, JSON, HTML) print any table the same way, so a column
 * added here appears in all four. The column names are the JSON keys and
 * the CSV header: man/ocsdns-plan.1 documents them, and they only grow.
 */
struct plan_table {
	const char	*name;		/* "certificates": file and JSON key */
	const char	*title;		/* "Certificates": headings */
	const char *const *cols;
	size_t		 ncols;
	char		**cells;	/* nrows * ncols, row-major, owned */
	size_t		 nrows;
	size_t		 cap;
};

enum plan_report {
	PLAN_SUMMARY,
	PLAN_DNS,
	PLAN_HOSTS,
	PLAN_CERTS,
	PLAN_FIREWALL,
	PLAN_CHECKS,
	PLAN_NREPORTS
};

/*
 * certs.c: the certificate rules as data, one per row of the field note's
 * table (ocs-dns.md section 4, ocs-deployment.md "Certificates").
 */
enum plan_cert_when {
	PLAN_CERT_STANDARD,		/* [pool], edition = standard */
	PLAN_CERT_CONSOLIDATED,		/* [pool], enterprise, consolidated */
	PLAN_CERT_EXPANDED,		/* [pool], expanded: the servers */
	PLAN_CERT_EXPANDED_WEB,		/* [pool], expanded: Web Components */
	PLAN_CERT_DIRECTOR,		/* [director] without servers */
	PLAN_CERT_DIRECTOR_ARRAY,	/* [director] with server.FQDN keys */
	PLAN_CERT_EDGE_INTERNAL,	/* [edge] internal interface */
	PLAN_CERT_ACCESS_EDGE,		/* [edge] access_edge */
	PLAN_CERT_WEBCONF_EDGE,		/* [edge] webconf_edge */
	PLAN_CERT_AV_AUTH,		/* [edge] av_edge: A/V authentication */
	PLAN_CERT_REVERSE_PROXY,
	PLAN_CERT_CWA,
	PLAN_CERT_CWA_EXTERNAL,
	PLAN_CERT_MEDIATION,
	PLAN_CERT_HOST_POOL,		/* a [domain]'s pool that is a [host] */
	PLAN_CERT_HOST_EDGE,		/* ... its access_edge that is a [host] */
	PLAN_NCERT_RULES
};

/* Which names go into the SAN, beyond the subject (always the first). */
#define PLAN_SAN_COPIES		0x01	/* in-domain names made for it */
#define PLAN_SAN_WEB_FARM	0x02	/* the pool's web farm and copies */
#define PLAN_SAN_SIP_DOMAINS	0x04	/* sip.<domain> of its sign-in domains */
#define PLAN_SAN_VIP		0x08	/* the array's VIP FQDN and copies */

struct plan_cert_rule {
	const char	*name;		/* "consolidated pool" */
	enum ocs_role_kind kind;
	enum ocs_name_slot subject;	/* the name slot in the subject */
	unsigned	 sans;		/* PLAN_SAN_* */
	bool		 public_ca;	/* public CA (when federating) */
	const char	*assigned;
	const char	*notes;
};
extern const struct plan_cert_rule plan_cert_rules[PLAN_NCERT_RULES];

/* A certificate to request: what the certificate rules made of a role. */
#define PLAN_MAX_SANS	64
struct plan_cert {
	char		*server;	/* "[pool pool01]" */
	enum plan_cert_when rule;
	char		*subject;	/* CN */
	char		*sans[PLAN_MAX_SANS];
	size_t		 nsans;
	const char	*ca;
	const char	*eku;
	char		*assigned;	/* servers and interface, IIS */
	const char	*notes;
};

struct plan_certs {
	struct plan_cert *v;
	size_t		 n;
};

struct plan {
	const struct config *cfg;
	struct plan_table t[PLAN_NREPORTS];
	struct plan_certs certs;
};

/* --- table.c ------------------------------------------------------------ */

void	plan_table_init(struct plan_table *t, const char *name,
	    const char *title, const char *const *cols, size_t ncols);
/* One row of exactly t->ncols strings (NULL prints as ""). 0 or -1. */
int	plan_table_add(struct plan_table *t, ...);
const char *plan_cell(const struct plan_table *t, size_t row, size_t col);
void	plan_table_free(struct plan_table *t);
/* A malloc'd "a b c" of a host's or name's addresses ("" for none). */
char	*plan_addrs(const struct cfg_addr *a, size_t n);
/* The role of index ri as "[pool pool01]" into buf. */
const char *plan_role_label(const struct config *cfg, size_t ri, char *buf,
	    size_t len);
/* The host a role's name slot became, or NULL. */
const struct cfg_host *plan_role_host(const struct config *cfg,
	    const struct cfg_role *r, enum ocs_name_slot slot);
/* The role (kind, name), or NULL. */
const struct cfg_role *plan_role_find(const struct config *cfg,
	    enum ocs_role_kind kind, const char *name);
/* "2007" or "2007 R2". */
const char *plan_version(const struct config *cfg);

/* --- the reports -------------------------------------------------------- */

int	plan_summary(struct plan *p);
/* Every record snap serves, per view, and what must live elsewhere. */
int	plan_dns(struct plan *p, const struct snapshot *snap);

int	plan_certs_build(const struct config *cfg, struct plan_certs *out);
void	plan_certs_free(struct plan_certs *c);
int	plan_certs_table(struct plan *p);
/* Whether cert c names name (subject or a SAN, exactly). */
bool	plan_cert_names(const struct plan_cert *c, const char *name);
/* Writes DIR/SUBJECT.cnf per certificate and DIR/make-csr.sh; 0 or -1. */
int	plan_csr_write(const struct plan_certs *c, const char *dir, FILE *out);

int	plan_firewall(struct plan *p);

int	plan_checks(struct plan *p, const struct snapshot *snap);

/* Errors the plan finds beyond config_load's, as FILE:LINE: error: ... */
unsigned plan_validate(const struct config *cfg, FILE *diag);

/* --- formats ------------------------------------------------------------ */

int	plan_out_text(const struct plan *p, FILE *out);
int	plan_out_csv_table(const struct plan_table *t, FILE *out);
int	plan_out_json(const struct plan *p, FILE *out);
int	plan_out_html(const struct plan *p, FILE *out);
/* s with & < > " ' escaped, for HTML and SVG. */
void	plan_html_text(const char *s, FILE *out);
/* The diagram of html.c, as one <svg> element. */
int	plan_out_svg(const struct plan *p, FILE *out);

#endif
