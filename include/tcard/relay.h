/* SPDX-License-Identifier: MIT */
/*
 * The station relay (docs/station.md): a card that is in a reader at a
 * bank branch, driven by tcard-issuerd. Two sides meet in a struct
 * tc_relay, each on its own thread:
 *
 *   the driver   a struct tc_icc (tc_relay_icc) whose exchanges wait on
 *                the relay's condition variable: a command whose answer is
 *                needed leaves with every deferred command queued before
 *                it (tc_icc_apdu_deferred, tc_icc_apdu_later) as one
 *                batch, and the exchange returns when the batch's answers
 *                are back or the relay's deadline passed; the answers
 *                wanted later go to their slots of the struct tc_icc;
 *   the station  the office's poll handler hands the batch out
 *                (tc_relay_take, a long poll) and gives the station's
 *                answers back (tc_relay_give).
 *
 * A deferred command whose answer does not match its patterns, a card
 * removed, a station silent past the deadline, or tc_relay_cancel, ends
 * the relay: that call and every later one on the driver's side fail with
 * the reason. tc_station_run() is the station's side of a batch on its
 * reader. The relay never interprets APDUs either.
 */
#ifndef TCARD_RELAY_H
#define TCARD_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/pcsc.h"
#include "tcard/station-proto.h"

#define TC_RELAY_BATCH_MS   30000	 /* default deadline of one batch */
#define TC_RELAY_BATCH_DATA (128 * 1024) /* command bytes in one batch */

struct tc_relay;

/*
 * A relay for job (1..TC_STATION_JOB_MAX characters of A-Z a-z 0-9 -) on
 * the card whose ATR is atr; batch_ms is the deadline of one batch (0:
 * TC_RELAY_BATCH_MS). The caller holds one reference. Returns 0,
 * TC_ERR_INVALID_ARG, TC_ERR_NOMEM, TC_ERR_INTERNAL.
 */
int tc_relay_new(struct tc_relay **out /* OUT */, const char *job,
    const uint8_t *atr, size_t atrlen, int batch_ms);

/* Takes one more reference; drops one (the last frees the relay). */
void tc_relay_hold(struct tc_relay *rl);
void tc_relay_release(struct tc_relay *rl);

/*
 * The driver's connection: a struct tc_icc on the relay (it holds a
 * reference until tc_icc_close). name names it in messages. Returns as
 * tc_icc_new.
 */
int tc_relay_icc(
    struct tc_icc **out /* OUT */, struct tc_relay *rl, const char *name);

/*
 * The station's side: waits up to wait_ms for a batch and copies it to
 * *out (zero it first; tc_station_resp_free after). Returns 0 with
 * out->batch set, 0 with out->batch 0 when none came in time, or the
 * relay's end reason when it has ended.
 */
int tc_relay_take(struct tc_relay *rl, int wait_ms,
    struct tc_station_resp *out /* OUT */, char *err, size_t errlen);

/*
 * The station's answers (req->batch, answers, stop) to the batch handed
 * out. Returns 0, TC_ERR_STATE (not the batch outstanding: the relay
 * ends), TC_ERR_MALFORMED (more answers than commands), or the relay's
 * end reason.
 */
int tc_relay_give(struct tc_relay *rl, const struct tc_station_req *req,
    char *err, size_t errlen);

/*
 * Ends the relay: the driver's calls fail with code (a TC_ERR_*) and msg.
 * The first reason stays.
 */
void tc_relay_cancel(struct tc_relay *rl, int code, const char *msg);

/*
 * The relay's state, read at once: the batches answered so far (the
 * job's round trips) and the TC_ERR_* that ended it, 0 while it runs.
 * Either pointer may be NULL.
 */
void tc_relay_state(
    struct tc_relay *rl, unsigned *round_trips /* OUT */, int *end /* OUT */);

/*
 * Runs batch on icc as a station does: each command in order with
 * tc_icc_transmit, stopping after the first answer whose status word
 * matches none of the command's patterns, or at a card or reader error.
 * Fills req's batch, answers and stop (zero it first, or keep its reader
 * fields; answers it held are freed). Returns 0 (a stop is an answer too),
 * TC_ERR_NOMEM.
 */
int tc_station_run(struct tc_icc *icc, const struct tc_station_resp *batch,
    struct tc_station_req *req);

#endif
