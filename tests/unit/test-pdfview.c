/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the PDF viewer's parsers (src/pdfview.c): the "K.png"
 * page segment (signs, zeros, spaces, other suffixes, the maximum), and
 * the renderer child's reply (each kind, truncated and trailing bytes,
 * lying lengths, a PNG over the pixel caps, control bytes in a message).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/pdfview.h"

/* The page segment s: the code, and the page it names (0 when refused). */
static void
segment(const char *s, int r, unsigned want)
{
	char err[128] = "";
	unsigned page = 77;

	assert_int_equal(
	    tc_pdfview_page_segment(s, &page, err, sizeof(err)), r);
	assert_int_equal(page, want);
	if (r != 0)
		assert_true(strncmp(err, "page: ", 6) == 0);
}

static void
test_segment(void **state)
{
	char err[128];
	unsigned page;

	segment("1.png", 0, 1);
	segment("10.png", 0, 10);
	segment("9999.png", 0, 9999);
	segment("10000.png", TC_ERR_RANGE, 0);
	segment("99999999999999999999.png", TC_ERR_RANGE, 0);
	segment("0.png", TC_ERR_RANGE, 0);
	segment("01.png", TC_ERR_MALFORMED, 0);
	segment("-1.png", TC_ERR_MALFORMED, 0);
	segment("+1.png", TC_ERR_MALFORMED, 0);
	segment(" 1.png", TC_ERR_MALFORMED, 0);
	segment("1.png ", TC_ERR_MALFORMED, 0);
	segment("1.PNG", TC_ERR_MALFORMED, 0);
	segment("1.pngx", TC_ERR_MALFORMED, 0);
	segment("1", TC_ERR_MALFORMED, 0);
	segment(".png", TC_ERR_MALFORMED, 0);
	segment("", TC_ERR_MALFORMED, 0);
	segment("1.png/2.png", TC_ERR_MALFORMED, 0);
	segment("0x1.png", TC_ERR_MALFORMED, 0);
	assert_int_equal(tc_pdfview_page_segment(NULL, &page, err, sizeof(err)),
	    TC_ERR_MALFORMED);
}

/* A minimal PNG head of w x h (signature, IHDR; no data needed). */
static size_t
png_head(uint8_t *p, uint32_t w, uint32_t h)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
		'\n' };
	uint8_t *q = p;

	memcpy(q, sig, 8);
	q += 8;
	memcpy(q, "\0\0\0\x0dIHDR", 8);
	q += 8;
	q[0] = (uint8_t)(w >> 24), q[1] = (uint8_t)(w >> 16);
	q[2] = (uint8_t)(w >> 8), q[3] = (uint8_t)w;
	q[4] = (uint8_t)(h >> 24), q[5] = (uint8_t)(h >> 16);
	q[6] = (uint8_t)(h >> 8), q[7] = (uint8_t)h;
	memcpy(q + 8, "\x08\x02\0\0\0", 5);
	memset(q + 13, 0, 4); /* the CRC is not checked here */
	return 8 + 8 + 13 + 4;
}

/* A reply of kind with pages and the n bytes data into out; its length. */
static size_t
reply(uint8_t *out, uint32_t kind, uint32_t pages, const void *data, size_t n)
{
	tc_pdfview_reply_head(
	    out, (enum tc_pdfview_kind)kind, pages, (uint32_t)n);
	if (n > 0)
		memcpy(out + TC_PDFVIEW_HEAD_LEN, data, n);
	return TC_PDFVIEW_HEAD_LEN + n;
}

/* What tc_pdfview_reply_parse makes of the n bytes of buf: its code. */
static int
parsed(const uint8_t *buf, size_t n)
{
	struct tc_pdfview_reply r;
	char err[160];

	return tc_pdfview_reply_parse(buf, n, &r, err, sizeof(err));
}

static void
test_reply(void **state)
{
	struct tc_pdfview_reply r;
	uint8_t png[64], buf[256];
	char err[160];
	size_t n, pn;

	n = reply(buf, TC_PDFVIEW_PAGES, 3, NULL, 0);
	assert_int_equal(
	    tc_pdfview_reply_parse(buf, n, &r, err, sizeof(err)), 0);
	assert_int_equal(r.kind, TC_PDFVIEW_PAGES);
	assert_int_equal(r.pages, 3);

	pn = png_head(png, 1200, 1697);
	n = reply(buf, TC_PDFVIEW_PNG, 2, png, pn);
	assert_int_equal(
	    tc_pdfview_reply_parse(buf, n, &r, err, sizeof(err)), 0);
	assert_int_equal(r.kind, TC_PDFVIEW_PNG);
	assert_int_equal(r.width, 1200);
	assert_int_equal(r.height, 1697);
	assert_int_equal(r.len, pn);
	assert_ptr_equal(r.data, buf + TC_PDFVIEW_HEAD_LEN);
	/* One byte short, one too many. */
	assert_int_equal(
	    tc_pdfview_reply_parse(buf, n - 1, &r, err, sizeof(err)),
	    TC_ERR_TRUNCATED);
	buf[n] = 0;
	assert_int_equal(
	    tc_pdfview_reply_parse(buf, n + 1, &r, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_int_equal(tc_pdfview_reply_parse(buf, 3, &r, err, sizeof(err)),
	    TC_ERR_TRUNCATED);
	/* Over the pixel caps, zero, not a PNG. */
	pn = png_head(png, 1201, 10);
	n = reply(buf, TC_PDFVIEW_PNG, 1, png, pn);
	assert_int_equal(tc_pdfview_reply_parse(buf, n, &r, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(r.kind, 0);
	pn = png_head(png, 10, 2401);
	assert_int_equal(parsed(buf, reply(buf, TC_PDFVIEW_PNG, 1, png, pn)),
	    TC_ERR_TOO_LARGE);
	pn = png_head(png, 0, 10);
	assert_int_equal(parsed(buf, reply(buf, TC_PDFVIEW_PNG, 1, png, pn)),
	    TC_ERR_TOO_LARGE);
	pn = png_head(png, 10, 10);
	png[1] = 'Q';
	assert_int_equal(parsed(buf, reply(buf, TC_PDFVIEW_PNG, 1, png, pn)),
	    TC_ERR_MALFORMED);
	/* A PNG with a page count of 0; PAGES with data or no pages. */
	pn = png_head(png, 10, 10);
	assert_int_equal(parsed(buf, reply(buf, TC_PDFVIEW_PNG, 0, png, pn)),
	    TC_ERR_MALFORMED);
	assert_int_equal(parsed(buf, reply(buf, TC_PDFVIEW_PAGES, 0, NULL, 0)),
	    TC_ERR_MALFORMED);
	assert_int_equal(parsed(buf, reply(buf, TC_PDFVIEW_PAGES, 1, "x", 1)),
	    TC_ERR_MALFORMED);
	/* A length over the cap, whatever came. */
	tc_pdfview_reply_head(buf, TC_PDFVIEW_PNG, 1, TC_PDFVIEW_PNG_MAX + 1);
	assert_int_equal(tc_pdfview_reply_parse(
			     buf, TC_PDFVIEW_HEAD_LEN, &r, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	/* Unknown kind, bad magic. */
	assert_int_equal(
	    parsed(buf, reply(buf, 9, 1, NULL, 0)), TC_ERR_MALFORMED);
	n = reply(buf, TC_PDFVIEW_PAGES, 1, NULL, 0);
	buf[0] = 'X';
	assert_int_equal(tc_pdfview_reply_parse(buf, n, &r, err, sizeof(err)),
	    TC_ERR_MALFORMED);
}

static void
test_error_message(void **state)
{
	struct tc_pdfview_reply r;
	uint8_t buf[600], big[TC_PDFVIEW_MSG_MAX + 1];
	char err[160];
	size_t n;

	n = reply(buf, TC_PDFVIEW_ERROR, 0, "the PDF is encrypted", 20);
	assert_int_equal(
	    tc_pdfview_reply_parse(buf, n, &r, err, sizeof(err)), 0);
	assert_int_equal(r.kind, TC_PDFVIEW_ERROR);
	assert_int_equal(r.len, 20);
	n = reply(buf, TC_PDFVIEW_ERROR, 0, "文件已加密", strlen("文件已加密"));
	assert_int_equal(
	    tc_pdfview_reply_parse(buf, n, &r, err, sizeof(err)), 0);
	assert_int_equal(
	    parsed(buf, reply(buf, TC_PDFVIEW_ERROR, 0, "a\nb", 3)),
	    TC_ERR_MALFORMED);
	assert_int_equal(
	    parsed(buf, reply(buf, TC_PDFVIEW_ERROR, 0, "\xc3(", 2)),
	    TC_ERR_MALFORMED);
	assert_int_equal(parsed(buf, reply(buf, TC_PDFVIEW_ERROR, 0, NULL, 0)),
	    TC_ERR_MALFORMED);
	assert_int_equal(parsed(buf, reply(buf, TC_PDFVIEW_ERROR, 1, "x", 1)),
	    TC_ERR_MALFORMED);
	memset(big, 'a', sizeof(big));
	assert_int_equal(
	    parsed(buf, reply(buf, TC_PDFVIEW_ERROR, 0, big, sizeof(big))),
	    TC_ERR_MALFORMED);
}

#define TESTS(X, XF) X(test_segment) X(test_reply) X(test_error_message)

TC_UNIT_MAIN(TESTS, NULL, NULL)
