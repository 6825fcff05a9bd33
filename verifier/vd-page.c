/* SPDX-License-Identifier: MIT */
/*
 * The public lookup page: GET /lookup shows a form with the three fields
 * (card number, name, ID number) in Chinese and English; the form is
 * POSTed back to /lookup (so the name and ID number stay out of the
 * address bar, browser history and proxy logs) and the answer is the same
 * page with the result above the form. Plain HTML with inline CSS: no
 * external assets, no JavaScript, readable on a phone. The page never
 * echoes what was typed, so every no-match page is the same bytes. The
 * lookup itself is vd_lookup_run (vd-lookup.c), shared with the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "tcard/buf.h"
#include "tcard/html.h"
#include "tcard/httpreq.h"
#include "verdict-json.h"
#include "vd.h"

static const char head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"zh-CN\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>人才服务卡查询 · Talent card lookup</title>\n"
    "<style>\n"
    "body{margin:0;font-family:system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;background:#f4f6f8;color:#1a1a1a;line-height:1.5}\n"
    "main{max-width:32rem;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.3rem;margin:.5rem 0 1rem}\n"
    "h1 small{display:block;font-size:.9rem;color:#555;font-weight:normal}\n"
    "form{background:#fff;border-radius:.5rem;padding:1rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}\n"
    "label{display:block;margin:.8rem 0 .2rem;font-weight:600}\n"
    "label span{font-weight:normal;color:#555}\n"
    "input{box-sizing:border-box;width:100%;font-size:1.1rem;padding:.6rem;border:1px solid #999;border-radius:.3rem}\n"
    "button{margin-top:1.2rem;width:100%;font-size:1.1rem;padding:.7rem;border:0;border-radius:.3rem;background:#0b5cad;color:#fff}\n"
    ".r{border-radius:.5rem;padding:1rem;margin-bottom:1rem;border-left:.4rem solid}\n"
    ".r h2{margin:0 0 .3rem;font-size:1.2rem}\n"
    ".r p{margin:.2rem 0}\n"
    ".ok{background:#e7f6ea;border-color:#1e7b34}\n"
    ".warn{background:#fff6e0;border-color:#b07800}\n"
    ".bad{background:#fdeaea;border-color:#b3261e}\n"
    ".note{font-size:.85rem;color:#555;margin-top:1rem}\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<main>\n"
    "<h1>人才服务卡真伪查询<small>Talent service card lookup</small></h1>\n";

static const char form_html[] =
    "<form method=\"post\" action=\"/lookup\" autocomplete=\"off\">\n"
    "<label for=\"card\">卡号 <span>Card number</span></label>\n"
    "<input id=\"card\" name=\"card\" inputmode=\"numeric\" maxlength=\"40\" required placeholder=\"4401 0000 0000 0000\">\n"
    "<label for=\"name\">姓名 <span>Name</span></label>\n"
    "<input id=\"name\" name=\"name\" maxlength=\"120\" required>\n"
    "<label for=\"id\">证件号码 <span>ID document number</span></label>\n"
    "<input id=\"id\" name=\"id\" maxlength=\"40\" required>\n"
    "<button id=\"submit\" type=\"submit\">查询 Check</button>\n"
    "</form>\n"
    "<p class=\"note\">三项须全部填写。本页不记录姓名和证件号码。<br>All three fields are required. The name and ID number are neither logged nor stored.</p>\n"
    "</main>\n"
    "</body>\n"
    "</html>\n";

static const char no_match_html[] =
    "<section id=\"result\" class=\"r bad\" data-result=\"no-match\">\n"
    "<h2>未找到匹配 · No match</h2>\n"
    "<p>卡号、姓名与证件号码不属于同一张有效登记的卡，或该卡不存在。</p>\n"
    "<p>The card number, name and ID number do not belong to one registered card, or there is no such card.</p>\n"
    "</section>\n";

static int
text2(struct tc_buf *b, const struct tc_text *t, const char *fallback)
{
	int bad = 0;

	if (t != NULL && t->zh != NULL)
		bad |= tc_html_put(b, t->zh);
	if (t != NULL && t->zh != NULL && t->en != NULL)
		bad |= tc_buf_puts(b, " · ");
	if (t != NULL && t->en != NULL)
		bad |= tc_html_put(b, t->en);
	if (t == NULL || (t->zh == NULL && t->en == NULL))
		bad |= tc_html_put(b, fallback);
	return bad;
}

static int
match_html(struct tc_buf *b, const struct vd_lookup_out *out)
{
	static const struct {
		enum vd_result r;
		const char *cls, *zh, *en, *zh_more, *en_more;
	} kinds[] = {
		{ VD_R_VALID, "ok", "有效", "Valid", "该卡真实有效。",
		    "The card is genuine and valid." },
		{ VD_R_EXPIRED, "bad", "已过期", "Expired",
		    "该卡真实，但已过有效期。",
		    "The card is genuine but has expired." },
		{ VD_R_REVOKED, "bad", "已撤销", "Revoked",
		    "该卡已被撤销，不再有效。",
		    "The card has been revoked and is no longer valid." },
		{ VD_R_SUSPENDED, "warn", "已暂停", "Suspended",
		    "该卡目前暂停使用。", "The card is suspended for now." },
		{ VD_R_UNKNOWN_STATUS, "warn", "状态未知", "Status unknown",
		    "本查询点的撤销名单已过期，无法确认该卡当前状态。",
		    "This service's revocation list is out of date: the card's current status cannot be confirmed." },
	};
	const struct tc_programme *p = NULL;
	const struct tc_tier *t = NULL;
	char when[40];
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].r == out->result)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return 0;
	if (out->b->progs->set != NULL &&
	    (p = tc_programme_set_find(
		 out->b->progs->set, out->ans.programme)) != NULL)
		t = tc_programme_tier(p, out->ans.tier);
	/* expires_at is exclusive: the last valid moment is one second before. */
	tc_verdict_time(out->ans.expires_at - 1, when);
	when[10] = '\0';
	bad |= tc_buf_printf(b,
	    "<section id=\"result\" class=\"r %s\" data-result=\"%s\">\n"
	    "<h2>%s · %s</h2>\n<p>%s</p>\n<p>%s</p>\n",
	    kinds[i].cls, out->result_name, kinds[i].zh, kinds[i].en,
	    kinds[i].zh_more, kinds[i].en_more);
	bad |= tc_buf_puts(b, "<p>项目 Programme: <b id=\"programme\">");
	bad |= text2(b, p != NULL ? &p->names : NULL, out->ans.programme);
	bad |= tc_buf_puts(b, "</b></p>\n<p>等级 Tier: <b id=\"tier\">");
	bad |= text2(b, t != NULL ? &t->names : NULL, out->ans.tier);
	bad |= tc_buf_printf(b,
	    "</b></p>\n<p>有效期至 Valid until: <b id=\"expires\">%s</b></p>\n"
	    "</section>\n",
	    when);
	return bad;
}

static int
problem_html(struct tc_buf *b, const char *kind, const char *zh, const char *en,
    const char *detail)
{
	int bad = 0;

	bad |= tc_buf_printf(b,
	    "<section id=\"result\" class=\"r warn\" data-result=\"%s\">\n"
	    "<h2>%s · %s</h2>\n",
	    kind, zh, en);
	if (detail != NULL && detail[0] != '\0') {
		bad |= tc_buf_puts(b, "<p>");
		bad |= tc_html_put(b, detail);
		bad |= tc_buf_puts(b, "</p>\n");
	}
	bad |= tc_buf_puts(b, "</section>\n");
	return bad;
}

static int
is_form(const char *ct)
{
	static const char want[] = "application/x-www-form-urlencoded";
	size_t n = sizeof(want) - 1;

	return ct != NULL && strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

void
vd_ep_page(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	static const char *const allowed[] = { "card", "name", "id", NULL };
	struct vd_lookup_out out;
	struct tc_form *form = NULL;
	char msg[256];
	int bad = 0;

	tc_buf_init(&resp->body, 64 * 1024);
	resp->ctype = "text/html; charset=utf-8";
	resp->html_security = 1;
	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
	bad |= tc_buf_puts(&resp->body, head);
	if (!rq->method_post)
		goto done;
	if (!is_form(tc_dreq_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		resp->status = MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
		resp->result = VD_R_BAD_REQUEST;
		bad |= problem_html(&resp->body, "bad-request", "请求格式有误",
		    "Bad request",
		    "Send the form as application/x-www-form-urlencoded.");
		goto done;
	}
	if ((form = malloc(sizeof(*form))) == NULL) {
		resp->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		resp->result = VD_R_ERROR;
		bad |= problem_html(
		    &resp->body, "error", "内部错误", "Internal error", NULL);
		goto done;
	}
	if (tc_form_parse(form, (const char *)rq->body.data, rq->body.len, msg,
		sizeof(msg)) != 0 ||
	    tc_form_only(form, allowed, msg, sizeof(msg)) != 0) {
		resp->status = MHD_HTTP_BAD_REQUEST;
		resp->result = VD_R_BAD_REQUEST;
		bad |= problem_html(&resp->body, "bad-request", "请求格式有误",
		    "Bad request", msg);
		goto done;
	}
	vd_lookup_run(vd, rq, tc_form_get(form, "card", NULL),
	    tc_form_get(form, "name", NULL), tc_form_get(form, "id", NULL),
	    &out);
	resp->status = out.status;
	resp->result = out.result;
	if (out.status == MHD_HTTP_OK && out.result == VD_R_NO_MATCH)
		bad |= tc_buf_puts(&resp->body, no_match_html);
	else if (out.status == MHD_HTTP_OK)
		bad |= match_html(&resp->body, &out);
	else if (out.status == MHD_HTTP_TOO_MANY_REQUESTS) {
		snprintf(resp->retry_after, sizeof(resp->retry_after), "%u",
		    out.retry);
		snprintf(msg, sizeof(msg),
		    "查询过于频繁，请 %u 秒后再试。Too many lookups: please try again in %u seconds.",
		    out.retry, out.retry);
		bad |= problem_html(
		    &resp->body, "throttled", "请稍后再试", "Please wait", msg);
	} else if (out.status == MHD_HTTP_BAD_REQUEST)
		bad |= problem_html(&resp->body, "bad-request", "请检查输入",
		    "Please check what you typed", out.msg);
	else
		bad |= problem_html(&resp->body, "unavailable", "暂时无法查询",
		    "Lookup unavailable", out.msg);
	vd_lookup_done(&out);
done:
	bad |= tc_buf_puts(&resp->body, form_html);
	tc_dresp_checked(resp, bad);
	if (form != NULL) {
		OPENSSL_cleanse(form, sizeof(*form));
		free(form);
	}
}
