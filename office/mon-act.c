/* SPDX-License-Identifier: MIT */
/*
 * The monitor's application acts beyond a review (office/mon.h): the
 * unit's supplement (tc_app_supplement), the audited reveal of an
 * applicant's full ID number (tc_app_reveal_id) and the issue of an
 * approved application's card (tc_app_issue). Each is one library call
 * with the session's operator as the acting operator, so who may do what
 * (organisation, role, four eyes, the step) is the library's answer;
 * this file maps it to statuses. docs/issuerd.md "The API".
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mon.h"
#include "tcard/application.h"
#include "tcard/err.h"

/* The application's summary after an act, as the answer's body. */
void
mon_app_answer(struct mon *m, int64_t id, struct mon_answer *a, time_t now)
{
	struct tc_app app;
	char err[512] = "";
	int r;

	memset(&app, 0, sizeof(app));
	if ((r = tc_app_get(m->reg, id, &app, err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		return;
	}
	a->body = mon_app_summary(m, &app, now);
	tc_app_release(&app);
}

void
mon_op_supplement(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_app_patch patch[TC_APP_PATCH_MAX];
	struct tc_app_ctx c;
	char err[1024] = "";
	size_t i;
	int r;

	for (i = 0; i < q->n_patch; i++) {
		patch[i].field = q->patch[i].field;
		patch[i].value = q->patch[i].value;
	}
	mon_ctx(m, op, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = tc_app_supplement(
	    &c, q->app, patch, q->n_patch, q->reason, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	mon_app_answer(m, q->app, a, now);
}

/*
 * The full number crosses to the worker in this answer only, after the
 * audit entry is committed; the op's log line names the application and
 * the operator, never the number.
 */
void
mon_op_reveal_id(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	char number[TC_ID_MAX] = "", err[1024] = "";
	struct tc_app_ctx c;
	int r;

	mon_ctx(m, op, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = tc_app_reveal_id(&c, q->app, number, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0) {
		OPENSSL_cleanse(number, sizeof(number));
		mon_lib_fail(a, r, err);
		return;
	}
	a->body = json_pack(
	    "{s:I, s:s}", "id", (json_int_t)q->app, "id_number", number);
	OPENSSL_cleanse(number, sizeof(number));
}

void
mon_op_issue(struct mon *m, struct mon_session *s, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	struct tc_app_ctx c;
	struct tc_card card;
	char err[1024] = "", until[32];
	int r;

	mon_ctx(m, op, now, &c);
	memset(&card, 0, sizeof(card));
	/* Outside a transaction: the library reserves the serial first. */
	if ((r = tc_app_issue(&c, q->app, &card, err, sizeof(err))) != 0) {
		mon_lib_fail(a, r, err);
		return;
	}
	mon_app_answer(m, q->app, a, now);
	if (a->body == NULL)
		return;
	mon_time_text(card.expires_at, until);
	json_object_set_new(a->body, "card",
	    json_pack("{s:s, s:I, s:s, s:s}", "card", card.card_no, "serial",
		(json_int_t)card.serial, "tier", card.tier, "expires_at",
		until));
}
