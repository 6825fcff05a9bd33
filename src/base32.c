/* SPDX-License-Identifier: MIT */
/*
 * Base32 encoding and strict decoding after RFC 4648 section 6
 * (include/tcard/base32.h). Each group of five bytes is forty bits, written
 * most significant first as eight characters of five bits; a final group of
 * 1, 2, 3 or 4 bytes gives 2, 4, 5 or 7 characters, the unused low bits of
 * the last character zero. The decoder first checks the text's shape (the
 * alphabet, where the padding starts, the length), then writes, so a refused
 * text leaves the output buffer as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tcard/base32.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/hex.h"

static const char alphabet[33] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/*
 * Value of a character, or -1. Upper and lower case letters are the same
 * digit; '=' is not a digit (the caller finds the padding itself).
 */
static int
digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/*
 * Padding characters RFC 4648 puts after a final group of r data
 * characters (r = characters modulo 8); -1 for a residue no byte count
 * gives.
 */
static int
pad_due(size_t r)
{
	static const int due[8] = { 0, -1, 6, -1, 4, 3, -1, 1 };

	return due[r % 8];
}

int
tc_base32_encode(struct tc_buf *out, const uint8_t *in, size_t len)
{
	size_t i, need;
	uint8_t *p;
	uint32_t acc = 0;
	int bits = 0, r = TC_ERR_INTERNAL;

	/* len / 5 * 8 + 7 must not wrap. */
	if (len / 5 > (SIZE_MAX - 8) / 8)
		return TC_ERR_TOO_LARGE;
	need = TC_BASE32_ENCODED_LEN(len);
	if ((r = tc_buf_reserve(out, need)) != 0)
		return r;
	p = out->data + out->len;
	for (i = 0; i < len; i++) {
		acc = (acc << 8 | in[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*p++ = (uint8_t)alphabet[acc >> bits & 31];
		}
	}
	if (bits > 0)
		*p++ = (uint8_t)alphabet[acc << (5 - bits) & 31];
	out->len += need;
	out->data[out->len] = '\0';
	return 0;
}

/*
 * Checks the shape of the text: every character before the first '=' is a
 * digit, everything from there on is '=', the number of data characters is
 * one a byte count gives, the padding (if any) is the amount due. Sets
 * *ndata to the number of data characters.
 */
static int
check_shape(
    const unsigned char *s, size_t len, size_t *ndata, char *err, size_t errlen)
{
	size_t i, n, npad;
	char what[16];

	for (n = 0; n < len && s[n] != '='; n++) {
		if (digit(s[n]) < 0) {
			tc_hex_describe_byte(what, sizeof(what), s[n]);
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "character %zu: %s is not in the Base32 alphabet",
			    n, what);
		}
	}
	for (i = n; i < len; i++) {
		if (s[i] != '=') {
			tc_hex_describe_byte(what, sizeof(what), s[i]);
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "character %zu: %s after the padding", i, what);
		}
	}
	if (pad_due(n) < 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "character %zu: %zu Base32 characters are no whole number of bytes (1, 3 or 6 modulo 8)",
		    n - 1, n);
	npad = len - n;
	if (npad != 0 && npad != (size_t)pad_due(n))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "character %zu: %zu padding characters after %zu Base32 characters, where %d are due",
		    n, npad, n, pad_due(n));
	*ndata = n;
	return 0;
}

int
tc_base32_decode(
    struct tc_buf *out, const char *in, size_t len, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i, n = 0, need;
	uint8_t *p;
	uint32_t acc = 0;
	int bits = 0, r = TC_ERR_INTERNAL;
	char what[16];

	if ((r = check_shape(s, len, &n, err, errlen)) != 0)
		return r;
	need = n / 8 * 5 + n % 8 * 5 / 8;
	if ((r = tc_buf_reserve(out, need)) != 0) {
		if (r == TC_ERR_TOO_LARGE)
			tc_seterr(err, errlen, r,
			    "%zu Base32 characters decode to %zu bytes, over the cap of %zu",
			    n, need, out->cap - out->len);
		return r;
	}
	p = out->data + out->len;
	for (i = 0; i < n; i++) {
		acc = (acc << 5 | (uint32_t)digit(s[i])) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			*p++ = (uint8_t)(acc >> bits);
		}
	}
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
		memset(out->data + out->len, 0, need);
		out->data[out->len] = '\0';
		tc_hex_describe_byte(what, sizeof(what), s[n - 1]);
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "character %zu: %s leaves trailing bits that are not zero",
		    n - 1, what);
	}
	out->len += need;
	out->data[out->len] = '\0';
	return 0;
}
