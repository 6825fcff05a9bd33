/* SPDX-License-Identifier: MIT */
/*
 * Card faces (include/tcard/cardface.h): layouts, text fitting with pango,
 * photos through libjpeg and libpng, the QR symbol as cairo rectangles, and the
 * PNG (libpng, with its resolution) and PDF (cairo) outputs.
 *
 * Coordinates: a card side is laid out in points (1/72 inch) from the top
 * left corner of the trimmed card; the bleed is a margin around it. The
 * e-card is laid out in its own pixels. Every text is measured in a pango
 * context without metric hinting and without rounding of glyph positions,
 * so widths grow in proportion to the font size and are the same on a
 * 300 dpi image, a 600 dpi image and in a PDF: a text is measured once at
 * a reference size and its fitting size computed, except for wrapped
 * paragraphs, whose lines change with the size and which are searched by
 * bisection. docs/cardfaces.md describes the layouts.
 */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <jpeglib.h>
#include <pango/pangocairo.h>
#include <png.h>

#include "tcard/attach.h"
#include "tcard/cardface.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/pdfbox.h"
#include "tcard/qr.h"
#include "tcard/workday.h"
#include "pngout.h"

#define PT_PER_MM	 (72.0 / 25.4)
#define REF_SIZE	 100.0 /* reference font size for measuring */
#define QR_MODULE_MIN_MM 0.3
/*
 * Stacked lines (a name and its translation) are set this many font
 * sizes apart, baseline ASCENT below the top of their line, rather than
 * at the fonts' own line height (1.448 for Noto CJK), which leaves too
 * much air between two lines of a name. Wrapped paragraphs get
 * PARA_SPACING times the fonts' line height.
 */
#define LINE_PITCH    1.2
#define LINE_ASCENT   0.92
#define PARA_SPACING  0.85
#define CAPTION_ID    "证件号码 ID No. "
#define CAPTION_VALID "有效期 Valid "

/* The text elements of a layout. */
enum {
	EL_TITLE,
	EL_LABEL,
	EL_NAME,
	EL_CARDNO,
	EL_ID,
	EL_VALID,
	EL_SUB,
	EL_DETAILS,
	EL_VERIFY,
	EL_AUTH,
	EL_N
};

static const char *const el_names[EL_N] = { "front.title", "front.label",
	"front.name", "front.card_no", "front.id", "front.validity",
	"front.sub", "front.details", "back.verify", "back.authority" };

/* A text element or a box, in the layout's units. */
struct el {
	int set;
	double x, y, w, h;
	double min, max; /* font sizes (text elements) */
};

struct layout {
	double w, h; /* trimmed size */
	double band; /* height of the tier band */
	double unit; /* layout units per millimetre (for messages) */
	int contact; /* a contact chip on the front */
	struct el el[EL_N];
	struct el photo, qr;
	uint32_t ink, paper, band_rgb, band_text;
};

/* One line of an element: text, size relative to the element's, font. */
struct line {
	const char *text;
	size_t caption; /* bytes at the start drawn in the caption colour */
	double scale;
	int mono, bold;
};

#define MAX_LINES 3

/* What an element shows: one or two arrangements of lines, or a paragraph. */
struct content {
	struct line line[2][MAX_LINES];
	int n[2]; /* lines per arrangement; n[1] 0: one arrangement */
	int para; /* line[0][0] is a paragraph wrapped to the box width */
	int right;
	int on_band;
};

/* The size and arrangement an element got. */
struct fit {
	double size;
	int arr;
};

struct tc_cardface {
	struct tc_cardface_card card;
	struct tc_cardface_opts opts;
	unsigned sides;
	struct layout lay[2]; /* 0: the card, 1: the e-card */
	struct fit fit[2][EL_N];
	const char *where; /* "programme X face" or "default layout" */
	cairo_surface_t *photo;
	int photo_w, photo_h;
	struct tc_qr qr;
	int have_qr;
	/* The texts. */
	char label_zh[128], label_en[128];
	char grouped[20];
	char id_line[TC_ID_MAX + 64];
	char valid_line[96];
	char sub_line[256];
	char name1[TC_HOLDER_NAME_MAX + 1], name2[TC_HOLDER_NAME_MAX + 1];
	char *verify, *authority; /* zh "\n" en, heap */
	char *details;		  /* its lines, "\n" between, heap; or NULL */
};

void
tc_cardface_opts_default(struct tc_cardface_opts *o)
{
	o->bleed_mm = TC_CARDFACE_BLEED_DEFAULT;
	o->safe_mm = TC_CARDFACE_SAFE_DEFAULT;
	o->dpi = TC_CARDFACE_DPI_DEFAULT;
}

/* ---- layouts ---- */

/* The default card layout (millimetres, points): docs/cardfaces.md. */
/* clang-format off */
static const struct el default_card[EL_N] = {
	[EL_TITLE] = { 1, 4, 3, 55, 7.6, 6, 11 },
	[EL_LABEL] = { 1, 61, 3, 20.6, 7.6, 6, 11 },
	[EL_NAME] = { 1, 4, 30, 52.6, 9.5, 7, 14 },
	[EL_CARDNO] = { 1, 22, 14, 35, 5, 7, 11 },
	[EL_ID] = { 1, 22, 20, 35, 4, 5, 7 },
	[EL_VALID] = { 1, 22, 24.5, 35, 4, 5, 7 },
	[EL_SUB] = { 1, 4, 45, 78.6, 4.5, 4.5, 7 },
	[EL_VERIFY] = { 1, 40, 15, 42.6, 21, 4.5, 7 },
	[EL_AUTH] = { 1, 40, 37.5, 42.6, 10.5, 4.5, 6.5 },
};
static const struct el default_photo = { 1, 59.2, 14, 22.4, 27.6, 0, 0 };
static const struct el default_qr = { 1, 4, 15, 33, 33, 0, 0 };

/* The e-card, in pixels of TC_CARDFACE_ECARD_W x TC_CARDFACE_ECARD_H. */
static const struct el ecard_el[EL_N] = {
	[EL_TITLE] = { 1, 60, 60, 700, 180, 30, 64 },
	[EL_LABEL] = { 1, 780, 60, 240, 180, 24, 60 },
	[EL_NAME] = { 1, 430, 360, 590, 190, 28, 88 },
	[EL_CARDNO] = { 1, 430, 570, 590, 70, 30, 54 },
	[EL_ID] = { 1, 430, 650, 590, 46, 20, 32 },
	[EL_VALID] = { 1, 430, 706, 590, 46, 20, 32 },
	[EL_SUB] = { 1, 60, 790, 960, 46, 18, 30 },
	[EL_VERIFY] = { 1, 60, 1580, 960, 220, 18, 30 },
	[EL_AUTH] = { 1, 60, 1810, 960, 80, 16, 24 },
};
static const struct el ecard_photo = { 1, 60, 360, 330, 406, 0, 0 };
static const struct el ecard_qr = { 1, 200, 870, 680, 680, 0, 0 };
/* clang-format on */
#define ECARD_BAND 300.0

static const char default_verify_zh[] =
    "核验：用人才卡核验程序扫描本卡二维码，离线核对签名、状态与有效期；也可凭持卡人姓名、证件号码和卡号在发卡机构的公开查询页核验。本卡仅限本人使用。";
static const char default_verify_en[] =
    "To verify, scan the QR code with a talent card verifier: it checks the signature, status and validity offline. Anyone can also check the holder's name, ID number and card number on the issuer's public lookup page. For the holder's use only.";

static void
el_mm(struct el *d, const struct el *mm)
{
	*d = *mm;
	d->x *= PT_PER_MM;
	d->y *= PT_PER_MM;
	d->w *= PT_PER_MM;
	d->h *= PT_PER_MM;
}

static void
el_face(struct el *d, const struct tc_face_text *t)
{
	struct el mm = { t->set, t->box.x, t->box.y, t->box.w, t->box.h,
		t->min_pt, t->max_pt };

	el_mm(d, &mm);
}

static void
box_face(struct el *d, const struct tc_face_box *b)
{
	struct el mm = { 1, b->x, b->y, b->w, b->h, 0, 0 };

	el_mm(d, &mm);
}

/* Black or white, whichever stands out more on rgb. */
static uint32_t
contrast(uint32_t rgb)
{
	double c[3], l;
	int i;

	for (i = 0; i < 3; i++) {
		c[i] = (double)(rgb >> (16 - 8 * i) & 0xff) / 255.0;
		c[i] = c[i] <= 0.04045 ? c[i] / 12.92
				       : pow((c[i] + 0.055) / 1.055, 2.4);
	}
	l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
	return (l + 0.05) * (l + 0.05) > 0.05 * 1.05 ? 0x1a1a1a : 0xffffff;
}

/* The card layout of p for tier t, and the e-card layout. */
static void
make_layouts(struct tc_cardface *f, const struct tc_programme *p,
    const struct tc_tier *t)
{
	const struct tc_face *fc = &p->face;
	const struct tc_face_tier *ft = tc_face_tier_find(fc, t->id);
	struct layout *c = &f->lay[0], *e = &f->lay[1];
	int i;

	memset(c, 0, sizeof(*c));
	c->w = TC_FACE_CARD_W_MM * PT_PER_MM;
	c->h = TC_FACE_CARD_H_MM * PT_PER_MM;
	c->unit = PT_PER_MM;
	if (fc->set) {
		el_face(&c->el[EL_TITLE], &fc->title);
		el_face(&c->el[EL_LABEL], &fc->label);
		el_face(&c->el[EL_NAME], &fc->name);
		el_face(&c->el[EL_CARDNO], &fc->card_no);
		el_face(&c->el[EL_ID], &fc->id);
		el_face(&c->el[EL_VALID], &fc->validity);
		el_face(&c->el[EL_SUB], &fc->sub);
		el_face(&c->el[EL_DETAILS], &fc->details);
		el_face(&c->el[EL_VERIFY], &fc->verify);
		el_face(&c->el[EL_AUTH], &fc->authority);
		box_face(&c->photo, &fc->photo);
		box_face(&c->qr, &fc->qr);
		c->band = fc->band_mm * PT_PER_MM;
		c->ink = fc->ink_rgb;
		c->paper = fc->paper_rgb;
		c->contact = fc->chip == TC_FACE_CHIP_CONTACT;
		f->where = "face";
	} else {
		for (i = 0; i < EL_N; i++)
			el_mm(&c->el[i], &default_card[i]);
		el_mm(&c->photo, &default_photo);
		el_mm(&c->qr, &default_qr);
		c->band = 12 * PT_PER_MM;
		c->ink = 0x1a1a1a;
		c->paper = 0xffffff;
		c->contact = 1;
		f->where = "default layout";
	}
	c->band_rgb = ft != NULL ? ft->rgb : t->rgb;
	c->band_text = ft != NULL ? ft->text_rgb : contrast(c->band_rgb);
	*e = *c;
	e->w = TC_CARDFACE_ECARD_W;
	e->h = TC_CARDFACE_ECARD_H;
	e->unit = 1;
	e->band = ECARD_BAND;
	for (i = 0; i < EL_N; i++)
		e->el[i] = ecard_el[i];
	e->photo = ecard_photo;
	e->qr = ecard_qr;
}

/* ---- text ---- */

static int
text_ok(const char *what, const char *s, char *err, size_t errlen)
{
	const char *end;
	size_t i;

	if (!g_utf8_validate(s, -1, &end))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: not UTF-8 at byte %zu", what, (size_t)(end - s));
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: a control character at byte %zu", what, i);
	return 0;
}

/* A UTF-8 string with anything but printable ASCII and letters kept. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] =
		    (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	/* Do not cut a UTF-8 sequence in two. */
	while (i > 0 && ((unsigned char)buf[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)buf[i - 1] >= 0xc0 && s[i] != '\0')
		buf[i - 1] = '\0';
	return buf;
}

static int fonts_checked;

static int
fonts_ok(char *err, size_t errlen)
{
	PangoFontFamily **fams = NULL;
	PangoFontMap *fm;
	int n = 0, i, have = 0, mono = 0;
	const char *name;

	if (fonts_checked)
		return 0;
	if ((fm = pango_cairo_font_map_get_default()) == NULL)
		return tc_seterr(err, errlen, TC_ERR_INTERNAL, "no font map");
	pango_font_map_list_families(fm, &fams, &n);
	for (i = 0; i < n; i++) {
		name = pango_font_family_get_name(fams[i]);
		have |= strcmp(name, TC_CARDFACE_FONT) == 0;
		mono |= strcmp(name, TC_CARDFACE_FONT_MONO) == 0;
	}
	g_free(fams);
	if (!have || !mono)
		return tc_seterr(err, errlen, TC_ERR_IO,
		    "the font '%s' is not installed (Debian package %s)",
		    !have ? TC_CARDFACE_FONT : TC_CARDFACE_FONT_MONO,
		    TC_CARDFACE_FONT_PACKAGE);
	fonts_checked = 1;
	return 0;
}

/* Sizes are measured without hinting or rounding: see the top. */
static void
setup_context(PangoContext *ctx)
{
	cairo_font_options_t *fo = cairo_font_options_create();

	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(ctx, FALSE);
}

static PangoLayout *
make_layout(
    PangoContext *ctx, const struct line *ln, double size, double wrap_width)
{
	PangoFontDescription *fd;
	PangoLayout *l;

	if ((l = pango_layout_new(ctx)) == NULL)
		return NULL;
	fd = pango_font_description_new();
	pango_font_description_set_family_static(
	    fd, ln->mono ? TC_CARDFACE_FONT_MONO : TC_CARDFACE_FONT);
	pango_font_description_set_weight(
	    fd, ln->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(
	    fd, size * ln->scale * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (wrap_width > 0) {
		pango_layout_set_width(l, (int)(wrap_width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_line_spacing(l, PARA_SPACING);
	}
	pango_layout_set_text(l, ln->text, -1);
	return l;
}

static void
extents(PangoLayout *l, double *x, double *w, double *h)
{
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	if (x != NULL)
		*x = (double)log.x / PANGO_SCALE;
	*w = (double)log.width / PANGO_SCALE;
	*h = (double)log.height / PANGO_SCALE;
}

/* What element i of f shows on layout li (0 card, 1 e-card). */
static void
content_of(const struct tc_cardface *f, int li, int i, struct content *c)
{
	const struct tc_programme *p = f->card.programme;
	struct line *a = c->line[0], *b = c->line[1];

	memset(c, 0, sizeof(*c));
	c->n[0] = 1;
	a[0].scale = 1;
	switch (i) {
	case EL_TITLE:
		a[0].text = p->names.zh;
		a[0].bold = 1;
		a[1].text = p->names.en;
		a[1].scale = 0.5;
		c->n[0] = 2;
		c->on_band = 1;
		break;
	case EL_LABEL:
		a[0].text = f->label_zh;
		a[0].bold = 1;
		a[1].text = f->label_en;
		a[1].scale = 0.6;
		c->n[0] = f->label_en[0] != '\0' ? 2 : 1;
		c->right = 1;
		c->on_band = 1;
		break;
	case EL_NAME:
		/* The name, then its translation; a long Latin name may
		 * also take two lines, broken at a space. */
		a[0].text = f->card.name;
		a[0].bold = 1;
		if (f->card.name_zh[0] != '\0') {
			a[1].text = f->card.name_zh;
			a[1].scale = 0.85;
			c->n[0] = 2;
		}
		if (f->name2[0] != '\0') {
			b[0] = a[0];
			b[0].text = f->name1;
			b[1] = a[0];
			b[1].text = f->name2;
			c->n[1] = 2;
			if (f->card.name_zh[0] != '\0') {
				b[2] = a[1];
				c->n[1] = 3;
			}
		}
		break;
	case EL_CARDNO:
		a[0].text = f->grouped;
		a[0].mono = 1;
		a[0].bold = 1;
		break;
	case EL_ID:
		a[0].text = f->id_line;
		a[0].caption = strlen(CAPTION_ID);
		break;
	case EL_VALID:
		a[0].text = f->valid_line;
		a[0].caption = strlen(CAPTION_VALID);
		break;
	case EL_SUB:
		a[0].text = f->sub_line;
		break;
	case EL_DETAILS:
		a[0].text = f->details;
		c->para = 1;
		break;
	case EL_VERIFY:
		a[0].text = f->verify;
		c->para = 1;
		break;
	case EL_AUTH:
		a[0].text = f->authority;
		a[0].caption = strcspn(f->authority, " ");
		c->para = 1;
		break;
	}
	(void)li;
}

/* 1 when element i is drawn on layout li of f. */
static int
el_used(const struct tc_cardface *f, int li, int i)
{
	const struct layout *l = &f->lay[li];
	unsigned s = f->sides;

	if (!l->el[i].set)
		return 0;
	if (i == EL_SUB && f->card.principal_no[0] == '\0')
		return 0;
	if (i == EL_DETAILS && f->details == NULL)
		return 0;
	if (li == 1)
		return (s & TC_CARDFACE_BIT(TC_CARDFACE_ECARD)) != 0;
	if (i == EL_VERIFY || i == EL_AUTH)
		return (s & TC_CARDFACE_BIT(TC_CARDFACE_BACK)) != 0;
	if (i == EL_TITLE)
		return (s & TC_CARDFACE_CARD) != 0;
	return (s & TC_CARDFACE_BIT(TC_CARDFACE_FRONT)) != 0;
}

/*
 * Measures the lines of one arrangement at REF_SIZE and returns the
 * largest size (capped at el->max) at which they fit el's box; checks
 * that every glyph exists.
 */
static int
fit_lines(PangoContext *ctx, const struct line *ln, int n, const struct el *e,
    double *size, double *widest, const char *what, char *err, size_t errlen)
{
	PangoLayout *l;
	double w, h, hsum = 0, s = 1e9;
	char b[96];
	int i, unknown;

	*widest = 0;
	for (i = 0; i < n; i++) {
		if ((l = make_layout(ctx, &ln[i], REF_SIZE, 0)) == NULL)
			return tc_seterr(
			    err, errlen, TC_ERR_NOMEM, "out of memory");
		unknown = pango_layout_get_unknown_glyphs_count(l);
		extents(l, NULL, &w, &h);
		g_object_unref(l);
		if (unknown > 0)
			return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
			    "%s: '%s' has %d character%s that no installed font draws",
			    what, shown(ln[i].text, b, sizeof(b)), unknown,
			    unknown == 1 ? "" : "s");
		w *= ln[i].scale / REF_SIZE;
		h = ln[i].scale * LINE_PITCH;
		if (w > 0 && e->w / w < s)
			s = e->w / w;
		if (w > *widest)
			*widest = w;
		hsum += h;
	}
	if (hsum > 0 && e->h / hsum < s)
		s = e->h / hsum;
	/* A margin for the rounding of the device. */
	*size = fmin(s * 0.998, e->max);
	return 0;
}

/* The largest size at which paragraph text wraps into el's box. */
static int
fit_para(PangoContext *ctx, const struct line *ln, const struct el *e,
    double *size, const char *what, char *err, size_t errlen)
{
	PangoLayout *l;
	double lo = e->min, hi = e->max, mid, w, h;
	int k, unknown;

	*size = 0;
	for (k = 0; k < 12; k++) {
		mid = k == 0 ? e->max : k == 1 ? e->min : (lo + hi) / 2;
		if ((l = make_layout(ctx, ln, mid, e->w)) == NULL)
			return tc_seterr(
			    err, errlen, TC_ERR_NOMEM, "out of memory");
		unknown = pango_layout_get_unknown_glyphs_count(l);
		extents(l, NULL, &w, &h);
		g_object_unref(l);
		if (unknown > 0)
			return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
			    "%s: %d character%s that no installed font draws",
			    what, unknown, unknown == 1 ? "" : "s");
		if (w <= e->w * 1.0001 && h <= e->h) {
			*size = mid;
			if (k == 0)
				return 0;
			lo = mid;
		} else {
			if (k == 1)
				return 0; /* not even at the minimum */
			hi = mid;
		}
	}
	return 0;
}

/* Fits every element of layout li; refuses what does not fit. */
static int
fit_layout(
    struct tc_cardface *f, PangoContext *ctx, int li, char *err, size_t errlen)
{
	const struct layout *l = &f->lay[li];
	const char *lname = li == 0 ? f->where : "e-card layout";
	struct content c;
	double s = 0, best, widest, wmin = 0;
	char what[160], b[96];
	int i, a, r;

	for (i = 0; i < EL_N; i++) {
		if (!el_used(f, li, i))
			continue;
		snprintf(what, sizeof(what), "%s %s", f->card.programme->id,
		    el_names[i]);
		content_of(f, li, i, &c);
		if (c.para) {
			if ((r = fit_para(ctx, &c.line[0][0], &l->el[i], &s,
				 what, err, errlen)) != 0)
				return r;
			if (s == 0)
				return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
				    "%s (%s): the text does not fit its box even at %g pt",
				    what, lname, l->el[i].min);
			f->fit[li][i].size = s;
			continue;
		}
		best = 0;
		for (a = 0; a < 2 && c.n[a] > 0; a++) {
			if ((r = fit_lines(ctx, c.line[a], c.n[a], &l->el[i],
				 &s, &widest, what, err, errlen)) != 0)
				return r;
			if (a == 0)
				wmin = widest * l->el[i].min;
			if (s > best) {
				best = s;
				f->fit[li][i].arr = a;
			}
		}
		if (best >= l->el[i].min) {
			f->fit[li][i].size = best;
			continue;
		}
		if (i == EL_NAME)
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "card %s: the name '%s' does not fit on the %s even at the smallest size, %g %s: it needs %.1f %s, the box has %.1f",
			    f->card.card_no, shown(f->card.name, b, sizeof(b)),
			    li == 0 ? "card" : "e-card", l->el[i].min,
			    li == 0 ? "pt" : "px", wmin / l->unit,
			    li == 0 ? "mm" : "px", l->el[i].w / l->unit);
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s (%s): the text does not fit its box even at %g pt (the layout needs a larger box or a smaller minimum)",
		    what, lname, l->el[i].min);
	}
	return 0;
}

/* ---- photos ---- */

/*
 * Photos are decoded strictly: a JPEG for which libjpeg reports any
 * warning (a truncated file, corrupt data) or a PNG for which libpng's
 * simplified reader fails is refused, rather than printed with grey or
 * black where the data ends. The size comes from the header and is
 * checked before any pixel memory is allocated. EXIF orientation is not
 * applied: ID photos are taken upright.
 */
struct jpeg_fail {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
	char msg[JMSG_LENGTH_MAX];
};

static void
jpeg_fail_exit(j_common_ptr ci)
{
	struct jpeg_fail *jf = (struct jpeg_fail *)(void *)ci->err;

	(*ci->err->format_message)(ci, jf->msg);
	longjmp(jf->jb, 1);
}

/* Warnings (level -1) are errors here; trace messages are ignored. */
static void
jpeg_fail_message(j_common_ptr ci, int level)
{
	if (level < 0)
		jpeg_fail_exit(ci);
}

static void
jpeg_quiet(j_common_ptr ci)
{
	(void)ci;
}

/* RGB rows (3 bytes a pixel) into a new RGB24 image surface. */
static cairo_surface_t *
surface_rgb(const uint8_t *rgb, int w, int h, size_t stride)
{
	cairo_surface_t *s;
	uint32_t *row;
	const uint8_t *p;
	uint8_t *dst;
	int x, y, ds;

	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return NULL;
	}
	cairo_surface_flush(s);
	dst = cairo_image_surface_get_data(s);
	ds = cairo_image_surface_get_stride(s);
	for (y = 0; y < h; y++) {
		row = (uint32_t *)(void *)(dst + (size_t)y * (size_t)ds);
		p = rgb + (size_t)y * stride;
		for (x = 0; x < w; x++, p += 3)
			row[x] =
			    (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	}
	cairo_surface_mark_dirty(s);
	return s;
}

static int
jpeg_load(struct tc_cardface *f, const uint8_t *p, size_t len, const char *what,
    char *err, size_t errlen)
{
	struct jpeg_decompress_struct ci;
	struct jpeg_fail jf;
	uint8_t *volatile rgb = NULL;
	JSAMPROW row;
	size_t stride;
	int r;

	memset(&ci, 0, sizeof(ci));
	ci.err = jpeg_std_error(&jf.mgr);
	jf.mgr.error_exit = jpeg_fail_exit;
	jf.mgr.emit_message = jpeg_fail_message;
	jf.mgr.output_message = jpeg_quiet;
	jf.msg[0] = '\0';
	if (setjmp(jf.jb)) {
		jpeg_destroy_decompress(&ci);
		free(rgb);
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s (JPEG) does not decode: %s", what, jf.msg);
	}
	jpeg_create_decompress(&ci);
	ci.mem->max_memory_to_use = 256L << 20;
	jpeg_mem_src(&ci, p, (unsigned long)len);
	jpeg_read_header(&ci, TRUE);
	if (ci.image_width > TC_CARDFACE_PHOTO_MAX_SIDE ||
	    ci.image_height > TC_CARDFACE_PHOTO_MAX_SIDE) {
		r = tc_seterr(err, errlen, TC_ERR_RANGE,
		    "%s is %u x %u pixels; at most %d a side", what,
		    ci.image_width, ci.image_height,
		    TC_CARDFACE_PHOTO_MAX_SIDE);
		goto out;
	}
	if (ci.jpeg_color_space == JCS_CMYK ||
	    ci.jpeg_color_space == JCS_YCCK) {
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s is a CMYK JPEG; a photo is RGB or greyscale", what);
		goto out;
	}
	ci.out_color_space = JCS_RGB;
	jpeg_start_decompress(&ci);
	stride = (size_t)ci.output_width * 3;
	if ((rgb = malloc(stride * ci.output_height)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (ci.output_scanline < ci.output_height) {
		row = rgb + (size_t)ci.output_scanline * stride;
		jpeg_read_scanlines(&ci, &row, 1);
	}
	jpeg_finish_decompress(&ci);
	f->photo_w = (int)ci.output_width;
	f->photo_h = (int)ci.output_height;
	r = (f->photo = surface_rgb(rgb, f->photo_w, f->photo_h, stride)) ==
		NULL
	    ? tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory")
	    : 0;
out:
	jpeg_destroy_decompress(&ci);
	free(rgb);
	return r;
}

static int
png_load(struct tc_cardface *f, const uint8_t *p, size_t len, const char *what,
    char *err, size_t errlen)
{
	png_image img;
	png_color white = { 255, 255, 255 };
	uint8_t *rgb = NULL;
	int r = 0;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, p, len))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s (PNG) does not decode: %s", what, img.message);
	if (img.width > TC_CARDFACE_PHOTO_MAX_SIDE ||
	    img.height > TC_CARDFACE_PHOTO_MAX_SIDE) {
		png_image_free(&img);
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "%s is %u x %u pixels; at most %d a side", what, img.width,
		    img.height, TC_CARDFACE_PHOTO_MAX_SIDE);
	}
	/* Transparency is composed onto white. */
	img.format = PNG_FORMAT_RGB;
	if ((rgb = malloc(PNG_IMAGE_SIZE(img))) == NULL) {
		png_image_free(&img);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	}
	if (!png_image_finish_read(&img, &white, rgb, 0, NULL))
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s (PNG) does not decode: %s", what, img.message);
	else if ((f->photo = surface_rgb(rgb, (int)img.width, (int)img.height,
		      PNG_IMAGE_ROW_STRIDE(img))) == NULL)
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	else {
		f->photo_w = (int)img.width;
		f->photo_h = (int)img.height;
	}
	png_image_free(&img);
	free(rgb);
	return r;
}

static void
free_bytes(void *p)
{
	free(p);
}

/* Decodes a photo: its type is sniffed before a decoder sees it. */
static int
photo_load(struct tc_cardface *f, const uint8_t *p, size_t len, char *err,
    size_t errlen)
{
	struct tc_attach_info info;
	char what[96], msg[256];
	uint8_t *copy;
	int r;

	if (f->card.app_id != 0)
		snprintf(what, sizeof(what),
		    "card %s: the photo (application %lld)", f->card.card_no,
		    (long long)f->card.app_id);
	else
		snprintf(
		    what, sizeof(what), "card %s: the photo", f->card.card_no);
	if (p == NULL || len == 0) {
		if (f->card.app_id != 0)
			return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			    "card %s has no photo: application %lld has no photo attachment",
			    f->card.card_no, (long long)f->card.app_id);
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s has no photo: no application with a photo issued it",
		    f->card.card_no);
	}
	r = tc_attach_sniff(p, len, &info, msg, sizeof(msg));
	if (r == TC_ERR_UNSUPPORTED ||
	    (r == 0 && info.media != TC_MEDIA_JPEG &&
		info.media != TC_MEDIA_PNG))
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s is %s%s; a photo for printing is a JPEG or PNG image",
		    what,
		    r == 0 ? "a file of type "
			   : "not an image format known here",
		    r == 0 ? tc_media_type(info.media) : "");
	if (r != 0)
		return tc_seterr(err, errlen, r, "%s is broken: %s", what, msg);
	if (info.width > TC_CARDFACE_PHOTO_MAX_SIDE ||
	    info.height > TC_CARDFACE_PHOTO_MAX_SIDE)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "%s is %u x %u pixels; at most %d a side", what, info.width,
		    info.height, TC_CARDFACE_PHOTO_MAX_SIDE);
	if (info.media == TC_MEDIA_PNG)
		return png_load(f, p, len, what, err, errlen);
	if ((r = jpeg_load(f, p, len, what, err, errlen)) != 0)
		return r;
	/* A PDF carries the JPEG as it came. */
	if ((copy = malloc(len)) != NULL) {
		memcpy(copy, p, len);
		if (cairo_surface_set_mime_data(f->photo, CAIRO_MIME_TYPE_JPEG,
			copy, len, free_bytes, copy) != CAIRO_STATUS_SUCCESS)
			free(copy);
	}
	return 0;
}

/* The photo against its box on layout li: enough pixels, right shape. */
static int
photo_fits(const struct tc_cardface *f, int li, char *err, size_t errlen)
{
	const struct el *b = &f->lay[li].photo;
	double k, crop, dpi, need;

	/* Scaled to cover the box: k box units per photo pixel. */
	k = fmax(b->w / f->photo_w, b->h / f->photo_h);
	crop = 1 - (b->w * b->h) / (f->photo_w * k * f->photo_h * k);
	if (crop > TC_CARDFACE_PHOTO_CROP_MAX)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "card %s: the photo is %d x %d pixels, a shape too far from its box (%.1f x %.1f %s): %.0f%% would be cut off, at most %.0f%%",
		    f->card.card_no, f->photo_w, f->photo_h,
		    b->w / f->lay[li].unit, b->h / f->lay[li].unit,
		    li == 0 ? "mm" : "px", crop * 100,
		    TC_CARDFACE_PHOTO_CROP_MAX * 100);
	if (li == 0) {
		dpi = 72.0 / k;
		if (dpi < TC_CARDFACE_PHOTO_MIN_DPI)
			return tc_seterr(err, errlen, TC_ERR_RANGE,
			    "card %s: the photo is %d x %d pixels, too small for its %.1f x %.1f mm box: %.0f pixels per inch, at least %d (%.0f x %.0f pixels)",
			    f->card.card_no, f->photo_w, f->photo_h,
			    b->w / PT_PER_MM, b->h / PT_PER_MM, dpi,
			    TC_CARDFACE_PHOTO_MIN_DPI,
			    ceil(b->w / 72.0 * TC_CARDFACE_PHOTO_MIN_DPI),
			    ceil(b->h / 72.0 * TC_CARDFACE_PHOTO_MIN_DPI));
	} else {
		need = 0.5;
		if (1 / k < need)
			return tc_seterr(err, errlen, TC_ERR_RANGE,
			    "card %s: the photo is %d x %d pixels, too small for the e-card's %.0f x %.0f pixel box",
			    f->card.card_no, f->photo_w, f->photo_h, b->w,
			    b->h);
	}
	return 0;
}

/* ---- preparing ---- */

static const struct {
	const char *id, *zh, *en;
} relations[] = {
	{ "spouse", "配偶", "Spouse" },
	{ "child", "子女", "Child" },
	{ "parent", "父母", "Parent" },
	{ "parent-in-law", "配偶父母", "Parent-in-law" },
};

/* Splits a Latin name at the space nearest its middle. */
static void
split_name(struct tc_cardface *f)
{
	const char *s = f->card.name, *best = NULL;
	size_t n = strlen(s), i;
	double mid = (double)n / 2;

	f->name1[0] = f->name2[0] = '\0';
	for (i = 1; i + 1 < n; i++)
		if (s[i] == ' ' &&
		    (best == NULL ||
			fabs((double)i - mid) < fabs((double)(best - s) - mid)))
			best = s + i;
	if (best == NULL)
		return;
	snprintf(f->name1, sizeof(f->name1), "%.*s", (int)(best - s), s);
	snprintf(f->name2, sizeof(f->name2), "%s", best + 1);
}

static char *
join(const char *a, const char *sep, const char *b)
{
	size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s%s%s", a, sep, b);
	return s;
}

/* s without the prefix pre, or after the last sep, or s. */
static const char *
after(const char *s, const char *pre, const char *sep)
{
	const char *p, *last = NULL;
	size_t n = strlen(pre);

	if (sep != NULL)
		for (p = s; (p = strstr(p, sep)) != NULL; p += strlen(sep))
			last = p + strlen(sep);
	if (last != NULL && *last != '\0')
		return last;
	if (strncmp(s, pre, n) == 0 && s[n] != '\0')
		return s[n] == ' ' ? s + n + 1 : s + n;
	return s;
}

/*
 * A choice value that is the id of one of the programme's ID document
 * types or work types ("passport") as its names ("外国护照 Foreign
 * passport"); anything else as it is.
 */
static void
put_value(struct tc_buf *b, const struct tc_programme *p,
    const struct tc_field *fd, const char *v)
{
	const struct tc_application *a = &p->application;
	size_t i;

	for (i = 0; fd->type == TC_FIELD_CHOICE && i < a->n_id_types; i++)
		if (strcmp(a->id_types[i].id, v) == 0) {
			tc_buf_printf(b, "%s %s", a->id_types[i].names.zh,
			    a->id_types[i].names.en);
			return;
		}
	for (i = 0; fd->type == TC_FIELD_CHOICE && i < a->n_work_types; i++)
		if (strcmp(a->work_types[i].id, v) == 0) {
			tc_buf_printf(b, "%s %s", a->work_types[i].names.zh,
			    a->work_types[i].names.en);
			return;
		}
	tc_buf_puts(b, v);
}

/*
 * The details' lines: per line, "性别 Sex 男" for each field the form has
 * a value for, " · " between; NULL (and 0) when no field has one.
 */
static int
make_details(struct tc_cardface *f, char *err, size_t errlen)
{
	const struct tc_face *fc = &f->card.programme->face;
	const struct tc_field *fd;
	struct tc_buf b;
	size_t i, n = 0;
	int r, line = 0;

	tc_buf_init(&b, 0);
	for (i = 0; i < fc->n_details; i++) {
		fd = fc->detail[i].field;
		if (f->card.detail[i][0] == '\0')
			continue;
		if ((r = text_ok(
			 fd->names.en, f->card.detail[i], err, errlen)) != 0) {
			tc_buf_release(&b);
			return r;
		}
		if (n > 0)
			tc_buf_puts(
			    &b, fc->detail[i].line != line ? "\n" : " · ");
		line = fc->detail[i].line;
		tc_buf_printf(&b, "%s %s ", fd->names.zh, fd->names.en);
		put_value(&b, f->card.programme, fd, f->card.detail[i]);
		n++;
	}
	if (n > 0 && tc_buf_error(&b) == 0 &&
	    (f->details = (char *)tc_buf_detach(&b, NULL)) == NULL)
		r = TC_ERR_NOMEM;
	else
		r = tc_buf_error(&b);
	tc_buf_release(&b);
	return r != 0 ? tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory")
		      : 0;
}

/* The texts of the face from the card data. */
static int
make_texts(
    struct tc_cardface *f, const struct tc_tier *t, char *err, size_t errlen)
{
	const struct tc_cardface_card *c = &f->card;
	const struct tc_programme *p = c->programme;
	const struct tc_face_tier *ft = tc_face_tier_find(&p->face, t->id);
	const char *rz = c->relation, *re = c->relation;
	char from[TC_DATE_TEXT], to[TC_DATE_TEXT], g[20];
	char *a = NULL, *b = NULL;
	size_t i;
	int r;

	if (ft != NULL) {
		snprintf(f->label_zh, sizeof(f->label_zh), "%s", ft->label.zh);
		snprintf(f->label_en, sizeof(f->label_en), "%s", ft->label.en);
	} else if (t->kind == TC_TIER_SUB) {
		snprintf(f->label_zh, sizeof(f->label_zh), "副证");
		snprintf(f->label_en, sizeof(f->label_en), "Sub-card");
	} else {
		/* The tier's names without the programme's ("广州市人才绿卡A卡"
		 * gives "A卡", "Yunju Talent Card, Diamond" "Diamond"). */
		snprintf(f->label_zh, sizeof(f->label_zh), "%s",
		    after(t->names.zh, p->names.zh, NULL));
		snprintf(f->label_en, sizeof(f->label_en), "%s",
		    after(t->names.en, p->names.en, ", "));
	}
	tc_cardno_group(c->card_no, f->grouped);
	snprintf(f->id_line, sizeof(f->id_line), CAPTION_ID "%s", c->id_masked);
	tc_date_format(tc_day_of_time(c->issued_at), from);
	tc_date_format(tc_day_of_time(c->expires_at - 1), to);
	snprintf(f->valid_line, sizeof(f->valid_line), CAPTION_VALID "%s – %s",
	    from, to);
	if (c->principal_no[0] != '\0') {
		for (i = 0; i < sizeof(relations) / sizeof(relations[0]); i++)
			if (strcmp(relations[i].id, c->relation) == 0) {
				rz = relations[i].zh;
				re = relations[i].en;
			}
		tc_cardno_group(c->principal_no, g);
		snprintf(f->sub_line, sizeof(f->sub_line),
		    "副证 Sub-card · %s %s · 主卡 Main card %s", rz, re, g);
	}
	split_name(f);
	if (p->face.set)
		f->verify =
		    join(p->face.verify_text.zh, "\n", p->face.verify_text.en);
	else
		f->verify = join(default_verify_zh, "\n", default_verify_en);
	a = join("发卡机构 ", p->authority.zh, "");
	b = join("Issued by ", p->authority.en, "");
	if (a != NULL && b != NULL)
		f->authority = join(a, "\n", b);
	free(a);
	free(b);
	if (f->verify == NULL || f->authority == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	if ((r = text_ok("the name", c->name, err, errlen)) != 0 ||
	    (r = text_ok("the name's translation", c->name_zh, err, errlen)) !=
		0 ||
	    (r = text_ok("the masked ID number", c->id_masked, err, errlen)) !=
		0 ||
	    (r = text_ok("the label", f->label_zh, err, errlen)) != 0 ||
	    (r = text_ok("the label", f->label_en, err, errlen)) != 0)
		return r;
	return make_details(f, err, errlen);
}

/* Every box of the card layout inside the printer's safe margin. */
static int
safe_ok(const struct tc_cardface *f, char *err, size_t errlen)
{
	const struct layout *l = &f->lay[0];
	const struct el *e;
	double m = f->opts.safe_mm * PT_PER_MM, d;
	int i;

	for (i = 0; i < EL_N + 2; i++) {
		e = i < EL_N ? &l->el[i] : i == EL_N ? &l->photo : &l->qr;
		if (!e->set || (i < EL_N && !el_used(f, 0, i)))
			continue;
		d = fmin(fmin(e->x, e->y),
		    fmin(l->w - e->x - e->w, l->h - e->y - e->h));
		if (d < m - 1e-6)
			return tc_seterr(err, errlen, TC_ERR_RANGE,
			    "programme %s (%s): %s comes within %.2f mm of the card's edge; the printer's safe margin is %.2f mm",
			    f->card.programme->id, f->where,
			    i < EL_N	    ? el_names[i]
				: i == EL_N ? "front.photo"
					    : "back.qr",
			    d / PT_PER_MM, f->opts.safe_mm);
	}
	return 0;
}

/*
 * On a card with a contact chip, no box of the front on the ISO/IEC
 * 7816-2 contact field: the printer would print on the contacts (or stop
 * at them) and the text or photo would come out broken.
 */
static int
contact_ok(const struct tc_cardface *f, char *err, size_t errlen)
{
	const struct layout *l = &f->lay[0];
	const struct el *e;
	double x0 = TC_FACE_CONTACT_X0_MM * PT_PER_MM,
	       x1 = TC_FACE_CONTACT_X1_MM * PT_PER_MM,
	       y0 = TC_FACE_CONTACT_Y0_MM * PT_PER_MM,
	       y1 = TC_FACE_CONTACT_Y1_MM * PT_PER_MM;
	int i;

	if (!l->contact)
		return 0;
	for (i = 0; i <= EL_N; i++) {
		e = i < EL_N ? &l->el[i] : &l->photo;
		if (!e->set || (i < EL_N && strncmp(el_names[i], "front.", 6)))
			continue;
		if (e->x < x1 && e->x + e->w > x0 && e->y < y1 &&
		    e->y + e->h > y0)
			return tc_seterr(err, errlen, TC_ERR_RANGE,
			    "programme %s (%s): %s [%.2f, %.2f, %.2f, %.2f] overlaps the chip's contact area (ISO/IEC 7816-2: %.2f to %.2f mm from the left edge, %.2f to %.2f mm from the top)",
			    f->card.programme->id, f->where,
			    i < EL_N ? el_names[i] : "front.photo",
			    e->x / PT_PER_MM, e->y / PT_PER_MM,
			    e->w / PT_PER_MM, e->h / PT_PER_MM,
			    TC_FACE_CONTACT_X0_MM, TC_FACE_CONTACT_X1_MM,
			    TC_FACE_CONTACT_Y0_MM, TC_FACE_CONTACT_Y1_MM);
	}
	return 0;
}

static int
opts_ok(const struct tc_cardface_opts *o, char *err, size_t errlen)
{
	if (!(o->bleed_mm >= 0 && o->bleed_mm <= TC_CARDFACE_BLEED_MAX))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "bleed: %g mm; 0 to %g", o->bleed_mm,
		    TC_CARDFACE_BLEED_MAX);
	if (!(o->safe_mm >= 0 && o->safe_mm <= TC_CARDFACE_SAFE_MAX))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "safe margin: %g mm; 0 to %g", o->safe_mm,
		    TC_CARDFACE_SAFE_MAX);
	if (o->dpi < TC_CARDFACE_DPI_MIN || o->dpi > TC_CARDFACE_DPI_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "resolution: %d dpi; %d to %d", o->dpi, TC_CARDFACE_DPI_MIN,
		    TC_CARDFACE_DPI_MAX);
	return 0;
}

static int
qr_ok(struct tc_cardface *f, const char *text, char *err, size_t errlen)
{
	const struct el *b = &f->lay[0].qr;
	double mm;
	int r, n;

	if (text == NULL || text[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s: no e-card text for the QR code", f->card.card_no);
	if ((r = tc_qr_encode(&f->qr, text, err, errlen)) != 0)
		return r;
	f->have_qr = 1;
	n = f->qr.size + 2 * TC_QR_QUIET_ZONE;
	mm = fmin(b->w, b->h) / PT_PER_MM / n;
	if ((f->sides & TC_CARDFACE_BIT(TC_CARDFACE_BACK)) &&
	    mm < QR_MODULE_MIN_MM)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "card %s: the QR code (version %d) would print at %.2f mm a module in its %.1f mm box; at least %.2f",
		    f->card.card_no, f->qr.version, mm,
		    fmin(b->w, b->h) / PT_PER_MM, QR_MODULE_MIN_MM);
	return 0;
}

int
tc_cardface_prepare(struct tc_cardface **out,
    const struct tc_cardface_card *card, const uint8_t *photo, size_t photo_len,
    const char *qr_text, const struct tc_cardface_opts *opts, unsigned sides,
    char *err, size_t errlen)
{
	const unsigned all =
	    TC_CARDFACE_CARD | TC_CARDFACE_BIT(TC_CARDFACE_ECARD);
	struct tc_cardface *f = NULL;
	const struct tc_tier *t;
	PangoContext *ctx = NULL;
	PangoFontMap *fm;
	int r = TC_ERR_INTERNAL, li;

	if (out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no output");
	*out = NULL;
	if (card == NULL || card->programme == NULL || sides == 0 ||
	    (sides & ~all) != 0 || strlen(card->card_no) != 16 ||
	    card->name[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no card data, no programme, card number or name, or no side");
	if ((t = tc_programme_tier(card->programme, card->tier)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card %s: programme %s has no tier '%.64s'", card->card_no,
		    card->programme->id, card->tier);
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	f->card = *card;
	f->sides = sides;
	if (opts != NULL)
		f->opts = *opts;
	else
		tc_cardface_opts_default(&f->opts);
	if ((r = opts_ok(&f->opts, err, errlen)) != 0)
		goto out;
	make_layouts(f, card->programme, t);
	if ((r = make_texts(f, t, err, errlen)) != 0)
		goto out;
	if ((sides & TC_CARDFACE_CARD) &&
	    ((r = safe_ok(f, err, errlen)) != 0 ||
		(r = contact_ok(f, err, errlen)) != 0))
		goto out;
	if (sides &
	    (TC_CARDFACE_BIT(TC_CARDFACE_FRONT) |
		TC_CARDFACE_BIT(TC_CARDFACE_ECARD))) {
		if ((r = photo_load(f, photo, photo_len, err, errlen)) != 0)
			goto out;
		if ((sides & TC_CARDFACE_BIT(TC_CARDFACE_FRONT)) &&
		    (r = photo_fits(f, 0, err, errlen)) != 0)
			goto out;
		if ((sides & TC_CARDFACE_BIT(TC_CARDFACE_ECARD)) &&
		    (r = photo_fits(f, 1, err, errlen)) != 0)
			goto out;
	}
	if ((sides &
		(TC_CARDFACE_BIT(TC_CARDFACE_BACK) |
		    TC_CARDFACE_BIT(TC_CARDFACE_ECARD))) &&
	    (r = qr_ok(f, qr_text, err, errlen)) != 0)
		goto out;
	if ((r = fonts_ok(err, errlen)) != 0)
		goto out;
	fm = pango_cairo_font_map_get_default();
	if ((ctx = pango_font_map_create_context(fm)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	setup_context(ctx);
	for (li = 0; li < 2; li++)
		if ((r = fit_layout(f, ctx, li, err, errlen)) != 0)
			goto out;
	*out = f;
	f = NULL;
	r = 0;
out:
	if (ctx != NULL)
		g_object_unref(ctx);
	tc_cardface_free(f);
	return r;
}

void
tc_cardface_free(struct tc_cardface *f)
{
	if (f == NULL)
		return;
	if (f->photo != NULL)
		cairo_surface_destroy(f->photo);
	tc_qr_release(&f->qr);
	free(f->verify);
	free(f->authority);
	if (f->details != NULL) /* sex, birth date...: personal */
		tc_wipe_free(f->details, strlen(f->details));
	memset(f, 0, sizeof(*f));
	free(f);
}

void
tc_cardface_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
	fonts_checked = 0;
}

double
tc_cardface_name_size(const struct tc_cardface *f, enum tc_cardface_side side)
{
	if (f == NULL || !(f->sides & TC_CARDFACE_BIT(side)) ||
	    side == TC_CARDFACE_BACK)
		return 0;
	return f->fit[side == TC_CARDFACE_ECARD][EL_NAME].size;
}

void
tc_cardface_size(const struct tc_cardface *f, enum tc_cardface_side side,
    double *w_pt, double *h_pt, int *w_px, int *h_px)
{
	double b = f->opts.bleed_mm, wm, hm;

	if (side == TC_CARDFACE_ECARD) {
		if (w_pt != NULL)
			*w_pt = TC_CARDFACE_ECARD_W;
		if (h_pt != NULL)
			*h_pt = TC_CARDFACE_ECARD_H;
		if (w_px != NULL)
			*w_px = TC_CARDFACE_ECARD_W;
		if (h_px != NULL)
			*h_px = TC_CARDFACE_ECARD_H;
		return;
	}
	wm = TC_FACE_CARD_W_MM + 2 * b;
	hm = TC_FACE_CARD_H_MM + 2 * b;
	if (w_pt != NULL)
		*w_pt = wm * PT_PER_MM;
	if (h_pt != NULL)
		*h_pt = hm * PT_PER_MM;
	if (w_px != NULL)
		*w_px = (int)lround(wm / 25.4 * f->opts.dpi);
	if (h_px != NULL)
		*h_px = (int)lround(hm / 25.4 * f->opts.dpi);
}

/* ---- drawing ---- */

static void
set_rgb(cairo_t *cr, uint32_t rgb)
{
	cairo_set_source_rgb(cr, (double)(rgb >> 16 & 0xff) / 255.0,
	    (double)(rgb >> 8 & 0xff) / 255.0, (double)(rgb & 0xff) / 255.0);
}

/* A colour halfway between ink and paper, for captions. */
static uint32_t
mix(uint32_t a, uint32_t b)
{
	uint32_t r = 0;
	int k;

	for (k = 0; k < 3; k++)
		r |= (((a >> (8 * k) & 0xff) + (b >> (8 * k) & 0xff)) / 2)
		    << (8 * k);
	return r;
}

static void
caption_attr(PangoLayout *l, size_t caption, uint32_t rgb)
{
	PangoAttrList *al;
	PangoAttribute *at;

	if (caption == 0)
		return;
	al = pango_attr_list_new();
	at = pango_attr_foreground_new((guint16)((rgb >> 16 & 0xff) * 257),
	    (guint16)((rgb >> 8 & 0xff) * 257), (guint16)((rgb & 0xff) * 257));
	at->start_index = 0;
	at->end_index = (guint)caption;
	pango_attr_list_insert(al, at);
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
}

static void
draw_text(
    const struct tc_cardface *f, cairo_t *cr, PangoContext *ctx, int li, int i)
{
	const struct layout *l = &f->lay[li];
	const struct el *e = &l->el[i];
	const struct fit *ft = &f->fit[li][i];
	uint32_t ink, cap;
	PangoLayout *pl[MAX_LINES];
	double x, w, h[MAX_LINES], tot = 0, y, base;
	struct content c;
	int k, n;

	content_of(f, li, i, &c);
	ink = c.on_band ? l->band_text : l->ink;
	cap = c.on_band ? ink : mix(l->ink, l->paper);
	if (c.para) {
		if ((pl[0] = make_layout(ctx, &c.line[0][0], ft->size, e->w)) ==
		    NULL)
			return;
		caption_attr(pl[0], c.line[0][0].caption, cap);
		set_rgb(cr, ink);
		cairo_move_to(cr, e->x, e->y);
		pango_cairo_show_layout(cr, pl[0]);
		g_object_unref(pl[0]);
		return;
	}
	n = c.n[ft->arr];
	for (k = 0; k < n; k++) {
		pl[k] = make_layout(ctx, &c.line[ft->arr][k], ft->size, 0);
		if (pl[k] == NULL) {
			while (k-- > 0)
				g_object_unref(pl[k]);
			return;
		}
		caption_attr(pl[k], c.line[ft->arr][k].caption, cap);
		h[k] = ft->size * c.line[ft->arr][k].scale;
		tot += h[k] * LINE_PITCH;
	}
	/* The block of lines is centred; each line sits on its baseline. */
	y = e->y + (e->h - tot) / 2;
	set_rgb(cr, ink);
	for (k = 0; k < n; k++) {
		extents(pl[k], &x, &w, &base);
		base = (double)pango_layout_get_baseline(pl[k]) / PANGO_SCALE;
		cairo_move_to(cr, c.right ? e->x + e->w - w - x : e->x - x,
		    y + LINE_ASCENT * h[k] - base);
		pango_cairo_show_layout(cr, pl[k]);
		y += h[k] * LINE_PITCH;
		g_object_unref(pl[k]);
	}
}

static void
draw_photo(
    const struct tc_cardface *f, cairo_t *cr, const struct el *b, int raster)
{
	cairo_pattern_t *pat;
	double k = fmax(b->w / f->photo_w, b->h / f->photo_h);

	cairo_save(cr);
	cairo_rectangle(cr, b->x, b->y, b->w, b->h);
	cairo_clip(cr);
	cairo_translate(cr, b->x + (b->w - f->photo_w * k) / 2,
	    b->y + (b->h - f->photo_h * k) / 2);
	cairo_scale(cr, k, k);
	cairo_set_source_surface(cr, f->photo, 0, 0);
	pat = cairo_get_source(cr);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_GOOD);
	/* Pad on images for clean edges; a PDF keeps the plain image (and
	 * the JPEG as it came). */
	if (raster)
		cairo_pattern_set_extend(pat, CAIRO_EXTEND_PAD);
	cairo_paint(cr);
	cairo_restore(cr);
}

/*
 * The QR code, quiet zone included, as the largest square in b. On an
 * image every module gets the same whole number of pixels, so that a
 * scanner sees straight edges; in a PDF the modules are exact.
 */
static void
draw_qr(
    const struct tc_cardface *f, cairo_t *cr, const struct el *b, int raster)
{
	const struct tc_qr *q = &f->qr;
	int n = q->size + 2 * TC_QR_QUIET_ZONE, x, y, run, px;
	double side = fmin(b->w, b->h), x0, y0, m, dx0, dy0, dx1, dy1;

	x0 = b->x + (b->w - side) / 2;
	y0 = b->y + (b->h - side) / 2;
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x0, y0, side, side);
	cairo_fill(cr);
	m = side / n;
	if (raster) {
		dx0 = x0;
		dy0 = y0;
		dx1 = x0 + side;
		dy1 = y0 + side;
		cairo_user_to_device(cr, &dx0, &dy0);
		cairo_user_to_device(cr, &dx1, &dy1);
		px = (int)floor(fmin(dx1 - dx0, dy1 - dy0) / n);
		if (px >= 1) {
			cairo_identity_matrix(cr);
			x0 = round(dx0 + (dx1 - dx0 - px * n) / 2.0);
			y0 = round(dy0 + (dy1 - dy0 - px * n) / 2.0);
			m = px;
			cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
		}
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (y = 0; y < q->size; y++)
		for (x = 0; x < q->size; x++) {
			if (!q->modules[y * q->size + x])
				continue;
			for (run = 1; x + run < q->size &&
			     q->modules[y * q->size + x + run];
			     run++)
				;
			cairo_rectangle(cr, x0 + (x + TC_QR_QUIET_ZONE) * m,
			    y0 + (y + TC_QR_QUIET_ZONE) * m, run * m, m);
			x += run - 1;
		}
	cairo_fill(cr);
	cairo_restore(cr);
}

int
tc_cardface_draw(const struct tc_cardface *f, enum tc_cardface_side side,
    cairo_t *cr, int raster)
{
	const struct layout *l;
	PangoContext *ctx;
	double b = 0, w, h;
	int li = side == TC_CARDFACE_ECARD, i;
	cairo_status_t st;

	if (f == NULL || cr == NULL || !(f->sides & TC_CARDFACE_BIT(side)))
		return TC_ERR_INVALID_ARG;
	l = &f->lay[li];
	if (!li)
		b = f->opts.bleed_mm * PT_PER_MM;
	w = l->w + 2 * b;
	h = l->h + 2 * b;
	cairo_save(cr);
	set_rgb(cr, l->paper);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_fill(cr);
	cairo_translate(cr, b, b);
	if (l->band > 0) {
		set_rgb(cr, l->band_rgb);
		cairo_rectangle(cr, -b, -b, w, l->band + b);
		cairo_fill(cr);
	}
	if ((ctx = pango_cairo_create_context(cr)) == NULL) {
		cairo_restore(cr);
		return TC_ERR_NOMEM;
	}
	setup_context(ctx);
	pango_cairo_update_context(cr, ctx);
	if (side != TC_CARDFACE_BACK)
		draw_photo(f, cr, &l->photo, raster);
	if (side != TC_CARDFACE_FRONT)
		draw_qr(f, cr, &l->qr, raster);
	for (i = 0; i < EL_N; i++) {
		if (!el_used(f, li, i))
			continue;
		if (side == TC_CARDFACE_FRONT &&
		    (i == EL_VERIFY || i == EL_AUTH))
			continue;
		if (side == TC_CARDFACE_BACK && i != EL_TITLE &&
		    i != EL_VERIFY && i != EL_AUTH)
			continue;
		draw_text(f, cr, ctx, li, i);
	}
	g_object_unref(ctx);
	cairo_restore(cr);
	st = cairo_status(cr);
	if (st == CAIRO_STATUS_NO_MEMORY)
		return TC_ERR_NOMEM;
	return st == CAIRO_STATUS_SUCCESS ? 0 : TC_ERR_INTERNAL;
}

/* ---- PNG ---- */

/* One row of an RGB24 surface as 8-bit RGB. */
static void
surface_row(void *arg, int y, uint8_t *row)
{
	cairo_surface_t *s = arg;
	const uint8_t *data = cairo_image_surface_get_data(s);
	const uint32_t *px = (const uint32_t *)(const void *)(data +
	    (size_t)y * (size_t)cairo_image_surface_get_stride(s));
	int x, w = cairo_image_surface_get_width(s);

	for (x = 0; x < w; x++) {
		row[3 * x] = (uint8_t)(px[x] >> 16);
		row[3 * x + 1] = (uint8_t)(px[x] >> 8);
		row[3 * x + 2] = (uint8_t)px[x];
	}
}

/* Writes an RGB24 surface as an 8-bit RGB PNG with dpi (0: none). */
static int
write_png(
    cairo_surface_t *s, int dpi, struct tc_buf *out, char *err, size_t errlen)
{
	struct tc_png_spec spec;

	cairo_surface_flush(s);
	memset(&spec, 0, sizeof(spec));
	spec.width = cairo_image_surface_get_width(s);
	spec.height = cairo_image_surface_get_height(s);
	spec.bit_depth = 8;
	spec.color = TC_PNG_RGB;
	spec.srgb = 1;
	spec.dpi = dpi;
	/* Flat areas and sharp edges: the Sub filter at level 1 is 1.5 times
	 * faster than level 6 for files 15% larger (bench-cardface). */
	spec.level = 1;
	spec.filter = PNG_FILTER_SUB;
	return tc_png_write(out, &spec, surface_row, s, "", err, errlen);
}

int
tc_cardface_png(const struct tc_cardface *f, enum tc_cardface_side side,
    struct tc_buf *out, char *err, size_t errlen)
{
	cairo_surface_t *s;
	cairo_t *cr;
	int w, h, r;

	if (f == NULL || out == NULL || !(f->sides & TC_CARDFACE_BIT(side)))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the side was not prepared");
	tc_cardface_size(f, side, NULL, NULL, &w, &h);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cr = cairo_create(s);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		cairo_destroy(cr);
		cairo_surface_destroy(s);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	}
	if (side != TC_CARDFACE_ECARD)
		cairo_scale(cr, f->opts.dpi / 72.0, f->opts.dpi / 72.0);
	if ((r = tc_cardface_draw(f, side, cr, 1)) != 0)
		tc_seterr(err, errlen, r, "drawing failed: %s",
		    cairo_status_to_string(cairo_status(cr)));
	cairo_destroy(cr);
	if (r == 0)
		r = write_png(s, side != TC_CARDFACE_ECARD ? f->opts.dpi : 0,
		    out, err, errlen);
	cairo_surface_destroy(s);
	return r;
}

/* ---- PDF ---- */

/*
 * cairo's PDF goes through a tc_pdfbox filter to the caller's write: it
 * adds the TrimBox and BleedBox cairo cannot set (include/tcard/pdfbox.h).
 */
struct tc_cardface_book {
	cairo_surface_t *s;
	cairo_t *cr;
	struct tc_pdfbox *box;
	double bleed;
	size_t pages;
	int failed; /* the filter or the write callback refused */
};

static cairo_status_t
book_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct tc_cardface_book *b = closure;

	if (b->failed || tc_pdfbox_write(b->box, data, len) != 0) {
		b->failed = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static int
book_status(struct tc_cardface_book *b, char *err, size_t errlen)
{
	cairo_status_t st = cairo_surface_status(b->s);

	if (st == CAIRO_STATUS_SUCCESS && b->cr != NULL)
		st = cairo_status(b->cr);
	if (b->failed)
		return tc_seterr(err, errlen, TC_ERR_IO, "PDF: writing failed");
	if (st == CAIRO_STATUS_SUCCESS)
		return 0;
	return tc_seterr(err, errlen,
	    st == CAIRO_STATUS_NO_MEMORY ? TC_ERR_NOMEM : TC_ERR_INTERNAL,
	    "PDF: %s", cairo_status_to_string(st));
}

int
tc_cardface_book_new(struct tc_cardface_book **out,
    const struct tc_cardface_opts *opts,
    int (*write)(void *arg, const uint8_t *p, size_t n), void *arg, char *err,
    size_t errlen)
{
	struct tc_cardface_opts o;
	struct tc_cardface_book *b;
	int r;

	if (out == NULL || write == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no output");
	*out = NULL;
	if (opts != NULL)
		o = *opts;
	else
		tc_cardface_opts_default(&o);
	if ((r = opts_ok(&o, err, errlen)) != 0)
		return r;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	b->bleed = o.bleed_mm;
	if (tc_pdfbox_new(&b->box, o.bleed_mm * PT_PER_MM, write, arg) != 0) {
		free(b);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	}
	b->s = cairo_pdf_surface_create_for_stream(book_write, b,
	    (TC_FACE_CARD_W_MM + 2 * o.bleed_mm) * PT_PER_MM,
	    (TC_FACE_CARD_H_MM + 2 * o.bleed_mm) * PT_PER_MM);
	cairo_pdf_surface_set_metadata(
	    b->s, CAIRO_PDF_METADATA_TITLE, "talentcard card faces");
	cairo_pdf_surface_set_metadata(
	    b->s, CAIRO_PDF_METADATA_CREATOR, "talentcard");
	b->cr = cairo_create(b->s);
	if ((r = book_status(b, err, errlen)) != 0) {
		tc_cardface_book_free(b);
		return r;
	}
	*out = b;
	return 0;
}

int
tc_cardface_book_add(struct tc_cardface_book *b, const struct tc_cardface *f,
    char *err, size_t errlen)
{
	int r, side;

	if (b == NULL || f == NULL ||
	    (f->sides & TC_CARDFACE_CARD) != TC_CARDFACE_CARD ||
	    fabs(f->opts.bleed_mm - b->bleed) > 1e-9)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the face is not prepared for printing with this bleed");
	if ((r = book_status(b, err, errlen)) != 0)
		return r;
	for (side = TC_CARDFACE_FRONT; side <= TC_CARDFACE_BACK; side++) {
		r = tc_cardface_draw(f, side, b->cr, 0);
		if (r != 0 && (r = book_status(b, err, errlen)) == 0)
			r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
			    "PDF: drawing failed");
		if (r != 0)
			return r;
		cairo_show_page(b->cr);
		if ((r = book_status(b, err, errlen)) != 0)
			return r;
		b->pages++;
	}
	return 0;
}

int
tc_cardface_book_finish(struct tc_cardface_book *b, char *err, size_t errlen)
{
	int r;

	if (b == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no book");
	if ((r = book_status(b, err, errlen)) != 0)
		return r;
	cairo_destroy(b->cr);
	b->cr = NULL;
	cairo_surface_finish(b->s);
	if ((r = book_status(b, err, errlen)) != 0)
		return r;
	return tc_pdfbox_finish(b->box, err, errlen);
}

void
tc_cardface_book_free(struct tc_cardface_book *b)
{
	if (b == NULL)
		return;
	if (b->cr != NULL)
		cairo_destroy(b->cr);
	if (b->s != NULL)
		cairo_surface_destroy(b->s);
	tc_pdfbox_free(b->box);
	free(b);
}

size_t
tc_cardface_book_pages(const struct tc_cardface_book *b)
{
	return b != NULL ? b->pages : 0;
}

static int
buf_write(void *arg, const uint8_t *p, size_t n)
{
	return tc_buf_put(arg, p, n);
}

int
tc_cardface_pdf(
    const struct tc_cardface *f, struct tc_buf *out, char *err, size_t errlen)
{
	struct tc_cardface_book *b = NULL;
	size_t start;
	int r;

	if (f == NULL || out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no face");
	start = out->len;
	if ((r = tc_cardface_book_new(
		 &b, &f->opts, buf_write, out, err, errlen)) == 0 &&
	    (r = tc_cardface_book_add(b, f, err, errlen)) == 0)
		r = tc_cardface_book_finish(b, err, errlen);
	tc_cardface_book_free(b);
	if (r == TC_ERR_IO)
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "PDF: larger than the output buffer allows");
	if (r != 0)
		tc_buf_truncate(out, start);
	return r;
}

/* ---- sample photos ---- */

/* Encodes an RGB24 surface as a baseline JPEG of quality 90. */
static int
jpeg_save(cairo_surface_t *s, struct tc_buf *out, char *err, size_t errlen)
{
	struct jpeg_compress_struct ci;
	struct jpeg_fail jf;
	unsigned char *mem = NULL;
	unsigned long size = 0;
	uint8_t *volatile row = NULL;
	const uint32_t *px;
	const uint8_t *data;
	JSAMPROW rp;
	int w, h, stride, x, r;

	cairo_surface_flush(s);
	w = cairo_image_surface_get_width(s);
	h = cairo_image_surface_get_height(s);
	stride = cairo_image_surface_get_stride(s);
	data = cairo_image_surface_get_data(s);
	memset(&ci, 0, sizeof(ci));
	ci.err = jpeg_std_error(&jf.mgr);
	jf.mgr.error_exit = jpeg_fail_exit;
	jf.mgr.output_message = jpeg_quiet;
	if (setjmp(jf.jb)) {
		jpeg_destroy_compress(&ci);
		free(row);
		free(mem);
		return tc_seterr(
		    err, errlen, TC_ERR_INTERNAL, "JPEG: %s", jf.msg);
	}
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &mem, &size);
	ci.image_width = (JDIMENSION)w;
	ci.image_height = (JDIMENSION)h;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, 90, TRUE);
	if ((row = malloc((size_t)w * 3)) == NULL) {
		jpeg_destroy_compress(&ci);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	}
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < ci.image_height) {
		px = (const uint32_t *)(const void *)(data +
		    (size_t)ci.next_scanline * (size_t)stride);
		for (x = 0; x < w; x++) {
			row[3 * x] = (uint8_t)(px[x] >> 16);
			row[3 * x + 1] = (uint8_t)(px[x] >> 8);
			row[3 * x + 2] = (uint8_t)px[x];
		}
		rp = row;
		jpeg_write_scanlines(&ci, &rp, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	r = tc_buf_put(out, mem, size);
	free(row);
	free(mem);
	if (r != 0)
		return tc_seterr(
		    err, errlen, r, "sample photo: the output buffer is full");
	return 0;
}

static cairo_status_t
surface_save(void *arg, const unsigned char *data, unsigned int n)
{
	return tc_buf_put(arg, data, n) == 0 ? CAIRO_STATUS_SUCCESS
					     : CAIRO_STATUS_WRITE_ERROR;
}

int
tc_cardface_sample_photo(struct tc_buf *out, enum tc_media media, uint32_t w,
    uint32_t h, uint32_t seed, char *err, size_t errlen)
{
	static const uint32_t backs[] = { 0xdfe9f3, 0xf2f2f2, 0xe3eef8,
		0xffffff };
	static const uint32_t cloth[] = { 0x233a5e, 0x2e2e2e, 0x5a2a2a,
		0x2f4f3f, 0x4a4a6a };
	static const uint32_t skin[] = { 0xf1c9a5, 0xe0ac82, 0xc68c62, 0x8d5a3b,
		0xf6d7bd };
	cairo_surface_t *s;
	cairo_t *cr;
	size_t start;
	double W = w, H = h;
	uint32_t x = seed * 0x9e3779b9u + 0x7f4a7c15u;
	int r = 0;

	if (out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no output");
	if (w == 0 || h == 0 || w > TC_CARDFACE_PHOTO_MAX_SIDE ||
	    h > TC_CARDFACE_PHOTO_MAX_SIDE)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "photo size %u x %u: 1 to %d a side", w, h,
		    TC_CARDFACE_PHOTO_MAX_SIDE);
	if (media != TC_MEDIA_PNG && media != TC_MEDIA_JPEG)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "sample photos are PNG or JPEG, not %s",
		    tc_media_name(media));
	start = out->len;
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
	cr = cairo_create(s);
	set_rgb(cr, backs[x % 4]);
	cairo_paint(cr);
	x ^= x >> 13;
	x *= 0x85ebca6bu;
	/* Shoulders, neck and head. */
	set_rgb(cr, cloth[x % 5]);
	cairo_save(cr);
	cairo_translate(cr, W / 2, H * 1.02);
	cairo_scale(cr, W * 0.48, H * 0.3);
	cairo_arc(cr, 0, 0, 1, M_PI, 2 * M_PI);
	cairo_restore(cr);
	cairo_fill(cr);
	set_rgb(cr, skin[(x >> 8) % 5]);
	cairo_rectangle(cr, W * 0.43, H * 0.5, W * 0.14, H * 0.25);
	cairo_fill(cr);
	cairo_save(cr);
	cairo_translate(cr, W / 2, H * 0.42);
	cairo_scale(cr, W * 0.2, H * 0.21);
	cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
	cairo_restore(cr);
	cairo_fill(cr);
	/* Hair. */
	set_rgb(cr, (x >> 16) % 3 == 0 ? 0x6b4a2b : 0x1e1a17);
	cairo_save(cr);
	cairo_translate(cr, W / 2, H * 0.36);
	cairo_scale(cr, W * 0.215, H * 0.17);
	cairo_arc(cr, 0, 0, 1, M_PI, 2 * M_PI);
	cairo_restore(cr);
	cairo_fill(cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	}
	if (media == TC_MEDIA_PNG) {
		if (cairo_surface_write_to_png_stream(s, surface_save, out) !=
		    CAIRO_STATUS_SUCCESS)
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "sample photo: the output buffer is full");
		goto done;
	}
	r = jpeg_save(s, out, err, errlen);
done:
	cairo_surface_destroy(s);
	if (r != 0)
		tc_buf_truncate(out, start);
	return r;
}
