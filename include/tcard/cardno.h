/* SPDX-License-Identifier: MIT */
/*
 * Card numbers: 16 digits = the 6-digit administrative region code of the
 * programme (GB/T 2260) + a 9-digit serial (the registry-wide integer that
 * revocation lists index, 1..999999999) + a Luhn check digit, so that a
 * typing mistake is caught before any lookup. Printed and shown in groups
 * of four ("4401 1100 0000 0017"). docs/identity.md has the rules and
 * messages.
 */
#ifndef TCARD_CARDNO_H
#define TCARD_CARDNO_H

#include <stddef.h>
#include <stdint.h>

#define TC_CARDNO_LEN	     16
#define TC_CARDNO_SERIAL_MAX 999999999u

/*
 * Returns the Luhn check digit (0-9) to append to the n ASCII digits at
 * digits (n == 0 gives 0), or TC_ERR_INVALID_ARG when digits is NULL with
 * n > 0 or one of the n bytes is not a digit.
 */
int tc_luhn_digit(const char *digits, size_t n);

/*
 * Writes the 16-digit card number of serial in region to out
 * (NUL-terminated). region is a NUL-terminated string of exactly 6 ASCII
 * digits. Returns 0; TC_ERR_INVALID_ARG when a pointer is NULL or region is
 * not 6 digits; TC_ERR_RANGE when region does not begin with a mainland
 * province-level code (tc_province_valid) or serial is 0 or above
 * TC_CARDNO_SERIAL_MAX. On failure out is "".
 */
int tc_cardno_make(const char *region, uint64_t serial, char out[17] /* OUT */);

/*
 * Parses a card number typed by a person: NUL-terminated UTF-8 of at most 64
 * bytes holding 16 digits (ASCII or full-width U+FF10-FF19), with spaces
 * (ASCII or U+3000) anywhere and hyphens (ASCII or U+FF0D) between digits,
 * such as "4401 1100 0000 0017" or "440111-000000001-7". On success writes
 * the region code (6 digits), the serial and the 16-digit normalised number
 * and returns 0; any output pointer may be NULL when not wanted. On failure
 * the outputs are empty or 0, err (errlen bytes, may be NULL) says what and
 * where, and the return is:
 *   TC_ERR_INVALID_ARG   in is NULL;
 *   TC_ERR_TOO_LARGE     in is longer than 64 bytes;
 *   TC_ERR_BAD_ENCODING  invalid UTF-8 or a character other than a digit,
 *                        space or hyphen (1-based character position);
 *   TC_ERR_MALFORMED     a hyphen before the first or after the last digit,
 *                        or not 16 digits (the message gives the count);
 *   TC_ERR_BAD_CHECK     the Luhn check digit is wrong
 *                        ("bad check digit: expected 7, got 3");
 *   TC_ERR_RANGE         the region does not begin with a province-level
 *                        code, or the serial is 0.
 */
int tc_cardno_parse(const char *in, char region[7] /* OUT */,
    uint64_t *serial /* OUT */, char norm[17] /* OUT */, char *err,
    size_t errlen);

/*
 * Writes norm (16 digits) in groups of four separated by single spaces to
 * out, "4401 1100 0000 0017" (19 characters and a NUL). When norm is not 16
 * digits, out is "".
 */
void tc_cardno_group(const char norm[17], char out[20] /* OUT */);

#endif
