/* SPDX-License-Identifier: MIT */
/*
 * The one PNG writer of the library (src/pngout.h): a libpng write struct
 * whose output goes to a tc_buf and whose errors come back by longjmp.
 */
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/err.h"
#include "pngout.h"

struct sink {
	struct tc_buf *out;
	int rc;
	char msg[128];
};

static void
sink_write(png_structp png, png_bytep data, size_t len)
{
	struct sink *s = png_get_io_ptr(png);
	int r;

	if ((r = tc_buf_put(s->out, data, len)) != 0) {
		s->rc = r;
		png_error(png, "output buffer full");
	}
}

static void
sink_flush(png_structp png)
{
	(void)png;
}

static void
sink_fail(png_structp png, png_const_charp msg)
{
	struct sink *s = png_get_error_ptr(png);

	if (s->rc == 0)
		s->rc = TC_ERR_INTERNAL;
	snprintf(s->msg, sizeof(s->msg), "%s", msg);
	png_longjmp(png, 1);
}

/* Warnings say nothing the image's reader needs; they are dropped. */
static void
sink_warn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

int
tc_png_write(struct tc_buf *out, const struct tc_png_spec *spec,
    tc_png_row_fn *row_fn, void *arg, const char *what, char *err,
    size_t errlen)
{
	struct sink sink;
	png_structp png = NULL;
	png_infop info = NULL;
	uint8_t *volatile row = NULL;
	size_t start = out->len, rowbytes;
	int channels = spec->color == TC_PNG_RGB ? 3 : 1, y;
	png_uint_32 ppm;

	rowbytes =
	    ((size_t)spec->width * (size_t)channels * (size_t)spec->bit_depth +
		7) /
	    8;
	memset(&sink, 0, sizeof(sink));
	sink.out = out;
	png = png_create_write_struct(
	    PNG_LIBPNG_VER_STRING, &sink, sink_fail, sink_warn);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL ||
	    (row = malloc(rowbytes)) == NULL) {
		png_destroy_write_struct(&png, &info);
		free(row);
		return tc_seterr(
		    err, errlen, TC_ERR_NOMEM, "%sout of memory", what);
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		tc_buf_truncate(out, start);
		return tc_seterr(
		    err, errlen, sink.rc, "%sPNG: %s", what, sink.msg);
	}
	png_set_write_fn(png, &sink, sink_write, sink_flush);
	png_set_IHDR(png, info, (png_uint_32)spec->width,
	    (png_uint_32)spec->height, spec->bit_depth,
	    spec->color == TC_PNG_RGB ? PNG_COLOR_TYPE_RGB
				      : PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	if (spec->srgb)
		png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
	if (spec->dpi > 0) {
		ppm = (png_uint_32)lround(spec->dpi / 0.0254);
		png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
	}
	png_set_compression_level(png, spec->level);
	png_set_filter(png, 0, spec->filter);
	png_write_info(png, info);
	for (y = 0; y < spec->height; y++) {
		row_fn(arg, y, row);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	return 0;
}
