/* table.c -- ocsdns-plan: the report tables, and what every report asks. */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

void
plan_table_init(struct plan_table *t, const char *name, const char *title,
    const char *const *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->title = title;
	t->cols = cols;
	t->ncols = ncols;
}

int
plan_table_add(struct plan_table *t, ...)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, cap * t->ncols * sizeof(*c));
		if (c == NULL)
			return -1;
		t->cells = c;
		t->cap = cap;
	}
	char **row = &t->cells[t->nrows * t->ncols];
	va_list ap;
	va_start(ap, t);
	int rc = 0;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		if ((row[i] = strdup(s != NULL ? s : "")) == NULL)
			rc = -1;
	}
	va_end(ap);
	if (rc < 0) {
		for (size_t i = 0; i < t->ncols; i++)
			free(row[i]);
		return -1;
	}
	t->nrows++;
	return 0;
}

const char *
plan_cell(const struct plan_table *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}

void
plan_table_free(struct plan_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

char *
plan_addrs(const struct cfg_addr *a, size_t n)
{
	size_t len = n * (INET6_ADDRSTRLEN + 1) + 1;
	char *s = malloc(len), buf[INET6_ADDRSTRLEN];

	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		inet_ntop(a[i].family, &a[i].u, buf, sizeof(buf));
		if (i > 0)
			strcat(s, " ");
		strcat(s, buf);
	}
	return s;
}

const char *
plan_role_label(const struct config *cfg, size_t ri, char *buf, size_t len)
{
	const struct cfg_role *r = &cfg->roles[ri];

	snprintf(buf, len, "[%s %s]", ocs_roles[r->kind].section, r->name);
	return buf;
}

const struct cfg_host *
plan_role_host(const struct config *cfg, const struct cfg_role *r,
    enum ocs_name_slot slot)
{
	return r->names[slot].fqdn == NULL ? NULL :
	    config_host(cfg, r->names[slot].fqdn);
}

const struct cfg_role *
plan_role_find(const struct config *cfg, enum ocs_role_kind kind,
    const char *name)
{
	for (size_t i = 0; i < cfg->nroles; i++)
		if (cfg->roles[i].kind == kind &&
		    strcmp(cfg->roles[i].name, name) == 0)
			return &cfg->roles[i];
	return NULL;
}

const char *
plan_version(const struct config *cfg)
{
	return cfg->ocs_version == OCS_2007_R2 ? "2007 R2" : "2007";
}
