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
 *   5. check: a tap verification of the chip with the signer's key;
 *   6. registry: "done" with the chip's public key.
 *
 * Running it again after any failure restarts from step 2 on the same chip
 * (a new key pair, a new credential) or, when the chip turns out complete
 * already (its last answer was lost), only checks it and records it done.
 */
#ifndef TCARD_PERSO_H
#define TCARD_PERSO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

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

#endif
