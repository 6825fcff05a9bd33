/* SPDX-License-Identifier: MIT */
/*
 * QR codes for e-cards: tc_qr_encode turns a text (the "TC1:" credential
 * text of include/tcard/credential.h) into a QR code symbol at error
 * correction level Q through libqrencode, which picks the alphanumeric mode
 * for runs of Base45 characters and the smallest version that fits. The
 * symbol is a square matrix of modules; tc_qr_png renders it as a 1-bit
 * greyscale PNG through libpng and tc_qr_svg as one SVG path, both with the
 * standard quiet zone of TC_QR_QUIET_ZONE modules on every side (ISO/IEC
 * 18004). Nothing here prints or touches files: the images are appended to
 * a struct tc_buf.
 */
#ifndef TCARD_QR_H
#define TCARD_QR_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

#define TC_QR_QUIET_ZONE 4    /* modules of white border on every side */
#define TC_QR_MAX_TEXT	 2048 /* longest text tc_qr_encode accepts */
#define TC_QR_MAX_MODULE 64   /* largest module size in pixels */
#define TC_QR_DEFAULT_PX 8    /* module size used by tcard-issuer qr */
/*
 * Alphanumeric characters that version 10 (57 x 57 modules) holds at level
 * Q (ISO/IEC 18004 table 7); an e-card text up to this long prints as a
 * version 10 code or smaller.
 */
#define TC_QR_V10Q_ALNUM 221

/* A QR code symbol: size x size modules, row by row. */
struct tc_qr {
	int version;	  /* 1..40 */
	int size;	  /* modules per side, 17 + 4 * version */
	uint8_t *modules; /* size * size bytes, 1 = dark, 0 = light */
};

/*
 * Encodes text (a NUL-terminated string of at most TC_QR_MAX_TEXT bytes) at
 * level Q, case-sensitive, in the smallest version that holds it. On success
 * qr holds the symbol; free it with tc_qr_release(). Returns 0 or
 *   TC_ERR_INVALID_ARG  NULL argument or empty text;
 *   TC_ERR_TOO_LARGE    the text is longer than TC_QR_MAX_TEXT or does not
 *                       fit version 40;
 *   TC_ERR_NOMEM, TC_ERR_INTERNAL (libqrencode failed otherwise).
 */
int tc_qr_encode(
    struct tc_qr *qr /* OUT */, const char *text, char *err, size_t errlen);

/* Frees the modules of qr (a zeroed or released qr is fine). */
void tc_qr_release(struct tc_qr *qr);

/*
 * Appends a PNG image of qr to out: 1-bit greyscale, not interlaced,
 * (size + 2 * TC_QR_QUIET_ZONE) * module_px pixels square, dark modules
 * black. module_px is 1..TC_QR_MAX_MODULE. On failure out is as it was.
 * Returns 0 or TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE (out's cap),
 * TC_ERR_NOMEM, TC_ERR_INTERNAL (libpng failed).
 */
int tc_qr_png(struct tc_buf *out, const struct tc_qr *qr, int module_px,
    char *err, size_t errlen);

/*
 * Appends an SVG 1.1 document of qr to out: a white background and one
 * black path of unit squares (horizontal runs merged), viewBox in modules
 * including the quiet zone, shape-rendering="crispEdges". On failure out is
 * as it was. Returns 0 or TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE,
 * TC_ERR_NOMEM.
 */
int tc_qr_svg(
    struct tc_buf *out, const struct tc_qr *qr, char *err, size_t errlen);

#endif
