/* SPDX-License-Identifier: MIT */
/*
 * The web worker's JSON API (office/web.h) on the daemon layer: the route
 * table, and handlers that turn a request into one RPC to the monitor
 * ({"op", "session", "csrf", "app", "att", "args"}, include/tcard/
 * officerpc.h) and its answer into HTTP: the session cookie, JSON errors
 * of the daemon layer, an attachment's bytes. The worker decides nothing:
 * sessions, CSRF and what an operator may do are the monitor's. Every
 * answer is Cache-Control: no-store (the layer's default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "rpc.h"
#include "tcard/officerpc.h"
#include "tcard/station-print.h"
#include "tcard/station-proto.h"
#include "tcard/webform.h"
#include "web.h"

#define BODY_MAX (16u * 1024)
/* An application file or a section: the RPC's JSON limit less framing. */
#define PORTAL_FORM_MAX (TC_ORPC_REQ_MAX - 1024)

static const char *const ep_names[WEB_EP_COUNT] = { "healthz", "metrics",
	"session", "queue", "application", "attachment", "review", "console",
	"card", "card-action", "audit", "portal", "other", "station" };
static const char *const res_names[WEB_R_COUNT] = { "ok", "bad-request",
	"too-large", "not-found", "method", "error", "unauthorized",
	"forbidden", "refused", "unavailable", "throttled" };

static int
result_of(unsigned status)
{
	switch (status) {
	case 200:
		return WEB_R_OK;
	case 400:
		return WEB_R_BAD_REQUEST;
	case 401:
		return WEB_R_UNAUTHORIZED;
	case 403:
		return WEB_R_FORBIDDEN;
	case 404:
		return WEB_R_NOT_FOUND;
	case 409:
		return WEB_R_REFUSED;
	case 503:
		return WEB_R_UNAVAILABLE;
	}
	return WEB_R_ERROR;
}

/*
 * The value of the tcard_session cookie (tc_cookie_get, fuzzed) copied
 * into out when it is a token's text; "" otherwise (no header, no such
 * cookie, two of them, a bad byte, another length).
 */
void
web_session_id(struct tc_dreq *rq, char out[TC_ORPC_TOKEN_LEN + 1])
{
	web_cookie_token(rq, WEB_COOKIE_NAME, out);
}

void
web_cookie_token(
    struct tc_dreq *rq, const char *name, char out[TC_ORPC_TOKEN_LEN + 1])
{
	char v[TC_COOKIE_VALUE_MAX + 1], err[128];

	out[0] = '\0';
	if (tc_cookie_get(tc_dreq_header(rq, "Cookie"), name, v, sizeof(v), err,
		sizeof(err)) == 0 &&
	    tc_orpc_token_ok(v))
		memcpy(out, v, TC_ORPC_TOKEN_LEN + 1);
	memset(v, 0, sizeof(v));
}

/*
 * A sign-in has no session yet, so no CSRF token to carry: a browser's
 * POST from another site is refused by the headers browsers send and a
 * page cannot forge. Sec-Fetch-Site decides when it is there (same-origin
 * or none may go on); without it, Origin must be this Host's
 * scheme://host:port. ("null" is refused: the console's pages send
 * Referrer-Policy: no-referrer, under which a browser too old for
 * Sec-Fetch-Site sends Origin: null even from our own page.) A sign-in
 * CSRF would sign the victim in as the attacker. A client that sends
 * neither header (curl, a script) is not a browser. Returns 1 when the
 * request may go on.
 */
int
web_same_origin(const struct tc_dreq *rq)
{
	const char *sfs = tc_dreq_header(rq, "Sec-Fetch-Site");
	const char *origin = tc_dreq_header(rq, "Origin");
	const char *host = tc_dreq_header(rq, "Host");
	const char *p;

	if (sfs != NULL)
		return strcmp(sfs, "same-origin") == 0 ||
		    strcmp(sfs, "none") == 0;
	if (origin == NULL)
		return 1;
	if (host == NULL || (p = strstr(origin, "://")) == NULL)
		return 0;
	return strcmp(p + 3, host) == 0;
}

/*
 * One call to the monitor: req (consumed) and tail out, the answer in.
 * A JSON body comes as the frame's tail ("json_tail", office/issuerd.c);
 * with parse it is parsed into an->body, else it stays text in an->tail
 * for web_answer_json to pass on as it is. Returns 0, or -1 with resp
 * answered 503 (the monitor is gone).
 */
static int
call(struct web *w, json_t *req, const uint8_t *tail, size_t tlen, int parse,
    struct web_answer *an, struct tc_dresp *resp)
{
	struct web_rpc_reply rep;
	char *text, err[256] = "";
	int r = -1;

	memset(an, 0, sizeof(*an));
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (text == NULL) {
		tc_dresp_error(
		    resp, 500, WEB_R_ERROR, "internal", "%s", "out of memory");
		return -1;
	}
	if (web_rpc_call(&w->rpc, text, strlen(text), tail, tlen, &rep, err,
		sizeof(err)) == 0 &&
	    (an->o = json_loadb(rep.json, rep.jlen, 0, NULL)) != NULL)
		r = 0;
	memset(text, 0, strlen(text));
	free(text);
	free(rep.json);
	an->tail = rep.tail;
	an->tlen = rep.tlen;
	an->raw = json_is_true(json_object_get(an->o, "json_tail"));
	if (r == 0 && an->raw && parse) {
		an->own = json_loadb((const char *)an->tail, an->tlen, 0, NULL);
		if (an->own == NULL)
			r = -1;
	}
	if (r != 0) {
		web_answer_free(an);
		tc_dlog_event(w->log, "rpc", "error",
		    "the monitor does not answer%s%s", err[0] ? ": " : "", err);
		tc_dresp_error(resp, 503, WEB_R_UNAVAILABLE, "unavailable",
		    "%s", "the office's monitor process is not answering");
		return -1;
	}
	an->status =
	    (unsigned)json_integer_value(json_object_get(an->o, "status"));
	an->error = json_string_value(json_object_get(an->o, "error"));
	an->message = json_string_value(json_object_get(an->o, "message"));
	an->session = json_string_value(json_object_get(an->o, "session"));
	an->ctype = json_string_value(json_object_get(an->o, "ctype"));
	an->filename = json_string_value(json_object_get(an->o, "filename"));
	an->body = an->raw ? an->own : json_object_get(an->o, "body");
	an->who = json_object_get(an->o, "who");
	return 0;
}

int
web_call(
    struct web *w, json_t *req, struct web_answer *an, struct tc_dresp *resp)
{
	return call(w, req, NULL, 0, 1, an, resp);
}

int
web_call_tail(struct web *w, json_t *req, const uint8_t *tail, size_t tlen,
    struct web_answer *an, struct tc_dresp *resp)
{
	return call(w, req, tail, tlen, 1, an, resp);
}

void
web_answer_free(struct web_answer *an)
{
	json_decref(an->o);
	json_decref(an->own);
	free(an->tail);
	an->o = an->own = an->body = NULL;
	an->tail = NULL;
}

int
web_call_tail_answer(struct web *w, json_t *req, const uint8_t *tail,
    size_t tlen, struct tc_dresp *resp)
{
	struct web_answer an;
	int ok;

	if (call(w, req, tail, tlen, 0, &an, resp) != 0)
		return 0;
	ok = web_answer_json(&an, resp);
	web_answer_free(&an);
	return ok;
}

void
web_session_cookie(struct tc_daemon *d, const struct tc_dreq *rq,
    const struct web_answer *an, const char *name, struct tc_dresp *resp)
{
	const char *secure = tc_daemon_tls(d) ? "; Secure" : "";

	if (rq->method_post && an->session != NULL &&
	    tc_orpc_token_ok(an->session))
		snprintf(resp->set_cookie, sizeof(resp->set_cookie),
		    "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", name,
		    an->session, secure);
	else if (rq->method_delete)
		snprintf(resp->set_cookie, sizeof(resp->set_cookie),
		    "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", name,
		    secure);
}

void
web_call_answer(struct web *w, json_t *req, struct tc_dresp *resp)
{
	struct web_answer an;

	/* The body is passed on as the monitor wrote it. */
	if (call(w, req, NULL, 0, 0, &an, resp) != 0)
		return;
	web_answer_json(&an, resp);
	web_answer_free(&an);
}

/* Writes the answer's body or error into resp. Returns 1 when 200. */
int
web_answer_json(struct web_answer *an, struct tc_dresp *resp)
{
	char *text = NULL;
	const char *p;
	size_t n;

	if (an->error != NULL || an->status != 200) {
		tc_dresp_error(resp, an->status ? an->status : 500,
		    result_of(an->status), an->error ? an->error : "internal",
		    "%s", an->message ? an->message : "no message");
		return 0;
	}
	if (an->raw && an->body == NULL) {
		/* The monitor's text, unparsed (web_call_answer). */
		p = (const char *)an->tail;
		n = an->tlen;
	} else if ((text = json_dumps(an->body, JSON_COMPACT)) != NULL) {
		p = text;
		n = strlen(text);
	} else {
		tc_dresp_error(
		    resp, 500, WEB_R_ERROR, "internal", "%s", "out of memory");
		return 0;
	}
	tc_buf_init(&resp->body, TC_ORPC_TAIL_MAX + 2);
	tc_dresp_checked(resp,
	    tc_buf_put(&resp->body, p, n) | tc_buf_put(&resp->body, "\n", 1));
	free(text);
	return 1;
}

/*
 * A request object with the op, the session cookie and the CSRF header,
 * or NULL with resp answered (401 without a session cookie, 500).
 */
json_t *
web_request(struct tc_dreq *rq, const char *op, struct tc_dresp *resp)
{
	char sid[TC_ORPC_TOKEN_LEN + 1] = "";
	const char *x = tc_dreq_header(rq, "X-CSRF-Token");
	json_t *o;

	web_session_id(rq, sid);
	if (strcmp(op, "login") != 0 && sid[0] == '\0') {
		tc_dresp_error(resp, 401, WEB_R_UNAUTHORIZED, "unauthorized",
		    "%s",
		    "no session, or it expired: sign in with POST /v1/session");
		return NULL;
	}
	if ((o = json_pack("{s:s}", "op", op)) == NULL) {
		tc_dresp_error(
		    resp, 500, WEB_R_ERROR, "internal", "%s", "out of memory");
		return NULL;
	}
	if (sid[0] != '\0')
		json_object_set_new(o, "session", json_string(sid));
	/* A malformed token is sent as none: the monitor refuses it. */
	if (x != NULL && tc_orpc_token_ok(x))
		json_object_set_new(o, "csrf", json_string(x));
	return o;
}

/* The number in a {name} segment, or 0 (then resp is answered 404). */
static int64_t
number_param(struct tc_dreq *rq, const char *name, struct tc_dresp *resp)
{
	int64_t v = tc_dreq_param_number(rq, name);

	if (v == 0)
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such application or attachment");
	return v;
}

int
web_query(struct tc_dreq *rq, struct tc_webform *f, struct tc_dresp *resp)
{
	tc_webform_init(f);
	if (rq->query == NULL ||
	    tc_webform_parse(f, (const uint8_t *)rq->query, rq->querylen, NULL,
		NULL, 0) == 0)
		return 0;
	tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request", "%s",
	    "the query could not be read");
	return -1;
}

/* The JSON object of a request body, or NULL with resp answered 400. */
json_t *
web_body_object(struct tc_dreq *rq, struct tc_dresp *resp)
{
	json_error_t je;
	json_t *o;

	if (rq->body.len == 0 ||
	    (o = json_loadb((const char *)rq->body.data, rq->body.len,
		 JSON_REJECT_DUPLICATES, &je)) == NULL) {
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s", "the body must be a JSON object");
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s", "the body must be a JSON object");
		return NULL;
	}
	return o;
}

static void
ep_session(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	if (web_sign_in_throttled(d, rq, resp, 0))
		return;
	struct web *w = tc_daemon_app(d);
	struct web_answer an;
	json_t *req, *args = NULL;
	const char *op;

	rq->ep = WEB_EP_SESSION;
	if (rq->method_post) {
		if (!web_same_origin(rq)) {
			tc_dresp_error(resp, 403, WEB_R_FORBIDDEN, "cross-site",
			    "a sign-in from another site's page is refused (Origin or Sec-Fetch-Site)");
			return;
		}
		if ((args = web_body_object(rq, resp)) == NULL)
			return;
		op = "login";
	} else {
		op = rq->method_delete ? "logout" : "whoami";
	}
	if ((req = web_request(rq, op, resp)) == NULL) {
		json_decref(args);
		return;
	}
	if (args != NULL)
		json_object_set_new(req, "args", args);
	if (web_call(w, req, &an, resp) != 0)
		return;
	if (web_answer_json(&an, resp))
		web_session_cookie(d, rq, &an, WEB_COOKIE_NAME, resp);
	web_answer_free(&an);
}

void
web_queue_args(json_t *req, const struct tc_webform *f)
{
	static const char *const names[] = { "limit", "after", "before",
		"columns", NULL };

	web_query_args(req, f, names);
}

void
web_query_args(
    json_t *req, const struct tc_webform *f, const char *const *names)
{
	json_t *args = json_object();
	const char *v;
	size_t i, n;

	for (i = 0; args != NULL && names[i] != NULL; i++) {
		if ((v = tc_webform_get(f, names[i], NULL)) == NULL)
			continue;
		n = strlen(v);
		json_object_set_new(args, names[i],
		    strcmp(names[i], "limit") == 0 && n > 0 && n <= 9 &&
			    strspn(v, "0123456789") == n
			? json_integer(atoi(v))
			: json_string(v));
	}
	if (json_object_size(args) > 0)
		json_object_set(req, "args", args);
	json_decref(args);
}

/*
 * GET /v1/queue (op queue: limit, after, before) and GET
 * /v1/applications (op search: name, limit), by the route.
 */
static void
ep_queue(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	static const char *const search[] = { "name", "limit", "columns",
		NULL };
	int is_search = strcmp(rq->route->pattern, "/v1/applications") == 0;
	struct tc_webform f;
	json_t *req;

	rq->ep = is_search ? WEB_EP_APP : WEB_EP_QUEUE;
	if (web_query(rq, &f, resp) != 0)
		goto out;
	if (is_search && tc_webform_get(&f, "name", NULL) == NULL) {
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s", "give name=, the beginning of an applicant's name");
		goto out;
	}
	if ((req = web_request(rq, is_search ? "search" : "queue", resp)) ==
	    NULL)
		goto out;
	if (is_search)
		web_query_args(req, &f, search);
	else
		web_queue_args(req, &f);
	web_call_answer(tc_daemon_app(d), req, resp);
out:
	tc_webform_release(&f);
}

static void
ep_app(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	int64_t n;
	json_t *req;

	rq->ep = WEB_EP_APP;
	if ((n = number_param(rq, "n", resp)) == 0 ||
	    (req = web_request(rq, "app", resp)) == NULL)
		return;
	json_object_set_new(req, "app", json_integer(n));
	web_call_answer(tc_daemon_app(d), req, resp);
}

void
web_disposition(const char *name, char *out, size_t len)
{
	char safe[200];
	size_t i, o = 0;

	for (i = 0; name != NULL && name[i] != '\0' && o + 1 < sizeof(safe);
	     i++) {
		unsigned char c = (unsigned char)name[i];

		safe[o++] =
		    c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';'
		    ? (char)c
		    : '_';
	}
	safe[o] = '\0';
	snprintf(out, len, "attachment; filename=\"%s\"",
	    o > 0 ? safe : "attachment");
}

static void
ep_attachment(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	int64_t n, att;
	json_t *req;

	rq->ep = WEB_EP_ATTACHMENT;
	if ((n = number_param(rq, "n", resp)) == 0 ||
	    (att = number_param(rq, "id", resp)) == 0 ||
	    (req = web_request(rq, "attachment", resp)) == NULL)
		return;
	json_object_set_new(req, "app", json_integer(n));
	json_object_set_new(req, "att", json_integer(att));
	web_call_file(tc_daemon_app(d), req, resp);
}

int
web_sign_in_throttled(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp, int html)
{
	struct web *w = tc_daemon_app(d);
	unsigned wait;

	if (!rq->method_post || w->sign_in == NULL ||
	    (wait = tc_dthrottle_take(w->sign_in, rq->client_key,
		 rq->client_keylen, tc_daemon_mono_ns())) == 0)
		return 0;
	if (html) {
		tc_buf_release(&resp->body);
		tc_buf_init(&resp->body, 0);
		tc_dresp_checked(resp,
		    tc_buf_puts(&resp->body,
			"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>429</title></head><body><h1>请稍后再试 Too many attempts</h1><p>此地址尝试登录或注册过于频繁，请稍后再试。Too many sign-in or registration attempts from this address: try again later.</p></body></html>\n"));
		resp->status = 429;
		resp->result = WEB_R_THROTTLED;
		resp->ctype = "text/html; charset=utf-8";
	} else {
		tc_dresp_error(resp, 429, WEB_R_THROTTLED, "throttled",
		    "too many sign-in, registration or reset attempts from this address; try again in %u s",
		    wait);
	}
	snprintf(resp->retry_after, sizeof(resp->retry_after), "%u", wait);
	return 1;
}

void
web_call_file(struct web *w, json_t *req, struct tc_dresp *resp)
{
	struct web_answer an;

	if (web_call(w, req, &an, resp) != 0)
		return;
	if (an.error != NULL || an.status != 200 || an.ctype == NULL) {
		web_answer_json(&an, resp);
		web_answer_free(&an);
		return;
	}
	/* The bytes as stored; the layer adds nosniff. */
	resp->ctype = strcmp(an.ctype, "image/jpeg") == 0 ? "image/jpeg"
	    : strcmp(an.ctype, "image/png") == 0	  ? "image/png"
	    : strcmp(an.ctype, "application/pdf") == 0
	    ? "application/pdf"
	    : "application/octet-stream";
	web_disposition(
	    an.filename, resp->disposition, sizeof(resp->disposition));
	tc_buf_init(&resp->body, TC_ORPC_TAIL_MAX + 1);
	tc_dresp_checked(resp, tc_buf_put(&resp->body, an.tail, an.tlen));
	web_answer_free(&an);
}

static void
ep_review(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	json_t *req, *args;
	int64_t n;

	rq->ep = WEB_EP_REVIEW;
	if ((n = number_param(rq, "n", resp)) == 0 ||
	    (args = web_body_object(rq, resp)) == NULL)
		return;
	if ((req = web_request(rq, "review", resp)) == NULL) {
		json_decref(args);
		return;
	}
	json_object_set_new(req, "app", json_integer(n));
	json_object_set_new(req, "args", args);
	web_call_answer(tc_daemon_app(d), req, resp);
}

static void
ep_healthz(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	int broken = web_rpc_broken(&w->rpc);
	char text[128];
	int n;

	rq->ep = WEB_EP_HEALTHZ;
	n = snprintf(text, sizeof(text),
	    "{\"status\":\"%s\",\"uptime_seconds\":%llu}\n",
	    broken ? "monitor-gone" : "ok",
	    (unsigned long long)((tc_daemon_mono_ns() - w->started_ns) /
		1000000000u));
	tc_buf_init(&resp->body, sizeof(text));
	tc_dresp_checked(resp, tc_buf_put(&resp->body, text, (size_t)n));
	if (broken) {
		resp->status = 503;
		resp->result = WEB_R_UNAVAILABLE;
	}
}

static void
ep_metrics(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);

	rq->ep = WEB_EP_METRICS;
	resp->ctype = "text/plain; version=0.0.4; charset=utf-8";
	tc_buf_init(&resp->body, 1u << 20);
	if (tc_dmetrics_render(w->metrics, &resp->body) != 0)
		tc_dresp_error(resp, 500, WEB_R_ERROR, "internal", "%s",
		    "metrics could not be rendered");
}

static const struct tc_droute routes[] = {
	{ TC_DM_GET, "/healthz", ep_healthz, WEB_EP_HEALTHZ, 0 },
	{ TC_DM_GET, "/metrics", ep_metrics, WEB_EP_METRICS, 0 },
	{ TC_DM_GET | TC_DM_POST | TC_DM_DEL, "/v1/session", ep_session,
	    WEB_EP_SESSION, BODY_MAX },
	{ TC_DM_GET, "/v1/queue", ep_queue, WEB_EP_QUEUE, 0 },
	{ TC_DM_GET, "/v1/applications", ep_queue, WEB_EP_APP, 0 },
	{ TC_DM_GET, "/v1/applications/{n}", ep_app, WEB_EP_APP, 0 },
	{ TC_DM_GET, "/v1/applications/{n}/attachments/{id}", ep_attachment,
	    WEB_EP_ATTACHMENT, 0 },
	{ TC_DM_POST, "/v1/applications/{n}/review", ep_review, WEB_EP_REVIEW,
	    BODY_MAX },
	{ TC_DM_POST, "/v1/applications/{n}/supplement", web_api_act,
	    WEB_EP_REVIEW, BODY_MAX },
	{ TC_DM_POST, "/v1/applications/{n}/reveal-id", web_api_act, WEB_EP_APP,
	    BODY_MAX },
	{ TC_DM_POST, "/v1/applications/{n}/issue", web_api_act, WEB_EP_REVIEW,
	    BODY_MAX },
	{ TC_DM_POST, "/v1/session/totp", web_api_act, WEB_EP_SESSION,
	    BODY_MAX },
	{ TC_DM_POST, "/v1/session/passphrase", web_api_act, WEB_EP_SESSION,
	    BODY_MAX },
	{ TC_DM_GET, "/console/account/totp.png", web_totp_png, WEB_EP_CONSOLE,
	    0 },
	{ TC_DM_GET, "/console/account", web_console_account, WEB_EP_CONSOLE,
	    0 },
	{ TC_DM_POST, "/console/account/totp", web_console_totp, WEB_EP_CONSOLE,
	    BODY_MAX },
	{ TC_DM_POST, "/console/account/passphrase", web_console_passphrase,
	    WEB_EP_CONSOLE, BODY_MAX },
	{ TC_DM_POST, "/console/applications/{n}/supplement",
	    web_console_supplement, WEB_EP_CONSOLE, BODY_MAX },
	{ TC_DM_POST, "/console/applications/{n}/reveal-id", web_console_reveal,
	    WEB_EP_CONSOLE, BODY_MAX },
	{ TC_DM_GET, "/v1/cards/{card}", web_api_card, WEB_EP_CARD, 0 },
	{ TC_DM_GET, "/v1/cards/{card}/documents/{id}", web_api_card_document,
	    WEB_EP_CARD, 0 },
	{ TC_DM_POST, "/v1/cards/{card}/{action}", web_api_card_action,
	    WEB_EP_CARD_ACTION, WEB_DOC_BODY_MAX },
	{ TC_DM_GET, "/v1/production/queue", web_api_production, WEB_EP_CARD,
	    0 },
	{ TC_DM_POST, "/v1/production/cards/{card}/make",
	    web_api_production_make, WEB_EP_CARD_ACTION, BODY_MAX },
	{ TC_DM_GET, "/v1/production/jobs/{job}", web_api_production_job,
	    WEB_EP_CARD, 0 },
	{ TC_DM_POST, "/v1/station/poll", web_station_poll, WEB_EP_STATION,
	    TC_STATION_BODY_MAX },
	{ TC_DM_GET, "/v1/station/jobs/{job}/face.pdf", web_station_face,
	    WEB_EP_STATION, 0 },
	{ TC_DM_POST, "/v1/station/jobs/{job}/print", web_station_print,
	    WEB_EP_STATION, TC_STATION_PRINT_BODY_MAX },
	{ TC_DM_POST, "/v1/production/cards/{card}/{action}",
	    web_api_production_act, WEB_EP_CARD_ACTION, BODY_MAX },
	{ TC_DM_GET, "/v1/audit", web_api_audit, WEB_EP_AUDIT, 0 },
	{ TC_DM_GET, "/v1/audit/verify", web_api_audit_verify, WEB_EP_AUDIT,
	    0 },
	{ TC_DM_GET, "/console/cards/{card}", web_console_card, WEB_EP_CONSOLE,
	    0 },
	{ TC_DM_POST, "/console/cards/{card}/{action}", web_console_card_action,
	    WEB_EP_CONSOLE, WEB_DOC_BODY_MAX },
	{ TC_DM_GET, "/console/audit", web_console_audit, WEB_EP_CONSOLE, 0 },
	{ TC_DM_GET, "/console/production", web_console_production,
	    WEB_EP_CONSOLE, 0 },
	{ TC_DM_GET, "/console/production/jobs/{job}", web_console_job,
	    WEB_EP_CONSOLE, 0 },
	{ TC_DM_POST, "/console/production/{card}/{action}",
	    web_console_production_act, WEB_EP_CONSOLE, BODY_MAX },
	{ TC_DM_GET, "/console/style.css", web_console_css, WEB_EP_CONSOLE, 0 },
	{ TC_DM_GET | TC_DM_POST, "/console/login", web_console_login,
	    WEB_EP_CONSOLE, BODY_MAX },
	{ TC_DM_POST, "/console/logout", web_console_logout, WEB_EP_CONSOLE,
	    BODY_MAX },
	{ TC_DM_GET, "/console/queue", web_console_queue, WEB_EP_CONSOLE, 0 },
	{ TC_DM_GET, "/console/search", web_console_search, WEB_EP_CONSOLE, 0 },
	{ TC_DM_GET, "/console/applications/{n}/attachments/{id}/pages",
	    web_pdf_pages, WEB_EP_CONSOLE, 0 },
	{ TC_DM_GET, "/console/applications/{n}/attachments/{id}/page/{k}",
	    web_pdf_page, WEB_EP_CONSOLE, 0 },
	{ TC_DM_GET, "/console/applications/{n}", web_console_app,
	    WEB_EP_CONSOLE, 0 },
	{ TC_DM_POST, "/console/applications/{n}/review", web_console_review,
	    WEB_EP_CONSOLE, BODY_MAX },
	{ TC_DM_GET | TC_DM_POST | TC_DM_DEL, "/v1/portal/session",
	    web_portal_session, WEB_EP_PORTAL, BODY_MAX },
	{ TC_DM_POST, "/v1/portal/accounts", web_portal_account, WEB_EP_PORTAL,
	    BODY_MAX },
	{ TC_DM_POST, "/v1/portal/accounts/{what}", web_portal_account,
	    WEB_EP_PORTAL, BODY_MAX },
	{ TC_DM_GET | TC_DM_POST, "/v1/portal/applications", web_portal_apps,
	    WEB_EP_PORTAL, PORTAL_FORM_MAX },
	{ TC_DM_GET, "/v1/portal/applications/{n}", web_portal_app,
	    WEB_EP_PORTAL, 0 },
	{ TC_DM_POST, "/v1/portal/applications/{n}/attachments",
	    web_portal_attachment, WEB_EP_PORTAL, WEB_DOC_BODY_MAX },
	{ TC_DM_GET, "/v1/portal/applications/{n}/attachments/{id}",
	    web_portal_attachment, WEB_EP_PORTAL, 0 },
	{ TC_DM_GET, "/v1/portal/applications/{n}/ecard/{what}",
	    web_portal_ecard, WEB_EP_PORTAL, 0 },
	{ TC_DM_GET | TC_DM_POST, "/v1/portal/applications/{n}/{act}",
	    web_portal_app, WEB_EP_PORTAL, BODY_MAX },
	{ TC_DM_PUT, "/v1/portal/applications/{n}/sections/{section}",
	    web_portal_app, WEB_EP_PORTAL, PORTAL_FORM_MAX },
	{ TC_DM_GET, "/portal/oidc/{what}", web_portal_oidc, WEB_EP_PORTAL, 0 },
	{ TC_DM_GET, "/portal/style.css", web_portal_css, WEB_EP_PORTAL, 0 },
	{ TC_DM_GET, "/portal/portal.js", web_portal_js, WEB_EP_PORTAL, 0 },
	{ TC_DM_GET | TC_DM_POST, "/portal/login", web_portal_login,
	    WEB_EP_PORTAL, BODY_MAX },
	{ TC_DM_GET | TC_DM_POST, "/portal/register", web_portal_register,
	    WEB_EP_PORTAL, BODY_MAX },
	{ TC_DM_POST, "/portal/logout", web_portal_logout, WEB_EP_PORTAL,
	    BODY_MAX },
	{ TC_DM_GET, "/portal/programmes/{id}", web_portal_programme,
	    WEB_EP_PORTAL, 0 },
	{ TC_DM_GET | TC_DM_POST, "/portal/apply/{programme}", web_portal_apply,
	    WEB_EP_PORTAL, BODY_MAX },
	{ TC_DM_GET, "/portal/applications/{n}", web_portal_overview,
	    WEB_EP_PORTAL, 0 },
	{ TC_DM_POST, "/portal/applications/{n}/attachments", web_portal_upload,
	    WEB_EP_PORTAL, WEB_DOC_BODY_MAX },
	{ TC_DM_POST, "/portal/applications/{n}/withdraw", web_portal_withdraw,
	    WEB_EP_PORTAL, BODY_MAX },
	{ TC_DM_GET | TC_DM_POST, "/portal/applications/{n}/pledge",
	    web_portal_pledge, WEB_EP_PORTAL, BODY_MAX },
	{ TC_DM_GET | TC_DM_POST, "/portal/applications/{n}/sections/{section}",
	    web_portal_section_page, WEB_EP_PORTAL, PORTAL_FORM_MAX },
	{ TC_DM_GET, "/portal", web_portal_home, WEB_EP_PORTAL, 0 },
	{ TC_DM_GET, "/portal/*", web_portal_home, WEB_EP_PORTAL, 0 },
	{ TC_DM_GET, "/console", web_console_root, WEB_EP_CONSOLE, 0 },
	{ TC_DM_GET, "/console/*", web_console_root, WEB_EP_CONSOLE, 0 },
};

static void
finish(struct tc_daemon *d, struct tc_dreq *rq, uint64_t ns)
{
	struct web *w = tc_daemon_app(d);
	int ep = rq->ep >= 0 && rq->ep < WEB_EP_COUNT ? rq->ep : WEB_EP_OTHER;

	tc_dmetrics_count(w->metrics, (size_t)ep, (size_t)rq->result,
	    WEB_EP_OTHER, WEB_R_ERROR, ns);
	free(rq->app); /* a console redirect's Location */
	rq->app = NULL;
	if (rq->status == 0 &&
	    !tc_dlog_limit(w->log, TC_DLOG_ABORTED, rq->t0 + ns))
		return;
	tc_dlog_request(w->log, rq->client,
	    rq->method_post	    ? "POST"
		: rq->method_delete ? "DELETE"
		: rq->method_head   ? "HEAD"
		: rq->method_get    ? "GET"
				    : "OTHER",
	    rq->path != NULL ? rq->path : "", ep_names[ep], rq->status,
	    rq->result >= 0 && rq->result < WEB_R_COUNT ? res_names[rq->result]
							: "error",
	    ns, rq->bytes, "");
}

static void
http_log(struct tc_daemon *d, const char *msg)
{
	struct web *w = tc_daemon_app(d);

	if (tc_dlog_limit(w->log, TC_DLOG_HTTP, tc_daemon_mono_ns()))
		tc_dlog_event(w->log, "http", "warning", "%s", msg);
}

int
web_http_start(struct web *w, int listen_fd, const char *listen,
    const uint8_t *cert, size_t clen, const uint8_t *key, size_t klen,
    char *err, size_t errlen)
{
	struct tc_daemon_conf c;

	memset(&c, 0, sizeof(c));
	c.listen_fd = listen_fd;
	c.listen = listen;
	/*
	 * Four: calls to the one monitor are pipelined (web-rpc.c), and
	 * more threads in flight on a small machine made longer tails
	 * (docs/performance.md, decisions 67).
	 */
	c.threads = 4;
	c.timeout = 30;
	c.max_connections = 256;
	c.per_ip_connections = 0;
	c.max_body = BODY_MAX;
	c.max_query = 1024;
	c.routes = routes;
	c.nroutes = sizeof(routes) / sizeof(routes[0]);
	c.ep_other = WEB_EP_OTHER;
	c.results = (struct tc_dresults){ .ok = WEB_R_OK,
		.bad_request = WEB_R_BAD_REQUEST,
		.too_large = WEB_R_TOO_LARGE,
		.not_found = WEB_R_NOT_FOUND,
		.method = WEB_R_METHOD,
		.error = WEB_R_ERROR };
	c.app = w;
	c.finish = finish;
	c.http_log = http_log;
	if (tc_dmetrics_new(&w->metrics, ep_names, WEB_EP_COUNT, res_names,
		WEB_R_COUNT) != 0 ||
	    tc_daemon_new(&w->d, &c) != 0) {
		snprintf(err, errlen, "%s", "out of memory");
		return -1;
	}
	if (cert != NULL &&
	    tc_daemon_tls_pem(w->d, cert, clen, key, klen, err, errlen) != 0)
		return -1;
	return tc_daemon_start(w->d, err, errlen);
}
