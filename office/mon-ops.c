/* SPDX-License-Identifier: MIT */
/*
 * The monitor's ops (office/mon.h): login, logout, whoami, queue, an
 * application's page, an attachment's bytes and a review, each on the
 * library calls the CLI uses, so that the rules (roles per step, four
 * eyes, deadlines, guards) are the library's. Who may see an application
 * is the library's too (tc_app_visible: organisations and roles,
 * docs/workflow.md "Scoping"); anything else is 404 as if it did not
 * exist.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mon.h"
#include "tcard/application.h"
#include "tcard/err.h"
#include "tcard/jsonw.h"
#include "tcard/hex.h"
#include "tcard/role.h"

void
mon_fail(struct mon_answer *a, unsigned status, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	a->status = status;
	a->error = code;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	json_decref(a->body);
	a->body = NULL;
}

/* Maps a library error to an HTTP status and code, keeping its message. */
static void
lib_fail(struct mon_answer *a, int r, const char *err)
{
	unsigned st = 500;
	const char *code = "internal";

	switch (r) {
	case TC_ERR_FORBIDDEN:
	case TC_ERR_FOUR_EYES:
		st = 403;
		code = "forbidden";
		break;
	case TC_ERR_NOT_FOUND:
		st = 404;
		code = "not-found";
		break;
	case TC_ERR_STATE:
	case TC_ERR_POLICY:
	case TC_ERR_BLACKLISTED:
	case TC_ERR_EXPIRED:
	case TC_ERR_NOT_YET_VALID:
	case TC_ERR_REVOKED:
		st = 409;
		code = "refused";
		break;
	case TC_ERR_INVALID_ARG:
	case TC_ERR_RANGE:
	case TC_ERR_MALFORMED:
	case TC_ERR_TOO_LARGE:
	case TC_ERR_TRUNCATED:
	case TC_ERR_BAD_ENCODING:
	case TC_ERR_BAD_CHECK:
	case TC_ERR_TOO_DEEP:
	case TC_ERR_BAD_DATE:
	case TC_ERR_TRAILING:
	case TC_ERR_UNSUPPORTED:
		st = 400;
		code = "bad-request";
		break;
	case TC_ERR_DB_BUSY:
		st = 503;
		code = "busy";
		break;
	}
	mon_fail(a, st, code, "%s (%s)", err[0] ? err : tc_strerror(r),
	    tc_strerror(r));
}

void
mon_lib_fail(struct mon_answer *a, int r, const char *err)
{
	lib_fail(a, r, err);
}

int
mon_begin(struct mon *m, struct mon_answer *a)
{
	char err[1024] = "";
	int r;

	if ((r = tc_registry_begin(m->reg, err, sizeof(err))) != 0)
		lib_fail(a, r, err);
	return r;
}

int
mon_end(struct mon *m, struct mon_answer *a, int r, const char *err,
    void (*fail)(struct mon_answer *a, int r, const char *err))
{
	char cerr[1024] = "";

	if (r != 0) {
		tc_registry_rollback(m->reg);
		(fail != NULL ? fail : lib_fail)(a, r, err);
		return r;
	}
	if ((r = tc_registry_commit(m->reg, cerr, sizeof(cerr))) != 0)
		lib_fail(a, r, cerr);
	return r;
}

int
mon_append(json_t *arr, json_t *o, int *failed)
{
	if (o == NULL || json_array_append_new(arr, o) != 0) {
		*failed = 1;
		return 1;
	}
	return 0;
}

static json_t *
roles_json(unsigned mask)
{
	json_t *arr = json_array();
	int r;

	for (r = TC_ROLE_FIRST; arr != NULL && r <= TC_ROLE_LAST; r++)
		if (mask & TC_ROLE_BIT(r))
			json_array_append_new(
			    arr, json_string(tc_role_name((enum tc_role)r)));
	return arr;
}

static void
op_login(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a,
    time_t now)
{
	struct tc_operator op;
	struct mon_session *s;
	char err[512] = "";
	int r;

	snprintf(
	    a->operator_name, sizeof(a->operator_name), "%s", q->operator_name);
	/* The passphrase and, for an enrolled operator, a TOTP code not used
	 * before (the replay rule): one library call, one lockout count. */
	r = tc_registry_operator_login(m->reg, q->operator_name, q->passphrase,
	    q->otp, now, &op, err, sizeof(err));
	if (r == TC_ERR_AUTH) {
		mon_fail(a, 401, "unauthorized",
		    "%s (after %d failures in a row an operator is locked for %d minutes)",
		    err, TC_OPERATOR_MAX_FAILURES,
		    TC_OPERATOR_LOCK_SECONDS / 60);
		return;
	}
	if (r != 0) {
		lib_fail(a, r, err);
		return;
	}
	if ((s = mon_session_new(m, 0, op.name, op.roles, 0, now)) == NULL) {
		mon_fail(a, 503, "busy",
		    "too many sessions open (at most %d); try again later",
		    MON_SESSIONS_MAX);
		return;
	}
	snprintf(a->session, sizeof(a->session), "%s", s->idtext);
	a->body = json_pack("{s:s, s:s, s:o}", "csrf", s->csrf, "operator",
	    op.name, "roles", roles_json(op.roles));
}

/*
 * The operator of a session, read again: a disabled operator's sessions
 * end, and roles are today's. Returns 0, or answers 401 and returns -1.
 */
static int
session_operator(struct mon *m, struct mon_session *s, struct tc_operator *op,
    struct mon_answer *a)
{
	char err[512] = "";

	snprintf(
	    a->operator_name, sizeof(a->operator_name), "%s", s->operator_name);
	if (tc_registry_operator_get(
		m->reg, s->operator_name, op, err, sizeof(err)) != 0 ||
	    op->disabled) {
		mon_session_drop(s);
		mon_fail(a, 401, "unauthorized",
		    "the session's operator may no longer sign in");
		return -1;
	}
	s->roles = op->roles;
	return 0;
}

/* The roles of the steps of a's programme (0 when it has none). */
static unsigned
app_roles(struct mon *m, const struct tc_app *a, const struct tc_step **step)
{
	const struct tc_programme *p;
	const struct tc_step *steps;
	unsigned mask = 0;
	size_t n, i;

	*step = NULL;
	if ((p = tc_programme_set_find(m->progs, a->programme)) == NULL ||
	    tc_app_steps(p, a, &steps, &n, NULL, 0) != 0)
		return 0;
	for (i = 0; i < n; i++)
		mask |= TC_ROLE_BIT(steps[i].role);
	if (a->step >= 0 && (size_t)a->step < n &&
	    (a->state == TC_APP_SUBMITTED || a->state == TC_APP_APPROVED))
		*step = &steps[a->step];
	return mask;
}

void
mon_ctx(struct mon *m, const struct tc_operator *op, time_t now,
    struct tc_app_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->reg = m->reg;
	c->programmes = m->progs;
	c->workdays = m->wd;
	c->operator_name = op->name;
	c->now = now;
}

static void
time_text(time_t t, char out[32])
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL) {
		out[0] = '\0';
		return;
	}
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
mon_time_text(time_t t, char out[32])
{
	time_text(t, out);
}

/*
 * The summary of an application, as a list line, written into w: one
 * writer for the queue's and the search's pages, written straight as
 * text (include/tcard/jsonw.h), and for the acts' answers through
 * mon_app_summary. columns 0: an object of every field; else an array of
 * the fields whose TC_ORPC_F_* bits it holds, in their order.
 */
static void
summary_write(struct tc_jw *w, struct mon *m, const struct tc_app *a,
    time_t now, uint32_t columns)
{
	const struct tc_step *st;
	char created[32], submitted[32], id[24];
	const char *v[TC_ORPC_F_COUNT];
	size_t f;

	app_roles(m, a, &st);
	time_text(a->created_at, created);
	time_text(a->submitted_at, submitted);
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	v[TC_ORPC_F_ID] = id; /* written as a number */
	v[TC_ORPC_F_KIND] = tc_app_kind_name(a->kind);
	v[TC_ORPC_F_PROGRAMME] = a->programme;
	v[TC_ORPC_F_TIER] = a->tier[0] ? a->tier : NULL;
	v[TC_ORPC_F_ROUTE] = a->route[0] ? a->route : NULL;
	v[TC_ORPC_F_CLAUSE] = a->clause[0] ? a->clause : NULL;
	v[TC_ORPC_F_STATE] = tc_app_state_name(a->state);
	v[TC_ORPC_F_STEP] = st != NULL ? st->id : NULL;
	v[TC_ORPC_F_STEP_NAME] = st != NULL ? st->names.zh : NULL;
	v[TC_ORPC_F_ROLE] = st != NULL ? tc_role_name(st->role) : NULL;
	v[TC_ORPC_F_DEADLINE] =
	    st != NULL && a->deadline[0] ? a->deadline : NULL;
	v[TC_ORPC_F_APPLICANT] = a->id_masked;
	v[TC_ORPC_F_NAME] = a->name;
	v[TC_ORPC_F_EMPLOYER] = a->employer[0] ? a->employer : NULL;
	v[TC_ORPC_F_OVERDUE] = NULL; /* written as a boolean */
	v[TC_ORPC_F_CREATED] = created;
	v[TC_ORPC_F_SUBMITTED] = a->submitted_at ? submitted : NULL;
	if (columns == 0)
		tc_jw_obj(w);
	else
		tc_jw_arr(w);
	for (f = 0; f < TC_ORPC_F_COUNT; f++) {
		if (columns != 0 && !(columns & (1u << f)))
			continue;
		if (columns == 0)
			tc_jw_key(w, tc_orpc_field_name((enum tc_orpc_field)f));
		if (f == TC_ORPC_F_ID)
			tc_jw_int(w, a->id);
		else if (f == TC_ORPC_F_OVERDUE)
			tc_jw_bool(w, tc_app_overdue(a, now));
		else
			tc_jw_str(w, v[f]);
	}
	tc_jw_end(w);
}

json_t *
mon_app_summary(struct mon *m, const struct tc_app *a, time_t now)
{
	struct tc_buf b;
	struct tc_jw w;
	json_t *o = NULL;

	tc_buf_init(&b, 0);
	tc_jw_init(&w, &b);
	summary_write(&w, m, a, now, 0);
	if (tc_jw_error(&w) == 0)
		o = json_loadb((const char *)b.data, b.len, 0, NULL);
	tc_buf_release(&b);
	return o;
}

/* The default page of the work queue (docs/api.md, GET /v1/queue). */
#define QUEUE_PAGE 50

/* A page of summaries being written: {"items": [...], ...}. */
struct queue_page {
	struct mon *m;
	time_t now;
	uint32_t columns; /* the request's (0: objects) */
	struct tc_buf b;
	struct tc_jw w;
	char first[TC_APP_CURSOR_MAX], last[TC_APP_CURSOR_MAX];
};

/*
 * Starts the page: with columns, "columns" names the fields each item
 * array holds, in order.
 */
static void
page_open(struct queue_page *pg, struct mon *m, time_t now, uint32_t columns)
{
	size_t f;

	memset(pg, 0, sizeof(*pg));
	pg->m = m;
	pg->now = now;
	pg->columns = columns;
	tc_buf_init(&pg->b, TC_ORPC_ANS_JSON_MAX);
	/* A page of 50 is about 19 KB: one allocation, not nine. */
	(void)tc_buf_reserve(&pg->b, 32 * 1024);
	tc_jw_init(&pg->w, &pg->b);
	tc_jw_obj(&pg->w);
	if (columns != 0) {
		tc_jw_key(&pg->w, "columns");
		tc_jw_arr(&pg->w);
		for (f = 0; f < TC_ORPC_F_COUNT; f++)
			if (columns & (1u << f))
				tc_jw_str(&pg->w,
				    tc_orpc_field_name((enum tc_orpc_field)f));
		tc_jw_end(&pg->w);
	}
	tc_jw_key(&pg->w, "items");
	tc_jw_arr(&pg->w);
}

static int
queue_one(const struct tc_app *a, void *arg)
{
	struct queue_page *pg = arg;

	if (pg->first[0] == '\0')
		tc_app_cursor_text(a, pg->first);
	tc_app_cursor_text(a, pg->last);
	summary_write(&pg->w, pg->m, a, pg->now, pg->columns);
	return tc_jw_error(&pg->w) == TC_ERR_NOMEM ? TC_ERR_NOMEM : 0;
}

/* When the library's walk failed (r): the page dropped, a's error. */
static int
page_failed(struct queue_page *pg, struct mon_answer *a, int r, const char *err)
{
	if (r == 0)
		return 0;
	tc_buf_release(&pg->b);
	if (r == TC_ERR_NOMEM)
		mon_fail(a, 500, "internal", "out of memory");
	else
		lib_fail(a, r, err);
	return 1;
}

/*
 * Ends the page (the caller has written its members after "items") as
 * a's body, or answers 500 when it could not be written.
 */
static void
page_close(struct queue_page *pg, struct mon_answer *a)
{
	tc_jw_end(&pg->w);
	if (tc_jw_error(&pg->w) != 0) {
		mon_fail(a, 500, "internal", "%s",
		    tc_jw_error(&pg->w) == TC_ERR_NOMEM
			? "out of memory"
			: "a stored field is not valid UTF-8");
		tc_buf_release(&pg->b);
		return;
	}
	a->tail = tc_buf_detach(&pg->b, &a->tlen);
	a->json_tail = 1;
}

/*
 * One page of the queue after q->after (or before q->before): "next" and
 * "prev" are the cursors of the pages beyond it, null at either end.
 */
static void
op_queue(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	struct queue_page pg;
	int back = q->before[0] != '\0', more = 0, r;
	const char *cur = back ? q->before : q->after, *next, *prev;
	struct tc_app_cursor from;
	struct tc_app_ctx c;
	char err[512] = "";

	(void)s;
	if (cur[0] != '\0' && tc_app_cursor_parse(cur, &from) != 0) {
		mon_fail(a, 400, "bad-request",
		    "after and before take a cursor of a queue page (next or prev)");
		return;
	}
	/* Only what the library lets this operator see. */
	mon_ctx(m, op, now, &c);
	page_open(&pg, m, now, q->columns);
	r = tc_app_queue(&c, cur[0] != '\0' ? &from : NULL, back,
	    q->limit > 0 ? (size_t)q->limit : QUEUE_PAGE, queue_one, &pg, &more,
	    err, sizeof(err));
	if (page_failed(&pg, a, r, err))
		return;
	/* An empty page past a cursor points back at that cursor. */
	next = back ? (pg.last[0] != '\0' ? pg.last : cur)
		    : (more ? pg.last : NULL);
	prev = back ? (more ? pg.first : NULL)
		    : (cur[0] == '\0'		    ? NULL
			      : pg.first[0] != '\0' ? pg.first
						    : cur);
	tc_jw_end(&pg.w);
	tc_jw_kstr(&pg.w, "next", next);
	tc_jw_kstr(&pg.w, "prev", prev);
	page_close(&pg, a);
}

/*
 * The applications whose applicant's name begins with q->name that the
 * operator may see: {"items": [summaries as the queue's], "more": b}.
 */
static void
op_search(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	struct queue_page pg;
	struct tc_app_ctx c;
	char err[512] = "";
	int more = 0, r;

	(void)s;
	mon_ctx(m, op, now, &c);
	page_open(&pg, m, now, q->columns);
	r = tc_app_find_name(&c, q->name,
	    q->limit > 0 ? (size_t)q->limit : TC_APP_FIND_MAX, queue_one, &pg,
	    &more, err, sizeof(err));
	if (page_failed(&pg, a, r, err))
		return;
	tc_jw_end(&pg.w);
	tc_jw_kbool(&pg.w, "more", more);
	page_close(&pg, a);
}

struct list_out {
	json_t *arr;
	int failed;
	int64_t want; /* attachment: the id looked for */
	int found;
	char name[256];
	const char *ctype;
	int applicant; /* as the applicant sees it: no operator's name */
};

static int
att_one(const struct tc_app_attachment *at, void *arg)
{
	struct list_out *lo = arg;
	char hex[65], when[32];
	json_t *o;

	if (lo->want != 0) {
		if (at->id == lo->want) {
			lo->found = 1;
			lo->ctype = tc_media_type(at->media);
			snprintf(lo->name, sizeof(lo->name), "%s", at->name);
		}
		return 0;
	}
	tc_hex_encode(at->sha256, 32, hex);
	time_text(at->added_at, when);
	o = json_pack("{s:I, s:s, s:s?, s:s, s:I, s:s, s:s, s:s, s:s}", "id",
	    (json_int_t)at->id, "kind", tc_att_kind_name(at->kind), "material",
	    at->material[0] ? at->material : NULL, "media_type",
	    tc_media_type(at->media), "size", (json_int_t)at->size, "sha256",
	    hex, "name", at->name, "added", when, "added_by",
	    lo->applicant ? "" : at->added_by);
	if (o != NULL && at->width) {
		json_object_set_new(o, "width", json_integer(at->width));
		json_object_set_new(o, "height", json_integer(at->height));
	}
	if (o != NULL && at->pages)
		json_object_set_new(o, "pages", json_integer(at->pages));
	return mon_append(lo->arr, o, &lo->failed);
}

static int
step_one(const struct tc_app_step_rec *st, void *arg)
{
	struct list_out *lo = arg;
	char t1[32], t2[32], t3[32];
	json_t *o;

	time_text(st->started_at, t1);
	time_text(st->clock_at, t2);
	time_text(st->done_at, t3);
	o = json_pack("{s:i, s:s, s:s, s:s, s:s?, s:s?}", "step", st->step,
	    "id", st->step_id, "started", t1, "clock", t2, "deadline",
	    st->deadline[0] ? st->deadline : NULL, "done",
	    st->done_at ? t3 : NULL);
	return mon_append(lo->arr, o, &lo->failed);
}

static int
action_one(const struct tc_app_action *ac, void *arg)
{
	struct list_out *lo = arg;
	char when[32];
	json_t *o;

	time_text(ac->at, when);
	o = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:o?}", "at", when, "action",
	    ac->action, "step", ac->step_id[0] ? ac->step_id : NULL, "operator",
	    lo->applicant ? "" : ac->operator_name, "reason",
	    ac->reason[0] ? ac->reason : NULL, "detail",
	    json_loads(ac->detail, 0, NULL));
	return mon_append(lo->arr, o, &lo->failed);
}

/*
 * Reads application q->app into *app when the operator may see it;
 * answers 404 (missing or not visible, the same answer) and returns -1.
 */
static int
get_visible(struct mon *m, const struct tc_operator *op, int64_t id,
    struct tc_app *app, struct mon_answer *a)
{
	struct tc_app_ctx c;

	mon_ctx(m, op, time(NULL), &c);
	return mon_get_visible(m, &c, id, app, a);
}

int
mon_get_visible(struct mon *m, const struct tc_app_ctx *c, int64_t id,
    struct tc_app *app, struct mon_answer *a)
{
	char err[512] = "";
	int r;

	a->app = id;
	memset(app, 0, sizeof(*app));
	r = tc_app_get(m->reg, id, app, err, sizeof(err));
	if (r == TC_ERR_NOT_FOUND || (r == 0 && !tc_app_visible(c, app))) {
		tc_app_release(app);
		mon_fail(
		    a, 404, "not-found", "no application %lld", (long long)id);
		return -1;
	}
	if (r != 0) {
		lib_fail(a, r, err);
		return -1;
	}
	return 0;
}

/*
 * The labels of a's programme form, for pages that show the form: its
 * sections and their fields ({"id", "zh", "en", "type"}) and its
 * materials ({"id", "zh", "en"}); NULL when the programme is not loaded.
 */
static json_t *
form_labels(struct mon *m, const struct tc_app *a)
{
	static const char *const types[] = { "", "text", "long-text", "date",
		"choice", "photo", "id-number", "phone", "email", "address" };
	const struct tc_programme *p;
	const struct tc_application *f;
	json_t *secs, *mats, *fields, *o;
	size_t i, j;

	if ((p = tc_programme_set_find(m->progs, a->programme)) == NULL)
		return NULL;
	f = &p->application;
	secs = json_array();
	mats = json_array();
	for (i = 0; secs != NULL && i < f->n_sections; i++) {
		const struct tc_section *s = &f->sections[i];

		fields = json_array();
		for (j = 0; fields != NULL && j < s->n_fields; j++) {
			const struct tc_field *fd = &s->fields[j];
			unsigned t = (unsigned)fd->type;
			char name[2 * TC_PROGRAMME_ID_MAX + 2];

			/* Which fields the unit's supplement may change is
			 * the library's rule. */
			snprintf(name, sizeof(name), "%s.%s", s->id, fd->id);
			json_array_append_new(fields,
			    json_pack("{s:s, s:s?, s:s?, s:s, s:b}", "id",
				fd->id, "zh", fd->names.zh, "en", fd->names.en,
				"type",
				t < sizeof(types) / sizeof(types[0]) ? types[t]
								     : "",
				"supplement",
				tc_app_supplement_field(p, name)));
		}
		json_array_append_new(secs,
		    json_pack("{s:s, s:s?, s:s?, s:b, s:o}", "id", s->id, "zh",
			s->names.zh, "en", s->names.en, "repeating",
			s->repeating, "fields",
			fields != NULL ? fields : json_array()));
	}
	for (i = 0; mats != NULL && i < f->n_materials; i++)
		json_array_append_new(mats,
		    json_pack("{s:s, s:s?, s:s?}", "id", f->materials[i].id,
			"zh", f->materials[i].names.zh, "en",
			f->materials[i].names.en));
	o = json_pack("{s:o, s:o}", "sections",
	    secs != NULL ? secs : json_array(), "materials",
	    mats != NULL ? mats : json_array());
	return o;
}

static void
op_app(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	int64_t id = q->app;
	struct tc_app app;

	if (get_visible(m, op, id, &app, a) != 0)
		goto out;
	mon_app_detail(m, &app, 0, a, now);
out:
	tc_app_release(&app);
}

void
mon_app_detail(struct mon *m, const struct tc_app *app, int applicant,
    struct mon_answer *a, time_t now)
{
	int64_t id = app->id;
	struct list_out atts = { json_array(), 0, 0, 0, "", NULL, 0 },
			steps = { json_array(), 0, 0, 0, "", NULL, 0 },
			acts = { json_array(), 0, 0, 0, "", NULL, 0 };
	char err[512] = "";
	json_t *o = NULL;
	int r = 0;

	atts.applicant = acts.applicant = applicant;
	if (atts.arr == NULL || steps.arr == NULL || acts.arr == NULL ||
	    (o = mon_app_summary(m, app, now)) == NULL) {
		mon_fail(a, 500, "internal", "out of memory");
		goto out;
	}
	json_object_set_new(o, "form", json_loads(app->form, 0, NULL));
	json_object_set_new(o, "labels", form_labels(m, app));
	json_object_set_new(
	    o, "exceptions", json_loads(app->exceptions, 0, NULL));
	if (!applicant)
		json_object_set_new(
		    o, "overrides", json_loads(app->overrides, 0, NULL));
	if (app->months)
		json_object_set_new(o, "months", json_integer(app->months));
	if (app->employer_code[0])
		json_object_set_new(
		    o, "employer_code", json_string(app->employer_code));
	json_object_set_new(
	    o, "id_type", json_string(tc_id_type_name(app->id_type)));
	if ((r = tc_app_attachment_list(
		 m->reg, id, att_one, &atts, err, sizeof(err))) != 0 ||
	    (r = tc_app_step_list(
		 m->reg, id, step_one, &steps, err, sizeof(err))) != 0 ||
	    (r = tc_app_action_list(
		 m->reg, id, action_one, &acts, err, sizeof(err))) != 0) {
		lib_fail(a, r, err);
		goto out;
	}
	if (atts.failed || steps.failed || acts.failed) {
		mon_fail(a, 500, "internal", "out of memory");
		goto out;
	}
	json_object_set(o, "attachments", atts.arr);
	json_object_set(o, "steps", steps.arr);
	json_object_set(o, "actions", acts.arr);
	a->body = o;
	o = NULL;
out:
	json_decref(o);
	json_decref(atts.arr);
	json_decref(steps.arr);
	json_decref(acts.arr);
}

static void
op_attachment(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_app app;

	if (get_visible(m, op, q->app, &app, a) != 0)
		return;
	tc_app_release(&app);
	mon_attachment_send(m, op->name, q->app, q->att, a, now);
}

void
mon_attachment_send(struct mon *m, const char *actor, int64_t app, int64_t att,
    struct mon_answer *a, time_t now)
{
	struct list_out lo = { NULL, 0, att, 0, "", NULL, 0 };
	struct tc_buf data;
	char err[512] = "", detail[96], subject[48];
	int r;

	tc_buf_init(&data, TC_ATTACH_MAX + 1);
	if ((r = tc_app_attachment_list(
		 m->reg, app, att_one, &lo, err, sizeof(err))) != 0) {
		lib_fail(a, r, err);
		goto out;
	}
	if (!lo.found) {
		mon_fail(a, 404, "not-found",
		    "application %lld has no attachment %lld", (long long)app,
		    (long long)att);
		goto out;
	}
	if ((r = tc_app_attachment_read(
		 m->reg, att, &data, err, sizeof(err))) != 0) {
		lib_fail(a, r, err);
		goto out;
	}
	/* Every read of an applicant's file is in the audit log. */
	snprintf(subject, sizeof(subject), "application:%lld", (long long)app);
	snprintf(
	    detail, sizeof(detail), "{\"attachment\":%lld}", (long long)att);
	if ((r = tc_registry_audit(m->reg, now, actor,
		 "application.attachment-read", subject, detail, err,
		 sizeof(err))) != 0) {
		lib_fail(a, r, err);
		goto out;
	}
	a->ctype = lo.ctype;
	snprintf(a->filename, sizeof(a->filename), "%s", lo.name);
	a->tail = tc_buf_detach(&data, &a->tlen);
	a->body = json_object();
out:
	tc_buf_release(&data);
}

static void
op_review(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	const char *ov[TC_ORPC_OVERRIDES];
	struct tc_review rv;
	struct tc_app_ctx c;
	struct tc_app app;
	char err[1024] = "";
	size_t i;
	int r, next = 0;

	if (get_visible(m, op, q->app, &app, a) != 0)
		return;
	tc_app_release(&app);
	memset(&rv, 0, sizeof(rv));
	rv.decision = q->decision;
	rv.reason = q->reason[0] ? q->reason : NULL;
	rv.tier = q->tier[0] ? q->tier : NULL;
	rv.months = q->months;
	for (i = 0; i < q->n_overrides; i++)
		ov[i] = q->overrides[i];
	rv.overrides = ov;
	rv.n_overrides = q->n_overrides;
	mon_ctx(m, op, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = tc_app_review(&c, q->app, &rv, &next, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	memset(&app, 0, sizeof(app));
	if ((r = tc_app_get(m->reg, q->app, &app, err, sizeof(err))) != 0) {
		lib_fail(a, r, err);
		return;
	}
	a->body = mon_app_summary(m, &app, now);
	tc_app_release(&app);
}

/*
 * Keeps the page count of a PDF the worker's renderer counted: the
 * library checks that the operator may see the application.
 */
static void
op_pdf_pages(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	struct tc_app_ctx c;
	char err[512] = "";
	int r;

	mon_ctx(m, op, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = tc_app_attachment_set_pages(
	    &c, q->app, q->att, q->pages, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	a->body = json_pack("{s:I}", "pages", (json_int_t)q->pages);
}

static void
op_logout(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	mon_session_drop(s);
	a->body = json_pack("{s:b}", "signed_out", 1);
}

/* The signed-in operator: name, CSRF token, roles, organisation, TOTP. */
static json_t *
whoami_json(const struct mon_session *s, const struct tc_operator *op)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:b}", "operator", op->name,
	    "csrf", s->csrf, "roles", roles_json(op->roles), "organisation",
	    op->org_code, "totp", op->totp_enrolled);
}

static void
op_whoami(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	a->body = whoami_json(s, op);
}

#define PROD_ROLES                                                             \
	(TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) | TC_ROLE_BIT(TC_ROLE_CARD_ISSUER))

/*
 * The ops of a signed-in operator: csrf, the op changes state and must
 * carry the session's CSRF token; role, the roles one of which it needs
 * (0: any), answered "not found" to everyone else.
 */
static const struct mon_op_entry {
	enum tc_orpc_op op;
	int csrf;
	unsigned role;
	mon_op_fn *fn;
} ops[] = {
	{ TC_ORPC_LOGOUT, 1, 0, op_logout },
	{ TC_ORPC_WHOAMI, 0, 0, op_whoami },
	{ TC_ORPC_QUEUE, 0, 0, op_queue },
	{ TC_ORPC_APP, 0, 0, op_app },
	{ TC_ORPC_ATTACHMENT, 0, 0, op_attachment },
	{ TC_ORPC_REVIEW, 1, 0, op_review },
	{ TC_ORPC_CARD, 0, 0, mon_op_card },
	{ TC_ORPC_CARD_ACTION, 1, 0, mon_op_card_action },
	{ TC_ORPC_AUDIT, 0, TC_ROLE_BIT(TC_ROLE_AUDITOR), mon_op_audit },
	{ TC_ORPC_AUDIT_VERIFY, 0, TC_ROLE_BIT(TC_ROLE_AUDITOR),
	    mon_op_audit_verify },
	{ TC_ORPC_SUPPLEMENT, 1, 0, mon_op_supplement },
	{ TC_ORPC_REVEAL_ID, 1, 0, mon_op_reveal_id },
	{ TC_ORPC_ISSUE, 1, 0, mon_op_issue },
	{ TC_ORPC_TOTP_ENROL, 1, 0, mon_op_totp_enrol },
	{ TC_ORPC_TOTP_QR, 0, 0, mon_op_totp_qr },
	{ TC_ORPC_PASSPHRASE, 1, 0, mon_op_passphrase },
	{ TC_ORPC_CARD_CHANGE, 1, 0, mon_op_card_change },
	{ TC_ORPC_CARD_DOCUMENT, 0, 0, mon_op_card_document },
	/* Sent by the web worker itself for a page its renderer counted. */
	{ TC_ORPC_PDF_PAGES, 0, 0, op_pdf_pages },
	{ TC_ORPC_SEARCH, 0, 0, op_search },
	{ TC_ORPC_PRODUCTION, 0, PROD_ROLES, mon_op_production },
	{ TC_ORPC_PRODUCTION_ACT, 1, PROD_ROLES, mon_op_production_act },
	{ TC_ORPC_PERSO_MAKE, 1, TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER),
	    mon_op_perso_make },
	{ TC_ORPC_PERSO_STATUS, 0, PROD_ROLES, mon_op_perso_status },
};

void
mon_op(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a)
{
	const struct mon_op_entry *e;
	struct mon_session *s;
	struct tc_operator op;
	time_t now = time(NULL);

	a->status = 200;
	if (TC_ORPC_IS_PORTAL(q->op)) {
		mon_portal_op(m, q, a, now);
		return;
	}
	if (q->op == TC_ORPC_LOGIN) {
		op_login(m, q, a, now);
		return;
	}
	/* The worker's job thread: bound to a job, not to a session. */
	if (TC_ORPC_IS_PERSO_INTERNAL(q->op)) {
		mon_perso_op(m, q, a, now);
		return;
	}
	if ((s = mon_session_find(m, 0, q->session, now)) == NULL) {
		mon_fail(a, 401, "unauthorized",
		    "no session, or it expired: sign in with POST /v1/session");
		return;
	}
	if (session_operator(m, s, &op, a) != 0)
		return;
	for (e = ops; e < ops + sizeof(ops) / sizeof(ops[0]); e++)
		if (e->op == q->op)
			break;
	if (e == ops + sizeof(ops) / sizeof(ops[0])) {
		mon_fail(a, 400, "bad-request", "unknown op");
		return;
	}
	/* State-changing ops carry the session's CSRF token. */
	if (e->csrf && (!q->has_csrf || !mon_session_csrf_ok(s, q->csrf))) {
		mon_fail(a, 403, "csrf",
		    "this request needs the session's CSRF token in the X-CSRF-Token header");
		return;
	}
	/* What needs a role is not there for anyone else. */
	if (e->role != 0 && !(op.roles & e->role)) {
		mon_fail(a, 404, "not-found", "no such resource");
		return;
	}
	a->app = q->app;
	e->fn(m, s, &op, q, a, now);
	if (q->who)
		a->who = whoami_json(s, &op);
	if (a->status == 200 && a->body == NULL && !a->json_tail)
		mon_fail(a, 500, "internal", "out of memory");
}
