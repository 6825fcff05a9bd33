/* SPDX-License-Identifier: MIT */
/*
 * Chip records of the registry (include/tcard/chip.h), table chips of
 * schema version 6. The triggers of the migration keep rows from being
 * deleted, moved to another card or chip, or changed once done; the
 * functions here add the rules with messages a person can act on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "registry-int.h"
#include "tcard/chip.h"
#include "tcard/err.h"

const char *
tc_chip_state_name(enum tc_chip_state s)
{
	return s == TC_CHIP_DONE ? "done" : "incomplete";
}

static int
uid_ok(const char *uid)
{
	size_t i, n;

	if (uid == NULL)
		return 0;
	n = strlen(uid);
	if (n < 8 || n > 2 * TC_CHIP_UID_MAX || n % 2 != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((uid[i] >= '0' && uid[i] <= '9') ||
			(uid[i] >= 'a' && uid[i] <= 'f')))
			return 0;
	return 1;
}

int
tc_chip_get(struct tc_registry *reg, int64_t serial, struct tc_chip *out,
    char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT h.uid, h.profile, h.state, h.attempts, h.card_key, h.started_at, h.attempt_at, h.done_at, c.card_no FROM chips h JOIN cards c ON c.serial = h.serial WHERE h.serial = ?1";
	sqlite3_stmt *st = NULL;
	char state[16];
	const void *blob;
	int64_t v;
	int r, n;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (reg == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_row_by_id(reg, sql, serial, "reading a chip", &st, err,
		 errlen, "card serial %lld has no chip record",
		 (long long)serial)) != 0)
		return r;
	out->serial = serial;
	r = tc_reg_col_text(st, 0, out->uid, sizeof(out->uid), 0);
	if (r == 0)
		r = tc_reg_col_text(
		    st, 1, out->profile, sizeof(out->profile), 0);
	if (r == 0)
		r = tc_reg_col_text(st, 2, state, sizeof(state), 0);
	if (r == 0 && (r = tc_reg_col_int(st, 3, 0, &v)) == 0)
		out->attempts = (int)v;
	if (r == 0 && sqlite3_column_type(st, 4) == SQLITE_BLOB) {
		n = sqlite3_column_bytes(st, 4);
		blob = sqlite3_column_blob(st, 4);
		if (n < 1 || n > TC_CHIP_KEY_MAX || blob == NULL)
			r = TC_ERR_MALFORMED;
		else {
			memcpy(out->card_key, blob, (size_t)n);
			out->card_key_len = (size_t)n;
		}
	}
	if (r == 0 && (r = tc_reg_col_int(st, 5, 0, &v)) == 0)
		out->started_at = (time_t)v;
	if (r == 0 && (r = tc_reg_col_int(st, 6, 0, &v)) == 0)
		out->attempt_at = (time_t)v;
	if (r == 0 && (r = tc_reg_col_int(st, 7, 1, &v)) == 0)
		out->done_at = (time_t)v;
	if (r == 0)
		r = tc_reg_col_text(
		    st, 8, out->card_no, sizeof(out->card_no), 0);
	tc_reg_finalize(reg, st);
	if (r == 0 && strcmp(state, "done") == 0)
		out->state = TC_CHIP_DONE;
	else if (r == 0 && strcmp(state, "incomplete") == 0)
		out->state = TC_CHIP_INCOMPLETE;
	else
		r = TC_ERR_MALFORMED;
	if (r != 0) {
		memset(out, 0, sizeof(*out));
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the chip record of card serial %lld is malformed",
		    (long long)serial);
	}
	return 0;
}

int
tc_chip_find_uid(struct tc_registry *reg, const char *uid, int64_t *serial,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || uid == NULL || serial == NULL)
		return TC_ERR_INVALID_ARG;
	*serial = 0;
	if ((r = tc_reg_query(reg, "SELECT serial FROM chips WHERE uid = ?1",
		 &st, err, errlen, "t", uid)) != 0 ||
	    (r = tc_reg_one_row(
		 reg, st, "finding a chip", err, errlen, NULL)) != 0)
		return r;
	*serial = sqlite3_column_int64(st, 0);
	tc_reg_finalize(reg, st);
	return 0;
}

/* Appends the audit entry of a chip change. */
static int
audit(struct tc_registry *reg, time_t now, const char *op, const char *action,
    const char *card_no, const char *uid, const char *profile, int attempt,
    char *err, size_t errlen)
{
	char subject[32], *detail = NULL;
	json_t *o;
	int r;

	o = json_pack("{s:s, s:s, s:i}", "uid", uid, "profile", profile,
	    "attempt", attempt);
	if (o == NULL || (detail = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	}
	json_decref(o);
	snprintf(subject, sizeof(subject), "card:%.16s", card_no);
	r = tc_registry_audit(
	    reg, now, op, action, subject, detail, err, errlen);
	free(detail);
	return r;
}

int
tc_chip_start(struct tc_registry *reg, int64_t serial, const char *uid,
    const char *profile, time_t now, const char *operator_name, int *attempt,
    char *err, size_t errlen)
{
	struct tc_card card;
	struct tc_chip cur;
	int64_t other;
	int r, n;

	if (attempt != NULL)
		*attempt = 0;
	if (reg == NULL || !uid_ok(uid) || profile == NULL ||
	    *profile == '\0' || strlen(profile) > 32 || operator_name == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_need_tx(
		 reg, "starting a personalisation", err, errlen)) != 0)
		return r;
	if ((r = tc_registry_card_get(reg, serial, &card, err, errlen)) != 0)
		return r;
	r = tc_chip_get(reg, serial, &cur, err, errlen);
	if (r != 0 && r != TC_ERR_NOT_FOUND)
		return r;
	if (r == 0) {
		if (strcmp(cur.uid, uid) != 0)
			return tc_seterr(err, errlen, TC_ERR_EXISTS,
			    "card %s is bound to chip %s (%s): a card number is never written to a second chip; present that chip, or reissue the card",
			    card.card_no, cur.uid,
			    tc_chip_state_name(cur.state));
		if (cur.state == TC_CHIP_DONE)
			return tc_seterr(err, errlen, TC_ERR_STATE,
			    "card %s: chip %s is personalised already",
			    card.card_no, uid);
		if ((r = tc_reg_exec(reg,
			 "UPDATE chips SET attempts = attempts + 1, attempt_at = ?2, profile = ?3 WHERE serial = ?1",
			 "recording a chip attempt", err, errlen, "iit", serial,
			 (int64_t)now, profile)) != 0)
			return r;
		n = cur.attempts + 1;
	} else {
		r = tc_chip_find_uid(reg, uid, &other, err, errlen);
		if (r == 0) {
			struct tc_card oc;

			if (tc_registry_card_get(reg, other, &oc, NULL, 0) != 0)
				snprintf(oc.card_no, sizeof(oc.card_no), "%lld",
				    (long long)other);
			return tc_seterr(err, errlen, TC_ERR_EXISTS,
			    "chip %s carries card %s already: a chip is never personalised for a second card",
			    uid, oc.card_no);
		}
		if (r != TC_ERR_NOT_FOUND)
			return r;
		if ((r = tc_reg_exec(reg,
			 "INSERT INTO chips (serial, uid, profile, state, attempts, started_at, attempt_at) VALUES (?1, ?2, ?3, 'incomplete', 1, ?4, ?4)",
			 "recording a chip", err, errlen, "itti", serial, uid,
			 profile, (int64_t)now)) != 0)
			return r;
		n = 1;
	}
	if ((r = audit(reg, now, operator_name, TC_CHIP_AUDIT_START,
		 card.card_no, uid, profile, n, err, errlen)) != 0)
		return r;
	if (attempt != NULL)
		*attempt = n;
	return 0;
}

int
tc_chip_done(struct tc_registry *reg, int64_t serial, const char *uid,
    const uint8_t *card_key, size_t card_key_len, time_t now,
    const char *operator_name, char *err, size_t errlen)
{
	struct tc_chip cur;
	int r;

	if (reg == NULL || !uid_ok(uid) || card_key == NULL ||
	    card_key_len == 0 || card_key_len > TC_CHIP_KEY_MAX ||
	    operator_name == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_need_tx(
		 reg, "finishing a personalisation", err, errlen)) != 0)
		return r;
	if ((r = tc_chip_get(reg, serial, &cur, err, errlen)) != 0)
		return r;
	if (strcmp(cur.uid, uid) != 0 || cur.state != TC_CHIP_INCOMPLETE)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s: chip %s is %s, not chip %s being personalised",
		    cur.card_no, cur.uid, tc_chip_state_name(cur.state), uid);
	if ((r = tc_reg_exec(reg,
		 "UPDATE chips SET state = 'done', card_key = ?2, done_at = ?3 WHERE serial = ?1",
		 "finishing a chip", err, errlen, "ibi", serial,
		 (const void *)card_key, card_key_len, (int64_t)now)) != 0)
		return r;
	return audit(reg, now, operator_name, TC_CHIP_AUDIT_DONE, cur.card_no,
	    uid, cur.profile, cur.attempts, err, errlen);
}
