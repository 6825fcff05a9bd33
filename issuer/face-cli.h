/* SPDX-License-Identifier: MIT */
/*
 * What the card face commands of tcard-issuer share (cmd-print.c,
 * cmd-ecard.c): the printing options, the signed e-card text of a card
 * (the stored one, or a new one signed and stored as 'tcard-issuer qr'
 * does), and a card's face data with its photo, from the registry or from
 * a file given on the command line. tc_face_parse_* and tc_face_signer_open
 * print their failures and return an exit status; tc_face_ecard and
 * tc_face_load return a library code with a message in err, for the
 * caller to print now or (print-batch) after a progress bar.
 * docs/cardfaces.md describes the commands.
 */
#ifndef TCARD_ISSUER_FACE_CLI_H
#define TCARD_ISSUER_FACE_CLI_H

#include "card-cli.h"
#include "tcard/buf.h"
#include "tcard/cardface.h"
#include "tcard/ecard.h"
#include "tcard/keystore.h"

/* Who may print faces and make e-card images: as for 'qr'. */
#define TC_FACE_ROLES                                                          \
	(TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) | TC_ROLE_BIT(TC_ROLE_CARD_ISSUER))

/* Parses a length in millimetres from 0 to max for option opt. */
int tc_face_parse_mm(const char *opt, const char *s, double max, double *out);

/* Reads --bleed and --safe (tc_face_parse_mm) into o, when given. */
int tc_face_margins(const struct tc_args *a, struct tc_cardface_opts *o);

/* Parses --dpi. */
int tc_face_parse_dpi(const char *s, int *out);

/*
 * The e-card text of card cs, in *e: the stored one when it is of the
 * card's current expiry and the card is still live (*fresh 0), else a new
 * one signed with ctx (*fresh 1; not stored). Returns 0 or the codes of
 * tc_ecard_claims and tc_ecard_sign (a revoked, suspended or expired
 * card, no signer).
 */
int tc_face_ecard(struct tc_session *s, struct tc_ecard_ctx *ctx,
    const struct tc_card_state *cs, struct tc_ecard *e /* OUT */,
    int *fresh /* OUT */, char *err, size_t errlen);

/* What signs e-cards: the key store and the context of tc_face_ecard. */
struct tc_face_signer {
	struct tc_keystore *ks;
	struct tc_ecard_ctx ctx;
};

/*
 * Opens the key store and sets up sg->ctx (sg zeroed here) for
 * tc_face_ecard. Release with tc_face_signer_close, safe after a failure.
 */
int tc_face_signer_open(struct tc_session *s, struct tc_face_signer *sg);

/* Releases the e-card context and frees the key store of sg. */
void tc_face_signer_close(struct tc_face_signer *sg);

/*
 * The face data of card serial into *card and its photo into photo (cap
 * at least TC_ATTACH_MAX): the photo from photo_file when it is not NULL,
 * else the registry's (tc_cardface_card_load). Returns 0, the codes of
 * tc_cardface_card_load, or of tc_cli_read_file for photo_file.
 */
int tc_face_load(struct tc_session *s, int64_t serial, const char *photo_file,
    struct tc_cardface_card *card /* OUT */, struct tc_buf *photo /* OUT */,
    char *err, size_t errlen);

/*
 * tc_face_ecard, tc_face_load and tc_cardface_prepare for sides of card
 * cs with the options o: the prepared face in *f and the e-card in *e.
 * Returns 0 or their codes, with err saying what failed.
 */
int tc_face_prepare(struct tc_session *s, struct tc_ecard_ctx *ctx,
    const struct tc_card_state *cs, const char *photo_file,
    const struct tc_cardface_opts *o, unsigned sides,
    struct tc_cardface **f /* OUT */, struct tc_ecard *e /* OUT */,
    int *fresh /* OUT */, char *err, size_t errlen);

/*
 * The start of ecard and print: opens the session for the acting operator
 * (a->as, needed; TC_FACE_ROLES), finds the card typed as a->argv[0] into
 * *cs and opens the signer (tc_face_signer_open). Returns an exit status;
 * on failure what was opened is left for the caller's tc_session_close and
 * tc_face_signer_close, which are safe then.
 */
int tc_face_open(struct tc_session *s, const struct tc_args *a,
    struct tc_card_state *cs /* OUT */, struct tc_face_signer *sg /* OUT */);

/*
 * Stores the freshly signed e-card e in its own transaction; a failure is
 * printed as what ("e-card", "qr"). Returns an exit status.
 */
int tc_face_store(
    struct tc_session *s, const struct tc_ecard *e, const char *what);

#endif
