/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of BER-TLV (src/tlv.c): every tag and length form, padding,
 * errors with their codes and messages, the depth and size limits exactly
 * at and past them, truncation at every offset and every single-byte change
 * of a nested structure, and builder round trips including pseudo-random
 * trees built both with tc_tlv_begin/end and bottom-up with tc_tlv_put.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/tlv.h"

/* Hex (spaces allowed) into b, then extra bytes of 0x5A. */
static void
hexbuf(struct tc_buf *b, const char *hex, size_t extra)
{
	unsigned int v;
	size_t i;

	tc_buf_init(b, 0);
	while (*hex != '\0') {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		assert_int_equal(tc_buf_put_u8(b, (uint8_t)v), 0);
		hex += 2;
	}
	for (i = 0; i < extra; i++)
		assert_int_equal(tc_buf_put_u8(b, 0x5a), 0);
}

static uint32_t
prng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const struct {
	const char *hex;
	size_t extra; /* value bytes of 0x5A after hex */
	int rc;
	uint32_t tag;
	int cls, constructed;
	size_t len, hdrlen;
	int nonminimal;
	size_t skip; /* padding bytes before the tag */
} parse_vectors[] = {
	/* Tag forms and classes. */
	{ "4F 01 AA", 0, 0, 0x4f, TC_TLV_APPLICATION, 0, 1, 2, 0, 0 },
	{ "84 00", 0, 0, 0x84, TC_TLV_CONTEXT, 0, 0, 2, 0, 0 },
	{ "C1 02 01 02", 0, 0, 0xc1, TC_TLV_PRIVATE, 0, 2, 2, 0, 0 },
	{ "30 03 02 01 01", 0, 0, 0x30, TC_TLV_UNIVERSAL, 1, 3, 2, 0, 0 },
	{ "5F20 05", 5, 0, 0x5f20, TC_TLV_APPLICATION, 0, 5, 3, 0, 0 },
	/* EMV two-byte tag with a second byte below 0x1F. */
	{ "9F02 06 000000001000", 0, 0, 0x9f02, TC_TLV_CONTEXT, 0, 6, 3, 0, 0 },
	{ "5FC102 01 00", 0, 0, 0x5fc102, TC_TLV_APPLICATION, 0, 1, 4, 0, 0 },
	{ "1F1F 00", 0, 0, 0x1f1f, TC_TLV_UNIVERSAL, 0, 0, 3, 0, 0 },
	{ "BF0C 00", 0, 0, 0xbf0c, TC_TLV_CONTEXT, 1, 0, 3, 0, 0 },
	{ "DF81 7F 00", 0, 0, 0xdf817f, TC_TLV_PRIVATE, 0, 0, 4, 0, 0 },
	/* PIV public key template and data container. */
	{ "7F49 43 86 41", 65, 0, 0x7f49, TC_TLV_APPLICATION, 1, 0x43, 3, 0,
	    0 },
	{ "53 82 01 00", 256, 0, 0x53, TC_TLV_APPLICATION, 0, 256, 4, 0, 0 },
	/* Every length form, minimal and not. */
	{ "04 7F", 127, 0, 0x04, 0, 0, 127, 2, 0, 0 },
	{ "04 81 80", 128, 0, 0x04, 0, 0, 128, 3, 0, 0 },
	{ "04 81 FF", 255, 0, 0x04, 0, 0, 255, 3, 0, 0 },
	{ "04 82 0100", 256, 0, 0x04, 0, 0, 256, 4, 0, 0 },
	{ "04 82 FFFF", 65535, 0, 0x04, 0, 0, 65535, 4, 0, 0 },
	{ "04 81 05", 5, 0, 0x04, 0, 0, 5, 3, 1, 0 },
	{ "04 81 00", 0, 0, 0x04, 0, 0, 0, 3, 1, 0 },
	{ "04 82 0080", 128, 0, 0x04, 0, 0, 128, 4, 1, 0 },
	{ "04 82 00FF", 255, 0, 0x04, 0, 0, 255, 4, 1, 0 },
	{ "04 83 000005", 5, 0, 0x04, 0, 0, 5, 5, 1, 0 },
	{ "04 83 00FFFF", 65535, 0, 0x04, 0, 0, 65535, 5, 1, 0 },
	/* Padding before the object. */
	{ "00 FF 00 84 01 AA FF", 0, 0, 0x84, TC_TLV_CONTEXT, 0, 1, 2, 0, 3 },
	/* Nothing, or only padding. */
	{ "", 0, TC_TLV_END, 0, 0, 0, 0, 0, 0, 0 },
	{ "00 FF 00 FF", 0, TC_TLV_END, 0, 0, 0, 0, 0, 0, 0 },
	/* Bad tags. */
	{ "5F", 0, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "5F C1", 0, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "5F C1 81", 0, TC_ERR_MALFORMED, 0, 0, 0, 0, 0, 0, 0 },
	{ "5F C1 81 01 00", 0, TC_ERR_MALFORMED, 0, 0, 0, 0, 0, 0, 0 },
	{ "9F 80 01 00", 0, TC_ERR_MALFORMED, 0, 0, 0, 0, 0, 0, 0 },
	{ "9F 80 00", 0, TC_ERR_MALFORMED, 0, 0, 0, 0, 0, 0, 0 },
	/* Bad lengths. */
	{ "84", 0, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "5F20", 0, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 80 AA 00 00", 0, TC_ERR_MALFORMED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 84 00000001 AA", 0, TC_ERR_UNSUPPORTED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 85 0000000001 AA", 0, TC_ERR_MALFORMED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 FF", 0, TC_ERR_MALFORMED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 81", 0, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 82 01", 0, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 83 0000", 0, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 83 010000", 0, TC_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 83 FFFFFF", 0, TC_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, 0 },
	/* Values running past the end. */
	{ "84 02 AA", 0, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "84 81 80", 127, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
	{ "04 82 FFFF", 65534, TC_ERR_TRUNCATED, 0, 0, 0, 0, 0, 0, 0 },
};

static void
test_parse_vectors(void **state)
{
	struct tc_buf b;
	struct tc_cursor c;
	struct tc_tlv t;
	char msg[200];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(parse_vectors) / sizeof(parse_vectors[0]); i++) {
		hexbuf(&b, parse_vectors[i].hex, parse_vectors[i].extra);
		tc_cursor_init(&c, b.data, b.len);
		memset(&t, 0xee, sizeof(t));
		msg[0] = '\0';
		rc = tc_tlv_next(&c, &t, msg, sizeof(msg));
		if (rc != parse_vectors[i].rc)
			fail_msg("vector %zu (%s): %d != %d, %s", i,
			    parse_vectors[i].hex, rc, parse_vectors[i].rc, msg);
		if (rc < 0) {
			assert_true(msg[0] != '\0');
			assert_int_equal(c.off, 0);
			assert_int_equal(tc_tlv_next(&c, &t, NULL, 0), rc);
		} else if (rc == TC_TLV_END) {
			assert_int_equal(c.off, b.len);
			assert_int_equal(
			    tc_tlv_next(&c, &t, NULL, 0), TC_TLV_END);
		} else {
			assert_int_equal(t.tag, parse_vectors[i].tag);
			assert_int_equal(t.cls, parse_vectors[i].cls);
			assert_int_equal(
			    t.constructed, parse_vectors[i].constructed);
			assert_int_equal(t.len, parse_vectors[i].len);
			assert_int_equal(t.hdrlen, parse_vectors[i].hdrlen);
			assert_int_equal(
			    t.nonminimal, parse_vectors[i].nonminimal);
			assert_ptr_equal(
			    t.value, b.data + parse_vectors[i].skip + t.hdrlen);
			assert_int_equal(
			    c.off, parse_vectors[i].skip + t.hdrlen + t.len);
			/* Whatever follows is padding only. */
			assert_int_equal(
			    tc_tlv_next(&c, &t, NULL, 0), TC_TLV_END);
		}
		tc_buf_release(&b);
	}
}

static const struct {
	const char *hex;
	const char *msg;
} messages[] = {
	{ "84 01 AA 84 02 AA",
	    "byte 5: value of tag 84 (2 bytes) runs past the end of the data (only 1 present)" },
	{ "5F C1 81 01 00", "byte 0: tag of more than 3 bytes" },
	{ "00 9F 80 01 00",
	    "byte 2: second tag byte 0x80 (tag number with leading zero bits)" },
	{ "5FC102", "byte 3: data ends after tag 5FC102, before its length" },
	{ "84 80",
	    "byte 1: indefinite length (0x80) in tag 84: only definite lengths are allowed" },
	{ "84 84 00000001 AA",
	    "byte 1: 5-byte length field (0x84) in tag 84: at most 3 length bytes are supported" },
	{ "84 85", "byte 1: invalid first length byte 0x85 in tag 84" },
	{ "9F02 83 010000",
	    "byte 0: value of tag 9F02 is 65536 bytes, over the limit of 65535" },
	{ "84 82 01",
	    "byte 1: length field of tag 84 runs past the end of the data" },
};

static void
test_messages(void **state)
{
	struct tc_buf b;
	struct tc_cursor c;
	struct tc_tlv t;
	char msg[200];
	size_t i, off;

	for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
		hexbuf(&b, messages[i].hex, 0);
		tc_cursor_init(&c, b.data, b.len);
		msg[0] = '\0';
		while (tc_tlv_next(&c, &t, msg, sizeof(msg)) == 0)
			;
		assert_string_equal(msg, messages[i].msg);
		/* The cursor stays on the bad object. */
		off = c.off;
		assert_true(tc_tlv_next(&c, &t, NULL, 0) < 0);
		assert_int_equal(c.off, off);
		/* tc_tlv_check reports the same at top level. */
		msg[0] = '\0';
		assert_true(tc_tlv_check(b.data, b.len, msg, sizeof(msg)) < 0);
		assert_string_equal(msg, messages[i].msg);
		tc_buf_release(&b);
	}
}

static void
test_walk_sequence(void **state)
{
	struct tc_buf b;
	struct tc_cursor c;
	struct tc_tlv t;
	static const uint32_t tags[] = { 0x84, 0x5f20, 0x7f49, 0x9f02 };
	size_t n = 0;
	int rc;

	hexbuf(&b, "84 01 AA 00 00 5F20 02 4142 FF 7F49 00 9F02 01 09 00 00 FF",
	    0);
	tc_cursor_init(&c, b.data, b.len);
	while ((rc = tc_tlv_next(&c, &t, NULL, 0)) == 0) {
		assert_true(n < 4);
		assert_int_equal(t.tag, tags[n]);
		n++;
	}
	assert_int_equal(rc, TC_TLV_END);
	assert_int_equal(n, 4);
	assert_int_equal(tc_tlv_next(&c, &t, NULL, 0), TC_TLV_END);

	/* A cursor that starts on an object after others. */
	tc_cursor_init(&c, b.data + 5, b.len - 5);
	assert_int_equal(tc_tlv_next(&c, &t, NULL, 0), 0);
	assert_int_equal(t.tag, 0x5f20);
	assert_memory_equal(t.value, "AB", 2);
	tc_buf_release(&b);

	/* NULL data with length 0 is empty. */
	tc_cursor_init(&c, NULL, 0);
	assert_int_equal(tc_tlv_next(&c, &t, NULL, 0), TC_TLV_END);
	assert_int_equal(tc_tlv_check(NULL, 0, NULL, 0), 0);
}

static void
test_find(void **state)
{
	struct tc_buf b;
	struct tc_tlv t;

	/* FCI-like: 6F { 84 .., A5 { 50 .., BF0C { 9F4D .. } } }, then 9000-ish junk. */
	hexbuf(&b,
	    "84 02 A000 00 A5 0B 50 03 414243 BF0C 03 9F4D 00 5F2D 02 7A68 9F",
	    0);
	assert_int_equal(tc_tlv_find(b.data, b.len, 0x84, &t), 0);
	assert_int_equal(t.len, 2);
	assert_memory_equal(t.value, "\xa0\x00", 2);
	assert_int_equal(tc_tlv_find(b.data, b.len, 0xa5, &t), 0);
	assert_int_equal(t.constructed, 1);
	assert_int_equal(t.len, 11);
	assert_int_equal(tc_tlv_find(b.data, b.len, 0x5f2d, &t), 0);
	assert_memory_equal(t.value, "zh", 2);
	/* Not recursive: 50 sits inside A5. */
	assert_int_equal(
	    tc_tlv_find(b.data, b.len, 0x50, &t), TC_ERR_TRUNCATED);
	assert_int_equal(
	    tc_tlv_find(b.data, b.len - 1, 0x50, &t), TC_ERR_NOT_FOUND);
	assert_int_equal(tc_tlv_find(b.data, b.len - 1, 0xa5, &t), 0);
	assert_int_equal(tc_tlv_find(t.value, t.len, 0x50, &t), 0);
	assert_memory_equal(t.value, "ABC", 3);
	/* An error before the match is the answer. */
	tc_buf_release(&b);
	hexbuf(&b, "84 80 00 00 50 01 41", 0);
	assert_int_equal(
	    tc_tlv_find(b.data, b.len, 0x50, &t), TC_ERR_MALFORMED);
	tc_buf_release(&b);
	assert_int_equal(tc_tlv_find(NULL, 0, 0x50, &t), TC_ERR_NOT_FOUND);
}

/* A nested structure of the kind a card returns, and its parts. */
static const char nested_hex[] =
    "70 55  5F20 04 54455354" /* holder name "TEST" */
    "  7F49 43 86 41 04"      /* public key template */
    "    00112233445566778899AABBCCDDEEFF    00112233445566778899AABBCCDDEEFF    00112233445566778899AABBCCDDEEFF    00112233445566778899AABBCCDDEEFF  BF0C 05 9F4D 02 0B0A";

static void
test_check_nested(void **state)
{
	struct tc_buf b, c;
	struct tc_tlv t, k;
	size_t mark1, mark2;
	char msg[200];

	hexbuf(&b, nested_hex, 0);
	assert_int_equal(b.len, 0x57);
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	assert_int_equal(tc_tlv_find(b.data, b.len, 0x70, &t), 0);
	assert_int_equal(tc_tlv_find(t.value, t.len, 0x7f49, &k), 0);
	assert_int_equal(tc_tlv_find(k.value, k.len, 0x86, &k), 0);
	assert_int_equal(k.len, 0x41);
	assert_int_equal(k.value[0], 0x04);

	/* The builder makes the same bytes. */
	tc_buf_init(&c, 0);
	assert_int_equal(tc_tlv_begin(&c, 0x70, &mark1), 0);
	assert_int_equal(tc_tlv_put(&c, 0x5f20, (const uint8_t *)"TEST", 4), 0);
	assert_int_equal(tc_tlv_begin(&c, 0x7f49, &mark2), 0);
	assert_int_equal(tc_tlv_put(&c, 0x86, k.value, k.len), 0);
	assert_int_equal(tc_tlv_end(&c, mark2), 0);
	assert_int_equal(tc_tlv_begin(&c, 0xbf0c, &mark2), 0);
	assert_int_equal(
	    tc_tlv_put(&c, 0x9f4d, (const uint8_t *)"\x0b\x0a", 2), 0);
	assert_int_equal(tc_tlv_end(&c, mark2), 0);
	assert_int_equal(tc_tlv_end(&c, mark1), 0);
	assert_int_equal(c.len, b.len);
	assert_memory_equal(c.data, b.data, b.len);
	tc_buf_release(&c);

	/* A constructed value must itself parse; offsets are absolute. */
	/* 5F20 length 4 -> 5: by chance 49 43 .. then parses as an object. */
	b.data[4] = 0x05;
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	b.data[4] = 0x7f;
	msg[0] = '\0';
	assert_int_equal(
	    tc_tlv_check(b.data, b.len, msg, sizeof(msg)), TC_ERR_TRUNCATED);
	assert_string_equal(msg,
	    "byte 5: value of tag 5F20 (127 bytes) runs past the end of the data (only 82 present)");
	b.data[4] = 0x04;
	b.data[14] = 0x80; /* 86's first byte: primitive, not parsed */
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	b.data[81] = 0x01; /* BF0C 05 -> 01: 9F4D is cut after 9F */
	assert_int_equal(
	    tc_tlv_check(b.data, b.len, msg, sizeof(msg)), TC_ERR_TRUNCATED);
	assert_string_equal(msg, "byte 82: tag runs past the end of the data");
	tc_buf_release(&b);

	/* Padding inside constructed values is fine too. */
	hexbuf(&b, "FF 70 08 00 84 01 AA FF 00 00 00 FF FF", 0);
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	tc_buf_release(&b);
	/* But the primitive 53 of PIV is not looked into. */
	hexbuf(&b, "53 04 5F C1 02 03", 0);
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	assert_int_equal(
	    tc_tlv_check(b.data + 2, 4, NULL, 0), TC_ERR_TRUNCATED);
	tc_buf_release(&b);
}

/*
 * A chain of n constructed objects 70, the innermost holding a primitive
 * 04 when prim is set.
 */
static void
chain(struct tc_buf *b, int n, int prim)
{
	size_t marks[2000];
	int i;

	assert_true(n <= 2000);
	tc_buf_init(b, 0);
	for (i = 0; i < n; i++)
		assert_int_equal(tc_tlv_begin(b, 0x70, &marks[i]), 0);
	if (prim)
		assert_int_equal(
		    tc_tlv_put(b, 0x04, (const uint8_t *)"x", 1), 0);
	for (i = n - 1; i >= 0; i--)
		assert_int_equal(tc_tlv_end(b, marks[i]), 0);
}

static void
test_depth(void **state)
{
	struct tc_buf b;
	char msg[200];

	chain(&b, TC_TLV_MAX_DEPTH, 0);
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	tc_buf_release(&b);
	chain(&b, TC_TLV_MAX_DEPTH - 1, 1);
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	tc_buf_release(&b);

	chain(&b, TC_TLV_MAX_DEPTH, 1);
	assert_int_equal(
	    tc_tlv_check(b.data, b.len, msg, sizeof(msg)), TC_ERR_TOO_DEEP);
	assert_string_equal(
	    msg, "byte 16: tag 04 at nesting level 9, over the limit of 8");
	tc_buf_release(&b);
	chain(&b, TC_TLV_MAX_DEPTH + 1, 0);
	assert_int_equal(
	    tc_tlv_check(b.data, b.len, msg, sizeof(msg)), TC_ERR_TOO_DEEP);
	assert_string_equal(
	    msg, "byte 16: tag 70 at nesting level 9, over the limit of 8");
	tc_buf_release(&b);

	/* Far too deep: refused without deep recursion. */
	chain(&b, 2000, 1);
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), TC_ERR_TOO_DEEP);
	tc_buf_release(&b);

	/* Depth counts nesting, not siblings. */
	hexbuf(&b,
	    "70 00 70 00 70 00 70 00 70 00 70 00 70 00 70 00 70 00 70 00", 0);
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	tc_buf_release(&b);
}

static void
test_truncated_everywhere(void **state)
{
	struct tc_buf b;
	size_t n;

	hexbuf(&b, nested_hex, 0);
	assert_int_equal(tc_tlv_check(b.data, 0, NULL, 0), 0);
	for (n = 1; n < b.len; n++)
		assert_int_equal(
		    tc_tlv_check(b.data, n, NULL, 0), TC_ERR_TRUNCATED);
	/*
	 * A shorter outer length cuts an inner object, unless it ends on a
	 * boundary between them: then the rest parses at the top level.
	 */
	for (n = 0; n < 0x55; n++) {
		b.data[1] = (uint8_t)n;
		if (n == 0 || n == 7 || n == 77)
			assert_int_equal(
			    tc_tlv_check(b.data, b.len, NULL, 0), 0);
		else
			assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0),
			    TC_ERR_TRUNCATED);
	}
	tc_buf_release(&b);
}

/* Every value of every byte: a defined answer, never a crash. */
static void
test_every_byte_changed(void **state)
{
	struct tc_buf b;
	size_t i;
	uint8_t old;
	int v, rc, ok = 0;

	hexbuf(&b, nested_hex, 0);
	for (i = 0; i < b.len; i++) {
		old = b.data[i];
		for (v = 0; v < 256; v++) {
			b.data[i] = (uint8_t)v;
			rc = tc_tlv_check(b.data, b.len, NULL, 0);
			assert_true(rc == 0 || rc == TC_ERR_TRUNCATED ||
			    rc == TC_ERR_MALFORMED ||
			    rc == TC_ERR_UNSUPPORTED ||
			    rc == TC_ERR_TOO_LARGE || rc == TC_ERR_TOO_DEEP);
			ok += rc == 0;
		}
		b.data[i] = old;
	}
	assert_true(ok > 0);
	tc_buf_release(&b);
}

static const struct {
	uint32_t tag;
	size_t len;
	const char *hdr;
} put_vectors[] = {
	{ 0x84, 0, "84 00" },
	{ 0x84, 1, "84 01" },
	{ 0x04, 127, "04 7F" },
	{ 0x04, 128, "04 81 80" },
	{ 0x04, 255, "04 81 FF" },
	{ 0x04, 256, "04 82 01 00" },
	{ 0x04, 65535, "04 82 FF FF" },
	{ 0x5f20, 3, "5F 20 03" },
	{ 0x9f02, 6, "9F 02 06" },
	{ 0x5fc102, 300, "5F C1 02 82 01 2C" },
	{ 0x1f1f, 0, "1F 1F 00" },
	{ 0xdf817f, 1, "DF 81 7F 01" },
	{ 0x53, 256, "53 82 01 00" },
};

static void
test_put(void **state)
{
	struct tc_buf b, h;
	struct tc_cursor c;
	struct tc_tlv t;
	uint8_t *v;
	size_t i, j;

	v = malloc(65536);
	assert_non_null(v);
	for (i = 0; i < 65536; i++)
		v[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(put_vectors) / sizeof(put_vectors[0]); i++) {
		tc_buf_init(&b, 0);
		hexbuf(&h, put_vectors[i].hdr, 0);
		assert_int_equal(
		    tc_tlv_put(&b, put_vectors[i].tag, v, put_vectors[i].len),
		    0);
		assert_int_equal(b.len, h.len + put_vectors[i].len);
		assert_memory_equal(b.data, h.data, h.len);
		assert_memory_equal(b.data + h.len, v, put_vectors[i].len);
		/* It parses back to the same. */
		tc_cursor_init(&c, b.data, b.len);
		assert_int_equal(tc_tlv_next(&c, &t, NULL, 0), 0);
		assert_int_equal(t.tag, put_vectors[i].tag);
		assert_int_equal(t.len, put_vectors[i].len);
		assert_int_equal(t.nonminimal, 0);
		assert_int_equal(t.hdrlen, h.len);
		assert_int_equal(tc_tlv_next(&c, &t, NULL, 0), TC_TLV_END);
		tc_buf_release(&b);
		tc_buf_release(&h);
	}
	/* Too long a value, b untouched. */
	tc_buf_init(&b, 0);
	assert_int_equal(tc_buf_puts(&b, "x"), 0);
	assert_int_equal(tc_tlv_put(&b, 0x04, v, 65536), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 1);
	/* NULL value only with length 0. */
	assert_int_equal(tc_tlv_put(&b, 0x04, NULL, 0), 0);
	assert_int_equal(tc_tlv_put(&b, 0x04, NULL, 1), TC_ERR_INVALID_ARG);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "x\x04\x00", 3);
	tc_buf_release(&b);

	/* The cap: "84 02 xx xx" is 4 bytes. */
	for (j = 0; j < 4; j++) {
		tc_buf_init(&b, j + 1);
		assert_int_equal(tc_buf_put_u8(&b, '-'), 0);
		assert_int_equal(tc_tlv_put(&b, 0x84, v, 2), TC_ERR_TOO_LARGE);
		assert_int_equal(b.len, 1);
		tc_buf_release(&b);
	}
	tc_buf_init(&b, 5);
	assert_int_equal(tc_buf_put_u8(&b, '-'), 0);
	assert_int_equal(tc_tlv_put(&b, 0x84, v, 2), 0);
	tc_buf_release(&b);
	free(v);
}

static void
test_bad_tags(void **state)
{
	static const uint32_t bad[] = {
		0x00,
		0xff,
		0x1f,
		0x3f,
		0x5f,
		0x9f,
		0xbf,
		0xdf,
		0x5f80,
		0x5fc1,
		0x4f20,
		0x0100,
		0x9f8001,
		0x5fc181,
		0x5f2001,
		0x7f0000 | 0x4900,
		0xff00,
		0xff0000,
		0x5fc18101,
		0x01000000,
		0xffffffff,
		0xff817f,
		0xff1f,
	};
	struct tc_buf b;
	size_t i, mark = 1234;

	tc_buf_init(&b, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    tc_tlv_put(&b, bad[i], NULL, 0), TC_ERR_INVALID_ARG);
		assert_int_equal(
		    tc_tlv_begin(&b, bad[i], &mark), TC_ERR_INVALID_ARG);
		assert_int_equal(mark, 1234);
		assert_int_equal(b.len, 0);
	}
	tc_buf_release(&b);
}

/* Values of a nested object's sizes, and the header end() must write. */
static const struct {
	size_t len;
	const char *hdr;
} nest_vectors[] = {
	{ 0, "70 00" },
	{ 1, "70 01" },
	{ 127, "70 7F" },
	{ 128, "70 81 80" },
	{ 255, "70 81 FF" },
	{ 256, "70 82 01 00" },
	{ 300, "70 82 01 2C" },
	{ 65535, "70 82 FF FF" },
};

/* Appends one primitive object of exactly total bytes (total >= 2). */
static void
put_exact(struct tc_buf *b, size_t total, const uint8_t *v)
{
	size_t d;

	for (d = total - 2;; d--) {
		size_t h = 1 + (d < 0x80 ? 1 : d <= 0xff ? 2 : 3);

		if (h + d == total)
			break;
		assert_true(d > 0);
	}
	assert_int_equal(tc_tlv_put(b, 0x04, v, d), 0);
}

static void
test_nested_builder(void **state)
{
	struct tc_buf b, h, ref, in;
	struct tc_tlv t;
	uint8_t *v;
	size_t i, mark, len;

	v = calloc(1, 70000);
	assert_non_null(v);
	for (i = 0; i < sizeof(nest_vectors) / sizeof(nest_vectors[0]); i++) {
		len = nest_vectors[i].len;
		if (len == 1)
			continue; /* no object is 1 byte long */
		tc_buf_init(&b, 0);
		assert_int_equal(tc_buf_puts(&b, "pre"), 0);
		assert_int_equal(tc_tlv_begin(&b, 0x70, &mark), 0);
		assert_int_equal(mark, 4);
		assert_int_equal(b.data[mark], 0x80);
		if (len > 0)
			put_exact(&b, len, v);
		assert_int_equal(b.len, 5 + len);
		assert_int_equal(tc_tlv_end(&b, mark), 0);
		hexbuf(&h, nest_vectors[i].hdr, 0);
		assert_int_equal(b.len, 3 + h.len + len);
		assert_memory_equal(b.data, "pre", 3);
		assert_memory_equal(b.data + 3, h.data, h.len);
		assert_int_equal(b.data[b.len], 0);
		/* Same as putting the finished value. */
		tc_buf_init(&in, 0);
		if (len > 0)
			put_exact(&in, len, v);
		tc_buf_init(&ref, 0);
		assert_int_equal(tc_buf_puts(&ref, "pre"), 0);
		assert_int_equal(tc_tlv_put(&ref, 0x70, in.data, in.len), 0);
		assert_int_equal(ref.len, b.len);
		assert_memory_equal(ref.data, b.data, b.len);
		assert_int_equal(
		    tc_tlv_check(b.data + 3, b.len - 3, NULL, 0), 0);
		assert_int_equal(
		    tc_tlv_find(b.data + 3, b.len - 3, 0x70, &t), 0);
		assert_int_equal(t.len, len);
		/* A second end() finds no open object. */
		assert_int_equal(tc_tlv_end(&b, mark), TC_ERR_INVALID_ARG);
		tc_buf_release(&b);
		tc_buf_release(&h);
		tc_buf_release(&in);
		tc_buf_release(&ref);
	}

	/* A value one byte too long stays open and untouched. */
	tc_buf_init(&b, 0);
	assert_int_equal(tc_tlv_begin(&b, 0x70, &mark), 0);
	assert_int_equal(tc_buf_put(&b, v, 65536), 0);
	assert_int_equal(tc_tlv_end(&b, mark), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 2 + 65536);
	assert_int_equal(b.data[1], 0x80);
	tc_buf_truncate(&b, b.len - 1);
	assert_int_equal(tc_tlv_end(&b, mark), 0);
	assert_memory_equal(b.data, "\x70\x82\xff\xff", 4);
	tc_buf_release(&b);

	/* Widening the length at the cap fails, then works with room. */
	tc_buf_init(&b, 2 + 200);
	assert_int_equal(tc_tlv_begin(&b, 0x70, &mark), 0);
	put_exact(&b, 200, v);
	assert_int_equal(b.len, b.cap);
	assert_int_equal(tc_tlv_end(&b, mark), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 202);
	assert_int_equal(b.data[1], 0x80);
	b.cap++;
	assert_int_equal(tc_tlv_end(&b, mark), 0);
	assert_memory_equal(b.data, "\x70\x81\xc8\x04\x81\xc5", 6);
	tc_buf_release(&b);

	/* Marks that are not open objects. */
	tc_buf_init(&b, 0);
	assert_int_equal(tc_tlv_end(&b, 0), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_tlv_put(&b, 0x84, v, 3), 0);
	assert_int_equal(tc_tlv_end(&b, 1), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_tlv_end(&b, 5), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_tlv_end(&b, SIZE_MAX), TC_ERR_INVALID_ARG);
	tc_buf_release(&b);

	/* begin() at the cap leaves the buffer alone. */
	tc_buf_init(&b, 3);
	assert_int_equal(tc_buf_puts(&b, "ab"), 0);
	assert_int_equal(tc_tlv_begin(&b, 0x70, &mark), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 2);
	assert_int_equal(tc_tlv_begin(&b, 0x7f49, &mark), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 2);
	tc_buf_release(&b);
	free(v);
}

/* Two levels, the inner one widened first: outer marks stay valid. */
static void
test_nested_moves(void **state)
{
	struct tc_buf b, in, ref;
	uint8_t v[300];
	size_t a, c, d;

	memset(v, 0x33, sizeof(v));
	tc_buf_init(&b, 0);
	assert_int_equal(tc_tlv_begin(&b, 0x7f21, &a), 0);
	assert_int_equal(tc_tlv_begin(&b, 0x7f4e, &c), 0);
	assert_int_equal(tc_tlv_put(&b, 0x5f29, v, 1), 0);
	assert_int_equal(tc_tlv_begin(&b, 0x7f49, &d), 0);
	assert_int_equal(tc_tlv_put(&b, 0x86, v, 200), 0);
	assert_int_equal(tc_tlv_end(&b, d), 0);
	assert_int_equal(tc_tlv_put(&b, 0x5f20, v, 16), 0);
	assert_int_equal(tc_tlv_end(&b, c), 0);
	assert_int_equal(tc_tlv_put(&b, 0x5f37, v, 64), 0);
	assert_int_equal(tc_tlv_end(&b, a), 0);

	/* The same, bottom up. */
	tc_buf_init(&in, 0);
	tc_buf_init(&ref, 0);
	assert_int_equal(tc_tlv_put(&in, 0x86, v, 200), 0);
	assert_int_equal(tc_tlv_put(&ref, 0x5f29, v, 1), 0);
	assert_int_equal(tc_tlv_put(&ref, 0x7f49, in.data, in.len), 0);
	assert_int_equal(tc_tlv_put(&ref, 0x5f20, v, 16), 0);
	tc_buf_reset(&in);
	assert_int_equal(tc_tlv_put(&in, 0x7f4e, ref.data, ref.len), 0);
	assert_int_equal(tc_tlv_put(&in, 0x5f37, v, 64), 0);
	tc_buf_reset(&ref);
	assert_int_equal(tc_tlv_put(&ref, 0x7f21, in.data, in.len), 0);

	assert_int_equal(b.len, ref.len);
	assert_memory_equal(b.data, ref.data, b.len);
	assert_int_equal(tc_tlv_check(b.data, b.len, NULL, 0), 0);
	tc_buf_release(&b);
	tc_buf_release(&in);
	tc_buf_release(&ref);
}

static const uint32_t prim_tags[] = { 0x04, 0x4f, 0x50, 0x84, 0x86, 0xc1,
	0x5f20, 0x9f02, 0x1f1f, 0x5fc102, 0xdf8101 };
static const uint32_t cons_tags[] = { 0x30, 0x70, 0xa5, 0xe1, 0x7f49, 0xbf0c,
	0x7f21, 0x3f8101, 0xbf8101 };

/*
 * Appends a pseudo-random sequence of objects at nesting level depth, with
 * tc_tlv_begin/end (topdown) or bottom-up with tc_tlv_put; the same seed
 * gives the same tree either way.
 */
static void
gen(struct tc_buf *b, uint32_t *seed, int depth, int topdown)
{
	static const size_t lens[] = { 0, 1, 2, 5, 127, 128, 255, 256, 300 };
	static uint8_t v[1000];
	struct tc_buf sub;
	uint32_t tag;
	size_t mark, len;
	int n, i;

	n = (int)(prng(seed) % 4);
	for (i = 0; i < n; i++) {
		if (depth < TC_TLV_MAX_DEPTH && prng(seed) % 2 == 0) {
			tag = cons_tags[prng(seed) %
			    (sizeof(cons_tags) / sizeof(cons_tags[0]))];
			if (topdown) {
				assert_int_equal(
				    tc_tlv_begin(b, tag, &mark), 0);
				gen(b, seed, depth + 1, topdown);
				assert_int_equal(tc_tlv_end(b, mark), 0);
			} else {
				tc_buf_init(&sub, 0);
				gen(&sub, seed, depth + 1, topdown);
				assert_int_equal(
				    tc_tlv_put(b, tag, sub.data, sub.len), 0);
				tc_buf_release(&sub);
			}
		} else {
			tag = prim_tags[prng(seed) %
			    (sizeof(prim_tags) / sizeof(prim_tags[0]))];
			len = prng(seed) % 4 == 0
			    ? prng(seed) % sizeof(v)
			    : lens[prng(seed) %
				  (sizeof(lens) / sizeof(lens[0]))];
			memset(v, (int)(prng(seed) & 0xff), len);
			assert_int_equal(tc_tlv_put(b, tag, v, len), 0);
		}
	}
}

/* Rebuilds what the parser reads: must give the same bytes back. */
static void
rebuild(struct tc_buf *out, const uint8_t *p, size_t len, int *count)
{
	struct tc_cursor c;
	struct tc_tlv t;
	size_t mark;
	int rc;

	tc_cursor_init(&c, p, len);
	while ((rc = tc_tlv_next(&c, &t, NULL, 0)) == 0) {
		(*count)++;
		if (t.constructed) {
			assert_int_equal(tc_tlv_begin(out, t.tag, &mark), 0);
			rebuild(out, t.value, t.len, count);
			assert_int_equal(tc_tlv_end(out, mark), 0);
		} else
			assert_int_equal(
			    tc_tlv_put(out, t.tag, t.value, t.len), 0);
	}
	assert_int_equal(rc, TC_TLV_END);
}

static void
test_random_trees(void **state)
{
	struct tc_buf a, b, r;
	uint32_t s1, s2;
	int i, count, total = 0;

	for (i = 0; i < 2000; i++) {
		s1 = s2 = 0x9e3779b9u ^ (uint32_t)i * 2654435761u;
		if (s1 == 0)
			s1 = s2 = 1;
		tc_buf_init(&a, 0);
		tc_buf_init(&b, 0);
		tc_buf_init(&r, 0);
		gen(&a, &s1, 1, 1);
		gen(&b, &s2, 1, 0);
		assert_int_equal(s1, s2);
		assert_int_equal(a.len, b.len);
		if (a.len > 0)
			assert_memory_equal(a.data, b.data, a.len);
		assert_int_equal(tc_tlv_check(a.data, a.len, NULL, 0), 0);
		count = 0;
		rebuild(&r, a.data, a.len, &count);
		total += count;
		assert_int_equal(r.len, a.len);
		if (a.len > 0)
			assert_memory_equal(r.data, a.data, a.len);
		tc_buf_release(&a);
		tc_buf_release(&b);
		tc_buf_release(&r);
	}
	assert_true(total > 2000);
}

#define TESTS(X, XF)                                                           \
	X(test_parse_vectors)                                                  \
	X(test_messages)                                                       \
	X(test_walk_sequence)                                                  \
	X(test_find)                                                           \
	X(test_check_nested)                                                   \
	X(test_depth)                                                          \
	X(test_truncated_everywhere)                                           \
	X(test_every_byte_changed)                                             \
	X(test_put)                                                            \
	X(test_bad_tags)                                                       \
	X(test_nested_builder)                                                 \
	X(test_nested_moves)                                                   \
	X(test_random_trees)

TC_UNIT_MAIN(TESTS, NULL, NULL)
