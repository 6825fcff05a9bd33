/* SPDX-License-Identifier: MIT */
/*
 * Shared parts of the card face commands (issuer/face-cli.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli-io.h"
#include "cli.h"
#include "face-cli.h"
#include "tcard/err.h"

int
tc_face_parse_mm(const char *opt, const char *s, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= max))
		return tc_cli_usage(
		    "%s: expected millimetres from 0 to %g", opt, max);
	*out = v;
	return TC_EXIT_OK;
}

int
tc_face_parse_dpi(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < TC_CARDFACE_DPI_MIN ||
	    v > TC_CARDFACE_DPI_MAX)
		return tc_cli_usage("--dpi: expected %d to %d dots per inch",
		    TC_CARDFACE_DPI_MIN, TC_CARDFACE_DPI_MAX);
	*out = (int)v;
	return TC_EXIT_OK;
}

int
tc_face_margins(const struct tc_args *a, struct tc_cardface_opts *o)
{
	const char *v;
	int status;

	if ((v = tc_args_get(a, "bleed")) != NULL &&
	    (status = tc_face_parse_mm("--bleed", v, TC_CARDFACE_BLEED_MAX,
		 &o->bleed_mm)) != TC_EXIT_OK)
		return status;
	if ((v = tc_args_get(a, "safe")) != NULL &&
	    (status = tc_face_parse_mm(
		 "--safe", v, TC_CARDFACE_SAFE_MAX, &o->safe_mm)) != TC_EXIT_OK)
		return status;
	return TC_EXIT_OK;
}

int
tc_face_signer_open(struct tc_session *s, struct tc_face_signer *sg)
{
	char err[512] = "";
	int r;

	memset(sg, 0, sizeof(*sg));
	if ((r = tc_keystore_open(&sg->ks, s->home, err, sizeof(err))) != 0)
		return tc_cli_fail(r, "keys", err);
	sg->ctx.reg = s->reg;
	sg->ctx.programmes = s->progs;
	sg->ctx.ks = sg->ks;
	sg->ctx.now = s->now;
	return TC_EXIT_OK;
}

void
tc_face_signer_close(struct tc_face_signer *sg)
{
	tc_ecard_ctx_release(&sg->ctx);
	tc_keystore_free(sg->ks);
	sg->ks = NULL;
}

int
tc_face_open(struct tc_session *s, const struct tc_args *a,
    struct tc_card_state *cs, struct tc_face_signer *sg)
{
	int status;

	memset(sg, 0, sizeof(*sg));
	if ((status = tc_session_open(s, a->home, a->as, TC_FACE_ROLES,
		 TC_SESSION_NEED_AS)) != TC_EXIT_OK ||
	    (status = tc_lc_card(s, a->argv[0], cs)) != TC_EXIT_OK)
		return status;
	return tc_face_signer_open(s, sg);
}

int
tc_face_store(struct tc_session *s, const struct tc_ecard *e, const char *what)
{
	char err[1024] = "";
	int r, status;

	if ((status = tc_session_begin(s)) != TC_EXIT_OK)
		return status;
	r = tc_ecard_store(s->reg, e, s->op.name, err, sizeof(err));
	return tc_session_end(s, r, what, err);
}

int
tc_face_ecard(struct tc_session *s, struct tc_ecard_ctx *ctx,
    const struct tc_card_state *cs, struct tc_ecard *e, int *fresh, char *err,
    size_t errlen)
{
	struct tc_claims c;
	int r;

	*fresh = 0;
	r = tc_ecard_get(s->reg, cs->card.serial, e, err, errlen);
	if (r == 0 && e->expires_at == cs->card.expires_at) {
		/* Reused only while the card is still live. */
		r = tc_ecard_claims(
		    s->reg, cs->card.serial, s->now, &c, err, errlen);
		memset(&c, 0, sizeof(c));
		return r;
	}
	if (r != 0 && r != TC_ERR_NOT_FOUND)
		return r;
	if ((r = tc_ecard_sign(ctx, cs->card.serial, e, err, errlen)) != 0)
		return r;
	*fresh = 1;
	return 0;
}

int
tc_face_load(struct tc_session *s, int64_t serial, const char *photo_file,
    struct tc_cardface_card *card, struct tc_buf *photo, char *err,
    size_t errlen)
{
	int r;

	if ((r = tc_cardface_card_load(
		 s->reg, s->progs, serial, card, photo, err, errlen)) != 0)
		return r;
	if (photo_file == NULL)
		return 0;
	tc_buf_reset(photo);
	card->app_id = 0;
	card->photo_att = 0;
	card->photo_doc = 0;
	return tc_cli_read_file(photo_file, TC_ATTACH_MAX, photo, err, errlen);
}

int
tc_face_prepare(struct tc_session *s, struct tc_ecard_ctx *ctx,
    const struct tc_card_state *cs, const char *photo_file,
    const struct tc_cardface_opts *o, unsigned sides, struct tc_cardface **f,
    struct tc_ecard *e, int *fresh, char *err, size_t errlen)
{
	struct tc_cardface_card card;
	struct tc_buf photo;
	int r;

	*f = NULL;
	if ((r = tc_face_ecard(s, ctx, cs, e, fresh, err, errlen)) != 0)
		return r;
	tc_buf_init(&photo, TC_ATTACH_MAX);
	if ((r = tc_face_load(s, cs->card.serial, photo_file, &card, &photo,
		 err, errlen)) == 0)
		r = tc_cardface_prepare(f, &card, photo.data, photo.len,
		    e->text, o, sides, err, errlen);
	tc_buf_release(&photo);
	memset(&card, 0, sizeof(card));
	return r;
}
