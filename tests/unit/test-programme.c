/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the programme loader (src/programme.c) on the four real
 * programme files in programmes/: the counts and rules the sources give,
 * then a table of broken variants (one mutation of a valid file each) that
 * must be refused with the expected code and JSON path, then broken JSON
 * text and directory sets. The programmes directory is found from TC_TOP,
 * the working directory, or the test binary's location (scripts/run-tests
 * runs unit tests from wherever it was started and sets TC_TOP only for
 * the integration scripts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <sys/stat.h>

#include <jansson.h>

#include "unit.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/programme.h"

#include "fixtures-programme.h"

static char dir[PATH_MAX + 64];

static struct tc_programme *
load(const char *id)
{
	struct tc_programme *p = NULL;
	char path[PATH_MAX + 128], err[512] = "";
	int r;

	snprintf(path, sizeof(path), "%s/%s.json", dir, id);
	r = tc_programme_load(&p, path, err, sizeof(err));
	if (r != 0)
		fail_msg("%s: %s", path, err);
	return p;
}

static size_t
services_of(const struct tc_programme *p, const char *tier)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_services; i++)
		n += (size_t)tc_service_covers(&p->services[i], tier);
	return n;
}

static void
test_set_loads_all(void **state)
{
	struct tc_programme_set *s = NULL;
	char err[512] = "";
	static const struct {
		const char *id, *region;
		int alg;
	} want[] = {
		{ "baiyun-yunju", "440111", TC_COSE_ALG_ES256 },
		{ "chuxiong-xingchu", "532300", TC_COSE_ALG_SM2_SM3 },
		{ "guangdong-youyue", "440000", TC_COSE_ALG_ES256 },
		{ "guangzhou-green", "440100", TC_COSE_ALG_ES256 },
	};
	const struct tc_programme *p;
	size_t i;

	assert_int_equal(
	    tc_programme_set_load_dir(&s, dir, err, sizeof(err)), 0);
	assert_int_equal(tc_programme_set_count(s), 4);
	for (i = 0; i < 4; i++) {
		p = tc_programme_set_find(s, want[i].id);
		assert_non_null(p);
		assert_ptr_equal(tc_programme_set_at(s, i), p); /* name order */
		assert_string_equal(p->region, want[i].region);
		assert_int_equal(p->alg, want[i].alg);
		assert_non_null(p->names.zh);
		assert_non_null(p->names.en);
		assert_int_equal(p->media, TC_CHANNEL_CHIP | TC_CHANNEL_QR);
	}
	assert_null(tc_programme_set_find(s, "nope"));
	assert_null(tc_programme_set_at(s, 4));
	tc_programme_set_free(s);
}

static void
test_baiyun(void **state)
{
	struct tc_programme *p = load("baiyun-yunju");
	const struct tc_tier *d, *g, *sv, *t;
	const struct tc_service *gym, *air, *o;
	const struct tc_exclusive_group *x;
	const struct tc_route *cbc;
	const struct tc_clause *cl;
	static const char *const roles[] = { "industry-reviewer", "hr-reviewer",
		"approver", "card-producer", "card-issuer" };
	size_t i;

	d = tc_programme_tier(p, "diamond");
	g = tc_programme_tier(p, "gold");
	sv = tc_programme_tier(p, "silver");
	assert_non_null(d);
	assert_non_null(g);
	assert_non_null(sv);
	assert_int_equal(p->n_tiers, 3);
	assert_int_equal(d->n_clauses, 18);
	assert_int_equal(g->n_clauses, 13);
	assert_int_equal(sv->n_clauses, 7);
	assert_true(d->rank > g->rank && g->rank > sv->rank);
	assert_int_equal(services_of(p, "diamond"), 13);
	assert_int_equal(services_of(p, "gold"), 10);
	assert_int_equal(services_of(p, "silver"), 7);
	assert_int_equal(p->n_services, 13);
	for (i = 0; i < 3; i++) {
		t = &p->tiers[i];
		assert_int_equal(t->validity.term, TC_TERM_FIXED);
		assert_int_equal(t->validity.default_months, 60);
		assert_int_equal(t->validity.max_months, 60);
		assert_int_equal(t->n_steps, 5);
		assert_string_equal(t->steps[0].id, "preliminary");
		assert_true(t->steps[0].may_return);
		assert_int_equal(t->steps[2].kind, TC_STEP_APPROVE);
		assert_false(t->steps[2].decides_tier);
		assert_int_equal(t->kind, TC_TIER_MAIN);
	}
	/* Approval: the leadership group for Diamond, the HR bureau else. */
	assert_int_equal(
	    tc_tier_step(d, "approval")->role, TC_ROLE_LEADERSHIP_GROUP);
	for (i = 0; i < 5; i++)
		assert_string_equal(tc_role_name(g->steps[i].role), roles[i]);
	assert_int_equal(tc_tier_step(sv, "approval")->role, TC_ROLE_APPROVER);
	assert_null(tc_tier_step(sv, "nope"));
	/* Case by case: own clause, tier decided by the leadership group. */
	cbc = tc_programme_route(p, "case-by-case");
	assert_non_null(cbc);
	assert_int_equal(cbc->tiers.n, 3);
	assert_int_equal(cbc->n_clauses, 1);
	assert_non_null(tc_route_clause(cbc, "cbc"));
	assert_int_equal(
	    tc_route_step(cbc, "approval")->role, TC_ROLE_LEADERSHIP_GROUP);
	assert_true(tc_route_step(cbc, "approval")->decides_tier);
	/* Clauses are found anywhere, with their owner. */
	cl = tc_programme_clause(p, "cbc", &t, &cbc);
	assert_non_null(cl);
	assert_null(t);
	assert_non_null(cbc);
	cl = tc_programme_clause(p, "d13", &t, &cbc);
	assert_ptr_equal(t, d);
	assert_null(cbc);
	assert_string_equal(cl->holder_of, "guangdong-youyue");
	assert_ptr_equal(tc_tier_clause(d, "d18"), &d->clauses[17]);
	assert_null(tc_tier_clause(g, "d1"));
	assert_string_equal(
	    tc_tier_clause(g, "g8")->holder_of, "guangzhou-green");
	/* Services: the 10-or-11 choice, gym and airport quotas. */
	x = tc_programme_exclusive_group(p, "health-check");
	assert_non_null(x);
	assert_ptr_equal(
	    x, tc_programme_exclusive_group(p, "union-health-check"));
	assert_int_equal(x->services.n, 2);
	assert_int_equal(x->period, TC_PERIOD_YEAR);
	assert_null(tc_programme_exclusive_group(p, "gym"));
	assert_string_equal(
	    tc_programme_service(p, "union-health-check")->item, "10");
	assert_string_equal(
	    tc_programme_service(p, "health-check")->item, "11");
	assert_false(
	    tc_service_covers(tc_programme_service(p, "health-check"), "gold"));
	gym =
	    tc_service_option(tc_programme_service(p, "culture-sports"), "gym");
	assert_non_null(gym);
	assert_int_equal(gym->quota.period, TC_PERIOD_MONTH);
	assert_int_equal(gym->quota.count, 2);
	assert_int_equal(gym->duration_minutes, 120);
	assert_true(tc_service_covers(gym, "silver")); /* inherited */
	air = tc_programme_service(p, "airport-vip");
	assert_int_equal(air->quota.period, TC_PERIOD_YEAR);
	assert_int_equal(air->quota.count, 2);
	assert_int_equal(air->n_options, 2);
	o = tc_service_option(air, "domestic");
	assert_int_equal(o->lead_minutes, 120);
	assert_int_equal(o->quota.period, TC_PERIOD_UNLIMITED);
	assert_int_equal(
	    tc_service_option(air, "international")->lead_minutes, 180);
	assert_true(tc_service_covers(air, "diamond"));
	assert_false(tc_service_covers(air, "gold"));
	assert_int_equal(
	    tc_programme_service(p, "business-tax")->completion_days, 1);
	assert_int_equal(air->channels, TC_CHANNEL_CHIP | TC_CHANNEL_QR);
	assert_int_equal(
	    tc_programme_service(p, "household-registration")->beneficiaries,
	    TC_REL_BIT(TC_REL_HOLDER) | TC_REL_BIT(TC_REL_SPOUSE) |
		TC_REL_BIT(TC_REL_CHILD));
	assert_int_equal(tc_programme_service(p, "medical")->n_places, 7);
	/* Guards. */
	assert_true(p->guards.employer_in_region.set);
	assert_int_equal(p->guards.employer_in_region.value, 1);
	assert_true(p->guards.ends_on_retirement.set);
	assert_true(p->guards.upgrade_by_application.set);
	assert_false(p->guards.below_retirement_age.set);
	assert_false(p->guards.fraud_employer_bar_years.set);
	assert_int_equal(p->n_excluded_employers, 1);
	assert_true(p->excluded_employers[0].in_principle);
	assert_true(
	    strncmp(p->excluded_employers[0].cite.source, "001 ", 4) == 0);
	assert_int_equal(p->n_end_reasons, 6);
	assert_int_equal(p->application.n_work_types, 3);
	assert_int_equal(p->application.upload_formats.n, 4);
	tc_programme_free(p);
}

static void
test_green_card(void **state)
{
	struct tc_programme *p = load("guangzhou-green");
	const struct tc_tier *a, *b, *t;
	const struct tc_step *s;
	static const struct {
		const char *id;
		enum tc_relation rel;
		int minor;
	} subs[] = {
		{ "a-spouse", TC_REL_SPOUSE, 0 },
		{ "a-child", TC_REL_CHILD, 1 },
		{ "a-parent", TC_REL_PARENT, 0 },
		{ "a-parent-in-law", TC_REL_PARENT_IN_LAW, 0 },
	};
	size_t i, nsub = 0;

	assert_string_equal(p->region, "440100");
	a = tc_programme_tier(p, "a");
	b = tc_programme_tier(p, "b");
	/* A: up to 5 years, set at approval. */
	assert_int_equal(a->validity.term, TC_TERM_FIXED);
	assert_int_equal(a->validity.max_months, 60);
	assert_true(a->validity.set_at_approval);
	assert_int_equal(a->validity.extensions, 0);
	/* B: at most 1 year, one 1-year extension, may become A. */
	assert_int_equal(b->validity.default_months, 12);
	assert_int_equal(b->validity.max_months, 12);
	assert_int_equal(b->validity.extensions, 1);
	assert_int_equal(b->validity.extension_months, 12);
	assert_int_equal(b->converts_to.n, 1);
	assert_string_equal(b->converts_to.v[0], "a");
	assert_true(a->rank > b->rank);
	/* Categories and clauses. */
	assert_int_equal(a->n_categories, 6);
	assert_int_equal(a->n_clauses, 15);
	assert_int_equal(b->n_categories, 3);
	assert_int_equal(b->n_clauses, 5);
	assert_string_equal(tc_tier_clause(a, "a2-5")->category, "a-overseas");
	assert_non_null(tc_tier_clause(a, "a1-5")->proof.zh);
	/* Sub-cards: A only, share the main card's validity. */
	for (i = 0; i < 4; i++) {
		t = tc_programme_tier(p, subs[i].id);
		assert_non_null(t);
		assert_int_equal(t->kind, TC_TIER_SUB);
		assert_int_equal(t->relation, subs[i].rel);
		assert_int_equal(t->minor_only, subs[i].minor);
		assert_int_equal(t->validity.term, TC_TERM_PRINCIPAL);
		assert_int_equal(t->validity.default_months, 0);
		assert_int_equal(t->principal_tiers.n, 1);
		assert_string_equal(t->principal_tiers.v[0], "a");
		assert_int_equal(t->rank, 0);
		assert_int_equal(services_of(p, t->id), 5);
	}
	for (i = 0; i < p->n_tiers; i++) {
		if (p->tiers[i].kind != TC_TIER_SUB)
			continue;
		nsub++;
		assert_false(tc_idlist_has(&p->tiers[i].principal_tiers, "b"));
	}
	assert_int_equal(nsub, 4);
	assert_int_equal(services_of(p, "a"), 15);
	assert_int_equal(services_of(p, "b"), 4);
	assert_true(tc_service_covers(
	    tc_programme_service(p, "driving-vehicles"), "a-child"));
	assert_false(
	    tc_service_covers(tc_programme_service(p, "hukou"), "a-spouse"));
	/* Steps: 5 + 5 + 5 + 3 working days, returns restart the clock. */
	s = tc_tier_step(a, "review");
	assert_int_equal(s->role, TC_ROLE_HR_REVIEWER);
	assert_int_equal(s->deadline_days, 5);
	assert_true(s->may_return);
	assert_true(s->return_restarts_clock);
	s = tc_tier_step(a, "approval");
	assert_int_equal(s->role, TC_ROLE_APPROVER);
	assert_int_equal(s->deadline_days, 5);
	assert_string_equal(s->clock_from, "review");
	assert_int_equal(
	    tc_tier_step(a, "produce")->role, TC_ROLE_CARD_PRODUCER);
	assert_int_equal(tc_tier_step(a, "produce")->deadline_days, 5);
	assert_int_equal(tc_tier_step(b, "issue")->role, TC_ROLE_CARD_ISSUER);
	assert_int_equal(tc_tier_step(b, "issue")->deadline_days, 3);
	/* Guards. */
	assert_true(p->guards.below_retirement_age.set);
	assert_true(p->guards.below_retirement_age.in_principle);
	assert_int_equal(p->guards.fraud_employer_bar_years.value, 3);
	assert_int_equal(p->guards.fraud_person_blacklist.value, 1);
	assert_int_equal(p->guards.renewal_window_days.value, 30);
	assert_int_equal(p->guards.change_report_days.value, 30);
	assert_false(p->guards.ends_on_retirement.set);
	assert_int_equal(p->n_routes, 0);
	assert_int_equal(p->n_exclusive_groups, 0);
	tc_programme_free(p);
}

static void
test_youyue(void **state)
{
	struct tc_programme *p = load("guangdong-youyue");
	const struct tc_application *ap = &p->application;
	const struct tc_section *s;
	const struct tc_material *m;
	size_t i, j, nfull = 0, nflex = 0;

	assert_int_equal(p->n_services, 0);
	assert_false(p->tiers[0].clauses_complete);
	assert_int_equal(p->tiers[1].n_clauses, 0);
	assert_int_equal(p->tiers[0].validity.term, TC_TERM_OPEN);
	assert_true(p->tiers[0].validity.cite.assumed);
	/* The employer reviews first and may return the application. */
	assert_int_equal(p->tiers[0].steps[0].role, TC_ROLE_UNIT_REVIEWER);
	assert_true(p->tiers[0].steps[0].may_return);
	assert_false(p->tiers[0].steps[0].cite.assumed);
	assert_true(p->tiers[0].steps[1].cite.assumed);
	for (i = 0; i < ap->n_sections; i++) {
		s = &ap->sections[i];
		assert_true(s->required);
		if (strcmp(s->id, "achievements") == 0) {
			assert_int_equal(s->fields[0].max_chars, 1000);
			assert_true(s->fields[0].required);
		}
		if (strcmp(s->id, "family") == 0 ||
		    strcmp(s->id, "education") == 0 ||
		    strcmp(s->id, "work") == 0) {
			assert_true(s->repeating);
			assert_int_equal(s->min_entries, 1);
		}
		for (j = 0; j < s->n_fields; j++) {
			if (strcmp(s->id, "basic") == 0 &&
			    strcmp(s->fields[j].id, "photo") == 0) {
				assert_int_equal(s->fields[j].width_px, 358);
				assert_int_equal(s->fields[j].height_px, 441);
			}
			if (strcmp(s->fields[j].id, "id_number") == 0) {
				assert_true(s->fields[j].from_login);
				assert_false(s->fields[j].editable);
			}
		}
	}
	assert_int_equal(ap->n_sections, 8);
	assert_int_equal(ap->n_work_types, 2);
	for (i = 0; i < ap->n_materials; i++) {
		m = &ap->materials[i];
		assert_true(m->required);
		if (m->work_types.n == 0 ||
		    tc_idlist_has(&m->work_types, "full-time"))
			nfull++;
		if (m->work_types.n == 0 ||
		    tc_idlist_has(&m->work_types, "flexible"))
			nflex++;
	}
	assert_int_equal(nfull, 4);
	assert_int_equal(nflex, 4);
	assert_true(ap->pledge.required);
	assert_int_equal(ap->pledge.read_seconds, 5);
	tc_programme_free(p);
}

static void
test_chuxiong(void **state)
{
	struct tc_programme *p = load("chuxiong-xingchu");
	const struct tc_service *fin, *sc, *hc;
	const struct tc_route *fe, *cp;
	const struct tc_step *s;
	size_t i, j;

	assert_int_equal(p->alg, TC_COSE_ALG_SM2_SM3);
	assert_string_equal(p->region, "532300");
	assert_int_equal(p->n_services, 12);
	assert_int_equal(services_of(p, "a"), 12);
	assert_int_equal(services_of(p, "b"), 12);
	/* Financial services need the physical card; the rest take both. */
	fin = tc_programme_service(p, "finance");
	assert_int_equal(fin->channels, TC_CHANNEL_CHIP);
	for (i = 0; i < fin->n_options; i++)
		assert_int_equal(fin->options[i].channels, TC_CHANNEL_CHIP);
	assert_int_equal(tc_service_option(fin, "credit-a")->money.cny, 400000);
	assert_int_equal(
	    tc_service_option(fin, "credit-card-b")->money.cny, 150000);
	assert_false(
	    tc_service_covers(tc_service_option(fin, "credit-a"), "b"));
	for (i = 0; i < p->n_services; i++) {
		if (&p->services[i] == fin)
			continue;
		assert_int_equal(
		    p->services[i].channels, TC_CHANNEL_CHIP | TC_CHANNEL_QR);
		for (j = 0; j < p->services[i].n_options; j++)
			assert_int_equal(p->services[i].options[j].channels,
			    TC_CHANNEL_CHIP | TC_CHANNEL_QR);
	}
	/* Scenic spots: holder + spouse + child = 3 tickets. */
	sc = tc_programme_service(p, "scenic-spots");
	assert_int_equal(sc->party_size, 3);
	assert_int_equal(sc->beneficiaries,
	    TC_REL_BIT(TC_REL_HOLDER) | TC_REL_BIT(TC_REL_SPOUSE) |
		TC_REL_BIT(TC_REL_CHILD));
	assert_int_equal(tc_programme_service(p, "tax")->party_size, 1);
	/* The free health check is A only, once a year. */
	hc = tc_service_option(
	    tc_programme_service(p, "medical"), "health-check");
	assert_true(tc_service_covers(hc, "a"));
	assert_false(tc_service_covers(hc, "b"));
	assert_int_equal(hc->quota.period, TC_PERIOD_YEAR);
	assert_int_equal(hc->quota.count, 1);
	assert_int_equal(tc_service_option(tc_programme_service(p, "housing"),
			     "fund-withdrawal")
			     ->money.per,
	    TC_MONEY_MONTH);
	/* Review, consultation, public notice, then the bank. */
	s = tc_tier_step(&p->tiers[0], "public-notice");
	assert_int_equal(s->kind, TC_STEP_NOTICE);
	assert_true(s->notice_days > 0);
	assert_int_equal(s->role, TC_ROLE_LEADERSHIP_GROUP);
	assert_int_equal(
	    tc_tier_step(&p->tiers[0], "consultation")->kind, TC_STEP_CONSULT);
	assert_int_equal(
	    tc_tier_step(&p->tiers[1], "produce")->role, TC_ROLE_CARD_PRODUCER);
	assert_int_equal(
	    tc_tier_step(&p->tiers[1], "issue")->role, TC_ROLE_CARD_ISSUER);
	assert_int_equal(p->tiers[0].steps[0].role, TC_ROLE_INDUSTRY_REVIEWER);
	fe = tc_programme_route(p, "flexible-or-entrepreneur");
	assert_int_equal(fe->n_clauses, 2);
	assert_true(tc_route_step(fe, "approval")->decides_tier);
	cp = tc_programme_route(p, "central-provincial-unit");
	assert_int_equal(cp->n_clauses, 0);
	assert_int_equal(cp->steps[0].role, TC_ROLE_HR_REVIEWER);
	assert_false(tc_route_step(cp, "approval")->decides_tier);
	assert_int_equal(p->n_accepted_cards, 1);
	assert_string_equal(p->accepted_cards[0].as_tier, "a");
	assert_int_equal(p->tiers[0].n_clauses, 6);
	assert_int_equal(p->tiers[1].n_clauses, 4);
	tc_programme_free(p);
}

static void
test_names(void **state)
{
	enum tc_relation r = TC_REL_HOLDER;

	assert_string_equal(
	    tc_relation_name(TC_REL_PARENT_IN_LAW), "parent-in-law");
	assert_string_equal(tc_relation_name((enum tc_relation)0), "unknown");
	assert_string_equal(tc_relation_name((enum tc_relation)99), "unknown");
	assert_int_equal(tc_relation_parse("child", &r), 0);
	assert_int_equal(r, TC_REL_CHILD);
	assert_int_equal(tc_relation_parse("Child", &r), TC_ERR_INVALID_ARG);
	assert_int_equal(r, TC_REL_CHILD);
	assert_null(tc_programme_tier(NULL, "a"));
	assert_null(tc_programme_service(NULL, "a"));
	assert_null(tc_tier_clause(NULL, "a"));
	assert_int_equal(tc_service_covers(NULL, "a"), 0);
	tc_programme_free(NULL);
	tc_programme_set_free(NULL);
}

/* The file id.json with one change (see fx_prog_mutate). */
static char *
mutate(const char *id, const char *path, int op, const char *value)
{
	return fx_prog_mutate(dir, id, path, op, value, JSON_INDENT(1));
}

static const struct mutation {
	const char *file, *path;
	int op;
	const char *value;
	int code;
	const char *where; /* expected in the message after "FILE: " */
} mutations[] = {
	/* Unknown keys, types, missing keys. */
	{ "baiyun-yunju", "colour", SET, "\"#000000\"", TC_ERR_MALFORMED,
	    "colour: unknown key" },
	{ "baiyun-yunju", "tiers[0].colur", SET, "\"#000000\"",
	    TC_ERR_MALFORMED, "tiers[0].colur: unknown key" },
	{ "baiyun-yunju", "services[3].options[2].quota.cout", SET, "2",
	    TC_ERR_MALFORMED, "services[3].options[2].quota.cout: unknown" },
	{ "baiyun-yunju", "tiers[0].rank", SET, "\"3\"", TC_ERR_MALFORMED,
	    "tiers[0].rank: must be an integer" },
	{ "baiyun-yunju", "tiers[0].rank", SET, "3.5", TC_ERR_MALFORMED,
	    "tiers[0].rank: must be an integer" },
	{ "baiyun-yunju", "names", SET, "null", TC_ERR_MALFORMED,
	    "names: must be an object" },
	{ "baiyun-yunju", "tiers[0].steps[0].may_return", SET, "1",
	    TC_ERR_MALFORMED, "tiers[0].steps[0].may_return: must be true" },
	{ "baiyun-yunju", "tiers[0].steps", DEL, NULL, TC_ERR_MALFORMED,
	    "tiers[0].steps: missing" },
	{ "baiyun-yunju", "tiers[1].clauses[3].text.en", DEL, NULL,
	    TC_ERR_MALFORMED, "tiers[1].clauses[3].text.en: missing" },
	{ "baiyun-yunju", "application", DEL, NULL, TC_ERR_MALFORMED,
	    "application: missing" },
	{ "baiyun-yunju", "tiers[0].steps[0]", SET, "[]", TC_ERR_MALFORMED,
	    "tiers[0].steps[0]: must be an object" },
	/* Values. */
	{ "baiyun-yunju", "tiers[0].steps[0].role", SET, "\"boss\"",
	    TC_ERR_MALFORMED, "tiers[0].steps[0].role: unknown role 'boss'" },
	{ "guangzhou-green", "tiers[1].steps[1].role", SET, "\"Approver\"",
	    TC_ERR_MALFORMED, "tiers[1].steps[1].role: unknown role" },
	/* A step's organisation: a code, and never on a unit's step. */
	{ "guangdong-youyue", "tiers[0].steps[0].organisation", SET,
	    "\"demo-district\"", TC_ERR_MALFORMED,
	    "tiers[0].steps[0].organisation: a unit-reviewer step names no organisation" },
	{ "guangdong-youyue", "tiers[0].steps[1].organisation", SET,
	    "\"Bad Code\"", TC_ERR_MALFORMED,
	    "tiers[0].steps[1].organisation: not an id" },
	{ "guangdong-youyue", "tiers[0].steps[1].organisation", SET, "7",
	    TC_ERR_MALFORMED,
	    "tiers[0].steps[1].organisation: must be a string" },
	{ "baiyun-yunju", "alg", SET, "\"RS256\"", TC_ERR_UNSUPPORTED_ALG,
	    "alg: unknown algorithm 'RS256'" },
	{ "chuxiong-xingchu", "alg", SET, "\"sm2\"", TC_ERR_UNSUPPORTED_ALG,
	    "alg: unknown algorithm" },
	{ "baiyun-yunju", "code", DEL, NULL, TC_ERR_MALFORMED,
	    "code: missing" },
	{ "baiyun-yunju", "code", SET, "0", TC_ERR_RANGE, "code:" },
	{ "baiyun-yunju", "code", SET, "65536", TC_ERR_RANGE, "code:" },
	{ "baiyun-yunju", "code", SET, "\"1\"", TC_ERR_MALFORMED,
	    "code: must be an integer" },
	{ "baiyun-yunju", "region", SET, "\"44011\"", TC_ERR_MALFORMED,
	    "region: not a 6-digit region code" },
	{ "baiyun-yunju", "region", SET, "\"44011x\"", TC_ERR_MALFORMED,
	    "region: not a 6-digit region code" },
	{ "baiyun-yunju", "region", SET, "\"4401110\"", TC_ERR_MALFORMED,
	    "region: not a 6-digit region code" },
	{ "baiyun-yunju", "region", SET, "\"990111\"", TC_ERR_RANGE,
	    "region: does not begin with a mainland province" },
	{ "baiyun-yunju", "format", SET, "\"talentcard-programme/2\"",
	    TC_ERR_UNSUPPORTED, "format: unsupported format" },
	{ "baiyun-yunju", "id", SET, "\"Baiyun Yunju\"", TC_ERR_MALFORMED,
	    "id: not an id" },
	{ "baiyun-yunju", "tiers[0].colour", SET, "\"blue\"", TC_ERR_MALFORMED,
	    "tiers[0].colour: not a colour" },
	{ "baiyun-yunju", "tiers[0].clauses[0].text.zh", SET, "\"\"",
	    TC_ERR_MALFORMED,
	    "tiers[0].clauses[0].text.zh: must not be empty" },
	{ "baiyun-yunju", "tiers[0].clauses[0].text.zh", SET, "\"a\\tb\"",
	    TC_ERR_MALFORMED,
	    "tiers[0].clauses[0].text.zh: control character" },
	{ "baiyun-yunju", "tiers[0].clauses[0].source", SET, "\"999 x\"",
	    TC_ERR_NOT_FOUND,
	    "tiers[0].clauses[0].source: does not start with a source id" },
	{ "baiyun-yunju", "tiers[0].clauses[0].source", SET, "\"0011\"",
	    TC_ERR_NOT_FOUND, "tiers[0].clauses[0].source" },
	{ "baiyun-yunju", "sources[0].date", SET, "\"2019-02-30\"",
	    TC_ERR_MALFORMED, "sources[0].date: not a date" },
	{ "baiyun-yunju", "sources[1].date", SET, "\"2021-+1-24\"",
	    TC_ERR_MALFORMED, "sources[1].date: not a date" },
	{ "baiyun-yunju", "media", SET, "[]", TC_ERR_MALFORMED,
	    "media: must not be empty" },
	{ "baiyun-yunju", "media", SET, "[\"chip\",\"nfc\"]", TC_ERR_MALFORMED,
	    "media[1]: unknown value 'nfc'" },
	{ "baiyun-yunju", "media", SET, "[\"qr\",\"qr\"]", TC_ERR_EXISTS,
	    "media[1]: 'qr' named twice" },
	/* Duplicate ids. */
	{ "baiyun-yunju", "tiers[1].id", SET, "\"diamond\"", TC_ERR_EXISTS,
	    "tiers[1].id: id 'diamond' is already used at tiers[0].id" },
	{ "baiyun-yunju", "tiers[0].clauses[1].id", SET, "\"d1\"",
	    TC_ERR_EXISTS, "tiers[0].clauses[1].id: clause id 'd1'" },
	{ "baiyun-yunju", "tiers[2].clauses[0].id", SET, "\"g1\"",
	    TC_ERR_EXISTS,
	    "tiers[2].clauses[0].id: clause id 'g1' is already used at tiers[1].clauses[0].id" },
	{ "baiyun-yunju", "routes[0].clauses[0].id", SET, "\"s7\"",
	    TC_ERR_EXISTS, "routes[0].clauses[0].id" },
	{ "baiyun-yunju", "tiers[0].steps[1].id", SET, "\"preliminary\"",
	    TC_ERR_EXISTS, "tiers[0].steps[1].id" },
	{ "baiyun-yunju", "services[1].id", SET, "\"household-registration\"",
	    TC_ERR_EXISTS, "services[1].id" },
	{ "baiyun-yunju", "services[12].options[1].id", SET, "\"domestic\"",
	    TC_ERR_EXISTS, "services[12].options[1].id" },
	{ "baiyun-yunju", "services[0].tiers[1]", SET, "\"diamond\"",
	    TC_ERR_EXISTS, "services[0].tiers[1]" },
	{ "guangzhou-green", "tiers[1].rank", SET, "2", TC_ERR_EXISTS,
	    "tiers[1].rank: rank '2' is already used at tiers[0].rank" },
	/* References. */
	{ "baiyun-yunju", "services[0].tiers[0]", SET, "\"platinum\"",
	    TC_ERR_NOT_FOUND, "services[0].tiers[0]: no tier 'platinum'" },
	{ "chuxiong-xingchu", "services[0].options[1].tiers[0]", SET, "\"c\"",
	    TC_ERR_NOT_FOUND, "services[0].options[1].tiers[0]: no tier 'c'" },
	{ "baiyun-yunju", "services[12].options[0].tiers", SET, "[\"gold\"]",
	    TC_ERR_MALFORMED,
	    "services[12].options[0].tiers[0]: 'gold' is not a tier of the service" },
	{ "guangzhou-green", "tiers[2].principal_tiers[0]", SET, "\"c\"",
	    TC_ERR_NOT_FOUND, "tiers[2].principal_tiers[0]: no tier 'c'" },
	{ "guangzhou-green", "tiers[2].principal_tiers[0]", SET, "\"a-child\"",
	    TC_ERR_MALFORMED,
	    "tiers[2].principal_tiers[0]: 'a-child' is a sub-card tier" },
	{ "guangzhou-green", "tiers[1].converts_to[0]", SET, "\"b\"",
	    TC_ERR_MALFORMED, "tiers[1].converts_to[0]" },
	{ "guangzhou-green", "tiers[0].clauses[0].category", SET, "\"a-x\"",
	    TC_ERR_NOT_FOUND, "tiers[0].clauses[0].category" },
	{ "baiyun-yunju", "exclusive_groups[0].services[1]", SET, "\"spa\"",
	    TC_ERR_NOT_FOUND,
	    "exclusive_groups[0].services[1]: no service 'spa'" },
	{ "guangdong-youyue", "application.materials[1].work_types[0]", SET,
	    "\"part-time\"", TC_ERR_NOT_FOUND,
	    "application.materials[1].work_types[0]: no work type" },
	{ "guangzhou-green", "application.materials[3].id_types[0]", SET,
	    "\"visa\"", TC_ERR_NOT_FOUND,
	    "application.materials[3].id_types[0]" },
	{ "guangdong-youyue", "application.sections[7].fields[0].derived_from",
	    SET, "\"basic.boss\"", TC_ERR_NOT_FOUND,
	    "application.sections[7].fields[0].derived_from" },
	{ "chuxiong-xingchu", "accepted_cards[0].as_tier", SET, "\"c\"",
	    TC_ERR_NOT_FOUND, "accepted_cards[0].as_tier" },
	{ "guangzhou-green", "requirements[3].tiers[0]", SET, "\"z\"",
	    TC_ERR_NOT_FOUND, "requirements[3].tiers[0]" },
	{ "chuxiong-xingchu", "media", SET, "[\"qr\"]", TC_ERR_MALFORMED,
	    "services[11].channels: not within the programme's media" },
	{ "chuxiong-xingchu", "services[11].options[0].channels", SET,
	    "[\"qr\"]", TC_ERR_MALFORMED,
	    "services[11].options[0].channels: not within the service's" },
	/* Validity. */
	{ "guangzhou-green", "tiers[1].validity.default_months", SET, "24",
	    TC_ERR_RANGE,
	    "tiers[1].validity.default_months: 24 is more than max_months (12)" },
	{ "guangzhou-green", "tiers[1].validity.extension_months", SET, "0",
	    TC_ERR_RANGE, "tiers[1].validity.extension_months" },
	{ "guangzhou-green", "tiers[0].validity.max_months", SET, "-60",
	    TC_ERR_RANGE,
	    "tiers[0].validity.max_months: must not be negative" },
	{ "guangzhou-green", "tiers[2].validity.default_months", SET, "60",
	    TC_ERR_MALFORMED,
	    "tiers[2].validity.default_months: not allowed with term 'principal'" },
	{ "baiyun-yunju", "tiers[0].validity.term", SET, "\"principal\"",
	    TC_ERR_MALFORMED, "tiers[0].validity.default_months" },
	{ "baiyun-yunju", "tiers[0].validity.max_months", DEL, NULL,
	    TC_ERR_MALFORMED, "tiers[0].validity.max_months: missing" },
	{ "guangzhou-green", "tiers[2].validity.term", SET, "\"fixed\"",
	    TC_ERR_MALFORMED, "tiers[2].validity.default_months: missing" },
	/* Tier kinds. */
	{ "guangzhou-green", "tiers[2].rank", SET, "1", TC_ERR_MALFORMED,
	    "tiers[2].rank: sub-card tiers have no rank" },
	{ "guangzhou-green", "tiers[3].relation", SET, "\"holder\"",
	    TC_ERR_MALFORMED, "tiers[3].relation: unknown value 'holder'" },
	{ "guangzhou-green", "tiers[3].relation", DEL, NULL, TC_ERR_MALFORMED,
	    "tiers[3].relation: missing" },
	{ "guangzhou-green", "tiers[0].relation", SET, "\"spouse\"",
	    TC_ERR_MALFORMED, "tiers[0].relation: only for sub-card tiers" },
	{ "baiyun-yunju", "tiers[0].rank", DEL, NULL, TC_ERR_MALFORMED,
	    "tiers[0].rank: missing" },
	{ "baiyun-yunju", "tiers[0].rank", SET, "0", TC_ERR_RANGE,
	    "tiers[0].rank: must be from 1 to 100" },
	{ "baiyun-yunju", "tiers[0].rank", SET, "99999999999999999",
	    TC_ERR_RANGE, "tiers[0].rank" },
	{ "baiyun-yunju", "tiers[0].clauses", SET, "[]", TC_ERR_MALFORMED,
	    "tiers[0].clauses: a main tier needs clauses" },
	/* Steps. */
	{ "baiyun-yunju", "tiers[0].steps", SET, "[]", TC_ERR_MALFORMED,
	    "tiers[0].steps: must not be empty" },
	{ "baiyun-yunju", "tiers[0].steps[0].deadline_working_days", SET, "-1",
	    TC_ERR_RANGE,
	    "tiers[0].steps[0].deadline_working_days: must not be negative" },
	{ "baiyun-yunju", "tiers[0].steps[1].kind", SET, "\"approve\"",
	    TC_ERR_MALFORMED, "tiers[0].steps: needs exactly one approve" },
	{ "baiyun-yunju", "tiers[0].steps[4]", DEL, NULL, TC_ERR_MALFORMED,
	    "tiers[0].steps: needs exactly one approve, one produce and one issue step (has 1, 1, 0)" },
	{ "baiyun-yunju", "tiers[0].steps[3].kind", SET, "\"review\"",
	    TC_ERR_MALFORMED, "tiers[0].steps: needs exactly one" },
	{ "baiyun-yunju", "tiers[0].steps[0].kind", SET, "\"sign\"",
	    TC_ERR_MALFORMED, "tiers[0].steps[0].kind: unknown value" },
	{ "guangzhou-green", "tiers[0].steps[1].clock_from", SET, "\"produce\"",
	    TC_ERR_NOT_FOUND,
	    "tiers[0].steps[1].clock_from: 'produce' is not an earlier step" },
	{ "guangzhou-green", "tiers[0].steps[0].may_return", SET, "false",
	    TC_ERR_MALFORMED, "tiers[0].steps[0].return_restarts_clock" },
	{ "baiyun-yunju", "tiers[0].steps[2].decides_tier", SET, "true",
	    TC_ERR_MALFORMED,
	    "tiers[0].steps[2].decides_tier: the tier is fixed here" },
	{ "baiyun-yunju", "tiers[0].steps[0].decides_tier", SET, "true",
	    TC_ERR_MALFORMED,
	    "tiers[0].steps[0].decides_tier: only an approve step" },
	{ "baiyun-yunju", "routes[0].steps[2].decides_tier", SET, "false",
	    TC_ERR_MALFORMED,
	    "routes[0].steps: the approve step must decide the tier" },
	{ "chuxiong-xingchu", "tiers[0].steps[3].notice_working_days", DEL,
	    NULL, TC_ERR_RANGE,
	    "tiers[0].steps[3].notice_working_days: a notice step needs" },
	{ "chuxiong-xingchu", "tiers[0].steps[2].notice_working_days", SET, "5",
	    TC_ERR_RANGE,
	    "tiers[0].steps[2].notice_working_days: only a notice step" },
	/* Services. */
	{ "baiyun-yunju", "exclusive_groups[0].services", SET,
	    "[\"health-check\"]", TC_ERR_MALFORMED,
	    "exclusive_groups[0].services: needs at least 2 entries" },
	{ "baiyun-yunju", "exclusive_groups[0].services", SET,
	    "[\"health-check\",\"health-check\"]", TC_ERR_EXISTS,
	    "exclusive_groups[0].services[1]" },
	{ "baiyun-yunju", "exclusive_groups[0].period", SET, "\"unlimited\"",
	    TC_ERR_MALFORMED, "exclusive_groups[0].period: unknown value" },
	{ "chuxiong-xingchu", "services[10].party_size", SET, "0", TC_ERR_RANGE,
	    "services[10].party_size: must be from 1" },
	{ "baiyun-yunju", "services[12].quota", SET,
	    "{\"period\":\"unlimited\",\"count\":2}", TC_ERR_MALFORMED,
	    "services[12].quota.count: no count with period 'unlimited'" },
	{ "baiyun-yunju", "services[12].quota.count", DEL, NULL,
	    TC_ERR_MALFORMED, "services[12].quota.count: missing" },
	{ "baiyun-yunju", "services[12].quota.count", SET, "-2", TC_ERR_RANGE,
	    "services[12].quota.count: must not be negative" },
	{ "baiyun-yunju", "services[12].quota.period", SET, "\"week\"",
	    TC_ERR_MALFORMED, "services[12].quota.period: unknown value" },
	{ "baiyun-yunju", "services[12].options[0].lead_minutes", SET, "-120",
	    TC_ERR_RANGE, "services[12].options[0].lead_minutes" },
	{ "baiyun-yunju", "services[12].options[0].options", SET, "[]",
	    TC_ERR_MALFORMED,
	    "services[12].options[0].options: not allowed in an option" },
	{ "baiyun-yunju", "services[0].tiers", DEL, NULL, TC_ERR_MALFORMED,
	    "services[0].tiers: missing" },
	{ "baiyun-yunju", "services[0].beneficiaries[0]", SET, "\"cousin\"",
	    TC_ERR_MALFORMED, "services[0].beneficiaries[0]: unknown value" },
	{ "chuxiong-xingchu", "services[4].options[1].money.cny", SET, "-1",
	    TC_ERR_RANGE, "services[4].options[1].money.cny" },
	/* Guards. */
	{ "guangzhou-green", "guards.fraud_employer_bar_years.value", SET,
	    "true", TC_ERR_MALFORMED,
	    "guards.fraud_employer_bar_years.value: must be an integer" },
	{ "guangzhou-green", "guards.below_retirement_age.value", SET, "60",
	    TC_ERR_MALFORMED,
	    "guards.below_retirement_age.value: must be true or false" },
	{ "guangzhou-green", "guards.retire", SET, "{}", TC_ERR_MALFORMED,
	    "guards.retire: unknown key" },
	{ "guangzhou-green", "guards.renewal_window_days.source", DEL, NULL,
	    TC_ERR_MALFORMED, "guards.renewal_window_days.source: missing" },
	{ "guangzhou-green", "guards.change_report_days.value", SET, "-30",
	    TC_ERR_RANGE,
	    "guards.change_report_days.value: must not be negative" },
	/* The form. */
	{ "guangdong-youyue", "application.sections[5].min_entries", SET, "-1",
	    TC_ERR_RANGE, "application.sections[5].min_entries" },
	{ "guangdong-youyue", "application.sections[5].min_entries", SET,
	    "1001", TC_ERR_RANGE,
	    "application.sections[5].min_entries: must be from 0 to 1000" },
	{ "guangdong-youyue", "application.sections[5]", SET,
	    "{\"id\":\"education\",\"names\":{\"zh\":\"a\",\"en\":\"a\"},\"required\":true,\"repeating\":true,\"min_entries\":3,\"max_entries\":2,\"fields\":[{\"id\":\"x\",\"names\":{\"zh\":\"a\",\"en\":\"a\"},\"type\":\"text\",\"required\":true,\"source\":\"003 x\"}],\"source\":\"003 x\"}",
	    TC_ERR_RANGE,
	    "application.sections[5].min_entries: 3 is more than max_entries (2)" },
	{ "guangdong-youyue", "application.sections[3].min_entries", SET, "1",
	    TC_ERR_MALFORMED,
	    "application.sections[3].min_entries: only for repeating" },
	{ "guangdong-youyue", "application.sections[3].fields[0].max_chars",
	    SET, "-1000", TC_ERR_RANGE,
	    "application.sections[3].fields[0].max_chars" },
	{ "guangdong-youyue", "application.sections[3].fields[0].width_px", SET,
	    "358", TC_ERR_MALFORMED,
	    "application.sections[3].fields[0].width_px: only for photo" },
	{ "guangdong-youyue", "application.sections[1].fields[1].id", SET,
	    "\"name\"", TC_ERR_EXISTS, "application.sections[1].fields[1].id" },
	{ "guangdong-youyue", "application.pledge.read_seconds", SET, "-5",
	    TC_ERR_RANGE, "application.pledge.read_seconds" },
};

static void
test_mutations(void **state)
{
	struct tc_programme *p;
	char err[512], prefix[64];
	const struct mutation *m;
	size_t i;
	char *text;
	int r;

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
	/* A step of another role may name its organisation. */
	text = mutate("guangdong-youyue", "tiers[0].steps[1].organisation", SET,
	    "\"demo-district\"");
	assert_int_equal(
	    tc_programme_parse(&p, text, strlen(text), "x", err, sizeof(err)),
	    0);
	assert_string_equal(p->tiers[0].steps[1].organisation, "demo-district");
	assert_null(p->tiers[0].steps[0].organisation);
	free(text);
	tc_programme_free(p);
	/* The unmutated files still parse after a round trip. */
	text = mutate("baiyun-yunju", "note", SET, "\"x\"");
	assert_int_equal(
	    tc_programme_parse(&p, text, strlen(text), "x", err, sizeof(err)),
	    0);
	assert_string_equal(p->note, "x");
	assert_string_equal(p->file, "x");
	free(text);
	tc_programme_free(p);
}

static void
expect_text(const char *text, size_t len, int code, const char *where)
{
	struct tc_programme *p = (struct tc_programme *)1;
	char err[512] = "";
	int r;

	r = tc_programme_parse(&p, text, len, "t.json", err, sizeof(err));
	if (r != code || p != NULL || strncmp(err, "t.json: ", 8) != 0 ||
	    strstr(err, where) == NULL)
		fail_msg("got %d (%s) \"%s\", want %d \"%s\"", r, tc_errname(r),
		    err, code, where);
}

static void
test_broken_text(void **state)
{
	static const char dup[] = "{\"format\": \"x\",\n \"format\": \"y\"}";
	static const char bad_utf8[] = "{\"id\": \"\xc3\x28\"}";
	static const char nul[] = "{\"id\": \"a\0b\"}";
	static const char esc_nul[] = "{\"id\": \"a\\u0000b\"}";
	char *big, *deep;
	size_t i;

	expect_text("", 0, TC_ERR_TRUNCATED, "line 1, column 0");
	expect_text(NULL, 0, TC_ERR_TRUNCATED, "line");
	expect_text("{\"format\":", 10, TC_ERR_TRUNCATED, "line 1");
	expect_text(
	    "{\n\"format\" \"x\"}", 16, TC_ERR_MALFORMED, "line 2, column");
	expect_text("{} {}", 5, TC_ERR_TRAILING, "line 1");
	expect_text(dup, sizeof(dup) - 1, TC_ERR_MALFORMED, "duplicate");
	expect_text(
	    bad_utf8, sizeof(bad_utf8) - 1, TC_ERR_BAD_ENCODING, "line 1");
	expect_text(nul, sizeof(nul) - 1, TC_ERR_MALFORMED, "line 1");
	expect_text(esc_nul, sizeof(esc_nul) - 1, TC_ERR_MALFORMED, "line 1");
	expect_text("[]", 2, TC_ERR_MALFORMED, "must be an object");
	expect_text("{}", 2, TC_ERR_MALFORMED, "format: missing");
	expect_text("{\"format\": 1}", 13, TC_ERR_MALFORMED,
	    "format: must be a string");
	/* Deep nesting stops at jansson's limit, without a crash. */
	deep = malloc(100001);
	assert_non_null(deep);
	for (i = 0; i < 100000; i++)
		deep[i] = '[';
	expect_text(deep, 100000, TC_ERR_TOO_DEEP, "line 1");
	free(deep);
	/* Over 1 MiB: refused before parsing. */
	big = calloc(1, TC_PROGRAMME_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', TC_PROGRAMME_FILE_MAX + 1);
	expect_text(big, TC_PROGRAMME_FILE_MAX + 1, TC_ERR_TOO_LARGE,
	    "larger than 1048576 bytes");
	free(big);
	/* Arguments. */
	assert_int_equal(tc_programme_parse(NULL, "{}", 2, NULL, NULL, 0),
	    TC_ERR_INVALID_ARG);
}

static char *
tempdir(void)
{
	char tmpl[] = "/tmp/tc-programme-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void
put(const char *d, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
copy(const char *d, const char *id, const char *name)
{
	char *text = mutate(id, "note", SET, "\"copy\"");

	put(d, name, text);
	free(text);
}

static void
rm_dir(const char *d)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
}

static void
test_sets(void **state)
{
	struct tc_programme_set *s = (struct tc_programme_set *)1;
	struct tc_programme *p = NULL;
	char err[1024] = "", path[PATH_MAX + 32];
	char *d = tempdir();

	assert_int_equal(tc_programme_set_load_dir(&s, d, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_null(s);
	assert_non_null(strstr(err, "no *.json"));
	/* Other files and hidden files are ignored. */
	put(d, "README", "not json");
	put(d, ".hidden.json", "not json");
	copy(d, "baiyun-yunju", "a.json");
	assert_int_equal(tc_programme_set_load_dir(&s, d, err, sizeof(err)), 0);
	assert_int_equal(tc_programme_set_count(s), 1);
	tc_programme_set_free(s);
	/* The same id in two files: both are named. */
	copy(d, "baiyun-yunju", "b.json");
	assert_int_equal(
	    tc_programme_set_load_dir(&s, d, err, sizeof(err)), TC_ERR_EXISTS);
	assert_null(s);
	assert_non_null(strstr(err,
	    "/b.json: id: programme 'baiyun-yunju' is already defined in "));
	assert_non_null(strstr(err, "/a.json"));
	/* One broken file refuses the set and is named. */
	put(d, "b.json", "{\"format\": 2}");
	assert_int_equal(tc_programme_set_load_dir(&s, d, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "/b.json: format: must be a string"));
	/* Files: missing, a directory, too large. */
	snprintf(path, sizeof(path), "%s/none.json", d);
	assert_int_equal(
	    tc_programme_load(&p, path, err, sizeof(err)), TC_ERR_IO);
	assert_non_null(strstr(err, "none.json"));
	assert_int_equal(tc_programme_load(&p, d, err, sizeof(err)), TC_ERR_IO);
	snprintf(path, sizeof(path), "%s/big.json", d);
	put(d, "big.json", "");
	assert_int_equal(truncate(path, TC_PROGRAMME_FILE_MAX + 1), 0);
	assert_int_equal(
	    tc_programme_load(&p, path, err, sizeof(err)), TC_ERR_TOO_LARGE);
	assert_null(p);
	assert_int_equal(
	    tc_programme_set_load_dir(&s, "/nonexistent/dir", err, sizeof(err)),
	    TC_ERR_IO);
	rm_dir(d);
	free(d);
}

#define TESTS(X, XF)                                                           \
	X(test_set_loads_all)                                                  \
	X(test_baiyun)                                                         \
	X(test_green_card)                                                     \
	X(test_youyue)                                                         \
	X(test_chuxiong)                                                       \
	X(test_names)                                                          \
	X(test_mutations)                                                      \
	X(test_broken_text)                                                    \
	X(test_sets)

TC_UNIT_MAIN_IF(TESTS, fx_programmes_found(dir, sizeof(dir)), NULL, NULL)
