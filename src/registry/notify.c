/* SPDX-License-Identifier: MIT */
/*
 * The notifications outbox (include/tcard/notify.h, docs/notify.md): the
 * templates and their rendering, the rows the workflow writes inside the
 * event's transaction, and the notifier's claim and outcome, each in a
 * short transaction of its own that changes only outbox bookkeeping (not
 * audited: the event the row stands for is).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "app-int.h"
#include "registry-int.h"
#include "tcard/applicant.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/hex.h"
#include "tcard/notify.h"
#include "tcard/organisation.h"
#include "tcard/role.h"
#include "tcard/workday.h"

static const char *const event_names[] = {
	[TC_NOTIFY_RETURNED] = "returned",
	[TC_NOTIFY_REJECTED] = "rejected",
	[TC_NOTIFY_APPROVED] = "approved",
	[TC_NOTIFY_ISSUED] = "issued",
	[TC_NOTIFY_ECARD] = "ecard",
	[TC_NOTIFY_REACHED_UNIT] = "reached-unit",
	[TC_NOTIFY_UNIT_CARD_ISSUED] = "unit-card-issued",
	[TC_NOTIFY_OVERDUE] = "overdue",
	[TC_NOTIFY_ACCOUNT_VERIFY] = "account-verify",
	[TC_NOTIFY_PASSWORD_RESET] = "password-reset",
};

const char *
tc_notify_event_name(enum tc_notify_event ev)
{
	return tc_reg_name(event_names, TC_REG_NAMES(event_names), (int)ev);
}

/* The built-in templates: "SUBJECT\n\nBODY", per event, zh then en. */
static const struct {
	const char *zh, *en;
} templates[] = {
	[TC_NOTIFY_RETURNED] = { "{programme}申请 {app} 已退回补正\n\n"
				 "您的{programme}申请（编号 {app}）已被退回，请补充材料后重新提交。\n"
				 "退回原因：{reason}\n\n查看与补正：{link}\n",
	    "{programme}: application {app} returned for more material\n\n"
	    "Your application {app} for the {programme} was returned.\n"
	    "Reason: {reason}\n\nSee it and resubmit: {link}\n" },
	[TC_NOTIFY_REJECTED] = { "{programme}申请 {app} 未通过\n\n"
				 "您的{programme}申请（编号 {app}）未获通过。\n"
				 "原因：{reason}\n\n详情：{link}\n",
	    "{programme}: application {app} rejected\n\n"
	    "Your application {app} for the {programme} was rejected.\n"
	    "Reason: {reason}\n\nDetails: {link}\n" },
	[TC_NOTIFY_APPROVED] = { "{programme}申请 {app} 已审批通过\n\n"
				 "您的{programme}申请（编号 {app}）已审批通过，正在制卡。\n\n"
				 "进度：{link}\n",
	    "{programme}: application {app} approved\n\n"
	    "Your application {app} for the {programme} was approved; the card is being made.\n\nProgress: {link}\n" },
	[TC_NOTIFY_ISSUED] = { "{programme}已发卡（申请 {app}）\n\n"
			       "您的{programme}已发放，卡号 {card}。\n\n详情：{link}\n",
	    "{programme}: your card is issued (application {app})\n\n"
	    "Your {programme} card {card} is issued.\n\nDetails: {link}\n" },
	[TC_NOTIFY_ECARD] = { "{programme}电子卡已可下载（申请 {app}）\n\n"
			      "您的{programme}电子卡（卡号 {card}）已可在网上下载。\n\n"
			      "下载：{link}\n",
	    "{programme}: your e-card is ready (application {app})\n\n"
	    "The e-card of your {programme} card {card} is ready.\n\n"
	    "Download: {link}\n" },
	[TC_NOTIFY_REACHED_UNIT] = { "{programme}申请 {app} 待贵单位审核\n\n"
				     "{programme}申请（编号 {app}）已到达贵单位的审核环节，请登录系统办理。\n",
	    "{programme}: application {app} awaits your unit's review\n\n"
	    "Application {app} for the {programme} has reached your unit's step; please sign in to the console to act on it.\n" },
	[TC_NOTIFY_UNIT_CARD_ISSUED] = { "{programme}已为贵单位人员发卡（申请 {app}）\n\n"
					 "贵单位人员的{programme}申请（编号 {app}）已发卡，卡号 {card}。\n",
	    "{programme}: card issued to your employee (application {app})\n\n"
	    "The card {card} of application {app} for the {programme} of your employee is issued.\n" },
	[TC_NOTIFY_OVERDUE] = { "{programme}申请 {app} 已超期\n\n"
				"您审核队列中的{programme}申请（编号 {app}）已超过办理期限。\n",
	    "{programme}: application {app} is overdue\n\n"
	    "Application {app} for the {programme} in your queue is past its deadline.\n" },
	[TC_NOTIFY_ACCOUNT_VERIFY] = { "请确认您的人才服务卡申请账号\n\n"
				       "请打开以下链接确认本账号（3 天内有效）：\n{link}\n\n"
				       "如非本人注册，请忽略本邮件。\n",
	    "Confirm your talent card account\n\n"
	    "Open this link to confirm the account (valid for 3 days):\n"
	    "{link}\n\nIf you did not register, ignore this message.\n" },
	[TC_NOTIFY_PASSWORD_RESET] = { "重设人才服务卡申请账号的密码\n\n"
				       "请打开以下链接设置新密码（1 小时内有效）：\n{link}\n\n"
				       "如非本人操作，请忽略本邮件，原密码不变。\n",
	    "Set a new password for your talent card account\n\n"
	    "Open this link to set a new password (valid for one hour):\n"
	    "{link}\n\nIf you did not ask for it, ignore this message; the password stays as it was.\n" },
};

const char *
tc_notify_default_template(enum tc_notify_event ev, const char *lang)
{
	if (ev < TC_NOTIFY_RETURNED || ev > TC_NOTIFY_PASSWORD_RESET ||
	    lang == NULL)
		return NULL;
	if (strcmp(lang, "zh") == 0)
		return templates[ev].zh;
	if (strcmp(lang, "en") == 0)
		return templates[ev].en;
	return NULL;
}

/* The value of placeholder name (len bytes), or NULL for an unknown one. */
static const char *
var_value(
    const struct tc_notify_vars *v, const char *name, size_t len, char num[24])
{
	if (len == 3 && memcmp(name, "app", 3) == 0) {
		snprintf(num, 24, "%lld", (long long)v->app);
		return num;
	}
	if (len == 9 && memcmp(name, "programme", 9) == 0)
		return v->programme != NULL ? v->programme : "";
	if (len == 6 && memcmp(name, "reason", 6) == 0)
		return v->reason != NULL ? v->reason : "";
	if (len == 4 && memcmp(name, "link", 4) == 0)
		return v->link != NULL ? v->link : "";
	if (len == 4 && memcmp(name, "card", 4) == 0)
		return v->card != NULL ? v->card : "";
	return NULL;
}

/* Appends s[0..len) to b with every {placeholder} filled from v. */
static void
fill(
    struct tc_buf *b, const char *s, size_t len, const struct tc_notify_vars *v)
{
	const char *end = s + len, *close, *val;
	char num[24];

	while (s < end) {
		if (*s == '{' &&
		    (close = memchr(s + 1, '}', (size_t)(end - s - 1))) !=
			NULL &&
		    (val = var_value(v, s + 1, (size_t)(close - s - 1), num)) !=
			NULL) {
			tc_buf_put(b, val, strlen(val));
			s = close + 1;
			continue;
		}
		tc_buf_put(b, s, 1);
		s++;
	}
}

static int
id_char(char c)
{
	return isdigit((unsigned char)c) || c == 'X' || c == 'x';
}

/*
 * Masks, in place, every run of 15, or 17 and more, digits (an X among
 * them): the lengths of resident ID numbers (old and new) and longer, an
 * ID number a reviewer typed into a reason must not go out by e-mail. A
 * run of 16 is a card number (TC_CARDNO), which messages name. The first
 * 3 and the last character stay, the rest become '*'.
 */
static void
mask_ids(char *s)
{
	size_t i = 0, j, k;

	while (s[i] != '\0') {
		for (j = i; id_char(s[j]); j++)
			;
		if (j - i == 15 || j - i >= 17)
			for (k = i + 3; k < j - 1; k++)
				s[k] = '*';
		i = j > i ? j : i + 1;
	}
}

int
tc_notify_render(const char *tmpl, const struct tc_notify_vars *v,
    char subject[TC_NOTIFY_SUBJECT_MAX + 1], char *body, size_t bodylen,
    char *err, size_t errlen)
{
	const char *nl;
	struct tc_buf b;
	size_t i;
	int r;

	if (tmpl == NULL || v == NULL || subject == NULL || body == NULL)
		return tc_reg_no_arg(err, errlen);
	subject[0] = body[0] = '\0';
	if ((nl = strstr(tmpl, "\n\n")) == NULL || nl == tmpl)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "a template is a subject line, an empty line, then the body");
	tc_buf_init(&b, TC_NOTIFY_SUBJECT_MAX + 1);
	fill(&b, tmpl, (size_t)(nl - tmpl), v);
	tc_buf_put(&b, "", 1);
	if ((r = b.err) != 0) {
		tc_buf_release(&b);
		return tc_seterr(err, errlen, r,
		    "the subject is longer than %d bytes",
		    TC_NOTIFY_SUBJECT_MAX);
	}
	memcpy(subject, b.data, b.len);
	tc_buf_release(&b);
	for (i = 0; subject[i] != '\0'; i++)
		if ((unsigned char)subject[i] < 0x20 || subject[i] == 0x7f)
			subject[i] = ' ';
	tc_buf_init(&b, bodylen);
	fill(&b, nl + 2, strlen(nl + 2), v);
	tc_buf_put(&b, "", 1);
	if ((r = b.err) != 0) {
		tc_buf_release(&b);
		subject[0] = '\0';
		return tc_seterr(err, errlen, r,
		    "the body is longer than %zu bytes", bodylen - 1);
	}
	memcpy(body, b.data, b.len);
	tc_buf_release(&b);
	if (!tc_app_text_ok(subject, TC_NOTIFY_SUBJECT_MAX, 0) ||
	    !tc_app_text_ok(body, bodylen, 1)) {
		subject[0] = body[0] = '\0';
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the rendered text is not UTF-8 text");
	}
	mask_ids(subject);
	mask_ids(body);
	return 0;
}

/* HOME/notify/NAME into out (HOME the directory of the registry file). */
static void
home_path(
    const struct tc_registry *reg, const char *name, char *out, size_t len)
{
	const char *slash = strrchr(reg->path, '/');

	if (slash == NULL)
		snprintf(out, len, "notify/%s", name);
	else
		snprintf(out, len, "%.*s/notify/%s", (int)(slash - reg->path),
		    reg->path, name);
}

/*
 * Reads the optional file HOME/notify/NAME into b (at most max bytes), NUL
 * terminated. *found is 0 when it does not exist. Returns 0 or the
 * reading error.
 */
static int
read_opt(const struct tc_registry *reg, const char *name, size_t max,
    struct tc_buf *b, int *found, char *err, size_t errlen)
{
	char path[4096];
	int r;

	*found = 0;
	home_path(reg, name, path, sizeof(path));
	r = tc_file_read(path, NULL, max, TC_FILE_NOFOLLOW, b, err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		return 0;
	if (r != 0)
		return r;
	tc_buf_put(b, "", 1);
	if (b->err != 0)
		return tc_seterr(err, errlen, b->err, "%s: too large", path);
	*found = 1;
	return 0;
}

/* The portal's address (HOME/notify/portal-url) and path into out. */
static int
portal_url(const struct tc_registry *reg, const char *path, char *out,
    size_t len, char *err, size_t errlen)
{
	struct tc_buf b;
	int found, r;
	size_t n;

	tc_buf_init(&b, 1024);
	if ((r = read_opt(reg, "portal-url", 1023, &b, &found, err, errlen)) !=
	    0) {
		tc_buf_release(&b);
		return r;
	}
	if (found) {
		n = strcspn((const char *)b.data, "\r\n");
		while (n > 0 && b.data[n - 1] == '/')
			n--;
		snprintf(
		    out, len, "%.*s%s", (int)n, (const char *)b.data, path);
	} else
		snprintf(out, len, "%s%s", TC_NOTIFY_PORTAL_DEFAULT, path);
	tc_buf_release(&b);
	return 0;
}

/* The portal link of application id into out. */
static int
portal_link(const struct tc_registry *reg, int64_t id, char *out, size_t len,
    char *err, size_t errlen)
{
	char path[64];

	snprintf(
	    path, sizeof(path), "/portal/applications/%lld", (long long)id);
	return portal_url(reg, path, out, len, err, errlen);
}

/*
 * The applicant's address and language: for an application made by an
 * applicant's account, the account's login when it is an e-mail address
 * and the account's language; else from a's form: contact.email ("" when
 * none) and contact.language ("en", else "zh").
 */
static void
applicant_of(struct tc_registry *reg, const struct tc_app *a,
    char rcpt[TC_NOTIFY_RCPT_MAX + 1], const char **lang)
{
	struct tc_applicant acct;
	json_t *form, *contact;
	const char *s;
	long long id;
	int end = 0;

	rcpt[0] = '\0';
	*lang = "zh";
	/* An application an applicant made online: its account's address. */
	if (sscanf(a->created_by, "applicant:%lld%n", &id, &end) == 1 &&
	    a->created_by[end] == '\0' &&
	    tc_applicant_get(reg, (int64_t)id, &acct, NULL, 0) == 0 &&
	    tc_notify_address_ok(acct.login)) {
		snprintf(rcpt, TC_NOTIFY_RCPT_MAX + 1, "%s", acct.login);
		*lang = strcmp(acct.language, "en") == 0 ? "en" : "zh";
		return;
	}
	if (a->form == NULL || (form = json_loads(a->form, 0, NULL)) == NULL)
		return;
	contact = json_object_get(form, "contact");
	s = json_string_value(json_object_get(contact, "email"));
	if (tc_notify_address_ok(s))
		snprintf(rcpt, TC_NOTIFY_RCPT_MAX + 1, "%s", s);
	s = json_string_value(json_object_get(contact, "language"));
	if (s != NULL && strcmp(s, "en") == 0)
		*lang = "en";
	json_decref(form);
}

/* The template of ev for programme prog in lang, into b. */
static int
load_template(const struct tc_registry *reg, const char *prog,
    enum tc_notify_event ev, const char *lang, struct tc_buf *b, char *err,
    size_t errlen)
{
	const char *def = tc_notify_default_template(ev, lang);
	char name[256];
	int found, r;

	snprintf(name, sizeof(name), "%s/%s.%s.txt", prog,
	    tc_notify_event_name(ev), lang);
	if ((r = read_opt(reg, name, 16384, b, &found, err, errlen)) != 0 ||
	    found)
		return r;
	tc_buf_put(b, def, strlen(def) + 1);
	return b->err;
}

/*
 * The channels the authority sends by: the words of HOME/notify/channels
 * ("email", "webhook"), e-mail alone when the file does not exist.
 */
static int
channels_of(
    const struct tc_registry *reg, unsigned *mask, char *err, size_t errlen)
{
	struct tc_buf b;
	const char *w;
	int found, r;
	size_t n;

	*mask = TC_NOTIFY_EMAIL;
	tc_buf_init(&b, 256);
	if ((r = read_opt(reg, "channels", 255, &b, &found, err, errlen)) !=
		0 ||
	    !found)
		goto out;
	*mask = 0;
	for (w = (const char *)b.data; *w != '\0'; w += n) {
		w += strspn(w, " \t\r\n");
		if ((n = strcspn(w, " \t\r\n")) == 0)
			continue;
		if (n == 5 && memcmp(w, "email", 5) == 0)
			*mask |= TC_NOTIFY_EMAIL;
		else if (n == 7 && memcmp(w, "webhook", 7) == 0)
			*mask |= TC_NOTIFY_WEBHOOK;
		else {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "notify/channels: '%.*s' is no channel (email, webhook)",
			    (int)(n > 32 ? 32 : n), w);
			goto out;
		}
	}
out:
	tc_buf_release(&b);
	return r;
}

/* One row per channel of the authority, each with its own nonce. */
static int
insert_row(const struct tc_app_ctx *c, const struct tc_app *a,
    enum tc_notify_event ev, const char *rcpt, const char *lang,
    const char *subject, const char *body, char *err, size_t errlen)
{
	static const char *const names[] = { "email", "webhook" };
	unsigned mask;
	uint8_t rnd[8];
	char nonce[17];
	size_t i;
	int r;

	if ((r = channels_of(c->reg, &mask, err, errlen)) != 0)
		return r;
	for (i = 0; i < 2 && r == 0; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return tc_seterr(err, errlen, TC_ERR_CRYPTO,
			    "no random bytes for a message id");
		tc_hex_encode(rnd, sizeof(rnd), nonce);
		r = tc_reg_exec(c->reg,
		    "INSERT INTO outbox (created_at, event, application_id, channel, recipient, language, subject, body, nonce, next_attempt_at) VALUES (?1, ?2, ?3, ?9, ?4, ?5, ?6, ?7, ?8, ?1)",
		    "writing a notification", err, errlen, "ititttttt",
		    (int64_t)c->now, tc_notify_event_name(ev), a->id, rcpt,
		    lang, subject, body, nonce, names[i]);
	}
	return r;
}

/* The unit's address: organisation org's e-mail, "" when none. */
static int
unit_rcpt(struct tc_registry *reg, const char *org,
    char rcpt[TC_NOTIFY_RCPT_MAX + 1], char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	rcpt[0] = '\0';
	if (org == NULL || org[0] == '\0')
		return 0;
	if ((r = tc_reg_query(reg,
		 "SELECT email FROM organisations WHERE code = ?1", &st, err,
		 errlen, "t", org)) != 0 ||
	    (r = tc_reg_one_row(
		 reg, st, "reading an organisation", err, errlen, NULL)) != 0)
		return r == TC_ERR_NOT_FOUND ? 0 : r;
	r = tc_reg_col_text(st, 0, rcpt, TC_NOTIFY_RCPT_MAX + 1, 1);
	tc_reg_finalize(reg, st);
	if (r != 0)
		return tc_seterr(err, errlen, r,
		    "organisation %s: the stored e-mail is out of shape", org);
	return 0;
}

int
tc_notify_address_ok(const char *s)
{
	const char *at;
	size_t i;

	if (s == NULL || (at = strchr(s, '@')) == NULL || at == s ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || strlen(s) > TC_NOTIFY_RCPT_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f ||
		    strchr("<>,;:\"()[]\\", s[i]) != NULL)
			return 0;
	return 1;
}

int
tc_notify_set_email(struct tc_registry *reg, enum tc_notify_holder who,
    const char *key, const char *email, char *err, size_t errlen)
{
	const char *what = who == TC_NOTIFY_ORG ? "organisation" : "operator";
	int r;

	if (reg == NULL || key == NULL ||
	    (who != TC_NOTIFY_ORG && who != TC_NOTIFY_OPERATOR))
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "setting an e-mail", err, errlen)) != 0)
		return r;
	if (email != NULL && email[0] == '\0')
		email = NULL;
	if (email != NULL && !tc_notify_address_ok(email))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s %s: '%s' is not an e-mail address (local@domain, at most %d bytes)",
		    what, key, email, TC_NOTIFY_RCPT_MAX);
	if ((r = tc_reg_exec(reg,
		 who == TC_NOTIFY_ORG
		     ? "UPDATE organisations SET email = ?2 WHERE code = ?1"
		     : "UPDATE operators SET email = ?2 WHERE name = ?1",
		 "setting an e-mail", err, errlen, "tt", key, email)) != 0)
		return r;
	if (sqlite3_changes(reg->db) == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_NOT_FOUND, "no %s %s", what, key);
	return 0;
}

/*
 * Renders ev of a for rcpt in lang and writes its row. Returns 0, the
 * template's or rendering's error, TC_ERR_EXISTS (an overdue reminder
 * already written that day) or a database error.
 */
static int
enqueue(const struct tc_app_ctx *c, const struct tc_app *a,
    enum tc_notify_event ev, const char *rcpt, const char *lang,
    const char *reason, const char *card, char *err, size_t errlen)
{
	const struct tc_programme *p = NULL;
	char subject[TC_NOTIFY_SUBJECT_MAX + 1], *body = NULL, link[1200];
	char why[256];
	struct tc_notify_vars v;
	struct tc_buf t;
	int r;

	if (c->programmes != NULL)
		p = tc_programme_set_find(c->programmes, a->programme);
	memset(&v, 0, sizeof(v));
	v.app = a->id;
	v.programme = a->programme;
	if (p != NULL && strcmp(lang, "en") == 0 && p->names.en != NULL)
		v.programme = p->names.en;
	else if (p != NULL && p->names.zh != NULL)
		v.programme = p->names.zh;
	v.reason = reason;
	v.card = card;
	if ((r = portal_link(c->reg, a->id, link, sizeof(link), err, errlen)) !=
	    0)
		return r;
	v.link = link;
	tc_buf_init(&t, 16385);
	if ((body = malloc(TC_NOTIFY_BODY_MAX + 1)) == NULL)
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	else if ((r = load_template(
		      c->reg, a->programme, ev, lang, &t, err, errlen)) == 0 &&
	    (r = tc_notify_render((const char *)t.data, &v, subject, body,
		 TC_NOTIFY_BODY_MAX + 1, why, sizeof(why))) != 0)
		tc_seterr(err, errlen, r,
		    "notify/%s/%s.%s.txt (or built in): %s", a->programme,
		    tc_notify_event_name(ev), lang, why);
	else if (r == 0)
		r = insert_row(
		    c, a, ev, rcpt, lang, subject, body, err, errlen);
	tc_buf_release(&t);
	free(body);
	return r;
}

int
tc_notify_event(const struct tc_app_ctx *c, const struct tc_app *a,
    enum tc_notify_event ev, const char *org, const char *reason,
    const char *card, char *err, size_t errlen)
{
	char rcpt[TC_NOTIFY_RCPT_MAX + 1];
	const char *lang = "zh";
	int r = 0;

	if (c == NULL || c->reg == NULL || a == NULL ||
	    tc_notify_event_name(ev) == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(c->reg, "notifying", err, errlen)) != 0)
		return r;
	if (ev == TC_NOTIFY_REACHED_UNIT || ev == TC_NOTIFY_UNIT_CARD_ISSUED)
		r = unit_rcpt(c->reg, org != NULL ? org : a->employer_code,
		    rcpt, err, errlen);
	else
		applicant_of(c->reg, a, rcpt, &lang);
	if (r != 0 || rcpt[0] == '\0')
		return r;
	return enqueue(c, a, ev, rcpt, lang, reason, card, err, errlen);
}

int
tc_notify_account(struct tc_registry *reg, int64_t applicant,
    enum tc_notify_event ev, const char *token, time_t now, char *err,
    size_t errlen)
{
	char subject[TC_NOTIFY_SUBJECT_MAX + 1], *body = NULL, link[1200];
	char path[128], why[256], nonce[17];
	struct tc_applicant acct;
	struct tc_notify_vars v;
	const char *channel, *tmpl;
	unsigned mask;
	uint8_t rnd[8];
	int r;

	if (reg == NULL || token == NULL ||
	    (ev != TC_NOTIFY_ACCOUNT_VERIFY && ev != TC_NOTIFY_PASSWORD_RESET))
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "notifying", err, errlen)) != 0 ||
	    (r = tc_applicant_get(reg, applicant, &acct, err, errlen)) != 0 ||
	    (r = channels_of(reg, &mask, err, errlen)) != 0)
		return r;
	/* An e-mail address by e-mail; a mobile number by a gateway. */
	if (tc_notify_address_ok(acct.login))
		channel = (mask & TC_NOTIFY_EMAIL) ? "email" : NULL;
	else
		channel = (mask & TC_NOTIFY_WEBHOOK) ? "webhook" : NULL;
	if (channel == NULL)
		return 0;
	snprintf(path, sizeof(path), "/portal/%s?token=%s",
	    ev == TC_NOTIFY_ACCOUNT_VERIFY ? "verify" : "reset", token);
	if ((r = portal_url(reg, path, link, sizeof(link), err, errlen)) != 0)
		return r;
	memset(&v, 0, sizeof(v));
	v.link = link;
	tmpl = tc_notify_default_template(ev, acct.language);
	if ((body = malloc(TC_NOTIFY_BODY_MAX + 1)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	if ((r = tc_notify_render(tmpl, &v, subject, body,
		 TC_NOTIFY_BODY_MAX + 1, why, sizeof(why))) != 0)
		tc_seterr(err, errlen, r, "the %s message: %s",
		    tc_notify_event_name(ev), why);
	else if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		r = tc_seterr(err, errlen, TC_ERR_CRYPTO,
		    "no random bytes for a message id");
	else {
		tc_hex_encode(rnd, sizeof(rnd), nonce);
		r = tc_reg_exec(reg,
		    "INSERT INTO outbox (created_at, event, applicant, channel, recipient, language, subject, body, nonce, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?1)",
		    "writing a notification", err, errlen, "ititttttt",
		    (int64_t)now, tc_notify_event_name(ev), applicant, channel,
		    acct.login, acct.language, subject, body, nonce);
	}
	OPENSSL_cleanse(body, TC_NOTIFY_BODY_MAX + 1);
	free(body);
	OPENSSL_cleanse(link, sizeof(link));
	return r;
}

/* An overdue application's current step: its owner, as the queue keeps it. */
struct overdue_app {
	int64_t id;
	char role[40];
	char org[40];
};

/* The overdue applications at now, into *out (heap) and *n. */
static int
overdue_apps(struct tc_registry *reg, time_t now, struct overdue_app **out,
    size_t *n, char *err, size_t errlen)
{
	struct overdue_app *v = NULL, *grown;
	char today[TC_DATE_TEXT];
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, r = 0;

	*out = NULL;
	*n = 0;
	tc_date_format(tc_day_of_time(now), today);
	if ((r = tc_reg_query(reg,
		 "SELECT id, step_role, ifnull(step_org, '') FROM applications WHERE state IN ('submitted', 'approved') AND deadline IS NOT NULL AND deadline < ?1 AND step_role IS NOT NULL ORDER BY id",
		 &st, err, errlen, "t", today)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((grown = realloc(v, cap * sizeof(*v))) == NULL) {
				r = tc_seterr(
				    err, errlen, TC_ERR_NOMEM, "out of memory");
				break;
			}
			v = grown;
		}
		if (tc_reg_col_int(st, 0, 0, &v[*n].id) != 0 ||
		    tc_reg_col_text(st, 1, v[*n].role, sizeof(v[*n].role), 0) !=
			0 ||
		    tc_reg_col_text(st, 2, v[*n].org, sizeof(v[*n].org), 1) !=
			0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "application %lld: the step's owner is out of shape",
			    (long long)sqlite3_column_int64(st, 0));
			break;
		}
		(*n)++;
	}
	if ((r = tc_reg_rows_end(
		 reg, st, rc, r, "reading applications", err, errlen)) != 0) {
		free(v);
		*n = 0;
		return r;
	}
	*out = v;
	return 0;
}

/*
 * Writes the reminders of overdue application o: one per enabled operator
 * with an e-mail holding its step's role in its step's organisation.
 */
static int
overdue_one(const struct tc_app_ctx *c, const struct overdue_app *o,
    int64_t *written, char *err, size_t errlen)
{
	char rcpt[TC_NOTIFY_RCPT_MAX + 1], roles[256];
	enum tc_role role;
	unsigned mask;
	sqlite3_stmt *st = NULL;
	struct tc_app a;
	int rc, r;

	if (tc_role_parse(o->role, &role) != 0)
		return 0; /* a role this program does not know: no one */
	if ((r = tc_app_get(c->reg, o->id, &a, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_query(c->reg,
		 "SELECT o.email, o.roles FROM operators o JOIN organisations g ON g.id = o.organisation WHERE o.email IS NOT NULL AND o.disabled = 0 AND (?1 = '' OR g.code = ?1) ORDER BY o.id",
		 &st, err, errlen, "t", o->org)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (tc_reg_col_text(st, 0, rcpt, sizeof(rcpt), 0) != 0 ||
		    tc_reg_col_text(st, 1, roles, sizeof(roles), 0) != 0 ||
		    tc_roles_parse(roles, &mask, NULL, 0) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "an operator's e-mail or roles are out of shape");
			break;
		}
		if (!(mask & TC_ROLE_BIT(role)))
			continue;
		r = enqueue(c, &a, TC_NOTIFY_OVERDUE, rcpt, "zh", NULL, NULL,
		    err, errlen);
		if (r == TC_ERR_EXISTS) /* already reminded today */
			r = 0;
		else if (r == 0)
			(*written)++;
		else
			break;
	}
	r = tc_reg_rows_end(
	    c->reg, st, rc, r, "reading operators", err, errlen);
out:
	tc_app_release(&a);
	return r;
}

int
tc_notify_overdue(
    const struct tc_app_ctx *c, int64_t *written, char *err, size_t errlen)
{
	struct overdue_app *apps = NULL;
	int64_t n_written = 0;
	size_t n, i;
	int r;

	if (written != NULL)
		*written = 0;
	if (c == NULL || c->reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(
		 c->reg, "the overdue reminders", err, errlen)) != 0 ||
	    (r = overdue_apps(c->reg, c->now, &apps, &n, err, errlen)) != 0)
		return r;
	for (i = 0; i < n && r == 0; i++)
		r = overdue_one(c, &apps[i], &n_written, err, errlen);
	free(apps);
	if (r == 0 && n_written > 0)
		r = tc_app_audit(c->reg, c->now,
		    c->operator_name != NULL ? c->operator_name : "system",
		    "notify.overdue", "applications",
		    json_pack("{s:I}", "written", (json_int_t)n_written), err,
		    errlen);
	if (r == 0 && written != NULL)
		*written = n_written;
	return r;
}

void
tc_notify_msg_release(struct tc_notify_msg *m)
{
	if (m == NULL)
		return;
	free(m->body);
	memset(m, 0, sizeof(*m));
}

/* Runs st (no rows) and finalises it, leaving the audit rule out of it. */
static int
run_bookkeeping(struct tc_registry *reg, sqlite3_stmt *st, const char *what,
    char *err, size_t errlen)
{
	int rc = sqlite3_step(st);

	tc_reg_finalize(reg, st);
	return rc == SQLITE_DONE ? 0 : tc_reg_dberr(reg, rc, what, err, errlen);
}

static int
read_msg(sqlite3_stmt *st, struct tc_notify_msg *m)
{
	int64_t attempts, created;
	const unsigned char *body;

	memset(m, 0, sizeof(*m));
	if (tc_reg_col_int(st, 0, 0, &m->id) != 0 ||
	    tc_reg_col_int(st, 1, 1, &m->app) != 0 ||
	    tc_reg_col_text(st, 2, m->event, sizeof(m->event), 0) != 0 ||
	    tc_reg_col_text(st, 3, m->channel, sizeof(m->channel), 0) != 0 ||
	    tc_reg_col_text(st, 4, m->recipient, sizeof(m->recipient), 0) !=
		0 ||
	    tc_reg_col_text(st, 5, m->language, sizeof(m->language), 0) != 0 ||
	    tc_reg_col_text(st, 6, m->nonce, sizeof(m->nonce), 0) != 0 ||
	    tc_reg_col_text(st, 7, m->subject, sizeof(m->subject), 0) != 0 ||
	    tc_reg_col_int(st, 9, 0, &attempts) != 0 ||
	    tc_reg_col_int(st, 10, 0, &created) != 0 ||
	    (body = sqlite3_column_text(st, 8)) == NULL)
		return TC_ERR_MALFORMED;
	if ((m->body = strdup((const char *)body)) == NULL)
		return TC_ERR_NOMEM;
	m->attempts = (int)attempts;
	m->created_at = (time_t)created;
	return 0;
}

int
tc_notify_claim(struct tc_registry *reg, time_t now, unsigned channels,
    size_t max, struct tc_notify_msg *out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	int rc, r;

	if (reg == NULL || out == NULL || n == NULL)
		return tc_reg_no_arg(err, errlen);
	*n = 0;
	if ((r = tc_registry_begin(reg, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_query(reg,
		 "SELECT id, application_id, event, channel, recipient, language, nonce, subject, body, attempts, created_at FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1 AND ((?3 AND channel = 'email') OR (?4 AND channel = 'webhook')) ORDER BY id LIMIT ?2",
		 &st, err, errlen, "iidd", (int64_t)now, (int64_t)max,
		 (channels & TC_NOTIFY_EMAIL) != 0,
		 (channels & TC_NOTIFY_WEBHOOK) != 0)) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = read_msg(st, &out[*n])) != 0) {
			tc_seterr(err, errlen, r,
			    "outbox row %lld: a stored field is out of shape",
			    (long long)sqlite3_column_int64(st, 0));
			tc_notify_msg_release(&out[*n]);
			break;
		}
		(*n)++;
	}
	if ((r = tc_reg_rows_end(
		 reg, st, rc, r, "reading the outbox", err, errlen)) != 0)
		goto fail;
	for (size_t i = 0; i < *n; i++) {
		if ((r = tc_reg_query(reg,
			 "UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1",
			 &up, err, errlen, "ii", out[i].id,
			 (int64_t)now + TC_NOTIFY_LEASE)) != 0 ||
		    (r = run_bookkeeping(
			 reg, up, "claiming a notification", err, errlen)) != 0)
			goto fail;
	}
	if ((r = tc_registry_commit(reg, err, errlen)) == 0)
		return 0;
	goto release;
fail:
	tc_registry_rollback(reg);
release:
	while (*n > 0)
		tc_notify_msg_release(&out[--*n]);
	return r;
}

int
tc_notify_done(struct tc_registry *reg, int64_t id, time_t now,
    const char *error, int max_attempts, const char **state, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char why[201];
	int64_t attempts;
	const char *to = "sent";
	int r;

	if (state != NULL)
		*state = NULL;
	if (reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_registry_begin(reg, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_row_by_id(reg,
		 "SELECT attempts FROM outbox WHERE id = ?1 AND state = 'pending'",
		 id, "reading the outbox", &st, err, errlen,
		 "no pending notification %lld", (long long)id)) != 0)
		goto fail;
	attempts = sqlite3_column_int64(st, 0) + 1;
	tc_reg_finalize(reg, st);
	if (error == NULL)
		r = tc_reg_query(reg,
		    "UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = ?3, last_error = NULL, body = CASE WHEN applicant IS NULL THEN body ELSE '(sent; its one-time link is not kept)' END WHERE id = ?1",
		    &st, err, errlen, "iii", id, (int64_t)now, attempts);
	else {
		snprintf(why, sizeof(why), "%s", error);
		to = attempts >= max_attempts ? "failed" : "pending";
		r = tc_reg_query(reg,
		    "UPDATE outbox SET state = ?2, attempts = ?3, last_error = ?4, next_attempt_at = ?5 WHERE id = ?1",
		    &st, err, errlen, "itiTi", id, to, attempts, why,
		    (int64_t)now + TC_NOTIFY_BACKOFF(attempts));
	}
	if (r != 0 ||
	    (r = run_bookkeeping(
		 reg, st, "recording a delivery", err, errlen)) != 0 ||
	    (r = tc_registry_commit(reg, err, errlen)) != 0)
		goto fail;
	if (state != NULL)
		*state = to;
	return 0;
fail:
	tc_registry_rollback(reg);
	return r;
}

int
tc_notify_count(struct tc_registry *reg, const char *state, int64_t *n,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || state == NULL || n == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_query(reg,
		 "SELECT count(*) FROM outbox WHERE state = ?1", &st, err,
		 errlen, "t", state)) != 0)
		return r;
	return tc_reg_count(reg, st, "counting the outbox", n, err, errlen);
}
