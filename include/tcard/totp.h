/* SPDX-License-Identifier: MIT */
/*
 * TOTP, the second factor of staff login (docs/totp.md): RFC 6238 time-based
 * one-time passwords over RFC 4226 HOTP with HMAC-SHA1, a 30-second step
 * from T0 = 0 (the Unix epoch) and 6 digits, which is what every
 * authenticator app computes from an otpauth:// URI. The secret is 20
 * random bytes (160 bits, RFC 4226 section 4 R6), shown to the operator as
 * Base32 (include/tcard/base32.h) in the URI and its QR code.
 *
 * Nothing here stores anything: the caller (the registry's operator record)
 * keeps each operator's secret and the last step it accepted, and passes
 * them in. Nothing here logs: a secret, a key or a code never reaches an
 * error message.
 */
#ifndef TCARD_TOTP_H
#define TCARD_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/buf.h"

#define TC_TOTP_SECRET_LEN     20   /* bytes of a new secret */
#define TC_TOTP_SECRET_B32_LEN 32   /* its Base32 characters (no padding) */
#define TC_TOTP_KEY_MIN	       16   /* shortest key accepted (128 bits) */
#define TC_TOTP_KEY_MAX	       64   /* longest key accepted (one SHA-1 block) */
#define TC_TOTP_PERIOD	       30   /* seconds a step lasts */
#define TC_TOTP_DIGITS	       6    /* digits of a code */
#define TC_TOTP_DIGITS_MAX     8    /* most digits tc_totp_code gives */
#define TC_TOTP_WINDOW	       1    /* steps either side tc_totp_check takes */
#define TC_TOTP_WINDOW_MAX     10   /* widest window tc_totp_check allows */
#define TC_TOTP_NO_STEP	       (-1) /* last_step of an operator never seen */
/* Longest issuer and account name tc_totp_uri takes, in bytes. */
#define TC_TOTP_NAME_MAX 128

/*
 * Fills out with TC_TOTP_SECRET_LEN bytes from OpenSSL's RAND_bytes.
 * Returns 0, TC_ERR_INVALID_ARG (out NULL) or TC_ERR_CRYPTO (the random
 * generator failed; out is zeroed). The caller wipes out when done.
 */
int tc_totp_secret_new(uint8_t out[TC_TOTP_SECRET_LEN]);

/*
 * Writes the Base32 text of a TC_TOTP_SECRET_LEN-byte secret, upper case
 * without padding, NUL-terminated, into text (TC_TOTP_SECRET_B32_LEN + 1
 * bytes): the secret of the URI and of demo-operators.txt.
 */
void tc_totp_secret_text(const uint8_t secret[TC_TOTP_SECRET_LEN],
    char text[TC_TOTP_SECRET_B32_LEN + 1] /* OUT */);

/*
 * Decodes a Base32 secret (either case, padding optional, as
 * tc_base32_decode) of TC_TOTP_KEY_MIN to TC_TOTP_KEY_MAX bytes into key
 * (TC_TOTP_KEY_MAX bytes) and sets *keylen. Returns 0, TC_ERR_INVALID_ARG
 * (a NULL argument), TC_ERR_BAD_ENCODING or TC_ERR_MALFORMED (not Base32,
 * with the position), TC_ERR_RANGE (too short or too long a key). On
 * failure key is zeroed and *keylen is 0; the message names the position
 * and the lengths, never the text.
 */
int tc_totp_secret_parse(const char *text, uint8_t key[TC_TOTP_KEY_MAX],
    size_t *keylen /* OUT */, char *err, size_t errlen);

/*
 * RFC 4226 HOTP: the code of counter under key (keylen TC_TOTP_KEY_MIN ..
 * TC_TOTP_KEY_MAX bytes) as a number below 10^digits, digits 6 to
 * TC_TOTP_DIGITS_MAX. Returns 0, TC_ERR_INVALID_ARG or TC_ERR_CRYPTO; *code
 * is 0 on failure.
 */
int tc_totp_hotp(const uint8_t *key, size_t keylen, uint64_t counter,
    int digits, uint32_t *code /* OUT */);

/*
 * The TOTP code at time t (seconds since the epoch, t >= 0) with the given
 * digits (6 to TC_TOTP_DIGITS_MAX) as zero-padded decimal text in out
 * (TC_TOTP_DIGITS_MAX + 1 bytes). For tests and for the demo's login
 * helper; a server checks codes with tc_totp_check. Returns 0,
 * TC_ERR_INVALID_ARG or TC_ERR_CRYPTO (out is "" on failure).
 */
int tc_totp_code(const uint8_t *key, size_t keylen, time_t t, int digits,
    char out[TC_TOTP_DIGITS_MAX + 1] /* OUT */);

/*
 * Checks a login code. code must be exactly TC_TOTP_DIGITS ASCII digits
 * (no spaces: a form that lets people type "123 456" strips them first).
 * It is compared in constant time with the codes of the steps
 * floor(now / 30) - window .. floor(now / 30) + window (window 0 to
 * TC_TOTP_WINDOW_MAX; TC_TOTP_WINDOW is the default), and a step at or
 * below last_step (the step this operator last logged in with, or
 * TC_TOTP_NO_STEP) is refused, so a code seen once cannot be replayed.
 * When several steps match, the latest one not refused is taken. On
 * success *matched_step (may be NULL) is that step, which the caller
 * stores as the operator's new last_step; on failure it is left alone.
 * Returns
 *   0                    accepted;
 *   TC_ERR_MALFORMED     code is not exactly 6 ASCII digits (the message
 *                        says how, never echoing the code);
 *   TC_ERR_AUTH          no step of the window has this code;
 *   TC_ERR_STALE         the code is that of a step at or before last_step
 *                        (a replay; a daemon answers it as it answers
 *                        TC_ERR_AUTH and logs the difference);
 *   TC_ERR_INVALID_ARG   NULL key or code, keylen outside TC_TOTP_KEY_MIN
 *                        .. TC_TOTP_KEY_MAX, window outside 0 ..
 *                        TC_TOTP_WINDOW_MAX, now before the epoch;
 *   TC_ERR_CRYPTO.
 */
int tc_totp_check(const uint8_t *key, size_t keylen, const char *code,
    time_t now, int window, int64_t last_step, int64_t *matched_step /* OUT */,
    char *err, size_t errlen);

/*
 * Appends the enrolment URI of the Key Uri Format to out:
 *   otpauth://totp/ISSUER:ACCOUNT?secret=SECRET&issuer=ISSUER
 *   &algorithm=SHA1&digits=6&period=30
 * issuer and account are UTF-8 (天河区人社局 is fine), 1 to
 * TC_TOTP_NAME_MAX bytes, with no control character and no ':' (the
 * label's separator); they are percent-encoded (RFC 3986: every byte but
 * A-Z a-z 0-9 - . _ ~ as %XX, a space as %20). secret_b32 is the Base32
 * secret (either case, padding optional, TC_TOTP_KEY_MIN to TC_TOTP_KEY_MAX
 * bytes), written upper case without padding. The URI is at most about
 * 1,500 bytes, so tc_qr_encode takes it. Returns 0, TC_ERR_INVALID_ARG (a
 * NULL argument, an empty or too long name, a control character or ':'),
 * TC_ERR_BAD_ENCODING (a name that is not UTF-8), the codes of
 * tc_totp_secret_parse, TC_ERR_TOO_LARGE or TC_ERR_NOMEM (out's cap). On
 * failure out is as it was. The URI holds the secret: the caller shows it
 * to its operator only and never logs it.
 */
int tc_totp_uri(struct tc_buf *out, const char *issuer, const char *account,
    const char *secret_b32, char *err, size_t errlen);

#endif
