/* SPDX-License-Identifier: MIT */
/*
 * The work queue (include/tcard/application.h, tc_app_queue): one page of
 * the applications waiting for an operator, in queue order (deadline, none
 * last, then id), from a cursor forward or backward. The rows come from
 * one SQL query in that order and stop being read once the page is full;
 * tc_app_visible's rule and the current step's role decide each row.
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

/* 1 when a is at a step whose role op holds (p: a's programme or NULL). */
static int
at_role_of(const struct tc_operator *op, const struct tc_programme *p,
    const struct tc_app *a)
{
	const struct tc_step *steps;
	size_t n;

	if (p == NULL || tc_app_steps(p, a, &steps, &n, NULL, 0) != 0 ||
	    a->step < 0 || (size_t)a->step >= n)
		return 0;
	return (op->roles & TC_ROLE_BIT(steps[a->step].role)) != 0;
}

/* The query of the queue's candidate rows in order ?1 key, ?2 id. */
static int
queue_sql(int backward, struct tc_buf *sql)
{
	return tc_buf_printf(sql,
	    "SELECT " TC_APP_COLUMNS ", " QUEUE_KEY
	    " FROM applications WHERE state IN ('submitted', 'approved') AND " QUEUE_KEY
	    " %s= ?1 AND (" QUEUE_KEY " %s ?1 OR id %s ?2) ORDER BY 29%s, 1%s",
	    backward ? "<" : ">", backward ? "<" : ">", backward ? "<" : ">",
	    backward ? " DESC" : "", backward ? " DESC" : "");
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

/* Reads rows of st into pg until it is full and one more is seen. */
static int
page_fill(const struct tc_app_ctx *c, const struct tc_operator *op,
    sqlite3_stmt *st, struct page *pg, int *more, char *err, size_t errlen)
{
	const struct tc_programme *p;
	struct tc_app a;
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (tc_app_row_read(st, &a) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "application %lld: a stored field has the wrong type or value",
			    (long long)sqlite3_column_int64(st, 0));
			break;
		}
		p = tc_programme_set_find(c->programmes, a.programme);
		if (!tc_app_visible_to(op, p, &a) || !at_role_of(op, p, &a)) {
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
	tc_buf_init(&sql, 1024);
	if (queue_sql(backward, &sql) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = tc_reg_prepare(
		 c->reg, (const char *)sql.data, &st, err, errlen)) != 0)
		goto out;
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
