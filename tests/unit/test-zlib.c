/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the zlib wrapper (src/zlib.c): known streams (levels 1, 6,
 * 9 and a stored block, made with Python's zlib), every kind of bad input,
 * truncation at every offset, bit flips, the exact cap boundary, and a
 * zlib bomb that must stop at the cap without allocating past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/zlib.h"

static size_t
unhex(uint8_t *out, size_t outlen, const char *hex)
{
	size_t n = 0;
	unsigned int v;

	while (hex[0] != '\0' && hex[1] != '\0') {
		assert_true(n < outlen);
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static uint32_t
prng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Text-like bytes that compress a little, as a credential would. */
static void
fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] =
		    (uint8_t)("ABCDEFGH 0123456789abcdefgh"[prng(&seed) % 27]);
}

static const struct {
	const char *hex;
	const char *data;
	size_t len;
} good[] = {
	{ "78da030000000001", "", 0 },
	{ "78dacb48cdc9c90700062c0215", "hello", 5 },
	{ "789ccb48cdc9c90700062c0215", "hello", 5 },
	{ "7801cb48cdc9c90700062c0215", "hello", 5 },
	/* A stored (uncompressed) block. */
	{ "7801010500faff68656c6c6f062c0215", "hello", 5 },
	{ "78da4b4ca43d00007a4725e5",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    100 },
};

static const struct fx_refusal bad[] = {
	{ "", TC_ERR_TRUNCATED, "ends early" },
	{ "78", TC_ERR_TRUNCATED, "ends early" },
	{ "78da", TC_ERR_TRUNCATED, "ends early" },
	{ "78dacb48cdc9c907", TC_ERR_TRUNCATED, "ends early" },
	{ "78dacb48cdc9c90700062c02", TC_ERR_TRUNCATED, "ends early" },
	/* Header check bits wrong; a gzip header is not a zlib header. */
	{ "7800", TC_ERR_MALFORMED, "input byte 1: incorrect header check" },
	{ "78dbcb48cdc9c90700062c0215", TC_ERR_MALFORMED,
	    "incorrect header check" },
	{ "1f8b0800000000000003cb48cdc9c90700863ba6360500000000",
	    TC_ERR_MALFORMED, "incorrect header check" },
	/* CM 9 instead of 8 (deflate); window size 2^16 (CINFO 8). */
	{ "7918", TC_ERR_MALFORMED, "unknown compression method" },
	{ "881c", TC_ERR_MALFORMED, "invalid window size" },
	/* Block type 3 (reserved). */
	{ "78da07", TC_ERR_MALFORMED, "invalid block type" },
	/* Stored block whose NLEN is not the complement of LEN. */
	{ "7801010500faef68656c6c6f062c0215", TC_ERR_MALFORMED,
	    "invalid stored block lengths" },
	/* Wrong Adler-32. */
	{ "78dacb48cdc9c90700062c0216", TC_ERR_MALFORMED,
	    "input byte 12: incorrect data check" },
	{ "78dacb48cdc9c90700062c0315", TC_ERR_MALFORMED,
	    "incorrect data check" },
	/* Bytes after the end of the stream. */
	{ "78dacb48cdc9c90700062c021500", TC_ERR_TRAILING,
	    "input byte 13: the zlib stream ends here but 1 more byte follows" },
	{ "78da03000000000178da03000000000100", TC_ERR_TRAILING,
	    "input byte 8: the zlib stream ends here but 9 more bytes follow" },
	/* FDICT: a preset dictionary (id 1) is asked for. */
	{ "78bb00000001030000000001", TC_ERR_UNSUPPORTED, "dictionary" },
	{ "78bb", TC_ERR_TRUNCATED, "ends early" },
	{ "78bb000000", TC_ERR_TRUNCATED, "ends early" },
};

static void
test_known_streams(void **state)
{
	struct tc_buf b;
	uint8_t in[64];
	size_t i, n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		n = unhex(in, sizeof(in), good[i].hex);
		tc_buf_init(&b, 0);
		assert_int_equal(tc_buf_puts(&b, ">"), 0);
		assert_int_equal(tc_zlib_inflate(&b, in, n, NULL, 0), 0);
		assert_int_equal(b.len, 1 + good[i].len);
		assert_memory_equal(b.data + 1, good[i].data, good[i].len + 1);
		tc_buf_release(&b);
	}
	/* Our deflate at level 9 gives the same bytes as Python's zlib. */
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (strncmp(good[i].hex, "78da", 4) != 0)
			continue;
		n = unhex(in, sizeof(in), good[i].hex);
		tc_buf_init(&b, 0);
		assert_int_equal(
		    tc_zlib_deflate(
			&b, (const uint8_t *)good[i].data, good[i].len),
		    0);
		assert_int_equal(b.len, n);
		assert_memory_equal(b.data, in, n);
		tc_buf_release(&b);
	}
}

static void
test_bad_streams(void **state)
{
	struct tc_buf b;
	uint8_t in[64];
	char msg[200];
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = unhex(in, sizeof(in), bad[i].in);
		tc_buf_init(&b, 0);
		assert_int_equal(tc_buf_puts(&b, "kept"), 0);
		msg[0] = '\0';
		assert_int_equal(
		    tc_zlib_inflate(&b, n ? in : NULL, n, msg, sizeof(msg)),
		    bad[i].code);
		fx_msg_has(i, msg, bad[i].msg);
		assert_int_equal(b.len, 4);
		assert_string_equal((char *)b.data, "kept");
		assert_int_equal(
		    tc_zlib_inflate(&b, in, n, NULL, 0), bad[i].code);
		tc_buf_release(&b);
	}
}

static void
test_round_trips(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 100, 1000, 65535, 65536, 65537,
		200000, 300001 };
	struct tc_buf z, d;
	uint8_t *p;
	size_t i;

	p = malloc(300001);
	assert_non_null(p);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(p, sizes[i], (uint32_t)i + 1);
		tc_buf_init(&z, 0);
		tc_buf_init(&d, 0);
		assert_int_equal(tc_zlib_deflate(&z, p, sizes[i]), 0);
		assert_true(z.len >= 8);
		assert_int_equal(z.data[0], 0x78);
		assert_int_equal(z.data[1], 0xda);
		assert_int_equal(
		    tc_zlib_inflate(&d, z.data, z.len, NULL, 0), 0);
		assert_int_equal(d.len, sizes[i]);
		if (sizes[i] > 0)
			assert_memory_equal(d.data, p, sizes[i]);
		assert_int_equal(d.data[d.len], 0);
		tc_buf_release(&z);
		tc_buf_release(&d);
	}
	free(p);
}

/* The cap holds exactly: a stream of n bytes fits a cap of n, not n - 1. */
static void
test_cap_boundary(void **state)
{
	static const size_t sizes[] = { 1, 2, 1000, 65535, 65536, 65537, 131072,
		200000 };
	struct tc_buf z, d;
	uint8_t *p;
	char msg[200];
	size_t i, n;

	p = malloc(200000);
	assert_non_null(p);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = sizes[i];
		fill(p, n, 77);
		if (i % 2)
			memset(p, 'x', n); /* long matches, too */
		tc_buf_init(&z, 0);
		assert_int_equal(tc_zlib_deflate(&z, p, n), 0);

		tc_buf_init(&d, n + 3);
		assert_int_equal(tc_buf_puts(&d, "abc"), 0);
		assert_int_equal(
		    tc_zlib_inflate(&d, z.data, z.len, NULL, 0), 0);
		assert_int_equal(d.len, n + 3);
		assert_memory_equal(d.data + 3, p, n);
		assert_true(d.alloc <= d.cap + 1);
		tc_buf_release(&d);

		tc_buf_init(&d, n + 2);
		assert_int_equal(tc_buf_puts(&d, "abc"), 0);
		assert_int_equal(
		    tc_zlib_inflate(&d, z.data, z.len, msg, sizeof(msg)),
		    TC_ERR_TOO_LARGE);
		assert_non_null(strstr(msg, "passes the cap"));
		assert_int_equal(d.len, 3);
		assert_string_equal((char *)d.data, "abc");
		assert_true(d.alloc <= d.cap + 1);
		tc_buf_release(&d);

		/* Deflate's own cap: exactly the stream's size fits. */
		tc_buf_init(&d, z.len);
		assert_int_equal(tc_zlib_deflate(&d, p, n), 0);
		assert_int_equal(d.len, z.len);
		assert_memory_equal(d.data, z.data, z.len);
		tc_buf_release(&d);
		tc_buf_init(&d, z.len);
		assert_int_equal(tc_buf_put_u8(&d, '#'), 0);
		assert_int_equal(tc_zlib_deflate(&d, p, n), TC_ERR_TOO_LARGE);
		assert_int_equal(d.len, 1);
		assert_string_equal((char *)d.data, "#");
		tc_buf_release(&d);
		tc_buf_release(&z);
	}
	free(p);
}

static void
test_bomb(void **state)
{
	const size_t big = 10u << 20;
	struct tc_buf z, d;
	uint8_t *zeros;
	char msg[200];

	zeros = calloc(1, big);
	assert_non_null(zeros);
	tc_buf_init(&z, 64 * 1024);
	assert_int_equal(tc_zlib_deflate(&z, zeros, big), 0);
	free(zeros);
	/* 10 MB of zeros compress about 1000 to 1. */
	assert_true(z.len < 16 * 1024);

	tc_buf_init(&d, 64 * 1024);
	msg[0] = '\0';
	assert_int_equal(tc_zlib_inflate(&d, z.data, z.len, msg, sizeof(msg)),
	    TC_ERR_TOO_LARGE);
	assert_true(d.alloc <= d.cap + 1);
	assert_int_equal(d.len, 0);
	assert_non_null(strstr(msg, "passes the cap of 65536 bytes"));
	tc_buf_release(&d);

	/* The same with the default cap of 1 MiB. */
	tc_buf_init(&d, 0);
	assert_int_equal(
	    tc_zlib_inflate(&d, z.data, z.len, NULL, 0), TC_ERR_TOO_LARGE);
	assert_true(d.alloc <= d.cap + 1);
	assert_int_equal(d.len, 0);
	tc_buf_release(&d);

	/* A bomb cut short still stops at the cap, as too large. */
	tc_buf_init(&d, 64 * 1024);
	assert_int_equal(
	    tc_zlib_inflate(&d, z.data, z.len / 2, NULL, 0), TC_ERR_TOO_LARGE);
	assert_true(d.alloc <= d.cap + 1);
	tc_buf_release(&d);

	/* An output buffer already at its cap takes nothing more. */
	tc_buf_init(&d, 4);
	assert_int_equal(tc_buf_puts(&d, "full"), 0);
	assert_int_equal(
	    tc_zlib_inflate(&d, z.data, z.len, NULL, 0), TC_ERR_TOO_LARGE);
	assert_string_equal((char *)d.data, "full");
	tc_buf_release(&d);
	tc_buf_release(&z);
}

static void
test_truncated_everywhere(void **state)
{
	struct tc_buf z, d;
	uint8_t p[3000];
	size_t n;

	fill(p, sizeof(p), 5);
	tc_buf_init(&z, 0);
	assert_int_equal(tc_zlib_deflate(&z, p, sizeof(p)), 0);
	for (n = 0; n < z.len; n++) {
		tc_buf_init(&d, 0);
		assert_int_equal(
		    tc_zlib_inflate(&d, z.data, n, NULL, 0), TC_ERR_TRUNCATED);
		assert_int_equal(d.len, 0);
		tc_buf_release(&d);
	}
	tc_buf_release(&z);
}

/* Every single-bit flip is answered with an error code, never a crash. */
static void
test_bit_flips(void **state)
{
	struct tc_buf z, d;
	uint8_t p[500], *q;
	size_t i;
	int bit, rc, fails = 0;

	fill(p, sizeof(p), 9);
	tc_buf_init(&z, 0);
	assert_int_equal(tc_zlib_deflate(&z, p, sizeof(p)), 0);
	q = malloc(z.len);
	assert_non_null(q);
	for (i = 0; i < z.len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(q, z.data, z.len);
			q[i] ^= (uint8_t)(1 << bit);
			tc_buf_init(&d, 1000);
			rc = tc_zlib_inflate(&d, q, z.len, NULL, 0);
			if (rc != 0) {
				assert_true(rc == TC_ERR_MALFORMED ||
				    rc == TC_ERR_TRUNCATED ||
				    rc == TC_ERR_TRAILING ||
				    rc == TC_ERR_TOO_LARGE ||
				    rc == TC_ERR_UNSUPPORTED);
				assert_int_equal(d.len, 0);
				fails++;
			}
			tc_buf_release(&d);
		}
	/* Adler-32 and the header check catch almost all of them. */
	assert_true(fails > (int)(z.len * 8 * 9 / 10));
	free(q);
	tc_buf_release(&z);
}

static void
test_deflate_edges(void **state)
{
	struct tc_buf z;

	tc_buf_init(&z, 0);
	assert_int_equal(tc_zlib_deflate(&z, NULL, 0), 0);
	assert_int_equal(z.len, 8);
	assert_memory_equal(z.data, "\x78\xda\x03\x00\x00\x00\x00\x01", 8);
	tc_buf_release(&z);
	/* Even the empty stream needs 8 bytes. */
	tc_buf_init(&z, 7);
	assert_int_equal(tc_zlib_deflate(&z, NULL, 0), TC_ERR_TOO_LARGE);
	assert_int_equal(z.len, 0);
	tc_buf_release(&z);
}

#define TESTS(X, XF)                                                           \
	X(test_known_streams)                                                  \
	X(test_bad_streams)                                                    \
	X(test_round_trips)                                                    \
	X(test_cap_boundary)                                                   \
	X(test_bomb)                                                           \
	X(test_truncated_everywhere)                                           \
	X(test_bit_flips)                                                      \
	X(test_deflate_edges)

TC_UNIT_MAIN(TESTS, NULL, NULL)
