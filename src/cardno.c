/* SPDX-License-Identifier: MIT */
/*
 * Card numbers (include/tcard/cardno.h): region + serial + Luhn digit. The
 * Luhn algorithm (ISO/IEC 7812-1) catches every single-digit error and every
 * transposition of adjacent digits except 09 <-> 90; the tests prove both
 * halves of that claim. Parsing is forgiving about grouping and full-width
 * digits and strict about everything else.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <unistr.h>

#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/id.h"

/* Longest input accepted, in bytes. */
#define IN_MAX 64

int
tc_luhn_digit(const char *digits, size_t n)
{
	size_t i;
	int sum = 0, v, dbl = 1;

	if (digits == NULL && n > 0)
		return TC_ERR_INVALID_ARG;
	/* From the right; the digit next to the check digit is doubled. */
	for (i = n; i-- > 0;) {
		if (digits[i] < '0' || digits[i] > '9')
			return TC_ERR_INVALID_ARG;
		v = digits[i] - '0';
		if (dbl && (v *= 2) > 9)
			v -= 9;
		sum += v;
		dbl = !dbl;
	}
	return (10 - sum % 10) % 10;
}

static int
region_ok(const char *region)
{
	return tc_province_valid((region[0] - '0') * 10 + (region[1] - '0'));
}

int
tc_cardno_make(const char *region, uint64_t serial, char out[17])
{
	char buf[17];
	int i, c;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	out[0] = '\0';
	if (region == NULL || strnlen(region, 7) != 6)
		return TC_ERR_INVALID_ARG;
	for (i = 0; i < 6; i++)
		if (region[i] < '0' || region[i] > '9')
			return TC_ERR_INVALID_ARG;
	if (!region_ok(region))
		return TC_ERR_RANGE;
	if (serial == 0 || serial > TC_CARDNO_SERIAL_MAX)
		return TC_ERR_RANGE;
	memcpy(buf, region, 6);
	snprintf(buf + 6, 10, "%09u", (unsigned)serial);
	if ((c = tc_luhn_digit(buf, 15)) < 0)
		return TC_ERR_INTERNAL;
	buf[15] = (char)('0' + c);
	buf[16] = '\0';
	memcpy(out, buf, sizeof(buf));
	return 0;
}

/*
 * Collects the digits of in. Separators are dropped; a hyphen must have a
 * digit on each side somewhere (not necessarily adjacent: "4401 - 1100" is
 * fine), so that "-4401..." or a truncated "...0017-" is not taken silently.
 */
static int
collect(const char *in, char *dig, size_t *ndig, char *err, size_t errlen)
{
	const uint8_t *s = (const uint8_t *)in;
	size_t len, off = 0, pos = 0, n = 0, hyphen = 0;
	ucs4_t c;
	int k;

	if ((len = strnlen(in, IN_MAX + 1)) > IN_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "card number input longer than %d bytes", IN_MAX);
	while (off < len) {
		pos++;
		if ((k = u8_mbtoucr(&c, s + off, len - off)) < 0)
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "character %zu (byte offset %zu): invalid UTF-8",
			    pos, off);
		off += (size_t)k;
		if (c >= 0xff10 && c <= 0xff19)
			c = c - 0xff10 + '0';
		if (c >= '0' && c <= '9') {
			/* Only the first IN_MAX are kept; n still counts. */
			if (n < IN_MAX)
				dig[n] = (char)c;
			n++;
			hyphen = 0;
		} else if (c == '-' || c == 0xff0d) {
			if (n == 0)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "character %zu: hyphen before the first digit",
				    pos);
			if (hyphen == 0)
				hyphen = pos;
		} else if (c == ' ' || c == 0x3000) {
			continue;
		} else if (c > 0x20 && c < 0x7f) {
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "character %zu: '%c' is not a digit, space or hyphen",
			    pos, (char)c);
		} else {
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "character %zu: U+%04X is not a digit, space or hyphen",
			    pos, (unsigned)c);
		}
	}
	if (hyphen != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "character %zu: hyphen after the last digit", hyphen);
	*ndig = n;
	return 0;
}

int
tc_cardno_parse(const char *in, char region[7], uint64_t *serial, char norm[17],
    char *err, size_t errlen)
{
	char dig[IN_MAX];
	size_t n = 0;
	uint64_t v = 0;
	int r, want, i;

	if (region != NULL)
		region[0] = '\0';
	if (serial != NULL)
		*serial = 0;
	if (norm != NULL)
		norm[0] = '\0';
	if (in == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no card number given");
	if ((r = collect(in, dig, &n, err, errlen)) != 0)
		return r;
	if (n == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "no digits, expected %d", TC_CARDNO_LEN);
	if (n != TC_CARDNO_LEN)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%zu digit%s, expected %d", n, n == 1 ? "" : "s",
		    TC_CARDNO_LEN);
	if ((want = tc_luhn_digit(dig, 15)) < 0)
		return tc_seterr(
		    err, errlen, TC_ERR_INTERNAL, "digit collection failed");
	if (dig[15] != '0' + want)
		return tc_seterr(err, errlen, TC_ERR_BAD_CHECK,
		    "bad check digit: expected %d, got %c", want, dig[15]);
	if (!region_ok(dig))
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "region code %.6s: %.2s is not a province-level code", dig,
		    dig);
	for (i = 6; i < 15; i++)
		v = v * 10 + (uint64_t)(dig[i] - '0');
	if (v == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_RANGE, "serial 000000000 is not used");
	if (region != NULL) {
		memcpy(region, dig, 6);
		region[6] = '\0';
	}
	if (serial != NULL)
		*serial = v;
	if (norm != NULL) {
		memcpy(norm, dig, TC_CARDNO_LEN);
		norm[TC_CARDNO_LEN] = '\0';
	}
	return 0;
}

void
tc_cardno_group(const char norm[17], char out[20])
{
	size_t i, j = 0;

	if (out == NULL)
		return;
	out[0] = '\0';
	if (norm == NULL || strnlen(norm, 17) != TC_CARDNO_LEN)
		return;
	for (i = 0; i < TC_CARDNO_LEN; i++)
		if (norm[i] < '0' || norm[i] > '9')
			return;
	for (i = 0; i < TC_CARDNO_LEN; i++) {
		if (i > 0 && i % 4 == 0)
			out[j++] = ' ';
		out[j++] = norm[i];
	}
	out[j] = '\0';
}
