/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer renew CARD: renews a card inside its renewal window, or
 * extends a green card B once (tc_lifecycle_renew, src/registry/lifecycle.c). The
 * rules and their sources are in docs/lifecycle.md.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"

const char tc_issuer_renew_help[] =
    "NAME\n"
    "    tcard-issuer renew - renew or extend a card\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer renew CARD --as NAME [--months N] [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Extends the validity of main card CARD (its 16-digit number, with\n"
    "    or without spaces, or its serial) from its current expiry, by the\n"
    "    rule of its programme and tier:\n"
    "      - a tier with extensions (the green card B): at most that many\n"
    "        extensions of extension_months each (B: once, by 12 months;\n"
    "        002 十一(二)); the second is refused;\n"
    "      - otherwise, when the programme states a renewal window or the\n"
    "        term is open: a new term of the tier's months (green card A:\n"
    "        60, or fewer with --months);\n"
    "      - otherwise (Baiyun's 5-year cycle) no renewal: the card lapses\n"
    "        and the holder applies again.\n"
    "    Renewal is allowed from the programme's renewal_window_days before\n"
    "    the expiry (the green card: 30 days, 002 九(五); 30 days by default)\n"
    "    until the expiry itself. Before the window the refusal gives the\n"
    "    date and time it opens; at or after the expiry the card is expired\n"
    "    and the holder must make a new application. Suspended, revoked and\n"
    "    expired cards are not renewed; a sub-card follows its main card:\n"
    "    the main card's issued and suspended sub-cards get its new expiry.\n"
    "    Needs the role card-issuer. Audited as card.renew.\n"
    "\n"
    "OPTIONS\n"
    "    --as NAME    the acting operator (role card-issuer)\n"
    "    --months N   the new term in months, for tiers whose term is set\n"
    "                 at approval (green card A), at most the tier's maximum\n"
    "    --json       print the card afterwards as JSON\n"
    "    --home DIR   the authority's home directory (default $TCARD_HOME)\n"
    "    --help       show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer renew '4401 0000 0000 0017' --as clerk\n"
    "    tcard-issuer renew 17 --as clerk --months 36\n";

int
tc_issuer_renew_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	const char *m = tc_args_get(a, "months");
	char err[512] = "", g[20], vt[TC_LIFECYCLE_DATE_LEN];
	char was[TC_LIFECYCLE_DATE_LEN], text[256];
	int months = 0, status, r;
	char *end;
	long v;

	if (m != NULL) {
		v = strtol(m, &end, 10);
		if (*m < '1' || *m > '9' || *end != '\0' || v < 1 || v > 1200)
			return tc_cli_usage(
			    "--months wants a number of months (1 to 1200)");
		months = (int)v;
	}
	if (a->argc != 1)
		return tc_cli_usage("give one CARD (number or serial)");
	if ((status = tc_lc_open(&s, a, &c, &lc)) != TC_EXIT_OK)
		return status;
	r = tc_lifecycle_renew(
	    &lc, c.card.serial, months, &res, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "renew", err)) != TC_EXIT_OK)
		goto out;
	tc_lc_grouped(c.card.card_no, g);
	tc_lc_valid_to(c.card.expires_at, was);
	tc_lc_valid_to(res.expires_at, vt);
	snprintf(text, sizeof(text),
	    "card %s renewed: valid through %s (was %s); %d sub-card%s renewed with it",
	    g, vt, was, res.cascaded, res.cascaded == 1 ? "" : "s");
	status = tc_lc_report(&s, "renew", &res, a->json, text);
out:
	tc_session_close(&s);
	return status;
}
