/* SPDX-License-Identifier: MIT */
/*
 * The web worker's card and audit endpoints (office/web.h): GET
 * /v1/cards/{card}, POST /v1/cards/{card}/{action} (suspend, reinstate,
 * revoke, renew, change, reissue), GET /v1/audit and GET
 * /v1/audit/verify, each one RPC to the monitor (ops card, card-action,
 * audit, audit-verify; office/mon-cards.c). The worker only moves the
 * path's card and action and the body's members into the request; the
 * monitor checks them with strict tables (src/officerpc-card.c), the
 * CSRF token, and the library decides who may act. docs/issuerd.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tcard/officerpc.h"
#include "tcard/webform.h"
#include "web.h"

/* The {card} segment when it looks like a card (else 404 answered). */
static const char *
card_param(struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *s = tc_dreq_param(rq, "card");
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > TC_ORPC_CARD_MAX || strspn(s, "0123456789") != n) {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such card");
		return NULL;
	}
	return s;
}

void
web_api_card(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *card;
	json_t *req;

	rq->ep = WEB_EP_CARD;
	if ((card = card_param(rq, resp)) == NULL ||
	    (req = web_request(rq, "card", resp)) == NULL)
		return;
	json_object_set_new(req, "card", json_string(card));
	web_call_answer(tc_daemon_app(d), req, resp);
}

void
web_api_card_action(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *card, *action = tc_dreq_param(rq, "action");
	json_t *req, *args;
	int i;

	rq->ep = WEB_EP_CARD_ACTION;
	if ((card = card_param(rq, resp)) == NULL)
		return;
	/* POST /v1/cards/{card}/subcards adds one: the action "subcard". */
	if (action != NULL && strcmp(action, "subcards") == 0)
		action = tc_orpc_card_action_name(TC_ORPC_SUBCARD);
	else if (action != NULL && strcmp(action, "subcard") == 0)
		action = NULL;
	for (i = TC_ORPC_SUSPEND; action != NULL && i <= TC_ORPC_SUBCARD; i++)
		if (strcmp(tc_orpc_card_action_name(i), action) == 0)
			break;
	if (action == NULL || i > TC_ORPC_SUBCARD) {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such card action (suspend, reinstate, revoke, renew, change, reissue, subcards)");
		return;
	}
	/* An empty body is no arguments (reinstate, renew). */
	if (rq->body.len == 0)
		args = json_object();
	else if ((args = web_body_object(rq, resp)) == NULL)
		return;
	if (json_object_get(args, "action") != NULL) {
		json_decref(args);
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s", "the action is the path's, not a member of the body");
		return;
	}
	if ((req = web_request(rq, "card-action", resp)) == NULL) {
		json_decref(args);
		return;
	}
	json_object_set_new(args, "action", json_string(action));
	json_object_set_new(req, "card", json_string(card));
	json_object_set_new(req, "args", args);
	web_call_answer(tc_daemon_app(d), req, resp);
}

/* A query number (0 to 10^15), or -1 when malformed. */
static long long
query_number(const struct tc_webform *f, const char *name, long long none)
{
	const char *s = tc_webform_get(f, name, NULL);
	size_t n;

	if (s == NULL)
		return none;
	n = strlen(s);
	if (n == 0 || n > 15 || strspn(s, "0123456789") != n)
		return -1;
	return strtoll(s, NULL, 10);
}

void
web_api_audit(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct tc_webform f;
	long long after, limit;
	json_t *req, *args;

	rq->ep = WEB_EP_AUDIT;
	tc_webform_init(&f);
	if (rq->query != NULL &&
	    tc_webform_parse(&f, (const uint8_t *)rq->query, rq->querylen, NULL,
		NULL, 0) != 0) {
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s", "the query could not be read");
		goto out;
	}
	after = query_number(&f, "after", 0);
	limit = query_number(&f, "limit", 100);
	if (after < 0 || limit < 1 || limit > TC_ORPC_AUDIT_LIMIT) {
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "after is a sequence number (0 or more) and limit 1 to %d",
		    TC_ORPC_AUDIT_LIMIT);
		goto out;
	}
	if ((req = web_request(rq, "audit", resp)) == NULL)
		goto out;
	args = json_pack("{s:I, s:I}", "after", (json_int_t)after, "limit",
	    (json_int_t)limit);
	json_object_set_new(req, "args", args);
	web_call_answer(tc_daemon_app(d), req, resp);
out:
	tc_webform_release(&f);
}

void
web_api_audit_verify(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	json_t *req;

	rq->ep = WEB_EP_AUDIT;
	if ((req = web_request(rq, "audit-verify", resp)) == NULL)
		return;
	web_call_answer(tc_daemon_app(d), req, resp);
}
