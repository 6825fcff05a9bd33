/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer expire: the expiry sweep, which records as expired every
 * issued or suspended card past its expiry, sub-cards with their main
 * card (tc_lifecycle_expire, src/registry/lifecycle.c; docs/lifecycle.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "card-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"

const char tc_issuer_expire_help[] =
    "NAME\n"
    "    tcard-issuer expire - record the cards that have expired\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer expire --as NAME [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Every issued or suspended card whose expiry has come (the first\n"
    "    moment it is no longer valid is not after now) becomes expired,\n"
    "    with reason term-ended; the issued and suspended sub-cards of an\n"
    "    expired main card expire with it (reason principal-expired),\n"
    "    whatever their own expiry. One transaction, one audit entry per\n"
    "    card (card.expire). Run it daily (cron) and before publishing a\n"
    "    revocation list or lookup snapshot. Cards past their expiry are\n"
    "    treated as expired by every other command even before the sweep\n"
    "    runs; the sweep records it. Running it twice changes nothing the\n"
    "    second time. Any operator may run it (it only applies the clock).\n"
    "\n"
    "    Prints 'N cards expired'.\n"
    "\n"
    "OPTIONS\n"
    "    --as NAME   the acting operator (any role)\n"
    "    --json      print {\"expired\": N}\n"
    "    --home DIR  the authority's home directory\n"
    "    --help      show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    TCARD_PASSPHRASE=... tcard-issuer expire --as sweeper\n";

int
tc_issuer_expire_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_lifecycle lc;
	char err[512] = "";
	int status, r;
	int64_t n = 0;
	json_t *o;

	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%.64s'", a->argv[0]);
	if ((status = tc_session_open(&s, a->home, a->as, TC_LC_ROLES_ANY,
		 TC_SESSION_NEED_AS)) != TC_EXIT_OK)
		return status;
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	lc = tc_lc_ctx(&s);
	r = tc_lifecycle_expire(&lc, &n, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "expire", err)) != TC_EXIT_OK)
		goto out;
	if (a->json) {
		if ((o = json_pack("{s:I}", "expired", (json_int_t)n)) ==
		    NULL) {
			status = tc_cli_fail(TC_ERR_NOMEM, "json", NULL);
			goto out;
		}
		tc_cli_print_json(stdout, o);
		json_decref(o);
	} else
		printf("%" PRId64 " card%s expired\n", n, n == 1 ? "" : "s");
out:
	tc_session_close(&s);
	return status;
}
