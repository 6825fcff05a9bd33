/* SPDX-License-Identifier: MIT */
/*
 * Base45 (RFC 9285), the text layer of the QR e-card: "TC1:" + Base45 of the
 * zlib-compressed COSE_Sign1, as in the EU Digital COVID Certificate. Base45
 * uses the 45 characters of the QR alphanumeric mode,
 * "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", so a QR code holds the
 * text in its dense alphanumeric mode. Every two bytes become three
 * characters and a final odd byte two. The decoder is strict: only the 45
 * characters (no lower case, no white space), no group above its range and
 * no dangling character, so every accepted text is the one encoding of its
 * bytes and re-encoding gives the input back exactly.
 */
#ifndef TCARD_BASE45_H
#define TCARD_BASE45_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

/* Characters tc_base45_encode produces for len bytes. */
#define TC_BASE45_ENCODED_LEN(len) ((len) / 2 * 3 + (len) % 2 * 2)

/*
 * Appends the Base45 text of the len bytes at in (in may be NULL when len is
 * 0) to out. Returns 0, TC_ERR_TOO_LARGE when the text does not fit under
 * out's cap, or TC_ERR_NOMEM. On failure out is as it was.
 */
int tc_base45_encode(struct tc_buf *out, const uint8_t *in, size_t len);

/*
 * Decodes the len characters at in (not NUL-terminated; in may be NULL when
 * len is 0) and appends the bytes to out. Returns
 *   0                    success (an empty text gives no bytes);
 *   TC_ERR_BAD_ENCODING  a character outside the Base45 alphabet;
 *   TC_ERR_MALFORMED     a group out of range (three characters above 65535,
 *                        two above 255) or one character left over at the
 *                        end (len % 3 == 1);
 *   TC_ERR_TOO_LARGE     the bytes do not fit under out's cap (checked
 *                        before any character is read);
 *   TC_ERR_NOMEM.
 * On failure out is as it was and, when err is not NULL, err (errlen bytes)
 * says what was wrong and at which character position, counted from 0:
 * "character 12: 'a' is not in the Base45 alphabet". The first error in
 * the text is the one reported.
 */
int tc_base45_decode(
    struct tc_buf *out, const char *in, size_t len, char *err, size_t errlen);

#endif
