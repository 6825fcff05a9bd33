/* SPDX-License-Identifier: MIT */
/*
 * A PDF attachment's page count kept once it was counted (include/tcard/
 * application.h, tc_app_attachment_set_pages; schema 10): the staff
 * console's confined renderer counts a material's pages the first time it
 * is shown, and every later view reads the count from the application's
 * attachment list instead of parsing the PDF again (issue 15).
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "app-int.h"
#include "registry-int.h"
#include "tcard/application.h"
#include "tcard/err.h"

#define PAGES_MAX 1000000

int
tc_app_attachment_set_pages(const struct tc_app_ctx *c, int64_t app,
    int64_t att, uint32_t pages, char *err, size_t errlen)
{
	char subject[48];
	sqlite3_stmt *st = NULL;
	struct tc_app a;
	int visible, r;

	if (c == NULL || c->reg == NULL || pages == 0 || pages > PAGES_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a page count is 1 to %d", PAGES_MAX);
	if ((r = tc_reg_need_tx(c->reg, "keeping a page count", err, errlen)) !=
	    0)
		return r;
	/* One the operator may not see is missing (docs/workflow.md). */
	if ((r = tc_app_get(c->reg, app, &a, err, errlen)) != 0)
		return r;
	visible = tc_app_visible(c, &a);
	tc_app_release(&a);
	if (!visible)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no application %lld", (long long)app);
	if ((r = tc_reg_prepare(c->reg,
		 "SELECT pages FROM attachments WHERE id = ?1 AND application_id = ?2 AND media_type = 'application/pdf'",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, att);
	sqlite3_bind_int64(st, 2, app);
	r = sqlite3_step(st);
	visible = r == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL;
	tc_reg_finalize(c->reg, st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return tc_reg_dberr(
		    c->reg, r, "reading an attachment", err, errlen);
	if (r == SQLITE_DONE)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "application %lld has no PDF attachment %lld",
		    (long long)app, (long long)att);
	if (!visible)
		return 0; /* kept already */
	if ((r = tc_reg_prepare(c->reg,
		 "UPDATE attachments SET pages = ?2 WHERE id = ?1", &st, err,
		 errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, att);
	sqlite3_bind_int64(st, 2, pages);
	if ((r = tc_reg_run(c->reg, st, "keeping a page count", err, errlen)) !=
	    0)
		return r;
	snprintf(subject, sizeof(subject), "application:%lld", (long long)app);
	return tc_app_audit(c->reg, c->now,
	    c->operator_name != NULL ? c->operator_name : "system",
	    "attachment.pages", subject,
	    json_pack("{s:I, s:I}", "attachment", (json_int_t)att, "pages",
		(json_int_t)pages),
	    err, errlen);
}
