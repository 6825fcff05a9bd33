/* SPDX-License-Identifier: MIT */
/*
 * ID document numbers: the mainland resident identity card number
 * (GB 11643-1999), the residence permits for Hong Kong, Macao and Taiwan
 * residents, the mainland travel permits of the same people, the foreign
 * permanent resident ID card (both the 15-character and the 2023 18-digit
 * form) and passports. tc_id_normalise() turns what a person typed into one
 * canonical ASCII form and validates it; tc_id_mask() gives the only form
 * that may appear in outputs and logs. The rules, every message and what is
 * deliberately not checked are in docs/identity.md.
 */
#ifndef TCARD_ID_H
#define TCARD_ID_H

#include <stddef.h>
#include <time.h>

enum tc_id_type {
	TC_ID_RESIDENT = 1,   /* resident identity card, 18 characters */
	TC_ID_HKMO_RESIDENCE, /* residence permit, HK/Macao residents */
	TC_ID_TW_RESIDENCE,   /* residence permit, Taiwan residents */
	TC_ID_HKMO_PERMIT,    /* mainland travel permit, HK/Macao residents */
	TC_ID_TW_PERMIT,      /* mainland travel permit, Taiwan residents */
	TC_ID_FOREIGN_PR,     /* foreign permanent resident ID card */
	TC_ID_PASSPORT,	      /* any passport */
};

/* Bytes of a normalised number including the NUL. */
#define TC_ID_MAX 24

/*
 * Sets *out to the type whose command-line name is name: "resident",
 * "hkmo-residence", "tw-residence", "hkmo-permit", "tw-permit", "foreign-pr"
 * or "passport" (exact, lower case). Returns 0, or TC_ERR_INVALID_ARG for
 * any other name or NULL (then *out is untouched).
 */
int tc_id_type_parse(const char *name, enum tc_id_type *out /* OUT */);

/* Returns the command-line name of t (static), or "unknown". */
const char *tc_id_type_name(enum tc_id_type t);

/*
 * Normalises the NUL-terminated UTF-8 text in as a number of type t and
 * validates it. Normalisation removes ASCII spaces, tabs and U+3000 anywhere,
 * maps full-width digits and Latin letters to ASCII and lower case to upper
 * case. now (seconds since the epoch) is the clock against which a birth
 * date in the number must not be in the future; the date is taken in
 * UTC+8 (China Standard Time).
 *
 * On success writes the NUL-terminated normalised number (only 0-9 and A-Z,
 * at most TC_ID_MAX - 1 characters) to out and returns 0. On failure out is
 * the empty string, err (errlen bytes, may be NULL) says what was wrong and
 * where, and the return is:
 *   TC_ERR_INVALID_ARG   in or out is NULL, or t is not a known type;
 *   TC_ERR_TOO_LARGE     in is longer than 64 bytes;
 *   TC_ERR_BAD_ENCODING  invalid UTF-8, a character that is not a digit,
 *                        letter or space, or a character not allowed at its
 *                        position (a letter among digits);
 *   TC_ERR_MALFORMED     wrong length, or a 15-digit first-generation
 *                        resident number;
 *   TC_ERR_RANGE         a region prefix that the type does not allow;
 *   TC_ERR_BAD_DATE      the birth date is not a real date, is before 1900
 *                        or is after today;
 *   TC_ERR_BAD_CHECK     the MOD 11-2 check character is wrong.
 * Character positions in messages are 1-based: in the input for encoding
 * errors, in the normalised number otherwise. Messages never contain the
 * whole number; they may contain the birth date or one character.
 */
int tc_id_normalise(enum tc_id_type t, const char *in, time_t now,
    char out[TC_ID_MAX] /* OUT */, char *err, size_t errlen);

/* Characters at most that tc_id_mask leaves visible (the last ones). */
#define TC_ID_MASK_SHOWN 2

/*
 * Writes the display form of a normalised number to out: the same length,
 * with every character replaced by '*' except the last
 * min(TC_ID_MASK_SHOWN, n / 3) ("****************3X" for 18 characters,
 * "*******78" for 9, "****4" for 5, "**" for 2). Nothing from the head or
 * the middle is shown: there sit the region, the nationality or H/M, and
 * the birth date, which would let anyone holding masked forms narrow the
 * number down to a handful of candidates (docs/identity.md, "The mask").
 * At least one character is always masked. Returns 0, or
 * TC_ERR_INVALID_ARG when normalised is NULL, empty, longer than
 * TC_ID_MAX - 1 or holds anything other than 0-9 and A-Z (then out is "").
 */
int tc_id_mask(const char *normalised, char out[TC_ID_MAX] /* OUT */);

/*
 * Extracts the birth date carried in a normalised number of type t:
 * resident, hkmo-residence, tw-residence and the 18-digit foreign-pr form
 * (characters 7-14, YYYYMMDD). Returns 0; TC_ERR_UNSUPPORTED for the other
 * types and the 15-character foreign-pr form; TC_ERR_INVALID_ARG when a
 * pointer is NULL or normalised does not have the shape of its type; or
 * TC_ERR_BAD_DATE when those digits are not a real date. The outputs are
 * written only on success.
 */
int tc_id_birth_date(enum tc_id_type t, const char *normalised,
    int *y /* OUT */, int *m /* OUT */, int *d /* OUT */);

/*
 * Returns 1 when y-m-d is a real date of the proleptic Gregorian calendar
 * with 1 <= y <= 9999 (29 February only in leap years: divisible by 4, and
 * by 400 when divisible by 100), 0 otherwise.
 */
int tc_date_valid(int y, int m, int d);

/*
 * Returns 1 when pp is the first two digits of a mainland province-level
 * administrative region code of GB/T 2260 (11-15, 21-23, 31-37, 41-46, 50-54,
 * 61-65), 0 otherwise (including 71 Taiwan, 81 Hong Kong and 82 Macao, which
 * mainland numbers do not use). Shared by the ID and card number checks.
 */
int tc_province_valid(int pp);

#endif
