/* SPDX-License-Identifier: MIT */
/*
 * Small, valid files of the six attachment formats, made in memory for
 * tests/unit/test-attach.c and test-application.c: a PNG of any size (a
 * real zlib-compressed white image) and a baseline JPEG header, both from
 * the library's demo/sample.h, a GIF, a PDF, an OLE2 compound
 * file with a WordDocument entry, and a ZIP with word/document.xml. Each
 * builder initialises a struct tc_buf (cap 8 MiB) and fills it.
 */
#ifndef TC_FIXTURES_ATTACH_H
#define TC_FIXTURES_ATTACH_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "tcard/buf.h"
#include "sample.h"

/* A white greyscale PNG of w x h pixels (tc_sample_png). */
static __attribute__((unused)) void
fx_png(struct tc_buf *b, uint32_t w, uint32_t h)
{
	tc_buf_init(b, 8u << 20);
	(void)tc_sample_png(b, w, h);
}

static __attribute__((unused)) void
fx_gif(struct tc_buf *b, uint16_t w, uint16_t h)
{
	static const uint8_t tail[] = { 0x00, 0x00, 0x2c, 0, 0, 0, 0, 1, 0, 1,
		0, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b };

	tc_buf_init(b, 8u << 20);
	tc_buf_puts(b, "GIF89a");
	tc_buf_put_u8(b, (uint8_t)w);
	tc_buf_put_u8(b, (uint8_t)(w >> 8));
	tc_buf_put_u8(b, (uint8_t)h);
	tc_buf_put_u8(b, (uint8_t)(h >> 8));
	tc_buf_put_u8(b, 0x00); /* no global colour table */
	tc_buf_put(b, tail, sizeof(tail));
}

/* SOI, APP0 (JFIF), DQT, SOF0 (w x h, 3 components), SOS, EOI
 * (tc_sample_jpeg). */
static __attribute__((unused)) void
fx_jpeg(struct tc_buf *b, uint16_t w, uint16_t h)
{
	tc_buf_init(b, 8u << 20);
	(void)tc_sample_jpeg(b, w, h);
}

static __attribute__((unused)) void
fx_pdf(struct tc_buf *b)
{
	tc_buf_init(b, 8u << 20);
	tc_buf_puts(b,
	    "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
	    "trailer << /Root 1 0 R >>\n%%EOF\n");
}

/* An OLE2 header (version 3, 512-byte sectors) and a directory sector
 * with a Root Entry and a WordDocument stream. */
static __attribute__((unused)) void
fx_doc(struct tc_buf *b)
{
	static const uint8_t sig[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1,
		0x1a, 0xe1 };
	static const char *const names[2] = { "Root Entry", "WordDocument" };
	uint8_t hdr[512], dir[512];
	size_t i, k;

	tc_buf_init(b, 8u << 20);
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, sig, 8);
	hdr[24] = 0x3e; /* minor version */
	hdr[26] = 3;	/* major version */
	hdr[28] = 0xfe; /* byte order */
	hdr[29] = 0xff;
	hdr[30] = 9; /* sector shift */
	hdr[32] = 6; /* mini sector shift */
	hdr[48] = 0; /* first directory sector */
	tc_buf_put(b, hdr, sizeof(hdr));
	memset(dir, 0, sizeof(dir));
	for (k = 0; k < 2; k++) {
		uint8_t *e = dir + 128 * k;

		for (i = 0; names[k][i] != '\0'; i++)
			e[2 * i] = (uint8_t)names[k][i];
		e[64] = (uint8_t)(2 * (i + 1));
		e[66] = k == 0 ? 5 : 2;
	}
	tc_buf_put(b, dir, sizeof(dir));
}

static __attribute__((unused)) void
fx_le16(struct tc_buf *b, uint16_t v)
{
	tc_buf_put_u8(b, (uint8_t)v);
	tc_buf_put_u8(b, (uint8_t)(v >> 8));
}

static __attribute__((unused)) void
fx_le32(struct tc_buf *b, uint32_t v)
{
	fx_le16(b, (uint16_t)v);
	fx_le16(b, (uint16_t)(v >> 16));
}

/*
 * The fields a ZIP local header and central directory entry share, from
 * the flags to the extra field's length, for a stored member of one byte
 * "x" called name.
 */
static __attribute__((unused)) void
fx_zip_entry(struct tc_buf *b, const char *name)
{
	fx_le16(b, 0); /* flags */
	fx_le16(b, 0); /* stored */
	fx_le32(b, 0); /* time and date */
	fx_le32(b, (uint32_t)crc32(0L, (const uint8_t *)"x", 1));
	fx_le32(b, 1);
	fx_le32(b, 1);
	fx_le16(b, (uint16_t)strlen(name));
	fx_le16(b, 0);
}

/* A stored (uncompressed) ZIP with the given member names. */
static __attribute__((unused)) void
fx_zip(struct tc_buf *b, const char *const *names, size_t n)
{
	uint32_t offs[8], cd, cdend;
	size_t i;

	tc_buf_init(b, 8u << 20);
	for (i = 0; i < n && i < 8; i++) {
		offs[i] = (uint32_t)b->len;
		tc_buf_puts(b, "PK\003\004");
		fx_le16(b, 20);
		fx_zip_entry(b, names[i]);
		tc_buf_puts(b, names[i]);
		tc_buf_puts(b, "x");
	}
	cd = (uint32_t)b->len;
	for (i = 0; i < n && i < 8; i++) {
		tc_buf_puts(b, "PK\001\002");
		fx_le16(b, 20);
		fx_le16(b, 20);
		fx_zip_entry(b, names[i]);
		fx_le16(b, 0);
		fx_le16(b, 0);
		fx_le16(b, 0);
		fx_le32(b, 0);
		fx_le32(b, offs[i]);
		tc_buf_puts(b, names[i]);
	}
	cdend = (uint32_t)b->len;
	tc_buf_puts(b, "PK\005\006");
	fx_le16(b, 0);
	fx_le16(b, 0);
	fx_le16(b, (uint16_t)n);
	fx_le16(b, (uint16_t)n);
	fx_le32(b, cdend - cd);
	fx_le32(b, cd);
	fx_le16(b, 0);
}

static __attribute__((unused)) void
fx_docx(struct tc_buf *b)
{
	static const char *const names[] = { "[Content_Types].xml",
		"_rels/.rels", "word/document.xml" };

	fx_zip(b, names, 3);
}

#endif
