/* SPDX-License-Identifier: MIT */
/*
 * For the unit tests that look under the registry's API with SQL on its own
 * connection (test-registry.c, test-operator.c): a number read with the
 * registry's handle, which only the registry's private header shows: a
 * white-box test of src/registry/ includes src/registry/registry-int.h
 * before this file (scripts/check-layout lets only those include it). The
 * raw connection of an "attacker" is fx_raw_exec in fixtures-registry.h.
 */
#ifndef TC_FIXTURES_REGISTRY_SQL_H
#define TC_FIXTURES_REGISTRY_SQL_H

#include <stdint.h>

#include <sqlite3.h>

#include "unit.h"
#include "tcard/registry.h"
#include "fixtures-registry.h"

/* The first column of the first row of sql, on reg's own connection. */
static __attribute__((unused)) int64_t
fx_reg_int(struct tc_registry *reg, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(
	    sqlite3_prepare_v2(reg->db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#endif
