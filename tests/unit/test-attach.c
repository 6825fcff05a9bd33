/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of attachment sniffing (src/attach.c): each format recognised
 * with its size, the 4 MB limit at its edge, names that disagree with the
 * content, allowed-format masks, and broken files of every format (cut
 * short, bad CRC, segments past the end, a ZIP that is not Word, an OLE2
 * file without WordDocument). The PNG fixture was also checked with
 * Python's zlib/struct decoder when written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "fixtures-attach.h"
#include "tcard/attach.h"
#include "tcard/err.h"

static void
expect(const struct tc_buf *b, int code, enum tc_media m, uint32_t w,
    uint32_t h, const char *msgpart)
{
	struct tc_attach_info info;
	char msg[256] = "";
	int r;

	r = tc_attach_sniff(b->data, b->len, &info, msg, sizeof(msg));
	if (r != code)
		fail_msg("expected %d, got %d (%s)", code, r, msg);
	if (code == 0) {
		assert_int_equal(info.media, m);
		assert_int_equal(info.width, w);
		assert_int_equal(info.height, h);
	} else {
		assert_int_equal(info.media, 0);
		if (msgpart != NULL && strstr(msg, msgpart) == NULL)
			fail_msg("'%s' lacks '%s'", msg, msgpart);
	}
}

static void
test_formats(void **state)
{
	struct tc_buf b;

	fx_png(&b, 358, 441);
	expect(&b, 0, TC_MEDIA_PNG, 358, 441, NULL);
	tc_buf_release(&b);
	fx_gif(&b, 358, 441);
	expect(&b, 0, TC_MEDIA_GIF, 358, 441, NULL);
	tc_buf_release(&b);
	fx_jpeg(&b, 358, 441);
	expect(&b, 0, TC_MEDIA_JPEG, 358, 441, NULL);
	tc_buf_release(&b);
	fx_pdf(&b);
	expect(&b, 0, TC_MEDIA_PDF, 0, 0, NULL);
	tc_buf_release(&b);
	fx_doc(&b);
	expect(&b, 0, TC_MEDIA_DOC, 0, 0, NULL);
	tc_buf_release(&b);
	fx_docx(&b);
	expect(&b, 0, TC_MEDIA_DOCX, 0, 0, NULL);
	tc_buf_release(&b);
	assert_string_equal(tc_media_name(TC_MEDIA_JPEG), "jpg");
	assert_string_equal(tc_media_type(TC_MEDIA_DOCX),
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_string_equal(tc_media_name(0), "unknown");
}

static void
test_size_limit(void **state)
{
	static const char tail[] = "\n%%EOF\n";
	struct tc_buf b;

	/* A PDF of exactly 4 MiB passes; one byte more does not. */
	tc_buf_init(&b, 8u << 20);
	tc_buf_puts(&b, "%PDF-1.4\n");
	while (b.len < TC_ATTACH_MAX - (sizeof(tail) - 1))
		tc_buf_put_u8(&b, ' ');
	tc_buf_puts(&b, tail);
	assert_int_equal(b.len, TC_ATTACH_MAX);
	expect(&b, 0, TC_MEDIA_PDF, 0, 0, NULL);
	tc_buf_put_u8(&b, '\n');
	expect(&b, TC_ERR_TOO_LARGE, 0, 0, 0, "4194305 bytes");
	tc_buf_release(&b);
}

static void
test_broken(void **state)
{
	struct tc_buf b;

	/* PNG: cut, bad CRC, zero width, no IEND, chunk past the end. */
	fx_png(&b, 10, 10);
	tc_buf_truncate(&b, 20);
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "IHDR");
	tc_buf_release(&b);
	fx_png(&b, 10, 10);
	b.data[17] ^= 1;
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "CRC");
	tc_buf_release(&b);
	fx_png(&b, 0, 10);
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "0 x 10");
	tc_buf_release(&b);
	fx_png(&b, 10, 10);
	tc_buf_truncate(&b, b.len - 12);
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "IEND");
	tc_buf_release(&b);
	fx_png(&b, 10, 10);
	b.data[33] = 0x7f; /* IDAT length huge */
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "runs past the end");
	tc_buf_release(&b);
	/* GIF: cut inside the screen descriptor, no trailer, zero size. */
	fx_gif(&b, 5, 5);
	tc_buf_truncate(&b, 9);
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "logical screen");
	tc_buf_release(&b);
	fx_gif(&b, 5, 5);
	tc_buf_truncate(&b, b.len - 1);
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "trailer");
	tc_buf_release(&b);
	fx_gif(&b, 0, 5);
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "0 x 5");
	tc_buf_release(&b);
	/* JPEG: cut before SOF, a segment past the end, SOS first, DNL. */
	fx_jpeg(&b, 5, 5);
	tc_buf_truncate(&b, 30);
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "runs past the end");
	tc_buf_release(&b);
	fx_jpeg(&b, 5, 5);
	tc_buf_truncate(&b, 2 + 18);
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "before a frame header");
	tc_buf_release(&b);
	tc_buf_init(&b, 0);
	tc_buf_put(&b, "\xff\xd8\xff\xda\x00\x02", 6);
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "start of scan");
	tc_buf_release(&b);
	fx_jpeg(&b, 5, 0);
	expect(&b, TC_ERR_UNSUPPORTED, 0, 0, 0, "DNL");
	tc_buf_release(&b);
	tc_buf_init(&b, 0);
	tc_buf_put(&b, "\xff\xd8\xff\xe0\x00\x01", 6);
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "too short");
	tc_buf_release(&b);
	tc_buf_init(&b, 0);
	tc_buf_put(&b, "\xff\xd8\xff\xc0\x00\x08\x08\x00\x05\x00\x05\x03", 12);
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "components");
	tc_buf_release(&b);
	/* PDF without %%EOF, or with a bad version. */
	tc_buf_init(&b, 0);
	tc_buf_puts(&b, "%PDF-1.7\n1 0 obj\n");
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "%%EOF");
	tc_buf_release(&b);
	tc_buf_init(&b, 0);
	tc_buf_puts(&b, "%PDF-x.7\n%%EOF");
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "version");
	tc_buf_release(&b);
	/* DOC: the header alone; a non-Word OLE2 file. */
	fx_doc(&b);
	tc_buf_truncate(&b, 300);
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "512 bytes");
	tc_buf_release(&b);
	fx_doc(&b);
	b.data[512 + 128] = 'X';
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "WordDocument");
	tc_buf_release(&b);
	fx_doc(&b);
	b.data[30] = 12;
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "version 3 or 4");
	tc_buf_release(&b);
	/* DOCX: a ZIP without word/document.xml; cut; ZIP64; bad offset. */
	{
		static const char *const names[] = { "xl/workbook.xml" };

		fx_zip(&b, names, 1);
		expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "not a Word");
		tc_buf_release(&b);
	}
	fx_docx(&b);
	tc_buf_truncate(&b, b.len - 10);
	expect(&b, TC_ERR_TRUNCATED, 0, 0, 0, "end of central directory");
	tc_buf_release(&b);
	fx_docx(&b);
	memset(b.data + b.len - 6, 0xff, 4);
	expect(&b, TC_ERR_UNSUPPORTED, 0, 0, 0, "ZIP64");
	tc_buf_release(&b);
	fx_docx(&b);
	b.data[b.len - 3] = 0x7f;
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "outside the archive");
	tc_buf_release(&b);
	{
		static const char *const names[] = { "a.xml", "b.xml" };

		fx_zip(&b, names, 2);
		b.data[b.len - 12] = 9; /* 9 entries claimed */
		expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "entry 3");
	}
	tc_buf_release(&b);
	/* Unknown and empty. */
	tc_buf_init(&b, 0);
	tc_buf_puts(&b, "MZ\x90\x00 not a document");
	expect(&b, TC_ERR_UNSUPPORTED, 0, 0, 0, "not a GIF");
	tc_buf_release(&b);
	tc_buf_init(&b, 0);
	expect(&b, TC_ERR_MALFORMED, 0, 0, 0, "empty");
	tc_buf_release(&b);
}

static void
test_check_names(void **state)
{
	struct tc_attach_info info;
	struct tc_buf png, pdf;
	char msg[256];

	fx_png(&png, 358, 441);
	fx_pdf(&pdf);
	assert_int_equal(tc_attach_check("photo.png", png.data, png.len, 0,
			     &info, msg, sizeof(msg)),
	    0);
	assert_int_equal(tc_attach_check("dir.x/PHOTO.PNG", png.data, png.len,
			     0, &info, msg, sizeof(msg)),
	    0);
	assert_int_equal(tc_attach_check("photo", png.data, png.len, 0, &info,
			     msg, sizeof(msg)),
	    0);
	assert_int_equal(tc_attach_check("photo.jpg", png.data, png.len, 0,
			     &info, msg, sizeof(msg)),
	    TC_ERR_UNSUPPORTED);
	assert_non_null(strstr(msg, "content is png"));
	assert_int_equal(tc_attach_check("contract.pdf.exe", pdf.data, pdf.len,
			     0, &info, msg, sizeof(msg)),
	    TC_ERR_UNSUPPORTED);
	assert_int_equal(tc_attach_check("scan.jpeg", png.data, png.len, 0,
			     &info, msg, sizeof(msg)),
	    TC_ERR_UNSUPPORTED);
	/* Baiyun's formats: gif, jpg, pdf, doc. */
	assert_int_equal(
	    tc_attach_check("photo.png", png.data, png.len,
		TC_MEDIA_BIT(TC_MEDIA_GIF) | TC_MEDIA_BIT(TC_MEDIA_JPEG) |
		    TC_MEDIA_BIT(TC_MEDIA_PDF) | TC_MEDIA_BIT(TC_MEDIA_DOC),
		&info, msg, sizeof(msg)),
	    TC_ERR_UNSUPPORTED);
	assert_non_null(strstr(msg, "allowed: gif, jpg, pdf, doc"));
	assert_int_equal(info.media, 0);
	assert_int_equal(
	    tc_attach_check("a.pdf", pdf.data, pdf.len,
		TC_MEDIA_BIT(TC_MEDIA_PDF), &info, msg, sizeof(msg)),
	    0);
	tc_buf_release(&png);
	tc_buf_release(&pdf);
}

/* tc_media_parse takes name as the media want. */
static void
media_is(const char *name, enum tc_media want)
{
	enum tc_media m;

	assert_int_equal(tc_media_parse(name, &m), 0);
	assert_int_equal(m, want);
}

static void
test_media_parse(void **state)
{
	enum tc_media m;

	media_is("JPEG", TC_MEDIA_JPEG);
	media_is("jpg", TC_MEDIA_JPEG);
	media_is("image/png", TC_MEDIA_PNG);
	media_is("docx", TC_MEDIA_DOCX);
	assert_int_equal(tc_media_parse("exe", &m), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_media_parse(NULL, &m), TC_ERR_INVALID_ARG);
}

#define TESTS(X, XF)                                                           \
	X(test_formats)                                                        \
	X(test_size_limit)                                                     \
	X(test_broken)                                                         \
	X(test_check_names)                                                    \
	X(test_media_parse)

TC_UNIT_MAIN(TESTS, NULL, NULL)
