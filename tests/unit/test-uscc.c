/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of unified social credit codes (src/uscc.c). The example code
 * of GB 32100-2015 (91350100M000100Y43) is the independent vector; the
 * other codes were made up and their check characters computed with a
 * separate Python implementation of the standard's formula.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/uscc.h"

static void
test_valid(void **state)
{
	static const struct fx_in_out v[] = {
		{ "91350100M000100Y43", "91350100M000100Y43" },
		{ "91440101MA5CXQ8N2U", "91440101MA5CXQ8N2U" },
		{ "12440111455812345D", "12440111455812345D" },
		{ "91440101000000000J", "91440101000000000J" },
		{ "5144011150000123XE", "5144011150000123XE" },
		{ "Y1440000MA5A000005", "Y1440000MA5A000005" },
		/* Lower case, spaces, full width. */
		{ "91440101ma5cxq8n2u", "91440101MA5CXQ8N2U" },
		{ " 9144 0101 MA5C XQ8N 2U ", "91440101MA5CXQ8N2U" },
		{ "９１４４０１０１ＭＡ５ＣＸＱ８Ｎ２Ｕ",
		    "91440101MA5CXQ8N2U" },
		{ "91440101MA5CXQ8N2U\t", "91440101MA5CXQ8N2U" },
		{ "91440101　MA5CXQ8N2U", "91440101MA5CXQ8N2U" },
	};
	char out[TC_USCC_LEN + 1], msg[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (tc_uscc_normalise(v[i].in, out, msg, sizeof(msg)) != 0)
			fail_msg("case %zu: %s", i, msg);
		assert_string_equal(out, v[i].out);
	}
	assert_int_equal(tc_uscc_check_char("91350100M000100Y4"), '3');
	assert_int_equal(tc_uscc_check_char("91350100M000100YI"), -1);
	assert_int_equal(tc_uscc_check_char(NULL), -1);
}

static void
test_refusals(void **state)
{
	static const struct fx_refusal v[] = {
		{ "91350100M000100Y44", TC_ERR_BAD_CHECK, "expected 3, got 4" },
		{ "91350100M000100Y4", TC_ERR_MALFORMED, "not 17" },
		{ "91350100M000100Y433", TC_ERR_MALFORMED, "this one more" },
		{ "", TC_ERR_MALFORMED, "not 0" },
		{ "91350100M0001I0Y43", TC_ERR_BAD_ENCODING, "character 14" },
		{ "91350100M0001O0Y43", TC_ERR_BAD_ENCODING, "character 14" },
		{ "9135010SM000100Y43", TC_ERR_BAD_ENCODING, "character 8" },
		{ "91350100M000100Y4Z", TC_ERR_BAD_ENCODING, "character 18" },
		{ "913501A0M000100Y43", TC_ERR_BAD_ENCODING, "region code" },
		{ "01350100M000100Y43", TC_ERR_RANGE, "registration" },
		{ "B1350100M000100Y43", TC_ERR_RANGE, "registration" },
		{ "91350100-M000100Y43", TC_ERR_BAD_ENCODING, "character 9" },
		{ "\xff", TC_ERR_BAD_ENCODING, "invalid UTF-8" },
		{ "\xc0\xb1", TC_ERR_BAD_ENCODING, "invalid UTF-8" },
		{ "123456789012345678901234567890123456789012345678901234567890123456",
		    TC_ERR_TOO_LARGE, "64" },
	};
	char out[TC_USCC_LEN + 1], msg[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		strcpy(out, "x");
		assert_int_equal(
		    tc_uscc_normalise(v[i].in, out, msg, sizeof(msg)),
		    v[i].code);
		assert_string_equal(out, "");
		fx_msg_has(i, msg, v[i].msg);
	}
	assert_int_equal(
	    tc_uscc_normalise(NULL, out, NULL, 0), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_uscc_normalise("x", NULL, NULL, 0), TC_ERR_INVALID_ARG);
}

/* Every single-character change of a valid code is caught. */
static void
test_single_errors(void **state)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char code[] = "91440101MA5CXQ8N2U", out[TC_USCC_LEN + 1];
	size_t i, j;
	char keep;

	for (i = 0; i < TC_USCC_LEN; i++) {
		keep = code[i];
		for (j = 0; alphabet[j] != '\0'; j++) {
			if (alphabet[j] == keep)
				continue;
			code[i] = alphabet[j];
			assert_int_not_equal(
			    tc_uscc_normalise(code, out, NULL, 0), 0);
		}
		code[i] = keep;
	}
	assert_int_equal(tc_uscc_normalise(code, out, NULL, 0), 0);
}

#define TESTS(X, XF)                                                           \
	X(test_valid)                                                          \
	X(test_refusals)                                                       \
	X(test_single_errors)

TC_UNIT_MAIN(TESTS, NULL, NULL)
