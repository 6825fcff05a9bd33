/* SPDX-License-Identifier: MIT */
/*
 * The secure channel of the tcard applet, in the spirit of GlobalPlatform
 * SCP03 (Card Specification v2.3 Amendment D): AES-128 keys, mutual
 * authentication by host and card challenges and cryptograms
 * (INITIALIZE UPDATE, EXTERNAL AUTHENTICATE), then every command MACed
 * (C-MAC, AES-CMAC with a chaining value) and its data encrypted (C-ENC,
 * AES-CBC with an ICV from a command counter), and every response MACed
 * (R-MAC). Both sides are here: the host (the issuer) and the card (the
 * emulator tcard-vcard).
 *
 * All keys come from one KDF, NIST SP 800-108 in counter mode with
 * AES-CMAC as its PRF (OpenSSL's "KBKDF"), as SCP03 does:
 *   K(key, label, context, L) = PRF(key, [i]_32 || label || 00 ||
 *                                   context || [L]_32), i = 1, 2, ...
 * The per-card static keys are that KDF of the card master key with the
 * card's unique id as context; session keys and cryptograms that KDF of
 * the static keys with the two challenges. Where this channel differs from
 * SCP03 (the counter's place in the KDF input, the MAC over a 2-byte Lc,
 * the R-MAC chained on the command's MAC) and every byte of every command:
 * docs/card-tcard.md.
 */
#ifndef TCARD_SCP_H
#define TCARD_SCP_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/apdu.h"
#include "tcard/buf.h"

#define TC_SCP_KEY_LEN	     16
#define TC_SCP_CHALLENGE_LEN 8
#define TC_SCP_CRYPTO_LEN    8
#define TC_SCP_MAC_LEN	     8
#define TC_SCP_DIV_LEN	     10 /* key diversification data in INIT UPDATE */
#define TC_SCP_IU_LEN	     29 /* INITIALIZE UPDATE answer */
#define TC_SCP_UID_MAX	     16
#define TC_SCP_KCV_LEN	     3

#define TC_SCP_ID	   0x03 /* "SCP03" in the key information */
#define TC_SCP_I_PARAM	   0x00
#define TC_SCP_KVN_FACTORY 0xFF /* factory keys 40 41 .. 4F */
#define TC_SCP_KVN_CARD	   0x01 /* diversified per-card keys */
#define TC_SCP_LEVEL_CMAC  0x01
#define TC_SCP_LEVEL_CENC  0x02
#define TC_SCP_LEVEL_RMAC  0x10
#define TC_SCP_LEVEL	   0x13 /* what this channel always uses */

/* The static keys of one card. */
struct tc_scp_keys {
	uint8_t enc[TC_SCP_KEY_LEN];
	uint8_t mac[TC_SCP_KEY_LEN];
};

/*
 * The session keys of one session: what a key provider (the TKS role,
 * include/tcard/cardapp.h) hands to the host that drives the card, which
 * never needs the card's static keys.
 */
struct tc_scp_session {
	uint8_t s_enc[TC_SCP_KEY_LEN];
	uint8_t s_mac[TC_SCP_KEY_LEN];
	uint8_t s_rmac[TC_SCP_KEY_LEN];
};

/* What the card says in its INITIALIZE UPDATE answer. */
struct tc_scp_iu {
	uint8_t div[TC_SCP_DIV_LEN];
	uint8_t kvn;
	uint8_t scp_id;
	uint8_t i_param;
	uint8_t card_challenge[TC_SCP_CHALLENGE_LEN];
	uint8_t card_cryptogram[TC_SCP_CRYPTO_LEN];
};

/* One session, host or card side. Zero it (or tc_scp_release) first. */
struct tc_scp {
	uint8_t s_enc[TC_SCP_KEY_LEN];
	uint8_t s_mac[TC_SCP_KEY_LEN];
	uint8_t s_rmac[TC_SCP_KEY_LEN];
	uint8_t mcv[16]; /* MAC chaining value */
	uint8_t host_challenge[TC_SCP_CHALLENGE_LEN];
	uint8_t card_challenge[TC_SCP_CHALLENGE_LEN];
	uint32_t counter; /* encryption counter of the last command */
	uint8_t level;
	int pending; /* INITIALIZE UPDATE done, EXTERNAL AUTHENTICATE not */
	int open;    /* mutually authenticated */
};

/* Wipes s; it is closed afterwards. */
void tc_scp_release(struct tc_scp *s);

/*
 * The KDF above: outlen (1..64) bytes from the AES-128 key (16 bytes),
 * label (a C string) and the ctxlen bytes of context. Returns 0,
 * TC_ERR_INVALID_ARG or TC_ERR_CRYPTO.
 */
int tc_scp_kdf(const uint8_t key[TC_SCP_KEY_LEN], const char *label,
    const uint8_t *context, size_t ctxlen, uint8_t *out, size_t outlen);

/*
 * The per-card static keys from the card master key and the card's unique
 * id (1..TC_SCP_UID_MAX bytes): enc with label "talentcard-scp K-ENC",
 * mac with "talentcard-scp K-MAC". Returns as tc_scp_kdf.
 */
int tc_scp_diversify(const uint8_t master[TC_SCP_KEY_LEN], const uint8_t *uid,
    size_t uidlen, struct tc_scp_keys *out /* OUT */);

/* The factory keys of a blank card: 40 41 42 .. 4F for both. */
void tc_scp_factory_keys(struct tc_scp_keys *out /* OUT */);

/*
 * The key check value of an AES key as GlobalPlatform defines it: the
 * first 3 bytes of AES-ECB(key, 16 bytes 01). Returns 0 or TC_ERR_CRYPTO.
 */
int tc_scp_kcv(const uint8_t key[TC_SCP_KEY_LEN], uint8_t kcv[TC_SCP_KCV_LEN]);

/* Host side. */

/*
 * Starts a session: draws a fresh host challenge into s and writes it to
 * host_challenge, the data of INITIALIZE UPDATE (80 50 KVN 00 08 ..., Le
 * 00). Returns 0 or TC_ERR_CRYPTO.
 */
int tc_scp_host_begin(
    struct tc_scp *s, uint8_t host_challenge[TC_SCP_CHALLENGE_LEN] /* OUT */);

/*
 * Parses the INITIALIZE UPDATE answer (exactly TC_SCP_IU_LEN bytes).
 * Returns 0, TC_ERR_MALFORMED (another length, or not SCP id 03) with a
 * message.
 */
int tc_scp_parse_iu(struct tc_scp_iu *iu /* OUT */, const uint8_t *p,
    size_t len, char *err, size_t errlen);

/*
 * The key provider's half of opening a session: derives the session keys
 * of the static keys for the two challenges (ours, and the card's in iu)
 * into *out and checks the card cryptogram of iu (constant time), so that
 * session keys leave the provider only for a card that proved it holds
 * keys. Returns 0, TC_ERR_SECURE_CHANNEL (the card cryptogram is wrong:
 * the card does not hold these keys), TC_ERR_CRYPTO, TC_ERR_INVALID_ARG.
 */
int tc_scp_session_keys(const struct tc_scp_keys *keys,
    const uint8_t host_challenge[TC_SCP_CHALLENGE_LEN],
    const struct tc_scp_iu *iu, struct tc_scp_session *out /* OUT */, char *err,
    size_t errlen);

/*
 * The host's half: takes the session keys sk into s (begun with
 * tc_scp_host_begin), checks the card cryptogram of iu with them and
 * builds EXTERNAL AUTHENTICATE (84 82 13 00 10, host cryptogram and
 * C-MAC) into *ea, whose data lives in buf. Returns 0,
 * TC_ERR_SECURE_CHANNEL (the cryptogram is wrong: s is released),
 * TC_ERR_STATE (no tc_scp_host_begin), TC_ERR_CRYPTO, TC_ERR_NOMEM.
 */
int tc_scp_host_open(struct tc_scp *s, const struct tc_scp_session *sk,
    const struct tc_scp_iu *iu, struct tc_apdu *ea /* OUT */,
    struct tc_buf *buf, char *err, size_t errlen);

/*
 * Both halves with the static keys at hand: tc_scp_session_keys for the
 * challenge of s, then tc_scp_host_open. Returns their errors.
 */
int tc_scp_host_authenticate(struct tc_scp *s, const struct tc_scp_keys *keys,
    const struct tc_scp_iu *iu, struct tc_apdu *ea /* OUT */,
    struct tc_buf *buf, char *err, size_t errlen);

/* Marks the session open once the card answered EXTERNAL AUTHENTICATE 9000. */
void tc_scp_host_opened(struct tc_scp *s);

/*
 * Wraps plain for the open session into *out (data in buf, which is reset):
 * CLA | 04, data padded (ISO/IEC 9797-1 method 2) and AES-CBC encrypted
 * under S-ENC with the ICV AES(S-ENC, counter), then the C-MAC. Le becomes
 * plain's Le + 8 for the R-MAC (at most 256 when plain's fits a short
 * Le). Returns 0, TC_ERR_STATE (no open session), TC_ERR_TOO_LARGE,
 * TC_ERR_CRYPTO, TC_ERR_NOMEM.
 */
int tc_scp_wrap(struct tc_scp *s, const struct tc_apdu *plain,
    struct tc_apdu *out /* OUT */, struct tc_buf *buf);

/*
 * Checks and strips the R-MAC of the answer (data, len bytes, without the
 * status word sw) to the last wrapped command, appending the rest to
 * plain. Status words 6982, 6987 and 6988 mean the card closed the session
 * (they carry no R-MAC): TC_ERR_SECURE_CHANNEL. Returns 0,
 * TC_ERR_SECURE_CHANNEL (no or a wrong R-MAC: the session is closed),
 * TC_ERR_TOO_LARGE, TC_ERR_CRYPTO.
 */
int tc_scp_unwrap(struct tc_scp *s, const uint8_t *data, size_t len,
    uint16_t sw, struct tc_buf *plain, char *err, size_t errlen);

/* Card side. */

/*
 * Answers INITIALIZE UPDATE: with keys (those of kvn) and the card's
 * diversification data div, derives the session keys for host_challenge
 * and a fresh card challenge and appends the TC_SCP_IU_LEN-byte answer to
 * resp. Any earlier session ends. Returns 0, TC_ERR_CRYPTO, TC_ERR_NOMEM.
 */
int tc_scp_card_begin(struct tc_scp *s, const struct tc_scp_keys *keys,
    uint8_t kvn, const uint8_t div[TC_SCP_DIV_LEN],
    const uint8_t host_challenge[TC_SCP_CHALLENGE_LEN], struct tc_buf *resp);

/*
 * Checks EXTERNAL AUTHENTICATE (its C-MAC, the host cryptogram and the
 * security level 13 in P1) and opens the session. Returns 0,
 * TC_ERR_SECURE_CHANNEL (the session is closed) or TC_ERR_STATE (no
 * INITIALIZE UPDATE before).
 */
int tc_scp_card_authenticate(struct tc_scp *s, const struct tc_apdu *cmd);

/*
 * Checks the C-MAC of a wrapped command and decrypts its data into plain
 * (reset first). Returns 0, TC_ERR_SECURE_CHANNEL (wrong CLA, MAC or
 * padding: the session is closed and the card answers 6988) or
 * TC_ERR_STATE (no open session: the card answers 6982).
 */
int tc_scp_card_unwrap(
    struct tc_scp *s, const struct tc_apdu *cmd, struct tc_buf *plain);

/*
 * Appends data (n bytes) and its R-MAC for status word sw to out (the
 * caller appends the status word). Returns 0, TC_ERR_STATE, TC_ERR_CRYPTO
 * or TC_ERR_TOO_LARGE.
 */
int tc_scp_card_wrap(struct tc_scp *s, const uint8_t *data, size_t n,
    uint16_t sw, struct tc_buf *out);

#endif
