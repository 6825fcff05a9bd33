/* SPDX-License-Identifier: MIT */
/*
 * The card lifecycle after issuance (include/tcard/lifecycle.h): renewal,
 * change reports, reissue, suspension, reinstatement, revocation, sub-cards,
 * the cascade of a main card's state to its sub-cards, the expiry sweep and
 * serial allocation. Every action checks that the acting operator holds a
 * role the action needs (the policy lives here, not in the front ends),
 * reads the card, checks its state and the programme's rules, changes the rows and appends one audit entry per card
 * changed, all inside the caller's transaction. The lifecycle columns of
 * cards and the card_changes table come from the lifecycle migration step in
 * src/registry/registry.c; docs/lifecycle.md describes the rules and their sources.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>
#include <unistr.h>

#include "app-int.h"
#include "registry-int.h"
#include "tcard/blacklist.h"
#include "tcard/card-doc.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/lifecycle.h"
#include "tcard/operator.h"
#include "tcard/workday.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/role.h"
#include "tcard/serial.h"
#include "tcard/uscc.h"

#define DAY 86400
/* Longest chain of reissues followed when reading a card's history. */
#define CHAIN_MAX 1000

const char *const tc_revoke_reasons[] = {
	"fraud",
	"ineligible",
	"retired",
	"misconduct",
	"contract-ended",
	"other",
	NULL,
};

/* Reasons this module writes itself; never accepted from a caller. */
#define R_TERM_ENDED	      "term-ended"
#define R_PRINCIPAL_SUSPENDED "principal-suspended"
#define R_PRINCIPAL_REVOKED   "principal-revoked"
#define R_PRINCIPAL_EXPIRED   "principal-expired"

/* Dates. */

/*
 * Day arithmetic is workday.h's (Asia/Shanghai days, proleptic Gregorian);
 * here only clamping of absurd instants and the local time of day.
 */

/* Instants outside years 0..9999 are clamped, so no arithmetic overflows. */
#define T_MIN ((int64_t)-62167219200) /* 0000-01-01T00:00:00Z */
#define T_MAX ((int64_t)253402300799) /* 9999-12-31T23:59:59Z */

/* The local day number of t (floor division: correct before 1970 too). */
static int64_t
local_day(time_t t)
{
	int64_t s = (int64_t)t < T_MIN ? T_MIN
	    : (int64_t)t > T_MAX       ? T_MAX
				       : (int64_t)t;

	s += TC_LIFECYCLE_TZ_OFFSET;

	return s >= 0 ? s / DAY : -((-s + DAY - 1) / DAY);
}

void
tc_lifecycle_date(time_t t, char out[TC_LIFECYCLE_DATE_LEN])
{
	int y, m, d;

	tc_civil_from_day(local_day(t), &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	snprintf(out, TC_LIFECYCLE_DATE_LEN, "%04d-%02d-%02d", y, m, d);
}

/* "YYYY-MM-DD HH:MM", local time (the hour matters at window edges). */
static void
local_minute(time_t t, char out[20])
{
	char date[TC_LIFECYCLE_DATE_LEN];
	int64_t s = (int64_t)t < T_MIN ? T_MIN
	    : (int64_t)t > T_MAX       ? T_MAX
				       : (int64_t)t;
	int64_t sod = s + TC_LIFECYCLE_TZ_OFFSET - local_day(t) * DAY;

	tc_lifecycle_date(t, date);
	snprintf(out, 20, "%.10s %02u:%02u", date, (unsigned)(sod / 3600) % 24u,
	    (unsigned)(sod % 3600 / 60) % 60u);
}

int
tc_lifecycle_date_parse(const char *s, time_t *t, char *err, size_t errlen)
{
	int y, m, d;

	if (s == NULL || t == NULL)
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE, "no date given");
	if (!tc_date_scan(s, &y, &m, &d))
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE,
		    "the date must be written YYYY-MM-DD");
	if (y < 1900 || !tc_date_valid(y, m, d))
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE,
		    "%.10s is not a real date from 1900 on", s);
	*t =
	    (time_t)(tc_day_from_civil(y, m, d) * DAY - TC_LIFECYCLE_TZ_OFFSET);
	return 0;
}

time_t
tc_lifecycle_add_months(time_t t, int months)
{
	int64_t day = local_day(t);
	int64_t c = (int64_t)t < T_MIN ? T_MIN
	    : (int64_t)t > T_MAX       ? T_MAX
				       : (int64_t)t;
	int64_t sod = c + TC_LIFECYCLE_TZ_OFFSET - day * DAY;

	return (
	    time_t)((int64_t)tc_time_of_day(tc_day_add_months(day, months)) +
	    sod);
}

int
tc_lifecycle_age(int y, int m, int d, time_t now)
{
	int ny, nm, nd, age;

	tc_civil_from_day(local_day(now), &ny, &nm, &nd);
	if (y < 0 || y > 9999)
		return -1;
	age = ny - y;
	if (nm < m || (nm == m && nd < d))
		age--;
	return age < 0 ? -1 : age;
}

/* Names. */

static const char *const reason_names[] = {
	[TC_REISSUE_LOST] = "lost",
	[TC_REISSUE_DAMAGED] = "damaged",
};
static const char *const change_names[] = {
	[TC_CHANGE_EMPLOYER] = "employer",
	[TC_CHANGE_RESIDENCE] = "residence",
};

const char *
tc_reissue_reason_name(enum tc_reissue_reason r)
{
	const char *name =
	    tc_reg_name(reason_names, TC_REG_NAMES(reason_names), (int)r);

	return name != NULL ? name : "unknown";
}

int
tc_reissue_reason_parse(const char *s, enum tc_reissue_reason *out)
{
	int v, r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_name_parse(
		 reason_names, TC_REG_NAMES(reason_names), s, &v)) == 0)
		*out = (enum tc_reissue_reason)v;
	return r;
}

const char *
tc_change_kind_name(enum tc_change_kind k)
{
	const char *name =
	    tc_reg_name(change_names, TC_REG_NAMES(change_names), (int)k);

	return name != NULL ? name : "unknown";
}

static int
change_kind_parse(const char *s, enum tc_change_kind *out)
{
	int v;

	if (tc_reg_name_parse(change_names, TC_REG_NAMES(change_names), s, &v))
		return TC_ERR_MALFORMED;
	*out = (enum tc_change_kind)v;
	return 0;
}

int
tc_lifecycle_revoke_reason_ok(const struct tc_programme *p, const char *reason)
{
	size_t i;

	if (reason == NULL)
		return 0;
	for (i = 0; tc_revoke_reasons[i] != NULL; i++)
		if (strcmp(reason, tc_revoke_reasons[i]) == 0)
			return 1;
	for (i = 0; p != NULL && i < p->n_end_reasons; i++)
		if (strcmp(reason, p->end_reasons[i].id) == 0)
			return 1;
	return 0;
}

void
tc_lifecycle_renewal_rule(const struct tc_programme *p, const struct tc_tier *t,
    struct tc_renewal_rule *out)
{
	const struct tc_guard *w = &p->guards.renewal_window_days;

	memset(out, 0, sizeof(*out));
	out->limit = -1;
	if (t->kind != TC_TIER_MAIN || t->validity.term == TC_TERM_PRINCIPAL)
		return;
	if (w->set && w->value > 0 && w->value <= 3660)
		out->window_days = (int)w->value;
	else {
		out->window_days = TC_LIFECYCLE_DEFAULT_WINDOW_DAYS;
		out->window_assumed = 1;
	}
	if (t->validity.extensions > 0) {
		out->allowed = 1;
		out->months = t->validity.extension_months;
		out->limit = t->validity.extensions;
	} else if (w->set || t->validity.term == TC_TERM_OPEN) {
		out->allowed = 1;
		out->months = t->validity.default_months;
	}
}

/* Plumbing. */

/* The card number in groups of four, for messages. */
static const char *
grouped(const char *card_no, char out[20])
{
	tc_cardno_group(card_no, out);
	if (out[0] == '\0')
		snprintf(out, 20, "%.16s", card_no);
	return out;
}

/* Checks free text: 1..max bytes of UTF-8 without control characters. */
static int
text_ok(const char *s, size_t max, const char *what, char *err, size_t errlen)
{
	const uint8_t *bad;
	size_t n, i;

	if (s == NULL || (n = strnlen(s, max + 1)) == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s is empty", what);
	if (n > max)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s is longer than %zu bytes", what, max);
	if ((bad = u8_check((const uint8_t *)s, n)) != NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s is not valid UTF-8 (byte offset %zu)", what,
		    (size_t)(bad - (const uint8_t *)s));
	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c < 0x20 || c == 0x7f ||
		    (c == 0xc2 && i + 1 < n && (uint8_t)s[i + 1] >= 0x80 &&
			(uint8_t)s[i + 1] <= 0x9f))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "%s holds a control character at byte offset %zu",
			    what, i);
	}
	return 0;
}

/* Reading cards. */

#define CARD_SELECT                                                            \
	"SELECT c.serial, c.card_no, c.holder_id, c.programme, c.tier, c.status, c.issued_at, c.expires_at, c.principal_serial, c.relation, c.status_at, c.status_reason, c.status_cascade, c.renewals, c.replaces_serial, (SELECT r.serial FROM cards r WHERE r.replaces_serial = c.serial), h.id_type, h.id_masked, h.name FROM cards c JOIN holders h ON h.id = c.holder_id "

static int
card_row(sqlite3_stmt *st, struct tc_card_state *c)
{
	char status[16], type[32];
	int64_t v[9];

	memset(c, 0, sizeof(*c));
	if (tc_reg_col_int(st, 0, 0, &v[0]) != 0 ||
	    tc_reg_col_int(st, 2, 0, &v[1]) != 0 ||
	    tc_reg_col_int(st, 6, 0, &v[2]) != 0 ||
	    tc_reg_col_int(st, 7, 0, &v[3]) != 0 ||
	    tc_reg_col_int(st, 8, 1, &v[4]) != 0 ||
	    tc_reg_col_int(st, 10, 1, &v[5]) != 0 ||
	    tc_reg_col_int(st, 12, 0, &v[6]) != 0 ||
	    tc_reg_col_int(st, 13, 0, &v[7]) != 0 ||
	    tc_reg_col_int(st, 14, 1, &v[8]) != 0 ||
	    tc_reg_col_int(st, 15, 1, &c->replaced_by) != 0)
		return TC_ERR_MALFORMED;
	c->card.serial = v[0];
	c->card.holder_id = v[1];
	c->card.issued_at = (time_t)v[2];
	c->card.expires_at = (time_t)v[3];
	c->card.principal_serial = v[4];
	c->status_at = sqlite3_column_type(st, 10) == SQLITE_NULL
	    ? (time_t)v[2]
	    : (time_t)v[5];
	c->status_cascade = v[6] != 0;
	if (v[7] < 0 || v[7] > 100000)
		return TC_ERR_MALFORMED;
	c->renewals = (int)v[7];
	c->replaces = v[8];
	if (tc_reg_col_text(
		st, 1, c->card.card_no, sizeof(c->card.card_no), 0) != 0 ||
	    tc_reg_col_text(
		st, 3, c->card.programme, sizeof(c->card.programme), 0) != 0 ||
	    tc_reg_col_text(st, 4, c->card.tier, sizeof(c->card.tier), 0) !=
		0 ||
	    tc_reg_col_text(st, 5, status, sizeof(status), 0) != 0 ||
	    tc_card_status_parse(status, &c->card.status) != 0 ||
	    tc_reg_col_text(
		st, 9, c->card.relation, sizeof(c->card.relation), 1) != 0 ||
	    tc_reg_col_text(
		st, 11, c->status_reason, sizeof(c->status_reason), 1) != 0 ||
	    tc_reg_col_text(st, 16, type, sizeof(type), 0) != 0 ||
	    tc_id_type_parse(type, &c->holder_id_type) != 0 ||
	    tc_reg_col_text(
		st, 17, c->holder_masked, sizeof(c->holder_masked), 0) != 0 ||
	    tc_reg_col_text(
		st, 18, c->holder_name, sizeof(c->holder_name), 0) != 0)
		return TC_ERR_MALFORMED;
	return 0;
}

int
tc_lifecycle_card_get(struct tc_registry *reg, int64_t serial,
    struct tc_card_state *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(out, 0, sizeof(*out));
	if ((r = tc_reg_row_by_id(reg, CARD_SELECT "WHERE c.serial = ?1",
		 serial, "reading a card", &st, err, errlen,
		 "no card with serial %lld", (long long)serial)) != 0)
		return r;
	if ((r = card_row(st, out)) != 0)
		tc_seterr(err, errlen, r,
		    "card %lld: a stored field has the wrong type or size",
		    (long long)serial);
	tc_reg_finalize(reg, st);
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

int
tc_lifecycle_card_find(struct tc_registry *reg, const char *text,
    struct tc_card_state *out, char *err, size_t errlen)
{
	char norm[17], msg[192], g[20];
	uint64_t serial = 0;
	size_t i, n;
	int r;

	if (reg == NULL || out == NULL || text == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(out, 0, sizeof(*out));
	n = strnlen(text, 65);
	for (i = 0; i < n && text[i] >= '0' && text[i] <= '9'; i++)
		;
	if (n > 0 && n <= 9 && i == n) {
		serial = strtoull(text, NULL, 10);
		if (serial == 0)
			return tc_seterr(err, errlen, TC_ERR_RANGE,
			    "card serial 0 does not exist: serials start at 1");
		return tc_lifecycle_card_get(
		    reg, (int64_t)serial, out, err, errlen);
	}
	if ((r = tc_cardno_parse(
		 text, NULL, &serial, norm, msg, sizeof(msg))) != 0)
		return tc_seterr(err, errlen, r,
		    "'%.64s' is neither a card number nor a serial: %s", text,
		    msg);
	r = tc_lifecycle_card_get(reg, (int64_t)serial, out, err, errlen);
	if (r == TC_ERR_NOT_FOUND ||
	    (r == 0 && strcmp(out->card.card_no, norm) != 0)) {
		memset(out, 0, sizeof(*out));
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND, "no card %s",
		    grouped(norm, g));
	}
	return r;
}

int
tc_lifecycle_card_list(struct tc_registry *reg, const struct tc_card_filter *f,
    int (*fn)(const struct tc_card_state *c, void *arg), void *arg, char *err,
    size_t errlen)
{
	static const struct tc_card_filter all = { 0, NULL, 0 };
	struct tc_card_state c;
	sqlite3_stmt *st = NULL;
	char sql[1024];
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	snprintf(sql, sizeof(sql),
	    "%s WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR c.programme = ?2) AND (?3 IS NULL OR c.principal_serial = ?3) ORDER BY c.serial",
	    CARD_SELECT);
	if (f == NULL)
		f = &all;
	if ((r = tc_reg_query(reg, sql, &st, err, errlen, "tTI",
		 f->status != 0 ? tc_card_status_name(f->status) : NULL,
		 f->programme, f->principal)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (card_row(st, &c) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "card %lld: a stored field has the wrong type or size",
			    (long long)sqlite3_column_int64(st, 0));
			break;
		}
		if ((r = fn(&c, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(reg, st, rc, r, "listing cards", err, errlen);
}

/* The sub-cards of a main card, read into a malloc'd array. */
struct cards {
	struct tc_card_state *v;
	size_t n;
};

static int
collect(const struct tc_card_state *c, void *arg)
{
	struct cards *cs = arg;
	struct tc_card_state *v;

	if ((v = realloc(cs->v, (cs->n + 1) * sizeof(*v))) == NULL)
		return TC_ERR_NOMEM;
	cs->v = v;
	cs->v[cs->n++] = *c;
	return 0;
}

static int
subcards(struct tc_registry *reg, int64_t principal, struct cards *out,
    char *err, size_t errlen)
{
	struct tc_card_filter f = { 0, NULL, principal };
	int r;

	out->v = NULL;
	out->n = 0;
	r = tc_lifecycle_card_list(reg, &f, collect, out, err, errlen);
	if (r == TC_ERR_NOMEM)
		tc_seterr(err, errlen, r, "out of memory");
	if (r != 0) {
		free(out->v);
		out->v = NULL;
		out->n = 0;
	}
	return r;
}

/* Changes. */

#define CHANGE_CHAIN                                                           \
	"WITH RECURSIVE chain(s, depth) AS (SELECT ?1, 0 UNION SELECT c.replaces_serial, chain.depth + 1 FROM cards c JOIN chain ON c.serial = chain.s WHERE c.replaces_serial IS NOT NULL AND chain.depth < 1000) "

static int
change_row(sqlite3_stmt *st, struct tc_card_change *ch)
{
	char kind[16];
	int64_t v[4];

	memset(ch, 0, sizeof(*ch));
	if (tc_reg_col_int(st, 0, 0, &ch->id) != 0 ||
	    tc_reg_col_int(st, 1, 0, &ch->serial) != 0 ||
	    tc_reg_col_text(st, 2, kind, sizeof(kind), 0) != 0 ||
	    change_kind_parse(kind, &ch->kind) != 0 ||
	    sqlite3_column_type(st, 3) != SQLITE_TEXT ||
	    (sqlite3_column_type(st, 4) != SQLITE_TEXT &&
		sqlite3_column_type(st, 4) != SQLITE_NULL) ||
	    tc_reg_col_text(st, 5, ch->effective, sizeof(ch->effective), 0) !=
		0 ||
	    tc_reg_col_int(st, 6, 0, &v[0]) != 0 ||
	    tc_reg_col_int(st, 7, 0, &v[1]) != 0 ||
	    tc_reg_col_int(st, 8, 0, &v[2]) != 0 || v[1] < 0 || v[1] > 10000000)
		return TC_ERR_MALFORMED;
	ch->value = (const char *)sqlite3_column_text(st, 3);
	ch->uscc = (const char *)sqlite3_column_text(st, 4);
	ch->reported_at = (time_t)v[0];
	ch->days = (int)v[1];
	ch->late = v[2] != 0;
	return ch->value == NULL ? TC_ERR_MALFORMED : 0;
}

int
tc_lifecycle_changes_list(struct tc_registry *reg, int64_t serial,
    int (*fn)(const struct tc_card_change *ch, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_card_change ch;
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_query(reg,
		 CHANGE_CHAIN
		 "SELECT id, serial, kind, value, uscc, effective, reported_at, days, late FROM card_changes WHERE serial IN (SELECT s FROM chain) ORDER BY id",
		 &st, err, errlen, "i", serial)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (change_row(st, &ch) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "card change %lld: a stored field has the wrong type or size",
			    (long long)sqlite3_column_int64(st, 0));
			break;
		}
		if ((r = fn(&ch, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "listing card changes", err, errlen);
}

int
tc_lifecycle_last_employer(struct tc_registry *reg, int64_t serial, char **name,
    char **uscc, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const char *v, *u;
	int rc, r;

	if (reg == NULL || name == NULL || uscc == NULL)
		return tc_reg_no_arg(err, errlen);
	*name = *uscc = NULL;
	if ((r = tc_reg_query(reg,
		 CHANGE_CHAIN
		 "SELECT value, uscc FROM card_changes WHERE serial IN (SELECT s FROM chain) AND kind = 'employer' ORDER BY effective DESC, id DESC LIMIT 1",
		 &st, err, errlen, "i", serial)) != 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(st, 0);
		u = (const char *)sqlite3_column_text(st, 1);
		if ((v != NULL && (*name = strdup(v)) == NULL) ||
		    (u != NULL && (*uscc = strdup(u)) == NULL)) {
			free(*name);
			*name = NULL;
			r = tc_seterr(
			    err, errlen, TC_ERR_NOMEM, "out of memory");
		}
	} else if (rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, "reading card changes", err, errlen);
	tc_reg_finalize(reg, st);
	return r;
}

/*
 * The card number of new_serial in the region of card c (its first six
 * digits). new_serial must have been reserved (tc_serial_reserve) and be
 * unused: tc_registry_card_add reports a taken one.
 */
static int
new_number(struct tc_registry *reg, const struct tc_card_state *c,
    int64_t new_serial, char card_no[17], char *err, size_t errlen)
{
	char region[7];
	int64_t last = 0;
	int r;

	if ((r = tc_serial_last(reg, &last, err, errlen)) != 0)
		return r;
	if (new_serial < 1 || new_serial > last)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "serial %lld was not reserved (tc_serial_reserve)",
		    (long long)new_serial);
	memcpy(region, c->card.card_no, 6);
	region[6] = '\0';
	if ((r = tc_cardno_make(region, (uint64_t)new_serial, card_no)) != 0)
		return tc_seterr(err, errlen, r,
		    "no card number for serial %lld in region %s",
		    (long long)new_serial, region);
	return 0;
}

/* Actions: shared parts. */

/*
 * The state a card is in at now: its stored status, except that an issued
 * or suspended card at or past its expiry is expired (the sweep may not
 * have run yet).
 */
static enum tc_card_status
effective(const struct tc_card_state *c, time_t now)
{
	if ((c->card.status == TC_CARD_ISSUED ||
		c->card.status == TC_CARD_SUSPENDED) &&
	    now >= c->card.expires_at)
		return TC_CARD_EXPIRED;
	return c->card.status;
}

/*
 * The refusal of an action (verb: "be renewed") on a card in the wrong
 * state: what the state is, since when and why, then hint.
 */
static int
refuse(struct tc_registry *reg, const struct tc_card_state *c, time_t now,
    const char *verb, const char *hint, char *err, size_t errlen)
{
	struct tc_card_state by;
	char g[20], gb[20], since[TC_LIFECYCLE_DATE_LEN], why[400];
	const char *sep = hint != NULL && *hint != '\0' ? ": " : "";

	if (hint == NULL)
		hint = "";
	grouped(c->card.card_no, g);
	tc_lifecycle_date(c->status_at, since);
	snprintf(why, sizeof(why), "%s", c->status_reason);
	if (c->replaced_by != 0 &&
	    tc_lifecycle_card_get(reg, c->replaced_by, &by, NULL, 0) == 0)
		snprintf(why, sizeof(why), "%s, replaced by card %s",
		    c->status_reason, grouped(by.card.card_no, gb));
	switch (effective(c, now)) {
	case TC_CARD_REVOKED:
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is revoked (%s) since %s; a revoked card cannot %s%s%s",
		    g, why, since, verb, sep, hint);
	case TC_CARD_SUSPENDED:
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is suspended (%s) since %s; a suspended card cannot %s%s%s",
		    g, why, since, verb, sep, hint);
	case TC_CARD_EXPIRED:
		tc_lifecycle_date(c->card.expires_at, since);
		if (c->card.status != TC_CARD_EXPIRED)
			return tc_seterr(err, errlen, TC_ERR_STATE,
			    "card %s expired on %s (still recorded as %s until the expiry sweep runs); an expired card cannot %s%s%s",
			    g, since, tc_card_status_name(c->card.status), verb,
			    sep, hint);
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s expired on %s; an expired card cannot %s%s%s", g,
		    since, verb, sep, hint);
	case TC_CARD_ISSUED:
		tc_lifecycle_date(c->card.expires_at - 1, since);
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is issued and valid through %s; an issued card cannot %s%s%s",
		    g, since, verb, sep, hint);
	case TC_CARD_PRODUCTION:
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is in production, not issued yet; a card in production cannot %s%s%s",
		    g, verb, sep, hint);
	}
	return tc_seterr(err, errlen, TC_ERR_STATE, "card %s is in state %s", g,
	    tc_card_status_name(c->card.status));
}

static int
programme_of(const struct tc_lifecycle *lc, const struct tc_card_state *c,
    const struct tc_programme **p, const struct tc_tier **t, char *err,
    size_t errlen)
{
	char g[20];

	*p = lc->programmes != NULL
	    ? tc_programme_set_find(lc->programmes, c->card.programme)
	    : NULL;
	if (*p == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s belongs to programme '%s', which is not loaded",
		    grouped(c->card.card_no, g), c->card.programme);
	if (t != NULL && (*t = tc_programme_tier(*p, c->card.tier)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s has tier '%s', which programme %s does not define",
		    grouped(c->card.card_no, g), c->card.tier, (*p)->id);
	return 0;
}

/*
 * Appends the audit entry of an action on card card_no, subject
 * "card:NUMBER" as the applications module writes it; takes detail (NULL:
 * out of memory).
 */
static int
audit(const struct tc_lifecycle *lc, const char *action, const char *card_no,
    json_t *detail, char *err, size_t errlen)
{
	char *text = NULL, subject[32];
	int r;

	if (detail == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	text = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);
	if (text == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	snprintf(subject, sizeof(subject), "card:%.16s", card_no);
	r = tc_registry_audit(lc->reg, lc->now, lc->operator_name, action,
	    card_no != NULL ? subject : NULL, text, err, errlen);
	free(text);
	return r;
}

/* Who may do what: include/tcard/lifecycle.h, docs/lifecycle.md "Roles". */
static const struct {
	const char *name;
	const char *what; /* for messages */
	unsigned roles;
} actions[] = {
	[TC_LIFECYCLE_RENEW] = { "renew", "renewing a card",
	    TC_LIFECYCLE_ROLES_COUNTER },
	[TC_LIFECYCLE_CHANGE] = { "change", "recording a change",
	    TC_LIFECYCLE_ROLES_COUNTER },
	[TC_LIFECYCLE_REISSUE] = { "reissue", "reissuing a card",
	    TC_LIFECYCLE_ROLES_COUNTER },
	[TC_LIFECYCLE_SUSPEND] = { "suspend", "suspending a card",
	    TC_LIFECYCLE_ROLES_SUSPEND },
	[TC_LIFECYCLE_REINSTATE] = { "reinstate", "reinstating a card",
	    TC_LIFECYCLE_ROLES_SUSPEND },
	[TC_LIFECYCLE_REVOKE] = { "revoke", "revoking a card",
	    TC_LIFECYCLE_ROLES_REVOKE },
	[TC_LIFECYCLE_SUBCARD_ADD] = { "subcard add", "adding a sub-card",
	    TC_LIFECYCLE_ROLES_COUNTER },
	[TC_LIFECYCLE_EXPIRE] = { "expire", "the expiry sweep",
	    TC_LIFECYCLE_ROLES_EXPIRE },
};

#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

static int
action_known(enum tc_lifecycle_action a)
{
	return (int)a >= TC_LIFECYCLE_RENEW && (size_t)a < N_ACTIONS;
}

const char *
tc_lifecycle_action_name(enum tc_lifecycle_action a)
{
	return action_known(a) ? actions[a].name : "unknown";
}

unsigned
tc_lifecycle_action_roles(enum tc_lifecycle_action a)
{
	return action_known(a) ? actions[a].roles : TC_ROLE_ALL;
}

int
tc_lifecycle_may(const struct tc_lifecycle *lc, enum tc_lifecycle_action a,
    char *err, size_t errlen)
{
	char have[2 * TC_ROLES_TEXT_MAX], need[2 * TC_ROLES_TEXT_MAX];
	struct tc_operator op;
	unsigned roles;
	int r;

	if (lc == NULL || lc->reg == NULL || lc->operator_name == NULL ||
	    *lc->operator_name == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s: missing registry or operator",
		    action_known(a) ? actions[a].what : "lifecycle");
	if (!action_known(a))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "unknown lifecycle action %d", (int)a);
	roles = actions[a].roles;
	r = tc_registry_operator_get(
	    lc->reg, lc->operator_name, &op, err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		return tc_seterr(err, errlen, TC_ERR_AUTH,
		    "%s: no operator named %.*s", actions[a].what,
		    TC_OPERATOR_NAME_MAX, lc->operator_name);
	if (r != 0)
		return r;
	if (op.disabled)
		return tc_seterr(err, errlen, TC_ERR_AUTH,
		    "%s: operator %s is disabled", actions[a].what, op.name);
	if (roles != 0 && (op.roles & roles) == 0) {
		tc_roles_join(roles, " or ", need, sizeof(need));
		tc_roles_join(op.roles, ", ", have, sizeof(have));
		return tc_seterr(err, errlen, TC_ERR_FORBIDDEN,
		    "%s needs the role %s; operator %s has %s", actions[a].what,
		    need, op.name, have[0] != '\0' ? have : "none");
	}
	return 0;
}

/*
 * What every action checks first: its arguments, an open transaction and
 * that the operator may do it.
 */
static int
lc_ok(const struct tc_lifecycle *lc, enum tc_lifecycle_action a, char *err,
    size_t errlen)
{
	int r;

	if (lc == NULL || lc->reg == NULL || lc->operator_name == NULL ||
	    *lc->operator_name == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s: missing registry or operator", actions[a].what);
	if ((r = tc_reg_need_tx(lc->reg, actions[a].what, err, errlen)) != 0)
		return r;
	return tc_lifecycle_may(lc, a, err, errlen);
}

static void
res_init(struct tc_lifecycle_result *res, const struct tc_card_state *c)
{
	memset(res, 0, sizeof(*res));
	if (c != NULL) {
		res->serial = c->card.serial;
		memcpy(res->card_no, c->card.card_no, sizeof(res->card_no));
		res->expires_at = c->card.expires_at;
	}
}

/* Sets a card's status with its reason and time. */
static int
set_status(const struct tc_lifecycle *lc, int64_t serial, enum tc_card_status s,
    const char *reason, int cascade, char *err, size_t errlen)
{
	return tc_reg_exec(lc->reg,
	    "UPDATE cards SET status = ?2, status_at = ?3, status_reason = ?4, status_cascade = ?5 WHERE serial = ?1",
	    "changing a card's status", err, errlen, "itiTd", serial,
	    tc_card_status_name(s), (int64_t)lc->now, reason, cascade);
}

static int
set_expiry(const struct tc_lifecycle *lc, int64_t serial, time_t expires,
    int add_renewal, char *err, size_t errlen)
{
	return tc_reg_exec(lc->reg,
	    "UPDATE cards SET expires_at = ?2, renewals = renewals + ?3 WHERE serial = ?1",
	    "changing a card's expiry", err, errlen, "iid", serial,
	    (int64_t)expires, add_renewal);
}

/*
 * Applies a status to the sub-cards of main card c that are in one of
 * the states of from_mask (bits 1 << status); with only_cascaded, only to
 * those whose status came from the main card. Each gets an audit entry
 * (action, {"reason", "cascade_from"}). Adds the number to *n.
 */
static int
cascade(const struct tc_lifecycle *lc, const struct tc_card_state *c,
    unsigned from_mask, int only_cascaded, enum tc_card_status to,
    const char *reason, const char *action, int *n, char *err, size_t errlen)
{
	struct cards subs;
	size_t i;
	int r;

	if (c->card.principal_serial != 0)
		return 0;
	if ((r = subcards(lc->reg, c->card.serial, &subs, err, errlen)) != 0)
		return r;
	for (i = 0; i < subs.n; i++) {
		const struct tc_card_state *s = &subs.v[i];

		if (!(from_mask & (1u << s->card.status)) ||
		    (only_cascaded && !s->status_cascade))
			continue;
		if ((r = set_status(lc, s->card.serial, to,
			 to == TC_CARD_ISSUED ? NULL : reason,
			 to == TC_CARD_ISSUED ? 0 : 1, err, errlen)) != 0 ||
		    (r = audit(lc, action, s->card.card_no,
			 json_pack("{s:s?, s:s, s:I}", "reason",
			     to == TC_CARD_ISSUED ? NULL : reason,
			     "cascade_from", c->card.card_no, "serial",
			     (json_int_t)s->card.serial),
			 err, errlen)) != 0)
			break;
		(*n)++;
	}
	free(subs.v);
	return r;
}

#define BIT(s) (1u << (s))

/* Renewal. */

int
tc_lifecycle_renew(const struct tc_lifecycle *lc, int64_t serial, int months,
    struct tc_lifecycle_result *res, char *err, size_t errlen)
{
	struct tc_lifecycle_result dummy;
	struct tc_card_state c, mainc;
	struct tc_renewal_rule rule;
	const struct tc_programme *p;
	const struct tc_tier *t;
	struct cards subs = { NULL, 0 };
	char g[20], gm[20], d1[20], d2[20], ed[TC_LIFECYCLE_DATE_LEN];
	char od[TC_LIFECYCLE_DATE_LEN];
	time_t opens, expires;
	size_t i;
	int r;

	if (res == NULL)
		res = &dummy;
	res_init(res, NULL);
	if ((r = lc_ok(lc, TC_LIFECYCLE_RENEW, err, errlen)) != 0)
		return r;
	if ((r = tc_lifecycle_card_get(lc->reg, serial, &c, err, errlen)) != 0)
		return r;
	res_init(res, &c);
	grouped(c.card.card_no, g);
	if (c.card.principal_serial != 0) {
		if (tc_lifecycle_card_get(
			lc->reg, c.card.principal_serial, &mainc, NULL, 0) != 0)
			snprintf(mainc.card.card_no, sizeof(mainc.card.card_no),
			    "%s", "?");
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is a sub-card (%s) of card %s: it has the validity of its main card and is renewed with it; renew card %s",
		    g, c.card.relation, grouped(mainc.card.card_no, gm), gm);
	}
	switch (effective(&c, lc->now)) {
	case TC_CARD_ISSUED:
		break;
	case TC_CARD_SUSPENDED:
		return refuse(lc->reg, &c, lc->now, "be renewed",
		    "reinstate it first", err, errlen);
	case TC_CARD_EXPIRED:
		return refuse(lc->reg, &c, lc->now, "be renewed",
		    "the holder must make a new application", err, errlen);
	default:
		return refuse(lc->reg, &c, lc->now, "be renewed",
		    "the holder must make a new application", err, errlen);
	}
	if ((r = programme_of(lc, &c, &p, &t, err, errlen)) != 0)
		return r;
	tc_lifecycle_renewal_rule(p, t, &rule);
	if (!rule.allowed)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "programme %s provides no renewal of %s cards: card %s lapses at the end of its %d-month term (%s); the holder may make a new application",
		    p->id, t->id, g, t->validity.default_months,
		    t->validity.cite.source != NULL ? t->validity.cite.source
						    : "programme file");
	if (rule.limit >= 0 && c.renewals >= rule.limit)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "card %s was already extended %d time%s; a %s card of programme %s may be extended only %d time%s, by %d months (%s)%s",
		    g, c.renewals, c.renewals == 1 ? "" : "s", t->id, p->id,
		    rule.limit, rule.limit == 1 ? "" : "s", rule.months,
		    t->validity.cite.source != NULL ? t->validity.cite.source
						    : "programme file",
		    t->converts_to.n > 0
			? ": convert it to a higher tier or make a new application"
			: ": the holder must make a new application");
	opens = c.card.expires_at - (time_t)rule.window_days * DAY;
	if (lc->now < opens) {
		local_minute(opens, d1);
		local_minute(c.card.expires_at, d2);
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "card %s cannot be renewed yet: renewal opens on %s, %d days before the card expires on %s (%s)",
		    g, d1, rule.window_days, d2,
		    rule.window_assumed
			? "default window: the programme states none"
			: (p->guards.renewal_window_days.cite.source != NULL
				  ? p->guards.renewal_window_days.cite.source
				  : "programme file"));
	}
	if (months != 0) {
		if (months < 0 || !t->validity.set_at_approval ||
		    rule.limit >= 0)
			return tc_seterr(err, errlen, TC_ERR_RANGE,
			    "the term of a %s card is fixed at %d months: it cannot be chosen",
			    t->id, rule.months);
		if (months > t->validity.max_months)
			return tc_seterr(err, errlen, TC_ERR_RANGE,
			    "%d months is more than the %d months a %s card may run",
			    months, t->validity.max_months, t->id);
		rule.months = months;
	}
	expires = tc_lifecycle_add_months(c.card.expires_at, rule.months);
	tc_lifecycle_date(c.card.expires_at - 1, od);
	tc_lifecycle_date(expires - 1, ed);
	if ((r = set_expiry(lc, serial, expires, 1, err, errlen)) != 0 ||
	    (r = audit(lc, "card.renew", c.card.card_no,
		 json_pack("{s:I, s:s, s:s, s:i, s:i, s:b}", "serial",
		     (json_int_t)serial, "valid_to_before", od, "valid_to", ed,
		     "months", rule.months, "renewal", c.renewals + 1,
		     "extension", rule.limit >= 0),
		 err, errlen)) != 0)
		return r;
	if ((r = subcards(lc->reg, serial, &subs, err, errlen)) != 0)
		return r;
	for (i = 0; i < subs.n; i++) {
		const struct tc_card_state *s = &subs.v[i];

		if (s->card.status != TC_CARD_ISSUED &&
		    s->card.status != TC_CARD_SUSPENDED)
			continue;
		if ((r = set_expiry(
			 lc, s->card.serial, expires, 0, err, errlen)) != 0 ||
		    (r = audit(lc, "card.renew", s->card.card_no,
			 json_pack("{s:I, s:s, s:s}", "serial",
			     (json_int_t)s->card.serial, "valid_to", ed,
			     "cascade_from", c.card.card_no),
			 err, errlen)) != 0)
			break;
		res->cascaded++;
	}
	free(subs.v);
	if (r != 0)
		return r;
	res->expires_at = expires;
	return 0;
}

/* Change reports. */

int
tc_lifecycle_change(const struct tc_lifecycle *lc, int64_t serial,
    enum tc_change_kind kind, const char *value, const char *uscc,
    const char *effective_date, struct tc_lifecycle_result *res, char *err,
    size_t errlen)
{
	struct tc_lifecycle_result dummy;
	struct tc_card_state c;
	const struct tc_programme *p;
	const struct tc_guard *limit;
	char g[20], today[TC_LIFECYCLE_DATE_LEN], code[TC_USCC_LEN + 1];
	char msg[256];
	time_t eff;
	int64_t days;
	int r, late;
	json_t *d;

	if (res == NULL)
		res = &dummy;
	res_init(res, NULL);
	if ((r = lc_ok(lc, TC_LIFECYCLE_CHANGE, err, errlen)) != 0)
		return r;
	if (kind != TC_CHANGE_EMPLOYER && kind != TC_CHANGE_RESIDENCE)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a change is of the employer or of the residence");
	if ((r = text_ok(value, TC_LIFECYCLE_VALUE_MAX,
		 kind == TC_CHANGE_EMPLOYER ? "the employer" : "the residence",
		 err, errlen)) != 0)
		return r;
	if (uscc != NULL) {
		if (kind != TC_CHANGE_EMPLOYER)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "a credit code belongs to an employer change");
		if ((r = tc_uscc_normalise(uscc, code, msg, sizeof(msg))) != 0)
			return tc_seterr(err, errlen, r,
			    "the employer's unified social credit code: %s",
			    msg);
		uscc = code;
	}
	if ((r = tc_lifecycle_date_parse(effective_date, &eff, err, errlen)) !=
	    0)
		return r;
	if ((r = tc_lifecycle_card_get(lc->reg, serial, &c, err, errlen)) != 0)
		return r;
	res_init(res, &c);
	grouped(c.card.card_no, g);
	switch (effective(&c, lc->now)) {
	case TC_CARD_ISSUED:
	case TC_CARD_SUSPENDED:
		break;
	default:
		return refuse(lc->reg, &c, lc->now, "have changes recorded",
		    NULL, err, errlen);
	}
	if (kind == TC_CHANGE_EMPLOYER && c.card.principal_serial != 0)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "card %s is a sub-card (%s): its holder's employer is not part of it; report employer changes on the main card",
		    g, c.card.relation);
	if ((r = programme_of(lc, &c, &p, NULL, err, errlen)) != 0)
		return r;
	days = local_day(lc->now) - local_day(eff);
	tc_lifecycle_date(lc->now, today);
	if (days < 0)
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE,
		    "the change date %s is after today (%s): a change is reported once it has happened",
		    effective_date, today);
	if (days > 1000000)
		days = 1000000;
	limit = &p->guards.change_report_days;
	late = limit->set && days > limit->value;
	if ((r = tc_reg_exec(lc->reg,
		 "INSERT INTO card_changes (serial, kind, value, uscc, effective, reported_at, days, late) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		 "recording a change", err, errlen, "itTTTiid", serial,
		 tc_change_kind_name(kind), value, uscc, effective_date,
		 (int64_t)lc->now, days, late)) != 0)
		return r;
	d = json_pack("{s:I, s:s, s:s, s:s?, s:s, s:I, s:b}", "serial",
	    (json_int_t)serial, "kind", tc_change_kind_name(kind), "value",
	    value, "uscc", uscc, "effective", effective_date, "days",
	    (json_int_t)days, "late", late);
	if (d != NULL && limit->set)
		json_object_set_new(
		    d, "limit_days", json_integer((json_int_t)limit->value));
	if (d != NULL && late)
		json_object_set_new(d, "warning",
		    json_string("reported after the programme's limit"));
	if ((r = audit(lc, "card.change", c.card.card_no, d, err, errlen)) != 0)
		return r;
	res->days = (int)days;
	res->late = late;
	if (late)
		snprintf(res->warning, sizeof(res->warning),
		    "the %s change of %s was reported %lld days after it took effect; programme %s requires a report within %lld days (%s). Recorded as late.",
		    tc_change_kind_name(kind), effective_date, (long long)days,
		    p->id, limit->value,
		    limit->cite.source != NULL ? limit->cite.source
					       : "programme file");
	return 0;
}

/* Reissue. */

static int
move_subcards(const struct tc_lifecycle *lc, const struct tc_card_state *from,
    int64_t to_serial, const char *to_no, int *n, char *err, size_t errlen)
{
	struct cards subs;
	size_t i;
	int r;

	if ((r = subcards(lc->reg, from->card.serial, &subs, err, errlen)) != 0)
		return r;
	for (i = 0; i < subs.n; i++) {
		const struct tc_card_state *s = &subs.v[i];

		if (s->card.status != TC_CARD_ISSUED &&
		    s->card.status != TC_CARD_SUSPENDED)
			continue;
		if ((r = tc_reg_exec(lc->reg,
			 "UPDATE cards SET principal_serial = ?2 WHERE serial = ?1",
			 "moving a sub-card", err, errlen, "ii", s->card.serial,
			 to_serial)) != 0 ||
		    (r = audit(lc, "card.subcard-move", s->card.card_no,
			 json_pack("{s:I, s:s, s:s}", "serial",
			     (json_int_t)s->card.serial, "from",
			     from->card.card_no, "to", to_no),
			 err, errlen)) != 0)
			break;
		(*n)++;
	}
	free(subs.v);
	return r;
}

int
tc_lifecycle_reissue(const struct tc_lifecycle *lc, int64_t serial,
    enum tc_reissue_reason reason, int64_t ns, struct tc_lifecycle_result *res,
    char *err, size_t errlen)
{
	struct tc_lifecycle_result dummy;
	struct tc_card_state c;
	struct tc_card nc;
	char why[32], ed[TC_LIFECYCLE_DATE_LEN];
	int r;

	if (res == NULL)
		res = &dummy;
	res_init(res, NULL);
	if ((r = lc_ok(lc, TC_LIFECYCLE_REISSUE, err, errlen)) != 0)
		return r;
	if (reason != TC_REISSUE_LOST && reason != TC_REISSUE_DAMAGED)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a card is reissued because it was lost or damaged");
	if ((r = tc_lifecycle_card_get(lc->reg, serial, &c, err, errlen)) != 0)
		return r;
	res_init(res, &c);
	switch (effective(&c, lc->now)) {
	case TC_CARD_ISSUED:
		break;
	case TC_CARD_SUSPENDED:
		return refuse(lc->reg, &c, lc->now, "be reissued",
		    "reinstate it first", err, errlen);
	case TC_CARD_EXPIRED:
		return refuse(lc->reg, &c, lc->now, "be reissued",
		    "the holder must make a new application", err, errlen);
	default:
		return refuse(
		    lc->reg, &c, lc->now, "be reissued", NULL, err, errlen);
	}
	if (ns == 0) /* a dry run: the card may be reissued */
		return 0;
	/* The new number carries the old card's region. */
	if ((r = new_number(lc->reg, &c, ns, res->new_card_no, err, errlen)) !=
	    0)
		return r;
	snprintf(
	    why, sizeof(why), "reissued-%s", tc_reissue_reason_name(reason));
	if ((r = set_status(
		 lc, serial, TC_CARD_REVOKED, why, 0, err, errlen)) != 0)
		return r;
	memset(&nc, 0, sizeof(nc));
	nc = c.card;
	nc.serial = ns;
	memcpy(nc.card_no, res->new_card_no, sizeof(nc.card_no));
	nc.status = TC_CARD_ISSUED;
	nc.issued_at = lc->now;
	if ((r = tc_registry_card_add(lc->reg, &nc, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_exec(lc->reg,
		 "UPDATE cards SET renewals = ?2, replaces_serial = ?3, status_at = ?4 WHERE serial = ?1",
		 "reissuing a card", err, errlen, "idii", ns, c.renewals,
		 serial, (int64_t)lc->now)) != 0)
		return r;
	tc_lifecycle_date(c.card.expires_at - 1, ed);
	if ((r = audit(lc, "card.revoke", c.card.card_no,
		 json_pack("{s:I, s:s, s:s}", "serial", (json_int_t)serial,
		     "reason", why, "replaced_by", res->new_card_no),
		 err, errlen)) != 0 ||
	    (r = audit(lc, "card.reissue", res->new_card_no,
		 json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "serial",
		     (json_int_t)ns, "replaces", c.card.card_no, "reason",
		     tc_reissue_reason_name(reason), "tier", c.card.tier,
		     "holder", c.holder_masked, "valid_to", ed),
		 err, errlen)) != 0)
		return r;
	if ((r = move_subcards(lc, &c, ns, res->new_card_no, &res->cascaded,
		 err, errlen)) != 0)
		return r;
	res->new_serial = ns;
	return 0;
}

/* Suspension and reinstatement. */

int
tc_lifecycle_suspend(const struct tc_lifecycle *lc, int64_t serial,
    const char *reason, struct tc_lifecycle_result *res, char *err,
    size_t errlen)
{
	struct tc_lifecycle_result dummy;
	struct tc_card_state c;
	int r;

	if (res == NULL)
		res = &dummy;
	res_init(res, NULL);
	if ((r = lc_ok(lc, TC_LIFECYCLE_SUSPEND, err, errlen)) != 0)
		return r;
	if ((r = text_ok(reason, TC_LIFECYCLE_REASON_MAX, "the reason", err,
		 errlen)) != 0)
		return r;
	if ((r = tc_lifecycle_card_get(lc->reg, serial, &c, err, errlen)) != 0)
		return r;
	res_init(res, &c);
	switch (effective(&c, lc->now)) {
	case TC_CARD_ISSUED:
		break;
	case TC_CARD_SUSPENDED:
		return refuse(lc->reg, &c, lc->now, "be suspended again", NULL,
		    err, errlen);
	default:
		return refuse(
		    lc->reg, &c, lc->now, "be suspended", NULL, err, errlen);
	}
	if ((r = set_status(
		 lc, serial, TC_CARD_SUSPENDED, reason, 0, err, errlen)) != 0 ||
	    (r = audit(lc, "card.suspend", c.card.card_no,
		 json_pack("{s:I, s:s}", "serial", (json_int_t)serial, "reason",
		     reason),
		 err, errlen)) != 0)
		return r;
	return cascade(lc, &c, BIT(TC_CARD_ISSUED), 0, TC_CARD_SUSPENDED,
	    R_PRINCIPAL_SUSPENDED, "card.suspend", &res->cascaded, err, errlen);
}

int
tc_lifecycle_reinstate(const struct tc_lifecycle *lc, int64_t serial,
    const char *note, struct tc_lifecycle_result *res, char *err, size_t errlen)
{
	struct tc_lifecycle_result dummy;
	struct tc_card_state c, m;
	char g[20], gm[20];
	int r;

	if (res == NULL)
		res = &dummy;
	res_init(res, NULL);
	if ((r = lc_ok(lc, TC_LIFECYCLE_REINSTATE, err, errlen)) != 0)
		return r;
	if (note != NULL &&
	    (r = text_ok(
		 note, TC_LIFECYCLE_REASON_MAX, "the note", err, errlen)) != 0)
		return r;
	if ((r = tc_lifecycle_card_get(lc->reg, serial, &c, err, errlen)) != 0)
		return r;
	res_init(res, &c);
	switch (effective(&c, lc->now)) {
	case TC_CARD_SUSPENDED:
		break;
	case TC_CARD_ISSUED:
		return refuse(lc->reg, &c, lc->now, "be reinstated",
		    "it is not suspended", err, errlen);
	default:
		return refuse(
		    lc->reg, &c, lc->now, "be reinstated", NULL, err, errlen);
	}
	if (c.card.principal_serial != 0) {
		if ((r = tc_lifecycle_card_get(lc->reg, c.card.principal_serial,
			 &m, err, errlen)) != 0)
			return r;
		if (effective(&m, lc->now) != TC_CARD_ISSUED) {
			grouped(c.card.card_no, g);
			grouped(m.card.card_no, gm);
			return tc_seterr(err, errlen, TC_ERR_STATE,
			    "card %s is a sub-card of card %s, which is %s: a sub-card is valid only while its main card is; %s",
			    g, gm, tc_card_status_name(effective(&m, lc->now)),
			    effective(&m, lc->now) == TC_CARD_SUSPENDED
				? "reinstate the main card first"
				: "it cannot be reinstated");
		}
	}
	if ((r = set_status(
		 lc, serial, TC_CARD_ISSUED, NULL, 0, err, errlen)) != 0 ||
	    (r = audit(lc, "card.reinstate", c.card.card_no,
		 json_pack("{s:I, s:s, s:s?}", "serial", (json_int_t)serial,
		     "suspended_for", c.status_reason, "note", note),
		 err, errlen)) != 0)
		return r;
	return cascade(lc, &c, BIT(TC_CARD_SUSPENDED), 1, TC_CARD_ISSUED, NULL,
	    "card.reinstate", &res->cascaded, err, errlen);
}

/* Revocation. */

/*
 * Bars the employer of card c for years years from today: the employer of
 * the application that issued the card (or the card it replaced, through
 * the reissue chain), else the employer last reported in a change. The bar
 * runs from today to the same day years later (the first day no longer
 * barred), which *until gets as its local midnight.
 */
static int
bar_the_employer(const struct tc_lifecycle *lc, const struct tc_card_state *c,
    const struct tc_programme *p, int years, const char *why, time_t *until,
    char *err, size_t errlen)
{
	struct tc_card_state k = *c;
	char since[TC_LIFECYCLE_DATE_LEN], end[TC_LIFECYCLE_DATE_LEN], g[20];
	char *emp = NULL, *uscc = NULL;
	const char *source = p->guards.fraud_employer_bar_years.cite.source;
	time_t today;
	int64_t bar_id;
	int r, depth;

	today = (time_t)(local_day(lc->now) * DAY - TC_LIFECYCLE_TZ_OFFSET);
	*until = tc_lifecycle_add_months(today, years * 12);
	for (depth = 0; depth < CHAIN_MAX; depth++) {
		r = tc_employer_bar_add_card(lc->reg, k.card.serial, years, why,
		    source, lc->operator_name, lc->now, &bar_id, err, errlen);
		if (r != TC_ERR_NOT_FOUND)
			return r;
		if (k.replaces == 0 ||
		    (r = tc_lifecycle_card_get(
			 lc->reg, k.replaces, &k, err, errlen)) != 0)
			break;
	}
	if ((r = tc_lifecycle_last_employer(
		 lc->reg, c->card.serial, &emp, &uscc, err, errlen)) != 0)
		return r;
	if (emp == NULL) {
		free(uscc);
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no employer is known for card %s (no application of this registry issued it and no employer change was reported): record it with 'change --employer' first",
		    grouped(c->card.card_no, g));
	}
	tc_lifecycle_date(today, since);
	tc_lifecycle_date(*until, end);
	r = tc_employer_bar_add(lc->reg, emp, uscc, since, end, why, p->id,
	    source, c->card.serial, lc->operator_name, lc->now, &bar_id, err,
	    errlen);
	free(emp);
	free(uscc);
	return r;
}

int
tc_lifecycle_revoke(const struct tc_lifecycle *lc, int64_t serial,
    const char *reason, const char *note, int bar_employer,
    struct tc_lifecycle_result *res, char *err, size_t errlen)
{
	struct tc_lifecycle_result dummy;
	struct tc_card_state c;
	const struct tc_programme *p;
	const struct tc_guard *bar;
	char g[20], msg[512];
	int r, fraud;

	if (res == NULL)
		res = &dummy;
	res_init(res, NULL);
	if ((r = lc_ok(lc, TC_LIFECYCLE_REVOKE, err, errlen)) != 0)
		return r;
	if (note != NULL &&
	    (r = text_ok(
		 note, TC_LIFECYCLE_REASON_MAX, "the note", err, errlen)) != 0)
		return r;
	if ((r = tc_lifecycle_card_get(lc->reg, serial, &c, err, errlen)) != 0)
		return r;
	res_init(res, &c);
	grouped(c.card.card_no, g);
	if ((r = programme_of(lc, &c, &p, NULL, err, errlen)) != 0)
		return r;
	if (!tc_lifecycle_revoke_reason_ok(p, reason))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "'%.64s' is not a revocation reason of programme %s",
		    reason != NULL ? reason : "", p->id);
	fraud = strcmp(reason, "fraud") == 0;
	switch (effective(&c, lc->now)) {
	case TC_CARD_ISSUED:
	case TC_CARD_SUSPENDED:
		break;
	case TC_CARD_REVOKED:
		return refuse(lc->reg, &c, lc->now, "be revoked again", NULL,
		    err, errlen);
	default:
		return refuse(lc->reg, &c, lc->now, "be revoked",
		    fraud ? "to bar the person, use the blacklist" : NULL, err,
		    errlen);
	}
	bar = &p->guards.fraud_employer_bar_years;
	if (bar_employer) {
		if (!fraud)
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "an employer is barred only for fraud, not for '%s'",
			    reason);
		if (!bar->set || bar->value <= 0 || bar->value > 100)
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "programme %s does not bar employers for fraud",
			    p->id);
	}
	if ((r = set_status(
		 lc, serial, TC_CARD_REVOKED, reason, 0, err, errlen)) != 0 ||
	    (r = audit(lc, "card.revoke", c.card.card_no,
		 json_pack("{s:I, s:s, s:s?, s:b}", "serial",
		     (json_int_t)serial, "reason", reason, "note", note,
		     "bar_employer", bar_employer),
		 err, errlen)) != 0)
		return r;
	if ((r = cascade(lc, &c, BIT(TC_CARD_ISSUED) | BIT(TC_CARD_SUSPENDED),
		 0, TC_CARD_REVOKED, R_PRINCIPAL_REVOKED, "card.revoke",
		 &res->cascaded, err, errlen)) != 0)
		return r;
	if (!fraud)
		return 0;
	snprintf(msg, sizeof(msg), "fraud: card %s revoked%s%.256s", g,
	    note != NULL ? ": " : "", note != NULL ? note : "");
	if (p->guards.fraud_person_blacklist.set &&
	    p->guards.fraud_person_blacklist.value) {
		r = tc_blacklist_add_card_holder(lc->reg, serial, msg,
		    p->guards.fraud_person_blacklist.cite.source,
		    lc->operator_name, lc->now, err, errlen);
		if (r != 0 && r != TC_ERR_EXISTS)
			return r;
		res->blacklisted = 1;
	}
	if (bar_employer) {
		if ((r = bar_the_employer(lc, &c, p, (int)bar->value, msg,
			 &res->barred_until, err, errlen)) != 0)
			return r;
		res->employer_barred = 1;
	}
	return 0;
}

/* Sub-cards. */

/* The sub tier of p for relation on main tier main_tier, or NULL. */
static const struct tc_tier *
sub_tier(const struct tc_programme *p, enum tc_relation relation,
    const char *main_tier, int *any_for_relation)
{
	size_t i;

	*any_for_relation = 0;
	for (i = 0; i < p->n_tiers; i++) {
		const struct tc_tier *t = &p->tiers[i];

		if (t->kind != TC_TIER_SUB || t->relation != relation)
			continue;
		*any_for_relation = 1;
		if (tc_idlist_has(&t->principal_tiers, main_tier))
			return t;
	}
	return NULL;
}

/* The main tiers that have sub-cards for relation: "a" or "a, b". */
static const char *
principal_list(const struct tc_programme *p, enum tc_relation relation,
    char *out, size_t outlen)
{
	size_t i, j, len = 0;
	int n;

	out[0] = '\0';
	for (i = 0; i < p->n_tiers; i++) {
		const struct tc_tier *t = &p->tiers[i];

		if (t->kind != TC_TIER_SUB || t->relation != relation)
			continue;
		for (j = 0; j < t->principal_tiers.n; j++) {
			n = snprintf(out + len, outlen - len, "%s%s",
			    len > 0 ? ", " : "", t->principal_tiers.v[j]);
			if (n < 0 || (size_t)n >= outlen - len)
				return out;
			len += (size_t)n;
		}
	}
	return out;
}

/* The source of the first sub tier for relation, for messages. */
static const char *
sub_cite(const struct tc_programme *p, enum tc_relation relation)
{
	size_t i;

	for (i = 0; i < p->n_tiers; i++) {
		const struct tc_tier *t = &p->tiers[i];

		if (t->kind != TC_TIER_SUB || t->relation != relation)
			continue;
		if (t->cite.source != NULL)
			return t->cite.source;
		if (t->validity.cite.source != NULL)
			return t->validity.cite.source;
	}
	return "programme file";
}

/* The file name of the relative's photo without its directory ("photo"). */
static const char *
relative_photo_name(const struct tc_relative *rel)
{
	const char *slash;

	if (rel->photo_name == NULL)
		return "photo";
	slash = strrchr(rel->photo_name, '/');
	return slash != NULL ? slash + 1 : rel->photo_name;
}

int
tc_lifecycle_subcard_add(const struct tc_lifecycle *lc, int64_t serial,
    enum tc_relation relation, const struct tc_relative *rel, int64_t ns,
    struct tc_lifecycle_result *res, char *err, size_t errlen)
{
	struct tc_lifecycle_result dummy;
	struct tc_attach_info info;
	struct tc_card_state c;
	const struct tc_programme *p;
	const struct tc_tier *st;
	struct tc_holder h;
	struct tc_card sc;
	struct cards subs = { NULL, 0 };
	char g[20], gs[20], norm[TC_ID_MAX], masked[TC_ID_MAX];
	char ed[TC_LIFECYCLE_DATE_LEN], msg[256], tiers[128];
	const char *relname = tc_relation_name(relation);
	int64_t holder;
	size_t i;
	int r, any, y, m, d, age;

	if (res == NULL)
		res = &dummy;
	res_init(res, NULL);
	memset(&h, 0, sizeof(h));
	if ((r = lc_ok(lc, TC_LIFECYCLE_SUBCARD_ADD, err, errlen)) != 0)
		return r;
	if (relation == TC_REL_HOLDER || strcmp(relname, "unknown") == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a sub-card is for a spouse, child, parent or parent-in-law");
	if (rel == NULL || rel->id_number == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the relative's ID document is missing");
	if ((r = text_ok(rel->name, TC_HOLDER_NAME_MAX, "the relative's name",
		 err, errlen)) != 0)
		return r;
	if ((r = tc_id_normalise(rel->id_type, rel->id_number, lc->now, norm,
		 msg, sizeof(msg))) != 0)
		return tc_seterr(err, errlen, r, "the relative's %s number: %s",
		    tc_id_type_name(rel->id_type), msg);
	if (strcmp(norm, rel->id_number) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the relative's ID number is not in normalised form");
	tc_id_mask(norm, masked);
	if ((r = tc_lifecycle_card_get(lc->reg, serial, &c, err, errlen)) != 0)
		goto out;
	res_init(res, &c);
	grouped(c.card.card_no, g);
	if (c.card.principal_serial != 0) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is itself a sub-card (%s): sub-cards hang on a main card",
		    g, c.card.relation);
		goto out;
	}
	if (effective(&c, lc->now) != TC_CARD_ISSUED) {
		r = refuse(lc->reg, &c, lc->now, "have sub-cards added",
		    effective(&c, lc->now) == TC_CARD_SUSPENDED
			? "reinstate it first"
			: NULL,
		    err, errlen);
		goto out;
	}
	if ((r = programme_of(lc, &c, &p, NULL, err, errlen)) != 0)
		goto out;
	if ((st = sub_tier(p, relation, c.card.tier, &any)) == NULL) {
		if (!any)
			r = tc_seterr(err, errlen, TC_ERR_POLICY,
			    "programme %s has no sub-cards for a %s", p->id,
			    relname);
		else
			r = tc_seterr(err, errlen, TC_ERR_POLICY,
			    "card %s is a %s card: programme %s gives sub-cards for a %s only to %s cards (%s)",
			    g, c.card.tier, p->id, relname,
			    principal_list(p, relation, tiers, sizeof(tiers)),
			    sub_cite(p, relation));
		goto out;
	}
	if (st->minor_only) {
		if (tc_id_birth_date(rel->id_type, norm, &y, &m, &d) != 0) {
			y = rel->birth_y;
			m = rel->birth_m;
			d = rel->birth_d;
			if (!tc_date_valid(y, m, d)) {
				r = tc_seterr(err, errlen, TC_ERR_POLICY,
				    "a %s sub-card is for minors only, and a %s number carries no birth date: give the birth date",
				    st->id, tc_id_type_name(rel->id_type));
				goto out;
			}
		}
		age = tc_lifecycle_age(y, m, d, lc->now);
		if (age < 0 || age >= TC_LIFECYCLE_ADULT_AGE) {
			r = tc_seterr(err, errlen, TC_ERR_POLICY,
			    "the %s is %d years old: sub-card tier %s of programme %s is for minors (under %d) only (%s)",
			    relname, age, st->id, p->id, TC_LIFECYCLE_ADULT_AGE,
			    st->cite.source != NULL ? st->cite.source
						    : "programme file");
			goto out;
		}
	}
	/*
	 * The relative's photo, as an application's photo field takes it:
	 * every printed card shows one, and this card has no application.
	 */
	if (rel->photo == NULL || rel->photo_len == 0) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the relative's photo is missing: the sub-card's face shows it");
		goto out;
	}
	if ((r = tc_app_photo_check(p, relative_photo_name(rel), rel->photo,
		 rel->photo_len, &info, err, errlen)) != 0)
		goto out;
	/* The relative as a holder: found by ID number, else added below. */
	r = tc_registry_holder_find(
	    lc->reg, rel->id_type, norm, &holder, err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		holder = 0;
	else if (r != 0)
		goto out;
	if (holder == c.card.holder_id) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s is the holder of card %s: a sub-card is for a relative",
		    masked, g);
		goto out;
	}
	if ((r = subcards(lc->reg, serial, &subs, err, errlen)) != 0)
		goto out;
	for (i = 0; i < subs.n; i++) {
		const struct tc_card_state *s = &subs.v[i];

		if (s->card.status != TC_CARD_ISSUED &&
		    s->card.status != TC_CARD_SUSPENDED)
			continue;
		if (s->card.holder_id == holder) {
			r = tc_seterr(err, errlen, TC_ERR_EXISTS,
			    "%s already has sub-card %s (%s) on card %s",
			    masked, grouped(s->card.card_no, gs),
			    s->card.relation, g);
			goto out;
		}
		if (relation == TC_REL_SPOUSE &&
		    strcmp(s->card.relation, "spouse") == 0) {
			r = tc_seterr(err, errlen, TC_ERR_EXISTS,
			    "card %s already has a spouse sub-card (%s)", g,
			    grouped(s->card.card_no, gs));
			goto out;
		}
	}
	r = 0;
	if (ns == 0) /* a dry run: every check passed */
		goto out;
	if ((r = new_number(lc->reg, &c, ns, res->new_card_no, err, errlen)) !=
	    0)
		goto out;
	if (holder == 0) {
		h.id_type = rel->id_type;
		memcpy(h.id_number, norm, sizeof(norm));
		snprintf(h.name, sizeof(h.name), "%s", rel->name);
		if ((r = tc_registry_holder_add(
			 lc->reg, &h, lc->now, &holder, err, errlen)) != 0 ||
		    (r = audit(lc, "holder.add", NULL,
			 json_pack("{s:s, s:I, s:s, s:s}", "id", masked,
			     "holder", (json_int_t)holder, "id_type",
			     tc_id_type_name(rel->id_type), "for", "sub-card"),
			 err, errlen)) != 0)
			goto out;
	}
	memset(&sc, 0, sizeof(sc));
	sc.serial = ns;
	memcpy(sc.card_no, res->new_card_no, sizeof(sc.card_no));
	sc.holder_id = holder;
	snprintf(sc.programme, sizeof(sc.programme), "%s", c.card.programme);
	snprintf(sc.tier, sizeof(sc.tier), "%s", st->id);
	sc.status = TC_CARD_ISSUED;
	sc.issued_at = lc->now;
	sc.expires_at = c.card.expires_at;
	sc.principal_serial = serial;
	snprintf(sc.relation, sizeof(sc.relation), "%s", relname);
	if ((r = tc_registry_card_add(lc->reg, &sc, err, errlen)) != 0)
		goto out;
	if ((r = tc_reg_exec(lc->reg,
		 "UPDATE cards SET status_at = ?2 WHERE serial = ?1",
		 "adding a sub-card", err, errlen, "ii", ns,
		 (int64_t)lc->now)) != 0)
		goto out;
	tc_lifecycle_date(sc.expires_at - 1, ed);
	if ((r = audit(lc, "card.subcard-add", sc.card_no,
		 json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "serial",
		     (json_int_t)ns, "principal", c.card.card_no, "relation",
		     relname, "tier", st->id, "holder", masked, "holder_id",
		     (json_int_t)holder, "valid_to", ed),
		 err, errlen)) != 0)
		goto out;
	if ((r = tc_card_doc_add(lc->reg, ns, TC_CARD_DOC_PHOTO,
		 lc->operator_name, lc->now, relative_photo_name(rel),
		 rel->photo, rel->photo_len, NULL, err, errlen)) != 0)
		goto out;
	res->new_serial = ns;
	r = 0;
out:
	free(subs.v);
	tc_holder_release(&h);
	memset(norm, 0, sizeof(norm));
	return r;
}

/* The expiry sweep. */

/* Serials selected by sql with ?1 = now, into a malloc'd array. */
static int
serials(struct tc_registry *reg, const char *sql, time_t now, int64_t **out,
    size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int64_t *v;
	int rc, r;

	*out = NULL;
	*n = 0;
	if ((r = tc_reg_query(reg, sql, &st, err, errlen, "i", (int64_t)now)) !=
	    0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((v = realloc(*out, (*n + 1) * sizeof(*v))) == NULL) {
			r = tc_seterr(
			    err, errlen, TC_ERR_NOMEM, "out of memory");
			break;
		}
		*out = v;
		(*out)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, "finding expired cards", err, errlen);
	tc_reg_finalize(reg, st);
	if (r != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return r;
}

static int
expire_one(const struct tc_lifecycle *lc, int64_t serial, const char *reason,
    const char *cascade_from, char *err, size_t errlen)
{
	struct tc_card_state c;
	char ed[TC_LIFECYCLE_DATE_LEN];
	int r;

	if ((r = tc_lifecycle_card_get(lc->reg, serial, &c, err, errlen)) != 0)
		return r;
	tc_lifecycle_date(c.card.expires_at - 1, ed);
	if ((r = set_status(lc, serial, TC_CARD_EXPIRED, reason,
		 cascade_from != NULL, err, errlen)) != 0)
		return r;
	return audit(lc, "card.expire", c.card.card_no,
	    json_pack("{s:I, s:s, s:s, s:s, s:s?}", "serial",
		(json_int_t)serial, "reason", reason, "was",
		tc_card_status_name(c.card.status), "valid_to", ed,
		"cascade_from", cascade_from),
	    err, errlen);
}

int
tc_lifecycle_expire(
    const struct tc_lifecycle *lc, int64_t *count, char *err, size_t errlen)
{
	struct tc_card_state c;
	struct cards subs = { NULL, 0 };
	int64_t *v = NULL, n = 0;
	size_t nv = 0, i, j;
	int r;

	if (count != NULL)
		*count = 0;
	if ((r = lc_ok(lc, TC_LIFECYCLE_EXPIRE, err, errlen)) != 0)
		return r;
	/* Main cards past their expiry, and their live sub-cards. */
	if ((r = serials(lc->reg,
		 "SELECT serial FROM cards WHERE status IN ('issued', 'suspended') AND expires_at <= ?1 AND principal_serial IS NULL ORDER BY serial",
		 lc->now, &v, &nv, err, errlen)) != 0)
		return r;
	for (i = 0; i < nv && r == 0; i++) {
		if ((r = expire_one(
			 lc, v[i], R_TERM_ENDED, NULL, err, errlen)) != 0 ||
		    (r = tc_lifecycle_card_get(
			 lc->reg, v[i], &c, err, errlen)) != 0 ||
		    (r = subcards(lc->reg, v[i], &subs, err, errlen)) != 0)
			break;
		n++;
		for (j = 0; j < subs.n; j++) {
			if (subs.v[j].card.status != TC_CARD_ISSUED &&
			    subs.v[j].card.status != TC_CARD_SUSPENDED)
				continue;
			if ((r = expire_one(lc, subs.v[j].card.serial,
				 R_PRINCIPAL_EXPIRED, c.card.card_no, err,
				 errlen)) != 0)
				break;
			n++;
		}
		free(subs.v);
		subs.v = NULL;
	}
	free(v);
	v = NULL;
	if (r != 0)
		return r;
	/*
	 * Sub-cards left: past their own expiry, or hanging on a main card
	 * that expired before this sweep.
	 */
	if ((r = serials(lc->reg,
		 "SELECT s.serial FROM cards s JOIN cards m ON m.serial = s.principal_serial WHERE s.status IN ('issued', 'suspended') AND (s.expires_at <= ?1 OR m.status = 'expired') ORDER BY s.serial",
		 lc->now, &v, &nv, err, errlen)) != 0)
		return r;
	for (i = 0; i < nv; i++) {
		if ((r = tc_lifecycle_card_get(
			 lc->reg, v[i], &c, err, errlen)) != 0)
			break;
		if (c.card.expires_at <= lc->now)
			r = expire_one(
			    lc, v[i], R_TERM_ENDED, NULL, err, errlen);
		else {
			struct tc_card_state m;

			if ((r = tc_lifecycle_card_get(lc->reg,
				 c.card.principal_serial, &m, err, errlen)) ==
			    0)
				r = expire_one(lc, v[i], R_PRINCIPAL_EXPIRED,
				    m.card.card_no, err, errlen);
		}
		if (r != 0)
			break;
		n++;
	}
	free(v);
	if (r == 0 && count != NULL)
		*count = n;
	return r;
}
