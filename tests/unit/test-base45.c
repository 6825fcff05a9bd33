/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of Base45 (src/base45.c): the RFC 9285 examples, the invalid
 * texts RFC 9285 section 6 requires a decoder to refuse, exhaustive checks
 * of every group of two and three characters and every byte value, caps,
 * and round trips of pseudo-random bytes of every length from 0 to 300.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/base45.h"
#include "tcard/buf.h"
#include "tcard/err.h"

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* RFC 9285 sections 4.3 and 4.4, plus the extremes of each group. */
static const struct {
	const char *bytes;
	size_t nbytes;
	const char *text;
} vectors[] = {
	{ "AB", 2, "BB8" },
	{ "Hello!!", 7, "%69 VD92EX0" },
	{ "base-45", 7, "UJCLQE7W581" },
	{ "ietf!", 5, "QED8WEX0" },
	{ "", 0, "" },
	{ "\x00", 1, "00" },
	{ "\xff", 1, "U5" },
	{ "\x00\x00", 2, "000" },
	{ "\xff\xff", 2, "FGW" },
	{ "\xff\xff\xff", 3, "FGWU5" },
	{ "\x00\x00\x00", 3, "00000" },
};

/* Texts a strict decoder must refuse, with the code and the message. */
static const struct fx_refusal invalid[] = {
	/* RFC 9285 section 6: "GGW" is 65536. */
	{ "GGW", TC_ERR_MALFORMED,
	    "characters 0-2: group value 65536 is over 65535" },
	{ ":::", TC_ERR_MALFORMED,
	    "characters 0-2: group value 91124 is over 65535" },
	{ "ZZZ", TC_ERR_MALFORMED, NULL },
	{ "BB8GGW", TC_ERR_MALFORMED,
	    "characters 3-5: group value 65536 is over 65535" },
	/* A final pair above 255: 256 is "V5", the largest pair "::". */
	{ "V5", TC_ERR_MALFORMED,
	    "characters 0-1: final group value 256 is over 255" },
	{ "BB8::", TC_ERR_MALFORMED,
	    "characters 3-4: final group value 2024 is over 255" },
	/* One character left over. */
	{ "B", TC_ERR_MALFORMED,
	    "character 0: a single character left over at the end (Base45 text length 1 is not 0 or 2 modulo 3)" },
	{ "BB8B", TC_ERR_MALFORMED, NULL },
	{ "%69 VD92EX0AB", TC_ERR_MALFORMED, NULL },
	/* Characters outside the alphabet, position counted from 0. */
	{ "BB8BB8BB8BB8a", TC_ERR_BAD_ENCODING,
	    "character 12: 'a' is not in the Base45 alphabet" },
	{ "bb8", TC_ERR_BAD_ENCODING,
	    "character 0: 'b' is not in the Base45 alphabet" },
	{ "BB8\n", TC_ERR_BAD_ENCODING,
	    "character 3: byte 0x0a is not in the Base45 alphabet" },
	{ "BB8=", TC_ERR_BAD_ENCODING, NULL },
	{ "BB'", TC_ERR_BAD_ENCODING,
	    "character 2: byte 0x27 is not in the Base45 alphabet" },
	{ "\xef\xbc\xa1", TC_ERR_BAD_ENCODING,
	    "character 0: byte 0xef is not in the Base45 alphabet" },
	/* The first error in the text is the one reported. */
	{ "GGWa", TC_ERR_MALFORMED, NULL },
	{ "BBaGGW", TC_ERR_BAD_ENCODING, NULL },
	{ "BB8Ba", TC_ERR_BAD_ENCODING, NULL },
	{ "QED8WEX0 ", TC_ERR_MALFORMED, NULL },
	{ "QED8WEX0\t", TC_ERR_BAD_ENCODING, NULL },
};

static void
test_vectors(void **state)
{
	struct tc_buf b;
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		tc_buf_init(&b, 0);
		assert_int_equal(
		    tc_base45_encode(&b, (const uint8_t *)vectors[i].bytes,
			vectors[i].nbytes),
		    0);
		assert_int_equal(b.len, strlen(vectors[i].text));
		assert_int_equal(
		    b.len, TC_BASE45_ENCODED_LEN(vectors[i].nbytes));
		assert_string_equal((char *)b.data, vectors[i].text);
		tc_buf_release(&b);

		tc_buf_init(&b, 0);
		assert_int_equal(tc_base45_decode(&b, vectors[i].text,
				     strlen(vectors[i].text), NULL, 0),
		    0);
		assert_int_equal(b.len, vectors[i].nbytes);
		assert_memory_equal(b.data, vectors[i].bytes, b.len + 1);
		tc_buf_release(&b);
	}
}

static void
test_invalid(void **state)
{
	struct tc_buf b;
	char msg[160];
	size_t i;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		tc_buf_init(&b, 0);
		assert_int_equal(tc_buf_puts(&b, "kept"), 0);
		msg[0] = '\0';
		assert_int_equal(tc_base45_decode(&b, invalid[i].in,
				     strlen(invalid[i].in), msg, sizeof(msg)),
		    invalid[i].code);
		if (invalid[i].msg != NULL)
			assert_string_equal(msg, invalid[i].msg);
		else
			assert_true(msg[0] != '\0');
		/* The buffer is as it was. */
		assert_int_equal(b.len, 4);
		assert_string_equal((char *)b.data, "kept");
		/* And the same without a message buffer. */
		assert_int_equal(tc_base45_decode(&b, invalid[i].in,
				     strlen(invalid[i].in), NULL, 0),
		    invalid[i].code);
		tc_buf_release(&b);
	}
}

static void
test_nul_inside(void **state)
{
	struct tc_buf b;
	char msg[100];

	tc_buf_init(&b, 0);
	assert_int_equal(tc_base45_decode(&b, "BB8\0BB", 6, msg, sizeof(msg)),
	    TC_ERR_BAD_ENCODING);
	assert_string_equal(
	    msg, "character 3: byte 0x00 is not in the Base45 alphabet");
	assert_int_equal(b.len, 0);
	/* Length is explicit: the NUL after "BB8" is not read. */
	assert_int_equal(tc_base45_decode(&b, "BB8\0BB", 3, NULL, 0), 0);
	assert_memory_equal(b.data, "AB", 2);
	tc_buf_release(&b);
}

/* Every byte value: accepted in a pair exactly when it is in the alphabet. */
static void
test_every_byte(void **state)
{
	struct tc_buf b;
	char s[2];
	int c, rc;

	tc_buf_init(&b, 0);
	for (c = 0; c < 256; c++) {
		s[0] = (char)c;
		s[1] = '0';
		rc = tc_base45_decode(&b, s, 2, NULL, 0);
		if (c != 0 && strchr(alphabet, c) != NULL) {
			assert_int_equal(rc, 0);
			assert_int_equal(
			    b.data[b.len - 1], strchr(alphabet, c) - alphabet);
		} else
			assert_int_equal(rc, TC_ERR_BAD_ENCODING);
	}
	tc_buf_release(&b);
}

/*
 * Every group of two and three alphabet characters: accepted exactly when
 * in range, and then re-encoding gives the same text (one text per value).
 */
static void
test_every_group(void **state)
{
	struct tc_buf b, e;
	char s[3];
	unsigned int i, j, k, n, accepted = 0;
	int rc;

	tc_buf_init(&b, 0);
	tc_buf_init(&e, 0);
	for (i = 0; i < 45; i++)
		for (j = 0; j < 45; j++)
			for (k = 0; k < 46; k++) {
				size_t len = k == 45 ? 2 : 3;

				s[0] = alphabet[i];
				s[1] = alphabet[j];
				s[2] = k == 45 ? 'x' : alphabet[k];
				n = i + j * 45 + (k == 45 ? 0 : k * 2025);
				tc_buf_reset(&b);
				tc_buf_reset(&e);
				rc = tc_base45_decode(&b, s, len, NULL, 0);
				if (n > (len == 3 ? 65535u : 255u)) {
					assert_int_equal(rc, TC_ERR_MALFORMED);
					assert_int_equal(b.len, 0);
					continue;
				}
				assert_int_equal(rc, 0);
				accepted++;
				assert_int_equal(b.len, len - 1);
				if (len == 3)
					assert_int_equal(
					    b.data[0] << 8 | b.data[1], n);
				else
					assert_int_equal(b.data[0], n);
				assert_int_equal(
				    tc_base45_encode(&e, b.data, b.len), 0);
				assert_int_equal(e.len, len);
				assert_memory_equal(e.data, s, len);
			}
	assert_int_equal(accepted, 65536 + 256);
	tc_buf_release(&b);
	tc_buf_release(&e);
}

static uint32_t
prng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_round_trips(void **state)
{
	struct tc_buf t, d;
	uint8_t in[300];
	uint32_t seed = 0x7c0ffee5;
	size_t len, i;
	int rep;

	for (rep = 0; rep < 4; rep++)
		for (len = 0; len <= sizeof(in); len++) {
			for (i = 0; i < len; i++)
				in[i] = (uint8_t)prng(&seed);
			if (rep == 1)
				memset(in, 0xff, len);
			if (rep == 2)
				memset(in, 0x00, len);
			tc_buf_init(&t, 0);
			tc_buf_init(&d, 0);
			assert_int_equal(tc_base45_encode(&t, in, len), 0);
			assert_int_equal(t.len, TC_BASE45_ENCODED_LEN(len));
			assert_int_equal(strlen((char *)t.data), t.len);
			for (i = 0; i < t.len; i++)
				assert_non_null(
				    memchr(alphabet, t.data[i], 45));
			assert_int_equal(tc_base45_decode(&d, (char *)t.data,
					     t.len, NULL, 0),
			    0);
			assert_int_equal(d.len, len);
			if (len > 0)
				assert_memory_equal(d.data, in, len);
			tc_buf_release(&t);
			tc_buf_release(&d);
		}
}

static void
test_empty_and_append(void **state)
{
	struct tc_buf b;

	tc_buf_init(&b, 0);
	assert_int_equal(tc_base45_encode(&b, NULL, 0), 0);
	assert_int_equal(b.len, 0);
	assert_non_null(b.data);
	assert_string_equal((char *)b.data, "");
	assert_int_equal(tc_base45_decode(&b, NULL, 0, NULL, 0), 0);
	assert_int_equal(b.len, 0);
	/* Both functions append. */
	assert_int_equal(tc_buf_puts(&b, "TC1:"), 0);
	assert_int_equal(tc_base45_encode(&b, (const uint8_t *)"AB", 2), 0);
	assert_string_equal((char *)b.data, "TC1:BB8");
	tc_buf_reset(&b);
	assert_int_equal(tc_buf_put_u8(&b, 0x01), 0);
	assert_int_equal(tc_base45_decode(&b, "QED8WEX0", 8, NULL, 0), 0);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "\x01ietf!", 7);
	tc_buf_release(&b);
}

static void
test_caps(void **state)
{
	struct tc_buf b;
	char msg[100];

	/* Encoding "Hello!!" needs 11 characters. */
	tc_buf_init(&b, 11);
	assert_int_equal(
	    tc_base45_encode(&b, (const uint8_t *)"Hello!!", 7), 0);
	assert_string_equal((char *)b.data, "%69 VD92EX0");
	tc_buf_release(&b);
	tc_buf_init(&b, 12);
	assert_int_equal(tc_buf_puts(&b, "xx"), 0);
	assert_int_equal(tc_base45_encode(&b, (const uint8_t *)"Hello!!", 7),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 2);
	assert_string_equal((char *)b.data, "xx");
	tc_buf_release(&b);

	/* Decoding "%69 VD92EX0" gives 7 bytes. */
	tc_buf_init(&b, 7);
	assert_int_equal(tc_base45_decode(&b, "%69 VD92EX0", 11, NULL, 0), 0);
	assert_memory_equal(b.data, "Hello!!", 8);
	tc_buf_release(&b);
	tc_buf_init(&b, 6);
	msg[0] = '\0';
	assert_int_equal(
	    tc_base45_decode(&b, "%69 VD92EX0", 11, msg, sizeof(msg)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(
	    msg, "11 Base45 characters decode to 7 bytes, over the cap of 6");
	assert_int_equal(b.len, 0);
	tc_buf_release(&b);

	/* A huge length is refused without reading it or wrapping around. */
	tc_buf_init(&b, 0);
	assert_int_equal(tc_base45_encode(&b, (const uint8_t *)"", SIZE_MAX),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(
	    tc_base45_decode(&b, "", SIZE_MAX, NULL, 0), TC_ERR_TOO_LARGE);
	tc_buf_release(&b);
}

#define TESTS(X, XF)                                                           \
	X(test_vectors)                                                        \
	X(test_invalid)                                                        \
	X(test_nul_inside)                                                     \
	X(test_every_byte)                                                     \
	X(test_every_group)                                                    \
	X(test_round_trips)                                                    \
	X(test_empty_and_append)                                               \
	X(test_caps)

TC_UNIT_MAIN(TESTS, NULL, NULL)
