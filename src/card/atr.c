/* SPDX-License-Identifier: MIT */
/*
 * Answer-to-reset parsing and matching (include/tcard/atr.h), after
 * ISO/IEC 7816-3 section 8.2. Bounds are checked before every byte read;
 * the parser never reads past len.
 */
#include <string.h>

#include "tcard/atr.h"
#include "tcard/err.h"

int
tc_atr_parse(
    struct tc_atr *out, const uint8_t *p, size_t len, char *err, size_t errlen)
{
	size_t off = 2, k, i;
	uint8_t y, td, x;
	int group = 1, only_t0 = 1;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	out->ta1 = 0x11;
	if (p == NULL || len < 2)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "ATR of %zu bytes: TS and T0 are needed", len);
	if (len > TC_ATR_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "ATR of %zu bytes: at most %d", len, TC_ATR_MAX);
	if (p[0] != 0x3B && p[0] != 0x3F)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ATR byte 0: TS %02X is neither 3B nor 3F", p[0]);
	out->ts = p[0];
	y = p[1] >> 4;
	k = p[1] & 0x0f;
	for (;;) {
		td = 0;
		for (i = 0; i < 4; i++) {
			if (!(y & (1u << i)))
				continue;
			if (off >= len)
				return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
				    "ATR byte %zu: interface byte T%c%d missing",
				    off, "ABCD"[i], group);
			if (i == 0 && group == 1) {
				out->ta1 = p[off];
				out->has_ta1 = 1;
			}
			if (i == 3)
				td = p[off];
			off++;
		}
		if (!(y & 0x08))
			break;
		if ((td & 0x0f) == 15 && group == 1)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "ATR byte %zu: TD1 names T=15", off - 1);
		out->protocols |= 1u << (td & 0x0f);
		if ((td & 0x0f) != 0)
			only_t0 = 0;
		y = td >> 4;
		group++;
	}
	if (out->protocols == 0)
		out->protocols = 1; /* T=0 by default */
	if (len - off < k)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "ATR byte %zu: %zu historical bytes announced, %zu left",
		    off, k, len - off);
	memcpy(out->hist, p + off, k);
	out->nhist = k;
	off += k;
	if (!only_t0) {
		if (off >= len)
			return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
			    "ATR byte %zu: TCK missing", off);
		x = 0;
		for (i = 1; i <= off; i++)
			x ^= p[i];
		if (x != 0)
			return tc_seterr(err, errlen, TC_ERR_BAD_CHECK,
			    "ATR byte %zu: TCK %02X is wrong", off, p[off]);
		out->has_tck = 1;
		off++;
	}
	if (off != len)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ATR byte %zu: %zu bytes after the end", off, len - off);
	return 0;
}

int
tc_atr_match(const uint8_t *atr, size_t atrlen, const uint8_t *value,
    const uint8_t *mask, size_t len)
{
	size_t i;

	if (atr == NULL || value == NULL || mask == NULL || atrlen != len)
		return 0;
	for (i = 0; i < len; i++)
		if ((atr[i] & mask[i]) != (value[i] & mask[i]))
			return 0;
	return 1;
}
