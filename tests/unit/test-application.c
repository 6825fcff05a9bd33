/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of applications and their review (src/registry/application.c,
 * src/registry/app-form.c, src/registry/blacklist.c, src/registry/serial.c) on a real registry with
 * the four shipped programme files and an injected clock:
 *
 *  - every main tier and every route of every programme is walked through
 *    all its steps by operators of the right roles, with a return and a
 *    resubmission at every step that may return, a wrong role and a
 *    four-eyes violation refused at every step, the notice step refused
 *    the day before its end and accepted on its last day, deadlines
 *    checked at every step, and the card issued at the end; sub-card
 *    tiers are walked on an issued principal card;
 *  - deadlines and overdue at the edge, with and without a holidays file;
 *  - every guard: blacklist, employer bar (code, name, expiry), retirement
 *    age (edges, exception and override), excluded employer, live card,
 *    open application;
 *  - upgrade and conversion, sub-card rules, attachments (formats, photo
 *    size, sealing round trip), the serial that never comes back, forms
 *    refused, and that no ID number reaches the database file.
 *
 * The people are made up; their resident ID numbers (with a correct
 * check character), application files and attachments come from
 * demo/sample.h, which tcard-issuer demo uses too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "unit.h"
#include "fixtures-attach.h"
#include "fixtures-registry.h"
#include "tcard/application.h"
#include "tcard/production.h"
#include "tcard/blacklist.h"
#include "tcard/cardno.h"
#include "tcard/ecard.h"
#include "tcard/err.h"
#include "tcard/notify.h"
#include "tcard/operator.h"
#include "tcard/organisation.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/retire.h"
#include "sample.h"
#include "tcard/serial.h"
#include "tcard/workday.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

/* Monday 2 March 2026, 09:00 in Shanghai. */
#define T0 ((time_t)1772413200)

struct fx {
	char dir[64];
	char path[96];
	struct tc_registry *reg;
	struct tc_programme_set *set;
	struct tc_app_ctx c;
	int seq; /* for made-up ID numbers */
};

static struct tc_registry_keys keys;

/* The next made-up resident ID number (correct check character). */
static void
next_id(struct fx *fx, char out[19], const char *birth, int male)
{
	fx->seq += 2;
	tc_sample_resident_id(out, "440106", birth, 100 + fx->seq, male);
}

static void
add_org(struct tc_registry *reg, enum tc_org_kind kind, const char *code)
{
	char err[256];

	assert_int_equal(tc_registry_begin(reg, err, sizeof(err)), 0);
	if (tc_registry_org_add(
		reg, kind, code, code, T0, NULL, err, sizeof(err)) != 0)
		fail_msg("adding %s: %s", code, err);
	assert_int_equal(tc_registry_audit(reg, T0, "system",
			     "organisation.add", code, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_commit(reg, err, sizeof(err)), 0);
}

static void
add_operator_in(
    struct tc_registry *reg, const char *name, unsigned roles, const char *org)
{
	char err[256];

	assert_int_equal(tc_registry_begin(reg, err, sizeof(err)), 0);
	if (tc_registry_operator_add(
		reg, name, roles, org, NULL, T0, NULL, err, sizeof(err)) != 0)
		fail_msg("adding %s: %s", name, err);
	assert_int_equal(tc_registry_audit(reg, T0, "system", "operator.add",
			     name, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_commit(reg, err, sizeof(err)), 0);
}

/* The fixture's organisation of an operator of one role. */
static const char *
org_of(int role)
{
	switch (role) {
	case TC_ROLE_INDUSTRY_REVIEWER:
		return "ind";
	case TC_ROLE_HR_REVIEWER:
		return "dist";
	case TC_ROLE_CARD_PRODUCER:
		return "bank";
	default:
		return TC_ORG_OFFICE_CODE;
	}
}

static void
add_operator(struct tc_registry *reg, const char *name, unsigned roles)
{
	int role;

	for (role = TC_ROLE_FIRST; !(roles & TC_ROLE_BIT(role)); role++)
		;
	add_operator_in(reg, name, roles, org_of(role));
}

/* The authority-wide operators: intake, and one that takes many steps. */
#define CITY_ROLES                                                             \
	(TC_ROLE_BIT(TC_ROLE_HR_REVIEWER) | TC_ROLE_BIT(TC_ROLE_APPROVER) |    \
	    TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP) |                            \
	    TC_ROLE_BIT(TC_ROLE_CARD_ISSUER))

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *top = getenv("TC_TOP");
	char dir[512], err[1024];
	int i, k, role;

	for (i = 0; i < TC_PII_KEY_LEN; i++) {
		keys.pepper[i] = (uint8_t)i;
		keys.data_key[i] = (uint8_t)(0x40 + i);
	}
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/tc-app-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/registry.db", fx->dir);
	if (tc_registry_open(&fx->reg, fx->path, &keys, TC_REGISTRY_CREATE, err,
		sizeof(err)) != 0)
		fail_msg("open: %s", err);
	if (top != NULL)
		snprintf(dir, sizeof(dir), "%s/programmes", top);
	else
		snprintf(dir, sizeof(dir), "%s", TC_PROGRAMMES_DIR);
	if (tc_programme_set_load_dir(&fx->set, dir, err, sizeof(err)) != 0)
		fail_msg("programmes: %s", err);
	assert_int_equal(tc_programme_set_count(fx->set), 4);
	add_org(fx->reg, TC_ORG_INDUSTRY, "ind");
	add_org(fx->reg, TC_ORG_DISTRICT, "dist");
	add_org(fx->reg, TC_ORG_CITY, "city");
	add_org(fx->reg, TC_ORG_BANK_BRANCH, "bank");
	/*
	 * Four operators of each role: r<role>-<k>, in an organisation of
	 * their role; unit reviewers are made per unit (unit_op).
	 */
	for (role = TC_ROLE_FIRST; role <= TC_ROLE_CARD_ISSUER; role++)
		for (k = 1; k <= 4 && role != TC_ROLE_UNIT_REVIEWER; k++) {
			char name[32];

			snprintf(name, sizeof(name), "r%d-%d", role, k);
			add_operator(fx->reg, name, TC_ROLE_BIT(role));
		}
	add_operator_in(
	    fx->reg, "clerk", TC_ROLE_BIT(TC_ROLE_HR_REVIEWER), "city");
	add_operator_in(
	    fx->reg, "clerk2", TC_ROLE_BIT(TC_ROLE_HR_REVIEWER), "city");
	add_operator_in(fx->reg, "both", CITY_ROLES, "city");
	add_operator(fx->reg, "aud", TC_ROLE_BIT(TC_ROLE_AUDITOR));
	fx->c.reg = fx->reg;
	fx->c.programmes = fx->set;
	fx->c.operator_name = "clerk";
	fx->c.now = T0;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[160];

	tc_registry_close(fx->reg);
	tc_programme_set_free(fx->set);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static const struct tc_programme *
prog(struct fx *fx, const char *id)
{
	const struct tc_programme *p = tc_programme_set_find(fx->set, id);

	assert_non_null(p);
	return p;
}

static const char *
first_clause(const struct tc_tier *t)
{
	return t->n_clauses > 0 ? t->clauses[0].id : NULL;
}

/*
 * A complete application file for who under (tier, route, clause) of p,
 * built from the programme's own form description (tc_sample_form_json).
 * The caller frees it.
 */
static char *
form_json(const struct tc_programme *p, const char *tier, const char *route,
    const char *clause, const struct tc_sample_person *who)
{
	struct tc_buf b;
	char err[256];

	tc_buf_init(&b, TC_APP_FORM_MAX);
	if (tc_sample_form_json(
		p, tier, route, clause, who, &b, err, sizeof(err)) != 0)
		fail_msg("form: %s", err);
	return (char *)tc_buf_detach(&b, NULL);
}

static void
parse_form(struct fx *fx, const char *text, struct tc_app_form *f)
{
	char err[1024];

	if (tc_app_form_parse(fx->set, text, strlen(text), fx->c.now, f, err,
		sizeof(err)) != 0)
		fail_msg("form: %s\n%s", err, text);
}

static void
begin(struct fx *fx)
{
	char err[256];

	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
}

static void
commit(struct fx *fx)
{
	char err[256];

	if (tc_registry_commit(fx->reg, err, sizeof(err)) != 0)
		fail_msg("commit: %s", err);
}

/* Runs a step of the walk as op: expect code; commit on success. */
#define AS(fx, op) ((fx)->c.operator_name = (op))

static int
attach(struct fx *fx, int64_t id, enum tc_att_kind kind, const char *material,
    const char *name, const struct tc_buf *b, char *err, size_t errlen)
{
	int r;

	begin(fx);
	r = tc_app_attach(&fx->c, id, kind, material, name, b->data, b->len,
	    NULL, err, errlen);
	if (r == 0)
		commit(fx);
	else
		tc_registry_rollback(fx->reg);
	return r;
}

struct attach_arg {
	struct fx *fx;
	int64_t id;
};

static int
attach_cb(const struct tc_sample_file *f, void *arg)
{
	struct attach_arg *a = arg;
	char err[512];
	int r;

	begin(a->fx);
	r = tc_app_attach(&a->fx->c, a->id, f->kind, f->material, f->name,
	    f->data, f->len, NULL, err, sizeof(err));
	if (r != 0)
		fail_msg("%s %s: %s", f->material ? "material" : "photo",
		    f->material ? f->material : f->name, err);
	commit(a->fx);
	return 0;
}

/*
 * Attaches a photo (when the form has one) and every required material
 * (tc_sample_materials), each in a transaction of its own.
 */
static void
attach_all(struct fx *fx, int64_t id, const struct tc_programme *p,
    const char *tier, const char *work_type, int sub)
{
	struct attach_arg a = { fx, id };

	assert_int_equal(tc_sample_materials(p, tier, work_type, TC_ID_RESIDENT,
			     sub, attach_cb, &a),
	    0);
}

/*
 * Creates a draft application as the clerk, a sub-card's on card principal
 * when that is nonzero; *f gets its parsed form (the caller releases it).
 * Returns its id.
 */
static int64_t
create_draft(struct fx *fx, const struct tc_programme *p, const char *tier,
    const char *route, const char *clause, const struct tc_sample_person *who,
    int64_t principal, struct tc_app_form *f)
{
	char *text, err[1024];
	int64_t id = 0;
	int r;

	text = form_json(p, tier, route, clause, who);
	parse_form(fx, text, f);
	free(text);
	AS(fx, "clerk");
	begin(fx);
	r = principal != 0
	    ? tc_app_create_sub(&fx->c, principal, f, &id, err, sizeof(err))
	    : tc_app_create(&fx->c, f, &id, err, sizeof(err));
	if (r != 0)
		fail_msg("create %s: %s", tier != NULL ? tier : "", err);
	commit(fx);
	return id;
}

/* Creates, attaches and submits an application; returns its id. */
static int64_t
apply_new(struct fx *fx, const struct tc_programme *p, const char *tier,
    const char *route, const char *clause, const struct tc_sample_person *who)
{
	struct tc_app_form f;
	int64_t id = create_draft(fx, p, tier, route, clause, who, 0, &f);

	attach_all(fx, id, p, f.tier[0] ? f.tier : NULL,
	    f.work_type[0] ? f.work_type : NULL, 0);
	tc_app_form_release(&f);
	return id;
}

/* A draft sub-card application of tier for relative rel on principal. */
static int64_t
create_sub(struct fx *fx, const struct tc_programme *p, const char *tier,
    int64_t principal, const struct tc_sample_person *rel)
{
	struct tc_app_form f;
	int64_t id = create_draft(fx, p, tier, NULL, NULL, rel, principal, &f);

	tc_app_form_release(&f);
	return id;
}

static int
submit(struct fx *fx, int64_t id, char *err, size_t errlen)
{
	int r;

	begin(fx);
	r = tc_app_submit(&fx->c, id, 1, err, errlen);
	if (r == 0)
		commit(fx);
	else
		tc_registry_rollback(fx->reg);
	return r;
}

static int
review(struct fx *fx, int64_t id, enum tc_review_decision d, const char *reason,
    const char *tier, int months, const char *override, char *err,
    size_t errlen)
{
	struct tc_review rv;
	const char *ov[1] = { override };
	int r;

	memset(&rv, 0, sizeof(rv));
	rv.decision = d;
	rv.reason = reason;
	rv.tier = tier;
	rv.months = months;
	rv.overrides = override != NULL ? ov : NULL;
	rv.n_overrides = override != NULL ? 1 : 0;
	begin(fx);
	r = tc_app_review(&fx->c, id, &rv, NULL, err, errlen);
	if (r == 0)
		commit(fx);
	else
		tc_registry_rollback(fx->reg);
	return r;
}

static void
get(struct fx *fx, int64_t id, struct tc_app *a)
{
	char err[256];

	if (tc_app_get(fx->reg, id, a, err, sizeof(err)) != 0)
		fail_msg("get: %s", err);
}

/* A count from the registry file, through a connection of its own. */
static int64_t
count(struct fx *fx, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(
	    sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
expect_err(int got, int want, const char *err, const char *part)
{
	if (got != want)
		fail_msg("expected %s, got %s: %s", tc_errname(want),
		    tc_errname(got), err);
	if (part != NULL && strstr(err, part) == NULL)
		fail_msg("'%s' lacks '%s'", err, part);
}

static int
issue(struct fx *fx, int64_t id, struct tc_card *card, char *err, size_t errlen)
{
	return tc_app_issue(&fx->c, id, card, err, errlen);
}

static void
expect_deadline(const struct tc_app *a, const struct tc_step *steps, size_t n,
    const time_t *clock_start)
{
	const struct tc_step *s = &steps[a->step];
	char want[TC_DATE_TEXT];
	size_t j, from = (size_t)a->step;

	if (s->deadline_days == 0) {
		assert_string_equal(a->deadline, "");
		return;
	}
	if (s->clock_from != NULL)
		for (j = 0; j < n; j++)
			if (strcmp(steps[j].id, s->clock_from) == 0)
				from = j;
	tc_date_format(tc_workday_add(NULL, tc_day_of_time(clock_start[from]),
			   s->deadline_days),
	    want);
	if (strcmp(a->deadline, want) != 0)
		fail_msg("application %lld step %s: deadline %s, expected %s",
		    (long long)a->id, s->id, a->deadline, want);
}

/*
 * The k-th operator of role for application a: r<role>-<k>, or for a
 * unit step u-<unit code>-<k> of a's unit (the unit is made at
 * submission; its reviewer is added here on first use).
 */
static void
role_op(struct fx *fx, const struct tc_app *a, enum tc_role role, int k,
    char *op, size_t len)
{
	struct tc_operator o;
	size_t i;

	if (role != TC_ROLE_UNIT_REVIEWER) {
		snprintf(op, len, "r%d-%d", (int)role, k);
		return;
	}
	snprintf(op, len, "u-%s-%d", a->employer_code, k);
	for (i = 0; op[i] != '\0'; i++)
		if (op[i] >= 'A' && op[i] <= 'Z')
			op[i] = (char)(op[i] - 'A' + 'a');
	if (tc_registry_operator_get(fx->reg, op, &o, NULL, 0) != 0)
		add_operator_in(
		    fx->reg, op, TC_ROLE_BIT(role), a->employer_code);
}

/*
 * Walks submitted-or-draft application id through every step to the
 * card. decide: the tier a deciding step chooses; months: the validity
 * chosen where the tier's term is set at approval (0: default).
 */
static void
walk(struct fx *fx, int64_t id, const char *decide, int months,
    struct tc_card *card)
{
	const struct tc_programme *p;
	const struct tc_step *steps, *s;
	struct tc_app a;
	time_t clock_start[32];
	int uses[TC_ROLE_LAST + 1];
	static char op[32]; /* outlives the call: fx->c keeps it */
	char err[1024];
	int64_t end;
	size_t n, i;
	int r, both = 0;

	memset(uses, 0, sizeof(uses));
	memset(clock_start, 0, sizeof(clock_start));
	get(fx, id, &a);
	p = prog(fx, a.programme);
	assert_int_equal(tc_app_steps(p, &a, &steps, &n, err, sizeof(err)), 0);
	assert_true(n < 32);
	if (a.state == TC_APP_DRAFT) {
		AS(fx, "clerk");
		if (submit(fx, id, err, sizeof(err)) != 0)
			fail_msg("submit %lld (%s %s): %s", (long long)id,
			    a.programme, a.tier, err);
	}
	clock_start[0] = fx->c.now;
	tc_app_release(&a);
	for (i = 0; i < n; i++) {
		s = &steps[i];
		fx->c.now += 3600;
		get(fx, id, &a);
		assert_int_equal(a.step, (int)i);
		assert_string_equal(a.step_id, s->id);
		expect_deadline(&a, steps, n, clock_start);
		if (s->kind == TC_STEP_PRODUCE || s->kind == TC_STEP_ISSUE)
			assert_int_equal(a.state, TC_APP_APPROVED);
		else
			assert_int_equal(a.state, TC_APP_SUBMITTED);
		/* The wrong role is refused. */
		AS(fx, "aud");
		if (s->kind == TC_STEP_ISSUE)
			r = issue(fx, id, NULL, err, sizeof(err));
		else
			r = review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0,
			    NULL, err, sizeof(err));
		expect_err(r, TC_ERR_FORBIDDEN, err, tc_role_name(s->role));
		/* The applicant's side may not act on a step. */
		if (i == 0) {
			AS(fx, "clerk");
			r = review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0,
			    NULL, err, sizeof(err));
			assert_true(r == TC_ERR_FOUR_EYES ||
			    r == TC_ERR_FORBIDDEN || r == TC_ERR_NOT_FOUND);
			/* "both" (city) takes step 0 when it may. */
			both = (CITY_ROLES & TC_ROLE_BIT(s->role)) != 0;
			if (both)
				snprintf(op, sizeof(op), "both");
			else
				role_op(fx, &a, s->role, ++uses[s->role], op,
				    sizeof(op));
		} else {
			/* "both" acted at step 0: four eyes. */
			if (both && (CITY_ROLES & TC_ROLE_BIT(s->role))) {
				AS(fx, "both");
				if (s->kind == TC_STEP_ISSUE)
					r = issue(
					    fx, id, NULL, err, sizeof(err));
				else
					r = review(fx, id, TC_REVIEW_APPROVE,
					    NULL, NULL, 0, NULL, err,
					    sizeof(err));
				expect_err(
				    r, TC_ERR_FOUR_EYES, err, "four eyes");
			}
			role_op(
			    fx, &a, s->role, ++uses[s->role], op, sizeof(op));
		}
		AS(fx, op);
		if (s->kind == TC_STEP_ISSUE) {
			tc_app_release(&a);
			if (issue(fx, id, card, err, sizeof(err)) != 0)
				fail_msg("issue %lld: %s", (long long)id, err);
			get(fx, id, &a);
			assert_int_equal(a.state, TC_APP_ISSUED);
			assert_int_equal(a.issued_serial, card->serial);
			tc_app_release(&a);
			return;
		}
		if (s->may_return) {
			r = review(fx, id, TC_REVIEW_RETURN, NULL, NULL, 0,
			    NULL, err, sizeof(err));
			expect_err(r, TC_ERR_INVALID_ARG, err, "reason");
			if (review(fx, id, TC_REVIEW_RETURN,
				"请补充近三个月社保缴纳证明", NULL, 0, NULL,
				err, sizeof(err)) != 0)
				fail_msg("return: %s", err);
			r = review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0,
			    NULL, err, sizeof(err));
			expect_err(r, TC_ERR_STATE, err, "resubmitted");
			fx->c.now += 86400;
			AS(fx, "clerk2");
			if (submit(fx, id, err, sizeof(err)) != 0)
				fail_msg("resubmit: %s", err);
			if (s->return_restarts_clock)
				clock_start[i] = fx->c.now;
			tc_app_release(&a);
			get(fx, id, &a);
			assert_int_equal(a.state, TC_APP_SUBMITTED);
			assert_int_equal(a.step, (int)i);
			expect_deadline(&a, steps, n, clock_start);
			AS(fx, op); /* the same operator, the same step */
		} else if (s->kind != TC_STEP_PRODUCE) {
			r = review(fx, id, TC_REVIEW_RETURN, "x", NULL, 0, NULL,
			    err, sizeof(err));
			expect_err(r, TC_ERR_STATE, err, "may not return");
		}
		if (s->kind == TC_STEP_NOTICE) {
			end = tc_workday_add(NULL,
			    tc_day_of_time(a.step_started_at), s->notice_days);
			fx->c.now = tc_time_of_day(end) - 1;
			r = review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0,
			    NULL, err, sizeof(err));
			{
				char d[TC_DATE_TEXT];

				tc_date_format(end, d);
				expect_err(r, TC_ERR_STATE, err, d);
			}
			fx->c.now = tc_time_of_day(end) + 3600;
		}
		r = review(fx, id, TC_REVIEW_APPROVE, NULL,
		    s->kind == TC_STEP_APPROVE && a.tier[0] == '\0' ? decide
								    : NULL,
		    s->kind == TC_STEP_APPROVE ? months : 0, NULL, err,
		    sizeof(err));
		if (r != 0)
			fail_msg("approve %lld at %s as %s: %s", (long long)id,
			    s->id, op, err);
		clock_start[i + 1] = fx->c.now;
		tc_app_release(&a);
	}
	fail_msg("application %lld: no issue step", (long long)id);
}

/*
 * Card card as issued at at, its validity of months counted from the day
 * of its allocation at the last approval (its queue row's queued_at).
 */
static void
check_card(struct fx *fx, const struct tc_card *card,
    const struct tc_programme *p, const char *tier, int months, time_t at)
{
	char sql[96];
	time_t from;
	struct tc_card got;
	char err[256];

	assert_int_equal(
	    tc_registry_card_get(fx->reg, card->serial, &got, err, sizeof(err)),
	    0);
	assert_memory_equal(got.card_no, p->region, 6);
	assert_string_equal(got.card_no, card->card_no);
	assert_string_equal(got.programme, p->id);
	assert_string_equal(got.tier, tier);
	assert_int_equal(got.status, TC_CARD_ISSUED);
	assert_int_equal(got.issued_at, at);
	snprintf(sql, sizeof(sql),
	    "SELECT queued_at FROM production WHERE serial = %lld",
	    (long long)card->serial);
	from = (time_t)count(fx, sql);
	assert_true(from > 0 && from <= at);
	if (months > 0)
		assert_int_equal(got.expires_at,
		    tc_time_of_day(
			tc_day_add_months(tc_day_of_time(from), months)));
}

static void
person(struct fx *fx, struct tc_sample_person *who, const char *name,
    const char *birth, int male)
{
	memset(who, 0, sizeof(*who));
	who->id_type = TC_ID_RESIDENT;
	next_id(fx, who->id, birth, male);
	snprintf(who->name, sizeof(who->name), "%s", name);
	snprintf(who->birth, sizeof(who->birth), "%s", birth);
	who->male = male;
	who->employer = "广州云聚新材料科技有限公司";
	who->code = "91440101MA5CXQ8N2U";
}

/*
 * A Youyue application (tier a, its first clause) of a made-up person
 * employed by unit A: who is filled in as person() does.
 */
static int64_t
apply_unit_a(struct fx *fx, struct tc_sample_person *who, const char *name,
    const char *birth, int male)
{
	const struct tc_programme *p = prog(fx, "guangdong-youyue");

	person(fx, who, name, birth, male);
	who->employer = "广州天河示例软件技术有限公司";
	who->code = FX_UNIT_A;
	return apply_new(
	    fx, p, "a", NULL, first_clause(tc_programme_tier(p, "a")), who);
}

static void
test_walk_all(void **state)
{
	static const char *const names[] = { "王晓明", "Emily Carter", "李华",
		"陈静", "Oliver Bennett", "张伟" };
	struct fx *fx = *state;
	const struct tc_programme *p;
	const struct tc_tier *t;
	const struct tc_route *rt;
	struct tc_card card;
	struct tc_audit_report rep;
	struct tc_sample_person who;
	char err[512];
	size_t i, j, k, walked = 0;
	int64_t id;
	int months;

	for (i = 0; i < tc_programme_set_count(fx->set); i++) {
		p = tc_programme_set_at(fx->set, i);
		for (j = 0; j < p->n_tiers; j++) {
			t = &p->tiers[j];
			if (t->kind != TC_TIER_MAIN)
				continue;
			person(fx, &who, names[walked % 6], "19850512",
			    walked % 2);
			id = apply_new(fx, p, t->id, NULL,
			    first_clause(t) != NULL   ? first_clause(t)
				: t->clauses_complete ? NULL
						      : "other-1",
			    &who);
			months = t->validity.set_at_approval
			    ? t->validity.max_months / 2
			    : 0;
			walk(fx, id, NULL, months, &card);
			check_card(fx, &card, p, t->id,
			    months ? months : t->validity.default_months,
			    fx->c.now);
			walked++;
			/* Sub-card tiers that hang on this tier. */
			for (k = 0; k < p->n_tiers; k++) {
				const struct tc_tier *st = &p->tiers[k];
				struct tc_sample_person rel;

				if (st->kind != TC_TIER_SUB ||
				    !tc_idlist_has(&st->principal_tiers, t->id))
					continue;
				person(fx, &rel, "王小雨",
				    st->minor_only ? "20150301" : "19870203",
				    0);
				id = create_sub(
				    fx, p, st->id, card.serial, &rel);
				attach_all(fx, id, p, st->id, NULL, 1);
				{
					struct tc_card sub;

					walk(fx, id, NULL, 0, &sub);
					assert_int_equal(
					    sub.principal_serial, card.serial);
					assert_int_equal(
					    sub.expires_at, card.expires_at);
					assert_string_equal(sub.relation,
					    tc_relation_name(st->relation));
				}
				walked++;
			}
		}
		for (j = 0; j < p->n_routes; j++) {
			rt = &p->routes[j];
			person(fx, &who, names[walked % 6], "19800101",
			    walked % 2);
			if (rt->n_clauses > 0) {
				id = apply_new(fx, p, NULL, rt->id,
				    rt->clauses[0].id, &who);
				walk(fx, id, rt->tiers.v[rt->tiers.n - 1], 0,
				    &card);
				t = tc_programme_tier(
				    p, rt->tiers.v[rt->tiers.n - 1]);
			} else {
				t = tc_programme_tier(p, rt->tiers.v[0]);
				id = apply_new(fx, p, t->id, rt->id,
				    first_clause(t), &who);
				walk(fx, id, NULL, 0, &card);
			}
			check_card(fx, &card, p, t->id,
			    t->validity.default_months, fx->c.now);
			walked++;
		}
	}
	/* 9 main tiers + 4 sub tiers + 3 routes. */
	assert_int_equal(walked, 16);
	assert_int_equal(
	    count(fx, "SELECT count(*) FROM cards WHERE status = 'issued'"),
	    16);
	assert_int_equal(
	    count(
		fx, "SELECT count(*) FROM applications WHERE state = 'issued'"),
	    16);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM application_actions WHERE action = 'return'"),
	    count(fx,
		"SELECT count(*) FROM application_actions WHERE action = 'resubmit'"));
	assert_true(
	    count(fx,
		"SELECT count(*) FROM application_actions WHERE action = 'return'") ==
	    14);
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err)), 0);
}

/* The operator who acts on step i in the walks: role_op of the k-th. */
static void
op_for(struct fx *fx, const struct tc_app *a, const struct tc_step *steps,
    size_t i, char *op, size_t len)
{
	size_t j;
	int k = 1;

	for (j = 0; j < i; j++)
		if (steps[j].role == steps[i].role)
			k++;
	role_op(fx, a, steps[i].role, k, op, len);
}

/* Approves steps until the current one is of kind stop (or issue). */
static void
advance_to(struct fx *fx, int64_t id, enum tc_step_kind stop,
    const char *decide, int months, const char *override)
{
	const struct tc_programme *p;
	const struct tc_step *steps, *s;
	struct tc_app a;
	static char op[32]; /* outlives the call: fx->c keeps it */
	char err[1024];
	size_t n;

	for (;;) {
		get(fx, id, &a);
		p = prog(fx, a.programme);
		assert_int_equal(
		    tc_app_steps(p, &a, &steps, &n, err, sizeof(err)), 0);
		if (a.state == TC_APP_DRAFT) {
			AS(fx, "clerk");
			if (submit(fx, id, err, sizeof(err)) != 0)
				fail_msg("submit: %s", err);
			tc_app_release(&a);
			continue;
		}
		s = &steps[a.step];
		if (s->kind == stop || s->kind == TC_STEP_ISSUE) {
			tc_app_release(&a);
			return;
		}
		op_for(fx, &a, steps, (size_t)a.step, op, sizeof(op));
		AS(fx, op);
		if (s->kind == TC_STEP_NOTICE)
			fx->c.now = tc_time_of_day(tc_workday_add(NULL,
					tc_day_of_time(a.step_started_at),
					s->notice_days)) +
			    3600;
		if (review(fx, id, TC_REVIEW_APPROVE, NULL,
			s->kind == TC_STEP_APPROVE && a.tier[0] == '\0' ? decide
									: NULL,
			s->kind == TC_STEP_APPROVE ? months : 0,
			s->kind == TC_STEP_APPROVE ? override : NULL, err,
			sizeof(err)) != 0)
			fail_msg("approve %lld at %s: %s", (long long)id, s->id,
			    err);
		fx->c.now += 60;
		tc_app_release(&a);
	}
}

/* Issues an application that is at its issue step. */
static void
issue_ok(struct fx *fx, int64_t id, struct tc_card *card)
{
	const struct tc_step *steps;
	struct tc_app a;
	/* Static: the context keeps pointing at the name after return. */
	static char op[32];
	char err[1024];
	size_t n;

	get(fx, id, &a);
	assert_int_equal(tc_app_steps(prog(fx, a.programme), &a, &steps, &n,
			     err, sizeof(err)),
	    0);
	op_for(fx, &a, steps, (size_t)a.step, op, sizeof(op));
	tc_app_release(&a);
	AS(fx, op);
	if (issue(fx, id, card, err, sizeof(err)) != 0)
		fail_msg("issue %lld: %s", (long long)id, err);
}

/* A card for a new person: applied, walked and issued. */
static int64_t
card_for(struct fx *fx, const char *programme, const char *tier,
    struct tc_sample_person *who, struct tc_card *card)
{
	const struct tc_programme *p = prog(fx, programme);
	const struct tc_tier *t = tc_programme_tier(p, tier);
	int64_t id;

	id = apply_new(fx, p, tier, NULL,
	    first_clause(t) ? first_clause(t) : "other-1", who);
	advance_to(fx, id, TC_STEP_ISSUE, NULL, 0, NULL);
	issue_ok(fx, id, card);
	return id;
}

static int
count_cb(const struct tc_app *a, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int
listed(struct fx *fx, const struct tc_app_filter *flt)
{
	char err[256];
	int n = 0;

	assert_int_equal(
	    tc_app_list(fx->reg, flt, count_cb, &n, err, sizeof(err)), 0);
	return n;
}

static void
test_deadlines(void **state)
{
	static const char holidays[] = "2025-09-28 workday\n"
				       "2025-10-01 holiday\n"
				       "2025-10-02 holiday\n"
				       "2025-10-03 holiday\n"
				       "2025-10-06 holiday\n"
				       "2025-10-07 holiday\n"
				       "2025-10-08 holiday\n"
				       "2025-10-11 workday\n";
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangzhou-green");
	struct tc_app_filter flt;
	struct tc_workdays *wd = NULL;
	struct tc_sample_person who;
	struct tc_app a;
	char err[1024];
	int64_t id;

	person(fx, &who, "Emily Carter", "19880420", 0);
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	get(fx, id, &a);
	/* Submitted Monday 2 March: the 5th working day after is 9 March. */
	assert_string_equal(a.deadline, "2026-03-09");
	memset(&flt, 0, sizeof(flt));
	flt.overdue = 1;
	/* The last second of 9 March in Shanghai: not overdue yet. */
	flt.now = tc_time_of_day(tc_day_from_civil(2026, 3, 10)) - 1;
	assert_false(tc_app_overdue(&a, flt.now));
	assert_int_equal(listed(fx, &flt), 0);
	flt.now++;
	assert_true(tc_app_overdue(&a, flt.now));
	assert_int_equal(listed(fx, &flt), 1);
	tc_app_release(&a);
	/* Returned on 11 March: waiting for the applicant, not overdue. */
	fx->c.now = tc_time_of_day(tc_day_from_civil(2026, 3, 11)) + 36000;
	AS(fx, "r3-1");
	assert_int_equal(review(fx, id, TC_REVIEW_RETURN, "缺少学历证明", NULL,
			     0, NULL, err, sizeof(err)),
	    0);
	flt.now = fx->c.now;
	assert_int_equal(listed(fx, &flt), 0);
	flt.overdue = 0;
	flt.state = TC_APP_RETURNED;
	assert_int_equal(listed(fx, &flt), 1);
	flt.programme = "baiyun-yunju";
	assert_int_equal(listed(fx, &flt), 0);
	/* Resubmitted Friday 13 March: the clock restarts (002 十(二)). */
	fx->c.now = tc_time_of_day(tc_day_from_civil(2026, 3, 13)) + 36000;
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	get(fx, id, &a);
	assert_string_equal(a.deadline, "2026-03-20");
	tc_app_release(&a);
	/* The approval counts from the restarted review clock. */
	fx->c.now += 86400 * 3;
	AS(fx, "r3-1");
	assert_int_equal(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL,
			     err, sizeof(err)),
	    0);
	get(fx, id, &a);
	assert_string_equal(a.step_id, "approval");
	assert_string_equal(a.deadline, "2026-03-20");
	tc_app_release(&a);
	/* With the 2025 National Day holidays. */
	assert_int_equal(tc_workdays_parse(&wd, holidays, strlen(holidays), "h",
			     err, sizeof(err)),
	    0);
	fx->c.workdays = wd;
	fx->c.now = tc_time_of_day(tc_day_from_civil(2025, 9, 30)) + 36000;
	person(fx, &who, "李华", "19900101", 1);
	id = apply_new(fx, p, "b", NULL, "b1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	get(fx, id, &a);
	/* 9, 10, 11 (a Saturday worked), 13, 14 October. */
	assert_string_equal(a.deadline, "2025-10-14");
	tc_app_release(&a);
	fx->c.workdays = NULL;
	tc_workdays_free(wd);
}

static int
add_blacklist(
    struct fx *fx, const char *id, const char *reason, char *err, size_t errlen)
{
	int r;

	begin(fx);
	r = tc_blacklist_add_id(fx->reg, TC_ID_RESIDENT, id, reason,
	    "guangzhou-green", "002 十一(六)", NULL, 0, 0, "r9-1", fx->c.now,
	    err, errlen);
	if (r == 0)
		commit(fx);
	else
		tc_registry_rollback(fx->reg);
	return r;
}

static void
test_guard_blacklist(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangzhou-green");
	struct tc_blacklist_entry e;
	struct tc_sample_person who, other;
	struct tc_card card;
	uint8_t mac[TC_PII_MAC_LEN];
	char err[1024];
	int64_t id;
	int r;

	person(fx, &who, "王晓明", "19850512", 1);
	assert_int_equal(
	    add_blacklist(fx, who.id, "提供虚假学历证明", err, sizeof(err)), 0);
	expect_err(add_blacklist(fx, who.id, "again", err, sizeof(err)),
	    TC_ERR_EXISTS, err, "already on the blacklist");
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	AS(fx, "clerk");
	r = submit(fx, id, err, sizeof(err));
	expect_err(r, TC_ERR_BLACKLISTED, err, "rule blacklist");
	assert_non_null(strstr(err, "002 十一(六)"));
	assert_non_null(strstr(err, "提供虚假学历证明"));
	assert_null(strstr(err, who.id));
	/* Removed: the submission passes. */
	begin(fx);
	assert_int_equal(tc_blacklist_remove_id(fx->reg, TC_ID_RESIDENT, who.id,
			     "复核后撤销", "r9-1", fx->c.now, err, sizeof(err)),
	    0);
	commit(fx);
	begin(fx);
	expect_err(tc_blacklist_remove_id(fx->reg, TC_ID_RESIDENT, who.id, "x",
		       "r9-1", fx->c.now, err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "not on the blacklist");
	tc_registry_rollback(fx->reg);
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	/* Listed during the review: the approval refuses. */
	advance_to(fx, id, TC_STEP_APPROVE, NULL, 0, NULL);
	assert_int_equal(
	    add_blacklist(fx, who.id, "骗取人才绿卡", err, sizeof(err)), 0);
	AS(fx, "r4-1");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 12, NULL, err,
		       sizeof(err)),
	    TC_ERR_BLACKLISTED, err, "rule blacklist");
	/* An entry with an end date stops counting on that day. */
	person(fx, &other, "陈静", "19860606", 0);
	begin(fx);
	assert_int_equal(tc_blacklist_add_id(fx->reg, TC_ID_RESIDENT, other.id,
			     "期限黑名单", NULL, NULL, "2026-03-03", 0, 0,
			     "r9-1", fx->c.now, err, sizeof(err)),
	    0);
	commit(fx);
	assert_int_equal(tc_pii_id_mac(keys.pepper, other.id, mac), 0);
	assert_int_equal(tc_blacklist_check(fx->reg, mac,
			     tc_time_of_day(tc_day_from_civil(2026, 3, 3)) - 1,
			     &e, err, sizeof(err)),
	    TC_ERR_BLACKLISTED);
	assert_string_equal(e.until, "2026-03-03");
	assert_int_equal(tc_blacklist_check(fx->reg, mac,
			     tc_time_of_day(tc_day_from_civil(2026, 3, 3)), &e,
			     err, sizeof(err)),
	    0);
	/* Fraud on a card: the holder is listed, in every programme. */
	person(fx, &other, "张伟", "19870707", 1);
	card_for(fx, "chuxiong-xingchu", "a", &other, &card);
	begin(fx);
	assert_int_equal(
	    tc_blacklist_add_card_holder(fx->reg, card.serial, "骗取兴楚惠才卡",
		NULL, "r9-1", fx->c.now, err, sizeof(err)),
	    0);
	commit(fx);
	begin(fx);
	expect_err(tc_blacklist_add_card_holder(fx->reg, card.serial, "x", NULL,
		       "r9-1", fx->c.now, err, sizeof(err)),
	    TC_ERR_EXISTS, err, NULL);
	tc_registry_rollback(fx->reg);
	id = apply_new(
	    fx, prog(fx, "baiyun-yunju"), "silver", NULL, "s1", &other);
	AS(fx, "clerk");
	expect_err(submit(fx, id, err, sizeof(err)), TC_ERR_BLACKLISTED, err,
	    "chuxiong-xingchu");
}

static void
test_guard_employer_bar(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangzhou-green");
	struct tc_employer_bar bar;
	struct tc_sample_person who;
	struct tc_card card;
	char err[1024];
	int64_t id, bar_id;

	/* Barred by code: another spelling of the name does not help. */
	begin(fx);
	assert_int_equal(
	    tc_employer_bar_add(fx->reg, "广州造假咨询有限公司",
		"91440101000000000J", "2026-01-10", "2029-01-10",
		"协助申请人伪造材料", "guangzhou-green", "002 十一(六)", 0,
		"r9-1", fx->c.now, &bar_id, err, sizeof(err)),
	    0);
	commit(fx);
	assert_true(bar_id > 0);
	person(fx, &who, "李华", "19900101", 1);
	who.employer = "广州造假咨询公司（新）";
	who.code = "91440101000000000J";
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	AS(fx, "clerk");
	expect_err(submit(fx, id, err, sizeof(err)), TC_ERR_BLACKLISTED, err,
	    "rule employer-bar");
	assert_non_null(strstr(err, "2029-01-10"));
	assert_non_null(strstr(err, "002 十一(六)"));
	/* By normalised name, without a code. */
	person(fx, &who, "陈静", "19910203", 0);
	who.employer = "  广州造假咨询有限公司 ";
	who.code = NULL;
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	expect_err(submit(fx, id, err, sizeof(err)), TC_ERR_BLACKLISTED, err,
	    "rule employer-bar");
	/* From the bar's end the unit may apply again. */
	fx->c.now = tc_time_of_day(tc_day_from_civil(2029, 1, 10));
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	fx->c.now = tc_time_of_day(tc_day_from_civil(2029, 1, 10)) - 1;
	assert_int_equal(tc_employer_bar_check(fx->reg, "广州造假咨询有限公司",
			     NULL, fx->c.now, &bar, err, sizeof(err)),
	    TC_ERR_BLACKLISTED);
	assert_string_equal(bar.since, "2026-01-10");
	/* Fraud on a card bars the employer of its application 3 years. */
	fx->c.now = T0;
	person(fx, &who, "Oliver Bennett", "19820808", 1);
	who.employer = "花都某某精密制造有限公司";
	who.code = "12440111455812345D";
	card_for(fx, "guangzhou-green", "b", &who, &card);
	begin(fx);
	assert_int_equal(tc_employer_bar_add_card(fx->reg, card.serial, 3,
			     "提供虚假社保证明", "002 十一(六)", "r9-1",
			     fx->c.now, &bar_id, err, sizeof(err)),
	    0);
	commit(fx);
	assert_int_equal(
	    tc_employer_bar_check(fx->reg, "另一个名字", "12440111455812345D",
		fx->c.now, &bar, err, sizeof(err)),
	    TC_ERR_BLACKLISTED);
	assert_string_equal(bar.since, "2026-03-02");
	assert_string_equal(bar.until, "2029-03-02");
	assert_int_equal(bar.card_serial, card.serial);
	assert_string_equal(bar.employer, "花都某某精密制造有限公司");
	begin(fx);
	expect_err(tc_employer_bar_add_card(fx->reg, card.serial, 0, "x", NULL,
		       "r9-1", fx->c.now, NULL, err, sizeof(err)),
	    TC_ERR_RANGE, err, NULL);
	expect_err(tc_employer_bar_add(fx->reg, "某公司", "91440101000000000K",
		       "2026-01-10", "2029-01-10", "x", NULL, NULL, 0, "r9-1",
		       fx->c.now, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, NULL);
	expect_err(tc_employer_bar_add(fx->reg, "某公司", NULL, "2026-01-10",
		       "2026-01-10", "x", NULL, NULL, 0, "r9-1", fx->c.now,
		       NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "since before until");
	tc_registry_rollback(fx->reg);
}

static void
test_guard_retirement(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangzhou-green");
	struct tc_sample_person who;
	struct tc_card card;
	char err[1024];
	int64_t id;

	/* A man born 15 March 1965 reached 60 years 1 month on 15 April
	 * 2025. */
	person(fx, &who, "王建国", "19650315", 1);
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	AS(fx, "clerk");
	expect_err(submit(fx, id, err, sizeof(err)), TC_ERR_POLICY, err,
	    "rule retirement-age");
	assert_non_null(strstr(err, "002 十一(三)"));
	assert_non_null(strstr(err, "2025-04-15"));
	assert_non_null(strstr(err, "in principle"));
	/* Born 2 May 1966: 60 years 5 months, on 2 October 2026. Submitted
	 * the last second before, refused at approval on the day. */
	person(fx, &who, "赵强", "19660502", 1);
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	fx->c.now = tc_time_of_day(tc_day_from_civil(2026, 10, 2)) - 1;
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	AS(fx, "r3-1");
	assert_int_equal(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL,
			     err, sizeof(err)),
	    0);
	fx->c.now += 1;
	AS(fx, "r4-1");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_POLICY, err, "2026-10-02");
	/* A woman born June 1975: group 55 retires in 2031, group 50 on
	 * 10 September 2025 (50 years 3 months). */
	fx->c.now = T0;
	person(fx, &who, "孙丽", "19750610", 0);
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	person(fx, &who, "周敏", "19750610", 0);
	who.retire = 50;
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	expect_err(
	    submit(fx, id, err, sizeof(err)), TC_ERR_POLICY, err, "2025-09-10");
	/* An exception claimed: the submission passes, the approval needs
	 * the approver's override, the card is issued. */
	person(fx, &who, "钱学森", "19600101", 1);
	who.exception = "retirement-age=两院院士，国家另有规定";
	id = apply_new(fx, p, "a", NULL, "a1-1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	advance_to(fx, id, TC_STEP_APPROVE, NULL, 0, NULL);
	AS(fx, "r4-1");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_POLICY, err, "--override retirement-age");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0,
		       "excluded-employer", err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "claims no exception");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, "blacklist",
		       err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "can be set aside");
	assert_int_equal(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0,
			     "retirement-age", err, sizeof(err)),
	    0);
	advance_to(fx, id, TC_STEP_ISSUE, NULL, 0, NULL);
	issue_ok(fx, id, &card);
	/* Programmes without the guard do not look at the age. */
	person(fx, &who, "李老", "19500101", 1);
	id = apply_new(fx, prog(fx, "chuxiong-xingchu"), "a", NULL, "a1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
}

static void
test_guard_excluded_employer(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "baiyun-yunju");
	struct tc_sample_person who;
	char err[1024];
	int64_t id;

	person(fx, &who, "黄海", "19830303", 1);
	who.employer = "白云区某区属事业单位";
	who.category = "district-funded";
	id = apply_new(fx, p, "gold", NULL, "g1", &who);
	AS(fx, "clerk");
	expect_err(submit(fx, id, err, sizeof(err)), TC_ERR_POLICY, err,
	    "rule excluded-employer");
	assert_non_null(strstr(err, "001 实施细则第七条"));
	person(fx, &who, "黄河", "19830304", 1);
	who.employer = "白云区某区属国有企业";
	who.category = "district-funded";
	who.exception = "excluded-employer=经区委人才办同意的引进人才";
	id = apply_new(fx, p, "gold", NULL, "g1", &who);
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	advance_to(fx, id, TC_STEP_APPROVE, NULL, 0, NULL);
	AS(fx, "r4-1");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_POLICY, err, "--override excluded-employer");
	assert_int_equal(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0,
			     "excluded-employer", err, sizeof(err)),
	    0);
	/* Other categories pass. */
	person(fx, &who, "黄山", "19830305", 1);
	who.category = "private";
	id = apply_new(fx, p, "gold", NULL, "g1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
}

static int
set_status(struct fx *fx, int64_t serial, enum tc_card_status s)
{
	char err[256];

	begin(fx);
	assert_int_equal(
	    tc_registry_card_set_status(fx->reg, serial, s, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_audit(fx->reg, fx->c.now, "r7-1",
			     "card.status", NULL, NULL, err, sizeof(err)),
	    0);
	commit(fx);
	return 0;
}

static void
test_guard_live_card_and_open(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "chuxiong-xingchu");
	struct tc_sample_person who;
	struct tc_card card;
	char err[1024];
	int64_t id, id2;

	person(fx, &who, "杨帆", "19840404", 1);
	card_for(fx, "chuxiong-xingchu", "b", &who, &card);
	id = apply_new(fx, p, "a", NULL, "a1", &who);
	AS(fx, "clerk");
	expect_err(submit(fx, id, err, sizeof(err)), TC_ERR_POLICY, err,
	    "rule live-card");
	assert_non_null(strstr(err, card.card_no));
	set_status(fx, card.serial, TC_CARD_SUSPENDED);
	expect_err(
	    submit(fx, id, err, sizeof(err)), TC_ERR_POLICY, err, "suspended");
	set_status(fx, card.serial, TC_CARD_REVOKED);
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	/* Another programme is another card. */
	id =
	    apply_new(fx, prog(fx, "baiyun-yunju"), "silver", NULL, "s1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	/* One application in review per person and programme. */
	person(fx, &who, "吴越", "19860909", 0);
	id = apply_new(fx, p, "a", NULL, "a1", &who);
	id2 = apply_new(fx, p, "b", NULL, "b1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	expect_err(submit(fx, id2, err, sizeof(err)), TC_ERR_POLICY, err,
	    "rule open-application");
	AS(fx, "r2-1");
	assert_int_equal(review(fx, id, TC_REVIEW_REJECT, "不符合条件", NULL, 0,
			     NULL, err, sizeof(err)),
	    0);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id2, err, sizeof(err)), 0);
}

static int
create_change(struct fx *fx, enum tc_app_kind kind, int64_t serial,
    const char *tier, const char *clause, int64_t *id, char *err, size_t errlen)
{
	int r;

	AS(fx, "clerk");
	begin(fx);
	r = tc_app_create_change(
	    &fx->c, kind, serial, tier, clause, NULL, id, err, errlen);
	if (r == 0)
		commit(fx);
	else
		tc_registry_rollback(fx->reg);
	return r;
}

static void
test_upgrade_convert(void **state)
{
	struct fx *fx = *state;
	struct tc_sample_person who;
	struct tc_card silver, gold, b, a, old;
	struct tc_app app;
	char err[1024];
	int64_t id;

	/* Baiyun: silver to gold by application (001 实施细则第八条). */
	person(fx, &who, "王晓明", "19850512", 1);
	card_for(fx, "baiyun-yunju", "silver", &who, &silver);
	expect_err(create_change(fx, TC_APP_UPGRADE, silver.serial, "silver",
		       "s2", &id, err, sizeof(err)),
	    TC_ERR_POLICY, err, "not higher");
	expect_err(create_change(fx, TC_APP_UPGRADE, silver.serial, "gold",
		       "s2", &id, err, sizeof(err)),
	    TC_ERR_MALFORMED, err, "belongs to tier silver, not gold");
	expect_err(create_change(fx, TC_APP_UPGRADE, silver.serial, "gold",
		       "g99", &id, err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no clause 'g99'");
	assert_int_equal(create_change(fx, TC_APP_UPGRADE, silver.serial,
			     "gold", "g3", &id, err, sizeof(err)),
	    0);
	get(fx, id, &app);
	assert_int_equal(app.kind, TC_APP_UPGRADE);
	assert_int_equal(app.card_serial, silver.serial);
	assert_string_equal(app.tier, "gold");
	assert_string_equal(app.clause, "g3");
	assert_string_equal(app.employer, "广州云聚新材料科技有限公司");
	assert_non_null(strstr(app.form, "\"clause\":\"g3\""));
	tc_app_release(&app);
	/* The materials are needed again (proof of the new clause). */
	AS(fx, "clerk");
	expect_err(submit(fx, id, err, sizeof(err)), TC_ERR_MALFORMED, err,
	    "material clause-proof");
	attach_all(fx, id, prog(fx, "baiyun-yunju"), "gold", "employee", 0);
	advance_to(fx, id, TC_STEP_ISSUE, NULL, 0, NULL);
	issue_ok(fx, id, &gold);
	assert_string_equal(gold.tier, "gold");
	assert_int_equal(gold.holder_id, silver.holder_id);
	assert_int_equal(tc_registry_card_get(
			     fx->reg, silver.serial, &old, err, sizeof(err)),
	    0);
	assert_int_equal(old.status, TC_CARD_REVOKED);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM cards WHERE status_reason = 'superseded'"),
	    1);
	/* Gold to silver is not an upgrade; the revoked card is gone. */
	expect_err(create_change(fx, TC_APP_UPGRADE, gold.serial, "silver",
		       "s1", &id, err, sizeof(err)),
	    TC_ERR_POLICY, err, "not higher");
	expect_err(create_change(fx, TC_APP_UPGRADE, silver.serial, "diamond",
		       "d1", &id, err, sizeof(err)),
	    TC_ERR_STATE, err, "revoked");
	/* The green card has no upgrade; B converts to A (002 十一(二)). */
	person(fx, &who, "Emily Carter", "19880420", 0);
	card_for(fx, "guangzhou-green", "b", &who, &b);
	expect_err(create_change(fx, TC_APP_UPGRADE, b.serial, "a", "a1-1", &id,
		       err, sizeof(err)),
	    TC_ERR_POLICY, err, "no upgrade by application");
	assert_int_equal(create_change(fx, TC_APP_CONVERT, b.serial, NULL,
			     "a1-2", &id, err, sizeof(err)),
	    0);
	attach_all(fx, id, prog(fx, "guangzhou-green"), "a", NULL, 0);
	advance_to(fx, id, TC_STEP_ISSUE, NULL, 24, NULL);
	issue_ok(fx, id, &a);
	check_card(fx, &a, prog(fx, "guangzhou-green"), "a", 24, fx->c.now);
	assert_int_equal(
	    tc_registry_card_get(fx->reg, b.serial, &old, err, sizeof(err)), 0);
	assert_int_equal(old.status, TC_CARD_REVOKED);
	expect_err(create_change(fx, TC_APP_CONVERT, a.serial, NULL, "a1-1",
		       &id, err, sizeof(err)),
	    TC_ERR_POLICY, err, "converts to none");
	/* A suspended card is not upgraded. */
	person(fx, &who, "李华", "19900101", 1);
	card_for(fx, "baiyun-yunju", "silver", &who, &silver);
	set_status(fx, silver.serial, TC_CARD_SUSPENDED);
	expect_err(create_change(fx, TC_APP_UPGRADE, silver.serial, "gold",
		       "g1", &id, err, sizeof(err)),
	    TC_ERR_STATE, err, "suspended");
}

static void
test_sub_rules(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangzhou-green");
	struct tc_sample_person who, rel;
	struct tc_app_form f;
	struct tc_card a, b;
	char *text, err[1024];
	int64_t id;

	person(fx, &who, "Oliver Bennett", "19820808", 1);
	card_for(fx, "guangzhou-green", "a", &who, &a);
	person(fx, &who, "陈静", "19860606", 0);
	card_for(fx, "guangzhou-green", "b", &who, &b);
	/* A sub-card tier is not applied for on its own. */
	person(fx, &rel, "王小雨", "19870203", 0);
	text = form_json(p, "a-spouse", NULL, NULL, &rel);
	parse_form(fx, text, &f);
	free(text);
	AS(fx, "clerk");
	begin(fx);
	expect_err(tc_app_create(&fx->c, &f, &id, err, sizeof(err)),
	    TC_ERR_POLICY, err, "sub-card");
	/* Only A cards have sub-cards (002 七). */
	expect_err(
	    tc_app_create_sub(&fx->c, b.serial, &f, &id, err, sizeof(err)),
	    TC_ERR_POLICY, err, "tier a");
	tc_registry_rollback(fx->reg);
	tc_app_form_release(&f);
	/* a-child is for minors. */
	text = form_json(p, "a-child", NULL, NULL, &rel);
	parse_form(fx, text, &f);
	free(text);
	begin(fx);
	expect_err(
	    tc_app_create_sub(&fx->c, a.serial, &f, &id, err, sizeof(err)),
	    TC_ERR_POLICY, err, "minor");
	/* A main tier is not a sub-card. */
	tc_registry_rollback(fx->reg);
	tc_app_form_release(&f);
	person(fx, &rel, "王小雨", "20150301", 0);
	text = form_json(p, "b", NULL, "b1", &rel);
	parse_form(fx, text, &f);
	free(text);
	begin(fx);
	expect_err(
	    tc_app_create_sub(&fx->c, a.serial, &f, &id, err, sizeof(err)),
	    TC_ERR_POLICY, err, "not a sub-card tier");
	tc_registry_rollback(fx->reg);
	tc_app_form_release(&f);
}

static void
test_review_rules(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "baiyun-yunju");
	struct tc_sample_person who;
	struct tc_app a;
	struct tc_card card;
	char err[1024];
	int64_t id;

	/* Reject is final. */
	person(fx, &who, "李华", "19900101", 1);
	id = apply_new(fx, p, "silver", NULL, "s1", &who);
	/* A draft has reached no step: the industry does not see it. */
	AS(fx, "r2-1");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no application");
	AS(fx, "both"); /* authority-wide: sees it */
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_STATE, err, "a draft");
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	expect_err(submit(fx, id, err, sizeof(err)), TC_ERR_STATE, err,
	    "is submitted");
	AS(fx, "r2-1");
	expect_err(review(fx, id, TC_REVIEW_REJECT, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "reason");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, "gold", 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "approval step");
	assert_int_equal(review(fx, id, TC_REVIEW_REJECT, "材料与条款不符",
			     NULL, 0, NULL, err, sizeof(err)),
	    0);
	get(fx, id, &a);
	assert_int_equal(a.state, TC_APP_REJECTED);
	assert_true(a.decided_at == fx->c.now);
	tc_app_release(&a);
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_STATE, err, "final");
	AS(fx, "clerk");
	expect_err(
	    submit(fx, id, err, sizeof(err)), TC_ERR_STATE, err, "rejected");
	/* Case by case: the leadership group decides the tier. */
	person(fx, &who, "陈静", "19860606", 0);
	id = apply_new(fx, p, NULL, NULL, "cbc", &who);
	get(fx, id, &a);
	assert_string_equal(a.route, "case-by-case");
	assert_string_equal(a.tier, "");
	tc_app_release(&a);
	advance_to(fx, id, TC_STEP_APPROVE, NULL, 0, NULL);
	AS(fx, "r5-1");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "decides the tier");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, "platinum", 0, NULL,
		       err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "not one of route");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, "gold", 36, NULL,
		       err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "not set at approval");
	assert_int_equal(review(fx, id, TC_REVIEW_APPROVE, NULL, "diamond", 0,
			     NULL, err, sizeof(err)),
	    0);
	get(fx, id, &a);
	assert_string_equal(a.tier, "diamond");
	assert_int_equal(a.state, TC_APP_APPROVED);
	tc_app_release(&a);
	/* Production cannot reject; issue is not a review. */
	AS(fx, "r6-1");
	expect_err(review(fx, id, TC_REVIEW_REJECT, "x", NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_STATE, err, "no longer be rejected");
	AS(fx, "r7-1");
	expect_err(issue(fx, id, NULL, err, sizeof(err)), TC_ERR_STATE, err,
	    "issued after it");
	advance_to(fx, id, TC_STEP_ISSUE, NULL, 0, NULL);
	AS(fx, "r7-1");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_STATE, err, "'issue'");
	issue_ok(fx, id, &card);
	assert_string_equal(card.tier, "diamond");
	expect_err(issue(fx, id, NULL, err, sizeof(err)), TC_ERR_STATE, err,
	    "issued already");
	/* Green card A: months within the maximum. */
	person(fx, &who, "Emily Carter", "19880420", 0);
	id =
	    apply_new(fx, prog(fx, "guangzhou-green"), "a", NULL, "a1-1", &who);
	advance_to(fx, id, TC_STEP_APPROVE, NULL, 0, NULL);
	AS(fx, "r4-1");
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 61, NULL, err,
		       sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "1 to 60 months");
	/* Withdrawal. */
	person(fx, &who, "张伟", "19870707", 1);
	id = apply_new(fx, p, "silver", NULL, "s1", &who);
	AS(fx, "clerk");
	begin(fx);
	expect_err(tc_app_withdraw(&fx->c, id, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "reason");
	assert_int_equal(
	    tc_app_withdraw(&fx->c, id, "申请人撤回", err, sizeof(err)), 0);
	commit(fx);
	begin(fx);
	expect_err(tc_app_withdraw(&fx->c, id, "again", err, sizeof(err)),
	    TC_ERR_STATE, err, "withdrawn");
	tc_registry_rollback(fx->reg);
	/* A disabled or unknown operator cannot act. */
	AS(fx, "nobody");
	begin(fx);
	expect_err(tc_app_submit(&fx->c, id, 0, err, sizeof(err)), TC_ERR_AUTH,
	    err, "no operator named nobody");
	tc_registry_rollback(fx->reg);
	/* Outside a transaction nothing changes. */
	AS(fx, "clerk");
	expect_err(tc_app_submit(&fx->c, id, 0, err, sizeof(err)), TC_ERR_STATE,
	    err, "transaction");
}

static void
test_attachments(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangdong-youyue");
	struct tc_sample_person who;
	struct tc_buf b, back;
	char err[1024];
	int64_t id, att;
	size_t i;

	person(fx, &who, "Oliver Bennett", "19820808", 1);
	{
		struct tc_app_form f;
		char *text = form_json(p, "a", NULL, "a-1", &who);

		parse_form(fx, text, &f);
		free(text);
		AS(fx, "clerk");
		begin(fx);
		assert_int_equal(
		    tc_app_create(&fx->c, &f, &id, err, sizeof(err)), 0);
		commit(fx);
		tc_app_form_release(&f);
	}
	/* The photo is 358 x 441 (003 2.1.4.2). */
	fx_png(&b, 358, 440);
	expect_err(
	    attach(fx, id, TC_ATT_PHOTO, NULL, "me.png", &b, err, sizeof(err)),
	    TC_ERR_RANGE, err, "358 x 440");
	tc_buf_release(&b);
	fx_pdf(&b);
	expect_err(
	    attach(fx, id, TC_ATT_PHOTO, NULL, "me.pdf", &b, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED, err, "not allowed here");
	expect_err(attach(fx, id, TC_ATT_CONTRACT, NULL, "contract.png", &b,
		       err, sizeof(err)),
	    TC_ERR_UNSUPPORTED, err, "content is pdf");
	expect_err(attach(fx, id, TC_ATT_CONTRACT, "no-such-material",
		       "contract.pdf", &b, err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no material");
	assert_int_equal(attach(fx, id, TC_ATT_CONTRACT, "labour-contract",
			     "contract.pdf", &b, err, sizeof(err)),
	    0);
	expect_err(attach(fx, id, TC_ATT_CONTRACT, NULL, "again.pdf", &b, err,
		       sizeof(err)),
	    TC_ERR_EXISTS, err, "already attached");
	tc_buf_release(&b);
	fx_png(&b, 358, 441);
	assert_int_equal(attach(fx, id, TC_ATT_PHOTO, NULL, "/home/x/me.png",
			     &b, err, sizeof(err)),
	    0);
	tc_buf_release(&b);
	/* A file of 2.5 MiB is sealed in three parts and read back. */
	tc_buf_init(&b, 8u << 20);
	tc_buf_puts(&b, "%PDF-1.7\n");
	for (i = 0; b.len < (5u << 19); i++)
		tc_buf_printf(
		    &b, "%% line %zu of a long scanned document\n", i);
	tc_buf_puts(&b, "%%EOF\n");
	begin(fx);
	assert_int_equal(tc_app_attach(&fx->c, id, TC_ATT_ELIGIBILITY_PROOF,
			     "eligibility-proof", "proof.pdf", b.data, b.len,
			     &att, err, sizeof(err)),
	    0);
	commit(fx);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM attachment_data WHERE sha256 = (SELECT sha256 FROM attachments WHERE name = 'proof.pdf')"),
	    3);
	tc_buf_init(&back, TC_ATTACH_MAX);
	assert_int_equal(
	    tc_app_attachment_read(fx->reg, att, &back, err, sizeof(err)), 0);
	assert_int_equal(back.len, b.len);
	assert_memory_equal(back.data, b.data, b.len);
	tc_buf_release(&back);
	tc_buf_release(&b);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM attachments WHERE name = 'me.png' AND width = 358 AND height = 441 AND media_type = 'image/png'"),
	    1);
	/* Baiyun takes gif, jpg, pdf and doc only (001 申领指南). */
	person(fx, &who, "黄海", "19830303", 1);
	id =
	    apply_new(fx, prog(fx, "baiyun-yunju"), "silver", NULL, "s1", &who);
	fx_png(&b, 358, 441);
	expect_err(attach(fx, id, TC_ATT_OTHER, NULL, "scan.png", &b, err,
		       sizeof(err)),
	    TC_ERR_UNSUPPORTED, err, "allowed: gif, jpg, pdf, doc");
	tc_buf_release(&b);
	fx_docx(&b);
	expect_err(attach(fx, id, TC_ATT_OTHER, NULL, "form.docx", &b, err,
		       sizeof(err)),
	    TC_ERR_UNSUPPORTED, err, "docx");
	tc_buf_release(&b);
	fx_doc(&b);
	assert_int_equal(attach(fx, id, TC_ATT_OTHER, "application-form",
			     "form.doc", &b, err, sizeof(err)),
	    0);
	tc_buf_release(&b);
	/* Not after submission. */
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	fx_pdf(&b);
	expect_err(attach(fx, id, TC_ATT_OTHER, NULL, "late.pdf", &b, err,
		       sizeof(err)),
	    TC_ERR_STATE, err, "submitted");
	tc_buf_release(&b);
}

static void
raw_exec(struct fx *fx, const char *sql, int want)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != want)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
}

static void
test_serials(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "chuxiong-xingchu");
	struct tc_sample_person who;
	struct tc_card c1, c2, c3;
	struct tc_holder h;
	char err[1024], no[17];
	int64_t id, serial, last, holder;

	person(fx, &who, "杨帆", "19840404", 1);
	card_for(fx, "chuxiong-xingchu", "a", &who, &c1);
	assert_int_equal(c1.serial, 1);
	assert_int_equal(tc_serial_last(fx->reg, &last, err, sizeof(err)), 0);
	assert_int_equal(last, 1);
	/* The last approval allocates the card, in production. */
	person(fx, &who, "吴越", "19860909", 0);
	id = apply_new(fx, p, "b", NULL, "b1", &who);
	advance_to(fx, id, TC_STEP_ISSUE, NULL, 0, NULL);
	assert_int_equal(tc_serial_last(fx->reg, &last, err, sizeof(err)), 0);
	assert_int_equal(last, 2);
	assert_int_equal(
	    tc_registry_card_get(fx->reg, 2, &c2, err, sizeof(err)), 0);
	assert_int_equal(c2.status, TC_CARD_PRODUCTION);
	/*
	 * An application approved before production existed (no queue row)
	 * reserves its serial at issue: a failure after the reservation
	 * leaves a gap.
	 */
	raw_exec(fx, "DELETE FROM production", SQLITE_OK);
	assert_int_equal(
	    add_blacklist(fx, who.id, "公示期间收到实名举报", err, sizeof(err)),
	    0);
	AS(fx, "r7-1");
	expect_err(issue(fx, id, NULL, err, sizeof(err)), TC_ERR_BLACKLISTED,
	    err, "blacklist");
	assert_int_equal(tc_serial_last(fx->reg, &last, err, sizeof(err)), 0);
	assert_int_equal(last, 3);
	begin(fx);
	assert_int_equal(tc_blacklist_remove_id(fx->reg, TC_ID_RESIDENT, who.id,
			     "举报不实", "r9-1", fx->c.now, err, sizeof(err)),
	    0);
	commit(fx);
	issue_ok(fx, id, &c2);
	assert_int_equal(c2.serial, 4);
	/* A card deleted behind the registry's back: its serial stays used. */
	begin(fx);
	memset(&h, 0, sizeof(h));
	h.id_type = TC_ID_RESIDENT;
	tc_sample_resident_id(h.id_number, "110105", "19700101", 501, 1);
	snprintf(h.name, sizeof(h.name), "测试持卡人");
	assert_int_equal(tc_registry_holder_add(
			     fx->reg, &h, fx->c.now, &holder, err, sizeof(err)),
	    0);
	memset(&c3, 0, sizeof(c3));
	c3.serial = 40;
	assert_int_equal(tc_cardno_make(p->region, 40, no), 0);
	memcpy(c3.card_no, no, sizeof(no));
	c3.holder_id = holder;
	snprintf(c3.programme, sizeof(c3.programme), "%s", p->id);
	snprintf(c3.tier, sizeof(c3.tier), "a");
	c3.status = TC_CARD_ISSUED;
	c3.issued_at = fx->c.now;
	c3.expires_at = fx->c.now + 86400;
	assert_int_equal(
	    tc_registry_card_add(fx->reg, &c3, err, sizeof(err)), 0);
	assert_int_equal(tc_registry_audit(fx->reg, fx->c.now, "system",
			     "card.import", NULL, NULL, err, sizeof(err)),
	    0);
	commit(fx);
	raw_exec(fx, "DELETE FROM cards WHERE serial = 40", SQLITE_CONSTRAINT);
	raw_exec(fx,
	    "DROP TRIGGER cards_no_delete; DELETE FROM cards WHERE serial = 40",
	    SQLITE_OK);
	assert_int_equal(tc_serial_reserve(fx->reg, "r7-1", "test", fx->c.now,
			     &serial, err, sizeof(err)),
	    0);
	assert_int_equal(serial, 41);
	/* The counter never goes down, is never deleted, has one row. */
	raw_exec(fx, "UPDATE serial_counter SET last = 2", SQLITE_CONSTRAINT);
	raw_exec(fx, "DELETE FROM serial_counter", SQLITE_CONSTRAINT);
	raw_exec(fx, "INSERT INTO serial_counter VALUES (2, 100)",
	    SQLITE_CONSTRAINT);
	/* Not inside a transaction. */
	begin(fx);
	expect_err(tc_serial_reserve(fx->reg, "r7-1", NULL, fx->c.now, &serial,
		       err, sizeof(err)),
	    TC_ERR_STATE, err, "of its own");
	tc_registry_rollback(fx->reg);
	expect_err(tc_app_issue(&fx->c, id, NULL, err, sizeof(err)),
	    TC_ERR_STATE, err, "issued already");
	/* Reopening keeps the counter. */
	tc_registry_close(fx->reg);
	assert_int_equal(
	    tc_registry_open(&fx->reg, fx->path, &keys, 0, err, sizeof(err)),
	    0);
	fx->c.reg = fx->reg;
	assert_int_equal(tc_serial_last(fx->reg, &last, err, sizeof(err)), 0);
	assert_int_equal(last, 41);
}

static void
test_forms(void **state)
{
	static const struct fx_refusal v[] = {
		{ "[]", TC_ERR_MALFORMED, "JSON object" },
		{ "{\"programme\": \"x\", \"programme\": \"y\"}",
		    TC_ERR_MALFORMED, "duplicate" },
		{ "{\"programme\": \"nope\"}", TC_ERR_NOT_FOUND, "nope" },
		{ "{}", TC_ERR_MALFORMED, "programme id is needed" },
		{ "{\"programme\": \"guangdong-youyue\", \"colour\": 1}",
		    TC_ERR_MALFORMED, "colour: unknown key" },
		{ "{\"format\": \"x\", \"programme\": \"guangdong-youyue\"}",
		    TC_ERR_MALFORMED, "talentcard-application/1" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"zz\"}",
		    TC_ERR_NOT_FOUND, "no clause 'zz'" },
		{ "{\"programme\": \"baiyun-yunju\", \"tier\": \"silver\", \"clause\": \"g1\"}",
		    TC_ERR_MALFORMED, "belongs to tier gold, not silver" },
		{ "{\"programme\": \"baiyun-yunju\", \"tier\": \"gold\", \"clause\": \"cbc\"}",
		    TC_ERR_MALFORMED, "decided at approval" },
		{ "{\"programme\": \"baiyun-yunju\", \"tier\": \"gold\"}",
		    TC_ERR_MALFORMED, "needs a clause" },
		{ "{\"programme\": \"chuxiong-xingchu\", \"route\": \"flexible-or-entrepreneur\", \"clause\": \"a1\"}",
		    TC_ERR_MALFORMED, "clauses of its own" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"sections\": {\"hobbies\": {}}}",
		    TC_ERR_MALFORMED, "sections.hobbies" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"sections\": {\"contact\": {\"fax\": \"1\"}}}",
		    TC_ERR_MALFORMED, "sections.contact.fax" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"sections\": {\"contact\": {\"email\": \"a@b\"}}}",
		    TC_ERR_MALFORMED, "no dot" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"sections\": {\"contact\": {\"mobile\": \"12ab\"}}}",
		    TC_ERR_MALFORMED, "sections.contact.mobile" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"sections\": {\"family\": {}}}",
		    TC_ERR_MALFORMED, "array of entries" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"sections\": {\"education\": [{\"from\": \"2010-09-01\", \"to\": \"2008-07-01\"}]}}",
		    TC_ERR_BAD_DATE, "after 'to'" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"sections\": {\"basic\": {\"birth-date\": \"2099-01-01\"}}}",
		    TC_ERR_BAD_DATE, "in the future" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"sections\": {\"basic\": {\"birth-date\": \"1985-02-30\"}}}",
		    TC_ERR_BAD_DATE, "not a real date" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\"}",
		    TC_ERR_MALFORMED, "name is needed" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"applicant\": {\"name\": \"王晓明\"}}",
		    TC_ERR_MALFORMED, "type and number are needed" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"applicant\": {\"name\": \"王晓明\", \"id_type\": \"passport\", \"id_number\": \"E12345678\"}}",
		    TC_ERR_MALFORMED, "does not take ID type passport" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"applicant\": {\"name\": \"王晓明\", \"id_type\": \"resident\", \"id_number\": \"440106198505121231\"}}",
		    TC_ERR_BAD_CHECK, "applicant.id_number" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"applicant\": {\"name\": \"\\u0001\", \"id_type\": \"resident\", \"id_number\": \"x\"}}",
		    TC_ERR_MALFORMED, "applicant.name" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"employer\": {\"code\": \"91350100M000100Y44\"}}",
		    TC_ERR_BAD_CHECK, "employer.code" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"work_type\": \"remote\"}",
		    TC_ERR_NOT_FOUND, "no work type 'remote'" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"exceptions\": {\"retirement-age\": \"x\"}}",
		    TC_ERR_MALFORMED, "in principle" },
		{ "{\"programme\": \"guangzhou-green\", \"clause\": \"a1-1\", \"exceptions\": {\"blacklist\": \"x\"}}",
		    TC_ERR_NOT_FOUND, "can have exceptions" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"attachments\": [{\"file\": \"x.pdf\"}]}",
		    TC_ERR_MALFORMED, "kind" },
		{ "{\"programme\": \"guangdong-youyue\", \"clause\": \"a-1\", \"pledge_accepted\": \"yes\"}",
		    TC_ERR_MALFORMED, "true or false" },
		{ "{\"programme\": \"guangdong-youyue\"", TC_ERR_MALFORMED,
		    "line 1" },
		{ "{\"programme\": \"guangdong-youyue\\u0000\"}",
		    TC_ERR_MALFORMED, NULL },
	};
	struct fx *fx = *state;
	struct tc_app_form f;
	char err[1024];
	size_t i;
	int r;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		r = tc_app_form_parse(fx->set, v[i].in, strlen(v[i].in), T0, &f,
		    err, sizeof(err));
		if (r != v[i].code)
			fail_msg("case %zu: expected %s, got %s: %s", i,
			    tc_errname(v[i].code), tc_errname(r), err);
		if (v[i].msg != NULL)
			fx_msg_has(i, err, v[i].msg);
		assert_null(f.form_json);
	}
}

static void
test_form_values(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangdong-youyue");
	struct tc_app_form f;
	struct tc_sample_person who;
	json_t *root;
	char *text, err[1024];
	int r;

	person(fx, &who, "王晓明", "19850512", 1);
	text = form_json(p, NULL, NULL, "a-1", &who);
	parse_form(fx, text, &f);
	free(text);
	/* The tier comes from the clause; sex and birth from the number. */
	assert_string_equal(f.tier, "a");
	assert_string_equal(f.sex, "male");
	assert_string_equal(f.birth_date, "1985-05-12");
	assert_int_equal(f.retire_base, 60);
	assert_string_equal(f.employer_code, "91440101MA5CXQ8N2U");
	assert_null(strstr(f.form_json, who.id));
	assert_null(strstr(f.form_json, "id-number"));
	assert_non_null(strstr(f.form_json, "\"unit\":\"广州云聚"));
	assert_non_null(strstr(f.form_json, "\"tier\":\"a\""));
	tc_app_form_release(&f);
	/* A sex that the number contradicts. */
	root = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "programme",
	    "guangdong-youyue", "clause", "a-1", "applicant", "name", "王晓明",
	    "id_type", "resident-id", "id_number", who.id, "sex", "female");
	text = json_dumps(root, 0);
	r = tc_app_form_parse(
	    fx->set, text, strlen(text), T0, &f, err, sizeof(err));
	expect_err(r, TC_ERR_MALFORMED, err, "the ID number says male");
	free(text);
	/* The ID number copied into another field. */
	json_object_del(json_object_get(root, "applicant"), "sex");
	json_object_set_new(root, "sections",
	    json_pack("{s:{s:s}}", "achievements", "text", who.id));
	text = json_dumps(root, 0);
	r = tc_app_form_parse(
	    fx->set, text, strlen(text), T0, &f, err, sizeof(err));
	expect_err(r, TC_ERR_MALFORMED, err, "appears in another field");
	assert_null(strstr(err, who.id));
	free(text);
	/* Two places, two values. */
	json_object_set_new(root, "sections",
	    json_pack("{s:{s:s}}", "basic", "name", "王小明"));
	text = json_dumps(root, 0);
	r = tc_app_form_parse(
	    fx->set, text, strlen(text), T0, &f, err, sizeof(err));
	expect_err(r, TC_ERR_MALFORMED, err, "differs from applicant.name");
	free(text);
	/* 1000 characters of achievements pass, 1001 do not. */
	{
		char big[4 * 1001 + 1];
		size_t i;

		for (i = 0; i < 1000; i++)
			memcpy(big + 3 * i, "绩", 3);
		big[3000] = '\0';
		json_object_set_new(root, "sections",
		    json_pack("{s:{s:s}}", "achievements", "text", big));
		text = json_dumps(root, 0);
		assert_int_equal(tc_app_form_parse(fx->set, text, strlen(text),
				     T0, &f, err, sizeof(err)),
		    0);
		tc_app_form_release(&f);
		free(text);
		memcpy(big + 3000, "绩", 4);
		json_object_set_new(root, "sections",
		    json_pack("{s:{s:s}}", "achievements", "text", big));
		text = json_dumps(root, 0);
		r = tc_app_form_parse(
		    fx->set, text, strlen(text), T0, &f, err, sizeof(err));
		expect_err(r, TC_ERR_MALFORMED, err, "1001 characters");
		free(text);
	}
	json_decref(root);
}

static void
test_completeness(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangdong-youyue");
	struct tc_app_form f;
	struct tc_sample_person who;
	char *text, err[1024];
	int64_t id;

	/* Only the identity: everything else is listed as missing. */
	person(fx, &who, "王晓明", "19850512", 1);
	text = NULL;
	{
		json_t *root = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}",
		    "programme", "guangdong-youyue", "clause", "a-1",
		    "applicant", "name", who.name, "id_type", "resident",
		    "id_number", who.id);

		text = json_dumps(root, 0);
		json_decref(root);
	}
	parse_form(fx, text, &f);
	free(text);
	AS(fx, "clerk");
	begin(fx);
	assert_int_equal(tc_app_create(&fx->c, &f, &id, err, sizeof(err)), 0);
	commit(fx);
	tc_app_form_release(&f);
	begin(fx);
	expect_err(tc_app_submit(&fx->c, id, 0, err, sizeof(err)),
	    TC_ERR_MALFORMED, err, "incomplete");
	tc_registry_rollback(fx->reg);
	assert_non_null(strstr(err, "sections.contact.email"));
	assert_non_null(strstr(err, "sections.family: at least 1"));
	assert_non_null(strstr(err, "work type"));
	assert_non_null(strstr(err, "photo"));
	assert_non_null(strstr(err, "material id-document"));
	assert_non_null(strstr(err, "pledge"));
	/* The full form: the pledge is still needed (003 2.1.6). */
	text = form_json(p, NULL, NULL, "a-1", &who);
	parse_form(fx, text, &f);
	free(text);
	begin(fx);
	assert_int_equal(tc_app_update(&fx->c, id, &f, err, sizeof(err)), 0);
	commit(fx);
	tc_app_form_release(&f);
	attach_all(fx, id, p, "a", "full-time", 0);
	begin(fx);
	expect_err(tc_app_submit(&fx->c, id, 0, err, sizeof(err)),
	    TC_ERR_MALFORMED, err, "(1 missing): the integrity pledge");
	assert_int_equal(tc_app_submit(&fx->c, id, 1, err, sizeof(err)), 0);
	commit(fx);
	/* Flexible work needs other materials than full-time. */
	person(fx, &who, "Emily Carter", "19880420", 0);
	who.work_type = "flexible";
	text = form_json(p, NULL, NULL, "a-1", &who);
	parse_form(fx, text, &f);
	free(text);
	begin(fx);
	assert_int_equal(tc_app_create(&fx->c, &f, &id, err, sizeof(err)), 0);
	commit(fx);
	tc_app_form_release(&f);
	attach_all(fx, id, p, "a", "full-time", 0);
	begin(fx);
	expect_err(tc_app_submit(&fx->c, id, 1, err, sizeof(err)),
	    TC_ERR_MALFORMED, err, "material cooperation-agreement");
	tc_registry_rollback(fx->reg);
	/* Changing the person or the programme is refused. */
	person(fx, &who, "陈静", "19860606", 0);
	text = form_json(p, NULL, NULL, "a-1", &who);
	parse_form(fx, text, &f);
	free(text);
	begin(fx);
	expect_err(tc_app_update(&fx->c, id, &f, err, sizeof(err)),
	    TC_ERR_POLICY, err, "another person");
	tc_registry_rollback(fx->reg);
	tc_app_form_release(&f);
}

/* attach_cb for every file but the photo (kind TC_ATT_PHOTO). */
static int
attach_no_photo_cb(const struct tc_sample_file *f, void *arg)
{
	return f->kind == TC_ATT_PHOTO ? 0 : attach_cb(f, arg);
}

/* Submits id: refused as incomplete, naming the photo. */
static void
submit_lacks_photo(struct fx *fx, int64_t id)
{
	char err[1024];

	begin(fx);
	expect_err(tc_app_submit(&fx->c, id, 1, err, sizeof(err)),
	    TC_ERR_MALFORMED, err, "incomplete");
	tc_registry_rollback(fx->reg);
	if (strstr(err, ": photo") == NULL)
		fail_msg("'%s' does not name the photo", err);
}

/* Attaches photo b as name to id, then submits it: both pass. */
static void
photo_then_submit(
    struct fx *fx, int64_t id, const char *name, const struct tc_buf *b)
{
	char err[1024];

	assert_int_equal(
	    attach(fx, id, TC_ATT_PHOTO, NULL, name, b, err, sizeof(err)), 0);
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
}

/*
 * Every printed card has a photo (issue 17): Chuxiong's form asks for one
 * of 358 x 441 pixels, and a sub-card application needs the relative's.
 */
static void
test_photo_required(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *cx = prog(fx, "chuxiong-xingchu");
	const struct tc_programme *g = prog(fx, "guangzhou-green");
	struct attach_arg aa = { fx, 0 };
	struct tc_sample_person who, rel;
	struct tc_app_form f;
	struct tc_card a;
	struct tc_buf b;
	char err[1024];
	int64_t id;

	/* Chuxiong: everything but the photo. */
	person(fx, &who, "李楚雄", "19800303", 1);
	aa.id = id = create_draft(fx, cx, "a", NULL, "a2", &who, 0, &f);
	tc_app_form_release(&f);
	assert_int_equal(tc_sample_materials(cx, "a", NULL, TC_ID_RESIDENT, 0,
			     attach_no_photo_cb, &aa),
	    0);
	submit_lacks_photo(fx, id);
	/* A photo of another size is refused, by its pixels. */
	tc_buf_init(&b, TC_ATTACH_MAX);
	assert_int_equal(tc_sample_png(&b, 300, 400), 0);
	expect_err(attach(fx, id, TC_ATT_PHOTO, NULL, "small.png", &b, err,
		       sizeof(err)),
	    TC_ERR_RANGE, err, "needs 358 x 441");
	tc_buf_reset(&b);
	assert_int_equal(tc_sample_png(&b, 358, 441), 0);
	photo_then_submit(fx, id, "photo.png", &b);
	/* A green card sub-card: the relative's materials, not the photo. */
	person(fx, &who, "Oliver Bennett", "19820808", 1);
	card_for(fx, "guangzhou-green", "a", &who, &a);
	person(fx, &rel, "王小雨", "19870203", 0);
	aa.id = id = create_sub(fx, g, "a-spouse", a.serial, &rel);
	assert_int_equal(tc_sample_materials(g, "a-spouse", NULL,
			     TC_ID_RESIDENT, 1, attach_no_photo_cb, &aa),
	    0);
	submit_lacks_photo(fx, id);
	tc_buf_reset(&b);
	assert_int_equal(tc_sample_jpeg(&b, 358, 441), 0);
	photo_then_submit(fx, id, "relative.jpg", &b);
	tc_buf_release(&b);
}

/*
 * Searches the registry files (database, WAL, index) for the ID number in
 * any usual spelling, for what can be derived from it (the birth date in
 * the usual spellings, the region code) and for the masked forms of
 * before schema version 7 (first 4 and last 4 characters).
 */
static void
no_plain_id(struct fx *fx, const char *id)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char path[160], head[18], region[7], oldmask[19], bd[8][32];
	int y, m, d;
	uint8_t *data;
	size_t i, k, n;
	long len;
	FILE *f;

	memcpy(head, id, 17);
	head[17] = '\0';
	memcpy(region, id, 6);
	region[6] = '\0';
	snprintf(oldmask, sizeof(oldmask), "%.4s**********%.4s", id, id + 14);
	assert_int_equal(sscanf(id + 6, "%4d%2d%2d", &y, &m, &d), 3);
	snprintf(bd[0], sizeof(bd[0]), "%04d%02d%02d", y, m, d);
	snprintf(bd[1], sizeof(bd[1]), "%04d-%02d-%02d", y, m, d);
	snprintf(bd[2], sizeof(bd[2]), "%04d/%02d/%02d", y, m, d);
	snprintf(bd[3], sizeof(bd[3]), "%04d.%02d.%02d", y, m, d);
	snprintf(bd[4], sizeof(bd[4]), "%02d.%02d.%04d", d, m, y);
	snprintf(bd[5], sizeof(bd[5]), "%04d年%02d月%02d日", y, m, d);
	snprintf(bd[6], sizeof(bd[6]), "%04d年%d月%d日", y, m, d);
	snprintf(bd[7], sizeof(bd[7]), "%04d-%d-%d", y, m, d);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", fx->path, suffix[i]);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		fseek(f, 0, SEEK_SET);
		data = malloc((size_t)len + 1);
		n = fread(data, 1, (size_t)len, f);
		fclose(f);
		if (memmem(data, n, id, strlen(id)) != NULL ||
		    memmem(data, n, head, 17) != NULL)
			fail_msg("the plain ID number is in %s", path);
		for (k = 0; k < sizeof(bd) / sizeof(bd[0]); k++)
			if (memmem(data, n, bd[k], strlen(bd[k])) != NULL)
				fail_msg(
				    "the birth date %s is in %s", bd[k], path);
		if (memmem(data, n, region, 6) != NULL)
			fail_msg("the region code %s is in %s", region, path);
		if (memmem(data, n, oldmask, 18) != NULL ||
		    memmem(data, n, oldmask, 5) != NULL)
			fail_msg(
			    "a masked form with the region is in %s", path);
		free(data);
	}
}

static void
test_no_plain_id(void **state)
{
	struct fx *fx = *state;
	struct tc_sample_person who;
	struct tc_card card;
	struct tc_app a;
	struct tc_audit_report rep;
	char err[256];
	int64_t id;

	person(fx, &who, "王晓明", "19850512", 1);
	id = card_for(fx, "guangdong-youyue", "a", &who, &card);
	get(fx, id, &a);
	/* Only the last two characters are shown. */
	assert_memory_equal(a.id_masked, "****************", 16);
	assert_string_equal(a.id_masked + 16, who.id + 16);
	/* What is sealed opens again with the key. */
	assert_string_equal(a.sex, "male");
	assert_string_equal(a.birth_date, "1985-05-12");
	assert_int_equal(a.retire_base, 60);
	assert_non_null(strstr(a.form, "\"birth-date\":\"1985-05-12\""));
	tc_app_release(&a);
	no_plain_id(fx, who.id);
	tc_registry_close(fx->reg);
	fx->reg = NULL;
	no_plain_id(fx, who.id);
	assert_int_equal(
	    tc_registry_open(&fx->reg, fx->path, &keys, 0, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err)), 0);
}

/*
 * A registry of schema version 6 kept sex, retirement group, birth date
 * and form in plain, and masks with the region: opening it migrates (seals
 * them, shortens the masks, drops the columns) and leaves none of it in
 * the files.
 */
static void
test_migrate_v7(void **state)
{
	struct fx *fx = *state;
	struct tc_sample_person who;
	struct tc_card card;
	struct tc_app a;
	struct tc_holder h;
	struct tc_audit_report rep;
	char err[256], sql[4096], oldmask[19];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t id;

	person(fx, &who, "王晓明", "19850512", 1);
	id = card_for(fx, "guangdong-youyue", "a", &who, &card);
	tc_registry_close(fx->reg);
	fx->reg = NULL;
	/* Back to version 6 by hand, with the values in plain. */
	snprintf(oldmask, sizeof(oldmask), "%.4s**********%.4s", who.id,
	    who.id + 14);
	snprintf(sql, sizeof(sql),
	    FX_UNDO_SCHEMA_17 FX_UNDO_SCHEMA_16 FX_UNDO_SCHEMA_15
		FX_UNDO_SCHEMA_14 FX_UNDO_SCHEMA_13 FX_UNDO_SCHEMA_12
		    FX_UNDO_SCHEMA_11 FX_UNDO_SCHEMA_10 FX_UNDO_SCHEMA_9
			FX_UNDO_SCHEMA_8
	    "ALTER TABLE applications ADD COLUMN sex TEXT;ALTER TABLE applications ADD COLUMN retire_base INTEGER;ALTER TABLE applications ADD COLUMN birth_date TEXT;ALTER TABLE applications ADD COLUMN form TEXT NOT NULL DEFAULT '{}';UPDATE applications SET sex = 'male', retire_base = 60, birth_date = '1985-05-12', form = '{\"basic\":{\"birth-date\":\"1985-05-12\",\"sex\":\"male\"}}', id_masked = '%s';ALTER TABLE applications DROP COLUMN personal;UPDATE holders SET id_masked = '%s';INSERT INTO blacklist (id_mac, id_masked, reason, added_at, added_by) VALUES (randomblob(32), '1101**********002X', 'x', 0, 'x');PRAGMA user_version = 6;",
	    oldmask, oldmask);
	fx_raw_exec(fx->path, sql);
	if (tc_registry_open(&fx->reg, fx->path, &keys, 0, err, sizeof(err)) !=
	    0)
		fail_msg("reopen: %s", err);
	fx->c.reg = fx->reg;
	assert_int_equal(
	    tc_registry_schema_version(fx->reg), TC_REGISTRY_SCHEMA_VERSION);
	get(fx, id, &a);
	assert_string_equal(a.sex, "male");
	assert_string_equal(a.birth_date, "1985-05-12");
	assert_int_equal(a.retire_base, 60);
	assert_string_equal(a.form,
	    "{\"basic\":{\"birth-date\":\"1985-05-12\",\"sex\":\"male\"}}");
	assert_memory_equal(a.id_masked, "****************", 16);
	assert_string_equal(a.id_masked + 16, who.id + 16);
	tc_app_release(&a);
	assert_int_equal(tc_registry_holder_get(
			     fx->reg, card.holder_id, &h, err, sizeof(err)),
	    0);
	assert_string_equal(h.id_number, who.id);
	assert_memory_equal(h.id_masked, "****************", 16);
	tc_holder_release(&h);
	/* The plain columns are gone. */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
		"SELECT count(*) FROM pragma_table_info('applications') WHERE name IN ('sex', 'retire_base', 'birth_date', 'form')",
		-1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db,
			     "SELECT id_masked FROM blacklist", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(
	    (const char *)sqlite3_column_text(st, 0), "****************2X");
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* Nothing of it is left in the files, free pages and WAL included. */
	no_plain_id(fx, who.id);
	tc_registry_close(fx->reg);
	fx->reg = NULL;
	no_plain_id(fx, who.id);
	assert_int_equal(
	    tc_registry_open(&fx->reg, fx->path, &keys, 0, err, sizeof(err)),
	    0);
	fx->c.reg = fx->reg;
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err)), 0);
}

/*
 * The sealed personal data is bound to the person: moved to another
 * person's row, or altered, it does not open.
 */
static void
test_personal_bound(void **state)
{
	struct fx *fx = *state;
	struct tc_sample_person p1, p2;
	struct tc_card card;
	struct tc_app a;
	char err[256], sql[256];
	int64_t id1, id2;

	person(fx, &p1, "王晓明", "19850512", 1);
	id1 = card_for(fx, "guangdong-youyue", "a", &p1, &card);
	person(fx, &p2, "李娜", "19900101", 0);
	id2 = card_for(fx, "guangdong-youyue", "a", &p2, &card);
	snprintf(sql, sizeof(sql),
	    "UPDATE applications SET personal = (SELECT personal FROM applications WHERE id = %lld) WHERE id = %lld",
	    (long long)id1, (long long)id2);
	fx_raw_exec(fx->path, sql);
	assert_int_equal(
	    tc_app_get(fx->reg, id2, &a, err, sizeof(err)), TC_ERR_DECRYPT);
	assert_non_null(strstr(err, "sealed applicant data does not open"));
	snprintf(sql, sizeof(sql),
	    "UPDATE applications SET personal = zeroblob(40) WHERE id = %lld",
	    (long long)id1);
	fx_raw_exec(fx->path, sql);
	assert_int_not_equal(tc_app_get(fx->reg, id1, &a, err, sizeof(err)), 0);
}

static int
count_app(const struct tc_app *a, void *arg)
{
	(void)a;
	++*(int *)arg;
	return 0;
}

/* The applications the acting operator of fx may list. */
static int
visible_count(struct fx *fx)
{
	struct tc_app_filter flt;
	int n = 0;

	memset(&flt, 0, sizeof(flt));
	flt.ctx = &fx->c;
	assert_int_equal(tc_app_list(fx->reg, &flt, count_app, &n, NULL, 0), 0);
	return n;
}

/*
 * Organisations: routing to the employer's unit at submission (made when
 * unknown, audited), scoping of every act (T51 of RULES: another unit's
 * reviewer gets "no application N" and cannot approve; the unit's can),
 * visibility and listing, the unit's supplement and four eyes.
 */
static void
test_orgs_scoping(void **state)
{
	struct fx *fx = *state;
	const struct tc_app_patch ok[] = {
		{ "basic.position", "高级工程师" },
		{ "basic.employer-address", "广州市天河区示例路1号" },
	};
	struct tc_app_patch bad;
	struct tc_sample_person who;
	struct tc_organisation o;
	struct tc_app a;
	char err[1024], missing[256], want[64];
	int64_t id;

	id = apply_unit_a(fx, &who, "刘伟", "19880313", 1);
	/* Not routed before submission. */
	assert_int_equal(tc_registry_org_get(fx->reg, FX_UNIT_A, &o, NULL, 0),
	    TC_ERR_NOT_FOUND);
	AS(fx, "clerk");
	if (submit(fx, id, err, sizeof(err)) != 0)
		fail_msg("submit: %s", err);
	assert_int_equal(
	    tc_registry_org_get(fx->reg, FX_UNIT_A, &o, NULL, 0), 0);
	assert_int_equal(o.kind, TC_ORG_UNIT);
	assert_string_equal(o.name, "广州天河示例软件技术有限公司");
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM audit WHERE action = 'organisation.add' AND subject = 'organisation:" FX_UNIT_A
		"'"),
	    1);
	/* Unit B and its reviewer; unit A's reviewer. */
	add_org(fx->reg, TC_ORG_UNIT, "91440305MA5G2L9N48");
	add_operator_in(fx->reg, "ub", TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER),
	    "91440305MA5G2L9N48");
	add_operator_in(
	    fx->reg, "ua", TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), FX_UNIT_A);
	/* What a missing application says. */
	AS(fx, "ub");
	expect_err(review(fx, 999999, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL,
		       missing, sizeof(missing)),
	    TC_ERR_NOT_FOUND, missing, "no application 999999");
	snprintf(want, sizeof(want), "no application %lld", (long long)id);
	/* T51: unit B's reviewer neither sees nor acts. */
	get(fx, id, &a);
	assert_false(tc_app_visible(&fx->c, &a));
	assert_int_equal(visible_count(fx), 0);
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_NOT_FOUND, err, want);
	assert_string_equal(err, want);
	expect_err(review(fx, id, TC_REVIEW_RETURN, "x", NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_NOT_FOUND, err, want);
	begin(fx);
	expect_err(tc_app_supplement(&fx->c, id, ok, 1, "x", err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, want);
	expect_err(tc_app_withdraw(&fx->c, id, "x", err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, want);
	tc_registry_rollback(fx->reg);
	/* Others: the district sees it once it reaches the district. */
	AS(fx, "r3-1");
	assert_false(tc_app_visible(&fx->c, &a));
	AS(fx, "r4-1"); /* the talent office: authority-wide */
	assert_true(tc_app_visible(&fx->c, &a));
	AS(fx, "aud");
	assert_true(tc_app_visible(&fx->c, &a));
	/* Unit A's reviewer sees it and supplements. */
	AS(fx, "ua");
	assert_true(tc_app_visible(&fx->c, &a));
	assert_int_equal(visible_count(fx), 1);
	tc_app_release(&a);
	begin(fx);
	expect_err(tc_app_supplement(&fx->c, id, ok, 2, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "reason");
	bad.field = "basic.name";
	bad.value = "张三";
	expect_err(
	    tc_app_supplement(&fx->c, id, &bad, 1, "x", err, sizeof(err)),
	    TC_ERR_POLICY, err, "basic.name");
	bad.field = "basic.employer";
	expect_err(
	    tc_app_supplement(&fx->c, id, &bad, 1, "x", err, sizeof(err)),
	    TC_ERR_POLICY, err, "derived from it");
	bad.field = "basic.nothing";
	expect_err(
	    tc_app_supplement(&fx->c, id, &bad, 1, "x", err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no form field");
	bad.field = "basic.position";
	bad.value = "a\001b";
	expect_err(
	    tc_app_supplement(&fx->c, id, &bad, 1, "x", err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "basic.position");
	if (tc_app_supplement(
		&fx->c, id, ok, 2, "单位核实后补充", err, sizeof(err)) != 0)
		fail_msg("supplement: %s", err);
	commit(fx);
	get(fx, id, &a);
	assert_non_null(strstr(a.form, "高级工程师"));
	assert_non_null(strstr(a.form, "示例路1号"));
	tc_app_release(&a);
	/* Recorded with the field names, never the values. */
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM application_actions WHERE action = 'supplement' AND operator = 'ua' AND step = 0 AND instr(detail, 'basic.position') > 0 AND instr(detail, '高级') = 0"),
	    1);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM audit WHERE action = 'application.supplement' AND instr(detail, '高级') = 0"),
	    1);
	/* Four eyes: the same step may still be approved by ua. */
	assert_int_equal(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL,
			     err, sizeof(err)),
	    0);
	/* Past the unit's step: no more supplements; ua still sees it. */
	begin(fx);
	expect_err(tc_app_supplement(&fx->c, id, ok, 1, "x", err, sizeof(err)),
	    TC_ERR_STATE, err, "not the unit's");
	tc_registry_rollback(fx->reg);
	expect_err(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		       sizeof(err)),
	    TC_ERR_FORBIDDEN, err, "hr-reviewer");
	/* The district now sees it and takes its step. */
	AS(fx, "r3-1");
	get(fx, id, &a);
	assert_true(tc_app_visible(&fx->c, &a));
	tc_app_release(&a);
	assert_int_equal(review(fx, id, TC_REVIEW_APPROVE, NULL, NULL, 0, NULL,
			     err, sizeof(err)),
	    0);
}

/*
 * The audited reveal of an applicant's full ID number (tc_app_reveal_id):
 * only inside a transaction; the unit's reviewer and the approver get
 * it, each with an entry without the number; the auditor and the
 * card issuer are refused by role, another unit by "no application".
 * And which fields a supplement may change (tc_app_supplement_field).
 */
static void
test_reveal_id(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangdong-youyue");
	struct tc_sample_person who;
	char number[TC_ID_MAX], err[1024], want[64], sql[256];
	int64_t id;

	id = apply_unit_a(fx, &who, "周敏", "19900517", 0);
	AS(fx, "clerk");
	if (submit(fx, id, err, sizeof(err)) != 0)
		fail_msg("submit: %s", err);
	add_org(fx->reg, TC_ORG_UNIT, "91440305MA5G2L9N48");
	add_operator_in(fx->reg, "rub", TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER),
	    "91440305MA5G2L9N48");
	add_operator_in(
	    fx->reg, "rua", TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), FX_UNIT_A);
	AS(fx, "rua");
	expect_err(tc_app_reveal_id(&fx->c, id, number, err, sizeof(err)),
	    TC_ERR_STATE, err, "transaction");
	assert_string_equal(number, "");
	begin(fx);
	if (tc_app_reveal_id(&fx->c, id, number, err, sizeof(err)) != 0)
		fail_msg("reveal: %s", err);
	commit(fx);
	assert_string_equal(number, who.id);
	AS(fx, "r4-1"); /* the approver, authority-wide */
	begin(fx);
	if (tc_app_reveal_id(&fx->c, id, number, err, sizeof(err)) != 0)
		fail_msg("reveal by the approver: %s", err);
	commit(fx);
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM audit WHERE action = 'application.id-reveal' AND subject = 'application:%lld' AND instr(detail, '%s') = 0",
	    (long long)id, who.id);
	assert_int_equal(count(fx, sql), 2);
	snprintf(want, sizeof(want), "no application %lld", (long long)id);
	begin(fx);
	AS(fx, "aud");
	expect_err(tc_app_reveal_id(&fx->c, id, number, err, sizeof(err)),
	    TC_ERR_FORBIDDEN, err, "needs the role");
	assert_string_equal(number, "");
	AS(fx, "r7-1"); /* the card issuer, authority-wide */
	expect_err(tc_app_reveal_id(&fx->c, id, number, err, sizeof(err)),
	    TC_ERR_FORBIDDEN, err, "needs the role");
	AS(fx, "rub");
	expect_err(tc_app_reveal_id(&fx->c, id, number, err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, want);
	expect_err(tc_app_reveal_id(&fx->c, 999999, number, err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no application 999999");
	tc_registry_rollback(fx->reg);
	/* The fields a unit may supplement. */
	assert_true(tc_app_supplement_field(p, "basic.position"));
	assert_false(tc_app_supplement_field(p, "basic.name"));
	assert_false(tc_app_supplement_field(p, "basic.employer"));
	assert_false(tc_app_supplement_field(p, "basic.nothing"));
	assert_false(tc_app_supplement_field(p, "position"));
	assert_false(tc_app_supplement_field(NULL, "basic.position"));
}

/* The work queue of the acting operator by tc_app_list (the reference). */
struct ref_queue {
	struct fx *fx;
	unsigned roles;
	const struct tc_operator *op;
	struct tc_app_cursor at[32];
	size_t n;
};

static int
ref_before(const struct tc_app_cursor *x, const struct tc_app_cursor *y)
{
	int c = strcmp(x->deadline[0] ? x->deadline : "~",
	    y->deadline[0] ? y->deadline : "~");

	return c < 0 || (c == 0 && x->id < y->id);
}

static int
ref_one(const struct tc_app *a, void *arg)
{
	struct ref_queue *q = arg;
	const struct tc_programme *p =
	    tc_programme_set_find(q->fx->set, a->programme);
	const struct tc_step *steps, *s;
	struct tc_app_cursor c;
	size_t n, i;

	if ((a->state != TC_APP_SUBMITTED && a->state != TC_APP_APPROVED) ||
	    p == NULL || tc_app_steps(p, a, &steps, &n, NULL, 0) != 0 ||
	    a->step < 0 || (size_t)a->step >= n ||
	    !(q->roles & TC_ROLE_BIT(steps[a->step].role)))
		return 0;
	/* The step's organisation (docs/workflow.md "Organisations"). */
	s = &steps[a->step];
	if (s->role == TC_ROLE_UNIT_REVIEWER ? q->op->org_kind != TC_ORG_UNIT ||
		    strcmp(q->op->org_code, a->employer_code) != 0
		: s->organisation != NULL
		? strcmp(q->op->org_code, s->organisation) != 0
		: !(tc_org_kind_roles(q->op->org_kind) & TC_ROLE_BIT(s->role)))
		return 0;
	assert_true(q->n < 32);
	snprintf(c.deadline, sizeof(c.deadline), "%s", a->deadline);
	c.id = a->id;
	for (i = q->n; i > 0 && ref_before(&c, &q->at[i - 1]); i--)
		q->at[i] = q->at[i - 1];
	q->at[i] = c;
	q->n++;
	return 0;
}

struct got_queue {
	int64_t ids[32];
	char last[TC_APP_CURSOR_MAX], first[TC_APP_CURSOR_MAX];
	size_t n;
};

static int
got_one(const struct tc_app *a, void *arg)
{
	struct got_queue *g = arg;

	assert_true(g->n < 32);
	if (g->first[0] == '\0')
		tc_app_cursor_text(a, g->first);
	tc_app_cursor_text(a, g->last);
	g->ids[g->n++] = a->id;
	return 0;
}

/*
 * Checks tc_app_queue for operator name against the reference: walked
 * forward in pages of one and whole, and backward from its last one.
 */
static void
check_queue(struct fx *fx, const char *name)
{
	struct ref_queue ref = { fx, 0, NULL, { { "", 0 } }, 0 };
	struct got_queue g, page;
	struct tc_app_filter flt;
	struct tc_app_cursor from;
	struct tc_operator op;
	char err[256];
	size_t i;
	int more;

	AS(fx, name);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, name, &op, err, sizeof(err)), 0);
	ref.roles = op.roles;
	ref.op = &op;
	memset(&flt, 0, sizeof(flt));
	flt.ctx = &fx->c;
	assert_int_equal(tc_app_list(fx->reg, &flt, ref_one, &ref, NULL, 0), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(tc_app_queue(&fx->c, NULL, 0, TC_APP_QUEUE_MAX,
			     got_one, &g, &more, err, sizeof(err)),
	    0);
	assert_int_equal(more, 0);
	assert_int_equal(g.n, ref.n);
	for (i = 0; i < ref.n; i++)
		assert_int_equal(g.ids[i], ref.at[i].id);
	/* Pages of one: each "more" but the last. */
	for (i = 0; i < ref.n; i++) {
		memset(&page, 0, sizeof(page));
		assert_int_equal(tc_app_queue(&fx->c, i ? &from : NULL, 0, 1,
				     got_one, &page, &more, err, sizeof(err)),
		    0);
		assert_int_equal(page.n, 1);
		assert_int_equal(page.ids[0], ref.at[i].id);
		assert_int_equal(more, i + 1 < ref.n);
		assert_int_equal(tc_app_cursor_parse(page.last, &from), 0);
	}
	/* Backward from the last: the rest in queue order. */
	if (ref.n > 1) {
		memset(&page, 0, sizeof(page));
		assert_int_equal(
		    tc_app_queue(&fx->c, &from, 1, TC_APP_QUEUE_MAX, got_one,
			&page, &more, err, sizeof(err)),
		    0);
		assert_int_equal(page.n, ref.n - 1);
		assert_int_equal(more, 0);
		for (i = 0; i + 1 < ref.n; i++)
			assert_int_equal(page.ids[i], ref.at[i].id);
		memset(&page, 0, sizeof(page));
		assert_int_equal(tc_app_queue(&fx->c, &from, 1, 1, got_one,
				     &page, &more, err, sizeof(err)),
		    0);
		assert_int_equal(page.ids[0], ref.at[ref.n - 2].id);
		assert_int_equal(more, ref.n > 2);
	}
}

static const char *const queue_ops[] = { "clerk", "clerk2", "both", "aud", "ua",
	"ub", "r2-1", "r3-1", "r3-2", "r4-1", "r5-1" };

/*
 * The work queue (issue 15): tc_app_queue gives, page by page, what
 * tc_app_list's visibility and the current step's role give, in order of
 * deadline then id; cursors; a PDF's kept page count; a registry of
 * schema 8 (no step owners)
 * reads an empty queue until tc_app_queue_fill, which then fills every
 * waiting application once.
 */
static void
test_queue(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *green = prog(fx, "guangzhou-green");
	struct tc_sample_person who;
	struct tc_app_cursor cur;
	struct got_queue g;
	char err[1024], sql[256];
	int64_t id[5], n, pdf;
	size_t i;
	int more;

	add_org(fx->reg, TC_ORG_UNIT, "91440305MA5G2L9N48");
	add_operator_in(fx->reg, "ub", TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER),
	    "91440305MA5G2L9N48");
	id[0] = apply_unit_a(fx, &who, "刘伟", "19880313", 1);
	id[1] = apply_unit_a(fx, &who, "王芳", "19870214", 0);
	person(fx, &who, "Emily Carter", "19880420", 0);
	id[2] = apply_new(fx, green, "a", NULL, "a1-1", &who);
	fx->c.now = T0 + 86400;
	person(fx, &who, "李华", "19900101", 1);
	id[3] = apply_new(fx, green, "a", NULL, "a1-1", &who);
	person(fx, &who, "张伟", "19910505", 1);
	id[4] = apply_new(fx, green, "a", NULL, "a1-1", &who); /* a draft */
	AS(fx, "clerk");
	for (i = 0; i < 4; i++)
		if (submit(fx, id[i], err, sizeof(err)) != 0)
			fail_msg("submit %lld: %s", (long long)id[i], err);
	/* Unit A is made at the submission: its reviewer. */
	add_operator_in(
	    fx->reg, "ua", TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), FX_UNIT_A);
	AS(fx, "r3-1");
	if (review(fx, id[3], TC_REVIEW_APPROVE, NULL, NULL, 0, NULL, err,
		sizeof(err)) != 0)
		fail_msg("review: %s", err);
	for (i = 0; i < sizeof(queue_ops) / sizeof(queue_ops[0]); i++)
		check_queue(fx, queue_ops[i]);
	/*
	 * Seen for another reason (ub made it), at a step of ub's role but
	 * of unit A: not in ub's queue, as its review would be "no
	 * application" (tc_app_takes_step).
	 */
	snprintf(sql, sizeof(sql),
	    "UPDATE applications SET created_by = 'ub' WHERE id = %lld",
	    (long long)id[0]);
	fx_raw_exec(fx->path, sql);
	AS(fx, "ub");
	memset(&g, 0, sizeof(g));
	assert_int_equal(tc_app_queue(&fx->c, NULL, 0, TC_APP_QUEUE_MAX,
			     got_one, &g, &more, err, sizeof(err)),
	    0);
	for (i = 0; i < g.n; i++)
		assert_int_not_equal(g.ids[i], id[0]);
	assert_int_equal(review(fx, id[0], TC_REVIEW_APPROVE, NULL, NULL, 0,
			     NULL, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	check_queue(fx, "ub");
	check_queue(fx, "ua");
	/* Cursors. */
	assert_int_equal(tc_app_cursor_parse("2026-03-09.12", &cur), 0);
	assert_string_equal(cur.deadline, "2026-03-09");
	assert_int_equal(cur.id, 12);
	assert_int_equal(tc_app_cursor_parse("none.7", &cur), 0);
	assert_string_equal(cur.deadline, "");
	for (i = 0; i < 8; i++)
		assert_int_equal(
		    tc_app_cursor_parse(
			(const char *[]){ "", "none", "none.", "none.0",
			    "none.07", "2026-3-09.1", "2026-03-09.1x",
			    "none.1234567890123456" }[i],
			&cur),
		    TC_ERR_INVALID_ARG);
	AS(fx, "clerk");
	memset(&g, 0, sizeof(g));
	assert_int_equal(tc_app_queue(&fx->c, NULL, 0, 0, got_one, &g, &more,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_app_queue(&fx->c, NULL, 1, 1, got_one, &g, &more,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* A PDF's page count, kept once by one who may see it. */
	snprintf(sql, sizeof(sql),
	    "SELECT id FROM attachments WHERE application_id = %lld AND media_type = 'application/pdf' ORDER BY id LIMIT 1",
	    (long long)id[2]);
	pdf = count(fx, sql);
	assert_true(pdf > 0);
	assert_int_equal(tc_app_attachment_set_pages(
			     &fx->c, id[2], pdf, 3, err, sizeof(err)),
	    TC_ERR_STATE);
	begin(fx);
	assert_int_equal(tc_app_attachment_set_pages(
			     &fx->c, id[2], pdf, 0, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	AS(fx, "ub");
	expect_err(tc_app_attachment_set_pages(
		       &fx->c, id[2], pdf, 3, err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no application");
	AS(fx, "clerk");
	assert_int_equal(tc_app_attachment_set_pages(
			     &fx->c, id[0], pdf, 3, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(tc_app_attachment_set_pages(
			     &fx->c, id[2], pdf, 3, err, sizeof(err)),
	    0);
	commit(fx);
	begin(fx);
	assert_int_equal(tc_app_attachment_set_pages(
			     &fx->c, id[2], pdf, 5, err, sizeof(err)),
	    0);
	commit(fx);
	snprintf(sql, sizeof(sql),
	    "SELECT pages FROM attachments WHERE id = %lld", (long long)pdf);
	assert_int_equal(count(fx, sql), 3);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM audit WHERE action = 'attachment.pages'"),
	    1);
	/* Schema 8: no owners until filled. */
	tc_registry_close(fx->reg);
	fx->reg = NULL;
	fx_raw_exec(fx->path,
	    FX_UNDO_SCHEMA_17 FX_UNDO_SCHEMA_16 FX_UNDO_SCHEMA_15
		FX_UNDO_SCHEMA_14 FX_UNDO_SCHEMA_13 FX_UNDO_SCHEMA_12
		    FX_UNDO_SCHEMA_11 FX_UNDO_SCHEMA_10
	    "PRAGMA user_version = 9;");
	if (tc_registry_open(&fx->reg, fx->path, &keys, 0, err, sizeof(err)) !=
	    0)
		fail_msg("reopen: %s", err);
	fx->c.reg = fx->reg;
	assert_int_equal(
	    tc_registry_schema_version(fx->reg), TC_REGISTRY_SCHEMA_VERSION);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM applications WHERE step_role IS NOT NULL"),
	    0);
	assert_int_equal(tc_app_queue(&fx->c, NULL, 0, 10, got_one, &g, &more,
			     err, sizeof(err)),
	    0);
	assert_int_equal(g.n, 0);
	assert_int_equal(
	    tc_app_queue_fill(&fx->c, &n, err, sizeof(err)), TC_ERR_STATE);
	begin(fx);
	assert_int_equal(tc_app_queue_fill(&fx->c, &n, err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(n, 4);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM applications WHERE step_role = 'unit-reviewer' AND step_org = '" FX_UNIT_A
		"'"),
	    2);
	begin(fx);
	assert_int_equal(tc_app_queue_fill(&fx->c, &n, err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(n, 0);
	for (i = 0; i < sizeof(queue_ops) / sizeof(queue_ops[0]); i++)
		check_queue(fx, queue_ops[i]);
}

/* The applications visible to the acting operator whose name begins with
 * prefix, by tc_app_list (the reference), in id order. */
struct ref_names {
	const char *prefix;
	int64_t ids[32];
	size_t n;
};

static int
ref_name_one(const struct tc_app *a, void *arg)
{
	struct ref_names *r = arg;

	if (strncmp(a->name, r->prefix, strlen(r->prefix)) == 0) {
		assert_true(r->n < 32);
		r->ids[r->n++] = a->id;
	}
	return 0;
}

static int
cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

/*
 * Search by name (issue 15): tc_app_find_name gives exactly the
 * applications tc_app_list lets each operator see whose name begins
 * with the prefix, limit and more, from the index of names; bad prefixes
 * are refused.
 */
static void
test_find_name(void **state)
{
	static const char *const prefixes[] = { "王", "王芳", "刘", "E",
		"Emily Carter", "张", "Zz" };
	struct fx *fx = *state;
	const struct tc_programme *green = prog(fx, "guangzhou-green");
	struct tc_sample_person who;
	struct tc_app_filter flt;
	struct ref_names ref;
	struct got_queue g;
	char err[256];
	int64_t id[4];
	size_t i, k, o;
	int more;

	id[0] = apply_unit_a(fx, &who, "王芳", "19870214", 0);
	person(fx, &who, "王芳芳", "19870215", 0);
	id[1] = apply_new(fx, green, "a", NULL, "a1-1", &who);
	person(fx, &who, "Emily Carter", "19880420", 0);
	id[2] = apply_new(fx, green, "a", NULL, "a1-1", &who);
	person(fx, &who, "刘伟", "19880313", 1);
	id[3] = apply_new(fx, green, "a", NULL, "a1-1", &who);
	AS(fx, "clerk");
	for (i = 0; i < 4; i++)
		if (submit(fx, id[i], err, sizeof(err)) != 0)
			fail_msg("submit %lld: %s", (long long)id[i], err);
	add_operator_in(
	    fx->reg, "ua", TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), FX_UNIT_A);
	for (o = 0; o < sizeof(queue_ops) / sizeof(queue_ops[0]); o++) {
		if (tc_registry_operator_get(fx->reg, queue_ops[o],
			&(struct tc_operator){ 0 }, err, sizeof(err)) != 0)
			continue; /* not made in this test */
		AS(fx, queue_ops[o]);
		for (k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
			memset(&ref, 0, sizeof(ref));
			ref.prefix = prefixes[k];
			memset(&flt, 0, sizeof(flt));
			flt.ctx = &fx->c;
			assert_int_equal(tc_app_list(fx->reg, &flt,
					     ref_name_one, &ref, NULL, 0),
			    0);
			memset(&g, 0, sizeof(g));
			assert_int_equal(tc_app_find_name(&fx->c, prefixes[k],
					     TC_APP_FIND_MAX, got_one, &g,
					     &more, err, sizeof(err)),
			    0);
			assert_int_equal(more, 0);
			assert_int_equal(g.n, ref.n);
			qsort(g.ids, g.n, sizeof(g.ids[0]), cmp_id);
			for (i = 0; i < g.n; i++)
				assert_int_equal(g.ids[i], ref.ids[i]);
		}
	}
	/* The clerk sees all four; "王" finds two, in name order. */
	AS(fx, "clerk");
	memset(&g, 0, sizeof(g));
	assert_int_equal(tc_app_find_name(&fx->c, "王", 1, got_one, &g, &more,
			     err, sizeof(err)),
	    0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ids[0], id[0]);
	assert_int_equal(more, 1);
	/* The unit's reviewer sees only the unit's applicant. */
	AS(fx, "ua");
	memset(&g, 0, sizeof(g));
	assert_int_equal(tc_app_find_name(&fx->c, "王", 10, got_one, &g, &more,
			     err, sizeof(err)),
	    0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ids[0], id[0]);
	/* Refusals. */
	assert_int_equal(tc_app_find_name(&fx->c, "", 10, got_one, &g, &more,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_app_find_name(&fx->c, "\xff\xfe", 10, got_one, &g,
			     &more, err, sizeof(err)),
	    TC_ERR_BAD_ENCODING);
	assert_int_equal(tc_app_find_name(&fx->c, "a\tb", 10, got_one, &g,
			     &more, err, sizeof(err)),
	    TC_ERR_BAD_ENCODING);
	assert_int_equal(tc_app_find_name(&fx->c, "王", TC_APP_FIND_MAX + 1,
			     got_one, &g, &more, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
}

/*
 * Which cards the pages offer an upgrade or a conversion for, from the
 * shipped programmes: Baiyun upgrades by application (silver and gold,
 * not diamond, its top) and converts nothing; the green card converts B
 * to A and has no upgrade by application; Youyue has neither.
 */
static void
test_change_offered(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *baiyun = prog(fx, "baiyun-yunju");
	const struct tc_programme *green = prog(fx, "guangzhou-green");
	const struct tc_programme *youyue = prog(fx, "guangdong-youyue");

	assert_true(tc_app_change_offered(baiyun, "silver", TC_APP_UPGRADE));
	assert_true(tc_app_change_offered(baiyun, "gold", TC_APP_UPGRADE));
	assert_false(tc_app_change_offered(baiyun, "diamond", TC_APP_UPGRADE));
	assert_false(tc_app_change_offered(baiyun, "silver", TC_APP_CONVERT));
	assert_true(tc_app_change_offered(green, "b", TC_APP_CONVERT));
	assert_false(tc_app_change_offered(green, "a", TC_APP_CONVERT));
	assert_false(tc_app_change_offered(green, "b", TC_APP_UPGRADE));
	assert_false(tc_app_change_offered(youyue, "b", TC_APP_UPGRADE));
	assert_false(tc_app_change_offered(youyue, "b", TC_APP_CONVERT));
	assert_false(tc_app_change_offered(baiyun, "platinum", TC_APP_UPGRADE));
	assert_false(tc_app_change_offered(NULL, "silver", TC_APP_UPGRADE));
	assert_false(tc_app_change_offered(baiyun, "silver", TC_APP_NEW));
}

/* Writes text to fx->dir/notify/NAME, making the directories. */
static void
notify_file(struct fx *fx, const char *name, const char *text)
{
	char path[256], cmd[320];
	FILE *f;

	snprintf(path, sizeof(path), "%s/notify/%s", fx->dir, name);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* The outbox rows of application id for event ev. */
static int64_t
outbox_n(struct fx *fx, int64_t id, const char *ev, const char *rcpt)
{
	char sql[320];

	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM outbox WHERE application_id = %lld AND event = '%s' AND recipient = '%s' AND state = 'pending'",
	    (long long)id, ev, rcpt);
	return count(fx, sql);
}

/*
 * The outbox (include/tcard/notify.h): each event of a Youyue application
 * writes its row in the event's transaction, to the form's address or the
 * unit's, rendered from the programme's override when there is one, with
 * the link to the portal and no ID number; no address, no row; a rolled
 * back event leaves none; the notifier's claim and outcome.
 */
static void
test_notify_events(void **state)
{
	static const char applicant[] = "applicant@example.com";
	static const char unit[] = "hr@unit-a.example";
	struct fx *fx = *state;
	struct tc_sample_person who;
	struct tc_notify_msg msgs[16];
	const struct tc_step *steps;
	struct tc_app a;
	struct tc_card card;
	struct tc_ecard e;
	static char op[32];
	const char *st;
	char err[1024], sql[512];
	int64_t id, id2;
	size_t n, i;

	notify_file(fx, "portal-url", "https://portal.example/\n");
	notify_file(fx, "guangdong-youyue/returned.zh.txt",
	    "退回 {app}\n\n原因：{reason}\n{link}\n{nope}\n");
	id = apply_unit_a(fx, &who, "王晓明", "19850512", 1);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	/* The unit was made at submission, without an address: no row. */
	assert_int_equal(count(fx, "SELECT count(*) FROM outbox"), 0);
	begin(fx);
	assert_int_equal(tc_notify_set_email(fx->reg, TC_NOTIFY_ORG, FX_UNIT_A,
			     unit, err, sizeof(err)),
	    0);
	expect_err(tc_notify_set_email(fx->reg, TC_NOTIFY_ORG, FX_UNIT_A,
		       "no address", err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "not an e-mail address");
	assert_int_equal(
	    tc_registry_audit(fx->reg, T0, "system", "organisation.set-email",
		FX_UNIT_A, NULL, err, sizeof(err)),
	    0);
	commit(fx);
	/* A return, in the override template, the ID number masked. */
	get(fx, id, &a);
	assert_int_equal(tc_app_steps(prog(fx, a.programme), &a, &steps, &n,
			     err, sizeof(err)),
	    0);
	op_for(fx, &a, steps, (size_t)a.step, op, sizeof(op));
	tc_app_release(&a);
	AS(fx, op);
	assert_int_equal(review(fx, id, TC_REVIEW_RETURN,
			     "请补充劳动合同 6222020200112233445", NULL, 0,
			     NULL, err, sizeof(err)),
	    0);
	assert_int_equal(outbox_n(fx, id, "returned", applicant), 1);
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM outbox WHERE application_id = %lld AND subject = '退回 %lld' AND body = '原因：请补充劳动合同 622***************5\n"
	    "https://portal.example/portal/applications/%lld\n{nope}\n' AND language = 'zh'",
	    (long long)id, (long long)id, (long long)id);
	assert_int_equal(count(fx, sql), 1);
	/* Resubmitted: the unit is told it has reached its step. */
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	assert_int_equal(outbox_n(fx, id, "reached-unit", unit), 1);
	/* Approved, then issued: the applicant and the unit. */
	advance_to(fx, id, TC_STEP_ISSUE, NULL, 0, NULL);
	assert_int_equal(outbox_n(fx, id, "approved", applicant), 1);
	issue_ok(fx, id, &card);
	assert_int_equal(outbox_n(fx, id, "issued", applicant), 1);
	assert_int_equal(outbox_n(fx, id, "unit-card-issued", unit), 1);
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM outbox WHERE event = 'issued' AND instr(body, '%s') > 0 AND instr(subject, '广东省人才优粤卡') > 0",
	    card.card_no);
	assert_int_equal(count(fx, sql), 1);
	/* The e-card: once, on its first store. */
	memset(&e, 0, sizeof(e));
	e.serial = card.serial;
	memcpy(e.card_no, card.card_no, sizeof(e.card_no));
	memset(e.kid, 'a', 16);
	e.alg = -7;
	snprintf(e.text, sizeof(e.text), "TC1:TEST");
	e.signed_at = fx->c.now;
	e.expires_at = card.expires_at;
	for (i = 0; i < 2; i++) {
		begin(fx);
		if (tc_ecard_store(fx->reg, &e, "system", err, sizeof(err)) !=
		    0)
			fail_msg("ecard: %s", err);
		commit(fx);
	}
	assert_int_equal(outbox_n(fx, id, "ecard", applicant), 1);
	/* A rejection; an event rolled back leaves no row. */
	id2 = apply_unit_a(fx, &who, "李华", "19900101", 0);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id2, err, sizeof(err)), 0);
	assert_int_equal(outbox_n(fx, id2, "reached-unit", unit), 1);
	AS(fx, op);
	begin(fx);
	get(fx, id2, &a);
	assert_int_equal(tc_notify_event(&fx->c, &a, TC_NOTIFY_REJECTED, NULL,
			     "x", NULL, err, sizeof(err)),
	    0);
	tc_registry_rollback(fx->reg);
	assert_int_equal(outbox_n(fx, id2, "rejected", applicant), 0);
	/* Outside a transaction: refused. */
	expect_err(tc_notify_event(&fx->c, &a, TC_NOTIFY_REJECTED, NULL, "x",
		       NULL, err, sizeof(err)),
	    TC_ERR_STATE, err, "transaction");
	/* No address in the form: no row, not an error. */
	free(a.form);
	a.form = strdup("{\"contact\":{\"mobile\":\"13800000000\"}}");
	begin(fx);
	assert_int_equal(tc_notify_event(&fx->c, &a, TC_NOTIFY_REJECTED, NULL,
			     "x", NULL, err, sizeof(err)),
	    0);
	commit(fx);
	tc_app_release(&a);
	assert_int_equal(outbox_n(fx, id2, "rejected", applicant), 0);
	/* An override out of shape refuses the event, naming the file. */
	notify_file(fx, "guangdong-youyue/rejected.zh.txt", "one line only\n");
	expect_err(review(fx, id2, TC_REVIEW_REJECT, "不符合条件", NULL, 0,
		       NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED, err, "notify/guangdong-youyue/rejected.zh.txt");
	notify_file(fx, "guangdong-youyue/rejected.zh.txt",
	    "未通过 {app}\n\n{reason}\n");
	assert_int_equal(review(fx, id2, TC_REVIEW_REJECT, "不符合条件", NULL,
			     0, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(outbox_n(fx, id2, "rejected", applicant), 1);
	/* The notifier's side: claim, a failure and its backoff, success. */
	assert_int_equal(count(fx, "SELECT count(*) FROM outbox"), 8);
	assert_int_equal(tc_notify_claim(fx->reg, fx->c.now, TC_NOTIFY_EMAIL, 3,
			     msgs, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 3);
	assert_true(msgs[0].id < msgs[1].id && msgs[1].id < msgs[2].id);
	assert_int_equal(strlen(msgs[0].nonce), 16);
	assert_string_equal(msgs[0].event, "returned");
	/* Claimed rows wait for their lease; the others are due. */
	assert_int_equal(tc_notify_claim(fx->reg, fx->c.now, TC_NOTIFY_EMAIL,
			     16, msgs + 3, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 5);
	for (i = 3; i < 8; i++)
		tc_notify_msg_release(&msgs[i]);
	assert_int_equal(tc_notify_done(fx->reg, msgs[0].id, fx->c.now, NULL, 3,
			     &st, err, sizeof(err)),
	    0);
	assert_string_equal(st, "sent");
	expect_err(tc_notify_done(fx->reg, msgs[0].id, fx->c.now, NULL, 3, &st,
		       err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no pending notification");
	assert_int_equal(
	    tc_notify_done(fx->reg, msgs[1].id, fx->c.now,
		"Couldn't connect to server", 2, &st, err, sizeof(err)),
	    0);
	assert_string_equal(st, "pending");
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM outbox WHERE id = %lld AND attempts = 1 AND next_attempt_at = %lld AND last_error = 'Couldn''t connect to server'",
	    (long long)msgs[1].id, (long long)fx->c.now + 30);
	assert_int_equal(count(fx, sql), 1);
	assert_int_equal(tc_notify_done(fx->reg, msgs[1].id, fx->c.now, "again",
			     2, &st, err, sizeof(err)),
	    0);
	assert_string_equal(st, "failed");
	assert_int_equal(TC_NOTIFY_BACKOFF(1), 30);
	assert_int_equal(TC_NOTIFY_BACKOFF(2), 60);
	assert_int_equal(TC_NOTIFY_BACKOFF(8), 3600);
	assert_int_equal(TC_NOTIFY_BACKOFF(40), 3600);
	for (i = 0; i < 3; i++)
		tc_notify_msg_release(&msgs[i]);
	/* Done rows need no audit entry: the registry's audit holds. */
	assert_int_equal(
	    count(fx, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 1);
	assert_int_equal(
	    count(fx, "SELECT count(*) FROM outbox WHERE state = 'failed'"), 1);
}

/*
 * The reviewers' overdue reminder: one row a day per overdue application
 * and operator with an e-mail who holds the step's role in its
 * organisation; none before the deadline has passed, none for others.
 */
static void
test_notify_overdue(void **state)
{
	struct fx *fx = *state;
	struct tc_sample_person who;
	struct tc_app a;
	char err[1024];
	int64_t id, written = -1;

	person(fx, &who, "王晓明", "19850512", 1);
	id = apply_new(fx, prog(fx, "guangzhou-green"), "b", NULL, "b1", &who);
	AS(fx, "clerk");
	assert_int_equal(submit(fx, id, err, sizeof(err)), 0);
	get(fx, id, &a);
	assert_string_equal(a.step_id, "review");
	assert_string_not_equal(a.deadline, "");
	tc_app_release(&a);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM applications WHERE step_role = 'hr-reviewer' AND step_org = ''"),
	    1);
	begin(fx);
	assert_int_equal(tc_notify_set_email(fx->reg, TC_NOTIFY_OPERATOR,
			     "clerk2", "clerk2@example.com", err, sizeof(err)),
	    0);
	/* An auditor holds another role: no reminder for it. */
	assert_int_equal(tc_notify_set_email(fx->reg, TC_NOTIFY_OPERATOR, "aud",
			     "aud@example.com", err, sizeof(err)),
	    0);
	expect_err(tc_notify_set_email(fx->reg, TC_NOTIFY_OPERATOR, "nobody",
		       "x@example.com", err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no operator nobody");
	assert_int_equal(
	    tc_registry_audit(fx->reg, T0, "system", "operator.set-email",
		"clerk2", NULL, err, sizeof(err)),
	    0);
	commit(fx);
	/* Not yet overdue. */
	begin(fx);
	assert_int_equal(
	    tc_notify_overdue(&fx->c, &written, err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(written, 0);
	/* A month later: one reminder, to clerk2; again the same day: none. */
	fx->c.now = T0 + 30 * 86400;
	begin(fx);
	assert_int_equal(
	    tc_notify_overdue(&fx->c, &written, err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(written, 1);
	assert_int_equal(outbox_n(fx, id, "overdue", "clerk2@example.com"), 1);
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM audit WHERE action = 'notify.overdue' AND operator = 'clerk'"),
	    1);
	fx->c.now += 3600;
	begin(fx);
	assert_int_equal(
	    tc_notify_overdue(&fx->c, &written, err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(written, 0);
	/* The next day, again. */
	fx->c.now += 86400;
	begin(fx);
	assert_int_equal(
	    tc_notify_overdue(&fx->c, &written, err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(written, 1);
	assert_int_equal(
	    count(fx, "SELECT count(*) FROM outbox WHERE event = 'overdue'"),
	    2);
	expect_err(tc_notify_overdue(&fx->c, &written, err, sizeof(err)),
	    TC_ERR_STATE, err, "transaction");
}

/* Counts the items of the operator's production queue in state. */
static int
prod_count_cb(const struct tc_prod_item *it, void *arg)
{
	(void)it;
	(*(int *)arg)++;
	return 0;
}

static int
prod_count(struct fx *fx, enum tc_prod_state state)
{
	char err[256];
	int n = 0;

	if (tc_prod_list(&fx->c, state, prod_count_cb, &n, err, sizeof(err)) !=
	    0)
		fail_msg("production list: %s", err);
	return n;
}

/*
 * Issue 17: the card is allocated at the last approval, in production,
 * made in its branch, delivered against the holder's ID number.
 */
static void
test_production(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangzhou-green");
	struct tc_sample_person who;
	struct tc_prod_item it;
	struct tc_card card, got;
	struct tc_app a;
	char err[1024], wrong[TC_ID_MAX];
	int64_t id;
	int n = 0;

	add_org(fx->reg, TC_ORG_BANK_BRANCH, "bank2");
	add_operator_in(
	    fx->reg, "bp", TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), "bank");
	add_operator_in(
	    fx->reg, "bp2", TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), "bank2");
	add_operator_in(
	    fx->reg, "bi", TC_ROLE_BIT(TC_ROLE_CARD_ISSUER), "bank");
	person(fx, &who, "林晓", "19850303", 0);
	id = apply_new(
	    fx, p, "a", NULL, first_clause(tc_programme_tier(p, "a")), &who);
	advance_to(fx, id, TC_STEP_PRODUCE, NULL, 24, NULL);
	get(fx, id, &a);
	assert_int_equal(a.state, TC_APP_APPROVED);
	assert_string_equal(a.step_id, "produce");
	tc_app_release(&a);
	/* Allocated: number and serial, not valid. */
	AS(fx, "bp");
	assert_int_equal(prod_count(fx, 0), 1);
	assert_int_equal(prod_count(fx, TC_PROD_TO_MAKE), 1);
	assert_int_equal(prod_count(fx, TC_PROD_MADE), 0);
	assert_int_equal(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)), 0);
	assert_int_equal(it.application, id);
	assert_int_equal(it.state, TC_PROD_TO_MAKE);
	assert_string_equal(it.name, "林晓");
	assert_null(strstr(it.id_masked, who.id));
	assert_true(it.deadline[0] != '\0');
	assert_string_equal(it.step, "produce");
	assert_int_equal(
	    tc_registry_card_get(fx->reg, 1, &got, err, sizeof(err)), 0);
	assert_int_equal(got.status, TC_CARD_PRODUCTION);
	assert_string_equal(got.card_no, it.card_no);
	/* Another branch's card is not found; an auditor has no queue. */
	raw_exec(fx, "UPDATE production SET branch = 'bank'", SQLITE_OK);
	AS(fx, "bp2");
	assert_int_equal(prod_count(fx, 0), 0);
	expect_err(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)),
	    TC_ERR_NOT_FOUND, err, "no card 1");
	begin(fx);
	expect_err(tc_prod_start(&fx->c, 1, err, sizeof(err)), TC_ERR_NOT_FOUND,
	    err, "no card 1");
	tc_registry_rollback(fx->reg);
	AS(fx, "aud");
	expect_err(tc_prod_list(&fx->c, 0, prod_count_cb, &n, err, sizeof(err)),
	    TC_ERR_FORBIDDEN, err, "card-producer");
	/* Start, fail with a reason, start again. */
	AS(fx, "bp");
	begin(fx);
	assert_int_equal(tc_prod_start(&fx->c, 1, err, sizeof(err)), 0);
	expect_err(tc_prod_start(&fx->c, 1, err, sizeof(err)), TC_ERR_STATE,
	    err, "in-progress");
	expect_err(tc_prod_fail(&fx->c, 1, "", err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "reason");
	assert_int_equal(
	    tc_prod_fail(&fx->c, 1, "芯片写入失败", err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)), 0);
	assert_int_equal(it.state, TC_PROD_FAILED);
	assert_string_equal(it.reason, "芯片写入失败");
	assert_int_equal(prod_count(fx, TC_PROD_FAILED), 1);
	/* Not made yet: no delivery. */
	AS(fx, "bi");
	expect_err(tc_prod_deliver(&fx->c, 1, who.id, NULL, err, sizeof(err)),
	    TC_ERR_STATE, err, "failed");
	AS(fx, "bp");
	begin(fx);
	assert_int_equal(tc_prod_start(&fx->c, 1, err, sizeof(err)), 0);
	assert_int_equal(tc_prod_made(&fx->c, 1, err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)), 0);
	assert_int_equal(it.state, TC_PROD_MADE);
	assert_true(it.made_at != 0);
	assert_string_equal(it.step, "issue");
	/* Delivery: the typed number must be the holder's. */
	AS(fx, "bi");
	snprintf(wrong, sizeof(wrong), "%s", who.id);
	wrong[16] = wrong[16] == '1' ? '2' : '1';
	expect_err(tc_prod_deliver(&fx->c, 1, wrong, NULL, err, sizeof(err)),
	    TC_ERR_POLICY, err, "does not match");
	assert_null(strstr(err, wrong));
	expect_err(tc_prod_deliver(&fx->c, 1, "x", NULL, err, sizeof(err)),
	    TC_ERR_POLICY, err, "does not match");
	assert_int_equal(
	    tc_registry_card_get(fx->reg, 1, &got, err, sizeof(err)), 0);
	assert_int_equal(got.status, TC_CARD_PRODUCTION);
	assert_int_equal(
	    tc_prod_deliver(&fx->c, 1, who.id, &card, err, sizeof(err)), 0);
	assert_int_equal(card.serial, 1);
	assert_int_equal(card.status, TC_CARD_ISSUED);
	assert_int_equal(
	    tc_registry_card_get(fx->reg, 1, &got, err, sizeof(err)), 0);
	assert_int_equal(got.status, TC_CARD_ISSUED);
	get(fx, id, &a);
	assert_int_equal(a.state, TC_APP_ISSUED);
	assert_int_equal(a.issued_serial, 1);
	tc_app_release(&a);
	assert_int_equal(prod_count(fx, 0), 0);
	assert_int_equal(prod_count(fx, TC_PROD_DELIVERED), 1);
}

/*
 * Issue 17: the station's print job of the card face, recorded on the
 * item (schema 17): completed marks the card made, a failed job fails it
 * with the reason, other states are recorded only.
 */
static void
test_production_print(void **state)
{
	struct fx *fx = *state;
	const struct tc_programme *p = prog(fx, "guangzhou-green");
	struct tc_sample_person who;
	struct tc_prod_item it;
	char err[1024], longr[TC_PROD_PRINT_REASON_MAX + 2];
	int64_t id;

	add_operator_in(
	    fx->reg, "bp", TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), "bank");
	add_operator_in(
	    fx->reg, "bi", TC_ROLE_BIT(TC_ROLE_CARD_ISSUER), "bank");
	person(fx, &who, "林晓", "19850303", 0);
	id = apply_new(
	    fx, p, "a", NULL, first_clause(tc_programme_tier(p, "a")), &who);
	advance_to(fx, id, TC_STEP_PRODUCE, NULL, 24, NULL);
	AS(fx, "bp");
	assert_int_equal(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)), 0);
	assert_int_equal(it.print_job, -1);
	assert_string_equal(it.print_state, "");
	/* Outside a transaction, bad states, jobs and reasons: refused. */
	expect_err(
	    tc_prod_print(&fx->c, 1, 7, "processing", NULL, err, sizeof(err)),
	    TC_ERR_STATE, err, "transaction");
	begin(fx);
	assert_int_equal(tc_prod_start(&fx->c, 1, err, sizeof(err)), 0);
	expect_err(
	    tc_prod_print(&fx->c, 1, 7, "printing", NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "state");
	expect_err(
	    tc_prod_print(&fx->c, 1, -1, "pending", NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "CUPS job");
	memset(longr, 'x', sizeof(longr) - 1);
	longr[sizeof(longr) - 1] = '\0';
	expect_err(
	    tc_prod_print(&fx->c, 1, 7, "stopped", longr, err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "reason");
	expect_err(
	    tc_prod_print(&fx->c, 1, 7, "stopped", "a\nb", err, sizeof(err)),
	    TC_ERR_INVALID_ARG, err, "reason");
	/* Another role, or another branch: not this operator's to record. */
	AS(fx, "bi");
	expect_err(
	    tc_prod_print(&fx->c, 1, 7, "pending", NULL, err, sizeof(err)),
	    TC_ERR_FORBIDDEN, err, "card-producer");
	AS(fx, "bp");
	/* Pending and processing: recorded, the card stays in progress. */
	assert_int_equal(
	    tc_prod_print(&fx->c, 1, 7, "pending", "", err, sizeof(err)), 0);
	assert_int_equal(tc_prod_print(&fx->c, 1, 7, "processing",
			     "media-needed", err, sizeof(err)),
	    0);
	commit(fx);
	assert_int_equal(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)), 0);
	assert_int_equal(it.state, TC_PROD_IN_PROGRESS);
	assert_int_equal(it.print_job, 7);
	assert_string_equal(it.print_state, "processing");
	assert_string_equal(it.print_reason, "media-needed");
	assert_int_equal(
	    count(fx,
		"SELECT count(*) FROM audit WHERE action = 'production.print'"),
	    2);
	/* Aborted: failed, with the printer's reason. */
	begin(fx);
	assert_int_equal(tc_prod_print(&fx->c, 1, 7, "aborted", "卡片卡纸", err,
			     sizeof(err)),
	    0);
	commit(fx);
	assert_int_equal(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)), 0);
	assert_int_equal(it.state, TC_PROD_FAILED);
	assert_string_equal(it.reason, "print: aborted: 卡片卡纸");
	assert_string_equal(it.print_state, "aborted");
	/* A refused submission: job 0, still failed, state recorded. */
	begin(fx);
	assert_int_equal(
	    tc_prod_print(&fx->c, 1, 0, "failed", NULL, err, sizeof(err)), 0);
	commit(fx);
	assert_int_equal(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)), 0);
	assert_int_equal(it.state, TC_PROD_FAILED);
	assert_int_equal(it.print_job, 0);
	assert_string_equal(it.print_state, "failed");
	assert_string_equal(it.print_reason, "");
	/* Started again and printed: completed marks it made, once. */
	begin(fx);
	assert_int_equal(tc_prod_start(&fx->c, 1, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_prod_print(&fx->c, 1, 8, "completed", NULL, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_prod_print(&fx->c, 1, 8, "completed", NULL, err, sizeof(err)),
	    0);
	expect_err(
	    tc_prod_print(&fx->c, 1, 8, "canceled", NULL, err, sizeof(err)),
	    TC_ERR_STATE, err, "made");
	commit(fx);
	assert_int_equal(tc_prod_get(&fx->c, 1, &it, err, sizeof(err)), 0);
	assert_int_equal(it.state, TC_PROD_MADE);
	assert_int_equal(it.print_job, 8);
	assert_string_equal(it.print_state, "completed");
	assert_string_equal(it.step, "issue");
	/* Delivered: nothing more is recorded. */
	AS(fx, "bi");
	assert_int_equal(
	    tc_prod_deliver(&fx->c, 1, who.id, NULL, err, sizeof(err)), 0);
	AS(fx, "bp");
	begin(fx);
	expect_err(
	    tc_prod_print(&fx->c, 1, 8, "completed", NULL, err, sizeof(err)),
	    TC_ERR_STATE, err, "delivered");
	tc_registry_rollback(fx->reg);
}

#define TESTS(X, XF)                                                           \
	X(test_walk_all)                                                       \
	X(test_migrate_v7)                                                     \
	X(test_personal_bound)                                                 \
	X(test_deadlines)                                                      \
	X(test_guard_blacklist)                                                \
	X(test_guard_employer_bar)                                             \
	X(test_guard_retirement)                                               \
	X(test_guard_excluded_employer)                                        \
	X(test_guard_live_card_and_open)                                       \
	X(test_upgrade_convert)                                                \
	X(test_sub_rules)                                                      \
	X(test_review_rules)                                                   \
	X(test_attachments)                                                    \
	X(test_serials)                                                        \
	X(test_forms)                                                          \
	X(test_form_values)                                                    \
	X(test_completeness)                                                   \
	X(test_photo_required)                                                 \
	X(test_no_plain_id)                                                    \
	X(test_orgs_scoping)                                                   \
	X(test_queue)                                                          \
	X(test_change_offered)                                                 \
	X(test_find_name)                                                      \
	X(test_reveal_id)                                                      \
	X(test_notify_events)                                                  \
	X(test_notify_overdue)                                                 \
	X(test_production)                                                     \
	X(test_production_print)

TC_UNIT_MAIN_EACH(TESTS, setup, teardown)
