/* SPDX-License-Identifier: MIT */
/*
 * Operators of the issuing authority in the registry (the operators table,
 * docs/registry.md): adding, reading, listing, disabling, setting the
 * passphrase hash, and authenticating an operator by name and passphrase
 * with a lockout after repeated failures. Roles are masks of
 * include/tcard/role.h; passphrase hashes are the strings of
 * include/tcard/passhash.h. The functions that change an operator need an
 * open transaction and an audit entry before commit, like every change
 * (include/tcard/registry.h). Details and reasons: docs/operators.md.
 */
#ifndef TCARD_OPERATOR_H
#define TCARD_OPERATOR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/organisation.h"
#include "tcard/registry.h"
#include "tcard/role.h"
#include "tcard/totp.h"

/* Longest operator name in bytes. */
#define TC_OPERATOR_NAME_MAX 64
/* Consecutive failed sign-ins that lock an operator, and for how long. */
#define TC_OPERATOR_MAX_FAILURES 5
#define TC_OPERATOR_LOCK_SECONDS (15 * 60)
/* The message of every refusal that must not reveal whether a name exists. */
#define TC_OPERATOR_AUTH_MSG "operator or passphrase wrong"

struct tc_operator {
	int64_t id;
	char name[TC_OPERATOR_NAME_MAX + 1];
	unsigned roles;	     /* mask of TC_ROLE_BIT(role) */
	int disabled;	     /* 1: may not sign in */
	int has_passphrase;  /* 0: no hash stored, cannot sign in */
	int failed_logins;   /* consecutive failures since the last success */
	time_t locked_until; /* locked while now < locked_until; 0: never */
	time_t created_at;
	time_t pass_changed_at; /* 0 when not known */
	/* The organisation the operator belongs to (schema step 8). */
	int64_t organisation; /* organisations.id */
	enum tc_org_kind org_kind;
	char org_code[TC_ORG_CODE_MAX + 1];
	int totp_enrolled; /* 1: sign-in needs a TOTP code too */
	int64_t totp_step; /* last accepted step, TC_TOTP_NO_STEP: none */
};

/*
 * Checks an operator name: 1 to TC_OPERATOR_NAME_MAX bytes of a-z, 0-9,
 * '.', '_' and '-', starting with a letter or digit, and not "system" (the
 * name the audit log uses for the programs themselves). Returns 0 or
 * TC_ERR_INVALID_ARG with a message saying which character is wrong.
 */
int tc_operator_name_check(const char *name, char *err, size_t errlen);

/* 1 when op is locked at time now, else 0. */
int tc_operator_locked(const struct tc_operator *op, time_t now);

/*
 * Adds an operator with the given roles (a nonzero mask of valid roles)
 * to the organisation with code organisation (NULL: TC_ORG_OFFICE_CODE,
 * the authority-wide talent office), with passphrase hash pass_hash (a
 * tc_passhash_make string, or NULL for an operator who cannot sign in
 * until a passphrase is set). Every role must fit the organisation's kind
 * (tc_org_roles_check). Needs an open transaction. Sets *id (may be NULL)
 * to the new row's id. Returns
 *   0;
 *   TC_ERR_INVALID_ARG  a bad name, no roles or an unknown role bit, or a
 *                       hash that is not a valid stored string;
 *   TC_ERR_NOT_FOUND    no organisation with that code;
 *   TC_ERR_POLICY       a role that does not fit the organisation's kind;
 *   TC_ERR_EXISTS       an operator with this name exists;
 *   TC_ERR_STATE        no transaction open;
 *   TC_ERR_DB, TC_ERR_DB_BUSY, TC_ERR_NOMEM.
 */
int tc_registry_operator_add(struct tc_registry *reg, const char *name,
    unsigned roles, const char *organisation, const char *pass_hash, time_t now,
    int64_t *id /* OUT */, char *err, size_t errlen);

/*
 * Reads the operator called name into *out. Returns 0; TC_ERR_NOT_FOUND;
 * TC_ERR_MALFORMED when a stored value has the wrong type or an unknown
 * role; a database error. On failure *out is zeroed. Never returns the
 * passphrase hash.
 */
int tc_registry_operator_get(struct tc_registry *reg, const char *name,
    struct tc_operator *out /* OUT */, char *err, size_t errlen);

/* Sets *n to the number of operators (disabled ones included). */
int tc_registry_operator_count(
    struct tc_registry *reg, int64_t *n /* OUT */, char *err, size_t errlen);

/*
 * Calls fn for every operator in name order; op is valid during the call
 * only. A nonzero return from fn stops the listing and is returned.
 * Returns 0, fn's value, TC_ERR_MALFORMED (a stored row out of shape) or a
 * database error.
 */
int tc_registry_operator_list(struct tc_registry *reg,
    int (*fn)(const struct tc_operator *op, void *arg), void *arg, char *err,
    size_t errlen);

/*
 * Disables (disabled = 1) or enables (0) an operator. Needs an open
 * transaction. Refuses to disable the last enabled admin who has a
 * passphrase: nobody could then add or enable operators. Returns 0;
 * TC_ERR_NOT_FOUND; TC_ERR_STATE (no transaction, or the operator is
 * already in that state: the message says which); TC_ERR_POLICY (the last
 * admin); TC_ERR_INVALID_ARG; a database error.
 */
int tc_registry_operator_set_disabled(struct tc_registry *reg, const char *name,
    int disabled, char *err, size_t errlen);

/*
 * Replaces an operator's passphrase hash (a valid tc_passhash_make string),
 * sets its change time to now and clears the failure count and any lock.
 * Needs an open transaction. Returns 0, TC_ERR_NOT_FOUND,
 * TC_ERR_INVALID_ARG (hash not valid), TC_ERR_STATE or a database error.
 */
int tc_registry_operator_set_pass_hash(struct tc_registry *reg,
    const char *name, const char *pass_hash, time_t now, char *err,
    size_t errlen);

/*
 * Authenticates operator name with passphrase pass at time now and, on
 * success, reads it into *out. Must be called outside a transaction: it
 * records what it must in transactions of its own, so that failures count
 * even when the caller then gives up.
 *
 *  - An unknown name, a wrong passphrase, an operator without a passphrase
 *    and a locked operator all give TC_ERR_AUTH with the same message,
 *    TC_OPERATOR_AUTH_MSG, and cost one passphrase hash, so the answer does
 *    not reveal whether the name exists.
 *  - A wrong passphrase for an existing operator adds one to its failure
 *    count and writes an audit entry ("operator.auth-fail"); the
 *    TC_OPERATOR_MAX_FAILURES-th consecutive failure locks it until
 *    now + TC_OPERATOR_LOCK_SECONDS ("operator.lock"). While locked, the
 *    passphrase is not even checked (so guessing gains nothing) and each
 *    attempt is audited. After the lock runs out, counting starts again.
 *  - A disabled operator gets TC_ERR_AUTH with "operator NAME is disabled",
 *    but only after a correct passphrase.
 *  - Success clears a failure count or lock ("operator.login" entry), and
 *    replaces a hash weaker than the current cost by a new one
 *    ("operator.rehash"; tc_passhash_needs_rehash).
 * Returns 0, TC_ERR_AUTH, TC_ERR_STATE (inside a transaction),
 * TC_ERR_MALFORMED (the operator's stored hash or row is altered: err
 * names the operator), TC_ERR_INVALID_ARG, TC_ERR_CRYPTO, TC_ERR_NOMEM or
 * a database error. On failure *out is zeroed.
 */
int tc_registry_operator_auth(struct tc_registry *reg, const char *name,
    const char *pass, time_t now, struct tc_operator *out /* OUT */, char *err,
    size_t errlen);

/*
 * Sign-in with both factors: as tc_registry_operator_auth, and, when the
 * operator is enrolled in TOTP (totp_enrolled), the code otp checked by
 * tc_totp_check against the sealed secret and the last accepted step. A
 * missing, wrong or replayed code is a failure like a wrong passphrase: it
 * counts toward the lockout, is audited ("operator.auth-fail", detail
 * "factor":"totp") and gives TC_ERR_AUTH with TC_OPERATOR_AUTH_MSG; the
 * code is checked only after a correct passphrase. The accepted step is
 * stored in the transaction that records the success, so a code works
 * once. otp is ignored (may be NULL) for an operator not enrolled.
 * tc_registry_operator_auth is this function with otp NULL: an enrolled
 * operator cannot sign in with the passphrase alone. Returns as
 * tc_registry_operator_auth, and TC_ERR_DECRYPT / TC_ERR_MALFORMED when
 * the stored secret does not open (another data key, an altered row: err
 * names the operator).
 */
int tc_registry_operator_login(struct tc_registry *reg, const char *name,
    const char *pass, const char *otp, time_t now,
    struct tc_operator *out /* OUT */, char *err, size_t errlen);

/*
 * tc_registry_operator_login with flags: TC_OPERATOR_LOGIN_LOCAL checks
 * the code of an enrolled operator in the window but neither refuses a
 * code already used nor stores its step. For tcard-issuer's --as on the
 * machine that holds the keys (docs/operators.md "Second factor"): the
 * code confirms the person; the replay rule protects codes that cross a
 * network, so tcard-issuerd never sets the flag.
 */
#define TC_OPERATOR_LOGIN_LOCAL 1u
int tc_registry_operator_login_flags(struct tc_registry *reg, const char *name,
    const char *pass, const char *otp, unsigned flags, time_t now,
    struct tc_operator *out /* OUT */, char *err, size_t errlen);

/*
 * Enrols operator name in TOTP: a new random secret, sealed under the
 * data key (AAD bound to the operator's id) and stored with the last step
 * reset to TC_TOTP_NO_STEP; an earlier secret is replaced. Writes the
 * Base32 secret to secret_b32 for the enrolment URI (tc_totp_uri); the
 * caller shows it to the operator only and wipes it. Needs an open
 * transaction; writes the audit entry "operator.totp-enrol" (subject the
 * operator, by actor; never the secret). Returns 0, TC_ERR_NOT_FOUND,
 * TC_ERR_STATE, TC_ERR_CRYPTO, TC_ERR_INVALID_ARG or a database error; on
 * failure secret_b32 is "".
 */
int tc_registry_operator_totp_enrol(struct tc_registry *reg, const char *name,
    const char *actor, time_t now,
    char secret_b32[TC_TOTP_SECRET_B32_LEN + 1] /* OUT */, char *err,
    size_t errlen);

/*
 * Puts operator name in the organisation with code org (roles checked as
 * by tc_registry_operator_add). Needs an open transaction; the caller
 * audits. Returns 0, TC_ERR_NOT_FOUND, TC_ERR_POLICY, TC_ERR_STATE or a
 * database error.
 */
int tc_registry_operator_set_org(struct tc_registry *reg, const char *name,
    const char *org, char *err, size_t errlen);

#endif
