/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the TrimBox/BleedBox filter (src/pdfbox.c) on PDFs that
 * cairo writes here: the bytes pass unchanged and an update gives each
 * page its boxes (its trailer pointing back with /Prev); bytes in an image
 * that look like a page object change nothing; a file without pages is
 * left as it is; a broken tail is refused with nothing appended; a writer
 * that refuses stops the filter; bad arguments.
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
#include "tcard/pdfbox.h"

#include "fixtures-pdf.h"

/* A cairo PDF into out (fixtures-pdf.h), which must work. */
static void
make_pdf(struct tc_buf *out, int pages, const uint8_t *jpeg, size_t jlen)
{
	assert_int_equal(
	    fx_pdf_make(out, pages, jpeg, jlen), CAIRO_STATUS_SUCCESS);
}

static int
sink(void *arg, const uint8_t *p, size_t n)
{
	return tc_buf_put(arg, p, n) != 0;
}

static int
refuse(void *arg, const uint8_t *p, size_t n)
{
	(void)p;
	return (*(size_t *)arg += n) > 100;
}

/* Filters in (in pieces of step bytes) into out; returns finish's code. */
static int
filter(const struct tc_buf *in, size_t step, double inset, struct tc_buf *out,
    size_t *pages, char *err, size_t errlen)
{
	struct tc_pdfbox *x = NULL;
	size_t i, k;
	int r;

	assert_int_equal(tc_pdfbox_new(&x, inset, sink, out), 0);
	for (i = 0; i < in->len; i += k) {
		k = step > in->len - i ? in->len - i : step;
		assert_int_equal(tc_pdfbox_write(x, in->data + i, k), 0);
	}
	r = tc_pdfbox_finish(x, err, errlen);
	*pages = tc_pdfbox_pages(x);
	tc_pdfbox_free(x);
	return r;
}

static void
test_pages(void **state)
{
	static const size_t steps[] = { 1, 7, 100, 1u << 20 };
	struct tc_buf in, out;
	char err[256], trail[64];
	size_t i, pages;
	const char *p;

	(void)state;
	tc_buf_init(&in, 0);
	make_pdf(&in, 3, NULL, 0);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		tc_buf_init(&out, 0);
		assert_int_equal(filter(&in, steps[i], 5.669, &out, &pages, err,
				     sizeof(err)),
		    0);
		assert_int_equal(pages, 3);
		assert_true(out.len > in.len);
		assert_memory_equal(out.data, in.data, in.len);
		assert_int_equal(fx_count(&out,
				     "   /MediaBox [ 0 0 253.984 164.353 ]\n"
				     "   /BleedBox [ 0.0000 0.0000 253.9840 "
				     "164.3530 ]\n"
				     "   /TrimBox [ 5.6690 5.6690 248.3150 "
				     "158.6840 ]\n"),
		    3);
		assert_int_equal(fx_count(&out, "<< /Type /Page %"), 6);
		/* The trailer points back at cairo's table. */
		p = memmem(in.data, in.len, "startxref\n", 10);
		assert_non_null(p);
		snprintf(trail, sizeof(trail), "   /Prev %ld\n>>\nstartxref\n",
		    strtol(p + 10, NULL, 10));
		assert_int_equal(fx_count(&out, trail), 1);
		assert_memory_equal(out.data + out.len - 6, "%%EOF\n", 6);
		tc_buf_release(&out);
	}
	tc_buf_release(&in);
}

/* A JPEG "photo" whose comment holds a page object: not a page. */
static void
test_fake_page(void **state)
{
	uint8_t jpeg[128];
	size_t pages;
	struct tc_buf in, out;
	char err[256];

	(void)state;
	tc_buf_init(&in, 0);
	make_pdf(&in, 1, jpeg, fx_pdf_fake_jpeg(jpeg));
	assert_int_equal(fx_count(&in, "99 0 obj\n<< /Type /Page"), 1);
	tc_buf_init(&out, 0);
	assert_int_equal(
	    filter(&in, 3, 5.669, &out, &pages, err, sizeof(err)), 0);
	assert_int_equal(pages, 1);
	assert_int_equal(fx_count(&out, "/TrimBox"), 1);
	assert_int_equal(fx_count(&out, "99 0 obj"), 1);
	tc_buf_release(&out);
	tc_buf_release(&in);
}

static void
test_refusals(void **state)
{
	struct tc_buf in, out, cut;
	struct tc_pdfbox *x = (struct tc_pdfbox *)1;
	size_t pages, n = 0;
	char err[256];

	(void)state;
	tc_buf_init(&in, 0);
	make_pdf(&in, 1, NULL, 0);
	/* A broken tail: refused, nothing appended. */
	tc_buf_init(&cut, 0);
	assert_int_equal(tc_buf_put(&cut, in.data, in.len - 12), 0);
	tc_buf_init(&out, 0);
	err[0] = '\0';
	assert_int_equal(
	    filter(&cut, 50, 5.669, &out, &pages, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "cross-reference table"));
	assert_int_equal(out.len, cut.len);
	assert_int_equal(pages, 0);
	tc_buf_release(&out);
	/* An inset wider than half the page. */
	tc_buf_init(&out, 0);
	assert_int_equal(filter(&in, 50, 90, &out, &pages, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "no MediaBox the bleed fits in"));
	assert_int_equal(out.len, in.len);
	tc_buf_release(&out);
	/* Not a PDF at all: no pages, passed on as it is. */
	tc_buf_init(&out, 0);
	assert_int_equal(
	    filter(&cut, 1 << 20, 0, &out, &pages, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	tc_buf_truncate(&cut, 0);
	assert_int_equal(tc_buf_puts(&cut, "hello\nworld"), 0);
	tc_buf_truncate(&out, 0);
	assert_int_equal(
	    filter(&cut, 1 << 20, 0, &out, &pages, err, sizeof(err)), 0);
	assert_int_equal(out.len, 11);
	tc_buf_release(&out);
	tc_buf_release(&cut);
	/* A writer that refuses stops the filter. */
	assert_int_equal(tc_pdfbox_new(&x, 1, refuse, &n), 0);
	assert_int_equal(tc_pdfbox_write(x, in.data, 80), 0);
	assert_int_equal(tc_pdfbox_write(x, in.data + 80, 80), TC_ERR_IO);
	assert_int_equal(tc_pdfbox_write(x, in.data + 160, 1), TC_ERR_IO);
	assert_int_equal(tc_pdfbox_finish(x, err, sizeof(err)), TC_ERR_IO);
	tc_pdfbox_free(x);
	/* Bad arguments. */
	assert_int_equal(tc_pdfbox_new(&x, -1, sink, &out), TC_ERR_INVALID_ARG);
	assert_null(x);
	assert_int_equal(tc_pdfbox_new(&x, 1, NULL, &out), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_pdfbox_new(NULL, 1, sink, &out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_pdfbox_write(NULL, in.data, 1), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_pdfbox_finish(NULL, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_pdfbox_pages(NULL), 0);
	tc_pdfbox_free(NULL);
	tc_buf_release(&in);
}

#define TESTS(X, XF)                                                           \
	X(test_pages)                                                          \
	X(test_fake_page)                                                      \
	X(test_refusals)

TC_UNIT_MAIN(TESTS, NULL, NULL)
