/* SPDX-License-Identifier: MIT */
/*
 * The verdict of a QR e-card as JSON, shared by tcard-verify --json and
 * tcard-verifierd's POST /v1/verify so both programs say the same thing:
 * result (VALID, INVALID, SUSPENDED or UNKNOWN-STATUS), reason, detail,
 * message, status (the card's status, include/tcard/status.h), basis (the
 * CA, revocation list and snapshot it rests on) and, when the claims
 * could be decoded, authentic, card, name, tier, programme, expires,
 * principal and relation (sub-cards) and the services of the tier. Fields:
 * docs/formats.md ("tcard-verify --json") and docs/verifierd.md. The text
 * is written straight into a buffer (no JSON tree, no allocation per
 * field): the daemon writes one per verification.
 */
#ifndef TCARD_VERDICT_JSON_H
#define TCARD_VERDICT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcard/buf.h"
#include "tcard/credential.h"
#include "tcard/programme.h"

/*
 * Resolves the credential's programme code in set (may be NULL) and writes
 * the programme id into v->claims.programme ("code N" when the set does
 * not know the code). Returns the programme (owned by set) or NULL. Does
 * nothing and returns NULL when v has no claims.
 */
const struct tc_programme *tc_verdict_programme(
    struct tc_verdict *v, const struct tc_programme_set *set);

/*
 * Writes t (epoch seconds) as Asia/Shanghai local time,
 * "2028-11-21T00:00:00+08:00", into out.
 */
void tc_verdict_time(int64_t t, char out[40] /* OUT */);

/*
 * What the daemon changes in a verdict (any member may be NULL: keep the
 * verdict's own): the result, reason, detail and message, and a "warning"
 * member added after "message".
 */
struct tc_verdict_note {
	const char *result, *reason, *detail, *message, *warning;
};

/*
 * Appends the JSON object of the verdict v to out: p is the credential's
 * programme (for the services of the tier; NULL: "services" is null), note
 * may be NULL. The result is note's, else tc_status_result(v); "status" is
 * null unless v->authentic. pretty 0 gives one line, 1 the layout of jansson's
 * JSON_INDENT(2) (members in the order above). Ends with a newline.
 * Strings that are not UTF-8 have their bytes above 0x7f escaped one by
 * one. Returns 0 or the error of tc_buf_put (TC_ERR_TOO_LARGE,
 * TC_ERR_NOMEM).
 */
int tc_verdict_json_write(struct tc_buf *out, const struct tc_verdict *v,
    const struct tc_programme *p, const struct tc_verdict_note *note,
    int pretty);

/*
 * The same object as a jansson json_t * (the caller json_decref()s it),
 * for callers that add members (tcard-verify --reader adds "chip"): parsed
 * from tc_verdict_json_write's text, so the two never differ. Returns NULL
 * when allocation failed.
 */
void *tc_verdict_json(const struct tc_verdict *v, const struct tc_programme *p);

/*
 * Appends the tier's services of p as text lines ("English / 中文" when
 * both languages are given) to arr (a json_t array) when not NULL, else
 * prints them to f as "  - line". Returns the number of services.
 */
int tc_verdict_services(
    const struct tc_programme *p, const char *tier, void *arr, FILE *f);

/*
 * Prints the claims of v (when it has any) as the text output of
 * tcard-verify: a NOT GENUINE warning when the signature did not verify
 * (the claims are as the source, "text" or "chip", claims them), then
 * card, name, tier, programme, expires and, for sub-cards, the main card.
 */
void tc_verdict_print_claims(
    FILE *f, const struct tc_verdict *v, const char *source);

/*
 * Prints the status of v and its basis as tcard-verify's text output:
 * "status:" (when the claims are authentic), the revocation list and
 * snapshot used, and "trust:" how the trust list's CA was accepted (a
 * loud line when it was not pinned).
 */
void tc_verdict_print_status(FILE *f, const struct tc_verdict *v);

struct tc_ledger;

/*
 * With a service window's usage ledger: the tier's services of p as
 * tc_verdict_services prints them, each followed by what the card of v has
 * left now ("1 of 2 left this month", "unlimited", "with the physical card
 * only", "none left: X was used instead"), and after a service each of its
 * options with a quota of its own ("      Name (id.option): ..."), for a
 * use over channel (TC_CHANNEL_QR or TC_CHANNEL_CHIP). Prints to f (may be
 * NULL) and appends to arr (a json_t array, may be NULL) one object per
 * service and option listed: service, allowed, reason, limit, used,
 * remaining (null when unlimited), period, exclusive_with. Returns the
 * number of services.
 */
int tc_verdict_usage(const struct tc_programme *p, const struct tc_verdict *v,
    struct tc_ledger *led, unsigned channel, time_t now, void *arr, FILE *f);

/*
 * Adds to o (a json_t object) the member "usage": the array
 * tc_verdict_usage fills for v (nothing when allocation failed).
 */
void tc_verdict_json_usage(void *o, const struct tc_programme *p,
    const struct tc_verdict *v, struct tc_ledger *led, unsigned channel,
    time_t now);

/*
 * Prints the first line of tcard-verify's text output: "VALID", "VALID
 * (status not checked)" or "RESULT reason: message"; with_detail adds the
 * detail in brackets after the reason when it says more than the reason.
 */
void tc_verdict_print_result(
    FILE *f, const struct tc_verdict *v, int with_detail);

/*
 * Prints "services:" and the tier's services of p below it: with what the
 * card of v has left (tc_verdict_usage, for a use over channel) when led
 * is not NULL, else as tc_verdict_services lists them; "  (none for this
 * tier)" when the tier has none.
 */
void tc_verdict_print_services(FILE *f, const struct tc_programme *p,
    const struct tc_verdict *v, struct tc_ledger *led, unsigned channel,
    time_t now);

#endif
