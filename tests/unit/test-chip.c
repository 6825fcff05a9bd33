/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of chip records (src/registry/chip.c, schema version 6): a start makes
 * an "incomplete" row and each further start on the same chip counts an
 * attempt; done needs the same chip and records the key; a card never
 * gets a second chip and a chip never a second card; a done row is final;
 * rows cannot be deleted or moved even with raw SQL (the triggers); every
 * change needs a transaction and appends its audit entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>

#include <sqlite3.h>

#include "unit.h"
#include "tcard/cardno.h"
#include "tcard/chip.h"
#include "tcard/err.h"
#include "tcard/registry.h"

#include "fixtures-registry.h"

#define FAKE_ID "11010519491231002X"
#define UID_A	"0011223344556677"
#define UID_B	"8899aabbccddeeff"

struct fixture {
	struct fx_reg r; /* first, for fx_reg_teardown */
	int64_t s1, s2;
};

static void
add_card(struct tc_registry *reg, int64_t holder, int64_t serial)
{
	struct tc_card c;

	memset(&c, 0, sizeof(c));
	c.serial = serial;
	assert_int_equal(
	    tc_cardno_make("440111", (uint64_t)serial, c.card_no), 0);
	c.holder_id = holder;
	strcpy(c.programme, "baiyun-yunju");
	strcpy(c.tier, "gold");
	c.status = TC_CARD_ISSUED;
	c.issued_at = 1000;
	c.expires_at = 2000000000;
	assert_int_equal(tc_registry_card_add(reg, &c, NULL, 0), 0);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct tc_registry_keys keys;
	struct tc_holder h;
	int64_t holder;

	memset(&keys, 0x5a, sizeof(keys));
	assert_int_equal(
	    fx_reg_dir(fx->r.dir, fx->r.path, "/tmp/tc-chip-XXXXXX"), 0);
	assert_int_equal(tc_registry_open(&fx->r.reg, fx->r.path, &keys,
			     TC_REGISTRY_CREATE, NULL, 0),
	    0);
	memset(&h, 0, sizeof(h));
	h.id_type = TC_ID_RESIDENT;
	strcpy(h.id_number, FAKE_ID);
	strcpy(h.name, "Test Holder");
	assert_int_equal(tc_registry_begin(fx->r.reg, NULL, 0), 0);
	assert_int_equal(
	    tc_registry_holder_add(fx->r.reg, &h, 1000, &holder, NULL, 0), 0);
	fx->s1 = 11;
	fx->s2 = 12;
	add_card(fx->r.reg, holder, fx->s1);
	add_card(fx->r.reg, holder, fx->s2);
	assert_int_equal(tc_registry_audit(fx->r.reg, 1000, "test",
			     "test.setup", "", "{}", NULL, 0),
	    0);
	assert_int_equal(tc_registry_commit(fx->r.reg, NULL, 0), 0);
	*state = fx;
	return 0;
}

/* Ends the transaction of a chip change: commits it when r is 0, else
 * rolls it back. Returns r. */
static int
end(struct fixture *fx, int r)
{
	if (r == 0)
		assert_int_equal(tc_registry_commit(fx->r.reg, NULL, 0), 0);
	else
		tc_registry_rollback(fx->r.reg);
	return r;
}

/* Runs one chip change in its own transaction. */
static int
start(struct fixture *fx, int64_t serial, const char *uid, int *attempt,
    char *err, size_t errlen)
{
	int r;

	assert_int_equal(tc_registry_begin(fx->r.reg, NULL, 0), 0);
	r = tc_chip_start(
	    fx->r.reg, serial, uid, "tcard", 2000, "op", attempt, err, errlen);
	return end(fx, r);
}

static int
done(struct fixture *fx, int64_t serial, const char *uid)
{
	static const uint8_t key[91] = { 0x30, 0x59 };
	int r;

	assert_int_equal(tc_registry_begin(fx->r.reg, NULL, 0), 0);
	r = tc_chip_done(
	    fx->r.reg, serial, uid, key, sizeof(key), 3000, "op", NULL, 0);
	return end(fx, r);
}

static int
raw(struct fixture *fx, const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(fx->r.path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void
test_lifecycle(void **state)
{
	struct fixture *fx = *state;
	struct tc_chip c;
	char err[256];
	int attempt;

	assert_true(tc_registry_schema_version(fx->r.reg) >= 6);
	assert_int_equal(tc_chip_get(fx->r.reg, fx->s1, &c, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	/* Outside a transaction: refused. */
	assert_int_equal(tc_chip_start(fx->r.reg, fx->s1, UID_A, "tcard", 2000,
			     "op", NULL, NULL, 0),
	    TC_ERR_STATE);
	assert_int_equal(
	    start(fx, fx->s1, UID_A, &attempt, err, sizeof(err)), 0);
	assert_int_equal(attempt, 1);
	assert_int_equal(
	    start(fx, fx->s1, UID_A, &attempt, err, sizeof(err)), 0);
	assert_int_equal(attempt, 2);
	assert_int_equal(tc_chip_get(fx->r.reg, fx->s1, &c, NULL, 0), 0);
	assert_int_equal(c.state, TC_CHIP_INCOMPLETE);
	assert_int_equal(c.attempts, 2);
	assert_string_equal(c.uid, UID_A);
	assert_int_equal(c.card_key_len, 0);
	/* Another chip for the card, the chip for another card: refused. */
	assert_int_equal(
	    start(fx, fx->s1, UID_B, NULL, err, sizeof(err)), TC_ERR_EXISTS);
	assert_non_null(strstr(err, "never written to a second chip"));
	assert_int_equal(
	    start(fx, fx->s2, UID_A, NULL, err, sizeof(err)), TC_ERR_EXISTS);
	assert_non_null(strstr(err, "never personalised for a second card"));
	assert_int_equal(done(fx, fx->s1, UID_B), TC_ERR_STATE);
	assert_int_equal(done(fx, fx->s2, UID_B), TC_ERR_NOT_FOUND);
	assert_int_equal(done(fx, fx->s1, UID_A), 0);
	assert_int_equal(tc_chip_get(fx->r.reg, fx->s1, &c, NULL, 0), 0);
	assert_int_equal(c.state, TC_CHIP_DONE);
	assert_int_equal(c.card_key_len, 91);
	assert_int_equal(c.done_at, 3000);
	assert_int_equal(done(fx, fx->s1, UID_A), TC_ERR_STATE);
	assert_int_equal(
	    start(fx, fx->s1, UID_A, NULL, err, sizeof(err)), TC_ERR_STATE);
	/* A bad uid. */
	assert_int_equal(start(fx, fx->s2, "00112233445566ZZ", NULL, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    start(fx, fx->s2, "0011", NULL, NULL, 0), TC_ERR_INVALID_ARG);
	{
		int64_t serial;

		assert_int_equal(
		    tc_chip_find_uid(fx->r.reg, UID_A, &serial, NULL, 0), 0);
		assert_int_equal(serial, fx->s1);
		assert_int_equal(
		    tc_chip_find_uid(fx->r.reg, UID_B, &serial, NULL, 0),
		    TC_ERR_NOT_FOUND);
	}
}

static void
test_triggers(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(start(fx, fx->s1, UID_A, NULL, NULL, 0), 0);
	assert_int_equal(start(fx, fx->s2, UID_B, NULL, NULL, 0), 0);
	assert_int_equal(done(fx, fx->s2, UID_B), 0);
	assert_int_not_equal(raw(fx, "DELETE FROM chips"), SQLITE_OK);
	assert_int_not_equal(
	    raw(fx,
		"UPDATE chips SET uid = 'ffffffffffffffff' WHERE serial = 11"),
	    SQLITE_OK);
	assert_int_not_equal(
	    raw(fx, "UPDATE chips SET serial = 12 WHERE serial = 11"),
	    SQLITE_OK);
	assert_int_not_equal(
	    raw(fx,
		"UPDATE chips SET state = 'incomplete', done_at = NULL, card_key = NULL WHERE serial = 12"),
	    SQLITE_OK);
	assert_int_not_equal(
	    raw(fx, "UPDATE chips SET state = 'done' WHERE serial = 11"),
	    SQLITE_OK); /* done needs done_at and the key */
	assert_int_equal(
	    raw(fx, "UPDATE chips SET attempts = 3 WHERE serial = 11"),
	    SQLITE_OK);
}

static void
test_audit(void **state)
{
	struct fixture *fx = *state;
	struct tc_audit_report rep;

	assert_int_equal(start(fx, fx->s1, UID_A, NULL, NULL, 0), 0);
	assert_int_equal(done(fx, fx->s1, UID_A), 0);
	assert_int_equal(
	    tc_registry_audit_verify(fx->r.reg, NULL, &rep, NULL, 0), 0);
	/* setup, start, done */
	assert_int_equal(rep.entries, 3);
}

#define TESTS(X, XF)                                                           \
	X(test_lifecycle)                                                      \
	X(test_triggers)                                                       \
	X(test_audit)

TC_UNIT_MAIN_EACH(TESTS, setup, fx_reg_teardown)
