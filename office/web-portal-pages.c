/* SPDX-License-Identifier: MIT */
/*
 * The applicants' portal pages of tcard-issuerd (issue 16, docs/portal.md
 * "Pages"): server-rendered HTML5 at /portal/ in Chinese and English,
 * phone-first, on the page framework the console uses (office/web-page.h)
 * and built only from the portal's RPC ops (the same the /v1/portal/ API
 * makes, office/web-portal.c), so the pages can do nothing the API
 * cannot. The applicant's session is the tcard_portal cookie; every POST
 * form carries the session's CSRF token in a "csrf" field, which the
 * monitor checks; after a POST the answer is a 303 to a page. One script
 * file (/portal/portal.js: the pledge's countdown, the long texts'
 * character counters) and one stylesheet beside the console's, both
 * served from C strings under a CSP without inline script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tcard/html.h"
#include "tcard/officerpc.h"
#include "tcard/webform.h"
#include "web-page.h"
#include "web.h"

#define PORTAL_CSP                                                             \
	"default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static void to_login(struct page *pg);
static void not_found(struct page *pg);
static int head(struct page *pg, const char *title);

static const struct page_site portal_site = { WEB_EP_PORTAL, PORTAL_CSP,
	"/portal", WEB_PORTAL_COOKIE, "/portal/login",
	"<link rel=\"stylesheet\" href=\"/console/style.css\">\n"
	"<link rel=\"stylesheet\" href=\"/portal/style.css\">\n"
	"<script src=\"/portal/portal.js\" defer></script>\n",
	" · 人才服务卡申报", " · talent card applications", to_login, not_found,
	"/portal/", "返回我的事项", "Back to my matters", head };

/* The portal's additions to the console's stylesheet. */
static const char portal_css[] =
    ".boxes{display:grid;grid-template-columns:repeat(auto-fit,minmax(15em,1fr));gap:.8em}"
    ".box{background:#fff;border:1px solid #d8dce2;padding:.4em .8em}"
    ".box h2{margin:.2em 0}.box ul{padding-left:1.2em;margin:.3em 0}"
    ".count{color:#5f6b7a;font-size:.9em;display:block}"
    "select,input[type=email],input[type=tel],input[type=file]{width:100%;max-width:30em;padding:.4em;font:inherit}"
    "fieldset.entry{background:#fff}legend{font-weight:600}"
    "button:disabled{opacity:.55}"
    ".scroll{overflow-x:auto}"
    "table.mats form{margin:0}table.mats button{margin:.3em 0 0}"
    "@media (max-width:40em){table.mats thead{display:none}"
    "table.mats tr,table.mats td{display:block}table.mats tr{border-bottom:2px solid #d8dce2;padding:.3em 0}"
    "table.mats td{border:0;padding:.15em .5em}"
    "table.mats td[data-label]::before{content:attr(data-label) ': ';color:#4a5360}}"
    ".pledge{background:#fff;border:1px solid #d8dce2;padding:1em;white-space:pre-wrap}"
    "ol.steps li.done{color:#5f6b7a}ol.steps li.now{font-weight:600}\n";

/*
 * The countdown of the pledge's accept button (data-wait seconds; the
 * server keeps its own clock) and the live character count of a textarea
 * with a maxlength (an element ID-count beside it).
 */
static const char portal_js[] =
    "'use strict';\n"
    "document.addEventListener('DOMContentLoaded', function () {\n"
    "  var b = document.getElementById('accept');\n"
    "  if (b && b.dataset.wait) {\n"
    "    var n = parseInt(b.dataset.wait, 10), label = b.textContent;\n"
    "    var tick = function () {\n"
    "      if (n <= 0) { b.disabled = false; b.textContent = label; return; }\n"
    "      b.disabled = true; b.textContent = label + ' (' + n + ')'; n--;\n"
    "      setTimeout(tick, 1000);\n"
    "    };\n"
    "    tick();\n"
    "  }\n"
    "  document.querySelectorAll('textarea[maxlength]').forEach(function (t) {\n"
    "    var c = document.getElementById(t.id + '-count');\n"
    "    if (!c) return;\n"
    "    var show = function () {\n"
    "      c.textContent = Array.from(t.value).length + ' / ' + t.getAttribute('maxlength');\n"
    "    };\n"
    "    t.addEventListener('input', show);\n"
    "    show();\n"
    "  });\n"
    "});\n";

/* Limits of the portal's forms: repeating sections have many fields. */
static const struct tc_webform_limits form_limits = { 256 * 1024, 512, 64,
	8192 };

/* ---- the page's frame ---- */

static void
portal_begin(struct page *pg, struct tc_dreq *rq, struct tc_dresp *resp)
{
	page_begin(pg, &portal_site, rq, resp);
}

static int
head(struct page *pg, const char *title)
{
	int bad = page_open(pg, title);

	bad |= put(pg, "<strong><a href=\"/portal/\">");
	bad |=
	    put(pg, L("人才服务卡 · 网上申报", "Talent card · apply online"));
	bad |= put(pg, "</a></strong>\n");
	return bad | page_header_end(pg, NULL, "/portal/logout", title);
}

/* A whole page with one message and a link back (NULL: "my matters"). */
static void
problem_back(struct page *pg, unsigned status, const char *title,
    const char *msg, const char *back)
{
	page_problem(pg, status, title, msg, back != NULL ? back : "/portal/",
	    back != NULL ? L("返回", "Back")
			 : L("返回我的事项", "Back to my matters"));
}

static void
problem(struct page *pg, unsigned status, const char *title, const char *msg)
{
	problem_back(pg, status, title, msg, NULL);
}

static void
not_found(struct page *pg)
{
	problem(pg, 404, L("未找到", "Not found"),
	    L("没有这个页面或申请，或它不属于您。",
		"There is no such page or application, or it is not yours."));
}

static void
oom(struct page *pg)
{
	problem(pg, 500, L("出错了", "Error"), "out of memory");
}

static void
to_login(struct page *pg)
{
	page_redirect(pg, "/portal/login");
}

/* A portal request {"op", "session"?, "app"? (n > 0)}; NULL: no memory. */
static json_t *
req_new(struct page *pg, const char *op, int64_t n)
{
	json_t *o = json_pack("{s:s}", "op", op);

	if (o != NULL && pg->sid[0] != '\0')
		json_object_set_new(o, "session", json_string(pg->sid));
	if (o != NULL && n > 0)
		json_object_set_new(o, "app", json_integer(n));
	return o;
}

/*
 * One call: q (consumed) out, *an in (the caller frees it). 0 for a 200
 * answer; else -1 with the page made (sign-in, not found, the message).
 */
static int
call(struct page *pg, json_t *q, struct web_answer *an, const char *back)
{
	memset(an, 0, sizeof(*an));
	if (q == NULL) {
		oom(pg);
		return -1;
	}
	if (web_call(tc_daemon_app(pg->rq->d), q, an, pg->resp) != 0)
		return -1;
	if (an->status != 200 || an->error != NULL) {
		page_rpc_problem(pg, an, back);
		return -1;
	}
	return 0;
}

/*
 * The session's account: its name and CSRF token into pg (owned by *who,
 * freed by the caller). -1 with the answer made (to the sign-in page).
 */
static int
whoami(struct page *pg, struct web_answer *who)
{
	json_t *acct;

	memset(who, 0, sizeof(*who));
	if (pg->sid[0] == '\0') {
		to_login(pg);
		return -1;
	}
	if (call(pg, req_new(pg, "portal-whoami", 0), who, NULL) != 0)
		return -1;
	acct = json_object_get(who->body, "account");
	pg->who = jstr(acct, "name") != NULL && jstr(acct, "name")[0] != '\0'
	    ? jstr(acct, "name")
	    : jstr(acct, "login");
	pg->csrf = jstr(who->body, "csrf");
	pg->idoc = json_object_get(acct, "id_document");
	if (pg->who == NULL || pg->csrf == NULL) {
		problem(pg, 500, L("出错了", "Error"), "bad answer");
		return -1;
	}
	return 0;
}

/*
 * The public parts of programme id (portal-info; NULL: the list of
 * programmes) into *an, with the units the page's ?unit= finds.
 */
static int
programme_info(struct page *pg, const char *id, struct web_answer *an)
{
	const char *unit = page_query(pg, "unit");
	json_t *q = req_new(pg, "portal-info", 0), *args = json_object();

	json_object_del(q, "session");
	if (args != NULL && id != NULL)
		json_object_set_new(args, "programme", json_string(id));
	if (args != NULL && unit != NULL && unit[0] != '\0')
		json_object_set_new(args, "unit", json_string(unit));
	if (q != NULL && args != NULL)
		json_object_set_new(q, "args", args);
	else {
		json_decref(args);
		json_decref(q);
		q = NULL;
	}
	return call(pg, q, an, NULL);
}

/* A {"zh", "en"} text in the page's language (the other when missing). */
static const char *
text_of(struct page *pg, json_t *t)
{
	const char *zh = jstr(t, "zh"), *en = jstr(t, "en");

	if (pg->en)
		return en != NULL ? en : zh;
	return zh != NULL ? zh : en;
}

/* 1 when string member key of o is want (neither NULL). */
static int
is(json_t *o, const char *key, const char *want)
{
	const char *v = jstr(o, key);

	return v != NULL && want != NULL && strcmp(v, want) == 0;
}

/* The object of arr whose "id" is id, or NULL. */
static json_t *
find_id(json_t *arr, const char *id)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
	{
		if (is(v, "id", id))
			return v;
	}
	return NULL;
}

/* The hidden csrf field of a form. */
static int
csrf_field(struct page *pg)
{
	int bad = put(pg, "<input type=\"hidden\" name=\"csrf\" value=\"");

	bad |= esc(pg, pg->csrf);
	return bad | put(pg, "\">\n");
}

/* A flash message from ?done= (only known words are shown). */
static int
flash(struct page *pg)
{
	static const struct page_word f[] = {
		{ "registered", "账号已注册，请登录。",
		    "The account is registered: sign in." },
		{ "signed-out", "已退出。", "Signed out." },
		{ "created", "草稿已保存，请继续填写各部分。",
		    "The draft is kept: go on with each section." },
		{ "saved", "已保存。", "Saved." },
		{ "uploaded", "材料已上传。", "The file is uploaded." },
		{ "submitted", "申请已提交。",
		    "The application is submitted." },
		{ "withdrawn", "申请已撤回。",
		    "The application is withdrawn." },
	};

	return page_flash(pg, f, sizeof(f) / sizeof(f[0]));
}

/* Parses the POSTed form; -1 with a 400 page when it cannot. */
static int
post_form(struct page *pg, struct tc_webform *form)
{
	tc_webform_init(form);
	if (tc_webform_parse(form, pg->rq->body.data, pg->rq->body.len,
		&form_limits, NULL, 0) != 0) {
		problem(pg, 400, L("请求有误", "Bad request"),
		    L("表单无法读取。", "The form could not be read."));
		return -1;
	}
	return 0;
}

/* Sets q's csrf from the form's (a malformed one is sent as none). */
static void
form_csrf(json_t *q, struct tc_webform *form)
{
	const char *csrf = tc_webform_get(form, "csrf", NULL);

	if (q != NULL && csrf != NULL && tc_orpc_token_ok(csrf))
		json_object_set_new(q, "csrf", json_string(csrf));
}

/* ---- static files ---- */

void
web_portal_css(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	(void)d;
	rq->ep = WEB_EP_PORTAL;
	resp->ctype = "text/css; charset=utf-8";
	resp->cache = "max-age=3600";
	resp->fixed = portal_css;
	resp->fixedlen = sizeof(portal_css) - 1;
}

void
web_portal_js(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	(void)d;
	rq->ep = WEB_EP_PORTAL;
	resp->ctype = "text/javascript; charset=utf-8";
	resp->cache = "max-age=3600";
	resp->fixed = portal_js;
	resp->fixedlen = sizeof(portal_js) - 1;
}

/* ---- sign-in, registration, sign-out ---- */

/* An input of a sign-in or registration form. */
static int
account_input(struct page *pg, const char *id, const char *type,
    const char *label, const char *value, const char *more)
{
	int bad = 0;

	bad |= put(pg, "<label for=\"");
	bad |= put(pg, id);
	bad |= put(pg, "\">");
	bad |= put(pg, label);
	bad |= put(pg, "</label><input type=\"");
	bad |= put(pg, type);
	bad |= put(pg, "\" id=\"");
	bad |= put(pg, id);
	bad |= put(pg, "\" name=\"");
	bad |= put(pg, id);
	bad |= put(pg, "\" ");
	bad |= put(pg, more);
	if (value != NULL) {
		bad |= put(pg, " value=\"");
		bad |= esc(pg, value);
		bad |= put(pg, "\"");
	}
	return bad | put(pg, ">\n");
}

/*
 * The POSTed form of a sign-in or registration (no session, so no CSRF
 * token: a cross-site post is refused instead), its login and password
 * (NULL when missing). -1 with the page made (403, 400).
 */
static int
account_form(struct page *pg, struct tc_webform *form, const char **login,
    const char **pass)
{
	if (!web_same_origin(pg->rq)) {
		problem(pg, 403, L("拒绝", "Refused"),
		    "a request from another site's page is refused (Origin or Sec-Fetch-Site)");
		return -1;
	}
	if (post_form(pg, form) != 0)
		return -1;
	*login = tc_webform_get(form, "login", NULL);
	*pass = tc_webform_get(form, "password", NULL);
	return 0;
}

static void
login_page(struct page *pg, unsigned status, const char *msg)
{
	int bad;

	page_status(pg, status, status == 200 ? WEB_R_OK : WEB_R_UNAUTHORIZED);
	bad = head(pg, L("登录", "Sign in"));
	bad |= flash(pg);
	bad |= page_error(pg, msg);
	bad |= put(pg, "<form method=\"post\" action=\"/portal/login\">\n");
	bad |= account_input(pg, "login", "text",
	    L("手机号码或电子邮箱", "Mobile number or e-mail"), NULL,
	    "autocomplete=\"username\" autocapitalize=\"none\" required");
	bad |= account_input(pg, "password", "password", L("密码", "Password"),
	    NULL, "autocomplete=\"current-password\" required");
	bad |= put(pg, "<button id=\"signin\">");
	bad |= put(pg, L("登录", "Sign in"));
	bad |= put(pg,
	    "</button>\n</form>\n<p><a id=\"register\" href=\"/portal/register\">");
	bad |= put(pg, L("没有账号？注册", "No account? Register"));
	bad |= put(pg, "</a></p>\n");
	page_finish(pg, bad);
}

/* GET: the sign-in form; POST: portal-login, the cookie, to my matters. */
void
web_portal_login(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	const char *login, *pass;

	if (web_sign_in_throttled(d, rq, resp, 1))
		return;
	portal_begin(pg, rq, resp);
	tc_webform_init(&form);
	if (!rq->method_post) {
		login_page(pg, 200, NULL);
		goto out;
	}
	if (account_form(pg, &form, &login, &pass) != 0)
		goto out;
	if (login == NULL || pass == NULL ||
	    strlen(login) > TC_ORPC_LOGIN_MAX ||
	    strlen(pass) > TC_ORPC_PASS_MAX) {
		login_page(pg, 400,
		    L("请填写账号和密码。",
			"Give the login and the password."));
		goto out;
	}
	memset(&an, 0, sizeof(an));
	if (web_call(tc_daemon_app(d),
		json_pack("{s:s, s:{s:s, s:s}}", "op", "portal-login", "args",
		    "login", login, "password", pass),
		&an, resp) != 0)
		goto out;
	if (an.status == 200 && an.session != NULL &&
	    tc_orpc_token_ok(an.session)) {
		page_session_cookie(pg, an.session);
		page_redirect(pg, "/portal/");
	} else if (an.status == 401 || an.status == 400) {
		/* The same words whatever was wrong. */
		login_page(pg, 401,
		    L("登录失败：账号或密码有误，或账号已被暂时锁定。",
			"Sign-in failed: the login or password is wrong, or the account is locked for a while."));
	} else {
		page_rpc_problem(pg, &an, "/portal/login");
	}
	web_answer_free(&an);
out:
	tc_webform_release(&form);
	page_end(pg);
}

static void
register_page(
    struct page *pg, unsigned status, const char *msg, struct tc_webform *form)
{
	int bad;

	page_status(pg, status, status == 200 ? WEB_R_OK : page_result(status));
	bad = head(pg, L("注册账号", "Register"));
	bad |= page_error(pg, msg);
	bad |= put(pg, "<form method=\"post\" action=\"/portal/register\">\n");
	bad |= account_input(pg, "login", "text",
	    L("手机号码或电子邮箱", "Mobile number or e-mail"),
	    form != NULL ? tc_webform_get(form, "login", NULL) : NULL,
	    "autocomplete=\"username\" autocapitalize=\"none\" required");
	bad |= account_input(pg, "name", "text", L("姓名", "Name"),
	    form != NULL ? tc_webform_get(form, "name", NULL) : NULL,
	    "autocomplete=\"name\" maxlength=\"64\"");
	bad |= account_input(pg, "password", "password",
	    L("密码（至少12个字符）", "Password (at least 12 characters)"),
	    NULL, "autocomplete=\"new-password\" minlength=\"12\" required");
	bad |= put(pg, "<button id=\"register-send\">");
	bad |= put(pg, L("注册", "Register"));
	bad |= put(pg, "</button>\n</form>\n");
	page_finish(pg, bad);
}

/* GET: the registration form; POST: portal-register, to the sign-in. */
void
web_portal_register(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	const char *login, *pass, *name;
	json_t *args;

	if (web_sign_in_throttled(d, rq, resp, 1))
		return;
	portal_begin(pg, rq, resp);
	tc_webform_init(&form);
	if (!rq->method_post) {
		register_page(pg, 200, NULL, NULL);
		goto out;
	}
	if (account_form(pg, &form, &login, &pass) != 0)
		goto out;
	name = tc_webform_get(&form, "name", NULL);
	if (login == NULL || pass == NULL) {
		register_page(pg, 400,
		    L("请填写账号和密码。", "Give the login and the password."),
		    &form);
		goto out;
	}
	args = json_pack("{s:s, s:s, s:s}", "login", login, "password", pass,
	    "language", pg->en ? "en" : "zh");
	if (args != NULL && name != NULL && name[0] != '\0')
		json_object_set_new(args, "name", json_string(name));
	memset(&an, 0, sizeof(an));
	if (args == NULL) {
		oom(pg);
		goto out;
	}
	if (web_call(tc_daemon_app(d),
		json_pack("{s:s, s:o}", "op", "portal-register", "args", args),
		&an, resp) != 0)
		goto out;
	if (an.status == 200)
		page_redirect(pg, "/portal/login?done=registered");
	else if (an.status == 400 || an.status == 409)
		register_page(pg, an.status, an.message, &form);
	else
		page_rpc_problem(pg, &an, "/portal/register");
	web_answer_free(&an);
out:
	tc_webform_release(&form);
	page_end(pg);
}

void
web_portal_logout(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;

	(void)d;
	portal_begin(pg, rq, resp);
	page_logout(pg, "portal-logout");
	page_end(pg);
}

/* ---- my matters ---- */

/* The reason of the last return in an application's actions, or NULL. */
static const char *
return_reason(json_t *app)
{
	const char *r = NULL;
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(app, "actions"), i, a)
	{
		if (is(a, "action", "return"))
			r = jstr(a, "reason");
	}
	return r;
}

/* The programme's name from the list of programmes, else its id. */
static const char *
programme_name(struct page *pg, json_t *progs, const char *id)
{
	json_t *p = find_id(progs, id);

	return p != NULL ? text_of(pg, json_object_get(p, "names")) : id;
}

/* One matter: its link, programme and state; the step or the reason. */
static int
matter(struct page *pg, json_t *a, json_t *progs)
{
	struct web_answer an;
	const char *box = jstr(a, "box"), *v;
	char num[32];
	int bad = 0;

	snprintf(num, sizeof(num), "%lld",
	    (long long)json_integer_value(json_object_get(a, "id")));
	bad |= put(pg, "<li><a href=\"/portal/applications/");
	bad |= put(pg, num);
	bad |= put(pg, "\">");
	bad |= put(pg, L("申请 ", "Application "));
	bad |= put(pg, num);
	bad |= put(pg, "</a> · ");
	bad |= esc(pg, programme_name(pg, progs, jstr(a, "programme")));
	bad |= put(pg, " · ");
	bad |= esc(pg, page_state(pg, jstr(a, "state"), 1));
	if ((v = jstr(a, "step_name")) != NULL &&
	    strcmp(box, "in-progress") == 0) {
		bad |= put(pg, "<br><span class=\"muted\">");
		bad |= put(pg, L("当前环节：", "Step: "));
		bad |= esc(pg, v);
		if ((v = jstr(a, "deadline")) != NULL) {
			bad |= put(pg, L("，办理时限 ", ", due "));
			bad |= esc(pg, v);
		}
		bad |= put(pg, "</span>");
	}
	if (strcmp(box, "to-do") == 0) {
		/*
		 * The reason is on the application's page: one call each,
		 * whose failure (the monitor gone) leaves this page as it is.
		 */
		struct tc_dresp scratch;
		json_t *q = req_new(pg, "portal-app",
		    json_integer_value(json_object_get(a, "id")));

		memset(&scratch, 0, sizeof(scratch));
		tc_buf_init(&scratch.body, 0);
		memset(&an, 0, sizeof(an));
		if (q != NULL &&
		    web_call(tc_daemon_app(pg->rq->d), q, &an, &scratch) == 0 &&
		    an.status == 200 && return_reason(an.body) != NULL) {
			bad |= put(pg, "<br><span class=\"reason\">");
			bad |= put(pg, L("退回原因：", "Returned: "));
			bad |= esc(pg, return_reason(an.body));
			bad |= put(pg, "</span>");
		}
		web_answer_free(&an);
		tc_buf_release(&scratch.body);
	}
	return bad | put(pg, "</li>\n");
}

static int
boxes(struct page *pg, json_t *items, json_t *progs)
{
	static const struct page_word b[] = {
		{ "drafts", "草稿箱", "Drafts" },
		{ "to-do", "待办中", "To do" },
		{ "in-progress", "办理中", "In progress" },
		{ "completed", "办结", "Completed" },
	};
	json_t *a;
	size_t i, k;
	int bad = 0, any;

	bad |= put(pg, "<div class=\"boxes\">\n");
	for (k = 0; k < sizeof(b) / sizeof(b[0]); k++) {
		bad |= put(pg, "<section class=\"box\" id=\"box-");
		bad |= put(pg, b[k].word);
		bad |= put(pg, "\"><h2>");
		bad |= put(pg, L(b[k].zh, b[k].en));
		bad |= put(pg, "</h2>\n<ul>\n");
		any = 0;
		json_array_foreach(items, i, a)
		{
			if (!is(a, "box", b[k].word))
				continue;
			bad |= matter(pg, a, progs);
			any = 1;
		}
		bad |= put(pg, "</ul>\n");
		if (!any) {
			bad |= put(pg, "<p class=\"muted\">");
			bad |= put(pg, L("暂无", "None"));
			bad |= put(pg, "</p>\n");
		}
		bad |= put(pg, "</section>\n");
	}
	return bad | put(pg, "</div>\n");
}

static int
programme_links(struct page *pg, json_t *progs)
{
	json_t *p;
	size_t i;
	int bad = 0;

	bad |= put(pg, "<h2>");
	bad |= put(pg, L("我要申请", "Apply"));
	bad |= put(pg, "</h2>\n<ul id=\"programmes\">\n");
	json_array_foreach(progs, i, p)
	{
		bad |= put(pg, "<li>");
		bad |= esc(pg, text_of(pg, json_object_get(p, "names")));
		bad |= put(pg, "<br><a href=\"/portal/programmes/");
		bad |= esc(pg, jstr(p, "id"));
		bad |= put(pg, "\">");
		bad |= put(pg, L("信息自查", "Self-check"));
		bad |= put(pg, "</a> · <a id=\"new-");
		bad |= esc(pg, jstr(p, "id"));
		bad |= put(pg, "\" href=\"/portal/apply/");
		bad |= esc(pg, jstr(p, "id"));
		bad |= put(pg, "\">");
		bad |= put(pg, L("新的申请", "New application"));
		bad |= put(pg, "</a></li>\n");
	}
	return bad | put(pg, "</ul>\n");
}

/* GET /portal/: my matters in four boxes; other /portal/ paths: 404. */
void
web_portal_home(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer who, apps, info;
	const char *t = rq->tail;
	int bad;

	(void)d;
	portal_begin(pg, rq, resp);
	memset(&apps, 0, sizeof(apps));
	memset(&info, 0, sizeof(info));
	memset(&who, 0, sizeof(who));
	if (t == NULL || strcmp(rq->path, "/portal") == 0) {
		page_redirect(pg, "/portal/");
		goto out;
	}
	if (t[0] != '\0') {
		not_found(pg);
		goto out;
	}
	if (whoami(pg, &who) != 0 ||
	    call(pg, req_new(pg, "portal-apps", 0), &apps, NULL) != 0 ||
	    programme_info(pg, NULL, &info) != 0)
		goto out;
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, L("我的事项", "My matters"));
	bad |= flash(pg);
	bad |= boxes(pg, json_object_get(apps.body, "items"),
	    json_object_get(info.body, "programmes"));
	bad |= programme_links(pg, json_object_get(info.body, "programmes"));
	page_finish(pg, bad);
out:
	web_answer_free(&info);
	web_answer_free(&apps);
	web_answer_free(&who);
	page_end(pg);
}

/* ---- the programme's self-check ---- */

static int
clause_list(struct page *pg, json_t *clauses)
{
	json_t *c;
	size_t i;
	int bad = 0;

	if (json_array_size(clauses) == 0) {
		bad |= put(pg, "<p class=\"muted\">");
		bad |= put(pg,
		    L("本类别的条款在政策文件中未全部列明，由审核认定。",
			"The source does not list every clause of this tier: the review decides."));
		return bad | put(pg, "</p>\n");
	}
	bad |= put(pg, "<ul>\n");
	json_array_foreach(clauses, i, c)
	{
		bad |= put(pg, "<li>");
		bad |= esc(pg, text_of(pg, json_object_get(c, "text")));
		if (text_of(pg, json_object_get(c, "proof")) != NULL) {
			bad |= put(pg, "<br><span class=\"muted\">");
			bad |= put(pg, L("证明材料：", "Proof: "));
			bad |=
			    esc(pg, text_of(pg, json_object_get(c, "proof")));
			bad |= put(pg, "</span>");
		}
		bad |= put(pg, "</li>\n");
	}
	return bad | put(pg, "</ul>\n");
}

/* The names of ids in arr (an id list) found in choices, joined. */
static int
id_names(struct page *pg, json_t *ids, json_t *choices, const char *none)
{
	json_t *v;
	size_t i;
	int bad = 0;

	if (json_array_size(ids) == 0)
		return put(pg, none);
	json_array_foreach(ids, i, v)
	{
		json_t *c = find_id(choices, json_string_value(v));

		if (i > 0)
			bad |= put(pg, L("、", ", "));
		bad |= esc(pg,
		    c != NULL ? text_of(pg, json_object_get(c, "names"))
			      : json_string_value(v));
	}
	return bad;
}

static int
materials_table(struct page *pg, json_t *info)
{
	json_t *m;
	size_t i;
	int bad = 0;

	bad |= put(pg,
	    "<div class=\"scroll\"><table id=\"materials\">\n<thead><tr><th>");
	bad |= put(pg, L("材料", "Material"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("是否必传", "Required"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("适用", "Applies to"));
	bad |= put(pg, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(info, "materials"), i, m)
	{
		bad |= put(pg, "<tr><td>");
		bad |= esc(pg, text_of(pg, json_object_get(m, "names")));
		bad |= put(pg, "</td><td>");
		bad |= put(pg,
		    json_is_true(json_object_get(m, "required"))
			? L("是", "yes")
			: L("否", "no"));
		bad |= put(pg, "</td><td>");
		bad |= id_names(pg, json_object_get(m, "work_types"),
		    json_object_get(info, "work_types"),
		    L("所有申请人", "every applicant"));
		if (json_array_size(json_object_get(m, "tiers")) > 0) {
			bad |= put(pg, " · ");
			bad |= id_names(pg, json_object_get(m, "tiers"),
			    json_object_get(info, "tiers"), "");
		}
		bad |= put(pg, "</td></tr>\n");
	}
	return bad | put(pg, "</tbody>\n</table></div>\n");
}

static int
steps_list(struct page *pg, json_t *steps, json_t *done, const char *now)
{
	json_t *s, *d;
	size_t i, k;
	int bad = 0, finished;

	bad |= put(pg, "<ol class=\"steps\" id=\"steps\">\n");
	json_array_foreach(steps, i, s)
	{
		finished = 0;
		json_array_foreach(done, k, d)
		{
			if (is(d, "id", jstr(s, "id")) &&
			    jstr(d, "done") != NULL)
				finished = 1;
		}
		bad |= put(pg,
		    finished		   ? "<li class=\"done\">"
			: is(s, "id", now) ? "<li class=\"now\">"
					   : "<li>");
		bad |= esc(pg, text_of(pg, json_object_get(s, "names")));
		if (finished)
			bad |= put(pg, L("（已完成）", " (done)"));
		bad |= put(pg, "</li>\n");
	}
	return bad | put(pg, "</ol>\n");
}

/*
 * The unit search (is my employer a reviewing unit?): a GET form of
 * ?unit=, and what it found when asked.
 */
static int
unit_search(struct page *pg, const char *id, json_t *units)
{
	const char *q = page_query(pg, "unit");
	json_t *u;
	size_t i;
	int bad = 0;

	bad |= put(pg, "<h2 id=\"unit-search\">");
	bad |= put(pg, L("审核单位查询", "Is my employer a reviewing unit?"));
	bad |=
	    put(pg, "</h2>\n<form method=\"get\" action=\"/portal/programmes/");
	bad |= esc(pg, id);
	bad |= put(pg, "#unit-search\" role=\"search\"><label for=\"unit\">");
	bad |= put(pg,
	    L("单位名称或统一社会信用代码",
		"The employer's name or credit code"));
	bad |= put(pg,
	    "</label><input type=\"search\" id=\"unit\" name=\"unit\" maxlength=\"120\"");
	if (q != NULL) {
		bad |= put(pg, " value=\"");
		bad |= esc(pg, q);
		bad |= put(pg, "\"");
	}
	bad |= put(pg, "> <button id=\"unit-find\">");
	bad |= put(pg, L("查询", "Search"));
	bad |= put(pg, "</button></form>\n");
	if (q == NULL || q[0] == '\0')
		return bad;
	if (json_array_size(units) == 0) {
		bad |= put(pg, "<p id=\"units\" class=\"muted\">");
		bad |= put(pg,
		    L("未找到：该单位尚未登记为审核单位，请联系单位人事部门。",
			"Not found: the employer is not registered as a reviewing unit; ask its HR department."));
		return bad | put(pg, "</p>\n");
	}
	bad |= put(pg, "<ul id=\"units\">\n");
	json_array_foreach(units, i, u)
	{
		bad |= put(pg, "<li>");
		bad |= esc(pg, jstr(u, "name"));
		bad |= put(pg, " <span class=\"muted\">");
		bad |= esc(pg, jstr(u, "code"));
		bad |= put(pg, "</span></li>\n");
	}
	return bad | put(pg, "</ul>\n");
}

/* GET /portal/programmes/{id}: the information self-check. */
void
web_portal_programme(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer who, info;
	const char *id = tc_dreq_param(rq, "id");
	json_t *t, *first = NULL;
	size_t i;
	int bad;

	(void)d;
	portal_begin(pg, rq, resp);
	memset(&who, 0, sizeof(who));
	memset(&info, 0, sizeof(info));
	if (whoami(pg, &who) != 0 || programme_info(pg, id, &info) != 0)
		goto out;
	page_status(pg, 200, WEB_R_OK);
	bad = head(pg, text_of(pg, json_object_get(info.body, "names")));
	bad |= put(pg, "<p class=\"muted\">");
	bad |= esc(pg, text_of(pg, json_object_get(info.body, "authority")));
	bad |= put(pg, "</p>\n<h2>");
	bad |= put(pg, L("类别与申请条件", "Tiers and clauses"));
	bad |= put(pg, "</h2>\n");
	json_array_foreach(json_object_get(info.body, "tiers"), i, t)
	{
		if (!is(t, "kind", "main"))
			continue;
		if (first == NULL)
			first = t;
		bad |= put(pg, "<section class=\"card\"><h3>");
		bad |= esc(pg, text_of(pg, json_object_get(t, "names")));
		bad |= put(pg, "</h3>\n");
		bad |= clause_list(pg, json_object_get(t, "clauses"));
		bad |= put(pg, "</section>\n");
	}
	json_array_foreach(json_object_get(info.body, "routes"), i, t)
	{
		bad |= put(pg, "<section class=\"card\"><h3>");
		bad |= esc(pg, text_of(pg, json_object_get(t, "names")));
		bad |= put(pg, "</h3>\n");
		bad |= clause_list(pg, json_object_get(t, "clauses"));
		bad |= put(pg, "</section>\n");
	}
	bad |= put(pg, "<h2>");
	bad |= put(pg, L("办理流程", "The process"));
	bad |= put(pg, "</h2>\n");
	bad |= steps_list(pg, json_object_get(first, "steps"), NULL, NULL);
	bad |= put(pg, "<h2>");
	bad |= put(pg, L("申请材料", "Materials"));
	bad |= put(pg, "</h2>\n");
	bad |= materials_table(pg, info.body);
	t = json_object_get(info.body, "pledge");
	if (json_is_true(json_object_get(t, "required"))) {
		bad |= put(pg, "<h2>");
		bad |= put(pg, L("诚信承诺", "Integrity pledge"));
		bad |=
		    put(pg, "</h2>\n<div class=\"pledge\" id=\"pledge-text\">");
		bad |= esc(pg, text_of(pg, json_object_get(t, "text")));
		bad |= put(pg, "</div>\n");
	}
	bad |= unit_search(pg, id, json_object_get(info.body, "units"));
	bad |= put(pg, "<p><a id=\"apply\" href=\"/portal/apply/");
	bad |= esc(pg, id);
	bad |= put(pg, "\">");
	bad |= put(pg, L("开始申请", "Start an application"));
	bad |= put(pg, "</a></p>\n");
	page_finish(pg, bad);
out:
	web_answer_free(&info);
	web_answer_free(&who);
	page_end(pg);
}

/* ---- form fields ---- */

/*
 * The input of field f (from portal-info) named name with element id id
 * and value v (NULL: empty). Choices the programme lists (the ID and work
 * types, the clause) are selects; other choices are typed.
 */
static int
field_input(struct page *pg, json_t *info, json_t *f, const char *name,
    const char *id, const char *v)
{
	const char *type = jstr(f, "type"), *fid = jstr(f, "id");
	json_t *opts = NULL, *o;
	long long max = json_integer_value(json_object_get(f, "max_chars"));
	char n[32];
	size_t i;
	int bad = 0;

	if (type == NULL || fid == NULL)
		return 0;
	bad |= put(pg, "<label for=\"");
	bad |= esc(pg, id);
	bad |= put(pg, "\">");
	bad |= esc(pg, text_of(pg, json_object_get(f, "names")));
	if (json_is_true(json_object_get(f, "required")))
		bad |= put(pg, " *");
	bad |= put(pg, "</label>");
	if (strcmp(type, "choice") == 0)
		opts = json_object_get(info,
		    strcmp(fid, "id-type") == 0		? "id_types"
			: strcmp(fid, "work-type") == 0 ? "work_types"
							: "");
	if (opts != NULL) {
		bad |= put(pg, "<select id=\"");
		bad |= esc(pg, id);
		bad |= put(pg, "\" name=\"");
		bad |= esc(pg, name);
		bad |= put(pg, "\"><option value=\"\"></option>");
		json_array_foreach(opts, i, o)
		{
			bad |= put(pg, "<option value=\"");
			bad |= esc(pg, jstr(o, "id"));
			bad |= put(pg, is(o, "id", v) ? "\" selected>" : "\">");
			bad |=
			    esc(pg, text_of(pg, json_object_get(o, "names")));
			bad |= put(pg, "</option>");
		}
		return bad | put(pg, "</select>\n");
	}
	snprintf(n, sizeof(n), "%lld", max);
	if (strcmp(type, "long-text") == 0) {
		bad |= put(pg, "<textarea id=\"");
		bad |= esc(pg, id);
		bad |= put(pg, "\" name=\"");
		bad |= esc(pg, name);
		bad |= put(pg, "\" rows=\"8\"");
		if (max > 0) {
			bad |= put(pg, " maxlength=\"");
			bad |= put(pg, n);
			bad |= put(pg, "\"");
		}
		bad |= put(pg, ">");
		bad |= esc(pg, v);
		bad |= put(pg, "</textarea>");
		if (max > 0) {
			bad |= put(pg, "<span class=\"count\" id=\"");
			bad |= esc(pg, id);
			bad |= put(pg, "-count\" aria-live=\"polite\"></span>");
		}
		return bad | put(pg, "\n");
	}
	bad |= put(pg, "<input type=\"");
	bad |= put(pg,
	    strcmp(type, "phone") == 0	     ? "tel"
		: strcmp(type, "email") == 0 ? "email"
					     : "text");
	bad |= put(pg, "\" id=\"");
	bad |= esc(pg, id);
	bad |= put(pg, "\" name=\"");
	bad |= esc(pg, name);
	bad |= put(pg, "\"");
	if (strcmp(type, "date") == 0)
		bad |= put(pg, " placeholder=\"YYYY-MM-DD\" maxlength=\"10\"");
	else if (max > 0) {
		bad |= put(pg, " maxlength=\"");
		bad |= put(pg, n);
		bad |= put(pg, "\"");
	}
	if (v != NULL) {
		bad |= put(pg, " value=\"");
		bad |= esc(pg, v);
		bad |= put(pg, "\"");
	}
	return bad | put(pg, ">\n");
}

/* 1 when the applicant types field f (not a photo, not derived). */
static int
typed_field(json_t *f)
{
	const char *type = jstr(f, "type");

	return type != NULL && strcmp(type, "photo") != 0 &&
	    jstr(f, "derived_from") == NULL;
}

/* A value as text: strings as they are, numbers written. */
static const char *
value_text(json_t *v, char buf[32])
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, 32, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return NULL;
}

/* ---- /portal/apply/{programme}: the first step ---- */

static int
clause_select(struct page *pg, json_t *info, const char *v)
{
	const char *lists[] = { "tiers", "routes" };
	json_t *t, *c;
	size_t i, k, li;
	int bad = 0;

	bad |= put(pg, "<label for=\"clause\">");
	bad |= put(pg, L("申请类别与条款 *", "Tier and clause *"));
	bad |= put(pg,
	    "</label><select id=\"clause\" name=\"clause\" required>"
	    "<option value=\"\"></option>\n");
	for (li = 0; li < 2; li++)
		json_array_foreach(json_object_get(info, lists[li]), i, t)
		{
			if (json_array_size(json_object_get(t, "clauses")) == 0)
				continue;
			bad |= put(pg, "<optgroup label=\"");
			bad |=
			    esc(pg, text_of(pg, json_object_get(t, "names")));
			bad |= put(pg, "\">\n");
			json_array_foreach(json_object_get(t, "clauses"), k, c)
			{
				bad |= put(pg, "<option value=\"");
				bad |= esc(pg, jstr(c, "id"));
				bad |= put(pg,
				    is(c, "id", v) ? "\" selected>" : "\">");
				bad |= esc(pg, jstr(c, "id"));
				bad |= put(pg, " ");
				bad |= esc(pg,
				    text_of(pg, json_object_get(c, "text")));
				bad |= put(pg, "</option>\n");
			}
			bad |= put(pg, "</optgroup>\n");
		}
	return bad | put(pg, "</select>\n");
}

/*
 * A field of the basic section that an identity's account does not fill
 * in (003: "从身份认证登录获取且不可修改"): the name, the ID type and the
 * number (masked) shown read-only, without a name, so the form does not
 * send them and the monitor takes the identity's. 0 or 1 (bad) when
 * shown, -1 when f is not such a field.
 */
static int
identity_input(struct page *pg, json_t *f, const char *id)
{
	const char *fid = jstr(f, "id"), *v;

	if (pg->idoc == NULL || fid == NULL)
		return -1;
	if (strcmp(fid, "name") == 0)
		v = pg->who;
	else if (strcmp(fid, "id-type") == 0)
		v = jstr(pg->idoc, "type");
	else if (strcmp(fid, "id-number") == 0)
		v = jstr(pg->idoc, "masked");
	else
		return -1;
	return page_fmt(pg,
	    "<label for=\"%s\">%s</label><input type=\"text\" readonly id=\"%s\" value=\"%s\"><p class=\"muted\">%s</p>\n",
	    id, text_of(pg, json_object_get(f, "names")), id, v,
	    L("来自身份认证，不可修改",
		"From your identity; it cannot be changed"));
}

static void
apply_page(struct page *pg, unsigned status, json_t *info, const char *prog,
    struct tc_webform *form, const char *msg)
{
	json_t *basic = find_id(json_object_get(info, "sections"), "basic"), *f;
	char id[96], name[96];
	const char *v;
	size_t i;
	int bad, k;

	page_status(pg, status, status == 200 ? WEB_R_OK : page_result(status));
	bad = head(pg, L("新的申请", "New application"));
	bad |= put(pg, "<p class=\"muted\">");
	bad |= esc(pg, text_of(pg, json_object_get(info, "names")));
	bad |= put(pg, "</p>\n");
	bad |= page_error(pg, msg);
	bad |= put(pg, "<form method=\"post\" action=\"/portal/apply/");
	bad |= esc(pg, prog);
	bad |= put(pg, "\">\n");
	bad |= csrf_field(pg);
	bad |= put(pg, "<fieldset><legend>");
	bad |= put(pg, L("申请类别", "Category"));
	bad |= put(pg, "</legend>\n");
	bad |= clause_select(pg, info,
	    form != NULL ? tc_webform_get(form, "clause", NULL) : NULL);
	bad |= put(pg, "</fieldset>\n<fieldset><legend>");
	bad |= esc(pg,
	    basic != NULL ? text_of(pg, json_object_get(basic, "names"))
			  : L("基本信息", "Basic information"));
	bad |= put(pg, "</legend>\n");
	json_array_foreach(json_object_get(basic, "fields"), i, f)
	{
		if (!typed_field(f))
			continue;
		snprintf(name, sizeof(name), "%s", jstr(f, "id"));
		snprintf(id, sizeof(id), "basic-%s", jstr(f, "id"));
		v = form != NULL ? tc_webform_get(form, name, NULL) : NULL;
		if (v == NULL && strcmp(name, "name") == 0)
			v = pg->who;
		if ((k = identity_input(pg, f, id)) >= 0)
			bad |= k;
		else
			bad |= field_input(pg, info, f, name, id, v);
	}
	bad |= put(pg, "<label for=\"employer-code\">");
	bad |= put(pg,
	    L("单位统一社会信用代码", "Employer's unified social credit code"));
	bad |= put(pg,
	    "</label><input type=\"text\" id=\"employer-code\" name=\"employer_code\" maxlength=\"18\" autocapitalize=\"characters\"");
	if (form != NULL &&
	    (v = tc_webform_get(form, "employer_code", NULL)) != NULL) {
		bad |= put(pg, " value=\"");
		bad |= esc(pg, v);
		bad |= put(pg, "\"");
	}
	bad |= put(pg, ">\n</fieldset>\n<button id=\"create\">");
	bad |= put(pg, L("保存草稿，下一步", "Keep the draft: next"));
	bad |= put(pg, "</button>\n</form>\n");
	page_finish(pg, bad);
}

/* The application file of the first step's form. NULL: no memory. */
static json_t *
apply_file(json_t *info, const char *prog, struct tc_webform *form)
{
	json_t *basic = find_id(json_object_get(info, "sections"), "basic"), *f;
	json_t *vals = json_object(), *o;
	const char *v;
	size_t i;

	json_array_foreach(json_object_get(basic, "fields"), i, f)
	{
		if (!typed_field(f) ||
		    (v = tc_webform_get(form, jstr(f, "id"), NULL)) == NULL ||
		    v[0] == '\0')
			continue;
		json_object_set_new(vals, jstr(f, "id"), json_string(v));
	}
	v = tc_webform_get(form, "clause", NULL);
	o = json_pack("{s:s, s:s, s:{s:{s:s}, s:o}}", "format",
	    "talentcard-application/1", "programme", prog, "sections",
	    "category", "clause", v != NULL ? v : "", "basic", vals);
	v = tc_webform_get(form, "employer_code", NULL);
	if (o != NULL && v != NULL && v[0] != '\0')
		json_object_set_new(
		    o, "employer", json_pack("{s:s}", "code", v));
	return o;
}

/*
 * GET /portal/apply/{programme}: the category and the basic information;
 * POST: portal-create, then the new application's page.
 */
void
web_portal_apply(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer who, info, an;
	const char *prog = tc_dreq_param(rq, "programme");
	struct tc_webform form;
	char loc[96];
	json_t *q;

	(void)d;
	portal_begin(pg, rq, resp);
	tc_webform_init(&form);
	memset(&info, 0, sizeof(info));
	memset(&an, 0, sizeof(an));
	if (whoami(pg, &who) != 0 || programme_info(pg, prog, &info) != 0)
		goto out;
	if (!rq->method_post) {
		apply_page(pg, 200, info.body, prog, NULL, NULL);
		goto out;
	}
	if (post_form(pg, &form) != 0)
		goto out;
	q = req_new(pg, "portal-create", 0);
	form_csrf(q, &form);
	if (q != NULL)
		json_object_set_new(
		    q, "args", apply_file(info.body, prog, &form));
	if (q == NULL || web_call(tc_daemon_app(d), q, &an, resp) != 0)
		goto out;
	if (an.status == 200) {
		snprintf(loc, sizeof(loc),
		    "/portal/applications/%lld?done=created",
		    (long long)json_integer_value(
			json_object_get(an.body, "id")));
		page_redirect(pg, loc);
	} else if (an.status == 400 || an.status == 409) {
		apply_page(pg, an.status, info.body, prog, &form, an.message);
	} else {
		page_rpc_problem(pg, &an, NULL);
	}
out:
	web_answer_free(&an);
	web_answer_free(&info);
	web_answer_free(&who);
	tc_webform_release(&form);
	page_end(pg);
}

/* ---- /portal/applications/{n}: the overview ---- */

/* The application's page's path, with tail. */
static void
app_path(char *out, size_t len, int64_t n, const char *tail)
{
	snprintf(out, len, "/portal/applications/%lld%s", (long long)n, tail);
}

/* 1 when the applicant may still change the application. */
static int
editable(json_t *app)
{
	const char *s = jstr(app, "state");

	return s != NULL &&
	    (strcmp(s, "draft") == 0 || strcmp(s, "returned") == 0);
}

/* The values of one entry of a section as a list. */
static int
entry_values(struct page *pg, json_t *sec, json_t *vals)
{
	json_t *f;
	char buf[32];
	size_t i;
	int bad = 0;

	bad |= put(pg, "<dl>\n");
	json_array_foreach(json_object_get(sec, "fields"), i, f)
	{
		const char *v =
		    value_text(json_object_get(vals, jstr(f, "id")), buf);

		if (v == NULL || strcmp(jstr(f, "type"), "photo") == 0)
			continue;
		bad |= put(pg, "<dt>");
		bad |= esc(pg, text_of(pg, json_object_get(f, "names")));
		bad |= put(pg, "</dt><dd>");
		bad |= esc(pg, v);
		bad |= put(pg, "</dd>\n");
	}
	return bad | put(pg, "</dl>\n");
}

static int
sections_view(struct page *pg, json_t *app, json_t *info, const char *num)
{
	json_t *form = json_object_get(app, "form"), *sec, *vals, *e;
	const char *sid;
	size_t i, k;
	int bad = 0;

	json_array_foreach(json_object_get(info, "sections"), i, sec)
	{
		sid = jstr(sec, "id");
		vals = json_object_get(form, sid);
		bad |= put(pg, "<section class=\"card\" id=\"section-");
		bad |= esc(pg, sid);
		bad |= put(pg, "\"><h2>");
		bad |= esc(pg, text_of(pg, json_object_get(sec, "names")));
		bad |= put(pg, "</h2>\n");
		if (json_is_array(vals))
			json_array_foreach(vals, k, e)
			{
				bad |= entry_values(pg, sec, e);
			}
		else if (json_is_object(vals))
			bad |= entry_values(pg, sec, vals);
		else {
			bad |= put(pg, "<p class=\"muted\">");
			bad |= put(pg, L("尚未填写", "Not filled in yet"));
			bad |= put(pg, "</p>\n");
		}
		if (editable(app) && strcmp(sid, "category") != 0 &&
		    strcmp(sid, "reviewing-unit") != 0) {
			bad |= put(pg, "<p><a id=\"edit-");
			bad |= esc(pg, sid);
			bad |= put(pg, "\" href=\"/portal/applications/");
			bad |= put(pg, num);
			bad |= put(pg, "/sections/");
			bad |= esc(pg, sid);
			bad |= put(pg, "\">");
			bad |= put(pg, L("填写或修改", "Fill in or change"));
			bad |= put(pg, "</a></p>\n");
		}
		bad |= put(pg, "</section>\n");
	}
	return bad;
}

/* The attachment that stands for material id (or kind, for the photo). */
static json_t *
uploaded(json_t *app, const char *material, const char *kind)
{
	json_t *a, *found = NULL;
	size_t i;

	json_array_foreach(json_object_get(app, "attachments"), i, a)
	{
		if (is(a, "material", material) ||
		    (jstr(a, "material") == NULL && is(a, "kind", kind)))
			found = a;
	}
	return found;
}

/* One row of the materials table: the upload form when it may change. */
static int
material_row(struct page *pg, json_t *app, const char *num, const char *mid,
    const char *kind, const char *label, int required)
{
	json_t *a = uploaded(app, mid, kind);
	char att[32];
	int bad = 0;

	bad |= put(pg, "<tr id=\"mat-");
	bad |= esc(pg, mid != NULL ? mid : kind);
	bad |= put(pg, "\"><td><strong>");
	bad |= esc(pg, label);
	bad |= put(pg, "</strong>");
	bad |= put(pg, "</td><td data-label=\"");
	bad |= put(pg, L("是否必传", "Required"));
	bad |= put(pg, "\">");
	bad |= put(pg, required ? L("是", "yes") : L("否", "no"));
	bad |= put(pg, "</td><td class=\"up\" data-label=\"");
	bad |= put(pg, L("是否上传", "Uploaded"));
	bad |= put(pg, "\">");
	if (a != NULL) {
		snprintf(att, sizeof(att), "%lld",
		    (long long)json_integer_value(json_object_get(a, "id")));
		bad |= put(pg, "<a href=\"/v1/portal/applications/");
		bad |= put(pg, num);
		bad |= put(pg, "/attachments/");
		bad |= put(pg, att);
		bad |= put(pg, "\">");
		bad |= put(pg, L("已上传", "uploaded"));
		bad |= put(pg, "</a>");
	} else
		bad |= put(pg, L("未上传", "not yet"));
	bad |= put(pg, "</td><td>");
	if (editable(app)) {
		bad |= put(pg,
		    "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/portal/applications/");
		bad |= put(pg, num);
		bad |= put(pg, "/attachments\">\n");
		bad |= csrf_field(pg);
		bad |= put(pg,
		    mid != NULL
			? "<input type=\"hidden\" name=\"material\" value=\""
			: "<input type=\"hidden\" name=\"kind\" value=\"");
		bad |= esc(pg, mid != NULL ? mid : kind);
		bad |= put(pg,
		    "\"><input type=\"file\" name=\"document\" required id=\"file-");
		bad |= esc(pg, mid != NULL ? mid : kind);
		bad |= put(pg, "\" aria-label=\"");
		bad |= esc(pg, label);
		bad |= put(pg, "\"><button id=\"upload-");
		bad |= esc(pg, mid != NULL ? mid : kind);
		bad |= put(pg, "\">");
		bad |= put(pg,
		    a != NULL ? L("重新上传", "Upload again")
			      : L("上传", "Upload"));
		bad |= put(pg, "</button></form>");
	}
	return bad | put(pg, "</td></tr>\n");
}

/* 1 when material m applies to the application's work type. */
static int
material_applies(json_t *m, json_t *app)
{
	json_t *wt = json_object_get(m, "work_types"), *v;
	const char *w =
	    jstr(json_object_get(json_object_get(app, "form"), "basic"),
		"work-type");
	size_t i;

	if (json_array_size(wt) == 0 || w == NULL)
		return 1;
	json_array_foreach(wt, i, v)
	{
		if (strcmp(json_string_value(v), w) == 0)
			return 1;
	}
	return 0;
}

static int
materials_view(struct page *pg, json_t *app, json_t *info, const char *num)
{
	json_t *basic = find_id(json_object_get(info, "sections"), "basic");
	json_t *f, *m;
	size_t i;
	int bad = 0;

	bad |= put(pg, "<h2 id=\"materials\">");
	bad |= put(pg, L("上传材料", "Uploads"));
	bad |= put(pg,
	    "</h2>\n<div class=\"scroll\"><table class=\"mats\" id=\"mats\">\n<thead><tr><th>");
	bad |= put(pg, L("材料", "Material"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("是否必传", "Required"));
	bad |= put(pg, "</th><th>");
	bad |= put(pg, L("是否上传", "Uploaded"));
	bad |= put(pg, "</th><th></th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(basic, "fields"), i, f)
	{
		if (is(f, "type", "photo"))
			bad |= material_row(pg, app, num, NULL, "photo",
			    text_of(pg, json_object_get(f, "names")),
			    json_is_true(json_object_get(f, "required")));
	}
	json_array_foreach(json_object_get(info, "materials"), i, m)
	{
		if (!material_applies(m, app))
			continue;
		bad |= material_row(pg, app, num, jstr(m, "id"), NULL,
		    text_of(pg, json_object_get(m, "names")),
		    json_is_true(json_object_get(m, "required")));
	}
	return bad | put(pg, "</tbody>\n</table></div>\n");
}

/* The steps of the application's tier (or route). */
static json_t *
app_steps(json_t *app, json_t *info)
{
	json_t *t = find_id(json_object_get(info, "tiers"), jstr(app, "tier"));

	if (t == NULL)
		t = find_id(
		    json_object_get(info, "routes"), jstr(app, "route"));
	if (t == NULL)
		t = json_array_get(json_object_get(info, "tiers"), 0);
	return json_object_get(t, "steps");
}

static int
withdraw_form(struct page *pg, const char *num)
{
	int bad = 0;

	bad |= put(pg, "<h2>");
	bad |= put(pg, L("撤回申请", "Withdraw"));
	bad |= put(
	    pg, "</h2>\n<form method=\"post\" action=\"/portal/applications/");
	bad |= put(pg, num);
	bad |= put(pg, "/withdraw\">\n");
	bad |= csrf_field(pg);
	bad |= put(pg, "<label for=\"w-reason\">");
	bad |= put(pg, L("撤回原因", "Reason"));
	bad |= put(pg,
	    "</label><input type=\"text\" id=\"w-reason\" name=\"reason\" maxlength=\"512\">\n<button id=\"withdraw\">");
	bad |= put(pg, L("撤回", "Withdraw"));
	return bad | put(pg, "</button>\n</form>\n");
}

/* A card's status in the page's language. */
static const char *
card_status(struct page *pg, const char *status)
{
	static const char *const w[][3] = { { "issued", "有效", "valid" },
		{ "suspended", "已暂停", "suspended" },
		{ "revoked", "已注销", "revoked" },
		{ "expired", "已过期", "expired" } };
	size_t i;

	for (i = 0; status != NULL && i < sizeof(w) / sizeof(w[0]); i++)
		if (strcmp(status, w[i][0]) == 0)
			return w[i][pg->en ? 2 : 1];
	return status;
}

/* One link to the e-card (what: qr.png or phone.png). */
static int
ecard_link(struct page *pg, const char *num, const char *what, const char *id,
    const char *label)
{
	return page_fmt(pg,
	    "<li><a id=\"%s\" download href=\"/v1/portal/applications/%s/ecard/%s\">%s</a></li>\n",
	    id, num, what, label);
}

/*
 * The card the application made: its number, status and validity, and
 * once the office has signed it the e-card (its QR code shown, the QR
 * code and the phone image to download).
 */
static int
card_view(struct page *pg, json_t *app, const char *num)
{
	json_t *c = json_object_get(app, "card");
	int bad;

	if (!json_is_object(c))
		return 0;
	bad = page_fmt(pg,
	    "<h2>%s</h2>\n<dl id=\"card\">\n<dt>%s</dt><dd id=\"card-no\">%s</dd>\n"
	    "<dt>%s</dt><dd id=\"card-status\">%s</dd>\n<dt>%s</dt><dd>%s</dd>\n</dl>\n",
	    L("我的人才卡", "Your card"), L("卡号", "Card number"),
	    jstr(c, "card_no"), L("卡状态", "Status"),
	    card_status(pg, jstr(c, "status")), L("有效期至", "Valid to"),
	    jstr(c, "valid_to"));
	if (!json_is_true(json_object_get(c, "ecard")))
		return bad |
		    page_fmt(pg, "<p id=\"ecard-pending\">%s</p>\n",
			L("电子卡正在制作，签发后可在此下载。",
			    "The e-card is being prepared; once signed it can be downloaded here."));
	bad |= page_fmt(pg,
	    "<p><img id=\"ecard-qr-img\" class=\"qr\" width=\"260\" height=\"260\" alt=\"%s\" src=\"/v1/portal/applications/%s/ecard/qr.png\"></p>\n<ul id=\"ecard\">\n",
	    L("电子卡二维码", "The e-card's QR code"), num);
	bad |= ecard_link(pg, num, "phone.png", "ecard-phone",
	    L("下载电子卡（手机图片）", "Download the e-card (phone image)"));
	bad |= ecard_link(pg, num, "qr.png", "ecard-qr",
	    L("下载电子卡二维码", "Download the e-card's QR code"));
	return bad | put(pg, "</ul>\n");
}

static int
overview(struct page *pg, json_t *app, json_t *info, const char *num)
{
	const char *state = jstr(app, "state"), *v;
	json_t *steps = app_steps(app, info);
	int bad = 0;

	bad |= flash(pg);
	bad |= put(pg, "<dl id=\"status\">\n<dt>");
	bad |= put(pg, L("申请项目", "Programme"));
	bad |= put(pg, "</dt><dd>");
	bad |= esc(pg, text_of(pg, json_object_get(info, "names")));
	bad |= put(pg, "</dd>\n<dt>");
	bad |= put(pg, L("状态", "State"));
	bad |= put(pg, "</dt><dd id=\"state\">");
	bad |= esc(pg, page_state(pg, state, 1));
	bad |= put(pg, "</dd>\n");
	if ((v = jstr(app, "step_name")) != NULL) {
		bad |= put(pg, "<dt>");
		bad |= put(pg, L("当前环节", "Step"));
		bad |= put(pg, "</dt><dd>");
		bad |= esc(pg, v);
		if ((v = jstr(app, "deadline")) != NULL) {
			bad |= put(pg, L("，办理时限 ", ", due "));
			bad |= esc(pg, v);
		}
		bad |= put(pg, "</dd>\n");
	}
	bad |= put(pg, "</dl>\n");
	if (state != NULL && strcmp(state, "returned") == 0 &&
	    return_reason(app) != NULL) {
		bad |= put(pg, "<p class=\"error\" id=\"return-reason\">");
		bad |= put(pg, L("退回原因：", "Returned: "));
		bad |= esc(pg, return_reason(app));
		bad |= put(pg, "</p>\n");
	}
	bad |= card_view(pg, app, num);
	bad |= sections_view(pg, app, info, num);
	bad |= materials_view(pg, app, info, num);
	if (editable(app)) {
		bad |= put(
		    pg, "<p><a id=\"to-pledge\" href=\"/portal/applications/");
		bad |= put(pg, num);
		bad |= put(pg, "/pledge\">");
		bad |= put(pg, L("承诺并提交", "Pledge and submit"));
		bad |= put(pg, "</a></p>\n");
	}
	bad |= put(pg, "<h2>");
	bad |= put(pg, L("办理流程", "The process"));
	bad |= put(pg, "</h2>\n");
	bad |= steps_list(
	    pg, steps, json_object_get(app, "steps"), jstr(app, "step"));
	if (state != NULL && (editable(app) || strcmp(state, "submitted") == 0))
		bad |= withdraw_form(pg, num);
	return bad;
}

/*
 * whoami, portal-app n and portal-info of its programme into the three
 * answers (the caller frees them). -1 with the page made.
 */
static int
app_load(struct page *pg, int64_t n, struct web_answer *who,
    struct web_answer *app, struct web_answer *info)
{
	memset(app, 0, sizeof(*app));
	memset(info, 0, sizeof(*info));
	if (n <= 0) {
		memset(who, 0, sizeof(*who));
		not_found(pg);
		return -1;
	}
	if (whoami(pg, who) != 0 ||
	    call(pg, req_new(pg, "portal-app", n), app, NULL) != 0)
		return -1;
	return programme_info(pg, jstr(app->body, "programme"), info);
}

/* GET /portal/applications/{n}: the overview. */
void
web_portal_overview(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer who, app, info;
	int64_t n = tc_dreq_param_number(rq, "n");
	char num[32], title[64];
	int bad;

	(void)d;
	portal_begin(pg, rq, resp);
	if (app_load(pg, n, &who, &app, &info) == 0) {
		snprintf(num, sizeof(num), "%lld", (long long)n);
		snprintf(title, sizeof(title), "%s%s",
		    L("申请 ", "Application "), num);
		page_status(pg, 200, WEB_R_OK);
		bad = head(pg, title);
		bad |= overview(pg, app.body, info.body, num);
		page_finish(pg, bad);
	}
	web_answer_free(&info);
	web_answer_free(&app);
	web_answer_free(&who);
	page_end(pg);
}

/* POST /portal/applications/{n}/attachments: one file, multipart. */
void
web_portal_upload(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct tc_webform form;
	struct tc_buf text, tail;
	struct web_answer an;
	json_t *docs = NULL, *q, *args;
	int64_t n = tc_dreq_param_number(rq, "n");
	const char *v;
	char back[96];

	portal_begin(pg, rq, resp);
	tc_webform_init(&form);
	tc_buf_init(&text, 0);
	tc_buf_init(&tail, 0);
	memset(&an, 0, sizeof(an));
	app_path(back, sizeof(back), n, "#materials");
	if (n <= 0) {
		not_found(pg);
		goto out;
	}
	if (web_card_body(rq, resp, 1, &text, &docs, &tail) != 0)
		goto out;
	if (docs == NULL || json_array_size(docs) != 1 ||
	    tc_webform_parse(&form, text.data, text.len, NULL, NULL, 0) != 0) {
		problem_back(pg, 400, L("请选择文件", "Choose a file"),
		    L("请选择一个要上传的文件。", "Choose one file to upload."),
		    back);
		goto out;
	}
	q = req_new(pg, "portal-attach", n);
	form_csrf(q, &form);
	args = json_object();
	if ((v = tc_webform_get(&form, "kind", NULL)) != NULL && v[0] != '\0')
		json_object_set_new(args, "kind", json_string(v));
	if ((v = tc_webform_get(&form, "material", NULL)) != NULL &&
	    v[0] != '\0')
		json_object_set_new(args, "material", json_string(v));
	if (q == NULL || args == NULL) {
		json_decref(q);
		json_decref(args);
		oom(pg);
		goto out;
	}
	json_object_set_new(q, "args", args);
	json_object_set(q, "docs", docs);
	if (web_call_tail(
		tc_daemon_app(d), q, tail.data, tail.len, &an, resp) != 0)
		goto out;
	if (an.status == 200) {
		app_path(back, sizeof(back), n, "?done=uploaded#materials");
		page_redirect(pg, back);
	} else
		page_rpc_problem(pg, &an, back);
out:
	web_answer_free(&an);
	json_decref(docs);
	tc_webform_release(&form);
	tc_buf_release(&text);
	tc_buf_release(&tail);
	page_end(pg);
}

/* POST /portal/applications/{n}/withdraw {csrf, reason}. */
void
web_portal_withdraw(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct tc_webform form;
	struct web_answer an;
	int64_t n = tc_dreq_param_number(rq, "n");
	const char *reason;
	char back[96];
	json_t *q;

	portal_begin(pg, rq, resp);
	memset(&an, 0, sizeof(an));
	app_path(back, sizeof(back), n, "");
	if (post_form(pg, &form) != 0)
		goto out;
	if (n <= 0) {
		not_found(pg);
		goto out;
	}
	q = req_new(pg, "portal-withdraw", n);
	form_csrf(q, &form);
	reason = tc_webform_get(&form, "reason", NULL);
	if (q != NULL)
		json_object_set_new(q, "args",
		    reason != NULL && reason[0] != '\0'
			? json_pack("{s:s}", "reason", reason)
			: json_object());
	if (call(pg, q, &an, back) != 0)
		goto out;
	app_path(back, sizeof(back), n, "?done=withdrawn");
	page_redirect(pg, back);
out:
	web_answer_free(&an);
	tc_webform_release(&form);
	page_end(pg);
}

/* ---- the pledge and submit ---- */

/*
 * Ends a form page of application num: the form's button and the form
 * closed, a link back to the application, the page finished.
 */
static void
finish_form(struct page *pg, int bad, const char *num)
{
	bad |=
	    put(pg, "</button>\n</form>\n<p><a href=\"/portal/applications/");
	bad |= put(pg, num);
	bad |= put(pg, "\">");
	bad |= put(pg, L("返回申请", "Back to the application"));
	bad |= put(pg, "</a></p>\n");
	page_finish(pg, bad);
}

static void
pledge_page(struct page *pg, unsigned status, int64_t n, json_t *pledge,
    const char *msg)
{
	char num[32], secs[16];
	int bad, required = json_is_true(json_object_get(pledge, "required"));

	snprintf(num, sizeof(num), "%lld", (long long)n);
	snprintf(secs, sizeof(secs), "%lld",
	    (long long)json_integer_value(
		json_object_get(pledge, "read_seconds")));
	page_status(pg, status, status == 200 ? WEB_R_OK : page_result(status));
	bad = head(pg, L("诚信承诺", "Integrity pledge"));
	bad |= page_error(pg, msg);
	if (required) {
		bad |= put(pg, "<div class=\"pledge\" id=\"pledge-text\">");
		bad |= esc(pg, text_of(pg, json_object_get(pledge, "text")));
		bad |= put(pg, "</div>\n<p class=\"muted\">");
		bad |= put(pg,
		    L("请阅读承诺，",
			"Read the pledge: it can be accepted after "));
		bad |= put(pg, secs);
		bad |= put(pg, L(" 秒后可以确认。", " seconds."));
		bad |= put(pg, "</p>\n");
	}
	bad |= put(pg, "<form method=\"post\" action=\"/portal/applications/");
	bad |= put(pg, num);
	bad |= put(pg, "/pledge\">\n");
	bad |= csrf_field(pg);
	bad |= put(pg,
	    "<input type=\"hidden\" name=\"pledge\" value=\"1\">\n<button id=\"accept\"");
	if (required) {
		bad |= put(pg, " data-wait=\"");
		bad |= put(pg, secs);
		bad |= put(pg, "\"");
	}
	bad |= put(pg, ">");
	bad |= put(pg,
	    required ? L("我已阅读并承诺，提交申请",
			   "I have read it and accept: submit")
		     : L("提交申请", "Submit"));
	finish_form(pg, bad, num);
}

/*
 * GET /portal/applications/{n}/pledge: the pledge (portal-pledge starts
 * its reading time on the server); POST: portal-submit with the pledge,
 * a refusal (too early, incomplete) shown with the pledge again.
 */
void
web_portal_pledge(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer who, pl, an;
	struct tc_webform form;
	int64_t n = tc_dreq_param_number(rq, "n");
	char back[96];
	json_t *q;

	portal_begin(pg, rq, resp);
	tc_webform_init(&form);
	memset(&who, 0, sizeof(who));
	memset(&pl, 0, sizeof(pl));
	memset(&an, 0, sizeof(an));
	app_path(back, sizeof(back), n, "");
	if (n <= 0) {
		not_found(pg);
		goto out;
	}
	if (rq->method_post) {
		if (post_form(pg, &form) != 0)
			goto out;
		q = req_new(pg, "portal-submit", n);
		form_csrf(q, &form);
		if (q != NULL)
			json_object_set_new(q, "args",
			    json_pack("{s:b}", "pledge",
				tc_webform_get(&form, "pledge", NULL) != NULL));
		memset(&an, 0, sizeof(an));
		if (q == NULL || web_call(tc_daemon_app(d), q, &an, resp) != 0)
			goto out;
		if (an.status == 200) {
			page_redirect(pg, "/portal/?done=submitted");
			goto out;
		}
		if (an.status != 409 && an.status != 400) {
			page_rpc_problem(pg, &an, back);
			goto out;
		}
	}
	if (whoami(pg, &who) != 0 ||
	    call(pg, req_new(pg, "portal-pledge", n), &pl, back) != 0)
		goto out;
	pledge_page(pg, rq->method_post ? an.status : 200, n, pl.body,
	    rq->method_post ? an.message : NULL);
out:
	web_answer_free(&an);
	web_answer_free(&pl);
	web_answer_free(&who);
	tc_webform_release(&form);
	page_end(pg);
}

/* ---- /portal/applications/{n}/sections/{section} ---- */

/* The fields of one entry (k >= 0: of a repeating section). */
static int
entry_inputs(struct page *pg, json_t *info, json_t *sec, json_t *vals, int k)
{
	json_t *f;
	char name[96], id[128], buf[32];
	size_t i;
	int bad = 0, shown;

	json_array_foreach(json_object_get(sec, "fields"), i, f)
	{
		if (!typed_field(f))
			continue;
		if (k < 0 && is(sec, "id", "basic")) {
			snprintf(id, sizeof(id), "basic-%s", jstr(f, "id"));
			if ((shown = identity_input(pg, f, id)) >= 0) {
				bad |= shown;
				continue;
			}
		}
		if (k >= 0) {
			snprintf(name, sizeof(name), "%d.%s", k, jstr(f, "id"));
			snprintf(id, sizeof(id), "%s-%d-%s", jstr(sec, "id"), k,
			    jstr(f, "id"));
		} else {
			snprintf(name, sizeof(name), "%s", jstr(f, "id"));
			snprintf(id, sizeof(id), "%s-%s", jstr(sec, "id"),
			    jstr(f, "id"));
		}
		bad |= field_input(pg, info, f, name, id,
		    value_text(json_object_get(vals, jstr(f, "id")), buf));
	}
	return bad;
}

/*
 * The section's form with value (an object, or an array of entries for a
 * repeating section; NULL: empty) and extra blank entries.
 */
static void
section_page(struct page *pg, unsigned status, int64_t n, json_t *info,
    json_t *sec, json_t *value, int extra, const char *msg)
{
	int rep = json_is_true(json_object_get(sec, "repeating"));
	int min = (int)json_integer_value(json_object_get(sec, "min_entries"));
	int count = (int)json_array_size(value), k;
	char num[32], cnt[16];
	int bad;

	if (count < min)
		count = min;
	if (count < 1)
		count = 1;
	count += extra;
	snprintf(num, sizeof(num), "%lld", (long long)n);
	snprintf(cnt, sizeof(cnt), "%d", count);
	page_status(pg, status, status == 200 ? WEB_R_OK : page_result(status));
	bad = head(pg, text_of(pg, json_object_get(sec, "names")));
	bad |= page_error(pg, msg);
	bad |= put(pg, "<form method=\"post\" action=\"/portal/applications/");
	bad |= put(pg, num);
	bad |= put(pg, "/sections/");
	bad |= esc(pg, jstr(sec, "id"));
	bad |= put(pg, "\">\n");
	bad |= csrf_field(pg);
	if (rep) {
		bad |=
		    put(pg, "<input type=\"hidden\" name=\"entries\" value=\"");
		bad |= put(pg, cnt);
		bad |= put(pg, "\">\n");
		for (k = 0; k < count; k++) {
			snprintf(cnt, sizeof(cnt), "%d", k + 1);
			bad |= put(pg, "<fieldset class=\"entry\"><legend>");
			bad |= put(pg, L("第 ", "Entry "));
			bad |= put(pg, cnt);
			bad |= put(pg, L(" 条", ""));
			bad |= put(pg, "</legend>\n");
			bad |= entry_inputs(
			    pg, info, sec, json_array_get(value, (size_t)k), k);
			bad |= put(pg, "</fieldset>\n");
		}
		bad |= put(pg, "<p class=\"muted\">");
		bad |= put(pg,
		    L("整条留空即删除该条。",
			"An entry left empty is removed."));
		bad |= put(pg,
		    "</p>\n<button name=\"add\" value=\"1\" id=\"add-entry\">");
		bad |= put(pg, L("增加一条", "Add an entry"));
		bad |= put(pg, "</button>\n");
	} else
		bad |= entry_inputs(pg, info, sec, value, -1);
	bad |= put(pg, "<button id=\"save\">");
	bad |= put(pg, L("保存", "Save"));
	finish_form(pg, bad, num);
}

/* One entry's typed values from the form (prefix "K." or ""). */
static json_t *
entry_from(json_t *sec, struct tc_webform *form, const char *prefix)
{
	json_t *o = json_object(), *f;
	char name[96];
	const char *v;
	size_t i;

	json_array_foreach(json_object_get(sec, "fields"), i, f)
	{
		if (!typed_field(f))
			continue;
		snprintf(name, sizeof(name), "%s%s", prefix, jstr(f, "id"));
		if ((v = tc_webform_get(form, name, NULL)) != NULL &&
		    v[0] != '\0')
			json_object_set_new(o, jstr(f, "id"), json_string(v));
	}
	return o;
}

/* The section's value from the posted form: entries left empty dropped. */
static json_t *
value_from(json_t *sec, struct tc_webform *form)
{
	const char *e = tc_webform_get(form, "entries", NULL);
	json_t *arr, *o;
	char prefix[16];
	long k, count = e != NULL ? strtol(e, NULL, 10) : 0;

	if (!json_is_true(json_object_get(sec, "repeating")))
		return entry_from(sec, form, "");
	if ((arr = json_array()) == NULL)
		return NULL;
	for (k = 0; k < count && k < 100; k++) {
		snprintf(prefix, sizeof(prefix), "%ld.", k);
		o = entry_from(sec, form, prefix);
		if (json_object_size(o) > 0)
			json_array_append(arr, o);
		json_decref(o);
	}
	return arr;
}

/*
 * GET: the edit form of one section; POST: "add" shows one more blank
 * entry, else portal-section, back to the application; the library's
 * refusal shown on the form with the values kept.
 */
void
web_portal_section_page(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct page page, *pg = &page;
	struct web_answer who, app, info, an;
	struct tc_webform form;
	int64_t n = tc_dreq_param_number(rq, "n");
	const char *sid = tc_dreq_param(rq, "section");
	json_t *sec, *value = NULL, *q;
	char back[96];

	portal_begin(pg, rq, resp);
	tc_webform_init(&form);
	memset(&an, 0, sizeof(an));
	if (app_load(pg, n, &who, &app, &info) != 0)
		goto out;
	sec = find_id(json_object_get(info.body, "sections"), sid);
	if (sec == NULL) {
		not_found(pg);
		goto out;
	}
	if (!rq->method_post) {
		section_page(pg, 200, n, info.body, sec,
		    json_object_get(json_object_get(app.body, "form"), sid), 0,
		    NULL);
		goto out;
	}
	if (post_form(pg, &form) != 0)
		goto out;
	if ((value = value_from(sec, &form)) == NULL) {
		oom(pg);
		goto out;
	}
	if (tc_webform_get(&form, "add", NULL) != NULL) {
		section_page(pg, 200, n, info.body, sec, value, 1, NULL);
		goto out;
	}
	q = req_new(pg, "portal-section", n);
	form_csrf(q, &form);
	if (q != NULL)
		json_object_set_new(q, "args",
		    json_pack("{s:s, s:O}", "section", sid, "value", value));
	if (q == NULL || web_call(tc_daemon_app(d), q, &an, resp) != 0)
		goto out;
	if (an.status == 200) {
		snprintf(back, sizeof(back),
		    "/portal/applications/%lld?done=saved", (long long)n);
		page_redirect(pg, back);
	} else if (an.status == 400 || an.status == 409)
		section_page(
		    pg, an.status, n, info.body, sec, value, 0, an.message);
	else {
		app_path(back, sizeof(back), n, "");
		page_rpc_problem(pg, &an, back);
	}
out:
	json_decref(value);
	web_answer_free(&an);
	web_answer_free(&info);
	web_answer_free(&app);
	web_answer_free(&who);
	tc_webform_release(&form);
	page_end(pg);
}
