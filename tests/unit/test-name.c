/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of name normalisation (src/name.c): pairs that must compare
 * equal, pairs that must not, exact normalised forms, idempotence, and the
 * refusals (invalid UTF-8, overlong forms, encoded surrogates, controls,
 * embedded NUL, over-long input). All names are made up or generic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/name.h"

/* Normalises s (strlen) into a fresh string; fails the test on error. */
static char *
norm(const char *s)
{
	struct tc_buf b, again;
	char err[128] = "";
	uint8_t *p;
	int r;

	tc_buf_init(&b, 0);
	tc_buf_init(&again, 0);
	r = tc_name_normalise(s, strlen(s), &b, err, sizeof(err));
	if (r != 0)
		fail_msg("\"%s\": %d %s", s, r, err);
	assert_string_equal(err, "");
	/* Idempotent. */
	assert_int_equal(
	    tc_name_normalise((char *)b.data, b.len, &again, err, sizeof(err)),
	    0);
	assert_int_equal(again.len, b.len);
	assert_memory_equal(again.data, b.data, b.len);
	tc_buf_release(&again);
	p = tc_buf_detach(&b, NULL);
	assert_non_null(p);
	return (char *)p;
}

static void
test_same(void **state)
{
	/* Written with universal character names where the glyphs look alike. */
	static const char *const v[][2] = {
		{ "  Li   Wei ", "li wei" }, { "ＬＩ　ＷＥＩ", "Li Wei" },
		{ "Mar\u00eda", "Mari\u0301a" }, /* precomposed vs decomposed */
		{ "约翰\u00b7史密斯", "约翰\u30fb史密斯" },
		{ "约翰\u00b7史密斯", "约翰 \u00b7 史密斯" },
		{ "约翰\u00b7史密斯", "约翰 \u30fb 史密斯" },
		{ "约翰\u00b7史密斯", "约翰\u2022史密斯" },
		{ "约翰\u00b7史密斯", "约翰\u3000\uff65史密斯" },
		{ "约翰\u00b7史密斯", "约翰\u2027史密斯" },
		{ "约翰\u00b7史密斯", "约翰\u2219史密斯" },
		{ "约翰\u00b7史密斯", "约翰\u22c5史密斯" },
		{ "约翰\u00b7史密斯", "约翰\u0387史密斯" }, { "张伟", "张 伟" },
		{ "张伟", " 张\u3000伟\u00a0" }, { "欧阳俊", "欧 阳  俊" },
		{ "STRASSE", "stra\u00dfe" }, { "Wei\u00df", "WEISS" },
		{ "Li\u00a0Wei", "Li Wei" },	 /* no-break space */
		{ "Li\u2003Wei", "Li Wei" },	 /* em space */
		{ "Li\u200bWei", "LiWei" },	 /* zero-width space removed */
		{ "\ufeffLi Wei", "Li Wei" },	 /* byte order mark removed */
		{ "O'Brien", "Ｏ＇Ｂｒｉｅｎ" }, /* full-width */
		{ "O\u2019Brien", "o'brien" },	 /* phone apostrophe */
		{ "Jean\u2010Luc", "jean-luc" }, /* Unicode hyphen */
		{ "\u212aim", "Kim" },		 /* Kelvin sign */
		{ "ΣΙΣΥΦΟΣ", "σισυφος" },	 /* final sigma */
		{ "Jean-Luc", "JEAN-LUC" },
		{ "Anna \u00b7 Lee", "anna\u00b7lee" },
		{ "葛\ufe00", "葛" }, /* variation selector removed */
	};
	size_t i;
	char *a, *b;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		a = norm(v[i][0]);
		b = norm(v[i][1]);
		if (strcmp(a, b) != 0)
			fail_msg("pair %zu: \"%s\" != \"%s\"", i, a, b);
		free(a);
		free(b);
	}
}

static void
test_different(void **state)
{
	static const char *const v[][2] = {
		{ "张伟", "张玮" }, { "Li Wei", "Liwei" },
		{ "M\u00fcller", "Muller" }, { "M\u00fcller", "Mueller" },
		{ "李", "李李" }, { "Li-Wei", "Li Wei" },
		{ "张 David", "张David" }, { "Jos\u00e9", "Jose" },
		{ "Anna.Lee", "Anna\u00b7Lee" },
		{ "张", "張" }, /* simplified and traditional stay different */
	};
	size_t i;
	char *a, *b;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		a = norm(v[i][0]);
		b = norm(v[i][1]);
		if (strcmp(a, b) == 0)
			fail_msg("pair %zu: both \"%s\"", i, a);
		free(a);
		free(b);
	}
}

static void
test_exact_forms(void **state)
{
	static const char *const v[][2] = {
		{ "  Li   Wei ", "li wei" },
		{ "约翰 \u30fb 史", "约翰\u00b7史" },
		{ "Mari\u0301a", "mar\u00eda" }, /* NFC */
		{ "STRA\u00dfE", "strasse" },
		{ "张 Wei", "张 wei" },
		{ "\u00b7", "\u00b7" },
		{ "\u00b7 Li", "\u00b7li" },
	};
	size_t i;
	char *a;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		a = norm(v[i][0]);
		assert_string_equal(a, v[i][1]);
		free(a);
	}
}

struct bad {
	const char *in;
	size_t len;
	int want;
	const char *msg;
};

static void
test_refused(void **state)
{
	static const struct bad v[] = {
		{ "Li\xffWei", 6, TC_ERR_BAD_ENCODING,
		    "byte offset 2: invalid UTF-8" },
		{ "\xc0\xaf", 2, TC_ERR_BAD_ENCODING,
		    "byte offset 0: invalid UTF-8" }, /* overlong / */
		{ "ab\xe0\x80\xaf", 5, TC_ERR_BAD_ENCODING,
		    "byte offset 2: invalid UTF-8" }, /* overlong */
		{ "\xf0\x80\x80\xaf", 4, TC_ERR_BAD_ENCODING, NULL },
		{ "x\xed\xa0\x80", 4, TC_ERR_BAD_ENCODING,
		    "byte offset 1: invalid UTF-8" },		  /* U+D800 */
		{ "\xed\xbf\xbf", 3, TC_ERR_BAD_ENCODING, NULL }, /* U+DFFF */
		{ "\xf4\x90\x80\x80", 4, TC_ERR_BAD_ENCODING, NULL },
		{ "Li\xe5\xbc", 4, TC_ERR_BAD_ENCODING,
		    "byte offset 2: invalid UTF-8" }, /* truncated */
		{ "\x80", 1, TC_ERR_BAD_ENCODING, NULL },
		{ "Li\0Wei", 6, TC_ERR_BAD_ENCODING,
		    "byte offset 2: control character U+0000 is not allowed in a name" },
		{ "Li\tWei", 6, TC_ERR_BAD_ENCODING,
		    "byte offset 2: control character U+0009 is not allowed in a name" },
		{ "Li Wei\n", 7, TC_ERR_BAD_ENCODING, NULL },
		{ "Li\x7fWei", 6, TC_ERR_BAD_ENCODING, NULL },
		{ "Li\xc2\x85Wei", 7, TC_ERR_BAD_ENCODING,
		    "byte offset 2: control character U+0085 is not allowed in a name" },
		{ "Li\xe2\x80\xaeWei", 8, TC_ERR_BAD_ENCODING,
		    "byte offset 2: format character U+202E is not allowed in a name" },
		{ "", 0, TC_ERR_MALFORMED, "empty name" },
		{ "   ", 3, TC_ERR_MALFORMED, "empty name" },
		{ "\xe3\x80\x80\xc2\xa0", 5, TC_ERR_MALFORMED, "empty name" },
		{ "\xe2\x80\x8b", 3, TC_ERR_MALFORMED, "empty name" },
	};
	struct tc_buf b;
	char err[128];
	size_t i;
	int r;

	tc_buf_init(&b, 0);
	assert_int_equal(tc_buf_puts(&b, "keep|"), 0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		r = tc_name_normalise(v[i].in, v[i].len, &b, err, sizeof(err));
		if (r != v[i].want)
			fail_msg("case %zu: got %d (%s), want %d", i, r, err,
			    v[i].want);
		assert_true(err[0] != '\0');
		if (v[i].msg != NULL)
			assert_string_equal(err, v[i].msg);
		/* A failure leaves the buffer as it was. */
		assert_int_equal(b.len, 5);
		assert_string_equal((char *)b.data, "keep|");
	}
	tc_buf_release(&b);
}

static void
test_limits(void **state)
{
	char in[300], err[128];
	struct tc_buf b, small;

	memset(in, 'a', sizeof(in));
	tc_buf_init(&b, 0);
	assert_int_equal(
	    tc_name_normalise(in, TC_NAME_IN_MAX, &b, err, sizeof(err)), 0);
	assert_int_equal(b.len, TC_NAME_IN_MAX);
	assert_int_equal(
	    tc_name_normalise(in, TC_NAME_IN_MAX + 1, &b, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "name longer than 256 bytes");
	assert_int_equal(b.len, TC_NAME_IN_MAX);
	/* Appends. */
	assert_int_equal(tc_name_normalise("B", 1, &b, NULL, 0), 0);
	assert_int_equal(b.len, TC_NAME_IN_MAX + 1);
	assert_int_equal(b.data[TC_NAME_IN_MAX], 'b');
	tc_buf_release(&b);

	/* 85 x U+FB03 (ﬃ, 3 bytes) case-fold to 255 bytes "ffi": fits 256
	 * input bytes but not an output cap of 100. */
	tc_buf_init(&small, 100);
	assert_int_equal(tc_buf_puts(&small, "x"), 0);
	{
		size_t i;

		for (i = 0; i < 85; i++)
			memcpy(in + 3 * i, "\xef\xac\x83", 3);
	}
	assert_int_equal(tc_name_normalise(in, 255, &small, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(small.len, 1);
	tc_buf_release(&small);
	tc_buf_init(&b, 0);
	assert_int_equal(tc_name_normalise(in, 255, &b, err, sizeof(err)), 0);
	assert_int_equal(b.len, 255);
	assert_memory_equal(b.data, "ffiffiffi", 9);
	tc_buf_release(&b);

	tc_buf_init(&b, 0);
	assert_int_equal(tc_name_normalise(NULL, 3, &b, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_name_normalise(NULL, 0, &b, err, sizeof(err)), TC_ERR_MALFORMED);
	assert_int_equal(tc_name_normalise("a", 1, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_buf_release(&b);
}

#define TESTS(X, XF)                                                           \
	X(test_same)                                                           \
	X(test_different)                                                      \
	X(test_exact_forms)                                                    \
	X(test_refused)                                                        \
	X(test_limits)

TC_UNIT_MAIN(TESTS, NULL, NULL)
