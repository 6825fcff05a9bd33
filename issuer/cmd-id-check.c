/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer id-check TYPE NUMBER: validates and normalises an ID
 * document number (src/id.c) and prints the normalised and masked forms,
 * or the reason it is not valid. Useful at the counter before an
 * application is typed in, and in scripts (--json).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "issuer.h"
#include "tcard/err.h"
#include "tcard/id.h"

const char tc_issuer_id_check_help[] =
    "NAME\n"
    "    tcard-issuer id-check - validate and normalise an ID document number\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer id-check [--json] [--show] TYPE NUMBER\n"
    "\n"
    "DESCRIPTION\n"
    "    Normalises NUMBER (spaces removed, full-width digits and letters made\n"
    "    half-width, letters upper-cased) and checks it against the rules of\n"
    "    TYPE. On success prints the masked form, which keeps only the last\n"
    "    2 characters (a third of a shorter number at most); the full\n"
    "    normalised number is printed only with --show. On failure prints\n"
    "    the reason, for\n"
    "    example 'bad check character: expected 7, got 3'.\n"
    "\n"
    "    TYPE is one of:\n"
    "      resident        mainland resident ID card (GB 11643, 18 characters)\n"
    "      hkmo-residence  residence permit for Hong Kong and Macao residents\n"
    "                      (18 characters beginning 810000 or 820000)\n"
    "      tw-residence    residence permit for Taiwan residents (830000...)\n"
    "      hkmo-permit     home-return permit (H or M + 8 or 10 digits)\n"
    "      tw-permit       Taiwan compatriot permit (8 or 10 digits)\n"
    "      foreign-pr      foreign permanent residence ID (2023 form: 18 digits\n"
    "                      beginning with 9; older form: 3 letters + 12 digits)\n"
    "      passport        passport (5 to 20 letters and digits)\n"
    "\n"
    "OPTIONS\n"
    "    --json    print {\"valid\", \"type\", \"masked\", \"error\", \"reason\"}\n"
    "    --show    also print the full normalised number (stdout only; never\n"
    "              use it where output is logged)\n"
    "    --help    show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 valid; 1 not valid; 2 usage error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_NOW  the date against which birth dates are checked (test builds only)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer id-check resident '110101 19900307 123x'\n"
    "    tcard-issuer id-check --json hkmo-permit H12345678\n";

int
tc_issuer_id_check_run(const struct tc_args *a)
{
	enum tc_id_type type;
	char norm[TC_ID_MAX], masked[TC_ID_MAX], msg[256];
	int json = a->json, show, r;
	time_t now;
	json_t *o;

	show = tc_args_has(a, "show") > 0;
	if (a->argc != 2)
		return tc_cli_usage("expected TYPE and NUMBER");
	if (tc_id_type_parse(a->argv[0], &type) != 0)
		return tc_cli_usage(
		    "unknown ID type '%s' (resident, hkmo-residence, tw-residence, hkmo-permit, tw-permit, foreign-pr, passport)",
		    a->argv[0]);
	if ((now = tc_cli_now()) == (time_t)-1)
		return TC_EXIT_USAGE;

	msg[0] = '\0';
	r = tc_id_normalise(type, a->argv[1], now, norm, msg, sizeof(msg));
	if (r == 0)
		r = tc_id_mask(norm, masked);
	if (json) {
		o = json_object();
		json_object_set_new(o, "valid", json_boolean(r == 0));
		json_object_set_new(
		    o, "type", json_string(tc_id_type_name(type)));
		if (r == 0) {
			json_object_set_new(o, "masked", json_string(masked));
			if (show)
				json_object_set_new(
				    o, "normalised", json_string(norm));
		} else {
			json_object_set_new(
			    o, "error", json_string(tc_errname(r)));
			json_object_set_new(o, "reason",
			    json_string(msg[0] ? msg : tc_strerror(r)));
		}
		tc_cli_print_json(stdout, o);
		json_decref(o);
	} else if (r == 0) {
		printf("valid %s: %s\n", tc_id_type_name(type), masked);
		if (show)
			printf("normalised: %s\n", norm);
	} else {
		printf("not valid %s: %s\n", tc_id_type_name(type),
		    msg[0] ? msg : tc_strerror(r));
	}
	memset(norm, 0, sizeof(norm));
	return r == 0 ? TC_EXIT_OK : TC_EXIT_REFUSED;
}
