/* SPDX-License-Identifier: MIT */
/*
 * The scratch registry of the unit tests that open one (test-registry.c,
 * test-operator.c, test-lifecycle.c): a fresh directory under /tmp holding
 * registry.db, keys of a fixed pattern (each test keeps its own, so what it
 * derives from them stays as it was), and the directory removed with all in
 * it at teardown. struct fx_reg holds the four; a test's fixture that needs
 * more begins with one, so that fx_reg_teardown serves it too. fx_raw_exec
 * runs SQL on a second, raw connection, as an attacker with the file would.
 */
#ifndef TC_FIXTURES_REGISTRY_H
#define TC_FIXTURES_REGISTRY_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "unit.h"
#include "tcard/organisation.h"
#include "tcard/registry.h"
#include "tcard/role.h"

/* A test's scratch registry: its directory, its file, its keys, its handle. */
struct fx_reg {
	char dir[64];
	char path[128];
	struct tc_registry_keys keys;
	struct tc_registry *reg;
};

/*
 * Makes the directory dir (OUT, 64 bytes) from the mkdtemp template tmpl
 * ("/tmp/tc-NAME-XXXXXX") and sets path (OUT, 128 bytes) to its
 * registry.db. Returns 0, or -1 when the directory cannot be made.
 */
static __attribute__((unused)) int
fx_reg_dir(char dir[64], char path[128], const char *tmpl)
{
	snprintf(dir, 64, "%s", tmpl);
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, 128, "%s/registry.db", dir);
	return 0;
}

/* Fills keys (OUT): pepper[i] = mul * i + add, data_key[i] = base + i. */
static __attribute__((unused)) void
fx_reg_keys(
    struct tc_registry_keys *keys, unsigned mul, unsigned add, unsigned base)
{
	size_t i;

	for (i = 0; i < TC_PII_KEY_LEN; i++) {
		keys->pepper[i] = (uint8_t)(mul * i + add);
		keys->data_key[i] = (uint8_t)(base + i);
	}
}

static __attribute__((unused)) int
fx_rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Removes dir and everything below it. */
static __attribute__((unused)) void
fx_rm_tree(const char *dir)
{
	nftw(dir, fx_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * A new struct fx_reg (fx_reg_teardown frees it) with its directory made
 * from tmpl and its keys filled by fx_reg_keys(mul, add, base); the
 * registry is not open yet. NULL when it cannot be made.
 */
static __attribute__((unused)) struct fx_reg *
fx_reg_new(const char *tmpl, unsigned mul, unsigned add, unsigned base)
{
	struct fx_reg *r = calloc(1, sizeof(*r));

	if (r == NULL || fx_reg_dir(r->dir, r->path, tmpl) != 0) {
		free(r);
		return NULL;
	}
	fx_reg_keys(&r->keys, mul, add, base);
	return r;
}

/*
 * The cmocka set-up of fx_reg_new's fixture: *state (OUT) is it. Returns 0,
 * or -1 when it cannot be made.
 */
static __attribute__((unused)) int
fx_reg_setup(
    void **state, const char *tmpl, unsigned mul, unsigned add, unsigned base)
{
	*state = fx_reg_new(tmpl, mul, add, base);
	return *state == NULL ? -1 : 0;
}

/*
 * The cmocka tear-down of a fixture that is, or begins with, a struct fx_reg
 * allocated with calloc: closes the registry, removes its directory and
 * frees the fixture. Returns 0.
 */
static __attribute__((unused)) int
fx_reg_teardown(void **state)
{
	struct fx_reg *r = *state;

	tc_registry_close(r->reg);
	fx_rm_tree(r->dir);
	free(r);
	return 0;
}

/* Runs sql on a second, raw connection to the file path (the "attacker"). */
static __attribute__((unused)) void
fx_raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("raw SQL failed: %s: %s", sql, msg);
	sqlite3_close(db);
}

/* A unit of the tests (a made-up employer, valid check character). */
#define FX_UNIT_A "91440106MA4T8R3H12"

/*
 * The organisation for a test operator with roles, made on first use
 * inside the caller's open transaction (which the caller audits): the unit
 * FX_UNIT_A for a unit reviewer, "fx-industry" for an industry reviewer,
 * "fx-district" for an HR reviewer, else NULL (the talent office).
 */
static __attribute__((unused)) const char *
fx_org_for(struct tc_registry *reg, unsigned roles)
{
	struct tc_organisation o;
	enum tc_org_kind kind;
	const char *code;
	char err[256] = "";

	if (roles & TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER)) {
		kind = TC_ORG_UNIT;
		code = FX_UNIT_A;
	} else if (roles & TC_ROLE_BIT(TC_ROLE_INDUSTRY_REVIEWER)) {
		kind = TC_ORG_INDUSTRY;
		code = "fx-industry";
	} else if (roles & TC_ROLE_BIT(TC_ROLE_HR_REVIEWER)) {
		kind = TC_ORG_DISTRICT;
		code = "fx-district";
	} else
		return NULL;
	if (tc_registry_org_get(reg, code, &o, NULL, 0) != 0 &&
	    tc_registry_org_add(reg, kind, code, "test organisation", 0, NULL,
		err, sizeof(err)) != 0)
		fail_msg("organisation %s: %s", code, err);
	return code;
}

/* SQL that takes a registry of schema 9 back to 8: no card documents. */
#define FX_UNDO_SCHEMA_9 "DROP TABLE card_documents;"

/* SQL that takes a registry of schema 17 back to 16: no print job. */
#define FX_UNDO_SCHEMA_17                                                      \
	"ALTER TABLE production DROP COLUMN print_reason;"                     \
	"ALTER TABLE production DROP COLUMN print_state;"                      \
	"ALTER TABLE production DROP COLUMN print_job;"

/*
 * SQL that takes a registry of schema 16 back to 15: no production queue
 * (the cards table keeps its wider CHECK, which step 16 rebuilds again).
 */
#define FX_UNDO_SCHEMA_16 "DROP TABLE production;"

/* SQL that takes a registry of schema 15 back to 14: no sealed identity. */
#define FX_UNDO_SCHEMA_15 "ALTER TABLE applicants DROP COLUMN id_sealed;"

/* SQL that takes a registry of schema 14 back to 13: no OIDC subjects. */
#define FX_UNDO_SCHEMA_14                                                      \
	"DROP INDEX applicants_oidc;"                                          \
	"ALTER TABLE applicants DROP COLUMN oidc_sub;"

/* SQL that takes a registry of schema 12 back to 11: no applicants. */
#define FX_UNDO_SCHEMA_12                                                      \
	"DROP INDEX applications_creator; DROP TABLE applicant_tokens;"        \
	"DROP TABLE applicants;"

/*
 * SQL that takes a registry of schema 13 back to 12: no outbox, no
 * organisations' nor operators' e-mail.
 */
#define FX_UNDO_SCHEMA_13                                                      \
	"DROP TABLE outbox; ALTER TABLE organisations DROP COLUMN email;"      \
	"ALTER TABLE operators DROP COLUMN email;"

/* SQL that takes a registry of schema 11 back to 10: no subject index. */
#define FX_UNDO_SCHEMA_11 "DROP INDEX audit_subject;"

/*
 * SQL that takes a registry of schema 10 back to 9: no record of the
 * current step's owner, nor its indexes, nor PDF page counts, nor the
 * index of names.
 */
#define FX_UNDO_SCHEMA_10                                                      \
	"DROP INDEX applications_queue; DROP INDEX applications_queue_org;"    \
	"DROP INDEX applications_queue_creator;"                               \
	"ALTER TABLE applications DROP COLUMN step_role;"                      \
	"ALTER TABLE applications DROP COLUMN step_org;"                       \
	"ALTER TABLE attachments DROP COLUMN pages;"                           \
	"DROP INDEX applications_name;"

/*
 * SQL that takes a registry of schema 8 back to 7 (tests that make an
 * older file by hand start with FX_UNDO_SCHEMA_17 FX_UNDO_SCHEMA_16
 * FX_UNDO_SCHEMA_15
 * FX_UNDO_SCHEMA_14 FX_UNDO_SCHEMA_13
 * FX_UNDO_SCHEMA_12 FX_UNDO_SCHEMA_11 FX_UNDO_SCHEMA_10 FX_UNDO_SCHEMA_9
 * FX_UNDO_SCHEMA_8): the operators table without the organisation and
 * TOTP columns, no organisations table.
 */
#define FX_UNDO_SCHEMA_8                                                                                                                                                                                                                                                                                                                                                                              \
	"CREATE TABLE operators_7 (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (name <> ''), roles TEXT NOT NULL DEFAULT '', pass_hash TEXT, disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)), created_at INTEGER NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0), locked_until INTEGER NOT NULL DEFAULT 0, pass_changed_at INTEGER) STRICT;" \
	"INSERT INTO operators_7 SELECT id, name, roles, pass_hash, disabled, created_at, failed_logins, locked_until, pass_changed_at FROM operators;"                                                                                                                                                                                                                                               \
	"DROP TABLE operators; ALTER TABLE operators_7 RENAME TO operators;"                                                                                                                                                                                                                                                                                                                          \
	"DROP TABLE organisations; DROP INDEX applications_employer_code;"

#endif
