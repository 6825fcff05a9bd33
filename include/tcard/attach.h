/* SPDX-License-Identifier: MIT */
/*
 * Attachments of applications: recognising GIF, JPEG, PNG, PDF, Word 97
 * (.doc) and Word 2007 (.docx) files by their content, and reading the
 * pixel size of images, without any image or office library. Every input
 * is outside input: reads are bounded by the buffer, loops by its length,
 * and nothing is decoded beyond the headers. The rules and what is not
 * checked are in docs/workflow.md (Attachments).
 *
 *   GIF   "GIF87a"/"GIF89a", logical screen width and height (nonzero),
 *         the trailer byte 0x3B at the end;
 *   PNG   the 8-byte signature, IHDR first with a correct CRC, width and
 *         height 1..2^31-1, chunks walked to IEND;
 *   JPEG  SOI, then marker segments walked (lengths checked against the
 *         buffer) up to the first SOFn frame header, which gives the size;
 *   PDF   "%PDF-d.d" at the start and "%%EOF" in the last 1024 bytes;
 *   DOC   the OLE2 compound file signature and header (byte order FFFE,
 *         sector size 512 or 4096) and a "WordDocument" stream entry;
 *   DOCX  a ZIP archive whose central directory (found through the end of
 *         central directory record) names word/document.xml; ZIP64 and
 *         multi-disk archives are refused.
 */
#ifndef TCARD_ATTACH_H
#define TCARD_ATTACH_H

#include <stddef.h>
#include <stdint.h>

/* Largest attachment, in bytes (4 MB = 4 MiB here). */
#define TC_ATTACH_MAX (4u * 1024 * 1024)

enum tc_media {
	TC_MEDIA_GIF = 1, /* "gif", image/gif */
	TC_MEDIA_JPEG,	  /* "jpg", image/jpeg */
	TC_MEDIA_PNG,	  /* "png", image/png */
	TC_MEDIA_PDF,	  /* "pdf", application/pdf */
	TC_MEDIA_DOC,	  /* "doc", application/msword */
	TC_MEDIA_DOCX,	  /* "docx", application/vnd.openxmlformats-... */
};

#define TC_MEDIA_BIT(m) (1u << (unsigned)(m))
#define TC_MEDIA_IMAGES                                                        \
	(TC_MEDIA_BIT(TC_MEDIA_GIF) | TC_MEDIA_BIT(TC_MEDIA_JPEG) |            \
	    TC_MEDIA_BIT(TC_MEDIA_PNG))
#define TC_MEDIA_ALL                                                           \
	(TC_MEDIA_IMAGES | TC_MEDIA_BIT(TC_MEDIA_PDF) |                        \
	    TC_MEDIA_BIT(TC_MEDIA_DOC) | TC_MEDIA_BIT(TC_MEDIA_DOCX))

struct tc_attach_info {
	enum tc_media media;
	uint32_t width; /* images: pixels; 0 otherwise */
	uint32_t height;
};

/* The short name ("jpg") and the media type ("image/jpeg") of m, or "unknown". */
const char *tc_media_name(enum tc_media m);
const char *tc_media_type(enum tc_media m);

/*
 * Parses a format name as programme files write it ("gif", "jpg", "jpeg",
 * "png", "pdf", "doc", "docx"; case-insensitive) or a media type. Returns
 * 0 and *out, or TC_ERR_INVALID_ARG.
 */
int tc_media_parse(const char *name, enum tc_media *out /* OUT */);

/*
 * Recognises len bytes at p and fills *out. Returns
 *   0;
 *   TC_ERR_INVALID_ARG  p NULL with len > 0, or out NULL;
 *   TC_ERR_TOO_LARGE    len over TC_ATTACH_MAX;
 *   TC_ERR_UNSUPPORTED  none of the six formats (or a JPEG whose height
 *                       comes later in a DNL segment, a ZIP64 archive);
 *   TC_ERR_TRUNCATED    the header of its format ends early, or the end
 *                       marker is missing (GIF trailer, PNG IEND, PDF
 *                       %%EOF);
 *   TC_ERR_MALFORMED    the format's structure is broken: a bad PNG CRC,
 *                       a zero width, a segment or chunk running past
 *                       the end, a ZIP without word/document.xml, an OLE2
 *                       file without a WordDocument stream...
 * err names the format and the byte offset. On failure *out is zeroed.
 */
int tc_attach_sniff(const uint8_t *p, size_t len,
    struct tc_attach_info *out /* OUT */, char *err, size_t errlen);

/*
 * tc_attach_sniff, then: the format must be in allowed (a mask of
 * TC_MEDIA_BIT; 0 means TC_MEDIA_ALL), and when name (may be NULL) ends
 * in an extension, the extension must name the same format (".jpg" and
 * ".jpeg" for JPEG). Returns the codes of tc_attach_sniff, and
 * TC_ERR_UNSUPPORTED when the format is not allowed or the extension
 * disagrees with the content (the message says both).
 */
int tc_attach_check(const char *name, const uint8_t *p, size_t len,
    unsigned allowed, struct tc_attach_info *out /* OUT */, char *err,
    size_t errlen);

#endif
