/* SPDX-License-Identifier: MIT */
/*
 * What a card face shows, read from the registry (tc_cardface_card_load
 * in include/tcard/cardface.h): the card and its holder through the
 * lifecycle module, and the photo, the Chinese translation of a foreign
 * name and the values the face's "details" print (sex, birth date...)
 * from the application that issued the card, an employer or residence
 * reported later (tcard-issuer change) replacing the form's. A card links
 * to its application through applications.issued_serial; a reissued card
 * has no application of its own but names the card it replaced
 * (cards.replaces_serial), and an upgrade or conversion names the card it
 * came from (applications.card_serial), so the search walks back along
 * those links, a bounded number of steps, until it finds a photo. A card
 * made without an application (a sub-card of `subcard add`) keeps its
 * photo as a card document of action "photo" (card-doc.c), looked for on
 * each card of the chain after its application. A sub-card's principal
 * is another person and is never followed.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "registry-int.h"
#include "tcard/application.h"
#include "tcard/card-doc.h"
#include "tcard/cardface.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"

/* Steps back along reissues and upgrades, at most. */
#define CHAIN_MAX 32
/* The form field holding the translation of a foreign name. */
#define NAME_ZH_FIELD "name-zh"

/*
 * The id of the application that issued card serial (or, for a card still
 * in production, allocated it: its face is printed before it is issued),
 * or 0.
 */
static int
issuing_app(struct tc_registry *reg, int64_t serial, int64_t *id, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	*id = 0;
	if ((r = tc_reg_query(reg,
		 "SELECT id FROM applications WHERE issued_serial = ?1 UNION ALL SELECT application FROM production WHERE serial = ?1 LIMIT 1",
		 &st, err, errlen, "i", serial)) != 0 ||
	    (r = tc_reg_one_row(reg, st, "finding the application of a card",
		 err, errlen, NULL)) != 0)
		return r == TC_ERR_NOT_FOUND ? 0 : r;
	if (tc_reg_col_int(st, 0, 0, id) != 0)
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "card %lld: the application id is malformed",
		    (long long)serial);
	tc_reg_finalize(reg, st);
	return r;
}

/* The last photo attached (a resubmission may bring a better one). */
static int
last_photo(const struct tc_app_attachment *a, void *arg)
{
	if (a->kind == TC_ATT_PHOTO)
		*(int64_t *)arg = a->id;
	return 0;
}

/* The last photo document of a card (a later one replaces it). */
static int
last_photo_doc(const struct tc_card_doc *d, void *arg)
{
	if (strcmp(d->action, TC_CARD_DOC_PHOTO) == 0)
		*(int64_t *)arg = d->id;
	return 0;
}

/*
 * The photo document of card serial into photo and out->photo_doc; 0 when
 * it has none (nothing changed).
 */
static int
photo_doc(struct tc_registry *reg, int64_t serial, struct tc_cardface_card *out,
    struct tc_buf *photo, char *err, size_t errlen)
{
	int64_t doc = 0;
	int r;

	if ((r = tc_card_doc_list(
		 reg, serial, last_photo_doc, &doc, err, errlen)) != 0 ||
	    doc == 0)
		return r;
	tc_buf_reset(photo);
	if ((r = tc_card_doc_read(
		 reg, serial, doc, NULL, photo, err, errlen)) != 0)
		return r;
	out->photo_doc = doc;
	return 0;
}

/*
 * Copies the value of the form's name-zh text field, in a section that is
 * not repeating, into out (unchanged when the form has none).
 */
static void
name_zh_of(
    const struct tc_programme *p, const char *form, char *out, size_t len)
{
	const struct tc_section *sec;
	json_t *root, *v;
	size_t i, j;

	if (form == NULL || (root = json_loads(form, 0, NULL)) == NULL)
		return;
	for (i = 0; i < p->application.n_sections; i++) {
		sec = &p->application.sections[i];
		if (sec->repeating)
			continue;
		for (j = 0; j < sec->n_fields; j++) {
			if (strcmp(sec->fields[j].id, NAME_ZH_FIELD) != 0)
				continue;
			v = json_object_get(
			    json_object_get(root, sec->id), NAME_ZH_FIELD);
			if (json_is_string(v) && json_string_length(v) > 0 &&
			    json_string_length(v) < len) {
				snprintf(out, len, "%s", json_string_value(v));
				goto out;
			}
		}
	}
out:
	json_decref(root);
}

/*
 * Copies the form's values of the face's details into out->detail (those
 * the form has no string for stay "").
 */
static void
details_of(const char *form, struct tc_cardface_card *out)
{
	const struct tc_face *fc = &out->programme->face;
	json_t *root, *v;
	size_t i;

	if (form == NULL || (root = json_loads(form, 0, NULL)) == NULL)
		return;
	for (i = 0; i < fc->n_details; i++) {
		v = json_object_get(
		    json_object_get(root, fc->detail[i].section),
		    fc->detail[i].field->id);
		if (json_is_string(v) &&
		    json_string_length(v) < sizeof(out->detail[i]))
			snprintf(out->detail[i], sizeof(out->detail[i]), "%s",
			    json_string_value(v));
	}
	json_decref(root);
}

/* The latest change of each kind reported so far, by effective date. */
struct latest {
	struct tc_cardface_card *out;
	char effective[2][TC_LIFECYCLE_DATE_LEN];
};

/*
 * A reported change of employer or residence replaces the value of the
 * details field of that id ("employer", "residence"): a card printed
 * after the report shows where the holder works and lives now. Changes
 * come oldest report first; a later report of an earlier change does
 * not win over a change that took effect after it.
 */
static int
change_seen(const struct tc_card_change *ch, void *arg)
{
	struct latest *l = arg;
	const struct tc_face *fc = &l->out->programme->face;
	const char *field = tc_change_kind_name(ch->kind);
	int k = ch->kind == TC_CHANGE_EMPLOYER ? 0 : 1;
	size_t i;

	if (field == NULL || strcmp(ch->effective, l->effective[k]) < 0)
		return 0;
	memcpy(l->effective[k], ch->effective, sizeof(l->effective[k]));
	for (i = 0; i < fc->n_details; i++)
		if (strcmp(fc->detail[i].field->id, field) == 0 &&
		    strlen(ch->value) < sizeof(l->out->detail[i]))
			snprintf(l->out->detail[i], sizeof(l->out->detail[i]),
			    "%s", ch->value);
	return 0;
}

int
tc_cardface_card_load(struct tc_registry *reg,
    const struct tc_programme_set *set, int64_t serial,
    struct tc_cardface_card *out, struct tc_buf *photo, char *err,
    size_t errlen)
{
	struct tc_card_state cs, step;
	struct tc_card principal;
	struct tc_app app;
	int64_t s, app_id, att;
	int k, r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (reg == NULL || set == NULL || out == NULL || photo == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(&app, 0, sizeof(app));
	if ((r = tc_lifecycle_card_get(reg, serial, &cs, err, errlen)) != 0)
		return r;
	if ((out->programme = tc_programme_set_find(set, cs.card.programme)) ==
	    NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s: programme %s is not loaded", cs.card.card_no,
		    cs.card.programme);
	snprintf(out->tier, sizeof(out->tier), "%s", cs.card.tier);
	memcpy(out->card_no, cs.card.card_no, sizeof(out->card_no));
	snprintf(out->name, sizeof(out->name), "%s", cs.holder_name);
	snprintf(
	    out->id_masked, sizeof(out->id_masked), "%s", cs.holder_masked);
	out->issued_at = cs.card.issued_at;
	out->expires_at = cs.card.expires_at;
	if (cs.card.principal_serial != 0) {
		if ((r = tc_registry_card_get(reg, cs.card.principal_serial,
			 &principal, err, errlen)) != 0)
			return r;
		memcpy(out->principal_no, principal.card_no,
		    sizeof(out->principal_no));
		snprintf(out->relation, sizeof(out->relation), "%s",
		    cs.card.relation);
	}
	/* The photo: the issuing application, then back along the chain. */
	step = cs;
	for (k = 0; k < CHAIN_MAX; k++) {
		if ((r = issuing_app(
			 reg, step.card.serial, &app_id, err, errlen)) != 0)
			return r;
		s = 0;
		if (app_id != 0) {
			if ((r = tc_app_get(reg, app_id, &app, err, errlen)) !=
			    0)
				return r;
			if (out->app_id == 0) {
				out->app_id = app_id;
				details_of(app.form, out);
			}
			if (out->name_zh[0] == '\0')
				name_zh_of(out->programme, app.form,
				    out->name_zh, sizeof(out->name_zh));
			att = 0;
			if ((r = tc_app_attachment_list(reg, app_id, last_photo,
				 &att, err, errlen)) != 0)
				goto out;
			if (att != 0) {
				tc_buf_reset(photo);
				if ((r = tc_app_attachment_read(
					 reg, att, photo, err, errlen)) != 0)
					goto out;
				out->photo_att = att;
				out->app_id = app_id;
				break;
			}
			if (app.kind == TC_APP_UPGRADE ||
			    app.kind == TC_APP_CONVERT)
				s = app.card_serial;
			tc_app_release(&app);
		}
		if ((r = photo_doc(
			 reg, step.card.serial, out, photo, err, errlen)) != 0)
			goto out;
		if (out->photo_doc != 0)
			break;
		if (s == 0)
			s = step.replaces;
		if (s == 0 || s == step.card.serial)
			break;
		if ((r = tc_lifecycle_card_get(reg, s, &step, err, errlen)) !=
		    0)
			goto out;
	}
	r = 0;
	if (out->programme->face.n_details > 0) {
		struct latest l = { .out = out };

		r = tc_lifecycle_changes_list(
		    reg, serial, change_seen, &l, err, errlen);
	}
out:
	tc_app_release(&app);
	memset(&cs, 0, sizeof(cs));
	memset(&step, 0, sizeof(step));
	return r;
}
