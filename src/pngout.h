/* SPDX-License-Identifier: MIT */
/*
 * The one PNG writer of libtcard, private to the library (the QR image of
 * src/qr.c and the card faces of src/cardface.c): libpng writes into a
 * tc_buf through png_set_write_fn, a row at a time from the caller's row
 * function, with libpng's error handler turned into a longjmp back here, so
 * a failure anywhere (the buffer's cap included) leaves the buffer as it
 * was. Named pngout.h so that it is never taken for libpng's <png.h>.
 */
#ifndef TCARD_PNGOUT_H
#define TCARD_PNGOUT_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

enum tc_png_color {
	TC_PNG_GREY, /* bit_depth 1 or 8 */
	TC_PNG_RGB,  /* bit_depth 8: three bytes a pixel */
};

struct tc_png_spec {
	int width;
	int height;
	int bit_depth;
	enum tc_png_color color;
	/* zlib level 0..9 and libpng filter (PNG_FILTER_NONE, ..._SUB). */
	int level;
	int filter;
	/* Pixels per inch as a pHYs chunk, 0 for none. */
	int dpi;
	/* Write an sRGB chunk (perceptual intent). */
	int srgb;
};

/*
 * Fills row y (0 .. height - 1) of the image; row has
 * (width * channels * bit_depth + 7) / 8 bytes and holds garbage on entry.
 */
typedef void tc_png_row_fn(void *arg, int y, uint8_t *row);

/*
 * Appends the PNG image that spec and row_fn describe to out. what starts
 * every message ("qr: ", or "" for none). Returns 0, or with out as it was:
 *   TC_ERR_NOMEM       "<what>out of memory" (libpng or the row);
 *   TC_ERR_TOO_LARGE   out's cap, "<what>PNG: output buffer full";
 *   TC_ERR_INTERNAL    libpng refused, "<what>PNG: <libpng's message>".
 */
int tc_png_write(struct tc_buf *out, const struct tc_png_spec *spec,
    tc_png_row_fn *row_fn, void *arg, const char *what, char *err,
    size_t errlen);

#endif
