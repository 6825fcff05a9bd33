/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer change CARD: records a change of the holder's employer or
 * residence with the date it took effect; a report later than the
 * programme allows is accepted and marked late (tc_lifecycle_change,
 * src/registry/lifecycle.c; docs/lifecycle.md).
 */
#include <stdio.h>
#include <string.h>

#include "card-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"

const char tc_issuer_change_help[] =
    "NAME\n"
    "    tcard-issuer change - record a change of employer or residence\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer change CARD --employer NAME [--uscc CODE] --date YYYY-MM-DD\n"
    "                 --as NAME [--json] [--home DIR]\n"
    "    tcard-issuer change CARD --residence TEXT --date YYYY-MM-DD --as NAME\n"
    "                 [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Records that the holder of CARD (number or serial) changed employer\n"
    "    or residence on the given date (Beijing time; not after today). The\n"
    "    green card asks for the change to be reported within 30 days\n"
    "    (002 九(五)): a report on day 30 after the change is on time, one\n"
    "    on day 31 or later is still recorded, marked late, and a warning\n"
    "    is printed (and kept in the audit entry). Programmes that state no\n"
    "    limit never mark a report late. The card must be issued or\n"
    "    suspended. A sub-card records residence changes only. Employer\n"
    "    changes are what 'revoke --reason fraud --bar-employer' bars when\n"
    "    no application of this registry names the employer. Needs the\n"
    "    role card-issuer. Audited as card.change.\n"
    "\n"
    "OPTIONS\n"
    "    --employer NAME   the new employer's name (at most 512 bytes)\n"
    "    --uscc CODE       its unified social credit code (18 characters,\n"
    "                      check character verified)\n"
    "    --residence TEXT  the new residence (at most 512 bytes)\n"
    "    --date YYYY-MM-DD the day the change took effect\n"
    "    --as NAME         the acting operator (role card-issuer)\n"
    "    --json            print the result as JSON (late, days, warning)\n"
    "    --home DIR        the authority's home directory\n"
    "    --help            show this page\n"
    "\n" TC_LC_EXIT
    "    A late report is not a failure: exit 0 with a warning.\n"
    "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer change 17 --employer 'Huadu Widget Co.' \\\n"
    "        --uscc 91440114MA5XXXXXXX --date 2026-04-01 --as clerk\n"
    "    tcard-issuer change 17 --residence 'Huadu, Xinhua Rd 1' \\\n"
    "        --date 2026-04-01 --as clerk\n";

int
tc_issuer_change_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	const char *employer = tc_args_get(a, "employer");
	const char *uscc = tc_args_get(a, "uscc");
	const char *residence = tc_args_get(a, "residence");
	const char *date = tc_args_get(a, "date");
	char err[512] = "", g[20], text[256];
	int status, r;
	enum tc_change_kind kind;

	if (a->argc != 1)
		return tc_cli_usage("give one CARD (number or serial)");
	if ((employer == NULL) == (residence == NULL))
		return tc_cli_usage(
		    "give either --employer NAME or --residence TEXT");
	if (uscc != NULL && employer == NULL)
		return tc_cli_usage("--uscc goes with --employer");
	if (date == NULL)
		return tc_cli_usage(
		    "give the date the change took effect: --date YYYY-MM-DD");
	kind = employer != NULL ? TC_CHANGE_EMPLOYER : TC_CHANGE_RESIDENCE;
	if ((status = tc_lc_open(&s, a, &c, &lc)) != TC_EXIT_OK)
		return status;
	r = tc_lifecycle_change(&lc, c.card.serial, kind,
	    employer != NULL ? employer : residence, uscc, date, &res, err,
	    sizeof(err));
	if ((status = tc_session_end(&s, r, "change", err)) != TC_EXIT_OK)
		goto out;
	tc_lc_grouped(c.card.card_no, g);
	snprintf(text, sizeof(text),
	    "%s change of %s recorded for card %s (reported after %d day%s%s)",
	    tc_change_kind_name(kind), date, g, res.days,
	    res.days == 1 ? "" : "s", res.late ? ", LATE" : "");
	status = tc_lc_report(&s, "change", &res, a->json, text);
out:
	tc_session_close(&s);
	return status;
}
