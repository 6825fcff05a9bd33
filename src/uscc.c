/* SPDX-License-Identifier: MIT */
/*
 * Unified social credit codes (GB 32100-2015, include/tcard/uscc.h):
 * normalising typed input and checking the alphabet, the shape and the
 * check character. The embedded organisation code (characters 9-17) has a
 * check digit of its own under GB 11714, but codes of individual
 * businesses are not bound to it, so it is not checked.
 */
#include <stdint.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/uscc.h"
#include "tcard/utf8.h"

#define IN_MAX 64

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8,
	24, 10, 30, 28 };

static int
value_of(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(alphabet, c)) == NULL)
		return -1;
	return (int)(p - alphabet);
}

int
tc_uscc_check_char(const char *code17)
{
	int i, v, sum = 0;

	if (code17 == NULL)
		return -1;
	for (i = 0; i < 17; i++) {
		if ((v = value_of(code17[i])) < 0)
			return -1;
		sum += v * weights[i];
	}
	return alphabet[(31 - sum % 31) % 31];
}

int
tc_uscc_normalise(
    const char *in, char out[TC_USCC_LEN + 1], char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)in;
	char buf[TC_USCC_LEN + 1];
	size_t n, i = 0, len = 0, chars = 0, k;
	uint32_t c;
	int expect;

	if (out != NULL)
		out[0] = '\0';
	if (in == NULL || out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no code given");
	n = strnlen(in, IN_MAX + 1);
	if (n > IN_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the unified social credit code is longer than %d bytes",
		    IN_MAX);
	while (i < n) {
		if ((k = tc_utf8_next(s + i, n - i, &c)) == 0)
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "unified social credit code: invalid UTF-8 at byte %zu",
			    i + 1);
		i += k;
		chars++;
		if (c == ' ' || c == '\t' || c == 0x3000)
			continue;
		if (c >= 0xff10 && c <= 0xff19)
			c = '0' + (c - 0xff10);
		else if (c >= 0xff21 && c <= 0xff3a)
			c = 'A' + (c - 0xff21);
		else if (c >= 0xff41 && c <= 0xff5a)
			c = 'A' + (c - 0xff41);
		else if (c >= 'a' && c <= 'z')
			c = c - 'a' + 'A';
		if (c > 0x7f || value_of((char)c) < 0)
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "unified social credit code: character %zu is not allowed (digits and capital letters without I, O, S, V, Z)",
			    chars);
		if (len == TC_USCC_LEN)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "a unified social credit code has %d characters, this one more",
			    TC_USCC_LEN);
		buf[len++] = (char)c;
	}
	if (len != TC_USCC_LEN)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "a unified social credit code has %d characters, not %zu",
		    TC_USCC_LEN, len);
	buf[len] = '\0';
	if (strchr("123456789ANY", buf[0]) == NULL)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "unified social credit code: '%c' is not a registration authority code (1-9, A, N, Y)",
		    buf[0]);
	for (i = 2; i < 8; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "unified social credit code: character %zu is in the region code and must be a digit",
			    i + 1);
	expect = tc_uscc_check_char(buf);
	if (expect != buf[17])
		return tc_seterr(err, errlen, TC_ERR_BAD_CHECK,
		    "unified social credit code: bad check character: expected %c, got %c",
		    expect, buf[17]);
	memcpy(out, buf, sizeof(buf));
	return 0;
}
