/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of QR symbols and images (src/qr.c): a 221-character Base45
 * text fits version 10 at level Q and one more character needs version 11; the PNG header states the size the
 * quiet zone and module size give; the PNG, read back with libpng's
 * simplified API and scanned by zbar, yields exactly the encoded text; the
 * SVG has one path and the crispEdges hint; bad arguments are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <zbar.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/qr.h"

#include "fixtures-png.h"

static const char b45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* A "TC1:" text of n characters in total, Base45 alphabet, fixed pattern. */
static void
make_text(char *t, size_t n)
{
	size_t i;

	memcpy(t, "TC1:", 4);
	for (i = 4; i < n; i++)
		t[i] = b45[(i * 7 + 3) % 45];
	t[n] = '\0';
}

/*
 * ISO/IEC 18004 table 7: version 10 at level Q holds 221 alphanumeric
 * characters; one more needs version 11. A 230-character text therefore
 * cannot be version 10 at level Q; the e-card text has to stay at or below
 * 221 characters for that.
 */
static void
test_version_boundary(void **state)
{
	char text[231];
	struct tc_qr qr;

	(void)state;
	make_text(text, TC_QR_V10Q_ALNUM);
	assert_int_equal(tc_qr_encode(&qr, text, NULL, 0), 0);
	assert_int_equal(qr.version, 10);
	assert_int_equal(qr.size, 57);
	tc_qr_release(&qr);
	tc_qr_release(&qr); /* released twice is fine */
	make_text(text, TC_QR_V10Q_ALNUM + 1);
	assert_int_equal(tc_qr_encode(&qr, text, NULL, 0), 0);
	assert_int_equal(qr.version, 11);
	tc_qr_release(&qr);
	make_text(text, 230);
	assert_int_equal(tc_qr_encode(&qr, text, NULL, 0), 0);
	assert_int_equal(qr.version, 11);
	tc_qr_release(&qr);
}

static void
test_png_size_and_zbar(void **state)
{
	static const int px[] = { 1, 3, 4 };
	char text[201];
	struct tc_qr qr;
	struct tc_buf b;
	char *back;
	size_t i;
	uint32_t dim;

	(void)state;
	make_text(text, 200);
	assert_int_equal(tc_qr_encode(&qr, text, NULL, 0), 0);
	for (i = 0; i < sizeof(px) / sizeof(px[0]); i++) {
		tc_buf_init(&b, 0);
		assert_int_equal(tc_qr_png(&b, &qr, px[i], NULL, 0), 0);
		assert_true(b.len > 33);
		assert_memory_equal(b.data, "\x89PNG\r\n\x1a\n", 8);
		assert_memory_equal(b.data + 12, "IHDR", 4);
		dim = (uint32_t)((qr.size + 2 * TC_QR_QUIET_ZONE) * px[i]);
		assert_int_equal(tc_be32_get(b.data + 16), dim);
		assert_int_equal(tc_be32_get(b.data + 20), dim);
		assert_int_equal(b.data[24], 1); /* bit depth */
		assert_int_equal(b.data[25], 0); /* greyscale */
		if (px[i] >= 3) {
			back = fx_zbar_read(&b);
			assert_non_null(back);
			assert_string_equal(back, text);
			free(back);
		}
		tc_buf_release(&b);
	}
	tc_qr_release(&qr);
}

static void
test_png_cap(void **state)
{
	struct tc_qr qr;
	struct tc_buf b;

	(void)state;
	assert_int_equal(tc_qr_encode(&qr, "TC1:ABC", NULL, 0), 0);
	tc_buf_init(&b, 50);
	assert_int_equal(tc_buf_puts(&b, "x"), 0);
	assert_int_equal(tc_qr_png(&b, &qr, 4, NULL, 0), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 1);
	tc_buf_release(&b);
	tc_qr_release(&qr);
}

static void
test_svg(void **state)
{
	struct tc_qr qr;
	struct tc_buf b;
	char want[64];
	const char *p;

	(void)state;
	assert_int_equal(tc_qr_encode(&qr, "TC1:HELLO", NULL, 0), 0);
	tc_buf_init(&b, 0);
	assert_int_equal(tc_qr_svg(&b, &qr, NULL, 0), 0);
	assert_non_null(strstr((char *)b.data, "crispEdges"));
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", qr.size + 8,
	    qr.size + 8);
	assert_non_null(strstr((char *)b.data, want));
	p = strstr((char *)b.data, "<path");
	assert_non_null(p);
	assert_null(strstr(p + 1, "<path"));
	/* The finder pattern's top row starts at the quiet zone. */
	assert_non_null(strstr((char *)b.data, "M4 4h7v1h-7z"));
	tc_buf_release(&b);
	tc_qr_release(&qr);
}

static void
test_bad_args(void **state)
{
	struct tc_qr qr;
	struct tc_buf b;
	char *big;
	char err[128];

	(void)state;
	assert_int_equal(
	    tc_qr_encode(&qr, "", err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_qr_encode(NULL, "x", err, sizeof(err)), TC_ERR_INVALID_ARG);
	big = malloc(TC_QR_MAX_TEXT + 2);
	assert_non_null(big);
	memset(big, 'A', TC_QR_MAX_TEXT + 1);
	big[TC_QR_MAX_TEXT + 1] = '\0';
	assert_int_equal(
	    tc_qr_encode(&qr, big, err, sizeof(err)), TC_ERR_TOO_LARGE);
	free(big);
	assert_int_equal(tc_qr_encode(&qr, "TC1:A", NULL, 0), 0);
	tc_buf_init(&b, 0);
	assert_int_equal(
	    tc_qr_png(&b, &qr, 0, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_qr_png(&b, &qr, TC_QR_MAX_MODULE + 1, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_buf_release(&b);
	tc_qr_release(&qr);
	assert_int_equal(
	    tc_qr_svg(&b, &qr, err, sizeof(err)), TC_ERR_INVALID_ARG);
}

#define TESTS(X, XF)                                                           \
	X(test_version_boundary)                                               \
	X(test_png_size_and_zbar)                                              \
	X(test_png_cap)                                                        \
	X(test_svg)                                                            \
	X(test_bad_args)

TC_UNIT_MAIN(TESTS, NULL, NULL)
