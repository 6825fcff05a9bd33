/* SPDX-License-Identifier: MIT */
/*
 * The signed revocation list: a COSE_Sign1 (include/tcard/cose.h) made by a
 * credential signer whose payload is the deterministic CBOR map
 *     { 1: 1 (format version), 2: sequence number (uint),
 *       3: issued-at (epoch seconds), 4: next-update (epoch seconds),
 *       5: bstr: the revoked serials as a CRoaring portable bitmap }
 * Loading verifies the signature against the trust keyring before the
 * bitmap is read, bounds every size and deserialises the bitmap with
 * roaring_bitmap_portable_deserialize_safe. A delta is a COSE_Sign1 by a
 * credential signer over
 *     { 1: 1 (format version), 2: from sequence number, 3: to sequence
 *       number, 4: issued-at, 5: next-update,
 *       6: bstr: serials added (portable bitmap),
 *       7: bstr: serials removed (portable bitmap) }
 * (seven keys, so a delta is never taken for a full list or the reverse).
 * The published bundle is include/tcard/bundle.h. Formats: docs/formats.md,
 * "Revocation list", and docs/bundle.md.
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

/*
 * Signs a delta from list from_seq to list to_seq: the serials added and
 * removed (any order, repeats fine; a serial in both is refused) with
 * issued_at and next_update of the to_seq list, appended to out. Returns 0,
 * TC_ERR_INVALID_ARG (NULL, a serial of 0 or over 999999999 or in both
 * sets, to_seq not above from_seq, next_update before issued_at),
 * TC_ERR_TOO_LARGE, TC_ERR_CRYPTO or TC_ERR_NOMEM. On failure out is as it
 * was.
 */
int tc_revocations_delta_encode(struct tc_buf *out, uint64_t from_seq,
    uint64_t to_seq, time_t issued_at, time_t next_update,
    const uint32_t *added, size_t nadded, const uint32_t *removed,
    size_t nremoved, const struct tc_cose_key *signer, char *err,
    size_t errlen);

/*
 * Signs the delta that turns list from into list to (to's sequence number,
 * issued-at and next-update), appended to out. Returns as
 * tc_revocations_delta_encode.
 */
int tc_revocations_delta_make(struct tc_buf *out,
    const struct tc_revocations *from, const struct tc_revocations *to,
    const struct tc_cose_key *signer, char *err, size_t errlen);

/*
 * Applies an untrusted delta (data, len bytes, at most TC_REV_MAX_INPUT)
 * to *rev: verifies its signature with trust, parses it strictly, requires
 * from == tc_revocations_seq(*rev) (TC_ERR_STATE otherwise: a gap, or a
 * delta for another list), to greater than from (TC_ERR_MALFORMED),
 * issued-at not after now + 300 s (TC_ERR_NOT_YET_VALID) and not before
 * the current list's issued-at (TC_ERR_STALE), every removed serial
 * present and every added one absent (TC_ERR_MALFORMED). On success *rev
 * is replaced by the new list (the old one is freed); on failure *rev is
 * untouched. Returns 0, those codes, or the codes of tc_revocations_load.
 */
int tc_revocations_apply_delta(struct tc_revocations **rev, const uint8_t *data,
    size_t len, const struct tc_cose_keyring *trust, time_t now, char *err,
    size_t errlen);

/* What a delta says, for tc_revocations_delta_peek. */
struct tc_revocations_delta_info {
	uint64_t from_seq, to_seq;
	time_t issued_at, next_update;
	uint64_t nadded, nremoved;
};

/*
 * Verifies and parses a delta without applying it. Returns as
 * tc_revocations_apply_delta minus the checks against a current list.
 */
int tc_revocations_delta_peek(const uint8_t *data, size_t len,
    const struct tc_cose_keyring *trust, time_t now,
    struct tc_revocations_delta_info *info /* OUT */, char *err, size_t errlen);

/*
 * Refusing rollback: 0 when next may replace cur (cur NULL, or next's
 * sequence number greater), else TC_ERR_STALE with a message giving both
 * numbers.
 */
int tc_revocations_newer(const struct tc_revocations *cur,
    const struct tc_revocations *next, char *err, size_t errlen);

/*
 * The revoked serials in ascending order: *out is a malloc'd array of
 * *n serials (NULL when n is 0; the caller frees it). Returns 0 or
 * TC_ERR_NOMEM.
 */
int tc_revocations_serials(const struct tc_revocations *rev,
    uint32_t **out /* OUT */, size_t *n /* OUT */);

/*
 * Calls fn for every revoked serial in ascending order; a nonzero return
 * stops the walk and is returned. Returns 0 or fn's value.
 */
int tc_revocations_foreach(const struct tc_revocations *rev,
    int (*fn)(uint32_t serial, void *arg), void *arg);

/* 1 when a and b list the same serials, else 0. */
int tc_revocations_equal(
    const struct tc_revocations *a, const struct tc_revocations *b);

#endif
