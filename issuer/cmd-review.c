/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer review APP: performs the application's current step as the
 * acting operator: approve, return for supplementary material, or reject
 * (tc_app_review, src/registry/application.c; docs/workflow.md).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"

const char tc_issuer_review_help[] =
    "NAME\n"
    "    tcard-issuer review - act on an application's current step\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer review APP --as NAME --approve [--tier T] [--months N]\n"
    "                 [--override GUARD]... [--json] [--home DIR]\n"
    "    tcard-issuer review APP --as NAME --return REASON\n"
    "    tcard-issuer review APP --as NAME --reject REASON\n"
    "\n"
    "DESCRIPTION\n"
    "    Performs the current step of application APP (its number) as the\n"
    "    operator NAME, who must hold the step's role (the programme file\n"
    "    names it: industry-reviewer for Baiyun's preliminary review,\n"
    "    hr-reviewer for the green card's review, ...) and must not have\n"
    "    acted on another step of this application, nor entered or\n"
    "    submitted it (four eyes). Returning and later approving the same\n"
    "    step is one step.\n"
    "\n"
    "    --approve passes the step; the next step starts, with its\n"
    "    deadline in working days. At a public-notice step (Chuxiong 公示)\n"
    "    the approval is refused until the notice period has run (the\n"
    "    message gives the day it ends). At the approval step the guards\n"
    "    are checked again; a route that decides the tier (Baiyun case by\n"
    "    case, Chuxiong flexible talent) needs --tier; a tier whose term is\n"
    "    set at approval (green card A: up to 60 months) takes --months.\n"
    "    After the last step before production the application is\n"
    "    approved; the card producer then approves the production step,\n"
    "    and 'tcard-issuer issue' issues the card.\n"
    "\n"
    "    --return sends the application back for supplementary material\n"
    "    (only at steps that may return; 退案); it waits as 'returned'\n"
    "    until 'tcard-issuer submit' resubmits it. --reject refuses it for\n"
    "    good (any step before production). Audited: application.approve,\n"
    "    .return, .reject.\n"
    "\n"
    "OPTIONS\n"
    "    --approve          pass the step\n"
    "    --return REASON    return for supplementary material\n"
    "    --reject REASON    reject for good\n"
    "    --tier T           the tier, at a step that decides it\n"
    "    --months N         the validity, where the tier's term is set at\n"
    "                       approval (default: the tier's default)\n"
    "    --override GUARD   at the approval step: accept the exception the\n"
    "                       application claims to a rule the programme\n"
    "                       states 'in principle' (retirement-age,\n"
    "                       excluded-employer)\n"
    "    --as NAME          the acting operator\n"
    "    --json             print the application as JSON afterwards\n"
    "    --home DIR         the authority's home directory\n"
    "    --help             show this page\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer review 12 --approve --as industry1\n"
    "    tcard-issuer review 12 --return '请补充近三个月社保缴纳证明' \\\n"
    "        --as industry1\n"
    "    tcard-issuer review 14 --approve --tier gold --as group1\n"
    "    tcard-issuer review 15 --approve --months 36 --as approver1\n";

int
tc_issuer_review_run(const struct tc_args *a)
{
	const char *overrides[8];
	struct tc_review rv;
	struct tc_session s;
	const char *home = a->home, *as = a->as, *v;
	char err[1024] = "", *end;
	int json = a->json, decisions, status, r, cursor = 0;
	int64_t id;
	long n;

	memset(&rv, 0, sizeof(rv));
	rv.overrides = overrides;
	if (tc_args_has(a, "approve"))
		rv.decision = TC_REVIEW_APPROVE;
	if ((v = tc_args_get(a, "return")) != NULL) {
		rv.decision = TC_REVIEW_RETURN;
		rv.reason = v;
	}
	if ((v = tc_args_get(a, "reject")) != NULL) {
		rv.decision = TC_REVIEW_REJECT;
		rv.reason = v;
	}
	decisions = tc_args_has(a, "approve") + tc_args_has(a, "return") +
	    tc_args_has(a, "reject");
	rv.tier = tc_args_get(a, "tier");
	if ((v = tc_args_get(a, "months")) != NULL) {
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n < 1 || n > 1200)
			return tc_cli_usage(
			    "--months wants a number of months, not '%s'", v);
		rv.months = (int)n;
	}
	while ((v = tc_args_next(a, "override", &cursor)) != NULL) {
		if (rv.n_overrides == 8)
			return tc_cli_usage("too many --override");
		overrides[rv.n_overrides++] = v;
	}
	if (a->argc != 1 || tc_ac_app_id(a->argv[0], &id) != 0)
		return tc_cli_usage("give one application number");
	if (decisions != 1)
		return tc_cli_usage(
		    "give exactly one of --approve, --return REASON, --reject REASON");
	if (rv.decision != TC_REVIEW_APPROVE &&
	    (rv.tier != NULL || rv.months != 0 || rv.n_overrides > 0))
		return tc_cli_usage(
		    "--tier, --months and --override go with --approve");
	/* Which role the step needs is the library's decision. */
	if ((status = tc_session_open_as(
		 &s, home, as, 0, TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	r = tc_app_review(&s.c, id, &rv, NULL, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "review", err)) != TC_EXIT_OK)
		goto out;
	status = tc_ac_report(&s, id, json,
	    rv.decision == TC_REVIEW_APPROVE	  ? "approved at its step"
		: rv.decision == TC_REVIEW_RETURN ? "returned"
						  : "rejected");
out:
	tc_session_close(&s);
	return status;
}
