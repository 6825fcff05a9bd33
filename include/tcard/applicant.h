/* SPDX-License-Identifier: MIT */
/*
 * Applicants' own accounts (issue 16; src/registry/applicant.c; the
 * table of migration step 12, docs/portal.md): the portal's local sign-in
 * for authorities without an identity platform, and the embedded default.
 * An account has a login (an e-mail address, lower-cased, or a mobile
 * number of digits with an optional leading '+'), a password hashed as
 * operators' passphrases are (src/passhash.c), a sign-in lock after
 * TC_APPLICANT_MAX_FAILURES failures in a row, and once it has applied,
 * the MAC of the one person it applies for (tc_applicant_bind_person).
 * An applicant acts in the library through a struct tc_app_ctx whose
 * applicant is the account's id and operator_name its actor name
 * ("applicant:ID", tc_applicant_actor): it may create, change, attach,
 * submit and withdraw its own applications and see only those.
 */
#ifndef TCARD_APPLICANT_H
#define TCARD_APPLICANT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/id.h"
#include "tcard/pii.h"

struct tc_registry;

#define TC_APPLICANT_LOGIN_MAX	  254
#define TC_APPLICANT_NAME_MAX	  240 /* bytes of the display name */
#define TC_APPLICANT_MAX_FAILURES 5
#define TC_APPLICANT_LOCK_SECONDS 900
#define TC_APPLICANT_ACTOR_MAX	  32 /* "applicant:" and the id */
/* A one-time token: 32 random bytes as base64url (43 characters). */
#define TC_APPLICANT_TOKEN_LEN	    43
#define TC_APPLICANT_VERIFY_SECONDS (3 * 24 * 3600)
#define TC_APPLICANT_RESET_SECONDS  3600

struct tc_applicant {
	int64_t id;
	char login[TC_APPLICANT_LOGIN_MAX + 1];
	char name[TC_APPLICANT_NAME_MAX + 1];
	char language[3]; /* "zh" or "en" */
	int verified;	  /* the login was confirmed (its e-mail link) */
	int has_person;	  /* id_mac holds the person it applies for */
	uint8_t id_mac[TC_PII_MAC_LEN];
	int disabled;
	int failed_logins;
	time_t locked_until;
	time_t created_at;
	int oidc; /* signs in through the identity platform, no password */
};

enum tc_applicant_token_purpose {
	TC_APPLICANT_TOKEN_VERIFY = 1, /* confirms the login's e-mail */
	TC_APPLICANT_TOKEN_RESET,      /* sets a new password */
};

/*
 * Normalises a login as typed into out (TC_APPLICANT_LOGIN_MAX + 1
 * bytes): an e-mail address (ASCII, one '@', a dot in the domain;
 * lower-cased) sets *email to 1; a mobile number (6 to 15 digits after
 * an optional '+'; spaces and hyphens dropped) sets it to 0. Returns 0 or
 * TC_ERR_INVALID_ARG with err saying what is wrong (never the value).
 */
int tc_applicant_login_norm(const char *in, char *out /* OUT */,
    int *email /* OUT, may be NULL */, char *err, size_t errlen);

/* "applicant:ID" into out (TC_APPLICANT_ACTOR_MAX bytes). */
void tc_applicant_actor(int64_t id, char out[TC_APPLICANT_ACTOR_MAX]);

/*
 * Creates an account in the caller's transaction: login normalised, the
 * password checked by tc_passhash_policy and hashed, name (may be "" or
 * NULL; at most TC_APPLICANT_NAME_MAX bytes, no control characters),
 * language "zh" or "en" (NULL: zh), verified as given (the demo's
 * accounts; the portal's registrations start unverified). Audited
 * "applicant.register" (the id only). Sets *id. Returns 0;
 * TC_ERR_EXISTS (the login is taken); TC_ERR_INVALID_ARG, the errors of
 * tc_passhash_make; TC_ERR_STATE (no transaction); a database error.
 */
int tc_applicant_register(struct tc_registry *reg, const char *login,
    const char *password, const char *name, const char *language, int verified,
    time_t now, int64_t *id /* OUT */, char *err, size_t errlen);

/* Reads account id. Returns 0, TC_ERR_NOT_FOUND or a database error. */
int tc_applicant_get(struct tc_registry *reg, int64_t id,
    struct tc_applicant *out /* OUT */, char *err, size_t errlen);

/*
 * Signs in with login and password, in transactions of its own as
 * tc_registry_operator_login does: a wrong password counts a failure,
 * TC_APPLICANT_MAX_FAILURES in a row lock the account for
 * TC_APPLICANT_LOCK_SECONDS; a locked, disabled or unknown account is
 * refused with the same message and after the same work as a wrong
 * password. Returns 0 with *out; TC_ERR_AUTH; a database error.
 */
int tc_applicant_login(struct tc_registry *reg, const char *login,
    const char *password, time_t now, struct tc_applicant *out /* OUT */,
    char *err, size_t errlen);

/*
 * Binds account id to the person whose ID MAC is mac, in the caller's
 * transaction: the first application does; later ones must be for the
 * same person. Returns 0; TC_ERR_POLICY (another person: an account
 * applies for its holder only); TC_ERR_NOT_FOUND; a database error.
 */
int tc_applicant_bind_person(struct tc_registry *reg, int64_t id,
    const uint8_t mac[TC_PII_MAC_LEN], char *err, size_t errlen);

/*
 * Makes a one-time token of purpose for account id, valid until now plus
 * TC_APPLICANT_VERIFY_SECONDS or TC_APPLICANT_RESET_SECONDS, in the
 * caller's transaction; earlier tokens of the same purpose end. Only its
 * SHA-256 is stored. token: TC_APPLICANT_TOKEN_LEN + 1 bytes. Returns 0,
 * TC_ERR_CRYPTO or a database error.
 */
int tc_applicant_token_new(struct tc_registry *reg, int64_t id,
    enum tc_applicant_token_purpose purpose, time_t now,
    char token[TC_APPLICANT_TOKEN_LEN + 1] /* OUT */, char *err, size_t errlen);

/*
 * Uses a token of purpose, in the caller's transaction: verify marks the
 * account verified; reset sets password (checked and hashed as at
 * registration; NULL for verify) and clears a lock. The token ends.
 * Sets *id (may be NULL). Returns 0; TC_ERR_NOT_FOUND (unknown, used,
 * expired or of the other purpose: one message); the password's errors;
 * a database error.
 */
int tc_applicant_token_use(struct tc_registry *reg, const char *token,
    enum tc_applicant_token_purpose purpose, const char *password, time_t now,
    int64_t *id /* OUT */, char *err, size_t errlen);

/*
 * The id of the account with login (normalised first), or 0 when none
 * (also for a login that does not normalise). Returns 0 or a database
 * error.
 */
int tc_applicant_find(struct tc_registry *reg, const char *login,
    int64_t *id /* OUT */, char *err, size_t errlen);

/* Who the identity platform says signed in (tc_applicant_oidc). */
struct tc_applicant_oidc {
	const char *issuer;    /* the configured issuer */
	const char *sub;       /* the ID token's subject */
	const char *name;      /* the name claim */
	const char *id_type;   /* the ID type claim (NULL, "": resident) */
	const char *id_number; /* the ID number claim, plain */
};

/*
 * The account of an identity from the platform (docs/oidc.md, "In the
 * office"), in the caller's transaction: found by the SHA-256 of issuer,
 * a NUL and sub (never sub itself), or created verified, without a
 * password (a password sign-in is impossible), with the login "oidc:"
 * and 16 hex digits of that hash; its name set to the name claim; bound
 * to the person of the ID number (normalised as its type says; a type
 * the registry does not know counts as resident) with
 * tc_applicant_bind_person, so that an account whose person is another
 * is refused. The plain number is not stored. Sets *out and *created
 * (may be NULL: 1 when the account is new). Returns 0; TC_ERR_POLICY
 * (the name or the ID number missing or invalid, another person);
 * TC_ERR_AUTH (a disabled account); TC_ERR_INVALID_ARG; TC_ERR_STATE (no
 * transaction); a database error.
 */
int tc_applicant_oidc(struct tc_registry *reg,
    const struct tc_applicant_oidc *idt, time_t now,
    struct tc_applicant *out /* OUT */, int *created /* OUT */, char *err,
    size_t errlen);

/*
 * The ID document of account id as its identity platform gave it at the
 * last sign-in (tc_applicant_oidc keeps it sealed): its type into *type
 * and the number into number (the caller wipes it). Returns 0,
 * TC_ERR_NOT_FOUND (no such account, or none kept: a password account),
 * TC_ERR_DECRYPT, TC_ERR_MALFORMED or a database error.
 */
int tc_applicant_identity(struct tc_registry *reg, int64_t id,
    enum tc_id_type *type /* OUT */, char number[TC_ID_MAX] /* OUT */,
    char *err, size_t errlen);

#endif
