/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the PDF viewer's parsers (src/pdfview.c). The first
 * byte picks one: even, the bytes are a renderer child's reply
 * (tc_pdfview_reply_parse; what it accepts keeps to the caps and points
 * inside the input); odd, they are a page segment (tc_pdfview_page_segment;
 * an accepted page is 1..TC_PDFVIEW_PAGE_MAX and prints back as the
 * segment). --write-seeds writes the seed corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/pdfview.h"

static void
segment(const uint8_t *data, size_t size)
{
	char seg[64], again[64], err[128];
	unsigned page;
	int r;

	if (size >= sizeof(seg))
		size = sizeof(seg) - 1;
	memcpy(seg, data, size);
	seg[size] = '\0';
	r = tc_pdfview_page_segment(seg, &page, err, sizeof(err));
	if (r != 0) {
		CHECK(page == 0 && err[0] != '\0');
		return;
	}
	CHECK(page >= 1 && page <= TC_PDFVIEW_PAGE_MAX);
	snprintf(again, sizeof(again), "%u.png", page);
	CHECK(strcmp(again, seg) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_pdfview_reply r;
	char err[256];

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		segment(data + 1, size - 1);
		return 0;
	}
	if (tc_pdfview_reply_parse(data + 1, size - 1, &r, err, sizeof(err)) !=
	    0) {
		CHECK(r.kind == 0 && r.data == NULL && err[0] != '\0');
		return 0;
	}
	CHECK(r.data == data + 1 + TC_PDFVIEW_HEAD_LEN);
	CHECK(r.len == size - 1 - TC_PDFVIEW_HEAD_LEN);
	CHECK(r.len <= TC_PDFVIEW_PNG_MAX);
	switch (r.kind) {
	case TC_PDFVIEW_PAGES:
		CHECK(r.pages >= 1 && r.len == 0);
		break;
	case TC_PDFVIEW_PNG:
		CHECK(r.pages >= 1 && r.width >= 1 &&
		    r.width <= TC_PDFVIEW_WIDTH_MAX && r.height >= 1 &&
		    r.height <= TC_PDFVIEW_HEIGHT_MAX);
		break;
	case TC_PDFVIEW_ERROR:
		CHECK(
		    r.pages == 0 && r.len >= 1 && r.len <= TC_PDFVIEW_MSG_MAX);
		break;
	default:
		CHECK(0);
	}
	return 0;
}

/* Seeds: mode byte 0 (reply) or 1 (segment), then the bytes. */
int
tc_fuzz_write_seeds(const char *dir)
{
	static const char *const segs[] = { "1.png", "9999.png", "0.png",
		"01.png", "10000.png", "1.png.png", "-3.png" };
	static const uint8_t png[33] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
		'\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 4, 0xb0, 0, 0, 6,
		0xa1, 8, 2, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t one = 1, zero = 0, buf[128];
	char name[32];
	size_t i;

	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		snprintf(name, sizeof(name), "segment-%zu", i);
		fuzz_put_seed(dir, name, &one, 1, segs[i], strlen(segs[i]));
	}
	tc_pdfview_reply_head(buf, TC_PDFVIEW_PAGES, 12, 0);
	fuzz_put_seed(dir, "reply-pages", &zero, 1, buf, TC_PDFVIEW_HEAD_LEN);
	tc_pdfview_reply_head(buf, TC_PDFVIEW_PNG, 2, sizeof(png));
	memcpy(buf + TC_PDFVIEW_HEAD_LEN, png, sizeof(png));
	fuzz_put_seed(
	    dir, "reply-png", &zero, 1, buf, TC_PDFVIEW_HEAD_LEN + sizeof(png));
	tc_pdfview_reply_head(buf, TC_PDFVIEW_ERROR, 0, 20);
	memcpy(buf + TC_PDFVIEW_HEAD_LEN, "the PDF is encrypted", 20);
	fuzz_put_seed(
	    dir, "reply-error", &zero, 1, buf, TC_PDFVIEW_HEAD_LEN + 20);
	tc_pdfview_reply_head(buf, TC_PDFVIEW_PNG, 1, 1u << 30);
	fuzz_put_seed(
	    dir, "reply-lying-length", &zero, 1, buf, TC_PDFVIEW_HEAD_LEN);
	return 0;
}
