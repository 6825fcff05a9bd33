/* SPDX-License-Identifier: MIT */
/*
 * BER-TLV parsing and building for ISO/IEC 7816-4 and EMV data objects
 * (include/tcard/tlv.h). The parser reads one object at a time with every
 * offset checked against the end of its range, so a length field can never
 * point outside the input; tc_tlv_check() walks a whole tree with a fixed
 * depth limit, so recursion is bounded by TC_TLV_MAX_DEPTH. The builder
 * writes shortest lengths; nested objects get a one-byte placeholder
 * length that tc_tlv_end() widens when the value turns out longer than 127
 * bytes. See ISO/IEC 7816-4 section "BER-TLV data objects" and ITU-T X.690
 * section 8.1 for the encoding.
 */
#include <stdint.h>
#include <string.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/tlv.h"

/* Placeholder length of an open object: 0x80 never ends up in a closed one. */
#define OPEN 0x80

static int
is_padding(uint8_t b)
{
	return b == 0x00 || b == 0xff;
}

/*
 * Parses the object whose first tag byte is p[off] (off < len, not padding)
 * into *t and sets *end to the offset just past it. Messages give offsets
 * plus base, so a nested walk can report where in the outer input it is.
 */
static int
parse_one(const uint8_t *p, size_t len, size_t off, size_t base,
    struct tc_tlv *t, size_t *end, char *err, size_t errlen)
{
	size_t i = off, vlen, nlen, k;
	uint32_t tag;
	uint8_t b;
	int nonminimal = 0;

	tag = p[i++];
	if ((tag & 0x1f) == 0x1f) {
		/* Subsequent tag bytes: bit 8 set means one more follows. */
		for (k = 1;; k++) {
			if (k == 3)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "byte %zu: tag of more than 3 bytes",
				    base + off);
			if (i >= len)
				return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
				    "byte %zu: tag runs past the end of the data",
				    base + off);
			b = p[i++];
			if (k == 1 && b == 0x80)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "byte %zu: second tag byte 0x80 (tag number with leading zero bits)",
				    base + i - 1);
			tag = tag << 8 | b;
			if ((b & 0x80) == 0)
				break;
		}
	}
	if (i >= len)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "byte %zu: data ends after tag %02X, before its length",
		    base + i, tag);
	b = p[i++];
	if (b < 0x80)
		vlen = b;
	else if (b == 0x80)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: indefinite length (0x80) in tag %02X: only definite lengths are allowed",
		    base + i - 1, tag);
	else if (b <= 0x83) {
		nlen = b & 0x7f;
		if (len - i < nlen)
			return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
			    "byte %zu: length field of tag %02X runs past the end of the data",
			    base + i - 1, tag);
		vlen = 0;
		for (k = 0; k < nlen; k++)
			vlen = vlen << 8 | p[i++];
		nonminimal =
		    vlen < (nlen == 1 ? 0x80u : 1u << (8 * (nlen - 1)));
	} else if (b == 0x84)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "byte %zu: 5-byte length field (0x84) in tag %02X: at most 3 length bytes are supported",
		    base + i - 1, tag);
	else
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: invalid first length byte 0x%02X in tag %02X",
		    base + i - 1, b, tag);
	if (vlen > TC_TLV_MAX_LEN)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "byte %zu: value of tag %02X is %zu bytes, over the limit of %d",
		    base + off, tag, vlen, TC_TLV_MAX_LEN);
	if (len - i < vlen)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "byte %zu: value of tag %02X (%zu bytes) runs past the end of the data (only %zu present)",
		    base + i, tag, vlen, len - i);
	t->tag = tag;
	t->cls = p[off] >> 6;
	t->constructed = (p[off] & 0x20) != 0;
	t->value = p + i;
	t->len = vlen;
	t->hdrlen = i - off;
	t->nonminimal = nonminimal;
	*end = i + vlen;
	return 0;
}

/* tc_tlv_next() with messages offset by base. */
static int
next_at(struct tc_cursor *c, struct tc_tlv *out, size_t base, char *err,
    size_t errlen)
{
	size_t off = c->off, end = 0;
	int r;

	while (off < c->len && is_padding(c->p[off]))
		off++;
	if (off >= c->len) {
		c->off = c->len;
		return TC_TLV_END;
	}
	if ((r = parse_one(c->p, c->len, off, base, out, &end, err, errlen)) !=
	    0)
		return r;
	c->off = end;
	return 0;
}

int
tc_tlv_next(struct tc_cursor *c, struct tc_tlv *out, char *err, size_t errlen)
{
	return next_at(c, out, 0, err, errlen);
}

int
tc_tlv_find(const uint8_t *p, size_t len, uint32_t tag, struct tc_tlv *out)
{
	struct tc_cursor c;
	struct tc_tlv t;
	int r;

	tc_cursor_init(&c, p, len);
	while ((r = tc_tlv_next(&c, &t, NULL, 0)) == 0) {
		if (t.tag == tag) {
			*out = t;
			return 0;
		}
	}
	return r == TC_TLV_END ? TC_ERR_NOT_FOUND : r;
}

/*
 * Checks the objects of p[0..len) at nesting level depth and everything
 * inside them. The recursion is bounded: an object at a level past
 * TC_TLV_MAX_DEPTH is refused before its value is entered.
 */
static int
walk(const uint8_t *p, size_t len, size_t base, int depth, char *err,
    size_t errlen)
{
	struct tc_cursor c;
	struct tc_tlv t;
	size_t off;
	int r;

	tc_cursor_init(&c, p, len);
	while ((r = next_at(&c, &t, base, err, errlen)) == 0) {
		off = (size_t)(t.value - p);
		if (depth > TC_TLV_MAX_DEPTH)
			return tc_seterr(err, errlen, TC_ERR_TOO_DEEP,
			    "byte %zu: tag %02X at nesting level %d, over the limit of %d",
			    base + off - t.hdrlen, t.tag, depth,
			    TC_TLV_MAX_DEPTH);
		if (t.constructed &&
		    (r = walk(t.value, t.len, base + off, depth + 1, err,
			 errlen)) != 0)
			return r;
	}
	return r == TC_TLV_END ? 0 : r;
}

int
tc_tlv_check(const uint8_t *p, size_t len, char *err, size_t errlen)
{
	return walk(p, len, 0, 1, err, errlen);
}

/*
 * Splits tag into its bytes and checks they form one valid tag as the
 * parser reads it, so that whatever the builder writes parses back to the
 * same tag. Returns the number of bytes (1 to 3), or 0 for an invalid tag.
 */
static size_t
tag_bytes(uint32_t tag, uint8_t tb[3])
{
	size_t n, i;

	if (tag <= 0xff)
		n = 1;
	else if (tag <= 0xffff)
		n = 2;
	else if (tag <= 0xffffff)
		n = 3;
	else
		return 0;
	for (i = 0; i < n; i++)
		tb[i] = (uint8_t)(tag >> (8 * (n - 1 - i)));
	if (is_padding(tb[0]))
		return 0;
	if (n == 1)
		return (tb[0] & 0x1f) == 0x1f ? 0 : 1;
	if ((tb[0] & 0x1f) != 0x1f || tb[1] == 0x80)
		return 0;
	for (i = 1; i + 1 < n; i++)
		if ((tb[i] & 0x80) == 0)
			return 0;
	return (tb[n - 1] & 0x80) == 0 ? n : 0;
}

/* Writes the shortest definite length for len (<= 0xffffff) into lb. */
static size_t
len_bytes(size_t len, uint8_t lb[4])
{
	if (len < 0x80) {
		lb[0] = (uint8_t)len;
		return 1;
	}
	if (len <= 0xff) {
		lb[0] = 0x81;
		lb[1] = (uint8_t)len;
		return 2;
	}
	if (len <= 0xffff) {
		lb[0] = 0x82;
		lb[1] = (uint8_t)(len >> 8);
		lb[2] = (uint8_t)len;
		return 3;
	}
	lb[0] = 0x83;
	lb[1] = (uint8_t)(len >> 16);
	lb[2] = (uint8_t)(len >> 8);
	lb[3] = (uint8_t)len;
	return 4;
}

int
tc_tlv_put(struct tc_buf *b, uint32_t tag, const uint8_t *v, size_t len)
{
	uint8_t tb[3], lb[4];
	size_t tn, ln;
	int r;

	if ((tn = tag_bytes(tag, tb)) == 0 || (v == NULL && len > 0))
		return TC_ERR_INVALID_ARG;
	if (len > TC_TLV_MAX_LEN)
		return TC_ERR_TOO_LARGE;
	ln = len_bytes(len, lb);
	/* Reserve the lot first so that a failure leaves b untouched. */
	if ((r = tc_buf_reserve(b, tn + ln + len)) != 0)
		return r;
	if (tc_buf_put(b, tb, tn) != 0 || tc_buf_put(b, lb, ln) != 0 ||
	    tc_buf_put(b, v, len) != 0)
		return TC_ERR_INTERNAL;
	return 0;
}

int
tc_tlv_begin(struct tc_buf *b, uint32_t tag, size_t *mark)
{
	uint8_t tb[3];
	size_t tn;
	int r;

	if ((tn = tag_bytes(tag, tb)) == 0)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_buf_reserve(b, tn + 1)) != 0)
		return r;
	if (tc_buf_put(b, tb, tn) != 0 || tc_buf_put_u8(b, OPEN) != 0)
		return TC_ERR_INTERNAL;
	*mark = b->len - 1;
	return 0;
}

int
tc_tlv_end(struct tc_buf *b, size_t mark)
{
	uint8_t lb[4];
	size_t vlen, ln;
	int r;

	if (b->data == NULL || mark >= b->len || b->data[mark] != OPEN)
		return TC_ERR_INVALID_ARG;
	vlen = b->len - mark - 1;
	if (vlen > TC_TLV_MAX_LEN)
		return TC_ERR_TOO_LARGE;
	ln = len_bytes(vlen, lb);
	if (ln > 1) {
		if ((r = tc_buf_reserve(b, ln - 1)) != 0)
			return r;
		memmove(b->data + mark + ln, b->data + mark + 1, vlen);
		b->len += ln - 1;
		b->data[b->len] = '\0';
	}
	memcpy(b->data + mark, lb, ln);
	return 0;
}
