/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer operator add, list, disable, enable and passwd: the
 * authority's operators, their roles and passphrases (src/registry/operator.c,
 * src/passhash.c). Passphrases come from a prompt without echo or from an
 * environment variable, never from an argument. Every change is made by an
 * authenticated operator (--as NAME) and audited in the same transaction;
 * the first operator, which must be an admin, is added without --as.
 * docs/operators.md describes the rules and why.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "home.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/operator.h"
#include "tcard/passhash.h"
#include "tcard/registry.h"
#include "tcard/role.h"

#define ENV_SECTION                                                                   \
	"ENVIRONMENT\n"                                                               \
	"    TCARD_HOME        default home directory\n"                              \
	"    TCARD_PASSPHRASE  the acting operator's passphrase, instead of the\n"    \
	"                      prompt. Any process of the same user can read a\n"     \
	"                      process's environment (/proc/PID/environ): use it\n"   \
	"                      only in scripts run by a dedicated account.\n"         \
	"    TCARD_SCRYPT_LN   lower the scrypt cost of new passphrase hashes\n"      \
	"                      (default 15) for tests and demonstrations only;\n"     \
	"                      a warning is printed below 15.\n"                      \
	"    TCARD_NOW         test builds: injected clock (the audit time and the\n" \
	"                      lockout).\n"

#define PASS_SECTION                                                                  \
	"PASSPHRASES\n"                                                               \
	"    A passphrase is never taken from a command-line argument: other users\n" \
	"    can read arguments (ps, /proc) and they stay in shell history;\n"        \
	"    --passphrase and --password are refused. It is typed at a prompt on\n"   \
	"    the terminal with echo off, or, in scripts, taken from an environment\n" \
	"    variable. A new passphrase has at least 12 characters (Unicode code\n"   \
	"    points, after NFKC normalisation) and at most 1024 bytes of UTF-8;\n"    \
	"    a few unrelated words make a good one. It is stored only as a salted\n"  \
	"    scrypt hash. After 5 wrong passphrases in a row an operator is locked\n" \
	"    for 15 minutes (an admin's 'operator passwd' lifts the lock).\n"

const char tc_issuer_operator_add_help[] =
    "NAME\n"
    "    tcard-issuer operator add - add an operator with roles\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer operator add NAME --role ROLE[,ROLE...] [--as ADMIN]\n"
    "                 [--organisation CODE] [--passphrase-env VAR] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Adds operator NAME with the given roles and a passphrase. NAME is\n"
    "    1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a\n"
    "    letter or digit ('system' is reserved). The roles are:\n"
    "        unit-reviewer      reviews applications for the applicant's unit\n"
    "        industry-reviewer  reviews for the industry authority\n"
    "        hr-reviewer        reviews for the talent/HR bureau\n"
    "        approver           approves applications\n"
    "        leadership-group   approves the tiers that need the group\n"
    "        card-producer      personalises and prints cards\n"
    "        card-issuer        issues, suspends and revokes cards\n"
    "        auditor            reads and verifies the audit log\n"
    "        admin              manages operators\n"
    "\n"
    "    Every operator belongs to one organisation ('tcard-issuer organisation\n"
    "    list'), and its roles must fit the organisation's kind:\n"
    "        unit-reviewer                    unit\n"
    "        industry-reviewer                industry\n"
    "        hr-reviewer                      district, city\n"
    "        approver, leadership-group       talent-office, city\n"
    "        card-producer                    bank-branch, talent-office\n"
    "        card-issuer                      talent-office, city, bank-branch\n"
    "        auditor, admin                   talent-office\n"
    "    Without --organisation the operator joins 'office', the authority-wide\n"
    "    talent office every registry has; a unit reviewer, an industry or a\n"
    "    district reviewer must name theirs.\n"
    "\n"
    "    The acting operator (--as) must have the admin role; it is asked for\n"
    "    its own passphrase first, then for the new operator's (twice).\n"
    "\n"
    "    Bootstrap: while the registry has no operators at all, the first\n"
    "    'operator add' runs without --as, and must give the new operator the\n"
    "    admin role. Its audit entry names 'system' and the system user who\n"
    "    ran it. From then on, every change needs --as.\n"
    "\n"
    "    The change and its audit entry 'operator.add' (detail: the roles)\n"
    "    are written in one transaction.\n"
    "\n" PASS_SECTION "\n"
    "OPTIONS\n"
    "    --role LIST           comma-separated roles (may be repeated)\n"
    "    --organisation CODE   the operator's organisation (default: office);\n"
    "                          a unit's code is its unified social credit code\n"
    "    --as ADMIN            the acting operator (not for the first one)\n"
    "    --passphrase-env VAR  read the new operator's passphrase from the\n"
    "                          environment variable VAR instead of the prompt\n"
    "    --home DIR            the authority's home directory\n"
    "    --help                show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 added; 1 refused (the name exists, authentication failed, not an\n"
    "    admin, the passphrase is too short); 2 usage error (also for\n"
    "    --passphrase); 3 no keys, no registry or a database error;\n"
    "    4 internal error.\n"
    "\n" ENV_SECTION "\n"
    "EXAMPLES\n"
    "    tcard-issuer operator add ada --role admin,auditor\n"
    "    tcard-issuer operator add wang.li --role unit-reviewer \\\n"
    "        --organisation 91440101MA59TEST0X --as ada\n"
    "    NEWPASS=... TCARD_PASSPHRASE=... tcard-issuer operator add li.na \\\n"
    "        --role approver --as ada --passphrase-env NEWPASS\n";

const char tc_issuer_operator_list_help[] =
    "NAME\n"
    "    tcard-issuer operator list - show the operators\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer operator list [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints one line per operator, in name order:\n"
    "        NAME  ROLES  ORGANISATION  STATUS  CREATED\n"
    "    STATUS is 'active', 'disabled', 'locked until TIME' or 'no\n"
    "    passphrase'. Passphrase hashes are never shown.\n"
    "\n"
    "OPTIONS\n"
    "    --json       print a JSON array of {\"name\", \"roles\" (array),\n"
    "                 \"organisation\" (its code), \"totp\" (enrolled), \"disabled\",\n"
    "                 \"locked_until\" (null or ISO time), \"failed_logins\",\n"
    "                 \"has_passphrase\", \"created\", \"passphrase_changed\"}\n"
    "    --home DIR   the authority's home directory\n"
    "    --help       show this page\n"
    "\n" TC_ISSUER_LIST_EXIT "\n"
    "EXAMPLES\n"
    "    tcard-issuer operator list\n"
    "    tcard-issuer operator list --json\n";

/* The OPTIONS section of disable and enable. */
#define ADMIN_OPTIONS                                                          \
	"OPTIONS\n"                                                            \
	"    --as ADMIN   the acting operator, with the admin role\n"          \
	"    --home DIR   the authority's home directory\n"                    \
	"    --help       show this page\n"

const char tc_issuer_operator_disable_help[] =
    "NAME\n"
    "    tcard-issuer operator disable - stop an operator from acting\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer operator disable NAME --as ADMIN [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Disables operator NAME: it can no longer authenticate, so it can no\n"
    "    longer change anything. Its row and its audit entries stay. The last\n"
    "    enabled admin cannot be disabled (nobody could manage operators\n"
    "    afterwards). 'operator enable' undoes it. Audit entry:\n"
    "    'operator.disable'.\n"
    "\n" ADMIN_OPTIONS "\n"
    "EXIT STATUS\n"
    "    0 disabled; 1 refused (unknown operator, already disabled, the last\n"
    "    admin, authentication failed, not an admin); 2 usage error; 3 no\n"
    "    keys, no registry or a database error; 4 internal error.\n"
    "\n" ENV_SECTION "\n"
    "EXAMPLES\n"
    "    tcard-issuer operator disable wang.li --as ada\n";

const char tc_issuer_operator_enable_help[] =
    "NAME\n"
    "    tcard-issuer operator enable - let a disabled operator act again\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer operator enable NAME --as ADMIN [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Enables operator NAME again after 'operator disable'. Audit entry:\n"
    "    'operator.enable'.\n"
    "\n" ADMIN_OPTIONS "\n"
    "EXIT STATUS\n"
    "    0 enabled; 1 refused (unknown operator, not disabled,\n"
    "    authentication failed, not an admin); 2 usage error; 3 no keys, no\n"
    "    registry or a database error; 4 internal error.\n"
    "\n" ENV_SECTION "\n"
    "EXAMPLES\n"
    "    tcard-issuer operator enable wang.li --as ada\n";

const char tc_issuer_operator_passwd_help[] =
    "NAME\n"
    "    tcard-issuer operator passwd - change an operator's passphrase\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer operator passwd NAME [--as ADMIN] [--passphrase-env VAR]\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Without --as (or with --as NAME), operator NAME changes its own\n"
    "    passphrase: it is asked for the current one, then for the new one\n"
    "    (twice), which must differ. With --as ADMIN, an admin resets another\n"
    "    operator's passphrase (a forgotten one, or after a lockout): the\n"
    "    admin's passphrase is asked, then the new one. A new passphrase also\n"
    "    clears the failure count and any lock. A disabled operator stays\n"
    "    disabled. Audit entry: 'operator.passwd' (detail: whether it was a\n"
    "    reset).\n"
    "\n" PASS_SECTION "\n"
    "OPTIONS\n"
    "    --as ADMIN            reset as this admin\n"
    "    --passphrase-env VAR  read the new passphrase from the environment\n"
    "                          variable VAR instead of the prompt (the current\n"
    "                          or admin passphrase comes from the prompt or\n"
    "                          $TCARD_PASSPHRASE)\n"
    "    --home DIR            the authority's home directory\n"
    "    --help                show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 changed; 1 refused (authentication failed, not an admin, unknown\n"
    "    operator, the new passphrase is too short or unchanged); 2 usage\n"
    "    error; 3 no keys, no registry or a database error; 4 internal error.\n"
    "\n" ENV_SECTION "\n"
    "EXAMPLES\n"
    "    tcard-issuer operator passwd wang.li\n"
    "    tcard-issuer operator passwd wang.li --as ada\n";

#define ADMIN TC_ROLE_BIT(TC_ROLE_ADMIN)

struct args {
	const char *home_opt;
	const char *as;
	const char *pass_env;
	const char *name;
	const char *org;
	unsigned roles;
	int json;
};

/* The options of each command (docs/operators.md). */
/*
 * Reads what the dispatcher parsed (want: 'r' for --role, 'e' for
 * --passphrase-env) and nname positional names (0 or 1), and checks the
 * names.
 */
static int
read_args(const struct tc_args *ta, const char *want, int nname,
    struct args *a /* OUT */)
{
	const char *v;
	char err[512];
	unsigned m;
	int cursor = 0;

	memset(a, 0, sizeof(*a));
	a->home_opt = ta->home;
	a->as = ta->as;
	a->json = ta->json;
	if (strchr(want, 'e') != NULL)
		a->pass_env = tc_args_get(ta, "passphrase-env");
	if (strchr(want, 'o') != NULL)
		a->org = tc_args_get(ta, "organisation");
	while (strchr(want, 'r') != NULL &&
	    (v = tc_args_next(ta, "role", &cursor)) != NULL) {
		if (tc_roles_parse(v, &m, err, sizeof(err)) != 0)
			return tc_cli_usage("--role: %s", err);
		a->roles |= m;
	}
	if (ta->argc != nname) {
		if (ta->argc < nname)
			return tc_cli_usage("the operator NAME is missing");
		return tc_cli_usage(
		    "unexpected argument '%.64s'", ta->argv[nname]);
	}
	if (nname == 1) {
		a->name = ta->argv[0];
		if (tc_operator_name_check(a->name, err, sizeof(err)) != 0)
			return tc_cli_usage("%s", err);
	}
	if (a->as != NULL &&
	    tc_operator_name_check(a->as, err, sizeof(err)) != 0)
		return tc_cli_usage("--as: %s", err);
	if (a->pass_env != NULL && getenv(a->pass_env) == NULL)
		return tc_cli_usage(
		    "--passphrase-env %.64s: no such environment variable is set",
		    a->pass_env);
	return TC_EXIT_OK;
}

/*
 * Opens the home's registry after the common checks; hashing commands also
 * apply $TCARD_SCRYPT_LN.
 */
static int
open_home(
    const struct args *a, int hashing, struct tc_registry **reg, time_t *now)
{
	const char *home;
	int status;

	*reg = NULL;
	if ((home = tc_cli_home(a->home_opt)) == NULL)
		return TC_EXIT_USAGE;
	if ((*now = tc_cli_now()) == (time_t)-1)
		return TC_EXIT_USAGE;
	if (hashing && (status = tc_issuer_passhash_setup()) != TC_EXIT_OK)
		return status;
	return tc_issuer_open(home, NULL, reg, 0);
}

/*
 * Reads a new passphrase for operator name (prompt twice, or the variable
 * of --passphrase-env) and hashes it into hash.
 */
static int
new_hash(const struct args *a, const char *name, char *pass, size_t passlen,
    char *hash, size_t hashlen)
{
	char prompt[TC_OPERATOR_NAME_MAX + 64], err[512] = "";
	int r, status;

	snprintf(
	    prompt, sizeof(prompt), "New passphrase for operator %s: ", name);
	if ((status = tc_issuer_read_passphrase(prompt, a->pass_env,
		 a->pass_env == NULL ? 1 : 0, pass, passlen)) != TC_EXIT_OK)
		return status;
	if ((r = tc_passhash_make(pass, hash, hashlen, err, sizeof(err))) != 0)
		return tc_cli_fail(r, "new passphrase", err);
	return TC_EXIT_OK;
}

int
tc_issuer_operator_add_run(const struct tc_args *ta)
{
	struct tc_registry *reg = NULL;
	struct tc_operator actor;
	struct args a;
	char pass[TC_ISSUER_PASS_MAX] = "", hash[TC_PASSHASH_TEXT_MAX] = "";
	char err[512] = "", roles[TC_ROLES_TEXT_MAX], *detail = NULL;
	const char *who;
	int64_t count;
	time_t now;
	int r, status, bootstrap;

	if ((status = read_args(ta, "Hareo", 1, &a)) != TC_EXIT_OK)
		return status;
	if (a.roles == 0)
		return tc_cli_usage(
		    "give the roles with --role ROLE[,ROLE...]");
	if ((status = open_home(&a, 1, &reg, &now)) != TC_EXIT_OK)
		return status;
	if ((r = tc_registry_operator_count(reg, &count, err, sizeof(err))) !=
	    0) {
		status = tc_cli_fail(r, "operators", err);
		goto out;
	}
	bootstrap = count == 0;
	if (bootstrap) {
		if (a.as != NULL) {
			status = tc_cli_usage(
			    "there are no operators yet, so there is no one to act as: the first 'operator add' runs without --as");
			goto out;
		}
		if (!(a.roles & ADMIN)) {
			status = tc_cli_fail(TC_ERR_POLICY, "bootstrap",
			    "the first operator must have the admin role (--role admin,...): only an admin can add the others");
			goto out;
		}
		who = "system";
	} else {
		if (a.as == NULL) {
			status = tc_cli_usage(
			    "give --as NAME: an operator with the admin role adds operators");
			goto out;
		}
		if ((status = tc_issuer_authenticate(
			 reg, a.as, ADMIN, &actor)) != TC_EXIT_OK)
			goto out;
		who = actor.name;
	}
	if ((status = new_hash(&a, a.name, pass, sizeof(pass), hash,
		 sizeof(hash))) != TC_EXIT_OK)
		goto out;
	if ((detail = tc_issuer_roles_detail(a.roles, bootstrap, 0)) == NULL) {
		status = tc_cli_fail(TC_ERR_NOMEM, "audit", NULL);
		goto out;
	}
	if ((r = tc_registry_begin(reg, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "registry", err);
		goto out;
	}
	if (bootstrap) {
		/* Another bootstrap may have won the race meanwhile. */
		if ((r = tc_registry_operator_count(
			 reg, &count, err, sizeof(err))) != 0)
			status = tc_cli_fail(r, "operators", err);
		else if (count != 0)
			status = tc_cli_fail(TC_ERR_STATE, "bootstrap",
			    "another operator was added meanwhile; run again with --as");
	} else
		status = tc_issuer_operator_recheck(reg, &actor, ADMIN);
	if (status == TC_EXIT_OK &&
	    ((r = tc_registry_operator_add(reg, a.name, a.roles, a.org, hash,
		  now, NULL, err, sizeof(err))) != 0 ||
		(r = tc_registry_audit(reg, now, who, "operator.add", a.name,
		     detail, err, sizeof(err))) != 0))
		status = tc_cli_fail(r, "operator add", err);
	if ((status = tc_issuer_commit(reg, status)) != TC_EXIT_OK)
		goto out;
	tc_roles_format(a.roles, roles, sizeof(roles));
	printf("operator %s added (roles: %s; organisation: %s)\n", a.name,
	    roles, a.org != NULL ? a.org : TC_ORG_OFFICE_CODE);
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	OPENSSL_cleanse(hash, sizeof(hash));
	free(detail);
	tc_registry_close(reg);
	return status;
}

struct list_state {
	json_t *array; /* NULL for text */
	time_t now;
	int failed;
};

static int
list_one(const struct tc_operator *op, void *arg)
{
	struct list_state *ls = arg;
	char roles[TC_ROLES_TEXT_MAX], created[32], changed[32], locked[32];
	char status[64];
	json_t *o, *arr;
	int i;

	tc_cli_utc(op->created_at, created);
	tc_cli_utc(op->pass_changed_at, changed);
	tc_cli_utc(op->locked_until, locked);
	if (ls->array == NULL) {
		tc_roles_format(op->roles, roles, sizeof(roles));
		if (op->disabled)
			snprintf(status, sizeof(status), "disabled");
		else if (!op->has_passphrase)
			snprintf(status, sizeof(status), "no passphrase");
		else if (tc_operator_locked(op, ls->now))
			snprintf(
			    status, sizeof(status), "locked until %s", locked);
		else
			snprintf(status, sizeof(status), "active");
		printf("%-20s  %-40s  %-18s  %-12s  %s\n", op->name,
		    roles[0] != '\0' ? roles : "-", op->org_code, status,
		    created);
		return 0;
	}
	if ((arr = json_array()) == NULL)
		goto fail;
	for (i = TC_ROLE_FIRST; i <= TC_ROLE_LAST; i++)
		if (op->roles & TC_ROLE_BIT(i))
			json_array_append_new(
			    arr, json_string(tc_role_name((enum tc_role)i)));
	o = json_pack("{s:s, s:o, s:s, s:b, s:b, s:o, s:i, s:b, s:s, s:o}",
	    "name", op->name, "roles", arr, "organisation", op->org_code,
	    "totp", op->totp_enrolled, "disabled", op->disabled, "locked_until",
	    tc_operator_locked(op, ls->now) ? json_string(locked) : json_null(),
	    "failed_logins", op->failed_logins, "has_passphrase",
	    op->has_passphrase, "created", created, "passphrase_changed",
	    op->pass_changed_at != 0 ? json_string(changed) : json_null());
	return tc_cli_json_collect(ls->array, o, &ls->failed);
fail:
	ls->failed = 1;
	return 1;
}

int
tc_issuer_operator_list_run(const struct tc_args *ta)
{
	struct tc_registry *reg = NULL;
	struct list_state ls = { NULL, 0, 0 };
	struct args a;
	char err[512] = "";
	int r, status;

	if ((status = read_args(ta, "Hj", 0, &a)) != TC_EXIT_OK)
		return status;
	if ((status = open_home(&a, 0, &reg, &ls.now)) != TC_EXIT_OK)
		return status;
	if ((status = tc_cli_list_start(a.json, &ls.array, "json",
		 "%-20s  %-40s  %-18s  %-12s  %s\n", "NAME", "ROLES",
		 "ORGANISATION", "STATUS", "CREATED")) != TC_EXIT_OK)
		goto out;
	r = tc_registry_operator_list(reg, list_one, &ls, err, sizeof(err));
	status = tc_cli_list_end(
	    r, "operator list", err, ls.failed, "json", ls.array);
out:
	json_decref(ls.array);
	tc_registry_close(reg);
	return status;
}

static int
set_disabled(const struct tc_args *ta, int disabled)
{
	struct tc_registry *reg = NULL;
	struct tc_operator actor;
	struct args a;
	char err[512] = "";
	time_t now;
	int r, status;

	if ((status = read_args(ta, "Ha", 1, &a)) != TC_EXIT_OK)
		return status;
	if ((status = tc_issuer_admin_begin(
		 a.home_opt, a.as, 1, &reg, &actor, &now)) != TC_EXIT_OK)
		return status;
	if ((r = tc_registry_operator_set_disabled(
		 reg, a.name, disabled, err, sizeof(err))) != 0 ||
	    (r = tc_registry_audit(reg, now, actor.name,
		 disabled ? "operator.disable" : "operator.enable", a.name,
		 NULL, err, sizeof(err))) != 0)
		status = tc_cli_fail(
		    r, disabled ? "operator disable" : "operator enable", err);
	if ((status = tc_issuer_commit(reg, status)) != TC_EXIT_OK)
		goto out;
	printf("operator %s %s\n", a.name, disabled ? "disabled" : "enabled");
out:
	tc_registry_close(reg);
	return status;
}

int
tc_issuer_operator_disable_run(const struct tc_args *ta)
{
	return set_disabled(ta, 1);
}

int
tc_issuer_operator_enable_run(const struct tc_args *ta)
{
	return set_disabled(ta, 0);
}

int
tc_issuer_operator_passwd_run(const struct tc_args *ta)
{
	struct tc_registry *reg = NULL;
	struct tc_operator actor, target;
	struct args a;
	char old[TC_ISSUER_PASS_MAX] = "", pass[TC_ISSUER_PASS_MAX] = "";
	char hash[TC_PASSHASH_TEXT_MAX] = "", prompt[TC_OPERATOR_NAME_MAX + 64];
	char err[512] = "", *detail = NULL;
	time_t now;
	int r, status, reset;

	if ((status = read_args(ta, "Hae", 1, &a)) != TC_EXIT_OK)
		return status;
	reset = a.as != NULL && strcmp(a.as, a.name) != 0;
	if ((status = open_home(&a, 1, &reg, &now)) != TC_EXIT_OK)
		return status;
	if (reset) {
		if ((status = tc_issuer_authenticate(
			 reg, a.as, ADMIN, &actor)) != TC_EXIT_OK)
			goto out;
		if ((r = tc_registry_operator_get(
			 reg, a.name, &target, err, sizeof(err))) != 0) {
			status = tc_cli_fail(r, "operator passwd", err);
			goto out;
		}
	} else {
		snprintf(prompt, sizeof(prompt),
		    "Current passphrase for operator %s: ", a.name);
		if ((status = tc_issuer_read_passphrase(
			 prompt, TC_ISSUER_PASS_ENV, 0, old, sizeof(old))) !=
			TC_EXIT_OK ||
		    (status = tc_issuer_authenticate_with(
			 reg, a.name, old, 0, &actor)) != TC_EXIT_OK)
			goto out;
	}
	if ((status = new_hash(&a, a.name, pass, sizeof(pass), hash,
		 sizeof(hash))) != TC_EXIT_OK)
		goto out;
	if (!reset && strcmp(old, pass) == 0) {
		status = tc_cli_fail(TC_ERR_POLICY, "new passphrase",
		    "it is the same as the current one");
		goto out;
	}
	if ((detail = strdup(
		 reset ? "{\"reset\":true}" : "{\"reset\":false}")) == NULL) {
		status = tc_cli_fail(TC_ERR_NOMEM, "audit", NULL);
		goto out;
	}
	if ((r = tc_registry_begin(reg, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "registry", err);
		goto out;
	}
	status = tc_issuer_operator_recheck(reg, &actor, reset ? ADMIN : 0);
	if (status == TC_EXIT_OK &&
	    ((r = tc_registry_operator_set_pass_hash(
		  reg, a.name, hash, now, err, sizeof(err))) != 0 ||
		(r = tc_registry_audit(reg, now, actor.name, "operator.passwd",
		     a.name, detail, err, sizeof(err))) != 0))
		status = tc_cli_fail(r, "operator passwd", err);
	if ((status = tc_issuer_commit(reg, status)) != TC_EXIT_OK)
		goto out;
	printf("passphrase of operator %s changed\n", a.name);
out:
	OPENSSL_cleanse(old, sizeof(old));
	OPENSSL_cleanse(pass, sizeof(pass));
	OPENSSL_cleanse(hash, sizeof(hash));
	free(detail);
	tc_registry_close(reg);
	return status;
}
