/* SPDX-License-Identifier: MIT */
/*
 * tcard-keys add-signer: a current credential signer of an algorithm the
 * store has no current signer of, issued by the store's CA whatever the
 * CA's own algorithm, so that one authority signs ES256 and SM2 programmes
 * alike. A store made by an older tcard-keys init holds one algorithm only;
 * this brings it the other.
 */
#include <stdio.h>
#include <time.h>

#include "keys.h"
#include "tcard/err.h"
#include "tcard/keystore.h"

const char tc_keys_add_signer_help[] =
    "NAME\n"
    "    tcard-keys add-signer - add a credential signer of another algorithm\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-keys add-signer --alg es256|sm2 [--home DIR] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Makes a signer key of the given algorithm and a certificate for it\n"
    "    issued by the CA (signed with the CA's own algorithm, valid for 6\n"
    "    years, never past the CA's end), writes signer-KID.key and\n"
    "    signer-KID.crt, and rewrites keys.json with the new signer current\n"
    "    for its algorithm. The store keeps one current signer per\n"
    "    algorithm: a programme whose alg is SM2 is signed by the current\n"
    "    SM2 signer, an ES256 programme by the current ES256 one. Refused\n"
    "    when the store already has a current signer of that algorithm\n"
    "    (rotate it with rotate-signer --alg instead). Needs ca.key; publish\n"
    "    a new trust list (export-trust) afterwards.\n"
    "\n"
    "OPTIONS\n"
    "    --alg ALG    es256 or sm2 (required)\n"
    "    --home DIR   the authority's home directory (default $TCARD_HOME)\n"
    "    --json       print {\"kid\", \"alg\", \"not_after\", \"key_file\",\n"
    "                 \"cert_file\"}\n"
    "    --help       show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 added; 1 refused (a current signer of that algorithm exists, the\n"
    "    CA has expired, or 64 signers already); 2 usage error; 3 no key\n"
    "    store, no ca.key, or a missing, badly protected or malformed file;\n"
    "    4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   the time of the addition (test builds only)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-keys add-signer --alg sm2 --home /srv/tcard\n"
    "    tcard-keys export-trust --home /srv/tcard --out trust.cose\n";

int
tc_keys_add_signer_run(const struct tc_args *a)
{
	struct tc_keystore *ks = NULL;
	const char *home_opt = a->home, *alg_opt;
	enum tc_keyalg alg;
	char err[512] = "";
	int r, json = a->json, status;
	time_t now;

	alg_opt = tc_args_get(a, "alg");
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if (alg_opt == NULL)
		return tc_cli_usage("--alg es256|sm2 is required");
	if (tc_keyalg_parse(alg_opt, &alg) != 0)
		return tc_cli_usage(
		    "--alg: expected es256 or sm2, not '%s'", alg_opt);
	if ((status = tc_keys_open(home_opt, &ks, &now)) != TC_EXIT_OK)
		return status;
	r = tc_keystore_add_signer(ks, alg, now, err, sizeof(err));
	status = tc_keys_signer_made(ks, r, err, json, NULL);
	tc_keystore_free(ks);
	return status;
}
