/* check_config.c -- unit tests of the INI configuration loader. */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "config_int.h"

static char	 tmpdir[PATH_MAX];
static char	 inipath[PATH_MAX + 16];
static char	*diagbuf;		/* what the last load printed */
static unsigned	 nwarn;

static const char *
srcdir(void)
{
	const char	*s = getenv("srcdir");

	return s != NULL && *s != '\0' ? s : ".";
}

static void
setup(void)
{
	const char	*t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_config.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(inipath, sizeof(inipath), "%s/t.ini", tmpdir);
	diagbuf = NULL;
	nwarn = 0;
}

static void
teardown(void)
{
	unlink(inipath);
	rmdir(tmpdir);
	free(diagbuf);
	diagbuf = NULL;
}

/* Loads path; the messages end up in diagbuf, the warnings in nwarn. */
static struct config *
load_path(const char *path)
{
	struct config	*cfg;
	FILE		*diag;
	size_t		 len;

	free(diagbuf);
	diagbuf = NULL;
	ck_assert_ptr_nonnull(diag = open_memstream(&diagbuf, &len));
	nwarn = 12345;
	cfg = config_load(path, diag, &nwarn);
	fclose(diag);
	return cfg;
}

/* Writes text to inipath and loads it. */
static struct config *
load_text(const char *text)
{
	FILE	*f;

	ck_assert_ptr_nonnull(f = fopen(inipath, "w"));
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return load_path(inipath);
}

static unsigned
diag_lines(void)
{
	unsigned	 n = 0;
	const char	*p;

	for (p = diagbuf; p != NULL && *p != '\0'; p++)
		if (*p == '\n')
			n++;
	return n;
}

/* A line of diagbuf starts with "PATH:LINE: " and contains phrase. */
static bool
has_msg(int line, const char *phrase)
{
	char		 prefix[PATH_MAX + 32];
	const char	*p, *eol;
	size_t		 plen;

	snprintf(prefix, sizeof(prefix), "%s:%d: ", inipath, line);
	plen = strlen(prefix);
	for (p = diagbuf; p != NULL && *p != '\0'; p = eol + 1) {
		if ((eol = strchr(p, '\n')) == NULL)
			eol = p + strlen(p);
		if ((size_t)(eol - p) >= plen && strncmp(p, prefix, plen) == 0) {
			char	*l = strndup(p, (size_t)(eol - p));
			bool	 found = strstr(l, phrase) != NULL;

			free(l);
			if (found)
				return true;
		}
		if (*eol == '\0')
			break;
	}
	return false;
}

#define ck_msg(line, phrase)						\
	ck_assert_msg(has_msg((line), (phrase)),			\
	    "no \"%s:%d: ...%s...\" in diag:\n%s", inipath, (line),	\
	    (phrase), diagbuf != NULL ? diagbuf : "(null)")

/* Loading text fails with exactly one error: at line, containing phrase. */
static void
expect_error(const char *text, int line, const char *phrase)
{
	struct config	*cfg = load_text(text);

	ck_assert_msg(cfg == NULL, "loaded, expected \"%s\" at line %d",
	    phrase, line);
	ck_msg(line, phrase);
	ck_assert_msg(diag_lines() == 1, "expected one message, got:\n%s",
	    diagbuf);
}

static uint16_t
listen_port(const struct cfg_listen *l)
{
	if (l->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&l->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&l->ss)->sin_port);
}

static void
addr_is(const struct cfg_addr *a, int family, const char *text)
{
	char	 buf[INET6_ADDRSTRLEN];

	ck_assert_int_eq(a->family, family);
	ck_assert_ptr_nonnull(inet_ntop(family, &a->u, buf, sizeof(buf)));
	ck_assert_str_eq(buf, text);
}

static void
prefix_is(const struct cfg_prefix *p, int family, const char *text,
    unsigned bits)
{
	char	 buf[INET6_ADDRSTRLEN];

	ck_assert_int_eq(p->family, family);
	ck_assert_uint_eq(p->bits, bits);
	if (family == AF_UNSPEC)
		return;
	ck_assert_ptr_nonnull(inet_ntop(family, p->addr, buf, sizeof(buf)));
	ck_assert_str_eq(buf, text);
}

/* A domain with a pool that resolves, to be appended to. */
#define MINIMAL								\
	"[domain example.com]\n"					\
	"pool = pool.example.com\n"					\
	"[host pool.example.com]\n"					\
	"address = 192.0.2.1\n"

/* A second domain, example.net: whose key lines start at line 9. */
#define NET								\
	MINIMAL								\
	"[host example.net]\n"						\
	"address = 192.0.2.5\n"						\
	"[domain example.net]\n"					\
	"access_edge = example.net\n"

START_TEST(test_example)
{
	char			 path[PATH_MAX];
	struct config		*cfg;
	const struct cfg_domain	*d;
	const struct cfg_host	*h;

	snprintf(path, sizeof(path), "%s/conf/ocsdnsd.ini", srcdir());
	cfg = load_path(path);
	ck_assert_msg(cfg != NULL, "%s did not load:\n%s", path, diagbuf);
	ck_assert_str_eq(diagbuf, "");
	ck_assert_uint_eq(nwarn, 0);
	ck_assert_str_eq(cfg->path, path);

	ck_assert_uint_eq(cfg->nlisten, 2);
	ck_assert_str_eq(cfg->listen[0].text, "127.0.0.1:5300");
	ck_assert_int_eq(cfg->listen[0].ss.ss_family, AF_INET);
	ck_assert_uint_eq(listen_port(&cfg->listen[0]), 5300);
	ck_assert_str_eq(cfg->listen[1].text, "[::1]:5300");
	ck_assert_int_eq(cfg->listen[1].ss.ss_family, AF_INET6);
	ck_assert_uint_eq(cfg->listen[1].sslen, sizeof(struct sockaddr_in6));
	ck_assert_uint_eq(listen_port(&cfg->listen[1]), 5300);
	ck_assert_uint_eq(cfg->ttl, 3600);
	ck_assert_uint_eq(cfg->negative_ttl, 300);
	ck_assert_str_eq(cfg->version, "ocsdnsd");
	ck_assert_uint_eq(cfg->nviews, 2);
	ck_assert_str_eq(cfg->views[0].name, "internal");
	ck_assert(!cfg->views[0].external);
	ck_assert_uint_eq(cfg->views[0].nmatch, 5);
	ck_assert_str_eq(cfg->views[1].name, "external");
	ck_assert(cfg->views[1].external);

	ck_assert_uint_eq(cfg->ndomains, 2);
	ck_assert_ptr_nonnull(d = config_domain(cfg, "contoso.com"));
	ck_assert_uint_eq(d->pool.n, 1);
	ck_assert_str_eq(d->pool.v[0].name, "pool01.contoso.com");
	ck_assert_uint_eq(d->pool.v[0].priority, 0);
	ck_assert_uint_eq(d->pool.v[0].weight, 0);
	ck_assert_int_eq(d->pool.line, 23);
	ck_assert_uint_eq(d->access_edge.n, 1);
	ck_assert_str_eq(d->access_edge.v[0].name, "sip.contoso.com");
	ck_assert(d->federation);
	ck_assert(d->fallback);
	ck_assert(d->sip_tcp);
	ck_assert_uint_eq(d->port[OCS_SIPINTERNALTLS], 5061);
	ck_assert_uint_eq(d->port[OCS_SIPINTERNAL], 5060);
	ck_assert_uint_eq(d->port[OCS_SIP_TLS], 443);
	ck_assert_uint_eq(d->port[OCS_SIP_TCP], 443);
	ck_assert_uint_eq(d->port[OCS_SIPFEDERATIONTLS], 5061);
	ck_assert_uint_eq(d->nns, 1);
	ck_assert_str_eq(d->ns[0], "ns1.contoso.com");
	ck_assert_str_eq(d->hostmaster, "hostmaster.contoso.com");
	ck_assert_uint_eq(d->ttl, 3600);

	ck_assert_ptr_nonnull(d = config_domain(cfg, "fabrikam.com"));
	ck_assert_uint_eq(d->pool.n, 2);
	ck_assert_str_eq(d->pool.v[0].name, "pool01.fabrikam.com");
	ck_assert_str_eq(d->pool.v[1].name, "pool02.fabrikam.com");
	ck_assert_uint_eq(d->pool.v[1].priority, 10);
	ck_assert_uint_eq(d->pool.v[1].weight, 50);
	ck_assert(!d->federation);
	ck_assert(!d->sip_tcp);

	ck_assert_uint_eq(cfg->nhosts, 8);
	ck_assert_ptr_nonnull(h = config_host(cfg, "pool01.contoso.com"));
	ck_assert_uint_eq(h->naddrs, 2);
	addr_is(&h->addrs[0], AF_INET, "10.0.0.10");
	addr_is(&h->addrs[1], AF_INET, "10.0.0.11");
	ck_assert_ptr_null(h->addrs[0].view);
	ck_assert_ptr_null(h->cname);
	ck_assert_ptr_nonnull(h = config_host(cfg, "sip.contoso.com"));
	ck_assert_uint_eq(h->naddrs, 2);
	addr_is(&h->addrs[0], AF_INET, "203.0.113.10");
	addr_is(&h->addrs[1], AF_INET6, "2001:db8::10");
	ck_assert_ptr_nonnull(h = config_host(cfg, "lyncdiscover.contoso.com"));
	ck_assert_uint_eq(h->naddrs, 0);
	ck_assert_str_eq(h->cname, "sip.contoso.com");
	ck_assert_int_eq(h->cname_line, 45);

	ck_assert_ptr_eq(config_zone_of(cfg, "pool01.fabrikam.com"),
	    config_domain(cfg, "fabrikam.com"));
	ck_assert_ptr_eq(config_zone_of(cfg, "contoso.com"),
	    config_domain(cfg, "contoso.com"));
	ck_assert_ptr_null(config_zone_of(cfg, "example.org"));
	ck_assert_ptr_null(config_zone_of(cfg, "xcontoso.com"));
	ck_assert_ptr_null(config_host(cfg, "nope.contoso.com"));
	config_free(cfg);
}
END_TEST

/* What the running daemon keeps once the snapshot is built (config_shed). */
START_TEST(test_shed)
{
	char		 path[PATH_MAX];
	struct config	*cfg;

	snprintf(path, sizeof(path), "%s/tests/data/conf/views.ini",
	    srcdir());
	cfg = load_path(path);
	ck_assert_msg(cfg != NULL, "%s did not load:\n%s", path, diagbuf);
	ck_assert_uint_gt(cfg->ndomains, 0);
	ck_assert_ptr_nonnull(config_host(cfg, "sip.contoso.com"));
	uint32_t ttl = cfg->ttl;
	config_shed(cfg);
	ck_assert_uint_eq(cfg->ndomains, 0);
	ck_assert_uint_eq(cfg->nhosts, 0);
	ck_assert_uint_eq(cfg->nroles, 0);
	ck_assert_ptr_null(config_host(cfg, "sip.contoso.com"));
	ck_assert_ptr_null(config_zone_of(cfg, "sip.contoso.com"));
	/* The views and the server-wide keys serve on. */
	ck_assert_uint_eq(cfg->nviews, 2);
	ck_assert_str_eq(cfg->views[1].name, "external");
	prefix_is(&cfg->views[0].match[3], AF_INET6, "::1", 128);
	ck_assert_uint_eq(cfg->ttl, ttl);
	config_shed(cfg);	/* twice is harmless */
	config_free(cfg);
}
END_TEST

START_TEST(test_data_views)
{
	char			 path[PATH_MAX];
	struct config		*cfg;
	const struct cfg_host	*h;

	snprintf(path, sizeof(path), "%s/tests/data/conf/views.ini",
	    srcdir());
	cfg = load_path(path);
	ck_assert_msg(cfg != NULL, "%s did not load:\n%s", path, diagbuf);
	ck_assert_uint_eq(nwarn, 0);
	ck_assert_uint_eq(cfg->nviews, 2);
	ck_assert_str_eq(cfg->views[0].name, "internal");
	ck_assert(!cfg->views[0].external);
	ck_assert_uint_eq(cfg->views[0].nmatch, 4);
	prefix_is(&cfg->views[0].match[3], AF_INET6, "::1", 128);
	ck_assert_str_eq(cfg->views[1].name, "external");
	ck_assert(cfg->views[1].external);
	ck_assert_uint_eq(cfg->views[1].nmatch, 1);
	prefix_is(&cfg->views[1].match[0], AF_UNSPEC, NULL, 0);
	ck_assert_ptr_nonnull(h = config_host(cfg, "sip.contoso.com"));
	ck_assert_uint_eq(h->naddrs, 2);
	ck_assert_str_eq(h->addrs[0].view, "internal");
	addr_is(&h->addrs[0], AF_INET, "10.0.1.10");
	ck_assert_str_eq(h->addrs[1].view, "external");
	addr_is(&h->addrs[1], AF_INET, "203.0.113.10");
	config_free(cfg);
}
END_TEST

START_TEST(test_data_warnings)
{
	char		 path[PATH_MAX];
	struct config	*cfg;

	snprintf(path, sizeof(path), "%s/tests/data/conf/warnings.ini",
	    srcdir());
	cfg = load_path(path);
	ck_assert_msg(cfg != NULL, "%s did not load:\n%s", path, diagbuf);
	ck_assert_uint_eq(nwarn, 2);
	ck_assert_uint_eq(diag_lines(), 2);
	ck_assert_ptr_nonnull(strstr(diagbuf, ":3: warning: target "
	    "pool01.corp.local is outside the SIP domain contoso.com"));
	ck_assert_ptr_nonnull(strstr(diagbuf, ":9: warning: host "
	    "pool01.corp.local is in no configured domain and is not served"));
	config_free(cfg);
}
END_TEST

/* Every mistake of errors.ini is reported, in line order, nothing else. */
START_TEST(test_data_errors)
{
	char		 path[PATH_MAX], expected_path[PATH_MAX], line[1024];
	char		*want = NULL;
	size_t		 wantlen;
	struct config	*cfg;
	FILE		*f, *w;
	unsigned	 n = 0;

	snprintf(path, sizeof(path), "%s/tests/data/conf/errors.ini",
	    srcdir());
	snprintf(expected_path, sizeof(expected_path),
	    "%s/tests/data/conf/errors.expected", srcdir());
	cfg = load_path(path);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(nwarn, 2);

	/* errors.expected says "errors.ini:N: ...", we print "PATH:N: ...". */
	ck_assert_ptr_nonnull(f = fopen(expected_path, "r"));
	ck_assert_ptr_nonnull(w = open_memstream(&want, &wantlen));
	while (fgets(line, sizeof(line), f) != NULL) {
		ck_assert_int_eq(strncmp(line, "errors.ini:", 11), 0);
		fprintf(w, "%s%s", path, line + strlen("errors.ini"));
		n++;
	}
	fclose(f);
	fclose(w);
	ck_assert_uint_eq(n, 24);
	ck_assert_str_eq(diagbuf, want);
	free(want);
}
END_TEST

START_TEST(test_defaults)
{
	struct config		*cfg;
	const struct cfg_domain	*d;
	char			 host[256];

	cfg = load_text(MINIMAL);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_str_eq(diagbuf, "");
	ck_assert_uint_eq(nwarn, 0);
	ck_assert_uint_eq(cfg->nlisten, 1);
	ck_assert_str_eq(cfg->listen[0].text, CONFIG_DEFAULT_LISTEN);
	ck_assert_int_eq(cfg->listen[0].ss.ss_family, AF_INET);
	ck_assert_uint_eq(listen_port(&cfg->listen[0]), 5300);
	ck_assert_uint_eq(cfg->ttl, 3600);
	ck_assert_uint_eq(cfg->negative_ttl, 300);
	ck_assert_uint_eq(cfg->edns_size, 1232);
	ck_assert_uint_eq(cfg->tcp_timeout, 10);
	ck_assert_uint_eq(cfg->tcp_max_clients, 128);
	ck_assert_uint_eq(cfg->workers, 1);
	ck_assert_ptr_nonnull(cfg->version);
	ck_assert_int_eq(strncmp(cfg->version, "ocsdnsd", 7), 0);
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';
	ck_assert_str_eq(cfg->identity, host);
	ck_assert_ptr_null(cfg->nsid);
	ck_assert_ptr_null(cfg->zones_dir);
	ck_assert_uint_eq(cfg->nviews, 0);
	ck_assert_ptr_nonnull(d = config_domain(cfg, "example.com"));
	ck_assert_int_eq(d->line, 1);
	ck_assert_uint_eq(d->access_edge.n, 0);
	ck_assert_int_eq(d->access_edge.line, 0);
	ck_assert(!d->federation);
	ck_assert(d->sip_tcp);
	ck_assert_uint_eq(d->port[OCS_SIPINTERNALTLS], ocs_services[OCS_SIPINTERNALTLS].port);
	ck_assert_uint_eq(d->port[OCS_SIPINTERNAL], ocs_services[OCS_SIPINTERNAL].port);
	ck_assert_uint_eq(d->port[OCS_SIP_TLS], ocs_services[OCS_SIP_TLS].port);
	ck_assert_uint_eq(d->port[OCS_SIP_TCP], ocs_services[OCS_SIP_TCP].port);
	ck_assert_uint_eq(d->port[OCS_SIPFEDERATIONTLS], ocs_services[OCS_SIPFEDERATIONTLS].port);
	ck_assert_uint_eq(d->nns, 1);
	ck_assert_str_eq(d->ns[0], "ns1.example.com");
	ck_assert_str_eq(d->hostmaster, "hostmaster.example.com");
	ck_assert_uint_eq(d->ttl, 3600);
	config_free(cfg);

	/* The domain ttl follows [server] ttl even when [server] comes last. */
	cfg = load_text(MINIMAL "[server]\nttl = 86400\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->domains[0].ttl, 86400);
	config_free(cfg);
}
END_TEST

START_TEST(test_server_keys)
{
	struct config		*cfg;
	const struct cfg_domain	*d;

	cfg = load_text(
	    "[server]\n"
	    "listen = 192.0.2.53:53, [2001:db8::53]:53, 198.51.100.1\n"
	    "ttl = 0\n"
	    "negative_ttl = 2147483647\n"
	    "edns_size = 4096\n"
	    "tcp_timeout = 3600\n"
	    "tcp_max_clients = 65535\n"
	    "version = lab dns 1.0\n"
	    "identity = ns-lab\n"
	    "nsid = lab-01\n"
	    "zones = /etc/ocsdnsd/zones\n"
	    "[domain example.com]\n"
	    "access_edge = sip.example.com\n"
	    "federation = on\n"
	    "sip_tcp = FALSE\n"
	    "sipinternaltls_port = 1\n"
	    "sipinternal_port = 65535\n"
	    "sip_tls_port = 5061\n"
	    "sip_tcp_port = 5060\n"
	    "sipfederationtls_port = 5062\n"
	    "ns = ns1.example.com, NS2.Example.COM.\n"
	    "hostmaster = admin@example.com\n"
	    "ttl = 60\n"
	    "[host sip.example.com]\n"
	    "address = 192.0.2.10\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->nlisten, 3);
	ck_assert_uint_eq(listen_port(&cfg->listen[0]), 53);
	ck_assert_int_eq(cfg->listen[1].ss.ss_family, AF_INET6);
	ck_assert_uint_eq(listen_port(&cfg->listen[1]), 53);
	ck_assert_str_eq(cfg->listen[2].text, "198.51.100.1");
	ck_assert_uint_eq(listen_port(&cfg->listen[2]), 5300);
	ck_assert_uint_eq(cfg->ttl, 0);
	ck_assert_uint_eq(cfg->negative_ttl, 2147483647);
	ck_assert_uint_eq(cfg->edns_size, 4096);
	ck_assert_uint_eq(cfg->tcp_timeout, 3600);
	ck_assert_uint_eq(cfg->tcp_max_clients, 65535);
	ck_assert_str_eq(cfg->version, "lab dns 1.0");
	ck_assert_str_eq(cfg->identity, "ns-lab");
	ck_assert_str_eq(cfg->nsid, "lab-01");
	ck_assert_str_eq(cfg->zones_dir, "/etc/ocsdnsd/zones");
	d = &cfg->domains[0];
	ck_assert(d->federation);
	ck_assert(!d->sip_tcp);
	ck_assert_uint_eq(d->port[OCS_SIPINTERNALTLS], 1);
	ck_assert_uint_eq(d->port[OCS_SIPINTERNAL], 65535);
	ck_assert_uint_eq(d->port[OCS_SIP_TLS], 5061);
	ck_assert_uint_eq(d->port[OCS_SIP_TCP], 5060);
	ck_assert_uint_eq(d->port[OCS_SIPFEDERATIONTLS], 5062);
	ck_assert_uint_eq(d->nns, 2);
	ck_assert_str_eq(d->ns[1], "ns2.example.com");
	ck_assert_str_eq(d->hostmaster, "admin.example.com");
	ck_assert_uint_eq(d->ttl, 60);
	config_free(cfg);
}
END_TEST

/* workers = 1..64 or auto (the online CPUs, at most 64). */
START_TEST(test_workers)
{
	struct config	*cfg;
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	cfg = load_text("[server]\nworkers = 4\n" MINIMAL);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->workers, 4);
	config_free(cfg);
	cfg = load_text("[server]\nworkers = 64\n" MINIMAL);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->workers, 64);
	config_free(cfg);
	cfg = load_text("[server]\nworkers = 1\n" MINIMAL);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->workers, 1);
	config_free(cfg);
	cfg = load_text("[server]\nworkers = Auto\n" MINIMAL);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	if (ncpu < 1)
		ncpu = 1;
	ck_assert_uint_eq(cfg->workers, ncpu > 64 ? 64 : (unsigned)ncpu);
	config_free(cfg);

	expect_error("[server]\nworkers = 0\n" MINIMAL, 2,
	    "workers: '0' is not a number in 1..64 or auto");
	expect_error("[server]\nworkers = 65\n" MINIMAL, 2,
	    "workers: '65' is not a number in 1..64 or auto");
	expect_error("[server]\nttl = 5\nworkers = many\n" MINIMAL, 3,
	    "workers: 'many' is not a number in 1..64 or auto");
	expect_error("[server]\nworkers = 2x\n" MINIMAL, 2,
	    "workers: '2x' is not a number");
	expect_error("[server]\nworkers =\n" MINIMAL, 2,
	    "workers: empty value");
	expect_error("[server]\nworkers = 2\nworkers = 3\n" MINIMAL, 3,
	    "workers");
}
END_TEST

START_TEST(test_version_identity_hidden)
{
	struct config	*cfg;

	cfg = load_text("[server]\nversion =\nidentity = ; hidden\n" MINIMAL);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_ptr_null(cfg->version);
	ck_assert_ptr_null(cfg->identity);
	config_free(cfg);
}
END_TEST

START_TEST(test_targets)
{
	struct config		*cfg;
	const struct cfg_domain	*d;

	cfg = load_text(
	    "[domain example.com]\n"
	    "pool = a.example.com:5 ,b.example.com:10:20,  c.example.com , "
	    "d.example.com:65535:65535\n"
	    "[host a.example.com]\naddress = 192.0.2.1\n"
	    "[host b.example.com]\naddress = 192.0.2.2\n"
	    "[host c.example.com]\naddress = 192.0.2.3\n"
	    "[host d.example.com]\ncname = c.example.com\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	d = &cfg->domains[0];
	ck_assert_uint_eq(d->pool.n, 4);
	ck_assert_int_eq(d->pool.line, 2);
	ck_assert_str_eq(d->pool.v[0].name, "a.example.com");
	ck_assert_uint_eq(d->pool.v[0].priority, 5);
	ck_assert_uint_eq(d->pool.v[0].weight, 0);
	ck_assert_str_eq(d->pool.v[1].name, "b.example.com");
	ck_assert_uint_eq(d->pool.v[1].priority, 10);
	ck_assert_uint_eq(d->pool.v[1].weight, 20);
	ck_assert_str_eq(d->pool.v[2].name, "c.example.com");
	ck_assert_uint_eq(d->pool.v[2].priority, 0);
	ck_assert_uint_eq(d->pool.v[3].priority, 65535);
	ck_assert_uint_eq(d->pool.v[3].weight, 65535);
	config_free(cfg);

	expect_error("[domain example.com]\n"
	    "pool = pool.example.com:65536\n", 2,
	    "priority '65536' of target pool.example.com is not a number "
	    "in 0..65535");
	expect_error("[domain example.com]\n"
	    "pool = pool.example.com:1:x\n", 2, "weight 'x'");
	expect_error("[domain example.com]\n"
	    "pool = pool.example.com:1:2:3\n", 2,
	    "expected host[:priority[:weight]]");
	expect_error("[domain example.com]\n"
	    "access_edge = pool.example.com,\n"
	    "[host pool.example.com]\naddress = 192.0.2.1\n", 2,
	    "access_edge: empty item in list");
	expect_error("[domain example.com]\n"
	    "access_edge = pool.example.com, pool.example.com:1\n"
	    "[host pool.example.com]\naddress = 192.0.2.1\n", 2,
	    "access_edge: target pool.example.com repeated");
}
END_TEST

START_TEST(test_parse_listen)
{
	static const char *const bad[] = {
		"", "::1", "[::1", "[::1]x", "[::1]:", "[::1]:0",
		"1.2.3.4:65536", "1.2.3.4:", "1.2.3.4:-1", "1.2.3.4: 53",
		"1.2.3", "host:53", "[1.2.3.4]:53", "[fe80::1%eth0]:53",
		"0123456789012345678901234567890123456789012345678901234567890",
	};
	struct cfg_listen		 l;
	const struct sockaddr_in6	*sin6;
	const struct sockaddr_in	*sin;
	char				 buf[INET6_ADDRSTRLEN];
	size_t				 i;

	ck_assert_int_eq(config_parse_listen("[::1]:53", &l), 0);
	sin6 = (const struct sockaddr_in6 *)&l.ss;
	ck_assert_int_eq(sin6->sin6_family, AF_INET6);
	ck_assert_uint_eq(l.sslen, sizeof(*sin6));
	ck_assert_uint_eq(sin6->sin6_port, htons(53));
	ck_assert(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	ck_assert_str_eq(l.text, "[::1]:53");
	free(l.text);

	ck_assert_int_eq(config_parse_listen("[2001:db8::1]", &l), 0);
	sin6 = (const struct sockaddr_in6 *)&l.ss;
	ck_assert_uint_eq(sin6->sin6_port, htons(5300));
	inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:db8::1");
	free(l.text);

	ck_assert_int_eq(config_parse_listen("10.1.2.3", &l), 0);
	sin = (const struct sockaddr_in *)&l.ss;
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_uint_eq(l.sslen, sizeof(*sin));
	ck_assert_uint_eq(sin->sin_port, htons(5300));
	ck_assert_uint_eq(sin->sin_addr.s_addr, inet_addr("10.1.2.3"));
	free(l.text);

	ck_assert_int_eq(config_parse_listen("0.0.0.0:65535", &l), 0);
	ck_assert_uint_eq(((const struct sockaddr_in *)&l.ss)->sin_port,
	    htons(65535));
	free(l.text);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(config_parse_listen(bad[i], &l) == -1,
		    "accepted '%s'", bad[i]);
		ck_assert_ptr_null(l.text);
	}
}
END_TEST

START_TEST(test_listen_in_file)
{
	struct config	*cfg;

	cfg = load_text("[server]\nlisten = [::1]:5353,[::]\n" MINIMAL);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->nlisten, 2);
	ck_assert_int_eq(cfg->listen[0].ss.ss_family, AF_INET6);
	ck_assert_uint_eq(listen_port(&cfg->listen[0]), 5353);
	ck_assert_str_eq(cfg->listen[1].text, "[::]");
	ck_assert_uint_eq(listen_port(&cfg->listen[1]), 5300);
	config_free(cfg);

	cfg = load_text("[server]\nlisten = ::1, 127.0.0.1:0, [::1]:53, "
	    "[::1]:53\n" MINIMAL);
	ck_assert_ptr_null(cfg);
	ck_msg(2, "listen: invalid address '::1'");
	ck_msg(2, "listen: invalid address '127.0.0.1:0'");
	ck_msg(2, "listen: '[::1]:53' repeated");
	ck_assert_uint_eq(diag_lines(), 3);

	expect_error("[server]\nlisten =\n" MINIMAL, 2, "listen: empty value");
}
END_TEST

START_TEST(test_views)
{
	struct config		*cfg;
	const struct cfg_view	*v;

	cfg = load_text(
	    "[view inside]\n"
	    "match = 0.0.0.0/0, 10.0.0.0/8, 192.0.2.1, 192.0.2.128/25, "
	    "::/0, 2001:db8::/32, ::1, fe80::/10, ANY\n"
	    "match_destination = 203.0.113.5/32, 2001:db8::1/128\n"
	    "[view Outside]\n"
	    "match = any\n"
	    "scope = External\n"
	    MINIMAL
	    "address.inside = 10.0.0.1\n"
	    "address.OUTSIDE = 203.0.113.1, 2001:db8::1\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	/* "inside" takes every client: "outside" can never match. */
	ck_assert_uint_eq(nwarn, 2);
	ck_msg(4, "warning: view outside can never match: earlier views take "
	    "every client it matches");
	ck_msg(7, "warning: domain example.com has no access_edge: external "
	    "view outside will have no SRV record for it");
	ck_assert_uint_eq(cfg->nviews, 2);
	v = &cfg->views[0];
	ck_assert_str_eq(v->name, "inside");
	ck_assert_int_eq(v->line, 1);
	ck_assert(!v->external);
	ck_assert_uint_eq(v->nmatch, 9);
	prefix_is(&v->match[0], AF_INET, "0.0.0.0", 0);
	prefix_is(&v->match[1], AF_INET, "10.0.0.0", 8);
	prefix_is(&v->match[2], AF_INET, "192.0.2.1", 32);
	prefix_is(&v->match[3], AF_INET, "192.0.2.128", 25);
	prefix_is(&v->match[4], AF_INET6, "::", 0);
	prefix_is(&v->match[5], AF_INET6, "2001:db8::", 32);
	prefix_is(&v->match[6], AF_INET6, "::1", 128);
	prefix_is(&v->match[7], AF_INET6, "fe80::", 10);
	prefix_is(&v->match[8], AF_UNSPEC, NULL, 0);
	ck_assert_uint_eq(v->match[1].addr[0], 10);
	ck_assert_uint_eq(v->nmatch_destination, 2);
	prefix_is(&v->match_destination[0], AF_INET, "203.0.113.5", 32);
	prefix_is(&v->match_destination[1], AF_INET6, "2001:db8::1", 128);
	v = &cfg->views[1];
	ck_assert_str_eq(v->name, "outside");
	ck_assert(v->external);
	ck_assert_uint_eq(cfg->hosts[0].naddrs, 4);
	ck_assert_ptr_null(cfg->hosts[0].addrs[0].view);
	ck_assert_str_eq(cfg->hosts[0].addrs[1].view, "inside");
	ck_assert_int_eq(cfg->hosts[0].addrs[1].line, 11);
	ck_assert_str_eq(cfg->hosts[0].addrs[2].view, "outside");
	addr_is(&cfg->hosts[0].addrs[3], AF_INET6, "2001:db8::1");
	config_free(cfg);
}
END_TEST

START_TEST(test_view_errors)
{
	struct config	*cfg;

	cfg = load_text(
	    "[view a]\n"
	    "match = 10.0.0.1/8, 10.0.0.0/33, ::1/129, 2001:db8::1/64, "
	    "10.0.0.0/, 10.0.0.0/x, /8, nowhere, 0.0.0.1/0\n"
	    "match_destination = 192.0.3.0/23\n"
	    "scope = dmz\n"
	    "[view A]\n"
	    "[view b!]\n"
	    MINIMAL
	    "address.c = 192.0.2.9\n"
	    "address.b! = 192.0.2.9\n");
	ck_assert_ptr_null(cfg);
	ck_msg(2, "match: '10.0.0.1/8': host bits set (did you mean "
	    "10.0.0.0/8?)");
	ck_msg(2, "match: '10.0.0.0/33': prefix length must be 0..32");
	ck_msg(2, "match: '::1/129': prefix length must be 0..128");
	ck_msg(2, "match: '2001:db8::1/64': host bits set (did you mean "
	    "2001:db8::/64?)");
	ck_msg(2, "match: '10.0.0.0/': prefix length");
	ck_msg(2, "match: '10.0.0.0/x': prefix length");
	ck_msg(2, "match: '/8': not an address or prefix");
	ck_msg(2, "match: 'nowhere': not an address or prefix");
	ck_msg(2, "match: '0.0.0.1/0': host bits set");
	ck_msg(3, "match_destination: '192.0.3.0/23': host bits set (did "
	    "you mean 192.0.2.0/23?)");
	ck_msg(4, "scope: 'dmz' is neither internal nor external");
	ck_msg(5, "duplicate [view a] (first on line 1)");
	ck_msg(6, "invalid view name 'b!': invalid character '!'");
	ck_msg(11, "address.c: no [view c] is defined");
	ck_msg(12, "address.b!: invalid view name 'b!'");
	ck_assert_uint_eq(diag_lines(), 15);

	/* Without any [view], address.VIEW is an error too. */
	expect_error("[host pool.example.com]\naddress.internal = 10.0.0.1\n"
	    "[domain example.com]\npool = pool.example.com\n", 2,
	    "address.internal: no [view internal] is defined");

	/* A view that can match nothing is only a warning. */
	cfg = load_text("[view idle]\nscope = external\n" MINIMAL);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(nwarn, 2);	/* and: no access_edge for outside */
	ck_msg(1, "warning: view idle has neither match nor "
	    "match_destination");
	config_free(cfg);
}
END_TEST

START_TEST(test_names)
{
	struct config	*cfg;
	char		 text[512];

	cfg = load_text("[domain Example.COM.]\n"
	    "pool = Pool_1.EXAMPLE.com.\n"
	    "[host POOL_1.example.com]\n"
	    "address = 192.0.2.1\n"
	    "[host www.example.com.]\n"
	    "cname = Pool_1.Example.Com\n"
	    "[host example.com]\n"		/* the apex may have addresses */
	    "address = 192.0.2.2\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(nwarn, 0);
	ck_assert_str_eq(cfg->domains[0].name, "example.com");
	ck_assert_str_eq(cfg->domains[0].pool.v[0].name, "pool_1.example.com");
	ck_assert_str_eq(cfg->hosts[0].name, "pool_1.example.com");
	ck_assert_str_eq(cfg->hosts[1].cname, "pool_1.example.com");
	ck_assert_ptr_nonnull(config_host(cfg, "example.com"));
	config_free(cfg);

	expect_error("[domain a..example.com]\n", 1,
	    "invalid domain name 'a..example.com': empty label");
	expect_error("[domain .]\n", 1, "invalid domain name '.': empty name");
	expect_error("[domain example.com..]\n", 1, "empty label");
	expect_error("[host x!.example.com]\n", 1,
	    "invalid host name 'x!.example.com': invalid character '!'");
	expect_error(MINIMAL "[host www.example.com]\ncname = a\tb\n", 6,
	    "cname: invalid name 'a\tb': invalid character '\\x09'");
	snprintf(text, sizeof(text), MINIMAL "[host %.64s.example.com]\n"
	    "address = 192.0.2.3\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	expect_error(text, 5, "label longer than 63 characters");
	snprintf(text, sizeof(text), MINIMAL "[host %.63s.example.com]\n"
	    "address = 192.0.2.3\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	cfg = load_text(text);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	config_free(cfg);
	expect_error("[domain example.com]\nns = ns1.example.com, "
	    "ns1.example.com.\npool = pool.example.com\n"
	    "[host pool.example.com]\naddress = 192.0.2.1\n", 2,
	    "ns: ns1.example.com repeated");
	expect_error("[domain example.com]\nhostmaster = a b\n"
	    "pool = pool.example.com\n[host pool.example.com]\n"
	    "address = 192.0.2.1\n", 2,
	    "hostmaster: invalid name 'a b': invalid character '\\x20'");
}
END_TEST

START_TEST(test_err_section)
{
	expect_error(MINIMAL "[zone example.com]\n", 5,
	    "unknown section [zone example.com]");
	expect_error(MINIMAL "[domain]\n", 5, "[domain] needs a name");
	expect_error(MINIMAL "[server main]\n", 5, "[server] takes no name");
	expect_error(MINIMAL "[host a b]\n", 5, "unexpected space");
	expect_error(MINIMAL "[host a.example.com\n", 5,
	    "missing ']' in section header");
	expect_error(MINIMAL "[host a.example.com] x\n", 5,
	    "unexpected text after ']'");
	/* The keys of a bad section are skipped, not reported again. */
	expect_error(MINIMAL "[zone x]\nttl = 5\nbogus = 1\n", 5,
	    "unknown section");
}
END_TEST

/*
 * "[host NAME]" and "[domain NAME]" written plainly take a quicker way
 * (section_quick); every other spelling of them the long one. Each comes
 * to the same section, or to the same message.
 */
START_TEST(test_section_forms)
{
	static const char *const same[] = {
		"[host a.example.com]", "[HOST a.example.com]",
		"[host  a.example.com]", "[host a.example.com ]",
		"[host\ta.example.com]", " [host a.example.com]",
		"[ host a.example.com]", "[host a.example.com] ; note",
		"[host A.Example.COM.]", "[host a.example.com]\r",
	};
	char text[256];

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		snprintf(text, sizeof(text), MINIMAL "%s\naddress = 192.0.2.9\n",
		    same[i]);
		struct config *cfg = load_text(text);
		ck_assert_msg(cfg != NULL, "'%s': %s", same[i], diagbuf);
		ck_assert_uint_eq(cfg->nhosts, 2);
		ck_assert_str_eq(cfg->hosts[1].name, "a.example.com");
		ck_assert_int_eq(cfg->hosts[1].line, 5);
		config_free(cfg);
	}
	expect_error(MINIMAL "[host a.example.com]x\n", 5,
	    "unexpected text after ']': 'x'");
	expect_error(MINIMAL "[host a.example.com]]\n", 5,
	    "unexpected text after ']': ']'");
	expect_error(MINIMAL "[host a]b]\n", 5,
	    "unexpected text after ']': 'b]'");
	expect_error(MINIMAL "[host a\tb]\n", 5,
	    "unexpected space in section name 'a\tb'");
	expect_error(MINIMAL "[host a\vb]\n", 5,
	    "invalid host name 'a\vb': invalid character '\\x0b'");
	expect_error(MINIMAL "[host ]\n", 5, "[host] needs a name");
	expect_error(MINIMAL "[domain ]\n", 5, "[domain] needs a name");
	expect_error(MINIMAL "[host a..b]\n", 5,
	    "invalid host name 'a..b': empty label");
	expect_error(MINIMAL "[domain a$b]\n", 5,
	    "invalid domain name 'a$b': invalid character '$'");
	expect_error(MINIMAL "[host pool.example.com]\n", 5,
	    "duplicate [host pool.example.com] (first on line 3)");
	expect_error(MINIMAL "[domain EXAMPLE.com.]\n", 5,
	    "duplicate [domain example.com] (first on line 1)");
	expect_error(MINIMAL "[hosts a.example.com]\n", 5,
	    "unknown section [hosts a.example.com]: did you mean [host FQDN]?");
}
END_TEST

START_TEST(test_err_unknown_key)
{
	expect_error(MINIMAL "colour = blue\n", 5,
	    "unknown key 'colour' in [host]");
	expect_error("[server]\npool = x.example.com\n" MINIMAL, 2,
	    "unknown key 'pool' in [server]");
	expect_error("[domain example.com]\npool = pool.example.com\n"
	    "address = 192.0.2.1\n[host pool.example.com]\n"
	    "address = 192.0.2.1\n", 3, "unknown key 'address' in [domain]");
	expect_error(MINIMAL "= 1\n", 5, "missing key name");
}
END_TEST

START_TEST(test_err_unknown_key_suggest)
{
	/* The nearest key of that section: a typo, a prefix, a NAME.VIEW. */
	expect_error("[domain example.com]\npool = pool.example.com\n"
	    "acess_edge = sip.example.com\n[host pool.example.com]\n"
	    "address = 192.0.2.1\n", 3, "unknown key 'acess_edge' in "
	    "[domain]: did you mean access_edge?");
	expect_error("[domain example.com]\npool = pool.example.com\n"
	    "sip_tls_prot = 5061\n[host pool.example.com]\n"
	    "address = 192.0.2.1\n", 3, "did you mean sip_tls_port?");
	expect_error(MINIMAL "adress.dmz = 192.0.2.1\n", 5,
	    "unknown key 'adress.dmz' in [host]: did you mean address.dmz?");
	expect_error("[server]\nlist = 127.0.0.1:53\n" MINIMAL, 2,
	    "unknown key 'list' in [server]: did you mean listen?");
	/* Nothing close: no suggestion. */
	expect_error(MINIMAL "colour = blue\n", 5,
	    "unknown key 'colour' in [host]");
	ck_assert_ptr_null(strstr(diagbuf, "did you mean"));
	/* A section kind. */
	expect_error(MINIMAL "[pol pool01]\n", 5,
	    "unknown section [pol pool01]: did you mean [pool NAME]?");
	expect_error(MINIMAL "[domian example.org]\n", 5,
	    "did you mean [domain NAME]?");
	expect_error(MINIMAL "[zone example.com]\n", 5, "expected [server]");
	ck_assert_ptr_null(strstr(diagbuf, "did you mean"));
}
END_TEST

START_TEST(test_err_target_typo)
{
	/* A target that is no host but one edit from one: did you mean. */
	expect_error("[domain example.com]\npool = pool10.example.com\n"
	    "[host pool01.example.com]\naddress = 192.0.2.1\n", 2,
	    "target pool10.example.com does not exist: did you mean "
	    "pool01.example.com? (or add [host pool10.example.com])");
	expect_error("[domain example.com]\npool = frontend.example.com\n"
	    "[host pool01.example.com]\naddress = 192.0.2.1\n", 2,
	    "target frontend.example.com has no address: add [host "
	    "frontend.example.com]");
}
END_TEST

START_TEST(test_err_no_knock_on)
{
	/* pool = pool1: the missing pool, not also "outside the domain". */
	expect_error("[domain example.com]\npool = pool1\n", 2,
	    "no [pool pool1] is defined");
	ck_assert_uint_eq(nwarn, 0);
	/* A missing [edge]: not also "no access_edge" per external view. */
	expect_error("[view outside]\nmatch = any\nscope = external\n"
	    "[domain example.com]\npool = pool.example.com\nedge = edge1\n"
	    "[host pool.example.com]\naddress = 192.0.2.1\n", 6,
	    "no [edge edge1] is defined");
	ck_assert_uint_eq(nwarn, 0);
}
END_TEST

START_TEST(test_err_outside_section)
{
	expect_error("; comment\n\nttl = 60\n" MINIMAL, 3,
	    "'ttl' is outside any section");
}
END_TEST

START_TEST(test_err_duplicate_sections)
{
	expect_error(MINIMAL "[domain EXAMPLE.com.]\n", 5,
	    "duplicate [domain example.com] (first on line 1)");
	expect_error(MINIMAL "[host pool.example.com]\n", 5,
	    "duplicate [host pool.example.com] (first on line 3)");
	expect_error("[view v]\nmatch = any\n[view v]\n" MINIMAL, 3,
	    "duplicate [view v] (first on line 1)");
	expect_error("[server]\n[server]\n" MINIMAL, 2,
	    "duplicate [server] (first on line 1)");
}
END_TEST

START_TEST(test_err_repeated_key)
{
	struct config	*cfg;

	expect_error("[server]\nttl = 60\n\nTTL = 70\n" MINIMAL, 4,
	    "TTL repeated (first set on line 2)");
	expect_error("[domain example.com]\npool = pool.example.com\n"
	    "pool = pool.example.com\n[host pool.example.com]\n"
	    "address = 192.0.2.1\n", 3, "pool repeated (first set on line 2)");
	expect_error(MINIMAL "[host www.example.com]\ncname = a.example.com\n"
	    "cname = b.example.com\n", 7,
	    "cname repeated (first set on line 6)");
	expect_error(MINIMAL "address = 192.0.2.2, 192.0.2.1\n", 5,
	    "address: 192.0.2.1 repeated (first on line 4)");

	/* address and address.VIEW may repeat: they append. */
	cfg = load_text("[view v]\nmatch = any\n" MINIMAL
	    "address = 192.0.2.2\naddress = 2001:db8::1\n"
	    "address.v = 192.0.2.1\naddress.v = 192.0.2.3\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->hosts[0].naddrs, 5);
	ck_assert_int_eq(cfg->hosts[0].addrs[2].line, 8);
	addr_is(&cfg->hosts[0].addrs[4], AF_INET, "192.0.2.3");
	config_free(cfg);
}
END_TEST

START_TEST(test_err_line_too_long)
{
	char	 text[1024], longname[300];
	struct config *cfg;

	memset(longname, 'a', 190);
	longname[190] = '\0';
	/* 198 characters: one more than inih's 200-byte buffer holds. */
	snprintf(text, sizeof(text), MINIMAL "cname = %s\n", longname);
	ck_assert_uint_eq(strlen("cname = ") + 190, 198);
	expect_error(text, 5, "line too long (more than 197 characters)");

	/* 197 characters fit (and the key is then unknown). */
	snprintf(text, sizeof(text), MINIMAL "nsid = %s\n", longname);
	expect_error(text, 5, "unknown key 'nsid' in [host]");

	/* A long comment is too long as well; the rest is still read. */
	memset(longname, ';', 250);
	longname[250] = '\0';
	snprintf(text, sizeof(text), "%s\n" MINIMAL "bogus = 1\n", longname);
	cfg = load_text(text);
	ck_assert_ptr_null(cfg);
	ck_msg(1, "line too long");
	ck_msg(6, "unknown key 'bogus'");
	ck_assert_uint_eq(diag_lines(), 2);

	/* Indented past the limit, a header is still one: its keys ignored. */
	memset(longname, ' ', 250);
	longname[250] = '\0';
	snprintf(text, sizeof(text), MINIMAL "%s[host x.example.com]\n"
	    "bogus = 1\n", longname);
	cfg = load_text(text);
	ck_assert_ptr_null(cfg);
	ck_msg(5, "line too long");
	ck_assert_uint_eq(diag_lines(), 1);
}
END_TEST

START_TEST(test_err_domain_no_targets)
{
	expect_error(MINIMAL "[domain example.net]\nsip_tcp = no\n", 5,
	    "domain example.net has neither pool nor access_edge");
}
END_TEST

START_TEST(test_err_host_neither_both)
{
	expect_error(MINIMAL "[host www.example.com]\n", 5,
	    "host www.example.com has neither address nor cname");
	expect_error(MINIMAL "cname = www.example.com\n", 5,
	    "host pool.example.com has both address and cname");
	/* A bad address is one error, not also "neither". */
	expect_error(MINIMAL "[host www.example.com]\naddress = 192.0.2\n", 6,
	    "address: '192.0.2' is not an IPv4 or IPv6 address");
}
END_TEST

START_TEST(test_err_target_no_host)
{
	expect_error("[domain contoso.com]\n"
	    "pool = pool01.contoso.com\n", 2,
	    "target pool01.contoso.com has no address: add "
	    "[host pool01.contoso.com]");
	/* In another configured domain: still needs a [host]. */
	expect_error(MINIMAL "[domain example.net]\n"
	    "access_edge = sip.example.net\n", 6,
	    "target sip.example.net has no address");
}
END_TEST

START_TEST(test_warn_target_outside)
{
	struct config	*cfg;

	cfg = load_text("[domain contoso.com]\n"
	    "pool = pool01.corp.local\n"
	    "access_edge = sip.contoso.com, edge.partner.example\n"
	    "[host sip.contoso.com]\naddress = 203.0.113.10\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(nwarn, 2);
	ck_assert_uint_eq(diag_lines(), 2);
	ck_msg(2, "warning: target pool01.corp.local is outside the SIP "
	    "domain contoso.com: Communicator's strict domain matching will "
	    "refuse it");
	ck_msg(3, "warning: target edge.partner.example is "
	    "outside the SIP domain contoso.com");
	config_free(cfg);

	/* Warnings still count when an error makes the load fail. */
	cfg = load_text("[domain contoso.com]\npool = pool01.corp.local\n"
	    "[server]\nttl = x\n");
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(nwarn, 1);
	ck_msg(2, "warning: target pool01.corp.local is outside");
	ck_msg(4, "ttl: 'x' is not a number");
}
END_TEST

START_TEST(test_warn_host_no_domain)
{
	struct config	*cfg;

	cfg = load_text(MINIMAL "[host www.example.org]\naddress = 192.0.2.2\n"
	    "[host example.community]\naddress = 192.0.2.3\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(nwarn, 2);
	ck_msg(5, "warning: host www.example.org is in no configured domain "
	    "and is not served");
	/* "example.community" is not inside "example.com". */
	ck_msg(7, "warning: host example.community is in no configured");
	config_free(cfg);
}
END_TEST

START_TEST(test_err_cname)
{
	struct config	*cfg;

	expect_error(MINIMAL "[host www.example.com]\n"
	    "cname = WWW.example.com.\n", 6,
	    "cname of www.example.com points to itself");
	cfg = load_text(MINIMAL "[host a.example.com]\ncname = b.example.com\n"
	    "[host b.example.com]\ncname = a.example.com\n");
	ck_assert_ptr_null(cfg);
	ck_msg(6, "cname chain from a.example.com loops back to it");
	ck_msg(8, "cname chain from b.example.com loops back to it");
	ck_assert_uint_eq(diag_lines(), 2);
	expect_error("[domain example.com]\npool = pool.example.com\n"
	    "[host example.com]\ncname = pool.example.com\n"
	    "[host pool.example.com]\naddress = 192.0.2.1\n", 4,
	    "host example.com is the apex of domain example.com");
	/* A cname out of every zone is fine. */
	cfg = load_text(MINIMAL "[host www.example.com]\n"
	    "cname = www.example.org\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(nwarn, 0);
	config_free(cfg);
}
END_TEST

START_TEST(test_err_federation)
{
	struct config	*cfg;

	expect_error(MINIMAL "[host example.net]\naddress = 192.0.2.5\n"
	    "[domain example.net]\npool = example.net\nfederation = yes\n", 9,
	    "federation = yes needs an access_edge in [domain example.net]");
	cfg = load_text(MINIMAL "[domain example.net]\n"
	    "pool = pool.example.com\nfederation = no\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(nwarn, 1);		/* pool outside example.net */
	config_free(cfg);
}
END_TEST

START_TEST(test_err_values)
{
	char	 text[512];

	expect_error("[server]\nttl = 2147483648\n" MINIMAL, 2,
	    "ttl: '2147483648' is not a number in 0..2147483647");
	expect_error("[server]\nttl = -1\n" MINIMAL, 2, "ttl: '-1'");
	expect_error("[server]\nttl = 99999999999999999999999\n" MINIMAL, 2,
	    "is not a number in 0..2147483647");
	expect_error("[server]\nnegative_ttl = 1h\n" MINIMAL, 2,
	    "negative_ttl: '1h'");
	expect_error("[server]\nedns_size = 511\n" MINIMAL, 2,
	    "edns_size: '511' is not a number in 512..4096");
	expect_error("[server]\nedns_size = 4097\n" MINIMAL, 2,
	    "edns_size: '4097'");
	expect_error("[server]\ntcp_timeout = 0\n" MINIMAL, 2,
	    "tcp_timeout: '0' is not a number in 1..3600");
	expect_error("[server]\ntcp_timeout = 3601\n" MINIMAL, 2,
	    "tcp_timeout: '3601'");
	expect_error("[server]\ntcp_max_clients = 0\n" MINIMAL, 2,
	    "tcp_max_clients: '0' is not a number in 1..65535");
	expect_error("[server]\ntcp_max_clients = 65536\n" MINIMAL, 2,
	    "tcp_max_clients: '65536'");
	expect_error("[server]\nnsid =\n" MINIMAL, 2, "nsid: empty value");
	snprintf(text, sizeof(text), "[server]\nnsid = %.65s\n" MINIMAL,
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	expect_error(text, 2, "nsid: longer than 64 characters");
	expect_error(NET "sip_tls_port = 0\n", 9,
	    "sip_tls_port: '0' is not a number in 1..65535");
	expect_error(NET "sipinternal_port = 65536\n", 9,
	    "sipinternal_port: '65536'");
	expect_error(NET "federation = maybe\n", 9,
	    "federation: 'maybe' is not a boolean");
	expect_error(NET "ttl = 2147483648\n", 9, "ttl: '2147483648'");
	expect_error(MINIMAL "address = 300.1.2.3\n", 5,
	    "address: '300.1.2.3' is not an IPv4 or IPv6 address");
	expect_error(MINIMAL "address =\n", 5, "address: empty value");
}
END_TEST

START_TEST(test_err_missing_file)
{
	char		 want[PATH_MAX + 64];
	struct config	*cfg;

	cfg = load_path(inipath);		/* never written */
	ck_assert_ptr_null(cfg);
	snprintf(want, sizeof(want), "%s: cannot open: %s\n", inipath,
	    strerror(ENOENT));
	ck_assert_str_eq(diagbuf, want);
	ck_assert_uint_eq(nwarn, 0);

	cfg = load_path(tmpdir);		/* a directory */
	ck_assert_ptr_null(cfg);
	ck_assert_ptr_nonnull(strstr(diagbuf, tmpdir));
	ck_assert_ptr_nonnull(strstr(diagbuf, strerror(EISDIR)));
}
END_TEST

START_TEST(test_syntax)
{
	struct config	*cfg;

	/* CRLF, a BOM, indented keys, ':' pairs, inline and # comments. */
	cfg = load_text("\xef\xbb\xbf[server]\r\n"
	    "  ttl = 120 ; two minutes\r\n"
	    "\tnegative_ttl: 30\r\n"
	    "# comment\r\n"
	    "   ; indented comment\r\n"
	    "[domain example.com] ; the SIP domain\r\n"
	    "pool = pool.example.com\r\n"
	    "[host pool.example.com]\r\n"
	    "    address = 192.0.2.1\r\n"
	    "    address = 192.0.2.2");		/* no final newline */
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->ttl, 120);
	ck_assert_uint_eq(cfg->negative_ttl, 30);
	ck_assert_uint_eq(cfg->hosts[0].naddrs, 2);
	ck_assert_int_eq(cfg->hosts[0].addrs[1].line, 10);
	config_free(cfg);

	expect_error(MINIMAL "address 192.0.2.9\n", 5,
	    "expected 'key = value' or a [section] header");
	expect_error(MINIMAL "address ; = 192.0.2.9\n", 5,
	    "expected 'key = value'");
	expect_error("[server]\nttl = 60 # comment\n" MINIMAL, 2,
	    "ttl: '60 # comment' is not a number");
	/* The BOM's first two bytes alone are no BOM, but a bad line. */
	expect_error("\xef\xbb\n" MINIMAL, 1,
	    "expected 'key = value' or a [section] header");
	/* The BOM on the first line only. */
	expect_error("[server]\n\xef\xbb\xbfttl = 60\n" MINIMAL, 2,
	    "unknown key '\xef\xbb\xbfttl' in [server]");
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = MINIMAL "ttl\0 = 1\n";
	struct config	*cfg;
	FILE		*f;

	ck_assert_ptr_nonnull(f = fopen(inipath, "w"));
	ck_assert_uint_eq(fwrite(text, 1, sizeof(text) - 1, f),
	    sizeof(text) - 1);
	fclose(f);
	cfg = load_path(inipath);
	ck_assert_ptr_null(cfg);
	ck_msg(5, "NUL character in line");
	ck_assert_uint_eq(diag_lines(), 1);
}
END_TEST

/*
 * The ends of lines: a '\n' and the '\r's before it cut, or the '\r's of
 * a last line without one; empty lines counted.
 */
START_TEST(test_line_ends)
{
	struct config	*cfg;

	cfg = load_text("[server]\r\r\nttl = 7\r\r\n\r\n\r\r\n\n" MINIMAL
	    "[host b.example.com]\naddress = 192.0.2.3\r");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->ttl, 7);
	ck_assert_uint_eq(cfg->nhosts, 2);
	ck_assert_int_eq(cfg->hosts[1].addrs[0].line, 11);
	config_free(cfg);
	expect_error("[server]\r\n\r\r\n\r\n\n\rbogus = 1\r\n" MINIMAL, 5,
	    "unknown key 'bogus' in [server]");
	expect_error("[server]\r\n\r\r\n\r\nttl = 1\r\001\r\r\n" MINIMAL, 4,
	    "ttl: '1\r\001' is not a number");
}
END_TEST

START_TEST(test_lookups)
{
	struct config	*cfg;

	cfg = load_text("[domain example.com]\npool = pool.example.com\n"
	    "[domain lab.example.com]\npool = pool.lab.example.com\n"
	    "[host pool.example.com]\naddress = 192.0.2.1\n"
	    "[host pool.lab.example.com]\naddress = 192.0.2.2\n");
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_str_eq(config_zone_of(cfg, "pool.lab.example.com")->name,
	    "lab.example.com");
	ck_assert_str_eq(config_zone_of(cfg, "lab.example.com")->name,
	    "lab.example.com");
	ck_assert_str_eq(config_zone_of(cfg, "a.b.example.com")->name,
	    "example.com");
	ck_assert_str_eq(config_zone_of(cfg, "xlab.example.com")->name,
	    "example.com");
	ck_assert_ptr_null(config_zone_of(cfg, "com"));
	ck_assert_ptr_null(config_zone_of(cfg, ""));
	ck_assert_ptr_null(config_domain(cfg, "pool.example.com"));
	ck_assert_ptr_nonnull(config_host(cfg, "pool.lab.example.com"));
	config_free(cfg);
	config_free(NULL);
}
END_TEST

/*
 * The arrays that doubled while the file was read are cut to what they
 * hold once it is checked (40 domains, 40 hosts, 3 addresses: room for 64,
 * 64 and 4 before), and still hold the same. The domains and hosts are
 * arena arrays (arena.h), whole pages: 64 domains' took three, 40's two.
 */
START_TEST(test_arrays_fit)
{
	enum { N = 40 };
	char text[8192];
	size_t len = 0;

	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "[domain d%d.example]\npool = pool.d%d.example\n"
		    "[host pool.d%d.example]\naddress = 192.0.2.%d%s\n",
		    i, i, i, i + 1,
		    i == 4 ? ", 192.0.2.100, 2001:db8::1" : "");
	ck_assert_uint_lt(len, sizeof(text) - 1);
	struct config *cfg = load_text(text);
	ck_assert_msg(cfg != NULL, "%s", diagbuf);
	ck_assert_uint_eq(cfg->ndomains, N);
	ck_assert_uint_ge(cfg->nhosts, N);
	ck_assert_uint_lt(arena_array_size(cfg->domains),
	    N * sizeof(*cfg->domains) + 4096);
	ck_assert_uint_lt(arena_array_size(cfg->hosts),
	    cfg->nhosts * sizeof(*cfg->hosts) + 4096);
	const struct cfg_host *h = config_host(cfg, "pool.d4.example");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->naddrs, 3);
	/*
	 * A host's addresses are in the configuration's region (config_str.c),
	 * not the heap: malloc_usable_size() may not be asked of them (ASan
	 * aborts). Only a list that fell back to the heap is fitted.
	 */
	if (!config_str_in(cfg->strs, h->addrs))
		ck_assert_uint_lt(malloc_usable_size(h->addrs),
		    4 * sizeof(*h->addrs));
	ck_assert_int_eq(h->addrs[2].family, AF_INET6);
	ck_assert_str_eq(config_domain(cfg, "d3.example")->pool.v[0].name,
	    "pool.d3.example");
	config_free(cfg);
}
END_TEST

START_TEST(test_null_diag)
{
	struct config	*cfg;
	unsigned	 n = 99;

	cfg = load_text("[domain contoso.com]\npool = pool01.corp.local\n");
	ck_assert_ptr_nonnull(cfg);
	config_free(cfg);
	cfg = config_load(inipath, NULL, &n);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(n, 1);
	config_free(cfg);
	cfg = config_load(inipath, NULL, NULL);
	ck_assert_ptr_nonnull(cfg);
	config_free(cfg);
}
END_TEST

/*
 * Enough domains and hosts for the checks to run in parts (CONFIG_PAR_MIN):
 * every target's host, every host's zone and every domain's defaults as
 * one pass sets them.
 */
#define LARGE_DOMAINS	6000

static void
write_large(bool faults, FILE *want)
{
	FILE	*f;
	int	 line = 0;

	ck_assert_ptr_nonnull(f = fopen(inipath, "w"));
	for (int i = 0; i < LARGE_DOMAINS; i++) {
		bool bare = faults && i % 97 == 5;
		bool typo = faults && i % 389 == 7;
		bool stray = faults && i % 89 == 3;

		fprintf(f, "[domain d%05d.lab]\n", i);
		line++;
		if (bare)
			fprintf(want, "%s:%d: domain d%05d.lab has neither pool "
			    "nor access_edge\n", inipath, line, i);
		else {
			fprintf(f, "pool = %s.d%05d.lab\naccess_edge = "
			    "sip.d%05d.lab\n", typo ? "zzzz" : "pool01", i, i);
			line += 2;
			if (typo)
				fprintf(want, "%s:%d: target zzzz.d%05d.lab has no "
				    "address: add [host zzzz.d%05d.lab]\n",
				    inipath, line - 1, i, i);
		}
		fprintf(f, "[host pool01.d%05d.lab]\naddress = 10.%d.%d.10\n"
		    "[host sip.d%05d.lab]\naddress = 198.18.%d.%d\n", i,
		    i / 256, i % 256, i, i / 256, i % 256);
		line += 4;
		if (!faults && i % 500 == 9)	/* its domain comes last */
			fprintf(f, "[host www.sub.d%05d.lab]\naddress = "
			    "10.0.0.2\n", i);
		if (stray) {
			fprintf(f, "[host x%05d.other]\naddress = 10.0.0.1\n", i);
			line++;
			fprintf(want, "%s:%d: warning: host x%05d.other is in no "
			    "configured domain and is not served\n", inipath,
			    line, i);
			line++;
		}
	}
	for (int i = 9; !faults && i < LARGE_DOMAINS; i += 500)
		fprintf(f, "[domain sub.d%05d.lab]\npool = www.sub.d%05d.lab\n",
		    i, i);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_large_link)
{
	struct config	*cfg;

	write_large(false, NULL);
	ck_assert_ptr_nonnull(cfg = load_path(inipath));
	ck_assert_uint_eq(cfg->ndomains, LARGE_DOMAINS + LARGE_DOMAINS / 500);
	/* A host below a domain's child that its file gives later. */
	for (int i = 9; i < LARGE_DOMAINS; i += 500) {
		char name[64];
		snprintf(name, sizeof(name), "www.sub.d%05d.lab", i);
		const struct cfg_host *h = config_host(cfg, name);
		ck_assert_ptr_nonnull(h);
		ck_assert_ptr_nonnull(config_domain(cfg, name + 4));
		ck_assert_int_eq(h->zone, (int)(config_domain(cfg, name + 4) -
		    cfg->domains));
	}
	for (size_t i = 0; i < LARGE_DOMAINS; i++) {
		const struct cfg_domain *d = &cfg->domains[i];
		const struct cfg_host *p = config_host(cfg, d->pool.v[0].name);
		const struct cfg_host *e = config_host(cfg,
		    d->access_edge.v[0].name);

		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(d->pool.v[0].host, (int)(p - cfg->hosts));
		ck_assert_int_eq(d->access_edge.v[0].host, (int)(e - cfg->hosts));
		ck_assert_int_eq(p->zone, (int)i);
		ck_assert_int_eq(e->zone, (int)i);
		ck_assert(p->pool);
		ck_assert(!e->pool);
		/* The defaults, set in parts too. */
		char want[64];
		snprintf(want, sizeof(want), "ns1.%s", d->name);
		ck_assert_uint_eq(d->nns, 1);
		ck_assert_str_eq(d->ns[0], want);
		snprintf(want, sizeof(want), "hostmaster.%s", d->name);
		ck_assert_str_eq(d->hostmaster, want);
		ck_assert_uint_eq(d->ttl, CONFIG_DEFAULT_TTL);
	}
	config_free(cfg);
}
END_TEST

/*
 * A target's host when it is among the few hosts after the last target
 * found (the common order), when it is farther on, when it came earlier,
 * when a near host's name only begins with the target's, and when there
 * is none: each the host of that name, as config_host() finds it.
 */
START_TEST(test_link_near)
{
	struct config	*cfg;

	cfg = load_text("[domain a.lab]\n"
	    "pool = pool01.a.lab, pool02.a.lab, far.c.lab\n"
	    "access_edge = sip.a.lab\n"
	    "[host pool01.a.lab.c.lab]\naddress = 10.0.0.9\n"
	    "[host pool01.a.lab]\naddress = 10.0.0.1\n"
	    "[host pool02.a.lab]\naddress = 10.0.0.2\n"
	    "[host sip.a.lab]\naddress = 10.0.0.3\n"
	    "[domain b.lab]\n"
	    "pool = pool01.a.lab\n"
	    "access_edge = sip.b.lab\n"
	    "[host x1.b.lab]\naddress = 10.0.1.1\n"
	    "[host x2.b.lab]\naddress = 10.0.1.2\n"
	    "[host x3.b.lab]\naddress = 10.0.1.3\n"
	    "[host x4.b.lab]\naddress = 10.0.1.4\n"
	    "[host x5.b.lab]\naddress = 10.0.1.5\n"
	    "[host sip.b.lab]\naddress = 10.0.1.9\n"
	    "[domain c.lab]\n"
	    "pool = pool01.c.lab\n"
	    "[host pool01.c.lab]\naddress = 10.0.2.1\n"
	    "[host far.c.lab]\naddress = 10.0.2.2\n");
	ck_assert_ptr_nonnull(cfg);
	for (size_t d = 0; d < cfg->ndomains; d++) {
		const struct cfg_targets *ts[2] = { &cfg->domains[d].pool,
		    &cfg->domains[d].access_edge };
		for (size_t s = 0; s < 2; s++)
			for (size_t t = 0; t < ts[s]->n; t++) {
				const struct cfg_host *h = config_host(cfg,
				    ts[s]->v[t].name);
				ck_assert_ptr_nonnull(h);
				ck_assert_int_eq(ts[s]->v[t].host,
				    (int)(h - cfg->hosts));
			}
	}
	/* b.lab's pool names a.lab's host: it is a pool's too. */
	ck_assert(config_host(cfg, "pool01.a.lab")->pool);
	ck_assert(!config_host(cfg, "pool01.a.lab.c.lab")->pool);
	ck_assert(config_host(cfg, "far.c.lab")->pool);
	config_free(cfg);
}
END_TEST

/*
 * The ns and hostmaster defaults are made of the domain's stored name (lower
 * case, no final dot), however the file spells it; a given key stays.
 */
START_TEST(test_defaults_stored_form)
{
	struct config	*cfg;

	cfg = load_text("[domain CoNtoso.COM.]\npool = p.contoso.com\n"
	    "[host p.contoso.com]\naddress = 10.0.0.1\n"
	    "[domain Fabrikam.com]\npool = p.fabrikam.com\n"
	    "ns = NS9.fabrikam.com, ns8.fabrikam.com\n"
	    "hostmaster = Admin@Fabrikam.com\n"
	    "[host p.fabrikam.com]\naddress = 10.0.0.2\n");
	ck_assert_ptr_nonnull(cfg);
	const struct cfg_domain *c = config_domain(cfg, "contoso.com");
	const struct cfg_domain *f = config_domain(cfg, "fabrikam.com");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(c->nns, 1);
	ck_assert_str_eq(c->ns[0], "ns1.contoso.com");
	ck_assert_str_eq(c->hostmaster, "hostmaster.contoso.com");
	ck_assert_uint_eq(f->nns, 2);
	ck_assert_str_eq(f->ns[0], "ns9.fabrikam.com");
	ck_assert_str_eq(f->ns[1], "ns8.fabrikam.com");
	ck_assert_str_eq(f->hostmaster, "admin.fabrikam.com");
	config_free(cfg);
}
END_TEST

/* The parts' messages come out in line order, as from one pass. */
START_TEST(test_large_messages)
{
	char	*want = NULL;
	size_t	 wantlen;
	FILE	*w;

	ck_assert_ptr_nonnull(w = open_memstream(&want, &wantlen));
	write_large(true, w);
	fclose(w);
	ck_assert_ptr_null(load_path(inipath));
	ck_assert_str_eq(diagbuf, want);
	free(want);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc;

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_data_views);
	tcase_add_test(tc, test_shed);
	tcase_add_test(tc, test_data_warnings);
	tcase_add_test(tc, test_data_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_server_keys);
	tcase_add_test(tc, test_workers);
	tcase_add_test(tc, test_version_identity_hidden);
	tcase_add_test(tc, test_targets);
	tcase_add_test(tc, test_parse_listen);
	tcase_add_test(tc, test_listen_in_file);
	tcase_add_test(tc, test_views);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_arrays_fit);
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_null_diag);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_view_errors);
	tcase_add_test(tc, test_err_section);
	tcase_add_test(tc, test_section_forms);
	tcase_add_test(tc, test_line_ends);
	tcase_add_test(tc, test_err_unknown_key);
	tcase_add_test(tc, test_err_unknown_key_suggest);
	tcase_add_test(tc, test_err_no_knock_on);
	tcase_add_test(tc, test_err_target_typo);
	tcase_add_test(tc, test_err_outside_section);
	tcase_add_test(tc, test_err_duplicate_sections);
	tcase_add_test(tc, test_err_repeated_key);
	tcase_add_test(tc, test_err_line_too_long);
	tcase_add_test(tc, test_err_domain_no_targets);
	tcase_add_test(tc, test_err_host_neither_both);
	tcase_add_test(tc, test_err_target_no_host);
	tcase_add_test(tc, test_err_cname);
	tcase_add_test(tc, test_err_federation);
	tcase_add_test(tc, test_err_values);
	tcase_add_test(tc, test_err_missing_file);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_large_messages);
	suite_add_tcase(s, tc);

	tc = tcase_create("warnings");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_warn_target_outside);
	tcase_add_test(tc, test_warn_host_no_domain);
	tcase_add_test(tc, test_large_link);
	tcase_add_test(tc, test_link_near);
	tcase_add_test(tc, test_defaults_stored_form);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(config_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
