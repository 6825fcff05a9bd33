/* SPDX-License-Identifier: MIT */
/*
 * QR e-cards: the signed credential (include/tcard/credential.h) of a card
 * in the registry, as the "TC1:" text a QR code carries. The claims come
 * from the registry (card, holder name, principal card and relation of a
 * sub-card, issue and expiry); the plain ID number is read only to compute
 * the holder binding and wiped at once, so the text carries no ID number.
 * The claims are signed by the key store's current signer of the
 * programme's algorithm (ES256 or SM2). The text is stored in the table
 * ecards (schema version 5, one row per card) with the signer's kid and
 * alg, and reused while the card's expiry is unchanged, so a card is
 * signed once per term. Only a live card (status issued, before its
 * expiry) gets an e-card. Signing and storing are separate steps so that a
 * batch can sign in memory and store many texts in one transaction.
 */
#ifndef TCARD_ECARD_H
#define TCARD_ECARD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/credential.h"
#include "tcard/keystore.h"
#include "tcard/programme.h"
#include "tcard/registry.h"

/* Audit action of storing an e-card (subject "card:NUMBER"). */
#define TC_ECARD_AUDIT_ACTION "ecard.issue"

/* A stored or freshly signed e-card. */
struct tc_ecard {
	int64_t serial;
	char card_no[17];
	char kid[TC_KEYSTORE_KIDHEX_LEN + 1]; /* lower-case hex */
	int alg;			      /* COSE alg of the signature */
	char text[TC_CRED_TEXT_MAX + 1];      /* "TC1:..." */
	time_t signed_at;
	time_t expires_at; /* the card's expiry when signed */
};

/*
 * What signing needs: the registry, the programmes (for each card's
 * algorithm), the key store and the clock, borrowed; and the signer keys,
 * loaded on first use and kept until tc_ecard_ctx_release. Zero it, then
 * set the first four fields.
 */
struct tc_ecard_ctx {
	struct tc_registry *reg;
	const struct tc_programme_set *programmes;
	struct tc_keystore *ks;
	time_t now;
	struct tc_cose_key *signer_es256; /* cache, owned */
	struct tc_cose_key *signer_sm2;	  /* cache, owned */
};

/* Frees the cached signer keys of ctx (the borrowed fields stay). */
void tc_ecard_ctx_release(struct tc_ecard_ctx *ctx);

/*
 * Fills *c with the claims of card serial, binding included (card_key_len
 * 0), programme id included but programme_code 0: the caller sets it from
 * the programme's "code" (tc_ecard_sign does). The card must be live at now: TC_ERR_REVOKED (revoked),
 * TC_ERR_STATE (suspended), TC_ERR_EXPIRED (expired, or past its expiry)
 * with a message naming the card and its status. Returns 0, those,
 * TC_ERR_NOT_FOUND, TC_ERR_TOO_LARGE (a programme, tier or relation name
 * longer than the claims allow), the errors of tc_registry_holder_get and
 * tc_claims_bind. On failure *c is zeroed.
 */
int tc_ecard_claims(struct tc_registry *reg, int64_t serial, time_t now,
    struct tc_claims *c /* OUT */, char *err, size_t errlen);

/*
 * As tc_ecard_claims, for the credential written to the card's chip: a
 * card in production is taken too (its chip is made at the branch before
 * the card is handed over, docs/station.md).
 */
int tc_ecard_claims_chip(struct tc_registry *reg, int64_t serial, time_t now,
    struct tc_claims *c /* OUT */, char *err, size_t errlen);

/*
 * Builds the claims of card serial (tc_ecard_claims) and signs them with
 * the current signer of the card programme's algorithm; fills *out
 * (signed_at = ctx->now). Stores nothing. Returns 0, the errors of
 * tc_ecard_claims, TC_ERR_NOT_FOUND (the programme is not loaded, or the
 * store has no current signer of its algorithm: the message says to run
 * `tcard-keys add-signer`), the errors of tc_credential_encode.
 */
int tc_ecard_sign(struct tc_ecard_ctx *ctx, int64_t serial,
    struct tc_ecard *out /* OUT */, char *err, size_t errlen);

/*
 * Stores e (replacing the card's earlier e-card) and appends its audit
 * entry (TC_ECARD_AUDIT_ACTION by operator_name at e->signed_at, detail
 * {"kid", "alg", "expires_at"}). Needs an open transaction. Returns 0,
 * TC_ERR_STATE, TC_ERR_INVALID_ARG, TC_ERR_CONSTRAINT (no such card) or a
 * database or audit error.
 */
int tc_ecard_store(struct tc_registry *reg, const struct tc_ecard *e,
    const char *operator_name, char *err, size_t errlen);

/*
 * Reads the stored e-card of card serial. Returns 0, TC_ERR_NOT_FOUND,
 * TC_ERR_MALFORMED or a database error.
 */
int tc_ecard_get(struct tc_registry *reg, int64_t serial,
    struct tc_ecard *out /* OUT */, char *err, size_t errlen);

/*
 * Lists up to max serials of live cards (issued, now < expiry) with serial
 * above after that have no e-card for their current expiry, ascending,
 * into serials; *n gets the count. Returns 0 or a database error.
 */
int tc_ecard_pending(struct tc_registry *reg, time_t now, int64_t after,
    int64_t *serials /* OUT */, size_t max, size_t *n /* OUT */, char *err,
    size_t errlen);

/*
 * Lists up to max serials of stored e-cards with serial above after,
 * ascending; *n gets the count. Returns 0 or a database error.
 */
int tc_ecard_stored(struct tc_registry *reg, int64_t after,
    int64_t *serials /* OUT */, size_t max, size_t *n /* OUT */, char *err,
    size_t errlen);

/* Number of stored e-cards into *n. Returns 0 or a database error. */
int tc_ecard_count(
    struct tc_registry *reg, int64_t *n /* OUT */, char *err, size_t errlen);

#endif
