/* SPDX-License-Identifier: MIT */
/*
 * The person blacklist and the employer bars (include/tcard/blacklist.h).
 * People are found by the keyed MAC of the ID number (the registry's
 * pepper), employers by their credit code or normalised name. Statements
 * are prepared per call: these run a few times per command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "app-int.h"
#include "tcard/blacklist.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/name.h"
#include "tcard/operator.h"

#define BL_COLUMNS                                                             \
	"id_mac, id_masked, reason, programme, source, card_serial, application_id, until, added_at, added_by"
#define BAR_COLUMNS                                                            \
	"id, employer, employer_code, since, until, reason, programme, source, card_serial, added_at, added_by"

int
tc_employer_key(
    const char *name, char out[TC_EMPLOYER_KEY_MAX], char *err, size_t errlen)
{
	struct tc_buf b;
	char msg[256];
	size_t n;
	int r;

	if (out != NULL)
		out[0] = '\0';
	if (name == NULL || out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no employer name");
	n = strnlen(name, TC_EMPLOYER_MAX + 1);
	if (n > TC_EMPLOYER_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the employer name is longer than %d bytes",
		    TC_EMPLOYER_MAX);
	tc_buf_init(&b, TC_EMPLOYER_KEY_MAX - 1);
	if ((r = tc_name_normalise(name, n, &b, msg, sizeof(msg))) != 0) {
		tc_buf_release(&b);
		return tc_seterr(err, errlen, r, "employer name: %s", msg);
	}
	memcpy(out, b.data, b.len + 1);
	tc_buf_release(&b);
	return 0;
}

/* Optional text argument: NULL or a valid text of at most max bytes. */
static int
opt_text(const char *s, size_t max)
{
	return s == NULL || tc_app_text_ok(s, max, 0);
}

static int
check_until(const char *until, char *err, size_t errlen)
{
	int64_t day;

	if (until == NULL)
		return 0;
	return tc_date_parse(until, &day, err, errlen);
}

static int
bl_row(sqlite3_stmt *st, struct tc_blacklist_entry *e)
{
	int64_t at;

	memset(e, 0, sizeof(*e));
	if (sqlite3_column_bytes(st, 0) != TC_PII_MAC_LEN ||
	    tc_reg_col_text(st, 1, e->id_masked, sizeof(e->id_masked), 0) ||
	    tc_reg_col_text(st, 2, e->reason, sizeof(e->reason), 0) ||
	    tc_reg_col_text(st, 3, e->programme, sizeof(e->programme), 1) ||
	    tc_reg_col_text(st, 4, e->source, sizeof(e->source), 1) ||
	    tc_reg_col_int(st, 5, 1, &e->card_serial) ||
	    tc_reg_col_int(st, 6, 1, &e->application_id) ||
	    tc_reg_col_text(st, 7, e->until, sizeof(e->until), 1) ||
	    tc_reg_col_int(st, 8, 0, &at) ||
	    tc_reg_col_text(st, 9, e->added_by, sizeof(e->added_by), 0))
		return TC_ERR_MALFORMED;
	memcpy(e->id_mac, sqlite3_column_blob(st, 0), TC_PII_MAC_LEN);
	e->added_at = (time_t)at;
	return 0;
}

/* Reads the entry of mac, whatever its until. 0 or TC_ERR_NOT_FOUND. */
static int
bl_find(struct tc_registry *reg, const uint8_t mac[TC_PII_MAC_LEN],
    struct tc_blacklist_entry *e, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = tc_reg_query(reg,
		 "SELECT " BL_COLUMNS " FROM blacklist WHERE id_mac = ?1", &st,
		 err, errlen, "b", (const void *)mac,
		 (size_t)TC_PII_MAC_LEN)) != 0 ||
	    (r = tc_reg_one_row(
		 reg, st, "reading the blacklist", err, errlen, NULL)) != 0)
		return r;
	if (bl_row(st, e) != 0)
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "a blacklist row has a field of the wrong type or size");
	tc_reg_finalize(reg, st);
	return r;
}

static int
blacklist_add(struct tc_registry *reg, const uint8_t mac[TC_PII_MAC_LEN],
    const char *masked, const char *reason, const char *programme,
    const char *source, const char *until, int64_t card_serial,
    int64_t application_id, const char *op, time_t now, char *err,
    size_t errlen)
{
	struct tc_blacklist_entry old;
	char subject[64], when[TC_DATE_TEXT];
	json_t *o;
	int r;

	if ((r = tc_reg_need_tx(reg, "adding to the blacklist", err, errlen)) !=
	    0)
		return r;
	if (!tc_app_text_ok(reason, TC_BLACKLIST_TEXT_MAX, 0) ||
	    !opt_text(programme, TC_CARD_TEXT_MAX) ||
	    !opt_text(source, TC_BLACKLIST_TEXT_MAX) || op == NULL ||
	    *op == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "blacklist: a reason of 1 to %d bytes of text is needed (programme and source, when given, must be text too)",
		    TC_BLACKLIST_TEXT_MAX);
	if ((r = check_until(until, err, errlen)) != 0)
		return r == TC_ERR_BAD_DATE ? TC_ERR_INVALID_ARG : r;
	if ((r = bl_find(reg, mac, &old, err, errlen)) == 0) {
		tc_date_format(tc_day_of_time(old.added_at), when);
		return tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "%s is already on the blacklist (since %s%s%s: %s)", masked,
		    when, old.until[0] ? ", until " : "", old.until,
		    old.reason);
	}
	if (r != TC_ERR_NOT_FOUND)
		return r;
	if ((r = tc_reg_exec(reg,
		 "INSERT INTO blacklist (" BL_COLUMNS
		 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		 "adding to the blacklist", err, errlen, "bttttIItit",
		 (const void *)mac, (size_t)TC_PII_MAC_LEN, masked, reason,
		 programme, source, card_serial, application_id, until,
		 (int64_t)now, op)) != 0)
		return r;
	o = json_pack("{s:s, s:s?, s:s?}", "reason", reason, "programme",
	    programme, "source", source);
	if (o != NULL && card_serial != 0)
		json_object_set_new(
		    o, "card_serial", json_integer(card_serial));
	if (o != NULL && application_id != 0)
		json_object_set_new(
		    o, "application", json_integer(application_id));
	if (o != NULL && until != NULL)
		json_object_set_new(o, "until", json_string(until));
	snprintf(subject, sizeof(subject), "person:%s", masked);
	return tc_app_audit(
	    reg, now, op, "blacklist.add", subject, o, err, errlen);
}

/* MAC and masked form of a normalised number, with the registry pepper. */
static int
id_mac(struct tc_registry *reg, enum tc_id_type type, const char *number,
    uint8_t mac[TC_PII_MAC_LEN], char masked[TC_ID_MAX], char *err,
    size_t errlen)
{
	if (strcmp(tc_id_type_name(type), "unknown") == 0 || number == NULL ||
	    strnlen(number, TC_ID_MAX) >= TC_ID_MAX ||
	    tc_id_mask(number, masked) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the ID number is not in normalised form");
	if (tc_pii_id_mac(reg->keys.pepper, number, mac) != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "computing the ID MAC failed");
	return 0;
}

int
tc_blacklist_add_id(struct tc_registry *reg, enum tc_id_type type,
    const char *normalised_id, const char *reason, const char *programme,
    const char *source, const char *until, int64_t card_serial,
    int64_t application_id, const char *operator_name, time_t now, char *err,
    size_t errlen)
{
	uint8_t mac[TC_PII_MAC_LEN];
	char masked[TC_ID_MAX];
	int r;

	if (reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = id_mac(reg, type, normalised_id, mac, masked, err, errlen)) !=
	    0)
		return r;
	return blacklist_add(reg, mac, masked, reason, programme, source, until,
	    card_serial, application_id, operator_name, now, err, errlen);
}

int
tc_blacklist_add_card_holder(struct tc_registry *reg, int64_t card_serial,
    const char *reason, const char *source, const char *operator_name,
    time_t now, char *err, size_t errlen)
{
	struct tc_card card;
	uint8_t mac[TC_PII_MAC_LEN];
	char masked[TC_ID_MAX];
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_registry_card_get(reg, card_serial, &card, err, errlen)) !=
	    0)
		return r;
	if ((r = tc_reg_row_by_id(reg,
		 "SELECT id_mac, id_masked FROM holders WHERE id = ?1",
		 card.holder_id, "reading a holder", &st, err, errlen,
		 "card %s: holder %lld not found", card.card_no,
		 (long long)card.holder_id)) != 0)
		return r;
	if (sqlite3_column_bytes(st, 0) != TC_PII_MAC_LEN ||
	    tc_reg_col_text(st, 1, masked, sizeof(masked), 0) != 0) {
		tc_reg_finalize(reg, st);
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "holder %lld: a stored field has the wrong type or size",
		    (long long)card.holder_id);
	}
	memcpy(mac, sqlite3_column_blob(st, 0), TC_PII_MAC_LEN);
	tc_reg_finalize(reg, st);
	return blacklist_add(reg, mac, masked, reason, card.programme, source,
	    NULL, card_serial, 0, operator_name, now, err, errlen);
}

int
tc_blacklist_remove_id(struct tc_registry *reg, enum tc_id_type type,
    const char *normalised_id, const char *reason, const char *operator_name,
    time_t now, char *err, size_t errlen)
{
	uint8_t mac[TC_PII_MAC_LEN];
	char masked[TC_ID_MAX], subject[64];
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || operator_name == NULL || *operator_name == '\0')
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(
		 reg, "removing from the blacklist", err, errlen)) != 0)
		return r;
	if (!tc_app_text_ok(reason, TC_BLACKLIST_TEXT_MAX, 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a reason of 1 to %d bytes of text is needed",
		    TC_BLACKLIST_TEXT_MAX);
	if ((r = id_mac(reg, type, normalised_id, mac, masked, err, errlen)) !=
	    0)
		return r;
	if ((r = tc_reg_prepare(reg, "DELETE FROM blacklist WHERE id_mac = ?1",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, mac, TC_PII_MAC_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	tc_reg_finalize(reg, st);
	if (rc != SQLITE_DONE)
		return tc_reg_dberr(
		    reg, rc, "removing from the blacklist", err, errlen);
	if (sqlite3_changes(reg->db) == 0)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s is not on the blacklist", masked);
	snprintf(subject, sizeof(subject), "person:%s", masked);
	return tc_app_audit(reg, now, operator_name, "blacklist.remove",
	    subject, json_pack("{s:s}", "reason", reason), err, errlen);
}

int
tc_blacklist_check(struct tc_registry *reg, const uint8_t mac[TC_PII_MAC_LEN],
    time_t now, struct tc_blacklist_entry *hit, char *err, size_t errlen)
{
	struct tc_blacklist_entry e;
	char today[TC_DATE_TEXT];
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || mac == NULL)
		return tc_reg_no_arg(err, errlen);
	tc_date_format(tc_day_of_time(now), today);
	if ((r = tc_reg_query(reg,
		 "SELECT " BL_COLUMNS
		 " FROM blacklist WHERE id_mac = ?1 AND (until IS NULL OR until > ?2)",
		 &st, err, errlen, "bt", (const void *)mac,
		 (size_t)TC_PII_MAC_LEN, today)) != 0 ||
	    (r = tc_reg_one_row(
		 reg, st, "reading the blacklist", err, errlen, NULL)) != 0)
		return r == TC_ERR_NOT_FOUND ? 0 : r;
	if (bl_row(st, &e) != 0)
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "a blacklist row has a field of the wrong type or size");
	else {
		if (hit != NULL)
			*hit = e;
		r = tc_seterr(err, errlen, TC_ERR_BLACKLISTED,
		    "%s is on the blacklist: %s", e.id_masked, e.reason);
	}
	tc_reg_finalize(reg, st);
	return r;
}

int
tc_blacklist_list(struct tc_registry *reg,
    int (*fn)(const struct tc_blacklist_entry *e, void *arg), void *arg,
    char *err, size_t errlen)
{
	struct tc_blacklist_entry e;
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_prepare(reg,
		 "SELECT " BL_COLUMNS
		 " FROM blacklist ORDER BY added_at DESC, rowid DESC",
		 &st, err, errlen)) != 0)
		return r;
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (bl_row(st, &e) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "a blacklist row has a field of the wrong type or size");
			break;
		}
		if ((r = fn(&e, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "reading the blacklist", err, errlen);
}

/* Normalises an optional credit code; code_out "" when code is NULL. */
static int
opt_code(const char *code, char out[TC_USCC_LEN + 1], char *err, size_t errlen)
{
	out[0] = '\0';
	if (code == NULL || *code == '\0')
		return 0;
	return tc_uscc_normalise(code, out, err, errlen);
}

int
tc_employer_bar_add(struct tc_registry *reg, const char *employer,
    const char *code, const char *since, const char *until, const char *reason,
    const char *programme, const char *source, int64_t card_serial,
    const char *operator_name, time_t now, int64_t *bar_id, char *err,
    size_t errlen)
{
	char key[TC_EMPLOYER_KEY_MAX], ncode[TC_USCC_LEN + 1], subject[64];
	int64_t d1, d2, id;
	json_t *o;
	int r;

	if (bar_id != NULL)
		*bar_id = 0;
	if (reg == NULL || operator_name == NULL || *operator_name == '\0')
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "barring an employer", err, errlen)) != 0)
		return r;
	if (!tc_app_text_ok(employer, TC_EMPLOYER_MAX, 0) ||
	    (r = tc_employer_key(employer, key, err, errlen)) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the employer name must be 1 to %d bytes of text",
		    TC_EMPLOYER_MAX);
	if ((r = opt_code(code, ncode, err, errlen)) != 0)
		return TC_ERR_INVALID_ARG;
	if (since == NULL || until == NULL ||
	    tc_date_parse(since, &d1, err, errlen) != 0 ||
	    tc_date_parse(until, &d2, err, errlen) != 0 || d2 <= d1)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a bar needs dates since and until (YYYY-MM-DD), since before until");
	if (!tc_app_text_ok(reason, TC_BLACKLIST_TEXT_MAX, 0) ||
	    !opt_text(programme, TC_CARD_TEXT_MAX) ||
	    !opt_text(source, TC_BLACKLIST_TEXT_MAX))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a reason of 1 to %d bytes of text is needed",
		    TC_BLACKLIST_TEXT_MAX);
	if ((r = tc_reg_exec(reg,
		 "INSERT INTO employer_bars (employer, employer_key, employer_code, since, until, reason, programme, source, card_serial, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		 "barring an employer", err, errlen, "ttttttttIit", employer,
		 key, ncode[0] != '\0' ? ncode : NULL, since, until, reason,
		 programme, source, card_serial, (int64_t)now,
		 operator_name)) != 0)
		return r;
	id = sqlite3_last_insert_rowid(reg->db);
	o = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?}", "employer",
	    employer, "code", ncode[0] != '\0' ? ncode : NULL, "since", since,
	    "until", until, "reason", reason, "programme", programme, "source",
	    source);
	if (o != NULL && card_serial != 0)
		json_object_set_new(
		    o, "card_serial", json_integer(card_serial));
	snprintf(subject, sizeof(subject), "employer-bar:%lld", (long long)id);
	if ((r = tc_app_audit(reg, now, operator_name, "employer.bar", subject,
		 o, err, errlen)) != 0)
		return r;
	if (bar_id != NULL)
		*bar_id = id;
	return 0;
}

int
tc_employer_bar_add_card(struct tc_registry *reg, int64_t card_serial,
    int years, const char *reason, const char *source,
    const char *operator_name, time_t now, int64_t *bar_id, char *err,
    size_t errlen)
{
	char employer[TC_EMPLOYER_MAX + 1], code[TC_USCC_LEN + 1];
	char since[TC_DATE_TEXT], until[TC_DATE_TEXT];
	struct tc_card card;
	sqlite3_stmt *st = NULL;
	int64_t today;
	int rc, r;

	if (bar_id != NULL)
		*bar_id = 0;
	if (reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if (years < 1 || years > 100)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "a bar lasts 1 to 100 years, not %d", years);
	if ((r = tc_registry_card_get(reg, card_serial, &card, err, errlen)) !=
	    0)
		return r;
	if ((r = tc_reg_query(reg,
		 "SELECT employer, employer_code FROM applications WHERE issued_serial = ?1",
		 &st, err, errlen, "i", card_serial)) != 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW &&
	    (tc_reg_col_text(st, 0, employer, sizeof(employer), 1) != 0 ||
		tc_reg_col_text(st, 1, code, sizeof(code), 1) != 0)) {
		tc_reg_finalize(reg, st);
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the application of card %s has a malformed employer",
		    card.card_no);
	}
	tc_reg_finalize(reg, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tc_reg_dberr(
		    reg, rc, "reading an application", err, errlen);
	if (rc == SQLITE_DONE || employer[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s was not issued from an application that records its employer; name the employer",
		    card.card_no);
	today = tc_day_of_time(now);
	tc_date_format(today, since);
	tc_date_format(tc_day_add_months(today, 12 * years), until);
	return tc_employer_bar_add(reg, employer, code[0] ? code : NULL, since,
	    until, reason, card.programme, source, card_serial, operator_name,
	    now, bar_id, err, errlen);
}

static int
bar_row(sqlite3_stmt *st, struct tc_employer_bar *b)
{
	int64_t at;

	memset(b, 0, sizeof(*b));
	if (tc_reg_col_int(st, 0, 0, &b->id) ||
	    tc_reg_col_text(st, 1, b->employer, sizeof(b->employer), 0) ||
	    tc_reg_col_text(
		st, 2, b->employer_code, sizeof(b->employer_code), 1) ||
	    tc_reg_col_text(st, 3, b->since, sizeof(b->since), 0) ||
	    tc_reg_col_text(st, 4, b->until, sizeof(b->until), 0) ||
	    tc_reg_col_text(st, 5, b->reason, sizeof(b->reason), 0) ||
	    tc_reg_col_text(st, 6, b->programme, sizeof(b->programme), 1) ||
	    tc_reg_col_text(st, 7, b->source, sizeof(b->source), 1) ||
	    tc_reg_col_int(st, 8, 1, &b->card_serial) ||
	    tc_reg_col_int(st, 9, 0, &at) ||
	    tc_reg_col_text(st, 10, b->added_by, sizeof(b->added_by), 0))
		return TC_ERR_MALFORMED;
	b->added_at = (time_t)at;
	return 0;
}

int
tc_employer_bar_check(struct tc_registry *reg, const char *employer,
    const char *code, time_t now, struct tc_employer_bar *hit, char *err,
    size_t errlen)
{
	char key[TC_EMPLOYER_KEY_MAX], ncode[TC_USCC_LEN + 1];
	char today[TC_DATE_TEXT];
	struct tc_employer_bar b;
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || employer == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_employer_key(employer, key, err, errlen)) != 0)
		return TC_ERR_INVALID_ARG;
	if ((r = opt_code(code, ncode, err, errlen)) != 0)
		return TC_ERR_INVALID_ARG;
	tc_date_format(tc_day_of_time(now), today);
	if ((r = tc_reg_query(reg,
		 "SELECT " BAR_COLUMNS
		 " FROM employer_bars WHERE (employer_key = ?1 OR (?2 IS NOT NULL AND employer_code = ?2)) AND since <= ?3 AND until > ?3 ORDER BY until DESC LIMIT 1",
		 &st, err, errlen, "ttt", key, ncode[0] != '\0' ? ncode : NULL,
		 today)) != 0 ||
	    (r = tc_reg_one_row(
		 reg, st, "reading the employer bars", err, errlen, NULL)) != 0)
		return r == TC_ERR_NOT_FOUND ? 0 : r;
	if (bar_row(st, &b) != 0)
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "an employer bar row has a field of the wrong type or size");
	else {
		if (hit != NULL)
			*hit = b;
		r = tc_seterr(err, errlen, TC_ERR_BLACKLISTED,
		    "the employer %s is barred from %s until %s: %s",
		    b.employer, b.since, b.until, b.reason);
	}
	tc_reg_finalize(reg, st);
	return r;
}

int
tc_employer_bar_list(struct tc_registry *reg,
    int (*fn)(const struct tc_employer_bar *b, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_employer_bar b;
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_prepare(reg,
		 "SELECT " BAR_COLUMNS " FROM employer_bars ORDER BY id DESC",
		 &st, err, errlen)) != 0)
		return r;
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (bar_row(st, &b) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "an employer bar row has a field of the wrong type or size");
			break;
		}
		if ((r = fn(&b, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "reading the employer bars", err, errlen);
}
