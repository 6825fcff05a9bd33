/* SPDX-License-Identifier: MIT */
/*
 * The monitor's production queue (office/mon.h, include/tcard/
 * production.h): "production" lists the cards of the operator's branch,
 * "production-act" starts, fails, marks made or delivers one. Each is a
 * library call with the session's operator acting, so the branch scope,
 * the roles and four eyes are the library's answer; another branch's card
 * is 404 as a card that does not exist. docs/issuerd.md "Production".
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mon.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"
#include "tcard/production.h"

/* An item of the queue as the API gives it. */
static json_t *
item_json(const struct tc_prod_item *it)
{
	char queued[32], made[32];
	json_t *o;

	mon_time_text(it->queued_at, queued);
	mon_time_text(it->made_at, made);
	o = json_pack(
	    "{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s?, s:s, s:s?, s:s, s:s?, s:s, s:s?, s:b}",
	    "serial", (json_int_t)it->serial, "card", it->card_no,
	    "application", (json_int_t)it->application, "programme",
	    it->programme, "tier", it->tier, "name", it->name, "id_masked",
	    it->id_masked, "branch", it->branch[0] ? it->branch : NULL, "state",
	    tc_prod_state_name(it->state), "reason",
	    it->reason[0] ? it->reason : NULL, "queued_at", queued, "made_at",
	    it->made_at != 0 ? made : NULL, "step", it->step, "deadline",
	    it->deadline[0] ? it->deadline : NULL, "overdue", it->overdue);
	/* The face's print job at the station (schema 17), null: none. */
	if (o != NULL &&
	    (json_object_set_new(o, "print_job",
		 it->print_job >= 0 ? json_integer(it->print_job)
				    : json_null()) != 0 ||
		json_object_set_new(o, "print_state",
		    it->print_state[0] ? json_string(it->print_state)
				       : json_null()) != 0)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

struct walk {
	json_t *arr;
	int failed;
};

static int
one(const struct tc_prod_item *it, void *arg)
{
	struct walk *w = arg;

	return mon_append(w->arr, item_json(it), &w->failed);
}

void
mon_op_production(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	enum tc_prod_state state = 0;
	struct tc_app_ctx c;
	struct walk w = { NULL, 0 };
	char err[512] = "";
	int r;

	(void)s;
	if (q->prod_state[0] != '\0' &&
	    tc_prod_state_parse(q->prod_state, &state) != 0) {
		mon_fail(a, 400, "bad-request",
		    "state is one of to-make, in-progress, failed, made, delivered");
		return;
	}
	mon_ctx(m, op, now, &c);
	if ((w.arr = json_array()) == NULL)
		return;
	r = tc_prod_list(&c, state, one, &w, err, sizeof(err));
	if (r != 0 || w.failed) {
		json_decref(w.arr);
		if (!w.failed)
			mon_lib_fail(a, r, err);
		return;
	}
	a->body = json_pack("{s:o}", "items", w.arr);
}

/* The item of serial after an act, as the answer's body. */
static void
answer_item(struct mon *m, const struct tc_app_ctx *c, int64_t serial,
    struct mon_answer *a)
{
	struct tc_prod_item it;
	char err[512] = "";
	int r;

	(void)m;
	if ((r = tc_prod_get(c, serial, &it, err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		return;
	}
	a->body = item_json(&it);
}

void
mon_op_production_act(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_card_state cs;
	struct tc_app_ctx c;
	struct tc_card card;
	const char *act = q->prod_action;
	char err[1024] = "";
	int r;

	(void)s;
	if (mon_card_find(m, op->roles, q->card, &cs, a) != 0)
		return;
	mon_ctx(m, op, now, &c);
	if (strcmp(act, "deliver") == 0) {
		/* Outside a transaction: tc_app_issue runs its own. */
		r = tc_prod_deliver(&c, cs.card.serial, q->c.id_number, &card,
		    err, sizeof(err));
		if (r != 0) {
			mon_lib_fail(a, r, err);
			return;
		}
		answer_item(m, &c, cs.card.serial, a);
		return;
	}
	if (strcmp(act, "start") != 0 && strcmp(act, "fail") != 0 &&
	    strcmp(act, "made") != 0) {
		mon_fail(a, 404, "not-found",
		    "no such production action (start, fail, made, deliver)");
		return;
	}
	if (mon_begin(m, a) != 0)
		return;
	if (strcmp(act, "start") == 0)
		r = tc_prod_start(&c, cs.card.serial, err, sizeof(err));
	else if (strcmp(act, "fail") == 0)
		r = tc_prod_fail(&c, cs.card.serial,
		    q->reason[0] ? q->reason : NULL, err, sizeof(err));
	else
		r = tc_prod_made(&c, cs.card.serial, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	answer_item(m, &c, cs.card.serial, a);
}
