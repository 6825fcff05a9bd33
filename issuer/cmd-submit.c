/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer submit APP: submits a draft, or resubmits an application
 * returned for supplementary material, optionally changing its form and
 * adding files first (tc_app_update, tc_app_attach, tc_app_submit;
 * docs/workflow.md).
 */
#include <stdio.h>
#include <string.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"

const char tc_issuer_submit_help[] =
    "NAME\n"
    "    tcard-issuer submit - submit a draft or resubmit a returned application\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer submit APP --as NAME [--from FILE.json] [--field S.F=V]...\n"
    "                 [--photo FILE] [--attach KIND=FILE]... [--accept-pledge]\n"
    "                 [--exception GUARD=REASON]... [--keep-draft] [--json]\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Application APP (its number, or application:N) must be a draft or\n"
    "    returned for supplementary material. The form options change its\n"
    "    form first (--from replaces the sections and keys the file gives;\n"
    "    --field sets one value; the person and programme cannot change,\n"
    "    and tier and clause only in a draft); --photo and --attach add\n"
    "    files. Then the application is submitted: it must be complete\n"
    "    and pass the guards, as for 'apply --submit'. A draft starts at\n"
    "    the first step of its tier or route; a returned one goes back to\n"
    "    the step that returned it, whose deadline restarts where the\n"
    "    programme says so (green card: 002 十(二)). With --keep-draft the\n"
    "    changes are saved and the draft is not submitted.\n"
    "\n"
    "    The operator must not have acted on a review step of this\n"
    "    application (four eyes). Needs the role unit-reviewer,\n"
    "    industry-reviewer or hr-reviewer. Audited: application.update,\n"
    "    .attach, .submit or .resubmit.\n"
    "\n"
    "OPTIONS\n" TC_AC_FORM_HELP
    "    --keep-draft      save the changes, do not submit\n" TC_AC_PAGE_END
    "EXAMPLES\n"
    "    tcard-issuer submit 12 --accept-pledge --as clerk\n"
    "    tcard-issuer submit 12 --attach tax-or-social-insurance=tax.pdf \\\n"
    "        --as clerk\n";

int
tc_issuer_submit_run(const struct tc_args *a)
{
	struct tc_ac_form_opts o;
	struct tc_app_form f;
	struct tc_session s;
	struct tc_app app;
	const char *home = a->home, *as = a->as, *id_opt = NULL, *id_env = NULL;
	const struct tc_programme *p;
	char err[1024] = "";
	int keep, json = a->json, status, r, changes;
	int64_t id;

	memset(&f, 0, sizeof(f));
	if ((status = tc_ac_form_args(a, 0, &o, &id_opt, &id_env)) !=
	    TC_EXIT_OK)
		return status;
	keep = tc_args_has(a, "keep-draft") > 0;
	if (a->argc != 1 || tc_ac_app_id(a->argv[0], &id) != 0)
		return tc_cli_usage("give one application number");
	if ((status = tc_session_open_as(&s, home, as, TC_APP_INTAKE_ROLES,
		 TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	if ((r = tc_app_get(s.reg, id, &app, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "application", err);
		goto out;
	}
	p = tc_programme_set_find(s.progs, app.programme);
	tc_app_release(&app);
	if (p == NULL) {
		status = tc_cli_fail(TC_ERR_NOT_FOUND, "application",
		    "its programme is not loaded");
		goto out;
	}
	changes = tc_ac_form_changes(&o);
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	if ((status = tc_ac_store_changes(&s, id, p, &o, &f)) != TC_EXIT_OK) {
		tc_registry_rollback(s.reg);
		goto out;
	}
	r = keep ? 0
		 : tc_app_submit(&s.c, id, o.accept_pledge, err, sizeof(err));
	if (keep && !changes && o.photo == NULL && o.n_attaches == 0) {
		tc_registry_rollback(s.reg);
		status =
		    tc_cli_usage("--keep-draft without changes does nothing");
		goto out;
	}
	if ((status = tc_session_end(&s, r, "submit", err)) != TC_EXIT_OK)
		goto out;
	status = tc_ac_report(&s, id, json, keep ? "changed" : "submitted");
out:
	tc_app_form_release(&f);
	tc_session_close(&s);
	return status;
}
