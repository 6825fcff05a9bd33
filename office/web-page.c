/* SPDX-License-Identifier: MIT */
/*
 * The page framework of the web worker (office/web-page.h): what the
 * console's and the portal's pages share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/officerpc.h"
#include "web-page.h"

#define LANG_NAME "tcard_lang"

const char *
page_query(struct page *pg, const char *name)
{
	return tc_webform_get(&pg->query, name, NULL);
}

/*
 * The language: ?lang= (remembered in a cookie: a value that is not
 * secret, so no HttpOnly is needed, and every link and redirect stays
 * free of it), else the cookie, else the first of "zh" or "en" in
 * Accept-Language, else Chinese.
 */
static void
lang_of(struct page *pg)
{
	const char *q = page_query(pg, "lang"), *al;
	const char *zh, *en;
	char v[16], err[64];

	if (q != NULL && (strcmp(q, "en") == 0 || strcmp(q, "zh") == 0)) {
		pg->en = q[0] == 'e';
		snprintf(pg->resp->set_cookie, sizeof(pg->resp->set_cookie),
		    "%s=%s; Path=%s; SameSite=Strict; Max-Age=31536000",
		    LANG_NAME, q, pg->site->path);
		return;
	}
	if (tc_cookie_get(tc_dreq_header(pg->rq, "Cookie"), LANG_NAME, v,
		sizeof(v), err, sizeof(err)) == 0 &&
	    (strcmp(v, "en") == 0 || strcmp(v, "zh") == 0)) {
		pg->en = v[0] == 'e';
		return;
	}
	al = tc_dreq_header(pg->rq, "Accept-Language");
	if (al == NULL)
		return;
	zh = strstr(al, "zh");
	en = strstr(al, "en");
	pg->en = en != NULL && (zh == NULL || en < zh);
}

void
page_begin(struct page *pg, const struct page_site *site, struct tc_dreq *rq,
    struct tc_dresp *resp)
{
	memset(pg, 0, sizeof(*pg));
	pg->site = site;
	pg->rq = rq;
	pg->resp = resp;
	pg->b = &resp->body;
	rq->ep = site->ep;
	tc_webform_init(&pg->query);
	if (rq->query != NULL &&
	    tc_webform_parse(&pg->query, (const uint8_t *)rq->query,
		rq->querylen, NULL, NULL, 0) != 0)
		tc_webform_init(&pg->query);
	lang_of(pg);
	web_cookie_token(rq, site->cookie, pg->sid);
	tc_buf_init(&resp->body, PAGE_MAX);
}

void
page_end(struct page *pg)
{
	tc_webform_release(&pg->query);
}

void
page_status(struct page *pg, unsigned status, int result)
{
	pg->resp->status = status;
	pg->resp->result = result;
	pg->resp->ctype = "text/html; charset=utf-8";
	pg->resp->html_security = 1;
	pg->resp->csp = pg->site->csp;
	pg->resp->cache = "no-store";
}

void
page_redirect(struct page *pg, const char *location)
{
	char *loc = strdup(location);

	if (loc == NULL) {
		tc_dresp_error(pg->resp, 500, WEB_R_ERROR, "internal", "%s",
		    "out of memory");
		return;
	}
	free(pg->rq->app);
	pg->rq->app = loc;
	tc_buf_release(&pg->resp->body);
	page_status(pg, 303, WEB_R_OK);
	pg->resp->location = loc;
}

void
page_finish(struct page *pg, int bad)
{
	bad |= put(pg, "</main>\n</body>\n</html>\n");
	tc_dresp_checked(pg->resp, bad | tc_buf_error(pg->b));
}

int
page_result(unsigned status)
{
	switch (status) {
	case 404:
		return WEB_R_NOT_FOUND;
	case 403:
		return WEB_R_FORBIDDEN;
	case 409:
		return WEB_R_REFUSED;
	case 400:
		return WEB_R_BAD_REQUEST;
	case 503:
		return WEB_R_UNAVAILABLE;
	}
	return WEB_R_ERROR;
}

const char *
page_problem_title(struct page *pg, unsigned status)
{
	switch (status) {
	case 403:
		return L("不允许", "Not allowed");
	case 409:
		return L("无法执行", "Refused");
	case 400:
		return L("请求有误", "Bad request");
	case 503:
		return L("暂时不可用", "Unavailable");
	}
	return L("出错了", "Error");
}

int
page_open(struct page *pg, const char *title)
{
	int bad = 0;

	bad |= put(pg, "<!DOCTYPE html>\n<html lang=\"");
	bad |= put(pg, pg->en ? "en" : "zh-CN");
	bad |= put(pg,
	    "\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n");
	bad |= put(pg, pg->site->assets);
	bad |= put(pg, "<title>");
	bad |= esc(pg, title);
	bad |= put(pg, L(pg->site->zh, pg->site->en));
	return bad | put(pg, "</title>\n</head>\n<body>\n<header>\n");
}

int
page_header_end(
    struct page *pg, const char *account, const char *logout, const char *title)
{
	int bad = put(pg,
	    pg->en ? "<a href=\"?lang=zh\" lang=\"zh-CN\">中文</a>\n"
		   : "<a href=\"?lang=en\" lang=\"en\">English</a>\n");

	if (pg->who != NULL) {
		if (account != NULL) {
			bad |=
			    put(pg, "<a class=\"who\" id=\"account\" href=\"");
			bad |= esc(pg, account);
			bad |= put(pg, "\">");
		} else
			bad |= put(pg, "<span class=\"who\" id=\"account\">");
		bad |= esc(pg, pg->who);
		bad |= put(pg, account != NULL ? "</a>\n" : "</span>\n");
		bad |= put(pg, "<form method=\"post\" action=\"");
		bad |= esc(pg, logout);
		bad |=
		    put(pg, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
		bad |= esc(pg, pg->csrf);
		bad |= put(pg, "\"><button id=\"logout\">");
		bad |= put(pg, L("退出", "Sign out"));
		bad |= put(pg, "</button></form>\n");
	}
	return bad | page_main(pg, title);
}

int
page_main(struct page *pg, const char *title)
{
	int bad = put(pg, "</header>\n<main>\n<h1>");

	bad |= esc(pg, title);
	return bad | put(pg, "</h1>\n");
}

const char *
page_word(
    struct page *pg, const struct page_word *w, size_t n, const char *word)
{
	size_t i;

	for (i = 0; word != NULL && i < n; i++)
		if (strcmp(word, w[i].word) == 0)
			return L(w[i].zh, w[i].en);
	return NULL;
}

/* A paragraph opened by open with text t (escaped); nothing when NULL. */
static int
paragraph(struct page *pg, const char *open, const char *t)
{
	int bad = 0;

	if (t == NULL)
		return 0;
	bad |= put(pg, open);
	bad |= esc(pg, t);
	return bad | put(pg, "</p>\n");
}

int
page_flash(struct page *pg, const struct page_word *w, size_t n)
{
	return paragraph(pg, "<p class=\"flash\" id=\"flash\">",
	    page_word(pg, w, n, page_query(pg, "done")));
}

int
page_fmt(struct page *pg, const char *tpl, ...)
{
	const char *p = tpl, *hole;
	va_list ap;
	int bad = 0;

	va_start(ap, tpl);
	while ((hole = strstr(p, "%s")) != NULL) {
		bad |= tc_buf_put(pg->b, p, (size_t)(hole - p));
		bad |= esc(pg, va_arg(ap, const char *));
		p = hole + 2;
	}
	va_end(ap);
	return bad | put(pg, p);
}

int
page_error(struct page *pg, const char *msg)
{
	return paragraph(pg, "<p class=\"error\" id=\"problem\">", msg);
}

void
page_problem(struct page *pg, unsigned status, const char *title,
    const char *msg, const char *back, const char *back_text)
{
	int bad;

	tc_buf_reset(pg->b);
	page_status(pg, status, page_result(status));
	bad = pg->site->head(pg, title);
	bad |= page_error(pg, msg);
	bad |= put(pg, "<p><a id=\"back\" href=\"");
	bad |= esc(pg, back);
	bad |= put(pg, "\">");
	bad |= put(pg, back_text);
	bad |= put(pg, "</a></p>\n");
	page_finish(pg, bad);
}

void
page_rpc_problem(struct page *pg, const struct web_answer *an, const char *back)
{
	const struct page_site *site = pg->site;
	unsigned status = an->status;

	switch (status) {
	case 401:
		site->to_login(pg);
		return;
	case 404:
		site->not_found(pg);
		return;
	case 400:
	case 403:
	case 409:
	case 503:
		break;
	default:
		status = 500;
	}
	page_problem(pg, status, page_problem_title(pg, status),
	    an->message != NULL ? an->message : "",
	    back != NULL ? back : site->back,
	    back != NULL ? L("返回", "Back") : L(site->back_zh, site->back_en));
}

const char *
page_state(struct page *pg, const char *state, int applicant)
{
	static const struct {
		struct page_word staff, applicant;
	} v[] = {
		{ { "draft", "草稿", "draft" }, { "draft", "草稿", "draft" } },
		{ { "submitted", "已提交", "submitted" },
		    { "submitted", "审核中", "under review" } },
		{ { "returned", "已退回", "returned" },
		    { "returned", "已退回，待修改",
			"returned: to be corrected" } },
		{ { "rejected", "未通过", "rejected" },
		    { "rejected", "未通过", "rejected" } },
		{ { "approved", "已通过", "approved" },
		    { "approved", "已认定", "approved" } },
		{ { "issued", "已发证", "issued" },
		    { "issued", "已发卡", "issued" } },
		{ { "withdrawn", "已撤回", "withdrawn" },
		    { "withdrawn", "已撤回", "withdrawn" } },
	};
	size_t i;

	for (i = 0; state != NULL && i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(state, v[i].staff.word) == 0)
			return applicant
			    ? L(v[i].applicant.zh, v[i].applicant.en)
			    : L(v[i].staff.zh, v[i].staff.en);
	return state;
}

void
page_session_cookie(struct page *pg, const char *token)
{
	snprintf(pg->resp->set_cookie, sizeof(pg->resp->set_cookie),
	    "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", pg->site->cookie,
	    token != NULL ? token : "", token != NULL ? "" : "; Max-Age=0",
	    tc_daemon_tls(pg->rq->d) ? "; Secure" : "");
}

void
page_logout(struct page *pg, const char *op)
{
	struct tc_webform form;
	struct web_answer an;
	const char *csrf;
	char to[96];
	json_t *q;

	tc_webform_init(&form);
	memset(&an, 0, sizeof(an));
	if (pg->sid[0] == '\0') {
		page_redirect(pg, pg->site->login);
		return;
	}
	snprintf(to, sizeof(to), "%s?done=signed-out", pg->site->login);
	tc_webform_parse(
	    &form, pg->rq->body.data, pg->rq->body.len, NULL, NULL, 0);
	csrf = tc_webform_get(&form, "csrf", NULL);
	q = json_pack("{s:s, s:s}", "op", op, "session", pg->sid);
	if (q != NULL && csrf != NULL && tc_orpc_token_ok(csrf))
		json_object_set_new(q, "csrf", json_string(csrf));
	if (q == NULL) {
		tc_dresp_error(pg->resp, 500, WEB_R_ERROR, "internal", "%s",
		    "out of memory");
	} else if (web_call(tc_daemon_app(pg->rq->d), q, &an, pg->resp) == 0) {
		if (an.status == 200 || an.status == 401) {
			page_redirect(pg, to);
			page_session_cookie(pg, NULL);
		} else
			page_rpc_problem(pg, &an, NULL);
	}
	web_answer_free(&an);
	tc_webform_release(&form);
}

const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
