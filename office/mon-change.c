/* SPDX-License-Identifier: MIT */
/*
 * The monitor's card-change op (office/mon.h): an upgrade or conversion
 * application for a card, on the library calls of tcard-issuer upgrade
 * and convert (issuer/cmd-upgrade.c): tc_app_create_change, then
 * tc_app_submit unless it is kept as a draft, in one transaction. The
 * application then goes through the review of the new tier like any
 * other. Who may create it is the library's rule (an intake role); who
 * may see the card follows the applications' scoping: a unit's operator
 * acting on another unit's card (the employer comes from the card's own
 * application) is rolled back and answered 404, as is a card that does
 * not exist.
 * docs/issuerd.md, "Cards and the audit log".
 */
#include <stdio.h>
#include <string.h>

#include "mon.h"
#include "tcard/application.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"
#include "tcard/organisation.h"
#include "tcard/role.h"

/* Who may ask: an intake role, or anyone who sees cards. */
#define CHANGE_ASKERS                                                          \
	(TC_APP_INTAKE_ROLES | TC_LIFECYCLE_ROLES_COUNTER |                    \
	    TC_LIFECYCLE_ROLES_SUSPEND | TC_LIFECYCLE_ROLES_REVOKE |           \
	    TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) | TC_ROLE_BIT(TC_ROLE_AUDITOR))

/*
 * Creates (and submits) the application in the open transaction; sets
 * *id. Returns 0, 1 when the card is not the operator's to see (the
 * caller answers 404), or the library's error with err.
 */
static int
create(const struct tc_app_ctx *c, const struct tc_operator *op,
    const struct tc_orpc_req *q, const struct tc_card_state *card, int64_t *id,
    char *err, size_t errlen)
{
	struct tc_app app;
	size_t i;
	int r, seen;

	r = tc_app_create_change(c, q->c.kind, card->card.serial,
	    q->tier[0] ? q->tier : NULL, q->c.clause[0] ? q->c.clause : NULL,
	    NULL, id, err, errlen);
	if (r != 0)
		return r;
	memset(&app, 0, sizeof(app));
	if ((r = tc_app_get(c->reg, *id, &app, err, errlen)) != 0)
		return r;
	/*
	 * A unit's operator sees its own employees' applications only
	 * (docs/workflow.md "Scoping"); the employer is the card's own
	 * application's.
	 */
	seen = op->org_kind != TC_ORG_UNIT ||
	    strcmp(op->org_code, app.employer_code) == 0;
	tc_app_release(&app);
	if (!seen)
		return 1;
	/* The supporting documents: attachments of the new application. */
	for (i = 0; i < q->n_docs; i++)
		if ((r = tc_app_attach(c, *id, TC_ATT_OTHER, NULL,
			 q->docs[i].name, q->docs[i].data, q->docs[i].size,
			 NULL, err, errlen)) != 0)
			return r;
	return q->c.draft ? 0 : tc_app_submit(c, *id, q->c.pledge, err, errlen);
}

void
mon_op_card_change(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_card_state card;
	struct tc_app_ctx c;
	char err[1024] = "";
	int64_t id = 0;
	int r;

	if (mon_card_find(m, op->roles & CHANGE_ASKERS, q->card, &card, a) != 0)
		return;
	mon_ctx(m, op, now, &c);
	if (mon_begin(m, a) != 0)
		return;
	r = create(&c, op, q, &card, &id, err, sizeof(err));
	if (r == 1) {
		tc_registry_rollback(m->reg);
		mon_fail(a, 404, "not-found", "no card %.24s", q->card);
		return;
	}
	if (mon_end(m, a, r, err, mon_card_fail) != 0)
		return;
	a->app = id;
	mon_app_answer(m, id, a, now);
	if (a->body != NULL)
		json_object_set_new(
		    a->body, "card", json_string(card.card.card_no));
}
