/* SPDX-License-Identifier: MIT */
/*
 * QR code symbols and their images (include/tcard/qr.h). libqrencode makes
 * the symbol at level Q with its own mode optimiser (alphanumeric for the
 * Base45 text); the PNG is written by the library's one PNG writer
 * (src/pngout.h), one packed 1-bit row at a time; the SVG is one path with
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
#include "pngout.h"

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

struct qr_rows {
	const struct tc_qr *qr;
	int module_px, dim, rowbytes;
};

/* One row of the image: 1-bit greyscale, 1 is white, 0 is black. */
static void
qr_row(void *arg, int y, uint8_t *row)
{
	const struct qr_rows *q = arg;
	int x, mx, my;

	memset(row, 0xff, (size_t)q->rowbytes);
	my = y / q->module_px - TC_QR_QUIET_ZONE;
	if (my < 0 || my >= q->qr->size)
		return;
	for (x = 0; x < q->dim; x++) {
		mx = x / q->module_px - TC_QR_QUIET_ZONE;
		if (mx >= 0 && mx < q->qr->size &&
		    q->qr->modules[my * q->qr->size + mx])
			row[x / 8] &= (uint8_t) ~(0x80 >> (x % 8));
	}
}

int
tc_qr_png(struct tc_buf *out, const struct tc_qr *qr, int module_px, char *err,
    size_t errlen)
{
	struct tc_png_spec spec;
	struct qr_rows q;

	if (out == NULL || !valid_qr(qr) || module_px < 1 ||
	    module_px > TC_QR_MAX_MODULE)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "qr: bad symbol or module size");
	q.qr = qr;
	q.module_px = module_px;
	q.dim = (qr->size + 2 * TC_QR_QUIET_ZONE) * module_px;
	q.rowbytes = (q.dim + 7) / 8;
	memset(&spec, 0, sizeof(spec));
	spec.width = spec.height = q.dim;
	spec.bit_depth = 1;
	spec.color = TC_PNG_GREY;
	/* Level 9 is ten times slower on the repeated rows, and no smaller. */
	spec.level = 6;
	spec.filter = PNG_FILTER_NONE;
	return tc_png_write(out, &spec, qr_row, &q, "qr: ", err, errlen);
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
