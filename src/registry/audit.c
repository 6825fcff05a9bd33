/* SPDX-License-Identifier: MIT */
/*
 * The registry's audit log (include/tcard/registry.h): append-only (SQL
 * triggers refuse UPDATE and DELETE), hash-chained and keyed. Entry n
 * carries prev = mac of entry n - 1 and
 *     mac = HMAC-SHA256(audit_key, prev || seq || at || operator || action
 *                       || subject || detail)
 * where audit_key = HMAC-SHA256(data_key, "talentcard-audit-v1") (derived
 * when the registry opens, src/registry/registry.c) and the fields are
 * serialised with fixed widths and length prefixes (below and in
 * docs/registry.md). The key is what makes the chain worth having: a
 * plain SHA-256 chain can be recomputed by anyone who can write the file.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include "registry-int.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/registry.h"

/* The text fields of an entry, in serialisation order. */
enum { F_OPERATOR, F_ACTION, F_SUBJECT, F_DETAIL, NFIELDS };

struct fields {
	int64_t seq;
	int64_t at;
	const char *s[NFIELDS];
	size_t n[NFIELDS];
};

static int
put_u64be(struct tc_buf *b, uint64_t v)
{
	int r;

	if ((r = tc_buf_put_u32be(b, (uint32_t)(v >> 32))) != 0)
		return r;
	return tc_buf_put_u32be(b, (uint32_t)v);
}

/*
 * prev (32 bytes) || seq (8, big-endian) || at (8, big-endian two's
 * complement) || for each text field: length (4, big-endian) || bytes.
 * Fixed widths and length prefixes make the split between fields
 * unambiguous, so no two different entries serialise alike.
 */
static int
entry_mac(const uint8_t key[TC_AUDIT_MAC_LEN],
    const uint8_t prev[TC_AUDIT_MAC_LEN], const struct fields *f,
    uint8_t out[TC_AUDIT_MAC_LEN])
{
	struct tc_buf b;
	unsigned int n = 0;
	size_t i;
	int r;

	tc_buf_init(&b, 2 * TC_AUDIT_DETAIL_MAX);
	if ((r = tc_buf_put(&b, prev, TC_AUDIT_MAC_LEN)) != 0 ||
	    (r = put_u64be(&b, (uint64_t)f->seq)) != 0 ||
	    (r = put_u64be(&b, (uint64_t)f->at)) != 0)
		goto out;
	for (i = 0; i < NFIELDS; i++) {
		if (f->n[i] > UINT32_MAX) {
			r = TC_ERR_TOO_LARGE;
			goto out;
		}
		if ((r = tc_buf_put_u32be(&b, (uint32_t)f->n[i])) != 0 ||
		    (r = tc_buf_put(&b, f->s[i], f->n[i])) != 0)
			goto out;
	}
	r = TC_ERR_CRYPTO;
	if (HMAC(EVP_sha256(), key, TC_AUDIT_MAC_LEN, b.data, b.len, out, &n) ==
		NULL ||
	    n != TC_AUDIT_MAC_LEN)
		goto out;
	r = 0;
out:
	tc_buf_release(&b);
	return r;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*
 * Returns the offset of the first token (a maximal run of ASCII letters
 * and digits) that has the shape of a full 18-character ID number
 * (17 digits and a digit or X) or of its first 17 characters, or -1.
 * Card numbers (16 digits), serials and times do not have that shape. This
 * is a safety net against a caller logging a plain number by mistake, not
 * a guarantee: passport numbers have no recognisable shape.
 */
static long
find_id_like(const char *s, size_t len)
{
	size_t i = 0, start, n, k;

	while (i < len) {
		if (!is_alnum((unsigned char)s[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && is_alnum((unsigned char)s[i]))
			i++;
		n = i - start;
		if (n != 17 && n != 18)
			continue;
		for (k = 0; k < 17 && is_digit((unsigned char)s[start + k]);
		     k++)
			;
		if (k == 17 &&
		    (n == 17 || is_digit((unsigned char)s[start + 17]) ||
			s[start + 17] == 'X' || s[start + 17] == 'x'))
			return (long)start;
	}
	return -1;
}

static int
check_text(const char *what, const char *s, size_t max, int required, char *err,
    size_t errlen)
{
	size_t n;

	if (s == NULL || (n = strnlen(s, max + 1)) > max)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "audit %s is missing or longer than %zu bytes", what, max);
	if (required && n == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "audit %s is empty", what);
	return 0;
}

/*
 * Reads the last entry's seq, mac and time (0, zeros and 0 for an empty
 * log). at may be NULL.
 */
static int
last_entry(struct tc_registry *reg, struct tc_audit_head *h, int64_t *at,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, r;

	memset(h, 0, sizeof(*h));
	if (at != NULL)
		*at = 0;
	if ((r = tc_reg_stmt(reg, TC_REG_AUDIT_LAST, &st, err, errlen)) != 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		h->seq = sqlite3_column_int64(st, 0);
		if (at != NULL)
			*at = sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB ||
		    sqlite3_column_bytes(st, 1) != TC_AUDIT_MAC_LEN)
			r = tc_seterr(err, errlen, TC_ERR_AUDIT_BROKEN,
			    "audit entry %lld has a malformed mac; run 'tcard-issuer audit verify'",
			    (long long)h->seq);
		else
			memcpy(h->mac, sqlite3_column_blob(st, 1),
			    TC_AUDIT_MAC_LEN);
	} else if (rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, "reading the audit log", err, errlen);
	sqlite3_reset(st);
	return r;
}

/* An entry's time as ISO 8601 UTC, or "@SECONDS" when out of range. */
static void
iso(int64_t at, char out[32])
{
	time_t t = (time_t)at;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "@%lld", (long long)at);
}

int
tc_registry_audit_head(struct tc_registry *reg, struct tc_audit_head *out,
    char *err, size_t errlen)
{
	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	return last_entry(reg, out, NULL, err, errlen);
}

/*
 * Replaces f's detail by a copy with "clock_behind_s": behind added (the
 * caller frees *copy after use).
 */
static int
note_clock_behind(
    struct fields *f, int64_t behind, char **copy, char *err, size_t errlen)
{
	json_t *j;
	char *s = NULL;

	j = json_loadb(f->s[F_DETAIL], f->n[F_DETAIL], 0, NULL);
	if (j == NULL || !json_is_object(j) ||
	    json_object_set_new(
		j, "clock_behind_s", json_integer((json_int_t)behind)) != 0 ||
	    (s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(j);
		return tc_seterr(err, errlen, TC_ERR_NOMEM,
		    "noting the clock behind the audit log failed");
	}
	json_decref(j);
	if (strlen(s) > TC_AUDIT_DETAIL_MAX) {
		free(s);
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "audit detail is longer than %d bytes with the clock note",
		    TC_AUDIT_DETAIL_MAX);
	}
	*copy = s;
	f->s[F_DETAIL] = s;
	f->n[F_DETAIL] = strlen(s);
	return 0;
}

/* Appends one entry inside the caller's (or our own) transaction. */
static int
append(struct tc_registry *reg, struct fields *f, char *err, size_t errlen)
{
	struct tc_audit_head last;
	uint8_t mac[TC_AUDIT_MAC_LEN];
	sqlite3_stmt *st;
	int64_t last_at;
	char *detail = NULL;
	int rc, r;

	if ((r = last_entry(reg, &last, &last_at, err, errlen)) != 0)
		return r;
	/*
	 * Time in the log never goes backwards: an entry whose clock is
	 * earlier than the last entry's (a clock set back) gets the last
	 * entry's time, and its detail says by how much the clock was behind,
	 * so the log stays ordered and the glitch stays visible.
	 */
	if (last.seq > 0 && f->at < last_at) {
		if ((r = note_clock_behind(
			 f, last_at - f->at, &detail, err, errlen)) != 0)
			return r;
		f->at = last_at;
	}
	f->seq = last.seq + 1;
	if ((r = entry_mac(reg->audit_key, last.mac, f, mac)) != 0) {
		r = tc_seterr(err, errlen, r, "computing the audit mac failed");
		goto out;
	}
	if ((r = tc_reg_stmt(reg, TC_REG_AUDIT_INSERT, &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, f->seq);
	sqlite3_bind_int64(st, 2, f->at);
	sqlite3_bind_text(
	    st, 3, f->s[F_OPERATOR], (int)f->n[F_OPERATOR], SQLITE_STATIC);
	sqlite3_bind_text(
	    st, 4, f->s[F_ACTION], (int)f->n[F_ACTION], SQLITE_STATIC);
	sqlite3_bind_text(
	    st, 5, f->s[F_SUBJECT], (int)f->n[F_SUBJECT], SQLITE_STATIC);
	sqlite3_bind_text(
	    st, 6, f->s[F_DETAIL], (int)f->n[F_DETAIL], SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, last.mac, TC_AUDIT_MAC_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, mac, TC_AUDIT_MAC_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	r = rc == SQLITE_DONE
	    ? 0
	    : tc_reg_dberr(reg, rc, "appending to the audit log", err, errlen);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
out:
	free(detail);
	return r;
}

int
tc_registry_audit(struct tc_registry *reg, time_t at, const char *operator_name,
    const char *action, const char *subject, const char *detail_json, char *err,
    size_t errlen)
{
	struct fields f;
	json_error_t jerr;
	json_t *j;
	long off;
	int r, own_tx;

	if (reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if (subject == NULL)
		subject = "";
	if (detail_json == NULL)
		detail_json = "{}";
	if ((r = check_text("operator", operator_name, TC_AUDIT_NAME_MAX, 1,
		 err, errlen)) != 0 ||
	    (r = check_text(
		 "action", action, TC_AUDIT_NAME_MAX, 1, err, errlen)) != 0 ||
	    (r = check_text("subject", subject, TC_AUDIT_SUBJECT_MAX, 0, err,
		 errlen)) != 0 ||
	    (r = check_text("detail", detail_json, TC_AUDIT_DETAIL_MAX, 1, err,
		 errlen)) != 0)
		return r;
	if ((j = json_loads(detail_json, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "audit detail is not valid JSON: line %d, column %d: %s",
		    jerr.line, jerr.column, jerr.text);
	r = json_is_object(j);
	json_decref(j);
	if (!r)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "audit detail must be a JSON object");
	if ((off = find_id_like(subject, strlen(subject))) >= 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "audit subject, byte %ld: what looks like a full ID number; log the masked form",
		    off);
	if ((off = find_id_like(detail_json, strlen(detail_json))) >= 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "audit detail, byte %ld: what looks like a full ID number; log the masked form",
		    off);
	memset(&f, 0, sizeof(f));
	f.at = (int64_t)at;
	f.s[F_OPERATOR] = operator_name;
	f.s[F_ACTION] = action;
	f.s[F_SUBJECT] = subject;
	f.s[F_DETAIL] = detail_json;
	for (r = 0; r < NFIELDS; r++)
		f.n[r] = strlen(f.s[r]);

	own_tx = !reg->in_tx;
	if (own_tx && (r = tc_registry_begin(reg, err, errlen)) != 0)
		return r;
	if ((r = append(reg, &f, err, errlen)) != 0) {
		if (own_tx)
			tc_registry_rollback(reg);
		return r;
	}
	reg->audited = 1;
	if (own_tx)
		return tc_registry_commit(reg, err, errlen);
	return 0;
}

void
tc_audit_head_format(
    const struct tc_audit_head *h, char out[TC_AUDIT_HEAD_TEXT_MAX])
{
	char machex[2 * TC_AUDIT_MAC_LEN + 1];

	tc_hex_encode(h->mac, TC_AUDIT_MAC_LEN, machex);
	snprintf(
	    out, TC_AUDIT_HEAD_TEXT_MAX, "%lld:%s", (long long)h->seq, machex);
}

int
tc_audit_head_parse(
    const char *text, struct tc_audit_head *out, char *err, size_t errlen)
{
	struct tc_audit_head h;
	const char *p;
	size_t i;

	if (text == NULL || out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "no audit head given");
	memset(&h, 0, sizeof(h));
	for (p = text; is_digit((unsigned char)*p); p++) {
		if (h.seq > (INT64_MAX - 9) / 10)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "audit head: sequence number too large");
		h.seq = h.seq * 10 + (*p - '0');
	}
	if (p == text || *p != ':')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "audit head '%.40s': expected SEQ:MACHEX, a decimal sequence number, a colon and 64 hex digits",
		    text);
	p++;
	if (strlen(p) < 2 * TC_AUDIT_MAC_LEN)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "audit head: the mac is shorter than 64 hex digits");
	if (tc_hex_decode(
		p, 2 * TC_AUDIT_MAC_LEN, h.mac, TC_AUDIT_MAC_LEN, &i) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "audit head: character %zu of the mac is not a hex digit (64 expected)",
		    i + 1);
	if (p[2 * TC_AUDIT_MAC_LEN] != '\0')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "audit head: the mac is longer than 64 hex digits");
	*out = h;
	return 0;
}

/* Records the first bad entry in rep and err. */
static int bad(struct tc_audit_report *rep, int64_t seq, char *err,
    size_t errlen, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
bad(struct tc_audit_report *rep, int64_t seq, char *err, size_t errlen,
    const char *fmt, ...)
{
	va_list ap;

	rep->first_bad = seq;
	va_start(ap, fmt);
	vsnprintf(rep->reason, sizeof(rep->reason), fmt, ap);
	va_end(ap);
	return tc_seterr(err, errlen, TC_ERR_AUDIT_BROKEN, "entry %lld: %s",
	    (long long)seq, rep->reason);
}

/* Fills f from the current row; 0, or -1 when a column has a wrong type. */
static int
read_row(sqlite3_stmt *st, struct fields *f)
{
	static const int want[8] = { SQLITE_INTEGER, SQLITE_INTEGER,
		SQLITE_TEXT, SQLITE_TEXT, SQLITE_TEXT, SQLITE_TEXT, SQLITE_BLOB,
		SQLITE_BLOB };
	int i;

	for (i = 0; i < 8; i++)
		if (sqlite3_column_type(st, i) != want[i])
			return -1;
	f->seq = sqlite3_column_int64(st, 0);
	f->at = sqlite3_column_int64(st, 1);
	for (i = 0; i < NFIELDS; i++) {
		f->s[i] = (const char *)sqlite3_column_text(st, 2 + i);
		f->n[i] = (size_t)sqlite3_column_bytes(st, 2 + i);
		if (f->s[i] == NULL)
			return -1;
	}
	if (sqlite3_column_bytes(st, 6) != TC_AUDIT_MAC_LEN ||
	    sqlite3_column_bytes(st, 7) != TC_AUDIT_MAC_LEN)
		return -1;
	return 0;
}

int
tc_registry_audit_verify(struct tc_registry *reg,
    const struct tc_audit_head *expect, struct tc_audit_report *rep, char *err,
    size_t errlen)
{
	uint8_t prev[TC_AUDIT_MAC_LEN], mac[TC_AUDIT_MAC_LEN];
	const uint8_t *stored_prev, *stored_mac;
	struct fields f;
	sqlite3_stmt *st;
	int64_t want = 1, prev_at = 0;
	char when[32], prev_when[32];
	int rc, r;

	if (reg == NULL || rep == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(rep, 0, sizeof(*rep));
	memset(prev, 0, sizeof(prev));
	if ((r = tc_reg_stmt(reg, TC_REG_AUDIT_FROM, &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, INT64_MIN);
	sqlite3_bind_int64(st, 2, -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&f, 0, sizeof(f));
		f.seq = sqlite3_column_int64(st, 0);
		if (f.seq > want) {
			r = bad(rep, want, err, errlen,
			    "entry %lld is missing (the next entry is %lld): entries were deleted",
			    (long long)want, (long long)f.seq);
			break;
		}
		if (f.seq < want) {
			r = bad(rep, want, err, errlen,
			    "an entry numbered %lld stands where entry %lld should be",
			    (long long)f.seq, (long long)want);
			break;
		}
		if (read_row(st, &f) != 0) {
			r = bad(rep, f.seq, err, errlen,
			    "a column has the wrong type or size: the entry was altered");
			break;
		}
		stored_prev = sqlite3_column_blob(st, 6);
		stored_mac = sqlite3_column_blob(st, 7);
		if (CRYPTO_memcmp(stored_prev, prev, sizeof(prev)) != 0) {
			if (f.seq == 1)
				r = bad(rep, f.seq, err, errlen,
				    "its prev is not 32 zero bytes: the entry was moved or replaced");
			else
				r = bad(rep, f.seq, err, errlen,
				    "its prev does not match the mac of entry %lld: entries were deleted, inserted or reordered",
				    (long long)(f.seq - 1));
			break;
		}
		if ((r = entry_mac(reg->audit_key, prev, &f, mac)) != 0) {
			tc_seterr(err, errlen, r,
			    "computing the audit mac of entry %lld failed",
			    (long long)f.seq);
			break;
		}
		if (CRYPTO_memcmp(stored_mac, mac, sizeof(mac)) != 0) {
			r = bad(rep, f.seq, err, errlen,
			    "its mac does not verify: the entry was altered (or the data key is not the one that wrote it)");
			break;
		}
		if (f.seq > 1 && f.at < prev_at) {
			iso(f.at, when);
			iso(prev_at, prev_when);
			r = bad(rep, f.seq, err, errlen,
			    "its time %s is earlier than entry %lld's (%s): the clock was set back or the entry backdated",
			    when, (long long)(f.seq - 1), prev_when);
			break;
		}
		if (expect != NULL && expect->seq == f.seq &&
		    CRYPTO_memcmp(expect->mac, mac, sizeof(mac)) != 0) {
			r = bad(rep, f.seq, err, errlen,
			    "it differs from the recorded head: the log was rewritten by someone holding the key");
			break;
		}
		memcpy(prev, mac, sizeof(prev));
		prev_at = f.at;
		rep->entries++;
		rep->head.seq = f.seq;
		memcpy(rep->head.mac, mac, sizeof(mac));
		want++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, "reading the audit log", err, errlen);
	sqlite3_reset(st);
	if (r != 0)
		return r;
	if (expect != NULL && expect->seq > rep->head.seq)
		return bad(rep, rep->head.seq + 1, err, errlen,
		    "the log ends at entry %lld but the recorded head is entry %lld: entries %lld to %lld are missing, removed from the end",
		    (long long)rep->head.seq, (long long)expect->seq,
		    (long long)rep->head.seq + 1, (long long)expect->seq);
	return 0;
}

/* Calls fn for each row of st, an audit query's, until it returns nonzero. */
static int
audit_rows(struct tc_registry *reg, sqlite3_stmt *st,
    int (*fn)(const struct tc_audit_entry *e, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_audit_entry e;
	const void *p;
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		e.seq = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.operator_name = (const char *)sqlite3_column_text(st, 2);
		e.action = (const char *)sqlite3_column_text(st, 3);
		e.subject = (const char *)sqlite3_column_text(st, 4);
		e.detail = (const char *)sqlite3_column_text(st, 5);
		if (e.operator_name == NULL)
			e.operator_name = "";
		if (e.action == NULL)
			e.action = "";
		if (e.subject == NULL)
			e.subject = "";
		if (e.detail == NULL)
			e.detail = "";
		if ((p = sqlite3_column_blob(st, 6)) != NULL &&
		    sqlite3_column_bytes(st, 6) == TC_AUDIT_MAC_LEN)
			memcpy(e.prev, p, TC_AUDIT_MAC_LEN);
		if ((p = sqlite3_column_blob(st, 7)) != NULL &&
		    sqlite3_column_bytes(st, 7) == TC_AUDIT_MAC_LEN)
			memcpy(e.mac, p, TC_AUDIT_MAC_LEN);
		if ((r = fn(&e, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(
	    reg, st, rc, r, "listing the audit log", err, errlen);
}

int
tc_registry_audit_list(struct tc_registry *reg, int64_t from_seq, int64_t limit,
    int (*fn)(const struct tc_audit_entry *e, void *arg), void *arg, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (reg == NULL || fn == NULL || limit < 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "missing argument or negative limit");
	/* Its own statement, so fn may use the registry. */
	rc = sqlite3_prepare_v2(reg->db,
	    "SELECT seq, at, operator, action, subject, detail, prev, mac FROM audit WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return tc_reg_dberr(
		    reg, rc, "listing the audit log", err, errlen);
	sqlite3_bind_int64(st, 1, from_seq);
	sqlite3_bind_int64(st, 2, limit == 0 ? -1 : limit);
	return audit_rows(reg, st, fn, arg, err, errlen);
}

int
tc_registry_audit_subject(struct tc_registry *reg, const char *subject,
    int (*fn)(const struct tc_audit_entry *e, void *arg), void *arg, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || subject == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	/* From the index audit_subject (schema 11), never a scan. */
	if ((r = tc_reg_query(reg,
		 "SELECT seq, at, operator, action, subject, detail, prev, mac FROM audit WHERE subject = ?1 ORDER BY seq",
		 &st, err, errlen, "t", subject)) != 0)
		return r;
	return audit_rows(reg, st, fn, arg, err, errlen);
}
