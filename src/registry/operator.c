/* SPDX-License-Identifier: MIT */
/*
 * Operators in the registry (include/tcard/operator.h): rows of the
 * operators table with their roles as comma-separated names, passphrase
 * hashes from src/passhash.c, and sign-in with a failure count and a
 * temporary lock (columns of migration step 2). Statements here are
 * prepared per call: operators are read once per command, not in hot
 * loops. docs/operators.md explains the choices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "registry-int.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/operator.h"
#include "tcard/pii.h"
#include "tcard/passhash.h"
#include "tcard/registry.h"
#include "tcard/role.h"
#include "tcard/totp.h"
#include "tcard/uscc.h"

#define COLUMNS                                                                \
	"o.id, o.name, o.roles, o.pass_hash, o.disabled, o.failed_logins, o.locked_until, o.created_at, o.pass_changed_at, g.id, g.kind, g.code, o.totp_secret, o.totp_step"
#define FROM " FROM operators o JOIN organisations g ON g.id = o.organisation"

/* The AAD of an operator's sealed TOTP secret: bound to the row. */
#define TOTP_AAD_FMT "talentcard-operator-totp-v1:%lld"

/* A row as read, with the hash and the sealed secret, which never leave this file. */
struct row {
	struct tc_operator op;
	char hash[TC_PASSHASH_STORED_MAX];
	uint8_t totp[TC_TOTP_SECRET_LEN + TC_PII_SEAL_OVERHEAD];
	size_t totplen;
};

int
tc_operator_name_check(const char *name, char *err, size_t errlen)
{
	size_t i, n;
	char c;

	if (name == NULL || *name == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the operator name is empty");
	n = strnlen(name, TC_OPERATOR_NAME_MAX + 1);
	if (n > TC_OPERATOR_NAME_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the operator name is longer than %d bytes",
		    TC_OPERATOR_NAME_MAX);
	for (i = 0; i < n; i++) {
		c = name[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "operator name: character %zu is not allowed (names use a-z, 0-9, '.', '_' and '-', and start with a letter or digit)",
		    i + 1);
	}
	if (strcmp(name, "system") == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "'system' is reserved for the audit entries of the programs themselves");
	return 0;
}

int
tc_operator_locked(const struct tc_operator *op, time_t now)
{
	return op->locked_until != 0 && now < op->locked_until;
}

/* Reads the current row of a COLUMNS query. */
static int
read_row(sqlite3_stmt *st, struct row *rw)
{
	char roles[TC_ROLES_TEXT_MAX], kind[32];
	int64_t disabled, failed, locked, created, changed, step;
	int n;

	memset(rw, 0, sizeof(*rw));
	if (tc_reg_col_int(st, 0, 0, &rw->op.id) != 0 ||
	    tc_reg_col_text(st, 1, rw->op.name, sizeof(rw->op.name), 0) != 0 ||
	    tc_reg_col_text(st, 2, roles, sizeof(roles), 0) != 0 ||
	    tc_reg_col_int(st, 4, 0, &disabled) != 0 ||
	    tc_reg_col_int(st, 5, 0, &failed) != 0 ||
	    tc_reg_col_int(st, 6, 0, &locked) != 0 ||
	    tc_reg_col_int(st, 7, 0, &created) != 0 ||
	    tc_reg_col_int(st, 8, 1, &changed) != 0 ||
	    tc_reg_col_int(st, 9, 0, &rw->op.organisation) != 0 ||
	    tc_reg_col_text(st, 10, kind, sizeof(kind), 0) != 0 ||
	    tc_org_kind_parse(kind, &rw->op.org_kind) != 0 ||
	    tc_reg_col_text(
		st, 11, rw->op.org_code, sizeof(rw->op.org_code), 0) != 0 ||
	    tc_reg_col_int(st, 13, 0, &step) != 0 || step < TC_TOTP_NO_STEP)
		return TC_ERR_MALFORMED;
	if (sqlite3_column_type(st, 12) != SQLITE_NULL) {
		n = sqlite3_column_bytes(st, 12);
		if (sqlite3_column_type(st, 12) != SQLITE_BLOB || n <= 0 ||
		    (size_t)n > sizeof(rw->totp))
			return TC_ERR_MALFORMED;
		memcpy(rw->totp, sqlite3_column_blob(st, 12), (size_t)n);
		rw->totplen = (size_t)n;
		rw->op.totp_enrolled = 1;
	}
	rw->op.totp_step = step;
	if (roles[0] != '\0' &&
	    tc_roles_parse(roles, &rw->op.roles, NULL, 0) != 0)
		return TC_ERR_MALFORMED;
	if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
		if (tc_reg_col_text(st, 3, rw->hash, sizeof(rw->hash), 0) != 0)
			return TC_ERR_MALFORMED;
		rw->op.has_passphrase = 1;
	}
	if (failed < 0 || failed > 1000000)
		return TC_ERR_MALFORMED;
	rw->op.disabled = disabled != 0;
	rw->op.failed_logins = (int)failed;
	rw->op.locked_until = (time_t)locked;
	rw->op.created_at = (time_t)created;
	rw->op.pass_changed_at = (time_t)changed;
	return 0;
}

/* Reads operator name with its hash; the caller wipes rw. */
static int
get_row(struct tc_registry *reg, const char *name, struct row *rw, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	memset(rw, 0, sizeof(*rw));
	if ((r = tc_reg_query(reg, "SELECT " COLUMNS FROM " WHERE o.name = ?1",
		 &st, err, errlen, "t", name)) != 0)
		return r;
	if ((r = tc_reg_one_row(reg, st, "reading an operator", err, errlen,
		 "no operator named %s", name)) == 0) {
		if ((r = read_row(st, rw)) != 0)
			tc_seterr(err, errlen, r,
			    "operator %s: a stored field has the wrong type, size or an unknown role",
			    name);
		tc_reg_finalize(reg, st);
	}
	if (r != 0)
		OPENSSL_cleanse(rw, sizeof(*rw));
	return r;
}

int
tc_registry_operator_get(struct tc_registry *reg, const char *name,
    struct tc_operator *out, char *err, size_t errlen)
{
	struct row rw;
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (reg == NULL || name == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = get_row(reg, name, &rw, err, errlen)) != 0)
		return r;
	*out = rw.op;
	OPENSSL_cleanse(&rw, sizeof(rw));
	return 0;
}

int
tc_registry_operator_count(
    struct tc_registry *reg, int64_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || n == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_prepare(
		 reg, "SELECT count(*) FROM operators", &st, err, errlen)) != 0)
		return r;
	return tc_reg_count(reg, st, "counting operators", n, err, errlen);
}

int
tc_registry_operator_list(struct tc_registry *reg,
    int (*fn)(const struct tc_operator *op, void *arg), void *arg, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	struct row rw;
	int rc, r;

	if (reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_prepare(reg, "SELECT " COLUMNS FROM " ORDER BY o.name",
		 &st, err, errlen)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = read_row(st, &rw)) != 0) {
			tc_seterr(err, errlen, r,
			    "operator row %lld: a stored field has the wrong type, size or an unknown role",
			    (long long)sqlite3_column_int64(st, 0));
			goto out;
		}
		r = fn(&rw.op, arg);
		OPENSSL_cleanse(&rw, sizeof(rw));
		if (r != 0)
			goto out;
	}
	r = rc == SQLITE_DONE
	    ? 0
	    : tc_reg_dberr(reg, rc, "listing operators", err, errlen);
out:
	OPENSSL_cleanse(&rw, sizeof(rw));
	tc_reg_finalize(reg, st);
	return r;
}

/* Refuses a passphrase hash of operator name that is not well formed. */
static int
pass_hash_ok(const char *name, const char *pass_hash, char *err, size_t errlen)
{
	char msg[256];

	if (tc_passhash_valid(pass_hash, msg, sizeof(msg)) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "operator %s: %s", name, msg);
	return 0;
}

/*
 * The organisation with this code, or, when it is a unified social credit
 * code as a person types it (lower case, spaces), with the normalised one.
 */
static int
org_find(struct tc_registry *reg, const char *code, struct tc_organisation *o,
    char *err, size_t errlen)
{
	char norm[TC_USCC_LEN + 1];
	int r;

	r = tc_registry_org_get(reg, code, o, err, errlen);
	if (r == TC_ERR_NOT_FOUND &&
	    tc_uscc_normalise(code, norm, NULL, 0) == 0 &&
	    strcmp(norm, code) != 0)
		r = tc_registry_org_get(reg, norm, o, err, errlen);
	return r;
}

int
tc_registry_operator_add(struct tc_registry *reg, const char *name,
    unsigned roles, const char *organisation, const char *pass_hash, time_t now,
    int64_t *id, char *err, size_t errlen)
{
	char text[TC_ROLES_TEXT_MAX];
	struct tc_organisation org;
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "adding an operator", err, errlen)) != 0)
		return r;
	if ((r = tc_operator_name_check(name, err, errlen)) != 0)
		return r;
	if (roles == 0 || tc_roles_format(roles, text, sizeof(text)) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "operator %s: %s", name,
		    roles == 0 ? "an operator needs at least one role"
			       : "unknown role in the mask");
	if (pass_hash != NULL &&
	    (r = pass_hash_ok(name, pass_hash, err, errlen)) != 0)
		return r;
	if ((r = org_find(reg,
		 organisation != NULL ? organisation : TC_ORG_OFFICE_CODE, &org,
		 err, errlen)) != 0 ||
	    (r = tc_org_roles_check(&org, roles, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_query(reg,
		 "INSERT INTO operators (name, roles, pass_hash, created_at, pass_changed_at, organisation) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		 &st, err, errlen, "tttiii", name, text, pass_hash,
		 (int64_t)now, (int64_t)now, org.id)) != 0)
		return r;
	if (pass_hash == NULL) /* never set */
		sqlite3_bind_null(st, 5);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		r = tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "an operator named %s already exists", name);
	else if (rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, "adding an operator", err, errlen);
	else {
		if (id != NULL)
			*id = sqlite3_last_insert_rowid(reg->db);
		reg->dirty = 1;
		r = 0;
	}
	tc_reg_finalize(reg, st);
	return r;
}

/* Counts enabled admins with a passphrase other than operator id. */
static int
other_admins(
    struct tc_registry *reg, int64_t id, int64_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = tc_reg_query(reg,
		 "SELECT count(*) FROM operators WHERE id <> ?1 AND disabled = 0 AND pass_hash IS NOT NULL AND instr(',' || roles || ',', ',admin,') > 0",
		 &st, err, errlen, "i", id)) != 0)
		return r;
	return tc_reg_count(reg, st, "counting admins", n, err, errlen);
}

int
tc_registry_operator_set_disabled(struct tc_registry *reg, const char *name,
    int disabled, char *err, size_t errlen)
{
	struct tc_operator op;
	int64_t admins = 0;
	int r;

	if (reg == NULL || name == NULL)
		return tc_reg_no_arg(err, errlen);
	disabled = disabled != 0;
	if ((r = tc_reg_need_tx(reg,
		 disabled ? "disabling an operator" : "enabling an operator",
		 err, errlen)) != 0)
		return r;
	if ((r = tc_registry_operator_get(reg, name, &op, err, errlen)) != 0)
		return r;
	if (op.disabled == disabled)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "operator %s is already %s", name,
		    disabled ? "disabled" : "enabled");
	if (disabled && (op.roles & TC_ROLE_BIT(TC_ROLE_ADMIN))) {
		if ((r = other_admins(reg, op.id, &admins, err, errlen)) != 0)
			return r;
		if (admins == 0)
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "operator %s is the last enabled admin with a passphrase; add another admin first, or nobody could manage operators any more",
			    name);
	}
	return tc_reg_exec(reg,
	    "UPDATE operators SET disabled = ?2 WHERE id = ?1",
	    "changing an operator", err, errlen, "id", op.id, disabled);
}

int
tc_registry_operator_set_pass_hash(struct tc_registry *reg, const char *name,
    const char *pass_hash, time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || name == NULL || pass_hash == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "setting a passphrase", err, errlen)) != 0)
		return r;
	if ((r = pass_hash_ok(name, pass_hash, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_query(reg,
		 "UPDATE operators SET pass_hash = ?2, pass_changed_at = ?3, failed_logins = 0, locked_until = 0 WHERE name = ?1",
		 &st, err, errlen, "tti", name, pass_hash, (int64_t)now)) != 0)
		return r;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, "setting a passphrase", err, errlen);
	else if (sqlite3_changes(reg->db) == 0)
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no operator named %s", name);
	else {
		reg->dirty = 1;
		r = 0;
	}
	tc_reg_finalize(reg, st);
	return r;
}

/* Sets the sign-in state of operator id. */
static int
set_state(struct tc_registry *reg, int64_t id, int failed, time_t locked,
    char *err, size_t errlen)
{
	return tc_reg_exec(reg,
	    "UPDATE operators SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
	    "recording a sign-in", err, errlen, "idi", id, failed,
	    (int64_t)locked);
}

/*
 * Records a failed sign-in of an existing operator in a transaction of its
 * own: the count and lock are re-read under the write lock, so concurrent
 * failures all count. While locked, only an audit entry is written.
 */
static int
record_failure(struct tc_registry *reg, const char *name, int totp, time_t now,
    char *err, size_t errlen)
{
	struct row rw;
	char detail[128];
	const char *action;
	int failed, r;
	time_t locked;

	if ((r = tc_registry_begin(reg, err, errlen)) != 0)
		return r;
	if ((r = get_row(reg, name, &rw, err, errlen)) != 0)
		goto out;
	if (tc_operator_locked(&rw.op, now)) {
		action = "operator.auth-fail";
		snprintf(detail, sizeof(detail),
		    "{\"while_locked\":true,\"locked_until\":%lld}",
		    (long long)rw.op.locked_until);
	} else {
		failed = rw.op.failed_logins;
		locked = 0;
		if (rw.op.locked_until != 0)
			failed = 0; /* an earlier lock ran out */
		failed++;
		if (failed >= TC_OPERATOR_MAX_FAILURES) {
			locked = now + TC_OPERATOR_LOCK_SECONDS;
			action = "operator.lock";
			snprintf(detail, sizeof(detail),
			    "{\"failures\":%d,\"locked_until\":%lld}", failed,
			    (long long)locked);
		} else {
			action = "operator.auth-fail";
			snprintf(detail, sizeof(detail),
			    totp ? "{\"failures\":%d,\"factor\":\"totp\"}"
				 : "{\"failures\":%d}",
			    failed);
		}
		if ((r = set_state(
			 reg, rw.op.id, failed, locked, err, errlen)) != 0)
			goto out;
	}
	if ((r = tc_registry_audit(
		 reg, now, name, action, name, detail, err, errlen)) != 0)
		goto out;
	r = tc_registry_commit(reg, err, errlen);
out:
	OPENSSL_cleanse(&rw, sizeof(rw));
	if (r != 0)
		tc_registry_rollback(reg);
	return r;
}

/*
 * After a successful sign-in: clears a failure count or lock, and stores
 * a stronger hash when the stored one is weaker than the current cost.
 * The new hash is made before the transaction (it is slow).
 */
static int
record_success(struct tc_registry *reg, const struct row *rw, const char *pass,
    int64_t step, time_t now, char *err, size_t errlen)
{
	char hash[TC_PASSHASH_TEXT_MAX] = "", detail[96];
	int reset, rehash, r;

	reset = rw->op.failed_logins != 0 || rw->op.locked_until != 0;
	rehash = tc_passhash_needs_rehash(rw->hash) == 1 &&
	    tc_passhash_make(pass, hash, sizeof(hash), NULL, 0) == 0;
	if (!reset && !rehash && step == TC_TOTP_NO_STEP)
		return 0;
	if ((r = tc_registry_begin(reg, err, errlen)) != 0)
		goto out;
	if (step != TC_TOTP_NO_STEP) {
		/* Only forward: a concurrent sign-in with a later code wins. */
		if ((r = tc_reg_exec(reg,
			 "UPDATE operators SET totp_step = ?2 WHERE id = ?1 AND totp_step < ?2",
			 "recording a sign-in", err, errlen, "ii", rw->op.id,
			 step)) != 0)
			goto out;
		if (sqlite3_changes(reg->db) == 0) {
			r = TC_ERR_STALE;
			goto out;
		}
		if (!reset &&
		    (r = tc_registry_audit(reg, now, rw->op.name,
			 "operator.login", rw->op.name, "{\"factor\":\"totp\"}",
			 err, errlen)) != 0)
			goto out;
	}
	if (reset) {
		snprintf(detail, sizeof(detail), "{\"failures_before\":%d}",
		    rw->op.failed_logins);
		if ((r = set_state(reg, rw->op.id, 0, 0, err, errlen)) != 0 ||
		    (r = tc_registry_audit(reg, now, rw->op.name,
			 "operator.login", rw->op.name, detail, err, errlen)) !=
			0)
			goto out;
	}
	if (rehash) {
		snprintf(detail, sizeof(detail), "{\"scrypt_ln\":%d}",
		    tc_passhash_cost());
		if ((r = tc_registry_operator_set_pass_hash(
			 reg, rw->op.name, hash, now, err, errlen)) != 0 ||
		    (r = tc_registry_audit(reg, now, rw->op.name,
			 "operator.rehash", rw->op.name, detail, err,
			 errlen)) != 0)
			goto out;
	}
	r = tc_registry_commit(reg, err, errlen);
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	if (r != 0)
		tc_registry_rollback(reg);
	return r;
}

/*
 * The second factor of row rw: opens the sealed secret and checks otp.
 * Sets *step to the accepted step. Returns 0, TC_ERR_AUTH or TC_ERR_STALE
 * (a failure to count), or an error of the stored row.
 */
static int
check_totp(struct tc_registry *reg, const struct row *rw, const char *otp,
    int local, time_t now, int64_t *step, char *err, size_t errlen)
{
	int64_t matched = TC_TOTP_NO_STEP;
	struct tc_buf key;
	char aad[64];
	int r;

	if (otp == NULL || *otp == '\0')
		return TC_ERR_AUTH;
	tc_buf_init(&key, TC_TOTP_KEY_MAX);
	snprintf(aad, sizeof(aad), TOTP_AAD_FMT, (long long)rw->op.id);
	r = tc_pii_open(
	    reg->keys.data_key, aad, rw->totp, rw->totplen, &key, NULL, 0);
	if (r == 0 && (key.len < TC_TOTP_KEY_MIN || key.len > TC_TOTP_KEY_MAX))
		r = TC_ERR_MALFORMED;
	if (r != 0) {
		tc_seterr(err, errlen, r,
		    "operator %s: the sealed TOTP secret does not open (another data key, or the row was altered); an admin must enrol the operator again",
		    rw->op.name);
		goto out;
	}
	r = tc_totp_check(key.data, key.len, otp, now, TC_TOTP_WINDOW,
	    local ? TC_TOTP_NO_STEP : rw->op.totp_step, &matched, NULL, 0);
	if (r == TC_ERR_MALFORMED)
		r = TC_ERR_AUTH;
	if (r == 0 && !local)
		*step = matched;
out:
	tc_buf_release(&key);
	return r;
}

int
tc_registry_operator_auth(struct tc_registry *reg, const char *name,
    const char *pass, time_t now, struct tc_operator *out, char *err,
    size_t errlen)
{
	return tc_registry_operator_login(
	    reg, name, pass, NULL, now, out, err, errlen);
}

int
tc_registry_operator_login(struct tc_registry *reg, const char *name,
    const char *pass, const char *otp, time_t now, struct tc_operator *out,
    char *err, size_t errlen)
{
	return tc_registry_operator_login_flags(
	    reg, name, pass, otp, 0, now, out, err, errlen);
}

int
tc_registry_operator_login_flags(struct tc_registry *reg, const char *name,
    const char *pass, const char *otp, unsigned flags, time_t now,
    struct tc_operator *out, char *err, size_t errlen)
{
	struct row rw;
	char msg[256] = "";
	int64_t step = TC_TOTP_NO_STEP;
	int r;

	memset(&rw, 0, sizeof(rw));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (reg == NULL || name == NULL || pass == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	if (reg->in_tx || !sqlite3_get_autocommit(reg->db))
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "authenticate before tc_registry_begin: sign-in failures are recorded in transactions of their own");
	if (tc_operator_name_check(name, NULL, 0) != 0) {
		r = tc_passhash_dummy(pass);
		goto refuse;
	}
	r = get_row(reg, name, &rw, err, errlen);
	if (r == TC_ERR_NOT_FOUND || (r == 0 && !rw.op.has_passphrase)) {
		tc_passhash_dummy(pass);
		r = TC_ERR_AUTH;
		goto refuse;
	}
	if (r != 0)
		goto out;
	if (tc_operator_locked(&rw.op, now)) {
		tc_passhash_dummy(pass);
		if ((r = record_failure(reg, name, 0, now, err, errlen)) != 0)
			goto out;
		r = TC_ERR_AUTH;
		goto refuse;
	}
	r = tc_passhash_check(pass, rw.hash, msg, sizeof(msg));
	if (r == TC_ERR_AUTH) {
		if ((r = record_failure(reg, name, 0, now, err, errlen)) != 0)
			goto out;
		r = TC_ERR_AUTH;
		goto refuse;
	}
	if (r == TC_ERR_MALFORMED) {
		tc_seterr(err, errlen, r,
		    "operator %s: the stored passphrase hash is not valid (%s); the row was altered: an admin must set a new passphrase",
		    name, msg);
		goto out;
	}
	if (r != 0) {
		tc_seterr(err, errlen, r, "operator %s: %s", name, msg);
		goto out;
	}
	if (rw.op.totp_enrolled) {
		r = check_totp(reg, &rw, otp,
		    (flags & TC_OPERATOR_LOGIN_LOCAL) != 0, now, &step, err,
		    errlen);
		if (r == TC_ERR_AUTH || r == TC_ERR_STALE) {
			if ((r = record_failure(
				 reg, name, 1, now, err, errlen)) != 0)
				goto out;
			r = TC_ERR_AUTH;
			goto refuse;
		}
		if (r != 0)
			goto out;
	}
	if (rw.op.disabled) {
		r = tc_seterr(
		    err, errlen, TC_ERR_AUTH, "operator %s is disabled", name);
		goto out;
	}
	r = record_success(reg, &rw, pass, step, now, err, errlen);
	if (r == TC_ERR_STALE) {
		/* Another sign-in took this step or a later one meanwhile. */
		if ((r = record_failure(reg, name, 1, now, err, errlen)) != 0)
			goto out;
		r = TC_ERR_AUTH;
		goto refuse;
	}
	if (r != 0)
		goto out;
	/* Re-read: the state may have been cleared. */
	if ((r = tc_registry_operator_get(reg, name, out, err, errlen)) != 0)
		goto out;
	r = 0;
	goto out;
refuse:
	tc_seterr(err, errlen, TC_ERR_AUTH, TC_OPERATOR_AUTH_MSG);
out:
	OPENSSL_cleanse(&rw, sizeof(rw));
	OPENSSL_cleanse(msg, sizeof(msg));
	if (r != 0 && out != NULL)
		memset(out, 0, sizeof(*out));
	return r;
}

int
tc_registry_operator_totp_enrol(struct tc_registry *reg, const char *name,
    const char *actor, time_t now, char secret_b32[TC_TOTP_SECRET_B32_LEN + 1],
    char *err, size_t errlen)
{
	uint8_t secret[TC_TOTP_SECRET_LEN];
	struct tc_operator op;
	struct tc_buf sealed;
	char aad[64];
	int r;

	if (secret_b32 != NULL)
		secret_b32[0] = '\0';
	if (reg == NULL || name == NULL || actor == NULL || secret_b32 == NULL)
		return tc_reg_no_arg(err, errlen);
	tc_buf_init(&sealed, 256);
	if ((r = tc_reg_need_tx(reg, "enrolling in TOTP", err, errlen)) != 0 ||
	    (r = tc_registry_operator_get(reg, name, &op, err, errlen)) != 0)
		goto out;
	if ((r = tc_totp_secret_new(secret)) != 0) {
		tc_seterr(err, errlen, r, "no random secret");
		goto out;
	}
	snprintf(aad, sizeof(aad), TOTP_AAD_FMT, (long long)op.id);
	if ((r = tc_pii_seal(reg->keys.data_key, aad, secret, sizeof(secret),
		 &sealed)) != 0) {
		tc_seterr(err, errlen, r, "sealing the TOTP secret failed");
		goto out;
	}
	if ((r = tc_reg_exec(reg,
		 "UPDATE operators SET totp_secret = ?2, totp_step = -1 WHERE id = ?1",
		 "enrolling in TOTP", err, errlen, "ib", op.id,
		 (const void *)sealed.data, sealed.len)) != 0 ||
	    (r = tc_registry_audit(reg, now, actor, "operator.totp-enrol", name,
		 NULL, err, errlen)) != 0)
		goto out;
	tc_totp_secret_text(secret, secret_b32);
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	tc_buf_release(&sealed);
	return r;
}

int
tc_registry_operator_set_org(struct tc_registry *reg, const char *name,
    const char *org, char *err, size_t errlen)
{
	struct tc_organisation o;
	struct tc_operator op;
	int r;

	if (reg == NULL || name == NULL || org == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "moving an operator", err, errlen)) != 0 ||
	    (r = tc_registry_operator_get(reg, name, &op, err, errlen)) != 0 ||
	    (r = org_find(reg, org, &o, err, errlen)) != 0 ||
	    (r = tc_org_roles_check(&o, op.roles, err, errlen)) != 0)
		return r;
	return tc_reg_exec(reg,
	    "UPDATE operators SET organisation = ?2 WHERE id = ?1",
	    "moving an operator", err, errlen, "ii", op.id, o.id);
}
