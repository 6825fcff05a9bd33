/* SPDX-License-Identifier: MIT */
/*
 * The parsers of the console's PDF viewer (include/tcard/pdfview.h): the
 * "K.png" page segment of the page route, and the reply of a renderer
 * child (a 16-byte header, then a PNG or a message). The child runs
 * poppler on an applicant's file, so its bytes are checked as hostile:
 * the worker forwards a PNG only when its header says what the caps
 * allow. Fuzzed by tests/fuzz/fuzz_pdfview.c; docs/issuerd.md.
 */
#include <stdio.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/pdfview.h"
#include "tcard/utf8.h"

static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
	'\n' };

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int
tc_pdfview_page_segment(
    const char *seg, unsigned *page, char *err, size_t errlen)
{
	unsigned v = 0;
	size_t i, digits;

	*page = 0;
	if (seg == NULL) {
		snprintf(err, errlen, "%s", "page: no page segment");
		return TC_ERR_MALFORMED;
	}
	digits = strspn(seg, "0123456789");
	if (digits == 0 || strcmp(seg + digits, ".png") != 0) {
		snprintf(err, errlen, "%s",
		    "page: the segment must be a page number followed by .png");
		return TC_ERR_MALFORMED;
	}
	if (seg[0] == '0') {
		snprintf(err, errlen, "%s",
		    "page: pages count from 1, without leading zeros");
		return digits == 1 ? TC_ERR_RANGE : TC_ERR_MALFORMED;
	}
	if (digits > 4) {
		snprintf(err, errlen, "page: the number is over %u",
		    TC_PDFVIEW_PAGE_MAX);
		return TC_ERR_RANGE;
	}
	for (i = 0; i < digits; i++)
		v = v * 10 + (unsigned)(seg[i] - '0');
	*page = v;
	return 0;
}

void
tc_pdfview_reply_head(uint8_t out[TC_PDFVIEW_HEAD_LEN],
    enum tc_pdfview_kind kind, uint32_t pages, uint32_t len)
{
	memcpy(out, "TPV1", 4);
	put32(out + 4, (uint32_t)kind);
	put32(out + 8, pages);
	put32(out + 12, len);
}

/* A message: 1..TC_PDFVIEW_MSG_MAX bytes of UTF-8, no control bytes. */
static int
message_ok(const uint8_t *p, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	if (n == 0 || n > TC_PDFVIEW_MSG_MAX)
		return 0;
	while (i < n) {
		if ((k = tc_utf8_next(p + i, n - i, &cp)) == 0 || cp < 0x20 ||
		    (cp >= 0x7f && cp < 0xa0))
			return 0;
		i += k;
	}
	return 1;
}

/* The PNG signature and an IHDR within the caps; sets *w and *h. */
static int
png_ok(const uint8_t *p, size_t n, uint32_t *w, uint32_t *h, char *err,
    size_t errlen)
{
	if (n < 8 + 8 + 13 + 4 || memcmp(p, png_sig, 8) != 0 ||
	    be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0) {
		snprintf(err, errlen, "%s",
		    "renderer: the page is not a PNG with an IHDR first");
		return TC_ERR_MALFORMED;
	}
	*w = be32(p + 16);
	*h = be32(p + 20);
	if (*w == 0 || *w > TC_PDFVIEW_WIDTH_MAX || *h == 0 ||
	    *h > TC_PDFVIEW_HEIGHT_MAX) {
		snprintf(err, errlen,
		    "renderer: a page of %lux%lu pixels is outside 1..%ux1..%u",
		    (unsigned long)*w, (unsigned long)*h, TC_PDFVIEW_WIDTH_MAX,
		    TC_PDFVIEW_HEIGHT_MAX);
		return TC_ERR_TOO_LARGE;
	}
	return 0;
}

int
tc_pdfview_reply_parse(const uint8_t *p, size_t n, struct tc_pdfview_reply *out,
    char *err, size_t errlen)
{
	uint32_t kind, len;
	int r;

	memset(out, 0, sizeof(*out));
	if (n < TC_PDFVIEW_HEAD_LEN) {
		snprintf(err, errlen,
		    "renderer: %zu bytes, fewer than the %u of a header", n,
		    TC_PDFVIEW_HEAD_LEN);
		return TC_ERR_TRUNCATED;
	}
	if (memcmp(p, "TPV1", 4) != 0) {
		snprintf(err, errlen, "%s", "renderer: no TPV1 header");
		return TC_ERR_MALFORMED;
	}
	kind = be32(p + 4);
	out->pages = be32(p + 8);
	len = be32(p + 12);
	if (len > TC_PDFVIEW_PNG_MAX) {
		snprintf(err, errlen,
		    "renderer: a reply of %lu bytes is over %u",
		    (unsigned long)len, TC_PDFVIEW_PNG_MAX);
		return TC_ERR_TOO_LARGE;
	}
	if (n - TC_PDFVIEW_HEAD_LEN < len) {
		snprintf(err, errlen,
		    "renderer: the header says %lu bytes, %zu came",
		    (unsigned long)len, n - TC_PDFVIEW_HEAD_LEN);
		return TC_ERR_TRUNCATED;
	}
	if (n - TC_PDFVIEW_HEAD_LEN > len) {
		snprintf(err, errlen, "%s", "renderer: bytes after the reply");
		return TC_ERR_MALFORMED;
	}
	out->data = p + TC_PDFVIEW_HEAD_LEN;
	out->len = len;
	switch (kind) {
	case TC_PDFVIEW_PAGES:
		if (out->pages == 0 || len != 0)
			break;
		out->kind = TC_PDFVIEW_PAGES;
		return 0;
	case TC_PDFVIEW_PNG:
		if (out->pages == 0)
			break;
		out->kind = TC_PDFVIEW_PNG;
		if ((r = png_ok(out->data, len, &out->width, &out->height, err,
			 errlen)) != 0)
			memset(out, 0, sizeof(*out));
		return r;
	case TC_PDFVIEW_ERROR:
		if (out->pages != 0 || !message_ok(out->data, len))
			break;
		out->kind = TC_PDFVIEW_ERROR;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	snprintf(err, errlen,
	    "renderer: a reply of kind %lu that breaks its rules",
	    (unsigned long)kind);
	return TC_ERR_MALFORMED;
}
