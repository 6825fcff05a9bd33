/* SPDX-License-Identifier: MIT */
/*
 * Card faces: the front and back of an ISO/IEC 7810 ID-1 card (85.60 x
 * 53.98 mm) for the branch card printer, as a PNG at a resolution or a
 * vector PDF, with the printer's bleed and safe margin; and the portrait
 * e-card image for phones. Drawn with cairo; text laid out by pango in the
 * Noto CJK fonts of Debian's fonts-noto-cjk (TC_CARDFACE_FONT), with
 * metric hinting and glyph position rounding off, so that a text measures
 * the same at every resolution and in the PDF. Photos are JPEG (decoded
 * by libjpeg-turbo) or PNG (libpng), decoded strictly: a damaged or
 * truncated file is refused, never printed with a grey or black rest.
 * GIF, which some programmes accept at upload, is not printed (a palette
 * image of an ID photo prints badly). The layout of a programme is its
 * programme file's "face" (include/tcard/programme.h), or the default
 * layout here when the file has none. docs/cardfaces.md describes both.
 *
 * Work goes in two steps, so that bad input is found before anything is
 * printed. tc_cardface_prepare checks everything: the options; the layout
 * against the safe margin; the photo (present, JPEG or PNG, decodable,
 * at most TC_CARDFACE_PHOTO_MAX_SIDE pixels a side, enough pixels for its
 * box, a shape close to the box's); every text (valid UTF-8 without
 * control characters, no glyph missing from the fonts, the holder's name
 * fitting its box at no less than the layout's smallest size); the QR
 * text (it encodes). It keeps the decoded photo, the QR symbol and the
 * fitted font sizes. The render functions then fail only on memory or on
 * their output. tc_cardface_card_load gathers what a face shows from the
 * registry: the card, its holder, the main card of a sub-card, and the
 * photo and Chinese name translation from the application that issued the
 * card (through reissues and upgrades).
 *
 * Nothing here prints or opens files; images go to a struct tc_buf or a
 * write callback. A prepared face holds personal data (name, masked ID,
 * photo): free it with tc_cardface_free.
 */
#ifndef TCARD_CARDFACE_H
#define TCARD_CARDFACE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cairo.h>

#include "tcard/attach.h"
#include "tcard/buf.h"
#include "tcard/id.h"
#include "tcard/programme.h"
#include "tcard/registry.h"

/* The fonts (fontconfig family names) and their Debian package. */
#define TC_CARDFACE_FONT	 "Noto Sans CJK SC"
#define TC_CARDFACE_FONT_MONO	 "Noto Sans Mono CJK SC"
#define TC_CARDFACE_FONT_PACKAGE "fonts-noto-cjk"

/* Options and their bounds. Millimetres, and dots per inch for PNG. */
#define TC_CARDFACE_DPI_DEFAULT	  300
#define TC_CARDFACE_DPI_MIN	  72
#define TC_CARDFACE_DPI_MAX	  1200
#define TC_CARDFACE_BLEED_DEFAULT 2.0
#define TC_CARDFACE_BLEED_MAX	  5.0
#define TC_CARDFACE_SAFE_DEFAULT  3.0
#define TC_CARDFACE_SAFE_MAX	  10.0

/* The e-card image, portrait, in pixels. */
#define TC_CARDFACE_ECARD_W 1080
#define TC_CARDFACE_ECARD_H 1920

/*
 * Photos: the largest side decoded; the fewest pixels per inch a photo
 * may give its box on the card (a 358 x 441 pixel photo in the default
 * 22.4 x 27.6 mm box gives 406); how far its shape may differ from the
 * box's (the part cropped off to fill the box), as a fraction.
 */
#define TC_CARDFACE_PHOTO_MAX_SIDE 4096
#define TC_CARDFACE_PHOTO_MIN_DPI  150
#define TC_CARDFACE_PHOTO_CROP_MAX 0.15

/* Bytes of a detail value with its NUL: 256 characters of a form field. */
#define TC_CARDFACE_DETAIL_MAX 1025

/* Largest PNG or PDF of one face tc_cardface_png/_pdf make, in bytes. */
#define TC_CARDFACE_IMAGE_MAX (32u << 20)

enum tc_cardface_side {
	TC_CARDFACE_FRONT = 1, /* the card's front */
	TC_CARDFACE_BACK,      /* the card's back */
	TC_CARDFACE_ECARD,     /* the phone image */
};
#define TC_CARDFACE_BIT(s) (1u << (unsigned)(s))
#define TC_CARDFACE_CARD                                                       \
	(TC_CARDFACE_BIT(TC_CARDFACE_FRONT) | TC_CARDFACE_BIT(TC_CARDFACE_BACK))

/* Printing options: set them with tc_cardface_opts_default, then change. */
struct tc_cardface_opts {
	double bleed_mm; /* 0..TC_CARDFACE_BLEED_MAX around the card */
	double safe_mm;	 /* 0..TC_CARDFACE_SAFE_MAX: boxes keep this inside */
	int dpi;	 /* PNG of a card side: TC_CARDFACE_DPI_MIN..MAX */
};

void tc_cardface_opts_default(struct tc_cardface_opts *o /* OUT */);

/*
 * What a face shows. Strings are UTF-8, "" when absent. A caller may fill
 * it by hand (zero it first) or with tc_cardface_card_load.
 */
struct tc_cardface_card {
	const struct tc_programme *programme; /* borrowed */
	char tier[TC_CARD_TEXT_MAX + 1];      /* a tier id of programme */
	char card_no[17];
	char name[TC_HOLDER_NAME_MAX + 1];    /* as registered */
	char name_zh[TC_HOLDER_NAME_MAX + 1]; /* translation of a foreign name */
	char id_masked[TC_ID_MAX];
	time_t issued_at, expires_at;
	char principal_no[17];		     /* sub-card: the main card */
	char relation[TC_CARD_TEXT_MAX + 1]; /* sub-card: "spouse", ... */
	/*
	 * front.details: the form's value of programme->face.detail[i]
	 * (sex, birth date... as the applicant gave them, never derived from
	 * an ID number), "" when the form has none.
	 */
	char detail[TC_FACE_DETAILS_MAX][TC_CARDFACE_DETAIL_MAX];
	int64_t app_id;	   /* where the photo was looked for; 0: none */
	int64_t photo_att; /* the photo attachment; 0: none */
	int64_t photo_doc; /* the card's photo document (card-doc.h); 0: none */
};

/*
 * Fills *out with card serial as the registry has it, and appends the
 * bytes of its photo to photo (cap at least TC_ATTACH_MAX; nothing when
 * the card has none: tc_cardface_prepare reports that). The photo, the
 * Chinese translation of a foreign name (a text field "name-zh" of the
 * form) and the values of the face's details come from the application
 * that issued the card (an employer or residence reported later with
 * tc_lifecycle_change replacing the details field of that id); for a reissued
 * card from that of the card it replaced, for an upgrade or conversion
 * without a photo from that of the card before it. A sub-card made with
 * `subcard add` has no application: its photo is its card document of
 * action TC_CARD_DOC_PHOTO (`subcard add --photo`), and a card reissued
 * from it finds that one along the chain. set gives the
 * programme (borrowed into out). Returns 0, TC_ERR_NOT_FOUND (no such
 * card, or its programme is not in set), TC_ERR_MALFORMED (a stored value
 * out of shape), TC_ERR_TOO_LARGE, TC_ERR_NOMEM, TC_ERR_DECRYPT or a
 * database error.
 */
int tc_cardface_card_load(struct tc_registry *reg,
    const struct tc_programme_set *set, int64_t serial,
    struct tc_cardface_card *out /* OUT */, struct tc_buf *photo /* OUT */,
    char *err, size_t errlen);

/* A prepared face: checked input, ready to render. */
struct tc_cardface;

/*
 * Checks card, photo (photo_len bytes; may be NULL when only the back is
 * wanted), qr_text (the signed e-card text, opaque here; may be NULL when
 * only the front is wanted) and opts (NULL: the defaults) for the sides in
 * the mask sides (TC_CARDFACE_BIT of each; TC_CARDFACE_CARD for printing)
 * as described above, and sets *out. Nothing is rendered. Returns
 *   0;
 *   TC_ERR_INVALID_ARG  NULL or empty card data, no sides, an option out
 *                       of its bounds, a tier the programme lacks;
 *   TC_ERR_NOT_FOUND    no photo (the message names the card and the
 *                       application), or no QR text;
 *   TC_ERR_UNSUPPORTED  the photo is not JPEG or PNG (the message
 *                       names what it is), or a text has characters no
 *                       installed font draws;
 *   TC_ERR_MALFORMED, TC_ERR_TRUNCATED  the photo does not decode; a text
 *                       is not UTF-8 or has control characters;
 *   TC_ERR_RANGE        the photo is too large, too small for its box or
 *                       of another shape; a layout box outside the safe
 *                       margin;
 *   TC_ERR_TOO_LARGE    the name does not fit its box even at the
 *                       smallest size (the message gives both widths), or
 *                       another text does not fit (a layout fault), or
 *                       the QR text does not fit a QR code;
 *   TC_ERR_IO           the fonts are not installed (the message names
 *                       TC_CARDFACE_FONT_PACKAGE);
 *   TC_ERR_NOMEM, TC_ERR_INTERNAL.
 * On failure *out is NULL.
 */
int tc_cardface_prepare(struct tc_cardface **out /* OUT */,
    const struct tc_cardface_card *card, const uint8_t *photo, size_t photo_len,
    const char *qr_text, const struct tc_cardface_opts *opts, unsigned sides,
    char *err, size_t errlen);

/* Wipes and frees a prepared face (NULL is fine). */
void tc_cardface_free(struct tc_cardface *f);

/*
 * Frees the caches of the font libraries (pango's font map, fontconfig),
 * so that a leak checker sees only real leaks. For the end of a program or test that prepared faces: call it
 * when no face, book or cairo object is left; the next
 * tc_cardface_prepare starts the libraries again.
 */
void tc_cardface_shutdown(void);

/*
 * The font size, in points (pixels for the e-card), the name got on side
 * (0 when the side was not prepared). For tests and reports.
 */
double tc_cardface_name_size(
    const struct tc_cardface *f, enum tc_cardface_side side);

/*
 * The size of a side: in points (*w_pt, *h_pt: the card with its bleed,
 * as a PDF page; the e-card's pixels) and in pixels of its PNG (*w_px, *h_px: for a card side
 * round((85.60 + 2 * bleed) / 25.4 * dpi) by the same for 53.98; the
 * e-card TC_CARDFACE_ECARD_W x _H). Any pointer may be NULL.
 */
void tc_cardface_size(const struct tc_cardface *f, enum tc_cardface_side side,
    double *w_pt, double *h_pt, int *w_px, int *h_px);

/*
 * Draws side on cr, whose user space must be points with the origin at
 * the top left corner of the bleed box; for the e-card, pixels of the
 * TC_CARDFACE_ECARD_W x _H image from its top left corner.
 * cr's state is saved and restored. raster 1 snaps the QR modules to
 * whole device pixels (for image surfaces). Returns 0, or TC_ERR_INVALID_ARG
 * when side was not prepared, or TC_ERR_NOMEM / TC_ERR_INTERNAL when cr
 * is in an error state afterwards.
 */
int tc_cardface_draw(const struct tc_cardface *f, enum tc_cardface_side side,
    cairo_t *cr, int raster);

/*
 * Appends a PNG of side to out: 8-bit RGB with its resolution (pHYs) and
 * the sRGB chunk. Returns 0, TC_ERR_INVALID_ARG (side not prepared),
 * TC_ERR_TOO_LARGE (out's cap), TC_ERR_NOMEM or TC_ERR_INTERNAL; on
 * failure out is as it was.
 */
int tc_cardface_png(const struct tc_cardface *f, enum tc_cardface_side side,
    struct tc_buf *out, char *err, size_t errlen);

/*
 * Appends a two-page vector PDF (front, back) of a prepared card to out.
 * Returns as tc_cardface_png.
 */
int tc_cardface_pdf(
    const struct tc_cardface *f, struct tc_buf *out, char *err, size_t errlen);

/*
 * A multi-page PDF of many cards for the printer, written as it grows
 * through write (called with the next bytes; returns 0, or nonzero to
 * stop: the book then fails with TC_ERR_IO). Every card adds its front
 * and its back page. Sizes come from opts (NULL: the defaults).
 */
struct tc_cardface_book;

/* Returns 0, TC_ERR_INVALID_ARG, TC_ERR_NOMEM or TC_ERR_INTERNAL. */
int tc_cardface_book_new(struct tc_cardface_book **out /* OUT */,
    const struct tc_cardface_opts *opts,
    int (*write)(void *arg, const uint8_t *p, size_t n), void *arg, char *err,
    size_t errlen);

/*
 * Adds the front and back pages of f (prepared with TC_CARDFACE_CARD and
 * the same bleed). Returns 0, TC_ERR_INVALID_ARG, TC_ERR_IO (write
 * failed), TC_ERR_NOMEM or TC_ERR_INTERNAL; after a failure the book only
 * accepts tc_cardface_book_free.
 */
int tc_cardface_book_add(struct tc_cardface_book *b,
    const struct tc_cardface *f, char *err, size_t errlen);

/*
 * Writes the end of the PDF. Returns 0 or the codes of _add. The book
 * must still be freed.
 */
int tc_cardface_book_finish(
    struct tc_cardface_book *b, char *err, size_t errlen);

/* Frees a book (NULL is fine); an unfinished PDF is left incomplete. */
void tc_cardface_book_free(struct tc_cardface_book *b);

/* Pages added to b so far. */
size_t tc_cardface_book_pages(const struct tc_cardface_book *b);

/*
 * Appends a made-up ID photo of w x h pixels (a head-and-shoulders
 * silhouette on a light background, colours from seed) to out, as a PNG
 * (media TC_MEDIA_PNG) or a JPEG (TC_MEDIA_JPEG, quality 90): for the
 * demo, tests and benchmarks. Returns 0, TC_ERR_RANGE (a side of 0 or
 * over TC_CARDFACE_PHOTO_MAX_SIDE), TC_ERR_UNSUPPORTED (another media),
 * TC_ERR_TOO_LARGE (out's cap; out is then as it was), TC_ERR_NOMEM or
 * TC_ERR_INTERNAL.
 */
int tc_cardface_sample_photo(struct tc_buf *out, enum tc_media media,
    uint32_t w, uint32_t h, uint32_t seed, char *err, size_t errlen);

#endif
