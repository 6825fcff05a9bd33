/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the "face" object of programme files (src/programme.c,
 * docs/cardfaces.md), in the style of tests/unit/test-programme.c: the
 * four real files load with a face naming every tier, then a table of
 * one-change variants (a bad colour, a box outside the card, a smallest
 * font size above the largest, a missing or unknown tier, ...) must each
 * be refused with the expected code and JSON path; a file without a face
 * still loads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/programme.h"

#include "fixtures-programme.h"

static char dir[PATH_MAX];

/* The file id.json with one change (see fx_prog_mutate). */
static char *
mutate(const char *id, const char *path, int op, const char *value)
{
	return fx_prog_mutate(dir, id, path, op, value, 0);
}

static void
test_real_faces(void **state)
{
	static const char *const ids[] = { "baiyun-yunju", "chuxiong-xingchu",
		"guangdong-youyue", "guangzhou-green" };
	struct tc_programme *p;
	const struct tc_face_tier *ft;
	char path[PATH_MAX + 64], err[512];
	size_t i, j;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s.json", dir, ids[i]);
		assert_int_equal(
		    tc_programme_load(&p, path, err, sizeof(err)), 0);
		assert_true(p->face.set);
		assert_int_equal(p->face.n_tiers, p->n_tiers);
		for (j = 0; j < p->n_tiers; j++) {
			ft = tc_face_tier_find(&p->face, p->tiers[j].id);
			assert_non_null(ft);
			assert_non_null(ft->label.zh);
			assert_non_null(ft->label.en);
			/* Default band colour: the tier's. */
			assert_int_equal(ft->rgb, p->tiers[j].rgb);
		}
		assert_true(p->face.name.set && p->face.verify.set);
		assert_true(p->face.name.min_pt <= p->face.name.max_pt);
		assert_true(p->face.qr.w >= TC_FACE_QR_MIN_MM);
		assert_true(p->face.photo.w > 0);
		assert_int_equal(p->face.ink_rgb, 0x1a1a1a);
		assert_non_null(p->face.verify_text.zh);
		assert_int_equal(
		    p->face.sub.set, strcmp(ids[i], "guangzhou-green") == 0);
		assert_true(p->face.cite.assumed);
		tc_programme_free(p);
	}
	snprintf(path, sizeof(path), "%s/baiyun-yunju.json", dir);
	assert_int_equal(tc_programme_load(&p, path, err, sizeof(err)), 0);
	/* Light bands get dark text, dark bands white. */
	assert_int_equal(
	    tc_face_tier_find(&p->face, "silver")->text_rgb, 0x1a1a1a);
	assert_null(tc_face_tier_find(&p->face, "bronze"));
	assert_null(tc_face_tier_find(NULL, "gold"));
	tc_programme_free(p);
	snprintf(path, sizeof(path), "%s/chuxiong-xingchu.json", dir);
	assert_int_equal(tc_programme_load(&p, path, err, sizeof(err)), 0);
	assert_int_equal(tc_face_tier_find(&p->face, "a")->text_rgb, 0xffffff);
	tc_programme_free(p);
}

struct mutation {
	const char *file, *path;
	int op;
	const char *value;
	int code;
	const char *where;
};

/* clang-format off */
static const struct mutation mutations[] = {
	/* Colours. */
	{ "baiyun-yunju", "face.ink", SET, "\"#12345\"", TC_ERR_MALFORMED,
	    "face.ink: not a colour #RRGGBB" },
	{ "baiyun-yunju", "face.paper", SET, "\"white\"", TC_ERR_MALFORMED,
	    "face.paper: not a colour" },
	{ "baiyun-yunju", "face.tiers[0].colour", SET, "\"#GG0000\"",
	    TC_ERR_MALFORMED, "face.tiers[0].colour: not a colour" },
	{ "baiyun-yunju", "face.tiers[1].text", SET, "12", TC_ERR_MALFORMED,
	    "face.tiers[1].text: must be a string" },
	/* Boxes. */
	{ "baiyun-yunju", "face.front.name.box", SET, "[30, 15, 60, 9.5]",
	    TC_ERR_RANGE, "face.front.name.box: the box [30.00, 15.00, 60.00, 9.50] runs outside the card (85.60 x 53.98 mm)" },
	{ "chuxiong-xingchu", "face.front.photo.box", SET, "[4, 30, 22, 27.6]",
	    TC_ERR_RANGE, "face.front.photo.box: the box" },
	{ "chuxiong-xingchu", "face.back.verify.box", SET, "[-1, 15, 40, 20]",
	    TC_ERR_RANGE, "face.back.verify.box: the box" },
	{ "guangdong-youyue", "face.front.id.box", SET, "[30, 32, 0, 4]",
	    TC_ERR_RANGE, "face.front.id.box: the width and height must be more than 0" },
	{ "guangdong-youyue", "face.front.id.box", SET, "[30, 32, 40]",
	    TC_ERR_MALFORMED, "face.front.id.box: must be [x, y, width, height]" },
	{ "guangdong-youyue", "face.front.id.box", SET, "[30, \"32\", 40, 4]",
	    TC_ERR_MALFORMED, "face.front.id.box: must be [x, y" },
	{ "guangdong-youyue", "face.back.qr.box", SET, "[4, 15, 12, 12]",
	    TC_ERR_RANGE, "face.back.qr.box: the QR code needs at least 15 mm" },
	{ "guangdong-youyue", "face.band", SET, "30", TC_ERR_RANGE,
	    "face.band: must be from 0 to 26.99" },
	{ "guangdong-youyue", "face.band", SET, "\"12\"", TC_ERR_MALFORMED,
	    "face.band: must be a number" },
	{ "guangdong-youyue", "face.chip", SET, "\"magstripe\"",
	    TC_ERR_MALFORMED,
	    "face.chip: unknown value 'magstripe' (contact, contactless, none)" },
	{ "guangdong-youyue", "face.chip", SET, "1", TC_ERR_MALFORMED,
	    "face.chip: must be a string" },
	/* front.details: form fields, never an ID number. */
	{ "guangzhou-green", "face.front.details.lines", SET,
	    "[[\"basic.id-number\"]]", TC_ERR_MALFORMED,
	    "face.front.details.lines[0][0]: 'basic.id-number' is not a text, date, choice or address field" },
	{ "guangzhou-green", "face.front.details.lines", SET,
	    "[[\"basic.photo\"]]", TC_ERR_MALFORMED,
	    "face.front.details.lines[0][0]: 'basic.photo' is not" },
	{ "guangzhou-green", "face.front.details.lines", SET,
	    "[[\"basic.sex\"], [\"basic.shoe-size\"]]", TC_ERR_NOT_FOUND,
	    "face.front.details.lines[1][0]: 'basic.shoe-size' names no field" },
	{ "guangzhou-green", "face.front.details.lines", SET, "[[\"sex\"]]",
	    TC_ERR_NOT_FOUND, "face.front.details.lines[0][0]: 'sex' names no" },
	{ "guangzhou-green", "face.front.details.lines", SET, "[[]]",
	    TC_ERR_MALFORMED,
	    "face.front.details.lines[0]: must be a list of 1 to 3 field names" },
	{ "guangzhou-green", "face.front.details.lines", SET,
	    "[[\"basic.sex\", \"basic.sex\", \"basic.sex\", \"basic.sex\"]]",
	    TC_ERR_MALFORMED, "face.front.details.lines[0]: must be a list" },
	{ "guangzhou-green", "face.front.details.lines", SET, "[]",
	    TC_ERR_MALFORMED, "face.front.details.lines: must not be empty" },
	{ "guangzhou-green", "face.front.details.lines", SET, "[[1]]",
	    TC_ERR_MALFORMED, "face.front.details.lines[0][0]: must be a string" },
	{ "guangzhou-green", "face.front.details.lines", SET,
	    "[[\"basic.sex\", \"basic.sex\", \"basic.sex\"], [\"basic.sex\", \"basic.sex\", \"basic.sex\"], [\"basic.sex\", \"basic.sex\", \"basic.sex\"], [\"basic.sex\", \"basic.sex\", \"basic.sex\"], [\"basic.sex\"]]",
	    TC_ERR_RANGE, "face.front.details.lines[4][0]: more than 12 fields" },
	{ "guangzhou-green", "face.front.details.box", SET, "[4, 33, 52.6, 30]",
	    TC_ERR_RANGE, "face.front.details.box: the box" },
	{ "guangzhou-green", "face.front.details.pt", DEL, NULL,
	    TC_ERR_MALFORMED, "face.front.details.pt: missing" },
	{ "guangzhou-green", "face.front.details.colour", SET, "1",
	    TC_ERR_MALFORMED, "face.front.details.colour" },
	{ "guangdong-youyue", "face.front.details", SET,
	    "{\"box\": [4, 40, 50, 8], \"pt\": [4, 6], \"lines\": [[\"family.name\"]]}",
	    TC_ERR_MALFORMED,
	    "face.front.details.lines[0][0]: 'family.name' is in a repeating section" },
	/* Font sizes. */
	{ "guangzhou-green", "face.front.name.pt", SET, "[14, 7]",
	    TC_ERR_RANGE, "face.front.name.pt: the smallest size 14 is larger than the largest 7" },
	{ "guangzhou-green", "face.front.card_no.pt", SET, "[3, 11]",
	    TC_ERR_RANGE, "face.front.card_no.pt: font sizes must be from 4 to 72 points" },
	{ "guangzhou-green", "face.front.card_no.pt", SET, "[7]",
	    TC_ERR_MALFORMED, "face.front.card_no.pt: must be [smallest, largest]" },
	{ "guangzhou-green", "face.back.authority.pt", SET, "[4, 100]",
	    TC_ERR_RANGE, "face.back.authority.pt" },
	/* Elements. */
	{ "guangzhou-green", "face.front.name", DEL, NULL, TC_ERR_MALFORMED,
	    "face.front.name: missing" },
	{ "guangzhou-green", "face.front.sub", DEL, NULL, TC_ERR_MALFORMED,
	    "face.front.sub: missing" },
	{ "baiyun-yunju", "face.front.sub", SET,
	    "{\"box\": [4, 45, 70, 4], \"pt\": [5, 7]}", TC_ERR_MALFORMED,
	    "face.front.sub: only for programmes with sub-card tiers" },
	{ "baiyun-yunju", "face.front.logo", SET, "{}", TC_ERR_MALFORMED,
	    "face.front.logo: unknown key" },
	{ "baiyun-yunju", "face.back.verify.text", DEL, NULL, TC_ERR_MALFORMED,
	    "face.back.verify.text: missing" },
	{ "baiyun-yunju", "face.back.verify.text.en", DEL, NULL,
	    TC_ERR_MALFORMED, "face.back.verify.text.en: missing" },
	{ "baiyun-yunju", "face.back.qr", DEL, NULL, TC_ERR_MALFORMED,
	    "face.back.qr: missing" },
	{ "baiyun-yunju", "face.back.qr.pt", SET, "[5, 7]", TC_ERR_MALFORMED,
	    "face.back.qr.pt: unknown key" },
	{ "baiyun-yunju", "face.front.photo.pt", SET, "[5, 7]",
	    TC_ERR_MALFORMED, "face.front.photo.pt: unknown key" },
	/* Tiers. */
	{ "baiyun-yunju", "face.tiers[2]", DEL, NULL, TC_ERR_MALFORMED,
	    "face.tiers: no entry for tier 'silver'" },
	{ "baiyun-yunju", "face.tiers[2].tier", SET, "\"bronze\"",
	    TC_ERR_NOT_FOUND, "face.tiers[2].tier: no tier 'bronze'" },
	{ "baiyun-yunju", "face.tiers[2].tier", SET, "\"gold\"", TC_ERR_EXISTS,
	    "face.tiers[2].tier: tier 'gold' is already used" },
	{ "baiyun-yunju", "face.tiers[0].label", DEL, NULL, TC_ERR_MALFORMED,
	    "face.tiers[0].label: missing" },
	{ "baiyun-yunju", "face.tiers", SET, "[]", TC_ERR_MALFORMED,
	    "face.tiers: must not be empty" },
	{ "baiyun-yunju", "face.source", SET, "\"999 x\"", TC_ERR_NOT_FOUND,
	    "face.source: does not start with a source id" },
	{ "baiyun-yunju", "face", SET, "[]", TC_ERR_MALFORMED,
	    "face: must be an object" },
};
/* clang-format on */

static void
test_mutations(void **state)
{
	struct tc_programme *p;
	const struct mutation *m;
	char err[512], prefix[64];
	size_t i;
	char *text;
	int r;

	(void)state;
	for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		m = &mutations[i];
		text = mutate(m->file, m->path, m->op, m->value);
		err[0] = '\0';
		p = (struct tc_programme *)1;
		r = tc_programme_parse(
		    &p, text, strlen(text), m->file, err, sizeof(err));
		free(text);
		snprintf(prefix, sizeof(prefix), "%s: ", m->file);
		if (r != m->code || p != NULL ||
		    strncmp(err, prefix, strlen(prefix)) != 0 ||
		    strstr(err, m->where) == NULL)
			fail_msg(
			    "mutation %zu (%s %s): got %d (%s) \"%s\", want %d \"%s\"",
			    i, m->file, m->path, r, tc_errname(r), err, m->code,
			    m->where);
	}
	/* The green card's details name its form's fields, by line. */
	text = mutate("guangzhou-green", "face.band", SET, "9");
	assert_int_equal(
	    tc_programme_parse(&p, text, strlen(text), "x", err, sizeof(err)),
	    0);
	free(text);
	assert_true(p->face.details.set);
	assert_int_equal(p->face.n_details, 6);
	assert_string_equal(p->face.detail[0].section, "basic");
	assert_string_equal(p->face.detail[0].field->id, "sex");
	assert_string_equal(p->face.detail[1].field->id, "birth-date");
	assert_int_equal(p->face.detail[1].line, 0);
	assert_string_equal(p->face.detail[3].field->id, "id-type");
	assert_int_equal(p->face.detail[3].line, 1);
	assert_string_equal(p->face.detail[5].field->id, "residence");
	assert_int_equal(p->face.detail[5].line, 3);
	assert_int_equal(p->face.chip, TC_FACE_CHIP_CONTACT);
	tc_programme_free(p);
	text = mutate("guangzhou-green", "face.chip", SET, "\"contactless\"");
	assert_int_equal(
	    tc_programme_parse(&p, text, strlen(text), "x", err, sizeof(err)),
	    0);
	free(text);
	assert_int_equal(p->face.chip, TC_FACE_CHIP_CONTACTLESS);
	tc_programme_free(p);
	/* Without a face, and with the optional parts left out. */
	text = mutate("guangzhou-green", "face", DEL, NULL);
	assert_int_equal(
	    tc_programme_parse(&p, text, strlen(text), "x", err, sizeof(err)),
	    0);
	assert_false(p->face.set);
	assert_null(p->face.tiers);
	free(text);
	tc_programme_free(p);
	text = mutate("chuxiong-xingchu", "face.back.authority", DEL, NULL);
	assert_int_equal(
	    tc_programme_parse(&p, text, strlen(text), "x", err, sizeof(err)),
	    0);
	assert_true(p->face.set);
	assert_false(p->face.authority.set);
	free(text);
	tc_programme_free(p);
	/* Reals and integers both make numbers. */
	text = mutate("chuxiong-xingchu", "face.band", SET, "10.5");
	assert_int_equal(
	    tc_programme_parse(&p, text, strlen(text), "x", err, sizeof(err)),
	    0);
	assert_true(p->face.band_mm == 10.5);
	free(text);
	tc_programme_free(p);
	text = mutate(
	    "chuxiong-xingchu", "face.tiers[0].colour", SET, "\"#000000\"");
	assert_int_equal(
	    tc_programme_parse(&p, text, strlen(text), "x", err, sizeof(err)),
	    0);
	assert_int_equal(tc_face_tier_find(&p->face, "a")->rgb, 0);
	assert_int_equal(tc_face_tier_find(&p->face, "a")->text_rgb, 0xffffff);
	free(text);
	tc_programme_free(p);
}

#define TESTS(X, XF)                                                           \
	X(test_real_faces)                                                     \
	X(test_mutations)

TC_UNIT_MAIN_IF(TESTS, fx_programmes_found(dir, sizeof(dir)), NULL, NULL)
