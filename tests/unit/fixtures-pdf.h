/* SPDX-License-Identifier: MIT */
/*
 * PDFs for the TrimBox/BleedBox filter's tests (test-pdfbox.c, and the
 * seeds of tests/fuzz/fuzz_pdfbox.c, which includes this file too): a
 * cairo PDF of some pages of a card's size, optionally with a JPEG photo
 * whose comment segment imitates a page object; and counting a text in a
 * PDF (test-cardface.c). No cmocka here: callers check the results.
 */
#ifndef TC_FIXTURES_PDF_H
#define TC_FIXTURES_PDF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "tcard/buf.h"

static __attribute__((unused)) cairo_status_t
fx_pdf_put(void *closure, const unsigned char *p, unsigned int n)
{
	return tc_buf_put(closure, p, n) == 0 ? CAIRO_STATUS_SUCCESS
					      : CAIRO_STATUS_WRITE_ERROR;
}

/*
 * Appends a PDF of pages pages of 253.984 x 164.353 pt (a card with 2 mm
 * of bleed) to out, each with a square and, when jpeg is not NULL, that
 * JPEG (jlen bytes, embedded as it is). Returns cairo's status.
 */
static __attribute__((unused)) cairo_status_t
fx_pdf_make(struct tc_buf *out, int pages, const uint8_t *jpeg, size_t jlen)
{
	cairo_surface_t *s, *img;
	cairo_status_t st;
	cairo_t *cr;
	int i;

	s = cairo_pdf_surface_create_for_stream(
	    fx_pdf_put, out, 253.984, 164.353);
	cr = cairo_create(s);
	for (i = 0; i < pages; i++) {
		cairo_rectangle(cr, 10 + i, 10, 50, 50);
		cairo_fill(cr);
		if (jpeg != NULL) {
			img = cairo_image_surface_create(
			    CAIRO_FORMAT_RGB24, 2, 2);
			cairo_surface_set_mime_data(
			    img, CAIRO_MIME_TYPE_JPEG, jpeg, jlen, NULL, NULL);
			cairo_set_source_surface(cr, img, 80, 10);
			cairo_paint(cr);
			cairo_surface_destroy(img);
		}
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return st;
}

/* The page object a fake JPEG's comment holds (object 99). */
#define FX_PDF_FAKE_PAGE                                                       \
	"\n99 0 obj\n<< /Type /Page % 1\n   /MediaBox [ 0 0 10 10 ]\nendobj\n"

/*
 * Writes a JPEG (SOI, a comment holding FX_PDF_FAKE_PAGE, a 2 x 2 grey
 * SOF0, EOI: enough for cairo to embed it) to buf (at least 128 bytes);
 * returns its length.
 */
static __attribute__((unused)) size_t
fx_pdf_fake_jpeg(uint8_t *buf)
{
	static const uint8_t sof[] = { 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x02,
		0x00, 0x02, 0x01, 0x01, 0x11, 0x00, 0xff, 0xd9 };
	size_t n = sizeof(FX_PDF_FAKE_PAGE) - 1;

	memcpy(buf, "\xff\xd8\xff\xfe", 4);
	buf[4] = (uint8_t)((n + 2) >> 8);
	buf[5] = (uint8_t)(n + 2);
	memcpy(buf + 6, FX_PDF_FAKE_PAGE, n);
	memcpy(buf + 6 + n, sof, sizeof(sof));
	return 6 + n + sizeof(sof);
}

/* Occurrences of lit in b. */
static __attribute__((unused)) int
fx_count(const struct tc_buf *b, const char *lit)
{
	const char *p = (const char *)b->data, *end = p + b->len, *q;
	size_t n = strlen(lit);
	int k = 0;

	for (q = p; q != NULL && (q = memmem(q, (size_t)(end - q), lit, n));
	     q += n)
		k++;
	return k;
}

#endif
