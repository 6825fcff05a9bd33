/* SPDX-License-Identifier: MIT */
/*
 * The staff console of tcard-issuerd (docs/issuerd.md, "The console"):
 * server-rendered HTML5 pages at /console/ in Chinese and English, built
 * on the same RPC ops as the JSON API (office/web-api.c), so the console
 * can do nothing the API cannot. No JavaScript, no inline style, one
 * stylesheet served from a C string: the pages carry a strict CSP. Every
 * string that comes from the registry (names, reasons, file names, field
 * values) goes through tc_html_put (src/html.c). POST forms carry the
 * session's CSRF token in a hidden "csrf" field, which the worker passes
 * to the monitor and the monitor checks; after a POST the answer is a 303
 * to a page (PRG) with a flash word in its query (?done=approved).
 * The language is ?lang=zh|en remembered in the tcard_lang cookie, else
 * Accept-Language, else Chinese.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "tcard/html.h"
#include "tcard/officerpc.h"
#include "tcard/webform.h"
#include "web-page.h"
#include "web.h"

#define CONSOLE_CSP                                                            \
	"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static const char console_css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,'Noto Sans CJK SC',sans-serif;color:#1b1f24;background:#f4f5f7}"
    "header{background:#14365d;color:#fff;padding:.5em 1em;display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center}"
    "header a{color:#fff}header form{display:inline;margin:0}"
    "header .who{margin-left:auto}"
    "main{max-width:70em;margin:0 auto;padding:1em}"
    "h1{font-size:1.4em;margin:.3em 0 .6em}h2{font-size:1.15em;margin:1.2em 0 .4em}"
    "table{border-collapse:collapse;width:100%;background:#fff}"
    "th,td{text-align:left;padding:.35em .5em;border-bottom:1px solid #d8dce2;vertical-align:top}"
    "th{background:#e8ebf0;font-weight:600}"
    ".overdue{color:#a40000;font-weight:600}"
    ".flash{background:#e3f4e1;border:1px solid #8cc084;padding:.5em 1em}"
    ".error{background:#fbe4e4;border:1px solid #d08a8a;padding:.5em 1em}"
    "section.card{background:#fff;border:1px solid #d8dce2;padding:.5em 1em;margin:.8em 0}"
    "dl{display:grid;grid-template-columns:minmax(8em,14em) 1fr;gap:.2em 1em;margin:0}"
    "dt{color:#4a5360}dd{margin:0;overflow-wrap:anywhere}"
    "ul.mat{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1em}"
    "ul.mat li{background:#fff;border:1px solid #d8dce2;padding:.5em;max-width:100%}"
    "ul.mat img{max-width:min(100%,18em);height:auto;display:block}"
    "ul.mat img.page{max-width:min(100%,40em);border:1px solid #d8dce2;margin:.3em 0}"
    "label{display:block;margin:.5em 0 .2em}"
    "input[type=text],input[type=password],input[type=search],input[type=number],textarea{width:100%;max-width:30em;padding:.4em;font:inherit}"
    "textarea{min-height:5em}"
    "button{font:inherit;padding:.4em 1.2em;margin:.5em .5em 0 0}"
    "fieldset{border:1px solid #d8dce2;margin:.5em 0}"
    ".muted{color:#5f6b7a}"
    "@media (max-width:40em){dl{grid-template-columns:1fr}th.opt,td.opt{display:none}main{padding:.5em}}\n";

static void to_login(struct page *pg);
static void not_found(struct page *pg);
static int head(struct page *pg, const char *title);

static const struct page_site console_site = { WEB_EP_CONSOLE, CONSOLE_CSP,
	"/console", WEB_COOKIE_NAME, "/console/login",
	"<link rel=\"stylesheet\" href=\"/console/style.css\">\n",
	" · 人才服务卡工作台", " · talent card console", to_login, not_found,
	"/console/queue", "返回待办", "Back to the queue", head };

/* A 303 to the sign-in page with next= this request's path when local. */
static void
to_login(struct page *pg)
{
	struct tc_buf b;

	tc_buf_init(&b, 1024);
	tc_buf_puts(&b, "/console/login");
	if (pg->rq->method_get && pg->rq->uri != NULL &&
	    tc_html_local_path_ok(pg->rq->uri, "/console/")) {
		tc_buf_puts(&b, "?next=");
		tc_html_url_put(&b, pg->rq->uri);
	}
	if (tc_buf_error(&b) == 0)
		page_redirect(pg, (const char *)b.data);
	else
		page_redirect(pg, "/console/login");
	tc_buf_release(&b);
}

static int has_role(struct page *pg, const char *role);

static int
head(struct page *pg, const char *title)
{
	int bad = page_open(pg, title);

	bad |= put(pg, "<strong>");
	bad |= put(
	    pg, L("人才服务卡 · 审核工作台", "Talent card · staff console"));
	bad |= put(pg, "</strong>\n");
	if (pg->who != NULL) {
		bad |= put(pg, "<a href=\"/console/queue\">");
		bad |= put(pg, L("待办", "Queue"));
		bad |= put(pg, "</a>\n");
		if (has_role(pg, "card-producer") ||
		    has_role(pg, "card-issuer")) {
			bad |= put(pg, "<a href=\"/console/production\">");
			bad |= put(pg, L("制证", "Production"));
			bad |= put(pg, "</a>\n");
		}
		bad |= put(pg,
		    "<form method=\"get\" action=\"/console/search\" role=\"search\">"
		    "<input type=\"search\" name=\"q\" aria-label=\"");
		bad |= put(pg,
		    L("申请编号、卡号或姓名",
			"Application or card number, or name"));
		bad |= put(pg, "\" placeholder=\"");
		bad |= put(pg, L("编号、卡号或姓名", "Number or name"));
		bad |= put(pg, "\" maxlength=\"64\"> <button>");
		bad |= put(pg, L("查找", "Find"));
		bad |= put(pg, "</button></form>\n");
	}
	return bad |
	    page_header_end(pg, "/console/account", "/console/logout", title);
}

/* A whole page with one message: 404, 403, 409, 400, 503. */
static void
problem(struct page *pg, unsigned status, const char *title, const char *msg)
{
	page_problem(pg, status, title, msg, "/console/queue",
	    L("返回待办", "Back to the queue"));
}

static void
not_found(struct page *pg)
{
	problem(pg, 404, L("未找到", "Not found"),
	    L("没有这个申请，或它不在您的职责范围内。",
		"There is no such application, or it is not yours to see."));
}

/* An RPC request {"op", "session"}; NULL when out of memory. */
static json_t *
req_new(struct page *pg, const char *op)
{
	json_t *o = json_pack("{s:s}", "op", op);

	if (o != NULL && pg->sid[0] != '\0')
		json_object_set_new(o, "session", json_string(pg->sid));
	return o;
}

/* The operator, CSRF token and roles of a whoami object into pg. */
static int
who_set(struct page *pg, json_t *who)
{
	pg->who = json_string_value(json_object_get(who, "operator"));
	pg->csrf = json_string_value(json_object_get(who, "csrf"));
	pg->roles = json_object_get(who, "roles");
	if (pg->who == NULL || pg->csrf == NULL) {
		problem(pg, 500, L("出错了", "Error"), "bad answer");
		return -1;
	}
	return 0;
}

/*
 * whoami: the operator and the CSRF token for the page's forms into pg
 * (owned by *who, freed by the caller). Returns 0, or -1 with the answer
 * made (sign-in redirect, 503).
 */
static int
whoami(struct page *pg, struct web_answer *who)
{
	struct web *w = tc_daemon_app(pg->rq->d);
	json_t *q;

	memset(who, 0, sizeof(*who));
	if (pg->sid[0] == '\0') {
		to_login(pg);
		return -1;
	}
	if ((q = req_new(pg, "whoami")) == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		return -1;
	}
	if (web_call(w, q, who, pg->resp) != 0)
		return -1;
	if (who->status != 200 || who->error != NULL) {
		page_rpc_problem(pg, who, NULL);
		return -1;
	}
	return who_set(pg, who->body);
}

/*
 * A page's one call: q (consumed) asks for whoami beside its op, so that
 * a page that needs only that op makes one call to the monitor, not two.
 * The operator and CSRF token go into pg (owned by *an, freed by the
 * caller). Returns 0 for a 200 answer, else -1 with the page made
 * (sign-in redirect, not found, the problem, 503).
 */
static int
page_call(struct page *pg, json_t *q, struct web_answer *an)
{
	struct web *w = tc_daemon_app(pg->rq->d);

	memset(an, 0, sizeof(*an));
	if (pg->sid[0] == '\0') {
		json_decref(q);
		to_login(pg);
		return -1;
	}
	json_object_set_new(q, "who", json_true());
	if (web_call(w, q, an, pg->resp) != 0)
		return -1;
	/* who comes whenever the session is good, whatever the op said. */
	if (an->who != NULL && who_set(pg, an->who) != 0)
		return -1;
	if (an->status != 200 || an->error != NULL || an->who == NULL) {
		page_rpc_problem(pg, an, NULL);
		return -1;
	}
	return 0;
}

static int
has_role(struct page *pg, const char *role)
{
	size_t i;
	json_t *v;

	if (role == NULL)
		return 0;
	json_array_foreach(pg->roles, i, v) if (json_is_string(v) &&
	    strcmp(json_string_value(v), role) == 0) return 1;
	return 0;
}

/* A flash message from ?done= (only known words are shown). */
static int
flash(struct page *pg)
{
	static const struct page_word f[] = {
		{ "approved", "已通过。", "Approved." },
		{ "returned", "已退回。", "Returned." },
		{ "rejected", "已驳回。", "Rejected." },
		{ "signed-out", "已退出。", "Signed out." },
		{ "suspended", "已暂停。", "Suspended." },
		{ "reinstated", "已恢复。", "Reinstated." },
		{ "revoked", "已注销。", "Revoked." },
		{ "renewed", "已续期。", "Renewed." },
		{ "changed", "变更已登记。", "Change recorded." },
		{ "reissued", "已补换，这是新卡。",
		    "Reissued: this is the new card." },
		{ "supplemented", "信息已补充。", "Information supplemented." },
		{ "passphrase-changed", "密码已修改。", "Passphrase changed." },
	};

	return page_flash(pg, f, sizeof(f) / sizeof(f[0]));
}

/* ---- /console/style.css, /console/, 404 ---- */

void
web_console_css(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	(void)d;
	rq->ep = WEB_EP_CONSOLE;
	resp->ctype = "text/css; charset=utf-8";
	resp->cache = "max-age=3600";
	resp->fixed = console_css;
	resp->fixedlen = sizeof(console_css) - 1;
}

void
web_console_root(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	const char *t = rq->tail;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	if (t == NULL || t[0] == '\0')
		page_redirect(pg, "/console/queue");
	else
		not_found(pg);
	page_end(pg);
}

/* ---- sign-in, sign-out ---- */

static void
login_page(struct page *pg, unsigned status, const char *next, int failed)
{
	int bad;

	page_status(pg, status, status == 200 ? WEB_R_OK : WEB_R_UNAUTHORIZED);
	bad = head(pg, L("登录", "Sign in"));
	bad |= flash(pg);
	if (failed)
		bad |= page_error(pg,
		    L("登录失败：账号、口令或动态验证码有误，或账号已被暂时锁定。",
			"Sign-in failed: the operator, passphrase or one-time code is wrong, or the operator is locked for a while."));
	bad |= put(pg, "<form method=\"post\" action=\"/console/login\">\n");
	if (next != NULL && tc_html_local_path_ok(next, "/console/")) {
		bad |= put(pg, "<input type=\"hidden\" name=\"next\" value=\"");
		bad |= esc(pg, next);
		bad |= put(pg, "\">\n");
	}
	bad |= put(pg, "<label for=\"operator\">");
	bad |= put(pg, L("账号", "Operator"));
	bad |= put(pg,
	    "</label><input type=\"text\" id=\"operator\" name=\"operator\" autocomplete=\"username\" autocapitalize=\"none\" required>\n<label for=\"passphrase\">");
	bad |= put(pg, L("口令", "Passphrase"));
	bad |= put(pg,
	    "</label><input type=\"password\" id=\"passphrase\" name=\"passphrase\" autocomplete=\"current-password\" required>\n<label for=\"otp\">");
	bad |= put(pg, L("动态验证码", "One-time code"));
	bad |= put(pg,
	    "</label><input type=\"text\" id=\"otp\" name=\"otp\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"16\">\n<button id=\"signin\">");
	bad |= put(pg, L("登录", "Sign in"));
	bad |= put(pg, "</button>\n</form>\n");
	page_finish(pg, bad);
}

void
web_console_login(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	const char *op, *pass, *otp, *next;
	json_t *q;

	if (web_sign_in_throttled(d, rq, resp, 1))
		return;
	page_begin(pg, &console_site, rq, resp);
	if (!rq->method_post) {
		login_page(pg, 200, page_query(pg, "next"), 0);
		page_end(pg);
		return;
	}
	tc_webform_init(&form);
	if (!web_same_origin(rq)) {
		problem(pg, 403, L("拒绝", "Refused"),
		    "a sign-in from another site's page is refused (Origin or Sec-Fetch-Site)");
		goto out;
	}
	if (tc_webform_parse(
		&form, rq->body.data, rq->body.len, NULL, NULL, 0) != 0 ||
	    (op = tc_webform_get(&form, "operator", NULL)) == NULL ||
	    (pass = tc_webform_get(&form, "passphrase", NULL)) == NULL ||
	    strlen(op) > TC_OPERATOR_NAME_MAX ||
	    strlen(pass) > TC_ORPC_PASS_MAX) {
		login_page(pg, 400, tc_webform_get(&form, "next", NULL), 1);
		goto out;
	}
	otp = tc_webform_get(&form, "otp", NULL);
	if (otp == NULL || strlen(otp) > TC_ORPC_OTP_MAX)
		otp = "";
	next = tc_webform_get(&form, "next", NULL);
	q = json_pack("{s:s, s:{s:s, s:s, s:s}}", "op", "login", "args",
	    "operator", op, "passphrase", pass, "otp", otp);
	if (q == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out;
	}
	if (web_call(w, q, &an, resp) != 0)
		goto out;
	if (an.status == 200 && an.session != NULL &&
	    tc_orpc_token_ok(an.session)) {
		page_session_cookie(pg, an.session);
		page_redirect(pg,
		    next != NULL && tc_html_local_path_ok(next, "/console/")
			? next
			: "/console/queue");
	} else if (an.status == 401 || an.status == 400) {
		/* The same words whatever part was wrong. */
		login_page(pg, 401, next, 1);
	} else {
		page_rpc_problem(pg, &an, NULL);
	}
	web_answer_free(&an);
out:
	tc_webform_release(&form);
	page_end(pg);
}

void
web_console_logout(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	page_logout(pg, "logout");
	page_end(pg);
}

/* ---- the queue ---- */

/*
 * The fields a list row shows, asked for as columns (include/tcard/
 * officerpc.h): rows of arrays, without the keys and the fields it does
 * not show, are 2.6 times quicker for the worker to read than the full
 * objects (docs/performance.md).
 */
#define ROW_F(f) (1u << TC_ORPC_F_##f)
#define ROW_COLUMNS                                                            \
	(ROW_F(ID) | ROW_F(PROGRAMME) | ROW_F(TIER) | ROW_F(STATE) |           \
	    ROW_F(STEP_NAME) | ROW_F(DEADLINE) | ROW_F(APPLICANT) |            \
	    ROW_F(NAME) | ROW_F(EMPLOYER) | ROW_F(OVERDUE))

/* Sets args.columns of request q to ROW_COLUMNS. Returns 0 or -1. */
static int
row_columns(json_t *q)
{
	json_t *args = json_object_get(q, "args");
	char text[256] = "";
	size_t f, n = 0;

	for (f = 0; f < TC_ORPC_F_COUNT; f++)
		if (ROW_COLUMNS & (1u << f))
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "%s%s", n > 0 ? "," : "",
			    tc_orpc_field_name((enum tc_orpc_field)f));
	if (args == NULL &&
	    json_object_set_new(q, "args", args = json_object()) != 0)
		return -1;
	return json_object_set_new(args, "columns", json_string(text));
}

/* Field f of a row asked for with ROW_COLUMNS. */
static json_t *
row_get(json_t *row, enum tc_orpc_field f)
{
	size_t i, k = 0;

	for (i = 0; i < (size_t)f; i++)
		if (ROW_COLUMNS & (1u << i))
			k++;
	return json_array_get(row, k);
}

static const char *
row_str(json_t *row, enum tc_orpc_field f)
{
	return json_string_value(row_get(row, f));
}

static int
queue_row(struct page *pg, json_t *a)
{
	char num[32];
	int bad = 0, overdue = json_is_true(row_get(a, TC_ORPC_F_OVERDUE));

	snprintf(num, sizeof(num), "%lld",
	    (long long)json_integer_value(row_get(a, TC_ORPC_F_ID)));
	bad |= put(pg, overdue ? "<tr class=\"overdue\">" : "<tr>");
	bad |= put(pg, "<td><a href=\"/console/applications/");
	bad |= put(pg, num);
	bad |= put(pg, "\">");
	bad |= put(pg, num);
	bad |= put(pg, "</a></td><td>");
	bad |= esc(pg, row_str(a, TC_ORPC_F_NAME));
	bad |= put(pg, "</td><td class=\"opt\">");
	bad |= esc(pg, row_str(a, TC_ORPC_F_APPLICANT));
	bad |= put(pg, "</td><td class=\"opt\">");
	bad |= esc(pg, row_str(a, TC_ORPC_F_PROGRAMME));
	if (row_str(a, TC_ORPC_F_TIER) != NULL) {
		bad |= put(pg, " · ");
		bad |= esc(pg, row_str(a, TC_ORPC_F_TIER));
	}
	bad |= put(pg, "</td><td>");
	/* Off the queue (a search's rows): the state instead of a step. */
	bad |= esc(pg,
	    row_str(a, TC_ORPC_F_STEP_NAME) != NULL
		? row_str(a, TC_ORPC_F_STEP_NAME)
		: page_state(pg, row_str(a, TC_ORPC_F_STATE), 0));
	bad |= put(pg, "</td><td>");
	bad |= esc(pg, row_str(a, TC_ORPC_F_DEADLINE));
	if (overdue) {
		bad |= put(pg, " ");
		bad |= put(pg, L("（已逾期）", "(overdue)"));
	}
	bad |= put(pg, "</td><td class=\"opt\">");
	bad |= esc(pg, row_str(a, TC_ORPC_F_EMPLOYER));
	bad |= put(pg, "</td></tr>\n");
	return bad;
}

/*
 * A table of application summaries (the queue's, a search's) with the
 * element id id, or the paragraph empty when there are none.
 */
static int
app_table(struct page *pg, json_t *apps, const char *id, const char *empty)
{
	json_t *a;
	size_t i;
	int bad = 0;

	if (json_array_size(apps) == 0) {
		bad |= put(pg, "<p id=\"empty\">");
		bad |= put(pg, empty);
		return bad | put(pg, "</p>\n");
	}
	bad |= put(pg, "<table id=\"");
	bad |= put(pg, id);
	bad |= put(pg, "\">\n<thead><tr><th>");
	bad |= put(pg, L("编号", "No."));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("申请人", "Applicant"));
	bad |= put(pg, "</th><th class=\"opt\">");
	bad |= put(pg, L("证件号码", "ID number"));
	bad |= put(pg, "</th><th class=\"opt\">");
	bad |= put(pg, L("项目 · 类别", "Programme · tier"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("环节", "Step"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("办理时限", "Deadline"));
	bad |= put(pg, "</th><th class=\"opt\">");
	bad |= put(pg, L("用人单位", "Employer"));
	bad |= put(pg, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(apps, i, a) bad |= queue_row(pg, a);
	return bad | put(pg, "</tbody>\n</table>\n");
}

/* The links to the pages before and after this one, when there are. */
static int
queue_pages(struct page *pg, json_t *body)
{
	const char *prev = jstr(body, "prev"), *next = jstr(body, "next");
	int bad = 0;

	if (prev == NULL && next == NULL)
		return 0;
	bad |= put(pg, "<p id=\"pages\">");
	if (prev != NULL) {
		bad |= put(pg, "<a rel=\"prev\" href=\"/console/queue?before=");
		bad |= esc(pg, prev);
		bad |= put(pg, "\">");
		bad |= put(pg, L("上一页", "Previous page"));
		bad |= put(pg, "</a>");
	}
	if (prev != NULL && next != NULL)
		bad |= put(pg, " · ");
	if (next != NULL) {
		bad |= put(pg, "<a rel=\"next\" href=\"/console/queue?after=");
		bad |= esc(pg, next);
		bad |= put(pg, "\">");
		bad |= put(pg, L("下一页", "Next page"));
		bad |= put(pg, "</a>");
	}
	bad |= put(pg, "</p>\n");
	return bad;
}

void
web_console_queue(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer an;
	json_t *q, *apps;
	int bad;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	if ((q = req_new(pg, "queue")) == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out;
	}
	web_queue_args(q, &pg->query);
	if (row_columns(q) != 0) {
		json_decref(q);
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out;
	}
	if (page_call(pg, q, &an) != 0)
		goto out2;
	apps = json_object_get(an.body, "items");
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, L("待办", "Work queue"));
	bad |= flash(pg);
	bad |= app_table(pg, apps, "queue",
	    L("没有待处理的申请。", "Nothing is waiting for you."));
	bad |= queue_pages(pg, an.body);
	page_finish(pg, bad);
out2:
	web_answer_free(&an);
out:
	page_end(pg);
}

/* ---- search ---- */

/*
 * A card number as typed (16 digits, spaces and hyphens allowed) into
 * "/console/cards/DIGITS"; 0 when s is not one.
 */
static int
card_search(const char *s, char *loc, size_t len)
{
	char digits[17];
	size_t i, n = 0;

	for (i = 0; s != NULL && s[i] != '\0'; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (n == 16)
				return 0;
			digits[n++] = s[i];
		} else if (s[i] != ' ' && s[i] != '-') {
			return 0;
		}
	}
	if (n != 16)
		return 0;
	digits[n] = '\0';
	snprintf(loc, len, "/console/cards/%s", digits);
	return 1;
}

/*
 * The applications whose applicant's name begins with name that the
 * operator may see (op search), as the queue's table.
 */
static void
name_results(struct page *pg, struct web *w, const char *name)
{
	struct web_answer an;
	json_t *q, *args;
	int bad;

	if ((q = req_new(pg, "search")) == NULL)
		return;
	args = json_pack("{s:s}", "name", name);
	if (args == NULL || json_object_set_new(q, "args", args) != 0 ||
	    row_columns(q) != 0) {
		json_decref(q);
		problem(pg, 500, L("内部错误", "Internal error"),
		    L("内存不足。", "Out of memory."));
		return;
	}
	if (web_call(w, q, &an, pg->resp) != 0)
		return;
	if (an.status != 200 || an.error != NULL) {
		page_rpc_problem(pg, &an, NULL);
		web_answer_free(&an);
		return;
	}
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, L("按姓名查找", "Search by name"));
	bad |= put(pg, "<p id=\"searched\">");
	bad |= put(pg, L("姓名以此开头：", "Names beginning with: "));
	bad |= put(pg, "<strong>");
	bad |= esc(pg, name);
	bad |= put(pg, "</strong></p>\n");
	bad |= app_table(pg, json_object_get(an.body, "items"), "results",
	    L("没有找到您可查看的申请。",
		"No application you may see has such a name."));
	if (json_is_true(json_object_get(an.body, "more"))) {
		bad |= put(pg, "<p id=\"more\">");
		bad |= put(pg,
		    L("结果较多，仅显示前面部分；请输入更完整的姓名。",
			"More match than are shown: type more of the name."));
		bad |= put(pg, "</p>\n");
	}
	page_finish(pg, bad);
	web_answer_free(&an);
}

void
web_console_search(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer who;
	const char *s;
	char loc[64];
	size_t i, n;

	page_begin(pg, &console_site, rq, resp);
	if (whoami(pg, &who) != 0)
		goto out;
	s = page_query(pg, "q");
	n = s != NULL ? strlen(s) : 0;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (n > 0 && n <= 15 && i == n && s[0] != '0') {
		snprintf(loc, sizeof(loc), "/console/applications/%s", s);
		page_redirect(pg, loc);
	} else if (card_search(s, loc, sizeof(loc))) {
		page_redirect(pg, loc);
	} else if (n > 0) {
		name_results(pg, tc_daemon_app(d), s);
	} else {
		problem(pg, 400, L("请输入查询内容", "Nothing to search for"),
		    L("请输入申请编号、16位卡号或申请人姓名。",
			"Enter an application number, a 16-digit card number or an applicant's name."));
	}
	web_answer_free(&who);
out:
	page_end(pg);
}

/* ---- the application page ---- */

/* Label of an id in a labels array ({"id","zh","en"}), or the id. */
static const char *
label_of(struct page *pg, json_t *arr, const char *id, json_t **found)
{
	size_t i;
	json_t *o;
	const char *t;

	if (found != NULL)
		*found = NULL;
	json_array_foreach(arr, i, o)
	{
		if (jstr(o, "id") == NULL || strcmp(jstr(o, "id"), id) != 0)
			continue;
		if (found != NULL)
			*found = o;
		t = jstr(o, pg->en ? "en" : "zh");
		if (t == NULL)
			t = jstr(o, pg->en ? "zh" : "en");
		return t != NULL ? t : id;
	}
	return id;
}

/* A field's value as text: ID numbers masked to their last 2 characters. */
static int
field_value(struct page *pg, json_t *v, json_t *flabel)
{
	char num[64];
	const char *t = jstr(flabel, "type");
	size_t n, i;
	int bad = 0;

	if (json_is_string(v)) {
		if (t != NULL && strcmp(t, "id-number") == 0) {
			n = strlen(json_string_value(v));
			for (i = 0; i + 2 < n; i++)
				bad |= put(pg, "*");
			return bad |
			    esc(pg, json_string_value(v) + (n > 2 ? n - 2 : 0));
		}
		return esc(pg, json_string_value(v));
	}
	if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
		if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(v));
		else if (json_is_real(v))
			snprintf(num, sizeof(num), "%g", json_real_value(v));
		else
			snprintf(num, sizeof(num), "%s",
			    json_is_true(v) ? L("是", "yes") : L("否", "no"));
		return put(pg, num);
	}
	return 0;
}

/* One section's fields (an object) as a definition list. */
static int
section_fields(struct page *pg, json_t *vals, json_t *slabel)
{
	json_t *fl = json_object_get(slabel, "fields"), *v, *f;
	const char *k;
	int bad = 0;

	bad |= put(pg, "<dl>\n");
	json_object_foreach(vals, k, v)
	{
		bad |= put(pg, "<dt>");
		bad |= esc(pg, label_of(pg, fl, k, &f));
		bad |= put(pg, "</dt><dd>");
		bad |= field_value(pg, v, f);
		bad |= put(pg, "</dd>\n");
	}
	bad |= put(pg, "</dl>\n");
	return bad;
}

static int
app_form(struct page *pg, json_t *app)
{
	json_t *form = json_object_get(app, "form"),
	       *secs =
		   json_object_get(json_object_get(app, "labels"), "sections"),
	       *v, *s, *e;
	const char *k;
	size_t i;
	int bad = 0;

	bad |= put(pg, "<h2>");
	bad |= put(pg, L("申请表", "Application form"));
	bad |= put(pg, "</h2>\n");
	json_object_foreach(form, k, v)
	{
		bad |= put(pg, "<section class=\"card form-section\" id=\"s-");
		bad |= tc_html_url_put(pg->b, k);
		bad |= put(pg, "\"><h3>");
		bad |= esc(pg, label_of(pg, secs, k, &s));
		bad |= put(pg, "</h3>\n");
		if (json_is_object(v))
			bad |= section_fields(pg, v, s);
		else if (json_is_array(v))
			json_array_foreach(v, i, e) if (json_is_object(e))
			    bad |= section_fields(pg, e, s);
		bad |= put(pg, "</section>\n");
	}
	return bad;
}

static int
app_materials(struct page *pg, json_t *app, const char *num)
{
	json_t *atts = json_object_get(app, "attachments"),
	       *mats =
		   json_object_get(json_object_get(app, "labels"), "materials"),
	       *a;
	const char *mt, *mat;
	char id[32], dim[64];
	size_t i;
	int bad = 0;

	bad |= put(pg, "<h2>");
	bad |= put(pg, L("材料", "Materials"));
	bad |= put(pg, "</h2>\n<ul class=\"mat\" id=\"materials\">\n");
	json_array_foreach(atts, i, a)
	{
		snprintf(id, sizeof(id), "%lld",
		    (long long)json_integer_value(json_object_get(a, "id")));
		mt = jstr(a, "media_type");
		mat = jstr(a, "material");
		bad |= put(pg, "<li><strong>");
		if (mat != NULL)
			bad |= esc(pg, label_of(pg, mats, mat, NULL));
		else
			bad |= put(pg,
			    strcmp(jstr(a, "kind") ? jstr(a, "kind") : "",
				"photo") == 0
				? L("照片", "Photo")
				: L("其他", "Other"));
		bad |= put(pg, "</strong><br><span class=\"muted\">");
		bad |= esc(pg, jstr(a, "name"));
		bad |= put(pg, "</span><br>\n");
		if (mt != NULL &&
		    (strcmp(mt, "image/png") == 0 ||
			strcmp(mt, "image/jpeg") == 0)) {
			bad |= put(
			    pg, "<img class=\"att\" src=\"/v1/applications/");
			bad |= put(pg, num);
			bad |= put(pg, "/attachments/");
			bad |= put(pg, id);
			bad |= put(pg, "\" alt=\"");
			bad |= esc(pg, jstr(a, "name"));
			bad |= put(pg, "\"");
			if (json_integer_value(json_object_get(a, "width")) >
			    0) {
				snprintf(dim, sizeof(dim),
				    " width=\"%lld\" height=\"%lld\"",
				    (long long)json_integer_value(
					json_object_get(a, "width")),
				    (long long)json_integer_value(
					json_object_get(a, "height")));
				bad |= put(pg, dim);
			}
			bad |= put(pg, ">\n");
		} else if (mt != NULL && strcmp(mt, "application/pdf") == 0) {
			/* The pages as images (office/web-pdf.c). */
			bad |= web_pdf_div(pg->b, pg->rq, pg->sid,
			    strtoll(num, NULL, 10), strtoll(id, NULL, 10),
			    (uint32_t)json_integer_value(
				json_object_get(a, "pages")),
			    pg->en);
		} else {
			bad |=
			    put(pg, "<div class=\"pages\" data-attachment=\"");
			bad |= put(pg, id);
			bad |= put(pg, "\"></div>\n");
		}
		bad |= put(pg, "<a href=\"/v1/applications/");
		bad |= put(pg, num);
		bad |= put(pg, "/attachments/");
		bad |= put(pg, id);
		bad |= put(pg, "\" download>");
		bad |= put(pg, L("下载", "Download"));
		bad |= put(pg, "</a></li>\n");
	}
	bad |= put(pg, "</ul>\n");
	return bad;
}

static int
app_history(struct page *pg, json_t *app)
{
	json_t *a, *s;
	size_t i;
	int bad = 0;

	bad |= put(pg, "<h2>");
	bad |= put(pg, L("环节与时限", "Steps and deadlines"));
	bad |= put(pg, "</h2>\n<table id=\"steps\"><thead><tr><th>");
	bad |= put(pg, L("环节", "Step"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("开始", "Started"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("时限", "Deadline"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("完成", "Done"));
	bad |= put(pg, "</th></tr></thead><tbody>\n");
	json_array_foreach(json_object_get(app, "steps"), i, s)
	{
		bad |= put(pg, "<tr><td>");
		bad |= esc(pg, jstr(s, "id"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(s, "started"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(s, "deadline"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(s, "done"));
		bad |= put(pg, "</td></tr>\n");
	}
	bad |= put(pg, "</tbody></table>\n<h2>");
	bad |= put(pg, L("办理记录", "History"));
	bad |= put(pg, "</h2>\n<table id=\"history\"><thead><tr><th>");
	bad |= put(pg, L("时间", "When"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("操作", "Action"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("环节", "Step"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("经办人", "Operator"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("理由", "Reason"));
	bad |= put(pg, "</th></tr></thead><tbody>\n");
	json_array_foreach(json_object_get(app, "actions"), i, a)
	{
		bad |= put(pg, "<tr><td>");
		bad |= esc(pg, jstr(a, "at"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(a, "action"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(a, "step"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(a, "operator"));
		bad |= put(pg, "</td><td class=\"reason\">");
		bad |= esc(pg, jstr(a, "reason"));
		bad |= put(pg, "</td></tr>\n");
	}
	bad |= put(pg, "</tbody></table>\n");
	return bad;
}

static int
review_form(struct page *pg, json_t *app, const char *num)
{
	int bad = 0;

	bad |= put(pg, "<h2>");
	bad |= put(pg, L("审核", "Review"));
	bad |= put(pg, "</h2>\n");
	if (!has_role(pg, jstr(app, "role"))) {
		bad |= put(pg, "<p class=\"muted\" id=\"no-review\">");
		bad |= put(pg,
		    L("当前环节不由您的角色办理。",
			"The current step is not one of your roles."));
		bad |= put(pg, "</p>\n");
		return bad;
	}
	bad |= put(pg,
	    "<form method=\"post\" id=\"review\" action=\"/console/applications/");
	bad |= put(pg, num);
	bad |= put(
	    pg, "/review\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	bad |= esc(pg, pg->csrf);
	bad |= put(pg, "\">\n<label for=\"reason\">");
	bad |= put(pg,
	    L("理由（退回、驳回时必填）",
		"Reason (needed to return or reject)"));
	bad |= put(pg,
	    "</label><textarea id=\"reason\" name=\"reason\" maxlength=\"1024\"></textarea>\n"
	    "<fieldset><legend>");
	bad |= put(pg, L("通过时的选项", "Options when approving"));
	bad |= put(pg, "</legend>\n<label for=\"tier\">");
	bad |= put(pg, L("类别（可改）", "Tier (to change it)"));
	bad |= put(pg,
	    "</label><input type=\"text\" id=\"tier\" name=\"tier\" maxlength=\"64\">\n<label for=\"months\">");
	bad |= put(pg, L("有效月数", "Months of validity"));
	bad |= put(pg,
	    "</label><input type=\"number\" id=\"months\" name=\"months\" min=\"1\" max=\"1200\">\n<label for=\"overrides\">");
	bad |= put(pg,
	    L("放行的规则（空格分隔）", "Guards overridden (space separated)"));
	bad |= put(pg,
	    "</label><input type=\"text\" id=\"overrides\" name=\"overrides\">\n</fieldset>\n"
	    "<button name=\"action\" value=\"approve\" id=\"approve\">");
	bad |= put(pg, L("通过", "Approve"));
	bad |= put(pg,
	    "</button><button name=\"action\" value=\"return\" id=\"return\">");
	bad |= put(pg, L("退回补正", "Return"));
	bad |= put(pg,
	    "</button><button name=\"action\" value=\"reject\" id=\"reject\">");
	bad |= put(pg, L("驳回", "Reject"));
	bad |= put(pg, "</button>\n</form>\n");
	return bad;
}

static int reveal_form(struct page *pg, const char *num);
static int supplement_form(struct page *pg, json_t *app, const char *num);

void
web_console_app(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer an;
	json_t *q, *app;
	char num[32], title[96];
	int64_t n;
	int bad;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	if ((n = tc_dreq_param_number(rq, "n")) == 0) {
		/* Not an application's number: the sign-in first, as any page. */
		if (whoami(pg, &an) == 0)
			not_found(pg);
		goto out2;
	}
	snprintf(num, sizeof(num), "%lld", (long long)n);
	if ((q = req_new(pg, "app")) == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out;
	}
	json_object_set_new(q, "app", json_integer(n));
	if (page_call(pg, q, &an) != 0)
		goto out2;
	app = an.body;
	page_status(pg, 200, WEB_R_OK);
	snprintf(title, sizeof(title), "%s %s", L("申请", "Application"), num);
	bad = head(pg, title);
	bad |= flash(pg);
	bad |= put(pg, "<section class=\"card\" id=\"summary\"><dl>\n<dt>");
	bad |= put(pg, L("申请人", "Applicant"));
	bad |= put(pg, "</dt><dd id=\"applicant\">");
	bad |= esc(pg, jstr(app, "name"));
	bad |= put(pg, "</dd>\n<dt>");
	bad |= put(pg, L("证件号码", "ID number"));
	bad |= put(pg, "</dt><dd>");
	bad |= esc(pg, jstr(app, "id_type"));
	bad |= put(pg, " ");
	bad |= esc(pg, jstr(app, "applicant"));
	bad |= put(pg, "</dd>\n<dt>");
	bad |= put(pg, L("项目 · 类别", "Programme · tier"));
	bad |= put(pg, "</dt><dd>");
	bad |= esc(pg, jstr(app, "programme"));
	bad |= put(pg, " · ");
	bad |= esc(pg, jstr(app, "tier"));
	bad |= put(pg, "</dd>\n<dt>");
	bad |= put(pg, L("状态 · 环节", "State · step"));
	bad |= put(pg, "</dt><dd id=\"state\">");
	bad |= esc(pg, jstr(app, "state"));
	if (jstr(app, "step_name") != NULL) {
		bad |= put(pg, " · ");
		bad |= esc(pg, jstr(app, "step_name"));
	}
	bad |= put(pg, "</dd>\n<dt>");
	bad |= put(pg, L("办理时限", "Deadline"));
	bad |= put(pg, "</dt><dd>");
	bad |= esc(pg, jstr(app, "deadline"));
	if (json_is_true(json_object_get(app, "overdue"))) {
		bad |= put(pg, " <span class=\"overdue\">");
		bad |= put(pg, L("（已逾期）", "(overdue)"));
		bad |= put(pg, "</span>");
	}
	bad |= put(pg, "</dd>\n<dt>");
	bad |= put(pg, L("用人单位", "Employer"));
	bad |= put(pg, "</dt><dd>");
	bad |= esc(pg, jstr(app, "employer"));
	bad |= put(pg, "</dd>\n</dl></section>\n");
	bad |= review_form(pg, app, num);
	bad |= reveal_form(pg, num);
	bad |= supplement_form(pg, app, num);
	bad |= app_form(pg, app);
	bad |= app_materials(pg, app, num);
	bad |= app_history(pg, app);
	page_finish(pg, bad);
out2:
	web_answer_free(&an);
out:
	page_end(pg);
}

/* ---- the review (POST) ---- */

/* Splits "a b,c" into a JSON array of names (at most 8 of 64 bytes). */
static json_t *
override_list(const char *s)
{
	json_t *arr = json_array();
	char one[TC_ORPC_TEXT_MAX + 1];
	size_t n;

	while (arr != NULL && s != NULL && *s != '\0') {
		s += strspn(s, " ,\t\r\n");
		n = strcspn(s, " ,\t\r\n");
		if (n == 0)
			break;
		if (n > TC_ORPC_TEXT_MAX)
			n = TC_ORPC_TEXT_MAX; /* the monitor refuses it */
		memcpy(one, s, n);
		one[n] = '\0';
		json_array_append_new(arr, json_string(one));
		s += strcspn(s, " ,\t\r\n");
	}
	return arr;
}

void
web_console_review(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	const char *action, *csrf, *reason, *tier, *months, *ov;
	json_t *q, *args;
	char loc[96], *end;
	long mo;
	int64_t n;

	page_begin(pg, &console_site, rq, resp);
	tc_webform_init(&form);
	if (pg->sid[0] == '\0') {
		to_login(pg);
		goto out;
	}
	if ((n = tc_dreq_param_number(rq, "n")) == 0) {
		not_found(pg);
		goto out;
	}
	if (tc_webform_parse(
		&form, rq->body.data, rq->body.len, NULL, NULL, 0) != 0) {
		problem(pg, 400, L("请求有误", "Bad request"),
		    L("表单无法读取。", "The form could not be read."));
		goto out;
	}
	action = tc_webform_get(&form, "action", NULL);
	csrf = tc_webform_get(&form, "csrf", NULL);
	reason = tc_webform_get(&form, "reason", NULL);
	tier = tc_webform_get(&form, "tier", NULL);
	months = tc_webform_get(&form, "months", NULL);
	ov = tc_webform_get(&form, "overrides", NULL);
	if (action == NULL ||
	    (strcmp(action, "approve") != 0 && strcmp(action, "return") != 0 &&
		strcmp(action, "reject") != 0)) {
		problem(pg, 400, L("请求有误", "Bad request"),
		    L("请选择通过、退回或驳回。",
			"Choose approve, return or reject."));
		goto out;
	}
	args = json_pack("{s:s}", "action", action);
	if (args != NULL && reason != NULL && reason[0] != '\0')
		json_object_set_new(args, "reason", json_string(reason));
	if (args != NULL && strcmp(action, "approve") == 0) {
		if (tier != NULL && tier[0] != '\0')
			json_object_set_new(args, "tier", json_string(tier));
		if (months != NULL && months[0] != '\0') {
			mo = strtol(months, &end, 10);
			json_object_set_new(args, "months",
			    json_integer(*end == '\0' ? mo : -1));
		}
		if (ov != NULL && ov[strspn(ov, " ,\t\r\n")] != '\0')
			json_object_set_new(
			    args, "overrides", override_list(ov));
	}
	if (args == NULL || (q = req_new(pg, "review")) == NULL) {
		json_decref(args);
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out;
	}
	json_object_set_new(q, "app", json_integer(n));
	json_object_set_new(q, "args", args);
	/* A missing or malformed token is sent as none: the monitor refuses. */
	if (csrf != NULL && tc_orpc_token_ok(csrf))
		json_object_set_new(q, "csrf", json_string(csrf));
	if (web_call(w, q, &an, resp) != 0)
		goto out;
	if (an.status == 200 && an.error == NULL) {
		snprintf(loc, sizeof(loc), "/console/queue?done=%s",
		    strcmp(action, "approve") == 0	? "approved"
			: strcmp(action, "return") == 0 ? "returned"
							: "rejected");
		page_redirect(pg, loc);
	} else {
		page_rpc_problem(pg, &an, NULL);
	}
	web_answer_free(&an);
out:
	tc_webform_release(&form);
	page_end(pg);
}

/* ---- cards (office/web-cards.c has their API) ---- */

/* The {card} segment when it is 1 to 24 digits, else NULL. */
static const char *
card_segment(struct tc_dreq *rq)
{
	const char *s = tc_dreq_param(rq, "card");
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > TC_ORPC_CARD_MAX || strspn(s, "0123456789") != n)
		return NULL;
	return s;
}

/* A labelled row of the summary. */
static int
dl_row(struct page *pg, const char *label, const char *id, const char *v)
{
	int bad = 0;

	bad |= put(pg, "<dt>");
	bad |= put(pg, label);
	bad |= put(pg, "</dt><dd");
	if (id != NULL) {
		bad |= put(pg, " id=\"");
		bad |= put(pg, id);
		bad |= put(pg, "\"");
	}
	bad |= put(pg, ">");
	bad |= esc(pg, v);
	bad |= put(pg, "</dd>\n");
	return bad;
}

/* The start of a lifecycle form: its action URL, csrf, a legend. */
static int
card_form_begin(
    struct page *pg, const char *card, const char *action, const char *legend)
{
	int bad = 0;

	bad |= put(pg,
	    "<form method=\"post\" enctype=\"multipart/form-data\" class=\"card-action\" id=\"");
	bad |= put(pg, action);
	bad |= put(pg, "\" action=\"/console/cards/");
	bad |= esc(pg, card);
	bad |= put(pg, "/");
	bad |= put(pg, action);
	bad |= put(pg, "\">\n<fieldset><legend>");
	bad |= put(pg, legend);
	bad |=
	    put(pg, "</legend>\n<input type=\"hidden\" name=\"csrf\" value=\"");
	bad |= esc(pg, pg->csrf);
	bad |= put(pg, "\">\n");
	return bad;
}

/* A text input with its label; id and name are the same. */
static int
card_input(struct page *pg, const char *name, const char *label,
    const char *type, int required)
{
	int bad = 0;

	bad |= put(pg, "<label>");
	bad |= put(pg, label);
	bad |= put(pg, " <input type=\"");
	bad |= put(pg, type);
	bad |= put(pg, "\" name=\"");
	bad |= put(pg, name);
	bad |= put(pg,
	    required ? "\" required maxlength=\"512\"></label>\n"
		     : "\" maxlength=\"512\"></label>\n");
	return bad;
}

/* The end of a lifecycle form: its supporting documents, a button. */
static int
card_form_end(struct page *pg, const char *button)
{
	int bad = 0;

	bad |= put(pg, "<label>");
	bad |= put(pg,
	    L("证明材料（PDF、图片或 Word，合计不超过 4 MB）",
		"Supporting documents (PDF, images or Word; 4 MB in all)"));
	bad |= put(pg,
	    " <input type=\"file\" name=\"document\" multiple accept=\".pdf,.jpg,.jpeg,.png,.gif,.doc,.docx\"></label>\n");
	bad |= put(pg, "<button>");
	bad |= put(pg, button);
	bad |= put(pg, "</button>\n</fieldset>\n</form>\n");
	return bad;
}

/* The forms of the lifecycle actions the operator may take. */
static int
card_forms(struct page *pg, json_t *c, const char *card)
{
	json_t *acts = json_object_get(c, "actions"), *v;
	const char *a;
	size_t i;
	int bad = 0;

	bad |= put(pg, "<h2>");
	bad |= put(pg, L("卡片办理", "Card actions"));
	bad |= put(pg, "</h2>\n");
	if (json_array_size(acts) == 0) {
		bad |= put(pg, "<p class=\"muted\" id=\"no-actions\">");
		bad |= put(pg,
		    L("您的角色不能办理卡片事项。",
			"Your roles take no card actions."));
		bad |= put(pg, "</p>\n");
	}
	json_array_foreach(acts, i, v)
	{
		if ((a = json_string_value(v)) == NULL)
			continue;
		if (strcmp(a, "suspend") == 0) {
			bad |=
			    card_form_begin(pg, card, a, L("暂停", "Suspend"));
			bad |= card_input(
			    pg, "reason", L("理由", "Reason"), "text", 1);
			bad |= card_form_end(pg, L("暂停", "Suspend"));
		} else if (strcmp(a, "reinstate") == 0) {
			bad |= card_form_begin(
			    pg, card, a, L("恢复", "Reinstate"));
			bad |= card_input(
			    pg, "note", L("备注", "Note"), "text", 0);
			bad |= card_form_end(pg, L("恢复", "Reinstate"));
		} else if (strcmp(a, "revoke") == 0) {
			bad |=
			    card_form_begin(pg, card, a, L("注销", "Revoke"));
			bad |= card_input(pg, "reason",
			    L("理由（fraud、ineligible、retired、misconduct、contract-ended、other 或项目的终止理由）",
				"Reason (fraud, ineligible, retired, misconduct, contract-ended, other or one of the programme's end reasons)"),
			    "text", 1);
			bad |= card_input(
			    pg, "note", L("备注", "Note"), "text", 0);
			bad |= put(pg,
			    "<label><input type=\"checkbox\" name=\"bar_employer\" value=\"1\"> ");
			bad |= put(pg,
			    L("（欺诈）同时限制用人单位申请",
				"(fraud) bar the employer too"));
			bad |= put(pg, "</label>\n");
			bad |= card_form_end(pg, L("注销", "Revoke"));
		} else if (strcmp(a, "renew") == 0) {
			bad |= card_form_begin(pg, card, a, L("续期", "Renew"));
			bad |= card_input(pg, "months",
			    L("有效月数（按类别设定时）",
				"Months (tiers whose term is set at approval)"),
			    "number", 0);
			bad |= card_form_end(pg, L("续期", "Renew"));
		} else if (strcmp(a, "change") == 0) {
			bad |= card_form_begin(
			    pg, card, a, L("信息变更", "Change"));
			bad |= put(pg,
			    "<label><select name=\"kind\"><option value=\"employer\">");
			bad |= put(pg, L("用人单位", "Employer"));
			bad |= put(pg, "</option><option value=\"residence\">");
			bad |= put(pg, L("居住地", "Residence"));
			bad |= put(pg, "</option></select></label>\n");
			bad |= card_input(
			    pg, "value", L("新值", "New value"), "text", 1);
			bad |= card_input(pg, "uscc",
			    L("统一社会信用代码（单位）",
				"Unified social credit code (employer)"),
			    "text", 0);
			bad |= card_input(pg, "date",
			    L("生效日期", "Effective date"), "date", 1);
			bad |= card_form_end(pg, L("登记", "Record"));
		} else if (strcmp(a, "reissue") == 0) {
			bad |=
			    card_form_begin(pg, card, a, L("补换", "Reissue"));
			bad |= put(pg,
			    "<label><select name=\"reason\"><option value=\"lost\">");
			bad |= put(pg, L("遗失", "Lost"));
			bad |= put(pg, "</option><option value=\"damaged\">");
			bad |= put(pg, L("损坏", "Damaged"));
			bad |= put(pg, "</option></select></label>\n");
			bad |= card_form_end(pg, L("补换", "Reissue"));
		} else if (strcmp(a, "subcard") == 0 &&
		    jstr(c, "main_card") == NULL) {
			bad |= card_form_begin(pg, card, "subcards",
			    L("添加附属卡", "Add a sub-card"));
			bad |= put(pg, "<label>");
			bad |= put(pg, L("关系", "Relation"));
			bad |= put(pg,
			    " <select name=\"relation\"><option>spouse</option><option>child</option>"
			    "<option>parent</option><option>parent-in-law</option></select></label>\n<label>");
			bad |= put(pg, L("证件类型", "ID type"));
			bad |= put(pg,
			    " <select name=\"id_type\"><option>resident</option><option>hkmo-residence</option>"
			    "<option>tw-residence</option><option>hkmo-permit</option><option>tw-permit</option>"
			    "<option>foreign-pr</option><option>passport</option></select></label>\n");
			bad |= put(pg, "<label>");
			bad |= put(pg, L("证件号码", "ID number"));
			bad |= put(pg,
			    " <input type=\"text\" name=\"id_number\" required maxlength=\"64\" autocomplete=\"off\"></label>\n");
			bad |= card_input(
			    pg, "name", L("姓名", "Name"), "text", 1);
			bad |= card_input(pg, "birth_date",
			    L("出生日期（证件无出生日期时）",
				"Birth date (documents without one)"),
			    "date", 0);
			bad |= card_form_end(pg, L("添加", "Add"));
		} else if (strcmp(a, "upgrade") == 0 ||
		    strcmp(a, "convert") == 0) {
			bad |= card_form_begin(pg, card, a,
			    a[0] == 'u'
				? L("申请升级", "Apply for an upgrade")
				: L("申请转换（B 类转 A 类）",
				      "Apply for a conversion (B to A)"));
			bad |= card_input(pg, "tier", L("新类别", "New tier"),
			    "text", a[0] == 'u');
			bad |= card_input(pg, "clause",
			    L("符合的条款", "Clause met"), "text", a[0] == 'u');
			bad |= put(pg,
			    "<label><input type=\"checkbox\" name=\"accept_pledge\" value=\"1\"> ");
			bad |= put(pg,
			    L("申请人已签署诚信承诺",
				"The applicant accepted the integrity pledge"));
			bad |= put(pg,
			    "</label>\n<label><input type=\"checkbox\" name=\"draft\" value=\"1\"> ");
			bad |= put(pg, L("仅保存草稿", "Keep it as a draft"));
			bad |= put(pg, "</label>\n");
			bad |= card_form_end(pg, L("提交申请", "Apply"));
		}
	}
	return bad;
}

/* Sub-cards and the card's history. */
static int
card_tables(struct page *pg, json_t *c)
{
	json_t *s, *e;
	char *detail, num[24];
	size_t i;
	int bad = 0;

	bad |= put(pg, "<h2>");
	bad |= put(pg, L("附属卡", "Sub-cards"));
	bad |= put(pg, "</h2>\n<table id=\"sub-cards\"><tbody>\n");
	json_array_foreach(json_object_get(c, "sub_cards"), i, s)
	{
		bad |= put(pg, "<tr><td><a href=\"/console/cards/");
		bad |= esc(pg, jstr(s, "card"));
		bad |= put(pg, "\">");
		bad |= esc(pg, jstr(s, "card"));
		bad |= put(pg, "</a></td><td>");
		bad |= esc(pg, jstr(s, "relation"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(s, "status"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(json_object_get(s, "holder"), "name"));
		bad |= put(pg, "</td></tr>\n");
	}
	bad |= put(pg, "</tbody></table>\n<h2>");
	bad |= put(pg, L("证明材料", "Supporting documents"));
	bad |= put(pg, "</h2>\n<table id=\"documents\"><tbody>\n");
	json_array_foreach(json_object_get(c, "documents"), i, s)
	{
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(json_object_get(s, "id")));
		bad |= put(pg, "<tr><td><a href=\"/v1/cards/");
		bad |= esc(pg, jstr(c, "card"));
		bad |= put(pg, "/documents/");
		bad |= put(pg, num);
		bad |= put(pg, "\">");
		bad |= esc(pg, jstr(s, "name"));
		bad |= put(pg, "</a></td><td>");
		bad |= esc(pg, jstr(s, "action"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(s, "media_type"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(s, "added"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(s, "added_by"));
		bad |= put(pg, "</td></tr>\n");
	}
	bad |= put(pg, "</tbody></table>\n<h2>");
	bad |= put(pg, L("办理记录", "History"));
	bad |= put(pg, "</h2>\n<table id=\"history\"><thead><tr><th>");
	bad |= put(pg, L("时间", "When"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("经办人", "Operator"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("操作", "Action"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("详情", "Detail"));
	bad |= put(pg, "</th></tr></thead><tbody>\n");
	json_array_foreach(json_object_get(c, "history"), i, e)
	{
		bad |= put(pg, "<tr><td>");
		bad |= esc(pg, jstr(e, "time"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(e, "operator"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(e, "action"));
		bad |= put(pg, "</td><td class=\"reason\">");
		detail = json_dumps(json_object_get(e, "detail"),
		    JSON_COMPACT | JSON_ENCODE_ANY);
		bad |= esc(pg, detail);
		free(detail);
		bad |= put(pg, "</td></tr>\n");
	}
	bad |= put(pg, "</tbody></table>\n");
	return bad;
}

void
web_console_card(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	struct page page, *pg = &page;
	struct web_answer who, an;
	const char *card;
	json_t *q, *c, *h;
	char title[64];
	int bad;

	page_begin(pg, &console_site, rq, resp);
	if (whoami(pg, &who) != 0)
		goto out;
	if ((card = card_segment(rq)) == NULL ||
	    (q = req_new(pg, "card")) == NULL) {
		not_found(pg);
		goto out2;
	}
	json_object_set_new(q, "card", json_string(card));
	if (web_call(w, q, &an, resp) != 0)
		goto out2;
	if (an.status != 200 || an.error != NULL) {
		page_rpc_problem(pg, &an, NULL);
		goto out3;
	}
	c = an.body;
	h = json_object_get(c, "holder");
	page_status(pg, 200, WEB_R_OK);
	snprintf(title, sizeof(title), "%s %s", L("卡片", "Card"),
	    jstr(c, "card") != NULL ? jstr(c, "card") : "");
	bad = head(pg, title);
	bad |= flash(pg);
	bad |= put(pg, "<section class=\"card\" id=\"summary\"><dl>\n");
	bad |= dl_row(pg, L("持卡人", "Holder"), "holder", jstr(h, "name"));
	bad |= dl_row(
	    pg, L("证件号码", "ID number"), "id-masked", jstr(h, "id_masked"));
	bad |= dl_row(pg, L("项目", "Programme"), NULL, jstr(c, "programme"));
	bad |= dl_row(pg, L("类别", "Tier"), NULL, jstr(c, "tier"));
	bad |= dl_row(pg, L("状态", "Status"), "status", jstr(c, "status"));
	bad |= dl_row(pg, L("状态原因", "Status reason"), "status-reason",
	    jstr(c, "status_reason"));
	bad |= dl_row(
	    pg, L("有效期至", "Valid to"), "valid-to", jstr(c, "valid_to"));
	if (jstr(c, "main_card") != NULL)
		bad |= dl_row(pg, L("主卡", "Main card"), "main-card",
		    jstr(c, "main_card"));
	if (jstr(c, "replaced_by") != NULL)
		bad |= dl_row(pg, L("已补换为", "Replaced by"), "replaced-by",
		    jstr(c, "replaced_by"));
	bad |= put(pg, "</dl></section>\n");
	bad |= card_forms(pg, c, card);
	bad |= card_tables(pg, c);
	page_finish(pg, bad);
out3:
	web_answer_free(&an);
out2:
	web_answer_free(&who);
out:
	page_end(pg);
}

/* Copies form field name into args when it is there and not empty. */
static void
form_copy(struct tc_webform *f, json_t *args, const char *name, const char *as)
{
	const char *v = tc_webform_get(f, name, NULL);

	if (v != NULL && v[0] != '\0')
		json_object_set_new(args, as, json_string(v));
}

/* The lifecycle action's arguments from its form (office/web-cards.c's). */
static json_t *
card_form_args(struct tc_webform *f, const char *action)
{
	const char *kind = tc_webform_get(f, "kind", NULL), *m;
	json_t *args = json_pack("{s:s}", "action", action);
	char *end;
	long mo;

	if (args == NULL)
		return NULL;
	if (strcmp(action, "suspend") == 0 || strcmp(action, "revoke") == 0 ||
	    strcmp(action, "reissue") == 0)
		json_object_set_new(args, "reason",
		    json_string(tc_webform_get(f, "reason", NULL) != NULL
			    ? tc_webform_get(f, "reason", NULL)
			    : ""));
	if (strcmp(action, "reinstate") == 0 || strcmp(action, "revoke") == 0)
		form_copy(f, args, "note", "note");
	if (strcmp(action, "revoke") == 0 &&
	    tc_webform_get(f, "bar_employer", NULL) != NULL)
		json_object_set_new(args, "bar_employer", json_true());
	if (strcmp(action, "renew") == 0 &&
	    (m = tc_webform_get(f, "months", NULL)) != NULL && m[0] != '\0') {
		mo = strtol(m, &end, 10);
		json_object_set_new(
		    args, "months", json_integer(*end == '\0' ? mo : -1));
	}
	if (strcmp(action, "subcard") == 0) {
		form_copy(f, args, "relation", "relation");
		form_copy(f, args, "id_type", "id_type");
		form_copy(f, args, "id_number", "id_number");
		form_copy(f, args, "name", "name");
		form_copy(f, args, "birth_date", "birth_date");
	}
	if (strcmp(action, "upgrade") == 0 || strcmp(action, "convert") == 0) {
		json_object_del(args, "action");
		json_object_set_new(args, "kind", json_string(action));
		form_copy(f, args, "tier", "tier");
		form_copy(f, args, "clause", "clause");
		if (tc_webform_get(f, "draft", NULL) != NULL)
			json_object_set_new(args, "draft", json_true());
		if (tc_webform_get(f, "accept_pledge", NULL) != NULL)
			json_object_set_new(args, "accept_pledge", json_true());
	}
	if (strcmp(action, "change") == 0) {
		form_copy(f, args, "value",
		    kind != NULL && strcmp(kind, "residence") == 0
			? "residence"
			: "employer");
		form_copy(f, args, "uscc", "uscc");
		form_copy(f, args, "date", "date");
	}
	return args;
}

void
web_console_card_action(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	static const char *const done[][2] = { { "suspend", "suspended" },
		{ "reinstate", "reinstated" }, { "revoke", "revoked" },
		{ "renew", "renewed" }, { "change", "changed" },
		{ "reissue", "reissued" }, { "subcards", "subcard-added" },
		{ "upgrade", "applied" }, { "convert", "applied" } };
	struct web *w = tc_daemon_app(d);
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	const char *card, *action = tc_dreq_param(rq, "action"), *csrf;
	const char *word = NULL;
	struct tc_buf text, tail;
	json_t *q, *args, *docs = NULL;
	char loc[96];
	size_t i;

	page_begin(pg, &console_site, rq, resp);
	tc_webform_init(&form);
	tc_buf_init(&text, 0);
	tc_buf_init(&tail, 0);
	if (pg->sid[0] == '\0') {
		to_login(pg);
		goto out;
	}
	for (i = 0; action != NULL && i < sizeof(done) / sizeof(done[0]); i++)
		if (strcmp(done[i][0], action) == 0)
			word = done[i][1];
	if ((card = card_segment(rq)) == NULL || word == NULL) {
		not_found(pg);
		goto out;
	}
	if (strcmp(action, "subcards") == 0)
		action = "subcard";
	/* A multipart form's fields and files (a url-encoded one as it is). */
	if (web_card_body(rq, resp, 1, &text, &docs, &tail) != 0)
		goto out;
	if (tc_webform_parse(&form, text.data, text.len, NULL, NULL, 0) != 0) {
		problem(pg, 400, L("请求有误", "Bad request"),
		    L("表单无法读取。", "The form could not be read."));
		goto out;
	}
	csrf = tc_webform_get(&form, "csrf", NULL);
	if ((args = card_form_args(&form, action)) == NULL ||
	    (q = req_new(pg,
		 strcmp(word, "applied") == 0 ? "card-change"
					      : "card-action")) == NULL) {
		json_decref(args);
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out;
	}
	json_object_set_new(q, "card", json_string(card));
	json_object_set_new(q, "args", args);
	if (docs != NULL)
		json_object_set(q, "docs", docs);
	/* A missing or malformed token is sent as none: the monitor refuses. */
	if (csrf != NULL && tc_orpc_token_ok(csrf))
		json_object_set_new(q, "csrf", json_string(csrf));
	if (web_call_tail(w, q, tail.data, tail.len, &an, resp) != 0)
		goto out;
	if (an.status == 200 && an.error == NULL &&
	    strcmp(word, "applied") == 0) {
		/* PRG: to the new application. */
		snprintf(loc, sizeof(loc), "/console/applications/%lld",
		    (long long)json_integer_value(
			json_object_get(an.body, "id")));
		page_redirect(pg, loc);
	} else if (an.status == 200 && an.error == NULL) {
		/* PRG: to the card, or the new card of a reissue. */
		snprintf(loc, sizeof(loc), "/console/cards/%s?done=%s",
		    jstr(json_object_get(an.body, "result"), "new_card") != NULL
			? jstr(json_object_get(an.body, "result"), "new_card")
			: card,
		    word);
		page_redirect(pg, loc);
	} else {
		page_rpc_problem(pg, &an, NULL);
	}
	web_answer_free(&an);
out:
	json_decref(docs);
	tc_buf_release(&text);
	tc_buf_release(&tail);
	tc_webform_release(&form);
	page_end(pg);
}

/* ---- the audit log (auditors) ---- */

#define AUDIT_PAGE 50

void
web_console_audit(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	struct page page, *pg = &page;
	struct web_answer who, an, vr;
	const char *s;
	json_t *q, *e, *entries;
	char *detail, num[32];
	long long after = 0, last = 0;
	size_t i, n;
	int bad;

	page_begin(pg, &console_site, rq, resp);
	if (whoami(pg, &who) != 0)
		goto out;
	s = page_query(pg, "after");
	n = s != NULL ? strlen(s) : 0;
	if (n > 0 && n <= 15 && strspn(s, "0123456789") == n)
		after = strtoll(s, NULL, 10);
	if ((q = req_new(pg, "audit")) == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out2;
	}
	json_object_set_new(q, "args",
	    json_pack(
		"{s:I, s:i}", "after", (json_int_t)after, "limit", AUDIT_PAGE));
	if (web_call(w, q, &an, resp) != 0)
		goto out2;
	if (an.status != 200 || an.error != NULL) {
		page_rpc_problem(pg, &an, NULL);
		goto out3;
	}
	memset(&vr, 0, sizeof(vr));
	if ((q = req_new(pg, "audit-verify")) == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out3;
	}
	if (web_call(w, q, &vr, resp) != 0)
		goto out3;
	entries = json_object_get(an.body, "entries");
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, L("审计日志", "Audit log"));
	bad |= put(pg, "<p id=\"verify\">");
	if (vr.status == 200 && json_is_true(json_object_get(vr.body, "ok"))) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(
			json_object_get(vr.body, "entries")));
		bad |=
		    put(pg, L("哈希链校验通过，共 ", "Hash chain verified: "));
		bad |= put(pg, num);
		bad |= put(pg, L(" 条。", " entries."));
	} else {
		bad |= put(pg, "<strong class=\"error\">");
		bad |= put(
		    pg, L("哈希链校验失败：", "The hash chain is broken: "));
		bad |= esc(
		    pg, vr.body != NULL ? jstr(vr.body, "reason") : vr.message);
		bad |= put(pg, "</strong>");
	}
	bad |= put(pg, "</p>\n<table id=\"audit\"><thead><tr><th>#</th><th>");
	bad |= put(pg, L("时间", "When"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("经办人", "Operator"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("操作", "Action"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("对象", "Subject"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("详情", "Detail"));
	bad |= put(pg, "</th></tr></thead><tbody>\n");
	json_array_foreach(entries, i, e)
	{
		last = json_integer_value(json_object_get(e, "seq"));
		snprintf(num, sizeof(num), "%lld", last);
		bad |= put(pg, "<tr><td>");
		bad |= put(pg, num);
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(e, "time"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(e, "operator"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(e, "action"));
		bad |= put(pg, "</td><td>");
		bad |= esc(pg, jstr(e, "subject"));
		bad |= put(pg, "</td><td class=\"reason\">");
		detail = json_dumps(json_object_get(e, "detail"),
		    JSON_COMPACT | JSON_ENCODE_ANY);
		bad |= esc(pg, detail);
		free(detail);
		bad |= put(pg, "</td></tr>\n");
	}
	bad |= put(pg, "</tbody></table>\n<p>");
	if (after > 0) {
		snprintf(num, sizeof(num), "%lld",
		    after > AUDIT_PAGE ? after - AUDIT_PAGE : 0);
		bad |= put(pg, "<a id=\"prev\" href=\"/console/audit?after=");
		bad |= put(pg, num);
		bad |= put(pg, "\">");
		bad |= put(pg, L("上一页", "Previous"));
		bad |= put(pg, "</a> ");
	}
	if (last > 0 &&
	    last < json_integer_value(json_object_get(an.body, "last"))) {
		snprintf(num, sizeof(num), "%lld", last);
		bad |= put(pg, "<a id=\"next\" href=\"/console/audit?after=");
		bad |= put(pg, num);
		bad |= put(pg, "\">");
		bad |= put(pg, L("下一页", "Next"));
		bad |= put(pg, "</a>");
	}
	bad |= put(pg, "</p>\n");
	page_finish(pg, bad);
	web_answer_free(&vr);
out3:
	web_answer_free(&an);
out2:
	web_answer_free(&who);
out:
	page_end(pg);
}

/* ---- the unit's supplement and the ID reveal (application page) ---- */

/*
 * The reveal button, for the roles that may need the full number (the
 * monitor and the library decide; a refusal is the 403 page).
 */
static int
reveal_form(struct page *pg, const char *num)
{
	int bad = 0;

	if (!has_role(pg, "unit-reviewer") &&
	    !has_role(pg, "industry-reviewer") &&
	    !has_role(pg, "hr-reviewer") && !has_role(pg, "approver"))
		return 0;
	bad |= put(pg,
	    "<form method=\"post\" id=\"reveal\" action=\"/console/applications/");
	bad |= put(pg, num);
	bad |= put(
	    pg, "/reveal-id\"><input type=\"hidden\" name=\"csrf\" value=\"");
	bad |= esc(pg, pg->csrf);
	bad |= put(pg, "\"><button id=\"reveal-id\">");
	bad |= put(pg,
	    L("查看完整证件号码（将记入审计日志）",
		"Show the full ID number (recorded in the audit log)"));
	bad |= put(pg, "</button></form>\n");
	return bad;
}

/*
 * The unit's supplement: for a unit reviewer while the application waits
 * at a unit-reviewer step, one input per field the library lets a unit
 * change ("supplement" in the labels), empty with the current value as
 * placeholder; only the fields filled in are sent.
 */
static int
supplement_form(struct page *pg, json_t *app, const char *num)
{
	json_t *secs =
		   json_object_get(json_object_get(app, "labels"), "sections"),
	       *form = json_object_get(app, "form"), *s, *f, *fields, *cur;
	const char *st = jstr(app, "state"), *role = jstr(app, "role");
	size_t i, j;
	int bad = 0, any = 0;

	if (st == NULL || strcmp(st, "submitted") != 0 || role == NULL ||
	    strcmp(role, "unit-reviewer") != 0 ||
	    !has_role(pg, "unit-reviewer"))
		return 0;
	bad |= put(pg, "<h2>");
	bad |= put(pg, L("信息补充", "Supplement information"));
	bad |= put(pg,
	    "</h2>\n<form method=\"post\" id=\"supplement\" action=\"/console/applications/");
	bad |= put(pg, num);
	bad |= put(pg,
	    "/supplement\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	bad |= esc(pg, pg->csrf);
	bad |= put(pg, "\">\n");
	json_array_foreach(secs, i, s)
	{
		fields = json_object_get(s, "fields");
		json_array_foreach(fields, j, f)
		{
			if (!json_is_true(json_object_get(f, "supplement")) ||
			    jstr(s, "id") == NULL || jstr(f, "id") == NULL)
				continue;
			any = 1;
			cur = json_object_get(
			    json_object_get(form, jstr(s, "id")),
			    jstr(f, "id"));
			bad |= put(pg, "<label for=\"f.");
			bad |= esc(pg, jstr(s, "id"));
			bad |= put(pg, ".");
			bad |= esc(pg, jstr(f, "id"));
			bad |= put(pg, "\">");
			bad |= esc(pg, label_of(pg, secs, jstr(s, "id"), NULL));
			bad |= put(pg, " · ");
			bad |=
			    esc(pg, label_of(pg, fields, jstr(f, "id"), NULL));
			bad |= put(pg, "</label><input type=\"text\" id=\"f.");
			bad |= esc(pg, jstr(s, "id"));
			bad |= put(pg, ".");
			bad |= esc(pg, jstr(f, "id"));
			bad |= put(pg, "\" name=\"f.");
			bad |= esc(pg, jstr(s, "id"));
			bad |= put(pg, ".");
			bad |= esc(pg, jstr(f, "id"));
			bad |= put(pg, "\" maxlength=\"2048\"");
			if (json_is_string(cur)) {
				bad |= put(pg, " placeholder=\"");
				bad |= esc(pg, json_string_value(cur));
				bad |= put(pg, "\"");
			}
			bad |= put(pg, ">\n");
		}
	}
	if (!any) {
		bad |= put(pg, "<p class=\"muted\">");
		bad |= put(pg,
		    L("本项目没有单位可补充的字段。",
			"This programme has no field a unit may supplement."));
		bad |= put(pg, "</p>\n</form>\n");
		return bad;
	}
	bad |= put(pg, "<label for=\"s-reason\">");
	bad |= put(pg, L("补充理由（必填）", "Reason (required)"));
	bad |= put(pg,
	    "</label><textarea id=\"s-reason\" name=\"reason\" maxlength=\"1024\"></textarea>\n"
	    "<button id=\"supplement-send\">");
	bad |= put(pg, L("保存补充", "Save the supplement"));
	bad |= put(pg, "</button>\n</form>\n");
	return bad;
}

/*
 * Parses a POSTed form into *form; answers the sign-in redirect or a 400
 * page and returns -1 when it cannot.
 */
static int
post_form(struct page *pg, struct tc_webform *form)
{
	if (pg->sid[0] == '\0') {
		to_login(pg);
		return -1;
	}
	if (tc_webform_parse(form, pg->rq->body.data, pg->rq->body.len, NULL,
		NULL, 0) != 0) {
		problem(pg, 400, L("请求有误", "Bad request"),
		    L("表单无法读取。", "The form could not be read."));
		return -1;
	}
	return 0;
}

/*
 * One op from a form: q gets the form's csrf (a malformed one is sent as
 * none: the monitor refuses it) and, when n > 0, the application. q is
 * consumed. Returns 0 with *an filled (the caller frees it), or -1 with
 * the answer made.
 */
static int
form_call(struct page *pg, struct tc_webform *form, json_t *q, int64_t n,
    struct web_answer *an)
{
	const char *csrf = tc_webform_get(form, "csrf", NULL);

	if (q == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		return -1;
	}
	if (n > 0)
		json_object_set_new(q, "app", json_integer(n));
	if (csrf != NULL && tc_orpc_token_ok(csrf))
		json_object_set_new(q, "csrf", json_string(csrf));
	return web_call(tc_daemon_app(pg->rq->d), q, an, pg->resp);
}

void
web_console_supplement(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	const char *reason, *name, *value;
	json_t *q, *args, *fields;
	char loc[96];
	size_t i;
	int64_t n;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	tc_webform_init(&form);
	if (post_form(pg, &form) != 0)
		goto out;
	if ((n = tc_dreq_param_number(rq, "n")) == 0) {
		not_found(pg);
		goto out;
	}
	reason = tc_webform_get(&form, "reason", NULL);
	fields = json_object();
	for (i = 0; fields != NULL && i < form.n; i++) {
		name = form.f[i].name;
		value = form.f[i].value;
		if (strncmp(name, "f.", 2) == 0 && value != NULL &&
		    value[0] != '\0')
			json_object_set_new(
			    fields, name + 2, json_string(value));
	}
	args = json_pack("{s:o, s:s}", "fields",
	    fields != NULL ? fields : json_object(), "reason",
	    reason != NULL ? reason : "");
	q = req_new(pg, "supplement");
	if (q != NULL && args != NULL)
		json_object_set_new(q, "args", args);
	else
		json_decref(args);
	if (form_call(pg, &form, q, n, &an) != 0)
		goto out;
	if (an.status == 200 && an.error == NULL) {
		snprintf(loc, sizeof(loc),
		    "/console/applications/%lld?done=supplemented",
		    (long long)n);
		page_redirect(pg, loc);
	} else {
		page_rpc_problem(pg, &an, NULL);
	}
	web_answer_free(&an);
out:
	tc_webform_release(&form);
	page_end(pg);
}

/*
 * The revealed number on this answer page only (no-store, as every
 * page): reloading it would be a new POST, a new audit entry.
 */
void
web_console_reveal(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer who, an;
	char num[32], title[96];
	int64_t n;
	int bad;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	tc_webform_init(&form);
	memset(&who, 0, sizeof(who));
	if (post_form(pg, &form) != 0 || whoami(pg, &who) != 0)
		goto out;
	if ((n = tc_dreq_param_number(rq, "n")) == 0) {
		not_found(pg);
		goto out;
	}
	if (form_call(pg, &form, req_new(pg, "reveal-id"), n, &an) != 0)
		goto out;
	if (an.status != 200 || an.error != NULL) {
		page_rpc_problem(pg, &an, NULL);
		goto out2;
	}
	snprintf(num, sizeof(num), "%lld", (long long)n);
	snprintf(title, sizeof(title), "%s %s · %s", L("申请", "Application"),
	    num, L("证件号码", "ID number"));
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, title);
	bad |= put(pg, "<p class=\"muted\">");
	bad |= put(pg,
	    L("此次查看已记入审计日志。请勿抄录或转发。",
		"This view is recorded in the audit log. Do not copy or forward it."));
	bad |= put(pg, "</p>\n<p class=\"card\" id=\"id-number\">");
	bad |= esc(pg, jstr(an.body, "id_number"));
	bad |= put(pg, "</p>\n<p><a href=\"/console/applications/");
	bad |= put(pg, num);
	bad |= put(pg, "\">");
	bad |= put(pg, L("返回申请", "Back to the application"));
	bad |= put(pg, "</a></p>\n");
	page_finish(pg, bad);
out2:
	web_answer_free(&an);
out:
	web_answer_free(&who);
	tc_webform_release(&form);
	page_end(pg);
}

/* ---- the operator's account: TOTP enrolment, passphrase change ---- */

static int
pass_input(struct page *pg, const char *id, const char *name, const char *label,
    const char *autocomplete)
{
	return page_fmt(pg,
	    "<label for=\"%s\">%s</label><input type=\"password\" id=\"%s\" name=\"%s\" autocomplete=\"%s\" maxlength=\"1024\" required>\n",
	    id, label, id, name, autocomplete);
}

static int
otp_input(struct page *pg, const char *id)
{
	return page_fmt(pg,
	    "<label for=\"%s\">%s</label><input type=\"text\" id=\"%s\" name=\"otp\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"16\" required>\n",
	    id, L("动态口令（当前）", "Current one-time code"), id);
}

void
web_console_account(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer who;
	int bad, enrolled;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	if (whoami(pg, &who) != 0)
		goto out;
	enrolled = json_is_true(json_object_get(who.body, "totp"));
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, L("我的账户", "My account"));
	bad |= flash(pg);
	bad |= put(pg, "<section class=\"card\" id=\"totp\"><h2>");
	bad |= put(pg, L("动态口令（TOTP）", "One-time codes (TOTP)"));
	bad |= put(pg, "</h2>\n<p id=\"totp-state\">");
	bad |= put(pg,
	    enrolled
		? L("已启用。重新登记会使旧的验证器失效。",
		      "Enrolled. Enrolling again replaces the old authenticator.")
		: L("尚未启用。登记后登录需要动态口令。",
		      "Not enrolled. After enrolment, signing in needs a code."));
	bad |= put(pg,
	    "</p>\n<form method=\"post\" id=\"totp-enrol\" action=\"/console/account/totp\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	bad |= esc(pg, pg->csrf);
	bad |= put(pg, "\">\n");
	bad |= pass_input(pg, "t-pass", "passphrase",
	    L("当前密码", "Current passphrase"), "current-password");
	if (enrolled)
		bad |= otp_input(pg, "t-otp");
	bad |= put(pg, "<button id=\"totp-send\">");
	bad |= put(pg, L("登记验证器", "Enrol an authenticator"));
	bad |= put(pg, "</button>\n</form></section>\n");
	bad |= put(pg, "<section class=\"card\" id=\"passphrase\"><h2>");
	bad |= put(pg, L("修改密码", "Change the passphrase"));
	bad |= put(pg,
	    "</h2>\n<form method=\"post\" id=\"passphrase-change\" action=\"/console/account/passphrase\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	bad |= esc(pg, pg->csrf);
	bad |= put(pg, "\">\n");
	bad |= pass_input(pg, "p-old", "passphrase",
	    L("当前密码", "Current passphrase"), "current-password");
	if (enrolled)
		bad |= otp_input(pg, "p-otp");
	bad |= pass_input(pg, "p-new", "new_passphrase",
	    L("新密码", "New passphrase"), "new-password");
	bad |= pass_input(pg, "p-new2", "new_passphrase2",
	    L("再输一次新密码", "New passphrase again"), "new-password");
	bad |= put(pg, "<button id=\"passphrase-send\">");
	bad |= put(pg, L("修改密码", "Change the passphrase"));
	bad |= put(pg, "</button>\n</form></section>\n");
	page_finish(pg, bad);
	web_answer_free(&who);
out:
	page_end(pg);
}

/* The enrolment's answer page: the URI as text and its QR image. */
void
web_console_totp(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer who, an;
	const char *pass, *otp;
	json_t *q, *args;
	int bad;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	tc_webform_init(&form);
	memset(&who, 0, sizeof(who));
	if (post_form(pg, &form) != 0 || whoami(pg, &who) != 0)
		goto out;
	pass = tc_webform_get(&form, "passphrase", NULL);
	otp = tc_webform_get(&form, "otp", NULL);
	args = json_pack("{s:s}", "passphrase", pass != NULL ? pass : "");
	if (args != NULL && otp != NULL && otp[0] != '\0')
		json_object_set_new(args, "otp", json_string(otp));
	if ((q = req_new(pg, "totp-enrol")) != NULL && args != NULL)
		json_object_set_new(q, "args", args);
	else
		json_decref(args);
	if (form_call(pg, &form, q, 0, &an) != 0)
		goto out;
	if (an.status != 200 || an.error != NULL) {
		page_rpc_problem(pg, &an, NULL);
		goto out2;
	}
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, L("登记验证器", "Enrol an authenticator"));
	bad |= put(pg, "<p>");
	bad |= put(pg,
	    L("用验证器应用扫描二维码，或输入下面的地址。此页面只显示一次；下次登录起需要动态口令。",
		"Scan the QR code with an authenticator app, or enter the URI below. This page is shown once; from your next sign-in on you need a code."));
	bad |= put(pg,
	    "</p>\n<p><img id=\"totp-qr\" src=\"/console/account/totp.png\" alt=\"");
	bad |= put(pg, L("二维码", "QR code"));
	bad |= put(pg, "\" width=\"296\"></p>\n<p><code id=\"totp-uri\">");
	bad |= esc(pg, jstr(an.body, "uri"));
	bad |= put(pg, "</code></p>\n<p><a href=\"/console/account\">");
	bad |= put(pg, L("返回我的账户", "Back to my account"));
	bad |= put(pg, "</a></p>\n");
	page_finish(pg, bad);
out2:
	web_answer_free(&an);
out:
	web_answer_free(&who);
	tc_webform_release(&form);
	page_end(pg);
}

void
web_console_passphrase(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	const char *old, *nw, *nw2, *otp;
	json_t *q, *args;

	(void)d;
	page_begin(pg, &console_site, rq, resp);
	tc_webform_init(&form);
	if (post_form(pg, &form) != 0)
		goto out;
	old = tc_webform_get(&form, "passphrase", NULL);
	nw = tc_webform_get(&form, "new_passphrase", NULL);
	nw2 = tc_webform_get(&form, "new_passphrase2", NULL);
	if (old == NULL || nw == NULL || nw2 == NULL || strcmp(nw, nw2) != 0) {
		problem(pg, 400, L("请求有误", "Bad request"),
		    L("两次输入的新密码不一致。",
			"The two new passphrases differ."));
		goto out;
	}
	otp = tc_webform_get(&form, "otp", NULL);
	args = json_pack("{s:s, s:s}", "passphrase", old, "new_passphrase", nw);
	if (args != NULL && otp != NULL && otp[0] != '\0')
		json_object_set_new(args, "otp", json_string(otp));
	if ((q = req_new(pg, "passphrase")) != NULL && args != NULL)
		json_object_set_new(q, "args", args);
	else
		json_decref(args);
	if (form_call(pg, &form, q, 0, &an) != 0)
		goto out;
	if (an.status == 200 && an.error == NULL)
		page_redirect(pg, "/console/account?done=passphrase-changed");
	else
		page_rpc_problem(pg, &an, NULL);
	web_answer_free(&an);
out:
	tc_webform_release(&form);
	page_end(pg);
}

/* ---- /console/production: the production queue (issue 17) ---- */

/* The queue's sections: which states each lists. */
static const struct {
	const char *id, *zh, *en, *states[2];
} prod_sections[] = {
	{ "to-make", "待制作", "To make", { "to-make", "in-progress" } },
	{ "failed", "制作失败", "Failed", { "failed", NULL } },
	{ "made", "已制作，待发放", "Made, to deliver", { "made", NULL } },
};

/* A form posting action to the card, with its fields (HTML, trusted). */
static int
prod_form(struct page *pg, const char *serial, const char *action,
    const char *fields, const char *button)
{
	int bad = put(pg,
	    "<form method=\"post\" class=\"prod-act\" action=\"/console/production/");

	bad |= esc(pg, serial);
	bad |= put(pg, "/");
	bad |= put(pg, action);
	bad |= put(pg, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	bad |= esc(pg, pg->csrf);
	bad |= put(pg, "\">");
	bad |= put(pg, fields);
	bad |= put(pg, "<button>");
	bad |= put(pg, button);
	return bad | put(pg, "</button></form>");
}

/*
 * The "make" form: personalise the card at a station that polled in the
 * last 2 minutes (stations, a JSON array of names), or why it cannot.
 */
static int
prod_make(struct page *pg, const char *serial, json_t *stations)
{
	struct tc_buf sel;
	size_t i;
	json_t *v;
	int bad = 0;

	if (json_array_size(stations) == 0)
		return put(pg,
		    L("<form class=\"prod-act\"><span class=\"empty\">近 2 分钟内没有在线的制卡站</span></form>",
			"<form class=\"prod-act\"><span class=\"empty\">No station polled in the last 2 minutes</span></form>"));
	tc_buf_init(&sel, 64 * 1024);
	bad |= tc_buf_puts(&sel,
	    L("<label>制卡站 <select name=\"station\" required>",
		"<label>Station <select name=\"station\" required>"));
	json_array_foreach(stations, i, v)
	{
		/* Names are of A-Z a-z 0-9 . _ - only: nothing to escape. */
		bad |= tc_buf_puts(&sel, "<option>");
		bad |= tc_buf_puts(&sel, json_string_value(v));
		bad |= tc_buf_puts(&sel, "</option>");
	}
	bad |= tc_buf_puts(&sel, "</select></label> ");
	bad |= tc_buf_put(&sel, "", 1);
	if (bad == 0)
		bad = prod_form(pg, serial, "make", (const char *)sel.data,
		    L("在制卡站制作", "Make at the station"));
	tc_buf_release(&sel);
	return bad;
}

/* The buttons of one item in state st. */
static int
prod_actions(
    struct page *pg, const char *serial, const char *st, json_t *stations)
{
	int bad = 0;

	if (strcmp(st, "made") == 0) {
		bad |= prod_form(pg, serial, "deliver",
		    L("<label>证件号码 <input name=\"id_number\" required maxlength=\"64\" autocomplete=\"off\" inputmode=\"text\"></label>",
			"<label>ID number <input name=\"id_number\" required maxlength=\"64\" autocomplete=\"off\" inputmode=\"text\"></label>"),
		    L("核验并发放", "Check and deliver"));
		return bad;
	}
	if (strcmp(st, "to-make") == 0 || strcmp(st, "in-progress") == 0)
		bad |= prod_make(pg, serial, stations);
	if (strcmp(st, "in-progress") != 0)
		bad |=
		    prod_form(pg, serial, "start", "", L("开始制作", "Start"));
	bad |= prod_form(pg, serial, "made", "", L("已制作", "Made"));
	if (strcmp(st, "failed") != 0)
		bad |= prod_form(pg, serial, "fail",
		    L("<label>原因 <input name=\"reason\" required maxlength=\"1024\"></label>",
			"<label>Reason <input name=\"reason\" required maxlength=\"1024\"></label>"),
		    L("制作失败", "Failed"));
	return bad;
}

/* The print job of the card face at the station (schema 17), if any. */
static int
prod_print(struct page *pg, json_t *it)
{
	static const struct {
		const char *id, *zh, *en;
	} states[] = {
		{ "pending", "排队中", "pending" },
		{ "held", "暂停", "held" },
		{ "processing", "打印中", "printing" },
		{ "stopped", "打印机已停止", "printer stopped" },
		{ "canceled", "已取消", "canceled" },
		{ "aborted", "已中止", "aborted" },
		{ "completed", "已打印", "printed" },
		{ "failed", "未能提交", "not submitted" },
	};
	json_t *job = json_object_get(it, "print_job");
	const char *st = jstr(it, "print_state");
	char n[24];
	size_t i;
	int bad;

	if (st == NULL)
		return 0;
	snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(job));
	bad = put(pg, "<br><span class=\"print\">");
	bad |= put(pg, L("卡面打印", "Card face print"));
	if (json_integer_value(job) > 0) {
		bad |= put(pg, L(" 任务 ", " job "));
		bad |= put(pg, n);
	}
	bad |= put(pg, L("：", ": "));
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(st, states[i].id) == 0)
			break;
	if (i < sizeof(states) / sizeof(states[0]))
		bad |= put(pg, L(states[i].zh, states[i].en));
	else
		bad |= esc(pg, st);
	return bad | put(pg, "</span>");
}

/* The items of the answer in section k, as a list. */
static int
prod_section(struct page *pg, json_t *items, size_t k, json_t *stations)
{
	const char *st, *v;
	char serial[32];
	size_t i, shown = 0;
	json_t *it;
	int bad;

	bad = put(pg, "<section id=\"");
	bad |= put(pg, prod_sections[k].id);
	bad |= put(pg, "\"><h2>");
	bad |= put(pg, L(prod_sections[k].zh, prod_sections[k].en));
	bad |= put(pg, "</h2>\n<ul class=\"prod\">\n");
	json_array_foreach(items, i, it)
	{
		st = jstr(it, "state");
		if (st == NULL ||
		    (strcmp(st, prod_sections[k].states[0]) != 0 &&
			(prod_sections[k].states[1] == NULL ||
			    strcmp(st, prod_sections[k].states[1]) != 0)))
			continue;
		shown++;
		snprintf(serial, sizeof(serial), "%lld",
		    (long long)json_integer_value(
			json_object_get(it, "serial")));
		bad |= put(pg, "<li><strong>");
		bad |= esc(pg, jstr(it, "card"));
		bad |= put(pg, "</strong> ");
		bad |= esc(pg, jstr(it, "name"));
		bad |= put(pg, " <span class=\"id\">");
		bad |= esc(pg, jstr(it, "id_masked"));
		bad |= put(pg, "</span> · ");
		bad |= esc(pg, jstr(it, "programme"));
		bad |= put(pg, " ");
		bad |= esc(pg, jstr(it, "tier"));
		if ((v = jstr(it, "branch")) != NULL) {
			bad |= put(pg, " · ");
			bad |= esc(pg, v);
		}
		if (strcmp(st, "in-progress") == 0) {
			bad |= put(pg, " · ");
			bad |= put(pg, L("制作中", "in progress"));
		}
		if ((v = jstr(it, "deadline")) != NULL) {
			bad |= put(pg,
			    json_is_true(json_object_get(it, "overdue"))
				? " · <span class=\"overdue\">"
				: " · <span class=\"deadline\">");
			bad |= put(pg,
			    strcmp(st, "made") == 0
				? L("发放期限 ", "deliver by ")
				: L("制作期限 ", "make by "));
			bad |= esc(pg, v);
			bad |= put(pg, "</span>");
		}
		if ((v = jstr(it, "reason")) != NULL) {
			bad |= put(pg, "<br><span class=\"reason\">");
			bad |= put(pg, L("原因：", "Why: "));
			bad |= esc(pg, v);
			bad |= put(pg, "</span>");
		}
		bad |= prod_print(pg, it);
		bad |= put(pg, "<br>");
		bad |= prod_actions(pg, serial, st, stations);
		bad |= put(pg, "</li>\n");
	}
	if (shown == 0) {
		bad |= put(pg, "<li class=\"empty\">");
		bad |= put(pg, L("无", "None"));
		bad |= put(pg, "</li>\n");
	}
	return bad | put(pg, "</ul></section>\n");
}

void
web_console_production(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	static const struct page_word done[] = {
		{ "started", "已开始制作。", "Started." },
		{ "made", "已记录为已制作。", "Recorded as made." },
		{ "failed", "已记录制作失败。", "Recorded as failed." },
		{ "delivered", "已发放，卡已生效。",
		    "Delivered: the card is issued." },
	};
	struct page page, *pg = &page;
	struct web_answer an;
	json_t *q, *items, *stations;
	size_t k;
	int bad;

	page_begin(pg, &console_site, rq, resp);
	stations = web_station_names(tc_daemon_app(d), 120);
	if ((q = req_new(pg, "production")) == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out;
	}
	if (page_call(pg, q, &an) != 0)
		goto out2;
	items = json_object_get(an.body, "items");
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, L("制证队列", "Production"));
	bad |= page_flash(pg, done, sizeof(done) / sizeof(done[0]));
	for (k = 0; k < sizeof(prod_sections) / sizeof(prod_sections[0]); k++)
		bad |= prod_section(pg, items, k, stations);
	page_finish(pg, bad);
out2:
	web_answer_free(&an);
out:
	json_decref(stations);
	page_end(pg);
}

void
web_console_production_act(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	static const struct {
		const char *action, *field, *done;
	} acts[] = {
		{ "start", NULL, "started" },
		{ "made", NULL, "made" },
		{ "fail", "reason", "failed" },
		{ "deliver", "id_number", "delivered" },
		{ "make", "station", NULL },
	};
	const char *card = tc_dreq_param(rq, "card");
	const char *action = tc_dreq_param(rq, "action"), *v;
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	json_t *q, *args;
	char loc[96];
	size_t i, n = card != NULL ? strlen(card) : 0;

	page_begin(pg, &console_site, rq, resp);
	tc_webform_init(&form);
	if (post_form(pg, &form) != 0)
		goto out;
	for (i = 0; action != NULL && i < sizeof(acts) / sizeof(acts[0]); i++)
		if (strcmp(acts[i].action, action) == 0)
			break;
	if (action == NULL || i == sizeof(acts) / sizeof(acts[0]) || n == 0 ||
	    n > TC_ORPC_CARD_MAX || strspn(card, "0123456789") != n) {
		problem(pg, 404, L("未找到", "Not found"),
		    L("没有这张卡或这个操作。", "No such card or action."));
		goto out;
	}
	/* make is its own op (perso-make), with the station only. */
	args = acts[i].done == NULL
	    ? json_object()
	    : json_pack("{s:s}", "action", acts[i].action);
	if (args != NULL && acts[i].field != NULL &&
	    (v = tc_webform_get(&form, acts[i].field, NULL)) != NULL &&
	    v[0] != '\0')
		json_object_set_new(args, acts[i].field, json_string(v));
	q = req_new(pg, acts[i].done == NULL ? "perso-make" : "production-act");
	if (q != NULL && args != NULL) {
		json_object_set_new(q, "card", json_string(card));
		json_object_set_new(q, "args", args);
	} else
		json_decref(args);
	if (form_call(pg, &form, q, 0, &an) != 0)
		goto out;
	if (acts[i].done == NULL && an.status == 201 && an.error == NULL) {
		/* The job waits for the station's card: its page. */
		const char *job = jstr(an.body, "job");
		const char *station = jstr(an.body, "station");

		if (job == NULL || station == NULL ||
		    web_station_wait_job(tc_daemon_app(d), station, job) != 0)
			problem(pg, 503, L("出错了", "Error"),
			    L("制卡站表已满，或监控进程的回答不对。",
				"The station table is full, or the monitor's answer is not as expected."));
		else {
			snprintf(loc, sizeof(loc),
			    "/console/production/jobs/%s", job);
			page_redirect(pg, loc);
		}
	} else if (acts[i].done != NULL && an.status == 200 &&
	    an.error == NULL) {
		snprintf(loc, sizeof(loc), "/console/production?done=%s",
		    acts[i].done);
		page_redirect(pg, loc);
	} else
		page_rpc_problem(pg, &an, NULL);
	web_answer_free(&an);
out:
	tc_webform_release(&form);
	page_end(pg);
}

/* One line of the job page: a term and its value (escaped). */
static int
job_row(struct page *pg, const char *term, const char *value)
{
	int bad = put(pg, "<dt>");

	bad |= put(pg, term);
	bad |= put(pg, "</dt><dd>");
	bad |= esc(pg, value != NULL ? value : "—");
	return bad | put(pg, "</dd>\n");
}

void
web_console_job(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	static const struct {
		const char *state, *zh, *en;
	} states[] = {
		{ "waiting", "等待制卡站插卡",
		    "waiting for the station's card" },
		{ "running", "正在写卡", "personalising the chip" },
		{ "done", "芯片已完成，待打印", "chip done, face to print" },
		{ "failed", "失败", "failed" },
	};
	const char *job = tc_dreq_param(rq, "job"), *st, *shown;
	struct page page, *pg = &page;
	struct web_answer an;
	char num[32], self[96];
	unsigned rt;
	size_t i, n = job != NULL ? strlen(job) : 0;
	json_t *q;
	int bad;

	page_begin(pg, &console_site, rq, resp);
	if (n == 0 || n > 32 ||
	    strspn(job,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") !=
		n) {
		problem(pg, 404, L("未找到", "Not found"),
		    L("没有这个制卡任务。", "No such job."));
		goto out;
	}
	if ((q = req_new(pg, "perso-status")) == NULL) {
		problem(pg, 500, L("出错了", "Error"), "out of memory");
		goto out;
	}
	json_object_set_new(q, "args", json_pack("{s:s}", "job", job));
	if (page_call(pg, q, &an) != 0)
		goto out2;
	page_status(pg, 200, WEB_R_OK);
	st = jstr(an.body, "state");
	shown = st;
	for (i = 0; st != NULL && i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(states[i].state, st) == 0)
			shown = L(states[i].zh, states[i].en);
	rt = (unsigned)json_integer_value(
	    json_object_get(an.body, "round_trips"));
	if (st != NULL && strcmp(st, "running") == 0)
		web_station_job_rt(tc_daemon_app(d), job, &rt);
	snprintf(num, sizeof(num), "%u", rt);
	bad = head(pg, L("制卡任务", "Personalisation job"));
	bad |= put(pg, "<dl class=\"job\">\n");
	bad |= job_row(pg, L("任务", "Job"), job);
	bad |= job_row(pg, L("卡号", "Card"), jstr(an.body, "card"));
	bad |= job_row(pg, L("制卡站", "Station"), jstr(an.body, "station"));
	bad |= job_row(pg, L("状态", "State"), shown);
	bad |= job_row(pg, L("步骤", "Step"), jstr(an.body, "step"));
	bad |= job_row(pg, L("往返次数", "Round trips"), num);
	bad |= job_row(pg, L("错误", "Error"), jstr(an.body, "error"));
	bad |= job_row(pg, L("打印", "Print"), jstr(an.body, "print_state"));
	bad |= put(pg, "</dl>\n<p><a href=\"");
	snprintf(self, sizeof(self), "/console/production/jobs/%s", job);
	bad |= esc(pg, self);
	bad |= put(pg, "\">");
	bad |= put(pg, L("刷新", "Refresh"));
	bad |= put(pg, "</a> · <a href=\"/console/production\">");
	bad |= put(pg, L("返回制证队列", "Back to production"));
	bad |= put(pg, "</a></p>\n");
	page_finish(pg, bad);
out2:
	web_answer_free(&an);
out:
	page_end(pg);
}
