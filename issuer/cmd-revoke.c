/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer revoke CARD --reason R: withdraws a card for good, with its
 * sub-cards; for fraud also blacklists the person and, when asked, bars
 * the employer (tc_lifecycle_revoke, src/registry/lifecycle.c; docs/lifecycle.md).
 */
#include <stdio.h>
#include <string.h>

#include "card-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"

const char tc_issuer_revoke_help[] =
    "NAME\n"
    "    tcard-issuer revoke - withdraw a card for good\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer revoke CARD --reason REASON --as NAME [--note TEXT]\n"
    "                 [--bar-employer] [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Revokes card CARD (number or serial), which must be issued or\n"
    "    suspended and not past its expiry; the serial goes on the next\n"
    "    revocation list. Its issued and suspended sub-cards are revoked\n"
    "    with it (reason principal-revoked). REASON is one of\n"
    "        fraud, ineligible, retired, misconduct, contract-ended, other\n"
    "    or one of the end reasons of the card's programme (Baiyun:\n"
    "    expelled-or-unlawful, ethics, retirement; Chuxiong: ethics,\n"
    "    unlawful; see its programme file).\n"
    "\n"
    "    Fraud (002 十一(六)): when the programme says so\n"
    "    (fraud_person_blacklist: the green card), the holder is put on the\n"
    "    blacklist, so that new applications are refused. With\n"
    "    --bar-employer the employer is barred from applying for the\n"
    "    programme's fraud_employer_bar_years (green card: 3 years from\n"
    "    today): the employer named on the application that issued the card\n"
    "    (through reissues), else the employer last recorded with 'change'.\n"
    "    A programme without the bar refuses --bar-employer.\n"
    "\n"
    "    An expired card is not revoked; to bar its holder use the\n"
    "    blacklist. Needs the role approver or leadership-group. Audited as\n"
    "    card.revoke (one entry per card), blacklist.add, employer.bar.\n"
    "\n"
    "OPTIONS\n"
    "    --reason R      why (above)\n"
    "    --note TEXT     a remark kept in the audit log (at most 256 bytes)\n"
    "    --bar-employer  fraud only: bar the employer too\n"
    "    --as NAME       the acting operator\n"
    "    --json          print the card afterwards as JSON\n"
    "    --home DIR      the authority's home directory\n"
    "    --help          show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer revoke 17 --reason contract-ended --as approver\n"
    "    tcard-issuer revoke 17 --reason fraud --bar-employer \\\n"
    "        --note 'forged degree certificate' --as approver\n";

int
tc_issuer_revoke_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	const char *reason = tc_args_get(a, "reason");
	const char *note = tc_args_get(a, "note");
	char err[512] = "", g[20], d[TC_LIFECYCLE_DATE_LEN], text[400];
	int bar = tc_args_has(a, "bar-employer") > 0, status, r, n;

	if (a->argc != 1)
		return tc_cli_usage("give one CARD (number or serial)");
	if (reason == NULL)
		return tc_cli_usage("give the reason: --reason REASON");
	if (bar && strcmp(reason, "fraud") != 0)
		return tc_cli_usage("--bar-employer goes with --reason fraud");
	if ((status = tc_lc_open(&s, a, &c, &lc)) != TC_EXIT_OK)
		return status;
	r = tc_lifecycle_revoke(
	    &lc, c.card.serial, reason, note, bar, &res, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "revoke", err)) != TC_EXIT_OK)
		goto out;
	tc_lc_grouped(c.card.card_no, g);
	n = snprintf(text, sizeof(text),
	    "card %s revoked (%s); %d sub-card%s revoked with it", g, reason,
	    res.cascaded, res.cascaded == 1 ? "" : "s");
	if (res.blacklisted && n > 0 && (size_t)n < sizeof(text))
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		    "\nthe holder is on the blacklist");
	if (res.employer_barred && n > 0 && (size_t)n < sizeof(text)) {
		tc_lc_valid_to(res.barred_until, d);
		snprintf(text + n, sizeof(text) - (size_t)n,
		    "\nthe employer is barred through %s", d);
	}
	status = tc_lc_report(&s, "revoke", &res, a->json, text);
out:
	tc_session_close(&s);
	return status;
}
