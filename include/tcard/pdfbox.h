/* SPDX-License-Identifier: MIT */
/*
 * Trim and bleed boxes for the PDF that cairo writes. cairo (1.16 here,
 * and no later version either) has no call to set a page's TrimBox or
 * BleedBox, which print shops and the CUPS filters read to know where the
 * card is cut and how far the printing runs past the cut. This filter sits
 * between cairo's PDF stream and its destination: every byte passes
 * through unchanged and as it comes (a long print-batch is not held in
 * memory); it remembers the page objects cairo writes ("N 0 obj" then
 * "<< /Type /Page ..." with its /MediaBox line) and the final cross
 * reference table, and tc_pdfbox_finish appends an incremental update
 * (ISO 32000-1, 7.5.6): each page again, with
 *   /BleedBox = the MediaBox, and
 *   /TrimBox  = the MediaBox inset by the bleed on every side,
 * a cross-reference section for those objects and a trailer whose /Prev
 * points at cairo's. A page object counts only when cairo's cross
 * reference table lists it at the offset it was seen at, so bytes in an
 * image or font stream that merely look like a page (a JPEG comment
 * written to fool the filter) change nothing. docs/cardfaces.md.
 */
#ifndef TCARD_PDFBOX_H
#define TCARD_PDFBOX_H

#include <stddef.h>
#include <stdint.h>

struct tc_pdfbox;

/*
 * A filter that writes through write(arg, p, n) (returns 0, or nonzero to
 * stop) and gives the pages a TrimBox inset_pt points inside the MediaBox
 * (0 to 1000). Returns 0, TC_ERR_INVALID_ARG or TC_ERR_NOMEM.
 */
int tc_pdfbox_new(struct tc_pdfbox **out /* OUT */, double inset_pt,
    int (*write)(void *arg, const uint8_t *p, size_t n), void *arg);

/*
 * Passes n bytes of the PDF on. Returns 0, TC_ERR_IO (write refused; the
 * filter then refuses everything) or TC_ERR_NOMEM.
 */
int tc_pdfbox_write(struct tc_pdfbox *x, const uint8_t *p, size_t n);

/*
 * After the whole PDF went through: appends the update. Returns 0 (also
 * when the stream had no page), TC_ERR_MALFORMED (no cross-reference
 * table and trailer at the end as cairo writes them, or a listed page
 * without a MediaBox), TC_ERR_IO or TC_ERR_NOMEM.
 */
int tc_pdfbox_finish(struct tc_pdfbox *x, char *err, size_t errlen);

/* Pages the update gave boxes to (after tc_pdfbox_finish). */
size_t tc_pdfbox_pages(const struct tc_pdfbox *x);

/* Frees x (NULL is fine). */
void tc_pdfbox_free(struct tc_pdfbox *x);

#endif
