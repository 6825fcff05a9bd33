/* SPDX-License-Identifier: MIT */
/*
 * PIV data objects and answers (include/tcard/piv.h), built and parsed
 * with the BER-TLV codec. Parsers are strict: one outer object, nothing
 * after it, sizes checked before use.
 */
#include <string.h>

#include "tcard/err.h"
#include "tcard/piv.h"
#include "tcard/tlv.h"

int
tc_piv_build_chuid(struct tc_buf *out, const uint8_t guid[TC_PIV_GUID_LEN],
    const char expiry[9])
{
	/*
	 * A fixed placeholder FASC-N: these cards are not issued by a US
	 * federal agency, and only the GUID (tag 34) identifies the card.
	 */
	static const uint8_t fascn[TC_PIV_FASCN_LEN] = { 0xD4, 0xE7, 0x39, 0xDA,
		0x73, 0x9C, 0xED, 0x39, 0xCE, 0x73, 0x9D, 0x83, 0x68, 0x58,
		0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xC8, 0x42, 0x10, 0xC3,
		0xEB };
	size_t mark = out->len, m;
	int r;

	if ((r = tc_tlv_begin(out, 0x53, &m)) != 0 ||
	    (r = tc_tlv_put(out, 0x30, fascn, sizeof(fascn))) != 0 ||
	    (r = tc_tlv_put(out, 0x34, guid, TC_PIV_GUID_LEN)) != 0 ||
	    (r = tc_tlv_put(out, 0x35, (const uint8_t *)expiry, 8)) != 0 ||
	    (r = tc_tlv_put(out, 0x3E, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(out, 0xFE, NULL, 0)) != 0 ||
	    (r = tc_tlv_end(out, m)) != 0)
		tc_buf_truncate(out, mark);
	return r;
}

int
tc_piv_build_ccc(struct tc_buf *out, const uint8_t guid[TC_PIV_GUID_LEN])
{
	/* Card identifier: GSC-RID A0 00 00 01 16, manufacturer FF, type 02. */
	uint8_t id[21] = { 0xA0, 0x00, 0x00, 0x01, 0x16, 0xFF, 0x02 };
	const uint8_t v21 = 0x21, v00 = 0x00, v10 = 0x10;
	size_t mark = out->len, m;
	int r;

	memcpy(id + 7, guid, 14);
	if ((r = tc_tlv_begin(out, 0x53, &m)) != 0 ||
	    (r = tc_tlv_put(out, 0xF0, id, sizeof(id))) != 0 ||
	    (r = tc_tlv_put(out, 0xF1, &v21, 1)) != 0 ||
	    (r = tc_tlv_put(out, 0xF2, &v21, 1)) != 0 ||
	    (r = tc_tlv_put(out, 0xF3, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(out, 0xF4, &v00, 1)) != 0 ||
	    (r = tc_tlv_put(out, 0xF5, &v10, 1)) != 0 ||
	    (r = tc_tlv_put(out, 0xF6, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(out, 0xF7, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(out, 0xFA, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(out, 0xFB, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(out, 0xFC, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(out, 0xFD, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(out, 0xFE, NULL, 0)) != 0 ||
	    (r = tc_tlv_end(out, m)) != 0)
		tc_buf_truncate(out, mark);
	return r;
}

int
tc_piv_build_discovery(struct tc_buf *out, const uint8_t *aid, size_t aid_len)
{
	/* PIN usage policy: PIV PIN only (SP 800-73-4 Part 1, 3.3.2). */
	static const uint8_t policy[2] = { 0x40, 0x00 };
	size_t mark = out->len, m;
	int r;

	if ((r = tc_tlv_begin(out, 0x7E, &m)) != 0 ||
	    (r = tc_tlv_put(out, 0x4F, aid, aid_len)) != 0 ||
	    (r = tc_tlv_put(out, 0x5F2F, policy, 2)) != 0 ||
	    (r = tc_tlv_end(out, m)) != 0)
		tc_buf_truncate(out, mark);
	return r;
}

int
tc_piv_build_container(struct tc_buf *out, const uint8_t *data, size_t len)
{
	static const uint8_t none = 0x00;
	size_t mark = out->len, m;
	int r;

	if ((r = tc_tlv_begin(out, 0x53, &m)) != 0 ||
	    (r = tc_tlv_put(out, 0x70, data, len)) != 0 ||
	    (r = tc_tlv_put(out, 0x71, &none, 1)) != 0 ||
	    (r = tc_tlv_put(out, 0xFE, NULL, 0)) != 0 ||
	    (r = tc_tlv_end(out, m)) != 0)
		tc_buf_truncate(out, mark);
	return r;
}

/* The one object with tag outer that p consists of. */
static int
outer(const uint8_t *p, size_t len, uint32_t tag, struct tc_tlv *t,
    const char *what, char *err, size_t errlen)
{
	struct tc_cursor c;
	int r;

	tc_cursor_init(&c, p, len);
	if ((r = tc_tlv_next(&c, t, err, errlen)) < 0)
		return r;
	if (r == TC_TLV_END || t->tag != tag)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: expected one object %X", what, tag);
	if (tc_cursor_left(&c) != 0)
		return tc_seterr(err, errlen, TC_ERR_TRAILING,
		    "%s: %zu bytes after object %X", what, tc_cursor_left(&c),
		    tag);
	return 0;
}

/*
 * Checks that the len bytes at p are a sequence of well-formed data objects
 * at one level. PIV data objects reuse tags such as 30 (the FASC-N) whose
 * "constructed" bit is set for primitive values, so they are never
 * recursed into (tc_tlv_check would).
 */
static int
flat_check(
    const uint8_t *p, size_t len, const char *what, char *err, size_t errlen)
{
	struct tc_cursor c;
	struct tc_tlv t;
	char terr[128];
	int r;

	tc_cursor_init(&c, p, len);
	while ((r = tc_tlv_next(&c, &t, terr, sizeof(terr))) == 0)
		;
	if (r < 0)
		return tc_seterr(err, errlen, r, "%s: %s", what, terr);
	return 0;
}

int
tc_piv_container_data(const uint8_t *p, size_t len, const uint8_t **data,
    size_t *dlen, char *err, size_t errlen)
{
	struct tc_tlv t, in;
	int r;

	*data = NULL;
	*dlen = 0;
	if ((r = outer(p, len, 0x53, &t, "PIV data object", err, errlen)) != 0)
		return r;
	if ((r = flat_check(t.value, t.len, "PIV data object", err, errlen)) !=
	    0)
		return r;
	if ((r = tc_tlv_find(t.value, t.len, 0x70, &in)) != 0)
		return tc_seterr(err, errlen,
		    r == TC_ERR_NOT_FOUND ? TC_ERR_NOT_FOUND : r,
		    "PIV data object: no tag 70");
	*data = in.value;
	*dlen = in.len;
	return 0;
}

int
tc_piv_chuid_guid(
    const uint8_t *p, size_t len, uint8_t guid[16], char *err, size_t errlen)
{
	static const uint8_t zero[TC_PIV_GUID_LEN];
	struct tc_tlv t, g;
	int r;

	if ((r = outer(p, len, 0x53, &t, "CHUID", err, errlen)) != 0)
		return r;
	if ((r = flat_check(t.value, t.len, "CHUID", err, errlen)) != 0)
		return r;
	if (tc_tlv_find(t.value, t.len, 0x34, &g) != 0 ||
	    g.len != TC_PIV_GUID_LEN || memcmp(g.value, zero, 16) == 0)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "CHUID: no GUID (tag 34 of 16 bytes, not all zero)");
	memcpy(guid, g.value, TC_PIV_GUID_LEN);
	return 0;
}

int
tc_piv_7c_get(const uint8_t *p, size_t len, uint32_t inner, const uint8_t **v,
    size_t *vlen, char *err, size_t errlen)
{
	struct tc_tlv t, in;
	int r;

	*v = NULL;
	*vlen = 0;
	if ((r = outer(p, len, 0x7C, &t, "GENERAL AUTHENTICATE answer", err,
		 errlen)) != 0)
		return r;
	if ((r = tc_tlv_check(t.value, t.len, err, errlen)) != 0)
		return r;
	if ((r = tc_tlv_find(t.value, t.len, inner, &in)) != 0)
		return tc_seterr(err, errlen, r,
		    "GENERAL AUTHENTICATE answer: no tag %X", inner);
	*v = in.value;
	*vlen = in.len;
	return 0;
}

int
tc_piv_7f49_point(
    const uint8_t *p, size_t len, const uint8_t **pt, char *err, size_t errlen)
{
	struct tc_tlv t, in;
	int r;

	*pt = NULL;
	if ((r = outer(p, len, 0x7F49, &t, "public key", err, errlen)) != 0)
		return r;
	if ((r = tc_tlv_check(t.value, t.len, err, errlen)) != 0)
		return r;
	if (tc_tlv_find(t.value, t.len, 0x86, &in) != 0 || in.len != 65 ||
	    in.value[0] != 0x04)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "public key: no uncompressed point (86, 65 bytes)");
	*pt = in.value;
	return 0;
}
