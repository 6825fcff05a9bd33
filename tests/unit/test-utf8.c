/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the UTF-8 decoder (src/utf8.c): the boundaries of RFC 3629
 * table 3 and the refusals (overlong forms, surrogates, above U+10FFFF,
 * cut-off and bad continuation bytes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "tcard/utf8.h"

/*
 * The len bytes of s are one character, cp: with a byte more too, and
 * with a byte less not.
 */
static void
decodes(const char *s, size_t len, uint32_t want)
{
	uint32_t cp = 0xffffffff;

	assert_int_equal(tc_utf8_next((const uint8_t *)s, len, &cp), len);
	assert_int_equal(cp, want);
	/* Extra bytes after it do not matter. */
	assert_int_equal(tc_utf8_next((const uint8_t *)s, len + 1, &cp), len);
	if (len > 1)
		assert_int_equal(
		    tc_utf8_next((const uint8_t *)s, len - 1, &cp), 0);
}

static void
test_valid(void **state)
{
	(void)state;
	decodes("\x00", 1, 0x00);
	decodes("A", 1, 0x41);
	decodes("\x7f", 1, 0x7f);
	decodes("\xc2\x80", 2, 0x80);
	decodes("\xdf\xbf", 2, 0x7ff);
	decodes("\xe0\xa0\x80", 3, 0x800);
	decodes("\xe4\xba\xba", 3, 0x4eba); /* 人 */
	decodes("\xed\x9f\xbf", 3, 0xd7ff);
	decodes("\xee\x80\x80", 3, 0xe000);
	decodes("\xef\xbf\xbf", 3, 0xffff);
	decodes("\xf0\x90\x80\x80", 4, 0x10000);
	decodes("\xf4\x8f\xbf\xbf", 4, 0x10ffff);
}

static void
test_invalid(void **state)
{
	static const char *const bad[] = {
		"\x80\x80",	    /* a lone continuation byte */
		"\xc0\x80",	    /* overlong NUL */
		"\xc1\xbf",	    /* overlong */
		"\xe0\x9f\xbf",	    /* overlong 3-byte */
		"\xf0\x8f\xbf\xbf", /* overlong 4-byte */
		"\xed\xa0\x80",	    /* surrogate D800 */
		"\xed\xbf\xbf",	    /* surrogate DFFF */
		"\xf4\x90\x80\x80", /* 110000 */
		"\xf5\x80\x80\x80", /* lead byte above F4 */
		"\xff",		    /* never in UTF-8 */
		"\xc3\x28",	    /* bad continuation */
		"\xe4\xba\x41",	    /* bad continuation */
	};
	uint32_t cp = 7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tc_utf8_next((const uint8_t *)bad[i],
				     strlen(bad[i]) + 1, &cp),
		    0);
	assert_int_equal(cp, 7);
}

#define TESTS(X, XF)                                                           \
	X(test_valid)                                                          \
	X(test_invalid)

TC_UNIT_MAIN(TESTS, NULL, NULL)
