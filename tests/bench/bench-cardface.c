/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of card faces (src/cardface.c), in one run on one core: card
 * faces prepared and rendered per second, as the printer gets them
 * (front + back PNG at 300 dpi with 2 mm bleed; the two-page vector PDF),
 * the check alone (tc_cardface_prepare: photo decode, text fitting, QR),
 * the phone e-card image, and pages added to a multi-page PDF (what
 * print-batch does per card), against a reference measured in the same
 * run: the QR e-card of tc_qr alone (the same text encoded at level Q and
 * written as an 8-pixel-per-module PNG, what `tcard-issuer qr` renders).
 * The card is a Guangzhou green card A of a made-up holder with a
 * 358 x 441 JPEG photo and an e-card text of the usual length. Each rate
 * is the best of 3 rounds of about 0.5 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcard/buf.h"
#include "tcard/cardface.h"
#include "tcard/err.h"
#include "tcard/programme.h"
#include "tcard/qr.h"

#include "synth.h"

#define NOW 1795233600 /* 2026-11-21T04:00:00Z */

static struct {
	struct tc_programme_set *set;
	struct tc_cardface_card card;
	struct tc_buf photo;
	char text[240];
	struct tc_cardface *face; /* prepared once, for the render-only rates */
	struct tc_cardface_book *book;
	size_t pdf_bytes;
} fx;

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "bench-cardface: %s failed: %s\n", what, err);
	exit(1);
}

static void
setup(void)
{
	static const char b45[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	char err[1024] = "";
	size_t i;

	if (tc_programme_set_load_dir(
		&fx.set, TC_PROGRAMMES_DIR, err, sizeof(err)) != 0)
		die("programmes", err);
	fx.card.programme = tc_programme_set_find(fx.set, "guangzhou-green");
	if (fx.card.programme == NULL)
		die("programmes", "no guangzhou-green");
	snprintf(fx.card.tier, sizeof(fx.card.tier), "a");
	memcpy(fx.card.card_no, "4401000000000114", 17);
	snprintf(fx.card.name, sizeof(fx.card.name), "Marco Bianchi");
	snprintf(fx.card.name_zh, sizeof(fx.card.name_zh), "马可·比安基");
	snprintf(fx.card.id_masked, sizeof(fx.card.id_masked), "T******88");
	fx.card.issued_at = NOW - 86400;
	fx.card.expires_at = NOW + 5 * 365 * 86400LL;
	tc_buf_init(&fx.photo, TC_ATTACH_MAX);
	if (tc_cardface_sample_photo(
		&fx.photo, TC_MEDIA_JPEG, 358, 441, 1, err, sizeof(err)) != 0)
		die("photo", err);
	/* An e-card text of the usual length (QR version 10 at level Q). */
	memcpy(fx.text, "TC1:", 4);
	for (i = 4; i < 210; i++)
		fx.text[i] = b45[(i * 7 + 3) % 45];
	fx.text[i] = '\0';
}

static struct tc_cardface *
prepare(unsigned sides)
{
	struct tc_cardface *f;
	char err[1024] = "";

	if (tc_cardface_prepare(&f, &fx.card, fx.photo.data, fx.photo.len,
		fx.text, NULL, sides, err, sizeof(err)) != 0)
		die("prepare", err);
	return f;
}

/* The reference: the e-card QR of tc_qr alone. */
static void
qr_png(void)
{
	struct tc_buf png;
	struct tc_qr qr;

	tc_buf_init(&png, 0);
	if (tc_qr_encode(&qr, fx.text, NULL, 0) != 0 ||
	    tc_qr_png(&png, &qr, TC_QR_DEFAULT_PX, NULL, 0) != 0)
		die("qr", "");
	tc_qr_release(&qr);
	tc_buf_release(&png);
}

static void
check_only(void)
{
	tc_cardface_free(prepare(TC_CARDFACE_CARD));
}

static void
card_png(void)
{
	struct tc_cardface *f = prepare(TC_CARDFACE_CARD);
	struct tc_buf b;

	tc_buf_init(&b, TC_CARDFACE_IMAGE_MAX);
	if (tc_cardface_png(f, TC_CARDFACE_FRONT, &b, NULL, 0) != 0 ||
	    tc_cardface_png(f, TC_CARDFACE_BACK, &b, NULL, 0) != 0)
		die("png", "");
	tc_buf_release(&b);
	tc_cardface_free(f);
}

static void
card_pdf(void)
{
	struct tc_cardface *f = prepare(TC_CARDFACE_CARD);
	struct tc_buf b;

	tc_buf_init(&b, TC_CARDFACE_IMAGE_MAX);
	if (tc_cardface_pdf(f, &b, NULL, 0) != 0)
		die("pdf", "");
	tc_buf_release(&b);
	tc_cardface_free(f);
}

static void
ecard_png(void)
{
	struct tc_cardface *f = prepare(TC_CARDFACE_BIT(TC_CARDFACE_ECARD));
	struct tc_buf b;

	tc_buf_init(&b, TC_CARDFACE_IMAGE_MAX);
	if (tc_cardface_png(f, TC_CARDFACE_ECARD, &b, NULL, 0) != 0)
		die("e-card", "");
	tc_buf_release(&b);
	tc_cardface_free(f);
}

static int
count(void *arg, const uint8_t *p, size_t n)
{
	(void)p;
	*(size_t *)arg += n;
	return 0;
}

static void
book_page(void)
{
	struct tc_cardface *f = prepare(TC_CARDFACE_CARD);

	if (tc_cardface_book_add(fx.book, f, NULL, 0) != 0)
		die("book", "");
	tc_cardface_free(f);
}

static void
render_only(void)
{
	struct tc_buf b;

	tc_buf_init(&b, TC_CARDFACE_IMAGE_MAX);
	if (tc_cardface_png(fx.face, TC_CARDFACE_FRONT, &b, NULL, 0) != 0 ||
	    tc_cardface_png(fx.face, TC_CARDFACE_BACK, &b, NULL, 0) != 0)
		die("png", "");
	tc_buf_release(&b);
}

int
main(void)
{
	double ref, chk, png, pdf, ecard, page, rend;
	struct tc_buf one;
	long pages = 0;
	char err[512] = "";

	setup();
	fx.face = prepare(TC_CARDFACE_CARD);
	ref = bench_best(qr_png, 0.5, NULL);
	chk = bench_best(check_only, 0.5, NULL);
	png = bench_best(card_png, 0.5, NULL);
	pdf = bench_best(card_pdf, 0.5, NULL);
	ecard = bench_best(ecard_png, 0.5, NULL);
	rend = bench_best(render_only, 0.5, NULL);
	if (tc_cardface_book_new(
		&fx.book, NULL, count, &fx.pdf_bytes, err, sizeof(err)) != 0)
		die("book", err);
	page = bench_best(book_page, 0.5, &pages);
	if (tc_cardface_book_finish(fx.book, err, sizeof(err)) != 0)
		die("book", err);
	tc_buf_init(&one, TC_CARDFACE_IMAGE_MAX);
	if (tc_cardface_pdf(fx.face, &one, err, sizeof(err)) != 0)
		die("pdf", err);
	printf(
	    "QR e-card of tc_qr alone: QR + PNG 8 px (reference) %8.0f /s  1.00\n",
	    ref);
	printf(
	    "card check alone (tc_cardface_prepare)            %8.1f /s  %.3f\n",
	    chk, chk / ref);
	printf(
	    "card faces, front + back PNG 300 dpi, checked     %8.1f /s  %.3f\n",
	    png, png / ref);
	printf(
	    "  of which render + PNG only (prepared once)      %8.1f /s  %.3f\n",
	    rend, rend / ref);
	printf(
	    "card faces, two-page vector PDF, checked          %8.1f /s  %.3f\n",
	    pdf, pdf / ref);
	printf(
	    "cards added to one multi-page PDF (print-batch)   %8.1f /s  %.3f  (%ld cards, %.1f KiB a card)\n",
	    page, page / ref, pages,
	    (double)fx.pdf_bytes / 1024.0 / (double)pages);
	printf(
	    "e-card images, 1080 x 1920 PNG, checked           %8.1f /s  %.3f\n",
	    ecard, ecard / ref);
	printf(
	    "one card's PDF: %zu bytes (fonts subset and embedded)\n", one.len);
	tc_buf_release(&one);
	tc_cardface_book_free(fx.book);
	tc_cardface_free(fx.face);
	tc_buf_release(&fx.photo);
	tc_programme_set_free(fx.set);
	tc_cardface_shutdown();
	return 0;
}
