/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer issue APP: issues the card of an approved application at
 * its issue step: the serial is reserved, the card number made from the
 * programme's region and the serial, the holder found or added, the card
 * created (tc_app_issue, src/registry/application.c; docs/workflow.md).
 */
#include <stdio.h>
#include <string.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/cardno.h"
#include "tcard/err.h"

const char tc_issuer_issue_help[] =
    "NAME\n"
    "    tcard-issuer issue - issue the card of an approved application\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer issue APP --as NAME [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Application APP must be approved and its production step done\n"
    "    (the card producer's 'review APP --approve'); the operator needs\n"
    "    the issue step's role (card-issuer) and must not have acted on\n"
    "    another step of it. The guards are checked once more (a person\n"
    "    blacklisted since the approval is not issued a card).\n"
    "\n"
    "    The card was allocated at the last approval (state production,\n"
    "    docs/workflow.md): it is handed over and becomes issued. For an\n"
    "    application approved before that existed, the serial is reserved\n"
    "    first and committed on its own, so it is never handed out again\n"
    "    even when the issue then fails (the serial is then skipped). The\n"
    "    card number is the programme's\n"
    "    region code, the 9-digit serial and a Luhn digit. The card is\n"
    "    valid from now for the tier's term (or the months set at\n"
    "    approval), to the day before the same date that many months on\n"
    "    (Asia/Shanghai); a sub-card ends with its principal card. For an\n"
    "    upgrade or conversion the old card is revoked as 'superseded'.\n"
    "    The chip and the signed credential are made by other commands.\n"
    "\n"
    "    Prints 'card 4401 1100 0000 0017 issued: serial 17, tier a,\n"
    "    valid to 2031-03-01'. Audited: serial.reserve, holder.add,\n"
    "    card.issue, card.supersede, application.issue.\n"
    "\n"
    "OPTIONS\n"
    "    --as NAME   the acting operator (card-issuer)\n"
    "    --json      print {\"application\", \"card_no\", \"serial\",\n"
    "                \"programme\", \"tier\", \"issued\", \"valid_to\",\n"
    "                \"expires_at\"}\n"
    "    --home DIR  the authority's home directory\n"
    "    --help      show this page\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer issue 12 --as issuer1\n";

int
tc_issuer_issue_run(const struct tc_args *a)
{
	struct tc_card card;
	struct tc_session s;
	const char *home = a->home, *as = a->as;
	char err[1024] = "", grouped[20], valid_to[TC_DATE_TEXT], t[32];
	int json = a->json, status, r;
	int64_t id;
	json_t *o;

	if (a->argc != 1 || tc_ac_app_id(a->argv[0], &id) != 0)
		return tc_cli_usage("give one application number");
	if ((status = tc_session_open_as(
		 &s, home, as, 0, TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	/* tc_app_issue runs its own transactions and checks the operator. */
	if ((r = tc_app_issue(&s.c, id, &card, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "issue", err);
		goto out;
	}
	tc_cardno_group(card.card_no, grouped);
	tc_date_format(tc_day_of_time(card.expires_at) - 1, valid_to);
	tc_ac_time(card.issued_at, t);
	if (json) {
		o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:I}",
		    "application", (json_int_t)id, "card_no", card.card_no,
		    "serial", (json_int_t)card.serial, "programme",
		    card.programme, "tier", card.tier, "issued", t, "valid_to",
		    valid_to, "expires_at", (json_int_t)card.expires_at);
		if (o != NULL && card.principal_serial) {
			json_object_set_new(o, "principal_serial",
			    json_integer(card.principal_serial));
			json_object_set_new(
			    o, "relation", json_string(card.relation));
		}
		tc_cli_print_json(stdout, o);
		json_decref(o);
	} else
		printf("card %s issued: serial %lld, %s tier %s, valid to %s\n",
		    grouped, (long long)card.serial, card.programme, card.tier,
		    valid_to);
	status = TC_EXIT_OK;
out:
	tc_session_close(&s);
	return status;
}
