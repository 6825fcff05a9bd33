/* SPDX-License-Identifier: MIT */
/* Unit tests of the byte buffer, cursor and error table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"

static void
test_put_and_nul(void **state)
{
	struct tc_buf b;

	tc_buf_init(&b, 16);
	assert_int_equal(tc_buf_puts(&b, "abc"), 0);
	assert_int_equal(tc_buf_put_u8(&b, 'd'), 0);
	assert_int_equal(b.len, 4);
	assert_string_equal((char *)b.data, "abcd");
	assert_int_equal(tc_buf_put_u16be(&b, 0x4142), 0);
	assert_int_equal(tc_buf_put_u32be(&b, 0x43444546), 0);
	assert_string_equal((char *)b.data, "abcdABCDEF");
	assert_int_equal(tc_buf_printf(&b, "%d", 42), 0);
	assert_string_equal((char *)b.data, "abcdABCDEF42");
	tc_buf_release(&b);
	assert_null(b.data);
}

static void
test_cap_is_hard(void **state)
{
	struct tc_buf b;

	tc_buf_init(&b, 8);
	assert_int_equal(tc_buf_put(&b, "12345678", 8), 0);
	assert_int_equal(tc_buf_put_u8(&b, '9'), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 8);
	assert_string_equal((char *)b.data, "12345678");
	assert_int_equal(tc_buf_printf(&b, "x"), TC_ERR_TOO_LARGE);
	/* A huge n must not overflow the check. */
	assert_int_equal(tc_buf_reserve(&b, SIZE_MAX), TC_ERR_TOO_LARGE);
	tc_buf_release(&b);
}

static void
test_detach_and_truncate(void **state)
{
	struct tc_buf b;
	uint8_t *p;
	size_t n;

	tc_buf_init(&b, 0);
	p = tc_buf_detach(&b, &n);
	assert_non_null(p);
	assert_int_equal(n, 0);
	assert_int_equal(p[0], 0);
	free(p);
	assert_int_equal(tc_buf_puts(&b, "hello world"), 0);
	tc_buf_truncate(&b, 5);
	assert_string_equal((char *)b.data, "hello");
	p = tc_buf_detach(&b, &n);
	assert_int_equal(n, 5);
	assert_string_equal((char *)p, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);
}

static void
test_cursor_bounds(void **state)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct tc_cursor c;
	const uint8_t *p;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	tc_cursor_init(&c, d, sizeof(d));
	assert_int_equal(tc_cursor_get_u8(&c, &u8), 0);
	assert_int_equal(u8, 1);
	assert_int_equal(tc_cursor_get_u16be(&c, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(tc_cursor_get_u32be(&c, &u32), 0);
	assert_int_equal(u32, 0x04050607);
	assert_int_equal(tc_cursor_left(&c), 0);
	assert_int_equal(tc_cursor_get_u8(&c, &u8), TC_ERR_TRUNCATED);
	tc_cursor_init(&c, d, sizeof(d));
	assert_int_equal(tc_cursor_get_bytes(&c, 8, &p), TC_ERR_TRUNCATED);
	assert_int_equal(c.off, 0);
	assert_int_equal(tc_cursor_get_bytes(&c, 7, &p), 0);
	assert_ptr_equal(p, d);
}

/* The first failed put is sticky until truncate, reset or detach. */
static void
test_sticky_error(void **state)
{
	struct tc_buf b;
	uint8_t *p;
	size_t n;

	(void)state;
	tc_buf_init(&b, 8);
	assert_int_equal(tc_buf_error(&b), 0);
	assert_int_equal(tc_buf_puts(&b, "abcd"), 0);
	assert_int_equal(tc_buf_puts(&b, "efghi"), TC_ERR_TOO_LARGE);
	assert_int_equal(tc_buf_error(&b), TC_ERR_TOO_LARGE);
	/* A put that would fit now fails too and changes nothing. */
	assert_int_equal(tc_buf_put_u8(&b, 'e'), TC_ERR_TOO_LARGE);
	assert_int_equal(tc_buf_printf(&b, "%d", 1), TC_ERR_TOO_LARGE);
	assert_int_equal(tc_buf_put_u16be(&b, 1), TC_ERR_TOO_LARGE);
	assert_int_equal(tc_buf_put_u32be(&b, 1), TC_ERR_TOO_LARGE);
	assert_int_equal(tc_buf_put(&b, "", 0), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 4);
	assert_string_equal((char *)b.data, "abcd");
	/* A direct reserve neither sets nor checks it. */
	assert_int_equal(tc_buf_reserve(&b, 1), 0);
	assert_int_equal(tc_buf_error(&b), TC_ERR_TOO_LARGE);
	/* Truncating (even to the same length) clears it. */
	tc_buf_truncate(&b, 4);
	assert_int_equal(tc_buf_error(&b), 0);
	assert_int_equal(tc_buf_puts(&b, "e"), 0);
	assert_int_equal(tc_buf_printf(&b, "%s", "fghi"), TC_ERR_TOO_LARGE);
	tc_buf_reset(&b);
	assert_int_equal(tc_buf_error(&b), 0);
	assert_int_equal(tc_buf_puts(&b, "12345678"), 0);
	assert_int_equal(tc_buf_put_u8(&b, 9), TC_ERR_TOO_LARGE);
	p = tc_buf_detach(&b, &n);
	assert_non_null(p);
	assert_int_equal(n, 8);
	free(p);
	assert_int_equal(tc_buf_error(&b), 0);
	assert_int_equal(tc_buf_puts(&b, "x"), 0);
	assert_int_equal(tc_buf_put(&b, "123456789", 9), TC_ERR_TOO_LARGE);
	tc_buf_release(&b);
	assert_int_equal(tc_buf_error(&b), 0);
}

static void
test_errors(void **state)
{
	char msg[64];

	assert_string_equal(tc_errname(TC_ERR_BAD_SIGNATURE), "bad-signature");
	assert_string_equal(tc_strerror(TC_ERR_TRUNCATED), "input truncated");
	assert_string_equal(tc_errname(-9999), "unknown");
	assert_int_equal(tc_seterr(msg, sizeof(msg), TC_ERR_RANGE, "at %d", 7),
	    TC_ERR_RANGE);
	assert_string_equal(msg, "at 7");
	assert_int_equal(tc_seterr(NULL, 0, TC_ERR_RANGE, "x"), TC_ERR_RANGE);
	assert_int_equal(tc_memeq_ct("abc", "abc", 3), 0);
	assert_int_not_equal(tc_memeq_ct("abc", "abd", 3), 0);
}

#define TESTS(X, XF)                                                           \
	X(test_put_and_nul)                                                    \
	X(test_cap_is_hard)                                                    \
	X(test_detach_and_truncate)                                            \
	X(test_cursor_bounds)                                                  \
	X(test_errors)                                                         \
	X(test_sticky_error)

TC_UNIT_MAIN(TESTS, NULL, NULL)
