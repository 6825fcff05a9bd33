/* SPDX-License-Identifier: MIT */
/* Hexadecimal encoding and strict decoding (include/tcard/hex.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcard/err.h"
#include "tcard/hex.h"

void
tc_hex_encode(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void
tc_hex_describe_byte(char *s, size_t slen, unsigned char ch)
{
	if (ch >= 0x20 && ch < 0x7f && ch != '\'')
		snprintf(s, slen, "'%c'", ch);
	else
		snprintf(s, slen, "byte 0x%02x", ch);
}

int
tc_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
tc_hex_decode(const char *s, size_t slen, uint8_t *out, size_t n, size_t *bad)
{
	size_t i;
	int hi, lo;

	if (slen != 2 * n)
		return TC_ERR_MALFORMED;
	for (i = 0; i < n; i++) {
		hi = tc_hex_digit((unsigned char)s[2 * i]);
		lo = tc_hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			if (bad != NULL)
				*bad = hi < 0 ? 2 * i : 2 * i + 1;
			return TC_ERR_BAD_ENCODING;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
