/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of roles (src/role.c) and operators in the registry
 * (src/registry/operator.c) on real SQLite files in temporary directories: role
 * lists, names, adding and reading operators, duplicates, the transaction
 * and audit rules, authentication (right, wrong, unknown, disabled), the
 * lockout with an injected clock, passphrase changes, the last-admin
 * guard, rehashing at a higher cost, altered rows, and migration of a
 * version 1 file. Hashes use a low scrypt cost (ln 8) to stay fast. All
 * names are made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>
#include <sqlite3.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/operator.h"
#include "tcard/organisation.h"
#include "tcard/passhash.h"
#include "tcard/registry.h"
#include "tcard/role.h"
#include "tcard/totp.h"

#include "fixtures-registry.h"

/* The handle's insides, for fx_reg_int. */
#include "../../src/registry/registry-int.h"
#include "fixtures-registry-sql.h"
/* The handle's insides, to query its own connection. */

#define PASS_A "admin passphrase one"
#define PASS_B "reviewer passphrase two"
#define T0     ((time_t)1772352000) /* 2026-03-01 08:00 UTC */

static void
open_reg(struct fx_reg *fx)
{
	char err[256] = "";

	if (tc_registry_open(&fx->reg, fx->path, &fx->keys, TC_REGISTRY_CREATE,
		err, sizeof(err)) != 0)
		fail_msg("open: %s", err);
}

static int
setup(void **state)
{
	if (fx_reg_setup(state, "/tmp/tc-operator-XXXXXX", 0x21, 0, 0x40) != 0)
		return -1;
	tc_passhash_set_cost(8);
	open_reg(*state);
	return 0;
}

/* The action of the last audit entry, in buf. */
static const char *
last_action(struct tc_registry *reg, char *buf, size_t len)
{
	sqlite3_stmt *st;

	assert_int_equal(
	    sqlite3_prepare_v2(reg->db,
		"SELECT action FROM audit ORDER BY seq DESC LIMIT 1", -1, &st,
		NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, len, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* Adds an operator in its own audited transaction. */
static void
add(struct fx_reg *fx, const char *name, unsigned roles, const char *pass)
{
	char hash[TC_PASSHASH_TEXT_MAX], err[256] = "";

	assert_int_equal(
	    tc_passhash_make(pass, hash, sizeof(hash), err, sizeof(err)), 0);
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	if (tc_registry_operator_add(fx->reg, name, roles,
		fx_org_for(fx->reg, roles), hash, T0, NULL, err,
		sizeof(err)) != 0)
		fail_msg("add %s: %s", name, err);
	assert_int_equal(tc_registry_audit(fx->reg, T0, "system",
			     "operator.add", name, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, err, sizeof(err)), 0);
}

static void
test_roles(void **state)
{
	char text[TC_ROLES_TEXT_MAX], err[512];
	enum tc_role r;
	unsigned m;

	assert_string_equal(
	    tc_role_name(TC_ROLE_UNIT_REVIEWER), "unit-reviewer");
	assert_string_equal(tc_role_name(TC_ROLE_ADMIN), "admin");
	assert_string_equal(tc_role_name((enum tc_role)0), "unknown");
	assert_string_equal(tc_role_name((enum tc_role)10), "unknown");
	assert_int_equal(tc_role_parse("leadership-group", &r), 0);
	assert_int_equal(r, TC_ROLE_LEADERSHIP_GROUP);
	assert_int_equal(tc_role_parse("Admin", &r), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_role_parse("hr_reviewer", &r), TC_ERR_INVALID_ARG);

	assert_int_equal(
	    tc_roles_parse(" auditor ,approver,auditor", &m, err, sizeof(err)),
	    0);
	assert_int_equal(
	    m, TC_ROLE_BIT(TC_ROLE_AUDITOR) | TC_ROLE_BIT(TC_ROLE_APPROVER));
	assert_int_equal(tc_roles_format(m, text, sizeof(text)), 0);
	assert_string_equal(text, "approver,auditor");

	m = 12345;
	assert_int_equal(tc_roles_parse("approver,boss", &m, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(m, 12345);
	assert_non_null(strstr(err, "'boss'"));
	assert_non_null(strstr(err, "card-producer"));
	assert_int_equal(
	    tc_roles_parse("", &m, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_roles_parse("admin,,auditor", &m, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "role 2"));
	assert_int_equal(
	    tc_roles_parse("admin,", &m, NULL, 0), TC_ERR_INVALID_ARG);

	assert_int_equal(tc_roles_format(TC_ROLE_ALL, text, sizeof(text)), 0);
	assert_string_equal(text,
	    "unit-reviewer,industry-reviewer,hr-reviewer,approver,leadership-group,card-producer,card-issuer,auditor,admin");
	assert_int_equal(strlen(text) + 1, 110);
	assert_int_equal(tc_roles_parse(text, &m, NULL, 0), 0);
	assert_int_equal(m, TC_ROLE_ALL);
	assert_int_equal(
	    tc_roles_format(TC_ROLE_ALL, text, 50), TC_ERR_TOO_LARGE);
	assert_int_equal(
	    tc_roles_format(1u, text, sizeof(text)), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_roles_format(1u << 10, text, sizeof(text)), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_roles_format(0, text, sizeof(text)), 0);
	assert_string_equal(text, "");
}

static void
test_names(void **state)
{
	static const char *const good[] = { "wang.li", "a", "op-07", "9lives",
		"li_na" };
	static const char *const bad[] = {
		"", "Wang", "-x", ".x", "a b", "li@na", "system", "名字",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(tc_operator_name_check(good[i], NULL, 0), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (tc_operator_name_check(bad[i], NULL, 0) !=
		    TC_ERR_INVALID_ARG)
			fail_msg("accepted name '%s'", bad[i]);
}

static void
test_add_get(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_operator op;
	char hash[TC_PASSHASH_TEXT_MAX], err[256];
	int64_t id, n;

	assert_int_equal(
	    tc_registry_schema_version(fx->reg), TC_REGISTRY_SCHEMA_VERSION);
	assert_true(TC_REGISTRY_SCHEMA_VERSION >= 2);
	assert_int_equal(tc_registry_operator_count(fx->reg, &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	    tc_passhash_make(PASS_A, hash, sizeof(hash), NULL, 0), 0);
	/* Outside a transaction: refused. */
	assert_int_equal(tc_registry_operator_add(fx->reg, "ada", TC_ROLE_ALL,
			     NULL, hash, T0, &id, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(
	    tc_registry_operator_add(fx->reg, "ada",
		TC_ROLE_BIT(TC_ROLE_ADMIN) | TC_ROLE_BIT(TC_ROLE_AUDITOR), NULL,
		hash, T0, &id, err, sizeof(err)),
	    0);
	assert_true(id > 0);
	/* No roles, an unknown bit, a bad hash, a bad name. */
	assert_int_equal(tc_registry_operator_add(fx->reg, "bob", 0, NULL, hash,
			     T0, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_registry_operator_add(fx->reg, "bob", 1u << 12,
			     NULL, hash, T0, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_registry_operator_add(fx->reg, "bob",
			     TC_ROLE_BIT(TC_ROLE_APPROVER), NULL, "plaintext!",
			     T0, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_registry_operator_add(fx->reg, "Bob",
			     TC_ROLE_BIT(TC_ROLE_APPROVER), NULL, hash, T0,
			     NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* Duplicate. */
	assert_int_equal(tc_registry_operator_add(fx->reg, "ada",
			     TC_ROLE_BIT(TC_ROLE_APPROVER), NULL, hash, T0,
			     NULL, err, sizeof(err)),
	    TC_ERR_EXISTS);
	assert_non_null(strstr(err, "already exists"));
	/* Without an audit entry the commit is refused and rolled back. */
	assert_int_equal(
	    tc_registry_commit(fx->reg, err, sizeof(err)), TC_ERR_STATE);
	assert_int_equal(tc_registry_operator_count(fx->reg, &n, NULL, 0), 0);
	assert_int_equal(n, 0);

	add(fx, "ada",
	    TC_ROLE_BIT(TC_ROLE_ADMIN) | TC_ROLE_BIT(TC_ROLE_AUDITOR), PASS_A);
	add(fx, "bo.ming", TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), PASS_B);
	assert_int_equal(tc_registry_operator_count(fx->reg, &n, NULL, 0), 0);
	assert_int_equal(n, 2);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "ada", &op, err, sizeof(err)), 0);
	assert_string_equal(op.name, "ada");
	assert_int_equal(op.roles,
	    TC_ROLE_BIT(TC_ROLE_ADMIN) | TC_ROLE_BIT(TC_ROLE_AUDITOR));
	assert_int_equal(op.disabled, 0);
	assert_int_equal(op.has_passphrase, 1);
	assert_int_equal(op.failed_logins, 0);
	assert_int_equal(op.locked_until, 0);
	assert_int_equal(op.created_at, T0);
	assert_int_equal(op.pass_changed_at, T0);
	assert_int_equal(
	    fx_reg_int(fx->reg,
		"SELECT count(*) FROM operators WHERE name = 'ada' AND roles = 'auditor,admin'"),
	    1);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "nobody", &op, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_string_equal(op.name, "");
}

static int
collect(const struct tc_operator *op, void *arg)
{
	char *names = arg;

	strcat(names, op->name);
	strcat(names, ";");
	return strcmp(op->name, "stop") == 0 ? 42 : 0;
}

static void
test_list(void **state)
{
	struct fx_reg *fx = *state;
	char names[256] = "";

	add(fx, "zed", TC_ROLE_BIT(TC_ROLE_AUDITOR), PASS_B);
	add(fx, "ada", TC_ROLE_BIT(TC_ROLE_ADMIN), PASS_A);
	add(fx, "stop", TC_ROLE_BIT(TC_ROLE_AUDITOR), PASS_B);
	add(fx, "tim", TC_ROLE_BIT(TC_ROLE_AUDITOR), PASS_B);
	assert_int_equal(
	    tc_registry_operator_list(fx->reg, collect, names, NULL, 0), 42);
	assert_string_equal(names, "ada;stop;");
	names[0] = '\0';
	fx_raw_exec(fx->path, "DELETE FROM operators WHERE name = 'stop'");
	assert_int_equal(
	    tc_registry_operator_list(fx->reg, collect, names, NULL, 0), 0);
	assert_string_equal(names, "ada;tim;zed;");
}

/* Disables (on 1) or enables operator name; the code, the message in err. */
static int
disable(struct fx_reg *fx, const char *name, int on, char *err)
{
	return tc_registry_operator_set_disabled(fx->reg, name, on, err, 256);
}

/* The failed sign-ins counted for operator name. */
static int
failed_logins(struct fx_reg *fx, const char *name)
{
	struct tc_operator op;

	assert_int_equal(
	    tc_registry_operator_get(fx->reg, name, &op, NULL, 0), 0);
	return op.failed_logins;
}

static void
test_auth(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_operator op;
	char err[256], errunknown[256], act[64];
	int64_t entries;

	add(fx, "ada", TC_ROLE_BIT(TC_ROLE_ADMIN), PASS_A);
	add(fx, "bo", TC_ROLE_BIT(TC_ROLE_HR_REVIEWER), PASS_B);
	entries = fx_reg_int(fx->reg, "SELECT count(*) FROM audit");

	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "bo", PASS_B, T0, &op, err, sizeof(err)),
	    0);
	assert_string_equal(op.name, "bo");
	assert_int_equal(op.roles, TC_ROLE_BIT(TC_ROLE_HR_REVIEWER));
	/* A clean success writes nothing. */
	assert_int_equal(
	    fx_reg_int(fx->reg, "SELECT count(*) FROM audit"), entries);

	/* Wrong passphrase and unknown name: the same message. */
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "bo", PASS_A, T0, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(op.name, "");
	assert_int_equal(tc_registry_operator_auth(fx->reg, "nobody", PASS_A,
			     T0, &op, errunknown, sizeof(errunknown)),
	    TC_ERR_AUTH);
	assert_string_equal(err, errunknown);
	assert_string_equal(err, TC_OPERATOR_AUTH_MSG);
	assert_int_equal(tc_registry_operator_auth(fx->reg, "Not A Name",
			     PASS_A, T0, &op, errunknown, sizeof(errunknown)),
	    TC_ERR_AUTH);
	assert_string_equal(errunknown, TC_OPERATOR_AUTH_MSG);
	/* The failure is counted and audited; the unknown name is not. */
	assert_int_equal(
	    fx_reg_int(fx->reg, "SELECT count(*) FROM audit"), entries + 1);
	assert_string_equal(
	    last_action(fx->reg, act, sizeof(act)), "operator.auth-fail");
	assert_int_equal(failed_logins(fx, "bo"), 1);
	/* Success clears the count, with an entry. */
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "bo", PASS_B, T0, &op, err, sizeof(err)),
	    0);
	assert_int_equal(op.failed_logins, 0);
	assert_string_equal(
	    last_action(fx->reg, act, sizeof(act)), "operator.login");

	/* Inside a transaction: refused. */
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "bo", PASS_B, T0, &op, err, sizeof(err)),
	    TC_ERR_STATE);
	tc_registry_rollback(fx->reg);

	/* Disabled: generic message for a wrong passphrase, plain otherwise. */
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(disable(fx, "bo", 1, err), 0);
	assert_int_equal(disable(fx, "bo", 1, err), TC_ERR_STATE);
	assert_non_null(strstr(err, "already disabled"));
	assert_int_equal(tc_registry_audit(fx->reg, T0, "ada",
			     "operator.disable", "bo", NULL, NULL, 0),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "bo", PASS_A, T0, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(err, TC_OPERATOR_AUTH_MSG);
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "bo", PASS_B, T0, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(err, "operator bo is disabled");
	/* An operator without a passphrase cannot sign in. */
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(tc_registry_operator_add(fx->reg, "nopass",
			     TC_ROLE_BIT(TC_ROLE_AUDITOR), NULL, NULL, T0, NULL,
			     err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_audit(fx->reg, T0, "ada", "operator.add",
			     "nopass", NULL, NULL, 0),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "nopass", "", T0, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(err, TC_OPERATOR_AUTH_MSG);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "nopass", &op, NULL, 0), 0);
	assert_int_equal(op.has_passphrase, 0);
	assert_int_equal(op.pass_changed_at, 0);
}

static void
test_lockout(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_operator op;
	char err[256], act[64];
	time_t now = T0, until;
	int i;

	add(fx, "ada", TC_ROLE_BIT(TC_ROLE_ADMIN), PASS_A);
	for (i = 1; i <= TC_OPERATOR_MAX_FAILURES; i++) {
		assert_int_equal(
		    tc_registry_operator_auth(fx->reg, "ada",
			"wrong wrong wrong", now, &op, err, sizeof(err)),
		    TC_ERR_AUTH);
		assert_int_equal(
		    tc_registry_operator_get(fx->reg, "ada", &op, NULL, 0), 0);
		assert_int_equal(op.failed_logins, i);
		now += 10;
	}
	until = now - 10 + TC_OPERATOR_LOCK_SECONDS;
	assert_int_equal(op.locked_until, until);
	assert_true(tc_operator_locked(&op, now));
	assert_string_equal(
	    last_action(fx->reg, act, sizeof(act)), "operator.lock");
	/* While locked, even the right passphrase is refused, generically. */
	assert_int_equal(tc_registry_operator_auth(fx->reg, "ada", PASS_A, now,
			     &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(err, TC_OPERATOR_AUTH_MSG);
	assert_string_equal(
	    last_action(fx->reg, act, sizeof(act)), "operator.auth-fail");
	assert_int_equal(tc_registry_operator_auth(fx->reg, "ada", PASS_A,
			     until - 1, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	/* The lock does not grow while locked. */
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "ada", &op, NULL, 0), 0);
	assert_int_equal(op.locked_until, until);
	assert_int_equal(op.failed_logins, TC_OPERATOR_MAX_FAILURES);
	/* After it ran out, a failure counts from 1 again... */
	assert_int_equal(tc_registry_operator_auth(fx->reg, "ada",
			     "wrong wrong wrong", until, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "ada", &op, NULL, 0), 0);
	assert_int_equal(op.failed_logins, 1);
	assert_int_equal(op.locked_until, 0);
	/* ...and the right passphrase works and clears it. */
	assert_int_equal(tc_registry_operator_auth(fx->reg, "ada", PASS_A,
			     until + 1, &op, err, sizeof(err)),
	    0);
	assert_int_equal(op.failed_logins, 0);
	assert_string_equal(
	    last_action(fx->reg, act, sizeof(act)), "operator.login");

	/* A new passphrase set by an admin lifts a lock. */
	for (i = 0; i < TC_OPERATOR_MAX_FAILURES; i++)
		tc_registry_operator_auth(fx->reg, "ada", "wrong wrong wrong",
		    until + 100, &op, NULL, 0);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "ada", &op, NULL, 0), 0);
	assert_true(tc_operator_locked(&op, until + 101));
	{
		char hash[TC_PASSHASH_TEXT_MAX];

		assert_int_equal(
		    tc_passhash_make(PASS_B, hash, sizeof(hash), NULL, 0), 0);
		assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
		assert_int_equal(
		    tc_registry_operator_set_pass_hash(
			fx->reg, "ada", hash, until + 200, err, sizeof(err)),
		    0);
		assert_int_equal(
		    tc_registry_operator_set_pass_hash(
			fx->reg, "nobody", hash, until + 200, err, sizeof(err)),
		    TC_ERR_NOT_FOUND);
		assert_int_equal(
		    tc_registry_operator_set_pass_hash(fx->reg, "ada",
			"$scrypt$bad", until + 200, err, sizeof(err)),
		    TC_ERR_INVALID_ARG);
		assert_int_equal(tc_registry_audit(fx->reg, until + 200, "ada",
				     "operator.passwd", "ada", NULL, NULL, 0),
		    0);
		assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	}
	assert_int_equal(tc_registry_operator_auth(fx->reg, "ada", PASS_A,
			     until + 201, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_int_equal(tc_registry_operator_auth(fx->reg, "ada", PASS_B,
			     until + 202, &op, err, sizeof(err)),
	    0);
	assert_int_equal(op.pass_changed_at, until + 200);
	assert_int_equal(op.failed_logins, 0);
	assert_int_equal(op.locked_until, 0);
	/* The whole story is in a verifying audit log. */
	{
		struct tc_audit_report rep;

		assert_int_equal(tc_registry_audit_verify(
				     fx->reg, NULL, &rep, err, sizeof(err)),
		    0);
		assert_true(rep.entries > 15);
	}
}

static void
test_last_admin(void **state)
{
	struct fx_reg *fx = *state;
	char err[256];

	add(fx, "ada", TC_ROLE_BIT(TC_ROLE_ADMIN), PASS_A);
	add(fx, "bo", TC_ROLE_BIT(TC_ROLE_APPROVER), PASS_B);
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(disable(fx, "ada", 1, err), TC_ERR_POLICY);
	assert_non_null(strstr(err, "last enabled admin"));
	assert_int_equal(disable(fx, "nobody", 1, err), TC_ERR_NOT_FOUND);
	assert_int_equal(disable(fx, "bo", 0, err), TC_ERR_STATE);
	tc_registry_rollback(fx->reg);
	add(fx, "cy", TC_ROLE_BIT(TC_ROLE_ADMIN) | TC_ROLE_BIT(TC_ROLE_AUDITOR),
	    PASS_B);
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(disable(fx, "ada", 1, err), 0);
	assert_int_equal(disable(fx, "cy", 1, err), TC_ERR_POLICY);
	assert_int_equal(disable(fx, "ada", 0, err), 0);
	assert_int_equal(disable(fx, "cy", 1, err), 0);
	assert_int_equal(tc_registry_audit(fx->reg, T0, "ada", "operator.test",
			     NULL, NULL, NULL, 0),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	/* Outside a transaction. */
	assert_int_equal(disable(fx, "cy", 0, err), TC_ERR_STATE);
}

static void
test_rehash(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_operator op;
	char act[64];
	int64_t ln;

	add(fx, "ada", TC_ROLE_BIT(TC_ROLE_ADMIN), PASS_A); /* ln 8 */
	assert_int_equal(tc_passhash_set_cost(9), 0);
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "ada", PASS_A, T0 + 5, &op, NULL, 0),
	    0);
	assert_string_equal(
	    last_action(fx->reg, act, sizeof(act)), "operator.rehash");
	ln = fx_reg_int(fx->reg,
	    "SELECT count(*) FROM operators WHERE pass_hash LIKE '$scrypt$ln=9,%'");
	assert_int_equal(ln, 1);
	assert_int_equal(op.pass_changed_at, T0 + 5);
	/* The new hash works; at the same cost nothing more is written. */
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "ada", PASS_A, T0 + 6, &op, NULL, 0),
	    0);
	assert_int_equal(op.pass_changed_at, T0 + 5);
	/* A lower cost never weakens a stored hash. */
	assert_int_equal(tc_passhash_set_cost(8), 0);
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "ada", PASS_A, T0 + 7, &op, NULL, 0),
	    0);
	assert_int_equal(op.pass_changed_at, T0 + 5);
}

static void
test_altered_rows(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_operator op;
	char err[256];

	add(fx, "ada", TC_ROLE_BIT(TC_ROLE_ADMIN), PASS_A);
	add(fx, "bo", TC_ROLE_BIT(TC_ROLE_APPROVER), PASS_B);
	/* A hash whose parameters would take a gigabyte and minutes. */
	fx_raw_exec(fx->path,
	    "UPDATE operators SET pass_hash = '$scrypt$ln=25,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g' WHERE name = 'ada'");
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "ada", PASS_A, T0, &op, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "operator ada"));
	assert_non_null(strstr(err, "out of bounds"));
	/* An unknown role in the stored list. */
	fx_raw_exec(fx->path,
	    "UPDATE operators SET roles = 'approver,overlord' WHERE name = 'bo'");
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "bo", &op, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "bo", PASS_B, T0, &op, err, sizeof(err)),
	    TC_ERR_MALFORMED);
}

/* A version 1 file with an operator is migrated to the current version. */
static void
test_migration(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_operator op;

	tc_registry_close(fx->reg);
	fx->reg = NULL;
	unlink(fx->path);
	/* The released schema version 1, as an old program left the file. */
	fx_raw_exec(fx->path, tc_reg_migration(1));
	fx_raw_exec(fx->path,
	    "INSERT INTO operators (name, roles, pass_hash, created_at) VALUES ('old', 'auditor', NULL, 1000);PRAGMA user_version = 1;");
	open_reg(fx);
	assert_int_equal(fx_reg_int(fx->reg, "PRAGMA user_version"),
	    TC_REGISTRY_SCHEMA_VERSION);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "old", &op, NULL, 0), 0);
	assert_int_equal(op.roles, TC_ROLE_BIT(TC_ROLE_AUDITOR));
	assert_int_equal(op.has_passphrase, 0);
	assert_int_equal(op.failed_logins, 0);
	assert_int_equal(op.locked_until, 0);
	assert_int_equal(op.pass_changed_at, 0);
	assert_int_equal(op.created_at, 1000);
}

static int
count_org(const struct tc_organisation *o, void *arg)
{
	(void)o;
	++*(int *)arg;
	return 0;
}

/* Kinds, codes, the role table, adding and reading organisations. */
static void
test_organisations(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_organisation o;
	struct tc_operator op;
	enum tc_org_kind k, back;
	char code[TC_ORG_CODE_MAX + 1], err[512], hash[TC_PASSHASH_TEXT_MAX];
	int n = 0;

	for (k = TC_ORG_UNIT; k <= TC_ORG_BANK_BRANCH; k++) {
		assert_non_null(tc_org_kind_name(k));
		assert_int_equal(
		    tc_org_kind_parse(tc_org_kind_name(k), &back), 0);
		assert_int_equal(back, k);
	}
	assert_null(tc_org_kind_name((enum tc_org_kind)0));
	assert_int_equal(tc_org_kind_parse("bank", &k), TC_ERR_NOT_FOUND);
	/* The table of docs/operators.md. */
	assert_int_equal(
	    tc_org_kind_roles(TC_ORG_UNIT), TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER));
	assert_int_equal(tc_org_kind_roles(TC_ORG_INDUSTRY),
	    TC_ROLE_BIT(TC_ROLE_INDUSTRY_REVIEWER));
	assert_int_equal(tc_org_kind_roles(TC_ORG_DISTRICT),
	    TC_ROLE_BIT(TC_ROLE_HR_REVIEWER));
	assert_int_equal(tc_org_kind_roles(TC_ORG_CITY),
	    TC_ROLE_BIT(TC_ROLE_HR_REVIEWER) | TC_ROLE_BIT(TC_ROLE_APPROVER) |
		TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP) |
		TC_ROLE_BIT(TC_ROLE_CARD_ISSUER));
	assert_int_equal(tc_org_kind_roles(TC_ORG_TALENT_OFFICE),
	    TC_ROLE_BIT(TC_ROLE_APPROVER) |
		TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP) |
		TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) |
		TC_ROLE_BIT(TC_ROLE_CARD_ISSUER) |
		TC_ROLE_BIT(TC_ROLE_AUDITOR) | TC_ROLE_BIT(TC_ROLE_ADMIN));
	assert_int_equal(tc_org_kind_roles(TC_ORG_BANK_BRANCH),
	    TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) |
		TC_ROLE_BIT(TC_ROLE_CARD_ISSUER));
	assert_true(tc_org_kind_wide(TC_ORG_CITY));
	assert_true(tc_org_kind_wide(TC_ORG_TALENT_OFFICE));
	assert_false(tc_org_kind_wide(TC_ORG_UNIT));
	/* Codes: a unit's is a USCC (normalised), others short. */
	assert_int_equal(tc_org_code_check(TC_ORG_UNIT, " 91440106ma4t8r3h12",
			     code, err, sizeof(err)),
	    0);
	assert_string_equal(code, "91440106MA4T8R3H12");
	assert_int_equal(tc_org_code_check(TC_ORG_UNIT, "91440106MA4T8R3H13",
			     code, err, sizeof(err)),
	    TC_ERR_BAD_CHECK);
	assert_non_null(strstr(err, "unified social credit code"));
	assert_int_equal(tc_org_code_check(
			     TC_ORG_DISTRICT, "Baiyun", code, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_org_code_check(TC_ORG_DISTRICT, "-x", code, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_org_code_check(TC_ORG_DISTRICT, "a234567890123456789012345",
		code, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* The migration's talent office is there. */
	assert_int_equal(tc_registry_org_get(
			     fx->reg, TC_ORG_OFFICE_CODE, &o, err, sizeof(err)),
	    0);
	assert_int_equal(o.kind, TC_ORG_TALENT_OFFICE);
	/* Add: in a transaction, unique codes, bounded names. */
	assert_int_equal(
	    tc_registry_org_add(fx->reg, TC_ORG_DISTRICT, "baiyun-hr",
		"白云区人社局", T0, &o, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(
	    tc_registry_org_add(fx->reg, TC_ORG_DISTRICT, "baiyun-hr",
		"白云区人社局", T0, &o, err, sizeof(err)),
	    0);
	assert_true(o.id > 1);
	assert_int_equal(tc_registry_org_add(fx->reg, TC_ORG_CITY, "baiyun-hr",
			     "x", T0, NULL, err, sizeof(err)),
	    TC_ERR_EXISTS);
	assert_int_equal(tc_registry_org_add(fx->reg, TC_ORG_CITY, "gz", "a\nb",
			     T0, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_registry_org_add(fx->reg, TC_ORG_UNIT, "91440106ma4t8r3h12",
		"广州天河示例软件技术有限公司", T0, &o, err, sizeof(err)),
	    0);
	assert_string_equal(o.code, "91440106MA4T8R3H12");
	/* Roles must fit the kind; the message names the kinds. */
	assert_int_equal(
	    tc_passhash_make(PASS_B, hash, sizeof(hash), NULL, 0), 0);
	assert_int_equal(tc_registry_operator_add(fx->reg, "u1",
			     TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), NULL, hash, T0,
			     NULL, err, sizeof(err)),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "unit-reviewer"));
	assert_non_null(strstr(err, "kind unit"));
	assert_int_equal(
	    tc_registry_operator_add(fx->reg, "u1",
		TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER) |
		    TC_ROLE_BIT(TC_ROLE_APPROVER),
		"91440106MA4T8R3H12", hash, T0, NULL, err, sizeof(err)),
	    TC_ERR_POLICY);
	assert_int_equal(tc_registry_operator_add(fx->reg, "u1",
			     TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), "nowhere",
			     hash, T0, NULL, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(
	    tc_registry_operator_add(fx->reg, "u1",
		TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER), "91440106MA4T8R3H12", hash,
		T0, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_operator_set_org(
			     fx->reg, "u1", "baiyun-hr", err, sizeof(err)),
	    TC_ERR_POLICY);
	assert_int_equal(tc_registry_audit(fx->reg, T0, "system",
			     "organisation.add", "baiyun-hr", NULL, NULL, 0),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "u1", &op, NULL, 0), 0);
	assert_int_equal(op.org_kind, TC_ORG_UNIT);
	assert_string_equal(op.org_code, "91440106MA4T8R3H12");
	assert_int_equal(op.totp_enrolled, 0);
	assert_int_equal(op.totp_step, TC_TOTP_NO_STEP);
	assert_int_equal(
	    tc_registry_org_list(fx->reg, count_org, &n, NULL, 0), 0);
	assert_int_equal(n, 3);
}

/* The code of the Base32 secret at time t. */
static void
code_at(const char *b32, time_t t, char out[TC_TOTP_DIGITS_MAX + 1])
{
	uint8_t key[TC_TOTP_KEY_MAX];
	size_t len;

	assert_int_equal(tc_totp_secret_parse(b32, key, &len, NULL, 0), 0);
	assert_int_equal(tc_totp_code(key, len, t, TC_TOTP_DIGITS, out), 0);
}

/* Enrolment, both factors, replays, the lockout and the local flag. */
static void
test_totp_login(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_operator op;
	char secret[TC_TOTP_SECRET_B32_LEN + 1],
	    again[TC_TOTP_SECRET_B32_LEN + 1];
	char code[TC_TOTP_DIGITS_MAX + 1], err[256], act[64], sql[256];
	time_t t = T0;
	int i;

	add(fx, "ada", TC_ROLE_BIT(TC_ROLE_ADMIN), PASS_A);
	add(fx, "bo", TC_ROLE_BIT(TC_ROLE_APPROVER), PASS_B);
	/* Enrolment needs a transaction; it audits, never the secret. */
	assert_int_equal(tc_registry_operator_totp_enrol(
			     fx->reg, "bo", "ada", t, secret, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_string_equal(secret, "");
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(tc_registry_operator_totp_enrol(fx->reg, "nobody",
			     "ada", t, secret, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(tc_registry_operator_totp_enrol(
			     fx->reg, "bo", "ada", t, secret, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	assert_int_equal(strlen(secret), TC_TOTP_SECRET_B32_LEN);
	assert_string_equal(
	    last_action(fx->reg, act, sizeof(act)), "operator.totp-enrol");
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM audit WHERE instr(detail, '%s') > 0", secret);
	assert_int_equal(fx_reg_int(fx->reg, sql), 0);
	/* Sealed: the plain secret is nowhere in the row. */
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM operators WHERE instr(CAST(totp_secret AS TEXT), '%.8s') > 0 OR length(totp_secret) < 40",
	    secret);
	assert_int_equal(fx_reg_int(fx->reg, sql), 0);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "bo", &op, NULL, 0), 0);
	assert_int_equal(op.totp_enrolled, 1);
	/* The passphrase alone no longer signs in; it counts. */
	assert_int_equal(tc_registry_operator_auth(
			     fx->reg, "bo", PASS_B, t, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(err, TC_OPERATOR_AUTH_MSG);
	assert_int_equal(failed_logins(fx, "bo"), 1);
	/* A wrong code and a malformed one: the same message, counted. */
	code_at(secret, t, code);
	code[0] = code[0] == '9' ? '0' : (char)(code[0] + 1);
	assert_int_equal(tc_registry_operator_login(fx->reg, "bo", PASS_B, code,
			     t, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(err, TC_OPERATOR_AUTH_MSG);
	assert_int_equal(tc_registry_operator_login(fx->reg, "bo", PASS_B,
			     "12 34", t, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(err, TC_OPERATOR_AUTH_MSG);
	assert_int_equal(failed_logins(fx, "bo"), 3);
	/* The right code with a wrong passphrase: refused. */
	code_at(secret, t, code);
	assert_int_equal(tc_registry_operator_login(fx->reg, "bo", PASS_A, code,
			     t, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	/* Both right: in, the step stored, the count cleared. */
	assert_int_equal(tc_registry_operator_login(fx->reg, "bo", PASS_B, code,
			     t, &op, err, sizeof(err)),
	    0);
	assert_int_equal(op.failed_logins, 0);
	assert_int_equal(op.totp_step, (int64_t)(t / TC_TOTP_PERIOD));
	/* The same code again is a replay: refused and counted. */
	assert_int_equal(tc_registry_operator_login(fx->reg, "bo", PASS_B, code,
			     t + 5, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_string_equal(err, TC_OPERATOR_AUTH_MSG);
	assert_int_equal(failed_logins(fx, "bo"), 1);
	/* Locally (tcard-issuer --as) the code may be used again. */
	assert_int_equal(
	    tc_registry_operator_login_flags(fx->reg, "bo", PASS_B, code,
		TC_OPERATOR_LOGIN_LOCAL, t + 5, &op, err, sizeof(err)),
	    0);
	assert_int_equal(op.totp_step, (int64_t)(t / TC_TOTP_PERIOD));
	/* The next step's code is fine. */
	t += TC_TOTP_PERIOD;
	code_at(secret, t, code);
	assert_int_equal(tc_registry_operator_login(fx->reg, "bo", PASS_B, code,
			     t, &op, err, sizeof(err)),
	    0);
	/* TOTP failures lock like passphrase failures. */
	t += TC_TOTP_PERIOD;
	for (i = 0; i < TC_OPERATOR_MAX_FAILURES; i++)
		assert_int_equal(
		    tc_registry_operator_login(fx->reg, "bo", PASS_B, "000000",
			t, &op, err, sizeof(err)),
		    TC_ERR_AUTH);
	assert_string_equal(
	    last_action(fx->reg, act, sizeof(act)), "operator.lock");
	code_at(secret, t, code);
	assert_int_equal(tc_registry_operator_login(fx->reg, "bo", PASS_B, code,
			     t, &op, err, sizeof(err)),
	    TC_ERR_AUTH);
	/* Re-enrolment gives a new secret and resets the step. */
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(tc_registry_operator_totp_enrol(
			     fx->reg, "bo", "ada", t, again, err, sizeof(err)),
	    0);
	assert_string_not_equal(again, secret);
	assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	assert_int_equal(
	    tc_registry_operator_get(fx->reg, "bo", &op, NULL, 0), 0);
	assert_int_equal(op.totp_step, TC_TOTP_NO_STEP);
	/* A secret moved to another operator's row does not open. */
	add(fx, "cy", TC_ROLE_BIT(TC_ROLE_APPROVER), PASS_B);
	fx_raw_exec(fx->path,
	    "UPDATE operators SET totp_secret = (SELECT totp_secret FROM operators WHERE name = 'bo') WHERE name = 'cy'");
	assert_int_equal(tc_registry_operator_login(fx->reg, "cy", PASS_B,
			     "123456", t, &op, err, sizeof(err)),
	    TC_ERR_DECRYPT);
	assert_non_null(strstr(err, "operator cy"));
}

/*
 * A released migration step is never edited: an edited one would leave
 * registries made before it unlike those made after. The SHA-256 of each
 * step's SQL as released; a new step adds its line here when it lands.
 */
static void
test_migrations_frozen(void **state)
{
	static const char *const released[] = {
		"b7eebccc167ac780f7d6db78e8f96b7e68a560ff7a2d753e0cde33762f04f711", /* 1 */
		"e227caf381a12d20276c5df90d171e4db375be015bc525eb8110c7343df7d762", /* 2 */
		"ad2576cb0a02a1d2a1402ff3f4448eb0a90a4e701b33510ad5ae4432351f1354", /* 3 */
		"4e3c187eab92abca4ce300af96b2d0743d0054b8aa62cb0ab5dc6c0a654f35f1", /* 4 */
		"ebcb0c67ac7e6bf22dcdc198e8882676cab6e18f0cf1551138ae829d5f60b1d0", /* 5 */
		"17bbe7c387f070b396cf28e9fa0accc115f513e12545a24b84c20bbe4eb515b2", /* 6 */
		"ad02e34740f1c6f52c0bfa6a166f6480e9947b906a75f3fcd1299cf0f6dcefa6", /* 7 */
		"c040be1dde8f993d9c0eb45edb378dd0dc08268d97975ec5c47afa60ab29557b", /* 8 */
		"dcf09b5982c32ef7bfb13e85353374aa5e830a01d3f64a0f44644b8df57a33e6", /* 9 */
		"1fa011b82fab0ba4d3d5e9a9bc157f3f27520dc0679566841f42357cfebb44a5", /* 10 */
		"a8bd52242377be39e0eb72c4a873ca2d2e8ca1c9646e463423a519407469d828", /* 11 */
		"0e4d2dff76da27a640bd260f2bdb15f9cddca982e9e275b5e8178535b1ed3894", /* 12 */
		"8fb3d17b2ff78443bc16ac570256e22f245f3f03b6b6ca15420ec28b1010707d", /* 13 */
		"1ac2a8c1a27bbd2c7386e8b8b22f05a5eaf212056769387623528a3e402f8396", /* 14 */
		"99c13c7eb2ebe961cbcff5d107080cdcca48392a6e19610ebcbb8cbbea479d0d", /* 15 */
		"b2f1c842f15259a584f7ac1c55f74e59ac8c06a175d224f3d618e179c065e500", /* 16 */
		"2ac317bccc138ca5c1d1c9a27437142f7746b533cb8a5473930014fc097af14f", /* 17 */
	};
	unsigned char h[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	const char *sql;
	size_t v, i;

	(void)state;
	assert_int_equal(
	    sizeof(released) / sizeof(released[0]), TC_REGISTRY_SCHEMA_VERSION);
	for (v = 1; v <= sizeof(released) / sizeof(released[0]); v++) {
		assert_non_null(sql = tc_reg_migration((int)v));
		SHA256((const unsigned char *)sql, strlen(sql), h);
		for (i = 0; i < sizeof(h); i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		if (strcmp(hex, released[v - 1]) != 0)
			fail_msg(
			    "migration step %zu was edited after its release",
			    v);
	}
	assert_null(tc_reg_migration(TC_REGISTRY_SCHEMA_VERSION + 1));
	assert_null(tc_reg_migration(0));
}

#define TESTS(X, XF)                                                           \
	XF(test_roles, NULL, NULL)                                             \
	XF(test_names, NULL, NULL)                                             \
	X(test_add_get)                                                        \
	X(test_list)                                                           \
	X(test_auth)                                                           \
	X(test_lockout)                                                        \
	X(test_last_admin)                                                     \
	X(test_rehash)                                                         \
	X(test_altered_rows)                                                   \
	X(test_migration)                                                      \
	X(test_migrations_frozen)                                              \
	X(test_organisations)                                                  \
	X(test_totp_login)

TC_UNIT_MAIN_EACH(TESTS, setup, fx_reg_teardown)
