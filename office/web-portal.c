/* SPDX-License-Identifier: MIT */
/*
 * The web worker's portal API (office/web.h, issue 16): routes under
 * /v1/portal/ that turn a request into one portal RPC to the monitor
 * (include/tcard/officerpc.h, "portal-*"), with the applicant's session
 * cookie tcard_portal (never the staff cookie: the monitor keeps the two
 * in separate tables, so neither is accepted for the other's ops) and
 * the X-CSRF-Token header. As for the staff API, the worker decides
 * nothing: sessions, CSRF, ownership and every rule are the monitor's
 * and the library's. docs/portal.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tcard/buf.h"
#include "tcard/cardface.h"
#include "tcard/err.h"
#include "tcard/officerpc.h"
#include "tcard/webform.h"
#include "web.h"

/*
 * A portal request {"op", "session"?, "csrf"?}: the session from the
 * tcard_portal cookie (needed unless anon), the CSRF token from the
 * header. NULL with resp answered 401 or 500.
 */
static json_t *
portal_request(
    struct tc_dreq *rq, const char *op, int anon, struct tc_dresp *resp)
{
	char sid[TC_ORPC_TOKEN_LEN + 1] = "";
	const char *x = tc_dreq_header(rq, "X-CSRF-Token");
	json_t *o;

	web_cookie_token(rq, WEB_PORTAL_COOKIE, sid);
	if (!anon && sid[0] == '\0') {
		tc_dresp_error(resp, 401, WEB_R_UNAUTHORIZED, "unauthorized",
		    "%s",
		    "no session, or it expired: sign in with POST /v1/portal/session");
		return NULL;
	}
	if ((o = json_pack("{s:s}", "op", op)) == NULL) {
		tc_dresp_error(
		    resp, 500, WEB_R_ERROR, "internal", "%s", "out of memory");
		return NULL;
	}
	if (!anon) {
		json_object_set_new(o, "session", json_string(sid));
		if (x != NULL && tc_orpc_token_ok(x))
			json_object_set_new(o, "csrf", json_string(x));
	}
	return o;
}

/* The body as JSON: an object, or with cont also an array. */
static json_t *
body_json(struct tc_dreq *rq, int cont, struct tc_dresp *resp)
{
	json_error_t je;
	json_t *o = NULL;

	if (rq->body.len > 0)
		o = json_loadb((const char *)rq->body.data, rq->body.len,
		    JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || !(json_is_object(o) || (cont && json_is_array(o)))) {
		json_decref(o);
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "the body must be a JSON object%s",
		    cont ? " or array" : "");
		return NULL;
	}
	return o;
}

/* {n} of the path into req's "app"; 0 with resp answered 404. */
static int64_t
app_param(struct tc_dreq *rq, const char *name, struct tc_dresp *resp)
{
	int64_t v = tc_dreq_param_number(rq, name);

	if (v == 0)
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such application or attachment");
	return v;
}

/*
 * POST /v1/portal/session {"login", "password"}: signs in (the cookie
 * tcard_portal, and {"csrf", "account"}); GET: the account and CSRF
 * token; DELETE: signs out.
 */
void
web_portal_session(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web_answer an;
	json_t *req, *args = NULL;
	const char *op;

	if (web_sign_in_throttled(d, rq, resp, 0))
		return;
	rq->ep = WEB_EP_PORTAL;
	if (rq->method_post) {
		if (!web_same_origin(rq)) {
			tc_dresp_error(resp, 403, WEB_R_FORBIDDEN, "cross-site",
			    "a sign-in from another site's page is refused (Origin or Sec-Fetch-Site)");
			return;
		}
		if ((args = body_json(rq, 0, resp)) == NULL)
			return;
		op = "portal-login";
	} else
		op = rq->method_delete ? "portal-logout" : "portal-whoami";
	if ((req = portal_request(rq, op, rq->method_post, resp)) == NULL) {
		json_decref(args);
		return;
	}
	if (args != NULL)
		json_object_set_new(req, "args", args);
	if (web_call(tc_daemon_app(d), req, &an, resp) != 0)
		return;
	if (web_answer_json(&an, resp))
		web_session_cookie(d, rq, &an, WEB_PORTAL_COOKIE, resp);
	web_answer_free(&an);
}

/*
 * The account's own requests without a session, by the path's last
 * segment: POST /v1/portal/accounts (register), .../accounts/verify,
 * .../accounts/reset-request, .../accounts/reset. Cross-site posts are
 * refused as a sign-in's are.
 */
void
web_portal_account(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *what = tc_dreq_param(rq, "what"), *op;
	json_t *req, *args;

	if (web_sign_in_throttled(d, rq, resp, 0))
		return;
	rq->ep = WEB_EP_PORTAL;
	if (what == NULL)
		op = "portal-register";
	else if (strcmp(what, "verify") == 0)
		op = "portal-verify";
	else if (strcmp(what, "reset-request") == 0)
		op = "portal-reset-request";
	else if (strcmp(what, "reset") == 0)
		op = "portal-reset";
	else {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such account request (verify, reset-request, reset)");
		return;
	}
	if (!web_same_origin(rq)) {
		tc_dresp_error(resp, 403, WEB_R_FORBIDDEN, "cross-site",
		    "a request from another site's page is refused (Origin or Sec-Fetch-Site)");
		return;
	}
	if ((args = body_json(rq, 0, resp)) == NULL)
		return;
	if ((req = portal_request(rq, op, 1, resp)) == NULL) {
		json_decref(args);
		return;
	}
	json_object_set_new(req, "args", args);
	web_call_answer(tc_daemon_app(d), req, resp);
}

/*
 * GET /v1/portal/applications: the account's applications ("my
 * matters", each with its box); POST: a draft from an application file.
 */
void
web_portal_apps(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	json_t *req, *args = NULL;

	rq->ep = WEB_EP_PORTAL;
	if (rq->method_post && (args = body_json(rq, 0, resp)) == NULL)
		return;
	if ((req = portal_request(rq,
		 rq->method_post ? "portal-create" : "portal-apps", 0, resp)) ==
	    NULL) {
		json_decref(args);
		return;
	}
	if (args != NULL)
		json_object_set_new(req, "args", args);
	web_call_answer(tc_daemon_app(d), req, resp);
}

/*
 * One application: GET /v1/portal/applications/{n}, .../{n}/pledge (shows
 * the pledge: its reading time starts), POST .../{n}/submit {"pledge"},
 * POST .../{n}/withdraw {"reason"?}, PUT .../{n}/sections/{section} (the
 * section's value: an object, or an array for a repeating section).
 */
void
web_portal_app(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *act = tc_dreq_param(rq, "act");
	const char *section = tc_dreq_param(rq, "section");
	json_t *req, *args = NULL;
	const char *op;
	int64_t n;

	rq->ep = WEB_EP_PORTAL;
	if ((n = app_param(rq, "n", resp)) == 0)
		return;
	if (section != NULL)
		op = "portal-section";
	else if (act == NULL)
		op = "portal-app";
	else if (strcmp(act, "pledge") == 0 && rq->method_get)
		op = "portal-pledge";
	else if (strcmp(act, "submit") == 0 && rq->method_post)
		op = "portal-submit";
	else if (strcmp(act, "withdraw") == 0 && rq->method_post)
		op = "portal-withdraw";
	else {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such request on an application (GET pledge, POST submit, POST withdraw, PUT sections/SECTION)");
		return;
	}
	if (section != NULL) {
		json_t *v = body_json(rq, 1, resp);

		if (v == NULL)
			return;
		args = json_pack("{s:s, s:o}", "section", section, "value", v);
	} else if (rq->method_post &&
	    (args = rq->body.len == 0 ? json_object()
				      : body_json(rq, 0, resp)) == NULL)
		return;
	if ((req = portal_request(rq, op, 0, resp)) == NULL) {
		json_decref(args);
		return;
	}
	json_object_set_new(req, "app", json_integer(n));
	if (args != NULL)
		json_object_set_new(req, "args", args);
	web_call_answer(tc_daemon_app(d), req, resp);
}

/*
 * POST /v1/portal/applications/{n}/attachments: multipart/form-data with
 * one file part "document" and the text parts "kind" and "material"
 * (either or both); GET .../attachments/{id}: the file's bytes.
 */
void
web_portal_attachment(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct tc_webform f;
	struct tc_buf text, tail;
	json_t *req, *docs = NULL, *args;
	const char *v;
	int64_t n, att = 0;

	rq->ep = WEB_EP_PORTAL;
	if ((n = app_param(rq, "n", resp)) == 0 ||
	    (rq->method_get && (att = app_param(rq, "id", resp)) == 0))
		return;
	if (rq->method_get) {
		if ((req = portal_request(rq, "portal-attachment", 0, resp)) ==
		    NULL)
			return;
		json_object_set_new(req, "app", json_integer(n));
		json_object_set_new(req, "att", json_integer(att));
		web_call_file(tc_daemon_app(d), req, resp);
		return;
	}
	tc_webform_init(&f);
	tc_buf_init(&text, 0);
	tc_buf_init(&tail, 0);
	if (web_card_body(rq, resp, 1, &text, &docs, &tail) != 0)
		goto out;
	if (docs == NULL || json_array_size(docs) != 1 ||
	    tc_webform_parse(&f, text.data, text.len, NULL, NULL, 0) != 0) {
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s",
		    "a multipart/form-data body with one file part \"document\" and the text parts \"kind\" or \"material\"");
		goto out;
	}
	if ((args = json_object()) == NULL ||
	    (req = portal_request(rq, "portal-attach", 0, resp)) == NULL) {
		json_decref(args);
		goto out;
	}
	if ((v = tc_webform_get(&f, "kind", NULL)) != NULL && v[0] != '\0')
		json_object_set_new(args, "kind", json_string(v));
	if ((v = tc_webform_get(&f, "material", NULL)) != NULL && v[0] != '\0')
		json_object_set_new(args, "material", json_string(v));
	json_object_set_new(req, "app", json_integer(n));
	json_object_set_new(req, "args", args);
	json_object_set(req, "docs", docs);
	web_call_tail_answer(tc_daemon_app(d), req, tail.data, tail.len, resp);
out:
	json_decref(docs);
	tc_webform_release(&f);
	tc_buf_release(&text);
	tc_buf_release(&tail);
}

void
web_portal_ecard(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *what = tc_dreq_param(rq, "what");
	int phone = what != NULL && strcmp(what, "phone.png") == 0;
	struct web_answer an;
	char err[512] = "", name[64];
	json_t *req;
	int64_t n;
	int r;

	rq->ep = WEB_EP_PORTAL;
	if ((n = app_param(rq, "n", resp)) == 0)
		return;
	if (!phone && (what == NULL || strcmp(what, "qr.png") != 0)) {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "an e-card is qr.png or phone.png");
		return;
	}
	if ((req = portal_request(rq,
		 phone ? "portal-ecard" : "portal-ecard-qr", 0, resp)) == NULL)
		return;
	json_object_set_new(req, "app", json_integer(n));
	if (!phone) {
		web_call_file(tc_daemon_app(d), req, resp);
		return;
	}
	if (web_call(tc_daemon_app(d), req, &an, resp) != 0)
		return;
	if (an.error != NULL || an.status != 200 || an.body == NULL) {
		web_answer_json(&an, resp);
		web_answer_free(&an);
		return;
	}
	tc_buf_init(&resp->body, TC_CARDFACE_IMAGE_MAX);
	/* No photo: the answer's tail is its own JSON text. */
	r = web_ecard_draw(an.body, an.raw ? NULL : an.tail,
	    an.raw ? 0 : an.tlen, &resp->body, err, sizeof(err));
	if (r != 0) {
		tc_buf_release(&resp->body);
		tc_dresp_error(resp, 500, WEB_R_ERROR, "internal",
		    "the e-card could not be drawn: %s", err);
	} else {
		resp->ctype = "image/png";
		snprintf(name, sizeof(name), "ecard-%s.png",
		    json_string_value(json_object_get(
			json_object_get(an.body, "card"), "card_no")));
		web_disposition(
		    name, resp->disposition, sizeof(resp->disposition));
	}
	web_answer_free(&an);
}

/* The redirect's location (kept in rq->app, which finish() frees). */
static void
see_other(struct tc_dreq *rq, struct tc_dresp *resp, const char *location)
{
	char *loc = strdup(location);

	if (loc == NULL) {
		tc_dresp_error(
		    resp, 500, WEB_R_ERROR, "internal", "%s", "out of memory");
		return;
	}
	free(rq->app);
	rq->app = loc;
	tc_buf_release(&resp->body);
	resp->status = 303;
	resp->result = WEB_R_OK;
	resp->ctype = "text/plain; charset=utf-8";
	resp->location = loc;
}

/* GET /portal/oidc/start: the state in a cookie, 303 to the platform. */
static void
oidc_start(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web_answer an;
	const char *url, *state;
	json_t *req;

	if ((req = portal_request(rq, "portal-oidc-start", 1, resp)) == NULL ||
	    web_call(tc_daemon_app(d), req, &an, resp) != 0)
		return;
	url = json_string_value(json_object_get(an.body, "url"));
	state = json_string_value(json_object_get(an.body, "state"));
	if (an.error == NULL && an.status == 200 &&
	    (url == NULL || state == NULL || !tc_orpc_token_ok(state)))
		an.status = 500;
	if (web_answer_json(&an, resp)) {
		see_other(rq, resp, url);
		/*
		 * Lax: the callback is a top-level GET from the platform's
		 * site, which a Strict cookie would not go with.
		 */
		snprintf(resp->set_cookie, sizeof(resp->set_cookie),
		    "%s=%s; Path=/portal/oidc/; HttpOnly; SameSite=Lax; Max-Age=600%s",
		    WEB_OIDC_COOKIE, state, tc_daemon_tls(d) ? "; Secure" : "");
	}
	web_answer_free(&an);
}

/*
 * GET /portal/oidc/callback?code&state (or ?error=...): the monitor
 * checks the state against the cookie's and redeems the code through
 * the agent; then the portal's session cookie, the state's cleared, and
 * 303 to /portal/. Errors are JSON naming the reason, never the code.
 */
static void
oidc_callback(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	char cs[TC_ORPC_TOKEN_LEN + 1] = "";
	struct tc_webform f;
	struct web_answer an;
	const char *code, *state, *e;
	json_t *req;

	if (web_query(rq, &f, resp) != 0)
		return;
	code = tc_webform_get(&f, "code", NULL);
	state = tc_webform_get(&f, "state", NULL);
	web_cookie_token(rq, WEB_OIDC_COOKIE, cs);
	if ((e = tc_webform_get(&f, "error", NULL)) != NULL) {
		/* The provider's code (RFC 6749 4.1.2.1): a short token. */
		size_t i, n = strlen(e) < 64 ? strlen(e) : 64;

		for (i = 0; i < n; i++)
			if (!((e[i] >= 'a' && e[i] <= 'z') || e[i] == '_'))
				n = i;
		tc_dresp_error(resp, 401, WEB_R_UNAUTHORIZED, "unauthorized",
		    "the identity platform refused the sign-in: %.*s", (int)n,
		    e);
	} else if (code == NULL || code[0] == '\0' || state == NULL ||
	    !tc_orpc_token_ok(state) || strlen(code) > TC_ORPC_OIDC_CODE_MAX)
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s",
		    "the callback needs the code and state the identity platform gives");
	else if (cs[0] == '\0')
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-state", "%s",
		    "no sign-in was started in this browser (no tcard_oidc cookie, or it expired after 10 minutes): start again at /portal/oidc/start");
	else if ((req = portal_request(rq, "portal-oidc-finish", 1, resp)) !=
	    NULL) {
		json_object_set_new(req, "args",
		    json_pack("{s:s, s:s, s:s}", "code", code, "state", state,
			"cookie_state", cs));
		if (web_call(tc_daemon_app(d), req, &an, resp) == 0) {
			if (web_answer_json(&an, resp) && an.session != NULL &&
			    tc_orpc_token_ok(an.session)) {
				see_other(rq, resp, "/portal/");
				snprintf(resp->set_cookie,
				    sizeof(resp->set_cookie),
				    "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
				    WEB_PORTAL_COOKIE, an.session,
				    tc_daemon_tls(d) ? "; Secure" : "");
			}
			web_answer_free(&an);
		}
	}
	/* The state is used once, whatever happened. */
	if (cs[0] != '\0')
		snprintf(resp->set_cookie2, sizeof(resp->set_cookie2),
		    "%s=; Path=/portal/oidc/; HttpOnly; SameSite=Lax; Max-Age=0%s",
		    WEB_OIDC_COOKIE, tc_daemon_tls(d) ? "; Secure" : "");
	memset(cs, 0, sizeof(cs));
	tc_webform_release(&f);
}

void
web_portal_oidc(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *what = tc_dreq_param(rq, "what");

	rq->ep = WEB_EP_PORTAL;
	if (what != NULL && strcmp(what, "start") == 0)
		oidc_start(d, rq, resp);
	else if (what != NULL && strcmp(what, "callback") == 0)
		oidc_callback(d, rq, resp);
	else
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such page (/portal/oidc/start, /portal/oidc/callback)");
}
