/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer upgrade and convert: applications for a higher tier of a
 * live card (Baiyun 001 实施细则第八条) and for converting a B card into an
 * A card (green card 002 十一(二)), which then go through the review of
 * the new tier (tc_app_create_change; docs/workflow.md).
 */
#include <stdio.h>
#include <string.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"

#define COMMON_HELP                                                                           \
	"    The applicant is the card's holder; the employer, work type and\n"               \
	"    form are taken from the application that issued the card, then\n"                \
	"    changed by the options (--from replaces the sections it gives).\n"               \
	"    The materials of the new tier are attached again (--attach,\n"                   \
	"    --photo). The application is submitted at once (complete, guards\n"              \
	"    passed; the card itself does not count as an existing card) and\n"               \
	"    goes through the steps of the new tier with 'review'; with\n"                    \
	"    --draft it is kept as a draft for 'submit'. When 'issue' issues\n"               \
	"    the new card, the old one is revoked as 'superseded'.\n"                         \
	"\n"                                                                                  \
	"    CARD is the card number (any spacing) or the serial. Needs the\n"                \
	"    role unit-reviewer, industry-reviewer or hr-reviewer. Audited:\n"                \
	"    application.create, .attach, .submit.\n"                                         \
	"\n"                                                                                  \
	"OPTIONS\n"                                                                           \
	"    --tier T          the new tier\n"                                                \
	"    --clause C        the clause of the new tier the holder meets\n" TC_AC_FORM_HELP \
	"    --draft           keep the application as a draft\n" TC_AC_PAGE_END

const char tc_issuer_upgrade_help[] =
    "NAME\n"
    "    tcard-issuer upgrade - apply for a higher tier of a card\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer upgrade CARD --tier T --clause C --as NAME\n"
    "                 [--attach KIND=FILE]... [--from FILE] [--draft] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Creates an application of kind 'upgrade' for issued card CARD: a\n"
    "    holder who meets a higher tier's conditions applies to change the\n"
    "    card (Baiyun, 001 实施细则第八条; only programmes whose file sets\n"
    "    upgrade_by_application allow it). T must rank above the card's\n"
    "    tier and C be one of its clauses.\n" COMMON_HELP "EXAMPLES\n"
    "    tcard-issuer upgrade 4401110000000017 --tier gold --clause g3 \\\n"
    "        --attach clause-proof=award.pdf --as clerk\n";

const char tc_issuer_convert_help[] =
    "NAME\n"
    "    tcard-issuer convert - apply to convert a B card into an A card\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer convert CARD [--tier T] --clause C --as NAME\n"
    "                 [--attach KIND=FILE]... [--from FILE] [--draft] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Creates an application of kind 'convert' for issued card CARD,\n"
    "    whose tier lists the target in converts_to (green card: B to A,\n"
    "    002 十一(二)); --tier is needed only when there are several\n"
    "    targets. C is the clause of the target tier the holder now\n"
    "    meets.\n" COMMON_HELP "EXAMPLES\n"
    "    tcard-issuer convert 4401000000000023 --clause a1-2 \\\n"
    "        --attach clause-proof=patent.pdf --as clerk\n";

/* upgrade and convert. */
int
tc_issuer_upgrade_run(const struct tc_args *a)
{
	enum tc_app_kind kind =
	    tc_args_is(a, "convert") ? TC_APP_CONVERT : TC_APP_UPGRADE;
	const struct tc_programme *p;
	struct tc_ac_form_opts o;
	struct tc_app_form f;
	struct tc_card card;
	struct tc_session s;
	const char *home = a->home, *as = a->as, *id_opt = NULL, *id_env = NULL;
	char err[1024] = "";
	int draft, json = a->json, status, r;
	int64_t id = 0;

	memset(&f, 0, sizeof(f));
	if ((status = tc_ac_form_args(a, 0, &o, &id_opt, &id_env)) !=
	    TC_EXIT_OK)
		return status;
	o.tier = tc_args_get(a, "tier");
	o.clause = tc_args_get(a, "clause");
	draft = tc_args_has(a, "draft") > 0;
	if (a->argc != 1)
		return tc_cli_usage("give one card number or serial");
	if (kind == TC_APP_UPGRADE && (o.tier == NULL || o.clause == NULL))
		return tc_cli_usage("an upgrade needs --tier T and --clause C");
	if ((status = tc_session_open_as(&s, home, as, TC_APP_INTAKE_ROLES,
		 TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	if ((status = tc_ac_card(&s, a->argv[0], &card)) != TC_EXIT_OK)
		goto out;
	if ((p = tc_programme_set_find(s.progs, card.programme)) == NULL) {
		status = tc_cli_fail(
		    TC_ERR_NOT_FOUND, "card", "its programme is not loaded");
		goto out;
	}
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	r = tc_app_create_change(&s.c, kind, card.serial, o.tier, o.clause,
	    NULL, &id, err, sizeof(err));
	if (r != 0) {
		status = tc_session_end(
		    &s, r, kind == TC_APP_UPGRADE ? "upgrade" : "convert", err);
		goto out;
	}
	/* The new tier and clause are the application's already. */
	o.tier = o.clause = NULL;
	if ((status = tc_ac_store_changes(&s, id, p, &o, &f)) != TC_EXIT_OK) {
		tc_registry_rollback(s.reg);
		goto out;
	}
	r = draft ? 0
		  : tc_app_submit(&s.c, id, o.accept_pledge, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "submit", err)) != TC_EXIT_OK)
		goto out;
	status = tc_ac_report(&s, id, json, draft ? "created" : "submitted");
out:
	tc_app_form_release(&f);
	tc_session_close(&s);
	return status;
}
