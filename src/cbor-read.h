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

/* Reads one head. TC_ERR_TRUNCATED or TC_ERR_MALFORMED. */
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

/* Encoders: append one head, an integer, a byte or text string. */
int tc_cbor_put_head(struct tc_buf *b, int major, uint64_t v);
int tc_cbor_put_int(struct tc_buf *b, int64_t v);
int tc_cbor_put_str(struct tc_buf *b, int major, const void *p, size_t n);

#endif
