/* SPDX-License-Identifier: MIT */
/*
 * The web worker's API for the acts beyond a review and for the
 * operator's own account (office/web.h): POST /v1/applications/{n}/
 * supplement, /reveal-id and /issue; POST /v1/session/totp and
 * /v1/session/passphrase; and GET /console/account/totp.png, the QR
 * image of an enrolment made in this session. Each is one RPC op
 * (office/mon-act.c, office/mon-account.c); the monitor checks the
 * session, the CSRF token and what the operator may do. Answers are
 * Cache-Control: no-store (the layer's default), which matters for the
 * revealed number and the enrolment URI. docs/issuerd.md "The API".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tcard/officerpc.h"
#include "web.h"

/* The {n} segment as a number, or 0 with resp answered 404. */
static int64_t
app_param(struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *s = tc_dreq_param(rq, "n");
	char *end = NULL;
	long long v = 0;

	if (s != NULL && *s >= '1' && *s <= '9' && strlen(s) <= 15)
		v = strtoll(s, &end, 10);
	if (v <= 0 || *end != '\0') {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such application");
		return 0;
	}
	return v;
}

/*
 * One op for the request: with the application n (0: none) and, when
 * body, the request's JSON object as args.
 */
static void
call(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp,
    const char *op, int64_t n, int body)
{
	json_t *req, *args = NULL;

	if (body && (args = web_body_object(rq, resp)) == NULL)
		return;
	if ((req = web_request(rq, op, resp)) == NULL) {
		json_decref(args);
		return;
	}
	if (n > 0)
		json_object_set_new(req, "app", json_integer(n));
	if (args != NULL)
		json_object_set_new(req, "args", args);
	web_call_answer(tc_daemon_app(d), req, resp);
}

/*
 * The acts, by the route's pattern: the op, whether it names the
 * application {n}, whether the request's JSON object is its args, and
 * the endpoint it is counted under.
 */
static const struct {
	const char *pattern, *op;
	int app, body, ep;
} acts[] = {
	{ "/v1/applications/{n}/supplement", "supplement", 1, 1,
	    WEB_EP_REVIEW },
	{ "/v1/applications/{n}/reveal-id", "reveal-id", 1, 0, WEB_EP_APP },
	{ "/v1/applications/{n}/issue", "issue", 1, 0, WEB_EP_REVIEW },
	{ "/v1/session/totp", "totp-enrol", 0, 1, WEB_EP_SESSION },
	{ "/v1/session/passphrase", "passphrase", 0, 1, WEB_EP_SESSION },
};

void
web_api_act(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	size_t i;
	int64_t n = 0;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (strcmp(rq->route->pattern, acts[i].pattern) == 0)
			break;
	if (i == sizeof(acts) / sizeof(acts[0])) {
		/* A route given to web_api_act that is not in acts[]. */
		tc_dresp_error(resp, 500, WEB_R_ERROR, "internal", "%s",
		    "no act for this route");
		return;
	}
	rq->ep = acts[i].ep;
	if (acts[i].app && (n = app_param(rq, resp)) == 0)
		return;
	call(d, rq, resp, acts[i].op, n, acts[i].body);
}

void
web_totp_png(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web_answer an;
	json_t *req;

	rq->ep = WEB_EP_CONSOLE;
	if ((req = web_request(rq, "totp-qr", resp)) == NULL ||
	    web_call(tc_daemon_app(d), req, &an, resp) != 0)
		return;
	if (an.error != NULL || an.status != 200 || an.ctype == NULL ||
	    strcmp(an.ctype, "image/png") != 0) {
		web_answer_json(&an, resp);
		web_answer_free(&an);
		return;
	}
	resp->ctype = "image/png";
	tc_buf_init(&resp->body, TC_ORPC_TAIL_MAX + 1);
	tc_dresp_checked(resp, tc_buf_put(&resp->body, an.tail, an.tlen));
	web_answer_free(&an);
}
