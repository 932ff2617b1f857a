/* check_config_read.c -- unit tests of a large file read in two halves. */

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "arena.h"
#include "config.h"
#include "config_int.h"

/*
 * A file of NDOM domains, each with one host, large enough to be split:
 * line 1 a comment, 2-3 [server], 4 blank, then 6 lines a domain from 5.
 */
#define NDOM		4000
#define DOM_LINE(i)	(5 + 6 * (i))

static char	 tmpdir[PATH_MAX];
static char	 inipath[PATH_MAX + 16];
static char	*diagbuf;
static char	*text;
static size_t	 textlen;

static void
setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_config_read.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(inipath, sizeof(inipath), "%s/t.ini", tmpdir);
	diagbuf = text = NULL;
}

static void
teardown(void)
{
	unlink(inipath);
	rmdir(tmpdir);
	free(diagbuf);
	free(text);
}

/*
 * The big file into text; domain `odd` (if >= 0) gets the line `extra`
 * after its pool key instead of the blank line.
 */
static void
make_text_n(int ndom, int odd, const char *extra)
{
	free(text);
	FILE *f = open_memstream(&text, &textlen);

	ck_assert_ptr_nonnull(f);
	fprintf(f, "; big\n[server]\nttl = 60\n\n");
	for (int i = 0; i < ndom; i++) {
		fprintf(f, "[domain d%05d.lab]\npool = pool01.d%05d.lab\n%s\n",
		    i, i, i == odd ? extra : "");
		fprintf(f, "[host pool01.d%05d.lab]\naddress = 10.%d.%d.10\n\n",
		    i, i / 256, i % 256);
	}
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_gt(textlen, 256u << 10);	/* config_read.c SPLIT_MIN */
}

static void
make_text(int odd, const char *extra)
{
	make_text_n(NDOM, odd, extra);
}

static struct config *
load(void)
{
	FILE *f = fopen(inipath, "w");
	size_t len;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, textlen, f), textlen);
	ck_assert_int_eq(fclose(f), 0);
	free(diagbuf);
	diagbuf = NULL;
	FILE *diag = open_memstream(&diagbuf, &len);
	ck_assert_ptr_nonnull(diag);
	struct config *cfg = config_load(inipath, diag, NULL);
	fclose(diag);
	return cfg;
}

/*
 * The halves of text as config_load() reads them: were they joined? Did
 * they find a name twice, for config_load() to read the file again?
 */
static bool
read_halves(bool *redo)
{
	struct cfg_ctx ctx;
	struct config *cfg = calloc(1, sizeof(*cfg));

	ck_assert_ptr_nonnull(cfg);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.path = "t.ini";
	config_read(&ctx, text, textlen);
	bool joined = ctx.joined;
	if (redo != NULL)
		*redo = ctx.redo;
	ctx.diag = NULL;
	config_diag_flush(&ctx);
	config_ctx_free_seen(&ctx);
	config_free(cfg);
	return joined;
}

static bool
read_joined(void)
{
	return read_halves(NULL);
}

static void
expect_diag(const char *what, int line)
{
	char want[PATH_MAX + 512];

	snprintf(want, sizeof(want), "%s:%d: %s\n", inipath, line, what);
	ck_assert_str_eq(diagbuf, want);
}

/* --- tests -------------------------------------------------------------- */

START_TEST(test_halves_joined)
{
	make_text(-1, "");
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		ck_assert(read_joined());
	struct config *cfg = load();
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(diagbuf, "");
	ck_assert_uint_eq(cfg->ndomains, NDOM);
	/* In file order, each with its own line, both halves alike. */
	for (int i = 0; i < NDOM; i++) {
		char name[32];
		const struct cfg_domain *d = &cfg->domains[i];
		const struct cfg_host *h;

		snprintf(name, sizeof(name), "d%05d.lab", i);
		ck_assert_str_eq(d->name, name);
		ck_assert_int_eq(d->line, DOM_LINE(i));
		ck_assert_int_eq(d->pool.line, DOM_LINE(i) + 1);
		ck_assert_int_eq(d->ttl, 60);
		ck_assert_str_eq(d->hostmaster, (snprintf(name, sizeof(name),
		    "hostmaster.d%05d.lab", i), name));
		ck_assert_ptr_eq(config_domain(cfg, d->name), d);
		snprintf(name, sizeof(name), "pool01.d%05d.lab", i);
		ck_assert_ptr_nonnull(h = config_host(cfg, name));
		ck_assert_int_eq(h->line, DOM_LINE(i) + 3);
		ck_assert_int_eq(h->addrs[0].line, DOM_LINE(i) + 4);
		ck_assert_int_eq(h->zone, i);
		ck_assert(h->pool);
		/* Their strings and lists in the region config_shed() drops. */
		ck_assert(config_str_in(cfg->strs, d->name));
		ck_assert(config_str_in(cfg->strs, d->pool.v));
		ck_assert(config_str_in(cfg->strs, d->pool.v[0].name));
		ck_assert(config_str_in(cfg->strs, d->ns[0]));
		ck_assert(config_str_in(cfg->strs, d->hostmaster));
		ck_assert(config_str_in(cfg->strs, h->name));
		ck_assert(config_str_in(cfg->strs, h->addrs));
	}
	/* The server's are freed one by one, later: not there. */
	ck_assert_ptr_nonnull(cfg->version);
	ck_assert(!config_str_in(cfg->strs, cfg->version));
	ck_assert(!config_str_in(cfg->strs, cfg->path));
	config_shed(cfg);
	ck_assert_ptr_null(cfg->strs);
	ck_assert_uint_eq(cfg->ndomains, 0);
	config_free(cfg);
}
END_TEST

/*
 * The pages of the domains and hosts arrays (and of the load's bookkeeping,
 * as it ends) go to the pool for the build's blocks and arenas when shed
 * for a build (config_shed_donate()), not back to the kernel; a plain
 * config_shed() gives none.
 */
START_TEST(test_arrays_donated)
{
	enum { N = 30000 };

	make_text_n(N, -1, "");
	struct config *cfg = load();
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->ndomains, N);
	/* What the load gave: the file's pages, the seen entries'. */
	ck_assert_uint_gt(arena_pool_drain(NULL), 0);
	size_t d = cfg->ndomains * sizeof(*cfg->domains) / ARENA_CHUNK;
	size_t h = cfg->nhosts * sizeof(*cfg->hosts) / ARENA_CHUNK;
	size_t want = (d > 1 ? d - 1 : 0) + (h > 1 ? h - 1 : 0);
	ck_assert_uint_ge(want, 3);
	size_t strs = config_shed_donate(cfg);
	size_t given = arena_pool_drain(NULL);
	ck_assert_uint_ge(given, strs + want);
	config_free(cfg);

	cfg = load();
	ck_assert_ptr_nonnull(cfg);
	(void)arena_pool_drain(NULL);
	config_shed(cfg);
	ck_assert_uint_eq(arena_pool_drain(NULL), 0);
	config_free(cfg);
}
END_TEST

/* A name in both halves: the message one thread gave, and no config. */
START_TEST(test_duplicate_across_halves)
{
	make_text(NDOM - 1, "[domain d00000.lab]");
	ck_assert(!read_joined());
	ck_assert_ptr_null(load());
	expect_diag("duplicate [domain d00000.lab] (first on line 5)",
	    DOM_LINE(NDOM - 1) + 2);
	make_text(NDOM - 1, "[host pool01.d00001.lab]");
	ck_assert_ptr_null(load());
	expect_diag("duplicate [host pool01.d00001.lab] (first on line 14)",
	    DOM_LINE(NDOM - 1) + 2);
}
END_TEST

/*
 * Both of a name's sections in the second half: that part has no index of
 * its own, so the join (with the names hashed in the part) must find it.
 */
START_TEST(test_duplicate_within_second_half)
{
	make_text(NDOM - 1, "[host pool01.d03990.lab]");
	ck_assert(!read_joined());
	ck_assert_ptr_null(load());
	expect_diag("duplicate [host pool01.d03990.lab] (first on line 23948)",
	    DOM_LINE(NDOM - 1) + 2);
	ck_assert_int_eq(DOM_LINE(3990) + 3, 23948);
}
END_TEST

/*
 * Both of a name's sections in the first half, which is hashed as it is
 * read and indexed after: found then, and the file read again in one
 * pass, for the message (and what follows it) one thread gives.
 */
START_TEST(test_duplicate_within_first_half)
{
	bool redo = false;

	make_text(7, "[host pool01.d00002.lab]\naddress = 10.9.9.9");
	ck_assert(!read_halves(&redo));
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		ck_assert(redo);
	ck_assert_ptr_null(load());
	expect_diag("duplicate [host pool01.d00002.lab] (first on line 20)",
	    DOM_LINE(7) + 2);
	ck_assert_int_eq(DOM_LINE(2) + 3, 20);
	/* No name twice: nothing to read again. */
	make_text(-1, "");
	(void)read_halves(&redo);
	ck_assert(!redo);
}
END_TEST

/* An index built at once finds what one put by put does, and a name twice. */
START_TEST(test_index_build)
{
	enum { N = 5000 };
	char (*buf)[16] = calloc(N, sizeof(*buf));
	const char **names = calloc(N, sizeof(*names));
	uint32_t *h = calloc(N, sizeof(*h));
	struct cfg_index x;

	ck_assert(buf != NULL && names != NULL && h != NULL);
	for (int i = 0; i < N; i++) {
		snprintf(buf[i], sizeof(buf[i]), "h%d.lab", i);
		names[i] = buf[i];
		h[i] = config_index_hash(names[i]);
	}
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(config_index_build(&x, names, sizeof(names[0]), N, h),
	    0);
	ck_assert_uint_eq(x.n, N);
	ck_assert_uint_ge(x.mask + 1, 2 * N);	/* at most half full */
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(config_index_find_hash(&x, names,
		    sizeof(names[0]), names[i], h[i]), i);
	ck_assert_int_eq(config_index_find_hash(&x, names, sizeof(names[0]),
	    "nothere.lab", config_index_hash("nothere.lab")), -1);
	free(x.slot);
	/* The last one the first's name: 1, the others indexed. */
	names[N - 1] = names[0];
	h[N - 1] = h[0];
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(config_index_build(&x, names, sizeof(names[0]), N, h),
	    1);
	ck_assert_uint_eq(x.n, N - 1);
	free(x.slot);
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(config_index_build(&x, names, sizeof(names[0]), 0, h),
	    0);
	ck_assert_ptr_null(x.slot);
	free(h);
	free(names);
	free(buf);
}
END_TEST

/* The hashed look-up and insertion agree with the plain ones. */
START_TEST(test_index_hash)
{
	struct cfg_index x;
	const char *names[] = { "a.lab", "b.lab", "a.lab" };

	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(config_index_find_hash(&x, names, sizeof(names[0]),
	    "a.lab", config_index_hash("a.lab")), -1);
	ck_assert_int_eq(config_index_put_hash(&x, names, sizeof(names[0]), 0,
	    config_index_hash(names[0]), true), 0);
	ck_assert_int_eq(config_index_put(&x, names, sizeof(names[0]), 1), 0);
	/* The same name again: 1 with check, nothing added. */
	ck_assert_int_eq(config_index_put_hash(&x, names, sizeof(names[0]), 2,
	    config_index_hash(names[2]), true), 1);
	ck_assert_uint_eq(x.n, 2);
	ck_assert_int_eq(config_index_find_hash(&x, names, sizeof(names[0]),
	    "b.lab", config_index_hash("b.lab")), 1);
	ck_assert_int_eq(config_index_find_hash(&x, names, sizeof(names[0]),
	    "c.lab", config_index_hash("c.lab")), -1);
	free(x.slot);
}
END_TEST

/* A message in the second half: the file's own line number. */
START_TEST(test_error_in_second_half)
{
	make_text(NDOM - 2, "poll = x");
	ck_assert(!read_joined());
	ck_assert_ptr_null(load());
	expect_diag("unknown key 'poll' in [domain]: did you mean pool?",
	    DOM_LINE(NDOM - 2) + 2);
}
END_TEST

/*
 * A NUL in the second half: the file is looked at for one once, and the
 * second half's lines then each as before.
 */
START_TEST(test_nul_in_second_half)
{
	make_text(NDOM - 2, "federation = noX");
	char *x = memmem(text, textlen, "noX", 3);
	ck_assert_ptr_nonnull(x);
	x[2] = '\0';
	ck_assert(!read_joined());
	ck_assert_ptr_null(load());
	expect_diag("NUL character in line", DOM_LINE(NDOM - 2) + 2);
}
END_TEST

/* Another section in the second half: read by one thread, as before. */
START_TEST(test_other_section_in_second_half)
{
	make_text(NDOM - 3, "[view inside]\nmatch = 10.0.0.0/8");
	ck_assert(!read_joined());
	struct config *cfg = load();
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(diagbuf, "");
	ck_assert_uint_eq(cfg->nviews, 1);
	ck_assert_int_eq(cfg->views[0].line, DOM_LINE(NDOM - 3) + 2);
	ck_assert_uint_eq(cfg->ndomains, NDOM);
	ck_assert_int_eq(cfg->domains[NDOM - 1].line, DOM_LINE(NDOM - 1) + 1);
	config_free(cfg);
}
END_TEST

/*
 * A file over config.c's SLURP_PAR_MIN (4 MiB): read in parts, one per
 * CPU, the same bytes as one read() gives; a pipe in one go.
 */
#define BIG_LEN	((6u << 20) + 12345)

static char *
slurp_file(const char *path, size_t *len, size_t *nparts, size_t *mapped)
{
	int fd = open(path, O_RDONLY), err = 0;

	ck_assert_int_ge(fd, 0);
	char *got = config_slurp(fd, len, &err, nparts, mapped);
	ck_assert_int_eq(err, 0);
	close(fd);
	return got;
}

START_TEST(test_slurp_parts)
{
	char *big = malloc(BIG_LEN);
	size_t len = 0, nparts = 0;

	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < BIG_LEN; i++)	/* no run repeats at a part's length */
		big[i] = (char)('a' + (i * 7 + i / 4093) % 26);
	FILE *f = fopen(inipath, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(big, 1, BIG_LEN, f), BIG_LEN);
	ck_assert_int_eq(fclose(f), 0);

	size_t mapped = 0;
	char *got = slurp_file(inipath, &len, &nparts, &mapped);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, BIG_LEN);
	ck_assert(memcmp(got, big, BIG_LEN) == 0);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 2)
		fprintf(stderr, "test_slurp_parts: one CPU, the parts not "
		    "tested\n");
	ck_assert_uint_eq(nparts, cpus < 2 ? 1 : (size_t)(cpus > 8 ? 8 : cpus));
	/* In parts: mapped, whole pages; in one go: malloc'd. */
	if (nparts > 1)
		ck_assert_uint_eq(mapped, (BIG_LEN + 1 + 4095) & ~(size_t)4095);
	else
		ck_assert_uint_eq(mapped, 0);
	if (mapped > 0)
		munmap(got, mapped);
	else
		free(got);

	/* A pipe: no size to cut, one read() after another. */
	char fifo[PATH_MAX + 16];
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int w = open(fifo, O_WRONLY);
		size_t off = 0;
		while (w >= 0 && off < BIG_LEN) {
			ssize_t r = write(w, big + off, BIG_LEN - off);
			if (r <= 0)
				_exit(1);
			off += (size_t)r;
		}
		_exit(w >= 0 ? 0 : 1);
	}
	got = slurp_file(fifo, &len, &nparts, &mapped);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(fifo);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, BIG_LEN);
	ck_assert_uint_eq(nparts, 1);
	ck_assert_uint_eq(mapped, 0);
	ck_assert(memcmp(got, big, BIG_LEN) == 0);
	free(got);
	free(big);
}
END_TEST

static Suite *
read_suite(void)
{
	Suite *s = suite_create("config_read");
	TCase *tc = tcase_create("halves");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_halves_joined);
	tcase_add_test(tc, test_duplicate_across_halves);
	tcase_add_test(tc, test_duplicate_within_second_half);
	tcase_add_test(tc, test_duplicate_within_first_half);
	tcase_add_test(tc, test_index_hash);
	tcase_add_test(tc, test_index_build);
	tcase_add_test(tc, test_error_in_second_half);
	tcase_add_test(tc, test_nul_in_second_half);
	tcase_add_test(tc, test_other_section_in_second_half);
	tcase_add_test(tc, test_slurp_parts);
	tcase_add_test(tc, test_arrays_donated);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(read_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
