/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer supplement APP: the unit's 信息补充 (003), filling in or
 * correcting form fields of an application at the unit's step
 * (tc_app_supplement, src/registry/application.c; docs/workflow.md
 * "Supplement").
 */
#include <stdio.h>
#include <string.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/application.h"
#include "tcard/err.h"

/* Longest "section.field" name taken from --field. */
#define FIELD_NAME_MAX 128

const char tc_issuer_supplement_help[] =
    "NAME\n"
    "    tcard-issuer supplement - the unit fills in or corrects a form\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer supplement APP --field SECTION.FIELD=VALUE...\n"
    "                 --reason TEXT --as UNIT-REVIEWER [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    At the unit's step of application APP (Youyue's unit review), a\n"
    "    reviewer of the applicant's unit fills in or corrects fields of the\n"
    "    form (003: 材料查验、信息补充). Only editable text, address, phone,\n"
    "    email and date fields of sections that are not lists may be\n"
    "    changed; never what comes from the applicant's login (name, ID\n"
    "    number), a derived field, or the employer (the unit is derived\n"
    "    from it). The action 'supplement' records the reason and the\n"
    "    field names, never the values, as does the audit entry\n"
    "    'application.supplement'. Four eyes: the supplementing reviewer\n"
    "    has acted on the unit's step, so it may still approve or return\n"
    "    that step, and no other step of the application.\n"
    "\n"
    "    Another unit's application, or one the operator may not see, is\n"
    "    'no application APP', as for one that does not exist.\n"
    "\n"
    "OPTIONS\n"
    "    --field SECTION.FIELD=VALUE  a field and its new value (repeat for\n"
    "                       more, at most 32)\n"
    "    --reason TEXT      why (required)\n"
    "    --as NAME          the acting unit reviewer\n"
    "    --json             print the application as JSON afterwards\n"
    "    --home DIR         the authority's home directory\n"
    "    --help             show this page\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer supplement 19 --field basic.phone=13800138000 \\\n"
    "        --reason '单位核实后补充联系电话' --as unit-a-hr\n";

int
tc_issuer_supplement_run(const struct tc_args *a)
{
	struct tc_app_patch patch[TC_APP_PATCH_MAX];
	char names[TC_APP_PATCH_MAX][FIELD_NAME_MAX + 1];
	struct tc_session s;
	const char *reason = tc_args_get(a, "reason"), *v, *eq;
	char err[1024] = "";
	size_t n = 0;
	int64_t id;
	int r, status, cursor = 0;

	while ((v = tc_args_next(a, "field", &cursor)) != NULL) {
		if (n == TC_APP_PATCH_MAX)
			return tc_cli_usage(
			    "at most %d --field", TC_APP_PATCH_MAX);
		if ((eq = strchr(v, '=')) == NULL || eq == v ||
		    (size_t)(eq - v) > FIELD_NAME_MAX)
			return tc_cli_usage(
			    "--field wants SECTION.FIELD=VALUE");
		memcpy(names[n], v, (size_t)(eq - v));
		names[n][eq - v] = '\0';
		patch[n].field = names[n];
		patch[n].value = eq + 1;
		n++;
	}
	if (a->argc != 1 || tc_ac_app_id(a->argv[0], &id) != 0)
		return tc_cli_usage("give one application number");
	if (n == 0)
		return tc_cli_usage(
		    "give at least one --field SECTION.FIELD=VALUE");
	if (reason == NULL)
		return tc_cli_usage("give the --reason");
	if (a->as == NULL)
		return tc_cli_usage(
		    "this command needs --as NAME: the unit reviewer who does it");
	if ((status = tc_session_open(
		 &s, a->home, a->as, 0, TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	r = tc_app_supplement(&s.c, id, patch, n, reason, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "supplement", err)) != TC_EXIT_OK)
		goto out;
	status = tc_ac_report(&s, id, a->json, "supplemented");
out:
	tc_session_close(&s);
	return status;
}
