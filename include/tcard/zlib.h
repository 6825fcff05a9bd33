/* SPDX-License-Identifier: MIT */
/*
 * zlib streams (RFC 1950: a two-byte header, raw DEFLATE data of RFC 1951,
 * an Adler-32 trailer) through the system zlib. The QR e-card compresses its
 * COSE_Sign1 this way before Base45. Inflating is bounded: the output never
 * grows past the cap of the output buffer, so a small "zlib bomb" in a QR
 * code cannot make the verifier allocate more than the cap (plus zlib's own
 * fixed state of about 40 KB).
 */
#ifndef TCARD_ZLIB_H
#define TCARD_ZLIB_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

/*
 * Compresses the len bytes at in (may be NULL when len is 0) at level 9 and
 * appends the zlib stream to out. Returns 0, TC_ERR_TOO_LARGE when the stream
 * does not fit under out's cap, TC_ERR_NOMEM, or TC_ERR_INTERNAL if zlib
 * fails unexpectedly. On failure out is as it was.
 */
int tc_zlib_deflate(struct tc_buf *out, const uint8_t *in, size_t len);

/*
 * Inflates the zlib stream of len bytes at in (may be NULL when len is 0)
 * and appends the data to out, never letting out grow past its cap. The
 * stream must fill the input exactly. Returns
 *   0                  success;
 *   TC_ERR_TOO_LARGE   the data would pass out's cap (detected as soon as
 *                      one byte more than fits is produced);
 *   TC_ERR_TRUNCATED   the input ends before the end of the stream
 *                      (including an empty input);
 *   TC_ERR_MALFORMED   a bad header, corrupt DEFLATE data or a wrong
 *                      Adler-32 (the message carries zlib's own words);
 *   TC_ERR_UNSUPPORTED the header asks for a preset dictionary;
 *   TC_ERR_TRAILING    bytes follow the end of the stream;
 *   TC_ERR_NOMEM, TC_ERR_INTERNAL.
 * On failure out is as it was (the partial output is wiped) and, when err is
 * not NULL, err (errlen bytes) says what was wrong and at which input byte
 * offset (counted from 0; for corrupt data, where zlib noticed it).
 */
int tc_zlib_inflate(struct tc_buf *out, const uint8_t *in, size_t len,
    char *err, size_t errlen);

#endif
