/* SPDX-License-Identifier: MIT */
/*
 * Content sniffing and image dimensions of attachments
 * (include/tcard/attach.h). Every offset is checked against the length
 * before a read; every loop advances by at least one byte of the input, so
 * the work is linear in the input's size. Little- and big-endian readers
 * take a pointer already known to have enough bytes behind it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "tcard/attach.h"
#include "tcard/buf.h"
#include "tcard/err.h"

static const struct {
	const char *name;
	const char *type;
} media[] = {
	[TC_MEDIA_GIF] = { "gif", "image/gif" },
	[TC_MEDIA_JPEG] = { "jpg", "image/jpeg" },
	[TC_MEDIA_PNG] = { "png", "image/png" },
	[TC_MEDIA_PDF] = { "pdf", "application/pdf" },
	[TC_MEDIA_DOC] = { "doc", "application/msword" },
	[TC_MEDIA_DOCX] = { "docx",
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
};

#define NMEDIA ((int)(sizeof(media) / sizeof(media[0])))

const char *
tc_media_name(enum tc_media m)
{
	return (int)m >= 1 && (int)m < NMEDIA ? media[m].name : "unknown";
}

const char *
tc_media_type(enum tc_media m)
{
	return (int)m >= 1 && (int)m < NMEDIA ? media[m].type : "unknown";
}

int
tc_media_parse(const char *name, enum tc_media *out)
{
	int i;

	if (name == NULL || out == NULL)
		return TC_ERR_INVALID_ARG;
	if (strcasecmp(name, "jpeg") == 0 || strcasecmp(name, "jpe") == 0) {
		*out = TC_MEDIA_JPEG;
		return 0;
	}
	for (i = 1; i < NMEDIA; i++) {
		if (strcasecmp(name, media[i].name) == 0 ||
		    strcasecmp(name, media[i].type) == 0) {
			*out = (enum tc_media)i;
			return 0;
		}
	}
	return TC_ERR_INVALID_ARG;
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int
sniff_gif(const uint8_t *p, size_t len, struct tc_attach_info *out, char *err,
    size_t errlen)
{
	if (len < 13)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "GIF: the file ends at byte %zu, inside the logical screen descriptor",
		    len);
	out->width = le16(p + 6);
	out->height = le16(p + 8);
	if (out->width == 0 || out->height == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "GIF: the logical screen is %u x %u pixels", out->width,
		    out->height);
	if (p[len - 1] != 0x3b)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "GIF: no trailer byte 0x3B at the end (truncated?)");
	return 0;
}

static int
sniff_png(const uint8_t *p, size_t len, struct tc_attach_info *out, char *err,
    size_t errlen)
{
	size_t off;
	uint32_t n, crc;

	if (len < 8 + 25)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "PNG: the file ends at byte %zu, before the end of IHDR",
		    len);
	if (tc_be32_get(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "PNG: byte 8: the first chunk is not a 13-byte IHDR");
	crc = (uint32_t)crc32(0L, p + 12, 17);
	if (crc != tc_be32_get(p + 29))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "PNG: byte 29: the IHDR CRC is wrong");
	out->width = tc_be32_get(p + 16);
	out->height = tc_be32_get(p + 20);
	if (out->width == 0 || out->height == 0 || out->width > 0x7fffffffu ||
	    out->height > 0x7fffffffu)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "PNG: byte 16: the image size %u x %u is not allowed",
		    out->width, out->height);
	/* Walk the chunks to IEND: a cut-off upload is caught here. */
	for (off = 8; off + 12 <= len;) {
		n = tc_be32_get(p + off);
		if (n > 0x7fffffffu || n > len - off - 12)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "PNG: byte %zu: a chunk of %u bytes runs past the end",
			    off, n);
		if (memcmp(p + off + 4, "IEND", 4) == 0)
			return 0;
		off += (size_t)n + 12;
	}
	return tc_seterr(
	    err, errlen, TC_ERR_TRUNCATED, "PNG: no IEND chunk (truncated?)");
}

static int
is_sof(uint8_t m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static int
sniff_jpeg(const uint8_t *p, size_t len, struct tc_attach_info *out, char *err,
    size_t errlen)
{
	size_t off = 2, seg;
	uint16_t n;
	uint8_t m;

	for (;;) {
		if (off >= len)
			return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
			    "JPEG: the file ends at byte %zu before a frame header",
			    len);
		if (p[off] != 0xff)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "JPEG: byte %zu: expected a marker (0xFF)", off);
		while (off < len && p[off] == 0xff)
			off++;
		if (off >= len)
			return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
			    "JPEG: the file ends inside a marker");
		seg = off - 1;
		m = p[off++];
		if ((m >= 0xd0 && m <= 0xd7) || m == 0x01)
			continue; /* RSTn, TEM: no length */
		if (m == 0x00 || m == 0xd8)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "JPEG: byte %zu: marker 0x%02X is not allowed here",
			    seg, m);
		if (m == 0xd9 || m == 0xda)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "JPEG: byte %zu: %s before any frame header", seg,
			    m == 0xd9 ? "end of image" : "start of scan");
		if (len - off < 2)
			return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
			    "JPEG: byte %zu: the segment length is cut off",
			    off);
		n = be16(p + off);
		if (n < 2 || n > len - off)
			return tc_seterr(err, errlen,
			    n < 2 ? TC_ERR_MALFORMED : TC_ERR_TRUNCATED,
			    "JPEG: byte %zu: a segment of %u bytes %s", seg, n,
			    n < 2 ? "is too short" : "runs past the end");
		if (is_sof(m)) {
			if (n < 8 || n < 8 + 3 * (size_t)p[off + 7] ||
			    p[off + 7] == 0)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "JPEG: byte %zu: the frame header is too short for its components",
				    seg);
			out->height = be16(p + off + 3);
			out->width = be16(p + off + 5);
			if (out->height == 0)
				return tc_seterr(err, errlen,
				    TC_ERR_UNSUPPORTED,
				    "JPEG: byte %zu: the height is given later (DNL), which is not supported",
				    seg);
			if (out->width == 0)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "JPEG: byte %zu: the width is 0", seg);
			return 0;
		}
		off += n;
	}
}

static int
sniff_pdf(const uint8_t *p, size_t len, char *err, size_t errlen)
{
	size_t from, i;

	if (len < 8 || !isdigit(p[5]) || p[6] != '.' || !isdigit(p[7]))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "PDF: byte 5: no version number after %%PDF-");
	from = len > 1024 ? len - 1024 : 0;
	for (i = len - 5 + 1; i-- > from;)
		if (memcmp(p + i, "%%EOF", 5) == 0)
			return 0;
	return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
	    "PDF: no %%%%EOF in the last 1024 bytes (truncated?)");
}

static int
sniff_doc(const uint8_t *p, size_t len, char *err, size_t errlen)
{
	static const uint8_t name[26] = { 'W', 0, 'o', 0, 'r', 0, 'd', 0, 'D',
		0, 'o', 0, 'c', 0, 'u', 0, 'm', 0, 'e', 0, 'n', 0, 't', 0, 0,
		0 };
	uint16_t major, shift;
	size_t off;

	if (len < 512)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "DOC: the compound file header needs 512 bytes, the file has %zu",
		    len);
	major = le16(p + 26);
	shift = le16(p + 30);
	if (p[28] != 0xfe || p[29] != 0xff ||
	    !((major == 3 && shift == 9) || (major == 4 && shift == 12)))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "DOC: byte 26: not a version 3 or 4 compound file header");
	/*
	 * Directory entries are 128 bytes, in sectors that start at
	 * multiples of the sector size, so at offsets that are multiples of
	 * 128: look for a stream entry named WordDocument (name length 26
	 * bytes, object type 2).
	 */
	for (off = 512; off <= len - 128; off += 128)
		if (memcmp(p + off, name, sizeof(name)) == 0 &&
		    le16(p + off + 64) == 26 && p[off + 66] == 2)
			return 0;
	return tc_seterr(err, errlen, TC_ERR_MALFORMED,
	    "DOC: an OLE2 compound file without a WordDocument stream (not a Word document)");
}

static int
sniff_docx(const uint8_t *p, size_t len, char *err, size_t errlen)
{
	static const char want[] = "word/document.xml";
	size_t eocd = 0, i, from, off, end;
	uint32_t cdsize, cdoff, count, k;
	uint16_t nlen, xlen, clen;
	int found = 0;

	if (len < 22)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "DOCX: the ZIP archive is too short for its directory");
	from = len - 22 > 65535 ? len - 22 - 65535 : 0;
	for (i = len - 22 + 1; i-- > from;) {
		if (memcmp(p + i, "PK\005\006", 4) == 0) {
			eocd = i;
			found = 1;
			break;
		}
	}
	if (!found)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "DOCX: no end of central directory record (truncated?)");
	if (le16(p + eocd + 4) != 0 || le16(p + eocd + 6) != 0)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "DOCX: byte %zu: a multi-disk ZIP archive", eocd);
	count = le16(p + eocd + 10);
	cdsize = le32(p + eocd + 12);
	cdoff = le32(p + eocd + 16);
	if (count == 0xffff || cdsize == 0xffffffffu || cdoff == 0xffffffffu)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "DOCX: byte %zu: a ZIP64 archive", eocd);
	if (cdoff > eocd || cdsize > eocd - cdoff)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "DOCX: byte %zu: the central directory lies outside the archive",
		    eocd);
	off = cdoff;
	end = (size_t)cdoff + cdsize;
	for (k = 0; k < count; k++) {
		if (end - off < 46 || memcmp(p + off, "PK\001\002", 4) != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "DOCX: byte %zu: entry %u of the central directory is broken",
			    off, k + 1);
		nlen = le16(p + off + 28);
		xlen = le16(p + off + 30);
		clen = le16(p + off + 32);
		if ((size_t)nlen + xlen + clen > end - off - 46)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "DOCX: byte %zu: entry %u runs past the central directory",
			    off, k + 1);
		if (nlen == sizeof(want) - 1 &&
		    memcmp(p + off + 46, want, nlen) == 0)
			return 0;
		off += 46 + (size_t)nlen + xlen + clen;
	}
	return tc_seterr(err, errlen, TC_ERR_MALFORMED,
	    "DOCX: a ZIP archive without word/document.xml (not a Word document)");
}

int
tc_attach_sniff(const uint8_t *p, size_t len, struct tc_attach_info *out,
    char *err, size_t errlen)
{
	static const uint8_t png[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a,
		0x0a };
	static const uint8_t ole[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1,
		0x1a, 0xe1 };
	int r;

	if (out == NULL || (p == NULL && len > 0))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "missing argument");
	memset(out, 0, sizeof(*out));
	if (len > TC_ATTACH_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the file has %zu bytes; at most %u (4 MB) are allowed",
		    len, TC_ATTACH_MAX);
	if (len >= 6 &&
	    (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) {
		out->media = TC_MEDIA_GIF;
		r = sniff_gif(p, len, out, err, errlen);
	} else if (len >= 8 && memcmp(p, png, 8) == 0) {
		out->media = TC_MEDIA_PNG;
		r = sniff_png(p, len, out, err, errlen);
	} else if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
		out->media = TC_MEDIA_JPEG;
		r = sniff_jpeg(p, len, out, err, errlen);
	} else if (len >= 5 && memcmp(p, "%PDF-", 5) == 0) {
		out->media = TC_MEDIA_PDF;
		r = sniff_pdf(p, len, err, errlen);
	} else if (len >= 8 && memcmp(p, ole, 8) == 0) {
		out->media = TC_MEDIA_DOC;
		r = sniff_doc(p, len, err, errlen);
	} else if (len >= 4 && memcmp(p, "PK\003\004", 4) == 0) {
		out->media = TC_MEDIA_DOCX;
		r = sniff_docx(p, len, err, errlen);
	} else
		r = tc_seterr(err, errlen,
		    len == 0 ? TC_ERR_MALFORMED : TC_ERR_UNSUPPORTED,
		    len == 0
			? "the file is empty"
			: "not a GIF, JPEG, PNG, PDF, DOC or DOCX file (by its content)");
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

int
tc_attach_check(const char *name, const uint8_t *p, size_t len,
    unsigned allowed, struct tc_attach_info *out, char *err, size_t errlen)
{
	enum tc_media by_name;
	const char *dot, *slash;
	int r, i;
	char list[64];
	size_t n = 0;

	if ((r = tc_attach_sniff(p, len, out, err, errlen)) != 0)
		return r;
	if (allowed == 0)
		allowed = TC_MEDIA_ALL;
	if (!(allowed & TC_MEDIA_BIT(out->media))) {
		list[0] = '\0';
		for (i = 1; i < NMEDIA; i++) {
			if (!(allowed & TC_MEDIA_BIT(i)))
				continue;
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", n ? ", " : "", media[i].name);
			if (n >= sizeof(list))
				break;
		}
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "the file is %s, which is not allowed here (allowed: %s)",
		    media[out->media].name, list);
		memset(out, 0, sizeof(*out));
		return r;
	}
	if (name == NULL)
		return 0;
	slash = strrchr(name, '/');
	dot = strrchr(slash != NULL ? slash + 1 : name, '.');
	if (dot == NULL || dot[1] == '\0')
		return 0;
	if (tc_media_parse(dot + 1, &by_name) != 0 || by_name != out->media) {
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "the name ends in '%.16s' but the content is %s", dot,
		    media[out->media].name);
		memset(out, 0, sizeof(*out));
		return r;
	}
	return 0;
}
