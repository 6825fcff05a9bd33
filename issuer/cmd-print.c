/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer print CARD and print-batch: card faces for the branch card
 * printer (include/tcard/cardface.h). Both check everything before any
 * file is written: a card whose photo is missing or unusable, whose name
 * does not fit, or which is not live (the QR e-card is the card's signed
 * credential) is reported and nothing is printed for it. print-batch
 * makes one multi-page PDF of the cards issued or reissued on one day:
 * a first pass checks every card (and signs the e-cards that are
 * missing, in memory), the new e-cards are stored in one transaction,
 * and a second pass writes the pages to a temporary file that is renamed
 * into place at the end. docs/cardfaces.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card-cli.h"
#include "cli-io.h"
#include "face-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/buf.h"
#include "tcard/cardface.h"
#include "tcard/ecard.h"
#include "tcard/err.h"
#include "tcard/workday.h"

#define FACE_OPTS_HELP                                                               \
	"    --bleed MM  the printer's bleed around the card, 0-5 mm (default 2):\n" \
	"                the background runs this far past the card's edge\n"        \
	"    --safe MM   the printer's safe margin, 0-10 mm (default 3): every\n"    \
	"                text, the photo and the QR code must stay this far\n"       \
	"                inside the card's edge\n"

const char tc_issuer_print_help[] =
    "NAME\n"
    "    tcard-issuer print - the card face for the card printer\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer print CARD --out FILE.png|FILE.pdf --as NAME\n"
    "                 [--side front|back] [--dpi N] [--bleed MM] [--safe MM]\n"
    "                 [--photo FILE] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Renders the front and back of live card CARD (card number or\n"
    "    serial) at ISO/IEC 7810 ID-1 size, 85.60 x 53.98 mm, plus the\n"
    "    bleed on every side, laid out as the card's programme file says\n"
    "    (its \"face\"; docs/cardfaces.md). Front: the programme, the tier's\n"
    "    colour and label, the holder's photo, the name (a foreign name\n"
    "    with its Chinese translation when the application gave one;\n"
    "    long names get a smaller font, down to the layout's smallest\n"
    "    size), the card number in groups of four, the masked ID number\n"
    "    and the validity; for a sub-card the relation and the main card.\n"
    "    Back: the card's signed QR e-card and how to verify it. The\n"
    "    e-card is the one the registry holds for the card's current\n"
    "    expiry, or is signed and stored now (audited as ecard.issue), as\n"
    "    'tcard-issuer qr' does.\n"
    "\n"
    "    The photo is the last one attached to the application that\n"
    "    issued the card (for a reissued card, the application of the card\n"
    "    it replaced), or FILE given with --photo (a sub-card added with\n"
    "    'subcard add' has no application, so it needs --photo). It must\n"
    "    be a JPEG or PNG image with at least 150 pixels per inch in\n"
    "    its box and a shape close to the box's.\n"
    "\n"
    "    Everything is checked before anything is written: a missing or\n"
    "    unusable photo, a name that does not fit even at the smallest\n"
    "    size, a character no installed font draws, a layout box inside\n"
    "    the safe margin, a card that is not live. Then FILE.pdf gets a\n"
    "    two-page vector PDF (front, back) with the fonts embedded;\n"
    "    FILE.png gets two images at N dots per inch, FILE-front.png and\n"
    "    FILE-back.png (with --side, just FILE.png). Files are written\n"
    "    mode 0600: they carry personal data.\n"
    "\n"
    "OPTIONS\n"
    "    --out FILE  FILE.pdf or FILE.png\n"
    "    --as NAME   the acting operator (card-producer or card-issuer)\n"
    "    --side S    front or back only (PNG)\n"
    "    --dpi N     PNG resolution, 72-1200 (default 300)\n" FACE_OPTS_HELP
    "    --photo FILE  the photo to print instead of the registry's\n"
    "    --home DIR  the authority's home directory\n"
    "    --help      show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer print 4401000000000114 --out card.pdf --as producer1\n"
    "    tcard-issuer print 114 --out card.png --dpi 600 --bleed 3 --as producer1\n"
    "    tcard-issuer print 130 --out sub.pdf --photo spouse.jpg --as producer1\n";

const char tc_issuer_print_batch_help[] =
    "NAME\n"
    "    tcard-issuer print-batch - one PDF of a day's cards for the printer\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer print-batch --out FILE.pdf --as NAME [--date YYYY-MM-DD]\n"
    "                 [--bleed MM] [--safe MM] [--photos DIR] [--skip-bad]\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Renders every live card issued or reissued on the date (Beijing\n"
    "    time, Asia/Shanghai; default today), in serial order, into one\n"
    "    vector PDF with two pages per card, front then back, as\n"
    "    'tcard-issuer print' does for one card. Cards revoked, suspended\n"
    "    or expired since are left out.\n"
    "\n"
    "    First every card is checked (photo, name, fonts, layout, e-card;\n"
    "    missing e-cards are signed in memory); when a card fails, each\n"
    "    failure is listed and nothing is written, unless --skip-bad is\n"
    "    given, which prints the others and lists the ones left out. Then\n"
    "    the new e-cards are stored in one transaction, and the pages are\n"
    "    written to a temporary file renamed to FILE at the end, so that\n"
    "    the printer never sees half a batch.\n"
    "\n"
    "    On a terminal a progress bar is drawn on standard error; at the\n"
    "    end one line says 'print-batch: FILE: N cards, 2N pages (DATE)'.\n"
    "\n"
    "OPTIONS\n"
    "    --out FILE    the PDF to write\n"
    "    --as NAME     the acting operator (card-producer or card-issuer)\n"
    "    --date DATE   the day the cards were issued (default today)\n" FACE_OPTS_HELP
    "    --photos DIR  photos for cards the registry has none for, as\n"
    "                  DIR/CARDNUMBER.jpg, .jpeg or .png\n"
    "    --skip-bad    print the cards that pass and leave the others\n"
    "    --home DIR    the authority's home directory\n"
    "    --help        show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer print-batch --out today.pdf --as producer1\n"
    "    tcard-issuer print-batch --date 2026-11-20 --out 1120.pdf --photos ./photos \\\n"
    "        --skip-bad --as producer1\n";

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* FILE.png to FILE-SIDE.png. */
static int
side_path(const char *out, const char *side, char *path, size_t len)
{
	size_t n = strlen(out) - 4;

	if (snprintf(path, len, "%.*s-%s.png", (int)n, out, side) >= (int)len)
		return tc_cli_usage("--out: path too long");
	return TC_EXIT_OK;
}

int
tc_issuer_print_run(const struct tc_args *a)
{
	struct tc_cardface_opts fo;
	struct tc_session s;
	struct tc_face_signer sg;
	struct tc_card_state cs;
	struct tc_cardface *f = NULL;
	struct tc_ecard e;
	struct tc_buf img[2];
	const char *out, *photo, *v;
	char err[1024] = "", path[2][4096];
	int status, r, pdf = 0, side = 0, fresh = 0, i, n = 0;

	tc_cardface_opts_default(&fo);
	out = tc_args_get(a, "out");
	photo = tc_args_get(a, "photo");
	if ((v = tc_args_get(a, "side")) != NULL) {
		if (strcmp(v, "front") == 0)
			side = TC_CARDFACE_FRONT;
		else if (strcmp(v, "back") == 0)
			side = TC_CARDFACE_BACK;
		else
			return tc_cli_usage("--side: front or back");
	}
	if ((v = tc_args_get(a, "dpi")) != NULL &&
	    (status = tc_face_parse_dpi(v, &fo.dpi)) != TC_EXIT_OK)
		return status;
	if ((status = tc_face_margins(a, &fo)) != TC_EXIT_OK)
		return status;
	if (a->argc != 1)
		return tc_cli_usage("give one card number or serial");
	if (out == NULL)
		return tc_cli_usage("--out FILE.pdf or FILE.png is needed");
	if (ends_with(out, ".pdf"))
		pdf = 1;
	else if (!ends_with(out, ".png") || strlen(out) == 4)
		return tc_cli_usage(
		    "--out: the file name must end in .pdf or .png");
	if (pdf && side != 0)
		return tc_cli_usage("--side is for PNG output; a PDF has both");
	if (pdf) {
		snprintf(path[0], sizeof(path[0]), "%s", out);
		n = 1;
	} else if (side != 0) {
		snprintf(path[0], sizeof(path[0]), "%s", out);
		n = 1;
	} else if ((status = side_path(out, "front", path[0],
			sizeof(path[0]))) != TC_EXIT_OK ||
	    (status = side_path(out, "back", path[1], sizeof(path[1]))) !=
		TC_EXIT_OK)
		return status;
	else
		n = 2;
	memset(&e, 0, sizeof(e));
	for (i = 0; i < 2; i++)
		tc_buf_init(&img[i], TC_CARDFACE_IMAGE_MAX);
	if ((status = tc_face_open(&s, a, &cs, &sg)) != TC_EXIT_OK)
		goto out;
	if ((r = tc_face_prepare(&s, &sg.ctx, &cs, photo, &fo,
		 side != 0 ? TC_CARDFACE_BIT(side) : TC_CARDFACE_CARD, &f, &e,
		 &fresh, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, NULL, err);
		goto out;
	}
	/* Rendered in memory first: no file unless both sides render. */
	if (pdf)
		r = tc_cardface_pdf(f, &img[0], err, sizeof(err));
	else if (side != 0)
		r = tc_cardface_png(f, side, &img[0], err, sizeof(err));
	else if ((r = tc_cardface_png(
		      f, TC_CARDFACE_FRONT, &img[0], err, sizeof(err))) == 0)
		r = tc_cardface_png(
		    f, TC_CARDFACE_BACK, &img[1], err, sizeof(err));
	if (r != 0) {
		status = tc_cli_fail(r, "rendering", err);
		goto out;
	}
	if (fresh && (status = tc_face_store(&s, &e, "e-card")) != TC_EXIT_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((r = tc_cli_write_atomic(path[i], img[i].data, img[i].len,
			 err, sizeof(err))) != 0) {
			status = tc_cli_fail(r, "writing", err);
			goto out;
		}
		fprintf(stderr, "%s: %s of card %s\n", path[i],
		    pdf				    ? "front and back"
			: n == 2 && i == 0	    ? "front"
			: n == 2		    ? "back"
			: side == TC_CARDFACE_FRONT ? "front"
						    : "back",
		    cs.card.card_no);
	}
	status = TC_EXIT_OK;
out:
	tc_cardface_free(f);
	for (i = 0; i < 2; i++)
		tc_buf_release(&img[i]);
	memset(&e, 0, sizeof(e));
	tc_face_signer_close(&sg);
	tc_session_close(&s);
	tc_cardface_shutdown();
	return status;
}

/* ---- print-batch ---- */

struct day_cards {
	int64_t day;
	int64_t *serials;
	size_t n, alloc;
};

static int
on_day(const struct tc_card_state *c, void *arg)
{
	struct day_cards *d = arg;
	int64_t *v;

	if (tc_day_of_time(c->card.issued_at) != d->day ||
	    c->card.status != TC_CARD_ISSUED)
		return 0;
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 64;
		if ((v = realloc(d->serials, d->alloc * sizeof(*v))) == NULL)
			return TC_ERR_NOMEM;
		d->serials = v;
	}
	d->serials[d->n++] = c->card.serial;
	return 0;
}

/* The photo file for card_no in dir, or NULL when there is none. */
static const char *
photo_in(const char *dir, const char *card_no, char *path, size_t len)
{
	static const char *const ext[] = { "jpg", "jpeg", "png" };
	struct stat st;
	size_t i;

	if (dir == NULL)
		return NULL;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (snprintf(path, len, "%s/%s.%s", dir, card_no, ext[i]) <
			(int)len &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return path;
	return NULL;
}

/* One card of the batch: its state, photo file, e-card and result. */
struct batch_card {
	struct tc_card_state cs;
	const char *photo; /* NULL: the registry's */
	char photo_path[4200];
	struct tc_ecard e;
	int fresh;
	int r; /* the check's result */
	char msg[512];
};

/* Writes the PDF to a file descriptor. */
static int
fd_write(void *arg, const uint8_t *p, size_t n)
{
	int fd = *(int *)arg;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Checks card b as printing it will: the registry's photo, else the one
 * in dir. The result and its message stay in b, printed after the pass.
 */
static void
check(struct tc_session *s, struct tc_ecard_ctx *ctx, const char *dir,
    const struct tc_cardface_opts *o, struct batch_card *b)
{
	struct tc_cardface_card card;
	struct tc_cardface *f = NULL;
	struct tc_buf photo;

	tc_buf_init(&photo, TC_ATTACH_MAX);
	b->r = tc_face_load(
	    s, b->cs.card.serial, NULL, &card, &photo, b->msg, sizeof(b->msg));
	if (b->r == 0 && photo.len == 0)
		b->photo = photo_in(dir, b->cs.card.card_no, b->photo_path,
		    sizeof(b->photo_path));
	tc_buf_release(&photo);
	memset(&card, 0, sizeof(card));
	if (b->r == 0)
		b->r = tc_face_prepare(s, ctx, &b->cs, b->photo, o,
		    TC_CARDFACE_CARD, &f, &b->e, &b->fresh, b->msg,
		    sizeof(b->msg));
	tc_cardface_free(f);
}

int
tc_issuer_print_batch_run(const struct tc_args *a)
{
	struct tc_cardface_opts fo;
	struct tc_session s;
	struct tc_face_signer sg;
	struct tc_cardface_book *book = NULL;
	struct tc_cardface *f = NULL;
	struct batch_card *cards = NULL;
	struct day_cards d;
	const char *home = a->home, *as = a->as, *out, *date, *dir;
	char err[1024] = "", tmp[4200], day[TC_DATE_TEXT];
	size_t i, good = 0, bad = 0, done;
	int status, r, skip, tty, fd = -1, made = 0;

	tc_cardface_opts_default(&fo);
	memset(&d, 0, sizeof(d));
	out = tc_args_get(a, "out");
	date = tc_args_get(a, "date");
	dir = tc_args_get(a, "photos");
	skip = tc_args_has(a, "skip-bad") > 0;
	if ((status = tc_face_margins(a, &fo)) != TC_EXIT_OK)
		return status;
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if (out == NULL || !ends_with(out, ".pdf"))
		return tc_cli_usage("--out FILE.pdf is needed");
	if (date != NULL && tc_date_parse(date, &d.day, err, sizeof(err)) != 0)
		return tc_cli_usage("--date: %s", err);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", out, (long)getpid()) >=
	    (int)sizeof(tmp))
		return tc_cli_usage("--out: path too long");
	if ((status = tc_session_open(&s, home, as, TC_FACE_ROLES,
		 TC_SESSION_NEED_AS)) != TC_EXIT_OK)
		return status;
	memset(&sg, 0, sizeof(sg));
	if (date == NULL)
		d.day = tc_day_of_time(s.now);
	tc_date_format(d.day, day);
	if ((status = tc_face_signer_open(&s, &sg)) != TC_EXIT_OK)
		goto out;
	if ((r = tc_lifecycle_card_list(
		 s.reg, NULL, on_day, &d, err, sizeof(err))) != 0) {
		status =
		    tc_cli_fail(r, "cards", r == TC_ERR_NOMEM ? NULL : err);
		goto out;
	}
	if (d.n == 0) {
		fprintf(stderr,
		    "print-batch: no live card was issued on %s; nothing written\n",
		    day);
		status = TC_EXIT_REFUSED;
		goto out;
	}
	if ((cards = calloc(d.n, sizeof(*cards))) == NULL) {
		status = tc_cli_fail(TC_ERR_NOMEM, "print-batch", NULL);
		goto out;
	}
	tty = isatty(STDERR_FILENO);
	/* 1. Check every card before anything is written. */
	for (i = 0; i < d.n; i++) {
		tc_cli_progress(tty, i, d.n, "cards checked");
		if ((r = tc_lifecycle_card_get(s.reg, d.serials[i],
			 &cards[i].cs, err, sizeof(err))) != 0) {
			status = tc_cli_fail(r, "card", err);
			goto out;
		}
		check(&s, &sg.ctx, dir, &fo, &cards[i]);
		if (cards[i].r == 0)
			good++;
		else
			bad++;
	}
	tc_cli_progress(tty, d.n, d.n, "cards checked");
	if (tty)
		fputc('\n', stderr);
	for (i = 0; i < d.n; i++)
		if (cards[i].r != 0)
			tc_cli_fail(cards[i].r, NULL, cards[i].msg);
	if (good == 0 || (bad > 0 && !skip)) {
		fprintf(stderr,
		    "print-batch: %zu of %zu cards of %s refused (above); nothing written%s\n",
		    bad, d.n, day,
		    good > 0 ? " (--skip-bad prints the others)" : "");
		status = TC_EXIT_REFUSED;
		goto out;
	}
	/* 2. The new e-cards, in one transaction. */
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	for (r = 0, i = 0; r == 0 && i < d.n; i++)
		if (cards[i].r == 0 && cards[i].fresh)
			r = tc_ecard_store(
			    s.reg, &cards[i].e, s.op.name, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "e-cards", err)) != TC_EXIT_OK)
		goto out;
	/* 3. The pages, to a temporary file renamed at the end. */
	if ((fd = open(tmp,
		 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) <
	    0) {
		status = tc_cli_fail(TC_ERR_IO, tmp, strerror(errno));
		goto out;
	}
	made = 1;
	if ((r = tc_cardface_book_new(
		 &book, &fo, fd_write, &fd, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "PDF", err);
		goto out;
	}
	for (done = 0, i = 0; i < d.n; i++) {
		if (cards[i].r != 0)
			continue;
		tc_cli_progress(tty, done, good, "cards printed");
		if ((r = tc_face_prepare(&s, &sg.ctx, &cards[i].cs,
			 cards[i].photo, &fo, TC_CARDFACE_CARD, &f, &cards[i].e,
			 &cards[i].fresh, err, sizeof(err))) != 0) {
			if (tty)
				fputc('\n', stderr);
			status = tc_cli_fail(r, NULL, err);
			goto out;
		}
		r = tc_cardface_book_add(book, f, err, sizeof(err));
		tc_cardface_free(f);
		f = NULL;
		if (r != 0) {
			status = tc_cli_fail(r, tmp, err);
			goto out;
		}
		done++;
	}
	tc_cli_progress(tty, done, good, "cards printed");
	if (tty)
		fputc('\n', stderr);
	if ((r = tc_cardface_book_finish(book, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, tmp, err);
		goto out;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		status = tc_cli_fail(TC_ERR_IO, tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, out) != 0) {
		status = tc_cli_fail(TC_ERR_IO, out, strerror(errno));
		goto out;
	}
	made = 0;
	fprintf(stderr, "print-batch: %s: %zu cards, %zu pages (%s)", out, done,
	    tc_cardface_book_pages(book), day);
	if (bad > 0)
		fprintf(stderr, "; %zu refused (above), left out", bad);
	fputc('\n', stderr);
	status = bad > 0 ? TC_EXIT_REFUSED : TC_EXIT_OK;
out:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	tc_cardface_free(f);
	tc_cardface_book_free(book);
	if (cards != NULL) {
		memset(cards, 0, d.n * sizeof(*cards));
		free(cards);
	}
	free(d.serials);
	tc_face_signer_close(&sg);
	tc_session_close(&s);
	tc_cardface_shutdown();
	return status;
}
