/* SPDX-License-Identifier: MIT */
/*
 * The chip of a card in the registry (table chips, schema version 6): which
 * chip (its unique id, hex) was personalised for which card, with which
 * profile, and how far personalisation got. A row is made "incomplete"
 * before the first command that changes the chip, and set "done" only after
 * the chip passed a tap verification, so a card pulled at any moment leaves
 * the registry saying "incomplete". One chip per card and one card per chip,
 * for good: a card number is never written to a second chip, a chip never
 * carries a second card. Every change is audited in the same transaction
 * (actions "chip.personalise.start" and "chip.personalise.done", subject
 * "card:NUMBER"). docs/card-pcsc.md, "Personalisation".
 */
#ifndef TCARD_CHIP_H
#define TCARD_CHIP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/registry.h"

#define TC_CHIP_UID_MAX	    16 /* bytes */
#define TC_CHIP_UID_HEX	    (2 * TC_CHIP_UID_MAX + 1)
#define TC_CHIP_KEY_MAX	    128 /* DER SubjectPublicKeyInfo */
#define TC_CHIP_AUDIT_START "chip.personalise.start"
#define TC_CHIP_AUDIT_DONE  "chip.personalise.done"

enum tc_chip_state {
	TC_CHIP_INCOMPLETE = 1,
	TC_CHIP_DONE = 2,
};

struct tc_chip {
	int64_t serial;
	char card_no[17];
	char uid[TC_CHIP_UID_HEX]; /* lower-case hex */
	char profile[33];
	enum tc_chip_state state;
	int attempts;
	uint8_t card_key[TC_CHIP_KEY_MAX];
	size_t card_key_len; /* 0 until done */
	time_t started_at;
	time_t attempt_at;
	time_t done_at; /* 0 until done */
};

/* "incomplete" or "done". */
const char *tc_chip_state_name(enum tc_chip_state s);

/*
 * Reads the chip row of card serial. Returns 0, TC_ERR_NOT_FOUND (no chip
 * personalisation was ever started for it), TC_ERR_MALFORMED or a database
 * error.
 */
int tc_chip_get(struct tc_registry *reg, int64_t serial,
    struct tc_chip *out /* OUT */, char *err, size_t errlen);

/*
 * Finds the card whose chip has this uid (hex). Returns 0 with *serial,
 * TC_ERR_NOT_FOUND or a database error.
 */
int tc_chip_find_uid(struct tc_registry *reg, const char *uid,
    int64_t *serial /* OUT */, char *err, size_t errlen);

/*
 * Records the start of a personalisation attempt of card serial on chip
 * uid with profile: a new row (attempts 1) or, for the same chip still
 * incomplete, attempts + 1. Needs an open transaction; appends the audit
 * entry {"uid", "profile", "attempt"}. Sets *attempt (may be NULL).
 * Returns 0, TC_ERR_STATE (the card's chip is done, or no transaction),
 * TC_ERR_EXISTS (the card has another chip, or the chip belongs to another
 * card: the message names them), TC_ERR_INVALID_ARG (uid not 4..16 bytes
 * of lower-case hex, empty profile) or a database or audit error.
 */
int tc_chip_start(struct tc_registry *reg, int64_t serial, const char *uid,
    const char *profile, time_t now, const char *operator_name,
    int *attempt /* OUT */, char *err, size_t errlen);

/*
 * Marks the personalisation of card serial on chip uid done, with the
 * chip's public key (DER SubjectPublicKeyInfo, 1..TC_CHIP_KEY_MAX bytes).
 * Needs an open transaction; appends the audit entry {"uid", "profile",
 * "attempts"}. Returns 0, TC_ERR_NOT_FOUND (no start recorded),
 * TC_ERR_STATE (another chip, or done already), TC_ERR_INVALID_ARG or a
 * database or audit error.
 */
int tc_chip_done(struct tc_registry *reg, int64_t serial, const char *uid,
    const uint8_t *card_key, size_t card_key_len, time_t now,
    const char *operator_name, char *err, size_t errlen);

#endif
