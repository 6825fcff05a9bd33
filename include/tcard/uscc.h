/* SPDX-License-Identifier: MIT */
/*
 * The unified social credit code of organisations (统一社会信用代码,
 * GB 32100-2015): 18 characters = registration authority (1), category
 * (1), administrative region (6 digits, GB/T 2260), organisation
 * identifier (9) and a check character. The alphabet is the digits and
 * the capital letters without I, O, S, V and Z (31 characters); the check
 * character is 31 - (sum of value x weight mod 31) with the weights
 * 3^i mod 31 (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10,
 * 30, 28), 31 becoming 0. docs/workflow.md lists what is and is not
 * checked.
 */
#ifndef TCARD_USCC_H
#define TCARD_USCC_H

#include <stddef.h>

#define TC_USCC_LEN 18

/*
 * Normalises a code typed by a person (spaces, tabs and U+3000 removed,
 * full-width digits and letters folded to ASCII, lower case to upper case)
 * and validates it. On success writes the 18 characters and a NUL to out
 * and returns 0. On failure out is "" and the return is
 *   TC_ERR_INVALID_ARG   in or out is NULL;
 *   TC_ERR_TOO_LARGE     in is longer than 64 bytes;
 *   TC_ERR_BAD_ENCODING  invalid UTF-8, or a character outside the
 *                        alphabet (I, O, S, V, Z, punctuation...), or a
 *                        letter in the region code (1-based position);
 *   TC_ERR_MALFORMED     not 18 characters;
 *   TC_ERR_RANGE         an unknown registration authority (the first
 *                        character is not 1-9, A, N or Y);
 *   TC_ERR_BAD_CHECK     the check character is wrong ("expected K").
 * The message never repeats the whole code.
 */
int tc_uscc_normalise(const char *in, char out[TC_USCC_LEN + 1] /* OUT */,
    char *err, size_t errlen);

/*
 * The check character for the first 17 characters at code (which must be
 * in the alphabet), or -1 when one is not.
 */
int tc_uscc_check_char(const char *code17);

#endif
