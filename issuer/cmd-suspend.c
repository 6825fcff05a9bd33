/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer suspend CARD and reinstate CARD: a card (with the sub-cards
 * that follow it) is made temporarily invalid and valid again
 * (tc_lifecycle_suspend, tc_lifecycle_reinstate in src/registry/lifecycle.c;
 * docs/lifecycle.md).
 */
#include <stdio.h>
#include <string.h>

#include "card-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"

const char tc_issuer_suspend_help[] =
    "NAME\n"
    "    tcard-issuer suspend - make a card temporarily invalid\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer suspend CARD --reason TEXT --as NAME [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Suspends card CARD (number or serial), which must be issued and\n"
    "    not past its expiry, for the reason given (free text, at most 256\n"
    "    bytes; never an ID number). Verifiers refuse a suspended card. The\n"
    "    issued sub-cards of a main card are suspended with it (reason\n"
    "    principal-suspended); 'reinstate' brings them back together. A\n"
    "    sub-card may also be suspended on its own. Needs the role\n"
    "    hr-reviewer, approver or leadership-group. Audited as card.suspend,\n"
    "    one entry per card.\n"
    "\n"
    "OPTIONS\n"
    "    --reason TEXT  why (kept with the card and in the audit log)\n"
    "    --as NAME      the acting operator\n"
    "    --json         print the card afterwards as JSON\n"
    "    --home DIR     the authority's home directory\n"
    "    --help         show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer suspend 17 --reason 'employer inquiry' --as reviewer\n";

const char tc_issuer_reinstate_help[] =
    "NAME\n"
    "    tcard-issuer reinstate - make a suspended card valid again\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer reinstate CARD --as NAME [--note TEXT] [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Reinstates suspended card CARD (number or serial) if it has not\n"
    "    passed its expiry. The sub-cards that were suspended because of it\n"
    "    are reinstated with it; a sub-card suspended on its own stays\n"
    "    suspended. A sub-card is reinstated only while its main card is\n"
    "    issued. Needs the role hr-reviewer, approver or leadership-group.\n"
    "    Audited as card.reinstate, one entry per card.\n"
    "\n"
    "OPTIONS\n"
    "    --note TEXT  a remark for the audit log (at most 256 bytes)\n"
    "    --as NAME    the acting operator\n"
    "    --json       print the card afterwards as JSON\n"
    "    --home DIR   the authority's home directory\n"
    "    --help       show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer reinstate 17 --note 'inquiry closed' --as reviewer\n";

/* Each command refuses the other's option by name. */
const struct tc_opt tc_issuer_suspend_refused[] = {
	{ "note", TC_OPT_VALUE, "suspend takes --reason, not --note" },
	{ NULL },
};

const struct tc_opt tc_issuer_reinstate_refused[] = {
	{ "reason", TC_OPT_VALUE, "reinstate takes --note, not --reason" },
	{ NULL },
};

/* suspend and reinstate. */
int
tc_issuer_suspend_run(const struct tc_args *a)
{
	int suspend = tc_args_is(a, "suspend");
	struct tc_session s;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	const char *reason = suspend ? tc_args_get(a, "reason") : NULL;
	const char *note = suspend ? NULL : tc_args_get(a, "note");
	char err[512] = "", g[20], text[256];
	int status, r;

	if (a->argc != 1)
		return tc_cli_usage("give one CARD (number or serial)");
	if (suspend && reason == NULL)
		return tc_cli_usage("give the reason: --reason TEXT");
	if ((status = tc_lc_open(&s, a, &c, &lc)) != TC_EXIT_OK)
		return status;
	if (suspend)
		r = tc_lifecycle_suspend(
		    &lc, c.card.serial, reason, &res, err, sizeof(err));
	else
		r = tc_lifecycle_reinstate(
		    &lc, c.card.serial, note, &res, err, sizeof(err));
	if ((status = tc_session_end(
		 &s, r, suspend ? "suspend" : "reinstate", err)) != TC_EXIT_OK)
		goto out;
	tc_lc_grouped(c.card.card_no, g);
	snprintf(text, sizeof(text), "card %s %s; %d sub-card%s with it", g,
	    suspend ? "suspended" : "reinstated", res.cascaded,
	    res.cascaded == 1 ? "" : "s");
	status = tc_lc_report(
	    &s, suspend ? "suspend" : "reinstate", &res, a->json, text);
out:
	tc_session_close(&s);
	return status;
}
