/* SPDX-License-Identifier: MIT */
/*
 * Answer-to-reset (ISO/IEC 7816-3 section 8.2): a strict parser of the
 * bytes a reader reports, and matching against a pattern with a mask as
 * card profiles (include/tcard/profile.h) and OpenSC's ATR tables do.
 *
 * Layout: TS (3B direct or 3F inverse convention), T0 (Y1 in the high
 * nibble: which of TA1 TB1 TC1 TD1 follow; K in the low nibble: the number
 * of historical bytes), then groups of interface bytes, each TDi again
 * naming the next group and a protocol T in its low nibble, then the K
 * historical bytes, then TCK (the XOR of T0 .. the last byte before it is
 * zero) unless only T=0 is indicated. At most TC_ICC_ATR_MAX (33) bytes.
 */
#ifndef TCARD_ATR_H
#define TCARD_ATR_H

#include <stddef.h>
#include <stdint.h>

#define TC_ATR_MAX	33
#define TC_ATR_HIST_MAX 15

struct tc_atr {
	uint8_t ts;
	unsigned protocols;	       /* bit T set for each T indicated */
	uint8_t hist[TC_ATR_HIST_MAX]; /* historical bytes */
	size_t nhist;
	int has_tck;
	uint8_t ta1; /* Fi/Di, 0x11 when absent */
	int has_ta1;
};

/*
 * Parses the len bytes at p into *out. Returns 0, TC_ERR_TRUNCATED (the
 * bytes end before the historical bytes or TCK), TC_ERR_MALFORMED (a TS
 * other than 3B or 3F, bytes after TCK or a T value of 15 in TD1),
 * TC_ERR_BAD_CHECK (TCK wrong) or TC_ERR_TOO_LARGE (over TC_ATR_MAX), with
 * err naming the byte offset.
 */
int tc_atr_parse(struct tc_atr *out /* OUT */, const uint8_t *p, size_t len,
    char *err, size_t errlen);

/*
 * 1 when the atrlen bytes at atr have the length of value and agree with
 * value in every bit set in mask (both len bytes), else 0.
 */
int tc_atr_match(const uint8_t *atr, size_t atrlen, const uint8_t *value,
    const uint8_t *mask, size_t len);

#endif
