/* SPDX-License-Identifier: MIT */
/*
 * Applications in the registry and their review (include/tcard/
 * application.h): rows of applications, application_steps (one row per
 * step reached: when it started, when its deadline clock started, its
 * deadline, when it was done) and application_actions (who did what at
 * which step: the four-eyes rule reads it), attachments sealed like ID
 * numbers, the guards, and issuing the card. docs/workflow.md has the
 * rules and the reasons for each choice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "app-int.h"
#include "tcard/applicant.h"
#include "tcard/application.h"
#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/notify.h"
#include "tcard/operator.h"
#include "tcard/organisation.h"
#include "tcard/retire.h"
#include "tcard/serial.h"
#include "tcard/workday.h"

#define APP_AAD_PREFIX "talentcard-application-v1:"
/* The sealed personal data of an application, bound to the person's MAC. */
#define APP_PERSONAL_AAD_PREFIX "talentcard-application-personal-v1:"
#define ATT_AAD_PREFIX		"talentcard-attachment-v1:"
#define ATT_PART		(1u << 20)

#define APP_COLUMNS	 TC_APP_COLUMNS
#define APP_FULL_COLUMNS APP_COLUMNS ", personal, exceptions, overrides"
#define APP_COL_PERSONAL 28

/* Actions of the applicant's side; all others are steps. */
#define SIDE_ACTIONS "('create', 'submit', 'resubmit', 'withdraw')"

static const char *const kind_db[] = {
	[TC_APP_NEW] = "new",
	[TC_APP_UPGRADE] = "upgrade",
	[TC_APP_CONVERT] = "convert",
	[TC_APP_SUB] = "sub",
};

void
tc_app_release(struct tc_app *a)
{
	if (a == NULL)
		return;
	if (a->form != NULL)
		OPENSSL_cleanse(a->form, strlen(a->form));
	free(a->form);
	free(a->exceptions);
	free(a->overrides);
	memset(a, 0, sizeof(*a));
}

static char *
col_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	if (sqlite3_column_type(st, col) != SQLITE_TEXT || s == NULL)
		return NULL;
	return strdup((const char *)s);
}

/*
 * Reads the current row of an APP_COLUMNS (or APP_FULL_COLUMNS) query.
 * The sealed personal data (sex, birth date, retirement group, form) is
 * left to tc_app_get, which has the key.
 */
static int
app_row(sqlite3_stmt *st, struct tc_app *a, int full)
{
	char kind[16], state[16], idtype[32];
	int64_t v[12];
	int i;

	memset(a, 0, sizeof(*a));
	if (tc_reg_col_int(st, 0, 0, &a->id) ||
	    tc_reg_col_text(st, 1, kind, sizeof(kind), 0) ||
	    tc_reg_col_int(st, 2, 1, &a->card_serial) ||
	    tc_reg_col_text(st, 3, a->relation, sizeof(a->relation), 1) ||
	    tc_reg_col_text(st, 4, a->programme, sizeof(a->programme), 0) ||
	    tc_reg_col_text(st, 5, a->tier, sizeof(a->tier), 1) ||
	    tc_reg_col_text(st, 6, a->route, sizeof(a->route), 1) ||
	    tc_reg_col_text(st, 7, a->clause, sizeof(a->clause), 1) ||
	    tc_reg_col_text(st, 8, idtype, sizeof(idtype), 0) ||
	    sqlite3_column_bytes(st, 9) != TC_PII_MAC_LEN ||
	    tc_reg_col_text(st, 10, a->id_masked, sizeof(a->id_masked), 0) ||
	    tc_reg_col_text(st, 11, a->name, sizeof(a->name), 0) ||
	    tc_reg_col_text(st, 12, a->employer, sizeof(a->employer), 1) ||
	    tc_reg_col_text(
		st, 13, a->employer_code, sizeof(a->employer_code), 1) ||
	    tc_reg_col_text(st, 14, a->employer_category,
		sizeof(a->employer_category), 1) ||
	    tc_reg_col_text(st, 15, a->work_type, sizeof(a->work_type), 1) ||
	    tc_reg_col_text(st, 16, state, sizeof(state), 0) ||
	    tc_reg_col_int(st, 17, 0, &v[1]) ||
	    tc_reg_col_text(st, 18, a->step_id, sizeof(a->step_id), 1) ||
	    tc_reg_col_int(st, 19, 1, &v[2]) ||
	    tc_reg_col_text(st, 20, a->deadline, sizeof(a->deadline), 1) ||
	    tc_reg_col_int(st, 21, 1, &v[3]) ||
	    tc_reg_col_int(st, 22, 1, &v[4]) ||
	    tc_reg_col_int(st, 23, 0, &v[5]) ||
	    tc_reg_col_text(st, 24, a->created_by, sizeof(a->created_by), 0) ||
	    tc_reg_col_int(st, 25, 1, &v[6]) ||
	    tc_reg_col_int(st, 26, 1, &v[7]) ||
	    tc_reg_col_int(st, 27, 1, &a->issued_serial))
		return TC_ERR_MALFORMED;
	for (i = 1; i < (int)(sizeof(kind_db) / sizeof(kind_db[0])); i++)
		if (strcmp(kind, kind_db[i]) == 0)
			a->kind = (enum tc_app_kind)i;
	if (a->kind == 0 || tc_app_state_parse(state, &a->state) != 0 ||
	    tc_id_type_parse(idtype, &a->id_type) != 0 || v[1] < 0 ||
	    v[1] > 1000 || v[3] < 0 || v[3] > 1200)
		return TC_ERR_MALFORMED;
	memcpy(a->id_mac, sqlite3_column_blob(st, 9), TC_PII_MAC_LEN);
	a->step = (int)v[1];
	a->step_started_at = (time_t)v[2];
	a->months = (int)v[3];
	a->pledge_at = (time_t)v[4];
	a->created_at = (time_t)v[5];
	a->submitted_at = (time_t)v[6];
	a->decided_at = (time_t)v[7];
	if (full) {
		a->exceptions = col_strdup(st, APP_COL_PERSONAL + 1);
		a->overrides = col_strdup(st, APP_COL_PERSONAL + 2);
		if (sqlite3_column_type(st, APP_COL_PERSONAL) != SQLITE_BLOB ||
		    a->exceptions == NULL || a->overrides == NULL) {
			tc_app_release(a);
			return TC_ERR_MALFORMED;
		}
	}
	return 0;
}

/* The AAD of an application's personal data: the label and the ID MAC. */
static void
personal_aad(const uint8_t mac[TC_PII_MAC_LEN], char aad[128])
{
	char hex[2 * TC_PII_MAC_LEN + 1];

	tc_hex_encode(mac, TC_PII_MAC_LEN, hex);
	snprintf(aad, 128, APP_PERSONAL_AAD_PREFIX "%s", hex);
}

int
tc_app_seal_personal(struct tc_registry *reg, const uint8_t mac[TC_PII_MAC_LEN],
    const char *sex, int retire_base, const char *birth_date,
    const char *form_json, struct tc_buf *out, char *err, size_t errlen)
{
	char aad[128];
	json_t *o = NULL, *form = NULL;
	char *text = NULL;
	int r = TC_ERR_NOMEM;

	form = json_loads(form_json != NULL ? form_json : "{}", 0, NULL);
	if (!json_is_object(form)) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the form to seal is not a JSON object");
		goto out;
	}
	if ((o = json_object()) == NULL ||
	    json_object_set(o, "form", form) != 0 ||
	    (sex != NULL && sex[0] != '\0' &&
		json_object_set_new(o, "sex", json_string(sex)) != 0) ||
	    (birth_date != NULL && birth_date[0] != '\0' &&
		json_object_set_new(o, "birth_date", json_string(birth_date)) !=
		    0) ||
	    (retire_base != 0 &&
		json_object_set_new(
		    o, "retire_base", json_integer(retire_base)) != 0) ||
	    (text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	personal_aad(mac, aad);
	if ((r = tc_pii_seal(reg->keys.data_key, aad, (const uint8_t *)text,
		 strlen(text), out)) != 0)
		tc_seterr(
		    err, errlen, r, "sealing the applicant's data failed");
out:
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	json_decref(o);
	json_decref(form);
	return r;
}

/* A stored birth date: "YYYY-MM-DD" of a real date. */
static int
stored_date_ok(const char *s)
{
	int y, m, d;

	return tc_date_scan(s, &y, &m, &d) && tc_date_valid(y, m, d);
}

int
tc_app_open_personal(struct tc_registry *reg, int64_t id,
    const uint8_t mac[TC_PII_MAC_LEN], const void *blob, size_t len,
    struct tc_app *a, char *err, size_t errlen)
{
	char aad[128];
	struct tc_buf plain;
	json_t *o = NULL, *v;
	const char *sex = "", *bd = "";
	json_int_t base = 0;
	int r;

	tc_buf_init(&plain, TC_APP_FORM_MAX + 4096);
	personal_aad(mac, aad);
	if (tc_pii_open(reg->keys.data_key, aad, blob, len, &plain, NULL, 0) !=
	    0) {
		r = tc_seterr(err, errlen, TC_ERR_DECRYPT,
		    "application %lld: the sealed applicant data does not open (another data key, or the row was altered)",
		    (long long)id);
		goto out;
	}
	r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
	    "application %lld: the sealed applicant data is out of shape",
	    (long long)id);
	if ((o = json_loadb((const char *)plain.data, plain.len,
		 JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_object(json_object_get(o, "form")) ||
	    json_unpack(o, "{s?s, s?s, s?I}", "sex", &sex, "birth_date", &bd,
		"retire_base", &base) != 0 ||
	    (sex[0] != '\0' && strcmp(sex, "male") != 0 &&
		strcmp(sex, "female") != 0) ||
	    (bd[0] != '\0' && !stored_date_ok(bd)) ||
	    (base != 0 && base != 50 && base != 55 && base != 60))
		goto out;
	v = json_object_get(o, "form");
	free(a->form);
	if ((a->form = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(a->sex, sizeof(a->sex), "%s", sex);
	snprintf(a->birth_date, sizeof(a->birth_date), "%s", bd);
	a->retire_base = (int)base;
	r = 0;
out:
	json_decref(o);
	tc_buf_release(&plain);
	return r;
}

int
tc_app_get(struct tc_registry *reg, int64_t id, struct tc_app *out, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(out, 0, sizeof(*out));
	if ((r = tc_reg_row_by_id(reg,
		 "SELECT " APP_FULL_COLUMNS " FROM applications WHERE id = ?1",
		 id, "reading an application", &st, err, errlen,
		 "no application %lld", (long long)id)) != 0)
		return r;
	if ((r = app_row(st, out, 1)) != 0)
		tc_seterr(err, errlen, r,
		    "application %lld: a stored field has the wrong type or value",
		    (long long)id);
	else
		r = tc_app_open_personal(reg, id, out->id_mac,
		    sqlite3_column_blob(st, APP_COL_PERSONAL),
		    (size_t)sqlite3_column_bytes(st, APP_COL_PERSONAL), out,
		    err, errlen);
	tc_reg_finalize(reg, st);
	if (r != 0)
		tc_app_release(out);
	return r;
}

int
tc_app_steps(const struct tc_programme *p, const struct tc_app *a,
    const struct tc_step **steps, size_t *n, char *err, size_t errlen)
{
	const struct tc_route *route;
	const struct tc_tier *tier;

	*steps = NULL;
	*n = 0;
	if (a->route[0] != '\0') {
		if ((route = tc_programme_route(p, a->route)) == NULL)
			return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			    "application %lld: programme %s has no route %s any more",
			    (long long)a->id, p->id, a->route);
		*steps = route->steps;
		*n = route->n_steps;
		return 0;
	}
	if ((tier = tc_programme_tier(p, a->tier)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "application %lld: programme %s has no tier %s any more",
		    (long long)a->id, p->id, a->tier);
	*steps = tier->steps;
	*n = tier->n_steps;
	return 0;
}

int
tc_app_overdue(const struct tc_app *a, time_t now)
{
	char today[TC_DATE_TEXT];

	if (a->state != TC_APP_SUBMITTED && a->state != TC_APP_APPROVED)
		return 0;
	if (a->deadline[0] == '\0')
		return 0;
	tc_date_format(tc_day_of_time(now), today);
	return strcmp(today, a->deadline) > 0;
}

static int visible_op(const struct tc_operator *op,
    const struct tc_programme *p, const struct tc_app *a);

int
tc_app_list(struct tc_registry *reg, const struct tc_app_filter *filter,
    int (*fn)(const struct tc_app *a, void *arg), void *arg, char *err,
    size_t errlen)
{
	const struct tc_app_ctx *ctx = filter != NULL ? filter->ctx : NULL;
	char today[TC_DATE_TEXT];
	struct tc_operator op;
	sqlite3_stmt *st = NULL;
	struct tc_app a;
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "missing argument");
	/* The operator is read once, not per row. */
	if (ctx != NULL &&
	    (r = tc_registry_operator_get(reg,
		 ctx->operator_name != NULL ? ctx->operator_name : "", &op, err,
		 errlen)) != 0)
		return r;
	/*
	 * With a state, "state = ?1" alone lets SQLite search the index
	 * applications_state; "?1 IS NULL OR" would scan the whole table
	 * (a work queue on 100,000 applications: docs/performance.md).
	 */
	if ((r = tc_reg_prepare(reg,
		 filter != NULL && filter->state != 0
		     ? "SELECT " APP_COLUMNS
		       " FROM applications WHERE state = ?1 AND (?2 IS NULL OR programme = ?2) AND (?3 IS NULL OR (state IN ('submitted', 'approved') AND deadline IS NOT NULL AND deadline < ?3)) ORDER BY id"
		     : "SELECT " APP_COLUMNS
		       " FROM applications WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR programme = ?2) AND (?3 IS NULL OR (state IN ('submitted', 'approved') AND deadline IS NOT NULL AND deadline < ?3)) ORDER BY id",
		 &st, err, errlen)) != 0)
		return r;
	if (filter != NULL && filter->state != 0)
		sqlite3_bind_text(
		    st, 1, tc_app_state_name(filter->state), -1, SQLITE_STATIC);
	if (filter != NULL && filter->programme != NULL)
		sqlite3_bind_text(st, 2, filter->programme, -1, SQLITE_STATIC);
	if (filter != NULL && filter->overdue) {
		tc_date_format(tc_day_of_time(filter->now), today);
		sqlite3_bind_text(st, 3, today, -1, SQLITE_STATIC);
	}
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = tc_app_row_read(st, &a, err, errlen)) != 0)
			break;
		if (ctx == NULL ||
		    visible_op(&op,
			tc_programme_set_find(ctx->programmes, a.programme),
			&a))
			r = fn(&a, arg);
		tc_app_release(&a);
		if (r != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "listing applications", err, errlen);
}

int
tc_app_step_list(struct tc_registry *reg, int64_t id,
    int (*fn)(const struct tc_app_step_rec *s, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_app_step_rec s;
	char step_id[TC_PROGRAMME_ID_MAX + 1], deadline[TC_DATE_TEXT];
	int64_t v[4];
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_query(reg,
		 "SELECT step, step_id, started_at, clock_at, deadline, done_at FROM application_steps WHERE application_id = ?1 ORDER BY step",
		 &st, err, errlen, "i", id)) != 0)
		return r;
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (tc_reg_col_int(st, 0, 0, &v[0]) ||
		    tc_reg_col_text(st, 1, step_id, sizeof(step_id), 0) ||
		    tc_reg_col_int(st, 2, 0, &v[1]) ||
		    tc_reg_col_int(st, 3, 0, &v[2]) ||
		    tc_reg_col_text(st, 4, deadline, sizeof(deadline), 1) ||
		    tc_reg_col_int(st, 5, 1, &v[3])) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "application %lld: a step record is malformed",
			    (long long)id);
			break;
		}
		s.step = (int)v[0];
		s.step_id = step_id;
		s.started_at = (time_t)v[1];
		s.clock_at = (time_t)v[2];
		s.deadline = deadline;
		s.done_at = (time_t)v[3];
		if ((r = fn(&s, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(reg, st, rc, r, "reading steps", err, errlen);
}

int
tc_app_action_list(struct tc_registry *reg, int64_t id,
    int (*fn)(const struct tc_app_action *a, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_app_action a;
	char step_id[TC_PROGRAMME_ID_MAX + 1], action[16];
	char op[TC_AUDIT_NAME_MAX + 1], reason[TC_APP_REASON_MAX + 1];
	int64_t v[3];
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_query(reg,
		 "SELECT id, step, step_id, action, operator, at, reason, detail FROM application_actions WHERE application_id = ?1 ORDER BY id",
		 &st, err, errlen, "i", id)) != 0)
		return r;
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (tc_reg_col_int(st, 0, 0, &v[0]) ||
		    tc_reg_col_int(st, 1, 1, &v[1]) ||
		    tc_reg_col_text(st, 2, step_id, sizeof(step_id), 1) ||
		    tc_reg_col_text(st, 3, action, sizeof(action), 0) ||
		    tc_reg_col_text(st, 4, op, sizeof(op), 0) ||
		    tc_reg_col_int(st, 5, 0, &v[2]) ||
		    tc_reg_col_text(st, 6, reason, sizeof(reason), 1) ||
		    sqlite3_column_type(st, 7) != SQLITE_TEXT) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "application %lld: an action record is malformed",
			    (long long)id);
			break;
		}
		a.id = v[0];
		a.step =
		    sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : (int)v[1];
		a.step_id = step_id;
		a.action = action;
		a.operator_name = op;
		a.at = (time_t)v[2];
		a.reason = reason;
		a.detail = (const char *)sqlite3_column_text(st, 7);
		if ((r = fn(&a, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(reg, st, rc, r, "reading actions", err, errlen);
}

#define ATT_COLUMNS                                                            \
	"id, kind, material, sha256, media_type, size, width, height, name, added_at, added_by, pages"

static int
att_row(sqlite3_stmt *st, struct tc_app_attachment *a, char *material,
    size_t mlen, char *name, size_t nlen, char *by, size_t blen)
{
	char kind[32], media[96];
	int64_t v[4] = { 0, 0, 0, 0 };

	memset(a, 0, sizeof(*a));
	if (tc_reg_col_int(st, 0, 0, &a->id) ||
	    tc_reg_col_text(st, 1, kind, sizeof(kind), 0) ||
	    tc_reg_col_text(st, 2, material, mlen, 1) ||
	    sqlite3_column_bytes(st, 3) != 32 ||
	    tc_reg_col_text(st, 4, media, sizeof(media), 0) ||
	    tc_reg_col_int(st, 5, 0, &a->size) ||
	    tc_reg_col_int(st, 6, 1, &v[0]) ||
	    tc_reg_col_int(st, 7, 1, &v[1]) ||
	    tc_reg_col_text(st, 8, name, nlen, 0) ||
	    tc_reg_col_int(st, 9, 0, &v[2]) ||
	    tc_reg_col_text(st, 10, by, blen, 0) ||
	    tc_reg_col_int(st, 11, 1, &v[3]) ||
	    tc_att_kind_parse(kind, &a->kind) != 0 ||
	    tc_media_parse(media, &a->media) != 0 || v[0] < 0 ||
	    v[0] > 0x7fffffff || v[1] < 0 || v[1] > 0x7fffffff || v[3] < 0 ||
	    v[3] > 0x7fffffff)
		return TC_ERR_MALFORMED;
	a->pages = (uint32_t)v[3];
	memcpy(a->sha256, sqlite3_column_blob(st, 3), 32);
	a->width = (uint32_t)v[0];
	a->height = (uint32_t)v[1];
	a->added_at = (time_t)v[2];
	a->material = material;
	a->name = name;
	a->added_by = by;
	return 0;
}

int
tc_app_attachment_list(struct tc_registry *reg, int64_t id,
    int (*fn)(const struct tc_app_attachment *a, void *arg), void *arg,
    char *err, size_t errlen)
{
	struct tc_app_attachment a;
	char material[TC_PROGRAMME_ID_MAX + 1], name[TC_APP_PATH_MAX + 1];
	char by[TC_AUDIT_NAME_MAX + 1];
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_query(reg,
		 "SELECT " ATT_COLUMNS
		 " FROM attachments WHERE application_id = ?1 ORDER BY id",
		 &st, err, errlen, "i", id)) != 0)
		return r;
	r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (att_row(st, &a, material, sizeof(material), name,
			sizeof(name), by, sizeof(by)) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "application %lld: an attachment record is malformed",
			    (long long)id);
			break;
		}
		if ((r = fn(&a, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "reading attachments", err, errlen);
}

static void
att_aad(const uint8_t sha[32], int64_t part, char *aad, size_t len)
{
	char hex[65];

	tc_hex_encode(sha, 32, hex);
	snprintf(aad, len, ATT_AAD_PREFIX "%s:%lld", hex, (long long)part);
}

/*
 * Appends the content stored under sha (size bytes; app-int.h), checked
 * against its hash; what and id name it in messages.
 */
int
tc_app_data_read(struct tc_registry *reg, const uint8_t sha[32], int64_t size,
    const char *what, int64_t id, struct tc_buf *out, char *err, size_t errlen)
{
	uint8_t got[32];
	char aad[128];
	sqlite3_stmt *st = NULL;
	int64_t part, expect = 0;
	size_t start;
	int rc, r;

	if ((r = tc_reg_prepare(reg,
		 "SELECT part, sealed FROM attachment_data WHERE sha256 = ?1 ORDER BY part",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	start = out->len;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		part = sqlite3_column_int64(st, 0);
		if (part != expect++) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s %lld: a part is missing", what, (long long)id);
			goto out;
		}
		att_aad(sha, part, aad, sizeof(aad));
		if ((r = tc_pii_open(reg->keys.data_key, aad,
			 sqlite3_column_blob(st, 1),
			 (size_t)sqlite3_column_bytes(st, 1), out, err,
			 errlen)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = tc_reg_dberr(
		    reg, rc, "reading stored content", err, errlen);
		goto out;
	}
	SHA256(out->data + start, out->len - start, got);
	if ((int64_t)(out->len - start) != size ||
	    CRYPTO_memcmp(got, sha, 32) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s %lld: the content does not match its SHA-256", what,
		    (long long)id);
		goto out;
	}
	r = 0;
out:
	tc_reg_finalize(reg, st);
	if (r != 0)
		tc_buf_truncate(out, start);
	return r;
}

int
tc_app_attachment_read(struct tc_registry *reg, int64_t att_id,
    struct tc_buf *out, char *err, size_t errlen)
{
	uint8_t sha[32];
	sqlite3_stmt *st = NULL;
	int64_t size = 0;
	int rc, r;

	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_prepare(reg,
		 "SELECT sha256, size FROM attachments WHERE id = ?1", &st, err,
		 errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, att_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32 &&
	    tc_reg_col_int(st, 1, 0, &size) == 0)
		memcpy(sha, sqlite3_column_blob(st, 0), 32);
	else
		r = rc == SQLITE_DONE
		    ? tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			  "no attachment %lld", (long long)att_id)
		    : rc == SQLITE_ROW
		    ? tc_seterr(err, errlen, TC_ERR_MALFORMED,
			  "attachment %lld is malformed", (long long)att_id)
		    : tc_reg_dberr(
			  reg, rc, "reading an attachment", err, errlen);
	tc_reg_finalize(reg, st);
	st = NULL;
	if (r != 0)
		return r;
	return tc_app_data_read(
	    reg, sha, size, "attachment", att_id, out, err, errlen);
}

/*
 * An applicant acting for itself (c->applicant): the account exists, is
 * not disabled, and the act is one of the applicant's side (roles are the
 * intake roles). *op is an operator of no role and no organisation named
 * by the actor name, which sees nothing an operator would.
 */
static int
applicant_ok(const struct tc_app_ctx *c, unsigned roles, struct tc_operator *op,
    const char *what, char *err, size_t errlen)
{
	char actor[TC_APPLICANT_ACTOR_MAX];
	struct tc_applicant acct;
	int r;

	memset(op, 0, sizeof(*op));
	if (roles != TC_APP_INTAKE_ROLES)
		return tc_seterr(err, errlen, TC_ERR_FORBIDDEN,
		    "%s is not for an applicant", what);
	tc_applicant_actor(c->applicant, actor);
	if (strcmp(actor, c->operator_name) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the actor of applicant %lld is %s",
		    (long long)c->applicant, actor);
	r = tc_applicant_get(c->reg, c->applicant, &acct, err, errlen);
	if (r == TC_ERR_NOT_FOUND || (r == 0 && acct.disabled))
		return tc_seterr(err, errlen, TC_ERR_AUTH,
		    "applicant account %lld is unknown or disabled",
		    (long long)c->applicant);
	if (r != 0)
		return r;
	snprintf(op->name, sizeof(op->name), "%s", actor);
	return 0;
}

/* The acting operator: exists, enabled, and holds one of roles. */
static int
operator_ok(const struct tc_app_ctx *c, unsigned roles, struct tc_operator *op,
    const char *what, char *err, size_t errlen)
{
	char have[TC_ROLES_TEXT_MAX], need[TC_ROLES_TEXT_MAX];
	int r;

	if (c->operator_name == NULL || *c->operator_name == '\0')
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no acting operator");
	if (c->applicant != 0)
		return applicant_ok(c, roles, op, what, err, errlen);
	r = tc_registry_operator_get(c->reg, c->operator_name, op, err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		return tc_seterr(err, errlen, TC_ERR_AUTH,
		    "no operator named %s", c->operator_name);
	if (r != 0)
		return r;
	if (op->disabled)
		return tc_seterr(err, errlen, TC_ERR_AUTH,
		    "operator %s is disabled", op->name);
	if (roles != 0 && (op->roles & roles) == 0) {
		tc_roles_format(op->roles, have, sizeof(have));
		tc_roles_format(roles, need, sizeof(need));
		return tc_seterr(err, errlen, TC_ERR_FORBIDDEN,
		    "%s needs the role %s; operator %s has %s", what, need,
		    op->name, have[0] ? have : "none");
	}
	return 0;
}

/*
 * The organisation rule of a step (docs/workflow.md "Organisations"): a
 * unit-reviewer step is taken by the unit whose code is the application's
 * employer code; a step naming an organisation by that organisation; any
 * other by an organisation whose kind may hold the step's role. The
 * operator's roles are checked apart (operator_ok).
 */
static int
org_takes_step(const struct tc_operator *op, const struct tc_app *a,
    const struct tc_step *s)
{
	if (s->role == TC_ROLE_UNIT_REVIEWER)
		return op->org_kind == TC_ORG_UNIT &&
		    a->employer_code[0] != '\0' &&
		    strcmp(op->org_code, a->employer_code) == 0;
	if (s->organisation != NULL)
		return strcmp(op->org_code, s->organisation) == 0;
	return (tc_org_kind_roles(op->org_kind) & TC_ROLE_BIT(s->role)) != 0;
}

int
tc_app_takes_step(const struct tc_operator *op, const struct tc_programme *p,
    const struct tc_app *a)
{
	const struct tc_step *steps;
	size_t n;

	if (p == NULL || tc_app_steps(p, a, &steps, &n, NULL, 0) != 0 ||
	    a->step < 0 || (size_t)a->step >= n)
		return 0;
	return (op->roles & TC_ROLE_BIT(steps[a->step].role)) != 0 &&
	    org_takes_step(op, a, &steps[a->step]);
}

/* The roles the steps of every tier and route of p use. */
static unsigned
programme_roles(const struct tc_programme *p)
{
	unsigned used = 0;
	size_t i, j;

	for (i = 0; i < p->n_tiers; i++)
		for (j = 0; j < p->tiers[i].n_steps; j++)
			used |= TC_ROLE_BIT(p->tiers[i].steps[j].role);
	for (i = 0; i < p->n_routes; i++)
		for (j = 0; j < p->routes[i].n_steps; j++)
			used |= TC_ROLE_BIT(p->routes[i].steps[j].role);
	return used;
}

/* tc_app_visible for an operator already read; p may be NULL (unloaded). */
static int
visible_op(const struct tc_operator *op, const struct tc_programme *p,
    const struct tc_app *a)
{
	const struct tc_step *steps = NULL;
	size_t i, n = 0;

	if (op->disabled)
		return 0;
	if (op->roles & TC_ROLE_BIT(TC_ROLE_AUDITOR))
		return 1;
	if (strcmp(a->created_by, op->name) == 0)
		return 1;
	if (op->org_kind == TC_ORG_UNIT && a->employer_code[0] != '\0' &&
	    strcmp(op->org_code, a->employer_code) == 0)
		return 1;
	if (p == NULL)
		return 0;
	if (tc_org_kind_wide(op->org_kind) &&
	    (op->roles & programme_roles(p)) != 0)
		return 1;
	if (tc_app_steps(p, a, &steps, &n, NULL, 0) != 0)
		return 0;
	if (a->step_id[0] == '\0')
		return 0; /* a draft has reached no step */
	for (i = 0; i < n && i <= (size_t)a->step; i++)
		if (steps[i].role != TC_ROLE_UNIT_REVIEWER &&
		    (steps[i].organisation != NULL ||
			(op->roles & TC_ROLE_BIT(steps[i].role))) &&
		    org_takes_step(op, a, &steps[i]))
			return 1;
	return 0;
}

int
tc_app_row_read(sqlite3_stmt *st, struct tc_app *a, char *err, size_t errlen)
{
	if (app_row(st, a, 0) == 0)
		return 0;
	return tc_seterr(err, errlen, TC_ERR_MALFORMED,
	    "application %lld: a stored field has the wrong type or value",
	    (long long)sqlite3_column_int64(st, 0));
}

int
tc_app_visible_to(const struct tc_operator *op, const struct tc_programme *p,
    const struct tc_app *a)
{
	return visible_op(op, p, a);
}

int
tc_app_visible(const struct tc_app_ctx *c, const struct tc_app *a)
{
	struct tc_operator op;

	if (c != NULL && c->applicant != 0 && c->operator_name != NULL &&
	    a != NULL)
		return strcmp(a->created_by, c->operator_name) == 0;
	if (c == NULL || c->reg == NULL || a == NULL ||
	    c->operator_name == NULL ||
	    tc_registry_operator_get(c->reg, c->operator_name, &op, NULL, 0) !=
		0)
		return 0;
	return visible_op(
	    &op, tc_programme_set_find(c->programmes, a->programme), a);
}

/*
 * Reads application id for an act of the acting operator: one it may not
 * see is "no application N", the message of a missing one, so that
 * existence is not disclosed (docs/workflow.md "Scoping").
 */
static int
scoped_get(const struct tc_app_ctx *c, int64_t id, struct tc_app *a, char *err,
    size_t errlen)
{
	int r;

	if ((r = tc_app_get(c->reg, id, a, err, errlen)) != 0)
		return r;
	if (!tc_app_visible(c, a)) {
		tc_app_release(a);
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no application %lld", (long long)id);
	}
	return 0;
}

/*
 * Four eyes: an operator acts on one step of an application, counting the
 * applicant's side (create, submit, resubmit, withdraw) as one step of
 * its own. step is the step about to be acted on, -1 for the applicant's
 * side. Returning and then approving the same step is the same step.
 */
static int
four_eyes(
    const struct tc_app_ctx *c, int64_t id, int step, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char when[TC_DATE_TEXT];
	int rc, r;

	if ((r = tc_reg_prepare(c->reg,
		 step < 0
		     ? "SELECT step_id, action, at FROM application_actions WHERE application_id = ?1 AND operator = ?2 AND step IS NOT NULL LIMIT 1"
		     : "SELECT step_id, action, at FROM application_actions WHERE application_id = ?1 AND operator = ?2 AND (step IS NULL OR step <> ?3) LIMIT 1",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, c->operator_name, -1, SQLITE_STATIC);
	if (step >= 0)
		sqlite3_bind_int(st, 3, step);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		r = 0;
	else if (rc == SQLITE_ROW) {
		tc_date_format(
		    tc_day_of_time((time_t)sqlite3_column_int64(st, 2)), when);
		r = tc_seterr(err, errlen, TC_ERR_FOUR_EYES,
		    "operator %s already acted on application %lld (%s%s%s on %s); one operator may act on one step of an application only (four eyes)",
		    c->operator_name, (long long)id, sqlite3_column_text(st, 1),
		    sqlite3_column_type(st, 0) == SQLITE_NULL ? ""
							      : " at step ",
		    sqlite3_column_type(st, 0) == SQLITE_NULL
			? ""
			: (const char *)sqlite3_column_text(st, 0),
		    when);
	} else
		r = tc_reg_dberr(c->reg, rc, "reading actions", err, errlen);
	tc_reg_finalize(c->reg, st);
	return r;
}

static int
add_action(const struct tc_app_ctx *c, int64_t id, int step,
    const char *step_id, const char *action, const char *reason, json_t *detail,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char *text = NULL;
	int r;

	if (detail != NULL &&
	    (text = json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
		NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	if ((r = tc_reg_prepare(c->reg,
		 "INSERT INTO application_actions (application_id, step, step_id, action, operator, at, reason, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		 &st, err, errlen)) != 0) {
		free(text);
		return r;
	}
	sqlite3_bind_int64(st, 1, id);
	if (step >= 0) {
		sqlite3_bind_int(st, 2, step);
		sqlite3_bind_text(st, 3, step_id, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->operator_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)c->now);
	tc_reg_bind_opt_text(st, 7, reason);
	sqlite3_bind_text(st, 8, text != NULL ? text : "{}", -1, SQLITE_STATIC);
	r = tc_reg_run(c->reg, st, "recording an action", err, errlen);
	free(text);
	return r;
}

/* Audits an application action; detail is consumed. */
static int
audit_app(const struct tc_app_ctx *c, const char *action, int64_t id,
    json_t *detail, char *err, size_t errlen)
{
	char subject[64], name[64];

	snprintf(subject, sizeof(subject), "application:%lld", (long long)id);
	snprintf(name, sizeof(name), "application.%s", action);
	return tc_app_audit(c->reg, c->now, c->operator_name, name, subject,
	    detail, err, errlen);
}

static const struct tc_programme *
programme_of(
    const struct tc_app_ctx *c, const char *id, char *err, size_t errlen)
{
	const struct tc_programme *p;

	if ((p = tc_programme_set_find(c->programmes, id)) == NULL)
		tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "programme %s is not loaded", id);
	return p;
}

/* Binds an optional text: NULL or "" stays NULL. */
static void
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static int
seal_id(struct tc_registry *reg, enum tc_id_type type, const char *number,
    uint8_t mac[TC_PII_MAC_LEN], struct tc_buf *sealed, char *err,
    size_t errlen)
{
	char aad[64];

	snprintf(aad, sizeof(aad), APP_AAD_PREFIX "%s", tc_id_type_name(type));
	if (tc_pii_id_mac(reg->keys.pepper, number, mac) != 0 ||
	    tc_pii_seal(reg->keys.data_key, aad, (const uint8_t *)number,
		strlen(number), sealed) != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "sealing the ID number failed");
	return 0;
}

/* Opens a sealed ID number of application id (len bytes at blob). */
static int
open_id_blob(struct tc_registry *reg, int64_t id, enum tc_id_type type,
    const uint8_t mac[TC_PII_MAC_LEN], const void *blob, size_t len,
    char number[TC_ID_MAX], char *err, size_t errlen)
{
	uint8_t got[TC_PII_MAC_LEN];
	char aad[64];
	struct tc_buf plain;
	int r;

	number[0] = '\0';
	tc_buf_init(&plain, TC_ID_MAX);
	snprintf(aad, sizeof(aad), APP_AAD_PREFIX "%s", tc_id_type_name(type));
	if (tc_pii_open(reg->keys.data_key, aad, blob, len, &plain, NULL, 0) !=
	    0)
		r = tc_seterr(err, errlen, TC_ERR_DECRYPT,
		    "application %lld: the sealed ID number does not open (another data key, or the row was altered)",
		    (long long)id);
	else if (tc_pii_id_mac(
		     reg->keys.pepper, (const char *)plain.data, got) != 0 ||
	    CRYPTO_memcmp(got, mac, TC_PII_MAC_LEN) != 0)
		r = tc_seterr(err, errlen, TC_ERR_DECRYPT,
		    "application %lld: the sealed ID number does not match the row's MAC",
		    (long long)id);
	else {
		memcpy(number, plain.data, plain.len + 1);
		r = 0;
	}
	tc_buf_release(&plain);
	return r;
}

/* Opens the sealed ID number of application id into number. */
static int
open_id(struct tc_registry *reg, int64_t id, enum tc_id_type type,
    const uint8_t mac[TC_PII_MAC_LEN], char number[TC_ID_MAX], char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	number[0] = '\0';
	if ((r = tc_reg_row_by_id(reg,
		 "SELECT id_sealed FROM applications WHERE id = ?1", id,
		 "reading an application", &st, err, errlen,
		 "no application %lld", (long long)id)) != 0)
		return r;
	r = open_id_blob(reg, id, type, mac, sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), number, err, errlen);
	tc_reg_finalize(reg, st);
	return r;
}

/* Seals the plain columns of the current row of tc_app_migrate_personal. */
static int
migrate_row(struct tc_registry *reg, sqlite3_stmt *q, sqlite3_stmt *up,
    char *err, size_t errlen)
{
	char idtype[32], number[TC_ID_MAX], masked[TC_ID_MAX];
	char sex[8], bd[TC_DATE_TEXT];
	uint8_t mac[TC_PII_MAC_LEN];
	enum tc_id_type type;
	struct tc_buf personal;
	const char *form;
	int64_t id, base;
	int rc, r;

	tc_buf_init(&personal, TC_APP_FORM_MAX + 4096);
	id = sqlite3_column_int64(q, 0);
	if (tc_reg_col_text(q, 1, idtype, sizeof(idtype), 0) != 0 ||
	    tc_id_type_parse(idtype, &type) != 0 ||
	    sqlite3_column_bytes(q, 2) != TC_PII_MAC_LEN ||
	    tc_reg_col_text(q, 4, sex, sizeof(sex), 1) != 0 ||
	    tc_reg_col_int(q, 5, 1, &base) != 0 ||
	    tc_reg_col_text(q, 6, bd, sizeof(bd), 1) != 0 ||
	    sqlite3_column_type(q, 7) != SQLITE_TEXT) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "application %lld: a stored field has the wrong type or value",
		    (long long)id);
		goto out;
	}
	memcpy(mac, sqlite3_column_blob(q, 2), TC_PII_MAC_LEN);
	form = (const char *)sqlite3_column_text(q, 7);
	if ((r = open_id_blob(reg, id, type, mac, sqlite3_column_blob(q, 3),
		 (size_t)sqlite3_column_bytes(q, 3), number, err, errlen)) !=
		0 ||
	    (r = tc_id_mask(number, masked)) != 0 ||
	    (r = tc_app_seal_personal(reg, mac, sex, (int)base, bd, form,
		 &personal, err, errlen)) != 0) {
		if (r == TC_ERR_INVALID_ARG)
			tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "application %lld: the sealed ID number is not normalised",
			    (long long)id);
		goto out;
	}
	sqlite3_reset(up);
	sqlite3_bind_int64(up, 1, id);
	sqlite3_bind_blob(
	    up, 2, personal.data, (int)personal.len, SQLITE_STATIC);
	sqlite3_bind_text(up, 3, masked, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(up)) != SQLITE_DONE)
		r = tc_reg_dberr(
		    reg, rc, "sealing an application's data", err, errlen);
out:
	OPENSSL_cleanse(number, sizeof(number));
	OPENSSL_cleanse(bd, sizeof(bd));
	sqlite3_reset(up);
	sqlite3_clear_bindings(up);
	tc_buf_release(&personal);
	return r;
}

int
tc_app_migrate_personal(struct tc_registry *reg, char *err, size_t errlen)
{
	return tc_reg_rewrite(reg,
	    "SELECT id, id_type, id_mac, id_sealed, sex, retire_base, birth_date, form FROM applications ORDER BY id",
	    "UPDATE applications SET personal = ?2, id_masked = ?3 WHERE id = ?1",
	    migrate_row, "reading applications", err, errlen);
}

int
tc_app_export(struct tc_registry *reg, int64_t id, struct tc_buf *out,
    char *err, size_t errlen)
{
	char number[TC_ID_MAX];
	struct tc_app a;
	json_t *root = NULL, *o;
	char *text = NULL;
	int r;

	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_app_get(reg, id, &a, err, errlen)) != 0)
		return r;
	if ((r = open_id(reg, id, a.id_type, a.id_mac, number, err, errlen)) !=
	    0)
		goto out;
	root = json_pack("{s:s, s:{s:s, s:s, s:s}}", "programme", a.programme,
	    "applicant", "name", a.name, "id_type", tc_id_type_name(a.id_type),
	    "id_number", number);
	OPENSSL_cleanse(number, sizeof(number));
	if (root == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	o = json_object_get(root, "applicant");
	if (a.sex[0])
		json_object_set_new(o, "sex", json_string(a.sex));
	if (a.birth_date[0])
		json_object_set_new(o, "birth_date", json_string(a.birth_date));
	if (a.retire_base)
		json_object_set_new(
		    o, "retirement_age", json_integer(a.retire_base));
	if (a.route[0])
		json_object_set_new(root, "route", json_string(a.route));
	if (a.tier[0] && a.kind != TC_APP_SUB &&
	    (a.route[0] == '\0' || a.clause[0] == '\0'))
		json_object_set_new(root, "tier", json_string(a.tier));
	if (a.kind == TC_APP_SUB)
		json_object_set_new(root, "tier", json_string(a.tier));
	if (a.clause[0])
		json_object_set_new(root, "clause", json_string(a.clause));
	if (a.employer[0]) {
		o = json_pack("{s:s}", "name", a.employer);
		if (o != NULL && a.employer_code[0])
			json_object_set_new(
			    o, "code", json_string(a.employer_code));
		if (o != NULL && a.employer_category[0])
			json_object_set_new(
			    o, "category", json_string(a.employer_category));
		json_object_set_new(root, "employer", o);
	}
	if (a.work_type[0])
		json_object_set_new(
		    root, "work_type", json_string(a.work_type));
	json_object_set_new(root, "sections", json_loads(a.form, 0, NULL));
	if (strcmp(a.exceptions, "{}") != 0)
		json_object_set_new(
		    root, "exceptions", json_loads(a.exceptions, 0, NULL));
	if ((o = json_object_get(root, "sections")) != NULL &&
	    json_is_object(json_object_get(o, "category"))) {
		/* A decided tier is not the applicant's to give. */
		if (a.route[0] != '\0' && a.clause[0] != '\0')
			json_object_del(json_object_get(o, "category"), "tier");
	}
	if ((text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ==
	    NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = tc_buf_puts(out, text)) != 0)
		tc_seterr(err, errlen, r, "the application file does not fit");
out:
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	json_decref(root);
	tc_app_release(&a);
	return r;
}

/* Creates a draft row. kind, card_serial and relation as the table wants. */
static int
insert_app(const struct tc_app_ctx *c, const struct tc_app_form *f,
    enum tc_app_kind kind, int64_t card_serial, const char *relation,
    int64_t *id, char *err, size_t errlen)
{
	uint8_t mac[TC_PII_MAC_LEN];
	char key[TC_EMPLOYER_KEY_MAX];
	struct tc_buf sealed, personal;
	sqlite3_stmt *st = NULL;
	json_t *detail;
	int r;

	tc_buf_init(&sealed, 256);
	tc_buf_init(&personal, TC_APP_FORM_MAX + 4096);
	key[0] = '\0';
	if (f->employer[0] != '\0' &&
	    (r = tc_employer_key(f->employer, key, err, errlen)) != 0)
		goto out;
	if ((r = seal_id(c->reg, f->id_type, f->id_number, mac, &sealed, err,
		 errlen)) != 0 ||
	    (c->applicant != 0 &&
		(r = tc_applicant_bind_person(
		     c->reg, c->applicant, mac, err, errlen)) != 0) ||
	    (r = tc_app_seal_personal(c->reg, mac, f->sex, f->retire_base,
		 f->birth_date, f->form_json, &personal, err, errlen)) != 0)
		goto out;
	if ((r = tc_reg_prepare(c->reg,
		 "INSERT INTO applications (kind, card_serial, relation, programme, tier, route, clause, id_type, id_mac, id_sealed, id_masked, name, personal, employer, employer_key, employer_code, employer_category, work_type, exceptions, pledge_at, state, step, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, 'draft', 0, ?21, ?22)",
		 &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, kind_db[kind], -1, SQLITE_STATIC);
	tc_reg_bind_opt_id(st, 2, card_serial);
	bind_opt(st, 3, relation);
	sqlite3_bind_text(st, 4, f->programme->id, -1, SQLITE_STATIC);
	bind_opt(st, 5, f->tier);
	bind_opt(st, 6, f->route);
	bind_opt(st, 7, f->clause);
	sqlite3_bind_text(
	    st, 8, tc_id_type_name(f->id_type), -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, mac, sizeof(mac), SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, sealed.data, (int)sealed.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, f->id_masked, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(
	    st, 13, personal.data, (int)personal.len, SQLITE_STATIC);
	bind_opt(st, 14, f->employer);
	bind_opt(st, 15, key);
	bind_opt(st, 16, f->employer_code);
	bind_opt(st, 17, f->employer_category);
	bind_opt(st, 18, f->work_type);
	sqlite3_bind_text(st, 19,
	    f->exceptions_json != NULL ? f->exceptions_json : "{}", -1,
	    SQLITE_STATIC);
	if (f->pledge_accepted)
		sqlite3_bind_int64(st, 20, (int64_t)c->now);
	sqlite3_bind_int64(st, 21, (int64_t)c->now);
	sqlite3_bind_text(st, 22, c->operator_name, -1, SQLITE_STATIC);
	if ((r = tc_reg_run(
		 c->reg, st, "adding an application", err, errlen)) != 0)
		goto out;
	*id = sqlite3_last_insert_rowid(c->reg->db);
	if ((r = add_action(
		 c, *id, -1, NULL, "create", NULL, NULL, err, errlen)) != 0)
		goto out;
	detail = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s}", "kind",
	    kind_db[kind], "programme", f->programme->id, "tier",
	    f->tier[0] ? f->tier : NULL, "route", f->route[0] ? f->route : NULL,
	    "clause", f->clause[0] ? f->clause : NULL, "applicant",
	    f->id_masked);
	if (detail != NULL && card_serial != 0)
		json_object_set_new(
		    detail, "card_serial", json_integer(card_serial));
	r = audit_app(c, "create", *id, detail, err, errlen);
out:
	tc_buf_release(&sealed);
	tc_buf_release(&personal);
	return r;
}

int
tc_app_create(const struct tc_app_ctx *c, const struct tc_app_form *f,
    int64_t *id, char *err, size_t errlen)
{
	const struct tc_tier *t;
	struct tc_operator op;
	int r;

	if (c == NULL || c->reg == NULL || f == NULL || f->programme == NULL ||
	    id == NULL)
		return tc_reg_no_arg(err, errlen);
	*id = 0;
	if ((r = tc_reg_need_tx(
		 c->reg, "creating an application", err, errlen)) != 0 ||
	    (r = operator_ok(c, TC_APP_INTAKE_ROLES, &op,
		 "taking an application", err, errlen)) != 0)
		return r;
	if (f->tier[0] != '\0' &&
	    (t = tc_programme_tier(f->programme, f->tier)) != NULL &&
	    t->kind == TC_TIER_SUB)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "tier %s is a sub-card tier: a sub-card is applied for on its principal card",
		    f->tier);
	return insert_app(c, f, TC_APP_NEW, 0, NULL, id, err, errlen);
}

/* A card that an application may build on: issued, main, not expired. */
static int
live_card(const struct tc_app_ctx *c, int64_t serial, struct tc_card *card,
    char *err, size_t errlen)
{
	int r;

	if ((r = tc_registry_card_get(c->reg, serial, card, err, errlen)) != 0)
		return r;
	if (card->status != TC_CARD_ISSUED)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is %s; only an issued card can be upgraded, converted or given sub-cards",
		    card->card_no, tc_card_status_name(card->status));
	if (card->expires_at <= c->now)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s has expired", card->card_no);
	if (card->principal_serial != 0)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is a sub-card", card->card_no);
	return 0;
}

/*
 * Builds the form of an upgrade or conversion from the application that
 * issued the card (or from the holder alone) and parses it, so that it is
 * validated as any other form.
 */
static int
change_form(const struct tc_app_ctx *c, const struct tc_card *card,
    const struct tc_holder *h, const char *tier, const char *clause,
    struct tc_app_form *f, char *err, size_t errlen)
{
	struct tc_app base;
	sqlite3_stmt *st = NULL;
	json_t *root = NULL, *secs = NULL, *app, *emp;
	char *text = NULL;
	int64_t base_id = 0;
	int rc, r;

	memset(&base, 0, sizeof(base));
	if ((r = tc_reg_prepare(c->reg,
		 "SELECT id FROM applications WHERE issued_serial = ?1", &st,
		 err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, card->serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		base_id = sqlite3_column_int64(st, 0);
	tc_reg_finalize(c->reg, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tc_reg_dberr(
		    c->reg, rc, "reading an application", err, errlen);
	if (base_id != 0 &&
	    (r = tc_app_get(c->reg, base_id, &base, err, errlen)) != 0)
		return r;
	root = json_pack("{s:s, s:s?, s:s?, s:{s:s, s:s, s:s}}", "programme",
	    card->programme, "tier", tier, "clause", clause, "applicant",
	    "name", h->name, "id_type", tc_id_type_name(h->id_type),
	    "id_number", h->id_number);
	if (root == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (base_id != 0) {
		app = json_object_get(root, "applicant");
		if (base.sex[0])
			json_object_set_new(app, "sex", json_string(base.sex));
		if (base.birth_date[0])
			json_object_set_new(
			    app, "birth_date", json_string(base.birth_date));
		if (base.retire_base)
			json_object_set_new(app, "retirement_age",
			    json_integer(base.retire_base));
		if (base.employer[0]) {
			emp = json_pack("{s:s}", "name", base.employer);
			if (emp != NULL && base.employer_code[0])
				json_object_set_new(emp, "code",
				    json_string(base.employer_code));
			if (emp != NULL && base.employer_category[0])
				json_object_set_new(emp, "category",
				    json_string(base.employer_category));
			json_object_set_new(root, "employer", emp);
		}
		if (base.work_type[0])
			json_object_set_new(
			    root, "work_type", json_string(base.work_type));
		secs = json_loads(base.form, 0, NULL);
		if (json_is_object(secs)) {
			/* The new tier and clause replace the old. */
			json_object_del(
			    json_object_get(secs, "category"), "tier");
			json_object_del(
			    json_object_get(secs, "category"), "clause");
			json_object_set(root, "sections", secs);
		}
	}
	if ((text = json_dumps(root, JSON_COMPACT)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	r = tc_app_form_parse(
	    c->programmes, text, strlen(text), c->now, f, err, errlen);
out:
	if (text != NULL)
		OPENSSL_cleanse(text, strlen(text));
	free(text);
	json_decref(secs);
	json_decref(root);
	tc_app_release(&base);
	return r;
}

int
tc_app_change_offered(
    const struct tc_programme *p, const char *tier, enum tc_app_kind kind)
{
	const struct tc_tier *cur;
	size_t i;

	if (p == NULL || tier == NULL ||
	    (cur = tc_programme_tier(p, tier)) == NULL)
		return 0;
	if (kind == TC_APP_CONVERT)
		return cur->converts_to.n > 0;
	if (kind != TC_APP_UPGRADE || !p->guards.upgrade_by_application.set ||
	    !p->guards.upgrade_by_application.value)
		return 0;
	for (i = 0; i < p->n_tiers; i++)
		if (p->tiers[i].kind == TC_TIER_MAIN &&
		    p->tiers[i].rank > cur->rank)
			return 1;
	return 0;
}

int
tc_app_create_change(const struct tc_app_ctx *c, enum tc_app_kind kind,
    int64_t card_serial, const char *tier, const char *clause,
    const struct tc_app_form *given, int64_t *id, char *err, size_t errlen)
{
	const struct tc_programme *p;
	const struct tc_tier *cur, *to;
	struct tc_app_form built;
	const struct tc_app_form *f;
	struct tc_operator op;
	struct tc_holder h;
	struct tc_card card;
	int r;

	memset(&built, 0, sizeof(built));
	memset(&h, 0, sizeof(h));
	if (c == NULL || c->reg == NULL || id == NULL ||
	    (kind != TC_APP_UPGRADE && kind != TC_APP_CONVERT))
		return tc_reg_no_arg(err, errlen);
	*id = 0;
	if ((r = tc_reg_need_tx(
		 c->reg, "creating an application", err, errlen)) != 0 ||
	    (r = operator_ok(c, TC_APP_INTAKE_ROLES, &op,
		 "taking an application", err, errlen)) != 0 ||
	    (r = live_card(c, card_serial, &card, err, errlen)) != 0)
		return r;
	if ((p = programme_of(c, card.programme, err, errlen)) == NULL)
		return TC_ERR_NOT_FOUND;
	if ((cur = tc_programme_tier(p, card.tier)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s: programme %s has no tier %s", card.card_no, p->id,
		    card.tier);
	if (kind == TC_APP_CONVERT && cur->converts_to.n == 0)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "a %s card of %s does not convert (its tier converts to none)",
		    cur->id, p->id);
	if (tier == NULL && given != NULL && given->tier[0] != '\0')
		tier = given->tier;
	if (kind == TC_APP_CONVERT && tier == NULL && cur->converts_to.n == 1)
		tier = cur->converts_to.v[0];
	if (tier == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "name the tier to %s to",
		    kind == TC_APP_UPGRADE ? "upgrade" : "convert");
	if ((to = tc_programme_tier(p, tier)) == NULL ||
	    to->kind != TC_TIER_MAIN)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "programme %s has no main tier %s", p->id, tier);
	if (kind == TC_APP_UPGRADE) {
		if (!p->guards.upgrade_by_application.set ||
		    !p->guards.upgrade_by_application.value)
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "programme %s has no upgrade by application (its file sets no upgrade_by_application guard)",
			    p->id);
		if (to->rank <= cur->rank)
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "tier %s is not higher than the card's tier %s (%s %s)",
			    to->id, cur->id, p->id,
			    p->guards.upgrade_by_application.cite.source);
	} else if (!tc_idlist_has(&cur->converts_to, to->id))
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "a %s card of %s does not convert to tier %s%s", cur->id,
		    p->id, to->id,
		    cur->converts_to.n == 0 ? " (its tier converts to none)"
					    : "");
	if (clause == NULL && given != NULL && given->clause[0] != '\0')
		clause = given->clause;
	if ((r = tc_registry_holder_get(
		 c->reg, card.holder_id, &h, err, errlen)) != 0)
		return r;
	if (given != NULL) {
		if (given->programme != p || given->id_type != h.id_type ||
		    strcmp(given->id_number, h.id_number) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_POLICY,
			    "the form is for another programme or person than card %s",
			    card.card_no);
			goto out;
		}
		if (strcmp(given->tier, to->id) != 0 ||
		    (clause != NULL && strcmp(given->clause, clause) != 0)) {
			r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "the form names tier %s clause %s; the %s is to tier %s clause %s",
			    given->tier, given->clause,
			    kind == TC_APP_UPGRADE ? "upgrade" : "conversion",
			    to->id, clause != NULL ? clause : "-");
			goto out;
		}
		f = given;
	} else {
		if ((r = change_form(c, &card, &h, to->id, clause, &built, err,
			 errlen)) != 0)
			goto out;
		f = &built;
	}
	r = insert_app(c, f, kind, card_serial, NULL, id, err, errlen);
out:
	tc_holder_release(&h);
	tc_app_form_release(&built);
	return r;
}

int
tc_app_create_sub(const struct tc_app_ctx *c, int64_t principal_serial,
    const struct tc_app_form *f, int64_t *id, char *err, size_t errlen)
{
	const struct tc_tier *t;
	struct tc_operator op;
	struct tc_card card;
	int64_t born, adult;
	int y, m, d, r;

	if (c == NULL || c->reg == NULL || f == NULL || f->programme == NULL ||
	    id == NULL)
		return tc_reg_no_arg(err, errlen);
	*id = 0;
	if ((r = tc_reg_need_tx(
		 c->reg, "creating an application", err, errlen)) != 0 ||
	    (r = operator_ok(c, TC_APP_INTAKE_ROLES, &op,
		 "taking an application", err, errlen)) != 0 ||
	    (r = live_card(c, principal_serial, &card, err, errlen)) != 0)
		return r;
	if ((t = tc_programme_tier(f->programme, f->tier)) == NULL ||
	    t->kind != TC_TIER_SUB)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "tier %s of %s is not a sub-card tier", f->tier,
		    f->programme->id);
	if (strcmp(card.programme, f->programme->id) != 0 ||
	    !tc_idlist_has(&t->principal_tiers, card.tier))
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "a %s sub-card hangs on a card of tier %s of %s; card %s is %s %s (%s)",
		    t->id, t->principal_tiers.n ? t->principal_tiers.v[0] : "?",
		    f->programme->id, card.card_no, card.programme, card.tier,
		    t->cite.source != NULL ? t->cite.source : "programme file");
	if (t->minor_only) {
		if (!tc_date_scan(f->birth_date, &y, &m, &d))
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "tier %s is for minors: the birth date is needed",
			    t->id);
		born = tc_day_from_civil(y, m, d);
		adult = tc_day_add_months(born, 18 * 12);
		if (tc_day_of_time(c->now) >= adult)
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "tier %s is for minor children (%s); the relative is 18 or older",
			    t->id,
			    t->cite.source != NULL ? t->cite.source : "");
	}
	return insert_app(c, f, TC_APP_SUB, principal_serial,
	    tc_relation_name(t->relation), id, err, errlen);
}

/* An application that an intake operator may change: draft or returned. */
static int
load_open(const struct tc_app_ctx *c, int64_t id, struct tc_app *a,
    const char *what, char *err, size_t errlen)
{
	int r;

	if ((r = scoped_get(c, id, a, err, errlen)) != 0)
		return r;
	if (a->state != TC_APP_DRAFT && a->state != TC_APP_RETURNED) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is %s; %s only a draft or a returned application",
		    (long long)id, tc_app_state_name(a->state), what);
		tc_app_release(a);
	}
	return r;
}

int
tc_app_update(const struct tc_app_ctx *c, int64_t id,
    const struct tc_app_form *f, char *err, size_t errlen)
{
	uint8_t mac[TC_PII_MAC_LEN];
	char key[TC_EMPLOYER_KEY_MAX];
	struct tc_operator op;
	struct tc_app a;
	struct tc_buf personal;
	sqlite3_stmt *st = NULL;
	int r;

	if (c == NULL || c->reg == NULL || f == NULL || f->programme == NULL)
		return tc_reg_no_arg(err, errlen);
	tc_buf_init(&personal, TC_APP_FORM_MAX + 4096);
	if ((r = tc_reg_need_tx(
		 c->reg, "changing an application", err, errlen)) != 0 ||
	    (r = operator_ok(c, TC_APP_INTAKE_ROLES, &op,
		 "changing an application", err, errlen)) != 0 ||
	    (r = load_open(c, id, &a, "one can change", err, errlen)) != 0)
		return r;
	if ((r = four_eyes(c, id, -1, err, errlen)) != 0)
		goto out;
	if (tc_pii_id_mac(c->reg->keys.pepper, f->id_number, mac) != 0 ||
	    CRYPTO_memcmp(mac, a.id_mac, sizeof(mac)) != 0 ||
	    f->id_type != a.id_type ||
	    strcmp(f->programme->id, a.programme) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_POLICY,
		    "application %lld is for %s %s in %s; the form is for another person or programme",
		    (long long)id, tc_id_type_name(a.id_type), a.id_masked,
		    a.programme);
		goto out;
	}
	if (a.state == TC_APP_RETURNED &&
	    (strcmp(f->tier, a.tier) != 0 || strcmp(f->clause, a.clause) ||
		strcmp(f->route, a.route) != 0)) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is in review: tier, clause and route cannot change (withdraw it and apply again)",
		    (long long)id);
		goto out;
	}
	if (a.kind != TC_APP_NEW && (strcmp(f->tier, a.tier) != 0)) {
		r = tc_seterr(err, errlen, TC_ERR_POLICY,
		    "the tier of an upgrade, conversion or sub-card application does not change");
		goto out;
	}
	key[0] = '\0';
	if (f->employer[0] != '\0' &&
	    (r = tc_employer_key(f->employer, key, err, errlen)) != 0)
		goto out;
	if ((r = tc_app_seal_personal(c->reg, a.id_mac, f->sex, f->retire_base,
		 f->birth_date, f->form_json, &personal, err, errlen)) != 0)
		goto out;
	if ((r = tc_reg_prepare(c->reg,
		 "UPDATE applications SET tier = ?2, route = ?3, clause = ?4, name = ?5, personal = ?6, employer = ?7, employer_key = ?8, employer_code = ?9, employer_category = ?10, work_type = ?11, exceptions = ?12, pledge_at = coalesce(?13, pledge_at) WHERE id = ?1",
		 &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	bind_opt(st, 2, f->tier);
	bind_opt(st, 3, f->route);
	bind_opt(st, 4, f->clause);
	sqlite3_bind_text(st, 5, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(
	    st, 6, personal.data, (int)personal.len, SQLITE_STATIC);
	bind_opt(st, 7, f->employer);
	bind_opt(st, 8, key);
	bind_opt(st, 9, f->employer_code);
	bind_opt(st, 10, f->employer_category);
	bind_opt(st, 11, f->work_type);
	sqlite3_bind_text(st, 12,
	    f->exceptions_json ? f->exceptions_json : "{}", -1, SQLITE_STATIC);
	if (f->pledge_accepted)
		sqlite3_bind_int64(st, 13, (int64_t)c->now);
	if ((r = tc_reg_run(
		 c->reg, st, "changing an application", err, errlen)) != 0)
		goto out;
	r = audit_app(c, "update", id,
	    json_pack("{s:s, s:s?, s:s?}", "programme", a.programme, "tier",
		f->tier[0] ? f->tier : NULL, "clause",
		f->clause[0] ? f->clause : NULL),
	    err, errlen);
out:
	tc_buf_release(&personal);
	tc_app_release(&a);
	return r;
}

/* The first photo field of the form: its size rules. */
static const struct tc_field *
photo_field(const struct tc_programme *p)
{
	size_t i, j;

	for (i = 0; i < p->application.n_sections; i++)
		for (j = 0; j < p->application.sections[i].n_fields; j++)
			if (p->application.sections[i].fields[j].type ==
			    TC_FIELD_PHOTO)
				return &p->application.sections[i].fields[j];
	return NULL;
}

static unsigned
upload_mask(const struct tc_programme *p)
{
	const struct tc_idlist *l = &p->application.upload_formats;
	enum tc_media m;
	unsigned mask = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (tc_media_parse(l->v[i], &m) == 0)
			mask |= TC_MEDIA_BIT(m);
	return mask != 0 ? mask : TC_MEDIA_ALL;
}

/* A photo as an application's photo field takes it (app-int.h). */
int
tc_app_photo_check(const struct tc_programme *p, const char *name,
    const uint8_t *data, size_t len, struct tc_attach_info *info, char *err,
    size_t errlen)
{
	const struct tc_field *photo;
	unsigned allowed = upload_mask(p) & TC_MEDIA_IMAGES;
	char msg[256];
	int r;

	if ((r = tc_attach_check(name, data, len,
		 allowed != 0 ? allowed : TC_MEDIA_IMAGES, info, msg,
		 sizeof(msg))) != 0)
		return tc_seterr(err, errlen, r, "%s: %s", name, msg);
	if ((photo = photo_field(p)) == NULL)
		return 0;
	if (photo->max_bytes > 0 && (long long)len > photo->max_bytes)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: the photo has %zu bytes; %s allows %lld", name, len,
		    p->id, photo->max_bytes);
	if ((photo->width_px > 0 && info->width != (uint32_t)photo->width_px) ||
	    (photo->height_px > 0 &&
		info->height != (uint32_t)photo->height_px))
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "%s: the photo is %u x %u pixels; %s needs %d x %d (%s)",
		    name, info->width, info->height, p->id, photo->width_px,
		    photo->height_px, photo->cite.source);
	return 0;
}

/* Stores the content under its hash unless it is there (app-int.h). */
int
tc_app_store_data(struct tc_registry *reg, const uint8_t sha[32],
    const uint8_t *data, size_t len, char *err, size_t errlen)
{
	struct tc_buf sealed;
	sqlite3_stmt *st = NULL;
	char aad[128];
	size_t off, n;
	int64_t part;
	int rc, r;

	if ((r = tc_reg_prepare(reg,
		 "SELECT count(*) FROM attachment_data WHERE sha256 = ?1", &st,
		 err, errlen)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	n = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	tc_reg_finalize(reg, st);
	if (rc != SQLITE_ROW)
		return tc_reg_dberr(
		    reg, rc, "reading attachments", err, errlen);
	if (n > 0)
		return 0;
	tc_buf_init(&sealed, ATT_PART + TC_PII_SEAL_OVERHEAD);
	for (off = 0, part = 0; off < len; off += n, part++) {
		n = len - off < ATT_PART ? len - off : ATT_PART;
		att_aad(sha, part, aad, sizeof(aad));
		tc_buf_reset(&sealed);
		if (tc_pii_seal(
			reg->keys.data_key, aad, data + off, n, &sealed) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_CRYPTO,
			    "sealing an attachment failed");
			break;
		}
		if ((r = tc_reg_prepare(reg,
			 "INSERT INTO attachment_data (sha256, part, sealed) VALUES (?1, ?2, ?3)",
			 &st, err, errlen)) != 0)
			break;
		sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, part);
		sqlite3_bind_blob(
		    st, 3, sealed.data, (int)sealed.len, SQLITE_STATIC);
		if ((r = tc_reg_run(
			 reg, st, "storing an attachment", err, errlen)) != 0)
			break;
	}
	tc_buf_release(&sealed);
	return r;
}

int
tc_app_attach(const struct tc_app_ctx *c, int64_t id, enum tc_att_kind kind,
    const char *material, const char *name, const uint8_t *data, size_t len,
    int64_t *att_id, char *err, size_t errlen)
{
	const struct tc_programme *p;
	struct tc_attach_info info;
	struct tc_operator op;
	struct tc_app a;
	uint8_t sha[32];
	char hex[65], msg[256];
	const char *base;
	sqlite3_stmt *st = NULL;
	size_t i;
	int64_t count = 0;
	int rc, r;

	if (att_id != NULL)
		*att_id = 0;
	if (c == NULL || c->reg == NULL || (data == NULL && len > 0) ||
	    strcmp(tc_att_kind_name(kind), "unknown") == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "missing argument or unknown attachment kind");
	base = name != NULL ? strrchr(name, '/') : NULL;
	base = base != NULL ? base + 1 : name;
	if (base == NULL || !tc_app_text_ok(base, 255, 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "an attachment needs a file name of 1 to 255 bytes");
	if ((r = tc_reg_need_tx(c->reg, "attaching a file", err, errlen)) !=
		0 ||
	    (r = operator_ok(c, TC_APP_INTAKE_ROLES, &op, "attaching files",
		 err, errlen)) != 0 ||
	    (r = load_open(c, id, &a, "files are attached to", err, errlen)) !=
		0)
		return r;
	if ((r = four_eyes(c, id, -1, err, errlen)) != 0)
		goto out;
	if ((p = programme_of(c, a.programme, err, errlen)) == NULL) {
		r = TC_ERR_NOT_FOUND;
		goto out;
	}
	if (material != NULL && *material != '\0') {
		for (i = 0; i < p->application.n_materials; i++)
			if (strcmp(p->application.materials[i].id, material) ==
			    0)
				break;
		if (i == p->application.n_materials) {
			r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			    "%s has no material '%s'", p->id, material);
			goto out;
		}
	}
	if (kind == TC_ATT_PHOTO)
		r = tc_app_photo_check(p, base, data, len, &info, err, errlen);
	else if ((r = tc_attach_check(base, data, len, upload_mask(p), &info,
		      msg, sizeof(msg))) != 0)
		tc_seterr(err, errlen, r, "%s: %s", base, msg);
	if (r != 0)
		goto out;
	if ((r = tc_reg_query(c->reg,
		 "SELECT count(*) FROM attachments WHERE application_id = ?1",
		 &st, err, errlen, "i", id)) != 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		count = sqlite3_column_int64(st, 0);
	tc_reg_finalize(c->reg, st);
	if (count >= TC_APP_FILES_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "application %lld has %d attachments already",
		    (long long)id, TC_APP_FILES_MAX);
		goto out;
	}
	SHA256(data, len, sha);
	if ((r = tc_app_store_data(c->reg, sha, data, len, err, errlen)) != 0)
		goto out;
	if ((r = tc_reg_prepare(c->reg,
		 "INSERT INTO attachments (application_id, kind, material, sha256, media_type, size, width, height, name, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		 &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, tc_att_kind_name(kind), -1, SQLITE_STATIC);
	bind_opt(st, 3, material);
	sqlite3_bind_blob(st, 4, sha, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, tc_media_type(info.media), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)len);
	if (info.width > 0) {
		sqlite3_bind_int64(st, 7, info.width);
		sqlite3_bind_int64(st, 8, info.height);
	}
	sqlite3_bind_text(st, 9, base, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, (int64_t)c->now);
	sqlite3_bind_text(st, 11, c->operator_name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	tc_reg_finalize(c->reg, st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		r = tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "%s: the same file is already attached to application %lld as %s",
		    base, (long long)id, tc_att_kind_name(kind));
		goto out;
	}
	if (rc != SQLITE_DONE) {
		r = tc_reg_dberr(
		    c->reg, rc, "adding an attachment", err, errlen);
		goto out;
	}
	c->reg->dirty = 1;
	if (att_id != NULL)
		*att_id = sqlite3_last_insert_rowid(c->reg->db);
	tc_hex_encode(sha, 32, hex);
	r = audit_app(c, "attach", id,
	    json_pack("{s:s, s:s?, s:s, s:I, s:s}", "kind",
		tc_att_kind_name(kind), "material",
		material != NULL && *material ? material : NULL, "media_type",
		tc_media_type(info.media), "size", (json_int_t)len, "sha256",
		hex),
	    err, errlen);
out:
	tc_app_release(&a);
	return r;
}

/* Reads the facts tc_app_form_complete needs, including attachments. */
struct att_facts {
	enum tc_att_kind kinds[TC_APP_FILES_MAX];
	char materials[TC_APP_FILES_MAX][TC_PROGRAMME_ID_MAX + 1];
	const char *mptr[TC_APP_FILES_MAX];
	size_t n;
};

static int
collect_att(const struct tc_app_attachment *a, void *arg)
{
	struct att_facts *af = arg;

	if (af->n == TC_APP_FILES_MAX)
		return 0;
	af->kinds[af->n] = a->kind;
	snprintf(
	    af->materials[af->n], sizeof(af->materials[0]), "%s", a->material);
	af->mptr[af->n] = af->materials[af->n];
	af->n++;
	return 0;
}

static int
complete(const struct tc_app_ctx *c, const struct tc_programme *p,
    const struct tc_app *a, int pledge, char *err, size_t errlen)
{
	struct tc_app_facts f;
	struct att_facts *af;
	int r;

	if ((af = calloc(1, sizeof(*af))) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	if ((r = tc_app_attachment_list(
		 c->reg, a->id, collect_att, af, err, errlen)) == 0) {
		memset(&f, 0, sizeof(f));
		f.programme = p;
		f.kind = a->kind;
		f.tier = a->tier;
		f.work_type = a->work_type;
		f.id_type = a->id_type;
		f.form_json = a->form;
		f.pledge_accepted = pledge || a->pledge_at != 0;
		f.att_kinds = af->kinds;
		f.att_materials = af->mptr;
		f.n_atts = af->n;
		r = tc_app_form_complete(&f, err, errlen);
	}
	free(af);
	return r;
}

/* Starts step idx: its clock (or the clock of clock_from) and deadline. */
static int
start_step(const struct tc_app_ctx *c, struct tc_app *a,
    const struct tc_step *steps, size_t n, int idx, int restart, char *err,
    size_t errlen)
{
	const struct tc_step *s = &steps[idx];
	char deadline[TC_DATE_TEXT];
	const char *role, *org;
	sqlite3_stmt *st = NULL;
	time_t clock = c->now;
	size_t j;
	int rc, r;

	if (s->clock_from != NULL) {
		for (j = 0; j < n && strcmp(steps[j].id, s->clock_from); j++)
			;
		if ((r = tc_reg_prepare(c->reg,
			 "SELECT clock_at FROM application_steps WHERE application_id = ?1 AND step = ?2",
			 &st, err, errlen)) != 0)
			return r;
		sqlite3_bind_int64(st, 1, a->id);
		sqlite3_bind_int64(st, 2, (int64_t)j);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			clock = (time_t)sqlite3_column_int64(st, 0);
		tc_reg_finalize(c->reg, st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return tc_reg_dberr(
			    c->reg, rc, "reading steps", err, errlen);
	}
	deadline[0] = '\0';
	if (s->deadline_days > 0)
		tc_date_format(tc_workday_add(c->workdays,
				   tc_day_of_time(clock), s->deadline_days),
		    deadline);
	if ((r = tc_reg_prepare(c->reg,
		 restart
		     ? "INSERT INTO application_steps (application_id, step, step_id, started_at, clock_at, deadline) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET started_at = ?4, clock_at = ?5, deadline = ?6, done_at = NULL"
		     : "INSERT INTO application_steps (application_id, step, step_id, started_at, clock_at, deadline) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int(st, 2, idx);
	sqlite3_bind_text(st, 3, s->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)c->now);
	sqlite3_bind_int64(st, 5, (int64_t)clock);
	bind_opt(st, 6, deadline);
	if ((r = tc_reg_run(c->reg, st, "starting a step", err, errlen)) != 0)
		return r;
	tc_app_step_owner(steps, n, idx, a, &role, &org);
	if ((r = tc_reg_prepare(c->reg,
		 "UPDATE applications SET step = ?2, step_id = ?3, step_started_at = ?4, deadline = ?5, step_role = ?6, step_org = ?7 WHERE id = ?1",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int(st, 2, idx);
	sqlite3_bind_text(st, 3, s->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)c->now);
	bind_opt(st, 5, deadline);
	sqlite3_bind_text(st, 6, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, org, -1, SQLITE_TRANSIENT);
	if ((r = tc_reg_run(c->reg, st, "starting a step", err, errlen)) != 0)
		return r;
	a->step = idx;
	snprintf(a->step_id, sizeof(a->step_id), "%s", s->id);
	a->step_started_at = c->now;
	snprintf(a->deadline, sizeof(a->deadline), "%s", deadline);
	return 0;
}

static int
set_state(const struct tc_app_ctx *c, struct tc_app *a, enum tc_app_state state,
    const char *extra, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char sql[256];
	int r;

	snprintf(sql, sizeof(sql),
	    "UPDATE applications SET state = ?2%s%s WHERE id = ?1",
	    extra != NULL ? ", " : "", extra != NULL ? extra : "");
	if ((r = tc_reg_prepare(c->reg, sql, &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_text(st, 2, tc_app_state_name(state), -1, SQLITE_STATIC);
	if (extra != NULL && strstr(extra, "?3") != NULL)
		sqlite3_bind_int64(st, 3, (int64_t)c->now);
	if ((r = tc_reg_run(
		 c->reg, st, "changing an application", err, errlen)) != 0)
		return r;
	a->state = state;
	return 0;
}

static int
step_done(const struct tc_app_ctx *c, const struct tc_app *a, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = tc_reg_prepare(c->reg,
		 "UPDATE application_steps SET done_at = ?3 WHERE application_id = ?1 AND step = ?2",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int(st, 2, a->step);
	sqlite3_bind_int64(st, 3, (int64_t)c->now);
	return tc_reg_run(c->reg, st, "closing a step", err, errlen);
}

/* The source of a guard, for messages: "PROGRAMME SOURCE". */
static const char *
cite_of(const struct tc_cite *cite)
{
	return cite != NULL && cite->source != NULL ? cite->source
						    : "no source given";
}

/* 1 when the application claims an exception for guard. */
static int
claims(const struct tc_app *a, const char *guard, char *reason, size_t len)
{
	json_t *o = json_loads(a->exceptions ? a->exceptions : "{}", 0, NULL);
	const char *s = json_string_value(json_object_get(o, guard));
	int yes = s != NULL;

	if (reason != NULL && len > 0)
		snprintf(reason, len, "%s", s != NULL ? s : "");
	json_decref(o);
	return yes;
}

static int
overridden(const char *guard, const char *const *ov, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ov[i] != NULL && strcmp(ov[i], guard) == 0)
			return 1;
	return 0;
}

/*
 * An in-principle guard that failed: passes when the application claims
 * an exception and, at approval, the approver sets it aside.
 */
static int
in_principle_pass(const struct tc_app *a, const char *guard,
    const char *const *ov, size_t n, int at_approval, char *why, size_t whylen)
{
	char reason[TC_APP_REASON_MAX + 1];

	if (!claims(a, guard, reason, sizeof(reason))) {
		snprintf(why, whylen,
		    "; the rule holds 'in principle': the applicant may claim an exception (exceptions.%s) for the approver to accept",
		    guard);
		return 0;
	}
	if (!at_approval)
		return 1;
	if (overridden(guard, ov, n))
		return 1;
	snprintf(why, whylen,
	    "; the application claims an exception (\"%.200s\"): the approver accepts it with --override %s",
	    reason, guard);
	return 0;
}

static int
guard_live_card(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_programme *p, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if ((r = tc_reg_prepare(c->reg,
		 a->kind == TC_APP_SUB
		     ? "SELECT c.card_no, c.tier, c.status FROM cards c JOIN holders h ON h.id = c.holder_id WHERE h.id_mac = ?1 AND c.programme = ?2 AND c.status IN ('issued', 'suspended') AND c.expires_at > ?3 AND c.principal_serial = ?4 LIMIT 1"
		     : "SELECT c.card_no, c.tier, c.status FROM cards c JOIN holders h ON h.id = c.holder_id WHERE h.id_mac = ?1 AND c.programme = ?2 AND c.status IN ('issued', 'suspended') AND c.expires_at > ?3 AND c.principal_serial IS NULL AND c.serial IS NOT ?4 LIMIT 1",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, a->id_mac, TC_PII_MAC_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->programme, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)c->now);
	tc_reg_bind_opt_id(st, 4, a->card_serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		r = 0;
	else if (rc == SQLITE_ROW)
		r = tc_seterr(err, errlen, TC_ERR_POLICY,
		    "refused by rule live-card (%s, one live card per person and programme): %s already holds %s card %s (tier %s, %s)",
		    p->id, a->id_masked, p->id, sqlite3_column_text(st, 0),
		    sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
	else
		r = tc_reg_dberr(c->reg, rc, "reading cards", err, errlen);
	tc_reg_finalize(c->reg, st);
	return r;
}

static int
guard_open_app(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_programme *p, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	/*
	 * "+card_serial": never the index applications_card, which SQLite
	 * would pick for "IS ?5" and which holds every new application under
	 * NULL (a scan of all of them per submission and approval); the ID
	 * MAC finds the person's few applications.
	 */
	if ((r = tc_reg_prepare(c->reg,
		 "SELECT id, state FROM applications WHERE id_mac = ?1 AND programme = ?2 AND id <> ?3 AND kind = ?4 AND +card_serial IS ?5 AND state IN ('submitted', 'returned', 'approved') LIMIT 1",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, a->id_mac, TC_PII_MAC_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->programme, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->id);
	sqlite3_bind_text(st, 4, kind_db[a->kind], -1, SQLITE_STATIC);
	tc_reg_bind_opt_id(st, 5, a->card_serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		r = 0;
	else if (rc == SQLITE_ROW)
		r = tc_seterr(err, errlen, TC_ERR_POLICY,
		    "refused by rule open-application (%s, one application in review per person and programme): application %lld of %s is %s",
		    p->id, (long long)sqlite3_column_int64(st, 0), a->id_masked,
		    sqlite3_column_text(st, 1));
	else
		r = tc_reg_dberr(
		    c->reg, rc, "reading applications", err, errlen);
	tc_reg_finalize(c->reg, st);
	return r;
}

int
tc_app_guards(const struct tc_app_ctx *c, const struct tc_app *a,
    const char *const *ov, size_t n_ov, int at_approval, char *err,
    size_t errlen)
{
	const struct tc_programme *p;
	const struct tc_guard *g;
	struct tc_blacklist_entry bl;
	struct tc_employer_bar bar;
	char why[512], bday[TC_DATE_TEXT], msg[256];
	int64_t rday;
	size_t i;
	int y, m, d, r;

	if (c == NULL || a == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((p = programme_of(c, a->programme, err, errlen)) == NULL)
		return TC_ERR_NOT_FOUND;
	/* The person on the blacklist. */
	r = tc_blacklist_check(
	    c->reg, a->id_mac, c->now, &bl, msg, sizeof(msg));
	if (r == TC_ERR_BLACKLISTED) {
		g = &p->guards.fraud_person_blacklist;
		tc_date_format(tc_day_of_time(bl.added_at), bday);
		return tc_seterr(err, errlen, TC_ERR_BLACKLISTED,
		    "refused by rule blacklist (%s %s): %s is on the blacklist since %s%s%s: %s%s%s%s%s%s",
		    p->id, g->set ? cite_of(&g->cite) : "registry blacklist",
		    a->id_masked, bday, bl.until[0] ? " until " : "", bl.until,
		    bl.reason, bl.programme[0] ? " (entered under " : "",
		    bl.programme, bl.source[0] ? " " : "", bl.source,
		    bl.programme[0] ? ")" : "");
	}
	if (r != 0)
		return tc_seterr(err, errlen, r, "%s", msg);
	if (a->kind == TC_APP_SUB)
		goto cards;
	/* The employer barred. */
	if (a->employer[0] != '\0') {
		r = tc_employer_bar_check(c->reg, a->employer,
		    a->employer_code[0] ? a->employer_code : NULL, c->now, &bar,
		    msg, sizeof(msg));
		if (r == TC_ERR_BLACKLISTED) {
			g = &p->guards.fraud_employer_bar_years;
			return tc_seterr(err, errlen, TC_ERR_BLACKLISTED,
			    "refused by rule employer-bar (%s %s): the employer %s%s%s%s may not apply from %s until %s: %s",
			    p->id,
			    g->set ? cite_of(&g->cite)
				   : (bar.source[0] ? bar.source
						    : "registry bar list"),
			    bar.employer, bar.employer_code[0] ? " (" : "",
			    bar.employer_code, bar.employer_code[0] ? ")" : "",
			    bar.since, bar.until, bar.reason);
		}
		if (r != 0)
			return tc_seterr(err, errlen, r, "%s", msg);
	}
	/* An excluded category of employer. */
	for (i = 0;
	     a->employer_category[0] != '\0' && i < p->n_excluded_employers;
	     i++) {
		const struct tc_exclusion *x = &p->excluded_employers[i];

		if (strcmp(x->id, a->employer_category) != 0)
			continue;
		why[0] = '\0';
		if (x->in_principle &&
		    in_principle_pass(a, "excluded-employer", ov, n_ov,
			at_approval, why, sizeof(why)))
			break;
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "refused by rule excluded-employer (%s %s): staff of '%s' employers may not apply (%s)%s",
		    p->id, cite_of(&x->cite), x->id,
		    x->text.en != NULL ? x->text.en : x->id, why);
	}
	/* The statutory retirement age. */
	g = &p->guards.below_retirement_age;
	if (g->set && g->value) {
		if (a->birth_date[0] == '\0' || a->retire_base == 0)
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "refused by rule retirement-age (%s %s): applicants must be below the statutory retirement age; the application needs the applicant's birth date and sex",
			    p->id, cite_of(&g->cite));
		if (!tc_date_scan(a->birth_date, &y, &m, &d) ||
		    tc_retire_day(a->retire_base, y, m, d, &rday) != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "application %lld: stored birth date or retirement group out of shape",
			    (long long)a->id);
		if (tc_day_of_time(c->now) >= rday) {
			why[0] = '\0';
			if (!g->in_principle ||
			    !in_principle_pass(a, "retirement-age", ov, n_ov,
				at_approval, why, sizeof(why))) {
				tc_date_format(rday, bday);
				return tc_seterr(err, errlen, TC_ERR_POLICY,
				    "refused by rule retirement-age (%s %s): the applicant (%s, born %s, group %d) reached the statutory retirement age on %s%s",
				    p->id, cite_of(&g->cite), a->sex,
				    a->birth_date, a->retire_base, bday, why);
			}
		}
	}
cards:
	if ((r = guard_live_card(c, a, p, err, errlen)) != 0)
		return r;
	return guard_open_app(c, a, p, err, errlen);
}

/*
 * Routing (docs/workflow.md "Organisations"): the unit of an application
 * is the organisation of kind unit whose code is its employer code (003:
 * the reviewing unit is derived from the employer). At submission a unit
 * not yet known is made from the employer's code and name, and audited.
 * An application without an employer code has no unit; a programme whose
 * steps need one refuses it.
 */
static int
route_unit(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_step *steps, size_t n, char *err, size_t errlen)
{
	struct tc_organisation o;
	char subject[TC_ORG_CODE_MAX + 16];
	size_t i;
	int r;

	if (a->employer_code[0] == '\0') {
		for (i = 0; i < n; i++)
			if (steps[i].role == TC_ROLE_UNIT_REVIEWER)
				return tc_seterr(err, errlen, TC_ERR_POLICY,
				    "application %lld has no employer code (unified social credit code): step %s is the employer's unit's, and there is no unit to send it to",
				    (long long)a->id, steps[i].id);
		return 0;
	}
	r = tc_registry_org_get(c->reg, a->employer_code, &o, err, errlen);
	if (r == 0 && o.kind != TC_ORG_UNIT)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "application %lld: the employer's code %s belongs to an organisation of kind %s, not a unit",
		    (long long)a->id, a->employer_code,
		    tc_org_kind_name(o.kind));
	if (r != TC_ERR_NOT_FOUND)
		return r;
	if ((r = tc_registry_org_add(c->reg, TC_ORG_UNIT, a->employer_code,
		 a->employer[0] != '\0' ? a->employer : a->employer_code,
		 c->now, &o, err, errlen)) != 0)
		return r;
	snprintf(subject, sizeof(subject), "organisation:%s", o.code);
	return tc_app_audit(c->reg, c->now, c->operator_name,
	    "organisation.add", subject,
	    json_pack(
		"{s:s, s:I}", "kind", "unit", "routed_from", (json_int_t)a->id),
	    err, errlen);
}

/*
 * Tells the organisation whose step a now stands at (its unit, or the
 * organisation the step names) that it has reached it; a step of any
 * organisation of a kind tells no one (include/tcard/notify.h).
 */
static int
notify_step(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_step *steps, size_t n, char *err, size_t errlen)
{
	const char *role, *org;

	tc_app_step_owner(steps, n, a->step, a, &role, &org);
	if (org == NULL || org[0] == '\0')
		return 0;
	return tc_notify_event(
	    c, a, TC_NOTIFY_REACHED_UNIT, org, NULL, NULL, err, errlen);
}

int
tc_app_submit(const struct tc_app_ctx *c, int64_t id, int pledge, char *err,
    size_t errlen)
{
	const struct tc_programme *p;
	const struct tc_step *steps;
	struct tc_operator op;
	struct tc_app a;
	size_t n;
	int resubmit, r;

	if (c == NULL || c->reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(
		 c->reg, "submitting an application", err, errlen)) != 0 ||
	    (r = operator_ok(c, TC_APP_INTAKE_ROLES, &op,
		 "submitting an application", err, errlen)) != 0 ||
	    (r = load_open(c, id, &a, "one can submit", err, errlen)) != 0)
		return r;
	resubmit = a.state == TC_APP_RETURNED;
	if ((r = four_eyes(c, id, -1, err, errlen)) != 0)
		goto out;
	if ((p = programme_of(c, a.programme, err, errlen)) == NULL) {
		r = TC_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = tc_app_steps(p, &a, &steps, &n, err, errlen)) != 0)
		goto out;
	if (n == 0 ||
	    (resubmit &&
		((size_t)a.step >= n || strcmp(steps[a.step].id, a.step_id)))) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld: the programme's steps changed while it was in review (step %s is gone)",
		    (long long)id, a.step_id);
		goto out;
	}
	if ((r = complete(c, p, &a, pledge, err, errlen)) != 0)
		goto out;
	if ((r = tc_app_guards(c, &a, NULL, 0, 0, err, errlen)) != 0)
		goto out;
	if ((r = route_unit(c, &a, steps, n, err, errlen)) != 0)
		goto out;
	if (pledge && a.pledge_at == 0) {
		if ((r = tc_reg_exec(c->reg,
			 "UPDATE applications SET pledge_at = ?2 WHERE id = ?1",
			 "recording the pledge", err, errlen, "ii", id,
			 (int64_t)c->now)) != 0)
			goto out;
	}
	if ((r = set_state(c, &a, TC_APP_SUBMITTED,
		 "submitted_at = coalesce(submitted_at, ?3)", err, errlen)) !=
	    0)
		goto out;
	if (!resubmit)
		r = start_step(c, &a, steps, n, 0, 0, err, errlen);
	else if (steps[a.step].return_restarts_clock)
		r = start_step(c, &a, steps, n, a.step, 1, err, errlen);
	if (r != 0)
		goto out;
	if ((r = add_action(c, id, -1, NULL, resubmit ? "resubmit" : "submit",
		 NULL, NULL, err, errlen)) != 0)
		goto out;
	if ((r = audit_app(c, resubmit ? "resubmit" : "submit", id,
		 json_pack("{s:s, s:s, s:s?}", "step", a.step_id, "state",
		     "submitted", "deadline", a.deadline[0] ? a.deadline : NULL),
		 err, errlen)) != 0)
		goto out;
	r = notify_step(c, &a, steps, n, err, errlen);
out:
	tc_app_release(&a);
	return r;
}

/* The current step of a, checked against the programme. */
static int
current_step(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_programme **pp, const struct tc_step **steps, size_t *n,
    char *err, size_t errlen)
{
	int r;

	if ((*pp = programme_of(c, a->programme, err, errlen)) == NULL)
		return TC_ERR_NOT_FOUND;
	if ((r = tc_app_steps(*pp, a, steps, n, err, errlen)) != 0)
		return r;
	if (a->step < 0 || (size_t)a->step >= *n ||
	    strcmp((*steps)[a->step].id, a->step_id) != 0)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld: the programme's steps changed while it was in review (it is at step %s)",
		    (long long)a->id, a->step_id);
	return 0;
}

static int
step_role_ok(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_step *s, char *err, size_t errlen)
{
	struct tc_operator op;
	char what[160];

	int r;

	snprintf(what, sizeof(what), "step %s (%s) of application %lld", s->id,
	    s->names.zh != NULL ? s->names.zh : s->id, (long long)a->id);
	/*
	 * The operator sees the application (scoped_get): the role may be
	 * named. Another organisation's step is as if there were none.
	 */
	if ((r = operator_ok(
		 c, TC_ROLE_BIT(s->role), &op, what, err, errlen)) != 0)
		return r;
	if (!org_takes_step(&op, a, s))
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no application %lld", (long long)a->id);
	return 0;
}

static const char *
refusal_state(const struct tc_app *a)
{
	switch (a->state) {
	case TC_APP_DRAFT:
		return "a draft: submit it first";
	case TC_APP_RETURNED:
		return "returned for supplementary material: it must be resubmitted first";
	case TC_APP_REJECTED:
		return "rejected, which is final";
	case TC_APP_ISSUED:
		return "issued already";
	case TC_APP_WITHDRAWN:
		return "withdrawn";
	default:
		return "not in review";
	}
}

/* Approve-step specifics: guards, tier decision, months. */
static int
approve_decision(const struct tc_app_ctx *c, struct tc_app *a,
    const struct tc_programme *p, const struct tc_step *s,
    const struct tc_review *rv, json_t *detail, char *err, size_t errlen)
{
	const struct tc_route *route = NULL;
	const struct tc_tier *t;
	sqlite3_stmt *st = NULL;
	json_t *ov;
	char *ovtext;
	size_t i;
	int months = 0, r;

	for (i = 0; i < rv->n_overrides; i++) {
		if (rv->overrides[i] == NULL ||
		    (strcmp(rv->overrides[i], "retirement-age") != 0 &&
			strcmp(rv->overrides[i], "excluded-employer") != 0))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "only retirement-age and excluded-employer can be set aside, not '%s'",
			    rv->overrides[i] ? rv->overrides[i] : "");
		if (!claims(a, rv->overrides[i], NULL, 0))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "application %lld claims no exception for %s",
			    (long long)a->id, rv->overrides[i]);
	}
	if (a->route[0] != '\0')
		route = tc_programme_route(p, a->route);
	if (s->decides_tier && a->tier[0] == '\0') {
		if (rv->tier == NULL)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "step %s decides the tier: give one of the route's tiers (--tier)",
			    s->id);
		if (route == NULL || !tc_idlist_has(&route->tiers, rv->tier))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "tier %s is not one of route %s's tiers", rv->tier,
			    a->route);
		snprintf(a->tier, sizeof(a->tier), "%s", rv->tier);
		json_object_set_new(detail, "tier", json_string(a->tier));
	} else if (rv->tier != NULL && strcmp(rv->tier, a->tier) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "step %s does not decide the tier (the application is for tier %s)",
		    s->id, a->tier[0] ? a->tier : "?");
	if ((t = tc_programme_tier(p, a->tier)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "programme %s has no tier %s", p->id, a->tier);
	if (rv->months != 0) {
		if (!t->validity.set_at_approval)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "the term of tier %s is not set at approval (%d months)",
			    t->id, t->validity.default_months);
		if (rv->months < 1 || rv->months > t->validity.max_months)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "tier %s: 1 to %d months, not %d (%s)", t->id,
			    t->validity.max_months, rv->months,
			    cite_of(&t->validity.cite));
		months = rv->months;
	} else if (t->validity.set_at_approval)
		months = t->validity.default_months;
	if ((r = tc_app_guards(
		 c, a, rv->overrides, rv->n_overrides, 1, err, errlen)) != 0)
		return r;
	if ((ov = json_array()) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	for (i = 0; i < rv->n_overrides; i++)
		json_array_append_new(ov, json_string(rv->overrides[i]));
	ovtext = json_dumps(ov, JSON_COMPACT);
	if (rv->n_overrides > 0)
		json_object_set(detail, "overrides", ov);
	json_decref(ov);
	if (ovtext == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	if (months > 0)
		json_object_set_new(detail, "months", json_integer(months));
	r = tc_reg_prepare(c->reg,
	    "UPDATE applications SET tier = ?2, months = ?3, overrides = ?4 WHERE id = ?1",
	    &st, err, errlen);
	if (r == 0) {
		sqlite3_bind_int64(st, 1, a->id);
		sqlite3_bind_text(st, 2, a->tier, -1, SQLITE_STATIC);
		if (months > 0)
			sqlite3_bind_int(st, 3, months);
		sqlite3_bind_text(st, 4, ovtext, -1, SQLITE_STATIC);
		r = tc_reg_run(
		    c->reg, st, "recording the approval", err, errlen);
	}
	free(ovtext);
	a->months = months;
	return r;
}

/*
 * The notifications of a review just recorded: the applicant's on a
 * return, a rejection, and when the application became approved; the
 * organisation of the step it moved to.
 */
static int
notify_review(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_review *rv, int was_approved, const struct tc_step *steps,
    size_t n, char *err, size_t errlen)
{
	int r;

	if (rv->decision == TC_REVIEW_RETURN)
		return tc_notify_event(c, a, TC_NOTIFY_RETURNED, NULL,
		    rv->reason, NULL, err, errlen);
	if (rv->decision == TC_REVIEW_REJECT)
		return tc_notify_event(c, a, TC_NOTIFY_REJECTED, NULL,
		    rv->reason, NULL, err, errlen);
	if (!was_approved && a->state == TC_APP_APPROVED &&
	    (r = tc_notify_event(
		 c, a, TC_NOTIFY_APPROVED, NULL, NULL, NULL, err, errlen)) != 0)
		return r;
	return notify_step(c, a, steps, n, err, errlen);
}

static int produce_start(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_programme *p, const struct tc_step *produce, char *err,
    size_t errlen);

int
tc_app_review(const struct tc_app_ctx *c, int64_t id,
    const struct tc_review *rv, int *next_step, char *err, size_t errlen)
{
	const struct tc_programme *p;
	const struct tc_step *steps, *s;
	char ends[TC_DATE_TEXT], started[TC_DATE_TEXT];
	const char *action;
	struct tc_app a;
	json_t *detail = NULL;
	int64_t end_day;
	size_t n;
	int was_approved, r;

	if (next_step != NULL)
		*next_step = -1;
	if (c == NULL || c->reg == NULL || rv == NULL ||
	    rv->decision < TC_REVIEW_APPROVE || rv->decision > TC_REVIEW_REJECT)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(
		 c->reg, "reviewing an application", err, errlen)) != 0 ||
	    (r = scoped_get(c, id, &a, err, errlen)) != 0)
		return r;
	if (a.state != TC_APP_SUBMITTED && a.state != TC_APP_APPROVED) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is %s", (long long)id, refusal_state(&a));
		goto out;
	}
	if ((r = current_step(c, &a, &p, &steps, &n, err, errlen)) != 0)
		goto out;
	was_approved = a.state == TC_APP_APPROVED;
	s = &steps[a.step];
	if (s->kind == TC_STEP_ISSUE) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is at step %s: the card is issued with 'issue', not reviewed",
		    (long long)id, s->id);
		goto out;
	}
	if ((r = step_role_ok(c, &a, s, err, errlen)) != 0 ||
	    (r = four_eyes(c, id, a.step, err, errlen)) != 0)
		goto out;
	if (rv->decision != TC_REVIEW_APPROVE &&
	    (rv->reason == NULL ||
		!tc_app_text_ok(rv->reason, TC_APP_REASON_MAX, 1))) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a return or rejection needs a reason (1 to %d bytes of text)",
		    TC_APP_REASON_MAX);
		goto out;
	}
	if (s->kind != TC_STEP_APPROVE &&
	    (rv->tier != NULL || rv->months != 0 || rv->n_overrides > 0)) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a tier, months and overrides are given at the approval step; application %lld is at step %s (%s)",
		    (long long)id, s->id,
		    s->kind == TC_STEP_REVIEW	     ? "review"
			: s->kind == TC_STEP_CONSULT ? "consult"
			: s->kind == TC_STEP_NOTICE  ? "notice"
						     : "produce");
		goto out;
	}
	if ((detail = json_pack("{s:s}", "step", s->id)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	switch (rv->decision) {
	case TC_REVIEW_RETURN:
		if (!s->may_return) {
			char list[256] = "";
			size_t j, used = 0;

			for (j = 0; j < n && used < sizeof(list); j++)
				if (steps[j].may_return)
					used += (size_t)snprintf(list + used,
					    sizeof(list) - used, "%s%s",
					    used ? ", " : "", steps[j].id);
			r = tc_seterr(err, errlen, TC_ERR_STATE,
			    "step %s of application %lld may not return it for supplementary material (returns: %s)",
			    s->id, (long long)id,
			    list[0] ? list : "at no step of this procedure");
			goto out;
		}
		action = "return";
		if ((r = set_state(
			 c, &a, TC_APP_RETURNED, NULL, err, errlen)) != 0)
			goto out;
		break;
	case TC_REVIEW_REJECT:
		if (s->kind == TC_STEP_PRODUCE) {
			r = tc_seterr(err, errlen, TC_ERR_STATE,
			    "application %lld is approved; at step %s it can no longer be rejected",
			    (long long)id, s->id);
			goto out;
		}
		action = "reject";
		if ((r = step_done(c, &a, err, errlen)) != 0 ||
		    (r = set_state(c, &a, TC_APP_REJECTED, "decided_at = ?3",
			 err, errlen)) != 0)
			goto out;
		break;
	default:
		action = "approve";
		if (s->kind == TC_STEP_NOTICE) {
			end_day = tc_workday_add(c->workdays,
			    tc_day_of_time(a.step_started_at), s->notice_days);
			if (tc_day_of_time(c->now) < end_day) {
				tc_date_format(end_day, ends);
				tc_date_format(
				    tc_day_of_time(a.step_started_at), started);
				r = tc_seterr(err, errlen, TC_ERR_STATE,
				    "the public notice (%s) of application %lld runs until %s (%d working days from %s, %s); it can be closed from that day",
				    s->names.zh != NULL ? s->names.zh : s->id,
				    (long long)id, ends, s->notice_days,
				    started, cite_of(&s->cite));
				goto out;
			}
		}
		if (s->kind == TC_STEP_APPROVE &&
		    (r = approve_decision(
			 c, &a, p, s, rv, detail, err, errlen)) != 0)
			goto out;
		if ((r = step_done(c, &a, err, errlen)) != 0)
			goto out;
		if ((size_t)a.step + 1 >= n) {
			r = tc_seterr(err, errlen, TC_ERR_STATE,
			    "application %lld: no step after %s", (long long)id,
			    s->id);
			goto out;
		}
		if (steps[a.step + 1].kind == TC_STEP_PRODUCE &&
		    a.state == TC_APP_SUBMITTED &&
		    ((r = set_state(c, &a, TC_APP_APPROVED, "decided_at = ?3",
			  err, errlen)) != 0 ||
			(r = produce_start(
			     c, &a, p, &steps[a.step + 1], err, errlen)) != 0))
			goto out;
		if (s->kind == TC_STEP_PRODUCE &&
		    (r = tc_prod_mark(c, id, TC_PROD_MADE, err, errlen)) != 0)
			goto out;
		if ((r = start_step(
			 c, &a, steps, n, a.step + 1, 0, err, errlen)) != 0)
			goto out;
		json_object_set_new(detail, "next", json_string(a.step_id));
		if (a.deadline[0] != '\0')
			json_object_set_new(
			    detail, "deadline", json_string(a.deadline));
		break;
	}
	if ((r = add_action(c, id,
		 rv->decision == TC_REVIEW_APPROVE ? a.step - 1 : a.step, s->id,
		 action, rv->reason, detail, err, errlen)) != 0)
		goto out;
	json_object_set_new(
	    detail, "state", json_string(tc_app_state_name(a.state)));
	if (rv->reason != NULL && rv->decision != TC_REVIEW_APPROVE)
		json_object_set_new(detail, "reason", json_string(rv->reason));
	r = audit_app(c, action, id, detail, err, errlen);
	detail = NULL;
	if (r == 0)
		r = notify_review(
		    c, &a, rv, was_approved, steps, n, err, errlen);
	if (r == 0 && next_step != NULL)
		*next_step = a.step;
out:
	json_decref(detail);
	tc_app_release(&a);
	return r;
}

int
tc_app_withdraw(const struct tc_app_ctx *c, int64_t id, const char *reason,
    char *err, size_t errlen)
{
	struct tc_operator op;
	struct tc_app a;
	int r;

	if (c == NULL || c->reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if (reason == NULL || !tc_app_text_ok(reason, TC_APP_REASON_MAX, 1))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a withdrawal needs a reason (1 to %d bytes of text)",
		    TC_APP_REASON_MAX);
	if ((r = tc_reg_need_tx(
		 c->reg, "withdrawing an application", err, errlen)) != 0 ||
	    (r = operator_ok(c, TC_APP_INTAKE_ROLES, &op,
		 "withdrawing an application", err, errlen)) != 0 ||
	    (r = scoped_get(c, id, &a, err, errlen)) != 0)
		return r;
	if (a.state != TC_APP_DRAFT && a.state != TC_APP_SUBMITTED &&
	    a.state != TC_APP_RETURNED) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is %s; only a draft, submitted or returned application can be withdrawn",
		    (long long)id, tc_app_state_name(a.state));
		goto out;
	}
	if ((r = four_eyes(c, id, -1, err, errlen)) != 0 ||
	    (r = set_state(c, &a, TC_APP_WITHDRAWN, "decided_at = ?3", err,
		 errlen)) != 0 ||
	    (r = add_action(
		 c, id, -1, NULL, "withdraw", reason, NULL, err, errlen)) != 0)
		goto out;
	r = audit_app(c, "withdraw", id, json_pack("{s:s}", "reason", reason),
	    err, errlen);
out:
	tc_app_release(&a);
	return r;
}

/* Checks that a is at its issue step and the operator may issue it. */
static int
issue_ready(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_programme **p, const struct tc_step **s, char *err,
    size_t errlen)
{
	const struct tc_step *steps;
	size_t n;
	int r;

	if (a->state != TC_APP_APPROVED)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is %s", (long long)a->id,
		    a->state == TC_APP_SUBMITTED
			? "still in review, not approved"
			: refusal_state(a));
	if ((r = current_step(c, a, p, &steps, &n, err, errlen)) != 0)
		return r;
	*s = &steps[a->step];
	if ((*s)->kind != TC_STEP_ISSUE)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is at step %s (%s); the card is issued after it",
		    (long long)a->id, (*s)->id,
		    (*s)->names.zh ? (*s)->names.zh : (*s)->id);
	if ((r = step_role_ok(c, a, *s, err, errlen)) != 0)
		return r;
	return four_eyes(c, a->id, a->step, err, errlen);
}

/* The recorded overrides of a, as a string array for the guards. */
static int
recorded_overrides(
    const struct tc_app *a, json_t **arr, const char *list[8], size_t *n)
{
	size_t i;
	json_t *v;

	*n = 0;
	*arr = json_loads(a->overrides ? a->overrides : "[]", 0, NULL);
	if (!json_is_array(*arr))
		return TC_ERR_MALFORMED;
	json_array_foreach(*arr, i, v)
	{
		if (*n < 8 && json_is_string(v))
			list[(*n)++] = json_string_value(v);
	}
	return 0;
}

/* Inside the issue transaction: the holder, found or added. */
static int
issue_holder(const struct tc_app_ctx *c, const struct tc_app *a,
    int64_t *holder_id, int *added, char *err, size_t errlen)
{
	struct tc_holder h;
	int r;

	memset(&h, 0, sizeof(h));
	*added = 0;
	h.id_type = a->id_type;
	if ((r = open_id(c->reg, a->id, a->id_type, a->id_mac, h.id_number, err,
		 errlen)) != 0)
		goto out;
	r = tc_registry_holder_find(
	    c->reg, a->id_type, h.id_number, holder_id, err, errlen);
	if (r == TC_ERR_NOT_FOUND) {
		snprintf(h.name, sizeof(h.name), "%s", a->name);
		r = tc_registry_holder_add(
		    c->reg, &h, c->now, holder_id, err, errlen);
		*added = r == 0;
	}
out:
	tc_holder_release(&h);
	return r;
}

/*
 * The old card of an upgrade or conversion: revoked as "superseded"
 * (cards.status_reason of the lifecycle's migration), and its live
 * sub-cards follow the new card when its tier may have them, or are
 * revoked with it otherwise (status_cascade).
 */
static int
supersede(const struct tc_app_ctx *c, const struct tc_programme *p,
    const struct tc_card *old, const struct tc_card *card, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const struct tc_tier *t;
	size_t i;
	int r;

	if ((r = tc_reg_prepare(c->reg,
		 "UPDATE cards SET status_reason = 'superseded', status_at = ?2 WHERE serial = ?1",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, old->serial);
	sqlite3_bind_int64(st, 2, (int64_t)c->now);
	if ((r = tc_reg_run(
		 c->reg, st, "recording the supersession", err, errlen)) != 0)
		return r;
	for (i = 0; i < p->n_tiers; i++) {
		t = &p->tiers[i];
		if (t->kind != TC_TIER_SUB)
			continue;
		if ((r = tc_reg_prepare(c->reg,
			 tc_idlist_has(&t->principal_tiers, card->tier)
			     ? "UPDATE cards SET principal_serial = ?2 WHERE principal_serial = ?1 AND tier = ?3 AND status IN ('issued', 'suspended')"
			     : "UPDATE cards SET status = 'revoked', status_reason = 'principal-superseded', status_at = ?4, status_cascade = 1 WHERE principal_serial = ?1 AND tier = ?3 AND status IN ('issued', 'suspended') AND ?2 IS NOT NULL",
			 &st, err, errlen)) != 0)
			return r;
		sqlite3_bind_int64(st, 1, old->serial);
		sqlite3_bind_int64(st, 2, card->serial);
		sqlite3_bind_text(st, 3, t->id, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 4)
			sqlite3_bind_int64(st, 4, (int64_t)c->now);
		if ((r = tc_reg_run(
			 c->reg, st, "moving sub-cards", err, errlen)) != 0)
			return r;
	}
	return 0;
}

/* The application is issued: its step is done, the card recorded. */
static int
mark_issued(const struct tc_app_ctx *c, struct tc_app *a, int64_t serial,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	json_t *detail;
	int r;

	if ((r = step_done(c, a, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_prepare(c->reg,
		 "UPDATE applications SET state = 'issued', issued_serial = ?2 WHERE id = ?1",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, serial);
	if ((r = tc_reg_run(c->reg, st, "marking an application issued", err,
		 errlen)) != 0)
		return r;
	a->state = TC_APP_ISSUED;
	a->issued_serial = serial;
	detail = json_pack("{s:I}", "serial", (json_int_t)serial);
	r = add_action(
	    c, a->id, a->step, a->step_id, "issue", NULL, detail, err, errlen);
	json_decref(detail);
	return r;
}

/*
 * The card an upgrade, conversion or sub-card application builds on, into
 * *old: it must still be issued and unexpired.
 */
static int
old_card(const struct tc_app_ctx *c, const struct tc_app *a,
    struct tc_card *old, char *err, size_t errlen)
{
	int r;

	memset(old, 0, sizeof(*old));
	if (a->kind == TC_APP_NEW)
		return 0;
	if ((r = tc_registry_card_get(
		 c->reg, a->card_serial, old, err, errlen)) != 0)
		return r;
	if (old->status != TC_CARD_ISSUED || old->expires_at <= c->now)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is %s; application %lld builds on it",
		    old->card_no,
		    old->expires_at <= c->now
			? "expired"
			: tc_card_status_name(old->status),
		    (long long)a->id);
	return 0;
}

/*
 * Inside a transaction: adds the card of application a (holder found or
 * added, card number from the programme's region and serial, validity
 * from the tier or the months set at approval, a sub-card expiring with
 * its principal) in state status. *old is the card a builds on (zeroed
 * for a new card).
 */
static int
card_create(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_programme *p, const struct tc_tier *t, int64_t serial,
    enum tc_card_status status, struct tc_card *card, struct tc_card *old,
    char *err, size_t errlen)
{
	int64_t holder_id;
	int added, months, r;

	memset(card, 0, sizeof(*card));
	if ((r = old_card(c, a, old, err, errlen)) != 0 ||
	    (r = issue_holder(c, a, &holder_id, &added, err, errlen)) != 0)
		return r;
	if (added &&
	    (r = tc_app_audit(c->reg, c->now, c->operator_name, "holder.add",
		 NULL,
		 json_pack("{s:s, s:I}", "id", a->id_masked, "holder",
		     (json_int_t)holder_id),
		 err, errlen)) != 0)
		return r;
	card->serial = serial;
	if ((r = tc_cardno_make(p->region, (uint64_t)serial, card->card_no)) !=
	    0)
		return tc_seterr(err, errlen, r,
		    "programme %s: region %s gives no card number", p->id,
		    p->region);
	card->holder_id = holder_id;
	snprintf(card->programme, sizeof(card->programme), "%s", p->id);
	snprintf(card->tier, sizeof(card->tier), "%s", t->id);
	card->status = status;
	card->issued_at = c->now;
	if (a->kind == TC_APP_SUB) {
		card->principal_serial = a->card_serial;
		snprintf(
		    card->relation, sizeof(card->relation), "%s", a->relation);
		card->expires_at = old->expires_at;
	} else {
		months = a->months > 0 ? a->months : t->validity.default_months;
		card->expires_at = tc_time_of_day(
		    tc_day_add_months(tc_day_of_time(c->now), months));
	}
	return tc_registry_card_add(c->reg, card, err, errlen);
}

/*
 * At the last approval: the card of a is allocated in state production
 * and queued for its branch, the organisation the produce step names
 * (docs/workflow.md "Production"). Audited "card.allocate".
 */
static int
produce_start(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_programme *p, const struct tc_step *produce, char *err,
    size_t errlen)
{
	const struct tc_tier *t;
	struct tc_card card, old;
	char subject[64];
	int64_t serial;
	int r;

	if ((t = tc_programme_tier(p, a->tier)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "programme %s has no tier %s", p->id, a->tier);
	snprintf(
	    subject, sizeof(subject), "application:%lld", (long long)a->id);
	if ((r = tc_serial_next(c->reg, &serial, err, errlen)) != 0 ||
	    (r = tc_app_audit(c->reg, c->now, c->operator_name,
		 "serial.reserve", subject,
		 json_pack("{s:I}", "serial", (json_int_t)serial), err,
		 errlen)) != 0 ||
	    (r = card_create(c, a, p, t, serial, TC_CARD_PRODUCTION, &card,
		 &old, err, errlen)) != 0)
		return r;
	snprintf(subject, sizeof(subject), "card:%s", card.card_no);
	if ((r = tc_app_audit(c->reg, c->now, c->operator_name, "card.allocate",
		 subject,
		 json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "serial",
		     (json_int_t)serial, "programme", p->id, "tier", t->id,
		     "holder", a->id_masked, "application", (json_int_t)a->id,
		     "kind", kind_db[a->kind]),
		 err, errlen)) != 0)
		return r;
	return tc_prod_queue(c, a, &card, produce->organisation, err, errlen);
}

/*
 * Inside the issue transaction: the card in production of application a
 * (serial) becomes issued now, with the validity it was allocated with;
 * *old is the card a builds on.
 */
static int
handover(const struct tc_app_ctx *c, const struct tc_app *a, int64_t serial,
    struct tc_card *card, struct tc_card *old, char *err, size_t errlen)
{
	int r;

	if ((r = tc_registry_card_get(c->reg, serial, card, err, errlen)) != 0)
		return r;
	if (card->status != TC_CARD_PRODUCTION)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s of application %lld is %s, not in production",
		    card->card_no, (long long)a->id,
		    tc_card_status_name(card->status));
	if ((r = old_card(c, a, old, err, errlen)) != 0)
		return r;
	/*
	 * issued_at is the handover (发证); the validity stays as allocated:
	 * it is printed on the card and written into its chip.
	 */
	card->status = TC_CARD_ISSUED;
	card->issued_at = c->now;
	if (card->issued_at >= card->expires_at)
		return tc_seterr(err, errlen, TC_ERR_EXPIRED,
		    "card %s expired while in production", card->card_no);
	if ((r = tc_reg_exec(c->reg,
		 "UPDATE cards SET status = 'issued', issued_at = ?2 WHERE serial = ?1",
		 "issuing a card made", err, errlen, "ii", serial,
		 (int64_t)card->issued_at)) != 0)
		return r;
	return tc_prod_mark(c, a->id, TC_PROD_DELIVERED, err, errlen);
}

int
tc_app_issue(const struct tc_app_ctx *c, int64_t id, struct tc_card *out,
    char *err, size_t errlen)
{
	const struct tc_programme *p;
	const struct tc_tier *t;
	const struct tc_step *s;
	const char *ov[8];
	struct tc_card card, old;
	struct tc_app a;
	char subject[64], valid_to[TC_DATE_TEXT];
	json_t *ovarr = NULL;
	int64_t serial = 0, made = 0;
	size_t n_ov;
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	if (c == NULL || c->reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if (c->reg->in_tx)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "issuing runs its own transactions; call it outside one");
	/* Check first, so that a refusal does not use up a serial. */
	if ((r = scoped_get(c, id, &a, err, errlen)) != 0)
		return r;
	r = issue_ready(c, &a, &p, &s, err, errlen);
	tc_app_release(&a);
	if (r == 0)
		r = tc_prod_app_serial(c->reg, id, &made, err, errlen);
	if (r != 0)
		return r;
	snprintf(subject, sizeof(subject), "application:%lld", (long long)id);
	/* An application approved before production allocates here. */
	if (made == 0 &&
	    (r = tc_serial_reserve(c->reg, c->operator_name, subject, c->now,
		 &serial, err, errlen)) != 0)
		return r;
	if ((r = tc_registry_begin(c->reg, err, errlen)) != 0)
		return r;
	if ((r = tc_app_get(c->reg, id, &a, err, errlen)) != 0 ||
	    (r = issue_ready(c, &a, &p, &s, err, errlen)) != 0)
		goto fail;
	if ((r = recorded_overrides(&a, &ovarr, ov, &n_ov)) != 0) {
		tc_seterr(err, errlen, r,
		    "application %lld: stored overrides are malformed",
		    (long long)id);
		goto fail;
	}
	if ((r = tc_app_guards(c, &a, ov, n_ov, 1, err, errlen)) != 0)
		goto fail;
	if ((t = tc_programme_tier(p, a.tier)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "programme %s has no tier %s", p->id, a.tier);
		goto fail;
	}
	if (made != 0) {
		serial = made;
		r = handover(c, &a, serial, &card, &old, err, errlen);
	} else
		r = card_create(c, &a, p, t, serial, TC_CARD_ISSUED, &card,
		    &old, err, errlen);
	if (r != 0)
		goto fail;
	if ((r = mark_issued(c, &a, serial, err, errlen)) != 0)
		goto fail;
	tc_date_format(tc_day_of_time(card.expires_at) - 1, valid_to);
	snprintf(subject, sizeof(subject), "card:%s", card.card_no);
	if ((r = tc_app_audit(c->reg, c->now, c->operator_name, "card.issue",
		 subject,
		 json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "serial",
		     (json_int_t)serial, "programme", p->id, "tier", t->id,
		     "holder", a.id_masked, "valid_to", valid_to, "application",
		     (json_int_t)id, "kind", kind_db[a.kind]),
		 err, errlen)) != 0)
		goto fail;
	if (a.kind == TC_APP_UPGRADE || a.kind == TC_APP_CONVERT) {
		if ((r = tc_registry_card_set_status(c->reg, old.serial,
			 TC_CARD_REVOKED, err, errlen)) != 0 ||
		    (r = supersede(c, p, &old, &card, err, errlen)) != 0)
			goto fail;
		snprintf(subject, sizeof(subject), "card:%s", old.card_no);
		if ((r = tc_app_audit(c->reg, c->now, c->operator_name,
			 "card.supersede", subject,
			 json_pack("{s:s, s:s, s:I, s:s, s:I}", "status",
			     "revoked", "reason", "superseded", "superseded_by",
			     (json_int_t)serial, "card_no", card.card_no,
			     "application", (json_int_t)id),
			 err, errlen)) != 0)
			goto fail;
	}
	if ((r = audit_app(c, "issue", id,
		 json_pack("{s:I, s:s, s:s}", "serial", (json_int_t)serial,
		     "card_no", card.card_no, "valid_to", valid_to),
		 err, errlen)) != 0 ||
	    (r = tc_notify_event(c, &a, TC_NOTIFY_ISSUED, NULL, NULL,
		 card.card_no, err, errlen)) != 0 ||
	    (r = tc_notify_event(c, &a, TC_NOTIFY_UNIT_CARD_ISSUED, NULL, NULL,
		 card.card_no, err, errlen)) != 0)
		goto fail;
	if ((r = tc_registry_commit(c->reg, err, errlen)) != 0)
		goto done;
	if (out != NULL)
		*out = card;
	r = 0;
	goto done;
fail:
	tc_registry_rollback(c->reg);
done:
	json_decref(ovarr);
	tc_app_release(&a);
	return r;
}

/*
 * The field of programme p that a supplement may change, as "section.field"
 * in name; NULL with err set when there is none. See tc_app_supplement.
 */
static int
patch_field(const struct tc_programme *p, const char *name,
    const struct tc_section **sec, const struct tc_field **out, char *err,
    size_t errlen)
{
	const struct tc_field *f = NULL;
	const char *dot;
	size_t i, j, k, len;

	dot = name != NULL ? strchr(name, '.') : NULL;
	len = dot != NULL ? (size_t)(dot - name) : 0;
	for (i = 0; dot != NULL && f == NULL && i < p->application.n_sections;
	     i++) {
		if (strlen(p->application.sections[i].id) != len ||
		    strncmp(p->application.sections[i].id, name, len) != 0)
			continue;
		for (j = 0; j < p->application.sections[i].n_fields; j++)
			if (strcmp(p->application.sections[i].fields[j].id,
				dot + 1) == 0) {
				*sec = &p->application.sections[i];
				f = &p->application.sections[i].fields[j];
			}
	}
	*out = NULL;
	if (f == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "programme %s has no form field '%.80s' (fields are named SECTION.FIELD)",
		    p->id, name != NULL ? name : "");
	if ((*sec)->repeating || !f->editable || f->from_login ||
	    f->derived_from != NULL ||
	    (f->type != TC_FIELD_TEXT && f->type != TC_FIELD_LONG_TEXT &&
		f->type != TC_FIELD_ADDRESS && f->type != TC_FIELD_PHONE &&
		f->type != TC_FIELD_EMAIL && f->type != TC_FIELD_DATE))
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "field %s is not one the unit may supplement (only editable text, address, phone, email and date fields of the form, never those taken from the applicant's login or derived)",
		    name);
	/* A source of derived fields (the employer) would move the application. */
	for (i = 0; i < p->application.n_sections; i++)
		for (k = 0; k < p->application.sections[i].n_fields; k++)
			if (p->application.sections[i].fields[k].derived_from !=
				NULL &&
			    strcmp(p->application.sections[i]
				       .fields[k]
				       .derived_from,
				name) == 0)
				return tc_seterr(err, errlen, TC_ERR_POLICY,
				    "field %s is not one the unit may supplement: %s.%s is derived from it (the applicant changes it, and the application may go to another unit)",
				    name, p->application.sections[i].id,
				    p->application.sections[i].fields[k].id);
	*out = f;
	return 0;
}

/* Checks patch[i]'s value against its field f. */
static int
patch_value_ok(const struct tc_field *f, const struct tc_app_patch *pt,
    char *err, size_t errlen)
{
	int64_t day;
	int multi =
	    f->type == TC_FIELD_LONG_TEXT || f->type == TC_FIELD_ADDRESS;

	if (pt->value == NULL || !tc_app_text_ok(pt->value, 4096, multi) ||
	    (f->max_chars > 0 &&
		tc_app_utf8_chars(pt->value) > (size_t)f->max_chars))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "field %s: the value must be 1 to %d characters of text",
		    pt->field, f->max_chars > 0 ? f->max_chars : 1024);
	if (f->type == TC_FIELD_DATE &&
	    (strlen(pt->value) != 10 ||
		tc_date_parse(pt->value, &day, NULL, 0) != 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "field %s: the value must be a date YYYY-MM-DD", pt->field);
	return 0;
}

/* Writes the patched form of a back, sealed. */
static int
store_form(const struct tc_app_ctx *c, const struct tc_app *a, json_t *form,
    char *err, size_t errlen)
{
	struct tc_buf sealed;
	sqlite3_stmt *st = NULL;
	char *text = NULL;
	int r;

	tc_buf_init(&sealed, TC_APP_FORM_MAX + 1024);
	if ((text = json_dumps(form, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (strlen(text) > TC_APP_FORM_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "application %lld: the supplemented form is over %d bytes",
		    (long long)a->id, TC_APP_FORM_MAX);
		goto out;
	}
	if ((r = tc_app_seal_personal(c->reg, a->id_mac, a->sex, a->retire_base,
		 a->birth_date, text, &sealed, err, errlen)) != 0)
		goto out;
	if ((r = tc_reg_prepare(c->reg,
		 "UPDATE applications SET personal = ?2 WHERE id = ?1", &st,
		 err, errlen)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_blob(st, 2, sealed.data, (int)sealed.len, SQLITE_STATIC);
	r = tc_reg_run(
	    c->reg, st, "storing the supplemented form", err, errlen);
out:
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	tc_buf_release(&sealed);
	return r;
}

int
tc_app_supplement(const struct tc_app_ctx *c, int64_t id,
    const struct tc_app_patch *patch, size_t n, const char *reason, char *err,
    size_t errlen)
{
	const struct tc_programme *p;
	const struct tc_section *sec = NULL;
	const struct tc_step *steps, *s;
	const struct tc_field *f;
	json_t *form = NULL, *ids = NULL, *obj, *detail;
	struct tc_app a;
	size_t i, j, ns;
	int r;

	memset(&a, 0, sizeof(a));
	if (c == NULL || c->reg == NULL || (patch == NULL && n > 0))
		return tc_reg_no_arg(err, errlen);
	if (n == 0 || n > TC_APP_PATCH_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a supplement changes 1 to %d fields", TC_APP_PATCH_MAX);
	if (reason == NULL || !tc_app_text_ok(reason, TC_APP_REASON_MAX, 1))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a supplement needs a reason (1 to %d bytes of text)",
		    TC_APP_REASON_MAX);
	if ((r = tc_reg_need_tx(
		 c->reg, "supplementing an application", err, errlen)) != 0 ||
	    (r = scoped_get(c, id, &a, err, errlen)) != 0)
		return r;
	if (a.state != TC_APP_SUBMITTED) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is %s; the unit supplements a submitted application at its step",
		    (long long)id, refusal_state(&a));
		goto out;
	}
	if ((r = current_step(c, &a, &p, &steps, &ns, err, errlen)) != 0)
		goto out;
	s = &steps[a.step];
	if (s->role != TC_ROLE_UNIT_REVIEWER) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "application %lld is at step %s, not the unit's: only the unit supplements (003 信息补充)",
		    (long long)id, s->id);
		goto out;
	}
	if ((r = step_role_ok(c, &a, s, err, errlen)) != 0 ||
	    (r = four_eyes(c, id, a.step, err, errlen)) != 0)
		goto out;
	form = json_loads(a.form != NULL ? a.form : "{}", 0, NULL);
	if (form == NULL || !json_is_object(form) ||
	    (ids = json_array()) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "application %lld: the stored form is not a JSON object",
		    (long long)id);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((r = patch_field(
			 p, patch[i].field, &sec, &f, err, errlen)) != 0)
			goto out;
		for (j = 0; j < i; j++)
			if (strcmp(patch[j].field, patch[i].field) == 0) {
				r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
				    "field %s is given twice", patch[i].field);
				goto out;
			}
		if ((r = patch_value_ok(f, &patch[i], err, errlen)) != 0)
			goto out;
		if ((obj = json_object_get(form, sec->id)) == NULL) {
			if ((obj = json_object()) == NULL ||
			    json_object_set_new(form, sec->id, obj) != 0) {
				r = tc_seterr(
				    err, errlen, TC_ERR_NOMEM, "out of memory");
				goto out;
			}
		}
		if (!json_is_object(obj) ||
		    json_object_set_new(
			obj, f->id, json_string(patch[i].value)) != 0 ||
		    json_array_append_new(ids, json_string(patch[i].field)) !=
			0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "application %lld: section %s of the stored form is not an object",
			    (long long)id, sec->id);
			goto out;
		}
	}
	if ((r = store_form(c, &a, form, err, errlen)) != 0)
		goto out;
	detail = json_pack("{s:O}", "fields", ids);
	r = add_action(c, id, a.step, a.step_id, "supplement", reason, detail,
	    err, errlen);
	json_decref(detail);
	if (r != 0)
		goto out;
	r = audit_app(c, "supplement", id,
	    json_pack("{s:s, s:O}", "step", a.step_id, "fields", ids), err,
	    errlen);
out:
	json_decref(form);
	json_decref(ids);
	tc_app_release(&a);
	return r;
}

int
tc_app_reveal_id(const struct tc_app_ctx *c, int64_t id, char number[TC_ID_MAX],
    char *err, size_t errlen)
{
	struct tc_operator op;
	struct tc_app a;
	int r;

	number[0] = '\0';
	memset(&a, 0, sizeof(a));
	if (c == NULL || c->reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if (!c->reg->in_tx)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "revealing an ID number needs an open transaction");
	if ((r = scoped_get(c, id, &a, err, errlen)) != 0)
		return r;
	if ((r = operator_ok(c, TC_APP_REVEAL_ROLES, &op,
		 "revealing an applicant's full ID number", err, errlen)) != 0)
		goto out;
	/* The entry says who looked, never what they saw. */
	if ((r = audit_app(c, "id-reveal", id,
		 json_pack("{s:s}", "id_type", tc_id_type_name(a.id_type)), err,
		 errlen)) != 0)
		goto out;
	r = open_id(c->reg, id, a.id_type, a.id_mac, number, err, errlen);
out:
	tc_app_release(&a);
	return r;
}

int
tc_app_supplement_field(const struct tc_programme *p, const char *name)
{
	const struct tc_section *sec;
	const struct tc_field *f;

	return p != NULL && patch_field(p, name, &sec, &f, NULL, 0) == 0;
}
