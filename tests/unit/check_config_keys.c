/* check_config_keys.c -- unit tests of the key table: the man page, restart-only keys. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "config_int.h"

/* --- the man page documents every key ----------------------------------- */

#define MAX_DOC	256

struct doc {
	char	 sect[16];		/* "server", ...; "" outside */
	char	 name[64];
};

static struct doc docs[MAX_DOC];
static size_t ndocs;
static char restart_doc[32][64];	/* the keys the page says need a restart */
static size_t nrestart_doc;

static FILE *
open_man(char *path, size_t len)
{
	static const char *const vars[] = { "top_srcdir", "srcdir" };

	for (size_t i = 0; i < 2; i++) {
		const char *dir = getenv(vars[i]);
		if (dir == NULL || *dir == '\0')
			continue;
		snprintf(path, len, "%s/man/ocsdnsd.ini.5", dir);
		FILE *fp = fopen(path, "r");
		if (fp != NULL)
			return fp;
	}
	return NULL;
}

/* The words after each "Cm" on an .It line: the keys it documents. */
static void
doc_item(const char *sect, char *line)
{
	char *save, *w, *prev = NULL;

	for (w = strtok_r(line, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (prev != NULL && strcmp(prev, "Cm") == 0 && ndocs < MAX_DOC) {
			/* "address.\&" is the prefix row "address." */
			char *esc = strstr(w, "\\&");
			if (esc != NULL)
				*esc = '\0';
			snprintf(docs[ndocs].sect, sizeof(docs[ndocs].sect),
			    "%s", sect);
			snprintf(docs[ndocs].name, sizeof(docs[ndocs].name),
			    "%s", w);
			ndocs++;
		}
		prev = w;
	}
}

static void
read_man(void)
{
	char path[PATH_MAX + 32], line[1024], sect[32] = "";
	bool in_restart = false;

	FILE *fp = open_man(path, sizeof(path));
	ck_assert_msg(fp != NULL, "cannot find man/ocsdnsd.ini.5 under "
	    "$top_srcdir or $srcdir (top_srcdir=%s, srcdir=%s)",
	    getenv("top_srcdir") ? getenv("top_srcdir") : "(unset)",
	    getenv("srcdir") ? getenv("srcdir") : "(unset)");
	ndocs = nrestart_doc = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".Sh ", 4) == 0 ||
		    strncmp(line, ".Ss ", 4) == 0) {
			sect[0] = '\0';
			in_restart = false;
			const char *names[5 + OCS_NKINDS] = {
				"server", "view", "domain", "host", "key"
			};
			for (size_t k = 0; k < OCS_NKINDS; k++)
				names[5 + k] = ocs_roles[k].section;
			for (size_t i = 0; i < 5 + OCS_NKINDS; i++) {
				char want[32];
				snprintf(want, sizeof(want), ".Ss \"[%s", names[i]);
				if (strncmp(line, want, strlen(want)) == 0)
					snprintf(sect, sizeof(sect), "%s",
					    names[i]);
			}
			continue;
		}
		if (strstr(line, "need a restart:") != NULL) {
			in_restart = true;
			continue;
		}
		if (in_restart) {
			char name[64];
			if (sscanf(line, ".Cm %63[a-z_]", name) == 1 &&
			    nrestart_doc < 32)
				snprintf(restart_doc[nrestart_doc++], 64, "%s",
				    name);
			else if (line[0] == '.' && strncmp(line, ".Cm", 3) != 0)
				in_restart = false;
			continue;
		}
		if (sect[0] != '\0' && strncmp(line, ".It ", 4) == 0)
			doc_item(sect, line);
	}
	fclose(fp);
	ck_assert_msg(ndocs > 20, "%s: only %zu keys found: not the page?",
	    path, ndocs);
}

static bool
documented(const char *sect, const char *name)
{
	for (size_t i = 0; i < ndocs; i++)
		if (strcmp(docs[i].sect, sect) == 0 &&
		    strcmp(docs[i].name, name) == 0)
			return true;
	return false;
}

START_TEST(test_man_documents_every_key)
{
	char missing[2048] = "";
	size_t nkeys = 0;

	read_man();
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];
		if (kd->sect == CFG_SECT_NONE)
			continue;
		/* The port row is one row for every service. */
		size_t nslots = kd->type == CFG_T_PORT ? OCS_NSERVICES : 1;
		for (size_t s = 0; s < nslots; s++) {
			const char *sect = config_sect_name(kd->sect);
			const char *name = config_key_name((enum cfg_key)(i + s));
			nkeys++;
			if (!documented(sect, name)) {
				size_t len = strlen(missing);
				snprintf(missing + len, sizeof(missing) - len,
				    " [%s] %s%s", sect, name,
				    kd->prefix ? "VIEW" : "");
			}
		}
	}
	ck_assert_msg(missing[0] == '\0', "man/ocsdnsd.ini.5 does not "
	    "document:%s", missing);
	ck_assert_uint_ge(nkeys, 40);
}
END_TEST

START_TEST(test_man_lists_restart_keys)
{
	read_man();
	ck_assert_msg(nrestart_doc > 0, "no \"need a restart:\" list");
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];
		bool listed = false;

		if (kd->sect == CFG_SECT_NONE)
			continue;
		for (size_t j = 0; j < nrestart_doc; j++)
			listed = listed || strcmp(restart_doc[j],
			    kd->name != NULL ? kd->name : "") == 0;
		ck_assert_msg(listed == (kd->policy == CFG_RESTART),
		    "%s: policy %s but the man page %s it as needing a restart",
		    kd->name, kd->policy == CFG_RESTART ? "RESTART" : "RELOAD",
		    listed ? "lists" : "does not list");
	}
}
END_TEST

/* --- the rows themselves ------------------------------------------------ */

START_TEST(test_rows)
{
	for (size_t i = 0; i < CFG_KEY_COUNT; i++) {
		const struct cfg_keydef *kd = &cfg_keys[i];

		if (kd->sect == CFG_SECT_NONE) {
			/* Only the port row's extra slots are empty. */
			ck_assert_uint_gt(i, CFG_KEY_PORT);
			ck_assert_uint_le(i, CFG_KEY_PORT_LAST);
			continue;
		}
		ck_assert_msg(kd->name != NULL || kd->type == CFG_T_PORT,
		    "row %zu has no name", i);
		if (kd->def == CFG_DEF_VALUE && (kd->type == CFG_T_NUMBER ||
		    kd->type == CFG_T_NUMBER_AUTO))
			ck_assert_msg(kd->dnum >= kd->min && kd->dnum <= kd->max,
			    "%s: default %lu outside %lu..%lu", kd->name,
			    kd->dnum, kd->min, kd->max);
		/* config_restart_changes() compares [server] values only. */
		if (kd->policy == CFG_RESTART)
			ck_assert_int_eq(kd->sect, CFG_SECT_SERVER);
	}
	for (size_t s = 0; s < OCS_NSERVICES; s++)
		ck_assert_uint_ge(ocs_services[s].port,
		    cfg_keys[CFG_KEY_PORT].min);
}
END_TEST

START_TEST(test_find)
{
	struct cfg_keyref ref;

	ck_assert_int_eq(config_key_find(CFG_SECT_SERVER, "TTL", &ref), 0);
	ck_assert_int_eq(ref.slot, CFG_KEY_TTL);
	ck_assert_int_eq(config_key_find(CFG_SECT_DOMAIN, "ttl", &ref), 0);
	ck_assert_int_eq(ref.slot, CFG_KEY_DOMAIN_TTL);
	ck_assert_int_eq(config_key_find(CFG_SECT_VIEW, "ttl", &ref), -1);
	ck_assert_int_eq(config_key_find(CFG_SECT_HOST, "Address.Inside",
	    &ref), 0);
	ck_assert_int_eq(ref.slot, CFG_KEY_ADDRESS_VIEW);
	ck_assert_str_eq(ref.suffix, "Inside");
	for (size_t s = 0; s < OCS_NSERVICES; s++) {
		ck_assert_int_eq(config_key_find(CFG_SECT_DOMAIN,
		    ocs_services[s].port_key, &ref), 0);
		ck_assert_int_eq(ref.slot, CFG_KEY_PORT + (int)s);
		ck_assert_ptr_eq(ref.def, &cfg_keys[CFG_KEY_PORT]);
		ck_assert_str_eq(config_key_name(ref.slot),
		    ocs_services[s].port_key);
	}
	ck_assert_int_eq(config_key_find(CFG_SECT_SERVER, "sip_tls_port",
	    &ref), -1);
}
END_TEST

/* --- config_restart_changes() ------------------------------------------- */

static char tmpdir[PATH_MAX];
static char reported[512];

static void
setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_config_keys.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	reported[0] = '\0';
}

static void
teardown(void)
{
	char path[PATH_MAX + 16];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%d.ini", tmpdir, i);
		unlink(path);
	}
	rmdir(tmpdir);
}

#define DOMAIN \
	"[domain contoso.com]\npool = pool01.contoso.com\n" \
	"[host pool01.contoso.com]\naddress = 10.0.0.1\n"

static struct config *
load(int n, const char *server)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/%d.ini", tmpdir, n);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "[server]\n%s\n%s", server, DOMAIN);
	fclose(fp);
	struct config *cfg = config_load(path, stderr, NULL);
	ck_assert_msg(cfg != NULL, "cannot load:\n%s", server);
	return cfg;
}

static void
report(void *arg, const char *section, const char *key)
{
	size_t len = strlen(reported);

	ck_assert_ptr_eq(arg, reported);
	snprintf(reported + len, sizeof(reported) - len, "%s[%s] %s",
	    len > 0 ? ", " : "", section, key);
}

/* The restart-only keys that differ between the two [server] bodies. */
static const char *
changes(const char *a, const char *b)
{
	struct config *old = load(0, a), *cur = load(1, b);

	reported[0] = '\0';
	config_restart_changes(old, cur, report, reported);
	config_free(old);
	config_free(cur);
	return reported;
}

START_TEST(test_restart_user_chroot)
{
	ck_assert_str_eq(changes("user = a\nchroot = /a",
	    "user = b\nchroot = /b"), "[server] user, [server] chroot");
	/* Set where it was unset is a change too. */
	ck_assert_str_eq(changes("ttl = 1", "user = b"), "[server] user");
	ck_assert_str_eq(changes("chroot = /a", ""), "[server] chroot");
}
END_TEST

START_TEST(test_restart_not_reported)
{
	ck_assert_str_eq(changes("ttl = 60", "ttl = 120"), "");
	ck_assert_str_eq(changes("", "tcp_max_clients = 7\nzones = z\n"
	    "rrl = 5\nquery_log = yes\nversion =\nnotify = 192.0.2.1"), "");
	ck_assert_str_eq(changes("user = a\nworkers = 2",
	    "user = a\nworkers = 2"), "");
	/* The same addresses in another order, and the default written out. */
	ck_assert_str_eq(changes("listen = 127.0.0.1:1, [::1]:2",
	    "listen = [::1]:2, 127.0.0.1:1"), "");
	ck_assert_str_eq(changes("", "listen = 127.0.0.1:5300"), "");
}
END_TEST

START_TEST(test_restart_others)
{
	ck_assert_str_eq(changes("", "listen = 127.0.0.1:5301"),
	    "[server] listen");
	ck_assert_str_eq(changes("listen = 127.0.0.1:1, [::1]:2",
	    "listen = 127.0.0.1:1"), "[server] listen");
	ck_assert_str_eq(changes("workers = 1", "workers = 2"),
	    "[server] workers");
	ck_assert_str_eq(changes("", "metrics = 127.0.0.1:9153"),
	    "[server] metrics");
	ck_assert_str_eq(changes("metrics = 127.0.0.1:9153",
	    "metrics = 127.0.0.1:9154"), "[server] metrics");
	ck_assert_str_eq(changes("metrics = 127.0.0.1:9153", "metrics = off"),
	    "[server] metrics");
	ck_assert_str_eq(changes("", "allow_root = yes"),
	    "[server] allow_root");
	ck_assert_str_eq(changes("", "listen = 127.0.0.1:1\nuser = x\n"
	    "ttl = 5\nworkers = 3"),
	    "[server] listen, [server] user, [server] workers");
}
END_TEST

/* --- initial values ------------------------------------------------------ */

/* A section's initial values as the rows give them, one row at a time. */
static void
init_by_rows(enum cfg_sect sect, void *obj)
{
	size_t nrows;
	const uint16_t *rows = config_sect_rows(sect, &nrows);

	for (size_t r = 0; r < nrows; r++) {
		size_t i = rows[r];
		const struct cfg_keydef *kd = &cfg_keys[i];

		if (kd->def == CFG_DEF_OCS)
			for (size_t s = 0; s < OCS_NSERVICES; s++)
				config_key_put_number(kd, config_key_value(kd,
				    (enum cfg_key)(i + s), obj),
				    ocs_services[s].port);
		if (kd->def != CFG_DEF_VALUE)
			continue;
		void *at = config_key_value(kd, (enum cfg_key)i, obj);
		if (kd->type == CFG_T_BOOL || kd->type == CFG_T_SCOPE) {
			bool b = kd->dnum != 0;
			memcpy(at, &b, sizeof(b));
		} else
			config_key_put_number(kd, at, kd->dnum);
	}
}

/*
 * config_key_init() stores a list made once from the rows: every byte of
 * every kind of section comes out as the rows say, over zeros and over
 * 0xa5 (the bytes it must leave alone stay as they were).
 */
START_TEST(test_key_init_as_rows)
{
	static const struct {
		enum cfg_sect	 sect;
		size_t		 size;
	} kinds[] = {
		{ CFG_SECT_SERVER, sizeof(struct config) },
		{ CFG_SECT_VIEW, sizeof(struct cfg_view) },
		{ CFG_SECT_DOMAIN, sizeof(struct cfg_domain) },
		{ CFG_SECT_HOST, sizeof(struct cfg_host) },
		{ CFG_SECT_KEY, sizeof(struct cfg_tsig_key) },
		{ CFG_SECT_POOL, sizeof(struct cfg_role) },
		{ CFG_SECT_DIRECTOR, sizeof(struct cfg_role) },
		{ CFG_SECT_EDGE, sizeof(struct cfg_role) },
		{ CFG_SECT_PROXY, sizeof(struct cfg_role) },
		{ CFG_SECT_CWA, sizeof(struct cfg_role) },
		{ CFG_SECT_MEDIATION, sizeof(struct cfg_role) },
		{ CFG_SECT_ARCHIVING, sizeof(struct cfg_role) },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int fill = 0; fill <= 0xa5; fill += 0xa5) {
			unsigned char *a = malloc(kinds[k].size);
			unsigned char *b = malloc(kinds[k].size);

			ck_assert_ptr_nonnull(a);
			ck_assert_ptr_nonnull(b);
			memset(a, fill, kinds[k].size);
			memset(b, fill, kinds[k].size);
			config_key_init(kinds[k].sect, a);
			init_by_rows(kinds[k].sect, b);
			ck_assert_msg(memcmp(a, b, kinds[k].size) == 0,
			    "[%s]: other initial values",
			    config_sect_name(kinds[k].sect));
			free(a);
			free(b);
		}
	}
}
END_TEST

static Suite *
config_keys_suite(void)
{
	Suite *s = suite_create("config_keys");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_man_documents_every_key);
	tcase_add_test(tc, test_man_lists_restart_keys);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);

	tc = tcase_create("restart");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_restart_user_chroot);
	tcase_add_test(tc, test_restart_not_reported);
	tcase_add_test(tc, test_restart_others);
	tcase_add_test(tc, test_key_init_as_rows);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_keys_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
