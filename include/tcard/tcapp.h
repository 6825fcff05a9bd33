/* SPDX-License-Identifier: MIT */
/*
 * The tcard applet's command set, shared by the host (src/card/cardapp.c) and
 * the emulator (vcard/app-tcard.c): instruction bytes, the tags of its
 * SELECT answer, its states, and the parsers of what it answers. Every
 * command, data field and status word: docs/card-tcard.md.
 */
#ifndef TCARD_TCAPP_H
#define TCARD_TCAPP_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

/* Instructions (CLA 00 outside, 80/84 inside the secure channel). */
#define TC_TCAPP_INS_SELECT	 0xA4
#define TC_TCAPP_INS_READ	 0xB0 /* READ BINARY of the credential */
#define TC_TCAPP_INS_INTERNAL	 0x88 /* INTERNAL AUTHENTICATE */
#define TC_TCAPP_INS_INIT_UPDATE 0x50
#define TC_TCAPP_INS_EXT_AUTH	 0x82
#define TC_TCAPP_INS_PUT_KEY	 0xD8
#define TC_TCAPP_INS_GENERATE	 0x46 /* GENERATE ASYMMETRIC KEY PAIR */
#define TC_TCAPP_INS_UPDATE	 0xD6 /* UPDATE BINARY of the credential */
#define TC_TCAPP_INS_LOCK	 0xF0

/* Life cycle states (FCI tag 81). */
#define TC_TCAPP_STATE_PERSO	   0x01 /* blank or being personalised */
#define TC_TCAPP_STATE_OPERATIONAL 0x02 /* locked: read and sign only */

/* Key algorithms (FCI tag 83, GENERATE P2). */
#define TC_TCAPP_ALG_NONE  0x00
#define TC_TCAPP_ALG_ES256 0x01
#define TC_TCAPP_ALG_SM2   0x02

#define TC_TCAPP_VERSION       0x01
#define TC_TCAPP_UID_LEN       8
#define TC_TCAPP_CHALLENGE_MIN 16
#define TC_TCAPP_CHALLENGE_MAX 64
#define TC_TCAPP_SIG_LEN       64 /* r || s */
#define TC_TCAPP_LOCK_LEN      34 /* length (2) || SHA-256 (32) */

/*
 * The domain prefix of the tap signature: a card signs
 * TC_TAP_DOMAIN || challenge, never a bare challenge, so its key cannot be
 * used to sign anything else through this command.
 */
#define TC_TAP_DOMAIN	  "talentcard-tap-v1:"
#define TC_TAP_DOMAIN_LEN 18

/* The SELECT answer: 6F { 84 AID, A5 { 80 81 82 83 84 } }. */
struct tc_tcapp_fci {
	uint8_t aid[16];
	size_t aid_len;
	uint8_t version;
	uint8_t state;
	uint8_t uid[TC_TCAPP_UID_LEN];
	uint8_t alg;
	size_t cred_len;
};

/*
 * Parses a SELECT answer (len bytes). Every tag must be there once, with
 * its size (84: 5..16 bytes; 80, 81, 83: 1; 82: 8; 84 inside A5: 2),
 * state and alg among the values above, cred_len at most 65535 and 0 when
 * the state is not operational. Unknown tags inside A5 are skipped.
 * Returns 0 or TC_ERR_MALFORMED / TC_ERR_TRUNCATED with err naming the
 * tag.
 */
int tc_tcapp_parse_fci(struct tc_tcapp_fci *out /* OUT */, const uint8_t *p,
    size_t len, char *err, size_t errlen);

/* Appends the FCI for f (the emulator's answer to SELECT). */
int tc_tcapp_build_fci(struct tc_buf *out, const struct tc_tcapp_fci *f);

#endif
