/* SPDX-License-Identifier: MIT */
/*
 * The web worker's card and audit endpoints (office/web.h): GET
 * /v1/cards/{card}, POST /v1/cards/{card}/{action} (suspend, reinstate,
 * revoke, renew, change, reissue, subcards; upgrade and convert, which
 * create an application), GET /v1/audit and GET /v1/audit/verify, each
 * one RPC to the monitor (ops card, card-action, card-change, audit,
 * audit-verify; office/mon-cards.c, office/mon-change.c). The worker only moves the
 * path's card and action and the body's members into the request; the
 * monitor checks them with strict tables (src/officerpc-card.c), the
 * CSRF token, and the library decides who may act. docs/issuerd.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "tcard/err.h"
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

/* Appends s (n bytes) url-encoded: A-Z a-z 0-9 as they are, else %XX. */
static int
urlenc(struct tc_buf *b, const uint8_t *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = { '%', 0, 0 };
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		if ((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9')) {
			bad |= tc_buf_put(b, s + i, 1);
			continue;
		}
		e[1] = hex[s[i] >> 4];
		e[2] = hex[s[i] & 15];
		bad |= tc_buf_put(b, e, 3);
	}
	return bad;
}

/* One file part "document": into docs and tail. 0, or an HTTP status. */
static unsigned
add_doc(const struct tc_multipart_part *pt, json_t *docs, struct tc_buf *tail)
{
	if (pt->filename_flags != 0 || pt->filename_len == 0 || pt->len == 0 ||
	    json_array_size(docs) >= TC_ORPC_DOCS_MAX)
		return 400;
	if (pt->len > TC_ORPC_REQ_TAIL_MAX - tail->len)
		return 413;
	if (json_array_append_new(docs,
		json_pack("{s:s, s:I}", "name", pt->filename, "size",
		    (json_int_t)pt->len)) != 0 ||
	    tc_buf_put(tail, pt->data, pt->len) != 0)
		return 500;
	return 0;
}

int
web_card_body(struct tc_dreq *rq, struct tc_dresp *resp, int form,
    struct tc_buf *text, json_t **docs, struct tc_buf *tail)
{
	static const char *const single[] = { "args", NULL };
	const char *ct = tc_dreq_header(rq, "Content-Type");
	struct tc_multipart_limits lim = { 3 * TC_ORPC_DOCS_MAX + 16, 0,
		TC_ORPC_REQ_TAIL_MAX, single };
	const struct tc_multipart_part *pt;
	struct tc_multipart mp;
	char err[256];
	unsigned st = 0;
	size_t i;
	int r;

	*docs = NULL;
	tc_buf_init(text, WEB_DOC_BODY_MAX);
	tc_buf_init(tail, TC_ORPC_REQ_TAIL_MAX);
	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0) {
		if (tc_buf_put(text, rq->body.data, rq->body.len) != 0) {
			tc_dresp_error(resp, 500, WEB_R_ERROR, "internal", "%s",
			    "out of memory");
			return -1;
		}
		return 0;
	}
	tc_multipart_init(&mp);
	if ((r = tc_multipart_parse(&mp, ct, rq->body.data, rq->body.len, &lim,
		 err, sizeof(err))) != 0) {
		if (r == TC_ERR_TOO_LARGE)
			tc_dresp_error(resp, 413, WEB_R_TOO_LARGE, "too-large",
			    "%s (a document has at most %u bytes)", err,
			    TC_ORPC_REQ_TAIL_MAX);
		else
			tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST,
			    "bad-request", "%s", err);
		return -1;
	}
	if ((*docs = json_array()) == NULL)
		st = 500;
	for (i = 0; st == 0 && i < mp.n; i++) {
		pt = &mp.parts[i];
		if (strcmp(pt->name, "document") == 0 && pt->has_filename) {
			/* A form's file input left empty sends no file. */
			if (pt->filename_len > 0 || pt->len > 0)
				st = add_doc(pt, *docs, tail);
		} else if (pt->has_filename) {
			st = 400;
		} else if (form) {
			if ((text->len > 0 && tc_buf_put(text, "&", 1) != 0) ||
			    urlenc(text, (const uint8_t *)pt->name,
				strlen(pt->name)) != 0 ||
			    tc_buf_put(text, "=", 1) != 0 ||
			    urlenc(text, pt->data, pt->len) != 0)
				st = 500;
		} else if (strcmp(pt->name, "args") == 0) {
			if (tc_buf_put(text, pt->data, pt->len) != 0)
				st = 500;
		} else {
			st = 400;
		}
	}
	tc_multipart_release(&mp);
	if (st == 0 && json_array_size(*docs) == 0) {
		json_decref(*docs);
		*docs = NULL;
	}
	if (st == 0)
		return 0;
	json_decref(*docs);
	*docs = NULL;
	if (st == 413)
		tc_dresp_error(resp, 413, WEB_R_TOO_LARGE, "too-large",
		    "the documents have more than %u bytes together",
		    TC_ORPC_REQ_TAIL_MAX);
	else if (st == 400)
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "the parts are one \"args\" (a JSON object) and up to %d files \"document\" with a plain file name",
		    TC_ORPC_DOCS_MAX);
	else
		tc_dresp_error(
		    resp, 500, WEB_R_ERROR, "internal", "%s", "out of memory");
	return -1;
}

/* The JSON object of text (empty: {}), or NULL with resp answered 400. */
static json_t *
args_object(const struct tc_buf *text, struct tc_dresp *resp)
{
	json_t *o;

	if (text->len == 0)
		return json_object();
	o = json_loadb(
	    (const char *)text->data, text->len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s",
		    "the body (or its part \"args\") must be a JSON object");
		return NULL;
	}
	return o;
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

/*
 * POST /v1/cards/{card}/upgrade and /convert: the body's options (tier,
 * clause, draft, accept_pledge) with the path's kind; 201 and the new
 * application's summary.
 */
static void
card_change(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp,
    const char *card, const char *kind, json_t *args, json_t *docs,
    const struct tc_buf *tail)
{
	json_t *req;

	if (json_object_get(args, "kind") != NULL) {
		json_decref(args);
		json_decref(docs);
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s", "the kind is the path's, not a member of the body");
		return;
	}
	if ((req = web_request(rq, "card-change", resp)) == NULL) {
		json_decref(args);
		json_decref(docs);
		return;
	}
	json_object_set_new(args, "kind", json_string(kind));
	json_object_set_new(req, "card", json_string(card));
	json_object_set_new(req, "args", args);
	if (docs != NULL)
		json_object_set_new(req, "docs", docs);
	if (web_call_tail_answer(
		tc_daemon_app(d), req, tail->data, tail->len, resp))
		resp->status = 201;
}

void
web_api_card_document(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	int64_t id = tc_dreq_param_number(rq, "id");
	const char *card;
	json_t *req;

	rq->ep = WEB_EP_CARD;
	if ((card = card_param(rq, resp)) == NULL)
		return;
	if (id == 0) {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such document");
		return;
	}
	if ((req = web_request(rq, "card-document", resp)) == NULL)
		return;
	json_object_set_new(req, "card", json_string(card));
	json_object_set_new(req, "att", json_integer(id));
	web_call_file(tc_daemon_app(d), req, resp);
}

void
web_api_card_action(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *card, *action = tc_dreq_param(rq, "action");
	struct tc_buf text, tail;
	json_t *req, *args, *docs = NULL;
	int i;

	rq->ep = WEB_EP_CARD_ACTION;
	tc_buf_init(&text, 0);
	tc_buf_init(&tail, 0);
	if ((card = card_param(rq, resp)) == NULL)
		return;
	if (action != NULL &&
	    (strcmp(action, "upgrade") == 0 ||
		strcmp(action, "convert") == 0)) {
		if (web_card_body(rq, resp, 0, &text, &docs, &tail) == 0 &&
		    (args = args_object(&text, resp)) != NULL) {
			card_change(
			    d, rq, resp, card, action, args, docs, &tail);
			docs = NULL; /* card_change's */
		}
		goto out;
	}
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
		    "no such card action (suspend, reinstate, revoke, renew, change, reissue, subcards, upgrade, convert)");
		goto out;
	}
	/* An empty body is no arguments (reinstate, renew). */
	if (web_card_body(rq, resp, 0, &text, &docs, &tail) != 0 ||
	    (args = args_object(&text, resp)) == NULL)
		goto out;
	if (json_object_get(args, "action") != NULL) {
		json_decref(args);
		tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST, "bad-request",
		    "%s", "the action is the path's, not a member of the body");
		goto out;
	}
	if ((req = web_request(rq, "card-action", resp)) == NULL) {
		json_decref(args);
		goto out;
	}
	json_object_set_new(args, "action", json_string(action));
	json_object_set_new(req, "card", json_string(card));
	json_object_set_new(req, "args", args);
	if (docs != NULL)
		json_object_set(req, "docs", docs);
	web_call_tail_answer(tc_daemon_app(d), req, tail.data, tail.len, resp);
out:
	json_decref(docs);
	tc_buf_release(&text);
	tc_buf_release(&tail);
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
	if (web_query(rq, &f, resp) != 0)
		goto out;
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
