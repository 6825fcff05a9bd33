/* SPDX-License-Identifier: MIT */
/*
 * Internal to libtcard: a small strict reader of CBOR heads over struct
 * tc_cursor for the flat, fixed schemas of signed payloads (credential
 * claims, revocation lists, the trust list), and the matching encoder helpers on libcbor's
 * cbor_encode_*. The reader accepts definite lengths and shortest-form heads
 * only, checks every length against the bytes left and never allocates, so
 * outside input never reaches cbor_load() (docs/decisions.md, item 6).
 * Messages name the item and its byte offset, prefixed with the reader's
 * context ("claims byte 12: ...").
 */
#ifndef TCARD_CBOR_READ_H
#define TCARD_CBOR_READ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/buf.h"

enum {
	TC_CBOR_UINT = 0,
	TC_CBOR_NEGINT = 1,
	TC_CBOR_BSTR = 2,
	TC_CBOR_TSTR = 3,
	TC_CBOR_ARRAY = 4,
	TC_CBOR_MAP = 5,
};

struct tc_cbor_rd {
	struct tc_cursor c;
	const char *ctx; /* "claims", "revocation list" */
	char *err;
	size_t errlen;
};

void tc_cbor_rd_init(struct tc_cbor_rd *r, const uint8_t *p, size_t len,
    const char *ctx, char *err, size_t errlen);

/* "an unsigned integer", "a byte string", ... for messages. */
const char *tc_cbor_major_name(int major);

/*
 * The one CBOR head decoder of the library (this reader and the COSE_Sign1
 * decoder of src/cose.c both start here): decodes the head at p[0..len)
 * into *major (0..7), *ai (its low five bits), *val (the argument: ai
 * itself below 24, else the 1, 2, 4 or 8 bytes that follow) and *head (the
 * bytes the head takes, 1 to 9). Returns 0, TC_ERR_TRUNCATED when len ends
 * before the head does (len 0 included), or TC_ERR_MALFORMED for ai 28..31
 * (reserved, or an indefinite length or break); outputs are untouched on
 * failure. It judges nothing else: whether the head is in the shortest
 * form (compare *head with tc_cbor_head_len), or allowed for its major
 * type, is the caller's rule.
 */
int tc_cbor_head_decode(const uint8_t *p, size_t len, int *major /* OUT */,
    unsigned int *ai /* OUT */, uint64_t *val /* OUT */,
    size_t *head /* OUT */);

/* The bytes of the shortest head that carries argument v: 1, 2, 3, 5, 9. */
size_t tc_cbor_head_len(uint64_t v);

/*
 * Reads one head in the shortest form. TC_ERR_TRUNCATED or
 * TC_ERR_MALFORMED (indefinite, reserved or longer than needed).
 */
int tc_cbor_get_head(
    struct tc_cbor_rd *r, int *major, uint64_t *val, size_t *at);

/* Reads a head that must be of type want. */
int tc_cbor_expect(struct tc_cbor_rd *r, int want, const char *what,
    uint64_t *val, size_t *at);

/* Reads a uint. */
int tc_cbor_get_uint(struct tc_cbor_rd *r, const char *what, uint64_t *v);

/*
 * Reads a byte or text string (major bstr or tstr) of at most max bytes;
 * *p points into the input.
 */
int tc_cbor_get_str(struct tc_cbor_rd *r, int major, const char *what,
    size_t max, const uint8_t **p, size_t *n);

/*
 * The readers of the signed files (revocation lists and deltas, lookup
 * headers: maps with keys 1, 2, ... in order) share these; each message
 * starts with the reader's ctx ("revocation list byte 12: expected key 3").
 */

/* Reads a map of exactly n entries; TC_ERR_MALFORMED otherwise. */
int tc_cbor_expect_map(struct tc_cbor_rd *r, const char *what, uint64_t n);

/* Reads the next map key, which must be want; TC_ERR_MALFORMED otherwise. */
int tc_cbor_get_key(struct tc_cbor_rd *r, uint64_t want);

/*
 * Reads key 1 and the format version it holds, which must be want;
 * TC_ERR_UNSUPPORTED ("CTX version 2; this program reads 1") otherwise.
 */
int tc_cbor_get_version(struct tc_cbor_rd *r, uint64_t want);

/* Reads a uint as seconds since the epoch; TC_ERR_RANGE past INT64_MAX / 2. */
int tc_cbor_get_time(struct tc_cbor_rd *r, const char *what, time_t *t);

/* Succeeds at the end of the input; TC_ERR_TRAILING before it. */
int tc_cbor_end(struct tc_cbor_rd *r);

/* Encoders: append one head, an integer, a byte or text string. */
int tc_cbor_put_head(struct tc_buf *b, int major, uint64_t v);
int tc_cbor_put_int(struct tc_buf *b, int64_t v);
int tc_cbor_put_str(struct tc_buf *b, int major, const void *p, size_t n);

/*
 * One map entry with an unsigned key: the key, then an integer, an unsigned
 * integer up to UINT64_MAX, or a byte or text string.
 */
int tc_cbor_put_kv_int(struct tc_buf *b, uint64_t key, int64_t v);
int tc_cbor_put_kv_uint(struct tc_buf *b, uint64_t key, uint64_t v);
int tc_cbor_put_kv_str(
    struct tc_buf *b, uint64_t key, int major, const void *p, size_t n);

#endif
