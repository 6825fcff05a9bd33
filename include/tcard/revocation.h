/* SPDX-License-Identifier: MIT */
/*
 * The signed revocation list: a COSE_Sign1 (include/tcard/cose.h) made by a
 * credential signer whose payload is the deterministic CBOR map
 *     { 1: 1 (format version), 2: sequence number (uint),
 *       3: issued-at (epoch seconds), 4: next-update (epoch seconds),
 *       5: bstr: the revoked serials as a CRoaring portable bitmap }
 * Loading verifies the signature against the trust keyring before the
 * bitmap is read, bounds every size and deserialises the bitmap with
 * roaring_bitmap_portable_deserialize_safe. Deltas and the published bundle
 * come later. Format: docs/formats.md, "Revocation list".
 */
#ifndef TCARD_REVOCATION_H
#define TCARD_REVOCATION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/buf.h"
#include "tcard/cose.h"

#define TC_REV_VERSION	 1
#define TC_REV_MAX_INPUT (16u * 1024 * 1024) /* largest list loaded */

struct tc_revocations;

/*
 * Signs a revocation list of the n serials (any order, repeats fine) with
 * signer and appends the COSE_Sign1 to out. Returns 0, TC_ERR_INVALID_ARG
 * (NULL, a serial of 0 or over 999999999, next_update before issued_at),
 * TC_ERR_TOO_LARGE, TC_ERR_CRYPTO or TC_ERR_NOMEM. On failure out is as it
 * was.
 */
int tc_revocations_encode(struct tc_buf *out, uint64_t seq, time_t issued_at,
    time_t next_update, const uint32_t *serials, size_t n,
    const struct tc_cose_key *signer, char *err, size_t errlen);

/*
 * Loads an untrusted list (data, len bytes): at most TC_REV_MAX_INPUT; the
 * COSE is decoded and its signature verified with the key of its kid in
 * trust, then the payload is parsed strictly; issued-at after now +
 * 300 s is refused. On success *out is the list (tc_revocations_free).
 * Returns 0, TC_ERR_TOO_LARGE, TC_ERR_TRUNCATED, TC_ERR_MALFORMED,
 * TC_ERR_TRAILING, TC_ERR_UNSUPPORTED (version), TC_ERR_UNKNOWN_KEY,
 * TC_ERR_UNSUPPORTED_ALG, TC_ERR_BAD_SIGNATURE, TC_ERR_NOT_YET_VALID,
 * TC_ERR_NOMEM.
 */
int tc_revocations_load(struct tc_revocations **out /* OUT */,
    const uint8_t *data, size_t len, const struct tc_cose_keyring *trust,
    time_t now, char *err, size_t errlen);

/* 1 when serial is revoked in rev, else 0. */
int tc_revocations_has(const struct tc_revocations *rev, uint64_t serial);

/* The list's sequence number, issued-at, next-update and size. */
uint64_t tc_revocations_seq(const struct tc_revocations *rev);
time_t tc_revocations_issued_at(const struct tc_revocations *rev);
time_t tc_revocations_next_update(const struct tc_revocations *rev);
uint64_t tc_revocations_count(const struct tc_revocations *rev);

/* Frees rev (NULL is fine). */
void tc_revocations_free(struct tc_revocations *rev);

#endif
