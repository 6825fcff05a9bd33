/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the one CBOR head decoder and the strict reader on it
 * (src/cbor-read.c): every head length, truncation inside a head, the
 * reserved and indefinite initial bytes, and the shortest-form rule of
 * tc_cbor_get_head. Vectors from RFC 8949 appendix A.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "../../src/cbor-read.h"
#include "tcard/err.h"

static void
test_head_decode(void **state)
{
	static const struct {
		const char *hex;
		int major;
		unsigned int ai;
		uint64_t val;
		size_t head;
	} v[] = {
		{ "00", 0, 0, 0, 1 },
		{ "17", 0, 23, 23, 1 },
		{ "1818", 0, 24, 24, 2 },
		{ "190100", 0, 25, 256, 3 },
		{ "1a000f4240", 0, 26, 1000000, 5 },
		{ "1b000000e8d4a51000", 0, 27, 1000000000000ULL, 9 },
		{ "3863", 1, 24, 99, 2 },
		{ "44", 2, 4, 4, 1 },
		{ "7818", 3, 24, 24, 2 },
		{ "98ff", 4, 24, 255, 2 },
		{ "a0", 5, 0, 0, 1 },
		{ "d2", 6, 18, 18, 1 },
		{ "f6", 7, 22, 22, 1 },
		{ "f93c00", 7, 25, 0x3c00, 3 },
		/* Not shortest: decoded, judged by the caller. */
		{ "1800", 0, 24, 0, 2 },
	};
	uint8_t in[16];
	size_t i, j, n, head;
	unsigned int ai;
	uint64_t val;
	int major;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = strlen(v[i].hex) / 2;
		for (j = 0; j < n; j++) {
			unsigned int x;

			assert_int_equal(
			    sscanf(v[i].hex + 2 * j, "%2x", &x), 1);
			in[j] = (uint8_t)x;
		}
		assert_int_equal(
		    tc_cbor_head_decode(in, n, &major, &ai, &val, &head), 0);
		assert_int_equal(major, v[i].major);
		assert_int_equal(ai, v[i].ai);
		assert_true(val == v[i].val);
		assert_int_equal(head, v[i].head);
		/* One byte short of the head: truncated, outputs untouched. */
		major = 9;
		if (n > 1)
			assert_int_equal(tc_cbor_head_decode(in, n - 1, &major,
					     &ai, &val, &head),
			    TC_ERR_TRUNCATED);
		assert_int_equal(
		    tc_cbor_head_decode(in, 0, &major, &ai, &val, &head),
		    TC_ERR_TRUNCATED);
		assert_int_equal(major, 9);
	}
	for (i = 28; i < 32; i++) {
		in[0] = (uint8_t)(0x40 | i);
		assert_int_equal(
		    tc_cbor_head_decode(in, 9, &major, &ai, &val, &head),
		    TC_ERR_MALFORMED);
	}
	assert_int_equal(tc_cbor_head_len(23), 1);
	assert_int_equal(tc_cbor_head_len(24), 2);
	assert_int_equal(tc_cbor_head_len(0xff), 2);
	assert_int_equal(tc_cbor_head_len(0x100), 3);
	assert_int_equal(tc_cbor_head_len(0x10000), 5);
	assert_int_equal(tc_cbor_head_len(0x100000000ULL), 9);
}

static void
test_get_head(void **state)
{
	static const uint8_t ok[] = { 0x19, 0x01, 0x00, 0x82 };
	static const uint8_t longer[] = { 0x18, 0x17 };
	static const uint8_t indef[] = { 0x9f };
	static const uint8_t cut[] = { 0x1a, 0x00 };
	static const struct {
		const uint8_t *p;
		size_t n;
		int code;
		const char *msg;
	} bad[] = {
		{ longer, sizeof(longer), TC_ERR_MALFORMED,
		    "test byte 0: head not in the shortest form" },
		{ indef, sizeof(indef), TC_ERR_MALFORMED,
		    "test byte 0: indefinite length or reserved head 0x9f" },
		{ cut, sizeof(cut), TC_ERR_TRUNCATED,
		    "test byte 0: ends inside a head" },
	};
	struct tc_cbor_rd r;
	char err[128];
	uint64_t v;
	size_t at, i;
	int major;

	(void)state;
	tc_cbor_rd_init(&r, ok, sizeof(ok), "test", err, sizeof(err));
	assert_int_equal(tc_cbor_get_head(&r, &major, &v, &at), 0);
	assert_true(major == 0 && v == 256 && at == 0);
	assert_int_equal(tc_cbor_get_head(&r, &major, &v, &at), 0);
	assert_true(major == 4 && v == 2 && at == 3);
	assert_int_equal(
	    tc_cbor_get_head(&r, &major, &v, &at), TC_ERR_TRUNCATED);
	assert_string_equal(
	    err, "test byte 4: ends where an item should start");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tc_cbor_rd_init(
		    &r, bad[i].p, bad[i].n, "test", err, sizeof(err));
		assert_int_equal(
		    tc_cbor_get_head(&r, &major, &v, &at), bad[i].code);
		assert_string_equal(err, bad[i].msg);
	}
	/* The last, cut inside its head, leaves the reader where it was. */
	assert_int_equal(r.c.off, 0);
}

#define TESTS(X, XF)                                                           \
	X(test_head_decode)                                                    \
	X(test_get_head)

TC_UNIT_MAIN(TESTS, NULL, NULL)
