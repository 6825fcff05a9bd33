/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer expire: the expiry sweep, which records as expired every
 * issued or suspended card past its expiry, sub-cards with their main
 * card (tc_lifecycle_expire, src/registry/lifecycle.c; docs/lifecycle.md).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "card-cli.h"
#include "issuer.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"

static const char help[] =
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

static int
expire_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "home", required_argument, NULL, 'H' },
		{ "as", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct tc_lc_session s;
	struct tc_lifecycle lc;
	const char *home = NULL, *as = NULL;
	char err[512] = "";
	int ch, json = 0, status, r;
	int64_t n = 0;
	json_t *o;

	if ((status = tc_lc_getopt_start(argc, argv)) != TC_EXIT_OK)
		return status;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			home = optarg;
			break;
		case 'a':
			as = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case ':':
			return tc_cli_usage("an option needs a value");
		default:
			return tc_cli_usage("unknown option");
		}
	}
	if (optind != argc)
		return tc_cli_usage(
		    "unexpected argument '%.64s'", argv[optind]);
	if ((status = tc_lc_open(&s, home, as, 1, TC_LC_ROLES_ANY)) !=
	    TC_EXIT_OK)
		return status;
	if ((status = tc_lc_begin(&s)) != TC_EXIT_OK)
		goto out;
	lc = tc_lc_ctx(&s);
	r = tc_lifecycle_expire(&lc, &n, err, sizeof(err));
	if ((status = tc_lc_end(&s, r, "expire", err)) != TC_EXIT_OK)
		goto out;
	if (json) {
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
	tc_lc_close(&s);
	return status;
}

const struct tc_cmd tc_cmd_expire = {
	.name = "expire",
	.summary = "record the cards past their expiry (daily sweep)",
	.help = help,
	.exec = expire_exec,
};
