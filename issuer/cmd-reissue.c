/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer reissue CARD --reason lost|damaged: revokes the card and
 * issues a new one (new serial and number) for the same holder, tier and
 * validity (tc_lifecycle_reissue, src/registry/lifecycle.c; docs/lifecycle.md).
 */
#include <stdio.h>
#include <string.h>

#include "card-cli.h"
#include "cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"
#include "tcard/serial.h"

const char tc_issuer_reissue_help[] =
    "NAME\n"
    "    tcard-issuer reissue - replace a lost or damaged card\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer reissue CARD --reason lost|damaged --as NAME [--json]\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Reissues card CARD (number or serial; the green card asks for the\n"
    "    reason and the old card number, 002 九(五)). The old card is\n"
    "    revoked with reason reissued-lost or reissued-damaged, so it\n"
    "    appears on the revocation list; a new card is issued now for the\n"
    "    same holder, programme and tier, with a new serial and card number\n"
    "    and the same expiry and renewal count. Serials and card numbers\n"
    "    are never used twice. The sub-cards of a reissued main card that\n"
    "    are issued or suspended move to the new card (their own cards were\n"
    "    not lost). Reported changes of employer and residence stay in the\n"
    "    card's history. Only an issued card that has not expired can be\n"
    "    reissued: reinstate a suspended card first. Needs the role\n"
    "    card-issuer. Audited as card.revoke (old), card.reissue (new) and\n"
    "    card.subcard-move; the new serial is reserved first\n"
    "    (serial.reserve).\n"
    "\n"
    "    Prints the new card number and serial.\n"
    "\n"
    "OPTIONS\n"
    "    --reason R   lost or damaged\n"
    "    --as NAME    the acting operator (role card-issuer)\n"
    "    --json       print the old card and the new one as JSON\n"
    "    --home DIR   the authority's home directory\n"
    "    --help       show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer reissue '4401 0000 0000 0017' --reason lost --as clerk\n";

int
tc_issuer_reissue_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	enum tc_reissue_reason reason = 0;
	const char *why = tc_args_get(a, "reason");
	char err[512] = "", g[20], gn[20], vt[TC_LIFECYCLE_DATE_LEN];
	char text[320];
	int status, r;
	int64_t ns;

	if (why != NULL && tc_reissue_reason_parse(why, &reason) != 0)
		return tc_cli_usage(
		    "--reason is lost or damaged, not '%.32s'", why);
	if (a->argc != 1)
		return tc_cli_usage("give one CARD (number or serial)");
	if (reason == 0)
		return tc_cli_usage("give --reason lost or --reason damaged");
	if ((status = tc_lc_open(&s, a, &c, &lc)) != TC_EXIT_OK)
		return status;
	/* Check first, so that a refusal costs no serial. */
	r = tc_lifecycle_reissue(
	    &lc, c.card.serial, reason, 0, NULL, err, sizeof(err));
	if ((status = tc_lc_reserve(&s, r, "reissue", err, "reissue",
		 c.card.card_no, &ns)) != TC_EXIT_OK)
		goto out;
	r = tc_lifecycle_reissue(
	    &lc, c.card.serial, reason, ns, &res, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "reissue", err)) != TC_EXIT_OK)
		goto out;
	tc_lc_grouped(c.card.card_no, g);
	tc_lc_grouped(res.new_card_no, gn);
	tc_lc_valid_to(c.card.expires_at, vt);
	snprintf(text, sizeof(text),
	    "card %s revoked (reissued-%s)\n"
	    "new card %s (serial %lld), valid through %s; %d sub-card%s moved to it",
	    g, tc_reissue_reason_name(reason), gn, (long long)res.new_serial,
	    vt, res.cascaded, res.cascaded == 1 ? "" : "s");
	status = tc_lc_report(&s, "reissue", &res, a->json, text);
out:
	tc_session_close(&s);
	return status;
}
