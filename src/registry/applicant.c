/* SPDX-License-Identifier: MIT */
/*
 * Applicants' accounts (include/tcard/applicant.h): rows of the
 * applicants table of migration step 12, passwords hashed by
 * src/passhash.c, a sign-in lock as operators have (src/registry/
 * operator.c), and one-time tokens kept as their SHA-256 only.
 * docs/portal.md explains the choices.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sqlite3.h>

#include "registry-int.h"
#include "tcard/applicant.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/officerpc.h"
#include "tcard/passhash.h"
#include "tcard/registry.h"

#define COLUMNS                                                                \
	"id, login, name, language, verified, id_mac, disabled, failed_logins, locked_until, created_at, pass_hash, oidc_sub IS NOT NULL"

static int
login_email(const char *in, char *out, char *err, size_t errlen)
{
	const char *at = strchr(in, '@'), *dot;
	size_t i, n = strlen(in);

	if (at == NULL || at == in || strchr(at + 1, '@') != NULL ||
	    (dot = strrchr(at + 1, '.')) == NULL || dot == at + 1 ||
	    dot[1] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the login is not an e-mail address (name@domain.tld) or a mobile number");
	for (i = 0; i < n; i++) {
		if ((unsigned char)in[i] <= ' ' ||
		    (unsigned char)in[i] >= 0x7f ||
		    strchr("<>()[]\\,;:\"", in[i]))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "the e-mail address has a character it may not have at byte %zu",
			    i);
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[n] = '\0';
	return 0;
}

int
tc_applicant_login_norm(
    const char *in, char *out, int *email, char *err, size_t errlen)
{
	size_t i, o = 0, digits = 0;

	out[0] = '\0';
	if (email != NULL)
		*email = 0;
	if (in == NULL || *in == '\0')
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "the login is empty");
	if (strlen(in) > TC_APPLICANT_LOGIN_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the login is longer than %d bytes",
		    TC_APPLICANT_LOGIN_MAX);
	if (strchr(in, '@') != NULL) {
		if (email != NULL)
			*email = 1;
		return login_email(in, out, err, errlen);
	}
	for (i = 0; in[i] != '\0'; i++) {
		if (in[i] == ' ' || in[i] == '-')
			continue;
		if (in[i] == '+' && o == 0) {
			out[o++] = '+';
			continue;
		}
		if (in[i] < '0' || in[i] > '9' || digits == 15)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "the login is not an e-mail address or a mobile number (6 to 15 digits, an optional leading +): byte %zu",
			    i);
		out[o++] = in[i];
		digits++;
	}
	out[o] = '\0';
	if (digits < 6)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a mobile number as login has 6 to 15 digits");
	return 0;
}

void
tc_applicant_actor(int64_t id, char out[TC_APPLICANT_ACTOR_MAX])
{
	snprintf(out, TC_APPLICANT_ACTOR_MAX, "applicant:%lld", (long long)id);
}

/* A display name: at most TC_APPLICANT_NAME_MAX bytes, no controls. */
static int
name_check(const char *name, char *err, size_t errlen)
{
	size_t i;

	if (strlen(name) > TC_APPLICANT_NAME_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the name is longer than %d bytes", TC_APPLICANT_NAME_MAX);
	for (i = 0; name[i] != '\0'; i++)
		if ((unsigned char)name[i] < ' ' || name[i] == 0x7f)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "the name has a control character at byte %zu", i);
	return 0;
}

int
tc_applicant_register(struct tc_registry *reg, const char *login,
    const char *password, const char *name, const char *language, int verified,
    time_t now, int64_t *id, char *err, size_t errlen)
{
	char norm[TC_APPLICANT_LOGIN_MAX + 1], hash[TC_PASSHASH_TEXT_MAX];
	char actor[TC_APPLICANT_ACTOR_MAX], subject[TC_APPLICANT_ACTOR_MAX];
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || password == NULL || id == NULL)
		return tc_reg_no_arg(err, errlen);
	*id = 0;
	if (name == NULL)
		name = "";
	if (language == NULL)
		language = "zh";
	if (strcmp(language, "zh") != 0 && strcmp(language, "en") != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the language is zh or en");
	if ((r = tc_reg_need_tx(
		 reg, "registering an applicant", err, errlen)) != 0 ||
	    (r = tc_applicant_login_norm(login, norm, NULL, err, errlen)) !=
		0 ||
	    (r = name_check(name, err, errlen)) != 0 ||
	    (r = tc_passhash_make(password, hash, sizeof(hash), err, errlen)) !=
		0)
		return r;
	if ((r = tc_reg_query(reg,
		 "INSERT INTO applicants (login, pass_hash, name, language, verified, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		 &st, err, errlen, "ttttdi", norm, hash, name, language,
		 verified ? 1 : 0, (int64_t)now)) != 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		r = tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "an account with this login exists already");
	else if (rc != SQLITE_DONE)
		r = tc_reg_dberr(
		    reg, rc, "registering an applicant", err, errlen);
	else {
		*id = sqlite3_last_insert_rowid(reg->db);
		reg->dirty = 1;
	}
	tc_reg_finalize(reg, st);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (r != 0)
		return r;
	tc_applicant_actor(*id, actor);
	snprintf(subject, sizeof(subject), "%s", actor);
	return tc_registry_audit(reg, now, actor, "applicant.register", subject,
	    verified ? "{\"verified\":true}" : "{}", err, errlen);
}

/* The current row of a COLUMNS query into a; its hash into hash. */
static int
row_read(sqlite3_stmt *st, struct tc_applicant *a, char *hash, size_t hlen)
{
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	if (tc_reg_col_text(st, 1, a->login, sizeof(a->login), 0) != 0 ||
	    tc_reg_col_text(st, 2, a->name, sizeof(a->name), 0) != 0 ||
	    tc_reg_col_text(st, 3, a->language, sizeof(a->language), 0) != 0)
		return TC_ERR_MALFORMED;
	a->verified = sqlite3_column_int(st, 4) == 1;
	if (sqlite3_column_type(st, 5) == SQLITE_BLOB &&
	    sqlite3_column_bytes(st, 5) == TC_PII_MAC_LEN) {
		memcpy(a->id_mac, sqlite3_column_blob(st, 5), TC_PII_MAC_LEN);
		a->has_person = 1;
	}
	a->disabled = sqlite3_column_int(st, 6) == 1;
	a->failed_logins = sqlite3_column_int(st, 7);
	if (tc_reg_col_int(st, 8, 0, &v) != 0)
		return TC_ERR_MALFORMED;
	a->locked_until = (time_t)v;
	if (tc_reg_col_int(st, 9, 0, &v) != 0)
		return TC_ERR_MALFORMED;
	a->created_at = (time_t)v;
	if (hash != NULL && tc_reg_col_text(st, 10, hash, hlen, 1) != 0)
		return TC_ERR_MALFORMED;
	a->oidc = sqlite3_column_int(st, 11) == 1;
	return 0;
}

/* Reads the account where sql's ?1 is key (an id or a login). */
static int
get_by(struct tc_registry *reg, const char *sql, const char *types,
    const void *key, struct tc_applicant *out, char *hash, size_t hlen,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (types[0] == 'i')
		r = tc_reg_query(
		    reg, sql, &st, err, errlen, "i", *(const int64_t *)key);
	else
		r = tc_reg_query(
		    reg, sql, &st, err, errlen, "t", (const char *)key);
	if (r != 0 ||
	    (r = tc_reg_one_row(reg, st, "reading an applicant", err, errlen,
		 "%s", "no such applicant account")) != 0)
		return r;
	if (row_read(st, out, hash, hlen) != 0)
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "applicant account %lld: a stored field has the wrong type",
		    (long long)sqlite3_column_int64(st, 0));
	tc_reg_finalize(reg, st);
	return r;
}

int
tc_applicant_get(struct tc_registry *reg, int64_t id, struct tc_applicant *out,
    char *err, size_t errlen)
{
	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	return get_by(reg, "SELECT " COLUMNS " FROM applicants WHERE id = ?1",
	    "i", &id, out, NULL, 0, err, errlen);
}

int
tc_applicant_find(struct tc_registry *reg, const char *login, int64_t *id,
    char *err, size_t errlen)
{
	char norm[TC_APPLICANT_LOGIN_MAX + 1];
	struct tc_applicant a;
	int r;

	*id = 0;
	if (tc_applicant_login_norm(login, norm, NULL, NULL, 0) != 0)
		return 0;
	r = get_by(reg, "SELECT " COLUMNS " FROM applicants WHERE login = ?1",
	    "t", norm, &a, NULL, 0, err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		return 0;
	if (r == 0)
		*id = a.id;
	return r;
}

/*
 * Records a sign-in of account id in a transaction of its own: a failure
 * counts (a lock that ran out starts the count again) and locks at
 * TC_APPLICANT_MAX_FAILURES, audited; a success clears the count.
 */
static int
sign_in_state(struct tc_registry *reg, int64_t id, int failed, time_t now,
    char *err, size_t errlen)
{
	char actor[TC_APPLICANT_ACTOR_MAX];
	int r;

	if ((r = tc_registry_begin(reg, err, errlen)) != 0)
		return r;
	tc_applicant_actor(id, actor);
	if (failed)
		r = tc_reg_exec(reg,
		    "UPDATE applicants SET failed_logins = CASE WHEN locked_until <> 0 THEN 1 ELSE failed_logins + 1 END, "
		    "locked_until = CASE WHEN (CASE WHEN locked_until <> 0 THEN 1 ELSE failed_logins + 1 END) >= ?3 THEN ?2 ELSE 0 END WHERE id = ?1",
		    "recording a sign-in", err, errlen, "iid", id,
		    (int64_t)now + TC_APPLICANT_LOCK_SECONDS,
		    TC_APPLICANT_MAX_FAILURES);
	else
		r = tc_reg_exec(reg,
		    "UPDATE applicants SET failed_logins = 0, locked_until = 0 WHERE id = ?1",
		    "recording a sign-in", err, errlen, "i", id);
	if (r == 0)
		r = tc_registry_audit(reg, now, actor,
		    failed ? "applicant.auth-fail" : "applicant.sign-in", actor,
		    failed ? "{}" : "{\"cleared_failures\":true}", err, errlen);
	if (r != 0) {
		tc_registry_rollback(reg);
		return r;
	}
	return tc_registry_commit(reg, err, errlen);
}

int
tc_applicant_login(struct tc_registry *reg, const char *login,
    const char *password, time_t now, struct tc_applicant *out, char *err,
    size_t errlen)
{
	char norm[TC_APPLICANT_LOGIN_MAX + 1], hash[TC_PASSHASH_STORED_MAX];
	struct tc_applicant a;
	int r, exists, usable;

	if (reg == NULL || password == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(out, 0, sizeof(*out));
	hash[0] = '\0';
	if (tc_applicant_login_norm(login, norm, NULL, NULL, 0) != 0)
		r = TC_ERR_NOT_FOUND;
	else
		r = get_by(reg,
		    "SELECT " COLUMNS " FROM applicants WHERE login = ?1", "t",
		    norm, &a, hash, sizeof(hash), err, errlen);
	if (r != 0 && r != TC_ERR_NOT_FOUND)
		return r;
	exists = r == 0;
	/* A locked, disabled or unknown account costs the same work. */
	usable =
	    exists && hash[0] != '\0' && !a.disabled && a.locked_until <= now;
	if (!usable) {
		tc_passhash_dummy(password);
		r = TC_ERR_AUTH;
	} else
		r = tc_passhash_check(password, hash, NULL, 0);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (r != 0) {
		if (r == TC_ERR_AUTH && usable)
			sign_in_state(reg, a.id, 1, now, NULL, 0);
		return tc_seterr(err, errlen, TC_ERR_AUTH,
		    "wrong login or password, or the account is locked (after %d failures in a row, for %d minutes)",
		    TC_APPLICANT_MAX_FAILURES, TC_APPLICANT_LOCK_SECONDS / 60);
	}
	if ((a.failed_logins != 0 || a.locked_until != 0) &&
	    (r = sign_in_state(reg, a.id, 0, now, err, errlen)) != 0)
		return r;
	a.failed_logins = 0;
	a.locked_until = 0;
	*out = a;
	return 0;
}

int
tc_applicant_bind_person(struct tc_registry *reg, int64_t id,
    const uint8_t mac[TC_PII_MAC_LEN], char *err, size_t errlen)
{
	struct tc_applicant a;
	int r;

	if ((r = tc_applicant_get(reg, id, &a, err, errlen)) != 0)
		return r;
	if (a.has_person)
		return CRYPTO_memcmp(a.id_mac, mac, TC_PII_MAC_LEN) == 0
		    ? 0
		    : tc_seterr(err, errlen, TC_ERR_POLICY,
			  "an account applies for its holder only: this ID number is not the one of the account's earlier applications");
	return tc_reg_exec(reg,
	    "UPDATE applicants SET id_mac = ?2 WHERE id = ?1 AND id_mac IS NULL",
	    "binding an account to its holder", err, errlen, "ib", id, mac,
	    (size_t)TC_PII_MAC_LEN);
}

static const char *
purpose_db(enum tc_applicant_token_purpose p)
{
	return p == TC_APPLICANT_TOKEN_RESET ? "reset" : "verify";
}

int
tc_applicant_token_new(struct tc_registry *reg, int64_t id,
    enum tc_applicant_token_purpose purpose, time_t now,
    char token[TC_APPLICANT_TOKEN_LEN + 1], char *err, size_t errlen)
{
	uint8_t raw[32], h[SHA256_DIGEST_LENGTH];
	char actor[TC_APPLICANT_ACTOR_MAX];
	int r;

	token[0] = '\0';
	if ((r = tc_reg_need_tx(reg, "making a token", err, errlen)) != 0)
		return r;
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "no random bytes for a token");
	tc_orpc_token_text(raw, token);
	OPENSSL_cleanse(raw, sizeof(raw));
	SHA256((const uint8_t *)token, TC_APPLICANT_TOKEN_LEN, h);
	if ((r = tc_reg_exec(reg,
		 "DELETE FROM applicant_tokens WHERE applicant = ?1 AND (purpose = ?2 OR expires_at <= ?3)",
		 "making a token", err, errlen, "iti", id, purpose_db(purpose),
		 (int64_t)now)) != 0 ||
	    (r = tc_reg_exec(reg,
		 "INSERT INTO applicant_tokens (hash, applicant, purpose, expires_at) VALUES (?1, ?2, ?3, ?4)",
		 "making a token", err, errlen, "biti", h, sizeof(h), id,
		 purpose_db(purpose),
		 (int64_t)now +
		     (purpose == TC_APPLICANT_TOKEN_RESET
			     ? TC_APPLICANT_RESET_SECONDS
			     : TC_APPLICANT_VERIFY_SECONDS))) == 0) {
		tc_applicant_actor(id, actor);
		r = tc_registry_audit(reg, now, actor, "applicant.token", actor,
		    purpose == TC_APPLICANT_TOKEN_RESET
			? "{\"purpose\":\"reset\"}"
			: "{\"purpose\":\"verify\"}",
		    err, errlen);
	}
	if (r != 0)
		OPENSSL_cleanse(token, TC_APPLICANT_TOKEN_LEN + 1);
	return r;
}

int
tc_applicant_token_use(struct tc_registry *reg, const char *token,
    enum tc_applicant_token_purpose purpose, const char *password, time_t now,
    int64_t *id, char *err, size_t errlen)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	char hash[TC_PASSHASH_TEXT_MAX], actor[TC_APPLICANT_ACTOR_MAX];
	sqlite3_stmt *st = NULL;
	int64_t who;
	int r;

	if (id != NULL)
		*id = 0;
	if ((r = tc_reg_need_tx(reg, "using a token", err, errlen)) != 0)
		return r;
	if (token == NULL || !tc_orpc_token_ok(token))
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "the link is not valid (unknown, used or expired)");
	if (purpose == TC_APPLICANT_TOKEN_RESET &&
	    (r = tc_passhash_make(password, hash, sizeof(hash), err, errlen)) !=
		0)
		return r;
	SHA256((const uint8_t *)token, TC_APPLICANT_TOKEN_LEN, h);
	if ((r = tc_reg_query(reg,
		 "DELETE FROM applicant_tokens WHERE hash = ?1 AND purpose = ?2 RETURNING applicant, expires_at",
		 &st, err, errlen, "bt", h, sizeof(h), purpose_db(purpose))) !=
	    0)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_int64(st, 1) <= (int64_t)now) {
		tc_reg_finalize(reg, st);
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "the link is not valid (unknown, used or expired)");
		goto out;
	}
	who = sqlite3_column_int64(st, 0);
	/* Stepped to the end, so the delete is done. */
	sqlite3_step(st);
	tc_reg_finalize(reg, st);
	reg->dirty = 1;
	tc_applicant_actor(who, actor);
	if (purpose == TC_APPLICANT_TOKEN_RESET)
		r = tc_reg_exec(reg,
		    "UPDATE applicants SET pass_hash = ?2, failed_logins = 0, locked_until = 0 WHERE id = ?1",
		    "setting a password", err, errlen, "it", who, hash);
	else
		r = tc_reg_exec(reg,
		    "UPDATE applicants SET verified = 1 WHERE id = ?1",
		    "verifying an account", err, errlen, "i", who);
	if (r == 0)
		r = tc_registry_audit(reg, now, actor,
		    purpose == TC_APPLICANT_TOKEN_RESET ? "applicant.reset"
							: "applicant.verify",
		    actor, "{}", err, errlen);
	if (r == 0 && id != NULL)
		*id = who;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	return r;
}

/* SHA-256 of issuer, a NUL and sub: the account's key, never sub itself. */
static int
oidc_key(const char *issuer, const char *sub, uint8_t key[TC_PII_MAC_LEN])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, issuer, strlen(issuer) + 1) == 1 &&
	    EVP_DigestUpdate(c, sub, strlen(sub)) == 1 &&
	    EVP_DigestFinal_ex(c, key, NULL) == 1;

	EVP_MD_CTX_free(c);
	return ok ? 0 : TC_ERR_CRYPTO;
}

/* The account of key, or a new one (verified, no password) named name. */
static int
oidc_account(struct tc_registry *reg, const uint8_t key[TC_PII_MAC_LEN],
    const char *name, time_t now, int64_t *id, int *created, char *err,
    size_t errlen)
{
	char login[TC_APPLICANT_LOGIN_MAX + 1], actor[TC_APPLICANT_ACTOR_MAX];
	sqlite3_stmt *st = NULL;
	int rc, r, i;

	*created = 0;
	if ((r = tc_reg_query(reg,
		 "SELECT id FROM applicants WHERE oidc_sub = ?1", &st, err,
		 errlen, "b", key, (size_t)TC_PII_MAC_LEN)) != 0)
		return r;
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	tc_reg_finalize(reg, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tc_reg_dberr(
		    reg, rc, "finding an identity's account", err, errlen);
	if (*id != 0) {
		tc_applicant_actor(*id, actor);
		if ((r = tc_reg_exec(reg,
			 "UPDATE applicants SET name = ?2 WHERE id = ?1 AND name <> ?2",
			 "renaming an account", err, errlen, "it", *id,
			 name)) != 0)
			return r;
		return tc_registry_audit(reg, now, actor, "applicant.sign-in",
		    actor, "{\"oidc\":true}", err, errlen);
	}
	memcpy(login, "oidc:", 5);
	for (i = 0; i < 8; i++)
		snprintf(login + 5 + 2 * i, 3, "%02x", key[i]);
	if ((r = tc_reg_query(reg,
		 "INSERT INTO applicants (login, pass_hash, name, language, verified, created_at, oidc_sub) VALUES (?1, NULL, ?2, 'zh', 1, ?3, ?4)",
		 &st, err, errlen, "ttib", login, name, (int64_t)now, key,
		 (size_t)TC_PII_MAC_LEN)) != 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		r = tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "another account has this identity's login");
	else if (rc != SQLITE_DONE)
		r = tc_reg_dberr(
		    reg, rc, "creating an identity's account", err, errlen);
	else {
		*id = sqlite3_last_insert_rowid(reg->db);
		*created = 1;
		reg->dirty = 1;
	}
	tc_reg_finalize(reg, st);
	if (r != 0)
		return r;
	tc_applicant_actor(*id, actor);
	return tc_registry_audit(reg, now, actor, "applicant.register", actor,
	    "{\"verified\":true,\"oidc\":true}", err, errlen);
}

#define IDENTITY_AAD_FMT "talentcard-applicant-v1:%lld"

/* The ID document of account id's identity, sealed, kept (schema 15). */
static int
seal_identity(struct tc_registry *reg, int64_t id, enum tc_id_type type,
    const char *number, char *err, size_t errlen)
{
	struct tc_buf sealed;
	char aad[64], text[TC_ID_MAX + 32];
	int r;

	snprintf(aad, sizeof(aad), IDENTITY_AAD_FMT, (long long)id);
	snprintf(text, sizeof(text), "%s:%s", tc_id_type_name(type), number);
	tc_buf_init(&sealed, 256);
	if ((r = tc_pii_seal(reg->keys.data_key, aad, (const uint8_t *)text,
		 strlen(text), &sealed)) != 0)
		r = tc_seterr(
		    err, errlen, r, "sealing the identity's ID number failed");
	else
		r = tc_reg_exec(reg,
		    "UPDATE applicants SET id_sealed = ?2 WHERE id = ?1",
		    "keeping the identity's ID number", err, errlen, "ib", id,
		    (const void *)sealed.data, sealed.len);
	OPENSSL_cleanse(text, sizeof(text));
	tc_buf_release(&sealed);
	return r;
}

int
tc_applicant_oidc(struct tc_registry *reg, const struct tc_applicant_oidc *idt,
    time_t now, struct tc_applicant *out, int *created, char *err,
    size_t errlen)
{
	uint8_t key[TC_PII_MAC_LEN], mac[TC_PII_MAC_LEN];
	char number[TC_ID_MAX];
	enum tc_id_type type;
	int64_t id = 0;
	int r, made = 0;

	if (reg == NULL || idt == NULL || idt->issuer == NULL ||
	    idt->sub == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(out, 0, sizeof(*out));
	if (idt->issuer[0] == '\0' || idt->sub[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the identity has no issuer or subject");
	if (idt->name == NULL || idt->name[0] == '\0' ||
	    idt->id_number == NULL || idt->id_number[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "the identity platform did not give the name and the ID number (check oidc-claims)");
	if ((r = name_check(idt->name, err, errlen)) != 0)
		return r;
	if (idt->id_type == NULL || idt->id_type[0] == '\0' ||
	    tc_app_id_type_parse(idt->id_type, &type) != 0)
		type = TC_ID_RESIDENT;
	if ((r = tc_id_normalise(
		 type, idt->id_number, now, number, err, errlen)) != 0)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "the identity's ID number is not a valid %s number",
		    tc_id_type_name(type));
	if (tc_pii_id_mac(reg->keys.pepper, number, mac) != 0) {
		r = tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "hashing the ID number failed");
		goto out;
	}
	if ((r = tc_reg_need_tx(
		 reg, "signing in with an identity", err, errlen)) != 0)
		goto out;
	if (oidc_key(idt->issuer, idt->sub, key) != 0) {
		r = tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "hashing the subject failed");
		goto out;
	}
	if ((r = oidc_account(
		 reg, key, idt->name, now, &id, &made, err, errlen)) != 0 ||
	    (r = tc_applicant_bind_person(reg, id, mac, err, errlen)) != 0 ||
	    (r = seal_identity(reg, id, type, number, err, errlen)) != 0 ||
	    (r = tc_applicant_get(reg, id, out, err, errlen)) != 0)
		goto out;
	if (out->disabled)
		r = tc_seterr(err, errlen, TC_ERR_AUTH,
		    "this account may no longer sign in");
	else if (created != NULL)
		*created = made;
out:
	OPENSSL_cleanse(number, sizeof(number));
	return r;
}

int
tc_applicant_identity(struct tc_registry *reg, int64_t id,
    enum tc_id_type *type, char number[TC_ID_MAX], char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	struct tc_buf plain;
	char aad[64], tname[32];
	const char *colon;
	int r;

	number[0] = '\0';
	if ((r = tc_reg_query(reg,
		 "SELECT id_sealed FROM applicants WHERE id = ?1 AND id_sealed IS NOT NULL",
		 &st, err, errlen, "i", id)) != 0 ||
	    (r = tc_reg_one_row(reg, st, "reading an account's identity", err,
		 errlen, "applicant account %lld has no identity document",
		 (long long)id)) != 0)
		return r;
	snprintf(aad, sizeof(aad), IDENTITY_AAD_FMT, (long long)id);
	tc_buf_init(&plain, TC_ID_MAX + 16);
	r = tc_pii_open(reg->keys.data_key, aad, sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), &plain, err, errlen);
	tc_reg_finalize(reg, st);
	colon = r == 0 ? memchr(plain.data, ':', plain.len) : NULL;
	if (r == 0 &&
	    (colon == NULL ||
		(size_t)(colon - (const char *)plain.data) >= sizeof(tname) ||
		plain.len - (size_t)(colon + 1 - (const char *)plain.data) >=
		    TC_ID_MAX))
		r = TC_ERR_MALFORMED;
	if (r == 0) {
		size_t k = (size_t)(colon - (const char *)plain.data);
		size_t n = plain.len - k - 1;

		memcpy(tname, plain.data, k);
		tname[k] = '\0';
		memcpy(number, colon + 1, n);
		number[n] = '\0';
		if (tc_id_type_parse(tname, type) != 0)
			r = TC_ERR_MALFORMED;
	}
	if (r == TC_ERR_MALFORMED) {
		OPENSSL_cleanse(number, TC_ID_MAX);
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "applicant account %lld: the sealed identity is out of shape",
		    (long long)id);
	}
	tc_buf_release(&plain);
	return r;
}
