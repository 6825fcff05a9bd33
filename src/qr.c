/* SPDX-License-Identifier: MIT */
/*
 * QR code symbols and their images (include/tcard/qr.h). libqrencode makes
 * the symbol at level Q with its own mode optimiser (alphanumeric for the
 * Base45 text); the PNG is written by libpng into a tc_buf through
 * png_set_write_fn, one packed 1-bit row at a time, with libpng's error
 * handler turned into a longjmp back to tc_qr_png; the SVG is one path with
 * the dark runs of every row.
 */
#include <errno.h>
#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/qr.h"

int
tc_qr_encode(struct tc_qr *qr, const char *text, char *err, size_t errlen)
{
	QRcode *code;
	size_t n, i;

	if (qr == NULL || text == NULL || text[0] == '\0')
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "qr: no text to encode");
	memset(qr, 0, sizeof(*qr));
	if (strlen(text) > TC_QR_MAX_TEXT)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "qr: text longer than %d characters", TC_QR_MAX_TEXT);
	errno = 0;
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
	if (code == NULL) {
		if (errno == ERANGE)
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "qr: text does not fit a QR code at level Q");
		if (errno == ENOMEM)
			return tc_seterr(
			    err, errlen, TC_ERR_NOMEM, "qr: out of memory");
		return tc_seterr(
		    err, errlen, TC_ERR_INTERNAL, "qr: libqrencode failed");
	}
	n = (size_t)code->width * (size_t)code->width;
	if ((qr->modules = malloc(n)) == NULL) {
		QRcode_free(code);
		return tc_seterr(
		    err, errlen, TC_ERR_NOMEM, "qr: out of memory");
	}
	for (i = 0; i < n; i++)
		qr->modules[i] = code->data[i] & 1;
	qr->version = code->version;
	qr->size = code->width;
	QRcode_free(code);
	return 0;
}

void
tc_qr_release(struct tc_qr *qr)
{
	if (qr == NULL)
		return;
	free(qr->modules);
	memset(qr, 0, sizeof(*qr));
}

static int
valid_qr(const struct tc_qr *qr)
{
	return qr != NULL && qr->modules != NULL && qr->size >= 21 &&
	    qr->size <= 177;
}

struct png_sink {
	struct tc_buf *out;
	int rc;
	char msg[128];
};

static void
png_write(png_structp png, png_bytep data, size_t len)
{
	struct png_sink *s = png_get_io_ptr(png);
	int r;

	if ((r = tc_buf_put(s->out, data, len)) != 0) {
		s->rc = r;
		png_error(png, "output buffer full");
	}
}

static void
png_flush(png_structp png)
{
	(void)png;
}

static void
png_fail(png_structp png, png_const_charp msg)
{
	struct png_sink *s = png_get_error_ptr(png);

	if (s->rc == 0)
		s->rc = TC_ERR_INTERNAL;
	snprintf(s->msg, sizeof(s->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void
png_warn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

int
tc_qr_png(struct tc_buf *out, const struct tc_qr *qr, int module_px, char *err,
    size_t errlen)
{
	struct png_sink sink;
	png_structp png = NULL;
	png_infop info = NULL;
	uint8_t *volatile row = NULL;
	size_t start;
	int dim, rowbytes, y, x, my, mx;

	if (out == NULL || !valid_qr(qr) || module_px < 1 ||
	    module_px > TC_QR_MAX_MODULE)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "qr: bad symbol or module size");
	start = out->len;
	memset(&sink, 0, sizeof(sink));
	sink.out = out;
	dim = (qr->size + 2 * TC_QR_QUIET_ZONE) * module_px;
	rowbytes = (dim + 7) / 8;
	png = png_create_write_struct(
	    PNG_LIBPNG_VER_STRING, &sink, png_fail, png_warn);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL ||
	    (row = malloc((size_t)rowbytes)) == NULL) {
		png_destroy_write_struct(&png, &info);
		free(row);
		return tc_seterr(
		    err, errlen, TC_ERR_NOMEM, "qr: out of memory");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		tc_buf_truncate(out, start);
		return tc_seterr(err, errlen, sink.rc, "qr: PNG: %s", sink.msg);
	}
	png_set_write_fn(png, &sink, png_write, png_flush);
	png_set_IHDR(png, info, (png_uint_32)dim, (png_uint_32)dim, 1,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* Level 9 is ten times slower on the repeated rows, and no smaller. */
	png_set_compression_level(png, 6);
	png_set_filter(png, 0, PNG_FILTER_NONE);
	png_write_info(png, info);
	for (y = 0; y < dim; y++) {
		/* 1-bit greyscale: 1 is white, 0 is black. */
		memset(row, 0xff, (size_t)rowbytes);
		my = y / module_px - TC_QR_QUIET_ZONE;
		if (my >= 0 && my < qr->size) {
			for (x = 0; x < dim; x++) {
				mx = x / module_px - TC_QR_QUIET_ZONE;
				if (mx >= 0 && mx < qr->size &&
				    qr->modules[my * qr->size + mx])
					row[x / 8] &=
					    (uint8_t) ~(0x80 >> (x % 8));
			}
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	return 0;
}

int
tc_qr_svg(struct tc_buf *out, const struct tc_qr *qr, char *err, size_t errlen)
{
	size_t start;
	int dim, y, x, run, r = 0;

	if (out == NULL || !valid_qr(qr))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "qr: bad symbol");
	start = out->len;
	dim = qr->size + 2 * TC_QR_QUIET_ZONE;
	r = tc_buf_printf(out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">\n"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
	    "<path fill=\"#000\" d=\"",
	    dim, dim, dim * TC_QR_DEFAULT_PX, dim * TC_QR_DEFAULT_PX, dim, dim);
	for (y = 0; r == 0 && y < qr->size; y++) {
		for (x = 0; r == 0 && x < qr->size; x++) {
			if (!qr->modules[y * qr->size + x])
				continue;
			for (run = 1; x + run < qr->size &&
			     qr->modules[y * qr->size + x + run];
			     run++)
				;
			r = tc_buf_printf(out, "M%d %dh%dv1h-%dz",
			    x + TC_QR_QUIET_ZONE, y + TC_QR_QUIET_ZONE, run,
			    run);
			x += run - 1;
		}
	}
	if (r == 0)
		r = tc_buf_puts(out, "\"/>\n</svg>\n");
	if (r != 0) {
		tc_buf_truncate(out, start);
		return tc_seterr(err, errlen, r, "qr: SVG: %s", tc_strerror(r));
	}
	return 0;
}
