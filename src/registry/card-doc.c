/* SPDX-License-Identifier: MIT */
/*
 * Supporting documents of a card's lifecycle actions
 * (include/tcard/card-doc.h): rows of card_documents, their content in
 * the sealed store of attachments (tc_app_store_data, tc_app_data_read in
 * application.c), one audit entry per document added.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "app-int.h"
#include "registry-int.h"
#include "tcard/card-doc.h"
#include "tcard/err.h"
#include "tcard/hex.h"

#define DOC_COLS                                                               \
	"id, serial, action, change_id, media_type, size, sha256, name, "      \
	"added_at, added_by"

/* The card's number for the audit subject; TC_ERR_NOT_FOUND when none. */
static int
card_no(struct tc_registry *reg, int64_t serial, char out[17], char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = tc_reg_row_by_id(reg,
		 "SELECT card_no FROM cards WHERE serial = ?1", serial,
		 "reading a card", &st, err, errlen, "no card %lld",
		 (long long)serial)) != 0)
		return r;
	r = tc_reg_col_text(st, 0, out, 17, 0);
	tc_reg_finalize(reg, st);
	return r != 0 ? tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "card %lld is malformed", (long long)serial)
		      : 0;
}

/* The latest change of the card (0 when none). */
static int
latest_change(struct tc_registry *reg, int64_t serial, int64_t *id, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = tc_reg_prepare(reg,
		 "SELECT coalesce(max(id), 0) FROM card_changes WHERE serial = ?1",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, serial);
	return tc_reg_count(reg, st, "reading card changes", id, err, errlen);
}

static int
action_ok(const char *a)
{
	size_t n = a != NULL ? strlen(a) : 0;

	return n > 0 && n <= TC_CARD_DOC_ACTION_MAX &&
	    strspn(a, "abcdefghijklmnopqrstuvwxyz") == n;
}

int
tc_card_doc_add(struct tc_registry *reg, int64_t serial, const char *action,
    const char *operator_name, time_t now, const char *name,
    const uint8_t *data, size_t len, int64_t *id, char *err, size_t errlen)
{
	struct tc_attach_info info;
	char no[17], hex[65], msg[256], subject[32];
	const char *base;
	uint8_t sha[32];
	sqlite3_stmt *st = NULL;
	int64_t change = 0, doc;
	int r;

	if (id != NULL)
		*id = 0;
	if (reg == NULL || (data == NULL && len > 0) || !action_ok(action) ||
	    operator_name == NULL || operator_name[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "missing argument or a bad action name");
	base = name != NULL ? strrchr(name, '/') : NULL;
	base = base != NULL ? base + 1 : name;
	if (base == NULL || !tc_app_text_ok(base, TC_CARD_DOC_NAME_MAX, 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a document needs a file name of 1 to %d bytes",
		    TC_CARD_DOC_NAME_MAX);
	if ((r = tc_reg_need_tx(reg, "adding a card document", err, errlen)) !=
		0 ||
	    (r = card_no(reg, serial, no, err, errlen)) != 0)
		return r;
	if ((r = tc_attach_check(
		 base, data, len, 0, &info, msg, sizeof(msg))) != 0)
		return tc_seterr(err, errlen, r, "%s: %s", base, msg);
	if (strcmp(action, "change") == 0 &&
	    (r = latest_change(reg, serial, &change, err, errlen)) != 0)
		return r;
	SHA256(data, len, sha);
	if ((r = tc_app_store_data(reg, sha, data, len, err, errlen)) != 0 ||
	    (r = tc_reg_prepare(reg,
		 "INSERT INTO card_documents (serial, action, change_id, media_type, size, sha256, name, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, serial);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	tc_reg_bind_opt_id(st, 3, change);
	sqlite3_bind_text(st, 4, tc_media_type(info.media), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)len);
	sqlite3_bind_blob(st, 6, sha, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, base, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)now);
	sqlite3_bind_text(st, 9, operator_name, -1, SQLITE_STATIC);
	if ((r = tc_reg_run(reg, st, "adding a card document", err, errlen)) !=
	    0)
		return r;
	doc = sqlite3_last_insert_rowid(reg->db);
	tc_hex_encode(sha, 32, hex);
	snprintf(subject, sizeof(subject), "card:%s", no);
	if ((r = tc_app_audit(reg, now, operator_name, "card.document", subject,
		 json_pack("{s:I, s:s, s:s, s:I, s:s}", "document",
		     (json_int_t)doc, "action", action, "media_type",
		     tc_media_type(info.media), "size", (json_int_t)len,
		     "sha256", hex),
		 err, errlen)) != 0)
		return r;
	if (id != NULL)
		*id = doc;
	return 0;
}

/* The document on st's row (DOC_COLS). */
static int
doc_row(sqlite3_stmt *st, struct tc_card_doc *d)
{
	char media[96];
	int64_t at = 0;

	memset(d, 0, sizeof(*d));
	if (tc_reg_col_int(st, 0, 0, &d->id) != 0 ||
	    tc_reg_col_int(st, 1, 0, &d->serial) != 0 ||
	    tc_reg_col_text(st, 2, d->action, sizeof(d->action), 0) != 0 ||
	    tc_reg_col_int(st, 3, 1, &d->change_id) != 0 ||
	    tc_reg_col_text(st, 4, media, sizeof(media), 0) != 0 ||
	    tc_media_parse(media, &d->media) != 0 ||
	    tc_reg_col_int(st, 5, 0, &d->size) != 0 ||
	    sqlite3_column_bytes(st, 6) != 32 ||
	    tc_reg_col_text(st, 7, d->name, sizeof(d->name), 0) != 0 ||
	    tc_reg_col_int(st, 8, 0, &at) != 0 ||
	    tc_reg_col_text(st, 9, d->added_by, sizeof(d->added_by), 0) != 0)
		return TC_ERR_MALFORMED;
	memcpy(d->sha256, sqlite3_column_blob(st, 6), 32);
	d->added_at = (time_t)at;
	return 0;
}

int
tc_card_doc_list(struct tc_registry *reg, int64_t serial,
    int (*fn)(const struct tc_card_doc *d, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_card_doc d;
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	if (reg == NULL || fn == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "missing argument");
	if ((r = tc_reg_prepare(reg,
		 "SELECT " DOC_COLS
		 " FROM card_documents WHERE serial = ?1 ORDER BY id",
		 &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, serial);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (doc_row(st, &d) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "a document of card %lld is malformed",
			    (long long)serial);
			break;
		}
		if ((r = fn(&d, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "reading card documents", err, errlen);
}

int
tc_card_doc_read(struct tc_registry *reg, int64_t serial, int64_t id,
    struct tc_card_doc *d, struct tc_buf *out, char *err, size_t errlen)
{
	struct tc_card_doc mine;
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "missing argument");
	if (d == NULL)
		d = &mine;
	if ((r = tc_reg_row_by_id(reg,
		 "SELECT " DOC_COLS " FROM card_documents WHERE id = ?1", id,
		 "reading a card document", &st, err, errlen,
		 "no document %lld", (long long)id)) != 0)
		return r;
	r = doc_row(st, d);
	tc_reg_finalize(reg, st);
	if (r != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "document %lld is malformed", (long long)id);
	if (d->serial != serial)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no document %lld", (long long)id);
	return tc_app_data_read(
	    reg, d->sha256, d->size, "document", id, out, err, errlen);
}
