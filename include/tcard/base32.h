/* SPDX-License-Identifier: MIT */
/*
 * Base32 (RFC 4648 section 6), the text form of TOTP secrets
 * (include/tcard/totp.h): the alphabet "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
 * five bits a character, so five bytes become eight characters. This is what
 * authenticator apps show and accept in the otpauth:// URI.
 *
 * The encoder writes upper case without '=' padding (the Key Uri Format
 * leaves padding out). The decoder is strict: upper and lower case are both
 * accepted and padding is optional, but when padding is present it must be
 * exactly what RFC 4648 prescribes (the text a multiple of 8 characters);
 * anything else (white space, '-', '0', '1', '8', '9', a length no byte
 * count gives, trailing bits that are not zero, a character after the
 * padding) is refused with its position. So every accepted text is, but
 * for case and padding, the one encoding of its bytes.
 */
#ifndef TCARD_BASE32_H
#define TCARD_BASE32_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

/* Characters tc_base32_encode produces for len bytes (no padding). */
#define TC_BASE32_ENCODED_LEN(len) ((len) / 5 * 8 + ((len) % 5 * 8 + 4) / 5)

/*
 * Appends the upper-case Base32 text of the len bytes at in (in may be NULL
 * when len is 0) to out, without padding. Returns 0, TC_ERR_TOO_LARGE when
 * the text does not fit under out's cap, or TC_ERR_NOMEM. On failure out is
 * as it was.
 */
int tc_base32_encode(struct tc_buf *out, const uint8_t *in, size_t len);

/*
 * Decodes the len characters at in (not NUL-terminated; in may be NULL when
 * len is 0) and appends the bytes to out. Returns
 *   0                    success (an empty text gives no bytes);
 *   TC_ERR_BAD_ENCODING  a character outside the Base32 alphabet (either
 *                        case) and not padding;
 *   TC_ERR_MALFORMED     a length that no byte count gives (1, 3 or 6
 *                        characters modulo 8), padding that is not the
 *                        right amount or not at the end, or trailing bits
 *                        of the last character that are not zero;
 *   TC_ERR_TOO_LARGE     the bytes do not fit under out's cap (checked
 *                        before any byte is written);
 *   TC_ERR_NOMEM.
 * On failure out is as it was and, when err is not NULL, err (errlen bytes)
 * says what was wrong and at which character position, counted from 0:
 * "character 4: '1' is not in the Base32 alphabet". The first error in
 * the text is the one reported. The message never repeats the text itself
 * (it may be a secret), only the one offending character.
 */
int tc_base32_decode(
    struct tc_buf *out, const char *in, size_t len, char *err, size_t errlen);

#endif
