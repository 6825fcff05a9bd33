/* SPDX-License-Identifier: MIT */
/*
 * Protection of personal data: keyed MACs of ID numbers and names (so the
 * registry and the public lookup can find a person without holding the
 * number) and AES-256-GCM sealing of values at rest. All with OpenSSL
 * libcrypto. The exact byte layouts are in docs/registry.md; they are
 * part of the registry and lookup formats and never change without a new
 * label or version byte.
 *
 * MAC inputs are label || 0x00 || value, where label is a fixed ASCII
 * string naming the purpose and version, so an ID MAC can never equal a
 * name MAC of the same text. The ID MAC deliberately does not cover the ID
 * type: the public lookup receives a number without its type and must
 * compute the same value. Two holders with the same number under different
 * types therefore share an ID MAC; the registry keeps them apart by storing
 * the type beside the MAC.
 */
#ifndef TCARD_PII_H
#define TCARD_PII_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

#define TC_PII_KEY_LEN	    32 /* pepper and sealing key */
#define TC_PII_MAC_LEN	    32 /* HMAC-SHA256 output */
#define TC_PII_SEAL_VERSION 1  /* first byte of a sealed blob */
#define TC_PII_NONCE_LEN    12
#define TC_PII_TAG_LEN	    16
/* Bytes a sealed blob has beyond its plaintext: version, nonce, tag. */
#define TC_PII_SEAL_OVERHEAD (1 + TC_PII_NONCE_LEN + TC_PII_TAG_LEN)
/* Largest plaintext tc_pii_seal accepts (sealed values are small). */
#define TC_PII_SEAL_MAX (1u << 20)
/* Longest aad string accepted. */
#define TC_PII_AAD_MAX 1024

/*
 * Computes HMAC-SHA256(pepper, "talentcard-id-v1" || 0x00 || normalised_id)
 * into out. normalised_id is the canonical form from tc_id_normalise()
 * (include/tcard/id.h); the MAC is over its exact bytes without the NUL.
 * The ID type is not part of the input (see the file comment). Returns 0,
 * TC_ERR_INVALID_ARG when a pointer is NULL or normalised_id is empty, or
 * TC_ERR_CRYPTO. On failure out is zeroed.
 */
int tc_pii_id_mac(const uint8_t pepper[TC_PII_KEY_LEN],
    const char *normalised_id, uint8_t out[TC_PII_MAC_LEN] /* OUT */);

/*
 * Computes HMAC-SHA256(pepper, "talentcard-name-v1" || 0x00 ||
 * normalised_name) into out; normalised_name is UTF-8 as produced by the
 * name normaliser, without its NUL. Returns as tc_pii_id_mac.
 */
int tc_pii_name_mac(const uint8_t pepper[TC_PII_KEY_LEN],
    const char *normalised_name, uint8_t out[TC_PII_MAC_LEN] /* OUT */);

/*
 * Seals len bytes at pt (pt may be NULL when len is 0) with AES-256-GCM
 * under key and appends the blob
 *     0x01 || nonce (12 random bytes) || ciphertext (len bytes) || tag (16)
 * to out. The GCM additional data is the version byte followed by aad (a
 * NUL-terminated string naming what the value is and where it belongs; NULL
 * means ""), so a blob opens only with the same aad. Returns 0,
 * TC_ERR_INVALID_ARG (NULL key or out, aad over TC_PII_AAD_MAX bytes),
 * TC_ERR_TOO_LARGE (len over
 * TC_PII_SEAL_MAX or the blob over out's cap), TC_ERR_NOMEM or
 * TC_ERR_CRYPTO (including a failing random source). On failure out is as
 * it was.
 */
int tc_pii_seal(const uint8_t key[TC_PII_KEY_LEN], const char *aad,
    const uint8_t *pt, size_t len, struct tc_buf *out);

/*
 * Opens a blob made by tc_pii_seal with the same key and aad and appends
 * the plaintext to out (which wipes it on release). Returns
 *   0                   success;
 *   TC_ERR_INVALID_ARG  key, in or out is NULL, or aad is over
 *                       TC_PII_AAD_MAX bytes;
 *   TC_ERR_MALFORMED    the blob is shorter than TC_PII_SEAL_OVERHEAD or
 *                       its version byte is not 1;
 *   TC_ERR_DECRYPT      the tag does not verify: a changed byte anywhere,
 *                       another key or another aad;
 *   TC_ERR_TOO_LARGE, TC_ERR_NOMEM, TC_ERR_CRYPTO.
 * On failure out is as it was (no unverified plaintext is left in it) and
 * err (errlen bytes, may be NULL) says what was wrong.
 */
int tc_pii_open(const uint8_t key[TC_PII_KEY_LEN], const char *aad,
    const uint8_t *in, size_t len, struct tc_buf *out, char *err,
    size_t errlen);

#endif
