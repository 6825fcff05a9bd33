/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of card faces (src/cardface.c) on the four real programme
 * files: every tier of every programme (sub-cards included) renders its
 * front and back as PNG at the ID-1 size plus bleed, its two-page PDF at
 * the same size in points, and its e-card; the back's QR code, read back
 * from the PNG by zbar, is exactly the text given; a long Chinese name
 * shrinks and a longer one is refused before anything is drawn; a long
 * foreign name takes two lines; the photo is required, must be an image
 * that decodes, large enough and of the box's shape; a character no font
 * draws, a control character, a box inside the safe margin and bad
 * options are refused; a programme without "face" uses the default
 * layout; a multi-page PDF grows two pages per card; sample photos decode.
 * Made-up people only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <png.h>
#include <zbar.h>
#include <zlib.h>

#include "unit.h"
#include "tcard/attach.h"
#include "tcard/buf.h"
#include "tcard/cardface.h"
#include "tcard/err.h"
#include "tcard/programme.h"
#include "sample.h"

#include "fixtures-attach.h"
#include "fixtures-pdf.h"
#include "fixtures-png.h"
#include "fixtures-programme.h"

#define NOW 1795233600 /* 2026-11-21T04:00:00Z */

static char dir[PATH_MAX];
static struct tc_programme_set *set;
static struct tc_buf photo_png, photo_jpg;
static char qr_text[240];

static int
setup(void **state)
{
	static const char b45[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	char err[1024] = "";
	size_t i;

	(void)state;
	if (tc_programme_set_load_dir(&set, dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	tc_buf_init(&photo_png, TC_ATTACH_MAX);
	tc_buf_init(&photo_jpg, TC_ATTACH_MAX);
	if (tc_cardface_sample_photo(
		&photo_png, TC_MEDIA_PNG, 358, 441, 1, err, sizeof(err)) != 0 ||
	    tc_cardface_sample_photo(&photo_jpg, TC_MEDIA_JPEG, 358, 441, 2,
		err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	/* An e-card text of the usual length (treated as opaque). */
	memcpy(qr_text, "TC1:", 4);
	for (i = 4; i < 210; i++)
		qr_text[i] = b45[(i * 7 + 3) % 45];
	qr_text[i] = '\0';
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tc_programme_set_free(set);
	tc_buf_release(&photo_png);
	tc_buf_release(&photo_jpg);
	tc_cardface_shutdown();
	return 0;
}

/* A card of programme pid, tier tid, for a made-up person. */
static void
card_of(struct tc_cardface_card *c, const char *pid, const char *tid)
{
	const struct tc_tier *t;

	memset(c, 0, sizeof(*c));
	c->programme = tc_programme_set_find(set, pid);
	assert_non_null(c->programme);
	t = tc_programme_tier(c->programme, tid);
	assert_non_null(t);
	snprintf(c->tier, sizeof(c->tier), "%s", tid);
	memcpy(c->card_no, "4401000000000114", 17);
	snprintf(c->name, sizeof(c->name), "林慧敏");
	snprintf(c->id_masked, sizeof(c->id_masked), "3301**********6509");
	c->issued_at = NOW - 86400;
	c->expires_at = NOW + 5 * 365 * 86400LL;
	if (t->kind == TC_TIER_SUB) {
		memcpy(c->principal_no, "4401000000000106", 17);
		snprintf(c->relation, sizeof(c->relation), "%s",
		    tc_relation_name(t->relation));
	}
}

/* Width and height from the IHDR of a PNG; the pHYs resolution in dpi. */
static void
png_size(const struct tc_buf *b, uint32_t *w, uint32_t *h, double *dpi)
{
	const uint8_t *p = b->data;
	size_t off;

	assert_true(b->len > 33);
	assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(p + 12, "IHDR", 4);
	*w = tc_be32_get(p + 16);
	*h = tc_be32_get(p + 20);
	*dpi = 0;
	for (off = 8; off + 12 <= b->len; off += 12 + tc_be32_get(p + off)) {
		if (memcmp(p + off + 4, "pHYs", 4) == 0)
			*dpi = tc_be32_get(p + off + 8) * 0.0254;
		if (memcmp(p + off + 4, "IDAT", 4) == 0)
			break;
	}
}

/*
 * Pages of a PDF: the /Count of its page tree (cairo writes one). Every
 * page is given again in the update at the end with its TrimBox and
 * BleedBox (src/pdfbox.c), so each appears twice and each box once.
 */
static int
pdf_pages(const struct tc_buf *b)
{
	const char *p = (const char *)b->data, *end = p + b->len, *q;
	int n;

	assert_true(b->len > 8);
	assert_memory_equal(p, "%PDF-", 5);
	q = memmem(p, b->len, "<< /Type /Pages\n", 16);
	assert_non_null(q);
	q = memmem(q, (size_t)(end - q), "/Count ", 7);
	assert_non_null(q);
	n = atoi(q + 7);
	assert_int_equal(fx_count(b, "<< /Type /Pages\n"), 1);
	assert_int_equal(fx_count(b, "<< /Type /Page %"), 2 * n);
	assert_int_equal(fx_count(b, "   /TrimBox [ "), n);
	assert_int_equal(fx_count(b, "   /BleedBox [ "), n);
	assert_int_equal(fx_count(b, "%%EOF"), n > 0 ? 2 : 1);
	return n;
}

static long
px_of(double mm, int dpi)
{
	return lround(mm / 25.4 * dpi);
}

/* Renders every side of c and checks sizes; returns the back PNG. */
static void
render_all(const struct tc_cardface_card *c, const struct tc_buf *photo,
    const struct tc_cardface_opts *o, struct tc_buf *back)
{
	struct tc_cardface *f = NULL;
	struct tc_buf b;
	char err[1024] = "";
	uint32_t w, h;
	double dpi, wpt, hpt;
	int r;

	r = tc_cardface_prepare(&f, c, photo->data, photo->len, qr_text, o,
	    TC_CARDFACE_CARD | TC_CARDFACE_BIT(TC_CARDFACE_ECARD), err,
	    sizeof(err));
	if (r != 0)
		fail_msg("%s %s: %s", c->programme->id, c->tier, err);
	tc_buf_init(&b, TC_CARDFACE_IMAGE_MAX);
	assert_int_equal(
	    tc_cardface_png(f, TC_CARDFACE_FRONT, &b, err, sizeof(err)), 0);
	png_size(&b, &w, &h, &dpi);
	assert_int_equal(w, px_of(TC_FACE_CARD_W_MM + 2 * o->bleed_mm, o->dpi));
	assert_int_equal(h, px_of(TC_FACE_CARD_H_MM + 2 * o->bleed_mm, o->dpi));
	assert_true(dpi > o->dpi - 0.5 && dpi < o->dpi + 0.5);
	tc_buf_reset(back);
	assert_int_equal(
	    tc_cardface_png(f, TC_CARDFACE_BACK, back, err, sizeof(err)), 0);
	png_size(back, &w, &h, &dpi);
	assert_int_equal(w, px_of(TC_FACE_CARD_W_MM + 2 * o->bleed_mm, o->dpi));
	tc_buf_reset(&b);
	assert_int_equal(
	    tc_cardface_png(f, TC_CARDFACE_ECARD, &b, err, sizeof(err)), 0);
	png_size(&b, &w, &h, &dpi);
	assert_int_equal(w, TC_CARDFACE_ECARD_W);
	assert_int_equal(h, TC_CARDFACE_ECARD_H);
	tc_buf_reset(&b);
	assert_int_equal(tc_cardface_pdf(f, &b, err, sizeof(err)), 0);
	assert_int_equal(pdf_pages(&b), 2);
	tc_cardface_size(f, TC_CARDFACE_FRONT, &wpt, &hpt, NULL, NULL);
	assert_true(
	    fabs(wpt - (TC_FACE_CARD_W_MM + 2 * o->bleed_mm) * 72 / 25.4) <
	    1e-6);
	assert_true(
	    fabs(hpt - (TC_FACE_CARD_H_MM + 2 * o->bleed_mm) * 72 / 25.4) <
	    1e-6);
	/* The name got a size within the layout's range. */
	assert_true(tc_cardface_name_size(f, TC_CARDFACE_FRONT) >=
	    (c->programme->face.set ? c->programme->face.name.min_pt : 7));
	assert_true(tc_cardface_name_size(f, TC_CARDFACE_FRONT) <=
	    (c->programme->face.set ? c->programme->face.name.max_pt : 14));
	tc_buf_release(&b);
	tc_cardface_free(f);
}

static void
test_every_tier(void **state)
{
	struct tc_cardface_opts o;
	const struct tc_programme *p;
	struct tc_cardface_card c;
	struct tc_buf back;
	size_t i, j, n = 0, subs = 0;
	char *text;

	(void)state;
	tc_cardface_opts_default(&o);
	tc_buf_init(&back, TC_CARDFACE_IMAGE_MAX);
	for (i = 0; i < tc_programme_set_count(set); i++) {
		p = tc_programme_set_at(set, i);
		assert_true(p->face.set);
		for (j = 0; j < p->n_tiers; j++) {
			card_of(&c, p->id, p->tiers[j].id);
			render_all(
			    &c, j % 2 ? &photo_jpg : &photo_png, &o, &back);
			/* zbar reads the QR of the back back to the text. */
			text = fx_zbar_read(&back);
			assert_non_null(text);
			assert_string_equal(text, qr_text);
			free(text);
			n++;
			subs += p->tiers[j].kind == TC_TIER_SUB;
		}
	}
	assert_int_equal(n, 13);
	assert_int_equal(subs, 4);
	tc_buf_release(&back);
}

static void
test_resolutions_and_bleed(void **state)
{
	static const struct {
		int dpi;
		double bleed, safe;
	} v[] = { { 300, 0, 3 }, { 600, 3, 3 }, { 150, 5, 0 },
		{ 1200, 1.5, 2 } };
	struct tc_cardface_opts o;
	struct tc_cardface_card c;
	struct tc_buf back;
	size_t i;
	char *text;

	(void)state;
	tc_buf_init(&back, TC_CARDFACE_IMAGE_MAX);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_cardface_opts_default(&o);
		o.dpi = v[i].dpi;
		o.bleed_mm = v[i].bleed;
		o.safe_mm = v[i].safe;
		card_of(&c, "baiyun-yunju", "gold");
		render_all(&c, &photo_jpg, &o, &back);
		if (v[i].dpi >= 300) {
			text = fx_zbar_read(&back);
			assert_non_null(text);
			assert_string_equal(text, qr_text);
			free(text);
		}
	}
	tc_buf_release(&back);
}

/* Prepares c with the PNG photo; returns the code, err filled. */
static int
try_prepare(const struct tc_cardface_card *c, const struct tc_buf *photo,
    const struct tc_cardface_opts *o, unsigned sides, double *size, char *err,
    size_t errlen)
{
	struct tc_cardface *f = (struct tc_cardface *)1;
	int r;

	err[0] = '\0';
	r = tc_cardface_prepare(&f, c, photo != NULL ? photo->data : NULL,
	    photo != NULL ? photo->len : 0, qr_text, o, sides, err, errlen);
	if (r != 0) {
		assert_null(f);
		assert_true(err[0] != '\0');
		return r;
	}
	if (size != NULL)
		*size = tc_cardface_name_size(f, TC_CARDFACE_FRONT);
	tc_cardface_free(f);
	return 0;
}

static void
test_names(void **state)
{
	struct tc_cardface_card c;
	char err[1024];
	double s3, s10, s;

	(void)state;
	card_of(&c, "guangdong-youyue", "a");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     &s3, err, sizeof(err)),
	    0);
	assert_true(s3 == 14.0); /* three characters: the largest size */
	/* A long Chinese name shrinks but fits. */
	snprintf(
	    c.name, sizeof(c.name), "欧阳司马慕容诸葛长孙上官公孙皇甫令狐");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     &s10, err, sizeof(err)),
	    0);
	assert_true(s10 < s3 && s10 >= 7.0);
	/* Twice that does not fit even at 7 pt: refused, with both widths. */
	snprintf(c.name, sizeof(c.name), "%s",
	    "欧阳司马慕容诸葛长孙上官公孙皇甫令狐欧阳司马慕容诸葛长孙上官公孙皇甫令狐");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_non_null(strstr(err, "does not fit on the card"));
	assert_non_null(strstr(err, "4401000000000114"));
	assert_non_null(strstr(err, "the box has 52.6"));
	/* The e-card alone has its own limit, checked as well. */
	assert_int_equal(
	    try_prepare(&c, &photo_png, NULL,
		TC_CARDFACE_BIT(TC_CARDFACE_ECARD), NULL, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_non_null(strstr(err, "does not fit on the e-card"));
	/* A long foreign name with its translation: two lines, smaller. */
	card_of(&c, "guangzhou-green", "a");
	snprintf(c.name, sizeof(c.name),
	    "Maximilian Alexander von Hohenzollern-Sigmaringen");
	snprintf(c.name_zh, sizeof(c.name_zh),
	    "马克西米利安·亚历山大·冯·霍亨索伦-西格马林根");
	assert_int_equal(
	    try_prepare(&c, &photo_png, NULL,
		TC_CARDFACE_CARD | TC_CARDFACE_BIT(TC_CARDFACE_ECARD), &s, err,
		sizeof(err)),
	    0);
	assert_true(s >= 7.0 && s < 14.0);
	/* Without a space to break at it does not fit. */
	snprintf(c.name, sizeof(c.name),
	    "MaximilianAlexandervonHohenzollernSigmaringen");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	/* Traditional characters and Latin accents have glyphs. */
	card_of(&c, "baiyun-yunju", "silver");
	snprintf(c.name, sizeof(c.name), "王家瑋");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    0);
	snprintf(c.name, sizeof(c.name), "Chloé Lefèvre");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    0);
	/* A private-use character has no glyph in any font: refused. */
	snprintf(c.name, sizeof(c.name), "张\xee\x80\x80三");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	assert_non_null(strstr(err, "no installed font"));
	snprintf(c.name, sizeof(c.name), "张\n三");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	snprintf(c.name, sizeof(c.name), "张\xff三");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED);
}

/* Scrambles the zlib data of the first IDAT chunk and fixes its CRC. */
static void
break_idat(struct tc_buf *b)
{
	uint8_t *p = b->data;
	uint32_t len, crc;
	size_t off, i;

	for (off = 8; off + 12 <= b->len; off += 12 + tc_be32_get(p + off)) {
		len = tc_be32_get(p + off);
		if (memcmp(p + off + 4, "IDAT", 4) != 0)
			continue;
		for (i = 0; i < len; i++)
			p[off + 8 + i] ^= 0x5a;
		crc = (uint32_t)crc32(0, p + off + 4, len + 4);
		p[off + 8 + len] = (uint8_t)(crc >> 24);
		p[off + 9 + len] = (uint8_t)(crc >> 16);
		p[off + 10 + len] = (uint8_t)(crc >> 8);
		p[off + 11 + len] = (uint8_t)crc;
		return;
	}
	fail_msg("no IDAT");
}

/*
 * Prepares c with a sample photo (media, w x h pixels) in b: the code it
 * must get, and a part of the message (msg; NULL: not checked).
 */
static void
sample_prepared(const struct tc_cardface_card *c, struct tc_buf *b,
    enum tc_media media, uint32_t w, uint32_t h, int code, const char *msg)
{
	char err[1024];

	tc_buf_reset(b);
	assert_int_equal(
	    tc_cardface_sample_photo(b, media, w, h, 3, err, sizeof(err)), 0);
	assert_int_equal(
	    try_prepare(c, b, NULL, TC_CARDFACE_CARD, NULL, err, sizeof(err)),
	    code);
	if (msg != NULL)
		assert_non_null(strstr(err, msg));
}

static void
test_photos(void **state)
{
	struct tc_cardface_card c;
	struct tc_buf b, g;
	char err[1024];

	(void)state;
	tc_buf_init(&b, TC_ATTACH_MAX);
	card_of(&c, "guangzhou-green", "b");
	c.app_id = 42;
	/* Missing: named with the card and the application. */
	assert_int_equal(try_prepare(&c, NULL, NULL, TC_CARDFACE_CARD, NULL,
			     err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "4401000000000114 has no photo"));
	assert_non_null(strstr(err, "application 42"));
	/* The back alone needs no photo; the front and e-card do. */
	assert_int_equal(
	    try_prepare(&c, NULL, NULL, TC_CARDFACE_BIT(TC_CARDFACE_BACK), NULL,
		err, sizeof(err)),
	    0);
	assert_int_equal(
	    try_prepare(&c, NULL, NULL, TC_CARDFACE_BIT(TC_CARDFACE_ECARD),
		NULL, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	/* Not an image: a PDF. */
	assert_int_equal(tc_buf_puts(&b, "%PDF-1.4\n%%EOF\n"), 0);
	assert_int_equal(
	    try_prepare(&c, &b, NULL, TC_CARDFACE_CARD, NULL, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	assert_non_null(strstr(err, "application/pdf"));
	assert_non_null(strstr(err, "JPEG or PNG"));
	/* GIF is an upload format, not a print one. */
	fx_gif(&g, 358, 441);
	assert_int_equal(
	    try_prepare(&c, &g, NULL, TC_CARDFACE_CARD, NULL, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	assert_non_null(strstr(err, "image/gif"));
	tc_buf_release(&g);
	/* A JPEG whose scan ends early (the sample module's header-only
	 * JPEG) is refused, not printed half grey. */
	tc_buf_reset(&b);
	assert_int_equal(tc_sample_jpeg(&b, 358, 441), 0);
	assert_int_equal(
	    try_prepare(&c, &b, NULL, TC_CARDFACE_CARD, NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "(JPEG) does not decode"));
	/* So is a real JPEG cut short. */
	tc_buf_reset(&b);
	assert_int_equal(
	    tc_buf_put(&b, photo_jpg.data, photo_jpg.len - 200), 0);
	assert_int_equal(tc_buf_puts(&b, "\xff\xd9"), 0);
	assert_int_equal(
	    try_prepare(&c, &b, NULL, TC_CARDFACE_CARD, NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	/* Unknown bytes. */
	tc_buf_reset(&b);
	assert_int_equal(tc_buf_puts(&b, "hello, not a photo"), 0);
	assert_int_equal(
	    try_prepare(&c, &b, NULL, TC_CARDFACE_CARD, NULL, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	/* A PNG whose pixel data is broken (its chunks and CRCs intact). */
	tc_buf_reset(&b);
	assert_int_equal(tc_buf_put(&b, photo_png.data, photo_png.len), 0);
	break_idat(&b);
	assert_int_equal(
	    try_prepare(&c, &b, NULL, TC_CARDFACE_CARD, NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "does not decode"));
	/* Too small for the box: 60 x 74 pixels is 69 dpi. */
	sample_prepared(
	    &c, &b, TC_MEDIA_PNG, 60, 74, TC_ERR_RANGE, "too small");
	/* Landscape: a third would be cut off. */
	sample_prepared(
	    &c, &b, TC_MEDIA_PNG, 441, 358, TC_ERR_RANGE, "cut off");
	/* A truncated PNG. */
	tc_buf_reset(&b);
	assert_int_equal(tc_buf_put(&b, photo_png.data, photo_png.len / 2), 0);
	assert_true(try_prepare(&c, &b, NULL, TC_CARDFACE_CARD, NULL, err,
			sizeof(err)) != 0);
	/* A large photo of the right shape is fine. */
	sample_prepared(&c, &b, TC_MEDIA_JPEG, 1432, 1764, 0, NULL);
	/* Sample photos: what they say they are; no GIF writer. */
	tc_buf_reset(&b);
	assert_int_equal(tc_cardface_sample_photo(
			     &b, TC_MEDIA_GIF, 10, 10, 3, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	assert_int_equal(tc_cardface_sample_photo(
			     &b, TC_MEDIA_PNG, 0, 10, 3, err, sizeof(err)),
	    TC_ERR_RANGE);
	assert_int_equal(tc_cardface_sample_photo(
			     &b, TC_MEDIA_PNG, 4097, 10, 3, err, sizeof(err)),
	    TC_ERR_RANGE);
	tc_buf_release(&b);
}

static void
test_options_and_layout(void **state)
{
	struct tc_cardface_opts o;
	struct tc_cardface_card c;
	struct tc_cardface *f = (struct tc_cardface *)1;
	char err[1024];

	(void)state;
	card_of(&c, "chuxiong-xingchu", "a");
	tc_cardface_opts_default(&o);
	assert_int_equal(o.dpi, 300);
	assert_true(o.bleed_mm == 2.0 && o.safe_mm == 3.0);
	/* A wider safe margin than the layout keeps: the box is named. */
	o.safe_mm = 4;
	assert_int_equal(try_prepare(&c, &photo_png, &o, TC_CARDFACE_CARD, NULL,
			     err, sizeof(err)),
	    TC_ERR_RANGE);
	assert_non_null(strstr(err, "front.title comes within 3.00 mm"));
	/* The e-card has no margin of the printer. */
	assert_int_equal(
	    try_prepare(&c, &photo_png, &o, TC_CARDFACE_BIT(TC_CARDFACE_ECARD),
		NULL, err, sizeof(err)),
	    0);
	o.safe_mm = 11;
	assert_int_equal(try_prepare(&c, &photo_png, &o, TC_CARDFACE_CARD, NULL,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_cardface_opts_default(&o);
	o.bleed_mm = -1;
	assert_int_equal(try_prepare(&c, &photo_png, &o, TC_CARDFACE_CARD, NULL,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_cardface_opts_default(&o);
	o.dpi = 71;
	assert_int_equal(try_prepare(&c, &photo_png, &o, TC_CARDFACE_CARD, NULL,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* Bad arguments. */
	assert_int_equal(
	    try_prepare(&c, &photo_png, NULL, 0, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	snprintf(c.tier, sizeof(c.tier), "gold");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	card_of(&c, "chuxiong-xingchu", "a");
	assert_int_equal(
	    tc_cardface_prepare(&f, &c, photo_png.data, photo_png.len, NULL,
		NULL, TC_CARDFACE_CARD, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_null(f);
	assert_non_null(strstr(err, "no e-card text"));
	tc_cardface_free(NULL);
	assert_int_equal(tc_cardface_draw(NULL, TC_CARDFACE_FRONT, NULL, 0),
	    TC_ERR_INVALID_ARG);
}

/*
 * front.details: the green card's form values print; a value with a
 * control character, or one too long for the box, is refused naming the
 * field or the box; without values the block is left out.
 */
static void
test_details(void **state)
{
	struct tc_cardface_card c;
	struct tc_cardface_opts o;
	struct tc_buf pdf;
	char err[1024];
	size_t i;

	(void)state;
	tc_cardface_opts_default(&o);
	card_of(&c, "guangzhou-green", "a");
	assert_int_equal(c.programme->face.n_details, 6);
	/* No values (a card made by hand, or an old application). */
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    0);
	snprintf(c.detail[0], sizeof(c.detail[0]), "male");
	snprintf(c.detail[1], sizeof(c.detail[1]), "1993-11-24");
	snprintf(c.detail[2], sizeof(c.detail[2]), "意大利");
	snprintf(c.detail[3], sizeof(c.detail[3]), "passport");
	snprintf(
	    c.detail[4], sizeof(c.detail[4]), "广州天河示例软件技术有限公司");
	snprintf(c.detail[5], sizeof(c.detail[5]), "天河区珠江新城华夏路10号");
	assert_int_equal(
	    try_prepare(&c, &photo_png, NULL,
		TC_CARDFACE_CARD | TC_CARDFACE_BIT(TC_CARDFACE_ECARD), NULL,
		err, sizeof(err)),
	    0);
	tc_buf_init(&pdf, TC_CARDFACE_IMAGE_MAX);
	render_all(&c, &photo_png, &o, &pdf);
	tc_buf_release(&pdf);
	/* A control character in a value: refused, naming the field. */
	snprintf(c.detail[4], sizeof(c.detail[4]), "Acme\tLtd");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "Employer: a control character"));
	/* Not UTF-8. */
	snprintf(c.detail[4], sizeof(c.detail[4]), "Acme \xff");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	/* Far too long for the box even at its smallest size. */
	c.detail[4][0] = '\0';
	for (i = 0; i < 250; i++)
		strcat(c.detail[4], "广");
	assert_int_equal(try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			     NULL, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_non_null(strstr(err, "front.details"));
	/* The e-card has no details: it alone is fine. */
	assert_int_equal(
	    try_prepare(&c, &photo_png, NULL,
		TC_CARDFACE_BIT(TC_CARDFACE_ECARD), NULL, err, sizeof(err)),
	    0);
}

/* The green card with path set to value and face.chip to chip. */
static void
root_set_chip(char **out, const char *path, const char *value, const char *chip)
{
	json_t *root;

	*out = fx_prog_mutate(dir, "guangzhou-green", path, SET, value, 0);
	root = json_loads(*out, 0, NULL);
	assert_non_null(root);
	free(*out);
	assert_int_equal(json_object_set_new(json_object_get(root, "face"),
			     "chip", json_loads(chip, JSON_DECODE_ANY, NULL)),
	    0);
	*out = json_dumps(root, 0);
	json_decref(root);
	assert_non_null(*out);
}

/*
 * The ISO/IEC 7816-2 contact area: the stock layouts keep off it; a front
 * box on it is refused, naming the box and the area, unless the card
 * stock has no contact chip.
 */
static void
test_contact_area(void **state)
{
	static const struct {
		const char *path, *value, *box;
	} bad[] = {
		{ "face.front.photo.box", "[4, 15, 22.4, 27.6]",
		    "front.photo [4.00, 15.00, 22.40, 27.60]" },
		{ "face.front.name.box", "[19.8, 30, 52.6, 9.5]", NULL },
		{ "face.front.name.box", "[12, 28.5, 44.6, 9.5]",
		    "front.name [12.00, 28.50, 44.60, 9.50]" },
		{ "face.front.card_no.box", "[4, 20, 35, 5]",
		    "front.card_no [4.00, 20.00, 35.00, 5.00]" },
	};
	const struct tc_programme *sp;
	struct tc_programme *p;
	struct tc_cardface_card c;
	char err[1024], *text, chip[64];
	size_t i, k;
	int r;

	(void)state;
	for (i = 0; i < tc_programme_set_count(set); i++) {
		sp = tc_programme_set_at(set, i);
		assert_int_equal(sp->face.chip, TC_FACE_CHIP_CONTACT);
		card_of(&c, sp->id, sp->tiers[0].id);
		assert_int_equal(try_prepare(&c, &photo_png, NULL,
				     TC_CARDFACE_CARD, NULL, err, sizeof(err)),
		    0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (k = 0; k < 3; k++) {
			/* Without a contact chip any box is fine. */
			snprintf(chip, sizeof(chip), "\"%s\"",
			    k == 0	 ? "contact"
				: k == 1 ? "contactless"
					 : "none");
			root_set_chip(&text, bad[i].path, bad[i].value, chip);
			assert_int_equal(
			    tc_programme_parse(&p, text, strlen(text), "x.json",
				err, sizeof(err)),
			    0);
			free(text);
			card_of(&c, "guangzhou-green", "a");
			c.programme = p;
			r = try_prepare(&c, &photo_png, NULL, TC_CARDFACE_CARD,
			    NULL, err, sizeof(err));
			if (k > 0 || bad[i].box == NULL) {
				/* Beside the area, or no contacts: fine. */
				assert_int_equal(r, 0);
			} else {
				assert_int_equal(r, TC_ERR_RANGE);
				assert_non_null(strstr(err, bad[i].box));
				assert_non_null(strstr(err,
				    "overlaps the chip's contact area (ISO/IEC 7816-2: 10.25 to 19.87 mm from the left edge, 19.23 to 28.55 mm from the top)"));
			}
			/* Only printing checks it: the e-card has no chip. */
			assert_int_equal(try_prepare(&c, &photo_png, NULL,
					     TC_CARDFACE_BIT(TC_CARDFACE_ECARD),
					     NULL, err, sizeof(err)),
			    0);
			tc_programme_free(p);
		}
	}
}

/* The green card without its "face": the default layout. */
static void
test_default_layout(void **state)
{
	struct tc_programme *p = NULL;
	struct tc_cardface_card c;
	struct tc_cardface_opts o;
	struct tc_buf back;
	char path[PATH_MAX + 64], err[1024] = "", *text;
	json_t *root;
	const char *tiers[] = { "a", "b", "a-child" };
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/guangzhou-green.json", dir);
	root = json_load_file(path, 0, NULL);
	assert_non_null(root);
	assert_int_equal(json_object_del(root, "face"), 0);
	text = json_dumps(root, 0);
	json_decref(root);
	assert_int_equal(tc_programme_parse(&p, text, strlen(text), "x.json",
			     err, sizeof(err)),
	    0);
	free(text);
	assert_false(p->face.set);
	tc_cardface_opts_default(&o);
	tc_buf_init(&back, TC_CARDFACE_IMAGE_MAX);
	for (i = 0; i < 3; i++) {
		card_of(&c, "guangzhou-green", tiers[i]);
		c.programme = p;
		render_all(&c, &photo_png, &o, &back);
	}
	text = fx_zbar_read(&back);
	assert_non_null(text);
	assert_string_equal(text, qr_text);
	free(text);
	tc_buf_release(&back);
	tc_programme_free(p);
}

static int
count_write(void *arg, const uint8_t *p, size_t n)
{
	(void)p;
	*(size_t *)arg += n;
	return 0;
}

static int
refuse_write(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	return -1;
}

static void
test_book(void **state)
{
	struct tc_cardface_book *b = NULL;
	struct tc_cardface *f[3];
	struct tc_cardface_card c;
	struct tc_cardface_opts o;
	struct tc_buf one;
	const char *pt[3][2] = { { "baiyun-yunju", "diamond" },
		{ "guangzhou-green", "a-spouse" },
		{ "chuxiong-xingchu", "b" } };
	char err[1024] = "";
	size_t i, bytes = 0;

	(void)state;
	tc_cardface_opts_default(&o);
	for (i = 0; i < 3; i++) {
		card_of(&c, pt[i][0], pt[i][1]);
		assert_int_equal(tc_cardface_prepare(&f[i], &c, photo_jpg.data,
				     photo_jpg.len, qr_text, &o,
				     TC_CARDFACE_CARD, err, sizeof(err)),
		    0);
	}
	assert_int_equal(
	    tc_cardface_book_new(&b, &o, count_write, &bytes, err, sizeof(err)),
	    0);
	for (i = 0; i < 3; i++)
		assert_int_equal(
		    tc_cardface_book_add(b, f[i], err, sizeof(err)), 0);
	assert_int_equal(tc_cardface_book_pages(b), 6);
	assert_int_equal(tc_cardface_book_finish(b, err, sizeof(err)), 0);
	tc_cardface_book_free(b);
	assert_true(bytes > 1000);
	/* Another bleed is refused; a failing writer fails the book. */
	o.bleed_mm = 3;
	assert_int_equal(
	    tc_cardface_book_new(&b, &o, count_write, &bytes, err, sizeof(err)),
	    0);
	assert_int_equal(tc_cardface_book_add(b, f[0], err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_cardface_book_free(b);
	o.bleed_mm = 2;
	assert_int_equal(
	    tc_cardface_book_new(&b, &o, refuse_write, NULL, err, sizeof(err)),
	    0);
	if (tc_cardface_book_add(b, f[0], err, sizeof(err)) == 0)
		assert_int_equal(
		    tc_cardface_book_finish(b, err, sizeof(err)), TC_ERR_IO);
	tc_cardface_book_free(b);
	/* A PDF larger than its buffer. */
	tc_buf_init(&one, 1000);
	assert_int_equal(
	    tc_cardface_pdf(f[0], &one, err, sizeof(err)), TC_ERR_TOO_LARGE);
	assert_int_equal(one.len, 0);
	tc_buf_release(&one);
	tc_buf_init(&one, 1000);
	assert_int_equal(
	    tc_cardface_png(f[0], TC_CARDFACE_FRONT, &one, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(one.len, 0);
	assert_int_equal(
	    tc_cardface_png(f[0], TC_CARDFACE_ECARD, &one, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_buf_release(&one);
	for (i = 0; i < 3; i++)
		tc_cardface_free(f[i]);
}

#define TESTS(X, XF)                                                           \
	X(test_every_tier)                                                     \
	X(test_resolutions_and_bleed)                                          \
	X(test_names)                                                          \
	X(test_photos)                                                         \
	X(test_options_and_layout)                                             \
	X(test_contact_area)                                                   \
	X(test_details)                                                        \
	X(test_default_layout)                                                 \
	X(test_book)

TC_UNIT_MAIN_IF(TESTS, fx_programmes_found(dir, sizeof(dir)), setup, teardown)
