/* SPDX-License-Identifier: MIT */
/*
 * Applicants' accounts (src/registry/applicant.c): logins normalised,
 * registration and its refusals, sign-in with the lock after five
 * failures, the one person an account applies for, one-time tokens
 * (used once, of one purpose, expiring), and what an applicant acting
 * through struct tc_app_ctx may see and do.
 */
#include <ftw.h>
#include <sys/stat.h>

#include "../../src/registry/registry-int.h"
#include "fixtures-registry.h"
#include "fixtures-registry-sql.h"
#include "tcard/applicant.h"
#include "tcard/application.h"
#include "tcard/err.h"
#include "tcard/passhash.h"

#define PASS "applicant password one"
#define T0   ((time_t)1772352000) /* 2026-03-01 08:00 UTC */

static int
setup(void **state)
{
	struct fx_reg *fx;
	char err[256] = "";

	if (fx_reg_setup(state, "/tmp/tc-applicant-XXXXXX", 0x31, 1, 0x50) != 0)
		return -1;
	fx = *state;
	tc_passhash_set_cost(8);
	if (tc_registry_open(&fx->reg, fx->path, &fx->keys, TC_REGISTRY_CREATE,
		err, sizeof(err)) != 0)
		fail_msg("open: %s", err);
	return 0;
}

/* Registers login in a transaction of its own; returns the result. */
static int
reg(struct fx_reg *fx, const char *login, const char *pass, int64_t *id)
{
	char err[256] = "";
	int r;

	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	r = tc_applicant_register(
	    fx->reg, login, pass, "王晓明", NULL, 0, T0, id, err, sizeof(err));
	if (r == 0)
		assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	else
		tc_registry_rollback(fx->reg);
	return r;
}

static void
test_login_norm(void **state)
{
	char out[TC_APPLICANT_LOGIN_MAX + 1], err[256];
	int email;

	(void)state;
	assert_int_equal(tc_applicant_login_norm("Wang.XM@Example.COM", out,
			     &email, err, sizeof(err)),
	    0);
	assert_string_equal(out, "wang.xm@example.com");
	assert_int_equal(email, 1);
	assert_int_equal(tc_applicant_login_norm("+86 138-0013-8000", out,
			     &email, err, sizeof(err)),
	    0);
	assert_string_equal(out, "+8613800138000");
	assert_int_equal(email, 0);
	assert_int_equal(
	    tc_applicant_login_norm("12345", out, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "6 to 15 digits"));
	assert_int_equal(
	    tc_applicant_login_norm("a@b", out, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_applicant_login_norm("a b@c.cn", out, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_applicant_login_norm("a@b@c.cn", out, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_applicant_login_norm("", out, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_applicant_login_norm("1380013800a", out, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "byte 10"));
}

static void
test_register_login(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_applicant a;
	char err[256] = "";
	int64_t id = 0, id2 = 0, found = 0;

	assert_int_equal(reg(fx, "Wang@Example.com", PASS, &id), 0);
	assert_true(id > 0);
	assert_int_equal(
	    reg(fx, "wang@example.com", PASS, &id2), TC_ERR_EXISTS);
	assert_int_equal(
	    reg(fx, "li@example.com", "short", &id2), TC_ERR_POLICY);
	/* Outside a transaction: refused. */
	assert_int_equal(tc_applicant_register(fx->reg, "x@example.com", PASS,
			     NULL, NULL, 0, T0, &id2, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_int_equal(tc_applicant_login(fx->reg, "WANG@example.com", PASS,
			     T0, &a, err, sizeof(err)),
	    0);
	assert_int_equal(a.id, id);
	assert_string_equal(a.login, "wang@example.com");
	assert_string_equal(a.name, "王晓明");
	assert_string_equal(a.language, "zh");
	assert_int_equal(a.verified, 0);
	assert_int_equal(a.has_person, 0);
	assert_int_equal(tc_applicant_login(fx->reg, "nobody@example.com", PASS,
			     T0, &a, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_int_equal(tc_applicant_find(fx->reg, "wang@EXAMPLE.com", &found,
			     err, sizeof(err)),
	    0);
	assert_int_equal(found, id);
	assert_int_equal(tc_applicant_find(fx->reg, "nobody@example.com",
			     &found, err, sizeof(err)),
	    0);
	assert_int_equal(found, 0);
}

static void
test_lock(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_applicant a;
	char err[256] = "";
	int64_t id = 0;
	int i;

	assert_int_equal(reg(fx, "13800138000", PASS, &id), 0);
	for (i = 0; i < TC_APPLICANT_MAX_FAILURES - 1; i++)
		assert_int_equal(
		    tc_applicant_login(fx->reg, "13800138000", "wrong password",
			T0, &a, err, sizeof(err)),
		    TC_ERR_AUTH);
	/* A success before the fifth failure clears the count. */
	assert_int_equal(tc_applicant_login(fx->reg, "138 0013 8000", PASS, T0,
			     &a, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_applicant_get(fx->reg, id, &a, err, sizeof(err)), 0);
	assert_int_equal(a.failed_logins, 0);
	for (i = 0; i < TC_APPLICANT_MAX_FAILURES; i++)
		assert_int_equal(
		    tc_applicant_login(fx->reg, "13800138000", "wrong password",
			T0, &a, err, sizeof(err)),
		    TC_ERR_AUTH);
	/* Locked: the right password is refused, with the same message. */
	assert_int_equal(tc_applicant_login(fx->reg, "13800138000", PASS,
			     T0 + 60, &a, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_non_null(strstr(err, "wrong login or password"));
	assert_int_equal(
	    tc_applicant_get(fx->reg, id, &a, err, sizeof(err)), 0);
	assert_int_equal(a.locked_until, T0 + TC_APPLICANT_LOCK_SECONDS);
	/* After the lock: the right password opens and clears it. */
	assert_int_equal(
	    tc_applicant_login(fx->reg, "13800138000", PASS,
		T0 + TC_APPLICANT_LOCK_SECONDS, &a, err, sizeof(err)),
	    0);
	assert_int_equal(a.locked_until, 0);
}

static void
test_person(void **state)
{
	struct fx_reg *fx = *state;
	uint8_t m1[TC_PII_MAC_LEN], m2[TC_PII_MAC_LEN];
	struct tc_applicant a;
	char err[256] = "";
	int64_t id = 0;

	memset(m1, 0x11, sizeof(m1));
	memset(m2, 0x22, sizeof(m2));
	assert_int_equal(reg(fx, "p@example.com", PASS, &id), 0);
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(
	    tc_applicant_bind_person(fx->reg, id, m1, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_applicant_bind_person(fx->reg, id, m1, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_applicant_bind_person(fx->reg, id, m2, err, sizeof(err)),
	    TC_ERR_POLICY);
	assert_non_null(strstr(err, "holder only"));
	tc_registry_rollback(fx->reg);
	assert_int_equal(
	    tc_applicant_get(fx->reg, id, &a, err, sizeof(err)), 0);
	assert_int_equal(a.has_person, 0); /* rolled back */
}

static void
test_tokens(void **state)
{
	struct fx_reg *fx = *state;
	char tok[TC_APPLICANT_TOKEN_LEN + 1], reset[TC_APPLICANT_TOKEN_LEN + 1];
	char err[256] = "";
	struct tc_applicant a;
	int64_t id = 0, who = 0;

	assert_int_equal(reg(fx, "t@example.com", PASS, &id), 0);
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(
	    tc_applicant_token_new(fx->reg, id, TC_APPLICANT_TOKEN_VERIFY, T0,
		tok, err, sizeof(err)),
	    0);
	assert_int_equal(strlen(tok), TC_APPLICANT_TOKEN_LEN);
	assert_int_equal(
	    tc_applicant_token_new(fx->reg, id, TC_APPLICANT_TOKEN_RESET, T0,
		reset, err, sizeof(err)),
	    0);
	/* The other purpose does not take it. */
	assert_int_equal(
	    tc_applicant_token_use(fx->reg, tok, TC_APPLICANT_TOKEN_RESET,
		"a new password here", T0, &who, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(
	    tc_applicant_token_use(fx->reg, tok, TC_APPLICANT_TOKEN_VERIFY,
		NULL, T0 + 60, &who, err, sizeof(err)),
	    0);
	assert_int_equal(who, id);
	/* Used once only. */
	assert_int_equal(
	    tc_applicant_token_use(fx->reg, tok, TC_APPLICANT_TOKEN_VERIFY,
		NULL, T0 + 60, &who, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	/* A reset token expires after an hour. */
	assert_int_equal(
	    tc_applicant_token_use(fx->reg, reset, TC_APPLICANT_TOKEN_RESET,
		"a new password here", T0 + TC_APPLICANT_RESET_SECONDS, &who,
		err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(
	    tc_applicant_token_new(fx->reg, id, TC_APPLICANT_TOKEN_RESET, T0,
		reset, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_applicant_token_use(fx->reg, reset, TC_APPLICANT_TOKEN_RESET,
		"short", T0, &who, err, sizeof(err)),
	    TC_ERR_POLICY);
	assert_int_equal(
	    tc_applicant_token_use(fx->reg, reset, TC_APPLICANT_TOKEN_RESET,
		"a new password here", T0, &who, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_applicant_token_use(fx->reg, "not-a-token",
		TC_APPLICANT_TOKEN_VERIFY, NULL, T0, &who, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	assert_int_equal(
	    tc_applicant_get(fx->reg, id, &a, err, sizeof(err)), 0);
	assert_int_equal(a.verified, 1);
	assert_int_equal(tc_applicant_login(fx->reg, "t@example.com", PASS, T0,
			     &a, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_int_equal(tc_applicant_login(fx->reg, "t@example.com",
			     "a new password here", T0, &a, err, sizeof(err)),
	    0);
}

/* An applicant sees the applications it made and nothing else. */
static void
test_visible(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_app_ctx c;
	struct tc_app a;
	char actor[TC_APPLICANT_ACTOR_MAX];

	tc_applicant_actor(7, actor);
	assert_string_equal(actor, "applicant:7");
	memset(&c, 0, sizeof(c));
	c.reg = fx->reg;
	c.operator_name = actor;
	c.applicant = 7;
	memset(&a, 0, sizeof(a));
	snprintf(a.created_by, sizeof(a.created_by), "applicant:7");
	assert_int_equal(tc_app_visible(&c, &a), 1);
	snprintf(a.created_by, sizeof(a.created_by), "applicant:70");
	assert_int_equal(tc_app_visible(&c, &a), 0);
	snprintf(a.created_by, sizeof(a.created_by), "demo-clerk");
	assert_int_equal(tc_app_visible(&c, &a), 0);
}

/* Signs idt in, in a transaction of its own; returns the result. */
static int
oidc_in(struct fx_reg *fx, const struct tc_applicant_oidc *idt,
    struct tc_applicant *a, int *created, char *err, size_t errlen)
{
	int r;

	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	r = tc_applicant_oidc(fx->reg, idt, T0, a, created, err, errlen);
	if (r == 0)
		assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	else
		tc_registry_rollback(fx->reg);
	return r;
}

/*
 * The identity's ID document is kept sealed on account id: it opens to
 * the normalised number; a password account has none; the sealed value
 * copied to another account does not open there.
 */
static void
identity_kept(struct fx_reg *fx, int64_t id)
{
	char number[TC_ID_MAX], err[256] = "", sql[160];
	enum tc_id_type type;
	int64_t other = 0;

	assert_int_equal(
	    tc_applicant_identity(fx->reg, id, &type, number, err, sizeof(err)),
	    0);
	assert_int_equal(type, TC_ID_RESIDENT);
	assert_string_equal(number, "11010519491231002X");
	assert_int_equal(
	    fx_reg_int(fx->reg,
		"SELECT count(*) FROM applicants WHERE instr(id_sealed, CAST('19491231' AS BLOB)) > 0"),
	    0);
	assert_int_equal(tc_registry_begin(fx->reg, NULL, 0), 0);
	assert_int_equal(tc_applicant_register(fx->reg, "kept@example.com",
			     PASS, NULL, "zh", 1, T0, &other, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, NULL, 0), 0);
	assert_int_equal(tc_applicant_identity(
			     fx->reg, other, &type, number, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	snprintf(sql, sizeof(sql),
	    "UPDATE applicants SET id_sealed = (SELECT id_sealed FROM applicants WHERE id = %lld) WHERE id = %lld",
	    (long long)id, (long long)other);
	fx_raw_exec(fx->path, sql);
	assert_int_equal(tc_applicant_identity(
			     fx->reg, other, &type, number, err, sizeof(err)),
	    TC_ERR_DECRYPT);
}

static void
test_oidc(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_applicant_oidc idt = { "https://id.example", "u-1", "张三",
		"resident", "11010519491231002X" };
	struct tc_applicant a, b;
	char err[256] = "";
	int created = -1;
	int64_t id = 0;

	assert_int_equal(oidc_in(fx, &idt, &a, &created, err, sizeof(err)), 0);
	assert_int_equal(created, 1);
	assert_int_equal(a.oidc, 1);
	assert_int_equal(a.verified, 1);
	assert_int_equal(a.has_person, 1);
	assert_string_equal(a.name, "张三");
	assert_int_equal(strncmp(a.login, "oidc:", 5), 0);
	assert_int_equal(strlen(a.login), 5 + 16);
	/* Again: the same account; the name follows the claim. */
	idt.name = "张 三";
	idt.id_number = "110105194912310 02x"; /* normalised: the same */
	assert_int_equal(oidc_in(fx, &idt, &b, &created, err, sizeof(err)), 0);
	assert_int_equal(created, 0);
	assert_int_equal(b.id, a.id);
	assert_string_equal(b.name, "张 三");
	identity_kept(fx, a.id);
	/* No password sign-in, no reset by its login. */
	assert_int_equal(tc_applicant_login(
			     fx->reg, a.login, PASS, T0, &b, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_int_equal(
	    tc_applicant_find(fx->reg, a.login, &id, err, sizeof(err)), 0);
	assert_int_equal(id, 0);
	/* The same subject of another issuer: another account. */
	idt.issuer = "https://other.example";
	assert_int_equal(oidc_in(fx, &idt, &b, &created, err, sizeof(err)), 0);
	assert_int_equal(created, 1);
	assert_true(b.id != a.id);
	/* The subject's account with another person's number: refused. */
	idt.issuer = "https://id.example";
	idt.id_number = "110105198001010016";
	assert_int_equal(
	    oidc_in(fx, &idt, &b, &created, err, sizeof(err)), TC_ERR_POLICY);
	assert_non_null(strstr(err, "holder only"));
	/* Refusals: no number, a bad number, no transaction. */
	idt.id_number = NULL;
	assert_int_equal(
	    oidc_in(fx, &idt, &b, &created, err, sizeof(err)), TC_ERR_POLICY);
	assert_non_null(strstr(err, "oidc-claims"));
	idt.id_number = "110105194912310021";
	assert_int_equal(
	    oidc_in(fx, &idt, &b, &created, err, sizeof(err)), TC_ERR_POLICY);
	assert_null(strstr(err, "110105"));
	idt.id_number = "11010519491231002X";
	assert_int_equal(
	    tc_applicant_oidc(fx->reg, &idt, T0, &b, NULL, err, sizeof(err)),
	    TC_ERR_STATE);
	/* A disabled account. */
	fx_raw_exec(fx->path, "UPDATE applicants SET disabled = 1");
	assert_int_equal(
	    oidc_in(fx, &idt, &b, &created, err, sizeof(err)), TC_ERR_AUTH);
}

#define TESTS(X, XF)                                                           \
	XF(test_login_norm, NULL, NULL)                                        \
	X(test_register_login)                                                 \
	X(test_lock)                                                           \
	X(test_person)                                                         \
	X(test_oidc)                                                           \
	X(test_tokens)                                                         \
	XF(test_visible, setup, fx_reg_teardown)

TC_UNIT_MAIN_EACH(TESTS, setup, fx_reg_teardown)
