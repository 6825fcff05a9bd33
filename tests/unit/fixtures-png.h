/* SPDX-License-Identifier: MIT */
/*
 * Reading back the PNG images the unit tests make (test-qr.c,
 * test-cardface.c, test-totp.c): the text of the QR code in an image,
 * decoded with zbar as a phone or a scanner at the window would. A PNG
 * chunk's big-endian fields are read with tc_be32_get (tcard/buf.h).
 */
#ifndef TC_FIXTURES_PNG_H
#define TC_FIXTURES_PNG_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zbar.h>

#include "tcard/buf.h"

/*
 * Decodes the QR code in the PNG in b with zbar; returns its text (the
 * caller frees it) or NULL when the image has none or does not decode.
 */
static __attribute__((unused)) char *
fx_zbar_read(const struct tc_buf *b)
{
	png_image img;
	uint8_t *pix;
	zbar_image_scanner_t *sc;
	zbar_image_t *zi;
	const zbar_symbol_t *sym;
	char *text = NULL;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, b->data, b->len))
		return NULL;
	img.format = PNG_FORMAT_GRAY;
	pix = malloc(PNG_IMAGE_SIZE(img));
	if (pix == NULL || !png_image_finish_read(&img, NULL, pix, 0, NULL)) {
		free(pix);
		png_image_free(&img);
		return NULL;
	}
	sc = zbar_image_scanner_create();
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zi = zbar_image_create();
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, img.width, img.height);
	zbar_image_set_data(zi, pix, PNG_IMAGE_SIZE(img), NULL);
	if (zbar_scan_image(sc, zi) > 0 &&
	    (sym = zbar_image_first_symbol(zi)) != NULL)
		text = strdup(zbar_symbol_get_data(sym));
	zbar_image_destroy(zi);
	zbar_image_scanner_destroy(sc);
	free(pix);
	return text;
}

#endif
