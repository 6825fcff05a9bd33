/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for BER-TLV (src/tlv.c), as card answers reach it. The input
 * is checked whole with tc_tlv_check() and walked at the top level with
 * tc_tlv_next(); the two must agree. Every object read is put again with
 * tc_tlv_put() and must read back the same. When the whole tree is valid it
 * is rebuilt with tc_tlv_begin/end: the rebuilt tree must be valid, a
 * fixed point of rebuilding, and identical to the input when the input had
 * no padding and only shortest lengths.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/tlv.h"

/*
 * Rebuilds the objects of p[0..len) into out, recursing into constructed
 * values; *canon is cleared when padding or a longer-than-needed length
 * was met (the rebuild then differs from the input).
 */
static void
rebuild(struct tc_buf *out, const uint8_t *p, size_t len, int *canon)
{
	struct tc_cursor c;
	struct tc_tlv t;
	size_t mark, prev = 0;
	int r;

	tc_cursor_init(&c, p, len);
	while ((r = tc_tlv_next(&c, &t, NULL, 0)) == 0) {
		if ((size_t)(t.value - t.hdrlen - p) != prev || t.nonminimal)
			*canon = 0;
		prev = c.off;
		if (t.constructed) {
			if (tc_tlv_begin(out, t.tag, &mark) != 0)
				__builtin_trap();
			rebuild(out, t.value, t.len, canon);
			if (tc_tlv_end(out, mark) != 0)
				__builtin_trap();
		} else if (tc_tlv_put(out, t.tag, t.value, t.len) != 0)
			__builtin_trap();
	}
	if (r != TC_TLV_END)
		__builtin_trap();
	if (prev != len)
		*canon = 0; /* trailing padding */
}

static int
is_parse_error(int r)
{
	return r == TC_ERR_TRUNCATED || r == TC_ERR_MALFORMED ||
	    r == TC_ERR_UNSUPPORTED || r == TC_ERR_TOO_LARGE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_buf one, r1, r2;
	struct tc_cursor c, c2;
	struct tc_tlv t, u, f;
	char err[200];
	size_t off, n = 0;
	int checked, r, canon = 1, first = 1;
	uint32_t first_tag = 0;
	const uint8_t *first_val = NULL;

	err[0] = '\0';
	checked = tc_tlv_check(data, size, err, sizeof(err));
	if (checked != 0 &&
	    ((!is_parse_error(checked) && checked != TC_ERR_TOO_DEEP) ||
		err[0] == '\0'))
		__builtin_trap();

	tc_buf_init(&one, 0);
	tc_cursor_init(&c, data, size);
	for (;;) {
		off = c.off;
		err[0] = '\0';
		if ((r = tc_tlv_next(&c, &t, err, sizeof(err))) != 0)
			break;
		n++;
		if (t.value < data || t.value + t.len > data + size ||
		    t.len > TC_TLV_MAX_LEN || c.off <= off ||
		    t.value + t.len != data + c.off)
			__builtin_trap();
		if (first) {
			first = 0;
			first_tag = t.tag;
			first_val = t.value;
		}
		/* Put it again; it must read back the same. */
		tc_buf_reset(&one);
		if (tc_tlv_put(&one, t.tag, t.value, t.len) != 0)
			__builtin_trap();
		tc_cursor_init(&c2, one.data, one.len);
		if (tc_tlv_next(&c2, &u, NULL, 0) != 0 || u.tag != t.tag ||
		    u.len != t.len || u.constructed != t.constructed ||
		    u.cls != t.cls || u.nonminimal ||
		    memcmp(u.value, t.value, t.len) != 0 || c2.off != one.len)
			__builtin_trap();
		if (!t.nonminimal &&
		    memcmp(one.data, t.value - t.hdrlen, one.len) != 0)
			__builtin_trap();
	}
	tc_buf_release(&one);
	if (r == TC_TLV_END) {
		if (c.off != size)
			__builtin_trap();
	} else if (!is_parse_error(r) || c.off != off || err[0] == '\0' ||
	    checked == 0)
		__builtin_trap(); /* check must fail when next does */

	if (!first) {
		if (tc_tlv_find(data, size, first_tag, &f) != 0 ||
		    f.value != first_val)
			__builtin_trap();
	}
	if (checked != 0)
		return 0;

	/* A valid tree: rebuild it, and rebuild the rebuild. */
	tc_buf_init(&r1, size + 1);
	tc_buf_init(&r2, size + 1);
	rebuild(&r1, data, size, &canon);
	if (tc_tlv_check(r1.data, r1.len, NULL, 0) != 0)
		__builtin_trap();
	if (canon &&
	    (r1.len != size || (size > 0 && memcmp(r1.data, data, size) != 0)))
		__builtin_trap();
	canon = 1;
	rebuild(&r2, r1.data, r1.len, &canon);
	if (!canon || r2.len != r1.len ||
	    (r1.len > 0 && memcmp(r2.data, r1.data, r1.len) != 0))
		__builtin_trap();
	tc_buf_release(&r1);
	tc_buf_release(&r2);
	return 0;
}
