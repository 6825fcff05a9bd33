/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of card numbers (src/cardno.c): Luhn vectors, make/parse round
 * trips, grouping, the accepted and refused spellings, and the error
 * detection claims: every single-digit substitution is caught, and every
 * adjacent transposition except 09 <-> 90, which Luhn cannot see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/cardno.h"
#include "tcard/err.h"

static void
test_luhn_vectors(void **state)
{
	/* Published Luhn examples and issuers' test card numbers. */
	static const char *const valid[] = {
		"79927398713",
		"4111111111111111",
		"4012888888881881",
		"378282246310005",
		"6011111111111117",
		"5555555555554444",
		"0",
		"18",
	};
	size_t i, n;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		n = strlen(valid[i]);
		assert_int_equal(
		    tc_luhn_digit(valid[i], n - 1), valid[i][n - 1] - '0');
	}
	assert_int_equal(tc_luhn_digit("7992739871", 10), 3);
	assert_int_equal(tc_luhn_digit("", 0), 0);
	assert_int_equal(tc_luhn_digit(NULL, 0), 0);
	assert_int_equal(tc_luhn_digit(NULL, 1), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_luhn_digit("79a", 3), TC_ERR_INVALID_ARG);
	/* Only n digits are read. */
	assert_int_equal(tc_luhn_digit("7992739871zz", 10), 3);
}

/* The card number of serial in region is want. */
static void
made(const char *region, uint64_t serial, const char *want)
{
	char out[17];

	assert_int_equal(tc_cardno_make(region, serial, out), 0);
	assert_string_equal(out, want);
}

static void
test_make(void **state)
{
	char out[17];

	/* Check digits computed independently (Python, by hand for 1). */
	made("440111", 1, "4401110000000012");
	made("440110", 1, "4401100000000013");
	made("440111", 999999999, "4401119999999993");
	made("532301", 12345, "5323010000123453");
	made("110101", 42, "1101010000000427");
	made("440000", 123456789, "4400001234567895");
	assert_int_equal(tc_cardno_make("440111", 0, out), TC_ERR_RANGE);
	assert_string_equal(out, "");
	assert_int_equal(
	    tc_cardno_make("440111", 1000000000, out), TC_ERR_RANGE);
	assert_int_equal(
	    tc_cardno_make("440111", UINT64_MAX, out), TC_ERR_RANGE);
	assert_int_equal(tc_cardno_make("991234", 1, out), TC_ERR_RANGE);
	assert_int_equal(tc_cardno_make("810000", 1, out), TC_ERR_RANGE);
	assert_int_equal(tc_cardno_make("44011", 1, out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_cardno_make("4401111", 1, out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_cardno_make("44o111", 1, out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_cardno_make(NULL, 1, out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_cardno_make("440111", 1, NULL), TC_ERR_INVALID_ARG);
}

struct pv {
	const char *in;
	int want;
	const char *norm;
	const char *msg;
};

static void
test_parse_table(void **state)
{
	static const struct pv v[] = {
		{ "4401110000000012", 0, "4401110000000012", NULL },
		{ "4401 1100 0000 0012", 0, "4401110000000012", NULL },
		{ "4401-1100-0000-0012", 0, "4401110000000012", NULL },
		{ "440111-000000001-2", 0, "4401110000000012", NULL },
		{ " 4401 - 1100 - 0000 - 0012  ", 0, "4401110000000012", NULL },
		{ "4401  1100\xe3\x80\x80"
		  "0000 0012",
		    0, "4401110000000012", NULL },
		/* Full-width digits and hyphen. */
		{ "\xef\xbc\x94\xef\xbc\x94\xef\xbc\x90\xef\xbc\x91"
		  "\xef\xbc\x8d"
		  "110000000012",
		    0, "4401110000000012", NULL },
		{ "4401110000000013", TC_ERR_BAD_CHECK, NULL,
		    "bad check digit: expected 2, got 3" },
		{ "440111000000001", TC_ERR_MALFORMED, NULL,
		    "15 digits, expected 16" },
		{ "44011100000000122", TC_ERR_MALFORMED, NULL,
		    "17 digits, expected 16" },
		{ "4", TC_ERR_MALFORMED, NULL, "1 digit, expected 16" },
		{ "", TC_ERR_MALFORMED, NULL, "no digits, expected 16" },
		{ "  - ", TC_ERR_MALFORMED, NULL,
		    "character 3: hyphen before the first digit" },
		{ "-4401110000000012", TC_ERR_MALFORMED, NULL,
		    "character 1: hyphen before the first digit" },
		{ "4401110000000012 -", TC_ERR_MALFORMED, NULL,
		    "character 18: hyphen after the last digit" },
		{ "4401 1100 0000 001Z", TC_ERR_BAD_ENCODING, NULL,
		    "character 19: 'Z' is not a digit, space or hyphen" },
		{ "4401.1100.0000.0012", TC_ERR_BAD_ENCODING, NULL,
		    "character 5: '.' is not a digit, space or hyphen" },
		{ "4401\t1100", TC_ERR_BAD_ENCODING, NULL,
		    "character 5: U+0009 is not a digit, space or hyphen" },
		{ "\xe5\x8d\xa1"
		  "4401110000000012",
		    TC_ERR_BAD_ENCODING, NULL,
		    "character 1: U+5361 is not a digit, space or hyphen" },
		{ "4401\xff", TC_ERR_BAD_ENCODING, NULL,
		    "character 5 (byte offset 4): invalid UTF-8" },
		/* Valid Luhn, but serial 0 or no province. */
		{ "4401110000000004", TC_ERR_RANGE, NULL,
		    "serial 000000000 is not used" },
		{ "9912340000000016", TC_ERR_RANGE, NULL,
		    "region code 991234: 99 is not a province-level code" },
		/* Many digits: counted, never overflowing. */
		{ "1111111111111111111111111111111111111111111111111111111111111111",
		    TC_ERR_MALFORMED, NULL, "64 digits, expected 16" },
		{ "11111111111111111111111111111111111111111111111111111111111111111",
		    TC_ERR_TOO_LARGE, NULL,
		    "card number input longer than 64 bytes" },
	};
	char region[7], norm[17], err[128];
	uint64_t serial;
	size_t i;
	int r;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		r = tc_cardno_parse(
		    v[i].in, region, &serial, norm, err, sizeof(err));
		if (r != v[i].want)
			fail_msg("\"%s\": got %d (%s), want %d", v[i].in, r,
			    err, v[i].want);
		if (r == 0) {
			assert_string_equal(norm, v[i].norm);
			assert_string_equal(err, "");
		} else {
			assert_string_equal(norm, "");
			assert_string_equal(region, "");
			assert_int_equal(serial, 0);
			assert_true(err[0] != '\0');
		}
		if (v[i].msg != NULL)
			assert_string_equal(err, v[i].msg);
	}
	assert_int_equal(
	    tc_cardno_parse(NULL, region, &serial, norm, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* Outputs are optional. */
	assert_int_equal(
	    tc_cardno_parse("4401110000000012", NULL, NULL, NULL, NULL, 0), 0);
}

static void
test_round_trip_and_group(void **state)
{
	static const uint64_t serials[] = { 1, 2, 9, 10, 17, 999, 123456789,
		500000000, 999999998, 999999999 };
	char out[17], norm[17], region[7], grouped[20];
	uint64_t serial;
	size_t i;

	for (i = 0; i < sizeof(serials) / sizeof(serials[0]); i++) {
		assert_int_equal(tc_cardno_make("532301", serials[i], out), 0);
		tc_cardno_group(out, grouped);
		assert_int_equal(strlen(grouped), 19);
		assert_int_equal(
		    tc_cardno_parse(grouped, region, &serial, norm, NULL, 0),
		    0);
		assert_string_equal(norm, out);
		assert_string_equal(region, "532301");
		assert_int_equal(serial, serials[i]);
	}
	tc_cardno_group("4401110000000012", grouped);
	assert_string_equal(grouped, "4401 1100 0000 0012");
	memcpy(out, "440111000000001", 16); /* 15 digits */
	tc_cardno_group(out, grouped);
	assert_string_equal(grouped, "");
	tc_cardno_group("440111000000001X", grouped);
	assert_string_equal(grouped, "");
	tc_cardno_group(NULL, grouped);
	assert_string_equal(grouped, "");
}

/* Every wrong digit at every position of several numbers is caught. */
static void
test_single_substitution(void **state)
{
	static const uint64_t serials[] = { 1, 4711, 123456789, 909090909 };
	char good[17], bad[17], err[128];
	size_t i, pos;
	char c;

	for (i = 0; i < sizeof(serials) / sizeof(serials[0]); i++) {
		assert_int_equal(tc_cardno_make("440111", serials[i], good), 0);
		for (pos = 0; pos < 16; pos++) {
			for (c = '0'; c <= '9'; c++) {
				if (c == good[pos])
					continue;
				memcpy(bad, good, sizeof(bad));
				bad[pos] = c;
				if (tc_cardno_parse(bad, NULL, NULL, NULL, err,
					sizeof(err)) != TC_ERR_BAD_CHECK)
					fail_msg("%s (from %s) not caught: %s",
					    bad, good, err);
			}
		}
	}
}

/*
 * For each ordered pair of different digits (x, y) and several positions in
 * the serial, build a valid number holding xy there, swap the two, and
 * check Luhn: caught unless {x, y} = {0, 9} (both then contribute 0 + 9
 * whichever of them is doubled, so the sum does not change).
 */
static void
test_adjacent_transposition(void **state)
{
	static const size_t positions[] = { 6, 7, 10, 13 };
	char d15[16], good[17], bad[17], err[128];
	size_t p, pos;
	int x, y, c, r, missed = 0;

	for (p = 0; p < sizeof(positions) / sizeof(positions[0]); p++) {
		pos = positions[p];
		for (x = 0; x <= 9; x++) {
			for (y = 0; y <= 9; y++) {
				if (x == y)
					continue;
				memcpy(d15, "440111314159265", 16);
				d15[pos] = (char)('0' + x);
				d15[pos + 1] = (char)('0' + y);
				c = tc_luhn_digit(d15, 15);
				memcpy(good, d15, 15);
				good[15] = (char)('0' + c);
				good[16] = '\0';
				assert_int_equal(tc_cardno_parse(good, NULL,
						     NULL, NULL, NULL, 0),
				    0);
				memcpy(bad, good, sizeof(bad));
				bad[pos] = good[pos + 1];
				bad[pos + 1] = good[pos];
				r = tc_cardno_parse(
				    bad, NULL, NULL, NULL, err, sizeof(err));
				if ((x == 0 && y == 9) || (x == 9 && y == 0)) {
					/* The documented blind spot. */
					assert_int_equal(r, 0);
					missed++;
				} else if (r != TC_ERR_BAD_CHECK)
					fail_msg(
					    "%s -> %s not caught", good, bad);
			}
		}
	}
	assert_int_equal(missed, 2 * 4);
	/* A transposition next to the check digit is caught too. */
	assert_int_equal(
	    tc_cardno_parse("4401110000000021", NULL, NULL, NULL, NULL, 0),
	    TC_ERR_BAD_CHECK);
}

#define TESTS(X, XF)                                                           \
	X(test_luhn_vectors)                                                   \
	X(test_make)                                                           \
	X(test_parse_table)                                                    \
	X(test_round_trip_and_group)                                           \
	X(test_single_substitution)                                            \
	X(test_adjacent_transposition)

TC_UNIT_MAIN(TESTS, NULL, NULL)
