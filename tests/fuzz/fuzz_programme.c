/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the programme loader (src/programme.c): the input is a
 * programme file. A refused input must leave a terminated message that
 * names the input; an accepted one must keep the promises of
 * include/tcard/programme.h, which are checked here by walking every part
 * and looking every id up again. The seed corpus holds the four real
 * programmes and small broken ones.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/programme.h"

static void
check_text(const struct tc_text *t, int required)
{
	CHECK((t->zh == NULL) == (t->en == NULL));
	CHECK(!required || t->zh != NULL);
	if (t->zh != NULL)
		CHECK(t->zh[0] != '\0' && t->en[0] != '\0');
}

static void
check_steps(const struct tc_step *s, size_t n)
{
	size_t i, approve = 0, produce = 0, issue = 0;

	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		CHECK(s[i].role >= TC_ROLE_FIRST && s[i].role <= TC_ROLE_LAST);
		CHECK((s[i].kind == TC_STEP_NOTICE) == (s[i].notice_days > 0));
		CHECK(s[i].deadline_days >= 0);
		check_text(&s[i].names, 1);
		approve += s[i].kind == TC_STEP_APPROVE;
		produce += s[i].kind == TC_STEP_PRODUCE;
		issue += s[i].kind == TC_STEP_ISSUE;
	}
	CHECK(approve == 1 && produce == 1 && issue == 1);
	CHECK(s[n - 1].kind == TC_STEP_ISSUE);
}

static void
check_service(const struct tc_programme *p, const struct tc_service *s,
    const struct tc_service *parent)
{
	size_t i;

	CHECK(s->party_size >= 1);
	CHECK(s->channels != 0 && (s->channels & ~p->media) == 0);
	CHECK(s->tiers.n > 0);
	for (i = 0; i < s->tiers.n; i++) {
		CHECK(tc_programme_tier(p, s->tiers.v[i]) != NULL);
		CHECK(
		    parent == NULL || tc_service_covers(parent, s->tiers.v[i]));
	}
	CHECK(
	    (s->quota.period == TC_PERIOD_UNLIMITED) == (s->quota.count == 0));
	for (i = 0; i < s->n_options; i++) {
		CHECK(parent == NULL);
		CHECK(tc_service_option(s, s->options[i].id) == &s->options[i]);
		check_service(p, &s->options[i], s);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_programme *p = NULL;
	const struct tc_tier *owner;
	const struct tc_route *rowner;
	const struct tc_tier *t;
	char err[512] = "";
	size_t i, j;

	if (tc_programme_parse(
		&p, (const char *)data, size, "fuzz", err, sizeof(err)) != 0) {
		fuzz_parse_refused(p, err, sizeof(err), "fuzz: ");
		return 0;
	}
	CHECK(strlen(p->region) == 6);
	CHECK(p->alg == TC_COSE_ALG_ES256 || p->alg == TC_COSE_ALG_SM2_SM3);
	CHECK(p->n_tiers > 0 && p->n_sources > 0 && p->media != 0);
	check_text(&p->names, 1);
	for (i = 0; i < p->n_tiers; i++) {
		t = &p->tiers[i];
		CHECK(tc_programme_tier(p, t->id) == t);
		CHECK(t->colour != NULL && t->rgb <= 0xffffff);
		check_steps(t->steps, t->n_steps);
		for (j = 0; j < t->n_steps; j++)
			CHECK(tc_tier_step(t, t->steps[j].id) == &t->steps[j]);
		for (j = 0; j < t->n_clauses; j++) {
			CHECK(tc_tier_clause(t, t->clauses[j].id) ==
			    &t->clauses[j]);
			CHECK(tc_programme_clause(p, t->clauses[j].id, &owner,
				  &rowner) == &t->clauses[j]);
			CHECK(owner == t && rowner == NULL);
			check_text(&t->clauses[j].text, 1);
		}
		if (t->kind == TC_TIER_SUB) {
			CHECK(t->validity.term == TC_TERM_PRINCIPAL);
			CHECK(t->relation > TC_REL_HOLDER);
			CHECK(t->principal_tiers.n > 0 && t->rank == 0);
			for (j = 0; j < t->principal_tiers.n; j++)
				CHECK(tc_programme_tier(
					  p, t->principal_tiers.v[j])
					  ->kind == TC_TIER_MAIN);
		} else {
			CHECK(t->validity.term != TC_TERM_PRINCIPAL);
			CHECK(t->rank >= 1 && t->relation == 0);
			CHECK(t->validity.default_months >= 1 &&
			    t->validity.default_months <=
				t->validity.max_months);
		}
	}
	for (i = 0; i < p->n_routes; i++) {
		CHECK(tc_programme_route(p, p->routes[i].id) == &p->routes[i]);
		check_steps(p->routes[i].steps, p->routes[i].n_steps);
		for (j = 0; j < p->routes[i].n_clauses; j++) {
			CHECK(tc_programme_clause(p, p->routes[i].clauses[j].id,
				  &owner, &rowner) == &p->routes[i].clauses[j]);
			CHECK(owner == NULL && rowner == &p->routes[i]);
		}
		for (j = 0; j < p->routes[i].tiers.n; j++)
			CHECK(tc_programme_tier(p, p->routes[i].tiers.v[j]) !=
			    NULL);
	}
	for (i = 0; i < p->n_services; i++) {
		CHECK(tc_programme_service(p, p->services[i].id) ==
		    &p->services[i]);
		check_service(p, &p->services[i], NULL);
	}
	for (i = 0; i < p->n_exclusive_groups; i++) {
		CHECK(p->exclusive_groups[i].services.n >= 2);
		CHECK(p->exclusive_groups[i].period != TC_PERIOD_UNLIMITED);
		for (j = 0; j < p->exclusive_groups[i].services.n; j++)
			CHECK(
			    tc_programme_exclusive_group(p,
				p->exclusive_groups[i].services.v[j]) != NULL);
	}
	CHECK(tc_programme_tier(p, "") == NULL);
	tc_programme_free(p);
	return 0;
}
