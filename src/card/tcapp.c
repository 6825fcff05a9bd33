/* SPDX-License-Identifier: MIT */
/*
 * The tcard applet's SELECT answer (include/tcard/tcapp.h): building it
 * (emulator) and parsing it strictly (host) with the BER-TLV codec.
 */
#include <string.h>

#include "tcard/err.h"
#include "tcard/tcapp.h"
#include "tcard/tlv.h"

int
tc_tcapp_build_fci(struct tc_buf *out, const struct tc_tcapp_fci *f)
{
	uint8_t len[2];
	size_t m6f, ma5, mark;
	int r;

	if (out == NULL || f == NULL || f->aid_len > sizeof(f->aid))
		return TC_ERR_INVALID_ARG;
	mark = out->len;
	len[0] = (uint8_t)(f->cred_len >> 8);
	len[1] = (uint8_t)f->cred_len;
	if ((r = tc_tlv_begin(out, 0x6F, &m6f)) != 0 ||
	    (r = tc_tlv_put(out, 0x84, f->aid, f->aid_len)) != 0 ||
	    (r = tc_tlv_begin(out, 0xA5, &ma5)) != 0 ||
	    (r = tc_tlv_put(out, 0x80, &f->version, 1)) != 0 ||
	    (r = tc_tlv_put(out, 0x81, &f->state, 1)) != 0 ||
	    (r = tc_tlv_put(out, 0x82, f->uid, TC_TCAPP_UID_LEN)) != 0 ||
	    (r = tc_tlv_put(out, 0x83, &f->alg, 1)) != 0 ||
	    (r = tc_tlv_put(out, 0x84, len, 2)) != 0 ||
	    (r = tc_tlv_end(out, ma5)) != 0 || (r = tc_tlv_end(out, m6f)) != 0)
		tc_buf_truncate(out, mark);
	return r;
}

int
tc_tcapp_parse_fci(struct tc_tcapp_fci *out, const uint8_t *p, size_t len,
    char *err, size_t errlen)
{
	struct tc_cursor c, in;
	struct tc_tlv t, fci, prop;
	unsigned seen = 0, bit;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	tc_cursor_init(&c, p, len);
	if ((r = tc_tlv_next(&c, &fci, err, errlen)) != 0 || fci.tag != 0x6F ||
	    tc_cursor_left(&c) != 0)
		return tc_seterr(err, errlen, r < 0 ? r : TC_ERR_MALFORMED,
		    "SELECT answer: not one FCI template 6F");
	tc_cursor_init(&in, fci.value, fci.len);
	while ((r = tc_tlv_next(&in, &t, err, errlen)) == 0) {
		if (t.tag == 0x84 && !(seen & 1)) {
			if (t.len < 5 || t.len > sizeof(out->aid))
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "SELECT answer: AID of %zu bytes", t.len);
			memcpy(out->aid, t.value, t.len);
			out->aid_len = t.len;
			seen |= 1;
		} else if (t.tag == 0xA5 && !(seen & 2)) {
			prop = t;
			seen |= 2;
		} else
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "SELECT answer: unexpected tag %X in 6F", t.tag);
	}
	if (r < 0)
		return tc_seterr(err, errlen, r, "SELECT answer: bad TLV");
	if (seen != 3)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "SELECT answer: 84 or A5 missing");
	seen = 0;
	tc_cursor_init(&in, prop.value, prop.len);
	while ((r = tc_tlv_next(&in, &t, err, errlen)) == 0) {
		if (t.constructed || t.tag < 0x80 || t.tag > 0x84)
			continue; /* proprietary additions are skipped */
		bit = 1u << (t.tag - 0x80);
		if (seen & bit)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "SELECT answer: tag %X twice", t.tag);
		seen |= bit;
		if (t.len !=
		    (t.tag == 0x82	    ? TC_TCAPP_UID_LEN
			    : t.tag == 0x84 ? 2u
					    : 1u))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "SELECT answer: tag %X of %zu bytes", t.tag, t.len);
		switch (t.tag) {
		case 0x80:
			out->version = t.value[0];
			break;
		case 0x81:
			out->state = t.value[0];
			break;
		case 0x82:
			memcpy(out->uid, t.value, TC_TCAPP_UID_LEN);
			break;
		case 0x83:
			out->alg = t.value[0];
			break;
		default:
			out->cred_len = (size_t)t.value[0] << 8 | t.value[1];
			break;
		}
	}
	if (r < 0)
		return tc_seterr(
		    err, errlen, r, "SELECT answer: bad TLV in A5");
	if (seen != 0x1f)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "SELECT answer: a tag of 80..84 is missing in A5");
	if (out->version != TC_TCAPP_VERSION)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "SELECT answer: applet version %u, this program knows %u",
		    out->version, TC_TCAPP_VERSION);
	if (out->state != TC_TCAPP_STATE_PERSO &&
	    out->state != TC_TCAPP_STATE_OPERATIONAL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "SELECT answer: unknown state %02X", out->state);
	if (out->alg > TC_TCAPP_ALG_SM2)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "SELECT answer: unknown key algorithm %02X", out->alg);
	if (out->state != TC_TCAPP_STATE_OPERATIONAL && out->cred_len != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "SELECT answer: a credential length before the lock");
	return 0;
}
