/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the application file parser and the completeness check
 * (src/registry/app-form.c): the input is an application file as a clerk or a
 * portal would hand it in, parsed against the four shipped programmes
 * (TC_PROGRAMMES_DIR, or $TC_TOP/programmes). A refusal must leave a
 * terminated message and an empty form. An accepted form must keep the
 * promises of include/tcard/application.h: a known programme, tier or
 * route and clause of it, a normalised ID number with its mask, a stored
 * form that is a JSON object holding neither the ID number nor its first
 * 17 characters, file references within bounds; and the completeness
 * check must run on it (with and without attachments) without crashing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "tcard/application.h"
#include "tcard/err.h"
#include "tcard/programme.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

/* 2 March 2026, 09:00 in Shanghai. */
#define NOW ((time_t)1772413200)

static struct tc_programme_set *set;

static void
load(void)
{
	const char *top = getenv("TC_TOP");
	char dir[512];

	if (set != NULL)
		return;
	if (top != NULL)
		snprintf(dir, sizeof(dir), "%s/programmes", top);
	else
		snprintf(dir, sizeof(dir), "%s", TC_PROGRAMMES_DIR);
	if (tc_programme_set_load_dir(&set, dir, NULL, 0) != 0)
		set = NULL;
}

static void
check_form(const struct tc_app_form *f)
{
	static const enum tc_att_kind kinds[3] = { TC_ATT_PHOTO,
		TC_ATT_CONTRACT, TC_ATT_OTHER };
	static const char *const mats[3] = { "", "labour-contract", "x" };
	struct tc_app_facts facts;
	const struct tc_tier *t;
	char msg[1024], head[18];
	json_t *o;
	size_t i;

	CHECK(f->programme != NULL);
	CHECK(f->tier[0] != '\0' || f->route[0] != '\0');
	if (f->tier[0] != '\0') {
		t = tc_programme_tier(f->programme, f->tier);
		CHECK(t != NULL);
	}
	if (f->route[0] != '\0')
		CHECK(tc_programme_route(f->programme, f->route) != NULL);
	CHECK(f->name[0] != '\0');
	CHECK(f->id_number[0] != '\0' && f->id_masked[0] != '\0');
	CHECK(strlen(f->id_masked) == strlen(f->id_number));
	CHECK(strspn(f->id_number, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
	    strlen(f->id_number));
	CHECK(f->sex[0] == '\0' || strcmp(f->sex, "male") == 0 ||
	    strcmp(f->sex, "female") == 0);
	CHECK(f->retire_base == 0 || f->retire_base == 50 ||
	    f->retire_base == 55 || f->retire_base == 60);
	CHECK(f->n_files <= TC_APP_FILES_MAX);
	for (i = 0; i < f->n_files; i++)
		CHECK(f->files[i].path[0] != '\0' &&
		    strcmp(tc_att_kind_name(f->files[i].kind), "unknown") != 0);
	CHECK(f->form_json != NULL && f->exceptions_json != NULL);
	o = json_loads(f->form_json, JSON_REJECT_DUPLICATES, NULL);
	CHECK(json_is_object(o));
	json_decref(o);
	o = json_loads(f->exceptions_json, 0, NULL);
	CHECK(json_is_object(o));
	json_decref(o);
	if (strlen(f->id_number) >= 6)
		CHECK(strcasestr(f->form_json, f->id_number) == NULL);
	if (strlen(f->id_number) == 18) {
		memcpy(head, f->id_number, 17);
		head[17] = '\0';
		CHECK(strcasestr(f->form_json, head) == NULL);
	}
	memset(&facts, 0, sizeof(facts));
	facts.programme = f->programme;
	facts.kind = TC_APP_NEW;
	facts.tier = f->tier;
	facts.work_type = f->work_type;
	facts.id_type = f->id_type;
	facts.form_json = f->form_json;
	facts.pledge_accepted = f->pledge_accepted;
	msg[0] = 'x';
	if (tc_app_form_complete(&facts, msg, sizeof(msg)) != 0)
		CHECK(memchr(msg, '\0', sizeof(msg)) != NULL);
	facts.att_kinds = kinds;
	facts.att_materials = mats;
	facts.n_atts = 3;
	facts.kind = TC_APP_SUB;
	(void)tc_app_form_complete(&facts, msg, sizeof(msg));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_app_form f;
	char msg[1024];
	int r;

	load();
	if (set == NULL)
		return 0;
	memset(msg, 'x', sizeof(msg));
	r = tc_app_form_parse(
	    set, (const char *)data, size, NOW, &f, msg, sizeof(msg));
	if (r != 0) {
		CHECK(r < 0);
		CHECK(memchr(msg, '\0', sizeof(msg)) != NULL);
		CHECK(f.form_json == NULL && f.files == NULL &&
		    f.programme == NULL && f.id_number[0] == '\0');
		return 0;
	}
	check_form(&f);
	tc_app_form_release(&f);
	return 0;
}
