/* SPDX-License-Identifier: MIT */
/*
 * Tap verification of a physical card at a service window: find the
 * application (include/tcard/cardapp.h), read the credential and verify it
 * exactly as a QR e-card is verified (tc_credential_verify: trust list,
 * dates, revocation list), then send a fresh random challenge and check the
 * card's signature with the card key the credential carries (active
 * authentication, as ICAO 9303 does). A copy of the data on another card
 * (a clone) holds the credential but not the key, and is refused as
 * "clone". Three APDUs on a tcard (SELECT, READ BINARY, INTERNAL
 * AUTHENTICATE), three or four on a PIV card.
 *
 * tc_tap_verify_reader() is the whole thing on a named reader with its
 * deadlines; a daemon watching a reader calls tc_pcsc_wait() for a card and
 * then this.
 */
#ifndef TCARD_TAP_H
#define TCARD_TAP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/credential.h"
#include "tcard/pcsc.h"
#include "tcard/profile.h"

struct tc_revocations;

/* Reasons a tap adds to those of struct tc_verdict. */
#define TC_REASON_CLONE		   "clone"	      /* wrong key on card */
#define TC_REASON_NOT_PERSONALISED "not-personalised" /* no credential */
#define TC_REASON_NO_CARD_KEY	   "no-card-key"      /* a QR credential */

struct tc_tap_result {
	struct tc_verdict v; /* v.reason one of the above or QR's */
	char profile[33];    /* the profile that fit the card */
	unsigned apdus;	     /* exchanges with the card */
	double ms;	     /* wall time of the card operations */
	int card_checked;    /* the challenge was signed and checked */
};

/*
 * Verifies the card on icc (already connected). profile is a profile name
 * or NULL / "auto". Fills *out. Returns 0 when the verification ran to a
 * verdict (out->v.valid: VALID or INVALID with a reason), or the error of
 * the card or reader when it could not (card removed, timeout, no
 * profile fits, an answer that does not parse); err says what happened.
 */
int tc_tap_verify(struct tc_icc *icc, const struct tc_profile_set *profiles,
    const char *profile, const struct tc_cose_keyring *trust,
    const struct tc_revocations *rev, time_t now,
    struct tc_tap_result *out /* OUT */, char *err, size_t errlen);

/*
 * Connects to reader (tc_icc_open_pcsc with o), runs tc_tap_verify and
 * disconnects. Returns as tc_tap_verify and tc_icc_open_pcsc.
 */
int tc_tap_verify_reader(const char *reader, const struct tc_icc_opts *o,
    const struct tc_profile_set *profiles, const char *profile,
    const struct tc_cose_keyring *trust, const struct tc_revocations *rev,
    time_t now, struct tc_tap_result *out /* OUT */, char *err, size_t errlen);

/*
 * The QR text ("TC1N:" + Base45) of COSE bytes, so that a credential read
 * from a chip goes through the very checks of a QR e-card. Returns 0,
 * TC_ERR_TOO_LARGE or TC_ERR_NOMEM.
 */
int tc_tap_cose_text(const uint8_t *cose, size_t len, struct tc_buf *text);

#endif
