/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer ecard CARD: the e-card as a portrait image for the
 * holder's phone (include/tcard/cardface.h): the card's data, photo and
 * signed QR e-card on one TC_CARDFACE_ECARD_W x _H PNG. Checked before
 * anything is written, as for print. docs/cardfaces.md.
 */
#include <stdio.h>
#include <string.h>

#include "card-cli.h"
#include "cli-io.h"
#include "face-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/cardface.h"
#include "tcard/err.h"

const char tc_issuer_ecard_help[] =
    "NAME\n"
    "    tcard-issuer ecard - the e-card image for the holder's phone\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer ecard CARD --out FILE.png --as NAME [--photo FILE]\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Renders live card CARD (card number or serial) as a portrait PNG\n"
    "    of 1080 x 1920 pixels for a phone: the programme, the tier's\n"
    "    colour and label, the holder's photo, name (and the Chinese\n"
    "    translation of a foreign name), the card number, the masked ID\n"
    "    number, the validity, for a sub-card the relation and main card,\n"
    "    the signed QR e-card (the stored one, or signed and stored now,\n"
    "    as 'tcard-issuer qr' does) and how to verify it. The photo is\n"
    "    the registry's, as for 'tcard-issuer print', or FILE. Everything\n"
    "    is checked before the file is written (mode 0600).\n"
    "\n"
    "OPTIONS\n"
    "    --out FILE    the PNG to write\n"
    "    --as NAME     the acting operator (card-producer or card-issuer)\n"
    "    --photo FILE  the photo to use instead of the registry's\n"
    "    --home DIR    the authority's home directory\n"
    "    --help        show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer ecard 4401000000000114 --out ecard.png --as producer1\n";

int
tc_issuer_ecard_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_face_signer sg;
	struct tc_card_state cs;
	struct tc_cardface *f = NULL;
	struct tc_ecard e;
	struct tc_buf img;
	const char *out, *photo;
	char err[1024] = "";
	size_t n;
	int status, r, fresh = 0;

	out = tc_args_get(a, "out");
	photo = tc_args_get(a, "photo");
	if (a->argc != 1)
		return tc_cli_usage("give one card number or serial");
	if (out == NULL || (n = strlen(out)) <= 4 ||
	    strcmp(out + n - 4, ".png") != 0)
		return tc_cli_usage("--out FILE.png is needed");
	memset(&e, 0, sizeof(e));
	tc_buf_init(&img, TC_CARDFACE_IMAGE_MAX);
	if ((status = tc_face_open(&s, a, &cs, &sg)) != TC_EXIT_OK)
		goto out;
	if ((r = tc_face_prepare(&s, &sg.ctx, &cs, photo, NULL,
		 TC_CARDFACE_BIT(TC_CARDFACE_ECARD), &f, &e, &fresh, err,
		 sizeof(err))) != 0 ||
	    (r = tc_cardface_png(
		 f, TC_CARDFACE_ECARD, &img, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, NULL, err);
		goto out;
	}
	if (fresh && (status = tc_face_store(&s, &e, "e-card")) != TC_EXIT_OK)
		goto out;
	if ((r = tc_cli_write_atomic(
		 out, img.data, img.len, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "writing", err);
		goto out;
	}
	fprintf(stderr, "%s: e-card image of card %s%s\n", out, cs.card.card_no,
	    fresh ? " (e-card signed now)" : "");
	status = TC_EXIT_OK;
out:
	tc_cardface_free(f);
	tc_buf_release(&img);
	memset(&e, 0, sizeof(e));
	tc_face_signer_close(&sg);
	tc_session_close(&s);
	tc_cardface_shutdown();
	return status;
}
