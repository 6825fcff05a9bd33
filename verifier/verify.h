/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of tcard-verify between its entry point
 * (tcard-verify.c) and its helpers (verify-*.c): reading bounded files and
 * reading the QR text out of a PNG image with libpng and zbar.
 */
#ifndef TCARD_VERIFY_H
#define TCARD_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

#define TC_VERIFY_IMAGE_MAX 4096 /* widest and tallest image read */

/*
 * Reads the whole file at path (at most cap bytes) into out. Returns 0,
 * TC_ERR_IO (err says why), TC_ERR_TOO_LARGE or TC_ERR_NOMEM.
 */
int tc_verify_read_file(
    const char *path, size_t cap, struct tc_buf *out, char *err, size_t errlen);

/*
 * Decodes the PNG at path into 8-bit grey (refusing images over
 * TC_VERIFY_IMAGE_MAX in either direction), scans it with zbar and appends
 * the data of the first QR code symbol to out (cap applies). Returns 0,
 * TC_ERR_IO (unreadable, not a PNG), TC_ERR_TOO_LARGE, TC_ERR_NOT_FOUND
 * (no QR code in the image) or TC_ERR_NOMEM.
 */
int tc_verify_read_image(
    const char *path, struct tc_buf *out, char *err, size_t errlen);

/*
 * tcard-verify --reader NAME (verify-reader.c): tap verification of the
 * card in a PC/SC reader. Takes the whole argv; returns an exit status.
 */
int tc_verify_reader_main(int argc, char **argv);

#endif
