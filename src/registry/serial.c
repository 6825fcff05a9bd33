/* SPDX-License-Identifier: MIT */
/*
 * Card serial reservation (include/tcard/serial.h). The counter row of
 * serial_counter is raised and committed, with its audit entry, before the
 * serial is used anywhere, because an SQLite rollback would also roll back
 * the counter: reserving inside the card's own transaction would hand the
 * same serial out again after a failed issue. Uses the private registry
 * handle (src/registry/registry-int.h).
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "registry-int.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/serial.h"

/* The next serial the counter would give, and the counter row's value. */
static int
next_serial(struct tc_registry *reg, int64_t *next, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	rc = sqlite3_prepare_v2(reg->db,
	    "SELECT max(last, (SELECT coalesce(max(serial), 0) FROM cards)) FROM serial_counter WHERE id = 1",
	    -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
		*next = sqlite3_column_int64(st, 0) + 1;
		r = 0;
	} else if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		r = tc_seterr(err, errlen, TC_ERR_DB,
		    "%s: the serial counter row is missing or altered",
		    reg->path);
	else
		r = tc_reg_dberr(
		    reg, rc, "reading the serial counter", err, errlen);
	tc_reg_finalize(reg, st);
	return r;
}

int
tc_serial_last(struct tc_registry *reg, int64_t *last, char *err, size_t errlen)
{
	int64_t next;
	int r;

	if (reg == NULL || last == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = next_serial(reg, &next, err, errlen)) != 0)
		return r;
	*last = next - 1;
	return 0;
}

int
tc_serial_next(
    struct tc_registry *reg, int64_t *serial, char *err, size_t errlen)
{
	int r;

	if (reg == NULL || serial == NULL)
		return tc_reg_no_arg(err, errlen);
	*serial = 0;
	if ((r = tc_reg_need_tx(reg, "allocating a card", err, errlen)) != 0 ||
	    (r = next_serial(reg, serial, err, errlen)) != 0)
		return r;
	if (*serial > (int64_t)TC_CARDNO_SERIAL_MAX) {
		*serial = 0;
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "all %u card serials have been used", TC_CARDNO_SERIAL_MAX);
	}
	return 0;
}

int
tc_serial_reserve(struct tc_registry *reg, const char *operator_name,
    const char *subject, time_t now, int64_t *serial, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char detail[64];
	int64_t next = 0;
	int rc, r;

	if (reg == NULL || serial == NULL || operator_name == NULL ||
	    *operator_name == '\0')
		return tc_reg_no_arg(err, errlen);
	*serial = 0;
	if (reg->in_tx || !sqlite3_get_autocommit(reg->db))
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "a serial is reserved in a transaction of its own; commit or roll back the open one first");
	if ((r = tc_registry_begin(reg, err, errlen)) != 0)
		return r;
	if ((r = next_serial(reg, &next, err, errlen)) != 0)
		goto out;
	if (next > (int64_t)TC_CARDNO_SERIAL_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_RANGE,
		    "all %u card serials have been used", TC_CARDNO_SERIAL_MAX);
		goto out;
	}
	rc = sqlite3_prepare_v2(reg->db,
	    "UPDATE serial_counter SET last = ?1 WHERE id = 1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, next);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE) {
		r = tc_reg_dberr(
		    reg, rc, "raising the serial counter", err, errlen);
		goto out;
	}
	if (sqlite3_changes(reg->db) != 1) {
		r = tc_seterr(err, errlen, TC_ERR_DB,
		    "%s: the serial counter row is missing", reg->path);
		goto out;
	}
	reg->dirty = 1;
	snprintf(detail, sizeof(detail), "{\"serial\":%lld}", (long long)next);
	if ((r = tc_registry_audit(reg, now, operator_name, "serial.reserve",
		 subject, detail, err, errlen)) != 0)
		goto out;
	tc_reg_finalize(reg, st);
	st = NULL;
	if ((r = tc_registry_commit(reg, err, errlen)) != 0)
		return r;
	*serial = next;
	return 0;
out:
	tc_reg_finalize(reg, st);
	tc_registry_rollback(reg);
	return r;
}
