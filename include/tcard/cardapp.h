/* SPDX-License-Identifier: MIT */
/*
 * The card application on a connected card, whatever its platform: finding
 * which profile fits the card (its ATR, then selecting each profile's AID),
 * reading the credential, having the card sign a challenge, and the
 * personalisation steps a profile lists. One table of operations per
 * platform (tcard, PIV; include/tcard/cardops.h) sits behind these
 * functions, in the manner of OpenSC's card drivers; tap verification
 * (include/tcard/tap.h) and personalisation (include/tcard/perso.h) are
 * written once on top. An operation the card's platform lacks answers
 * TC_ERR_UNSUPPORTED.
 *
 * Every function sends APDUs through the struct tc_icc it was opened on
 * and inherits its deadlines; a card answer that does not parse is
 * TC_ERR_CARD with a message naming the command, never a crash.
 */
#ifndef TCARD_CARDAPP_H
#define TCARD_CARDAPP_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"
#include "tcard/pcsc.h"
#include "tcard/profile.h"
#include "tcard/scp.h"
#include "tcard/tcapp.h"

#define TC_CARDAPP_CHALLENGE_LEN 32
#define TC_CARDAPP_KEY_MAX	 128 /* DER SubjectPublicKeyInfo */
#define TC_CARDAPP_CRED_MAX	 4096

#define TC_CARD_PUT_KEY_LEN (2 * TC_SCP_KEY_LEN + 2 * TC_SCP_KCV_LEN)

struct tc_card_ops;
struct tc_cardapp;

/*
 * The key provider: where the card stack gets what needs the card master
 * key, in the TKS role of Dogtag's token management. The card stack never
 * holds the master key; it asks for the one card's keys it drives:
 *
 *   scp_session   tcard: the session keys of the card's own keys (version
 *                 the profile's personal_version) for the host challenge
 *                 and the card's INITIALIZE UPDATE answer iu; the card
 *                 cryptogram of iu is checked first (tc_scp_session_keys),
 *                 so the keys leave only for a card that holds them;
 *   scp_put_key   tcard: the data of PUT KEY that gives the card its own
 *                 keys, K-ENC || K-MAC || KCV(K-ENC) || KCV(K-MAC), sent
 *                 inside the secure channel (C-ENC under the session key);
 *   piv_mgmt_key  PIV: the card's own management key (AES-128), which
 *                 SET MANAGEMENT KEY carries in the clear as PIV defines.
 *
 * The card is named by app (its profile and app->uid). The factory keys
 * are the profile's and never asked for. Each returns 0 or a TC_ERR_* with
 * a message; a provider may refuse a card (TC_ERR_STATE). A remote
 * provider (tcard-issuerd's monitor, docs/station.md) answers for the one
 * chip its job started only. tc_card_keys_master() is the local one.
 */
struct tc_card_keys {
	void *ctx;
	int (*scp_session)(void *ctx, const struct tc_cardapp *app,
	    const uint8_t host_challenge[TC_SCP_CHALLENGE_LEN],
	    const struct tc_scp_iu *iu, struct tc_scp_session *out /* OUT */,
	    char *err, size_t errlen);
	int (*scp_put_key)(void *ctx, const struct tc_cardapp *app,
	    uint8_t data[TC_CARD_PUT_KEY_LEN] /* OUT */, char *err,
	    size_t errlen);
	int (*piv_mgmt_key)(void *ctx, const struct tc_cardapp *app,
	    uint8_t key[16] /* OUT */, char *err, size_t errlen);
};

/* The local key provider: the card master key in this process. */
struct tc_card_keys_master {
	struct tc_card_keys kp;
	uint8_t master[TC_SCP_KEY_LEN];
};

/*
 * Makes m a provider over master (copied; wipe m with OPENSSL_cleanse or
 * tc_card_keys_master_release when done) and returns &m->kp.
 */
const struct tc_card_keys *tc_card_keys_master(
    struct tc_card_keys_master *m, const uint8_t master[TC_SCP_KEY_LEN]);

/* Wipes the master key of m. */
void tc_card_keys_master_release(struct tc_card_keys_master *m);

struct tc_cardapp {
	struct tc_icc *icc;		  /* borrowed */
	const struct tc_profile *profile; /* borrowed */
	const struct tc_card_ops *ops;	  /* the profile's platform */
	uint8_t uid[16];
	size_t uid_len; /* 0 when not read */
	char uid_hex[33];
	int operational;	 /* tcard: locked; PIV: always 1 */
	size_t cred_len;	 /* announced by the card (tcard), else 0 */
	struct tc_tcapp_fci fci; /* tcard */
	struct tc_scp scp;	 /* tcard session */
	int kvn;		 /* tcard: key version in use, -1 none */
	int mgmt_personal; /* PIV: authenticated with the card's own key */
	int authenticated; /* secure channel or management key */
	uint8_t card_key[TC_CARDAPP_KEY_MAX];
	size_t card_key_len; /* after generate-key */
	/*
	 * On a transport that batches: answers wanted later that the steps
	 * have not read yet (tc_cardapp_settle reads them): the key
	 * generated, and checks of the card's answers (PIV: its answer to
	 * the host's challenge of a mutual authentication).
	 */
	int gen_pending, gen_slot, gen_sm2;
	struct tc_cardapp_pending {
		int slot;
		uint8_t expect[16];
		size_t n;
		int (*check)(struct tc_cardapp *app, const uint8_t *d,
		    size_t len, uint16_t sw, const struct tc_cardapp_pending *p,
		    char *err, size_t errlen);
	} pending[2];
	size_t n_pending;
};

/*
 * Finds the application on the card and selects it. name is a profile
 * name, or NULL / "auto": profiles whose ATR patterns match are tried
 * first, then the others, each by selecting its AID; the first that
 * answers 9000 is the card's. With need_uid the card's unique id is read
 * too (tcard: in the SELECT answer; PIV: the GUID of the CHUID, one more
 * command). Turns extended APDUs on when the profile allows them. Returns
 * 0, TC_ERR_NOT_FOUND (no profile fits: err has the ATR), TC_ERR_CARD (an
 * answer that does not parse) or the errors of tc_icc_apdu.
 */
int tc_cardapp_open(struct tc_cardapp *app /* OUT */, struct tc_icc *icc,
    const struct tc_profile_set *set, const char *name, int need_uid, char *err,
    size_t errlen);

/* Wipes the session keys. */
void tc_cardapp_release(struct tc_cardapp *app);

/*
 * Reads the credential (the COSE_Sign1 bytes) into cose. Returns 0,
 * TC_ERR_NOT_FOUND (none on the card: not personalised), TC_ERR_STATE
 * (tcard not locked), TC_ERR_CARD, TC_ERR_TOO_LARGE, or a reader error.
 */
int tc_cardapp_read_credential(
    struct tc_cardapp *app, struct tc_buf *cose, char *err, size_t errlen);

/*
 * Has the card sign TC_TAP_DOMAIN || challenge (n bytes, 16..64) with its
 * card-authentication key; the DER ECDSA / SM2 signature is appended to
 * sig. Returns 0, TC_ERR_STATE (tcard not locked), TC_ERR_CARD, or a
 * reader error.
 */
int tc_cardapp_sign(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
    struct tc_buf *sig, char *err, size_t errlen);

/*
 * Checks a signature made by tc_cardapp_sign against the public key spki
 * (DER SubjectPublicKeyInfo, P-256 or SM2). Returns 0,
 * TC_ERR_BAD_SIGNATURE, TC_ERR_KEY_FORMAT, TC_ERR_CRYPTO.
 */
int tc_cardapp_check_signature(const uint8_t *spki, size_t spki_len,
    const uint8_t *challenge, size_t n, const uint8_t *sig, size_t siglen,
    char *err, size_t errlen);

/*
 * Reads the answers the steps left for later (see struct tc_cardapp):
 * the pending checks (all of them with all, sending what is queued when
 * they have not come back; else those that came back, which are all that
 * were queued before the key generation), each must hold (its failure is
 * returned: a card that did not prove its key, TC_ERR_SECURE_CHANNEL);
 * then the key generated is parsed into app->card_key (sending what is
 * queued when it has not come back). The driver calls it before it uses
 * the card key, and with all before "done". Returns 0 (also with nothing
 * pending), or the errors of tc_cardapp_generate_key and tc_icc_answer.
 */
int tc_cardapp_settle(
    struct tc_cardapp *app, int all, char *err, size_t errlen);

/*
 * The final check of a personalisation inside the last batch of a
 * transport that batches (docs/station.md): tc_cardapp_check_begin queues
 * SELECT, the reading of the credential of cred_len bytes just written
 * and the signing of a fresh challenge (kept in *c) as answers wanted
 * later, after the writes still queued; tc_cardapp_check_end reads the
 * answers (sending the batch) and gives the credential read back (cose)
 * and the signature (sig, DER). The card must answer each with 9000, name
 * the same uid and (tcard) be locked. On a transport that does not batch
 * the commands are sent at once. The caller compares cose with what it
 * wrote and checks sig (tc_cardapp_check_signature) with the card key.
 * Return 0, TC_ERR_UNSUPPORTED (the platform has no such check),
 * TC_ERR_CARD, TC_ERR_BAD_SW, TC_ERR_STATE (not locked), or the errors of
 * tc_icc_flush and tc_icc_answer.
 */
struct tc_cardapp_check {
	int sel, cred, sig; /* the slots, -1 none */
	uint8_t challenge[TC_CARDAPP_CHALLENGE_LEN];
	size_t cred_len;
};
int tc_cardapp_check_begin(struct tc_cardapp *app, size_t cred_len,
    struct tc_cardapp_check *c /* OUT */, char *err, size_t errlen);
int tc_cardapp_check_end(struct tc_cardapp *app, struct tc_cardapp_check *c,
    struct tc_buf *cose /* OUT */, struct tc_buf *sig /* OUT */, char *err,
    size_t errlen);

/* Personalisation steps (the profile's order; docs/card-pcsc.md). */

/*
 * tcard: opens the secure channel with the keys of the version the card
 * names (the profile's factory keys, or the card's own keys through
 * keys->scp_session). PIV: mutual authentication with the management key,
 * trying the card's own key (keys->piv_mgmt_key) first when
 * prefer_personal, else the factory key first. Returns 0,
 * TC_ERR_SECURE_CHANNEL (neither key is the card's), TC_ERR_CARD, a
 * reader error or the provider's error.
 */
int tc_cardapp_authenticate(struct tc_cardapp *app,
    const struct tc_card_keys *keys, int prefer_personal, char *err,
    size_t errlen);

/*
 * Replaces the factory keys by the card's own keys (tcard: PUT KEY then a
 * new session with them; PIV: SET MANAGEMENT KEY). Nothing to do when the
 * card has them already. Returns 0 or as above.
 */
int tc_cardapp_rotate_keys(struct tc_cardapp *app,
    const struct tc_card_keys *keys, char *err, size_t errlen);

/*
 * Generates the card-authentication key pair on the card (ES256, or SM2
 * for cose_alg TC_COSE_ALG_SM2_SM3 on a tcard; PIV is always P-256) and
 * keeps its public key in app->card_key (PIV on a transport that batches:
 * once tc_cardapp_settle has read the answer). Returns 0,
 * TC_ERR_UNSUPPORTED_ALG, TC_ERR_CARD or a reader error.
 */
int tc_cardapp_generate_key(
    struct tc_cardapp *app, int cose_alg, char *err, size_t errlen);

/* PIV: stores the X.509 certificate of key 9E. */
int tc_cardapp_write_certificate(struct tc_cardapp *app, const uint8_t *der,
    size_t n, char *err, size_t errlen);

/* Stores the credential (COSE_Sign1 bytes). */
int tc_cardapp_write_credential(struct tc_cardapp *app, const uint8_t *cose,
    size_t n, char *err, size_t errlen);

/*
 * tcard: locks the card into the operational state; the card checks the
 * credential's length and SHA-256 first. Returns 0, TC_ERR_CARD or a
 * reader error.
 */
int tc_cardapp_lock(struct tc_cardapp *app, const uint8_t *cose, size_t n,
    char *err, size_t errlen);

/*
 * The PIV management key of a card: 16 bytes (AES-128) of the SCP KDF of
 * master with label "talentcard-piv 9B" and the GUID as context.
 */
int tc_cardapp_piv_mgmt_key(const uint8_t master[TC_SCP_KEY_LEN],
    const uint8_t *guid, size_t guid_len, uint8_t key[16] /* OUT */);

/*
 * The DER SubjectPublicKeyInfo (appended to spki) of the uncompressed
 * point pt (65 bytes) on P-256 or (sm2) the SM2 curve; the point must lie
 * on the curve. Returns 0, TC_ERR_KEY_FORMAT, TC_ERR_CRYPTO,
 * TC_ERR_TOO_LARGE.
 */
int tc_cardapp_point_spki(const uint8_t pt[65], int sm2, struct tc_buf *spki,
    char *err, size_t errlen);

#endif
