/* SPDX-License-Identifier: MIT */
/*
 * The parsers of the staff console's PDF viewer (issue 15): the page
 * segment of GET /console/applications/{n}/attachments/{id}/page/{k}.png,
 * and the reply a renderer child writes back to tcard-issuerd-web over a
 * pipe (office/web-pdf.c). The child parses an applicant's PDF with
 * poppler, so the worker treats its reply as hostile input: a fixed
 * header, a bounded length, and a PNG whose signature and IHDR size are
 * checked. Nothing here allocates, prints or exits. docs/issuerd.md
 * ("PDF materials").
 */
#ifndef TCARD_PDFVIEW_H
#define TCARD_PDFVIEW_H

#include <stddef.h>
#include <stdint.h>

#define TC_PDFVIEW_PAGE_MAX   9999u /* largest page number in a path */
#define TC_PDFVIEW_WIDTH_MAX  1200u /* pixels of a rendered page */
#define TC_PDFVIEW_HEIGHT_MAX 2400u /* pixels of a rendered page */
#define TC_PDFVIEW_PNG_MAX    (8u * 1024 * 1024) /* bytes of one page's PNG */
#define TC_PDFVIEW_MSG_MAX    256u /* bytes of a child's message */
#define TC_PDFVIEW_HEAD_LEN   16u  /* bytes of a reply's header */

/*
 * Parses seg, the last path segment of a page route: "K.png" with K a
 * decimal page number from 1 to TC_PDFVIEW_PAGE_MAX without a sign,
 * leading zero or space. *page (OUT) is K. Returns 0, TC_ERR_MALFORMED
 * (not of that shape; NULL seg too) or TC_ERR_RANGE (0 or over the
 * maximum), with a message in err naming what was wrong.
 */
int tc_pdfview_page_segment(
    const char *seg, unsigned *page /* OUT */, char *err, size_t errlen);

/* What a renderer child reports. */
enum tc_pdfview_kind {
	TC_PDFVIEW_PAGES = 1, /* the page count; no data */
	TC_PDFVIEW_PNG = 2,   /* the count and one page as PNG */
	TC_PDFVIEW_ERROR = 3  /* the PDF could not be read: a message */
};

/* A parsed reply; data points into the caller's bytes. */
struct tc_pdfview_reply {
	enum tc_pdfview_kind kind;
	uint32_t pages;		/* the document's page count (0 for ERROR) */
	uint32_t width, height; /* the PNG's size (PNG only) */
	const uint8_t *data; /* the PNG or the message (not NUL-terminated) */
	size_t len;
};

/*
 * Writes the header of a reply (16 bytes: "TPV1", the kind, the page
 * count and the length of what follows, each a big-endian u32) into
 * out. The child writes it, then len bytes.
 */
void tc_pdfview_reply_head(uint8_t out[TC_PDFVIEW_HEAD_LEN],
    enum tc_pdfview_kind kind, uint32_t pages, uint32_t len);

/*
 * Parses the n bytes p that a renderer child wrote: the header of
 * tc_pdfview_reply_head and exactly the length it gives. PAGES carries
 * no data and a count of at least 1; PNG carries a PNG (the signature and
 * an IHDR of a width 1..TC_PDFVIEW_WIDTH_MAX and a height
 * 1..TC_PDFVIEW_HEIGHT_MAX) of at most TC_PDFVIEW_PNG_MAX bytes and a
 * count of at least 1; ERROR carries a message of 1 to TC_PDFVIEW_MSG_MAX
 * bytes of printable ASCII or UTF-8 without control characters. out (OUT)
 * points into p. Returns 0, TC_ERR_TRUNCATED (fewer bytes than the
 * header says), TC_ERR_TOO_LARGE (over a cap) or TC_ERR_MALFORMED (any
 * other breach), with a message in err.
 */
int tc_pdfview_reply_parse(const uint8_t *p, size_t n,
    struct tc_pdfview_reply *out /* OUT */, char *err, size_t errlen);

#endif
