/* SPDX-License-Identifier: MIT */
/*
 * The web worker's API of the production queue (office/web.h): GET
 * /v1/production/queue?state=S and POST /v1/production/cards/{card}/
 * {action} (start, fail {"reason"}, made, deliver {"id_number"}). Each is
 * one RPC op (office/mon-prod.c); the monitor checks the session, the
 * CSRF token, the role and the branch. docs/issuerd.md "Production".
 * POST /v1/production/cards/{card}/make (a station's personalisation) is
 * routed before these, to office/web-station.c.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "tcard/officerpc.h"
#include "web.h"

void
web_api_production(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct tc_webform f;
	const char *state;
	json_t *req;

	rq->ep = WEB_EP_CARD;
	if (web_query(rq, &f, resp) != 0)
		goto out;
	if ((req = web_request(rq, "production", resp)) == NULL)
		goto out;
	if ((state = tc_webform_get(&f, "state", NULL)) != NULL)
		json_object_set_new(
		    req, "args", json_pack("{s:s}", "state", state));
	web_call_answer(tc_daemon_app(d), req, resp);
out:
	tc_webform_release(&f);
}

void
web_api_production_act(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *card = tc_dreq_param(rq, "card");
	const char *action = tc_dreq_param(rq, "action");
	size_t n = card != NULL ? strlen(card) : 0;
	json_t *req, *args;

	rq->ep = WEB_EP_CARD_ACTION;
	if (n == 0 || n > TC_ORPC_CARD_MAX || strspn(card, "0123456789") != n) {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such card");
		return;
	}
	/* "make" has its own route, before this one (office/web-station.c). */
	if (action == NULL ||
	    (strcmp(action, "start") != 0 && strcmp(action, "fail") != 0 &&
		strcmp(action, "made") != 0 &&
		strcmp(action, "deliver") != 0)) {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such production action (start, fail, made, deliver)");
		return;
	}
	/* An empty body is no arguments (start, made). */
	args = rq->body.len == 0 ? json_object() : web_body_object(rq, resp);
	if (args == NULL)
		return;
	if (json_object_get(args, "action") != NULL) {
		json_decref(args);
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s", "the action is the path's, not a member of the body");
		return;
	}
	if ((req = web_request(rq, "production-act", resp)) == NULL) {
		json_decref(args);
		return;
	}
	json_object_set_new(args, "action", json_string(action));
	json_object_set_new(req, "card", json_string(card));
	json_object_set_new(req, "args", args);
	web_call_answer(tc_daemon_app(d), req, resp);
}
