/* SPDX-License-Identifier: MIT */
/*
 * The work queue (include/tcard/application.h, tc_app_queue): one page of
 * the applications waiting for an operator, in queue order (deadline, none
 * last, then id), from a cursor forward or backward.
 *
 * Each application row carries the owner of its current step, written
 * when the step starts (tc_app_step_owner): step_role, the step's role,
 * and step_org, the organisation whose step it is ("" for any organisation
 * of a fitting kind). The partial indexes of schema 10 (registry.c) keep
 * the submitted and approved rows by (step_role, key, id), (step_role,
 * step_org, key, id) and (created_by, key, id), so the operator's part of
 * the queue is a UNION of index ranges in queue order that SQLite merges,
 * read only as far as one page. tc_app_visible's rule and whether the
 * operator may take the current step (its role and organisation,
 * tc_app_takes_step: the review's own rule), from the programmes, still
 * decide each row read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "app-int.h"
#include "registry-int.h"
#include "tcard/application.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/operator.h"
#include "tcard/organisation.h"
#include "tcard/programme.h"
#include "tcard/role.h"

/* The sort key of a row: its deadline, "~" (after every date) for none. */
#define QUEUE_KEY "ifnull(deadline, '~')"

int
tc_app_cursor_parse(const char *s, struct tc_app_cursor *out)
{
	static const char shape[] = "dddd-dd-dd";
	const char *dot;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (s == NULL || (dot = strchr(s, '.')) == NULL)
		return TC_ERR_INVALID_ARG;
	n = (size_t)(dot - s);
	if (n == 4 && memcmp(s, "none", 4) == 0) {
		out->deadline[0] = '\0';
	} else {
		if (n != sizeof(shape) - 1)
			return TC_ERR_INVALID_ARG;
		for (i = 0; i < n; i++)
			if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9'
					    : s[i] != shape[i])
				return TC_ERR_INVALID_ARG;
		memcpy(out->deadline, s, n);
		out->deadline[n] = '\0';
	}
	s = dot + 1;
	n = strlen(s);
	if (n == 0 || n > 15 || s[0] == '0')
		return TC_ERR_INVALID_ARG;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return TC_ERR_INVALID_ARG;
		out->id = out->id * 10 + (s[i] - '0');
	}
	return 0;
}

void
tc_app_cursor_text(const struct tc_app *a, char out[TC_APP_CURSOR_MAX])
{
	snprintf(out, TC_APP_CURSOR_MAX, "%s.%lld",
	    a->deadline[0] != '\0' ? a->deadline : "none", (long long)a->id);
}

void
tc_app_step_owner(const struct tc_step *steps, size_t n, int idx,
    const struct tc_app *a, const char **role, const char **org)
{
	const struct tc_step *s = &steps[idx];
	size_t i;

	*role = tc_role_name(s->role);
	if (s->role == TC_ROLE_UNIT_REVIEWER) {
		*org = a->employer_code[0] != '\0' ? a->employer_code : NULL;
		return;
	}
	*org = s->organisation != NULL ? s->organisation : "";
	/* An earlier step of another organisation: tc_app_visible decides. */
	for (i = 0; i < (size_t)idx && i < n; i++)
		if (steps[i].role != TC_ROLE_UNIT_REVIEWER &&
		    steps[i].organisation != NULL &&
		    (s->organisation == NULL ||
			strcmp(steps[i].organisation, s->organisation) != 0))
			*org = "";
}

/*
 * One arm of the queue's UNION: the rows at a step of role (NULL: any) and
 * of cond (NULL: none) in the range from ?1, ?2.
 */
static void
arm(struct tc_buf *sql, int backward, const char *role, const char *cond)
{
	const char *lt = backward ? "<" : ">";

	if (sql->len > 0)
		tc_buf_puts(sql, " UNION ");
	tc_buf_puts(sql,
	    "SELECT id, " QUEUE_KEY
	    " FROM applications WHERE state IN ('submitted', 'approved')");
	if (role != NULL)
		tc_buf_printf(sql, " AND step_role = '%s'", role);
	if (cond != NULL)
		tc_buf_printf(sql, " AND %s", cond);
	tc_buf_printf(sql,
	    " AND " QUEUE_KEY " %s= ?1 AND (" QUEUE_KEY " %s ?1 OR id %s ?2)",
	    lt, lt, lt);
}

/*
 * The query of op's candidate rows in queue order: ?1 key and ?2 id of
 * the cursor, ?3 op's organisation, ?4 its name, ?5 its unit's code. An
 * authority-wide operator or an auditor may see every application of its
 * steps' roles; another one those of its organisation's steps, of steps
 * of any fitting organisation (""), its own and its unit's. Empty when op
 * holds no role.
 */
static int
queue_sql(const struct tc_operator *op, int backward, struct tc_buf *sql)
{
	int wide = tc_org_kind_wide(op->org_kind) ||
	    (op->roles & TC_ROLE_BIT(TC_ROLE_AUDITOR));
	const char *name;
	int role;

	for (role = TC_ROLE_FIRST; role <= TC_ROLE_LAST; role++) {
		if (!(op->roles & TC_ROLE_BIT(role)))
			continue;
		name = tc_role_name((enum tc_role)role);
		if (wide) {
			arm(sql, backward, name, NULL);
			continue;
		}
		arm(sql, backward, name, "step_org = ?3");
		if (role != TC_ROLE_UNIT_REVIEWER)
			arm(sql, backward, name, "step_org = ''");
	}
	if (sql->len > 0 && !wide) {
		arm(sql, backward, NULL, "created_by = ?4");
		if (op->org_kind == TC_ORG_UNIT)
			arm(sql, backward, NULL, "employer_code = ?5");
	}
	if (sql->len > 0)
		tc_buf_printf(sql, " ORDER BY 2%s, 1%s",
		    backward ? " DESC" : "", backward ? " DESC" : "");
	return sql->err;
}

struct page {
	struct tc_app *rows; /* backward: held to be given in queue order */
	size_t n, limit;
	int backward;
	int (*fn)(const struct tc_app *a, void *arg);
	void *arg;
};

/* Takes row a into the page (consumed); fn's value in *r. */
static void
page_take(struct page *pg, struct tc_app *a, int *r)
{
	if (pg->backward) {
		pg->rows[pg->n++] = *a;
		memset(a, 0, sizeof(*a));
	} else {
		pg->n++;
		*r = pg->fn(a, pg->arg);
		tc_app_release(a);
	}
}

/* Reads the listing columns of application id into a. */
static int
row_by_id(struct tc_registry *reg, int64_t id, struct tc_app *a, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = tc_reg_row_by_id(reg,
		 "SELECT " TC_APP_COLUMNS " FROM applications WHERE id = ?1",
		 id, "reading the work queue", &st, err, errlen,
		 "application %lld left the registry while its queue was read",
		 (long long)id)) != 0)
		return r;
	r = tc_app_row_read(st, a, err, errlen);
	tc_reg_finalize(reg, st);
	return r;
}

/*
 * Reads the applications whose ids st gives into pg, until it is full and
 * one more is seen. The UNION gives only id and key: merging its arms
 * copies every column of every row it passes on (a quarter of the
 * monitor's time per page when it carried all 28), and each row is
 * then one look-up by id.
 */
static int
page_fill(const struct tc_app_ctx *c, const struct tc_operator *op,
    sqlite3_stmt *st, struct page *pg, int *more, char *err, size_t errlen)
{
	const struct tc_programme *p;
	struct tc_app a;
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = row_by_id(c->reg, sqlite3_column_int64(st, 0), &a, err,
			 errlen)) != 0)
			break;
		p = tc_programme_set_find(c->programmes, a.programme);
		if (!tc_app_visible_to(op, p, &a) ||
		    !tc_app_takes_step(op, p, &a)) {
			tc_app_release(&a);
			continue;
		}
		if (pg->n == pg->limit) {
			tc_app_release(&a);
			*more = 1;
			break;
		}
		page_take(pg, &a, &r);
		if (r != 0)
			break;
	}
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE; /* stopped early, not an error */
	return tc_reg_rows_end(
	    c->reg, st, rc, r, "reading the work queue", err, errlen);
}

int
tc_app_queue(const struct tc_app_ctx *c, const struct tc_app_cursor *from,
    int backward, size_t limit, int (*fn)(const struct tc_app *a, void *arg),
    void *arg, int *more, char *err, size_t errlen)
{
	struct page pg = { NULL, 0, limit, backward, fn, arg };
	struct tc_operator op;
	struct tc_buf sql;
	sqlite3_stmt *st = NULL;
	size_t i;
	int r;

	*more = 0;
	if (c == NULL || c->reg == NULL || c->operator_name == NULL ||
	    fn == NULL || limit == 0 || limit > TC_APP_QUEUE_MAX ||
	    (backward && from == NULL))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "work queue: missing argument or a limit out of 1 to %d",
		    TC_APP_QUEUE_MAX);
	if ((r = tc_registry_operator_get(
		 c->reg, c->operator_name, &op, err, errlen)) != 0)
		return r;
	if (backward && (pg.rows = calloc(limit, sizeof(*pg.rows))) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	tc_buf_init(&sql, 64 * 1024);
	if (queue_sql(&op, backward, &sql) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (sql.len == 0 || op.disabled)
		goto out; /* no step is any of its roles' */
	if ((r = tc_reg_prepare(
		 c->reg, (const char *)sql.data, &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_text(st, 3, op.org_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, op.name, -1, SQLITE_TRANSIENT);
	if (op.org_kind == TC_ORG_UNIT)
		sqlite3_bind_text(st, 5, op.org_code, -1, SQLITE_TRANSIENT);
	if (from != NULL) {
		sqlite3_bind_text(st, 1,
		    from->deadline[0] != '\0' ? from->deadline : "~", -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, from->id);
	} else {
		sqlite3_bind_text(st, 1, "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, 0);
	}
	r = page_fill(c, &op, st, &pg, more, err, errlen);
	/* Backward, the rows came last first: give them in queue order. */
	for (i = pg.n; r == 0 && backward && i > 0; i--)
		r = fn(&pg.rows[i - 1], arg);
out:
	for (i = 0; pg.rows != NULL && i < pg.n; i++)
		tc_app_release(&pg.rows[i]);
	free(pg.rows);
	tc_buf_release(&sql);
	return r;
}

/* A row's step owner to be written by tc_app_queue_fill. */
struct owner {
	int64_t id;
	const char *role;
	char org[TC_ORG_CODE_MAX + 1];
	int has_org;
};

/* The owners of the rows without one; *out heap, *n of them. */
static int
owners_missing(const struct tc_app_ctx *c, struct owner **out, size_t *n,
    char *err, size_t errlen)
{
	const struct tc_programme *p;
	const struct tc_step *steps;
	struct owner *o, *grown;
	size_t cap = 0, ns;
	sqlite3_stmt *st = NULL;
	struct tc_app a;
	const char *org;
	int rc, r;

	*out = NULL;
	*n = 0;
	if ((r = tc_reg_prepare(c->reg,
		 "SELECT " TC_APP_COLUMNS
		 " FROM applications WHERE state IN ('submitted', 'approved') AND step_role IS NULL",
		 &st, err, errlen)) != 0)
		return r;
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((grown = realloc(*out, cap * sizeof(**out))) ==
			    NULL) {
				r = tc_seterr(
				    err, errlen, TC_ERR_NOMEM, "out of memory");
				break;
			}
			*out = grown;
		}
		if ((r = tc_app_row_read(st, &a, err, errlen)) != 0)
			break;
		o = &(*out)[(*n)++];
		memset(o, 0, sizeof(*o));
		o->id = a.id;
		o->role = "none"; /* a programme or step no longer loaded */
		p = tc_programme_set_find(c->programmes, a.programme);
		if (p != NULL &&
		    tc_app_steps(p, &a, &steps, &ns, NULL, 0) == 0 &&
		    a.step >= 0 && (size_t)a.step < ns) {
			tc_app_step_owner(
			    steps, ns, a.step, &a, &o->role, &org);
			o->has_org = org != NULL;
			snprintf(o->org, sizeof(o->org), "%s", org ? org : "");
		}
		tc_app_release(&a);
	}
	return tc_reg_rows_end(
	    c->reg, st, rc, r, "reading the work queue", err, errlen);
}

int
tc_app_queue_fill(
    const struct tc_app_ctx *c, int64_t *filled, char *err, size_t errlen)
{
	struct owner *o = NULL;
	sqlite3_stmt *st = NULL;
	size_t i, n = 0;
	int r;

	*filled = 0;
	if (c == NULL || c->reg == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "missing argument");
	if ((r = tc_reg_need_tx(
		 c->reg, "filling the work queue", err, errlen)) != 0 ||
	    (r = owners_missing(c, &o, &n, err, errlen)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((r = tc_reg_prepare(c->reg,
			 "UPDATE applications SET step_role = ?2, step_org = ?3 WHERE id = ?1",
			 &st, err, errlen)) != 0)
			goto out;
		sqlite3_bind_int64(st, 1, o[i].id);
		sqlite3_bind_text(st, 2, o[i].role, -1, SQLITE_STATIC);
		if (o[i].has_org)
			sqlite3_bind_text(st, 3, o[i].org, -1, SQLITE_STATIC);
		if ((r = tc_reg_run(c->reg, st, "filling the work queue", err,
			 errlen)) != 0)
			goto out;
		(*filled)++;
	}
	if (*filled > 0)
		r = tc_app_audit(c->reg, c->now, "system",
		    "application.queue-fill", "applications",
		    json_pack("{s:I}", "filled", (json_int_t)*filled), err,
		    errlen);
out:
	free(o);
	return r;
}
