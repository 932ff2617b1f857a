/* config_tsig.c -- [key NAME] sections: TSIG secrets, and the keys named. */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "config_int.h"
#include "config_value.h"
#include "wire.h"

/* --- the section -------------------------------------------------------- */

void
config_tsig_section(struct cfg_ctx *ctx, const char *name)
{
	struct config *cfg = ctx->cfg;
	char norm[CONFIG_NAME_MAX + 1], why[CONFIG_WHY_LEN];
	size_t nseen = cfg->nkeys;

	if (config_parse_name(name, norm, why, sizeof(why)) == -1) {
		config_diag_error(ctx, ctx->line, "invalid key name '%s': %s",
		    name, why);
		return;
	}
	const struct cfg_tsig_key *old = config_tsig_key(cfg, norm);
	if (old != NULL) {
		config_diag_error(ctx, ctx->line, "duplicate [key %s] (first "
		    "on line %d)", norm, old->line);
		return;
	}
	if (config_ctx_append(ctx, &ctx->kseen, &nseen,
	    sizeof(*ctx->kseen)) == NULL)
		return;
	struct cfg_tsig_key *k = config_ctx_append(ctx, &cfg->keys,
	    &cfg->nkeys, sizeof(*k));
	if (k == NULL)
		return;
	k->line = ctx->line;
	config_key_init(CFG_SECT_KEY, k);
	if ((k->name = config_ctx_strdup(ctx, norm)) == NULL) {
		cfg->nkeys--;
		return;
	}
	ctx->cur = cfg->nkeys - 1;
	config_seen_start(ctx, &ctx->kseen[ctx->cur]);
	ctx->sect = CFG_SECT_KEY;
}

const struct cfg_tsig_key *
config_tsig_key(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nkeys; i++)
		if (strcmp(cfg->keys[i].name, name) == 0)
			return &cfg->keys[i];
	return NULL;
}

/* --- secrets ------------------------------------------------------------ */

/*
 * Decodes text (base64, spaces and line breaks allowed between groups, as
 * key files and tsig-keygen write them) into k->secret.
 */
static int
decode_secret(struct cfg_tsig_key *k, const char *text, char *why,
    size_t whylen)
{
	char b64[CONFIG_TSIG_SECRET_MAX * 2];
	size_t n = 0;

	for (const char *p = text; *p != '\0'; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if (n + 1 >= sizeof(b64)) {
			snprintf(why, whylen, "longer than %d bytes",
			    CONFIG_TSIG_SECRET_MAX);
			return -1;
		}
		b64[n++] = *p;
	}
	b64[n] = '\0';
	if (n == 0) {
		snprintf(why, whylen, "empty secret");
		return -1;
	}
	/* EVP_DecodeBlock() counts the padding as bytes: take it off. */
	uint8_t raw[CONFIG_TSIG_SECRET_MAX * 2];
	int len = n % 4 == 0 ? EVP_DecodeBlock(raw, (const uint8_t *)b64,
	    (int)n) : -1;
	size_t pad = (b64[n - 1] == '=') + (n > 1 && b64[n - 2] == '=');
	const char *eq = strchr(b64, '=');
	if (len < 0 || (size_t)len < pad || (eq != NULL && eq < b64 + n - pad)) {
		snprintf(why, whylen, "not valid base64");
		return -1;
	}
	if ((size_t)len == pad) {
		snprintf(why, whylen, "empty secret");
		return -1;
	}
	if ((size_t)len - pad > sizeof(k->secret)) {
		snprintf(why, whylen, "longer than %d bytes",
		    CONFIG_TSIG_SECRET_MAX);
		return -1;
	}
	k->secret_len = (size_t)len - pad;
	memcpy(k->secret, raw, k->secret_len);
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

/*
 * The secret of a secret_file: refused when group or others may read it
 * (the file is a password), as ssh refuses a private key.
 */
static int
read_secret_file(struct cfg_ctx *ctx, struct cfg_tsig_key *k)
{
	char text[CONFIG_TSIG_SECRET_MAX * 2], why[CONFIG_WHY_LEN];
	struct stat st;
	int line = k->secret_file_line;

	FILE *fp = fopen(k->secret_file, "r");
	if (fp == NULL) {
		config_diag_error(ctx, line, "secret_file %s: cannot open: %s",
		    k->secret_file, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		config_diag_error(ctx, line, "secret_file %s: not a regular "
		    "file", k->secret_file);
		fclose(fp);
		return -1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		config_diag_error(ctx, line, "secret_file %s: group or others "
		    "may read it (mode %04o): chmod 600 it",
		    k->secret_file, (unsigned)(st.st_mode & 07777));
		fclose(fp);
		return -1;
	}
	size_t n = fread(text, 1, sizeof(text) - 1, fp);
	bool more = fgetc(fp) != EOF;
	fclose(fp);
	text[n] = '\0';
	if (more || memchr(text, '\0', n) != NULL) {
		config_diag_error(ctx, line, "secret_file %s: not a base64 "
		    "secret of at most %d bytes", k->secret_file,
		    CONFIG_TSIG_SECRET_MAX);
		return -1;
	}
	if (decode_secret(k, text, why, sizeof(why)) == -1) {
		config_diag_error(ctx, line, "secret_file %s: %s",
		    k->secret_file, why);
		return -1;
	}
	return 0;
}

static void
check_key(struct cfg_ctx *ctx, struct cfg_tsig_key *k, const struct cfg_seen *s)
{
	char why[CONFIG_WHY_LEN];

	if (config_seen_line(ctx, s, CFG_KEY_KEY_ALGORITHM) == 0)
		config_diag_error(ctx, k->line, "key %s has no algorithm "
		    "(hmac-sha256, hmac-sha512, ...)", k->name);
	if ((k->wire_len = wire_name_from_text(k->name, k->wire)) == 0)
		config_diag_error(ctx, k->line, "key %s: invalid name",
		    k->name);
	if (k->secret_text != NULL && k->secret_file != NULL) {
		config_diag_error(ctx, k->secret_file_line, "key %s: both "
		    "secret (line %d) and secret_file", k->name,
		    k->secret_line);
		return;
	}
	if (k->secret_file != NULL) {
		read_secret_file(ctx, k);
		return;
	}
	if (k->secret_text == NULL) {
		config_diag_error(ctx, k->line, "key %s has neither secret nor "
		    "secret_file", k->name);
		return;
	}
	if (decode_secret(k, k->secret_text, why, sizeof(why)) == -1)
		config_diag_error(ctx, k->secret_line, "secret: %s", why);
}

/* --- the keys named elsewhere ------------------------------------------- */

static unsigned
resolve(struct cfg_ctx *ctx, const char *what, const char *name, int line)
{
	const struct cfg_tsig_key *k = config_tsig_key(ctx->cfg, name);

	if (k == NULL) {
		config_diag_error(ctx, line, "%s: unknown key '%s' (no [key "
		    "%s] section)", what, name, name);
		return 0;
	}
	return (unsigned)(k - ctx->cfg->keys) + 1;
}

static void
resolve_acl(struct cfg_ctx *ctx, struct cfg_acl *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].key != NULL)
			v[i].key_index = resolve(ctx, "allow_transfer",
			    v[i].key, v[i].line);
}

void
config_tsig_check(struct cfg_ctx *ctx)
{
	struct config *cfg = ctx->cfg;

	for (size_t i = 0; i < cfg->nkeys; i++)
		check_key(ctx, &cfg->keys[i], &ctx->kseen[i]);
	resolve_acl(ctx, cfg->allow_transfer, cfg->nallow_transfer);
	/* cfg->keys no longer grows: pointers into it stay valid. */
	for (size_t i = 0; i < cfg->nnotify; i++) {
		struct cfg_listen *l = &cfg->notify[i];
		if (l->key != NULL &&
		    (l->key_index = resolve(ctx, "notify", l->key, l->line)) > 0)
			l->tsig = &cfg->keys[l->key_index - 1];
	}
	for (size_t i = 0; i < cfg->nviews; i++) {
		struct cfg_view *v = &cfg->views[i];

		resolve_acl(ctx, v->allow_transfer, v->nallow_transfer);
		for (size_t j = 0; j < v->nmatch_keys; j++)
			resolve(ctx, "match_keys", v->match_keys[j],
			    v->match_keys_line);
	}
}

void
config_tsig_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nallow_transfer; i++)
		free(cfg->allow_transfer[i].key);
	for (size_t i = 0; i < cfg->nnotify; i++)
		free(cfg->notify[i].key);
	for (size_t i = 0; i < cfg->nviews; i++) {
		struct cfg_view *v = &cfg->views[i];

		for (size_t j = 0; j < v->nallow_transfer; j++)
			free(v->allow_transfer[j].key);
		for (size_t j = 0; j < v->nmatch_keys; j++)
			free(v->match_keys[j]);
		free(v->match_keys);
	}
	for (size_t i = 0; i < cfg->nkeys; i++) {
		struct cfg_tsig_key *k = &cfg->keys[i];

		free(k->name);
		free(k->secret_text);
		free(k->secret_file);
		/* The secret is a password: no copy left in freed memory. */
		explicit_bzero(k->secret, sizeof(k->secret));
	}
	free(cfg->keys);
}
