/* SPDX-License-Identifier: MIT */
/*
 * Private helpers shared by the card platform tables (src/card/card-iso.c,
 * src/card/card-tcard.c, src/card/card-piv.c) and src/card/cardops.c, which builds the
 * tables. Not installed, not for other modules.
 */
#ifndef TCARD_CARD_INT_H
#define TCARD_CARD_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/apdu.h"
#include "tcard/buf.h"
#include "tcard/cardops.h"
#include "tcard/pcsc.h"

/*
 * Sends a and demands 9000; the answer data is appended to data. Another
 * status word is TC_ERR_NOT_FOUND (6A82, 6A88) or TC_ERR_BAD_SW, with a
 * message naming the reader, what and the status word.
 */
int tc_card_expect_ok(struct tc_icc *icc, const struct tc_apdu *a,
    struct tc_buf *data, const char *what, char *err, size_t errlen);

/*
 * The same for a step of an authentication (what: "EXTERNAL AUTHENTICATE"):
 * another status word is TC_ERR_SECURE_CHANNEL, with the same message, so
 * that the caller may try another key.
 */
int tc_card_auth_ok(struct tc_icc *icc, const struct tc_apdu *a,
    struct tc_buf *data, const char *what, char *err, size_t errlen);

/*
 * The same two for a command whose answer the next command does not need
 * and whose answer data nobody reads: on a transport that batches (the
 * station relay) it is queued and its 9000 checked when the batch comes
 * back (tc_icc_apdu_deferred: a refusal then fails a later call); on any
 * other it is sent at once and judged as above.
 */
int tc_card_expect_ok_later(struct tc_icc *icc, const struct tc_apdu *a,
    const char *what, char *err, size_t errlen);
int tc_card_auth_ok_later(struct tc_icc *icc, const struct tc_apdu *a,
    const char *what, char *err, size_t errlen);

/* The pattern of a deferred command that must answer 9000. */
extern const struct tc_icc_sw tc_card_sw_ok[1];

/* The CLOCK_MONOTONIC time ms milliseconds from now, for a timed wait. */
struct timespec tc_card_deadline(int ms);

/* Fill ops with the platform's table: the ISO defaults, overridden. */
void tc_card_tcard_init(struct tc_card_ops *ops);
void tc_card_piv_init(struct tc_card_ops *ops);

#endif
