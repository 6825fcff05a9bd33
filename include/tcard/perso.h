/* SPDX-License-Identifier: MIT */
/*
 * Personalisation of a card's chip at a bank branch: the steps of the
 * card's profile (include/tcard/profile.h) run on the card
 * (include/tcard/cardapp.h), around two registry transactions
 * (include/tcard/chip.h):
 *
 *   1. the card must be live; its claims (holder binding included) are
 *      built as for its QR e-card;
 *   2. the application is selected and the chip's unique id read;
 *   3. registry: "incomplete", attempt N (before the first command that
 *      changes the chip; a chip bound to another card, or a card bound to
 *      another chip, is refused here);
 *   4. the profile's steps: authenticate, rotate the factory keys to the
 *      card's own, generate the key pair on the card, sign the credential
 *      (claims + the chip's public key) with the programme's signer,
 *      [PIV: certificate of the key from the CA], write it, [tcard: lock];
 *      the last step that changes the chip is the one that makes it
 *      verifiable, so a chip pulled before it never passes verification;
 *   5. check: a tap verification of the chip with the signer's key (when
 *      the profile lists it; on a connection that batches, the station
 *      relay, always, inside the last batch: docs/station.md "Answers
 *      wanted later"), and every answer left for later judged;
 *   6. registry: "done" with the chip's public key.
 *
 * Running it again after any failure restarts from step 2 on the same chip
 * (a new key pair, a new credential) or, when the chip turns out complete
 * already (its last answer was lost), only checks it and records it done.
 *
 * Steps 2 to 6 are one driver, tc_perso_drive(), that needs neither the
 * registry nor a key: what needs them comes through a struct
 * tc_perso_env of callbacks (the registry's two brackets, the card keys of
 * include/tcard/cardapp.h, the credential's signature and the PIV
 * certificate), in the manner of Dogtag's TPS asking its TKS. The card is
 * any struct tc_icc: a PC/SC reader here, or a station's reader relayed by
 * tcard-issuerd (docs/station.md), whose monitor answers the callbacks.
 * tc_personalise() is the driver with the local callbacks over the
 * registry and the key store.
 */
#ifndef TCARD_PERSO_H
#define TCARD_PERSO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/buf.h"
#include "tcard/cardapp.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/keystore.h"
#include "tcard/pcsc.h"
#include "tcard/profile.h"
#include "tcard/programme.h"
#include "tcard/registry.h"

struct tc_perso_opts {
	const char *reader;	   /* PC/SC reader name (or unique part) */
	const char *profile;	   /* profile name, NULL or "auto" */
	const char *operator_name; /* for the audit log */
	time_t now;
	struct tc_icc_opts icc; /* wait and timeout; exclusive is forced */
};

struct tc_perso_result {
	char card_no[17];
	char uid[33]; /* hex */
	char profile[33];
	int attempt;	  /* 1 for the first */
	int was_complete; /* the chip was complete; only checked now */
	unsigned apdus;	  /* exchanges with the card, check included */
	double ms;	  /* wall time of the card operations */
	const char *step; /* the step that failed, NULL on success */
};

/* What the driver is told of the card to make (from the registry). */
struct tc_perso_job {
	char card_no[17];
	int cose_alg;	   /* the programme's: the card key's algorithm */
	int chip_known;	   /* the card has a chip record */
	int chip_done;	   /* ... and it says done */
	char chip_uid[33]; /* hex, when chip_known */
	int chip_attempts;
};

/*
 * The driver's callbacks; ctx is theirs. Each returns 0 or a TC_ERR_* with
 * a message:
 *   chip_start       registry: the job's card is "incomplete" on chip uid
 *                    (hex) with profile, *attempt its attempt (1 first);
 *                    committed before the chip is changed;
 *   chip_done        registry: "done" with the chip's public key (DER
 *                    SubjectPublicKeyInfo);
 *   sign_credential  the credential of the job's card (its claims, the
 *                    card key spki) as COSE_Sign1 bytes, appended to cose;
 *   card_cert        PIV: the X.509 certificate (DER, appended to der) of
 *                    the card key spki for the job's card.
 * card_keys gives the card's keys, ring the signer's public key (the final
 * tap verification), now the time of the verification.
 */
struct tc_perso_env {
	void *ctx;
	const struct tc_card_keys *card_keys;
	const struct tc_cose_keyring *ring;
	time_t now;
	int (*chip_start)(void *ctx, const char *uid, const char *profile,
	    int *attempt /* OUT */, char *err, size_t errlen);
	int (*chip_done)(void *ctx, const char *uid, const uint8_t *key,
	    size_t keylen, char *err, size_t errlen);
	int (*sign_credential)(void *ctx, const uint8_t *spki, size_t n,
	    struct tc_buf *cose, char *err, size_t errlen);
	int (*card_cert)(void *ctx, const uint8_t *spki, size_t n,
	    struct tc_buf *der, char *err, size_t errlen);
};

/*
 * Steps 2 to 6 above on the card at icc (borrowed) for job, profile NULL
 * or "auto" or a profile's name. Fills *res (card_no from job), also on
 * failure. Returns 0 or the errors of tc_personalise from step 2 on,
 * and the callbacks' errors.
 */
int tc_perso_drive(struct tc_icc *icc, const struct tc_profile_set *profiles,
    const char *profile, const struct tc_perso_job *job,
    const struct tc_perso_env *env, struct tc_perso_result *res /* OUT */,
    char *err, size_t errlen);

/*
 * Personalises the chip in o->reader for card serial (see above). The
 * registry, programmes, key store and profiles are borrowed. Fills *res
 * also on failure (step names where it stopped). Returns 0, or
 *   TC_ERR_REVOKED, TC_ERR_STATE, TC_ERR_EXPIRED  the card is not live;
 *   TC_ERR_EXISTS       the chip or the card is bound elsewhere;
 *   TC_ERR_STATE        the card's chip is done already (and it is another
 *                       chip, or this one fails the check);
 *   TC_ERR_CARD_REMOVED, TC_ERR_CARD_TIMEOUT, TC_ERR_CARD, TC_ERR_BAD_SW,
 *   TC_ERR_SECURE_CHANNEL, TC_ERR_NO_READER, TC_ERR_NO_SERVICE,
 *   TC_ERR_SHARING      card and reader trouble: the registry says
 *                       incomplete when step 3 ran;
 *   TC_ERR_NOT_FOUND    no profile fits the card, no signer, no master key;
 *   and registry, key store and crypto errors. err says what and where.
 */
int tc_personalise(struct tc_registry *reg, struct tc_keystore *ks,
    const struct tc_programme_set *progs, const struct tc_profile_set *profiles,
    int64_t serial, const struct tc_perso_opts *o,
    struct tc_perso_result *res /* OUT */, char *err, size_t errlen);

/* Helpers of the key provider's side (tcard-issuerd's monitor too). */

/*
 * A keyring holding the public side of signer, for the final check.
 * Returns 0 or TC_ERR_NOMEM.
 */
int tc_perso_signer_ring(
    const struct tc_cose_key *signer, struct tc_cose_keyring **out /* OUT */);

/* Signs claims c (card key set) with signer: appends the COSE_Sign1. */
int tc_perso_sign_claims(const struct tc_claims *c,
    const struct tc_cose_key *signer, struct tc_buf *cose, char *err,
    size_t errlen);

/*
 * The PIV certificate of the card key spki (DER SubjectPublicKeyInfo) for
 * the card of claims c, from the key store's CA: appends the DER. Returns
 * 0, TC_ERR_KEY_FORMAT or the key store's errors.
 */
int tc_perso_card_cert(struct tc_keystore *ks, const uint8_t *spki,
    size_t spki_len, const struct tc_claims *c, time_t now, struct tc_buf *der,
    char *err, size_t errlen);

#endif
