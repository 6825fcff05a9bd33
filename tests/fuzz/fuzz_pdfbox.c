/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the TrimBox/BleedBox filter (src/pdfbox.c). The filter
 * reads cairo's PDF, which embeds outside bytes (the applicant's JPEG
 * photo goes into the file as it is), so any bytes may come through. The
 * input: a byte giving the size of the pieces it is written in (0: all at
 * once), a byte giving the inset in points, then the PDF. Promises: the
 * output starts with the input unchanged; the pieces do not change the
 * result; tc_pdfbox_finish gives 0 or TC_ERR_MALFORMED with a message; on
 * success with pages the output grows and ends with "%%EOF\n".
 * `fuzz_pdfbox --write-seeds DIR` writes cairo PDFs of 1 and 3 pages, one
 * whose image stream holds a fake page object, and broken tails
 * (tests/unit/fixtures-pdf.h makes them).
 */
#include <stdint.h>
#include <string.h>

#include "../unit/fixtures-pdf.h"
#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/pdfbox.h"

static int
sink(void *arg, const uint8_t *p, size_t n)
{
	return tc_buf_put(arg, p, n) != 0;
}

/* Runs the filter over pdf in pieces of step bytes (0: one). */
static int
run(const uint8_t *pdf, size_t n, size_t step, double inset, struct tc_buf *out,
    size_t *pages)
{
	struct tc_pdfbox *x = NULL;
	char err[256] = "";
	size_t i, k;
	int r;

	CHECK(tc_pdfbox_new(&x, inset, sink, out) == 0);
	for (i = 0; i < n; i += k) {
		k = step == 0 || step > n - i ? n - i : step;
		CHECK(tc_pdfbox_write(x, pdf + i, k) == 0);
	}
	r = tc_pdfbox_finish(x, err, sizeof(err));
	CHECK(r == 0 || r == TC_ERR_MALFORMED);
	CHECK(r == 0 || err[0] != '\0');
	*pages = tc_pdfbox_pages(x);
	tc_pdfbox_free(x);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_buf a, b;
	size_t pa, pb;
	int ra, rb;

	if (size < 2)
		return 0;
	tc_buf_init(&a, 64u << 20);
	tc_buf_init(&b, 64u << 20);
	ra = run(data + 2, size - 2, data[0], data[1] / 4.0, &a, &pa);
	rb = run(data + 2, size - 2, 0, data[1] / 4.0, &b, &pb);
	CHECK(ra == rb && pa == pb && a.len == b.len &&
	    (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
	CHECK(a.len >= size - 2 &&
	    (size == 2 || memcmp(a.data, data + 2, size - 2) == 0));
	if (ra == 0 && pa > 0)
		CHECK(a.len > size - 2 &&
		    memcmp(a.data + a.len - 6, "%%EOF\n", 6) == 0);
	if (pa == 0)
		CHECK(a.len == size - 2);
	tc_buf_release(&a);
	tc_buf_release(&b);
	return 0;
}

static void
seed(const char *dir, const char *name, uint8_t step, uint8_t inset,
    const struct tc_buf *pdf, size_t len)
{
	uint8_t head[2] = { step, inset };

	fuzz_put_seed(dir, name, head, 2, pdf->data, len);
}

int
tc_fuzz_write_seeds(const char *dir)
{
	uint8_t jpeg[128];
	struct tc_buf p;

	tc_buf_init(&p, 0);
	CHECK(fx_pdf_make(&p, 1, NULL, 0) == CAIRO_STATUS_SUCCESS);
	seed(dir, "one-page", 0, 23, &p, p.len);
	seed(dir, "one-page-bytewise", 1, 23, &p, p.len);
	seed(dir, "no-inset", 7, 0, &p, p.len);
	seed(dir, "inset-64pt", 0, 255, &p, p.len);
	seed(dir, "truncated-tail", 13, 23, &p, p.len - 20);
	seed(dir, "no-xref", 0, 23, &p, p.len / 2);
	tc_buf_truncate(&p, 0);
	CHECK(fx_pdf_make(&p, 3, NULL, 0) == CAIRO_STATUS_SUCCESS);
	seed(dir, "three-pages", 64, 23, &p, p.len);
	tc_buf_truncate(&p, 0);
	CHECK(fx_pdf_make(&p, 1, jpeg, fx_pdf_fake_jpeg(jpeg)) ==
	    CAIRO_STATUS_SUCCESS);
	seed(dir, "fake-page-in-image", 5, 23, &p, p.len);
	tc_buf_release(&p);
	return 0;
}
