/* SPDX-License-Identifier: MIT */
/*
 * Inputs of tcard-verify: bounded whole-file reads (trust list, revocation
 * list) and QR images: a PNG decoded with libpng's simplified API into 8-bit
 * grey (Y800), then scanned with zbar for a QR code. Images larger than
 * 4096 x 4096 are refused before any pixel buffer is allocated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zbar.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "verify.h"

int
tc_verify_read_file(
    const char *path, size_t cap, struct tc_buf *out, char *err, size_t errlen)
{
	return tc_file_read(path, NULL, cap, 0, out, err, errlen);
}

int
tc_verify_read_image(
    const char *path, struct tc_buf *out, char *err, size_t errlen)
{
	png_image img;
	zbar_image_scanner_t *sc = NULL;
	zbar_image_t *zi = NULL;
	const zbar_symbol_t *sym;
	uint8_t *px = NULL;
	size_t size;
	int r = TC_ERR_INTERNAL;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (png_image_begin_read_from_file(&img, path) == 0) {
		r = tc_seterr(err, errlen, TC_ERR_IO,
		    "%s: not a readable PNG (%s)", path, img.message);
		goto out;
	}
	if (img.width == 0 || img.height == 0 ||
	    img.width > TC_VERIFY_IMAGE_MAX ||
	    img.height > TC_VERIFY_IMAGE_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: image of %ux%u pixels; at most %dx%d accepted", path,
		    img.width, img.height, TC_VERIFY_IMAGE_MAX,
		    TC_VERIFY_IMAGE_MAX);
		goto out;
	}
	img.format = PNG_FORMAT_GRAY;
	size = PNG_IMAGE_SIZE(img);
	if ((px = malloc(size)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if (png_image_finish_read(&img, NULL, px, 0, NULL) == 0) {
		r = tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", path, img.message);
		goto out;
	}
	if ((sc = zbar_image_scanner_create()) == NULL ||
	    (zi = zbar_image_create()) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, img.width, img.height);
	zbar_image_set_data(zi, px, size, NULL);
	if (zbar_scan_image(sc, zi) < 0) {
		r = tc_seterr(err, errlen, TC_ERR_IO, "%s: zbar failed", path);
		goto out;
	}
	for (sym = zbar_image_first_symbol(zi); sym != NULL;
	     sym = zbar_symbol_next(sym))
		if (zbar_symbol_get_type(sym) == ZBAR_QRCODE)
			break;
	if (sym == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: no QR code found in the image", path);
		goto out;
	}
	if ((r = tc_buf_put(out, zbar_symbol_get_data(sym),
		 zbar_symbol_get_data_length(sym))) != 0) {
		r = tc_seterr(
		    err, errlen, r, "%s: QR data: %s", path, tc_strerror(r));
		goto out;
	}
	r = 0;
out:
	if (zi != NULL)
		zbar_image_destroy(zi);
	if (sc != NULL)
		zbar_image_scanner_destroy(sc);
	png_image_free(&img);
	free(px);
	return r;
}
