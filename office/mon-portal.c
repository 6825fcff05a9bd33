/* SPDX-License-Identifier: MIT */
/*
 * The monitor's portal ops (office/mon.h, issue 16): applicants' own
 * accounts (include/tcard/applicant.h) and sessions (the portal's table,
 * never an operator's), and the applicant's side of an application: a
 * draft from an application file, a section changed, a file attached,
 * the integrity pledge shown and then accepted no sooner than its
 * reading time, submit, withdraw. Each act is the library call the CLI
 * makes, with the account as the acting applicant (struct tc_app_ctx
 * applicant), so what an applicant may do and see is the library's
 * rule: an application of another account is 404 as if it did not
 * exist. docs/portal.md describes the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "mon.h"
#include "tcard/applicant.h"
#include "tcard/application.h"
#include "tcard/buf.h"
#include "tcard/cardface.h"
#include "tcard/ecard.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"
#include "tcard/notify.h"
#include "tcard/organisation.h"
#include "tcard/qr.h"

/* Milliseconds of CLOCK_MONOTONIC: the pledge's reading time. */
static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The account; for one of the identity platform also its ID document,
 * the number masked ("id_document": {"type", "masked"}), which the
 * portal's form shows read-only.
 */
static json_t *
account_json(struct mon *m, const struct tc_applicant *acct)
{
	char number[TC_ID_MAX], masked[TC_ID_MAX], err[256];
	enum tc_id_type type;
	json_t *o;

	o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b}", "id",
	    (json_int_t)acct->id, "login", acct->login, "name", acct->name,
	    "language", acct->language, "verified", acct->verified, "identity",
	    acct->oidc);
	if (o != NULL && acct->oidc &&
	    tc_applicant_identity(
		m->reg, acct->id, &type, number, err, sizeof(err)) == 0 &&
	    tc_id_mask(number, masked) == 0)
		json_object_set_new(o, "id_document",
		    json_pack("{s:s, s:s}", "type", tc_id_type_name(type),
			"masked", masked));
	OPENSSL_cleanse(number, sizeof(number));
	return o;
}

static void
op_login(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a,
    time_t now)
{
	struct tc_applicant acct;
	char err[512] = "";
	int r;

	r = tc_applicant_login(
	    m->reg, q->login, q->passphrase, now, &acct, err, sizeof(err));
	if (r == TC_ERR_AUTH) {
		mon_fail(a, 401, "unauthorized", "%s", err);
		return;
	}
	if (r != 0) {
		mon_lib_fail(a, r, err);
		return;
	}
	mon_portal_signed_in(m, &acct, a, now);
}

void
mon_portal_signed_in(struct mon *m, const struct tc_applicant *acct,
    struct mon_answer *a, time_t now)
{
	char actor[TC_APPLICANT_ACTOR_MAX];
	struct mon_session *s;

	tc_applicant_actor(acct->id, actor);
	snprintf(a->operator_name, sizeof(a->operator_name), "%s", actor);
	if ((s = mon_session_new(m, 1, actor, 0, acct->id, now)) == NULL) {
		mon_fail(a, 503, "busy",
		    "too many sessions open (at most %d); try again later",
		    MON_PSESSIONS_MAX);
		return;
	}
	snprintf(a->session, sizeof(a->session), "%s", s->idtext);
	a->body = json_pack(
	    "{s:s, s:o}", "csrf", s->csrf, "account", account_json(m, acct));
}

/*
 * A new account, unverified: the link that verifies it goes to the login
 * through the notifications outbox (tc_notify_account, in the same
 * transaction; docs/portal.md).
 */
/*
 * A one-time token of purpose for account id and its message to the
 * account's login, in the caller's transaction (the outbox's row with
 * the event). Returns 0 or an error.
 */
static int
token_message(struct mon *m, int64_t id, enum tc_applicant_token_purpose p,
    time_t now, char *err, size_t errlen)
{
	char token[TC_APPLICANT_TOKEN_LEN + 1];
	int r;

	r = tc_applicant_token_new(m->reg, id, p, now, token, err, errlen);
	if (r == 0)
		r = tc_notify_account(m->reg, id,
		    p == TC_APPLICANT_TOKEN_VERIFY ? TC_NOTIFY_ACCOUNT_VERIFY
						   : TC_NOTIFY_PASSWORD_RESET,
		    token, now, err, errlen);
	memset(token, 0, sizeof(token));
	return r;
}

/* A link to set a new password for account id, in a transaction. */
static int
reset_link(struct mon *m, int64_t id, time_t now, struct mon_answer *a)
{
	char err[512] = "";

	if (mon_begin(m, a) != 0)
		return -1;
	return mon_end(m, a,
	    token_message(
		m, id, TC_APPLICANT_TOKEN_RESET, now, err, sizeof(err)),
	    err, NULL);
}

/*
 * Registration. The answer is the same whether the login was free or
 * not, so it tells nobody which logins have accounts: a taken login's
 * owner gets a link to set a new password instead (the same scrypt work
 * was done by tc_applicant_register before it found the login taken).
 */
static void
op_register(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a,
    time_t now)
{
	char err[512] = "";
	int64_t id = 0;
	int r;

	if (mon_begin(m, a) != 0)
		return;
	r = tc_applicant_register(m->reg, q->login, q->passphrase, q->name,
	    q->language[0] ? q->language : NULL, 0, now, &id, err, sizeof(err));
	if (r == TC_ERR_EXISTS) {
		tc_registry_rollback(m->reg);
		if ((r = tc_applicant_find(
			 m->reg, q->login, &id, err, sizeof(err))) != 0) {
			mon_lib_fail(a, r, err);
			return;
		}
		if (id != 0 && reset_link(m, id, now, a) != 0)
			return;
	} else {
		if (r == 0)
			r = token_message(m, id, TC_APPLICANT_TOKEN_VERIFY, now,
			    err, sizeof(err));
		if (mon_end(m, a, r, err, NULL) != 0)
			return;
	}
	a->body = json_pack("{s:b, s:s}", "verified", 0, "message",
	    "a message with a link to confirm the login is on its way (if the login has an account already, a link to set a new password instead)");
}

/* verify and reset: a one-time token from a message. */
static void
op_token(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a,
    time_t now)
{
	enum tc_applicant_token_purpose p = q->op == TC_ORPC_PORTAL_RESET
	    ? TC_APPLICANT_TOKEN_RESET
	    : TC_APPLICANT_TOKEN_VERIFY;
	char err[512] = "";
	int64_t id = 0;
	int r;

	if (mon_begin(m, a) != 0)
		return;
	r = tc_applicant_token_use(m->reg, q->token, p,
	    p == TC_APPLICANT_TOKEN_RESET ? q->passphrase : NULL, now, &id, err,
	    sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	a->body = json_pack("{s:b}",
	    p == TC_APPLICANT_TOKEN_RESET ? "password_set" : "verified", 1);
}

/*
 * A password reset asked for: the same answer whether the login has an
 * account or not, so that it tells nothing of who has one.
 */
static void
op_reset_request(struct mon *m, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	char err[512] = "";
	int64_t id = 0;
	int r;

	if ((r = tc_applicant_find(m->reg, q->login, &id, err, sizeof(err))) !=
	    0) {
		mon_lib_fail(a, r, err);
		return;
	}
	if (id != 0 && reset_link(m, id, now, a) != 0)
		return;
	a->body = json_pack("{s:s}", "message",
	    "if an account has this login, a message with a link to set a new password is on its way");
}

/* The library's context of the session's applicant. */
static void
ctx_of(struct mon *m, const struct mon_session *s, time_t now,
    struct tc_app_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->reg = m->reg;
	c->programmes = m->progs;
	c->workdays = m->wd;
	c->operator_name = s->operator_name;
	c->applicant = s->applicant;
	c->now = now;
}

/* Application id of the session's applicant (else 404) into *app. */
static int
own_app(struct mon *m, const struct mon_session *s, int64_t id,
    struct tc_app *app, struct mon_answer *a, time_t now)
{
	struct tc_app_ctx c;

	ctx_of(m, s, now, &c);
	return mon_get_visible(m, &c, id, app, a);
}

/* The box of "my matters" an application is in. */
static const char *
box_of(enum tc_app_state st)
{
	switch (st) {
	case TC_APP_DRAFT:
		return "drafts";
	case TC_APP_RETURNED:
		return "to-do";
	case TC_APP_SUBMITTED:
	case TC_APP_APPROVED:
		return "in-progress";
	default:
		return "completed";
	}
}

struct mine {
	struct mon *m;
	time_t now;
	json_t *arr;
	int failed;
};

static int
mine_one(const struct tc_app *app, void *arg)
{
	struct mine *mi = arg;
	json_t *o = mon_app_summary(mi->m, app, mi->now);

	if (o != NULL)
		json_object_set_new(o, "box", json_string(box_of(app->state)));
	return mon_append(mi->arr, o, &mi->failed);
}

static void
op_apps(struct mon *m, const struct mon_session *s, struct mon_answer *a,
    time_t now)
{
	struct mine mi = { m, now, json_array(), 0 };
	char err[512] = "";
	int r;

	if (mi.arr == NULL) {
		mon_fail(a, 500, "internal", "out of memory");
		return;
	}
	r = tc_app_list_created(m->reg, s->operator_name, TC_APP_MINE_MAX,
	    mine_one, &mi, err, sizeof(err));
	if (r != 0 || mi.failed) {
		json_decref(mi.arr);
		if (r != 0 && !mi.failed)
			mon_lib_fail(a, r, err);
		else
			mon_fail(a, 500, "internal", "out of memory");
		return;
	}
	a->body = json_pack("{s:o}", "items", mi.arr);
}

/* The pledge of app's programme, its time starting in this session. */
static void
op_pledge(struct mon *m, struct mon_session *s, const struct tc_app *app,
    struct mon_answer *a)
{
	const struct tc_programme *p =
	    tc_programme_set_find(m->progs, app->programme);

	if (p == NULL || !p->application.pledge.required) {
		a->body = json_pack("{s:b}", "required", 0);
		return;
	}
	s->pledge_app = app->id;
	s->pledge_ms = mono_ms();
	a->body = json_pack("{s:b, s:i, s:{s:s?, s:s?}}", "required", 1,
	    "read_seconds", p->application.pledge.read_seconds, "text", "zh",
	    p->application.pledge.text.zh, "en", p->application.pledge.text.en);
}

/*
 * An application file (an object) parsed for the portal: a file the
 * form names by path is refused (files come by upload).
 */
/* 1 when the application file gives key (applicant) or field (basic). */
static int
given(json_t *app, json_t *basic, const char *key, const char *field)
{
	json_t *v = json_object_get(app, key);

	if (v == NULL || json_is_null(v))
		v = json_object_get(basic, field);
	return json_is_string(v) && json_string_length(v) > 0;
}

/*
 * For an account of the identity platform (003: the name and the ID
 * number come from the identity and cannot be changed): text (an
 * application file) with the applicant's name, ID type and number the
 * identity's where the file leaves them out, into
 * *out (wiped and freed by the caller). *out NULL: not such an account,
 * text stands. Returns 0 or an error.
 */
static int
identity_form(struct mon *m, const struct tc_applicant *acct, const char *text,
    size_t len, char **out, char *err, size_t errlen)
{
	char number[TC_ID_MAX];
	enum tc_id_type type;
	json_t *doc, *app, *basic;
	int r;

	*out = NULL;
	if (!acct->oidc)
		return 0;
	r = tc_applicant_identity(m->reg, acct->id, &type, number, err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		return 0; /* signed in before schema 15: the binding holds */
	if (r != 0)
		return r;
	if ((doc = json_loadb(text, len, 0, NULL)) == NULL ||
	    !json_is_object(doc)) {
		json_decref(doc);
		OPENSSL_cleanse(number, sizeof(number));
		return 0; /* the form parser says what is wrong */
	}
	if (!json_is_object(app = json_object_get(doc, "applicant"))) {
		app = json_object();
		json_object_set_new(doc, "applicant", app);
	}
	basic = json_object_get(json_object_get(doc, "sections"), "basic");
	/* What the form gives is checked (name here, the number by the
	 * account's binding); what it leaves out is the identity's. */
	if (!given(app, basic, "name", "name"))
		json_object_set_new(app, "name", json_string(acct->name));
	if (!given(app, basic, "id_type", "id-type"))
		json_object_set_new(
		    app, "id_type", json_string(tc_id_type_name(type)));
	if (!given(app, basic, "id_number", "id-number"))
		json_object_set_new(app, "id_number", json_string(number));
	OPENSSL_cleanse(number, sizeof(number));
	*out = json_dumps(doc, JSON_COMPACT);
	json_decref(doc); /* jansson does not wipe: the number was in it */
	return *out != NULL
	    ? 0
	    : tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
}

/*
 * An application file (an object) parsed for the portal: a file the
 * form names by path is refused (files come by upload); an identity's
 * account applies with the identity's name and ID number.
 */
static int
parse_form(struct mon *m, const struct mon_session *s, const char *json,
    size_t len, time_t now, struct tc_app_form *f, char *err, size_t errlen)
{
	struct tc_applicant acct;
	char *mine = NULL;
	int r;

	if ((r = tc_applicant_get(m->reg, s->applicant, &acct, err, errlen)) !=
		0 ||
	    (r = identity_form(m, &acct, json, len, &mine, err, errlen)) != 0)
		return r;
	r = mine != NULL
	    ? tc_app_form_parse(
		  m->progs, mine, strlen(mine), now, f, err, errlen)
	    : tc_app_form_parse(m->progs, json, len, now, f, err, errlen);
	if (mine != NULL) {
		OPENSSL_cleanse(mine, strlen(mine));
		free(mine);
	}
	if (r != 0)
		return r;
	if (f->n_files > 0) {
		tc_app_form_release(f);
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the form names a file (attachments or a photo field): upload files with POST /v1/portal/applications/N/attachments");
	}
	/*
	 * The name is the identity's (003: not to be changed); the ID
	 * number is held by the account's person (tc_applicant_bind_person
	 * refuses another).
	 */
	if (acct.oidc && f->name[0] != '\0' &&
	    strcmp(f->name, acct.name) != 0) {
		tc_app_form_release(f);
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "the name is the one of the identity you signed in with and cannot be changed");
	}
	return 0;
}

static void
op_create(struct mon *m, struct mon_session *s, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_app_form f;
	struct tc_app_ctx c;
	char err[1024] = "";
	int64_t id = 0;
	int r;

	if ((r = parse_form(
		 m, s, q->doc, q->doc_len, now, &f, err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		return;
	}
	ctx_of(m, s, now, &c);
	if (mon_begin(m, a) != 0) {
		tc_app_form_release(&f);
		return;
	}
	r = tc_app_create(&c, &f, &id, err, sizeof(err));
	tc_app_form_release(&f);
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	a->app = id;
	mon_app_answer(m, id, a, now);
}

/*
 * One section of app replaced by q's value: the stored form exported as
 * an application file, the section set, the whole parsed again and kept
 * (tc_app_update), so every rule of the form holds after each step.
 */
static void
op_section(struct mon *m, struct mon_session *s, const struct tc_orpc_req *q,
    const struct tc_app *app, struct mon_answer *a, time_t now)
{
	struct tc_buf file;
	struct tc_app_form f;
	struct tc_app_ctx c;
	json_t *doc = NULL, *secs, *v = NULL;
	char err[1024] = "", *text = NULL;
	int r;

	tc_buf_init(&file, TC_APP_FORM_MAX + 4096);
	if ((r = tc_app_export(m->reg, app->id, &file, err, sizeof(err))) !=
		0 ||
	    (doc = json_loadb((const char *)file.data, file.len, 0, NULL)) ==
		NULL ||
	    (v = json_loadb(q->doc, q->doc_len, 0, NULL)) == NULL) {
		if (r == 0)
			r = TC_ERR_NOMEM;
		goto out;
	}
	if ((secs = json_object_get(doc, "sections")) == NULL) {
		secs = json_object();
		json_object_set_new(doc, "sections", secs);
	}
	if (json_object_set(secs, q->section, v) != 0 ||
	    (text = json_dumps(doc, JSON_COMPACT)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if ((r = parse_form(
		 m, s, text, strlen(text), now, &f, err, sizeof(err))) != 0)
		goto out;
	ctx_of(m, s, now, &c);
	if (mon_begin(m, a) != 0) {
		tc_app_form_release(&f);
		goto done;
	}
	r = tc_app_update(&c, app->id, &f, err, sizeof(err));
	tc_app_form_release(&f);
	if (mon_end(m, a, r, err, NULL) == 0)
		mon_app_answer(m, app->id, a, now);
	goto done;
out:
	if (r == TC_ERR_NOMEM && err[0] == '\0')
		mon_fail(a, 500, "internal", "out of memory");
	else
		mon_lib_fail(a, r, err);
done:
	/* The exported file and its text hold the plain ID number. */
	if (text != NULL) {
		memset(text, 0, strlen(text));
		free(text);
	}
	json_decref(doc);
	json_decref(v);
	tc_buf_release(&file);
}

static void
op_attach(struct mon *m, struct mon_session *s, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	enum tc_att_kind kind = TC_ATT_OTHER;
	struct tc_app_ctx c;
	char err[1024] = "";
	int64_t att = 0;
	int r;

	if (q->kind[0] != '\0' && tc_att_kind_parse(q->kind, &kind) != 0) {
		mon_fail(a, 400, "bad-request",
		    "kind is one of photo, id-document, contract, tax-or-social-insurance, eligibility-proof, cooperation-agreement, unit-certificate, other");
		return;
	}
	if (q->kind[0] == '\0' && q->material[0] != '\0')
		kind = tc_att_kind_of_material(q->material);
	ctx_of(m, s, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = tc_app_attach(&c, q->app, kind, q->material[0] ? q->material : NULL,
	    q->docs[0].name, q->docs[0].data, q->docs[0].size, &att, err,
	    sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	a->body = json_pack("{s:I, s:I}", "application", (json_int_t)q->app,
	    "attachment", (json_int_t)att);
}

/*
 * Submit: the account confirmed, and the pledge, when the programme has
 * one, accepted after it was shown in this session for its reading time
 * (the server's clock, not the page's countdown).
 */
static void
op_submit(struct mon *m, struct mon_session *s, const struct tc_orpc_req *q,
    const struct tc_app *app, struct mon_answer *a, time_t now)
{
	const struct tc_programme *p =
	    tc_programme_set_find(m->progs, app->programme);
	struct tc_applicant acct;
	struct tc_app_ctx c;
	char err[1024] = "", detail[64], subject[48];
	int64_t shown = -1;
	int r;

	if ((r = tc_applicant_get(
		 m->reg, s->applicant, &acct, err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		return;
	}
	if (!acct.verified) {
		mon_fail(a, 409, "unverified",
		    "confirm the account's login first (the link in the message sent at registration)");
		return;
	}
	if (q->pledge && p != NULL && p->application.pledge.required) {
		if (s->pledge_app == app->id)
			shown = mono_ms() - s->pledge_ms;
		if (shown < 0) {
			mon_fail(a, 409, "pledge-too-early",
			    "the integrity pledge was not shown in this session: read it (GET /v1/portal/applications/%lld/pledge) for %d seconds, then accept it",
			    (long long)app->id,
			    p->application.pledge.read_seconds);
			return;
		}
		if (shown <
		    (int64_t)p->application.pledge.read_seconds * 1000) {
			mon_fail(a, 409, "pledge-too-early",
			    "the integrity pledge was accepted %lld ms after it was shown; it must be read for %d seconds",
			    (long long)shown,
			    p->application.pledge.read_seconds);
			return;
		}
	}
	ctx_of(m, s, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = tc_app_submit(&c, app->id, q->pledge, err, sizeof(err));
	if (r == 0 && shown >= 0) {
		snprintf(subject, sizeof(subject), "application:%lld",
		    (long long)app->id);
		snprintf(detail, sizeof(detail), "{\"shown_ms\":%lld}",
		    (long long)shown);
		r = tc_registry_audit(m->reg, now, s->operator_name,
		    "application.pledge", subject, detail, err, sizeof(err));
	}
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	s->pledge_app = 0;
	mon_app_answer(m, app->id, a, now);
}

static void
op_withdraw(struct mon *m, struct mon_session *s, const struct tc_orpc_req *q,
    const struct tc_app *app, struct mon_answer *a, time_t now)
{
	struct tc_app_ctx c;
	char err[1024] = "";
	int r;

	ctx_of(m, s, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = tc_app_withdraw(&c, app->id,
	    q->reason[0] ? q->reason : "withdrawn by the applicant", err,
	    sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	mon_app_answer(m, app->id, a, now);
}

/* ---- the e-card of the card an application made ---- */

/*
 * The card app made and its signed e-card into *cs and *e: 0, or -1 with
 * a answered: 404 while there is no card or no e-card signed for the
 * card as it is now (the office signs e-cards with `tcard-issuer qr`),
 * 409 for a card that is not live (revoked, suspended, expired).
 */
static int
ecard_of(struct mon *m, const struct tc_app *app, time_t now,
    struct tc_card_state *cs, struct tc_ecard *e, struct mon_answer *a)
{
	struct tc_claims c;
	char err[512] = "";
	int r;

	if (app->issued_serial == 0) {
		mon_fail(a, 404, "not-found",
		    "application %lld has no card yet", (long long)app->id);
		return -1;
	}
	if ((r = tc_lifecycle_card_get(
		 m->reg, app->issued_serial, cs, err, sizeof(err))) != 0 ||
	    (r = tc_ecard_claims(
		 m->reg, app->issued_serial, now, &c, err, sizeof(err))) != 0) {
		memset(&c, 0, sizeof(c));
		mon_lib_fail(a, r, err);
		return -1;
	}
	memset(&c, 0, sizeof(c));
	r = tc_ecard_get(m->reg, app->issued_serial, e, err, sizeof(err));
	if (r == TC_ERR_NOT_FOUND ||
	    (r == 0 && e->expires_at != cs->card.expires_at)) {
		mon_fail(a, 404, "not-found",
		    "the e-card of card %s is not ready yet: the office signs it after issuing the card",
		    cs->card.card_no);
		return -1;
	}
	if (r != 0) {
		mon_lib_fail(a, r, err);
		return -1;
	}
	return 0;
}

/* The card an application made, for the application's page. */
static json_t *
card_json(struct mon *m, const struct tc_app *app, time_t now)
{
	struct tc_card_state cs;
	struct tc_ecard e;
	struct mon_answer probe;
	char err[256] = "", to[TC_LIFECYCLE_DATE_LEN];
	int ready;

	if (app->issued_serial == 0 ||
	    tc_lifecycle_card_get(
		m->reg, app->issued_serial, &cs, err, sizeof(err)) != 0)
		return NULL;
	memset(&probe, 0, sizeof(probe)); /* a failure allocates nothing */
	ready = ecard_of(m, app, now, &cs, &e, &probe) == 0;
	tc_lifecycle_date(cs.card.expires_at, to);
	return json_pack("{s:s, s:s, s:s, s:b}", "card_no", cs.card.card_no,
	    "status", tc_card_status_name(cs.card.status), "valid_to", to,
	    "ecard", ready);
}

/* portal-ecard-qr: the signed e-card's QR code as a PNG. */
static void
op_ecard_qr(
    struct mon *m, const struct tc_app *app, struct mon_answer *a, time_t now)
{
	struct tc_card_state cs;
	struct tc_ecard e;
	struct tc_qr qr = { 0 };
	struct tc_buf png;
	char err[512] = "";
	int r;

	if (ecard_of(m, app, now, &cs, &e, a) != 0)
		return;
	tc_buf_init(&png, 1u << 20);
	if ((r = tc_qr_encode(&qr, e.text, err, sizeof(err))) != 0 ||
	    (r = tc_qr_png(&png, &qr, TC_QR_DEFAULT_PX, err, sizeof(err))) !=
		0) {
		mon_lib_fail(a, r, err);
	} else {
		a->ctype = "image/png";
		snprintf(a->filename, sizeof(a->filename), "ecard-qr-%s.png",
		    cs.card.card_no);
		a->tail = tc_buf_detach(&png, &a->tlen);
		a->body = json_object();
	}
	tc_qr_release(&qr);
	tc_buf_release(&png);
}

/*
 * portal-ecard: what the web worker draws the phone image from (it holds
 * no key; the photo is decoded there, not here): the programme file, the
 * face's data of the card and the signed text; the photo is the tail.
 */
static void
op_ecard(
    struct mon *m, const struct tc_app *app, struct mon_answer *a, time_t now)
{
	struct tc_card_state cs;
	struct tc_ecard e;

	if (ecard_of(m, app, now, &cs, &e, a) != 0)
		return;
	mon_face_answer(m, app->issued_serial, e.text, a);
}

void
mon_face_answer(
    struct mon *m, int64_t serial, const char *qr, struct mon_answer *a)
{
	struct tc_cardface_card f;
	struct tc_buf photo;
	json_t *prog = NULL;
	char err[512] = "", *text = NULL;
	int r;

	tc_buf_init(&photo, TC_ATTACH_MAX);
	if ((r = tc_cardface_card_load(m->reg, m->progs, serial, &f, &photo,
		 err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		goto out;
	}
	if ((text = tc_programme_dump(f.programme)) == NULL ||
	    (prog = json_loads(text, 0, NULL)) == NULL) {
		mon_fail(a, 500, "internal", "out of memory");
		goto out;
	}
	a->body = json_pack(
	    "{s:o, s:{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s}, s:s?}",
	    "programme", prog, "card", "tier", f.tier, "card_no", f.card_no,
	    "name", f.name, "name_zh", f.name_zh, "id_masked", f.id_masked,
	    "issued_at", (json_int_t)f.issued_at, "expires_at",
	    (json_int_t)f.expires_at, "principal_no", f.principal_no,
	    "relation", f.relation, "qr", qr);
	prog = NULL;
	if (a->body != NULL && photo.len > 0) {
		a->ctype = "application/octet-stream";
		a->tail = tc_buf_detach(&photo, &a->tlen);
	}
out:
	json_decref(prog);
	free(text);
	tc_buf_release(&photo);
}

/* Ops on one application of the session's applicant. */
static void
app_op(struct mon *m, struct mon_session *s, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_app app;

	if (own_app(m, s, q->app, &app, a, now) != 0)
		return;
	switch (q->op) {
	case TC_ORPC_PORTAL_APP:
		mon_app_detail(m, &app, 1, a, now);
		if (a->body != NULL) {
			json_object_set_new(
			    a->body, "box", json_string(box_of(app.state)));
			json_object_set_new(
			    a->body, "card", card_json(m, &app, now));
		}
		break;
	case TC_ORPC_PORTAL_ECARD_QR:
		op_ecard_qr(m, &app, a, now);
		break;
	case TC_ORPC_PORTAL_ECARD:
		op_ecard(m, &app, a, now);
		break;
	case TC_ORPC_PORTAL_PLEDGE:
		op_pledge(m, s, &app, a);
		break;
	case TC_ORPC_PORTAL_ATTACHMENT:
		mon_attachment_send(
		    m, s->operator_name, app.id, q->att, a, now);
		break;
	case TC_ORPC_PORTAL_SECTION:
		op_section(m, s, q, &app, a, now);
		break;
	case TC_ORPC_PORTAL_ATTACH:
		op_attach(m, s, q, a, now);
		break;
	case TC_ORPC_PORTAL_SUBMIT:
		op_submit(m, s, q, &app, a, now);
		break;
	default:
		op_withdraw(m, s, q, &app, a, now);
		break;
	}
	tc_app_release(&app);
}

/* 1 when op changes state (and must carry the session's CSRF token). */
static int
changes_state(enum tc_orpc_op op)
{
	return op == TC_ORPC_PORTAL_LOGOUT || op == TC_ORPC_PORTAL_CREATE ||
	    op == TC_ORPC_PORTAL_SECTION || op == TC_ORPC_PORTAL_ATTACH ||
	    op == TC_ORPC_PORTAL_SUBMIT || op == TC_ORPC_PORTAL_WITHDRAW;
}

/* ---- portal-info: the public parts of a programme file ---- */

static json_t *
text_json(const struct tc_text *t)
{
	return json_pack("{s:s?, s:s?}", "zh", t->zh, "en", t->en);
}

static json_t *
idlist_json(const struct tc_idlist *l)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < l->n; i++)
		json_array_append_new(arr, json_string(l->v[i]));
	return arr;
}

/* Clauses (id, text, proof) and steps (id, names) of a tier or route. */
static json_t *
clauses_json(const struct tc_clause *c, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr,
		    json_pack("{s:s, s:o, s:o, s:s?}", "id", c[i].id, "text",
			text_json(&c[i].text), "proof", text_json(&c[i].proof),
			"category", c[i].category));
	return arr;
}

static json_t *
steps_json(const struct tc_step *st, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr,
		    json_pack("{s:s, s:o, s:i}", "id", st[i].id, "names",
			text_json(&st[i].names), "deadline_days",
			st[i].deadline_days));
	return arr;
}

static json_t *
choices_json(const struct tc_choice *c, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr,
		    json_pack("{s:s, s:o}", "id", c[i].id, "names",
			text_json(&c[i].names)));
	return arr;
}

static json_t *
sections_json(const struct tc_application *f)
{
	static const char *const types[] = { "", "text", "long-text", "date",
		"choice", "photo", "id-number", "phone", "email", "address" };
	json_t *arr = json_array(), *fields;
	size_t i, j;

	for (i = 0; arr != NULL && i < f->n_sections; i++) {
		const struct tc_section *s = &f->sections[i];

		fields = json_array();
		for (j = 0; fields != NULL && j < s->n_fields; j++) {
			const struct tc_field *fd = &s->fields[j];
			unsigned t = (unsigned)fd->type;

			json_array_append_new(fields,
			    json_pack(
				"{s:s, s:o, s:s, s:b, s:b, s:b, s:i, s:i, "
				"s:i, s:s?}",
				"id", fd->id, "names", text_json(&fd->names),
				"type",
				t < sizeof(types) / sizeof(types[0]) ? types[t]
								     : "",
				"required", fd->required, "editable",
				fd->editable, "from_login", fd->from_login,
				"max_chars", fd->max_chars, "width_px",
				fd->width_px, "height_px", fd->height_px,
				"derived_from", fd->derived_from));
		}
		json_array_append_new(arr,
		    json_pack("{s:s, s:o, s:b, s:b, s:i, s:i, s:o}", "id",
			s->id, "names", text_json(&s->names), "required",
			s->required, "repeating", s->repeating, "min_entries",
			s->min_entries, "max_entries", s->max_entries, "fields",
			fields != NULL ? fields : json_array()));
	}
	return arr;
}

static json_t *
programme_info(const struct tc_programme *p)
{
	const struct tc_application *f = &p->application;
	json_t *tiers = json_array(), *routes = json_array(), *mats;
	size_t i;

	for (i = 0; tiers != NULL && i < p->n_tiers; i++)
		json_array_append_new(tiers,
		    json_pack("{s:s, s:o, s:s, s:o, s:o}", "id", p->tiers[i].id,
			"names", text_json(&p->tiers[i].names), "kind",
			p->tiers[i].kind == TC_TIER_SUB ? "sub" : "main",
			"clauses",
			clauses_json(
			    p->tiers[i].clauses, p->tiers[i].n_clauses),
			"steps",
			steps_json(p->tiers[i].steps, p->tiers[i].n_steps)));
	for (i = 0; routes != NULL && i < p->n_routes; i++)
		json_array_append_new(routes,
		    json_pack("{s:s, s:o, s:o, s:o, s:o}", "id",
			p->routes[i].id, "names",
			text_json(&p->routes[i].names), "condition",
			text_json(&p->routes[i].condition), "clauses",
			clauses_json(
			    p->routes[i].clauses, p->routes[i].n_clauses),
			"steps",
			steps_json(p->routes[i].steps, p->routes[i].n_steps)));
	mats = json_array();
	for (i = 0; mats != NULL && i < f->n_materials; i++)
		json_array_append_new(mats,
		    json_pack("{s:s, s:o, s:b, s:o, s:o}", "id",
			f->materials[i].id, "names",
			text_json(&f->materials[i].names), "required",
			f->materials[i].required, "tiers",
			idlist_json(&f->materials[i].tiers), "work_types",
			idlist_json(&f->materials[i].work_types)));
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
			 "s:{s:b, s:i, s:o}}",
	    "id", p->id, "names", text_json(&p->names), "authority",
	    text_json(&p->authority), "tiers",
	    tiers != NULL ? tiers : json_array(), "routes",
	    routes != NULL ? routes : json_array(), "sections",
	    sections_json(f), "work_types",
	    choices_json(f->work_types, f->n_work_types), "id_types",
	    choices_json(f->id_types, f->n_id_types), "materials",
	    mats != NULL ? mats : json_array(), "upload_formats",
	    idlist_json(&f->upload_formats), "pledge", "required",
	    f->pledge.required, "read_seconds", f->pledge.read_seconds, "text",
	    text_json(&f->pledge.text));
}

/* The units found by a search: the text, the answer, the count. */
struct unit_search {
	const char *text, *code; /* code: text as a credit code, or NULL */
	json_t *arr;
};

#define UNITS_MAX 10 /* units a search answers at most */

static int
unit_one(const struct tc_organisation *o, void *arg)
{
	struct unit_search *u = arg;

	if (o->kind != TC_ORG_UNIT ||
	    (u->code != NULL ? strcmp(o->code, u->code) != 0
			     : strstr(o->name, u->text) == NULL))
		return 0;
	json_array_append_new(
	    u->arr, json_pack("{s:s, s:s}", "code", o->code, "name", o->name));
	return json_array_size(u->arr) >= UNITS_MAX;
}

/*
 * The units (reviewing units: organisations of kind unit) whose credit
 * code is text, or whose name holds text (two bytes at least): is my
 * employer one? Public: the names and codes of units.
 */
static json_t *
units_json(struct mon *m, const char *text)
{
	char code[TC_ORG_CODE_MAX + 1], err[256];
	struct unit_search u = { text, NULL, json_array() };

	if (u.arr == NULL || strlen(text) < 2)
		return u.arr;
	if (tc_org_code_check(TC_ORG_UNIT, text, code, err, sizeof(err)) == 0)
		u.code = code;
	if (tc_registry_org_list(m->reg, unit_one, &u, err, sizeof(err)) < 0) {
		json_decref(u.arr);
		return NULL;
	}
	return u.arr;
}

/*
 * portal-info: programme q->programme's public parts, or without one
 * the list of programmes; with q->unit also the units it finds ("units");
 * no session (what any visitor may read).
 */
static void
op_info(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a)
{
	const struct tc_programme *p;
	json_t *arr;
	size_t i;

	if (q->programme[0] != '\0') {
		if ((p = tc_programme_set_find(m->progs, q->programme)) ==
		    NULL) {
			mon_fail(a, 404, "not-found", "no programme %s",
			    q->programme);
			return;
		}
		a->body = programme_info(p);
		goto units;
	}
	arr = json_array();
	for (i = 0;
	     arr != NULL && (p = tc_programme_set_at(m->progs, i)) != NULL; i++)
		json_array_append_new(arr,
		    json_pack("{s:s, s:o, s:o}", "id", p->id, "names",
			text_json(&p->names), "authority",
			text_json(&p->authority)));
	if (arr != NULL)
		a->body = json_pack("{s:o}", "programmes", arr);
units:
	if (a->body != NULL && q->unit[0] != '\0')
		json_object_set_new(a->body, "units", units_json(m, q->unit));
}

void
mon_portal_op(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a,
    time_t now)
{
	struct tc_applicant acct;
	struct mon_session *s;
	char err[512] = "";

	switch (q->op) {
	case TC_ORPC_PORTAL_LOGIN:
		op_login(m, q, a, now);
		return;
	case TC_ORPC_PORTAL_REGISTER:
		op_register(m, q, a, now);
		return;
	case TC_ORPC_PORTAL_VERIFY:
	case TC_ORPC_PORTAL_RESET:
		op_token(m, q, a, now);
		return;
	case TC_ORPC_PORTAL_RESET_REQUEST:
		op_reset_request(m, q, a, now);
		return;
	case TC_ORPC_PORTAL_OIDC_START:
	case TC_ORPC_PORTAL_OIDC_FINISH:
		mon_oidc_op(m, q, a, now);
		return;
	case TC_ORPC_PORTAL_INFO:
		op_info(m, q, a);
		if (a->status == 200 && a->body == NULL)
			mon_fail(a, 500, "internal", "out of memory");
		return;
	default:
		break;
	}
	if ((s = mon_session_find(m, 1, q->session, now)) == NULL) {
		mon_fail(a, 401, "unauthorized",
		    "no session, or it expired: sign in with POST /v1/portal/session");
		return;
	}
	snprintf(
	    a->operator_name, sizeof(a->operator_name), "%s", s->operator_name);
	/* A disabled account's sessions end. */
	if (tc_applicant_get(m->reg, s->applicant, &acct, err, sizeof(err)) !=
		0 ||
	    acct.disabled) {
		mon_session_drop(s);
		mon_fail(a, 401, "unauthorized",
		    "the session's account may no longer sign in");
		return;
	}
	if (changes_state(q->op) &&
	    (!q->has_csrf || !mon_session_csrf_ok(s, q->csrf))) {
		mon_fail(a, 403, "csrf",
		    "this request needs the session's CSRF token in the X-CSRF-Token header");
		return;
	}
	switch (q->op) {
	case TC_ORPC_PORTAL_LOGOUT:
		mon_session_drop(s);
		a->body = json_pack("{s:b}", "signed_out", 1);
		break;
	case TC_ORPC_PORTAL_WHOAMI:
		a->body = json_pack("{s:s, s:o}", "csrf", s->csrf, "account",
		    account_json(m, &acct));
		break;
	case TC_ORPC_PORTAL_APPS:
		op_apps(m, s, a, now);
		break;
	case TC_ORPC_PORTAL_CREATE:
		op_create(m, s, q, a, now);
		break;
	default:
		app_op(m, s, q, a, now);
		break;
	}
	if (a->status == 200 && a->body == NULL && !a->json_tail)
		mon_fail(a, 500, "internal", "out of memory");
}
