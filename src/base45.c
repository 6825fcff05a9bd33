/* SPDX-License-Identifier: MIT */
/*
 * Base45 encoding and strict decoding after RFC 9285
 * (include/tcard/base45.h). Two bytes [a b] are the number n = a * 256 + b,
 * written as three characters c d e with n = c + d * 45 + e * 45 * 45; a
 * final single byte is written as two characters c d with n = c + d * 45.
 * The decoder refuses what RFC 9285 section 6 tells it to refuse and never
 * writes past the cap of its output buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tcard/base45.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/hex.h"

static const char alphabet[45] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/*
 * Value of each byte in the alphabet, or -1. A table rather than strchr():
 * strchr() would also find the NUL terminator, and the text is untrusted.
 */
/* clang-format off */
static const int8_t decode_tab[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	/* ' ' (36), '$' (37), '%' (38), '*' (39), '+' (40), '-' (41),
	 * '.' (42), '/' (43) */
	36, -1, -1, -1, 37, 38, -1, -1, -1, -1, 39, 40, -1, 41, 42, 43,
	/* '0'..'9', ':' (44) */
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 44, -1, -1, -1, -1, -1,
	/* 'A'..'O' */
	-1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
	/* 'P'..'Z' */
	25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};
/* clang-format on */

int
tc_base45_encode(struct tc_buf *out, const uint8_t *in, size_t len)
{
	size_t i, need;
	uint8_t *p;
	unsigned int n;
	int r = TC_ERR_INTERNAL;

	/* len / 2 * 3 + 2 must not wrap. */
	if (len / 2 > (SIZE_MAX - 2) / 3)
		return TC_ERR_TOO_LARGE;
	need = TC_BASE45_ENCODED_LEN(len);
	if ((r = tc_buf_reserve(out, need)) != 0)
		return r;
	p = out->data + out->len;
	for (i = 0; i + 1 < len; i += 2) {
		n = (unsigned int)in[i] << 8 | in[i + 1];
		*p++ = (uint8_t)alphabet[n % 45];
		*p++ = (uint8_t)alphabet[n / 45 % 45];
		*p++ = (uint8_t)alphabet[n / (45 * 45)];
	}
	if (i < len) {
		n = in[i];
		*p++ = (uint8_t)alphabet[n % 45];
		*p++ = (uint8_t)alphabet[n / 45];
	}
	out->len += need;
	out->data[out->len] = '\0';
	return 0;
}

int
tc_base45_decode(
    struct tc_buf *out, const char *in, size_t len, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i, k, glen, start, need;
	unsigned int n, mul;
	uint8_t *p;
	char what[16];
	int v, r = TC_ERR_INTERNAL;

	start = out->len;
	need = len / 3 * 2 + (len % 3 == 2);
	if ((r = tc_buf_reserve(out, need)) != 0) {
		if (r == TC_ERR_TOO_LARGE)
			tc_seterr(err, errlen, r,
			    "%zu Base45 characters decode to %zu bytes, over the cap of %zu",
			    len, need, out->cap - out->len);
		return r;
	}
	p = out->data + out->len;
	for (i = 0; i < len; i += glen) {
		glen = len - i < 3 ? len - i : 3;
		n = 0;
		mul = 1;
		for (k = 0; k < glen; k++) {
			if ((v = decode_tab[s[i + k]]) < 0) {
				tc_hex_describe_byte(
				    what, sizeof(what), s[i + k]);
				r = tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
				    "character %zu: %s is not in the Base45 alphabet",
				    i + k, what);
				goto out;
			}
			n += (unsigned int)v * mul;
			mul *= 45;
		}
		if (glen == 1) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "character %zu: a single character left over at the end (Base45 text length %zu is not 0 or 2 modulo 3)",
			    i, len);
			goto out;
		}
		if (glen == 3) {
			if (n > 0xffff) {
				r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "characters %zu-%zu: group value %u is over 65535",
				    i, i + 2, n);
				goto out;
			}
			*p++ = (uint8_t)(n >> 8);
			*p++ = (uint8_t)n;
		} else {
			if (n > 0xff) {
				r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "characters %zu-%zu: final group value %u is over 255",
				    i, i + 1, n);
				goto out;
			}
			*p++ = (uint8_t)n;
		}
	}
	out->len += need;
	out->data[out->len] = '\0';
	r = 0;
out:
	if (r != 0) {
		/* Wipe what was written past the old end; len never moved. */
		memset(out->data + start, 0, need);
		out->data[start] = '\0';
	}
	return r;
}
