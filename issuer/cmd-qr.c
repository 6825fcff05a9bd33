/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer qr CARD and qr-batch: QR e-cards (include/tcard/ecard.h).
 * qr signs the e-card of one card unless the registry already holds one
 * for the card's current expiry, and renders it as PNG, SVG or the text.
 * qr-batch signs every live card without an e-card in batches of
 * QR_BATCH: the batch is signed in memory, stored with its audit entries in
 * one transaction, committed, and only then are its PNG files written from
 * the stored texts. A crash before a commit leaves neither a file nor a
 * record; after a commit a rerun writes the missing files from the
 * database without signing again. SIGINT stops signing at once; the cards
 * signed so far are stored and written, and the run exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card-cli.h"
#include "face-cli.h"
#include "cli-io.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/buf.h"
#include "tcard/ecard.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/qr.h"

#define QR_ROLES                                                               \
	(TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) | TC_ROLE_BIT(TC_ROLE_CARD_ISSUER))
#define QR_BATCH     100
#define QR_IMAGE_MAX (4u << 20)

const char tc_issuer_qr_help[] =
    "NAME\n"
    "    tcard-issuer qr - the signed QR e-card of a card\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer qr CARD --out FILE.png|FILE.svg|- --as NAME\n"
    "                 [--module PX] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    CARD is a card number or serial of a live card (issued, not\n"
    "    expired); a revoked, suspended or expired card is refused. The\n"
    "    e-card is the card's signed credential (card number, programme,\n"
    "    tier, holder name, holder binding, dates, and for a sub-card the\n"
    "    principal card and relation; never the ID number) as the text\n"
    "    'TC1:' + Base45 of the zlib-compressed COSE_Sign1, signed by the\n"
    "    key store's current signer of the programme's algorithm (ES256,\n"
    "    or SM2 for an SM2 programme). When the registry already holds\n"
    "    the e-card of the card's current expiry, that text is used again\n"
    "    and nothing is signed; otherwise the new text is stored and\n"
    "    audited as ecard.issue.\n"
    "\n"
    "    FILE ending in .png gets a 1-bit PNG (QR code at error correction\n"
    "    level Q, 4-module quiet zone, PX pixels per module); .svg an SVG\n"
    "    of one path; - prints the text on standard output. Files are\n"
    "    written mode 0600 (they carry the holder's name).\n"
    "\n"
    "OPTIONS\n"
    "    --out FILE  where the e-card goes (.png, .svg or -)\n"
    "    --as NAME   the acting operator (card-producer or card-issuer)\n"
    "    --module PX pixels per module in a PNG, 1-64 (default 8)\n"
    "    --home DIR  the authority's home directory\n"
    "    --help      show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer qr 4401110000000017 --out card.png --as producer1\n"
    "    tcard-issuer qr 17 --out - --as producer1\n";

const char tc_issuer_qr_batch_help[] =
    "NAME\n"
    "    tcard-issuer qr-batch - e-cards for every card that has none\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer qr-batch --as NAME [--out DIR] [--limit N]\n"
    "                       [--module PX] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Signs the e-card (see tcard-issuer qr) of every live card that has\n"
    "    none for its current expiry, in serial order, in batches of 100:\n"
    "    a batch is signed in memory, its texts and ecard.issue audit\n"
    "    entries are stored in one transaction, and after the commit its\n"
    "    PNG files DIR/CARDNUMBER.png are written from the stored texts.\n"
    "    An interrupted run therefore leaves no file of an unrecorded\n"
    "    e-card; run it again to go on: no card is signed twice and none\n"
    "    is skipped, and e-cards stored earlier whose file is missing get\n"
    "    it written (without signing). A card that is refused (its\n"
    "    programme is not loaded, the store has no signer of its\n"
    "    algorithm) is reported and left for a later run. Ctrl-C stops\n"
    "    signing at once, stores and writes what is signed and exits 1.\n"
    "\n"
    "    On a terminal a progress bar is drawn on standard error;\n"
    "    otherwise one summary line is printed: 'qr-batch: N signed,\n"
    "    M files written, R refused'.\n"
    "\n"
    "OPTIONS\n"
    "    --as NAME   the acting operator (card-producer or card-issuer)\n"
    "    --out DIR   the directory for the PNG files (made mode 0700 when\n"
    "                missing; default HOME/ecards)\n"
    "    --limit N   sign at most N e-cards in this run\n"
    "    --module PX pixels per module, 1-64 (default 8)\n"
    "    --home DIR  the authority's home directory\n"
    "    --help      show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer qr-batch --as producer1 --out /srv/ecards\n";

static volatile sig_atomic_t interrupted;

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Writes len bytes to path through a temporary file and a rename. */
static int
write_atomic(
    const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	return tc_cli_write_atomic(path, data, len, err, errlen);
}

/* Renders text as PNG (svg 0) or SVG (svg 1) into out. */
static int
render(struct tc_buf *out, const char *text, int svg, int px, char *err,
    size_t errlen)
{
	struct tc_qr qr;
	int r;

	if ((r = tc_qr_encode(&qr, text, err, errlen)) != 0)
		return r;
	r = svg ? tc_qr_svg(out, &qr, err, errlen)
		: tc_qr_png(out, &qr, px, err, errlen);
	tc_qr_release(&qr);
	return r;
}

/* --module PX of qr and qr-batch into *px (default TC_QR_DEFAULT_PX). */
static int
parse_px(const struct tc_args *a, int *px)
{
	const char *s = tc_args_get(a, "module");
	char *end;
	long v;

	*px = TC_QR_DEFAULT_PX;
	if (s == NULL)
		return TC_EXIT_OK;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 1 ||
	    v > TC_QR_MAX_MODULE)
		return tc_cli_usage(
		    "--module: expected 1 to %d pixels", TC_QR_MAX_MODULE);
	*px = (int)v;
	return TC_EXIT_OK;
}

int
tc_issuer_qr_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_face_signer sg;
	struct tc_card_state cs;
	struct tc_ecard e;
	struct tc_buf img;
	const char *home = a->home, *as = a->as, *out;
	char err[1024] = "";
	int status, r, px, fresh = 0, svg = 0;

	out = tc_args_get(a, "out");
	if ((status = parse_px(a, &px)) != TC_EXIT_OK)
		return status;
	if (a->argc != 1)
		return tc_cli_usage("give one card number or serial");
	if (out == NULL)
		return tc_cli_usage("--out FILE.png, FILE.svg or - is needed");
	if (strcmp(out, "-") != 0) {
		if (ends_with(out, ".svg"))
			svg = 1;
		else if (!ends_with(out, ".png"))
			return tc_cli_usage(
			    "--out: the file name must end in .png or .svg, or be -");
	}
	if ((status = tc_session_open(
		 &s, home, as, QR_ROLES, TC_SESSION_NEED_AS)) != TC_EXIT_OK)
		return status;
	memset(&e, 0, sizeof(e));
	tc_buf_init(&img, QR_IMAGE_MAX);
	if ((status = tc_face_signer_open(&s, &sg)) != TC_EXIT_OK ||
	    (status = tc_lc_card(&s, a->argv[0], &cs)) != TC_EXIT_OK)
		goto out;
	/* The stored e-card of the current expiry if the card is live. */
	if ((r = tc_face_ecard(
		 &s, &sg.ctx, &cs, &e, &fresh, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "qr", err);
		goto out;
	}
	if (fresh && (status = tc_face_store(&s, &e, "qr")) != TC_EXIT_OK)
		goto out;
	if (strcmp(out, "-") == 0) {
		printf("%s\n", e.text);
		status = fflush(stdout) == 0 ? TC_EXIT_OK : TC_EXIT_ENV;
		goto out;
	}
	if ((r = render(&img, e.text, svg, px, err, sizeof(err))) != 0 ||
	    (r = write_atomic(out, img.data, img.len, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "qr", err);
		goto out;
	}
	fprintf(stderr, "%s: e-card of card %s (%s, kid %s)%s\n", out,
	    e.card_no, e.alg == TC_COSE_ALG_SM2_SM3 ? "SM2" : "ES256", e.kid,
	    fresh ? ", signed now" : ", stored earlier");
	status = TC_EXIT_OK;
out:
	tc_buf_release(&img);
	memset(&e, 0, sizeof(e));
	tc_face_signer_close(&sg);
	tc_session_close(&s);
	return status;
}

/* Progress on a terminal. */
static void
progress(int tty, size_t done, size_t total)
{
	tc_cli_progress(tty, done, total, "e-cards");
}

/* Writes DIR/CARD.png from the stored e-card of serial. */
static int
write_png(struct tc_session *s, const char *dir, int64_t serial, int px,
    int only_missing, int *written, char *err, size_t errlen)
{
	struct tc_ecard e;
	struct tc_buf img;
	char path[4096];
	struct stat st;
	int r;

	*written = 0;
	if ((r = tc_ecard_get(s->reg, serial, &e, err, errlen)) != 0)
		return r;
	if (snprintf(path, sizeof(path), "%s/%s.png", dir, e.card_no) >=
	    (int)sizeof(path))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: path too long", dir);
	if (only_missing && lstat(path, &st) == 0)
		return 0;
	tc_buf_init(&img, QR_IMAGE_MAX);
	if ((r = render(&img, e.text, 0, px, err, errlen)) == 0 &&
	    (r = write_atomic(path, img.data, img.len, err, errlen)) == 0)
		*written = 1;
	tc_buf_release(&img);
	memset(&e, 0, sizeof(e));
	return r;
}

int
tc_issuer_qr_batch_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_face_signer sg;
	struct tc_ecard *batch = NULL;
	struct sigaction sa, old_sa;
	int64_t serials[QR_BATCH], after, limit = -1;
	const char *home = a->home, *as = a->as, *out, *v;
	char err[1024] = "", dir[4096], *end;
	size_t n, i, nb, total = 0, signed_n = 0, files = 0, refused = 0;
	int status, r, px, tty, w;

	out = tc_args_get(a, "out");
	if ((v = tc_args_get(a, "limit")) != NULL) {
		errno = 0;
		limit = strtoll(v, &end, 10);
		if (errno != 0 || *end != '\0' || end == v || limit < 0)
			return tc_cli_usage(
			    "--limit: expected a number of e-cards");
	}
	if ((status = parse_px(a, &px)) != TC_EXIT_OK)
		return status;
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if ((status = tc_session_open(
		 &s, home, as, QR_ROLES, TC_SESSION_NEED_AS)) != TC_EXIT_OK)
		return status;
	if ((status = tc_face_signer_open(&s, &sg)) != TC_EXIT_OK)
		goto out;
	if (snprintf(dir, sizeof(dir), "%s", out != NULL ? out : s.home) >=
		(int)sizeof(dir) ||
	    (out == NULL && strlen(dir) + sizeof("/ecards") > sizeof(dir))) {
		status = tc_cli_usage("--out: path too long");
		goto out;
	}
	if (out == NULL)
		strcat(dir, "/ecards");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		status = tc_cli_fail(TC_ERR_IO, dir, strerror(errno));
		goto out;
	}
	if ((batch = calloc(QR_BATCH, sizeof(*batch))) == NULL) {
		status = tc_cli_fail(TC_ERR_NOMEM, "qr-batch", NULL);
		goto out;
	}
	tty = isatty(STDERR_FILENO);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);

	/* Resume: files of e-cards stored earlier that are missing. */
	for (after = 0;;) {
		if ((r = tc_ecard_stored(s.reg, after, serials, QR_BATCH, &n,
			 err, sizeof(err))) != 0) {
			status = tc_cli_fail(r, "qr-batch", err);
			goto restore;
		}
		for (i = 0; i < n; i++) {
			if ((r = write_png(&s, dir, serials[i], px, 1, &w, err,
				 sizeof(err))) != 0) {
				status = tc_cli_fail(r, "qr-batch", err);
				goto restore;
			}
			files += (size_t)w;
		}
		if (n < QR_BATCH)
			break;
		after = serials[n - 1];
	}
	/* How many to sign, for the progress bar. */
	for (after = 0;;) {
		if ((r = tc_ecard_pending(s.reg, s.now, after, serials,
			 QR_BATCH, &n, err, sizeof(err))) != 0) {
			status = tc_cli_fail(r, "qr-batch", err);
			goto restore;
		}
		total += n;
		if (n < QR_BATCH)
			break;
		after = serials[n - 1];
	}
	if (limit >= 0 && (int64_t)total > limit)
		total = (size_t)limit;
	progress(tty, 0, total);
	for (after = 0; !interrupted && signed_n < total;) {
		size_t want =
		    total - signed_n < QR_BATCH ? total - signed_n : QR_BATCH;

		if ((r = tc_ecard_pending(s.reg, s.now, after, serials, want,
			 &n, err, sizeof(err))) != 0) {
			status = tc_cli_fail(r, "qr-batch", err);
			goto restore;
		}
		if (n == 0)
			break;
		after = serials[n - 1];
		/* Sign in memory. */
		/* Ctrl-C stops signing at once; what is signed is stored. */
		for (nb = 0, i = 0; i < n && !interrupted; i++) {
			if ((r = tc_ecard_sign(&sg.ctx, serials[i], &batch[nb],
				 err, sizeof(err))) != 0) {
				if (tty)
					fputc('\n', stderr);
				fprintf(stderr, "qr-batch: refused: %s\n", err);
				refused++;
				continue;
			}
			nb++;
			progress(tty, signed_n + nb, total);
		}
		if (nb == 0)
			continue;
		/* Store the batch in one transaction. */
		if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
			goto restore;
		for (r = 0, i = 0; r == 0 && i < nb; i++)
			r = tc_ecard_store(
			    s.reg, &batch[i], s.op.name, err, sizeof(err));
		if ((status = tc_session_end(&s, r, "qr-batch", err)) !=
		    TC_EXIT_OK)
			goto restore;
		signed_n += nb;
		/* After the commit: the files, from the stored texts. */
		for (i = 0; i < nb; i++) {
			if ((r = write_png(&s, dir, batch[i].serial, px, 0, &w,
				 err, sizeof(err))) != 0) {
				status = tc_cli_fail(r, "qr-batch", err);
				goto restore;
			}
			files += (size_t)w;
		}
		memset(batch, 0, QR_BATCH * sizeof(*batch));
		progress(tty, signed_n, total);
	}
	if (tty && total > 0)
		fputc('\n', stderr);
	fprintf(stderr,
	    "qr-batch: %zu signed, %zu files written, %zu refused%s\n",
	    signed_n, files, refused,
	    interrupted && signed_n < total
		? " (interrupted: run it again to go on)"
		: "");
	status = (interrupted && signed_n < total) || refused > 0
	    ? TC_EXIT_REFUSED
	    : TC_EXIT_OK;
restore:
	sigaction(SIGINT, &old_sa, NULL);
out:
	if (batch != NULL) {
		memset(batch, 0, QR_BATCH * sizeof(*batch));
		free(batch);
	}
	tc_face_signer_close(&sg);
	tc_session_close(&s);
	return status;
}
