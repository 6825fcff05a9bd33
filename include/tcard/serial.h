/* SPDX-License-Identifier: MIT */
/*
 * Card serials: the registry-wide numbers (1..999999999) that card numbers
 * carry and revocation lists index. A serial is handed out once, ever. The
 * counter (table serial_counter, schema version 3) only goes up: a trigger
 * refuses to lower it, and every card inserted with a higher serial moves
 * it up. A serial is reserved in a transaction of its own, committed before
 * anything uses it, so a card whose creation then fails or is rolled back
 * leaves a gap instead of a serial that a later card could take again; a
 * deleted card's serial never comes back either. docs/workflow.md.
 */
#ifndef TCARD_SERIAL_H
#define TCARD_SERIAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/registry.h"

/*
 * Reserves the next serial: max(counter, largest card serial) + 1, and
 * writes the audit entry "serial.reserve" (operator_name, subject, detail
 * {"serial": N}) in the same transaction, which this function begins and
 * commits itself. subject (may be NULL) says what the serial is for, such
 * as "application:12". Must be called outside a transaction. Returns
 *   0 and *serial;
 *   TC_ERR_STATE        a transaction is open;
 *   TC_ERR_RANGE        the counter reached TC_CARDNO_SERIAL_MAX;
 *   TC_ERR_INVALID_ARG  a NULL argument or an empty operator name;
 *   TC_ERR_DB, TC_ERR_DB_BUSY, TC_ERR_NOMEM, and the errors of
 *   tc_registry_audit.
 */
int tc_serial_reserve(struct tc_registry *reg, const char *operator_name,
    const char *subject, time_t now, int64_t *serial /* OUT */, char *err,
    size_t errlen);

/*
 * The serial the next card added in the open transaction takes (the
 * counter follows the insert, trigger cards_serial_counter). For a card
 * allocated inside a larger transaction (the production card of the last
 * approval, docs/workflow.md "Production"): a rollback drops the card and
 * the serial together, before anything outside the registry saw either.
 * Returns 0 and *serial; TC_ERR_STATE (no open transaction); TC_ERR_RANGE
 * (serials exhausted); a database error.
 */
int tc_serial_next(struct tc_registry *reg, int64_t *serial /* OUT */,
    char *err, size_t errlen);

/* The last serial handed out (0 when none). Returns 0 or a database error. */
int tc_serial_last(
    struct tc_registry *reg, int64_t *last /* OUT */, char *err, size_t errlen);

#endif
