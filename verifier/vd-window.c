/* SPDX-License-Identifier: MIT */
/*
 * The window page: /window on tcard-verifierd, the screen a service
 * window's staff use on a tablet. GET /window is the sign-in form (the
 * window's staff token, from the staff tokens file); POST /window/session
 * makes a session (in memory, a bounded table, a random 32-byte id in the
 * cookie tcard_window: HttpOnly, SameSite=Strict, Path=/window, Secure
 * under TLS; idle timeout 30 minutes, at most 12 hours) with its own CSRF
 * token, which every later form carries and every POST checks (403
 * without). GET /window/ lists the services of the window's scope in the
 * loaded bundle's programmes and, once one is chosen (?service=, kept in
 * the session), the scan form: a USB barcode scanner types the QR text
 * into the focused field and presses Enter (POST /window/scan), with an
 * optional ID number for the holder-binding check (never logged, never
 * echoed); with a reader configured, "read the card on the reader" takes
 * the newest tap of the window's reader instead (vd-reader.c). The
 * verdict page shows the verdict in large type, the holder, programme and
 * tier, the tier's services of the window's scope with what is left of
 * each (as GET .../usage) and a form to count a use of each (POST
 * /window/redeem: the QR text travels in a hidden field and is verified
 * again, or the tap's id, which must still be a recent tap; a request id
 * made once per form makes a second submit a replay); the receipt says
 * the use number, used / limit, remaining and the period. Sign out is
 * POST /window/signout. No script, one style sheet of the daemon's
 * (/window/window.css), zh or en (?lang=, else Accept-Language), every
 * output escaped. Reference: docs/verifierd.md, "The window page".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "tcard/buf.h"
#include "tcard/credential.h"
#include "tcard/html.h"
#include "tcard/httpreq.h"
#include "tcard/ledger.h"
#include "tcard/programme.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/status.h"
#include "tcard/vdconf.h"
#include "tcard/webform.h"
#include "tcard/workday.h"
#include "verdict-json.h"
#include "dthrottle.h"
#include "vd.h"

#define WIN_SESSIONS 256 /* sessions held at once */
#define WIN_COOKIE   "tcard_window"
#define WIN_CSP                                                                \
	"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
#define WIN_BODY_MAX 8192 /* bytes of a form body */

struct wsess {
	int used;
	char id[TC_TOKEN_LEN + 1];
	char csrf[TC_TOKEN_LEN + 1];
	const struct tc_staff_token *win;    /* vd->staff's, kept until exit */
	char service[TC_LEDGER_SERVICE_MAX]; /* chosen, or "" */
	int en;				     /* 1: English, 0: Chinese */
	uint64_t created_ns, last_ns;
};

struct vd_window_state {
	pthread_mutex_t mu;
	struct wsess s[WIN_SESSIONS];
	struct tc_dthrottle *signin_tb; /* sign-ins per client address */
	const struct tc_vdconf *conf;	/* window-idle, window-lifetime */
};

/* One request of the page. */
struct wreq {
	struct vd_ctx *vd;
	struct tc_dreq *rq;
	struct tc_dresp *resp;
	struct tc_buf *b;
	int en;
	int have_s;
	struct wsess s; /* a copy of the session */
	struct tc_webform form;
	int bad;
};

static uint64_t
sec_ns(unsigned s)
{
	return (uint64_t)s * 1000000000u;
}

int
vd_window_init(struct vd_ctx *vd)
{
	struct vd_window_state *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	pthread_mutex_init(&w->mu, NULL);
	w->conf = &vd->conf;
	/*
	 * 30 sign-ins at once, then 10 a minute, per client address: the
	 * windows of an office behind one address sign in of a morning, and
	 * a token of 32 characters or more is not guessed at that rate.
	 */
	if (tc_dthrottle_new(&w->signin_tb, 1024,
		(struct tc_rate){ .count = 10, .period = 60 }, 30) != 0) {
		pthread_mutex_destroy(&w->mu);
		free(w);
		return -1;
	}
	vd->window = w;
	return 0;
}

void
vd_window_free(struct vd_ctx *vd)
{
	struct vd_window_state *w = vd->window;

	if (w == NULL)
		return;
	tc_dthrottle_free(w->signin_tb);
	OPENSSL_cleanse(w->s, sizeof(w->s));
	pthread_mutex_destroy(&w->mu);
	free(w);
	vd->window = NULL;
}

static int
expired(const struct vd_window_state *w, const struct wsess *e, uint64_t now)
{
	return now - e->last_ns > sec_ns(w->conf->window_idle) ||
	    now - e->created_ns > sec_ns(w->conf->window_lifetime);
}

/* Finds session id, refreshes it and copies it to *out: 1, or 0. */
static int
sess_find(struct vd_window_state *w, const char *id, struct wsess *out)
{
	uint64_t now = vd_mono_ns();
	int found = 0;
	size_t i;

	pthread_mutex_lock(&w->mu);
	for (i = 0; i < WIN_SESSIONS; i++) {
		struct wsess *e = &w->s[i];

		if (!e->used)
			continue;
		if (expired(w, e, now)) {
			OPENSSL_cleanse(e, sizeof(*e));
			continue;
		}
		if (!found && tc_token_eq(e->id, id)) {
			e->last_ns = now;
			*out = *e;
			found = 1;
		}
	}
	pthread_mutex_unlock(&w->mu);
	return found;
}

/* Stores the service and language of session id (when it still exists). */
static void
sess_update(struct vd_window_state *w, const struct wsess *s)
{
	size_t i;

	pthread_mutex_lock(&w->mu);
	for (i = 0; i < WIN_SESSIONS; i++)
		if (w->s[i].used && tc_token_eq(w->s[i].id, s->id)) {
			memcpy(w->s[i].service, s->service,
			    sizeof(w->s[i].service));
			w->s[i].en = s->en;
		}
	pthread_mutex_unlock(&w->mu);
}

static void
sess_drop(struct vd_window_state *w, const char *id)
{
	size_t i;

	pthread_mutex_lock(&w->mu);
	for (i = 0; i < WIN_SESSIONS; i++)
		if (w->s[i].used && tc_token_eq(w->s[i].id, id))
			OPENSSL_cleanse(&w->s[i], sizeof(w->s[i]));
	pthread_mutex_unlock(&w->mu);
}

/*
 * A new session for window win: 0 with *out filled, or -1 (no random
 * bytes). A full table gives up its least recently used session.
 */
static int
sess_new(struct vd_window_state *w, const struct tc_staff_token *win, int en,
    struct wsess *out)
{
	uint64_t now = vd_mono_ns();
	struct wsess *slot = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (tc_token_new(out->id) != 0 || tc_token_new(out->csrf) != 0)
		return -1;
	out->used = 1;
	out->win = win;
	out->en = en;
	out->created_ns = out->last_ns = now;
	pthread_mutex_lock(&w->mu);
	for (i = 0; i < WIN_SESSIONS; i++) {
		struct wsess *e = &w->s[i];

		if (e->used && expired(w, e, now))
			OPENSSL_cleanse(e, sizeof(*e));
		if (!e->used) {
			slot = e;
			break;
		}
		if (slot == NULL || e->last_ns < slot->last_ns)
			slot = e;
	}
	*slot = *out;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/* ---- language ---- */

static const char *
L(const struct wreq *r, const char *zh, const char *en)
{
	return r->en ? en : zh;
}

/* 1 for English: ?lang=en, else the first tag of Accept-Language. */
static int
lang_of(const struct tc_dreq *rq, int dflt)
{
	const char *q = rq->query, *h;
	size_t n = rq->querylen, i;

	for (i = 0; q != NULL && i + 7 <= n; i++)
		if ((i == 0 || q[i - 1] == '&') &&
		    strncmp(q + i, "lang=", 5) == 0)
			return strncmp(q + i + 5, "en", 2) == 0;
	if (dflt >= 0)
		return dflt;
	h = tc_dreq_header(rq, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	if (h == NULL)
		return 0;
	while (*h == ' ')
		h++;
	return strncasecmp(h, "en", 2) == 0;
}

/* ---- the page's frame ---- */

static const char css[] =
    "body{margin:0;font-family:system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;background:#f4f6f8;color:#1a1a1a;line-height:1.5}\n"
    "main{max-width:46rem;margin:0 auto;padding:1rem;box-sizing:border-box}\n"
    "header{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between;background:#0b3d6e;color:#fff;padding:.6rem 1rem}\n"
    "header a{color:#fff}\n"
    "header form{margin:0;padding:0;background:none;box-shadow:none}\n"
    "header button{margin:0;width:auto;padding:.3rem .8rem;font-size:.95rem;background:#fff;color:#0b3d6e}\n"
    "h1{font-size:1.3rem;margin:.5rem 0 1rem}\n"
    "h2{font-size:1.1rem;margin:1rem 0 .5rem}\n"
    "form,section{background:#fff;border-radius:.5rem;padding:1rem;box-shadow:0 1px 3px rgba(0,0,0,.15);margin-bottom:1rem}\n"
    "label{display:block;margin:.8rem 0 .2rem;font-weight:600}\n"
    "input{box-sizing:border-box;width:100%;font-size:1.2rem;padding:.6rem;border:1px solid #999;border-radius:.3rem}\n"
    "button{margin-top:1rem;width:100%;font-size:1.2rem;padding:.7rem;border:0;border-radius:.3rem;background:#0b5cad;color:#fff}\n"
    "ul.svc{list-style:none;padding:0;margin:0}\n"
    "ul.svc li{margin:.3rem 0}\n"
    "ul.svc a{display:block;padding:.6rem;border:1px solid #0b5cad;border-radius:.3rem;text-decoration:none;color:#0b5cad;overflow-wrap:anywhere}\n"
    "ul.svc a.on{background:#0b5cad;color:#fff}\n"
    ".verdict{font-size:2.6rem;font-weight:800;margin:.2rem 0;overflow-wrap:anywhere}\n"
    ".ok{background:#e7f6ea;border-left:.5rem solid #1e7b34}\n"
    ".warn{background:#fff6e0;border-left:.5rem solid #b07800}\n"
    ".bad{background:#fdeaea;border-left:.5rem solid #b3261e}\n"
    ".use{border:1px solid #ccc;border-radius:.4rem;padding:.6rem;margin:.6rem 0;overflow-wrap:anywhere}\n"
    ".use form{box-shadow:none;padding:0;margin:.4rem 0 0;background:none}\n"
    ".use h3{margin:0;font-size:1.05rem}\n"
    ".use.chosen{border:2px solid #0b5cad;background:#f0f6fd}\n"
    ".left{font-size:1.3rem;font-weight:700}\n"
    ".note{font-size:.85rem;color:#555}\n"
    "p{overflow-wrap:anywhere}\n";

static void
page_start(struct wreq *r, const char *title_zh, const char *title_en)
{
	struct tc_buf *b = r->b;

	r->bad |= tc_buf_printf(b,
	    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>%s</title>\n<link rel=\"stylesheet\" href=\"/window/window.css\">\n</head>\n<body>\n",
	    r->en ? "en" : "zh-CN", L(r, title_zh, title_en));
	if (r->have_s) {
		r->bad |= tc_buf_puts(b, "<header><span id=\"window\">");
		r->bad |= tc_buf_puts(b, L(r, "窗口 ", "Window "));
		r->bad |= tc_html_put(b, r->s.win->window);
		r->bad |= tc_buf_printf(b,
		    "</span> <a id=\"lang\" href=\"/window/?lang=%s\">%s</a> "
		    "<form method=\"post\" action=\"/window/signout\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button id=\"signout\" type=\"submit\">%s</button></form></header>\n",
		    r->en ? "zh" : "en", r->en ? "中文" : "English", r->s.csrf,
		    L(r, "退出", "Sign out"));
	}
	r->bad |= tc_buf_puts(b, "<main>\n");
}

static void
page_end(struct wreq *r)
{
	r->bad |= tc_buf_puts(r->b, "</main>\n</body>\n</html>\n");
}

static void
csrf_field(struct wreq *r)
{
	r->bad |= tc_buf_printf(r->b,
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", r->s.csrf);
}

/* A message box: cls ok, warn or bad; text escaped. */
static void
box(struct wreq *r, const char *id, const char *cls, const char *text)
{
	r->bad |=
	    tc_buf_printf(r->b, "<section id=\"%s\" class=\"%s\"><p>", id, cls);
	r->bad |= tc_html_put(r->b, text);
	r->bad |= tc_buf_puts(r->b, "</p></section>\n");
}

static void
put_text(struct wreq *r, const struct tc_text *t, const char *fallback)
{
	const char *s = t == NULL ? NULL : r->en ? t->en : t->zh;

	if (s == NULL && t != NULL)
		s = r->en ? t->zh : t->en;
	r->bad |= tc_html_put(r->b, s != NULL ? s : fallback);
}

/* ---- the pages ---- */

static void
signin_page(struct wreq *r, const char *error)
{
	page_start(r, "服务窗口登录", "Service window sign-in");
	r->bad |= tc_buf_printf(
	    r->b, "<h1>%s</h1>\n", L(r, "服务窗口", "Service window"));
	if (error != NULL)
		box(r, "error", "bad", error);
	r->bad |= tc_buf_printf(r->b,
	    "<form method=\"post\" action=\"/window/session\" autocomplete=\"off\">\n"
	    "<input type=\"hidden\" name=\"lang\" value=\"%s\">\n"
	    "<label for=\"token\">%s</label>\n"
	    "<input id=\"token\" name=\"token\" type=\"password\" maxlength=\"300\" required autofocus>\n"
	    "<button id=\"signin\" type=\"submit\">%s</button>\n</form>\n"
	    "<p class=\"note\"><a href=\"/window?lang=%s\">%s</a></p>\n",
	    r->en ? "en" : "zh", L(r, "窗口令牌", "The window's staff token"),
	    L(r, "登录", "Sign in"), r->en ? "zh" : "en",
	    r->en ? "中文" : "English");
	page_end(r);
}

/* A service ("id" or "id.option") the page may list and count. */
struct svc_ref {
	const struct tc_programme *p;
	const struct tc_service *s, *o; /* o: the option, or s */
	char id[TC_LEDGER_SERVICE_MAX];
};

/*
 * Calls fn for each countable service of p (a service without options,
 * or each option) that window win may count. Stops when fn returns
 * non-zero and returns that.
 */
static int
each_service(const struct tc_programme *p, const struct tc_staff_token *win,
    int (*fn)(const struct svc_ref *, void *), void *arg)
{
	struct svc_ref ref;
	size_t i, j;
	int rc;

	for (i = 0; i < p->n_services; i++) {
		const struct tc_service *s = &p->services[i];

		for (j = 0; j < (s->n_options > 0 ? s->n_options : 1); j++) {
			ref.p = p;
			ref.s = s;
			ref.o = s->n_options > 0 ? &s->options[j] : s;
			if (s->n_options > 0
				? snprintf(ref.id, sizeof(ref.id), "%s.%s",
				      s->id, ref.o->id) >= (int)sizeof(ref.id)
				: snprintf(ref.id, sizeof(ref.id), "%s",
				      s->id) >= (int)sizeof(ref.id))
				continue;
			if (!tc_staff_allows(win, p->id, ref.id))
				continue;
			if ((rc = fn(&ref, arg)) != 0)
				return rc;
		}
	}
	return 0;
}

static void
put_service_name(struct wreq *r, const struct svc_ref *ref)
{
	if (ref->o != ref->s) {
		put_text(r, &ref->s->names, ref->s->id);
		r->bad |= tc_buf_puts(r->b, " · ");
	}
	put_text(r, &ref->o->names, ref->id);
}

struct list_arg {
	struct wreq *r;
	int n;
};

static int
list_one(const struct svc_ref *ref, void *arg)
{
	struct list_arg *a = arg;
	struct wreq *r = a->r;

	r->bad |= tc_buf_printf(r->b,
	    "<li><a data-service=\"%s\" class=\"%s\" href=\"/window/?service=",
	    ref->id, strcmp(ref->id, r->s.service) == 0 ? "on" : "");
	r->bad |= tc_html_url_put(r->b, ref->id);
	r->bad |= tc_buf_puts(r->b, "\">");
	put_service_name(r, ref);
	r->bad |= tc_buf_puts(r->b, "</a></li>\n");
	a->n++;
	return 0;
}

static int
match_one(const struct svc_ref *ref, void *arg)
{
	return strcmp(ref->id, (const char *)arg) == 0;
}

/* Whether service id is countable by the session's window in bundle b. */
static int
in_scope(
    const struct vd_bundle *b, const struct tc_staff_token *win, const char *id)
{
	const struct tc_programme_set *set = b != NULL ? b->progs->set : NULL;
	size_t i, n = set != NULL ? tc_programme_set_count(set) : 0;
	char want[TC_LEDGER_SERVICE_MAX];

	if (tc_fmt(want, sizeof(want), "%s", id) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (each_service(
			tc_programme_set_at(set, i), win, match_one, want) != 0)
			return 1;
	return 0;
}

struct find_arg {
	const char *id;
	struct svc_ref ref;
};

static int
find_one(const struct svc_ref *ref, void *arg)
{
	struct find_arg *a = arg;

	if (strcmp(ref->id, a->id) != 0)
		return 0;
	a->ref = *ref;
	return 1;
}

/* The chosen service's name (of the first programme that has it). */
static void
put_chosen(struct wreq *r, const struct tc_programme_set *set)
{
	size_t i, n = set != NULL ? tc_programme_set_count(set) : 0;
	struct find_arg a;

	a.id = r->s.service;
	for (i = 0; i < n; i++)
		if (each_service(tc_programme_set_at(set, i), r->s.win,
			find_one, &a) != 0) {
			put_service_name(r, &a.ref);
			return;
		}
	r->bad |= tc_html_put(r->b, r->s.service);
}

/* GET /window/: the services, and the scan form once one is chosen. */
static void
home_page(struct wreq *r, struct vd_bundle *b, const char *notice)
{
	const struct tc_programme_set *set = b != NULL ? b->progs->set : NULL;
	size_t i, n = set != NULL ? tc_programme_set_count(set) : 0;
	struct list_arg a = { r, 0 };

	page_start(r, "服务窗口", "Service window");
	if (notice != NULL)
		box(r, "error", "bad", notice);
	if (r->s.service[0] != '\0') {
		r->bad |= tc_buf_printf(r->b,
		    "<form id=\"scan\" method=\"post\" action=\"/window/scan\" autocomplete=\"off\">\n"
		    "<h1>%s: <span id=\"service\" data-service=\"",
		    L(r, "扫码核验", "Scan a card"));
		r->bad |= tc_html_put(r->b, r->s.service);
		r->bad |= tc_buf_puts(r->b, "\">");
		put_chosen(r, set);
		r->bad |= tc_buf_puts(r->b, "</span></h1>\n");
		csrf_field(r);
		r->bad |= tc_buf_printf(r->b,
		    "<label for=\"qr\">%s</label>\n"
		    "<input id=\"qr\" name=\"qr\" maxlength=\"2048\" required autofocus spellcheck=\"false\" autocapitalize=\"off\">\n"
		    "<label for=\"idno\">%s</label>\n"
		    "<input id=\"idno\" name=\"id\" maxlength=\"40\" inputmode=\"text\">\n"
		    "<button id=\"check\" type=\"submit\">%s</button>\n</form>\n",
		    L(r, "电子卡二维码（扫码枪输入后回车）",
			"QR text of the e-card (the scanner types it and presses Enter)"),
		    L(r, "证件号码（可选，核对持卡人）",
			"ID document number (optional: checks the holder)"),
		    L(r, "核验", "Check"));
		if (r->vd->conf.reader[0] != '\0') {
			r->bad |= tc_buf_puts(r->b,
			    "<form id=\"tapform\" method=\"post\" action=\"/window/scan\">\n");
			csrf_field(r);
			r->bad |= tc_buf_printf(r->b,
			    "<input type=\"hidden\" name=\"tap\" value=\"newest\">\n"
			    "<p class=\"note\">%s</p>\n"
			    "<button id=\"usetap\" type=\"submit\">%s</button>\n</form>\n",
			    L(r,
				"或：把实体卡放到本窗口的读卡器上，再按下面的按钮。",
				"Or put the card on this window's reader, then press the button."),
			    L(r, "读取读卡器上的卡",
				"Read the card on the reader"));
		}
	}
	r->bad |= tc_buf_printf(r->b, "<section id=\"services\"><h2>%s</h2>\n",
	    L(r, "选择服务", "Choose the service"));
	for (i = 0; i < n; i++) {
		const struct tc_programme *p = tc_programme_set_at(set, i);
		size_t before = r->b->len;
		int had = a.n;

		r->bad |= tc_buf_puts(r->b, "<h3>");
		put_text(r, &p->names, p->id);
		r->bad |= tc_buf_puts(r->b, "</h3>\n<ul class=\"svc\">\n");
		each_service(p, r->s.win, list_one, &a);
		if (a.n == had)
			r->b->len = before; /* nothing of this programme */
		else
			r->bad |= tc_buf_puts(r->b, "</ul>\n");
	}
	if (a.n == 0)
		r->bad |= tc_buf_printf(r->b, "<p id=\"none\">%s</p>\n",
		    L(r, "本窗口没有可办理的服务（或尚未加载服务文件）。",
			"This window may count no service of the loaded programmes."));
	r->bad |= tc_buf_puts(r->b, "</section>\n");
	page_end(r);
}

/* The verdict word and its box class. */
static const char *
verdict_word(const struct tc_verdict *v, const char **cls)
{
	const char *w = tc_status_result(v);

	*cls = "bad";
	if (strcmp(w, "VALID") == 0) {
		*cls = "ok";
		return "VALID";
	}
	if (strcmp(w, "SUSPENDED") == 0) {
		*cls = "warn";
		return "SUSPENDED";
	}
	if (strcmp(w, "UNKNOWN-STATUS") == 0) {
		*cls = "warn";
		return "UNKNOWN STATUS";
	}
	if (v->reason != NULL && strcmp(v->reason, TC_REASON_REVOKED) == 0)
		return "REVOKED";
	if (v->reason != NULL && strcmp(v->reason, TC_REASON_EXPIRED) == 0)
		return "EXPIRED";
	return "INVALID";
}

static const char *
verdict_zh(const char *w)
{
	static const struct {
		const char *w, *zh;
	} t[] = { { "VALID", "有效" }, { "SUSPENDED", "已暂停" },
		{ "UNKNOWN STATUS", "状态未知" }, { "REVOKED", "已撤销" },
		{ "EXPIRED", "已过期" }, { "INVALID", "无效" } };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].w, w) == 0)
			return t[i].zh;
	return w;
}

/* A refusal reason in words. */
static const char *
reason_text(const struct wreq *r, const char *reason)
{
	static const struct {
		const char *code, *zh, *en;
	} t[] = {
		{ "quota-exhausted", "本期次数已用完",
		    "no use left in this period" },
		{ "exclusive-used", "已使用二选一中的另一项服务",
		    "the other service of an either-or pair was used" },
		{ "not-covered", "该卡的等级不含此项服务",
		    "the card's tier does not cover this service" },
		{ "suspended", "该卡已暂停", "the card is suspended" },
		{ "revoked", "该卡已撤销", "the card is revoked" },
		{ "expired", "该卡已过期", "the card has expired" },
		{ "unknown-status", "撤销名单已过期，卡的状态未知",
		    "the revocation list is out of date: the card's status is unknown" },
		{ "wrong-channel", "此项服务不接受电子卡（须刷实体卡）",
		    "this service does not take the e-card (tap the card)" },
		{ "party-too-large", "人数超过此项服务允许的人数",
		    "the party is larger than the service allows" },
		{ "request-id-reused", "请求编号已用于另一次使用",
		    "the request id was used for another use" },
		{ "unknown-service", "没有这项服务", "no such service" },
		{ "unknown-programme", "本核验点没有该卡项目的服务文件",
		    "this verifier has no programme file for the card's programme" },
		{ "id-mismatch", "证件号码与持卡人不符",
		    "the ID number does not match the holder" },
		{ "bad-signature", "签名无效：不是真卡",
		    "bad signature: not a genuine card" },
		{ "malformed", "二维码内容不完整或有误",
		    "the QR text is malformed" },
		{ "unknown-key", "签发密钥未知",
		    "the signing key is not known" },
		{ "not-yet-valid", "该卡尚未生效",
		    "the card is not valid yet" },
		{ "no-revocations", "没有撤销名单", "no revocation list" },
		{ "stale-revocations", "撤销名单已过期",
		    "the revocation list is out of date" },
	};
	size_t i;

	if (reason == NULL)
		return "";
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].code, reason) == 0)
			return L(r, t[i].zh, t[i].en);
	return reason;
}

static const char *
period_text(const struct wreq *r, enum tc_period p)
{
	switch (p) {
	case TC_PERIOD_MONTH:
		return L(r, "本月", "this month");
	case TC_PERIOD_YEAR:
		return L(r, "本年", "this year");
	case TC_PERIOD_VALIDITY:
		return L(r, "有效期内", "in the card's validity");
	default:
		return L(r, "不限", "unlimited");
	}
}

static void
put_quota(struct wreq *r, const struct tc_redeem_result *res)
{
	char from[16], to[16];
	int y, m, d;

	if (res->limit < 0) {
		r->bad |= tc_buf_printf(r->b,
		    "<p class=\"left\" data-remaining=\"unlimited\">%s</p>\n",
		    L(r, "不限次数", "Unlimited"));
		return;
	}
	r->bad |= tc_buf_printf(r->b,
	    "<p class=\"left\" data-remaining=\"%d\" data-used=\"%d\" data-limit=\"%d\">%s %d / %d · %s %d</p>\n",
	    res->remaining, res->used, res->limit, L(r, "已用", "Used"),
	    res->used, res->limit, L(r, "剩余", "left"), res->remaining);
	if (res->period_end > res->period_start) {
		tc_civil_from_day(res->period_start, &y, &m, &d);
		snprintf(from, sizeof(from), "%04d-%02d-%02d", y, m, d);
		tc_civil_from_day(res->period_end - 1, &y, &m, &d);
		snprintf(to, sizeof(to), "%04d-%02d-%02d", y, m, d);
		r->bad |= tc_buf_printf(r->b,
		    "<p class=\"note period\">%s: %s – %s</p>\n",
		    period_text(r, res->period), from, to);
	} else
		r->bad |=
		    tc_buf_printf(r->b, "<p class=\"note period\">%s</p>\n",
			period_text(r, res->period));
}

/* A request id for one form: "win-" and 32 hex digits. */
static int
new_request_id(char out[40])
{
	uint8_t rnd[16];
	size_t i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	memcpy(out, "win-", 4);
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(out + 4 + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

struct usage_arg {
	struct wreq *r;
	const struct tc_verdict *v;
	const char *qr;	 /* the QR text, or NULL */
	const char *tap; /* else the tap id */
	int pass;	 /* 0: the chosen service only, 1: the others */
	int n, failed;
};

/* One service of the verdict page: what is left, and the count form. */
static int
usage_one(const struct svc_ref *ref, void *arg)
{
	struct usage_arg *a = arg;
	struct wreq *r = a->r;
	struct tc_redeem_result res;
	struct tc_redeem q;
	char msg[512], reqid[40];

	/* The chosen service first. */
	if ((strcmp(ref->id, r->s.service) == 0) != (a->pass == 0))
		return 0;
	memset(&q, 0, sizeof(q));
	q.programme = ref->p;
	q.service = ref->id;
	q.card_no = a->v->claims.card_no;
	q.tier = a->v->claims.tier;
	q.valid_from = (time_t)a->v->claims.issued_at;
	q.channel = a->tap != NULL ? TC_CHANNEL_CHIP : TC_CHANNEL_QR;
	q.party = 1;
	q.now = vd_now(r->vd);
	if (tc_ledger_usage(r->vd->ledger, &q, &res, msg, sizeof(msg)) != 0) {
		a->failed = 1;
		return 0;
	}
	if (!res.allowed && res.reason != NULL &&
	    strcmp(res.reason, "not-covered") == 0)
		return 0;
	r->bad |= tc_buf_printf(r->b,
	    "<div class=\"use%s\" data-service=\"%s\">\n<h3>",
	    strcmp(ref->id, r->s.service) == 0 ? " chosen" : "", ref->id);
	put_service_name(r, ref);
	r->bad |= tc_buf_puts(r->b, "</h3>\n");
	put_quota(r, &res);
	if (!res.allowed) {
		r->bad |= tc_buf_puts(r->b, "<p class=\"refusal\">");
		r->bad |= tc_html_put(r->b, reason_text(r, res.reason));
		r->bad |= tc_buf_puts(r->b, "</p>\n");
	} else if (new_request_id(reqid) == 0) {
		r->bad |= tc_buf_puts(
		    r->b, "<form method=\"post\" action=\"/window/redeem\">\n");
		csrf_field(r);
		r->bad |= tc_buf_printf(r->b,
		    "<input type=\"hidden\" name=\"%s\" value=\"",
		    a->tap != NULL ? "tap" : "qr");
		r->bad |= tc_html_put(r->b, a->tap != NULL ? a->tap : a->qr);
		r->bad |= tc_buf_printf(r->b,
		    "\">\n<input type=\"hidden\" name=\"service\" value=\"%s\">\n"
		    "<input type=\"hidden\" name=\"request_id\" value=\"%s\">\n",
		    ref->id, reqid);
		if (ref->o->party_size > 1)
			r->bad |= tc_buf_printf(r->b,
			    "<label>%s (1–%d)<input name=\"party\" type=\"number\" min=\"1\" max=\"%d\" value=\"1\"></label>\n",
			    L(r, "人数", "Party size"), ref->o->party_size,
			    ref->o->party_size);
		r->bad |= tc_buf_printf(r->b,
		    "<button class=\"count\" type=\"submit\">%s</button>\n</form>\n",
		    L(r, "计一次使用", "Count a use"));
	}
	r->bad |= tc_buf_puts(r->b, "</div>\n");
	a->n++;
	return 0;
}

/* The verdict box and the holder (shared by the verdict and refusals). */
static void
verdict_box(struct wreq *r, const struct tc_verdict *v,
    const struct tc_programme *p, const char *warning)
{
	const struct tc_tier *t = NULL;
	const char *cls, *w = verdict_word(v, &cls);
	char when[40];

	r->bad |= tc_buf_printf(r->b,
	    "<section id=\"result\" class=\"%s\" data-result=\"%s\">\n"
	    "<p id=\"verdict\" class=\"verdict\">%s</p>\n",
	    cls, w, r->en ? w : verdict_zh(w));
	if (!v->valid) {
		r->bad |= tc_buf_puts(r->b, "<p id=\"why\">");
		r->bad |= tc_html_put(r->b, reason_text(r, v->reason));
		if (v->message[0] != '\0') {
			r->bad |= tc_buf_puts(r->b, " — ");
			r->bad |= tc_html_put(r->b, v->message);
		}
		r->bad |= tc_buf_puts(r->b, "</p>\n");
	}
	if (warning != NULL) {
		r->bad |= tc_buf_puts(r->b, "<p id=\"warning\">");
		r->bad |= tc_html_put(r->b, warning);
		r->bad |= tc_buf_puts(r->b, "</p>\n");
	}
	if (v->have_claims && v->authentic) {
		if (p != NULL)
			t = tc_programme_tier(p, v->claims.tier);
		r->bad |= tc_buf_printf(
		    r->b, "<p>%s: <b id=\"name\">", L(r, "姓名", "Name"));
		r->bad |= tc_html_put(r->b, v->claims.name);
		r->bad |=
		    tc_buf_printf(r->b, "</b></p>\n<p>%s: <b id=\"programme\">",
			L(r, "项目", "Programme"));
		put_text(r, p != NULL ? &p->names : NULL, v->claims.programme);
		r->bad |= tc_buf_printf(r->b,
		    "</b></p>\n<p>%s: <b id=\"tier\">", L(r, "等级", "Tier"));
		put_text(r, t != NULL ? &t->names : NULL, v->claims.tier);
		tc_verdict_time(v->claims.expires_at - 1, when);
		when[10] = '\0';
		r->bad |= tc_buf_printf(r->b,
		    "</b></p>\n<p>%s: <b id=\"card\">%s</b> · %s <b id=\"expires\">%s</b></p>\n",
		    L(r, "卡号", "Card"), v->claims.card_no,
		    L(r, "有效期至", "valid until"), when);
	}
	r->bad |= tc_buf_puts(r->b, "</section>\n");
}

static void
back_link(struct wreq *r)
{
	r->bad |= tc_buf_printf(r->b,
	    "<p><a id=\"back\" href=\"/window/\">%s</a></p>\n",
	    L(r, "← 继续扫码", "← Scan the next card"));
}

/* ---- the handlers ---- */

static int
is_form(const char *ct)
{
	static const char want[] = "application/x-www-form-urlencoded";
	size_t n = sizeof(want) - 1;

	return ct != NULL && strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Parses the POST body into r->form: 0, or -1 with an error page. */
static int
parse_body(struct wreq *r)
{
	struct tc_webform_limits lim = { WIN_BODY_MAX, 16, 32, 4096 };
	char msg[256];

	if (!is_form(tc_dreq_header(r->rq, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		r->resp->status = MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
		r->resp->result = VD_R_BAD_REQUEST;
		page_start(r, "请求有误", "Bad request");
		box(r, "error", "bad",
		    "Send the form as application/x-www-form-urlencoded.");
		page_end(r);
		return -1;
	}
	if (tc_webform_parse(&r->form, r->rq->body.data, r->rq->body.len, &lim,
		msg, sizeof(msg)) != 0) {
		r->resp->status = MHD_HTTP_BAD_REQUEST;
		r->resp->result = VD_R_BAD_REQUEST;
		page_start(r, "请求有误", "Bad request");
		box(r, "error", "bad", msg);
		page_end(r);
		return -1;
	}
	return 0;
}

/* The session of the request's cookie into r->s: 1, or 0. */
static int
session_of(struct wreq *r)
{
	char id[TC_COOKIE_VALUE_MAX + 1], msg[128];

	if (tc_cookie_get(tc_dreq_header(r->rq, "Cookie"), WIN_COOKIE, id,
		sizeof(id), msg, sizeof(msg)) != 0 ||
	    strlen(id) != TC_TOKEN_LEN)
		return 0;
	r->have_s = sess_find(r->vd->window, id, &r->s);
	OPENSSL_cleanse(id, sizeof(id));
	return r->have_s;
}

static void
need_signin(struct wreq *r)
{
	r->resp->status = MHD_HTTP_UNAUTHORIZED;
	r->resp->result = VD_R_UNAUTHORIZED;
	signin_page(r,
	    L(r, "请先登录（或会话已过期）。",
		"Please sign in (or the session has expired)."));
}

/* 1 when the form's csrf is the session's, else a 403 page and 0. */
static int
csrf_ok(struct wreq *r)
{
	if (tc_token_eq(tc_webform_get(&r->form, "csrf", NULL), r->s.csrf))
		return 1;
	r->resp->status = MHD_HTTP_FORBIDDEN;
	r->resp->result = VD_R_FORBIDDEN;
	page_start(r, "请求被拒绝", "Refused");
	box(r, "error", "bad",
	    L(r, "表单已失效（缺少或错误的 CSRF 令牌），请从窗口页重新操作。",
		"The form is not valid (missing or wrong CSRF token): start again from the window page."));
	back_link(r);
	page_end(r);
	return 0;
}

/*
 * A signed-in POST: the body parsed, the session found and the form's
 * CSRF token the session's. 1, or 0 with the answer made (400, 415, the
 * sign-in page, 403).
 */
static int
signed_in_post(struct wreq *r)
{
	if (parse_body(r) != 0)
		return 0;
	if (!session_of(r)) {
		need_signin(r);
		return 0;
	}
	return csrf_ok(r);
}

static void
redirect(struct wreq *r, const char *to)
{
	tc_dresp_fixed(r->resp, MHD_HTTP_SEE_OTHER, VD_R_OK,
	    "text/plain; charset=utf-8", "", 0);
	r->resp->location = to;
}

/* POST /window/session */
static void
signin(struct wreq *r)
{
	struct vd_window_state *w = r->vd->window;
	const struct tc_staff_token *win;
	const char *tok, *lang;
	size_t n;
	unsigned wait;
	char msg[160];

	if (parse_body(r) != 0)
		return;
	if ((lang = tc_webform_get(&r->form, "lang", NULL)) != NULL)
		r->en = strcmp(lang, "en") == 0;
	if (r->vd->staff == NULL) {
		r->resp->status = MHD_HTTP_SERVICE_UNAVAILABLE;
		r->resp->result = VD_R_UNAVAILABLE;
		signin_page(r,
		    L(r, "本核验点未配置窗口令牌文件，窗口页不可用。",
			"No staff tokens file is configured: the window page is off."));
		return;
	}
	if ((wait = tc_dthrottle_take(w->signin_tb, r->rq->client_key,
		 r->rq->client_keylen, vd_mono_ns())) != 0) {
		r->resp->status = MHD_HTTP_TOO_MANY_REQUESTS;
		r->resp->result = VD_R_THROTTLED;
		snprintf(r->resp->retry_after, sizeof(r->resp->retry_after),
		    "%u", wait);
		snprintf(msg, sizeof(msg),
		    r->en
			? "Too many sign-ins from this address: try again in %u seconds."
			: "登录尝试过于频繁，请 %u 秒后再试。",
		    wait);
		signin_page(r, msg);
		return;
	}
	tok = tc_webform_get(&r->form, "token", &n);
	while (tok != NULL && n > 0 && (*tok == ' ' || tok[n - 1] == ' ')) {
		if (*tok == ' ')
			tok++;
		n--;
	}
	if (tok == NULL || n == 0 ||
	    (win = tc_staff_tokens_lookup(r->vd->staff, tok, n)) == NULL) {
		r->resp->status = MHD_HTTP_UNAUTHORIZED;
		r->resp->result = VD_R_UNAUTHORIZED;
		signin_page(
		    r, L(r, "令牌不正确。", "That token is not known."));
		return;
	}
	if (sess_new(w, win, r->en, &r->s) != 0) {
		tc_dresp_nomem(r->vd->d, r->resp);
		return;
	}
	redirect(r, "/window/");
	snprintf(r->resp->set_cookie, sizeof(r->resp->set_cookie),
	    "%s=%s; Path=/window; HttpOnly; SameSite=Strict%s", WIN_COOKIE,
	    r->s.id, tc_daemon_tls(r->vd->d) ? "; Secure" : "");
	vd_log_event(
	    r->vd, "window", "info", "window %s signed in", win->window);
}

/* POST /window/signout */
static void
signout(struct wreq *r)
{
	if (!signed_in_post(r))
		return;
	r->en = r->s.en;
	sess_drop(r->vd->window, r->s.id);
	redirect(r, r->en ? "/window?lang=en" : "/window");
	snprintf(r->resp->set_cookie, sizeof(r->resp->set_cookie),
	    "%s=; Path=/window; HttpOnly; SameSite=Strict; Max-Age=0%s",
	    WIN_COOKIE, tc_daemon_tls(r->vd->d) ? "; Secure" : "");
}

/* GET /window/[?service=ID][&lang=en|zh] */
static void
home(struct wreq *r)
{
	static const char *const allowed[] = { "service", "lang", NULL };
	static _Thread_local struct tc_form q;
	struct vd_bundle *b = vd_bundle_get(r->vd);
	const char *sid, *notice = NULL;
	char msg[256];

	if (tc_form_parse(
		&q, r->rq->query, r->rq->querylen, msg, sizeof(msg)) != 0 ||
	    tc_form_only(&q, allowed, msg, sizeof(msg)) != 0) {
		r->resp->status = MHD_HTTP_BAD_REQUEST;
		r->resp->result = VD_R_BAD_REQUEST;
		home_page(r, b, msg);
		vd_bundle_put(b);
		return;
	}
	if ((sid = tc_form_get(&q, "service", NULL)) != NULL) {
		if (strlen(sid) < sizeof(r->s.service) &&
		    in_scope(b, r->s.win, sid))
			snprintf(r->s.service, sizeof(r->s.service), "%s", sid);
		else {
			r->resp->status = MHD_HTTP_NOT_FOUND;
			r->resp->result = VD_R_NOT_FOUND;
			notice = L(r, "本窗口没有这项服务。",
			    "This window has no such service to count.");
		}
	}
	sess_update(r->vd->window, &r->s);
	home_page(r, b, notice);
	vd_bundle_put(b);
}

/* A tap id: 32 lower-case hex digits. */
static int
tap_id_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 32;
}

/*
 * The verdict of a tap at the window's reader ("newest", or a tap id) into
 * *v and its id into id: 0, or -1 (no such tap, or too old). The reader
 * applied the card's status when it read the card; a list that was stale
 * then makes the verdict UNKNOWN-STATUS under stale-policy fail, else a
 * warning (*warning).
 */
static int
tap_verdict(struct wreq *r, const char *which, struct tc_verdict *v,
    char id[33], const char **warning)
{
	struct vd_tap *t;
	int rc;

	if ((t = malloc(sizeof(*t))) == NULL)
		return -1;
	rc = strcmp(which, "newest") == 0 ? vd_reader_newest(r->vd, t)
	    : tap_id_ok(which)		  ? vd_reader_find(r->vd, which, t)
					  : -1;
	if (rc == 0) {
		*v = t->res.v;
		memcpy(id, t->id, 33);
		if (t->stale && v->valid &&
		    r->vd->conf.stale_policy == TC_STALE_FAIL) {
			v->valid = 0;
			v->reason = TC_REASON_STALE_REVOCATIONS;
		} else if (t->stale && v->valid)
			*warning =
			    "the revocation list of this verifier is out of date: a recent revocation may be missing";
	}
	OPENSSL_cleanse(t, sizeof(*t));
	free(t);
	return rc;
}

/* POST /window/scan */
static void
scan(struct wreq *r)
{
	struct vd_ctx *vd = r->vd;
	struct tc_verdict_note note = { NULL, NULL, NULL, NULL, NULL };
	struct usage_arg a;
	struct vd_bundle *b = NULL;
	const struct tc_programme *p = NULL;
	struct tc_verdict *v = NULL;
	const char *qr, *id, *tap;
	char tapid[33] = "", msg[128];
	size_t qrlen = 0, idlen = 0;
	unsigned wait;

	if (!signed_in_post(r))
		return;
	qr = tc_webform_get(&r->form, "qr", &qrlen);
	tap = tc_webform_get(&r->form, "tap", NULL);
	id = tc_webform_get(&r->form, "id", &idlen);
	if (id != NULL && idlen == 0)
		id = NULL;
	if (tap != NULL && tap[0] == '\0')
		tap = NULL;
	if (tap == NULL &&
	    (qr == NULL || qrlen == 0 || qrlen > TC_CRED_TEXT_MAX)) {
		r->resp->status = MHD_HTTP_BAD_REQUEST;
		r->resp->result = VD_R_BAD_REQUEST;
		b = vd_bundle_get(vd);
		home_page(r, b,
		    L(r, "请扫描电子卡的二维码。",
			"Scan the e-card's QR code (the field was empty or too long)."));
		goto out;
	}
	if (id != NULL &&
	    (wait = tc_dthrottle_take(vd->client_tb, r->rq->client_key,
		 r->rq->client_keylen, vd_mono_ns())) != 0) {
		r->resp->status = MHD_HTTP_TOO_MANY_REQUESTS;
		r->resp->result = VD_R_THROTTLED;
		snprintf(r->resp->retry_after, sizeof(r->resp->retry_after),
		    "%u", wait);
		b = vd_bundle_get(vd);
		home_page(r, b,
		    L(r, "带证件号码的核验过于频繁，请稍后再试。",
			"Too many checks with an ID number: try again shortly."));
		goto out;
	}
	if ((v = malloc(sizeof(*v))) == NULL ||
	    (b = vd_bundle_need(vd, r->resp)) == NULL)
		goto unavailable;
	if (tap != NULL) {
		if (tap_verdict(r, tap, v, tapid, &note.warning) != 0) {
			r->resp->status = MHD_HTTP_NOT_FOUND;
			r->resp->result = VD_R_NOT_FOUND;
			home_page(r, b,
			    L(r,
				"读卡器上最近没有读到卡：请把卡放到读卡器上，再按一次。",
				"No card was read at the reader lately: put the card on the reader, then press again."));
			goto out;
		}
		/* The holder binding, as /v1/verify checks it (a scrypt). */
		if (id != NULL && v->valid && v->have_claims &&
		    tc_claims_check_id(&v->claims, id, msg, sizeof(msg)) ==
			TC_ERR_POLICY) {
			v->valid = 0;
			v->reason = TC_REASON_ID_MISMATCH;
			snprintf(v->message, sizeof(v->message), "%s",
			    "the ID number does not match the holder");
		}
		p = tc_verdict_programme(v, b->progs->set);
	} else {
		if (vd_budget_verify(vd, qr, qrlen, b, id, v, r->resp) != 0)
			goto unavailable;
		p = tc_verdict_programme(v, b->progs->set);
		vd_verdict_status(vd, b, v, vd_now(vd), 0, &note);
	}
	if (v->have_claims)
		vd_mask_card(v->claims.card_no, r->rq->subject);
	r->resp->status = MHD_HTTP_OK;
	r->resp->result = vd_verdict_result(v);
	page_start(r, "核验结果", "Verdict");
	verdict_box(r, v, p, note.warning);
	if (v->valid && p != NULL && vd->ledger != NULL) {
		r->bad |= tc_buf_printf(r->b,
		    "<section id=\"uses\" data-channel=\"%s\"><h2>%s</h2>\n",
		    tap != NULL ? "chip" : "qr",
		    L(r, "本窗口可办理的服务", "Services at this window"));
		memset(&a, 0, sizeof(a));
		a.r = r;
		a.v = v;
		a.qr = qr;
		a.tap = tap != NULL ? tapid : NULL;
		each_service(p, r->s.win, usage_one, &a);
		a.pass = 1;
		each_service(p, r->s.win, usage_one, &a);
		if (a.failed)
			r->bad |=
			    tc_buf_printf(r->b, "<p class=\"bad\">%s</p>\n",
				L(r, "使用记录暂时无法读取。",
				    "The ledger cannot be read just now."));
		else if (a.n == 0)
			r->bad |= tc_buf_printf(r->b, "<p id=\"none\">%s</p>\n",
			    L(r, "该卡在本窗口没有可办理的服务。",
				"The card has no service this window may count."));
		r->bad |= tc_buf_puts(r->b, "</section>\n");
	}
	back_link(r);
	page_end(r);
	goto out;
unavailable:
	/* resp holds the JSON error: an HTML page instead, same status. */
	{
		unsigned st = r->resp->status == MHD_HTTP_OK
		    ? MHD_HTTP_INTERNAL_SERVER_ERROR
		    : r->resp->status;
		int res = r->resp->status == MHD_HTTP_OK ? VD_R_ERROR
							 : r->resp->result;

		tc_buf_release(&r->resp->body);
		tc_buf_init(&r->resp->body, 1u << 20);
		r->resp->ctype = "text/html; charset=utf-8";
		r->resp->status = st;
		r->resp->result = res;
		page_start(r, "暂时无法核验", "Unavailable");
		box(r, "error", "bad",
		    L(r, "暂时无法核验，请稍后再试。",
			"The card cannot be checked just now: try again shortly."));
		back_link(r);
		page_end(r);
	}
out:
	vd_bundle_put(b);
	if (v != NULL) {
		OPENSSL_cleanse(v, sizeof(*v));
		free(v);
	}
}

static void
receipt(struct wreq *r, const char *sid, const struct tc_redeem_result *res,
    int party)
{
	if (res->allowed) {
		r->bad |= tc_buf_printf(r->b,
		    "<section id=\"receipt\" class=\"ok\" data-use=\"%lld\" data-replay=\"%d\">\n"
		    "<p class=\"verdict\">%s</p>\n<p>%s <b id=\"service\">",
		    (long long)res->use_id, res->replay,
		    res->replay ? L(r, "已计过", "Already counted")
				: L(r, "已计一次", "Counted"),
		    L(r, "服务", "Service"));
		r->bad |= tc_html_put(r->b, sid);
		r->bad |= tc_buf_printf(r->b,
		    "</b></p>\n<p>%s <b id=\"use\">%lld</b> · %s %d</p>\n",
		    L(r, "使用编号", "Use number"), (long long)res->use_id,
		    L(r, "人数", "party"), party);
	} else {
		r->bad |= tc_buf_printf(r->b,
		    "<section id=\"receipt\" class=\"bad\" data-refused=\"%s\">\n"
		    "<p class=\"verdict\">%s</p>\n<p id=\"why\">",
		    res->reason != NULL ? res->reason : "",
		    L(r, "未计入", "Refused"));
		r->bad |= tc_html_put(r->b, reason_text(r, res->reason));
		if (res->exclusive_with[0] != '\0') {
			r->bad |= tc_buf_puts(r->b, " (");
			r->bad |= tc_html_put(r->b, res->exclusive_with);
			r->bad |= tc_buf_puts(r->b, ")");
		}
		r->bad |= tc_buf_puts(r->b, "</p>\n");
	}
	put_quota(r, res);
	r->bad |= tc_buf_puts(r->b, "</section>\n");
}

/* A party size: 1 to TC_REDEEM_PARTY_MAX in decimal digits; 0 or -1. */
static int
party_parse(const char *s, int *out)
{
	int v = 0;

	if (*s == '\0' || strlen(s) > 2)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < 1 || v > TC_REDEEM_PARTY_MAX)
		return -1;
	*out = v;
	return 0;
}

/* POST /window/redeem */
static void
redeem(struct wreq *r)
{
	struct vd_ctx *vd = r->vd;
	struct tc_verdict_note note = { NULL, NULL, NULL, NULL, NULL };
	struct tc_redeem_result res;
	struct tc_redeem q;
	struct vd_bundle *b = NULL;
	const struct tc_programme *p;
	struct tc_verdict *v = NULL;
	const char *qr, *sid, *reqid, *pty, *tap;
	size_t qrlen = 0;
	char msg[512], tapid[33];
	int party = 1, rc;
	time_t now = vd_now(vd);

	if (!signed_in_post(r))
		return;
	qr = tc_webform_get(&r->form, "qr", &qrlen);
	tap = tc_webform_get(&r->form, "tap", NULL);
	if (tap != NULL && !tap_id_ok(tap))
		tap = NULL;
	sid = tc_webform_get(&r->form, "service", NULL);
	reqid = tc_webform_get(&r->form, "request_id", NULL);
	pty = tc_webform_get(&r->form, "party", NULL);
	if ((tap == NULL &&
		(qr == NULL || qrlen == 0 || qrlen > TC_CRED_TEXT_MAX)) ||
	    sid == NULL || strlen(sid) >= TC_LEDGER_SERVICE_MAX ||
	    reqid == NULL || !tc_request_id_ok(reqid) ||
	    (pty != NULL && pty[0] != '\0' && party_parse(pty, &party) != 0)) {
		r->resp->status = MHD_HTTP_BAD_REQUEST;
		r->resp->result = VD_R_BAD_REQUEST;
		page_start(r, "请求有误", "Bad request");
		box(r, "error", "bad",
		    L(r,
			"表单不完整：需要二维码、服务、请求编号，人数为 1–99。",
			"The form is incomplete: it needs the QR text, the service, a request id, and a party of 1 to 99."));
		back_link(r);
		page_end(r);
		return;
	}
	if (vd->ledger == NULL) {
		r->resp->status = MHD_HTTP_SERVICE_UNAVAILABLE;
		r->resp->result = VD_R_UNAVAILABLE;
		page_start(r, "无法计数", "Unavailable");
		box(r, "error", "bad",
		    L(r, "本核验点没有配置使用记录（ledger），不能计数。",
			"No ledger is configured: uses cannot be counted here."));
		back_link(r);
		page_end(r);
		return;
	}
	if ((v = malloc(sizeof(*v))) == NULL)
		goto nomem;
	if (tap != NULL && (b = vd_bundle_get(vd)) != NULL &&
	    tap_verdict(r, tap, v, tapid, &note.warning) != 0) {
		r->resp->status = MHD_HTTP_NOT_FOUND;
		r->resp->result = VD_R_NOT_FOUND;
		page_start(r, "未计入", "Not counted");
		box(r, "error", "bad",
		    L(r, "这次刷卡已过期或不存在，未计数：请重新刷卡。",
			"That tap is too old or unknown; nothing was counted: tap the card again."));
		back_link(r);
		page_end(r);
		goto out;
	}
	if ((tap == NULL && (b = vd_bundle_get(vd)) == NULL) || b == NULL ||
	    (tap == NULL &&
		tc_credential_verify(qr, qrlen,
		    tc_trust_keyring(b->trust->trust), b->rev->rev, now, NULL,
		    v) != 0)) {
		r->resp->status = MHD_HTTP_SERVICE_UNAVAILABLE;
		r->resp->result = VD_R_UNAVAILABLE;
		page_start(r, "暂时无法核验", "Unavailable");
		box(r, "error", "bad",
		    L(r, "暂时无法核验，未计数，请稍后再试。",
			"The card cannot be checked just now; nothing was counted: try again shortly."));
		back_link(r);
		page_end(r);
		goto out;
	}
	/* Verified again: the page's hidden field is never trusted. */
	p = tc_verdict_programme(v, b->progs->set);
	if (tap == NULL)
		vd_verdict_status(vd, b, v, now, 0, &note);
	if (v->have_claims)
		vd_mask_card(v->claims.card_no, r->rq->subject);
	if (v->valid && p != NULL && !tc_staff_allows(r->s.win, p->id, sid)) {
		r->resp->status = MHD_HTTP_FORBIDDEN;
		r->resp->result = VD_R_FORBIDDEN;
		page_start(r, "不在本窗口范围", "Out of scope");
		box(r, "error", "bad",
		    L(r, "本窗口不能办理这项服务。",
			"This window may not count this service."));
		back_link(r);
		page_end(r);
		goto out;
	}
	if (!v->valid || p == NULL) {
		r->resp->status = MHD_HTTP_OK;
		r->resp->result = VD_R_REFUSED;
		page_start(r, "未计入", "Refused");
		verdict_box(r, v, p, note.warning);
		if (v->valid)
			box(r, "receipt", "bad",
			    reason_text(r, "unknown-programme"));
		back_link(r);
		page_end(r);
		goto out;
	}
	memset(&q, 0, sizeof(q));
	memset(&res, 0, sizeof(res));
	q.programme = p;
	q.service = sid;
	q.card_no = v->claims.card_no;
	q.tier = v->claims.tier;
	q.valid_from = (time_t)v->claims.issued_at;
	q.channel = tap != NULL ? TC_CHANNEL_CHIP : TC_CHANNEL_QR;
	q.party = party;
	q.request_id = reqid;
	q.window = r->s.win->window;
	q.now = now;
	rc = tc_ledger_redeem(vd->ledger, &q, &res, msg, sizeof(msg));
	if (rc != 0) {
		if (rc != TC_ERR_INVALID_ARG)
			vd_log_event(vd, "ledger", "error",
			    "redeem not recorded: %s", msg);
		r->resp->status = rc == TC_ERR_INVALID_ARG
		    ? MHD_HTTP_BAD_REQUEST
		    : rc == TC_ERR_DB_BUSY || rc == TC_ERR_DB_DOWN
		    ? MHD_HTTP_SERVICE_UNAVAILABLE
		    : MHD_HTTP_INTERNAL_SERVER_ERROR;
		r->resp->result = rc == TC_ERR_INVALID_ARG ? VD_R_BAD_REQUEST
							   : VD_R_UNAVAILABLE;
		if (r->resp->status == MHD_HTTP_SERVICE_UNAVAILABLE)
			snprintf(r->resp->retry_after,
			    sizeof(r->resp->retry_after), "%s", "5");
		page_start(r, "未计入", "Not counted");
		box(r, "error", "bad",
		    L(r, "使用记录暂时无法写入，未计数：请再按一次同一按钮。",
			"The ledger could not record the use; nothing was counted: press the same button again."));
		back_link(r);
		page_end(r);
		goto out;
	}
	r->resp->status = MHD_HTTP_OK;
	r->resp->result = res.allowed ? VD_R_ALLOWED : VD_R_REFUSED;
	page_start(r, res.allowed ? "已计入" : "未计入",
	    res.allowed ? "Counted" : "Refused");
	r->bad |= tc_buf_puts(r->b, "<p>");
	r->bad |= tc_html_put(r->b, v->claims.name);
	r->bad |= tc_buf_printf(r->b, " · %s</p>\n", v->claims.card_no);
	receipt(r, sid, &res, party);
	back_link(r);
	page_end(r);
	goto out;
nomem:
	tc_dresp_nomem(vd->d, r->resp);
out:
	vd_bundle_put(b);
	if (v != NULL) {
		OPENSSL_cleanse(v, sizeof(*v));
		free(v);
	}
}

/*
 * A POST from another site's page is refused: besides the cookie's
 * SameSite=Strict, it keeps another site's page from signing a browser in
 * to a window. Sec-Fetch-Site, when sent, must be same-origin or none;
 * Origin, when sent and not "null" (what a browser sends under
 * Referrer-Policy: no-referrer), must name this host. A request with
 * neither (curl, an old browser) passes.
 */
static int
same_origin(const struct tc_dreq *rq)
{
	const char *o = tc_dreq_header(rq, "Origin");
	const char *f = tc_dreq_header(rq, "Sec-Fetch-Site");
	const char *h = tc_dreq_header(rq, MHD_HTTP_HEADER_HOST);
	const char *p;

	if (f != NULL && strcmp(f, "same-origin") != 0 &&
	    strcmp(f, "none") != 0)
		return 0;
	if (o == NULL || strcmp(o, "null") == 0)
		return 1;
	if (h == NULL || (p = strstr(o, "://")) == NULL)
		return 0;
	return strcasecmp(p + 3, h) == 0;
}

void
vd_ep_window(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	const char *path = rq->path != NULL ? rq->path : "";
	struct wreq *r;

	if (strcmp(path, "/window/window.css") == 0) {
		tc_dresp_fixed(resp, MHD_HTTP_OK, VD_R_OK,
		    "text/css; charset=utf-8", css, sizeof(css) - 1);
		resp->cache = "public, max-age=3600";
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		tc_dresp_nomem(d, resp);
		return;
	}
	r->vd = vd;
	r->rq = rq;
	r->resp = resp;
	r->b = &resp->body;
	tc_webform_init(&r->form);
	tc_buf_init(&resp->body, 1u << 20);
	resp->ctype = "text/html; charset=utf-8";
	resp->html_security = 1;
	resp->csp = WIN_CSP;
	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
	r->en = lang_of(rq, -1);
	if (rq->method_post && !same_origin(rq)) {
		resp->status = MHD_HTTP_FORBIDDEN;
		resp->result = VD_R_FORBIDDEN;
		page_start(r, "请求被拒绝", "Refused");
		box(r, "error", "bad",
		    L(r, "该表单来自其他网站，已拒绝。",
			"The form came from another site: refused."));
		page_end(r);
	} else if (strcmp(path, "/window") == 0) {
		if (session_of(r)) {
			r->en = lang_of(rq, r->s.en);
			redirect(r, "/window/");
		} else
			signin_page(r, NULL);
	} else if (strcmp(path, "/window/session") == 0)
		signin(r);
	else if (strcmp(path, "/window/signout") == 0) {
		signout(r);
	} else if (strcmp(path, "/window/") == 0) {
		if (!session_of(r))
			need_signin(r);
		else {
			r->en = r->s.en = lang_of(rq, r->s.en);
			home(r);
		}
	} else if (strcmp(path, "/window/scan") == 0 ||
	    strcmp(path, "/window/redeem") == 0) {
		/* The language of the session, before the body is read. */
		struct wsess peek;
		char id[TC_COOKIE_VALUE_MAX + 1], msg[128];

		if (tc_cookie_get(tc_dreq_header(rq, "Cookie"), WIN_COOKIE, id,
			sizeof(id), msg, sizeof(msg)) == 0 &&
		    sess_find(vd->window, id, &peek))
			r->en = peek.en;
		OPENSSL_cleanse(id, sizeof(id));
		OPENSSL_cleanse(&peek, sizeof(peek));
		if (strcmp(path, "/window/scan") == 0)
			scan(r);
		else
			redeem(r);
	} else {
		tc_buf_release(&resp->body);
		resp->html_security = 0;
		tc_dresp_not_found(d, resp);
	}
	if (resp->fixed == NULL && resp->ctype != NULL &&
	    strncmp(resp->ctype, "text/html", 9) == 0)
		tc_dresp_checked(resp, r->bad);
	tc_webform_release(&r->form);
	OPENSSL_cleanse(r, sizeof(*r));
	free(r);
}
