/* SPDX-License-Identifier: MIT */
/*
 * The phone image of an applicant's e-card (issue 16), drawn in the web
 * worker: the monitor (portal-ecard) sends the programme file, the face's
 * data of the card and the signed e-card text, with the holder's photo as
 * the tail; the photo is decoded here, in the process that holds no key,
 * not in the monitor. The font libraries are shared by the worker's
 * threads, so one image is drawn at a time. docs/portal.md "The e-card".
 * The same answer draws a card's two-page PDF for a branch station to
 * print (web_face_pdf; docs/station.md "Printing the face").
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tcard/cardface.h"
#include "tcard/err.h"
#include "tcard/programme.h"
#include "web.h"

static pthread_mutex_t draw_lock = PTHREAD_MUTEX_INITIALIZER;

/* Copies string member name of o into out (cap bytes with the NUL). */
static int
text(json_t *o, const char *name, char *out, size_t cap)
{
	const char *v = json_string_value(json_object_get(o, name));

	if (v == NULL || strlen(v) >= cap)
		return -1;
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

/* The face's data of body's "card" into *c. */
static int
card_of(json_t *body, struct tc_cardface_card *c)
{
	json_t *o = json_object_get(body, "card");

	return text(o, "tier", c->tier, sizeof(c->tier)) |
	    text(o, "card_no", c->card_no, sizeof(c->card_no)) |
	    text(o, "name", c->name, sizeof(c->name)) |
	    text(o, "name_zh", c->name_zh, sizeof(c->name_zh)) |
	    text(o, "id_masked", c->id_masked, sizeof(c->id_masked)) |
	    text(o, "principal_no", c->principal_no, sizeof(c->principal_no)) |
	    text(o, "relation", c->relation, sizeof(c->relation));
}

/*
 * Draws the face body describes: the e-card's PNG (pdf 0) or the card's
 * two-page PDF (pdf 1), appended to out.
 */
static int
draw(json_t *body, const uint8_t *photo, size_t plen, int pdf,
    struct tc_buf *out, char *err, size_t errlen)
{
	struct tc_cardface_card c;
	struct tc_programme *p = NULL;
	struct tc_cardface *f = NULL;
	const char *qr = json_string_value(json_object_get(body, "qr"));
	char *prog =
	    json_dumps(json_object_get(body, "programme"), JSON_COMPACT);
	int r;

	memset(&c, 0, sizeof(c));
	c.issued_at = (time_t)json_integer_value(
	    json_object_get(json_object_get(body, "card"), "issued_at"));
	c.expires_at = (time_t)json_integer_value(
	    json_object_get(json_object_get(body, "card"), "expires_at"));
	if (prog != NULL && qr == NULL && pdf) {
		free(prog);
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the monitor's face answer has no \"qr\": the back of the card carries the signed e-card text");
	}
	if (prog == NULL || qr == NULL || card_of(body, &c) != 0) {
		free(prog);
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the monitor's e-card answer is incomplete");
	}
	if ((r = tc_programme_parse(
		 &p, prog, strlen(prog), "programme", err, errlen)) == 0) {
		c.programme = p;
		pthread_mutex_lock(&draw_lock);
		if ((r = tc_cardface_prepare(&f, &c, photo, plen, qr, NULL,
			 pdf ? TC_CARDFACE_CARD
			     : TC_CARDFACE_BIT(TC_CARDFACE_ECARD),
			 err, errlen)) == 0)
			r = pdf ? tc_cardface_pdf(f, out, err, errlen)
				: tc_cardface_png(
				      f, TC_CARDFACE_ECARD, out, err, errlen);
		tc_cardface_free(f);
		pthread_mutex_unlock(&draw_lock);
	}
	tc_programme_free(p);
	free(prog);
	return r;
}

int
web_ecard_draw(json_t *body, const uint8_t *photo, size_t plen,
    struct tc_buf *png, char *err, size_t errlen)
{
	return draw(body, photo, plen, 0, png, err, errlen);
}

int
web_face_pdf(json_t *body, const uint8_t *photo, size_t plen,
    struct tc_buf *pdf, char *err, size_t errlen)
{
	return draw(body, photo, plen, 1, pdf, err, errlen);
}
