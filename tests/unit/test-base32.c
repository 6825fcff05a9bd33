/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of Base32 (src/base32.c): the RFC 4648 section 10 vectors
 * encoded without padding and decoded with and without it, in either case;
 * the texts a strict decoder refuses, with their positions; round trips of
 * pseudo-random bytes of every length from 0 to 200; appending and caps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/base32.h"
#include "tcard/buf.h"
#include "tcard/err.h"

/* RFC 4648 section 10, with and without the padding. */
static const struct {
	const char *bytes;
	const char *text;
	const char *padded;
} vectors[] = {
	{ "", "", "" },
	{ "f", "MY", "MY======" },
	{ "fo", "MZXQ", "MZXQ====" },
	{ "foo", "MZXW6", "MZXW6===" },
	{ "foob", "MZXW6YQ", "MZXW6YQ=" },
	{ "fooba", "MZXW6YTB", "MZXW6YTB" },
	{ "foobar", "MZXW6YTBOI", "MZXW6YTBOI======" },
	/* RFC 4226 appendix D's secret, as authenticator apps show it. */
	{ "12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" },
};

/* Texts the decoder refuses, with the code and the message. */
static const struct {
	const char *text;
	int rc;
	const char *msg;
} invalid[] = {
	{ "MZXW1", TC_ERR_BAD_ENCODING,
	    "character 4: '1' is not in the Base32 alphabet" },
	{ "MZ0Q", TC_ERR_BAD_ENCODING,
	    "character 2: '0' is not in the Base32 alphabet" },
	{ "MZ8Q", TC_ERR_BAD_ENCODING, NULL },
	{ "MZ9Q", TC_ERR_BAD_ENCODING, NULL },
	{ "MZXW 6YQ", TC_ERR_BAD_ENCODING,
	    "character 4: ' ' is not in the Base32 alphabet" },
	{ "MZXW-6YQ", TC_ERR_BAD_ENCODING, NULL },
	{ "MZXQ\n", TC_ERR_BAD_ENCODING,
	    "character 4: byte 0x0a is not in the Base32 alphabet" },
	{ "\xef\xbc\xad", TC_ERR_BAD_ENCODING,
	    "character 0: byte 0xef is not in the Base32 alphabet" },
	{ "MZ'Q", TC_ERR_BAD_ENCODING,
	    "character 2: byte 0x27 is not in the Base32 alphabet" },
	/* Lengths no byte count gives. */
	{ "M", TC_ERR_MALFORMED,
	    "character 0: 1 Base32 characters are no whole number of bytes (1, 3 or 6 modulo 8)" },
	{ "MZX", TC_ERR_MALFORMED, NULL },
	{ "MZXW6Y", TC_ERR_MALFORMED, NULL },
	{ "MZXW6YTBM", TC_ERR_MALFORMED, NULL },
	{ "M=======", TC_ERR_MALFORMED, NULL },
	/* Padding: the wrong amount, or something after it. */
	{ "MY=", TC_ERR_MALFORMED,
	    "character 2: 1 padding characters after 2 Base32 characters, where 6 are due" },
	{ "MY=======", TC_ERR_MALFORMED, NULL },
	{ "MZXW6YTB========", TC_ERR_MALFORMED,
	    "character 8: 8 padding characters after 8 Base32 characters, where 0 are due" },
	{ "========", TC_ERR_MALFORMED, NULL },
	{ "=", TC_ERR_MALFORMED, NULL },
	{ "MY==A===", TC_ERR_MALFORMED, "character 4: 'A' after the padding" },
	{ "MY====== ", TC_ERR_MALFORMED, NULL },
	/* Trailing bits that are not zero: "MZ" would be 'f' plus 0b01. */
	{ "MZ", TC_ERR_MALFORMED,
	    "character 1: 'Z' leaves trailing bits that are not zero" },
	{ "MZXR", TC_ERR_MALFORMED, NULL },
	{ "MZXW7", TC_ERR_MALFORMED, NULL },
	{ "MZXW6YR", TC_ERR_MALFORMED, NULL },
	/* The first error in the text is the one reported. */
	{ "M1", TC_ERR_BAD_ENCODING, NULL },
	{ "MZ=1", TC_ERR_MALFORMED, "character 3: '1' after the padding" },
};

static void
test_vectors(void **state)
{
	struct tc_buf b;
	char lower[64];
	size_t i, k, n;
	const char *texts[3];

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		n = strlen(vectors[i].bytes);
		tc_buf_init(&b, 0);
		assert_int_equal(
		    tc_base32_encode(&b, (const uint8_t *)vectors[i].bytes, n),
		    0);
		assert_string_equal((const char *)b.data, vectors[i].text);
		assert_int_equal(b.len, TC_BASE32_ENCODED_LEN(n));
		tc_buf_release(&b);

		for (k = 0; vectors[i].padded[k] != '\0'; k++)
			lower[k] = (char)(vectors[i].padded[k] >= 'A' &&
				    vectors[i].padded[k] <= 'Z'
				? vectors[i].padded[k] + 32
				: vectors[i].padded[k]);
		lower[k] = '\0';
		texts[0] = vectors[i].text;
		texts[1] = vectors[i].padded;
		texts[2] = lower;
		for (k = 0; k < 3; k++) {
			tc_buf_init(&b, 0);
			assert_int_equal(tc_base32_decode(&b, texts[k],
					     strlen(texts[k]), NULL, 0),
			    0);
			assert_int_equal(b.len, n);
			assert_memory_equal(b.data, vectors[i].bytes, n);
			assert_int_equal(b.data[n], 0);
			tc_buf_release(&b);
		}
	}
}

static void
test_invalid(void **state)
{
	struct tc_buf b;
	char msg[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		tc_buf_init(&b, 0);
		msg[0] = '\0';
		assert_int_equal(tc_base32_decode(&b, invalid[i].text,
				     strlen(invalid[i].text), msg, sizeof(msg)),
		    invalid[i].rc);
		assert_int_equal(b.len, 0);
		assert_true(msg[0] != '\0');
		if (invalid[i].msg != NULL)
			assert_string_equal(msg, invalid[i].msg);
		tc_buf_release(&b);
	}
}

/* A NUL inside the counted text is a character like any other. */
static void
test_nul_inside(void **state)
{
	struct tc_buf b;
	char msg[128];

	(void)state;
	tc_buf_init(&b, 0);
	assert_int_equal(tc_base32_decode(&b, "MZ\0Q", 4, msg, sizeof(msg)),
	    TC_ERR_BAD_ENCODING);
	assert_string_equal(
	    msg, "character 2: byte 0x00 is not in the Base32 alphabet");
	tc_buf_release(&b);
}

static void
test_round_trips(void **state)
{
	struct tc_buf e, d;
	uint8_t in[200];
	uint32_t x = 12345;
	size_t n, i;

	(void)state;
	for (n = 0; n <= sizeof(in); n++) {
		for (i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			in[i] = (uint8_t)(x >> 16);
		}
		tc_buf_init(&e, 0);
		tc_buf_init(&d, 0);
		assert_int_equal(tc_base32_encode(&e, in, n), 0);
		assert_int_equal(e.len, TC_BASE32_ENCODED_LEN(n));
		assert_int_equal(
		    tc_base32_decode(&d, (const char *)e.data, e.len, NULL, 0),
		    0);
		assert_int_equal(d.len, n);
		if (n > 0)
			assert_memory_equal(d.data, in, n);
		tc_buf_release(&e);
		tc_buf_release(&d);
	}
}

static void
test_append_and_caps(void **state)
{
	struct tc_buf b;
	char msg[128];

	(void)state;
	/* Both append to what is there. */
	tc_buf_init(&b, 0);
	assert_int_equal(tc_buf_puts(&b, "x:"), 0);
	assert_int_equal(tc_base32_encode(&b, (const uint8_t *)"fo", 2), 0);
	assert_string_equal((const char *)b.data, "x:MZXQ");
	assert_int_equal(tc_base32_decode(&b, "MZXQ", 4, NULL, 0), 0);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.data, "x:MZXQfo", 8);
	/* A refused text leaves the buffer as it was. */
	assert_int_equal(
	    tc_base32_decode(&b, "MZ", 2, NULL, 0), TC_ERR_MALFORMED);
	assert_int_equal(b.len, 8);
	assert_int_equal(b.data[8], 0);
	tc_buf_release(&b);

	/* Caps. */
	tc_buf_init(&b, 7);
	assert_int_equal(tc_base32_encode(&b, (const uint8_t *)"foob", 4), 0);
	assert_int_equal(
	    tc_base32_encode(&b, (const uint8_t *)"f", 1), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 7);
	tc_buf_release(&b);
	tc_buf_init(&b, 5);
	assert_int_equal(
	    tc_base32_decode(&b, "MZXW6YTBOI", 10, msg, sizeof(msg)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(
	    msg, "10 Base32 characters decode to 6 bytes, over the cap of 5");
	assert_int_equal(b.len, 0);
	tc_buf_release(&b);

	/* A huge length is refused without wrapping around. */
	tc_buf_init(&b, 0);
	assert_int_equal(tc_base32_encode(&b, (const uint8_t *)"", SIZE_MAX),
	    TC_ERR_TOO_LARGE);
	tc_buf_release(&b);
}

#define TESTS(X, XF)                                                           \
	X(test_vectors)                                                        \
	X(test_invalid)                                                        \
	X(test_nul_inside)                                                     \
	X(test_round_trips)                                                    \
	X(test_append_and_caps)

TC_UNIT_MAIN(TESTS, NULL, NULL)
