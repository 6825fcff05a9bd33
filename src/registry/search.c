/* SPDX-License-Identifier: MIT */
/*
 * Finding applications by the applicant's name (include/tcard/
 * application.h, tc_app_find_name): the staff console's search. The
 * names that begin with what was typed, read in name order from the
 * index applications_name (a range, never a scan), each row decided by
 * tc_app_visible's rule for the operator, so a unit's reviewer finds only
 * the unit's applicants. Nothing sealed is opened.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "app-int.h"
#include "registry-int.h"
#include "tcard/application.h"
#include "tcard/err.h"
#include "tcard/operator.h"
#include "tcard/programme.h"
#include "tcard/httpreq.h"

/*
 * After every name that begins with ?1: U+10FFFF, the last code point, in
 * UTF-8 (names compare byte by byte, which is code point order).
 */
#define NAME_RANGE "name >= ?1 AND name < ?1 || CAST(x'f48fbfbf' AS TEXT)"

int
tc_app_find_name(const struct tc_app_ctx *c, const char *prefix, size_t limit,
    int (*fn)(const struct tc_app *a, void *arg), void *arg,
    int *more /* OUT */, char *err, size_t errlen)
{
	const struct tc_programme *p;
	struct tc_operator op;
	struct tc_app a;
	sqlite3_stmt *st = NULL;
	size_t n = 0, len;
	int rc, r;

	*more = 0;
	if (c == NULL || c->reg == NULL || c->operator_name == NULL ||
	    prefix == NULL || fn == NULL || limit == 0 ||
	    limit > TC_APP_FIND_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "name search: missing argument or a limit out of 1 to %d",
		    TC_APP_FIND_MAX);
	len = strlen(prefix);
	if (len == 0 || len > TC_HOLDER_NAME_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "name search: give 1 to %d bytes of a name",
		    TC_HOLDER_NAME_MAX);
	if (tc_utf8_check((const uint8_t *)prefix, len, NULL) != 0)
		return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
		    "name search: not UTF-8 text without control characters");
	if ((r = tc_registry_operator_get(
		 c->reg, c->operator_name, &op, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_prepare(c->reg,
		 "SELECT " TC_APP_COLUMNS " FROM applications WHERE " NAME_RANGE
		 " ORDER BY name, id DESC",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_text(st, 1, prefix, (int)len, SQLITE_STATIC);
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = tc_app_row_read(st, &a, err, errlen)) != 0)
			break;
		p = tc_programme_set_find(c->programmes, a.programme);
		if (tc_app_visible_to(&op, p, &a)) {
			if (n == limit) {
				*more = 1;
				tc_app_release(&a);
				break;
			}
			n++;
			r = fn(&a, arg);
		}
		tc_app_release(&a);
		if (r != 0)
			break;
	}
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE; /* stopped early, not an error */
	return tc_reg_rows_end(
	    c->reg, st, rc, r, "searching applications by name", err, errlen);
}

int
tc_app_list_created(struct tc_registry *reg, const char *creator, int limit,
    int (*fn)(const struct tc_app *a, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_app a;
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || creator == NULL || fn == NULL || limit < 1)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_query(reg,
		 "SELECT " TC_APP_COLUMNS
		 " FROM applications WHERE created_by = ?1 ORDER BY id DESC LIMIT ?2",
		 &st, err, errlen, "td", creator, limit)) != 0)
		return r;
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = tc_app_row_read(st, &a, err, errlen)) != 0)
			break;
		r = fn(&a, arg);
		tc_app_release(&a);
		if (r != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "listing an applicant's applications", err, errlen);
}
