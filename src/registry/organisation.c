/* SPDX-License-Identifier: MIT */
/*
 * Organisations in the registry (include/tcard/organisation.h): the rows
 * of the organisations table (schema step 8), the codes of each kind and
 * the table of roles an organisation's operators may hold. Operators
 * point at their organisation (src/registry/operator.c); the application
 * workflow routes and scopes by it (src/registry/application.c).
 * docs/operators.md "Organisations" explains the choices.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "app-int.h"
#include "registry-int.h"
#include "tcard/err.h"
#include "tcard/organisation.h"
#include "tcard/role.h"
#include "tcard/uscc.h"

#define COLUMNS "id, kind, code, name, created_at"

/* Longest code of a kind other than unit. */
#define SHORT_CODE_MAX 24

static const char *const kind_names[] = {
	[TC_ORG_UNIT] = "unit",
	[TC_ORG_INDUSTRY] = "industry",
	[TC_ORG_DISTRICT] = "district",
	[TC_ORG_CITY] = "city",
	[TC_ORG_TALENT_OFFICE] = "talent-office",
	[TC_ORG_BANK_BRANCH] = "bank-branch",
};

const char *
tc_org_kind_name(enum tc_org_kind k)
{
	return tc_reg_name(kind_names, TC_REG_NAMES(kind_names), (int)k);
}

int
tc_org_kind_parse(const char *name, enum tc_org_kind *out)
{
	int k;

	if (tc_reg_name_parse(kind_names, TC_REG_NAMES(kind_names), name, &k))
		return TC_ERR_NOT_FOUND;
	*out = (enum tc_org_kind)k;
	return 0;
}

unsigned
tc_org_kind_roles(enum tc_org_kind k)
{
	const unsigned office = TC_ROLE_BIT(TC_ROLE_APPROVER) |
	    TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP) |
	    TC_ROLE_BIT(TC_ROLE_CARD_ISSUER);

	switch (k) {
	case TC_ORG_UNIT:
		return TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER);
	case TC_ORG_INDUSTRY:
		return TC_ROLE_BIT(TC_ROLE_INDUSTRY_REVIEWER);
	case TC_ORG_DISTRICT:
		return TC_ROLE_BIT(TC_ROLE_HR_REVIEWER);
	case TC_ORG_CITY:
		return TC_ROLE_BIT(TC_ROLE_HR_REVIEWER) | office;
	case TC_ORG_TALENT_OFFICE:
		return office | TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) |
		    TC_ROLE_BIT(TC_ROLE_AUDITOR) | TC_ROLE_BIT(TC_ROLE_ADMIN);
	case TC_ORG_BANK_BRANCH:
		return TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) |
		    TC_ROLE_BIT(TC_ROLE_CARD_ISSUER);
	}
	return 0;
}

int
tc_org_kind_wide(enum tc_org_kind k)
{
	return k == TC_ORG_TALENT_OFFICE || k == TC_ORG_CITY;
}

int
tc_org_roles_check(
    const struct tc_organisation *o, unsigned roles, char *err, size_t errlen)
{
	char kinds[160];
	unsigned extra;
	int role, k;

	extra = roles & ~tc_org_kind_roles(o->kind);
	if (extra == 0)
		return 0;
	for (role = TC_ROLE_FIRST; !(extra & TC_ROLE_BIT(role)); role++)
		;
	kinds[0] = '\0';
	for (k = TC_ORG_UNIT; k < TC_REG_NAMES(kind_names); k++)
		if (tc_org_kind_roles((enum tc_org_kind)k) &
		    TC_ROLE_BIT(role)) {
			if (kinds[0] != '\0')
				strcat(kinds, ", ");
			strcat(kinds, kind_names[k]);
		}
	return tc_seterr(err, errlen, TC_ERR_POLICY,
	    "the role %s does not fit organisation %s (a %s): it belongs to an organisation of kind %s",
	    tc_role_name((enum tc_role)role), o->code, kind_names[o->kind],
	    kinds);
}

int
tc_org_code_check(enum tc_org_kind k, const char *code,
    char out[TC_ORG_CODE_MAX + 1], char *err, size_t errlen)
{
	char msg[200];
	size_t i, n;
	char c;
	int r;

	out[0] = '\0';
	if (tc_org_kind_name(k) == NULL || code == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "an organisation needs a kind and a code");
	if (k == TC_ORG_UNIT) {
		if ((r = tc_uscc_normalise(code, out, msg, sizeof(msg))) != 0)
			return tc_seterr(err, errlen, r,
			    "a unit's code is its unified social credit code: %s",
			    msg);
		return 0;
	}
	n = strnlen(code, SHORT_CODE_MAX + 1);
	if (n == 0 || n > SHORT_CODE_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "an organisation code has 1 to %d characters",
		    SHORT_CODE_MAX);
	for (i = 0; i < n; i++) {
		c = code[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && c == '-'))
			continue;
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "organisation code: character %zu is not allowed (codes use a-z, 0-9 and '-', and start with a letter or digit)",
		    i + 1);
	}
	memcpy(out, code, n + 1);
	return 0;
}

/* Reads the current row of a COLUMNS query. */
static int
read_row(sqlite3_stmt *st, struct tc_organisation *o)
{
	char kind[32];
	int64_t created;

	memset(o, 0, sizeof(*o));
	if (tc_reg_col_int(st, 0, 0, &o->id) != 0 ||
	    tc_reg_col_text(st, 1, kind, sizeof(kind), 0) != 0 ||
	    tc_org_kind_parse(kind, &o->kind) != 0 ||
	    tc_reg_col_text(st, 2, o->code, sizeof(o->code), 0) != 0 ||
	    tc_reg_col_text(st, 3, o->name, sizeof(o->name), 0) != 0 ||
	    tc_reg_col_int(st, 4, 0, &created) != 0)
		return TC_ERR_MALFORMED;
	o->created_at = (time_t)created;
	return 0;
}

int
tc_registry_org_add(struct tc_registry *reg, enum tc_org_kind kind,
    const char *code, const char *name, time_t now, struct tc_organisation *out,
    char *err, size_t errlen)
{
	char norm[TC_ORG_CODE_MAX + 1];
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (reg == NULL || name == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "adding an organisation", err, errlen)) !=
	    0)
		return r;
	if ((r = tc_org_code_check(kind, code, norm, err, errlen)) != 0)
		return r;
	if (!tc_app_text_ok(name, TC_ORG_NAME_MAX, 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "organisation %s: the name must be 1 to %d bytes of UTF-8 without control characters",
		    norm, TC_ORG_NAME_MAX);
	if ((r = tc_reg_prepare(reg,
		 "INSERT INTO organisations (kind, code, name, created_at) VALUES (?1, ?2, ?3, ?4)",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_text(st, 1, kind_names[kind], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, norm, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		r = tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "an organisation with code %s already exists", norm);
	else if (rc != SQLITE_DONE)
		r = tc_reg_dberr(
		    reg, rc, "adding an organisation", err, errlen);
	else {
		reg->dirty = 1;
		r = 0;
		if (out != NULL) {
			out->id = sqlite3_last_insert_rowid(reg->db);
			out->kind = kind;
			memcpy(out->code, norm, sizeof(out->code));
			snprintf(out->name, sizeof(out->name), "%s", name);
			out->created_at = now;
		}
	}
	tc_reg_finalize(reg, st);
	return r;
}

/* Reads the one row of st (bound by the caller) into *out. */
static int
get_one(struct tc_registry *reg, sqlite3_stmt *st, const char *what,
    struct tc_organisation *out, char *err, size_t errlen)
{
	int r;

	if ((r = tc_reg_one_row(reg, st, "reading an organisation", err, errlen,
		 "no organisation %s", what)) == 0) {
		if ((r = read_row(st, out)) != 0)
			tc_seterr(err, errlen, r,
			    "organisation %s: a stored field has the wrong type, size or an unknown kind",
			    what);
		tc_reg_finalize(reg, st);
	}
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

int
tc_registry_org_get(struct tc_registry *reg, const char *code,
    struct tc_organisation *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (reg == NULL || code == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_query(reg,
		 "SELECT " COLUMNS " FROM organisations WHERE code = ?1", &st,
		 err, errlen, "t", code)) != 0)
		return r;
	return get_one(reg, st, code, out, err, errlen);
}

int
tc_registry_org_get_id(struct tc_registry *reg, int64_t id,
    struct tc_organisation *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char what[32];
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_query(reg,
		 "SELECT " COLUMNS " FROM organisations WHERE id = ?1", &st,
		 err, errlen, "i", id)) != 0)
		return r;
	snprintf(what, sizeof(what), "#%lld", (long long)id);
	return get_one(reg, st, what, out, err, errlen);
}

int
tc_registry_org_list(struct tc_registry *reg,
    int (*fn)(const struct tc_organisation *o, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_organisation o;
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_prepare(reg,
		 "SELECT " COLUMNS " FROM organisations ORDER BY kind, code",
		 &st, err, errlen)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = read_row(st, &o)) != 0) {
			tc_seterr(err, errlen, r,
			    "organisation row %lld: a stored field has the wrong type, size or an unknown kind",
			    (long long)sqlite3_column_int64(st, 0));
			break;
		}
		if ((r = fn(&o, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "listing organisations", err, errlen);
}
