/* SPDX-License-Identifier: MIT */
/* Unit tests of hex encoding and strict decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/hex.h"

static void
test_round_trip(void **state)
{
	uint8_t all[256], back[256];
	char text[513];
	size_t i;

	for (i = 0; i < sizeof(all); i++)
		all[i] = (uint8_t)i;
	tc_hex_encode(all, sizeof(all), text);
	assert_int_equal(strlen(text), 512);
	assert_memory_equal(text, "000102", 6);
	assert_string_equal(text + 506, "fdfeff");
	assert_int_equal(tc_hex_decode(text, 512, back, 256, NULL), 0);
	assert_memory_equal(all, back, sizeof(all));
	tc_hex_encode(all, 0, text);
	assert_string_equal(text, "");
}

static void
test_strict_decode(void **state)
{
	uint8_t out[4];
	size_t bad = 99;

	assert_int_equal(tc_hex_decode("DEADbeef", 8, out, 4, NULL), 0);
	assert_int_equal(out[0], 0xde);
	assert_int_equal(out[3], 0xef);
	assert_int_equal(
	    tc_hex_decode("deadbee", 7, out, 4, NULL), TC_ERR_MALFORMED);
	assert_int_equal(
	    tc_hex_decode("deadbeef00", 10, out, 4, NULL), TC_ERR_MALFORMED);
	assert_int_equal(
	    tc_hex_decode("deadbxef", 8, out, 4, &bad), TC_ERR_BAD_ENCODING);
	assert_int_equal(bad, 5);
	assert_int_equal(
	    tc_hex_decode("g0000000", 8, out, 4, &bad), TC_ERR_BAD_ENCODING);
	assert_int_equal(bad, 0);
	assert_int_equal(
	    tc_hex_decode("0000 000", 8, out, 4, &bad), TC_ERR_BAD_ENCODING);
	assert_int_equal(bad, 4);
}

static void
test_digit(void **state)
{
	static const char digits[] = "0123456789abcdef";
	int c, want;

	(void)state;
	for (c = -128; c < 256; c++) {
		const char *p = c > 0
		    ? strchr(digits, c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c)
		    : NULL;

		want = p != NULL ? (int)(p - digits) : -1;
		assert_int_equal(tc_hex_digit(c), want);
	}
}

#define TESTS(X, XF)                                                           \
	X(test_round_trip)                                                     \
	X(test_strict_decode)                                                  \
	X(test_digit)

TC_UNIT_MAIN(TESTS, NULL, NULL)
