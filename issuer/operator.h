/* SPDX-License-Identifier: MIT */
/*
 * The acting operator of a tcard-issuer command: reading passphrases (a
 * prompt on the terminal without echo, or an environment variable for
 * scripts, never a command-line argument), authenticating `--as NAME`
 * against the registry and checking roles. Every command that changes the
 * registry takes --as NAME and calls tc_issuer_authenticate before its
 * transaction, then tc_issuer_operator_recheck inside it. Failures are
 * printed (tc_cli_fail) and returned as exit statuses.
 * docs/operators.md describes the rules.
 */
#ifndef TCARD_ISSUER_OPERATOR_H
#define TCARD_ISSUER_OPERATOR_H

#include <stddef.h>
#include <time.h>

#include "tcard/operator.h"
#include "tcard/passhash.h"
#include "tcard/registry.h"

/* The environment variable with the acting operator's passphrase. */
#define TC_ISSUER_PASS_ENV "TCARD_PASSPHRASE"
/* The environment variable with the acting operator's TOTP code. */
#define TC_ISSUER_OTP_ENV "TCARD_OTP"
/* The environment variable that lowers the scrypt cost (tests, demo). */
#define TC_ISSUER_COST_ENV "TCARD_SCRYPT_LN"
/* Room for a passphrase and its NUL (longer ones are refused). */
#define TC_ISSUER_PASS_MAX (TC_PASSHASH_MAX_BYTES + 1)

/*
 * Applies $TCARD_SCRYPT_LN, if set, to the cost of new passphrase hashes
 * (tc_passhash_set_cost), warning once on stderr when it is below the
 * default. Returns TC_EXIT_OK, or TC_EXIT_USAGE (printed) when the value
 * is not a number in range.
 */
int tc_issuer_passhash_setup(void);

/*
 * Refuses --passphrase, --password and similar options anywhere in argv
 * (before "--"): a passphrase in an argument is visible to other users in
 * ps and /proc and stays in shell history. Prints why and what to use
 * instead, without repeating the value. Returns TC_EXIT_OK or
 * TC_EXIT_USAGE. Commands name it as their struct tc_cmd argcheck, so the
 * dispatcher calls it before it parses the options (common/cli.h); the
 * dispatcher never echoes a mistyped option with its value.
 */
int tc_issuer_refuse_secret_args(int argc, char **argv);

/*
 * Reads a passphrase into buf (buflen bytes, TC_ISSUER_PASS_MAX is
 * enough). When env is not NULL and that environment variable is set, its
 * value is used; otherwise prompt is written to the terminal (/dev/tty)
 * and a line is read with echo off; with confirm the prompt is repeated as
 * "Repeat: " and both must match. A signal during the prompt restores the
 * terminal first. Returns TC_EXIT_OK, or an exit status after printing
 * why (no terminal and no variable, an empty passphrase, too long, the two
 * entries differ). The caller wipes buf (OPENSSL_cleanse).
 */
int tc_issuer_read_passphrase(const char *prompt, const char *env, int confirm,
    char *buf /* OUT */, size_t buflen);

/*
 * Authenticates operator name with passphrase pass at the command's time
 * (tc_cli_now) and checks that it holds at least one of the roles in
 * required_any (a mask of TC_ROLE_BIT; 0: any operator). On success *out
 * is the operator. Returns TC_EXIT_OK, or an exit status after printing
 * the reason: 1 for a wrong passphrase, an unknown, disabled or locked
 * operator (one message for the first ones, which does not reveal names)
 * or a missing role; 3 for a database failure.
 */
int tc_issuer_authenticate_with(struct tc_registry *reg, const char *name,
    const char *pass, unsigned required_any, struct tc_operator *out /* OUT */);

/*
 * The usual way: as_name is the --as argument (NULL gives a usage error
 * saying that --as NAME is needed). Reads the passphrase from
 * $TCARD_PASSPHRASE or a prompt, then as tc_issuer_authenticate_with. Call
 * it before tc_registry_begin.
 */
int tc_issuer_authenticate(struct tc_registry *reg, const char *as_name,
    unsigned required_any, struct tc_operator *out /* OUT */);

/*
 * Inside the command's transaction: reads the acting operator again and
 * checks that it is still enabled and still holds one of required_any, so
 * that an operator disabled between sign-in and the change cannot act.
 * Returns TC_EXIT_OK or an exit status after printing why.
 */
int tc_issuer_operator_recheck(struct tc_registry *reg,
    const struct tc_operator *op, unsigned required_any);

/*
 * The start of a change to the registry by an admin (organisation add,
 * operator totp, operator disable and enable): as (the --as argument) is
 * needed, then the home (home_opt or $TCARD_HOME) and the clock into
 * *now, and, with hashing, $TCARD_SCRYPT_LN (tc_issuer_passhash_setup);
 * the registry is opened into *reg, as is authenticated with the admin
 * role, a transaction begun and the role checked again inside it. Returns
 * TC_EXIT_OK, the caller then ending with tc_issuer_commit and closing
 * *reg; or an exit status after printing why, nothing left open (*reg is
 * NULL).
 */
int tc_issuer_admin_begin(const char *home_opt, const char *as, int hashing,
    struct tc_registry **reg /* OUT */, struct tc_operator *actor /* OUT */,
    time_t *now /* OUT */);

/*
 * Ends a transaction: commits when status is TC_EXIT_OK (a failed commit
 * is printed), else rolls back. Returns the exit status.
 */
int tc_issuer_commit(struct tc_registry *reg, int status);

/*
 * Formats the roles of mask for a message ("admin", "approver or
 * leadership-group") into out (TC_ROLES_TEXT_MAX * 2 is enough).
 */
void tc_issuer_roles_text(
    unsigned mask, const char *sep, char *out, size_t outlen);

/*
 * The audit detail of operator.add, {"roles": [...]} with, for the first
 * operator, "bootstrap" and the "os_user" who made it, and "demo" for the
 * demo's operators: 'operator add' and 'demo' write it alike. A string
 * the caller frees, or NULL when out of memory.
 */
char *tc_issuer_roles_detail(unsigned roles, int bootstrap, int demo);

#endif
