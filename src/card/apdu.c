/* SPDX-License-Identifier: MIT */
/*
 * Command APDUs (include/tcard/apdu.h): ISO/IEC 7816-4 section 5.1 in both
 * length forms, and the texts of status words. Parsing follows the
 * decision table of the standard: the total length and the first length
 * byte decide the case, so a command has exactly one reading.
 */
#include <stdio.h>
#include <string.h>

#include "tcard/apdu.h"
#include "tcard/err.h"

int
tc_apdu_encode(struct tc_buf *out, const struct tc_apdu *a, int allow_extended)
{
	uint8_t hdr[4];
	size_t mark;
	int ext, r;

	if (out == NULL || a == NULL || a->nc > TC_APDU_EXT_NC ||
	    a->ne > TC_APDU_EXT_NE || (a->nc > 0 && a->data == NULL))
		return TC_ERR_INVALID_ARG;
	ext = a->nc > TC_APDU_SHORT_NC || a->ne > TC_APDU_SHORT_NE;
	if (ext && !allow_extended)
		return TC_ERR_TOO_LARGE;
	mark = out->len;
	hdr[0] = a->cla;
	hdr[1] = a->ins;
	hdr[2] = a->p1;
	hdr[3] = a->p2;
	if ((r = tc_buf_put(out, hdr, 4)) != 0)
		return r;
	if (a->nc > 0) {
		if (ext)
			r = tc_buf_put_u8(out, 0) ||
			    tc_buf_put_u16be(out, (uint16_t)a->nc);
		else
			r = tc_buf_put_u8(out, (uint8_t)a->nc);
		if (r != 0 || (r = tc_buf_put(out, a->data, a->nc)) != 0)
			goto fail;
	}
	if (a->ne > 0) {
		if (ext) {
			/* Case 2E has the 00 marker; 4E does not repeat it. */
			if (a->nc == 0 && (r = tc_buf_put_u8(out, 0)) != 0)
				goto fail;
			r = tc_buf_put_u16be(
			    out, a->ne == TC_APDU_EXT_NE ? 0 : (uint16_t)a->ne);
		} else
			r = tc_buf_put_u8(out,
			    a->ne == TC_APDU_SHORT_NE ? 0 : (uint8_t)a->ne);
		if (r != 0)
			goto fail;
	}
	return 0;
fail:
	tc_buf_truncate(out, mark);
	return r < 0 ? r : TC_ERR_TOO_LARGE;
}

int
tc_apdu_parse(
    struct tc_apdu *a, const uint8_t *p, size_t n, char *err, size_t errlen)
{
	size_t lc, body;

	if (a == NULL)
		return TC_ERR_INVALID_ARG;
	memset(a, 0, sizeof(*a));
	if (p == NULL || n < 4)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "command APDU of %zu bytes: a header has 4", n);
	a->cla = p[0];
	a->ins = p[1];
	a->p1 = p[2];
	a->p2 = p[3];
	body = n - 4;
	p += 4;
	if (body == 0)
		return 0; /* case 1 */
	if (body == 1) {  /* case 2S */
		a->ne = p[0] == 0 ? TC_APDU_SHORT_NE : p[0];
		return 0;
	}
	if (p[0] != 0) { /* short: 3S or 4S */
		lc = p[0];
		if (body == 1 + lc) {
			a->data = p + 1;
			a->nc = lc;
			return 0;
		}
		if (body == 2 + lc) {
			a->data = p + 1;
			a->nc = lc;
			a->ne = p[1 + lc] == 0 ? TC_APDU_SHORT_NE : p[1 + lc];
			return 0;
		}
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte 4: Lc %zu does not match the %zu bytes after the header",
		    lc, body);
	}
	/* Extended: 00 marker, then 2E, 3E or 4E. */
	a->extended = 1;
	if (body == 3) { /* case 2E */
		a->ne = ((size_t)p[1] << 8) | p[2];
		if (a->ne == 0)
			a->ne = TC_APDU_EXT_NE;
		return 0;
	}
	if (body < 3)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte 4: an extended length needs 3 bytes, %zu left", body);
	lc = ((size_t)p[1] << 8) | p[2];
	if (lc == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "byte 5: extended Lc 0000");
	if (body == 3 + lc) { /* case 3E */
		a->data = p + 3;
		a->nc = lc;
		return 0;
	}
	if (body == 5 + lc) { /* case 4E */
		a->data = p + 3;
		a->nc = lc;
		a->ne = ((size_t)p[3 + lc] << 8) | p[4 + lc];
		if (a->ne == 0)
			a->ne = TC_APDU_EXT_NE;
		return 0;
	}
	return tc_seterr(err, errlen, TC_ERR_MALFORMED,
	    "byte 5: extended Lc %zu does not match the %zu bytes after the header",
	    lc, body);
}

int
tc_sw_ok(uint16_t sw)
{
	return sw == TC_SW_OK || (sw & 0xff00) == TC_SW_BYTES_LEFT;
}

/* clang-format off */
static const struct {
	uint16_t sw;
	const char *text;
} sw_texts[] = {
	{ 0x9000, "success" },
	{ 0x6281, "part of the returned data may be corrupted" },
	{ 0x6282, "end of file reached before Le bytes" },
	{ 0x6283, "selected file or application is invalidated" },
	{ 0x6581, "memory failure" },
	{ 0x6700, "wrong length" },
	{ 0x6800, "functions in CLA not supported" },
	{ 0x6881, "logical channel not supported" },
	{ 0x6882, "secure messaging not supported" },
	{ 0x6883, "last command of the chain expected" },
	{ 0x6884, "command chaining not supported" },
	{ 0x6982, "security status not satisfied" },
	{ 0x6983, "authentication method blocked" },
	{ 0x6984, "reference data not usable" },
	{ 0x6985, "conditions of use not satisfied" },
	{ 0x6986, "command not allowed (no current EF)" },
	{ 0x6987, "expected secure messaging data objects missing" },
	{ 0x6988, "incorrect secure messaging data objects" },
	{ 0x6A80, "incorrect parameters in the data field" },
	{ 0x6A81, "function not supported" },
	{ 0x6A82, "file or application not found" },
	{ 0x6A84, "not enough memory space in the file" },
	{ 0x6A86, "incorrect parameters P1-P2" },
	{ 0x6A88, "referenced data or reference data not found" },
	{ 0x6B00, "wrong parameters P1-P2" },
	{ 0x6D00, "instruction code not supported or invalid" },
	{ 0x6E00, "class not supported" },
	{ 0x6F00, "no precise diagnosis" },
};
/* clang-format on */

const char *
tc_sw_text(uint16_t sw)
{
	size_t i;

	for (i = 0; i < sizeof(sw_texts) / sizeof(sw_texts[0]); i++)
		if (sw_texts[i].sw == sw)
			return sw_texts[i].text;
	switch (sw & 0xff00) {
	case 0x6100:
		return "more response bytes available";
	case 0x6C00:
		return "wrong Le: the card gives the right one";
	case 0x6300:
		return (sw & 0xf0) == 0xc0 ? "verification failed, tries left"
					   : "warning: state unchanged";
	case 0x6400:
		return "execution error, state unchanged";
	case 0x6500:
		return "execution error, state changed";
	default:
		return "unknown status word";
	}
}
